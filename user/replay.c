// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "names.h"
#include "pinscope.skel.h"
#include "replay.h"
#include "trace.h"

int replay_read(const char *path, struct replay_input *in)
{
	FILE *f = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "r");
	size_t cap = 1 << 20, n;
	char *nb;
	int err = 0;

	memset(in, 0, sizeof(*in));
	in->name = (!path || !strcmp(path, "-")) ? "<stdin>" : path;
	if (!f) {
		err = -errno;
		fprintf(stderr, "Failed to open trace %s: %s\n", path, strerror(-err));
		return err;
	}
	in->buf = malloc(cap + 1);
	while (in->buf && (n = fread(in->buf + in->len, 1, cap - in->len, f)) > 0) {
		in->len += n;
		if (in->len == cap) {
			cap *= 2;
			nb = realloc(in->buf, cap + 1);
			if (!nb)
				free(in->buf);
			in->buf = nb;
		}
	}
	if (!in->buf)
		err = -ENOMEM;
	else if (ferror(f))
		err = -EIO;
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "Failed to read trace %s: %s\n", in->name, strerror(-err));
		replay_input_free(in);
		return err;
	}
	in->buf[in->len] = 0;
	return 0;
}

void replay_input_free(struct replay_input *in)
{
	free(in->buf);
	in->buf = NULL;
}

__u32 replay_caps(const struct replay_input *in)
{
	return trace_line_is_patched(in->buf) ? PINSCOPE_CAPS_TRACEPOINTS
					      : PINSCOPE_CAPS_MAINLINE;
}

static int run_batch(struct pinscope_bpf *skel, struct ring_buffer *rb)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	if (!skel->bss->replay_in.nr)
		return 0;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.replay), &opts);
	if (err) {
		err = -errno;
		fprintf(stderr, "Failed to run the replay program: %s\n", strerror(-err));
		return err;
	}
	skel->bss->replay_in.nr = 0;
	ring_buffer__consume(rb);
	return 0;
}

static int push(struct pinscope_bpf *skel, struct ring_buffer *rb,
		const struct pinscope_event *ev)
{
	struct pinscope_replay_buf *b = &skel->bss->replay_in;

	b->ev[b->nr++] = *ev;
	return b->nr == PINSCOPE_REPLAY_BATCH ? run_batch(skel, rb) : 0;
}

/* One pass over the lines; errors name the line */
static int feed(const struct replay_input *in, struct pinscope_bpf *skel,
		struct ring_buffer *rb, struct report *rep)
{
	struct replay_counts *c = &rep->replay;
	__u64 cpus_seen = 0, first_ts = 0, last_ts = 0;
	struct pinscope_event ev;
	char *line = in->buf, *nl, err[160];
	int rc;

	for (; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		c->lines++;
		switch (trace_parse_line(line, &ev, err, sizeof(err))) {
		case TRACE_LINE_HEADER: c->headers++; break;
		case TRACE_LINE_OTHER: c->skipped++; break;
		case TRACE_LINE_XEN_UNUSED: c->xen_unused++; break;
		case TRACE_LINE_BAD:
			fprintf(stderr, "%s:%llu: malformed xen event: %s\n", in->name,
				(unsigned long long)c->lines, err);
			return PINSCOPE_EXIT_ERROR;
		case TRACE_LINE_EVENT:
			c->events++;
			if (!first_ts)
				first_ts = ev.ts_ns;
			last_ts = ev.ts_ns;
			if (ev.cpu < 64)
				cpus_seen |= 1ULL << ev.cpu;
			rc = push(skel, rb, &ev);
			if (rc)
				return PINSCOPE_EXIT_ERROR;
		}
		if (nl)
			*nl = '\n';
	}
	/* end of input: finish operations whose final flush ran */
	for (int cpu = 0; cpu < 64; cpu++) {
		if (!(cpus_seen & (1ULL << cpu)))
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.type = PINSCOPE_EV_END;
		ev.cpu = cpu;
		ev.ts_ns = last_ts;
		if (push(skel, rb, &ev))
			return PINSCOPE_EXIT_ERROR;
	}
	rep->duration_ns = last_ts - first_ts;
	return run_batch(skel, rb) ? PINSCOPE_EXIT_ERROR : 0;
}

int replay_run(const struct replay_input *in, __u32 caps, struct report *rep,
	       struct viol_sink *sink, bool verbose)
{
	struct loader_cfg cfg = { .mode = MODE_REPLAY };
	struct pinscope_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	int rc = PINSCOPE_EXIT_ERROR, err;

	cfg.caps = caps ? caps : replay_caps(in);
	rep->is_replay = 1;
	rep->mode = "replay";
	rep->caps = cfg.caps;
	rep->source = cfg.caps == PINSCOPE_CAPS_TRACEPOINTS ? "tracepoints" :
		      cfg.caps == PINSCOPE_CAPS_MAINLINE ? "mainline" : mode_name(cfg.caps);
	if (loader_open_load(&skel, &cfg))
		return PINSCOPE_EXIT_ERROR;
	rb = violations_open(bpf_map__fd(skel->maps.violations), sink);
	if (!rb)
		goto out;
	rc = feed(in, skel, rb, rep);
	if (rc)
		goto out;
	if (!rep->replay.events) {
		fprintf(stderr, "Failed to replay %s: no xen events in its %llu lines. Record one with "
			"'echo 1 > /sys/kernel/tracing/events/xen/enable' and "
			"'cat /sys/kernel/tracing/trace', or 'trace-cmd record -e xen'\n",
			in->name, (unsigned long long)rep->replay.lines);
		rc = PINSCOPE_EXIT_ERROR;
		goto out;
	}
	ring_buffer__consume(rb);
	err = stats_read(bpf_map__fd(skel->maps.stats), &rep->st);
	if (!err)
		err = stats_top_procs(bpf_map__fd(skel->maps.procs), rep->top, TOP_PROCS);
	if (err < 0) {
		fprintf(stderr, "Failed to read BPF maps: %s\n", strerror(-err));
		rc = PINSCOPE_EXIT_ERROR;
		goto out;
	}
	rep->nr_top = err;
	rc = 0;
	(void)verbose;
out:
	ring_buffer__free(rb);
	loader_destroy(skel);
	return rc;
}
