// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "stats.h"

static void hist_merge(struct pinscope_hist *dst, const struct pinscope_hist *src)
{
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* Everything is a counter except the histograms' max */
void stats_merge(struct pinscope_stats *dst, const struct pinscope_stats *src)
{
	struct pinscope_hist *dh[] = { &dst->hold[0], &dst->hold[1], &dst->op_ns[0],
				       &dst->op_ns[1], &dst->flush_ns };
	const struct pinscope_hist *sh[] = { &src->hold[0], &src->hold[1], &src->op_ns[0],
					     &src->op_ns[1], &src->flush_ns };
	struct pinscope_hist saved[5];
	__u64 *d = (__u64 *)dst;
	const __u64 *s = (const __u64 *)src;

	for (int i = 0; i < 5; i++)
		saved[i] = *dh[i];
	for (size_t i = 0; i < sizeof(*dst) / sizeof(__u64); i++)
		d[i] += s[i];
	for (int i = 0; i < 5; i++) {
		*dh[i] = saved[i];
		hist_merge(dh[i], sh[i]);
	}
}

/* The stats map holds one entry per cpu (bpf/maps.bpf.h): their sum */
int stats_read(int fd, struct pinscope_stats *out)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct pinscope_stats *val;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	val = malloc(sizeof(*val));
	if (!val)
		return -ENOMEM;
	for (__u32 cpu = 0; cpu < info.max_entries; cpu++) {
		if (bpf_map_lookup_elem(fd, &cpu, val)) {
			err = -errno;
			break;
		}
		stats_merge(out, val);
	}
	free(val);
	return err;
}

static int cmp_top(const void *a, const void *b)
{
	const struct top_proc *x = a, *y = b;
	__u64 tx = x->p.ops[0] + x->p.ops[1], ty = y->p.ops[0] + y->p.ops[1];

	return tx < ty ? 1 : tx > ty ? -1 : (x->pid > y->pid) - (x->pid < y->pid);
}

int stats_top_procs(int fd, struct top_proc *top, int max)
{
	struct top_proc *all = calloc(PINSCOPE_MAX_PROCS, sizeof(*all));
	__u32 key, prev;
	int n = 0, first = 1;

	if (!all)
		return -ENOMEM;
	while (n < PINSCOPE_MAX_PROCS && !bpf_map_get_next_key(fd, first ? NULL : &prev, &key)) {
		first = 0;
		prev = key;
		if (!bpf_map_lookup_elem(fd, &key, &all[n].p))
			all[n++].pid = key;
	}
	n = top_procs_select(all, n, top, max);
	free(all);
	return n;
}

int top_procs_select(struct top_proc *all, int n, struct top_proc *top, int max)
{
	qsort(all, n, sizeof(*all), cmp_top);
	if (n > max)
		n = max;
	memcpy(top, all, n * sizeof(*all));
	return n;
}

__u64 hist_percentile(const struct pinscope_hist *h, double pct)
{
	__u64 want, seen = 0;

	if (!h->count)
		return 0;
	want = (__u64)(h->count * pct / 100.0 + 0.999999);
	if (!want)
		want = 1;
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		seen += h->slots[i];
		if (seen >= want) {
			__u64 upper = (i >= 63) ? ~0ULL : (2ULL << i) - 1;

			return upper < h->max ? upper : h->max;
		}
	}
	return h->max;
}

__u64 total_violations(const struct pinscope_stats *st)
{
	__u64 n = 0;

	for (int i = 0; i < PINSCOPE_NR_RULES; i++)
		n += st->violated[i];
	return n;
}

/* Offset of member NAME of struct type ID, -ENOENT if none */
static int member_offset(const struct btf *btf, __u32 id, const char *name, __u32 *type)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	const struct btf_member *m;

	if (!t || !btf_is_struct(t))
		return -ENOENT;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), name)) {
			*type = m[i].type;
			return btf_member_bit_offset(t, i) / 8;
		}
	return -ENOENT;
}

/* Offset of the u32 operation kind in the cpus map's value (op.kind of
 * struct cpu_state, bpf/maps.bpf.h), from the object's BTF: its layout stays
 * the checker's */
static int op_offset(const struct bpf_object *obj, const struct bpf_map *cpus)
{
	const struct btf *btf = bpf_object__btf(obj);
	int op, kind;
	__u32 type;

	if (!btf)
		return -ENOENT;
	op = member_offset(btf, bpf_map__btf_value_type_id(cpus), "op", &type);
	if (op < 0)
		return op;
	kind = member_offset(btf, type, "kind", &type);
	if (kind < 0 || btf__resolve_size(btf, type) != sizeof(__u32))
		return -ENOENT;
	return op + kind;
}

int stats_ops_running(const struct bpf_object *obj, const struct bpf_map *cpus)
{
	int off = op_offset(obj, cpus), n = 0, fd = bpf_map__fd(cpus);
	__u32 nr = bpf_map__max_entries(cpus), op;
	char *val;

	if (off < 0)
		return off;
	val = malloc(bpf_map__value_size(cpus));
	if (!val)
		return -ENOMEM;
	for (__u32 cpu = 0; cpu < nr; cpu++) {
		if (bpf_map_lookup_elem(fd, &cpu, val)) {
			n = -errno;
			break;
		}
		memcpy(&op, val + off, sizeof(op));
		n += op != PINSCOPE_OP_NONE;
	}
	free(val);
	return n;
}
