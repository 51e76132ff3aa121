#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel matrix: build irqcap with W=1 against every target kernel (in a chroot
# of that kernel's suite, so the compiler matches), boot that kernel in QEMU
# with the integration suite, run KUnit where possible, and print
#
#   kernel  version  build  warnings  integration  kunit  time
#
# ending with "N passed, N failed" (rows); exits non-zero when any row fails.
#
# Usage: scripts/matrix.sh [--kernels 6.1,6.1-threadirqs,6.1-rt,6.12,6.12-rt,7.2,7.3-rc,armhf]
#                          [--tree DIR | --worktree] [--build-only] [--no-kunit]
#                          [--logs DIR] [--list]
#   --kernels     rows to run (default: all)
#   (default)     build what is committed: git archive HEAD of this checkout
#   --worktree    build this checkout's work tree instead (rsync, no outputs)
#   --tree DIR    build another source tree (e.g. a scratch copy with a change)
#   --build-only  build rows only; the integration column reads "skipped" and
#                 does not fail the row
#   --no-kunit    do not try KUnit rows
#   --logs DIR    where per-row logs go (default $IRQCAP_CACHE/matrix/runs/<time>)
#   --list        print the rows with the exact kernel versions and exit
#
# Caches (chroots, unpacked headers and images) live under
# ${IRQCAP_CACHE:-/var/cache/irqcap}/matrix/ and are reused; see docs/matrix.md.
set -u
# The whole script is one block, parsed before it runs: editing this file
# while a (long) run is going cannot change what that run does.
{
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/suites.sh
. "$top/scripts/lib/suites.sh"

kernels=$KERNELS_ALL source_mode=head tree='' build_only=0 kunit=1 logs='' list=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=$(echo "$2" | tr ',' ' '); shift ;;
	--kernels=*) kernels=$(echo "${1#*=}" | tr ',' ' ') ;;
	--tree) source_mode=tree; tree=$(cd "$2" && pwd) || exit 2; shift ;;
	--worktree) source_mode=tree; tree=$top ;;
	--build-only) build_only=1 ;;
	--no-kunit) kunit=0 ;;
	--logs) logs=$2; shift ;;
	--list) list=1 ;;
	-h|--help) sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "matrix: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
for k in $kernels; do
	case " $KERNELS_ALL " in *" $k "*) ;; *) echo "matrix: unknown kernel '$k' (known: $KERNELS_ALL)" >&2; exit 2 ;; esac
done
[ "$(id -u)" = 0 ] || { echo "matrix: needs root (debootstrap, chroot)" >&2; exit 2; }

if [ "$list" = 1 ]; then
	for k in $kernels; do
		if kernel_setup "$k" 2>/dev/null; then
			printf '%-15s %-18s %-28s %s%s\n' "$k" "$KSET_VERSION" "$KSET_ABI" "$KSET_IMAGE" "${KSET_APPEND:+ (booted with $KSET_APPEND)}"
		else
			printf '%-15s %s\n' "$k" "(set-up failed)"
		fi
	done
	exit 0
fi

logs=${logs:-$SUITES_CACHE/runs/$(date -u +%Y%m%dT%H%M%SZ)-$$}
mkdir -p "$logs"
ln -sfn "$logs" "$SUITES_CACHE/runs/latest" 2>/dev/null || true
work=$(mktemp -d /tmp/irqcap-matrix.XXXXXX)
scratch_dirs=()
cleanup() {
	rm -rf "$work"
	local d
	for d in "${scratch_dirs[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Put a clean copy of the sources in $1 (never build in the shared tree).
copy_tree() {
	mkdir -p "$1"
	if [ "$source_mode" = head ]; then
		git -C "$top" archive HEAD | tar -x -C "$1"
	else
		rsync -a --exclude .git --exclude '*.o' --exclude '*.ko' --exclude '*.mod' \
			--exclude '*.mod.c' --exclude '.*.cmd' --exclude Module.symvers \
			--exclude modules.order --exclude '.tmp_versions' "$tree/" "$1/"
	fi
}

# KUnit: scripts/kunit.sh (the KUnit engineer's) builds a kernel tree from a
# linux-source tarball and runs the suites under UML.  If it takes --source,
# give it each row's suite's linux-source; otherwise it can only do 6.1.
# It runs from a copy of the tree at a fixed path, in the KUnit suite's own
# cache ($IRQCAP_CACHE/kunit, flock-protected by kunit.sh): the 6.1 row then
# reuses the kernel objects of `scripts/kunit.sh` (test.sh --full runs it
# first) instead of building the same UML kernel again in a cache of its own
# (750 s of the 6.1 row's 930 s in a cold CI run); a change of checkout only
# rebuilds drivers/irqcap.
kunit_mode() {
	local ks=$1/scripts/kunit.sh
	[ "$kunit" = 1 ] || { echo "off"; return; }
	[ -x "$ks" ] || { echo "none"; return; }
	if "$ks" --help 2>&1 | grep -q -- '--source'; then
		echo "source"
	else
		echo "6.1-only"
	fi
}

# run_kunit ROW TREE [TARBALL]: sets R_KUNIT/R_OK/R_WHY for the row.
run_kunit() {
	local k=$1 from=$2 tarball=${3:-} kt=$SUITES_CACHE/kunit/tree krc last p f
	mkdir -p "$kt"
	rsync -a --delete --exclude .git --exclude '*.o' --exclude '*.ko' "$from/" "$kt/"
	echo "== $k: KUnit (scripts/kunit.sh${tarball:+ --source ${tarball##*/}})" >&2
	(cd "$kt" && IRQCAP_CACHE=$IRQCAP_CACHE timeout 2400 scripts/kunit.sh \
		${tarball:+--source "$tarball"}) >"$log.kunit.log" 2>&1
	krc=$?
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log.kunit.log" | tail -n 1)
	if [ -n "$last" ]; then
		p=${last%% passed*}; f=${last#*, }; f=${f%% failed*}
		R_KUNIT[$k]="$p/$((p + f))"
	else
		R_KUNIT[$k]="no result"
	fi
	if [ $krc -ne 0 ] || [ -z "$last" ]; then
		R_OK[$k]=0
		[ $krc = 124 ] && R_KUNIT[$k]=timeout
		R_WHY[$k]="${R_WHY[$k]:+${R_WHY[$k]}
}KUnit failed (exit $krc): $(grep -E 'ERROR|error:|FAILED|not ok' "$log.kunit.log" | head -n 8)
  last lines: $(tail -n 3 "$log.kunit.log" | tr '\n' '|')"
	fi
}

# A readable hint for "this kernel lacks that API" errors: which change it is
# and where the shim goes.  From the API drift notes (6.1 -> 7.x).
api_hint() { # NAME
	case $1 in
	del_timer|del_timer_sync|try_to_del_timer_sync)
		echo "$1() was removed in 6.15: call timer_delete*() (src/irqcap_compat.h maps it for kernels without it)" ;;
	from_timer) echo "from_timer() was removed in 6.16: use timer_container_of() (compat defines it for older kernels)" ;;
	timer_container_of) echo "timer_container_of() only exists from 6.16: define it from from_timer() in src/irqcap_compat.h" ;;
	timer_delete|timer_delete_sync|timer_shutdown|timer_shutdown_sync)
		echo "$1() exists from 6.2 (and in late 6.1.y): map it to del_timer*() in src/irqcap_compat.h where it is missing" ;;
	hrtimer_init) echo "hrtimer_init() was removed in 6.15: use hrtimer_setup() with an inline shim for < 6.13" ;;
	hrtimer_setup) echo "hrtimer_setup() exists from 6.13: shim it with hrtimer_init() + .function in src/irqcap_compat.h" ;;
	system_bh_wq|system_bh_highpri_wq|WQ_BH) echo "$1 exists from 6.9 (BH workqueues): use a tasklet below (IRQCAP_HAVE_BH_WQ)" ;;
	disable_work|disable_work_sync|enable_work|from_work) echo "$1 exists from 6.10: gate it in src/irqcap_compat.h" ;;
	system_percpu_wq|system_dfl_wq|WQ_PERCPU) echo "$1 exists from 6.17: fall back to system_wq/system_unbound_wq in src/irqcap_compat.h" ;;
	no_llseek) echo "no_llseek was removed in 6.12: leave .llseek out and call stream_open()" ;;
	guard|scoped_guard) echo "cleanup.h guards exist from 6.5: not in 6.1" ;;
	*) echo "$1 is not declared by this kernel's headers: put the difference in src/irqcap_compat.h (probe the feature, not the version)" ;;
	esac
}

declare -A R_VER R_BUILD R_WARN R_INT R_KUNIT R_TIME R_OK R_WHY
passed=0 failed=0
src_desc=$([ "$source_mode" = head ] && echo "HEAD $(git -C "$top" rev-parse --short HEAD)" || echo "tree $tree")
echo "irqcap kernel matrix: $src_desc; rows: $kernels; logs: $logs"

for k in $kernels; do
	t0=$(date +%s)
	R_VER[$k]='?' R_BUILD[$k]=- R_WARN[$k]=- R_INT[$k]=- R_KUNIT[$k]=- R_OK[$k]=1 R_WHY[$k]=''
	log=$logs/$k
	echo "== $k: set-up" >&2
	if ! kernel_setup "$k" >"$log.setup.log" 2>&1; then
		R_BUILD[$k]=SETUP-FAIL R_OK[$k]=0 R_WHY[$k]="set-up failed: $(tail -n 3 "$log.setup.log" | tr '\n' ' ')"
		R_TIME[$k]=$(( $(date +%s) - t0 ))s; failed=$((failed + 1)); continue
	fi
	R_VER[$k]="$KSET_VERSION"

	# --- build, W=1, in the suite's chroot (host for bookworm rows)
	echo "== $k: build against $KSET_ABI" >&2
	if [ -n "$KSET_CHROOT" ]; then
		rel=/tmp/irqcap-build.$$.$k
		dir=$KSET_CHROOT$rel
		scratch_dirs+=("$dir")
	else
		rel=$work/$k/irqcap dir=$rel
	fi
	rm -rf "$dir"; copy_tree "$dir"
	cmd="cd $rel && make KDIR=$KSET_KDIR $KSET_MAKEARGS W=1 -j2 modules"
	if [ -n "$KSET_CHROOT" ]; then
		suite_chroot_run "$KSET_CHROOT" "$cmd" >"$log.build.log" 2>&1
	else
		sh -c "$cmd" >"$log.build.log" 2>&1
	fi
	brc=$?
	nwarn=$(grep -cE '(^|[^A-Za-z])(warning|WARNING):' "$log.build.log")
	R_WARN[$k]=$nwarn
	if [ $brc -ne 0 ] || [ ! -f "$dir/src/irqcap.ko" ]; then
		R_BUILD[$k]=FAIL R_OK[$k]=0
		R_WHY[$k]="build failed (make exit $brc):
$(grep -E 'error:|Error [0-9]|undefined!|ERROR:' "$log.build.log" | head -n 12)"
		for sym in $(sed -nE -e "s/.*implicit declaration of function (‘|'|\")([A-Za-z_0-9]+).*/\\2/p" \
			-e "s/.*(‘|'|\")([A-Za-z_0-9]+)(’|'|\") undeclared.*/\\2/p" \
			-e "s/.*\"([A-Za-z_0-9]+)\" \[.*undefined!.*/\\1/p" "$log.build.log" | sort -u); do
			R_WHY[$k]="${R_WHY[$k]}
hint: $(api_hint "$sym")"
		done
	else
		vm=$(modinfo -F vermagic "$dir/src/irqcap.ko" 2>/dev/null | awk '{print $1}')
		if [ "$vm" != "$KSET_ABI" ]; then
			R_BUILD[$k]=VERMAGIC R_OK[$k]=0 R_WHY[$k]="vermagic '$vm' is not '$KSET_ABI'"
		else
			R_BUILD[$k]=ok
		fi
		mkdir -p "$work/$k"; cp "$dir/src/irqcap.ko" "$work/$k/irqcap.ko"
		cp "$dir/src/irqcap.ko" "$log.irqcap.ko"
	fi
	if [ "$nwarn" -gt 0 ]; then
		R_OK[$k]=0
		R_WHY[$k]="${R_WHY[$k]:+${R_WHY[$k]}
}W=1 warnings (fail the row):
$(grep -E '(^|[^A-Za-z])(warning|WARNING):' "$log.build.log" | head -n 12)"
	fi

	# --- integration: boot this kernel in QEMU with the module just built.
	# The harness runs from the scratch copy (its tests/ match the sources).
	if [ "$build_only" = 1 ]; then
		R_INT[$k]=skipped
	elif [ "$KSET_BOOT" = 0 ]; then
		R_INT[$k]="build row"	# armhf: booted by scripts/dt-gpio-test.sh --arch armhf
	elif [ "${R_BUILD[$k]}" != ok ]; then
		R_INT[$k]="no module"
	elif [ ! -x "$dir/tests/run-integration.sh" ]; then
		R_INT[$k]="no harness" R_OK[$k]=0
		R_WHY[$k]="${R_WHY[$k]:+${R_WHY[$k]}
}tests/run-integration.sh is missing from the tree (use --build-only to skip the boot)"
	else
		echo "== $k: boot $KSET_IMAGE in QEMU (integration suite)" >&2
		hdir=$work/$k/harness
		rm -rf "$hdir"; copy_tree "$hdir"
		(cd "$hdir" && timeout 900 tests/run-integration.sh --kernel "$KSET_IMAGE" \
			--module "$work/$k/irqcap.ko" ${KSET_APPEND:+--append "$KSET_APPEND"}) \
			>"$log.integration.log" 2>&1
		irc=$?
		last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log.integration.log" | tail -n 1)
		if [ -n "$last" ]; then
			p=${last%% passed*}; f=${last#*, }; f=${f%% failed*}
			R_INT[$k]="$p/$((p + f))"
		else
			R_INT[$k]="no result"
		fi
		if [ $irc -ne 0 ] || [ -z "$last" ] || [ "${f:-1}" != 0 ]; then
			R_OK[$k]=0
			[ $irc = 124 ] && R_INT[$k]="timeout"
			R_WHY[$k]="${R_WHY[$k]:+${R_WHY[$k]}
}integration failed (exit $irc): $(grep -E '^(not ok|FAIL)' "$log.integration.log" | head -n 8)
  last lines: $(tail -n 4 "$log.integration.log" | tr '\n' '|')"
		fi
	fi

	# --- KUnit (UML; not for the -rt and -threadirqs rows: the same
	# linux-source as their base row, and UML is neither RT nor threadirqs)
	km=$(kunit_mode "$dir")
	case $km in
	off) R_KUNIT[$k]=off ;;
	none) R_KUNIT[$k]="n/a" ;;
	*)
		if [ "$KSET_BOOT" = 0 ]; then
			R_KUNIT[$k]="n/a"	# KUnit runs under UML: the 6.1 row's
		elif [ "$k" != "${k%-rt}" ] || [ "$k" != "${k%-threadirqs}" ]; then
			R_KUNIT[$k]="= ${k%-*}"
		elif [ "$km" = 6.1-only ] && [ "$k" != 6.1 ]; then
			R_KUNIT[$k]="n/a"
		elif [ "$km" = 6.1-only ]; then
			run_kunit "$k" "$dir"
		elif tarball=$(kernel_source_tarball 2>>"$log.setup.log"); then
			run_kunit "$k" "$dir" "$tarball"
		else
			R_KUNIT[$k]="no source" R_OK[$k]=0
			R_WHY[$k]="${R_WHY[$k]:+${R_WHY[$k]}
}KUnit: cannot get $KSET_SRCPKG (see $log.setup.log)"
		fi ;;
	esac

	rm -rf "$dir" "$work/$k/harness"
	R_TIME[$k]=$(( $(date +%s) - t0 ))s
	if [ "${R_OK[$k]}" = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

echo
printf '%-15s %-18s %-10s %-9s %-12s %-10s %-6s %s\n' kernel version build warnings integration kunit time result
for k in $kernels; do
	printf '%-15s %-18s %-10s %-9s %-12s %-10s %-6s %s\n' "$k" "${R_VER[$k]}" "${R_BUILD[$k]}" \
		"${R_WARN[$k]}" "${R_INT[$k]}" "${R_KUNIT[$k]}" "${R_TIME[$k]}" \
		"$([ "${R_OK[$k]}" = 1 ] && echo PASS || echo FAIL)"
done
for k in $kernels; do
	[ "${R_OK[$k]}" = 1 ] && continue
	echo
	echo "--- $k (${R_VER[$k]}) FAILED; logs: $logs/$k.*.log"
	echo "${R_WHY[$k]}" | sed 's/^/  /'
done
echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
exit
}
