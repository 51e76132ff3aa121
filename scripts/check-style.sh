#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-style gates for the driver: checkpatch.pl --strict on every source
# file, sparse (C=2) and W=1 builds that must print no warning.
#   scripts/check-style.sh [KDIR]
# checkpatch comes from Debian's linux-source-6.1 (cached under
# ${IRQCAP_CACHE:-/var/cache/irqcap}/checkpatch).  Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${IRQCAP_CACHE:-/var/cache/irqcap}/checkpatch
tarball=/usr/src/linux-source-6.1.tar.xz
kdir=${1:-$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -e '-rt-' -e cloud | sort -V | tail -1)}
. "$top/scripts/lib/ktap.sh"
ktap_print_header

cp_pl=$cache/linux-source-6.1/scripts/checkpatch.pl
if [ ! -x "$cp_pl" ]; then
	mkdir -p "$cache"
	tar -xJf "$tarball" -C "$cache" linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch 2>/dev/null
fi
if [ -x "$cp_pl" ]; then
	for f in "$top"/src/*.[ch] "$top"/src/uapi/*.h; do
		case $f in *.mod.c) continue;; esac
		out=$("$cp_pl" --strict --no-tree --quiet --ignore FILE_PATH_CHANGES -f "$f" 2>&1)
		if [ -z "$out" ]; then ok "checkpatch --strict ${f#"$top"/}"; else
			nok "checkpatch --strict ${f#"$top"/}"; echo "$out" | head -20; fi
	done
else
	nok "checkpatch.pl available (install linux-source-6.1)"
fi

# issue 15 §3.10: the barrier after poll_wait() pairs with wq_has_sleeper() in
# the handler; it is always issued.  A probe once turned it off whenever the
# word smp_mb appeared anywhere in the target's poll.h.  Checked: no such
# probe, and every poll_wait() call is followed by smp_mb() within 3 lines,
# under no #if but a header guard.
if { grep -n 'IRQCAP_HAVE_POLL_WAIT_MB' "$top"/src/*.[ch]; grep -n 'poll\.h' "$top/src/Kbuild"; } >"${TMPDIR:-/tmp}/irqcap-pollmb.$$"; then
	nok "poll barrier unconditional: a poll.h probe remains"; cat "${TMPDIR:-/tmp}/irqcap-pollmb.$$"
else
	ok "poll barrier unconditional: no poll.h probe"
fi
rm -f "${TMPDIR:-/tmp}/irqcap-pollmb.$$"
pollmb=$(awk '
	FNR == 1 { depth = 0; guard = 0; n = 0 }
	/^[ \t]*#[ \t]*if/ {
		depth++
		if (depth == 1 && $1 ~ /#ifndef/ && $2 ~ /_H$/) guard = 1
	}
	/^[ \t]*#[ \t]*(else|elif)/ { cond[FILENAME FNR] = 1; inelse[depth] = 1 }
	/^[ \t]*#[ \t]*endif/ { if (depth == 1) guard = 0; inelse[depth] = 0; depth-- }
	/(^|[^_a-zA-Z0-9])poll_wait\(/ && !/^[ \t]*\*/ {
		calls++
		if (depth - guard > 0) print FILENAME ":" FNR ": poll_wait() under #if"
		want[FILENAME] = FNR + 3; from[FILENAME] = FNR
	}
	/smp_mb\(\)/ && (FILENAME in want) && FNR <= want[FILENAME] { delete want[FILENAME] }
	(FILENAME in want) && FNR > want[FILENAME] { print FILENAME ":" from[FILENAME] ": poll_wait() without smp_mb() after it"; delete want[FILENAME] }
	END { if (!calls) print "no poll_wait() call found" }
' "$top"/src/*.[ch])
if [ -z "$pollmb" ]; then ok "poll barrier unconditional: smp_mb() after every poll_wait()"; else
	nok "poll barrier unconditional: smp_mb() after every poll_wait()"; echo "$pollmb"; fi

build() { # NAME MAKEARGS...
	local name=$1 tmp log
	shift
	tmp=$(mktemp -d)
	log=$tmp/build.log
	(cd "$top" && git ls-files -z src Makefile | xargs -0 cp --parents -t "$tmp") 2>/dev/null ||
		cp -r "$top/src" "$top/Makefile" "$tmp/"
	if make -C "$tmp" KDIR="$kdir" "$@" >"$log" 2>&1; then
		if grep -qiE 'warning:|error:' "$log"; then
			nok "$name: warnings"; grep -iE 'warning:|error:' "$log" | head -20
		else
			ok "$name"
		fi
	else
		nok "$name: build failed"; tail -20 "$log"
	fi
	rm -rf "$tmp"
}
if [ -d "$kdir" ]; then
	build "W=1 build against ${kdir##*/}" W=1
	if command -v sparse >/dev/null; then
		build "sparse (C=2) against ${kdir##*/}" C=2
	else
		nok "sparse installed"
	fi
else
	nok "kernel headers installed"
fi
ktap_finished
