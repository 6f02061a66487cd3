/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --evidence in replay: each cpu's recent lines kept (the running operation's
 * and EVIDENCE_CONTEXT before it), taken as the window of a violation when its
 * record comes, then minimized by delta debugging (engine/minimize.h), each
 * candidate replayed in-process through the user engine as `pinscope replay`
 * would read the snippet: the same rule, reason, operation, cpu and pfn, and
 * no other rule violated.  report/evidence.h writes the result.
 * Live, the window is the flight recorder's (bpf/flight.bpf.h), sent with the
 * violation and turned into trace lines (input/flight.h): the same capture,
 * minimization and writer.
 */
#ifndef PINSCOPE_INPUT_EVIDENCE_H
#define PINSCOPE_INPUT_EVIDENCE_H

#include <linux/types.h>
#include "pinscope.h"
#include "report/evidence.h"

#define EVIDENCE_CONTEXT	256	/* lines of a cpu kept before its operation */
#define EVIDENCE_WINDOW_MAX	65536	/* lines of a cpu kept at most */
#define EVIDENCE_MAX_REPLAYS	20000	/* candidates replayed per snippet at most: then
					 * smaller, not proven 1-minimal (index "minimized") */

struct evidence_capture;

/* late: the bpf engine, whose violation records come at the end of their batch */
struct evidence_capture *evidence_capture_new(struct evidence *e, bool late);
/* replay_opts.on_line: one event line of the trace */
int evidence_capture_line(void *ctx, const struct pinscope_event *ev, const char *line,
			  __u64 lineno);
/* viol_sink.tap: a violation record, its window up to its event (its seq):
 * at once (user engine) or at the end of its batch (bpf engine, late) */
void evidence_capture_tap(void *ctx, const struct pinscope_violation *v);
/*
 * viol_sink.window (live): a flight recorder window, checked whole,
 * the violation it carries taken with its cpu's recent events as trace lines
 * (input/flight.h), numbered by their place in the window
 */
void evidence_capture_window(void *ctx, const struct pinscope_window *w);
/* After the replay: minimize each window into e's items; 0 or -errno, printed */
int evidence_capture_finish(struct evidence_capture *c);
void evidence_capture_free(struct evidence_capture *c);

#endif
