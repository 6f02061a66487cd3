// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A stand-in for libtracecmd's tracecmd_iterate_events(), loaded with
 * LD_PRELOAD by tests/trust.sh (issue 25.4): it misbehaves as a crafted
 * trace.dat could make the library misbehave, inside the reader process of
 * user/input/tracedat.c.  Nothing in pinscope knows of it.  READER_HOOK=
 *   wait    blocks for ever without using the CPU (a read of a pipe nobody writes)
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

static int never[2] = { -1, -1 };

/* before the reader's seccomp filter: the pipe it will wait on */
__attribute__((constructor)) static void hook_init(void)
{
	const char *h = getenv("READER_HOOK");

	if (h && !strcmp(h, "wait") && pipe(never))
		abort();
}

int tracecmd_iterate_events(struct tracecmd_input *handle, void *cpus, int cpu_size,
			    iter_fn callback, void *callback_data)
{
	int (*real)(struct tracecmd_input *, void *, int, iter_fn, void *) =
		(int (*)(struct tracecmd_input *, void *, int, iter_fn, void *))
		dlsym(RTLD_NEXT, "tracecmd_iterate_events");
	const char *h = getenv("READER_HOOK");
	volatile unsigned long n = 0;
	char c;

	if (h && !strcmp(h, "wait"))
		while (read(never[0], &c, 1) != 1)
			;
	if (h && !strcmp(h, "spin"))
		for (;;)
			n++;
	if (h && !strcmp(h, "socket"))
		socket(AF_INET, SOCK_STREAM, 0);
	return real(handle, cpus, cpu_size, callback, callback_data);
}
