// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/ksyms.h"
#include "report/names.h"
#include "report/summary.h"

#define U64(v) json_object_new_uint64((uint64_t)(v))

static void add_proc(struct vs_rule *r, const struct pinscope_violation *v)
{
	for (int i = 0; i < r->nr_procs; i++)
		if (r->procs[i].pid == v->pid &&
		    !memcmp(r->procs[i].comm, v->comm, PINSCOPE_COMM_LEN)) {
			r->procs[i].count++;
			return;
		}
	if (r->nr_procs == VS_MAX_PROCS) {
		r->procs_other++;
		return;
	}
	r->procs[r->nr_procs].pid = v->pid;
	memcpy(r->procs[r->nr_procs].comm, v->comm, PINSCOPE_COMM_LEN);
	r->procs[r->nr_procs++].count = 1;
}

static void add_stack(struct vs_rule *r, const struct pinscope_violation *v)
{
	__u32 nr = v->nr_stack < PINSCOPE_STACK_DEPTH ? v->nr_stack : PINSCOPE_STACK_DEPTH;

	if (!nr) {
		r->no_stack++;
		return;
	}
	for (int i = 0; i < r->nr_stacks; i++)
		if (r->stacks[i].nr == nr &&
		    !memcmp(r->stacks[i].frame, v->stack, nr * sizeof(v->stack[0]))) {
			r->stacks[i].count++;
			return;
		}
	if (r->nr_stacks == VS_MAX_STACKS) {
		r->stacks_other++;
		return;
	}
	r->stacks[r->nr_stacks].nr = nr;
	memcpy(r->stacks[r->nr_stacks].frame, v->stack, nr * sizeof(v->stack[0]));
	r->stacks[r->nr_stacks++].count = 1;
}

int summary_add(struct report *rep, const struct pinscope_violation *v)
{
	struct vs_rule *r;

	if (!rep->vsum)
		rep->vsum = calloc(1, sizeof(*rep->vsum));
	if (!rep->vsum)
		return -ENOMEM;
	if (v->rule >= PINSCOPE_NR_RULES)
		return 0;
	r = &rep->vsum->rule[v->rule];
	if (!r->records++)
		r->first = *v;
	r->last = *v;
	r->ops[v->op < 3 ? v->op : 0]++;
	if (v->reason < PINSCOPE_NR_REASONS)
		r->reasons[v->reason]++;
	if (v->cpu < 64)
		r->cpus |= 1ULL << v->cpu;
	add_proc(r, v);
	add_stack(r, v);
	return 0;
}

/* Indexes of n counts, largest first (stable) */
static int by_count(int *idx, int n, const void *base, size_t size, size_t count_off)
{
	for (int i = 0; i < n; i++) {
		__u64 c = *(const __u64 *)((const char *)base + i * size + count_off);
		int j = i;

		for (; j > 0; j--) {
			__u64 p = *(const __u64 *)((const char *)base + idx[j - 1] * size + count_off);

			if (p >= c)
				break;
			idx[j] = idx[j - 1];
		}
		idx[j] = i;
	}
	return n;
}

int summary_procs_order(const struct vs_rule *r, int *idx)
{
	return by_count(idx, r->nr_procs, r->procs, sizeof(r->procs[0]),
			offsetof(struct vs_proc, count));
}

int summary_stacks_order(const struct vs_rule *r, int *idx)
{
	return by_count(idx, r->nr_stacks, r->stacks, sizeof(r->stacks[0]),
			offsetof(struct vs_stack, count));
}

void frame_names(__u64 addr, char *hex, size_t hexlen, char *sym, size_t symlen, bool *known)
{
	const char *name;
	__u64 off = 0;

	snprintf(hex, hexlen, "0x%llx", (unsigned long long)addr);
	name = ksyms_lookup(addr, &off);
	*known = name != NULL;
	snprintf(sym, symlen, "%s+0x%llx", name ? name : "?", (unsigned long long)off);
}

/* "; mm 0x..., FILE:OPLINE-LINE": where a replayed violation is (docs/input.md) */
static void print_where(FILE *f, const struct report *rep, const struct viol_where *w)
{
	bool dat = rep->replay.format && !strcmp(rep->replay.format, "trace.dat");

	if (w->mm)
		fprintf(f, "; mm 0x%llx", (unsigned long long)w->mm);
	if (!w->line)
		return;
	fprintf(f, "; %s %s ", rep->input ? rep->input : "the input", dat ? "record" : "line");
	if (w->op_line && w->op_line < w->line)
		fprintf(f, "%llu (operation from %llu)", (unsigned long long)w->line,
			(unsigned long long)w->op_line);
	else
		fprintf(f, "%llu", (unsigned long long)w->line);
}

void violation_print(FILE *f, const struct pinscope_violation *v, bool stack)
{
	violation_print_at(f, v, stack, NULL, NULL);
}

void violation_print_at(FILE *f, const struct pinscope_violation *v, bool stack,
			const struct report *rep, const struct viol_where *w)
{
	char comm[COMM_SAFE_LEN];
	const char *sym;
	__u64 off;

	fprintf(f, "VIOLATION %-18s %5llu.%06llu cpu %u pid %u (%s) %s pfn 0x%llx: %s",
		rule_name(v->rule), (unsigned long long)(v->ts_ns / 1000000000ULL),
		(unsigned long long)(v->ts_ns % 1000000000ULL / 1000), v->cpu, v->pid,
		comm_safe(comm, v->comm),
		op_name(v->op), (unsigned long long)v->pfn, reason_text(v->reason));
	if (v->rule == PINSCOPE_R_LOCKS_BOUNDED || v->rule == PINSCOPE_R_LOCKS_RELEASED)
		fprintf(f, " (%llu locks)", (unsigned long long)v->detail);
	if (rep && w)
		print_where(f, rep, w);
	fputc('\n', f);
	for (__u32 i = 0; stack && i < v->nr_stack && i < PINSCOPE_STACK_DEPTH; i++) {
		sym = ksyms_lookup(v->stack[i], &off);
		if (sym)
			fprintf(f, "    %#llx %s+%#llx\n", (unsigned long long)v->stack[i], sym,
				(unsigned long long)off);
		else
			fprintf(f, "    %#llx\n", (unsigned long long)v->stack[i]);
	}
}

static void print_when(FILE *f, const char *what, const struct pinscope_violation *v)
{
	char comm[COMM_SAFE_LEN];

	fprintf(f, "  %-5s %llu.%06llu cpu %u pid %u (%s) %s pfn 0x%llx\n", what,
		(unsigned long long)(v->ts_ns / 1000000000ULL),
		(unsigned long long)(v->ts_ns % 1000000000ULL / 1000), v->cpu, v->pid,
		comm_safe(comm, v->comm),
		op_name(v->op), (unsigned long long)v->pfn);
}

static void rule_text(FILE *f, const struct report *rep, int rule)
{
	const struct vs_rule *r = &rep->vsum->rule[rule];
	__u64 violated = rep->st.violated[rule];
	int idx[VS_MAX_STACKS > VS_MAX_PROCS ? VS_MAX_STACKS : VS_MAX_PROCS], n;
	char comm[COMM_SAFE_LEN];
	char hex[24], sym[160];
	bool known;

	fprintf(f, "\n%s: %llu violations", rule_name(rule), (unsigned long long)violated);
	if (r->records != violated)
		fprintf(f, " (%llu records received: the others were lost, see Lost)",
			(unsigned long long)r->records);
	fputc('\n', f);
	if (!r->records)
		return;
	print_when(f, "first", &r->first);
	print_when(f, "last", &r->last);
	fprintf(f, "  operations: pin %llu, unpin %llu%s; cpus:", (unsigned long long)r->ops[1],
		(unsigned long long)r->ops[2], r->ops[0] ? ", outside an operation" : "");
	for (int c = 0; c < 64; c++)
		if (r->cpus & (1ULL << c))
			fprintf(f, " %d", c);
	fprintf(f, "\n  reasons:");
	for (int i = 0; i < PINSCOPE_NR_REASONS; i++)
		if (r->reasons[i])
			fprintf(f, " %s (%llu)", reason_text(i), (unsigned long long)r->reasons[i]);
	fprintf(f, "\n  processes (%d%s):", r->nr_procs, r->procs_other ? "+" : "");
	n = by_count(idx, r->nr_procs, r->procs, sizeof(r->procs[0]),
		     offsetof(struct vs_proc, count));
	for (int i = 0; i < n && i < 8; i++)
		fprintf(f, "%s %s/%u %llu", i ? "," : "", comm_safe(comm, r->procs[idx[i]].comm),
			r->procs[idx[i]].pid, (unsigned long long)r->procs[idx[i]].count);
	if (n > 8 || r->procs_other)
		fprintf(f, ", %s%d more", r->procs_other ? "over " : "", n - 8 > 0 ? n - 8 : 0);
	fputc('\n', f);
	if (!r->nr_stacks) {
		fprintf(f, "  stacks: none recorded (%s)\n",
			rep->is_replay ? "a replay has no kernel stacks" : "--no-stack");
		return;
	}
	n = by_count(idx, r->nr_stacks, r->stacks, sizeof(r->stacks[0]),
		     offsetof(struct vs_stack, count));
	fprintf(f, "  stacks: %d distinct%s", r->nr_stacks, r->stacks_other ? "+" : "");
	if (r->stacks_other)
		fprintf(f, " (%llu records with further stacks not told apart)",
			(unsigned long long)r->stacks_other);
	if (r->no_stack)
		fprintf(f, ", %llu records without one", (unsigned long long)r->no_stack);
	fprintf(f, "; the most frequent:\n");
	for (int i = 0; i < n && i < VS_TOP_STACKS; i++) {
		const struct vs_stack *s = &r->stacks[idx[i]];

		fprintf(f, "    %llu x\n", (unsigned long long)s->count);
		for (__u32 k = 0; k < s->nr; k++) {
			frame_names(s->frame[k], hex, sizeof(hex), sym, sizeof(sym), &known);
			fprintf(f, "      %s %s\n", hex, known ? sym : "");
		}
	}
}

void summary_text(FILE *f, const struct report *rep, int list)
{
	__u64 total = total_violations(&rep->st), kept;
	__u64 n;

	if (!total)
		return;
	fprintf(f, "\nViolations: %llu; per rule, then the first of them (--violations all|N)\n",
		(unsigned long long)total);
	for (int r = 0; rep->vsum && r < PINSCOPE_NR_RULES; r++)
		if (rep->vsum->rule[r].records || rep->st.violated[r])
			rule_text(f, rep, r);
	kept = rep->nr_viol < MAX_KEPT_VIOLATIONS ? rep->nr_viol : MAX_KEPT_VIOLATIONS;
	n = list == VS_LIST_ALL || (__u64)list > kept ? kept : (__u64)list;
	if (!rep->viol || !n)
		return;
	fprintf(f, "\nViolation list: %llu of %llu", (unsigned long long)n, (unsigned long long)total);
	if (kept < total && n == kept)
		fprintf(f, " (the first %d are kept)", MAX_KEPT_VIOLATIONS);
	fputc('\n', f);
	for (__u64 i = 0; i < n; i++)
		violation_print_at(f, &rep->viol[i], false, rep,
				   rep->viol_at ? &rep->viol_at[i] : NULL);
}

static json_object *stack_json(const __u64 *frame, __u32 nr, json_object **symbols)
{
	json_object *a = json_object_new_array();
	char hex[24], sym[160];
	bool known;

	*symbols = json_object_new_array();
	for (__u32 k = 0; k < nr && k < PINSCOPE_STACK_DEPTH; k++) {
		frame_names(frame[k], hex, sizeof(hex), sym, sizeof(sym), &known);
		json_object_array_add(a, json_object_new_string(hex));
		json_object_array_add(*symbols, known ? json_object_new_string(sym) : NULL);
	}
	return a;
}

json_object *violation_json(const struct pinscope_violation *v)
{
	json_object *o = json_object_new_object(), *syms;
	char comm[COMM_SAFE_LEN];

	comm_safe(comm, v->comm);
	json_object_object_add(o, "invariant", json_object_new_string(rule_name(v->rule)));
	json_object_object_add(o, "cpu", U64(v->cpu));
	json_object_object_add(o, "pid", U64(v->pid));
	json_object_object_add(o, "comm", json_object_new_string(comm));
	json_object_object_add(o, "ts_ns", U64(v->ts_ns));
	json_object_object_add(o, "pfn", U64(v->pfn));
	json_object_object_add(o, "reason", json_object_new_string(reason_text(v->reason)));
	json_object_object_add(o, "op", json_object_new_string(op_name(v->op)));
	json_object_object_add(o, "detail", U64(v->detail));
	json_object_object_add(o, "stack", stack_json(v->stack, v->nr_stack, &syms));
	json_object_object_add(o, "symbols", syms);
	return o;
}

void viol_where_json(json_object *o, const struct viol_where *w)
{
	char mm[24];

	snprintf(mm, sizeof(mm), "0x%llx", (unsigned long long)w->mm);
	json_object_object_add(o, "line", w->line ? U64(w->line) : NULL);
	json_object_object_add(o, "op_line", w->op_line ? U64(w->op_line) : NULL);
	json_object_object_add(o, "mm", w->mm ? json_object_new_string(mm) : NULL);
}

static json_object *rule_json(const struct report *rep, int rule)
{
	const struct vs_rule *r = &rep->vsum->rule[rule];
	json_object *o = json_object_new_object(), *ops = json_object_new_object();
	json_object *reasons = json_object_new_object(), *cpus = json_object_new_array();
	json_object *procs = json_object_new_array(), *stacks = json_object_new_array();
	int idx[VS_MAX_STACKS > VS_MAX_PROCS ? VS_MAX_STACKS : VS_MAX_PROCS], n;

	json_object_object_add(o, "violations", U64(rep->st.violated[rule]));
	json_object_object_add(o, "records", U64(r->records));
	json_object_object_add(o, "first", violation_json(&r->first));
	json_object_object_add(o, "last", violation_json(&r->last));
	json_object_object_add(ops, "pin", U64(r->ops[1]));
	json_object_object_add(ops, "unpin", U64(r->ops[2]));
	json_object_object_add(ops, "none", U64(r->ops[0]));
	json_object_object_add(o, "ops", ops);
	for (int i = 0; i < PINSCOPE_NR_REASONS; i++)
		if (r->reasons[i])
			json_object_object_add(reasons, reason_text(i), U64(r->reasons[i]));
	json_object_object_add(o, "reasons", reasons);
	for (int c = 0; c < 64; c++)
		if (r->cpus & (1ULL << c))
			json_object_array_add(cpus, U64(c));
	json_object_object_add(o, "cpus", cpus);
	n = by_count(idx, r->nr_procs, r->procs, sizeof(r->procs[0]),
		     offsetof(struct vs_proc, count));
	for (int i = 0; i < n; i++) {
		json_object *p = json_object_new_object();
		char comm[COMM_SAFE_LEN];

		comm_safe(comm, r->procs[idx[i]].comm);
		json_object_object_add(p, "pid", U64(r->procs[idx[i]].pid));
		json_object_object_add(p, "comm", json_object_new_string(comm));
		json_object_object_add(p, "count", U64(r->procs[idx[i]].count));
		json_object_array_add(procs, p);
	}
	json_object_object_add(o, "processes", procs);
	json_object_object_add(o, "processes_other", U64(r->procs_other));
	n = by_count(idx, r->nr_stacks, r->stacks, sizeof(r->stacks[0]),
		     offsetof(struct vs_stack, count));
	for (int i = 0; i < n; i++) {
		json_object *s = json_object_new_object(), *syms;

		json_object_object_add(s, "count", U64(r->stacks[idx[i]].count));
		json_object_object_add(s, "stack", stack_json(r->stacks[idx[i]].frame,
							      r->stacks[idx[i]].nr, &syms));
		json_object_object_add(s, "symbols", syms);
		json_object_array_add(stacks, s);
	}
	json_object_object_add(o, "stacks", stacks);
	json_object_object_add(o, "stacks_other", U64(r->stacks_other));
	json_object_object_add(o, "no_stack", U64(r->no_stack));
	return o;
}

json_object *summary_json(const struct report *rep)
{
	json_object *o = json_object_new_object();

	for (int r = 0; rep->vsum && r < PINSCOPE_NR_RULES; r++)
		if (rep->vsum->rule[r].records)
			json_object_object_add(o, rule_name(r), rule_json(rep, r));
	return o;
}
