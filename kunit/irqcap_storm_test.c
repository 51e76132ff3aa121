// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for irqcap's storm-limit windows (src/irqcap_storm.c): the
 * budget and window a limit becomes, and which interrupt of a sequence
 * goes over it.  Timestamps are synthetic.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/time64.h>

#include "irqcap_storm.h"

struct cfg_case {
	u32 limit, budget, window_ns;
};

static const struct cfg_case cfg_cases[] = {
	{ 0, 0, IRQCAP_STORM_WINDOW_NS },
	{ 1, 1, NSEC_PER_SEC },
	{ 99, 99, NSEC_PER_SEC },
	{ 100, 1, IRQCAP_STORM_WINDOW_NS },
	{ 199, 1, IRQCAP_STORM_WINDOW_NS },
	{ 1000, 10, IRQCAP_STORM_WINDOW_NS },
	{ 1050, 10, IRQCAP_STORM_WINDOW_NS },
	{ IRQCAP_STORM_LIMIT_MAX, IRQCAP_STORM_LIMIT_MAX / 100, IRQCAP_STORM_WINDOW_NS },
	{ U32_MAX, U32_MAX / 100, IRQCAP_STORM_WINDOW_NS },
};

static void storm_config_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cfg_cases); i++) {
		struct irqcap_storm_cfg cfg = { 12345, 12345 };

		irqcap_storm_config(cfg_cases[i].limit, &cfg);
		KUNIT_EXPECT_EQ_MSG(test, cfg.budget, cfg_cases[i].budget,
				    "limit %u", cfg_cases[i].limit);
		KUNIT_EXPECT_EQ_MSG(test, cfg.window_ns, cfg_cases[i].window_ns,
				    "limit %u", cfg_cases[i].limit);
	}
}

/*
 * Interrupts every @period_ns from @t0 for @total_ns under @limit: the
 * index of the first one over the limit, or -1.
 */
static long first_over(u32 limit, u64 t0, u64 period_ns, u64 total_ns)
{
	struct irqcap_storm_win win = { };
	struct irqcap_storm_cfg cfg;
	u64 t;
	long i = 0;

	irqcap_storm_config(limit, &cfg);
	for (t = t0; t - t0 < total_ns; t += period_ns, i++)
		if (irqcap_storm_tick(&win, &cfg, t))
			return i;
	return -1;
}

/* A steady rate at the limit never goes over it; just above, it does, within one window. */
static void storm_steady_rate_test(struct kunit *test)
{
	static const u32 limits[] = { 1, 50, 100, 1000, 20000, 1000000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(limits); i++) {
		u32 l = limits[i];
		struct irqcap_storm_cfg cfg;
		u64 period = NSEC_PER_SEC / l;
		long over;

		irqcap_storm_config(l, &cfg);
		/* at the limit (a period that divides the window) for 10 s */
		KUNIT_EXPECT_EQ_MSG(test, first_over(l, 1000, period, 10 * NSEC_PER_SEC), -1,
				    "limit %u at its rate", l);
		/* 10 % above: the budget's first excess, in the first window */
		over = first_over(l, 1000, period - period / 10, 10 * NSEC_PER_SEC);
		KUNIT_EXPECT_EQ_MSG(test, over, (long)cfg.budget, "limit %u 10%% above", l);
	}
}

/* A burst: the (budget + 1)th interrupt of one window is the one over */
static void storm_burst_test(struct kunit *test)
{
	struct irqcap_storm_win win = { };
	struct irqcap_storm_cfg cfg;
	u32 i;

	irqcap_storm_config(1000, &cfg);
	for (i = 0; i < cfg.budget; i++)
		KUNIT_EXPECT_FALSE_MSG(test, irqcap_storm_tick(&win, &cfg, 5000 + i), "irq %u", i);
	KUNIT_EXPECT_TRUE(test, irqcap_storm_tick(&win, &cfg, 5000 + i));
	/* the handler zeroes the window after a hold: a fresh budget */
	win.start = 0;
	for (i = 0; i < cfg.budget; i++)
		KUNIT_EXPECT_FALSE_MSG(test, irqcap_storm_tick(&win, &cfg, 9000 + i),
				       "after reset, irq %u", i);
	KUNIT_EXPECT_TRUE(test, irqcap_storm_tick(&win, &cfg, 9000 + i));
}

/*
 * The worst case for fixed windows: a budget at the end of one window and
 * one at the start of the next pass, 2 * budget within one window length;
 * the next interrupt is over.  Never more than that.
 */
static void storm_window_edge_test(struct kunit *test)
{
	struct irqcap_storm_win win = { };
	struct irqcap_storm_cfg cfg;
	u64 t0 = 1000000, w;
	u32 i;

	irqcap_storm_config(1000, &cfg);
	w = cfg.window_ns;
	KUNIT_EXPECT_FALSE(test, irqcap_storm_tick(&win, &cfg, t0));
	for (i = 1; i < cfg.budget; i++)
		KUNIT_EXPECT_FALSE(test, irqcap_storm_tick(&win, &cfg, t0 + w - 100 + i));
	for (i = 0; i < cfg.budget; i++)
		KUNIT_EXPECT_FALSE_MSG(test, irqcap_storm_tick(&win, &cfg, t0 + w + i),
				       "next window, irq %u", i);
	KUNIT_EXPECT_TRUE(test, irqcap_storm_tick(&win, &cfg, t0 + w + i));
	/* exactly one window length after its start, a window starts afresh */
	win.start = 0;
	KUNIT_EXPECT_FALSE(test, irqcap_storm_tick(&win, &cfg, t0));
	for (i = 1; i < cfg.budget; i++)
		irqcap_storm_tick(&win, &cfg, t0 + i);
	KUNIT_EXPECT_FALSE(test, irqcap_storm_tick(&win, &cfg, t0 + w));
	KUNIT_EXPECT_EQ(test, win.start, t0 + w);
	KUNIT_EXPECT_EQ(test, win.count, 1U);
}

/* A timestamp of 0 (the first interrupt at boot) still opens a window. */
static void storm_time_zero_test(struct kunit *test)
{
	struct irqcap_storm_win win = { };
	struct irqcap_storm_cfg cfg;

	irqcap_storm_config(100, &cfg);	/* budget 1 */
	KUNIT_EXPECT_FALSE(test, irqcap_storm_tick(&win, &cfg, 0));
	KUNIT_EXPECT_NE(test, win.start, 0ULL);
	KUNIT_EXPECT_TRUE(test, irqcap_storm_tick(&win, &cfg, 1));
}

static struct kunit_case irqcap_storm_cases[] = {
	KUNIT_CASE(storm_config_test),
	KUNIT_CASE(storm_steady_rate_test),
	KUNIT_CASE(storm_burst_test),
	KUNIT_CASE(storm_window_edge_test),
	KUNIT_CASE(storm_time_zero_test),
	{}
};

static struct kunit_suite irqcap_storm_suite = {
	.name = "irqcap_storm",
	.test_cases = irqcap_storm_cases,
};

kunit_test_suite(irqcap_storm_suite);

MODULE_LICENSE("GPL");
