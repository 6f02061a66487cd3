// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* -i -R and the NDJSON "interval" object: a report of what is new since the
 * previous one (report_diff, stats_diff) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "live/interval.h"
#include "report/stats.h"

static struct report prev, cur, iv;

/* the slot of the histogram layout (user/report/stats.h) that holds v ns */
static int slot_of(__u64 v)
{
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++)
		if (v >= hist_slot_lo(i) && v < hist_slot_hi(i))
			return i;
	return PINSCOPE_HIST_SLOTS - 1;
}

static void test_diff(void **state)
{
	memset(&prev, 0, sizeof(prev));
	prev.mode = "fentry";
	prev.duration_ns = 1000;
	prev.st.ops[0] = 5;
	prev.st.violated[2] = 1;
	prev.st.lost.ops_gap = 1;
	prev.st.hold[0].slots[slot_of(12)] = 2;
	prev.st.hold[0].slots[slot_of(1500000)] = 1;
	prev.st.hold[0].count = 3;
	prev.st.hold[0].sum = 1000000;
	prev.st.hold[0].max = 1500000;
	prev.nr_viol = 1;
	cur = prev;
	cur.duration_ns = 3500;
	cur.st.ops[0] = 9;
	cur.st.violated[2] = 4;
	cur.st.hold[0].slots[slot_of(12)] = 7;	/* 5 new samples of 12 ns */
	cur.st.hold[0].count = 8;
	cur.st.hold[0].sum = 1000050;
	cur.nr_viol = 4;

	report_diff(&iv, &cur, &prev);
	assert_string_equal(iv.mode, "fentry");
	assert_int_equal(iv.duration_ns, 2500);
	assert_int_equal(iv.st.ops[0], 4);
	assert_int_equal(iv.st.violated[2], 3);
	assert_int_equal(total_violations(&iv.st), 3);
	assert_int_equal(iv.st.lost.ops_gap, 0);
	assert_int_equal(iv.st.hold[0].slots[slot_of(12)], 5);
	assert_int_equal(iv.st.hold[0].slots[slot_of(1500000)], 0);
	assert_int_equal(iv.st.hold[0].count, 5);
	assert_int_equal(iv.st.hold[0].sum, 50);
	/* the interval's max: the top of the highest bucket that grew (12 ns
	 * has a slot of its own), not the cumulative 1.5 ms of an older sample */
	assert_int_equal(iv.st.hold[0].max, 12);
	assert_int_equal(hist_percentile(&iv.st.hold[0], 90), 12);
	assert_int_equal(iv.st.hold[1].max, 0);
	assert_int_equal(iv.nr_viol, 3);
	assert_null(iv.viol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
