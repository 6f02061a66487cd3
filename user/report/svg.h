/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Inline SVG charts of the HTML report (user/report/html.c): no script, no network */
#ifndef PINSCOPE_SVG_H
#define PINSCOPE_SVG_H

#include <stdio.h>
#include "report/stats.h"
#include "report/timeline.h"

/* A time histogram on a log2 axis (8 bars per power of two) with p50/p90/p99 lines */
void svg_hist(FILE *f, const struct report *rep, const struct pinscope_hist *h, int w, int ht);
/* Hold time (log2 rows) over the time slices, colour = samples */
void svg_heatmap(FILE *f, const struct report *rep, const struct timeline *tl, int w, int ht);
/* Pins and unpins per time slice, stacked, and violations as red marks */
void svg_ops_time(FILE *f, const struct report *rep, const struct timeline *tl, int w, int ht);
/* Horizontal bars: one per name, with its count; each bar gets id prefix-<name> */
void svg_bars(FILE *f, const char *prefix, const char *const *names, const __u64 *vals, int n,
	      int w);

#endif
