// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap monitor: stream the records of one or more devices, merged by
 * timestamp, through libirqcap readers (read() or the mapped ring).
 */
#include "cli.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mon_dev {
	struct irqcap_device *dev;
	struct irqcap_reader *r;
	bool open;
};

struct mon_opts {
	unsigned long long count, timeout_ns;
	bool have_count, have_timeout, header;
	const char *timeout_arg;
	enum fmt fmt;
	struct irqcap_reader_opts ropts;
	const char *specs[MAX_DEVS];
	int nspec;
};

static int parse_mode(const char *s, unsigned int *mode)
{
	if (!strcmp(s, "auto"))
		*mode = IRQCAP_MODE_AUTO;
	else if (!strcmp(s, "read"))
		*mode = IRQCAP_MODE_READ;
	else if (!strcmp(s, "mmap"))
		*mode = IRQCAP_MODE_MMAP;
	else
		return -EINVAL;
	return 0;
}

static int parse_args(int argc, char **argv, struct mon_opts *o)
{
	int i, c;

	memset(o, 0, sizeof(*o));
	o->header = true;
	o->timeout_arg = "";
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
			if (i + 1 >= argc || parse_format(argv[++i], &o->fmt, true)) {
				err("monitor: --format needs text, json or csv");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--json")) {
			o->fmt = FMT_JSON;
		} else if (!strcmp(a, "--count") || !strcmp(a, "-n")) {
			if (i + 1 >= argc || parse_u64(argv[++i], &o->count) || !o->count) {
				err("monitor: --count needs a positive integer");
				return EXIT_USAGE;
			}
			o->have_count = true;
		} else if (!strcmp(a, "--timeout") || !strcmp(a, "-t")) {
			if (i + 1 >= argc || parse_seconds(argv[++i], &o->timeout_ns)) {
				err("monitor: --timeout needs seconds (e.g. 5 or 0.5)");
				return EXIT_USAGE;
			}
			o->timeout_arg = argv[i];
			o->have_timeout = true;
		} else if (!strcmp(a, "--clock") || !strcmp(a, "-E")) {
			c = i + 1 < argc ? irqcap_clock_parse(argv[++i]) : -EINVAL;
			if (c < 0) {
				err("monitor: --clock needs monotonic, boottime, realtime or tai");
				return EXIT_USAGE;
			}
			o->ropts.clock = (unsigned int)c;
		} else if (!strcmp(a, "--read-mode")) {
			if (i + 1 >= argc || parse_mode(argv[++i], &o->ropts.mode)) {
				err("monitor: --read-mode needs auto, read or mmap");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--no-header")) {
			o->header = false;
		} else if (a[0] == '-' && a[1]) {
			err("monitor: unknown option '%s' (see 'irqcap --help')", a);
			return EXIT_USAGE;
		} else {
			if (o->nspec >= MAX_DEVS) {
				err("monitor: too many devices");
				return EXIT_USAGE;
			}
			o->specs[o->nspec++] = a;
		}
	}
	return EXIT_OK;
}

/* The devices to watch, each once; prints its errors.  Returns an exit code. */
static int find_devs(const struct mon_opts *o, struct mon_dev *mons, int *nm)
{
	char **names;
	int i, j, n, rc;

	*nm = 0;
	if (!o->nspec) {
		n = irqcap_list_devices(cli_roots(), &names);
		if (n <= 0) {
			if (n == 0)
				irqcap_names_free(names);
			err("no irqcap devices found (is the irqcap module loaded? try 'modprobe irqcap')");
			return EXIT_NODEV;
		}
		for (i = 0; i < n && *nm < MAX_DEVS; i++)
			if (!irqcap_device_find(cli_roots(), names[i], &mons[*nm].dev))
				(*nm)++;
		irqcap_names_free(names);
		return *nm ? EXIT_OK : EXIT_NODEV;
	}
	for (i = 0; i < o->nspec; i++) {
		rc = resolve_dev(o->specs[i], &mons[*nm].dev);
		if (rc)
			return rc;
		for (j = 0; j < *nm; j++)
			if (!strcmp(irqcap_device_name(mons[j].dev),
				    irqcap_device_name(mons[*nm].dev)))
				break;
		if (j == *nm)
			(*nm)++;
		else
			irqcap_device_free(mons[*nm].dev);
	}
	return EXIT_OK;
}

static void mon_close(struct mon_dev *m)
{
	struct irqcap_counts c;

	irqcap_reader_counts(m->r, &c);
	if (c.truncated)
		err("%s: truncated record (%llu bytes) ignored", irqcap_device_name(m->dev),
		    (unsigned long long)c.truncated);
	m->open = false;
}

/* After poll() said @revents: fetch; 0 still open, else closed (*ret set on errors). */
static void mon_fetch(struct mon_dev *m, short revents, int *live, int *ret)
{
	const char *name = irqcap_device_name(m->dev);
	uint64_t ts;
	int rc = irqcap_reader_peek_ts(m->r, &ts);

	if (rc > 0 || (rc == 0 && !(revents & (POLLHUP | POLLERR))))
		return;
	if (rc == -ENODEV || (revents & POLLERR)) {
		err("%s: device removed (driver unbound or module unloaded)", name);
		*ret = EXIT_ERR;
	} else if (rc < 0 && rc != -IRQCAP_E_END) {
		err("%s", irqcap_reader_errmsg(m->r));
		*ret = EXIT_ERR;
	}
	mon_close(m);
	(*live)--;
}

static void summary(struct mon_dev *mons, int nm)
{
	struct irqcap_counts c;
	char others[64];

	for (int i = 0; i < nm; i++) {
		irqcap_reader_counts(mons[i].r, &c);
		others[0] = 0;
		if (c.others)
			snprintf(others, sizeof(others), ", %llu other",
				 (unsigned long long)c.others);
		fprintf(stderr, "%s: %llu records (%llu irq, %llu timeout, %llu marker, %llu overflow%s); lost %llu records in overflows; %llu interrupts missing by seqno (%llu not reported by an overflow)\n",
			irqcap_device_name(mons[i].dev),
			(unsigned long long)c.records, (unsigned long long)c.irqs,
			(unsigned long long)c.timeouts, (unsigned long long)c.markers,
			(unsigned long long)c.overflows, others, (unsigned long long)c.lost,
			(unsigned long long)c.gap_total, (unsigned long long)c.gap_unreported);
	}
}

/* Print what the readers hold, merged by time.  Returns records printed. */
static unsigned long long drain(struct mon_dev *mons, int nm, const struct mon_opts *o,
				unsigned long long printed)
{
	struct irqcap_record rec;
	unsigned long long n = 0;
	uint64_t best_ts, ts;
	int i, best;

	for (;;) {
		if (o->have_count && printed + n >= o->count)
			break;
		best = -1;
		best_ts = 0;
		for (i = 0; i < nm; i++)
			if (mons[i].open && irqcap_reader_pending(mons[i].r) &&
			    irqcap_reader_peek_ts(mons[i].r, &ts) > 0 && (best < 0 || ts < best_ts)) {
				best = i;
				best_ts = ts;
			}
		if (best < 0)
			break;
		if (irqcap_reader_next(mons[best].r, &rec, 0) != 1)
			break;
		print_event(stdout, o->fmt, irqcap_device_name(mons[best].dev),
			    irqcap_device_label(mons[best].dev), &rec);
		n++;
	}
	fflush(stdout);
	return n;
}

static int watch(struct mon_dev *mons, int nm, const struct mon_opts *o)
{
	unsigned long long printed = 0, deadline = 0, now;
	struct pollfd pfd[MAX_DEVS];
	int map[MAX_DEVS], live = nm, ret = EXIT_OK, i, rc, npfd, wait_ms;

	if (o->have_timeout)
		deadline = mono_ns() + o->timeout_ns;
	while (live && !stop_requested && !(o->have_count && printed >= o->count)) {
		wait_ms = -1;
		if (o->have_timeout) {
			now = mono_ns();
			if (now >= deadline)
				break;
			wait_ms = (int)((deadline - now + 999999) / 1000000);
			if (wait_ms > 1000)
				wait_ms = 1000;	/* no int overflow for long timeouts */
		}
		for (npfd = 0, i = 0; i < nm; i++) {
			if (!mons[i].open)
				continue;
			pfd[npfd].fd = irqcap_reader_fd(mons[i].r);
			pfd[npfd].events = POLLIN;
			pfd[npfd].revents = 0;
			map[npfd++] = i;
		}
		rc = poll(pfd, (nfds_t)npfd, wait_ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			err("poll: %s", strerror(errno));
			ret = EXIT_ERR;
			break;
		}
		/* gather from every ready device, then print merged by time */
		for (i = 0; i < npfd; i++)
			if (pfd[i].revents)
				mon_fetch(&mons[map[i]], pfd[i].revents, &live, &ret);
		printed += drain(mons, nm, o, printed);
	}
	if (ret == EXIT_OK && o->have_count && printed < o->count && !stop_requested &&
	    o->have_timeout && live) {
		err("timeout: got %llu of %llu records in %s s", printed, o->count, o->timeout_arg);
		ret = EXIT_TIMEOUT;
	}
	return ret;
}

int cmd_monitor(int argc, char **argv)
{
	static struct mon_dev mons[MAX_DEVS];
	struct mon_opts o;
	int nm = 0, i, rc;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	rc = find_devs(&o, mons, &nm);
	for (i = 0; !rc && i < nm; i++) {
		rc = open_reader(mons[i].dev, &o.ropts, &mons[i].r);
		mons[i].open = !rc;
	}
	if (rc)
		goto out;

	install_signals();
	if (o.fmt == FMT_TEXT && o.header)
		print_text_header(stdout, o.ropts.clock);
	else if (o.fmt == FMT_CSV && o.header)
		puts(MONITOR_CSV_HEADER);
	fflush(stdout);
	if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "%s: monitoring", prog);
		for (i = 0; i < nm; i++)
			fprintf(stderr, " %s", dev_display_name(mons[i].dev));
		fprintf(stderr, " (Ctrl-C to stop)\n");
	}
	rc = watch(mons, nm, &o);
	if (o.fmt == FMT_TEXT)
		summary(mons, nm);
out:
	for (i = 0; i < nm; i++) {
		irqcap_reader_close(mons[i].r);
		irqcap_device_free(mons[i].dev);
		mons[i].r = NULL;
		mons[i].dev = NULL;
	}
	return rc;
}
