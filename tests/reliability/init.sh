#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the reliability guest (debug kernel): load irqcap, run the scenarios
# named by irqcap.rel=a,b,c one by one, dump the kernel log after each between
# markers for the host to check, power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
rel="sleepers storm rmmod faults fuzz security kmemleak"
storm=1000000 soak=600 seed=0 tmo=900
for a in $(cat /proc/cmdline); do
	case $a in
	irqcap.rel=*) rel=$(echo "${a#irqcap.rel=}" | tr , ' ');;
	irqcap.storm=*) storm=${a#irqcap.storm=};;
	irqcap.soak=*) soak=${a#irqcap.soak=};;
	irqcap.seed=*) seed=${a#irqcap.seed=};;
	irqcap.tmo=*) tmo=${a#irqcap.tmo=};;
	esac
done
echo "=== guest up: $(uname -r)"
# boot-time kmemleak suspects are not ours: report them now and mark them seen
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
fi
if insmod /irqcap.ko; then echo "ok - insmod"; else echo "not ok - insmod"; fi
sleep 1
echo "=== dmesg boot begin"
dmesg -c
echo "=== dmesg boot end"
for s in $rel; do
	arg=
	case $s in storm) arg=$storm;; soak) arg=$soak;; fuzz) arg=$seed;; esac
	echo "=== scenario $s begin"
	start=$(date +%s)
	# shellcheck disable=SC2086
	timeout "$tmo" /rel-test "$s" $arg
	echo "=== scenario $s rc $? in $(( $(date +%s) - start )) s"
	echo "=== dmesg $s begin"
	dmesg -c
	echo "=== dmesg $s end"
done
echo "=== guest done"
poweroff -f
