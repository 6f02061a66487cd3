/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* pinscope replay: a text trace through the checker (user/checker.h: either engine) */
#ifndef PINSCOPE_REPLAY_H
#define PINSCOPE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include "checker.h"
#include "stats.h"
#include "violations.h"

struct replay_input {
	FILE *f;		/* seekable: the file, or stdin spooled to a temp file */
	const char *name;	/* for messages: path or "<stdin>" */
	__u32 caps;		/* the checker caps for the events the trace holds */
};

/* Opens the trace and finds its event source; 0 or -errno, message printed */
int replay_open(const char *path, struct replay_input *in);
void replay_close(struct replay_input *in);
/*
 * Feed every event to the checker (engine: user or bpf) with caps (0: from the trace).
 * Streams the file: memory does not grow with the trace.
 * Returns 0, or PINSCOPE_EXIT_ERROR after printing why (bad line, no events).
 */
int replay_run(const struct replay_input *in, enum checker_engine engine, __u32 caps,
	       struct report *rep, struct viol_sink *sink);

#endif
