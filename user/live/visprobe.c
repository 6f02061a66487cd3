// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "live/visprobe.h"
#include "report/stats.h"

/*
 * A child that execs this binary (--version, output discarded) and exits:
 * the fork pins its address space, the exec pins a new one and unpins the
 * old, the exit unpins the last.  Returns 0 once it was reaped.
 */
static int run_child(void)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/proc/self/exe", "pinscope", "--version", (char *)NULL);
		_exit(127);	/* the exit still unpins */
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int visibility_prove(int cpus_fd, struct visibility *v)
{
	struct pinscope_stats before, after, d;
	struct timespec settle = { 0, 50 * 1000000L };
	int err;

	memset(v, 0, sizeof(*v));
	err = stats_read(cpus_fd, &before);
	for (int i = 0; !err && i < 2; i++)
		err = run_child();
	/* tracepoints mode ends an operation at the cpu's next event */
	nanosleep(&settle, NULL);
	if (!err)
		err = stats_read(cpus_fd, &after);
	if (err) {
		v->why_not = "the probe child could not run";
		return err;
	}
	stats_diff(&d, &after, &before);
	v->ran = true;
	v->ops[0] = d.ops[0];
	v->ops[1] = d.ops[1];
	v->pgd_pages = d.pages[0][PINSCOPE_L_PGD] + d.pages[1][PINSCOPE_L_PGD];
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		v->rule[r] = d.unseen[r] ? VIS_NOT_SEEN : d.checked[r] ? VIS_SEEN : VIS_NOT_EXERCISED;
	return 0;
}

