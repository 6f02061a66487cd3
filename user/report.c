// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include <time.h>
#include "coverage.h"
#include "names.h"
#include "report.h"

static void star_hist(FILE *f, const char *unit, const __u64 *slots, int n, bool log2)
{
	int first = -1, last = -1, width = 40;
	__u64 max = 0;

	for (int i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (slots[i] > max)
			max = slots[i];
	}
	if (first < 0) {
		fprintf(f, "     (no samples)\n");
		return;
	}
	fprintf(f, "     %-19s : count     distribution\n", unit);
	for (int i = first; i <= last; i++) {
		if (!log2 && !slots[i])
			continue;	/* linear: only the values seen */
		unsigned long long lo = log2 ? (i ? 1ULL << i : 0) : (unsigned long long)i;
		unsigned long long hi = log2 ? (2ULL << i) - 1 : (unsigned long long)i;
		int stars = (int)(slots[i] * width / max);
		char range[32];

		if (log2)
			snprintf(range, sizeof(range), "%llu -> %llu", lo, hi);
		else if (i == n - 1)
			snprintf(range, sizeof(range), ">= %llu", lo);
		else
			snprintf(range, sizeof(range), "%llu", lo);
		fprintf(f, "%24s : %-9llu |%-*.*s|\n", range, (unsigned long long)slots[i], width,
			stars, "****************************************");
	}
}

static void hold_hist(FILE *f, const char *title, const struct pinscope_hist *h)
{
	fprintf(f, "\n%s: count %llu, sum %llu ns, max %llu ns, p50 %llu ns, p90 %llu ns, "
		"p99 %llu ns\n", title, (unsigned long long)h->count, (unsigned long long)h->sum,
		(unsigned long long)h->max, (unsigned long long)hist_percentile(h, 50),
		(unsigned long long)hist_percentile(h, 90),
		(unsigned long long)hist_percentile(h, 99));
	star_hist(f, "nsecs", h->slots, PINSCOPE_HIST_SLOTS, true);
}

static void print_ops(FILE *f, const struct report *rep)
{
	const struct pinscope_stats *st = &rep->st;

	fprintf(f, "\nOperations: %llu pins, %llu unpins; split locks taken %llu (pin) %llu (unpin); "
		"deferred unlocks queued %llu\n", (unsigned long long)st->ops[0],
		(unsigned long long)st->ops[1], (unsigned long long)st->locks[0],
		(unsigned long long)st->locks[1], (unsigned long long)st->pte_unlock_cbs);
	for (int k = 0; k < 2; k++) {
		fprintf(f, "  pages %-5s:", k ? "unpin" : "pin");
		for (int l = 0; l < PINSCOPE_NR_LEVELS; l++)
			fprintf(f, " %s %llu", level_name(l), (unsigned long long)st->pages[k][l]);
		fputc('\n', f);
	}
	hold_hist(f, "Pin operation time", &st->op_ns[0]);
	hold_hist(f, "Unpin operation time", &st->op_ns[1]);
	fprintf(f, "\nMost split locks held at once, per operation:\n");
	star_hist(f, "locks", st->locks_max.slots, PINSCOPE_LIN_SLOTS, false);
	if (rep->nr_top) {
		fprintf(f, "\nTop processes causing pins/unpins:\n  %-8s %-16s %8s %8s\n",
			"PID", "COMM", "PINS", "UNPINS");
		for (int i = 0; i < rep->nr_top; i++)
			fprintf(f, "  %-8u %-16.16s %8llu %8llu\n", rep->top[i].pid,
				rep->top[i].p.comm, (unsigned long long)rep->top[i].p.ops[0],
				(unsigned long long)rep->top[i].p.ops[1]);
	}
}

static void print_flushes(FILE *f, const struct report *rep)
{
	const struct pinscope_stats *st = &rep->st;

	fprintf(f, "\nMulticall flushes: %llu\n  %-10s %10s\n", (unsigned long long)st->flushes,
		"REASON", "COUNT");
	for (int r = 0; r < PINSCOPE_NR_FLUSH_REASONS; r++)
		fprintf(f, "  %-10s %10llu\n", flush_reason_name(r),
			(unsigned long long)st->flush_reason[r]);
	fprintf(f, "\nEntries per flush:\n");
	star_hist(f, "entries", st->flush_entries.slots, PINSCOPE_LIN_SLOTS, false);
	fprintf(f, "\nCallbacks per flush:\n");
	star_hist(f, "callbacks", st->flush_cbs.slots, PINSCOPE_LIN_SLOTS, false);
	if (rep->caps & PINSCOPE_CAP_FLUSH_EXIT)
		hold_hist(f, "Flush latency inside pin/unpin (xen_mc_flush)", &st->flush_ns);
}

static void print_invariants(FILE *f, const struct report *rep)
{
	fprintf(f, "\n%-20s %10s %10s  %s\n", "INVARIANT", "CHECKED", "VIOLATED", "CHECK");
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		fprintf(f, "%-20s %10llu %10llu  %s\n", rule_name(r),
			(unsigned long long)rep->st.checked[r], (unsigned long long)rep->st.violated[r],
			coverage_name(rule_coverage(r, rep->caps)));
}

/* What was read (docs/input.md); a replay stopped by a signal says so */
static void print_replay(FILE *f, const struct replay_counts *r)
{
	bool dat = r->format && !strcmp(r->format, "trace.dat");

	fprintf(f, "Replay: %s (%s), %llu %s, %llu xen events checked, %llu xen events unused, "
		"%llu other %s skipped, %llu header lines, %llu timestamps back in time\n",
		r->format ?: "text", r->codec ?: "plain", (unsigned long long)r->lines,
		dat ? "records" : "lines", (unsigned long long)r->events,
		(unsigned long long)r->xen_unused, (unsigned long long)r->skipped,
		dat ? "records" : "lines", (unsigned long long)r->headers,
		(unsigned long long)r->clock_back);
	if (r->pid)
		fprintf(f, "Replay: only operations of pid %u (-p)\n", r->pid);
	if (r->interrupted)
		fprintf(f, "partial: interrupted at %s %llu (signal): the rest of the trace was not "
			"read\n", dat ? "record" : "line", (unsigned long long)r->interrupted_at);
}

static void print_lost(FILE *f, const struct report *rep)
{
	const struct pinscope_lost *l = &rep->st.lost;

	fprintf(f, "\nLost: ringbuf %llu, held-lock table full %llu, process map full %llu, "
		"unmatched unlocks %llu, bad cpu %llu, operations cut %llu\n",
		(unsigned long long)l->ringbuf, (unsigned long long)l->held_full,
		(unsigned long long)l->procs_full, (unsigned long long)l->unmatched_unlock,
		(unsigned long long)l->bad_cpu, (unsigned long long)l->ops_cut);
	if (rep->is_replay)
		print_replay(f, &rep->replay);
}

int report_exit_code(const struct report *rep)
{
	return total_violations(&rep->st) ? PINSCOPE_EXIT_VIOLATION : PINSCOPE_EXIT_OK;
}

void report_text(FILE *f, const struct report *rep, bool timestamp)
{
	if (timestamp && rep->is_replay) {	/* the trace's time, not the wall clock */
		fprintf(f, "\nTrace time %.6f s to %.6f s\n", rep->replay.first_ts / 1e9,
			rep->replay.last_ts / 1e9);
	} else if (timestamp) {
		char buf[32];
		time_t t = time(NULL);

		strftime(buf, sizeof(buf), "%H:%M:%S", localtime(&t));
		fprintf(f, "\n%s\n", buf);
	}
	fprintf(f, "\npinscope report: mode %s%s%s, %.3f s\n", rep->mode,
		rep->source ? ", events " : "", rep->source ? rep->source : "",
		rep->duration_ns / 1e9);
	fprintf(f, "Hold time is measured %s\n", hold_meaning(rep->caps));
	hold_hist(f, "Split-lock hold time, pin", &rep->st.hold[0]);
	hold_hist(f, "Split-lock hold time, unpin", &rep->st.hold[1]);
	print_flushes(f, rep);
	print_ops(f, rep);
	print_invariants(f, rep);
	print_lost(f, rep);
	fprintf(f, "\nVerdict: %s (%llu violations)\n",
		report_exit_code(rep) ? "VIOLATIONS" : "clean",
		(unsigned long long)total_violations(&rep->st));
}
