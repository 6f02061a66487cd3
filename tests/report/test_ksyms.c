// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* user/report/ksyms.c against this machine's /proc/kallsyms (root: addresses shown) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "report/ksyms.h"

/* The first line of /proc/kallsyms for name with a type in types */
static __u64 grep_kallsyms(const char *name, const char *types)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr, found = 0;
	char type, sym[256];

	assert_non_null(f);
	while (fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, sym) == 3)
		if (strchr(types, type) && !strcmp(sym, name)) {
			found = addr;
			break;
		}
	fclose(f);
	return found;
}

static void test_resolve(void **state)
{
	struct ksym_req req[] = {
		{ .name = "schedule" },
		{ .name = "__start_rodata", .data = true },
		{ .name = "schedule", .data = true },	/* a function, not a variable */
		{ .name = "pinscope_no_such_symbol" },
	};
	__u64 sched = grep_kallsyms("schedule", "tT");

	if (!sched)
		skip();		/* kptr_restrict hides addresses: not root */
	assert_int_equal(ksyms_resolve(req, 4), 2);
	assert_int_equal(req[0].addr, sched);
	assert_int_equal(req[1].addr, grep_kallsyms("__start_rodata", "DdBbRr"));
	assert_int_equal(req[2].addr, 0);
	assert_int_equal(req[3].addr, 0);
}

static void test_lookup(void **state)
{
	__u64 sched = grep_kallsyms("schedule", "tT"), off = 99;
	const char *name;

	if (!sched)
		skip();
	name = ksyms_lookup(sched, &off);
	assert_non_null(name);
	assert_string_equal(name, "schedule");
	assert_int_equal(off, 0);
	name = ksyms_lookup(sched + 5, &off);
	assert_string_equal(name, "schedule");
	assert_int_equal(off, 5);
	assert_null(ksyms_lookup(1, &off));	/* below every symbol */
	ksyms_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
