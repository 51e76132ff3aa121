/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure storm-limit window logic for irqcap (irqcap_storm.c); the hard IRQ
 * handler counts interrupts in fixed windows with the timestamp it already
 * took, and KUnit checks the arithmetic (kunit/irqcap_storm_test.c).
 */
#ifndef _IRQCAP_STORM_H
#define _IRQCAP_STORM_H

#include <linux/types.h>

#define IRQCAP_STORM_LIMIT_MAX		10000000U	/* interrupts per second */
#define IRQCAP_STORM_HOLD_MIN_MS	1U
#define IRQCAP_STORM_HOLD_MAX_MS	10000U
#define IRQCAP_STORM_WINDOW_NS		10000000U	/* 10 ms */

/**
 * struct irqcap_storm_cfg - a storm limit as the handler applies it
 * @budget: interrupts allowed in one window; 0: no limit (the handler's
 *	only cost then is this one compare)
 * @window_ns: window length
 */
struct irqcap_storm_cfg {
	u32 budget;
	u32 window_ns;
};

/**
 * struct irqcap_storm_win - the current window; written by the handler only
 * @start: timestamp of the window's first interrupt (0: none yet)
 * @count: interrupts counted in it
 */
struct irqcap_storm_win {
	u64 start;
	u32 count;
};

void irqcap_storm_config(u32 limit, struct irqcap_storm_cfg *cfg);
bool irqcap_storm_tick(struct irqcap_storm_win *win,
		       const struct irqcap_storm_cfg *cfg, u64 now);

#endif /* _IRQCAP_STORM_H */
