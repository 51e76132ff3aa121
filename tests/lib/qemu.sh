# SPDX-License-Identifier: GPL-2.0-only
# Shared QEMU pieces for irqcap's tests, demo and benchmark (sourced).
#   irqcap_default_kernel          Debian 6.1 image matching the newest installed headers
#   irqcap_build_ssdt ASL OUT      compile an SSDT with iasl
#   irqcap_build_initramfs DIR OUT [BUSYBOX]  pack DIR (plus busybox) into a gzip'd cpio
#   irqcap_qemu ARCH [OPTION...]  the one QEMU launcher (x86_64, arm64, armhf)
#   irqcap_qemu_bin ARCH           that board's qemu-system-* binary
#   irqcap_qemu_monitor SOCK CMD   one command on a guest's monitor socket
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

# The boards, one per ARCH: QEMU binary, machine and CPU, the board's own
# devices, the kernel's console and the architecture's kernel options.
#   x86_64  pc, QEMU's pc-testdev as the interrupt source (ISA lines raised
#           from I/O ports 0x2000+n), devices declared by an SSDT (--ssdt)
#   arm64   virt, cortex-a57; PL061 GPIO line 3 pulsed by system_powerdown
#   armhf   virt below 4 GiB (highmem=off: Debian's armmp is not LPAE),
#           cortex-a15
# Sets the caller's bin, board (array), cpu, con and kargs (bash's dynamic
# scope).
# shellcheck disable=SC2034,SC2054  # the caller's; commas are QEMU's
irqcap_qemu_board() {
	case $1 in
	# no_timer_check: early boot's check_timer() wants 4 PIT ticks in a
	# 10 ms delay loop, and a vCPU the loaded host deschedules misses them:
	# the debug kernel panicked "IO-APIC + timer doesn't work!" at 0.024 s
	# in a cold CI run at load 15 (what the kernel does for KVM guests too).
	x86_64) bin=qemu-system-x86_64 board=(-device pc-testdev) cpu='' con=ttyS0
		kargs="loglevel=1 cryptomgr.notests no_timer_check" ;;
	arm64) bin=qemu-system-aarch64 board=(-machine virt) cpu=cortex-a57 con=ttyAMA0 kargs= ;;
	armhf) bin=qemu-system-arm board=(-machine virt,highmem=off) cpu=cortex-a15 con=ttyAMA0 kargs= ;;
	*) echo "irqcap_qemu: unknown architecture '$1' (x86_64, arm64, armhf)" >&2; return 2 ;;
	esac
}

# irqcap_qemu_bin ARCH: the qemu-system-* binary of that board
irqcap_qemu_bin() {
	local bin cpu con kargs
	local -a board
	irqcap_qemu_board "$1" && echo "$bin"
}

# irqcap_qemu ARCH [OPTION...] [-- QEMU_OPTION...]: the one QEMU launcher.
# Boots the ARCH board (irqcap_qemu_board) under TCG with the console on
# serial and no display; returns QEMU's exit status (124: the timeout).
#   --kernel IMG --initrd CPIO   what to boot
#   --append PARAMS   kernel options, after "console=<the board's> quiet
#                     panic=-1 oops=panic" (an oops ends the boot at once,
#                     not at the suite's timeout), the board's own and $IRQCAP_KERNEL_APPEND
#   --ssdt AML        x86_64: an ACPI table (-acpitable)
#   --dtb DTB         arm64/armhf: the device tree to boot with
#   --dumpdtb OUT     arm64/armhf: write the board's own device tree (as
#                     this -smp and -m make it) to OUT, boot nothing
#   --device DEV      one more -device (repeatable)
#   --cpu CPU         another CPU than the board's (scripts/mmap-pagesize.sh:
#                     max, for the 16 KiB granule cortex-a57 lacks)
#   --monitor SOCK    the HMP monitor on a unix socket (irqcap_qemu_monitor);
#                     default: no monitor
#   --smp N (2)  --mem MiB (512)  --accel A ($IRQCAP_QEMU_ACCEL, else tcg:
#                     /dev/kvm hangs on the project's machines)
#   --timeout S (900) QEMU is killed after S seconds
#   --nice N          run QEMU at nice N (default: the caller's)
#   --log FILE        the console and QEMU's own messages (required)
#   --bg              start in the background; IRQCAP_QEMU_PID is the pid to
#                     wait for or kill (the timeout's: a signal reaches QEMU)
#   -- ...            the rest goes to QEMU as it is
# IRQCAP_QEMU_ARGS: more QEMU options, split at blanks (scripts/bench.sh --insns)
# IRQCAP_KERNEL_APPEND: more kernel options (e.g. kcsan.skip_watch=400)
# The vCPU threads are named "CPU n/TCG" or "CPU n/KVM" (-name
# ...,debug-threads=on; scripts/bench.sh pins them).
irqcap_qemu() {
	local arch=$1 bin cpu con kargs kernel='' initrd='' append='' ssdt='' dtb='' dump=''
	local mon='' smp=2 mem=512 accel=${IRQCAP_QEMU_ACCEL:-tcg} tmo=900 log='' bg=0
	local -a board cmd dev=() pre=()
	shift
	irqcap_qemu_board "$arch" || return 2
	while [ $# -gt 0 ]; do
		case $1 in
		--bg) bg=1; shift; continue ;;
		--) shift; break ;;
		esac
		[ $# -ge 2 ] || { echo "irqcap_qemu: $1 needs a value" >&2; return 2; }
		case $1 in
		--kernel) kernel=$2 ;;
		--initrd) initrd=$2 ;;
		--append) append="${append:+$append }$2" ;;
		--ssdt) ssdt=$2 ;;
		--dtb) dtb=$2 ;;
		--dumpdtb) dump=$2 ;;
		--device) dev+=(-device "$2") ;;
		--cpu) cpu=$2 ;;
		--monitor) mon=$2 ;;
		--smp) smp=$2 ;;
		--mem) mem=$2 ;;
		--accel) accel=$2 ;;
		--timeout) tmo=$2 ;;
		--nice) pre=(nice -n "$2") ;;
		--log) log=$2 ;;
		*) echo "irqcap_qemu: unknown option '$1'" >&2; return 2 ;;
		esac
		shift 2
	done
	[ -n "$log" ] || { echo "irqcap_qemu: --log FILE is required" >&2; return 2; }
	if [ "$arch" = x86_64 ]; then
		[ -z "$dtb$dump" ] || { echo "irqcap_qemu: x86_64 has no device tree" >&2; return 2; }
	else
		[ -z "$ssdt" ] || { echo "irqcap_qemu: --ssdt is for x86_64" >&2; return 2; }
	fi
	# shellcheck disable=SC2054,SC2206  # commas are QEMU's; IRQCAP_QEMU_ARGS is split
	cmd=("${pre[@]}" "$bin" "${board[@]}" -accel "$accel" -smp "$smp" -m "$mem"
	     -name irqcap,debug-threads=on -no-reboot -display none -serial stdio
	     ${IRQCAP_QEMU_ARGS:-} "${dev[@]}")
	[ -n "$cpu" ] && cmd+=(-cpu "$cpu")
	if [ -n "$mon" ]; then
		cmd+=(-monitor "unix:$mon,server,nowait")
	else
		cmd+=(-monitor none)
	fi
	[ -n "$ssdt" ] && cmd+=(-acpitable file="$ssdt")
	if [ -n "$dump" ]; then
		cmd+=(-machine dumpdtb="$dump")
	else
		[ -n "$dtb" ] && cmd+=(-dtb "$dtb")
		cmd+=(-kernel "$kernel" -initrd "$initrd"
		      -append "console=$con quiet panic=-1 oops=panic${kargs:+ $kargs}${IRQCAP_KERNEL_APPEND:+ $IRQCAP_KERNEL_APPEND}${append:+ $append}")
	fi
	cmd+=("$@")
	if [ "$bg" = 1 ]; then
		timeout "$tmo" "${cmd[@]}" </dev/null >"$log" 2>&1 &
		# shellcheck disable=SC2034  # the caller's
		IRQCAP_QEMU_PID=$!
	else
		timeout "$tmo" "${cmd[@]}" </dev/null >"$log" 2>&1
	fi
}

# irqcap_qemu_monitor SOCK COMMAND: one command on a guest's HMP monitor
# socket (irqcap_qemu --monitor SOCK), e.g. system_powerdown
irqcap_qemu_monitor() {
	python3 - "$1" "$2" <<-'EOF'
	import socket, sys, time
	s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	s.connect(sys.argv[1])
	s.settimeout(2)
	try:
	    s.recv(4096)			# banner and prompt
	except socket.timeout:
	    pass
	s.sendall((sys.argv[2] + "\n").encode())
	time.sleep(0.2)
	try:
	    s.recv(4096)
	except socket.timeout:
	    pass
	s.close()
	EOF
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
