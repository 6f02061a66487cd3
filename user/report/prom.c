// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --prometheus and GET /metrics: the families of user/report/metrics.h */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>
#include "report/metrics.h"
#include "report/names.h"
#include "report/prom.h"
#include "version.h"

const struct pinscope_metric_desc pinscope_metrics[PINSCOPE_NR_METRICS] = {
#define PINSCOPE_METRIC_DESC(id, n, t, u, l, h) \
	[PINSCOPE_M_##id] = { .name = n, .type = t, .unit = u, .labels = l, .help = h },
	PINSCOPE_METRICS(PINSCOPE_METRIC_DESC)
#undef PINSCOPE_METRIC_DESC
};

const char *prom_content_type(enum prom_format fmt)
{
	return fmt == PROM_OPENMETRICS ?
	       "application/openmetrics-text; version=1.0.0; charset=utf-8" :
	       "text/plain; version=0.0.4; charset=utf-8";
}

/* A label value with \, " and newline escaped (both formats) */
static void put_label_value(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* Nanoseconds as exact decimal seconds */
static void put_seconds(FILE *f, __u64 ns)
{
	fprintf(f, "%llu.%09llu", (unsigned long long)(ns / 1000000000ULL),
		(unsigned long long)(ns % 1000000000ULL));
}

/* HELP, TYPE (and UNIT) lines; OpenMetrics names a counter family without _total */
static void family(FILE *f, enum pinscope_metric m, enum prom_format fmt)
{
	const struct pinscope_metric_desc *d = &pinscope_metrics[m];
	int len = (int)strlen(d->name);

	if (fmt == PROM_OPENMETRICS && !strcmp(d->type, "counter"))
		len -= (int)strlen("_total");
	fprintf(f, "# HELP %.*s %s\n# TYPE %.*s %s\n", len, d->name, d->help, len, d->name, d->type);
	if (fmt == PROM_OPENMETRICS && d->unit[0])
		fprintf(f, "# UNIT %.*s %s\n", len, d->name, d->unit);
}

/* The label pairs of family m, without braces: a="v1",b="v2" (labels "a,b");
 * v1 NULL: none, v2 NULL: the first label only */
static void put_labels(FILE *f, enum pinscope_metric m, const char *v1, const char *v2)
{
	const char *l = pinscope_metrics[m].labels, *comma = strchr(l, ',');

	if (!v1)
		return;
	fprintf(f, "%.*s=", comma ? (int)(comma - l) : (int)strlen(l), l);
	put_label_value(f, v1);
	if (comma && v2) {
		fprintf(f, ",%s=", comma + 1);
		put_label_value(f, v2);
	}
}

/* One histogram series (label values v1, v2 as put_labels()): cumulative
 * buckets from hist_count_below() */
static void histogram(FILE *f, enum pinscope_metric m, const char *v1, const char *v2,
		      const struct pinscope_hist *h)
{
	const char *name = pinscope_metrics[m].name;
	__u64 below = 0;

	for (int i = PINSCOPE_LE_MIN_LOG2; i <= PINSCOPE_LE_MAX_LOG2; i++) {
		below = hist_count_below(h, 1ULL << i);
		fprintf(f, "%s_bucket{", name);
		put_labels(f, m, v1, v2);
		fputs(v1 ? ",le=\"" : "le=\"", f);
		put_seconds(f, (1ULL << i) - 1);	/* < 2^i ns == <= 2^i - 1 ns */
		fprintf(f, "\"} %llu\n", (unsigned long long)below);
	}
	/* per-cpu slots and count are read while BPF updates them: keep +Inf
	 * the largest bucket */
	if (h->count > below)
		below = h->count;
	fprintf(f, "%s_bucket{", name);
	put_labels(f, m, v1, v2);
	fprintf(f, "%sle=\"+Inf\"} %llu\n", v1 ? "," : "", (unsigned long long)below);
	fprintf(f, "%s_sum%s", name, v1 ? "{" : "");
	put_labels(f, m, v1, v2);
	fputs(v1 ? "} " : " ", f);
	put_seconds(f, h->sum);
	fprintf(f, "\n%s_count%s", name, v1 ? "{" : "");
	put_labels(f, m, v1, v2);
	fprintf(f, "%s%llu\n", v1 ? "} " : " ", (unsigned long long)below);
}

/* name{a="v1"} v or name{a="v1",b="v2"} v (put_labels()); name v without labels */
static void counter2(FILE *f, enum pinscope_metric m, const char *v1, const char *v2, __u64 v)
{
	fprintf(f, "%s%s", pinscope_metrics[m].name, v1 ? "{" : "");
	put_labels(f, m, v1, v2);
	fprintf(f, "%s%llu\n", v1 ? "} " : " ", (unsigned long long)v);
}

static void counter(FILE *f, enum pinscope_metric m, const char *value, __u64 v)
{
	counter2(f, m, value, NULL, v);
}

/* What --lean left out (enum pinscope_lean), its names joined by commas, as
 * JSON's not_recorded; "" when nothing (then no label: info()) */
static const char *not_recorded(const struct report *rep, char *buf, size_t len)
{
	buf[0] = 0;
	for (__u32 i = 0; lean_name(i); i++)
		if (rep->lean & (1U << i))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? "," : "",
				 lean_name(i));
	return buf;
}

static void info(FILE *f, const struct report *rep, enum prom_format fmt)
{
	char nr[96];
	struct utsname u;

	if (uname(&u))
		strcpy(u.release, "unknown");
	family(f, PINSCOPE_M_INFO, fmt);
	fprintf(f, "%s{mode=", pinscope_metrics[PINSCOPE_M_INFO].name);
	put_label_value(f, rep->mode ? rep->mode : "unknown");
	fputs(",kernel=", f);
	put_label_value(f, u.release);
	fputs(",version=", f);
	put_label_value(f, PINSCOPE_VERSION);
	fputs(",lean=", f);
	put_label_value(f, rep->lean ? "1" : "0");
	/* only when --lean left something out: Prometheus stores a label with
	 * an empty value as no label, so "" would name a series it never has */
	if (*not_recorded(rep, nr, sizeof(nr))) {
		fputs(",not_recorded=", f);
		put_label_value(f, nr);
	}
	fputs("} 1\n", f);
}

int prom_write(FILE *f, const struct report *rep, enum prom_format fmt)
{
	const struct pinscope_stats *st = &rep->st;
	const __u64 *lost = (const __u64 *)&st->lost;

	/* holds by path: the suspend path's are a distribution of their own */
	family(f, PINSCOPE_M_HOLD, fmt);
	for (int k = 0; k < 2; k++)
		for (int p = 0; p < PINSCOPE_NR_PATHS; p++)
			histogram(f, PINSCOPE_M_HOLD, op_name(k ? PINSCOPE_OP_UNPIN : PINSCOPE_OP_PIN),
				  path_name(p), stats_hold_path(st, p, k));
	family(f, PINSCOPE_M_OP_TIME, fmt);
	for (int k = 0; k < 2; k++)
		histogram(f, PINSCOPE_M_OP_TIME, op_name(k ? PINSCOPE_OP_UNPIN : PINSCOPE_OP_PIN),
			  NULL, &st->op_ns[k]);
	if (rep->caps & PINSCOPE_CAP_FLUSH_EXIT) {
		family(f, PINSCOPE_M_FLUSH_TIME, fmt);
		histogram(f, PINSCOPE_M_FLUSH_TIME, NULL, NULL, &st->flush_ns);
	}	/* else no family: pinscope_info's not_recorded says why, if --lean */
	family(f, PINSCOPE_M_OPS, fmt);
	for (int k = 0; k < 2; k++) {	/* the suspend path: xen_mm_pin_all/xen_mm_unpin_all */
		const char *op = op_name(k ? PINSCOPE_OP_UNPIN : PINSCOPE_OP_PIN);

		for (int p = 0; p < PINSCOPE_NR_PATHS; p++)
			counter2(f, PINSCOPE_M_OPS, op, path_name(p), stats_ops_path(st, p, k));
	}
	family(f, PINSCOPE_M_FLUSHES, fmt);
	for (int r = 0; r < PINSCOPE_NR_FLUSH_REASONS; r++)
		counter(f, PINSCOPE_M_FLUSHES, flush_reason_name(r), st->flush_reason[r]);
	family(f, PINSCOPE_M_CHECKS, fmt);
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		counter(f, PINSCOPE_M_CHECKS, rule_name(r), st->checked[r]);
	family(f, PINSCOPE_M_UNSEEN, fmt);
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		counter(f, PINSCOPE_M_UNSEEN, rule_name(r), st->unseen[r]);
	family(f, PINSCOPE_M_VIOLATIONS, fmt);
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		counter(f, PINSCOPE_M_VIOLATIONS, rule_name(r), st->violated[r]);
	family(f, PINSCOPE_M_LOST, fmt);
	for (int i = 0; i < PINSCOPE_NR_LOST; i++)
		counter(f, PINSCOPE_M_LOST, lost_name(i), lost[i]);
	family(f, PINSCOPE_M_LOCKS_MAX, fmt);
	for (int p = 0; p < PINSCOPE_NR_PATHS; p++)
		counter(f, PINSCOPE_M_LOCKS_MAX, path_name(p), lin_hist_top(stats_locks_max_path(st, p)));
	info(f, rep, fmt);
	if (fmt == PROM_OPENMETRICS)
		fputs("# EOF\n", f);
	return ferror(f) ? -EIO : 0;
}
