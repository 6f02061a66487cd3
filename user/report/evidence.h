/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --evidence DIR: for each violation kept, a snippet of the trace that shows
 * it (tracefs text that `pinscope replay` reads back to the same violation)
 * and one index.json naming them (docs/evidence.md).  The snippets are
 * collected and minimized by input/evidence.c; this writes them, into a
 * directory created for them or empty and owned, never through a symlink
 * and never over a file.
 */
#ifndef PINSCOPE_EVIDENCE_H
#define PINSCOPE_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "pinscope.h"

#define EVIDENCE_MAX_DEFAULT	1	/* --evidence-max: snippets per rule, reason and stack */
#define EVIDENCE_MAX_LIMIT	1000
#define EVIDENCE_MAX_ITEMS	256	/* snippets of one run; more are counted, not kept */

struct evidence_line {
	__u64 lineno;		/* in the input */
	__u64 ts_ns;		/* the event's time */
	char *text;		/* the input's own line, without its newline */
};

struct evidence_item {
	struct pinscope_violation v;
	__u64 mm;		/* the operation's mm as the trace prints it; 0: unknown */
	__u64 window;		/* events of the window taken at the violation */
	__u64 window_first, window_last;	/* its first and last line numbers */
	bool window_cut;	/* the window was cut to its bound before the violation */
	bool reproduced;	/* the snippet alone gives the same violation, no other rule */
	bool minimized;		/* and is 1-minimal (else: the whole window) */
	size_t tests;		/* candidates the minimization replayed */
	size_t nr_lines;
	struct evidence_line *lines;	/* the snippet, in input order */
};

struct evidence {
	const char *dir;	/* --evidence DIR */
	int dir_fd;		/* opened by evidence_dir_open(), -1 before */
	const char *input;	/* the replayed file's name */
	bool records;		/* a trace.dat: its "line" numbers are record indexes (from 1) */
	int max;		/* --evidence-max */
	size_t nr;
	struct evidence_item items[EVIDENCE_MAX_ITEMS];
	__u64 not_kept;		/* violations beyond --evidence-max of their kind */
	__u64 over_items;	/* new kinds beyond EVIDENCE_MAX_ITEMS */
	/* live (the flight recorder's windows, input "live") */
	bool live;
	__u32 caps;		/* the live run's: which lines its events become (input/flight.h) */
	const char *mode;	/* the live run's: tracepoints, fentry, kprobe */
	__u64 windows;		/* windows received */
	__u64 no_window;	/* windows not sent: the ring buffer was half full */
	__u64 unprintable;	/* recorded events with no tracefs line, left out */
};

/*
 * DIR made (0755) or, if it exists, a directory (not a symlink) owned by us
 * and empty; e->dir_fd.  0, or -errno after printing why and what to do.
 */
int evidence_dir_open(struct evidence *e);
/* The snippets and index.json into e->dir_fd; 0 or -errno after printing why */
int evidence_write(const struct evidence *e);
void evidence_free(struct evidence *e);

#endif
