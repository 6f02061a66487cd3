/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The trace.dat reader's confinement (docs/security.md, "The trace.dat
 * reader's seccomp filter"), in the order the reader takes it.
 */
#ifndef PINSCOPE_CONFINE_H
#define PINSCOPE_CONFINE_H

#include <linux/types.h>
#include <sys/resource.h>

/* The reader's CPU time: CONFINE_CPU_S, and 1 s more per MiB of the file */
#define CONFINE_CPU_S		10
/* The reader's exit when its seccomp filter caught a system call */
#define CONFINE_EXIT_SYSCALL	5

/*
 * As root: become nobody, without capabilities, and never gain any
 * (no_new_privs), so that what a crafted file could make of the library's
 * memory errors is not root's.  Root without CAP_SETUID/CAP_SETGID (a
 * confined service) keeps its user.  0 or -errno
 */
int confine_drop_root(void);
/* The CPU time limit of a reader of fd (soft; SIGKILL a second later):
 * CONFINE_CPU_S and 1 s per MiB, or a lower limit this process already has */
struct rlimit confine_cpu_limit(int fd);
/* That limit set, and no core file; 0 or -errno */
int confine_cpu(struct rlimit cpu);
/*
 * Before the library reads the file: only stderr (also as stdout, so that the
 * library's messages never reach the report), the file and the pipe are kept
 * open; a seccomp filter then allows reading, memory (never executable),
 * writing to those, stdio's fstat and fcntl(F_GETFL), abort() and the end;
 * calls on file names (readlink, open, unlink) fail as with no file system;
 * any other is not made: *syscall_nr gets its number and the reader exits
 * CONFINE_EXIT_SYSCALL.  0 or -errno
 */
int confine_filter(int file, int out, volatile __s32 *syscall_nr);
/* The reader's end: exit_group itself, not exit() (the parent's stdio buffers
 * and atexit() are its own) nor _exit() (a sanitizer's hook there, in the fuzz
 * build, would make calls the filter does not allow) */
void __attribute__((noreturn)) confine_exit(int code);
/* The name of system call nr (free() it), NULL if unknown */
char *confine_syscall_name(int nr);

#endif
