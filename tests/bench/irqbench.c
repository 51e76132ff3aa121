// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqbench: the guest side of scripts/bench.sh.  Runs inside a QEMU guest
 * whose pc-testdev raises ISA IRQ n on a write of 1 then 0 to port
 * 0x2000 + n; the board (tests/bench/ssdt-bench.asl) has
 *   IRQ 5  irqcap            /dev/irqcap0 (bottom half switched via sysfs)
 *   IRQ 6  irqcnt_bench      counting only (sysfs "count")
 *   IRQ 7  uio_pdrv_genirq   /dev/uio0
 * All three lines are routed to CPU 0; the raiser runs on CPU 0 (so TCG
 * delivers every edge before the next write) and the reader on CPU 1.
 *
 * usage: irqbench REPS BURST_N RATE:N[,RATE:N...] [CONTENDER...]
 * (RATE "ping": one edge at a time, each after the previous was read.)
 * Prints one "RES key=value ..." line per run and "CDF ..." lines (latency
 * percentiles) for the last repetition; scripts/bench.sh turns them into
 * the table, CSV, JSON and plot.  Environment: IRQBENCH_REP numbers the
 * (single) repetition, IRQBENCH_CDF=1 forces the CDF lines, IRQBENCH_TAG
 * is appended to the irqcap contenders' names (a second irqcap.ko, A/B).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <linux/counter.h>
#include <linux/gpio.h>

#include "../guest/guest-util.h"
#include "../../src/uapi/irqcap.h"

#define LINE_IRQCAP	5
#define LINE_COUNT	6
#define LINE_UIO	7
#define LINE_COUNTER	10	/* the kernel's interrupt-cnt, /dev/counter0 */
#define LINE_GPIO	(-1)	/* gpio-sim lines: edges from their "pull" */
#define MAXN		(1 << 20)
#define READ_RECORDS	256
#define CHUNK		500	/* burst edges per timed chunk */

/*
 * K_NOREAD: irqcap in hardirq mode with no file open: the handler alone.
 * K_COUNTER: the counter chrdev (interrupt-cnt, struct counter_event).
 * K_GPIO: gpio-cdev line events (uAPI v2) on gpio-sim line 0, with irqcap
 * (K_IRQCAP_GPIO, platform device of irqcap_gpiosim_bench.ko) watching line
 * 1, toggled in the same loop.  K_MMAP: irqcap through mmap() (issue 18),
 * docs/mmap-reader.c's reader on /dev/irqcap0.
 */
enum kind { K_COUNT, K_IRQCAP, K_UIO, K_NOREAD, K_COUNTER, K_GPIO, K_IRQCAP_GPIO, K_MMAP };

struct contender {
	const char *name;
	enum kind kind;
	const char *mode;	/* irqcap bottom half */
	int line;
	const char *holdoff;	/* irqcap wakeup_holdoff_us (NULL: 0) */
	const char *queue;	/* counter events_queue_size, gpio event_buffer_size */
};

static const struct contender contenders[] = {
	{ "count", K_COUNT, NULL, LINE_COUNT, NULL, NULL },
	{ "count-ktime", K_COUNT, "1", LINE_COUNT, NULL, NULL },
	{ "count-lock", K_COUNT, "2", LINE_COUNT, NULL, NULL },
	{ "count-mb", K_COUNT, "3", LINE_COUNT, NULL, NULL },
	{ "count-busy", K_COUNT, NULL, LINE_COUNT, NULL, NULL },
	{ "count-ktime-busy", K_COUNT, "1", LINE_COUNT, NULL, NULL },
	{ "irqcap-hardirq", K_IRQCAP, "hardirq", LINE_IRQCAP, NULL, NULL },
	{ "irqcap-hardirq-noreader", K_NOREAD, "hardirq", LINE_IRQCAP, NULL, NULL },
	{ "irqcap-threaded", K_IRQCAP, "threaded", LINE_IRQCAP, NULL, NULL },
	{ "irqcap-tasklet", K_IRQCAP, "tasklet", LINE_IRQCAP, NULL, NULL },
	{ "irqcap-workqueue", K_IRQCAP, "workqueue", LINE_IRQCAP, NULL, NULL },
	{ "irqcap-hardirq-h100", K_IRQCAP, "hardirq", LINE_IRQCAP, "100", NULL },
	{ "irqcap-threaded-h100", K_IRQCAP, "threaded", LINE_IRQCAP, "100", NULL },
	{ "irqcap-tasklet-h100", K_IRQCAP, "tasklet", LINE_IRQCAP, "100", NULL },
	{ "irqcap-workqueue-h100", K_IRQCAP, "workqueue", LINE_IRQCAP, "100", NULL },
	{ "uio", K_UIO, NULL, LINE_UIO, NULL, NULL },
	/* default queue (64) and the largest kfifo events_queue_size allows */
	{ "counter", K_COUNTER, NULL, LINE_COUNTER, NULL, NULL },
	{ "counter-maxq", K_COUNTER, NULL, LINE_COUNTER, NULL, "max" },
	/*
	 * edge both, rising; buffer 16 (default) or 1024 (the most it takes).
	 * Every gpio-cdev run toggles line 1 too (irqcap captures it); only the
	 * "gpio-cdev" runs read it, as row irqcap-gpio.
	 */
	{ "gpio-cdev", K_GPIO, "both", LINE_GPIO, NULL, NULL },
	{ "gpio-cdev-rising", K_GPIO, "rising", LINE_GPIO, NULL, NULL },
	{ "gpio-cdev-1024", K_GPIO, "both", LINE_GPIO, NULL, "1024" },
	/* by name: alone (only line 1 toggled), for --insns */
	{ "irqcap-gpio", K_IRQCAP_GPIO, "threaded", LINE_GPIO, NULL, NULL },
	/* docs/mmap-reader.c's reader; with the 100 us hold-off: fewer sleeps */
	{ "irqcap-mmap", K_MMAP, "hardirq", LINE_IRQCAP, NULL, NULL },
	{ "irqcap-mmap-h100", K_MMAP, "hardirq", LINE_IRQCAP, "100", NULL },
	/*
	 * by name: a reader that stops 1 ms after each pass, so that a burst
	 * longer than the ring overruns it: the loss the positions report
	 */
	{ "irqcap-mmap-slow", K_MMAP, "hardirq", LINE_IRQCAP, NULL, NULL },
};

static uint64_t raise_ts[MAXN];	/* raise i: time just before its port write */
static uint64_t recv_ts[MAXN];	/* event i: time its read() returned */
static uint64_t kern_ts[MAXN];	/* event i: irqcap's hard IRQ timestamp */
static uint64_t lat[MAXN];
static long gpio_nlat;
static uint64_t chunk_end[MAXN / CHUNK + 2];	/* raise time at each chunk's end */
static double chunk_rate[MAXN / CHUNK + 2];
static uint64_t chunk_start[MAXN / CHUNK + 2];	/* "alt": start of each chunk */
static double alt_rate[MAXN / CHUNK + 2];	/* "alt": the counting line's chunks */
static char count_attr[256], stamp_attr[256];
static const char *tag;

/* read_ll() is guest-util.h's */

/* proc_interrupts() is guest-util.h's */

/* busy time (user, system, irq, softirq) of all CPUs, in ns */
static void proc_stat(uint64_t *user, uint64_t *sys)
{
	unsigned long long u, n, s, idle, iow, irq, sirq;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");

	*user = *sys = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &s, &idle,
		   &iow, &irq, &sirq) == 7) {
		*user = (u + n) * 1000000000ull / hz;
		*sys = (s + irq + sirq) * 1000000000ull / hz;
	}
	fclose(f);
}

/* the edges: guest-util.h's raise_irq(), one per translation block */

static __attribute__((noinline, optimize("no-unroll-loops")))
void raise_at_rate(int line, int n, uint64_t period)
{
	uint64_t t0 = now_ns();

	for (volatile int i = 0; i < n; i++) {
		uint64_t due = t0 + (uint64_t)i * period, t;

		while ((t = now_ns()) < due)
			;
		raise_ts[i] = t;
		outb(1, 0x2000 + line);
		outb(0, 0x2000 + line);
	}
}

struct reader;
static void ping(int line, int n, struct reader *r);

struct reader {
	const struct contender *c;
	int fd;
	int n;			/* events expected at most */
	uint64_t base;		/* irqcap seqno / uio count before the run */
	volatile int stop;
	volatile int armed;	/* about to block in read() again */
	volatile long delivered;
	long reads;
	long writes;		/* UIO: the re-enables */
	long lost;		/* irqcap: records reported lost */
	long visible;		/* losses the reader can count: seqno/value gaps */
	uint64_t last_seq;	/* gpio-cdev: last line_seqno; counter: last value */
	uint64_t last_recv;
	uint64_t stime_ns, utime_ns;
	uint64_t cpu_ns;	/* CLOCK_THREAD_CPUTIME_ID: user + system, exact */
	uint64_t *recv, *kern;	/* per event: read() returned, kernel timestamp */
};

/*
 * One edge at a time: raise, wait until the reader has it and is back in
 * read() (UIO: has re-enabled the line), pause, repeat.  No edge can meet
 * a masked line, so this is the latency every contender can be held to.
 */
static void ping(int line, int n, struct reader *r)
{
	for (int i = 0; i < n; i++) {
		uint64_t t;

		while (!r->armed)
			usleep(50);
		usleep(100);
		r->armed = 0;
		raise_ts[i] = now_ns();
		outb(1, 0x2000 + line);
		outb(0, 0x2000 + line);
		t = now_ns();
		while (r->delivered <= i && now_ns() - t < 100000000ull)
			usleep(20);
	}
}

/*
 * The "-busy" counting contenders keep CPU 1 busy in user space while the
 * edges are raised, as a reader does for the other contenders: under TCG
 * each busy vCPU is a busy host thread, so this tells whether host load
 * alone slows the raising vCPU (on 2 pinned host CPUs it did not: count-busy
 * ran at 1.04-1.12x count).
 */
static volatile int spin_stop;

static void *spin_fn(void *arg)
{
	(void)arg;
	pin_cpu(1);
	while (!spin_stop)
		;
	return NULL;
}

/* irqcap rows, with or without a reader: named with the A/B tag */
static bool is_irqcap(const struct contender *c)
{
	return c->kind == K_IRQCAP || c->kind == K_NOREAD || c->kind == K_IRQCAP_GPIO ||
	       c->kind == K_MMAP;
}

static bool has_reader(const struct contender *c)
{
	return c->kind == K_IRQCAP || c->kind == K_UIO || c->kind == K_COUNTER ||
	       c->kind == K_GPIO || c->kind == K_IRQCAP_GPIO || c->kind == K_MMAP;
}

static bool count_busy(const struct contender *c)
{
	size_t l = strlen(c->name);

	return c->kind == K_COUNT && l > 5 && !strcmp(c->name + l - 5, "-busy");
}

/*
 * scripts/bench.sh --insns: the QEMU plugin tests/bench/insncount.c counts
 * guest instructions and writes them out whenever a translation block
 * holding this instruction runs, so each burst is counted on its own.
 */
static bool marking;

static __attribute__((noinline)) void insn_mark(const char *what, const struct contender *c)
{
	if (!marking)
		return;
	printf("# insns mark: %s %s\n", what, c->name);
	asm volatile("movabs $0x1eadbeefcafef00d, %%rax" ::: "rax", "memory");
}

static void on_usr1(int sig)
{
	(void)sig;
}

static uint64_t thread_cpu(uint64_t *utime)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	*utime = ru.ru_utime.tv_sec * 1000000000ull + ru.ru_utime.tv_usec * 1000ull;
	return ru.ru_stime.tv_sec * 1000000000ull + ru.ru_stime.tv_usec * 1000ull;
}

/*
 * One blocking read() of a reader loop: arms the reader (run() waits for
 * it), reads, stamps the arrival in @t.  Returns what read() returned,
 * -EINTR to read again, or -1 (the error printed) to stop.
 */
static ssize_t reader_read(struct reader *r, void *buf, size_t len, uint64_t *t,
			   const char *what)
{
	ssize_t got;

	r->armed = 1;
	got = read(r->fd, buf, len);
	*t = now_ns();
	if (got < 0) {
		if (errno == EINTR)
			return -EINTR;
		perror(what);
		return -1;
	}
	r->reads++;
	return got;
}

/* One delivered event: edge @idx of the run (0-based), kernel stamp @kern. */
static void reader_got(struct reader *r, uint64_t idx, uint64_t t, uint64_t kern)
{
	if (idx < (uint64_t)r->n) {
		r->recv[idx] = t;
		r->kern[idx] = kern;
	}
	r->delivered++;
}

/* The same, numbered by the peer: a gap in @seq is an event its queue dropped. */
static void reader_got_seq(struct reader *r, uint64_t seq, uint64_t idx, uint64_t t,
			   uint64_t kern)
{
	if (seq > r->last_seq + 1)
		r->visible += seq - r->last_seq - 1;
	if (seq > r->last_seq)
		r->last_seq = seq;
	reader_got(r, idx, t, kern);
}

static void read_irqcap(struct reader *r)
{
	static struct irqcap_event buf[READ_RECORDS];

	while (!r->stop) {
		uint64_t t;
		ssize_t got = reader_read(r, buf, sizeof(buf), &t, "read irqcap");

		if (got == -EINTR)
			continue;
		if (got < 0)
			break;
		for (int i = 0; i < got / (ssize_t)sizeof(buf[0]); i++) {
			if (buf[i].type == IRQCAP_EVENT_OVERFLOW) {
				r->lost += buf[i].data;
				continue;
			}
			if (buf[i].type == IRQCAP_EVENT_IRQ)
				reader_got(r, buf[i].seqno - r->base - 1, t, buf[i].timestamp_ns);
		}
		r->last_recv = t;
	}
}

/* What UIO users do: one blocking read() per interrupt, re-enable by write(). */
static void read_uio(struct reader *r)
{
	uint32_t one = 1, cnt;
	uint64_t last = r->base;

	/* run() re-enabled the line before it read the base count */
	while (!r->stop) {
		uint64_t t;
		ssize_t got = reader_read(r, &cnt, sizeof(cnt), &t, "read uio");

		if (got == -EINTR)
			continue;
		if (got != sizeof(cnt)) {
			if (got >= 0)
				fprintf(stderr, "read uio: %zd bytes\n", got);
			break;
		}
		for (uint64_t c = last + 1; c <= cnt; c++)
			if (c - r->base - 1 < (uint64_t)r->n)
				r->recv[c - r->base - 1] = t;
		last = cnt;
		r->delivered = cnt - r->base;
		r->last_recv = t;
		if (write(r->fd, &one, sizeof(one)) != sizeof(one))
			perror("uio enable");
		r->writes++;
	}
}

/*
 * What counter chrdev users do: read() struct counter_event records of the
 * watch on Count 0 (its value at the interrupt: gaps in it are the events
 * the full kfifo dropped, which nothing else reports).
 */
static void read_counter(struct reader *r)
{
	static struct counter_event buf[READ_RECORDS];

	while (!r->stop) {
		uint64_t t;
		ssize_t got = reader_read(r, buf, sizeof(buf), &t, "read counter");

		if (got == -EINTR)
			continue;
		if (got < 0)
			break;
		for (int i = 0; i < got / (ssize_t)sizeof(buf[0]); i++)
			reader_got_seq(r, buf[i].value, buf[i].value - r->base - 1, t,
				       buf[i].timestamp);
		r->last_recv = t;
	}
}

/*
 * What gpiomon/libgpiod users get: read() of struct gpio_v2_line_event;
 * line_seqno counts the events the IRQ thread made, so a gap in it is an
 * event the kfifo dropped; edges merged before the thread ran leave none.
 */
static void read_gpio(struct reader *r)
{
	static struct gpio_v2_line_event buf[READ_RECORDS];

	while (!r->stop) {
		uint64_t t;
		ssize_t got = reader_read(r, buf, sizeof(buf), &t, "read gpio");

		if (got == -EINTR)
			continue;
		if (got < 0)
			break;
		for (int i = 0; i < got / (ssize_t)sizeof(buf[0]); i++)
			reader_got_seq(r, buf[i].line_seqno, buf[i].line_seqno - 1, t,
				       buf[i].timestamp_ns);
		r->last_recv = t;
	}
}

static void read_irqcap_mmap(struct reader *r);

static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	uint64_t u0, u1, s0;
	struct timespec c0, c1;

	pin_cpu(1);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	s0 = thread_cpu(&u0);
	if (r->c->kind == K_IRQCAP || r->c->kind == K_IRQCAP_GPIO)
		read_irqcap(r);
	else if (r->c->kind == K_MMAP)
		read_irqcap_mmap(r);
	else if (r->c->kind == K_COUNTER)
		read_counter(r);
	else if (r->c->kind == K_GPIO)
		read_gpio(r);
	else
		read_uio(r);
	r->stime_ns = thread_cpu(&u1) - s0;
	r->utime_ns = u1 - u0;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	r->cpu_ns = (c1.tv_sec - c0.tv_sec) * 1000000000ull + c1.tv_nsec - c0.tv_nsec;
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(const uint64_t *v, long n, double p)
{
	long i;

	if (n <= 0)
		return 0;
	i = (long)(p / 100.0 * (n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static long long irqcap_seqno(void)
{
	return read_ll("/sys/class/misc/irqcap0/device/irqs_seen");
}

static long long uio_count(void)
{
	return read_ll("/sys/class/uio/uio0/event");
}

static bool quiesce(void)
{
	usleep(20000);
	return true;
}

#define COUNTER_SYS	"/sys/bus/counter/devices/counter0"
static unsigned long counter_maxq;	/* largest events_queue_size accepted */

/* the largest power of two events_queue_size takes (kfifo_alloc, kmalloc) */
static void counter_probe_queue(void)
{
	char v[32];

	if (access(COUNTER_SYS, F_OK)) {
		printf("# counter: no %s (interrupt-cnt not bound)\n", COUNTER_SYS);
		return;
	}
	/*
	 * kfifo_alloc() is one kmalloc_array() of the entries: past
	 * KMALLOC_MAX_SIZE (4 MiB on x86_64) it is an order-11 page allocation,
	 * which fails with a WARNING in __alloc_pages (seen in this guest at
	 * 262144 entries), so the probe stops there.
	 */
	for (unsigned long q = 64; q * sizeof(struct counter_event) <= 4ul << 20; q <<= 1) {
		snprintf(v, sizeof(v), "%lu", q);
		if (write_file(COUNTER_SYS "/events_queue_size", v))
			break;
		counter_maxq = read_ll(COUNTER_SYS "/events_queue_size");
	}
	printf("# counter events_queue_size: default 64, largest accepted %lu (twice that is past KMALLOC_MAX_SIZE)\n",
	       counter_maxq);
	write_file(COUNTER_SYS "/events_queue_size", "64");
}

/* open /dev/counter0, drop what an earlier run left, watch Count 0 */
static int counter_open(const struct contender *c)
{
	struct counter_watch w = {
		.component = { .type = COUNTER_COMPONENT_COUNT, .scope = COUNTER_SCOPE_COUNT },
		.event = COUNTER_EVENT_CHANGE_OF_STATE,
	};
	struct counter_event ev[64];
	char q[32];
	int fd;

	snprintf(q, sizeof(q), "%lu", c->queue ? counter_maxq : 64);
	if (write_file(COUNTER_SYS "/events_queue_size", q)) {
		printf("# %s: cannot set events_queue_size %s\n", c->name, q);
		return -1;
	}
	fd = open("/dev/counter0", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return -1;
	while (read(fd, ev, sizeof(ev)) > 0)
		;
	if (fcntl(fd, F_SETFL, 0) || ioctl(fd, COUNTER_ADD_WATCH_IOCTL, &w) ||
	    ioctl(fd, COUNTER_ENABLE_EVENTS_IOCTL)) {
		printf("# %s: counter watch: %s\n", c->name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * irqcap through mmap() (issue 18): docs/mmap-reader.c's reader, the docs'
 * functions themselves (included below), not a copy.  read_irqcap_mmap()
 * drains the ring from the mapping with no system call while records are
 * there and sleeps only when it is empty: its position into the reader page
 * (struct irqcap_mmap_reader, no system call), then poll()
 * (irqcap_map_wait()).  r->reads counts the poll() calls, the only system
 * calls it makes, so sysc = polls, the same per-event count as the read()
 * path's (read() calls there); r->writes stays 0.  Loss is exact from the positions
 * (irqcap_map_check()); what is past the reader's position when it stops
 * is late, not lost (mmap_late()).
 */
#define IRQCAP_MMAP_READER_NO_MAIN
#include "../../docs/mmap-reader.c"

static struct irqcap_map mmap_r;
static long mmap_empty_polls;	/* poll()s that returned with nothing new (EINTR aside) */
/*
 * Per sleep: wake = poll() returned - the kernel timestamp of the first
 * record it was woken for; a batch = the records taken between two sleeps
 * (the largest is printed).  Where a mapped reader's time goes.
 */
static uint64_t mmap_wake[MAXN];
static long mmap_nwake, mmap_batch_max;

static bool irqcap_mmap_ok(const struct contender *c, int fd)
{
	int ret = irqcap_map_open(&mmap_r, fd);

	if (ret) {
		printf("# %s: not measured: mmap of /dev/irqcap0: %s\n", c->name, strerror(-ret));
		return false;
	}
	return true;
}

static void read_irqcap_mmap(struct reader *r)
{
	static struct irqcap_event buf[READ_RECORDS];
	struct irqcap_map *m = &mmap_r;

	uint64_t woke = 0;
	long batch = 0;
	bool slow = !strcmp(r->c->name, "irqcap-mmap-slow");

	mmap_empty_polls = mmap_nwake = mmap_batch_max = 0;
	while (!r->stop) {
		uint64_t lost = 0, t;
		unsigned int n = irqcap_map_read(m, buf, READ_RECORDS, &lost);

		t = now_ns();
		if (n && woke && buf[0].timestamp_ns && woke >= buf[0].timestamp_ns &&
		    mmap_nwake < MAXN)
			mmap_wake[mmap_nwake++] = woke - buf[0].timestamp_ns;
		woke = 0;
		batch += n;
		r->lost += lost;
		for (unsigned int i = 0; i < n; i++)
			if (buf[i].type == IRQCAP_EVENT_IRQ)
				reader_got(r, buf[i].seqno - r->base - 1, t, buf[i].timestamp_ns);
		if (n) {
			r->last_recv = t;
			if (slow)
				usleep(1000);
			continue;
		}
		if (lost)
			continue;
		/* the ring is empty at the reader's position: sleep */
		if (batch > mmap_batch_max)
			mmap_batch_max = batch;
		batch = 0;
		r->armed = 1;
		/* opened read-only, the docs' reader would CONSUME: a second call */
		if (!m->reader)
			r->writes++;
		{
			uint32_t h0 = m->pos;
			int ret = irqcap_map_wait(m, -1);

			if (ret < 0 && errno != EINTR) {
				perror("irqcap mmap wait");
				break;
			}
			if (ret < 0 && r->stop)
				break;
			r->reads++;	/* poll() */
			woke = now_ns();
			if (__atomic_load_n(IRQCAP_MMAP_POS(m->page->head), __ATOMIC_ACQUIRE) == h0)
				mmap_empty_polls++;
		}
	}
}

/* records past the reader's position when it stopped: late, not lost */
static long mmap_late(void)
{
	return (uint32_t)(__atomic_load_n(IRQCAP_MMAP_POS(mmap_r.page->head), __ATOMIC_ACQUIRE) -
			  mmap_r.pos);
}

/*
 * One run: @n edges on the contender's line, as fast as possible
 * (@rate == 0) or at @rate per second.
 */
static void run(const struct contender *c, int rep, const char *test, int n,
		long rate, bool cdf)
{
	struct reader r = { .c = c, .n = n, .fd = -1, .recv = recv_ts, .kern = kern_ts };
	uint64_t t0, t1, u0, s0, u1, s1, done;
	long long proc0, proc1, cnt0 = 0, seen;
	long nlat = 0, delivered, late = 0;
	double sustained, alt_count = 0;
	bool alt = !strcmp(test, "alt");
	long long alt_cnt0 = 0, alt_cnt = 0;
	pthread_t th;

	if (c->kind == K_IRQCAP || c->kind == K_MMAP) {
		if (write_file("/sys/class/misc/irqcap0/device/bottom_half", c->mode)) {
			printf("# cannot set bottom_half %s\n", c->mode);
			return;
		}
		/* a driver without the hold-off runs only the contenders without */
		if (write_file("/sys/class/misc/irqcap0/device/wakeup_holdoff_us",
			       c->holdoff ? c->holdoff : "0") && c->holdoff) {
			printf("# %s: cannot set wakeup_holdoff_us %s\n", c->name, c->holdoff);
			return;
		}
		/* O_RDWR: the mapped reader's page is a shared writable mapping */
		r.fd = open("/dev/irqcap0", O_RDWR);
		r.base = irqcap_seqno();
		if (c->kind == K_MMAP && r.fd >= 0 && !irqcap_mmap_ok(c, r.fd)) {
			close(r.fd);
			return;
		}
	} else if (c->kind == K_UIO) {
		uint32_t one = 1;

		/*
		 * Re-enable the line first: an edge the last run left pending on
		 * the masked line is replayed now, before the base count and the
		 * /proc/interrupts baseline, not counted as this run's (it was:
		 * 1 event more than interrupts taken, in 3 of 4 bursts).
		 */
		r.fd = open("/dev/uio0", O_RDWR);
		if (r.fd >= 0 && write(r.fd, &one, sizeof(one)) != sizeof(one))
			perror("uio enable");
		usleep(20000);
		r.base = uio_count();
	} else if (c->kind == K_COUNTER) {
		r.fd = counter_open(c);
		r.base = read_ll(COUNTER_SYS "/count0/count");
		r.last_seq = r.base;
	} else if (c->kind == K_NOREAD) {
		write_file("/sys/class/misc/irqcap0/device/bottom_half", c->mode);
		write_file("/sys/class/misc/irqcap0/device/wakeup_holdoff_us", "0");
		cnt0 = read_ll("/sys/class/misc/irqcap0/device/events_committed");
	} else {
		write_file(stamp_attr, c->mode ? c->mode : "0");
		write_file(count_attr, "0");
		cnt0 = read_ll(count_attr);
	}
	if (has_reader(c) && r.fd < 0) {
		printf("# %s: open: %s\n", c->name, strerror(errno));
		return;
	}
	if (alt) {
		/* a counting contender shares the line: its "stamp" is toggled per chunk */
		write_file(stamp_attr, "0");
		alt_cnt0 = read_ll(count_attr);
	}
	memset(recv_ts, 0, sizeof(recv_ts[0]) * n);
	memset(kern_ts, 0, sizeof(kern_ts[0]) * n);
	memset(raise_ts, 0, sizeof(raise_ts[0]) * n);
	if (has_reader(c)) {
		pthread_create(&th, NULL, reader_fn, &r);
		usleep(20000);	/* the reader is asleep in read() */
	} else if (count_busy(c)) {
		spin_stop = 0;
		pthread_create(&th, NULL, spin_fn, NULL);
	}
	quiesce();
	proc0 = proc_interrupts(c->line);
	proc_stat(&u0, &s0);
	if (!strcmp(test, "burst"))
		insn_mark("begin", c);
	t0 = now_ns();
	if (rate < 0) {
		ping(c->line, n, &r);
	} else if (rate) {
		raise_at_rate(c->line, n, 1000000000ull / rate);
	} else if (alt) {
		/* chunks alternate with the counting handler's line */
		for (int k = 0; k * CHUNK < n; k++) {
			int m = n - k * CHUNK < CHUNK ? n - k * CHUNK : CHUNK;
			uint64_t a, b;

			if (c->kind == K_COUNT)
				write_file(stamp_attr, "0");
			a = now_ns();
			raise_irq(LINE_COUNT, m);
			b = now_ns();
			alt_rate[k] = m * 1e9 / (double)(b - a);
			if (c->kind == K_COUNT)
				write_file(stamp_attr, c->mode ? c->mode : "0");
			chunk_start[k] = now_ns();
			raise_irq(c->line, m);
			chunk_end[k] = now_ns();
		}
	} else {
		for (int k = 0; k * CHUNK < n; k++) {
			raise_irq(c->line, n - k * CHUNK < CHUNK ? n - k * CHUNK : CHUNK);
			chunk_end[k] = now_ns();
		}
	}
	t1 = now_ns();
	if (has_reader(c)) {
		/*
		 * Wait for the reader: until it has every interrupt the kernel
		 * took, or 1.5 s without news (a VM on a loaded host can stall
		 * a vCPU for most of a second; UIO's masked edges never come,
		 * nor the counter's and gpio-cdev's dropped and merged ones);
		 * under --insns 0.1 s, so that the idle wait stays out of the
		 * count.  Polls memory only.
		 */
		long long want = proc_interrupts(c->line) - proc0;
		long last = -1;
		uint64_t quiet = now_ns();

		while (r.delivered < want) {
			if (r.delivered != last) {
				last = r.delivered;
				quiet = now_ns();
			} else if (now_ns() - quiet > (marking ? 100000000ull : 1500000000ull)) {
				break;
			}
			/*
			 * Quiet for 10 ms (a peer that lost events): poll
			 * rarely, so the wait adds little to the run's system
			 * time and instruction count (--insns)
			 */
			usleep(now_ns() - quiet > 10000000ull ? 50000 : 200);
		}
		r.stop = 1;
		while (pthread_tryjoin_np(th, NULL) == EBUSY) {
			pthread_kill(th, SIGUSR1);
			usleep(1000);
		}
	}
	if (count_busy(c)) {
		spin_stop = 1;
		pthread_join(th, NULL);
	}
	if (!strcmp(test, "burst"))
		insn_mark("end", c);
	proc_stat(&u1, &s1);
	proc1 = proc_interrupts(c->line);
	seen = proc1 - proc0;
	if (c->kind == K_COUNT) {
		delivered = read_ll(count_attr) - cnt0;
		done = t1;
	} else if (c->kind == K_NOREAD) {
		delivered = read_ll("/sys/class/misc/irqcap0/device/events_committed") - cnt0;
		done = t1;
	} else {
		delivered = r.delivered;
		done = r.last_recv > t1 ? r.last_recv : t1;
		if (c->kind == K_IRQCAP) {
			struct irqcap_stats st;

			/* still in the ring when we stopped waiting: late, not lost */
			if (ioctl(r.fd, IRQCAP_IOC_STATS, &st) == 0) {
				late = st.reader_pending;
				r.lost = st.reader_lost;
			}
		} else if (c->kind == K_MMAP) {
			late = mmap_late();	/* r.lost: from the positions */
			qsort(mmap_wake, mmap_nwake, sizeof(mmap_wake[0]), cmp_u64);
			printf("# mmap: %s rep=%d test=%s polls=%ld other_syscalls=%ld polls_with_nothing_new=%ld "
			       "wake_us_p50=%.1f wake_us_p90=%.1f wake_us_max=%.1f wakes=%ld largest_batch=%ld\n",
			       c->name, rep, test, r.reads, r.writes, mmap_empty_polls,
			       pct(mmap_wake, mmap_nwake, 50) / 1e3, pct(mmap_wake, mmap_nwake, 90) / 1e3,
			       (mmap_nwake ? mmap_wake[mmap_nwake - 1] : 0) / 1e3, mmap_nwake, mmap_batch_max);
			irqcap_map_close(&mmap_r);
		} else if (c->kind == K_UIO) {
			/*
			 * Counted by UIO but not read when the reader stopped
			 * (its last re-enable replayed a pending edge): late
			 */
			late = uio_count() - (long long)r.base - delivered;
		}
		close(r.fd);
	}

	/*
	 * Latency: raise time to the time read() returned, at fixed rates;
	 * in bursts (no per-edge raise time) irqcap's own hard IRQ timestamp
	 * to read().  Event i is raise i only when every edge was taken
	 * (seen == n) and, for UIO, every interrupt was delivered.
	 */
	if (has_reader(c) && seen == n &&
	    (c->kind == K_IRQCAP || c->kind == K_MMAP || c->kind == K_COUNTER || delivered == n)) {
		for (long i = 0; i < n; i++) {
			uint64_t from = rate ? raise_ts[i] : kern_ts[i];

			if (recv_ts[i] && from && recv_ts[i] >= from)
				lat[nlat++] = recv_ts[i] - from;
		}
		qsort(lat, nlat, sizeof(lat[0]), cmp_u64);
	}

	/*
	 * Sustained rate in bursts: the median over chunks of CHUNK edges of
	 * CHUNK / the time the chunk took to raise.  Every edge traps into
	 * the kernel on the raising CPU, where the handler and (except for a
	 * reader's own work) the bottom half run, so this is the rate the
	 * kernel side sustains; the reader has the other CPU and must take
	 * them all (delivered == seen) for the figure to count.  A host that
	 * stalls the VM now and then spoils a few chunks, not the median.
	 */
	/*
	 * At fixed rates: delivered over the raising window, so a late last
	 * delivery (latency, reported apart) does not count as throughput.
	 */
	sustained = delivered * 1e9 / (double)((rate ? t1 : done) - t0);
	if (alt)
		alt_cnt = read_ll(count_attr) - alt_cnt0;
	if (alt && c->kind == K_COUNT) {
		/* one line took both halves: each got n if it took 2n */
		seen -= n;
		delivered = alt_cnt == 2LL * n ? n : 0;
		alt_cnt = delivered;
	}
	if (!rate && seen == n && delivered == n && n >= 2 * CHUNK &&
	    (!alt || alt_cnt == n)) {
		uint64_t prev = t0;
		int nk = 0;

		for (int k = 0; (k + 1) * CHUNK <= n; k++) {
			if (alt)
				prev = chunk_start[k];
			chunk_rate[nk++] = CHUNK * 1e9 / (double)(chunk_end[k] - prev);
			prev = chunk_end[k];
		}
		qsort(chunk_rate, nk, sizeof(chunk_rate[0]), cmp_double);
		sustained = chunk_rate[nk / 2];
		if (alt) {
			qsort(alt_rate, nk, sizeof(alt_rate[0]), cmp_double);
			alt_count = alt_rate[nk / 2];
		}
	}

	printf("RES contender=%s%s%s rep=%d test=%s raised=%d seen=%lld delivered=%ld lost=%lld "
	       "kernel_lost=%lld reader_lost=%ld late=%ld raise_s=%.0f rate_s=%.0f p50_ns=%llu p99_ns=%llu max_ns=%llu "
	       "lat_n=%ld lat_from=%s sys_ns=%llu user_ns=%llu reader_sys_ns=%llu reader_user_ns=%llu "
	       "reads=%ld elapsed_ns=%llu overall_s=%.0f alt_count_s=%.0f merged=%lld visible=%ld sysc=%ld reader_cpu_ns=%llu\n",
	       c->name, tag && is_irqcap(c) ? "/" : "", tag && is_irqcap(c) ? tag : "", rep, test, n, seen, delivered,
	       (long long)n - delivered, seen - delivered - late, r.lost, late,
	       n * 1e9 / (double)(t1 - t0), sustained,
	       (unsigned long long)pct(lat, nlat, 50), (unsigned long long)pct(lat, nlat, 99),
	       (unsigned long long)(nlat ? lat[nlat - 1] : 0), nlat,
	       !has_reader(c) ? "-" : rate ? "raise" : "hardirq",
	       (unsigned long long)(s1 - s0), (unsigned long long)(u1 - u0),
	       (unsigned long long)r.stime_ns, (unsigned long long)r.utime_ns, r.reads,
	       (unsigned long long)(done - t0), delivered * 1e9 / (double)(done - t0), alt_count,
	       /* pc-testdev edges never taken as interrupts (UIO: met a masked line) */
	       (long long)n - seen, r.lost + r.visible, r.reads + r.writes,
	       (unsigned long long)r.cpu_ns);
	if (cdf && nlat) {
		static const double ps[] = { 0, 1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90,
					     95, 98, 99, 99.5, 99.9, 100 };

		for (unsigned int i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
			printf("CDF contender=%s%s%s test=%s pct=%g ns=%llu\n", c->name,
			       tag && is_irqcap(c) ? "/" : "",
			       tag && is_irqcap(c) ? tag : "", test,
			       ps[i], (unsigned long long)pct(lat, nlat, ps[i]));
	}
	fflush(stdout);
}

/*
 * gpio-sim: line 0 for gpio-cdev, line 1 for irqcap (irqcap_gpiosim_bench.ko
 * registers it and creates both lines' interrupt mappings).  An edge is a
 * write of "pull-up" or "pull-down" to the line's sysfs "pull": gpio-sim
 * sets the interrupt pending in its irq_sim, whose irq_work runs the
 * handlers on the raising CPU.
 */
static char gpio_chipdev[64], irqcapg_dev[64], irqcapg_sys[192];
static int pull_fd[2] = { -1, -1 };
static int gpio_irq[2] = { -1, -1 };
static long gpio_werr;
static uint64_t recv2[MAXN], kern2[MAXN];

static void gpio_setup(void)
{
	glob_t g;
	char p[256];

	for (int l = 0; l < 2; l++) {
		snprintf(p, sizeof(p), "/sys/devices/platform/gpio-sim.*/gpiochip*/sim_gpio%d/pull", l);
		if (glob(p, 0, NULL, &g) == 0) {
			pull_fd[l] = open(g.gl_pathv[0], O_WRONLY);
			if (l == 0) {
				/* .../gpiochipN/sim_gpio0/pull: /dev/gpiochipN */
				char *e = strstr(g.gl_pathv[0], "/gpiochip");

				snprintf(gpio_chipdev, sizeof(gpio_chipdev), "/dev%.*s", (int)strcspn(e + 1, "/") + 1, e);
			}
			globfree(&g);
		}
	}
	gpio_irq[0] = read_ll("/sys/module/irqcap_gpiosim_bench/parameters/irq_cdev");
	gpio_irq[1] = read_ll("/sys/module/irqcap_gpiosim_bench/parameters/irq_irqcap");
	/* irqcap's device on the gpio-sim line: platform device irqcap.N.auto */
	if (glob("/sys/class/misc/irqcap*", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			char link[256];
			ssize_t l;

			snprintf(p, sizeof(p), "%s/device", g.gl_pathv[i]);
			l = readlink(p, link, sizeof(link) - 1);
			if (l <= 0)
				continue;
			link[l] = 0;
			if (strncmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, "irqcap.", 7))
				continue;
			snprintf(irqcapg_sys, sizeof(irqcapg_sys), "%s/device", g.gl_pathv[i]);
			snprintf(irqcapg_dev, sizeof(irqcapg_dev), "/dev/%s", strrchr(g.gl_pathv[i], '/') + 1);
		}
		globfree(&g);
	}
	printf("# gpio-sim: %s, pull fds %d %d, irqs %d %d, irqcap on line 1: %s\n",
	       gpio_chipdev[0] ? gpio_chipdev : "(none)", pull_fd[0], pull_fd[1],
	       gpio_irq[0], gpio_irq[1], irqcapg_dev[0] ? irqcapg_dev : "(none)");
}

/* toggle k of the lines in @mask: up when k is even (both start low) */
static void gpio_toggle(unsigned int mask, long k)
{
	const char *v = k & 1 ? "pull-down" : "pull-up";
	size_t l = strlen(v);

	if ((mask & 1) && pwrite(pull_fd[0], v, l, 0) != (ssize_t)l)
		gpio_werr++;
	if ((mask & 2) && pwrite(pull_fd[1], v, l, 0) != (ssize_t)l)
		gpio_werr++;
}

/* the IRQ thread of @irq ("irq/N-..."), or -1 */
static int irq_thread_pid(int irq)
{
	char want[32], comm[64];
	int pid = -1;
	glob_t g;

	snprintf(want, sizeof(want), "irq/%d-", irq);
	if (glob("/proc/[0-9]*/comm", 0, NULL, &g))
		return -1;
	for (size_t i = 0; i < g.gl_pathc && pid < 0; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");

		if (f && fgets(comm, sizeof(comm), f) && !strncmp(comm, want, strlen(want)))
			sscanf(g.gl_pathv[i], "/proc/%d/", &pid);
		if (f)
			fclose(f);
	}
	globfree(&g);
	return pid;
}

/* where an IRQ thread last ran and how often it moved (CONFIG_SCHED_DEBUG) */
static void thread_where(int pid, long *cpu, long *migrations)
{
	char p[64], line[512];
	FILE *f;

	*cpu = *migrations = -1;
	if (pid < 0)
		return;
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	f = fopen(p, "r");
	if (f && fgets(line, sizeof(line), f)) {
		char *q = strrchr(line, ')');
		int field = 2;

		/* field 39 is "processor"; fields after the comm's ')' */
		for (q = q ? q + 1 : line; *q && field < 39; q++)
			if (*q == ' ')
				field++;
		*cpu = strtol(q, NULL, 10);
	}
	if (f)
		fclose(f);
	snprintf(p, sizeof(p), "/proc/%d/sched", pid);
	f = fopen(p, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "se.nr_migrations", 16))
			*migrations = strtol(strchr(line, ':') + 1, NULL, 10);
	if (f)
		fclose(f);
}

static int gpio_request_line(const struct contender *c)
{
	struct gpio_v2_line_request req;
	int fd = open(gpio_chipdev, O_RDONLY), ret;

	if (fd < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	req.num_lines = 1;
	req.offsets[0] = 0;
	snprintf(req.consumer, sizeof(req.consumer), "irqbench");
	req.config.flags = GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING;
	if (strcmp(c->mode, "rising"))
		req.config.flags |= GPIO_V2_LINE_FLAG_EDGE_FALLING;
	req.event_buffer_size = c->queue ? atoi(c->queue) : 0;	/* 0: the default, 16 */
	ret = ioctl(fd, GPIO_V2_GET_LINE_IOCTL, &req);
	close(fd);
	if (ret) {
		printf("# %s: GPIO_V2_GET_LINE_IOCTL: %s\n", c->name, strerror(errno));
		return -1;
	}
	return req.fd;
}

static void print_cdf(const char *name, const char *test)
{
	static const double ps[] = { 0, 1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90,
				     95, 98, 99, 99.5, 99.9, 100 };

	for (unsigned int i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		printf("CDF contender=%s test=%s pct=%g ns=%llu\n", name, test, ps[i],
		       (unsigned long long)pct(lat, gpio_nlat, ps[i]));
}

/*
 * gpio-cdev (line 0) and, for "gpio-cdev", irqcap (line 1) toggled in the
 * same loop by the raiser on CPU 0, each read by its own thread on CPU 1.
 * "irqcap-gpio" by name: irqcap alone on line 1 (for --insns).  With
 * IRQBENCH_MARK (--insns) only the contender's own line is toggled.  @n is
 * the number of edges of the requested kind (rising: 2n toggles).
 */
static void run_gpio(const struct contender *c, int rep, const char *test, int n,
		     long rate, bool cdf)
{
	static const struct contender irqcap_gpio = {
		"irqcap-gpio", K_IRQCAP_GPIO, "threaded", LINE_GPIO, NULL, NULL
	};
	bool solo = c->kind == K_IRQCAP_GPIO;
	bool rising = !solo && !strcmp(c->mode, "rising");
	bool partner = !solo && !marking && !strcmp(c->name, "gpio-cdev");
	unsigned int mask = solo ? 2 : marking ? 1 : 3;
	long toggles = rising ? 2L * n : n;
	struct reader rd[2] = {
		{ .c = solo ? &irqcap_gpio : c, .n = solo ? toggles : n, .fd = -1,
		  .recv = recv_ts, .kern = kern_ts },
		{ .c = &irqcap_gpio, .n = toggles, .fd = -1, .recv = recv2, .kern = kern2 },
	};
	int nr = partner ? 2 : 1, step = rising ? 2 : 1;
	long long proc0[2], seen[2];
	long tcpu[2], tmig0[2], tmig1[2];
	int tpid[2];
	uint64_t t0, t1, u0, s0, u1, s1;
	pthread_t th[2];
	char p[256];

	if (pull_fd[0] < 0 || pull_fd[1] < 0 || (solo || partner ? !irqcapg_dev[0] : 0)) {
		printf("# %s: no gpio-sim lines or no irqcap on line 1\n", c->name);
		return;
	}
	toggles &= ~1L;	/* both lines end low again */
	for (int i = 0; i < nr; i++) {
		struct reader *r = &rd[i];

		if (r->c->kind == K_IRQCAP_GPIO) {
			snprintf(p, sizeof(p), "%s/bottom_half", irqcapg_sys);
			write_file(p, r->c->mode);
			snprintf(p, sizeof(p), "%s/wakeup_holdoff_us", irqcapg_sys);
			write_file(p, "0");
			r->fd = open(irqcapg_dev, O_RDONLY);
			snprintf(p, sizeof(p), "%s/irqs_seen", irqcapg_sys);
			r->base = read_ll(p);
		} else {
			r->fd = gpio_request_line(c);
		}
		if (r->fd < 0) {
			printf("# %s: cannot open its reader\n", r->c->name);
			goto out;
		}
		memset(r->recv, 0, sizeof(r->recv[0]) * r->n);
		memset(r->kern, 0, sizeof(r->kern[0]) * r->n);
	}
	memset(raise_ts, 0, sizeof(raise_ts[0]) * toggles);
	for (int i = 0; i < nr; i++)
		pthread_create(&th[i], NULL, reader_fn, &rd[i]);
	usleep(20000);
	quiesce();
	gpio_werr = 0;
	for (int i = 0; i < nr; i++) {
		proc0[i] = proc_interrupts(gpio_irq[rd[i].c->kind == K_IRQCAP_GPIO]);
		tpid[i] = irq_thread_pid(gpio_irq[rd[i].c->kind == K_IRQCAP_GPIO]);
		thread_where(tpid[i], &tcpu[i], &tmig0[i]);
	}
	proc_stat(&u0, &s0);
	if (!strcmp(test, "burst"))
		insn_mark("begin", c);
	t0 = now_ns();
	if (rate < 0) {
		/* one toggle at a time, each after every reader has it */
		for (long k = 0; k < toggles; k++) {
			uint64_t t;

			for (int i = 0; i < nr; i++)
				while (!rd[i].armed)
					usleep(50);
			usleep(100);
			for (int i = 0; i < nr; i++)
				rd[i].armed = 0;
			raise_ts[k] = now_ns();
			gpio_toggle(mask, k);
			t = now_ns();
			for (int i = 0; i < nr; i++) {
				long want = rd[i].c->kind == K_IRQCAP_GPIO ? k + 1 : k / step + 1;

				if (rising && rd[i].c->kind == K_GPIO && (k & 1)) {
					rd[i].armed = 1;	/* a falling edge: no event */
					continue;
				}
				while (rd[i].delivered < want && now_ns() - t < 100000000ull)
					usleep(20);
			}
		}
	} else if (rate) {
		uint64_t period = 1000000000ull / (rate * step);

		for (long k = 0; k < toggles; k++) {
			uint64_t due = t0 + (uint64_t)k * period, t;

			while ((t = now_ns()) < due)
				;
			raise_ts[k] = t;
			gpio_toggle(mask, k);
		}
	} else {
		for (long k = 0; k < toggles; k++) {
			gpio_toggle(mask, k);
			if ((k + 1) % CHUNK == 0)
				chunk_end[k / CHUNK] = now_ns();
		}
	}
	t1 = now_ns();
	for (int i = 0; i < nr; i++) {
		struct reader *r = &rd[i];
		long long want = proc_interrupts(gpio_irq[r->c->kind == K_IRQCAP_GPIO]) - proc0[i];
		long last = -1;
		uint64_t quiet = now_ns();

		while (r->delivered < want) {
			if (r->delivered != last) {
				last = r->delivered;
				quiet = now_ns();
			} else if (now_ns() - quiet > (marking ? 100000000ull : 1500000000ull)) {
				break;
			}
			/*
			 * Quiet for 10 ms (a peer that lost events): poll
			 * rarely, so the wait adds little to the run's system
			 * time and instruction count (--insns)
			 */
			usleep(now_ns() - quiet > 10000000ull ? 50000 : 200);
		}
	}
	for (int i = 0; i < nr; i++) {
		rd[i].stop = 1;
		while (pthread_tryjoin_np(th[i], NULL) == EBUSY) {
			pthread_kill(th[i], SIGUSR1);
			usleep(1000);
		}
	}
	if (!strcmp(test, "burst"))
		insn_mark("end", c);
	proc_stat(&u1, &s1);
	for (int i = 0; i < nr; i++) {
		struct reader *r = &rd[i];
		bool cap = r->c->kind == K_IRQCAP_GPIO;
		long ev = r->n, late = 0, delivered = r->delivered;
		long long made;	/* distinct events the kernel made */
		uint64_t done = r->last_recv > t1 ? r->last_recv : t1;
		double sustained;
		int estep = cap ? 1 : step;

		seen[i] = proc_interrupts(gpio_irq[cap]) - proc0[i];
		thread_where(tpid[i], &tcpu[i], &tmig1[i]);
		if (cap) {
			struct irqcap_stats st;

			if (ioctl(r->fd, IRQCAP_IOC_STATS, &st) == 0) {
				late = st.reader_pending;
				r->lost = st.reader_lost;
			}
			made = seen[i];
		} else {
			made = r->last_seq;	/* line_seqno: one per IRQ thread run */
		}
		gpio_nlat = 0;
		if (seen[i] == ev && made == ev) {
			for (long e = 0; e < ev; e++) {
				uint64_t from = rate ? raise_ts[e * estep] : r->kern[e];

				if (r->recv[e] && from && r->recv[e] >= from)
					lat[gpio_nlat++] = r->recv[e] - from;
			}
			qsort(lat, gpio_nlat, sizeof(lat[0]), cmp_u64);
		}
		sustained = delivered * 1e9 / (double)((rate ? t1 : done) - t0);
		if (!rate && seen[i] == ev && delivered == ev && toggles >= 2 * CHUNK) {
			uint64_t prev = t0;
			int nk = 0;

			for (long k = 0; (k + 1) * CHUNK <= toggles; k++) {
				chunk_rate[nk++] = CHUNK * 1e9 / (double)(chunk_end[k] - prev) / estep;
				prev = chunk_end[k];
			}
			qsort(chunk_rate, nk, sizeof(chunk_rate[0]), cmp_double);
			sustained = chunk_rate[nk / 2];
		}
		printf("RES contender=%s rep=%d test=%s raised=%ld seen=%lld delivered=%ld lost=%ld "
		       "kernel_lost=%lld reader_lost=%ld late=%ld raise_s=%.0f rate_s=%.0f p50_ns=%llu p99_ns=%llu max_ns=%llu "
		       "lat_n=%ld lat_from=%s sys_ns=%llu user_ns=%llu reader_sys_ns=%llu reader_user_ns=%llu "
		       "reads=%ld elapsed_ns=%llu overall_s=%.0f alt_count_s=0 merged=%lld visible=%ld sysc=%ld "
		       "joint=%d toggles=%ld pull_errors=%ld irq_thread_cpu=%ld irq_thread_migrations=%ld\n",
		       r->c->name, rep, test, ev, seen[i], delivered, ev - delivered,
		       made - delivered - late, r->lost, late,
		       ev * 1e9 / (double)(t1 - t0), sustained,
		       (unsigned long long)pct(lat, gpio_nlat, 50), (unsigned long long)pct(lat, gpio_nlat, 99),
		       (unsigned long long)(gpio_nlat ? lat[gpio_nlat - 1] : 0), gpio_nlat,
		       rate ? "raise" : "hardirq", (unsigned long long)(s1 - s0),
		       (unsigned long long)(u1 - u0), (unsigned long long)r->stime_ns,
		       (unsigned long long)r->utime_ns, r->reads, (unsigned long long)(done - t0),
		       delivered * 1e9 / (double)(done - t0), ev - made, r->lost + r->visible,
		       r->reads, nr, toggles, gpio_werr, tcpu[i],
		       tmig1[i] >= 0 && tmig0[i] >= 0 ? tmig1[i] - tmig0[i] : -1);
		if (cdf && gpio_nlat)
			print_cdf(r->c->name, test);
	}
	fflush(stdout);
out:
	for (int i = 0; i < nr; i++)
		if (rd[i].fd >= 0)
			close(rd[i].fd);
}

static void route_irqs(void)
{
	char p[64];

	for (int line = 5; line <= LINE_COUNTER; line++) {
		if (line > LINE_UIO && line < LINE_COUNTER)
			continue;
		snprintf(p, sizeof(p), "/proc/irq/%d/smp_affinity", line);
		if (write_file(p, "1"))
			printf("# cannot route irq %d to CPU 0\n", line);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };	/* no SA_RESTART */
	struct { long rate; int n; char name[32]; } rates[16];
	int reps, burst, nrates = 0, rep0 = 0, force_cdf = 0;
	bool want[sizeof(contenders) / sizeof(contenders[0])];
	char *spec, *tok;
	glob_t g;

	if (argc < 4) {
		fprintf(stderr, "usage: %s REPS BURST_N RATE:N[,RATE:N...] [CONTENDER...]\n",
			argv[0]);
		return 2;
	}
	reps = atoi(argv[1]);
	burst = atoi(argv[2]);
	spec = strdup(argv[3]);
	for (tok = strtok(spec, ","); tok && nrates < 16; tok = strtok(NULL, ",")) {
		rates[nrates].rate = strncmp(tok, "ping", 4) ? atol(tok) : -1;
		rates[nrates].n = strchr(tok, ':') ? atoi(strchr(tok, ':') + 1) : 1000;
		if (rates[nrates].n > MAXN)
			rates[nrates].n = MAXN;
		if (rates[nrates].rate < 0)
			snprintf(rates[nrates].name, sizeof(rates[0].name), "ping");
		else
			snprintf(rates[nrates].name, sizeof(rates[0].name), "rate%ld",
				 rates[nrates].rate);
		nrates++;
	}
	if (burst > MAXN)
		burst = MAXN;
	for (unsigned int i = 0; i < sizeof(want); i++) {
		/* the count-lock/-mb breakdown only when asked for by name */
		want[i] = argc == 4 && (contenders[i].kind != K_COUNT || !contenders[i].mode ||
					!strcmp(contenders[i].mode, "1")) &&
			  contenders[i].kind != K_IRQCAP_GPIO &&
			  strcmp(contenders[i].name, "irqcap-mmap-slow");
		for (int a = 4; a < argc; a++)
			if (!strcmp(argv[a], contenders[i].name))
				want[i] = true;
	}
	tag = getenv("IRQBENCH_TAG");
	marking = getenv("IRQBENCH_MARK") != NULL;
	if (getenv("IRQBENCH_REP"))
		rep0 = atoi(getenv("IRQBENCH_REP")) - 1;
	if (getenv("IRQBENCH_CDF"))
		force_cdf = atoi(getenv("IRQBENCH_CDF"));
	sigaction(SIGUSR1, &sa, NULL);
	if (ioperm(0x2000, 0x18, 1)) {
		perror("ioperm");
		return 1;
	}
	if (glob("/sys/bus/platform/drivers/irqcnt_bench/*/count", 0, NULL, &g) == 0) {
		snprintf(count_attr, sizeof(count_attr), "%s", g.gl_pathv[0]);
		snprintf(stamp_attr, sizeof(stamp_attr), "%.*s/stamp",
			 (int)(strrchr(g.gl_pathv[0], '/') - g.gl_pathv[0]), g.gl_pathv[0]);
		globfree(&g);
	} else {
		printf("# irqcnt_bench is not bound\n");
	}
	route_irqs();
	pin_cpu(0);
	/* x86 moves an IRQ to its new CPU at its next interrupt: do that now */
	for (int line = 5; line <= 7; line++)
		raise_irq(line, 3);
	raise_irq(LINE_COUNTER, 3);
	counter_probe_queue();
	gpio_setup();
	usleep(100000);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Contenders interleaved within each repetition, so noise hits all
	 * alike, and their order rotated from one repetition to the next, so
	 * no contender always runs first (or right after the same one).
	 */
	for (int rep = 1; rep <= reps; rep++) {
		for (unsigned int j = 0; j < sizeof(want); j++) {
			unsigned int i = (j + rep0 + rep - 1) % sizeof(want);

			if (!want[i])
				continue;
			bool cdf = force_cdf || (rep == reps && !getenv("IRQBENCH_CDF"));

			if (contenders[i].line == LINE_GPIO) {
				run_gpio(&contenders[i], rep0 + rep, "burst", burst, 0, cdf);
				for (int k = 0; k < nrates; k++)
					run_gpio(&contenders[i], rep0 + rep, rates[k].name,
						 rates[k].n, rates[k].rate, cdf);
				continue;
			}
			run(&contenders[i], rep0 + rep, "burst", burst, 0, cdf);
			/* irqcap against the counting handler, chunk by chunk */
			if (contenders[i].kind != K_UIO && !count_busy(&contenders[i]))
				run(&contenders[i], rep0 + rep, "alt", burst, 0, cdf);
			for (int k = 0; k < nrates; k++)
				if (rates[k].rate >= 0 || has_reader(&contenders[i]))
					run(&contenders[i], rep0 + rep, rates[k].name, rates[k].n,
				    rates[k].rate, cdf);
		}
	}
	printf("=== irqbench done\n");
	return 0;
}
