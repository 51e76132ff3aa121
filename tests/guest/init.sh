#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the irqcap test guest: load the module, run the suites, print the
# kernel log between markers for the host to check, power off.
# shellcheck source=init-lib.sh
. /lib/irqcap/init-lib.sh
guest_init
filter=$(guest_param irqcap.filter | tr , ' ')
if guest_insmod /irqcap.ko; then echo "ok - insmod"; else echo "not ok - insmod"; fi
sleep 1
guest_dmesg probe
# shellcheck disable=SC2086
NOSWITCH=$(grep -o noswitch /proc/cmdline) /irqcap-test $filter
# the handler's lock-free path against the rare producers (its own program)
# shellcheck disable=SC2086
[ -x /irqcap-lockfree-test ] && /irqcap-lockfree-test $filter
# the storm limit (throttle_* tests); after irqcap-test, on /dev/irqcap1
# shellcheck disable=SC2086
[ -x /irqcap-storm-test ] && /irqcap-storm-test $filter
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
# the reader's clock and the records' edge (irqcap-clock-test.c), 64-bit and 32-bit
for t in /irqcap-clock-test /irqcap-clock-test32; do
	if [ -x $t ] && { [ -z "$filter" ] || echo " $filter " | grep -q ' clock '; }; then
		[ $t = /irqcap-clock-test32 ] && [ ! -e /proc/sys/abi/vsyscall32 ] && continue
		$t
	fi
done
# stable names, IRQCAP_IOC_SOURCE, udev by-label links, policy parameters (issue 17)
if [ -x /irqcap-source-test ] && { [ -z "$filter" ] || echo " $filter " | grep -q ' source '; }; then
	/irqcap-source-test
	[ -x /irqcap-source-test32 ] && [ -e /proc/sys/abi/vsyscall32 ] && /irqcap-source-test32
fi
if [ -x /cli-test.sh ] && [ -x /bin/irqcap ] && { [ -z "$filter" ] || echo " $filter " | grep -q ' cli '; }; then
	/cli-test.sh
fi
# the mapped ring; last: its unbind test rebinds /dev/irqcap0
if [ -x /python-test.sh ] && { [ -z "$filter" ] || echo " $filter " | grep -q ' python '; }; then
	/python-test.sh
fi
if [ -x /irqcap-mmap-test ] && { [ -z "$filter" ] || echo " $filter " | grep -q ' mmap'; }; then
	/irqcap-mmap-test
fi
# debug kernels (scripts/debug-kernel.sh): report leaks
guest_kmemleak_scan
guest_dmesg final
guest_done
