// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "report/timeline.h"

struct timeline *timeline_new(__u64 slice_ns)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	if (tl)
		tl->slice_ns = slice_ns ? slice_ns : 1;
	return tl;
}

/* The cumulative values a slice is the difference of */
static void totals(const struct pinscope_stats *st, struct tl_slice *t)
{
	__u64 l2[HIST_LOG2_SLOTS];

	memset(t, 0, sizeof(*t));
	for (int k = 0; k < 2; k++) {
		for (int p = 0; p < PINSCOPE_NR_PATHS; p++) {	/* every path's holds */
			hist_log2(stats_hold_path(st, p, k), l2);
			for (int j = 0; j < HIST_LOG2_SLOTS; j++)
				t->hold[j] += l2[j];
		}
		t->ops[k] = st->ops[k];
		t->locks += st->locks[k];
	}
	t->flushes = st->flushes;
	t->violations = total_violations(st);
}

static void delta(struct tl_slice *d, const struct tl_slice *now, const struct tl_slice *prev)
{
	const __u64 *a = (const __u64 *)now, *b = (const __u64 *)prev;
	__u64 *o = (__u64 *)d;

	for (size_t i = 0; i < sizeof(*d) / sizeof(__u64); i++)
		o[i] = a[i] - b[i];
}

/* Pairs merged: half the slices, twice as wide */
static void halve(struct timeline *tl)
{
	for (int i = 0; i < tl->n / 2; i++) {
		struct tl_slice m;
		const __u64 *a = (const __u64 *)&tl->s[2 * i], *b = (const __u64 *)&tl->s[2 * i + 1];

		for (size_t k = 0; k < sizeof(m) / sizeof(__u64); k++)
			((__u64 *)&m)[k] = a[k] + b[k];
		tl->s[i] = m;
	}
	tl->n /= 2;
	tl->slice_ns = tl->slice_ns > UINT64_MAX / 2 ? UINT64_MAX : tl->slice_ns * 2;
}

/* TL_MAX_SLICES is even: when full, every slice has its pair */
static void append(struct timeline *tl, const struct tl_slice *s)
{
	if (tl->n == TL_MAX_SLICES)
		halve(tl);
	tl->s[tl->n++] = *s;
}

/*
 * The end of the open slice, which follows the n closed ones; UINT64_MAX
 * (the end of time: no boundary after it) when it is past 2^64 ns, which a
 * trace's time may be near: never wraps
 */
static void set_next(struct timeline *tl)
{
	__u64 w = tl->n + 1;

	if (tl->slice_ns > (UINT64_MAX - tl->t0) / w)
		tl->next = UINT64_MAX;
	else
		tl->next = tl->t0 + w * tl->slice_ns;
}

void timeline_snapshot(struct timeline *tl, const struct pinscope_stats *cum, __u64 t)
{
	struct tl_slice now, d;

	totals(cum, &now);
	delta(&d, &now, &tl->prev);
	tl->prev = now;
	append(tl, &d);
	set_next(tl);
	memset(&d, 0, sizeof(d));
	while (tl->next <= t && tl->next != UINT64_MAX) {
		append(tl, &d);
		set_next(tl);
	}
}

bool timeline_replay_due(struct timeline *tl, __u64 ts)
{
	if (!tl->next) {
		tl->t0 = ts;
		set_next(tl);
	}
	return ts >= tl->next && tl->next != UINT64_MAX;
}

int timeline_live_tick(struct timeline *tl, int cpus_fd, __u64 t)
{
	int err;

	if (!tl->next)
		set_next(tl);	/* t0 = 0: the start */
	if (t < tl->next)
		return 0;
	err = stats_read(cpus_fd, &tl->cur);
	if (err)
		return err;
	timeline_snapshot(tl, &tl->cur, t);
	return 0;
}

void timeline_finish(struct timeline *tl, const struct pinscope_stats *final, __u64 t_end)
{
	struct tl_slice now, d;
	__u64 start;

	if (tl->finished)
		return;
	tl->finished = true;
	if (!tl->next)
		set_next(tl);
	start = tl->next - tl->slice_ns;
	totals(final, &now);
	delta(&d, &now, &tl->prev);
	tl->prev = now;
	append(tl, &d);
	/* the open slice, as wide as it got (a halving may have just doubled it) */
	tl->last_ns = t_end > start ? t_end - start : 0;
	if (tl->last_ns > tl->slice_ns)
		tl->last_ns = tl->slice_ns;
}
