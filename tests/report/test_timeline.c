// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * user/report/timeline.c, live path: an ARRAY map whose values are statistics (the
 * loader's cpus entries end with them: user/report/stats.c reads that tail), counters
 * growing between ticks; the slices must add up to the totals, stay between
 * TL_MAX_SLICES / 2 and TL_MAX_SLICES, and hold each change in its slice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "report/timeline.h"

#define MS 1000000ULL

static int stats_map(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tl_stats", sizeof(__u32),
				sizeof(struct pinscope_stats), PINSCOPE_MAX_CPUS, NULL);

	if (fd < 0)
		fail_msg("bpf_map_create: %s (root?)", strerror(errno));
	return fd;
}

static void test_live_slices(void **state)
{
	static struct pinscope_stats st;
	struct timeline *tl = timeline_new(10 * MS);
	__u32 cpu0 = 0;
	__u64 pins = 0, holds = 0, sum = 0;
	int fd = stats_map();

	assert_non_null(tl);
	memset(&st, 0, sizeof(st));
	/* 5 s of 10 ms ticks: in tick i, i % 3 pins and one hold in slot (i % 20) * 40 */
	for (__u64 i = 1; i <= 500; i++) {
		st.ops[0] += i % 3;
		pins += i % 3;
		st.hold[0].slots[(i % 20) * 40]++;
		st.hold[0].count++;
		holds++;
		assert_int_equal(bpf_map_update_elem(fd, &cpu0, &st, 0), 0);
		assert_int_equal(timeline_live_tick(tl, fd, i * 10 * MS + MS), 0);
	}
	timeline_finish(tl, &st, 500 * 10 * MS + 5 * MS);
	assert_in_range(tl->n, TL_MAX_SLICES / 2, TL_MAX_SLICES);
	/* 10 ms doubled until 5 s fits: 80 ms slices, 63 of them */
	assert_int_equal(tl->slice_ns, 80 * MS);
	for (int s = 0; s < tl->n; s++) {
		sum += tl->s[s].ops[0];
		for (int j = 0; j < HIST_LOG2_SLOTS; j++)
			holds -= tl->s[s].hold[j];
	}
	assert_int_equal(sum, pins);
	assert_int_equal(holds, 0);
	/* a slice is closed at the first tick at or after its end, with what the
	 * stats hold then: [0, 80 ms) has ticks 1..8 (11..81 ms), the next 9..16 */
	assert_int_equal(tl->s[0].ops[0], 1 + 2 + 0 + 1 + 2 + 0 + 1 + 2);
	assert_int_equal(tl->s[1].ops[0], 0 + 1 + 2 + 0 + 1 + 2 + 0 + 1);
	free(tl);
	close(fd);
}

/* A long pause: empty slices in between, and still at most TL_MAX_SLICES */
static void test_gap(void **state)
{
	static struct pinscope_stats st;
	struct timeline *tl = timeline_new(1 * MS);
	__u32 cpu0 = 0;
	int fd = stats_map();

	memset(&st, 0, sizeof(st));
	st.flushes = 5;
	bpf_map_update_elem(fd, &cpu0, &st, 0);
	assert_int_equal(timeline_live_tick(tl, fd, 2 * MS), 0);
	st.flushes = 12;
	bpf_map_update_elem(fd, &cpu0, &st, 0);
	assert_int_equal(timeline_live_tick(tl, fd, 1000 * MS), 0);	/* 1 s later */
	timeline_finish(tl, &st, 1000 * MS);
	assert_in_range(tl->n, 1, TL_MAX_SLICES);
	assert_int_equal(tl->s[0].flushes, 5 + 7);	/* merged with its neighbours */
	assert_true(tl->slice_ns * tl->n >= 1000 * MS);
	free(tl);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_slices),
		cmocka_unit_test(test_gap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
