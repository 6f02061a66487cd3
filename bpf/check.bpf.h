/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The checker: one state machine for the pinning algorithm of
 * arch/x86/xen/mmu_pv.c, fed by live hooks (cpu = bpf_get_smp_processor_id(),
 * clock and pid read where used: ev_ts(), ev_pid()) and by replay (the
 * trace's cpu, timestamp and pid).
 * Every rule of docs/invariants.md is evaluated here and nowhere else.
 * The same source is also compiled as plain C for replay and the tests
 * (user/engine/engine_user.c): use only the maps, globals and helpers that
 * user/engine/bpf_shim.h provides, and read the clock, pid, comm and stack only
 * under p->live.
 */
#ifndef PINSCOPE_CHECK_BPF_H
#define PINSCOPE_CHECK_BPF_H

#include "maps.bpf.h"
#include "hist.bpf.h"
#include "flight.bpf.h"

#define HELD_MASK (PINSCOPE_HELD_MAX - 1)

struct ps {
	void *ctx;			/* live program context, NULL in replay */
	bool live;			/* a compile-time constant once handle_on() is inlined */
	const struct pinscope_event *e;
	struct cpu_state *s;		/* its statistics: s->st */
	__u32 run_caps;			/* HAS(): enum pinscope_caps */
	__u32 run_lean;			/* LEAN(): enum pinscope_lean */
};

/*
 * The event's time and process.  Replay events carry them; live hooks read
 * the clock and the pid only where the checker uses them, once per event:
 * bpf_ktime_get_ns() costs about as much as an empty program
 * (docs/performance.md) and most events never need it.  No caching in the
 * event: a "read yet?" test would multiply the states the 6.1 verifier
 * walks past its limit.
 */
static __always_inline __u64 ev_ts(struct ps *p)
{
	return p->live ? bpf_ktime_get_ns() : p->e->ts_ns;
}

static __always_inline __u32 ev_pid(struct ps *p)
{
	return p->live ? bpf_get_current_pid_tgid() >> 32 : p->e->pid;
}

/* rule ids index the statistics as rule & 7 (a bound the verifier sees) */
_Static_assert(PINSCOPE_NR_RULES <= 8, "rule & 7 indexes every rule");

static __always_inline void checked(struct ps *p, __u32 rule)
{
	p->s->st.checked[rule & 7]++;
}

/*
 * A violation record.  live: ctx is the hook's context and the event is this
 * cpu's now; else e is the replayed event.
 */
static __always_inline void report_rec(void *ctx, const struct pinscope_event *e,
				       struct cpu_state *s, bool live, __u32 rule_why,
				       __u64 pfn, __u64 detail)
{
	struct pinscope_violation *r;
	__u32 rule = rule_why & 7;
	long n;

	s->st.violated[rule]++;
	r = bpf_ringbuf_reserve(&violations, sizeof(*r), 0);
	if (!r) {
		s->st.lost.ringbuf++;
		goto reported;
	}
	r->type = PINSCOPE_REC_VIOLATION;
	r->rule = rule;
	r->reason = rule_why >> 8;
	r->op = s->op.kind;
	r->cpu = live ? bpf_get_smp_processor_id() : e->cpu;
	r->ts_ns = live ? bpf_ktime_get_ns() : e->ts_ns;
	r->pfn = pfn;
	r->detail = detail;
	r->nr_stack = 0;
	r->seq = live ? 0 : e->seq;
	/* the operation's process, even when another one's event closed it */
	if (s->op.kind) {
		r->pid = s->op.pid;
		__builtin_memcpy(r->comm, s->op.comm, sizeof(r->comm));
	} else {
		r->pid = live ? bpf_get_current_pid_tgid() >> 32 : e->pid;
		if (live)
			bpf_get_current_comm(r->comm, sizeof(r->comm));
		else
			__builtin_memcpy(r->comm, e->comm, sizeof(r->comm));
	}
	if (live && want_stack) {
		n = bpf_get_stack(ctx, r->stack, sizeof(r->stack), 0);
		r->nr_stack = n > 0 ? n / sizeof(__u64) : 0;
	}
	if (live)	/* --evidence: the cpu's recent events after it (reads vmask) */
		flight_send(s, r);
	bpf_ringbuf_submit(r, rb_flags(s));
reported:	/* delivered or counted lost: the rule was reported in this operation */
	s->op.vmask |= 1U << rule;
}

/*
 * One copy of the record's code per program, not one per rule a handler can
 * report (up to three); rule and reason in one word: a BPF call takes five
 * arguments, and a struct ps passed by address would have to be built in
 * memory on every event
 */
static __attribute__((noinline)) void report_live(void *ctx, struct cpu_state *s,
						  __u32 rule_why, __u64 pfn, __u64 detail)
{
	report_rec(ctx, NULL, s, true, rule_why, pfn, detail);
}

static __attribute__((noinline)) void report_replay(const struct pinscope_event *e,
						    struct cpu_state *s, __u32 rule_why,
						    __u64 pfn, __u64 detail)
{
	report_rec(NULL, e, s, false, rule_why, pfn, detail);
}

static __always_inline void report(struct ps *p, __u32 rule, __u32 why,
				   __u64 pfn, __u64 detail)
{
	if (p->live)
		report_live(p->ctx, p->s, (rule & 7) | why << 8, pfn, detail);
	else
		report_replay(p->e, p->s, (rule & 7) | why << 8, pfn, detail);
}

/* Report a per-operation rule once per operation */
static __always_inline void report_once(struct ps *p, __u32 rule, __u32 why,
					__u64 pfn, __u64 detail)
{
	if (!(p->s->op.vmask & (1U << (rule & 7))))
		report(p, rule, why, pfn, detail);
}

/*
 * An interval from start to end.  Clocks may run backwards between events
 * (tracefs merges per-cpu buffers; clocks differ): such an interval is
 * counted in lost.clock_back, never timed, never wrapped.
 */
static __always_inline void time_add(struct cpu_state *s, struct pinscope_hist *h,
				     __u64 start, __u64 end)
{
	if (end < start) {
		s->st.lost.clock_back++;
		return;
	}
	hist_add(h, end - start);
}

/* The histogram of a lock's hold: by its operation's kind and path */
static __always_inline struct pinscope_hist *hold_hist(struct cpu_state *s,
							const struct held_lock *h)
{
	__u32 k = (h->op - 1) & 1;

	return h->suspend ? &s->st.suspend_hold[k] : &s->st.hold[k];
}

/* ---- split locks held by this cpu: a FIFO, unlocks normally pop the head */

/* Slots in use, holes included */
static __always_inline __u32 held_span(struct cpu_state *s)
{
	return s->held.tail - s->held.head;
}

/*
 * The scans below are global functions: the verifier checks each once, on
 * its own, instead of unrolling its loop in every handler that uses it.
 */
__noinline int held_find_idx(struct cpu_state *s, __u64 ptl)
{
	__u32 i, idx;

	if (!s)
		return -1;
	for (i = 0; i < PINSCOPE_HELD_MAX; i++) {
		if (s->held.head + i == s->held.tail)
			break;
		idx = (s->held.head + i) & HELD_MASK;
		if (s->held.lock[idx].ptl == ptl)
			return idx;
	}
	return -1;
}

/* The same, newest first: the lock of the page being visited */
__noinline int held_find_last_idx(struct cpu_state *s, __u64 ptl)
{
	__u32 i, idx;

	if (!s)
		return -1;
	for (i = 1; i <= PINSCOPE_HELD_MAX; i++) {
		if (i > held_span(s))
			break;
		idx = (s->held.tail - i) & HELD_MASK;
		if (s->held.lock[idx].ptl == ptl)
			return idx;
	}
	return -1;
}

/*
 * Unlocks come in FIFO order: the oldest first, usually the head itself.
 * A NULL ptl (a trace's "(null)") is never held: released slots hold 0.
 */
static __always_inline struct held_lock *held_find(struct cpu_state *s, __u64 ptl)
{
	struct held_lock *h = &s->held.lock[s->held.head & HELD_MASK];
	int idx;

	if (!ptl)
		return NULL;
	if (s->held.head != s->held.tail && h->ptl == ptl)
		return h;
	idx = held_find_idx(s, ptl);
	return idx < 0 ? NULL : &s->held.lock[idx & HELD_MASK];
}

/* Pages, pins and callbacks concern the lock taken last, usually the tail */
static __always_inline struct held_lock *held_find_last(struct cpu_state *s, __u64 ptl)
{
	struct held_lock *h = &s->held.lock[(s->held.tail - 1) & HELD_MASK];
	int idx;

	if (!ptl)
		return NULL;
	if (s->held.head != s->held.tail && h->ptl == ptl)
		return h;
	idx = held_find_last_idx(s, ptl);
	return idx < 0 ? NULL : &s->held.lock[idx & HELD_MASK];
}

/* Drop released entries at the head (releases out of order leave holes) */
__noinline int held_gc(struct cpu_state *s)
{
	__u32 i;

	if (!s)
		return 0;
	for (i = 0; i < PINSCOPE_HELD_MAX; i++) {
		if (s->held.head == s->held.tail || s->held.lock[s->held.head & HELD_MASK].ptl)
			break;
		s->held.head++;
	}
	return 0;
}

struct held_scan {
	struct cpu_state *s;
	__u64 ts;
	__u32 op_seq;
	__u32 left;
	__u64 pfn;
};

static long drop_one(__u64 i, void *ctx)
{
	struct held_scan *c = ctx;
	struct held_lock *h = &c->s->held.lock[(c->s->held.head + (__u32)i) & HELD_MASK];

	if (h->ptl && h->op_seq == c->op_seq) {
		if (!c->left)
			c->pfn = h->pfn;
		c->left++;
		h->ptl = 0;
	}
	return 0;
}

/* Forget the locks still held by operation op_seq; returns how many */
static __always_inline __u32 held_drop_op(struct cpu_state *s, __u32 op_seq, __u64 *pfn)
{
	struct held_scan c = { .s = s, .op_seq = op_seq };

	*pfn = 0;
	if (!s->held.nr) {	/* the usual end: every lock released */
		s->held.head = s->held.tail;
		return 0;
	}
	bpf_loop(held_span(s), drop_one, &c, 0);
	held_gc(s);
	s->held.nr -= c.left < s->held.nr ? c.left : s->held.nr;
	*pfn = c.pfn;
	return c.left;
}

static long release_one(__u64 i, void *ctx)
{
	struct held_scan *c = ctx;
	struct held_lock *h = &c->s->held.lock[(c->s->held.head + (__u32)i) & HELD_MASK];

	if (h->ptl && h->op)	/* not a foreign operation's (-p) */
		time_add(c->s, hold_hist(c->s, h), h->ts, c->ts);
	return 0;
}

/* A flush without unlock events: it ran every deferred unlock queued here */
static __always_inline void held_release_all(struct cpu_state *s, __u64 ts)
{
	struct held_scan c = { .s = s, .ts = ts };

	bpf_loop(held_span(s), release_one, &c, 0);
	s->held.head = s->held.tail;
	s->held.nr = 0;
}

static long compact_one(__u64 i, void *ctx)
{
	struct held_scan *c = ctx;
	struct cpu_state *s = c->s;
	__u32 from = (s->held.head + (__u32)i) & HELD_MASK;

	if (s->held.lock[from].ptl) {
		s->held.lock[(s->held.head + c->left) & HELD_MASK] = s->held.lock[from];
		c->left++;
	}
	return 0;
}

/* Close the holes a lock held past later releases leaves behind it */
static __always_inline void held_compact(struct cpu_state *s)
{
	struct held_scan c = { .s = s };

	bpf_loop(held_span(s), compact_one, &c, 0);
	s->held.tail = s->held.head + c.left;
}

static __always_inline void held_push(struct ps *p, __u64 ptl, __u64 pfn, __u64 ts)
{
	struct cpu_state *s = p->s;
	struct held_lock *h;
	__u32 n;

	if (held_span(s) >= PINSCOPE_HELD_MAX && s->held.nr < PINSCOPE_HELD_MAX)
		held_compact(s);
	if (held_span(s) >= PINSCOPE_HELD_MAX) {
		s->st.lost.held_full++;
		return;
	}
	h = &s->held.lock[s->held.tail & HELD_MASK];
	h->ptl = ptl;
	h->pfn = pfn;
	h->ts = ts;
	h->gen = s->mc.gen;
	h->op = s->op.kind;		/* NONE: a lock of a foreign operation (-p) */
	h->suspend = !!(s->op.flags & OPF_SUSPEND);
	h->op_seq = s->op.kind ? s->op.seq : 0;
	s->held.tail++;
	n = ++s->held.nr;
	if (s->op.kind == PINSCOPE_OP_PIN || s->op.kind == PINSCOPE_OP_UNPIN)
		s->st.locks[(s->op.kind - 1) & 1]++;
	if (s->op.flags & OPF_SUSPEND)
		s->st.suspend_locks++;
	if (n > s->op.locks_max)
		s->op.locks_max = n;
	if (n > PINSCOPE_MC_BATCH && s->op.kind)
		report_once(p, PINSCOPE_R_LOCKS_BOUNDED, PINSCOPE_WHY_TOO_MANY_LOCKS, pfn, n);
}

/*
 * A held lock is gone: its slot freed, and the released slots at the head
 * dropped (held_gc(): a FIFO release drops one; one call, not a copy of its
 * first step inlined in every handler)
 */
static __always_inline void held_forget(struct cpu_state *s, struct held_lock *h)
{
	h->ptl = 0;
	if (s->held.nr)
		s->held.nr--;
	held_gc(s);
}

/*
 * pgd-last: the walk's PGD comes after every lower level page.  Where the
 * operation's begin names its pgd (caps PGD_PFN: live), the walk's PGD is
 * the visit of that pfn and the other PGD the user pgd.  Else (a trace's
 * pointers are hashed) by order: on pin the first PGD visit ends the walk
 * (the user pgd follows PIN_L4); on unpin the user pgd is visited before
 * the walk: the first PGD visit before any lower level is the user pgd, a
 * PGD visit of another pfn is the walk's PGD (come too early if no lower
 * level was visited yet), one of the same pfn is the user pgd's again (a
 * repeated event), not the walk's.
 */
static __always_inline void walk_order(struct ps *p, __u64 pfn, __u32 level)
{
	struct cpu_state *s = p->s;
	bool walk_pgd;

	if (level == PINSCOPE_L_PGD) {
		if (HAS(PGD_PFN)) {
			walk_pgd = pfn == s->op.pgd_pfn;
			if (!walk_pgd) {
				s->op.flags |= OPF_UPGD_SEEN;
				s->op.upgd_pfn = pfn;
			}
		} else if (s->op.kind == PINSCOPE_OP_PIN) {
			walk_pgd = !(s->op.flags & OPF_PGD_SEEN);
		} else if (s->op.flags & OPF_UPGD_SEEN) {
			walk_pgd = pfn != s->op.upgd_pfn;
		} else {
			walk_pgd = s->op.flags & OPF_LOWER_SEEN;
			if (!walk_pgd) {
				s->op.flags |= OPF_UPGD_SEEN;
				s->op.upgd_pfn = pfn;
			}
		}
		if (walk_pgd) {
			s->op.flags |= OPF_PGD_SEEN;
			s->op.walk_pgd_pfn = pfn;
		}
		return;
	}
	s->op.flags |= OPF_LOWER_SEEN;
	if (s->op.flags & OPF_PGD_SEEN)
		report_once(p, PINSCOPE_R_PGD_LAST, PINSCOPE_WHY_LOWER_AFTER_PGD, pfn, 0);
}

/*
 * mm-lock-held: a split PTE lock nests inside the page_table_lock of the mm
 * the pin or unpin works for (xen_pte_lock(): spin_lock_nest_lock(ptl,
 * &mm->page_table_lock)); on the suspend path init_mm's
 * (xen_mm_pin_all(): __xen_pgd_pin(&init_mm, pgd)).  Judged where the
 * source records it (caps MMLOCK) and this event did.
 */
static __always_inline void mm_lock_judge(struct ps *p, __u64 pfn, __u32 mmlock)
{
	if (!HAS(MMLOCK) || mmlock == PINSCOPE_MMLOCK_UNKNOWN)
		return;
	checked(p, PINSCOPE_R_MM_LOCK_HELD);
	if (mmlock != PINSCOPE_MMLOCK_HELD)
		report(p, PINSCOPE_R_MM_LOCK_HELD, PINSCOPE_WHY_MM_LOCK_FREE, pfn, 0);
}

/* A step of a rule was not seen on this operation: the rule is not judged there */
static __always_inline void unseen(struct ps *p, __u32 rule)
{
	p->s->st.unseen[rule & 7]++;
}

/*
 * l4-after-walk, unpin: the walk's pgd was among the UNPINs before the walk.
 * Judged only when that UNPIN was seen: where the begin names the pgd, its
 * UNPIN seen late is a violation and one never seen is not visible (a
 * compiler that inlines xen_do_pin() into __xen_pgd_unpin() hides it from a
 * probe on xen_do_pin); a trace's xen_mmu_do_pin events come from a
 * tracepoint, which inlining keeps.
 */
static __always_inline void check_unpin_order(struct ps *p)
{
	struct cpu_state *s = p->s;
	__u64 pgd = HAS(PGD_PFN) ? s->op.pgd_pfn : s->op.walk_pgd_pfn;

	if (!HAS(PGD_PFN) && !(s->op.flags & OPF_PGD_SEEN)) {
		unseen(p, PINSCOPE_R_L4_AFTER_WALK);
		return;
	}
	if ((s->op.nr_pre_unpin > 0 && s->op.pre_unpin[0] == pgd) ||
	    (s->op.nr_pre_unpin > 1 && s->op.pre_unpin[1] == pgd)) {
		checked(p, PINSCOPE_R_L4_AFTER_WALK);
		return;
	}
	if (HAS(PGD_PFN) && !(s->op.flags & OPF_L4_LATE)) {
		unseen(p, PINSCOPE_R_L4_AFTER_WALK);
		return;
	}
	checked(p, PINSCOPE_R_L4_AFTER_WALK);
	report_once(p, PINSCOPE_R_L4_AFTER_WALK, PINSCOPE_WHY_WALK_BEFORE_UNPIN, pgd, 0);
}

/* fentry: a lock taken and never handed to a deferred unlock */
static __always_inline void leaked(struct cpu_state *s, __u64 pfn, __u32 n)
{
	if (!s->op.fe.leaked)
		s->op.fe.leaked_pfn = pfn;
	s->op.fe.leaked += n;
}

/* Split locks are in use: the undecided pages were leaked locks */
static __always_inline void undecided_are_leaks(struct cpu_state *s)
{
	if (s->op.fe.nr_undecided)
		leaked(s, s->op.fe.undecided[0], s->op.fe.nr_undecided);
	s->op.fe.nr_undecided = 0;
}

/* The operation ended without a deferred unlock: no split locks */
static __always_inline void undecided_are_nosplit(struct ps *p)
{
	struct cpu_state *s = p->s;
	__u32 i;

	for (i = 0; i < UNDECIDED_MAX; i++) {
		if (i >= s->op.fe.nr_undecided)
			break;
		checked(p, PINSCOPE_R_NO_SPLIT_NO_L1_PIN);
		report(p, PINSCOPE_R_NO_SPLIT_NO_L1_PIN, PINSCOPE_WHY_PINNED_WITHOUT_LOCK,
		       s->op.fe.undecided[i], 0);
	}
	s->op.fe.nr_undecided = 0;
}

/* ---- operations: one __xen_pgd_pin() or __xen_pgd_unpin() */

static __always_inline void op_finish(struct ps *p, __u64 ts)
{
	struct cpu_state *s = p->s;
	__u32 k = (s->op.kind - 1) & 1, left;
	__u64 pfn;

	/* a rule is checked on an operation only where its steps were seen */
	if (s->op.flags & OPF_PGD_SEEN)
		checked(p, PINSCOPE_R_PGD_LAST);
	else
		unseen(p, PINSCOPE_R_PGD_LAST);
	checked(p, PINSCOPE_R_LOCKS_BOUNDED);
	if (HAS(DOPIN)) {
		if (s->op.kind == PINSCOPE_OP_UNPIN)
			check_unpin_order(p);
		else if (s->op.flags & OPF_L4_SEEN)
			checked(p, PINSCOPE_R_L4_AFTER_WALK);
		else
			unseen(p, PINSCOPE_R_L4_AFTER_WALK);
	}
	if (HAS(UNLOCK)) {
		checked(p, PINSCOPE_R_LOCKS_RELEASED);
		left = held_drop_op(s, s->op.seq, &pfn);
		/* fentry/kprobe inference: with lock events (a constant of the
		 * program) op.fe stays empty, and the verifier skips this code */
		if (!HAS(LOCK)) {
			if (split_locks_seen)
				undecided_are_leaks(s);
			else
				undecided_are_nosplit(p);
			if (s->op.fe.leaked) {
				if (!left)
					pfn = s->op.fe.leaked_pfn;
				left += s->op.fe.leaked;
			}
		}
		if (left)
			report(p, PINSCOPE_R_LOCKS_RELEASED, PINSCOPE_WHY_LOCK_LEFT_HELD, pfn, left);
	}
	lin_add(s->op.flags & OPF_SUSPEND ? &s->st.suspend_locks_max : &s->st.locks_max,
		s->op.locks_max);
	time_add(s, &s->st.op_ns[k], s->op.ts, ts);
	s->op.kind = PINSCOPE_OP_NONE;
	s->pg.flags = 0;
}

/*
 * Without an end-of-operation event (OPEND: fentry/kprobe's return of
 * __xen_pgd_(un)pin, the series' xen_mmu_pgd_done since issue 27), an
 * operation ends with the flush that follows its xen_mc_issue(); its deferred
 * unlocks run right after that flush, so it is finished at the next event on
 * the cpu that is not one.  Tracepoints mode on a kernel of an older series,
 * and replay of a trace (its caps come from the lines before the first split
 * lock, before any operation ended: a xen_mmu_pgd_done line ends its
 * operation there, on_op_end(), whatever the caps).
 */
static __always_inline void maybe_finish(struct ps *p)
{
	if (p->s->op.kind && (p->s->op.flags & OPF_FINAL) && !HAS(OPEND))
		op_finish(p, p->s->mc.flush_ts);
}

static __always_inline void count_proc(struct ps *p, __u32 k, __u32 pid)
{
	struct pinscope_proc *pr, init = {};

	pr = bpf_map_lookup_elem(&procs, &pid);
	if (!pr && procs_map_full) {
		/* nothing deletes entries: a full map stays full, and the
		 * insert below would fail again (it costs a fork loop's unpins
		 * about 0.4 us each, docs/performance.md) */
		p->s->st.lost.procs_full++;
		return;
	}
	if (!pr) {
		/* on_op_begin() has just read the name: a second
		 * bpf_get_current_comm() would cost about 60 ns more */
		__builtin_memcpy(init.comm, p->s->op.comm, sizeof(init.comm));
		if (bpf_map_update_elem(&procs, &pid, &init, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&procs, &pid)) {
			procs_map_full = true;
			p->s->st.lost.procs_full++;
			return;
		}
		pr = bpf_map_lookup_elem(&procs, &pid);
		if (!pr)
			return;
	}
	__sync_fetch_and_add(&pr->ops[k], 1);
}

static __always_inline void on_op_begin(struct ps *p)
{
	struct cpu_state *s = p->s;
	__u32 kind = p->e->arg[0];
	__u32 k = (kind - 1) & 1, pid, seq, held;
	__u64 pfn, ts;

	maybe_finish(p);
	if (s->op.kind) {		/* the previous one never ended */
		s->st.lost.ops_cut++;
		/* its locks cannot be judged any more; left behind, a ptl of
		 * theirs would stand in the FIFO twice */
		held_drop_op(s, s->op.seq, &pfn);
		s->op.kind = PINSCOPE_OP_NONE;
	}
	if (kind != PINSCOPE_OP_PIN && kind != PINSCOPE_OP_UNPIN)
		return;
	pid = ev_pid(p);
	if (targ_tgid && pid != targ_tgid) {
		s->op.flags = OPF_FOREIGN;	/* its locks: held, not judged, not lost */
		return;
	}
	seq = ++s->ops_started;
	ts = ev_ts(p);
	held = s->held.nr;
	/* the fields every operation starts from; the others are read only
	 * as far as the flags and counts reset here say (struct ps_op) */
	s->op.kind = kind;
	s->op.pgd_pfn = p->e->arg[2];
	s->op.seq = seq;
	s->op.pid = pid;
	s->op.vmask = 0;
	s->op.flags = 0;
	s->op.nr_pre_unpin = 0;
	s->op.fe.nr_undecided = 0;
	s->op.fe.leaked = 0;
	s->op.ts = ts;
	s->op.locks_max = held;
	if (p->live)
		bpf_get_current_comm(s->op.comm, sizeof(s->op.comm));
	else
		__builtin_memcpy(s->op.comm, p->e->comm, sizeof(s->op.comm));
	s->pg.flags = 0;
	s->st.ops[k]++;
	if (p->e->arg[3]) {
		s->op.flags = OPF_SUSPEND;
		s->st.suspend_ops[k]++;
	}
	if (!LEAN(PROCS))
		count_proc(p, k, pid);
}

static __always_inline void on_op_end(struct ps *p)
{
	if (p->s->op.kind)
		op_finish(p, ev_ts(p));
}

/* Tracepoint mode: a PTE page's RO (pin) or RW (unpin) update was queued */
static __always_inline void pte_page_queued(struct ps *p, __u64 pfn, __u64 ptl)
{
	struct cpu_state *s = p->s;
	struct held_lock *h;

	if (!ptl) {
		checked(p, PINSCOPE_R_NO_SPLIT_NO_L1_PIN);
		/* unpin queues UNPIN_TABLE before the RW update */
		if (s->op.kind == PINSCOPE_OP_UNPIN && s->dp.pfn == pfn &&
		    s->dp.cmd == PINSCOPE_MMUEXT_UNPIN)
			report(p, PINSCOPE_R_NO_SPLIT_NO_L1_PIN,
			       PINSCOPE_WHY_PINNED_WITHOUT_LOCK, pfn, 0);
		return;
	}
	checked(p, PINSCOPE_R_PTE_LOCK_HELD);
	h = held_find_last(s, ptl);
	if (h)
		h->gen = s->mc.gen;
	if (!h || (s->op.kind == PINSCOPE_OP_UNPIN && s->dp.pfn == pfn &&
		   s->dp.cmd == PINSCOPE_MMUEXT_UNPIN && !(s->dp.flags & DPF_LOCKED))) {
		report(p, PINSCOPE_R_PTE_LOCK_HELD, PINSCOPE_WHY_QUEUED_UNLOCKED, pfn, 0);
		s->pg.flags |= PGF_REPORTED;
	}
}

static __always_inline void visit(struct ps *p, __u64 pfn, __u64 level, __u64 ptl)
{
	struct cpu_state *s = p->s;

	s->st.pages[(s->op.kind - 1) & 1][BOUNDED(level, PINSCOPE_NR_LEVELS, 7)]++;
	walk_order(p, pfn, level);
	s->pg.flags = PGF_ACTIVE;
	s->pg.level = level;
	s->pg.pfn = pfn;
	s->pg.ptl = ptl;
	/* the hold's start when no lock event tells it: only PTE pages have
	 * split locks (xen_pin_page() locks at PT_PTE), the others no clock */
	if (!HAS(LOCK) && level == PINSCOPE_L_PTE)
		s->pg.ts = ev_ts(p);
	if (level == PINSCOPE_L_PTE && HAS(PTL))
		pte_page_queued(p, pfn, ptl);
}

static __always_inline void on_page(struct ps *p)
{
	maybe_finish(p);
	if (!p->s->op.kind)
		return;
	/* PGD visits come from the update_va_mapping entries instead: a call
	 * the compiler inlined (the user pgd's, 7.2) is never missed there */
	if (HAS(UVM_PGD) && p->e->arg[2] == PINSCOPE_L_PGD) {
		p->s->pg.flags = 0;
		return;
	}
	visit(p, p->e->arg[1], p->e->arg[2], p->e->arg[3]);
	if (!HAS(LOCK))	/* judged once the visit shows it took a split lock */
		p->s->pg.mmlock = PINSCOPE_EV_MMLOCK(p->e->arg[0]);
}

/* fentry/kprobe mode: a xen_pin_page()/xen_unpin_page() call returned */
static __always_inline void on_page_exit(struct ps *p)
{
	struct cpu_state *s = p->s;
	__u32 f = s->pg.flags;

	s->pg.flags = 0;
	if (!s->op.kind || !(f & PGF_ACTIVE) || s->pg.level != PINSCOPE_L_PTE)
		return;
	if (f & PGF_CB) {
		/* lock inferred from the deferred unlock queued in the same call */
		if (f & PGF_PINNED)
			checked(p, PINSCOPE_R_PTE_LOCK_HELD);
		mm_lock_judge(p, s->pg.pfn, s->pg.mmlock);
		return;
	}
	if (!(f & PGF_PINNED)) {
		checked(p, PINSCOPE_R_NO_SPLIT_NO_L1_PIN);
		return;
	}
	if (split_locks_seen) {
		/* with split locks xen_pte_lock() always locks: this one was
		 * taken and never handed to a deferred unlock; locks-released
		 * reports it when the operation ends */
		leaked(s, s->pg.pfn, 1);
		mm_lock_judge(p, s->pg.pfn, s->pg.mmlock);
		return;
	}
	if (s->op.fe.nr_undecided < UNDECIDED_MAX) {
		s->op.fe.undecided[s->op.fe.nr_undecided++ & (UNDECIDED_MAX - 1)] = s->pg.pfn;
		return;
	}
	checked(p, PINSCOPE_R_NO_SPLIT_NO_L1_PIN);	/* too many to wait: no split locks */
	report(p, PINSCOPE_R_NO_SPLIT_NO_L1_PIN, PINSCOPE_WHY_PINNED_WITHOUT_LOCK, s->pg.pfn, 0);
}


/* Mainline events only: page visits are the update_va_mapping entries;
 * with UVM_PGD (live, stock kernels) the PGD visits */
static __always_inline void on_mc_entry(struct ps *p)
{
	const struct pinscope_event *e = p->e;

	maybe_finish(p);
	if (!p->s->op.kind || e->arg[0] != PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING)
		return;
	if (HAS(UVM))
		visit(p, e->arg[1], (e->arg[2] & PINSCOPE_UVMF_TLB_FLUSH) ?
				     PINSCOPE_L_PGD : PINSCOPE_L_LOWER, 0);
	else if (HAS(UVM_PGD) && (e->arg[2] & PINSCOPE_UVMF_TLB_FLUSH))
		visit(p, e->arg[1], PINSCOPE_L_PGD, 0);
}

static __always_inline void on_lock(struct ps *p)
{
	maybe_finish(p);
	if (!p->s->op.kind && !(p->s->op.flags & OPF_FOREIGN))
		return;
	held_push(p, p->e->arg[3], p->e->arg[1], ev_ts(p));
	if (p->s->op.kind)	/* a foreign operation's lock: held, never judged */
		mm_lock_judge(p, p->e->arg[1], PINSCOPE_EV_MMLOCK(p->e->arg[0]));
}

static __always_inline void on_unlock(struct ps *p)
{
	struct cpu_state *s = p->s;
	struct held_lock *h = held_find(s, p->e->arg[3]);
	__u64 ts;

	if (!h) {
		/* fentry: a lock released inside its page's visit, outside any
		 * flush, was never handed to a deferred unlock */
		if (!HAS(LOCK) && (s->pg.flags & PGF_ACTIVE) &&
		    s->pg.level == PINSCOPE_L_PTE && !s->mc.in_flush && s->op.kind) {
			checked(p, PINSCOPE_R_UNLOCK_AFTER_FLUSH);
			report(p, PINSCOPE_R_UNLOCK_AFTER_FLUSH, PINSCOPE_WHY_UNLOCK_BEFORE_FLUSH,
			       s->pg.pfn, 0);
			s->pg.flags |= PGF_CB;
			return;
		}
		s->st.lost.unmatched_unlock++;
		return;
	}
	if (h->op) {		/* else a foreign operation's (-p): not judged */
		checked(p, PINSCOPE_R_UNLOCK_AFTER_FLUSH);
		if (s->mc.gen <= h->gen)
			report(p, PINSCOPE_R_UNLOCK_AFTER_FLUSH, PINSCOPE_WHY_UNLOCK_BEFORE_FLUSH,
			       h->pfn, 0);
		ts = ev_ts(p);
		time_add(s, hold_hist(s, h), h->ts, ts);
		if (!HAS(OPEND) && (s->op.flags & OPF_FINAL))
			s->mc.flush_ts = ts;	/* the operation ends after its unlocks */
	}
	held_forget(s, h);
}

static __always_inline void on_do_pin(struct ps *p)
{
	struct cpu_state *s = p->s;
	__u32 cmd = p->e->arg[0];
	__u64 pfn = p->e->arg[1];
	struct held_lock *h;

	maybe_finish(p);
	if (!s->op.kind)
		return;
	s->dp.cmd = cmd;
	s->dp.pfn = pfn;
	s->dp.flags = 0;
	if (HAS(LOCK) && held_span(s)) {
		h = &s->held.lock[(s->held.tail - 1) & HELD_MASK];
		if (h->ptl && h->pfn == pfn)
			s->dp.flags = DPF_LOCKED;
	}
	if (cmd == PINSCOPE_MMUEXT_PIN_L4) {
		/* l4-after-walk, pin: the pgd is pinned once its walk is done.
		 * Where the begin names the pgd, its PIN_L4 is the one of that
		 * pfn; else the first, or one of the walk's PGD seen before it */
		if (s->op.kind != PINSCOPE_OP_PIN || (s->op.flags & OPF_L4_SEEN))
			return;
		if (HAS(PGD_PFN) ? pfn != s->op.pgd_pfn :
		    (s->op.flags & OPF_PGD_SEEN) && pfn != s->op.walk_pgd_pfn)
			return;
		s->op.flags |= OPF_L4_SEEN;
		if (!(s->op.flags & OPF_PGD_SEEN))
			report_once(p, PINSCOPE_R_L4_AFTER_WALK, PINSCOPE_WHY_L4_BEFORE_PGD, pfn, 0);
		return;
	}
	if (cmd == PINSCOPE_MMUEXT_UNPIN && s->op.kind == PINSCOPE_OP_UNPIN &&
	    !(s->op.flags & OPF_LOWER_SEEN)) {
		/* before the walk: the pgd, then the user pgd */
		if (s->op.nr_pre_unpin < 2)
			s->op.pre_unpin[s->op.nr_pre_unpin++ & 1] = pfn;
		return;
	}
	if (HAS(PGD_PFN) && cmd == PINSCOPE_MMUEXT_UNPIN && pfn == s->op.pgd_pfn &&
	    s->op.kind == PINSCOPE_OP_UNPIN)
		s->op.flags |= OPF_L4_LATE;	/* the walk began before it */
	if (cmd != PINSCOPE_MMUEXT_PIN_L1 && cmd != PINSCOPE_MMUEXT_UNPIN)
		return;
	if (!HAS(PTL)) {
		if ((s->pg.flags & PGF_ACTIVE) && s->pg.level == PINSCOPE_L_PTE)
			s->pg.flags |= PGF_PINNED;
		return;
	}
	/* tracepoint mode, pin: PIN_L1_TABLE follows the page's RO update */
	if (cmd != PINSCOPE_MMUEXT_PIN_L1 || s->pg.pfn != pfn || s->pg.level != PINSCOPE_L_PTE)
		return;
	if (!s->pg.ptl) {
		report(p, PINSCOPE_R_NO_SPLIT_NO_L1_PIN, PINSCOPE_WHY_PINNED_WITHOUT_LOCK, pfn, 0);
		return;
	}
	h = held_find_last(s, s->pg.ptl);
	if (h)
		h->gen = s->mc.gen;	/* its batch now also carries the L1 pin */
	else if (!(s->pg.flags & PGF_REPORTED))
		report(p, PINSCOPE_R_PTE_LOCK_HELD, PINSCOPE_WHY_QUEUED_UNLOCKED, pfn, 0);
}

static __always_inline void on_callback(struct ps *p)
{
	struct cpu_state *s = p->s;
	struct held_lock *h;
	__u64 ptl = p->e->arg[3];

	maybe_finish(p);
	if (!p->e->arg[0])
		return;		/* not xen_pte_unlock */
	s->st.pte_unlock_cbs++;
	if (!HAS(LOCK)) {
		/* a deferred unlock: the kernel uses split PTE locks, whatever
		 * operation queued it (one outside its cpu's operation too: a
		 * snippet's first line, user/input/evidence.c) */
		if (!split_locks_seen)
			split_locks_seen = true;
		if (p->live)
			flight_split_note(p->e);
	}
	if (!s->op.kind) {
		/* -p, no lock events: a foreign operation's lock, known from its
		 * deferred unlock, held until it runs */
		if (!HAS(LOCK) && (s->op.flags & OPF_FOREIGN))
			held_push(p, ptl, 0, ev_ts(p));
		return;
	}
	if (HAS(LOCK)) {
		h = held_find_last(s, ptl);
		if (h)
			h->gen = s->mc.gen;
		return;
	}
	/* no lock events: the lock is known from its deferred unlock */
	s->pg.flags |= PGF_CB;
	undecided_are_leaks(s);
	held_push(p, ptl, s->pg.pfn, HAS(PAGE_EXIT) && (s->pg.flags & PGF_ACTIVE) &&
		  s->pg.level == PINSCOPE_L_PTE ? s->pg.ts : ev_ts(p));
}

/* The reason of the flush to come (xen_mc_flush_reason) */
static __always_inline void flush_reason_set(struct cpu_state *s, __u64 r)
{
	s->mc.reason = r < PINSCOPE_NR_FLUSH_REASONS ? r : PINSCOPE_FL_EXPLICIT;
}

static __always_inline void on_flush_reason(struct ps *p)
{
	flush_reason_set(p->s, p->e->arg[0]);
}

/* in_flush: between xen_mc_flush() and its return, for the flushes whose
 * latency is recorded; an untimed flush clears it (a return not seen leaves
 * no stale start behind) */
#define FL_TIMED	(1 << 1)

/* A flush outside any pin or unpin, with no split lock held */
static __always_inline bool flush_idle(struct cpu_state *s)
{
	return !s->op.kind && !held_span(s);
}

/*
 * Live: an event on this cpu can change more than the idle statistics: an
 * operation runs, split locks are held, or a timed flush has not returned
 * (where its return is seen).  The live hooks whose events only matter on
 * a busy cpu skip every cpu lookup while none is (pinscope.bpf.c nr_busy).
 */
static __always_inline bool cpu_busy(struct cpu_state *s, __u32 run_caps)
{
	return !flush_idle(s) || (CAP_IN(run_caps, FLUSH_EXIT) && s->mc.in_flush);
}

/*
 * --lean: an idle flush is not counted (most flushes are context switches,
 * and no rule or hold needs them); this leaves the state on_flush() would.
 * The live xen_mc_flush hook calls it too, without building an event.
 */
static __always_inline bool lean_skip_flush(struct cpu_state *s, __u32 run_lean)
{
	if (!LEAN_IN(run_lean, IDLE_FLUSH) || !flush_idle(s))
		return false;
	s->mc.reason = PINSCOPE_FL_EXPLICIT;
	s->mc.in_flush = 0;
	return true;
}

/*
 * A flush counted, by reason and size (entries, callbacks); an idle one is
 * done with that (untimed: its return has nothing to do).  The live flush
 * hook also calls it for a flush on an idle cpu, without an event
 * (pinscope.bpf.c idle_here()).
 */
static __always_inline void flush_count(struct cpu_state *s, __u64 entries, __u64 cbs)
{
	struct pinscope_stats *st = &s->st;
	/* read before the counts are written: the compiler then knows it is
	 * the caller's answer (the live hook has just asked) */
	bool idle = flush_idle(s);

	st->flushes++;
	st->flush_reason[s->mc.reason & 3]++;
	s->mc.reason = PINSCOPE_FL_EXPLICIT;
	lin_add(&st->flush_entries, entries);
	lin_add(&st->flush_cbs, cbs);
	s->mc.gen++;
	if (idle)
		s->mc.in_flush = 0;
}

/*
 * Flushes are all counted (with --lean only those inside an operation or
 * while split locks are held), by reason and size; their latency is recorded for
 * those that run inside a pin or unpin or while split locks are held: the
 * ones that hold the locks pinscope watches.  The others (a context switch
 * flushes every time) then cost no clock read.
 */
static __always_inline void on_flush(struct ps *p)
{
	struct cpu_state *s = p->s;
	bool final;
	__u64 ts = 0;

	maybe_finish(p);
	if (lean_skip_flush(s, p->run_lean))
		return;
	flush_count(s, p->e->arg[0], p->e->arg[2]);
	if (flush_idle(s))
		return;
	s->mc.in_flush = FL_TIMED;
	/* with an end event, no operation is issued (on_issue()): no final flush */
	final = !HAS(OPEND) && s->op.kind && (s->op.flags & OPF_ISSUED);
	/* the clock only for a figure: this flush's time (its return is seen),
	 * the operation's end (the final flush), holds without lock or unlock
	 * events; in tracepoints mode without the flush's return, the flushes
	 * before the final one read no clock */
	if (HAS(FLUSH_EXIT) || !HAS(LOCK) || !HAS(UNLOCK) || final) {
		ts = ev_ts(p);
		s->mc.flush_ts = ts;
	}
	/* fentry: a flush before a pin's lock is taken is not part of the hold */
	if (!HAS(LOCK) && (s->pg.flags & PGF_ACTIVE) && !(s->pg.flags & (PGF_PINNED | PGF_CB)) &&
	    s->op.kind == PINSCOPE_OP_PIN)
		s->pg.ts = ts;
	if (!HAS(UNLOCK))
		held_release_all(s, ts);
	if (final) {
		s->op.flags |= OPF_FINAL;
		if (!HAS(UNLOCK) && !HAS(OPEND))
			op_finish(p, ts);
	}
}

static __always_inline void on_flush_exit(struct ps *p)
{
	struct cpu_state *s = p->s;
	__u64 ts;

	if (s->mc.in_flush & FL_TIMED) {
		ts = ev_ts(p);
		time_add(s, &s->st.flush_ns, s->mc.flush_ts, ts);
	}
	s->mc.in_flush = 0;
}

/* Where operations have an end event (OPEND) the issue says nothing: the end
 * event finishes them, no flush has to (live: its hook is not loaded there) */
static __always_inline void on_issue(struct ps *p)
{
	maybe_finish(p);
	if (!HAS(OPEND) && p->s->op.kind)
		p->s->op.flags |= OPF_ISSUED;
}

/* End of input on a cpu: finish an operation whose final flush ran */
static __always_inline void on_end(struct ps *p)
{
	struct cpu_state *s = p->s;
	__u64 pfn;

	/* input cut between the final flush and its unlocks: not a violation */
	if (s->op.kind && (s->op.flags & OPF_FINAL) && HAS(LOCK) && !HAS(OPEND) &&
	    held_drop_op(s, s->op.seq, &pfn)) {
		s->st.lost.ops_cut++;
		s->op.kind = PINSCOPE_OP_NONE;
		return;
	}
	maybe_finish(p);
	if (s->op.kind) {
		s->st.lost.ops_cut++;
		s->op.kind = PINSCOPE_OP_NONE;
	}
}

/*
 * The source lost events of this cpu here: the operation running on it
 * cannot be judged (an unlock or a page visit may be among the lost), and
 * no lock it holds can be matched any more.  Counted, never a violation.
 */
static __always_inline void on_lost(struct ps *p)
{
	struct cpu_state *s = p->s;

	s->st.lost.input_gaps++;
	s->st.lost.input_events += p->e->arg[0];
	if (s->op.kind) {
		s->st.lost.ops_gap++;
		s->op.kind = PINSCOPE_OP_NONE;
	}
	s->held.head = s->held.tail;
	s->held.nr = 0;
	s->pg.flags = 0;
	s->mc.in_flush = 0;
	s->mc.gen++;
}

/* A missing entry of cpus: counted at slot 0, where the report sums it.
 * The map holds every possible cpu (live) and every cpu of a trace (replay:
 * user/engine/checker.c refuses more): this is only a guard. */
static __always_inline void bad_cpu(void)
{
	__u32 slot = 0;
	struct cpu_state *s = bpf_map_lookup_elem(&cpus, &slot);

	if (s)
		__sync_fetch_and_add(&s->st.lost.bad_cpu, 1);
}

/* The event on its cpu's state s.  live: called from a hook (ctx is its
 * context, s looked up once by the hook; run_caps and run_lean constants of
 * its mode), else replay (ctx NULL; the loader's caps and lean). */
static __always_inline void handle_on(void *ctx, const struct pinscope_event *e,
				      bool live, struct cpu_state *s, __u32 run_caps,
				      __u32 run_lean)
{
	struct ps p = { .ctx = ctx, .live = live, .e = e, .s = s, .run_caps = run_caps,
			.run_lean = run_lean };

	if (live)
		flight_record(e);	/* --evidence: the cpu's recent events */
	s->st.events++;
	switch (e->type) {
	case PINSCOPE_EV_OP_BEGIN:	on_op_begin(&p); break;
	case PINSCOPE_EV_OP_END:	on_op_end(&p); break;
	case PINSCOPE_EV_PAGE:		on_page(&p); break;
	case PINSCOPE_EV_PAGE_EXIT:	on_page_exit(&p); break;
	case PINSCOPE_EV_LOCK:		on_lock(&p); break;
	case PINSCOPE_EV_UNLOCK:	on_unlock(&p); break;
	case PINSCOPE_EV_DO_PIN:	on_do_pin(&p); break;
	case PINSCOPE_EV_MC_ENTRY:	on_mc_entry(&p); break;
	case PINSCOPE_EV_CALLBACK:	on_callback(&p); break;
	case PINSCOPE_EV_FLUSH_REASON:	on_flush_reason(&p); break;
	case PINSCOPE_EV_FLUSH:		on_flush(&p); break;
	case PINSCOPE_EV_FLUSH_EXIT:	on_flush_exit(&p); break;
	case PINSCOPE_EV_MC_ISSUE:	on_issue(&p); break;
	case PINSCOPE_EV_END:		on_end(&p); break;
	case PINSCOPE_EV_LOST:		on_lost(&p); break;
	default:			break;
	}
}

/* Replay (BPF and user space): the event on the entry of its slot */
static __always_inline void handle(const struct pinscope_event *e)
{
	__u32 slot = e->slot;
	struct cpu_state *s = bpf_map_lookup_elem(&cpus, &slot);

	if (s)
		handle_on(NULL, e, false, s, caps, lean);
	else
		bad_cpu();
}

#endif /* PINSCOPE_CHECK_BPF_H */
