#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
#
# Section 3 man pages from the kernel-doc comments of the public header:
#   gen-man.sh KERNEL-DOC HEADER OUTDIR VERSION
# One page per function, struct and enum (OUTDIR/NAME.3), and irqcap.3, an
# index that names them all (libirqcap.3 points to it).  Exits non-zero if kernel-doc warns: every
# public declaration must be documented.
set -u
kdoc=$1 hdr=$2 out=$3 version=$4
mkdir -p "$out"
rm -f "$out"/*.3
warn=$(perl "$kdoc" -none "$hdr" 2>&1)
if [ -n "$warn" ]; then
	printf '%s\n' "$warn" >&2
	exit 1
fi
perl "$kdoc" -man "$hdr" | awk -v out="$out" -v ver="$version" '
/^\.TH / {
	if (file) close(file)
	n = split($0, q, "\"")
	name = q[4]	# .TH "x" 9 "NAME" "date" ...
	sub(/^(struct|enum|union) /, "", name)
	file = out "/" name ".3"
	printf(".TH \"%s\" 3 \"\" \"libirqcap %s\" \"libirqcap Manual\"\n", name, ver) > file
	names[++count] = name
	next
}
# whatis wants "NAME \- text": kernel-doc writes "struct NAME \- text"
file && after_name { sub(/^(struct|enum|union) /, "") }
file { after_name = ($0 == ".SH NAME"); print > file }
END {
	if (file) close(file)
	idx = out "/irqcap.3"
	printf(".TH \"irqcap\" 3 \"\" \"libirqcap %s\" \"libirqcap Manual\"\n", ver) > idx
	print ".SH NAME\nirqcap \\- libirqcap, timestamped interrupt records from the irqcap driver" > idx
	print ".SH SYNOPSIS\n.B #include <irqcap/irqcap.h>\n.PP\nLink with \\fI\\-lirqcap\\fP (pkg-config irqcap)." > idx
	print ".SH DESCRIPTION\nThe header documents the conventions: negative errno returns, no global state, thread safety per object." > idx
	print ".SH SEE ALSO" > idx
	for (i = 1; i <= count; i++)
		printf("\\fB%s\\fP(3)%s\n", names[i], i < count ? "," : "") > idx
	printf(",\n\\fBirqcap\\fP(1)\n") > idx
	close(idx)
	print ".so man3/irqcap.3" > (out "/libirqcap.3")
}'
