// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap's mapped ring in the x86 QEMU guest (the board of irqcap-test.c:
 * /dev/irqcap0 on IRQ 5 with a 256-record ring, pc-testdev raises the
 * edges).  The mapped reader is docs/mmap-reader.c's, included here; the
 * stream rules are checked with tools/lib/irqcap-stream.c.
 *
 * Prints "ok - mmap_NAME" or "not ok - mmap_NAME: why" per test.
 * Usage: irqcap-mmap-test [TEST...]   (no argument: all tests in order)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IRQCAP_MMAP_READER_NO_MAIN
#include "../../docs/mmap-reader.c"
#include "guest-util.h"
#include "../../tools/lib/irqcap-stream.h"

#define IRQ0	5
#define RING0	256
#define UNBIND	"/sys/bus/platform/drivers/irqcap/unbind"
#define BIND	"/sys/bus/platform/drivers/irqcap/bind"

static int failures;
static char why[512];
static long page_size;

static int sysfs_set_str(const char *attr, const char *val)
{
	char p[256];

	sysfs_path(0, attr, p, sizeof(p));
	return write_file(p, val);
}

/*
 * docs/mmap-reader.c's irqcap_map_open() also maps the reader page
 * writable and shared: the VFS allows that only on a file open for writing
 * (EACCES on O_RDONLY), so the mapped readers here open O_RDWR.
 */
static int open_map(struct irqcap_map *m, int flags)
{
	int fd = open("/dev/irqcap0", flags);

	if (fd < 0)
		return -errno;
	return irqcap_map_open(m, fd);
}

/* /dev/irqcap0 mapped read-write, non-blocking, with its reader page */
static bool open_reader(struct irqcap_map *m)
{
	int ret = open_map(m, O_RDWR | O_NONBLOCK);

	CHECK(ret == 0 && m->reader, "map: %s", ret ? strerror(-ret) : "no reader page");
	return true;
}

/* seqno of the last interrupt irqcap0 numbered (irqs_seen: no debounce here) */
static uint64_t seen(void)
{
	return (uint64_t)sysfs_get(0, "irqs_seen");
}

/* the head the mapping shows, after the bottom half committed */
static uint32_t head_of(const struct irqcap_map *m)
{
	return __atomic_load_n(IRQCAP_MMAP_POS(m->page->head), __ATOMIC_ACQUIRE);
}

static bool wait_head(const struct irqcap_map *m, uint32_t want)
{
	for (int i = 0; i < 500 && head_of(m) != want; i++)
		usleep(2000);
	return head_of(m) == want;
}

/*
 * open_reader(), then @n edges raised on irqcap0 and committed: @p0 is the
 * reader's position before them, @s0 the seqno before the first.
 */
static bool open_reader_raised(struct irqcap_map *m, uint32_t *p0, uint64_t *s0, int n)
{
	CHECK(open_reader(m), "map with the reader page");
	*p0 = m->pos;
	*s0 = seen();
	raise_irq(IRQ0, n);
	CHECK(wait_head(m, *p0 + n), "head %u, expected %u", head_of(m), *p0 + n);
	return true;
}

/* INFO says mappable; the header page says what the driver's ring is. */
static bool t_info(void)
{
	struct irqcap_info info;
	struct irqcap_map m;
	int ret = open_map(&m, O_RDWR);

	CHECK(ret == 0, "map: %s", strerror(-ret));
	CHECK(ioctl(m.fd, IRQCAP_IOC_INFO, &info) == 0, "INFO");
	CHECK(info.flags & IRQCAP_INFO_MMAP, "INFO flags %#x without MMAP", info.flags);
	CHECK(info.mmap_data_offset == page_size, "mmap_data_offset %u, page %ld",
	      info.mmap_data_offset, page_size);
	CHECK(m.page->abi_version == IRQCAP_ABI_VERSION, "abi %u", m.page->abi_version);
	CHECK(m.page->event_size == sizeof(struct irqcap_event), "event_size %u",
	      m.page->event_size);
	CHECK(m.page->ring_size == RING0 && info.ring_size == RING0, "ring %u/%u",
	      m.page->ring_size, info.ring_size);
	CHECK(m.page->data_offset == info.mmap_data_offset, "data_offset %u",
	      m.page->data_offset);
	for (int i = 0; i < 12; i++)
		CHECK(!m.page->reserved0[i], "reserved0[%d] = %u", i, m.page->reserved0[i]);
	for (int i = 0; i < 6; i++)
		CHECK(!m.page->reserved[i], "reserved[%d] set", i);
	/* a 64-bit kernel: the whole fields; the committed head is the reserve */
	CHECK(m.page->head == m.page->reserve, "head %llu reserve %llu at rest",
	      (unsigned long long)m.page->head, (unsigned long long)m.page->reserve);
	printf("# mmap: %zu bytes mapped, data at %u, head %llu\n", m.len,
	       m.page->data_offset, (unsigned long long)m.page->head);
	irqcap_map_close(&m);
	return true;
}

/*
 * Every interrupt raised reaches the mapped reader exactly once, and a
 * read() reader of the same device at the same time gets the same records.
 * The raiser gives both readers the chance to keep up (it waits for them
 * after each chunk of 64, a quarter of the ring): this checks delivery, not
 * capacity.  The readers sleep in poll() (CONSUME) / read() on CPU 1.
 */
#define ONCE_N		4096
#define ONCE_CHUNK	64

struct once_reader {
	bool mapped;
	struct irqcap_map m;
	int fd;
	struct irqcap_event *ev;
	volatile int n;
	uint64_t lost, waits;
	int err;
};

static void *once_thread(void *arg)
{
	struct once_reader *o = arg;

	pin_cpu(1);
	while (o->n < ONCE_N) {
		int got;

		if (o->mapped) {
			got = irqcap_map_read(&o->m, o->ev + o->n, ONCE_N - o->n, &o->lost);
			if (!got) {
				int w = irqcap_map_wait(&o->m, 5000);

				o->waits++;
				if (w <= 0) {
					o->err = w < 0 ? errno : ETIMEDOUT;
					break;
				}
			}
		} else {
			ssize_t r = read(o->fd, o->ev + o->n,
					 (ONCE_N - o->n) * sizeof(struct irqcap_event));

			o->waits++;
			if (r <= 0) {
				o->err = r < 0 ? errno : EIO;
				break;
			}
			got = r / sizeof(struct irqcap_event);
		}
		__atomic_store_n(&o->n, o->n + got, __ATOMIC_RELEASE);
	}
	return NULL;
}

static bool t_exactly_once(void)
{
	struct once_reader o[2] = { { .mapped = true }, { .mapped = false } };
	pthread_t th[2];
	uint64_t s0;
	int ret;

	CHECK(sysfs_set_str("bottom_half", "threaded") == 0, "bottom_half threaded");
	ret = open_map(&o[0].m, O_RDWR);
	CHECK(ret == 0, "map: %s", strerror(-ret));
	o[1].fd = open("/dev/irqcap0", O_RDONLY);
	CHECK(o[1].fd >= 0, "open");
	s0 = seen();
	for (int i = 0; i < 2; i++) {
		o[i].ev = calloc(ONCE_N, sizeof(struct irqcap_event));
		CHECK(o[i].ev, "calloc");
		pthread_create(&th[i], NULL, once_thread, &o[i]);
	}
	for (int sent = 0; sent < ONCE_N; sent += ONCE_CHUNK) {
		raise_irq(IRQ0, ONCE_CHUNK);
		/* both readers have what was raised (or stopped): 10 s at most */
		for (int t = 0; t < 10000; t++) {
			bool done = true;

			for (int i = 0; i < 2; i++)
				if (!o[i].err && __atomic_load_n(&o[i].n, __ATOMIC_ACQUIRE) <
				    sent + ONCE_CHUNK)
					done = false;
			if (done)
				break;
			usleep(1000);
		}
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CHECK(seen() - s0 == ONCE_N, "%llu interrupts for %d edges",
	      (unsigned long long)(seen() - s0), ONCE_N);
	for (int i = 0; i < 2; i++) {
		struct irqcap_stream st;
		const char *who = o[i].mapped ? "mapped" : "read()";

		CHECK(!o[i].err, "%s reader stopped after %d: %s", who, o[i].n,
		      strerror(o[i].err));
		CHECK(o[i].n == ONCE_N && !o[i].lost, "%s reader: %d records, %llu lost",
		      who, o[i].n, (unsigned long long)o[i].lost);
		irqcap_stream_init(&st, IRQCAP_STREAM_EXACT_LOSS);
		irqcap_stream_expect(&st, s0 + 1);
		irqcap_stream_feed_n(&st, o[i].ev, o[i].n);
		irqcap_stream_finish(&st);
		CHECK(!irqcap_stream_error(&st), "%s reader: %s", who, irqcap_stream_error(&st));
		CHECK(st.irqs == ONCE_N && o[i].ev[ONCE_N - 1].seqno == s0 + ONCE_N,
		      "%s reader: %llu IRQ records, last seqno %llu", who,
		      (unsigned long long)st.irqs,
		      (unsigned long long)o[i].ev[ONCE_N - 1].seqno);
	}
	CHECK(!memcmp(o[0].ev, o[1].ev, ONCE_N * sizeof(struct irqcap_event)),
	      "the mapped and the read() reader got different records");
	printf("# mmap exactly_once: %d edges; mapped reader %llu poll() sleeps (%.3f per event), read() reader %llu read() calls (%.3f per event)\n",
	       ONCE_N, (unsigned long long)o[0].waits, (double)o[0].waits / ONCE_N,
	       (unsigned long long)o[1].waits, (double)o[1].waits / ONCE_N);
	irqcap_map_close(&o[0].m);
	close(o[0].m.fd);
	close(o[1].fd);
	free(o[0].ev);
	free(o[1].ev);
	return true;
}

/*
 * A mapped reader that falls behind computes its exact loss from the
 * positions, and CONSUME with a position older than the ring counts the
 * same loss in STATS and the device's dropped counter.
 */
static bool t_loss(void)
{
	static struct irqcap_event ev[RING0];
	long long dropped0 = sysfs_get(0, "dropped");
	struct irqcap_stream st;
	struct irqcap_stats sts;
	struct irqcap_map m;
	uint64_t s0, lost = 0, pos0;
	unsigned int n;
	int ret = open_map(&m, O_RDWR);

	CHECK(ret == 0, "map: %s", strerror(-ret));
	pos0 = m.pos;
	s0 = seen();
	raise_irq(IRQ0, 1000);
	CHECK(wait_head(&m, m.pos + 1000), "head %u, expected %u", head_of(&m), m.pos + 1000);
	n = irqcap_map_read(&m, ev, RING0, &lost);
	CHECK(n == 0 && lost == 1000 - RING0, "behind: %u records, %llu lost, expected 0, %d",
	      n, (unsigned long long)lost, 1000 - RING0);
	n = irqcap_map_read(&m, ev, RING0, &lost);
	CHECK(n == RING0 && lost == 1000 - RING0, "then %u records (lost %llu), expected %d",
	      n, (unsigned long long)lost, RING0);
	irqcap_stream_init(&st, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&st, s0 + 1 + lost);
	irqcap_stream_feed_n(&st, ev, n);
	CHECK(!irqcap_stream_error(&st), "%s", irqcap_stream_error(&st));
	CHECK(ev[0].seqno == s0 + 1000 - RING0 + 1 && ev[n - 1].seqno == s0 + 1000,
	      "seqnos %llu..%llu", (unsigned long long)ev[0].seqno,
	      (unsigned long long)ev[n - 1].seqno);
	/* the driver counts the loss of a CONSUME at the stale position */
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &pos0) == 0, "CONSUME(old): %s", strerror(errno));
	CHECK(ioctl(m.fd, IRQCAP_IOC_STATS, &sts) == 0, "STATS");
	CHECK(sts.reader_lost == 1000 - RING0 && sts.reader_pending == RING0 &&
	      sts.reader_read == 0, "STATS lost %llu pending %llu read %llu",
	      (unsigned long long)sts.reader_lost, (unsigned long long)sts.reader_pending,
	      (unsigned long long)sts.reader_read);
	CHECK(sysfs_get(0, "dropped") - dropped0 == 1000 - RING0, "dropped grew by %lld",
	      sysfs_get(0, "dropped") - dropped0);
	/* then the mapped reader's own position: the rest counts as read */
	pos0 = m.pos;
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &pos0) == 0, "CONSUME: %s", strerror(errno));
	CHECK(ioctl(m.fd, IRQCAP_IOC_STATS, &sts) == 0, "STATS");
	CHECK(sts.reader_read == RING0 && sts.reader_pending == 0 &&
	      sts.reader_lost == 1000 - RING0, "STATS read %llu pending %llu lost %llu",
	      (unsigned long long)sts.reader_read, (unsigned long long)sts.reader_pending,
	      (unsigned long long)sts.reader_lost);
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

/*
 * The torn-slot check against the driver's real positions.  (a) Records
 * copied, then the producer reuses some of their slots before the check:
 * exactly those are discarded and counted lost.  (b) The head loaded, then
 * the producer laps the ring, then the slots are copied: every copy holds
 * a newer record than its position's and the check must throw all away.
 */
static bool t_torn(void)
{
	static struct irqcap_event ev[RING0];
	struct irqcap_map m;
	uint64_t s0, lost = 0;
	uint32_t pos, h;
	unsigned int n;
	int behind, ret = open_map(&m, O_RDWR);

	CHECK(ret == 0, "map: %s", strerror(-ret));
	/* (a) */
	s0 = seen();
	raise_irq(IRQ0, 10);
	CHECK(wait_head(&m, m.pos + 10), "head");
	n = irqcap_map_copy(&m, ev, 10, &behind);
	CHECK(n == 10 && !behind, "copied %u", n);
	raise_irq(IRQ0, RING0 - 5);	/* reuses the slots of the 5 oldest */
	CHECK(wait_head(&m, m.pos + 10 + RING0 - 5), "head");
	n = irqcap_map_check(&m, ev, n, &lost);
	CHECK(n == 5 && lost == 5, "(a) kept %u, lost %llu: expected 5, 5", n,
	      (unsigned long long)lost);
	CHECK(ev[0].seqno == s0 + 6 && ev[4].seqno == s0 + 10, "(a) kept seqnos %llu..%llu",
	      (unsigned long long)ev[0].seqno, (unsigned long long)ev[4].seqno);
	n = irqcap_map_read(&m, ev, RING0, &lost);
	CHECK(n == RING0 - 5 && lost == 5 && ev[0].seqno == s0 + 11,
	      "(a) then %u records from %llu, lost %llu", n,
	      (unsigned long long)ev[0].seqno, (unsigned long long)lost);
	/* (b) */
	lost = 0;
	s0 = seen();
	raise_irq(IRQ0, 10);
	CHECK(wait_head(&m, m.pos + 10), "head");
	pos = m.pos;
	h = head_of(&m);			/* step 1 ... */
	raise_irq(IRQ0, RING0);			/* ... the producer laps the ring ... */
	CHECK(wait_head(&m, h + RING0), "head");
	for (uint32_t p = pos; p != h; p++)	/* ... step 2 */
		memcpy(&ev[p - pos], m.data + (size_t)(p & (m.size - 1)) * sizeof(ev[0]),
		       sizeof(ev[0]));
	CHECK(ev[0].seqno == s0 + 1 + RING0, "(b) the copy holds seqno %llu at position of %llu",
	      (unsigned long long)ev[0].seqno, (unsigned long long)s0 + 1);
	n = irqcap_map_check(&m, ev, h - pos, &lost);
	CHECK(n == 0 && lost == 10, "(b) kept %u reused copies, lost %llu: expected 0, 10",
	      n, (unsigned long long)lost);
	n = irqcap_map_read(&m, ev, RING0, &lost);
	CHECK(n == RING0 && lost == 10 && ev[0].seqno == s0 + 11 &&
	      ev[RING0 - 1].seqno == s0 + 10 + RING0,
	      "(b) then %u records %llu..%llu, lost %llu", n, (unsigned long long)ev[0].seqno,
	      (unsigned long long)ev[n ? n - 1 : 0].seqno, (unsigned long long)lost);
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

static short poll_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

struct waiter {
	struct irqcap_map *m;
	volatile int ret;
	volatile bool done;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	pin_cpu(1);
	w->ret = irqcap_map_wait(w->m, 10000);
	w->done = true;
	return NULL;
}

/* poll() after CONSUME means "records past the position given". */
static bool t_poll_consume(void)
{
	struct irqcap_event ev[8];
	struct irqcap_stats st;
	struct irqcap_map m;
	struct waiter w = { .m = &m };
	pthread_t th;
	uint64_t lost = 0, v, t0;
	ssize_t r;
	int ret = open_map(&m, O_RDWR);

	CHECK(ret == 0, "map: %s", strerror(-ret));
	CHECK(!(poll_now(m.fd) & POLLIN), "readable with nothing raised");
	raise_irq(IRQ0, 3);
	CHECK(wait_head(&m, m.pos + 3), "head");
	CHECK(poll_now(m.fd) & POLLIN, "not readable after 3 edges");
	CHECK(irqcap_map_read(&m, ev, 8, &lost) == 3 && !lost, "mapped read");
	/* the driver cannot know what the mapping read: still readable */
	CHECK(poll_now(m.fd) & POLLIN, "not readable before CONSUME");
	v = m.pos;
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &v) == 0, "CONSUME: %s", strerror(errno));
	CHECK(!(poll_now(m.fd) & POLLIN), "readable after CONSUME at the head");
	CHECK(ioctl(m.fd, IRQCAP_IOC_STATS, &st) == 0 && st.reader_read == 3 &&
	      st.reader_pending == 0, "STATS read %llu pending %llu",
	      (unsigned long long)st.reader_read, (unsigned long long)st.reader_pending);
	/* ahead of the head, behind the cursor: refused, the cursor stays */
	v = m.pos + 1;
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &v) < 0 && errno == EINVAL, "CONSUME ahead of head");
	v = m.pos - 1;
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &v) < 0 && errno == EINVAL,
	      "CONSUME behind the cursor");
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, NULL) < 0 && errno == EFAULT, "CONSUME(NULL)");
	/* one edge: readable; read() continues at the cursor CONSUME set */
	raise_irq(IRQ0, 1);
	CHECK(wait_head(&m, m.pos + 1), "head");
	CHECK(poll_now(m.fd) & POLLIN, "not readable after one more edge");
	r = read(m.fd, ev, sizeof(ev));
	CHECK(r == sizeof(ev[0]) && ev[0].seqno == seen(), "read() after CONSUME: %zd bytes",
	      r);
	m.pos++;
	/* a sleeping mapped reader wakes for the next edge */
	pthread_create(&th, NULL, wait_thread, &w);
	usleep(200000);
	CHECK(!w.done, "irqcap_map_wait() returned %d with nothing raised", w.ret);
	t0 = now_ns();
	raise_irq(IRQ0, 1);
	pthread_join(th, NULL);
	CHECK(w.ret == 1, "wait returned %d: %s", w.ret, strerror(errno));
	printf("# mmap poll_consume: the sleeping mapped reader woke %.1f ms after the edge\n",
	       (now_ns() - t0) / 1e6);
	CHECK(irqcap_map_read(&m, ev, 8, &lost) == 1 && !lost, "the woken reader's record");
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

static bool child_segv_on_write(volatile unsigned char *p)
{
	int status;
	pid_t c = fork();

	if (!c) {
		p[0] = 1;
		_exit(0);
	}
	waitpid(c, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

/* The mapping is read-only and stays so; wrong sizes and offsets are refused. */
static bool t_refused(void)
{
	struct irqcap_info info;
	size_t len;
	void *p, *q;
	int fd = open("/dev/irqcap0", O_RDWR);

	CHECK(fd >= 0, "open O_RDWR");
	CHECK(ioctl(fd, IRQCAP_IOC_INFO, &info) == 0, "INFO");
	len = info.mmap_data_offset + (size_t)info.ring_size * info.event_size;
	/* a file open for writing: the refusal is the driver's */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p == MAP_FAILED && errno == EPERM, "PROT_WRITE shared: %s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p == MAP_FAILED && errno == EPERM, "PROT_WRITE private: %s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "PROT_READ: %s", strerror(errno));
	CHECK(mprotect(p, len, PROT_READ | PROT_WRITE) < 0 && errno == EACCES,
	      "mprotect(PROT_WRITE): %s", strerror(errno));
	CHECK(child_segv_on_write(p), "a write to the header page did not fault");
	CHECK(child_segv_on_write((unsigned char *)p + info.mmap_data_offset),
	      "a write to the records did not fault");
	q = mremap(p, len, len + page_size, MREMAP_MAYMOVE);
	CHECK(q == MAP_FAILED, "mremap() grew the mapping");
	munmap(p, len);
	/* sizes: header only, one page short, one page more; offsets */
	{
		static const struct { long dlen, off; const char *what; } bad[] = {
			{ 0, 0, "header page only" }, { -1, 0, "one page short" },
			{ 1, 0, "one page more" }, { 0, 1, "offset one page" },
			{ -1, 1, "offset one page, rest of the size" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			size_t l = bad[i].dlen == 0 && !bad[i].off ? (size_t)page_size :
				   len + bad[i].dlen * page_size;

			p = mmap(NULL, l, PROT_READ, MAP_SHARED, fd, bad[i].off * page_size);
			CHECK(p == MAP_FAILED && errno == EINVAL, "%s (%zu bytes): %s",
			      bad[i].what, l, p == MAP_FAILED ? strerror(errno) : "mapped");
		}
	}
	/* the size of the formula, not rounded by the caller: accepted */
	p = mmap(NULL, len - 1, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "%zu bytes: %s", len - 1, strerror(errno));
	munmap(p, len - 1);
	close(fd);
	return true;
}

/*
 * Unbind while mapped: the mapping keeps its pages (they hold the last
 * records, unchanged even when the guest's free memory is all used once),
 * the file reports the device gone, unmapping frees the pages (the debug
 * kernel's KASAN and kmemleak watch).
 */
static bool t_unbind(void)
{
	static struct irqcap_event before[16];
	struct irqcap_map m;
	char name[64] = "", link[256];
	uint64_t lost = 0, v;
	ssize_t ln;
	size_t big;
	char *mem;
	int ret = open_map(&m, O_RDWR);

	CHECK(ret == 0, "map: %s", strerror(-ret));
	ln = readlink("/sys/class/misc/irqcap0/device", link, sizeof(link) - 1);
	CHECK(ln > 0, "no platform device");
	link[ln] = 0;
	snprintf(name, sizeof(name), "%s", strrchr(link, '/') + 1);
	raise_irq(IRQ0, 16);
	CHECK(wait_head(&m, m.pos + 16), "head");
	CHECK(write_file(UNBIND, name) == 0, "unbind %s", name);
	/* the records are there after unbind */
	CHECK(irqcap_map_read(&m, before, 16, &lost) == 16 && !lost, "mapped read after unbind");
	/* use the guest's free memory once: freed pages would be reused */
	big = (size_t)sysconf(_SC_AVPHYS_PAGES) * page_size * 3 / 4;
	mem = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem != MAP_FAILED) {
		memset(mem, 0x5a, big);
		munmap(mem, big);
	}
	CHECK(m.page->abi_version == IRQCAP_ABI_VERSION && m.page->ring_size == RING0,
	      "header page changed after unbind: abi %u ring %u", m.page->abi_version,
	      m.page->ring_size);
	for (int i = 0; i < 16; i++) {
		const struct irqcap_event *e = (const void *)(m.data +
			(size_t)((m.pos - 16 + i) & (m.size - 1)) * sizeof(*e));

		CHECK(!memcmp(e, &before[i], sizeof(*e)),
		      "record %d changed after unbind and %zu MB of memory use", i, big >> 20);
	}
	v = m.pos;
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &v) < 0 && errno == ENODEV, "CONSUME after unbind");
	CHECK(poll_now(m.fd) & POLLHUP, "poll after unbind: no POLLHUP");
	CHECK(mmap(NULL, m.len, PROT_READ, MAP_SHARED, m.fd, 0) == MAP_FAILED &&
	      errno == ENODEV, "a new mmap() after unbind");
	printf("# mmap unbind: records intact after unbind and %zu MB written\n", big >> 20);
	irqcap_map_close(&m);
	close(m.fd);
	CHECK(write_file(BIND, name) == 0, "rebind");
	for (int i = 0; i < 200 && access("/dev/irqcap0", F_OK); i++)
		usleep(10000);
	CHECK(access("/dev/irqcap0", F_OK) == 0, "no /dev/irqcap0 after rebind");
	return true;
}

/* ------------------------------------------------------------ reader page */

/* mmap() of the reader page (struct irqcap_mmap_reader) of @fd */
static void *map_rp(int fd, size_t len, int prot, int flags)
{
	return mmap(NULL, len, prot, flags, fd, IRQCAP_MMAP_READER_OFFSET);
}

static void put_tail(struct irqcap_mmap_reader *rp, uint32_t v)
{
	__atomic_store_n(&rp->tail, v, __ATOMIC_RELEASE);
}

/* a reader page as first mapped: @tail the file's cursor, the rest zero */
static bool page_fresh(const struct irqcap_mmap_reader *rp, uint32_t cursor)
{
	const unsigned char *c = (const unsigned char *)rp;

	for (long i = sizeof(rp->tail); i < page_size; i++)
		if (c[i])
			return false;
	return rp->tail == cursor;
}

/* the head, through a mapping of the ring of @fd made for the call */
static uint32_t head_fd(int fd)
{
	struct irqcap_info info;
	uint32_t h = 0;
	size_t len;
	void *p;

	if (ioctl(fd, IRQCAP_IOC_INFO, &info))
		return 0;
	len = info.mmap_data_offset + (size_t)info.ring_size * info.event_size;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 0;
	h = __atomic_load_n(IRQCAP_MMAP_POS(((const struct irqcap_mmap_page *)p)->head),
			    __ATOMIC_ACQUIRE);
	munmap(p, len);
	return h;
}

static bool get_stats(int fd, struct irqcap_stats *st)
{
	return ioctl(fd, IRQCAP_IOC_STATS, st) == 0;
}

#define ST_ARGS(st) (unsigned long long)(st).reader_read, \
	(unsigned long long)(st).reader_pending, (unsigned long long)(st).reader_lost

/*
 * Write @mb MB of fresh anonymous memory and free it: the page allocator's
 * pages freed just before (on this CPU's lists) are reused and dirtied, so
 * a page the driver freed too early, or did not zero, shows 0x5a.
 */
static void churn_memory(size_t mb)
{
	size_t len = mb << 20;
	char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem != MAP_FAILED) {
		memset(mem, 0x5a, len);
		munmap(mem, len);
	}
}

/*
 * Mapping rules: exactly one page, MAP_SHARED, writable; every mapping of
 * it through one file is the same page (also after all are unmapped, and
 * in a forked child); each open file has its own page, zeroed but for the
 * tail, which is the file's cursor when the page is first mapped (not the
 * head then: records raised after open() stay unconsumed).
 */
static bool t_reader_map(void)
{
	struct irqcap_mmap_reader *a, *b, *c, *d;
	int fd = open("/dev/irqcap0", O_RDWR | O_NONBLOCK), fd2, rofd, status;
	struct irqcap_stats st;
	uint32_t cur, cur2;
	void *p;
	pid_t pid;

	CHECK(fd >= 0, "open O_RDWR");
	cur = head_fd(fd);		/* nothing raised since open(): the cursor */
	raise_irq(IRQ0, 3);
	for (int i = 0; i < 500 && head_fd(fd) != cur + 3; i++)
		usleep(2000);
	CHECK(head_fd(fd) == cur + 3, "head %u, expected %u", head_fd(fd), cur + 3);
	CHECK(sizeof(struct irqcap_mmap_reader) == 64 && IRQCAP_MMAP_READER_OFFSET % page_size == 0,
	      "struct irqcap_mmap_reader %zu bytes, offset %#x", sizeof(struct irqcap_mmap_reader),
	      IRQCAP_MMAP_READER_OFFSET);
	p = map_rp(fd, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	CHECK(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE writable: %s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	p = map_rp(fd, page_size, PROT_READ, MAP_PRIVATE);
	CHECK(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE read-only: %s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	p = map_rp(fd, 2 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(p == MAP_FAILED && errno == EINVAL, "2 pages: %s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd, IRQCAP_MMAP_READER_OFFSET + page_size);
	CHECK(p == MAP_FAILED && errno == EINVAL, "the page after the reader page: %s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	/* exactly one page, writable, zeroed but the tail: the cursor, 3 behind */
	a = map_rp(fd, page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(a != MAP_FAILED, "one page PROT_WRITE MAP_SHARED: %s", strerror(errno));
	CHECK(page_fresh(a, cur), "a new reader page: tail %#x (cursor %#x, head %#x), or not zeroed",
	      a->tail, cur, cur + 3);
	CHECK(ioctl(fd, IRQCAP_IOC_STATS, &st) == 0 && st.reader_read == 0 && st.reader_pending == 3,
	      "mapping consumed: STATS read %llu pending %llu", (unsigned long long)st.reader_read,
	      (unsigned long long)st.reader_pending);
	/* the struct's size, rounded up by the kernel: the same one page */
	b = map_rp(fd, sizeof(*b), PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(b != MAP_FAILED, "%zu bytes: %s", sizeof(*b), strerror(errno));
	c = map_rp(fd, page_size, PROT_READ, MAP_SHARED);
	CHECK(c != MAP_FAILED, "PROT_READ MAP_SHARED: %s", strerror(errno));
	CHECK(a != b && b != c, "the same address twice");
	put_tail(a, 0x12345678);
	a->reserved[14] = 0xa5a5a5a5;
	((volatile unsigned char *)a)[page_size - 1] = 0x3c;
	CHECK(b->tail == 0x12345678 && b->reserved[14] == 0xa5a5a5a5 && c->tail == 0x12345678 &&
	      ((volatile unsigned char *)c)[page_size - 1] == 0x3c,
	      "written via one mapping, the other reads tail %#x / %#x", b->tail, c->tail);
	put_tail(b, 0x9abcdef0);
	CHECK(a->tail == 0x9abcdef0 && c->tail == 0x9abcdef0,
	      "written via the second mapping, the first reads %#x", a->tail);
	/* a forked child writes through its copy of the mapping: the same page */
	pid = fork();
	if (!pid) {
		put_tail(a, 0x600d600d);
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status), "fork");
	CHECK(b->tail == 0x600d600d, "the child's store not seen: %#x", b->tail);
	CHECK(mremap(a, page_size, 2 * page_size, MREMAP_MAYMOVE) == MAP_FAILED,
	      "mremap() grew the reader page");
	/* a second open file: its own fresh page (also after memory was dirtied) */
	churn_memory(16);
	fd2 = open("/dev/irqcap0", O_RDWR);
	CHECK(fd2 >= 0, "open 2");
	cur2 = head_fd(fd2);
	d = map_rp(fd2, page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(d != MAP_FAILED, "map the second file's: %s", strerror(errno));
	CHECK(page_fresh(d, cur2), "the second file's reader page: tail %#x (cursor %#x), or not zeroed",
	      d->tail, cur2);
	put_tail(d, 7);
	CHECK(a->tail == 0x600d600d, "the second file's store reached the first's page");
	/* all of the first file's mappings gone: mapping it again finds the page */
	munmap(a, page_size);
	munmap(b, sizeof(*b));
	munmap(c, page_size);
	churn_memory(16);	/* the file holds the page: not reused */
	a = map_rp(fd, page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(a != MAP_FAILED, "map again: %s", strerror(errno));
	CHECK(a->tail == 0x600d600d && a->reserved[14] == 0xa5a5a5a5,
	      "mapped again: tail %#x, not the file's page", a->tail);
	munmap(a, page_size);
	munmap(d, page_size);
	close(fd2);
	close(fd);
	/* a file open read-only: the VFS refuses a writable shared mapping */
	rofd = open("/dev/irqcap0", O_RDONLY);
	CHECK(rofd >= 0, "open O_RDONLY");
	p = map_rp(rofd, page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(p == MAP_FAILED && errno == EACCES, "O_RDONLY file, PROT_WRITE: %s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	/* read-only it maps (VM_MAYSHARE; the VFS clears VM_SHARED), useless but as documented */
	p = map_rp(rofd, page_size, PROT_READ, MAP_SHARED);
	CHECK(p != MAP_FAILED, "O_RDONLY file, PROT_READ MAP_SHARED: %s",
	      p == MAP_FAILED ? strerror(errno) : "mapped");
	if (p != MAP_FAILED)
		munmap(p, page_size);
	close(rofd);
	return true;
}

/*
 * poll() judges a mapped reader by its tail: records past it readable, a
 * tail at the head not; an edge or a marker after it is readable again.
 */
static bool t_reader_poll(void)
{
	struct irqcap_event ev[8];
	struct irqcap_map m;
	uint64_t lost = 0, mark = 42;

	CHECK(open_reader(&m), "map with the reader page");
	CHECK(page_fresh(m.reader, m.pos), "reader page: tail %#x, cursor %#x", m.reader->tail, m.pos);
	CHECK(!(poll_now(m.fd) & POLLIN), "readable with nothing raised (tail at the cursor)");
	raise_irq(IRQ0, 3);
	CHECK(wait_head(&m, m.pos + 3), "head");
	CHECK(poll_now(m.fd) & POLLIN, "not readable after 3 edges");
	CHECK(irqcap_map_read(&m, ev, 8, &lost) == 3 && !lost, "mapped read");
	CHECK(poll_now(m.fd) & POLLIN, "not readable before the tail is stored");
	put_tail(m.reader, m.pos - 1);
	CHECK(poll_now(m.fd) & POLLIN, "tail one behind the head: not readable");
	put_tail(m.reader, m.pos);
	CHECK(!(poll_now(m.fd) & POLLIN), "tail at the head: readable");
	CHECK(!(poll_now(m.fd) & POLLIN), "tail at the head, second poll: readable");
	raise_irq(IRQ0, 1);
	CHECK(wait_head(&m, m.pos + 1), "head");
	CHECK(poll_now(m.fd) & POLLIN, "an edge past the tail: not readable");
	CHECK(irqcap_map_read(&m, ev, 8, &lost) == 1 && !lost, "mapped read of the edge");
	put_tail(m.reader, m.pos);
	CHECK(!(poll_now(m.fd) & POLLIN), "tail at the head after the edge: readable");
	CHECK(write(m.fd, &mark, sizeof(mark)) == sizeof(mark), "marker: %s", strerror(errno));
	CHECK(wait_head(&m, m.pos + 1), "head after the marker");
	CHECK(poll_now(m.fd) & POLLIN, "a marker past the tail: not readable");
	CHECK(irqcap_map_read(&m, ev, 8, &lost) == 1 && ev[0].type == IRQCAP_EVENT_MARKER &&
	      ev[0].data == 42, "mapped read of the marker");
	put_tail(m.reader, m.pos);
	CHECK(!(poll_now(m.fd) & POLLIN), "tail at the head after the marker: readable");
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

/*
 * A tail ahead of the head is ignored: poll() and STATS judge by the cursor
 * as before, readable or not.  Ahead by 1, 1000, 2^31 - 1; and 2^31 ahead,
 * which is 2^31 behind: behind the cursor.
 */
static bool t_reader_ahead(void)
{
	static const uint32_t ahead[] = { 1, 2, 1000, 0x7fffffff, 0x80000000u };
	struct irqcap_event ev[8];
	struct irqcap_stats st;
	struct irqcap_map m;
	uint32_t h;
	ssize_t r;

	CHECK(open_reader(&m), "map with the reader page");
	raise_irq(IRQ0, 3);
	CHECK(wait_head(&m, m.pos + 3), "head");
	h = head_of(&m);
	/* readable (the cursor 3 behind): stays so */
	for (size_t i = 0; i < sizeof(ahead) / sizeof(ahead[0]); i++) {
		put_tail(m.reader, h + ahead[i]);
		CHECK(poll_now(m.fd) & POLLIN, "tail head+%#x: no longer readable", ahead[i]);
		CHECK(get_stats(m.fd, &st), "STATS");
		CHECK(st.reader_read == 0 && st.reader_pending == 3 && !st.reader_lost,
		      "tail head+%#x: STATS read %llu pending %llu lost %llu", ahead[i], ST_ARGS(st));
	}
	/* read() ignores it too: the 3 records from the cursor */
	r = read(m.fd, ev, sizeof(ev));
	CHECK(r == 3 * (ssize_t)sizeof(ev[0]) && ev[0].seqno == seen() - 2,
	      "read() with the tail ahead: %zd bytes, first seqno %llu", r,
	      (unsigned long long)ev[0].seqno);
	/* not readable (the cursor at the head): stays so */
	for (size_t i = 0; i < sizeof(ahead) / sizeof(ahead[0]); i++) {
		put_tail(m.reader, h + ahead[i]);
		CHECK(!(poll_now(m.fd) & POLLIN), "at the head, tail head+%#x: readable", ahead[i]);
		CHECK(get_stats(m.fd, &st), "STATS");
		CHECK(st.reader_read == 3 && st.reader_pending == 0 && !st.reader_lost,
		      "at the head, tail head+%#x: STATS read %llu pending %llu lost %llu",
		      ahead[i], ST_ARGS(st));
	}
	/* then an edge: the tail 2^31 ahead must not hide it */
	raise_irq(IRQ0, 1);
	CHECK(wait_head(&m, h + 1), "head");
	put_tail(m.reader, h + 2);
	CHECK(poll_now(m.fd) & POLLIN, "tail ahead of the new head: the edge not readable");
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

/* A tail behind the file's cursor (read() or CONSUME moved it) is ignored. */
static bool t_reader_behind(void)
{
	struct irqcap_event ev[8];
	struct irqcap_stats st;
	struct irqcap_map m;
	uint64_t s0, v;
	uint32_t p0;
	ssize_t r;

	CHECK(open_reader_raised(&m, &p0, &s0, 5), "5 edges");
	r = read(m.fd, ev, 5 * sizeof(ev[0]));
	CHECK(r == 5 * (ssize_t)sizeof(ev[0]), "read() %zd", r);
	for (uint32_t back = 1; back <= 5; back++) {
		put_tail(m.reader, p0 + 5 - back);
		CHECK(!(poll_now(m.fd) & POLLIN), "tail %u behind the cursor: readable", back);
		CHECK(get_stats(m.fd, &st), "STATS");
		CHECK(st.reader_read == 5 && st.reader_pending == 0 && !st.reader_lost,
		      "tail %u behind the cursor: STATS read %llu pending %llu lost %llu", back,
		      ST_ARGS(st));
		r = read(m.fd, ev, sizeof(ev));
		CHECK(r < 0 && errno == EAGAIN, "tail %u behind the cursor: read() %zd (%s)",
		      back, r, r < 0 ? strerror(errno) : "records again");
	}
	/* the cursor moved by CONSUME, the tail then stored behind it */
	raise_irq(IRQ0, 4);
	CHECK(wait_head(&m, p0 + 9), "head");
	v = p0 + 8;
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &v) == 0, "CONSUME: %s", strerror(errno));
	put_tail(m.reader, p0 + 6);
	CHECK(poll_now(m.fd) & POLLIN, "one record past the CONSUMEd cursor: not readable");
	CHECK(get_stats(m.fd, &st), "STATS");
	CHECK(st.reader_read == 8 && st.reader_pending == 1,
	      "tail behind the CONSUMEd cursor: STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	r = read(m.fd, ev, sizeof(ev));
	CHECK(r == sizeof(ev[0]) && ev[0].seqno == seen(), "read() %zd, seqno %llu of %llu", r,
	      (unsigned long long)ev[0].seqno, (unsigned long long)seen());
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

/*
 * STATS, FLUSH and CONSUME start from the tail: reader_read counts exactly
 * the records before it, once.
 */
static bool t_reader_stats(void)
{
	struct irqcap_stats st;
	struct irqcap_map m;
	uint64_t s0, v;
	uint32_t p0;
	int ret;

	CHECK(open_reader_raised(&m, &p0, &s0, 10), "10 edges");
	CHECK(get_stats(m.fd, &st) && st.reader_read == 0 && st.reader_pending == 10,
	      "before: STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	put_tail(m.reader, p0 + 4);
	CHECK(get_stats(m.fd, &st) && st.reader_read == 4 && st.reader_pending == 6 &&
	      !st.reader_lost, "tail +4: STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	CHECK(get_stats(m.fd, &st) && st.reader_read == 4 && st.reader_pending == 6,
	      "tail +4, STATS again: read %llu pending %llu lost %llu", ST_ARGS(st));
	put_tail(m.reader, p0 + 10);
	CHECK(get_stats(m.fd, &st) && st.reader_read == 10 && st.reader_pending == 0 &&
	      !st.reader_lost, "tail +10: STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	/* FLUSH: from the tail, it discards only what is past it */
	raise_irq(IRQ0, 5);
	CHECK(wait_head(&m, p0 + 15), "head");
	put_tail(m.reader, p0 + 12);
	ret = ioctl(m.fd, IRQCAP_IOC_FLUSH);
	CHECK(ret == 3, "FLUSH after tail +12 of 15 discarded %d, expected 3", ret);
	CHECK(get_stats(m.fd, &st) && st.reader_read == 12 && st.reader_pending == 0 &&
	      !st.reader_lost, "after FLUSH: STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	/* CONSUME: from the tail, so a position behind it is behind the cursor */
	raise_irq(IRQ0, 4);
	CHECK(wait_head(&m, p0 + 19), "head");
	put_tail(m.reader, p0 + 17);
	v = p0 + 16;
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &v) < 0 && errno == EINVAL,
	      "CONSUME(+16) after tail +17 accepted");
	/* FLUSH discarded 3: not read */
	CHECK(get_stats(m.fd, &st) && st.reader_read == 14 && st.reader_pending == 2,
	      "tail +17: STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	v = p0 + 19;
	CHECK(ioctl(m.fd, IRQCAP_IOC_CONSUME, &v) == 0, "CONSUME(+19): %s", strerror(errno));
	CHECK(get_stats(m.fd, &st) && st.reader_read == 16 && st.reader_pending == 0 &&
	      !st.reader_lost, "CONSUME(+19): STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

/* read() continues from the tail. */
static bool t_reader_read(void)
{
	struct irqcap_event ev[16];
	struct irqcap_stats st;
	struct irqcap_map m;
	uint64_t s0;
	uint32_t p0;
	ssize_t r;

	CHECK(open_reader_raised(&m, &p0, &s0, 8), "8 edges");
	put_tail(m.reader, p0 + 5);
	r = read(m.fd, ev, sizeof(ev));
	CHECK(r == 3 * (ssize_t)sizeof(ev[0]), "read() after tail +5 of 8: %zd bytes", r);
	for (int i = 0; i < 3; i++)
		CHECK(ev[i].type == IRQCAP_EVENT_IRQ && ev[i].seqno == s0 + 6 + i,
		      "record %d: type %u seqno %llu, expected %llu", i, ev[i].type,
		      (unsigned long long)ev[i].seqno, (unsigned long long)s0 + 6 + i);
	CHECK(get_stats(m.fd, &st) && st.reader_read == 8 && st.reader_pending == 0 &&
	      !st.reader_lost, "STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	/* the tail left where read() passed it: the next read() is the next edges */
	raise_irq(IRQ0, 2);
	CHECK(wait_head(&m, p0 + 10), "head");
	r = read(m.fd, ev, sizeof(ev));
	CHECK(r == 2 * (ssize_t)sizeof(ev[0]) && ev[0].seqno == s0 + 9 && ev[1].seqno == s0 + 10,
	      "then read() %zd bytes from seqno %llu", r, (unsigned long long)ev[0].seqno);
	/* the tail at the head: nothing to read */
	raise_irq(IRQ0, 2);
	CHECK(wait_head(&m, p0 + 12), "head");
	put_tail(m.reader, p0 + 12);
	r = read(m.fd, ev, sizeof(ev));
	CHECK(r < 0 && errno == EAGAIN, "read() with the tail at the head: %zd (%s)", r,
	      r < 0 ? strerror(errno) : "records");
	CHECK(get_stats(m.fd, &st) && st.reader_read == 12, "STATS read %llu pending %llu lost %llu",
	      ST_ARGS(st));
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

/*
 * A tail older than the ring: the records from it to the oldest still there
 * are lost, counted in STATS reader_lost and dropped as CONSUME counts them
 * (t_loss), those before it read; read() then returns the ring's records
 * with no OVERFLOW record (the loss is counted already).
 */
static bool t_reader_lost(void)
{
	static struct irqcap_event ev[RING0 + 8];
	long long dropped0 = sysfs_get(0, "dropped");
	struct irqcap_stats st;
	struct irqcap_map m;
	uint64_t s0;
	uint32_t p0;
	ssize_t r;

	CHECK(open_reader_raised(&m, &p0, &s0, 1000), "1000 edges");
	put_tail(m.reader, p0 + 100);
	CHECK(poll_now(m.fd) & POLLIN, "tail older than the ring: not readable");
	CHECK(get_stats(m.fd, &st), "STATS");
	CHECK(st.reader_read == 100 && st.reader_lost == 1000 - RING0 - 100 &&
	      st.reader_pending == RING0, "tail +100 of 1000: STATS read %llu pending %llu lost %llu, expected 100, %d, %d",
	      ST_ARGS(st), RING0, 1000 - RING0 - 100);
	CHECK(sysfs_get(0, "dropped") - dropped0 == 1000 - RING0 - 100, "dropped grew by %lld",
	      sysfs_get(0, "dropped") - dropped0);
	r = read(m.fd, ev, sizeof(ev));
	CHECK(r == RING0 * (ssize_t)sizeof(ev[0]), "read() %zd bytes, expected %d records", r, RING0);
	CHECK(ev[0].type == IRQCAP_EVENT_IRQ && ev[0].seqno == s0 + 1000 - RING0 + 1 &&
	      ev[RING0 - 1].seqno == s0 + 1000, "read(): type %u seqnos %llu..%llu", ev[0].type,
	      (unsigned long long)ev[0].seqno, (unsigned long long)ev[RING0 - 1].seqno);
	CHECK(get_stats(m.fd, &st) && st.reader_read == 100 + RING0 &&
	      st.reader_lost == 1000 - RING0 - 100 && !st.reader_pending,
	      "after read(): STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	/* the same through read() alone: the tail older than the ring again */
	p0 = head_of(&m);
	s0 = seen();
	raise_irq(IRQ0, 600);
	CHECK(wait_head(&m, p0 + 600), "head");
	put_tail(m.reader, p0 + 10);
	r = read(m.fd, ev, sizeof(ev));
	CHECK(r == RING0 * (ssize_t)sizeof(ev[0]) && ev[0].type == IRQCAP_EVENT_IRQ &&
	      ev[0].seqno == s0 + 600 - RING0 + 1, "read() after tail +10 of 600: %zd bytes, type %u seqno %llu",
	      r, ev[0].type, (unsigned long long)ev[0].seqno);
	CHECK(get_stats(m.fd, &st) && st.reader_read == 100 + RING0 + 10 + RING0 &&
	      st.reader_lost == 1000 - RING0 - 100 + 600 - RING0 - 10,
	      "then: STATS read %llu pending %llu lost %llu", ST_ARGS(st));
	CHECK(sysfs_get(0, "dropped") - dropped0 == 1000 - RING0 - 100 + 600 - RING0 - 10,
	      "dropped grew by %lld", sysfs_get(0, "dropped") - dropped0);
	irqcap_map_close(&m);
	close(m.fd);
	return true;
}

/*
 * Unbind with the reader page mapped (twice, one mapping kept past close()):
 * it stays mapped and writable and keeps what was stored through memory
 * pressure; poll() says POLLHUP; the file's calls ENODEV.
 */
static bool t_reader_unbind(void)
{
	struct irqcap_mmap_reader *b;
	struct irqcap_event ev[4];
	struct irqcap_stats st;
	struct irqcap_map m;
	char name[64];
	size_t big;
	char *mem;

	CHECK(open_reader(&m), "map with the reader page");
	CHECK(platform_name(0, name, sizeof(name)) == 0, "no platform device");
	b = map_rp(m.fd, page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(b != MAP_FAILED, "second mapping: %s", strerror(errno));
	raise_irq(IRQ0, 16);
	CHECK(wait_head(&m, m.pos + 16), "head");
	put_tail(m.reader, m.pos + 8);
	CHECK(poll_now(m.fd) & POLLIN, "tail 8 behind the head: not readable");
	CHECK(write_file(UNBIND, name) == 0, "unbind %s", name);
	CHECK(poll_now(m.fd) & POLLHUP, "poll after unbind: no POLLHUP");
	for (uint32_t v = 0; v < 64; v++) {
		put_tail(m.reader, m.pos + v * 0x9e3779b9u);
		b->reserved[v % 15] = v;
		CHECK(poll_now(m.fd) & POLLHUP, "tail %#x after unbind: no POLLHUP", m.reader->tail);
	}
	put_tail(b, 0xdeadbeef);
	CHECK(read(m.fd, ev, sizeof(ev)) < 0 && errno == ENODEV, "read() after unbind: %s",
	      strerror(errno));
	CHECK(!get_stats(m.fd, &st) && errno == ENODEV, "STATS after unbind: %s", strerror(errno));
	CHECK(map_rp(m.fd, page_size, PROT_READ | PROT_WRITE, MAP_SHARED) == MAP_FAILED &&
	      errno == ENODEV, "a new reader page mmap() after unbind: %s", strerror(errno));
	/* close the file with its reader page still mapped twice, ring unmapped */
	munmap((void *)m.page, m.len);
	close(m.fd);
	big = (size_t)sysconf(_SC_AVPHYS_PAGES) * page_size * 3 / 4;
	mem = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem != MAP_FAILED) {
		memset(mem, 0x5a, big);
		munmap(mem, big);
	}
	CHECK(m.reader->tail == 0xdeadbeef && b->reserved[3] == 63,
	      "the page changed after unbind, close and %zu MB of memory use: tail %#x", big >> 20,
	      m.reader->tail);
	put_tail(m.reader, 1);
	CHECK(b->tail == 1, "the two mappings differ after close");
	munmap(m.reader, page_size);
	munmap(b, page_size);
	printf("# mmap reader_unbind: the reader page kept across unbind, close and %zu MB written\n",
	       big >> 20);
	CHECK(write_file(BIND, name) == 0, "rebind");
	for (int i = 0; i < 200 && access("/dev/irqcap0", F_OK); i++)
		usleep(10000);
	CHECK(access("/dev/irqcap0", F_OK) == 0, "no /dev/irqcap0 after rebind");
	return true;
}

/* docs/mmap-reader.c as a program: N records, in order, no loss. */
static bool t_doc_reader(void)
{
	int pfd[2], status;
	char line[256];
	unsigned long long seq, ts, data, prev = 0;
	unsigned int type;
	int n = 0;
	FILE *f;
	pid_t c;

	CHECK(access("/mmap-reader", X_OK) == 0, "no /mmap-reader");
	CHECK(pipe(pfd) == 0, "pipe");
	c = fork();
	if (!c) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		pin_cpu(1);
		alarm(30);	/* survives exec: a reader that never gets 50 dies */
		execl("/mmap-reader", "mmap-reader", "/dev/irqcap0", "50", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	/* it has mapped the ring and sleeps in poll() (10 s at most) */
	for (int i = 0; i < 1000; i++) {
		char p[64], st[512] = "";
		FILE *sf;

		snprintf(p, sizeof(p), "/proc/%d/stat", c);
		sf = fopen(p, "r");
		if (sf) {
			if (!fgets(st, sizeof(st), sf))
				st[0] = 0;
			fclose(sf);
		}
		if (strstr(st, ") S ") && strstr(st, "mmap-reader"))
			break;
		usleep(10000);
	}
	raise_irq(IRQ0, 50);
	f = fdopen(pfd[0], "r");
	while (fgets(line, sizeof(line), f)) {
		CHECK(sscanf(line, "%llu %llu %u %llu", &seq, &ts, &type, &data) == 4,
		      "line %d: %s", n, line);
		CHECK(type == IRQCAP_EVENT_IRQ && (!n || seq == prev + 1), "line %d: %s", n, line);
		prev = seq;
		n++;
	}
	fclose(f);
	waitpid(c, &status, 0);
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status), "mmap-reader status %#x", status);
	CHECK(n == 50 && prev == seen(), "%d records, last %llu, irqs_seen %llu", n, prev,
	      (unsigned long long)seen());
	return true;
}

static const struct guest_test tests[] = {
	{ "mmap_info", t_info },
	{ "mmap_exactly_once", t_exactly_once },
	{ "mmap_loss", t_loss },
	{ "mmap_torn", t_torn },
	{ "mmap_poll_consume", t_poll_consume },
	{ "mmap_refused", t_refused },
	{ "mmap_reader_map", t_reader_map },
	{ "mmap_reader_poll", t_reader_poll },
	{ "mmap_reader_ahead", t_reader_ahead },
	{ "mmap_reader_behind", t_reader_behind },
	{ "mmap_reader_stats", t_reader_stats },
	{ "mmap_reader_read", t_reader_read },
	{ "mmap_reader_lost", t_reader_lost },
	{ "mmap_doc_reader", t_doc_reader },
	{ "mmap_unbind", t_unbind },
	{ "mmap_reader_unbind", t_reader_unbind },
};

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	if (ioperm(0x2000, 0x18, 1)) {
		perror("ioperm");
		return 2;
	}
	/* IRQ 5 to CPU 0, raised from CPU 0 (irqcap-test.c's route_irqs()) */
	write_file("/proc/irq/5/smp_affinity", "1");
	pin_cpu(0);
	raise_irq(IRQ0, 1);
	usleep(50000);
	failures += run_tests(tests, sizeof(tests) / sizeof(tests[0]), argc, argv, why);
	return failures ? 1 : 0;
}
