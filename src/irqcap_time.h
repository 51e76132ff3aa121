/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure jiffies and rate helpers for irqcap's idle timeout and rate windows.
 * HZ is a parameter so KUnit can check every common value on one kernel.
 * And the reader's clock: converting CLOCK_MONOTONIC records to another
 * clock, the offset between the clocks given (read by the caller).
 */
#ifndef _IRQCAP_TIME_H
#define _IRQCAP_TIME_H

#include <linux/ktime.h>
#include <linux/types.h>

#include "uapi/irqcap.h"

#define IRQCAP_IDLE_TIMEOUT_MAX_MS	3600000U

unsigned long irqcap_idle_wait_jiffies(u64 idle_ns, u32 timeout_ms,
				       unsigned int hz);
u64 irqcap_rate_per_sec(u64 events, unsigned long elapsed, unsigned int hz);
u64 irqcap_rate_smooth(u64 avg, u64 sample);

bool irqcap_clock_valid(u32 clock);
enum tk_offsets irqcap_clock_tk_offs(u32 clock);
u64 irqcap_time_to_clock(u64 mono_ns, s64 offset_ns);
void irqcap_events_to_clock(struct irqcap_event *ev, unsigned int n,
			    u32 clock, s64 offset_ns);

#endif /* _IRQCAP_TIME_H */
