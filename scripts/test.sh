#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# irqcap's test command.
#   scripts/test.sh            quick: style gates, version agreement, CLI unit
#                              tests, KUnit (UML), DT schema/overlays, and the
#                              integration suite on Debian's 6.1 kernel in QEMU
#   scripts/test.sh --full     everything CI runs: the quick suites with KUnit
#                              also on x86_64 (lockdep, KASAN), the arm64 and
#                              armhf DT boot tests, the mapped ring on 16 KiB
#                              pages, a 10^6-interrupt storm, packaging,
#                              the kernel matrix, the debug-kernel
#                              reliability suite and the KCSAN kernel
#                              (integration suite + storm)
#   scripts/test.sh SUITE...   only the named suites (see --list)
# First it installs the Debian packages the suites need (scripts/deps.sh: the
# quick set, or the full set for --full and named suites); IRQCAP_NO_DEPS=1
# skips that.
# Each suite prints KTAP (scripts/lib/ktap.sh); the last line sums their
# "# Totals:" lines: "N passed, N failed".  Exit status is non-zero if anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logdir=${IRQCAP_LOGDIR:-$top/build/test-logs}
mkdir -p "$logdir"

quick=(style version cli python kunit dt integration)
full=(style version cli python kunit-all dt integration storm arm64 armhf pagesize package matrix reliability kcsan)

suite_cmd() {
	case $1 in
	style) echo "scripts/check-style.sh";;
	version) echo "scripts/check-version.sh";;
	cli) echo "make -s -C tools test";;
	python) echo "python/tests/run.sh";;
	kunit) echo "scripts/kunit.sh";;
	kunit-all) echo "scripts/kunit.sh --all";;
	dt) echo "scripts/dt-check.sh";;
	integration) echo "make -s modules && tests/run-integration.sh";;
	arm64) echo "scripts/dt-gpio-test.sh --arch arm64 --type-none --suspend";;
	armhf) echo "scripts/dt-gpio-test.sh --arch armhf --type-none";;
	# the mapped ring on Debian's arm64-16k kernel (16 KiB pages), two boots
	pagesize) echo "scripts/mmap-pagesize.sh";;
	package) echo "scripts/package-check.sh";;
	matrix) echo "scripts/matrix.sh";;
	# 10^6 interrupts on Debian's kernel (~2 min); the debug kernel runs the
	# whole integration suite and every scenario with a 10^5 storm (a 10^6
	# storm takes 20 min there: scripts/reliability.sh alone does it)
	storm) echo "make -s modules && scripts/reliability.sh --scenarios storm --kernel \$(. tests/lib/qemu.sh; irqcap_default_kernel) --module src/irqcap.ko";;
	reliability) echo "scripts/reliability.sh --storm 100000";;
	# the KCSAN build of the debug kernel: the integration suite and a 10^5 storm,
	# 0 KCSAN reports (docs/reliability.md)
	kcsan) echo "scripts/reliability.sh --variant kcsan --integration --scenarios storm --storm 100000";;
	*) return 1;;
	esac
}

case ${1:-} in
--full) suites=("${full[@]}");;
--list) echo "quick: ${quick[*]}"; echo "full: ${full[*]}"; exit 0;;
-h|--help) sed -n '4,19s/^# \{0,1\}//p' "$0"; exit 0;;
"") suites=("${quick[@]}");;
*) suites=("$@");;
esac

deps_set="test"
for s in "${suites[@]}"; do
	case " ${quick[*]} " in *" $s "*) ;; *) deps_set=full ;; esac
done
if [ "${IRQCAP_NO_DEPS:-0}" != 1 ] && ! scripts/deps.sh "$deps_set"; then
	echo "=== deps: scripts/deps.sh $deps_set failed; nothing was run"
	echo "0 passed, 1 failed"
	exit 1
fi

total_pass=0 total_fail=0
summary=()
for s in "${suites[@]}"; do
	cmd=$(suite_cmd "$s") || { echo "unknown suite $s"; exit 2; }
	log=$logdir/$s.log
	echo "=== $s: $cmd"
	start=$(date +%s)
	bash -c "$cmd" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	secs=$(( $(date +%s) - start ))
	# the suite's KTAP totals (scripts/lib/ktap.sh: its last "# Totals:" line),
	# else its "N passed, N failed" line, else its counted KTAP results
	totals=$(grep -E '^# Totals: pass:[0-9]+ fail:[0-9]+' "$log" | tail -1)
	line=$(grep -E '^([a-zA-Z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -n "$totals" ]; then
		p=$(echo "$totals" | sed -E 's/.* pass:([0-9]+).*/\1/')
		f=$(echo "$totals" | sed -E 's/.* fail:([0-9]+).*/\1/')
	elif [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([a-zA-Z]+: )?([0-9]+) passed.*/\2/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	elif grep -qE '^(not )?ok [0-9]+ ' "$log"; then
		p=$(grep -cE '^ok [0-9]+ ' "$log")
		f=$(grep -cE '^not ok [0-9]+ ' "$log")
	elif [ "$rc" -eq 0 ]; then
		p=1 f=0
	else
		p=0 f=1
	fi
	# a suite that failed without counting a failure still counts as one
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("$(printf '%-12s %5s passed %4s failed %6ss  (exit %s)' "$s" "$p" "$f" "$secs" "$rc")")
done
echo
echo "=== summary (logs in $logdir)"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
