// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The options of both commands: the argp table, --help's text, each value checked */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/hooks.h"
#include "options.h"
#include "report/coverage.h"
#include "report/evidence.h"
#include "report/names.h"
#include "report/summary.h"
#include "report/units.h"
#include "report/verdict.h"
#include "version.h"

#define STR_(x) #x
#define STR(x) STR_(x)	/* a number's macro as a string, in --help */

struct env env = { .viol_list = VS_LIST_DEFAULT, .evidence_max = EVIDENCE_MAX_DEFAULT };

static void print_version(FILE *f, struct argp_state *state)
{
	fprintf(f, "pinscope %s (git %s)\n", PINSCOPE_VERSION, PINSCOPE_REVISION);
}

void (*argp_program_version_hook)(FILE *, struct argp_state *) = print_version;
error_t argp_err_exit_status = PINSCOPE_EXIT_USAGE;
/* debian/control's Maintainer address (install.mk) */
const char *argp_program_bug_address = "<" PINSCOPE_BUG_ADDRESS ">";
static const char doc[] =
"Watch and check the page table pinning of Xen PV guests.\n"
"\n"
"USAGE: pinscope [-d SECONDS] [-i SECONDS [-R]] [-p PID] [-T] [-j|--prometheus]\n"
"                [--metrics [ADDR:]PORT] [--mode MODE] [--ringbuf-size BYTES]\n"
"                [--html FILE] [-u UNIT] [--violations all|N] [--lean]\n"
"                [--require visible|exact|no-loss,...] [-v]\n"
"       pinscope replay [FILE|-] [-p PID] [-T] [-j|--prometheus] [--html FILE]\n"
"                [--engine user|bpf] [--evidence DIR [--evidence-max N]]\n"
"                [--require visible|exact|no-loss,...] [-v]\n"
"\n"
"Records split PTE lock hold times, multicall flushes and pin ordering, and\n"
"checks every rule of the pinning algorithm on every operation.\n"
"Exit status: 0 clean (at least one operation judged, no rule violated among\n"
"the rules checked: not the rules not visible or not exercised, not the input\n"
"lost; --require gates on those), 1 runtime error, 2 usage error, 3 a rule was\n"
"violated, 4 inconclusive (no pin/unpin operation judged, or --require not\n"
"met), 5 not a Xen PV guest (live tracing). The first line of a text report\n"
"after its title says what was judged (the verdict).\n"
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
"    pinscope replay t.txt --evidence ev # each violation's smallest trace, ev/index.json\n"
"    xz -dc t.xz | pinscope replay - -j -p 1234\n";

enum { OPT_MODE = 256, OPT_NO_STACK, OPT_RINGBUF_SIZE, OPT_VIOLATIONS, OPT_VIOLATIONS_LIVE,
       OPT_HTML, OPT_PROMETHEUS, OPT_METRICS, OPT_ENGINE, OPT_LIST_RULES, OPT_LIST_HOOKS,
       OPT_LEAN, OPT_EVIDENCE, OPT_EVIDENCE_MAX, OPT_REQUIRE, OPT_SUMMARY, OPT_FLIGHT_EVENTS };

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
	  "inside pin/unpin or while split locks are held, no flush latency in tracepoints mode "
	  "with xen_mmu_pgd_done (no rule or hold time changes)", 0 },
	{ "ringbuf-size", OPT_RINGBUF_SIZE, "BYTES", 0, "Size of the violation ring buffer: a power "
	  "of two >= 4096 (default 1 MiB); records it cannot hold are counted as lost", 0 },
	{ "units", 'u', "UNIT", 0, "Print times in ns, us, ms or s (default: per value)", 0 },
	{ "violations", OPT_VIOLATIONS, "all|N", 0,
	  "List all or N violations after their per-rule summary (default: 5)", 0 },
	{ "violations-live", OPT_VIOLATIONS_LIVE, NULL, 0,
	  "Also print each violation when it happens (stderr with -j)", 0 },
	{ "html", OPT_HTML, "FILE", 0,
	  "Also write the report as one self-contained HTML page (with -i: every interval)", 0 },
	{ "summary", OPT_SUMMARY, NULL, 0, "Text report of the verdict, the invariants and the "
	  "violations only, the verdict first (no histograms)", 0 },
	{ "require", OPT_REQUIRE, "WHAT", 0, "A clean verdict must also have: visible (every rule "
	  "visible), exact (every rule checked exactly), no-loss (no input lost); comma-separated; "
	  "else exit 4 (docs/verdict.md)", 0 },
	{ "evidence", OPT_EVIDENCE, "DIR", 0, "Write into DIR (new, or empty and yours) "
	  "each violation kept as the smallest trace that replays to it, and index.json "
	  "(docs/evidence.md); live: from the flight recorder, in every mode", 0 },
	{ "evidence-max", OPT_EVIDENCE_MAX, "N", 0, "With --evidence: at most N snippets per rule, "
	  "reason and stack (default 1)", 0 },
	{ "flight-events", OPT_FLIGHT_EVENTS, "N", 0, "Live, with --evidence: the flight recorder "
	  "keeps each cpu's last N events, a power of two from " STR(PINSCOPE_FLIGHT_MIN) " to "
	  STR(PINSCOPE_FLIGHT_MAX) " (default " STR(PINSCOPE_FLIGHT_DEFAULT) ")", 0 },
	{ "list-rules", OPT_LIST_RULES, NULL, 0, "Print the rules and how each source checks them", 0 },
	{ "list-hooks", OPT_LIST_HOOKS, NULL, 0, "Print the hooks: program, section, target, modes", 0 },
	{ "verbose", 'v', NULL, 0, "Print libbpf debug output and memory use at start-up", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

/* arg as a whole number in [min, max]: decimal digits only (no sign, no space, no
 * suffix), never wrapped; false if not */
static bool num_in(const char *arg, long min, long max, long *v)
{
	char *end;

	if (!arg[0] || strspn(arg, "0123456789") != strlen(arg))
		return false;
	errno = 0;
	*v = strtol(arg, &end, 10);
	return !errno && *v >= min && *v <= max;
}

/* -d, -i: seconds, their milliseconds an int (the poll timeout) */
#define SECONDS_MAX	(INT_MAX / 1000)

static long parse_seconds(const char *arg, struct argp_state *state, const char *what)
{
	long v = 0;

	if (!num_in(arg, 1, SECONDS_MAX, &v))
		argp_error(state, "invalid %s '%s': give a whole number of seconds from 1 to %d", what,
			   name_safe(arg), SECONDS_MAX);
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	long v = 0;

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
		if (!num_in(arg, 1, INT_MAX, &v))
			argp_error(state, "invalid PID '%s': give a number from 1 to %d", name_safe(arg),
				   INT_MAX);
		env.pid = v;
		break;
	case 'T': env.timestamp = true; break;
	case 'j': env.json = true; break;
	case 'R': env.reset = true; break;
	case OPT_PROMETHEUS: env.prometheus = true; break;
	case OPT_METRICS: {
		char err[128];

		if (http_parse_listen(arg, &env.listen, err, sizeof(err)))
			argp_error(state, "invalid --metrics '%s': %s", name_safe(arg),
				   name_safe(err));
		env.metrics = arg;
		break;
	}
	case 'v': env.verbose = true; break;
	case OPT_NO_STACK: env.no_stack = true; break;
	case OPT_LEAN: env.lean = PINSCOPE_LEAN_ALL; break;
	case OPT_RINGBUF_SIZE:
		if (!num_in(arg, 4096, 1L << 30, &v) || (v & (v - 1)))
			argp_error(state, "invalid ring buffer size '%s': give a power of two from "
				   "4096 to 1073741824 bytes", name_safe(arg));
		env.ringbuf_size = v;
		break;
	case OPT_VIOLATIONS_LIVE: env.viol_live = true; break;
	case OPT_HTML: env.html = arg; break;
	case OPT_SUMMARY: env.summary = true; break;
	case OPT_REQUIRE:
		if (verdict_require_parse(arg) < 0)
			argp_error(state, "invalid --require '%s': give visible, exact or no-loss, "
				   "comma-separated", name_safe(arg));
		env.require |= verdict_require_parse(arg);
		break;
	case OPT_EVIDENCE: env.evidence = arg; break;
	case OPT_FLIGHT_EVENTS:
		if (!num_in(arg, PINSCOPE_FLIGHT_MIN, PINSCOPE_FLIGHT_MAX, &v) || (v & (v - 1)))
			argp_error(state, "invalid --flight-events '%s': give a power of two from %d "
				   "to %d", name_safe(arg), PINSCOPE_FLIGHT_MIN, PINSCOPE_FLIGHT_MAX);
		env.flight_events = v;
		env.live_opt = env.live_opt ?: "--flight-events";
		break;
	case OPT_EVIDENCE_MAX:
		if (!num_in(arg, 1, EVIDENCE_MAX_LIMIT, &v))
			argp_error(state, "invalid --evidence-max '%s': give a number from 1 to %d",
				   name_safe(arg), EVIDENCE_MAX_LIMIT);
		env.evidence_max = v;
		env.evidence_max_set = true;
		break;
	case OPT_VIOLATIONS:
		if (!strcmp(arg, "all"))
			env.viol_list = VS_LIST_ALL;
		else if (!num_in(arg, 0, INT_MAX, &v))
			argp_error(state, "invalid --violations '%s': give all or a number from 0 to %d",
				   name_safe(arg), INT_MAX);
		else
			env.viol_list = v;
		break;
	case 'u':
		env.units = unit_parse(arg);
		if (env.units < 0)
			argp_error(state, "invalid unit '%s': use ns, us, ms or s", name_safe(arg));
		break;
	case OPT_LIST_RULES: rules_list(stdout); exit(PINSCOPE_EXIT_OK);
	case OPT_LIST_HOOKS: hooks_list(stdout); exit(PINSCOPE_EXIT_OK);
	case OPT_ENGINE:
		if (checker_engine_parse(arg) < 0)
			argp_error(state, "invalid engine '%s': use user or bpf", name_safe(arg));
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
			argp_error(state, "invalid mode '%s': use tracepoints, fentry or kprobe",
				   name_safe(arg));
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
		if (env.summary && (env.json || env.prometheus))
			argp_error(state, "--summary is a form of the text report: not with -j or "
				   "--prometheus");
		if (env.evidence_max_set && !env.evidence)
			argp_error(state, "--evidence-max needs --evidence DIR");
		if (env.flight_events && !env.evidence)
			argp_error(state, "--flight-events needs --evidence DIR");
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
			argp_error(state, "unexpected argument '%s'", name_safe(arg));
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The option of the table named by the ASCII prefix name[0..len) (getopt takes
 * abbreviations), or of short key c when name is NULL; NULL if none */
static const struct argp_option *opt_find(const char *name, size_t len, int c)
{
	for (const struct argp_option *o = opts; o->name || o->key; o++)
		if (name ? o->name && !strncmp(o->name, name, len) : o->key == c)
			return o;
	return NULL;
}

/*
 * getopt prints an unknown option as it is ("unrecognized option '--X'"): one
 * with a byte that str_safe() would escape (a terminal escape, invalid UTF-8)
 * is said here, escaped, before argp sees it.  The words that are an option's
 * value are skipped: a file name may hold any byte (its messages escape it).
 */
static int options_unknown(int argc, char **argv)
{
	static const char try_help[] = "Try `pinscope --help' or `pinscope --usage' for more "
				       "information.\n";

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *w = argv[i];
		const struct argp_option *o;

		if (w[0] != '-' || !w[1])
			continue;
		if (w[1] == '-') {
			size_t len = strcspn(w + 2, "=");

			o = len ? opt_find(w + 2, len, 0) : NULL;
			if (!o && strcmp(name_safe(w), w)) {
				fprintf(stderr, "pinscope: unrecognized option '%s'\n%s", name_safe(w),
					try_help);
				return EINVAL;
			}
			i += o && o->arg && !w[2 + len];	/* its value is the next word */
			continue;
		}
		for (const char *c = w + 1; *c; c++) {
			char one[2] = { *c };

			o = opt_find(NULL, 0, (unsigned char)*c);
			if (!o && strcmp(name_safe(one), one)) {
				fprintf(stderr, "pinscope: invalid option -- '%s'\n%s", name_safe(one),
					try_help);
				return EINVAL;
			}
			if (!o || o->arg) {
				i += o && !c[1];	/* -d 5: the next word is the value */
				break;
			}
		}
	}
	return 0;
}

int options_parse(int argc, char **argv)
{
	static const struct argp argp = { .options = opts, .parser = parse_arg, .doc = doc };

	return options_unknown(argc, argv) ?: argp_parse(&argp, argc, argv, 0, NULL, NULL);
}
