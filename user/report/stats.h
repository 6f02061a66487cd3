/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Reading the BPF aggregates into one report */
#ifndef PINSCOPE_STATS_H
#define PINSCOPE_STATS_H

#include <stdbool.h>
#include <linux/types.h>
#include "pinscope.h"

#define TOP_PROCS 10
#define MAX_KEPT_VIOLATIONS 1000

struct viol_summary;
struct timeline;
struct evidence;

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
	__u64 first_ts, last_ts;	/* trace time of the first event, the latest one */
	__u64 clock_back;	/* events whose timestamp is before the one read before */
	bool interrupted;	/* a signal stopped the replay ... */
	__u64 interrupted_at;	/* ... after this line (text) or record (trace.dat) */
	const char *format;	/* "text" or "trace.dat" */
	const char *codec;	/* "plain", "gzip" or "xz" */
	__u32 pid;		/* -p, 0 none */
	__u64 pid_events;	/* -p: xen events of that pid */
};

/*
 * Live: the saves and restores (and migrations) the run went through, as the
 * guest's clocks tell them (user/live/restore.c, docs/json.md "restores"):
 * the kernel adds the time it was suspended to CLOCK_BOOTTIME and
 * CLOCK_REALTIME on resume (timekeeping_resume()), not to CLOCK_MONOTONIC,
 * the clock of pinscope's events.  Counted, never a verdict.
 */
struct restores {
	bool watched;		/* live: the clocks were watched (else not reported) */
	__u64 seen;		/* CLOCK_BOOTTIME gained more than 1 ms on CLOCK_MONOTONIC
				 * (beyond the skew of the reads: live/restore.h) */
	__u64 suspended_ns;	/* that gain, all restores: the time suspended */
	__u64 suspended_max_ns;	/* the largest one */
	__u64 mono_step_max_ns;	/* the most CLOCK_MONOTONIC advanced over a watch
				 * interval (100 ms apart) that held a restore */
	__u64 wall_step_max_ns;	/* the same of CLOCK_REALTIME */
	__u64 cpus_renumbered;	/* cpus online after a restore that were not before it */
	__u64 cpus_gone;	/* cpus online before a restore that were not after it */
	__u64 cpus_unread;	/* restores whose online cpus could not be read */
};

/* Replay: where a violation kept is in the input (text lines or trace.dat records) */
struct viol_where {
	__u64 line;		/* of the event at which it was found, 0: unknown */
	__u64 op_line;		/* of its operation's begin, 0: none or unknown */
	__u64 mm;		/* the operation's mm as the trace prints it, 0: unknown */
};

struct report {
	const char *mode;
	const char *source;	/* replay: "tracepoints" or "mainline" */
	const char *hook_problems;	/* live: what the compiler did to hooked functions */
	const struct visibility *vis;	/* live: report/visibility.h, NULL if none */
	__u32 caps;
	__u32 lean;		/* enum pinscope_lean: what this run did not record */
	__u64 duration_ns;
	struct pinscope_stats st;
	struct top_proc top[TOP_PROCS];
	int nr_top;
	struct pinscope_violation *viol;	/* the first MAX_KEPT_VIOLATIONS */
	__u64 nr_viol;				/* received from the ring buffer */
	struct viol_where *viol_at;		/* replay: where each of viol[] is, else NULL */
	const char *input;			/* replay: the file's name ("<stdin>" for -) */
	struct replay_counts replay;
	int is_replay;
	__u64 ops_running;	/* live: operations still running at the report, not judged */
	struct restores restores;	/* live: saves and restores seen */
	/* views (user/report/units.h): clock resolution of the replayed trace's
	 * timestamps (0: live or unknown, 1000: microseconds), and -u */
	__u64 clock_res_ns;
	int units;				/* enum time_unit */
	int viol_list;				/* violation lines in text (VS_LIST_ALL) */
	struct viol_summary *vsum;		/* user/report/summary.h, NULL if none */
	struct timeline *timeline;		/* user/report/timeline.h, NULL if none */
	__u32 require;				/* --require: enum verdict_require */
	bool summary_only;			/* --summary: text of the verdict and violations only */
	const struct evidence *evidence;	/* --evidence: its snippets (report/evidence.h) */
};

/* Free what the report holds (violations kept, where they are, summary,
 * timeline); the counters stay */
void report_free(struct report *rep);

/* Sum the per-cpu stats of an ARRAY map whose values end with a struct
 * pinscope_stats (the skeleton's cpus map); 0 or -errno */
int stats_read(int cpus_fd, struct pinscope_stats *out);
/* Only the first n entries (replay: the slots of the trace's cpus) */
int stats_read_n(int cpus_fd, __u32 n, struct pinscope_stats *out);
/* The stats of entry cpu alone */
int stats_read_cpu(int cpus_fd, __u32 cpu, struct pinscope_stats *out);
/* out = cur - prev; a histogram's max becomes the smaller of cur's max and
 * the upper bound of the highest bucket that grew (the interval's own max
 * is not kept) */
void stats_diff(struct pinscope_stats *out, const struct pinscope_stats *cur,
		const struct pinscope_stats *prev);
int stats_top_procs(int procs_fd, struct top_proc *top, int max);
/* Bounds of slot i of a log-linear histogram: [lo, hi) ns */
__u64 hist_slot_lo(int i);
__u64 hist_slot_hi(int i);
/* The log2 view: out[j] = samples in [2^j, 2^(j+1)) ns, out[0] also holds 0 */
#define HIST_LOG2_SLOTS PINSCOPE_HIST_MAX_LOG2
void hist_log2(const struct pinscope_hist *h, __u64 out[HIST_LOG2_SLOTS]);
/*
 * Samples with a value < ns: exact when ns is a power of two up to 2^35 (or
 * any slot bound, or above max); else interpolated inside ns's slot.
 */
__u64 hist_count_below(const struct pinscope_hist *h, __u64 ns);
/*
 * Percentile (0..100): the value of rank ceil(count * pct / 100), placed
 * inside its slot by linear interpolation of the ranks in the slot, never
 * above max.  Slots are at most 1/32 of their value wide.
 */
/* Adds src's counters and histograms to dst */
void stats_merge(struct pinscope_stats *dst, const struct pinscope_stats *src);
/* The suspend path's split-lock holds and most locks per operation are a
 * distribution of their own (include/pinscope.h suspend_hold), the ordinary
 * path's are hold[] and locks_max (enum pinscope_path; names: path_name()) */
/* One path's hold histogram of op kind k (0 pin, 1 unpin), its locks_max */
const struct pinscope_hist *stats_hold_path(const struct pinscope_stats *st, int path, int k);
const struct pinscope_lin_hist *stats_locks_max_path(const struct pinscope_stats *st, int path);
/* One path's operations of kind k, its split locks taken (the counters count
 * the suspend path's "of" the totals: include/pinscope.h) */
__u64 stats_ops_path(const struct pinscope_stats *st, int path, int k);
__u64 stats_locks_path(const struct pinscope_stats *st, int path);
/* Every path together: the hold histogram of op kind k, the most locks per op */
void stats_hold(const struct pinscope_stats *st, int k, struct pinscope_hist *out);
void stats_locks_max(const struct pinscope_stats *st, struct pinscope_lin_hist *out);
/* Any operation or hold on the suspend path (an interval's holds may be of an
 * operation begun before it) */
bool stats_suspend_seen(const struct pinscope_stats *st);
/* A live run's suspend-path holds were counted but not timed: every one read
 * 0 ns (xen_suspend() pins between timekeeping_suspend() and
 * timekeeping_resume(), where bpf_ktime_get_ns() stands still) */
bool stats_path_untimed(const struct pinscope_stats *st, int path, bool replay);
/* The highest non-empty value of a linear histogram (the last slot: more), 0 if none */
__u64 lin_hist_top(const struct pinscope_lin_hist *h);
/* Sorts all[n] (most operations first, then by pid), copies the first max to top */
int top_procs_select(struct top_proc *all, int n, struct top_proc *top, int max);
/* Percentile (0..100) of a log2 histogram, as the upper bound of its bucket */
__u64 hist_percentile(const struct pinscope_hist *h, double pct);
/* Samples with a value < ns; exact when ns is a power of two */
__u64 hist_count_below(const struct pinscope_hist *h, __u64 ns);
__u64 total_violations(const struct pinscope_stats *st);
struct bpf_object;
struct bpf_map;
/* Live: cpus whose operation is still running (obj's cpus map); count or -errno */
int stats_ops_running(const struct bpf_object *obj, const struct bpf_map *cpus);

#endif
