# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Sourced by tests/guest/dt-init.sh when the kernel command line has
# irqcap_suspend=wake|nowake (scripts/dt-gpio-test.sh --suspend), irqcap
# loaded and bound: suspend to idle with a reader open, and say how the
# guest came back.  An RTC alarm (PL031) is set irqcap_alarm seconds ahead:
# the way out when the line must not wake the guest, a fallback otherwise.
# The host pulses the line (system_powerdown) a few seconds after
# "=== SUSPENDING".  Lines for the host:
#   === WAKEUP enabled|disabled|none      power/wakeup of the device
#   === SLEEPSTATE state=... mem_sleep=...
#   === SUSPENDING / === STATE rc=N / === RESUMED after_ms=N
#   === WAKEUP_IRQ N                      /sys/power/pm_wakeup_irq
#   === IRQS irqcap=N rtc=N
#   === PMCOUNTERS suspends=N irqs_seen=N
P=/sys/bus/platform/devices/event-capture
ALARM=$(guest_param irqcap_alarm || echo 20)
echo "=== WAKEUP $(cat $P/power/wakeup 2>/dev/null || echo none)"
echo "=== SLEEPSTATE state=$(cat /sys/power/state) mem_sleep=$(cat /sys/power/mem_sleep 2>/dev/null)"
# one IRQ record at most is expected (the waking or the replayed edge); the
# reader stops 4 s after the first record past it, or after 120 s
reader /dev/irqcap0 1 120 4000 &
RPID=$!
sleep 1
echo 0 >/sys/class/rtc/rtc0/wakealarm
echo "+$ALARM" >/sys/class/rtc/rtc0/wakealarm
t0=$(cut -d' ' -f1 /proc/uptime)
echo "=== SUSPENDING"
echo freeze >/sys/power/state
# shellcheck disable=SC2320 # echo's status is the write's: the suspend's
echo "=== STATE rc=$?"
t1=$(cut -d' ' -f1 /proc/uptime)
# /proc/uptime is CLOCK_BOOTTIME: it counts the time suspended
echo "=== RESUMED after_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')"
echo "=== WAKEUP_IRQ $(cat /sys/power/pm_wakeup_irq 2>/dev/null || echo none)"
echo "=== IRQS irqcap=$(cat /sys/class/misc/irqcap0/device/irq) rtc=$(awk '/pl031|rtc/ { sub(":", "", $1); print $1; exit }' /proc/interrupts)"
wait $RPID
echo "=== READER rc=$?"
echo "=== PMCOUNTERS suspends=$(cat /sys/class/misc/irqcap0/device/suspends) irqs_seen=$(cat /sys/class/misc/irqcap0/device/irqs_seen)"
rmmod irqcap; echo "=== RMMOD rc=$?"
