/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A file of the repository read into a string, for cmocka tests (after
 * cmocka.h).  Paths are relative to the repository's top, where the tests run. */
#ifndef PINSCOPE_TESTS_TEST_FILE_H
#define PINSCOPE_TESTS_TEST_FILE_H

#include <stdio.h>
#include <stdlib.h>

/* The whole of path, NUL-terminated: free() it; fails the test when unreadable */
static inline char *test_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;
	long n;

	if (!f)
		fail_msg("Failed to open %s: run from the repository's top", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	s = calloc(1, n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, n, f), n);
	fclose(f);
	return s;
}

#endif
