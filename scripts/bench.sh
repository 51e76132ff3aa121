#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# irqcap benchmark (docs/bench.md): one QEMU boot of Debian's 6.1 kernel with
# pc-testdev and three interrupt lines, and in turn irqcap in every bottom-half
# mode, a counting-only handler (the cost floor) and uio_pdrv_genirq (built
# from linux-source-6.1, opened to ACPI PRP0001).  Not a pass/fail test.
#
# usage: scripts/bench.sh [--reps R] [--burst N] [--rates RATE:N,...]
#                         [--only C1,C2] [--out DIR] [--kernel VMLINUZ]
#                         [--module KO] [--kunit | --kunit-only] [--boots B]
#                         [--compare KO [--tag NAME]] [--clocksource tsc|hpet]
#   --reps R      repetitions of every run inside the VM (default 3; medians)
#   --boots B     boot the VM B times (default 1), all runs pooled for medians
#   --burst N     edges raised back to back (default 20000)
#   --rates ...   fixed rates in edges/s with their edge counts
#                 (default ping:300,1000:2000,10000:10000,50000:25000)
#   --only ...    contenders: count, count-ktime, irqcap-hardirq, irqcap-threaded,
#                 irqcap-tasklet, irqcap-workqueue, uio, counter, counter-maxq,
#                 gpio-cdev, gpio-cdev-rising, gpio-cdev-1024, irqcap-mmap,
#                 irqcap-mmap-h100
#                 (default: these and the -busy, -noreader and -h100 variants);
#                 count-lock, count-mb (top-half pricing) and irqcap-gpio
#                 (alone on its gpio-sim line, for --insns) only by name
#   --compare KO  a second irqcap.ko, swapped in after each repetition's runs
#                 (same boot): its rows are named irqcap-MODE/NAME (default "b")
#   --clocksource the guest's (default tsc: TCG's TSC looks unstable to the
#                 kernel, which then falls back to HPET, an emulated MMIO
#                 read per ktime_get_ns() and a syscall per clock_gettime())
#   --idle-poll   boot the guest with idle=poll: an idle vCPU spins instead of
#                 halting, so a wake-up is not a host thread wake-up (TCG's
#                 ~100 us); latencies then show the kernel's and driver's work
#   --accel A     QEMU accelerator, tcg (default) or kvm: the rate and
#                 latency targets are TCG-bound here, but /dev/kvm hangs on
#                 the project's machines, so kvm is untried (not with --insns)
#   --no-pin      leave QEMU's vCPU threads to the host scheduler (default: pin
#                 vCPU n to host CPU n, so that a vCPU that sleeps and wakes is
#                 not put on the other vCPU's host CPU; needs 2 host CPUs)
#   --perf C1,C2  instead of the benchmark, profile bursts of these contenders
#                 with the host's perf (6.1, copied into the guest with its
#                 libraries): perf record -a -e cpu-clock, flat profile per
#                 contender in perf.txt (TCG has no PMU: a software clock)
#   --insns C1,C2 instead of the benchmark, count the guest instructions of
#                 these contenders' bursts with a QEMU plugin
#                 (tests/bench/insncount.c), per edge and per function, in
#                 insns.txt (TCG's cost is close to proportional to them)
#   --with-insns  first an --insns boot (1 repetition) of every contender of
#                 the run, into the same OUT: the table's insns/ev column
#   --kunit       also run the ring vs kfifo KUnit micro-benchmark (UML)
#   --kunit-only  only that
# Results (not committed): build/bench/ by default: table.txt, runs.csv,
# summary.csv, summary.json, latency.png, console.log (with a HOST line per run:
# the host CPUs and QEMU threads in its window, tests/bench/hoststat.py),
# kunit-bench.txt.
set -u -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/qemu.sh
. "$top/tests/lib/qemu.sh"

reps=3 boots=1 burst=20000 rates=ping:300,1000:2000,10000:10000,50000:25000 only=''
out=$top/build/bench kernel='' module='' kunit=no compare='' tag=b clocksource=tsc pin=yes idlepoll=no
accel=tcg
perf='' insns='' withinsns=no
usage() { sed -n '4,/^[^#]/s/^# \{0,1\}//p' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=$2; shift 2;;
	--boots) boots=$2; shift 2;;
	--burst) burst=$2; shift 2;;
	--rates) rates=$2; shift 2;;
	--only) only=$2; shift 2;;
	--out) out=$2; shift 2;;
	--kernel) kernel=$2; shift 2;;
	--module) module=$2; shift 2;;
	--compare) compare=$2; shift 2;;
	--clocksource) clocksource=$2; shift 2;;
	--tag) tag=$2; shift 2;;
	--accel) accel=$2; shift 2;;
	--no-pin) pin=no; shift;;
	--idle-poll) idlepoll=yes; shift;;
	--perf) perf=$2; shift 2;;
	--insns) insns=$2; shift 2;;
	--with-insns) withinsns=yes; shift;;
	--kunit) kunit=yes; shift;;
	--kunit-only) kunit=only; shift;;
	-h|--help) usage 0;;
	*) usage 2 >&2;;
	esac
done
case $accel in
tcg | kvm) ;;
*) echo "bench.sh: --accel: tcg or kvm" >&2; exit 2;;
esac
if [ "$accel" = kvm ] && [ -n "$insns" ]; then
	echo "bench.sh: --insns needs TCG (it is a TCG plugin)" >&2
	exit 2
fi
export IRQCAP_QEMU_ACCEL=$accel
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "# bench: $*" >&2; }
die() { log "$*"; exit 1; }

# the contenders of a default run, for --with-insns
all_contenders=count,count-ktime,irqcap-hardirq-noreader,irqcap-hardirq,irqcap-threaded,irqcap-tasklet,irqcap-workqueue,uio,counter,counter-maxq,gpio-cdev,gpio-cdev-rising,gpio-cdev-1024,irqcap-gpio,irqcap-mmap,irqcap-mmap-h100
if [ -z "$insns" ] && [ -z "$perf" ]; then
	rm -f "$out/insns.txt"
	if [ "$withinsns" = yes ]; then
		log "--with-insns: an --insns boot first"
		a=(--insns "${only:-$all_contenders}" --reps 1 --burst "$burst" --out "$out" --accel "$accel")
		[ -n "$kernel" ] && a+=(--kernel "$kernel")
		[ -n "$module" ] && a+=(--module "$module")
		"$0" "${a[@]}" >/dev/null || die "the --insns boot failed"
		mv "$out/console.log" "$out/console-insns.log"
	fi
fi

if [ "$kunit" != no ]; then
	log "KUnit ring vs kfifo (UML; first run builds a kernel, ~3 min on 2 cores)"
	"$top/tests/bench/kunit-bench.sh" "$out" || die "KUnit benchmark failed"
	[ "$kunit" = only ] && exit 0
fi

[ -n "$kernel" ] || kernel=$(irqcap_default_kernel) || die "no kernel image"
abi=${kernel##*/vmlinuz-}
kdir=/usr/src/linux-headers-$abi
[ -n "$module" ] || module=$top/src/irqcap.ko
if [ ! -r "$module" ]; then
	log "building irqcap.ko"
	make -s -C "$top" KDIR="$kdir" >&2 || die "irqcap.ko does not build"
fi
for f in "$kernel" "$module" "$kdir/Makefile"; do
	[ -r "$f" ] || die "missing $f"
done
command -v gnuplot >/dev/null || log "gnuplot missing (apt-get install gnuplot-nox): no plot"

work=$out/work
rm -rf "$work" && mkdir -p "$work/root" "$work/count" "$work/uio/drivers/uio" "$work/src"

# guest program
gcc -static -pthread -O2 -Wall -Wextra -Werror -o "$work/root/irqbench" \
	"$top/tests/bench/irqbench.c" || die "irqbench does not build"
# the counting-only handler
cp "$top/tests/bench/count/irqcnt_bench.c" "$top/tests/bench/count/Kbuild" "$work/count/"
make -s -C "$kdir" M="$work/count" modules >"$work/count/build.log" 2>&1 ||
	{ cat "$work/count/build.log" >&2; die "irqcnt_bench.ko does not build"; }
# The peers from the same kernel's source, in one pass over the tarball:
# uio_pdrv_genirq (opened to PRP0001), the counter chrdev with interrupt-cnt
# and gpio-sim with irq_sim (Debian amd64 has CONFIG_COUNTER, CONFIG_GPIO_SIM
# and CONFIG_IRQ_SIM off)
src=${IRQCAP_KUNIT_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
pfx=$(tar -tf "$src" | head -1 | cut -d/ -f1)
members="drivers/uio/uio_pdrv_genirq.c drivers/counter/counter-core.c drivers/counter/counter-sysfs.c
	drivers/counter/counter-sysfs.h drivers/counter/counter-chrdev.c drivers/counter/counter-chrdev.h
	drivers/counter/interrupt-cnt.c drivers/gpio/gpio-sim.c drivers/gpio/gpiolib.h kernel/irq/irq_sim.c"
# shellcheck disable=SC2046,SC2086
tar -xf "$src" -C "$work/src" --strip-components=1 $(printf "$pfx/%s " $members) ||
	die "the peers' sources are not all in $src"
cp "$work/src/drivers/uio/uio_pdrv_genirq.c" "$work/uio/drivers/uio/"
(cd "$work/uio" && patch -s -p1 <"$top/tests/bench/uio/uio_pdrv_genirq-fwnode.patch") ||
	die "the UIO patch does not apply"
(cd "$work/src" && patch -s -p1 <"$top/tests/bench/gpiosim/irq_sim-module.patch") ||
	die "the irq_sim patch does not apply"
mkdir -p "$work/counter" "$work/gpiosim"
cp "$work/src/drivers/counter/"*.[ch] "$top/tests/bench/counter/Kbuild" "$work/counter/"
cp "$work/src/drivers/gpio/gpio-sim.c" "$work/gpiosim/gpio-sim-main.c"
cp "$work/src/drivers/gpio/gpiolib.h" "$work/src/kernel/irq/irq_sim.c" \
	"$top/tests/bench/gpiosim/Kbuild" "$top/tests/bench/gpiosim/irqcap_gpiosim_bench.c" "$work/gpiosim/"
for d in counter gpiosim; do
	nice -n 10 make -s -j2 -C "$kdir" M="$work/$d" modules >"$work/$d/build.log" 2>&1 ||
		{ cat "$work/$d/build.log" >&2; die "the $d modules do not build"; }
done
cp "$work/counter/counter.ko" "$work/counter/interrupt-cnt.ko" "$work/gpiosim/gpio-sim.ko" \
	"$work/gpiosim/irqcap_gpiosim_bench.ko" "$work/root/"
echo 'obj-m += uio_pdrv_genirq.o' >"$work/uio/drivers/uio/Kbuild"
make -s -C "$kdir" M="$work/uio/drivers/uio" modules >"$work/uio/build.log" 2>&1 ||
	{ cat "$work/uio/build.log" >&2; die "uio_pdrv_genirq.ko does not build"; }
uio=$(find "/lib/modules/$abi/kernel/drivers/uio" -name 'uio.ko*' | head -1)
[ -n "$uio" ] || die "no uio.ko for $abi (linux-image-$abi installs it)"
cfs=$(find "/lib/modules/$abi/kernel/fs/configfs" -name 'configfs.ko*' | head -1)
[ -n "$cfs" ] || die "no configfs.ko for $abi (gpio-sim needs it)"
for m in "$uio" "$cfs"; do
	b=${m##*/}
	b=${b%%.ko*}.ko
	case $m in
	*.xz) xz -dc "$m" >"$work/root/$b";;
	*.zst) zstd -qdc "$m" >"$work/root/$b";;
	*) cp "$m" "$work/root/$b";;
	esac
done
cp "$module" "$work/root/irqcap.ko"
if [ -n "$compare" ]; then
	cp "$compare" "$work/root/irqcap-b.ko" || die "no $compare"
fi
cp "$work/count/irqcnt_bench.ko" "$work/uio/drivers/uio/uio_pdrv_genirq.ko" "$work/root/"
install -m 755 "$top/tests/bench/init.sh" "$work/root/init"
if [ -n "$perf" ]; then
	# the binary, its libraries and the dynamic loader, at their own paths
	pbin=$(command -v perf) || die "--perf: no perf on the host (apt-get install linux-perf)"
	mkdir -p "$work/root/usr/bin"
	cp -L "$pbin" "$work/root/usr/bin/perf"
	for l in $(ldd "$pbin" | grep -o '/[^ ]*'); do
		cp -L --parents "$l" "$work/root/" || die "--perf: cannot copy $l"
	done
fi
irqcap_build_ssdt "$top/tests/bench/ssdt-bench.asl" "$work/ssdt.aml" || die "iasl failed"
irqcap_build_initramfs "$work/root" "$work/initrd.gz" || die "initramfs failed"

# Pin the guest's vCPU threads ("CPU n/TCG", "CPU n/KVM") of the QEMU that
# irqcap_qemu --bg started ($1: its timeout's pid, QEMU its child) to host
# CPU n.  (Not the newest QEMU on the host: other users' QEMUs share it.)
pin_vcpus() {
	local pid='' t
	for _ in $(seq 1 100); do
		pid=$(pgrep -P "$1" -f 'qemu-system-') && break
		sleep 0.1
	done
	[ -n "$pid" ] || { log "no QEMU to pin"; return 0; }
	for _ in $(seq 1 100); do
		[ "$(grep -lE '^CPU [01]/(TCG|KVM)$' /proc/"$pid"/task/*/comm 2>/dev/null | wc -l)" -eq 2 ] && break
		sleep 0.1
	done
	for t in /proc/"$pid"/task/*; do
		case $(cat "$t/comm" 2>/dev/null) in
		"CPU 0/TCG" | "CPU 0/KVM") taskset -p -c 0 "${t##*/}" >/dev/null && log "vCPU 0 (thread ${t##*/}) pinned to host CPU 0";;
		"CPU 1/TCG" | "CPU 1/KVM") taskset -p -c 1 "${t##*/}" >/dev/null && log "vCPU 1 (thread ${t##*/}) pinned to host CPU 1";;
		esac
	done
}

args="irqbench.args=$reps,$burst,$(echo "$rates" | tr , +)"
[ -n "$only" ] && args="$args,$(echo "$only" | tr , +)"
[ -n "$compare" ] && args="$args irqbench.tagb=$tag"
case $clocksource in
tsc) args="$args clocksource=tsc tsc=reliable";;
*) args="$args clocksource=$clocksource";;
esac
[ "$idlepoll" = yes ] && args="$args idle=poll"
[ -n "$perf" ] && args="$args irqbench.perf=$(echo "$perf" | tr , +)"
if [ -n "$insns" ]; then
	gcc -shared -fPIC -O2 -Wall -Wextra -Werror -fvisibility=hidden \
		-o "$work/insncount.so" "$top/tests/bench/insncount.c" || die "the QEMU plugin does not build"
	args="irqbench.args=$reps,$burst,ping:1,$(echo "$insns" | tr , +) irqbench.insns=1 clocksource=tsc tsc=reliable"
	export IRQCAP_QEMU_ARGS="-plugin $work/insncount.so,out=$work/insns-raw.txt"
fi
: >"$out/console.log"
for b in $(seq 1 "$boots"); do
	log "boot $b/$boots: ${kernel##*/}, $reps reps, burst $burst, rates $rates"
	start=$(date +%s)
	irqcap_qemu x86_64 --kernel "$kernel" --initrd "$work/initrd.gz" --ssdt "$work/ssdt.aml" \
		--append "$args" --timeout 1800 --log "$work/console-$b.log" --bg
	# what the host did during each run: HOST lines (tests/bench/hoststat.py);
	# pinned beside vCPU 1, the reader's, not vCPU 0, the raiser's (it costs
	# ~5 % of a CPU: on CPU 0 it preempted the raiser)
	: >"$work/host-$b.log"
	hpin=()
	[ "$pin" = yes ] && [ "$(nproc)" -ge 2 ] && hpin=(taskset -c 1)
	"${hpin[@]}" python3 "$top/tests/bench/hoststat.py" "$IRQCAP_QEMU_PID" "$work/console-$b.log" \
		"$b" "$work/host-$b.log" &
	hpid=$!
	[ "$pin" = yes ] && [ "$(nproc)" -ge 2 ] && pin_vcpus "$IRQCAP_QEMU_PID"
	wait "$IRQCAP_QEMU_PID"
	log "guest ran $(( $(date +%s) - start )) s"
	kill "$hpid" 2>/dev/null
	wait "$hpid" || log "hoststat.py failed (no HOST lines for boot $b)"
	tr -d '\r' <"$work/console-$b.log" | sed "s/^RES /RES boot=$b /" >>"$out/console.log"
	cat "$work/host-$b.log" >>"$out/console.log"
	grep -q '^=== irqbench done' "$work/console-$b.log" ||
		{ tail -30 "$work/console-$b.log" >&2; die "the guest did not finish (see $out/console.log)"; }
done
grep -v -e '^# ksym' -e '^# insns mark' "$out/console.log" | grep '^# ' | sort -u | sed 's/^/# guest: /' >&2
if [ -n "$insns" ]; then
	python3 "$top/tests/bench/insns.py" "$work/insns-raw.txt" "$out/console.log" \
		"$work/root/irqbench" "$burst" >"$out/insns.txt" ||
		die "insns.py failed"
	cat "$out/insns.txt"
	exit 0
fi
if [ -n "$perf" ]; then
	sed -n '/^=== perf .* begin/,/^=== perf .* end/p' "$out/console.log" >"$out/perf.txt"
	[ -s "$out/perf.txt" ] || die "no profile in the guest's output (see $out/console.log)"
	cat "$out/perf.txt"
	exit 0
fi

IRQCAP_BENCH_IDLE_POLL=$idlepoll python3 "$top/tests/bench/report.py" "$out" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
	"$(uname -n), $(nproc) host CPUs (load $(cut -d' ' -f1-3 /proc/loadavg)), $("$(irqcap_qemu_bin x86_64)" --version | head -1 | sed 's/ (.*//'), ${accel^^} -smp 2, guest ${kernel##*/vmlinuz-}, clocksource $(sed -n 's/^# clocksource: //p' "$out/console.log" | head -1)" ||
	die "report failed"
if command -v gnuplot >/dev/null && [ -s "$out/cdf.dat" ]; then
	gnuplot "$out/latency.gp" 2>"$work/gnuplot.log" || log "gnuplot failed: $(cat "$work/gnuplot.log")"
fi
cat "$out/table.txt"
[ -s "$out/kunit-bench.txt" ] && { echo; cat "$out/kunit-bench.txt"; }
log "results in $out (table.txt runs.csv summary.csv summary.json latency.png)"
