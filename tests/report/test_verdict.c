// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The verdict from the counters (user/report/verdict.c, docs/verdict.md) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "report/names.h"
#include "report/verdict.h"

static struct report rep;
static char line[512];

static int reset(void **state)
{
	memset(&rep, 0, sizeof(rep));
	rep.mode = "fentry";
	rep.caps = PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK;	/* a kernel with BTF */
	return 0;
}

static enum verdict judge(struct judged *j)
{
	judged_compute(&rep, j);
	verdict_line(&rep, line, sizeof(line));
	return verdict_of(&rep, j);
}

static void has(const char *s)
{
	if (!strstr(line, s))
		fail_msg("'%s' not in '%s'", s, line);
}

static void test_clean_counts(void **state)
{
	struct judged j;

	rep.st.ops[0] = 70;
	rep.st.ops[1] = 60;
	rep.st.lost.ops_cut = 2;
	assert_int_equal(judge(&j), VERDICT_CLEAN);
	assert_int_equal(j.operations, 128);
	assert_int_equal(j.operations_cut, 2);
	assert_int_equal(j.rules_exact + j.rules_approx + j.rules_not_visible +
			 j.rules_unexercised, PINSCOPE_NR_RULES);
	assert_false(j.input_lost);
	assert_int_equal(verdict_exit_code(VERDICT_CLEAN), PINSCOPE_EXIT_OK);
	assert_string_equal(verdict_name(VERDICT_CLEAN), "clean");
	assert_true(!strncmp(line, "clean: 128 operations judged (2 cut at the edges); ", 51));
	has("; no input lost");
	assert_null(strstr(line, "lost:"));
}

static void test_nothing_judged(void **state)
{
	struct judged j;

	assert_int_equal(judge(&j), VERDICT_INCONCLUSIVE);
	assert_int_equal(verdict_exit_code(VERDICT_INCONCLUSIVE), PINSCOPE_EXIT_INCONCLUSIVE);
	assert_true(!strncmp(line, "inconclusive: no pin/unpin operation judged;", 44));
	/* every started operation cut: still nothing judged */
	rep.st.ops[1] = 3;
	rep.st.lost.ops_cut = 1;
	rep.st.lost.ops_gap = 2;
	rep.st.lost.input_gaps = 2;
	assert_int_equal(judge(&j), VERDICT_INCONCLUSIVE);
	assert_int_equal(j.operations, 0);
	has("no pin/unpin operation judged (1 cut at the edges, 2 cut by lost input)");
	has("input lost: 2 gaps in the input (events lost, number unknown)");
}

static void test_violated(void **state)
{
	struct judged j;

	rep.st.violated[PINSCOPE_R_PGD_LAST] = 1;	/* even with nothing judged */
	assert_int_equal(judge(&j), VERDICT_VIOLATED);
	assert_int_equal(verdict_exit_code(VERDICT_VIOLATED), PINSCOPE_EXIT_VIOLATION);
	assert_string_equal(verdict_name(VERDICT_VIOLATED), "violated");
	assert_true(!strncmp(line, "VIOLATED: 1 violation; ", 23));
}

/* every loss that can hide a violation or an operation says "lost" */
static void test_losses(void **state)
{
	static const size_t off[] = {
		offsetof(struct pinscope_lost, ringbuf), offsetof(struct pinscope_lost, bad_cpu),
		offsetof(struct pinscope_lost, held_full), offsetof(struct pinscope_lost, input_gaps),
		offsetof(struct pinscope_lost, input_events), offsetof(struct pinscope_lost, ops_gap),
	};
	static const char *const says[] = {
		"5 violation records lost (ring buffer full: raise --ringbuf-size)",
		"5 events of cpus beyond the per-cpu table",
		"5 split locks not tracked (held-lock table full)",
		"5 gaps in the input", "(5 events lost)", "input lost: operations cut by gaps",
	};
	struct judged j;

	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		reset(state);
		rep.st.ops[0] = 10;
		*(__u64 *)((char *)&rep.st.lost + off[i]) = 5;
		assert_int_equal(judge(&j), VERDICT_CLEAN);
		assert_true(j.input_lost);
		has(says[i]);
		has("lost");
		assert_null(strstr(line, "no input lost"));
	}
	/* not losses: the top list, locks taken before the start, clock anomalies */
	reset(state);
	rep.st.ops[0] = 10;
	rep.st.lost.procs_full = rep.st.lost.unmatched_unlock = rep.st.lost.clock_back = 3;
	judge(&j);
	assert_false(j.input_lost);
	has("no input lost; 3 intervals ran backwards (clock anomaly: not timed)");
}

static void test_rules_by_mode(void **state)
{
	struct judged j;

	rep.st.ops[0] = 1;
	rep.caps = PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK;
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		rep.st.checked[r] = 1;
	judge(&j);
	assert_int_equal(j.rules_exact, 8);
	has("8 of 8 rules checked (8 exact, 0 approximate); no input lost");
	assert_null(strstr(line, "exit 0 covers"));
	/* the series' split locks before they recorded the mm lock */
	rep.caps = PINSCOPE_CAPS_TRACEPOINTS;
	judge(&j);
	assert_int_equal(j.rules_exact, 7);
	has("7 of 8 rules checked (7 exact, 0 approximate), 1 not visible in fentry mode; "
	    "no input lost; exit 0 covers only the rules checked: not the 1 not visible");
	rep.is_replay = 1;
	rep.source = "mainline";
	rep.caps = PINSCOPE_CAPS_MAINLINE;
	judge(&j);
	assert_int_equal(j.rules_not_visible, 6);
	has("2 of 8 rules checked (0 exact, 2 approximate), 6 not visible in mainline events");
	has("; exit 0 covers only the rules checked: not the 6 not visible (--require visible: "
	    "exit 4 instead)");
}

/* A rule with 0 checks is not checked (issue 26): not exercised, named */
static void test_not_exercised(void **state)
{
	struct judged j;

	rep.st.ops[0] = 3;
	rep.caps = PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK;
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		rep.st.checked[r] = r != PINSCOPE_R_NO_SPLIT_NO_L1_PIN;
	assert_int_equal(judge(&j), VERDICT_CLEAN);
	assert_int_equal(j.rules_exact, 7);
	assert_int_equal(j.rules_unexercised, 1);
	has("7 of 8 rules checked (7 exact, 0 approximate), 1 not exercised: no-split-no-l1-pin "
	    "(0 checks); no input lost; exit 0 covers only the rules checked: not the 1 not "
	    "exercised");
	/* -p of a pid not in the trace: nothing judged, nothing checked, said */
	reset(state);
	rep.is_replay = 1;
	rep.replay.pid = 99999;
	rep.caps = PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK;
	assert_int_equal(judge(&j), VERDICT_INCONCLUSIVE);
	has("no pin/unpin operation judged (pid 99999 of -p has no event in the trace); 0 of 8 "
	    "rules checked (0 exact, 0 approximate), 8 not exercised: ");
}

/* --require: a clean verdict that does not meet it is inconclusive (exit 4) */
static void test_require(void **state)
{
	struct judged j;

	assert_int_equal(verdict_require_parse("visible"), REQUIRE_VISIBLE);
	assert_int_equal(verdict_require_parse("exact,no-loss"), REQUIRE_EXACT | REQUIRE_NO_LOSS);
	assert_int_equal(verdict_require_parse("exact,"), -1);
	assert_int_equal(verdict_require_parse("visibl"), -1);
	assert_int_equal(verdict_require_parse(""), -1);
	rep.st.ops[0] = 2;
	rep.caps = PINSCOPE_CAPS_MAINLINE;
	rep.st.checked[PINSCOPE_R_PGD_LAST] = rep.st.checked[PINSCOPE_R_LOCKS_BOUNDED] = 2;
	rep.require = REQUIRE_NO_LOSS;
	assert_int_equal(judge(&j), VERDICT_CLEAN);
	rep.require = REQUIRE_VISIBLE | REQUIRE_NO_LOSS;
	rep.st.lost.input_gaps = 1;
	assert_int_equal(judge(&j), VERDICT_INCONCLUSIVE);
	has("inconclusive: --require not met (6 rules not visible, input lost); 2 operations judged");
	rep.require = REQUIRE_EXACT;
	rep.caps = PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK;	/* visible, some approximate */
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		rep.st.checked[r] = 2;
	assert_int_equal(judge(&j), VERDICT_INCONCLUSIVE);
	has("--require not met (");
	has(" approximate, 0 not seen on some operations)");
	rep.require = REQUIRE_VISIBLE;
	assert_int_equal(judge(&j), VERDICT_CLEAN);
	/* a violation stays a violation */
	rep.require = REQUIRE_EXACT | REQUIRE_NO_LOSS;
	rep.st.violated[0] = 1;
	assert_int_equal(judge(&j), VERDICT_VIOLATED);
	assert_null(strstr(line, "--require"));
}

/*
 * A rule whose steps were not seen is not judged: on some operations it is
 * named with their count; on every operation it is not visible at all
 * (docs/verdict.md "Rules checked").
 */
static void test_unseen(void **state)
{
	struct judged j;

	rep.st.ops[0] = rep.st.ops[1] = 64;
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		rep.st.checked[r] = 128;	/* every rule exercised */
	rep.st.checked[PINSCOPE_R_L4_AFTER_WALK] = 64;
	rep.st.unseen[PINSCOPE_R_L4_AFTER_WALK] = 64;
	rep.hook_problems = "xen_pin_page: in kallsyms, not in BTF";
	assert_int_equal(judge(&j), VERDICT_CLEAN);
	assert_int_equal(j.rules_part, 1);
	assert_int_equal(j.rules_unseen, 0);
	has("; not seen, not judged: l4-after-walk on 64 operations (xen_pin_page: in kallsyms, "
	    "not in BTF)");

	rep.st.checked[PINSCOPE_R_L4_AFTER_WALK] = 0;
	rep.st.checked[PINSCOPE_R_PGD_LAST] = 127;
	rep.st.unseen[PINSCOPE_R_PGD_LAST] = 1;
	assert_int_equal(judge(&j), VERDICT_CLEAN);
	assert_int_equal(j.rules_unseen, 1);	/* l4-after-walk: never seen */
	assert_int_equal(j.rules_part, 1);	/* pgd-last: seen but on one */
	assert_int_equal(j.rules_exact + j.rules_approx, PINSCOPE_NR_RULES - 1);
	has("7 of 8 rules checked");
	has("not judged: pgd-last on 1 operation, l4-after-walk on 64 operations");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clean_counts, reset),
		cmocka_unit_test_setup(test_nothing_judged, reset),
		cmocka_unit_test_setup(test_violated, reset),
		cmocka_unit_test_setup(test_losses, reset),
		cmocka_unit_test_setup(test_rules_by_mode, reset),
		cmocka_unit_test_setup(test_unseen, reset),
		cmocka_unit_test_setup(test_not_exercised, reset),
		cmocka_unit_test_setup(test_require, reset),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
