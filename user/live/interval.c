// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* -i reports (docs/json.md "NDJSON"): cumulative, or of the interval alone */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "live/interval.h"
#include "report/report.h"

void report_diff(struct report *out, const struct report *cur, const struct report *prev)
{
	memset(out, 0, sizeof(*out));
	out->mode = cur->mode;
	out->source = cur->source;
	out->caps = cur->caps;
	out->require = cur->require;
	out->duration_ns = cur->duration_ns - prev->duration_ns;
	stats_diff(&out->st, &cur->st, &prev->st);
	/* the interval's violations are counted (st.violated), not listed */
	out->nr_viol = cur->nr_viol - prev->nr_viol;
}

/* RFC 3339, UTC, milliseconds: 2026-11-29T09:17:52.123Z */
static void rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03ldZ", ts.tv_nsec / 1000000);
}

static int ndjson(FILE *f, const struct report *cur, const struct report *iv)
{
	json_object *root = report_json_obj(cur, report_exit_code(cur));
	json_object *own = report_json_obj(iv, report_exit_code(iv));
	char t[40];

	if (!root || !own) {
		json_object_put(root);
		json_object_put(own);
		return -ENOMEM;
	}
	rfc3339(t, sizeof(t));
	json_object_object_add(root, "time", json_object_new_string(t));
	json_object_object_add(root, "interval", own);
	fprintf(f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return 0;
}

int interval_report(FILE *f, const struct report *cur, struct report *prev,
		    const struct interval_opts *o)
{
	static struct report iv;	/* big: not on the stack */
	int err = 0;

	report_diff(&iv, cur, prev);
	if (o->json)
		err = ndjson(f, cur, &iv);
	else
		report_text(f, o->reset ? &iv : cur, o->timestamp);
	*prev = *cur;
	fflush(f);
	return err;
}
