/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* pinscope replay: a recorded trace through the same checker (docs/input.md) */
#ifndef PINSCOPE_REPLAY_H
#define PINSCOPE_REPLAY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "engine/checker.h"
#include "input/input.h"
#include "report/stats.h"
#include "report/violations.h"

struct tracedat;

struct replay_input {
	struct input in;	/* the bytes: file, pipe, xz, gzip */
	struct tracedat *dat;	/* trace.dat (in.format), else NULL */
	__u32 caps;		/* the checker caps for the events the trace holds */
};

struct replay_opts {
	enum checker_engine engine;	/* user (default) or bpf */
	__u32 caps;		/* 0: from the trace */
	__u32 pid;		/* -p: only operations of this pid (the trace's pid), 0: all */
	__u32 lean;		/* enum pinscope_lean (--lean) */
	/* set by a signal handler: stop reading, report what was read, marked partial */
	const volatile sig_atomic_t *stop;
	/* each event line, parsed, before the checker gets it (--evidence); a
	 * trace.dat's record rendered as its line, lineno the record's index
	 * (replay_emit_record()); 0 or PINSCOPE_EXIT_ERROR after printing why */
	int (*on_line)(void *ctx, const struct pinscope_event *ev, const char *line,
		       __u64 lineno);
	void *line_ctx;
};

/* Opens the trace and finds its format and event source (one pass); 0 or -errno, message printed */
int replay_open(const char *path, struct replay_input *ri, const volatile sig_atomic_t *stop);
void replay_close(struct replay_input *ri);
/*
 * Feed every event to the checker (o->engine).  Streams the trace: memory does not grow
 * with it.  Returns 0, or PINSCOPE_EXIT_ERROR after printing why (bad line,
 * read error, no events).
 */
int replay_run(struct replay_input *ri, const struct replay_opts *o, struct report *rep,
	       struct viol_sink *sink);

/* The checker's caps for a text trace from its lines' trace_line_caps() ORed:
 * mainline if none is a patched kernel's event */
__u32 replay_text_caps(__u32 line_caps);
/*
 * ev[0..n) of one text trace through a new user-engine checker, as replay
 * would read them, with caps; results into rep and sink (zeroed by the
 * caller).  0 or PINSCOPE_EXIT_ERROR.
 */
int replay_events(const struct pinscope_event *ev, size_t n, __u32 caps, struct report *rep,
		  struct viol_sink *sink);

/* The events of one trace go through this, from the text or the trace.dat reader */
struct replay_feed;
int replay_emit(struct replay_feed *fd, const struct pinscope_event *ev);
/* A trace.dat record's event: with o->on_line, first as its trace line, record its index */
int replay_emit_record(struct replay_feed *fd, const struct pinscope_event *ev, __u64 record);

#endif
