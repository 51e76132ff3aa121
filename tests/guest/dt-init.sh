#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the ARM DT guest (scripts/dt-gpio-test.sh --arch arm64|armhf): load
# irqcap from the device's DT modalias, read N*PER pulses with /bin/reader
# (tests/guest/dt-reader.c), unload, reload, unload; every step a "=== TAG"
# line for the host.  irqcap_n and irqcap_per come from the kernel command line,
# and irqcap_mmap makes the reader take the records through the mapping.
# shellcheck source=init-lib.sh
. /lib/irqcap/init-lib.sh
guest_init
N=${irqcap_n:-5}
PER=${irqcap_per:-1}
echo "=== DT compatible=$(cat /sys/firmware/devicetree/base/event-capture/compatible 2>/dev/null) trigger=$(cat /sys/firmware/devicetree/base/event-capture/irqcap,trigger 2>/dev/null || echo none)"
ALIAS=$(cat /sys/bus/platform/devices/event-capture/modalias)
echo "=== MODALIAS $ALIAS"
modprobe "$ALIAS"; echo "=== INSMOD rc=$?"
sleep 1
echo "=== DRIVER $(readlink /sys/bus/platform/devices/event-capture/driver)"
echo "=== DEVNODE $(ls -l /dev/irqcap0 2>&1)"
echo "=== BAD driver=$(readlink /sys/bus/platform/devices/event-capture-bad/driver) gpio4=$(grep -c '[|]event-capture-bad' /sys/kernel/debug/gpio)"
echo "=== LABEL $(cat /sys/class/misc/irqcap0/device/label 2>&1)"
echo "=== SYSFS_IRQ $(cat /sys/class/misc/irqcap0/device/irq 2>&1)"
echo "=== PROCINT $(grep irqcap /proc/interrupts)"
# the GPIO chips' labels ("gpiochip0: GPIOs 512-519, parent: platform/9030000.pl061, 9030000.pl061:")
echo "=== CHIPLABELS $(sed -n 's/^gpiochip[0-9]*: .*, \([^,]*\):$/\1/p' /sys/kernel/debug/gpio | tr '\n' ' ')"
echo "=== GPIO $(grep -E '[|](event-capture|irqcap)' /sys/kernel/debug/gpio | tr -s ' ')"
if guest_param irqcap_suspend >/dev/null; then
	# shellcheck source=dt-suspend.sh
	. /lib/irqcap/dt-suspend.sh
	guest_dmesg probe
	guest_done
fi
# irqcap_mmap: the records through the mapped ring and the reader page
# shellcheck disable=SC2046
reader /dev/irqcap0 $((N * PER)) 120 1500 $(guest_param irqcap_mmap >/dev/null && echo mmap)
echo "=== READER rc=$?"
echo "=== COUNTERS irqs_seen=$(cat /sys/class/misc/irqcap0/device/irqs_seen) events_committed=$(cat /sys/class/misc/irqcap0/device/events_committed) debounced=$(cat /sys/class/misc/irqcap0/device/debounced)"
echo "=== PROCINT_AFTER $(grep irqcap /proc/interrupts)"
rmmod irqcap; echo "=== RMMOD rc=$?"
echo "=== AFTER_RMMOD dev=$(ls /dev/irqcap0 2>/dev/null | wc -l) procint=$(grep -c irqcap /proc/interrupts) gpio=$(grep -cE '[|](event-capture|irqcap)' /sys/kernel/debug/gpio)"
insmod /irqcap.ko; echo "=== REINSMOD rc=$?"
sleep 1
echo "=== REPROBE dev=$(ls /dev/irqcap0 2>/dev/null | wc -l) driver=$(readlink /sys/bus/platform/devices/event-capture/driver)"
rmmod irqcap; echo "=== RERMMOD rc=$?"
guest_dmesg probe
guest_done
