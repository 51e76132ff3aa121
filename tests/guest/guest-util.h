/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by the QEMU guest programs (tests/guest/irqcap-test.c,
 * tests/guest/irqcap-compat32.c, tests/bench/irqbench.c).  Include after
 * <fcntl.h>, <sched.h>, <stdio.h>, <stdlib.h>, <string.h>, <time.h>,
 * <unistd.h>, <errno.h>, <stdbool.h> and <stdint.h> (and <sys/io.h> on x86).
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

/*
 * In a test function returning bool: when @cond is false, say why in the
 * including program's char why[] and fail the test.
 */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		snprintf(why, sizeof(why), __VA_ARGS__);		\
		return false;						\
	}								\
} while (0)

/*
 * Run one test function and print its KTAP-style line ("ok - NAME", or
 * "not ok - NAME: why"); @why is the buffer CHECK() filled.  Returns 1 on
 * failure, to be added to the program's failure count.
 */
/* Why the test that just ran could not run here (GUEST_SKIP()); "" if it ran. */
static char guest_skip[160] __attribute__((unused));

/* In a test function: this kernel or guest cannot run it; KTAP's SKIP. */
#define GUEST_SKIP(...) do {						\
	snprintf(guest_skip, sizeof(guest_skip), __VA_ARGS__);		\
	return true;							\
} while (0)

static inline int run_test(const char *name, bool (*fn)(void), char *why)
{
	why[0] = 0;
	guest_skip[0] = 0;
	if (fn()) {
		if (guest_skip[0])
			printf("ok - %s # SKIP %s\n", name, guest_skip);
		else
			printf("ok - %s\n", name);
		return 0;
	}
	printf("not ok - %s: %s\n", name, why);
	return 1;
}

/* A guest program's test table, for run_tests(). */
struct guest_test {
	const char *name;
	bool (*fn)(void);
};

/*
 * Run the tests of @t whose name contains one of the program's arguments (all
 * of them without arguments), each with run_test().  A failed CHECK() returns
 * without closing what the test opened: descriptors 3..255 are closed after
 * each test, so the next one starts clean.  Returns the number of failures.
 */
static inline int run_tests(const struct guest_test *t, size_t n, int argc,
			    char **argv, char *why)
{
	int failures = 0;

	for (size_t i = 0; i < n; i++) {
		bool run = argc < 2;

		for (int a = 1; a < argc; a++)
			if (strstr(t[i].name, argv[a]))
				run = true;
		if (!run)
			continue;
		failures += run_test(t[i].name, t[i].fn, why);
		for (int fd = 3; fd < 256; fd++)
			close(fd);
	}
	return failures;
}

/* A number read from @path (sysfs, procfs), or -1 when it cannot be opened. */
static inline long long read_ll(const char *path)
{
	char v[64] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(v, sizeof(v), f))
		v[0] = 0;
	fclose(f);
	return atoll(v);
}

/* The path of sysfs attribute @attr of /dev/irqcap@dev's platform device. */
static inline int sysfs_path(int dev, const char *attr, char *buf, size_t len)
{
	return snprintf(buf, len, "/sys/class/misc/irqcap%d/device/%s", dev, attr);
}

static inline long long sysfs_get(int dev, const char *attr)
{
	char p[256];

	sysfs_path(dev, attr, p, sizeof(p));
	return read_ll(p);
}

/* The platform device's name of /dev/irqcap@dev ("PRP0001:00"); 0 or -1. */
static inline int platform_name(int dev, char *name, size_t len)
{
	char p[128], link[256];
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/class/misc/irqcap%d/device", dev);
	n = readlink(p, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	snprintf(name, len, "%s", strrchr(link, '/') + 1);
	return 0;
}

#if defined(__x86_64__) || defined(__i386__)
/*
 * pc-testdev raises ISA IRQ @line on a write of 1 then 0 to port
 * 0x2000 + @line.  Not inlined and not unrolled: each edge must end a
 * translation block (the loop's branch) so QEMU delivers it before the next
 * one is raised.
 */
static __attribute__((noinline, optimize("no-unroll-loops"), unused))
void raise_irq(int line, int n)
{
	for (volatile int i = 0; i < n; i++) {
		outb(1, 0x2000 + line);
		outb(0, 0x2000 + line);
	}
}

/*
 * Route ISA IRQ @line to CPU 0 and raise one edge to settle it: x86 moves
 * an I/O APIC route only when it next handles the interrupt, so the first
 * edge after the write may still go to the old CPU.  The caller waits for
 * that edge (and discards its record) before it counts anything.
 */
static inline void route_line_cpu0(int line)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/proc/irq/%d/smp_affinity", line);
	fd = open(p, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			perror(p);
		close(fd);
	}
	raise_irq(line, 1);
}
#endif

/* Interrupts of Linux IRQ @irq on all CPUs (/proc/interrupts); -1 if absent. */
static inline long long proc_interrupts(int irq)
{
	char line[1024], *p, *end;
	long long sum = -1;
	FILE *f = fopen("/proc/interrupts", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (strtol(line, &p, 10) != irq || *p != ':')
			continue;
		sum = 0;
		for (p++;; p = end) {
			long long v = strtoll(p, &end, 10);

			if (end == p)
				break;
			sum += v;
		}
		break;
	}
	if (f)
		fclose(f);
	return sum;
}

#endif /* IRQCAP_GUEST_UTIL_H */
