/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Per-cpu state, settings and maps of the checker.  All maps are
 * preallocated: the handlers run inside xen_mc_flush() with IRQs off. */
#ifndef PINSCOPE_MAPS_BPF_H
#define PINSCOPE_MAPS_BPF_H

#include "pinscope.h"

/*
 * What the event source sees and what the run leaves out: the checker reads
 * them from its struct ps (check.bpf.h), where a live hook puts its mode's
 * as constants (pinscope.bpf.c LIVE(): one copy of the hook per setting, the
 * verifier keeps the run's and removes the others, their loads included) and
 * replay the loader's settings (caps, lean)
 */
#define CAP_IN(set, c) ((set) & PINSCOPE_CAP_##c)
#define LEAN_IN(set, c) ((set) & PINSCOPE_LEAN_##c)
#define HAS(c) CAP_IN(p->run_caps, c)
#define LEAN(c) LEAN_IN(p->run_lean, c)

/* A split lock this cpu holds (or, without lock events, a queued unlock) */
struct held_lock {
	__u64 ptl;
	__u64 pfn;
	__u64 ts;	/* acquired */
	__u64 gen;	/* flush generation when its pin/unpin was queued */
	__u16 op;	/* enum pinscope_op_kind */
	__u16 suspend;	/* taken on the suspend path (OPF_SUSPEND): its hold
			 * goes to suspend_hold[] (include/pinscope.h) */
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
#define OPF_L4_LATE	(1 << 6)	/* unpin: the pgd's UNPIN queued after the walk began */
#define OPF_L4_PGD	(1 << 7)	/* the pin/unpin of the op's own pgd was seen */
#define OPF_FOREIGN	(1 << 8)	/* -p: another process's operation runs (op.kind NONE):
					 * its split locks are held, never judged */
#define OPF_SUSPEND	(1 << 9)	/* on the suspend path (its mm is init_mm) */

/* pg_flags */
#define PGF_ACTIVE	(1 << 0)
#define PGF_PINNED	(1 << 1)	/* an L1 pin/unpin was queued in this visit */
#define PGF_CB		(1 << 2)	/* a deferred unlock was queued in this visit */
#define PGF_REPORTED	(1 << 3)	/* pte-lock-held already reported for it */

/* dp_flags */
#define DPF_LOCKED	(1 << 0)	/* its page's split lock was held when queued */

/*
 * What fentry/kprobe mode infers about the split locks it cannot see
 * (xen_pte_lock() is inlined there): PTE pages pinned without a deferred
 * unlock while split locks are not known to be in use (the operation will
 * tell which they are), and locks taken but never handed to one.
 */
struct ps_op_fentry {
	__u32 nr_undecided;
	__u32 leaked;			/* locks never handed to a deferred unlock */
	__u64 leaked_pfn;
	__u64 undecided[UNDECIDED_MAX];
};

/*
 * The pin or unpin running on a cpu.  Starting one sets its counts, flags
 * and identity (on_op_begin()); an array or pfn is read only as far as they
 * say (nr_pre_unpin, nr_undecided, OPF_PGD_SEEN, OPF_UPGD_SEEN, leaked), so
 * the 200 bytes behind them are never cleared.
 */
struct ps_op {
	__u32 kind;			/* enum pinscope_op_kind, NONE when idle */
	__u32 seq;			/* tags the locks it takes (struct held_lock) */
	__u32 pid;
	__u32 vmask;			/* per-op rules already reported */
	char comm[PINSCOPE_COMM_LEN];
	/* the order of its steps, as the rules see it */
	__u32 flags;			/* OPF_* */
	__u32 nr_pre_unpin;
	__u64 pgd_pfn;			/* its pgd, when the begin tells it (caps PGD_PFN) */
	__u64 walk_pgd_pfn;		/* the walk's PGD page */
	__u64 upgd_pfn;			/* unpin: the user pgd, visited before the walk */
	__u64 pre_unpin[2];		/* unpin: pfns UNPINned before the walk */
	/* inference of the source: fentry/kprobe mode only */
	struct ps_op_fentry fe;
	/* metrics */
	__u64 ts;			/* started */
	__u32 locks_max;		/* most split locks held at once */
	__u32 pad;
};

/* The page visit in progress (xen_(un)pin_page) */
struct ps_visit {
	__u32 flags;			/* PGF_* */
	__u32 level;
	__u64 pfn;
	__u64 ptl;
	__u64 ts;			/* start, moved past flushes inside the visit */
	__u32 mmlock;			/* fentry/kprobe: the mm's page_table_lock
					 * at a PTE page's visit (enum pinscope_mmlock) */
	__u32 pad;
};

/* The last xen_do_pin */
struct ps_dopin {
	__u64 pfn;
	__u32 cmd;
	__u32 flags;			/* DPF_* */
};

/* Multicall batches and their flushes */
struct ps_batch {
	__u64 gen;			/* flushes started on this cpu */
	__u64 flush_ts;
	__u32 reason;			/* pending enum pinscope_flush_reason */
	__u32 in_flush;			/* a timed flush runs (FL_TIMED) */
};

/*
 * Live, stock kernels: MMUEXT ops queued but not yet written.  xen_do_pin()
 * queues its op through xen_extend_mmuext_op(): the xen_mc_entry (new entry)
 * or xen_mc_extend_args (one more op in the last entry) tracepoint fires
 * before the op is copied into the batch, so the ops are read at the next
 * event of the cpu, in their place in its event order (pinscope.bpf.c).
 */
#define PEND_MAX	4
struct ps_mmuext {
	__u64 ptr;			/* the entry's first op (args[0]), 0: none */
	__u32 first;			/* ops of the entry already read */
	__u32 n;			/* ops in the entry */
};

/* Split locks held: FIFO, [head, tail), released entries leave holes */
struct ps_held {
	__u32 head;
	__u32 tail;
	__u32 nr;			/* live entries in [head, tail) */
	__u32 pad;
	struct held_lock lock[PINSCOPE_HELD_MAX];
};

struct cpu_state {
	struct ps_op op;
	__u32 ops_started;		/* numbers the operations (op.seq) */
	__u32 pad;
	__u64 busy;			/* live: counted in nr_busy (pinscope.bpf.c) */
	struct ps_visit pg;
	struct ps_dopin dp;
	struct ps_batch mc;
	struct ps_mmuext pend;
	struct ps_held held;
	/* last: user space reads it at the end of the map's value
	 * (include/pinscope.h), and the checker's state stays within the
	 * 16-bit offsets of BPF loads */
	struct pinscope_stats st;
};

_Static_assert(sizeof(struct cpu_state) ==
	       __builtin_offsetof(struct cpu_state, st) + sizeof(struct pinscope_stats),
	       "struct pinscope_stats ends struct cpu_state");

/*
 * The globals and maps: BPF only.  The user-space engine compiles the same
 * checker with its own (user/engine/engine_user.c, user/engine/bpf_shim.h).
 */
#ifndef PINSCOPE_USER_ENGINE

/* Set once a PTE page queued a deferred unlock: the kernel uses split PTE
 * locks (USE_SPLIT_PTE_PTLOCKS is a build-time constant) */
bool split_locks_seen;

/* Set once an insert into procs failed: the map is full for good */
bool procs_map_full;

/* Settings, written by the loader between open and load */
const volatile __u32 caps = 0;		/* enum pinscope_caps */
const volatile __u32 targ_tgid = 0;	/* -p: only operations of this process */
const volatile __u32 lean = 0;		/* enum pinscope_lean (--lean) */
const volatile __u32 live_cfg = 0;	/* live: caps and lean as an id of PINSCOPE_LIVE_CONFIGS */
const volatile __u64 pte_unlock_fn = 0;	/* address of xen_pte_unlock */
const volatile __u64 vmemmap_start = 0;	/* for page_to_pfn() in fentry mode */
const volatile __u64 vmemmap_base_addr = 0;	/* &vmemmap_base, from kallsyms */
const volatile __u64 page_offset_base_addr = 0;	/* &page_offset_base, from kallsyms */
const volatile __u64 m2p_addr = 0;		/* &machine_to_phys_mapping, from kallsyms */
const volatile __u64 page_size_of = 64;	/* sizeof(struct page) */
const volatile __u64 mm_ptl_off = 0;	/* offsetof(struct mm_struct, page_table_lock),
					 * from vmlinux BTF (caps MMLOCK, stock modes) */
const volatile __u64 init_mm_addr = 0;	/* &init_mm, from kallsyms: the suspend path */
const volatile bool want_stack = true;

/*
 * Each cpu's state and statistics: one lookup per event.  An ARRAY, whose
 * lookups the verifier inlines on every kernel (a PERCPU_ARRAY lookup is a
 * helper call before 6.10); in replay one entry per cpu of the trace.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PINSCOPE_REPLAY_SLOTS);	/* set by the loader */
	__type(key, __u32);
	__type(value, struct cpu_state);
} cpus SEC(".maps");

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
