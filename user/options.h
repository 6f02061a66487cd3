/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The command line: the options of both commands, parsed and checked together */
#ifndef PINSCOPE_OPTIONS_H
#define PINSCOPE_OPTIONS_H

#include <stdbool.h>
#include <linux/types.h>
#include "engine/checker.h"
#include "engine/loader.h"
#include "http/http.h"

struct env {
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
	__u32 require;		/* --require: enum verdict_require */
	bool summary;		/* --summary */
	const char *evidence;	/* --evidence DIR */
	__u32 flight_events;	/* --flight-events: flight recorder slots per cpu, 0: default */
	int evidence_max;	/* --evidence-max: snippets per rule, reason and stack */
	bool evidence_max_set;
	const char *live_opt;	/* the first live-only option given, for replay's refusal */
};

extern struct env env;

/* argp over argv into env: 0, or argp's error (its message printed);
 * --help, --version, --list-rules and --list-hooks print and exit */
int options_parse(int argc, char **argv);

#endif
