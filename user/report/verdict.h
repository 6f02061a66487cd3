/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The verdict and what it rests on (docs/verdict.md): operations judged and
 * cut, rules checked exactly / approximately / not at all, input lost.
 */
#ifndef PINSCOPE_VERDICT_H
#define PINSCOPE_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "report/stats.h"

enum verdict {
	VERDICT_CLEAN,		/* >= 1 operation judged, nothing violated */
	VERDICT_VIOLATED,	/* a rule was violated */
	VERDICT_INCONCLUSIVE,	/* no pin/unpin operation judged */
};

struct judged {
	__u64 started;		/* ops.pins + ops.unpins */
	__u64 cut_edges;	/* lost.ops_cut + ops.running: by the start or end of the input */
	__u64 cut_gaps;		/* lost.ops_gap: their cpu lost events while they ran */
	__u64 operations;	/* started - cut_edges - cut_gaps */
	__u64 operations_cut;	/* cut_edges + cut_gaps */
	int rules_exact;
	int rules_approx;
	int rules_not_visible;	/* by the source's coverage, or never seen (rules_unseen) */
	int rules_unexercised;	/* visible, but nothing to judge: 0 checks (not "checked") */
	int rules_unseen;	/* covered, yet not seen on any judged operation */
	int rules_part;		/* checked on some operations, not seen on others */
	bool input_lost;	/* events, records or per-cpu state lost */
};

/*
 * --require (docs/verdict.md): what a clean verdict must also rest on, else it is
 * inconclusive (exit 4).  Bits of struct report's require.
 */
enum verdict_require {
	REQUIRE_VISIBLE	= 1 << 0,	/* every rule visible to the source, seen where judged */
	REQUIRE_EXACT	= 1 << 1,	/* every rule checked exactly (implies visible) */
	REQUIRE_NO_LOSS	= 1 << 2,	/* no input lost */
};
/* "exact,no-loss" -> bits; -1 if a word is none of exact, visible, no-loss */
int verdict_require_parse(const char *list);
/* What of rep->require the report does not meet ("" when met), into buf; true if unmet */
bool verdict_require_unmet(const struct report *rep, const struct judged *j, char *buf,
			   size_t len);

void judged_compute(const struct report *rep, struct judged *j);
enum verdict verdict_of(const struct report *rep, const struct judged *j);
/* "clean", "violated", "inconclusive" (JSON) */
const char *verdict_name(enum verdict v);
/* The exit code of the verdict (user/report/names.h) */
int verdict_exit_code(enum verdict v);
/* The text after "Verdict: " */
void verdict_line(const struct report *rep, char *buf, size_t len);

#endif
