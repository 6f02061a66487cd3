// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * trace.dat -> checker events.  The same events and arguments as the text
 * parser (trace.c) gets from the printed lines, here read as fields of the
 * recorded formats: pointers are raw (text has %p hashes: both only compared
 * for equality), the callback's function by the file's kallsyms.
 *
 * libtracecmd and libtraceevent are not hardened: a truncated or damaged
 * trace.dat crashes them (SIGSEGV in tracecmd_open_fd's error path,
 * tep_parse_event, kbuffer_load_subbuffer; issue 25.4).  So they run in a
 * forked child (the reader) that turns each record into the checker's event
 * and streams it over a pipe; pinscope (the parent) feeds the checker.  A
 * crash of the child is a damaged file: the replay is refused (exit 1), the
 * message names the record the library was at (a page shared with the child).
 *
 * Nor can a crafted file keep the replay waiting or make the library do more
 * than read it (docs/security.md): the reader has a CPU time limit
 * (RLIMIT_CPU), the parent kills it when it makes no progress for
 * READER_STALL_S seconds, and before the library reads a byte of the file
 * (pinscope opened it) a seccomp filter (libseccomp) allows the reader only
 * what reading the file and writing the pipe need.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <trace-cmd/trace-cmd.h>
#include "input/confine.h"
#include "report/names.h"
#include "input/replay.h"
#include "input/trace.h"
#include "input/tracedat.h"

enum kind {
	K_PGD_PIN, K_PGD_UNPIN, K_CALLBACK, K_FLUSH_REASON, K_FLUSH, K_ISSUE, K_ENTRY,
	K_LOCK, K_UNLOCK, K_PIN_PAGE, K_UNPIN_PAGE, K_DO_PIN, K_PGD_DONE, K_NR,
	K_FIRST_PATCHED = K_LOCK,	/* events of kernel/patches (tracepoints mode) */
};

static const char *const kind_names[K_NR] = {
	"xen_mmu_pgd_pin", "xen_mmu_pgd_unpin", "xen_mc_callback", "xen_mc_flush_reason",
	"xen_mc_flush", "xen_mc_issue", "xen_mc_entry", "xen_mmu_pte_lock",
	"xen_mmu_pte_unlock", "xen_mmu_pin_page", "xen_mmu_unpin_page", "xen_mmu_do_pin",
	"xen_mmu_pgd_done",
};

/* No new record and no message for this long (wall clock): the reader is killed */
#define READER_STALL_S	10

/* Shared with the parent (one page): the reader's progress, the call it was stopped at */
struct shared {
	__u64 at;		/* the record being read */
	__s32 syscall;		/* the system call outside the filter, or -1 */
};

/* The reader's messages, one size: the event source, each event, the end */
enum msg_type { MSG_CAPS = 1, MSG_EVENT, MSG_END };

struct msg {
	__u32 type;		/* enum msg_type */
	__s32 rc;		/* MSG_CAPS: 0 or -errno; MSG_END: 0 or PINSCOPE_EXIT_ERROR */
	__u32 caps;		/* MSG_CAPS */
	__u32 pad;
	__u64 lines, skipped, xen_unused;	/* the counts so far (struct replay_counts) */
	struct pinscope_event ev;		/* MSG_EVENT */
};

/* The child: libtracecmd's handle, the pass under way */
struct reader {
	struct input *in;
	int fd;			/* the trace.dat, seekable (input_fd) */
	struct tracecmd_input *h;
	struct tep_handle *tep;
	int ids[K_NR];		/* event id of each kind, -1 if not in the file */
	volatile struct shared *sh;
	volatile __u64 *at;	/* &sh->at */
	pid_t parent;
	__u64 lines, skipped, xen_unused;
	__u32 caps;
	int rc;
	int out;		/* the pipe to the parent, written in buf's size */
	size_t len;
	char buf[1 << 16];
};

/* The parent's handle */
struct tracedat {
	struct input *in;
	const volatile sig_atomic_t *stop;
	pid_t pid;		/* the reader, 0 once reaped */
	int fd;			/* its messages */
	volatile struct shared *sh;
	unsigned int cpu_s;	/* its CPU time limit */
	__u64 last_at;		/* progress seen at last_seen */
	struct timespec last_seen;
	__u32 caps;
	size_t pos, end;
	char buf[1 << 16];
};

static int reopen(struct reader *td)
{
	int fd = td->fd, dfd;

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

static int reader_open(struct reader *td)
{
	int err;

	tracecmd_set_loglevel(TEP_LOG_NONE);
	err = reopen(td);
	if (err)
		return err;
	if (td->ids[K_PGD_PIN] < 0 && td->ids[K_LOCK] < 0) {
		fprintf(stderr, "Failed to replay %s: the trace.dat has no xen events. Record one with "
			"'trace-cmd record -e xen'\n", td->in->name);
		return -ENOENT;
	}
	return 0;
}

static enum kind kind_of(const struct reader *td, int id)
{
	for (int k = 0; k < K_NR; k++)
		if (td->ids[k] == id)
			return k;
	return K_NR;
}

static int caps_cb(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	struct reader *td = data;
	enum kind k;

	(*td->at)++;
	k = kind_of(td, tep_data_type(td->tep, r));

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

static int reader_caps(struct reader *td)
{
	td->caps = PINSCOPE_CAPS_MAINLINE;
	*td->at = 0;
	if (tracecmd_iterate_events(td->h, NULL, 0, caps_cb, td) < 0) {
		fprintf(stderr, "Failed to read the records of trace %s\n", td->in->name);
		return -EIO;
	}
	*td->at = 0;
	return reopen(td);	/* the feed starts again from the first record */
}

/* Field by name, as a number; -1 if the recorded format lacks it */
static int num(struct reader *td, struct tep_event *e, struct tep_record *r,
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
static int mc_entry(struct reader *td, struct tep_event *e, struct tep_record *r,
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

static int callback(struct reader *td, struct tep_event *e, struct tep_record *r,
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
static int to_event(struct reader *td, enum kind k, struct tep_record *r,
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
	case K_PGD_DONE:	/* the series' end of operation (issue 27), as trace.c's args_done() */
		ev->type = PINSCOPE_EV_OP_END;
		if (num(td, e, r, "pin", &op))
			return -1;
		ev->arg[0] = op ? PINSCOPE_OP_PIN : PINSCOPE_OP_UNPIN;
		return num(td, e, r, "mm", &ev->arg[1]) || num(td, e, r, "pgd", &ev->arg[2]);
	default:
		return -1;
	}
}

/* Whole messages to the parent; a write error (the parent is gone): the reader ends */
static void flush(struct reader *td)
{
	for (size_t done = 0; done < td->len;) {
		ssize_t n = write(td->out, td->buf + done, td->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			confine_exit(3);
		done += n;
	}
	td->len = 0;
}

static void send_msg(struct reader *td, enum msg_type type, int rc,
		     const struct pinscope_event *ev)
{
	struct msg m = { .type = type, .rc = rc, .caps = td->caps, .lines = td->lines,
			 .skipped = td->skipped, .xen_unused = td->xen_unused };

	if (ev)
		m.ev = *ev;
	if (td->len + sizeof(m) > sizeof(td->buf))
		flush(td);
	memcpy(td->buf + td->len, &m, sizeof(m));
	td->len += sizeof(m);
	if (type != MSG_EVENT)
		flush(td);
}

static int emit(struct reader *td, const struct pinscope_event *ev)
{
	send_msg(td, MSG_EVENT, 0, ev);
	return 0;
}

/* Records the buffer dropped before this one: the checker cuts the cpu's operation */
static int lost(struct reader *td, struct tep_record *r)
{
	struct pinscope_event ev = {
		.type = PINSCOPE_EV_LOST, .cpu = r->cpu, .ts_ns = r->ts,
		.arg[0] = r->missed_events > 0 ? r->missed_events : 0,
	};

	return emit(td, &ev);
}

static int feed_cb(struct tracecmd_input *h, struct tep_record *r, int cpu, void *data)
{
	struct reader *td = data;
	struct pinscope_event ev = {};
	int type, err;
	enum kind k;
	struct tep_event *e;

	*td->at = ++td->lines;
	type = tep_data_type(td->tep, r);
	k = kind_of(td, type);
	if (r->missed_events && lost(td, r))
		return td->rc = PINSCOPE_EXIT_ERROR, -1;
	if (k == K_NR) {
		e = tep_find_event(td->tep, type);
		if (e && e->system && !strcmp(e->system, "xen"))
			td->xen_unused++;
		else
			td->skipped++;
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
			(unsigned long long)td->lines, kind_names[k]);
	if (err || emit(td, &ev))
		return td->rc = PINSCOPE_EXIT_ERROR, -1;
	return 0;
}

/* A step of the reader's confinement (confine.c): its message if it failed */
static int confined(struct reader *td, const char *what, int err)
{
	if (err)
		fprintf(stderr, "Failed to read trace %s: cannot %s its reader: %s\n", td->in->name,
			what, strerror(-err));
	return err;
}

/* The child: both passes, each event and the counts to the parent; never returns */
static void reader_main(struct reader *td, struct rlimit cpu)
{
	int rc;

	/* the parent decides on SIGINT/SIGTERM; its death ends the reader */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	/* as in pinscope: the library's crash a signal, not the exit(1) of the
	 * handlers of the sanitizers and libFuzzer (tests/fuzz/fuzz_tracedat.c) */
	signal(SIGABRT, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	signal(SIGFPE, SIG_DFL);
	signal(SIGILL, SIG_DFL);
#endif
	rc = confined(td, "drop root in", confine_drop_root());
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* after dropping root: a change of user clears it */
	if (getppid() != td->parent)
		confine_exit(0);	/* the parent is gone already */
	rc = rc ?: confined(td, "limit the CPU time of", confine_cpu(cpu)) ?:
		   confined(td, "set the seccomp filter of",
			    confine_filter(td->fd, td->out, &td->sh->syscall)) ?:
		   reader_open(td) ?: reader_caps(td);
	send_msg(td, MSG_CAPS, rc, NULL);
	if (!rc) {
		td->rc = 0;
		if (tracecmd_iterate_events(td->h, NULL, 0, feed_cb, td) < 0 && !td->rc) {
			fprintf(stderr, "Failed to read the records of trace %s after record %llu\n",
				td->in->name, (unsigned long long)td->lines);
			td->rc = PINSCOPE_EXIT_ERROR;
		}
		send_msg(td, MSG_END, td->rc, NULL);
	}
	confine_exit(0);
}

/* The replay refused: the trace.dat is "what" (damaged, crafted), how it showed */
static void refused(const struct tracedat *td, const char *what, const char *how)
{
	fprintf(stderr, "Failed to read trace %s: the trace.dat is %s (%s): the replay is "
		"refused, nothing judged. 'trace-cmd report -i %s' shows what can still be read; "
		"record the trace again\n", td->in->name, what, how, td->in->name);
}

/* "at record N" or "before its first record was read" */
static const char *where(const struct tracedat *td, char *buf, size_t len)
{
	if (td->sh->at)
		snprintf(buf, len, "at record %llu", (unsigned long long)td->sh->at);
	else
		snprintf(buf, len, "before its first record was read");
	return buf;
}

/* Ends the reader (killed unless it ended) and says how; 0 it ended well */
static int reap(struct tracedat *td, bool kill_it)
{
	char at[64], how[256], *call;
	struct rusage ru = {};
	double cpu;
	int st = 0;

	if (!td->pid)
		return 0;
	if (kill_it)
		kill(td->pid, SIGKILL);
	while (wait4(td->pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	td->pid = 0;
	if (kill_it || (WIFEXITED(st) && !WEXITSTATUS(st)))
		return 0;
	cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	where(td, at, sizeof(at));
	if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGXCPU ||
				(WTERMSIG(st) == SIGKILL && cpu + 0.5 >= td->cpu_s))) {
		snprintf(how, sizeof(how), "the trace-cmd library used the reader's CPU time limit, "
			 "%u s, %s: an endless loop", td->cpu_s, at);
		refused(td, "damaged or crafted", how);
	} else if (WIFEXITED(st) && WEXITSTATUS(st) == CONFINE_EXIT_SYSCALL && td->sh->syscall >= 0) {
		call = confine_syscall_name(td->sh->syscall);
		snprintf(how, sizeof(how), "the trace-cmd library made the system call %s (%d) %s, "
			 "which the reader's seccomp filter does not allow", call ?: "?",
			 td->sh->syscall, at);
		free(call);
		refused(td, "damaged or crafted", how);
	} else if (WIFSIGNALED(st)) {
		snprintf(how, sizeof(how), "the trace-cmd library crashed %s: %s", at,
			 strsignal(WTERMSIG(st)));
		refused(td, "damaged", how);
	} else {
		snprintf(how, sizeof(how), "its reader failed %s: exit %d", at, WEXITSTATUS(st));
		refused(td, "damaged", how);
	}
	return -EIO;
}

/* No new record and no message for READER_STALL_S: the reader is killed, the replay refused */
static bool stalled(struct tracedat *td)
{
	struct timespec now;
	char at[64], how[160];

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (td->sh->at != td->last_at) {
		td->last_at = td->sh->at;
		td->last_seen = now;
	}
	if (now.tv_sec - td->last_seen.tv_sec <= READER_STALL_S)
		return false;
	reap(td, true);
	snprintf(how, sizeof(how), "the trace-cmd library made no progress for %d s %s: an "
		 "endless wait or loop", READER_STALL_S, where(td, at, sizeof(at)));
	refused(td, "damaged or crafted", how);
	return true;
}

/* The reader's next message: 1, 0 it ended (or crashed), -EINTR a signal stopped,
 * -ETIMEDOUT it was stalled (killed, message printed) */
static int next_msg(struct tracedat *td, struct msg *m)
{
	while (td->end - td->pos < sizeof(*m)) {
		struct pollfd p = { .fd = td->fd, .events = POLLIN };
		ssize_t n;

		if (td->stop && *td->stop)
			return -EINTR;
		memmove(td->buf, td->buf + td->pos, td->end - td->pos);
		td->end -= td->pos;
		td->pos = 0;
		/* a signal before read() blocks is seen within 200 ms */
		if (poll(&p, 1, 200) <= 0) {
			if (stalled(td))
				return -ETIMEDOUT;
			continue;
		}
		n = read(td->fd, td->buf + td->end, sizeof(td->buf) - td->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;	/* a part of a message at the end: the reader died */
		td->end += n;
		clock_gettime(CLOCK_MONOTONIC, &td->last_seen);
	}
	memcpy(m, td->buf + td->pos, sizeof(*m));
	td->pos += sizeof(*m);
	return 1;
}

int tracedat_open(struct input *in, struct tracedat **tdp, const volatile sig_atomic_t *stop)
{
	struct tracedat *td = calloc(1, sizeof(*td));
	int fd, pfd[2], err;
	struct rlimit cpu;
	struct msg m;

	*tdp = td;
	if (!td)
		return -ENOMEM;
	td->in = in;
	td->stop = stop;
	td->fd = -1;
	fd = input_fd(in);	/* a pipe or compressed input is copied here, by pinscope */
	if (fd < 0)
		return fd;
	td->sh = mmap(NULL, sizeof(*td->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (td->sh == MAP_FAILED) {
		td->sh = NULL;
		err = -errno;
		goto fail;
	}
	if (pipe2(pfd, O_CLOEXEC)) {
		err = -errno;
		goto fail;
	}
	td->sh->syscall = -1;
	cpu = confine_cpu_limit(fd);
	td->cpu_s = cpu.rlim_cur;
	clock_gettime(CLOCK_MONOTONIC, &td->last_seen);
	fflush(stdout);
	fflush(stderr);
	td->pid = fork();
	if (td->pid < 0) {
		err = -errno;
		td->pid = 0;
		close(pfd[0]);
		close(pfd[1]);
		goto fail;
	}
	if (!td->pid) {
		struct reader *r = calloc(1, sizeof(*r));

		close(pfd[0]);
		if (!r)
			confine_exit(4);
		*r = (struct reader){ .in = in, .fd = fd, .sh = td->sh, .at = &td->sh->at,
				      .out = pfd[1], .parent = getppid() };
		reader_main(r, cpu);
	}
	close(pfd[1]);
	td->fd = pfd[0];
	err = next_msg(td, &m);
	if (err == 1 && m.type == MSG_CAPS) {
		td->caps = m.caps;
		if (m.rc)
			reap(td, false);
		return m.rc;	/* the reader said why */
	}
	if (err == -EINTR || err == -ETIMEDOUT) {
		reap(td, true);
		return err;
	}
	return reap(td, err == 1) ?: -EIO;	/* no MSG_CAPS: it crashed while opening */
fail:
	fprintf(stderr, "Failed to read trace %s: cannot start its reader: %s\n", in->name,
		strerror(-err));
	return err;
}

int tracedat_caps(struct tracedat *td, __u32 *caps)
{
	*caps = td->caps;
	return 0;
}

/* The events of the reader to the checker, in its order; the counts are its own */
int tracedat_feed(struct tracedat *td, struct replay_feed *fd,
		  const volatile sig_atomic_t *stop, struct replay_counts *c)
{
	struct msg m;
	int rc;

	td->stop = stop;
	while ((rc = next_msg(td, &m)) == 1) {
		c->lines = m.lines;
		c->skipped = m.skipped;
		c->xen_unused = m.xen_unused;
		if (m.type == MSG_END) {
			return reap(td, false) ? PINSCOPE_EXIT_ERROR : m.rc;
		}
		if (m.type != MSG_EVENT)
			break;	/* cannot be: the reader's memory was damaged */
		if (replay_emit_record(fd, &m.ev, m.lines)) {
			reap(td, true);
			return PINSCOPE_EXIT_ERROR;
		}
	}
	if (rc == -EINTR) {
		reap(td, true);
		c->interrupted = true;
		c->interrupted_at = c->lines;
		return 0;
	}
	if (rc == -ETIMEDOUT)
		return PINSCOPE_EXIT_ERROR;	/* killed, said why */
	if (!reap(td, rc == 1))	/* ended well without MSG_END, or a message not ours */
		fprintf(stderr, "Failed to read trace %s: its reader ended after record %llu "
			"without its last message: the replay is refused\n", td->in->name,
			(unsigned long long)c->lines);
	return PINSCOPE_EXIT_ERROR;
}

void tracedat_close(struct tracedat *td)
{
	if (!td)
		return;
	reap(td, true);
	if (td->fd >= 0)
		close(td->fd);
	if (td->sh)
		munmap((void *)td->sh, sizeof(*td->sh));
	free(td);
}
