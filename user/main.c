// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pinscope: watch and check the Xen PV page table pinning algorithm.
 * parse -> open -> configure -> load -> attach -> poll -> report -> cleanup
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "coverage.h"
#include "hooks.h"
#include "interval.h"
#include "ksyms.h"
#include "loader.h"
#include "names.h"
#include "pinscope.skel.h"
#include "probe.h"
#include "prom.h"
#include "procstat.h"
#include "replay.h"
#include "report.h"
#include "html.h"
#include "serve.h"
#include "summary.h"
#include "timeline.h"
#include "units.h"
#include "version.h"
#include "violations.h"
#include "xenguest.h"

static struct env {
	long duration;		/* seconds, 0 = until ^C */
	long interval;		/* seconds, 0 = final report only */
	__u32 pid;
	bool timestamp;
	bool verbose;
	bool json;
	bool no_stack;
	__u32 lean;		/* --lean: enum pinscope_lean */
	enum pinscope_mode mode;
	bool replay;
	const char *replay_path;
	__u32 ringbuf_size;	/* 0: the map's own size */
	int units;		/* enum time_unit, -u */
	int viol_list;		/* --violations: lines listed (VS_LIST_ALL) */
	bool viol_live;		/* --violations-live */
	const char *html;	/* --html FILE */
	bool prometheus;	/* --prometheus: the report in 0.0.4 text format */
	bool reset;		/* -R: interval reports of the interval only */
	const char *metrics;	/* --metrics [ADDR:]PORT */
	struct http_listen listen;
	enum checker_engine engine;	/* replay: user (default) or bpf */
	bool engine_set;
	const char *live_opt;	/* the first live-only option given, for replay's refusal */
} env = { .viol_list = VS_LIST_DEFAULT };

static void print_version(FILE *f, struct argp_state *state)
{
	fprintf(f, "pinscope %s (git %s)\n", PINSCOPE_VERSION, PINSCOPE_REVISION);
}

void (*argp_program_version_hook)(FILE *, struct argp_state *) = print_version;
error_t argp_err_exit_status = PINSCOPE_EXIT_USAGE;
const char *argp_program_bug_address = "<pinscope@localhost>";
static const char doc[] =
"Watch and check the page table pinning of Xen PV guests.\n"
"\n"
"USAGE: pinscope [-d SECONDS] [-i SECONDS [-R]] [-p PID] [-T] [-j|--prometheus]\n"
"                [--metrics [ADDR:]PORT] [--mode MODE] [--ringbuf-size BYTES]\n"
"                [--html FILE] [-u UNIT] [--violations all|N] [--lean] [-v]\n"
"       pinscope replay [FILE|-] [-p PID] [-T] [-j|--prometheus] [--html FILE]\n"
"                [--engine user|bpf] [-v]\n"
"\n"
"Records split PTE lock hold times, multicall flushes and pin ordering, and\n"
"checks every rule of the pinning algorithm on every operation.\n"
"Exit status: 0 clean (at least one operation judged, no rule violated),\n"
"1 runtime error, 2 usage error, 3 a rule was violated, 4 inconclusive (no\n"
"pin/unpin operation judged), 5 not a Xen PV guest (live tracing). The last\n"
"line of a report says what was judged.\n"
"\n"
"EXAMPLES:\n"
"    pinscope                  # attach (mode probed), report on Ctrl-C\n"
"    pinscope -d 10 -j         # 10 seconds, JSON report (docs/json.md)\n"
"    pinscope -i 5 -T          # a report every 5 seconds, with time\n"
"    pinscope -d 10 -u us      # times in microseconds\n"
"    pinscope --violations all # list every violation after the summary\n"
"    pinscope -p 1234          # only operations of process 1234\n"
"    pinscope -i 10 -j         # one JSON line every 10 s (NDJSON)\n"
"    pinscope --metrics 9464   # serve GET /metrics on 127.0.0.1:9464\n"
"    pinscope -d 60 --prometheus > pinscope.prom  # node_exporter textfile\n"
"    pinscope --mode fentry    # force fentry/fexit hooks\n"
"    pinscope replay trace.dat # check a recorded trace (docs/input.md), no root:\n"
"                              # trace.dat, tracefs or trace-cmd report text,\n"
"                              # .xz/.gz, a file, a pipe or - (stdin)\n"
"    pinscope replay --engine bpf t.txt  # the same checks as loaded BPF (root)\n"
"    pinscope replay t.txt --html r.html # and draw it (docs/views.md)\n"
"    xz -dc t.xz | pinscope replay - -j -p 1234\n";

enum { OPT_MODE = 256, OPT_NO_STACK, OPT_RINGBUF_SIZE, OPT_VIOLATIONS, OPT_VIOLATIONS_LIVE,
       OPT_HTML, OPT_PROMETHEUS, OPT_METRICS, OPT_ENGINE, OPT_LIST_RULES, OPT_LIST_HOOKS,
       OPT_LEAN };

static const struct argp_option opts[] = {
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: until Ctrl-C)", 0 },
	{ "interval", 'i', "SECONDS", 0, "Print a cumulative report every SECONDS", 0 },
	{ "pid", 'p', "PID", 0, "Only pin/unpin operations of this process", 0 },
	{ "timestamp", 'T', NULL, 0, "Print a timestamp with each report", 0 },
	{ "json", 'j', NULL, 0, "Print the report as JSON (docs/json.md); with -i one line per "
	  "interval", 0 },
	{ "reset", 'R', NULL, 0, "With -i: each report covers its interval only", 0 },
	{ "prometheus", OPT_PROMETHEUS, NULL, 0, "Print the report in the Prometheus text format "
	  "0.0.4 (docs/metrics.md)", 0 },
	{ "metrics", OPT_METRICS, "[ADDR:]PORT", 0, "Serve GET /metrics on ADDR (default "
	  HTTP_DEFAULT_ADDR ") while tracing", 0 },
	{ "mode", OPT_MODE, "MODE", 0, "tracepoints, fentry or kprobe (default: probed)", 0 },
	{ "engine", OPT_ENGINE, "ENGINE", 0, "replay: user (default: no root, any kernel) or bpf "
	  "(the loaded BPF programs, root, Linux 5.17+)", 0 },
	{ "no-stack", OPT_NO_STACK, NULL, 0, "Do not record kernel stacks of violations", 0 },
	{ "lean", OPT_LEAN, NULL, 0, "Cheaper hooks: no per-process counts, flushes counted only "
	  "inside pin/unpin or while split locks are held (no rule or hold time changes)", 0 },
	{ "ringbuf-size", OPT_RINGBUF_SIZE, "BYTES", 0, "Size of the violation ring buffer: a power "
	  "of two >= 4096 (default 1 MiB); records it cannot hold are counted as lost", 0 },
	{ "units", 'u', "UNIT", 0, "Print times in ns, us, ms or s (default: per value)", 0 },
	{ "violations", OPT_VIOLATIONS, "all|N", 0,
	  "List all or N violations after their per-rule summary (default: 5)", 0 },
	{ "violations-live", OPT_VIOLATIONS_LIVE, NULL, 0,
	  "Also print each violation when it happens (stderr with -j)", 0 },
	{ "html", OPT_HTML, "FILE", 0,
	  "Also write the report as one self-contained HTML page (with -i: every interval)", 0 },
	{ "list-rules", OPT_LIST_RULES, NULL, 0, "Print the rules and how each source checks them", 0 },
	{ "list-hooks", OPT_LIST_HOOKS, NULL, 0, "Print the hooks: program, section, target, modes", 0 },
	{ "verbose", 'v', NULL, 0, "Print libbpf debug output and memory use at start-up", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static long parse_seconds(const char *arg, struct argp_state *state, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v <= 0 || v > INT_MAX / 1000)
		argp_error(state, "invalid %s '%s': give a whole number of seconds > 0", what, arg);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'd':
		env.duration = parse_seconds(arg, state, "duration");
		env.live_opt = env.live_opt ?: "-d/--duration";
		break;
	case 'i':
		env.interval = parse_seconds(arg, state, "interval");
		env.live_opt = env.live_opt ?: "-i/--interval";
		break;
	case 'p':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v <= 0 || v > INT_MAX)
			argp_error(state, "invalid PID '%s'", arg);
		env.pid = v;
		break;
	case 'T': env.timestamp = true; break;
	case 'j': env.json = true; break;
	case 'R': env.reset = true; break;
	case OPT_PROMETHEUS: env.prometheus = true; break;
	case OPT_METRICS: {
		char err[128];

		if (http_parse_listen(arg, &env.listen, err, sizeof(err)))
			argp_error(state, "invalid --metrics '%s': %s", arg, err);
		env.metrics = arg;
		break;
	}
	case 'v': env.verbose = true; break;
	case OPT_NO_STACK: env.no_stack = true; break;
	case OPT_LEAN: env.lean = PINSCOPE_LEAN_ALL; break;
	case OPT_RINGBUF_SIZE:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v < 4096 || v > (1L << 30) || (v & (v - 1)))
			argp_error(state, "invalid ring buffer size '%s': give a power of two from "
				   "4096 to 1073741824 bytes", arg);
		env.ringbuf_size = v;
		break;
	case OPT_VIOLATIONS_LIVE: env.viol_live = true; break;
	case OPT_HTML: env.html = arg; break;
	case OPT_VIOLATIONS:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (!strcmp(arg, "all"))
			env.viol_list = VS_LIST_ALL;
		else if (errno || *end || end == arg || v < 0 || v > INT_MAX)
			argp_error(state, "invalid --violations '%s': give all or a number >= 0", arg);
		else
			env.viol_list = v;
		break;
	case 'u':
		env.units = unit_parse(arg);
		if (env.units < 0)
			argp_error(state, "invalid unit '%s': use ns, us, ms or s", arg);
		break;
	case OPT_LIST_RULES: rules_list(stdout); exit(PINSCOPE_EXIT_OK);
	case OPT_LIST_HOOKS: hooks_list(stdout); exit(PINSCOPE_EXIT_OK);
	case OPT_ENGINE:
		if (checker_engine_parse(arg) < 0)
			argp_error(state, "invalid engine '%s': use user or bpf", arg);
		env.engine = checker_engine_parse(arg);
		env.engine_set = true;
		break;
	case OPT_MODE:
		if (!strcmp(arg, "tracepoints"))
			env.mode = MODE_TRACEPOINTS;
		else if (!strcmp(arg, "fentry"))
			env.mode = MODE_FENTRY;
		else if (!strcmp(arg, "kprobe"))
			env.mode = MODE_KPROBE;
		else
			argp_error(state, "invalid mode '%s': use tracepoints, fentry or kprobe", arg);
		env.live_opt = env.live_opt ?: "--mode";
		break;
	case 'h': argp_state_help(state, stderr, ARGP_HELP_STD_HELP); break;
	case ARGP_KEY_END:
		if (env.json && env.prometheus)
			argp_error(state, "-j and --prometheus exclude each other");
		if (env.prometheus && env.interval)
			argp_error(state, "--prometheus prints one final report: for periodic "
				   "metrics use --metrics");
		if (env.reset && !env.interval)
			argp_error(state, "-R needs -i");
		/* replay reads the whole trace, with the event source it holds */
		if (env.replay && env.live_opt)
			argp_error(state, "%s is for live tracing: replay reads the whole trace and "
				   "takes the event source from it (replay honours -p, -T, -j, -v)",
				   env.live_opt);
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num == 0 && !strcmp(arg, "replay"))
			env.replay = true;
		else if (state->arg_num == 1 && env.replay)
			env.replay_path = arg;
		else
			argp_error(state, "unexpected argument '%s'", arg);
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int libbpf_print_fn(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG && !env.verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

static volatile sig_atomic_t exiting;

static void sig_handler(int sig)
{
	exiting = 1;
}

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

static bool need_root(const char *what)
{
	if (geteuid() == 0)
		return false;
	fprintf(stderr, "Failed to start %s: pinscope needs root (CAP_BPF and CAP_PERFMON) to load "
		"its BPF programs%s. Run it with sudo.\n", what,
		env.replay ? " (or replay with --engine user: the same checks, no root)" : "");
	return true;
}

/* --html: the page of the report so far (final: with the last time slice) */
static int write_html(struct report *rep, bool final)
{
	if (!env.html)
		return 0;
	if (final && rep->timeline)
		timeline_finish(rep->timeline, &rep->st, rep->timeline->t0 + rep->duration_ns);
	return report_html(env.html, rep, env.replay ? (env.replay_path ? env.replay_path : "-")
						     : NULL);
}

/* -i: the cumulative report of the previous interval */
static struct report interval_prev;

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
static int stdout_check(void)
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

static void stdout_close(void)
{
	int err = stdout_check();

	if (!err && fclose(stdout)) {
		err = -errno;
		fprintf(stderr, "Failed to close stdout: %s\n", strerror(-err));
	}
	if (err)
		_exit(PINSCOPE_EXIT_ERROR);
}

static int finish(struct report *rep)
{
	int rc = report_exit_code(rep);

	report_out(rep, rc);
	return write_html(rep, true) ? PINSCOPE_EXIT_ERROR : rc;
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
		env.metrics);
	if (serve_report(&env.listen, rep, &exiting))
		*rc = PINSCOPE_EXIT_ERROR;
}

/*
 * SIGINT/SIGTERM: reading stops, what was read is judged and reported,
 * marked "partial: interrupted at line N"; the exit code is that report's.
 */
static int cmd_replay(void)
{
	struct report rep = { .units = env.units, .viol_list = env.viol_list };
	struct viol_sink sink = { .rep = &rep, .print = env.viol_live, .json = env.json,
				  .ringbuf_size = env.ringbuf_size };
	struct replay_opts o = { .engine = env.engine, .pid = env.pid, .lean = env.lean,
				 .stop = &exiting };
	struct replay_input in;
	int rc;

	/* the user engine needs neither root nor a BPF-capable kernel */
	if (env.engine == CHECKER_BPF && (need_root("replay") || probe_bpf_features()))
		return PINSCOPE_EXIT_ERROR;
	if (replay_signals())
		return PINSCOPE_EXIT_ERROR;
	if (env.html && !(rep.timeline = timeline_new(TL_REPLAY_SLICE_NS)))
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
	rc = replay_run(&in, &o, &rep, &sink);
	if (!rc)
		rc = finish(&rep);
	if (env.metrics && rc != PINSCOPE_EXIT_ERROR)
		serve_replay(&rep, &rc);
	replay_close(&in);
	free(rep.viol);
	free(rep.vsum);
	free(rep.timeline);
	return rc;
}

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
	int err;

	while (!exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "Failed to poll the ring buffer: %s\n", strerror(-err));
			return err;
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

int main(int argc, char **argv)
{
	static const struct argp argp = { .options = opts, .parser = parse_arg, .doc = doc };
	struct loader_cfg cfg = {};
	struct pinscope_bpf *skel = NULL;
	struct ring_buffer *rb = NULL;
	struct http_server *http = NULL;
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep };
	int err, rc = PINSCOPE_EXIT_ERROR;

	atexit(stdout_close);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return PINSCOPE_EXIT_USAGE;
	/* libbpf reads the kernel BTF (megabytes) into a buffer, copies it and
	 * frees the buffer, once in probe_live() and again at load (fentry);
	 * glibc's adaptive threshold would serve the second read from the heap
	 * and keep it resident: big blocks from mmap, returned when freed */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	libbpf_set_print(libbpf_print_fn);
	if (env.replay)
		return cmd_replay();
	if (env.engine_set) {
		fprintf(stderr, "pinscope: --engine is for replay; live tracing always runs the BPF "
			"programs\n");
		return PINSCOPE_EXIT_USAGE;
	}
	rep.units = env.units;
	rep.viol_list = env.viol_list;
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
	cfg.lean = env.lean;
	cfg.want_stack = !env.no_stack;
	cfg.ringbuf_size = env.ringbuf_size;
	if (loader_open_load(&skel, &cfg))
		goto cleanup;
	mem_note("load");
	if (loader_attach(skel))
		goto cleanup;
	mem_note("attach");
	rep.mode = loader_mode_name(cfg.mode);
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
		fprintf(stderr, "Serving GET /metrics on %s\n", env.metrics);
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
	rc = finish(&rep);
cleanup:
	http_stop(http);
	ring_buffer__free(rb);
	loader_destroy(skel);
	ksyms_free();
	free(rep.viol);
	free(rep.vsum);
	free(rep.timeline);
	return rc;
}
