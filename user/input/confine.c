// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The trace.dat reader's confinement (tracedat.c; docs/security.md): what a
 * crafted file could make libtracecmd do is not root's, ends, and is no more
 * than reading the file and writing the pipe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <seccomp.h>
#include "input/confine.h"

int confine_drop_root(void)
{
	static const gid_t nogroup = 65534;
	static const uid_t nobody = 65534;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    (!geteuid() && (setgroups(1, &nogroup) || setresgid(nogroup, nogroup, nogroup) ||
			    setresuid(nobody, nobody, nobody)) && errno != EPERM))
		return -errno;
	return 0;
}

struct rlimit confine_cpu_limit(int fd)
{
	struct stat st;
	struct rlimit have, r;
	__u64 s = CONFINE_CPU_S;

	if (!fstat(fd, &st) && st.st_size > 0)
		s += (__u64)st.st_size >> 20;
	r = (struct rlimit){ .rlim_cur = s, .rlim_max = s + 1 };
	if (!getrlimit(RLIMIT_CPU, &have)) {
		if (have.rlim_max != RLIM_INFINITY && have.rlim_max < r.rlim_max)
			r.rlim_max = have.rlim_max;
		if (have.rlim_cur != RLIM_INFINITY && have.rlim_cur < r.rlim_cur)
			r.rlim_cur = have.rlim_cur;
		if (r.rlim_cur > r.rlim_max)
			r.rlim_cur = r.rlim_max;
	}
	return r;
}

int confine_cpu(struct rlimit cpu)
{
	static const struct rlimit no_core = { 0, 0 };

	return setrlimit(RLIMIT_CPU, &cpu) || setrlimit(RLIMIT_CORE, &no_core) ? -errno : 0;
}

void confine_exit(int code)
{
	syscall(SYS_exit_group, code);
	__builtin_unreachable();
}

/* SIGSYS of the seccomp filter (SCMP_ACT_TRAP, the call not made): which call, to the parent */
static volatile __s32 *sigsys_nr;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	*sigsys_nr = si->si_syscall;
	confine_exit(CONFINE_EXIT_SYSCALL);
}

/*
 * The descriptors, before the filter: stderr (also as stdout), the
 * file and the pipe, and their duplicates; any other pinscope had is closed
 */
static void keep_fds(int file, int out)
{
	int keep[] = { STDOUT_FILENO, STDERR_FILENO, file, out }, n = 4, from = 0;

	for (int i = 0; i < n; i++)		/* sorted */
		for (int j = i + 1; j < n; j++)
			if (keep[j] < keep[i]) {
				int t = keep[i];

				keep[i] = keep[j];
				keep[j] = t;
			}
	for (int i = 0; i < n; i++) {
		if (keep[i] > from)
			close_range(from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}

/* docs/security.md says why each call is there */
int confine_filter(int file, int out, volatile __s32 *syscall_nr)
{
	static const int calls[] = {
		SCMP_SYS(read), SCMP_SYS(pread64), SCMP_SYS(readv), SCMP_SYS(lseek),
		SCMP_SYS(write), SCMP_SYS(writev),		/* its descriptors: keep_fds() */
		SCMP_SYS(dup), SCMP_SYS(close),			/* the file, opened again */
		SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
		SCMP_SYS(fstat),				/* stdio */
		SCMP_SYS(sysinfo),				/* glibc's qsort() */
		SCMP_SYS(rt_sigprocmask), SCMP_SYS(getpid), SCMP_SYS(gettid), /* abort() */
		SCMP_SYS(rt_sigreturn), SCMP_SYS(exit), SCMP_SYS(exit_group),
		SCMP_SYS(sigaltstack),		/* the sanitizers' signal handling (fuzz build) */
	};
	static const int no_fs[] = {
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	};
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	scmp_filter_ctx f;
	int err = -ENOMEM;

	sigsys_nr = syscall_nr;
	/* the library's messages (stdio) must not reach the report on stdout */
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0 || sigaction(SIGSYS, &sa, NULL)) {
		err = -errno;
		goto out;
	}
	keep_fds(file, out);
	f = seccomp_init(SCMP_ACT_TRAP);
	if (!f)
		goto out;
	err = 0;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]) && !err; i++)
		err = seccomp_rule_add(f, SCMP_ACT_ALLOW, calls[i], 0);
	err = err ?:
	      seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1, SCMP_A1(SCMP_CMP_EQ, F_GETFL)) ?:
	      seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1, SCMP_A1(SCMP_CMP_EQ, F_GETFD)) ?:
	      seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
			       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)) ?:
	      seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 2,
			       SCMP_A0(SCMP_CMP_EQ, getpid()), SCMP_A1(SCMP_CMP_EQ, gettid())) ?:
	      seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
			       SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH)) ?:
	      seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOENT), SCMP_SYS(readlink), 0);
	for (size_t i = 0; i < sizeof(no_fs) / sizeof(no_fs[0]) && !err; i++)
		err = seccomp_rule_add(f, SCMP_ACT_ERRNO(EACCES), no_fs[i], 0);
	err = err ?: seccomp_load(f);
	seccomp_release(f);
out:
	return err;
}

char *confine_syscall_name(int nr)
{
	return seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
}
