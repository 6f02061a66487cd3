// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* user/report/summary.c: per-rule violation summary from records, text and JSON */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/ksyms.h"
#include "report/summary.h"

static struct pinscope_violation rec(__u32 rule, __u32 pid, __u64 ts, const __u64 *stack, int nr)
{
	struct pinscope_violation v = { .type = PINSCOPE_REC_VIOLATION, .rule = rule,
					.reason = PINSCOPE_WHY_QUEUED_UNLOCKED,
					.op = PINSCOPE_OP_PIN, .cpu = pid % 2, .pid = pid,
					.ts_ns = ts, .nr_stack = nr };

	snprintf(v.comm, sizeof(v.comm), "proc%u", pid);
	memcpy(v.stack, stack, nr * sizeof(stack[0]));
	return v;
}

static void test_counts(void **state)
{
	__u64 a[3] = { 0xffffffff81000010ULL, 0xffffffff81000020ULL, 0xffffffff81000030ULL };
	__u64 b[2] = { 0xffffffff81000010ULL, 0xffffffff81000099ULL };
	struct report rep = {};
	struct pinscope_violation v;
	const struct vs_rule *r;

	for (int i = 0; i < 3; i++) {
		v = rec(PINSCOPE_R_PTE_LOCK_HELD, 7, 1000 + i, a, 3);
		assert_int_equal(summary_add(&rep, &v), 0);
	}
	v = rec(PINSCOPE_R_PTE_LOCK_HELD, 8, 5000, b, 2);
	summary_add(&rep, &v);
	/* a prefix of stack a is another stack */
	v = rec(PINSCOPE_R_PTE_LOCK_HELD, 8, 6000, a, 2);
	summary_add(&rep, &v);
	v = rec(PINSCOPE_R_PTE_LOCK_HELD, 9, 7000, a, 0);
	summary_add(&rep, &v);
	r = &rep.vsum->rule[PINSCOPE_R_PTE_LOCK_HELD];
	assert_int_equal(r->records, 6);
	assert_int_equal(r->first.ts_ns, 1000);
	assert_int_equal(r->last.ts_ns, 7000);
	assert_int_equal(r->ops[PINSCOPE_OP_PIN], 6);
	assert_int_equal(r->cpus, 3);
	assert_int_equal(r->nr_procs, 3);
	assert_int_equal(r->nr_stacks, 3);
	assert_int_equal(r->stacks[0].count, 3);
	assert_int_equal(r->stacks[1].count, 1);
	assert_int_equal(r->no_stack, 1);
	assert_int_equal(rep.vsum->rule[PINSCOPE_R_PGD_LAST].records, 0);
	free(rep.vsum);
}

/* Full tables: the rest is counted, not dropped */
static void test_overflow(void **state)
{
	struct report rep = {};

	for (__u64 i = 0; i < VS_MAX_STACKS + 10; i++) {
		__u64 s[1] = { 0xffffffff81000000ULL + i };
		struct pinscope_violation v = rec(PINSCOPE_R_PGD_LAST, 100 + i, i, s, 1);

		summary_add(&rep, &v);
	}
	assert_int_equal(rep.vsum->rule[PINSCOPE_R_PGD_LAST].nr_stacks, VS_MAX_STACKS);
	assert_int_equal(rep.vsum->rule[PINSCOPE_R_PGD_LAST].stacks_other, 10);
	assert_int_equal(rep.vsum->rule[PINSCOPE_R_PGD_LAST].nr_procs, VS_MAX_PROCS);
	assert_int_equal(rep.vsum->rule[PINSCOPE_R_PGD_LAST].procs_other,
			 VS_MAX_STACKS + 10 - VS_MAX_PROCS);
	free(rep.vsum);
}

/* JSON: addresses as hex strings (jq would round numbers above 2^53), symbols
 * from kallsyms; text: the most frequent stack first, symbolized */
static void test_output(void **state)
{
	struct ksym_req req = { .name = "schedule" };
	struct report rep = { .viol_list = 2 };
	struct pinscope_violation v[4];
	__u64 rare[1] = { 0 }, hot[2];
	json_object *o, *st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (ksyms_resolve(&req, 1) != 1)
		skip();		/* addresses hidden: not root */
	hot[0] = req.addr + 5;
	hot[1] = req.addr + 0x40;
	rare[0] = req.addr;
	v[0] = rec(PINSCOPE_R_LOCKS_BOUNDED, 1, 10, rare, 1);
	for (int i = 1; i < 4; i++)
		v[i] = rec(PINSCOPE_R_LOCKS_BOUNDED, 2, 10 + i, hot, 2);
	rep.viol = v;
	rep.nr_viol = 4;
	rep.st.violated[PINSCOPE_R_LOCKS_BOUNDED] = 4;
	for (int i = 0; i < 4; i++)
		summary_add(&rep, &v[i]);

	o = summary_json(&rep);
	st = json_object_object_get(json_object_object_get(o, "locks-bounded"), "stacks");
	assert_int_equal(json_object_array_length(st), 2);
	st = json_object_array_get_idx(st, 0);		/* most frequent first */
	assert_int_equal(json_object_get_uint64(json_object_object_get(st, "count")), 3);
	{
		char want[24];

		snprintf(want, sizeof(want), "0x%llx", (unsigned long long)hot[0]);
		assert_string_equal(json_object_get_string(json_object_array_get_idx(
			json_object_object_get(st, "stack"), 0)), want);
		assert_string_equal(json_object_get_string(json_object_array_get_idx(
			json_object_object_get(st, "symbols"), 0)), "schedule+0x5");
	}
	json_object_put(o);

	f = open_memstream(&text, &len);
	summary_text(f, &rep, rep.viol_list);
	fclose(f);
	assert_non_null(strstr(text, "locks-bounded: 4 violations\n"));
	assert_non_null(strstr(text, "stacks: 2 distinct; the most frequent:\n    3 x\n"));
	assert_non_null(strstr(text, " schedule+0x5\n"));
	assert_non_null(strstr(text, "Violation list: 2 of 4\n"));
	free(text);
	free(rep.vsum);
	ksyms_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
