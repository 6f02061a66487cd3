// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --json: the stable interface of docs/json.md, built with json-c */
#include <errno.h>
#include <string.h>
#include <json-c/json.h>
#include "report/coverage.h"
#include "report/visibility.h"
#include "report/names.h"
#include "report/report.h"
#include "report/verdict.h"
#include "report/summary.h"
#include "report/units.h"

#define U64(v) json_object_new_uint64((uint64_t)(v))

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

/* The log2 view, derived from the fine slots: [2^i, 2^(i+1) - 1] ns */
static json_object *log2_buckets(const struct pinscope_hist *h)
{
	json_object *a = json_object_new_array();
	__u64 l2[HIST_LOG2_SLOTS];

	hist_log2(h, l2);
	for (int i = 0; i < HIST_LOG2_SLOTS; i++) {
		json_object *b;

		if (!l2[i])
			continue;
		b = json_object_new_object();
		add(b, "from_ns", U64(i ? 1ULL << i : 0));
		add(b, "to_ns", U64((2ULL << i) - 1));
		add(b, "count", U64(l2[i]));
		json_object_array_add(a, b);
	}
	return a;
}

/* The log-linear slots themselves: [from_ns, to_ns] inclusive, non-empty only */
static json_object *fine_buckets(const struct pinscope_hist *h)
{
	json_object *a = json_object_new_array();

	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		json_object *b;

		if (!h->slots[i])
			continue;
		b = json_object_new_object();
		add(b, "from_ns", U64(hist_slot_lo(i)));
		add(b, "to_ns", U64(i == PINSCOPE_HIST_SLOTS - 1 && h->max >= hist_slot_hi(i) ?
				    h->max : hist_slot_hi(i) - 1));
		add(b, "count", U64(h->slots[i]));
		json_object_array_add(a, b);
	}
	return a;
}

/* {"<value>": count} for the non-empty linear buckets; the last is ">= n-1" */
static json_object *lin_buckets(const struct pinscope_lin_hist *h)
{
	json_object *o = json_object_new_object();
	char k[16];

	for (int i = 0; i < PINSCOPE_LIN_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		snprintf(k, sizeof(k), "%d", i);
		add(o, k, U64(h->slots[i]));
	}
	return o;
}

static json_object *hist(const struct report *rep, const struct pinscope_hist *h)
{
	json_object *o = json_object_new_object();
	__u64 res = report_clock_res(rep);

	add(o, "count", U64(h->count));
	add(o, "sum_ns", U64(h->sum));
	add(o, "max_ns", U64(h->max));
	add(o, "p50_ns", U64(report_percentile(rep, h, 50)));
	add(o, "p90_ns", U64(report_percentile(rep, h, 90)));
	add(o, "p99_ns", U64(report_percentile(rep, h, 99)));
	add(o, "resolution_ns", U64(res));
	add(o, "below_resolution", U64(res > 1 ? hist_below_res(h, res) : 0));
	add(o, "buckets", log2_buckets(h));
	add(o, "fine_buckets", fine_buckets(h));
	return o;
}

static json_object *invariants(const struct report *rep)
{
	json_object *o = json_object_new_object();

	for (int r = 0; r < PINSCOPE_NR_RULES; r++) {
		json_object *i = json_object_new_object();

		add(i, "checked", U64(rep->st.checked[r]));
		add(i, "violated", U64(rep->st.violated[r]));
		add(i, "unseen", U64(rep->st.unseen[r]));
		add(i, "coverage", json_object_new_string(coverage_name(rule_coverage(r, rep->caps))));
		add(o, rule_name(r), i);
	}
	return o;
}

/* Live: what the probe at attach showed (report/visibility.h, docs/json.md) */
static json_object *visibility_json(const struct report *rep)
{
	const struct visibility *v = rep->vis;
	json_object *o = json_object_new_object(), *r = json_object_new_object();

	add(o, "proven", json_object_new_boolean(v->ran));
	if (!v->ran) {
		add(o, "why_not", json_object_new_string(v->why_not ? v->why_not : ""));
		return o;
	}
	add(o, "pins", U64(v->ops[0]));
	add(o, "unpins", U64(v->ops[1]));
	add(o, "pgd_pages", U64(v->pgd_pages));
	add(o, "violations", U64(v->violations));
	for (int i = 0; i < PINSCOPE_NR_RULES; i++)
		add(r, rule_name(i), json_object_new_string(vis_state_name(v->rule[i])));
	add(o, "rules", r);
	if (rep->hook_problems && rep->hook_problems[0])
		add(o, "compiler", json_object_new_string(rep->hook_problems));
	return o;
}

static json_object *violations(const struct report *rep)
{
	json_object *a = json_object_new_array();
	__u64 n = rep->nr_viol < MAX_KEPT_VIOLATIONS ? rep->nr_viol : MAX_KEPT_VIOLATIONS;

	for (__u64 i = 0; rep->viol && i < n; i++) {
		json_object *v = violation_json(&rep->viol[i]);

		if (rep->viol_at)	/* replay: where it is in the input */
			viol_where_json(v, &rep->viol_at[i]);
		json_object_array_add(a, v);
	}
	return a;
}

static json_object *flushes(const struct report *rep)
{
	const struct pinscope_stats *st = &rep->st;
	json_object *o = json_object_new_object(), *r = json_object_new_object();

	add(o, "count", U64(st->flushes));
	for (int i = 0; i < PINSCOPE_NR_FLUSH_REASONS; i++)
		add(r, flush_reason_name(i), U64(st->flush_reason[i]));
	add(o, "reasons", r);
	add(o, "entries", lin_buckets(&st->flush_entries));
	add(o, "callbacks", lin_buckets(&st->flush_cbs));
	if (rep->caps & PINSCOPE_CAP_FLUSH_EXIT)
		add(o, "latency", hist(rep, &st->flush_ns));
	return o;
}

/* ordinary pins/unpins and the suspend path's (against init_mm) */
static json_object *by_path(const struct pinscope_stats *st)
{
	json_object *o = json_object_new_object();

	for (int sp = 0; sp < PINSCOPE_NR_PATHS; sp++) {
		json_object *p = json_object_new_object();

		for (int k = 0; k < 2; k++)
			add(p, k ? "unpins" : "pins", U64(stats_ops_path(st, sp, k)));
		add(p, "locks_taken", U64(stats_locks_path(st, sp)));
		add(p, "locks_held_max", lin_buckets(stats_locks_max_path(st, sp)));
		add(o, path_name(sp), p);
	}
	return o;
}

/* The split-lock holds: every path's together, then each path's own */
static json_object *holds(const struct report *rep)
{
	json_object *o = json_object_new_object(), *paths = json_object_new_object();
	struct pinscope_hist all;

	for (int k = 0; k < 2; k++) {
		stats_hold(&rep->st, k, &all);
		add(o, k ? "unpin" : "pin", hist(rep, &all));
	}
	for (int sp = 0; sp < PINSCOPE_NR_PATHS; sp++) {
		json_object *p = json_object_new_object();

		for (int k = 0; k < 2; k++)
			add(p, k ? "unpin" : "pin", hist(rep, stats_hold_path(&rep->st, sp, k)));
		/* false: counted, not timed (stats_path_untimed()) */
		add(p, "timed", json_object_new_boolean(!stats_path_untimed(&rep->st, sp,
									     rep->is_replay)));
		add(paths, path_name(sp), p);
	}
	add(o, "by_path", paths);
	return o;
}

static json_object *ops(const struct report *rep)
{
	const struct pinscope_stats *st = &rep->st;
	json_object *o = json_object_new_object(), *pages = json_object_new_object();
	json_object *locks = json_object_new_object(), *top = json_object_new_array();
	struct pinscope_lin_hist locks_max;

	add(o, "pins", U64(st->ops[0]));
	add(o, "unpins", U64(st->ops[1]));
	add(o, "by_path", by_path(st));
	add(o, "running", U64(rep->ops_running));
	add(o, "pin_time", hist(rep, &st->op_ns[0]));
	add(o, "unpin_time", hist(rep, &st->op_ns[1]));
	for (int k = 0; k < 2; k++) {
		json_object *p = json_object_new_object();

		for (int l = 0; l < PINSCOPE_NR_LEVELS; l++)
			add(p, level_name(l), U64(st->pages[k][l]));
		add(pages, k ? "unpin" : "pin", p);
	}
	add(o, "pages", pages);
	add(locks, "pin", U64(st->locks[0]));
	add(locks, "unpin", U64(st->locks[1]));
	add(o, "locks_taken", locks);
	add(o, "deferred_unlocks", U64(st->pte_unlock_cbs));
	stats_locks_max(st, &locks_max);
	add(o, "locks_held_max", lin_buckets(&locks_max));
	for (int i = 0; i < rep->nr_top; i++) {
		json_object *t = json_object_new_object();
		char comm[COMM_SAFE_LEN];

		comm_safe(comm, rep->top[i].p.comm);
		add(t, "pid", U64(rep->top[i].pid));
		add(t, "comm", json_object_new_string(comm));
		add(t, "pins", U64(rep->top[i].p.ops[0]));
		add(t, "unpins", U64(rep->top[i].p.ops[1]));
		json_object_array_add(top, t);
	}
	add(o, "top", top);
	return o;
}

/* What --lean left out (enum pinscope_lean), by name; empty when nothing */
static json_object *not_recorded(const struct report *rep)
{
	json_object *a = json_object_new_array();

	for (__u32 i = 0; a && lean_name(i); i++)
		if (rep->lean & (1U << i))
			json_object_array_add(a, json_object_new_string(lean_name(i)));
	return a;
}

static json_object *lost(const struct report *rep)
{
	const __u64 *l = (const __u64 *)&rep->st.lost;	/* lost_name() names each field */
	json_object *o = json_object_new_object();

	for (int i = 0; i < PINSCOPE_NR_LOST; i++)
		add(o, lost_name(i), U64(l[i]));
	add(o, "violations_not_listed",
	    U64(rep->nr_viol > MAX_KEPT_VIOLATIONS ? rep->nr_viol - MAX_KEPT_VIOLATIONS : 0));
	add(o, "lines_skipped", U64(rep->replay.skipped));
	add(o, "xen_events_unused", U64(rep->replay.xen_unused));
	return o;
}

/* Live: the saves and restores seen (report/stats.h struct restores) */
static json_object *restores(const struct restores *r)
{
	json_object *o = json_object_new_object();

	add(o, "seen", U64(r->seen));
	add(o, "suspended_ns", U64(r->suspended_ns));
	add(o, "suspended_max_ns", U64(r->suspended_max_ns));
	add(o, "monotonic_step_max_ns", U64(r->mono_step_max_ns));
	add(o, "realtime_step_max_ns", U64(r->wall_step_max_ns));
	add(o, "cpus_renumbered", U64(r->cpus_renumbered));
	add(o, "cpus_gone", U64(r->cpus_gone));
	add(o, "cpus_unread", U64(r->cpus_unread));
	return o;
}

/* What the verdict rests on (docs/verdict.md) */
static json_object *judged(const struct judged *j)
{
	json_object *o = json_object_new_object();

	add(o, "operations", U64(j->operations));
	add(o, "operations_cut", U64(j->operations_cut));
	add(o, "rules_exact", json_object_new_int(j->rules_exact));
	add(o, "rules_approx", json_object_new_int(j->rules_approx));
	add(o, "rules_not_visible", json_object_new_int(j->rules_not_visible));
	add(o, "rules_not_exercised", json_object_new_int(j->rules_unexercised));
	add(o, "input_lost", json_object_new_boolean(j->input_lost));
	return o;
}

/* --require: what was asked, whether the report meets it (docs/verdict.md) */
static json_object *required(const struct report *rep, const struct judged *j)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char unmet[160];
	bool no = verdict_require_unmet(rep, j, unmet, sizeof(unmet));

	if (rep->require & REQUIRE_VISIBLE)
		json_object_array_add(a, json_object_new_string("visible"));
	if (rep->require & REQUIRE_EXACT)
		json_object_array_add(a, json_object_new_string("exact"));
	if (rep->require & REQUIRE_NO_LOSS)
		json_object_array_add(a, json_object_new_string("no-loss"));
	add(o, "asked", a);
	add(o, "met", json_object_new_boolean(!no));
	add(o, "unmet", no ? json_object_new_string(unmet) : NULL);
	return o;
}

json_object *report_json_obj(const struct report *rep, int exit_code)
{
	json_object *root = json_object_new_object();
	struct judged j;

	if (!root)
		return NULL;
	judged_compute(rep, &j);
	add(root, "version", U64(1));
	add(root, "verdict", json_object_new_string(verdict_name(verdict_of(rep, &j))));
	add(root, "judged", judged(&j));
	if (rep->require)
		add(root, "require", required(rep, &j));
	add(root, "mode", json_object_new_string(rep->mode));
	if (rep->source)
		add(root, "source", json_object_new_string(rep->source));
	add(root, "duration_ns", U64(rep->duration_ns));
	add(root, "hold_meaning", json_object_new_string(hold_meaning(rep->caps)));
	add(root, "not_recorded", not_recorded(rep));
	add(root, "invariants", invariants(rep));
	if (rep->vis)
		add(root, "visibility", visibility_json(rep));
	add(root, "violations", violations(rep));
	add(root, "violations_total", U64(total_violations(&rep->st)));
	add(root, "violation_summary", summary_json(rep));
	add(root, "holds", holds(rep));
	add(root, "flushes", flushes(rep));
	add(root, "ops", ops(rep));
	add(root, "lost", lost(rep));
	if (rep->restores.watched)
		add(root, "restores", restores(&rep->restores));
	if (rep->is_replay) {
		json_object *r = json_object_new_object();

		add(r, "file", json_object_new_string(rep->input ?: "-"));
		add(r, "lines", U64(rep->replay.lines));
		add(r, "events", U64(rep->replay.events));
		add(r, "headers", U64(rep->replay.headers));
		add(r, "format", json_object_new_string(rep->replay.format ?: "text"));
		add(r, "codec", json_object_new_string(rep->replay.codec ?: "plain"));
		add(r, "first_ts_ns", U64(rep->replay.first_ts));
		add(r, "last_ts_ns", U64(rep->replay.last_ts));
		add(r, "clock_back", U64(rep->replay.clock_back));
		add(r, "pid", U64(rep->replay.pid));
		add(r, "pid_events", U64(rep->replay.pid_events));
		add(r, "interrupted", json_object_new_boolean(rep->replay.interrupted));
		add(r, "interrupted_at", U64(rep->replay.interrupted_at));
		add(root, "replay", r);
		if (rep->replay.interrupted) {
			char buf[64];

			snprintf(buf, sizeof(buf), "interrupted at %s %llu",
				 rep->replay.format && !strcmp(rep->replay.format, "trace.dat") ?
				 "record" : "line", (unsigned long long)rep->replay.interrupted_at);
			add(root, "partial", json_object_new_string(buf));
		}
	}
	add(root, "events", U64(rep->st.events));
	add(root, "exit_code", json_object_new_int(exit_code));
	return root;
}

int report_json(FILE *f, const struct report *rep, int exit_code)
{
	json_object *root = report_json_obj(rep, exit_code);
	const char *s;

	if (!root)
		return -ENOMEM;
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	fprintf(f, "%s\n", s);
	json_object_put(root);
	return 0;
}
