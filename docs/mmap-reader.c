// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * A minimal reader of irqcap's mapped ring: the protocol of
 * struct irqcap_mmap_page (src/uapi/irqcap.h, docs/interface.md "The mapped
 * ring"), and nothing else.  No system call while records flow; poll() only
 * to sleep when the ring is empty, after storing the reader's position in its
 * reader page (struct irqcap_mmap_reader).
 *
 *   cc -O2 -Wall -o mmap-reader docs/mmap-reader.c
 *   ./mmap-reader /dev/irqcap0 [COUNT]    print COUNT records (default: forever)
 *
 * Prints "SEQNO TIMESTAMP_NS TYPE DATA" per record and "lost N" where the
 * reader fell more than the ring behind; exits 0 after COUNT records.
 * tests/guest/irqcap-mmap-test.c builds its checks on these functions
 * (with IRQCAP_MMAP_READER_NO_MAIN) and runs this program in the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../src/uapi/irqcap.h"	/* installed: <linux/irqcap.h> */

struct irqcap_map {
	int fd;
	const struct irqcap_mmap_page *page;
	struct irqcap_mmap_reader *reader;	/* this file's page, or NULL */
	const unsigned char *data;	/* the records, at page->data_offset */
	size_t len;			/* of the mapping */
	uint32_t size;			/* records in the ring */
	uint32_t pos;			/* the next position to read (low 32 bits) */
};

/*
 * Map the ring of an open /dev/irqcapN and the file's reader page; the
 * reader starts at the head.  The reader page is a shared writable mapping,
 * so it needs the file open for writing (O_RDWR); opened read-only (EACCES)
 * the reader tells the driver its position with IRQCAP_IOC_CONSUME instead.
 */
static int irqcap_map_open(struct irqcap_map *m, int fd)
{
	long page_size = sysconf(_SC_PAGESIZE);
	struct irqcap_info info;
	void *p, *rp;

	if (ioctl(fd, IRQCAP_IOC_INFO, &info))
		return -errno;
	if (!(info.flags & IRQCAP_INFO_MMAP) || info.event_size != sizeof(struct irqcap_event))
		return -ENOTSUP;
	m->len = info.mmap_data_offset + (size_t)info.ring_size * info.event_size;
	p = mmap(NULL, m->len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	rp = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  IRQCAP_MMAP_READER_OFFSET);
	if (rp == MAP_FAILED && errno != EACCES) {
		int err = errno;

		munmap(p, m->len);
		return -err;
	}
	m->fd = fd;
	m->reader = rp == MAP_FAILED ? NULL : rp;
	m->page = p;
	m->data = (const unsigned char *)p + m->page->data_offset;
	m->size = m->page->ring_size;
	m->pos = __atomic_load_n(IRQCAP_MMAP_POS(m->page->head), __ATOMIC_ACQUIRE);
	return 0;
}

static void irqcap_map_close(struct irqcap_map *m)
{
	if (m->reader)
		munmap(m->reader, sysconf(_SC_PAGESIZE));
	munmap((void *)m->page, m->len);
}

/*
 * Steps 1 and 2: copy up to @max committed records at the reader's position
 * into @buf.  Returns how many; the copy may be torn until
 * irqcap_map_check() says which are good.  A reader more than the ring
 * behind copies nothing: *@behind is set and irqcap_map_check(m, 0)
 * counts the loss.
 */
static unsigned int irqcap_map_copy(const struct irqcap_map *m, struct irqcap_event *buf,
				    unsigned int max, int *behind)
{
	uint32_t h = __atomic_load_n(IRQCAP_MMAP_POS(m->page->head), __ATOMIC_ACQUIRE);
	uint32_t avail = h - m->pos, i;

	*behind = avail > m->size;
	if (*behind)
		return 0;
	if (avail > max)
		avail = max;
	for (i = 0; i < avail; i++)
		memcpy(&buf[i], m->data + (size_t)((m->pos + i) & (m->size - 1)) *
		       sizeof(struct irqcap_event), sizeof(struct irqcap_event));
	return avail;
}

/*
 * Steps 3 and 4: keep the copied records whose slots were not reused while
 * they were copied (moved to the front of @buf), advance the position, and
 * add what was lost to *@lost.  Returns the number of good records.
 */
static unsigned int irqcap_map_check(struct irqcap_map *m, struct irqcap_event *buf,
				     unsigned int n, uint64_t *lost)
{
	uint32_t r, gone;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	r = __atomic_load_n(IRQCAP_MMAP_POS(m->page->reserve), __ATOMIC_RELAXED);
	if (r - m->pos <= m->size) {		/* nothing was reused */
		m->pos += n;
		return n;
	}
	gone = r - m->size - m->pos;		/* positions overwritten */
	*lost += gone;
	m->pos = r - m->size;
	if (gone >= n)
		return 0;
	memmove(buf, buf + gone, (n - gone) * sizeof(*buf));
	m->pos += n - gone;
	return n - gone;
}

/* Copy and check: up to @max good records, no system call. */
static unsigned int irqcap_map_read(struct irqcap_map *m, struct irqcap_event *buf,
				    unsigned int max, uint64_t *lost)
{
	int behind;
	unsigned int n = irqcap_map_copy(m, buf, max, &behind);

	return irqcap_map_check(m, buf, n, lost);
}

/*
 * Sleep until records past the reader's position exist: tell the driver the
 * position in the reader page (no system call), then poll().  Returns
 * poll()'s result, -1 with errno (ENODEV once the device is gone).
 * (After a loss the driver counts the records between the position stored
 * before and this one as read; IRQCAP_IOC_CONSUME of the position before the
 * loss makes its STATS exact, as libirqcap does.)
 */
static int irqcap_map_wait(struct irqcap_map *m, int timeout_ms)
{
	struct pollfd p = { .fd = m->fd, .events = POLLIN };
	uint64_t pos = m->pos;
	int ret;

	if (m->reader)
		__atomic_store_n(&m->reader->tail, m->pos, __ATOMIC_RELEASE);
	else if (ioctl(m->fd, IRQCAP_IOC_CONSUME, &pos))
		return -1;
	ret = poll(&p, 1, timeout_ms);
	if (ret > 0 && (p.revents & (POLLHUP | POLLERR))) {
		errno = ENODEV;
		return -1;
	}
	return ret;
}

#ifndef IRQCAP_MMAP_READER_NO_MAIN
int main(int argc, char **argv)
{
	unsigned long long want = argc > 2 ? strtoull(argv[2], NULL, 0) : 0, got = 0;
	struct irqcap_event buf[64];
	struct irqcap_map m = { .fd = -1 };
	int fd, ret;

	if (argc < 2) {
		fprintf(stderr, "usage: %s /dev/irqcapN [COUNT]\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	ret = irqcap_map_open(&m, fd);
	if (ret) {
		fprintf(stderr, "%s: mmap: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!want || got < want) {
		uint64_t lost = 0;
		unsigned int n = irqcap_map_read(&m, buf, 64, &lost), i;

		if (lost)
			printf("lost %llu\n", (unsigned long long)lost);
		for (i = 0; i < n && (!want || got < want); i++, got++)
			printf("%llu %llu %u %llu\n", (unsigned long long)buf[i].seqno,
			       (unsigned long long)buf[i].timestamp_ns, buf[i].type,
			       (unsigned long long)buf[i].data);
		if (!n && !lost && irqcap_map_wait(&m, -1) < 0) {
			perror("wait");
			return 1;
		}
	}
	irqcap_map_close(&m);
	close(fd);
	return 0;
}
#endif
