// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A stand-in for the checker behind replay in the fuzz targets: the BPF
 * engine needs root and a kernel, and would make every input a syscall.
 * It takes the events as the engine would (checker.h) and counts them into
 * the report, so that everything before and after the engine is fuzzed.
 * Switching the fuzz targets to the user-space engine of checker.h is
 * FUZZ_CHECKER in tests/fuzz/fuzz.mk (one line).
 */
#include <stdlib.h>
#include "checker.h"

struct checker {
	struct pinscope_stats st;
	__u32 caps, pid;
};

struct checker *checker_open(const struct checker_opts *o, struct viol_sink *sink)
{
	struct checker *c = calloc(1, sizeof(*c));

	if (c) {
		c->caps = o->caps;
		c->pid = o->pid;
	}
	return c;
}

int checker_push(struct checker *c, const struct pinscope_event *ev)
{
	c->st.events++;
	if (ev->type == PINSCOPE_EV_OP_BEGIN && (!c->pid || ev->pid == c->pid))
		c->st.ops[ev->arg[0] == PINSCOPE_OP_UNPIN]++;
	if (ev->type == PINSCOPE_EV_FLUSH)
		c->st.flushes++;
	return 0;
}

int checker_end(struct checker *c)
{
	return 0;
}

int checker_read(struct checker *c, struct report *rep)
{
	rep->st = c->st;
	rep->nr_top = 0;
	return 0;
}

void checker_close(struct checker *c)
{
	free(c);
}
