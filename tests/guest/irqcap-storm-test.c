// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap storm-limit tests, run as root in the x86 integration guest
 * (tests/guest/init.sh, after irqcap-test): /dev/irqcap1 on ISA IRQ 7,
 * raised by pc-testdev (a write of 1 then 0 to port 0x2007).
 *
 * A storm: CPU 1 raises edges back to back (one clock read between them),
 * as fast as pc-testdev takes port writes, while CPU 0 takes the interrupt.
 * pc-testdev's port writes run under QEMU's big lock, which a vCPU also
 * needs to take an interrupt (irqcap-test.c, other_cpu_burst_all_modes), so
 * CPU 0 takes only some of them: measured on 6.1 under TCG, 3 s storms with
 * no limit, gap 0 / 0.5 / 1 / 5 / 20 us between edges: CPU 0 took 25101 /
 * 21648 / 1655 / 2555 / 2300 interrupts of 541349 / 348011 / 118522 / 56582
 * / 16957 raised.  Back to back is the emulator's full rate.  The interrupts
 * CPU 0 did not take were merged in the I/O APIC before it took them: not
 * the driver's, so they are not counted anywhere.
 *
 * What CPU 0's answer times include besides the interrupts: its vCPU thread
 * waits for the big lock while CPU 1 writes ports, and for a host core when
 * the host is loaded (2 cores shared here).  throttle_control_no_irq runs
 * the same raiser on a line nothing requested: seen under host load, a 10 ms
 * sleep 533.9 ms late with no interrupt at all.  When the probe was fork and
 * exec of "sh -c true", one full integration run failed the 1 s check with
 * 1399.4 ms for 43 interrupts taken in 3.5 s, and on the debug kernel the
 * control itself took 1146.3 ms: the cost of fork and exec there, not the
 * interrupts'.  The probe is now a resident shell answering "echo N"
 * (9.7..37.2 ms worst, production and debug kernel).
 *
 * Usage: irqcap-storm-test [TEST...]   (no argument: all tests in order)
 * Kernel command line (tests/run-integration.sh --append): irqcap.storm_gap_ns=N
 * (default 0), irqcap.storm_s=N (storm length, default 3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/uapi/irqcap.h"
#include "guest-util.h"
#include "../../tools/lib/irqcap-stream.h"

#define DEV		1
#define LINE		7
#define MAXEV		(1 << 20)
#define LIMIT		"200"		/* interrupts/s: 2 per 10 ms window */
#define LIMIT_N		200
#define BUDGET		2
#define HOLD_MS		100
/* a shell command on the interrupt's CPU must answer within this */
#define ANSWER_NS	1000000000ull

static char why[512];
static char skip[256];	/* set by a test that could not run: "ok - NAME # SKIP ..." */
static struct irqcap_event *ev;
static uint64_t gap_ns, storm_s = 3;

static int dev_set(const char *attr, const char *val)
{
	char p[256];

	sysfs_path(DEV, attr, p, sizeof(p));
	return write_file(p, val);
}

static int storm_line = LINE;
static volatile bool storm_on;
static volatile long long raised;

/* CPU 1: edges with STORM_GAP_NS between them until storm_on drops */
static void *raiser_fn(void *arg)
{
	uint64_t t;

	(void)arg;
	pin_cpu(1);
	while (storm_on) {
		raise_irq(storm_line, 1);
		raised++;
		t = now_ns();
		while (now_ns() - t < gap_ns)
			;
	}
	return NULL;
}

/* CPU 0: how late a 10 ms sleep wakes up, worst case */
static volatile uint64_t sleep_worst;

static void *sleeper_fn(void *arg)
{
	struct timespec d = { 0, 10000000 };

	(void)arg;
	pin_cpu(0);
	while (storm_on) {
		uint64_t t = now_ns(), late;

		nanosleep(&d, NULL);
		late = now_ns() - t - 10000000;
		if (late > sleep_worst)
			sleep_worst = late;
	}
	return NULL;
}

/*
 * A shell on CPU 0, started before the storm, as a user's would be: each
 * probe sends it "echo N" and waits for the line to come back.  Its time is
 * how long a shell took to answer.  (Not fork and exec of a new one each
 * time: on the debug kernel, KASAN and lockdep make that take over 1 s
 * with no interrupt at all.)
 */
static int sh_in = -1, sh_out = -1;
static pid_t sh_pid = -1;

static bool shell_start(void)
{
	int in[2], out[2];

	if (pipe(in) || pipe(out))
		return false;
	sh_pid = fork();
	if (sh_pid == 0) {
		pin_cpu(0);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/bin/sh", "sh", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	sh_in = in[1];
	sh_out = out[0];
	return sh_pid > 0;
}

static void shell_stop(void)
{
	int st;

	if (sh_pid <= 0)
		return;
	close(sh_in);
	close(sh_out);
	waitpid(sh_pid, &st, 0);
	sh_pid = -1;
}

/* One "echo N" answered: its time in ns, UINT64_MAX if no answer in 10 s. */
static uint64_t shell_ns(void)
{
	static unsigned int seq;
	char cmd[32], want[32], got[64];
	uint64_t t = now_ns();
	size_t len = 0;

	snprintf(cmd, sizeof(cmd), "echo %u\n", ++seq);
	snprintf(want, sizeof(want), "%u\n", seq);
	if (write(sh_in, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		return UINT64_MAX;
	while (len < strlen(want)) {
		struct pollfd p = { .fd = sh_out, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 10000) <= 0)
			return UINT64_MAX;
		r = read(sh_out, got + len, sizeof(got) - 1 - len);
		if (r <= 0)
			return UINT64_MAX;
		len += (size_t)r;
	}
	got[len] = 0;
	return strcmp(got, want) ? UINT64_MAX : now_ns() - t;
}

struct storm_result {
	long long proc, seen, irqs, lost, throttled_recs, raised;
	long long st_throttled, other_types, irqs_after_throttle;
	long long model_bad, model_at;	/* the window model's disagreements */
	uint64_t first_ts;
	uint64_t shell_worst, sleep_worst, hold_min, hold_max, held_ns, span_ns;
	int shells, n;
};

/* throttle_control_no_irq's figures (zero when it did not run) */
static struct storm_result control;

/*
 * One storm of storm_s seconds on /dev/irqcap1 with @limit; the reader and
 * the shell commands on CPU 0, the raiser on CPU 1.  Every record read is
 * checked by the stream checker (seqnos, loss counts, timestamps).
 */
/*
 * The limit's windows replayed on the records' own timestamps (the handler
 * counts with the timestamp it stamps the record with): fixed windows of
 * @window_ns from the first interrupt after the previous one ended, zeroed
 * when a hold ends.  The interrupt that makes a window's count exceed
 * @budget must be followed by THROTTLED (the line is off until then), and a
 * THROTTLED record must follow such an interrupt.  Counts the records where
 * the driver and the model disagree; @at is the first one's index.
 */
static long long window_model(const struct irqcap_event *e, int n, uint64_t first_ts,
			      uint32_t budget, uint64_t window_ns, long long *at)
{
	uint64_t start = first_ts;
	uint32_t count = 1;
	bool over = false;
	long long bad = 0;

	*at = -1;
	for (int i = 0; i < n; i++) {
		bool wrong = false;

		if (e[i].type == IRQCAP_EVENT_OVERFLOW)
			return -1;	/* records lost: no model */
		if (e[i].type == IRQCAP_EVENT_THROTTLED) {
			wrong = !over;
			over = false;
			start = 0;
		} else if (e[i].type == IRQCAP_EVENT_IRQ) {
			wrong = over;	/* an interrupt with the line off */
			if (!start || e[i].timestamp_ns - start >= window_ns) {
				start = e[i].timestamp_ns;
				count = 1;
			} else {
				count++;
			}
			over = count > budget;
		}
		if (wrong && !bad++)
			*at = i;
	}
	return bad;
}

static bool storm(const char *limit, struct storm_result *r)
{
	long long proc0, seen0, thr0;
	struct irqcap_stream s;
	struct irqcap_stats st;
	pthread_t raiser, sleeper;
	uint64_t end, next_shell = 0, t0;
	int fd, n = 0;
	ssize_t got;

	memset(r, 0, sizeof(*r));
	CHECK(shell_start(), "a shell on CPU 0: %s", strerror(errno));
	CHECK(shell_ns() != UINT64_MAX, "the shell does not answer");
	CHECK(dev_set("storm_limit", limit) == 0, "storm_limit %s: %s", limit, strerror(errno));
	fd = open("/dev/irqcap1", O_RDONLY | O_NONBLOCK);
	CHECK(fd >= 0, "open: %s", strerror(errno));
	/* one edge first: the seqno the storm continues from */
	raise_irq(LINE, 1);
	usleep(100000);
	got = read(fd, ev, sizeof(*ev) * 16);
	CHECK(got == sizeof(*ev) && ev[0].type == IRQCAP_EVENT_IRQ,
	      "the first edge: read %zd bytes", got);
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&s, ev[0].seqno + 1);
	r->first_ts = ev[0].timestamp_ns;
	proc0 = proc_interrupts(LINE);
	seen0 = sysfs_get(DEV, "irqs_seen");
	thr0 = sysfs_get(DEV, "throttled");
	t0 = now_ns();

	pin_cpu(0);
	storm_on = true;
	raised = 0;
	sleep_worst = 0;
	pthread_create(&raiser, NULL, raiser_fn, NULL);
	pthread_create(&sleeper, NULL, sleeper_fn, NULL);
	end = now_ns() + storm_s * 1000000000ull;
	while (now_ns() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (now_ns() >= next_shell) {
			uint64_t t = shell_ns();

			r->shells++;
			if (t > r->shell_worst)
				r->shell_worst = t;
			next_shell = now_ns() + 200000000ull;
		}
		if (poll(&p, 1, 50) <= 0)
			continue;
		got = read(fd, ev + n, sizeof(*ev) * (size_t)(MAXEV - n));
		if (got > 0)
			n += (int)(got / sizeof(*ev));
		CHECK(n < MAXEV, "more than %d records", MAXEV);
	}
	storm_on = false;
	pthread_join(raiser, NULL);
	pthread_join(sleeper, NULL);
	shell_stop();
	/* the last hold ends, its THROTTLED record and the replayed edge come */
	usleep((HOLD_MS + 100) * 1000);
	while ((got = read(fd, ev + n, sizeof(*ev) * (size_t)(MAXEV - n))) > 0)
		n += (int)(got / sizeof(*ev));
	CHECK(ioctl(fd, IRQCAP_IOC_STATS, &st) == 0, "STATS: %s", strerror(errno));
	r->proc = proc_interrupts(LINE) - proc0;
	r->span_ns = now_ns() - t0;
	r->seen = sysfs_get(DEV, "irqs_seen") - seen0;
	r->st_throttled = sysfs_get(DEV, "throttled") - thr0;
	r->raised = raised;
	r->sleep_worst = sleep_worst;
	r->n = n;
	r->hold_min = UINT64_MAX;
	for (int i = 0; i < n; i++) {
		switch (ev[i].type) {
		case IRQCAP_EVENT_IRQ:
		case IRQCAP_EVENT_OVERFLOW:
			break;
		case IRQCAP_EVENT_THROTTLED:
			r->throttled_recs++;
			r->held_ns += ev[i].data;
			if (r->throttled_recs == 1)
				for (int j = i + 1; j < n; j++)
					r->irqs_after_throttle += ev[j].type == IRQCAP_EVENT_IRQ;
			if (ev[i].data < r->hold_min)
				r->hold_min = ev[i].data;
			if (ev[i].data > r->hold_max)
				r->hold_max = ev[i].data;
			break;
		default:
			r->other_types++;
			break;
		}
	}
	irqcap_stream_feed_n(&s, ev, (size_t)n);
	irqcap_stream_finish(&s);
	r->irqs = (long long)s.irqs;
	r->lost = (long long)s.lost;
	close(fd);
	dev_set("storm_limit", "0");
	printf("# storm limit %s/s, gap %llu ns, %llu s: %lld edges raised on CPU 1, /proc/interrupts +%lld, irqs_seen +%lld, %lld IRQ records + %lld lost, %lld THROTTLED records (held %.1f..%.1f ms), throttled +%lld; CPU 0: %d shell commands, worst %.1f ms; 10 ms sleep worst %.1f ms late\n",
	       limit, (unsigned long long)gap_ns, (unsigned long long)storm_s, r->raised,
	       r->proc, r->seen, r->irqs, r->lost, r->throttled_recs,
	       r->throttled_recs ? r->hold_min / 1e6 : 0.0, r->hold_max / 1e6,
	       r->st_throttled, r->shells, r->shell_worst / 1e6, r->sleep_worst / 1e6);
	CHECK(!irqcap_stream_error(&s), "%s", irqcap_stream_error(&s));
	CHECK(r->other_types == 0, "%lld records of another type", r->other_types);
	CHECK(r->seen == r->proc, "the handler saw %lld of the %lld interrupts the kernel took",
	      r->seen, r->proc);
	CHECK(r->irqs + r->lost == r->seen, "%lld IRQ records + %lld lost for %lld interrupts",
	      r->irqs, r->lost, r->seen);
	CHECK(st.throttled >= (uint64_t)r->st_throttled, "STATS throttled %llu below sysfs' %lld",
	      (unsigned long long)st.throttled, r->st_throttled);
	return true;
}

/*
 * With the limit: the line is throttled, each hold lasts storm_hold_ms
 * (THROTTLED data, from the disabling interrupt to the re-enabling), one
 * THROTTLED record per time throttled, every interrupt taken is an IRQ
 * record, and CPU 0 answers a shell command within 1 s throughout.
 */
static bool t_throttle_storm(void)
{
	struct storm_result r;
	char hold[16];

	snprintf(hold, sizeof(hold), "%d", HOLD_MS);
	CHECK(dev_set("storm_hold_ms", hold) == 0, "storm_hold_ms: %s", strerror(errno));
	if (!storm(LIMIT, &r))
		return false;
	CHECK(r.throttled_recs > 0, "no THROTTLED record (CPU 0 took %lld interrupts in %llu s)",
	      r.proc, (unsigned long long)storm_s);
	r.model_bad = window_model(ev, r.n, r.first_ts, BUDGET, 10000000, &r.model_at);
	CHECK(r.model_bad == 0, "%lld records where the driver and the window model disagree, the first at record %lld",
	      r.model_bad, r.model_at);
	CHECK(r.irqs_after_throttle > 0, "no IRQ record after the first THROTTLED: the line stayed off");
	CHECK(r.throttled_recs == r.st_throttled,
	      "%lld THROTTLED records, the throttled counter grew by %lld",
	      r.throttled_recs, r.st_throttled);
	CHECK(r.hold_min >= HOLD_MS * 1000000ull && r.hold_max < HOLD_MS * 1000000ull + 1000000000ull,
	      "held %llu..%llu ns for a %d ms hold", (unsigned long long)r.hold_min,
	      (unsigned long long)r.hold_max, HOLD_MS);
	/*
	 * What the limit lets through: the line is enabled for the time
	 * measured less the holds, in holds + 1 stretches; each stretch of E
	 * ns has at most E / window + 1 windows (each starts at an interrupt
	 * and lasts a window, but the one the limit cuts), each window takes
	 * at most BUDGET, and each stretch ends with one over the budget.  The
	 * edge the controller replays on enable is the first of a window.  So
	 * at most LIMIT * enabled time + (BUDGET + 1) * (holds + 1).
	 */
	{
		uint64_t on_ns = r.span_ns > r.held_ns ? r.span_ns - r.held_ns : 0;
		long long bound = (long long)(on_ns * LIMIT_N / 1000000000ull) +
				  (BUDGET + 1) * (r.st_throttled + 1);

		printf("# limit %d/s: %lld interrupts taken in %.3f s, %.3f s of it enabled, %lld holds: at most %lld allowed\n",
		       LIMIT_N, r.proc, r.span_ns / 1e9, on_ns / 1e9, r.st_throttled, bound);
		CHECK(r.proc <= bound, "%lld interrupts taken, the limit allows %lld", r.proc, bound);
	}
	/* the control's figures say what the emulator and the host cost CPU 0 */
	CHECK(r.shells > 0 && r.shell_worst < ANSWER_NS,
	      "a shell command on CPU 0 took %.1f ms (limit 1000) with %lld interrupts taken; the control, no interrupt: %d commands, worst %.1f ms",
	      r.shell_worst / 1e6, r.proc, control.shells, control.shell_worst / 1e6);
	CHECK(r.sleep_worst < ANSWER_NS,
	      "a 10 ms sleep on CPU 0 woke %.1f ms late with %lld interrupts taken; the control, no interrupt: %.1f ms",
	      r.sleep_worst / 1e6, r.proc, control.sleep_worst / 1e6);
	return true;
}

/*
 * Without a limit (the default): nothing is throttled and every interrupt
 * is a record.  How CPU 0 answered is a figure, not a check: it says what
 * the limit is for.
 */
static bool t_throttle_off(void)
{
	struct storm_result r;

	CHECK(sysfs_get(DEV, "storm_limit") == 0, "storm_limit %lld by default",
	      sysfs_get(DEV, "storm_limit"));
	if (!storm("0", &r))
		return false;
	CHECK(r.throttled_recs == 0 && r.st_throttled == 0,
	      "%lld THROTTLED records, throttled +%lld with the limit off",
	      r.throttled_recs, r.st_throttled);
	return true;
}

/*
 * The control: the same raiser on ISA line 6, which nothing requested (its
 * I/O APIC pin stays masked): the port writes and QEMU's big lock cost CPU 0
 * what they cost, with no interrupt at all.  Figures only.
 */
static bool t_throttle_control(void)
{
	struct storm_result r;
	bool ok;

	storm_line = 6;
	ok = storm("0", &r);
	storm_line = LINE;
	if (!ok)
		return false;
	CHECK(r.proc == 0 && r.irqs == 0, "line 7 took %lld interrupts", r.proc);
	control = r;
	return true;
}

/* storm_limit and storm_hold_ms: decimal, bounded, read back as written */
static bool t_throttle_sysfs(void)
{
	CHECK(sysfs_get(DEV, "storm_hold_ms") >= 0, "no storm_hold_ms");
	CHECK(dev_set("storm_limit", "abc") == -EINVAL, "storm_limit abc accepted");
	CHECK(dev_set("storm_limit", "10000001") == -ERANGE, "storm_limit above 10^7 accepted");
	CHECK(dev_set("storm_hold_ms", "10001") == -ERANGE, "storm_hold_ms above 10000 accepted");
	CHECK(dev_set("storm_limit", "250") == 0 && sysfs_get(DEV, "storm_limit") == 250,
	      "storm_limit 250 reads %lld", sysfs_get(DEV, "storm_limit"));
	CHECK(dev_set("storm_limit", "0") == 0, "storm_limit 0");
	CHECK(sysfs_get(DEV, "throttled") >= 0 && sysfs_get(DEV, "suspends") == 0,
	      "throttled %lld suspends %lld", sysfs_get(DEV, "throttled"),
	      sysfs_get(DEV, "suspends"));
	return true;
}

/* After the storms the line works: one edge, one record */
static bool t_throttle_line_back(void)
{
	int fd = open("/dev/irqcap1", O_RDONLY | O_NONBLOCK);
	ssize_t got;

	CHECK(fd >= 0, "open: %s", strerror(errno));
	raise_irq(LINE, 1);
	usleep(100000);
	got = read(fd, ev, sizeof(*ev) * 16);
	close(fd);
	CHECK(got == sizeof(*ev) && ev[0].type == IRQCAP_EVENT_IRQ,
	      "one edge after the storms: read %zd bytes", got);
	return true;
}

/* The value of @key (with its '=') on the kernel command line, or NULL */
static const char *cmdline_param(const char *key)
{
	static char line[4096];
	char *p;
	FILE *f = fopen("/proc/cmdline", "r");

	if (!f)
		return NULL;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	p = strstr(line, key);
	return p ? p + strlen(key) : NULL;
}

/*
 * Suspend to RAM (ACPI S3 on QEMU's pc board), woken by the CMOS RTC's
 * alarm 3 s later: a reader open across it gets SUSPEND, then RESUME whose
 * data is what CLOCK_BOOTTIME advanced beyond CLOCK_MONOTONIC (timekeeping
 * is suspended in S3, unlike s2idle on boards without a cpuidle s2idle
 * state): exactly the growth of the offset between the two clocks, which
 * this program brackets by reading BOOTTIME between two MONOTONIC reads
 * before and after.  (Not the alarm's distance: the whole cycle once took
 * 1.954 s of BOOTTIME for a "+3" alarm, whose seconds are the emulated
 * RTC's.)
 */
static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static bool t_suspend_mem(void)
{
	long long sus0 = sysfs_get(DEV, "suspends");
	uint64_t b0, b1, m0, m0b, m1, m1b, slept = 0, ts_s = 0, ts_r = 0;
	int64_t lo, hi;
	struct irqcap_stats st;
	int fd, n = 0, order = 0, ret;
	ssize_t got;

	char states[128] = "";
	FILE *f = fopen("/sys/power/state", "r");

	if (f) {
		if (!fgets(states, sizeof(states), f))
			states[0] = 0;
		fclose(f);
	}
	if (!strstr(states, "mem")) {
		snprintf(skip, sizeof(skip), "this kernel cannot suspend to RAM (/sys/power/state: %s)",
			 f ? "no mem" : "absent");
		return true;
	}
	fd = open("/dev/irqcap1", O_RDONLY | O_NONBLOCK);
	CHECK(fd >= 0, "open: %s", strerror(errno));
	while (read(fd, ev, sizeof(*ev) * 64) > 0)
		;
	write_file("/sys/class/rtc/rtc0/wakealarm", "0");
	CHECK(write_file("/sys/class/rtc/rtc0/wakealarm", "+3") == 0, "wakealarm: %s",
	      strerror(errno));
	m0 = now_ns();
	b0 = boot_ns();
	m0b = now_ns();
	ret = write_file("/sys/power/state", "mem");
	m1 = now_ns();
	b1 = boot_ns();
	m1b = now_ns();
	/* the offset BOOTTIME - MONOTONIC before and after, bracketed */
	lo = (int64_t)(b1 - m1b) - (int64_t)(b0 - m0);
	hi = (int64_t)(b1 - m1) - (int64_t)(b0 - m0b);
	CHECK(ret == 0, "echo mem > /sys/power/state: %s", strerror(-ret));
	usleep(200000);
	while ((got = read(fd, ev + n, sizeof(*ev) * 64)) > 0)
		n += (int)(got / sizeof(*ev));
	CHECK(ioctl(fd, IRQCAP_IOC_STATS, &st) == 0, "STATS: %s", strerror(errno));
	close(fd);
	for (int i = 0; i < n; i++) {
		if (ev[i].type == IRQCAP_EVENT_SUSPEND && order == 0) {
			order = 1;
			ts_s = ev[i].timestamp_ns;
		} else if (ev[i].type == IRQCAP_EVENT_RESUME && order == 1) {
			order = 2;
			slept = ev[i].data;
			ts_r = ev[i].timestamp_ns;
		} else {
			order = -1;
		}
	}
	printf("# suspend to RAM: %d records, BOOTTIME +%.3f s, MONOTONIC +%.3f s around it: the offset grew %lld..%lld ns; RESUME data %llu ns, its MONOTONIC gap from SUSPEND %.3f s\n",
	       n, (b1 - b0) / 1e9, (m1 - m0) / 1e9, (long long)lo, (long long)hi,
	       (unsigned long long)slept, (ts_r - ts_s) / 1e9);
	CHECK(order == 2 && n == 2, "records: want SUSPEND, RESUME; got %d records (order %d)",
	      n, order);
	CHECK(sysfs_get(DEV, "suspends") == sus0 + 1 && st.suspends == (uint64_t)sus0 + 1,
	      "suspends %lld -> %lld, STATS %llu", sus0, sysfs_get(DEV, "suspends"),
	      (unsigned long long)st.suspends);
	CHECK(slept > 0 && (int64_t)slept >= lo && (int64_t)slept <= hi,
	      "RESUME data %llu ns, the BOOTTIME - MONOTONIC offset grew %lld..%lld ns",
	      (unsigned long long)slept, (long long)lo, (long long)hi);
	return true;
}

static const struct {
	const char *name;
	bool (*fn)(void);
} tests[] = {
	{ "throttle_sysfs", t_throttle_sysfs },
	{ "throttle_control_no_irq", t_throttle_control },
	{ "throttle_off_storm", t_throttle_off },
	{ "throttle_storm_responsive", t_throttle_storm },
	{ "throttle_line_back", t_throttle_line_back },
	{ "suspend_mem_rtc", t_suspend_mem },
};

int main(int argc, char **argv)
{
	const char *e;
	int failures = 0;
	char p[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	e = cmdline_param("irqcap.storm_gap_ns=");
	if (e)
		gap_ns = strtoull(e, NULL, 10);
	e = cmdline_param("irqcap.storm_s=");
	if (e)
		storm_s = strtoull(e, NULL, 10);
	if (ioperm(0x2000, 0x18, 1)) {
		perror("ioperm");
		return 2;
	}
	ev = calloc(MAXEV, sizeof(*ev));
	if (!ev)
		return 2;
	/* the line to CPU 0; x86 moves it when it next fires */
	snprintf(p, sizeof(p), "/proc/irq/%d/smp_affinity", LINE);
	write_file(p, "1");
	raise_irq(LINE, 1);
	dev_set("idle_timeout_ms", "0");	/* no TIMEOUT records */
	usleep(50000);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		bool run = argc < 2;

		for (int a = 1; a < argc; a++)
			if (strstr(tests[i].name, argv[a]))
				run = true;
		if (!run)
			continue;
		why[0] = skip[0] = 0;
		if (!tests[i].fn()) {
			printf("not ok - %s: %s\n", tests[i].name, why);
			failures++;
		} else if (skip[0]) {
			printf("ok - %s # SKIP %s\n", tests[i].name, skip);
		} else {
			printf("ok - %s\n", tests[i].name);
		}
	}
	dev_set("idle_timeout_ms", "200");
	return failures ? 1 : 0;
}
