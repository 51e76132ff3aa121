// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for irqcap's jiffies and rate helpers (src/irqcap_time.c):
 * the idle timer's wait for several HZ values, the rate window across the
 * wrap of jiffies and its moving average; the reader's clock: conversion
 * of CLOCK_MONOTONIC records with a given offset (saturating), and, as a
 * check of the offset the driver reads, against the live clocks.
 * Jiffies values are synthetic; the live counter is never used.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/math64.h>

#include "irqcap_time.h"

static const unsigned int hz_values[] = { 100, 250, 300, 1000 };

static void hz_desc(const unsigned int *hz, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "HZ=%u", *hz);
}

KUNIT_ARRAY_PARAM(hz, hz_values, hz_desc);

/* ------------------------------------------------------------------ */
/* Jiffies values across the wrap (the rate window)                    */

struct wrap_start {
	const char *name;
	unsigned long start;
};

static const struct wrap_start wrap_starts[] = {
	{ "0", 0 },
	{ "1", 1 },
	{ "INITIAL_JIFFIES", INITIAL_JIFFIES },
	{ "INITIAL_JIFFIES-1", INITIAL_JIFFIES - 1 },
	{ "U32_MAX-1", (unsigned long)U32_MAX - 1 },
	{ "U32_MAX", (unsigned long)U32_MAX },
	{ "LONG_MAX", LONG_MAX },
	{ "LONG_MIN", (unsigned long)LONG_MIN },
	{ "ULONG_MAX-2", ULONG_MAX - 2 },
	{ "ULONG_MAX-1", ULONG_MAX - 1 },
	{ "ULONG_MAX", ULONG_MAX },
};

/* ------------------------------------------------------------------ */
/* The idle timer's wait                                               */

/*
 * The timer set for jiffies + w expires after at least w - 1 whole ticks,
 * which must cover the rest of the timeout (never early), and w - 2 must
 * not (no tick more than needed).  Compared in ns * hz: exact for HZ=300.
 */
static void idle_wait_never_early_test(struct kunit *test)
{
	unsigned int hz = *(const unsigned int *)test->param_value;
	static const u32 timeouts_ms[] = { 1, 2, 3, 9, 10, 11, 200, 999, 1000,
					   1001, 60000, IRQCAP_IDLE_TIMEOUT_MAX_MS };
	u64 tick_ns = div_u64(NSEC_PER_SEC, hz);
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(timeouts_ms); i++) {
		u64 timeout_ns = (u64)timeouts_ms[i] * NSEC_PER_MSEC;
		const u64 idles[] = { 0, 1, timeout_ns / 3, timeout_ns / 2,
				      timeout_ns - tick_ns - 1, timeout_ns - tick_ns,
				      timeout_ns - 900000, timeout_ns - 1,
				      timeout_ns, timeout_ns + 1, U64_MAX };

		for (k = 0; k < ARRAY_SIZE(idles); k++) {
			u64 idle = idles[k], rest_hz;
			unsigned long w;

			if (idle > timeout_ns + 1 && idle != U64_MAX)
				continue; /* timeout shorter than a tick: wrapped */
			w = irqcap_idle_wait_jiffies(idle, timeouts_ms[i], hz);
			if (idle >= timeout_ns) {
				KUNIT_EXPECT_EQ_MSG(test, w, 0UL, "HZ=%u %u ms idle %llu ns",
						    hz, timeouts_ms[i], idle);
				continue;
			}
			rest_hz = (timeout_ns - idle) * hz;
			KUNIT_EXPECT_GE_MSG(test, w, 2UL, "HZ=%u %u ms idle %llu ns",
					    hz, timeouts_ms[i], idle);
			KUNIT_EXPECT_GE_MSG(test, (u64)(w - 1) * NSEC_PER_SEC, rest_hz,
					    "early: HZ=%u %u ms idle %llu ns wait %lu",
					    hz, timeouts_ms[i], idle, w);
			KUNIT_EXPECT_LT_MSG(test, (u64)(w - 2) * NSEC_PER_SEC, rest_hz,
					    "a tick too many: HZ=%u %u ms idle %llu ns wait %lu",
					    hz, timeouts_ms[i], idle, w);
		}
	}
}

/* Worked values, including the case that made the timer count in ns. */
static void idle_wait_table_test(struct kunit *test)
{
	/* 200 ms at HZ=250 is 50 ticks, and one for the tick under way */
	KUNIT_EXPECT_EQ(test, irqcap_idle_wait_jiffies(0, 200, 250), 51UL);
	/* jiffies said 200 ms had passed, the clock said 199.1 ms */
	KUNIT_EXPECT_EQ(test, irqcap_idle_wait_jiffies(199100000, 200, 250), 2UL);
	KUNIT_EXPECT_EQ(test, irqcap_idle_wait_jiffies(200000000, 200, 250), 0UL);
	KUNIT_EXPECT_EQ(test, irqcap_idle_wait_jiffies(200000001, 200, 250), 0UL);
	/* the longest timeout does not overflow at any HZ */
	KUNIT_EXPECT_EQ(test, irqcap_idle_wait_jiffies(0, IRQCAP_IDLE_TIMEOUT_MAX_MS, 1000),
			3600001UL);
	KUNIT_EXPECT_EQ(test, irqcap_idle_wait_jiffies(0, IRQCAP_IDLE_TIMEOUT_MAX_MS, 100),
			360001UL);
	/* a timeout of 0 has always passed */
	KUNIT_EXPECT_EQ(test, irqcap_idle_wait_jiffies(0, 0, 250), 0UL);
	/* no interrupt yet: the idle time from 0 is the clock itself */
	KUNIT_EXPECT_EQ(test, irqcap_idle_wait_jiffies(U64_MAX, 1, 1000), 0UL);
}

/* ------------------------------------------------------------------ */
/* Rates                                                               */

struct rate_case {
	const char *name;
	u64 events;
	unsigned long elapsed;
	unsigned int hz;
	u64 rate;
};

static const struct rate_case rate_cases[] = {
	{ "empty window", 100, 0, 100, 0 },
	{ "no events", 0, 100, 100, 0 },
	{ "1s@100", 100, 100, 100, 100 },
	{ "1s@250", 250, 250, 250, 250 },
	{ "1s@300", 7, 300, 300, 7 },
	{ "1s@1000", 12345, 1000, 1000, 12345 },
	{ "1 jiffy@1000", 10, 1, 1000, 10000 },
	{ "2 jiffies@300", 3, 2, 300, 450 },
	{ "round down", 2, 3, 100, 66 },
	{ "10s@250", 1000, 2500, 250, 100 },
	{ "1e12 events", 1000000000000ULL, 1000, 1000, 1000000000000ULL },
	{ "long window", 3600, 3600UL * 1000, 1000, 1 },
};

static void rate_case_desc(const struct rate_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rate, rate_cases, rate_case_desc);

static void rate_per_sec_test(struct kunit *test)
{
	const struct rate_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, irqcap_rate_per_sec(c->events, c->elapsed, c->hz),
			c->rate);
}

/* A window measured across the wrap: elapsed is the unsigned difference. */
static void rate_window_wrap_test(struct kunit *test)
{
	unsigned int h, i;

	for (h = 0; h < ARRAY_SIZE(hz_values); h++) {
		unsigned int hz = hz_values[h];

		for (i = 0; i < ARRAY_SIZE(wrap_starts); i++) {
			unsigned long start = wrap_starts[i].start;
			unsigned long now = start + 2 * hz;

			KUNIT_EXPECT_EQ_MSG(test,
					    irqcap_rate_per_sec(500, now - start, hz),
					    250ULL, "HZ=%u start=%s", hz,
					    wrap_starts[i].name);
		}
	}
}

static void rate_smooth_test(struct kunit *test)
{
	static const u64 targets[] = { 0, 1, 7, 8, 9, 1000, 123456789,
				       1ULL << 40, U64_MAX / 2 };
	unsigned int i, j, n;

	/* one step moves by ceil(|difference| / 8) */
	KUNIT_EXPECT_EQ(test, irqcap_rate_smooth(0, 8), 1ULL);
	KUNIT_EXPECT_EQ(test, irqcap_rate_smooth(0, 1), 1ULL);
	KUNIT_EXPECT_EQ(test, irqcap_rate_smooth(0, 9), 2ULL);
	KUNIT_EXPECT_EQ(test, irqcap_rate_smooth(8, 0), 7ULL);
	KUNIT_EXPECT_EQ(test, irqcap_rate_smooth(1, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, irqcap_rate_smooth(800, 1600), 900ULL);
	KUNIT_EXPECT_EQ(test, irqcap_rate_smooth(1600, 800), 1500ULL);
	KUNIT_EXPECT_EQ(test, irqcap_rate_smooth(42, 42), 42ULL);

	/* from any start to any target: monotonic, no overshoot, arrives */
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		for (j = 0; j < ARRAY_SIZE(targets); j++) {
			u64 avg = targets[i], target = targets[j];

			for (n = 0; n < 1000 && avg != target; n++) {
				u64 next = irqcap_rate_smooth(avg, target);

				if (target > avg ? next <= avg || next > target :
						   next >= avg || next < target) {
					KUNIT_FAIL(test, "%llu -> %llu: step to %llu",
						   avg, target, next);
					return;
				}
				avg = next;
			}
			KUNIT_EXPECT_EQ_MSG(test, avg, target, "from %llu in %u steps",
					    targets[i], n);
		}
	}
}

/* ------------------------------------------------------------------ */
/* The reader's clock                                                  */

struct clock_case {
	const char *name;
	u64 mono;
	s64 offset;
	u64 want;
};

static const struct clock_case clock_cases[] = {
	{ "monotonic", 123456789, 0, 123456789 },
	{ "boot +1s", 5000000000ULL, 1000000000LL, 6000000000ULL },
	/* 2026-12-01 00:00:00 UTC, 10 s after boot */
	{ "realtime", 10000000000ULL, 1796083190000000000LL, 1796083200000000000ULL },
	{ "tai = real + 37 s", 10000000000ULL, 1796083227000000000LL,
	  1796083237000000000ULL },
	{ "negative offset", 10000000000ULL, -4000000000LL, 6000000000ULL },
	{ "negative to 0", 10000000000ULL, -10000000000LL, 0 },
	{ "before the epoch: 0", 10000000000ULL, -10000000001LL, 0 },
	{ "S64_MIN", 1ULL << 62, S64_MIN, 0 },
	{ "S64_MIN, large time", U64_MAX, S64_MIN, U64_MAX - (1ULL << 63) },
	{ "saturates high", U64_MAX - 5, 10, U64_MAX },
	{ "exactly U64_MAX", U64_MAX - 10, 10, U64_MAX },
	{ "S64_MAX", 1, S64_MAX, (u64)S64_MAX + 1 },
	{ "zero time", 0, 1000, 1000 },
};

static void clock_case_desc(const struct clock_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(clock, clock_cases, clock_case_desc);

static void time_to_clock_test(struct kunit *test)
{
	const struct clock_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, irqcap_time_to_clock(c->mono, c->offset), c->want);
}

static void clock_valid_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, irqcap_clock_valid(IRQCAP_CLOCK_MONOTONIC));
	KUNIT_EXPECT_TRUE(test, irqcap_clock_valid(IRQCAP_CLOCK_BOOTTIME));
	KUNIT_EXPECT_TRUE(test, irqcap_clock_valid(IRQCAP_CLOCK_REALTIME));
	KUNIT_EXPECT_TRUE(test, irqcap_clock_valid(IRQCAP_CLOCK_TAI));
	KUNIT_EXPECT_FALSE(test, irqcap_clock_valid(IRQCAP_CLOCK_TAI + 1));
	KUNIT_EXPECT_FALSE(test, irqcap_clock_valid(U32_MAX));
	KUNIT_EXPECT_EQ(test, irqcap_clock_tk_offs(IRQCAP_CLOCK_BOOTTIME), TK_OFFS_BOOT);
	KUNIT_EXPECT_EQ(test, irqcap_clock_tk_offs(IRQCAP_CLOCK_REALTIME), TK_OFFS_REAL);
	KUNIT_EXPECT_EQ(test, irqcap_clock_tk_offs(IRQCAP_CLOCK_TAI), TK_OFFS_TAI);
}

/*
 * A batch: every record, OVERFLOW and TIMEOUT too, gets the clock and the
 * same offset; order and differences are kept; nothing else changes.
 */
static void events_to_clock_test(struct kunit *test)
{
	static const u32 types[] = { IRQCAP_EVENT_IRQ, IRQCAP_EVENT_OVERFLOW,
				     IRQCAP_EVENT_IRQ, IRQCAP_EVENT_TIMEOUT,
				     IRQCAP_EVENT_MARKER, IRQCAP_EVENT_IRQ };
	const s64 offset = 1796083190000000000LL;
	struct irqcap_event ev[ARRAY_SIZE(types)], orig[ARRAY_SIZE(types)];
	unsigned int i;

	memset(ev, 0, sizeof(ev));
	for (i = 0; i < ARRAY_SIZE(ev); i++) {
		ev[i].timestamp_ns = 1000000000ULL + i * 1000;
		ev[i].seqno = i + 1;
		ev[i].data = i * 7;
		ev[i].type = types[i];
		ev[i].edge = i % 3;
	}
	memcpy(orig, ev, sizeof(ev));
	irqcap_events_to_clock(ev, ARRAY_SIZE(ev), IRQCAP_CLOCK_REALTIME, offset);
	for (i = 0; i < ARRAY_SIZE(ev); i++) {
		KUNIT_EXPECT_EQ_MSG(test, ev[i].timestamp_ns,
				    orig[i].timestamp_ns + offset, "record %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ev[i].clock, (u8)IRQCAP_CLOCK_REALTIME,
				    "record %u", i);
		KUNIT_EXPECT_EQ(test, ev[i].seqno, orig[i].seqno);
		KUNIT_EXPECT_EQ(test, ev[i].data, orig[i].data);
		KUNIT_EXPECT_EQ(test, ev[i].type, orig[i].type);
		KUNIT_EXPECT_EQ(test, ev[i].edge, orig[i].edge);
		KUNIT_EXPECT_EQ(test, ev[i].reserved, 0);
		if (i)
			KUNIT_EXPECT_EQ(test, ev[i].timestamp_ns - ev[i - 1].timestamp_ns,
					orig[i].timestamp_ns - orig[i - 1].timestamp_ns);
	}
	/* a time of 0 ("none read yet") stays 0 */
	memcpy(ev, orig, sizeof(ev));
	ev[1].timestamp_ns = 0;
	irqcap_events_to_clock(ev, 2, IRQCAP_CLOCK_TAI, offset);
	KUNIT_EXPECT_EQ(test, ev[0].timestamp_ns, orig[0].timestamp_ns + offset);
	KUNIT_EXPECT_EQ(test, ev[1].timestamp_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, ev[1].clock, (u8)IRQCAP_CLOCK_TAI);
	/* MONOTONIC with offset 0 is the identity; the clock says so */
	memcpy(ev, orig, sizeof(ev));
	ev[0].clock = 3;
	irqcap_events_to_clock(ev, ARRAY_SIZE(ev), IRQCAP_CLOCK_MONOTONIC, 0);
	for (i = 0; i < ARRAY_SIZE(ev); i++) {
		KUNIT_EXPECT_EQ(test, ev[i].timestamp_ns, orig[i].timestamp_ns);
		KUNIT_EXPECT_EQ(test, ev[i].clock, (u8)IRQCAP_CLOCK_MONOTONIC);
	}
	/* n = 0 touches nothing */
	memcpy(ev, orig, sizeof(ev));
	irqcap_events_to_clock(ev, 0, IRQCAP_CLOCK_TAI, offset);
	KUNIT_EXPECT_EQ(test, memcmp(ev, orig, sizeof(ev)), 0);
}

/*
 * The offset as the driver reads it (ktime_mono_to_any(0, offs)) turns a
 * CLOCK_MONOTONIC time into the other clock's: bracketed by readings of
 * that clock around it (no step of the clocks during the test assumed).
 */
static void live_offset_test(struct kunit *test)
{
	static const u32 clocks[] = { IRQCAP_CLOCK_BOOTTIME, IRQCAP_CLOCK_REALTIME,
				      IRQCAP_CLOCK_TAI };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(clocks); i++) {
		enum tk_offsets offs = irqcap_clock_tk_offs(clocks[i]);
		s64 offset = ktime_to_ns(ktime_mono_to_any(0, offs));
		u64 before, mono, after, conv;

		before = ktime_to_ns(ktime_get_with_offset(offs));
		mono = ktime_get_ns();
		after = ktime_to_ns(ktime_get_with_offset(offs));
		conv = irqcap_time_to_clock(mono, offset);
		KUNIT_EXPECT_LE_MSG(test, before, conv, "clock %u", clocks[i]);
		KUNIT_EXPECT_LE_MSG(test, conv, after, "clock %u", clocks[i]);
	}
}

static struct kunit_case irqcap_time_cases[] = {
	KUNIT_CASE_PARAM(idle_wait_never_early_test, hz_gen_params),
	KUNIT_CASE(idle_wait_table_test),
	KUNIT_CASE_PARAM(rate_per_sec_test, rate_gen_params),
	KUNIT_CASE(rate_window_wrap_test),
	KUNIT_CASE(rate_smooth_test),
	KUNIT_CASE_PARAM(time_to_clock_test, clock_gen_params),
	KUNIT_CASE(clock_valid_test),
	KUNIT_CASE(events_to_clock_test),
	KUNIT_CASE(live_offset_test),
	{}
};

static struct kunit_suite irqcap_time_suite = {
	.name = "irqcap_time",
	.test_cases = irqcap_time_cases,
};

kunit_test_suite(irqcap_time_suite);

MODULE_LICENSE("GPL");
