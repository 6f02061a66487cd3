// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer: the whole replay path on one input: open (codec and format by
 * content), look-ahead for the event source, lines, parse, checker
 * (FUZZ_CHECKER), text and JSON report to /dev/null.  The first byte picks
 * how the input is read: even, as a regular file (read in place, sought
 * back); odd, the rest as stdin at offset 1 (decoder and spool path, as a
 * pipe).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "input/replay.h"
#include "report/report.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report rep = {};
	struct viol_sink sink = { .rep = &rep };
	struct replay_opts o = {};
	struct replay_input ri;
	const char *path = "-";
	char name[32];
	int fd;

	if (!size)
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	fd = memfd_create("trace", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	if (data[0] & 1) {
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
	close(fd);
	return 0;
}
