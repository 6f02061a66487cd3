// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The live raw_tp handlers of tracepoints mode, run with BPF_PROG_TEST_RUN on
 * synthetic TP_PROTO arguments: they load on a kernel without Xen, since a
 * raw tracepoint is only looked up at attach time.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "engine/hooks.h"
#include "engine/loader.h"
#include "report/names.h"
#include "pinscope.skel.h"
#include "report/stats.h"
#define PINSCOPE_USER_ENGINE	/* struct cpu_state only, not the BPF maps */
#include "bpf/maps.bpf.h"

#define PTE_UNLOCK_FN 0xffffffff81234560ULL
#define MM 0xffff888001000000ULL
#define PTL 0xffff888002000040ULL

/* one call of a hook's program with n TP_PROTO arguments, on a cpu */
static void tp_on(__u32 cpu, struct bpf_program *prog, int n, __u64 a0, __u64 a1, __u64 a2,
		  __u64 a3)
{
	__u64 args[4] = { a0, a1, a2, a3 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = n * sizeof(__u64),
		    .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
}

static void tp(struct bpf_program *prog, int n, __u64 a0, __u64 a1, __u64 a2, __u64 a3)
{
	tp_on(0, prog, n, a0, a1, a2, a3);
}

/*
 * xen_mmu_pte_lock as the kernel fires it: TP_PROTO(mm, pfn, ptl, mm_locked)
 * since issue 24 (4 arguments, caps MMLOCK), 3 arguments before
 */
static int pte_lock_args;
static __u64 pte_mm_locked;
/* the series' xen_mmu_pgd_done ends each operation (caps OPEND, issue 27);
 * else xen_mc_issue and the flush after it, the series before */
static bool op_end_event;

/* &init_mm as the loader passes it (the suspend path); 0: unknown */
#define INIT_MM 0xffffffff82a00000ULL
static __u64 init_mm = INIT_MM;

/* tracepoints mode as pinscope loads it (lean: enum pinscope_lean; tgid: -p),
 * armed or not; the series' current tracepoints (mm_locked: caps MMLOCK) */
static int load_caps(void **state, __u32 caps, __u32 lean, __u32 tgid, bool arm)
{
	struct loader_cfg cfg = { .mode = MODE_TRACEPOINTS, .caps = caps,
				  .pte_unlock_fn = PTE_UNLOCK_FN, .want_stack = true,
				  .lean = lean, .targ_tgid = tgid, .init_mm_addr = init_mm };
	struct pinscope_bpf *skel;

	if (loader_open_load(&skel, &cfg))
		return -1;
	if (arm)
		loader_arm(skel);
	*state = skel;
	pte_lock_args = caps & PINSCOPE_CAP_MMLOCK ? 4 : 3;
	pte_mm_locked = 1;
	op_end_event = caps & PINSCOPE_CAP_OPEND;
	return 0;
}

static int load(void **state, __u32 lean, __u32 tgid, bool arm)
{
	return load_caps(state, PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK, lean, tgid, arm);
}

/* a kernel of the series before xen_mmu_pte_lock recorded the mm lock */
static int setup_no_mm_locked(void **state)
{
	return load_caps(state, PINSCOPE_CAPS_TRACEPOINTS, 0, 0, true);
}

/* the current series: xen_mmu_pgd_done ends the operations */
static int setup_op_end(void **state)
{
	return load_caps(state, PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK |
			 PINSCOPE_CAP_OPEND, 0, 0, true);
}

/* MM is init_mm: pin_sequence() is xen_mm_pin_all()'s, the suspend path */
static int setup_suspend(void **state)
{
	int err;

	init_mm = MM;
	err = load(state, 0, 0, true);
	init_mm = INIT_MM;
	return err;
}

/* no init_mm in kallsyms: the suspend path cannot be told */
static int setup_no_init_mm(void **state)
{
	int err;

	init_mm = 0;
	err = load(state, 0, 0, true);
	init_mm = INIT_MM;
	return err;
}

/* as between loader_open_load() and the end of loader_attach() */
static int setup_unarmed(void **state)
{
	return load(state, 0, 0, false);
}

/* as pinscope --lean loads them, armed */
static int setup_lean(void **state)
{
	return load(state, PINSCOPE_LEAN_ALL, 0, true);
}

/* as after loader_attach(): every hook is in */
static int setup(void **state)
{
	return load(state, 0, 0, true);
}

/* pinscope -p 1: only init's operations (never this test's) */
/*
 * -p of a process no task can be (above PID_MAX_LIMIT, 2^22): tp() runs its
 * program on cpu 0 (BPF_F_TEST_RUN_ON_CPU), through an IPI when this test runs
 * on another cpu, and then the "current" task is whatever cpu 0 runs: with
 * -p 1 the test failed when that was pid 1 (clean-clone CI, 2026-12-07)
 */
#define PID_NONE 0x7fffffffU

static int setup_pid_none(void **state)
{
	return load(state, 0, PID_NONE, true);
}

static int teardown(void **state)
{
	loader_destroy(*state);
	return 0;
}

#define PGD 0xffff888003000000ULL

/*
 * One pin of a PUD, a PTE page with its split lock, and the PGD, as the patch
 * traces it; without unlock_hook, xen_mmu_pte_unlock never fires (its
 * program not attached yet, or a kernel that never releases the lock).
 * Its end: xen_mmu_pgd_done where the series has it (op_end_event), else the
 * next xen_mc_issue after the final flush.
 */
static void pin_sequence_hooks(struct pinscope_bpf *s, bool early_unlock, bool unlock_hook)
{
	tp(s->progs.tp_pgd_pin, 2, MM, PGD, 0, 0);
	tp(s->progs.tp_pin_page, 4, MM, 0x100, PINSCOPE_L_PUD, 0);
	tp(s->progs.tp_pte_lock, pte_lock_args, MM, 0x101, PTL, pte_mm_locked);
	tp(s->progs.tp_pin_page, 4, MM, 0x101, PINSCOPE_L_PTE, PTL);
	tp(s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L1, 0x101, 0, 0);
	if (early_unlock && unlock_hook)
		tp(s->progs.tp_pte_unlock, 1, PTL, 0, 0, 0);
	else if (!early_unlock)
		tp(s->progs.tp_mc_callback, 2, PTE_UNLOCK_FN, PTL, 0, 0);
	tp(s->progs.tp_mc_callback, 2, 0xffffffff81000000ULL, 0x1234, 0, 0); /* set_current_cr3 */
	tp(s->progs.tp_pin_page, 4, MM, 0x3000, PINSCOPE_L_PGD, 0);
	tp(s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L4, 0x3000, 0, 0);
	if (!op_end_event)	/* not loaded where the end event is */
		tp(s->progs.tp_mc_issue, 1, 0, 0, 0, 0);
	tp(s->progs.tp_mc_flush_reason, 1, PINSCOPE_FL_EXPLICIT, 0, 0, 0);
	tp(s->progs.tp_mc_flush, 3, 5, 48, 1, 0);
	if (!early_unlock && unlock_hook)
		tp(s->progs.tp_pte_unlock, 1, PTL, 0, 0, 0);
	if (op_end_event)
		tp(s->progs.tp_pgd_done, 3, MM, PGD, 1, 0);
	else
		tp(s->progs.tp_mc_issue, 1, 0, 0, 0, 0);	/* next event: the op is over */
}

static void pin_sequence(struct pinscope_bpf *s, bool early_unlock)
{
	pin_sequence_hooks(s, early_unlock, true);
}

static void test_clean_pin(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;

	pin_sequence(s, false);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 1);
	assert_int_equal(st.locks[0], 1);
	assert_int_equal(st.hold[0].count, 1);
	assert_true(st.hold[0].max > 0);	/* bpf_ktime_get_ns() advanced */
	assert_int_equal(st.pte_unlock_cbs, 1);	/* set_current_cr3 filtered out */
	assert_int_equal(st.flushes, 1);
	assert_int_equal(st.flush_reason[PINSCOPE_FL_EXPLICIT], 1);
	assert_int_equal(st.pages[0][PINSCOPE_L_PTE], 1);
	assert_int_equal(st.pages[0][PINSCOPE_L_PGD], 1);
	assert_int_equal(total_violations(&st), 0);
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		if (r != PINSCOPE_R_NO_SPLIT_NO_L1_PIN)
			assert_true(st.checked[r] > 0);
}

/*
 * Issue 27: on the current series an operation ends at xen_mmu_pgd_done, not
 * at the event after its final flush: that hook is loaded and xen_mc_issue's
 * is not; a flush after the unlocks leaves the operation running (no final
 * flush is looked for), the end event judges it (locks-released) and times
 * it, and the cpu is idle at once.  A lock still held then is reported there.
 */
static void test_op_end_at_pgd_done(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;

	assert_true(bpf_program__fd(s->progs.tp_pgd_done) >= 0);
	assert_true(bpf_program__fd(s->progs.tp_mc_issue) < 0);
	tp(s->progs.tp_pgd_pin, 2, MM, PGD, 0, 0);
	tp(s->progs.tp_pte_lock, pte_lock_args, MM, 0x101, PTL, pte_mm_locked);
	tp(s->progs.tp_pin_page, 4, MM, 0x101, PINSCOPE_L_PTE, PTL);
	tp(s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L1, 0x101, 0, 0);
	tp(s->progs.tp_mc_callback, 2, PTE_UNLOCK_FN, PTL, 0, 0);
	tp(s->progs.tp_pin_page, 4, MM, 0x3000, PINSCOPE_L_PGD, 0);
	tp(s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L4, 0x3000, 0, 0);
	tp(s->progs.tp_mc_flush, 3, 5, 48, 1, 0);
	tp(s->progs.tp_pte_unlock, 1, PTL, 0, 0, 0);
	tp(s->progs.tp_mc_flush, 3, 1, 0, 0, 0);	/* an interrupt's: not the end */
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 1);
	assert_int_equal(st.op_ns[0].count, 0);
	assert_int_equal(st.checked[PINSCOPE_R_LOCKS_RELEASED], 0);
	assert_int_equal(s->data_busy->nr_busy, 1);
	tp(s->progs.tp_pgd_done, 3, MM, PGD, 1, 0);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.op_ns[0].count, 1);
	assert_int_equal(st.checked[PINSCOPE_R_LOCKS_RELEASED], 1);
	assert_int_equal(st.checked[PINSCOPE_R_L4_AFTER_WALK], 1);
	assert_int_equal(st.hold[0].count, 1);
	assert_int_equal(total_violations(&st), 0);
	assert_int_equal(s->data_busy->nr_busy, 0);	/* the end makes the cpu idle */

	pin_sequence_hooks(s, false, false);	/* its unlock never comes */
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 2);
	assert_int_equal(st.op_ns[0].count, 2);
	assert_int_equal(st.violated[PINSCOPE_R_LOCKS_RELEASED], 1);
	assert_int_equal(total_violations(&st), 1);
}

/*
 * A kernel of a series without xen_mmu_pgd_done: its hook is not loaded,
 * xen_mc_issue's is, and the operation ends at the event after its final
 * flush and unlocks, judged as on the current series
 */
static void test_op_end_without_pgd_done(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;

	assert_true(bpf_program__fd(s->progs.tp_pgd_done) < 0);
	assert_true(bpf_program__fd(s->progs.tp_mc_issue) >= 0);
	pin_sequence_hooks(s, false, true);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 1);
	assert_int_equal(st.op_ns[0].count, 1);
	assert_int_equal(st.checked[PINSCOPE_R_LOCKS_RELEASED], 1);
	assert_int_equal(total_violations(&st), 0);
	pin_sequence_hooks(s, false, false);	/* its unlock never comes */
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.violated[PINSCOPE_R_LOCKS_RELEASED], 1);
	assert_int_equal(total_violations(&st), 1);
}

/*
 * mm-lock-held from the tracepoint's mm_locked: the split lock taken while
 * the mm lock is free is one violation of that rule, nothing else; the
 * handler of a kernel without the field runs on its three arguments and
 * judges nothing (the verifier never saw the read of the fourth: a test run
 * with three arguments fails with EINVAL where it did)
 */
static void test_pte_lock_mm_locked(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;
	__u64 args[3] = { MM, 0x101, PTL };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = sizeof(args));

	pte_mm_locked = 0;
	pin_sequence(s, false);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.checked[PINSCOPE_R_MM_LOCK_HELD], 1);
	assert_int_equal(st.violated[PINSCOPE_R_MM_LOCK_HELD], 1);
	assert_int_equal(total_violations(&st), 1);
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(s->progs.tp_pte_lock), &opts),
			 -EINVAL);
}

static void test_pte_lock_before_mm_locked(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;

	pin_sequence(s, false);		/* xen_mmu_pte_lock with 3 arguments */
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.locks[0], 1);
	assert_int_equal(st.checked[PINSCOPE_R_MM_LOCK_HELD], 0);
	assert_int_equal(st.checked[PINSCOPE_R_PTE_LOCK_HELD], 1);
	assert_int_equal(total_violations(&st), 0);
}

/*
 * --lean: flushes outside the operation (a context switch's) are answered by
 * the hook itself and not counted, not even as events; the pin's own flush
 * is, and the pin is judged as without --lean; no process is counted.
 */
static void test_lean_idle_flushes(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;
	__u32 cpu = 0;
	struct cpu_state cs;

	for (int i = 0; i < 3; i++) {
		tp(s->progs.tp_mc_flush_reason, 1, PINSCOPE_FL_BATCH, 0, 0, 0);
		tp(s->progs.tp_mc_flush, 3, 2, 0, 0, 0);
	}
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.events, 0);
	assert_int_equal(st.flushes, 0);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.cpus), &cpu, &cs), 0);
	assert_int_equal(cs.mc.reason, PINSCOPE_FL_EXPLICIT);	/* the BATCH not carried over */
	pin_sequence(s, false);
	tp(s->progs.tp_mc_flush, 3, 2, 0, 0, 0);		/* after it: idle again */
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 1);
	assert_int_equal(st.hold[0].count, 1);
	assert_int_equal(st.flushes, 1);
	assert_int_equal(st.flush_reason[PINSCOPE_FL_EXPLICIT], 1);
	assert_int_equal(total_violations(&st), 0);
	assert_int_equal(st.lost.procs_full, 0);
	cpu = 0;
	assert_true(bpf_map_get_next_key(bpf_map__fd(s->maps.procs), NULL, &cpu) < 0);	/* empty */
}

/*
 * A flush's reason on a busy cpu (inside a pin) is answered by the hook as on
 * an idle one, without the checker (no --evidence here): counted as an event,
 * and the reason is the one its flush is counted by.
 */
static void test_busy_flush_reason(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;
	__u64 ev;

	tp(s->progs.tp_pgd_pin, 2, MM, PGD, 0, 0);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	ev = st.events;
	tp(s->progs.tp_mc_flush_reason, 1, PINSCOPE_FL_BATCH, 0, 0, 0);
	tp(s->progs.tp_mc_flush, 3, 5, 48, 1, 0);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.events, ev + 2);
	assert_int_equal(st.flushes, 1);
	assert_int_equal(st.flush_reason[PINSCOPE_FL_BATCH], 1);
	assert_int_equal(st.flush_reason[PINSCOPE_FL_EXPLICIT], 0);
}

static __u64 events_of(struct pinscope_bpf *s, __u32 cpu)
{
	static struct pinscope_stats st;	/* 43 KB */

	assert_int_equal(stats_read_cpu(bpf_map__fd(s->maps.cpus), cpu, &st), 0);
	return st.events;
}

/*
 * nr_busy counts the cpus with an operation, split locks held or a timed
 * flush.  While it is 0, xen_mc_issue (every batch) and the flush returns
 * are answered by the hook at once; while another cpu is busy, they look at
 * their own cpu's state and still skip when it is idle.  The pin on cpu 1
 * is judged whole: its xen_mc_issue got through.
 */
static void test_busy_cpus(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;
	struct cpu_state cs;
	__u32 cpu = 0;
	__u64 ev0;

	if (libbpf_num_possible_cpus() < 2)
		skip();
	assert_int_equal(s->data_busy->nr_busy, 0);
	tp(s->progs.tp_mc_issue, 1, 0, 0, 0, 0);
	assert_int_equal(events_of(s, 0), 0);		/* idle everywhere */
	/* idle flushes are counted all the same, by the hook itself */
	tp(s->progs.tp_mc_flush_reason, 1, PINSCOPE_FL_BATCH, 0, 0, 0);
	tp(s->progs.tp_mc_flush, 3, 32, 40, 2, 0);
	tp(s->progs.tp_mc_flush, 3, 3, 0, 0, 0);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.flushes, 2);
	assert_int_equal(st.flush_reason[PINSCOPE_FL_BATCH], 1);
	assert_int_equal(st.flush_reason[PINSCOPE_FL_EXPLICIT], 1);
	assert_int_equal(st.flush_entries.slots[32], 1);
	assert_int_equal(st.flush_cbs.slots[2], 1);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.cpus), &cpu, &cs), 0);
	assert_int_equal(cs.mc.gen, 2);
	assert_int_equal(cs.mc.in_flush, 0);
	assert_int_equal(s->data_busy->nr_busy, 0);

	tp_on(1, s->progs.tp_pgd_pin, 2, MM, 0xffff888003000000ULL, 0, 0);
	assert_int_equal(s->data_busy->nr_busy, 1);
	ev0 = events_of(s, 0);
	tp(s->progs.tp_mc_issue, 1, 0, 0, 0, 0);	/* cpu 0 is idle itself */
	assert_int_equal(events_of(s, 0), ev0);
	tp(s->progs.tp_mc_flush, 3, 1, 0, 0, 0);	/* counted on idle cpu 0 */
	assert_int_equal(events_of(s, 0), ev0 + 1);
	cpu = 0;
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.cpus), &cpu, &cs), 0);
	assert_int_equal(cs.mc.gen, 3);
	tp_on(1, s->progs.tp_pte_lock, pte_lock_args, MM, 0x101, PTL, pte_mm_locked);
	tp_on(1, s->progs.tp_pin_page, 4, MM, 0x101, PINSCOPE_L_PTE, PTL);
	tp_on(1, s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L1, 0x101, 0, 0);
	tp_on(1, s->progs.tp_mc_callback, 2, PTE_UNLOCK_FN, PTL, 0, 0);
	tp_on(1, s->progs.tp_pin_page, 4, MM, 0x3000, PINSCOPE_L_PGD, 0);
	tp_on(1, s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L4, 0x3000, 0, 0);
	tp_on(1, s->progs.tp_mc_issue, 1, 0, 0, 0, 0);
	tp_on(1, s->progs.tp_mc_flush, 3, 5, 48, 1, 0);
	assert_int_equal(s->data_busy->nr_busy, 1);		/* the lock is still held */
	tp_on(1, s->progs.tp_pte_unlock, 1, PTL, 0, 0, 0);
	assert_int_equal(s->data_busy->nr_busy, 1);		/* the operation is not over */
	tp_on(1, s->progs.tp_mc_issue, 1, 0, 0, 0, 0);	/* next event: it is */
	/* its end leaves the flag set until the cpu's next flush (an issue
	 * never makes a cpu busy: not followed) */
	assert_int_equal(s->data_busy->nr_busy, 1);
	tp_on(1, s->progs.tp_mc_flush, 3, 1, 0, 0, 0);
	assert_int_equal(s->data_busy->nr_busy, 0);
	cpu = 1;
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.cpus), &cpu, &cs), 0);
	assert_int_equal(cs.busy, 0);

	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 1);
	assert_int_equal(st.hold[0].count, 1);
	assert_int_equal(st.op_ns[0].count, 1);		/* finished, not cut */
	assert_int_equal(st.checked[PINSCOPE_R_LOCKS_RELEASED], 1);
	assert_int_equal(total_violations(&st), 0);
}

/*
 * An operation's begin counts its cpu busy before the checker sees it (a
 * hook in an interrupt meanwhile must not find nr_busy 0); when the checker
 * then does not follow it (-p of another process), the cpu is idle again.
 */
static void test_busy_not_followed(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;

	tp(s->progs.tp_pgd_pin, 2, MM, 0xffff888003000000ULL, 0, 0);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 0);
	assert_int_equal(s->data_busy->nr_busy, 0);
}

static int on_violation(void *ctx, void *data, size_t size)
{
	struct pinscope_violation *v = ctx;

	assert_int_equal(size, sizeof(*v));
	memcpy(v, data, sizeof(*v));
	return 0;
}

static void test_early_unlock_reported_with_stack(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_violation v = {};
	struct pinscope_stats st;
	struct ring_buffer *rb;

	pin_sequence(s, true);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(total_violations(&st), 1);
	assert_int_equal(st.violated[PINSCOPE_R_UNLOCK_AFTER_FLUSH], 1);
	rb = ring_buffer__new(bpf_map__fd(s->maps.violations), on_violation, &v, NULL);
	assert_non_null(rb);
	assert_int_equal(ring_buffer__consume(rb), 1);
	ring_buffer__free(rb);
	assert_int_equal(v.type, PINSCOPE_REC_VIOLATION);
	assert_string_equal(rule_name(v.rule), "unlock-after-flush");
	assert_int_equal(v.pfn, 0x101);
	assert_int_equal(v.op, PINSCOPE_OP_PIN);
	assert_true(v.nr_stack > 0);		/* live: the kernel stack comes along */
}

/*
 * A violation wakes the ring buffer's reader (epoll), except on the suspend
 * path, inside stop_machine() around the save, where a wakeup's irq_work is
 * lost with its event channel and hangs the guest (bpf/flight.bpf.h
 * rb_flags()), and where that path cannot be told (no init_mm): there the
 * record waits for the reader's next look.  An
 * mm-lock-held violation on each path, the reader's epoll drained before.
 */
static int violation_woke(struct pinscope_bpf *s)
{
	struct pinscope_violation v = {};
	struct pinscope_stats st;
	struct ring_buffer *rb;
	int woke;

	rb = ring_buffer__new(bpf_map__fd(s->maps.violations), on_violation, &v, NULL);
	assert_non_null(rb);
	assert_int_equal(ring_buffer__poll(rb, 0), 0);		/* nothing yet */
	pte_mm_locked = 0;
	pin_sequence(s, false);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.violated[PINSCOPE_R_MM_LOCK_HELD], 1);
	assert_int_equal(total_violations(&st), 1);
	woke = ring_buffer__poll(rb, 200);
	if (!woke)
		assert_int_equal(ring_buffer__consume(rb), 1);	/* there all the same */
	ring_buffer__free(rb);
	assert_string_equal(rule_name(v.rule), "mm-lock-held");
	return woke;
}

static void test_violation_wakes_reader(void **state)
{
	struct pinscope_stats st;

	assert_int_equal(violation_woke(*state), 1);
	assert_int_equal(stats_read(bpf_map__fd(((struct pinscope_bpf *)*state)->maps.cpus), &st), 0);
	assert_int_equal(st.suspend_ops[0], 0);
}

static void test_suspend_violation_no_wakeup(void **state)
{
	struct pinscope_stats st;

	assert_int_equal(violation_woke(*state), 0);
	assert_int_equal(stats_read(bpf_map__fd(((struct pinscope_bpf *)*state)->maps.cpus), &st), 0);
	assert_int_equal(st.suspend_ops[0], 1);			/* it was the suspend path */
}

static void test_no_init_mm_no_wakeup(void **state)
{
	struct pinscope_stats st;

	assert_int_equal(violation_woke(*state), 0);
	assert_int_equal(stats_read(bpf_map__fd(((struct pinscope_bpf *)*state)->maps.cpus), &st), 0);
	assert_int_equal(st.suspend_ops[0], 0);
}

/* The skeleton's programs are the table's hooks (include/pinscope_rules.h),
 * each in the section the table gives it */
static void test_programs_are_the_hooks(void **state)
{
	struct pinscope_bpf *s = *state;
	struct bpf_program *prog;
	size_t n = 0, i;
	const char *sec;

	bpf_object__for_each_program(prog, s->obj) {
		for (i = 0; i < nr_hooks && strcmp(hooks[i].prog, bpf_program__name(prog)); i++)
			;
		if (i == nr_hooks)
			fail_msg("program %s is not in include/pinscope_rules.h", bpf_program__name(prog));
		sec = bpf_program__section_name(prog);
		if (*sec == '?')
			sec++;
		if (strcmp(sec, hooks[i].section))
			fail_msg("program %s: section %s, the table says %s", hooks[i].prog, sec,
				 hooks[i].section);
		n++;
	}
	assert_int_equal(n, nr_hooks);
	assert_int_equal(nr_hooks, PINSCOPE_NR_HOOKS);
}

/* Live: one entry of the per-cpu map per possible cpu (not a fixed 64); the
 * statistics of an entry past them are refused, not zeros */
static void test_maps_hold_every_cpu(void **state)
{
	struct pinscope_bpf *s = *state;
	static struct pinscope_stats st;	/* 43 KB */
	int n = libbpf_num_possible_cpus();

	assert_true(n > 0);
	assert_int_equal(bpf_map__max_entries(s->maps.cpus), n);
	assert_int_equal(stats_read_cpu(bpf_map__fd(s->maps.cpus), n - 1, &st), 0);
	assert_int_equal(stats_read_cpu(bpf_map__fd(s->maps.cpus), n, &st), -ENOENT);
	assert_int_equal(stats_read_cpu(bpf_map__fd(s->maps.cpus), ~0U, &st), -ENOENT);
}

/*
 * Start-up: the programs attach one by one, so operations run while some
 * hooks are in and others not (a guest with a fork loop during start-up got
 * locks-released and l4-after-walk in every fentry run).  Until
 * loader_arm() the hooks pass nothing on; after it the same sequence
 * without its unlock is a lock never released, and is reported.
 */
static void test_nothing_judged_before_armed(void **state)
{
	struct pinscope_bpf *s = *state;
	struct pinscope_stats st;

	pin_sequence_hooks(s, false, false);	/* xen_mmu_pte_unlock not attached yet */
	pin_sequence_hooks(s, false, false);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(total_violations(&st), 0);	/* was: locks-released twice */
	assert_int_equal(st.ops[0], 0);
	assert_int_equal(st.pte_unlock_cbs, 0);
	assert_int_equal(st.events, 0);

	loader_arm(s);
	pin_sequence(s, false);
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 1);
	assert_int_equal(st.hold[0].count, 1);
	assert_int_equal(st.checked[PINSCOPE_R_LOCKS_RELEASED], 1);
	assert_int_equal(total_violations(&st), 0);

	pin_sequence_hooks(s, false, false);	/* armed: the lock really stays held */
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st), 0);
	assert_int_equal(st.ops[0], 2);
	assert_int_equal(total_violations(&st), 1);
	assert_int_equal(st.violated[PINSCOPE_R_LOCKS_RELEASED], 1);
}

/*
 * The live hooks carry their mode's settings as constants (bpf/pinscope.bpf.c
 * LIVE()): a live mode loads with one of include/pinscope.h
 * PINSCOPE_LIVE_CONFIGS or not at all; replay takes any setting.
 */
static void test_live_settings_compiled_in(void **state)
{
	struct loader_cfg cfg = { .mode = MODE_TRACEPOINTS, .caps = PINSCOPE_CAPS_FENTRY,
				  .pte_unlock_fn = PTE_UNLOCK_FN };
	struct pinscope_bpf *skel;

	assert_int_equal(loader_open_load(&skel, &cfg), -EINVAL);
	cfg.caps = PINSCOPE_CAPS_TRACEPOINTS;
	cfg.lean = PINSCOPE_LEAN_PROCS;		/* --lean sets both */
	assert_int_equal(loader_open_load(&skel, &cfg), -EINVAL);
	cfg.mode = MODE_KPROBE;
	cfg.caps = PINSCOPE_CAPS_TP_FEXIT;
	cfg.lean = 0;
	assert_int_equal(loader_open_load(&skel, &cfg), -EINVAL);
	cfg.caps = PINSCOPE_CAPS_FENTRY;	/* kprobe mode: fentry's events */
	cfg.lean = PINSCOPE_LEAN_ALL;
	assert_int_equal(loader_open_load(&skel, &cfg), 0);
	loader_destroy(skel);
	cfg.caps |= PINSCOPE_CAP_MMLOCK;	/* each setting also with the mm lock */
	assert_int_equal(loader_open_load(&skel, &cfg), 0);
	loader_destroy(skel);
	cfg.mode = MODE_TRACEPOINTS;
	cfg.caps = PINSCOPE_CAPS_TP_FEXIT | PINSCOPE_CAP_MMLOCK;
	assert_int_equal(loader_open_load(&skel, &cfg), 0);
	loader_destroy(skel);
	cfg.caps |= PINSCOPE_CAP_OPEND;		/* and with the series' end event */
	cfg.lean = 0;
	assert_int_equal(loader_open_load(&skel, &cfg), 0);
	loader_destroy(skel);
	/* but not with --lean: there it hooks no flush return (loader_set_lean()
	 * takes FLUSH_EXIT out), so no run asks for this setting */
	cfg.lean = PINSCOPE_LEAN_ALL;
	assert_int_equal(loader_open_load(&skel, &cfg), -EINVAL);
	loader_set_lean(&cfg, PINSCOPE_LEAN_ALL);	/* as pinscope sets it */
	assert_int_equal(loader_open_load(&skel, &cfg), 0);
	loader_destroy(skel);
	cfg.caps = PINSCOPE_CAP_MMLOCK;		/* the bit alone is no setting */
	assert_int_equal(loader_open_load(&skel, &cfg), -EINVAL);
	cfg.caps = PINSCOPE_CAP_OPEND;		/* nor this one */
	assert_int_equal(loader_open_load(&skel, &cfg), -EINVAL);
	cfg.mode = MODE_REPLAY;
	cfg.caps = PINSCOPE_CAPS_MAINLINE;
	cfg.lean = PINSCOPE_LEAN_PROCS;
	assert_int_equal(loader_open_load(&skel, &cfg), 0);
	loader_destroy(skel);
}

/*
 * --lean on the current series (caps OPEND) of a kernel whose BTF has
 * xen_mc_flush (caps FLUSH_EXIT, fexit attachable): the loader leaves
 * fexit/xen_mc_flush out (user/engine/loader.c loader_set_lean()), the run
 * says the flush latency is not recorded, and its hooks judge a clean pin,
 * an early unlock and a lock never released as the hooks without --lean do:
 * the same checks, violations, operations not judged and losses (the
 * checker with and without the return's events: test_model's "lean, no
 * flush return").  Where it has no end event, and in fentry mode, --lean
 * keeps the return.
 */
static void test_lean_no_flush_return(void **state)
{
	const __u32 caps = PINSCOPE_CAPS_TP_FEXIT | PINSCOPE_CAP_MMLOCK | PINSCOPE_CAP_OPEND;
	struct loader_cfg cfg = { .mode = MODE_TRACEPOINTS, .caps = caps, .flush_exit = true,
				  .pte_unlock_fn = PTE_UNLOCK_FN, .want_stack = true,
				  .init_mm_addr = INIT_MM };
	struct pinscope_stats st[2];
	struct pinscope_bpf *s;

	(void)state;
	loader_set_lean(&cfg, PINSCOPE_LEAN_ALL);
	assert_false(cfg.flush_exit);
	assert_int_equal(cfg.caps, caps & ~PINSCOPE_CAP_FLUSH_EXIT);
	assert_int_equal(cfg.lean, PINSCOPE_LEAN_ALL);
	for (int full = 0; full < 2; full++) {
		if (full) {
			assert_int_equal(load_caps((void **)&s, cfg.caps, 0, 0, true), 0);
		} else {
			assert_int_equal(loader_open_load(&s, &cfg), 0);
			loader_arm(s);
			pte_lock_args = 4;
			pte_mm_locked = 1;
			op_end_event = true;
			assert_false(bpf_program__autoload(s->progs.fx_mc_flush));
			assert_true(bpf_program__fd(s->progs.fx_mc_flush) < 0);
			assert_true(bpf_program__fd(s->progs.tp_pgd_done) >= 0);
		}
		pin_sequence_hooks(s, false, true);
		tp(s->progs.tp_mc_flush, 3, 2, 0, 0, 0);	/* a context switch's */
		pin_sequence_hooks(s, true, true);
		pin_sequence_hooks(s, false, false);
		assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &st[full]), 0);
		assert_int_equal(st[full].flush_ns.count, 0);
		loader_destroy(s);
	}
	assert_int_equal(st[0].ops[0], 3);
	assert_int_equal(total_violations(&st[0]), 2);
	assert_memory_equal(st[0].checked, st[1].checked, sizeof(st[0].checked));
	assert_memory_equal(st[0].violated, st[1].violated, sizeof(st[0].violated));
	assert_memory_equal(st[0].unseen, st[1].unseen, sizeof(st[0].unseen));
	assert_memory_equal(&st[0].lost, &st[1].lost, sizeof(st[0].lost));
	assert_memory_equal(st[0].ops, st[1].ops, sizeof(st[0].ops));

	/* no end event: the return stays (its flush ends the operation) */
	cfg = (struct loader_cfg){ .mode = MODE_TRACEPOINTS, .flush_exit = true,
				   .caps = PINSCOPE_CAPS_TP_FEXIT | PINSCOPE_CAP_MMLOCK };
	loader_set_lean(&cfg, PINSCOPE_LEAN_ALL);
	assert_true(cfg.flush_exit);
	assert_true(cfg.caps & PINSCOPE_CAP_FLUSH_EXIT);
	assert_int_equal(cfg.lean, PINSCOPE_LEAN_CODE);
	/* fentry: its holds and operations end at the return */
	cfg = (struct loader_cfg){ .mode = MODE_FENTRY, .flush_exit = true,
				   .caps = PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK };
	loader_set_lean(&cfg, PINSCOPE_LEAN_ALL);
	assert_true(cfg.flush_exit);
	assert_int_equal(cfg.caps, PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK);
	assert_int_equal(cfg.lean, PINSCOPE_LEAN_CODE);
	/* without --lean nothing changes */
	cfg = (struct loader_cfg){ .mode = MODE_TRACEPOINTS, .flush_exit = true, .caps = caps };
	loader_set_lean(&cfg, 0);
	assert_true(cfg.flush_exit);
	assert_int_equal(cfg.caps, caps);
	assert_int_equal(cfg.lean, 0);
}

/*
 * The loader takes the embedded BPF object's pages out of the process once
 * libbpf has opened it (user/engine/loader.c release_elf_bytes(): the peak
 * RSS of docs/performance.md): after a load, none of its whole pages is
 * mapped in (/proc/self/pagemap bit 63: present), though each was read.  The
 * object is the loader's (the skeleton's, each file that includes it
 * has its own copy).
 */
static int object_pages_present(const char *bytes, size_t size, int *total)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t va = ((uintptr_t)bytes + page - 1) / page, end = ((uintptr_t)bytes + size) / page;
	int fd = open("/proc/self/pagemap", O_RDONLY), present = 0;
	__u64 entry;

	assert_true(fd >= 0);
	*total = end - va;
	for (; va < end; va++) {
		assert_int_equal(pread(fd, &entry, sizeof(entry), va * sizeof(entry)),
				 sizeof(entry));
		present += entry >> 63;
	}
	close(fd);
	return present;
}

static void test_object_pages_released(void **state)
{
	struct pinscope_bpf *skel;
	const char *bytes;
	size_t size;
	volatile char sum = 0;
	int total;

	assert_int_equal(load(state, 0, 0, false), 0);
	skel = *state;
	bytes = skel->skeleton->data;
	size = skel->skeleton->data_sz;
	loader_destroy(skel);
	for (size_t i = 0; i < size; i += 64)	/* resident, as libbpf's open leaves it */
		sum += bytes[i];
	assert_true(object_pages_present(bytes, size, &total) > total / 2);
	assert_true(total > 100);	/* the object is over 400 kB */
	assert_int_equal(load(state, 0, 0, false), 0);
	assert_int_equal(object_pages_present(bytes, size, &total), 0);
	loader_destroy(*state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_programs_are_the_hooks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maps_hold_every_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_pin, setup_op_end, teardown),
		cmocka_unit_test_setup_teardown(test_op_end_at_pgd_done, setup_op_end, teardown),
		cmocka_unit_test_setup_teardown(test_op_end_without_pgd_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pte_lock_mm_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pte_lock_before_mm_locked, setup_no_mm_locked,
						teardown),
		cmocka_unit_test_setup_teardown(test_lean_idle_flushes, setup_lean, teardown),
		cmocka_unit_test_setup_teardown(test_busy_cpus, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_flush_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_flush_reason, setup_op_end, teardown),
		cmocka_unit_test_setup_teardown(test_busy_not_followed, setup_pid_none, teardown),
		cmocka_unit_test_setup_teardown(test_early_unlock_reported_with_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_unlock_reported_with_stack, setup_op_end,
						teardown),
		cmocka_unit_test_setup_teardown(test_nothing_judged_before_armed, setup_unarmed,
						teardown),
		cmocka_unit_test_setup_teardown(test_violation_wakes_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_violation_wakes_reader, setup_op_end, teardown),
		cmocka_unit_test_setup_teardown(test_suspend_violation_no_wakeup, setup_suspend,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_init_mm_no_wakeup, setup_no_init_mm, teardown),
		cmocka_unit_test(test_live_settings_compiled_in),
		cmocka_unit_test(test_lean_no_flush_return),
		cmocka_unit_test(test_object_pages_released),
	};

	libbpf_set_print(NULL);
	return cmocka_run_group_tests_name("live tracepoint handlers", tests, NULL, NULL);
}
