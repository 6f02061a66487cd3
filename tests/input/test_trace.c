// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The trace line parser: tracefs and trace-cmd formats, every event it knows */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "input/trace.h"

static enum trace_line parse(const char *line, struct pinscope_event *ev)
{
	char err[160];

	return trace_parse_line(line, ev, err, sizeof(err));
}

/* A real line of Debian 6.1 in a Xen PV dom0 (tests/data) */
static void test_tracefs_with_flags(void **state)
{
	struct pinscope_event ev;

	assert_int_equal(parse("        workload-170     [001] d..2.    14.151500: xen_mc_callback: "
			       "callback xen_pte_unlock, data 00000000860ea499", &ev),
			 TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_CALLBACK);
	assert_int_equal(ev.cpu, 1);
	assert_int_equal(ev.pid, 170);
	assert_string_equal(ev.comm, "workload");
	assert_int_equal(ev.ts_ns, 14151500000ULL);
	assert_int_equal(ev.arg[0], 1);
	assert_int_equal(ev.arg[3], 0x860ea499ULL);
}

static void test_tracefs_without_flags(void **state)
{
	struct pinscope_event ev;

	assert_int_equal(parse("           <...>-4242    [000]  1234.000001: xen_mc_flush: flushing 32 "
			       "hypercalls, 336 arg bytes, 14 callbacks", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_FLUSH);
	assert_int_equal(ev.pid, 4242);
	assert_string_equal(ev.comm, "<...>");
	assert_int_equal(ev.arg[0], 32);
	assert_int_equal(ev.arg[1], 336);
	assert_int_equal(ev.arg[2], 14);
}

/* trace-cmd report: padded event names, 0x pointers, ns timestamps, dashes in comm */
static void test_trace_cmd(void **state)
{
	struct pinscope_event ev;

	assert_int_equal(parse("  kworker/u4:2-x-77  [003]  5000.123456789: xen_mmu_pgd_unpin:    "
			       "mm 0xffff888004a0c000 pgd 0xffff888004d11000", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_OP_BEGIN);
	assert_int_equal(ev.arg[0], PINSCOPE_OP_UNPIN);
	assert_int_equal(ev.pid, 77);
	assert_string_equal(ev.comm, "kworker/u4:2-x");
	assert_int_equal(ev.cpu, 3);
	assert_int_equal(ev.ts_ns, 5000123456789ULL);
	assert_int_equal(ev.arg[1], 0xffff888004a0c000ULL);
	assert_int_equal(ev.arg[2], 0xffff888004d11000ULL);
	assert_int_equal(parse("  bash-9  [000] d..1  12.5: xen_mc_flush_reason: flush reason BATCH",
			       &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.arg[0], PINSCOPE_FL_BATCH);
	assert_int_equal(ev.ts_ns, 12500000000ULL);
}

static void test_mainline_mc_entry(void **state)
{
	struct pinscope_event ev;

	assert_int_equal(parse("        workload-170     [001] d..4.    14.151529: xen_mc_entry: op "
			       "14(update_va_mapping) args [ffff88801710a000, 800000004edb8061, 1, 0, 0, 0]",
			       &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_MC_ENTRY);
	assert_int_equal(ev.arg[0], PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING);
	assert_int_equal(ev.arg[1], 0x1710a);	/* pfn of the linear map address */
	assert_int_equal(ev.arg[2], PINSCOPE_UVMF_TLB_FLUSH);
	assert_int_equal(parse("  a-1 [000] d..1. 1.000001: xen_mc_issue: start batch LAZY_NONE", &ev),
			 TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_MC_ISSUE);
}

/* The events of kernel/patches, as docs/kernel.md prints them */
static void test_patched_events(void **state)
{
	struct pinscope_event ev;

	assert_int_equal(parse("  a-1 [000] d..2. 1.000001: xen_mmu_pte_lock: mm 00000000aaaa0001 "
			       "pfn 1003 ptl 00000000cccc0001", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_LOCK);
	assert_int_equal(ev.arg[1], 0x1003);
	assert_int_equal(ev.arg[3], 0xcccc0001);
	assert_int_equal(parse("  a-1 [000] d..2. 1.000002: xen_mmu_pin_page: mm 00000000aaaa0001 "
			       "pfn 2a level PTE ptl 00000000cccc0001", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_PAGE);
	assert_int_equal(ev.arg[0], PINSCOPE_OP_PIN);
	assert_int_equal(ev.arg[1], 0x2a);
	assert_int_equal(ev.arg[2], PINSCOPE_L_PTE);
	assert_int_equal(parse("  a-1 [000] d..2. 1.000002: xen_mmu_unpin_page: mm 00000000aaaa0001 "
			       "pfn 2b level PMD ptl 0000000000000000", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.arg[0], PINSCOPE_OP_UNPIN);
	assert_int_equal(ev.arg[2], PINSCOPE_L_PMD);
	assert_int_equal(ev.arg[3], 0);
	assert_int_equal(parse("  a-1 [000] d..2. 1.000003: xen_mmu_do_pin: cmd UNPIN_TABLE pfn 1003",
			       &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_DO_PIN);
	assert_int_equal(ev.arg[0], PINSCOPE_MMUEXT_UNPIN);
	assert_int_equal(parse("  a-1 [000] d..2. 1.000004: xen_mmu_pte_unlock: ptl (null)", &ev),
			 TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_UNLOCK);
	assert_int_equal(trace_line_caps("  a-1 [000] d..2. 1.000003: xen_mmu_do_pin: cmd "
					 "PIN_L1_TABLE pfn 1", NULL), PINSCOPE_CAPS_TRACEPOINTS);
	assert_int_equal(trace_line_caps("  a-1 [000] d..2. 1.000003: xen_mmu_pgd_pin: mm 1 pgd 2",
					 NULL), 0);
	/* the series' end of an operation (issue 27): a patched event; the end of
	 * the operations of a trace whatever its caps (no OPEND: check.bpf.h) */
	assert_int_equal(parse("  a-1 [000] .... 1.000005: xen_mmu_pgd_done: mm 00000000aaaa0001 "
			       "pgd 00000000bbbb0001 op unpin", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_OP_END);
	assert_int_equal(ev.arg[0], PINSCOPE_OP_UNPIN);
	assert_int_equal(ev.arg[1], 0xaaaa0001);
	assert_int_equal(ev.arg[2], 0xbbbb0001);
	assert_int_equal(parse("  a-1 [000] .... 1.000005: xen_mmu_pgd_done: mm 1 pgd 2 op pin", &ev),
			 TRACE_LINE_EVENT);
	assert_int_equal(ev.arg[0], PINSCOPE_OP_PIN);
	assert_int_equal(parse("  a-1 [000] .... 1.000005: xen_mmu_pgd_done: mm 1 pgd 2", &ev),
			 TRACE_LINE_BAD);
	assert_int_equal(trace_line_caps("  a-1 [000] .... 1.000005: xen_mmu_pgd_done: mm 1 pgd 2 "
					 "op pin", NULL), PINSCOPE_CAPS_TRACEPOINTS);
	/* the source is the parsed event's name: a comm (prctl) or a text is none */
	assert_int_equal(trace_line_caps("xen_mmu_do_pin:-1 [000] d.... 2.4: xen_mmu_write_cr3: "
					 "kernel cr3 35000", NULL), 0);
	assert_int_equal(trace_line_caps("  a-1 [000] d..2. 1.0: sched_switch: prev_comm="
					 "xen_mmu_pte_lock: next_comm=b", NULL), 0);
	assert_int_equal(trace_line_caps("x: xen_mmu_do_pin: cmd PIN_L1_TABLE pfn 1", NULL), 0);
}

/* The split lock's mm_locked field (the series since issue 24): held, free,
 * and a trace of before it: not recorded, and no MMLOCK caps */
static void test_pte_lock_mm_locked(void **state)
{
	static const char *const lines[] = {
		"  a-1 [000] d..2. 1.000001: xen_mmu_pte_lock: mm 1 pfn b51 ptl 2 mm_locked 1",
		"  a-1 [000] d..2. 1.000001: xen_mmu_pte_lock: mm 1 pfn b51 ptl 2 mm_locked 0",
		"  a-1 [000] d..2. 1.000001: xen_mmu_pte_lock: mm 1 pfn b51 ptl 2",
	};
	static const __u32 want[] = { PINSCOPE_MMLOCK_HELD, PINSCOPE_MMLOCK_FREE,
				      PINSCOPE_MMLOCK_UNKNOWN };
	struct pinscope_event ev;
	bool is_lock;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(parse(lines[i], &ev), TRACE_LINE_EVENT);
		assert_int_equal(ev.type, PINSCOPE_EV_LOCK);
		assert_int_equal(ev.arg[1], 0xb51);
		assert_int_equal(ev.arg[3], 2);
		assert_int_equal(PINSCOPE_EV_MMLOCK(ev.arg[0]), want[i]);
		assert_int_equal(trace_line_caps(lines[i], &is_lock), PINSCOPE_CAPS_TRACEPOINTS |
				 (i < 2 ? PINSCOPE_CAP_MMLOCK : 0));
		assert_true(is_lock);
	}
	assert_int_equal(parse("  a-1 [000] d..2. 1.000001: xen_mmu_pte_lock: mm 1 pfn b51 ptl 2 "
			       "mm_locked x", &ev), TRACE_LINE_BAD);
	trace_line_caps("  a-1 [000] d..2. 1.0: xen_mmu_do_pin: cmd PIN_L1_TABLE pfn 1", &is_lock);
	assert_false(is_lock);
	/* mm_locked only in the event's own text: a comm (prctl) holding it is none */
	assert_int_equal(trace_line_caps("    mm_locked 1-1 [000] d..2. 1.0: xen_mmu_pte_lock: mm 1 "
					 "pfn b51 ptl 2", &is_lock),
			 PINSCOPE_CAPS_TRACEPOINTS);
	assert_true(is_lock);
	assert_int_equal(trace_line_caps("  a-1 [000] d..2. 1.0: sched_switch: prev_comm="
					 "xen_mmu_pte_lock: mm_locked 1", &is_lock), 0);
	assert_false(is_lock);
}

/* xen_mm_pin_all() runs in the stop_machine() stopper: the suspend path */
static void test_suspend_path(void **state)
{
	struct pinscope_event ev;

	assert_int_equal(parse("     migration/0-15  [000] d..1. 9.000001: xen_mmu_pgd_pin: mm "
			       "000000003cda62f5 pgd 000000000030bc70", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, PINSCOPE_EV_OP_BEGIN);
	assert_int_equal(ev.arg[3], 1);
	assert_int_equal(parse("     migration/1-21  [001] d..1. 9.000001: xen_mmu_pgd_unpin: mm "
			       "000000003cda62f5 pgd 000000000030bc70", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.arg[0], PINSCOPE_OP_UNPIN);
	assert_int_equal(ev.arg[3], 1);
	assert_int_equal(parse("  workload-55  [001] ..... 9.000001: xen_mmu_pgd_pin: mm "
			       "000000003cda62f5 pgd 000000000030bc70", &ev), TRACE_LINE_EVENT);
	assert_int_equal(ev.arg[3], 0);
}

static void test_skipped_lines(void **state)
{
	struct pinscope_event ev;

	assert_int_equal(parse("# tracer: nop", &ev), TRACE_LINE_HEADER);
	assert_int_equal(parse("", &ev), TRACE_LINE_HEADER);
	assert_int_equal(parse("cpus=2", &ev), TRACE_LINE_OTHER);
	assert_int_equal(parse("  bash-1 [000] d..1. 1.0: sched_switch: prev_comm=bash", &ev),
			 TRACE_LINE_OTHER);
	/* a text a process chooses (a file name) holding a whole xen line is no event */
	assert_int_equal(parse("  bash-5 [000] ..... 9.0: sched_process_exec: filename=/tmp/a-1 [0] "
			       "9.0: xen_mmu_pte_unlock: ptl 00000000deadbeef pid=5 old_pid=5", &ev),
			 TRACE_LINE_OTHER);
	/* numbers never wrap: a cpu or pid past 32 bits, a time past 2^64 ns is no event */
	assert_int_equal(parse("  a-1 [4294967297] d..2. 1.0: xen_mc_issue: issue mode LAZY_NONE", &ev),
			 TRACE_LINE_OTHER);
	assert_int_equal(parse("  a-4294967396 [000] d..2. 1.0: xen_mc_issue: issue mode LAZY_NONE",
			       &ev), TRACE_LINE_OTHER);
	assert_int_equal(parse("  a-1 [000] d..2. 18446744074.000014: xen_mc_issue: issue", &ev),
			 TRACE_LINE_OTHER);
	assert_int_equal(parse("  a-1 [000] d..2. 18446744073.709551: xen_mc_issue: issue", &ev),
			 TRACE_LINE_EVENT);
	assert_int_equal(ev.ts_ns, 18446744073709551000ULL);
	assert_int_equal(parse("  a-1 [000] d..2. 1.0: xen_mmu_pte_unlock: ptl 10000000000000000", &ev),
			 TRACE_LINE_BAD);
	assert_int_equal(parse("CPU:4294967297 [LOST EVENTS]", &ev), TRACE_LINE_OTHER);
	assert_int_equal(parse("CPU:-1 [LOST EVENTS]", &ev), TRACE_LINE_OTHER);
	/* function tracer: a name without a colon is no event */
	assert_int_equal(parse("  bash-1 [000] d..1. 1.0: xen_pin_page <-__xen_pgd_pin", &ev),
			 TRACE_LINE_OTHER);
	assert_int_equal(parse("  bash-1 [000] d..1. 1.0: xen_mc_entry_alloc: alloc entry 0 arg bytes",
			       &ev), TRACE_LINE_XEN_UNUSED);
}

static void test_malformed(void **state)
{
	struct pinscope_event ev;
	char err[160] = "";

	assert_int_equal(trace_parse_line("  a-1 [000] d..1. 1.0: xen_mc_flush: flushing lots",
					  &ev, err, sizeof(err)), TRACE_LINE_BAD);
	assert_non_null(strstr(err, "xen_mc_flush"));
	assert_int_equal(parse("  a-1 [000] d..1. 1.0: xen_mmu_pin_page: mm 1 pfn 2 level XYZ ptl 3",
			       &ev), TRACE_LINE_BAD);
	assert_int_equal(parse("  a-1 [000] d..1. 1.0: xen_mmu_do_pin: cmd PIN_L1_TABLE", &ev),
			 TRACE_LINE_BAD);
	assert_int_equal(parse("  a-1 [000] d..1. 1.0: xen_mc_callback: data 1", &ev), TRACE_LINE_BAD);
}

/* A process may name itself anything (prctl PR_SET_NAME): tracefs prints it as is */
static void test_comm_any(void **state)
{
	static const struct { const char *line, *comm; __u32 pid, cpu; } t[] = {
		{ "         a [1]-x-170     [001] d..2.    14.151500: xen_mmu_pte_unlock: ptl 1",
		  "a [1]-x", 170, 1 },
		{ "    a [12] d..2-9       [000] d..2.    14.151500: xen_mmu_pte_unlock: ptl 1",
		  "a [12] d..2", 9, 0 },
		{ "x-1 [1] 1.0: a:-4242    [003] d..2.    14.151500: xen_mmu_pte_unlock: ptl 1",
		  "x-1 [1] 1.0: a:", 4242, 3 },
		{ "      -12-   -77      [002] d..2.    14.151500: xen_mmu_pte_unlock: ptl 1",
		  "-12-   ", 77, 2 },
		/* trace-cmd, and tracefs with the record-tgid option */
		{ "  [7] x-5  [001]  14.151500000: xen_mmu_pte_unlock: ptl 1", "[7] x", 5, 1 },
		{ "        workload-170     (    170) [001] d..2.    14.151500: xen_mmu_pte_unlock: ptl 1",
		  "workload", 170, 1 },
	};
	struct pinscope_event ev;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(parse(t[i].line, &ev), TRACE_LINE_EVENT);
		assert_int_equal(ev.type, PINSCOPE_EV_UNLOCK);
		assert_string_equal(ev.comm, t[i].comm);
		assert_int_equal(ev.pid, t[i].pid);
		assert_int_equal(ev.cpu, t[i].cpu);
		assert_int_equal(ev.ts_ns, 14151500000ULL);
		assert_int_equal(ev.arg[3], 1);
	}
}

/* Lost-event marks: tracefs (kernel print_trace_line) and trace-cmd report */
static void test_lost_markers(void **state)
{
	static const struct { const char *line; __u32 cpu; __u64 k; } t[] = {
		{ "CPU:1 [LOST 1234 EVENTS]", 1, 1234 },
		{ "CPU:0 [LOST EVENTS]", 0, 0 },
		{ "CPU:7 [204600 EVENTS DROPPED]", 7, 204600 },
		{ "CPU:3 [EVENTS DROPPED]", 3, 0 },
		{ "  CPU:300 [LOST 5 EVENTS]\n", 300, 5 },
	};
	struct pinscope_event ev;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(parse(t[i].line, &ev), TRACE_LINE_EVENT);
		assert_int_equal(ev.type, PINSCOPE_EV_LOST);
		assert_int_equal(ev.cpu, t[i].cpu);
		assert_int_equal(ev.arg[0], t[i].k);
	}
	assert_int_equal(parse("CPU:1 [LOST many EVENTS]", &ev), TRACE_LINE_OTHER);
	assert_int_equal(parse("CPU:1 [LOST 5 EVENTS] and more", &ev), TRACE_LINE_OTHER);
	assert_int_equal(parse("cpus=2", &ev), TRACE_LINE_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracefs_with_flags),
		cmocka_unit_test(test_tracefs_without_flags),
		cmocka_unit_test(test_trace_cmd),
		cmocka_unit_test(test_mainline_mc_entry),
		cmocka_unit_test(test_patched_events),
		cmocka_unit_test(test_pte_lock_mm_locked),
		cmocka_unit_test(test_suspend_path),
		cmocka_unit_test(test_skipped_lines),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_comm_any),
		cmocka_unit_test(test_lost_markers),
	};

	return cmocka_run_group_tests_name("trace parser", tests, NULL, NULL);
}
