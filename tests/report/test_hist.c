// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The log-linear histograms: bpf/hist.bpf.h's hist_add (compiled here as
 * plain C) against user/report/stats.c's slot bounds, hist_count_below and
 * hist_percentile against brute force; user/report/units.c's time formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "bpf/hist.bpf.h"
#include "report/stats.h"
#include "report/units.h"

/* xorshift: the same samples on every run */
static __u64 rnd(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Log-uniform values from 0 to 2^37 ns (some beyond the last slot) */
static __u64 sample(__u64 *s)
{
	int bits = rnd(s) % 38;

	return bits ? rnd(s) & ((1ULL << bits) - 1) : 0;
}

static void test_slots(void **state)
{
	/* every slot: its bounds go to it, the value below its lo to the one before */
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		__u64 lo = hist_slot_lo(i), hi = hist_slot_hi(i);

		assert_true(lo < hi);
		assert_int_equal(hist_slot(lo), i);
		assert_int_equal(hist_slot(hi - 1), i);
		if (i)
			assert_int_equal(hist_slot(lo - 1), i - 1);
		/* at most 1/32 of the value wide */
		assert_true(lo < 32 ? hi - lo == 1 : (hi - lo) * 32 <= lo);
	}
	assert_int_equal(hist_slot_hi(PINSCOPE_HIST_SLOTS - 1), 1ULL << 36);
}

static void test_add_and_views(void **state)
{
	static __u64 v[20000];
	struct pinscope_hist h = {};
	__u64 l2[HIST_LOG2_SLOTS], s = 42;

	for (int i = 0; i < 20000; i++) {
		v[i] = sample(&s);
		hist_add(&h, v[i]);
	}
	assert_int_equal(h.count, 20000);
	/* values beyond 2^36 ns land in the last slot, nowhere else */
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++) {
		__u64 n = 0;

		for (int j = 0; j < 20000; j++)
			n += i == PINSCOPE_HIST_SLOTS - 1 ? v[j] >= hist_slot_lo(i) :
			     v[j] >= hist_slot_lo(i) && v[j] < hist_slot_hi(i);
		assert_int_equal(h.slots[i], n);
	}
	/* count below a power of two is exact, and the log2 view agrees */
	hist_log2(&h, l2);
	for (int k = 1; k <= 35; k++) {
		__u64 n = 0, m = 0;

		for (int j = 0; j < 20000; j++)
			n += v[j] < 1ULL << k;
		assert_int_equal(hist_count_below(&h, 1ULL << k), n);
		for (int j = 0; j < k; j++)
			m += l2[j];
		assert_int_equal(m, n);
	}
	assert_int_equal(hist_count_below(&h, h.max + 1), h.count);
	assert_int_equal(hist_count_below(&h, 0), 0);
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return (x > y) - (x < y);
}

/* Percentiles of many distributions within 1/32 of the exact rank's value */
static void test_percentiles(void **state)
{
	static __u64 v[5000];
	double pcts[] = { 1, 10, 50, 90, 99, 99.9, 100 };
	__u64 s = 7;

	for (int run = 0; run < 50; run++) {
		struct pinscope_hist h = {};
		int n = 1 + rnd(&s) % 5000;
		__u64 base = 1000 + rnd(&s) % 1000000, spread = 1 + rnd(&s) % 4000000;

		for (int i = 0; i < n; i++) {
			v[i] = base + rnd(&s) % spread;
			hist_add(&h, v[i]);
		}
		qsort(v, n, sizeof(v[0]), cmp_u64);
		for (size_t p = 0; p < sizeof(pcts) / sizeof(pcts[0]); p++) {
			int r = (int)(n * pcts[p] / 100 + 0.999999);	/* nearest rank */
			__u64 want = v[(r ? r : 1) - 1], got = hist_percentile(&h, pcts[p]);

			if ((got > want ? got - want : want - got) > want / 32.0)
				fail_msg("run %d n %d p%g: exact %llu, got %llu", run, n, pcts[p],
					 (unsigned long long)want, (unsigned long long)got);
		}
	}
}

static void test_units(void **state)
{
	char b[32];
	struct {
		__u64 ns;
		enum time_unit u;
		const char *want;
	} cases[] = {
		{ 0, UNIT_AUTO, "0ns" }, { 999, UNIT_AUTO, "999ns" }, { 1000, UNIT_AUTO, "1us" },
		{ 1500, UNIT_AUTO, "1.5us" }, { 727000, UNIT_AUTO, "727us" },
		{ 999499, UNIT_AUTO, "999us" }, { 999500, UNIT_AUTO, "1ms" },
		{ 1048576, UNIT_AUTO, "1.05ms" }, { 12345678, UNIT_AUTO, "12.3ms" },
		{ 1667445285, UNIT_AUTO, "1.67s" }, { 4000000000000ULL, UNIT_AUTO, "4000s" },
		{ 727000, UNIT_MS, "0.727ms" }, { 1, UNIT_S, "0.000000001s" },
		{ 2000000, UNIT_US, "2000us" }, { 1500, UNIT_NS, "1500ns" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(fmt_time(b, sizeof(b), cases[i].ns, cases[i].u), cases[i].want);
	assert_string_equal(fmt_time_res(b, sizeof(b), 0, UNIT_AUTO, 1000), "< 1us");
	assert_string_equal(fmt_time_res(b, sizeof(b), 1000, UNIT_AUTO, 1000), "1us");
	assert_string_equal(fmt_time_res(b, sizeof(b), 0, UNIT_AUTO, 1), "0ns");
	assert_int_equal(unit_parse("ms"), UNIT_MS);
	assert_int_equal(unit_parse("min"), -1);
}

static void test_clock_res(void **state)
{
	__u64 res = 0;

	clock_res_note(&res, 2920480000ULL);	/* tracefs: 2.920480 */
	clock_res_note(&res, 2920611000ULL);
	assert_int_equal(res, 1000);
	clock_res_note(&res, 2920610123ULL);	/* one ns timestamp: ns resolution */
	assert_int_equal(res, 1);
}

/* A live run's suspend-path holds that all read 0 ns are counted, not timed;
 * a replay's, the ordinary path's or one hold above 0 ns are timed */
static void test_path_untimed(void **state)
{
	struct pinscope_stats *st = calloc(1, sizeof(*st));

	(void)state;
	assert_non_null(st);
	assert_false(stats_path_untimed(st, PINSCOPE_PATH_SUSPEND, false));	/* no hold */
	st->suspend_hold[0].count = 3;
	st->hold[1].count = 5;
	assert_true(stats_path_untimed(st, PINSCOPE_PATH_SUSPEND, false));
	assert_false(stats_path_untimed(st, PINSCOPE_PATH_SUSPEND, true));
	assert_false(stats_path_untimed(st, PINSCOPE_PATH_ORDINARY, false));
	st->suspend_hold[1].count = 1;
	st->suspend_hold[1].max = 464000;
	assert_false(stats_path_untimed(st, PINSCOPE_PATH_SUSPEND, false));
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_add_and_views),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_clock_res),
		cmocka_unit_test(test_path_untimed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
