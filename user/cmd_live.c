// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* pinscope (live): the BPF checker loaded and attached -> its maps and ring buffer -> report */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "cmd.h"
#include "input/evidence.h"
#include "engine/loader.h"
#include "http/serve.h"
#include "live/interval.h"
#include "live/probe.h"
#include "live/restore.h"
#include "live/procstat.h"
#include "live/visprobe.h"
#include "live/xenguest.h"
#include "options.h"
#include "pinscope.skel.h"
#include "report/evidence.h"
#include "report/ksyms.h"
#include "report/names.h"
#include "report/timeline.h"
#include "report/violations.h"

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int read_report(struct pinscope_bpf *skel, struct report *rep)
{
	int n, err = stats_read(bpf_map__fd(skel->maps.cpus), &rep->st);

	n = err ? err : stats_top_procs(bpf_map__fd(skel->maps.procs), rep->top, TOP_PROCS);
	if (n < 0) {
		fprintf(stderr, "Failed to read BPF maps: %s\n", strerror(-n));
		return n;
	}
	rep->nr_top = n;
	n = stats_ops_running(skel->obj, skel->maps.cpus);
	if (n < 0) {
		fprintf(stderr, "Failed to read the running operations: %s\n", strerror(-n));
		return n;
	}
	rep->ops_running = n;
	return 0;
}

static int poll_loop(struct pinscope_bpf *skel, struct ring_buffer *rb, struct report *rep)
{
	__u64 start = now_ns(), next = start + env.interval * 1000000000ULL, t;
	struct interval_opts io = { .json = env.json, .reset = env.reset,
				    .timestamp = env.timestamp };
	struct clock_look prev, now;
	bool watch;
	int err;

	/* saves and restores: the clocks at every poll (live/restore.h) */
	watch = !(err = clock_look(&prev));
	if (!watch)
		fprintf(stderr, "Failed to read the clocks or /sys/devices/system/cpu/online: %s; "
			"saves and restores are not counted (mount sysfs)\n", strerror(-err));
	while (!exiting) {
		/* then the records submitted without a wakeup (the suspend path:
		 * bpf/flight.bpf.h rb_flags()), at most 100 ms late */
		err = ring_buffer__poll(rb, 100);
		if (err >= 0 || err == -EINTR)
			err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "Failed to poll the ring buffer: %s\n", strerror(-err));
			return err;
		}
		if (watch && !clock_look(&now)) {
			restores_note(&rep->restores, &prev, &now);
			prev = now;
		}
		t = now_ns();
		rep->duration_ns = t - start;
		if (rep->timeline &&
		    timeline_live_tick(rep->timeline, bpf_map__fd(skel->maps.cpus), t - start)) {
			fprintf(stderr, "Failed to read the statistics in the BPF cpus map\n");
			return -EIO;
		}
		if (env.duration && t - start >= env.duration * 1000000000ULL)
			break;
		if (env.interval && t >= next) {
			next += env.interval * 1000000000ULL;
			if (read_report(skel, rep))
				return -EIO;
			if (interval_report(stdout, rep, &interval_prev, &io))
				return -ENOMEM;
			if (stdout_check() || write_html(rep, false))
				return -EIO;
		}
	}
	return 0;
}

/* -v: the process's memory at each start-up phase (docs/performance.md) */
static void mem_note(const char *phase)
{
	if (env.verbose)
		fprintf(stderr, "pinscope: memory after %s: peak %ld KiB, resident %ld KiB\n",
			phase, proc_status_kb(getpid(), "VmHWM:"), proc_status_kb(getpid(), "VmRSS:"));
}

/*
 * parse (main) -> probe -> open -> configure -> load -> attach -> poll ->
 * report -> cleanup; SIGINT/SIGTERM or -d ends the poll
 */
/*
 * Once attached: drive a known operation and see what the hooks show
 * (live/visprobe.h), then start the run from nothing, so that the report
 * covers what follows the probe; -p filters the probe's own operations out.
 * The line goes to stderr in every output mode: it is what the verdict rests on.
 */
static int prove_visibility(struct pinscope_bpf *skel, struct visibility *v)
{
	int err;

	if (env.pid) {
		*v = (struct visibility){ .why_not = "-p follows one process, not the probe's" };
	} else if ((err = visibility_prove(bpf_map__fd(skel->maps.cpus), v))) {
		fprintf(stderr, "Failed to run the visibility probe (a child that execs pinscope "
			"--version): %s; judging without it\n", strerror(-err));
	}
	if (v->ran && loader_restart(skel, &v->violations))
		return -1;
	visibility_print(stderr, v);
	return 0;
}

/*
 * --evidence DIR, live: the flight recorder on (--flight-events slots per
 * cpu), each window record taken by the capture as it comes; its events
 * become the patched kernel's tracepoint lines (tracepoints mode) or
 * pinscope's own event lines (fentry, kprobe: input/flight.h).  NULL
 * without --evidence or on error (*rc set).
 */
static struct evidence_capture *evidence_live(struct evidence *e, struct loader_cfg *cfg,
					      struct viol_sink *sink, int *rc)
{
	struct evidence_capture *cap;

	if (!env.evidence)
		return NULL;
	*e = (struct evidence){ .dir = env.evidence, .dir_fd = -1, .input = "live",
				.max = env.evidence_max, .live = true, .caps = cfg->caps,
				.mode = loader_mode_name(cfg->mode) };
	cap = evidence_dir_open(e) ? NULL : evidence_capture_new(e, false);
	if (!cap) {
		*rc = PINSCOPE_EXIT_ERROR;
		return NULL;
	}
	cfg->flight_n = env.flight_events ?: PINSCOPE_FLIGHT_DEFAULT;
	sink->window = evidence_capture_window;
	sink->window_ctx = cap;
	return cap;
}

int cmd_live(void)
{
	struct loader_cfg cfg = {};
	struct pinscope_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct http_server *http = NULL;
	struct report rep = {};
	struct visibility vis = {};
	struct viol_sink sink = { .rep = &rep };
	struct evidence ev = {};
	struct evidence_capture *cap = NULL;
	int rc = PINSCOPE_EXIT_ERROR;

	if (env.engine_set) {
		fprintf(stderr, "pinscope: --engine is for replay; live tracing always runs the BPF "
			"programs\n");
		return PINSCOPE_EXIT_USAGE;
	}
	rep.units = env.units;
	rep.viol_list = env.viol_list;
	rep.require = env.require;
	rep.summary_only = env.summary;
	/* --html: live time slices are the intervals, else seconds */
	if (env.html && !(rep.timeline = timeline_new((env.interval ? env.interval : 1) *
						      1000000000ULL)))
		return PINSCOPE_EXIT_ERROR;

	if (need_root("live tracing"))
		return PINSCOPE_EXIT_ERROR;
	if (probe_xen_pv())		/* before anything is loaded */
		return PINSCOPE_EXIT_NOT_PV;
	if (probe_bpf_features() || probe_live(env.mode, &cfg, env.json || env.prometheus))
		return PINSCOPE_EXIT_ERROR;
	mem_note("probe");
	cfg.targ_tgid = env.pid;
	loader_set_lean(&cfg, env.lean);
	cfg.want_stack = !env.no_stack;
	cfg.ringbuf_size = env.ringbuf_size;
	if (env.evidence && !(cap = evidence_live(&ev, &cfg, &sink, &rc)))
		goto cleanup;
	if (loader_open_load(&skel, &cfg))
		goto cleanup;
	mem_note("load");
	if (loader_attach(skel))
		goto cleanup;
	mem_note("attach");
	rep.mode = loader_mode_name(cfg.mode);
	rep.hook_problems = cfg.hook_problems;
	if (prove_visibility(skel, &vis))
		goto cleanup;
	rep.vis = &vis;
	rep.caps = cfg.caps;
	rep.lean = cfg.lean;
	sink.print = env.viol_live;
	sink.json = env.json || env.prometheus;
	sink.print_stack = !env.no_stack;
	rb = violations_open(bpf_map__fd(skel->maps.violations), &sink);
	if (!rb)
		goto cleanup;
	if (signal(SIGINT, sig_handler) == SIG_ERR || signal(SIGTERM, sig_handler) == SIG_ERR) {
		fprintf(stderr, "Failed to set signal handlers: %s\n", strerror(errno));
		goto cleanup;
	}
	if (env.metrics) {
		http = serve_live(&env.listen, skel, &rep);
		if (!http)
			goto cleanup;
		fprintf(stderr, "Serving GET /metrics on %s\n", name_safe(env.metrics));
	}
	if (!env.json && !env.prometheus)
		fprintf(stderr, "Tracing the Xen PV pinning path%s... Hit Ctrl-C to end.\n",
			env.pid ? " of one process" : "");
	if (poll_loop(skel, rb, &rep))
		goto cleanup;
	/* No scrape after the final snapshot: the counters keep moving until the
	 * programs are detached, and no scrape may show more than the report */
	http_stop(http);
	http = NULL;
	ring_buffer__consume(rb);
	if (read_report(skel, &rep))
		goto cleanup;
	if (cap) {
		ev.no_window = skel->bss->flight_dropped;
		if (evidence_capture_finish(cap))
			goto cleanup;
		rep.evidence = &ev;
	}
	rc = finish(&rep);
	if (cap)
		evidence_end(&ev, cap, &rc);
	cap = NULL;
cleanup:
	if (cap) {
		evidence_capture_free(cap);
		evidence_free(&ev);
	}
	http_stop(http);
	ring_buffer__free(rb);
	loader_destroy(skel);
	ksyms_free();
	report_free(&rep);
	return rc;
}
