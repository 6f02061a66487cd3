// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench/guestbench.c - the guest half of `make bench` (guest/init/bench.sh),
 * a static binary.  One invocation is one measured run: start a tracer (if
 * any) and wait until it is attached, run the workload loops for a fixed
 * time each, optionally attach the empty programs beside the tracer and read
 * every BPF program's run_time_ns / run_cnt, then stop the tracer.  Results
 * are JSON objects, one per line, on stdout.
 *
 * Usage: guestbench run [OPTIONS] [-- TRACER ARGS...]
 *   -n NAME        configuration name (none, pinscope, ftrace, bpftrace, ...)
 *   -s SECONDS     time per loop (default 3)
 *   -l LOOPS       comma list of loops: fork, mmap (default fork,mmap)
 *   -L FILE        the tracer's stdout+stderr (default /tmp/tracer.log)
 *   -p PATTERN     the tracer is attached once FILE holds PATTERN
 *   -t SECONDS     give up waiting for PATTERN after SECONDS (default 120)
 *   -e MODE        once the tracer is attached, attach the empty programs of
 *                  bench/empty.bpf.c for MODE (fentry: the hooks of
 *                  pinscope's fentry mode; tracepoints: its raw_tp hooks and
 *                  fexit/xen_mc_flush; tracepoints-lean: as --lean loads
 *                  them, without fexit/xen_mc_flush)
 *   -S             bpf_stats on (BPF_ENABLE_STATS) for the run, then print
 *                  every program's stats and the maps of the tracer's programs
 *   -c CPU         run the loops (and their children) on this cpu only
 *   -w ARGS        after the loops, run /bin/workload ARGS (space separated)
 *   -A             keep ASLR (by default the run re-executes itself with
 *                  ADDR_NO_RANDOMIZE: one address-space layout every run)
 *        guestbench btf        peak RSS of libbpf's btf__load_vmlinux_btf() alone
 *        guestbench floors [-e CALLS] [-r REPS]
 *                              the floor programs test_run in this kernel
 *                              (bench/floors.h): what the clock, the cpu, the
 *                              pid, a lookup cost here next to an empty program
 *        guestbench true       exit 0 (what the fork loop execs)
 *
 * Loops (single driver, counted for SECONDS of CLOCK_MONOTONIC; the workload
 * runs after them, on every cpu):
 *   fork  fork + exec of this binary in "true" mode + exit + wait: every
 *         round pins and unpins two mms (fork's copy, exec's new mm)
 *   mmap  mmap 4 MiB anonymous (no THP), write every page, munmap: 1024 page
 *         faults, and 2 PTE pages allocated, pinned (PIN_L1_TABLE) and
 *         unpinned per round, all through multicall batches and flushes
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "benchutil.h"
#include "pinscope.h"
#include "empty.skel.h"
#include "floors.h"

#define MMAP_BYTES (4UL << 20)

static const char *self_exe = "/proc/self/exe";

/* whether this process (and so its children) has ASLR off */
static int fixed_layout(void)
{
	int p = personality(0xffffffff);

	return p != -1 && (p & ADDR_NO_RANDOMIZE);
}

/* progress on the console (PINSCOPE-STAGE lines, shown by guest/boot.sh):
 * where a run stands if the guest stops answering */
static void stage(const char *fmt, ...)
{
	static FILE *con;
	va_list ap;

	if (!con)
		con = fopen("/dev/console", "w");
	if (!con)
		return;
	fprintf(con, "PINSCOPE-STAGE guestbench: ");
	va_start(ap, fmt);
	vfprintf(con, fmt, ap);
	va_end(ap);
	fputc('\n', con);
	fflush(con);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

/* ---- loops */

/*
 * What a loop's window held besides its rate, to tell a slow window's cause:
 * the loop's own cpu time (itself and its reaped children: exact, from the
 * scheduler's runtime), per cpu where its time went (/proc/stat, USER_HZ
 * ticks: user nice system idle iowait irq softirq steal) and how long tasks
 * ran on it (/proc/schedstat, ns), and the whole guest's interrupts and
 * context switches.  Deltas are signed: iowait ticks may run backwards.
 */
#define METER_CPUS 4

struct meter {
	double wall, cpu;
	long long tick[METER_CPUS][8], run_ns[METER_CPUS], intr, ctxt;
};

static double cputime_s(void)
{
	struct timespec ts;
	struct rusage ru;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	getrusage(RUSAGE_CHILDREN, &ru);
	return ts.tv_sec + ts.tv_nsec / 1e9 + ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* "cpuN ..." (not the "cpu  ..." total): N, or -1 */
static int cpu_line(const char *line)
{
	int c;

	if (strncmp(line, "cpu", 3) || !isdigit((unsigned char)line[3]) ||
	    sscanf(line + 3, "%d", &c) != 1 || c >= METER_CPUS)
		return -1;
	return c;
}

static void meter_files(struct meter *m)
{
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int c;

	while (f && fgets(line, sizeof(line), f)) {
		if ((c = cpu_line(line)) >= 0) {
			long long *t = m->tick[c];

			sscanf(strchr(line, ' '), "%lld %lld %lld %lld %lld %lld %lld %lld",
			       &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7]);
		} else if (!strncmp(line, "intr ", 5)) {
			sscanf(line + 5, "%lld", &m->intr);
		} else if (!strncmp(line, "ctxt ", 5)) {
			sscanf(line + 5, "%lld", &m->ctxt);
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/schedstat", "r");	/* "cpuN" then 9 fields; the 7th: run time */
	while (f && fgets(line, sizeof(line), f)) {
		long long v[7];

		if ((c = cpu_line(line)) >= 0 &&
		    sscanf(strchr(line, ' '), "%lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6]) == 7)
			m->run_ns[c] = v[6];
	}
	if (f)
		fclose(f);
}

/* The window's ends: the clocks taken last at the start, first at the end */
static void meter_start(struct meter *m)
{
	memset(m, 0, sizeof(*m));
	meter_files(m);
	m->wall = now_s();
	m->cpu = cputime_s();
}

static void meter_end(struct meter *m)
{
	memset(m, 0, sizeof(*m));
	m->wall = now_s();
	m->cpu = cputime_s();
	meter_files(m);
}

/* the loop's JSON line: its rate in wall time and in its own cpu time, and
 * the loop process's page tables (VmPTE) read at the window's end */
static void meter_print(const char *name, const char *loop, long n, const struct meter *a,
			const struct meter *b)
{
	double el = b->wall - a->wall, cpu = b->cpu - a->cpu;
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (ncpu > METER_CPUS)
		ncpu = METER_CPUS;
	printf("{\"what\": \"loop\", \"name\": \"%s\", \"loop\": \"%s\", \"ops\": %ld, "
	       "\"elapsed_s\": %.4f, \"rate\": %.2f, \"cpu_s\": %.6f, \"cpu_rate\": %.2f, "
	       "\"fixed_layout\": %d, \"vmpte_kb\": %ld, \"ticks\": [", name, loop, n, el, n / el,
	       cpu, cpu > 0 ? n / cpu : 0, fixed_layout(), proc_status_kb(getpid(), "VmPTE:"));
	for (int c = 0; c < ncpu; c++) {
		printf("%s[", c ? ", " : "");
		for (int i = 0; i < 8; i++)
			printf("%s%lld", i ? ", " : "", b->tick[c][i] - a->tick[c][i]);
		printf("]");
	}
	printf("], \"run_ms\": [");
	for (int c = 0; c < ncpu; c++)
		printf("%s%.3f", c ? ", " : "", (b->run_ns[c] - a->run_ns[c]) / 1e6);
	printf("], \"intr\": %lld, \"ctxt\": %lld}\n", b->intr - a->intr, b->ctxt - a->ctxt);
	fflush(stdout);
}

static long loop_fork(double secs)
{
	double t0 = now_s();
	long n = 0;

	do {
		pid_t pid = fork();
		int st;

		if (pid < 0) {
			perror("fork");
			break;
		}
		if (!pid) {
			execl(self_exe, "guestbench", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		n++;
	} while (now_s() - t0 < secs);
	return n;
}

static long loop_mmap(double secs)
{
	double t0 = now_s();
	long n = 0;

	do {
		char *p = mmap(NULL, MMAP_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			break;
		}
		madvise(p, MMAP_BYTES, MADV_NOHUGEPAGE);
		for (unsigned long off = 0; off < MMAP_BYTES; off += 4096)
			p[off] = 1;
		munmap(p, MMAP_BYTES);
		n++;
	} while (now_s() - t0 < secs);
	return n;
}

/* ---- the tracer */

static int file_has(const char *path, const char *pat)
{
	static char buf[1 << 16];
	int fd = open(path, O_RDONLY), found = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		found = strstr(buf, pat) != NULL;
	}
	close(fd);
	return found;
}

static pid_t start_tracer(char **argv, const char *log, const char *pat, double timeout,
			  const char *name)
{
	/* emptied before the fork: PATTERN from an earlier run must not count */
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	double t0 = now_s();
	pid_t pid;
	int st;

	if (fd < 0) {
		printf("{\"what\": \"attach\", \"name\": \"%s\", \"ok\": 0, \"error\": "
		       "\"cannot open %s\"}\n", name, log);
		return -1;
	}
	stage("%s: starting %s", name, argv[0]);
	pid = fork();
	if (pid < 0) {
		close(fd);
		return -1;
	}
	if (!pid) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd);
	for (;;) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			printf("{\"what\": \"attach\", \"name\": \"%s\", \"ok\": 0, \"error\": "
			       "\"exited with %d before attaching\"}\n", name,
			       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			return -1;
		}
		if (!pat || file_has(log, pat))
			break;
		if (now_s() - t0 > timeout) {
			printf("{\"what\": \"attach\", \"name\": \"%s\", \"ok\": 0, \"error\": "
			       "\"not attached after %.0f s\"}\n", name, timeout);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(1000);
	}
	stage("%s: attached after %.0f ms", name, (now_s() - t0) * 1e3);
	printf("{\"what\": \"attach\", \"name\": \"%s\", \"ok\": 1, \"exec_to_attached_ms\": %.1f, "
	       "\"vmhwm_kb\": %ld, \"vmrss_kb\": %ld}\n", name, (now_s() - t0) * 1e3,
	       proc_status_kb(pid, "VmHWM:"), proc_status_kb(pid, "VmRSS:"));
	fflush(stdout);
	return pid;
}

static void stop_tracer(pid_t pid, const char *name)
{
	long hwm = proc_status_kb(pid, "VmHWM:");
	double t0 = now_s();
	int st = 0, done = 0;

	stage("%s: stopping the tracer", name);
	kill(pid, SIGINT);
	while (now_s() - t0 < 60) {
		if (waitpid(pid, &st, WNOHANG) == pid) {
			done = 1;
			break;
		}
		usleep(10000);
	}
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
	printf("{\"what\": \"tracer-exit\", \"name\": \"%s\", \"rc\": %d, \"killed\": %d, "
	       "\"stop_ms\": %.1f, \"vmhwm_kb\": %ld}\n", name,
	       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), !done,
	       (now_s() - t0) * 1e3, hwm);
	fflush(stdout);
}

/* ---- empty programs beside the tracer */

/* The empty twin of each hook pinscope attaches in the mode (include/pinscope_rules.h) */
static const struct {
	const char *name;
	unsigned int modes;
} empties[] = {
#define EMPTY(prog, kind, target, modes, origin) { "e_" #prog, PINSCOPE_HM_##modes },
	PINSCOPE_LIVE_HOOKS(EMPTY)
#undef EMPTY
};

static struct empty_bpf *attach_empties(const char *mode)
{
	/* tracepoints: the current series, which has xen_mmu_pgd_done;
	 * tracepoints-lean: the same as pinscope --lean loads it there, without
	 * the flush's return (user/engine/loader.c loader_set_lean()) */
	bool lean = !strcmp(mode, "tracepoints-lean");
	unsigned int set = PINSCOPE_HM_LIVE | (!strcmp(mode, "tracepoints") || lean ?
		PINSCOPE_HM_TP | PINSCOPE_HM_TP_OPEND | (lean ? 0 : PINSCOPE_HM_TP_FEXIT) :
		PINSCOPE_HM_FENTRY);
	struct empty_bpf *e = empty_bpf__open();
	struct bpf_program *prog;
	int n = 0;

	if (!e) {
		printf("{\"what\": \"empties\", \"ok\": 0, \"error\": \"open: %s\"}\n", strerror(errno));
		return NULL;
	}
	bpf_object__for_each_program(prog, e->obj) {
		int on = 0;

		for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++)
			on |= (empties[i].modes & set) && !strcmp(bpf_program__name(prog), empties[i].name);
		bpf_program__set_autoload(prog, on);
	}
	if (empty_bpf__load(e)) {
		printf("{\"what\": \"empties\", \"ok\": 0, \"error\": \"load: %s\"}\n", strerror(errno));
		empty_bpf__destroy(e);
		return NULL;
	}
	bpf_object__for_each_program(prog, e->obj) {
		struct bpf_link *l;

		if (!bpf_program__autoload(prog))
			continue;
		l = bpf_program__attach(prog);
		if (!l) {
			printf("{\"what\": \"empties\", \"ok\": 0, \"error\": \"attach %s: %s\"}\n",
			       bpf_program__name(prog), strerror(errno));
			continue;
		}
		for (int i = 0; i < e->skeleton->prog_cnt; i++)
			if (*e->skeleton->progs[i].prog == prog)
				*e->skeleton->progs[i].link = l;
		n++;
	}
	printf("{\"what\": \"empties\", \"ok\": 1, \"mode\": \"%s\", \"attached\": %d}\n", mode, n);
	fflush(stdout);
	return e;
}

/* ---- program and map statistics */

static int is_empty_prog(struct empty_bpf *e, __u32 id)
{
	struct bpf_program *prog;

	if (!e)
		return 0;
	bpf_object__for_each_program(prog, e->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len) && info.id == id)
			return 1;
	}
	return 0;
}

static int is_pinscope_prog(const char *name)
{
	static const char *const prefixes[] = { "tp_", "fe_", "fx_", "kp_", "kr_", NULL };

	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], 3))
			return 1;
	return 0;
}

/* Every loaded program; the maps used by the tracer's programs (not ours) */
static void dump_stats(struct empty_bpf *e, const char *name)
{
	__u32 id = 0, map_ids[4096], nmaps = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info), ids[64];
		int fd = bpf_prog_get_fd_by_id(id), mine;

		if (fd < 0)
			continue;
		info.nr_map_ids = 64;
		info.map_ids = (__u64)(unsigned long)ids;
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			close(fd);
			continue;
		}
		mine = is_empty_prog(e, id);
		printf("{\"what\": \"prog\", \"name\": \"%s\", \"run\": \"%s\", \"id\": %u, "
		       "\"type\": %u, \"empty\": %d, \"run_cnt\": %llu, \"run_time_ns\": %llu, "
		       "\"xlated\": %u, \"jited\": %u}\n", name, info.name, id, info.type, mine,
		       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns,
		       info.xlated_prog_len, info.jited_prog_len);
		if (!mine && is_pinscope_prog(info.name)) {
			for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++) {
				__u32 k;

				for (k = 0; k < nmaps && map_ids[k] != ids[i]; k++)
					;
				if (k == nmaps && nmaps < 4096)
					map_ids[nmaps++] = ids[i];
			}
		}
		close(fd);
	}
	for (__u32 i = 0; i < nmaps; i++) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			printf("{\"what\": \"map\", \"run\": \"%s\", \"name\": \"%s\", \"type\": %u, "
			       "\"max_entries\": %u, \"value_size\": %u, \"memlock\": %lld}\n", name,
			       info.name, info.type, info.max_entries, info.value_size,
			       fd_memlock(fd));
		close(fd);
	}
	fflush(stdout);
}

/* ---- run */

static void run_workload(const char *args, const char *name)
{
	char *copy = strdup(args), *argv[64], *tok;
	double t0 = now_s();
	int argc = 0, st = 0;
	pid_t pid;

	argv[argc++] = "/bin/workload";
	for (tok = strtok(copy, " "); tok && argc < 62; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	pid = fork();
	if (!pid) {
		int fd = open("/tmp/workload.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	printf("{\"what\": \"workload\", \"name\": \"%s\", \"args\": \"%s\", \"rc\": %d, "
	       "\"elapsed_s\": %.3f}\n", name, args, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	       now_s() - t0);
	fflush(stdout);
	free(copy);
}

/*
 * The empty programs alone (no -S): attached by a child that holds them until
 * killed.  Loaded in this process, libbpf's memory would stay in the mm that
 * the fork loop copies, and each fork would pin more page-table pages: the
 * floor would be measured on a heavier workload.
 */
static pid_t hold_empties(const char *mode)
{
	int fd[2];
	char c = 0;
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct empty_bpf *e = attach_empties(mode);

		fflush(stdout);
		c = e ? 1 : 0;
		if (write(fd[1], &c, 1) != 1)
			_exit(1);
		if (e)
			pause();	/* until the parent's SIGTERM */
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &c, 1) != 1 || !c) {
		close(fd[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(fd[0]);
	return pid;
}

/*
 * One address-space layout in every run (-A keeps ASLR).  With ASLR each
 * process draws its own layout, and a run's rate sits on one of a few steps
 * fixed for the process (docs/performance.md, Notes, "One layout").  The
 * personality is inherited by the loops' children and the tracer.  Re-exec
 * once at most (GUESTBENCH_REEXEC): a setuid exec would clear the flag.
 */
static void aslr_off(char **argv)
{
	int p = personality(0xffffffff);

	if (p == -1 || (p & ADDR_NO_RANDOMIZE) || getenv("GUESTBENCH_REEXEC"))
		return;
	if (personality(p | ADDR_NO_RANDOMIZE) == -1) {
		fprintf(stderr, "Failed to turn ASLR off: %s; the runs keep it\n", strerror(errno));
		return;
	}
	setenv("GUESTBENCH_REEXEC", "1", 1);
	execv(self_exe, argv);
	fprintf(stderr, "Failed to re-execute %s: %s; the runs keep ASLR\n", self_exe,
		strerror(errno));
	personality(p);
}

static int cmd_run(int argc, char **argv)
{
	const char *name = "none", *loops = "fork,mmap", *log = "/tmp/tracer.log", *pat = NULL;
	const char *empties = NULL, *workload = NULL;
	double secs = 3, timeout = 120, tw;
	struct empty_bpf *e = NULL;
	int stats = 0, stats_fd = -1, c, cpu = -1, keep_aslr = 0;
	pid_t tracer = 0, holder = 0;
	char *lcopy, *tok;

	optind = 2;
	while ((c = getopt(argc, argv, "n:s:l:L:p:t:e:Sw:c:A")) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 's': secs = atof(optarg); break;
		case 'l': loops = optarg; break;
		case 'L': log = optarg; break;
		case 'p': pat = optarg; break;
		case 't': timeout = atof(optarg); break;
		case 'e': empties = optarg; break;
		case 'S': stats = 1; break;
		case 'w': workload = optarg; break;
		case 'c': cpu = atoi(optarg); break;
		case 'A': keep_aslr = 1; break;
		default: return 2;
		}
	}
	if (!keep_aslr)
		aslr_off(argv);
	if (stats) {
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0)
			printf("{\"what\": \"stats\", \"ok\": 0, \"error\": \"BPF_ENABLE_STATS: %s\"}\n",
			       strerror(errno));
	}
	if (optind < argc) {
		tracer = start_tracer(argv + optind, log, pat, timeout, name);
		if (tracer < 0)
			return 1;
	}
	/* the tracer's programs count from here (it is attached) */
	tw = now_s();
	/* after the tracer: both count the same window */
	if (empties) {
		stage("%s: attaching the empty programs (%s)", name, empties);
		if (stats)
			e = attach_empties(empties);	/* their stats are read below */
		else
			holder = hold_empties(empties);
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("sched_setaffinity");
	}
	lcopy = strdup(loops);
	for (tok = strtok(lcopy, ","); tok; tok = strtok(NULL, ",")) {
		struct meter a, b;
		long n;

		meter_start(&a);
		n = !strcmp(tok, "fork") ? loop_fork(secs) : !strcmp(tok, "mmap") ? loop_mmap(secs) : -1;
		meter_end(&b);
		if (n < 0)
			continue;
		stage("%s: %s loop %.1f ops/s", name, tok, n / (b.wall - a.wall));
		meter_print(name, tok, n, &a, &b);
	}
	free(lcopy);
	if (workload)
		run_workload(workload, name);
	if (stats) {
		/* the window every run_time_ns below was counted in */
		printf("{\"what\": \"window\", \"name\": \"%s\", \"elapsed_s\": %.4f, "
		       "\"cpus\": %ld}\n", name, now_s() - tw, sysconf(_SC_NPROCESSORS_ONLN));
		dump_stats(e, name);
	}
	if (tracer > 0)
		stop_tracer(tracer, name);
	if (holder > 0) {
		kill(holder, SIGTERM);
		waitpid(holder, NULL, 0);
	}
	empty_bpf__destroy(e);
	if (stats_fd >= 0)
		close(stats_fd);
	return 0;
}

/* guestbench floors [-e CALLS] [-r REPS]: bench/floors.h, bpf_stats held on */
static int cmd_floors(int argc, char **argv)
{
	size_t calls = 20000;
	int reps = 3, c, stats_fd, err;

	optind = 2;
	while ((c = getopt(argc, argv, "e:r:")) != -1) {
		switch (c) {
		case 'e': calls = strtoull(optarg, NULL, 0); break;
		case 'r': reps = atoi(optarg); break;
		default: return 2;
		}
	}
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "Failed to enable bpf_stats: %s\n", strerror(errno));
		return 1;
	}
	err = floors_run(calls, reps);
	close(stats_fd);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "true"))
		_exit(0);
	libbpf_set_print(quiet_print);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "btf"))
		return btf_load_cost();
	if (argc > 1 && !strcmp(argv[1], "floors"))
		return cmd_floors(argc, argv);
	fprintf(stderr, "Usage: guestbench run [-n NAME] [-s SECONDS] [-l fork,mmap] [-L LOG] "
			"[-p PATTERN] [-t SECONDS] [-e fentry|tracepoints] [-S] [-w ARGS] [-c CPU] [-A] "
			"[-- TRACER ARGS...]\n       guestbench btf\n"
			"       guestbench floors [-e CALLS] [-r REPS]\n       guestbench true\n");
	return 2;
}
