// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <math.h>
#include <string.h>
#include "report/svg.h"
#include "report/units.h"

#define C_PIN	"#3b6fb6"
#define C_UNPIN	"#e08a2c"
#define C_BAD	"#c62828"
#define C_AXIS	"#555"
#define ML 56		/* margins: left, right, top, bottom */
#define MR 16
#define MT 40
#define MB 34

struct bin {
	__u64 lo, hi, n;
};

/* Fine slots in bins of 4 (8 per power of two); below 32 ns one per slot */
static int hist_bins(const struct pinscope_hist *h, __u64 res, struct bin *b, __u64 *zero)
{
	int n = 0;

	*zero = 0;
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		__u64 lo = hist_slot_lo(i), hi = hist_slot_hi(i);

		if (hi <= res || lo == 0) {	/* below the resolution, or 0 ns */
			*zero += h->slots[i];
			continue;
		}
		if (lo >= PINSCOPE_HIST_SUB && (i & 3) && n) {
			b[n - 1].hi = hi;
			b[n - 1].n += h->slots[i];
			continue;
		}
		b[n].lo = lo;
		b[n].hi = hi;
		b[n++].n = h->slots[i];
	}
	return n;
}

struct axis {
	double x0, x1;		/* pixels */
	double l0, l1;		/* log2 ns */
};

static double ax(const struct axis *a, double ns)
{
	return a->x0 + (log2(ns) - a->l0) / (a->l1 - a->l0) * (a->x1 - a->x0);
}

/* Ticks at 1-2-5 times powers of ten inside the axis; labels on decades when wide */
static void log_ticks(FILE *f, const struct axis *a, double y, int u)
{
	static const int m[] = { 1, 2, 5 };
	bool wide = a->l1 - a->l0 > 10;
	char t[24];

	for (double dec = 1; dec < 1e12; dec *= 10)
		for (int i = 0; i < 3; i++) {
			double v = dec * m[i], x;

			if (log2(v) < a->l0 || log2(v) > a->l1)
				continue;
			x = ax(a, v);
			fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='" C_AXIS "'/>",
				x, y, x, y + (m[i] == 1 ? 5 : 3));
			if (wide && m[i] != 1)
				continue;
			fprintf(f, "<text x='%.1f' y='%.1f' class='tick' text-anchor='middle'>%s</text>",
				x, y + 16, fmt_time(t, sizeof(t), (__u64)v, u));
		}
}

void svg_hist(FILE *f, const struct report *rep, const struct pinscope_hist *h, int w, int ht)
{
	static struct bin b[PINSCOPE_HIST_SLOTS];
	__u64 res = report_clock_res(rep), zero, maxn;
	double pct[3] = { 50, 90, 99 }, y0 = ht - MB, ph = ht - MB - MT, zx = ML, zw = 0;
	struct axis a = { .x0 = ML, .x1 = w - MR };
	int n = hist_bins(h, res, b, &zero), first = -1, last = -1;
	char t[32], t2[32];

	fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
		"viewBox='0 0 %d %d'>", w, ht, w, ht);
	if (!h->count) {
		fprintf(f, "<text x='%d' y='%d' class='empty' text-anchor='middle'>no samples</text>"
			"</svg>", w / 2, ht / 2);
		return;
	}
	maxn = zero;
	for (int i = 0; i < n; i++) {
		if (!b[i].n)
			continue;
		first = first < 0 ? i : first;
		last = i;
		maxn = b[i].n > maxn ? b[i].n : maxn;
	}
	if (zero) {		/* a column of its own left of the log axis */
		zw = 34;
		a.x0 += zw + 8;
		fprintf(f, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#999'>"
			"<title>%s: %llu</title></rect>", zx, y0 - ph * zero / maxn, zw,
			ph * zero / maxn, fmt_time_res(t, sizeof(t), 0, rep->units, res),
			(unsigned long long)zero);
		fprintf(f, "<text x='%.1f' y='%.1f' class='tick' text-anchor='middle'>%s</text>",
			zx + zw / 2, y0 + 16, t);
	}
	a.l0 = first >= 0 ? floor(log2(b[first].lo)) : 0;
	a.l1 = first >= 0 ? ceil(log2(b[last].hi)) : 1;
	if (a.l1 - a.l0 < 3)
		a.l1 = a.l0 + 3;
	for (int i = 0; first >= 0 && i < n; i++) {
		double x = ax(&a, b[i].lo), x2 = ax(&a, b[i].hi), bh = ph * b[i].n / maxn;

		if (!b[i].n)
			continue;
		fprintf(f, "<rect x='%.2f' y='%.2f' width='%.2f' height='%.2f' fill='" C_PIN "'>"
			"<title>[%s, %s): %llu</title></rect>", x, y0 - bh, x2 - x > 1 ? x2 - x - 0.3 : 0.7,
			bh, fmt_time(t, sizeof(t), b[i].lo, rep->units),
			fmt_time(t2, sizeof(t2), b[i].hi, rep->units), (unsigned long long)b[i].n);
	}
	fprintf(f, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='" C_AXIS "'/>", ML, y0,
		w - MR, y0);
	fprintf(f, "<text x='%d' y='%d' class='tick' text-anchor='end'>%llu</text>"
		"<text x='%d' y='%.1f' class='tick' text-anchor='end'>0</text>", ML - 4, MT + 4,
		(unsigned long long)maxn, ML - 4, y0);
	log_ticks(f, &a, y0, rep->units);
	for (int p = 0; p < 3; p++) {
		__u64 v = report_percentile(rep, h, pct[p]);
		double x = v < res || !v ? zx + zw / 2 : ax(&a, v), ty = 11 + 12 * p;

		fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='" C_BAD "' "
			"stroke-dasharray='4 3'/>", x, ty + 2, x, y0);
		fprintf(f, "<text x='%.1f' y='%.1f' class='pct' text-anchor='%s'>p%g %s</text>",
			x + (x > w - 120 ? -3 : 3), ty, x > w - 120 ? "end" : "start", pct[p],
			fmt_time_res(t, sizeof(t), v, rep->units, res));
	}
	fprintf(f, "</svg>\n");
}

static void time_ticks(FILE *f, const struct report *rep, const struct timeline *tl, double x0,
		       double cw, double y)
{
	int step = tl->n > 6 ? (tl->n + 5) / 6 : 1;
	char t[24];

	for (int i = 0; i <= tl->n; i += step)
		fprintf(f, "<text x='%.1f' y='%.1f' class='tick' text-anchor='middle'>%s</text>",
			x0 + i * cw, y, i ? fmt_time(t, sizeof(t), i * tl->slice_ns, rep->units) : "0");
}

void svg_heatmap(FILE *f, const struct report *rep, const struct timeline *tl, int w, int ht)
{
	__u64 res = report_clock_res(rep), cmax = 0;
	int lo = HIST_LOG2_SLOTS, hi = -1, rows, floor_row = 0;
	double cw, rh, x0 = ML + 20, y0 = ht - MB;
	char t[24];

	while (res > 1 && (2ULL << floor_row) <= res)	/* rows below res: one row */
		floor_row++;
	for (int i = 0; i < tl->n; i++)
		for (int j = 0; j < HIST_LOG2_SLOTS; j++) {
			int r = j < floor_row ? 0 : j;

			if (!tl->s[i].hold[j])
				continue;
			lo = r < lo ? r : lo;
			hi = r > hi ? r : hi;
		}
	fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
		"viewBox='0 0 %d %d'>", w, ht, w, ht);
	if (hi < 0 || !tl->n) {
		fprintf(f, "<text x='%d' y='%d' class='empty' text-anchor='middle'>no hold samples"
			"</text></svg>\n", w / 2, ht / 2);
		return;
	}
	rows = hi - lo + 1;
	cw = (w - MR - x0) / tl->n;
	rh = (double)(ht - MB - 10) / rows;
	for (int i = 0; i < tl->n; i++)
		for (int r = lo; r <= hi; r++) {
			__u64 c = 0;

			for (int j = 0; j < HIST_LOG2_SLOTS; j++)
				c += (j < floor_row ? 0 : j) == r ? tl->s[i].hold[j] : 0;
			cmax = c > cmax ? c : cmax;
		}
	for (int i = 0; i < tl->n; i++)
		for (int r = lo; r <= hi; r++) {
			__u64 c = 0;
			double k;

			for (int j = 0; j < HIST_LOG2_SLOTS; j++)
				c += (j < floor_row ? 0 : j) == r ? tl->s[i].hold[j] : 0;
			if (!c)
				continue;
			k = log1p(c) / log1p(cmax);	/* 0..1, log scale */
			fprintf(f, "<rect x='%.2f' y='%.2f' width='%.2f' height='%.2f' "
				"fill='hsl(%.0f,85%%,%.0f%%)'><title>%llu</title></rect>",
				x0 + i * cw, y0 - (r - lo + 1) * rh, cw + 0.2, rh + 0.2, 55 - 55 * k,
				88 - 58 * k, (unsigned long long)c);
		}
	for (int r = lo; r <= hi; r++) {
		if (rows > 12 && (r - lo) % 2)
			continue;
		if (r == 0 && floor_row)
			fmt_time_res(t, sizeof(t), 0, rep->units, res);
		else
			fmt_time(t, sizeof(t), r ? 1ULL << r : 0, rep->units);
		fprintf(f, "<text x='%.1f' y='%.1f' class='tick' text-anchor='end'>%s</text>", x0 - 4,
			y0 - (r - lo) * rh - rh / 2 + 4, t);
	}
	fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%d' y2='%.1f' stroke='" C_AXIS "'/>", x0, y0,
		w - MR, y0);
	time_ticks(f, rep, tl, x0, cw, y0 + 16);
	fprintf(f, "<text x='%d' y='%d' class='tick' text-anchor='end'>darker = more holds "
		"(log scale, max %llu per cell)</text></svg>\n", w - MR, ht - 4,
		(unsigned long long)cmax);
}

void svg_ops_time(FILE *f, const struct report *rep, const struct timeline *tl, int w, int ht)
{
	__u64 ymax = 1;
	double cw, x0 = ML + 20, y0 = ht - MB, ph = ht - MB - 12;

	fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
		"viewBox='0 0 %d %d'>", w, ht, w, ht);
	if (!tl->n) {
		fprintf(f, "</svg>\n");
		return;
	}
	for (int i = 0; i < tl->n; i++)
		ymax = tl->s[i].ops[0] + tl->s[i].ops[1] > ymax ? tl->s[i].ops[0] + tl->s[i].ops[1] : ymax;
	cw = (w - MR - x0) / tl->n;
	for (int i = 0; i < tl->n; i++) {
		double hp = ph * tl->s[i].ops[0] / ymax, hu = ph * tl->s[i].ops[1] / ymax;
		__u64 holds = 0;

		for (int j = 0; j < HIST_LOG2_SLOTS; j++)
			holds += tl->s[i].hold[j];
		/* the slice's numbers, for tests/html_report.py: they add up to the totals */
		fprintf(f, "<g class='slice' data-pins='%llu' data-unpins='%llu' data-holds='%llu' "
			"data-flushes='%llu' data-violations='%llu'>",
			(unsigned long long)tl->s[i].ops[0], (unsigned long long)tl->s[i].ops[1],
			(unsigned long long)holds, (unsigned long long)tl->s[i].flushes,
			(unsigned long long)tl->s[i].violations);

		if (hp > 0)
			fprintf(f, "<rect x='%.2f' y='%.2f' width='%.2f' height='%.2f' fill='" C_PIN "'>"
				"<title>%llu pins</title></rect>", x0 + i * cw, y0 - hp, cw * 0.85, hp,
				(unsigned long long)tl->s[i].ops[0]);
		if (hu > 0)
			fprintf(f, "<rect x='%.2f' y='%.2f' width='%.2f' height='%.2f' fill='" C_UNPIN "'>"
				"<title>%llu unpins</title></rect>", x0 + i * cw, y0 - hp - hu, cw * 0.85,
				hu, (unsigned long long)tl->s[i].ops[1]);
		if (tl->s[i].violations)
			fprintf(f, "<rect x='%.2f' y='%.2f' width='%.2f' height='6' fill='" C_BAD "'>"
				"<title>%llu violations</title></rect>", x0 + i * cw, y0 + 2, cw * 0.85,
				(unsigned long long)tl->s[i].violations);
		fprintf(f, "</g>");
	}
	fprintf(f, "<line x1='%.1f' y1='%.1f' x2='%d' y2='%.1f' stroke='" C_AXIS "'/>", x0, y0,
		w - MR, y0);
	fprintf(f, "<text x='%.1f' y='%d' class='tick' text-anchor='end'>%llu</text>"
		"<text x='%.1f' y='%.1f' class='tick' text-anchor='end'>0</text>", x0 - 4, 20,
		(unsigned long long)ymax, x0 - 4, y0);
	time_ticks(f, rep, tl, x0, cw, y0 + 20);
	fprintf(f, "</svg>\n");
}

void svg_bars(FILE *f, const char *prefix, const char *const *names, const __u64 *vals, int n,
	      int w)
{
	__u64 max = 1;
	int rh = 22, lw = 90;

	for (int i = 0; i < n; i++)
		max = vals[i] > max ? vals[i] : max;
	fprintf(f, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
		"viewBox='0 0 %d %d'>", w, n * rh + 4, w, n * rh + 4);
	for (int i = 0; i < n; i++) {
		double bw = (w - lw - 90.0) * vals[i] / max;

		fprintf(f, "<text x='%d' y='%d' class='lbl' text-anchor='end'>%s</text>"
			"<rect x='%d' y='%d' width='%.1f' height='%d' fill='" C_PIN "'/>"
			"<text x='%.1f' y='%d' class='lbl' id='%s-%s' data-count='%llu'>%llu</text>",
			lw - 6, i * rh + 15, names[i], lw, i * rh + 3, bw, rh - 6, lw + bw + 5,
			i * rh + 15, prefix, names[i], (unsigned long long)vals[i],
			(unsigned long long)vals[i]);
	}
	fprintf(f, "</svg>\n");
}
