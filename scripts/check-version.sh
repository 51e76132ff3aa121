#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Check that every copy of the irqcap version agrees with the newest release in
# CHANGELOG (the single version source).  Prints KTAP, one result per copy, ends with
# "N passed, N failed" and exits non-zero when any copy disagrees.
#
# Usage: scripts/check-version.sh [--print]   (--print: just print the version)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

# Newest release: the first "## [X.Y.Z]" heading that is not [Unreleased].
want=$(sed -n 's/^## \[\([0-9][0-9A-Za-z.+~-]*\)\].*/\1/p' CHANGELOG 2>/dev/null | head -n 1)
if [ -z "$want" ]; then
	. scripts/lib/ktap.sh
	ktap_print_header
	ktap_fail "CHANGELOG has a release heading '## [X.Y.Z] - YYYY-MM-DD'"
	ktap_finished
	exit 1
fi
if [ "${1:-}" = "--print" ]; then
	echo "$want"
	exit 0
fi

. scripts/lib/ktap.sh
ktap_print_header
check() { # name found
	if [ "$2" = "$want" ]; then
		ktap_ok "$1 = $2"
	else
		ktap_fail "$1 = '${2:-<missing>}', CHANGELOG's newest release is $want"
	fi
}

check "dkms.conf PACKAGE_VERSION" \
	"$(sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' dkms.conf 2>/dev/null | head -n 1)"
# debian/changelog: upstream part of the newest entry's version (drop -revision).
check "debian/changelog" \
	"$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' debian/changelog 2>/dev/null | sed 's/-[^-]*$//')"
check "rpm/irqcap.spec Version" \
	"$(sed -n 's/^Version:[[:space:]]*//p' rpm/irqcap.spec 2>/dev/null | head -n 1)"
# The spec's newest %changelog entry: "* Day Mon DD YYYY Name <mail> - VERSION-RELEASE"
check "rpm/irqcap.spec %changelog" \
	"$(sed -n '/^%changelog/,$s/^\* .* - \([^ ]*\)-[^- ]*$/\1/p' rpm/irqcap.spec 2>/dev/null | head -n 1)"
check "src/irqcap_version.h IRQCAP_VERSION" \
	"$(sed -n 's/^#define[[:space:]]\{1,\}IRQCAP_VERSION[[:space:]]\{1,\}"\([^"]*\)".*/\1/p' src/irqcap_version.h 2>/dev/null | head -n 1)"

# The release date in CHANGELOG must be a real ISO date.
date_line=$(grep -m1 "^## \[$want\]" CHANGELOG)
case "$date_line" in
*" - "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*)
	ktap_ok "CHANGELOG [$want] is dated" ;;
*)
	ktap_fail "CHANGELOG heading '$date_line' has no YYYY-MM-DD date" ;;
esac

ktap_finished
