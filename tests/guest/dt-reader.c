// SPDX-License-Identifier: GPL-2.0-only
/*
 * dt-reader: runs inside the Device Tree test guest (arm64, armhf; static).
 *
 *   dt-reader DEVICE COUNT TIMEOUT_S SETTLE_MS [mmap]
 *
 * With "mmap" the records come through the mapped ring and the file's reader
 * page (docs/mmap-reader.c's functions, the docs' reader itself): no read(),
 * the position stored in the page before each poll(); READER INFO then ends
 * in "mode=mmap page=1" when the reader page was mapped.  A loss the
 * positions show is bad (the reader keeps up with pulses seconds apart).
 *
 * Opens DEVICE, checks IRQCAP_IOC_INFO, prints "READER READY", then prints one
 * line per record as it arrives:
 *   EVENT type=1 seq=N ts=NS age_ms=MS data=N edge=E
 * until COUNT interrupt records have arrived (or TIMEOUT_S passes), waits
 * SETTLE_MS more for stray records, prints IRQCAP_IOC_STATS and finally
 *   READER DONE irq=N other=N bad=N
 * "bad" counts records that break the contract: a record that breaks a
 * stream rule (tools/lib/irqcap-stream.c: seqnos consecutive from 1 on the
 * fresh device, timestamps never backwards, reserved zero, known types), an
 * IRQ record after any seqno gap or with a timestamp of 0 or in the future,
 * or a short read (the first rule broken is printed as "READER BAD rule: ...").  Exit status 0 only when irq == COUNT and bad == 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../../src/uapi/irqcap.h"
#include "../../tools/lib/irqcap-stream.h"

#define IRQCAP_MMAP_READER_NO_MAIN
#include "../../docs/mmap-reader.c"

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct irqcap_event ev[64];
	struct irqcap_info info;
	struct irqcap_source src;
	struct irqcap_stats st;
	unsigned long long deadline, settle_end = 0, last_ts = 0, last_seq = 0;
	struct irqcap_stream chk;
	unsigned long irqs = 0, other = 0, bad = 0, want;
	struct irqcap_map map = { .fd = -1 };
	bool mapped = argc == 6 && !strcmp(argv[5], "mmap");
	int fd, settle_ms;

	if (argc != 5 && !mapped) {
		fprintf(stderr, "usage: %s DEVICE COUNT TIMEOUT_S SETTLE_MS [mmap]\n", argv[0]);
		return 2;
	}
	want = strtoul(argv[2], NULL, 0);
	deadline = now_ns() + strtoull(argv[3], NULL, 0) * 1000000000ULL;
	settle_ms = atoi(argv[4]);

	/* the reader page is a shared writable mapping: O_RDWR */
	fd = open(argv[1], mapped ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		printf("READER ERROR open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&info, 0xff, sizeof(info));
	if (ioctl(fd, IRQCAP_IOC_INFO, &info) < 0) {
		printf("READER ERROR IRQCAP_IOC_INFO: %s\n", strerror(errno));
		return 1;
	}
	if (mapped) {
		int ret = irqcap_map_open(&map, fd);

		if (ret) {
			printf("READER ERROR mmap: %s\n", strerror(-ret));
			return 1;
		}
	}
	printf("READER INFO abi=%u event_size=%u ring_size=%u irq=%u flags=%#x%s\n",
	       info.abi_version, info.event_size, info.ring_size, info.irq, info.flags,
	       !mapped ? "" : map.reader ? " mode=mmap page=1" : " mode=mmap page=0");
	if (info.abi_version != IRQCAP_ABI_VERSION ||
	    info.event_size != sizeof(struct irqcap_event))
		bad++;
	/* where the interrupt comes from: the host checks it (dt-gpio-test.sh) */
	memset(&src, 0xff, sizeof(src));
	if (ioctl(fd, IRQCAP_IOC_SOURCE, &src) < 0) {
		printf("READER ERROR IRQCAP_IOC_SOURCE: %s\n", strerror(errno));
		return 1;
	}
	printf("READER SOURCE label=%.64s fwnode=%.128s irqchip=%.32s gpiochip=%.32s line=%d hwirq=%llu trigger=%u gpioflag=%d\n",
	       src.label, src.fwnode, src.irqchip, src.gpiochip, src.gpio_line,
	       (unsigned long long)src.hwirq, src.trigger, !!(info.flags & IRQCAP_INFO_GPIO));
	irqcap_stream_init(&chk, IRQCAP_STREAM_EXACT_LOSS);
	irqcap_stream_expect(&chk, 1);	/* a fresh device: the first IRQ is 1 */
	printf("READER READY\n");
	fflush(stdout);

	for (;;) {
		unsigned long long t = now_ns(), end;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int i, r;

		end = settle_end ? settle_end : deadline;
		if (t >= end)
			break;
		if (mapped) {
			uint64_t lost = 0;

			n = irqcap_map_read(&map, ev, 64, &lost);
			if (lost) {
				printf("READER BAD the mapping lost %llu records\n",
				       (unsigned long long)lost);
				bad++;
			}
			if (n) {
				n *= sizeof(ev[0]);
				goto got;
			}
			/* the ring is empty: the position into the page, then poll() */
			r = irqcap_map_wait(&map, (int)((end - t) / 1000000ULL) + 1);
			if (r < 0 && errno != EINTR) {
				printf("READER ERROR poll: %s\n", strerror(errno));
				return 1;
			}
			continue;
		}
		r = poll(&pfd, 1, (int)((end - t) / 1000000ULL) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			printf("READER ERROR poll: %s\n", strerror(errno));
			return 1;
		}
		if (r == 0)
			continue;
		n = read(fd, ev, sizeof(ev));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			printf("READER ERROR read: %s\n", strerror(errno));
			return 1;
		}
		if (n % sizeof(ev[0])) {
			printf("READER BAD short read of %zd bytes\n", n);
			bad++;
		}
got:
		t = now_ns();
		for (i = 0; i < (int)(n / sizeof(ev[0])); i++) {
			struct irqcap_event *e = &ev[i];

			printf("EVENT type=%u seq=%llu ts=%llu age_ms=%llu data=%llu edge=%u\n",
			       e->type, (unsigned long long)e->seqno,
			       (unsigned long long)e->timestamp_ns,
			       e->timestamp_ns <= t ?
			       (t - e->timestamp_ns) / 1000000ULL : 0ULL,
			       (unsigned long long)e->data, e->edge);
			struct irqcap_stream_rec rec;
			unsigned int v = irqcap_stream_feed(&chk, e, &rec);

			if (e->type != IRQCAP_EVENT_IRQ) {
				other++;
				bad += !!v;
				continue;
			}
			irqs++;
			if (v || rec.gap || e->timestamp_ns > t || e->timestamp_ns == 0) {
				printf("READER BAD record seq=%llu after seq=%llu ts=%llu after %llu\n",
				       (unsigned long long)e->seqno, last_seq,
				       (unsigned long long)e->timestamp_ns, last_ts);
				bad++;
			}
			last_seq = e->seqno;
			last_ts = e->timestamp_ns;
		}
		fflush(stdout);
		if (irqs >= want && !settle_end)
			settle_end = now_ns() + (unsigned long long)settle_ms * 1000000ULL;
	}

	if (ioctl(fd, IRQCAP_IOC_STATS, &st) == 0)
		printf("READER STATS irqs_seen=%llu events_committed=%llu debounced=%llu dropped=%llu reader_read=%llu reader_lost=%llu suspends=%llu throttled=%llu\n",
		       (unsigned long long)st.irqs_seen,
		       (unsigned long long)st.events_committed,
		       (unsigned long long)st.debounced,
		       (unsigned long long)st.dropped,
		       (unsigned long long)st.reader_read,
		       (unsigned long long)st.reader_lost,
		       (unsigned long long)st.suspends,
		       (unsigned long long)st.throttled);
	else
		printf("READER ERROR IRQCAP_IOC_STATS: %s\n", strerror(errno));
	if (irqcap_stream_error(&chk))
		printf("READER BAD rule: %s\n", irqcap_stream_error(&chk));
	printf("READER DONE irq=%lu other=%lu bad=%lu\n", irqs, other, bad);
	fflush(stdout);
	if (mapped)
		irqcap_map_close(&map);
	close(fd);
	return (irqs == want && !bad) ? 0 : 1;
}
