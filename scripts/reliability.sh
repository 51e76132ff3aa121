#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Reliability and security scenarios for irqcap on the debug kernel
# (scripts/debug-kernel.sh: lockdep, KASAN, kmemleak, debugobjects, fault
# injection, PREEMPT) in QEMU with the integration board (tests/ssdt.asl).
# Guest program: tests/reliability/rel-test.c; guest init: tests/reliability/init.sh.
#
# usage: scripts/reliability.sh [--scenarios a,b,c] [--storm N] [--seed N]
#        [--kernel BZIMAGE] [--module KO] [--module-src DIR] [--keep DIR]
#        [--soak SECS] [--timeout SECS] [--integration | --no-integration]
#        [--variant kasan|kcsan]
#   scenarios: sleepers storm rmmod faults fuzz security pending mmap kmemleak (default: all, in
#   that order; kmemleak should stay last) and soak (scripts/soak.sh)
#   --module-src DIR   build irqcap from a scratch copy of src/ (put-the-bug-back)
#   The whole integration suite also runs on the debug kernel first
#   (scripts/debug-kernel.sh) unless --scenarios is given or --no-integration.
#   --variant kcsan    the KCSAN build of the debug kernel (scripts/debug-kernel.sh
#                      --variant kcsan); every KCSAN report is listed and fails the run
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last; exits non-zero on failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/qemu.sh"

scenarios=sleepers,storm,rmmod,faults,fuzz,security,pending,mmap,kmemleak
storm=1000000 seed=0 soak=600 kernel='' module='' modsrc='' keep='' tmo='' integ=default
variant=kasan
while [ $# -gt 0 ]; do
	case $1 in
	--scenarios) scenarios=$2; shift 2; [ "$integ" = default ] && integ=no;;
	--integration) integ=yes; shift;;
	--no-integration) integ=no; shift;;
	--storm) storm=$2; shift 2;;
	--seed) seed=$2; shift 2;;
	--soak) soak=$2; shift 2;;
	--kernel) kernel=$2; shift 2;;
	--module) module=$2; shift 2;;
	--module-src) modsrc=$2; shift 2;;
	--keep) keep=$2; shift 2;;
	--timeout) tmo=$2; shift 2;;
	--variant) variant=$2; shift 2;;
	*) sed -n '8,21p' "$0" >&2; exit 2;;
	esac
done
# KCSAN reports are judged by irqcap_kcsan_verdict, not by the splat checks
[ "$variant" = kcsan ] && export IRQCAP_KCSAN_JUDGED=1

. "$top/scripts/lib/ktap.sh"
ktap_print_header
finish() { ktap_finished; exit $?; }

if [ "$integ" != no ]; then
	echo "# the integration suite on the debug kernel (scripts/debug-kernel.sh --variant $variant)"
	iargs=(--variant "$variant")
	[ -n "$keep" ] && iargs+=(--keep "$keep/integration")
	[ -n "$modsrc" ] && iargs+=(--module-src "$modsrc")
	"$top/scripts/debug-kernel.sh" "${iargs[@]}" >"${TMPDIR:-/tmp}/irqcap-dk.$$" 2>&1
	# its KTAP results renumbered into this suite's, "debug kernel: " in front
	ktap_nested "${TMPDIR:-/tmp}/irqcap-dk.$$" "debug kernel: "
	grep -q -E '^(not )?ok [0-9]+ ' "${TMPDIR:-/tmp}/irqcap-dk.$$" || nok "debug kernel: integration suite ran"
	rm -f "${TMPDIR:-/tmp}/irqcap-dk.$$"
fi
if [ -z "$kernel" ] || [ -z "$module" ]; then
	args=(--print-paths --variant "$variant")
	[ -n "$modsrc" ] && args+=(--module-src "$modsrc")
	paths=$("$top/scripts/debug-kernel.sh" "${args[@]}" | tail -1)
	[ -n "$kernel" ] || kernel=${paths%% *}
	[ -n "$module" ] || module=${paths##* }
fi
for f in "$kernel" "$module"; do
	[ -r "$f" ] || { nok "debug kernel and module built ($f missing)"; finish; }
done

work=${keep:-$(mktemp -d)}
rm -rf "$work/root"
mkdir -p "$work/root"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
gcc -static -pthread -O2 -Wall -Wextra -Werror -o "$work/root/rel-test" \
	"$top/tests/reliability/rel-test.c" "$top/tools/lib/irqcap-stream.c" || { nok "rel-test builds"; finish; }
cp "$module" "$work/root/irqcap.ko"
install -m 755 "$top/tests/reliability/init.sh" "$work/root/init"
irqcap_build_ssdt "$top/tests/ssdt.asl" "$work/ssdt.aml" || { nok "SSDT builds"; finish; }
irqcap_build_initramfs "$work/root" "$work/initrd.gz" || { nok "initramfs builds"; finish; }

# generous: 10^6 interrupts under KASAN + lockdep in TCG take 10-30 min on a loaded host
per=${tmo:-2400}
[[ ,$scenarios, == *,soak,* ]] && per=$((soak + 300))
total=$((per + 2400))
[[ ,$scenarios, == *,storm,* ]] && total=$((total + per))
echo "# booting ${kernel} with ${module}: ${scenarios}"
start=$(date +%s)
irqcap_qemu x86_64 --kernel "$kernel" --initrd "$work/initrd.gz" --ssdt "$work/ssdt.aml" \
	--append "irqcap.rel=$scenarios irqcap.storm=$storm irqcap.seed=$seed irqcap.soak=$soak irqcap.tmo=$per" \
	--timeout "$total" --log "$work/console.log"
echo "# guest ran $(( $(date +%s) - start )) s; console log: $work/console.log"
tr -d '\r' <"$work/console.log" >"$work/log"

grep -E '^=== scenario .* rc ' "$work/log" | sed 's/^=== /# /'
# the guest's checks, numbered, and its "# " lines but the soak's samples
grep -v '^# soak: [0-9]* [0-9]' "$work/log" >"$work/results"
ktap_collect "$work/results"
sed -n '/^=== kmemleak report$/,/^=== kmemleak report end$/p' "$work/log" | head -60

# any splat fails the scenario it happened in
for s in boot $(echo "$scenarios" | tr , ' '); do
	if [ "$s" != boot ] && ! grep -q "^=== scenario $s rc " "$work/log"; then
		nok "scenario $s finished (crash, hang or timeout)"
		continue
	fi
	sed -n "/^=== dmesg $s begin/,/^=== dmesg $s end/p" "$work/log" >"$work/dmesg-$s"
	if irqcap_splat <"$work/dmesg-$s" >"$work/splat-$s"; then
		nok "kernel log clean during $s"
		grep -F -m1 -B2 -A25 -x "$(head -1 "$work/splat-$s")" "$work/dmesg-$s" | head -40
	else
		ok "kernel log clean during $s"
	fi
done
if [ "$variant" = kcsan ]; then
	# every KCSAN report of the scenarios (their dmesg dumps), listed, in $work/kcsan-reports
	irqcap_kcsan_reports <"$work/log" >"$work/kcsan-reports"
	irqcap_kcsan_verdict "$work/kcsan-reports" " in the scenarios"
fi
grep -q '^=== guest done' "$work/log" && ok "guest finished" || { nok "guest finished (crash or timeout)"; tail -40 "$work/log"; }
# a panic or oops on the console outside the dumps (e.g. the guest died mid-scenario)
if grep -v -E '^(ok|not ok) - |^# ' "$work/log" | irqcap_splat >"$work/console-bad"; then
	nok "console free of oops/panic"
	head -5 "$work/console-bad"
else
	ok "console free of oops/panic"
fi
finish
