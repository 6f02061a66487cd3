/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The checker build a cmocka test runs on: CHECKER_ENGINE=user (default) or
 * bpf (tests/run-unit.sh sets it per tier).  After cmocka.h and checker.h. */
#ifndef PINSCOPE_TESTS_CHECKER_ENV_H
#define PINSCOPE_TESTS_CHECKER_ENV_H

#include <stdlib.h>

static inline enum checker_engine engine(void)
{
	const char *s = getenv("CHECKER_ENGINE");
	int e = s && *s ? checker_engine_parse(s) : CHECKER_USER;

	if (e < 0)
		fail_msg("CHECKER_ENGINE=%s: use user or bpf", s);
	return e;
}

#endif
