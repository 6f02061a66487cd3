// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Delta debugging over a keep mask (user/engine/minimize.c): --evidence's minimizer */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include "engine/minimize.h"

#define N 100

/* holds while every needed item is kept (and, with order, a before b: a pair) */
struct need {
	const int *items;
	int nr;
	int calls;
	int fail_at;		/* the test errors on this call, 0: never */
};

static int holds(void *ctx, const bool *keep, size_t n)
{
	struct need *nd = ctx;

	if (++nd->calls == nd->fail_at)
		return -EIO;
	for (int i = 0; i < nd->nr; i++)
		if (!keep[nd->items[i]])
			return 0;
	return 1;
}

static int kept(const bool *keep, int *out)
{
	int m = 0;

	for (int i = 0; i < N; i++)
		if (keep[i])
			out[m++] = i;
	return m;
}

static void test_finds_the_needed(void **state)
{
	static const int need[] = { 3, 50, 77 };
	struct need nd = { need, 3 };
	struct minimize_stats st;
	bool keep[N];
	int got[N];

	memset(keep, 1, sizeof(keep));
	assert_int_equal(minimize(keep, N, holds, &nd, 100000, &st), 0);
	assert_int_equal(kept(keep, got), 3);
	assert_memory_equal(got, need, sizeof(need));
	assert_true(st.minimal);
	assert_int_equal(st.before, N);
	assert_int_equal(st.after, 3);
	assert_int_equal((int)st.tests, nd.calls);
}

/* only the kept items are candidates; one item is already minimal */
static void test_starts_from_keep(void **state)
{
	static const int need[] = { 10 };
	struct need nd = { need, 1 };
	struct minimize_stats st;
	bool keep[N] = { [10] = true, [20] = true, [30] = true };
	int got[N];

	assert_int_equal(minimize(keep, N, holds, &nd, 100000, &st), 0);
	assert_int_equal(kept(keep, got), 1);
	assert_int_equal(got[0], 10);
	assert_true(st.minimal);
	memset(keep, 0, sizeof(keep));
	keep[10] = true;
	nd.calls = 0;
	assert_int_equal(minimize(keep, N, holds, &nd, 100000, &st), 0);
	assert_int_equal(nd.calls, 0);
	assert_true(st.minimal);
}

/* a bound on the replays: a valid subset, not claimed minimal */
static void test_capped(void **state)
{
	static const int need[] = { 1, 2, 3, 4, 5, 60, 70, 80, 90, 99 };
	struct need nd = { need, 10 };
	struct minimize_stats st;
	bool keep[N];
	int got[N];

	memset(keep, 1, sizeof(keep));
	assert_int_equal(minimize(keep, N, holds, &nd, 4, &st), 0);
	assert_false(st.minimal);
	assert_true(kept(keep, got) > 10);
	for (int i = 0; i < 10; i++)
		assert_true(keep[need[i]]);
}

static void test_error_stops(void **state)
{
	static const int need[] = { 7 };
	struct need nd = { need, 1, 0, 3 };
	struct minimize_stats st;
	bool keep[N];

	memset(keep, 1, sizeof(keep));
	assert_int_equal(minimize(keep, N, holds, &nd, 100000, &st), -EIO);
	assert_int_equal(nd.calls, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_the_needed),
		cmocka_unit_test(test_starts_from_keep),
		cmocka_unit_test(test_capped),
		cmocka_unit_test(test_error_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
