/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers shared by hostbench.c and guestbench.c */
#ifndef PINSCOPE_BENCHUTIL_H
#define PINSCOPE_BENCHUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "procstat.h"	/* proc_status_kb() */

/* memlock of a BPF map or program fd, from /proc/self/fdinfo; -1 if unknown */
static inline long long fd_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "memlock:", 8))
			v = strtoll(line + 8, NULL, 10);
	fclose(f);
	return v;
}

#endif
