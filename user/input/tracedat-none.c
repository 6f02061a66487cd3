// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* trace.dat without libtracecmd (static build: Debian ships no libtracecmd.a) */
#include <errno.h>
#include <stdio.h>
#include "report/names.h"
#include "input/tracedat.h"

int tracedat_open(struct input *in, struct tracedat **td, const volatile sig_atomic_t *stop)
{
	*td = NULL;
	fprintf(stderr, "Failed to read trace %s: it is a trace-cmd trace.dat, and this pinscope "
		"was built without libtracecmd (the static build). Convert it with 'trace-cmd "
		"report -i %s > trace.txt' and replay the text, or use the dynamically linked "
		"pinscope\n", in->name, in->name);
	return -ENOTSUP;
}

int tracedat_caps(struct tracedat *td, __u32 *caps)
{
	return -ENOTSUP;
}

int tracedat_feed(struct tracedat *td, struct replay_feed *fd,
		  const volatile sig_atomic_t *stop, struct replay_counts *c)
{
	return PINSCOPE_EXIT_ERROR;
}

void tracedat_close(struct tracedat *td)
{
}
