// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap stats: counters (sysfs and IRQCAP_IOC_STATS), rates and latency
 * histograms, once or --watch.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const counter_names[] = {
	"irqs_seen", "events_committed", "debounced", "dropped", "timeouts",
	"overruns", "commits", "readers", "throttled", "suspends",
};
#define N_COUNTERS (sizeof(counter_names) / sizeof(counter_names[0]))

static const char *const counter_help[] = {
	"hard interrupts handled (incl. debounced)",
	"interrupt events delivered to the ring",
	"interrupts rejected by debounce_us",
	"records lost by slow readers (all readers)",
	"idle-timeout records emitted",
	"staged events overwritten before commit",
	"bottom-half runs (events are committed in batches)",
	"open readers right now",
	"times storm_limit disabled the line (THROTTLED records)",
	"system suspends capture stopped for (SUSPEND/RESUME records)",
};

struct snapshot {
	unsigned long long c[N_COUNTERS];
	bool have[N_COUNTERS];
	unsigned long long ring, irq, rate, rate_avg, debounce_us, idle_ms;
	unsigned long long holdoff_us;	/* wakeup_holdoff_us */
	bool have_holdoff;		/* false: a driver from before wakeup_holdoff_us */
	char bh[32];
	bool ioctl_ok;
	int ioctl_errno;
	unsigned long long t_ns;
};

static unsigned long long attr_u64(struct irqcap_device *d, const char *attr, bool *ok)
{
	uint64_t v;

	if (irqcap_device_get_u64(d, attr, &v)) {
		if (ok)
			*ok = false;
		return 0;
	}
	return v;
}

static int take_snapshot(struct irqcap_device *d, struct snapshot *s)
{
	struct irqcap_stats st;
	unsigned int i;
	int rc;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < N_COUNTERS; i++) {
		bool ok = true;

		s->c[i] = attr_u64(d, counter_names[i], &ok);
		s->have[i] = ok;
	}
	s->ring = attr_u64(d, "ring_size", NULL);
	s->irq = attr_u64(d, "irq", NULL);
	s->rate = attr_u64(d, "rate", NULL);
	s->rate_avg = attr_u64(d, "rate_avg", NULL);
	s->debounce_us = attr_u64(d, "debounce_us", NULL);
	s->idle_ms = attr_u64(d, "idle_timeout_ms", NULL);
	s->have_holdoff = true;
	s->holdoff_us = attr_u64(d, "wakeup_holdoff_us", &s->have_holdoff);
	if (irqcap_device_get(d, "bottom_half", s->bh, sizeof(s->bh)))
		strcpy(s->bh, "?");

	/* one consistent snapshot of the producer counters from the driver */
	rc = irqcap_device_stats(d, &st);
	if (rc == 0) {
		s->ioctl_ok = true;
		s->c[0] = st.irqs_seen;
		s->c[1] = st.events_committed;
		s->c[2] = st.debounced;
		s->c[3] = st.dropped;
		s->c[4] = st.timeouts;
		for (i = 0; i < 5; i++)
			s->have[i] = true;
	} else {
		s->ioctl_errno = -rc;
	}
	s->t_ns = mono_ns();
	for (i = 0; i < N_COUNTERS; i++)
		if (s->have[i])
			return 0;
	return -ENOENT;
}

static int load_hists(struct irqcap_device *d, struct hist *h, int *nh, char *why, size_t wlen)
{
	char root[PATH_LEN], path[PATH_LEN + 64];
	static char text[16384];
	ssize_t n;
	int fd;

	debugfs_root(root, sizeof(root));
	snprintf(path, sizeof(path), "%s/irqcap/%s/latency", root, irqcap_device_name(d));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (e == EACCES || e == EPERM)
			snprintf(why, wlen, "%s: %s (debugfs is root-only)", path, strerror(e));
		else
			snprintf(why, wlen, "%s: %s (is debugfs mounted? 'mount -t debugfs none /sys/kernel/debug', as root)",
				 path, strerror(e));
		return -e;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0) {
		snprintf(why, wlen, "%s: %s", path, strerror(errno));
		return -EIO;
	}
	text[n] = 0;
	*nh = hist_parse(text, h, HIST_MAX);
	if (*nh < 0) {
		snprintf(why, wlen, "%s: unexpected format", path);
		return -EINVAL;
	}
	return 0;
}

static void stats_print(struct irqcap_device *d, enum fmt fmt, const struct snapshot *s,
			const struct snapshot *prev, bool with_hist)
{
	struct hist h[HIST_MAX];
	char why[PATH_LEN + 160];
	int nh = 0, hrc = -1;
	unsigned int i;
	double measured = -1;

	if (prev && s->t_ns > prev->t_ns)
		measured = (double)(s->c[1] - prev->c[1]) * 1e9 / (double)(s->t_ns - prev->t_ns);
	why[0] = 0;
	if (with_hist)
		hrc = load_hists(d, h, &nh, why, sizeof(why));

	if (fmt == FMT_JSON) {
		printf("{\"device\":\"%s\",\"irq\":%llu,\"bottom_half\":", irqcap_device_name(d),
		       s->irq);
		json_str(stdout, s->bh);
		printf(",\"ring_size\":%llu,\"debounce_us\":%llu,\"idle_timeout_ms\":%llu",
		       s->ring, s->debounce_us, s->idle_ms);
		/* null like a missing counter: older drivers have no hold-off */
		if (s->have_holdoff)
			printf(",\"wakeup_holdoff_us\":%llu", s->holdoff_us);
		else
			printf(",\"wakeup_holdoff_us\":null");
		for (i = 0; i < N_COUNTERS; i++) {
			if (s->have[i])
				printf(",\"%s\":%llu", counter_names[i], s->c[i]);
			else
				printf(",\"%s\":null", counter_names[i]);
		}
		printf(",\"rate\":%llu,\"rate_avg\":%llu", s->rate, s->rate_avg);
		if (measured >= 0)
			printf(",\"rate_measured\":%.3f", measured);
		else
			printf(",\"rate_measured\":null");
		printf(",\"source\":\"%s\",\"latency\":", s->ioctl_ok ? "ioctl" : "sysfs");
		if (hrc == 0)
			hist_json(stdout, h, nh);
		else
			printf("null");
		printf("}\n");
		return;
	}

	printf("%s: irq %llu, bottom_half %s, ring %llu records, debounce_us %llu, idle_timeout_ms %llu",
	       irqcap_device_name(d), s->irq, s->bh, s->ring, s->debounce_us, s->idle_ms);
	if (s->have_holdoff)
		printf(", wakeup_holdoff_us %llu\n", s->holdoff_us);
	else
		printf(", wakeup_holdoff_us ?\n");
	for (i = 0; i < N_COUNTERS; i++) {
		if (s->have[i])
			printf("  %-18s %12llu   %s\n", counter_names[i], s->c[i], counter_help[i]);
		else
			printf("  %-18s %12s   %s\n", counter_names[i], "?", counter_help[i]);
	}
	printf("  %-18s %12llu   %s\n", "rate", s->rate, "events/s in the driver's last 1 s window");
	printf("  %-18s %12llu   %s\n", "rate_avg", s->rate_avg, "events/s, smoothed");
	if (measured >= 0)
		printf("  %-18s %12.1f   %s\n", "rate_measured", measured,
		       "events/s since the previous refresh");
	if (!s->ioctl_ok && s->ioctl_errno == ENOTTY)
		printf("  (counters from sysfs only; %s does not know this tool's IRQCAP_IOC_STATS: the driver speaks another uAPI ABI than this tool's %d)\n",
		       irqcap_device_node(d), IRQCAP_ABI_VERSION);
	else if (!s->ioctl_ok)
		printf("  (counters from sysfs only; IRQCAP_IOC_STATS on %s: %s)\n",
		       irqcap_device_node(d), strerror(s->ioctl_errno));
	if (!with_hist)
		return;
	if (hrc) {
		printf("latency histograms: not available (%s)\n", why);
		return;
	}
	for (i = 0; i < (unsigned int)nh; i++)
		hist_draw(stdout, &h[i], 40);
}

int cmd_stats(int argc, char **argv)
{
	unsigned long long interval_ns = 1000000000ULL, count = 0, done = 0;
	bool watch = false, have_count = false, with_hist = true;
	enum fmt fmt = FMT_TEXT;
	const char *spec = NULL;
	struct snapshot s, prev;
	struct irqcap_device *d;
	int i, rc;

	memset(&prev, 0, sizeof(prev));

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--watch") || !strcmp(a, "-w")) {
			watch = true;
		} else if (!strcmp(a, "--interval") || !strcmp(a, "-i")) {
			if (i + 1 >= argc || parse_seconds(argv[++i], &interval_ns) ||
			    interval_ns < 10000000ULL) {
				err("stats: --interval needs seconds >= 0.01");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--count") || !strcmp(a, "-n")) {
			if (i + 1 >= argc || parse_u64(argv[++i], &count) || !count) {
				err("stats: --count needs a positive integer");
				return EXIT_USAGE;
			}
			have_count = true;
		} else if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
			if (i + 1 >= argc || parse_format(argv[++i], &fmt, false)) {
				err("stats: --format needs text or json");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--json")) {
			fmt = FMT_JSON;
		} else if (!strcmp(a, "--no-latency")) {
			with_hist = false;
		} else if (a[0] == '-' && a[1]) {
			err("stats: unknown option '%s' (see 'irqcap --help')", a);
			return EXIT_USAGE;
		} else if (spec) {
			err("stats: one device at a time ('%s' and '%s')", spec, a);
			return EXIT_USAGE;
		} else {
			spec = a;
		}
	}
	if (!spec) {
		err("stats: which device? usage: irqcap stats DEV [--watch]");
		return EXIT_USAGE;
	}
	rc = resolve_dev(spec, &d);
	if (rc)
		return rc;
	if (!watch && !have_count)
		count = 1;
	else if (!watch)
		watch = true;

	install_signals();
	for (;;) {
		if (take_snapshot(d, &s)) {
			err("%s: cannot read counters in %s", irqcap_device_name(d),
			    irqcap_device_sysfs_dir(d));
			irqcap_device_free(d);
			return done ? EXIT_ERR : EXIT_NODEV;
		}
		if (watch && fmt == FMT_TEXT) {
			if (isatty(STDOUT_FILENO))
				fputs("\033[H\033[2J", stdout);
			else if (done)
				putchar('\n');
		}
		stats_print(d, fmt, &s, done ? &prev : NULL, with_hist);
		fflush(stdout);
		done++;
		prev = s;
		if ((count && done >= count) || stop_requested || (!watch))
			break;
		{
			struct timespec ts = {
				.tv_sec = (time_t)(interval_ns / 1000000000ULL),
				.tv_nsec = (long)(interval_ns % 1000000000ULL),
			};

			while (nanosleep(&ts, &ts) && errno == EINTR && !stop_requested)
				;
		}
		if (stop_requested)
			break;
	}
	irqcap_device_free(d);
	return EXIT_OK;
}

