// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * trace.dat -> checker events.  The same events and arguments as the text
 * parser (trace.c) gets from the printed lines, here read as fields of the
 * recorded formats: pointers are raw (text has %p hashes: both only compared
 * for equality), the callback's function by the file's kallsyms.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <trace-cmd/trace-cmd.h>
#include "report/names.h"
#include "input/replay.h"
#include "input/trace.h"
#include "input/tracedat.h"

enum kind {
	K_PGD_PIN, K_PGD_UNPIN, K_CALLBACK, K_FLUSH_REASON, K_FLUSH, K_ISSUE, K_ENTRY,
	K_LOCK, K_UNLOCK, K_PIN_PAGE, K_UNPIN_PAGE, K_DO_PIN, K_NR,
	K_FIRST_PATCHED = K_LOCK,	/* events of kernel/patches (tracepoints mode) */
};

static const char *const kind_names[K_NR] = {
	"xen_mmu_pgd_pin", "xen_mmu_pgd_unpin", "xen_mc_callback", "xen_mc_flush_reason",
	"xen_mc_flush", "xen_mc_issue", "xen_mc_entry", "xen_mmu_pte_lock",
	"xen_mmu_pte_unlock", "xen_mmu_pin_page", "xen_mmu_unpin_page", "xen_mmu_do_pin",
};

struct tracedat {
	struct input *in;
	struct tracecmd_input *h;
	struct tep_handle *tep;
	int ids[K_NR];		/* event id of each kind, -1 if not in the file */
	/* the pass under way */
	struct replay_feed *fd;
	struct replay_counts *c;
	const volatile sig_atomic_t *stop;
	__u32 caps;
	int rc;
};

static int reopen(struct tracedat *td)
{
	int fd = input_fd(td->in), dfd;

	if (fd < 0)
		return fd;
	if (td->h)
		tracecmd_close(td->h);
	td->h = NULL;
	if (lseek(fd, 0, SEEK_SET) < 0 || (dfd = dup(fd)) < 0) {
		int err = -errno;

		fprintf(stderr, "Failed to read trace %s: %s\n", td->in->name, strerror(-err));
		return err;
	}
	td->h = tracecmd_open_fd(dfd, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!td->h) {
		close(dfd);
		fprintf(stderr, "Failed to read trace %s: libtracecmd cannot open it as trace.dat "
			"(truncated or corrupt? 'trace-cmd dump -i %s' shows what it holds)\n",
			td->in->name, td->in->name);
		return -EINVAL;
	}
	td->tep = tracecmd_get_tep(td->h);
	for (int k = 0; k < K_NR; k++) {
		struct tep_event *e = tep_find_event_by_name(td->tep, "xen", kind_names[k]);

		td->ids[k] = e ? e->id : -1;
	}
	return 0;
}

int tracedat_open(struct input *in, struct tracedat **tdp)
{
	struct tracedat *td = calloc(1, sizeof(*td));
	int err;

	*tdp = td;
	if (!td)
		return -ENOMEM;
	td->in = in;
	tracecmd_set_loglevel(TEP_LOG_NONE);
	err = reopen(td);
	if (err)
		return err;
	if (td->ids[K_PGD_PIN] < 0 && td->ids[K_LOCK] < 0) {
		fprintf(stderr, "Failed to replay %s: the trace.dat has no xen events. Record one with "
			"'trace-cmd record -e xen'\n", in->name);
		return -ENOENT;
	}
	return 0;
}

void tracedat_close(struct tracedat *td)
{
	if (!td)
		return;
	if (td->h)
		tracecmd_close(td->h);
	free(td);
}

static enum kind kind_of(const struct tracedat *td, int id)
{
	for (int k = 0; k < K_NR; k++)
		if (td->ids[k] == id)
			return k;
	return K_NR;
}

static int caps_cb(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	struct tracedat *td = data;
	enum kind k = kind_of(td, tep_data_type(td->tep, r));

	if (k >= K_FIRST_PATCHED && k < K_NR) {
		struct tep_event *e = tep_find_event(td->tep, td->ids[K_LOCK]);

		td->caps = PINSCOPE_CAPS_TRACEPOINTS;
		/* the series' split lock records the mm lock since it has the field */
		if (e && tep_find_field(e, "mm_locked"))
			td->caps |= PINSCOPE_CAP_MMLOCK;
		return 1;	/* stops the iteration */
	}
	return 0;
}

int tracedat_caps(struct tracedat *td, __u32 *caps)
{
	td->caps = PINSCOPE_CAPS_MAINLINE;
	if (tracecmd_iterate_events(td->h, NULL, 0, caps_cb, td) < 0) {
		fprintf(stderr, "Failed to read the records of trace %s\n", td->in->name);
		return -EIO;
	}
	*caps = td->caps;
	return reopen(td);	/* the feed starts again from the first record */
}

/* Field by name, as a number; -1 if the recorded format lacks it */
static int num(struct tracedat *td, struct tep_event *e, struct tep_record *r,
	       const char *name, __u64 *v)
{
	struct tep_format_field *f = tep_find_field(e, name);
	unsigned long long val;

	if (!f || tep_read_number_field(f, r->data, &val))
		return -1;
	*v = val;
	return 0;
}

/* xen_mc_entry: op, and args[0] (a va, as a pfn) and args[2] of args[6] */
static int mc_entry(struct tracedat *td, struct tep_event *e, struct tep_record *r,
		    struct pinscope_event *ev)
{
	struct tep_format_field *f = tep_find_field(e, "args");
	__u64 a0, a2;

	if (num(td, e, r, "op", &ev->arg[0]) || !f || f->size < 3 * 8 ||
	    f->offset + f->size > r->size)
		return -1;
	a0 = tep_read_number(td->tep, (char *)r->data + f->offset, 8);
	a2 = tep_read_number(td->tep, (char *)r->data + f->offset + 16, 8);
	ev->arg[1] = trace_va_pfn(a0);
	ev->arg[2] = a2;
	return 0;
}

static int callback(struct tracedat *td, struct tep_event *e, struct tep_record *r,
		    struct pinscope_event *ev)
{
	const char *fn;
	__u64 addr;

	if (num(td, e, r, "fn", &addr) || num(td, e, r, "data", &ev->arg[3]))
		return -1;
	fn = tep_find_function(td->tep, addr);
	if (!fn) {
		fprintf(stderr, "Failed to replay %s: callback address %#llx has no symbol: the "
			"trace.dat lacks the kernel's symbols (record as root, with /proc/kallsyms "
			"readable)\n", td->in->name, (unsigned long long)addr);
		return -2;
	}
	ev->arg[0] = !strcmp(fn, "xen_pte_unlock");
	return 0;
}

/* The checker's event of a record of kind k; -1 a field is missing, -2 message printed */
static int to_event(struct tracedat *td, enum kind k, struct tep_record *r,
		    struct pinscope_event *ev)
{
	struct tep_event *e = tep_find_event_by_record(td->tep, r);
	__u64 op = k == K_PGD_UNPIN || k == K_UNPIN_PAGE ? PINSCOPE_OP_UNPIN : PINSCOPE_OP_PIN;

	if (!e)
		return -1;
	switch (k) {
	case K_PGD_PIN:
	case K_PGD_UNPIN:
		ev->type = PINSCOPE_EV_OP_BEGIN;
		ev->arg[0] = op;
		ev->arg[3] = trace_op_path(ev->comm);
		return num(td, e, r, "mm", &ev->arg[1]) || num(td, e, r, "pgd", &ev->arg[2]);
	case K_CALLBACK:
		ev->type = PINSCOPE_EV_CALLBACK;
		return callback(td, e, r, ev);
	case K_FLUSH_REASON:
		ev->type = PINSCOPE_EV_FLUSH_REASON;
		return num(td, e, r, "reason", &ev->arg[0]);
	case K_FLUSH:
		ev->type = PINSCOPE_EV_FLUSH;
		return num(td, e, r, "mcidx", &ev->arg[0]) || num(td, e, r, "argidx", &ev->arg[1]) ||
		       num(td, e, r, "cbidx", &ev->arg[2]);
	case K_ISSUE:
		ev->type = PINSCOPE_EV_MC_ISSUE;
		return 0;
	case K_ENTRY:
		ev->type = PINSCOPE_EV_MC_ENTRY;
		return mc_entry(td, e, r, ev);
	case K_LOCK:
		ev->type = PINSCOPE_EV_LOCK;
		if (num(td, e, r, "pfn", &ev->arg[1]) || num(td, e, r, "ptl", &ev->arg[3]))
			return -1;
		if (!num(td, e, r, "mm_locked", &op))	/* else not recorded */
			ev->arg[0] = (__u64)(op ? PINSCOPE_MMLOCK_HELD : PINSCOPE_MMLOCK_FREE)
				     << PINSCOPE_MMLOCK_SHIFT;
		return 0;
	case K_UNLOCK:
		ev->type = PINSCOPE_EV_UNLOCK;
		return num(td, e, r, "ptl", &ev->arg[3]);
	case K_PIN_PAGE:
	case K_UNPIN_PAGE:
		ev->type = PINSCOPE_EV_PAGE;
		ev->arg[0] = op;
		return num(td, e, r, "pfn", &ev->arg[1]) || num(td, e, r, "level", &ev->arg[2]) ||
		       num(td, e, r, "ptl", &ev->arg[3]);
	case K_DO_PIN:
		ev->type = PINSCOPE_EV_DO_PIN;
		return num(td, e, r, "cmd", &ev->arg[0]) || num(td, e, r, "pfn", &ev->arg[1]);
	default:
		return -1;
	}
}

/* Records the buffer dropped before this one: the checker cuts the cpu's operation */
static int lost(struct tracedat *td, struct tep_record *r)
{
	struct pinscope_event ev = {
		.type = PINSCOPE_EV_LOST, .cpu = r->cpu, .ts_ns = r->ts,
		.arg[0] = r->missed_events > 0 ? r->missed_events : 0,
	};

	return replay_emit(td->fd, &ev);
}

static int feed_cb(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	struct tracedat *td = data;
	struct pinscope_event ev = {};
	int type = tep_data_type(td->tep, r), err;
	enum kind k = kind_of(td, type);
	struct tep_event *e;

	if (td->stop && *td->stop) {
		td->c->interrupted = true;
		td->c->interrupted_at = td->c->lines;
		return 1;
	}
	td->c->lines++;
	if (r->missed_events && lost(td, r))
		return td->rc = PINSCOPE_EXIT_ERROR, -1;
	if (k == K_NR) {
		e = tep_find_event(td->tep, type);
		if (e && e->system && !strcmp(e->system, "xen"))
			td->c->xen_unused++;
		else
			td->c->skipped++;
		return 0;
	}
	ev.cpu = r->cpu;
	ev.ts_ns = r->ts;
	ev.pid = tep_data_pid(td->tep, r);
	snprintf(ev.comm, sizeof(ev.comm), "%s", tep_data_comm_from_pid(td->tep, ev.pid));
	err = to_event(td, k, r, &ev);
	if (err == -1)
		fprintf(stderr, "%s: record %llu: malformed xen event: %s lacks a field the checker "
			"needs (format in the file differs from kernel/patches?)\n", td->in->name,
			(unsigned long long)td->c->lines, kind_names[k]);
	if (err || replay_emit(td->fd, &ev))
		return td->rc = PINSCOPE_EXIT_ERROR, -1;
	return 0;
}

int tracedat_feed(struct tracedat *td, struct replay_feed *fd,
		  const volatile sig_atomic_t *stop, struct replay_counts *c)
{
	td->fd = fd;
	td->c = c;
	td->stop = stop;
	td->rc = 0;
	if (tracecmd_iterate_events(td->h, NULL, 0, feed_cb, td) < 0 && !td->rc) {
		fprintf(stderr, "Failed to read the records of trace %s after record %llu\n",
			td->in->name, (unsigned long long)c->lines);
		return PINSCOPE_EXIT_ERROR;
	}
	return td->rc;
}
