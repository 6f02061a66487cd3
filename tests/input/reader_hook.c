// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A stand-in for libtracecmd's tracecmd_iterate_events(), loaded with
 * LD_PRELOAD by tests/trust.sh (issue 25.4): it misbehaves as a crafted
 * trace.dat could make the library misbehave, inside the reader process of
 * user/input/tracedat.c.  Nothing in pinscope knows of it.  READER_HOOK=
 *   wait    blocks for ever without using the CPU: writes to stderr, which the
 *           test makes a pipe nobody reads for a while (a stuck log reader or a
 *           terminal stopped with ^S); the reader keeps stderr, nothing else
 *           that could block (user/input/confine.c keep_fds())
 *   spin    loops for ever on the CPU, without a record
 *   socket  opens a socket (a call the reader never needs), then reads as usual
 * Anything else, or unset: the library's own function.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

struct tracecmd_input;
struct tep_record;
typedef int (*iter_fn)(struct tracecmd_input *, struct tep_record *, int, void *);

int tracecmd_iterate_events(struct tracecmd_input *handle, void *cpus, int cpu_size,
			    iter_fn callback, void *callback_data)
{
	int (*real)(struct tracecmd_input *, void *, int, iter_fn, void *) =
		(int (*)(struct tracecmd_input *, void *, int, iter_fn, void *))
		dlsym(RTLD_NEXT, "tracecmd_iterate_events");
	const char *h = getenv("READER_HOOK");
	volatile unsigned long n = 0;
	static char line[4096];

	if (h && !strcmp(h, "wait")) {
		memset(line, 'w', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\n';
		for (;;)	/* blocks once the pipe is full; never spins */
			if (write(STDERR_FILENO, line, sizeof(line)) < 0)
				abort();
	}
	if (h && !strcmp(h, "spin"))
		for (;;)
			n++;
	if (h && !strcmp(h, "socket"))
		socket(AF_INET, SOCK_STREAM, 0);
	return real(handle, cpus, cpu_size, callback, callback_data);
}
