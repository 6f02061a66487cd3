// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "report/summary.h"
#include "report/violations.h"

/* A whole window: its size that of its n slots, n in range */
static bool window_valid(const void *data, size_t size)
{
	const struct pinscope_window *w = data;

	return size >= sizeof(*w) && w->n >= PINSCOPE_FLIGHT_MIN && w->n <= PINSCOPE_FLIGHT_MAX &&
	       size >= sizeof(*w) + (size_t)w->n * sizeof(w->ev[0]);
}

int violations_deliver(struct viol_sink *sink, const void *data, size_t size)
{
	const struct pinscope_violation *v = data;
	struct report *rep = sink->rep;
	struct viol_where w = {};

	if (size >= sizeof(__u32) && v->type == PINSCOPE_REC_WINDOW && sink->window) {
		if (window_valid(data, size))
			sink->window(sink->window_ctx, data);
		else
			sink->bad_records++;
		return 0;
	}
	if (size < sizeof(*v) || v->type != PINSCOPE_REC_VIOLATION) {
		sink->bad_records++;
		return 0;
	}
	if (sink->locate)
		sink->locate(sink->locate_ctx, v, &w);
	if (rep->nr_viol < MAX_KEPT_VIOLATIONS) {
		if (!rep->viol)
			rep->viol = calloc(MAX_KEPT_VIOLATIONS, sizeof(*v));
		if (rep->viol)
			rep->viol[rep->nr_viol] = *v;
		if (sink->locate && !rep->viol_at)
			rep->viol_at = calloc(MAX_KEPT_VIOLATIONS, sizeof(w));
		if (rep->viol_at)
			rep->viol_at[rep->nr_viol] = w;
	}
	rep->nr_viol++;
	if (summary_add(rep, v))
		sink->bad_records++;
	if (sink->tap)
		sink->tap(sink->tap_ctx, v);
	if (sink->print)	/* --violations-live: stderr keeps -j's stdout JSON */
		violation_print_at(sink->json ? stderr : stdout, v, sink->print_stack, rep,
				   sink->locate ? &w : NULL);
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	return violations_deliver(ctx, data, size);
}

struct ring_buffer *violations_open(int map_fd, struct viol_sink *sink)
{
	struct ring_buffer *rb = ring_buffer__new(map_fd, on_record, sink, NULL);

	if (!rb)
		fprintf(stderr, "Failed to create ring buffer: %s\n", strerror(errno));
	return rb;
}
