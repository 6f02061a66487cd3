// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "report/units.h"

static const struct {
	const char *name;
	__u64 ns;
	int decimals;	/* for ns precision */
} units[] = {
	[UNIT_NS] = { "ns", 1, 0 },
	[UNIT_US] = { "us", 1000, 3 },
	[UNIT_MS] = { "ms", 1000000, 6 },
	[UNIT_S] = { "s", 1000000000, 9 },
};

int unit_parse(const char *s)
{
	for (int u = UNIT_NS; u <= UNIT_S; u++)
		if (!strcmp(s, units[u].name))
			return u;
	return -1;
}

/* x with 3 significant digits, without trailing zeros */
static void sig3(char *buf, size_t len, double x)
{
	char *dot;
	size_t n;

	snprintf(buf, len, "%.*f", x >= 99.95 ? 0 : x >= 9.995 ? 1 : 2, x);
	dot = strchr(buf, '.');
	if (!dot)
		return;
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = 0;
	if (buf[n - 1] == '.')
		buf[n - 1] = 0;
}

const char *fmt_time(char *buf, size_t len, __u64 ns, enum time_unit u)
{
	char num[48];

	if (u == UNIT_AUTO) {
		u = UNIT_NS;
		/* the next unit once the value rounds to 1000 of this one */
		while (u < UNIT_S && ns >= units[u].ns * 1000 - units[u].ns / 2)
			u++;
		sig3(num, sizeof(num), (double)ns / units[u].ns);
	} else {
		int d = units[u].decimals;
		__u64 whole = ns / units[u].ns, frac = ns % units[u].ns;

		snprintf(num, sizeof(num), "%llu.%0*llu", (unsigned long long)whole, d,
			 (unsigned long long)frac);
		if (!d || !frac)	/* whole numbers without the dot */
			*strchr(num, '.') = 0;
		else
			for (size_t n = strlen(num); num[n - 1] == '0'; n--)
				num[n - 1] = 0;
	}
	snprintf(buf, len, "%s%s", num, units[u].name);
	return buf;
}

const char *fmt_time_res(char *buf, size_t len, __u64 ns, enum time_unit u, __u64 res)
{
	char r[32];

	if (res > 1 && ns < res) {
		snprintf(buf, len, "< %s", fmt_time(r, sizeof(r), res, u));
		return buf;
	}
	return fmt_time(buf, len, ns, u);
}

void clock_res_note(__u64 *res, __u64 ts_ns)
{
	/* every event of a replay: tracefs' microseconds (1000) and
	 * nanoseconds (1) without a division (a constant's is a multiplication) */
	if (*res == 1000 ? !(ts_ns % 1000) : *res == 1)
		return;
	if (!*res)
		*res = 1000000000;
	while (*res > 1 && ts_ns % *res)
		*res /= 10;
}

__u64 report_clock_res(const struct report *rep)
{
	return rep->clock_res_ns > 1 ? rep->clock_res_ns : 1;
}

__u64 hist_below_res(const struct pinscope_hist *h, __u64 res)
{
	__u64 n = 0;

	/* whole slots only: below res, only 0 is a multiple of res, and the
	 * slot holding res starts above res - res/32, past every 0 */
	for (int i = 0; i < PINSCOPE_HIST_SLOTS && hist_slot_hi(i) <= res; i++)
		n += h->slots[i];
	return n;
}

__u64 report_percentile(const struct report *rep, const struct pinscope_hist *h, double pct)
{
	__u64 v = hist_percentile(h, pct), res = report_clock_res(rep);

	if (res > 1) {
		v = (v + res / 2) / res * res;
		if (v > h->max)
			v = h->max;
	}
	return v;
}
