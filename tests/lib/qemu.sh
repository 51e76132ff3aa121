# SPDX-License-Identifier: GPL-2.0-only
# Shared QEMU pieces for irqcap's tests, demo and benchmark (sourced).
#   irqcap_default_kernel          Debian 6.1 image matching the newest installed headers
#   irqcap_build_ssdt ASL OUT      compile an SSDT with iasl
#   irqcap_build_initramfs DIR OUT [BUSYBOX]  pack DIR (plus busybox) into a gzip'd cpio
#   irqcap_boot KERNEL INITRD SSDT LOG TIMEOUT [APPEND...]

irqcap_default_kernel() {
	local h
	h=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -e '-rt-' -e cloud | sort -V | tail -1)
	[ -n "$h" ] || return 1
	echo "/boot/vmlinuz-${h##*/linux-headers-}"
}

irqcap_build_ssdt() {
	local asl=$1 out=$2 tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && iasl -p ssdt "$asl" >iasl.log 2>&1) || { cat "$tmp/iasl.log" >&2; rm -rf "$tmp"; return 1; }
	mv "$tmp/ssdt.aml" "$out"
	rm -rf "$tmp"
}

# DIR holds /init and the payload; busybox and its applet links are added.
# BUSYBOX: another architecture's static busybox (default: the host's); one
# that cannot run here gets no links, so its /init runs `busybox --install -s`.
irqcap_build_initramfs() {
	local dir=$1 out=$2 bb=${3:-}
	[ -n "$bb" ] || bb=$(command -v busybox) || { echo "busybox-static is not installed" >&2; return 1; }
	mkdir -p "$dir/bin" "$dir/sbin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp"
	cp "$bb" "$dir/bin/busybox"
	for a in $("$bb" --list 2>/dev/null); do
		[ -e "$dir/bin/$a" ] || ln -s busybox "$dir/bin/$a"
	done
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# IRQCAP_QEMU_ARGS: more QEMU options, split at blanks (scripts/bench.sh --insns)
# IRQCAP_QEMU_ACCEL: the accelerator (default tcg: /dev/kvm hangs on the
# project's machines; scripts/bench.sh --accel kvm where it works)
irqcap_boot() {
	local kernel=$1 initrd=$2 ssdt=$3 log=$4 tmo=$5
	shift 5
	# debug-threads names the vCPU threads "CPU n/TCG" or "CPU n/KVM" (scripts/bench.sh pins them)
	# shellcheck disable=SC2086
	timeout "$tmo" qemu-system-x86_64 -accel "${IRQCAP_QEMU_ACCEL:-tcg}" -smp 2 -m 512 -nographic ${IRQCAP_QEMU_ARGS:-} \
		-name irqcap,debug-threads=on -no-reboot -device pc-testdev -acpitable file="$ssdt" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet loglevel=1 panic=-1 cryptomgr.notests $*" \
		</dev/null >"$log" 2>&1
}
