/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* -i reports: cumulative text, per-interval text (-R), NDJSON lines (-j) */
#ifndef PINSCOPE_INTERVAL_H
#define PINSCOPE_INTERVAL_H

#include <stdbool.h>
#include <stdio.h>
#include "report/stats.h"

struct interval_opts {
	bool json;		/* one JSON object per line */
	bool reset;		/* text: the interval's own counts only */
	bool timestamp;
};

/* Print the report of cur; prev holds the previous interval's cumulative
 * report (zeroed before the first) and is updated to cur.  0 or -errno */
int interval_report(FILE *f, const struct report *cur, struct report *prev,
		    const struct interval_opts *o);
/* out = the counts of cur that are not in prev (see stats_diff) */
void report_diff(struct report *out, const struct report *cur, const struct report *prev);

#endif
