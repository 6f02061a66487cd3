// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* What both commands share: signals, the root check, the report's way out */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd.h"
#include "input/evidence.h"
#include "live/interval.h"
#include "options.h"
#include "report/html.h"
#include "report/names.h"
#include "report/prom.h"
#include "report/report.h"
#include "report/timeline.h"
#include "report/verdict.h"

volatile sig_atomic_t exiting;

void sig_handler(int sig)
{
	exiting = 1;
}

bool need_root(const char *what)
{
	if (geteuid() == 0)
		return false;
	fprintf(stderr, "Failed to start %s: pinscope needs root (CAP_BPF and CAP_PERFMON) to load "
		"its BPF programs%s. Run it with sudo.\n", what,
		env.replay ? " (or replay with --engine user: the same checks, no root)" : "");
	return true;
}

/* --html: the page of the report so far (final: with the last time slice) */
int write_html(struct report *rep, bool final)
{
	if (!env.html)
		return 0;
	if (env.evidence && report_html_check_dir(env.html, env.evidence))
		return -EINVAL;
	if (final && rep->timeline)
		timeline_finish(rep->timeline, &rep->st, rep->timeline->t0 + rep->duration_ns);
	return report_html(env.html, rep, env.replay ? (env.replay_path ? env.replay_path : "-")
						     : NULL);
}

/* -i: the cumulative report of the previous interval */
struct report interval_prev;

static int write_errno;	/* errno of the first failed report write */

static void report_out(struct report *rep, int rc)
{
	struct interval_opts io = { .json = true };

	if (env.prometheus)
		prom_write(stdout, rep, PROM_TEXT_004);
	else if (env.json && env.interval)	/* NDJSON: the last line */
		interval_report(stdout, rep, &interval_prev, &io);
	else if (env.json)
		report_json(stdout, rep, rc);
	else
		report_text(stdout, rep, env.timestamp);
	if (ferror(stdout) && !write_errno)
		write_errno = errno;
}

/*
 * Every report goes to stdout: a write that failed (full disk, closed pipe)
 * must not end as a success.  Checked after each interval report, and at exit
 * (atexit, so --help and error paths are covered too): 0 or -errno.
 */
int stdout_check(void)
{
	static bool said;
	int err = fflush(stdout) ? -errno : 0;

	if (ferror(stdout) && write_errno)
		err = -write_errno;	/* the first failure, not a later one */
	else if (!err && ferror(stdout))
		err = -EIO;
	if (err && !said)
		fprintf(stderr, "Failed to write the report to stdout: %s\n", strerror(-err));
	said = said || err;
	return err;
}

void stdout_close(void)
{
	int err = stdout_check();

	if (!err && fclose(stdout)) {
		err = -errno;
		fprintf(stderr, "Failed to close stdout: %s\n", strerror(-err));
	}
	if (err)
		_exit(PINSCOPE_EXIT_ERROR);
}

int finish(struct report *rep)
{
	int rc = report_exit_code(rep);
	char verdict[1024];

	report_out(rep, rc);
	/* Under systemd (JOURNAL_STREAM: stdout and stderr are the journal) the
	 * verdict also ends the output: `systemctl status` shows the last lines,
	 * and the text report has put it first */
	if (getenv("JOURNAL_STREAM")) {
		fflush(stdout);
		verdict_line(rep, verdict, sizeof(verdict));
		fprintf(stderr, "pinscope: Verdict: %s\n", verdict);
	}
	return write_html(rep, true) ? PINSCOPE_EXIT_ERROR : rc;
}

/* The snippets written (minimized before the report, which shows them); the
 * replay's exit code stays unless this fails */
void evidence_end(struct evidence *e, struct evidence_capture *cap, int *rc)
{
	size_t lines = 0;

	if (*rc != PINSCOPE_EXIT_ERROR && evidence_write(e))
		*rc = PINSCOPE_EXIT_ERROR;
	else if (*rc != PINSCOPE_EXIT_ERROR) {
		for (size_t i = 0; i < e->nr; i++)
			lines += e->items[i].nr_lines;
		fprintf(stderr, "pinscope: evidence: %zu snippet%s (%zu event lines) and index.json "
			"in %s", e->nr, e->nr == 1 ? "" : "s", lines, name_safe(e->dir));
		if (e->no_window)
			fprintf(stderr, "; %llu flight recorder window%s not sent (the ring "
				"buffer was half full: a larger --ringbuf-size)",
				(unsigned long long)e->no_window, e->no_window == 1 ? "" : "s");
		if (e->unprintable)
			fprintf(stderr, "; %llu recorded event%s with no trace line left out",
				(unsigned long long)e->unprintable, e->unprintable == 1 ? "" : "s");
		if (e->not_kept + e->over_items)
			fprintf(stderr, "; %llu more violations not kept (--evidence-max %d per rule, "
				"reason and stack)", (unsigned long long)(e->not_kept + e->over_items),
				e->max);
		fputc('\n', stderr);
	}
	evidence_capture_free(cap);
	evidence_free(e);
}
