// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* libFuzzer: the text trace parser on one line (user/input/trace.c) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "input/input.h"
#include "input/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pinscope_event ev;
	char err[160], *line;

	if (size > INPUT_LINE_MAX)
		return 0;
	line = malloc(size + 1);	/* exactly sized: ASan sees any overread */
	if (!line)
		abort();
	memcpy(line, data, size);
	line[size] = 0;
	trace_line_caps(line, NULL);
	if (trace_parse_line(line, &ev, err, sizeof(err)) == TRACE_LINE_BAD && !memchr(err, 0, sizeof(err)))
		abort();
	free(line);
	return 0;
}
