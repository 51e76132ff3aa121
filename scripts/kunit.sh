#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run irqcap's KUnit suites with kunit.py in a cached kernel tree.
#
#   scripts/kunit.sh [--arch um|x86_64] [--all] [--no-driver] [--selfcheck]
#                    [--source TARBALL] [--timeout S] [FILTER_GLOB]
#
# Extracts linux-source (default /usr/src/linux-source-6.1.tar.xz) once into
# ${IRQCAP_CACHE:-/var/cache/irqcap}/kunit/, links src/ and kunit/ into it as
# drivers/irqcap/, and runs tools/testing/kunit/kunit.py there with the
# kunitconfigs in kunit/.  Default: UML.  --all: UML, then x86_64 under QEMU
# with 2 CPUs, lockdep, DEBUG_ATOMIC_SLEEP and KASAN (any splat fails).
# Prints the KTAP of each run and ends with "N passed, N failed" (leaf test
# cases summed over the configurations); exits non-zero on any failure or
# when no test ran.  See docs/kunit.md.

set -u -o pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CACHE=${IRQCAP_CACHE:-/var/cache/irqcap}/kunit
TARBALL=${IRQCAP_KUNIT_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
JOBS=${IRQCAP_JOBS:-2}
ARCHES=(um)
DRIVER=auto
SELFCHECK=0
TIMEOUT=
FILTER=

usage() {
	sed -n '4,16s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--arch) ARCHES=("${2:?--arch needs um or x86_64}"); shift ;;
	--arch=*) ARCHES=("${1#--arch=}") ;;
	--all) ARCHES=(um x86_64) ;;
	--no-driver) DRIVER=no ;;
	--driver) DRIVER=yes ;;
	--selfcheck) SELFCHECK=1 ;;
	--source) TARBALL=${2:?--source needs a tarball}; shift ;;
	--source=*) TARBALL=${1#--source=} ;;
	--timeout) TIMEOUT=${2:?}; shift ;;
	--timeout=*) TIMEOUT=${1#--timeout=} ;;
	-h|--help) usage 0 ;;
	-*) echo "kunit.sh: unknown option $1" >&2; usage 2 >&2 ;;
	*) FILTER=$1 ;;
	esac
	shift
done

for a in "${ARCHES[@]}"; do
	case $a in
	um|x86_64) ;;
	*) echo "kunit.sh: unsupported arch '$a' (um, x86_64)" >&2; exit 2 ;;
	esac
done

log() { echo "# kunit.sh: $*" >&2; }
die() { log "$*"; echo "0 passed, 1 failed"; exit 1; }

# The driver-core suite needs the driver's sources; the pure suites never do.
if [ "$DRIVER" = auto ]; then
	if ls "$REPO"/src/irqcap_main.c >/dev/null 2>&1; then
		DRIVER=yes
	else
		DRIVER=no
	fi
fi

[ -r "$TARBALL" ] || die "no kernel source at $TARBALL (apt-get install linux-source-6.1)"
VER=$(basename "$TARBALL")
VER=${VER#linux-source-}
VER=${VER%%.tar*}
KSRC=$CACHE/linux-$VER
OUT=${IRQCAP_KUNIT_OUT:-$CACHE/results}
mkdir -p "$CACHE" "$OUT" || die "cannot create $CACHE"

# One run at a time per cache: the tree and build directories are shared.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	log "waiting for another kunit.sh run to finish ($CACHE/.lock)"
	flock 9
fi

# --- kernel tree: extract once, reuse -----------------------------------
stamp="$(stat -c '%s %Y' "$TARBALL") $TARBALL"
if [ "$(cat "$KSRC/.irqcap-source" 2>/dev/null)" != "$stamp" ]; then
	log "extracting $TARBALL into $KSRC"
	tmp=$(mktemp -d "$CACHE/.extract.XXXXXX") || die "mktemp failed"
	tar -xf "$TARBALL" -C "$tmp" || { rm -rf "$tmp"; die "cannot extract $TARBALL"; }
	top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
	[ -x "$top/tools/testing/kunit/kunit.py" ] || {
		rm -rf "$tmp"; die "$TARBALL has no tools/testing/kunit/kunit.py"; }
	rm -rf "$KSRC"
	mv "$top" "$KSRC" && rm -rf "$tmp"
	echo "$stamp" > "$KSRC/.irqcap-source"
fi

# --- link src/ and kunit/ in as drivers/irqcap/ ---------------------------
# File by file, so that objects of a module build left in the checkout's
# src/ are never seen by the kernel build (make would find them by VPATH).
D=$KSRC/drivers/irqcap
link_files() {		# link_files FROM TO: mirror *.c *.h (and uapi/)
	local from=$1 to=$2 f
	mkdir -p "$to"
	find "$to" -maxdepth 1 -type l -delete
	for f in "$from"/*.c "$from"/*.h "$from"/Kconfig "$from"/*.kunitconfig \
		 "$from"/Kbuild.tree; do
		[ -e "$f" ] && ln -s "$f" "$to/"
	done
	[ -d "$from/uapi" ] && ln -s "$from/uapi" "$to/uapi"
	return 0
}
mkdir -p "$D"
[ -L "$D/src" ] && rm -f "$D/src"
[ -L "$D/kunit" ] && rm -f "$D/kunit"
link_files "$REPO/src" "$D/src"
link_files "$REPO/kunit" "$D/kunit"
# src/Kbuild's feature probes (irqcap-probe and the ccflags-y using it)
grep -E '^(irqcap-probe|ccflags-y)[[:space:]]*[+:]?=' "$REPO/src/Kbuild" \
	> "$D/probes.mk.new" 2>/dev/null
cmp -s "$D/probes.mk.new" "$D/probes.mk" || mv "$D/probes.mk.new" "$D/probes.mk"
rm -f "$D/probes.mk.new"
ln -sfn "$REPO/kunit/Kconfig" "$D/Kconfig"
ln -sfn "$REPO/kunit/Kbuild.tree" "$D/Makefile"
grep -qx 'obj-y += irqcap/' "$KSRC/drivers/Makefile" ||
	echo 'obj-y += irqcap/' >> "$KSRC/drivers/Makefile"
grep -qx 'source "drivers/irqcap/Kconfig"' "$KSRC/drivers/Kconfig" ||
	echo 'source "drivers/irqcap/Kconfig"' >> "$KSRC/drivers/Kconfig"

# Builds from another checkout: make sees the new files by mtime only.
if [ "$(cat "$CACHE/.repo" 2>/dev/null)" != "$REPO" ]; then
	for b in "$CACHE"/build-*; do
		[ -d "$b/drivers/irqcap" ] && rm -rf "$b/drivers/irqcap"
	done
	echo "$REPO" > "$CACHE/.repo"
fi

# Lines that mean the kernel complained, even if every test passed:
# irqcap_splat, the one detector of every suite.
# shellcheck source=../tests/lib/qemu.sh
. "$REPO/tests/lib/qemu.sh"

total_pass=0
total_fail=0
total_skip=0
summary=()

count_json() {
	python3 - "$1" <<'EOF'
import json, sys
c = {"PASS": 0, "FAIL": 0, "SKIP": 0, "ERROR": 0}
def walk(g):
    for t in g.get("test_cases", []):
        c[t.get("status", "FAIL")] = c.get(t.get("status", "FAIL"), 0) + 1
    for s in g.get("sub_groups", []):
        walk(s)
try:
    with open(sys.argv[1]) as f:
        walk(json.load(f))
except (OSError, ValueError):
    pass
print(c["PASS"], c["FAIL"] + c["ERROR"], c["SKIP"])
EOF
}

for arch in "${ARCHES[@]}"; do
	BUILD=$CACHE/build-$VER-$arch
	json=$OUT/kunit-$arch.json
	klog=$OUT/kunit-$arch.log
	rm -f "$json"
	args=(run --build_dir="$BUILD" --jobs="$JOBS" --json="$json"
	      --kunitconfig="$REPO/kunit/.kunitconfig")
	# UML 6.1 has a fixed table of 64 IRQ descriptors, all taken at boot:
	# irq_sim gets none, so the driver-core suite runs on x86_64 only.
	[ "$DRIVER" = yes ] && [ "$arch" != um ] &&
		args+=(--kunitconfig="$REPO/kunit/driver.kunitconfig")
	if [ "$arch" = x86_64 ]; then
		args+=(--arch=x86_64 --kunitconfig="$REPO/kunit/x86_64.kunitconfig"
		       --qemu_args="-smp 2" --timeout="${TIMEOUT:-900}")
	else
		args+=(--kunitconfig="$REPO/kunit/um.kunitconfig"
		       --timeout="${TIMEOUT:-600}")
	fi
	[ "$SELFCHECK" = 1 ] && args+=(--kconfig_add=CONFIG_IRQCAP_KUNIT_SELFCHECK=y)
	[ -n "$FILTER" ] && args+=("$FILTER")

	log "$arch: kunit.py ${args[*]}"
	start=$SECONDS
	(cd "$KSRC" && python3 tools/testing/kunit/kunit.py "${args[@]}") 2>&1 |
		tee "$klog" >&2
	rc=$?
	secs=$((SECONDS - start))

	# The raw KTAP, as the kernel printed it.
	if [ -s "$BUILD/test.log" ] && [ -s "$json" ]; then
		(cd "$KSRC" && python3 tools/testing/kunit/kunit.py parse \
			--raw_output=kunit "$BUILD/test.log")
	fi

	read -r p f s < <(count_json "$json")
	note=
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# build, config or boot failure: no failed test to show for it
		f=1
		note=" (kunit.py exit $rc, see $klog)"
	fi
	if [ -s "$BUILD/test.log" ] && [ -s "$json" ]; then
		splats=$(irqcap_splat <"$BUILD/test.log")
		if [ -n "$splats" ]; then
			log "$arch: the kernel log has a splat:"
			echo "$splats" | head -n 40 | sed 's/^/#   /' >&2
			f=$((f + 1))
			note="$note (kernel splat in $BUILD/test.log)"
		fi
	fi
	if [ $((p + f)) -eq 0 ]; then
		f=1
		note="$note (no test ran)"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	summary+=("$arch: $p passed, $f failed, $s skipped in ${secs}s$note")
done

for l in "${summary[@]}"; do
	echo "# $l"
done
[ "$total_skip" -gt 0 ] && echo "# $total_skip skipped (not counted)"
# the sum over the runs, after the kernel's own KTAP (scripts/test.sh reads the last one)
echo "# Totals: pass:$total_pass fail:$total_fail xfail:0 xpass:0 skip:$total_skip error:0"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
