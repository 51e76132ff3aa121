/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * irqcap-stream: the one checker of the event-stream rules of
 * src/uapi/irqcap.h, shared by the CLI (tools/irqcap.c) and every guest
 * program (tests/).  It is part of libirqcap (tools/lib/reader.c runs every
 * record through it), and stays one self-contained file that guest programs
 * compile in by path.
 *
 * Rules, in the order records are read from one file:
 *  - an IRQ record's seqno is the previous record's seqno + 1; a TIMEOUT or
 *    MARKER record carries the seqno of the most recent interrupt (equal);
 *    anything beyond is a gap of that many interrupts;
 *  - a gap must be accounted for by the OVERFLOW record(s) right before it:
 *    the gap may not exceed their loss (with IRQCAP_STREAM_EXACT_LOSS, where
 *    only IRQ records flow, it must equal it, and an OVERFLOW must be
 *    followed by that gap);
 *  - an OVERFLOW record repeats the seqno of the last record read (0 and no
 *    baseline when none was read yet);
 *  - timestamps never decrease in ring order, whatever the record type;
 *  - reserved is zero and the type is one of enum irqcap_event_type
 *    (SUSPEND, RESUME and THROTTLED are counted in @others and say nothing
 *    about seqnos).
 * A seqno below the previous one (for an IRQ record: not above it) is a
 * violation; the checker takes it as its new baseline.
 */
#ifndef IRQCAP_STREAM_H
#define IRQCAP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../src/uapi/irqcap.h"

/* flags for irqcap_stream_init() */
#define IRQCAP_STREAM_EXACT_LOSS	0x1u	/* every lost record was an IRQ record */

/* violation bits, as returned by irqcap_stream_feed() */
#define IRQCAP_STREAM_V_GAP		0x01u	/* seqno gap no OVERFLOW accounts for */
#define IRQCAP_STREAM_V_LOSS		0x02u	/* EXACT_LOSS: OVERFLOW loss != the gap */
#define IRQCAP_STREAM_V_SEQ_BACK	0x04u	/* seqno below the previous one (IRQ: repeated) */
#define IRQCAP_STREAM_V_OVF_SEQ		0x08u	/* OVERFLOW seqno is not the last read */
#define IRQCAP_STREAM_V_TS_BACK		0x10u	/* timestamp below the previous one */
#define IRQCAP_STREAM_V_RESERVED	0x20u	/* reserved != 0 */
#define IRQCAP_STREAM_V_TYPE		0x40u	/* unknown record type */

/* What one record meant in its stream (filled by irqcap_stream_feed()). */
struct irqcap_stream_rec {
	uint64_t gap;		/* interrupts missing by seqno before this record */
	uint64_t gap_from;	/* the seqno before the gap */
	bool after_overflow;	/* the record follows an OVERFLOW record */
	unsigned int violations;	/* IRQCAP_STREAM_V_* */
};

struct irqcap_stream {
	unsigned int flags;
	/* state */
	bool have_seqno, have_ts, have_read;
	uint64_t last_seqno, last_ts;
	uint64_t pending_lost;	/* OVERFLOW loss not yet met by a gap */
	bool after_overflow;
	/* counts */
	uint64_t records, irqs, timeouts, markers, overflows, others;
	uint64_t lost;		/* sum of OVERFLOW records' data */
	uint64_t gap_total;	/* interrupts missing by seqno */
	uint64_t gap_unreported;	/* ... beyond what OVERFLOW records report */
	uint64_t gaps;		/* records with IRQCAP_STREAM_V_GAP */
	uint64_t backward;	/* records with IRQCAP_STREAM_V_TS_BACK */
	uint64_t bad;		/* records with any violation */
	/* the first violation */
	uint64_t first_index;	/* its record number, from 0 */
	char first[192];	/* "" while there is none */
};

void irqcap_stream_init(struct irqcap_stream *s, unsigned int flags);
/* The next IRQ record is expected to carry @seqno (e.g. 1 on a fresh device). */
void irqcap_stream_expect(struct irqcap_stream *s, uint64_t seqno);
/* Check one record; @r (may be NULL) says what it meant.  Returns its violations. */
unsigned int irqcap_stream_feed(struct irqcap_stream *s, const struct irqcap_event *ev,
				struct irqcap_stream_rec *r);
/* Check @n records; returns how many of them broke a rule. */
size_t irqcap_stream_feed_n(struct irqcap_stream *s, const struct irqcap_event *ev, size_t n);
/* Check that no OVERFLOW loss is left unmatched (EXACT_LOSS, at the end). */
unsigned int irqcap_stream_finish(struct irqcap_stream *s);
/* The first violation as a message, or NULL when the stream kept every rule. */
const char *irqcap_stream_error(const struct irqcap_stream *s);

#endif /* IRQCAP_STREAM_H */
