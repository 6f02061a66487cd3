/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --metrics: what a scrape reads, live (the statistics in the BPF cpus map) or after a replay */
#ifndef PINSCOPE_SERVE_H
#define PINSCOPE_SERVE_H

#include <signal.h>
#include "http/http.h"
#include "report/stats.h"

struct pinscope_bpf;

/* Serve the live counts of skel's cpus map (its statistics), with like's mode, caps and
 * lean (constant while serving); NULL after a message */
struct http_server *serve_live(const struct http_listen *l, struct pinscope_bpf *skel,
			       const struct report *like);
/* Serve a finished report until *stop; 0 or -errno after a message */
int serve_report(const struct http_listen *l, const struct report *rep,
		 volatile const sig_atomic_t *stop);

#endif
