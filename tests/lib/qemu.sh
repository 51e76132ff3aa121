# SPDX-License-Identifier: GPL-2.0-only
# Shared QEMU pieces for irqcap's tests, demo and benchmark (sourced).
#   irqcap_default_kernel          Debian 6.1 image matching the newest installed headers
#   irqcap_build_ssdt ASL OUT      compile an SSDT with iasl
#   irqcap_build_initramfs DIR OUT [BUSYBOX]  pack DIR (plus busybox) into a gzip'd cpio
#   irqcap_boot KERNEL INITRD SSDT LOG TIMEOUT [APPEND...]
#   irqcap_splat [EXTRA_ERE]      the kernel-splat lines of a kernel log (stdin); true
#                                  when there is one (every suite's one detector)
#   irqcap_kcsan_reports           KCSAN reports of a kernel log (stdin), each from its
#                                  "BUG: KCSAN:" line to the closing "====" line
#   irqcap_kcsan_summary           one line per report of irqcap_kcsan_reports (stdin):
#                                  "irqcap" when either racing access is in irqcap's
#                                  code (its top frame is an [irqcap] symbol), else "kernel"

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

# DIR holds /init and the payload; busybox and its applet links are added, and
# /lib/irqcap/init-lib.sh (tests/guest/init-lib.sh), the /init skeleton.
# BUSYBOX: another architecture's static busybox (default: the host's); one
# that cannot run here gets no links, so its /init runs `busybox --install -s`.
irqcap_build_initramfs() {
	local dir=$1 out=$2 bb=${3:-}
	[ -n "$bb" ] || bb=$(command -v busybox) || { echo "busybox-static is not installed" >&2; return 1; }
	mkdir -p "$dir/bin" "$dir/sbin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/lib/irqcap"
	cp "$bb" "$dir/bin/busybox"
	# the /init skeleton and console protocol every guest's /init sources
	cp "$(dirname "${BASH_SOURCE[0]}")/../guest/init-lib.sh" "$dir/lib/irqcap/init-lib.sh"
	for a in $("$bb" --list 2>/dev/null); do
		[ -e "$dir/bin/$a" ] || ln -s busybox "$dir/bin/$a"
	done
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# IRQCAP_QEMU_ARGS: more QEMU options, split at blanks (scripts/bench.sh --insns)
# IRQCAP_KERNEL_APPEND: more kernel command-line options (e.g. kcsan.skip_watch=400)
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
		-append "console=ttyS0 quiet loglevel=1 panic=-1 cryptomgr.notests ${IRQCAP_KERNEL_APPEND:-} $*" \
		</dev/null >"$log" 2>&1
}

irqcap_kcsan_reports() {
	awk '/BUG: KCSAN:/ { r = 1 } r { print } r && /====================/ { r = 0; print "" }'
}

# A kernel log (stdin) without its KCSAN reports, for the general splat checks
# when IRQCAP_KCSAN_JUDGED=1: the kcsan variant judges those reports on their
# own (irqcap_kcsan_verdict), by whose code races.
irqcap_splat_input() {
	if [ "${IRQCAP_KCSAN_JUDGED:-0}" = 1 ]; then
		awk '/BUG: KCSAN:/ { r = 1 } !r { print } r && /====================/ { r = 0 }'
	else
		cat
	fi
}

# What any suite counts as the kernel complaining: the union of what the
# integration suite, debug-kernel.sh, reliability.sh, kunit.sh and
# dt-gpio-test.sh matched each on its own before.  "kmemleak" alone would match
# the debug kernel's boot banner ("kmemleak: Kernel memory leak detector
# initialized"): its reports are matched instead; "Call trace" is arm64's
# spelling.
IRQCAP_SPLAT='WARNING:|BUG:|Oops|Kernel panic|KASAN|UBSAN|general protection|Unable to handle|Call Trace|Call trace|sleeping function called from invalid context|INFO: possible|possible circular locking|possible recursive locking|inconsistent lock state|lockdep|INFO: task .* blocked|hung_task|soft lockup|rcu_sched self-detected|ODEBUG|refcount_t|list_(add|del) corruption|kmemleak: [0-9]+ new suspected|unreferenced object'
# ... except the boot banners of the debug options themselves
IRQCAP_SPLAT_BENIGN='RCU lockdep checking is enabled'

# A kernel log on stdin (KCSAN reports left out when IRQCAP_KCSAN_JUDGED=1,
# irqcap_splat_input): print its splat lines, plus those matching EXTRA_ERE
# (a suite's own, e.g. dt-gpio-test.sh's irqcap errors); true when any.
irqcap_splat() {
	local re=$IRQCAP_SPLAT
	[ -n "${1:-}" ] && re="$re|$1"
	irqcap_splat_input | grep -aE "$re" | grep -avE "$IRQCAP_SPLAT_BENIGN"
}

# The KCSAN verdict of a report file ($1), with ok/nok of the caller: every
# racing pair listed as "# KCSAN, Nx, irqcap|kernel: ..."; only a race that
# touches irqcap's code fails.  Races between two accesses in the kernel's own
# code (6.1's fs/select.c pwq->triggered, hrtimer_active, the irq_desc istate
# of handle_edge_irq against the IRQ thread, ...: docs/reliability.md) are
# not irqcap's to fix, and are listed, not failed.
irqcap_kcsan_verdict() {
	local reports=$1 what=$2 n mine
	n=$(grep -c 'BUG: KCSAN:' "$reports")
	irqcap_kcsan_summary <"$reports" | sort | uniq -c | sed 's/^ *\([0-9]*\) /# KCSAN, \1x, /'
	mine=$(irqcap_kcsan_summary <"$reports" | grep -c '^irqcap:')
	if [ "$mine" -eq 0 ]; then
		ok "no KCSAN report in irqcap's code$what ($n in the kernel's own code)"
	else
		nok "no KCSAN report in irqcap's code$what ($mine of $n reports)"
		head -60 "$reports"
	fi
}

irqcap_kcsan_summary() {
	awk '/BUG: KCSAN:/ { t = $0; sub(/^.*BUG: KCSAN: /, "", t); who = "kernel" }
		/ (to|of) 0x[0-9a-f]+ of [0-9]+ bytes by / { top = 1; next }
		top { top = 0; if ($0 ~ /\[irqcap\]/) who = "irqcap" }
		/====================/ && t != "" { print who ": " t; t = "" }'
}
