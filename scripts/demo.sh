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
cat >"$work/root/init" <<'GUEST'
#!/bin/sh
# The demo, running inside the QEMU board.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
B=$(printf '\033[1m') N=$(printf '\033[0m')
step() { printf '\n%s### %s%s\n' "$B" "$*" "$N"; }
txt() { printf '%s\n' "$@"; }
run() { printf '%s$ %s%s\n' "$B" "$*" "$N"; "$@"; }

step "The board is up (kernel $(uname -r)). Loading the irqcap driver."
txt "Firmware (an ACPI table, the x86 cousin of a Device Tree) declares two" \
    "capture devices, on interrupt lines 5 and 7. QEMU's pc-testdev device lets" \
    "us wiggle those lines from software: each wiggle is one real interrupt."
run insmod /irqcap.ko
sleep 1
run irqcap list
txt "" \
    "  DEVICE         /dev node a program reads events from" \
    "  IRQ            Linux interrupt number the device listens to" \
    "  BOTTOM_HALF    where captured events are handed to readers (threaded = IRQ thread)" \
    "  RING           how many events the device buffers for a slow reader" \
    "  RATE/s, AVG/s  events per second (last second, smoothed)" \
    "  EVENTS         events delivered so far; DROPPED: lost by readers that fell behind" \
    "  FIRMWARE_NODE  where the device was declared (ACPI path, platform device)"

step "Settings: report silence after 500 ms on irqcap0 and 300 ms on irqcap1."
run irqcap set irqcap0 idle_timeout_ms 500
run irqcap set irqcap1 idle_timeout_ms 300

step "Watching both devices live. The pattern:"
txt "  1. irqcap0: a burst of 20 interrupts at 50 Hz (one every 20 ms)" \
    "  2. silence for 1.5 s: after 500 ms irqcap0 reports an idle timeout" \
    "  3. irqcap1: 10 interrupts at 10 Hz (one every 100 ms), then its idle timeout" \
    "Columns: DEVICE; TIMESTAMP_S = when the interrupt hit, seconds since boot" \
    "(CLOCK_MONOTONIC, taken in the interrupt handler itself); SEQNO = the" \
    "device's interrupt counter; TYPE; INTERVAL_S = time since that device's" \
    "previous interrupt (about +0.020 s, then +0.100 s); NOTE = anything unusual."
printf '%s$ irqcap monitor irqcap0 irqcap1 &%s\n' "$B" "$N"
irqcap monitor irqcap0 irqcap1 &
mon=$!
sleep 1
raise 5 20 20000
sleep 1.5
raise 7 10 100000
sleep 1
txt "Stopping the monitor: it prints a summary per device (on stderr)."
kill -INT $mon
wait $mon

ring=$(cat /sys/class/misc/irqcap0/device/ring_size)
burst=$((ring + 100))
step "Losing events on purpose: a reader that stops reading."
txt "A new monitor on irqcap0 is frozen (SIGSTOP) while $burst interrupts arrive" \
    "(one every 0.5 ms), but irqcap0's ring holds only $ring events. The driver" \
    "never waits for a slow reader; it tells the reader exactly how much it" \
    "missed instead: an 'overflow' record, then a seqno jump."
printf '%s$ irqcap monitor irqcap0 --count 4%s\n' "$B" "$N"
irqcap monitor irqcap0 --count 4 --no-header &
mon=$!
sleep 0.5
kill -STOP $mon
raise 5 $burst 500
kill -CONT $mon
wait $mon

step "Counters and latency histograms for irqcap0"
run irqcap stats irqcap0
txt "" \
    "irqs_seen counts every hardware interrupt; events_committed the ones" \
    "delivered; dropped what slow readers lost (the overflow above). The histograms" \
    "(from debugfs) show how long each interrupt took to reach a reader;" \
    "this board is an emulated CPU, so expect tens to hundreds of microseconds."

step "For scripts: one JSON object per event (CSV works too: --format csv)"
printf '%s$ irqcap monitor irqcap1 --format json --count 3%s\n' "$B" "$N"
irqcap monitor irqcap1 --format json --count 3 --timeout 10 2>/dev/null &
mon=$!
sleep 0.5
raise 7 3 50000
wait $mon
txt "(interval_ns is null for the first event a reader sees; lost and seq_gap" \
    "count what went missing; data is the idle time, lost count or marker value)"

step "Done. Powering the board off."
poweroff -f
GUEST
chmod 755 "$work/root/init"
irqcap_build_initramfs "$work/root" "$work/initrd.gz" || die "could not build the initramfs"

say "booting the QEMU board (${kernel##*/}, TCG: takes a few seconds)"
log=$work/console.log
: >"$log"
irqcap_boot "$kernel" "$work/initrd.gz" "$work/ssdt.aml" "$log" 300 &
qpid=$!
# live view of the console, without firmware/boot noise
tail -n +1 -f --pid=$qpid "$log" | sed -u -e 's/\r$//' -e '/### The board is up/,$!d' \
	-e '/^\[ *[0-9.]*\] /d'

wait $qpid || true
grep -q "Powering the board off" "$log" || die "the board did not finish the demo (console log: $log)"
say "demo finished"
