#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the irqcap_bench KUnit suite (kunit/irqcap_bench_test.c) with kunit.py
# under UML, in its own kernel tree and build directory:
#   ${IRQCAP_CACHE:-/var/cache/irqcap}/bench/linux-<ver>   a tree of symlinks to
#       scripts/kunit.sh's extracted source (or to a fresh extraction of the
#       tarball when that is missing), with drivers/irqcap_bench/ added
#   .../bench/build-<ver>-um                              kunit.py's build dir
# Prints the suite's "bench:" lines and writes them to OUT/kunit-bench.txt.
# IRQCAP_BENCH_SRC=DIR takes the driver sources from DIR instead of src/
# (a patched copy, for before/after figures).
# usage: tests/bench/kunit-bench.sh OUTDIR
set -u -o pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
OUTDIR=${1:?usage: $0 OUTDIR}
CACHE=${IRQCAP_CACHE:-/var/cache/irqcap}
TARBALL=${IRQCAP_KUNIT_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
JOBS=${IRQCAP_JOBS:-2}
VER=$(basename "$TARBALL"); VER=${VER#linux-source-}; VER=${VER%%.tar*}
BASE=$CACHE/kunit/linux-$VER
TREE=$CACHE/bench/linux-$VER
BUILD=$CACHE/bench/build-$VER-um
log() { echo "# kunit-bench: $*" >&2; }
mkdir -p "$CACHE/bench" "$OUTDIR"
exec 9>"$CACHE/bench/.lock"
flock 9

if [ ! -f "$TREE/.irqcap-bench-tree" ]; then
	rm -rf "$TREE"
	if [ ! -x "$BASE/tools/testing/kunit/kunit.py" ]; then
		log "extracting $TARBALL"
		BASE=$CACHE/bench/src-$VER
		rm -rf "$BASE" && mkdir -p "$BASE"
		tar -xf "$TARBALL" -C "$BASE" --strip-components=1 || exit 1
	fi
	log "linking $BASE into $TREE"
	cp -as "$BASE" "$TREE" || exit 1
	rm -rf "$TREE/drivers/irqcap"
	# kunit.py finds the tree from its own real path: it must be a copy
	rm -rf "$TREE/tools/testing/kunit"
	cp -r "$BASE/tools/testing/kunit" "$TREE/tools/testing/kunit"
	for f in Makefile Kconfig; do
		rm -f "$TREE/drivers/$f"
		grep -v -e '^obj-y += irqcap/$' -e '^source "drivers/irqcap/Kconfig"$' \
			"$BASE/drivers/$f" >"$TREE/drivers/$f"
	done
	echo 'obj-y += irqcap_bench/' >>"$TREE/drivers/Makefile"
	echo 'source "drivers/irqcap_bench/Kconfig"' >>"$TREE/drivers/Kconfig"
	rm -f "$TREE/.irqcap-source"
	touch "$TREE/.irqcap-bench-tree"
fi

D=$TREE/drivers/irqcap_bench
mkdir -p "$D/src" "$D/kunit"
find "$D/src" "$D/kunit" -maxdepth 1 -type l -delete
SRC=$(cd "${IRQCAP_BENCH_SRC:-$REPO/src}" && pwd -P)
for f in "$SRC"/*.c "$SRC"/*.h; do
	case $f in *.mod.c) continue;; esac
	ln -s "$f" "$D/src/"
done
ln -sfn "$SRC/uapi" "$D/src/uapi"
ln -s "$REPO/kunit/irqcap_bench_test.c" "$D/kunit/"
ln -sfn "$REPO/tests/bench/kunit/Kconfig" "$D/Kconfig"
ln -sfn "$REPO/tests/bench/kunit/Kbuild.tree" "$D/Makefile"
grep -E '^(irqcap-probe|ccflags-y)[[:space:]]*[+:]?=' "$SRC/Kbuild" >"$D/probes.mk.new"
cmp -s "$D/probes.mk.new" "$D/probes.mk" || mv "$D/probes.mk.new" "$D/probes.mk"
rm -f "$D/probes.mk.new"

log "kunit.py run (UML, $JOBS jobs) in $BUILD"
(cd "$TREE" && python3 tools/testing/kunit/kunit.py run --build_dir="$BUILD" \
	--jobs="$JOBS" --kunitconfig="$REPO/tests/bench/kunit/bench.kunitconfig" \
	--timeout=600 --raw_output=kunit) >"$OUTDIR/kunit-bench.log" 2>&1
rc=$?
grep -a 'bench:' "$OUTDIR/kunit-bench.log" | sed 's/^.*bench: /bench: /' | tee "$OUTDIR/kunit-bench.txt"
[ -s "$OUTDIR/kunit-bench.txt" ] || { log "no bench lines (kunit.py exit $rc); see $OUTDIR/kunit-bench.log"; tail -30 "$OUTDIR/kunit-bench.log" >&2; exit 1; }
exit 0
