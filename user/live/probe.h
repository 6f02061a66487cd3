/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Live attach mode from feature probes: tracepoints > fentry > kprobe */
#ifndef PINSCOPE_PROBE_H
#define PINSCOPE_PROBE_H

#include "engine/loader.h"

/* Fills cfg (mode, pte_unlock_fn, page_size, flush_exit); prints why.
 * Returns 0, or -1 after explaining what is missing. */
/* 0 when the kernel has what the checker needs, else -1 after saying what */
int probe_bpf_features(void);

int probe_live(enum pinscope_mode forced, struct loader_cfg *cfg, bool quiet);

#endif
