// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "checker.h"
#include "loader.h"
#include "pinscope.skel.h"

struct checker {
	struct pinscope_bpf *skel;
	struct ring_buffer *rb;
	__u64 cpus_seen;
	__u64 last_ts;
};

struct checker *checker_open(const struct checker_opts *o, struct viol_sink *sink)
{
	struct loader_cfg cfg = { .mode = MODE_REPLAY, .caps = o->caps, .targ_tgid = o->pid };
	struct checker *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (loader_open_load(&c->skel, &cfg)) {
		free(c);
		return NULL;
	}
	c->rb = violations_open(bpf_map__fd(c->skel->maps.violations), sink);
	if (!c->rb) {
		checker_close(c);
		return NULL;
	}
	return c;
}

static int run_batch(struct checker *c)
{
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

int checker_push(struct checker *c, const struct pinscope_event *ev)
{
	struct pinscope_replay_buf *b = &c->skel->bss->replay_in;

	if (ev->cpu < 64)
		c->cpus_seen |= 1ULL << ev->cpu;
	c->last_ts = ev->ts_ns;
	b->ev[b->nr++] = *ev;
	return b->nr == PINSCOPE_REPLAY_BATCH ? run_batch(c) : 0;
}

int checker_end(struct checker *c)
{
	struct pinscope_event ev;
	__u64 seen = c->cpus_seen;
	int err;

	for (int cpu = 0; cpu < 64; cpu++) {
		if (!(seen & (1ULL << cpu)))
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = PINSCOPE_EV_END;
		ev.cpu = cpu;
		ev.ts_ns = c->last_ts;
		err = checker_push(c, &ev);
		if (err)
			return err;
	}
	err = run_batch(c);
	ring_buffer__consume(c->rb);
	return err;
}

int checker_read(struct checker *c, struct report *rep)
{
	int n = stats_read(bpf_map__fd(c->skel->maps.stats), &rep->st);

	if (!n)
		n = stats_top_procs(bpf_map__fd(c->skel->maps.procs), rep->top, TOP_PROCS);
	if (n < 0) {
		fprintf(stderr, "Failed to read BPF maps: %s\n", strerror(-n));
		return n;
	}
	rep->nr_top = n;
	return 0;
}

void checker_close(struct checker *c)
{
	if (!c)
		return;
	ring_buffer__free(c->rb);
	loader_destroy(c->skel);
	free(c);
}
