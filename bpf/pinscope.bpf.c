// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pinscope: live hooks on the Xen PV page table pinning path, and the
 * replay entry point.  Every hook only turns its arguments into a
 * struct pinscope_event and hands it to the checker (check.bpf.h).
 * All programs are "?"-sections: the loader enables one mode's set.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "check.bpf.h"
#include "compat.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Set by the loader once every program of the mode is attached
 * (loader_arm()).  Programs attach one at a time, in section order; while
 * only some are in, an operation is seen with hooks missing and judged
 * wrongly.  fentry mode attaches the callbacks and the operations before
 * xen_pin_page, xen_do_pin and xen_pte_unlock: deferred unlocks seem never
 * to run (locks-released), an unpin seems to walk before its UNPIN
 * (l4-after-walk); the other modes have windows of the same kind.  A fork
 * loop while pinscope started hit both in every fentry run (docs/design.md,
 * "A run starts when every program is in").  So the live hooks pass nothing
 * on before: the run starts here, and an operation already running then is
 * not seen at all (its begin was not).
 */
bool armed;

/*
 * The cpus that may be busy (check.bpf.h cpu_busy(): an operation, split
 * locks held, a timed flush not returned): the sum of their cpu_state.busy.
 * Most xen events come while no cpu is: every multicall batch ends in
 * xen_mc_issue, a context switch flushes.  While none is, the hooks whose
 * events only matter on a busy cpu return after this one load, without
 * reading the cpu number or its state; the other hooks (and replay) see every
 * event.  A cpu's flag is set before or by the events that can make it busy
 * and cleared by the next event that ends or follows its busy time
 * (track_busy(), changes_busy()): it may stay set a while after the cpu went
 * idle (it costs those hooks their early return), never the other way.
 * Written atomically at those changes only, in a section of its own (its own
 * page): not on the cache line of armed and the other globals every event
 * reads on every cpu.
 */
__u64 nr_busy SEC(".data.busy");

/*
 * This cpu's state and number once the run has started (armed); NULL before
 * it, or when the map lacks the cpu (counted: bad_cpu())
 */
static __always_inline struct cpu_state *this_cpu(__u32 *cpu)
{
	struct cpu_state *s;

	if (!armed)
		return NULL;
	*cpu = bpf_get_smp_processor_id();
	s = bpf_map_lookup_elem(&cpus, cpu);
	if (!s)
		bad_cpu();
	return s;
}

/*
 * Set this cpu's busy flag and count a change in nr_busy.  The exchange keeps
 * the sum exact when a hook in an interrupt changes the flag between this
 * check and its store: each change of cpu_state.busy is counted once.
 */
static __always_inline void busy_set(struct cpu_state *s, __u64 busy)
{
	if (busy == s->busy)
		return;
	if (__sync_lock_test_and_set(&s->busy, busy) != busy)
		__sync_fetch_and_add(&nr_busy, busy ? 1 : -1);
}

/* After an event: the flag follows the cpu's state (check.bpf.h cpu_busy()) */
static __always_inline void track_busy(struct cpu_state *s, __u32 run_caps)
{
	busy_set(s, cpu_busy(s, run_caps));
}

/*
 * The events after which the busy flag is brought up to date: those that can
 * make a cpu busy (an operation's begin, a lock, a callback's lock, a timed
 * flush) and those that end a busy time (the end, an unlock, a flush and its
 * return, input lost).  The others (a flush's reason, a page visit and its
 * return, a queued op, a multicall entry or issue) never make a cpu busy; one
 * that finishes an operation (check.bpf.h maybe_finish(): tracepoints mode on a
 * kernel without xen_mmu_pgd_done) leaves the flag set until the cpu's next
 * flush, which every context switch brings.
 */
static __always_inline bool changes_busy(__u32 type)
{
	return type != PINSCOPE_EV_FLUSH_REASON && type != PINSCOPE_EV_PAGE &&
	       type != PINSCOPE_EV_PAGE_EXIT && type != PINSCOPE_EV_DO_PIN &&
	       type != PINSCOPE_EV_MC_ENTRY && type != PINSCOPE_EV_MC_ISSUE &&
	       type != PINSCOPE_EV_NONE;
}

/*
 * A hook's body with this run's settings as constants: run_caps and run_lean
 * are the arguments of body, one copy per configuration of include/pinscope.h
 * PINSCOPE_LIVE_CONFIGS whose modes meet the hook's (PINSCOPE_HM_*; LIVE: all).
 * Each copy tests live_cfg, the rodata the loader sets to the run's
 * (user/engine/loader.c, which loads a live mode with one of these settings
 * only); the verifier knows its value, follows the one copy that matches and
 * removes the others, so a handler keeps no setting's load or test but the
 * one of live_cfg.
 */
#define LIVE_CASE(id, c, l, hm, modes, body, ...)				\
	if ((PINSCOPE_HM_##modes == PINSCOPE_HM_LIVE || (PINSCOPE_HM_##modes & (hm))) && \
	    set_cfg == (id))							\
		return body(__VA_ARGS__, c, l);
#define LIVE(modes, body, ...)							\
	__u32 set_cfg = live_cfg;						\
	PINSCOPE_LIVE_CONFIGS(LIVE_CASE, modes, body, __VA_ARGS__)		\
	return 0	/* not a setting of a live mode: never loaded */

static __always_inline void live(struct pinscope_event *e, __u32 type, __u32 cpu)
{
	e->type = type;
	e->cpu = cpu;
	e->ts_ns = 0;		/* the checker reads the clock and the pid */
	e->pid = 0;		/* itself, for the events that use them */
	e->slot = cpu;		/* live: the cpu is the per-cpu entry */
	e->arg[0] = e->arg[1] = e->arg[2] = e->arg[3] = 0;
	__builtin_memset(e->comm, 0, sizeof(e->comm));
}

/* The event on this cpu, whose state s the hook has looked up (once) */
static __always_inline int emit_on(void *ctx, struct cpu_state *s, __u32 cpu, __u32 type,
				   __u64 a0, __u64 a1, __u64 a2, __u64 a3, __u32 run_caps,
				   __u32 run_lean)
{
	struct pinscope_event e;

	/* only an operation's begin makes an idle cpu busy: count it before
	 * the checker does, so that a hook in an interrupt meanwhile never sees
	 * nr_busy 0 with an operation running (track_busy() corrects it after,
	 * when the operation is not one pinscope follows) */
	if (type == PINSCOPE_EV_OP_BEGIN) {
		busy_set(s, 1);
		s->pend.ptr = 0;	/* nothing queued before it is its own */
	}
	live(&e, type, cpu);
	e.arg[0] = a0;
	e.arg[1] = a1;
	e.arg[2] = a2;
	e.arg[3] = a3;
	handle_on(ctx, &e, true, s, run_caps, run_lean);
	if (changes_busy(type))
		track_busy(s, run_caps);
	return 0;
}

/* The machine-to-phys table: MACH2PHYS_VIRT_START of the x86-64 PV ABI,
 * unless kallsyms tells where machine_to_phys_mapping is */
__u64 m2p_cache;

static __always_inline __u64 mfn_to_pfn(__u64 mfn)
{
	__u64 base = kvar_u64(m2p_addr, &m2p_cache, 0xffff800000000000ULL), pfn = 0;

	if (bpf_probe_read_kernel(&pfn, sizeof(pfn), (const void *)(base + mfn * 8)))
		return ~0ULL;
	return pfn;
}

/* struct mmuext_op of xen/interface/xen.h (an ABI): cmd, then arg1.mfn */
struct xen_mmuext_op_abi {
	__u32 cmd;
	__u32 pad;
	__u64 mfn;
	__u64 arg2;
};

struct pend_ctx {
	void *ctx;
	struct cpu_state *s;
	__u32 cpu;
};

/* Op i of emit_pend(): a queued MMUEXT op as a DO_PIN */
static __always_inline long pend_one(__u64 i, void *data, __u32 run_caps)
{
	struct pend_ctx *c = data;
	struct cpu_state *s = c->s;
	struct xen_mmuext_op_abi op;
	struct pinscope_event e;
	__u64 at;

	at = s->pend.ptr + (s->pend.first + i) * sizeof(op);
	if (bpf_probe_read_kernel(&op, sizeof(op), (const void *)at)) {
		s->st.lost.mmuext_unread++;	/* counted whatever the garbage read */
		return 0;
	}
	if (op.cmd > PINSCOPE_MMUEXT_UNPIN)
		return 0;	/* another MMUEXT command (a TLB flush, a new base): not a pin */
	live(&e, PINSCOPE_EV_DO_PIN, c->cpu);
	e.arg[0] = op.cmd;
	e.arg[1] = mfn_to_pfn(op.mfn);
	/* a DO_PIN reads no lean setting (check.bpf.h on_do_pin()) */
	handle_on(c->ctx, &e, true, s, run_caps, 0);
	return 0;
}

/* pend_one() as a bpf_loop() callback: the settings whose caps queue MMUEXT
 * ops (UVM_PGD: only PINSCOPE_CAPS_FENTRY among PINSCOPE_LIVE_CONFIGS, with
 * or without MMLOCK, which no DO_PIN reads: check.bpf.h judges the mm lock
 * on LOCK and PAGE events only) */
#define PEND_CAPS(id, c, l, hm, ...) \
	_Static_assert(!((c) & PINSCOPE_CAP_UVM_PGD) || \
		       ((c) & ~PINSCOPE_CAP_MMLOCK) == PINSCOPE_CAPS_FENTRY, \
		       "pend_one_stock(): UVM_PGD only with PINSCOPE_CAPS_FENTRY");
PINSCOPE_LIVE_CONFIGS(PEND_CAPS, -)

static long pend_one_stock(__u64 i, void *data)
{
	return pend_one(i, data, PINSCOPE_CAPS_FENTRY);
}

/*
 * emit_on() for the hooks that can come first after an MMUEXT op was queued
 * (xen_mc_entry, xen_mc_callback, the flush): the ops queued since the last
 * event (struct ps_mmuext) go to the checker first, as DO_PIN events in their
 * place (a DO_PIN never makes a cpu busy, nor ends an operation where
 * operations have an end event: no busy tracking for them), then the hook's
 * own event.
 */
static __always_inline int emit_pend(void *ctx, struct cpu_state *s, __u32 cpu, __u32 type,
				     __u64 a0, __u64 a1, __u64 a2, __u64 a3, __u32 run_caps,
				     __u32 run_lean)
{
	struct pend_ctx c = { .ctx = ctx, .s = s, .cpu = cpu };
	__u32 n;

	if (!CAP_IN(run_caps, UVM_PGD))	/* a constant: tracepoints mode queues no op here */
		return emit_on(ctx, s, cpu, type, a0, a1, a2, a3, run_caps, run_lean);
	n = s->pend.ptr ? s->pend.n - s->pend.first : 0;
	if (n) {
		if (n > PEND_MAX) {
			s->st.lost.mmuext_unread += n - PEND_MAX;
			n = PEND_MAX;
		}
		bpf_loop(n, pend_one_stock, &c, 0);
		s->pend.first = s->pend.n;
	}
	if (type == PINSCOPE_EV_NONE) {
		s->st.events++;		/* counted as the checker counts every event */
		return 0;
	}
	return emit_on(ctx, s, cpu, type, a0, a1, a2, a3, run_caps, run_lean);
}

static __always_inline int emit_run(void *ctx, __u32 type, __u64 a0, __u64 a1,
				    __u64 a2, __u64 a3, __u32 run_caps, __u32 run_lean)
{
	struct cpu_state *s;
	__u32 cpu;

	s = this_cpu(&cpu);
	if (!s)
		return 0;
	return emit_on(ctx, s, cpu, type, a0, a1, a2, a3, run_caps, run_lean);
}

/* The event of a hook of these modes (PINSCOPE_HM_*) on this cpu; returns */
#define emit(modes, ctx, type, a0, a1, a2, a3) \
	LIVE(modes, emit_run, ctx, type, a0, a1, a2, a3)

/* No cpu is busy: this event changes nothing but the idle statistics */
static __always_inline bool all_idle(void)
{
	return !nr_busy;
}

/* This cpu's state while it runs an operation, else NULL (cheap when no cpu is busy) */
static __always_inline struct cpu_state *op_cpu(__u32 *cpu)
{
	struct cpu_state *s;

	if (all_idle())
		return NULL;
	s = this_cpu(cpu);
	return s && s->op.kind ? s : NULL;
}

/*
 * --lean: an idle flush is not counted (check.bpf.h lean_skip_flush()).
 * While no cpu is busy the flush hooks return at once: this cpu is idle too,
 * and lean_skip_flush() would leave its state as it is (no timed flush, the
 * reason reset by the last flush).
 */
static __always_inline bool lean_all_idle(__u32 run_lean)
{
	return LEAN_IN(run_lean, IDLE_FLUSH) && armed && all_idle();
}

/*
 * The flush hooks answer a flush event on an idle cpu (check.bpf.h
 * flush_idle(): no operation, no split lock held) themselves, as the checker
 * would (flush_count(), flush_reason_set(), lean_skip_flush()), without
 * building an event: most flushes are context switches.  *s is this_cpu()'s
 * answer and the result says whether the cpu is idle; a busy cpu's event goes
 * to emit_on() with the state already looked up.
 */
static __always_inline bool idle_here(struct cpu_state **s, __u32 *cpu)
{
	*s = this_cpu(cpu);
	return *s && flush_idle(*s);
}

/* ---- mainline tracepoints (include/trace/events/xen.h), all modes */

/* TP_PROTO(xen_mc_callback_fn_t fn, void *data) */
static __always_inline int mc_callback(__u64 *ctx, __u32 run_caps, __u32 run_lean)
{
	struct cpu_state *s;
	__u32 cpu;

	s = this_cpu(&cpu);
	if (!s)
		return 0;
	return emit_pend(ctx, s, cpu, PINSCOPE_EV_CALLBACK, 1, 0, 0, ctx[1], run_caps, run_lean);
}

SEC("?raw_tp/xen_mc_callback")
int tp_mc_callback(__u64 *ctx)
{
	/* fires on every context switch too: filter before any work */
	if (ctx[0] != pte_unlock_fn)
		return 0;
	LIVE(LIVE, mc_callback, ctx);
}

/* TP_PROTO(enum xen_mc_flush_reason reason) */
static __always_inline int mc_flush_reason(__u64 *ctx, __u32 run_caps, __u32 run_lean)
{
	struct cpu_state *s;
	__u32 cpu;

	if (lean_all_idle(run_lean))
		return 0;
	if (idle_here(&s, &cpu)) {
		if (LEAN_IN(run_lean, IDLE_FLUSH))
			return 0;	/* --lean: its flush is not counted */
	} else if (!s) {
		return 0;
	} else if (flight_n) {
		/* --evidence: a busy cpu's event goes into its flight ring, through
		 * the checker.  Not emit_pend(): every caller flushes right after
		 * this tracepoint (xen_mc_flush(), whose hook reads the MMUEXT ops
		 * queued before it), and the reason is nothing a queued op's DO_PIN
		 * reads */
		return emit_on(ctx, s, cpu, PINSCOPE_EV_FLUSH_REASON, ctx[0], 0, 0, 0, run_caps,
			       run_lean);
	}
	/* what the checker does with the event (handle_on(): counted, then
	 * on_flush_reason()), idle cpu or busy: a reason never changes a
	 * cpu's busy time (changes_busy()); one copy of it in the program */
	s->st.events++;
	flush_reason_set(s, ctx[0]);
	return 0;
}

SEC("?raw_tp/xen_mc_flush_reason")
int tp_mc_flush_reason(__u64 *ctx)
{
	LIVE(LIVE, mc_flush_reason, ctx);
}

/* TP_PROTO(unsigned mcidx, unsigned argidx, unsigned cbidx) */
static __always_inline int mc_flush(__u64 *ctx, __u32 run_caps, __u32 run_lean)
{
	struct cpu_state *s;
	__u32 cpu;

	if (lean_all_idle(run_lean))
		return 0;
	if (idle_here(&s, &cpu)) {
		if (!lean_skip_flush(s, run_lean)) {
			s->st.events++;
			flush_count(s, ctx[0], ctx[2]);
		}
		/* it cleared in_flush (a timed flush whose return was never
		 * seen, a skipped fexit, no longer keeps this cpu busy), and the
		 * flag an operation's end left set is cleared here: changes_busy().
		 * No operation, no lock, no timed flush: cpu_busy() is false */
		if (s->busy)
			busy_set(s, 0);
		return 0;
	}
	if (!s)
		return 0;
	emit_pend(ctx, s, cpu, PINSCOPE_EV_FLUSH, ctx[0], ctx[1], ctx[2], 0, run_caps, run_lean);
	s->pend.ptr = 0;	/* the batch is gone: nothing to extend */
	return 0;
}

SEC("?raw_tp/xen_mc_flush")
int tp_mc_flush(__u64 *ctx)
{
	LIVE(LIVE, mc_flush, ctx);
}

/*
 * The pfn of a direct-map address (a page table page, a pgd): PAGE_OFFSET is
 * the variable page_offset_base ("x86/mm: Enable KASLR for physical mapping
 * memory regions", v4.8); Xen PV guests boot without KASLR, so the default
 * __PAGE_OFFSET_BASE_L4 is the fallback
 */
__u64 page_offset_cache;

static __always_inline __u64 va_pfn(__u64 va)
{
	return (va - kvar_u64(page_offset_base_addr, &page_offset_cache,
			      0xffff888000000000ULL)) >> 12;	/* __PAGE_OFFSET_BASE_L4 */
}

/* struct multicall_entry of xen/interface/xen.h (an ABI) */
struct xen_mc_entry_abi {
	__u64 op;
	__s64 result;
	__u64 args[6];
};

/*
 * Stock kernels (fentry and kprobe mode): what Xen is asked to do, whatever
 * the compiler inlined.  The MULTI_*() helpers fire this tracepoint as they
 * fill an entry, inlined or not.  An update_va_mapping entry is a page made
 * RO or RW (UVMF_TLB_FLUSH: a PGD); an mmuext_op entry holds the ops of
 * xen_do_pin(), copied in only after the tracepoint: read at the next event
 * (emit_pend()).  Only inside an operation on this cpu.
 */
/* TP_PROTO(struct multicall_entry *mc, unsigned nargs) */
static __always_inline int mc_entry(__u64 *ctx, __u32 run_caps, __u32 run_lean)
{
	__u32 cpu;
	struct xen_mc_entry_abi mc;
	struct cpu_state *s = op_cpu(&cpu);

	if (!s)
		return 0;
	if (bpf_probe_read_kernel(&mc, sizeof(mc), (const void *)ctx[0])) {
		s->pend.ptr = 0;
		return 0;
	}
	/* an entry follows: the ops queued before it are written by now */
	if (mc.op == PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING && (mc.args[2] & PINSCOPE_UVMF_TLB_FLUSH))
		emit_pend(ctx, s, cpu, PINSCOPE_EV_MC_ENTRY, mc.op, va_pfn(mc.args[0]), mc.args[2],
			  0, run_caps, run_lean);
	else if (s->pend.ptr)
		emit_pend(ctx, s, cpu, PINSCOPE_EV_NONE, 0, 0, 0, 0, run_caps, run_lean);
	s->pend.ptr = 0;
	if (mc.op == PINSCOPE_HYPERCALL_MMUEXT_OP) {
		s->pend.ptr = mc.args[0];
		s->pend.first = 0;
		s->pend.n = mc.args[1];		/* 1: xen_extend_mmuext_op() */
	}
	return 0;
}

SEC("?raw_tp/xen_mc_entry")
int tp_mc_entry(__u64 *ctx)
{
	LIVE(STOCK, mc_entry, ctx);
}

/* TP_PROTO(unsigned long op, size_t args, enum xen_mc_extend_args res) */
SEC("?raw_tp/xen_mc_extend_args")
int tp_mc_extend_args(__u64 *ctx)
{
	__u32 cpu;
	struct cpu_state *s = op_cpu(&cpu);

	/* XEN_MC_XE_OK (0): one more op in the last entry, the one queued */
	if (!s || ctx[0] != PINSCOPE_HYPERCALL_MMUEXT_OP || ctx[2] != 0)
		return 0;
	if (s->pend.ptr)
		s->pend.n++;
	else
		s->st.lost.mmuext_unread++;	/* its entry was queued before: unknown */
	return 0;
}

/* TP_PROTO(enum paravirt_lazy_mode mode); 7.2: (bool flush, unsigned long
 * flags); no argument is read.  Only on a kernel without the series'
 * xen_mmu_pgd_done (caps without OPEND): where it exists, tp_pgd_done ends
 * the operations and this hook is not loaded */
static __always_inline int mc_issue(__u64 *ctx, __u32 run_caps, __u32 run_lean)
{
	__u32 cpu;
	/* ends every multicall batch: only matters inside a pin or unpin */
	struct cpu_state *s = op_cpu(&cpu);

	if (!s)
		return 0;
	return emit_on(ctx, s, cpu, PINSCOPE_EV_MC_ISSUE, 0, 0, 0, 0, run_caps, run_lean);
}

SEC("?raw_tp/xen_mc_issue")
int tp_mc_issue(__u64 *ctx)
{
	LIVE(TP_ISSUE, mc_issue, ctx);
}

/*
 * The path of an operation (OP_BEGIN arg[3]): the suspend path pins and
 * unpins against init_mm (xen_mm_pin_all(), xen_mm_unpin_all():
 * __xen_pgd_pin(&init_mm, pgd)); every other caller passes the mm it pins
 */
static __always_inline __u64 op_path(__u64 mm)
{
	return init_mm_addr && mm == init_mm_addr;
}

/* TP_PROTO(struct mm_struct *mm, pgd_t *pgd) */
SEC("?raw_tp/xen_mmu_pgd_pin")
int tp_pgd_pin(__u64 *ctx)
{
	emit(TP, ctx, PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN, ctx[0], va_pfn(ctx[1]),
	     op_path(ctx[0]));
}

/* TP_PROTO(struct mm_struct *mm, pgd_t *pgd) */
SEC("?raw_tp/xen_mmu_pgd_unpin")
int tp_pgd_unpin(__u64 *ctx)
{
	emit(TP, ctx, PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_UNPIN, ctx[0], va_pfn(ctx[1]),
	     op_path(ctx[0]));
}

/* ---- tracepoints of kernel/patches (docs/kernel.md) */

/*
 * TP_PROTO(struct mm_struct *mm, unsigned long pfn, spinlock_t *ptl, bool mm_locked)
 * mm_locked since issue 24 (caps MMLOCK).  A kernel of the series before it
 * passes three arguments: ctx[3] is read only with MMLOCK, a constant, so
 * that the verifier never sees the read there and the program attaches.
 */
static __always_inline int pte_lock(__u64 *ctx, __u32 run_caps, __u32 run_lean)
{
	__u64 mm = 0;

	if (CAP_IN(run_caps, MMLOCK))
		mm = (__u64)(ctx[3] ? PINSCOPE_MMLOCK_HELD : PINSCOPE_MMLOCK_FREE)
		     << PINSCOPE_MMLOCK_SHIFT;
	return emit_run(ctx, PINSCOPE_EV_LOCK, mm, ctx[1], 0, ctx[2], run_caps, run_lean);
}

SEC("?raw_tp/xen_mmu_pte_lock")
int tp_pte_lock(__u64 *ctx)
{
	LIVE(TP, pte_lock, ctx);
}

/* TP_PROTO(spinlock_t *ptl) */
SEC("?raw_tp/xen_mmu_pte_unlock")
int tp_pte_unlock(__u64 *ctx)
{
	emit(TP, ctx, PINSCOPE_EV_UNLOCK, 0, 0, 0, ctx[0]);
}

/* TP_PROTO(struct mm_struct *mm, unsigned long pfn, unsigned int level, spinlock_t *ptl) */
SEC("?raw_tp/xen_mmu_pin_page")
int tp_pin_page(__u64 *ctx)
{
	emit(TP, ctx, PINSCOPE_EV_PAGE, PINSCOPE_OP_PIN, ctx[1], ctx[2],
		    ctx[3]);
}

/* TP_PROTO(struct mm_struct *mm, unsigned long pfn, unsigned int level, spinlock_t *ptl) */
SEC("?raw_tp/xen_mmu_unpin_page")
int tp_unpin_page(__u64 *ctx)
{
	emit(TP, ctx, PINSCOPE_EV_PAGE, PINSCOPE_OP_UNPIN, ctx[1], ctx[2],
		    ctx[3]);
}

/* TP_PROTO(unsigned int cmd, unsigned long pfn) */
SEC("?raw_tp/xen_mmu_do_pin")
int tp_do_pin(__u64 *ctx)
{
	emit(TP, ctx, PINSCOPE_EV_DO_PIN, ctx[0], ctx[1], 0, 0);
}

/*
 * TP_PROTO(struct mm_struct *mm, pgd_t *pgd, bool pin), since issue 27: the end
 * of __xen_pgd_pin()/__xen_pgd_unpin(), after the final xen_mc_issue(), whose
 * flush has run the operation's deferred unlocks (caps OPEND)
 */
SEC("?raw_tp/xen_mmu_pgd_done")
int tp_pgd_done(__u64 *ctx)
{
	emit(TP_OPEND, ctx, PINSCOPE_EV_OP_END, ctx[2] ? PINSCOPE_OP_PIN : PINSCOPE_OP_UNPIN,
	     ctx[0], va_pfn(ctx[1]), 0);
}

/* ---- fentry mode: stock kernels with BTF (xen_pte_lock() is inlined there) */

/* A page's visit at xen_(un)pin_page() (fentry, kprobe): op, the mm's lock
 * word for a PTE page (caps MMLOCK), its pfn from the struct page */
static __always_inline int page_visit(void *ctx, __u64 op, __u64 mm, __u64 pg, __u64 level,
				      __u32 run_caps, __u32 run_lean)
{
	return emit_run(ctx, PINSCOPE_EV_PAGE, op | mm_lock_state(mm, level, run_caps),
			page_to_pfn(pg), level, 0, run_caps, run_lean);
}

SEC("?fentry/__xen_pgd_pin")
int BPF_PROG(fe_pgd_pin, struct mm_struct *mm, pgd_t *pgd)
{
	__u64 va = 0;

	bpf_get_func_arg(ctx, 1, &va);	/* a BTF pointer: no arithmetic on it */
	emit(FENTRY, ctx, PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN, (__u64)mm, va_pfn(va),
	     op_path((__u64)mm));
}

SEC("?fexit/__xen_pgd_pin")
int BPF_PROG(fx_pgd_pin, struct mm_struct *mm, pgd_t *pgd)
{
	emit(FENTRY, ctx, PINSCOPE_EV_OP_END, PINSCOPE_OP_PIN, 0, 0, 0);
}

SEC("?fentry/__xen_pgd_unpin")
int BPF_PROG(fe_pgd_unpin, struct mm_struct *mm, pgd_t *pgd)
{
	__u64 va = 0;

	bpf_get_func_arg(ctx, 1, &va);	/* a BTF pointer: no arithmetic on it */
	emit(FENTRY, ctx, PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_UNPIN, (__u64)mm, va_pfn(va),
	     op_path((__u64)mm));
}

SEC("?fexit/__xen_pgd_unpin")
int BPF_PROG(fx_pgd_unpin, struct mm_struct *mm, pgd_t *pgd)
{
	emit(FENTRY, ctx, PINSCOPE_EV_OP_END, PINSCOPE_OP_UNPIN, 0, 0, 0);
}

SEC("?fentry/xen_pin_page")
int BPF_PROG(fe_pin_page, struct mm_struct *mm, struct page *page, unsigned int level)
{
	__u64 pg = 0;

	bpf_get_func_arg(ctx, 1, &pg);
	LIVE(FENTRY, page_visit, ctx, PINSCOPE_OP_PIN, (__u64)mm, pg, level);
}

SEC("?fexit/xen_pin_page")
int BPF_PROG(fx_pin_page, struct mm_struct *mm, struct page *page, unsigned int level)
{
	emit(FENTRY, ctx, PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_PIN, 0, 0, 0);
}

SEC("?fentry/xen_unpin_page")
int BPF_PROG(fe_unpin_page, struct mm_struct *mm, struct page *page, unsigned int level)
{
	__u64 pg = 0;

	bpf_get_func_arg(ctx, 1, &pg);
	LIVE(FENTRY, page_visit, ctx, PINSCOPE_OP_UNPIN, (__u64)mm, pg, level);
}

SEC("?fexit/xen_unpin_page")
int BPF_PROG(fx_unpin_page, struct mm_struct *mm, struct page *page, unsigned int level)
{
	emit(FENTRY, ctx, PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_UNPIN, 0, 0, 0);
}

SEC("?fentry/xen_pte_unlock")
int BPF_PROG(fe_pte_unlock, void *ptl)
{
	emit(FENTRY, ctx, PINSCOPE_EV_UNLOCK, 0, 0, 0, (__u64)ptl);
}

/*
 * The return of xen_mc_flush(), fentry and kprobe mode.  Most flushes run
 * outside operations and are not timed: their end has nothing to do
 * (on_flush_exit()); no cpu busy: no timed flush.
 */
static __always_inline int flush_exit(void *ctx, __u32 run_caps, __u32 run_lean)
{
	struct cpu_state *s;
	__u32 cpu;

	if (all_idle())
		return 0;
	s = this_cpu(&cpu);
	if (!s || !(s->mc.in_flush & FL_TIMED))
		return 0;
	return emit_on(ctx, s, cpu, PINSCOPE_EV_FLUSH_EXIT, 0, 0, 0, 0, run_caps, run_lean);
}

SEC("?fexit/xen_mc_flush")
int BPF_PROG(fx_mc_flush)
{
	LIVE(FENTRY_TP_FEXIT, flush_exit, ctx);
}

/* ---- kprobe mode: no BTF; same events as fentry mode, no CO-RE (compat.bpf.h) */

SEC("?kprobe/__xen_pgd_pin")
int kp_pgd_pin(struct pt_regs *ctx)
{
	emit(KPROBE, ctx, PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN, KP_ARG1(ctx), va_pfn(KP_ARG2(ctx)),
	     op_path(KP_ARG1(ctx)));
}

SEC("?kretprobe/__xen_pgd_pin")
int kr_pgd_pin(struct pt_regs *ctx)
{
	emit(KPROBE, ctx, PINSCOPE_EV_OP_END, PINSCOPE_OP_PIN, 0, 0, 0);
}

SEC("?kprobe/__xen_pgd_unpin")
int kp_pgd_unpin(struct pt_regs *ctx)
{
	emit(KPROBE, ctx, PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_UNPIN, KP_ARG1(ctx), va_pfn(KP_ARG2(ctx)),
	     op_path(KP_ARG1(ctx)));
}

SEC("?kretprobe/__xen_pgd_unpin")
int kr_pgd_unpin(struct pt_regs *ctx)
{
	emit(KPROBE, ctx, PINSCOPE_EV_OP_END, PINSCOPE_OP_UNPIN, 0, 0, 0);
}

/* static void xen_pin_page(struct mm_struct *mm, struct page *page, enum pt_level level) */
SEC("?kprobe/xen_pin_page")
int kp_pin_page(struct pt_regs *ctx)
{
	LIVE(KPROBE, page_visit, ctx, PINSCOPE_OP_PIN, KP_ARG1(ctx), KP_ARG2(ctx), (__u32)KP_ARG3(ctx));
}

SEC("?kretprobe/xen_pin_page")
int kr_pin_page(struct pt_regs *ctx)
{
	emit(KPROBE, ctx, PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_PIN, 0, 0, 0);
}

SEC("?kprobe/xen_unpin_page")
int kp_unpin_page(struct pt_regs *ctx)
{
	LIVE(KPROBE, page_visit, ctx, PINSCOPE_OP_UNPIN, KP_ARG1(ctx), KP_ARG2(ctx), (__u32)KP_ARG3(ctx));
}

SEC("?kretprobe/xen_unpin_page")
int kr_unpin_page(struct pt_regs *ctx)
{
	emit(KPROBE, ctx, PINSCOPE_EV_PAGE_EXIT, PINSCOPE_OP_UNPIN, 0, 0, 0);
}

/* static void xen_pte_unlock(void *v) */
SEC("?kprobe/xen_pte_unlock")
int kp_pte_unlock(struct pt_regs *ctx)
{
	emit(KPROBE, ctx, PINSCOPE_EV_UNLOCK, 0, 0, 0, KP_ARG1(ctx));
}

SEC("?kretprobe/xen_mc_flush")
int kr_mc_flush(struct pt_regs *ctx)
{
	LIVE(KPROBE, flush_exit, ctx);
}

/* ---- replay: a batch of parsed trace events, with their own cpu and ts */

struct pinscope_replay_buf replay_in;

static long replay_one(__u64 i, void *unused)
{
	if (i >= PINSCOPE_REPLAY_BATCH)
		return 1;
	handle(&replay_in.ev[i]);
	return 0;
}

SEC("?raw_tp")
int replay(void *ctx)
{
	__u32 n = replay_in.nr;

	if (n > PINSCOPE_REPLAY_BATCH)
		n = PINSCOPE_REPLAY_BATCH;
	bpf_loop(n, replay_one, NULL, 0);
	return 0;
}
