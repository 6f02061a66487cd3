/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Live: the saves and restores a run goes through, from the guest's clocks
 * and its online cpus (report/stats.h struct restores) */
#ifndef PINSCOPE_RESTORE_H
#define PINSCOPE_RESTORE_H

#include <stdbool.h>
#include <linux/types.h>
#include "report/stats.h"

/*
 * One look at the clocks (ns) and the online cpus (a cpulist, "0-3,6").
 * CLOCK_BOOTTIME is read between two reads of CLOCK_MONOTONIC, mono their
 * middle, skew how far apart they were: boot - mono is right within skew
 * (a guest preempted between the reads would otherwise seem to gain)
 */
struct clock_look {
	__u64 mono, boot, wall, skew;
	char online[256];
};

/* A gain of CLOCK_BOOTTIME on CLOCK_MONOTONIC above this, beyond the two
 * looks' skews, is a restore */
#define RESTORE_MIN_NS	1000000ULL

/* Now: the three clocks and /sys/devices/system/cpu/online ("?" unreadable);
 * 0 or -errno */
int clock_look(struct clock_look *now);
/* What happened between two looks, added to r (r->watched set) */
void restores_note(struct restores *r, const struct clock_look *prev,
		   const struct clock_look *now);

#endif
