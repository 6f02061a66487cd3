// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/minimize.h"
#include "input/evidence.h"
#include "input/flight.h"
#include "input/replay.h"
#include "input/trace.h"
#include "report/names.h"

struct wline {
	__u64 lineno;
	__u64 num;		/* the event's number from 1; its seq as replay.c gives it
				 * (where_note()): (__u32)num ?: 1 */
	char *text;
	struct pinscope_event ev;
	__u32 caps;		/* trace_line_caps(): what it shows of the source */
};

/* One cpu's lines, or a window taken from them */
struct win {
	struct wline *l;
	size_t n, cap;
	size_t op_start;	/* the running operation's first line */
	bool cut;		/* lines of the operation dropped at EVIDENCE_WINDOW_MAX */
	bool split;		/* line 0: the last deferred unlock of any cpu (fentry/kprobe) */
};

struct kind {
	__u32 rule, reason, nr_stack;
	__u64 stack[PINSCOPE_STACK_DEPTH];
	int count;
};

struct evidence_capture {
	struct evidence *e;
	struct win *cpu[PINSCOPE_MAX_CPUS];
	struct win snap[EVIDENCE_MAX_ITEMS];	/* the window of e->items[i] */
	struct kind kinds[EVIDENCE_MAX_ITEMS];
	size_t nr_kinds;
	__u64 events;		/* event lines seen: the next one's seq, as replay.c numbers */
	bool late;		/* the bpf engine: records come at the end of their batch */
	int err;		/* of the tap, which cannot return one */
};

struct evidence_capture *evidence_capture_new(struct evidence *e, bool late)
{
	struct evidence_capture *c = calloc(1, sizeof(*c));

	if (!c) {
		fprintf(stderr, "Failed to allocate the evidence windows: %s\n", strerror(ENOMEM));
	} else {
		c->e = e;
		c->late = late;
	}
	return c;
}

/* Index of the last operation begin of w before line n, or n if none */
static size_t begin_before(const struct win *w, size_t n)
{
	for (size_t i = n; i > 0; i--)
		if (w->l[i - 1].ev.type == PINSCOPE_EV_OP_BEGIN)
			return i - 1;
	return n;
}

/*
 * Lines of w to drop at a new operation: all but its context; late (bpf
 * engine), not those of the last two batches' events (whose records may not
 * have come yet, as replay.c keeps their lines) nor their operation's begin
 * and its context
 */
static size_t to_drop(const struct evidence_capture *c, const struct win *w)
{
	size_t k = w->n > EVIDENCE_CONTEXT ? w->n - EVIDENCE_CONTEXT : 0, f = 0, b;

	if (!c->late)
		return k;
	while (f < w->n && w->l[f].num + 2 * PINSCOPE_REPLAY_BATCH <= c->events)
		f++;
	b = begin_before(w, f + (f < w->n));
	b = b <= f ? b : 0;
	b = b > EVIDENCE_CONTEXT ? b - EVIDENCE_CONTEXT : 0;
	return b < k ? b : k;
}

static void drop_lines(struct win *w, size_t k)
{
	for (size_t i = 0; i < k; i++)
		free(w->l[i].text);
	memmove(w->l, w->l + k, (w->n - k) * sizeof(*w->l));
	w->n -= k;
	w->cut = w->cut || w->op_start < k;
	w->op_start = w->op_start > k ? w->op_start - k : 0;
}

int evidence_capture_line(void *ctx, const struct pinscope_event *ev, const char *line,
			  __u64 lineno)
{
	struct evidence_capture *c = ctx;
	struct win *w;

	if (ev->cpu >= PINSCOPE_MAX_CPUS) {
		c->events++;
		return 0;	/* the checker refuses it, naming the line */
	}
	w = c->cpu[ev->cpu] ?: (c->cpu[ev->cpu] = calloc(1, sizeof(*w)));
	if (!w)
		goto nomem;
	if (ev->type == PINSCOPE_EV_OP_BEGIN) {	/* a new operation: its context only */
		drop_lines(w, to_drop(c, w));
		w->cut = false;
		w->op_start = w->n;
	}
	if (w->n == EVIDENCE_WINDOW_MAX)
		drop_lines(w, EVIDENCE_WINDOW_MAX / 4);
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 256;
		struct wline *l = realloc(w->l, cap * sizeof(*l));

		if (!l)
			goto nomem;
		w->l = l;
		w->cap = cap;
	}
	/* numbered as replay_emit() will number it, whose violations carry it */
	w->l[w->n] = (struct wline){ .lineno = lineno, .num = ++c->events,
				     .ev = *ev, .text = strdup(line),
				     .caps = trace_line_caps(line, NULL) };
	if (!w->l[w->n].text)
		goto nomem;
	w->n++;
	return 0;
nomem:
	fprintf(stderr, "Failed to keep line %llu for --evidence: %s\n",
		(unsigned long long)lineno, strerror(ENOMEM));
	return PINSCOPE_EXIT_ERROR;
}

/* The kind of a violation: rule, reason, stack; NULL when the table is full */
static struct kind *kind_of(struct evidence_capture *c, const struct pinscope_violation *v)
{
	__u32 nr = v->nr_stack < PINSCOPE_STACK_DEPTH ? v->nr_stack : PINSCOPE_STACK_DEPTH;
	struct kind *k;

	for (size_t i = 0; i < c->nr_kinds; i++) {
		k = &c->kinds[i];
		if (k->rule == v->rule && k->reason == v->reason && k->nr_stack == nr &&
		    !memcmp(k->stack, v->stack, nr * sizeof(v->stack[0])))
			return k;
	}
	if (c->nr_kinds == EVIDENCE_MAX_ITEMS)
		return NULL;
	k = &c->kinds[c->nr_kinds++];
	*k = (struct kind){ .rule = v->rule, .reason = v->reason, .nr_stack = nr };
	memcpy(k->stack, v->stack, nr * sizeof(v->stack[0]));
	return k;
}

/*
 * A slot for violation v in e->items, its window to fill in c->snap; NULL
 * when its kind has --evidence-max already or the table is full (counted)
 */
static struct win *claim(struct evidence_capture *c, const struct pinscope_violation *v)
{
	struct evidence *e = c->e;
	struct kind *k = kind_of(c, v);

	if (!k || e->nr == EVIDENCE_MAX_ITEMS) {
		e->over_items++;
		return NULL;
	}
	if (k->count >= e->max) {
		e->not_kept++;
		return NULL;
	}
	k->count++;
	e->items[e->nr].v = *v;
	return &c->snap[e->nr++];
}

/*
 * The lines of w up to the violation's event (its seq; 0, found at the end of
 * the input: all): the user engine's record comes during that event's push,
 * so it is the last line; the bpf engine's at the end of its batch, when the
 * cpu may have gone on (then its operation's start is found again).  0 when
 * the event is no longer in the window (a new operation dropped it)
 */
static size_t lines_to(const struct win *w, const struct pinscope_violation *v)
{
	for (size_t i = w->n; v->seq && i > 0; i--)
		if (((__u32)w->l[i - 1].num ?: 1) == v->seq)
			return i;
	return v->seq ? 0 : w->n;
}

void evidence_capture_tap(void *ctx, const struct pinscope_violation *v)
{
	struct evidence_capture *c = ctx;
	struct win *w = v->cpu < PINSCOPE_MAX_CPUS ? c->cpu[v->cpu] : NULL;
	struct win *s = claim(c, v);
	size_t n = w ? lines_to(w, v) : 0, from = 0, b;

	if (!s || !n)
		return;		/* nothing of its cpu: an empty window, said in the index */
	s->op_start = w->op_start;
	s->cut = w->cut;
	if (n < w->n) {		/* the cpu went on: its operation's begin and context, as then */
		b = begin_before(w, n);
		from = b < n && b > EVIDENCE_CONTEXT ? b - EVIDENCE_CONTEXT : 0;
		s->op_start = b < n ? b - from : 0;
		s->cut = b == n && v->op != PINSCOPE_OP_NONE;
	}
	s->l = calloc(n - from, sizeof(*s->l));
	if (!s->l) {
		c->err = -ENOMEM;
		return;
	}
	for (size_t i = from; i < n; i++) {
		s->l[i - from] = w->l[i];
		s->l[i - from].text = strdup(w->l[i].text);
		if (!s->l[i - from].text)
			c->err = -ENOMEM;
		s->n = i - from + 1;
	}
}

void evidence_capture_window(void *ctx, const struct pinscope_window *w)
{
	struct evidence_capture *c = ctx;
	__u64 n = flight_count(w), mm = 0;
	struct win *s;
	char line[512], err[128];

	c->e->windows++;
	s = claim(c, &w->v);
	if (!s)
		return;
	s->l = calloc(n + 2, sizeof(*s->l));
	if (!s->l) {
		c->err = -ENOMEM;
		return;
	}
	/* first the last deferred unlock of any cpu, on its own cpu: why a
	 * fentry/kprobe run judges a PTE page pinned with no unlock seen a leak
	 * (split_locks_seen), which the violation's cpu's ring may not hold */
	if (flight_split_line(w, c->e->caps, line, sizeof(line))) {
		struct wline *l = &s->l[0];

		*l = (struct wline){ .lineno = 1, .caps = trace_line_caps(line, NULL) };
		if (trace_parse_line(line, &l->ev, err, sizeof(err)) != TRACE_LINE_EVENT) {
			fprintf(stderr, "Failed to read back the flight recorder's line '%s': %s\n",
				line, err);
			c->err = -EINVAL;
			return;
		}
		l->ev.cpu = w->split_cpu;
		if (!(l->text = strdup(line))) {
			c->err = -ENOMEM;
			return;
		}
		s->split = true;
		s->n++;
	}
	/* the window's lines, numbered in it (the events with no line, left
	 * out, counted); the operation is the last begin's, when the violation
	 * is an operation's */
	for (__u64 k = 0; k < n; k++) {
		struct wline *l = &s->l[s->n];

		if (!flight_line(w, k, c->e->caps, &mm, line, sizeof(line))) {
			c->e->unprintable++;
			continue;
		}
		*l = (struct wline){ .lineno = s->n + 1, .caps = trace_line_caps(line, NULL) };
		if (trace_parse_line(line, &l->ev, err, sizeof(err)) != TRACE_LINE_EVENT) {
			fprintf(stderr, "Failed to read back the flight recorder's line '%s': %s\n",
				line, err);
			c->err = -EINVAL;
			return;
		}
		l->ev.cpu = w->v.cpu;
		if (!(l->text = strdup(line))) {
			c->err = -ENOMEM;
			return;
		}
		if (l->ev.type == PINSCOPE_EV_OP_BEGIN && w->v.op != PINSCOPE_OP_NONE)
			s->op_start = s->n;
		s->n++;
	}
	/* the ring had turned over before the operation's begin: its start is lost */
	s->cut = w->v.op != PINSCOPE_OP_NONE && w->head > w->n &&
		 (!s->n || s->l[s->op_start].ev.type != PINSCOPE_EV_OP_BEGIN);
}

struct candidate {
	const struct win *s;
	const struct pinscope_violation *v;
	struct pinscope_event *ev;	/* [s->n] */
	__u32 source;			/* the window's event source, without MMLOCK */
};

/* The event source lines of these caps give (replay_text_caps()), without MMLOCK:
 * whether a rule is checked exactly, approximately or not at all */
static __u32 source_of(__u32 line_caps)
{
	return replay_text_caps(line_caps) & ~PINSCOPE_CAP_MMLOCK;
}

/* Does this subset of the window, replayed alone, give the same violation and no other rule? */
static int same_violation(void *ctx, const bool *keep, size_t n)
{
	struct candidate *cd = ctx;
	const struct pinscope_violation *v = cd->v;
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep };
	bool same = false;
	__u32 caps = 0;
	size_t m = 0;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (keep[i]) {
			cd->ev[m++] = cd->s->l[i].ev;
			caps |= cd->s->l[i].caps;
		}
	/* judged by another source than the window's (no line of a patched
	 * kernel or of a stock mode left): not the same evidence */
	if (source_of(caps) != cd->source)
		return 0;
	rc = replay_events(cd->ev, m, replay_text_caps(caps), &rep, &sink);
	for (__u64 i = 0; !rc && rep.viol && i < rep.nr_viol && i < MAX_KEPT_VIOLATIONS; i++) {
		const struct pinscope_violation *r = &rep.viol[i];

		same = same || (r->rule == v->rule && r->reason == v->reason && r->op == v->op &&
				r->cpu == v->cpu && r->pfn == v->pfn);
	}
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		same = same && (r == (int)v->rule || !rep.st.violated[r]);
	report_free(&rep);
	return rc ? -EIO : same;
}

/* The window of item i: from its operation's start, else all of it; then minimized */
static int finish_item(struct evidence_capture *c, size_t i)
{
	struct evidence_item *it = &c->e->items[i];
	struct win *s = &c->snap[i];
	struct candidate cd = { .s = s, .v = &it->v };
	struct minimize_stats ms = {};
	bool *keep = calloc(s->n + 1, sizeof(*keep));
	size_t m = 0;
	int rc = -ENOMEM;

	cd.ev = calloc(s->n + 1, sizeof(*cd.ev));
	if (!keep || !cd.ev)
		goto out;
	it->window = s->n;
	it->window_cut = s->cut;
	if (s->n) {
		it->window_first = s->l[0].lineno;
		it->window_last = s->l[s->n - 1].lineno;
	}
	if (it->v.op != PINSCOPE_OP_NONE && s->op_start < s->n &&
	    s->l[s->op_start].ev.type == PINSCOPE_EV_OP_BEGIN)
		it->mm = s->l[s->op_start].ev.arg[1];
	for (size_t k = 0; k < s->n; k++)
		cd.source |= s->l[k].caps;
	cd.source = source_of(cd.source);
	for (size_t k = s->op_start; k < s->n; k++)
		keep[k] = true;
	keep[0] = keep[0] || s->split;	/* why the run saw split locks */
	rc = s->n ? same_violation(&cd, keep, s->n) : 0;
	if (rc == 0) {
		for (size_t k = 0; k < s->n; k++)
			keep[k] = true;
		rc = s->n ? same_violation(&cd, keep, s->n) : 0;
	}
	if (rc < 0)
		goto out;
	it->reproduced = rc;
	if (it->reproduced) {
		rc = minimize(keep, s->n, same_violation, &cd, EVIDENCE_MAX_REPLAYS, &ms);
		if (rc)
			goto out;
		it->minimized = ms.minimal;
		it->tests = ms.tests + 1;
	}
	it->lines = calloc(s->n + 1, sizeof(*it->lines));
	if (!it->lines) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < s->n; k++)
		if (keep[k]) {
			it->lines[m++] = (struct evidence_line){ s->l[k].lineno, s->l[k].ev.ts_ns,
								 s->l[k].text };
			s->l[k].text = NULL;
		}
	it->nr_lines = m;
	rc = 0;
out:
	free(keep);
	free(cd.ev);
	return rc;
}

int evidence_capture_finish(struct evidence_capture *c)
{
	int err = c->err;

	for (size_t i = 0; !err && i < c->e->nr; i++) {
		err = finish_item(c, i);
		if (!err && !c->e->items[i].reproduced)
			fprintf(stderr, "pinscope: evidence %zu (%s at %llu.%06llu cpu %u): its window "
				"of %llu events does not give the violation alone (it depends on "
				"what came before %s %llu): kept whole, not minimized\n", i + 1,
				rule_name(c->e->items[i].v.rule),
				(unsigned long long)(c->e->items[i].v.ts_ns / 1000000000ULL),
				(unsigned long long)(c->e->items[i].v.ts_ns % 1000000000ULL / 1000),
				c->e->items[i].v.cpu, (unsigned long long)c->e->items[i].window,
				c->e->records ? "record" : "line",
				(unsigned long long)c->e->items[i].window_first);
	}
	if (err)
		fprintf(stderr, "Failed to minimize the evidence: %s\n", strerror(-err));
	return err;
}

void evidence_capture_free(struct evidence_capture *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < PINSCOPE_MAX_CPUS; i++)
		if (c->cpu[i]) {
			drop_lines(c->cpu[i], c->cpu[i]->n);
			free(c->cpu[i]->l);
			free(c->cpu[i]);
		}
	for (size_t i = 0; i < EVIDENCE_MAX_ITEMS; i++) {
		drop_lines(&c->snap[i], c->snap[i].n);
		free(c->snap[i].l);
	}
	free(c);
}
