// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pure jiffies, rate and clock helpers for irqcap; see irqcap_time.h.
 */
#include <linux/limits.h>
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

/* Is @clock one of enum irqcap_clock? */
bool irqcap_clock_valid(u32 clock)
{
	return clock <= IRQCAP_CLOCK_TAI;
}

/**
 * irqcap_clock_tk_offs() - the timekeeping offset of a reader's clock
 * @clock: enum irqcap_clock other than IRQCAP_CLOCK_MONOTONIC, valid
 *
 * Return: what ktime_mono_to_any() takes to turn CLOCK_MONOTONIC into
 * @clock.
 */
enum tk_offsets irqcap_clock_tk_offs(u32 clock)
{
	switch (clock) {
	case IRQCAP_CLOCK_BOOTTIME:
		return TK_OFFS_BOOT;
	case IRQCAP_CLOCK_TAI:
		return TK_OFFS_TAI;
	default:
		return TK_OFFS_REAL;
	}
}

/**
 * irqcap_time_to_clock() - one CLOCK_MONOTONIC time on another clock
 * @mono_ns: CLOCK_MONOTONIC time in ns
 * @offset_ns: that clock minus CLOCK_MONOTONIC (ktime_mono_to_any(0, offs))
 *
 * Saturating: a wall clock set before the epoch plus the uptime (offset
 * more negative than @mono_ns) gives 0, never a wrapped huge time; and no
 * time wraps past U64_MAX.
 */
u64 irqcap_time_to_clock(u64 mono_ns, s64 offset_ns)
{
	u64 mag;

	if (offset_ns >= 0)
		return mono_ns > U64_MAX - (u64)offset_ns ? U64_MAX :
		       mono_ns + (u64)offset_ns;
	mag = -(u64)offset_ns; /* also for S64_MIN */
	return mono_ns > mag ? mono_ns - mag : 0;
}

/**
 * irqcap_events_to_clock() - convert a batch of records for a reader
 * @ev: records with CLOCK_MONOTONIC times, as the ring holds them
 * @n: how many
 * @clock: the reader's enum irqcap_clock
 * @offset_ns: @clock minus CLOCK_MONOTONIC, read once for the batch (0 for
 *	IRQCAP_CLOCK_MONOTONIC)
 *
 * Every record, whatever its type (OVERFLOW and TIMEOUT included), gets
 * @clock in @clock and its time converted with the same offset: the batch
 * keeps its order and its differences.  A time of 0 (an OVERFLOW record of
 * a reader that had read nothing yet, uapi/irqcap.h) stays 0 on every
 * clock: it means "none", not the boot.
 */
void irqcap_events_to_clock(struct irqcap_event *ev, unsigned int n,
			    u32 clock, s64 offset_ns)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 ts = ev[i].timestamp_ns;

		if (ts)
			ev[i].timestamp_ns = irqcap_time_to_clock(ts, offset_ns);
		ev[i].clock = clock;
	}
}
