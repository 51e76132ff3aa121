# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# The host's systemd-udevd and udevadm (Debian's udev package) for a QEMU
# guest's initramfs, with the rule file the packages ship, so that the guest
# runs the real rules on the real driver (sourced).
#   irqcap_udev_payload ROOT RULES   copy udevadm (systemd-udevd is a link to
#                                    it), its libraries, RULES as
#                                    /etc/udev/rules.d/60-irqcap.rules, and an
#                                    /etc/group with the irqcap group; false
#                                    when the host has no udevadm
irqcap_udev_payload() {
	local root=$1 rules=$2 udevadm lib
	udevadm=$(command -v udevadm) || { echo "udevadm is not installed (package udev)" >&2; return 1; }
	udevadm=$(readlink -f "$udevadm")
	mkdir -p "$root/bin" "$root/lib/systemd" "$root/etc/udev/rules.d" "$root/run"
	cp "$udevadm" "$root/bin/udevadm"
	ln -sfn /bin/udevadm "$root/lib/systemd/systemd-udevd"
	for lib in $(ldd "$udevadm" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
	cp "$rules" "$root/etc/udev/rules.d/60-irqcap.rules"
	printf 'root:x:0:0:root:/:/bin/sh\n' >"$root/etc/passwd"
	# gid 990: tests/guest/irqcap-source-test.c's IRQCAP_GID
	printf 'root:x:0:\nirqcap:x:990:\n' >"$root/etc/group"
}
