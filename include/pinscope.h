/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The ABI shared by the BPF programs (bpf/) and the loader (user/):
 * fixed-width types only, every name prefixed, every record tagged by its
 * first field.  User space checks record sizes against these structs.
 */
#ifndef PINSCOPE_H
#define PINSCOPE_H

/* cpu numbers replay accepts: NR_CPUS of Debian's kernels (CONFIG_NR_CPUS=8192) */
#define PINSCOPE_MAX_CPUS	8192
/* cpus of one trace the BPF engine of replay holds (its cpus entries) */
#define PINSCOPE_REPLAY_SLOTS	256
/* MC_BATCH in arch/x86/xen/multicalls.c: entries and callbacks per batch */
#define PINSCOPE_MC_BATCH	32
/*
 * Time histograms are log-linear (HdrHistogram-style): values below 32 ns
 * have a bucket each; every power of two [2^k, 2^(k+1)) above is split into
 * 32 equal sub-buckets, each at most 1/32 (3.1 %) of its lower bound wide.
 * Slots cover [0, 2^36) ns (68.7 s); the last slot also takes anything longer.
 */
#define PINSCOPE_HIST_SUB_BITS	5
#define PINSCOPE_HIST_SUB	(1 << PINSCOPE_HIST_SUB_BITS)	/* sub-buckets per octave */
#define PINSCOPE_HIST_MAX_LOG2	36	/* exclusive: slots end at 2^36 ns */
#define PINSCOPE_HIST_SLOTS	((PINSCOPE_HIST_MAX_LOG2 - PINSCOPE_HIST_SUB_BITS + 1) * \
				 PINSCOPE_HIST_SUB)	/* 1024 */
#define PINSCOPE_LIN_SLOTS	66	/* linear buckets 0..64, last = more */
#define PINSCOPE_HELD_MAX	64	/* split locks tracked per cpu */
#define PINSCOPE_COMM_LEN	16
#define PINSCOPE_STACK_DEPTH	16
#define PINSCOPE_REPLAY_BATCH	4096	/* events per BPF_PROG_TEST_RUN */
#define PINSCOPE_MAX_PROCS	4096	/* entries of the top-process map */

#include "pinscope_rules.h"

/* The invariants of the seed patch (include/pinscope_rules.h) */
enum pinscope_rule {
#define PINSCOPE_RULE_ENUM(id, name, scope, exact, approx) PINSCOPE_R_##id,
	PINSCOPE_RULES(PINSCOPE_RULE_ENUM)
#undef PINSCOPE_RULE_ENUM
	PINSCOPE_NR_RULES,
};

/* enum pt_level of arch/x86/xen/mmu.h (6.1); LOWER = "not the PGD, level unknown"
 * (include/pinscope_rules.h PINSCOPE_LEVELS) */
enum pinscope_level {
#define PINSCOPE_LEVEL_ENUM(id, name, report) PINSCOPE_L_##id,
	PINSCOPE_LEVELS(PINSCOPE_LEVEL_ENUM)
#undef PINSCOPE_LEVEL_ENUM
	PINSCOPE_NR_LEVELS,
};

enum pinscope_op_kind {
	PINSCOPE_OP_NONE,
	PINSCOPE_OP_PIN,
	PINSCOPE_OP_UNPIN,
};

/* MMUEXT_* of xen/interface/xen.h used by xen_do_pin() (PINSCOPE_MMUEXTS) */
enum pinscope_mmuext {
#define PINSCOPE_MMUEXT_ENUM(id, value, name) PINSCOPE_MMUEXT_##id = value,
	PINSCOPE_MMUEXTS(PINSCOPE_MMUEXT_ENUM)
#undef PINSCOPE_MMUEXT_ENUM
};

/* enum xen_mc_flush_reason of asm/xen/trace_types.h; NONE = explicit
 * (PINSCOPE_FLUSH_REASONS) */
enum pinscope_flush_reason {
#define PINSCOPE_FLUSH_REASON_ENUM(id, name, report) PINSCOPE_FL_##id,
	PINSCOPE_FLUSH_REASONS(PINSCOPE_FLUSH_REASON_ENUM)
#undef PINSCOPE_FLUSH_REASON_ENUM
	PINSCOPE_NR_FLUSH_REASONS,
};

#define PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING	14
#define PINSCOPE_HYPERCALL_MMUEXT_OP		26
#define PINSCOPE_UVMF_TLB_FLUSH			1

/*
 * What the event source can see.  Chosen by the attach mode (live) or by
 * the events present in a trace (replay); decides how each rule is checked.
 */
enum pinscope_caps {
	PINSCOPE_CAP_PAGE	= 1 << 0, /* page visits with pfn and level */
	PINSCOPE_CAP_PAGE_ALL	= 1 << 1, /* ...including already pinned pages */
	PINSCOPE_CAP_PAGE_EXIT	= 1 << 2, /* end of each page visit */
	PINSCOPE_CAP_PTL	= 1 << 3, /* page visits carry the split lock */
	PINSCOPE_CAP_LOCK	= 1 << 4, /* split lock acquisition */
	PINSCOPE_CAP_UNLOCK	= 1 << 5, /* split lock release */
	PINSCOPE_CAP_DOPIN	= 1 << 6, /* xen_do_pin with cmd and pfn */
	PINSCOPE_CAP_OPEND	= 1 << 7, /* end of __xen_pgd_(un)pin: its return (fentry,
					   * kprobe), the series' xen_mmu_pgd_done
					   * (tracepoints, since issue 27) */
	PINSCOPE_CAP_UVM	= 1 << 8, /* page visits from xen_mc_entry only */
	PINSCOPE_CAP_FLUSH_EXIT	= 1 << 9, /* end of xen_mc_flush */
	PINSCOPE_CAP_UVM_PGD	= 1 << 10, /* PGD visits are the update_va_mapping entries
					    * with UVMF_TLB_FLUSH, whatever function queued them */
	PINSCOPE_CAP_PGD_PFN	= 1 << 11, /* an operation's begin carries its pgd's pfn */
	PINSCOPE_CAP_MMLOCK	= 1 << 12, /* lock events (tracepoints) or PTE page visits
					    * (fentry/kprobe) say whether the mm's
					    * page_table_lock is held (enum pinscope_mmlock);
					    * added to a mode's caps where the source has it */
};

#define PINSCOPE_CAPS_TRACEPOINTS (PINSCOPE_CAP_PAGE | PINSCOPE_CAP_PTL | \
	PINSCOPE_CAP_LOCK | PINSCOPE_CAP_UNLOCK | PINSCOPE_CAP_DOPIN)
#define PINSCOPE_CAPS_FENTRY (PINSCOPE_CAP_PAGE | PINSCOPE_CAP_PAGE_ALL | \
	PINSCOPE_CAP_PAGE_EXIT | PINSCOPE_CAP_UNLOCK | PINSCOPE_CAP_DOPIN | \
	PINSCOPE_CAP_OPEND | PINSCOPE_CAP_FLUSH_EXIT | PINSCOPE_CAP_UVM_PGD | \
	PINSCOPE_CAP_PGD_PFN)
#define PINSCOPE_CAPS_MAINLINE PINSCOPE_CAP_UVM
/* What a trace with pinscope's own event lines shows (PINSCOPE_OWN_LINES):
 * the stock modes', whose events they are (MMLOCK: an mm_locked field) */
#define PINSCOPE_CAPS_OWN_LINES PINSCOPE_CAPS_FENTRY

/*
 * What a run does not record, to make the hooks cheaper (--lean); no rule,
 * no hold time and no loss count depends on any of them.
 */
enum pinscope_lean {
	PINSCOPE_LEAN_PROCS	  = 1 << 0, /* no per-process operation counts */
	PINSCOPE_LEAN_IDLE_FLUSH = 1 << 1, /* flushes counted only inside an
					      operation or while a split lock is held */
	PINSCOPE_LEAN_FLUSH_TIME = 1 << 2, /* no flush latency: xen_mc_flush's return
					      not hooked; only where no rule needs it,
					      tracepoints mode with the series' end of
					      operation (caps OPEND; user/engine/loader.c
					      loader_set_lean()), else dropped */
};
#define PINSCOPE_LEAN_ALL (PINSCOPE_LEAN_PROCS | PINSCOPE_LEAN_IDLE_FLUSH | \
			   PINSCOPE_LEAN_FLUSH_TIME)
/* The bits the hooks' code reads (a live setting's lean, PINSCOPE_LIVE_CONFIGS);
 * FLUSH_TIME leaves a hook unloaded instead */
#define PINSCOPE_LEAN_CODE (PINSCOPE_LEAN_PROCS | PINSCOPE_LEAN_IDLE_FLUSH)

/*
 * The page_table_lock of the mm a pin or unpin works for, as an event saw
 * it (bits 8-9 of arg[0] of LOCK and PAGE events): the lock word read where
 * the split lock is taken (the kernel/patches xen_mmu_pte_lock field
 * mm_locked, spin_is_locked()) or, on stock kernels, at the PTE page's
 * xen_(un)pin_page() (bpf/pinscope.bpf.c mm_lock_state()).
 */
enum pinscope_mmlock {
	PINSCOPE_MMLOCK_UNKNOWN,	/* not recorded (a trace without the field) */
	PINSCOPE_MMLOCK_HELD,
	PINSCOPE_MMLOCK_FREE,
};
#define PINSCOPE_MMLOCK_SHIFT	8
#define PINSCOPE_EV_MMLOCK(a0)	(((a0) >> PINSCOPE_MMLOCK_SHIFT) & 3)

/*
 * The settings a live mode loads its hooks with, each compiled into the hooks
 * as constants (bpf/pinscope.bpf.c LIVE()): C(id, caps, lean, modes, ...)
 * with id the rodata live_cfg that selects it (ids from 1, each once) and
 * modes the PINSCOPE_HM_* of the hooks that run with it.  The loader refuses
 * any other setting for a live mode (user/engine/loader.c); replay takes any.
 * Each setting comes twice (PINSCOPE_LIVE_MM): without and with
 * PINSCOPE_CAP_MMLOCK, which the loader adds where the source records the
 * mm lock (user/live/probe.c mm_lock_recorded(): the series' xen_mmu_pte_lock
 * since issue 24, a stock kernel whose BTF has mm_struct.page_table_lock);
 * so id 2n-1 is the nth setting without it, 2n the same with it.  Each
 * tracepoints setting comes twice before that (PINSCOPE_LIVE_TP): without
 * PINSCOPE_CAP_OPEND, its operations ended by xen_mc_issue's hook (a series
 * before issue 27), and with it, by the series' xen_mmu_pgd_done
 * (user/live/probe.c op_end_traced()); so tracepoints line n is settings
 * 2n-1 (without) and 2n (with).  --lean with the flush's return comes only
 * without the end event (settings 13, 14): with it, --lean hooks no return
 * (user/engine/loader.c loader_set_lean(), PINSCOPE_LEAN_FLUSH_TIME), and
 * the loader refuses the setting like any other not listed here.
 */
#define PINSCOPE_CAPS_TP_FEXIT (PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_FLUSH_EXIT)
#define PINSCOPE_LIVE_MM(C, n, c, l, hm, ...)					\
	C(2 * (n) - 1, c, l, hm, __VA_ARGS__)					\
	C(2 * (n), (c) | PINSCOPE_CAP_MMLOCK, l, hm, __VA_ARGS__)
#define PINSCOPE_LIVE_TP(C, n, c, l, hm, ...)					\
	PINSCOPE_LIVE_MM(C, 2 * (n) - 1, c, l, (hm) | PINSCOPE_HM_TP_ISSUE, __VA_ARGS__) \
	PINSCOPE_LIVE_MM(C, 2 * (n), (c) | PINSCOPE_CAP_OPEND, l, (hm) | PINSCOPE_HM_TP_OPEND, \
			 __VA_ARGS__)
#define PINSCOPE_LIVE_CONFIGS(C, ...)						\
	PINSCOPE_LIVE_TP(C, 1, PINSCOPE_CAPS_TRACEPOINTS, 0, PINSCOPE_HM_TP, __VA_ARGS__) \
	PINSCOPE_LIVE_TP(C, 2, PINSCOPE_CAPS_TRACEPOINTS, PINSCOPE_LEAN_CODE, PINSCOPE_HM_TP, \
			 __VA_ARGS__)						\
	PINSCOPE_LIVE_TP(C, 3, PINSCOPE_CAPS_TP_FEXIT, 0, PINSCOPE_HM_TP | PINSCOPE_HM_TP_FEXIT, \
			 __VA_ARGS__)						\
	PINSCOPE_LIVE_MM(C, 7, PINSCOPE_CAPS_TP_FEXIT, PINSCOPE_LEAN_CODE,	\
			 PINSCOPE_HM_TP | PINSCOPE_HM_TP_FEXIT | PINSCOPE_HM_TP_ISSUE, \
			 __VA_ARGS__)						\
	PINSCOPE_LIVE_MM(C, 9, PINSCOPE_CAPS_FENTRY, 0, PINSCOPE_HM_STOCK, __VA_ARGS__) \
	PINSCOPE_LIVE_MM(C, 10, PINSCOPE_CAPS_FENTRY, PINSCOPE_LEAN_CODE, PINSCOPE_HM_STOCK, \
			 __VA_ARGS__)

/* The path of an operation (OP_BEGIN arg[3]; names: user/report/names.c) */
enum pinscope_path {
	PINSCOPE_PATH_ORDINARY,	/* the caller's mm: fork, exec, exit, context switch */
	PINSCOPE_PATH_SUSPEND,	/* init_mm: xen_mm_pin_all/unpin_all on save, restore, migration */
	PINSCOPE_NR_PATHS,
};

/*
 * Input of the state machine.  Live hooks build one per hook hit; replay
 * parses trace lines into them.  Meaning of arg[] per type:
 */
enum pinscope_ev_type {
	PINSCOPE_EV_NONE,
	PINSCOPE_EV_OP_BEGIN,	/* kind, mm, pgd's pfn (with PGD_PFN caps: live),
				 * path: 1 = suspend (mm is init_mm), 0 = ordinary */
	PINSCOPE_EV_OP_END,	/* kind; tracepoints: mm, pgd (xen_mmu_pgd_done) */
	PINSCOPE_EV_PAGE,	/* kind | mm lock (PINSCOPE_EV_MMLOCK), pfn, level, ptl */
	PINSCOPE_EV_PAGE_EXIT,	/* kind */
	PINSCOPE_EV_LOCK,	/* mm lock (PINSCOPE_EV_MMLOCK), pfn, -, ptl */
	PINSCOPE_EV_UNLOCK,	/* -, -, -, ptl */
	PINSCOPE_EV_DO_PIN,	/* cmd, pfn */
	PINSCOPE_EV_MC_ENTRY,	/* hypercall op, pfn of args[0] (va), args[2] */
	PINSCOPE_EV_CALLBACK,	/* is xen_pte_unlock, -, -, data */
	PINSCOPE_EV_FLUSH_REASON, /* reason */
	PINSCOPE_EV_FLUSH,	/* mcidx, argidx, cbidx */
	PINSCOPE_EV_FLUSH_EXIT,
	PINSCOPE_EV_MC_ISSUE,
	PINSCOPE_EV_END,	/* end of input on this cpu: finish open work */
	PINSCOPE_EV_LOST,	/* the source lost arg[0] events of this cpu here
				 * (tracefs "[LOST k EVENTS]", ring buffer overrun);
				 * arg[0] = 0: an unknown number */
	PINSCOPE_NR_EV_TYPES,
};

struct pinscope_event {
	__u32 type;		/* enum pinscope_ev_type */
	__u32 cpu;
	__u64 ts_ns;
	__u32 pid;
	__u32 slot;		/* the checker's per-cpu entry: live = cpu; replay: the
				 * cpu's rank of appearance (user/engine/checker.c) */
	__u64 arg[4];
	char comm[PINSCOPE_COMM_LEN];
	__u32 seq;		/* replay: the event's number in the input (mod 2^32), copied
				 * into its violation records; live: not set */
	__u32 pad;
};

/* Replay input: user space fills it in the skeleton's .bss, then test-runs */
struct pinscope_replay_buf {
	__u32 nr;
	__u32 pad;
	struct pinscope_event ev[PINSCOPE_REPLAY_BATCH];
};

/* Why a violation was reported (include/pinscope_rules.h); 0 = none */
enum pinscope_reason {
	PINSCOPE_WHY_NONE,
#define PINSCOPE_REASON_ENUM(id, rule, text) PINSCOPE_WHY_##id,
	PINSCOPE_REASONS(PINSCOPE_REASON_ENUM)
#undef PINSCOPE_REASON_ENUM
	PINSCOPE_NR_REASONS,
};

enum pinscope_rec_type {
	PINSCOPE_REC_VIOLATION = 1,
	PINSCOPE_REC_WINDOW = 2,	/* struct pinscope_window (--evidence, live) */
};

struct pinscope_violation {
	__u32 type;		/* PINSCOPE_REC_VIOLATION */
	__u32 rule;		/* enum pinscope_rule */
	__u32 reason;		/* enum pinscope_reason */
	__u32 op;		/* enum pinscope_op_kind */
	__u32 cpu;
	__u32 pid;
	__u64 ts_ns;
	__u64 pfn;
	__u64 detail;		/* rule specific: locks held, ... */
	char comm[PINSCOPE_COMM_LEN];
	__u32 nr_stack;		/* kernel frames in stack[], 0 in replay */
	__u32 seq;		/* replay: the seq of the event that found it, live 0 */
	__u64 stack[PINSCOPE_STACK_DEPTH];
};

/*
 * The flight recorder (bpf/flight.bpf.h, live --evidence): each cpu's last
 * events as the checker received them, in a ring of PINSCOPE_FLIGHT_MIN to
 * PINSCOPE_FLIGHT_MAX slots (a power of two, --flight-events).  Time and pid
 * are read by the recorder; the args are those of struct pinscope_event.
 */
#define PINSCOPE_FLIGHT_MIN	16
#define PINSCOPE_FLIGHT_MAX	4096
#define PINSCOPE_FLIGHT_DEFAULT	512

struct pinscope_flight_ev {
	__u64 ts_ns;
	__u32 type;		/* enum pinscope_ev_type */
	__u32 pid;		/* tgid, as the violation records give it */
	__u64 arg[4];
};

/*
 * One cpu's ring, and the record sent after each violation record (its
 * first field tags it): the map value is sent as it is, the violation
 * copied in.  Its size is that of n slots (the loader sizes the map value).
 */
struct pinscope_window {
	__u32 type;		/* PINSCOPE_REC_WINDOW */
	__u32 n;		/* slots of the ring */
	__u64 head;		/* events recorded on this cpu: the newest is ev[(head - 1) % n] */
	struct pinscope_violation v;	/* the violation it comes with */
	/* fentry/kprobe: the last deferred xen_pte_unlock() the checker saw, of
	 * any cpu (split_locks_seen, bpf/check.bpf.h on_callback()); ts_ns 0: none */
	__u32 split_cpu;
	__u32 split_pad;
	struct pinscope_flight_ev split;
	struct pinscope_flight_ev ev[];	/* [n] */
};

/* count, sum and max first: within the reach of a BPF load's 16-bit
 * offset wherever the slots end (struct pinscope_stats) */
struct pinscope_hist {
	__u64 count;
	__u64 sum;
	__u64 max;
	__u64 slots[PINSCOPE_HIST_SLOTS];
};

struct pinscope_lin_hist {
	__u64 slots[PINSCOPE_LIN_SLOTS];
};

/* Drops and overflows: nothing is lost silently */
struct pinscope_lost {
	__u64 ringbuf;		/* violation records not delivered */
	__u64 held_full;	/* split locks not tracked: per-cpu table full */
	__u64 procs_full;	/* processes not in the top list: map full */
	__u64 unmatched_unlock;	/* unlock of a lock taken before tracing */
	__u64 bad_cpu;		/* events without a per-cpu entry: cannot happen (maps
				 * sized at load, replay refuses more cpus): a guard */
	__u64 ops_cut;		/* operations cut by the start or end of input */
	__u64 input_events;	/* events the source said it lost (EV_LOST) */
	__u64 input_gaps;	/* EV_LOST markers seen */
	__u64 ops_gap;		/* operations not judged: their cpu lost events */
	__u64 clock_back;	/* intervals that ran backwards: not timed */
	__u64 mmuext_unread;	/* live: MMUEXT ops queued that could not be read */
};

/*
 * The statistics of one cpu: the end of its entry in the cpus map (bpf/maps.bpf.h
 * struct cpu_state, whose other fields are the checker's own), so that an event
 * costs one map lookup.  User space sums the entries (user/report/stats.c).
 * Ordered by how often the live hooks touch them: a BPF load or store reaches
 * 32 KiB past its base register, and an entry is 3 KiB of state plus 43 KiB of
 * statistics, so the counters come first and the 8 KiB histograms last, the
 * one written once per operation (op_ns) at the end; a field past the reach
 * costs each access two more instructions.
 */
struct pinscope_stats {
	__u64 events;
	__u64 checked[PINSCOPE_NR_RULES];
	__u64 violated[PINSCOPE_NR_RULES];
	/* operations on which a rule's steps were not all seen: neither
	 * checked nor violated there (the compiler inlined a hooked call, a
	 * hook is missing); per-operation rules only */
	__u64 unseen[PINSCOPE_NR_RULES];
	__u64 flushes;
	__u64 flush_reason[PINSCOPE_NR_FLUSH_REASONS];
	__u64 ops[2];
	__u64 suspend_ops[2];			/* of ops[]: the suspend path's, against
						 * init_mm (xen_mm_pin_all/unpin_all) */
	__u64 suspend_locks;			/* of locks[]: split locks they took */
	__u64 pages[2][8];			/* [op][enum pinscope_level] */
	__u64 locks[2];				/* split locks taken */
	__u64 pte_unlock_cbs;			/* deferred unlocks queued */
	struct pinscope_lost lost;
	struct pinscope_lin_hist flush_entries;
	struct pinscope_lin_hist flush_cbs;
	struct pinscope_lin_hist locks_max;	/* most locks held per op: ordinary path */
	struct pinscope_hist hold[2];		/* [0] pin, [1] unpin: ordinary path */
	struct pinscope_hist flush_ns;		/* fentry..fexit xen_mc_flush */
	struct pinscope_hist op_ns[2];
	/*
	 * The suspend path's own distributions (docs/views.md): its split-lock
	 * holds and most locks held per operation are NOT in hold[] and
	 * locks_max, which are the ordinary path's; a report's totals merge the
	 * two (user/report/stats.c stats_hold()).  Unlike the counters above
	 * (suspend_ops "of ops[]"), a histogram's max cannot be subtracted, so
	 * the paths are kept apart.  Last: only the suspend path reaches them.
	 */
	struct pinscope_lin_hist suspend_locks_max;
	struct pinscope_hist suspend_hold[2];	/* [0] pin, [1] unpin */
};

struct pinscope_proc {
	char comm[PINSCOPE_COMM_LEN];
	__u64 ops[2];
};

#endif /* PINSCOPE_H */
