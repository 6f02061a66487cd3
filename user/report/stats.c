// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "report/stats.h"

static void hist_merge(struct pinscope_hist *dst, const struct pinscope_hist *src)
{
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* The time histograms of a struct pinscope_stats (every other field is a
 * counter): their max is merged and differenced on its own */
#define STATS_NR_HISTS 7
#define STATS_HISTS(st) { &(st)->hold[0], &(st)->hold[1], &(st)->op_ns[0], &(st)->op_ns[1], \
			  &(st)->flush_ns, &(st)->suspend_hold[0], &(st)->suspend_hold[1] }

void stats_merge(struct pinscope_stats *dst, const struct pinscope_stats *src)
{
	struct pinscope_hist *dh[STATS_NR_HISTS] = STATS_HISTS(dst);
	const struct pinscope_hist *sh[STATS_NR_HISTS] = STATS_HISTS(src);
	struct pinscope_hist saved[STATS_NR_HISTS];
	__u64 *d = (__u64 *)dst;
	const __u64 *s = (const __u64 *)src;

	for (int i = 0; i < STATS_NR_HISTS; i++)
		saved[i] = *dh[i];
	for (size_t i = 0; i < sizeof(*dst) / sizeof(__u64); i++)
		d[i] += s[i];
	for (int i = 0; i < STATS_NR_HISTS; i++) {
		*dh[i] = saved[i];
		hist_merge(dh[i], sh[i]);
	}
}

void stats_diff(struct pinscope_stats *out, const struct pinscope_stats *cur,
		const struct pinscope_stats *prev)
{
	struct pinscope_hist *oh[STATS_NR_HISTS] = STATS_HISTS(out);
	const struct pinscope_hist *ch[STATS_NR_HISTS] = STATS_HISTS(cur);
	__u64 *o = (__u64 *)out;
	const __u64 *c = (const __u64 *)cur, *p = (const __u64 *)prev;

	for (size_t i = 0; i < sizeof(*out) / sizeof(__u64); i++)
		o[i] = c[i] - p[i];
	for (int h = 0; h < STATS_NR_HISTS; h++) {
		oh[h]->max = 0;
		for (int i = PINSCOPE_HIST_SLOTS - 1; i >= 0; i--) {
			if (!oh[h]->slots[i])
				continue;
			oh[h]->max = i == PINSCOPE_HIST_SLOTS - 1 ? ~0ULL : hist_slot_hi(i) - 1;
			break;
		}
		if (oh[h]->max > ch[h]->max)
			oh[h]->max = ch[h]->max;
	}
}

const struct pinscope_hist *stats_hold_path(const struct pinscope_stats *st, int path, int k)
{
	return path == PINSCOPE_PATH_SUSPEND ? &st->suspend_hold[k & 1] : &st->hold[k & 1];
}

bool stats_path_untimed(const struct pinscope_stats *st, int path, bool replay)
{
	const struct pinscope_hist *h = st->suspend_hold;

	return !replay && path == PINSCOPE_PATH_SUSPEND && h[0].count + h[1].count &&
	       !h[0].max && !h[1].max;
}

const struct pinscope_lin_hist *stats_locks_max_path(const struct pinscope_stats *st, int path)
{
	return path == PINSCOPE_PATH_SUSPEND ? &st->suspend_locks_max : &st->locks_max;
}

__u64 stats_ops_path(const struct pinscope_stats *st, int path, int k)
{
	return path == PINSCOPE_PATH_SUSPEND ? st->suspend_ops[k & 1] :
	       st->ops[k & 1] - st->suspend_ops[k & 1];
}

__u64 stats_locks_path(const struct pinscope_stats *st, int path)
{
	return path == PINSCOPE_PATH_SUSPEND ? st->suspend_locks :
	       st->locks[0] + st->locks[1] - st->suspend_locks;
}

bool stats_suspend_seen(const struct pinscope_stats *st)
{
	return st->suspend_ops[0] || st->suspend_ops[1] || st->suspend_hold[0].count ||
	       st->suspend_hold[1].count;
}

__u64 lin_hist_top(const struct pinscope_lin_hist *h)
{
	for (int i = PINSCOPE_LIN_SLOTS - 1; i > 0; i--)
		if (h->slots[i])
			return i;
	return 0;
}

void stats_hold(const struct pinscope_stats *st, int k, struct pinscope_hist *out)
{
	*out = st->hold[k & 1];
	hist_merge(out, &st->suspend_hold[k & 1]);
}

void stats_locks_max(const struct pinscope_stats *st, struct pinscope_lin_hist *out)
{
	for (int i = 0; i < PINSCOPE_LIN_SLOTS; i++)
		out->slots[i] = st->locks_max.slots[i] + st->suspend_locks_max.slots[i];
}

/* The cpus map holds one entry per cpu (bpf/maps.bpf.h): their sum */
int stats_read(int fd, struct pinscope_stats *out)
{
	return stats_read_n(fd, ~0U, out);
}

/* Entries [from, to) of the map, each ending with its cpu's stats */
static int stats_sum(int fd, __u32 from, __u32 to, struct pinscope_stats *out)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char *val;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.value_size < sizeof(*out))
		return -EINVAL;
	if (from >= info.max_entries)
		return -ENOENT;
	val = malloc(info.value_size);
	if (!val)
		return -ENOMEM;
	for (__u32 cpu = from; cpu < info.max_entries && cpu < to; cpu++) {
		if (bpf_map_lookup_elem(fd, &cpu, val)) {
			err = -errno;
			break;
		}
		stats_merge(out, (const void *)(val + info.value_size - sizeof(*out)));
	}
	free(val);
	return err;
}

int stats_read_n(int fd, __u32 n, struct pinscope_stats *out)
{
	return stats_sum(fd, 0, n, out);
}

int stats_read_cpu(int fd, __u32 cpu, struct pinscope_stats *out)
{
	return stats_sum(fd, cpu, cpu + 1, out);
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

__u64 hist_slot_lo(int i)
{
	int k;

	if (i < PINSCOPE_HIST_SUB)
		return i;
	k = (i >> PINSCOPE_HIST_SUB_BITS) + PINSCOPE_HIST_SUB_BITS - 1;	/* octave */
	return (__u64)(PINSCOPE_HIST_SUB + (i & (PINSCOPE_HIST_SUB - 1))) <<
	       (k - PINSCOPE_HIST_SUB_BITS);
}

__u64 hist_slot_hi(int i)
{
	return i + 1 < PINSCOPE_HIST_SLOTS ? hist_slot_lo(i + 1) : 1ULL << PINSCOPE_HIST_MAX_LOG2;
}

void hist_log2(const struct pinscope_hist *h, __u64 out[HIST_LOG2_SLOTS])
{
	memset(out, 0, HIST_LOG2_SLOTS * sizeof(out[0]));
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		__u64 lo = hist_slot_lo(i);
		int j = 0;

		while (j + 1 < HIST_LOG2_SLOTS && lo >= 2ULL << j)
			j++;
		out[j] += h->slots[i];
	}
}

__u64 hist_count_below(const struct pinscope_hist *h, __u64 ns)
{
	__u64 n = 0;

	if (ns > h->max)
		return h->count;
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		__u64 lo = hist_slot_lo(i), hi = hist_slot_hi(i);

		if (hi <= ns) {
			n += h->slots[i];
			continue;
		}
		if (lo < ns && h->slots[i])	/* ns inside the slot: its share */
			n += (__u64)((double)h->slots[i] * (ns - lo) / (hi - lo));
		break;
	}
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
	if (want > h->count)
		want = h->count;
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		__u64 lo = hist_slot_lo(i), hi = hist_slot_hi(i), v;

		if (seen + h->slots[i] < want) {
			seen += h->slots[i];
			continue;
		}
		if (i == PINSCOPE_HIST_SLOTS - 1 && h->max >= hi)
			hi = h->max + 1;	/* the last slot is open-ended */
		/* the rank's place among the slot's samples, spread evenly */
		v = lo + (__u64)((hi - lo) * ((want - seen) - 0.5) / h->slots[i]);
		return v < h->max ? v : h->max;
	}
	return h->max;
}

void report_free(struct report *rep)
{
	free(rep->viol);
	free(rep->viol_at);
	free(rep->vsum);
	free(rep->timeline);
	rep->viol = NULL;
	rep->viol_at = NULL;
	rep->vsum = NULL;
	rep->timeline = NULL;
}

__u64 total_violations(const struct pinscope_stats *st)
{
	__u64 n = 0;

	for (int i = 0; i < PINSCOPE_NR_RULES; i++)
		n += st->violated[i];
	return n;
}

/* Offset of member name in struct type id of btf, its type in *type_id */
static int member_offset(const struct btf *btf, __u32 id, const char *name, __u32 *type_id)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));
	const struct btf_member *m;

	if (!t || !btf_is_struct(t))
		return -ENOENT;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), name)) {
			*type_id = m[i].type;
			return btf_member_bit_offset(t, i) / 8;
		}
	return -ENOENT;
}

/* Offset of the u32 op.kind of the cpus map's value (struct cpu_state of
 * bpf/maps.bpf.h), from the object's BTF: its layout stays the checker's */
static int op_offset(const struct bpf_object *obj, const struct bpf_map *cpus)
{
	const struct btf *btf = bpf_object__btf(obj);
	__u32 op_type, kind_type;
	int op, kind;

	if (!btf)
		return -ENOENT;
	op = member_offset(btf, bpf_map__btf_value_type_id(cpus), "op", &op_type);
	if (op < 0)
		return op;
	kind = member_offset(btf, op_type, "kind", &kind_type);
	if (kind < 0 || btf__resolve_size(btf, kind_type) != sizeof(__u32))
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
