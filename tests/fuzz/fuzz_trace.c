// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: the text trace parser on one line (user/input/trace.c), which
 * must agree with the simple parser it replaced (tests/input/trace_oracle.c):
 * the same class, event and error text, or abort; pinscope's own event lines,
 * which the oracle predates, are never taken for an unused xen event; the
 * series' xen_mmu_pgd_done is held against the oracle's reading of it as a
 * begin (oracle_done.h)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "input/input.h"
#include "input/trace.h"
#include "../input/trace_oracle.c"
#include "../input/oracle_done.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pinscope_event ev, ev_old;
	char err[160], err_old[160], *line;
	enum trace_line c, c_old;

	if (size > INPUT_LINE_MAX)
		return 0;
	line = malloc(size + 1);	/* exactly sized: ASan sees any overread */
	if (!line)
		abort();
	memcpy(line, data, size);
	line[size] = 0;
	bool lock, lock_old;

	/* pinscope's own event lines (input/own.h) came after the oracle: read
	 * (an event, refused, or a comment's), never an unused xen event */
	if (trace_line_caps(line, &lock) & PINSCOPE_CAP_PAGE_EXIT) {
		c = trace_parse_line(line, &ev, err, sizeof(err));
		if (c == TRACE_LINE_XEN_UNUSED || (c == TRACE_LINE_BAD && !memchr(err, 0, sizeof(err))))
			abort();
		free(line);
		return 0;
	}
	if (trace_line_caps(line, &lock) != oracle_line_caps(line, &lock_old) || lock != lock_old)
		abort();
	memset(&ev, 0, sizeof(ev));
	memset(&ev_old, 0, sizeof(ev_old));
	c = trace_parse_line(line, &ev, err, sizeof(err));
	c_old = oracle_parse_line(line, &ev_old, err_old, sizeof(err_old));
	if (c_old == TRACE_LINE_XEN_UNUSED) {	/* the series' xen_mmu_pgd_done */
		int d = done_expect(line, &ev_old, err_old, sizeof(err_old));

		c_old = d < 0 ? c_old : (enum trace_line)d;
	}
	if (c == TRACE_LINE_BAD && !memchr(err, 0, sizeof(err)))
		abort();
	if (c != c_old || (c == TRACE_LINE_EVENT && memcmp(&ev, &ev_old, sizeof(ev))) ||
	    (c == TRACE_LINE_BAD && strcmp(err, err_old)))
		abort();	/* the fast path decided otherwise than the old parser */
	free(line);
	return 0;
}
