// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * pc-testdev-raise - raise edges on an ISA IRQ line of QEMU's pc-testdev
 * (guest-side helper for the demo and CLI integration tests; x86 only).
 *
 *   pc-testdev-raise [-t] LINE COUNT [PERIOD_US]
 *
 * Writes 1 then 0 to I/O port 0x2000 + LINE, COUNT times, PERIOD_US
 * microseconds apart (default 0: back to back), on an absolute CLOCK_MONOTONIC
 * schedule so the rate holds even when a sleep overshoots.  Needs root.
 *
 * Edges raised while the previous one is still pending in the emulated
 * I/O APIC merge into one interrupt.  So the line is routed to CPU 0 and
 * raised from CPU 0 (each edge then traps before the next port write), and
 * a schedule that fell behind is never caught up with a burst: at most one
 * edge per wake-up.  That is not enough on a loaded host: the first
 * interrupt after a change of smp_affinity still goes to the old CPU (x86
 * moves an I/O APIC route when it next handles the interrupt), whose vCPU
 * the host may not run for milliseconds, and the next edge then merges
 * with the pending one.  -t raises each edge only once the previous one's
 * interrupt was taken (its count in /proc/interrupts moved), for the tests
 * that count records per edge raised; it exits 3, naming the edge, if an
 * interrupt is not taken within a second.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <time.h>
#include <unistd.h>

static void route_to_cpu0(unsigned long line)
{
	char path[64];
	cpu_set_t set;
	int fd;

	snprintf(path, sizeof(path), "/proc/irq/%lu/smp_affinity", line);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			perror(path);
		close(fd);
	}
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Interrupts of IRQ @line on all CPUs (/proc/interrupts), or -1. */
static long long irq_taken(unsigned long line)
{
	char buf[4096], *p, *end;
	long long sum = -1;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		if (strtoul(buf, &p, 10) != line || p == buf || *p != ':')
			continue;
		for (sum = 0, p++;; p = end) {
			long long v = strtoll(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
		break;
	}
	fclose(f);
	return sum;
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

int main(int argc, char **argv)
{
	unsigned long line, count, period_us = 0, i;
	struct timespec next;
	long long taken = -1;
	bool wait_taken = false;
	char *end;

	if (argc > 1 && !strcmp(argv[1], "-t")) {
		wait_taken = true;
		argv++;
		argc--;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s [-t] LINE COUNT [PERIOD_US]\n", argv[0]);
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
	route_to_cpu0(line);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; i < count; i++) {
		if (period_us && i) {
			next.tv_nsec += (long)(period_us % 1000000) * 1000;
			next.tv_sec += (time_t)(period_us / 1000000);
			if (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			struct timespec now;

			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
				;
			/* behind schedule: restart it from now rather than burst */
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (before(&next, &now))
				next = now;
		}
		if (wait_taken)
			taken = irq_taken(line);
		outb(1, 0x2000 + line);
		outb(0, 0x2000 + line);
		for (int ms = 0; wait_taken && irq_taken(line) == taken; ms++) {
			if (taken < 0 || ms == 1000) {
				fprintf(stderr, "%s: edge %lu of %lu on line %lu: %s\n", argv[0],
					i + 1, count, line, taken < 0 ? "no count in /proc/interrupts" :
					"its interrupt not taken within 1 s");
				return 3;
			}
			usleep(1000);
		}
	}
	return 0;
bad:
	fprintf(stderr, "%s: bad number (LINE 0..15, COUNT, PERIOD_US)\n", argv[0]);
	return 2;
}
