#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the reliability guest (debug kernel): load irqcap, run the scenarios
# named by irqcap.rel=a,b,c one by one, dump the kernel log after each between
# markers for the host to check, power off.
# shellcheck source=../guest/init-lib.sh
. /lib/irqcap/init-lib.sh
guest_init
rel=$(guest_param irqcap.rel) || rel="sleepers,storm,rmmod,faults,fuzz,security,mmap,kmemleak"
rel=$(echo "$rel" | tr , ' ')
storm=$(guest_param irqcap.storm) || storm=1000000
soak=$(guest_param irqcap.soak) || soak=600
seed=$(guest_param irqcap.seed) || seed=0
tmo=$(guest_param irqcap.tmo) || tmo=900
# boot-time kmemleak suspects are not ours: report them now and mark them seen
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
fi
if guest_insmod /irqcap.ko; then echo "ok - insmod"; else echo "not ok - insmod"; fi
sleep 1
guest_dmesg boot
for s in $rel; do
	arg=
	case $s in storm) arg=$storm;; soak) arg=$soak;; fuzz) arg=$seed;; esac
	echo "=== scenario $s begin"
	start=$(date +%s)
	# shellcheck disable=SC2086
	timeout "$tmo" /rel-test "$s" $arg
	echo "=== scenario $s rc $? in $(( $(date +%s) - start )) s"
	guest_dmesg "$s"
done
guest_done
