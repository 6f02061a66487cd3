/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Helpers shared by hostbench.c and guestbench.c */
#ifndef PINSCOPE_BENCHUTIL_H
#define PINSCOPE_BENCHUTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "live/procstat.h"	/* proc_status_kb() */

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

/*
 * What libbpf itself needs to read the kernel's BTF, which it does for every
 * fentry/fexit program (the attach BTF id) whatever its options: the peak
 * RSS of a fresh process that does nothing but btf__load_vmlinux_btf(), as
 * a JSON line (its VmHWM before the call is not reliable: 6.1 syncs a young
 * task's RSS counters late).
 */
static inline int btf_load_cost(void)
{
	struct stat sb = { 0 };
	struct btf *btf;
	int err;

	stat("/sys/kernel/btf/vmlinux", &sb);
	btf = btf__load_vmlinux_btf();
	err = btf ? 0 : -errno;
	printf("{\"what\": \"btf-load\", \"ok\": %d, \"error\": %d, \"btf_bytes\": %lld, "
	       "\"types\": %u, \"vmhwm_kb\": %ld}\n", !err, err,
	       (long long)sb.st_size, btf ? btf__type_cnt(btf) : 0,
	       proc_status_kb(getpid(), "VmHWM:"));
	btf__free(btf);
	return err ? 1 : 0;
}

/* a program's bpf_stats (run_cnt, run_time_ns), and one test_run of it */
struct pstat {
	__u64 cnt, ns;
};

static inline struct pstat prog_stat(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct pstat s = {};

	if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
		s.cnt = info.run_cnt;
		s.ns = info.run_time_ns;
	}
	return s;
}

static inline struct pstat pdelta(struct pstat a, struct pstat b)
{
	return (struct pstat){ b.cnt - a.cnt, b.ns - a.ns };
}

static inline int run_prog(int fd, __u64 *args, int nargs, int cpu)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = nargs * sizeof(__u64));

	if (cpu >= 0) {
		opts.flags = BPF_F_TEST_RUN_ON_CPU;
		opts.cpu = cpu;
	}
	return bpf_prog_test_run_opts(fd, &opts);
}

#endif
