#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a real kernel in QEMU with irqcap, two devices declared by an ACPI
# SSDT and pc-testdev as the interrupt source, and run the integration
# suite (tests/guest/irqcap-test.c, plus the CLI tests when tools/ is built).
#
# usage: tests/run-integration.sh [--kernel VMLINUZ] [--module KO] [--filter T1,T2]
#        [--append PARAMS] [--keep DIR]
#   --append PARAMS  more kernel parameters for the guest (e.g. threadirqs);
#                    repeatable; the guest's /proc/cmdline is checked for them
# Prints KTAP (scripts/lib/ktap.sh): the guest's "ok - NAME" lines numbered,
# the host's checks, the plan, and "N passed, N failed" last.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/qemu.sh"
. "$top/tests/lib/udev.sh"
. "$top/scripts/lib/ktap.sh"

kernel= module= filter= keep= extra=
usage="usage: $0 [--kernel VMLINUZ] [--module KO] [--filter T1,T2] [--append PARAMS] [--keep DIR]"
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2;;
	--module) module=$2; shift 2;;
	--filter) filter=$2; shift 2;;
	--append) extra="${extra:+$extra }$2"; shift 2;;
	--keep) keep=$2; shift 2;;
	*) echo "$usage" >&2; exit 2;;
	esac
done
ktap_print_header
die() { ktap_fail "$*"; ktap_finished; exit 1; }
[ -n "$kernel" ] || kernel=$(irqcap_default_kernel)
[ -n "$module" ] || module=$top/src/irqcap.ko
for f in "$kernel" "$module"; do
	[ -r "$f" ] || die "$f exists"
done

# stage_c_reader PROGRAM LIB: a dynamically linked reader as /bin/minimal-reader,
# LIB as the multiarch libirqcap.so.1, and the C library both need (the
# host's: the package root is the same Debian release)
stage_c_reader() {
	local prog=$1 lib=$2 dir d
	[ -x "$prog" ] && [ -f "$lib" ] || return 1
	readelf -d "$prog" | grep -q 'NEEDED.*libirqcap\.so\.1' || return 1
	dir=$work/root/usr/lib/$(gcc -print-multiarch)
	mkdir -p "$dir" "$work/root/etc"
	cp "$prog" "$work/root/bin/minimal-reader"
	cp "$lib" "$dir/libirqcap.so.1"
	for d in $(ldd "$lib" | grep -o '/[^ ]*'); do
		mkdir -p "$work/root$(dirname "$d")"
		cp -L "$d" "$work/root$d"
	done
	echo "${prog##*/}, built with pkg-config against the installed libirqcap" >"$work/root/etc/minimal-reader.origin"
}

work=${keep:-$(mktemp -d)}
mkdir -p "$work/root"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT

gcc -static -pthread -O2 -Wall -Wextra -Werror -o "$work/root/irqcap-test" \
	"$top/tests/guest/irqcap-test.c" "$top/tools/lib/irqcap-stream.c" || die "guest test program builds"
gcc -static -pthread -O2 -Wall -Wextra -Werror -o "$work/root/irqcap-lockfree-test" \
	"$top/tests/guest/irqcap-lockfree-test.c" "$top/tools/lib/irqcap-stream.c" ||
	die "lock-free producers test program builds"
gcc -static -pthread -O2 -Wall -Wextra -Werror -o "$work/root/irqcap-storm-test" \
	"$top/tests/guest/irqcap-storm-test.c" "$top/tools/lib/irqcap-stream.c" || die "guest storm test program builds"
gcc -static -O2 -Wall -Wextra -Werror -o "$work/root/irqcap-clock-test" \
	"$top/tests/guest/irqcap-clock-test.c" || die "guest clock test program builds"
# the compat_ioctl test: a 32-bit program on the 64-bit kernel.  Debian's
# gcc-multilib (whose only extra is the /usr/include/asm link) conflicts with
# the arm64/armhf cross compilers, so gcc-12-multilib and libc6-dev-i386 are
# installed and the link is made here; linux-libc-dev's asm headers serve both.
compat32=yes
mkdir -p "$work/inc32"
ln -sfn /usr/include/x86_64-linux-gnu/asm "$work/inc32/asm"
gcc -m32 -static -O2 -Wall -Wextra -Werror -I"$work/inc32" -o "$work/root/irqcap-compat32" \
	"$top/tests/guest/irqcap-compat32.c" "$top/tools/lib/irqcap-stream.c" >"$work/compat32-build.log" 2>&1 || compat32=failed
gcc -m32 -static -O2 -Wall -Wextra -Werror -I"$work/inc32" -o "$work/root/irqcap-clock-test32" \
	"$top/tests/guest/irqcap-clock-test.c" >>"$work/compat32-build.log" 2>&1 || compat32=failed
# stable names and the source description (issue 17); 32-bit too: SOURCE through compat_ioctl
source_test=yes
{ gcc -static -O2 -Wall -Wextra -Werror -o "$work/root/irqcap-source-test" "$top/tests/guest/irqcap-source-test.c" &&
  gcc -m32 -static -O2 -Wall -Wextra -Werror -I"$work/inc32" -o "$work/root/irqcap-source-test32" \
	"$top/tests/guest/irqcap-source-test.c" &&
  irqcap_udev_payload "$work/root" "$top/debian/irqcap-tools.udev"; } >"$work/source-build.log" 2>&1 || source_test=failed
# the mapped ring (tests/guest/irqcap-mmap-test.c) and docs' minimal reader, run by it
mmap=yes
{ gcc -static -pthread -O2 -Wall -Wextra -Werror -o "$work/root/irqcap-mmap-test" \
	"$top/tests/guest/irqcap-mmap-test.c" "$top/tools/lib/irqcap-stream.c" &&
  gcc -static -O2 -Wall -Wextra -Werror -o "$work/root/mmap-reader" "$top/docs/mmap-reader.c"
} >"$work/mmap-build.log" 2>&1 || mmap=failed
cp "$module" "$work/root/irqcap.ko"
install -m 755 "$top/tests/guest/init.sh" "$work/root/init"
cli=no
if [ -f "$top/tools/Makefile" ]; then
	# the CLI is tested in the guest with every subcommand and format
	if make -s -C "$top/tools" static raise >"$work/tools-build.log" 2>&1; then
		mkdir -p "$work/root/bin"
		cp "$top/tools/irqcap-static" "$work/root/bin/irqcap"
		cp "$top/tools/tests/pc-testdev-raise" "$work/root/bin/"
		cp "$top/tools/examples/minimal-reader-static" "$work/root/bin/minimal-reader"
		# package-check.sh: the guest CLI test's C example is instead the
		# program built in its root with pkg-config against the installed
		# libirqcap (IRQCAP_GUEST_C_READER, dynamically linked), with that
		# library (IRQCAP_GUEST_PY_LIB) where the package puts it
		if [ -n "${IRQCAP_GUEST_C_READER:-}" ]; then
			stage_c_reader "$IRQCAP_GUEST_C_READER" "${IRQCAP_GUEST_PY_LIB:-}" ||
				die "stage $IRQCAP_GUEST_C_READER and its libirqcap.so.1 for the guest"
		fi
		install -m 755 "$top/tools/tests/guest-cli.sh" "$work/root/cli-test.sh"
		cli=yes
	else
		cli=failed
	fi
fi
# python3-irqcap in the guest: the host's python3 and the package (python/tests/guest/stage.sh)
python=no
if [ "$cli" = yes ] && [ -x "$top/python/tests/guest/stage.sh" ]; then
	make -s -C "$top/tools" lib/libirqcap.so.1 >>"$work/tools-build.log" 2>&1 &&
		"$top/python/tests/guest/stage.sh" "$work/root" "$top" >"$work/python-stage.log" 2>&1 &&
		python=yes || python=failed
fi
irqcap_build_ssdt "$top/tests/ssdt.asl" "$work/ssdt.aml" || die "SSDT builds (iasl)"
irqcap_build_initramfs "$work/root" "$work/initrd.gz" || die "initramfs builds"

append=$extra
[ -n "$filter" ] && append="${append:+$append }irqcap.filter=$filter"
echo "# booting ${kernel##*/} with ${module}${extra:+, kernel parameters: $extra}"
boot_guest() {
	local start
	start=$(date +%s)
	irqcap_qemu x86_64 --kernel "$kernel" --initrd "$work/initrd.gz" --ssdt "$work/ssdt.aml" \
		--append "$append" --timeout 900 --log "$work/console.log"
	echo "# guest ran $(( $(date +%s) - start )) s; console log: $work/console.log"
	tr -d '\r' <"$work/console.log" >"$work/log"
}
boot_guest
# A kernel that dies before user space has not loaded irqcap yet (init.sh
# prints "=== guest up" before insmod; on the line of the BIOS's last escape
# codes, so not anchored): that is the emulated boot, not the
# driver.  Seen once on 7.2 under TCG: an int3 in sched_clock_cpu() while
# the initramfs was unpacked.  Boot once more, and say so.
if ! grep -q '=== guest up' "$work/log"; then
	echo "# the guest kernel died before user space (irqcap not loaded); booting once more. Its last lines:"
	grep -E 'RIP:|Kernel panic|Oops' "$work/log" | head -3 | sed 's/^/#   /'
	mv "$work/console.log" "$work/console-first-boot.log"
	boot_guest
fi

# the guest's checks, numbered, and its "# " lines: figures and notes (merged edges, cycles)
ktap_collect "$work/log"

if [ "$compat32" = yes ] && [ -z "$filter" ] && grep -q '^=== guest done' "$work/log" &&
	! grep -qE '^(not )?ok - compat32_|^# compat32: not run' "$work/log"; then
	nok "32-bit test program ran in the guest"
fi
if [ "$source_test" = yes ] && grep -q '^=== guest done' "$work/log" &&
	! grep -qE '^(not )?ok - source_ioctl$|^(not )?ok - source_ioctl:' "$work/log" &&
	{ [ -z "$filter" ] || [ "$filter" = source ]; }; then
	nok "source test program ran in the guest"
fi
[ "$source_test" = yes ] && ok "source test programs build, udev payload (gcc, gcc -m32, udevadm)" ||
	{ nok "source test programs build, udev payload (gcc, gcc -m32, udevadm)"; tail -5 "$work/source-build.log"; }
if [ "$mmap" = yes ] && { [ -z "$filter" ] || [[ ",$filter," == *,mmap* ]]; } &&
	grep -q '^=== guest done' "$work/log" && ! grep -qE '^(not )?ok - mmap_' "$work/log"; then
	nok "mapped-ring test program ran in the guest"
fi
[ "$mmap" = yes ] && ok "mapped-ring test program and docs/mmap-reader.c build" ||
	{ nok "mapped-ring test program and docs/mmap-reader.c build"; tail -5 "$work/mmap-build.log"; }
[ "$compat32" = yes ] && ok "32-bit test program builds (gcc -m32)" ||
	{ nok "32-bit test program builds (gcc -m32: gcc-12-multilib, libc6-dev-i386)"; tail -5 "$work/compat32-build.log"; }
case $cli in
failed) nok "CLI builds for the guest"; tail -5 "$work/tools-build.log";;
yes) ok "CLI builds for the guest";;
esac
case $python in
failed) nok "python3 and python3-irqcap staged for the guest"; tail -5 "$work/python-stage.log";;
yes) ok "python3 and python3-irqcap staged for the guest ($(tail -n 1 "$work/python-stage.log"))"
	if { [ -z "$filter" ] || [[ ",$filter," == *,python,* ]]; } && grep -q '^=== guest done' "$work/log" &&
		! grep -qE '^(not )?ok - python: ' "$work/log"; then
		nok "the Python guest test ran"
	fi;;
esac
if [ -n "$extra" ]; then
	# init.sh prints the guest's /proc/cmdline: the parameters reached the kernel
	cmdline=$(sed -n 's/^=== cmdline: //p' "$work/log" | head -n 1)
	for a in $extra; do
		case " $cmdline " in
		*" $a "*) ok "guest booted with $a";;
		*) nok "guest booted with $a (its command line: ${cmdline:-none printed})";;
		esac
	done
fi
grep -q '^=== guest done' "$work/log" && ok "guest finished" || { nok "guest finished (crash or timeout)"; tail -40 "$work/log"; }

sed -n '/^=== dmesg probe begin/,/^=== dmesg probe end/p' "$work/log" >"$work/dmesg-probe"
sed -n '/^=== dmesg final begin/,/^=== dmesg final end/p' "$work/log" >"$work/dmesg-final"
if [ -z "$filter" ]; then
	while IFS='|' read -r name pattern; do
		grep -qE "$pattern" "$work/dmesg-probe" && ok "bad property refused: $name" ||
			nok "bad property refused: $name (no message matching '$pattern')"
	done <<'PATTERNS'
ring-size not a power of two|irqcap,ring-size: 1000 is not a power of two in 16\.\.1048576
bottom-half unknown|irqcap,bottom-half: "fast" is invalid, expected one of hardirq, threaded, tasklet, workqueue
debounce-us out of range|irqcap,debounce-us: 5000000 is out of range 0\.\.1000000
no interrupt|no interrupt: the firmware node needs "interrupts" or "gpios"
level trigger|is level-triggered: irqcap captures edges
ring-size wrong type|irqcap,ring-size: must be a u32
label not a file name|label: "door/bell" is not a file name: character 5 \(0x2f\)
label wrong type|label: must be a string
policy property deprecated|irqcap,idle-timeout-ms is policy, deprecated in the binding: use the module parameter idle_timeout_ms or sysfs idle_timeout_ms$
PATTERNS
fi
# A guest that hung or crashed never dumps its final dmesg: the kernel log is
# then not known to be clean (an oops reaches only the console), and the
# console's splat lines are shown instead.
if [ ! -s "$work/dmesg-final" ]; then
	nok "kernel log clean (no final dmesg: the guest did not finish)"
	irqcap_splat <"$work/log" | head -40
elif cat "$work/dmesg-probe" "$work/dmesg-final" | irqcap_splat >"$work/splats"; then
	nok "kernel log clean"
	head -40 "$work/splats"
else
	ok "kernel log clean"
fi
ktap_finished
