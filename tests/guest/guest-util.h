/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by the QEMU guest programs (tests/guest/irqcap-test.c,
 * tests/bench/irqbench.c).  Include after <fcntl.h>, <sched.h>, <string.h>,
 * <time.h>, <unistd.h>, <errno.h> and <stdint.h>.
 */
#ifndef IRQCAP_GUEST_UTIL_H
#define IRQCAP_GUEST_UTIL_H

/* CLOCK_MONOTONIC in ns: the clock of the driver's ktime_get_ns() stamps */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Write @val to @path: 0 or -errno of the open or write. */
static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

#endif /* IRQCAP_GUEST_UTIL_H */
