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

static int open_map(struct irqcap_map *m, int flags)
{
	int fd = open("/dev/irqcap0", flags);

	if (fd < 0)
		return -errno;
	return irqcap_map_open(m, fd);
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

/* INFO says mappable; the header page says what the driver's ring is. */
static bool t_info(void)
{
	struct irqcap_info info;
	struct irqcap_map m;
	int ret = open_map(&m, O_RDONLY);

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
	ret = open_map(&o[0].m, O_RDONLY);
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
	int ret = open_map(&m, O_RDONLY);

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
	int behind, ret = open_map(&m, O_RDONLY);

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
	int ret = open_map(&m, O_RDONLY);

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
	int ret = open_map(&m, O_RDONLY);

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
	{ "mmap_doc_reader", t_doc_reader },
	{ "mmap_unbind", t_unbind },
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
