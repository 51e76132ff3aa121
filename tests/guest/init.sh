#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the irqcap test guest: load the module, run the suites, print the
# kernel log between markers for the host to check, power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
args=$(cat /proc/cmdline)
filter=
for a in $args; do
	case $a in irqcap.filter=*) filter=$(echo "${a#irqcap.filter=}" | tr , ' ');; esac
done
echo "=== guest up: $(uname -r)"
echo "=== cmdline: $args"
echo "=== kernel: $(uname -v)"
if insmod /irqcap.ko; then echo "ok - insmod"; else echo "not ok - insmod"; fi
sleep 1
echo "=== dmesg-probe begin"
dmesg
echo "=== dmesg-probe end"
dmesg -c >/dev/null
# shellcheck disable=SC2086
NOSWITCH=$(grep -o noswitch /proc/cmdline) /irqcap-test $filter
# 32-bit user space on the 64-bit kernel (compat_ioctl); after irqcap-test, which routes the IRQs
if [ -x /irqcap-compat32 ] && { [ -z "$filter" ] || echo " $filter " | grep -q ' compat32 '; }; then
	# /proc/sys/abi/vsyscall32 exists where the kernel runs 32-bit x86 programs
	# (IA32 emulation; not in the debug kernel, scripts/debug-kernel.sh)
	if [ -e /proc/sys/abi/vsyscall32 ]; then
		/irqcap-compat32
	else
		echo "# compat32: not run: this kernel has no IA32 emulation (no /proc/sys/abi/vsyscall32)"
	fi
fi
if [ -x /cli-test.sh ] && [ -x /bin/irqcap ] && [ -z "$filter" -o "$filter" = cli ]; then
	/cli-test.sh
fi
# debug kernels (scripts/debug-kernel.sh): report leaks; objects younger than 5 s are skipped
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
echo "=== dmesg-final begin"
dmesg
echo "=== dmesg-final end"
echo "=== guest done"
poweroff -f
