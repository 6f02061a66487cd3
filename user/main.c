// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pinscope: watch and check the Xen PV page table pinning algorithm.
 * parse (options.c) -> the live command (cmd_live.c: probe -> open ->
 * configure -> load -> attach -> poll -> report -> cleanup) or replay
 * (cmd_replay.c: open -> run through the checker -> report).
 * The stages of user/ and their calls: docs/design.md
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include "cmd.h"
#include "options.h"
#include "report/names.h"

static int libbpf_print_fn(enum libbpf_print_level level, const char *format, va_list args)
{
	if (level == LIBBPF_DEBUG && !env.verbose)
		return 0;
	return vfprintf(stderr, format, args);
}

int main(int argc, char **argv)
{
	atexit(stdout_close);
	if (options_parse(argc, argv))
		return PINSCOPE_EXIT_USAGE;
	/* libbpf reads the kernel BTF (megabytes) into a buffer, copies it and
	 * frees the buffer, once in probe_live() and again at load (fentry);
	 * glibc's adaptive threshold would serve the second read from the heap
	 * and keep it resident: big blocks from mmap, returned when freed */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	libbpf_set_print(libbpf_print_fn);
	return env.replay ? cmd_replay() : cmd_live();
}
