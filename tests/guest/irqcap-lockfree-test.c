// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap-lockfree-test: the hard IRQ handler's lock-free path against the
 * rare producers (issue 18 §2).  Runs in the integration guest after
 * irqcap-test (tests/guest/init.sh), on /dev/irqcap1 (IRQ 7, 1024 records,
 * whose idle timer is one more rare producer).
 *
 * The handler owns the ring alone while no rare producer wants it; write()
 * markers, counter snapshots (sysfs, STATS) and mode switches take the
 * producer role from it (src/irqcap_capture.c, irqcap_prod_enter()).  Here
 * all of them run on CPU 1 while edges are raised on CPU 0, which takes the
 * interrupt, and one reader blocks in read() on CPU 1.  Any overlap of the
 * handler with another producer shows: two records staged into one slot
 * lose one of them (a seqno gap no OVERFLOW record accounts for, or a
 * marker short), a record staged while another is published shows up torn
 * (reserved word, type), and a timestamp taken outside the role can go
 * backwards.  Counters must stay exact: irqs_seen and events_committed
 * agree with /proc/interrupts and with what the reader got.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include "../../tools/lib/irqcap-stream.h"

#define LINE		7	/* /dev/irqcap1: 1024 records, idle timeout 200 ms */
#define DEV		1
#define MAXREC		(1 << 17)
#define MARK_STOP	0x570bull

static char why[512];
static struct irqcap_event recs[MAXREC];

struct shared {
	int rfd, wfd, sfd;
	const char *mode;	/* NULL: switch modes during the rounds */
	volatile int round;	/* writer: the round asked for ... */
	volatile int round_done;	/* ... and the last one it finished */
	volatile int go;	/* edges are being raised */
	volatile int stop;
	volatile int reader_done;
	volatile long irqs_read, markers_read, overflows;
	size_t nrec;
	int read_err;
	long markers_written;
	long snapshots, snap_bad;
	long long snap_first_bad[2];
	int switches;
};

/* CPU 1: blocking reads until the STOP marker */
static void *reader_fn(void *arg)
{
	struct shared *s = arg;

	pin_cpu(1);
	while (s->nrec < MAXREC) {
		ssize_t n = read(s->rfd, recs + s->nrec, (MAXREC - s->nrec) * sizeof(recs[0]));
		bool stop = false;

		if (n <= 0) {
			s->read_err = n < 0 ? errno : 0;
			break;
		}
		for (size_t i = s->nrec; i < s->nrec + n / sizeof(recs[0]); i++) {
			if (recs[i].type == IRQCAP_EVENT_IRQ)
				s->irqs_read++;
			else if (recs[i].type == IRQCAP_EVENT_OVERFLOW)
				s->overflows++;
			else if (recs[i].type == IRQCAP_EVENT_MARKER && recs[i].data == MARK_STOP)
				stop = true;
			else if (recs[i].type == IRQCAP_EVENT_MARKER)
				s->markers_read++;
		}
		s->nrec += n / sizeof(recs[0]);
		if (stop)
			break;
	}
	s->reader_done = 1;
	return NULL;
}

/*
 * CPU 1, while CPU 0 raises a round's edges: write()s of one marker each
 * (numbered from 1; each write takes the producer role once), up to
 * WRITES, and a STATS snapshot (the role again) after every 8th.  In the
 * "switching" run, a bottom-half switch in the middle of every round.
 * Snapshots: irqs_seen never decreases and never falls behind
 * events_committed.
 */
#define WRITES		300
static void *writer_fn(void *arg)
{
	static const char * const modes[] = { "hardirq", "threaded", "tasklet", "workqueue" };
	struct shared *s = arg;
	long long last_seen = 0;
	uint64_t v[1];
	char p[128];

	pin_cpu(1);
	sysfs_path(DEV, "bottom_half", p, sizeof(p));
	for (;;) {
		while (s->round == s->round_done && !s->stop)
			;
		if (s->stop)
			break;
		for (int w = 0; w < WRITES && s->go; w++) {
			struct irqcap_stats st;

			v[0] = s->markers_written + 1;
			if (write(s->wfd, v, sizeof(v[0])) != sizeof(v[0]))
				break;
			s->markers_written++;
			if (w % 8)
				continue;
			if (ioctl(s->sfd, IRQCAP_IOC_STATS, &st))
				break;
			if ((long long)st.irqs_seen < last_seen ||
			    st.events_committed > st.irqs_seen) {
				if (!s->snap_bad++) {
					s->snap_first_bad[0] = last_seen;
					s->snap_first_bad[1] = (long long)st.irqs_seen;
				}
			}
			last_seen = (long long)st.irqs_seen;
			s->snapshots++;
			if (!s->mode && w == 64)
				write_file(p, modes[s->switches++ % 4]);
		}
		s->round_done = s->round;
	}
	return NULL;
}

#define ROUNDS		40
#define ROUND_EDGES	400

static bool lockfree_run(const char *mode)
{
	const char *name = mode ? mode : "switching";
	struct shared s = { .mode = mode };
	struct irqcap_stats st0, st1;
	struct irqcap_stream cs;
	long long proc0, proc1;
	uint64_t stop = MARK_STOP, t0;
	pthread_t rt, wt;
	long markers = 0, irqs;
	char p[128];
	int r;

	sysfs_path(DEV, "bottom_half", p, sizeof(p));
	CHECK(write_file(p, mode ? mode : "threaded") == 0, "set bottom_half %s", name);
	sysfs_path(DEV, "wakeup_holdoff_us", p, sizeof(p));
	write_file(p, "0");
	s.rfd = open("/dev/irqcap1", O_RDONLY);
	s.wfd = open("/dev/irqcap1", O_WRONLY);
	s.sfd = open("/dev/irqcap1", O_RDONLY | O_NONBLOCK);
	CHECK(s.rfd >= 0 && s.wfd >= 0 && s.sfd >= 0, "open: %s", strerror(errno));
	CHECK(ioctl(s.sfd, IRQCAP_IOC_STATS, &st0) == 0, "STATS: %s", strerror(errno));
	proc0 = proc_interrupts(LINE);
	pthread_create(&rt, NULL, reader_fn, &s);
	pthread_create(&wt, NULL, writer_fn, &s);
	usleep(20000);	/* the reader sleeps in read() */
	for (r = 0; r < ROUNDS; r++) {
		/* CPU 0 takes the interrupt: each edge is handled before the next */
		s.go = 1;
		s.round = r + 1;
		raise_irq(LINE, ROUND_EDGES);
		s.go = 0;
		while (s.round_done != r + 1)
			;
		/*
		 * Until the reader has the round (at most 700 records in a ring
		 * of 1024): its wake-ups are the handler's and the writer's.
		 * 10 s only catches a record that never comes.
		 */
		t0 = now_ns();
		while ((s.irqs_read < (long)(r + 1) * ROUND_EDGES ||
			s.markers_read < s.markers_written) && !s.overflows &&
		       now_ns() - t0 < 10000000000ull)
			usleep(100);
		if (s.overflows || now_ns() - t0 >= 10000000000ull)
			break;
	}
	s.stop = 1;
	pthread_join(wt, NULL);
	CHECK(write(s.wfd, &stop, sizeof(stop)) == sizeof(stop), "STOP marker: %s", strerror(errno));
	t0 = now_ns();
	while (!s.reader_done && now_ns() - t0 < 10000000000ull)
		usleep(1000);
	CHECK(s.reader_done, "%s: the reader did not get the STOP marker in 10 s (%zu records)",
	      name, s.nrec);
	pthread_join(rt, NULL);
	CHECK(!s.read_err, "read: %s", strerror(s.read_err));
	CHECK(ioctl(s.sfd, IRQCAP_IOC_STATS, &st1) == 0, "STATS: %s", strerror(errno));
	proc1 = proc_interrupts(LINE);

	irqcap_stream_init(&cs, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&cs, st0.irqs_seen + 1);
	for (size_t i = 0; i < s.nrec; i++) {
		irqcap_stream_feed(&cs, &recs[i], NULL);
		if (recs[i].type == IRQCAP_EVENT_MARKER && recs[i].data != MARK_STOP) {
			markers++;
			/* in the order they were written, none twice */
			CHECK(cs.lost || (long)recs[i].data == markers,
			      "%s: marker %ld reads %llu (record %zu)", name, markers,
			      (unsigned long long)recs[i].data, i);
		}
	}
	irqcap_stream_finish(&cs);
	irqs = (long)cs.irqs;
	printf("# lockfree %s: %d rounds of %d edges, %ld markers, %ld snapshots, %d switches: "
	       "%zu records, %ld irqs, %llu lost (reported), %llu bad\n",
	       name, r, ROUND_EDGES, s.markers_written, s.snapshots, s.switches,
	       s.nrec, irqs, (unsigned long long)cs.lost, (unsigned long long)cs.bad);
	close(s.rfd);
	close(s.wfd);
	close(s.sfd);
	CHECK(!irqcap_stream_error(&cs), "%s: stream: %s", name, irqcap_stream_error(&cs));
	CHECK(r == ROUNDS, "%s: round %d: %s (reader: %ld irqs, %ld of %ld markers)", name, r,
	      s.overflows ? "the reader overflowed" : "records missing after 10 s",
	      s.irqs_read, s.markers_read, s.markers_written);
	CHECK(proc1 - proc0 == ROUNDS * ROUND_EDGES, "/proc/interrupts counted %lld of %d edges",
	      proc1 - proc0, ROUNDS * ROUND_EDGES);
	CHECK(st1.irqs_seen - st0.irqs_seen == ROUNDS * ROUND_EDGES, "irqs_seen +%llu for %d edges",
	      (unsigned long long)(st1.irqs_seen - st0.irqs_seen), ROUNDS * ROUND_EDGES);
	CHECK(st1.events_committed - st0.events_committed == ROUNDS * ROUND_EDGES,
	      "events_committed +%llu for %d edges",
	      (unsigned long long)(st1.events_committed - st0.events_committed), ROUNDS * ROUND_EDGES);
	CHECK(irqs == ROUNDS * ROUND_EDGES, "the reader got %ld irqs of %d", irqs, ROUNDS * ROUND_EDGES);
	CHECK(markers == s.markers_written, "%ld of %ld markers read", markers, s.markers_written);
	CHECK(!s.snap_bad, "%ld of %ld snapshots went backwards (first: irqs_seen %lld then %lld)",
	      s.snap_bad, s.snapshots, s.snap_first_bad[0], s.snap_first_bad[1]);
	return true;
}

static bool t_hardirq(void) { return lockfree_run("hardirq"); }
static bool t_threaded(void) { return lockfree_run("threaded"); }
static bool t_tasklet(void) { return lockfree_run("tasklet"); }
static bool t_workqueue(void) { return lockfree_run("workqueue"); }
static bool t_switching(void) { return lockfree_run(NULL); }

static const struct guest_test tests[] = {
	{ "lockfree_producers_hardirq", t_hardirq },
	{ "lockfree_producers_threaded", t_threaded },
	{ "lockfree_producers_tasklet", t_tasklet },
	{ "lockfree_producers_workqueue", t_workqueue },
	{ "lockfree_producers_mode_switches", t_switching },
};

int main(int argc, char **argv)
{
	char p[64];
	int failures = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ioperm(0x2000, 0x18, 1)) {
		perror("ioperm");
		return 2;
	}
	/* the line on CPU 0, settled by one edge (x86 moves it when it next fires) */
	route_line_cpu0(LINE);
	usleep(50000);
	pin_cpu(0);
	failures = run_tests(tests, sizeof(tests) / sizeof(tests[0]), argc, argv, why);
	sysfs_path(DEV, "bottom_half", p, sizeof(p));
	write_file(p, "workqueue"); /* irqcap1's, as tests/ssdt.asl sets it */
	return failures ? 1 : 0;
}
