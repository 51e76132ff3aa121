// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * pc-testdev-raise - raise edges on an ISA IRQ line of QEMU's pc-testdev
 * (guest-side helper for the demo and CLI integration tests; x86 only).
 *
 *   pc-testdev-raise LINE COUNT [PERIOD_US]
 *
 * Writes 1 then 0 to I/O port 0x2000 + LINE, COUNT times, PERIOD_US
 * microseconds apart (default 0: back to back), on an absolute CLOCK_MONOTONIC
 * schedule so the rate holds even when a sleep overshoots.  Needs root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <time.h>

int main(int argc, char **argv)
{
	unsigned long line, count, period_us = 0, i;
	struct timespec next;
	char *end;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s LINE COUNT [PERIOD_US]\n", argv[0]);
		return 2;
	}
	line = strtoul(argv[1], &end, 10);
	if (*end || line > 15)
		goto bad;
	count = strtoul(argv[2], &end, 10);
	if (*end)
		goto bad;
	if (argc == 4) {
		period_us = strtoul(argv[3], &end, 10);
		if (*end)
			goto bad;
	}
	if (ioperm(0x2000, 0x18, 1)) {
		perror("ioperm(0x2000)");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < count; i++) {
		if (period_us && i) {
			next.tv_nsec += (long)(period_us % 1000000) * 1000;
			next.tv_sec += (time_t)(period_us / 1000000);
			if (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
				;
		}
		outb(1, 0x2000 + line);
		outb(0, 0x2000 + line);
	}
	return 0;
bad:
	fprintf(stderr, "%s: bad number (LINE 0..15, COUNT, PERIOD_US)\n", argv[0]);
	return 2;
}
