/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The report as Prometheus text 0.0.4 or OpenMetrics 1.0 (docs/metrics.md) */
#ifndef PINSCOPE_PROM_H
#define PINSCOPE_PROM_H

#include <stdio.h>
#include "report/stats.h"

enum prom_format {
	PROM_TEXT_004,		/* text/plain; version=0.0.4 */
	PROM_OPENMETRICS,	/* application/openmetrics-text; version=1.0.0 */
};

/* Content-Type of each format, for HTTP */
const char *prom_content_type(enum prom_format fmt);
/* Write every family of user/report/metrics.h; 0 or -errno */
int prom_write(FILE *f, const struct report *rep, enum prom_format fmt);

#endif
