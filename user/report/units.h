/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Times for people: ns/us/ms/s per value or forced (-u), and the clock's resolution */
#ifndef PINSCOPE_UNITS_H
#define PINSCOPE_UNITS_H

#include <stddef.h>
#include <linux/types.h>
#include "report/stats.h"

enum time_unit { UNIT_AUTO, UNIT_NS, UNIT_US, UNIT_MS, UNIT_S };

/* "ns", "us", "ms", "s" -> unit; -1 if none of them */
int unit_parse(const char *s);
/*
 * ns as text: UNIT_AUTO picks the largest unit keeping the number >= 1 and
 * prints 3 significant digits ("727us", "1.05ms"); a forced unit keeps ns
 * precision where it needs decimals ("0.727ms").  Returns buf.
 */
const char *fmt_time(char *buf, size_t len, __u64 ns, enum time_unit u);
/*
 * As fmt_time, but a value below the clock resolution res (> 1 ns: the
 * trace's timestamps are multiples of res) reads "< 1us".
 */
const char *fmt_time_res(char *buf, size_t len, __u64 ns, enum time_unit u, __u64 res);

/*
 * Replay: the coarsest power of ten (up to 1 s) dividing every timestamp
 * seen so far; *res = 0 before the first.  1000 for tracefs' 6 decimals.
 */
void clock_res_note(__u64 *res, __u64 ts_ns);
/* The report's resolution in ns: 1 when live or unknown */
__u64 report_clock_res(const struct report *rep);
/* Samples shorter than the clock resolution (they read 0 ns) */
__u64 hist_below_res(const struct pinscope_hist *h, __u64 res);
/*
 * The percentile as reported (text, JSON, HTML): hist_percentile(), moved to
 * the nearest multiple of the clock resolution when it is coarser than 1 ns
 * (every sample is such a multiple).
 */
__u64 report_percentile(const struct report *rep, const struct pinscope_hist *h, double pct);

#endif
