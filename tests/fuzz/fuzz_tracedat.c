// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: a trace.dat through the path pinscope uses (issue 25.4):
 * replay_open() starts the reader child (user/input/tracedat.c), which parses
 * with libtracecmd/libtraceevent and streams events; this process decodes
 * them, runs the checker and writes the text and JSON reports to /dev/null.
 *
 * The library is not instrumented and crashes on damaged files: in the
 * child, where its crash is the "damaged" error (exit 1), as in pinscope.
 * What is fuzzed is that nothing the child does (crash, garbage, early
 * end) crashes, leaks in or hangs this process, and this process's code on
 * every message.  The child's findings are not failures here: its code
 * (to_event, a few bounds-checked field reads) runs beside the library, and
 * an ASan report of the child cannot tell whose bug it is (the library's
 * malloc of a size read from the file, its memcpy through the interceptors).
 * The child's exit, 1 or a signal, is the "damaged" error, as in pinscope.
 * Coverage of the child does not reach libFuzzer (another process): the
 * seeds (tests/fuzz/seed.sh: the first 300 events of each trace.dat of
 * tests/data, one also as version 6) carry it.  Inputs without the
 * trace.dat magic are fuzz_replay's.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "input/replay.h"
#include "report/report.h"

static FILE *devnull;

/* the library's malloc of a size read from a damaged file: NULL, as glibc's */
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = "\x17\x08\x44tracing";
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep };
	struct replay_opts o = {};
	struct replay_input ri;
	char path[32];
	int fd;

	if (size < sizeof(magic) - 1 || memcmp(data, magic, sizeof(magic) - 1))
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	fd = memfd_create("trace.dat", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!replay_open(path, &ri, NULL)) {
		if (!replay_run(&ri, &o, &rep, &sink)) {
			report_text(devnull, &rep, true);
			report_json(devnull, &rep, report_exit_code(&rep));
		}
		replay_close(&ri);
	}
	free(rep.viol);
	free(rep.vsum);
	close(fd);
	return 0;
}
