// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* pinscope replay: a recorded trace -> input -> engine -> report (docs/input.md) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "http/serve.h"
#include "input/evidence.h"
#include "input/replay.h"
#include "live/probe.h"
#include "options.h"
#include "report/html.h"
#include "report/names.h"
#include "report/timeline.h"

/* replay: no SA_RESTART, so that a read blocked on a pipe returns at once */
static int replay_signals(void)
{
	struct sigaction sa = { .sa_handler = sig_handler };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL)) {
		fprintf(stderr, "Failed to set signal handlers: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* replay --metrics: serve the final report until SIGINT/SIGTERM (a recorded
 * trace in Prometheus/Grafana; the HTTP server's test without Xen) */
static void serve_replay(const struct report *rep, int *rc)
{
	fflush(stdout);
	if (signal(SIGINT, sig_handler) == SIG_ERR || signal(SIGTERM, sig_handler) == SIG_ERR) {
		fprintf(stderr, "Failed to set signal handlers: %s\n", strerror(errno));
		*rc = PINSCOPE_EXIT_ERROR;
		return;
	}
	fprintf(stderr, "Serving the replay's report on GET /metrics at %s until Ctrl-C\n",
		name_safe(env.metrics));
	if (serve_report(&env.listen, rep, &exiting))
		*rc = PINSCOPE_EXIT_ERROR;
}

/*
 * --evidence DIR: a trace's lines kept per cpu (a trace.dat's records as the
 * lines tracefs prints for them, numbered by record), each violation's window
 * taken as its record comes (the sink's tap); after the replay, minimized and
 * written.  NULL without --evidence; *rc set on error.
 */
static struct evidence_capture *evidence_start(struct evidence *e, const struct replay_input *in,
					       struct replay_opts *o, struct viol_sink *sink,
					       int *rc)
{
	struct evidence_capture *cap;

	if (!env.evidence)
		return NULL;
	*e = (struct evidence){ .dir = env.evidence, .dir_fd = -1, .input = in->in.name,
				.records = in->dat != NULL, .max = env.evidence_max };
	cap = evidence_dir_open(e) ? NULL : evidence_capture_new(e, o->engine == CHECKER_BPF);
	if (!cap) {
		*rc = PINSCOPE_EXIT_ERROR;
		return NULL;
	}
	o->on_line = evidence_capture_line;
	o->line_ctx = cap;
	sink->tap = evidence_capture_tap;
	sink->tap_ctx = cap;
	return cap;
}

/*
 * SIGINT/SIGTERM: reading stops, what was read is judged and reported,
 * marked "partial: interrupted at line N"; the exit code is that report's.
 */
int cmd_replay(void)
{
	struct report rep = { .units = env.units, .viol_list = env.viol_list,
			      .require = env.require, .summary_only = env.summary };
	struct viol_sink sink = { .rep = &rep, .print = env.viol_live, .json = env.json,
				  .ringbuf_size = env.ringbuf_size };
	struct replay_opts o = { .engine = env.engine, .pid = env.pid, .lean = env.lean,
				 .stop = &exiting };
	struct replay_input in;
	struct evidence *ev = NULL;
	struct evidence_capture *cap = NULL;
	int rc = 0;

	/* the user engine needs neither root nor a BPF-capable kernel */
	if (env.engine == CHECKER_BPF && (need_root("replay") || probe_bpf_features()))
		return PINSCOPE_EXIT_ERROR;
	if (replay_signals())
		return PINSCOPE_EXIT_ERROR;
	if (env.html && (report_html_check(env.html, env.replay_path ? env.replay_path : "-") ||
			 !(rep.timeline = timeline_new(TL_REPLAY_SLICE_NS))))
		return PINSCOPE_EXIT_ERROR;
	rc = replay_open(env.replay_path, &in, &exiting);
	if (rc == -EINTR && exiting) {
		fprintf(stderr, "pinscope: interrupted before the trace was read: nothing judged\n");
		free(rep.timeline);
		return PINSCOPE_EXIT_INCONCLUSIVE;
	}
	if (rc) {
		free(rep.timeline);
		return PINSCOPE_EXIT_ERROR;
	}
	if (env.evidence && !(ev = calloc(1, sizeof(*ev)))) {
		fprintf(stderr, "Failed to allocate the evidence: %s\n", strerror(ENOMEM));
		rc = PINSCOPE_EXIT_ERROR;
	}
	if (!rc)
		cap = evidence_start(ev, &in, &o, &sink, &rc);
	if (!rc)
		rc = replay_run(&in, &o, &rep, &sink);
	if (!rc && cap && evidence_capture_finish(cap))
		rc = PINSCOPE_EXIT_ERROR;
	rep.evidence = cap ? ev : NULL;
	if (!rc)
		rc = finish(&rep);
	if (cap)
		evidence_end(ev, cap, &rc);
	free(ev);
	if (env.metrics && rc != PINSCOPE_EXIT_ERROR)
		serve_replay(&rep, &rc);
	replay_close(&in);
	report_free(&rep);
	return rc;
}
