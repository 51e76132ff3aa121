#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the benchmark guest (scripts/bench.sh): load irqcap, the counting
# handler and UIO, run irqbench with the arguments from the kernel command
# line (irqbench.args=REPS,BURST,RATE:N+RATE:N,CONTENDER+...), power off.
# shellcheck source=../guest/init-lib.sh
. /lib/irqcap/init-lib.sh
guest_init
guest_insmod /irqcap.ko
guest_insmod /irqcnt_bench.ko
guest_insmod /uio.ko
guest_insmod /uio_pdrv_genirq.ko of_id=irqcap,bench-uio
# the counter chrdev with interrupt-cnt on IRQ 10 (PRP0001 "interrupt-counter")
guest_insmod /counter.ko && guest_insmod /interrupt-cnt.ko &&
	echo 1 >/sys/bus/counter/devices/counter0/count0/enable
# gpio-sim (configfs): one bank "irqbench" of 2 lines; line 0 for gpio-cdev,
# line 1 for irqcap through irqcap_gpiosim_bench.ko
if guest_insmod /configfs.ko && guest_insmod /gpio-sim.ko; then
	mount -t configfs configfs /sys/kernel/config
	g=/sys/kernel/config/gpio-sim/irqbench
	mkdir "$g" "$g/bank0" && echo 2 >"$g/bank0/num_lines" &&
		echo irqbench >"$g/bank0/label" && echo 1 >"$g/live" ||
		echo "# gpio-sim: the chip was not created"
	guest_insmod /irqcap_gpiosim_bench.ko label=irqbench cdev_line=0 irqcap_line=1
fi
sleep 1
ls /dev/irqcap0 /dev/uio0 /dev/counter0 /dev/irqcap1 >/dev/null || echo "# a device node is missing"
grep -E '^ *(5|6|7|10):|gpio|irqcap' /proc/interrupts | sed 's/^/# /'
echo "# clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
args='' IRQBENCH_TAG_B=b perf=''
# shellcheck disable=SC2013
for a in $(cat /proc/cmdline); do
	case $a in
	irqbench.args=*) args=${a#irqbench.args=};;
	irqbench.tagb=*) IRQBENCH_TAG_B=${a#irqbench.tagb=};;
	irqbench.perf=*) perf=${a#irqbench.perf=};;
	irqbench.insns=1) export IRQBENCH_MARK=1;;
	esac
done
# shellcheck disable=SC2046
set -- $(echo "$args" | tr ',+' ' ,')
reps=${1:-3} burst=${2:-20000} rates=${3:-1000:2000}
shift 3 2>/dev/null
conts=$(echo "$@" | tr ',' ' ')
# scripts/bench.sh --perf: profile each named contender's bursts, then stop
if [ -n "$perf" ]; then
	echo 0 >/proc/sys/kernel/kptr_restrict
	echo -1 >/proc/sys/kernel/perf_event_paranoid
	for c in $(echo "$perf" | tr + ' '); do
		perf record -q -a -e cpu-clock -F 10000 -o "/tmp/$c.data" -- \
			/irqbench "$reps" "$burst" ping:10 "$c" >/dev/null 2>&1 ||
			echo "# perf record failed for $c"
		echo "=== perf $c begin"
		perf report -q --stdio --no-children --sort dso,sym -i "/tmp/$c.data" 2>&1 | head -45
		echo "=== perf $c end"
	done
	echo "=== irqbench done"
	guest_done
fi
echo "=== irqbench $reps $burst $rates $conts"
# One repetition at a time; with a second irqcap module (/irqcap-b.ko, see
# scripts/bench.sh --compare) its irqcap runs follow each repetition's.
for rep in $(seq 1 "$reps"); do
	last=0
	[ "$rep" = "$reps" ] && last=1
	# shellcheck disable=SC2086
	IRQBENCH_REP=$rep IRQBENCH_CDF=$last /irqbench 1 "$burst" "$rates" $conts | grep -v '^=== irqbench done'
	if [ -f /irqcap-b.ko ]; then
		bconts=
		for c in ${conts:-irqcap-hardirq irqcap-threaded irqcap-tasklet irqcap-workqueue}; do
			case $c in irqcap-*) bconts="$bconts $c";; esac
		done
		if [ -n "$bconts" ] && rmmod irqcap && insmod /irqcap-b.ko; then
			sleep 0.2
			# shellcheck disable=SC2086
			IRQBENCH_REP=$rep IRQBENCH_CDF=$last IRQBENCH_TAG=$IRQBENCH_TAG_B \
				/irqbench 1 "$burst" "$rates" $bconts | grep -v '^=== irqbench done'
			rmmod irqcap && insmod /irqcap.ko && sleep 0.2
		fi
	fi
done
echo "=== irqbench done"
if [ -n "${IRQBENCH_MARK:-}" ]; then
	# scripts/bench.sh --insns names the counted addresses with these
	echo 0 >/proc/sys/kernel/kptr_restrict
	grep ' [Tt] ' /proc/kallsyms | sed 's/^/# ksym /'
fi
guest_dmesg bench 'irqcap|irqcnt|uio|counter|gpio|warn|bug|oops'
guest_done
