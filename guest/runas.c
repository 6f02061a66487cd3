// SPDX-License-Identifier: GPL-2.0
/*
 * guest/runas.c - run a command as an unprivileged user (the guest test runs
 * pinscope this way and expects it to refuse with exit 1).
 *
 * Build: cc -static -O2 -o runas guest/runas.c
 * Usage: runas UID[:GID] CMD [ARGS...]   (GID defaults to UID)
 * Drops supplementary groups, then setgid/setuid, checks that root cannot be
 * regained, and execs CMD.  Exit 126 if it cannot drop, 127 if exec fails,
 * 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	unsigned long uid, gid;

	if (argc < 3) {
		fprintf(stderr, "usage: %s UID[:GID] CMD [ARGS...]\n", argv[0]);
		return 2;
	}
	uid = strtoul(argv[1], &end, 10);
	gid = uid;
	if (*end == ':')
		gid = strtoul(end + 1, &end, 10);
	if (*end || end == argv[1]) {
		fprintf(stderr, "runas: bad UID[:GID] '%s'\n", argv[1]);
		return 2;
	}
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		fprintf(stderr, "runas: Failed to drop to %lu:%lu: %s\n", uid, gid,
			strerror(errno));
		return 126;
	}
	if (uid != 0 && setuid(0) == 0) {
		fprintf(stderr, "runas: Failed to drop root: setuid(0) still works\n");
		return 126;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "runas: Failed to run %s: %s\n", argv[2], strerror(errno));
	return 127;
}
