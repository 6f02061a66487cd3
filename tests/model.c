// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * User-space model of Xen PV page-table pinning (Linux 6.1), see model.h.
 *
 * The kernel code it follows (arch/x86/xen/mmu_pv.c, multicalls.c):
 *
 *   __xen_pgd_pin:   trace_xen_mmu_pgd_pin; xen_mc_batch();
 *                    __xen_pgd_walk(xen_pin_page): per pgd entry the PUD page,
 *                    per PUD entry the PMD page then its PTE pages, the PGD last;
 *                    xen_do_pin(PIN_L4, pgd); xen_pin_page(user pgd, PT_PGD);
 *                    xen_do_pin(PIN_L4, user pgd); xen_mc_issue(0) -> flush.
 *   __xen_pgd_unpin: trace_xen_mmu_pgd_unpin; xen_mc_batch();
 *                    xen_do_pin(UNPIN, pgd); xen_do_pin(UNPIN, user pgd);
 *                    xen_unpin_page(user pgd, PT_PGD); walk(xen_unpin_page);
 *                    xen_mc_issue(0) -> flush.
 *   xen_pin_page:    mcs = __xen_mc_entry(0); ptl = PTE ? xen_pte_lock : NULL;
 *                    MULTI_update_va_mapping(RO, PGD ? UVMF_TLB_FLUSH : 0);
 *                    if (ptl) { xen_do_pin(PIN_L1); xen_mc_callback(xen_pte_unlock, ptl); }
 *   xen_unpin_page:  if (PTE) { ptl = xen_pte_lock; if (ptl) xen_do_pin(UNPIN); }
 *                    mcs = __xen_mc_entry(0); MULTI_update_va_mapping(RW, ...);
 *                    if (ptl) xen_mc_callback(xen_pte_unlock, ptl);
 *   xen_do_pin:      xen_extend_mmuext_op: extend the previous mmuext entry
 *                    (24 arg bytes) or __xen_mc_entry(24) + MULTI_mmuext_op.
 *   __xen_mc_entry:  flush first if mcidx == MC_BATCH (BATCH) or
 *                    roundup(argidx, 8) + args >= MC_ARGS (ARGS).
 *   xen_mc_callback: flush first if cbidx == MC_BATCH (CALLBACK).
 *   xen_mc_flush:    trace_xen_mc_flush(mcidx, argidx, cbidx); hypercall;
 *                    run the callbacks in order; (fexit).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"

#define HC_MMU_UPDATE	1
#define HC_STACK_SWITCH	3
#define HC_UVM		PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING
#define HC_MMUEXT	26
#define MMUEXT_BYTES	24	/* sizeof(struct mmuext_op) */
#define INIT_MM		0xffffffff82a1e8c0ULL	/* &init_mm: the suspend path's mm */

/* ---- random numbers: splitmix64, one stream per purpose */

struct rng {
	__u64 s;
};

static __u64 rnext(struct rng *r)
{
	__u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u64 rbelow(struct rng *r, __u64 n)
{
	return n ? rnext(r) % n : 0;
}

static int rrange(struct rng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + (int)rbelow(r, (__u64)(hi - lo + 1));
}

static struct rng rng_of(__u64 seed, __u64 purpose)
{
	struct rng r = { .s = seed ^ (purpose * 0xd1b54a32d192ed03ULL) };

	rnext(&r);
	return r;
}

/* ---- the truth: every step of the kernel, per cpu, with its timestamp */

enum tstep {
	T_OP_BEGIN = 1,	/* trace_xen_mmu_pgd_(un)pin / fentry __xen_pgd_(un)pin: kind, mm, pgd */
	T_OP_END,	/* fexit __xen_pgd_(un)pin: kind */
	T_PAGE_ENTRY,	/* fentry xen_(un)pin_page: kind | mm lock (PTE pages), pfn, level */
	T_PAGE_QUEUED,	/* trace_xen_mmu_(un)pin_page, after the RO/RW update: kind, pfn, level, ptl */
	T_PAGE_EXIT,	/* fexit xen_(un)pin_page: kind */
	T_LOCK,		/* trace_xen_mmu_pte_lock: mm lock (PINSCOPE_EV_MMLOCK), pfn, -, ptl */
	T_UNLOCK,	/* xen_pte_unlock (fentry and its tracepoint): -, -, -, ptl */
	T_DOPIN_ENTRY,	/* fentry xen_do_pin: cmd, pfn */
	T_DOPIN_QUEUED,	/* trace_xen_mmu_do_pin, after the mmuext op is queued: cmd, pfn */
	T_MC_ENTRY,	/* trace_xen_mc_entry (new entries only): op, pfn of args[0], args[2] */
	T_CALLBACK,	/* trace_xen_mc_callback: is xen_pte_unlock, -, -, data */
	T_FLUSH_REASON,	/* trace_xen_mc_flush_reason: reason */
	T_FLUSH,	/* trace_xen_mc_flush: mcidx, argidx, cbidx */
	T_FLUSH_EXIT,	/* fexit xen_mc_flush */
	T_MC_ISSUE,	/* trace_xen_mc_issue */
};

struct step {
	__u64 ts;
	__u64 a[4];
	__u32 pid;
	__u8 type;
	__s32 lock;	/* lock id of LOCK, UNLOCK and pte CALLBACK steps, else -1 */
};

struct page {
	__u64 pfn;
	__u64 ptl;
	__u8 level;
};

struct mm {
	__u64 mmptr, pgdptr;
	__u64 pgd_pfn, upgd_pfn;
	struct page *walk;	/* the walk's pages in visiting order, PGD excluded */
	int nwalk;
	int nptes;
	int cpu;
};

struct lockrec {
	__u64 t_fe;		/* fentry's hold start: visit entry or last flush before the lock */
	int kind;		/* enum pinscope_op_kind */
	bool suspend;		/* taken by an operation of the suspend path */
};

struct cb {
	bool pte;
	int lock;
	__u64 data;
};

struct cpu_sim {
	struct model *m;
	int cpu;
	struct rng ts_rng;
	__u64 ts;
	struct step *st;
	size_t n, cap;
	/* struct mc_buffer */
	int mcidx, argidx, last_op;
	struct cb *cbs;
	int ncb, cbcap;
	__u64 nflush;
	int held;		/* split locks held (truth) */
	/* the operation in progress */
	int kind;
	__u32 pid;
	bool suppress;		/* MUT_LOCKS_PILE: no early flush */
	bool on_suspend;	/* the operation is on the suspend path (init_mm) */
	bool mm_unlocked;	/* ... and runs without its mm's page_table_lock */
	bool mutated;
	bool picked;
	bool over_batch;
	bool leaked;
	int pte_idx, pte_total;
	__u64 mutated_at_begin;
	/* the page visit in progress */
	bool in_visit;
	__u64 anchor;
};

struct model {
	struct model_cfg cfg;
	struct mm *mms;
	int nmms;
	struct cpu_sim cpus[MODEL_MAX_CPUS];
	struct lockrec *locks;
	int nlocks, lockcap;
	struct rng shape_rng, mut_rng, sched_rng;
	__u32 nops;
	bool any_mutated_op;
	signed char *broken_cpu;	/* per op (pid - 1000): cpu if broken, else -1 */
	size_t broken_cap;
	__u64 pte_visits, early_flushes, mutated;
	char desc[320];
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	q = realloc(p, c * size);
	if (!q) {
		fprintf(stderr, "model: out of memory\n");
		abort();
	}
	*cap = c;
	return q;
}

static __u64 gap(struct cpu_sim *c)
{
	if (c->m->cfg.ties && rbelow(&c->ts_rng, 100) < 18)
		return 0;
	/* mostly tens of ns between steps, sometimes a stall (an interrupt, a
	 * hypercall, a frozen TCG clock on the other side) */
	if (!rbelow(&c->ts_rng, 64))
		return 1000 + rbelow(&c->ts_rng, 50000);
	return 1 + rbelow(&c->ts_rng, 300);
}

static struct step *emit(struct cpu_sim *c, int type, __u64 a0, __u64 a1, __u64 a2, __u64 a3)
{
	struct step *s;

	c->st = grow(c->st, &c->cap, c->n + 1, sizeof(*c->st));
	s = &c->st[c->n++];
	c->ts += gap(c);
	s->ts = c->ts;
	s->type = type;
	s->a[0] = a0;
	s->a[1] = a1;
	s->a[2] = a2;
	s->a[3] = a3;
	s->pid = c->kind ? c->pid : 0;
	s->lock = -1;
	return s;
}

/* ---- multicalls.c */

static void unlock(struct cpu_sim *c, int lock, __u64 ptl)
{
	emit(c, T_UNLOCK, 0, 0, 0, ptl)->lock = lock;
	c->held--;
}

static void mc_flush(struct cpu_sim *c, int reason)
{
	struct step *s;

	if (reason != PINSCOPE_FL_EXPLICIT) {
		emit(c, T_FLUSH_REASON, reason, 0, 0, 0);
		c->m->early_flushes++;
	}
	s = emit(c, T_FLUSH, c->mcidx, c->argidx, c->ncb, 0);
	if (c->in_visit)
		c->anchor = s->ts;
	c->mcidx = c->argidx = 0;
	c->last_op = -1;
	for (int i = 0; i < c->ncb; i++)
		if (c->cbs[i].pte)
			unlock(c, c->cbs[i].lock, c->cbs[i].data);
	c->ncb = 0;
	c->nflush++;
	emit(c, T_FLUSH_EXIT, 0, 0, 0, 0);
}

static int roundup8(int v)
{
	return (v + 7) & ~7;
}

/* __xen_mc_entry(args): the caller traces the entry (MULTI_*) */
static void mc_alloc(struct cpu_sim *c, int args, int op)
{
	int argidx = roundup8(c->argidx);

	if (!c->suppress && (c->mcidx == MODEL_MC_BATCH || argidx + args >= MODEL_MC_ARGS)) {
		mc_flush(c, c->mcidx == MODEL_MC_BATCH ? PINSCOPE_FL_BATCH : PINSCOPE_FL_ARGS);
		argidx = roundup8(c->argidx);
	}
	c->mcidx++;
	c->argidx = argidx + args;
	c->last_op = op;
}

static void mc_callback(struct cpu_sim *c, bool pte, int lock, __u64 data)
{
	size_t cap = c->cbcap;

	if (!c->suppress && c->ncb == MODEL_MC_BATCH)
		mc_flush(c, PINSCOPE_FL_CALLBACK);
	emit(c, T_CALLBACK, pte, 0, 0, data)->lock = pte ? lock : -1;
	c->cbs = grow(c->cbs, &cap, c->ncb + 1, sizeof(*c->cbs));
	c->cbcap = cap;
	c->cbs[c->ncb].pte = pte;
	c->cbs[c->ncb].lock = lock;
	c->cbs[c->ncb].data = data;
	c->ncb++;
}

/* xen_extend_mmuext_op: xen_mc_extend_args, else a new entry */
static void extend_mmuext(struct cpu_sim *c)
{
	if (c->mcidx > 0 && c->last_op == HC_MMUEXT &&
	    (c->suppress || c->argidx + MMUEXT_BYTES < MODEL_MC_ARGS)) {
		c->argidx += MMUEXT_BYTES;
		return;
	}
	mc_alloc(c, MMUEXT_BYTES, HC_MMUEXT);
	/* args [PTR into the per-cpu arg buffer, 1, 0, DOMID_SELF] */
	emit(c, T_MC_ENTRY, HC_MMUEXT, 0x3e71e + c->cpu, 0, 0);
}

/* ---- mmu_pv.c */

static void do_pin(struct cpu_sim *c, int cmd, __u64 pfn)
{
	emit(c, T_DOPIN_ENTRY, cmd, pfn, 0, 0);
	extend_mmuext(c);
	emit(c, T_DOPIN_QUEUED, cmd, pfn, 0, 0);
}

/* The page_table_lock of the mm the operation works for, as a source that
 * records it sees it: every caller holds it, but for the mutant */
static __u64 mm_lock_state(const struct cpu_sim *c)
{
	return c->mm_unlocked ? PINSCOPE_MMLOCK_FREE : PINSCOPE_MMLOCK_HELD;
}

static int lock(struct cpu_sim *c, __u64 pfn, __u64 ptl)
{
	struct model *m = c->m;
	size_t cap = m->lockcap;
	int id;

	m->locks = grow(m->locks, &cap, m->nlocks + 1, sizeof(*m->locks));
	m->lockcap = cap;
	id = m->nlocks++;
	m->locks[id].t_fe = c->anchor;
	m->locks[id].kind = c->kind;
	m->locks[id].suspend = c->on_suspend;
	emit(c, T_LOCK, mm_lock_state(c) << PINSCOPE_MMLOCK_SHIFT, pfn, 0, ptl)->lock = id;
	if (c->mm_unlocked)
		m->mutated++;	/* a split lock outside the lock it nests in */
	if (++c->held > MODEL_MC_BATCH)
		c->over_batch = true;
	return id;
}

/* May this PTE page be mutated?  The first eligible page of a mutated op
 * always is, the others at random. */
static bool pick(struct cpu_sim *c, bool eligible)
{
	if (!c->mutated || !eligible)
		return false;
	if (!c->picked) {
		c->picked = true;
		return true;
	}
	return rbelow(&c->m->mut_rng, 100) < 15;
}

/* Eligibility by position (decided before the visit queues anything) */
static bool where_pos(struct cpu_sim *c)
{
	switch (c->m->cfg.where) {
	case MW_FIRST:
		return c->pte_idx == 0;
	case MW_LAST:
		return c->pte_idx == c->pte_total - 1;
	case MW_SECOND:
		return c->pte_idx == 1;
	default:
		return true;
	}
}

/* Eligibility at the end of the visit: was there a flush after the first
 * update of the page was queued? */
static bool where_end(struct cpu_sim *c, bool flushed)
{
	switch (c->m->cfg.where) {
	case MW_PLAIN:
		return !flushed;
	case MW_AT_FLUSH:
		return flushed;
	default:
		return where_pos(c);
	}
}

static void visit_begin(struct cpu_sim *c, int kind, __u64 pfn, int level)
{
	struct step *s = emit(c, T_PAGE_ENTRY, kind | (level == PINSCOPE_L_PTE ?
				mm_lock_state(c) << PINSCOPE_MMLOCK_SHIFT : 0), pfn, level, 0);

	c->in_visit = true;
	c->anchor = s->ts;
	if (level == PINSCOPE_L_PTE)
		c->m->pte_visits++;
}

static void visit_end(struct cpu_sim *c, int kind, int level)
{
	emit(c, T_PAGE_EXIT, kind, 0, 0, 0);
	c->in_visit = false;
	if (level == PINSCOPE_L_PTE)
		c->pte_idx++;
}

/* The end of a locked PTE page's visit: the deferred unlock, or a mutant */
static void pte_release(struct cpu_sim *c, int lk, __u64 ptl, bool flushed)
{
	enum model_mutant mut = c->m->cfg.mutant;

	if (((mut == MUT_EARLY_UNLOCK && c->kind == PINSCOPE_OP_PIN) ||
	     (mut == MUT_EARLY_UNLOCK_UNPIN && c->kind == PINSCOPE_OP_UNPIN)) &&
	    pick(c, where_end(c, flushed))) {
		unlock(c, lk, ptl);	/* spin_unlock() right away */
		c->m->mutated++;
		return;
	}
	if (mut == MUT_LOCK_LEAK && pick(c, where_end(c, flushed))) {
		c->leaked = true;	/* neither a callback nor an unlock */
		return;
	}
	mc_callback(c, true, lk, ptl);
}

static void pin_page(struct cpu_sim *c, const struct page *pg)
{
	enum model_mutant mut = c->m->cfg.mutant;
	bool pte = pg->level == PINSCOPE_L_PTE, late = false;
	__u64 ptl = pte && c->m->cfg.split ? pg->ptl : 0, nfl;
	int lk = -1;

	visit_begin(c, PINSCOPE_OP_PIN, pg->pfn, pg->level);
	if (ptl && mut == MUT_LATE_LOCK_PIN && pick(c, where_pos(c))) {
		late = true;
		c->m->mutated++;
	}
	mc_alloc(c, 0, HC_UVM);
	if (ptl && !late)
		lk = lock(c, pg->pfn, ptl);
	emit(c, T_MC_ENTRY, HC_UVM, pg->pfn, pg->level == PINSCOPE_L_PGD, 0);
	emit(c, T_PAGE_QUEUED, PINSCOPE_OP_PIN, pg->pfn, pg->level, ptl);
	nfl = c->nflush;
	if (ptl) {
		do_pin(c, PINSCOPE_MMUEXT_PIN_L1, pg->pfn);
		if (late)
			lk = lock(c, pg->pfn, ptl);
		pte_release(c, lk, ptl, c->nflush != nfl);
	} else if (pte && mut == MUT_NOSPLIT_L1_PIN && pick(c, where_pos(c))) {
		do_pin(c, PINSCOPE_MMUEXT_PIN_L1, pg->pfn);	/* the pre-patch code */
		c->m->mutated++;
	}
	visit_end(c, PINSCOPE_OP_PIN, pg->level);
}

static void unpin_page(struct cpu_sim *c, const struct page *pg)
{
	enum model_mutant mut = c->m->cfg.mutant;
	bool pte = pg->level == PINSCOPE_L_PTE, late = false;
	__u64 ptl = pte && c->m->cfg.split ? pg->ptl : 0, nfl = 0;
	int lk = -1;

	visit_begin(c, PINSCOPE_OP_UNPIN, pg->pfn, pg->level);
	if (pte) {
		if (ptl && mut == MUT_LATE_LOCK_UNPIN && pick(c, where_pos(c))) {
			late = true;
			c->m->mutated++;
		}
		if (ptl && !late)
			lk = lock(c, pg->pfn, ptl);
		if (ptl) {
			do_pin(c, PINSCOPE_MMUEXT_UNPIN, pg->pfn);
			nfl = c->nflush;
		} else if (mut == MUT_NOSPLIT_UNPIN && pick(c, where_pos(c))) {
			do_pin(c, PINSCOPE_MMUEXT_UNPIN, pg->pfn);	/* the pre-patch code */
			c->m->mutated++;
		}
		if (late)
			lk = lock(c, pg->pfn, ptl);
	}
	mc_alloc(c, 0, HC_UVM);
	emit(c, T_MC_ENTRY, HC_UVM, pg->pfn, pg->level == PINSCOPE_L_PGD, 0);
	emit(c, T_PAGE_QUEUED, PINSCOPE_OP_UNPIN, pg->pfn, pg->level, ptl);
	if (ptl)
		pte_release(c, lk, ptl, c->nflush != nfl);
	visit_end(c, PINSCOPE_OP_UNPIN, pg->level);
}

static bool mutant_wants(enum model_mutant mut, int kind)
{
	switch (mut) {
	case MUT_NONE:
		return false;
	case MUT_LATE_LOCK_PIN:
	case MUT_EARLY_UNLOCK:
	case MUT_NOSPLIT_L1_PIN:
	case MUT_L4_EARLY:
		return kind == PINSCOPE_OP_PIN;
	case MUT_LATE_LOCK_UNPIN:
	case MUT_EARLY_UNLOCK_UNPIN:
	case MUT_NOSPLIT_UNPIN:
	case MUT_UNPIN_LATE:
	case MUT_UNPIN_KPGD_LATE:
		return kind == PINSCOPE_OP_UNPIN;
	case MUT_PIN_ALL_UNLOCKED:
		return false;	/* every pin of xen_mm_pin_all(): op_begin() */
	default:
		return true;
	}
}

static void op_begin(struct cpu_sim *c, int kind, const struct mm *mm)
{
	struct model *m = c->m;

	c->kind = kind;
	c->pid = 1000 + m->nops++;
	c->mutated = false;
	if (mutant_wants(m->cfg.mutant, kind)) {
		c->mutated = !m->any_mutated_op ||
			     rbelow(&m->mut_rng, 100) < (__u64)m->cfg.mut_pct;
		m->any_mutated_op |= c->mutated;
	}
	/* xen_mm_pin_all() before 2025: no init_mm.page_table_lock around it */
	c->mm_unlocked = c->on_suspend && kind == PINSCOPE_OP_PIN &&
			 m->cfg.mutant == MUT_PIN_ALL_UNLOCKED;
	c->picked = c->over_batch = c->leaked = false;
	c->suppress = c->mutated && m->cfg.mutant == MUT_LOCKS_PILE;
	c->pte_idx = 0;
	c->pte_total = mm->nptes;
	c->mutated_at_begin = m->mutated;
	m->broken_cpu = grow(m->broken_cpu, &m->broken_cap, m->nops, 1);
	m->broken_cpu[c->pid - 1000] = -1;
	emit(c, T_OP_BEGIN, kind, c->on_suspend ? INIT_MM : mm->mmptr, mm->pgdptr,
	     c->on_suspend ? PINSCOPE_PATH_SUSPEND : PINSCOPE_PATH_ORDINARY);
	/* xen_mc_batch(): no event the checker uses; the buffer is empty */
}

static void op_end(struct cpu_sim *c)
{
	struct model *m = c->m;

	/* xen_mc_issue(0): not in lazy mode, so it flushes */
	emit(c, T_MC_ISSUE, 0, 0, 0, 0);
	c->suppress = false;
	mc_flush(c, PINSCOPE_FL_EXPLICIT);
	emit(c, T_OP_END, c->kind, 0, 0, 0);
	if ((m->cfg.mutant == MUT_LOCKS_PILE && c->over_batch) ||
	    (m->cfg.mutant == MUT_LOCK_LEAK && c->leaked))
		m->mutated++;
	if (m->mutated != c->mutated_at_begin)
		m->broken_cpu[c->pid - 1000] = c->cpu;
	c->kind = PINSCOPE_OP_NONE;
	c->mutated = false;
	c->over_batch = false;
}

static void pgd_pin(struct cpu_sim *c, const struct mm *mm)
{
	struct page pgd = { .pfn = mm->pgd_pfn, .level = PINSCOPE_L_PGD };
	struct page upgd = { .pfn = mm->upgd_pfn, .level = PINSCOPE_L_PGD };
	bool pgd_first, l4_early;
	int l4pos = -1;

	op_begin(c, PINSCOPE_OP_PIN, mm);
	pgd_first = c->mutated && c->m->cfg.mutant == MUT_PGD_FIRST;
	l4_early = c->mutated && c->m->cfg.mutant == MUT_L4_EARLY;
	if (l4_early)
		l4pos = (int)rbelow(&c->m->mut_rng, mm->nwalk);
	if (pgd_first || l4_early)
		c->m->mutated++;
	if (pgd_first)
		pin_page(c, &pgd);
	for (int i = 0; i < mm->nwalk; i++) {
		if (i == l4pos)
			do_pin(c, PINSCOPE_MMUEXT_PIN_L4, mm->pgd_pfn);
		pin_page(c, &mm->walk[i]);
	}
	if (!pgd_first)
		pin_page(c, &pgd);
	if (!l4_early)
		do_pin(c, PINSCOPE_MMUEXT_PIN_L4, mm->pgd_pfn);
	pin_page(c, &upgd);
	do_pin(c, PINSCOPE_MMUEXT_PIN_L4, mm->upgd_pfn);
	op_end(c);
}

static void unpin_walk(struct cpu_sim *c, const struct mm *mm, bool pgd_first)
{
	struct page pgd = { .pfn = mm->pgd_pfn, .level = PINSCOPE_L_PGD };

	if (pgd_first)
		unpin_page(c, &pgd);
	for (int i = 0; i < mm->nwalk; i++)
		unpin_page(c, &mm->walk[i]);
	if (!pgd_first)
		unpin_page(c, &pgd);
}

static void pgd_unpin(struct cpu_sim *c, const struct mm *mm)
{
	struct page upgd = { .pfn = mm->upgd_pfn, .level = PINSCOPE_L_PGD };
	enum model_mutant mut = c->m->cfg.mutant;
	bool pgd_first, late_all, late_kpgd;

	op_begin(c, PINSCOPE_OP_UNPIN, mm);
	pgd_first = c->mutated && mut == MUT_PGD_FIRST;
	late_all = c->mutated && mut == MUT_UNPIN_LATE;
	late_kpgd = c->mutated && mut == MUT_UNPIN_KPGD_LATE;
	if (pgd_first || late_all || late_kpgd)
		c->m->mutated++;
	if (late_all)
		unpin_walk(c, mm, false);
	if (!late_kpgd)
		do_pin(c, PINSCOPE_MMUEXT_UNPIN, mm->pgd_pfn);
	do_pin(c, PINSCOPE_MMUEXT_UNPIN, mm->upgd_pfn);
	unpin_page(c, &upgd);
	if (!late_all)
		unpin_walk(c, mm, pgd_first);
	if (late_kpgd)
		do_pin(c, PINSCOPE_MMUEXT_UNPIN, mm->pgd_pfn);
	op_end(c);
}

/* Unrelated multicall traffic between operations: context switches
 * (stack_switch, set_current_cr3 callbacks), fork's mmu_update batches,
 * idle flushes of an empty buffer. */
static void noise(struct cpu_sim *c)
{
	static const int sizes[] = { 0, 8, 16, 16, 24, 32, 48 };
	static const int ops[] = { HC_MMU_UPDATE, HC_STACK_SWITCH, HC_UVM, HC_MMUEXT };
	struct rng *r = &c->m->sched_rng;
	int ne, ncb, op;

	if (!rbelow(r, 6)) {
		ne = rrange(r, 0, 8);
		ncb = rrange(r, MODEL_MC_BATCH + 1, MODEL_MC_BATCH + 8);	/* CALLBACK */
	} else {
		ne = rrange(r, 0, 48);	/* BATCH, ARGS */
		ncb = rrange(r, 0, 2);
	}
	while (ne || ncb) {
		if (ne && (!ncb || rbelow(r, ne + ncb) < (__u64)ne)) {
			op = ops[rbelow(r, 4)];
			mc_alloc(c, op == HC_UVM ? 0 : sizes[rbelow(r, 7)], op);
			emit(c, T_MC_ENTRY, op, 0x1000 + rbelow(r, 0x100000),
			     op == HC_UVM ? rbelow(r, 2) : 0, 0);
			ne--;
		} else {
			mc_callback(c, false, -1, 0xffff888000000000ULL | rnext(r) >> 24);
			ncb--;
		}
	}
	emit(c, T_MC_ISSUE, 0, 0, 0, 0);
	mc_flush(c, PINSCOPE_FL_EXPLICIT);
}

/* ---- shapes */

/* n items into k bins of 1..cap each (k <= n <= k * cap) */
static void split_into(struct rng *r, int n, int k, int cap, int *out)
{
	int left = n - k;

	for (int i = 0; i < k; i++)
		out[i] = 1;
	while (left > 0) {
		int i = (int)rbelow(r, k), add = rrange(r, 1, left < 64 ? left : 64);

		if (out[i] + add > cap)
			add = cap - out[i];
		out[i] += add;
		left -= add;
	}
}

static __u64 mix(__u64 v)
{
	struct rng r = { .s = v };

	return rnext(&r);
}

static int make_mm(struct model *m, struct mm *mm, int nptes, __u64 *next_pfn)
{
	struct rng *r = &m->shape_rng;
	int npmd, npud, pmd_per_pud[8], pte_per_pmd[64], pi = 0, w = 0;

	/* at least ceil(n / 512) PMD entries' worth of PTE pages */
	npmd = (nptes + 511) / 512;
	npmd = rrange(r, npmd, npmd + 3 < nptes ? npmd + 3 : (nptes > npmd ? nptes : npmd));
	npud = rrange(r, 1, npmd < 3 ? npmd : 3);
	split_into(r, npmd, npud, 512, pmd_per_pud);
	split_into(r, nptes, npmd, 512, pte_per_pmd);
	mm->nptes = nptes;
	mm->nwalk = npud + npmd + nptes;
	mm->walk = calloc(mm->nwalk, sizeof(*mm->walk));
	if (!mm->walk)
		return -1;
#define NEW_PFN() (*next_pfn += 1 + rbelow(r, 8))
	mm->mmptr = 0xffff888000000000ULL | (rnext(r) & 0x3ffffffc0ULL);
	mm->pgd_pfn = NEW_PFN();
	mm->upgd_pfn = NEW_PFN();
	mm->pgdptr = 0xffff888000000000ULL | mm->pgd_pfn << 12;
	for (int u = 0; u < npud; u++) {
		mm->walk[w++] = (struct page){ .pfn = NEW_PFN(), .level = PINSCOPE_L_PUD };
		for (int d = 0; d < pmd_per_pud[u]; d++, pi++) {
			mm->walk[w++] = (struct page){ .pfn = NEW_PFN(), .level = PINSCOPE_L_PMD };
			for (int t = 0; t < pte_per_pmd[pi]; t++) {
				__u64 pfn = NEW_PFN();

				/* ptlock_ptr(page): a pointer, stable for the page */
				mm->walk[w++] = (struct page){
					.pfn = pfn, .level = PINSCOPE_L_PTE,
					.ptl = 0xffff888100000000ULL | (mix(pfn) & 0xffffffc0ULL) | 0x8,
				};
			}
		}
	}
#undef NEW_PFN
	return 0;
}

/*
 * A save (drivers/xen/manage.c: xen_suspend() in stop_machine(), so after
 * every other cpu's operations): xen_pv_pre_suspend() -> xen_mm_pin_all()
 * pins every unpinned pgd (all of them: each mm ends its cycles unpinned)
 * with __xen_pgd_pin(&init_mm, pgd) under init_mm.page_table_lock, and
 * xen_pv_post_suspend() -> xen_mm_unpin_all() unpins them again; on cpu 0.
 */
static void save(struct model *m)
{
	struct cpu_sim *c = &m->cpus[0];

	for (int i = 1; i < m->cfg.ncpus; i++)
		if (m->cpus[i].ts > c->ts)
			c->ts = m->cpus[i].ts;
	c->ts += 1000 + rbelow(&c->ts_rng, 100000);
	c->on_suspend = true;
	for (int i = 0; i < m->nmms; i++)
		pgd_pin(c, &m->mms[i]);
	for (int i = 0; i < m->nmms; i++)
		pgd_unpin(c, &m->mms[i]);
	c->on_suspend = false;
}

struct model *model_new(const struct model_cfg *cfg)
{
	struct model *m;
	__u64 next_pfn = 0x10000;
	int *nops_left;

	if (cfg->ncpus < 1 || cfg->ncpus > MODEL_MAX_CPUS || cfg->nmms < 1 ||
	    cfg->min_ptes < 1 || cfg->max_ptes > MODEL_MAX_PTES || cfg->min_ptes > cfg->max_ptes ||
	    cfg->cycles < 1 || cfg->big_mms > cfg->nmms || cfg->mutant >= MODEL_NR_MUTANTS ||
	    (cfg->mutant == MUT_PIN_ALL_UNLOCKED && !cfg->suspend))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->shape_rng = rng_of(cfg->seed, 1);
	m->mut_rng = rng_of(cfg->seed, 2);
	m->sched_rng = rng_of(cfg->seed, 3);
	m->nmms = cfg->nmms;
	m->mms = calloc(cfg->nmms, sizeof(*m->mms));
	nops_left = calloc(cfg->nmms, sizeof(*nops_left));
	if (!m->mms || !nops_left)
		goto fail;
	for (int i = 0; i < cfg->nmms; i++) {
		int n = i < cfg->big_mms ? cfg->max_ptes
					 : rrange(&m->shape_rng, cfg->min_ptes, cfg->max_ptes);

		if (make_mm(m, &m->mms[i], n, &next_pfn))
			goto fail;
		m->mms[i].cpu = i % cfg->ncpus;
		nops_left[i] = 2 * cfg->cycles;
	}
	for (int cpu = 0; cpu < cfg->ncpus; cpu++) {
		struct cpu_sim *c = &m->cpus[cpu];
		int mine[64], nmine = 0, left;

		c->m = m;
		c->cpu = cpu;
		c->ts_rng = rng_of(cfg->seed, 100 + cpu);
		c->ts = 1000000000ULL + rbelow(&c->ts_rng, 20000);
		c->last_op = -1;
		for (int i = cpu; i < cfg->nmms && nmine < 64; i += cfg->ncpus)
			mine[nmine++] = i;
		left = nmine;
		/* this cpu's mms, interleaved: pin, unpin, pin, ... per mm */
		while (left) {
			int k = (int)rbelow(&m->sched_rng, nmine), i = mine[k];

			if (!nops_left[i])
				continue;
			if (cfg->noise)
				for (int j = rrange(&m->sched_rng, 0, 2); j > 0; j--)
					noise(c);
			c->ts += 1000 + rbelow(&c->ts_rng, 100000);
			if (nops_left[i] % 2 == 0)
				pgd_pin(c, &m->mms[i]);
			else
				pgd_unpin(c, &m->mms[i]);
			if (!--nops_left[i])
				left--;
		}
		if (cfg->noise)
			noise(c);
	}
	free(nops_left);
	if (cfg->suspend)
		save(m);
	snprintf(m->desc, sizeof(m->desc),
		 "seed=%#llx cpus=%d mms=%d ptes=%d..%d big=%d cycles=%d split=%s noise=%s ties=%s "
		 "suspend=%s mutant=%s where=%d: ops=%u pte_visits=%llu early_flushes=%llu "
		 "mutated=%llu",
		 (unsigned long long)cfg->seed, cfg->ncpus, cfg->nmms, cfg->min_ptes,
		 cfg->max_ptes, cfg->big_mms, cfg->cycles, cfg->split ? "on" : "off",
		 cfg->noise ? "on" : "off", cfg->ties ? "on" : "off", cfg->suspend ? "on" : "off",
		 model_mutant_name(cfg->mutant), cfg->where, m->nops,
		 (unsigned long long)m->pte_visits, (unsigned long long)m->early_flushes,
		 (unsigned long long)m->mutated);
	return m;
fail:
	free(nops_left);
	model_free(m);
	return NULL;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	for (int i = 0; m->mms && i < m->nmms; i++)
		free(m->mms[i].walk);
	for (int i = 0; i < MODEL_MAX_CPUS; i++) {
		free(m->cpus[i].st);
		free(m->cpus[i].cbs);
	}
	free(m->mms);
	free(m->locks);
	free(m->broken_cpu);
	free(m);
}

/* ---- projection onto one event source */

/* SRC_TPE: tracepoints on the current series, whose operations end at
 * xen_mmu_pgd_done (caps OPEND), with no xen_mc_issue hook (issue 27);
 * SRC_TPEX: the same with xen_mc_flush's return (fexit, caps FLUSH_EXIT),
 * which --lean leaves out there */
enum source { SRC_TP, SRC_FE, SRC_ML, SRC_TPE, SRC_TPEX };

static bool tp_src(enum source src)
{
	return src == SRC_TP || src == SRC_TPE || src == SRC_TPEX;
}

/* The event type a step becomes in a source, or 0 when it cannot see it */
static int ev_type(enum source src, int t)
{
	switch (t) {
	case T_OP_BEGIN:	return PINSCOPE_EV_OP_BEGIN;
	case T_OP_END:		return src == SRC_FE || src == SRC_TPE || src == SRC_TPEX ?
				       PINSCOPE_EV_OP_END : 0;
	case T_PAGE_ENTRY:	return src == SRC_FE ? PINSCOPE_EV_PAGE : 0;
	case T_PAGE_QUEUED:	return tp_src(src) ? PINSCOPE_EV_PAGE : 0;
	case T_PAGE_EXIT:	return src == SRC_FE ? PINSCOPE_EV_PAGE_EXIT : 0;
	case T_LOCK:		return tp_src(src) ? PINSCOPE_EV_LOCK : 0;
	case T_UNLOCK:		return src != SRC_ML ? PINSCOPE_EV_UNLOCK : 0;
	case T_DOPIN_ENTRY:	return src == SRC_FE ? PINSCOPE_EV_DO_PIN : 0;
	case T_DOPIN_QUEUED:	return tp_src(src) ? PINSCOPE_EV_DO_PIN : 0;
	case T_MC_ENTRY:	return !tp_src(src) ? PINSCOPE_EV_MC_ENTRY : 0;	/* fentry: tp_mc_entry */
	case T_CALLBACK:	return PINSCOPE_EV_CALLBACK;
	case T_FLUSH_REASON:	return PINSCOPE_EV_FLUSH_REASON;
	case T_FLUSH:		return PINSCOPE_EV_FLUSH;
	case T_FLUSH_EXIT:	return src == SRC_FE || src == SRC_TPEX ? PINSCOPE_EV_FLUSH_EXIT : 0;
	case T_MC_ISSUE:	return src == SRC_TP || src == SRC_ML ? PINSCOPE_EV_MC_ISSUE : 0;
	}
	return 0;
}

static void lin(__u64 *h, __u64 v)
{
	h[v >= PINSCOPE_LIN_SLOTS ? PINSCOPE_LIN_SLOTS - 1 : v]++;
}

/*
 * The log-linear slot of d, from the layout's definition: below 32 ns one
 * slot per ns; in [2^k, 2^(k+1)) the slot (k - 4) * 32 + the 32nd of the
 * octave d falls in; from 2^36 ns on, the last slot.
 */
static int hist_slot_of(__u64 d)
{
	__u64 oct = 32;
	int k = 5;

	if (d < 32)
		return d;
	while (k < 36 && d >= 2 * oct) {
		oct *= 2;
		k++;
	}
	if (k == 36)
		return PINSCOPE_HIST_SLOTS - 1;
	return (k - 4) * 32 + (int)((d - oct) * 32 / oct);
}

/* A hold of lock id: every path's, and the suspend path's own */
static void hold(struct model_expect *x, const struct model *m, int id, __u64 d)
{
	int k = m->locks[id].kind == PINSCOPE_OP_UNPIN;

	x->hold_slots[k][hist_slot_of(d)]++;
	x->holds[k]++;
	x->hold_sum[k] += d;
	if (d > x->hold_max[k])
		x->hold_max[k] = d;
	if (!m->locks[id].suspend)
		return;
	x->susp_hold_slots[k][hist_slot_of(d)]++;
	x->susp_holds[k]++;
	x->susp_hold_sum[k] += d;
	if (d > x->susp_hold_max[k])
		x->susp_hold_max[k] = d;
}

/* What the checker keeps per cpu, as the model defines it for the source */
struct proj {
	enum source src;
	struct model_expect *x;
	__u64 *start;		/* per lock: hold start in this source, 0 = not tracked */
	int *pushed, npushed;	/* mainline: locks whose unlock the next flush runs */
	int held;
	bool in_op, issued, final;
	bool suspend;		/* the operation is on the suspend path */
	bool flush_timed;	/* the checker records this flush's latency */
	int kind;
	__u64 op_ts, end_ts, flush_ts;
	int op_max;
	int reason;
};

static void proj_finish(struct proj *p)
{
	__u64 d = p->end_ts - p->op_ts;
	int k = p->kind == PINSCOPE_OP_UNPIN;

	p->x->op_ns_sum[k] += d;
	p->x->op_ns_slots[k][hist_slot_of(d)]++;
	if (d > p->x->op_ns_max[k])
		p->x->op_ns_max[k] = d;
	lin(p->x->locks_max, p->op_max);
	if (p->suspend)
		lin(p->x->susp_locks_max, p->op_max);
	p->in_op = false;
}

static void proj_push(struct proj *p, int lock, __u64 ts)
{
	p->start[lock] = ts;
	p->x->locks[p->kind == PINSCOPE_OP_UNPIN]++;
	p->x->susp_locks += p->suspend;
	if (++p->held > p->op_max)
		p->op_max = p->held;
}

static void proj_step(struct proj *p, const struct model *m, const struct step *s)
{
	struct model_expect *x = p->x;
	int k = p->kind == PINSCOPE_OP_UNPIN;

	/* tracepoints: the op ends at the first event after its final flush
	 * and the unlocks that flush ran */
	if (p->src == SRC_TP && p->in_op && p->final && s->type != T_UNLOCK)
		proj_finish(p);
	switch (s->type) {
	case T_OP_BEGIN:
		p->in_op = true;
		p->kind = s->a[0];
		p->op_ts = s->ts;
		p->issued = p->final = false;
		p->op_max = p->held;
		p->suspend = s->a[3] == PINSCOPE_PATH_SUSPEND;
		x->ops[p->kind == PINSCOPE_OP_UNPIN]++;
		x->susp_ops[p->kind == PINSCOPE_OP_UNPIN] += p->suspend;
		x->procs++;
		break;
	case T_OP_END:
		if (p->in_op) {
			p->end_ts = s->ts;
			proj_finish(p);
		}
		break;
	case T_PAGE_ENTRY:
	case T_PAGE_QUEUED:
		/* fentry: the PGDs are counted from their update_va_mapping entries */
		if (p->in_op && !(p->src == SRC_FE && s->a[2] == PINSCOPE_L_PGD))
			x->pages[k][s->a[2]]++;
		break;
	case T_MC_ENTRY:
		if (!p->in_op || s->a[0] != HC_UVM)
			break;
		if (s->a[2] & PINSCOPE_UVMF_TLB_FLUSH)
			x->pages[k][PINSCOPE_L_PGD]++;
		else if (p->src == SRC_ML)
			x->pages[k][PINSCOPE_L_LOWER]++;
		break;
	case T_LOCK:
		if (p->in_op)
			proj_push(p, s->lock, s->ts);
		break;
	case T_CALLBACK:
		if (!s->a[0])
			break;
		x->pte_unlock_cbs++;
		if (!p->in_op)
			break;
		if (p->src == SRC_FE) {
			proj_push(p, s->lock, m->locks[s->lock].t_fe);
		} else if (p->src == SRC_ML) {
			proj_push(p, s->lock, s->ts);
			p->pushed[p->npushed++] = s->lock;
		}
		break;
	case T_UNLOCK:
		if (s->lock >= 0 && p->start[s->lock]) {
			hold(x, m, s->lock, s->ts - p->start[s->lock]);
			p->start[s->lock] = 0;
			p->held--;
		}
		if (p->in_op && p->final)
			p->end_ts = s->ts;
		break;
	case T_FLUSH_REASON:
		p->reason = s->a[0];
		break;
	case T_FLUSH:
		x->flushes++;
		x->flush_reason[p->reason]++;
		p->reason = PINSCOPE_FL_EXPLICIT;
		lin(x->flush_entries, s->a[0]);
		lin(x->flush_cbs, s->a[2]);
		p->flush_ts = s->ts;
		p->flush_timed = p->in_op || p->held > 0;
		if (p->src == SRC_ML) {
			for (int i = 0; i < p->npushed; i++) {
				hold(x, m, p->pushed[i], s->ts - p->start[p->pushed[i]]);
				p->start[p->pushed[i]] = 0;
			}
			p->npushed = 0;
			p->held = 0;
		}
		if (p->in_op && p->issued) {
			p->final = true;
			p->end_ts = s->ts;
			if (p->src == SRC_ML)
				proj_finish(p);
		}
		break;
	case T_FLUSH_EXIT:
		if (!p->flush_timed)
			break;
		x->flush_ns_count++;
		x->flush_ns_sum += s->ts - p->flush_ts;
		x->flush_ns_slots[hist_slot_of(s->ts - p->flush_ts)]++;
		break;
	case T_MC_ISSUE:
		if (p->in_op)
			p->issued = true;
		break;
	}
}

int model_project(const struct model *m, __u32 caps, struct pinscope_event **evp, size_t *nrp,
		  struct model_expect *x)
{
	struct pinscope_event *ev;
	size_t total = 0, pos[MODEL_MAX_CPUS] = { 0 }, n = 0;
	struct proj p = { .x = x };
	enum source src;

	if ((caps & ~PINSCOPE_CAP_MMLOCK) == PINSCOPE_CAPS_TRACEPOINTS)
		src = SRC_TP;
	else if ((caps & ~PINSCOPE_CAP_MMLOCK) == (PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_OPEND))
		src = SRC_TPE;
	else if ((caps & ~PINSCOPE_CAP_MMLOCK) == (PINSCOPE_CAPS_TP_FEXIT | PINSCOPE_CAP_OPEND))
		src = SRC_TPEX;
	else if ((caps & ~PINSCOPE_CAP_MMLOCK) == PINSCOPE_CAPS_FENTRY)
		src = SRC_FE;
	else if (caps == PINSCOPE_CAPS_MAINLINE)
		src = SRC_ML;
	else
		return -1;
	memset(x, 0, sizeof(*x));
	for (int c = 0; c < m->cfg.ncpus; c++)
		total += m->cpus[c].n;
	ev = calloc(total ? total : 1, sizeof(*ev));
	p.start = calloc(m->nlocks + 1, sizeof(*p.start));
	p.pushed = calloc(m->nlocks + 1, sizeof(*p.pushed));
	if (!ev || !p.start || !p.pushed) {
		free(ev);
		free(p.start);
		free(p.pushed);
		return -1;
	}
	p.src = src;
	/* expectations: each cpu on its own, as the checker keeps state per cpu */
	for (int c = 0; c < m->cfg.ncpus; c++) {
		const struct cpu_sim *cs = &m->cpus[c];
		bool seen = false;

		p.held = p.npushed = 0;
		p.in_op = false;
		p.reason = PINSCOPE_FL_EXPLICIT;
		for (size_t i = 0; i < cs->n; i++) {
			if (!ev_type(src, cs->st[i].type))
				continue;
			seen = true;
			proj_step(&p, m, &cs->st[i]);
		}
		if (p.in_op && p.final)	/* finished by the END event */
			proj_finish(&p);
		x->cpus += seen;
	}
	/* the events: merge the cpus by timestamp, ties by cpu */
	for (;;) {
		const struct step *best = NULL;
		int bc = -1;

		for (int c = 0; c < m->cfg.ncpus; c++) {
			const struct cpu_sim *cs = &m->cpus[c];

			while (pos[c] < cs->n && !ev_type(src, cs->st[pos[c]].type))
				pos[c]++;
			if (pos[c] < cs->n && (!best || cs->st[pos[c]].ts < best->ts)) {
				best = &cs->st[pos[c]];
				bc = c;
			}
		}
		if (!best)
			break;
		pos[bc]++;
		ev[n].type = ev_type(src, best->type);
		ev[n].cpu = bc;
		ev[n].ts_ns = best->ts;
		ev[n].pid = best->pid;
		memcpy(ev[n].arg, best->a, sizeof(ev[n].arg));
		/* a source that does not record the mm lock: as a trace without the field */
		if (!(caps & PINSCOPE_CAP_MMLOCK) &&
		    (best->type == T_LOCK || best->type == T_PAGE_ENTRY))
			ev[n].arg[0] &= ~(3ULL << PINSCOPE_MMLOCK_SHIFT);
		if (best->type == T_PAGE_ENTRY)
			ev[n].arg[3] = 0;	/* fentry cannot see the split lock */
		if (best->type == T_OP_BEGIN && src == SRC_FE)	/* live: the pgd's pfn */
			ev[n].arg[2] = (best->a[2] - 0xffff888000000000ULL) >> 12;
		if (best->pid)
			snprintf(ev[n].comm, sizeof(ev[n].comm), "model-%u", best->pid % 1000000);
		else
			snprintf(ev[n].comm, sizeof(ev[n].comm), "swapper/%d", bc);
		n++;
	}
	free(p.start);
	free(p.pushed);
	x->nr_events = n;
	x->events = n + x->cpus;
	*evp = ev;
	*nrp = n;
	return 0;
}

__u64 model_mutated(const struct model *m)
{
	return m->mutated;
}

int model_broken_op_cpu(const struct model *m, __u32 pid)
{
	return pid >= 1000 && pid - 1000 < m->nops ? m->broken_cpu[pid - 1000] : -1;
}

__u64 model_nr_ops(const struct model *m)
{
	return m->nops;
}

__u64 model_nr_pte_visits(const struct model *m)
{
	return m->pte_visits;
}

__u64 model_nr_early_flushes(const struct model *m)
{
	return m->early_flushes;
}

const char *model_describe(const struct model *m)
{
	return m->desc;
}

static const struct {
	const char *name;
	int rule;
} mutants[MODEL_NR_MUTANTS] = {
	[MUT_NONE] = { "none", -1 },
	[MUT_PGD_FIRST] = { "pgd-first", PINSCOPE_R_PGD_LAST },
	[MUT_LATE_LOCK_PIN] = { "late-lock-pin", PINSCOPE_R_PTE_LOCK_HELD },
	[MUT_LATE_LOCK_UNPIN] = { "late-lock-unpin", PINSCOPE_R_PTE_LOCK_HELD },
	[MUT_EARLY_UNLOCK] = { "early-unlock-pin", PINSCOPE_R_UNLOCK_AFTER_FLUSH },
	[MUT_EARLY_UNLOCK_UNPIN] = { "early-unlock-unpin", PINSCOPE_R_UNLOCK_AFTER_FLUSH },
	[MUT_NOSPLIT_L1_PIN] = { "nosplit-l1-pin", PINSCOPE_R_NO_SPLIT_NO_L1_PIN },
	[MUT_NOSPLIT_UNPIN] = { "nosplit-unpin", PINSCOPE_R_NO_SPLIT_NO_L1_PIN },
	[MUT_LOCKS_PILE] = { "locks-pile", PINSCOPE_R_LOCKS_BOUNDED },
	[MUT_L4_EARLY] = { "l4-in-walk", PINSCOPE_R_L4_AFTER_WALK },
	[MUT_UNPIN_LATE] = { "unpin-after-walk", PINSCOPE_R_L4_AFTER_WALK },
	[MUT_UNPIN_KPGD_LATE] = { "pgd-unpin-after-walk", PINSCOPE_R_L4_AFTER_WALK },
	[MUT_LOCK_LEAK] = { "lock-leak", PINSCOPE_R_LOCKS_RELEASED },
	[MUT_PIN_ALL_UNLOCKED] = { "pin-all-unlocked", PINSCOPE_R_MM_LOCK_HELD },
};

const char *model_mutant_name(enum model_mutant mut)
{
	return (unsigned)mut < MODEL_NR_MUTANTS ? mutants[mut].name : "?";
}

int model_mutant_rule(enum model_mutant mut)
{
	return (unsigned)mut < MODEL_NR_MUTANTS ? mutants[mut].rule : -1;
}

/*
 * What each source shows of the steps a rule is about (see ev_type()):
 * page visits (pgd-last) and deferred unlocks (locks-bounded counts them
 * without lock events) are in every source; the split locks, their
 * releases and xen_do_pin are not in the mainline events.
 */
bool model_rule_seen(int rule, __u32 caps)
{
	__u32 base = caps & ~PINSCOPE_CAP_MMLOCK;

	if (base == (PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_OPEND))
		base = PINSCOPE_CAPS_TRACEPOINTS;	/* the same steps, another end */
	if (base != PINSCOPE_CAPS_TRACEPOINTS && base != PINSCOPE_CAPS_FENTRY &&
	    caps != PINSCOPE_CAPS_MAINLINE)
		return false;
	switch (rule) {
	case PINSCOPE_R_PGD_LAST:
	case PINSCOPE_R_LOCKS_BOUNDED:
		return true;
	case PINSCOPE_R_MM_LOCK_HELD:
		/* the lock events (tracepoints) or the PTE pages' visits
		 * (fentry) carry the mm lock where the source records it */
		return caps & PINSCOPE_CAP_MMLOCK;
	default:
		return caps != PINSCOPE_CAPS_MAINLINE;
	}
}

bool model_rule_per_op(int rule)
{
	return rule == PINSCOPE_R_PGD_LAST || rule == PINSCOPE_R_LOCKS_BOUNDED ||
	       rule == PINSCOPE_R_L4_AFTER_WALK || rule == PINSCOPE_R_LOCKS_RELEASED;
}
