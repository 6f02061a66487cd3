/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The two commands (cmd_live.c, cmd_replay.c) and what they share (cmd.c):
 * the signal that ends them, the root check, and the report's way out
 * (stdout in the format asked, --html) with its exit code.
 */
#ifndef PINSCOPE_CMD_H
#define PINSCOPE_CMD_H

#include <signal.h>
#include <stdbool.h>
#include "report/stats.h"

/* set by SIGINT/SIGTERM */
extern volatile sig_atomic_t exiting;
void sig_handler(int sig);
/* true (and why printed) unless root */
bool need_root(const char *what);
int write_html(struct report *rep, bool final);
/* -i: the cumulative report of the previous interval */
extern struct report interval_prev;
int stdout_check(void);
/* atexit: a failed write of the report ends as an error */
void stdout_close(void);
/* The final report on stdout and --html; the exit code */
int finish(struct report *rep);

struct evidence;
struct evidence_capture;
/* --evidence: the snippets and index.json written, what was kept said on
 * stderr; *rc becomes an error if that fails; cap and e freed */
void evidence_end(struct evidence *e, struct evidence_capture *cap, int *rc);

int cmd_live(void);
int cmd_replay(void);

#endif
