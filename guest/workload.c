// SPDX-License-Identifier: GPL-2.0
/*
 * guest/workload.c - exercise the Xen PV page-table pinning algorithm.
 *
 * Build: cc -static -O2 -o workload guest/workload.c
 *
 * On a Xen PV guest every new mm is pinned (fork: xen_dup_mmap, exec:
 * xen_activate_mm) and unpinned when it goes away (xen_exit_mmap), walking
 * all of its page-table pages.  This program makes both happen a lot, on all
 * CPUs at once:
 *
 *  - one driver process per CPU, pinned there with sched_setaffinity; the
 *    drivers start together (a pipe acts as the starting gun);
 *  - storm: each driver forks CHILDREN children at once; odd ones exec this
 *    program in its trivial mode (--child: exit at once), even ones just
 *    _exit; then reaps them (fork/exec/exit storm: small pins and unpins);
 *  - big: each driver maps BIG MiB of anonymous memory (no THP) and touches
 *    one byte every STRIDE bytes, so its page tables hold BIG/2 PTE pages;
 *    then it forks BIGFORKS children: each child's mm is pinned with all
 *    those PTE pages (many split locks, batches that flush early with locks
 *    still held), the child writes a little and exec's --child or exits, so
 *    the big mm is unpinned again; finally the driver unmaps the region.
 *
 * Prints one summary line, e.g.
 *   WORKLOAD-SUMMARY processes=120 forks=120 execs=60 big_forks=16 ...
 * "processes" counts every process this program started (fork), so a correct
 * kernel does at least that many pgd pins and as many unpins.
 *
 * Exit codes: 0 ok, 1 runtime error, 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts {
	int iters;	/* rounds per driver */
	int children;	/* storm children per driver per round */
	int big_mib;	/* size of the big mapping per driver */
	int big_forks;	/* forks of the big process per round */
	long stride;	/* touch one byte every STRIDE bytes */
	int cpus;	/* drivers (0 = all online CPUs) */
	int quiet;
};

/* per-driver counts, reported to main through a pipe */
struct counts {
	long forks, execs, big_forks, pte_pages, failed;
};

static char self_path[4096];

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"Exercise Xen PV pgd pin/unpin on all CPUs at once.\n\n"
		"  -n, --iters N       rounds per CPU (default 4)\n"
		"  -c, --children N    storm children per CPU per round (default 16)\n"
		"  -m, --big-mib N     big mapping per CPU in MiB, 0 = none (default 128)\n"
		"  -f, --big-forks N   forks of the big process per round (default 2)\n"
		"  -s, --stride BYTES  touch one byte every BYTES of the big mapping\n"
		"                      (default 4096: every page; 2097152: one per PTE page)\n"
		"  -C, --cpus N        drivers, one per CPU (default: online CPUs)\n"
		"  -q, --quiet         only the summary line\n"
		"  -h, --help          this help\n"
		"      --child         trivial mode: exit 0 at once (used by exec)\n",
		prog);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* child body: optionally dirty a few pages, then exec --child or exit */
static void child_body(int do_exec, char *region, size_t len)
{
	if (region) {
		/* a few COW faults so the child has its own pages too */
		for (size_t off = 0; off < len; off += len / 8)
			region[off] = 2;
	}
	if (do_exec) {
		char *argv[] = { self_path, "--child", NULL };

		execv(self_path, argv);
		_exit(127);	/* counted as failed by the parent */
	}
	_exit(0);
}

static int reap(int n, struct counts *c)
{
	int status;

	while (n > 0) {
		pid_t p = wait(&status);

		if (p < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "workload: Failed to wait for children: %s\n",
				strerror(errno));
			return -1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			c->failed++;
		n--;
	}
	return 0;
}

static int storm(const struct opts *o, struct counts *c)
{
	int started = 0;

	for (int i = 0; i < o->children; i++) {
		pid_t p = fork();

		if (p < 0) {
			fprintf(stderr, "workload: Failed to fork storm child: %s\n",
				strerror(errno));
			reap(started, c);
			return -1;
		}
		if (p == 0)
			child_body(i & 1, NULL, 0);
		started++;
		c->forks++;
		if (i & 1)
			c->execs++;
	}
	return reap(started, c);
}

static int big(const struct opts *o, struct counts *c, int round)
{
	size_t len = (size_t)o->big_mib << 20;
	char *region;
	int started = 0;

	if (!len || !o->big_forks)
		return 0;
	region = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		fprintf(stderr, "workload: Failed to map %d MiB: %s\n",
			o->big_mib, strerror(errno));
		return -1;
	}
	madvise(region, len, MADV_NOHUGEPAGE);	/* keep PTE pages, no THP */
	for (size_t off = 0; off < len; off += o->stride)
		region[off] = 1;
	c->pte_pages += (len + (2 << 20) - 1) >> 21;

	for (int i = 0; i < o->big_forks; i++) {
		pid_t p = fork();

		if (p < 0) {
			fprintf(stderr, "workload: Failed to fork big child: %s\n",
				strerror(errno));
			break;
		}
		if (p == 0)
			child_body((i + round) & 1, region, len);
		started++;
		c->forks++;
		c->big_forks++;
		if ((i + round) & 1)
			c->execs++;
	}
	if (reap(started, c) < 0)
		started = -1;
	munmap(region, len);
	return started < 0 || started < o->big_forks ? -1 : 0;
}

static int driver(const struct opts *o, int cpu, int gun_fd, int out_fd)
{
	struct counts c = { 0 };
	cpu_set_t set;
	char b;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		fprintf(stderr, "workload: warning: Failed to pin driver to cpu %d: %s\n",
			cpu, strerror(errno));
	/* wait for the starting gun: all drivers go at once */
	while (read(gun_fd, &b, 1) < 0 && errno == EINTR)
		;
	for (int r = 0; r < o->iters; r++) {
		if (storm(o, &c) < 0 || big(o, &c, r) < 0) {
			c.failed++;
			break;
		}
	}
	if (write(out_fd, &c, sizeof(c)) != sizeof(c))
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "iters", required_argument, NULL, 'n' },
		{ "children", required_argument, NULL, 'c' },
		{ "big-mib", required_argument, NULL, 'm' },
		{ "big-forks", required_argument, NULL, 'f' },
		{ "stride", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "child", no_argument, NULL, 'X' },
		{ 0 },
	};
	struct opts o = { .iters = 4, .children = 16, .big_mib = 128,
			  .big_forks = 2, .stride = 4096, .cpus = 0 };
	struct counts total = { 0 };
	int gun[2], out[2], opt, ndrivers;
	double t0, t1;
	long v;

	/* trivial mode first: it is exec'ed many times, keep it cheap */
	if (argc == 2 && !strcmp(argv[1], "--child"))
		return 0;

	while ((opt = getopt_long(argc, argv, "n:c:m:f:s:C:qh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_int(optarg, 1, 1000000, &v))
				goto bad;
			o.iters = v;
			break;
		case 'c':
			if (parse_int(optarg, 0, 10000, &v))
				goto bad;
			o.children = v;
			break;
		case 'm':
			if (parse_int(optarg, 0, 65536, &v))
				goto bad;
			o.big_mib = v;
			break;
		case 'f':
			if (parse_int(optarg, 0, 10000, &v))
				goto bad;
			o.big_forks = v;
			break;
		case 's':
			if (parse_int(optarg, 1, 1L << 30, &v))
				goto bad;
			o.stride = v;
			break;
		case 'C':
			if (parse_int(optarg, 1, 4096, &v))
				goto bad;
			o.cpus = v;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		case 'X':
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "workload: unexpected argument '%s'\n", argv[optind]);
		usage(stderr, argv[0]);
		return 2;
	}

	{
		ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);

		if (n > 0)
			self_path[n] = 0;
		else
			snprintf(self_path, sizeof(self_path), "%s", argv[0]);
	}
	ndrivers = o.cpus ? o.cpus : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ndrivers < 1)
		ndrivers = 1;
	if (pipe(gun) < 0 || pipe(out) < 0) {
		fprintf(stderr, "workload: Failed to create pipes: %s\n", strerror(errno));
		return 1;
	}
	if (!o.quiet)
		printf("workload: %d drivers, %d rounds, %d storm children, "
		       "%d MiB x %d big forks, stride %ld\n",
		       ndrivers, o.iters, o.children, o.big_mib, o.big_forks, o.stride);
	fflush(stdout);

	for (int i = 0; i < ndrivers; i++) {
		pid_t p = fork();

		if (p < 0) {
			fprintf(stderr, "workload: Failed to fork driver %d: %s\n", i,
				strerror(errno));
			return 1;
		}
		if (p == 0) {
			close(gun[1]);
			close(out[0]);
			_exit(driver(&o, i % (int)sysconf(_SC_NPROCESSORS_ONLN),
				     gun[0], out[1]));
		}
		total.forks++;
	}
	close(gun[0]);
	close(out[1]);
	t0 = now_ms();
	close(gun[1]);	/* bang: EOF releases every driver at once */

	for (int i = 0; i < ndrivers; i++) {
		struct counts c;
		ssize_t n;

		do {
			n = read(out[0], &c, sizeof(c));
		} while (n < 0 && errno == EINTR);
		if (n != sizeof(c)) {
			total.failed++;
			continue;
		}
		total.forks += c.forks;
		total.execs += c.execs;
		total.big_forks += c.big_forks;
		total.pte_pages += c.pte_pages;
		total.failed += c.failed;
	}
	for (int i = 0; i < ndrivers; i++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			total.failed++;
	}
	t1 = now_ms();

	printf("WORKLOAD-SUMMARY processes=%ld forks=%ld execs=%ld big_forks=%ld "
	       "big_pte_pages=%ld drivers=%d rounds=%d failed=%ld elapsed_ms=%.0f\n",
	       total.forks, total.forks, total.execs, total.big_forks,
	       total.pte_pages, ndrivers, o.iters, total.failed, t1 - t0);
	return total.failed ? 1 : 0;
bad:
	fprintf(stderr, "workload: invalid value '%s' for -%c\n", optarg, opt);
	usage(stderr, argv[0]);
	return 2;
}
