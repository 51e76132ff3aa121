// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Unit tests of the CLI: number parsing, time formatting, what records mean
 * (through libirqcap's reader, on recordings), record formatting,
 * histogram parsing and drawing, setting validation, the ABI check.  Links
 * the CLI's objects and libirqcap.a.  Built by `make -C tools test`.
 */
#include "unit.h"
#include "cli.h"

#include <limits.h>

static char *capture_event(enum fmt fmt, const char *dev, const struct irqcap_record *v)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof(out), "w");

	print_event(f, fmt, dev, NULL, v);
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

/*
 * What records mean in their stream (libirqcap's reader, on a recording):
 * intervals, gaps, losses; the CLI prints what the library says.
 */
static void test_stream_account(void)
{
	const struct irqcap_event seq1[] = {
		ev(IRQCAP_EVENT_IRQ, 1000, 1, 0),
		ev(IRQCAP_EVENT_IRQ, 1500, 2, 0),
		ev(IRQCAP_EVENT_IRQ, 4000, 5, 0),	/* 3 and 4 missing */
		ev(IRQCAP_EVENT_OVERFLOW, 9000, 5, 7),
		ev(IRQCAP_EVENT_IRQ, 9100, 13, 0),	/* 6..12 lost in the overflow */
		ev(IRQCAP_EVENT_MARKER, 9200, 13, 42),
		ev(IRQCAP_EVENT_IRQ, 9300, 14, 0),	/* marker does not break intervals */
		ev(IRQCAP_EVENT_TIMEOUT, 50000, 15, 40000),	/* seqno 15 never seen */
		ev(IRQCAP_EVENT_IRQ, 60000, 16, 0),
		ev(99, 70000, 16, 5),
	};
	const struct irqcap_event seq2[] = {
		/* a fresh reader's overflow record has seqno 0: no baseline from it */
		ev(IRQCAP_EVENT_OVERFLOW, 1000, 0, 84),
		ev(IRQCAP_EVENT_IRQ, 900, 105, 0),
		ev(IRQCAP_EVENT_IRQ, 950, 106, 0),
	};
	struct irqcap_reader *r = recording(seq1, 10, NULL);
	struct irqcap_counts c;
	struct irqcap_record v;

	CHECK(r != NULL, "reader on a recording");
	if (!r)
		return;
	irqcap_reader_next(r, &v, 0);
	CHECK(!v.have_interval && !v.gap && v.ev.type == IRQCAP_EVENT_IRQ, "first irq");
	irqcap_reader_next(r, &v, 0);
	CHECK(v.have_interval && v.interval_ns == 500 && !v.gap, "interval %llu",
	      (unsigned long long)v.interval_ns);
	irqcap_reader_next(r, &v, 0);
	CHECK(v.gap == 2 && v.gap_from == 2 && !v.have_interval && !v.after_overflow,
	      "gap %llu from %llu interval %d", (unsigned long long)v.gap,
	      (unsigned long long)v.gap_from, v.have_interval);
	irqcap_reader_next(r, &v, 0);
	CHECK(v.lost == 7 && !v.gap && v.ev.type == IRQCAP_EVENT_OVERFLOW, "overflow lost %llu",
	      (unsigned long long)v.lost);
	irqcap_reader_next(r, &v, 0);
	CHECK(v.gap == 7 && !v.have_interval && v.after_overflow, "gap after overflow %llu",
	      (unsigned long long)v.gap);
	irqcap_reader_next(r, &v, 0);
	CHECK(!v.gap && v.ev.data == 42 && v.ev.type == IRQCAP_EVENT_MARKER, "marker");
	irqcap_reader_next(r, &v, 0);
	CHECK(v.have_interval && v.interval_ns == 200, "interval across marker %llu",
	      (unsigned long long)v.interval_ns);
	irqcap_reader_next(r, &v, 0);
	CHECK(v.gap == 1 && v.ev.type == IRQCAP_EVENT_TIMEOUT && !v.after_overflow,
	      "timeout reveals gap %llu", (unsigned long long)v.gap);
	irqcap_reader_next(r, &v, 0);
	CHECK(!v.have_interval && !v.gap, "no interval across a gap");
	irqcap_reader_counts(r, &c);
	CHECK(c.irqs == 6 && c.overflows == 1 && c.markers == 1 && c.timeouts == 1,
	      "totals irq %llu", (unsigned long long)c.irqs);
	CHECK(c.lost == 7 && c.gap_total == 10 && c.gap_unreported == 3,
	      "lost %llu gaps %llu unreported %llu", (unsigned long long)c.lost,
	      (unsigned long long)c.gap_total, (unsigned long long)c.gap_unreported);
	irqcap_reader_next(r, &v, 0);
	irqcap_reader_counts(r, &c);
	CHECK(!strcmp(irqcap_event_type_name(v.ev.type), "unknown") && c.others == 1,
	      "unknown type");
	CHECK(irqcap_reader_next(r, &v, 0) == -IRQCAP_E_END, "end of the recording");
	irqcap_reader_close(r);

	r = recording(seq2, 3, NULL);
	irqcap_reader_next(r, &v, 0);
	CHECK(v.lost == 84 && !v.gap, "first overflow");
	irqcap_reader_next(r, &v, 0);
	irqcap_reader_counts(r, &c);
	CHECK(!v.gap && c.gap_total == 0, "no invented gap from seqno 0: %llu",
	      (unsigned long long)v.gap);
	irqcap_reader_next(r, &v, 0);
	CHECK(v.have_interval && v.interval_ns == 50, "interval resumes");
	irqcap_reader_close(r);
}

static void test_print_event(void)
{
	const struct irqcap_event seq[] = {
		ev(IRQCAP_EVENT_IRQ, 1000000000ULL, 1, 0),
		ev(IRQCAP_EVENT_IRQ, 1010000000ULL, 2, 0),
		ev(IRQCAP_EVENT_OVERFLOW, 2000000000ULL, 2, 300),
		ev(IRQCAP_EVENT_IRQ, 2100000000ULL, 303, 0),
		ev(IRQCAP_EVENT_TIMEOUT, 3100000000ULL, 303, 1000000000ULL),
		ev(IRQCAP_EVENT_MARKER, 3200000000ULL, 303, 42),
	};
	struct irqcap_reader *r = recording(seq, 6, NULL);
	struct irqcap_record v;
	char *o;

	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_JSON, "irqcap0", &v);
	CHECK_STR(o, "{\"device\":\"irqcap0\",\"type\":\"irq\",\"timestamp_ns\":1000000000,\"seqno\":1,\"interval_ns\":null,\"lost\":0,\"seq_gap\":0,\"data\":0,\"edge\":null,\"clock\":\"monotonic\",\"label\":null}\n");
	o = capture_event(FMT_CSV, "irqcap0", &v);
	CHECK_STR(o, "irqcap0,irq,1000000000,1,,0,0,0,,monotonic\n");
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK_STR(o, "irqcap0  1.000000000               1  irq       -\n");

	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_CSV, "irqcap0", &v);
	CHECK_STR(o, "irqcap0,irq,1010000000,2,10000000,0,0,0,,monotonic\n");
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK_STR(o, "irqcap0  1.010000000               2  irq       +0.010000000\n");

	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_JSON, "irqcap1", &v);
	CHECK_STR(o, "{\"device\":\"irqcap1\",\"type\":\"overflow\",\"timestamp_ns\":2000000000,\"seqno\":2,\"interval_ns\":null,\"lost\":300,\"seq_gap\":0,\"data\":300,\"edge\":null,\"clock\":\"monotonic\",\"label\":null}\n");
	o = capture_event(FMT_TEXT, "irqcap1", &v);
	CHECK(strstr(o, "overflow") && strstr(o, "LOST 300 records"), "text overflow: %s", o);

	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap1", &v);
	CHECK(strstr(o, "seqno jumped 2 -> 303: 300 interrupts lost in the overflow") &&
	      !strstr(o, "LOST"), "text gap after overflow: %s", o);
	o = capture_event(FMT_JSON, "irqcap1", &v);
	CHECK(strstr(o, "\"seq_gap\":300,"), "json gap: %s", o);

	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap1", &v);
	CHECK(strstr(o, "timeout") && strstr(o, "no interrupt for 1.000000000s"), "text timeout: %s", o);

	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap1", &v);
	CHECK(strstr(o, "marker value 42 (0x2a)"), "text marker: %s", o);

	irqcap_reader_close(r);

	{
		FILE *f;
		char buf[64];

		f = fmemopen(buf, sizeof(buf), "w");
		json_str(f, "a\"b\\c\n\x01");
		fclose(f);
		CHECK_STR(buf, "\"a\\\"b\\\\c\\n\\u0001\"");
	}
}

/* ABI 3's fields in every format: edge, clock, label, the new record types */
static void test_print_abi3(void)
{
	struct irqcap_event seq[] = {
		ev(IRQCAP_EVENT_IRQ, 1000000000ULL, 1, 0),
		ev(IRQCAP_EVENT_IRQ, 1000000500ULL, 2, 0),
		ev(IRQCAP_EVENT_IRQ, 1000001000ULL, 3, 0),
		ev(IRQCAP_EVENT_SUSPEND, 2000000000ULL, 3, 0),
		ev(IRQCAP_EVENT_RESUME, 2000000000ULL, 3, 5500000000ULL),
		ev(IRQCAP_EVENT_IRQ, 2000000100ULL, 4, 0),
		ev(IRQCAP_EVENT_THROTTLED, 2500000000ULL, 4, 100000000ULL),
	};
	struct irqcap_reader *r;
	struct irqcap_record v;
	struct irqcap_counts c;
	char *o;

	seq[0].edge = IRQCAP_EDGE_RISING;
	seq[1].edge = IRQCAP_EDGE_FALLING;
	seq[5].edge = IRQCAP_EDGE_RISING;
	for (int i = 0; i < 7; i++)
		seq[i].clock = IRQCAP_CLOCK_REALTIME;	/* as a driver converting would */
	r = recording(seq, 7, NULL);
	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK_STR(o, "irqcap0  1.000000000               1  rising    -\n");
	o = capture_event(FMT_JSON, "irqcap0", &v);
	CHECK(strstr(o, ",\"edge\":\"rising\",\"clock\":\"realtime\",\"label\":null}\n") != NULL,
	      "json edge/clock: %s", o);
	o = capture_event(FMT_CSV, "irqcap0", &v);
	CHECK_STR(o, "irqcap0,irq,1000000000,1,,0,0,0,rising,realtime\n");
	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK_STR(o, "irqcap0  1.000000500               2  falling   +0.000000500\n");
	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK(strstr(o, "  3  irq       +0.000000500") != NULL, "unknown edge stays 'irq': %s", o);
	o = capture_event(FMT_JSON, "irqcap0", &v);
	CHECK(strstr(o, "\"edge\":null,") != NULL, "json edge null: %s", o);
	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK(strstr(o, "suspend") && strstr(o, "capture stopped for a system suspend"),
	      "suspend: %s", o);
	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK(strstr(o, "resume") && strstr(o, "capture resumed after 5.500000000s suspended"),
	      "resume: %s", o);
	o = capture_event(FMT_JSON, "irqcap0", &v);
	CHECK(strstr(o, "\"type\":\"resume\",") && strstr(o, "\"data\":5500000000,"),
	      "json resume: %s", o);
	irqcap_reader_next(r, &v, 0);
	CHECK(!v.have_interval && !v.violations, "no interval across a suspend, no violation: %#x",
	      v.violations);
	irqcap_reader_next(r, &v, 0);
	o = capture_event(FMT_TEXT, "irqcap0", &v);
	CHECK(strstr(o, "throttled") && strstr(o, "disabled for 0.100000000s"), "throttled: %s", o);
	irqcap_reader_counts(r, &c);
	CHECK(c.others == 3 && c.irqs == 4 && !c.bad, "ABI 3 types counted, not bad: %llu %llu",
	      (unsigned long long)c.others, (unsigned long long)c.bad);
	irqcap_reader_close(r);

	/* a label names the device in text and is a JSON field */
	seq[0].clock = IRQCAP_CLOCK_MONOTONIC;
	r = recording(seq, 1, NULL);
	irqcap_reader_next(r, &v, 0);
	{
		static char out[512];
		FILE *f = fmemopen(out, sizeof(out), "w");

		print_event(f, FMT_TEXT, "irqcap0", "door", &v);
		print_event(f, FMT_JSON, "irqcap0", "door", &v);
		fclose(f);
		CHECK(!strncmp(out, "door     1.000000000", 19) &&
		      strstr(out, "{\"device\":\"irqcap0\",") &&
		      strstr(out, "\"clock\":\"monotonic\",\"label\":\"door\"}"),
		      "label: %s", out);
		f = fmemopen(out, sizeof(out), "w");
		print_text_header(f, IRQCAP_CLOCK_REALTIME);
		fclose(f);
		CHECK_STR(out, "DEVICE   REALTIME_S            SEQNO  TYPE      INTERVAL_S      NOTE\n");
	}
	irqcap_reader_close(r);
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
	for (unsigned int i = 0; i < n_settings; i++)
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
	rc = irqcap_cli_main(argc, argv);
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
static int fake_abi = -1;

static int abi_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd;
	if (fake_abi >= 0 && req == IRQCAP_IOC_INFO) {
		struct irqcap_info *info = arg;

		memset(info, 0, sizeof(*info));
		info->abi_version = (unsigned int)fake_abi;
		info->event_size = sizeof(struct irqcap_event);
		info->ring_size = 256;
		info->irq = 5;
		return 0;
	}
	return FAKE_PASS;
}

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

	fake_ioctl = abi_ioctl;
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

	fake_ioctl = NULL;
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
	test_format_time();
	test_stream_account();
	test_print_event();
	test_print_abi3();
	test_hist();
	test_validate_setting();
	test_abi_mismatch();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
