/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The visibility probe at attach: pinscope drives known operations itself */
#ifndef PINSCOPE_VISPROBE_H
#define PINSCOPE_VISPROBE_H

#include "report/visibility.h"

/* Run a child that execs and exits, judge what the hooks saw from the
 * statistics in the cpus map; 0 or -errno (v->why_not says what failed) */
int visibility_prove(int cpus_fd, struct visibility *v);

#endif
