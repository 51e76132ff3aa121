#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the demo (scripts/demo.sh, make demo), running inside the QEMU board.
# shellcheck source=init-lib.sh
. /lib/irqcap/init-lib.sh
guest_init
B=$(printf '\033[1m') N=$(printf '\033[0m')
step() { printf '\n%s### %s%s\n' "$B" "$*" "$N"; }
txt() { printf '%s\n' "$@"; }
run() { printf '%s$ %s%s\n' "$B" "$*" "$N"; "$@"; }

step "The board is up (kernel $(uname -r)). Loading the irqcap driver."
txt "Firmware (an ACPI table, the x86 cousin of a Device Tree) declares two" \
    "capture devices, on interrupt lines 5 and 7. QEMU's pc-testdev device lets" \
    "us wiggle those lines from software: each wiggle is one real interrupt."
run insmod /irqcap.ko
sleep 1
run irqcap list
txt "" \
    "  DEVICE         /dev node a program reads events from" \
    "  IRQ            Linux interrupt number the device listens to" \
    "  BOTTOM_HALF    where captured events are handed to readers (threaded = IRQ thread)" \
    "  RING           how many events the device buffers for a slow reader" \
    "  RATE/s, AVG/s  events per second (last second, smoothed)" \
    "  EVENTS         events delivered so far; DROPPED: lost by readers that fell behind" \
    "  FIRMWARE_NODE  where the device was declared (ACPI path, platform device)"

step "Settings: report silence after 500 ms on irqcap0 and 300 ms on irqcap1."
run irqcap set irqcap0 idle_timeout_ms 500
run irqcap set irqcap1 idle_timeout_ms 300

step "Watching both devices live. The pattern:"
txt "  1. irqcap0: a burst of 20 interrupts at 50 Hz (one every 20 ms)" \
    "  2. silence for 1.5 s: after 500 ms irqcap0 reports an idle timeout" \
    "  3. irqcap1: 10 interrupts at 10 Hz (one every 100 ms), then its idle timeout" \
    "Columns: DEVICE; TIMESTAMP_S = when the interrupt hit, seconds since boot" \
    "(CLOCK_MONOTONIC, taken in the interrupt handler itself); SEQNO = the" \
    "device's interrupt counter; TYPE; INTERVAL_S = time since that device's" \
    "previous interrupt (about +0.020 s, then +0.100 s); NOTE = anything unusual."
printf '%s$ irqcap monitor irqcap0 irqcap1 &%s\n' "$B" "$N"
irqcap monitor irqcap0 irqcap1 &
mon=$!
sleep 1
raise 5 20 20000
sleep 1.5
raise 7 10 100000
sleep 1
txt "Stopping the monitor: it prints a summary per device (on stderr)."
kill -INT $mon
wait $mon

ring=$(cat /sys/class/misc/irqcap0/device/ring_size)
burst=$((ring + 100))
step "Losing events on purpose: a reader that stops reading."
txt "A new monitor on irqcap0 is frozen (SIGSTOP) while $burst interrupts arrive" \
    "(one every 0.5 ms), but irqcap0's ring holds only $ring events. The driver" \
    "never waits for a slow reader; it tells the reader exactly how much it" \
    "missed instead: an 'overflow' record, then a seqno jump."
printf '%s$ irqcap monitor irqcap0 --count 4%s\n' "$B" "$N"
irqcap monitor irqcap0 --count 4 --no-header &
mon=$!
sleep 0.5
kill -STOP $mon
raise 5 $burst 500
kill -CONT $mon
wait $mon

step "Counters and latency histograms for irqcap0"
run irqcap stats irqcap0
txt "" \
    "irqs_seen counts every hardware interrupt; events_committed the ones" \
    "delivered; dropped what slow readers lost (the overflow above). The histograms" \
    "(from debugfs) show how long each interrupt took to reach a reader;" \
    "this board is an emulated CPU, so expect tens to hundreds of microseconds."

step "For scripts: one JSON object per event (CSV works too: --format csv)"
printf '%s$ irqcap monitor irqcap1 --format json --count 3%s\n' "$B" "$N"
irqcap monitor irqcap1 --format json --count 3 --timeout 10 2>/dev/null &
mon=$!
sleep 0.5
raise 7 3 50000
wait $mon
txt "(interval_ns is null for the first event a reader sees; lost and seq_gap" \
    "count what went missing; data is the idle time, lost count or marker value)"

step "Done. Powering the board off."
guest_done
