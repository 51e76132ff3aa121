#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# irqcap CLI against the real driver, inside the QEMU test board (busybox sh):
# two devices, irqcap0 on ISA IRQ 5 and irqcap1 on IRQ 7, raised through
# pc-testdev.  Every subcommand and output format is exercised.
# Prints "ok - cli: ..." / "not ok - cli: ..." lines and "N passed, N failed"
# last; exits non-zero on failure.
#
# Needs: irqcap (or $IRQCAP) on PATH, root, debugfs mounted, and
# pc-testdev-raise on PATH (tools/tests/pc-testdev-raise.c); without it edges
# are raised by writing to /dev/port with dd (slower, no fixed rate).
IRQCAP=${IRQCAP:-irqcap}
T=${TMPDIR:-/tmp}/irqcap-cli.$$
mkdir -p "$T"
pass=0
fail=0
ok() { echo "ok - cli: $1"; pass=$((pass + 1)); }
nok() { echo "not ok - cli: $1"; fail=$((fail + 1)); }
check() { # NAME COMMAND...
	n=$1; shift
	if "$@"; then ok "$n"; else nok "$n"; fi
}
attr() { cat "/sys/class/misc/irqcap$1/device/$2"; }

# raise [-t] LINE COUNT [PERIOD_US]; -t: each edge once the previous one's
# interrupt was taken, for checks that count one record per edge raised (the
# emulated I/O APIC merges an edge into one still pending: pc-testdev-raise.c)
raise() {
	if command -v pc-testdev-raise >/dev/null 2>&1; then
		pc-testdev-raise "$@"
	else
		[ "$1" = -t ] && shift
		i=0
		while [ $i -lt "$2" ]; do
			printf '\001' | dd of=/dev/port bs=1 seek=$((0x2000 + $1)) count=1 conv=notrunc 2>/dev/null
			printf '\000' | dd of=/dev/port bs=1 seek=$((0x2000 + $1)) count=1 conv=notrunc 2>/dev/null
			i=$((i + 1))
		done
	fi
}

# wait_readers DEV N: until the device has N open readers (monitor is ready)
wait_readers() {
	i=0
	while [ "$(attr "$1" readers)" -lt "$2" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# reader_page PID: PID maps its file's reader page (struct irqcap_mmap_reader,
# shared and writable, at IRQCAP_MMAP_READER_OFFSET 0x40000000) of irqcap0;
# the mapped reader stores its position there instead of IRQCAP_IOC_CONSUME.
reader_page() {
	grep -Eq '^[0-9a-f]+-[0-9a-f]+ rw-s 40000000 .*/dev/irqcap0' "/proc/$1/maps" 2>/dev/null
}
# wait_reader_pages PID...: the page is mapped just after the file is opened
# (counted in readers); at most 3 s, under the C example's 5 s for a record
wait_reader_pages() {
	local i=0 p
	for p in "$@"; do
		while ! reader_page "$p" && [ $i -lt 30 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
}

lines() { wc -l <"$1" | tr -d ' '; }
# an IRQ record's TYPE in text: irq, or its edge where the driver knows it (ABI 3)
E='(irq|rising|falling)'

# ---- list ------------------------------------------------------------------
$IRQCAP list >"$T/list" 2>"$T/err"; rc=$?
check "list exits 0" [ $rc -eq 0 ]
check "list: header and two devices" [ "$(lines "$T/list")" -eq 3 ]
check "list header" grep -Eq '^DEVICE +LABEL +IRQ +BOTTOM_HALF +RING +RATE/s +AVG/s +EVENTS +DROPPED +FIRMWARE_NODE$' "$T/list"
check "list irqcap0 row" grep -Eq '^irqcap0 +[^ ]+ +5 +[a-z]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +\\_SB_\.[A-Z0-9]+ \(PRP0001:[0-9]+\)$' "$T/list"
check "list irqcap1 row" grep -Eq '^irqcap1 +[^ ]+ +7 ' "$T/list"
$IRQCAP list --format json >"$T/listj"; rc=$?
check "list json exits 0" [ $rc -eq 0 ]
check "list json: two objects" [ "$(grep -c '^{"device":"irqcap[01]","label":\(null\|"[^"]*"\),"node":"/dev/irqcap[01]","irq":[57],"bottom_half":"[a-z]*","ring_size":[0-9]*,"rate":[0-9]*,"rate_avg":[0-9]*,"events_committed":[0-9]*,"dropped":[0-9]*,"firmware_node":".*"}$' "$T/listj")" -eq 2 ]

# ---- monitor, text ------------------------------------------------------------
$IRQCAP set 0 idle_timeout_ms 0 >/dev/null
$IRQCAP set 0 debounce_us 0 >/dev/null
$IRQCAP set 0 wakeup_holdoff_us 0 >/dev/null
base=$(attr 0 events_committed)
$IRQCAP monitor 0 --count 5 --timeout 30 >"$T/mon" 2>"$T/monerr" &
pid=$!
wait_readers 0 1
raise -t 5 5 10000
wait $pid; rc=$?
check "monitor text --count 5 exits 0" [ $rc -eq 0 ]
check "monitor text: header + 5 rows" [ "$(lines "$T/mon")" -eq 6 ]
check "monitor text header" [ "$(head -n1 "$T/mon")" = "DEVICE   TIMESTAMP_S           SEQNO  TYPE      INTERVAL_S      NOTE" ]
check "monitor text: first row, no interval" grep -Eq "^[^ ]+ +[0-9]+\.[0-9]{9} +$((base + 1)) +$E +-$" "$T/mon"
check "monitor text: consecutive seqnos with intervals" [ "$(grep -Ec "^[^ ]+ +[0-9]+\.[0-9]{9} +[0-9]+ +$E +\+0\.[0-9]{9}$" "$T/mon")" -eq 4 ]
check "monitor text: last seqno" grep -Eq " $((base + 5)) +$E " "$T/mon"
check "monitor text: summary on stderr" grep -q "^irqcap0: 5 records (5 irq, 0 timeout, 0 marker, 0 overflow); lost 0 records in overflows; 0 interrupts missing by seqno (0 not reported by an overflow)$" "$T/monerr"

# ---- monitor, json, two devices --------------------------------------------------
sleep 0.4	# let irqcap1's idle timeout from earlier activity pass
$IRQCAP monitor irqcap0 /dev/irqcap1 --format json --count 6 --timeout 30 >"$T/monj" 2>/dev/null &
pid=$!
wait_readers 0 1
wait_readers 1 1
raise -t 5 3 10000
raise -t 7 3 10000
wait $pid; rc=$?
check "monitor json two devices exits 0" [ $rc -eq 0 ]
check "monitor json: 6 objects" [ "$(lines "$T/monj")" -eq 6 ]
check "monitor json: 3 irq from irqcap0" [ "$(grep -c '^{"device":"irqcap0","type":"irq","timestamp_ns":[0-9]*,"seqno":[0-9]*,"interval_ns":\(null\|[0-9]*\),"lost":0,"seq_gap":0,"data":0,"edge":\(null\|"rising"\|"falling"\),"clock":"monotonic","label":\(null\|"[^"]*"\)}$' "$T/monj")" -eq 3 ]
check "monitor json: 3 irq from irqcap1" [ "$(grep -c '^{"device":"irqcap1","type":"irq",' "$T/monj")" -eq 3 ]
check "monitor json: first of each device has null interval" [ "$(grep -c '"interval_ns":null' "$T/monj")" -eq 2 ]

# ---- monitor, csv --------------------------------------------------------------
sleep 0.4	# irqcap1's idle timeout (if set) from the burst above
$IRQCAP monitor 1 --format csv --count 2 --timeout 30 >"$T/monc" 2>/dev/null &
pid=$!
wait_readers 1 1
raise -t 7 2 10000
wait $pid; rc=$?
check "monitor csv exits 0" [ $rc -eq 0 ]
check "monitor csv header" [ "$(head -n1 "$T/monc")" = "device,type,timestamp_ns,seqno,interval_ns,lost,seq_gap,data,edge,clock" ]
check "monitor csv rows" [ "$(grep -Ec '^irqcap1,irq,[0-9]+,[0-9]+,[0-9]*,0,0,0,(rising|falling)?,monotonic$' "$T/monc")" -eq 2 ]

# ---- timeouts and exit codes ------------------------------------------------------
sleep 0.4
$IRQCAP monitor 0 --count 3 --timeout 1 >/dev/null 2>"$T/err"; rc=$?
check "monitor --timeout before --count: exit 5" [ $rc -eq 5 ]
$IRQCAP monitor 0 --timeout 0.5 >/dev/null 2>&1; rc=$?
check "monitor --timeout alone: exit 0" [ $rc -eq 0 ]
$IRQCAP monitor 9 >/dev/null 2>"$T/err"; rc=$?
check "monitor missing device: exit 3" [ $rc -eq 3 ]
check "monitor missing device: message" grep -q "irqcap9: no such device (irqcap devices present: irqcap0 irqcap1)" "$T/err"

# ---- idle timeout record (irqcap1) ---------------------------------------------------
$IRQCAP set 1 idle_timeout_ms 200 >/dev/null
$IRQCAP monitor 1 --format json --count 2 --timeout 30 >"$T/tmo" 2>/dev/null &
pid=$!
wait_readers 1 1
raise -t 7 1
wait $pid
s=$(sed -n 1p "$T/tmo" | sed -n 's/.*"seqno":\([0-9]*\),.*/\1/p')
check "timeout record after the idle period" grep -Eq "^\{\"device\":\"irqcap1\",\"type\":\"timeout\",\"timestamp_ns\":[0-9]+,\"seqno\":$s,\"interval_ns\":null,\"lost\":0,\"seq_gap\":0,\"data\":(19[0-9]|[2-9][0-9][0-9])[0-9]{6},\"edge\":null,\"clock\":\"monotonic\",\"label\":(null|\"[^\"]*\")\}$" "$T/tmo"

# ---- marker --------------------------------------------------------------------------
$IRQCAP monitor 0 --format json --count 1 --timeout 30 >"$T/mark" 2>/dev/null &
pid=$!
wait_readers 0 1
printf '\052\000\000\000\000\000\000\000' >/dev/irqcap0
wait $pid
check "marker record" grep -Eq '^\{"device":"irqcap0","type":"marker",.*"data":42,"edge":null,.*\}$' "$T/mark"

# ---- overflow: a stopped reader loses records, told exactly how many ------------------------
ring=$(attr 0 ring_size)
last=$(attr 0 events_committed)
dropped0=$(attr 0 dropped)
$IRQCAP monitor 0 --format json --count 2 --timeout 60 >"$T/ovf" 2>/dev/null &
pid=$!
wait_readers 0 1
kill -STOP $pid
raise 5 $((ring + 100)) 500
kill -CONT $pid
wait $pid; rc=$?
check "overflow: exit 0" [ $rc -eq 0 ]
lost=$(sed -n 1p "$T/ovf" | sed -n 's/^{"device":"irqcap0","type":"overflow",.*"lost":\([0-9]*\),.*/\1/p')
check "overflow: first record is an overflow with a loss" [ "${lost:-0}" -gt 0 ]
next=$(sed -n 2p "$T/ovf" | sed -n 's/^{"device":"irqcap0","type":"irq",.*"seqno":\([0-9]*\),.*/\1/p')
check "overflow: next irq seqno = previous + 1 + lost" [ "${next:-x}" = "$((last + 1 + ${lost:-0}))" ]
check "overflow: sysfs dropped grew by lost" [ "$(attr 0 dropped)" -eq $((dropped0 + ${lost:-0})) ]

# ---- stats ---------------------------------------------------------------------------
$IRQCAP stats 0 >"$T/st" 2>&1; rc=$?
check "stats exits 0" [ $rc -eq 0 ]
check "stats title" grep -Eq '^irqcap0: irq 5, bottom_half [a-z]+, ring [0-9]+ records, debounce_us 0, idle_timeout_ms 0, wakeup_holdoff_us 0$' "$T/st"
for c in irqs_seen events_committed debounced dropped timeouts overruns commits readers throttled suspends rate rate_avg; do
	check "stats counter $c" grep -Eq "^  $c +[0-9]+   " "$T/st"
done
check "stats events_committed matches sysfs" grep -Eq "^  events_committed +$(attr 0 events_committed)   " "$T/st"
check "stats draws irq_to_commit" grep -Eq '^latency irq_to_commit \(.*\): [1-9][0-9]* samples, max ' "$T/st"
check "stats draws bars" grep -Eq '^ +[0-9.]+[nmu]?s(\.\.[0-9.]+[nmu]?s)? \|#+ +[1-9][0-9]*$' "$T/st"
check "stats via ioctl (no sysfs-only note)" sh -c "! grep -q 'counters from sysfs only' '$T/st'"
$IRQCAP stats /dev/irqcap1 --format json >"$T/stj"; rc=$?
check "stats json exits 0" [ $rc -eq 0 ]
check "stats json shape" grep -Eq '^\{"device":"irqcap1","irq":7,"bottom_half":"[a-z]+","ring_size":[0-9]+,"debounce_us":[0-9]+,"idle_timeout_ms":200,"wakeup_holdoff_us":[0-9]+,"irqs_seen":[0-9]+,"events_committed":[0-9]+,"debounced":[0-9]+,"dropped":[0-9]+,"timeouts":[1-9][0-9]*,"overruns":[0-9]+,"commits":[0-9]+,"readers":0,"throttled":[0-9]+,"suspends":[0-9]+,"rate":[0-9]+,"rate_avg":[0-9]+,"rate_measured":null,"source":"ioctl","latency":\{"irq_to_commit":\{"max_ns":[0-9]+,"buckets":\[.*\]\},"irq_to_read":.*,"commit_to_read":.*\}\}$' "$T/stj"
$IRQCAP stats irqcap0 --watch --interval 0.5 --count 2 --format json --no-latency >"$T/stw"; rc=$?
check "stats --watch --count 2: exit 0, two objects" [ $rc -eq 0 -a "$(lines "$T/stw")" -eq 2 ]
check "stats --watch: second has rate_measured" sh -c "sed -n 2p '$T/stw' | grep -Eq '\"rate_measured\":[0-9]+\.[0-9]{3},.*\"latency\":null\}$'"
$IRQCAP stats 7 >/dev/null 2>&1; rc=$?
check "stats missing device: exit 3" [ $rc -eq 3 ]

# ---- set -----------------------------------------------------------------------------
out=$($IRQCAP set 0 debounce_us 100); rc=$?
check "set debounce_us: exit 0 and old -> new" [ $rc -eq 0 -a "$out" = "irqcap0: debounce_us: 0 -> 100" ]
check "set debounce_us: sysfs" [ "$(attr 0 debounce_us)" = 100 ]
$IRQCAP set 0 debounce_us 0 >/dev/null
# monitor_n N PERIOD_US: `monitor irqcap0 --count N` gets all N edges raised on IRQ 5
monitor_n() {
	local pid
	$IRQCAP monitor 0 --format csv --no-header --count "$1" --timeout 30 >"$T/mon" 2>/dev/null &
	pid=$!
	wait_readers 0 1
	raise -t 5 "$1" "$2"
	wait "$pid" && [ "$(grep -c '^irqcap0,irq,' "$T/mon")" -eq "$1" ]
}
bh=$(attr 0 bottom_half)
for m in hardirq tasklet workqueue threaded; do
	out=$($IRQCAP set irqcap0 bottom_half $m); rc=$?
	check "set bottom_half $m" [ $rc -eq 0 -a "$(attr 0 bottom_half)" = $m ]
	check "monitor under $m: 3 events" monitor_n 3 10000
done
$IRQCAP set 0 bottom_half "$bh" >/dev/null
$IRQCAP set 0 bottom_half fast >/dev/null 2>"$T/err"; rc=$?
check "set bad mode: exit 2, unchanged" [ $rc -eq 2 -a "$(attr 0 bottom_half)" = "$bh" ]
check "set bad mode: lists modes" grep -q "hardirq, threaded, tasklet, workqueue" "$T/err"
$IRQCAP set 0 idle_timeout_ms 3600001 >/dev/null 2>&1; rc=$?
check "set out of range: exit 2, unchanged" [ $rc -eq 2 -a "$(attr 0 idle_timeout_ms)" = 0 ]
$IRQCAP set 0 debounce_us 1000001 >/dev/null 2>&1; rc=$?
check "set debounce over max: exit 2" [ $rc -eq 2 ]
out=$($IRQCAP set 0 wakeup_holdoff_us 5000); rc=$?
check "set wakeup_holdoff_us: exit 0 and old -> new" [ $rc -eq 0 -a "$out" = "irqcap0: wakeup_holdoff_us: 0 -> 5000" ]
check "set wakeup_holdoff_us: sysfs" [ "$(attr 0 wakeup_holdoff_us)" = 5000 ]
$IRQCAP stats 0 --no-latency >"$T/st" 2>&1
check "stats shows wakeup_holdoff_us" grep -Eq '^irqcap0: .*, wakeup_holdoff_us 5000$' "$T/st"
check "monitor under wakeup hold-off: 5 events" monitor_n 5 1000
$IRQCAP set 0 wakeup_holdoff_us 100001 >/dev/null 2>"$T/err"; rc=$?
check "set wakeup_holdoff_us over max: exit 2, unchanged" [ $rc -eq 2 -a "$(attr 0 wakeup_holdoff_us)" = 5000 ]
check "set wakeup_holdoff_us over max: says range" grep -q "out of range (0..100000" "$T/err"
$IRQCAP set 0 wakeup_holdoff_us 0 >/dev/null
check "set wakeup_holdoff_us back to 0 (off)" [ "$(attr 0 wakeup_holdoff_us)" = 0 ]
$IRQCAP set 5 debounce_us 1 >/dev/null 2>&1; rc=$?
check "set missing device: exit 3" [ $rc -eq 3 ]
$IRQCAP set 0 ring_size 64 >/dev/null 2>"$T/err"; rc=$?
check "set read-only key: exit 2" [ $rc -eq 2 ]
check "set read-only key: lists settable keys" grep -q "settable: bottom_half, debounce_us, idle_timeout_ms, wakeup_holdoff_us, storm_limit, storm_hold_ms)" "$T/err"
if [ -e /sys/class/misc/irqcap0/device/storm_limit ]; then
	out=$($IRQCAP set 0 storm_limit 1000); rc=$?
	check "set storm_limit: exit 0, sysfs 1000" [ $rc -eq 0 -a "$(attr 0 storm_limit)" = 1000 ]
	$IRQCAP set 0 storm_limit 0 >/dev/null
else
	$IRQCAP set 0 storm_limit 1000 >/dev/null 2>"$T/err"; rc=$?
	check "set storm_limit on a driver without it: exit 2, says too old" [ $rc -eq 2 ] && grep -q "too old" "$T/err"
fi
$IRQCAP --help >/dev/null; rc=$?
check "--help: exit 0" [ $rc -eq 0 ]

# ---- info: IRQCAP_IOC_INFO (and SOURCE where the driver has it) -------------------
$IRQCAP info 0 --format json >"$T/info" 2>&1; rc=$?
check "info json: exit 0, INFO as sysfs says (ABI 3, irq 5, ring $(attr 0 ring_size))" \
	grep -q "^{\"device\":\"irqcap0\",\"label\":[^,]*,\"info\":{\"abi_version\":3,\"event_size\":32,\"ring_size\":$(attr 0 ring_size),\"irq\":5,\"trigger\":\"[a-z]*\"," "$T/info"
if grep -q '"source":null' "$T/info"; then
	echo "ok - cli: info: source # SKIP the driver has no IRQCAP_IOC_SOURCE"
else
	check "info json: source names the ACPI node" grep -q '"source":{"label":"[^"]*","fwnode":"\\\\_SB_\{0,1\}\.IQC0","irqchip":"[^"]*","gpiochip":"","hwirq":5,"gpio_line":-1,"trigger":"[a-z]*"}}$' "$T/info"
fi
sed 's/^/# info: /' "$T/info"

# ---- labels (the firmware's "label" property): in list, and as DEV ----------------
label=$(cat /sys/class/misc/irqcap1/device/label 2>/dev/null)
if [ -n "$label" ]; then
	$IRQCAP list >"$T/list" 2>&1
	check "list shows irqcap1's label '$label'" grep -Eq "^irqcap1 +$label +7 " "$T/list"
	$IRQCAP list --format json >"$T/listj" 2>&1
	check "list json: irqcap1's label" grep -q "^{\"device\":\"irqcap1\",\"label\":\"$label\"," "$T/listj"
	$IRQCAP stats "$label" --no-latency >"$T/st" 2>&1; rc=$?
	check "stats LABEL is irqcap1" [ $rc -eq 0 -a "$(head -c 8 "$T/st")" = "irqcap1:" ]
	# The link udev's rule makes (debian/irqcap-tools.udev; irqcap-source-test
	# checks it with udevd running).  No udevd runs now: the link is what
	# that test left, if anything (missing in 1 of 2 fresh-machine runs,
	# why not found, and in every --filter cli run; the check was silently
	# skipped then).  Made here as the rule makes it when missing, so the
	# path form is always tested.
	if [ ! -e /dev/irqcap/by-label/"$label" ]; then
		mkdir -p /dev/irqcap/by-label
		ln -sfn ../../irqcap1 /dev/irqcap/by-label/"$label"
	fi
	for dev in "$label" /dev/irqcap/by-label/"$label"; do
		to0=$(attr 1 timeouts)
		$IRQCAP monitor "$dev" --format json --count 2 --timeout 30 >"$T/lab" 2>"$T/err" &
		pid=$!
		wait_readers 1 1
		raise -t 7 2 1000
		wait $pid; rc=$?
		check "monitor $dev: 2 irq records of irqcap1, labelled" [ $rc -eq 0 -a "$(grep -c "^{\"device\":\"irqcap1\",\"type\":\"irq\",.*\"label\":\"$label\"}$" "$T/lab")" -eq 2 ]
		[ $rc -eq 0 ] || echo "# monitor $dev: exit $rc, $(lines "$T/lab") records, stderr: $(head -c 300 "$T/err")"
		# irqcap1's idle timeout (200 ms, set above) closes these edges' idle
		# period with a TIMEOUT record: wait for it, or the next reader, if it
		# opens before, counts it as one of its 2 records (the KCSAN kernel's
		# CLI is that slow: 'monitor /dev/irqcap/by-label/doorbell' failed there)
		i=0
		while [ "$(attr 1 timeouts)" = "$to0" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
else
	echo "ok - cli: labels # SKIP irqcap1 has no label (the driver has no label attribute or the SSDT none)"
fi

# ---- ABI 3: the reader's clock, read modes, libirqcap's C example ----------------
# --clock realtime: the records' times are wall time around the raise
before=$(date +%s)
$IRQCAP monitor 0 --clock realtime --format json --count 3 --timeout 30 >"$T/rt" 2>/dev/null &
pid=$!
wait_readers 0 1
raise -t 5 3 1000
wait $pid; rc=$?
after=$(date +%s)
check "--clock realtime: exit 0, 3 records on CLOCK_REALTIME" [ $rc -eq 0 -a "$(grep -c '"clock":"realtime"' "$T/rt")" -eq 3 ]
ts=$(sed -n '1s/.*"timestamp_ns":\([0-9]*\),.*/\1/p' "$T/rt")
check "--clock realtime: $before <= ${ts%?????????} <= $after (s)" [ "${ts%?????????}" -ge "$before" -a "${ts%?????????}" -le "$after" ]
# mmap: only once the driver offers the mapped ring (IRQCAP_INFO_MMAP)
modes="read auto"
$IRQCAP monitor 0 --read-mode mmap --timeout 0.1 >/dev/null 2>"$T/err"; rc=$?
if [ $rc -eq 0 ]; then
	modes="$modes mmap"
else
	echo "ok - cli: --read-mode mmap # SKIP the driver has no mapped ring ($(cat "$T/err"))"
fi
# the C example: the tree's static build, or what tests/run-integration.sh staged instead
origin=
[ -r /etc/minimal-reader.origin ] && origin=" ($(cat /etc/minimal-reader.origin))"
# every_event MODE: monitor and the C example each see every raised edge once
every_event() {
	$IRQCAP monitor 0 --read-mode "$1" --format csv --no-header --count 6 --timeout 30 >"$T/m.$1" 2>/dev/null &
	pid=$!
	ex=
	if [ -x /bin/minimal-reader ]; then
		minimal-reader irqcap0 6 monotonic "$1" >"$T/x.$1" 2>&1 &
		ex=$!
	fi
	n=1
	[ -n "$ex" ] && n=2
	wait_readers 0 $n
	if [ "$1" != read ]; then
		wait_reader_pages $pid $ex
		check "monitor --read-mode $1: the reader page mapped" reader_page $pid
		[ -n "$ex" ] && check "C example, mode $1: the reader page mapped" reader_page $ex
	fi
	raise -t 5 6 2000
	wait $pid; rc=$?
	first=$(sed -n '1s/^irqcap0,irq,[0-9]*,\([0-9]*\),.*/\1/p' "$T/m.$1")
	last=$(sed -n '6s/^irqcap0,irq,[0-9]*,\([0-9]*\),.*/\1/p' "$T/m.$1")
	check "monitor --read-mode $1: 6 edges, 6 consecutive seqnos" [ $rc -eq 0 -a "$(grep -c '^irqcap0,irq,' "$T/m.$1")" -eq 6 -a "$(( ${last:-0} - ${first:-0} ))" -eq 5 ]
	if [ -n "$ex" ]; then
		wait $ex; rc=$?
		check "C example$origin, mode $1: 6 irq records, 0 lost, 0 bad" [ $rc -eq 0 -a "$(tail -n1 "$T/x.$1")" = "# 6 records, 6 irq, 0 lost, 0 bad" ]
	fi
}
for m in $modes; do
	every_event $m
done

rm -rf "$T"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
