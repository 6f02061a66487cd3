/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A user-space model of the Xen PV page-table pinning algorithm of Linux 6.1
 * (arch/x86/xen/mmu_pv.c: __xen_pgd_pin, __xen_pgd_unpin, xen_pin_page,
 * xen_unpin_page, xen_do_pin; arch/x86/xen/multicalls.c: __xen_mc_entry,
 * xen_mc_extend_args, xen_mc_callback, xen_mc_flush), written from the
 * description, not from the checker.
 *
 * model_new() builds random page tables and runs pins and unpins on 1 to 4
 * cpus; every step of the kernel ("truth") gets a cpu and a timestamp.
 * model_project() shows that truth through one event source (the caps of
 * the tracepoints, fentry or mainline mode), merged across cpus by
 * timestamp, and computes what the checker must count from it.
 *
 * Mutants break one rule of the seed patch on purpose (enum model_mutant).
 */
#ifndef PINSCOPE_MODEL_H
#define PINSCOPE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "pinscope.h"

#define MODEL_MC_BATCH	32	/* entries and callbacks per batch */
#define MODEL_MC_ARGS	(MODEL_MC_BATCH * 16)
#define MODEL_MAX_CPUS	4
#define MODEL_MAX_PTES	2000

enum model_mutant {
	MUT_NONE,
	MUT_PGD_FIRST,		/* pgd-last: the walk visits the PGD first (pre-patch order) */
	MUT_LATE_LOCK_PIN,	/* pte-lock-held: RO update + PIN_L1 queued, then the lock */
	MUT_LATE_LOCK_UNPIN,	/* pte-lock-held: UNPIN queued, then the lock */
	MUT_EARLY_UNLOCK,	/* unlock-after-flush: pin unlocks at once, no callback */
	MUT_EARLY_UNLOCK_UNPIN,	/* unlock-after-flush: unpin unlocks at once, no callback */
	MUT_NOSPLIT_L1_PIN,	/* no-split-no-l1-pin: ptl NULL, PTE page gets PIN_L1 */
	MUT_NOSPLIT_UNPIN,	/* no-split-no-l1-pin: ptl NULL, PTE page gets UNPIN */
	MUT_LOCKS_PILE,		/* locks-bounded: early flushes suppressed in the op */
	MUT_L4_EARLY,		/* l4-after-walk: PIN_L4 of the pgd queued inside the walk */
	MUT_UNPIN_LATE,		/* l4-after-walk: unpin's UNPINs and user pgd after the walk */
	MUT_UNPIN_KPGD_LATE,	/* l4-after-walk: only the pgd's UNPIN after the walk */
	MUT_LOCK_LEAK,		/* locks-released: a lock taken, never handed to a callback */
	MUT_PIN_ALL_UNLOCKED,	/* mm-lock-held: xen_mm_pin_all() without init_mm's
				 * page_table_lock (before upstream 6d002348789b, 2025);
				 * needs cfg.suspend */
	MODEL_NR_MUTANTS,
};

/* Which PTE pages a per-page mutant picks */
enum model_where {
	MW_ANY,		/* random pages */
	MW_PLAIN,	/* pages whose visit has no flush after the lock */
	MW_AT_FLUSH,	/* pages whose visit has a flush after the first queued update */
	MW_FIRST,	/* the first PTE page of the op */
	MW_LAST,	/* the last PTE page of the op */
	MW_SECOND,	/* the second PTE page of the op */
};

struct model_cfg {
	__u64 seed;
	int ncpus;		/* 1..MODEL_MAX_CPUS */
	int nmms;		/* address spaces, each owned by one cpu */
	int min_ptes;		/* PTE pages per mm, 1..MODEL_MAX_PTES */
	int max_ptes;
	int big_mms;		/* this many mms get exactly max_ptes PTE pages */
	int cycles;		/* pin + unpin cycles per mm, >= 1 */
	bool split;		/* split PTE locks (USE_SPLIT_PTE_PTLOCKS) */
	bool noise;		/* unrelated batches, flushes and callbacks between ops */
	bool ties;		/* equal timestamps on a cpu (real traces: ~18% of steps) */
	bool suspend;		/* then a save on cpu 0: xen_mm_pin_all() pins every mm
				 * against init_mm, xen_mm_unpin_all() unpins them */
	enum model_mutant mutant;
	enum model_where where;
	int mut_pct;		/* percent of eligible ops mutated (at least one) */
};

/* What the checker must report for one event source */
struct model_expect {
	__u64 nr_events;	/* events pushed */
	__u64 events;		/* stats.events: pushed + one END per cpu */
	__u64 ops[2];
	__u64 locks[2];		/* split locks the source sees taken, per op kind */
	__u64 holds[2];		/* hold samples */
	__u64 hold_sum[2];
	__u64 hold_max[2];
	__u64 op_ns_sum[2];
	__u64 op_ns_max[2];
	__u64 locks_max[PINSCOPE_LIN_SLOTS];
	/* the suspend path's share of the above (OP_BEGIN path 1): its holds
	 * and most locks per operation are its own (include/pinscope.h) */
	__u64 susp_ops[2];
	__u64 susp_locks;
	__u64 susp_holds[2];
	__u64 susp_hold_sum[2];
	__u64 susp_hold_max[2];
	__u64 susp_hold_slots[2][PINSCOPE_HIST_SLOTS];
	__u64 susp_locks_max[PINSCOPE_LIN_SLOTS];
	__u64 flushes;
	__u64 flush_reason[PINSCOPE_NR_FLUSH_REASONS];
	__u64 flush_entries[PINSCOPE_LIN_SLOTS];
	__u64 flush_cbs[PINSCOPE_LIN_SLOTS];
	__u64 flush_ns_count;	/* fentry: flushes inside an op or with locks held */
	__u64 flush_ns_sum;
	/* the histogram slots each sample belongs in (layout of include/pinscope.h) */
	__u64 hold_slots[2][PINSCOPE_HIST_SLOTS];
	__u64 op_ns_slots[2][PINSCOPE_HIST_SLOTS];
	__u64 flush_ns_slots[PINSCOPE_HIST_SLOTS];
	__u64 pte_unlock_cbs;	/* deferred unlocks queued */
	__u64 pages[2][8];	/* [op][enum pinscope_level] */
	__u32 cpus;		/* cpus with events */
	__u32 procs;		/* distinct pids of operations */
};

struct model;

/* NULL on a bad configuration or out of memory */
struct model *model_new(const struct model_cfg *cfg);
void model_free(struct model *m);

/*
 * The events one source sees, merged by timestamp (each cpu's order kept),
 * in *ev (malloc'ed, caller frees), and the expected aggregates.  caps must
 * be PINSCOPE_CAPS_TRACEPOINTS (also with PINSCOPE_CAP_OPEND: the current
 * series), PINSCOPE_CAPS_FENTRY or PINSCOPE_CAPS_MAINLINE; the first two (and
 * the current series') also with PINSCOPE_CAP_MMLOCK (the source records the
 * mm's page_table_lock; without it the events carry PINSCOPE_MMLOCK_UNKNOWN).
 */
int model_project(const struct model *m, __u32 caps, struct pinscope_event **ev,
		  size_t *nr, struct model_expect *exp);

/* Units the mutant broke: ops for per-op rules, PTE pages for per-page rules */
__u64 model_mutated(const struct model *m);
/* The cpu of the op with this pid if the mutant broke it, else -1 */
int model_broken_op_cpu(const struct model *m, __u32 pid);
/* Operations run, PTE pages visited, early flushes: for sanity checks and messages */
__u64 model_nr_ops(const struct model *m);
__u64 model_nr_pte_visits(const struct model *m);
__u64 model_nr_early_flushes(const struct model *m);
/* One line describing the run (seed, shape), for failure messages */
const char *model_describe(const struct model *m);

const char *model_mutant_name(enum model_mutant mut);
/* The rule the mutant breaks (enum pinscope_rule), -1 for MUT_NONE */
int model_mutant_rule(enum model_mutant mut);
/* Can a checker see this rule in the source of these caps at all?  The
 * model's own answer, from the events it projects (not user/report/coverage.c) */
bool model_rule_seen(int rule, __u32 caps);
/* Does the rule report once per operation (else once per PTE page)? */
bool model_rule_per_op(int rule);

#endif
