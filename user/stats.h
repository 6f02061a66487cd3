/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Reading the BPF aggregates into one report */
#ifndef PINSCOPE_STATS_H
#define PINSCOPE_STATS_H

#include <linux/types.h>
#include "pinscope.h"

#define TOP_PROCS 10
#define MAX_KEPT_VIOLATIONS 1000

struct top_proc {
	__u32 pid;
	struct pinscope_proc p;
};

struct replay_counts {
	__u64 lines;
	__u64 events;		/* xen events fed to the checker */
	__u64 headers;		/* comments and blank lines */
	__u64 skipped;		/* not xen events */
	__u64 xen_unused;	/* xen events the checker does not need */
};

struct report {
	const char *mode;
	const char *source;	/* replay: "tracepoints" or "mainline" */
	__u32 caps;
	__u64 duration_ns;
	struct pinscope_stats st;
	struct top_proc top[TOP_PROCS];
	int nr_top;
	struct pinscope_violation *viol;	/* the first MAX_KEPT_VIOLATIONS */
	__u64 nr_viol;				/* received from the ring buffer */
	struct replay_counts replay;
	int is_replay;
	__u64 ops_running;	/* live: operations still running at the report, not judged */
};

/* Sum per-cpu stats; 0 or -errno */
int stats_read(int stats_fd, struct pinscope_stats *out);
int stats_top_procs(int procs_fd, struct top_proc *top, int max);
/* Adds src's counters and histograms to dst */
void stats_merge(struct pinscope_stats *dst, const struct pinscope_stats *src);
/* Sorts all[n] (most operations first, then by pid), copies the first max to top */
int top_procs_select(struct top_proc *all, int n, struct top_proc *top, int max);
/* Percentile (0..100) of a log2 histogram, as the upper bound of its bucket */
__u64 hist_percentile(const struct pinscope_hist *h, double pct);
__u64 total_violations(const struct pinscope_stats *st);
struct bpf_object;
struct bpf_map;
/* Live: cpus whose operation is still running (obj's cpus map); count or -errno */
int stats_ops_running(const struct bpf_object *obj, const struct bpf_map *cpus);

#endif
