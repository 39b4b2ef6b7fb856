/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stats.c - optinctl stats: counts per list and status, suppressions
 * per reason, history; as text or in Prometheus' text format
 *
 * SYNOPSIS
 *	optinctl stats [--prometheus] [--output FILE]
 *
 * DESCRIPTION
 *	One read transaction counts every consent record per list and
 *	status, every suppression per reason, and every history record
 *	per list, actor and new state. Plain output is one line per list,
 *	one for suppressions and one for the history. --prometheus writes
 *	the same as gauges (and the history as counters) in the text
 *	exposition format that node_exporter's textfile collector reads;
 *	--output FILE writes a new file beside FILE and renames it over
 *	FILE (ctl_replace_file()), so that
 *	the collector never reads half a file.
 *
 * DIAGNOSTICS
 *	Exit 0; 64 usage; 69/75 database; 73 the output cannot be written.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "model.h"

#define STATS_LISTS	256
#define STATS_CHANGES	1024

struct change_count {
	char	list[CONF_NAME_MAX + 1];
	int	actor;
	char	state[40];
	unsigned long n;
};

struct stats {
	char	name[STATS_LISTS][CONF_NAME_MAX + 1];
	unsigned long count[STATS_LISTS][STATUS_MAX + 1];
	size_t	n;
	int	overflow;
	unsigned long supp[SUPP_MAX + 1];
	unsigned long history;
	struct change_count chg[STATS_CHANGES];
	size_t	nchg;
};

static int
stats_consent(void *arg, const char *addr, const char *list,
    const struct consent_rec *r)
{
	struct stats *s = arg;
	size_t i;

	(void)addr;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->name[i], list) == 0)
			break;
	if (i == s->n) {
		if (s->n == STATS_LISTS) {
			s->overflow = 1;
			return (0);
		}
		(void)strlcpy(s->name[s->n++], list, sizeof(s->name[0]));
	}
	s->count[i][r->status]++;
	return (0);
}

static int
stats_supp(void *arg, const char *addr, const struct supp_rec *r)
{
	struct stats *s = arg;

	(void)addr;
	s->supp[r->reason]++;
	/* a person who unsubscribed from all, under a stronger reason too */
	if (r->all_changed != 0)
		s->supp[SUPP_UNSUBSCRIBE_ALL]++;
	return (0);
}

static int
stats_history(void *arg, const struct history_rec *h)
{
	struct stats *s = arg;
	size_t i;

	s->history++;
	for (i = 0; i < s->nchg; i++)
		if (s->chg[i].actor == h->actor &&
		    strcmp(s->chg[i].list, h->list) == 0 &&
		    strcmp(s->chg[i].state, h->new_state) == 0)
			break;
	if (i == s->nchg) {
		if (s->nchg == STATS_CHANGES) {
			s->overflow = 1;
			return (0);
		}
		s->nchg++;
		(void)strlcpy(s->chg[i].list, h->list, sizeof(s->chg[i].list));
		(void)strlcpy(s->chg[i].state, h->new_state,
		    sizeof(s->chg[i].state));
		s->chg[i].actor = h->actor;
	}
	s->chg[i].n++;
	return (0);
}

/* label - V as a Prometheus label value: \, " and newline escaped */
static const char *
label(const char *v, char *buf, size_t len)
{
	size_t o = 0;

	for (; *v != '\0' && o + 3 < len; v++) {
		if (*v == '\\' || *v == '"') {
			buf[o++] = '\\';
			buf[o++] = *v;
		} else if (*v == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else
			buf[o++] = *v;
	}
	buf[o] = '\0';
	return (buf);
}

/* print_text - the plain lines */
static void
print_text(FILE *fp, const struct ctl *c, const struct stats *s)
{
	size_t i;
	int st;

	for (i = 0; i < s->n; i++) {
		(void)fprintf(fp, "list %s", s->name[i]);
		for (st = STATUS_MIN; st <= STATUS_MAX; st++)
			(void)fprintf(fp, " %s=%lu", status_name(st),
			    s->count[i][st]);
		if (conf_find_list(c->conf, s->name[i]) == NULL)
			(void)fprintf(fp, " (not configured)");
		(void)fprintf(fp, "\n");
	}
	(void)fprintf(fp, "suppression");
	for (st = SUPP_MIN; st <= SUPP_MAX; st++)
		(void)fprintf(fp, " %s=%lu", supp_name(st), s->supp[st]);
	(void)fprintf(fp, "\nhistory records=%lu\n", s->history);
	if (s->overflow)
		(void)fprintf(fp, "note: more than %d lists; the rest not "
		    "counted\n", STATS_LISTS);
}

/* print_prometheus - the text exposition format, version 0.0.4 */
static void
print_prometheus(FILE *fp, const struct ctl *c, const struct stats *s)
{
	char l1[2 * CONF_NAME_MAX + 8], l2[96];
	size_t i;
	int st;

	(void)fprintf(fp, "# HELP optin_consent_records Consent records "
	    "per list and status.\n# TYPE optin_consent_records gauge\n");
	for (i = 0; i < s->n; i++)
		for (st = STATUS_MIN; st <= STATUS_MAX; st++)
			(void)fprintf(fp, "optin_consent_records{list=\"%s\","
			    "status=\"%s\"} %lu\n", label(s->name[i], l1,
			    sizeof(l1)), status_name(st), s->count[i][st]);
	(void)fprintf(fp, "# HELP optin_list_configured 1 for a list of the "
	    "configuration, 0 for one found only in the database.\n"
	    "# TYPE optin_list_configured gauge\n");
	for (i = 0; i < s->n; i++)
		(void)fprintf(fp, "optin_list_configured{list=\"%s\"} %d\n",
		    label(s->name[i], l1, sizeof(l1)),
		    conf_find_list(c->conf, s->name[i]) != NULL);
	(void)fprintf(fp, "# HELP optin_suppressions Suppressed addresses "
	    "and domains per reason.\n# TYPE optin_suppressions gauge\n");
	for (st = SUPP_MIN; st <= SUPP_MAX; st++)
		(void)fprintf(fp, "optin_suppressions{reason=\"%s\"} %lu\n",
		    supp_name(st), s->supp[st]);
	(void)fprintf(fp, "# HELP optin_history_records History records.\n"
	    "# TYPE optin_history_records gauge\n"
	    "optin_history_records %lu\n", s->history);
	/* a gauge: erasure removes history records, so it can go down */
	(void)fprintf(fp, "# HELP optin_history_changes Consent and suppression "
	    "changes in the history now, per list (\"\" for suppressions), "
	    "actor and new state.\n# TYPE optin_history_changes gauge\n");
	for (i = 0; i < s->nchg; i++)
		(void)fprintf(fp, "optin_history_changes{list=\"%s\",actor=\"%s\","
		    "state=\"%s\"} %lu\n", label(s->chg[i].list, l1, sizeof(l1)),
		    actor_name(s->chg[i].actor),
		    label(s->chg[i].state, l2, sizeof(l2)), s->chg[i].n);
	(void)fprintf(fp, "# HELP optin_stats_overflow 1 when some lists or "
	    "changes were not counted.\n# TYPE optin_stats_overflow gauge\n"
	    "optin_stats_overflow %d\n", s->overflow);
	(void)fprintf(fp, "# HELP optin_stats_time_seconds When these counts "
	    "were taken.\n# TYPE optin_stats_time_seconds gauge\n"
	    "optin_stats_time_seconds %lld\n", (long long)time(NULL));
}

struct out {
	const struct ctl *c;
	const struct stats *s;
	int	prom;
};

static int
write_out(FILE *fp, void *arg)
{
	const struct out *o = arg;

	if (o->prom)
		print_prometheus(fp, o->c, o->s);
	else
		print_text(fp, o->c, o->s);
	return (ferror(fp) ? -1 : 0);
}

/* write_file - FILE made anew (ctl_replace_file()): 0, or an exit status */
static int
write_file(const char *file, const struct ctl *c, const struct stats *s,
    int prom)
{
	struct out o = { c, s, prom };

	return (ctl_replace_file("stats", file, write_out, &o));
}

int
verb_stats(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
		{ "prometheus", 0, NULL },
		{ "output", 1, NULL },
		{ NULL, 0, NULL }
	};
	const char *pos[1];
	struct store_txn *tx;
	struct stats *s;
	char err[512];
	size_t i;
	int rc;

	if (ctl_args("stats", argc, argv, opts, pos, 0) != 0) {
		ctl_err("usage: stats [--prometheus] [--output FILE]");
		return (EX_USAGE);
	}
	if ((rc = ctl_open_store(c, STORE_RDONLY)) != 0)
		return (rc);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		ctl_err("out of memory");
		return (EX_OSERR);
	}
	/* configured lists first, in file order, even when empty */
	for (i = 0; i < c->conf->nlists && i < STATS_LISTS; i++)
		(void)strlcpy(s->name[s->n++], c->conf->lists[i].name,
		    sizeof(s->name[0]));
	if (store_read_begin(c->st, &tx, err, sizeof(err)) < 0) {
		ctl_err("database: %s", err);
		free(s);
		return (EX_TEMPFAIL);
	}
	if (store_each_consent(tx, NULL, stats_consent, s) < 0 ||
	    store_each_suppression(tx, stats_supp, s) < 0 ||
	    store_each_history(tx, NULL, stats_history, s) < 0) {
		ctl_err("database: %s", store_txn_error(tx));
		store_read_end(tx);
		free(s);
		return (EX_TEMPFAIL);
	}
	store_read_end(tx);
	if (opts[1].value != NULL)
		rc = write_file(opts[1].value, c, s, opts[0].value != NULL);
	else if (opts[0].value != NULL)
		print_prometheus(stdout, c, s);
	else {
		print_text(stdout, c, s);
		/* the reports of optin-feedback, per list and day */
		if (store_read_begin(c->st, &tx, err, sizeof(err)) < 0) {
			ctl_err("database: %s", err);
			rc = EX_TEMPFAIL;
		} else {
			if (ctl_stats_feedback(tx) < 0) {
				ctl_err("database: %s", store_txn_error(tx));
				rc = EX_TEMPFAIL;
			}
			store_read_end(tx);
		}
	}
	free(s);
	return (rc);
}
