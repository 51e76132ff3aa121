#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Host-side tests of libirqcap and the irqcap CLI: the unit tests
# (tests/unit: the CLI, tests/lib-unit: the library), the C example and the
# real binary run against a fake sysfs/debugfs/dev tree through
# IRQCAP_SYSFS_ROOT and IRQCAP_DEV_ROOT.  Device nodes in the fake tree are
# recordings of raw struct irqcap_event records (little-endian, 32 bytes).
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last; exits non-zero on failure.
#
#   tools/tests/run.sh [path/to/irqcap]    (make -C tools test builds first)
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../irqcap}
T=$(mktemp -d /tmp/irqcap-cli-test.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT

. "$here/../../scripts/lib/ktap.sh"
ktap_print_header
bad() { ktap_fail "$*"; }
# check NAME CONDITION-COMMAND...
check() { local n=$1; shift; if "$@"; then ktap_ok "$n"; else ktap_fail "$n"; fi; }

# run ARGS...: sets $out, $errout, $rc
run() {
	out=$("$bin" "$@" 2>"$T/stderr"); rc=$?
	errout=$(cat "$T/stderr")
}

# 8-byte little-endian value as printf escapes
le64() {
	local v=$1 i s=
	for i in 0 1 2 3 4 5 6 7; do
		s+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 255 )))
	done
	printf '%s' "$s"
}
# rec TYPE TS SEQNO DATA [EDGE [CLOCK]]: one struct irqcap_event
rec() {
	printf "$(le64 "$2")$(le64 "$3")$(le64 "$4")$(printf '\\x%02x' "$1")\\x00\\x00\\x00$(printf '\\x%02x\\x%02x' "${5:-0}" "${6:-0}")\\x00\\x00"
}

# ---- unit tests: the CLI's (unit) and the library's (lib-unit) ----------
for u in unit lib-unit; do
	ubin=$here/$u
	if [ ! -x "$ubin" ]; then
		bad "$u: test binary $ubin missing (make -C tools test)"
		continue
	fi
	"$ubin" >"$T/$u.out"; urc=$?
	last=$(tail -n1 "$T/$u.out")
	up=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	uf=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -n "$up" ] && [ -n "$uf" ]; then
		# one "ok - FUNC:LINE" / "not ok - FUNC:LINE: why" per CHECK, numbered here
		ktap_collect "$T/$u.out" "$u: "
		[ "$(grep -c '^ok - ' "$T/$u.out")" -eq "$up" ] &&
			[ "$(grep -c '^not ok - ' "$T/$u.out")" -eq "$uf" ] ||
			bad "$u: one result line per check ($up passed, $uf failed)"
		[ "$urc" -eq 0 ] || [ "$uf" -gt 0 ] || bad "$u exited $urc"
	else
		bad "$u: test output unparseable (exit $urc): $last"
	fi
done

# ---- the fake tree --------------------------------------------------------
S=$T/sys D=$T/dev
mkdir -p "$S/class/misc" "$D" "$S/devices/platform/PRP0001:00/firmware_node" \
	"$S/devices/platform/irqcap.1" "$S/firmware/devicetree/base/soc/irqcap@1" \
	"$S/kernel/debug/irqcap/irqcap0"
mk_misc() { # N PLATFORM-DIR
	mkdir -p "$S/class/misc/irqcap$1"
	ln -s "$2" "$S/class/misc/irqcap$1/device"
}
attrs() { # DIR irq bh ring rate avg events dropped
	local d=$1
	echo "$2" >"$d/irq"; echo "$3" >"$d/bottom_half"; echo "$4" >"$d/ring_size"
	echo "$5" >"$d/rate"; echo "$6" >"$d/rate_avg"; echo "$7" >"$d/events_committed"
	echo "$8" >"$d/dropped"
	echo 120 >"$d/irqs_seen"; echo 3 >"$d/debounced"; echo 2 >"$d/timeouts"
	echo 0 >"$d/overruns"; echo 40 >"$d/commits"; echo 1 >"$d/readers"
	echo 4 >"$d/throttled"; echo 1 >"$d/suspends"
	echo 0 >"$d/debounce_us"; echo 0 >"$d/idle_timeout_ms"; echo 0 >"$d/wakeup_holdoff_us"
}
P0=$S/devices/platform/PRP0001:00 P1=$S/devices/platform/irqcap.1
attrs "$P0" 5 threaded 256 20 18 117 0
attrs "$P1" 7 workqueue 1024 0 0 9 4
rm "$P1/wakeup_holdoff_us"	# irqcap1: a driver from before wakeup_holdoff_us
printf '\\_SB_.IQC0\n' >"$P0/firmware_node/path"
echo door >"$P0/label"	# irqcap0 has a label (sysfs), irqcap1 none
ln -s "$S/firmware/devicetree/base/soc/irqcap@1" "$P1/of_node"
mk_misc 0 "$P0"
mk_misc 1 "$P1"
mkdir -p "$S/class/misc/cpu_dma_latency"
cat >"$S/kernel/debug/irqcap/irqcap0/latency" <<'LAT'
irq_to_commit max_ns 5000
irq_to_commit lt_ns 4096 10
irq_to_commit lt_ns 8192 5
irq_to_read max_ns 9000
irq_to_read lt_ns 16384 15
commit_to_read max_ns 0
LAT
# irqcap0: irq 1, irq 2 (+10 ms), irq 5 (3, 4 missing), overflow of 7,
# irq 13, marker 42, idle timeout after 1 s
{
	rec 1 1000000000 1 0
	rec 1 1010000000 2 0 1
	rec 1 1020000000 5 0 2
	rec 3 1030000000 5 7
	rec 1 1040000000 13 0
	rec 4 1050000000 13 42
	rec 2 2040000000 13 1000000000
} >"$D/irqcap0"
# irqcap1: three irqs 20 ms apart, interleaved in time with irqcap0
{
	rec 1 1005000000 8 0
	rec 1 1025000000 9 0
	rec 1 1045000000 10 0
} >"$D/irqcap1"
chmod 644 "$D/irqcap0" "$D/irqcap1"
export IRQCAP_SYSFS_ROOT=$S IRQCAP_DEV_ROOT=$D
unset IRQCAP_DEBUGFS_ROOT

# ---- general -------------------------------------------------------------
run --help
check "--help exits 0" test $rc -eq 0
check "--help lists every command" bash -c '[[ "$1" == *"list"*"monitor"*"stats"*"set DEV KEY VALUE"* ]]' _ "$out"
check "--help documents exit codes" bash -c '[[ "$1" == *"3 no such"* ]]' _ "$out"
run monitor --help
check "monitor --help exits 0" test $rc -eq 0
run
check "no command: exit 2" test $rc -eq 2
run frobnicate
check "unknown command: exit 2" test $rc -eq 2
check "unknown command named" bash -c '[[ "$1" == *"unknown command '"'"'frobnicate'"'"'"* ]]' _ "$errout"
run --version
abi=$(sed -n 's/^#define IRQCAP_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' "$here/../../src/uapi/irqcap.h")
check "--version (uAPI ABI $abi, src/uapi/irqcap.h)" bash -c '[[ "$1" =~ ^irqcap\ [0-9]+\.[0-9]+\.[0-9]+\ \(uAPI\ ABI\ '"$abi"'\)$ ]]' _ "$out"

# ---- list ----------------------------------------------------------------
run list
check "list exits 0" test $rc -eq 0
check "list: header + 2 devices" test "$(printf '%s\n' "$out" | wc -l)" -eq 3
check "list header" bash -c '[[ "$1" =~ ^DEVICE\ +LABEL\ +IRQ\ +BOTTOM_HALF\ +RING\ +RATE/s\ +AVG/s\ +EVENTS\ +DROPPED\ +FIRMWARE_NODE$ ]]' _ "$(printf '%s\n' "$out" | head -n1)"
check "list row irqcap0 (ACPI node)" bash -c '[[ "$1" =~ ^irqcap0\ +door\ +5\ +threaded\ +256\ +20\ +18\ +117\ +0\ +\\_SB_\.IQC0\ \(PRP0001:00\)$ ]]' _ "$(printf '%s\n' "$out" | sed -n 2p)"
check "list row irqcap1 (DT node)" bash -c '[[ "$1" =~ ^irqcap1\ +-\ +7\ +workqueue\ +1024\ +0\ +0\ +9\ +4\ +/soc/irqcap@1\ \(irqcap\.1\)$ ]]' _ "$(printf '%s\n' "$out" | sed -n 3p)"
run list --format json
check "list json: 2 lines" test "$(printf '%s\n' "$out" | wc -l)" -eq 2
check "list json irqcap0" test "$(printf '%s\n' "$out" | head -n1)" = '{"device":"irqcap0","label":"door","node":"'"$D"'/irqcap0","irq":5,"bottom_half":"threaded","ring_size":256,"rate":20,"rate_avg":18,"events_committed":117,"dropped":0,"firmware_node":"\\_SB_.IQC0 (PRP0001:00)"}'
run list --format=json
check "list --format=json works like --format json" test "$(printf '%s\n' "$out" | wc -l)" -eq 2 -a "$(printf '%s\n' "$out" | head -c 20)" = '{"device":"irqcap0",'
run list --format xml
check "list bad format: exit 2" test $rc -eq 2
IRQCAP_SYSFS_ROOT=$T/empty run list
check "list without devices: exit 3" test $rc -eq 3
check "list without devices: says module" bash -c '[[ "$1" == *"module loaded"* ]]' _ "$errout"

# ---- monitor ---------------------------------------------------------------
run monitor 0 --format json
check "monitor json exits 0 at end of recording" test $rc -eq 0
check "monitor json: 7 records" test "$(printf '%s\n' "$out" | wc -l)" -eq 7
check "monitor json first" test "$(printf '%s\n' "$out" | sed -n 1p)" = '{"device":"irqcap0","type":"irq","timestamp_ns":1000000000,"seqno":1,"interval_ns":null,"lost":0,"seq_gap":0,"data":0,"edge":null,"clock":"monotonic","label":"door"}'
check "monitor json interval" test "$(printf '%s\n' "$out" | sed -n 2p)" = '{"device":"irqcap0","type":"irq","timestamp_ns":1010000000,"seqno":2,"interval_ns":10000000,"lost":0,"seq_gap":0,"data":0,"edge":"rising","clock":"monotonic","label":"door"}'
check "monitor json seqno gap" test "$(printf '%s\n' "$out" | sed -n 3p)" = '{"device":"irqcap0","type":"irq","timestamp_ns":1020000000,"seqno":5,"interval_ns":null,"lost":0,"seq_gap":2,"data":0,"edge":"falling","clock":"monotonic","label":"door"}'
check "monitor json overflow" test "$(printf '%s\n' "$out" | sed -n 4p)" = '{"device":"irqcap0","type":"overflow","timestamp_ns":1030000000,"seqno":5,"interval_ns":null,"lost":7,"seq_gap":0,"data":7,"edge":null,"clock":"monotonic","label":"door"}'
check "monitor json gap after overflow" bash -c '[[ "$1" == *"\"seqno\":13,"*"\"seq_gap\":7,"* ]]' _ "$(printf '%s\n' "$out" | sed -n 5p)"
check "monitor json marker" bash -c '[[ "$1" == *"\"type\":\"marker\""*"\"data\":42,\"edge\":null,"* ]]' _ "$(printf '%s\n' "$out" | sed -n 6p)"
check "monitor json timeout" bash -c '[[ "$1" == *"\"type\":\"timeout\""*"\"data\":1000000000,\"edge\":null,"* ]]' _ "$(printf '%s\n' "$out" | sed -n 7p)"
if command -v python3 >/dev/null; then
	check "monitor json: every line parses" python3 -c '
import json, sys
for l in sys.stdin: json.loads(l)' <<<"$out" 2>/dev/null
fi

run monitor irqcap0 --format csv --count 3
check "monitor csv --count 3: header + 3" test "$(printf '%s\n' "$out" | wc -l)" -eq 4
check "monitor csv header" test "$(printf '%s\n' "$out" | head -n1)" = "device,type,timestamp_ns,seqno,interval_ns,lost,seq_gap,data,edge,clock"
check "monitor csv rows" test "$(printf '%s\n' "$out" | sed -n '2,4p' | tr '\n' '|')" = "irqcap0,irq,1000000000,1,,0,0,0,,monotonic|irqcap0,irq,1010000000,2,10000000,0,0,0,rising,monotonic|irqcap0,irq,1020000000,5,,0,2,0,falling,monotonic|"

run monitor "$D/irqcap0"
check "monitor text exit 0" test $rc -eq 0
check "monitor text header" test "$(printf '%s\n' "$out" | head -n1)" = "DEVICE   TIMESTAMP_S           SEQNO  TYPE      INTERVAL_S      NOTE"
check "monitor text row" test "$(printf '%s\n' "$out" | sed -n 3p)" = "door     1.010000000               2  rising    +0.010000000"
check "monitor text gap note" bash -c '[[ "$1" == *"LOST 2 interrupts (seqno jumped 2 -> 5)" ]]' _ "$(printf '%s\n' "$out" | sed -n 4p)"
check "monitor text overflow note" bash -c '[[ "$1" == *"overflow"*"LOST 7 records"* ]]' _ "$(printf '%s\n' "$out" | sed -n 5p)"
check "monitor text gap after overflow" bash -c '[[ "$1" == *"seqno jumped 5 -> 13: 7 interrupts lost in the overflow" ]]' _ "$(printf '%s\n' "$out" | sed -n 6p)"
check "monitor text timeout note" bash -c '[[ "$1" == *"no interrupt for 1.000000000s" ]]' _ "$(printf '%s\n' "$out" | sed -n 8p)"
check "monitor summary on stderr" bash -c '[[ "$1" == *"irqcap0: 7 records (4 irq, 1 timeout, 1 marker, 1 overflow); lost 7 records in overflows; 9 interrupts missing by seqno (2 not reported by an overflow)"* ]]' _ "$errout"
run monitor 0 --no-header --count 1
check "monitor --no-header" test "$out" = "door     1.000000000               1  irq       -"

run monitor 0 1 --format csv --no-header
check "two devices: 10 records" test "$(printf '%s\n' "$out" | wc -l)" -eq 10
check "two devices merged by timestamp" test "$(printf '%s\n' "$out" | cut -d, -f3 | sort -n | tr '\n' ' ')" = "$(printf '%s\n' "$out" | cut -d, -f3 | tr '\n' ' ')"
check "two devices: per-device intervals" bash -c '[[ "$1" == *"irqcap1,irq,1025000000,9,20000000,"* ]]' _ "$out"
run monitor
check "no DEV monitors all: 10 records" test "$(printf '%s\n' "$out" | wc -l)" -eq 11

mkfifo "$D/irqcap2"; mkdir -p "$S/class/misc/irqcap2"; ln -s "$P0" "$S/class/misc/irqcap2/device"
exec 9<>"$D/irqcap2"	# hold the FIFO open: no EOF, nothing to read
start=$(date +%s%N)
run monitor 2 --count 5 --timeout 0.3
end=$(date +%s%N)
check "monitor --timeout before --count: exit 5" test $rc -eq 5
check "monitor --timeout took ~0.3 s" test $(( (end - start) / 1000000 )) -ge 290 -a $(( (end - start) / 1000000 )) -lt 3000
run monitor 2 --timeout 0.2
check "monitor --timeout without --count: exit 0" test $rc -eq 0
exec 9>&-
rm -f "$D/irqcap2"; rm -rf "$S/class/misc/irqcap2"

run monitor 9
check "monitor missing device: exit 3" test $rc -eq 3
check "monitor missing device named, others listed" bash -c '[[ "$1" == *"irqcap9: no such device (irqcap devices present: irqcap0 irqcap1)"* ]]' _ "$errout"
run monitor sda
check "monitor bad DEV: exit 2" test $rc -eq 2
run monitor 0 --format yaml
check "monitor bad format: exit 2" test $rc -eq 2
run monitor 0 --count 0
check "monitor --count 0: exit 2" test $rc -eq 2
run monitor 0 --timeout soon
check "monitor --timeout soon: exit 2" test $rc -eq 2
run monitor 0 --bogus
check "monitor unknown option: exit 2" test $rc -eq 2
mkdir -p "$S/class/misc/irqcap3"; ln -s "$P0" "$S/class/misc/irqcap3/device"
run monitor 3
check "monitor node missing: exit 3" test $rc -eq 3
check "monitor node missing: names device and node" bash -c '[[ "$1" == *"irqcap3: cannot open $2/irqcap3"* ]]' _ "$errout" "$D"
rm -rf "$S/class/misc/irqcap3"

# permission denied, as an unprivileged user
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# The program and its libirqcap.so.1 run from a directory uid 65534 can
	# reach: a checkout in root's home (mode 0700, as on a fresh machine
	# where root clones into /root) cannot be executed by it, and the run
	# ended with exit 126 before the CLI opened anything.
	nb=$(mktemp -d /tmp/irqcap-cli-nobody.XXXXXX) && chmod 755 "$nb"
	cp "$bin" "$nb/irqcap"
	lib=$(ldd "$bin" 2>/dev/null | sed -n 's/.*libirqcap\.so\.1 => \([^ ]*\).*/\1/p')
	[ -z "$lib" ] || cp "$lib" "$nb/"
	chmod -R a+rX "$nb"
	chmod 600 "$D/irqcap0"
	out=$(LD_LIBRARY_PATH=$nb setpriv --reuid=65534 --regid=65534 --clear-groups "$nb/irqcap" monitor 0 --count 1 2>&1); rc=$?
	check "monitor EACCES: exit 4" test $rc -eq 4
	check "monitor EACCES: names device, cause, irqcap group" bash -c '[[ "$1" == *"irqcap0: cannot open"*"Permission denied"*"group '"'"'irqcap'"'"'"* ]]' _ "$out"
	out=$(LD_LIBRARY_PATH=$nb setpriv --reuid=65534 --regid=65534 --clear-groups "$nb/irqcap" set 0 debounce_us 5 2>&1); rc=$?
	check "set as non-root: exit 4" test $rc -eq 4
	check "set as non-root: says root" bash -c '[[ "$1" == *"irqcap0: cannot set debounce_us"*"root"* ]]' _ "$out"
	chmod 644 "$D/irqcap0"
	rm -rf "$nb"
else
	echo "# skipped permission tests (need root and setpriv)"
fi

# ---- stats -----------------------------------------------------------------
run stats 0
check "stats exit 0" test $rc -eq 0
check "stats title" test "$(printf '%s\n' "$out" | head -n1)" = "irqcap0: irq 5, bottom_half threaded, ring 256 records, debounce_us 0, idle_timeout_ms 0, wakeup_holdoff_us 0"
check "stats counter irqs_seen" bash -c 'grep -Eq "^  irqs_seen +120   " <<<"$1"' _ "$out"
check "stats counter dropped" bash -c 'grep -Eq "^  dropped +0   " <<<"$1"' _ "$out"
check "stats rate" bash -c 'grep -Eq "^  rate +20   " <<<"$1"' _ "$out"
check "stats notes sysfs-only counters (no ioctl on a file)" bash -c '[[ "$1" == *"counters from sysfs only"* ]]' _ "$out"
check "stats histogram title" bash -c '[[ "$1" == *"latency irq_to_commit (interrupt -> event committed by the bottom half): 15 samples, max 5.0us"* ]]' _ "$out"
check "stats histogram bar" bash -c 'grep -Eq "^ +2\.0us\.\.4\.1us \|#{40} 10$" <<<"$1"' _ "$out"
check "stats empty histogram" bash -c '[[ "$1" == *"commit_to_read"*"(no samples yet)"* ]]' _ "$out"
run stats /dev/irqcap1
check "stats DEV as /dev path" test $rc -eq 0
check "stats, driver without wakeup_holdoff_us: title shows it absent" test "$(printf '%s\n' "$out" | head -n1)" = "irqcap1: irq 7, bottom_half workqueue, ring 1024 records, debounce_us 0, idle_timeout_ms 0, wakeup_holdoff_us ?"
check "stats, driver without wakeup_holdoff_us: counters still shown" bash -c 'grep -Eq "^  events_committed +9   " <<<"$1"' _ "$out"
check "stats without debugfs says why" bash -c '[[ "$1" == *"latency histograms: not available ("*"irqcap1/latency: No such file or directory"* ]]' _ "$out"
run stats irqcap0 --format json
check "stats json one line" test "$(printf '%s\n' "$out" | wc -l)" -eq 1
check "stats json fields" bash -c '[[ "$1" == "{\"device\":\"irqcap0\",\"irq\":5,\"bottom_half\":\"threaded\",\"ring_size\":256,\"debounce_us\":0,\"idle_timeout_ms\":0,\"wakeup_holdoff_us\":0,\"irqs_seen\":120,\"events_committed\":117,\"debounced\":3,\"dropped\":0,\"timeouts\":2,\"overruns\":0,\"commits\":40,\"readers\":1,\"throttled\":4,\"suspends\":1,\"rate\":20,\"rate_avg\":18,\"rate_measured\":null,\"source\":\"sysfs\",\"latency\":{\"irq_to_commit\":{\"max_ns\":5000,"* ]]' _ "$out"
if command -v python3 >/dev/null; then
	check "stats json parses" python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d["latency"]["irq_to_read"]["buckets"][0]["count"] == 15' <<<"$out" 2>/dev/null
fi
run stats 1 --format json --no-latency
check "stats json, driver without wakeup_holdoff_us: exit 0" test $rc -eq 0
check "stats json, driver without wakeup_holdoff_us: null" bash -c '[[ "$1" == *"\"idle_timeout_ms\":0,\"wakeup_holdoff_us\":null,\"irqs_seen\":120,"* ]]' _ "$out"
if command -v python3 >/dev/null; then
	check "stats json with null wakeup_holdoff_us parses" python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); assert d["wakeup_holdoff_us"] is None and d["events_committed"] == 9' <<<"$out" 2>/dev/null
fi
run stats 0 --watch --interval 0.05 --count 3 --format json --no-latency
check "stats --watch --count 3: 3 lines" test "$(printf '%s\n' "$out" | wc -l)" -eq 3
check "stats --watch: measured rate from 2nd sample" bash -c '[[ "$(sed -n 2p <<<"$1")" == *"\"rate_measured\":0.000,"*"\"latency\":null}" ]]' _ "$out"
run stats
check "stats without DEV: exit 2" test $rc -eq 2
run stats 0 1
check "stats two DEVs: exit 2" test $rc -eq 2
run stats 4
check "stats missing device: exit 3" test $rc -eq 3

# ---- set -------------------------------------------------------------------
run set 0 debounce_us 250
check "set exit 0" test $rc -eq 0
check "set prints old -> new" test "$out" = "irqcap0: debounce_us: 0 -> 250"
check "set wrote the attribute" test "$(cat "$P0/debounce_us")" = "250"
run set irqcap0 debounce-us 010
check "set canonical decimal (no octal)" test "$(cat "$P0/debounce_us")" = "10"
run set 0 bottom_half tasklet
check "set bottom_half" test "$(cat "$P0/bottom_half")" = "tasklet"
run set 0 bottom_half fast
check "set bad mode: exit 2" test $rc -eq 2
check "set bad mode: lists modes" bash -c '[[ "$1" == *"hardirq, threaded, tasklet, workqueue"* ]]' _ "$errout"
check "set bad mode: attribute unchanged" test "$(cat "$P0/bottom_half")" = "tasklet"
run set 0 idle_timeout_ms 3600001
check "set out of range: exit 2" test $rc -eq 2
check "set out of range: says range" bash -c '[[ "$1" == *"out of range (0..3600000"* ]]' _ "$errout"
check "set out of range: unchanged" test "$(cat "$P0/idle_timeout_ms")" = "0"
run set 0 debounce_us 5ms
check "set non-number: exit 2" test $rc -eq 2
run set 0 ring_size 64
check "set read-only key: exit 2" test $rc -eq 2
check "set read-only key: lists settable keys" bash -c '[[ "$1" == *"settable: bottom_half, debounce_us, idle_timeout_ms, wakeup_holdoff_us, storm_limit, storm_hold_ms)"* ]]' _ "$errout"
run set 0 wakeup_holdoff_us 500
check "set wakeup_holdoff_us: exit 0" test $rc -eq 0
check "set wakeup_holdoff_us: old -> new" test "$out" = "irqcap0: wakeup_holdoff_us: 0 -> 500"
check "set wakeup_holdoff_us: wrote the attribute" test "$(cat "$P0/wakeup_holdoff_us")" = "500"
run set 0 wakeup-holdoff-us 100000
check "set wakeup-holdoff-us alias, max 100000" test $rc -eq 0 -a "$(cat "$P0/wakeup_holdoff_us")" = "100000"
run set 0 wakeup_holdoff_us 100001
check "set wakeup_holdoff_us out of range: exit 2" test $rc -eq 2
check "set wakeup_holdoff_us out of range: says range" bash -c '[[ "$1" == *"wakeup_holdoff_us: 100001 is out of range (0..100000 microseconds (0 = off))"* ]]' _ "$errout"
check "set wakeup_holdoff_us out of range: unchanged" test "$(cat "$P0/wakeup_holdoff_us")" = "100000"
run set 0 wakeup_holdoff_us 1ms
check "set wakeup_holdoff_us non-number: exit 2" test $rc -eq 2 -a "$(cat "$P0/wakeup_holdoff_us")" = "100000"
run stats 0 --no-latency
check "stats shows the new wakeup_holdoff_us" test "$(printf '%s\n' "$out" | head -n1)" = "irqcap0: irq 5, bottom_half tasklet, ring 256 records, debounce_us 10, idle_timeout_ms 0, wakeup_holdoff_us 100000"
run stats 0 --format json --no-latency
check "stats json shows the new wakeup_holdoff_us" bash -c '[[ "$1" == *"\"debounce_us\":10,\"idle_timeout_ms\":0,\"wakeup_holdoff_us\":100000,"* ]]' _ "$out"
run set 1 wakeup_holdoff_us 10
check "set wakeup_holdoff_us, driver without it: exit 2" test $rc -eq 2
check "set wakeup_holdoff_us, driver without it: says so" bash -c '[[ "$1" == *"irqcap1: cannot set wakeup_holdoff_us"*"too old"* ]]' _ "$errout"
check "set wakeup_holdoff_us, driver without it: no file created" test ! -e "$P1/wakeup_holdoff_us"
run set 1 debounce_us 20
check "set debounce_us, driver without wakeup_holdoff_us: still works" test $rc -eq 0 -a "$(cat "$P1/debounce_us")" = "20"
run set 7 debounce_us 1
check "set missing device: exit 3" test $rc -eq 3
run set 0 debounce_us
check "set missing value: exit 2" test $rc -eq 2
check "set missing value: usage lists keys" bash -c '[[ "$1" == *"(KEY: bottom_half, debounce_us, idle_timeout_ms, wakeup_holdoff_us, storm_limit, storm_hold_ms)"* ]]' _ "$errout"
run set 0 storm_limit 10000001
check "set storm_limit over max: exit 2, says range" bash -c '[[ $2 == 2 && "$1" == *"storm_limit: 10000001 is out of range (0..10000000 interrupts per second (0 = off))"* ]]' _ "$errout" "$rc"
run set 0 storm_limit 500
check "set storm_limit, driver without it (this tree's irqcap0 has none): exit 2, too old" bash -c '[[ $2 == 2 && "$1" == *"cannot set storm_limit"*"too old"* ]]' _ "$errout" "$rc"
echo 0 >"$P0/storm_limit"; echo 100 >"$P0/storm_hold_ms"
run set 0 storm-limit 500
check "set storm-limit alias: 0 -> 500" test $rc -eq 0 -a "$out" = "irqcap0: storm_limit: 0 -> 500" -a "$(cat "$P0/storm_limit")" = 500
run set 0 storm_hold_ms 10001
check "set storm_hold_ms over max: exit 2, unchanged" test $rc -eq 2 -a "$(cat "$P0/storm_hold_ms")" = 100
run set 0 storm_hold_ms 250
check "set storm_hold_ms" test $rc -eq 0 -a "$(cat "$P0/storm_hold_ms")" = 250
run --help
check "--help lists wakeup_holdoff_us" bash -c '[[ "$1" == *"wakeup_holdoff_us  0..100000 (0 = off)"* ]]' _ "$out"

# ---- info (IRQCAP_IOC_INFO/SOURCE; recordings answer no ioctl) ---------------------
run info door
check "info on a recording: exit 0, says why" bash -c '[[ $2 == 0 && "$1" == "irqcap0 (door)"*"info: irqcap0: IRQCAP_IOC_INFO"*"source: "* ]]' _ "$out" "$rc"
run info 1 --format json
check "info json on a recording" test "$out" = '{"device":"irqcap1","label":null,"info":null,"source":null}'
run info
check "info without DEV: exit 2" test $rc -eq 2
run info 9
check "info missing device: exit 3" test $rc -eq 3

# ---- ABI 3: labels as DEV, the reader's clock, read modes ------------------
run monitor door --format csv --no-header --count 1
check "monitor by label" test "$out" = "irqcap0,irq,1000000000,1,,0,0,0,,monotonic"
run stats door --no-latency
check "stats by label" test $rc -eq 0 -a "$(printf '%s\n' "$out" | head -c 8)" = "irqcap0:"
run monitor nosuchlabel
check "unknown label: exit 2" test $rc -eq 2
check "unknown label: says label" bash -c '[[ "$1" == *"not an irqcap device name or label"* ]]' _ "$errout"
before=$(date +%s)
run monitor 1 --clock realtime --format json --count 1
check "--clock realtime: clock field" bash -c '[[ "$1" == *"\"clock\":\"realtime\""* ]]' _ "$out"
ts=$(printf '%s\n' "$out" | sed -n 's/.*"timestamp_ns":\([0-9]*\).*/\1/p')
# the recording's MONOTONIC 1.005 s + the MONOTONIC->REALTIME offset now
mono=$(cut -d' ' -f1 /proc/uptime | cut -d. -f1)
check "--clock realtime: converted with the offset (ts $ts, now $before, uptime $mono)" \
	test $(( ts / 1000000000 )) -ge $(( before - mono - 3 )) -a $(( ts / 1000000000 )) -le $(( before - mono + 3 ))
run monitor 1 --clock realtime --count 1
check "--clock realtime: text header" test "$(printf '%s\n' "$out" | head -n1)" = "DEVICE   REALTIME_S            SEQNO  TYPE      INTERVAL_S      NOTE"
run monitor 1 --clock=boottime --format csv --no-header --count 1
check "--clock=boottime: csv clock column" bash -c '[[ "$1" == *",boottime" ]]' _ "$out"
run monitor 1 --clock gps
check "--clock gps: exit 2" test $rc -eq 2
run monitor 1 --read-mode read --format csv --no-header
check "--read-mode read: 3 records" test "$(printf '%s\n' "$out" | wc -l)" -eq 3
run monitor 1 --read-mode mmap
check "--read-mode mmap on a recording: exit 2" test $rc -eq 2
check "--read-mode mmap on a recording: says why" bash -c '[[ "$1" == *"no mapped ring"* ]]' _ "$errout"
run monitor 1 --read-mode fast
check "--read-mode fast: exit 2" test $rc -eq 2

# ---- the C example (examples/minimal-reader.c) ------------------------------
ex=$here/../examples/minimal-reader
if [ -x "$ex" ]; then
	out=$("$ex" door 100 2>&1); rc=$?
	check "example: 7 records of irqcap0 by label" test "$(printf '%s\n' "$out" | grep -vc '^#')" -eq 7
	check "example: edges" bash -c '[[ "$1" == *"1.010000000 irq seqno 2 rising"*"1.020000000 irq seqno 5 falling"* ]]' _ "$out"
	check "example: reports the unaccounted gap and exits 1" bash -c '[[ $2 == 1 && "$1" == *"# 7 records, 4 irq, 7 lost, 1 bad: record 2:"* ]]' _ "$out" "$rc"
	out=$("$ex" irqcap1 100 2>&1); rc=$?
	check "example: irqcap1 clean, exit 0" test $rc -eq 0 -a "$(printf '%s\n' "$out" | tail -n1)" = "# 3 records, 3 irq, 0 lost, 0 bad"
else
	bad "example $ex missing (make -C tools examples)"
fi

# ---- make install: a C program built with pkg-config against the installed tree
if command -v pkg-config >/dev/null && [ -f "$here/../Makefile" ]; then
	I=$T/inst
	make -s -C "$here/.." install DESTDIR="$I" PREFIX=/usr >"$T/install.log" 2>&1
	check "make install DESTDIR=" test $? -eq 0
	for f in usr/bin/irqcap usr/lib/libirqcap.so.1 usr/lib/libirqcap.so usr/lib/libirqcap.a \
		usr/lib/pkgconfig/irqcap.pc usr/include/irqcap/irqcap.h usr/include/irqcap/irqcap-uapi.h \
		usr/share/man/man1/irqcap.1; do
		check "installed /$f" test -e "$I/$f"
	done
	if [ -d "$here/../man/man3" ]; then
		check "installed man3: irqcap_reader_next.3 and the index irqcap.3" \
			test -f "$I/usr/share/man/man3/irqcap_reader_next.3" -a -f "$I/usr/share/man/man3/irqcap.3"
	fi
	check "installed header does not use linux/irqcap.h" bash -c '! grep -q "linux/irqcap.h" "$1"' _ "$I/usr/include/irqcap/irqcap.h"
	soname=$(objdump -p "$I/usr/lib/libirqcap.so.1" 2>/dev/null | sed -n 's/^ *SONAME *//p')
	check "soname libirqcap.so.1 ($soname)" test "$soname" = libirqcap.so.1
	# only the version script's symbols, all at LIBIRQCAP_1
	nexp=$(objdump -T "$I/usr/lib/libirqcap.so.1" | grep -c ' LIBIRQCAP_1 *irqcap_')
	nmap=$(grep -c '^	irqcap_.*;$' "$here/../lib/libirqcap.map")
	nother=$(objdump -T "$I/usr/lib/libirqcap.so.1" | awk '$2 == "g" && $4 != "*UND*" && $4 != "*ABS*" && $NF !~ /^irqcap_/' | wc -l)
	check "exported: the $nmap symbols of libirqcap.map at LIBIRQCAP_1 ($nexp), nothing else ($nother)" \
		test "$nexp" -eq "$nmap" -a "$nother" -eq 0
	check "irqcap_stream_* stay internal" bash -c '! objdump -T "$1" | grep -q irqcap_stream' _ "$I/usr/lib/libirqcap.so.1"
	flags=$(PKG_CONFIG_SYSROOT_DIR=$I PKG_CONFIG_LIBDIR=$I/usr/lib/pkgconfig pkg-config --cflags --libs irqcap)
	check "pkg-config --cflags --libs irqcap: $flags" test -n "$flags"
	# shellcheck disable=SC2086
	cc -Wall -Wextra -Werror -o "$T/ex-pc" "$here/../examples/minimal-reader.c" $flags >"$T/cc.log" 2>&1
	check "the example builds with pkg-config against the installed tree" test $? -eq 0
	out=$(LD_LIBRARY_PATH=$I/usr/lib "$T/ex-pc" irqcap1 100 2>&1); rc=$?
	check "... links the installed libirqcap.so.1 and reads irqcap1" test $rc -eq 0 -a "$(printf '%s\n' "$out" | tail -n1)" = "# 3 records, 3 irq, 0 lost, 0 bad"
	check "... dynamically" bash -c 'LD_LIBRARY_PATH=$2 ldd "$1" | grep -q "libirqcap.so.1 => $2/libirqcap.so.1"' _ "$T/ex-pc" "$I/usr/lib"
	check "irqcap (dynamic) needs libirqcap.so.1" bash -c 'objdump -p "$1" | grep -q "NEEDED *libirqcap.so.1"' _ "$I/usr/bin/irqcap"
else
	echo "# skipped the install test (no pkg-config)"
fi

ktap_finished
