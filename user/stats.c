// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
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
static void stats_merge(struct pinscope_stats *dst, const struct pinscope_stats *src)
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

void stats_diff(struct pinscope_stats *out, const struct pinscope_stats *cur,
		const struct pinscope_stats *prev)
{
	struct pinscope_hist *oh[] = { &out->hold[0], &out->hold[1], &out->op_ns[0],
				       &out->op_ns[1], &out->flush_ns };
	const struct pinscope_hist *ch[] = { &cur->hold[0], &cur->hold[1], &cur->op_ns[0],
					     &cur->op_ns[1], &cur->flush_ns };
	__u64 *o = (__u64 *)out;
	const __u64 *c = (const __u64 *)cur, *p = (const __u64 *)prev;

	for (size_t i = 0; i < sizeof(*out) / sizeof(__u64); i++)
		o[i] = c[i] - p[i];
	for (int h = 0; h < 5; h++) {
		oh[h]->max = 0;
		for (int i = PINSCOPE_HIST_SLOTS - 1; i >= 0; i--) {
			if (!oh[h]->slots[i])
				continue;
			oh[h]->max = i >= 63 ? ~0ULL : (2ULL << i) - 1;
			break;
		}
		if (oh[h]->max > ch[h]->max)
			oh[h]->max = ch[h]->max;
	}
}

/* The stats map holds one entry per cpu (bpf/maps.bpf.h): their sum */
int stats_read(int fd, struct pinscope_stats *out)
{
	struct pinscope_stats *val = malloc(sizeof(*val));
	int err = 0;

	if (!val)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	for (__u32 cpu = 0; cpu < PINSCOPE_MAX_CPUS; cpu++) {
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
	qsort(all, n, sizeof(*all), cmp_top);
	if (n > max)
		n = max;
	memcpy(top, all, n * sizeof(*all));
	free(all);
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

/* log2 layout: slot i holds [2^i, 2^(i+1)) ns (slot 0 also 0): the slots
 * that end at or below ns */
__u64 hist_count_below(const struct pinscope_hist *h, __u64 ns)
{
	__u64 n = 0;

	for (int i = 0; i < PINSCOPE_HIST_SLOTS && i < 63 && (2ULL << i) <= ns; i++)
		n += h->slots[i];
	return n;
}

__u64 total_violations(const struct pinscope_stats *st)
{
	__u64 n = 0;

	for (int i = 0; i < PINSCOPE_NR_RULES; i++)
		n += st->violated[i];
	return n;
}
