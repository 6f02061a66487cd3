/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Violations summarised per rule, from every record received (not only the
 * ones kept for the list): count, first and last, operations, reasons,
 * processes, cpus and the distinct kernel stacks with their counts.
 * Tables are bounded; what does not fit is counted, not dropped silently.
 */
#ifndef PINSCOPE_SUMMARY_H
#define PINSCOPE_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "report/stats.h"

#define VS_MAX_PROCS	64	/* distinct processes per rule */
#define VS_MAX_STACKS	64	/* distinct stacks per rule */
#define VS_TOP_STACKS	3	/* printed per rule (JSON: VS_MAX_STACKS) */
#define VS_LIST_DEFAULT	5	/* violation lines after the summary by default */
#define VS_LIST_ALL	(-1)	/* --violations all */

struct vs_proc {
	__u32 pid;
	char comm[PINSCOPE_COMM_LEN];
	__u64 count;
};

struct vs_stack {
	__u64 count;
	__u32 nr;
	__u64 frame[PINSCOPE_STACK_DEPTH];
};

struct vs_rule {
	__u64 records;
	struct pinscope_violation first, last;
	__u64 ops[3];				/* enum pinscope_op_kind */
	__u64 reasons[PINSCOPE_NR_REASONS];
	__u64 cpus;				/* mask of cpus < 64 */
	int nr_procs;
	__u64 procs_other;			/* records of processes beyond the table */
	struct vs_proc procs[VS_MAX_PROCS];
	int nr_stacks;
	__u64 stacks_other;			/* records with a stack beyond the table */
	__u64 no_stack;				/* records without a stack (replay, --no-stack) */
	struct vs_stack stacks[VS_MAX_STACKS];
};

struct viol_summary {
	struct vs_rule rule[PINSCOPE_NR_RULES];
};

/* Account one record; allocates rep->vsum on first use. 0 or -ENOMEM */
int summary_add(struct report *rep, const struct pinscope_violation *v);
/*
 * Text: per violated rule, then the first `list` violation lines of those
 * kept (VS_LIST_ALL: all of them; 0: none).
 */
void summary_text(FILE *f, const struct report *rep, int list);
json_object *summary_json(const struct report *rep);
/* One violation line (--violations-live and the list), with its stack if asked */
void violation_print(FILE *f, const struct pinscope_violation *v, bool stack);
/* The same, in replay with where it is in rep's input (w NULL: not known) */
void violation_print_at(FILE *f, const struct pinscope_violation *v, bool stack,
			const struct report *rep, const struct viol_where *w);
/* w's fields into o: "line", "op_line", "mm" (null when unknown) */
void viol_where_json(json_object *o, const struct viol_where *w);
/* One violation record as in docs/json.md: stack as hex strings, symbols */
json_object *violation_json(const struct pinscope_violation *v);
/* Indexes of the rule's processes / stacks, most frequent first; returns how many */
int summary_procs_order(const struct vs_rule *r, int *idx);
int summary_stacks_order(const struct vs_rule *r, int *idx);
/* "0xffffffffa0005290" and "xen_pin_page+0x50"; *known false if no symbol */
void frame_names(__u64 addr, char *hex, size_t hexlen, char *sym, size_t symlen, bool *known);

#endif
