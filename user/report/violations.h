/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Violation records from the BPF ring buffer: kept for the report, printed as they come */
#ifndef PINSCOPE_VIOLATIONS_H
#define PINSCOPE_VIOLATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "report/stats.h"

struct ring_buffer;

struct viol_sink {
	struct report *rep;
	bool print;		/* --violations-live: one line per violation at once */
	bool print_stack;
	bool json;		/* -j: live lines go to stderr */
	int bad_records;	/* wrong size or type: ABI mismatch */
	__u32 ringbuf_size;	/* --ringbuf-size: bytes of the ring buffer, 0 = default */
	/* every valid record, as it comes (--evidence), NULL: none */
	void (*tap)(void *ctx, const struct pinscope_violation *v);
	void *tap_ctx;
	/* live --evidence: each flight recorder window (a PINSCOPE_REC_WINDOW
	 * record, checked whole), NULL: such a record is a bad one */
	void (*window)(void *ctx, const struct pinscope_window *w);
	void *window_ctx;
	/* replay: where a record kept is in the input, NULL: not known (live) */
	void (*locate)(void *ctx, const struct pinscope_violation *v, struct viol_where *w);
	void *locate_ctx;
};

struct ring_buffer *violations_open(int map_fd, struct viol_sink *sink);
/* One record, from the ring buffer or the user-space checker */
int violations_deliver(struct viol_sink *sink, const void *data, size_t size);

#endif
