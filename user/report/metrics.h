/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The metric families of --prometheus and --metrics, declared once:
 * user/report/prom.c writes them from this table, docs/metrics.md documents them
 * and tests/report/test_metrics.c checks that the two list the same names.
 * X(id, name, type, unit, labels, help); name is the family name of the
 * Prometheus 0.0.4 format (counters end in _total), unit "" = none.
 */
#ifndef PINSCOPE_METRICS_H
#define PINSCOPE_METRICS_H

#define PINSCOPE_METRICS(X)							\
	X(HOLD, "pinscope_split_lock_hold_seconds", "histogram", "seconds", "op,path", \
	  "How long a split PTE lock was held during a pin or unpin, by path (ordinary, or suspend: against init_mm)") \
	X(OP_TIME, "pinscope_operation_seconds", "histogram", "seconds", "op",		\
	  "Duration of one pin or unpin operation")					\
	X(FLUSH_TIME, "pinscope_multicall_flush_seconds", "histogram", "seconds", "",	\
	  "Duration of xen_mc_flush inside a pin or unpin (fentry mode only)")	\
	X(OPS, "pinscope_operations_total", "counter", "", "op,path",		\
	  "Pin and unpin operations seen, by path (ordinary, or suspend: against init_mm)") \
	X(FLUSHES, "pinscope_multicall_flushes_total", "counter", "", "reason",	\
	  "Multicall batches flushed, by flush reason")					\
	X(CHECKS, "pinscope_invariant_checks_total", "counter", "", "rule",		\
	  "Times a rule of the pinning algorithm was checked")				\
	X(UNSEEN, "pinscope_invariant_unseen_total", "counter", "", "rule",		\
	  "Operations a rule was not judged on: a step it needs was not seen")	\
	X(VIOLATIONS, "pinscope_invariant_violations_total", "counter", "", "rule",	\
	  "Times a rule of the pinning algorithm was violated")				\
	X(LOST, "pinscope_lost_total", "counter", "", "what",				\
	  "Events, records or table entries lost or not judged, by kind")		\
	X(LOCKS_MAX, "pinscope_locks_held_max", "gauge", "", "path",		\
	  "Most split locks one operation held at once, by path (65 = more than 64)") \
	X(INFO, "pinscope_info", "gauge", "", "mode,kernel,version,lean,not_recorded",	\
	  "Always 1: attach mode, kernel release, pinscope version, lean (1: --lean), "	\
	  "what --lean left out")

enum pinscope_metric {
#define PINSCOPE_METRIC_ENUM(id, name, type, unit, labels, help) PINSCOPE_M_##id,
	PINSCOPE_METRICS(PINSCOPE_METRIC_ENUM)
#undef PINSCOPE_METRIC_ENUM
	PINSCOPE_NR_METRICS,
};

struct pinscope_metric_desc {
	const char *name, *type, *unit, *labels, *help;
};

extern const struct pinscope_metric_desc pinscope_metrics[PINSCOPE_NR_METRICS];

/* Histogram buckets: le = 2^i ns - 1 ns for i in [LE_MIN, LE_MAX], then +Inf */
#define PINSCOPE_LE_MIN_LOG2 4		/* 15 ns */
#define PINSCOPE_LE_MAX_LOG2 34		/* 17.2 s */

#endif
