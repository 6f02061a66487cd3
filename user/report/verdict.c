// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "report/coverage.h"
#include "report/names.h"
#include "report/verdict.h"

#define ULL(v) ((unsigned long long)(v))

void judged_compute(const struct report *rep, struct judged *j)
{
	const struct pinscope_stats *st = &rep->st;
	const struct pinscope_lost *l = &st->lost;

	*j = (struct judged){};
	j->started = st->ops[0] + st->ops[1];
	j->cut_edges = l->ops_cut + rep->ops_running;	/* live: cut by the end of tracing */
	j->cut_gaps = l->ops_gap;
	j->operations_cut = j->cut_edges + j->cut_gaps;
	j->operations = j->started > j->operations_cut ? j->started - j->operations_cut : 0;
	for (int r = 0; r < PINSCOPE_NR_RULES; r++) {
		/* a rule whose steps were never seen is not checked, whatever
		 * the source could see in principle */
		if (!st->checked[r] && st->unseen[r]) {
			j->rules_not_visible++;
			j->rules_unseen++;
			continue;
		}
		if (st->unseen[r])
			j->rules_part++;
		if (rule_coverage(r, rep->caps) == COV_NONE)
			j->rules_not_visible++;
		else if (!st->checked[r] && !st->violated[r])
			j->rules_unexercised++;	/* nothing to judge: not "checked" */
		else if (rule_coverage(r, rep->caps) == COV_EXACT)
			j->rules_exact++;
		else
			j->rules_approx++;
	}
	/* what can hide a violation or an operation: not procs_full (the top
	 * list only) nor unmatched unlocks (locks taken before the start) */
	j->input_lost = l->input_gaps || l->input_events || l->ops_gap || l->ringbuf ||
			l->bad_cpu || l->held_full;
}

static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static const struct { const char *name; __u32 bit; } require_names[] = {
	{ "visible", REQUIRE_VISIBLE },
	{ "exact", REQUIRE_EXACT },
	{ "no-loss", REQUIRE_NO_LOSS },
};

int verdict_require_parse(const char *list)
{
	const char *w = list, *end;
	int bits = 0;
	size_t n, i;

	do {
		end = strchr(w, ',');
		n = end ? (size_t)(end - w) : strlen(w);
		for (i = 0; i < sizeof(require_names) / sizeof(require_names[0]); i++)
			if (strlen(require_names[i].name) == n && !strncmp(w, require_names[i].name, n))
				break;
		if (i == sizeof(require_names) / sizeof(require_names[0]))
			return -1;
		bits |= require_names[i].bit;
		w = end + 1;
	} while (end);
	return bits;
}

bool verdict_require_unmet(const struct report *rep, const struct judged *j, char *buf,
			   size_t len)
{
	int cov_approx = 0;
	size_t at = 0;

	buf[0] = 0;
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		cov_approx += rule_coverage(r, rep->caps) == COV_APPROX;
	if ((rep->require & (REQUIRE_VISIBLE | REQUIRE_EXACT)) && j->rules_not_visible)
		put(buf, len, &at, "%s%d rule%s not visible", at ? ", " : "",
		    j->rules_not_visible, j->rules_not_visible == 1 ? "" : "s");
	if ((rep->require & REQUIRE_EXACT) && (cov_approx || j->rules_part))
		put(buf, len, &at, "%s%d rule%s approximate, %d not seen on some operations",
		    at ? ", " : "", cov_approx, cov_approx == 1 ? "" : "s", j->rules_part);
	if ((rep->require & REQUIRE_NO_LOSS) && j->input_lost)
		put(buf, len, &at, "%sinput lost", at ? ", " : "");
	return at > 0;
}

enum verdict verdict_of(const struct report *rep, const struct judged *j)
{
	char unmet[8];

	if (total_violations(&rep->st))
		return VERDICT_VIOLATED;
	if (rep->require && verdict_require_unmet(rep, j, unmet, sizeof(unmet)))
		return VERDICT_INCONCLUSIVE;
	return j->operations ? VERDICT_CLEAN : VERDICT_INCONCLUSIVE;
}

const char *verdict_name(enum verdict v)
{
	return v == VERDICT_CLEAN ? "clean" : v == VERDICT_VIOLATED ? "violated" : "inconclusive";
}

int verdict_exit_code(enum verdict v)
{
	return v == VERDICT_CLEAN ? PINSCOPE_EXIT_OK : v == VERDICT_VIOLATED ?
	       PINSCOPE_EXIT_VIOLATION : PINSCOPE_EXIT_INCONCLUSIVE;
}

/* snprintf that appends and never overruns */
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += n;
}

static void put_lost(const struct report *rep, char *buf, size_t len, size_t *at)
{
	const struct pinscope_lost *l = &rep->st.lost;
	const char *sep = "";

	put(buf, len, at, "; input lost: ");
	if (l->input_gaps || l->input_events) {
		put(buf, len, at, "%llu gap%s in the input (", ULL(l->input_gaps),
		    l->input_gaps == 1 ? "" : "s");
		if (l->input_events)
			put(buf, len, at, "%llu event%s lost)", ULL(l->input_events),
			    l->input_events == 1 ? "" : "s");
		else
			put(buf, len, at, "events lost, number unknown)");
		sep = ", ";
	}
	if (l->ringbuf) {
		put(buf, len, at, "%s%llu violation records lost (ring buffer full: raise "
		    "--ringbuf-size)", sep, ULL(l->ringbuf));
		sep = ", ";
	}
	if (l->bad_cpu) {
		put(buf, len, at, "%s%llu events of cpus beyond the per-cpu table", sep,
		    ULL(l->bad_cpu));
		sep = ", ";
	}
	if (l->held_full) {
		put(buf, len, at, "%s%llu split locks not tracked (held-lock table full)", sep,
		    ULL(l->held_full));
		sep = ", ";
	}
	if (!*sep)	/* only ops_gap: the checker cut operations for lost input */
		put(buf, len, at, "operations cut by gaps");
}

/* Rules not judged on some operations: which, on how many (docs/verdict.md) */
static void put_unseen(const struct report *rep, char *buf, size_t len, size_t *at)
{
	const struct pinscope_stats *st = &rep->st;
	const char *sep = "";

	put(buf, len, at, "; not seen, not judged:");
	for (int r = 0; r < PINSCOPE_NR_RULES; r++) {
		if (!st->unseen[r])
			continue;
		put(buf, len, at, "%s %s on %llu operation%s", sep, rule_name(r), ULL(st->unseen[r]),
		    st->unseen[r] == 1 ? "" : "s");
		sep = ",";
	}
	if (rep->hook_problems && rep->hook_problems[0])
		put(buf, len, at, " (%s)", rep->hook_problems);
}

/*
 * What exit 0 does not promise (docs/verdict.md): the rules not visible or not
 * exercised, the input lost; --require turns the first and the last into exit 4
 */
static void put_promise(const struct judged *j, char *buf, size_t len, size_t *at)
{
	const char *sep = "";

	if (!j->rules_not_visible && !j->rules_unexercised && !j->input_lost)
		return;
	put(buf, len, at, "; exit 0 covers only the rules checked: not ");
	if (j->rules_not_visible) {
		put(buf, len, at, "the %d not visible", j->rules_not_visible);
		sep = ", not ";
	}
	if (j->rules_unexercised) {
		put(buf, len, at, "%sthe %d not exercised", sep, j->rules_unexercised);
		sep = ", not ";
	}
	if (j->input_lost)
		put(buf, len, at, "%swhat the lost input held", sep);
	if (j->rules_not_visible || j->input_lost)
		put(buf, len, at, " (--require %s%s%s: exit 4 instead)",
		    j->rules_not_visible ? "visible" : "",
		    j->rules_not_visible && j->input_lost ? "," : "", j->input_lost ? "no-loss" : "");
}

/* Covered rules with nothing to judge (0 checks): named, not counted as checked */
static void put_unexercised(const struct report *rep, char *buf, size_t len, size_t *at, int n)
{
	const char *sep = ": ";

	put(buf, len, at, ", %d not exercised", n);
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		if (rule_coverage(r, rep->caps) != COV_NONE && !rep->st.checked[r] &&
		    !rep->st.violated[r] && !rep->st.unseen[r]) {
			put(buf, len, at, "%s%s", sep, rule_name(r));
			sep = ", ";
		}
	put(buf, len, at, " (0 checks)");
}

void verdict_line(const struct report *rep, char *buf, size_t len)
{
	static const char *const word[] = { "clean", "VIOLATED", "inconclusive" };
	char unmet[160];
	struct judged j;
	enum verdict v;
	size_t at = 0;
	__u64 nv = total_violations(&rep->st);

	judged_compute(rep, &j);
	v = verdict_of(rep, &j);
	buf[0] = 0;
	put(buf, len, &at, "%s: ", word[v]);
	if (v != VERDICT_VIOLATED && rep->require &&
	    verdict_require_unmet(rep, &j, unmet, sizeof(unmet)))
		put(buf, len, &at, "--require not met (%s); ", unmet);
	if (v == VERDICT_VIOLATED)
		put(buf, len, &at, "%llu violation%s; ", ULL(nv), nv == 1 ? "" : "s");
	if (j.operations)
		put(buf, len, &at, "%llu operation%s judged", ULL(j.operations),
		    j.operations == 1 ? "" : "s");
	else
		put(buf, len, &at, "no pin/unpin operation judged");
	if (rep->is_replay && rep->replay.pid && !rep->replay.pid_events)
		put(buf, len, &at, " (pid %u of -p has no event in the trace)", rep->replay.pid);
	if (j.operations_cut) {
		put(buf, len, &at, " (");
		if (j.cut_edges)
			put(buf, len, &at, "%llu cut at the edges%s", ULL(j.cut_edges),
			    j.cut_gaps ? ", " : "");
		if (j.cut_gaps)
			put(buf, len, &at, "%llu cut by lost input", ULL(j.cut_gaps));
		put(buf, len, &at, ")");
	}
	put(buf, len, &at, "; %d of %d rules checked (%d exact, %d approximate)",
	    j.rules_exact + j.rules_approx, PINSCOPE_NR_RULES, j.rules_exact, j.rules_approx);
	if (j.rules_not_visible) {
		if (rep->is_replay)
			put(buf, len, &at, ", %d not visible in %s events", j.rules_not_visible,
			    rep->source ? rep->source : "these");
		else
			put(buf, len, &at, ", %d not visible in %s mode", j.rules_not_visible,
			    rep->mode);
	}
	if (j.rules_unexercised)
		put_unexercised(rep, buf, len, &at, j.rules_unexercised);
	if (j.rules_unseen || j.rules_part)
		put_unseen(rep, buf, len, &at);
	if (j.input_lost)
		put_lost(rep, buf, len, &at);
	else
		put(buf, len, &at, "; no input lost");
	if (rep->st.lost.clock_back)
		put(buf, len, &at, "; %llu intervals ran backwards (clock anomaly: not timed)",
		    ULL(rep->st.lost.clock_back));
	if (v == VERDICT_CLEAN)
		put_promise(&j, buf, len, &at);
}
