/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Delta debugging (Zeller's ddmin, complements only) over a set of n items
 * given as a keep mask: the fewest items for which test() still holds.  The
 * result is 1-minimal: removing any one kept item makes test() fail.
 * --evidence shrinks a violation's window of trace lines with it
 * (user/input/evidence.c), test() replaying each candidate in-process.
 */
#ifndef PINSCOPE_MINIMIZE_H
#define PINSCOPE_MINIMIZE_H

#include <stdbool.h>
#include <stddef.h>

/* 1: the candidate keep[0..n) still shows it, 0: not, < 0: error (stops) */
typedef int (*minimize_test)(void *ctx, const bool *keep, size_t n);

struct minimize_stats {
	size_t tests;		/* candidates tried */
	size_t before, after;	/* items kept */
	bool minimal;		/* 1-minimal; false: stopped at max_tests, smaller but not minimal */
};

/*
 * keep[0..n): the items to start from (test() must hold on them); on
 * return, a subset test() holds on: 1-minimal unless max_tests candidates
 * were tried first (st->minimal).  0, or test()'s error, or -ENOMEM.
 */
int minimize(bool *keep, size_t n, minimize_test test, void *ctx, size_t max_tests,
	     struct minimize_stats *st);

#endif
