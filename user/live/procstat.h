/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Memory figures of a process, for `pinscope -v` and the bench */
#ifndef PINSCOPE_PROCSTAT_H
#define PINSCOPE_PROCSTAT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* A "Key:" field of /proc/PID/status in kB (VmHWM, VmRSS), -1 if gone */
static inline long proc_status_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key) + 1, NULL, 10);
	fclose(f);
	return v;
}

#endif
