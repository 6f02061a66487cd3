/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Time-sliced views for the HTML report: the cumulative stats are
 * snapshotted at slice boundaries (live: every interval; replay: trace time)
 * and each slice keeps what changed in it.  Slices start narrow and double
 * (adjacent pairs merged) whenever TL_MAX_SLICES are full, so any length of
 * trace ends with TL_MAX_SLICES / 2 to TL_MAX_SLICES slices in one pass.
 */
#ifndef PINSCOPE_TIMELINE_H
#define PINSCOPE_TIMELINE_H

#include <stdbool.h>
#include "report/stats.h"

#define TL_MAX_SLICES	120
#define TL_REPLAY_SLICE_NS	100000ULL	/* replay starts at 100 us slices */

struct tl_slice {
	__u64 hold[HIST_LOG2_SLOTS];	/* hold samples (pin + unpin) per log2 bucket */
	__u64 ops[2];
	__u64 locks;
	__u64 flushes;
	__u64 violations;
};

struct timeline {
	__u64 slice_ns;
	__u64 t0;			/* time of the first slice's start */
	__u64 next;			/* end of the open slice, 0 before the start */
	__u64 last_ns;			/* width of the last slice (closed by finish) */
	int n;
	bool finished;
	struct tl_slice s[TL_MAX_SLICES];
	struct tl_slice prev;		/* cumulative at the last snapshot */
	struct pinscope_stats cur;	/* buffer for reads */
};

struct timeline *timeline_new(__u64 slice_ns);
/* Replay: before the event at ts is pushed; true at a boundary, where the
 * caller takes the stats so far for timeline_snapshot() */
bool timeline_replay_due(struct timeline *tl, __u64 ts);
/* At t >= next: close the open slice with cum, then the empty ones before t */
void timeline_snapshot(struct timeline *tl, const struct pinscope_stats *cum, __u64 t);
/* Live: at time t since the start; reads the statistics of the cpus map
 * (user/report/stats.h stats_read()) at a boundary */
int timeline_live_tick(struct timeline *tl, int cpus_fd, __u64 t);
/* The last, partial slice up to t_end, from the final stats */
void timeline_finish(struct timeline *tl, const struct pinscope_stats *final, __u64 t_end);

#endif
