/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure jiffies and rate helpers for irqcap's idle timeout and rate windows.
 * HZ is a parameter so KUnit can check every common value on one kernel.
 */
#ifndef _IRQCAP_TIME_H
#define _IRQCAP_TIME_H

#include <linux/types.h>

#define IRQCAP_IDLE_TIMEOUT_MAX_MS	3600000U

unsigned long irqcap_idle_wait_jiffies(u64 idle_ns, u32 timeout_ms,
				       unsigned int hz);
u64 irqcap_rate_per_sec(u64 events, unsigned long elapsed, unsigned int hz);
u64 irqcap_rate_smooth(u64 avg, u64 sample);

#endif /* _IRQCAP_TIME_H */
