/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What fuzz_replay and fuzz_tracedat do with their input: the trace in
 * memfd fd, read as a regular file (/proc/self/fd/N) or, when as_pipe, as
 * stdin from offset 1 (the decoder and spool path); replay_open(),
 * replay_run(), the text and JSON reports to /dev/null.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "input/replay.h"
#include "report/report.h"

static void replay_one(int fd, bool as_pipe)
{
	static FILE *devnull;
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep };
	struct replay_opts o = {};
	struct replay_input ri;
	const char *path = "-";
	char name[32];

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	if (as_pipe) {
		if (lseek(fd, 1, SEEK_SET) != 1 || dup2(fd, 0) < 0)
			abort();
	} else {
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
		path = name;
	}
	if (!replay_open(path, &ri, NULL)) {
		if (!replay_run(&ri, &o, &rep, &sink)) {
			report_text(devnull, &rep, true);
			report_json(devnull, &rep, report_exit_code(&rep));
		}
		replay_close(&ri);
	}
	report_free(&rep);
}
