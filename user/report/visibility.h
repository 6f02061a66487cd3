/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Visibility proven on the running kernel (docs/verdict.md): what the probe
 * at attach (user/live/visprobe.h) saw of each rule's steps, as the report
 * shows it.  What the compiler inlined or copied shows here before any
 * verdict rests on it.
 */
#ifndef PINSCOPE_VISIBILITY_H
#define PINSCOPE_VISIBILITY_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "pinscope.h"

enum vis_state {
	VIS_NOT_EXERCISED,	/* the probe's operations never reached the rule */
	VIS_SEEN,		/* checked on every probe operation that reached it */
	VIS_NOT_SEEN,		/* a step it needs was not seen on some operation */
};

struct visibility {
	bool ran;		/* false: not proven (-p, replay, the probe failed) */
	const char *why_not;	/* when !ran */
	__u64 ops[2];		/* pins and unpins during the probe (any process) */
	__u64 pgd_pages;	/* PGD pages visited by them */
	__u8 rule[PINSCOPE_NR_RULES];	/* enum vis_state */
	__u64 violations;	/* records of the probe's window, not in the report */
};

const char *vis_state_name(enum vis_state s);
/* One line: "visibility on this kernel (...): seen ...; not seen ..." */
void visibility_print(FILE *f, const struct visibility *v);

#endif
