/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The final and interval reports, as text or JSON (docs/json.md) */
#ifndef PINSCOPE_REPORT_H
#define PINSCOPE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "report/stats.h"

void report_text(FILE *f, const struct report *rep, bool timestamp);
/* JSON document; returns 0 or -errno */
int report_json(FILE *f, const struct report *rep, int exit_code);
int report_exit_code(const struct report *rep);
/* The JSON document as a json-c object (NULL: out of memory) */
struct json_object *report_json_obj(const struct report *rep, int exit_code);

#endif
