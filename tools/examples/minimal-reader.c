// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * minimal-reader: print the records of one irqcap device with libirqcap.
 *
 *   cc -o minimal-reader minimal-reader.c $(pkg-config --cflags --libs irqcap)
 *   ./minimal-reader irqcap0 [COUNT [CLOCK [MODE]]]
 *
 * DEVICE is irqcapN, /dev/irqcapN or a label; CLOCK monotonic (default),
 * boottime, realtime or tai; MODE auto (default), read or mmap.  Prints one
 * line per record, then a summary; exits 1 if the stream broke a rule.
 * IRQCAP_SYSFS_ROOT and IRQCAP_DEV_ROOT point it at a fake tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <irqcap/irqcap.h>

int main(int argc, char **argv)
{
	struct irqcap_reader_opts opts = { 0 };
	struct irqcap_roots roots;
	struct irqcap_device *dev;
	struct irqcap_reader *r;
	struct irqcap_record rec;
	struct irqcap_counts c;
	long count = argc > 2 ? atol(argv[2]) : 10, n = 0;
	int rc, clock;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DEVICE [COUNT [CLOCK [MODE]]]\n", argv[0]);
		return 2;
	}
	if (argc > 3) {
		clock = irqcap_clock_parse(argv[3]);
		if (clock < 0) {
			fprintf(stderr, "%s: unknown clock\n", argv[3]);
			return 2;
		}
		opts.clock = (unsigned int)clock;
	}
	if (argc > 4)
		opts.mode = !strcmp(argv[4], "mmap") ? IRQCAP_MODE_MMAP :
			    !strcmp(argv[4], "read") ? IRQCAP_MODE_READ : IRQCAP_MODE_AUTO;

	/* the test suite's fake tree; NULL for /sys and /dev */
	roots.sysfs = getenv("IRQCAP_SYSFS_ROOT");
	roots.dev = getenv("IRQCAP_DEV_ROOT");
	rc = irqcap_device_find(&roots, argv[1], &dev);
	if (rc) {
		fprintf(stderr, "%s: %s\n", argv[1], irqcap_strerror(rc));
		return 1;
	}
	rc = irqcap_reader_open(dev, &opts, &r);
	if (rc) {
		fprintf(stderr, "%s\n", irqcap_device_errmsg(dev));
		irqcap_device_free(dev);
		return 1;
	}
	printf("# %s: %s, clock %s\n", irqcap_device_name(dev),
	       irqcap_reader_mode(r) == IRQCAP_MODE_MMAP ? "mmap" : "read",
	       irqcap_clock_name((unsigned int)irqcap_reader_clock(r)));
	while (n < count) {
		rc = irqcap_reader_next(r, &rec, 5000);	/* or poll irqcap_reader_fd() */
		if (rc <= 0)
			break;
		const char *edge = irqcap_edge_name(rec.ev.edge);

		printf("%llu.%09llu %s seqno %llu%s%s",
		       (unsigned long long)(rec.ev.timestamp_ns / 1000000000ULL),
		       (unsigned long long)(rec.ev.timestamp_ns % 1000000000ULL),
		       irqcap_event_type_name(rec.ev.type), (unsigned long long)rec.ev.seqno,
		       edge ? " " : "", edge ? edge : "");
		if (rec.lost)
			printf(" lost %llu", (unsigned long long)rec.lost);
		printf("\n");
		n++;
	}
	if (rc < 0 && rc != -IRQCAP_E_END)
		fprintf(stderr, "%s\n", irqcap_reader_errmsg(r));
	irqcap_reader_counts(r, &c);
	printf("# %llu records, %llu irq, %llu lost, %llu bad%s%s\n",
	       (unsigned long long)c.records, (unsigned long long)c.irqs,
	       (unsigned long long)c.lost, (unsigned long long)c.bad,
	       c.bad ? ": " : "", c.bad ? irqcap_reader_stream_error(r) : "");
	rc = c.bad ? 1 : 0;
	irqcap_reader_close(r);
	irqcap_device_free(dev);
	return rc;
}
