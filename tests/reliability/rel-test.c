// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap reliability scenarios, run as root in the QEMU guest booted on the
 * debug kernel (lockdep, KASAN, kmemleak, debugobjects, fault injection).
 * Board: tests/ssdt.asl (/dev/irqcap0 on IRQ 5, ring 256, threaded;
 * /dev/irqcap1 on IRQ 7, workqueue).  pc-testdev raises ISA IRQ n on a write
 * of 1 then 0 to port 0x2000 + n.
 *
 * usage: rel-test SCENARIO [ARG]
 *   storm [N]     >= N interrupts (default 1000000) in 4 phases; random readers,
 *                 bottom-half switching, unbind/rebind between phases; exact
 *                 counter balance per phase and per reader
 *   sleepers      unbind/rebind with readers asleep in read/poll/epoll_wait and
 *                 a fasync owner; files left open stay safe
 *   rmmod         rmmod/insmod racing open/read/close
 *   faults        fail-nth over every allocation of bind (probe) and open
 *   fuzz [SEED]   hostile read/write/ioctl/poll and sysfs input, bounded
 *   security      record padding, node mode, unprivileged access
 *   kmemleak      scan and report (run last)
 *   pending       STATS reader_pending after an overflow (capped at the ring)
 *   mmap          unbind/bind cycles racing threads that map the ring and
 *                 the reader page, read through the mapping, store garbage
 *                 tails between poll/STATS/read/CONSUME/FLUSH, unmap; mappings
 *                 kept across unbind (reader pages also past close) stay usable
 *   soak SECS     periodic reconfiguration under load, one status line / 30 s
 * Prints "ok - NAME" / "not ok - NAME: why" per check.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/uapi/irqcap.h"
#include "../../tools/lib/irqcap-stream.h"
#include "../guest/guest-util.h"

#define IRQ0		5
#define IRQ1		7
#define DRV		"/sys/bus/platform/drivers/irqcap"
#define KO		"/irqcap.ko"

static int nfail;

static void result(bool good, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (good) {
		printf("ok - %s\n", name);
	} else {
		printf("not ok - %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		nfail++;
	}
	fflush(stdout);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* now_ns(), pin_cpu(), write_file(), raise_irq() and sysfs_get() are guest-util.h's */

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* xorshift, per thread */
static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* @len bytes of @s, which may hold a NUL or lack one (the fuzzer's input) */
static int write_buf(const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

static int write_str(const char *path, const char *s)
{
	return write_file(path, s);
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Both lines to CPU 0; raising from CPU 0 then never merges two edges. */
static void route_irqs(void)
{
	write_str("/proc/irq/5/smp_affinity", "1");
	write_str("/proc/irq/7/smp_affinity", "1");
}

static long long attr_get(int dev, const char *attr)
{
	return sysfs_get(dev, attr);
}

static int attr_set(int dev, const char *attr, const char *val)
{
	char p[256];

	sysfs_path(dev, attr, p, sizeof(p));
	return write_file(p, val);
}

/* count of a /proc/interrupts line, all CPUs */
static long long proc_irq(int line)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char buf[512];
	long long sum = 0;

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		char *p = buf, *e;

		while (*p == ' ')
			p++;
		if (strtol(p, &e, 10) != line || *e != ':')
			continue;
		p = e + 1;
		for (int cpu = 0; cpu < 2; cpu++)
			sum += strtoll(p, &p, 10);
		break;
	}
	fclose(f);
	return sum;
}

/* platform device names, fixed at start: irqcap0 and irqcap1 */
static char pdev[2][64];

static int find_pdevs(void)
{
	for (int i = 0; i < 2; i++)
		if (platform_name(i, pdev[i], sizeof(pdev[i])))
			return -1;
	return 0;
}

static int unbind(int i)
{
	return write_str(DRV "/unbind", pdev[i]);
}

static int bind(int i)
{
	return write_str(DRV "/bind", pdev[i]);
}

static bool is_bound(int i)
{
	char p[128];

	snprintf(p, sizeof(p), DRV "/%s", pdev[i]);
	return access(p, F_OK) == 0;
}

static int open_dev(int i, int flags)
{
	char p[32];

	snprintf(p, sizeof(p), "/dev/irqcap%d", i);
	return open(p, flags);
}

/* drain a non-blocking fd; count records of each kind */
struct tally {
	uint64_t irq, marker, timeout, lost, records;
	uint64_t breaks;	/* stream-rule violations (seqno, loss, time, type) */
	uint64_t badpad;	/* reserved != 0 */
	char why[160];
	bool chk_ready;
	struct irqcap_stream chk;	/* tools/lib/irqcap-stream.c */
};

/*
 * Exact loss accounting when only IRQ records flow (storm); with idle
 * timeouts or markers (soak) lost records may be those, so a gap may be
 * smaller than the loss an OVERFLOW record reports.
 */
static int loose_seq;

static void tally_records(struct tally *t, const struct irqcap_event *ev, size_t n)
{
	const char *why;

	if (!t->chk_ready) {
		irqcap_stream_init(&t->chk, loose_seq ? 0 : IRQCAP_STREAM_EXACT_LOSS);
		t->chk_ready = true;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned int v = irqcap_stream_feed(&t->chk, &ev[i], NULL);

		if (v & IRQCAP_STREAM_V_RESERVED)
			t->badpad++;
		if (v & ~IRQCAP_STREAM_V_RESERVED)
			t->breaks++;
	}
	why = irqcap_stream_error(&t->chk);
	if (why && !t->why[0])
		snprintf(t->why, sizeof(t->why), "%s", why);
	t->irq = t->chk.irqs;
	t->marker = t->chk.markers;
	t->timeout = t->chk.timeouts;
	t->lost = t->chk.lost;
	t->records = t->chk.records;
}

/* read until EAGAIN (fd is O_NONBLOCK); returns 0 or -errno */
static int drain(int fd, struct tally *t)
{
	static __thread struct irqcap_event ev[512];

	for (;;) {
		ssize_t n = read(fd, ev, sizeof(ev));

		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n % sizeof(ev[0]))
			return -EPROTO;
		tally_records(t, ev, n / sizeof(ev[0]));
	}
}

/* ------------------------------------------------------------------ storm */

static volatile int storm_stop, switch_stop;
static uint64_t storm_sessions, storm_session_bad, storm_records, storm_errno_bad;
static char storm_why[256];
static pthread_mutex_t storm_mx = PTHREAD_MUTEX_INITIALIZER;

static void storm_bad(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&storm_mx);
	if (!storm_why[0]) {
		va_start(ap, fmt);
		vsnprintf(storm_why, sizeof(storm_why), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&storm_mx);
}

/* check a session's own balance against the driver's view of it */
static void session_close(int fd, struct tally *t)
{
	struct irqcap_stats st;
	bool bad = t->breaks || t->badpad;

	if (ioctl(fd, IRQCAP_IOC_STATS, &st) == 0) {
		if (st.reader_read != t->records - (t->records - t->irq - t->marker - t->timeout) ||
		    st.reader_lost != t->lost) {
			if (!bad)
				storm_bad("reader read %llu lost %llu, driver says %llu/%llu",
					  (unsigned long long)(t->irq + t->marker + t->timeout),
					  (unsigned long long)t->lost,
					  (unsigned long long)st.reader_read,
					  (unsigned long long)st.reader_lost);
			bad = true;
		}
	} else if (errno != ENODEV) {
		storm_errno_bad++;
		storm_bad("STATS errno %d", errno);
	}
	if (t->breaks)
		storm_bad("%s", t->why);
	if (t->badpad)
		storm_bad("%llu records with reserved != 0", (unsigned long long)t->badpad);
	close(fd);
	__atomic_add_fetch(&storm_sessions, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&storm_records, t->records, __ATOMIC_RELAXED);
	if (bad)
		__atomic_add_fetch(&storm_session_bad, 1, __ATOMIC_RELAXED);
}

static void *storm_reader(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9E3779B97F4A7C15ull + now_ns();
	static __thread struct irqcap_event ev[300];

	pin_cpu(1);
	while (!storm_stop) {
		int flags = O_RDWR | ((rnd(&seed) & 1) ? O_NONBLOCK : 0);
		int fd = open_dev(0, flags), ops;
		struct tally t = { 0 };

		if (fd < 0) {
			if (errno != ENOENT && errno != ENODEV && errno != ENXIO) {
				storm_errno_bad++;
				storm_bad("open errno %d", errno);
			}
			msleep(1);
			continue;
		}
		ops = 1 + rnd(&seed) % 200;
		while (ops-- && !storm_stop) {
			unsigned int op = rnd(&seed) % 8;
			struct pollfd pfd = { fd, POLLIN, 0 };
			ssize_t n;

			if (op < 5) {
				size_t want = 1 + rnd(&seed) % 300;

				if (!(flags & O_NONBLOCK) && poll(&pfd, 1, 20) == 0)
					continue;
				n = read(fd, ev, want * sizeof(ev[0]));
				if (n < 0) {
					if (errno == ENODEV)
						break;
					if (errno != EAGAIN) {
						storm_errno_bad++;
						storm_bad("read errno %d", errno);
					}
					continue;
				}
				tally_records(&t, ev, n / sizeof(ev[0]));
			} else if (op == 5) {
				if (poll(&pfd, 1, rnd(&seed) % 5) > 0 &&
				    (pfd.revents & (POLLHUP | POLLERR)))
					break;
			} else if (op == 6) {
				struct irqcap_stats st;

				if (ioctl(fd, IRQCAP_IOC_STATS, &st) && errno != ENODEV) {
					storm_errno_bad++;
					storm_bad("STATS errno %d", errno);
				}
			} else {
				sched_yield();
			}
		}
		session_close(fd, &t);
	}
	return NULL;
}

static void *bh_switcher(void *arg)
{
	static const char *const modes[] = { "hardirq", "threaded", "tasklet", "workqueue" };
	uint64_t seed = now_ns();
	long *switches = arg;

	pin_cpu(1);
	while (!switch_stop) {
		if (attr_set(0, "bottom_half", modes[rnd(&seed) % 4]) == 0)
			(*switches)++;
		msleep(2 + rnd(&seed) % 5);
	}
	return NULL;
}

/* a reader open for the whole phase; drained at the end for exact balance */
struct phase_reader {
	int fd;
	long long committed_at_open;
	struct tally t;
};

static void storm(long total)
{
	static const char *const start_mode[] = { "threaded", "hardirq", "tasklet", "workqueue" };
	static const char *const debounce[] = { "0", "0", "200", "0" };
	const int phases = 4, nreaders = 3;
	long per = (total + phases - 1) / phases, raised_all = 0, switches = 0;
	pthread_t rd[3];
	uint64_t t0 = now_ns();

	route_irqs();
	storm_stop = 0;
	for (int i = 0; i < nreaders; i++)
		pthread_create(&rd[i], NULL, storm_reader, (void *)(uintptr_t)(i + 1));

	for (int p = 0; p < phases; p++) {
		char name[192];
		struct phase_reader pr[2];
		long long irq0, seen0, comm0, deb0, irq1, seen1, comm1, deb1, over;
		pthread_t sw;
		long raised = 0;
		bool good;

		attr_set(0, "bottom_half", start_mode[p]);
		attr_set(0, "debounce_us", debounce[p]);
		msleep(50);
		irq0 = proc_irq(IRQ0);
		seen0 = attr_get(0, "irqs_seen");
		comm0 = attr_get(0, "events_committed");
		deb0 = attr_get(0, "debounced");
		for (int i = 0; i < 2; i++) {
			memset(&pr[i], 0, sizeof(pr[i]));
			pr[i].fd = open_dev(0, O_RDONLY | O_NONBLOCK);
			pr[i].committed_at_open = attr_get(0, "events_committed");
		}
		switch_stop = 0;
		pthread_create(&sw, NULL, bh_switcher, &switches);
		pin_cpu(0);
		while (raised < per) {
			int chunk = per - raised < 1000 ? per - raised : 1000;

			raise_irq(IRQ0, chunk);
			raised += chunk;
			/* the phase readers keep up now and then, and lose some */
			if ((raised / 1000) % 16 == 0)
				for (int i = 0; i < 2; i++)
					drain(pr[i].fd, &pr[i].t);
		}
		switch_stop = 1;
		pthread_join(sw, NULL);
		/* quiesce: let the bottom half run, then commit whatever is staged */
		msleep(100);
		attr_set(0, "bottom_half", "hardirq");
		msleep(50);
		irq1 = proc_irq(IRQ0);
		seen1 = attr_get(0, "irqs_seen");
		comm1 = attr_get(0, "events_committed");
		deb1 = attr_get(0, "debounced");
		raised_all += raised;

		snprintf(name, sizeof(name), "storm phase %d (%s start, debounce %s us): raised = /proc/interrupts = irqs_seen = committed + debounced",
			 p + 1, start_mode[p], debounce[p]);
		good = irq1 - irq0 == raised && seen1 - seen0 == raised &&
		       (comm1 - comm0) + (deb1 - deb0) == raised;
		result(good, name, "raised %ld, /proc/interrupts +%lld, irqs_seen +%lld, committed +%lld, debounced +%lld",
		       raised, irq1 - irq0, seen1 - seen0, comm1 - comm0, deb1 - deb0);
		if (p == 2) {
			snprintf(name, sizeof(name), "storm phase 3: debounce rejected some and accepted some");
			result(deb1 - deb0 > 0 && comm1 - comm0 > 0, name, "debounced %lld committed %lld",
			       deb1 - deb0, comm1 - comm0);
		}

		for (int i = 0; i < 2; i++) {
			struct irqcap_stats st = { 0 };
			int r = drain(pr[i].fd, &pr[i].t);
			unsigned long long want = comm1 - pr[i].committed_at_open;

			ioctl(pr[i].fd, IRQCAP_IOC_STATS, &st);
			snprintf(name, sizeof(name), "storm phase %d reader %d: read + lost = committed since open", p + 1, i);
			result(pr[i].fd >= 0 && !r && pr[i].t.irq + pr[i].t.lost == want &&
			       !pr[i].t.breaks && !pr[i].t.badpad &&
			       st.reader_read == pr[i].t.irq && st.reader_lost == pr[i].t.lost,
			       name, "fd %d err %d read %llu + lost %llu vs committed %llu; driver %llu/%llu; %s",
			       pr[i].fd, r, (unsigned long long)pr[i].t.irq,
			       (unsigned long long)pr[i].t.lost, want,
			       (unsigned long long)st.reader_read, (unsigned long long)st.reader_lost,
			       pr[i].t.why);
		}
		over = attr_get(0, "overruns");
		note("phase %d: %ld edges in %.1f s total so far, overruns %lld, bh switches %ld",
		     p + 1, raised, (now_ns() - t0) / 1e9, over, switches);

		/* unbind and rebind with the phase readers and random readers open */
		snprintf(name, sizeof(name), "storm phase %d: unbind/rebind with readers open", p + 1);
		{
			int u = unbind(0), b, e1, e2;
			char buf[64];

			e1 = read(pr[0].fd, buf, 32) < 0 ? errno : 0;
			b = bind(0);
			e2 = read(pr[1].fd, buf, 32) < 0 ? errno : 0;
			result(!u && !b && e1 == ENODEV && e2 == ENODEV && access("/dev/irqcap0", F_OK) == 0,
			       name, "unbind %d bind %d old fds %d/%d", u, b, e1, e2);
		}
		for (int i = 0; i < 2; i++)
			close(pr[i].fd);
	}
	storm_stop = 1;
	for (int i = 0; i < nreaders; i++)
		pthread_join(rd[i], NULL);
	result(raised_all >= total, "storm: at least the requested interrupts raised", "%ld < %ld", raised_all, total);
	result(!storm_session_bad && !storm_errno_bad && storm_sessions > 10,
	       "storm: random readers (open/read/poll/close) each balance: read + lost = committed, seqno continuous",
	       "%llu of %llu sessions bad, %llu bad errnos: %s",
	       (unsigned long long)storm_session_bad, (unsigned long long)storm_sessions,
	       (unsigned long long)storm_errno_bad, storm_why);
	note("storm: %ld interrupts, %llu reader sessions, %llu records read, %ld bh switches, %.1f s",
	     raised_all, (unsigned long long)storm_sessions, (unsigned long long)storm_records,
	     switches, (now_ns() - t0) / 1e9);
}

/* --------------------------------------------------------------- sleepers */

static volatile int sigio_count;

static void on_sigio(int sig)
{
	(void)sig;
	sigio_count++;
}

struct sleeper {
	int fd, epfd, kind;	/* 0 read, 1 poll, 2 epoll */
	volatile int done;
	int ret, err;
	unsigned int revents;
	uint64_t woke_ns;
};

static void *sleeper_fn(void *arg)
{
	struct sleeper *s = arg;
	char buf[64];

	if (s->kind == 0) {
		s->ret = read(s->fd, buf, sizeof(buf));
		s->err = s->ret < 0 ? errno : 0;
	} else if (s->kind == 1) {
		struct pollfd pfd = { s->fd, POLLIN, 0 };

		s->ret = poll(&pfd, 1, -1);
		s->err = s->ret < 0 ? errno : 0;
		s->revents = pfd.revents;
	} else {
		struct epoll_event ev;

		s->ret = epoll_wait(s->epfd, &ev, 1, -1);
		s->err = s->ret < 0 ? errno : 0;
		s->revents = s->ret > 0 ? ev.events : 0;
	}
	s->woke_ns = now_ns();
	s->done = 1;
	return NULL;
}

/* unbind in a child so a hang is bounded: 0, -errno, or -ETIMEDOUT */
static int unbind_bounded(int i, int secs)
{
	pid_t pid = fork();
	int st;

	if (!pid) {
		alarm(secs);
		_exit(-unbind(i));
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	if (WIFSIGNALED(st))
		return -ETIMEDOUT;
	return -WEXITSTATUS(st);
}

static void sleepers(void)
{
	static const char *const modes[] = { "threaded", "workqueue", "tasklet" };

	signal(SIGIO, on_sigio);
	for (int round = 0; round < 3; round++) {
		struct sleeper s[3];
		pthread_t th[3];
		int fda, fdk, u, b, st_ok, n_woke = 0;
		char name[128], buf[64];
		struct epoll_event ee = { .events = EPOLLIN };
		struct irqcap_info info;
		struct pollfd pfd;
		uint64_t t0;

		attr_set(0, "bottom_half", modes[round]);
		memset(s, 0, sizeof(s));
		for (int i = 0; i < 3; i++) {
			s[i].kind = i;
			s[i].fd = open_dev(0, O_RDWR);
		}
		s[2].epfd = epoll_create1(0);
		ee.data.fd = s[2].fd;
		epoll_ctl(s[2].epfd, EPOLL_CTL_ADD, s[2].fd, &ee);
		fda = open_dev(0, O_RDONLY | O_NONBLOCK);
		fcntl(fda, F_SETOWN, getpid());
		fcntl(fda, F_SETFL, fcntl(fda, F_GETFL) | O_ASYNC);
		fdk = open_dev(0, O_RDWR | O_NONBLOCK);
		sigio_count = 0;
		for (int i = 0; i < 3; i++)
			pthread_create(&th[i], NULL, sleeper_fn, &s[i]);
		msleep(300);
		snprintf(name, sizeof(name), "sleepers round %d (%s): all three asleep before unbind", round + 1, modes[round]);
		result(!s[0].done && !s[1].done && !s[2].done, name, "done %d %d %d", s[0].done, s[1].done, s[2].done);

		t0 = now_ns();
		u = unbind_bounded(0, 10);
		snprintf(name, sizeof(name), "sleepers round %d: unbind succeeds within 10 s", round + 1);
		result(u == 0, name, "unbind: %s", strerror(-u));
		for (int w = 0; w < 500 && n_woke < 3; w++) {
			n_woke = s[0].done + s[1].done + s[2].done;
			if (n_woke < 3)
				msleep(10);
		}
		snprintf(name, sizeof(name), "sleepers round %d: read sleeper woke with ENODEV", round + 1);
		result(s[0].done && s[0].ret < 0 && s[0].err == ENODEV, name,
		       "done %d ret %d errno %d after 5 s", s[0].done, s[0].ret, s[0].err);
		snprintf(name, sizeof(name), "sleepers round %d: poll sleeper woke with POLLHUP|POLLERR", round + 1);
		result(s[1].done && s[1].ret == 1 && (s[1].revents & (POLLHUP | POLLERR)) == (POLLHUP | POLLERR),
		       name, "done %d ret %d revents %#x", s[1].done, s[1].ret, s[1].revents);
		snprintf(name, sizeof(name), "sleepers round %d: epoll_wait sleeper woke with EPOLLHUP", round + 1);
		result(s[2].done && s[2].ret == 1 && (s[2].revents & EPOLLHUP), name,
		       "done %d ret %d events %#x", s[2].done, s[2].ret, s[2].revents);
		msleep(20);
		snprintf(name, sizeof(name), "sleepers round %d: fasync owner got SIGIO", round + 1);
		result(sigio_count > 0, name, "no SIGIO");
		if (n_woke == 3)
			note("round %d: all sleepers woke %.1f ms after unbind began", round + 1,
			     (s[0].woke_ns > s[1].woke_ns ? s[0].woke_ns : s[1].woke_ns) / 1e6 - t0 / 1e6);

		/* the file left open is safe until closed */
		pfd.fd = fdk;
		pfd.events = POLLIN;
		st_ok = read(fdk, buf, 32) < 0 && errno == ENODEV;
		st_ok &= write(fdk, buf, 8) < 0 && errno == ENODEV;
		st_ok &= ioctl(fdk, IRQCAP_IOC_INFO, &info) < 0 && errno == ENODEV;
		st_ok &= poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP);
		st_ok &= fcntl(fdk, F_SETFL, O_ASYNC) == 0;
		snprintf(name, sizeof(name), "sleepers round %d: file left open gets ENODEV/POLLHUP after unbind", round + 1);
		result(st_ok, name, "errno %d revents %#x", errno, pfd.revents);

		b = bind(0);
		{
			int fd = open_dev(0, O_RDONLY | O_NONBLOCK);
			struct irqcap_event ev[16];
			ssize_t n = -1;

			pin_cpu(0);
			route_irqs();
			raise_irq(IRQ0, 10);
			msleep(100);
			if (fd >= 0)
				n = read(fd, ev, sizeof(ev));
			snprintf(name, sizeof(name), "sleepers round %d: rebind works, new reader gets 10 events; old files still ENODEV", round + 1);
			result(!b && n == 10 * 32 && read(fdk, buf, 32) < 0 && errno == ENODEV, name,
			       "bind %d fd %d read %zd", b, fd, n);
			if (fd >= 0)
				close(fd);
		}
		for (int i = 0; i < 3; i++)
			if (s[i].done)
				pthread_join(th[i], NULL);
		for (int i = 0; i < 3; i++)
			close(s[i].fd);
		close(s[2].epfd);
		close(fda);
		close(fdk);
	}
	signal(SIGIO, SIG_DFL);
	attr_set(0, "bottom_half", "threaded");
}

/* ----------------------------------------------------------------- rmmod */

static int load_module(void)
{
	int fd = open(KO, O_RDONLY), r;

	if (fd < 0)
		return -errno;
	r = syscall(SYS_finit_module, fd, "", 0);
	r = r ? -errno : 0;
	close(fd);
	return r;
}

static int unload_module(void)
{
	return syscall(SYS_delete_module, "irqcap", O_NONBLOCK) ? -errno : 0;
}

static void rmmod_race(void)
{
	volatile long *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int unloads = 0, busy = 0, bad = 0, lerr = 0, st;
	pid_t kids[2];

	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (!kids[k]) {
			uint64_t seed = now_ns() + k;
			long opens = 0, badopen = 0;

			pin_cpu(k);
			while (!shared[0]) {
				int fd = open_dev(k, O_RDWR | O_NONBLOCK);
				char buf[64];
				struct irqcap_info info;

				if (fd < 0) {
					if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
						badopen++;
					continue;
				}
				opens++;
				if (read(fd, buf, 32) < 0 && errno != EAGAIN && errno != ENODEV)
					badopen++;
				if (ioctl(fd, IRQCAP_IOC_INFO, &info) && errno != ENODEV)
					badopen++;
				if (rnd(&seed) & 1)
					sched_yield();
				close(fd);
			}
			shared[1 + k] = opens;
			shared[3 + k] = badopen;
			_exit(0);
		}
	}
	for (int i = 0; i < 300; i++) {
		int r = unload_module();

		if (!r) {
			unloads++;
			r = load_module();
			if (r)
				lerr++;
		} else if (r == -EBUSY || r == -EAGAIN) {
			busy++;
		} else {
			bad++;
		}
		if (i % 3 == 0)
			msleep(1);
	}
	shared[0] = 1;
	for (int k = 0; k < 2; k++)
		waitpid(kids[k], &st, 0);
	note("rmmod race: %d unload+load cycles, %d busy, %ld + %ld opens", unloads, busy,
	     shared[1], shared[2]);
	result(!bad && !lerr && unloads > 0 && shared[1] + shared[2] > 0,
	       "rmmod racing open: only EBUSY/EAGAIN refusals, every reload works",
	       "unload errors %d, load errors %d, unloads %d", bad, lerr, unloads);
	result(!shared[3] && !shared[4], "rmmod racing open: openers see only ENOENT/ENODEV/ENXIO",
	       "%ld + %ld bad results", shared[3], shared[4]);
	/* module is loaded at the end; both devices are back and deliver */
	if (access("/sys/module/irqcap", F_OK))
		load_module();
	msleep(200);
	{
		int fd = open_dev(0, O_RDONLY | O_NONBLOCK);
		struct irqcap_event ev[8];
		ssize_t n = -1;

		route_irqs();
		pin_cpu(0);
		raise_irq(IRQ0, 5);
		msleep(100);
		if (fd >= 0)
			n = read(fd, ev, sizeof(ev));
		result(n == 5 * 32 && access("/dev/irqcap1", F_OK) == 0,
		       "rmmod racing open: afterwards both devices exist and deliver", "read %zd", n);
		if (fd >= 0)
			close(fd);
	}
	find_pdevs();
}

/* ---------------------------------------------------------------- faults */

static void fault_setup(void)
{
	static const char *const s[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (write_str(s[i][0], s[i][1]))
			note("cannot set %s: %s", s[i][0], strerror(errno));
}

static int fail_nth_fd(void)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/thread-self/fail-nth");
	return open(p, O_RDWR);
}

/* arm fail-nth; returns the fd to read back */
static void fail_nth_arm(int fd, int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%d", n);

	if (pwrite(fd, v, len, 0) != len)
		note("fail-nth write: %s", strerror(errno));
}

/* 1 if the armed fault fired (read back 0), else 0; also disarms */
static int fail_nth_fired(int fd)
{
	char v[16] = "";
	int fired;

	if (pread(fd, v, sizeof(v) - 1, 0) < 0)
		return -1;
	fired = atoi(v) == 0;
	pwrite(fd, "0", 1, 0);
	return fired;
}

/* new kernel log lines since *seq mentioning @needle */
static int kmsg_fd = -1;

static void kmsg_skip(void)
{
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	lseek(kmsg_fd, 0, SEEK_END);
}

static bool kmsg_has(const char *needle, char *line, size_t len)
{
	char buf[2048];
	bool found = false;
	ssize_t n;

	line[0] = 0;
	while ((n = read(kmsg_fd, buf, sizeof(buf) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		buf[n] = 0;
		if (!found && strstr(buf, needle)) {
			char *m = strchr(buf, ';');

			m = m ? m + 1 : buf;
			{
				size_t l = strlen(m) < len - 1 ? strlen(m) : len - 1;

				memcpy(line, m, l);
				line[l] = 0;
			}
			line[strcspn(line, "\n")] = 0;
			found = true;
		}
	}
	return found;
}

static void faults(void)
{
	int fd = fail_nth_fd(), n, injected = 0, unclean = 0, nomsg = 0, bound_ok = 0;
	char why[256] = "", line[256];
	long long readers0;

	if (fd < 0) {
		result(false, "faults: /proc/thread-self/fail-nth", "%s", strerror(errno));
		return;
	}
	fault_setup();
	pin_cpu(0);

	/* probe: fail each allocation of the bind in turn */
	if (unbind(0)) {
		result(false, "faults: unbind before probe faults", "%s", strerror(errno));
		return;
	}
	for (n = 1; n < 400; n++) {
		int b, fired;

		kmsg_skip();
		fail_nth_arm(fd, n);
		b = bind(0);
		fired = fail_nth_fired(fd);
		if (!fired) {
			bound_ok = !b && is_bound(0);
			break;
		}
		injected++;
		if (!b) {
			/* the failure was absorbed (optional resource): must work */
			int f = open_dev(0, O_RDONLY);

			if (f < 0 || !is_bound(0)) {
				unclean++;
				if (!why[0])
					snprintf(why, sizeof(why), "fault %d: bind ok but device unusable", n);
			}
			if (f >= 0)
				close(f);
			unbind(0);
			continue;
		}
		if (is_bound(0) || access("/dev/irqcap0", F_OK) == 0) {
			unclean++;
			if (!why[0])
				snprintf(why, sizeof(why), "fault %d: bind failed (%s) but device half bound", n, strerror(-b));
		}
		if (!kmsg_has(pdev[0], line, sizeof(line))) {
			/* only a failure before the driver is reached may be silent */
			if (b != -ENOMEM) {
				nomsg++;
				if (!why[0])
					snprintf(why, sizeof(why), "fault %d: bind %s without a message", n, strerror(-b));
			}
		} else if (n < 40) {
			note("fault %d: bind %s: %s", n, strerror(-b), line);
		}
	}
	note("probe: %d allocations failed in turn, the %dth bind ran clean", injected, n);
	result(injected > 5 && !unclean, "faults: every failed allocation in bind/probe fails cleanly", "%s (injected %d)", why, injected);
	result(!nomsg, "faults: every failed probe leaves a kernel message naming the device", "%s", why);
	result(bound_ok, "faults: a later probe works", "bind after the loop failed");

	/* open: fail each allocation in turn */
	readers0 = attr_get(0, "readers");
	injected = unclean = 0;
	why[0] = 0;
	for (n = 1; n < 100; n++) {
		int f, e, fired;

		fail_nth_arm(fd, n);
		f = open_dev(0, O_RDONLY | O_NONBLOCK);
		e = errno;
		fired = fail_nth_fired(fd);
		if (f >= 0) {
			close(f);
			if (!fired)
				break;
			injected++;
			continue;
		}
		injected++;
		if (e != ENOMEM || attr_get(0, "readers") != readers0) {
			unclean++;
			if (!why[0])
				snprintf(why, sizeof(why), "fault %d: open errno %d, readers %lld (was %lld)",
					 n, e, attr_get(0, "readers"), readers0);
		}
	}
	note("open: %d allocations failed in turn", injected);
	result(injected > 0 && !unclean, "faults: every failed allocation in open returns ENOMEM, reader count unchanged",
	       "%s (injected %d)", why, injected);
	{
		int f = open_dev(0, O_RDONLY | O_NONBLOCK);
		struct irqcap_event ev[4];
		ssize_t r = -1;

		route_irqs();
		raise_irq(IRQ0, 3);
		msleep(100);
		if (f >= 0)
			r = read(f, ev, sizeof(ev));
		result(r == 3 * 32, "faults: the device works after the fault runs", "read %zd", r);
		if (f >= 0)
			close(f);
	}
	close(fd);
}

/* ------------------------------------------------------------------ fuzz */

static const int read_ok[] = { EINVAL, EAGAIN, EFAULT, ENODEV, 0 };
static const int write_ok[] = { EINVAL, EFAULT, ENODEV, 0 };
static const int ioctl_ok[] = { ENOTTY, EFAULT, ENODEV, 0 };

static bool in_set(const int *set, int e)
{
	for (; *set; set++)
		if (*set == e)
			return true;
	return false;
}

static void fuzz(uint64_t seed)
{
	const long max_ops = 30000;
	const uint64_t max_ns = 40ull * 1000000000ull;
	uint64_t s = seed ? seed : now_ns(), t0 = now_ns();
	char *buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fds[4], bad = 0, n_ops = 0, sys_bad = 0, sys_ops = 0;
	char why[256] = "";
	static const char *const attrs[] = {
		"irqs_seen", "events_committed", "debounced", "dropped", "timeouts", "overruns",
		"commits", "readers", "ring_size", "irq", "rate", "rate_avg",
		"bottom_half", "debounce_us", "idle_timeout_ms",
	};
	static const char *const strs[] = {
		"", "\n", "0", "1", "-1", "1000000", "1000001", "3600000", "3600001",
		"4294967295", "4294967296", "99999999999999999999", "0x10", "010", "08", " 5", "5 ",
		"5\n", "+5", "hardirq", "hardirq\n", "hardirq ", "HARDIRQ", "threaded\n\n",
		"tasklet\0junk", "workqueue", "fast", "\xff\xfe", "%s%s%n", "1e3", "-0",
	};

	/*
	 * Every file's reader page, its tail stored before each call from a
	 * second stream of the seed: a seed's calls stay those it made before.
	 */
	struct irqcap_mmap_reader *rps[4];
	const struct irqcap_mmap_page *pgs[4];
	uint64_t ts = s ^ 0x5851f42d4c957f2dULL, tails = 0;
	int rp_bad = 0;

	note("fuzz seed %llu", (unsigned long long)s);
	for (int i = 0; i < 4; i++) {
		struct irqcap_info info;
		size_t l;

		fds[i] = open_dev(i & 1, O_RDWR | O_NONBLOCK);
		rps[i] = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i],
			      IRQCAP_MMAP_READER_OFFSET);
		pgs[i] = MAP_FAILED;
		if (!ioctl(fds[i], IRQCAP_IOC_INFO, &info)) {
			l = info.mmap_data_offset + (size_t)info.ring_size * info.event_size;
			pgs[i] = mmap(NULL, l, PROT_READ, MAP_SHARED, fds[i], 0);
		}
		if (rps[i] == MAP_FAILED || pgs[i] == MAP_FAILED) {
			rp_bad++;
			if (!why[0])
				snprintf(why, sizeof(why), "fd %d: reader page or ring not mapped: %s",
					 i, strerror(errno));
			rps[i] = NULL;
		}
	}
	/* make sure there is something to read */
	pin_cpu(0);
	raise_irq(IRQ0, 100);
	raise_irq(IRQ1, 100);

	for (n_ops = 0; n_ops < max_ops && now_ns() - t0 < max_ns; n_ops++) {
		int fi = rnd(&s) % 4, fd = fds[fi], e = 0;
		unsigned int op = rnd(&s) % 10;
		void *p;
		size_t len;
		long r;

		switch (rnd(&s) % 6) {
		case 0: p = NULL; break;
		case 1: p = ro; break;
		case 2: p = hole; break;
		case 3: p = (void *)0xffff888000000000ull; break;
		case 4: p = buf + (rnd(&s) % 4096); break;
		default: p = buf; break;
		}
		switch (rnd(&s) % 5) {
		case 0: len = rnd(&s) % 32; break;
		case 1: len = rnd(&s) % 4096; break;
		case 2: len = rnd(&s) % (1 << 20); break;
		case 3: len = (size_t)-1 >> (rnd(&s) % 4); break;
		default: len = 32 * (1 + rnd(&s) % 64); break;
		}
		if (len > (1 << 20) && (p == buf || ((char *)p >= buf && (char *)p < buf + 4096)))
			len = (1 << 20) - 4096;	/* keep good pointers in bounds */
		if (rps[fi]) {
			uint32_t h = __atomic_load_n(IRQCAP_MMAP_POS(pgs[fi]->head), __ATOMIC_ACQUIRE);

			/* near the head (either side, older than the ring too), or anything */
			__atomic_store_n(&rps[fi]->tail, rnd(&ts) & 1 ? h + (uint32_t)(rnd(&ts) % 1024) - 768 :
					 (uint32_t)rnd(&ts), __ATOMIC_RELEASE);
			tails++;
		}
		if (op < 3) {
			r = read(fd, p, len);
			e = errno;
			if ((r < 0 && !in_set(read_ok, e)) ||
			    (r >= 0 && (r % 32 || (size_t)r > len))) {
				bad++;
				if (!why[0])
					snprintf(why, sizeof(why), "read(%p, %zu) = %ld errno %d", p, len, r, e);
			}
		} else if (op < 5) {
			r = write(fd, p, len);
			e = errno;
			if ((r < 0 && !in_set(write_ok, e)) ||
			    (r >= 0 && (r % 8 || (size_t)r > len || r > 64 * 8))) {
				bad++;
				if (!why[0])
					snprintf(why, sizeof(why), "write(%p, %zu) = %ld errno %d", p, len, r, e);
			}
		} else if (op < 8) {
			unsigned int cmd;
			bool in_buf;
			int type;

			if (rnd(&s) & 1)
				cmd = _IOC(rnd(&s) % 4, IRQCAP_IOC_MAGIC, rnd(&s) % 8, rnd(&s) % 256);
			else
				cmd = (unsigned int)rnd(&s);
			type = _IOC_TYPE(cmd);
			/* the VFS answers these itself before the driver (FIOCLEX, FIFREEZE, FICLONE, ...) */
			if (type == 'T' || type == 'X' || type == 'f' || type == 0x94 || type == 0)
				continue;
			r = ioctl(fd, cmd, p);
			e = errno;
			/* p points into the 1 MiB buffer: any ioctl's argument fits */
			in_buf = p == buf || ((char *)p > buf && (char *)p < buf + 4096);
			if (cmd == IRQCAP_IOC_FLUSH ||
			    ((cmd == IRQCAP_IOC_INFO || cmd == IRQCAP_IOC_STATS ||
			      cmd == IRQCAP_IOC_GET_CLOCK || cmd == IRQCAP_IOC_SOURCE) && in_buf)) {
				if (r < 0 && e != ENODEV) {
					bad++;
					if (!why[0])
						snprintf(why, sizeof(why), "ioctl(%#x) valid = %ld errno %d", cmd, r, e);
				}
			} else if ((cmd == IRQCAP_IOC_SET_CLOCK || cmd == IRQCAP_IOC_CONSUME) &&
				   (in_buf || p == ro)) {
				/*
				 * ABI 3: valid for a clock 0..3 or a position behind the head.
				 * These only read their argument, so the read-only page (zeros:
				 * clock 0, position 0) is as good an argument as the buffer.
				 */
				if (r < 0 && e != EINVAL && e != ENODEV) {
					bad++;
					if (!why[0])
						snprintf(why, sizeof(why), "ioctl(%#x, %p) = %ld errno %d", cmd, p, r, e);
				}
			} else if (r >= 0 || !in_set(ioctl_ok, e)) {
				bad++;
				if (!why[0])
					snprintf(why, sizeof(why), "ioctl(%#x, %p) = %ld errno %d", cmd, p, r, e);
			}
		} else if (op == 8) {
			struct pollfd pfd = { fd, (short)rnd(&s), 0 };

			r = poll(&pfd, 1, 0);
			if (r < 0 || (pfd.revents & POLLNVAL)) {
				bad++;
				if (!why[0])
					snprintf(why, sizeof(why), "poll = %ld revents %#x", r, pfd.revents);
			}
		} else {
			/* sysfs: random or boundary strings into every attribute */
			const char *a = attrs[rnd(&s) % 15];
			char path[128], val[4200], before[64], after[64];
			size_t vl;
			bool rw = !strcmp(a, "bottom_half") || !strcmp(a, "debounce_us") ||
				  !strcmp(a, "idle_timeout_ms");
			int dev = rnd(&s) & 1, w, valid;
			long long num;
			char *end;

			if (rnd(&s) % 3) {
				const char *v = strs[rnd(&s) % (sizeof(strs) / sizeof(strs[0]))];

				vl = strlen(v) + ((rnd(&s) & 3) == 0);
				memcpy(val, v, vl);
			} else {
				vl = rnd(&s) % 4200;
				for (size_t i = 0; i < vl; i++)
					val[i] = (char)rnd(&s);
			}
			snprintf(path, sizeof(path), "/sys/class/misc/irqcap%d/device/%s", dev, a);
			read_str(path, before, sizeof(before));
			w = write_buf(path, val, vl);
			read_str(path, after, sizeof(after));
			sys_ops++;
			if (!rw) {
				if (w != -EACCES) {
					sys_bad++;
					if (!why[0])
						snprintf(why, sizeof(why), "write to RO %s: %d", a, w);
				}
				continue;
			}
			/* what the driver should make of it */
			val[vl < sizeof(val) ? vl : sizeof(val) - 1] = 0;
			if (!strcmp(a, "bottom_half")) {
				char t[32];

				memcpy(t, val, sizeof(t) - 1);
				t[sizeof(t) - 1] = 0;
				t[strcspn(t, "\n")] = 0;
				valid = strlen(val) < 32 && (!strcmp(val, "hardirq") || !strcmp(val, "threaded") ||
					 !strcmp(val, "tasklet") || !strcmp(val, "workqueue") ||
					 (strlen(val) == strlen(t) + 1 && val[strlen(t)] == '\n' &&
					  (!strcmp(t, "hardirq") || !strcmp(t, "threaded") ||
					   !strcmp(t, "tasklet") || !strcmp(t, "workqueue"))));
				if (vl > 4095)
					valid = 0;
			} else {
				errno = 0;
				/* decimal only, as the driver parses them ("010" is 10, "0x10" is refused) */
				num = strtoll(val, &end, 10);
				valid = vl > 0 && vl < 4096 && !errno && end != val && (*end == 0 || !strcmp(end, "\n")) &&
					val[0] != ' ' && val[0] != '-' &&
					num >= 0 && num <= (!strcmp(a, "debounce_us") ? 1000000 : 3600000);
			}
			/* the VFS/kernfs answer these before the driver sees them */
			if (vl == 0 && w == 0 && !strcmp(before, after))
				continue;
			if (vl > 4096 && w == -E2BIG && !strcmp(before, after))
				continue;
			if ((valid && w) || (!valid && (w != -EINVAL && w != -ERANGE)) ||
			    (!valid && strcmp(before, after))) {
				/* strtoll accepts what kstrtou32 may not ("+5", "010"...): re-judge by result */
				if (!(w == 0 && !valid && val[0] == '+')) {
					sys_bad++;
					if (!why[0])
						snprintf(why, sizeof(why), "%s <- \"%.20s\" (%zu bytes): %d, %s -> %s",
							 a, val, vl, w, before, after);
				}
			}
		}
		if (bad + sys_bad > 20)
			break;
	}
	for (int i = 0; i < 4; i++)
		close(fds[i]);	/* the mappings stay until exit: release() after it */
	attr_set(0, "bottom_half", "threaded");
	attr_set(0, "debounce_us", "0");
	attr_set(0, "idle_timeout_ms", "0");
	attr_set(1, "bottom_half", "workqueue");
	attr_set(1, "debounce_us", "0");
	attr_set(1, "idle_timeout_ms", "200");
	note("fuzz: %d calls (%d sysfs writes) in %.1f s; %llu reader-page tails stored", n_ops, sys_ops,
	     (now_ns() - t0) / 1e9, (unsigned long long)tails);
	result(!rp_bad, "fuzz: every file's reader page and ring map", "%s", why);
	result(!bad, "fuzz: read/write/ioctl/poll return only documented errors", "%d bad: %s", bad, why);
	result(!sys_bad && sys_ops > 100, "fuzz: sysfs attributes refuse bad input with EINVAL/ERANGE/EACCES and keep their value",
	       "%d bad of %d: %s", sys_bad, sys_ops, why);
}

/* -------------------------------------------------------------- security */

/* drain @fd checking every record's padding (the stream checker's reserved rule) and fields */
static void check_records(int fd, struct irqcap_stream *chk, int *nrec, int *ok_pad, int *ok_ptr,
			  int *kinds)
{
	unsigned char raw[64 * 32 + 64];
	struct irqcap_event ev[64];
	ssize_t n;

	memset(raw, 0xa5, sizeof(raw));
	while ((n = read(fd, raw, 64 * 32)) > 0) {
		memcpy(ev, raw, n);
		for (int i = 0; i < n / 32; i++) {
			(*nrec)++;
			if (irqcap_stream_feed(chk, &ev[i], NULL) & IRQCAP_STREAM_V_RESERVED)
				*ok_pad = 0;
			if (ev[i].type >= 1 && ev[i].type <= 4)
				*kinds |= 1 << ev[i].type;
			if ((ev[i].data >> 44) == 0xfffff || (ev[i].seqno >> 44) == 0xfffff)
				*ok_ptr = 0;
			if (ev[i].type == IRQCAP_EVENT_IRQ && ev[i].data)
				*ok_ptr = 0;
		}
		/* bytes past the returned records are untouched */
		for (size_t i = n; i < sizeof(raw); i++)
			if (raw[i] != 0xa5)
				*ok_pad = 0;
		memset(raw, 0xa5, sizeof(raw));
	}
}

static void security(void)
{
	struct stat st = { 0 };
	int fd, ok_pad = 1, ok_ptr = 1, nrec = 0, kinds = 0;
	uint64_t mark = 0x1122334455667788ull;
	struct irqcap_info info;
	struct irqcap_stats sts;
	struct irqcap_stream chk;

	int sr = stat("/dev/irqcap0", &st);

	result(sr == 0 && S_ISCHR(st.st_mode) && (st.st_mode & 0777) == 0600 &&
	       st.st_uid == 0 && st.st_gid == 0, "security: /dev/irqcap0 is a root-owned 0600 char device",
	       "mode %o uid %d gid %d", st.st_mode, st.st_uid, st.st_gid);

	/* every record type: IRQ, MARKER, TIMEOUT, OVERFLOW; padding must be zero */
	attr_set(1, "idle_timeout_ms", "50");
	fd = open_dev(1, O_RDWR | O_NONBLOCK);
	pin_cpu(0);
	route_irqs();
	raise_irq(IRQ1, 3);
	if (write(fd, &mark, 8) != 8)
		note("marker write: %s", strerror(errno));
	msleep(400);
	irqcap_stream_init(&chk, 0);
	check_records(fd, &chk, &nrec, &ok_pad, &ok_ptr, &kinds);
	raise_irq(IRQ1, 1200);	/* ring 1024 (default): this reader overflows */
	msleep(200);
	check_records(fd, &chk, &nrec, &ok_pad, &ok_ptr, &kinds);
	result(ok_pad && nrec > 0, "security: reserved/padding of every record is zero; nothing written past the records",
	       "%d records", nrec);
	result(ok_ptr, "security: no kernel pointers in records", "a record field looks like a kernel address");
	note("record types seen: %s%s%s%s", kinds & 2 ? "IRQ " : "", kinds & 4 ? "TIMEOUT " : "",
	     kinds & 8 ? "OVERFLOW " : "", kinds & 16 ? "MARKER" : "");
	result((kinds & 0x1e) == 0x1e || (kinds & 0x16) == 0x16, "security: IRQ, TIMEOUT and MARKER records were checked", "kinds %#x", kinds);
	memset(&info, 0xa5, sizeof(info));
	memset(&sts, 0xa5, sizeof(sts));
	ioctl(fd, IRQCAP_IOC_INFO, &info);
	ioctl(fd, IRQCAP_IOC_STATS, &sts);
	result(!info.reserved && !(info.trigger & ~3u) && !(info.flags & ~0xfu) &&
	       !sts.reserved[0] && !sts.reserved[1],
	       "security: INFO and STATS reserved fields are zero", "not zero");
	close(fd);
	attr_set(1, "idle_timeout_ms", "200");

	/* unprivileged: no open, no sysfs write, no bind/unbind, no debugfs */
	{
		pid_t pid = fork();
		int stt;

		if (!pid) {
			static const char *const w[] = {
				"/sys/class/misc/irqcap0/device/bottom_half",
				"/sys/class/misc/irqcap0/device/debounce_us",
				"/sys/class/misc/irqcap0/device/idle_timeout_ms",
				DRV "/unbind", DRV "/bind",
			};
			int bad = 0;

			if (setgid(65534) || setuid(65534))
				_exit(100);
			if (open("/dev/irqcap0", O_RDONLY) >= 0 || errno != EACCES)
				bad |= 1;
			for (int i = 0; i < 5; i++)
				if (write_str(w[i], i == 3 || i == 4 ? pdev[0] : "1") != -EACCES)
					bad |= 2;
			if (open("/sys/kernel/debug/irqcap/irqcap0/state", O_RDONLY) >= 0)
				bad |= 4;
			_exit(bad);
		}
		waitpid(pid, &stt, 0);
		result(WIFEXITED(stt) && WEXITSTATUS(stt) == 0,
		       "security: unprivileged user cannot open the node, write sysfs, bind/unbind or read debugfs",
		       "status %#x (1 open, 2 sysfs, 4 debugfs, 100 setuid)", stt);
	}
	result(attr_get(0, "debounce_us") == 0 && is_bound(0),
	       "security: configuration unchanged after the unprivileged attempts", "changed");
}

/* -------------------------------------------------------------- kmemleak */

static void kmemleak(void)
{
	char buf[4096];
	int fd;
	ssize_t n;

	if (write_str("/sys/kernel/debug/kmemleak", "scan")) {
		result(false, "kmemleak: no leaks", "no kmemleak (%s)", strerror(errno));
		return;
	}
	msleep(6000);	/* objects younger than 5 s are not reported */
	write_str("/sys/kernel/debug/kmemleak", "scan");
	write_str("/sys/kernel/debug/kmemleak", "scan");
	fd = open("/sys/kernel/debug/kmemleak", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n > 0) {
		buf[n] = 0;
		printf("=== kmemleak report\n%s\n=== kmemleak report end\n", buf);
	}
	if (fd >= 0)
		close(fd);
	result(n == 0, "kmemleak: no unreferenced objects after all scenarios", "report above");
}

/* ------------------------------------------------------------------ soak */

static void soak(long secs)
{
	static const char *const modes[] = { "hardirq", "threaded", "tasklet", "workqueue" };
	uint64_t end = now_ns() + secs * 1000000000ull, next = 0, seed = 42;
	uint64_t next_cfg = now_ns() + 15000000000ull;
	long long raised = 0, last_raised = 0, proc0 = proc_irq(IRQ0);
	long long seen_base = attr_get(0, "irqs_seen");
	pthread_t rd[2];
	int cycle = 0, bad = 0;

	route_irqs();
	storm_stop = 0;
	loose_seq = 1;
	for (int i = 0; i < 2; i++)
		pthread_create(&rd[i], NULL, storm_reader, (void *)(uintptr_t)(i + 7));
	pin_cpu(0);
	printf("# soak: time_s raised irqs_seen committed debounced dropped overruns readers bh slab_kB irqcap_reader_objs\n");
	while (now_ns() < end) {
		raise_irq(IRQ0, 2000);
		raised += 2000;
		if (now_ns() >= next) {
			char bh[32] = "", line[256];
			long long slab = -1, robj = -1;
			FILE *f = fopen("/proc/meminfo", "r");

			while (f && fgets(line, sizeof(line), f))
				if (!strncmp(line, "Slab:", 5))
					slab = atoll(line + 5);
			if (f)
				fclose(f);
			f = fopen("/proc/slabinfo", "r");
			while (f && fgets(line, sizeof(line), f))
				if (!strncmp(line, "irqcap_reader ", 14))
					robj = atoll(line + 14);
			if (f)
				fclose(f);
			read_str("/sys/class/misc/irqcap0/device/bottom_half", bh, sizeof(bh));
			printf("# soak: %lld %lld %lld %lld %lld %lld %lld %lld %s %lld %lld\n",
			       (long long)((secs * 1000000000ull - (end - now_ns())) / 1000000000ull),
			       raised, attr_get(0, "irqs_seen") - seen_base, attr_get(0, "events_committed"),
			       attr_get(0, "debounced"), attr_get(0, "dropped"), attr_get(0, "overruns"),
			       attr_get(0, "readers"), bh, slab, robj);
			fflush(stdout);
			next = now_ns() + 30ull * 1000000000ull;
		}
		if (raised - last_raised >= 50000 || now_ns() >= next_cfg) {
			/*
			 * Reconfigure every 50 000 interrupts or 15 s, whichever
			 * comes first: bottom half, debounce, idle timeout; every
			 * 8th time an exact counter check and an unbind/rebind.
			 */
			last_raised = raised;
			next_cfg = now_ns() + 15000000000ull;
			cycle++;
			attr_set(0, "bottom_half", modes[rnd(&seed) % 4]);
			attr_set(0, "debounce_us", (rnd(&seed) & 3) ? "0" : "10");
			attr_set(0, "idle_timeout_ms", (rnd(&seed) & 1) ? "0" : "5");
			if (cycle % 8 == 0) {
				long long seen = attr_get(0, "irqs_seen") - 0;
				long long c = attr_get(0, "events_committed"), d = attr_get(0, "debounced");

				attr_set(0, "bottom_half", "hardirq");
				msleep(50);
				c = attr_get(0, "events_committed");
				d = attr_get(0, "debounced");
				seen = attr_get(0, "irqs_seen");
				if (seen != c + d || proc_irq(IRQ0) - proc0 != raised) {
					bad++;
					printf("# soak: imbalance seen %lld committed %lld debounced %lld raised %lld proc %lld\n",
					       seen, c, d, raised, proc_irq(IRQ0) - proc0);
				}
				if (unbind(0) || bind(0))
					bad++;
				seen_base = 0;
				raised = 0;
				proc0 = proc_irq(IRQ0);
				msleep(20);
			}
		}
	}
	storm_stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(rd[i], NULL);
	result(!bad && !storm_session_bad && !storm_errno_bad, "soak: counters balance at every rebind, readers balance",
	       "%d imbalances, %llu bad sessions: %s", bad, (unsigned long long)storm_session_bad, storm_why);
	note("soak done: %d reconfigurations, %llu reader sessions", cycle, (unsigned long long)storm_sessions);
}

/* ----------------------------------------------------- pending (STATS) */

/*
 * IRQCAP_IOC_STATS reader_pending ("records waiting for this file now")
 * must not count records already overwritten: never more than the ring
 * holds, and equal to what a drain then returns (minus the overflow record).
 */
static void pending(void)
{
	int fd = open_dev(0, O_RDONLY | O_NONBLOCK);
	struct irqcap_stats st = { 0 };
	struct tally t = { 0 };
	long long ring = attr_get(0, "ring_size");

	pin_cpu(0);
	raise_irq(IRQ0, ring + 44);
	msleep(200);
	ioctl(fd, IRQCAP_IOC_STATS, &st);
	drain(fd, &t);
	close(fd);
	note("ring %lld, raised %lld: reader_pending %llu, then read %llu records + %llu lost",
	     ring, ring + 44, (unsigned long long)st.reader_pending,
	     (unsigned long long)t.irq, (unsigned long long)t.lost);
	result(st.reader_pending <= (unsigned long long)ring && st.reader_pending == t.irq,
	       "pending: STATS reader_pending counts only records still readable",
	       "reader_pending %llu, ring %lld, readable %llu",
	       (unsigned long long)st.reader_pending, ring, (unsigned long long)t.irq);
}

/*
 * mmap: three threads open /dev/irqcap0, map its ring and their reader page
 * (struct irqcap_mmap_reader), read the newest records through the mapping,
 * store garbage tails (at, ahead of and far behind the head, around the
 * cursor, random) between poll(), STATS, read(), CONSUME, FLUSH and marker
 * writes, keep the mappings a random while (across an unbind, often) and
 * unmap; some reader pages (and rings) stay mapped past close() and across
 * later unbind/bind cycles, written to until unmapped.  Meanwhile the main
 * thread raises edges and unbinds and binds the device 40 times.  Every
 * mmap() either maps the ring the header page describes (or a zeroed reader
 * page) or fails with ENODEV (unbound); every call returns a documented
 * result; STATS reader_read/reader_lost never go back; KASAN, lockdep,
 * kmemleak and the page allocator's checks watch the kernel side.
 */
#define MM_KEEP		4

static volatile int mm_stop, mm_gen;
static pthread_mutex_t mm_mx = PTHREAD_MUTEX_INITIALIZER;
static uint64_t mm_maps, mm_gone, mm_kept, mm_bad;
static uint64_t mm_rpages, mm_rp_gone, mm_tails, mm_calls, mm_lossy, mm_kept_close,
	mm_kept_unbind, mm_kept_ring, mm_short;
static char mm_why[256];

static void mm_fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&mm_mx);
	if (!mm_bad++) {
		va_start(ap, fmt);
		vsnprintf(mm_why, sizeof(mm_why), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&mm_mx);
}

#define MM_ADD(v)	__atomic_add_fetch(&(v), 1, __ATOMIC_RELAXED)

/* a tail of one of six kinds; @cur: a position the thread knows it passed */
static uint32_t mm_tail(uint64_t *seed, uint32_t head, uint32_t ring, uint32_t cur)
{
	switch (rnd(seed) % 6) {
	case 0: return head;
	case 1: return head + 1 + (uint32_t)(rnd(seed) % 0x80000000u);	/* ahead */
	case 2: return head - ring - (uint32_t)(rnd(seed) % 0x7f000000u);	/* far behind */
	case 3: return head - (uint32_t)(rnd(seed) % (4 * ring));	/* maybe older than the ring */
	case 4: return cur + (uint32_t)(rnd(seed) % 16) - 8;
	default: return (uint32_t)rnd(seed);
	}
}

/* a reader page (and maybe its ring) kept mapped after its file's close() */
struct mm_keep {
	struct irqcap_mmap_reader *rp;
	const struct irqcap_mmap_page *ring;
	size_t len;
	int gen, ttl;
};

static void mm_keep_tick(struct mm_keep *k, uint64_t *seed, bool all)
{
	for (int i = 0; i < MM_KEEP; i++) {
		uint32_t v = (uint32_t)rnd(seed);

		if (!k[i].rp)
			continue;
		/* the page is the reader's: what it stores, it reads back */
		__atomic_store_n(&k[i].rp->tail, v, __ATOMIC_RELEASE);
		k[i].rp->reserved[v % 15] = v;
		if (k[i].rp->tail != v || k[i].rp->reserved[v % 15] != v)
			mm_fail("kept reader page: stored %#x, read %#x", v, k[i].rp->tail);
		if (k[i].ring && k[i].ring->abi_version != IRQCAP_ABI_VERSION)
			mm_fail("kept ring's header page changed: abi %u", k[i].ring->abi_version);
		if (!all && --k[i].ttl > 0)
			continue;
		if (k[i].gen != mm_gen)
			MM_ADD(mm_kept_unbind);
		munmap(k[i].rp, 4096);
		if (k[i].ring)
			munmap((void *)k[i].ring, k[i].len);
		k[i].rp = NULL;
	}
}

static void mm_ops(int fd, struct irqcap_mmap_reader *rp, struct irqcap_mmap_reader *rp2,
		   const struct irqcap_mmap_page *pg, uint64_t *seed)
{
	static __thread struct irqcap_event ev[16];
	uint64_t read0 = 0, lost0 = 0, v;
	uint32_t cur = __atomic_load_n(IRQCAP_MMAP_POS(pg->head), __ATOMIC_ACQUIRE);
	int n = 1 + rnd(seed) % 12;

	for (int k = 0; k < n; k++) {
		uint32_t head = __atomic_load_n(IRQCAP_MMAP_POS(pg->head), __ATOMIC_ACQUIRE);
		struct irqcap_stats st;
		struct pollfd pf;
		uint64_t marks[64];
		ssize_t r;

		if (rp) {
			uint32_t t = mm_tail(seed, head, pg->ring_size, cur);

			__atomic_store_n(&rp->tail, t, __ATOMIC_RELEASE);
			MM_ADD(mm_tails);
			if (rp2 && rp2->tail != t)
				mm_fail("two mappings of one reader page: %#x stored, %#x read",
					t, rp2->tail);
		}
		MM_ADD(mm_calls);
		switch (rnd(seed) % 6) {
		case 0:
			pf = (struct pollfd){ .fd = fd, .events = POLLIN };
			if (poll(&pf, 1, 0) < 0 || (pf.revents & POLLNVAL))
				mm_fail("poll: revents %#x, %s", pf.revents, strerror(errno));
			break;
		case 1:
			if (ioctl(fd, IRQCAP_IOC_STATS, &st)) {
				if (errno != ENODEV)
					mm_fail("STATS: %s", strerror(errno));
				break;
			}
			if (st.reader_read < read0 || st.reader_lost < lost0 ||
			    st.reader_pending > pg->ring_size)
				mm_fail("STATS read %llu (was %llu) lost %llu (was %llu) pending %llu",
					(unsigned long long)st.reader_read,
					(unsigned long long)read0,
					(unsigned long long)st.reader_lost,
					(unsigned long long)lost0,
					(unsigned long long)st.reader_pending);
			if (st.reader_lost > lost0)
				MM_ADD(mm_lossy);
			read0 = st.reader_read;
			lost0 = st.reader_lost;
			break;
		case 2:
			r = read(fd, ev, (1 + rnd(seed) % 16) * sizeof(ev[0]));
			if (r < 0 ? errno != EAGAIN && errno != ENODEV : r % sizeof(ev[0]) != 0)
				mm_fail("read: %zd, %s", r, strerror(errno));
			break;
		case 3:
			v = rnd(seed) & 1 ? (uint64_t)mm_tail(seed, head, pg->ring_size, cur) :
					    rnd(seed);
			if (ioctl(fd, IRQCAP_IOC_CONSUME, &v) && errno != EINVAL && errno != ENODEV)
				mm_fail("CONSUME: %s", strerror(errno));
			break;
		case 4:
			if (ioctl(fd, IRQCAP_IOC_FLUSH) < 0 && errno != ENODEV)
				mm_fail("FLUSH: %s", strerror(errno));
			break;
		default:
			/* markers: the head runs past the ring, old tails become losses */
			for (int i = 0; i < 64; i++)
				marks[i] = rnd(seed);
			for (int i = rnd(seed) % 6; i >= 0; i--) {
				r = write(fd, marks, sizeof(marks));
				if (r == sizeof(marks))
					continue;
				if (r < 0 ? errno != ENODEV : r % 8 != 0 || r > (ssize_t)sizeof(marks))
					mm_fail("write: %zd, %s", r, strerror(errno));
				/* short or refused: only once the device is gone, for good */
				pf = (struct pollfd){ .fd = fd, .events = POLLIN };
				if (poll(&pf, 1, 0) != 1 || !(pf.revents & POLLHUP))
					mm_fail("write: %zd, then poll revents %#x", r, pf.revents);
				if (r >= 0)
					MM_ADD(mm_short);
				break;
			}
			break;
		}
		if (rnd(seed) % 4 == 0)
			cur = head;
	}
}

static void *mm_thread(void *arg)
{
	uint64_t seed = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1, sum = 0;
	struct mm_keep keep[MM_KEEP] = { };

	pin_cpu(1);
	while (!mm_stop) {
		struct irqcap_mmap_reader *rp = NULL, *rp2 = NULL;
		const struct irqcap_mmap_page *pg;
		struct irqcap_info info;
		struct pollfd pf;
		uint64_t pos;
		size_t len;
		void *p;
		int fd = open_dev(0, O_RDWR | O_NONBLOCK), slot;

		mm_keep_tick(keep, &seed, false);
		if (fd < 0) {
			msleep(1);
			continue;
		}
		if (ioctl(fd, IRQCAP_IOC_INFO, &info)) {
			if (errno != ENODEV)
				mm_fail("INFO: %s", strerror(errno));
			close(fd);
			continue;
		}
		len = info.mmap_data_offset + (size_t)info.ring_size * info.event_size;
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			if (errno != ENODEV)
				mm_fail("mmap: %s", strerror(errno));
			__atomic_add_fetch(&mm_gone, 1, __ATOMIC_RELAXED);
			close(fd);
			continue;
		}
		__atomic_add_fetch(&mm_maps, 1, __ATOMIC_RELAXED);
		pg = p;
		if (pg->abi_version != IRQCAP_ABI_VERSION || pg->ring_size != info.ring_size ||
		    pg->data_offset != info.mmap_data_offset)
			mm_fail("header page: abi %u ring %u offset %u", pg->abi_version,
				pg->ring_size, pg->data_offset);
		/* the reader page: 3 of 4 files */
		if (rnd(&seed) % 4) {
			rp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				  IRQCAP_MMAP_READER_OFFSET);
			if (rp == MAP_FAILED) {
				if (errno != ENODEV)
					mm_fail("reader page mmap: %s", strerror(errno));
				MM_ADD(mm_rp_gone);
				rp = NULL;
			} else {
				struct irqcap_stats st;
				uint32_t h = __atomic_load_n(IRQCAP_MMAP_POS(pg->head),
							     __ATOMIC_ACQUIRE);

				MM_ADD(mm_rpages);
				/* zeroed, the tail at the cursor: not ahead, nothing consumed */
				for (int i = 0; i < 15; i++)
					if (rp->reserved[i])
						mm_fail("a new file's reader page is not zeroed");
				if ((int32_t)(rp->tail - h) > 0)
					mm_fail("a new file's reader page: tail %#x ahead of the head %#x",
						rp->tail, h);
				if (!ioctl(fd, IRQCAP_IOC_STATS, &st) && st.reader_read)
					mm_fail("mapping the reader page consumed %llu records",
						(unsigned long long)st.reader_read);
				if (rnd(&seed) % 3 == 0) {
					rp2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
						   IRQCAP_MMAP_READER_OFFSET);
					if (rp2 == MAP_FAILED) {
						if (errno != ENODEV)
							mm_fail("second reader page mmap: %s",
								strerror(errno));
						rp2 = NULL;
					}
				}
			}
		}
		pos = __atomic_load_n(IRQCAP_MMAP_POS(pg->head), __ATOMIC_ACQUIRE);
		/* touch every page of the mapping, and the newest records */
		for (size_t off = 0; off < len; off += info.mmap_data_offset)
			sum += ((const volatile unsigned char *)p)[off];
		for (uint32_t i = 1; i <= 16 && i <= (uint32_t)pos; i++) {
			const struct irqcap_event *e = (const void *)((const char *)p +
				pg->data_offset + (((uint32_t)pos - i) & (pg->ring_size - 1)) *
				sizeof(*e));

			sum += e->seqno;
		}
		if (ioctl(fd, IRQCAP_IOC_CONSUME, &pos) && errno != ENODEV && errno != EINVAL)
			mm_fail("CONSUME: %s", strerror(errno));
		mm_ops(fd, rp, rp2, pg, &seed);
		pf = (struct pollfd){ .fd = fd, .events = POLLIN };
		poll(&pf, 1, 0);
		/* keep the mapping a while: across an unbind now and then */
		msleep(rnd(&seed) % 8);
		if (pg->abi_version != IRQCAP_ABI_VERSION)
			mm_fail("header page changed while mapped: abi %u", pg->abi_version);
		if (pf.revents & POLLHUP)
			__atomic_add_fetch(&mm_kept, 1, __ATOMIC_RELAXED);
		if (rp2)
			munmap(rp2, 4096);
		/* one in three reader pages outlives close(), with its ring in half of those */
		for (slot = 0; slot < MM_KEEP && keep[slot].rp; slot++)
			;
		if (rp && slot < MM_KEEP && rnd(&seed) % 3 == 0) {
			keep[slot] = (struct mm_keep){ .rp = rp, .gen = mm_gen,
						       .ttl = 1 + rnd(&seed) % 40 };
			MM_ADD(mm_kept_close);
			if (rnd(&seed) & 1) {
				keep[slot].ring = pg;
				keep[slot].len = len;
				MM_ADD(mm_kept_ring);
			} else {
				munmap(p, len);
			}
		} else {
			if (rp)
				munmap(rp, 4096);
			munmap(p, len);
		}
		close(fd);
	}
	mm_keep_tick(keep, &seed, true);
	return (void *)(uintptr_t)sum;
}

static void mmap_race(void)
{
	pthread_t th[3];
	int cycles = 40, bad_bind = 0;

	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, mm_thread, (void *)(uintptr_t)(i + 1));
	for (int c = 0; c < cycles; c++) {
		raise_irq(IRQ0, 100);
		msleep(c % 7);
		if (unbind(0))
			bad_bind++;
		__atomic_add_fetch(&mm_gen, 1, __ATOMIC_RELAXED);
		msleep(c % 5);
		if (bind(0))
			bad_bind++;
		for (int i = 0; i < 200 && access("/dev/irqcap0", F_OK); i++)
			msleep(5);
	}
	mm_stop = 1;
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	note("mmap: %d unbind/bind cycles, %llu mappings, %llu refused while unbound, %llu saw the unbind while mapped",
	     cycles, (unsigned long long)mm_maps, (unsigned long long)mm_gone,
	     (unsigned long long)mm_kept);
	note("mmap: %llu reader pages mapped, %llu refused while unbound; %llu tails stored around %llu calls, %llu STATS saw a loss grow, %llu marker writes cut short by unbind; %llu reader pages kept past close() (%llu with their ring), %llu of them across an unbind",
	     (unsigned long long)mm_rpages, (unsigned long long)mm_rp_gone,
	     (unsigned long long)mm_tails, (unsigned long long)mm_calls,
	     (unsigned long long)mm_lossy, (unsigned long long)mm_short, (unsigned long long)mm_kept_close,
	     (unsigned long long)mm_kept_ring, (unsigned long long)mm_kept_unbind);
	result(!bad_bind && is_bound(0), "mmap: unbind/bind cycles with mapped readers",
	       "%d unbind/bind writes failed", bad_bind);
	result(mm_maps > 0 && !mm_bad, "mmap: every mapping is the ring or ENODEV",
	       "%llu mappings, %llu bad: %s", (unsigned long long)mm_maps,
	       (unsigned long long)mm_bad, mm_why);
	result(mm_rpages > 0 && mm_tails > 0 && mm_kept_unbind > 0 && !mm_bad,
	       "mmap: reader pages with garbage tails, kept past close() and unbind",
	       "%llu reader pages, %llu tails, %llu kept across unbind, %llu bad: %s",
	       (unsigned long long)mm_rpages, (unsigned long long)mm_tails,
	       (unsigned long long)mm_kept_unbind, (unsigned long long)mm_bad, mm_why);
}

int main(int argc, char **argv)
{
	const char *sc = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ioperm(0x2000, 0x18, 1)) {
		result(false, "ioperm", "%s", strerror(errno));
		return 1;
	}
	if (find_pdevs()) {
		result(false, "devices present", "no /sys/class/misc/irqcap0,1");
		return 1;
	}
	/*
	 * An I/O APIC line moves to its new CPU at its next interrupt: route
	 * both lines to CPU 0 and take one edge on each now, so that no
	 * scenario's first edges race the move (and merge).
	 */
	route_irqs();
	pin_cpu(0);
	raise_irq(IRQ0, 1);
	raise_irq(IRQ1, 1);
	msleep(50);
	if (!strcmp(sc, "storm"))
		storm(argc > 2 ? atol(argv[2]) : 1000000);
	else if (!strcmp(sc, "sleepers"))
		sleepers();
	else if (!strcmp(sc, "rmmod"))
		rmmod_race();
	else if (!strcmp(sc, "faults"))
		faults();
	else if (!strcmp(sc, "fuzz"))
		fuzz(argc > 2 ? strtoull(argv[2], NULL, 0) : 0);
	else if (!strcmp(sc, "security"))
		security();
	else if (!strcmp(sc, "kmemleak"))
		kmemleak();
	else if (!strcmp(sc, "pending"))
		pending();
	else if (!strcmp(sc, "mmap"))
		mmap_race();
	else if (!strcmp(sc, "soak"))
		soak(argc > 2 ? atol(argv[2]) : 600);
	else {
		fprintf(stderr, "usage: %s storm|sleepers|rmmod|faults|fuzz|security|pending|mmap|kmemleak|soak [ARG]\n", argv[0]);
		return 2;
	}
	return nfail ? 1 : 0;
}
