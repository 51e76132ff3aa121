// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests of the CLI's pure parts: number/device parsing, time
 * formatting, loss accounting, record formatting, histogram parsing and
 * drawing, setting validation.  Built by `make -C tools test`.
 */
#define IRQCAP_MAIN irqcap_main
/* irqcap.c's feature macros: the headers below come before it */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include "irqcap.h"

/*
 * The CLI's ioctls go through this: with fake_abi >= 0, IRQCAP_IOC_INFO
 * answers as a driver of that ABI would; everything else is the real ioctl
 * (on /dev/null, a character device, that is ENOTTY: a driver that does not
 * know this ABI's INFO number, such as an ABI-1 driver on magic 0xB6).
 */
static int fake_abi = -1;

static int fake_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fake_abi >= 0 && req == IRQCAP_IOC_INFO) {
		struct irqcap_info *info = arg;

		memset(info, 0, sizeof(*info));
		info->abi_version = (unsigned int)fake_abi;
		info->event_size = sizeof(struct irqcap_event);
		info->ring_size = 256;
		info->irq = 5;
		return 0;
	}
	return ioctl(fd, req, arg);
}
#define ioctl fake_ioctl
/* the headers are in; irqcap.c defines these again */
#undef _POSIX_C_SOURCE
#undef _DEFAULT_SOURCE
#include "../irqcap.c"

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

static char *capture_event(enum fmt fmt, const char *dev, const struct event_view *v)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof(out), "w");

	print_event(f, fmt, dev, v);
	fclose(f);
	return out;
}

static void test_parse_u64(void)
{
	unsigned long long v = 99;

	CHECK(parse_u64("0", &v) == 0 && v == 0, "0");
	CHECK(parse_u64("123", &v) == 0 && v == 123, "123");
	CHECK(parse_u64("18446744073709551615", &v) == 0 && v == ULLONG_MAX, "max");
	CHECK(parse_u64("18446744073709551616", &v) == -ERANGE, "max+1 is ERANGE");
	CHECK(parse_u64("", &v) == -EINVAL, "empty");
	CHECK(parse_u64("-1", &v) == -EINVAL, "negative");
	CHECK(parse_u64("1a", &v) == -EINVAL, "trailing garbage");
	CHECK(parse_u64(" 1", &v) == -EINVAL, "leading space");
	CHECK(parse_u64("0x10", &v) == -EINVAL, "hex refused");
}

static void test_parse_seconds(void)
{
	unsigned long long ns = 0;

	CHECK(parse_seconds("2", &ns) == 0 && ns == 2000000000ULL, "2 -> %llu", ns);
	CHECK(parse_seconds("0.5", &ns) == 0 && ns == 500000000ULL, "0.5 -> %llu", ns);
	CHECK(parse_seconds("1.25", &ns) == 0 && ns == 1250000000ULL, "1.25 -> %llu", ns);
	CHECK(parse_seconds(".001", &ns) == 0 && ns == 1000000ULL, ".001 -> %llu", ns);
	CHECK(parse_seconds("0.000000001", &ns) == 0 && ns == 1ULL, "1ns -> %llu", ns);
	CHECK(parse_seconds("", &ns) == -EINVAL, "empty");
	CHECK(parse_seconds(".", &ns) == -EINVAL, "dot only");
	CHECK(parse_seconds("-1", &ns) == -EINVAL, "negative");
	CHECK(parse_seconds("1s", &ns) == -EINVAL, "unit suffix");
	CHECK(parse_seconds("1e3", &ns) == -EINVAL, "exponent");
}

static void test_parse_dev_spec(void)
{
	bool p;

	CHECK(parse_dev_spec("0", &p) == 0 && !p, "0");
	CHECK(parse_dev_spec("12", &p) == 12 && !p, "12");
	CHECK(parse_dev_spec("irqcap3", &p) == 3 && !p, "irqcap3");
	CHECK(parse_dev_spec("/dev/irqcap4", &p) == 4 && p, "/dev/irqcap4");
	CHECK(parse_dev_spec("./irqcap10", &p) == 10 && p, "./irqcap10");
	CHECK(parse_dev_spec("irqcap", &p) == -1, "irqcap without number");
	CHECK(parse_dev_spec("irqcapX", &p) == -1, "irqcapX");
	CHECK(parse_dev_spec("irqcap007", &p) == -1, "leading zeros");
	CHECK(parse_dev_spec("/dev/sda", &p) == -1, "/dev/sda");
	CHECK(parse_dev_spec("-1", &p) == -1, "-1");
	CHECK(parse_dev_spec("/dev/7", &p) == -1, "path to a bare number");
	CHECK(parse_dev_spec("gpio0", &p) == -1, "gpio0");
}

static void test_format_time(void)
{
	char b[32];

	fmt_ts(b, sizeof(b), 0);
	CHECK_STR(b, "0.000000000");
	fmt_ts(b, sizeof(b), 1234000000567ULL);
	CHECK_STR(b, "1234.000000567");
	fmt_dur(b, sizeof(b), 512);
	CHECK_STR(b, "512ns");
	fmt_dur(b, sizeof(b), 16384);
	CHECK_STR(b, "16.4us");
	fmt_dur(b, sizeof(b), 2097152);
	CHECK_STR(b, "2.1ms");
	fmt_dur(b, sizeof(b), 1073741824ULL);
	CHECK_STR(b, "1.07s");
}

static struct irqcap_event ev(unsigned int type, unsigned long long ts,
			      unsigned long long seq, unsigned long long data)
{
	struct irqcap_event e = { .timestamp_ns = ts, .seqno = seq, .data = data, .type = type };

	return e;
}

static void test_stream_account(void)
{
	struct stream_state st;
	struct event_view v;
	struct irqcap_event e;

	memset(&st, 0, sizeof(st));
	e = ev(IRQCAP_EVENT_IRQ, 1000, 1, 0);
	stream_account(&st, &e, &v);
	CHECK(!v.have_interval && !v.seq_gap && !strcmp(v.type, "irq"), "first irq");

	e = ev(IRQCAP_EVENT_IRQ, 1500, 2, 0);
	stream_account(&st, &e, &v);
	CHECK(v.have_interval && v.interval_ns == 500 && !v.seq_gap, "interval %llu", v.interval_ns);

	e = ev(IRQCAP_EVENT_IRQ, 4000, 5, 0);	/* 3 and 4 missing */
	stream_account(&st, &e, &v);
	CHECK(v.seq_gap == 2 && v.gap_from == 2 && !v.have_interval && !v.gap_reported,
	      "gap %llu from %llu interval %d", v.seq_gap, v.gap_from, v.have_interval);

	e = ev(IRQCAP_EVENT_OVERFLOW, 9000, 5, 7);
	stream_account(&st, &e, &v);
	CHECK(v.lost == 7 && !v.seq_gap && !strcmp(v.type, "overflow"), "overflow lost %llu", v.lost);

	e = ev(IRQCAP_EVENT_IRQ, 9100, 13, 0);	/* 6..12 lost in the overflow */
	stream_account(&st, &e, &v);
	CHECK(v.seq_gap == 7 && !v.have_interval && v.gap_reported, "gap after overflow %llu", v.seq_gap);

	e = ev(IRQCAP_EVENT_MARKER, 9200, 13, 42);
	stream_account(&st, &e, &v);
	CHECK(!v.seq_gap && v.data == 42 && !strcmp(v.type, "marker"), "marker");

	e = ev(IRQCAP_EVENT_IRQ, 9300, 14, 0);	/* marker does not break intervals */
	stream_account(&st, &e, &v);
	CHECK(v.have_interval && v.interval_ns == 200, "interval across marker %llu", v.interval_ns);

	e = ev(IRQCAP_EVENT_TIMEOUT, 50000, 15, 40000);	/* seqno 15 never seen */
	stream_account(&st, &e, &v);
	CHECK(v.seq_gap == 1 && !strcmp(v.type, "timeout") && !v.gap_reported,
	      "timeout reveals gap %llu", v.seq_gap);

	e = ev(IRQCAP_EVENT_IRQ, 60000, 16, 0);
	stream_account(&st, &e, &v);
	CHECK(!v.have_interval && !v.seq_gap, "no interval across a gap");

	CHECK(st.chk.irqs == 6 && st.chk.overflows == 1 && st.chk.markers == 1 &&
	      st.chk.timeouts == 1, "totals irq %llu", (unsigned long long)st.chk.irqs);
	CHECK(st.chk.lost == 7 && st.chk.gap_total == 10 && st.chk.gap_unreported == 3,
	      "lost %llu gaps %llu unreported %llu", (unsigned long long)st.chk.lost,
	      (unsigned long long)st.chk.gap_total, (unsigned long long)st.chk.gap_unreported);

	e = ev(99, 70000, 16, 5);
	stream_account(&st, &e, &v);
	CHECK(!strcmp(v.type, "unknown") && st.chk.others == 1, "unknown type");

	/* a fresh reader's overflow record has seqno 0: no baseline from it */
	memset(&st, 0, sizeof(st));
	e = ev(IRQCAP_EVENT_OVERFLOW, 1000, 0, 84);
	stream_account(&st, &e, &v);
	CHECK(v.lost == 84 && !v.seq_gap, "first overflow");
	e = ev(IRQCAP_EVENT_IRQ, 900, 105, 0);
	stream_account(&st, &e, &v);
	CHECK(!v.seq_gap && st.chk.gap_total == 0, "no invented gap from seqno 0: %llu", v.seq_gap);
	e = ev(IRQCAP_EVENT_IRQ, 950, 106, 0);
	stream_account(&st, &e, &v);
	CHECK(v.have_interval && v.interval_ns == 50, "interval resumes");
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
	b[1] = ev(99, 500, 5, 0);	/* a type no ABI has */
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

static void test_print_event(void)
{
	struct stream_state st;
	struct event_view v;
	struct irqcap_event e;
	char *o;

	memset(&st, 0, sizeof(st));
	e = ev(IRQCAP_EVENT_IRQ, 1000000000ULL, 1, 0);
	stream_account(&st, &e, &v);
	o = capture_event(FMT_JSON, "irqcap0", &v);
	CHECK_STR(o, "{\"device\":\"irqcap0\",\"type\":\"irq\",\"timestamp_ns\":1000000000,\"seqno\":1,\"interval_ns\":null,\"lost\":0,\"seq_gap\":0,\"data\":0}\n");
	o = capture_event(FMT_CSV, "irqcap0", &v);
	CHECK_STR(o, "irqcap0,irq,1000000000,1,,0,0,0\n");
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK_STR(o, "irqcap0  1.000000000               1  irq       -\n");

	e = ev(IRQCAP_EVENT_IRQ, 1010000000ULL, 2, 0);
	stream_account(&st, &e, &v);
	o = capture_event(FMT_CSV, "irqcap0", &v);
	CHECK_STR(o, "irqcap0,irq,1010000000,2,10000000,0,0,0\n");
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK_STR(o, "irqcap0  1.010000000               2  irq       +0.010000000\n");

	e = ev(IRQCAP_EVENT_OVERFLOW, 2000000000ULL, 2, 300);
	stream_account(&st, &e, &v);
	o = capture_event(FMT_JSON, "irqcap1", &v);
	CHECK_STR(o, "{\"device\":\"irqcap1\",\"type\":\"overflow\",\"timestamp_ns\":2000000000,\"seqno\":2,\"interval_ns\":null,\"lost\":300,\"seq_gap\":0,\"data\":300}\n");
	o = capture_event(FMT_TEXT, "irqcap1", &v);
	CHECK(strstr(o, "overflow") && strstr(o, "LOST 300 records"), "text overflow: %s", o);

	e = ev(IRQCAP_EVENT_IRQ, 2100000000ULL, 303, 0);
	stream_account(&st, &e, &v);
	o = capture_event(FMT_TEXT, "irqcap1", &v);
	CHECK(strstr(o, "seqno jumped 2 -> 303: 300 interrupts lost in the overflow") &&
	      !strstr(o, "LOST"), "text gap after overflow: %s", o);
	o = capture_event(FMT_JSON, "irqcap1", &v);
	CHECK(strstr(o, "\"seq_gap\":300,"), "json gap: %s", o);

	e = ev(IRQCAP_EVENT_TIMEOUT, 3100000000ULL, 303, 1000000000ULL);
	stream_account(&st, &e, &v);
	o = capture_event(FMT_TEXT, "irqcap1", &v);
	CHECK(strstr(o, "timeout") && strstr(o, "no interrupt for 1.000000000s"), "text timeout: %s", o);

	e = ev(IRQCAP_EVENT_MARKER, 3200000000ULL, 303, 42);
	stream_account(&st, &e, &v);
	o = capture_event(FMT_TEXT, "irqcap1", &v);
	CHECK(strstr(o, "marker value 42 (0x2a)"), "text marker: %s", o);

	{
		FILE *f;
		char buf[64];

		f = fmemopen(buf, sizeof(buf), "w");
		json_str(f, "a\"b\\c\n\x01");
		fclose(f);
		CHECK_STR(buf, "\"a\\\"b\\\\c\\n\\u0001\"");
	}
}

static const char latency_text[] =
	"irq_to_commit max_ns 5000\n"
	"irq_to_commit lt_ns 1 2\n"
	"irq_to_commit lt_ns 4096 10\n"
	"irq_to_commit lt_ns 8192 5\n"
	"irq_to_read max_ns 0\n"
	"commit_to_read max_ns 300\n"
	"commit_to_read lt_ns 512 4\n";

static void test_hist(void)
{
	struct hist h[HIST_MAX];
	char out[4096];
	FILE *f;
	int nh;

	nh = hist_parse(latency_text, h, HIST_MAX);
	CHECK(nh == 3, "3 histograms, got %d", nh);
	if (nh != 3)
		return;
	CHECK(!strcmp(h[0].name, "irq_to_commit") && h[0].max_ns == 5000 && h[0].n == 3,
	      "h0 %s %llu %d", h[0].name, h[0].max_ns, h[0].n);
	CHECK(h[0].lt_ns[1] == 4096 && h[0].count[1] == 10, "bucket");
	CHECK(h[1].n == 0, "empty histogram");
	CHECK(hist_parse("irq_to_commit bogus 1\n", h, HIST_MAX) == -EINVAL, "bad key");
	CHECK(hist_parse("garbage\n", h, HIST_MAX) == -EINVAL, "garbage");
	CHECK(hist_parse("", h, HIST_MAX) == 0, "empty file");

	nh = hist_parse(latency_text, h, HIST_MAX);
	f = fmemopen(out, sizeof(out), "w");
	hist_draw(f, &h[0], 10);
	fclose(f);
	CHECK(strstr(out, "latency irq_to_commit (interrupt -> event committed by the bottom half): 17 samples, max 5.0us\n") != NULL,
	      "title: %s", out);
	/* peak bucket gets the full width, the others scale, gaps are drawn */
	CHECK(strstr(out, "  2.0us..4.1us |########## 10\n") != NULL, "peak bar: %s", out);
	CHECK(strstr(out, "  4.1us..8.2us |#####      5\n") != NULL, "half bar: %s", out);
	CHECK(strstr(out, "    0ns |##         2\n") != NULL, "zero bucket: %s", out);
	CHECK(strstr(out, "  1ns..2.0us |           0\n") != NULL, "run of empty buckets collapsed: %s", out);
	CHECK(strstr(out, "1.0us..2.0us") == NULL, "no line per empty bucket: %s", out);


	f = fmemopen(out, sizeof(out), "w");
	hist_draw(f, &h[1], 10);
	fclose(f);
	CHECK(strstr(out, "(no samples yet)") != NULL, "empty: %s", out);

	f = fmemopen(out, sizeof(out), "w");
	hist_json(f, h, 1);
	fclose(f);
	CHECK_STR(out, "{\"irq_to_commit\":{\"max_ns\":5000,\"buckets\":[{\"lt_ns\":1,\"count\":2},{\"lt_ns\":4096,\"count\":10},{\"lt_ns\":8192,\"count\":5}]}}");

	/* short gaps (1-2 empty buckets) stay one line per bucket */
	CHECK(hist_parse("h max_ns 100\nh lt_ns 16 1\nh lt_ns 128 2\n", h, HIST_MAX) == 1, "parse h");
	f = fmemopen(out, sizeof(out), "w");
	hist_draw(f, &h[0], 4);
	fclose(f);
	CHECK(strstr(out, " 8ns..16ns |##   1\n") && strstr(out, " 16ns..32ns |     0\n") &&
	      strstr(out, " 32ns..64ns |     0\n") && strstr(out, " 64ns..128ns |#### 2\n"),
	      "short gap: %s", out);
}

static void test_validate_setting(void)
{
	const struct setting *s;
	char canon[32], msg[256];

	CHECK(validate_setting("bottom_half", "tasklet", &s, canon, 32, msg, 256) == 0 &&
	      !strcmp(canon, "tasklet"), "tasklet");
	CHECK(validate_setting("bottom-half", "hardirq", &s, canon, 32, msg, 256) == 0 &&
	      !strcmp(s->key, "bottom_half"), "alias");
	CHECK(validate_setting("bottom_half", "fast", &s, canon, 32, msg, 256) == EXIT_USAGE &&
	      strstr(msg, "hardirq, threaded, tasklet, workqueue"), "fast: %s", msg);
	CHECK(validate_setting("debounce_us", "010", &s, canon, 32, msg, 256) == 0 &&
	      !strcmp(canon, "10"), "010 canon '%s' (kernel would parse octal)", canon);
	CHECK(validate_setting("debounce_us", "1000000", &s, canon, 32, msg, 256) == 0, "max");
	CHECK(validate_setting("debounce_us", "1000001", &s, canon, 32, msg, 256) == EXIT_USAGE &&
	      strstr(msg, "out of range"), "over max: %s", msg);
	CHECK(validate_setting("debounce_us", "10ms", &s, canon, 32, msg, 256) == EXIT_USAGE &&
	      strstr(msg, "not a plain decimal integer"), "10ms: %s", msg);
	CHECK(validate_setting("debounce_us", "-5", &s, canon, 32, msg, 256) == EXIT_USAGE, "-5");
	CHECK(validate_setting("idle_timeout_ms", "3600000", &s, canon, 32, msg, 256) == 0, "idle max");
	CHECK(validate_setting("idle_timeout_ms", "99999999999999999999999", &s, canon, 32,
			       msg, 256) == EXIT_USAGE && strstr(msg, "out of range"), "huge: %s", msg);
	CHECK(validate_setting("ring_size", "64", &s, canon, 32, msg, 256) == EXIT_USAGE &&
	      strstr(msg, "unknown setting 'ring_size'"), "read-only key: %s", msg);
	CHECK(validate_setting("wakeup_holdoff_us", "0", &s, canon, 32, msg, 256) == 0 &&
	      !strcmp(s->key, "wakeup_holdoff_us") && !strcmp(canon, "0"), "holdoff 0 (off)");
	CHECK(validate_setting("wakeup-holdoff-us", "0100", &s, canon, 32, msg, 256) == 0 &&
	      !strcmp(s->key, "wakeup_holdoff_us") && !strcmp(canon, "100"),
	      "holdoff alias, canon '%s'", canon);
	CHECK(validate_setting("wakeup_holdoff_us", "100000", &s, canon, 32, msg, 256) == 0,
	      "holdoff max");
	CHECK(validate_setting("wakeup_holdoff_us", "100001", &s, canon, 32, msg, 256) == EXIT_USAGE &&
	      strstr(msg, "wakeup_holdoff_us: 100001 is out of range (0..100000 microseconds"),
	      "holdoff over max: %s", msg);
	CHECK(validate_setting("wakeup_holdoff_us", "1ms", &s, canon, 32, msg, 256) == EXIT_USAGE &&
	      strstr(msg, "not a plain decimal integer (expected 0..100000"), "holdoff 1ms: %s", msg);
	/* the "settable:" list names every key of the table */
	validate_setting("frequency", "1", &s, canon, 32, msg, 256);
	for (unsigned int i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		CHECK(strstr(msg, settings[i].key) != NULL, "'%s' missing from: %s",
		      settings[i].key, msg);
}

static void test_split_long_opts(void)
{
	char a0[] = "irqcap", a1[] = "monitor", a2[] = "--format=json", a3[] = "-n", a4[] = "3",
	     a5[] = "--=x", a6[] = "--timeout=", a7[] = "x=y";
	char *in[] = { a0, a1, a2, a3, a4, a5, a6, a7 }, *out[17];
	int n = split_long_opts(8, in, out);

	CHECK(n == 10, "argc %d", n);
	if (n != 10)
		return;
	CHECK_STR(out[2], "--format");
	CHECK_STR(out[3], "json");
	CHECK_STR(out[4], "-n");
	CHECK_STR(out[6], "--=x");
	CHECK_STR(out[7], "--timeout");
	CHECK_STR(out[8], "");
	CHECK_STR(out[9], "x=y");
	CHECK(out[10] == NULL, "NULL-terminated");
}

/* Run the CLI with @argv; its stderr into @errbuf.  Returns the exit code. */
static int run_cli(char **argv, char *errbuf, size_t len)
{
	char path[] = "/tmp/irqcap-unit-err.XXXXXX";
	int argc = 0, rc, saved, tmp = mkstemp(path);
	ssize_t n;

	while (argv[argc])
		argc++;
	fflush(stderr);
	saved = dup(2);
	dup2(tmp, 2);
	rc = irqcap_main(argc, argv);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(tmp, errbuf, len - 1, 0);
	errbuf[n > 0 ? n : 0] = 0;
	close(tmp);
	unlink(path);
	return rc;
}

/*
 * issue 15 §3.1: when driver and tools disagree on the ABI, `monitor` says
 * so, naming both versions, and fails: a driver that reports another
 * abi_version, and one that does not know this ABI's INFO ioctl (ENOTTY on
 * a character device; an ABI-1 driver answers only magic 0xB6).
 */
static void test_abi_mismatch(void)
{
	char dir[] = "/tmp/irqcap-unit-abi.XXXXXX", p[256], mine[16], theirs[16], e[1024];
	char a0[] = "irqcap", a1[] = "monitor", a2[] = "-n", a3[] = "1", a4[] = "-t",
	     a5[] = "0.2", a6[] = "irqcap0";
	char *argv[] = { a0, a1, a2, a3, a4, a5, a6, NULL };
	int rc;

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return;
	}
	snprintf(p, sizeof(p), "mkdir -p %s/sys/class/misc/irqcap0/device %s/dev && ln -s /dev/null %s/dev/irqcap0",
		 dir, dir, dir);
	CHECK(system(p) == 0, "fake tree");
	snprintf(p, sizeof(p), "%s/sys", dir);
	setenv("IRQCAP_SYSFS_ROOT", p, 1);
	snprintf(p, sizeof(p), "%s/dev", dir);
	setenv("IRQCAP_DEV_ROOT", p, 1);
	snprintf(mine, sizeof(mine), "ABI %d", IRQCAP_ABI_VERSION);

	fake_abi = IRQCAP_ABI_VERSION + 1;
	snprintf(theirs, sizeof(theirs), "ABI %d", fake_abi);
	rc = run_cli(argv, e, sizeof(e));
	CHECK(rc != EXIT_OK && strstr(e, mine) && strstr(e, theirs),
	      "driver reports %s: exit %d, stderr '%s' (want both ABIs named)", theirs, rc, e);

	fake_abi = -1;	/* /dev/null: ENOTTY for INFO */
	rc = run_cli(argv, e, sizeof(e));
	CHECK(rc != EXIT_OK && strstr(e, mine) && strstr(e, "ABI 1"),
	      "driver does not know INFO (ENOTTY): exit %d, stderr '%s' (want an error naming %s and ABI 1)",
	      rc, e, mine);

	unsetenv("IRQCAP_SYSFS_ROOT");
	unsetenv("IRQCAP_DEV_ROOT");
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	CHECK(system(p) == 0, "cleanup");
}

int main(void)
{
	test_split_long_opts();
	test_parse_u64();
	test_parse_seconds();
	test_parse_dev_spec();
	test_format_time();
	test_stream_account();
	test_stream_checker();
	test_print_event();
	test_hist();
	test_validate_setting();
	test_abi_mismatch();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
