// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The checker as loaded BPF: events go through the replay program
 * (BPF_PROG_TEST_RUN) in batches, with their own cpu and timestamp.
 * Needs root and Linux 5.17+; the cross-check of the user engine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "engine/engine.h"
#include "engine/loader.h"
#include "pinscope.skel.h"

struct engine_bpf {
	struct pinscope_bpf *skel;
	struct ring_buffer *rb;
};

static void bpf_close(void *e);

static void *bpf_open(__u32 caps, __u32 pid, __u32 lean, struct viol_sink *sink)
{
	struct loader_cfg cfg = { .mode = MODE_REPLAY, .caps = caps, .targ_tgid = pid, .lean = lean,
				  .ringbuf_size = sink->ringbuf_size };
	struct engine_bpf *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (loader_open_load(&c->skel, &cfg)) {
		free(c);
		return NULL;
	}
	c->rb = violations_open(bpf_map__fd(c->skel->maps.violations), sink);
	if (!c->rb) {
		bpf_close(c);
		return NULL;
	}
	return c;
}

static int bpf_flush(void *e)
{
	struct engine_bpf *c = e;
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	if (!c->skel->bss->replay_in.nr)
		return 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(c->skel->progs.replay), &opts);
	if (err) {
		err = -errno;
		fprintf(stderr, "Failed to run the replay program: %s\n", strerror(-err));
		return err;
	}
	c->skel->bss->replay_in.nr = 0;
	ring_buffer__consume(c->rb);
	return 0;
}

static int bpf_push(void *e, const struct pinscope_event *ev)
{
	struct engine_bpf *c = e;
	struct pinscope_replay_buf *b = &c->skel->bss->replay_in;

	b->ev[b->nr++] = *ev;
	return b->nr == PINSCOPE_REPLAY_BATCH ? bpf_flush(c) : 0;
}

static int bpf_read(void *e, struct report *rep)
{
	struct engine_bpf *c = e;
	int n = stats_read(bpf_map__fd(c->skel->maps.cpus), &rep->st);

	if (!n)
		n = stats_top_procs(bpf_map__fd(c->skel->maps.procs), rep->top, TOP_PROCS);
	if (n < 0) {
		fprintf(stderr, "Failed to read BPF maps: %s\n", strerror(-n));
		return n;
	}
	rep->nr_top = n;
	return 0;
}

static int bpf_stats(void *e, __u32 nr_slots, struct pinscope_stats *st)
{
	struct engine_bpf *c = e;

	return stats_read_n(bpf_map__fd(c->skel->maps.cpus), nr_slots, st);
}

static void bpf_close(void *e)
{
	struct engine_bpf *c = e;

	if (!c)
		return;
	ring_buffer__free(c->rb);
	loader_destroy(c->skel);
	free(c);
}

const struct engine_ops engine_bpf_ops = {
	.name = "bpf",
	.max_slots = PINSCOPE_REPLAY_SLOTS,
	.open = bpf_open,
	.push = bpf_push,
	.flush = bpf_flush,
	.read = bpf_read,
	.stats = bpf_stats,
	.close = bpf_close,
};
