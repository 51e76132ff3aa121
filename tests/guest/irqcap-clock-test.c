// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap-clock-test: the reader's clock and the edge of IRQ records (ABI 3,
 * issue 17) in the x86 integration guest (tests/run-integration.sh), on
 * /dev/irqcap0 (ACPI IQC0: IRQ 5, Edge ActiveHigh, pc-testdev).  Built
 * 64-bit and 32-bit (-m32: the same checks through compat_ioctl; its test
 * names end in "32").
 *
 *   irqcap-clock-test [TEST...]
 *
 * Each record read on clock C must lie between clock_gettime(C) taken
 * before the raise and after the read() that returned it; after the wall
 * clock is stepped with clock_settime() (as `date -s` does), by +1 h and
 * back, REALTIME and TAI records follow the step (read() converts with the
 * offset in force at the read(): a record raised before the step and read
 * after it moves by the step, the documented error bound) while MONOTONIC
 * and BOOTTIME ones do not.  Prints "ok - NAME" / "not ok - NAME: why".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../../src/uapi/irqcap.h"
#include "guest-util.h"

#define DEV	"/dev/irqcap0"
#define LINE	5
#define NEV	512
#define HOUR_NS	3600000000000LL

#if defined(__i386__)
#define SUFFIX	"32"
#else
#define SUFFIX	""
#endif

static int failures;
static char why[512];
static struct irqcap_event evbuf[NEV];

static const clockid_t posix_clock[] = {
	[IRQCAP_CLOCK_MONOTONIC] = CLOCK_MONOTONIC,
	[IRQCAP_CLOCK_BOOTTIME] = CLOCK_BOOTTIME,
	[IRQCAP_CLOCK_REALTIME] = CLOCK_REALTIME,
	[IRQCAP_CLOCK_TAI] = CLOCK_TAI,
};
static const char * const clock_name[] = { "monotonic", "boottime", "realtime", "tai" };

static uint64_t clock_ns(unsigned int clock)
{
	struct timespec ts;

	clock_gettime(posix_clock[clock], &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Step CLOCK_REALTIME (and so TAI) by @delta ns, as `date -s` does. */
static int step_wall_clock(int64_t delta)
{
	struct timespec ts;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	ns = (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec + delta;
	ts.tv_sec = ns / 1000000000ll;
	ts.tv_nsec = ns % 1000000000ll;
	return clock_settime(CLOCK_REALTIME, &ts);
}

static int open_clock(unsigned int clock)
{
	int fd = open(DEV, O_RDWR | O_NONBLOCK);
	uint32_t c = clock;

	if (fd < 0)
		return -1;
	if (ioctl(fd, IRQCAP_IOC_SET_CLOCK, &c) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read what is there, waiting up to 2 s for the first record. */
static int drain(int fd, struct irqcap_event *ev, int max)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = 0;

	if (poll(&p, 1, 2000) <= 0)
		return 0;
	while (n < max) {
		ssize_t r = read(fd, ev + n, (max - n) * sizeof(*ev));

		if (r <= 0)
			break;
		n += r / sizeof(*ev);
		usleep(2000);	/* the threaded bottom half of the last raise */
		if (poll(&p, 1, 0) <= 0)
			break;
	}
	return n;
}

static void raise_n(int n)
{
	for (int i = 0; i < n; i++) {
		raise_irq(LINE, 1);
		usleep(200);	/* one edge at a time: no merging in the IO-APIC */
	}
}

/* Every record of @ev[0..n) an IRQ on @clock, within [lo, hi]. */
static bool check_batch(const struct irqcap_event *ev, int n, unsigned int clock,
			uint64_t lo, uint64_t hi, const char *what)
{
	CHECK(n > 0, "%s: no record in 2 s", what);
	for (int i = 0; i < n; i++) {
		CHECK(ev[i].type == IRQCAP_EVENT_IRQ, "%s: record %d type %u", what, i, ev[i].type);
		CHECK(ev[i].clock == clock, "%s: record %d clock %u, want %u", what, i,
		      ev[i].clock, clock);
		CHECK(ev[i].timestamp_ns >= lo && ev[i].timestamp_ns <= hi,
		      "%s: record %d (seq %llu) at %llu, outside [%llu, %llu] (%+lld ns from the lower bound)",
		      what, i, (unsigned long long)ev[i].seqno,
		      (unsigned long long)ev[i].timestamp_ns, (unsigned long long)lo,
		      (unsigned long long)hi, (long long)(ev[i].timestamp_ns - lo));
	}
	return true;
}

/* GET/SET_CLOCK: default MONOTONIC, each clock kept per file, bad values refused. */
static bool t_clock_ioctl(void)
{
	int fd = open(DEV, O_RDWR | O_NONBLOCK), fd2 = open(DEV, O_RDWR | O_NONBLOCK);
	uint32_t c = 99, bad[] = { 4, 5, 255, 0x80000000u, 0xffffffffu };

	CHECK(fd >= 0 && fd2 >= 0, "open: %s", strerror(errno));
	CHECK(ioctl(fd, IRQCAP_IOC_GET_CLOCK, &c) == 0 && c == IRQCAP_CLOCK_MONOTONIC,
	      "GET_CLOCK of a new file: %u (%s)", c, strerror(errno));
	for (uint32_t k = 0; k <= IRQCAP_CLOCK_TAI; k++) {
		c = k;
		CHECK(ioctl(fd, IRQCAP_IOC_SET_CLOCK, &c) == 0, "SET_CLOCK %u: %s", k, strerror(errno));
		c = 99;
		CHECK(ioctl(fd, IRQCAP_IOC_GET_CLOCK, &c) == 0 && c == k, "GET_CLOCK %u after SET %u", c, k);
	}
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = bad[i];
		errno = 0;
		CHECK(ioctl(fd, IRQCAP_IOC_SET_CLOCK, &c) == -1 && errno == EINVAL,
		      "SET_CLOCK %#x: errno %d, want EINVAL", bad[i], errno);
		c = 99;
		CHECK(ioctl(fd, IRQCAP_IOC_GET_CLOCK, &c) == 0 && c == IRQCAP_CLOCK_TAI,
		      "a refused SET_CLOCK %#x changed the clock to %u", bad[i], c);
	}
	errno = 0;
	CHECK(ioctl(fd, IRQCAP_IOC_SET_CLOCK, (void *)16) == -1 && errno == EFAULT,
	      "SET_CLOCK with a bad pointer: errno %d, want EFAULT", errno);
	c = 99;
	CHECK(ioctl(fd2, IRQCAP_IOC_GET_CLOCK, &c) == 0 && c == IRQCAP_CLOCK_MONOTONIC,
	      "the other file's clock is %u: the clock is not per file", c);
	close(fd);
	close(fd2);
	return true;
}

/* Records on each clock between that clock's readings around raise and read. */
static bool t_clock_bounds(void)
{
	for (unsigned int k = 0; k <= IRQCAP_CLOCK_TAI; k++) {
		int fd = open_clock(k), n;
		uint64_t lo, hi;

		CHECK(fd >= 0, "open with clock %s: %s", clock_name[k], strerror(errno));
		lo = clock_ns(k);
		raise_n(5);
		n = drain(fd, evbuf, NEV);
		hi = clock_ns(k);
		if (!check_batch(evbuf, n, k, lo, hi, clock_name[k]))
			return false;
		printf("# clock %s%s: %d records, last %llu ns after the raise began\n",
		       clock_name[k], SUFFIX, n,
		       (unsigned long long)(evbuf[n - 1].timestamp_ns - lo));
		close(fd);
	}
	return true;
}

/*
 * Readers on all four clocks see the same records (seqnos), and within
 * one read() each clock's offset to MONOTONIC is one constant.
 */
static bool t_clock_readers(void)
{
	static struct irqcap_event ev[4][64];
	int fd[4], n[4];

	for (unsigned int k = 0; k < 4; k++) {
		fd[k] = open_clock(k);
		CHECK(fd[k] >= 0, "open with clock %s", clock_name[k]);
	}
	raise_n(20);
	usleep(20000);
	for (unsigned int k = 0; k < 4; k++)
		n[k] = drain(fd[k], ev[k], 64);
	CHECK(n[0] > 0, "no record");
	for (unsigned int k = 1; k < 4; k++) {
		CHECK(n[k] == n[0], "%s reader read %d records, monotonic %d", clock_name[k], n[k], n[0]);
		for (int i = 0; i < n[0]; i++) {
			CHECK(ev[k][i].seqno == ev[0][i].seqno, "record %d: %s seq %llu, monotonic %llu",
			      i, clock_name[k], (unsigned long long)ev[k][i].seqno,
			      (unsigned long long)ev[0][i].seqno);
			CHECK(ev[k][i].edge == ev[0][i].edge, "record %d: edge differs", i);
			CHECK(ev[k][i].clock == k, "record %d: clock %u", i, ev[k][i].clock);
			CHECK(ev[k][i].timestamp_ns - ev[0][i].timestamp_ns ==
			      ev[k][0].timestamp_ns - ev[0][0].timestamp_ns,
			      "record %d: %s - monotonic not constant within a read", i, clock_name[k]);
		}
	}
	printf("# %d records on 4 clocks%s; boottime - monotonic %lld ns, realtime - monotonic %lld ns, tai - realtime %lld ns\n",
	       n[0], SUFFIX, (long long)(ev[1][0].timestamp_ns - ev[0][0].timestamp_ns),
	       (long long)(ev[2][0].timestamp_ns - ev[0][0].timestamp_ns),
	       (long long)(ev[3][0].timestamp_ns - ev[2][0].timestamp_ns));
	for (unsigned int k = 0; k < 4; k++)
		close(fd[k]);
	return true;
}

/*
 * The wall clock stepped by +1 h, then back by -1 h.  For each step, with
 * readers on all four clocks: records raised after the step lie within the
 * readings around them on every clock; records raised before the step and
 * read after it moved with it on REALTIME and TAI (converted at read()),
 * not on MONOTONIC and BOOTTIME.
 */
static bool t_clock_step(void)
{
	static const int64_t steps[] = { HOUR_NS, -HOUR_NS };

	for (unsigned int s = 0; s < 2; s++) {
		int64_t step = steps[s];
		uint64_t lo[4], hi[4];
		int fd[4], n;

		uint64_t mlo, mhi;

		for (unsigned int k = 0; k < 4; k++) {
			fd[k] = open_clock(k);
			CHECK(fd[k] >= 0, "open with clock %s", clock_name[k]);
		}
		/* raised before the step (CLOCK_MONOTONIC [mlo, mhi]), read after it */
		mlo = clock_ns(IRQCAP_CLOCK_MONOTONIC);
		raise_n(3);
		usleep(20000);
		mhi = clock_ns(IRQCAP_CLOCK_MONOTONIC);
		CHECK(step_wall_clock(step) == 0, "clock_settime: %s", strerror(errno));
		for (unsigned int k = 0; k < 4; k++) {
			uint64_t c0, m0, c1;
			int64_t off_lo, off_hi;
			char what[96];

			n = drain(fd[k], evbuf, NEV);
			/*
			 * The clock's offset to MONOTONIC now, bracketed: read
			 * first, it is low; read last, high.  The step is not
			 * exactly @step: time passes between clock_gettime()
			 * and clock_settime().
			 */
			c0 = clock_ns(k);
			m0 = clock_ns(IRQCAP_CLOCK_MONOTONIC);
			c1 = clock_ns(k);
			off_lo = c0 - m0;
			off_hi = c1 - m0;
			snprintf(what, sizeof(what), "%s, raised before a %+llds step, read after",
				 clock_name[k], (long long)(step / 1000000000ll));
			/* converted with the offset after the step */
			if (!check_batch(evbuf, n, k, mlo + off_lo, mhi + off_hi, what))
				return false;
		}
		/* raised after the step */
		for (unsigned int k = 0; k < 4; k++)
			lo[k] = clock_ns(k);
		raise_n(3);
		for (unsigned int k = 0; k < 4; k++) {
			char what[64];

			n = drain(fd[k], evbuf, NEV);
			hi[k] = clock_ns(k);
			snprintf(what, sizeof(what), "%s, raised after a %+llds step",
				 clock_name[k], (long long)(step / 1000000000ll));
			if (!check_batch(evbuf, n, k, lo[k], hi[k], what))
				return false;
		}
		for (unsigned int k = 0; k < 4; k++)
			close(fd[k]);
	}
	return true;
}

/*
 * An OVERFLOW record is on the reader's clock too: it repeats the time of
 * the last record read, converted the same way.
 */
static bool t_clock_overflow(void)
{
	struct irqcap_info info;
	struct irqcap_event last;
	int fd = open_clock(IRQCAP_CLOCK_REALTIME), n, i;

	CHECK(fd >= 0, "open: %s", strerror(errno));
	CHECK(ioctl(fd, IRQCAP_IOC_INFO, &info) == 0, "INFO: %s", strerror(errno));
	raise_n(1);
	n = drain(fd, evbuf, NEV);
	CHECK(n >= 1, "no record");
	last = evbuf[n - 1];
	raise_n(info.ring_size + 20);
	usleep(50000);
	n = drain(fd, evbuf, NEV);
	for (i = 0; i < n && evbuf[i].type != IRQCAP_EVENT_OVERFLOW; i++)
		;
	CHECK(i < n, "no OVERFLOW record in %d records after %u raises on a %u-record ring",
	      n, info.ring_size + 20, info.ring_size);
	CHECK(evbuf[i].clock == IRQCAP_CLOCK_REALTIME, "OVERFLOW clock %u", evbuf[i].clock);
	CHECK(evbuf[i].seqno == last.seqno && evbuf[i].timestamp_ns == last.timestamp_ns,
	      "OVERFLOW at seq %llu ts %llu, the last record read was seq %llu ts %llu",
	      (unsigned long long)evbuf[i].seqno, (unsigned long long)evbuf[i].timestamp_ns,
	      (unsigned long long)last.seqno, (unsigned long long)last.timestamp_ns);
	close(fd);
	return true;
}

/* IQC0's trigger is the firmware's rising edge: INFO says so, records too. */
static bool t_edge_rising(void)
{
	struct irqcap_info info;
	int fd = open(DEV, O_RDWR | O_NONBLOCK), n;
	uint64_t marker = 7;

	CHECK(fd >= 0, "open: %s", strerror(errno));
	CHECK(ioctl(fd, IRQCAP_IOC_INFO, &info) == 0, "INFO: %s", strerror(errno));
	CHECK(info.flags & IRQCAP_INFO_EDGE, "INFO flags %#x: no IRQCAP_INFO_EDGE", info.flags);
	raise_n(5);
	CHECK(write(fd, &marker, sizeof(marker)) == sizeof(marker), "marker: %s", strerror(errno));
	n = drain(fd, evbuf, NEV);
	CHECK(n >= 2, "%d records", n);
	for (int i = 0; i < n; i++) {
		unsigned int want = evbuf[i].type == IRQCAP_EVENT_IRQ ? IRQCAP_EDGE_RISING :
								       IRQCAP_EDGE_UNKNOWN;

		CHECK(evbuf[i].edge == want, "record %d type %u seq %llu: edge %u, want %u", i,
		      evbuf[i].type, (unsigned long long)evbuf[i].seqno, evbuf[i].edge, want);
		CHECK(evbuf[i].reserved == 0, "record %d reserved %u", i, evbuf[i].reserved);
	}
	CHECK(evbuf[n - 1].type == IRQCAP_EVENT_MARKER, "the marker is not last");
	close(fd);
	return true;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; bool (*fn)(void); } tests[] = {
		{ "clock_ioctl", t_clock_ioctl },
		{ "clock_bounds", t_clock_bounds },
		{ "clock_readers", t_clock_readers },
		{ "clock_step", t_clock_step },
		{ "clock_overflow", t_clock_overflow },
		{ "edge_rising", t_edge_rising },
	};
	char p[64], name[64];
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ioperm(0x2000, 0x18, 1)) {
		perror("ioperm");
		return 2;
	}
	/* raise from the CPU that takes the interrupt: edges do not merge */
	snprintf(p, sizeof(p), "/proc/irq/%d/smp_affinity", LINE);
	write_file(p, "1");
	pin_cpu(0);
	fd = open(DEV, O_RDONLY | O_NONBLOCK);
	raise_irq(LINE, 1);	/* moves the interrupt to CPU 0 */
	usleep(50000);
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		bool run = argc < 2;

		for (int a = 1; a < argc; a++)
			run |= !strcmp(argv[a], tests[i].name) || !strcmp(argv[a], "clock");
		if (!run)
			continue;
		snprintf(name, sizeof(name), "%s%s", tests[i].name, SUFFIX);
		failures += run_test(name, tests[i].fn, why);
	}
	return failures ? 1 : 0;
}
