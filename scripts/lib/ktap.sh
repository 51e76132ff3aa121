# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# KTAP output for irqcap's test suites, in the style of kselftest's
# tools/testing/selftests/kselftest/ktap_helpers.sh (POSIX sh: check-version.sh
# is /bin/sh).  Source it, then:
#
#   ktap_print_header             "TAP version 13" (once, first)
#   ktap_ok NAME                  "ok N NAME"      and count a pass
#   ktap_fail NAME                "not ok N NAME"  and count a failure
#   ktap_skip NAME WHY            "ok N NAME # SKIP WHY" (counted as skipped)
#   ktap_collect FILE [PREFIX]    renumber the guest's "ok - NAME" /
#                                 "not ok - NAME" console lines of FILE into
#                                 KTAP results "ok N PREFIXNAME" (its "# "
#                                 lines pass through)
#   ktap_nested FILE [PREFIX]     a nested suite's output (FILE): its results
#                                 renumbered into this suite's, its other
#                                 lines printed, its header, plan, totals and
#                                 "N passed, N failed" dropped
#   ktap_finished                 "# Totals: ...", the plan "1..N" and, last,
#                                 "N passed, N failed" (scripts/test.sh, the
#                                 matrix and CI read that line); returns 0 when
#                                 nothing failed
#
# ok/nok are the names the suites used before this library (one definition now).
# Guest programs keep printing "ok - NAME" / "not ok - NAME: why" on the
# console; the host side renumbers them with ktap_collect.

KTAP_TESTNO=1
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0

ktap_print_header() {
	echo "TAP version 13"
}

ktap_ok() {
	echo "ok $KTAP_TESTNO $*"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
}

ktap_fail() {
	echo "not ok $KTAP_TESTNO $*"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
}

ktap_skip() {
	echo "ok $KTAP_TESTNO $1 # SKIP ${2:-}"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

ok() { ktap_ok "$@"; }
nok() { ktap_fail "$@"; }

# FILE: a console log; its "ok - " and "not ok - " lines (the guest protocol)
# become numbered results ("ok - NAME # SKIP WHY": skipped), its "# " lines
# are printed as they are.
ktap_collect() {
	while IFS= read -r ktap_line; do
		case $ktap_line in
		"ok - "*" # SKIP "*) ktap_line=${ktap_line#ok - }
			ktap_skip "${2:-}${ktap_line%% # SKIP *}" "${ktap_line#* # SKIP }";;
		"ok - "*) ktap_ok "${2:-}${ktap_line#ok - }";;
		"not ok - "*) ktap_fail "${2:-}${ktap_line#not ok - }";;
		"# Totals: "*) ;;
		"# "*) echo "$ktap_line";;
		esac
	done <"$1"
}

ktap_nested() {
	ktap_tmp=$(mktemp) || return 1
	sed -E -e 's/^(not )?ok [0-9]+ /\1ok - /' \
		-e '/^TAP version 13$|^1\.\.[0-9]+$|^# Totals: |^[0-9]+ passed, [0-9]+ failed$/d' "$1" >"$ktap_tmp"
	while IFS= read -r ktap_line; do
		case $ktap_line in
		"ok - "*) ktap_ok "${2:-}${ktap_line#ok - }";;
		"not ok - "*) ktap_fail "${2:-}${ktap_line#not ok - }";;
		*) echo "$ktap_line";;
		esac
	done <"$ktap_tmp"
	rm -f "$ktap_tmp"
}

ktap_print_totals() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:0 xpass:0 skip:$KTAP_CNT_SKIP error:0"
}

ktap_finished() {
	ktap_print_totals
	echo "1..$((KTAP_TESTNO - 1))"
	echo "$KTAP_CNT_PASS passed, $KTAP_CNT_FAIL failed"
	[ "$KTAP_CNT_FAIL" -eq 0 ]
}
