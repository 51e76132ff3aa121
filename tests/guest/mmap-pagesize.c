// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mapped ring on any page size (scripts/mmap-pagesize.sh boots it on
 * Debian's arm64-16k kernel): INFO and the header page name the kernel's
 * page size, the whole mapping works and nothing else does, and the
 * records written as markers reach docs/mmap-reader.c's functions.
 * Prints "ok - NAME" / "not ok - NAME: why" per check.
 * Usage: mmap-pagesize EXPECTED_PAGE_SIZE EXPECTED_RING_SIZE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define IRQCAP_MMAP_READER_NO_MAIN
#include "../../docs/mmap-reader.c"

static int fails;

static void check(bool good, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(bool good, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (good) {
		printf("ok - %s\n", name);
		return;
	}
	printf("not ok - %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fails++;
}

static const char *mmap_err(int fd, size_t len, int prot, off_t off)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, off);

	if (p != MAP_FAILED) {
		munmap(p, len);
		return "mapped";
	}
	return strerror(errno);
}

int main(int argc, char **argv)
{
	long ps = sysconf(_SC_PAGESIZE), want_ps = argc > 1 ? atol(argv[1]) : ps;
	unsigned int want_ring = argc > 2 ? atoi(argv[2]) : 0;
	struct irqcap_event ev[8];
	struct irqcap_info in;
	struct irqcap_map m = { .fd = -1 };
	uint64_t lost = 0, v = 0;
	unsigned int n = 0;
	size_t len;
	int fd = open("/dev/irqcap0", O_RDWR), ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fd < 0 || ioctl(fd, IRQCAP_IOC_INFO, &in)) {
		check(false, "mmap_pagesize_info", "%s", strerror(errno));
		return 1;
	}
	len = in.mmap_data_offset + (size_t)in.ring_size * in.event_size;
	printf("# page size %ld, INFO flags %#x mmap_data_offset %u ring %u: %zu bytes\n", ps,
	       in.flags, in.mmap_data_offset, in.ring_size, len);
	check(ps == want_ps && in.mmap_data_offset == ps && (in.flags & IRQCAP_INFO_MMAP) &&
	      (!want_ring || in.ring_size == want_ring), "mmap_pagesize_info",
	      "page %ld (expected %ld), offset %u, flags %#x, ring %u (expected %u)", ps, want_ps,
	      in.mmap_data_offset, in.flags, in.ring_size, want_ring);
	ret = irqcap_map_open(&m, fd);
	check(!ret, "mmap_pagesize_map", "%s", strerror(-ret));
	if (ret)
		return 1;
	check(m.page->abi_version == IRQCAP_ABI_VERSION && m.page->ring_size == in.ring_size &&
	      m.page->data_offset == (uint32_t)ps && m.page->event_size == sizeof(ev[0]),
	      "mmap_pagesize_header", "abi %u ring %u data_offset %u event %u",
	      m.page->abi_version, m.page->ring_size, m.page->data_offset, m.page->event_size);
	/* every page of the mapping is readable */
	for (size_t off = 0; off < len; off += ps)
		v += ((const volatile unsigned char *)m.page)[off];
	check(!strcmp(mmap_err(fd, ps, PROT_READ, 0), "Invalid argument") &&
	      !strcmp(mmap_err(fd, len + ps, PROT_READ, 0), "Invalid argument") &&
	      !strcmp(mmap_err(fd, len, PROT_READ, ps), "Invalid argument") &&
	      !strcmp(mmap_err(fd, len, PROT_READ | PROT_WRITE, 0), "Operation not permitted"),
	      "mmap_pagesize_refused", "one page: %s; one page more: %s; offset one page: %s; write: %s",
	      mmap_err(fd, ps, PROT_READ, 0), mmap_err(fd, len + ps, PROT_READ, 0),
	      mmap_err(fd, len, PROT_READ, ps), mmap_err(fd, len, PROT_READ | PROT_WRITE, 0));
	/* three markers, read through the mapping */
	for (v = 1; v <= 3; v++)
		if (write(fd, &v, sizeof(v)) != sizeof(v))
			break;
	for (int i = 0; i < 100 && n < 3; i++) {
		n += irqcap_map_read(&m, ev + n, 8 - n, &lost);
		if (n < 3)
			irqcap_map_wait(&m, 100);
	}
	check(n == 3 && !lost && ev[0].type == IRQCAP_EVENT_MARKER && ev[0].data == 1 &&
	      ev[2].data == 3, "mmap_pagesize_records", "%u records, %llu lost, first type %u data %llu",
	      n, (unsigned long long)lost, n ? ev[0].type : 0, n ? (unsigned long long)ev[0].data : 0);
	irqcap_map_close(&m);
	close(fd);
	return fails ? 1 : 0;
}
