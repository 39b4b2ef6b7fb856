/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model.c - names of statuses, reasons, consent kinds and actors;
 * the UTC time format used in exports and history.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

static const char *const status_names[] = {
	NULL, "opt-in", "relationship", "opt-out", "pending",
};
static const char *const supp_names[] = {
	NULL, "unsubscribe-all", "bounce", "complaint", "manual", "legal",
};
static const char *const kind_names[] = {
	NULL, "express", "relationship", "none",
};
static const char *const actor_names[] = {
	NULL, "cli", "unsubd", "milter", "import", "feedback",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* name_of - table lookup that never returns NULL */
static const char *
name_of(const char *const *tab, size_t n, int v)
{
	if (v <= 0 || (size_t)v >= n)
		return ("unknown");
	return (tab[v]);
}

/* value_of - reverse lookup; 0 when unknown */
static int
value_of(const char *const *tab, size_t n, const char *name)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(tab[i], name) == 0)
			return ((int)i);
	return (0);
}

const char *status_name(int v) { return (name_of(status_names, NELEM(status_names), v)); }
int status_parse(const char *s) { return (value_of(status_names, NELEM(status_names), s)); }
const char *supp_name(int v) { return (name_of(supp_names, NELEM(supp_names), v)); }
int supp_parse(const char *s) { return (value_of(supp_names, NELEM(supp_names), s)); }
const char *consent_kind_name(int v) { return (name_of(kind_names, NELEM(kind_names), v)); }
int consent_kind_parse(const char *s) { return (value_of(kind_names, NELEM(kind_names), s)); }
const char *actor_name(int v) { return (name_of(actor_names, NELEM(actor_names), v)); }

const char *
time_format(int64_t t, char *buf, size_t buflen)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0) {
		if (buflen > 0)
			buf[0] = '\0';
		return (buf);
	}
	/*
	 * a time no calendar holds (a damaged or hand-made record) shows as
	 * @SECONDS: not as no date, which an import would take for "now"
	 */
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, buflen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(buf, buflen, "@%lld", (long long)t);
	return (buf);
}

/* days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (int64_t)doe - 719468);
}

int
time_parse(const char *s, int64_t *out)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	unsigned y, mo, d, h = 0, mi = 0, se = 0;
	int n = 0;
	size_t len = strlen(s);

	if (len == 0) {
		*out = 0;
		return (0);
	}
	if (len == 10) {
		if (sscanf(s, "%4u-%2u-%2u%n", &y, &mo, &d, &n) != 3 || n != 10)
			return (-1);
	} else if (len == 20) {
		if (sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2uZ%n", &y, &mo, &d, &h,
		    &mi, &se, &n) != 6 || n != 20)
			return (-1);
	} else
		return (-1);
	/* sscanf accepts signs and spaces inside %u: insist on digits */
	for (n = 0; s[n] != '\0'; n++) {
		if (n == 4 || n == 7) {
			if (s[n] != '-')
				return (-1);
		} else if (n == 10 || n == 13 || n == 16 || n == 19)
			continue;
		else if (s[n] < '0' || s[n] > '9')
			return (-1);
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h > 23 || mi > 59 || se > 59)
		return (-1);
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return (-1);
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return (0);
}
