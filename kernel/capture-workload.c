// SPDX-License-Identifier: GPL-2.0
/*
 * kernel/capture-workload.c - the small fork/exec workload run by
 * kernel/capture.sh in the patched guest while the xen events are traced.
 *
 * Build: cc -static -O2 -o capture-workload kernel/capture-workload.c
 *
 *   capture-workload forks N      N times: fork, the child execs
 *                                 "/bin/busybox true", the parent waits.
 *                                 Each round pins the child's copy of this
 *                                 mm (fork) and the new mm (exec), and
 *                                 unpins both.
 *   capture-workload big MIB N    map MIB MiB of anonymous memory, touch one
 *                                 byte per 2 MiB (so the mm has MIB/2 PTE
 *                                 pages), then do "forks N": each child's
 *                                 pin walks all those PTE pages, more than
 *                                 a multicall batch holds.
 *
 * Exit codes: 0 ok, 1 runtime error, 2 usage error.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int forks(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			execl("/bin/busybox", "busybox", "true", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "child %d failed\n", (int)pid);
			return 1;
		}
	}
	return 0;
}

static int big(long mib, long n)
{
	size_t len = (size_t)mib << 20, off;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(p, len, MADV_NOHUGEPAGE);
	for (off = 0; off < len; off += 2UL << 20)
		p[off] = 1;
	if (forks(n))
		return 1;
	return munmap(p, len) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "forks"))
		return forks(atol(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "big"))
		return big(atol(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: %s forks N | big MIB N\n", argv[0]);
	return 2;
}
