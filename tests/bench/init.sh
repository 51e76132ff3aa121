#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the benchmark guest (scripts/bench.sh): load irqcap, the counting
# handler and UIO, run irqbench with the arguments from the kernel command
# line (irqbench.args=REPS,BURST,RATE:N+RATE:N,CONTENDER+...), power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
echo "=== guest up: $(uname -r), $(nproc) CPUs"
insmod /irqcap.ko || echo "# insmod irqcap failed"
insmod /irqcnt_bench.ko || echo "# insmod irqcnt_bench failed"
insmod /uio.ko || echo "# insmod uio failed"
insmod /uio_pdrv_genirq.ko of_id=irqcap,bench-uio || echo "# insmod uio_pdrv_genirq failed"
sleep 1
ls /dev/irqcap0 /dev/uio0 >/dev/null || echo "# a device node is missing"
grep -E '^ *(5|6|7):' /proc/interrupts | sed 's/^/# /'
args=
for a in $(cat /proc/cmdline); do
	case $a in irqbench.args=*) args=${a#irqbench.args=};; esac
done
set -- $(echo "$args" | tr ',+' ' ,')
reps=${1:-3} burst=${2:-20000} rates=${3:-1000:2000}
shift 3 2>/dev/null
echo "=== irqbench $reps $burst $rates $(echo "$@" | tr ',' ' ')"
# shellcheck disable=SC2046
/irqbench "$reps" "$burst" "$rates" $(echo "$@" | tr ',' ' ')
echo "=== dmesg begin"
dmesg | grep -iE 'irqcap|irqcnt|uio|warn|bug|oops' | tail -40
echo "=== dmesg end"
echo "=== guest done"
poweroff -f
