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
 * tests/data, one also as version 6) carry it.
 *
 * The first byte picks how the rest, a trace.dat, is read: even, as a
 * regular file; odd, as a pipe (copied to /tmp first).  Inputs without the
 * trace.dat magic after it are fuzz_replay's.
 */
#define _GNU_SOURCE
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include "replay_one.h"

/* the library's malloc of a size read from a damaged file: NULL, as glibc's */
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char magic[] = "\x17\x08\x44tracing";
	bool as_pipe;
	int fd;

	if (size < sizeof(magic) || memcmp(data + 1, magic, sizeof(magic) - 1))
		return 0;
	as_pipe = data[0] & 1;
	fd = memfd_create("trace.dat", 0);
	/* the pipe is read from offset 1; the file is the bytes after the first */
	if (fd < 0 || write(fd, data + !as_pipe, size - !as_pipe) != (ssize_t)(size - !as_pipe))
		abort();
	replay_one(fd, as_pipe);
	close(fd);
	return 0;
}
