// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * Unit tests of libirqcap (linked statically, ioctls through --wrap=ioctl):
 * name parsing, the stream rules with crafted sequences, device lookup and
 * settings against a fake sysfs tree, the reader's clock, and the mapped
 * ring protocol against crafted pages (wrap-around, loss, torn slots, a
 * concurrent producer).  Built by `make -C tools test`.
 */
#include "unit.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"
#include "irqcap-stream.h"

static void test_parse_name(void)
{
	int p;

	CHECK(irqcap__parse_name("0", &p) == 0 && !p, "0");
	CHECK(irqcap__parse_name("12", &p) == 12 && !p, "12");
	CHECK(irqcap__parse_name("irqcap3", &p) == 3 && !p, "irqcap3");
	CHECK(irqcap__parse_name("/dev/irqcap4", &p) == 4 && p, "/dev/irqcap4");
	CHECK(irqcap__parse_name("./irqcap10", &p) == 10 && p, "./irqcap10");
	CHECK(irqcap__parse_name("irqcap", &p) == -1, "irqcap without number");
	CHECK(irqcap__parse_name("irqcapX", &p) == -1, "irqcapX");
	CHECK(irqcap__parse_name("irqcap007", &p) == -1, "leading zeros");
	CHECK(irqcap__parse_name("/dev/sda", &p) == -1, "/dev/sda");
	CHECK(irqcap__parse_name("-1", &p) == -1, "-1");
	CHECK(irqcap__parse_name("/dev/7", &p) == -1, "path to a bare number");
	CHECK(irqcap__parse_name("gpio0", &p) == -1, "gpio0");
}

/* The stream checker itself (tools/lib/irqcap-stream.c), with crafted sequences. */
static unsigned int feed(struct irqcap_stream *s, unsigned int type, unsigned long long ts,
			 unsigned long long seq, unsigned long long data)
{
	struct irqcap_event e = ev(type, ts, seq, data);

	return irqcap_stream_feed(s, &e, NULL);
}

static void test_stream_checker(void)
{
	struct irqcap_stream s;
	struct irqcap_event b[4];
	struct irqcap_stream_rec r;
	unsigned int bad;

	/* a clean stream: IRQ, MARKER and TIMEOUT carrying the latest seqno */
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&s, 1);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 100, 1, 0);
	bad |= feed(&s, IRQCAP_EVENT_MARKER, 150, 1, 42);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 200, 2, 0);
	bad |= feed(&s, IRQCAP_EVENT_TIMEOUT, 900, 2, 700);
	bad |= feed(&s, IRQCAP_EVENT_MARKER, 900, 2, 7);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 1000, 3, 0);
	CHECK(!bad && !irqcap_stream_error(&s) && s.irqs == 3 && s.markers == 2 &&
	      s.timeouts == 1 && s.records == 6 && !s.bad && !s.gap_total,
	      "clean stream: bad %#x, %s", bad, irqcap_stream_error(&s));

	/* expect(1) on a fresh device: a first IRQ with seqno 2 is a gap */
	irqcap_stream_init(&s, 0);
	irqcap_stream_expect(&s, 1);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 100, 2, 0);
	CHECK(bad == IRQCAP_STREAM_V_GAP && s.gaps == 1 && s.gap_unreported == 1,
	      "first seqno 2 after expect(1): %#x", bad);

	/* a gap with no OVERFLOW before it */
	irqcap_stream_init(&s, 0);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 200, 13, 0);
	CHECK(bad == IRQCAP_STREAM_V_GAP && s.gaps == 1 && s.gap_total == 2 &&
	      s.gap_unreported == 2 && s.bad == 1 && s.first_index == 1 &&
	      irqcap_stream_error(&s) && strstr(irqcap_stream_error(&s), "seqno 13 after 10"),
	      "unreported gap: %#x %s", bad, irqcap_stream_error(&s));
	/* the first violation stays the message */
	feed(&s, IRQCAP_EVENT_IRQ, 50, 14, 0);
	CHECK(s.backward == 1 && s.bad == 2 && strstr(irqcap_stream_error(&s), "record 1:"),
	      "first violation kept: %s", irqcap_stream_error(&s));

	/* a gap an OVERFLOW accounts for exactly */
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	bad = feed(&s, IRQCAP_EVENT_OVERFLOW, 100, 10, 5);
	CHECK(!bad && s.lost == 5 && s.overflows == 1, "overflow: %#x", bad);
	{
		struct irqcap_event e = ev(IRQCAP_EVENT_IRQ, 300, 16, 0);

		bad = irqcap_stream_feed(&s, &e, &r);
	}
	CHECK(!bad && r.gap == 5 && r.gap_from == 10 && r.after_overflow &&
	      s.gap_total == 5 && !s.gap_unreported && !s.bad,
	      "accounted gap: %#x gap %llu %s", bad, (unsigned long long)r.gap,
	      irqcap_stream_error(&s));
	CHECK(!irqcap_stream_finish(&s), "finish after an accounted loss");

	/* the gap is larger than the OVERFLOW says */
	irqcap_stream_init(&s, 0);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	feed(&s, IRQCAP_EVENT_OVERFLOW, 100, 10, 5);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 300, 17, 0);
	CHECK(bad == IRQCAP_STREAM_V_GAP && s.gap_total == 6 && s.gap_unreported == 1,
	      "gap beyond the loss: %#x unreported %llu", bad,
	      (unsigned long long)s.gap_unreported);

	/* smaller than the loss: fine unless only IRQ records flow */
	irqcap_stream_init(&s, 0);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	feed(&s, IRQCAP_EVENT_OVERFLOW, 100, 10, 5);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 300, 13, 0);
	CHECK(!bad && !s.bad, "lost timeouts/markers may make the gap smaller: %#x", bad);
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	feed(&s, IRQCAP_EVENT_OVERFLOW, 100, 10, 5);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 300, 13, 0);
	CHECK(bad == IRQCAP_STREAM_V_LOSS && strstr(irqcap_stream_error(&s), "reported 5 lost"),
	      "exact loss: %#x %s", bad, irqcap_stream_error(&s));
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	feed(&s, IRQCAP_EVENT_OVERFLOW, 100, 10, 5);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 300, 11, 0);
	CHECK(bad == IRQCAP_STREAM_V_LOSS, "exact loss, no gap at all: %#x", bad);
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	feed(&s, IRQCAP_EVENT_OVERFLOW, 100, 10, 5);
	CHECK(irqcap_stream_finish(&s) == IRQCAP_STREAM_V_LOSS, "loss left unmatched at the end");

	/* an OVERFLOW at the start has seqno 0 and sets no baseline */
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	bad = feed(&s, IRQCAP_EVENT_OVERFLOW, 0, 0, 84);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 900, 105, 0);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 950, 106, 0);
	CHECK(!bad && s.lost == 84 && !s.gap_total && !s.bad, "overflow at the start: %#x %s",
	      bad, irqcap_stream_error(&s));
	/* ... but with a baseline its loss is checked against the seqnos */
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&s, 1);
	feed(&s, IRQCAP_EVENT_OVERFLOW, 0, 0, 84);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 900, 85, 0);
	CHECK(!bad && s.gap_total == 84, "overflow at the start, expect(1): %#x %s", bad,
	      irqcap_stream_error(&s));
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&s, 1);
	feed(&s, IRQCAP_EVENT_OVERFLOW, 0, 0, 84);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 900, 86, 0);
	CHECK(bad == IRQCAP_STREAM_V_GAP, "overflow at the start, one more missing: %#x", bad);

	/* an OVERFLOW repeats the last record's seqno */
	irqcap_stream_init(&s, 0);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	bad = feed(&s, IRQCAP_EVENT_OVERFLOW, 100, 9, 5);
	CHECK(bad == IRQCAP_STREAM_V_OVF_SEQ, "overflow seqno: %#x", bad);

	/* TIMEOUT and MARKER carrying a later seqno reveal a gap */
	irqcap_stream_init(&s, 0);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	bad = feed(&s, IRQCAP_EVENT_TIMEOUT, 200, 11, 100);
	CHECK(bad == IRQCAP_STREAM_V_GAP && s.gap_total == 1, "timeout gap: %#x", bad);
	bad = feed(&s, IRQCAP_EVENT_MARKER, 300, 13, 1);
	CHECK(bad == IRQCAP_STREAM_V_GAP && s.gap_total == 3, "marker gap: %#x", bad);

	/* a backward timestamp, whatever the type */
	irqcap_stream_init(&s, 0);
	feed(&s, IRQCAP_EVENT_IRQ, 1000, 1, 0);
	bad = feed(&s, IRQCAP_EVENT_MARKER, 999, 1, 0);
	CHECK(bad == IRQCAP_STREAM_V_TS_BACK && s.backward == 1 &&
	      strstr(irqcap_stream_error(&s), "timestamp 999 below"), "backward: %#x %s", bad,
	      irqcap_stream_error(&s));
	bad = feed(&s, IRQCAP_EVENT_IRQ, 999, 2, 0);
	CHECK(!bad, "equal timestamps are fine: %#x", bad);

	/* seqno going back; reserved; unknown type */
	irqcap_stream_init(&s, 0);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 200, 3, 0);
	CHECK(bad == IRQCAP_STREAM_V_SEQ_BACK, "seqno back: %#x", bad);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 300, 4, 0);
	CHECK(!bad, "new baseline after seqno back: %#x", bad);
	b[0] = ev(IRQCAP_EVENT_IRQ, 400, 5, 0);
	b[0].reserved = 1;
	b[1] = ev(99, 500, 5, 0);
	b[2] = ev(IRQCAP_EVENT_IRQ, 600, 6, 0);
	b[3] = ev(IRQCAP_EVENT_TIMEOUT, 700, 6, 100);
	irqcap_stream_init(&s, 0);
	CHECK(irqcap_stream_feed_n(&s, b, 4) == 2 && s.bad == 2 && s.others == 1 &&
	      s.irqs == 2 && s.records == 4 && strstr(irqcap_stream_error(&s), "reserved 1"),
	      "batch: bad %llu %s", (unsigned long long)s.bad, irqcap_stream_error(&s));
}


/* ABI 3's record types are known: no V_TYPE, nothing said about seqnos */
static void test_stream_abi3_types(void)
{
	struct irqcap_stream s;
	unsigned int bad;

	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&s, 1);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 100, 1, 0);
	bad |= feed(&s, IRQCAP_EVENT_SUSPEND, 200, 1, 0);
	bad |= feed(&s, IRQCAP_EVENT_RESUME, 200, 0, 5000);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 300, 2, 0);
	bad |= feed(&s, IRQCAP_EVENT_THROTTLED, 400, 77, 100);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 500, 3, 0);
	CHECK(!bad && s.others == 3 && s.irqs == 3 && !s.bad, "suspend/resume/throttled: %#x %s",
	      bad, irqcap_stream_error(&s));
	bad = feed(&s, 8, 600, 3, 0);
	CHECK(bad == IRQCAP_STREAM_V_TYPE, "type 8 is still unknown: %#x", bad);
}

static void test_names(void)
{
	CHECK_STR(irqcap_event_type_name(IRQCAP_EVENT_THROTTLED), "throttled");
	CHECK_STR(irqcap_event_type_name(0), "unknown");
	CHECK_STR(irqcap_event_type_name(1000), "unknown");
	CHECK(irqcap_edge_name(IRQCAP_EDGE_UNKNOWN) == NULL, "unknown edge: NULL");
	CHECK_STR(irqcap_edge_name(IRQCAP_EDGE_FALLING), "falling");
	CHECK(irqcap_clock_parse("realtime") == IRQCAP_CLOCK_REALTIME &&
	      irqcap_clock_parse("tai") == IRQCAP_CLOCK_TAI &&
	      irqcap_clock_parse("Realtime") == -EINVAL && irqcap_clock_parse(NULL) == -EINVAL,
	      "clock names");
	CHECK_STR(irqcap_clock_name(IRQCAP_CLOCK_BOOTTIME), "boottime");
	CHECK(irqcap_clock_name(4) == NULL, "clock 4");
	CHECK(strstr(irqcap_strerror(-IRQCAP_E_ABI), "ABI") && !strcmp(irqcap_strerror(-ENOENT),
	      strerror(ENOENT)), "strerror");
	CHECK_STR(irqcap_version(), LIBIRQCAP_VERSION);
}

/* ---- devices against a fake sysfs tree ----------------------------------- */

static char tree[64];

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0) {
		printf("# failed: %s\n", cmd);
		exit(1);
	}
}

static void make_tree(void)
{
	strcpy(tree, "/tmp/irqcap-lib-unit.XXXXXX");
	if (!mkdtemp(tree))
		exit(1);
	sh("cd %s && mkdir -p sys/class/misc dev/irqcap/by-label sys/devices/platform/PRP0001:00/firmware_node "
	   "sys/devices/platform/irqcap.1 sys/devices/platform/irqcap.10 "
	   "sys/firmware/devicetree/base/soc/irqcap@1 sys/class/misc/cpu_dma_latency", tree);
	sh("cd %s/sys && printf '\\\\_SB_.IQC0\\n' >devices/platform/PRP0001:00/firmware_node/path && "
	   "echo door >devices/platform/PRP0001:00/label && echo threaded >devices/platform/PRP0001:00/bottom_half && "
	   "echo 5 >devices/platform/PRP0001:00/irq && echo 0x10 >devices/platform/PRP0001:00/rate && "
	   "printf 'window\\0' >firmware/devicetree/base/soc/irqcap@1/label && "
	   "ln -s ../../../firmware/devicetree/base/soc/irqcap@1 devices/platform/irqcap.1/of_node && "
	   "mkdir class/misc/irqcap0 class/misc/irqcap1 class/misc/irqcap10 && "
	   "ln -s ../../../devices/platform/PRP0001:00 class/misc/irqcap0/device && "
	   "ln -s ../../../devices/platform/irqcap.1 class/misc/irqcap1/device && "
	   "ln -s ../../../devices/platform/irqcap.10 class/misc/irqcap10/device", tree);
	sh("cd %s/dev && : >irqcap0 && : >irqcap1 && ln -s ../../irqcap1 irqcap/by-label/window", tree);
}

static void test_devices(void)
{
	char sys[128], devdir[128], buf[256], **names;
	struct irqcap_roots roots = { sys, devdir };
	struct irqcap_device *d = NULL;
	uint64_t v;
	int n;

	make_tree();
	snprintf(sys, sizeof(sys), "%s/sys", tree);
	snprintf(devdir, sizeof(devdir), "%s/dev", tree);

	n = irqcap_list_devices(&roots, &names);
	CHECK(n == 3 && !strcmp(names[0], "irqcap0") && !strcmp(names[1], "irqcap1") &&
	      !strcmp(names[2], "irqcap10") && !names[3], "list: %d, sorted by number", n);
	if (n >= 0)
		irqcap_names_free(names);
	{
		struct irqcap_roots none = { "/nonexistent", NULL };

		CHECK(irqcap_list_devices(&none, &names) == -ENOENT && !names, "no sysfs: -ENOENT");
	}

	CHECK(irqcap_device_find(&roots, "0", &d) == 0 && d &&
	      !strcmp(irqcap_device_name(d), "irqcap0"), "find 0");
	if (!d)
		return;
	snprintf(buf, sizeof(buf), "%s/irqcap0", devdir);
	CHECK_STR(irqcap_device_node(d), buf);
	CHECK(irqcap_device_label(d) && !strcmp(irqcap_device_label(d), "door"),
	      "label from the sysfs attribute");
	irqcap_device_firmware_node(d, buf, sizeof(buf));
	CHECK_STR(buf, "\\_SB_.IQC0 (PRP0001:00)");
	CHECK(irqcap_device_get(d, "bottom_half", buf, sizeof(buf)) == 0 &&
	      !strcmp(buf, "threaded"), "get: '%s'", buf);
	CHECK(irqcap_device_get_u64(d, "irq", &v) == 0 && v == 5, "get_u64");
	CHECK(irqcap_device_get_u64(d, "rate", &v) == -EINVAL, "get_u64 of 0x10: decimal only");
	CHECK(irqcap_device_get(d, "nonesuch", buf, sizeof(buf)) == -ENOENT &&
	      strstr(irqcap_device_errmsg(d), "nonesuch"), "missing attribute: %s",
	      irqcap_device_errmsg(d));
	CHECK(irqcap_device_get(d, "../irq", buf, sizeof(buf)) == -EINVAL, "no paths as keys");
	CHECK(irqcap_device_set(d, "bottom_half", "tasklet") == 0 &&
	      irqcap_device_get(d, "bottom_half", buf, sizeof(buf)) == 0 &&
	      !strcmp(buf, "tasklet"), "set");
	CHECK(irqcap_device_set(d, "storm_limit", "10") == -ENOENT, "set a missing attribute");
	sh("chmod 444 %s/devices/platform/PRP0001:00/bottom_half", sys);
	if (geteuid() != 0)
		CHECK(irqcap_device_set(d, "bottom_half", "hardirq") == -EACCES, "set read-only");
	CHECK(irqcap_device_info(d, &(struct irqcap_info){ 0 }) == -ENOTTY,
	      "INFO on a regular file: -ENOTTY");
	irqcap_device_free(d);

	CHECK(irqcap_device_find(&roots, "irqcap1", &d) == 0 && irqcap_device_label(d) &&
	      !strcmp(irqcap_device_label(d), "window"), "label from the DT property");
	irqcap_device_firmware_node(d, buf, sizeof(buf));
	CHECK_STR(buf, "/soc/irqcap@1 (irqcap.1)");
	irqcap_device_free(d);

	CHECK(irqcap_device_find(&roots, "door", &d) == 0 && !strcmp(irqcap_device_name(d), "irqcap0"),
	      "find by label (sysfs)");
	irqcap_device_free(d);
	CHECK(irqcap_device_find(&roots, "window", &d) == 0 && !strcmp(irqcap_device_name(d), "irqcap1"),
	      "find by label (DT)");
	irqcap_device_free(d);
	snprintf(buf, sizeof(buf), "%s/irqcap/by-label/window", devdir);
	CHECK(irqcap_device_find(&roots, buf, &d) == 0 && !strcmp(irqcap_device_name(d), "irqcap1") &&
	      !strcmp(irqcap_device_node(d), buf), "find by udev's by-label link");
	irqcap_device_free(d);
	CHECK(irqcap_device_find(&roots, "irqcap10", &d) == 0 && !irqcap_device_label(d),
	      "no label: NULL");
	irqcap_device_free(d);
	CHECK(irqcap_device_find(&roots, "irqcap7", &d) == -ENODEV && !d, "irqcap7: -ENODEV");
	CHECK(irqcap_device_find(&roots, "sda", &d) == -IRQCAP_E_BADNAME, "sda: not a name or label");
	CHECK(irqcap_device_find(&roots, "/dev/sda", &d) == -IRQCAP_E_BADNAME, "/dev/sda");
	CHECK(irqcap_device_find(&roots, "", &d) == -IRQCAP_E_BADNAME, "empty");
	sh("rm -rf %s", tree);
}

/* ---- the reader's clock ------------------------------------------------- */

static void test_clock(void)
{
	const struct irqcap_event seq[] = {
		ev(IRQCAP_EVENT_IRQ, 1000, 1, 0),
		ev(IRQCAP_EVENT_IRQ, 3000, 2, 0),
	};
	struct irqcap_reader_opts o = { .clock = IRQCAP_CLOCK_REALTIME };
	struct irqcap_reader *r = recording(seq, 2, &o);
	struct irqcap_record rec;
	struct timespec a, b;
	int64_t off_lo, off_hi;

	CHECK(r && irqcap_reader_clock(r) == IRQCAP_CLOCK_REALTIME, "reader with REALTIME");
	if (!r)
		return;
	clock_gettime(CLOCK_REALTIME, &a);
	clock_gettime(CLOCK_MONOTONIC, &b);
	off_lo = (a.tv_sec - b.tv_sec) * 1000000000LL + (a.tv_nsec - b.tv_nsec) - 1000000;
	irqcap_reader_next(r, &rec, 0);
	off_hi = off_lo + 2000000;
	CHECK(rec.ev.clock == IRQCAP_CLOCK_REALTIME &&
	      (int64_t)rec.ev.timestamp_ns - 1000 > off_lo &&
	      (int64_t)rec.ev.timestamp_ns - 1000 < off_hi,
	      "converted with the MONOTONIC->REALTIME offset: %llu (offset %lld..%lld)",
	      (unsigned long long)rec.ev.timestamp_ns, (long long)off_lo, (long long)off_hi);
	irqcap_reader_next(r, &rec, 0);
	CHECK(rec.have_interval && rec.interval_ns == 2000 && !rec.violations,
	      "interval on the ring's clock: %llu", (unsigned long long)rec.interval_ns);
	CHECK(irqcap_reader_set_clock(r, 9) == -EINVAL, "clock 9");
	irqcap_reader_close(r);

	o.clock = 4;
	CHECK(irqcap_reader_open_fd(dup(1), "x", &o, &r) == -EINVAL, "open with clock 4");
	o.clock = 0;
	o.mode = 3;
	CHECK(irqcap_reader_open_fd(dup(1), "x", &o, &r) == -EINVAL, "open with mode 3");
}

/* The reader reports each record's violations and keeps the first message */
static void test_reader_violations(void)
{
	const struct irqcap_event seq[] = {
		ev(IRQCAP_EVENT_IRQ, 100, 1, 0),
		ev(IRQCAP_EVENT_IRQ, 200, 4, 0),	/* 2, 3 missing, no OVERFLOW */
		ev(IRQCAP_EVENT_IRQ, 150, 5, 0),	/* time went back */
		ev(IRQCAP_EVENT_OVERFLOW, 150, 5, 3),
		ev(IRQCAP_EVENT_IRQ, 300, 9, 0),	/* accounted */
	};
	struct irqcap_reader_opts o = { .flags = IRQCAP_READER_EXACT_LOSS };
	struct irqcap_reader *r = recording(seq, 5, &o);
	struct irqcap_record rec;
	unsigned int v[5] = { 0 };

	for (int i = 0; i < 5; i++) {
		irqcap_reader_next(r, &rec, 0);
		v[i] = rec.violations;
	}
	CHECK(!v[0] && v[1] == IRQCAP_V_GAP && v[2] == IRQCAP_V_TS_BACK && !v[3] && !v[4],
	      "violations %#x %#x %#x %#x %#x", v[0], v[1], v[2], v[3], v[4]);
	CHECK(irqcap_reader_stream_error(r) &&
	      strstr(irqcap_reader_stream_error(r), "record 1: type 1: seqno 4 after 1"),
	      "first violation: %s", irqcap_reader_stream_error(r));
	irqcap_reader_close(r);
	r = recording(seq, 1, NULL);
	irqcap_reader_expect(r, 2);
	irqcap_reader_next(r, &rec, 0);
	CHECK(rec.violations == IRQCAP_V_SEQ_BACK, "expect(2) then seqno 1: %#x", rec.violations);
	irqcap_reader_close(r);
	{
		struct irqcap_stream st;

		irqcap_stream_init(&st, 0);
		feed(&st, IRQCAP_EVENT_IRQ, 100, 5, 0);
		CHECK(feed(&st, IRQCAP_EVENT_IRQ, 200, 5, 0) == IRQCAP_STREAM_V_SEQ_BACK &&
		      !feed(&st, IRQCAP_EVENT_MARKER, 300, 5, 1),
		      "an IRQ repeating the seqno is a violation, a MARKER repeating it is not");
	}
}

/* ---- the mapped ring, against crafted pages ---------------------------- */

#define FAKE_PAGE	4096

static struct {
	int fd;
	unsigned char *mem;
	size_t len;
	uint32_t ring, flags, page_ring;
	struct irqcap_mmap_page *page;
	uint64_t consumed;
	int consumes;
	uint64_t cursor, drv_lost;	/* the driver's view, as irqcap_ioctl_consume() keeps it */
	int einval;
} fr;

static int ring_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd;
	if (req == IRQCAP_IOC_INFO) {
		struct irqcap_info *info = arg;

		memset(info, 0, sizeof(*info));
		info->abi_version = IRQCAP_ABI_VERSION;
		info->event_size = sizeof(struct irqcap_event);
		info->ring_size = fr.ring;
		info->flags = fr.flags;
		info->mmap_data_offset = FAKE_PAGE;
		return 0;
	}
	if (req == IRQCAP_IOC_CONSUME) {
		/* the mmap branch's rules: low 32 bits, never ahead of head or behind the cursor */
		uint64_t v = *(uint64_t *)arg, head = fr.page->head, to, rs = fr.page->reserve;

		fr.consumed = v;
		fr.consumes++;
		if ((int32_t)((uint32_t)v - (uint32_t)head) > 0)
			return fr.einval++, errno = EINVAL, -1;
		to = head - (uint32_t)((uint32_t)head - (uint32_t)v);
		if ((int64_t)(to - fr.cursor) < 0)
			return fr.einval++, errno = EINVAL, -1;
		if (rs - to > fr.ring) {
			fr.drv_lost += rs - fr.ring - to;
			to = rs - fr.ring;
		}
		fr.cursor = to;
		return 0;
	}
	return FAKE_PASS;
}

/* A fresh ring of @ring records whose positions start at @start. */
static void ring_make(uint32_t ring, uint64_t start)
{
	if (fr.mem)
		munmap(fr.mem, fr.len);
	if (fr.fd > 0)
		close(fr.fd);
	memset(&fr, 0, sizeof(fr));
	fr.ring = ring;
	fr.page_ring = ring;
	fr.flags = IRQCAP_INFO_MMAP;
	fr.len = FAKE_PAGE + (size_t)ring * sizeof(struct irqcap_event);
	fr.fd = memfd_create("irqcap-ring", MFD_CLOEXEC);
	if (fr.fd < 0 || ftruncate(fr.fd, (off_t)fr.len))
		exit(1);
	fr.mem = mmap(NULL, fr.len, PROT_READ | PROT_WRITE, MAP_SHARED, fr.fd, 0);
	if (fr.mem == MAP_FAILED)
		exit(1);
	fr.page = (struct irqcap_mmap_page *)fr.mem;
	fr.page->abi_version = IRQCAP_ABI_VERSION;
	fr.page->event_size = sizeof(struct irqcap_event);
	fr.page->ring_size = ring;
	fr.page->data_offset = FAKE_PAGE;
	fr.page->head = start;
	fr.page->reserve = start;
	fr.cursor = start;	/* the file's cursor: the head at open */
	fake_ioctl = ring_ioctl;
}

static struct irqcap_event *slot(uint64_t p)
{
	return (struct irqcap_event *)(fr.mem + FAKE_PAGE) + (p & (fr.ring - 1));
}

/* The producer's side: reserve, (write), commit; split for torn slots. */
static void ring_reserve(uint32_t n)
{
	__atomic_store_n(&fr.page->reserve, fr.page->reserve + n, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void ring_write(uint64_t p, uint64_t seq, uint64_t ts)
{
	struct irqcap_event e = ev(IRQCAP_EVENT_IRQ, ts, seq, 0);

	memcpy(slot(p), &e, sizeof(e));
}

static void ring_commit(void)
{
	__atomic_store_n(&fr.page->head, fr.page->reserve, __ATOMIC_RELEASE);
}

static void produce(uint64_t *seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t p = fr.page->reserve;

		ring_reserve(1);
		ring_write(p, *seq, *seq * 1000);
		(*seq)++;
		ring_commit();
	}
}

static struct irqcap_reader *ring_reader(unsigned int mode, unsigned int clock, int *rc)
{
	struct irqcap_reader_opts o = { .mode = mode, .clock = clock,
					.flags = IRQCAP_READER_EXACT_LOSS };
	struct irqcap_reader *r = NULL;

	*rc = irqcap_reader_open_fd(dup(fr.fd), "irqcap0", &o, &r);
	return r;
}

static void test_mmap(void)
{
	const uint64_t start = 0x1fffffff8ULL;	/* the low 32 bits wrap soon */
	struct irqcap_record rec;
	struct irqcap_counts c;
	struct irqcap_reader *r;
	uint64_t seq = 1, want;
	int rc, n, ok;

	ring_make(8, start);
	r = ring_reader(IRQCAP_MODE_AUTO, 0, &rc);
	CHECK(r && irqcap_reader_mode(r) == IRQCAP_MODE_MMAP, "auto: mapped (rc %d)", rc);
	if (!r)
		return;
	CHECK(irqcap_reader_next(r, &rec, 0) == 0 && fr.consumes == 1 && fr.consumed == start,
	      "empty: CONSUME with the full position %#llx (got %#llx, %d calls)",
	      (unsigned long long)start, (unsigned long long)fr.consumed, fr.consumes);
	CHECK(irqcap_reader_next(r, &rec, 0) == 0 && fr.consumes == 1, "no CONSUME again");

	/* plain records, across the 32-bit wrap of the positions */
	produce(&seq, 5);
	for (n = 0, ok = 1; irqcap_reader_next(r, &rec, 0) == 1; n++)
		ok &= rec.ev.seqno == (uint64_t)n + 1 && !rec.violations &&
		      rec.ev.type == IRQCAP_EVENT_IRQ;
	CHECK(n == 5 && ok, "5 records in order: %d", n);
	CHECK(fr.consumed == start + 5, "CONSUME at %#llx: %#llx", (unsigned long long)(start + 5),
	      (unsigned long long)fr.consumed);

	/* the producer laps the reader: lost without copying */
	produce(&seq, 20);	/* seqnos 6..25 in a ring of 8: 18..25 remain */
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.type == IRQCAP_EVENT_OVERFLOW && rec.ev.data == 12 &&
	      rec.ev.seqno == 5 && rec.ev.timestamp_ns == 5000 && rec.lost == 12,
	      "OVERFLOW as read() makes it: type %u data %llu seqno %llu ts %llu", rec.ev.type,
	      (unsigned long long)rec.ev.data, (unsigned long long)rec.ev.seqno,
	      (unsigned long long)rec.ev.timestamp_ns);
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.seqno == 18 && rec.gap == 12 && rec.after_overflow &&
	      !rec.violations, "then seqno 18, the gap accounted: %llu gap %llu v %#x",
	      (unsigned long long)rec.ev.seqno, (unsigned long long)rec.gap, rec.violations);
	for (n = 0; irqcap_reader_next(r, &rec, 0) == 1; n++)
		;
	CHECK(n == 7 && rec.ev.seqno == 25, "19..25: %d", n);

	/*
	 * torn slots: 4 records committed, then the producer reserves 6 more
	 * while the reader copies: the slots of the first 2 are being
	 * overwritten, so they are discarded and counted lost.
	 */
	want = fr.page->reserve;
	produce(&seq, 4);	/* 26..29 */
	ring_reserve(6);	/* 30..35 reserved, being written, not committed */
	rc = irqcap_reader_next(r, &rec, 0);
	irqcap_reader_counts(r, &c);
	CHECK(rc == 1 && rec.ev.type == IRQCAP_EVENT_OVERFLOW && rec.ev.data == 2 &&
	      rec.ev.seqno == 25 && c.torn == 2,
	      "torn: OVERFLOW of 2 after seqno 25: type %u data %llu seqno %llu torn %llu",
	      rec.ev.type, (unsigned long long)rec.ev.data, (unsigned long long)rec.ev.seqno,
	      (unsigned long long)c.torn);
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.seqno == 28 && rec.gap == 2 && !rec.violations,
	      "then 28: %llu v %#x", (unsigned long long)rec.ev.seqno, rec.violations);
	irqcap_reader_next(r, &rec, 0);
	CHECK(rec.ev.seqno == 29 && irqcap_reader_next(r, &rec, 0) == 0,
	      "29, then nothing: the reserved slots are not committed");
	for (uint32_t i = 0; i < 6; i++)
		ring_write(want + 4 + i, seq + i, (seq + i) * 1000);
	seq += 6;
	ring_commit();
	for (n = 0, ok = 1; irqcap_reader_next(r, &rec, 0) == 1; n++)
		ok &= !rec.violations && rec.ev.seqno == 30 + (uint64_t)n;
	irqcap_reader_counts(r, &c);
	CHECK(n == 6 && ok && c.irqs == 5 + 8 + 2 + 6 && c.lost == 14 && !c.bad &&
	      c.overflows == 2 && !irqcap_reader_stream_error(r),
	      "the rest: %d, irqs %llu lost %llu bad %llu: %s", n, (unsigned long long)c.irqs,
	      (unsigned long long)c.lost, (unsigned long long)c.bad,
	      irqcap_reader_stream_error(r) ? irqcap_reader_stream_error(r) : "");
	CHECK(fr.drv_lost == c.lost && !fr.einval,
	      "the driver counted the same loss (told the position before each): %llu, %d EINVAL",
	      (unsigned long long)fr.drv_lost, fr.einval);
	CHECK(c.irqs + c.lost == seq - 1, "every record read or counted lost: %llu + %llu of %llu",
	      (unsigned long long)c.irqs, (unsigned long long)c.lost,
	      (unsigned long long)(seq - 1));
	CHECK(irqcap_reader_flush(r) == 0, "flush of an empty ring");
	produce(&seq, 3);
	CHECK(irqcap_reader_flush(r) == 3 && irqcap_reader_next(r, &rec, 0) == 0,
	      "flush drops 3");
	irqcap_reader_close(r);

	/* the clock: the library converts mapped records */
	ring_make(8, 0);
	r = ring_reader(IRQCAP_MODE_MMAP, IRQCAP_CLOCK_BOOTTIME, &rc);
	seq = 1;
	produce(&seq, 1);
	{
		struct timespec b, m;
		int64_t off;

		clock_gettime(CLOCK_BOOTTIME, &b);
		clock_gettime(CLOCK_MONOTONIC, &m);
		off = (b.tv_sec - m.tv_sec) * 1000000000LL + (b.tv_nsec - m.tv_nsec);
		rc = irqcap_reader_next(r, &rec, 0);
		CHECK(rc == 1 && rec.ev.clock == IRQCAP_CLOCK_BOOTTIME &&
		      llabs((int64_t)rec.ev.timestamp_ns - 1000 - off) < 1000000,
		      "BOOTTIME: %llu, offset %lld", (unsigned long long)rec.ev.timestamp_ns,
		      (long long)off);
	}
	irqcap_reader_close(r);

	/* no mapped ring: auto reads, mmap refuses; a page that disagrees */
	ring_make(8, 0);
	fr.flags = 0;
	r = ring_reader(IRQCAP_MODE_AUTO, 0, &rc);
	CHECK(r && irqcap_reader_mode(r) == IRQCAP_MODE_READ, "auto without INFO_MMAP: read()");
	irqcap_reader_close(r);
	r = ring_reader(IRQCAP_MODE_MMAP, 0, &rc);
	CHECK(!r && rc == -EOPNOTSUPP, "mmap without INFO_MMAP: %d", rc);
	fr.flags = IRQCAP_INFO_MMAP;
	fr.page->ring_size = 16;
	r = ring_reader(IRQCAP_MODE_MMAP, 0, &rc);
	CHECK(!r && rc == -EPROTO, "page disagrees with INFO: %d", rc);
	r = ring_reader(IRQCAP_MODE_AUTO, 0, &rc);
	CHECK(r && irqcap_reader_mode(r) == IRQCAP_MODE_READ, "auto falls back to read()");
	irqcap_reader_close(r);
	fake_ioctl = NULL;
}

/* A producer thread laps a reader in a small ring: nothing is miscounted. */
#define CONC_N	200000ULL

static atomic_bool producer_done;
static _Atomic uint64_t reader_last;

static void *producer(void *arg)
{
	uint64_t seq = 1;

	(void)arg;
	while (seq <= CONC_N) {
		/* bursts and pauses: the reader keeps up at times, is lapped at others */
		uint32_t burst = 1 + (uint32_t)(seq % 7);

		if (burst > CONC_N + 1 - seq)
			burst = (uint32_t)(CONC_N + 1 - seq);
		/* every other 1000 records, wait for the reader: no loss there */
		while ((seq / 1000) % 2 && seq - atomic_load(&reader_last) > 8 &&
		       !atomic_load(&producer_done))
			sched_yield();
		produce(&seq, burst);
		for (volatile unsigned int k = 0; k < (seq % 97) * 20; k++)
			;
	}
	atomic_store(&producer_done, true);
	return NULL;
}

static void test_mmap_concurrent(void)
{
	struct irqcap_record rec;
	struct irqcap_counts c;
	struct irqcap_reader *r;
	uint64_t last = 0;
	pthread_t t;
	int rc, order = 1, errors = 0;

	ring_make(16, 0xfffff000ULL);
	r = ring_reader(IRQCAP_MODE_MMAP, 0, &rc);
	if (!r) {
		CHECK(0, "reader: %d", rc);
		return;
	}
	pthread_create(&t, NULL, producer, NULL);
	for (;;) {
		rc = irqcap_reader_next(r, &rec, 0);
		if (rc == 1) {
			if (rec.ev.type == IRQCAP_EVENT_IRQ) {
				order &= rec.ev.seqno > last;
				last = rec.ev.seqno;
				atomic_store(&reader_last, last);
			}
			continue;
		}
		if (rc < 0)
			errors++;
		if (last == CONC_N || errors > 100)
			break;
	}
	pthread_join(t, NULL);
	irqcap_reader_counts(r, &c);
	printf("# concurrent: %llu records, %llu irqs read, %llu lost in %llu overflows, %llu torn slots\n",
	       (unsigned long long)c.records, (unsigned long long)c.irqs,
	       (unsigned long long)c.lost, (unsigned long long)c.overflows,
	       (unsigned long long)c.torn);
	printf("# concurrent: the driver counted %llu lost, %d CONSUMEs behind its cursor refused\n",
	       (unsigned long long)fr.drv_lost, fr.einval);
	CHECK(!errors && fr.drv_lost >= c.lost,
	      "driver's loss %llu >= the reader's %llu; reader errors %d: %s",
	      (unsigned long long)fr.drv_lost, (unsigned long long)c.lost, errors,
	      irqcap_reader_errmsg(r));
	CHECK(order && !c.bad && c.irqs + c.lost == CONC_N,
	      "irqs %llu + lost %llu == %llu, bad %llu: %s", (unsigned long long)c.irqs,
	      (unsigned long long)c.lost, CONC_N, (unsigned long long)c.bad,
	      irqcap_reader_stream_error(r) ? irqcap_reader_stream_error(r) : "");
	irqcap_reader_close(r);
	fake_ioctl = NULL;
}

int main(void)
{
	test_parse_name();
	test_stream_checker();
	test_stream_abi3_types();
	test_names();
	test_devices();
	test_clock();
	test_reader_violations();
	test_mmap();
	test_mmap_concurrent();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
