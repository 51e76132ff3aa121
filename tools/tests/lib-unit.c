// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * Unit tests of libirqcap (linked statically, ioctls through --wrap=ioctl):
 * name parsing, the stream rules with crafted sequences, device lookup and
 * settings against a fake sysfs tree, the reader's clock, per-record
 * violations; the mapped ring in tests/lib-unit-ring.c.  Built by
 * `make -C tools test`.
 */
#define UNIT_MAIN
#include "unit.h"

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

	/* ABI 3: SUSPEND, RESUME, THROTTLED carry the last seqno, as TIMEOUT does */
	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	feed(&s, IRQCAP_EVENT_IRQ, 100, 10, 0);
	bad = feed(&s, IRQCAP_EVENT_SUSPEND, 200, 10, 0);
	bad |= feed(&s, IRQCAP_EVENT_RESUME, 300, 10, 5000);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 400, 11, 0);
	bad |= feed(&s, IRQCAP_EVENT_THROTTLED, 500, 11, 100);
	CHECK(!bad && s.pm == 2 && s.throttles == 1 && s.others == 0, "pm/throttled: %#x", bad);
	bad = feed(&s, IRQCAP_EVENT_THROTTLED, 600, 13, 100);
	CHECK(bad == IRQCAP_STREAM_V_GAP, "THROTTLED seqno past the last IRQ: %#x", bad);
}


/* ABI 3's record types are known: no V_TYPE; they carry the last seqno */
static void test_stream_abi3_types(void)
{
	struct irqcap_stream s;
	unsigned int bad;

	irqcap_stream_init(&s, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&s, 1);
	bad = feed(&s, IRQCAP_EVENT_IRQ, 100, 1, 0);
	bad |= feed(&s, IRQCAP_EVENT_SUSPEND, 200, 1, 0);
	bad |= feed(&s, IRQCAP_EVENT_RESUME, 200, 1, 5000);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 300, 2, 0);
	bad |= feed(&s, IRQCAP_EVENT_THROTTLED, 400, 2, 100);
	bad |= feed(&s, IRQCAP_EVENT_IRQ, 500, 3, 0);
	CHECK(!bad && s.pm == 2 && s.throttles == 1 && s.others == 0 && s.irqs == 3 && !s.bad, "suspend/resume/throttled: %#x %s",
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

/* tests/lib-unit-ring.c */
void test_mmap(void);
void test_mmap_concurrent(void);

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
