#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (and cache) an x86_64 debug kernel from Debian's linux-source-6.1 with
# tests/debug-kernel.config as KCONFIG_ALLCONFIG of `make alldefconfig` (lockdep, KASAN,
# kmemleak, debugobjects, fault injection, PREEMPT), build irqcap against it and
# run the whole integration suite on it.  Any splat, KASAN report or kmemleak
# entry fails the run.  --variant kcsan builds the same kernel with KCSAN (the data-race
# detector) instead of KASAN and kmemleak; each of its reports fails the run and is listed.
#
# usage: scripts/debug-kernel.sh [--variant kasan|kcsan] [--build-only] [--module-src DIR]
#        [--print-paths] [--keep DIR]
#   --variant V        kasan (default) or kcsan: the "# @variant" blocks of the config
#   --build-only       build kernel + module, print their paths, do not run the suite
#   --module-src DIR   build irqcap from DIR (a scratch copy of src/) instead of src/
#   --print-paths      print "KERNEL KO" of the cached build (builds if needed)
#   --keep DIR         keep the integration run (console log, dmesg dumps, KCSAN reports) in DIR
# Cache: ${IRQCAP_CACHE:-/var/cache/irqcap}/debug-kernel/{linux-source-6.1,build-min,
#   build-kcsan,module-*}
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/qemu.sh"
cache=${IRQCAP_CACHE:-/var/cache/irqcap}/debug-kernel
tarball=${IRQCAP_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
frag=$top/tests/debug-kernel.config
ksrc=$cache/linux-source-6.1
jobs=2

mode=test modsrc=$top/src variant=kasan keep=
while [ $# -gt 0 ]; do
	case $1 in
	--variant) variant=$2; shift 2;;
	--build-only) mode=build; shift;;
	--print-paths) mode=paths; shift;;
	--module-src) modsrc=$(cd "$2" && pwd); shift 2;;
	--keep) keep=$2; shift 2;;
	*) sed -n '11,17p' "$0" >&2; exit 2;;
	esac
done
case $variant in
kasan) kout=$cache/build-min;;
kcsan) kout=$cache/build-kcsan;;
*) echo "unknown variant $variant (kasan, kcsan)" >&2; exit 2;;
esac
# KCSAN reports are judged by irqcap_kcsan_verdict, not by the splat checks
[ "$variant" = kcsan ] && export IRQCAP_KCSAN_JUDGED=1

. "$top/scripts/lib/ktap.sh"
[ "$mode" = paths ] || ktap_print_header
finish() { ktap_finished; exit $?; }
log() { echo "# $*" >&2; }

mkdir -p "$cache"
# One builder per build directory at a time (CI and people share the cache).  The kasan
# build and the source extraction keep $cache/.lock (what scripts before the variants
# took for everything); the kcsan build has its own lock, so the two variants can build at
# the same time, and takes $cache/.lock only while it extracts the source.
if [ "$variant" = kasan ]; then
	exec 9>"$cache/.lock"
	flock 9
else
	exec 8>"$cache/.lock-$variant"
	flock 8
	[ -f "$ksrc/.extracted" ] || { exec 9>"$cache/.lock"; flock 9; }
fi

# --- source ---
if [ ! -f "$ksrc/.extracted" ]; then
	[ -r "$tarball" ] || { nok "linux-source-6.1 present ($tarball; apt-get install linux-source-6.1)"; finish; }
	log "extracting $tarball"
	rm -rf "$ksrc" "$cache/linux-source-6.1.tmp"
	mkdir -p "$cache/linux-source-6.1.tmp"
	tar -C "$cache/linux-source-6.1.tmp" -xf "$tarball" || { nok "extract linux-source"; finish; }
	mv "$cache/linux-source-6.1.tmp/linux-source-6.1" "$ksrc" && rmdir "$cache/linux-source-6.1.tmp"
	touch "$ksrc/.extracted"
fi
[ "$variant" = kasan ] || exec 9>&-

# --- the variant's fragment: common lines + its own "# @variant" block ---
mkdir -p "$kout"
awk -v want="$variant" '/^# @variant /{ v = $3; next } v == "" || v == "all" || v == want' \
	"$frag" >"$kout/fragment.config"

# --- config: alldefconfig + fragment, redone when the fragment changes ---
fraghash=$(sha256sum "$kout/fragment.config" | cut -d' ' -f1)
if [ ! -f "$kout/.config" ] || [ "$(cat "$kout/.frag-hash" 2>/dev/null)" != "$fraghash" ]; then
	log "configuring $kout (alldefconfig + ${frag#"$top"/}, variant $variant)"
	make -s -C "$ksrc" O="$kout" ARCH=x86_64 KCONFIG_ALLCONFIG="$kout/fragment.config" alldefconfig >"$kout/config.log" 2>&1 &&
		make -s -C "$ksrc" O="$kout" ARCH=x86_64 olddefconfig >>"$kout/config.log" 2>&1 ||
		{ nok "configure debug kernel"; finish; }
	missing=
	while read -r line; do
		case $line in CONFIG_*=y) grep -qx "$line" "$kout/.config" || missing="$missing ${line%=y}";; esac
	done <"$kout/fragment.config"
	if [ -n "$missing" ]; then
		nok "debug config complete (Kconfig dropped:$missing)"
		finish
	fi
	echo "$fraghash" >"$kout/.frag-hash"
fi

# --- kernel ---
t0=$(date +%s)
if ! make -s -C "$ksrc" O="$kout" ARCH=x86_64 -j"$jobs" bzImage modules >"$kout/build.log" 2>&1; then
	tail -30 "$kout/build.log"
	nok "build debug kernel (log: $kout/build.log)"
	finish
fi
t1=$(date +%s)
kernel=$kout/arch/x86/boot/bzImage
log "$variant kernel ready in $((t1 - t0)) s: $kernel"

# --- module, built in a copy so src/ stays clean ---
if [ "$variant" = kasan ]; then
	mhash=$(echo "$modsrc" | sha256sum | cut -c1-12)
else
	mhash=$variant-$(echo "$modsrc" | sha256sum | cut -c1-12)
fi
mdir=$cache/module-$mhash
rm -rf "$mdir"
mkdir -p "$mdir"
cp -a "$modsrc"/. "$mdir"/
make -s -C "$mdir" -f /dev/null >/dev/null 2>&1 || true
(cd "$mdir" && rm -f ./*.o ./*.ko ./*.mod ./*.mod.c ./.*.cmd Module.symvers modules.order)
if ! make -s -C "$kout" M="$mdir" -j"$jobs" modules >"$mdir/build.log" 2>&1; then
	cat "$mdir/build.log"
	nok "build irqcap against the debug kernel"
	finish
fi
ko=$mdir/irqcap.ko

case $mode in
paths) echo "$kernel $ko"; exit 0;;
build) ok "debug kernel ($variant) $kernel"; ok "irqcap module $ko"; finish;;
esac

# --- the integration suite on the debug kernel ---
if [ -n "$keep" ]; then
	work=$keep
	rm -rf "$work/run"
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
"$top/tests/run-integration.sh" --kernel "$kernel" --module "$ko" --keep "$work/run" >"$work/out" 2>&1
rc=$?
# its KTAP results as "ok - NAME" lines, renumbered into this suite's below
sed -i -E 's/^(not )?ok [0-9]+ /\1ok - /' "$work/out"
# Before a07dcd1 the shared suite grepped the whole boot log for "kmemleak"; on this
# kernel kmemleak announces itself at boot ("kmemleak: Kernel memory leak detector
# initialized"). That one informational line is not a finding: for a tree without
# a07dcd1's report-only pattern (tests/run-integration.sh), turn a failed "kernel log
# clean" into a pass when the banner is its only match.
benign='kmemleak: Kernel memory leak detector initialized'
if grep -q '^not ok - kernel log clean' "$work/out" &&
	! grep -v "$benign" "$work/run/splats" | grep -q .; then
	sed -i 's/^not ok - kernel log clean$/ok - kernel log clean (kmemleak boot banner ignored)/' "$work/out"
fi
ktap_collect "$work/out"
sed -n '/^not ok/,/^ok/p' "$work/out" | grep -v -E '^(ok|not ok) - ' | head -40
# belt and braces: nothing bad anywhere on the console (the suite checks dmesg dumps only)
if irqcap_splat <"$work/run/log" >"$work/bad"; then
	nok "debug kernel console clean"
	head -40 "$work/bad"
else
	ok "debug kernel console clean"
fi
if [ "$variant" = kcsan ]; then
	# every KCSAN report of the run (the suite's dmesg dumps; the console shows only
	# loglevel 1): one "# KCSAN, Nx, irqcap|kernel: ..." line per racing pair (irqcap when
	# either access is in irqcap's code), the reports in $work/kcsan-reports
	cat "$work/run/dmesg-probe" "$work/run/dmesg-final" 2>/dev/null | irqcap_kcsan_reports >"$work/kcsan-reports"
	irqcap_kcsan_verdict "$work/kcsan-reports" ""
fi
[ "$rc" -eq 0 ] || grep -q '^not ok - ' "$work/out" || nok "integration suite exit status ($rc)"
finish
