#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Long run (not CI): irqcap on the debug kernel for SECS seconds (default 600)
# with interrupts flowing, two random readers, and a reconfiguration every
# 50 000 interrupts or 15 s (bottom half, debounce, idle timeout; every 8th an
# unbind/rebind with an exact counter check).  Prints counters and slab usage
# every 30 s ("raised" counts from the last rebind), then checks that memory
# stayed flat and kmemleak found nothing.
#
# usage: scripts/soak.sh [SECS] [--keep DIR] [--debian | --kernel BZIMAGE --module KO]
#   default: the debug kernel (scripts/debug-kernel.sh). There KASAN's quarantine keeps
#   freed objects (up to 1/32 of RAM) counted as allocated, so slab use is reported but
#   memory is judged by kmemleak.  --debian: Debian's 6.1 kernel and irqcap built for
#   its headers (in a copy of src/): slab use must stay flat.
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib/ktap.sh"
secs=600 keep='' extra=() debian=no
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=$2; shift 2;;
	--debian) debian=yes; shift;;
	--kernel|--module) extra+=("$1" "$2"); shift 2;;
	[0-9]*) secs=$1; shift;;
	*) echo "usage: $0 [SECS] [--keep DIR] [--debian | --kernel BZIMAGE --module KO]" >&2; exit 2;;
	esac
done
ktap_print_header
die() { ktap_fail "$*"; ktap_finished; exit 1; }
work=${keep:-$(mktemp -d)}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
if [ "$debian" = yes ]; then
	. "$top/tests/lib/qemu.sh"
	k=$(irqcap_default_kernel) || die "Debian kernel found"
	rm -rf "$work/mod" && mkdir -p "$work/mod" && cp -a "$top/src/." "$work/mod/"
	(cd "$work/mod" && rm -f ./*.o ./*.ko ./*.mod ./*.mod.c ./.*.cmd Module.symvers modules.order)
	make -s -C "/usr/src/linux-headers-${k##*/vmlinuz-}" M="$work/mod" modules >"$work/mod.log" 2>&1 ||
		{ cat "$work/mod.log"; die "irqcap builds for $k"; }
	extra=(--kernel "$k" --module "$work/mod/irqcap.ko")
fi
judge_slab=yes
[ ${#extra[@]} -eq 0 ] && judge_slab=no

scen=soak,kmemleak
[ "$debian" = yes ] && scen=soak	# no kmemleak in Debian's kernel
"$top/scripts/reliability.sh" --scenarios "$scen" --soak "$secs" --keep "$work" "${extra[@]}" >"$work/out" 2>&1
rc=$?
echo "# time_s raised irqs_seen committed debounced dropped overruns readers bh slab_kB irqcap_reader_objs"
grep '^# soak: [0-9]* [0-9]' "$work/log" | sed 's/^# soak: /# /'
# reliability.sh's results renumbered into this suite's
ktap_nested "$work/out"
grep -qE '^[0-9]+ passed, [0-9]+ failed$' "$work/out" || ktap_fail "reliability.sh finished (no result line)"

# flat memory: Slab after the first minute vs the end (10% or 2 MB slack,
# whichever is larger), and no irqcap_reader objects piling up
samples=$(grep '^# soak: [0-9]* [0-9]' "$work/log" | awk '{print $12, $13}')
n=$(echo "$samples" | grep -c .)
if [ "$n" -ge 3 ]; then
	first=$(echo "$samples" | sed -n 3p | cut -d' ' -f1)
	last=$(echo "$samples" | tail -1 | cut -d' ' -f1)
	maxr=$(echo "$samples" | cut -d' ' -f2 | sort -n | tail -1)
	slack=$(( first / 10 > 2048 ? first / 10 : 2048 ))
	if [ "$judge_slab" = no ]; then
		ktap_ok "soak: slab ${first} kB at 1 min, ${last} kB at end, irqcap_reader objects up to $maxr (debug kernel: KASAN quarantine holds freed objects; kmemleak judges leaks)"
	elif [ $((last - first)) -le "$slack" ] && [ "$maxr" -le 64 ]; then
		ktap_ok "soak: slab flat (${first} kB at 1 min, ${last} kB at end; irqcap_reader objects <= $maxr)"
	else
		ktap_fail "soak: slab grew from ${first} kB to ${last} kB (irqcap_reader objects up to $maxr)"
	fi
else
	ktap_fail "soak: too few samples ($n)"
fi
[ "$rc" -eq 0 ] || [ "$KTAP_CNT_FAIL" -gt 0 ] || ktap_fail "reliability.sh exit status $rc"
ktap_finished
