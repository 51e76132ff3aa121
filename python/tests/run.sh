#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
#
# python/tests/run.sh: python3-irqcap's tests as KTAP (scripts/test.sh suite
# 'python'): pytest against the fake sysfs tree on the library built in
# tools/ (one KTAP line per test), and mypy --strict on the package when mypy
# is installed.  Debian's /usr/bin/python3: the one the package is for.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/scripts/lib/ktap.sh"
ktap_print_header
py=/usr/bin/python3
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! make -s -C "$top/tools" >"$log" 2>&1; then
	ktap_fail "make -C tools (libirqcap and the CLI the tests compare with)"
	sed 's/^/# /' "$log" | tail -5
	ktap_finished; exit $?
fi
if ! "$py" -c 'import pytest' 2>/dev/null; then
	ktap_fail "pytest for $py (apt-get install python3-pytest)"
	ktap_finished; exit $?
fi
cd "$top/python" || exit 1
LD_LIBRARY_PATH=$top/tools/lib PYTHONPATH=$top/python "$py" -m pytest -v -p no:cacheprovider \
	tests >"$log" 2>&1
rc=$?
n=0
while read -r t r; do
	n=$((n + 1))
	case $r in
	PASSED) ktap_ok "pytest ${t#tests/}";;
	SKIPPED) ktap_skip "pytest ${t#tests/}";;
	*) ktap_fail "pytest ${t#tests/} ($r)";;
	esac
done < <(sed -n 's/^\(tests\/[^ ]*::[^ ]*\) \(PASSED\|FAILED\|ERROR\|SKIPPED\|XFAIL\|XPASS\).*/\1 \2/p' "$log")
if [ "$n" -eq 0 ] || { [ "$rc" -ne 0 ] && ! grep -q FAILED "$log"; }; then
	ktap_fail "pytest ran (exit $rc, $n results)"
fi
[ "$rc" -eq 0 ] || grep -E '^(E |FAILED|ERROR)' "$log" | head -20 | sed 's/^/# /'
if "$py" -c 'import mypy' 2>/dev/null; then
	if "$py" -m mypy --strict --no-incremental irqcap >"$log" 2>&1; then
		ktap_ok "mypy --strict irqcap ($(tail -n 1 "$log"))"
	else
		ktap_fail "mypy --strict irqcap"; sed 's/^/# /' "$log" | tail -10
	fi
else
	ktap_skip "mypy --strict irqcap (mypy not installed)"
fi
ktap_finished
