// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Saves and restores seen by a live run (report/stats.h struct restores).
 * On resume the kernel injects the time it was suspended into CLOCK_BOOTTIME
 * and CLOCK_REALTIME (timekeeping_resume(), a syscore op that Xen's
 * xen_suspend() runs), not into CLOCK_MONOTONIC: a gain of the first on the
 * last between two looks is a restore.  Its cpus are compared with those
 * online before: a cpu that comes back with another number is counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "live/restore.h"

static __u64 ns_of(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int clock_look(struct clock_look *now)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	__u64 m1, b, m2;
	int err = 0;

	/* the closest of 4 tries: a read pair interrupted is tried again */
	for (int i = 0; i < 4; i++) {
		m1 = ns_of(CLOCK_MONOTONIC);
		b = ns_of(CLOCK_BOOTTIME);
		m2 = ns_of(CLOCK_MONOTONIC);
		if (i && m2 - m1 >= now->skew)
			continue;
		now->mono = m1 + (m2 - m1) / 2;
		now->boot = b;
		now->skew = m2 - m1;
		if (now->skew < 20000)
			break;
	}
	now->wall = ns_of(CLOCK_REALTIME);
	strcpy(now->online, "?");
	if (!f)
		return now->mono && now->boot ? 0 : -EINVAL;
	if (!fgets(now->online, sizeof(now->online), f)) {
		strcpy(now->online, "?");
		err = -EIO;
	}
	now->online[strcspn(now->online, "\n")] = 0;
	fclose(f);
	return now->mono && now->boot ? err : -EINVAL;
}

/* Is cpu in the cpulist s ("0-3,6")?  An unreadable list holds none */
static bool in_list(const char *s, unsigned long cpu)
{
	char *end;

	while (*s >= '0' && *s <= '9') {
		unsigned long lo = strtoul(s, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (cpu >= lo && cpu <= hi)
			return true;
		if (*end != ',')
			break;
		s = end + 1;
	}
	return false;
}

/* The cpus of list a that list b lacks */
static __u64 not_in(const char *a, const char *b)
{
	__u64 n = 0;

	for (unsigned long cpu = 0; cpu < PINSCOPE_MAX_CPUS; cpu++)
		n += in_list(a, cpu) && !in_list(b, cpu);
	return n;
}

/* boot - mono: signed, mono being the middle of two reads, boot may be
 * read before it (by up to half the skew) while the kernel never slept */
static __s64 offset(const struct clock_look *l)
{
	return (__s64)(l->boot - l->mono);
}

void restores_note(struct restores *r, const struct clock_look *prev,
		   const struct clock_look *now)
{
	__u64 gain, mono = now->mono - prev->mono;

	r->watched = true;
	/* boot - mono only grows: by the time the kernel was suspended */
	if (offset(now) <= offset(prev))
		return;
	gain = (__u64)(offset(now) - offset(prev));
	if (gain <= RESTORE_MIN_NS + prev->skew + now->skew)
		return;
	r->seen++;
	r->suspended_ns += gain;
	if (gain > r->suspended_max_ns)
		r->suspended_max_ns = gain;
	if (mono > r->mono_step_max_ns)
		r->mono_step_max_ns = mono;
	if (now->wall > prev->wall && now->wall - prev->wall > r->wall_step_max_ns)
		r->wall_step_max_ns = now->wall - prev->wall;
	if (!strcmp(now->online, "?") || !strcmp(prev->online, "?")) {
		r->cpus_unread++;
		return;
	}
	r->cpus_renumbered += not_in(now->online, prev->online);
	r->cpus_gone += not_in(prev->online, now->online);
}
