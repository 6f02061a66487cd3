// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/checker.h"
#include "report/names.h"
#include "input/flight.h"
#include "input/replay.h"
#include "input/trace.h"
#include "report/timeline.h"
#include "input/tracedat.h"
#include "report/units.h"

/*
 * Where each violation is (docs/input.md): the line (text) or record
 * (trace.dat) of every event of the last two bpf batches, with its cpu's
 * operation then, by the event's seq, which the checker copies into the
 * violation records it causes (the user engine delivers them during that
 * event's push, the bpf engine at the end of its batch).  At the end of the
 * input (END events have no seq), the cpu's last event.
 */
#define WHERE_RING (2 * PINSCOPE_REPLAY_BATCH)

struct where_at {
	__u32 seq;
	__u32 cpu;
	struct viol_where w;
};

struct where_ring {
	struct where_at at[WHERE_RING];
	__u64 n;
	struct viol_where *op;	/* [PINSCOPE_MAX_CPUS]: the cpu's operation: line, mm */
};

struct replay_feed {
	struct checker *chk;
	struct report *rep;
	struct replay_counts *c;
	const char *name;
	__u64 prev_ts;
	struct where_ring *where;	/* NULL: not kept (the minimizer's replays) */
	const struct replay_opts *o;	/* NULL: the minimizer's replays */
	__u64 *dat_mm;			/* [PINSCOPE_MAX_CPUS] trace.dat with on_line: the
					 * cpu's operation's mm, for its page lines */
};

/* Numbers the event (seq from 1), notes its line and its cpu's operation */
static void where_note(struct where_ring *wr, struct pinscope_event *ev, __u64 line)
{
	struct viol_where *op = &wr->op[ev->cpu % PINSCOPE_MAX_CPUS];

	if (ev->type == PINSCOPE_EV_OP_BEGIN)
		*op = (struct viol_where){ .op_line = line, .mm = ev->arg[1] };
	ev->seq = (__u32)++wr->n ?: 1;
	wr->at[wr->n % WHERE_RING] = (struct where_at){
		.seq = ev->seq, .cpu = ev->cpu,
		.w = { .line = line, .op_line = op->op_line, .mm = op->mm } };
}

static void where_locate(void *ctx, const struct pinscope_violation *v, struct viol_where *w)
{
	struct where_ring *wr = ctx;
	const struct where_at *last = NULL;

	for (__u64 i = wr->n; i > 0 && i + WHERE_RING > wr->n; i--) {
		const struct where_at *a = &wr->at[i % WHERE_RING];

		if (a->cpu != v->cpu)
			continue;
		if (v->seq && a->seq == v->seq) {
			last = a;
			break;
		}
		last = last ?: a;	/* END: the cpu's last event */
	}
	if (last)
		*w = last->w;
	if (v->op == PINSCOPE_OP_NONE)
		w->op_line = w->mm = 0;
}

static bool stopped(const volatile sig_atomic_t *stop)
{
	return stop && *stop;
}

__u32 replay_text_caps(__u32 line_caps)
{
	return line_caps ? line_caps : PINSCOPE_CAPS_MAINLINE;
}

/*
 * Text: the event source from the lines up to the first split lock's event
 * (patched events: tracepoints, mainline if there is none; the lock's
 * mm_locked field: MMLOCK), read again after.  A signal ends the
 * look-ahead early: the lines read so far are still replayed.  The
 * look-ahead (spooled to /tmp when the input is not seekable) is bounded:
 * past REPLAY_LOOKAHEAD_MAX bytes without any xen event the input is no
 * trace (/dev/urandom, an archive of comment lines), with xen events but
 * none of the patch's, the source is mainline and the rest is streamed;
 * with the patch's events but no split lock yet, it is tracepoints without
 * MMLOCK (mm-lock-held not visible).
 */
#define REPLAY_LOOKAHEAD_MAX	(64ULL << 20)

static int text_caps(struct input *in, __u32 *caps, const volatile sig_atomic_t *stop)
{
	struct pinscope_event ev;
	__u64 bytes = 0, xen = 0;
	const char *line;
	char err[160];
	size_t len;
	int rc = 0, err_mark = input_mark(in);

	if (err_mark)
		return err_mark;
	*caps = replay_text_caps(false);
	while (!stopped(stop) && (rc = input_line(in, &line, &len)) > 0) {
		bool is_lock;
		__u32 c = trace_line_caps(line, &is_lock);

		if (c)
			*caps = replay_text_caps(c);
		if (is_lock)	/* its fields say whether the mm lock is recorded */
			break;
		bytes += len + 1;
		xen = xen || c;
		if (!xen) {	/* parsed until the first xen event: real traces start with them */
			enum trace_line t = trace_parse_line(line, &ev, err, sizeof(err));

			xen = t == TRACE_LINE_EVENT || t == TRACE_LINE_XEN_UNUSED || t == TRACE_LINE_BAD;
		}
		if (bytes > REPLAY_LOOKAHEAD_MAX && !xen) {
			fprintf(stderr, "Failed to replay %s: no xen event in its first %llu MiB (%llu "
				"lines): not a trace. Record one with 'trace-cmd record -e xen'\n",
				in->name, REPLAY_LOOKAHEAD_MAX >> 20, (unsigned long long)in->lineno);
			return -EINVAL;
		}
		if (bytes > REPLAY_LOOKAHEAD_MAX)
			break;	/* mainline: a patched kernel's events come with its first pin */
	}
	if (rc == -EINTR && !stopped(stop))
		fprintf(stderr, "Failed to read trace %s: %s\n", in->name, strerror(EINTR));
	if (rc < 0 && !(rc == -EINTR && stopped(stop)))
		return rc;
	return input_rewind(in);
}

int replay_open(const char *path, struct replay_input *ri, const volatile sig_atomic_t *stop)
{
	int err;

	memset(ri, 0, sizeof(*ri));
	err = input_open(path, &ri->in);
	if (!err && ri->in.format == INPUT_TRACEDAT)
		err = tracedat_open(&ri->in, &ri->dat, stop) ?: tracedat_caps(ri->dat, &ri->caps);
	else if (!err)
		err = text_caps(&ri->in, &ri->caps, stop);
	if (err)
		replay_close(ri);
	return err;
}

void replay_close(struct replay_input *ri)
{
	tracedat_close(ri->dat);
	ri->dat = NULL;
	input_close(&ri->in);
}

/* --html: at a slice boundary, the checker's stats so far close the slice */
static int timeline_event(struct replay_feed *fd, __u64 ts)
{
	struct timeline *tl = fd->rep->timeline;
	int err;

	if (!timeline_replay_due(tl, ts))
		return 0;
	err = checker_stats(fd->chk, &tl->cur);
	if (!err)
		timeline_snapshot(tl, &tl->cur, ts);
	return err;
}

/*
 * Every event: trace time kept without wrapping when the clock steps back,
 * the clock's resolution noted, --html's time slices cut; errors name the
 * line (text) or record (trace.dat).  ev is changed (time of a lost mark,
 * its number): replay_emit() takes a copy
 */
static int emit(struct replay_feed *fd, struct pinscope_event *ev)
{
	struct replay_counts *c = fd->c;

	if (ev->type == PINSCOPE_EV_LOST && c->events)
		ev->ts_ns = fd->prev_ts;	/* a text marker has no time of its own */
	if (c->pid && ev->pid == c->pid)
		c->pid_events++;
	if (!c->events++) {
		c->first_ts = c->last_ts = ev->ts_ns;
	} else if (ev->ts_ns < fd->prev_ts) {
		c->clock_back++;
	}
	fd->prev_ts = ev->ts_ns;
	if (ev->ts_ns > c->last_ts)
		c->last_ts = ev->ts_ns;
	clock_res_note(&fd->rep->clock_res_ns, ev->ts_ns);
	if (fd->where)
		where_note(fd->where, ev, c->lines);
	if (fd->rep->timeline && timeline_event(fd, ev->ts_ns))
		return -EIO;
	if (checker_push(fd->chk, ev)) {
		fprintf(stderr, "%s:%llu: %s\n", fd->name, (unsigned long long)c->lines,
			checker_error(fd->chk));
		return -EIO;
	}
	return 0;
}

int replay_emit(struct replay_feed *fd, const struct pinscope_event *event)
{
	struct pinscope_event ev = *event;

	return emit(fd, &ev);
}

/*
 * trace.dat with o->on_line (--evidence): each record's event as the line
 * tracefs prints for it (input/flight.h, the flight recorder's renderer),
 * numbered by the record's index in the file, then to the checker
 */
int replay_emit_record(struct replay_feed *fd, const struct pinscope_event *ev, __u64 record)
{
	const struct replay_opts *o = fd->o;
	char line[512];

	if (o && o->on_line && ev->cpu < PINSCOPE_MAX_CPUS) {
		if (!flight_event_line(ev->type, ev->arg, ev->pid, ev->comm, ev->cpu, ev->ts_ns,
				       fd->rep->caps, &fd->dat_mm[ev->cpu], line, sizeof(line))) {
			fprintf(stderr, "Failed to render record %llu of %s (event type %u) as a "
				"trace line for --evidence: no line prints it. Convert the file "
				"('trace-cmd report') and replay that\n", (unsigned long long)record,
				fd->name, ev->type);
			return -EIO;
		}
		if (o->on_line(o->line_ctx, ev, line, record))
			return -EIO;
	}
	return replay_emit(fd, ev);
}

/* Text: one pass over the lines; errors name the line */
static int feed_text(struct input *in, struct replay_feed *fd, const struct replay_opts *o)
{
	struct replay_counts *c = fd->c;
	struct pinscope_event ev;
	const char *line, *nul;
	char err[160], safe[sizeof(err) * 4];
	enum trace_line t;
	size_t len;
	int rc;

	/* after a signal, the lines of the look-ahead (spooled) are still read, not the pipe */
	for (;;) {
		bool stop = stopped(o->stop);	/* read once a line */

		if (stop && !in->from_spool)
			break;
		rc = stop ? input_spooled_line(in, &line, &len) : input_line(in, &line, &len);
		if ((rc == -EINTR || !rc) && stopped(o->stop))
			break;
		if (rc == -EINTR)
			fprintf(stderr, "Failed to read trace %s after line %llu: %s\n", in->name,
				(unsigned long long)in->lineno, strerror(EINTR));
		if (rc <= 0)
			return rc ? PINSCOPE_EXIT_ERROR : 0;
		c->lines++;
		nul = input_line_nul(in);	/* would cut the line short: an event lost */
		if (nul) {
			fprintf(stderr, "%s:%llu: a NUL byte at column %zu: the trace is corrupt (a "
				"damaged copy?). Record it again, or remove the byte (tr -d '\\000')\n",
				in->name, (unsigned long long)c->lines, (size_t)(nul - line) + 1);
			return PINSCOPE_EXIT_ERROR;
		}
		t = trace_parse_text(line, len, &ev, err, sizeof(err));
		/* the two kinds of nearly every line first: conditional branches,
		 * which a switch's jump (mispredicted) was not */
		if (t == TRACE_LINE_XEN_UNUSED) {
			c->xen_unused++;
			continue;
		}
		switch (t) {
		case TRACE_LINE_HEADER: c->headers++; break;
		case TRACE_LINE_OTHER: c->skipped++; break;
		case TRACE_LINE_XEN_UNUSED: break;
		case TRACE_LINE_BAD:	/* err quotes the line: escaped */
			fprintf(stderr, "%s:%llu: malformed xen event: %s\n", in->name,
				(unsigned long long)c->lines, str_safe(safe, sizeof(safe), err, sizeof(err)));
			return PINSCOPE_EXIT_ERROR;
		case TRACE_LINE_EVENT:
			if (o->on_line && o->on_line(o->line_ctx, &ev, line, c->lines))
				return PINSCOPE_EXIT_ERROR;
			/* in place: a copy would load the event right after the
			 * parser's narrower stores, which are not forwarded */
			if (emit(fd, &ev))
				return PINSCOPE_EXIT_ERROR;
		}
	}
	c->interrupted = true;
	c->interrupted_at = c->lines;
	return 0;
}

int replay_events(const struct pinscope_event *ev, size_t n, __u32 caps, struct report *rep,
		  struct viol_sink *sink)
{
	struct checker_opts co = { .engine = CHECKER_USER, .caps = caps };
	struct replay_feed fd = { .rep = rep, .c = &rep->replay, .name = "evidence" };
	int rc = 0;

	rep->is_replay = 1;
	rep->caps = caps;
	fd.chk = checker_open(&co, sink);
	if (!fd.chk)
		return PINSCOPE_EXIT_ERROR;
	for (size_t i = 0; i < n && !rc; i++)
		rc = replay_emit(&fd, &ev[i]) ? PINSCOPE_EXIT_ERROR : 0;
	if (!rc && (checker_end(fd.chk) || checker_read(fd.chk, rep)))
		rc = PINSCOPE_EXIT_ERROR;
	checker_close(fd.chk);
	return rc;
}

int replay_run(struct replay_input *ri, const struct replay_opts *o, struct report *rep,
	       struct viol_sink *sink)
{
	/* a trace's flush returns are what it recorded: no hook to leave out */
	struct checker_opts co = { .engine = o->engine, .caps = o->caps ? o->caps : ri->caps,
				   .pid = o->pid, .lean = o->lean & ~PINSCOPE_LEAN_FLUSH_TIME };
	struct replay_feed fd = { .rep = rep, .c = &rep->replay, .name = ri->in.name, .o = o };
	int rc;

	rep->is_replay = 1;
	rep->mode = "replay";
	rep->caps = co.caps;
	rep->lean = co.lean;
	rep->source = co.caps == PINSCOPE_CAPS_TRACEPOINTS ? "tracepoints" :
		      co.caps == PINSCOPE_CAPS_MAINLINE ? "mainline" : mode_name(co.caps);
	rep->replay.format = ri->dat ? "trace.dat" : "text";
	rep->replay.codec = input_codec_name(ri->in.codec);
	rep->replay.pid = o->pid;
	rep->input = ri->in.name;
	fd.where = calloc(1, sizeof(*fd.where));
	if (fd.where)
		fd.where->op = calloc(PINSCOPE_MAX_CPUS, sizeof(*fd.where->op));
	if (ri->dat && o->on_line)
		fd.dat_mm = calloc(PINSCOPE_MAX_CPUS, sizeof(*fd.dat_mm));
	if (!fd.where || !fd.where->op || (ri->dat && o->on_line && !fd.dat_mm)) {
		fprintf(stderr, "Failed to allocate the replay's line index: %s\n", strerror(ENOMEM));
		rc = PINSCOPE_EXIT_ERROR;
		goto out;
	}
	sink->locate = where_locate;
	sink->locate_ctx = fd.where;
	fd.chk = checker_open(&co, sink);
	if (!fd.chk) {
		rc = PINSCOPE_EXIT_ERROR;
		goto out;
	}
	rc = ri->dat ? tracedat_feed(ri->dat, &fd, o->stop, &rep->replay) :
		       feed_text(&ri->in, &fd, o);
	if (!rc && checker_end(fd.chk))
		rc = PINSCOPE_EXIT_ERROR;
	rep->duration_ns = rep->replay.last_ts - rep->replay.first_ts;
	if (!rc && !rep->replay.events && !rep->replay.interrupted) {
		fprintf(stderr, "Failed to replay %s: no xen events in its %llu %s. Record one with "
			"'trace-cmd record -e xen', or 'echo 1 > /sys/kernel/tracing/events/xen/enable' "
			"and 'cat /sys/kernel/tracing/trace'\n", ri->in.name,
			(unsigned long long)rep->replay.lines, ri->dat ? "records" : "lines");
		rc = PINSCOPE_EXIT_ERROR;
	}
	if (!rc && checker_read(fd.chk, rep))
		rc = PINSCOPE_EXIT_ERROR;
	checker_close(fd.chk);
out:
	sink->locate = NULL;
	if (fd.where)
		free(fd.where->op);
	free(fd.where);
	free(fd.dat_mm);
	return rc;
}
