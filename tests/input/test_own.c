// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pinscope's own event lines (user/input/own.c, include/pinscope_rules.h
 * PINSCOPE_OWN_LINES): the stock modes' events written as trace lines and
 * read back by the trace parser to the same event and the stock modes' caps;
 * and a fentry-mode flight recorder window (as bpf/flight.bpf.h sends it)
 * through the live evidence path (input/flight.c, input/evidence.c): its
 * snippet replays to its rule alone, with fentry's caps; and a trace.dat's
 * events as replay --evidence renders them, read back to the same events.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>
#include "input/evidence.h"
#include "input/flight.h"
#include "input/own.h"
#include "input/replay.h"
#include "input/trace.h"
#include "report/evidence.h"
#include "report/stats.h"
#include "report/violations.h"

#define PREFIX "        workload-170     [001] d.... 12.000100: "
#define SLOW "        workload-170     (    170) [001] d.... 12.000100: "
#define MM 0xffff888001000000ULL
#define PTL 0xffff888002000040ULL
#define MMLOCK(m) ((__u64)PINSCOPE_MMLOCK_##m << PINSCOPE_MMLOCK_SHIFT)

/* Every event of the stock modes, with the values each field takes */
static const struct pinscope_event samples[] = {
	{ .type = PINSCOPE_EV_OP_BEGIN, .arg = { PINSCOPE_OP_PIN, MM, 0x3077, 0 } },
	{ .type = PINSCOPE_EV_OP_BEGIN, .arg = { PINSCOPE_OP_UNPIN, MM, 0x200, 1 } },
	{ .type = PINSCOPE_EV_OP_END, .arg = { PINSCOPE_OP_UNPIN } },
	{ .type = PINSCOPE_EV_PAGE, .arg = { PINSCOPE_OP_PIN, 0x1a2b, PINSCOPE_L_PGD } },
	{ .type = PINSCOPE_EV_PAGE, .arg = { PINSCOPE_OP_PIN | MMLOCK(HELD), 0x100, PINSCOPE_L_PTE } },
	{ .type = PINSCOPE_EV_PAGE, .arg = { PINSCOPE_OP_UNPIN | MMLOCK(FREE), 0x101, PINSCOPE_L_PTE } },
	{ .type = PINSCOPE_EV_PAGE, .arg = { PINSCOPE_OP_UNPIN, 0xffffffffffULL, PINSCOPE_L_LOWER } },
	{ .type = PINSCOPE_EV_PAGE_EXIT, .arg = { PINSCOPE_OP_PIN } },
	{ .type = PINSCOPE_EV_UNLOCK, .arg = { 0, 0, 0, PTL } },
	{ .type = PINSCOPE_EV_DO_PIN, .arg = { PINSCOPE_MMUEXT_PIN_L1, 0x100 } },
	{ .type = PINSCOPE_EV_DO_PIN, .arg = { PINSCOPE_MMUEXT_UNPIN, ~0ULL } },
	{ .type = PINSCOPE_EV_MC_ENTRY, .arg = { PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING, 0x200,
						 PINSCOPE_UVMF_TLB_FLUSH } },
	{ .type = PINSCOPE_EV_FLUSH_EXIT },
};

/* Each sample: written, read back to the same event, the stock modes' caps */
static void test_round_trip(void **state)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct pinscope_event *s = &samples[i];
		bool mm_locked = PINSCOPE_EV_MMLOCK(s->arg[0]) != PINSCOPE_MMLOCK_UNKNOWN, lock;
		char line[256] = PREFIX, slow[300] = "", err[160];
		struct pinscope_event ev, ev2;

		assert_int_equal(own_line_format(s->type, s->arg, line + strlen(line),
						 sizeof(line) - strlen(line)), 1);
		assert_int_equal(strncmp(line + strlen(PREFIX), "pinscope_", 9), 0);
		assert_int_equal(trace_parse_line(line, &ev, err, sizeof(err)), TRACE_LINE_EVENT);
		assert_int_equal(ev.type, s->type);
		assert_memory_equal(ev.arg, s->arg, sizeof(ev.arg));
		assert_int_equal(ev.cpu, 1);
		assert_int_equal(ev.pid, 170);
		assert_int_equal(ev.ts_ns, 12000100000ULL);
		assert_int_equal(trace_line_caps(line, &lock),
				 PINSCOPE_CAPS_OWN_LINES | (mm_locked ? PINSCOPE_CAP_MMLOCK : 0));
		assert_int_equal(lock, mm_locked);
		/* the same through event_of() (a tgid column: not the fast path's) */
		memcpy(slow, SLOW, strlen(SLOW));
		strcpy(slow + strlen(SLOW), line + strlen(PREFIX));
		assert_int_equal(trace_parse_line(slow, &ev2, err, sizeof(err)), TRACE_LINE_EVENT);
		ev2.pid = ev.pid;	/* the tgid's line names it so */
		assert_memory_equal(&ev, &ev2, sizeof(ev));
	}
}

/*
 * Every event a trace.dat record gives (input/tracedat.c: the patch's and the
 * mainline tracepoints, and the mark of lost records), rendered as replay
 * --evidence does (flight_event_line(), a patched kernel's caps), read back
 * by the text parser to the same event: type, the fields the reader fills,
 * task, cpu and time to the microsecond, rounded as tracefs rounds it
 */
static void test_record_lines(void **state)
{
	static const struct pinscope_event recs[] = {
		{ .type = PINSCOPE_EV_OP_BEGIN, .arg = { PINSCOPE_OP_PIN, MM, 0xffff888003077000ULL } },
		{ .type = PINSCOPE_EV_OP_BEGIN, .arg = { PINSCOPE_OP_UNPIN, MM, 0xffff888000200000ULL } },
		{ .type = PINSCOPE_EV_PAGE, .arg = { PINSCOPE_OP_PIN, 0x1a2b, PINSCOPE_L_PTE, PTL } },
		{ .type = PINSCOPE_EV_PAGE, .arg = { PINSCOPE_OP_UNPIN, 0x1a2c, PINSCOPE_L_PGD } },
		{ .type = PINSCOPE_EV_LOCK, .arg = { MMLOCK(HELD), 0x100, 0, PTL } },
		{ .type = PINSCOPE_EV_LOCK, .arg = { MMLOCK(FREE), 0x101, 0, PTL } },
		{ .type = PINSCOPE_EV_UNLOCK, .arg = { 0, 0, 0, PTL } },
		{ .type = PINSCOPE_EV_DO_PIN, .arg = { PINSCOPE_MMUEXT_PIN_L1, 0x100 } },
		{ .type = PINSCOPE_EV_CALLBACK, .arg = { 1, 0, 0, PTL } },
		{ .type = PINSCOPE_EV_CALLBACK, .arg = { 0, 0, 0, 0xffff888000001000ULL } },
		{ .type = PINSCOPE_EV_FLUSH_REASON, .arg = { 2 } },
		{ .type = PINSCOPE_EV_FLUSH, .arg = { 3, 48, 1 } },
		{ .type = PINSCOPE_EV_MC_ISSUE },
		{ .type = PINSCOPE_EV_MC_ENTRY, .arg = { PINSCOPE_HYPERCALL_UPDATE_VA_MAPPING, 0x200,
							 PINSCOPE_UVMF_TLB_FLUSH } },
		{ .type = PINSCOPE_EV_LOST, .arg = { 12 } },
		{ .type = PINSCOPE_EV_LOST },
	};
	const __u32 caps = PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK;

	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		struct pinscope_event want = recs[i], ev = {};
		char line[512], err[160];
		__u64 mm = MM;

		want.cpu = 1;
		want.pid = 170;
		want.ts_ns = 12000100600ULL;	/* 12.000101 */
		strcpy(want.comm, "workload");
		if (want.type == PINSCOPE_EV_OP_BEGIN)
			want.arg[3] = trace_op_path(want.comm);
		assert_int_equal(flight_event_line(want.type, want.arg, want.pid, want.comm, want.cpu,
						   want.ts_ns, caps, &mm, line, sizeof(line)), 1);
		assert_int_equal(trace_parse_text(line, strlen(line), &ev, err, sizeof(err)),
				 TRACE_LINE_EVENT);
		assert_int_equal(ev.type, want.type);
		assert_memory_equal(ev.arg, want.arg, sizeof(ev.arg));
		assert_int_equal(ev.cpu, want.cpu);
		if (want.type == PINSCOPE_EV_LOST)
			continue;	/* tracefs's mark has no task or time */
		assert_int_equal(ev.pid, want.pid);
		assert_int_equal(ev.ts_ns, 12000101000ULL);
		assert_string_equal(ev.comm, want.comm);
	}
}

/* The layout, as docs/input.md gives it */
static void test_layout(void **state)
{
	const __u64 page[4] = { PINSCOPE_OP_PIN | MMLOCK(FREE), 0x1a2, PINSCOPE_L_PTE };
	const __u64 begin[4] = { PINSCOPE_OP_UNPIN, MM, 0x3077, 1 };
	const __u64 none[4] = { 0 };
	char buf[128];

	assert_int_equal(own_line_format(PINSCOPE_EV_PAGE, page, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "pinscope_page: op=pin pfn=1a2 level=PTE mm_locked=0");
	assert_int_equal(own_line_format(PINSCOPE_EV_OP_BEGIN, begin, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "pinscope_op_begin: op=unpin mm=ffff888001000000 pgd_pfn=3077 "
			    "suspend=1");
	assert_int_equal(own_line_format(PINSCOPE_EV_FLUSH_EXIT, none, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "pinscope_flush_exit:");
	/* a tracepoint prints these: no own line */
	assert_int_equal(own_line_format(PINSCOPE_EV_FLUSH, none, buf, sizeof(buf)), 0);
	assert_int_equal(own_line_format(PINSCOPE_EV_CALLBACK, none, buf, sizeof(buf)), 0);
	assert_int_equal(own_line_format(PINSCOPE_EV_LOCK, none, buf, sizeof(buf)), 0);
	/* a value with no name, a buffer too small: no line */
	assert_int_equal(own_line_format(PINSCOPE_EV_OP_END, none, buf, sizeof(buf)), 0);
	assert_int_equal(own_line_format(PINSCOPE_EV_PAGE, page, buf, 20), 0);
}

/* Lines that are not the table's: refused with the reason, or not own lines */
static void test_bad_lines(void **state)
{
	static const char *const bad[] = {
		PREFIX "pinscope_page: op=pin level=PTE pfn=1",		/* order */
		PREFIX "pinscope_page: op=pin pfn=1",			/* a field missing */
		PREFIX "pinscope_page: op=pin pfn=1 level=PTE ptl=5",	/* one too many */
		PREFIX "pinscope_page: op=pin pfn=1 level=PTX",
		PREFIX "pinscope_page: op=pin pfn=x1 level=PTE",
		PREFIX "pinscope_page: op=pin pfn=11112222333344445 level=PTE",	/* > 64 bits */
		PREFIX "pinscope_page: op=pin pfn=1 level=PTE mm_locked=2",
		PREFIX "pinscope_page: op=pin  pfn=1 level=PTE",
		PREFIX "pinscope_op_end: op=none",
		PREFIX "pinscope_op_begin: op=pin mm=1 pgd_pfn=2 suspend=18446744073709551616",
		PREFIX "pinscope_flush_exit: x",
	};
	char err[160];
	struct pinscope_event ev;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(trace_parse_line(bad[i], &ev, err, sizeof(err)), TRACE_LINE_BAD);
		assert_non_null(strstr(err, "cannot parse the arguments of pinscope_"));
	}
	/* another name: no event, no caps; a comm is no event name */
	assert_int_equal(trace_parse_line(PREFIX "pinscope_pgd_done: op=pin", &ev, err, sizeof(err)),
			 TRACE_LINE_OTHER);
	assert_int_equal(trace_line_caps(PREFIX "pinscope_pgd_done: op=pin", NULL), 0);
	assert_int_equal(trace_parse_line("pinscope_op_end:-1 [000] 1.0: sched_switch: x", &ev, err,
					  sizeof(err)), TRACE_LINE_OTHER);
	/* the patch's events still say tracepoints */
	assert_int_equal(trace_line_caps(PREFIX "xen_mmu_do_pin: cmd PIN_L1_TABLE pfn 1", NULL),
			 PINSCOPE_CAPS_TRACEPOINTS);
}

/* A flight recorder window of n slots holding ev[0..nr) on cpu 1 */
static struct pinscope_window *window(const struct pinscope_event *ev, size_t nr, __u32 n)
{
	struct pinscope_window *w = calloc(1, sizeof(*w) + n * sizeof(w->ev[0]));

	assert_non_null(w);
	w->type = PINSCOPE_REC_WINDOW;
	w->n = n;
	for (size_t i = 0; i < nr; i++) {
		struct pinscope_flight_ev *f = &w->ev[w->head++ % n];

		*f = (struct pinscope_flight_ev){ .ts_ns = 12000000000ULL + 1000 * i,
						  .type = ev[i].type, .pid = 170 };
		memcpy(f->arg, ev[i].arg, sizeof(f->arg));
	}
	w->v.cpu = 1;
	w->v.pid = 170;
	strcpy(w->v.comm, "workload");
	return w;
}

/* The window's lines: own lines in the stock modes, the patch's in tracepoints mode */
static void test_flight_lines_by_mode(void **state)
{
	const struct pinscope_event ev[] = {
		{ .type = PINSCOPE_EV_OP_BEGIN, .arg = { PINSCOPE_OP_PIN, MM, 0x200 } },
		{ .type = PINSCOPE_EV_CALLBACK, .arg = { 1, 0, 0, PTL } },
		{ .type = PINSCOPE_EV_FLUSH_EXIT },
	};
	struct pinscope_window *w = window(ev, 3, 16);
	char line[512];
	__u64 mm = 0;

	assert_true(flight_own_lines(PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK));
	assert_false(flight_own_lines(PINSCOPE_CAPS_TP_FEXIT));
	assert_int_equal(flight_line(w, 0, PINSCOPE_CAPS_FENTRY, &mm, line, sizeof(line)), 1);
	assert_non_null(strstr(line, "workload-170     [001] d....    12.000000: pinscope_op_begin: "
			       "op=pin mm=ffff888001000000 pgd_pfn=200 suspend=0"));
	assert_int_equal(flight_line(w, 1, PINSCOPE_CAPS_FENTRY, &mm, line, sizeof(line)), 1);
	assert_non_null(strstr(line, ": xen_mc_callback: callback xen_pte_unlock, data "));
	assert_int_equal(flight_line(w, 2, PINSCOPE_CAPS_FENTRY, &mm, line, sizeof(line)), 1);
	assert_non_null(strstr(line, ": pinscope_flush_exit:"));
	/* tracepoints mode: the patch's lines; its fexit flush return has none */
	assert_int_equal(flight_line(w, 0, PINSCOPE_CAPS_TP_FEXIT, &mm, line, sizeof(line)), 1);
	assert_non_null(strstr(line, ": xen_mmu_pgd_pin: mm "));
	assert_int_equal(flight_line(w, 2, PINSCOPE_CAPS_TP_FEXIT, &mm, line, sizeof(line)), 0);
	free(w);
}

/*
 * fentry mode's early unlock (the fault early_unlock): a PTE page's split
 * lock released inside its visit, outside any flush, after a clean pin of
 * another PTE page and a flush.  Its window, as the recorder sends it with
 * the violation, becomes a snippet of own lines that replays to
 * unlock-after-flush alone, with fentry's caps, 1-minimal.
 */
static void test_fentry_window_snippet(void **state)
{
	const struct pinscope_event ev[] = {
		{ .type = PINSCOPE_EV_OP_BEGIN, .arg = { PINSCOPE_OP_PIN, MM, 0x200 } },
		{ .type = PINSCOPE_EV_PAGE, .arg = { PINSCOPE_OP_PIN | MMLOCK(HELD), 0x100,
						     PINSCOPE_L_PTE } },
		{ .type = PINSCOPE_EV_CALLBACK, .arg = { 1, 0, 0, PTL } },
		{ .type = PINSCOPE_EV_DO_PIN, .arg = { PINSCOPE_MMUEXT_PIN_L1, 0x100 } },
		{ .type = PINSCOPE_EV_PAGE_EXIT, .arg = { PINSCOPE_OP_PIN } },
		{ .type = PINSCOPE_EV_FLUSH_REASON, .arg = { PINSCOPE_FL_BATCH } },
		{ .type = PINSCOPE_EV_FLUSH, .arg = { 2, 48, 1 } },
		{ .type = PINSCOPE_EV_UNLOCK, .arg = { 0, 0, 0, PTL } },
		{ .type = PINSCOPE_EV_FLUSH_EXIT },
		{ .type = PINSCOPE_EV_PAGE, .arg = { PINSCOPE_OP_PIN | MMLOCK(HELD), 0x101,
						     PINSCOPE_L_PTE } },
		{ .type = PINSCOPE_EV_DO_PIN, .arg = { PINSCOPE_MMUEXT_PIN_L1, 0x101 } },
		{ .type = PINSCOPE_EV_UNLOCK, .arg = { 0, 0, 0, PTL + 64 } },	/* early */
	};
	const size_t nr = sizeof(ev) / sizeof(ev[0]);
	struct pinscope_event in[sizeof(ev) / sizeof(ev[0])];
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep };
	struct evidence e = { .dir_fd = -1, .input = "live", .max = 1, .live = true,
			      .caps = PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK,
			      .mode = "fentry" };
	struct evidence_capture *c = evidence_capture_new(&e, false);
	struct pinscope_window *w;
	const struct evidence_item *it;
	__u32 caps = 0;

	/* the live checker's violation, as the recorder sends it with its window */
	for (size_t i = 0; i < nr; i++) {
		in[i] = ev[i];
		in[i].cpu = 1;
	}
	assert_int_equal(replay_events(in, nr, PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK, &rep,
				       &sink), 0);
	assert_int_equal(rep.nr_viol, 1);
	assert_int_equal(rep.viol[0].rule, PINSCOPE_R_UNLOCK_AFTER_FLUSH);
	assert_int_equal(rep.viol[0].pfn, 0x101);
	w = window(ev, nr, 16);
	w->v = rep.viol[0];
	report_free(&rep);

	assert_non_null(c);
	evidence_capture_window(c, w);
	assert_int_equal(evidence_capture_finish(c), 0);
	assert_int_equal(e.nr, 1);
	assert_int_equal(e.unprintable, 0);	/* every event has its line */
	it = &e.items[0];
	assert_true(it->reproduced);
	assert_true(it->minimized);
	assert_int_equal(it->window, nr);
	/* the begin, the page and the unlock inside its visit */
	assert_int_equal(it->nr_lines, 3);
	for (size_t k = 0; k < it->nr_lines; k++) {
		struct pinscope_event x;
		char err[160];

		assert_non_null(strstr(it->lines[k].text, ": pinscope_"));
		assert_int_equal(trace_parse_line(it->lines[k].text, &x, err, sizeof(err)),
				 TRACE_LINE_EVENT);
		in[k] = x;
		caps |= trace_line_caps(it->lines[k].text, NULL);
	}
	/* read back as replay reads the snippet: fentry's caps, the rule alone */
	assert_int_equal(replay_text_caps(caps), PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK);
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(replay_events(in, it->nr_lines, replay_text_caps(caps), &rep, &sink), 0);
	assert_int_equal(rep.nr_viol, 1);
	assert_int_equal(rep.viol[0].rule, PINSCOPE_R_UNLOCK_AFTER_FLUSH);
	assert_int_equal(rep.viol[0].pfn, 0x101);
	report_free(&rep);
	evidence_capture_free(c);
	evidence_free(&e);
	free(w);
}

/*
 * A recorded trace of a patched kernel whose window also holds the mainline
 * multicall entries of the same pages: its snippet keeps the source of the
 * window (tracepoints, a patched kernel's event in it), never a subset of
 * mainline lines that gives the same violation only when read as mainline
 * (update_va_mapping with UVMF_TLB_FLUSH as the PGD, approximate).
 */
static void test_snippet_keeps_window_source(void **state)
{
#define T(text) "            init-1     [000] d.... 5.%06d: " text
	static const char *const fmt[] = {
		T("xen_mmu_pgd_pin: mm ffff888001000000 pgd ffff888000200000"),
		T("xen_mc_entry: op 14(update_va_mapping) args [ffff888000200000, 0, 1]"),
		T("xen_mc_entry: op 14(update_va_mapping) args [ffff888000100000, 0, 0]"),
		T("xen_mmu_pin_page: mm ffff888001000000 pfn 300 level PUD ptl 0000000000000000"),
		T("xen_mmu_pin_page: mm ffff888001000000 pfn 200 level PGD ptl 0000000000000000"),
		T("xen_mmu_pin_page: mm ffff888001000000 pfn 100 level PMD ptl 0000000000000000"),
	};
#undef T
	const size_t nr = sizeof(fmt) / sizeof(fmt[0]);
	struct pinscope_event ev[sizeof(fmt) / sizeof(fmt[0])];
	char line[sizeof(fmt) / sizeof(fmt[0])][256], err[160];
	struct evidence e = { .dir_fd = -1, .input = "t.trace", .max = 1 };
	struct evidence_capture *c = evidence_capture_new(&e, false);
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep };
	const struct evidence_item *it;
	__u32 caps = 0;

	assert_non_null(c);
	for (size_t i = 0; i < nr; i++) {
		snprintf(line[i], sizeof(line[i]), fmt[i], (int)i + 1);
		assert_int_equal(trace_parse_line(line[i], &ev[i], err, sizeof(err)),
				 TRACE_LINE_EVENT);
		caps |= trace_line_caps(line[i], NULL);
		assert_int_equal(evidence_capture_line(c, &ev[i], line[i], i + 1), 0);
	}
	assert_int_equal(replay_text_caps(caps), PINSCOPE_CAPS_TRACEPOINTS);
	assert_int_equal(replay_events(ev, nr, replay_text_caps(caps), &rep, &sink), 0);
	assert_int_equal(rep.nr_viol, 1);
	assert_int_equal(rep.viol[0].rule, PINSCOPE_R_PGD_LAST);
	evidence_capture_tap(c, &rep.viol[0]);
	report_free(&rep);
	/* the first three lines alone give the same violation read as mainline */
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(replay_events(ev, 3, PINSCOPE_CAPS_MAINLINE, &rep, &sink), 0);
	assert_int_equal(rep.nr_viol, 1);
	assert_int_equal(rep.viol[0].rule, PINSCOPE_R_PGD_LAST);
	assert_int_equal(rep.viol[0].pfn, 0x100);
	report_free(&rep);

	assert_int_equal(evidence_capture_finish(c), 0);
	assert_int_equal(e.nr, 1);
	it = &e.items[0];
	assert_true(it->reproduced && it->minimized);
	/* the begin, the PGD and the lower page: the patched kernel's lines */
	assert_int_equal(it->nr_lines, 3);
	assert_int_equal(it->lines[0].lineno, 1);
	assert_int_equal(it->lines[1].lineno, 5);
	assert_int_equal(it->lines[2].lineno, 6);
	evidence_capture_free(c);
	evidence_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_record_lines),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_flight_lines_by_mode),
		cmocka_unit_test(test_fentry_window_snippet),
		cmocka_unit_test(test_snippet_keeps_window_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
