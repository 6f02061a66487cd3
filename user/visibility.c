// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "names.h"
#include "stats.h"
#include "visibility.h"

/* Rules judged once per operation: every pin or unpin must show their steps */
static bool per_op(int r)
{
	static const bool op[PINSCOPE_NR_RULES] = {
#define RULE_SCOPE(id, name, scope, exact, approx) [PINSCOPE_R_##id] = !__builtin_strcmp(#scope, "OP"),
		PINSCOPE_RULES(RULE_SCOPE)
#undef RULE_SCOPE
	};
	return op[r];
}

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

const char *vis_state_name(enum vis_state s)
{
	return s == VIS_SEEN ? "seen" : s == VIS_NOT_SEEN ? "not seen" : "not exercised";
}

void visibility_print(FILE *f, const struct visibility *v)
{
	__u64 ops = v->ops[0] + v->ops[1];

	if (!v->ran) {
		fprintf(f, "pinscope: visibility not proven on this kernel: %s\n",
			v->why_not ? v->why_not : "no probe");
		return;
	}
	fprintf(f, "pinscope: visibility on this kernel (a probe child: %llu pins, %llu unpins):",
		(unsigned long long)v->ops[0], (unsigned long long)v->ops[1]);
	for (int s = VIS_SEEN; s >= VIS_NOT_EXERCISED; s = s == VIS_SEEN ? VIS_NOT_SEEN :
	     s == VIS_NOT_SEEN ? VIS_NOT_EXERCISED : -1) {
		const char *sep = " ";

		fprintf(f, "%s%s:", s == VIS_SEEN ? " " : "; ", vis_state_name(s));
		for (int r = 0; r < PINSCOPE_NR_RULES; r++)
			if (v->rule[r] == s) {
				fprintf(f, "%s%s", sep, rule_name(r));
				sep = ", ";
			}
		if (!strcmp(sep, " "))
			fprintf(f, " none");
	}
	fprintf(f, "; PGD pages %llu %s 2 x operations%s\n", (unsigned long long)v->pgd_pages,
		v->pgd_pages == 2 * ops ? "=" : "!=",
		v->pgd_pages == 2 * ops ? "" : " (a pgd or user pgd not seen)");
	if (v->violations)
		fprintf(f, "pinscope: the probe's window had %llu violation records: the kernel breaks "
			"a rule (they are not in the report, which starts after the probe)\n",
			(unsigned long long)v->violations);
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		if (per_op(r) && ops && v->rule[r] == VIS_NOT_EXERCISED)
			fprintf(f, "pinscope: %s had no operation to judge in the probe\n", rule_name(r));
}
