// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The BPF checker against the model of the pinning algorithm (model.h):
 * random page tables, pins and unpins on 1 to 4 cpus, projected onto each
 * event source (tracepoints, fentry, mainline) and fed to the replay
 * program with BPF_PROG_TEST_RUN (checker.h).
 *
 *  - correct runs: no violation, and every count the model predicts
 *    (ops, split locks, hold samples and their sums, histograms, flushes
 *    and their reasons, deferred unlocks, pages per level, events), no
 *    loss, and every rule the source covers checked;
 *  - mutants: each breaks one rule and must be flagged with exactly that
 *    rule id, once per broken op or page, in every source that can see it,
 *    and nothing at all in the sources that cannot.
 *
 * MODEL_SEED=<n> in the environment replaces every test's seed,
 * MODEL_FILTER=<glob> runs only the matching tests.  Run as root: it loads BPF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "engine/checker.h"
#include "checker_env.h"
#include "report/coverage.h"
#include "model.h"
#include "report/names.h"

/* tracepoints: the series before issue 27 and the current one, whose
 * operations end at xen_mmu_pgd_done (OPEND); with MMLOCK: the source records
 * the mm's page_table_lock (live: the series' xen_mmu_pte_lock since issue
 * 24, a stock kernel with BTF) */
static const __u32 sources[] = {
	PINSCOPE_CAPS_TRACEPOINTS, PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_OPEND,
	PINSCOPE_CAPS_FENTRY, PINSCOPE_CAPS_MAINLINE,
	PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK, PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK,
	PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_OPEND | PINSCOPE_CAP_MMLOCK,
};

static const char *src_name(__u32 caps)
{
	return caps == PINSCOPE_CAPS_TRACEPOINTS ? "tracepoints" :
	       caps == (PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_OPEND) ? "tracepoints-opend" :
	       caps == PINSCOPE_CAPS_FENTRY ? "fentry" :
	       caps == PINSCOPE_CAPS_MAINLINE ? "mainline" :
	       caps == (PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK) ? "tracepoints+mmlock" :
	       caps == (PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK) ? "fentry+mmlock" :
	       caps == (PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_OPEND | PINSCOPE_CAP_MMLOCK) ?
	       "tracepoints-opend+mmlock" : "?";
}

/* ---- one test case */

enum tkind {
	TK_CORRECT,	/* every source: 0 violations, exact counts */
	TK_MUTANT,	/* one source: flagged with the mutant's rule only */
};

struct tcase {
	const char *name;
	enum tkind kind;
	__u32 caps;		/* TK_MUTANT: the source */
	struct model_cfg cfg;
	const char *note;	/* a known checker bug this test shows, see /tmp/model-notes.md */
	int fentry_rule;	/* >= 0: the rule fentry mode names instead (a documented limit) */
};

/* Mismatches are collected, all printed, then the test fails once */
struct ctx {
	const struct model *m;
	__u32 caps;
	int errors;
};

static void __attribute__((format(printf, 2, 3))) bad(struct ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->errors)
		print_error("  [%s] %s\n", src_name(c->caps), model_describe(c->m));
	print_error("  [%s] %s\n", src_name(c->caps), msg);
	c->errors++;
}

static void eq(struct ctx *c, const char *what, __u64 got, __u64 want)
{
	if (got != want)
		bad(c, "%s = %llu, expected %llu", what, (unsigned long long)got,
		    (unsigned long long)want);
}

static __u64 seed_override(__u64 seed)
{
	const char *s = getenv("MODEL_SEED");

	return s && *s ? strtoull(s, NULL, 0) : seed;
}

static struct model *make_model(const struct model_cfg *cfg0)
{
	struct model_cfg cfg = *cfg0;
	struct model *m;

	cfg.seed = seed_override(cfg.seed);
	m = model_new(&cfg);
	if (!m)
		fail_msg("model_new failed (bad configuration?) seed=%#llx",
			 (unsigned long long)cfg.seed);
	return m;
}

/* the checker's --lean bits (enum pinscope_lean) for the next runs; 0: none */
static __u32 run_lean;

/* Feed the model's events for one source through the checker */
static void run_engine(enum checker_engine eng, const struct model *m, __u32 caps,
		       struct report *rep, struct model_expect *x, struct viol_sink *sink)
{
	struct pinscope_event *ev;
	struct checker *chk;
	size_t n;

	memset(rep, 0, sizeof(*rep));
	memset(sink, 0, sizeof(*sink));
	sink->rep = rep;
	if (model_project(m, caps, &ev, &n, x))
		fail_msg("model_project failed: %s", model_describe(m));
	chk = checker_open(&(struct checker_opts){ .engine = eng, .caps = caps, .lean = run_lean },
			   sink);
	if (!chk) {
		free(ev);
		fail_msg("checker_open(%s, %s) failed%s", checker_engine_name(eng),
			 src_name(caps), eng == CHECKER_BPF ? ": run as root (loads BPF)" : "");
	}
	for (size_t i = 0; i < n; i++)
		if (checker_push(chk, &ev[i])) {
			checker_close(chk);
			free(ev);
			fail_msg("checker_push failed at event %zu: %s", i, model_describe(m));
		}
	free(ev);
	if (checker_end(chk) || checker_read(chk, rep)) {
		checker_close(chk);
		fail_msg("checker_end/read failed: %s", model_describe(m));
	}
	checker_close(chk);
	rep->caps = caps;
}

/*
 * The engine under test; on the bpf engine also the user engine, which must
 * give the same aggregates and the same records (the stack of a replay
 * record is not written: compared up to it)
 */
static void run_checker(const struct model *m, __u32 caps, struct report *rep,
			struct model_expect *x, struct viol_sink *sink)
{
	struct viol_sink usink;
	struct report urep;
	struct model_expect ux;

	run_engine(engine(), m, caps, rep, x, sink);
	if (engine() != CHECKER_BPF)
		return;
	run_engine(CHECKER_USER, m, caps, &urep, &ux, &usink);
	if (memcmp(&urep.st, &rep->st, sizeof(urep.st)) || urep.nr_viol != rep->nr_viol ||
	    urep.nr_top != rep->nr_top || memcmp(urep.top, rep->top, sizeof(urep.top)))
		fail_msg("[%s] the user and bpf engines differ: %s", src_name(caps),
			 model_describe(m));
	for (__u64 i = 0; i < urep.nr_viol && i < MAX_KEPT_VIOLATIONS; i++)
		if (memcmp(&urep.viol[i], &rep->viol[i],
			   offsetof(struct pinscope_violation, stack)))
			fail_msg("[%s] record %llu differs between the engines: %s", src_name(caps),
				 (unsigned long long)i, model_describe(m));
	free(urep.viol);
}

static __u64 slots_total(const __u64 *s, int n)
{
	__u64 t = 0;

	for (int i = 0; i < n; i++)
		t += s[i];
	return t;
}

/* A histogram against the model: count, sum, max (unless want_max is NULL),
 * every slot, and the slots against its own count */
static void check_hist(struct ctx *c, const char *name, const struct pinscope_hist *h,
		       __u64 count, __u64 sum, const __u64 *want_max, const __u64 *want_slots)
{
	char what[96];

	snprintf(what, sizeof(what), "%s.count", name);
	eq(c, what, h->count, count);
	snprintf(what, sizeof(what), "%s.sum", name);
	eq(c, what, h->sum, sum);
	if (want_max) {
		snprintf(what, sizeof(what), "%s.max", name);
		eq(c, what, h->max, *want_max);
	}
	snprintf(what, sizeof(what), "%s bucket total", name);
	eq(c, what, slots_total(h->slots, PINSCOPE_HIST_SLOTS), h->count);
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		if (h->slots[i] == want_slots[i])
			continue;
		snprintf(what, sizeof(what), "%s.slots[%d] [%llu, %llu) ns", name, i,
			 (unsigned long long)hist_slot_lo(i), (unsigned long long)hist_slot_hi(i));
		eq(c, what, h->slots[i], want_slots[i]);
		break;	/* one is enough to tell */
	}
}

static void check_lost(struct ctx *c, const struct report *rep, const struct viol_sink *sink)
{
	const struct pinscope_lost *l = &rep->st.lost;

	eq(c, "lost.ringbuf", l->ringbuf, 0);
	eq(c, "lost.held_full", l->held_full, 0);
	eq(c, "lost.procs_full", l->procs_full, 0);
	eq(c, "lost.unmatched_unlock", l->unmatched_unlock, 0);
	eq(c, "lost.bad_cpu", l->bad_cpu, 0);
	eq(c, "lost.ops_cut", l->ops_cut, 0);
	eq(c, "bad ring-buffer records", sink->bad_records, 0);
}

static void print_violations(struct ctx *c, const struct report *rep)
{
	for (__u64 i = 0; i < rep->nr_viol && i < 5 && rep->viol; i++) {
		const struct pinscope_violation *v = &rep->viol[i];

		bad(c, "violation %s: cpu %u %s pfn %#llx: %s (detail %llu)", rule_name(v->rule),
		    v->cpu, op_name(v->op), (unsigned long long)v->pfn, reason_text(v->reason),
		    (unsigned long long)v->detail);
	}
}

/* A correct run: no violation, and the counts the model predicts */
static void check_correct(struct ctx *c, const struct report *rep, const struct model_expect *x,
			  const struct viol_sink *sink, bool split)
{
	const struct pinscope_stats *st = &rep->st;
	struct pinscope_lin_hist locks_max;
	struct pinscope_hist all;
	char what[96];

	for (int r = 0; r < PINSCOPE_NR_RULES; r++) {
		snprintf(what, sizeof(what), "violated[%s]", rule_name(r));
		eq(c, what, st->violated[r], 0);
	}
	eq(c, "violation records", rep->nr_viol, 0);
	if (rep->nr_viol)
		print_violations(c, rep);
	check_lost(c, rep, sink);
	eq(c, "events", st->events, x->events);
	for (int k = 0; k < 2; k++) {
		const char *kn = k ? "unpin" : "pin";

		snprintf(what, sizeof(what), "ops[%s]", kn);
		eq(c, what, st->ops[k], x->ops[k]);
		snprintf(what, sizeof(what), "locks[%s]", kn);
		eq(c, what, st->locks[k], x->locks[k]);
		/* every path's holds, and the suspend path's own */
		snprintf(what, sizeof(what), "holds[%s]", kn);
		stats_hold(st, k, &all);
		check_hist(c, what, &all, x->holds[k], x->hold_sum[k], &x->hold_max[k],
			   x->hold_slots[k]);
		snprintf(what, sizeof(what), "suspend_hold[%s]", kn);
		check_hist(c, what, &st->suspend_hold[k], x->susp_holds[k], x->susp_hold_sum[k],
			   &x->susp_hold_max[k], x->susp_hold_slots[k]);
		snprintf(what, sizeof(what), "suspend_ops[%s]", kn);
		eq(c, what, st->suspend_ops[k], x->susp_ops[k]);
		snprintf(what, sizeof(what), "op_ns[%s]", kn);
		check_hist(c, what, &st->op_ns[k], x->ops[k], x->op_ns_sum[k], &x->op_ns_max[k],
			   x->op_ns_slots[k]);
		for (int l = 0; l < 8; l++) {
			snprintf(what, sizeof(what), "pages[%s][%s]", kn, level_name(l));
			eq(c, what, st->pages[k][l], x->pages[k][l]);
		}
	}
	/* every lock hold recorded */
	eq(c, "hold samples (pin + unpin, both paths)", st->hold[0].count + st->hold[1].count +
	   st->suspend_hold[0].count + st->suspend_hold[1].count, st->locks[0] + st->locks[1]);
	eq(c, "suspend_locks", st->suspend_locks, x->susp_locks);
	eq(c, "flushes", st->flushes, x->flushes);
	for (int r = 0; r < PINSCOPE_NR_FLUSH_REASONS; r++) {
		snprintf(what, sizeof(what), "flush_reason[%s]", flush_reason_name(r));
		eq(c, what, st->flush_reason[r], x->flush_reason[r]);
	}
	stats_locks_max(st, &locks_max);
	for (int i = 0; i < PINSCOPE_LIN_SLOTS; i++) {
		snprintf(what, sizeof(what), "flush_entries[%d]", i);
		eq(c, what, st->flush_entries.slots[i], x->flush_entries[i]);
		snprintf(what, sizeof(what), "flush_cbs[%d]", i);
		eq(c, what, st->flush_cbs.slots[i], x->flush_cbs[i]);
		snprintf(what, sizeof(what), "locks_max[%d]", i);
		eq(c, what, locks_max.slots[i], x->locks_max[i]);
		snprintf(what, sizeof(what), "suspend_locks_max[%d]", i);
		eq(c, what, st->suspend_locks_max.slots[i], x->susp_locks_max[i]);
	}
	eq(c, "flush_entries total", slots_total(st->flush_entries.slots, PINSCOPE_LIN_SLOTS),
	   st->flushes);
	eq(c, "flush_cbs total", slots_total(st->flush_cbs.slots, PINSCOPE_LIN_SLOTS),
	   st->flushes);
	eq(c, "locks_max total", slots_total(locks_max.slots, PINSCOPE_LIN_SLOTS),
	   st->ops[0] + st->ops[1]);
	check_hist(c, "flush_ns", &st->flush_ns, x->flush_ns_count, x->flush_ns_sum, NULL,
		   x->flush_ns_slots);
	eq(c, "pte_unlock_cbs (deferred unlocks)", st->pte_unlock_cbs, x->pte_unlock_cbs);
	eq(c, "top processes", rep->nr_top, x->procs < TOP_PROCS ? x->procs : TOP_PROCS);
	/* the model itself: with split locks every PTE page visit takes its lock */
	eq(c, "model: locks taken vs PTE visits", x->locks[0] + x->locks[1],
	   split ? model_nr_pte_visits(c->m) : 0);
	/* every rule the source covers is checked (those that apply) */
	for (int r = 0; r < PINSCOPE_NR_RULES; r++) {
		bool applies = split ? r != PINSCOPE_R_NO_SPLIT_NO_L1_PIN
				     : r != PINSCOPE_R_PTE_LOCK_HELD &&
				       r != PINSCOPE_R_UNLOCK_AFTER_FLUSH &&
				       r != PINSCOPE_R_MM_LOCK_HELD;

		if (model_rule_seen(r, rep->caps) && applies && !st->checked[r])
			bad(c, "checked[%s] = 0 but %s shows it", rule_name(r), src_name(rep->caps));
		if (!model_rule_seen(r, rep->caps) && st->checked[r])
			bad(c, "checked[%s] = %llu but %s cannot show it", rule_name(r),
			    (unsigned long long)st->checked[r], src_name(rep->caps));
		/* the report's coverage column says the same as the model */
		if ((rule_coverage(r, rep->caps) != COV_NONE) != model_rule_seen(r, rep->caps))
			bad(c, "coverage of %s in %s: %s, the model says %s", rule_name(r),
			    src_name(rep->caps), coverage_name(rule_coverage(r, rep->caps)),
			    model_rule_seen(r, rep->caps) ? "seen" : "not seen");
	}
}

/* Can this source see the mutant at all? */
static bool mutant_visible(enum model_mutant mut, __u32 caps)
{
	/* fentry: xen_pte_lock() is inlined, so where the lock is taken inside
	 * xen_(un)pin_page leaves no trace: the event stream is identical to
	 * the correct run's (test_mutant checks that) */
	if ((mut == MUT_LATE_LOCK_PIN || mut == MUT_LATE_LOCK_UNPIN) &&
	    (caps & ~PINSCOPE_CAP_MMLOCK) == PINSCOPE_CAPS_FENTRY)
		return false;
	return model_rule_seen(model_mutant_rule(mut), caps);
}

/* Same events, cpu by cpu, apart from timestamps? */
static void check_same_events(struct ctx *c, const struct model_cfg *cfg)
{
	struct model_cfg clean = *cfg;
	struct pinscope_event *a, *b;
	struct model_expect xa, xb;
	size_t na, nb, ia = 0, ib = 0;
	struct model *m;

	clean.mutant = MUT_NONE;
	clean.seed = seed_override(clean.seed);
	m = model_new(&clean);
	assert_non_null(m);
	assert_int_equal(model_project(c->m, c->caps, &a, &na, &xa), 0);
	assert_int_equal(model_project(m, c->caps, &b, &nb, &xb), 0);
	eq(c, "events vs the correct run", na, nb);
	for (__u32 cpu = 0; cpu < MODEL_MAX_CPUS; cpu++) {
		for (ia = 0, ib = 0;; ia++, ib++) {
			while (ia < na && a[ia].cpu != cpu)
				ia++;
			while (ib < nb && b[ib].cpu != cpu)
				ib++;
			if (ia >= na || ib >= nb) {
				if (ia < na || ib < nb)
					bad(c, "cpu %u: event streams differ in length", cpu);
				break;
			}
			if (a[ia].type != b[ib].type || memcmp(a[ia].arg, b[ib].arg, sizeof(a[ia].arg))) {
				bad(c, "cpu %u: mutant event %zu (type %u) differs from the correct run",
				    cpu, ia, a[ia].type);
				break;
			}
		}
	}
	free(a);
	free(b);
	model_free(m);
}

static void check_mutant(struct ctx *c, const struct report *rep, const struct viol_sink *sink,
			 const struct tcase *t)
{
	enum model_mutant mut = t->cfg.mutant;
	int rule = (c->caps & ~PINSCOPE_CAP_MMLOCK) == PINSCOPE_CAPS_FENTRY && t->fentry_rule >= 0 ?
		   t->fentry_rule :
		   model_mutant_rule(mut);
	__u64 units = model_mutated(c->m), total = 0;
	char what[96];

	if (!units)
		bad(c, "the model mutated nothing: pick another shape");
	if (!mutant_visible(mut, c->caps)) {
		/* not checked in this source: nothing may be flagged */
		for (int r = 0; r < PINSCOPE_NR_RULES; r++) {
			snprintf(what, sizeof(what), "violated[%s] (source cannot see %s)",
				 rule_name(r), model_mutant_name(mut));
			eq(c, what, rep->st.violated[r], 0);
		}
		eq(c, "violation records", rep->nr_viol, 0);
		if (rep->nr_viol)
			print_violations(c, rep);
		if (model_rule_seen(rule, c->caps))
			check_same_events(c, &t->cfg);
		check_lost(c, rep, sink);
		return;
	}
	for (int r = 0; r < PINSCOPE_NR_RULES; r++) {
		snprintf(what, sizeof(what), "violated[%s]%s", rule_name(r),
			 r == rule ? model_rule_per_op(r) ? " (broken ops)" : " (broken pages)" : "");
		eq(c, what, rep->st.violated[r], r == rule ? units : 0);
		total += rep->st.violated[r];
	}
	eq(c, "violation records", rep->nr_viol, total);
	for (__u64 i = 0; rep->viol && i < rep->nr_viol && i < MAX_KEPT_VIOLATIONS; i++) {
		const struct pinscope_violation *v = &rep->viol[i];

		if (reason_rule(v->reason) != (int)v->rule)
			bad(c, "record %llu: reason '%s' is not one of %s's", (unsigned long long)i,
			    reason_text(v->reason), rule_name(v->rule));
		if ((int)v->rule != rule) {
			bad(c, "record %llu: rule %s, expected %s (%s, pfn %#llx)",
			    (unsigned long long)i, rule_name(v->rule), rule_name(rule),
			    reason_text(v->reason), (unsigned long long)v->pfn);
			break;
		}
	}
	/* each record names the broken operation: its cpu, pid and comm */
	for (__u64 i = 0; rep->viol && i < rep->nr_viol && i < MAX_KEPT_VIOLATIONS; i++) {
		const struct pinscope_violation *v = &rep->viol[i];
		char comm[PINSCOPE_COMM_LEN];

		snprintf(comm, sizeof(comm), "model-%u", v->pid % 1000000);
		if (model_broken_op_cpu(c->m, v->pid) != (int)v->cpu ||
		    strncmp(comm, v->comm, sizeof(comm))) {
			bad(c, "record %llu (%s) names cpu %u pid %u comm '%.16s': not a broken op",
			    (unsigned long long)i, rule_name(v->rule), v->cpu, v->pid, v->comm);
			break;
		}
	}
	check_lost(c, rep, sink);
}

static void test_case(void **state)
{
	const struct tcase *t = *state;
	struct model *m = make_model(&t->cfg);
	struct model_expect x;
	struct viol_sink sink;
	struct report rep;
	int errors = 0;

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		struct ctx c = { .m = m, .caps = sources[i] };

		if (t->kind == TK_MUTANT && t->caps != sources[i])
			continue;
		run_checker(m, sources[i], &rep, &x, &sink);
		if (t->kind == TK_CORRECT && i == 0)
			print_message("  %s\n  [%s] events %llu, ops %llu+%llu, locks %llu+%llu, "
				      "flushes %llu (explicit %llu, BATCH %llu, ARGS %llu, "
				      "CALLBACK %llu)\n", model_describe(m), src_name(sources[i]),
				      (unsigned long long)x.nr_events,
				      (unsigned long long)x.ops[0], (unsigned long long)x.ops[1],
				      (unsigned long long)x.locks[0], (unsigned long long)x.locks[1],
				      (unsigned long long)x.flushes,
				      (unsigned long long)x.flush_reason[0],
				      (unsigned long long)x.flush_reason[1],
				      (unsigned long long)x.flush_reason[2],
				      (unsigned long long)x.flush_reason[3]);
		if (t->kind == TK_CORRECT)
			check_correct(&c, &rep, &x, &sink, t->cfg.split);
		else
			check_mutant(&c, &rep, &sink, t);
		free(rep.viol);
		errors += c.errors;
	}
	if (errors && t->note)
		print_error("  note: %s (see /tmp/model-notes.md)\n", t->note);
	model_free(m);
	if (errors)
		fail_msg("%d mismatches; reproduce with MODEL_SEED=%#llx", errors,
			 (unsigned long long)seed_override(t->cfg.seed));
}

/*
 * --lean on the current series (user/engine/loader.c loader_set_lean()):
 * without xen_mc_flush's return (caps without FLUSH_EXIT) and with --lean's
 * code bits, every case is judged as with the return and no --lean: the same
 * checks, violations (each record but the seq of the event that found it,
 * which the returns' events shift), operations not judged and losses
 */
static void test_lean_no_flush_return(void **state)
{
	const struct tcase *t = *state;
	const __u32 full = PINSCOPE_CAPS_TP_FEXIT | PINSCOPE_CAP_OPEND | PINSCOPE_CAP_MMLOCK;
	struct model *m = make_model(&t->cfg);
	struct viol_sink fsink, lsink;
	struct model_expect x;
	struct report f, l;

	run_lean = 0;
	run_checker(m, full, &f, &x, &fsink);
	run_lean = PINSCOPE_LEAN_CODE;
	run_checker(m, full & ~PINSCOPE_CAP_FLUSH_EXIT, &l, &x, &lsink);
	run_lean = 0;
	if (!f.st.flush_ns.count)
		fail_msg("no flush timed with the return: nothing compared (%s)", model_describe(m));
	if (memcmp(f.st.checked, l.st.checked, sizeof(f.st.checked)) ||
	    memcmp(f.st.violated, l.st.violated, sizeof(f.st.violated)) ||
	    memcmp(f.st.unseen, l.st.unseen, sizeof(f.st.unseen)) ||
	    memcmp(&f.st.lost, &l.st.lost, sizeof(f.st.lost)) || f.nr_viol != l.nr_viol ||
	    memcmp(f.st.ops, l.st.ops, sizeof(f.st.ops)))
		fail_msg("--lean without the flush's return judges otherwise: %s",
			 model_describe(m));
	for (__u64 i = 0; i < f.nr_viol && i < MAX_KEPT_VIOLATIONS; i++)
		if (memcmp(&f.viol[i], &l.viol[i], offsetof(struct pinscope_violation, nr_stack)))
			fail_msg("record %llu differs without the flush's return: %s",
				 (unsigned long long)i, model_describe(m));
	free(f.viol);
	free(l.viol);
	model_free(m);
}

/* ---- the cases */

/* CFG(...) sets defaults that the arguments override */
#pragma GCC diagnostic ignored "-Woverride-init"
#define CFG(...) { .ncpus = 1, .nmms = 1, .min_ptes = 1, .max_ptes = 1, .cycles = 1, \
		   .split = true, .noise = true, .mut_pct = 50, __VA_ARGS__ }

static struct tcase correct[] = {
	{ "correct: 1 cpu, 1 mm, 1 PTE page", TK_CORRECT, 0,
	  CFG(.seed = 0x1, .noise = false) },
	{ "correct: 2 cpus, small mms", TK_CORRECT, 0,
	  CFG(.seed = 0x5eed0001, .ncpus = 2, .nmms = 6, .max_ptes = 40, .cycles = 2) },
	{ "correct: 3 cpus, medium mms", TK_CORRECT, 0,
	  CFG(.seed = 0xdecafbad, .ncpus = 3, .nmms = 7, .min_ptes = 10, .max_ptes = 400) },
	{ "correct: 4 cpus, mixed mms, 2 cycles", TK_CORRECT, 0,
	  CFG(.seed = 0xfeedface, .ncpus = 4, .nmms = 10, .max_ptes = 700, .cycles = 2) },
	{ "correct: 1 cpu, no noise", TK_CORRECT, 0,
	  CFG(.seed = 42, .nmms = 4, .max_ptes = 200, .noise = false) },
	{ "correct: big, 4 cpus, 2000 PTE pages", TK_CORRECT, 0,
	  CFG(.seed = 0xb16b00b5, .ncpus = 4, .nmms = 6, .min_ptes = 1500, .max_ptes = 2000,
	      .big_mms = 4) },
	/* a save after the cpus' operations: every mm pinned against init_mm
	 * and unpinned again, its holds and locks per op apart */
	{ "correct: a save (xen_mm_pin_all, xen_mm_unpin_all), 3 cpus", TK_CORRECT, 0,
	  CFG(.seed = 0x5a7e, .ncpus = 3, .nmms = 6, .max_ptes = 300, .suspend = true) },
	{ "correct: split locks off, 3 cpus", TK_CORRECT, 0,
	  CFG(.seed = 0x0ff, .ncpus = 3, .nmms = 6, .max_ptes = 2000, .big_mms = 1,
	      .split = false) },
	{ "correct: split locks off, 1 cpu, 1 PTE page", TK_CORRECT, 0,
	  CFG(.seed = 0x0ff1, .split = false) },
	{ "correct: equal timestamps on a cpu (as in real traces), 2 cpus", TK_CORRECT, 0,
	  CFG(.seed = 0x7135, .ncpus = 2, .nmms = 6, .max_ptes = 500, .ties = true) },
	/* the edge of locks-bounded: no flush inside the op, exactly MC_BATCH
	 * locks held at once is still correct (MC_BATCH + 1 is the mutant below) */
	{ "correct: exactly MC_BATCH locks held (early flushes suppressed)", TK_CORRECT, 0,
	  CFG(.seed = 0x3232, .ncpus = 2, .nmms = 3, .min_ptes = MODEL_MC_BATCH,
	      .max_ptes = MODEL_MC_BATCH, .mutant = MUT_LOCKS_PILE, .mut_pct = 100) },
};

/* Per mutant: a shape that exercises it; the test runs it in every source */
struct mutant_case {
	const char *name;
	struct model_cfg cfg;
	const char *note;
	int fentry_rule;	/* see struct tcase; 0 = none, else rule + 1 */
};

static const struct mutant_case mutant_cases[] = {
	{ "pgd-first (pre-patch walk order)",
	  CFG(.seed = 0x9d01, .mutant = MUT_PGD_FIRST, .ncpus = 2, .nmms = 5, .max_ptes = 300) },
	{ "late-lock on pin (RO update + PIN_L1 before the lock)",
	  CFG(.seed = 0x1a7e, .mutant = MUT_LATE_LOCK_PIN, .ncpus = 2, .nmms = 4, .max_ptes = 300) },
	{ "late-lock on unpin (UNPIN before the lock)",
	  CFG(.seed = 0x1a7f, .mutant = MUT_LATE_LOCK_UNPIN, .ncpus = 2, .nmms = 4, .max_ptes = 300) },
	{ "early unlock on pin (no deferred unlock)",
	  CFG(.seed = 0xea71, .mutant = MUT_EARLY_UNLOCK, .where = MW_PLAIN, .ncpus = 3, .nmms = 4,
	      .max_ptes = 300) },
	{ "early unlock on pin, a flush between the RO update and PIN_L1",
	  CFG(.seed = 0xea72, .mutant = MUT_EARLY_UNLOCK, .where = MW_AT_FLUSH, .ncpus = 2,
	      .nmms = 4, .min_ptes = 200, .max_ptes = 600, .mut_pct = 100),
	  "regression (fixed in 47ec4f5): tracepoints: a PIN_L1 queued after a flush must renew "
	  "the lock's batch generation" },
	{ "early unlock on unpin (no deferred unlock)",
	  CFG(.seed = 0xea73, .mutant = MUT_EARLY_UNLOCK_UNPIN, .ncpus = 2, .nmms = 4,
	      .max_ptes = 300) },
	{ "no split locks, PTE page pinned on its own",
	  CFG(.seed = 0x5011, .mutant = MUT_NOSPLIT_L1_PIN, .split = false, .ncpus = 2, .nmms = 4,
	      .max_ptes = 300) },
	{ "no split locks, PTE page unpinned on its own",
	  CFG(.seed = 0x5012, .mutant = MUT_NOSPLIT_UNPIN, .split = false, .ncpus = 2, .nmms = 4,
	      .max_ptes = 300) },
	{ "locks piling past a batch (early flushes suppressed)",
	  CFG(.seed = 0x9113, .mutant = MUT_LOCKS_PILE, .ncpus = 2, .nmms = 5, .min_ptes = 33,
	      .max_ptes = 60) },
	{ "locks piling to exactly MC_BATCH + 1",
	  CFG(.seed = 0x3233, .mutant = MUT_LOCKS_PILE, .ncpus = 2, .nmms = 3,
	      .min_ptes = MODEL_MC_BATCH + 1, .max_ptes = MODEL_MC_BATCH + 1, .mut_pct = 100) },
	{ "PIN_L4 queued inside the walk",
	  CFG(.seed = 0x14e1, .mutant = MUT_L4_EARLY, .ncpus = 2, .nmms = 5, .max_ptes = 300) },
	{ "unpin: UNPINs and user pgd after the walk",
	  CFG(.seed = 0x14e2, .mutant = MUT_UNPIN_LATE, .ncpus = 2, .nmms = 5, .max_ptes = 300) },
	{ "unpin: only the pgd's UNPIN after the walk",
	  CFG(.seed = 0x14e3, .mutant = MUT_UNPIN_KPGD_LATE, .ncpus = 2, .nmms = 5, .max_ptes = 300),
	  "regression (fixed in 47ec4f5): the user pgd's UNPIN was taken for the pgd's: "
	  "pgd-last flagged, l4-after-walk missed" },
	/* without split locks the walk queues no UNPIN of its own: only the
	 * pre-walk branch of on_do_pin() tells the late pgd UNPIN apart */
	{ "unpin: only the pgd's UNPIN after the walk, no split locks",
	  CFG(.seed = 0x14e4, .mutant = MUT_UNPIN_KPGD_LATE, .split = false, .ncpus = 2, .nmms = 5,
	      .max_ptes = 300) },
	{ "lock never released (last PTE page of the op)",
	  CFG(.seed = 0x1eac, .mutant = MUT_LOCK_LEAK, .where = MW_LAST, .ncpus = 2, .nmms = 4,
	      .max_ptes = 300),
	  "regression (fixed in 47ec4f5): tracepoints named the next event's process; fentry "
	  "took the leak for no-split-no-l1-pin" },
	{ "lock never released (2nd PTE page of a 2000-page op)",
	  CFG(.seed = 0x1ead, .mutant = MUT_LOCK_LEAK, .where = MW_SECOND, .ncpus = 1, .nmms = 1,
	      .min_ptes = 2000, .max_ptes = 2000, .mut_pct = 100),
	  "regression (fixed in 47ec4f5): tracepoints: the held FIFO counted released locks "
	  "behind a leaked one (false locks-bounded, held_full, pte-lock-held cascade)" },
	{ "lock never released (1st PTE page of the trace, 2000-page op)",
	  CFG(.seed = 0x1eae, .mutant = MUT_LOCK_LEAK, .where = MW_FIRST, .ncpus = 1, .nmms = 1,
	      .min_ptes = 2000, .max_ptes = 2000, .mut_pct = 100),
	  "regression: fentry must wait for the operation's other PTE pages (deferred unlocks "
	  "prove split locks) before naming a page pinned without one" },
	/* upstream 6d002348789b (2025): mm-lock-held alone, once per split lock
	 * of xen_mm_pin_all()'s pins; not seen where the mm lock is not recorded */
	{ "xen_mm_pin_all() without init_mm.page_table_lock (pre-2025)",
	  CFG(.seed = 0x6d00, .mutant = MUT_PIN_ALL_UNLOCKED, .suspend = true, .ncpus = 2,
	      .nmms = 4, .max_ptes = 300) },
};

#define NR_MUTANT_CASES (sizeof(mutant_cases) / sizeof(mutant_cases[0]))
#define NR_SOURCES (sizeof(sources) / sizeof(sources[0]))

static struct tcase mutant_tests[NR_MUTANT_CASES * NR_SOURCES];
static char mutant_names[NR_MUTANT_CASES * NR_SOURCES][160];

int main(void)
{
	struct CMUnitTest tests[2 * (sizeof(correct) / sizeof(correct[0])) +
				NR_MUTANT_CASES * (NR_SOURCES + 1)];
	static char lean_names[sizeof(correct) / sizeof(correct[0]) + NR_MUTANT_CASES][160];
	static struct tcase lean_mutants[NR_MUTANT_CASES];
	size_t n = 0;
	struct timespec t0, t1;
	int failed;

	for (size_t i = 0; i < sizeof(correct) / sizeof(correct[0]); i++)
		tests[n++] = (struct CMUnitTest){ .name = correct[i].name, .test_func = test_case,
						  .initial_state = &correct[i] };
	for (size_t i = 0; i < NR_MUTANT_CASES; i++) {
		for (size_t s = 0; s < NR_SOURCES; s++) {
			size_t k = i * NR_SOURCES + s;
			struct tcase *t = &mutant_tests[k];
			bool vis = mutant_visible(mutant_cases[i].cfg.mutant, sources[s]);

			snprintf(mutant_names[k], sizeof(mutant_names[k]), "mutant %s [%s]: %s",
				 mutant_cases[i].name, src_name(sources[s]),
				 vis ? model_mutant_rule(mutant_cases[i].cfg.mutant) >= 0 ?
				       rule_name(model_mutant_rule(mutant_cases[i].cfg.mutant)) : "?"
				     : "not seen, nothing flagged");
			t->name = mutant_names[k];
			t->kind = TK_MUTANT;
			t->caps = sources[s];
			t->cfg = mutant_cases[i].cfg;
			t->note = mutant_cases[i].note;
			t->fentry_rule = mutant_cases[i].fentry_rule - 1;
			tests[n++] = (struct CMUnitTest){ .name = t->name, .test_func = test_case,
							  .initial_state = t };
		}
	}
	/* --lean without the flush's return: every case, judged as with it */
	for (size_t i = 0; i < sizeof(correct) / sizeof(correct[0]) + NR_MUTANT_CASES; i++) {
		const struct tcase *t = &correct[i];

		if (i >= sizeof(correct) / sizeof(correct[0])) {
			t = &lean_mutants[i - sizeof(correct) / sizeof(correct[0])];
			lean_mutants[t - lean_mutants] = (struct tcase){
				.kind = TK_MUTANT, .cfg = mutant_cases[t - lean_mutants].cfg,
				.name = mutant_cases[t - lean_mutants].name };
		}
		snprintf(lean_names[i], sizeof(lean_names[i]), "lean, no flush return: %s",
			 t->name);
		tests[n++] = (struct CMUnitTest){ .name = lean_names[i],
						  .test_func = test_lean_no_flush_return,
						  .initial_state = (void *)t };
	}
	if (getenv("MODEL_FILTER"))	/* e.g. MODEL_FILTER='correct*' */
		cmocka_set_test_filter(getenv("MODEL_FILTER"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (n != sizeof(tests) / sizeof(tests[0]))
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "test_model: %.1f s\n",
		(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return failed;
}
