/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * irqcap(1): what the subcommands share.  The CLI is built on libirqcap
 * (tools/lib, <irqcap/irqcap.h>): device lookup, sysfs, ioctls and the
 * record stream are the library's; the CLI parses options and formats.
 */
#ifndef IRQCAP_CLI_H
#define IRQCAP_CLI_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include <irqcap/irqcap.h>

#ifndef IRQCAP_TOOL_VERSION
#define IRQCAP_TOOL_VERSION "unknown"
#endif

/* Exit codes (documented in irqcap(1) and docs/cli.md). */
enum {
	EXIT_OK		= 0,	/* success */
	EXIT_ERR	= 1,	/* runtime error: I/O failure, device vanished */
	EXIT_USAGE	= 2,	/* bad command line, unknown key, invalid value */
	EXIT_NODEV	= 3,	/* no such irqcap device / module not loaded */
	EXIT_PERM	= 4,	/* permission denied */
	EXIT_TIMEOUT	= 5,	/* monitor: --timeout expired before --count records */
};

#define MAX_DEVS	64
#define PATH_LEN	512

extern const char *prog;
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* common.c: environment (test hooks IRQCAP_SYSFS_ROOT, IRQCAP_DEV_ROOT, IRQCAP_DEBUGFS_ROOT) */
const struct irqcap_roots *cli_roots(void);
void debugfs_root(char *buf, size_t len);

/* common.c: parsing and formatting */
int parse_u64(const char *s, unsigned long long *out);
int parse_seconds(const char *s, unsigned long long *ns);
void fmt_ts(char *buf, size_t len, unsigned long long ns);
void fmt_dur(char *buf, size_t len, unsigned long long ns);
void json_str(FILE *f, const char *s);
void json_str_or_null(FILE *f, const char *s);

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };
int parse_format(const char *s, enum fmt *f, bool allow_csv);

/* common.c: devices, with the CLI's messages; return an exit code */
int resolve_dev(const char *spec, struct irqcap_device **devp);
int open_reader(struct irqcap_device *dev, const struct irqcap_reader_opts *opts,
		struct irqcap_reader **rp);
/* A device's name for people: its label when it has one, else irqcapN. */
const char *dev_display_name(const struct irqcap_device *dev);

/* common.c: signals and time */
extern volatile sig_atomic_t stop_requested;
void install_signals(void);
unsigned long long mono_ns(void);

/* event.c: one record in each output format */
#define MONITOR_CSV_HEADER \
	"device,type,timestamp_ns,seqno,interval_ns,lost,seq_gap,data,edge,clock"
#define MONITOR_TEXT_HEADER \
	"DEVICE   TIMESTAMP_S           SEQNO  TYPE      INTERVAL_S      NOTE"
void print_event(FILE *f, enum fmt fmt, const char *dev, const char *label,
		 const struct irqcap_record *rec);
void print_text_header(FILE *f, unsigned int clock);

/* hist.c: debugfs latency histograms */
#define HIST_MAX	3
#define HIST_BUCKETS	40
struct hist {
	char name[32];
	unsigned long long max_ns;
	int n;
	unsigned long long lt_ns[HIST_BUCKETS];
	unsigned long long count[HIST_BUCKETS];
	int open_bit;	/* the top bucket "ge_ns 2^open_bit": no upper bound; -1 none */
};
int hist_parse(const char *text, struct hist *h, int max);
void hist_draw(FILE *f, const struct hist *h, int width);
void hist_json(FILE *f, const struct hist *h, int nh);

/* set.c: the settings irqcap set knows */
struct setting {
	const char *key;
	const char *alias;
	unsigned long long max;	/* 0: string choice */
	const char *unit;
};
extern const struct setting settings[];
extern const unsigned int n_settings;
int validate_setting(const char *key, const char *value, const struct setting **set,
		     char *canon, size_t clen, char *msg, size_t mlen);

/* the subcommands */
int cmd_list(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_set(int argc, char **argv);

/* main.c */
int split_long_opts(int argc, char **argv, char **out);
int irqcap_cli_main(int argc, char **argv);

#endif /* IRQCAP_CLI_H */
