/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The floor taken apart (hostbench floors on this host, guestbench floors in
 * the Xen guest): the floor programs of bench/empty.bpf.c, each test_run
 * CALLS times on cpu 0, REPS times; one JSON line per program and run.
 * Needs empty.skel.h and BPF_ENABLE_STATS held by the caller.
 */
#ifndef PINSCOPE_FLOORS_H
#define PINSCOPE_FLOORS_H

#include "benchutil.h"
#include "empty.skel.h"

static const char *const floor_progs[] = {
	"e_raw_tp", "floor_cpu", "floor_pid", "floor_ktime", "floor_lookup", "floor_raw_tp",
	"floor_comm", "floor_proc_same", "floor_proc_new", NULL
};

/* 0, or -errno of what failed (said on stderr) */
static inline int floors_run(size_t calls, int reps)
{
	struct empty_bpf *e = empty_bpf__open();
	__u64 a[4] = { 1, 2, 3, 4 };
	int err = 0;

	if (!e) {
		err = -errno;
		fprintf(stderr, "Failed to open the floor programs: %s\n", strerror(-err));
		return err;
	}
	for (int i = 0; floor_progs[i]; i++)
		bpf_program__set_autoload(bpf_object__find_program_by_name(e->obj, floor_progs[i]), true);
	err = empty_bpf__load(e);
	if (err) {
		fprintf(stderr, "Failed to load the floor programs: %s\n", strerror(-err));
		goto out;
	}
	for (int rep = 0; rep < reps; rep++) {
		for (int i = 0; floor_progs[i]; i++) {
			int fd = bpf_program__fd(bpf_object__find_program_by_name(e->obj, floor_progs[i]));
			struct pstat s0 = prog_stat(fd), s1;

			for (size_t k = 0; k < calls; k++) {
				if (run_prog(fd, a, 4, 0)) {
					err = -errno;
					fprintf(stderr, "Failed to test_run %s: %s\n", floor_progs[i],
						strerror(-err));
					goto out;
				}
			}
			s1 = pdelta(s0, prog_stat(fd));
			printf("{\"what\": \"floor\", \"rep\": %d, \"prog\": \"%s\", \"cnt\": %llu, "
			       "\"ns\": %llu}\n", rep, floor_progs[i], (unsigned long long)s1.cnt,
			       (unsigned long long)s1.ns);
		}
	}
out:
	empty_bpf__destroy(e);
	return err;
}

#endif
