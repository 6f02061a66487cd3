// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "checker.h"
#include "names.h"
#include "replay.h"
#include "trace.h"

/* stdin is read twice (source, then events): spool it to a temp file */
static FILE *spool(FILE *in)
{
	char buf[65536];
	FILE *t = tmpfile();
	size_t n;

	if (!t)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, t) != n) {
			fclose(t);
			return NULL;
		}
	if (ferror(in)) {
		fclose(t);
		return NULL;
	}
	return t;
}

int replay_open(const char *path, struct replay_input *in)
{
	bool use_stdin = !path || !strcmp(path, "-");
	char *line = NULL;
	size_t cap = 0;
	int err;

	memset(in, 0, sizeof(*in));
	in->name = use_stdin ? "<stdin>" : path;
	in->f = use_stdin ? spool(stdin) : fopen(path, "r");
	if (!in->f) {
		err = -errno;
		fprintf(stderr, "Failed to %s trace %s: %s\n", use_stdin ? "read" : "open",
			in->name, strerror(-err));
		return err;
	}
	rewind(in->f);
	in->caps = PINSCOPE_CAPS_MAINLINE;
	while (getline(&line, &cap, in->f) > 0)
		if (trace_line_is_patched(line)) {
			in->caps = PINSCOPE_CAPS_TRACEPOINTS;
			break;
		}
	free(line);
	rewind(in->f);
	return 0;
}

void replay_close(struct replay_input *in)
{
	if (in->f)
		fclose(in->f);
	in->f = NULL;
}

/* One pass over the lines; errors name the line */
static int feed(const struct replay_input *in, struct checker *chk, struct report *rep)
{
	struct replay_counts *c = &rep->replay;
	__u64 first_ts = 0, last_ts = 0;
	struct pinscope_event ev;
	char *line = NULL, *nul, err[160];
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while (!rc && (n = getline(&line, &cap, in->f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = 0;
		c->lines++;
		nul = memchr(line, 0, n);	/* would cut the line short: an event lost */
		if (nul) {
			fprintf(stderr, "%s:%llu: a NUL byte at column %zu: the trace is corrupt (a "
				"damaged copy?). Record it again, or remove the byte (tr -d '\\000')\n",
				in->name, (unsigned long long)c->lines, (size_t)(nul - line) + 1);
			rc = PINSCOPE_EXIT_ERROR;
			break;
		}
		switch (trace_parse_line(line, &ev, err, sizeof(err))) {
		case TRACE_LINE_HEADER: c->headers++; break;
		case TRACE_LINE_OTHER: c->skipped++; break;
		case TRACE_LINE_XEN_UNUSED: c->xen_unused++; break;
		case TRACE_LINE_BAD:
			fprintf(stderr, "%s:%llu: malformed xen event: %s\n", in->name,
				(unsigned long long)c->lines, err);
			rc = PINSCOPE_EXIT_ERROR;
			break;
		case TRACE_LINE_EVENT:
			c->events++;
			if (ev.type == PINSCOPE_EV_LOST)
				ev.ts_ns = last_ts;	/* a marker has no time of its own */
			if (!first_ts)
				first_ts = ev.ts_ns;
			last_ts = ev.ts_ns;
			if (checker_push(chk, &ev)) {
				fprintf(stderr, "%s:%llu: %s\n", in->name,
					(unsigned long long)c->lines, checker_error(chk));
				rc = PINSCOPE_EXIT_ERROR;
			}
		}
	}
	free(line);
	if (rc)
		return rc;
	rep->duration_ns = last_ts - first_ts;
	return checker_end(chk) ? PINSCOPE_EXIT_ERROR : 0;
}

int replay_run(const struct replay_input *in, enum checker_engine engine, __u32 caps,
	       struct report *rep, struct viol_sink *sink)
{
	struct checker *chk;
	int rc;

	caps = caps ? caps : in->caps;
	rep->is_replay = 1;
	rep->mode = "replay";
	rep->caps = caps;
	rep->source = caps == PINSCOPE_CAPS_TRACEPOINTS ? "tracepoints" :
		      caps == PINSCOPE_CAPS_MAINLINE ? "mainline" : mode_name(caps);
	chk = checker_open(engine, caps, sink);
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
	checker_close(chk);
	return rc;
}
