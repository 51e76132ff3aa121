// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pure storm-limit window logic for irqcap; see irqcap_storm.h.
 */
#include <linux/time64.h>

#include "irqcap_storm.h"

/**
 * irqcap_storm_config() - turn a limit in interrupts per second into a window
 * @limit: interrupts per second; 0 turns the limit off
 * @cfg: the result
 *
 * The window is 10 ms, so that a storm is cut within 10 ms of its start
 * (not a whole second of it), and its budget is @limit / 100.  A limit
 * under 100/s has no whole interrupt per 10 ms: its window is 1 s and its
 * budget @limit.  A limit of 100/s or more is applied in steps of 100/s
 * (rounded down).
 */
void irqcap_storm_config(u32 limit, struct irqcap_storm_cfg *cfg)
{
	u32 per_window = NSEC_PER_SEC / IRQCAP_STORM_WINDOW_NS;

	if (!limit) {
		cfg->budget = 0;
		cfg->window_ns = IRQCAP_STORM_WINDOW_NS;
	} else if (limit < per_window) {
		cfg->budget = limit;
		cfg->window_ns = NSEC_PER_SEC;
	} else {
		cfg->budget = limit / per_window;
		cfg->window_ns = IRQCAP_STORM_WINDOW_NS;
	}
}

/**
 * irqcap_storm_tick() - count one interrupt
 * @win: the window state
 * @cfg: the limit; @cfg->budget is not 0
 * @now: the interrupt's timestamp (never below the previous one's)
 *
 * Windows are fixed: one starts at the first interrupt after the previous
 * one ended (or after @win was zeroed) and lasts @cfg->window_ns.  An
 * interrupt that makes its window's count exceed the budget is over the
 * limit.  A window that started late can follow one that ended full, so
 * up to twice the budget can pass within one window length before the
 * line is throttled, never more.
 *
 * Return: true when this interrupt is over the limit.
 */
bool irqcap_storm_tick(struct irqcap_storm_win *win,
		       const struct irqcap_storm_cfg *cfg, u64 now)
{
	if (!win->start || now - win->start >= cfg->window_ns) {
		win->start = now ? now : 1;
		win->count = 1;
	} else {
		win->count++;
	}
	return win->count > cfg->budget;
}
