/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Per-cpu state, settings and maps of the checker.  All maps are
 * preallocated: the handlers run inside xen_mc_flush() with IRQs off. */
#ifndef PINSCOPE_MAPS_BPF_H
#define PINSCOPE_MAPS_BPF_H

#include "pinscope.h"

#define HAS(c) (caps & PINSCOPE_CAP_##c)

/* A split lock this cpu holds (or, without lock events, a queued unlock) */
struct held_lock {
	__u64 ptl;
	__u64 pfn;
	__u64 ts;	/* acquired */
	__u64 gen;	/* flush generation when its pin/unpin was queued */
	__u32 op;	/* enum pinscope_op_kind */
	__u32 op_seq;
};

#define UNDECIDED_MAX	16

/* op_flags */
#define OPF_PGD_SEEN	(1 << 0)	/* the walk's PGD was visited */
#define OPF_LOWER_SEEN	(1 << 1)	/* a lower-level page was visited */
#define OPF_ISSUED	(1 << 2)	/* xen_mc_issue() ran: the next flush is final */
#define OPF_FINAL	(1 << 3)	/* the final flush ran */
#define OPF_L4_SEEN	(1 << 4)	/* pin: PIN_L4 queued / unpin: UNPIN queued before walk */
#define OPF_UPGD_SEEN	(1 << 5)	/* unpin: the user pgd was visited (op_upgd_pfn) */

/* pg_flags */
#define PGF_ACTIVE	(1 << 0)
#define PGF_PINNED	(1 << 1)	/* an L1 pin/unpin was queued in this visit */
#define PGF_CB		(1 << 2)	/* a deferred unlock was queued in this visit */
#define PGF_REPORTED	(1 << 3)	/* pte-lock-held already reported for it */

/* dp_flags */
#define DPF_LOCKED	(1 << 0)	/* its page's split lock was held when queued */

struct cpu_state {
	/* the pin or unpin operation running on this cpu */
	__u32 op;			/* enum pinscope_op_kind, NONE when idle */
	__u32 op_flags;
	__u32 op_seq;
	__u32 op_pid;
	__u64 op_ts;
	__u64 op_walk_pgd_pfn;		/* the walk's PGD page */
	__u64 op_pre_unpin[2];		/* unpin: pfns UNPINned before the walk */
	__u64 op_upgd_pfn;		/* unpin: the user pgd, visited before the walk */
	__u32 op_nr_pre_unpin;
	__u32 op_pad;
	/* fentry: PTE pages pinned without a deferred unlock while split locks
	 * are not known to be in use; the operation will tell which they are */
	__u32 op_nr_undecided;
	__u32 op_leaked;		/* locks taken, never handed to a deferred unlock */
	__u64 op_leaked_pfn;
	__u64 op_undecided[UNDECIDED_MAX];
	__u32 op_locks_max;
	__u32 op_vmask;			/* rules already reported in this op */
	char op_comm[PINSCOPE_COMM_LEN];
	/* the page visit in progress */
	__u32 pg_flags;
	__u32 pg_level;
	__u64 pg_pfn;
	__u64 pg_ptl;
	__u64 pg_ts;			/* start, moved past flushes inside the visit */
	/* the last xen_do_pin */
	__u64 dp_pfn;
	__u32 dp_cmd;
	__u32 dp_flags;
	/* multicall batches */
	__u64 gen;			/* flushes started on this cpu */
	__u64 flush_ts;
	__u32 reason;			/* pending enum pinscope_flush_reason */
	__u32 in_flush;
	/* split locks held: FIFO, [head, tail), released entries leave holes */
	__u32 head;
	__u32 tail;
	__u32 nr_held;			/* live entries in [head, tail) */
	__u32 pad2;
	struct held_lock held[PINSCOPE_HELD_MAX];
};

/*
 * The globals and maps: BPF only.  The user-space engine compiles the same
 * checker with its own (user/engine_user.c, user/bpf_shim.h).
 */
#ifndef PINSCOPE_USER_ENGINE

/* Set once a PTE page queued a deferred unlock: the kernel uses split PTE
 * locks (USE_SPLIT_PTE_PTLOCKS is a build-time constant) */
bool split_locks_seen;

/* Settings, written by the loader between open and load */
const volatile __u32 caps = 0;		/* enum pinscope_caps */
const volatile __u32 targ_tgid = 0;	/* -p: only operations of this process */
const volatile __u64 pte_unlock_fn = 0;	/* address of xen_pte_unlock */
const volatile __u64 vmemmap_start = 0;	/* for page_to_pfn() in fentry mode */
const volatile __u64 vmemmap_base_addr = 0;	/* &vmemmap_base, from kallsyms */
const volatile __u64 page_size_of = 64;	/* sizeof(struct page) */
const volatile bool want_stack = true;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PINSCOPE_REPLAY_SLOTS);	/* set by the loader */
	__type(key, __u32);
	__type(value, struct cpu_state);
} cpus SEC(".maps");

/*
 * Statistics of each cpu, indexed like cpus: an ARRAY, whose lookups the
 * verifier inlines on every kernel (a PERCPU_ARRAY lookup is a helper call
 * before 6.10), and in replay one entry per cpu of the trace.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PINSCOPE_REPLAY_SLOTS);	/* set by the loader */
	__type(key, __u32);
	__type(value, struct pinscope_stats);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PINSCOPE_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct pinscope_proc);
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} violations SEC(".maps");

#endif /* !PINSCOPE_USER_ENGINE */

#endif /* PINSCOPE_MAPS_BPF_H */
