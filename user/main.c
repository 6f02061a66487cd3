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
#include "ksyms.h"
#include "loader.h"
#include "names.h"
#include "pinscope.skel.h"
#include "probe.h"
#include "procstat.h"
#include "replay.h"
#include "report.h"
#include "violations.h"

static struct env {
	long duration;		/* seconds, 0 = until ^C */
	long interval;		/* seconds, 0 = final report only */
	__u32 pid;
	bool timestamp;
	bool verbose;
	bool json;
	bool no_stack;
	enum pinscope_mode mode;
	bool replay;
	const char *replay_path;
	const char *live_opt;	/* the first live-only option given, for replay's refusal */
} env;

const char *argp_program_version = "pinscope 0.1";
error_t argp_err_exit_status = PINSCOPE_EXIT_USAGE;
const char *argp_program_bug_address = "<pinscope@localhost>";
static const char doc[] =
"Watch and check the page table pinning of Xen PV guests.\n"
"\n"
"USAGE: pinscope [-d SECONDS] [-i SECONDS] [-p PID] [-T] [-j] [--mode MODE] [-v]\n"
"       pinscope replay [FILE|-] [-p PID] [-T] [-j] [-v]\n"
"\n"
"Records split PTE lock hold times, multicall flushes and pin ordering, and\n"
"checks every rule of the pinning algorithm on every operation.\n"
"Exit status: 0 clean, 1 runtime error, 2 usage error, 3 a rule was violated.\n"
"\n"
"EXAMPLES:\n"
"    pinscope                  # attach (mode probed), report on Ctrl-C\n"
"    pinscope -d 10 -j         # 10 seconds, JSON report (docs/json.md)\n"
"    pinscope -i 5 -T          # a report every 5 seconds, with time\n"
"    pinscope -p 1234          # only operations of process 1234\n"
"    pinscope --mode fentry    # force fentry/fexit hooks\n"
"    pinscope replay trace.dat # check a recorded trace (docs/input.md):\n"
"                              # trace.dat, tracefs or trace-cmd report text,\n"
"                              # .xz/.gz, a file, a pipe or - (stdin)\n"
"    xz -dc t.xz | pinscope replay - -j -p 1234\n";

enum { OPT_MODE = 256, OPT_NO_STACK };

static const struct argp_option opts[] = {
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: until Ctrl-C)", 0 },
	{ "interval", 'i', "SECONDS", 0, "Print a cumulative report every SECONDS", 0 },
	{ "pid", 'p', "PID", 0, "Only pin/unpin operations of this process", 0 },
	{ "timestamp", 'T', NULL, 0, "Print a timestamp with each report", 0 },
	{ "json", 'j', NULL, 0, "Print the report as JSON (docs/json.md)", 0 },
	{ "mode", OPT_MODE, "MODE", 0, "tracepoints, fentry or kprobe (default: probed)", 0 },
	{ "no-stack", OPT_NO_STACK, NULL, 0, "Do not record kernel stacks of violations", 0 },
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
	case 'v': env.verbose = true; break;
	case OPT_NO_STACK: env.no_stack = true; break;
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
	case ARGP_KEY_ARG:
		if (state->arg_num == 0 && !strcmp(arg, "replay"))
			env.replay = true;
		else if (state->arg_num == 1 && env.replay)
			env.replay_path = arg;
		else
			argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		/* replay reads the whole trace, with the event source it holds */
		if (env.replay && env.live_opt)
			argp_error(state, "%s is for live tracing: replay reads the whole trace and "
				   "takes the event source from it (replay honours -p, -T, -j, -v)",
				   env.live_opt);
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
		env.replay ? " (replay runs the same checks in BPF)" : "");
	return true;
}

static int finish(struct report *rep)
{
	int rc = report_exit_code(rep);

	if (env.json)
		report_json(stdout, rep, rc);
	else
		report_text(stdout, rep, env.timestamp);
	return rc;
}

/*
 * SIGINT/SIGTERM: reading stops, what was read is judged and reported,
 * marked "partial: interrupted at line N"; the exit code is that report's.
 */
static int cmd_replay(void)
{
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep, .print = !env.json };
	struct replay_opts o = { .pid = env.pid, .stop = &exiting };
	struct replay_input in;
	int rc;

	if (need_root("replay"))
		return PINSCOPE_EXIT_ERROR;
	if (probe_bpf_features() || replay_signals())
		return PINSCOPE_EXIT_ERROR;
	rc = replay_open(env.replay_path, &in, &exiting);
	if (rc == -EINTR && exiting) {
		fprintf(stderr, "pinscope: interrupted before the trace was read: nothing judged\n");
		return PINSCOPE_EXIT_INCONCLUSIVE;
	}
	if (rc)
		return PINSCOPE_EXIT_ERROR;
	rc = replay_run(&in, &o, &rep, &sink);
	if (!rc)
		rc = finish(&rep);
	replay_close(&in);
	free(rep.viol);
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
	int n, err = stats_read(bpf_map__fd(skel->maps.stats), &rep->st);

	n = err ? err : stats_top_procs(bpf_map__fd(skel->maps.procs), rep->top, TOP_PROCS);
	if (n < 0) {
		fprintf(stderr, "Failed to read BPF maps: %s\n", strerror(-n));
		return n;
	}
	rep->nr_top = n;
	return 0;
}

static int poll_loop(struct pinscope_bpf *skel, struct ring_buffer *rb, struct report *rep)
{
	__u64 start = now_ns(), next = start + env.interval * 1000000000ULL, t;
	int err;

	while (!exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "Failed to poll the ring buffer: %s\n", strerror(-err));
			return err;
		}
		t = now_ns();
		rep->duration_ns = t - start;
		if (env.duration && t - start >= env.duration * 1000000000ULL)
			break;
		if (env.interval && t >= next) {
			next += env.interval * 1000000000ULL;
			if (read_report(skel, rep))
				return -EIO;
			if (env.json)
				report_json(stdout, rep, report_exit_code(rep));
			else
				report_text(stdout, rep, env.timestamp);
			fflush(stdout);
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
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep };
	int err, rc = PINSCOPE_EXIT_ERROR;

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

	if (need_root("live tracing"))
		return PINSCOPE_EXIT_ERROR;
	if (probe_bpf_features() || probe_live(env.mode, &cfg, env.json))
		return PINSCOPE_EXIT_ERROR;
	mem_note("probe");
	cfg.targ_tgid = env.pid;
	cfg.want_stack = !env.no_stack;
	if (loader_open_load(&skel, &cfg))
		goto cleanup;
	mem_note("load");
	if (loader_attach(skel))
		goto cleanup;
	mem_note("attach");
	rep.mode = loader_mode_name(cfg.mode);
	rep.caps = cfg.caps;
	sink.print = !env.json;
	sink.print_stack = !env.no_stack;
	rb = violations_open(bpf_map__fd(skel->maps.violations), &sink);
	if (!rb)
		goto cleanup;
	if (signal(SIGINT, sig_handler) == SIG_ERR || signal(SIGTERM, sig_handler) == SIG_ERR) {
		fprintf(stderr, "Failed to set signal handlers: %s\n", strerror(errno));
		goto cleanup;
	}
	if (!env.json)
		fprintf(stderr, "Tracing the Xen PV pinning path%s... Hit Ctrl-C to end.\n",
			env.pid ? " of one process" : "");
	if (poll_loop(skel, rb, &rep))
		goto cleanup;
	ring_buffer__consume(rb);
	if (read_report(skel, &rep))
		goto cleanup;
	rc = finish(&rep);
cleanup:
	ring_buffer__free(rb);
	loader_destroy(skel);
	ksyms_free();
	free(rep.viol);
	return rc;
}
