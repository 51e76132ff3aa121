/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libirqcap internals: the reader object, shared by reader.c (the reader,
 * read() mode, the stream rules) and ring.c (the mapped ring); not installed.
 */
#ifndef IRQCAP_LIB_READER_H
#define IRQCAP_LIB_READER_H

#include "internal.h"
#include "irqcap-stream.h"

#define BATCH	256

struct irqcap_reader {
	int fd;
	unsigned int mode, clock, flags;
	bool is_chr;		/* a device node, not a recording */
	bool user_clock;	/* the library converts timestamps */
	char name[64];
	char msg[IRQCAP_MSG_LEN];

	/* the stream rules and what records mean */
	struct irqcap_stream chk;
	bool have_irq;
	uint64_t last_irq_ns;	/* CLOCK_MONOTONIC (or the driver's clock) */

	/* records fetched, not yet delivered: buf[pos..n) */
	size_t pos, n;
	struct irqcap_event buf[BATCH + 2];
	uint64_t raw_ts[BATCH + 2];	/* their timestamps before conversion */
	size_t partial;		/* read(): bytes of a partial record after buf[n] */

	/* the mapped ring */
	void *map;
	size_t map_len;
	const struct irqcap_mmap_page *page;
	const unsigned char *data;
	uint32_t ring, mpos;
	bool have_last;
	uint64_t last_seqno, last_ts;	/* of the last record taken from the ring */
	bool consumed;		/* IRQCAP_IOC_CONSUME told the driver mpos */
	/* the file's reader page (@tail: mpos for the driver), NULL: CONSUME */
	struct irqcap_mmap_reader *rpage;
	size_t rpage_len;

	uint64_t torn, truncated;
};

/* reader.c */
int irqcap__reader_fail(struct irqcap_reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Convert buf[from..n) to the reader's clock where the library has to. */
void irqcap__convert(struct irqcap_reader *r, size_t from);

/* ring.c: the mapped ring */
int irqcap__map_open(struct irqcap_reader *r, const struct irqcap_info *info);
/* Fetch what the ring has now: >0 records (an OVERFLOW included), 0 none, -errno. */
int irqcap__map_fetch(struct irqcap_reader *r);
/*
 * Tell the driver the reader's position: store it in the reader page (the
 * driver takes it over at its next read()/ioctl(); poll() judges by it), or
 * without one IRQCAP_IOC_CONSUME, unless the driver has it already.
 */
int irqcap__map_consume(struct irqcap_reader *r);
/* The ring's head (low 32 bits), acquire. */
uint32_t irqcap__map_head(const struct irqcap_reader *r);

#endif /* IRQCAP_LIB_READER_H */
