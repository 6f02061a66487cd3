/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* How exactly each rule is checked with a given event source (docs/invariants.md) */
#ifndef PINSCOPE_COVERAGE_H
#define PINSCOPE_COVERAGE_H

#include <stdio.h>
#include <linux/types.h>

enum coverage { COV_NONE, COV_APPROX, COV_EXACT };

enum coverage rule_coverage(__u32 rule, __u32 caps);
const char *coverage_name(enum coverage c);
/* One line on what the hold time measures with these caps */
const char *hold_meaning(__u32 caps);
/* `pinscope --list-rules`: each rule, its scope and coverage per source */
void rules_list(FILE *f);

#endif
