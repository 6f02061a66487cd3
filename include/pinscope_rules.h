/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one list of pinscope's rules, violation reasons, hooks and the names
 * of the events' values (X-macros).
 * Everything else is derived from it: the enums of include/pinscope.h, the
 * names and reason texts (user/report/names.c), the coverage per event source
 * (user/report/coverage.c), the programs each mode loads (user/engine/loader.c, through
 * skel->progs: a hook without its program does not compile), the
 * tracepoints and functions probed (user/live/probe.c), the events that tell a
 * patched kernel's trace (user/input/trace.c), and `pinscope --list-rules` /
 * `--list-hooks` for scripts (bench, tests).  Adding a rule or a hook is one
 * line here plus its logic (bpf/check.bpf.h, bpf/pinscope.bpf.c).
 * Only macros: included by BPF and user space alike.
 */
#ifndef PINSCOPE_RULES_H
#define PINSCOPE_RULES_H

/*
 * Rules (docs/invariants.md; ids and names are stable):
 * R(id, name, scope, exact, approx)
 *   scope:  OP (reported once per operation) or PAGE (once per PTE page)
 *   exact:  the event source checks it exactly when this holds,
 *   approx: else approximately when this holds, else not at all;
 *           both are conditions on `caps` (enum pinscope_caps) written
 *           with PINSCOPE_HAS(), evaluated where a `caps` is in scope.
 */
#define PINSCOPE_RULES(R)							\
	R(PGD_LAST,	       "pgd-last",	     OP,			\
	  PINSCOPE_HAS(PAGE),					/* mainline: UVMF_TLB_FLUSH marks the PGD */ \
	  PINSCOPE_HAS(UVM))							\
	R(PTE_LOCK_HELD,       "pte-lock-held",	     PAGE,			\
	  PINSCOPE_HAS(LOCK) && PINSCOPE_HAS(PTL),		/* fentry: lock inferred from the callback */ \
	  PINSCOPE_HAS(PAGE_EXIT))						\
	R(UNLOCK_AFTER_FLUSH,  "unlock-after-flush",  PAGE,			\
	  PINSCOPE_HAS(UNLOCK),							\
	  0)									\
	R(NO_SPLIT_NO_L1_PIN,  "no-split-no-l1-pin",  PAGE,			\
	  PINSCOPE_HAS(PTL),					/* fentry: no lock inferred in the visit */ \
	  PINSCOPE_HAS(PAGE_EXIT))						\
	R(LOCKS_BOUNDED,       "locks-bounded",	     OP,			\
	  PINSCOPE_HAS(LOCK),					/* else counted from deferred unlocks */ \
	  1)									\
	R(L4_AFTER_WALK,       "l4-after-walk",	     OP,			\
	  PINSCOPE_HAS(DOPIN) && PINSCOPE_HAS(PAGE),				\
	  0)									\
	R(LOCKS_RELEASED,      "locks-released",     OP,			\
	  PINSCOPE_HAS(LOCK) && PINSCOPE_HAS(UNLOCK),		/* fentry: from the deferred unlocks */ \
	  PINSCOPE_HAS(UNLOCK))							\
	R(MM_LOCK_HELD,	       "mm-lock-held",	     PAGE,			\
	  PINSCOPE_HAS(MMLOCK) && PINSCOPE_HAS(LOCK),		/* stock: read at the PTE page's visit */ \
	  PINSCOPE_HAS(MMLOCK))

#define PINSCOPE_HAS(c) ((caps) & PINSCOPE_CAP_##c)

/*
 * Reasons a violation is reported for: W(id, rule, text).  A reason belongs
 * to one rule (the tests check every record against it).
 */
#define PINSCOPE_REASONS(W)							\
	W(LOWER_AFTER_PGD,     PGD_LAST,						\
	  "lower-level page visited after the PGD")				\
	W(QUEUED_UNLOCKED,     PTE_LOCK_HELD,					\
	  "PTE page queued without its split lock held")			\
	W(UNLOCK_BEFORE_FLUSH, UNLOCK_AFTER_FLUSH,				\
	  "split lock released before its batch was flushed")			\
	W(PINNED_WITHOUT_LOCK, NO_SPLIT_NO_L1_PIN,				\
	  "PTE page pinned on its own without a split lock")			\
	W(TOO_MANY_LOCKS,      LOCKS_BOUNDED,					\
	  "more split locks held than a batch has callbacks")			\
	W(L4_BEFORE_PGD,       L4_AFTER_WALK,					\
	  "PIN_L4_TABLE queued before the walk visited the PGD")		\
	W(WALK_BEFORE_UNPIN,   L4_AFTER_WALK,					\
	  "walk started before the pgd was unpinned")				\
	W(LOCK_LEFT_HELD,      LOCKS_RELEASED,					\
	  "split lock still held after the final flush")			\
	W(MM_LOCK_FREE,	       MM_LOCK_HELD,					\
	  "split lock taken without the mm's page_table_lock held")

/*
 * Hooks: H(prog, kind, target, modes, origin)
 *   prog:   the program in bpf/pinscope.bpf.c, SEC("?kind/target")
 *   kind:   raw_tp, fentry, fexit, kprobe or kretprobe
 *   target: the tracepoint (raw_tp; also the event's name in text traces)
 *           or the kernel function; empty for the replay program
 *   modes:  when the loader enables it (PINSCOPE_HM_<modes>)
 *   origin: MAINLINE tracepoint, PATCH tracepoint (kernel/patches: its
 *           events in a trace mean tracepoints caps), FUNC, NONE
 */
#define PINSCOPE_HM_LIVE	(1 << 0)	/* every live mode */
#define PINSCOPE_HM_TP		(1 << 1)	/* tracepoints mode */
#define PINSCOPE_HM_TP_FEXIT	(1 << 2)	/* tracepoints mode, if xen_mc_flush has BTF */
#define PINSCOPE_HM_FENTRY	(1 << 3)
#define PINSCOPE_HM_KPROBE	(1 << 4)
#define PINSCOPE_HM_REPLAY	(1 << 5)	/* BPF_PROG_TEST_RUN of parsed events */
/* tracepoints mode, where the kernel has the series' xen_mmu_pgd_done: the
 * operation's end (caps OPEND) */
#define PINSCOPE_HM_TP_OPEND	(1 << 6)
/* tracepoints mode, where it has not (a series before issue 27): the end is
 * taken from the operation's xen_mc_issue and the flush after it */
#define PINSCOPE_HM_TP_ISSUE	(1 << 7)
#define PINSCOPE_HM_FENTRY_TP_FEXIT (PINSCOPE_HM_FENTRY | PINSCOPE_HM_TP_FEXIT)
/* stock kernels: xen_do_pin's ops and the PGD updates from the multicall
 * entries, which no inlining removes (bpf/pinscope.bpf.c tp_mc_entry) */
#define PINSCOPE_HM_STOCK (PINSCOPE_HM_FENTRY | PINSCOPE_HM_KPROBE)

#define PINSCOPE_HOOKS(H) PINSCOPE_LIVE_HOOKS(H) PINSCOPE_REPLAY_HOOK(H)

/* The hooks of the live modes */
#define PINSCOPE_LIVE_HOOKS(H)							\
	H(tp_mc_callback,     raw_tp,	 xen_mc_callback,     LIVE,	MAINLINE) \
	H(tp_mc_flush_reason, raw_tp,	 xen_mc_flush_reason, LIVE,	MAINLINE) \
	H(tp_mc_flush,	      raw_tp,	 xen_mc_flush,	      LIVE,	MAINLINE) \
	H(tp_mc_issue,	      raw_tp,	 xen_mc_issue,	      TP_ISSUE,	MAINLINE) \
	H(tp_pgd_pin,	      raw_tp,	 xen_mmu_pgd_pin,     TP,	MAINLINE) \
	H(tp_pgd_unpin,	      raw_tp,	 xen_mmu_pgd_unpin,   TP,	MAINLINE) \
	H(tp_mc_entry,	      raw_tp,	 xen_mc_entry,	      STOCK,	MAINLINE) \
	H(tp_mc_extend_args,  raw_tp,	 xen_mc_extend_args,  STOCK,	MAINLINE) \
	H(tp_pte_lock,	      raw_tp,	 xen_mmu_pte_lock,    TP,	PATCH)	  \
	H(tp_pte_unlock,      raw_tp,	 xen_mmu_pte_unlock,  TP,	PATCH)	  \
	H(tp_pin_page,	      raw_tp,	 xen_mmu_pin_page,    TP,	PATCH)	  \
	H(tp_unpin_page,      raw_tp,	 xen_mmu_unpin_page,  TP,	PATCH)	  \
	H(tp_do_pin,	      raw_tp,	 xen_mmu_do_pin,      TP,	PATCH)	  \
	H(tp_pgd_done,	      raw_tp,	 xen_mmu_pgd_done,    TP_OPEND,	PATCH)	  \
	H(fe_pgd_pin,	      fentry,	 __xen_pgd_pin,	      FENTRY,	FUNC)	  \
	H(fx_pgd_pin,	      fexit,	 __xen_pgd_pin,	      FENTRY,	FUNC)	  \
	H(fe_pgd_unpin,	      fentry,	 __xen_pgd_unpin,     FENTRY,	FUNC)	  \
	H(fx_pgd_unpin,	      fexit,	 __xen_pgd_unpin,     FENTRY,	FUNC)	  \
	H(fe_pin_page,	      fentry,	 xen_pin_page,	      FENTRY,	FUNC)	  \
	H(fx_pin_page,	      fexit,	 xen_pin_page,	      FENTRY,	FUNC)	  \
	H(fe_unpin_page,      fentry,	 xen_unpin_page,      FENTRY,	FUNC)	  \
	H(fx_unpin_page,      fexit,	 xen_unpin_page,      FENTRY,	FUNC)	  \
	H(fe_pte_unlock,      fentry,	 xen_pte_unlock,      FENTRY,	FUNC)	  \
	H(fx_mc_flush,	      fexit,	 xen_mc_flush,	      FENTRY_TP_FEXIT, FUNC) \
	H(kp_pgd_pin,	      kprobe,	 __xen_pgd_pin,	      KPROBE,	FUNC)	  \
	H(kr_pgd_pin,	      kretprobe, __xen_pgd_pin,	      KPROBE,	FUNC)	  \
	H(kp_pgd_unpin,	      kprobe,	 __xen_pgd_unpin,     KPROBE,	FUNC)	  \
	H(kr_pgd_unpin,	      kretprobe, __xen_pgd_unpin,     KPROBE,	FUNC)	  \
	H(kp_pin_page,	      kprobe,	 xen_pin_page,	      KPROBE,	FUNC)	  \
	H(kr_pin_page,	      kretprobe, xen_pin_page,	      KPROBE,	FUNC)	  \
	H(kp_unpin_page,      kprobe,	 xen_unpin_page,      KPROBE,	FUNC)	  \
	H(kr_unpin_page,      kretprobe, xen_unpin_page,      KPROBE,	FUNC)	  \
	H(kp_pte_unlock,      kprobe,	 xen_pte_unlock,      KPROBE,	FUNC)	  \
	H(kr_mc_flush,	      kretprobe, xen_mc_flush,	      KPROBE,	FUNC)

/* The checker's entry for parsed events (user/engine/engine_bpf.c) */
#define PINSCOPE_REPLAY_HOOK(H)							\
	H(replay,	      raw_tp,	 ,		      REPLAY,	NONE)

/*
 * pinscope's own event lines (docs/input.md "pinscope's own events"): the
 * events of the stock modes (fentry, kprobe) that no tracepoint prints, as
 * live --evidence writes them in the tracefs text format,
 * `pinscope_NAME: key=value ...`, for replay to read back.  A trace with one
 * of them is replayed with the stock modes' caps (PINSCOPE_CAPS_OWN_LINES,
 * include/pinscope.h): fentry's approximations stay approximations there.
 * Never a tracepoint's name: the end of an operation here is fexit's or
 * kretprobe's, not a patched kernel's event.
 * L(ev, name, f0, f1, f2, f3): the PINSCOPE_EV_<ev> event, field i its
 * arg[i], F(key, format) or NO, printed in that order; formats: KIND
 * (pin|unpin, then mm_locked=1|0 when the mm lock was recorded:
 * PINSCOPE_EV_MMLOCK), HEX, DEC, LEVEL (PGD..PTE, LOWER), CMD (PIN_L1_TABLE..
 * UNPIN_TABLE).  The mainline events of those modes (xen_mc_callback,
 * xen_mc_flush_reason, xen_mc_flush) keep their tracepoints' lines.
 */
#define PINSCOPE_OWN_LINES(L, F, NO)						\
	L(OP_BEGIN,   op_begin,   F(op, KIND), F(mm, HEX), F(pgd_pfn, HEX), F(suspend, DEC)) \
	L(OP_END,     op_end,     F(op, KIND), NO, NO, NO)			\
	L(PAGE,	      page,	  F(op, KIND), F(pfn, HEX), F(level, LEVEL), NO) \
	L(PAGE_EXIT,  page_exit,  F(op, KIND), NO, NO, NO)			\
	L(UNLOCK,     pte_unlock, NO, NO, NO, F(ptl, HEX))			\
	L(DO_PIN,     do_pin,	  F(cmd, CMD), F(pfn, HEX), NO, NO)		\
	L(MC_ENTRY,   mc_entry,	  F(op, DEC), F(pfn, HEX), F(flags, HEX), NO)	\
	L(FLUSH_EXIT, flush_exit, NO, NO, NO, NO)

/*
 * The names of the events' values, each declared once: the enums of
 * include/pinscope.h, what the trace parser reads (user/input/trace.c), what
 * the flight recorder's lines and pinscope's own lines print
 * (user/input/flight.c, own.c) and what reports print (user/report/names.c)
 * are derived from them.  The tracepoints' spellings are the kernel's:
 * tests/input/test_names.c holds them against kernel/patches and the
 * mainline format in tests/data.
 *
 * Page-table levels, enum pt_level of arch/x86/xen/mmu.h (6.1):
 * V(id, name, report)
 *   name:   as the patch's tracepoints print it (show_xen_pt_level()) and
 *           pinscope's own lines write it; three characters for every level
 *           a tracepoint prints (trace.c compares three bytes)
 *   report: as the reports print it (text, JSON, Prometheus, HTML)
 * LOWER ("not the PGD, level unknown") is pinscope's: no tracepoint prints it.
 */
#define PINSCOPE_LEVELS(V) PINSCOPE_TP_LEVELS(V) V(LOWER, "LOWER", "lower")
#define PINSCOPE_TP_LEVELS(V)							\
	V(PGD,	 "PGD",	  "PGD")						\
	V(P4D,	 "P4D",	  "P4D")						\
	V(PUD,	 "PUD",	  "PUD")						\
	V(PMD,	 "PMD",	  "PMD")						\
	V(PTE,	 "PTE",	  "PTE")
#define PINSCOPE_LEVEL_ONE(id, name, report) + 1
/* the levels a tracepoint prints: PGD..PTE */
#define PINSCOPE_NR_TP_LEVELS (0 PINSCOPE_TP_LEVELS(PINSCOPE_LEVEL_ONE))

/*
 * The MMUEXT commands of xen/interface/xen.h that xen_do_pin() queues:
 * M(id, value, name), name as xen_mmu_do_pin prints it (MMUEXT_<name>).
 */
#define PINSCOPE_MMUEXTS(M)							\
	M(PIN_L1, 0, "PIN_L1_TABLE")						\
	M(PIN_L2, 1, "PIN_L2_TABLE")						\
	M(PIN_L3, 2, "PIN_L3_TABLE")						\
	M(PIN_L4, 3, "PIN_L4_TABLE")						\
	M(UNPIN,  4, "UNPIN_TABLE")
#define PINSCOPE_MMUEXT_ONE(id, value, name) + 1
#define PINSCOPE_NR_MMUEXTS (0 PINSCOPE_MMUEXTS(PINSCOPE_MMUEXT_ONE))

/*
 * Why a multicall batch was flushed, enum xen_mc_flush_reason of
 * asm/xen/trace_types.h: F(id, name, report)
 *   name:   as xen_mc_flush_reason prints it (XEN_MC_FL_<name>)
 *   report: as the reports print it (NONE: an explicit xen_mc_issue())
 */
#define PINSCOPE_FLUSH_REASONS(F)						\
	F(EXPLICIT, "NONE",	"explicit")					\
	F(BATCH,    "BATCH",	"BATCH")					\
	F(ARGS,	    "ARGS",	"ARGS")						\
	F(CALLBACK, "CALLBACK", "CALLBACK")

#define PINSCOPE_HOOK_ONE(prog, kind, target, modes, origin) + 1
#define PINSCOPE_NR_HOOKS (0 PINSCOPE_HOOKS(PINSCOPE_HOOK_ONE))

#endif /* PINSCOPE_RULES_H */
