/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --html FILE: the report as one self-contained page (inline CSS and SVG, no
 * script, nothing fetched).  Elements carrying numbers have ids and data-
 * attributes named after docs/json.md, so tests/html_report.py can hold them
 * against the JSON report (docs/views.md).
 */
#ifndef PINSCOPE_HTML_H
#define PINSCOPE_HTML_H

#include "report/stats.h"

/*
 * Writes path (report/outfile.h: a regular file replaced at once through a
 * mkstemp() file beside it, a device or FIFO in place); input is the
 * replayed trace ("-" stdin, NULL live).  0 or -errno, message printed
 */
int report_html(const char *path, const struct report *rep, const char *input);
/* Refuses (-EINVAL, message printed) a path that is the input itself */
/* 0, or -EINVAL (said) if path is in directory dir (--evidence DIR) */
int report_html_check_dir(const char *path, const char *dir);
int report_html_check(const char *path, const char *input);

#endif
