// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pure jiffies and rate helpers for irqcap; see irqcap_time.h.
 */
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/time64.h>

#include "irqcap_time.h"

/**
 * irqcap_idle_wait_jiffies() - how long the idle timer still has to wait
 * @idle_ns: time since the last interrupt, in the timestamps' clock
 * @timeout_ms: idle timeout
 * @hz: tick rate
 *
 * The idle time is measured in ns, not jiffies: jiffies can lag the clock
 * of the timestamps (a tick handled late; seen under QEMU: a timeout record
 * 0.9 ms short).  A timer set for jiffies + k expires after at least k - 1
 * whole ticks (the current one has partly passed), so the rest of the
 * timeout, rounded up to ticks, gets one tick more: the timer never comes
 * back early, and when jiffies lag it comes back again.
 *
 * Return: 0 once @idle_ns has reached the timeout, else the jiffies to wait
 * (at least 2).
 */
unsigned long irqcap_idle_wait_jiffies(u64 idle_ns, u32 timeout_ms,
				       unsigned int hz)
{
	u64 timeout_ns = (u64)timeout_ms * NSEC_PER_MSEC;

	if (idle_ns >= timeout_ns)
		return 0;
	return (unsigned long)DIV_ROUND_UP_ULL((timeout_ns - idle_ns) * hz,
					       NSEC_PER_SEC) + 1;
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
