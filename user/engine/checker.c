// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What both engines share: the cpus of the input get dense slots (the
 * checker's per-cpu entries) in order of appearance, and the end of input
 * is one END event per cpu, in cpu order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/checker.h"
#include "engine/engine.h"

struct checker {
	const struct engine_ops *ops;
	void *eng;
	__u32 *slot_of;		/* [PINSCOPE_MAX_CPUS]: slot + 1, 0 = not seen */
	__u32 nr_slots;
	__u64 last_ts;
	char err[256];
};

static const struct engine_ops *const engines[] = {
	[CHECKER_USER] = &engine_user_ops,
	[CHECKER_BPF] = &engine_bpf_ops,
};

int checker_engine_parse(const char *name)
{
	for (int i = 0; i < (int)(sizeof(engines) / sizeof(engines[0])); i++)
		if (!strcmp(name, engines[i]->name))
			return i;
	return -1;
}

const char *checker_engine_name(enum checker_engine engine)
{
	return engine <= CHECKER_BPF ? engines[engine]->name : "?";
}

struct checker *checker_open(const struct checker_opts *o, struct viol_sink *sink)
{
	struct checker *c = calloc(1, sizeof(*c));

	if (!c || o->engine > CHECKER_BPF)
		goto fail;
	c->ops = engines[o->engine];
	c->slot_of = calloc(PINSCOPE_MAX_CPUS, sizeof(*c->slot_of));
	if (!c->slot_of)
		goto fail;
	c->eng = c->ops->open(o->caps, o->pid, o->lean, sink);
	if (!c->eng)
		goto fail;
	return c;
fail:
	if (!c || !c->slot_of)
		fprintf(stderr, "Failed to open the checker: %s\n", strerror(ENOMEM));
	checker_close(c);
	return NULL;
}

const char *checker_error(const struct checker *c)
{
	return c->err[0] ? c->err : "the checker failed";
}

int checker_push(struct checker *c, const struct pinscope_event *ev)
{
	struct pinscope_event e = *ev;
	__u32 slot;

	if (ev->cpu >= PINSCOPE_MAX_CPUS) {
		snprintf(c->err, sizeof(c->err), "cpu %u is above the highest cpu number of "
			 "Linux (%u): not a cpu of a real trace", ev->cpu, PINSCOPE_MAX_CPUS - 1);
		return -ERANGE;
	}
	slot = c->slot_of[ev->cpu];
	if (!slot) {
		if (c->nr_slots >= c->ops->max_slots) {
			snprintf(c->err, sizeof(c->err), "cpu %u is cpu number %u of the input, the "
				 "%s engine holds %u: replay with --engine user (any number of cpus)",
				 ev->cpu, c->nr_slots + 1, c->ops->name, c->ops->max_slots);
			return -ERANGE;
		}
		slot = c->slot_of[ev->cpu] = ++c->nr_slots;
	}
	e.slot = slot - 1;
	c->last_ts = ev->ts_ns;
	return c->ops->push(c->eng, &e);
}

int checker_end(struct checker *c)
{
	struct pinscope_event ev;
	int err;

	for (__u32 cpu = 0; cpu < PINSCOPE_MAX_CPUS; cpu++) {
		if (!c->slot_of[cpu])
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = PINSCOPE_EV_END;
		ev.cpu = cpu;
		ev.slot = c->slot_of[cpu] - 1;
		ev.ts_ns = c->last_ts;
		err = c->ops->push(c->eng, &ev);
		if (err)
			return err;
	}
	return c->ops->flush(c->eng);
}

int checker_read(struct checker *c, struct report *rep)
{
	return c->ops->read(c->eng, rep);
}

int checker_stats(struct checker *c, struct pinscope_stats *st)
{
	int err = c->ops->flush(c->eng);

	if (!err)
		err = c->ops->stats(c->eng, c->nr_slots, st);
	if (err)
		fprintf(stderr, "Failed to read the checker's stats: %s\n", strerror(-err));
	return err;
}

void checker_close(struct checker *c)
{
	if (!c)
		return;
	if (c->eng)
		c->ops->close(c->eng);
	free(c->slot_of);
	free(c);
}
