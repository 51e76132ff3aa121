#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# dt-gpio-test.sh: prove irqcap's Device Tree + GPIO interrupt path on a real
# arm64 or 32-bit ARM (armhf) kernel.
#
# Cross-builds irqcap.ko with W=1 for Debian's 6.1 kernel of that architecture
# (arm64: the arm64 flavour; armhf: armmp), boots that kernel in
# qemu-system-aarch64 / qemu-system-arm -machine virt (TCG) with the board's own device tree
# (dumpdtb) minus the gpio-keys node plus an irqcap node on PL061 GPIO line 3,
# which QEMU pulses on every `system_powerdown` monitor command (the line goes
# high, then low 100 ms later).  It checks that the driver probed from DT, that
# every pulse arrives as exactly one timestamped event read from /dev/irqcap0
# (irqcap,trigger = "rising"; a second boot with "both" expects the rising and
# the falling edge), that rmmod is clean, and that the log has no WARN/BUG.
#
# Usage: scripts/dt-gpio-test.sh [--arch arm64|armhf] [--pulses N] [--module KO]
#                                 [--src DIR] [--smp N] [--no-both] [--type-none]
#                                 [--keep] [--workdir DIR]
#   --arch A     arm64 (default) or armhf
#   --pulses N   power-button pulses per boot (default 5)
#   --module KO  use this irqcap.ko (of that architecture) instead of cross-building
#   --src DIR    cross-build this driver source directory (default: src/)
#   --smp N      guest CPUs (default 1: the machine's 2 cores are shared)
#   --no-both    boot only once (gpios, rising); by default three more boots
#                follow: gpios with irqcap,trigger = "both" (two edges per
#                pulse, told apart by the line's level), "interrupts" on the
#                PL061 made an interrupt controller (the driver's first choice
#                of source), and that with irqcap,trigger = "both" (edges
#                unknown).  Every boot checks each IRQ record's edge.
#   --type-none  one more boot with interrupts = <3 IRQ_TYPE_NONE>: the node
#                must be refused or capture one edge per pulse, and the guest
#                must not lock up (before 0.1.0 the driver locked up here)
#   --suspend    two more boots: suspend to idle (echo freeze) with a reader
#                open; with wakeup-source the PL061 pulse wakes the guest
#                and the records are SUSPEND, RESUME, IRQ; without it the
#                pulse does not wake it and the RTC alarm (PL031) does
#   --suspend-only  only the suspend boots
#   --keep       keep the work directory (console logs, DTs, initramfs)
# Environment: IRQCAP_CACHE (default /var/cache/irqcap): kernel image, headers
# and busybox are cached under $IRQCAP_CACHE/<arch>/ and reused
# (foreign_kernel_setup in scripts/lib/suites.sh; for armhf also ARM's modpost).
# IRQCAP_ARM64_ABI, IRQCAP_ARMHF_ABI: kernel ABI to use (default: what Debian's
# linux-headers-arm64 / linux-headers-armmp points at, once; then the cached one).
#
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last; exits non-zero on
# any failure.

set -u
export LC_ALL=C

TOP=$(cd "$(dirname "$0")/.." && pwd)
ARCH=arm64
PULSES=5
MODULE=
SRC=$TOP/src
SMP=1
DO_BOTH=1
DO_TYPE_NONE=0
DO_SUSPEND=0
KEEP=0
WORK=
PY=/usr/bin/python3
BOOT_TIMEOUT=${IRQCAP_ARM64_BOOT_TIMEOUT:-180}
EVENT_TIMEOUT=15

while [ $# -gt 0 ]; do
	case "$1" in
	--arch) ARCH=$2; shift 2 ;;
	--pulses) PULSES=$2; shift 2 ;;
	--module) MODULE=$(readlink -f "$2"); shift 2 ;;
	--src) SRC=$(readlink -f "$2"); shift 2 ;;
	--smp) SMP=$2; shift 2 ;;
	--no-both) DO_BOTH=0; shift ;;
	--type-none) DO_TYPE_NONE=1; shift ;;
	--suspend) DO_SUSPEND=1; shift ;;
	--suspend-only) DO_SUSPEND=2; shift ;;
	--keep) KEEP=1; shift ;;
	--workdir) WORK=$2; shift 2 ;;
	-h|--help) sed -n '4,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "unknown argument: $1" >&2; exit 2 ;;
	esac
done

. "$TOP/scripts/lib/ktap.sh"
ktap_print_header
check() { # check DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then ktap_ok "$d"; else ktap_fail "$d"; fi
}
finish() {
	[ -n "${QPID:-}" ] && kill "$QPID" 2>/dev/null
	if [ "$KEEP" = 1 ] || [ "$KTAP_CNT_FAIL" -gt 0 ]; then
		echo "# work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	ktap_finished
	exit $?
}
abort() { ktap_fail "$*"; finish; }

case $ARCH in
arm64|armhf) ;;
*) echo "unknown --arch $ARCH (arm64 or armhf)" >&2; exit 2 ;;
esac
# shellcheck source=lib/suites.sh
. "$TOP/scripts/lib/suites.sh"
# shellcheck source=../tests/lib/qemu.sh
. "$TOP/tests/lib/qemu.sh"

T0=$(date +%s)
[ -n "$WORK" ] || WORK=$(mktemp -d "/tmp/irqcap-$ARCH.XXXXXX")
mkdir -p "$WORK"

# ---------------------------------------------------------------- host tools
# qemu-system-arm, both cross compilers, linux-source-6.1, bc, flex, bison,
# dtc, cpio, kmod, python3 and linux-kbuild-6.1: scripts/deps.sh's list.
"$TOP/scripts/deps.sh" full >"$WORK/apt-install.log" 2>&1 ||
	abort "host tools installed (scripts/deps.sh full; see $WORK/apt-install.log)"

# ------------------------------------- kernel, headers, busybox (cached)
foreign_kernel_setup "$ARCH" 2>"$WORK/fetch.log" ||
	{ sed 's/^/# /' "$WORK/fetch.log"; abort "$ARCH kernel set up (see $WORK/fetch.log)"; }
sed 's/^/# /' "$WORK/fetch.log"
ABI=$FK_ABI KIMG=$FK_IMAGE KDIR=$FK_KDIR BUSYBOX=$FK_BUSYBOX
check "$ARCH kernel $ABI ($FK_VERSION), headers and busybox cached in ${FK_ROOT%/*}" \
	test -s "$KIMG" -a -d "$KDIR" -a -x "$BUSYBOX"

# ------------------------------------------------------ module and reader
if [ -z "$MODULE" ]; then
	# build out of a scratch copy of src/ so other builds in the tree are
	# not disturbed (and leave no ARM objects behind)
	mkdir -p "$WORK/build/src/uapi"
	cp "$SRC"/*.[ch] "$SRC/Kbuild" "$WORK/build/src/"
	cp "$SRC"/uapi/*.h "$WORK/build/src/uapi/"
	# shellcheck disable=SC2086
	if nice -n 10 make -C "$KDIR" M="$WORK/build/src" $FK_MAKEARGS W=1 \
		-j2 modules >"$WORK/build.log" 2>&1; then
		MODULE=$WORK/build/src/irqcap.ko
	else
		grep -E 'error|FATAL' "$WORK/build.log" | head -20 | sed 's/^/# /'
		abort "irqcap.ko cross-built for $ARCH (see $WORK/build.log)"
	fi
	warnings=$(grep -E '(^|[^A-Za-z])(warning|WARNING):' "$WORK/build.log")
	check "W=1 build log has no warning${warnings:+ ($(echo "$warnings" | head -3))}" test -z "$warnings"
fi
vermagic=$(modinfo -F vermagic "$MODULE" 2>/dev/null)
# shellcheck disable=SC2053
vermagic_ok() { [[ $vermagic == "$ABI "$FK_VERMAGIC ]]; }
check "irqcap.ko built for $ABI (vermagic: $vermagic)" vermagic_ok
deps=$(modinfo -F depends "$MODULE" 2>/dev/null)
[ -z "$deps" ] || echo "# note: irqcap.ko depends on: $deps (loaded from the image's modules)"

READER=$WORK/dt-reader
check "guest reader built (static $ARCH, $FK_CC)" \
	"$FK_CC" -static -O2 -Wall -Wextra -Werror -I "$TOP/src" \
		-o "$READER" "$TOP/tests/guest/dt-reader.c" "$TOP/tools/lib/irqcap-stream.c"

# ----------------------------------------------------------- device tree
# The board (tests/lib/qemu.sh's irqcap_qemu): the same for the DT dump and
# the boots, so the dumped memory and cpu nodes are the booted machine's.
board() { irqcap_qemu "$ARCH" --smp "$SMP" "$@"; }
board --dumpdtb "$WORK/virt.dtb" --timeout 60 --log "$WORK/dumpdtb.log"
dtc -q -I dtb -O dts -o "$WORK/virt.dts" "$WORK/virt.dtb" 2>>"$WORK/dumpdtb.log"
PL061=/$(fdtget -l "$WORK/virt.dtb" / 2>/dev/null | grep -m1 '^pl061@')
check "QEMU virt DT dumped, PL061 controller at $PL061" \
	test "$PL061" != / -a -s "$WORK/virt.dts"

make_dt() { # make_dt VARIANT OUT.dtb
	# VARIANT rising|both: gpios = <pl061 3 0> with that irqcap,trigger;
	# VARIANT interrupts: the PL061 made an interrupt controller and the
	# node given interrupts = <3 IRQ_TYPE_EDGE_RISING> instead of a GPIO
	local node ctl='' extra=''
	case "$1" in
	interrupts|interrupts-both)
		ctl="&{$PL061} { interrupt-controller; #interrupt-cells = <2>; };"
		node="interrupt-parent = <&{$PL061}>;
				interrupts = <3 1>;	/* line 3, IRQ_TYPE_EDGE_RISING */"
		[ "$1" = interrupts-both ] && node="$node
				irqcap,trigger = \"both\";" ;;
	type-none)
		ctl="&{$PL061} { interrupt-controller; #interrupt-cells = <2>; };"
		node="interrupt-parent = <&{$PL061}>;
				interrupts = <3 0>;	/* line 3, IRQ_TYPE_NONE */" ;;
	wake|nowake)
		node="gpios = <&{$PL061} 3 0>;	/* line 3, GPIO_ACTIVE_HIGH */
				irqcap,trigger = \"rising\";"
		[ "$1" = wake ] && node="$node
				wakeup-source;" ;;
	*)
		node="gpios = <&{$PL061} 3 0>;	/* line 3, GPIO_ACTIVE_HIGH */
				irqcap,trigger = \"$1\";" ;;
	esac
	# the "both" boot also carries a node with a broken property: it must
	# fail to probe with a clear message and leave everything else alone
	[ "$1" = both ] && extra="event-capture-bad {
				compatible = \"irqcap,event-capture\";
				gpios = <&{$PL061} 4 0>;
				irqcap,ring-size = <1000>;
			};"
	{
		cat "$WORK/virt.dts"
		cat <<-EOF

		/* added by dt-gpio-test.sh */
		/delete-node/ &{/gpio-keys};

		$ctl

		/ {
			event-capture {
				compatible = "irqcap,event-capture";
				label = "powerbutton";
				$node
			};
			$extra
		};
		EOF
	} >"${2%.dtb}.dts"
	dtc -q -I dts -O dtb -o "$2" "${2%.dtb}.dts"
}
dt_ok() { # dt_ok DTB VARIANT: node present, on PL061 line 3, gpio-keys gone
	local ph
	ph=$(fdtget -t u "$1" "$PL061" phandle) || return 1
	[ "$(fdtget -t s "$1" /event-capture compatible)" = irqcap,event-capture ] || return 1
	fdtget -l "$1" / | grep -qx gpio-keys && return 1
	if [ "$2" = interrupts ] || [ "$2" = interrupts-both ] || [ "$2" = type-none ]; then
		local spec="3 1"
		[ "$2" = type-none ] && spec="3 0"
		[ "$2" != interrupts-both ] ||
			[ "$(fdtget -t s "$1" /event-capture irqcap,trigger)" = both ] || return 1
		[ "$(fdtget -t u "$1" /event-capture interrupt-parent)" = "$ph" ] &&
		[ "$(fdtget -t u "$1" /event-capture interrupts)" = "$spec" ]
	else
		[ "$(fdtget -t u "$1" /event-capture gpios)" = "$ph 3 0" ] &&
		[ "$(fdtget -t s "$1" /event-capture irqcap,trigger)" = "$2" ]
	fi
}

# ------------------------------------------------------------- initramfs
INITRD=$WORK/initrd.cpio.gz
mkdir -p "$WORK/initramfs"/{bin,usr/bin,usr/sbin}
cp "$MODULE" "$WORK/initramfs/irqcap.ko"
# also installed as the kernel would have it, so the guest can load it the way
# udev does, from the device's DT modalias (host depmod writes modules.alias)
mkdir -p "$WORK/initramfs/lib/modules/$ABI/extra"
cp "$MODULE" "$WORK/initramfs/lib/modules/$ABI/extra/irqcap.ko"
touch "$WORK/initramfs/lib/modules/$ABI/"{modules.order,modules.builtin,modules.builtin.modinfo}
depmod -b "$WORK/initramfs" "$ABI" 2>>"$WORK/depmod.log"
cp "$READER" "$WORK/initramfs/bin/reader"
install -m 755 "$TOP/tests/guest/dt-init.sh" "$WORK/initramfs/init"
mkdir -p "$WORK/initramfs/lib/irqcap"
cp "$TOP/tests/guest/dt-suspend.sh" "$WORK/initramfs/lib/irqcap/"
irqcap_build_initramfs "$WORK/initramfs" "$INITRD" "$BUSYBOX"
check "initramfs built (busybox, irqcap.ko, reader)" test -s "$INITRD"

# -------------------------------------------------------------------- boot
monitor() { irqcap_qemu_monitor "$MON" "$1"; } # monitor COMMAND
# A boot's own waits add up to at most this (boot, reader, pulses, done,
# power-off): QEMU's timeout only reaps a guest this script left behind.
QEMU_TIMEOUT=$((BOOT_TIMEOUT + 60 + PULSES * (EVENT_TIMEOUT + 2) + 120 + 30 + 300))
events() { # number of IRQ records printed so far
	grep -ao 'EVENT type=1 seq=[0-9]*' "$CONSOLE" | wc -l
}
wait_for() { # wait_for PATTERN SECONDS
	local end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$end" ]; do
		grep -aq -- "$1" "$CONSOLE" 2>/dev/null && return 0
		kill -0 "$QPID" 2>/dev/null || { grep -aq -- "$1" "$CONSOLE" 2>/dev/null; return; }
		sleep 0.2
	done
	return 1
}
wedged() { # the guest locked up or panicked: print the first sign
	tr -d '\r' <"$CONSOLE" 2>/dev/null |
		grep -aE -m1 'soft lockup|hard LOCKUP|Kernel panic|rcu: INFO|self-detected stall'
}
stop_guest() {
	kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
}
start_guest() { # start_guest DTB NAME PER_PULSE [APPEND]: boot in the background (QPID)
	# (NAME is not used any more: QEMU's messages are in the console log)
	rm -f "$CONSOLE" "$MON"
	board --dtb "$1" --kernel "$KIMG" --initrd "$INITRD" --monitor "$MON" \
		--append "irqcap_n=$PULSES irqcap_per=$3${4:+ $4}" --timeout "$QEMU_TIMEOUT" \
		--log "$CONSOLE" --bg
	QPID=$IRQCAP_QEMU_PID
}
field() { # field TAG: the text after "=== TAG " in the console
	grep -a "^=== $1" "$CONSOLE" | head -1 | sed "s/^=== $1 *//" | tr -d '\r'
}

source_ok() { # source_ok SOURCE_LINE WANT_ERE VARIANT CHIP: and CHIP is a GPIO chip's label
	echo "$1" | grep -Eqx "$2" && { [ "${3%-both}" = interrupts ] || field CHIPLABELS | grep -qw "$4"; }
}

run_boot() { # run_boot TRIGGER PER_PULSE
	local trig=$1 per=$2 tag="[$1]" i n want t_boot dtb=$WORK/test-$1.dtb
	CONSOLE=$WORK/console-$trig.log
	MON=$WORK/mon-$trig.sock
	make_dt "$trig" "$dtb"
	check "$tag DT = QEMU's own + event-capture on PL061 line 3, gpio-keys removed" dt_ok "$dtb" "$trig"
	if command -v dt-validate >/dev/null && command -v dt-mk-schema >/dev/null; then
		# the test's node must satisfy the binding; the deliberately broken
		# one must not
		[ -s "$WORK/schema.json" ] || {
			mkdir -p "$WORK/schema" && cp "$TOP/dts/irqcap,event-capture.yaml" "$WORK/schema/" &&
			dt-mk-schema -j "$WORK/schema" -o "$WORK/schema.json" 2>/dev/null; }
		local v
		v=$(dt-validate -l irqcap -s "$WORK/schema.json" "$dtb" 2>&1 | grep -v '^[[:space:]]')
		if [ "$trig" = both ]; then
			check "$tag dt-validate: event-capture valid, event-capture-bad rejected" \
				eval "! echo \"\$v\" | grep -q ' event-capture: ' &&
				      echo \"\$v\" | grep -q 'event-capture-bad: irqcap,ring-size'"
		else
			check "$tag dt-validate: the event-capture node satisfies the binding${v:+ ($v)}" test -z "$v"
		fi
	fi
	t_boot=$(date +%s.%N)
	# the "interrupts" boot reads through the mapped ring and the reader
	# page: on armhf, a 32-bit kernel's positions
	local mm=''
	[ "$trig" = interrupts ] && mm=irqcap_mmap=1
	start_guest "$dtb" "$trig" "$per" "$mm"
	if ! wait_for '=== guest up' "$BOOT_TIMEOUT"; then
		ktap_fail "$tag guest booted to /init"
		kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
		return
	fi
	ktap_ok "$tag guest booted to /init in $(awk -v a="$t_boot" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
	wait_for '=== READER rc=\|READER READY' 60
	local dt_trig=$trig
	[ "$trig" = interrupts ] && dt_trig=none
	[ "$trig" = interrupts-both ] && dt_trig=both
	check "$tag DT node seen by the kernel ($(field DT))" \
		test "$(field DT)" = "compatible=irqcap,event-capture trigger=$dt_trig"
	check "$tag module loaded by modprobe of the node's modalias, as udev would ($(field MODALIAS))" \
		eval "test '$(field INSMOD)' = rc=0 && field MODALIAS | grep -q '^of:Nevent-captureT.*Cirqcap,event-capture'"
	check "$tag driver bound to the DT node (event-capture -> $(basename "$(field DRIVER)"))" \
		test "$(basename "$(field DRIVER)")" = irqcap
	check "$tag /dev/irqcap0 is a 0600 char device" \
		grep -aq '^=== DEVNODE crw-------.*/dev/irqcap0' "$CONSOLE"
	check "$tag IRQ comes from PL061 line 3 ($(field PROCINT | tr -s ' '))" \
		grep -aEq '^=== PROCINT .*pl061 +3 +Edge.*' "$CONSOLE"
	if [ "$trig" = interrupts ] || [ "$trig" = interrupts-both ]; then
		check "$tag no GPIO requested: the interrupt came from 'interrupts'" \
			test -z "$(field GPIO)"
	else
		check "$tag GPIO line requested as an input with an IRQ ($(field GPIO))" \
			eval "field GPIO | grep -q ' in .*IRQ'"
	fi
	# IRQCAP_IOC_SOURCE: the label, the node, the PL061 chip and line 3
	local src want_src chip=${PL061##*@}.pl061 want_trig=1
	src=$(grep -a '^READER SOURCE' "$CONSOLE" | head -1 | tr -d '\r' | sed 's/^READER SOURCE //')
	[ "$trig" = both ] || [ "$trig" = interrupts-both ] && want_trig=3
	if [ "$trig" = interrupts ] || [ "$trig" = interrupts-both ]; then
		want_src="label=powerbutton fwnode=/event-capture irqchip=$chip gpiochip= line=-1 hwirq=3 trigger=$want_trig gpioflag=0"
	else
		want_src="label=powerbutton fwnode=/event-capture irqchip=$chip gpiochip=$chip line=3 hwirq=3 trigger=$want_trig gpioflag=1"
	fi
	check "$tag IRQCAP_IOC_SOURCE and INFO GPIO flag ($src)" source_ok "$src" "$want_src" "$trig" "$chip"
	check "$tag sysfs label ($(field LABEL))" test "$(field LABEL)" = powerbutton
	if ! grep -aq 'READER READY' "$CONSOLE"; then
		ktap_fail "$tag reader opened /dev/irqcap0 ($(grep -a 'READER ERROR' "$CONSOLE" | head -1 | tr -d '\r'))"
	else
		ktap_ok "$tag reader opened /dev/irqcap0 ($(grep -a 'READER INFO' "$CONSOLE" | tr -d '\r' | cut -d' ' -f3-))"
		for i in $(seq 1 "$PULSES"); do
			want=$((i * per))
			monitor system_powerdown
			n=$(events)
			local end=$(($(date +%s) + EVENT_TIMEOUT))
			while [ "$n" -lt "$want" ] && [ "$(date +%s)" -lt "$end" ]; do
				sleep 0.1; n=$(events)
			done
			# the line falls 100 ms (guest time) after it rose: wait
			# long enough for any extra edge to show up before judging
			sleep 0.8
			n=$(events)
			local w
			w=$(wedged)
			if [ -n "$w" ]; then
				ktap_fail "$tag guest alive after pulse $i: $w"
				stop_guest
				return
			fi
			check "$tag pulse $i -> $per event(s), seq $((want - per + 1))..$want (have $n)" \
				test "$n" -eq "$want"
		done
	fi
	wait_for '=== guest done' 120
	local done_line
	done_line=$(grep -a 'READER DONE' "$CONSOLE" | tr -d '\r')
	check "$tag reader: $((PULSES * per)) IRQ records, consecutive seqnos, monotonic timestamps ($done_line)" \
		test "$done_line" = "READER DONE irq=$((PULSES * per)) other=0 bad=0"
	if [ -n "$mm" ]; then
		# the driver took the mapped reader's position from its page: STATS
		# counts what it consumed as read, with no read() or CONSUME
		local info st
		info=$(grep -a '^READER INFO' "$CONSOLE" | head -1 | tr -d '\r')
		st=$(grep -a '^READER STATS' "$CONSOLE" | head -1 | tr -d '\r')
		check "$tag mapped reader with its reader page (${info##* mode=}), STATS reader_read=$((PULSES * per)) reader_lost=0 (${st:-no STATS})" \
			eval "[[ '$info' == *' mode=mmap page=1' ]] && [[ '$st' == *' reader_read=$((PULSES * per)) reader_lost=0 '* ]]"
	fi
	# edges: the trigger's one edge; both on the GPIO: rising then falling per
	# pulse (the line's level read in the hard handler); both on an
	# "interrupts" source: unknown (0).  INFO's EDGE flag (0x2) says which.
	local edges want_edges="" want_flag=0x2 flags
	edges=$(grep -ao 'EVENT type=1 seq=[0-9]* .* edge=[0-9]*' "$CONSOLE" | tr -d '\r' | sed 's/.*edge=//' | tr '\n' ' ')
	for i in $(seq 1 "$PULSES"); do
		case $trig in
		both) want_edges="${want_edges}1 2 " ;;
		interrupts-both) want_edges="${want_edges}0 0 "; want_flag=0 ;;
		*) want_edges="${want_edges}1 " ;;
		esac
	done
	flags=$(grep -ao 'READER INFO .*flags=0x[0-9a-f]*\|READER INFO .*flags=0' "$CONSOLE" | head -1 | tr -d '\r' | sed 's/.*flags=//')
	check "$tag IRQ records' edges ($edges; want $want_edges), INFO EDGE flag $(( ${flags:-0} & 2 ? 1 : 0 )) (flags ${flags:-none})" \
		test "$edges" = "$want_edges" -a "$(( ${flags:-0} & 2 ))" = "$((want_flag))"
	# timestamps: pulses are >= 0.8 s apart on the host; for "both" the
	# falling edge follows the rising one by QEMU's 100 ms hold time
	local gaps
	gaps=$(grep -ao 'EVENT type=1 seq=[0-9]* ts=[0-9]*' "$CONSOLE" | sed 's/.*ts=//' |
	       awk -v per="$per" 'NR > 1 { d = ($1 - p) / 1e6; printf "%s%.0f", (NR > 2 ? "," : ""), d }
	                          { p = $1 }')
	check "$tag event spacing in ms ($gaps) fits the pulses" \
		$PY - "$gaps" "$per" <<-'EOF'
	import sys
	g = [float(x) for x in sys.argv[1].split(",") if x]
	per = int(sys.argv[2])
	ok = len(g) > 0
	for i, d in enumerate(g):
	    within = per == 2 and i % 2 == 0       # rising -> falling of one pulse
	    ok &= (40 <= d <= 1000) if within else (d >= 150)
	sys.exit(0 if ok else 1)
	EOF
	check "$tag sysfs counters ($(field COUNTERS))" \
		test "$(field COUNTERS)" = "irqs_seen=$((PULSES * per)) events_committed=$((PULSES * per)) debounced=0"
	check "$tag rmmod clean (rc=0, /dev/irqcap0 and the IRQ gone, GPIO freed)" \
		test "$(field RMMOD)" = "rc=0" -a "$(field AFTER_RMMOD)" = "dev=0 procint=0 gpio=0"
	check "$tag reload probes again and unloads" \
		test "$(field REINSMOD)" = "rc=0" -a "$(field REPROBE)" = "dev=1 driver=../../../bus/platform/drivers/irqcap" -a "$(field RERMMOD)" = "rc=0"
	local probe
	probe=$(sed -n '/^=== dmesg probe begin/,/^=== dmesg probe end/p' "$CONSOLE" | tr -d '\r' |
		grep -a 'irqcap event-capture: /dev/irqcap0' | head -1 | sed 's/^\[[ 0-9.]*\] //')
	check "$tag probe from DT logged in dmesg ($probe)" test -n "$probe"
	if [ "$trig" = both ]; then
		local msg
		msg=$(sed -n '/^=== dmesg probe begin/,/^=== dmesg probe end/p' "$CONSOLE" | tr -d '\r' |
		      grep -a 'irqcap event-capture-bad:' | grep -v 'deprecated in the binding' | head -1 | sed 's/^\[[ 0-9.]*\] //')
		check "$tag node with irqcap,ring-size = <1000> refused at probe ($msg)" \
			eval "echo '$msg' | grep -q 'error -EINVAL: irqcap,ring-size: 1000 is not a power of two' &&
			      test '$(field BAD)' = 'driver= gpio4=0'"
	fi
	local bad
	bad=$(tr -d '\r' <"$CONSOLE" | grep -av 'module verification failed\|event-capture-bad' |
	      irqcap_splat 'irqcap.*(error|failed|-[0-9]+$)' | head -3)
	check "$tag no WARN/BUG/Oops in the log${bad:+ ($bad)}" test -z "$bad"
	local t=$(($(date +%s) + 30))
	while kill -0 "$QPID" 2>/dev/null && [ "$(date +%s)" -lt "$t" ]; do sleep 0.2; done
	check "$tag guest powered off" eval "! kill -0 $QPID 2>/dev/null && grep -aq '^=== guest done' '$CONSOLE'"
	kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=
}

# interrupts = <3 IRQ_TYPE_NONE>: the firmware gives no trigger.  Acceptable
# outcomes: probe refuses the node with a message, or every pulse gives
# exactly one event; a wedged guest (on PL061 an untyped line keeps
# handle_bad_irq, which never acks, so its parent interrupt storms) fails.
run_type_none() {
	local tag="[type-none]" dtb=$WORK/test-type-none.dtb i n w
	CONSOLE=$WORK/console-type-none.log
	MON=$WORK/mon-type-none.sock
	make_dt type-none "$dtb"
	check "$tag DT with interrupts = <3 IRQ_TYPE_NONE> on the PL061" dt_ok "$dtb" type-none
	start_guest "$dtb" type-none 1
	if ! wait_for 'READER READY\|READER ERROR' "$BOOT_TIMEOUT"; then
		ktap_fail "$tag guest booted and ran the reader"; stop_guest; return
	fi
	if grep -aq 'READER ERROR' "$CONSOLE"; then
		wait_for '=== guest done' 120
		local msg
		msg=$(tr -d '\r' <"$CONSOLE" | grep -a 'irqcap event-capture: ' | head -1 | sed 's/^\[[ 0-9.]*\] //')
		check "$tag node refused at probe with a message ($msg)" test -n "$msg"
	else
		for i in $(seq 1 "$PULSES"); do
			monitor system_powerdown
			local end=$(($(date +%s) + EVENT_TIMEOUT))
			n=$(events)
			while [ "$n" -lt "$i" ] && [ "$(date +%s)" -lt "$end" ] && [ -z "$(wedged)" ]; do
				sleep 0.1; n=$(events)
			done
			sleep 0.8
			n=$(events)
			w=$(wedged)
			if [ -n "$w" ]; then
				ktap_fail "$tag guest alive after pulse $i: $w"; stop_guest; return
			fi
			check "$tag pulse $i -> 1 event (have $n)" test "$n" -eq "$i"
		done
		wait_for '=== guest done' 120
	fi
	local bad
	bad=$(tr -d '\r' <"$CONSOLE" | grep -av 'module verification failed' | irqcap_splat | head -1)
	check "$tag no WARN/BUG/Oops in the log${bad:+ ($bad)}" test -z "$bad"
	stop_guest
}

# Suspend to idle (tests/guest/dt-suspend.sh).  MODE wake: the node has
# wakeup-source; the host pulses the line 5 s after the guest starts to
# suspend, which must wake it (the RTC alarm, 40 s ahead, is a fallback);
# the records: SUSPEND, RESUME (data: ns suspended), then the waking edge's
# IRQ.  MODE nowake: no wakeup-source; the pulse must not wake the guest,
# the RTC alarm 15 s ahead does; no IRQ record before RESUME.
run_suspend() { # run_suspend wake|nowake
	local mode=$1 tag="[suspend-$1]" dtb=$WORK/test-$1.dtb alarm recs after wirq irq
	CONSOLE=$WORK/console-$mode.log
	MON=$WORK/mon-$mode.sock
	alarm=40
	[ "$mode" = nowake ] && alarm=15
	make_dt "$mode" "$dtb"
	check "$tag DT: event-capture on PL061 line 3$([ "$mode" = wake ] && echo ", wakeup-source")" \
		eval "dt_ok '$dtb' rising && { [ $mode = nowake ] || fdtget '$dtb' /event-capture wakeup-source >/dev/null; }"
	start_guest "$dtb" "$mode" 1 "irqcap_suspend=$mode irqcap_alarm=$alarm"
	if ! wait_for '=== SUSPENDING' "$BOOT_TIMEOUT"; then
		ktap_fail "$tag guest booted and started to suspend"; stop_guest; return
	fi
	local flags
	flags=$(grep -a 'READER INFO' "$CONSOLE" | tr -d '\r' | sed -n 's/.*flags=\(0x[0-9a-f]*\|0\)$/\1/p')
	if [ "$mode" = wake ]; then
		check "$tag power/wakeup enabled ($(field WAKEUP))" test "$(field WAKEUP)" = enabled
		check "$tag INFO flags carry IRQCAP_INFO_WAKEUP 0x4 (flags ${flags:-none})" \
			test $(( ${flags:-0} & 4 )) -eq 4
	else
		check "$tag no power/wakeup without wakeup-source ($(field WAKEUP))" test "$(field WAKEUP)" = none
		check "$tag INFO flags without IRQCAP_INFO_WAKEUP (flags ${flags:-none})" \
			test $(( ${flags:-4} & 4 )) -eq 0
	fi
	sleep 5
	monitor system_powerdown
	if ! wait_for '=== PMCOUNTERS' 120; then
		ktap_fail "$tag guest resumed ($(wedged))"; stop_guest; return
	fi
	wait_for '=== guest done' 60
	after=$(field RESUMED | sed 's/after_ms=//')
	wirq=$(field WAKEUP_IRQ)
	irq=$(field IRQS | sed 's/irqcap=\([0-9]*\).*/\1/')
	check "$tag echo freeze returned 0 ($(field STATE))" test "$(field STATE)" = rc=0
	if [ "$mode" = wake ]; then
		check "$tag the pulse woke the guest: back after ${after} ms, before the ${alarm} s alarm" \
			test "${after:-99999999}" -lt $(( (alarm - 10) * 1000 ))
		check "$tag pm_wakeup_irq is irqcap's IRQ ($wirq, irqcap $irq)" test "$wirq" = "$irq"
	else
		check "$tag the pulse did not wake the guest: back after ${after} ms, the ${alarm} s alarm" \
			test "${after:-0}" -ge $(( (alarm - 1) * 1000 ))
		check "$tag pm_wakeup_irq is not irqcap's IRQ ($wirq, irqcap $irq, $(field IRQS))" test "$wirq" != "$irq"
	fi
	# the records in order: TYPE:DATA:TS, type 5 SUSPEND, 6 RESUME, 1 IRQ
	recs=$(grep -ao 'EVENT type=[0-9]* seq=[0-9]* ts=[0-9]* age_ms=[0-9]* data=[0-9]*' "$CONSOLE" |
	       sed 's/EVENT type=\([0-9]*\) .*ts=\([0-9]*\) .*data=\([0-9]*\)/\1:\3:\2/' | tr '\n' ' ')
	echo "# $tag records (type:data:ts): $recs; $(field SLEEPSTATE)"
	local order
	order=$(echo "$recs" | tr ' ' '\n' | sed 's/:.*//' | tr -d '\n')
	if [ "$mode" = wake ]; then
		check "$tag records SUSPEND, RESUME, IRQ in that order ($order)" test "$order" = 561
	else
		check "$tag records SUSPEND, RESUME, then at most the edge kept pending ($order)" \
			eval "[ '$order' = 56 ] || [ '$order' = 561 ]"
	fi
	# RESUME's data is what CLOCK_BOOTTIME advanced beyond CLOCK_MONOTONIC;
	# with the records' MONOTONIC times that is the BOOTTIME advance the
	# guest measured around the suspend (/proc/uptime), less the time
	# before and after (>= 1 s: the host pulsed 5 s after SUSPENDING).
	# s2idle suspends timekeeping only through a cpuidle driver's s2idle
	# state (tick_freeze()); QEMU's virt board has none, so MONOTONIC runs
	# on and data is 0 there.
	local slept mono
	slept=$(echo "$recs" | tr ' ' '\n' | awk -F: '$1 == 6 { print $2; exit }')
	mono=$(echo "$recs" | tr ' ' '\n' | awk -F: '$1 == 5 { s = $3 } $1 == 6 { printf "%d", ($3 - s) / 1000000; exit }')
	check "$tag RESUME data ${slept:-none} ns + ${mono:-none} ms of CLOCK_MONOTONIC between the records: within the ${after} ms CLOCK_BOOTTIME advanced, >= 1000 ms" \
		eval "[ -n '$slept' ] && [ -n '$mono' ] && t=\$(( $slept / 1000000 + $mono )) && [ \$t -le $(( ${after:-0} + 20 )) ] && [ \$t -ge 1000 ]"
	check "$tag suspends counter ($(field PMCOUNTERS)), STATS suspends=1" \
		eval "field PMCOUNTERS | grep -q '^suspends=1 ' && grep -aq 'READER STATS.* suspends=1 ' '$CONSOLE'"
	check "$tag reader: the stream rules hold ($(grep -a 'READER DONE' "$CONSOLE" | tr -d '\r'))" \
		eval "grep -a 'READER DONE' '$CONSOLE' | grep -q 'bad=0'"
	check "$tag rmmod clean ($(field RMMOD))" test "$(field RMMOD)" = rc=0
	local bad
	bad=$(tr -d '\r' <"$CONSOLE" | grep -av 'module verification failed' |
	      irqcap_splat 'irqcap.*(error|failed|-[0-9]+$)' | head -3)
	check "$tag no WARN/BUG/Oops in the log${bad:+ ($bad)}" test -z "$bad"
	stop_guest
}

if [ "$DO_SUSPEND" = 2 ]; then
	run_suspend wake
	run_suspend nowake
	echo "# total $(($(date +%s) - T0)) s"
	finish
fi
run_boot rising 1
if [ "$DO_BOTH" = 1 ]; then
	run_boot both 2
	run_boot interrupts 1
	run_boot interrupts-both 2
fi
[ "$DO_TYPE_NONE" = 1 ] && run_type_none
if [ "$DO_SUSPEND" = 1 ]; then
	run_suspend wake
	run_suspend nowake
fi
echo "# total $(($(date +%s) - T0)) s"
finish
