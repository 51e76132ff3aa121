// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap from 32-bit user space on a 64-bit kernel (compat_ioctl, the
 * 32-bit read() and write() paths).  Built static with gcc -m32 by
 * tests/run-integration.sh and run by the guest's init after irqcap-test
 * (which routes IRQ 5 to CPU 0).  Device 0 of tests/ssdt.asl: IRQ 5,
 * 256-record ring.  Prints "ok - compat32_NAME" or "not ok - ...: why".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

#define IRQ0	5
#define RING0	256

/* the layouts the 64-bit kernel uses, in a 32-bit program */
_Static_assert(sizeof(void *) == 4, "build with -m32");
_Static_assert(sizeof(struct irqcap_event) == 32, "struct irqcap_event");
_Static_assert(sizeof(struct irqcap_info) == 32, "struct irqcap_info");
_Static_assert(sizeof(struct irqcap_stats) == 96, "struct irqcap_stats");
_Static_assert(__alignof__(struct irqcap_event) == 8, "8-byte aligned records");

static int failures;
static char why[256];

/* CHECK() is guest-util.h's: it fills why[] */

static int fd = -1;

/* raise_irq() and sysfs_get() are guest-util.h's, as for irqcap-test.c */

static bool t_info(void)
{
	struct irqcap_info info;

	memset(&info, 0xff, sizeof(info));
	CHECK(ioctl(fd, IRQCAP_IOC_INFO, &info) == 0, "INFO: %s", strerror(errno));
	CHECK(info.abi_version == IRQCAP_ABI_VERSION, "abi %u, header %d", info.abi_version,
	      IRQCAP_ABI_VERSION);
	CHECK(info.event_size == sizeof(struct irqcap_event), "event_size %u", info.event_size);
	CHECK(info.ring_size == RING0, "ring_size %u", info.ring_size);
	CHECK(info.irq == IRQ0, "irq %u", info.irq);
	CHECK(info.reserved == 0, "reserved %#x", info.reserved);
	return true;
}

static bool t_read(void)
{
	struct irqcap_event ev[8];
	struct irqcap_stream s;
	uint64_t t0 = now_ns(), t1;
	ssize_t r;

	raise_irq(IRQ0, 5);
	usleep(50000);
	t1 = now_ns();
	r = read(fd, ev, sizeof(ev));
	CHECK(r == 5 * (ssize_t)sizeof(ev[0]), "read %zd bytes, expected 5 records", r);
	/* the stream rules (tools/lib/irqcap-stream.c): seqnos consecutive, reserved 0, ... */
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_feed_n(&s, ev, 5);
	CHECK(!irqcap_stream_error(&s) && !s.gap_total, "%s (%llu missing by seqno)",
	      irqcap_stream_error(&s) ? irqcap_stream_error(&s) : "records",
	      (unsigned long long)s.gap_total);
	for (int i = 0; i < 5; i++) {
		CHECK(ev[i].type == IRQCAP_EVENT_IRQ, "record %d type %u", i, ev[i].type);
		CHECK(ev[i].timestamp_ns >= t0 && ev[i].timestamp_ns <= t1,
		      "record %d stamped %llu, outside the raise [%llu, %llu]", i,
		      (unsigned long long)ev[i].timestamp_ns, (unsigned long long)t0,
		      (unsigned long long)t1);
		CHECK(ev[i].data == 0, "record %d data", i);
	}
	CHECK((long long)ev[4].seqno == sysfs_get(0, "irqs_seen"), "last seqno %llu, irqs_seen %lld",
	      (unsigned long long)ev[4].seqno, sysfs_get(0, "irqs_seen"));
	return true;
}

/* a 64-bit marker value survives the 32-bit write() and read() */
static bool t_marker(void)
{
	uint64_t v = 0x0123456789abcdefull;
	struct irqcap_event ev;

	CHECK(write(fd, &v, sizeof(v)) == sizeof(v), "write: %s", strerror(errno));
	CHECK(read(fd, &ev, sizeof(ev)) == sizeof(ev), "read: %s", strerror(errno));
	CHECK(ev.type == IRQCAP_EVENT_MARKER && ev.data == v, "type %u data %#llx", ev.type,
	      (unsigned long long)ev.data);
	return true;
}

static bool t_stats(void)
{
	struct irqcap_stats st;

	memset(&st, 0xff, sizeof(st));
	CHECK(ioctl(fd, IRQCAP_IOC_STATS, &st) == 0, "STATS: %s", strerror(errno));
	CHECK(st.reader_read == 6 && st.reader_lost == 0 && st.reader_pending == 0,
	      "reader read %llu lost %llu pending %llu, expected 6/0/0",
	      (unsigned long long)st.reader_read, (unsigned long long)st.reader_lost,
	      (unsigned long long)st.reader_pending);
	CHECK((long long)st.irqs_seen == sysfs_get(0, "irqs_seen") &&
	      (long long)st.events_committed == sysfs_get(0, "events_committed") &&
	      (long long)st.dropped == sysfs_get(0, "dropped") &&
	      (long long)st.timeouts == sysfs_get(0, "timeouts"),
	      "STATS seen %llu committed %llu dropped %llu timeouts %llu; sysfs %lld %lld %lld %lld",
	      (unsigned long long)st.irqs_seen, (unsigned long long)st.events_committed,
	      (unsigned long long)st.dropped, (unsigned long long)st.timeouts,
	      sysfs_get(0, "irqs_seen"), sysfs_get(0, "events_committed"), sysfs_get(0, "dropped"),
	      sysfs_get(0, "timeouts"));
	for (int i = 0; i < 2; i++)
		CHECK(st.reserved[i] == 0, "reserved[%d] %#llx", i,
		      (unsigned long long)st.reserved[i]);
	return true;
}

static bool t_flush(void)
{
	struct irqcap_event ev;
	long r;

	raise_irq(IRQ0, 3);
	usleep(50000);
	r = ioctl(fd, IRQCAP_IOC_FLUSH);
	CHECK(r == 3, "FLUSH discarded %ld, expected 3", r);
	CHECK(read(fd, &ev, sizeof(ev)) < 0 && errno == EAGAIN, "a record after FLUSH");
	return true;
}

int main(void)
{
	static const struct { const char *name; bool (*fn)(void); } tests[] = {
		{ "compat32_info", t_info },
		{ "compat32_read", t_read },
		{ "compat32_marker", t_marker },
		{ "compat32_stats", t_stats },
		{ "compat32_flush", t_flush },
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ioperm(0x2000, 0x18, 1)) {
		perror("ioperm");
		return 2;
	}
	pin_cpu(0);
	fd = open("/dev/irqcap0", O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		printf("not ok - compat32_open: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		failures += run_test(tests[i].name, tests[i].fn, why);
	}
	close(fd);
	return failures ? 1 : 0;
}
