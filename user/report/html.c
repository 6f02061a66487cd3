// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "report/coverage.h"
#include "report/evidence.h"
#include "report/html.h"
#include "report/names.h"
#include "report/outfile.h"
#include "report/report.h"
#include "report/summary.h"
#include "report/svg.h"
#include "report/timeline.h"
#include "report/units.h"
#include "report/verdict.h"

#define U(v) ((unsigned long long)(v))

static const char css[] =
"body{font:14px/1.4 'DejaVu Sans',sans-serif;margin:20px auto;max-width:1100px;color:#222}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 6px;border-bottom:1px solid #ccc}"
"h3{font-size:14px;margin:12px 0 2px}.meta,.note{color:#555;margin:2px 0}"
".verdict{display:inline-block;padding:4px 12px;border-radius:4px;font-weight:bold;margin:8px 0}"
".v0{background:#d7f0d4;color:#1b5e20}.v3{background:#fbd3d0;color:#b71c1c}"
".v4{background:#fff0c2;color:#7a5a00}.row{display:flex;gap:16px}.row>.fig{flex:1;min-width:0}"
"svg{max-width:100%;height:auto;display:block}"
".fig{border:1px solid #ddd;border-radius:4px;padding:6px 8px}.fig p{margin:2px 0 4px}"
"table{border-collapse:collapse}td,th{padding:3px 10px;text-align:right;border-bottom:1px solid #eee}"
"th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}"
".bad{color:#b71c1c;font-weight:bold}td.means{text-align:left;font-size:12px;color:#444}"
"circle.ev{fill:#3b6fb6}circle.viol{fill:#c62828}pre{background:#f7f7f7;padding:6px;margin:4px 0;"
"font:12px/1.35 'DejaVu Sans Mono',monospace;overflow-x:auto}"
"svg text.tick,svg text.lbl{font-size:11px;fill:#444}svg text.pct{font-size:11px;fill:#c62828}"
"svg text.empty{font-size:13px;fill:#999}.key{display:inline-block;width:10px;height:10px;"
"margin:0 4px 0 10px}";

/* Text from the traced system or the command line (str_safe()), as HTML text */
static void esc(FILE *f, const char *raw, size_t max)
{
	char s[4096 * 4 + 1];

	str_safe(s, sizeof(s), raw, max < 4096 ? max : 4096);
	for (size_t i = 0; s[i]; i++) {
		switch (s[i]) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(s[i], f);
		}
	}
}

/* A histogram figure: numbers as data- attributes (JSON names), then the chart */
static void hist_fig(FILE *f, const char *id, const char *title, const struct report *rep,
		     const struct pinscope_hist *h)
{
	char p[3][32], mx[32], mean[32];
	__u64 res = report_clock_res(rep);
	int u = rep->units;

	fprintf(f, "<div class='fig' id='%s' data-count='%llu' data-sum-ns='%llu' "
		"data-max-ns='%llu' data-p50-ns='%llu' data-p90-ns='%llu' data-p99-ns='%llu' "
		"data-below-resolution='%llu'><h3>%s</h3><p>%llu samples, mean %s, p50 %s, p90 %s, "
		"p99 %s, max %s</p>", id, U(h->count), U(h->sum), U(h->max),
		U(report_percentile(rep, h, 50)), U(report_percentile(rep, h, 90)),
		U(report_percentile(rep, h, 99)), U(res > 1 ? hist_below_res(h, res) : 0), title,
		U(h->count), fmt_time_res(mean, 32, h->count ? h->sum / h->count : 0, u, res),
		fmt_time_res(p[0], 32, report_percentile(rep, h, 50), u, res),
		fmt_time_res(p[1], 32, report_percentile(rep, h, 90), u, res),
		fmt_time_res(p[2], 32, report_percentile(rep, h, 99), u, res),
		fmt_time_res(mx, 32, h->max, u, res));
	svg_hist(f, rep, h, 520, 210);
	fprintf(f, "</div>\n");
}

/* Next to the badge: "6 of 7 rules checked", then the verdict line itself */
static void coverage_badge(FILE *f, const struct report *rep)
{
	char line[1024];
	struct judged j;

	judged_compute(rep, &j);
	verdict_line(rep, line, sizeof(line));
	fprintf(f, "<span class='meta' id='coverage' data-rules-checked='%d' data-rules='%d'> %d of "
		"%d rules checked</span>\n<p class='note' id='verdict-line'>Verdict: ",
		j.rules_exact + j.rules_approx, PINSCOPE_NR_RULES, j.rules_exact + j.rules_approx,
		PINSCOPE_NR_RULES);
	esc(f, line, sizeof(line));
	fprintf(f, "</p>\n");
}

static void header(FILE *f, const struct report *rep, const char *input)
{
	static const char *const verdict[] = { [0] = "clean", [3] = "VIOLATED", [4] = "inconclusive" };
	int rc = report_exit_code(rep);
	char d[32], r[32], z[32];
	time_t now = time(NULL);
	char when[64];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", localtime(&now));
	fprintf(f, "<h1>pinscope report</h1><p class='meta' id='meta' data-mode='%s' "
		"data-source='%s' data-duration-ns='%llu' data-events='%llu'>mode %s%s%s, ",
		rep->mode, rep->source ? rep->source : "", U(rep->duration_ns), U(rep->st.events),
		rep->mode, rep->source ? ", events " : "", rep->source ? rep->source : "");
	if (input) {
		fputs("trace ", f);
		esc(f, input, 4096);
		fputs(", ", f);
	}
	fprintf(f, "%s %s, %llu events checked; written %s</p>\n",
		fmt_time(d, sizeof(d), rep->duration_ns, UNIT_AUTO),
		rep->is_replay ? "of trace" : "traced", U(rep->st.events), when);
	fprintf(f, "<div class='verdict v%d' id='verdict' data-exit-code='%d' "
		"data-violations='%llu'>%s: %llu violations</div>\n", rc, rc,
		U(total_violations(&rep->st)), rc < 5 && verdict[rc] ? verdict[rc] : "error",
		U(total_violations(&rep->st)));
	coverage_badge(f, rep);
	fprintf(f, "<p class='note'>Hold time is measured %s.</p>\n", hold_meaning(rep->caps));
	if (report_clock_res(rep) > 1)
		fprintf(f, "<p class='note' id='clock' data-resolution-ns='%llu'>Clock resolution %s: "
			"the trace's timestamps are multiples of it, so times are too; shorter ones "
			"(they read 0) are shown as %s.</p>\n", U(rep->clock_res_ns),
			fmt_time(r, sizeof(r), rep->clock_res_ns, rep->units),
			fmt_time_res(z, sizeof(z), 0, rep->units, rep->clock_res_ns));
}

static void timeline_part(FILE *f, const struct report *rep)
{
	const struct timeline *tl = rep->timeline;
	char w[32];

	if (!tl || !tl->n)
		return;
	fprintf(f, "<h2>Hold time over time</h2><p class='note' id='slices' data-slices='%d' "
		"data-slice-ns='%llu'>%d slices of %s%s; rows are powers of two.</p>\n", tl->n,
		U(tl->slice_ns), tl->n, fmt_time(w, sizeof(w), tl->slice_ns, rep->units),
		rep->is_replay ? " of trace time" : "");
	svg_heatmap(f, rep, tl, 1080, 300);
	fprintf(f, "<h2>Operations over time</h2><p class='note'><span class='key' "
		"style='background:#3b6fb6'></span>pins<span class='key' style='background:#e08a2c'>"
		"</span>unpins<span class='key' style='background:#c62828'></span>slices with "
		"violations</p>\n");
	svg_ops_time(f, rep, tl, 1080, 200);
}

static void flushes_part(FILE *f, const struct report *rep)
{
	const char *names[PINSCOPE_NR_FLUSH_REASONS];

	for (int r = 0; r < PINSCOPE_NR_FLUSH_REASONS; r++)
		names[r] = flush_reason_name(r);
	fprintf(f, "<h2>Multicall flushes</h2><p id='flushes' data-count='%llu'>%llu flushes, by "
		"reason:</p>\n", U(rep->st.flushes), U(rep->st.flushes));
	svg_bars(f, "flush-reason", names, rep->st.flush_reason, PINSCOPE_NR_FLUSH_REASONS, 520);
	if (rep->caps & PINSCOPE_CAP_FLUSH_EXIT)
		hist_fig(f, "flush-latency", "Flush latency inside pin/unpin", rep, &rep->st.flush_ns);
	else if (rep->lean & PINSCOPE_LEAN_FLUSH_TIME)
		fprintf(f, "<p id='flush-latency' data-recorded='0'>Flush latency inside pin/unpin: "
			"not recorded (--lean)</p>\n");
}

static void invariants_part(FILE *f, const struct report *rep)
{
	fprintf(f, "<h2>Invariants</h2><table id='invariants'><tr><th>invariant</th><th>checked"
		"</th><th>violated</th><th>check</th><th>the rule</th></tr>\n");
	for (int r = 0; r < PINSCOPE_NR_RULES; r++) {
		const char *cov = coverage_name(rule_coverage(r, rep->caps));

		fprintf(f, "<tr id='inv-%s' data-checked='%llu' data-violated='%llu' "
			"data-coverage='%s'><td>%s</td><td>%llu</td><td%s>%llu</td><td>%s</td>"
			"<td class='means'>%s</td></tr>\n",
			rule_name(r), U(rep->st.checked[r]), U(rep->st.violated[r]), cov, rule_name(r),
			U(rep->st.checked[r]), rep->st.violated[r] ? " class='bad'" : "",
			U(rep->st.violated[r]), cov, rule_meaning(r));
	}
	fprintf(f, "</table>\n");
}

static void when(FILE *f, const char *what, const struct pinscope_violation *v)
{
	fprintf(f, "<p>%s: %llu.%06llu, cpu %u, pid %u (", what, U(v->ts_ns / 1000000000ULL),
		U(v->ts_ns % 1000000000ULL / 1000), v->cpu, v->pid);
	esc(f, v->comm, PINSCOPE_COMM_LEN);
	fprintf(f, "), %s pfn 0x%llx: %s</p>", op_name(v->op), U(v->pfn), reason_text(v->reason));
}

static void rule_part(FILE *f, const struct report *rep, int rule)
{
	const struct vs_rule *r = &rep->vsum->rule[rule];
	int idx[VS_MAX_STACKS > VS_MAX_PROCS ? VS_MAX_STACKS : VS_MAX_PROCS], n;
	char hex[24], sym[160];
	bool known;

	fprintf(f, "<div class='fig' id='vsum-%s' data-violations='%llu' data-records='%llu' "
		"data-stacks='%d'><h3>%s: %llu violations</h3>", rule_name(rule),
		U(rep->st.violated[rule]), U(r->records), r->nr_stacks, rule_name(rule),
		U(rep->st.violated[rule]));
	when(f, "first", &r->first);
	when(f, "last", &r->last);
	fprintf(f, "<p>operations: pin %llu, unpin %llu; processes:", U(r->ops[1]), U(r->ops[2]));
	n = summary_procs_order(r, idx);
	for (int i = 0; i < n && i < 10; i++) {
		fputs(i ? ", " : " ", f);
		esc(f, r->procs[idx[i]].comm, PINSCOPE_COMM_LEN);
		fprintf(f, "/%u&nbsp;(%llu)", r->procs[idx[i]].pid, U(r->procs[idx[i]].count));
	}
	if (n > 10 || r->procs_other)
		fprintf(f, ", &hellip;");
	fprintf(f, "</p>");
	if (!r->nr_stacks)
		fprintf(f, "<p class='note'>No kernel stacks (%s).</p>",
			rep->is_replay ? "a replay has none" : "--no-stack");
	n = summary_stacks_order(r, idx);
	for (int i = 0; i < n && i < VS_TOP_STACKS; i++) {
		const struct vs_stack *s = &r->stacks[idx[i]];

		fprintf(f, "<p>stack seen %llu times:</p><pre>", U(s->count));
		for (__u32 k = 0; k < s->nr; k++) {
			frame_names(s->frame[k], hex, sizeof(hex), sym, sizeof(sym), &known);
			fprintf(f, "%s %s\n", hex, known ? sym : "");
		}
		fprintf(f, "</pre>");
	}
	fprintf(f, "</div>\n");
}

static void violations_part(FILE *f, const struct report *rep)
{
	__u64 total = total_violations(&rep->st);

	fprintf(f, "<h2>Violations</h2><p id='violations' data-total='%llu'>%llu violations",
		U(total), U(total));
	fprintf(f, total ? "; per rule:</p>\n" : ".</p>\n");
	for (int r = 0; rep->vsum && r < PINSCOPE_NR_RULES; r++)
		if (rep->vsum->rule[r].records)
			rule_part(f, rep, r);
}

/* Replay: times relative to the charts' origin (the first event), else absolute */
static __u64 time_origin(const struct report *rep)
{
	return rep->is_replay && rep->timeline ? rep->timeline->t0 : 0;
}

static void rel_time(FILE *f, const struct report *rep, __u64 ts)
{
	__u64 o = time_origin(rep), t = ts >= o ? ts - o : 0;

	fprintf(f, "%s%llu.%06llu s", o ? "+" : "", U(t / 1000000000ULL),
		U(t % 1000000000ULL / 1000));
}

#define HTML_VIOL_LIST 100	/* violations listed on the page */

static void violation_list_part(FILE *f, const struct report *rep)
{
	__u64 kept = rep->nr_viol < MAX_KEPT_VIOLATIONS ? rep->nr_viol : MAX_KEPT_VIOLATIONS;
	__u64 n = kept < HTML_VIOL_LIST ? kept : HTML_VIOL_LIST;

	if (!rep->viol || !n)
		return;
	fprintf(f, "<h3>The first %llu of %llu violations</h3><p class='note'>Times %s.</p>"
		"<table id='violation-list' data-listed='%llu'><tr><th>time</th><th>invariant</th>"
		"<th>cpu</th><th>process</th><th>op</th><th>pfn</th><th>mm</th><th>where</th>"
		"</tr>\n", U(n), U(total_violations(&rep->st)), time_origin(rep) ?
		"from the first event of the trace, as the charts" : "of the kernel clock", U(n));
	for (__u64 i = 0; i < n; i++) {
		const struct pinscope_violation *v = &rep->viol[i];
		const struct viol_where *w = rep->viol_at ? &rep->viol_at[i] : NULL;

		fprintf(f, "<tr class='violation' data-ts-ns='%llu' data-line='%llu'><td>", U(v->ts_ns),
			U(w ? w->line : 0));
		rel_time(f, rep, v->ts_ns);
		fprintf(f, "</td><td>%s</td><td>%u</td><td>", rule_name(v->rule), v->cpu);
		esc(f, v->comm, PINSCOPE_COMM_LEN);
		fprintf(f, "/%u</td><td>%s</td><td>0x%llx</td><td>", v->pid, op_name(v->op), U(v->pfn));
		if (w && w->mm)
			fprintf(f, "0x%llx", U(w->mm));
		fprintf(f, "</td><td>");
		if (w && w->line)
			fprintf(f, "line %llu", U(w->line));
		if (w && w->op_line && w->op_line < w->line)
			fprintf(f, " (op from %llu)", U(w->op_line));
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}

/* "xen_mmu_pin_page" of a tracefs line, "LOST" of a lost-events marker */
static void event_name(const char *text, char *name, size_t len)
{
	const char *p = strstr(text, ": xen_"), *end;

	if (!p) {
		snprintf(name, len, "%s", strstr(text, "LOST") || strstr(text, "DROPPED") ?
			 "LOST" : "?");
		return;
	}
	p += 2;
	end = strchr(p, ':');
	snprintf(name, len, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
}

/* One snippet: its events on the operation's timeline, then its lines */
static void snippet_fig(FILE *f, const struct report *rep, size_t i)
{
	const struct evidence_item *it = &rep->evidence->items[i];
	const int w = 1080, ml = 20, mr = 20, top = 30;
	__u64 t0 = it->nr_lines ? it->lines[0].ts_ns : 0, t1 = t0;
	char name[64];
	int ht;

	for (size_t k = 0; k < it->nr_lines; k++)
		t1 = it->lines[k].ts_ns > t1 ? it->lines[k].ts_ns : t1;
	ht = top + 20 + 14 * (int)it->nr_lines;
	fprintf(f, "<div class='fig snippet' id='evidence-%zu' data-rule='%s' data-events='%zu' "
		"data-window='%llu'><h3>%s at ", i + 1, rule_name(it->v.rule), it->nr_lines,
		U(it->window), rule_name(it->v.rule));
	rel_time(f, rep, it->v.ts_ns);
	fprintf(f, ", cpu %u, ", it->v.cpu);
	esc(f, it->v.comm, PINSCOPE_COMM_LEN);
	fprintf(f, "/%u, pfn 0x%llx</h3><p>%s. %zu of the window's %llu events (lines %llu-%llu)%s; "
		"replays alone to this violation: <code>pinscope replay ", it->v.pid, U(it->v.pfn),
		reason_text(it->v.reason), it->nr_lines, U(it->window), U(it->window_first),
		U(it->window_last), it->minimized ? ", minimized" :
		it->reproduced ? "" : ", <b>not reproduced alone</b>");
	esc(f, rep->evidence->dir, 4096);
	fprintf(f, "/%03zu-%s.trace</code></p>", i + 1, rule_name(it->v.rule));
	fprintf(f, "<svg viewBox='0 0 %d %d' width='%d' height='%d' role='img'>"
		"<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#888'/>", w, ht, w, ht, ml, top,
		w - mr, top);
	for (size_t k = 0; k < it->nr_lines; k++) {
		const struct evidence_line *l = &it->lines[k];
		double x = ml + (t1 > t0 ? (double)(l->ts_ns - t0) / (double)(t1 - t0) : 0.5) *
				(w - ml - mr) * 0.6;
		bool last = k + 1 == it->nr_lines;

		event_name(l->text, name, sizeof(name));
		fprintf(f, "<circle class='%s' cx='%.1f' cy='%d' r='5'/><line x1='%.1f' y1='%d' "
			"x2='%.1f' y2='%d' stroke='#ccc'/><text x='%.1f' y='%d' class='lbl'>", last ?
			"viol" : "ev", x, top, x, top + 5, x, top + 14 + 14 * (int)k, x + 4,
			top + 18 + 14 * (int)k);
		rel_time(f, rep, l->ts_ns);
		fprintf(f, " %s (line %llu)</text>", name, U(l->lineno));
	}
	fprintf(f, "</svg><pre>");
	for (size_t k = 0; k < it->nr_lines; k++) {
		esc(f, it->lines[k].text, 4096);
		fputc('\n', f);
	}
	fprintf(f, "</pre></div>\n");
}

static void evidence_part(FILE *f, const struct report *rep)
{
	const struct evidence *e = rep->evidence;

	if (!e)
		return;
	fprintf(f, "<h2>Evidence</h2><p class='note' id='evidence' data-snippets='%zu'>%zu snippet%s "
		"in ", e->nr, e->nr, e->nr == 1 ? "" : "s");
	esc(f, e->dir, 4096);
	fprintf(f, " (index.json): each the fewest lines of the trace that replay to its "
		"violation and no other (docs/evidence.md); events at their time %s, the last "
		"one (red) the one at which it was found.</p>\n", time_origin(rep) ?
		"from the first event of the trace" : "of the kernel clock (live: the flight "
		"recorder's)");
	for (size_t i = 0; i < e->nr; i++)
		snippet_fig(f, rep, i);
}

/* Every path's holds, then, once the suspend path was seen, each path's own */
static void holds_part(FILE *f, const struct report *rep)
{
	struct pinscope_hist all[2];
	char id[32], title[64];

	stats_hold(&rep->st, 0, &all[0]);
	stats_hold(&rep->st, 1, &all[1]);
	fprintf(f, "<h2>Split-lock hold time</h2><div class='row'>");
	hist_fig(f, "holds-pin", "Pin", rep, &all[0]);
	hist_fig(f, "holds-unpin", "Unpin", rep, &all[1]);
	fprintf(f, "</div>\n");
	if (!stats_suspend_seen(&rep->st)) {
		fprintf(f, "<p class='note' id='holds-path'>No hold on the suspend path (init_mm): "
			"every hold above is the ordinary path's.</p>\n");
		return;
	}
	fprintf(f, "<h3>By path</h3><p class='note' id='holds-path'>The suspend path (init_mm: "
		"save, restore, migration) pins every process's page tables at once: its holds "
		"are a distribution of their own.</p><div class='row'>");
	for (int p = 0; p < PINSCOPE_NR_PATHS; p++)
		for (int k = 0; k < 2; k++) {
			snprintf(id, sizeof(id), "holds-%s-%s", path_name(p), k ? "unpin" : "pin");
			snprintf(title, sizeof(title), "%s, %s path", k ? "Unpin" : "Pin",
				 path_name(p));
			hist_fig(f, id, title, rep, stats_hold_path(&rep->st, p, k));
		}
	fprintf(f, "</div>\n");
}

static void ops_part(FILE *f, const struct report *rep)
{
	const struct pinscope_stats *st = &rep->st;

	fprintf(f, "<h2>Operations</h2><p id='ops' data-pins='%llu' data-unpins='%llu'>%llu pins, "
		"%llu unpins; split locks taken %llu (pin), %llu (unpin)</p>",
		U(st->ops[0]), U(st->ops[1]), U(st->ops[0]), U(st->ops[1]), U(st->locks[0]),
		U(st->locks[1]));
	fprintf(f, "<table id='ops-path'><tr><th>path</th><th>pins</th><th>unpins</th>"
		"<th>split locks taken</th><th>most held at once</th></tr>");
	for (int p = 0; p < PINSCOPE_NR_PATHS; p++)
		fprintf(f, "<tr data-path='%s'><td>%s</td><td>%llu</td><td>%llu</td><td>%llu</td>"
			"<td>%d</td></tr>", path_name(p), p == PINSCOPE_PATH_SUSPEND ?
			"suspend (init_mm: save, restore, migration)" : path_name(p),
			U(stats_ops_path(st, p, 0)), U(stats_ops_path(st, p, 1)),
			U(stats_locks_path(st, p)),
			(int)lin_hist_top(stats_locks_max_path(st, p)));
	fprintf(f, "</table><div class='row'>");
	hist_fig(f, "ops-pin-time", "Pin operation time", rep, &st->op_ns[0]);
	hist_fig(f, "ops-unpin-time", "Unpin operation time", rep, &st->op_ns[1]);
	fprintf(f, "</div>\n");
	if (!rep->nr_top)
		return;
	fprintf(f, "<h3>Top processes</h3><table id='top'><tr><th>pid</th><th>comm</th><th>pins"
		"</th><th>unpins</th></tr>");
	for (int i = 0; i < rep->nr_top; i++) {
		fprintf(f, "<tr><td>%u</td><td>", rep->top[i].pid);
		esc(f, rep->top[i].p.comm, PINSCOPE_COMM_LEN);
		fprintf(f, "</td><td>%llu</td><td>%llu</td></tr>", U(rep->top[i].p.ops[0]),
			U(rep->top[i].p.ops[1]));
	}
	fprintf(f, "</table>\n");
}

static void lost_part(FILE *f, const struct report *rep)
{
	const struct pinscope_lost *l = &rep->st.lost;
	const struct { const char *name; __u64 v; } rows[] = {
		{ "ringbuf", l->ringbuf }, { "held_full", l->held_full },
		{ "procs_full", l->procs_full }, { "unmatched_unlock", l->unmatched_unlock },
		{ "bad_cpu", l->bad_cpu }, { "ops_cut", l->ops_cut },
		{ "input_events", l->input_events }, { "input_gaps", l->input_gaps },
		{ "ops_gap", l->ops_gap }, { "clock_back", l->clock_back },
	};

	fprintf(f, "<h2>Lost</h2><p class='note'>Nothing is dropped silently "
		"(docs/json.md, <code>lost</code>).</p><table id='lost'>");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		fprintf(f, "<tr id='lost-%s' data-count='%llu'><td>%s</td><td%s>%llu</td></tr>",
			rows[i].name, U(rows[i].v), rows[i].name, rows[i].v ? " class='bad'" : "",
			U(rows[i].v));
	fprintf(f, "</table>\n");
}

int report_html_check(const char *path, const char *input)
{
	if (!input || !outfile_same(path, strcmp(input, "-") ? input : "/dev/stdin"))
		return 0;
	fprintf(stderr, "Failed to write HTML report %s: it is the trace being replayed; give "
		"another file name\n", name_safe(path));
	return -EINVAL;
}

int report_html_check_dir(const char *path, const char *dir)
{
	if (!outfile_in_dir(path, dir))
		return 0;
	fprintf(stderr, "Failed to write HTML report %s: it is in the --evidence directory %s, "
		"which holds only the snippets and index.json; give a file outside it\n",
		name_safe(path), name_safe(dir));
	return -EINVAL;
}

int report_html(const char *path, const struct report *rep, const char *input)
{
	struct outfile out = { 0 };
	int err = report_html_check(path, input) ?: outfile_open(&out, path, "HTML report");
	FILE *f = out.f;

	if (err)
		return err;
	fprintf(f, "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
		"<title>pinscope report</title><style>%s</style></head><body>\n", css);
	header(f, rep, input);
	holds_part(f, rep);
	timeline_part(f, rep);
	flushes_part(f, rep);
	invariants_part(f, rep);
	violations_part(f, rep);
	violation_list_part(f, rep);
	evidence_part(f, rep);
	ops_part(f, rep);
	lost_part(f, rep);
	fprintf(f, "<p class='note'>pinscope; the same numbers as <code>--json</code> "
		"(docs/json.md), views in docs/views.md.</p></body></html>\n");
	return outfile_close(&out, "HTML report", 0);
}
