/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * What the unit tests share (tests/unit.c: the CLI; tests/lib-unit.c: the
 * library): CHECK(), crafted records, recordings as readers, and the
 * --wrap=ioctl hook through which a test answers ioctls as a driver would.
 */
#ifndef IRQCAP_UNIT_H
#define IRQCAP_UNIT_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <irqcap/irqcap.h>

static int passed, failed;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		passed++;						\
		printf("ok - %s:%d\n", __func__, __LINE__);		\
	} else {							\
		failed++;						\
		printf("not ok - %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

#define CHECK_STR(got, want) \
	CHECK(!strcmp((got), (want)), "got '%s', want '%s'", (got), (want))

/*
 * Every ioctl of the library goes through this (-Wl,--wrap=ioctl): a test
 * sets fake_ioctl to answer; FAKE_PASS lets the real ioctl run (on a
 * recording or /dev/null: ENOTTY).
 */
#define FAKE_PASS	(-1000)
static int (*fake_ioctl)(int fd, unsigned long req, void *arg);

int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;
	int rc;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fake_ioctl) {
		rc = fake_ioctl(fd, req, arg);
		if (rc != FAKE_PASS)
			return rc;
	}
	return __real_ioctl(fd, req, arg);
}

static inline struct irqcap_event ev(unsigned int type, unsigned long long ts,
				     unsigned long long seq, unsigned long long data)
{
	struct irqcap_event e = { .timestamp_ns = ts, .seqno = seq, .data = data, .type = type };

	return e;
}

/* A reader on a recording of @n records (a memfd: a regular file). */
static inline struct irqcap_reader *recording(const struct irqcap_event *e, size_t n,
					      const struct irqcap_reader_opts *opts)
{
	struct irqcap_reader *r = NULL;
	int fd = memfd_create("irqcap-unit", MFD_CLOEXEC);

	if (fd < 0 || write(fd, e, n * sizeof(*e)) != (ssize_t)(n * sizeof(*e)) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		perror("recording");
		exit(1);
	}
	if (irqcap_reader_open_fd(fd, "irqcap0", opts, &r))
		return NULL;
	return r;
}

#endif /* IRQCAP_UNIT_H */
