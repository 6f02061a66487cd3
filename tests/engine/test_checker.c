// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The checker (user/engine/checker.h, CHECKER_ENGINE=user|bpf) on real captures of
 * tests/data, changed the way real input goes wrong (issue 9):
 *  - cpu numbers >= 64 (65/66, 0/300): the same verdict as the original;
 *  - a timestamp that goes back: counted in lost.clock_back, never a hold,
 *    operation or flush time, nothing wraps;
 *  - a repeated visit of the user pgd in an unpin: not taken for the walk's
 *    PGD (no pgd-last);
 *  - more processes than the process map holds (lost.procs_full);
 *  - an operation cut by the next one's begin (fentry): nothing of it left.
 * Run from the top of the tree (paths tests/data/...).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/checker.h"
#include "checker_env.h"
#include "report/names.h"
#include "input/trace.h"

#define EARLY_UNLOCK "tests/data/patched-6.1-early_unlock.trace"
#define CLEAN "tests/data/patched-6.1-clean.trace"

struct trace {
	struct pinscope_event *ev;
	size_t n;
};

static void load(const char *path, struct trace *t)
{
	FILE *f = fopen(path, "r");
	struct pinscope_event ev;
	char *line = NULL, err[160];
	size_t cap = 0, max = 0;

	if (!f)
		fail_msg("cannot open %s (run from the top of the tree)", path);
	memset(t, 0, sizeof(*t));
	while (getline(&line, &cap, f) > 0) {
		if (trace_parse_line(line, &ev, err, sizeof(err)) != TRACE_LINE_EVENT)
			continue;
		if (t->n == max) {
			max = max ? 2 * max : 4096;
			t->ev = realloc(t->ev, max * sizeof(*t->ev));
			assert_non_null(t->ev);
		}
		t->ev[t->n++] = ev;
	}
	free(line);
	fclose(f);
	assert_true(t->n > 1000);
}

/* The events through the checker with the source's caps, only operations of pid (-p, 0:
 * all); rep->viol keeps the records */
static void run_caps_pid(const struct trace *t, struct report *rep, __u32 caps, __u32 pid)
{
	struct viol_sink sink = { .rep = rep };
	struct checker *c;

	memset(rep, 0, sizeof(*rep));
	c = checker_open(&(struct checker_opts){ .engine = engine(), .caps = caps, .pid = pid },
			 &sink);
	assert_non_null(c);
	for (size_t i = 0; i < t->n; i++)
		assert_int_equal(checker_push(c, &t->ev[i]), 0);
	assert_int_equal(checker_end(c), 0);
	assert_int_equal(checker_read(c, rep), 0);
	checker_close(c);
	assert_int_equal(sink.bad_records, 0);
}

static void run_caps(const struct trace *t, struct report *rep, __u32 caps)
{
	run_caps_pid(t, rep, caps, 0);
}

static void run(const struct trace *t, struct report *rep)
{
	run_caps(t, rep, PINSCOPE_CAPS_TRACEPOINTS);
}

static void renumbered(__u32 cpu0, __u32 cpu1)
{
	struct report a, b;
	struct trace t;

	load(EARLY_UNLOCK, &t);
	run(&t, &a);
	for (size_t i = 0; i < t.n; i++) {
		assert_true(t.ev[i].cpu <= 1);
		t.ev[i].cpu = t.ev[i].cpu ? cpu1 : cpu0;
	}
	run(&t, &b);
	assert_true(a.st.violated[PINSCOPE_R_UNLOCK_AFTER_FLUSH] >= 60);
	/* every counter, histogram and loss the same: cpus are only labels */
	assert_memory_equal(&a.st, &b.st, sizeof(a.st));
	assert_int_equal(a.nr_viol, b.nr_viol);
	for (__u64 i = 0; i < a.nr_viol && i < MAX_KEPT_VIOLATIONS; i++) {
		struct pinscope_violation *va = &a.viol[i], *vb = &b.viol[i];

		assert_int_equal(va->rule, vb->rule);
		assert_int_equal(va->pfn, vb->pfn);
		assert_int_equal(va->ts_ns, vb->ts_ns);
		assert_int_equal(vb->cpu, va->cpu ? cpu1 : cpu0);
	}
	free(a.viol);
	free(b.viol);
	free(t.ev);
}

static void test_cpus_65_66(void **state)
{
	renumbered(65, 66);
}

static void test_cpus_0_300(void **state)
{
	renumbered(0, 300);
}

static __u64 hist_counts(const struct pinscope_stats *st)
{
	return st->hold[0].count + st->hold[1].count + st->op_ns[0].count + st->op_ns[1].count +
	       st->flush_ns.count;
}

/* One unlock stamped before its lock: one interval runs backwards */
static void test_clock_back(void **state)
{
	struct report a, b;
	struct trace t;
	size_t i, nth = 0;

	load(CLEAN, &t);
	run(&t, &a);
	for (i = 0; i < t.n; i++)
		if (t.ev[i].type == PINSCOPE_EV_UNLOCK && ++nth == 100)
			break;
	assert_true(i < t.n);
	t.ev[i].ts_ns -= 1000000000ULL;		/* a second back */
	run(&t, &b);
	assert_int_equal(a.st.lost.clock_back, 0);
	assert_true(b.st.lost.clock_back >= 1);
	/* each backwards interval is counted instead of timed */
	assert_int_equal(hist_counts(&b.st) + b.st.lost.clock_back, hist_counts(&a.st));
	assert_int_equal(b.st.hold[0].count + b.st.hold[1].count,
			 a.st.hold[0].count + a.st.hold[1].count - 1);
	/* nothing wrapped: no time grew */
	for (int k = 0; k < 2; k++) {
		assert_true(b.st.hold[k].max <= a.st.hold[k].max);
		assert_true(b.st.hold[k].sum <= a.st.hold[k].sum);
		assert_true(b.st.op_ns[k].max <= a.st.op_ns[k].max);
		assert_true(b.st.op_ns[k].sum <= a.st.op_ns[k].sum);
	}
	assert_true(b.st.flush_ns.max <= a.st.flush_ns.max);
	assert_int_equal(total_violations(&b.st), 0);
	free(a.viol);
	free(b.viol);
	free(t.ev);
}

/* The user pgd's visit of the first unpin, twice */
static void test_dup_user_pgd_visit(void **state)
{
	struct report a, b;
	struct trace t, d;
	size_t i, j;
	__u32 cpu = 0;
	bool in_unpin = false;

	load(CLEAN, &t);
	run(&t, &a);
	for (i = 0; i < t.n; i++) {
		const struct pinscope_event *e = &t.ev[i];

		if (e->type == PINSCOPE_EV_OP_BEGIN && e->arg[0] == PINSCOPE_OP_UNPIN && !in_unpin) {
			in_unpin = true;
			cpu = e->cpu;
		} else if (in_unpin && e->cpu == cpu && e->type == PINSCOPE_EV_PAGE) {
			break;
		}
	}
	assert_true(i < t.n);
	assert_int_equal(t.ev[i].arg[2], PINSCOPE_L_PGD);	/* the user pgd comes first */
	d.n = t.n + 1;
	d.ev = calloc(d.n, sizeof(*d.ev));
	assert_non_null(d.ev);
	for (j = 0; j <= i; j++)
		d.ev[j] = t.ev[j];
	for (; j < d.n; j++)
		d.ev[j] = t.ev[j - 1];
	run(&d, &b);
	assert_int_equal(total_violations(&a.st), 0);
	assert_int_equal(b.st.violated[PINSCOPE_R_PGD_LAST], 0);
	assert_int_equal(total_violations(&b.st), 0);
	assert_true(b.st.checked[PINSCOPE_R_PGD_LAST] > 0);
	assert_int_equal(b.st.pages[1][PINSCOPE_L_PGD], a.st.pages[1][PINSCOPE_L_PGD] + 1);
	free(a.viol);
	free(b.viol);
	free(t.ev);
	free(d.ev);
}

/*
 * Tracepoints mode without the flush's return reads the clock at a flush
 * inside an operation only where a figure needs it: at the final flush,
 * where the operation ends when no unlock follows (a kernel without split
 * PTE locks).  Without the unlocks every operation still ends timed, at its
 * final flush, never before its begin.
 */
static void test_op_end_at_final_flush(void **state)
{
	struct report a, b;
	struct trace t, d = { 0 };

	load(CLEAN, &t);
	run(&t, &a);
	d.ev = calloc(t.n, sizeof(*d.ev));
	assert_non_null(d.ev);
	for (size_t i = 0; i < t.n; i++)
		if (t.ev[i].type != PINSCOPE_EV_UNLOCK)
			d.ev[d.n++] = t.ev[i];
	assert_true(d.n < t.n);
	run(&d, &b);
	assert_true(a.st.op_ns[0].count > 0 && a.st.op_ns[1].count > 0);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(b.st.op_ns[k].count, a.st.op_ns[k].count);
		assert_true(b.st.op_ns[k].sum <= a.st.op_ns[k].sum);	/* before the unlocks */
		assert_true(b.st.op_ns[k].sum > 0);
	}
	assert_int_equal(b.st.lost.clock_back, 0);
	assert_true(b.st.violated[PINSCOPE_R_LOCKS_RELEASED] > 0);
	free(a.viol);
	free(b.viol);
	free(t.ev);
	free(d.ev);
}

/*
 * More processes than the process map holds: each operation of a process
 * that found the map full is counted in lost.procs_full, every operation
 * is still judged and counted, and a process already in the map still
 * counts (the map stays full once it is: nothing deletes entries).
 */
static void test_procs_full(void **state)
{
	const size_t extra = 50, again = 5, nproc = PINSCOPE_MAX_PROCS + extra;
	struct trace t = { .n = nproc + again };
	struct report rep;

	t.ev = calloc(t.n, sizeof(*t.ev));
	assert_non_null(t.ev);
	for (size_t i = 0; i < t.n; i++) {
		struct pinscope_event *e = &t.ev[i];

		e->type = PINSCOPE_EV_OP_BEGIN;
		e->arg[0] = PINSCOPE_OP_PIN;
		e->ts_ns = 1000 * (i + 1);
		e->pid = i < nproc ? 1000 + i : 1000;	/* then the first again */
		snprintf(e->comm, sizeof(e->comm), "p%zu", i < nproc ? i : 0);
	}
	run(&t, &rep);
	assert_int_equal(rep.st.ops[0], t.n);
	assert_int_equal(rep.st.lost.procs_full, extra);
	assert_true(rep.nr_top > 0);
	assert_int_equal(rep.top[0].pid, 1000);
	assert_int_equal(rep.top[0].p.ops[0], 1 + again);
	free(rep.viol);
	free(t.ev);
}

/* A hand-written event sequence: type and arg[0..2], pid 42, 1 us apart */
struct spec {
	__u32 type;
	__u64 a0, a1, a2;
};

static void from_spec(struct pinscope_event *e, const struct spec *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		e[i] = (struct pinscope_event){ .type = ev[i].type, .ts_ns = 1000 * (i + 1), .pid = 42 };
		e[i].arg[0] = ev[i].a0;
		e[i].arg[1] = ev[i].a1;
		e[i].arg[2] = ev[i].a2;
	}
}

static void run_spec(const struct spec *ev, size_t n, __u32 caps, struct report *rep)
{
	struct pinscope_event e[32];
	struct trace t = { .ev = e, .n = n };

	assert_true(n <= 32);
	from_spec(e, ev, n);
	run_caps(&t, rep, caps);
}

/*
 * fentry mode: a PTE page pinned with no deferred unlock waits, undecided,
 * for its operation's end (split locks or none).  An operation cut by the
 * next one's begin leaves it behind: the next operation starts without it.
 */
static void test_cut_op_undecided(void **state)
{
	static const struct spec ev[] = {
		{ PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN },
		{ PINSCOPE_EV_PAGE, PINSCOPE_OP_PIN, 0x100, PINSCOPE_L_PTE },
		{ PINSCOPE_EV_DO_PIN, PINSCOPE_MMUEXT_PIN_L1, 0x100 },
		{ PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_PIN },
		/* no end: cut by the next begin, of the pgd at pfn 0x200 */
		{ PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN, 0, 0x200 },
		{ PINSCOPE_EV_PAGE, PINSCOPE_OP_PIN, 0x200, PINSCOPE_L_PGD },
		/* fentry caps: the PGD is seen in its update_va_mapping entry */
		{ PINSCOPE_EV_MC_ENTRY, PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING, 0x200,
		  PINSCOPE_UVMF_TLB_FLUSH },
		{ PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_PIN },
		{ PINSCOPE_EV_DO_PIN, PINSCOPE_MMUEXT_PIN_L4, 0x200 },
		{ PINSCOPE_EV_OP_END, PINSCOPE_OP_PIN },
	};
	struct report rep;

	run_spec(ev, sizeof(ev) / sizeof(ev[0]), PINSCOPE_CAPS_FENTRY, &rep);
	assert_int_equal(rep.st.ops[0], 2);
	assert_int_equal(rep.st.lost.ops_cut, 1);
	assert_int_equal(total_violations(&rep.st), 0);
	assert_int_equal(rep.st.checked[PINSCOPE_R_PGD_LAST], 1);
	free(rep.viol);
}

/*
 * -p takes operations away, never adds losses (issue 26): the split locks of
 * another process's operation are held, not judged, and their unlocks are not
 * "unmatched".  Tracepoints (lock events) and fentry (the lock known from its
 * deferred unlock), the same sequence filtered out (-p 7) and not.
 */
static void foreign_locks(__u32 caps)
{
	static const struct spec ev[] = {
		{ PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN },
		{ PINSCOPE_EV_LOCK, 0, 0x100 },
		{ PINSCOPE_EV_PAGE, PINSCOPE_OP_PIN, 0x100, PINSCOPE_L_PTE },
		{ PINSCOPE_EV_DO_PIN, PINSCOPE_MMUEXT_PIN_L1, 0x100 },
		{ PINSCOPE_EV_CALLBACK, 1 },
		{ PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_PIN },
		{ PINSCOPE_EV_PAGE, PINSCOPE_OP_PIN, 0x200, PINSCOPE_L_PGD },
		{ PINSCOPE_EV_MC_ENTRY, PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING, 0x200,
		  PINSCOPE_UVMF_TLB_FLUSH },
		{ PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_PIN },
		{ PINSCOPE_EV_DO_PIN, PINSCOPE_MMUEXT_PIN_L4, 0x200 },
		{ PINSCOPE_EV_MC_ISSUE },
		{ PINSCOPE_EV_FLUSH, 3, 0, 1 },
		{ PINSCOPE_EV_UNLOCK },
		{ PINSCOPE_EV_FLUSH_EXIT },
		{ PINSCOPE_EV_OP_END, PINSCOPE_OP_PIN },
	};
	struct pinscope_event e[32];
	struct trace t = { .ev = e, .n = sizeof(ev) / sizeof(ev[0]) };
	struct report all, none;

	from_spec(e, ev, t.n);
	if (!(caps & PINSCOPE_CAP_LOCK)) {	/* fentry: no lock event */
		memmove(&e[1], &e[2], (t.n - 2) * sizeof(e[0]));
		t.n--;
	}
	for (size_t i = 0; i < t.n; i++)	/* the split lock's pointer */
		if (e[i].type == PINSCOPE_EV_LOCK || e[i].type == PINSCOPE_EV_UNLOCK ||
		    e[i].type == PINSCOPE_EV_CALLBACK ||
		    (e[i].type == PINSCOPE_EV_PAGE && e[i].arg[2] == PINSCOPE_L_PTE))
			e[i].arg[3] = 0xffff888000abc000ULL;
	run_caps_pid(&t, &all, caps, 0);
	run_caps_pid(&t, &none, caps, 7);	/* pid 42's operation is another's */
	assert_int_equal(all.st.ops[0], 1);
	assert_int_equal(all.st.lost.unmatched_unlock, 0);
	assert_int_equal(total_violations(&all.st), 0);
	assert_int_equal(all.st.hold[0].count, 1);
	assert_int_equal(none.st.ops[0], 0);
	assert_int_equal(none.st.lost.unmatched_unlock, 0);
	assert_int_equal(none.st.lost.held_full, 0);
	assert_int_equal(total_violations(&none.st), 0);
	assert_int_equal(none.st.hold[0].count + none.st.hold[1].count, 0);
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		assert_int_equal(none.st.checked[r], 0);
	free(all.viol);
	free(none.viol);
}

static void test_foreign_locks_tracepoints(void **state)
{
	foreign_locks(PINSCOPE_CAPS_TRACEPOINTS);
}

static void test_foreign_locks_fentry(void **state)
{
	foreign_locks(PINSCOPE_CAPS_FENTRY);
}

/*
 * Stock kernels whose compiler inlined xen_do_pin() into __xen_pgd_unpin()
 * (Debian's 7.2): an unpin whose pgd's UNPIN_TABLE no hook saw.  The live
 * stock modes name the pgd at the begin (caps PGD_PFN): the operation is
 * unseen for l4-after-walk, never violated; with the UNPIN seen only after
 * the walk began it is a violation.  UNPINs: UNPIN_PGD is where the test puts
 * the pgd's UNPIN (0: none, 1: before the walk, 2: after the PTE page).
 */
static void unpin_pgd(int where, struct report *rep)
{
	struct spec ev[16] = {
		{ PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_UNPIN, 0, 0x200 },
	};
	size_t n = 1;

	if (where == 1)
		ev[n++] = (struct spec){ PINSCOPE_EV_DO_PIN, PINSCOPE_MMUEXT_UNPIN, 0x200 };
	/* the user pgd: its UNPIN and its update (seen through the multicall entry) */
	ev[n++] = (struct spec){ PINSCOPE_EV_DO_PIN, PINSCOPE_MMUEXT_UNPIN, 0x201 };
	ev[n++] = (struct spec){ PINSCOPE_EV_MC_ENTRY, PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING, 0x201,
				   PINSCOPE_UVMF_TLB_FLUSH };
	ev[n++] = (struct spec){ PINSCOPE_EV_PAGE, PINSCOPE_OP_UNPIN, 0x300, PINSCOPE_L_PMD };
	ev[n++] = (struct spec){ PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_UNPIN };
	if (where == 2)
		ev[n++] = (struct spec){ PINSCOPE_EV_DO_PIN, PINSCOPE_MMUEXT_UNPIN, 0x200 };
	ev[n++] = (struct spec){ PINSCOPE_EV_MC_ENTRY, PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING, 0x200,
				   PINSCOPE_UVMF_TLB_FLUSH };
	ev[n++] = (struct spec){ PINSCOPE_EV_OP_END, PINSCOPE_OP_UNPIN };
	run_spec(ev, n, PINSCOPE_CAPS_FENTRY, rep);
}

static void test_l4_unseen_not_violated(void **state)
{
	struct report rep;

	unpin_pgd(0, &rep);	/* the pgd's UNPIN never seen */
	assert_int_equal(total_violations(&rep.st), 0);
	assert_int_equal(rep.st.checked[PINSCOPE_R_L4_AFTER_WALK], 0);
	assert_int_equal(rep.st.unseen[PINSCOPE_R_L4_AFTER_WALK], 1);
	assert_int_equal(rep.st.checked[PINSCOPE_R_PGD_LAST], 1);
	assert_int_equal(rep.st.pages[1][PINSCOPE_L_PGD], 2);	/* the user pgd too */
	free(rep.viol);

	unpin_pgd(1, &rep);	/* seen before the walk: checked, clean */
	assert_int_equal(total_violations(&rep.st), 0);
	assert_int_equal(rep.st.checked[PINSCOPE_R_L4_AFTER_WALK], 1);
	assert_int_equal(rep.st.unseen[PINSCOPE_R_L4_AFTER_WALK], 0);
	free(rep.viol);

	unpin_pgd(2, &rep);	/* seen after the walk began: violated */
	assert_int_equal(rep.st.violated[PINSCOPE_R_L4_AFTER_WALK], 1);
	assert_int_equal(rep.st.checked[PINSCOPE_R_L4_AFTER_WALK], 1);
	assert_int_equal(rep.nr_viol, 1);
	assert_int_equal(rep.viol[0].reason, PINSCOPE_WHY_WALK_BEFORE_UNPIN);
	assert_int_equal(rep.viol[0].pfn, 0x200);
	free(rep.viol);
}

/* A pin whose first PIN_L4 is the user pgd's (its own was inlined away):
 * the pfn tells them apart; nothing is judged from the wrong one */
static void test_l4_pin_by_pfn(void **state)
{
	static const struct spec ev[] = {
		{ PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN, 0, 0x200 },
		{ PINSCOPE_EV_DO_PIN, PINSCOPE_MMUEXT_PIN_L4, 0x201 },	/* not the op's pgd */
		{ PINSCOPE_EV_PAGE, PINSCOPE_OP_PIN, 0x300, PINSCOPE_L_PMD },
		{ PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_PIN },
		{ PINSCOPE_EV_MC_ENTRY, PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING, 0x200,
		  PINSCOPE_UVMF_TLB_FLUSH },
		{ PINSCOPE_EV_OP_END, PINSCOPE_OP_PIN },
	};
	struct report rep;

	run_spec(ev, sizeof(ev) / sizeof(ev[0]), PINSCOPE_CAPS_FENTRY, &rep);
	assert_int_equal(total_violations(&rep.st), 0);
	assert_int_equal(rep.st.unseen[PINSCOPE_R_L4_AFTER_WALK], 1);
	assert_int_equal(rep.st.checked[PINSCOPE_R_L4_AFTER_WALK], 0);
	free(rep.viol);
}

/* The locks of the trace say the mm lock was in state st: all of them, or
 * only those of the first pin (first_pin) */
static void mm_lock_all(struct trace *t, __u32 st, bool first_pin)
{
	int pins = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct pinscope_event *e = &t->ev[i];

		if (e->type == PINSCOPE_EV_OP_BEGIN && e->arg[0] == PINSCOPE_OP_PIN)
			pins++;
		if (e->type == PINSCOPE_EV_LOCK && (!first_pin || pins == 1))
			e->arg[0] = (__u64)st << PINSCOPE_MMLOCK_SHIFT;
	}
}

/*
 * mm-lock-held (issue 24) on a real capture, with the series' mm_locked
 * field written in: each split lock taken inside an operation is one check;
 * a lock taken without the mm lock is one violation of that rule and of no
 * other; a trace without the field (or a source without MMLOCK) checks nothing.
 */
static void test_mm_lock_held_tracepoints(void **state)
{
	const __u32 caps = PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK;
	struct report rep, old;
	struct trace t;
	__u64 locks;

	load(CLEAN, &t);
	run_caps(&t, &old, caps);	/* as captured: no field */
	locks = old.st.locks[0] + old.st.locks[1];
	assert_true(locks > 100);
	assert_int_equal(old.st.checked[PINSCOPE_R_MM_LOCK_HELD], 0);
	assert_int_equal(total_violations(&old.st), 0);

	mm_lock_all(&t, PINSCOPE_MMLOCK_HELD, false);
	run_caps(&t, &rep, caps);
	assert_int_equal(rep.st.checked[PINSCOPE_R_MM_LOCK_HELD], locks);
	assert_int_equal(total_violations(&rep.st), 0);
	/* the other rules see the same as before */
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		if (r != PINSCOPE_R_MM_LOCK_HELD)
			assert_int_equal(rep.st.checked[r], old.st.checked[r]);
	free(rep.viol);
	run_caps(&t, &rep, PINSCOPE_CAPS_TRACEPOINTS);	/* the field, not the caps */
	assert_int_equal(rep.st.checked[PINSCOPE_R_MM_LOCK_HELD], 0);
	free(rep.viol);

	mm_lock_all(&t, PINSCOPE_MMLOCK_FREE, true);	/* the first pin without it */
	run_caps(&t, &rep, caps);
	assert_int_equal(rep.st.checked[PINSCOPE_R_MM_LOCK_HELD], locks);
	assert_true(rep.st.violated[PINSCOPE_R_MM_LOCK_HELD] >= 1);
	assert_int_equal(total_violations(&rep.st), rep.st.violated[PINSCOPE_R_MM_LOCK_HELD]);
	assert_int_equal(rep.nr_viol, rep.st.violated[PINSCOPE_R_MM_LOCK_HELD]);
	for (__u64 i = 0; i < rep.nr_viol && i < MAX_KEPT_VIOLATIONS; i++) {
		assert_int_equal(rep.viol[i].rule, PINSCOPE_R_MM_LOCK_HELD);
		assert_int_equal(rep.viol[i].reason, PINSCOPE_WHY_MM_LOCK_FREE);
		assert_int_equal(rep.viol[i].op, PINSCOPE_OP_PIN);
		assert_true(rep.viol[i].pfn != 0);
	}
	free(rep.viol);
	free(old.viol);
	free(t.ev);
}

/*
 * Stock kernels: the mm lock read at a PTE page's xen_(un)pin_page() is
 * judged once the visit shows a split lock (its deferred unlock); a PTE
 * page without one (no split locks) and a lower level page are not.
 */
static void stock_pte_visit(__u32 st, __u32 kind, struct report *rep)
{
	const __u64 mm = (__u64)st << PINSCOPE_MMLOCK_SHIFT;
	const struct { __u32 type; __u64 a0, a1, a2, a3; } ev[] = {
		{ PINSCOPE_EV_OP_BEGIN, kind, 0, 0x200 },
		{ PINSCOPE_EV_PAGE, kind | mm, 0x300, PINSCOPE_L_PMD },
		{ PINSCOPE_EV_PAGE_EXIT, kind },
		{ PINSCOPE_EV_PAGE, kind | mm, 0x100, PINSCOPE_L_PTE },
		{ PINSCOPE_EV_DO_PIN, kind == PINSCOPE_OP_PIN ? PINSCOPE_MMUEXT_PIN_L1 :
		  PINSCOPE_MMUEXT_UNPIN, 0x100 },
		{ PINSCOPE_EV_CALLBACK, 1, 0, 0, 0xabc },
		{ PINSCOPE_EV_PAGE_EXIT, kind },
		{ PINSCOPE_EV_MC_ENTRY, PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING, 0x200,
		  PINSCOPE_UVMF_TLB_FLUSH },
		{ PINSCOPE_EV_FLUSH, 4, 0, 1 },
		{ PINSCOPE_EV_UNLOCK, 0, 0, 0, 0xabc },
		{ PINSCOPE_EV_FLUSH_EXIT },
		{ PINSCOPE_EV_OP_END, kind },
	};
	struct pinscope_event e[sizeof(ev) / sizeof(ev[0])] = {};
	struct trace t = { .ev = e, .n = sizeof(ev) / sizeof(ev[0]) };

	for (size_t i = 0; i < t.n; i++) {
		e[i].type = ev[i].type;
		e[i].arg[0] = ev[i].a0;
		e[i].arg[1] = ev[i].a1;
		e[i].arg[2] = ev[i].a2;
		e[i].arg[3] = ev[i].a3;
		e[i].ts_ns = 1000 * (i + 1);
		e[i].pid = 42;
	}
	run_caps(&t, rep, PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK);
}

static void test_mm_lock_held_stock(void **state)
{
	struct report rep;

	for (__u32 kind = PINSCOPE_OP_PIN; kind <= PINSCOPE_OP_UNPIN; kind++) {
		stock_pte_visit(PINSCOPE_MMLOCK_HELD, kind, &rep);
		assert_int_equal(rep.st.checked[PINSCOPE_R_MM_LOCK_HELD], 1);
		assert_int_equal(total_violations(&rep.st), 0);
		free(rep.viol);

		stock_pte_visit(PINSCOPE_MMLOCK_FREE, kind, &rep);
		assert_int_equal(rep.st.checked[PINSCOPE_R_MM_LOCK_HELD], 1);
		assert_int_equal(total_violations(&rep.st), 1);
		assert_int_equal(rep.st.violated[PINSCOPE_R_MM_LOCK_HELD], 1);
		assert_int_equal(rep.viol[0].reason, PINSCOPE_WHY_MM_LOCK_FREE);
		assert_int_equal(rep.viol[0].pfn, 0x100);
		assert_int_equal(rep.viol[0].op, kind);
		free(rep.viol);

		stock_pte_visit(PINSCOPE_MMLOCK_UNKNOWN, kind, &rep);	/* the read failed */
		assert_int_equal(rep.st.checked[PINSCOPE_R_MM_LOCK_HELD], 0);
		assert_int_equal(total_violations(&rep.st), 0);
		free(rep.viol);
	}
}

/*
 * A save/restore in the middle of a real capture (issue 24): the suspend
 * path's operations (OP_BEGIN path 1: against init_mm) counted apart; the
 * clock jumps forward by the time the guest was saved, and the cpu that
 * comes back is numbered anew.  The verdict and every count but the
 * operations' path stay as they were; nothing is lost, no interval runs
 * backwards, no violation appears.
 */
static void test_suspend_restore(void **state)
{
	struct report a, b;
	struct trace t;
	size_t mid = 0, i;
	int ops = 0, suspend = 0;

	load(CLEAN, &t);
	run(&t, &a);
	/* the first half of the operations before the save, the rest after */
	for (i = 0; i < t.n; i++)
		if (t.ev[i].type == PINSCOPE_EV_OP_BEGIN && ++ops == 16) {
			mid = i;
			break;
		}
	assert_true(mid > 0);
	for (i = 0; i < t.n; i++) {
		struct pinscope_event *e = &t.ev[i];

		/* three operations before the save taken for the suspend path's
		 * (xen_mm_pin_all / xen_mm_unpin_all: OP_BEGIN path 1) */
		if (e->type == PINSCOPE_EV_OP_BEGIN && i < mid && ops-- > 13) {
			e->arg[3] = 1;
			suspend++;
		}
		if (i >= mid) {
			e->ts_ns += 3600ULL * 1000000000ULL;	/* an hour saved */
			if (e->cpu == 1)
				e->cpu = 7;			/* restored as another cpu */
		}
	}
	run(&t, &b);
	assert_int_equal(b.st.suspend_ops[0] + b.st.suspend_ops[1], suspend);
	assert_true(suspend > 0);
	/* the split locks of those operations, counted apart too */
	assert_true(b.st.suspend_locks > 0);
	assert_true(b.st.suspend_locks < b.st.locks[0] + b.st.locks[1]);
	assert_int_equal(a.st.suspend_locks, 0);
	assert_int_equal(total_violations(&b.st), 0);
	assert_int_equal(b.st.lost.clock_back, 0);
	assert_int_equal(b.st.lost.ops_cut, a.st.lost.ops_cut);
	assert_int_equal(b.st.lost.unmatched_unlock, a.st.lost.unmatched_unlock);
	assert_memory_equal(b.st.checked, a.st.checked, sizeof(a.st.checked));
	assert_memory_equal(b.st.ops, a.st.ops, sizeof(a.st.ops));
	assert_memory_equal(b.st.locks, a.st.locks, sizeof(a.st.locks));
	assert_int_equal(a.st.suspend_ops[0] + a.st.suspend_ops[1], 0);
	/* the suspend path's holds and most locks per operation: a distribution
	 * of their own (every lock of theirs timed there, none in hold[]); the
	 * two paths together are the run's without the path */
	assert_int_equal(b.st.suspend_hold[0].count + b.st.suspend_hold[1].count,
			 b.st.suspend_locks);
	assert_int_equal(b.st.hold[0].count + b.st.hold[1].count + b.st.suspend_locks,
			 a.st.hold[0].count + a.st.hold[1].count);
	assert_int_equal(a.st.suspend_hold[0].count + a.st.suspend_hold[1].count, 0);
	for (int k = 0; k < 2; k++) {
		struct pinscope_hist ha, hb;

		stats_hold(&a.st, k, &ha);
		stats_hold(&b.st, k, &hb);
		assert_int_equal(hb.count, ha.count);
	}
	{
		struct pinscope_lin_hist la, lb;
		__u64 n = 0;

		stats_locks_max(&a.st, &la);
		stats_locks_max(&b.st, &lb);
		assert_memory_equal(la.slots, lb.slots, sizeof(la.slots));
		for (int i = 0; i < PINSCOPE_LIN_SLOTS; i++)
			n += b.st.suspend_locks_max.slots[i];
		assert_int_equal(n, suspend);
	}
	free(a.viol);
	free(b.viol);
	free(t.ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus_65_66),
		cmocka_unit_test(test_l4_unseen_not_violated),
		cmocka_unit_test(test_foreign_locks_tracepoints),
		cmocka_unit_test(test_foreign_locks_fentry),
		cmocka_unit_test(test_l4_pin_by_pfn),
		cmocka_unit_test(test_mm_lock_held_tracepoints),
		cmocka_unit_test(test_mm_lock_held_stock),
		cmocka_unit_test(test_suspend_restore),
		cmocka_unit_test(test_cpus_0_300),
		cmocka_unit_test(test_clock_back),
		cmocka_unit_test(test_dup_user_pgd_visit),
		cmocka_unit_test(test_op_end_at_final_flush),
		cmocka_unit_test(test_procs_full),
		cmocka_unit_test(test_cut_op_undecided),
	};

	return cmocka_run_group_tests_name("checker on changed captures", tests, NULL, NULL);
}
