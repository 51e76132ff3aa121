// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pure jiffies and rate helpers for irqcap; see irqcap_time.h.
 */
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/typecheck.h>

#include "irqcap_time.h"

/**
 * irqcap_ms_to_jiffies_hz() - milliseconds to jiffies, rounding up
 * @ms: duration in milliseconds
 * @hz: tick rate
 *
 * Return: jiffies; never 0 for a non-zero @ms, so a short timeout still
 * expires in the future rather than at once.
 */
unsigned long irqcap_ms_to_jiffies_hz(u32 ms, unsigned int hz)
{
	return (unsigned long)DIV_ROUND_UP_ULL((u64)ms * hz, 1000);
}

/**
 * irqcap_jiffies_to_ms_hz() - jiffies to milliseconds, rounding down
 * @j: duration in jiffies
 * @hz: tick rate
 */
u64 irqcap_jiffies_to_ms_hz(unsigned long j, unsigned int hz)
{
	return div_u64((u64)j * 1000, hz);
}

/**
 * irqcap_deadline_reached() - has @now reached @deadline? Wrap-safe.
 * @now: current jiffies
 * @deadline: jiffies value to compare with
 */
bool irqcap_deadline_reached(unsigned long now, unsigned long deadline)
{
	return time_after_eq(now, deadline);
}

/**
 * irqcap_idle_deadline() - when an idle period that began at @last_event ends
 * @last_event: jiffies of the last interrupt
 * @timeout: idle timeout in jiffies
 *
 * The interrupt came somewhere inside jiffy @last_event, so one more jiffy
 * is added: the deadline is the first tick at which a full @timeout has
 * surely passed.  A timeout record never comes early.
 */
unsigned long irqcap_idle_deadline(unsigned long last_event,
				   unsigned long timeout)
{
	return last_event + timeout + 1;
}

/**
 * irqcap_rate_per_sec() - events per second over a window
 * @events: events counted in the window
 * @elapsed: window length in jiffies
 * @hz: tick rate
 *
 * Return: the rate, or 0 for an empty window.
 */
u64 irqcap_rate_per_sec(u64 events, unsigned long elapsed, unsigned int hz)
{
	if (!elapsed)
		return 0;
	return div64_u64(events * hz, elapsed);
}

/**
 * irqcap_rate_smooth() - exponentially weighted moving average, weight 1/8
 * @avg: previous average
 * @sample: new sample
 */
u64 irqcap_rate_smooth(u64 avg, u64 sample)
{
	if (sample >= avg)
		return avg + ((sample - avg + 7) >> 3);
	return avg - ((avg - sample + 7) >> 3);
}
