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
#include <sys/mman.h>
#include "replay_one.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd;

	if (!size)
		return 0;
	fd = memfd_create("trace", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	replay_one(fd, data[0] & 1);
	close(fd);
	return 0;
}
