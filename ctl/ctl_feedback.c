/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_feedback.c - optinctl's view of bounces and complaints
 *
 * SYNOPSIS
 *	ctl_show_feedback(tx, key);	inside "show"
 *	ctl_stats_feedback(tx);		inside "stats"
 *
 * DESCRIPTION
 *	"show" prints the bounce score of an address and the reports that
 *	optin-feedback recorded for it (history records "report:CLASS"),
 *	the evidence behind a bounce or complaint suppression. "stats"
 *	counts the reports per list and per day (UTC): bounces (hard,
 *	permanent and soft), complaints, and refusals for policy.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "model.h"

#define FB_DAYS_MAX	4096

static int
show_report(void *arg, const struct history_rec *h)
{
	char t[TIME_BUFSIZE];

	(void)arg;
	if (strncmp(h->new_state, "report:", 7) != 0)
		return (0);
	(void)printf("report %s %s list=%s %s\n", time_format(h->time, t,
	    sizeof(t)), ctl_w(0, h->address), ctl_w(1, h->list),
	    h->new_state + 7);
	(void)printf("  %s\n", ctl_q(3, h->evidence));
	return (0);
}

int
ctl_show_feedback(struct store_txn *tx, const char *key)
{
	struct bounce_rec b;
	char t[TIME_BUFSIZE];
	int rc;

	if ((rc = store_get_bounce(tx, key, &b)) < 0)
		return (-1);
	if (rc == 1 && (b.score != 0 || b.count != 0))
		(void)printf("bounce-score %s %lld.%02lld bounces=%lld last=%s\n",
		    key, (long long)(b.score / 100), (long long)(b.score % 100),
		    (long long)b.count, time_format(b.last, t, sizeof(t)));
	if (rc == 1 && b.lifted != 0)
		(void)printf("lifted %s %s\n", key, time_format(b.lifted, t,
		    sizeof(t)));
	return (store_each_history(tx, key, show_report, NULL) < 0 ? -1 : 0);
}

struct fb_day {
	char	list[CONF_NAME_MAX + 1];
	int64_t	day;
	unsigned long bounce, complaint, policy;
};

struct fb_stats {
	struct fb_day *d;
	size_t	n;
	int	overflow;
};

static int
stats_report(void *arg, const struct history_rec *h)
{
	struct fb_stats *s = arg;
	const char *cls = h->new_state + 7;
	int64_t day = h->time / 86400;
	size_t i;

	if (strncmp(h->new_state, "report:", 7) != 0)
		return (0);
	for (i = s->n; i > 0; i--)	/* the history is in time order */
		if (s->d[i - 1].day == day &&
		    strcmp(s->d[i - 1].list, h->list) == 0)
			break;
	if (i == 0) {
		if (s->n == FB_DAYS_MAX) {
			s->overflow = 1;
			return (0);
		}
		i = ++s->n;
		memset(&s->d[i - 1], 0, sizeof(s->d[0]));
		(void)snprintf(s->d[i - 1].list, sizeof(s->d[0].list), "%s",
		    h->list);
		s->d[i - 1].day = day;
	}
	if (strcmp(cls, "complaint") == 0)
		s->d[i - 1].complaint++;
	else if (strcmp(cls, "policy") == 0)
		s->d[i - 1].policy++;
	else if (strcmp(cls, "hard") == 0 || strcmp(cls, "permanent") == 0 ||
	    strcmp(cls, "soft") == 0)
		s->d[i - 1].bounce++;
	return (0);
}

static int
by_list_day(const void *a, const void *b)
{
	const struct fb_day *x = a, *y = b;
	int c = strcmp(x->list, y->list);

	if (c != 0)
		return (c);
	return (x->day < y->day ? -1 : x->day > y->day);
}

int
ctl_stats_feedback(struct store_txn *tx)
{
	struct fb_stats s;
	char t[TIME_BUFSIZE];
	size_t i;

	memset(&s, 0, sizeof(s));
	if ((s.d = calloc(FB_DAYS_MAX, sizeof(*s.d))) == NULL) {
		ctl_err("out of memory");
		return (-1);
	}
	if (store_each_history(tx, NULL, stats_report, &s) < 0) {
		free(s.d);
		return (-1);
	}
	qsort(s.d, s.n, sizeof(*s.d), by_list_day);
	for (i = 0; i < s.n; i++) {
		(void)time_format(s.d[i].day * 86400, t, sizeof(t));
		t[10] = '\0';		/* the date */
		(void)printf("feedback %s %s bounces=%lu complaints=%lu "
		    "policy=%lu\n", s.d[i].list, t, s.d[i].bounce,
		    s.d[i].complaint, s.d[i].policy);
	}
	if (s.overflow)
		(void)printf("note: more than %d list-days of reports; the rest "
		    "not counted\n", FB_DAYS_MAX);
	free(s.d);
	return (0);
}
