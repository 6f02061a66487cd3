// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "checker.h"
#include "names.h"
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

/* One pass over the lines; errors name the line */
static int feed(const struct replay_input *in, struct checker *chk, struct report *rep)
{
	struct replay_counts *c = &rep->replay;
	__u64 first_ts = 0, last_ts = 0;
	struct pinscope_event ev;
	char *line = in->buf, *nl, err[160];

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
			if (checker_push(chk, &ev))
				return PINSCOPE_EXIT_ERROR;
		}
		if (nl)
			*nl = '\n';
	}
	rep->duration_ns = last_ts - first_ts;
	return checker_end(chk) ? PINSCOPE_EXIT_ERROR : 0;
}

int replay_run(const struct replay_input *in, __u32 caps, struct report *rep,
	       struct viol_sink *sink, bool verbose)
{
	struct checker *chk;
	int rc;

	caps = caps ? caps : replay_caps(in);
	rep->is_replay = 1;
	rep->mode = "replay";
	rep->caps = caps;
	rep->source = caps == PINSCOPE_CAPS_TRACEPOINTS ? "tracepoints" :
		      caps == PINSCOPE_CAPS_MAINLINE ? "mainline" : mode_name(caps);
	chk = checker_open(caps, sink);
	if (!chk)
		return PINSCOPE_EXIT_ERROR;
	rc = feed(in, chk, rep);
	if (!rc && !rep->replay.events) {
		fprintf(stderr, "Failed to replay %s: no xen events in its %llu lines. Record one with "
			"'echo 1 > /sys/kernel/tracing/events/xen/enable' and "
			"'cat /sys/kernel/tracing/trace', or 'trace-cmd record -e xen'\n",
			in->name, (unsigned long long)rep->replay.lines);
		rc = PINSCOPE_EXIT_ERROR;
	}
	if (!rc && checker_read(chk, rep))
		rc = PINSCOPE_EXIT_ERROR;
	(void)verbose;
	checker_close(chk);
	return rc;
}
