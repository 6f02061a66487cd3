// SPDX-License-Identifier: GPL-2.0
/*
 * guest/bset.c - run a command as root with only some capabilities, the way
 * systemd runs pinscope.service (CapabilityBoundingSet=, NoNewPrivileges=):
 * every other capability leaves the bounding set, so the exec'd command's
 * permitted and effective sets are at most CAPS.
 *
 * Build: cc -static -O2 -o bset guest/bset.c
 * Usage: bset "CAP_A CAP_B ..." CMD [ARGS...]
 * Exit 2 on usage errors (an unknown name), 126 if it cannot drop, 127 if
 * exec fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

/* the capabilities a unit of ours may name (linux/capability.h) */
static const struct { const char *name; int nr; } caps[] = {
	{ "CAP_DAC_OVERRIDE", 1 }, { "CAP_NET_BIND_SERVICE", 10 }, { "CAP_NET_ADMIN", 12 },
	{ "CAP_IPC_LOCK", 14 }, { "CAP_SYS_PTRACE", 19 }, { "CAP_SYS_ADMIN", 21 },
	{ "CAP_SYS_RESOURCE", 24 }, { "CAP_SYSLOG", 34 }, { "CAP_PERFMON", 38 },
	{ "CAP_BPF", 39 },
};

int main(int argc, char **argv)
{
	unsigned long long keep = 0;
	char *list, *tok;
	int last = 40;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: %s \"CAP_A CAP_B ...\" CMD [ARGS...]\n", argv[0]);
		return 2;
	}
	list = strdup(argv[1]);
	for (tok = strtok(list, " ,"); tok; tok = strtok(NULL, " ,")) {
		size_t i;

		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
			if (!strcmp(caps[i].name, tok))
				break;
		if (i == sizeof(caps) / sizeof(caps[0])) {
			fprintf(stderr, "bset: unknown capability '%s'\n", tok);
			return 2;
		}
		keep |= 1ULL << caps[i].nr;
	}
	f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = 40;
		fclose(f);
	}
	for (int c = 0; c <= last; c++) {
		if ((keep >> c) & 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			fprintf(stderr, "bset: Failed to drop capability %d: %s\n", c, strerror(errno));
			return 126;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		fprintf(stderr, "bset: Failed to set no_new_privs: %s\n", strerror(errno));
		return 126;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "bset: Failed to run %s: %s\n", argv[2], strerror(errno));
	return 127;
}
