#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# irqcap demo: one command (`make demo`) that installs what is missing, builds
# the module and the irqcap CLI, boots a QEMU "board" (Debian's kernel, two
# irqcap devices declared by ACPI firmware, QEMU's pc-testdev as the interrupt
# source), raises a recognisable interrupt pattern and shows `irqcap monitor`
# and `irqcap stats` live, then powers the board off.
#
# usage: scripts/demo.sh [--kernel VMLINUZ] [--no-install] [--keep DIR]
#
# Nothing is cached: the initramfs takes about a second to build.
# Reuses tests/lib/qemu.sh and tests/ssdt.asl (the integration board) when
# they exist, with a built-in equivalent otherwise.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kernel= install=1 keep=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2;;
	--no-install) install=0; shift;;
	--keep) keep=$2; shift 2;;
	-h|--help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
	*) echo "usage: $0 [--kernel VMLINUZ] [--no-install] [--keep DIR]" >&2; exit 2;;
	esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

# ---- 1. packages -------------------------------------------------------------
[ "$(uname -m)" = x86_64 ] || die "the demo board is an x86_64 QEMU machine; run it on an x86_64 host"
# The list is scripts/deps.sh's "demo" set (the same list `make test` and CI use).
if [ "$install" = 1 ]; then
	"$top/scripts/deps.sh" demo || die "could not install the demo's packages"
else
	"$top/scripts/deps.sh" --check demo ||
		die "run without --no-install, or: scripts/deps.sh demo"
fi

# ---- 2. shared QEMU pieces -----------------------------------------------------
. "$top/tests/lib/qemu.sh"

# ---- 3. kernel, module, CLI ----------------------------------------------------
if [ -z "$kernel" ]; then
	kernel=$(irqcap_default_kernel 2>/dev/null || true)
	if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
		kernel=/boot/vmlinuz-$(uname -r)
	fi
fi
[ -r "$kernel" ] || die "cannot read kernel image $kernel (Ubuntu keeps /boot/vmlinuz-* root-only: run as root, or pass --kernel)"
kver=${kernel##*/vmlinuz-}
kdir=/lib/modules/$kver/build
[ -d "$kdir" ] || kdir=/usr/src/linux-headers-$kver
[ -d "$kdir" ] || die "no headers for $kver in $kdir (install linux-headers-$kver)"

ko=$top/src/irqcap.ko
stale=1
if [ -f "$ko" ] && modinfo -F vermagic "$ko" 2>/dev/null | grep -q "^$kver "; then
	stale=0
	for f in "$top"/src/*.c "$top"/src/*.h "$top"/src/uapi/*.h "$top"/src/Kbuild; do
		[ "$f" -nt "$ko" ] && stale=1
	done
fi
if [ "$stale" = 1 ]; then
	say "building irqcap.ko for $kver"
	make -s -C "$top" KDIR="$kdir" -j2 modules
fi
say "building the irqcap CLI (static, for the guest) and the pc-testdev helper"
make -s -C "$top/tools" static raise

work=${keep:-$(mktemp -d)}
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/bin"

# The board: tests/ssdt.asl, the one the integration tests boot.
asl=$top/tests/ssdt.asl
irqcap_build_ssdt "$asl" "$work/ssdt.aml" || die "iasl failed on $asl"

cp "$ko" "$work/root/irqcap.ko"
cp "$top/tools/irqcap-static" "$work/root/bin/irqcap"
cp "$top/tools/tests/pc-testdev-raise" "$work/root/bin/raise"
install -m 755 "$top/tests/guest/demo-init.sh" "$work/root/init"
irqcap_build_initramfs "$work/root" "$work/initrd.gz" || die "could not build the initramfs"

say "booting the QEMU board (${kernel##*/}, TCG: takes a few seconds)"
log=$work/console.log
: >"$log"
irqcap_qemu x86_64 --kernel "$kernel" --initrd "$work/initrd.gz" --ssdt "$work/ssdt.aml" \
	--timeout 300 --log "$log" --bg
qpid=$IRQCAP_QEMU_PID
# live view of the console, without firmware/boot noise and the harness's "=== " lines
tail -n +1 -f --pid=$qpid "$log" | sed -u -e 's/\r$//' -e '/### The board is up/,$!d' \
	-e '/^\[ *[0-9.]*\] /d' -e '/^=== /d'

wait $qpid || true
grep -q "Powering the board off" "$log" || die "the board did not finish the demo (console log: $log)"
say "demo finished"
