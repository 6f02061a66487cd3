// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include <time.h>
#include "report/coverage.h"
#include "report/names.h"
#include "report/report.h"
#include "report/verdict.h"
#include "report/summary.h"
#include "report/units.h"

#define STARS "****************************************"

/* One bar of a star view */
static void star_row(FILE *f, int lw, const char *label, __u64 n, __u64 max)
{
	int width = 40, stars = max ? (int)(n * width / max) : 0;

	fprintf(f, "%*s : %-9llu |%-*.*s|\n", lw, label, (unsigned long long)n, width, stars,
		STARS);
}

/* Linear histograms (counts per value): only the values seen */
static void star_hist(FILE *f, const char *unit, const __u64 *slots, int n)
{
	__u64 max = 0;
	char label[32];

	for (int i = 0; i < n; i++)
		max = slots[i] > max ? slots[i] : max;
	if (!max) {
		fprintf(f, "     (no samples)\n");
		return;
	}
	fprintf(f, "     %-19s : count     distribution\n", unit);
	for (int i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		snprintf(label, sizeof(label), i == n - 1 ? ">= %d" : "%d", i);
		star_row(f, 24, label, slots[i], max);
	}
}

/*
 * The log2 view of a time histogram, derived from its fine slots: rows
 * [2^j, 2^(j+1)) from the first to the last non-empty one; with a coarse
 * clock, the rows below its resolution become one "< 1us" row.
 */
static void time_star_hist(FILE *f, const struct report *rep, const struct pinscope_hist *h)
{
	__u64 l2[HIST_LOG2_SLOTS], res = report_clock_res(rep), below = 0, max = 0;
	int first = -1, last = -1, u = rep->units, lw = 24;
	char a[24], b[24], label[HIST_LOG2_SLOTS + 1][48] = {};

	hist_log2(h, l2);
	for (int j = 0; j < HIST_LOG2_SLOTS; j++) {
		if (res > 1 && (2ULL << j) <= res) {
			below += l2[j];
			l2[j] = 0;
		}
		if (l2[j]) {
			first = first < 0 ? j : first;
			last = j;
		}
		max = l2[j] > max ? l2[j] : max;
	}
	max = below > max ? below : max;
	if (!max) {
		fprintf(f, "     (no samples)\n");
		return;
	}
	for (int j = first; j >= 0 && j <= last; j++)
		snprintf(label[j], sizeof(label[j]), "[%s, %s)",
			 fmt_time(a, sizeof(a), j ? 1ULL << j : 0, u), fmt_time(b, sizeof(b), 2ULL << j, u));
	fmt_time_res(label[HIST_LOG2_SLOTS], sizeof(label[0]), 0, u, res);
	for (int j = 0; j <= HIST_LOG2_SLOTS; j++)
		lw = (int)strlen(label[j]) > lw ? (int)strlen(label[j]) : lw;
	fprintf(f, "     %-*s : count     distribution\n", lw - 5, "time");
	if (below)
		star_row(f, lw, label[HIST_LOG2_SLOTS], below, max);
	for (int j = first; j >= 0 && j <= last; j++)
		star_row(f, lw, label[j], l2[j], max);
}

static void hold_hist(FILE *f, const char *title, const struct report *rep,
		      const struct pinscope_hist *h)
{
	__u64 res = report_clock_res(rep);
	int u = rep->units;
	char sum[24], mean[24], max[24], p[3][24];

	fprintf(f, "\n%s: count %llu, sum %s, mean %s, max %s, p50 %s, p90 %s, p99 %s\n", title,
		(unsigned long long)h->count, fmt_time(sum, sizeof(sum), h->sum, u),
		fmt_time_res(mean, sizeof(mean), h->count ? h->sum / h->count : 0, u, res),
		fmt_time_res(max, sizeof(max), h->max, u, res),
		fmt_time_res(p[0], 24, report_percentile(rep, h, 50), u, res),
		fmt_time_res(p[1], 24, report_percentile(rep, h, 90), u, res),
		fmt_time_res(p[2], 24, report_percentile(rep, h, 99), u, res));
	if (res > 1 && hist_below_res(h, res)) {
		__u64 n = hist_below_res(h, res);

		fprintf(f, "     below the clock resolution (%s): %llu (%.1f %%), shown as %s\n",
			fmt_time(sum, sizeof(sum), res, u), (unsigned long long)n,
			100.0 * n / h->count, fmt_time_res(mean, sizeof(mean), 0, u, res));
	}
	time_star_hist(f, rep, h);
}

/*
 * The split-lock holds of every path, then, once the suspend path was seen,
 * each path's own: a suspend pins every process's page tables at once, a
 * distribution of its own
 */
static void print_holds(FILE *f, const struct report *rep)
{
	struct pinscope_hist all;
	char title[96];

	for (int k = 0; k < 2; k++) {
		stats_hold(&rep->st, k, &all);
		hold_hist(f, k ? "Split-lock hold time, unpin" : "Split-lock hold time, pin", rep,
			  &all);
	}
	if (!stats_suspend_seen(&rep->st)) {
		fprintf(f, "\nSplit-lock hold time by path: no hold on the suspend path (init_mm): "
			"every hold above is the ordinary path's\n");
		return;
	}
	for (int p = 0; p < PINSCOPE_NR_PATHS; p++)
		for (int k = 0; k < 2; k++) {
			snprintf(title, sizeof(title), "Split-lock hold time, %s, %s path",
				 k ? "unpin" : "pin", path_name(p));
			hold_hist(f, title, rep, stats_hold_path(&rep->st, p, k));
		}
	/* live: xen_suspend() runs the suspend path after syscore_suspend() */
	if (stats_path_untimed(&rep->st, PINSCOPE_PATH_SUSPEND, rep->is_replay))
		fprintf(f, "     the suspend path's holds read 0: it runs while the kernel's clock "
			"is suspended (timekeeping_suspend() before xen_mm_pin_all(), "
			"timekeeping_resume() after xen_mm_unpin_all()), and bpf_ktime_get_ns() "
			"stands still there; counted, not timed\n");
}

/* A coarse trace clock: say so once, before the times it makes coarse */
static void print_clock(FILE *f, const struct report *rep)
{
	char r[24], z[32];
	int decimals = 9;

	if (report_clock_res(rep) <= 1)
		return;
	for (__u64 res = rep->clock_res_ns; res > 1; res /= 10)
		decimals--;
	fprintf(f, "Clock resolution: %s (the trace's timestamps have %d decimals; tracefs and "
		"trace-cmd report print 6): times are multiples of it, shorter ones read %s\n",
		fmt_time(r, sizeof(r), rep->clock_res_ns, rep->units), decimals,
		fmt_time_res(z, sizeof(z), 0, rep->units, rep->clock_res_ns));
}

static void print_ops(FILE *f, const struct report *rep)
{
	const struct pinscope_stats *st = &rep->st;
	struct pinscope_lin_hist locks_max;

	fprintf(f, "\nOperations: %llu pins, %llu unpins; split locks taken %llu (pin) %llu (unpin); "
		"deferred unlocks queued %llu\n", (unsigned long long)st->ops[0],
		(unsigned long long)st->ops[1], (unsigned long long)st->locks[0],
		(unsigned long long)st->locks[1], (unsigned long long)st->pte_unlock_cbs);
	fprintf(f, "  by path: ordinary %llu pins, %llu unpins; suspend (init_mm) %llu pins, "
		"%llu unpins, split locks taken %llu\n",
		(unsigned long long)stats_ops_path(st, PINSCOPE_PATH_ORDINARY, 0),
		(unsigned long long)stats_ops_path(st, PINSCOPE_PATH_ORDINARY, 1),
		(unsigned long long)stats_ops_path(st, PINSCOPE_PATH_SUSPEND, 0),
		(unsigned long long)stats_ops_path(st, PINSCOPE_PATH_SUSPEND, 1),
		(unsigned long long)stats_locks_path(st, PINSCOPE_PATH_SUSPEND));
	for (int k = 0; k < 2; k++) {
		fprintf(f, "  pages %-5s:", k ? "unpin" : "pin");
		for (int l = 0; l < PINSCOPE_NR_LEVELS; l++)
			fprintf(f, " %s %llu", level_name(l), (unsigned long long)st->pages[k][l]);
		fputc('\n', f);
	}
	hold_hist(f, "Pin operation time", rep, &st->op_ns[0]);
	hold_hist(f, "Unpin operation time", rep, &st->op_ns[1]);
	stats_locks_max(st, &locks_max);
	fprintf(f, "\nMost split locks held at once, per operation:\n");
	star_hist(f, "locks", locks_max.slots, PINSCOPE_LIN_SLOTS);
	for (int p = 0; stats_suspend_seen(st) && p < PINSCOPE_NR_PATHS; p++) {
		fprintf(f, "\nMost split locks held at once, per operation, %s path:\n",
			path_name(p));
		star_hist(f, "locks", stats_locks_max_path(st, p)->slots, PINSCOPE_LIN_SLOTS);
	}
	if (rep->lean & PINSCOPE_LEAN_PROCS)
		fprintf(f, "\nTop processes causing pins/unpins: not counted (--lean)\n");
	if (rep->nr_top) {
		char comm[COMM_SAFE_LEN];

		fprintf(f, "\nTop processes causing pins/unpins:\n  %-8s %-16s %8s %8s\n",
			"PID", "COMM", "PINS", "UNPINS");
		for (int i = 0; i < rep->nr_top; i++)
			fprintf(f, "  %-8u %-16s %8llu %8llu\n", rep->top[i].pid,
				comm_safe(comm, rep->top[i].p.comm), (unsigned long long)rep->top[i].p.ops[0],
				(unsigned long long)rep->top[i].p.ops[1]);
	}
}

static void print_flushes(FILE *f, const struct report *rep)
{
	const struct pinscope_stats *st = &rep->st;

	fprintf(f, "\nMulticall flushes%s: %llu\n  %-10s %10s\n",
		(rep->lean & PINSCOPE_LEAN_IDLE_FLUSH) ?
		" (--lean: only inside pin/unpin or while split locks are held)" : "",
		(unsigned long long)st->flushes, "REASON", "COUNT");
	for (int r = 0; r < PINSCOPE_NR_FLUSH_REASONS; r++)
		fprintf(f, "  %-10s %10llu\n", flush_reason_name(r),
			(unsigned long long)st->flush_reason[r]);
	fprintf(f, "\nEntries per flush:\n");
	star_hist(f, "entries", st->flush_entries.slots, PINSCOPE_LIN_SLOTS);
	fprintf(f, "\nCallbacks per flush:\n");
	star_hist(f, "callbacks", st->flush_cbs.slots, PINSCOPE_LIN_SLOTS);
	if (rep->caps & PINSCOPE_CAP_FLUSH_EXIT)
		hold_hist(f, "Flush latency inside pin/unpin (xen_mc_flush)", rep, &st->flush_ns);
	else if (rep->lean & PINSCOPE_LEAN_FLUSH_TIME)
		fprintf(f, "\nFlush latency inside pin/unpin (xen_mc_flush): not recorded (--lean)\n");
}

static void print_invariants(FILE *f, const struct report *rep)
{
	fprintf(f, "\n%-20s %10s %10s %10s  %s\n", "INVARIANT", "CHECKED", "VIOLATED", "UNSEEN",
		"CHECK");
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		fprintf(f, "%-20s %10llu %10llu %10llu  %s\n", rule_name(r),
			(unsigned long long)rep->st.checked[r], (unsigned long long)rep->st.violated[r],
			(unsigned long long)rep->st.unseen[r],
			coverage_name(rule_coverage(r, rep->caps)));
}

/* What was read (docs/input.md); a replay stopped by a signal says so */
static void print_replay(FILE *f, const struct replay_counts *r, const char *input)
{
	bool dat = r->format && !strcmp(r->format, "trace.dat");

	fprintf(f, "Replay: %s: %s (%s), %llu %s, %llu xen events checked, %llu xen events unused, "
		"%llu other %s skipped, %llu header lines, %llu timestamps back in time\n",
		input ?: "-", r->format ?: "text", r->codec ?: "plain", (unsigned long long)r->lines,
		dat ? "records" : "lines", (unsigned long long)r->events,
		(unsigned long long)r->xen_unused, (unsigned long long)r->skipped,
		dat ? "records" : "lines", (unsigned long long)r->headers,
		(unsigned long long)r->clock_back);
	if (r->pid)
		fprintf(f, "Replay: only operations of pid %u (-p): %llu xen events of it%s\n",
			r->pid, (unsigned long long)r->pid_events,
			r->pid_events ? "" : ", it never appears in the trace");
	if (r->interrupted)
		fprintf(f, "partial: interrupted at %s %llu (signal): the rest of the trace was not "
			"read\n", dat ? "record" : "line", (unsigned long long)r->interrupted_at);
}

/* Live: the saves and restores seen (report/stats.h struct restores) */
static void print_restores(FILE *f, const struct report *rep)
{
	const struct restores *r = &rep->restores;
	char a[24], b[24], c[24], d[24];
	int u = rep->units;

	if (!r->watched)
		return;
	fprintf(f, "Restores (save, migration): %llu seen", (unsigned long long)r->seen);
	if (!r->seen) {
		fprintf(f, " (CLOCK_BOOTTIME never gained more than 1 ms on CLOCK_MONOTONIC)\n");
		return;
	}
	fprintf(f, "; suspended %s in all, at most %s at once (CLOCK_BOOTTIME's gain on "
		"CLOCK_MONOTONIC); across one, CLOCK_MONOTONIC advanced at most %s, CLOCK_REALTIME "
		"%s; cpus back with another number %llu, gone %llu, not read %llu\n",
		fmt_time(a, sizeof(a), r->suspended_ns, u), fmt_time(b, sizeof(b), r->suspended_max_ns, u),
		fmt_time(c, sizeof(c), r->mono_step_max_ns, u),
		fmt_time(d, sizeof(d), r->wall_step_max_ns, u), (unsigned long long)r->cpus_renumbered,
		(unsigned long long)r->cpus_gone, (unsigned long long)r->cpus_unread);
}

static void print_lost(FILE *f, const struct report *rep)
{
	const struct pinscope_lost *l = &rep->st.lost;

	fprintf(f, "\nLost: ringbuf %llu, held-lock table full %llu, process map full %llu, "
		"unmatched unlocks %llu, bad cpu %llu, operations cut %llu, input events %llu, "
		"input gaps %llu, operations cut by gaps %llu, clock back %llu\n",
		(unsigned long long)l->ringbuf, (unsigned long long)l->held_full,
		(unsigned long long)l->procs_full, (unsigned long long)l->unmatched_unlock,
		(unsigned long long)l->bad_cpu, (unsigned long long)l->ops_cut,
		(unsigned long long)l->input_events, (unsigned long long)l->input_gaps,
		(unsigned long long)l->ops_gap, (unsigned long long)l->clock_back);
	if (rep->is_replay)
		print_replay(f, &rep->replay, rep->input);
	print_restores(f, rep);
}

int report_exit_code(const struct report *rep)
{
	struct judged j;

	judged_compute(rep, &j);
	return verdict_exit_code(verdict_of(rep, &j));
}

void report_text(FILE *f, const struct report *rep, bool timestamp)
{
	char verdict[512];

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
	/* what was judged and found first (the verdict, the rules, the
	 * violations, the losses), then the measurements; --summary stops there */
	verdict_line(rep, verdict, sizeof(verdict));
	fprintf(f, "Verdict: %s\n", verdict);
	print_invariants(f, rep);
	summary_text(f, rep, rep->viol_list);
	print_lost(f, rep);
	if (rep->summary_only)
		return;
	fprintf(f, "\nHold time is measured %s\n", hold_meaning(rep->caps));
	print_clock(f, rep);
	print_holds(f, rep);
	print_flushes(f, rep);
	print_ops(f, rep);
}
