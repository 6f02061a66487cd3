// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "engine/minimize.h"

/*
 * ddmin over the kept items (idx[0..m)): split them into `parts` chunks and
 * try each complement (all kept items but one chunk); a complement that
 * holds becomes the new set with one chunk fewer, else the chunks halve.
 * Ends when the chunks are single items and none can go: 1-minimal.
 */
int minimize(bool *keep, size_t n, minimize_test test, void *ctx, size_t max_tests,
	     struct minimize_stats *st)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx)), m = 0, parts = 2;
	bool *cand = malloc(n ? n : 1), capped = false;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if (!idx || !cand) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			idx[m++] = i;
	st->before = m;
	while (m >= 2) {
		bool reduced = false;

		if (parts > m)
			parts = m;
		if (st->tests >= max_tests) {
			capped = true;	/* a valid subset, not proven minimal */
			break;
		}
		for (size_t p = 0; p < parts && !reduced; p++) {
			size_t lo = m * p / parts, hi = m * (p + 1) / parts;

			memcpy(cand, keep, n);
			for (size_t k = lo; k < hi; k++)
				cand[idx[k]] = false;
			st->tests++;
			rc = test(ctx, cand, n);
			if (rc < 0)
				goto out;
			if (rc) {
				memcpy(keep, cand, n);
				memmove(&idx[lo], &idx[hi], (m - hi) * sizeof(*idx));
				m -= hi - lo;
				parts = parts > 2 ? parts - 1 : 2;
				reduced = true;
			}
		}
		if (reduced)
			continue;
		if (parts >= m)
			break;
		parts = 2 * parts < m ? 2 * parts : m;
	}
	rc = 0;
	st->minimal = !capped;
out:
	st->after = m;
	free(idx);
	free(cand);
	return rc;
}
