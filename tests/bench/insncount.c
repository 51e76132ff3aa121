// SPDX-License-Identifier: GPL-2.0-only
/*
 * insncount: a QEMU TCG plugin for scripts/bench.sh --insns.  Counts the
 * guest instructions executed per translation block and writes the counts
 * out each time the guest executes a marker (a translation block that
 * holds "movabs $0x1eadbeefcafef00d, %rax", see tests/bench/irqbench.c),
 * so each phase between two markers is measured on its own (the marker
 * block's own count lands in the phase it ends).  Under TCG
 * the cost of guest code is close to proportional to its instruction
 * count; perf inside the guest cannot see code that runs with interrupts
 * off, this can.
 *
 * Usage: -plugin ./insncount.so,out=FILE
 * FILE gets "snap N" lines, each followed by "VADDR INSNS EXECS0 EXECS1"
 * (executions on vCPU 0 and 1) for the blocks that ran since the previous
 * marker.
 *
 * The few declarations of QEMU's plugin API (version 1, QEMU 7.2) are
 * written out below: Debian ships no qemu-plugin.h.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
	void (*cb)(unsigned int vcpu, void *udata),
	enum qemu_plugin_cb_flags flags, void *udata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t id, void *udata), void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* movabs $0x1eadbeefcafef00d, %rax: irqbench's insn_mark() */
static const uint8_t mark_insn[10] = {
	0x48, 0xb8, 0x0d, 0xf0, 0xfe, 0xca, 0xef, 0xbe, 0xad, 0x1e
};

#define MAX_VCPUS	2	/* the benchmark's -smp 2; more are counted as the last */

struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs[MAX_VCPUS];	/* each vCPU increments its own */
	uint64_t dumped[MAX_VCPUS];	/* execs at the previous marker */
};

#define MAX_BLOCKS	(1 << 21)

static struct block *blocks;
static size_t nblocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;
static int snaps;

static void dump(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = nblocks;
	fprintf(out, "snap %d\n", snaps++);
	for (size_t i = 0; i < n; i++) {
		struct block *b = &blocks[i];
		uint64_t d[MAX_VCPUS];
		bool any = false;

		for (int c = 0; c < MAX_VCPUS; c++) {
			uint64_t e = __atomic_load_n(&b->execs[c], __ATOMIC_RELAXED);

			d[c] = e - b->dumped[c];
			b->dumped[c] = e;
			any |= d[c] != 0;
		}
		if (any)
			fprintf(out, "%" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
				b->vaddr, b->insns, d[0], d[1]);
	}
	fflush(out);
	pthread_mutex_unlock(&lock);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	(void)udata;
	dump();
}

static void on_exec(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	b->execs[vcpu < MAX_VCPUS ? vcpu : MAX_VCPUS - 1]++;
}

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct block *b = NULL;

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(mark_insn) &&
		    !memcmp(qemu_plugin_insn_data(insn), mark_insn, sizeof(mark_insn))) {
			qemu_plugin_register_vcpu_tb_exec_cb(tb, on_mark,
							     QEMU_PLUGIN_CB_NO_REGS, NULL);
			break;
		}
	}
	/* a block translated again gets a new entry; the report sums them */
	pthread_mutex_lock(&lock);
	if (nblocks < MAX_BLOCKS) {
		b = &blocks[nblocks++];
		b->vaddr = qemu_plugin_tb_vaddr(tb);
		b->insns = qemu_plugin_tb_n_insns(tb);
	}
	pthread_mutex_unlock(&lock);
	if (b)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_exec, QEMU_PLUGIN_CB_NO_REGS, b);
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	dump();
	fclose(out);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
			char **argv)
{
	const char *path = "insncount.txt";

	(void)info;
	for (int i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
	out = fopen(path, "w");
	blocks = calloc(MAX_BLOCKS, sizeof(*blocks));
	if (!out || !blocks)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
	qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
	return 0;
}
