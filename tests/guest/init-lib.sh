# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The /init skeleton every irqcap guest sources (busybox sh; x86_64, arm64,
# armhf).  irqcap_build_initramfs (tests/lib/qemu.sh) installs it as
# /lib/irqcap/init-lib.sh.  The console protocol, the one every host side reads:
#
#   === guest up: RELEASE, N CPUs    user space started (guest_init)
#   === cmdline: ...                 the guest's /proc/cmdline
#   === kernel: ...                  uname -v
#   === TAG text                     a marker or a value for the host
#   === dmesg NAME begin/end         the kernel log since the last dump (guest_dmesg)
#   === guest done                   the payload finished (guest_done powers off)
#   ok - NAME / not ok - NAME: why   a check (the host renumbers them into KTAP)
#   # text                           a note or a figure
#
#   guest_init           PATH, busybox links (a foreign busybox has none), the
#                        mounts (proc, sysfs, devtmpfs, debugfs, tmpfs /tmp),
#                        the "=== guest up/cmdline/kernel" lines
#   guest_param NAME     the value of NAME=... on the kernel command line
#   guest_insmod KO [ARG...]  load a module; "# insmod KO failed" and false if not
#   guest_dmesg NAME [ERE]    the kernel log since the last dump between
#                        "=== dmesg NAME begin/end" (only lines matching ERE)
#   guest_kmemleak_scan  debug kernels: print kmemleak's reports (objects
#                        younger than 5 s are skipped, so it scans twice)
#   guest_done           "=== guest done", power off

guest_init() {
	export PATH=/bin:/sbin:/usr/bin:/usr/sbin
	[ -e /bin/mount ] || /bin/busybox --install -s
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t debugfs debugfs /sys/kernel/debug
	mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
	echo "=== guest up: $(uname -r), $(nproc) CPUs"
	echo "=== cmdline: $(cat /proc/cmdline)"
	echo "=== kernel: $(uname -v)"
}

# shellcheck disable=SC2013
guest_param() {
	for guest_a in $(cat /proc/cmdline); do
		case $guest_a in "$1"=*) echo "${guest_a#"$1"=}"; return 0;; esac
	done
	return 1
}

guest_insmod() {
	insmod "$@" && return 0
	echo "# insmod $1 failed"
	return 1
}

guest_dmesg() {
	echo "=== dmesg $1 begin"
	if [ -n "${2:-}" ]; then
		dmesg -c | grep -iE "$2" | tail -40
	else
		dmesg -c
	fi
	echo "=== dmesg $1 end"
}

guest_kmemleak_scan() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
}

guest_done() {
	echo "=== guest done"
	poweroff -f
}
