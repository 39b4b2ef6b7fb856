/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_confirm.c - optinctl's confirmed opt-in: subscribe --confirm,
 * expire, and show --json (the evidence chain of a person's consent)
 *
 * DESCRIPTION
 *	subscribe ADDR LIST --confirm records pending and sends the
 *	confirmation message through sendmail-path, as optin-unsubd's /s
 *	does, by the same rules (policy/confirm.c): nothing to a suppressed
 *	address (but for its own unsubscribe-all, which stays until the
 *	person confirms, as an opt-out does), nothing twice within
 *	confirm-interval.
 *
 *	expire removes pending records older than confirm-ttl; the shipped
 *	systemd timer runs it daily.
 *
 *	show ADDR --json prints every record of ADDR (its tagged and
 *	domain forms too), the decisions, and per consent record the
 *	chain of history events that led to it (request, confirmation,
 *	withdrawal) with their evidence: what a data subject access
 *	request asks for.
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "addr.h"
#include "confirm.h"
#include "ctl.h"
#include "decide.h"
#include "listhdr.h"
#include "mailsend.h"
#include "model.h"
#include "text.h"
#include "token.h"

#define CONFIRM_MSG_MAX	16384

/* who - "uid=N" of the person running optinctl */
static const char *
who(char *buf, size_t len)
{
	(void)snprintf(buf, len, "route=optinctl uid=%u", (unsigned)getuid());
	return (buf);
}

struct req_job {
	const struct conf *conf;
	const char *addr;
	const struct conf_list *list;
	struct change ch;
	enum confirm_req res;
};

static int
do_request(struct store_txn *tx, void *arg)
{
	struct req_job *j = arg;

	return (confirm_request(tx, j->conf, j->addr, j->list, j->ch.time,
	    &j->ch, NULL, &j->res));
}

int
ctl_subscribe_confirm(struct ctl *c, const char *addr,
    const struct conf_list *l, const char *source)
{
	struct token_keys *k;
	struct req_job j;
	const struct conf_list *one[1];
	const char *urls[1], *state;
	char err[512], ev[128], tok[TOKEN_BUFSIZE], id[33], *msg;
	char url[CONF_URL_MAX + TOKEN_BUFSIZE];
	unsigned char rnd[16];
	size_t len;
	int rc;

	if (addr_is_domain(addr)) {
		ctl_err("subscribe --confirm: a domain cannot confirm");
		return (EX_DATAERR);
	}
	if (c->conf->confirm_from[0] == '\0' || c->conf->confirm_url[0] ==
	    '\0') {
		ctl_err("subscribe --confirm: confirm-from and confirm-url "
		    "must be set in %s", c->conf->path);
		return (EX_CONFIG);
	}
	if (token_keys_load(c->conf->secret_file, &k, err, sizeof(err)) < 0) {
		ctl_err("%s", err);
		return (EX_CONFIG);
	}
	if ((rc = ctl_open_store(c, 0)) != 0) {
		token_keys_free(k);
		return (rc);
	}
	memset(&j, 0, sizeof(j));
	j.conf = c->conf;
	j.addr = addr;
	j.list = l;
	j.ch.actor = ACTOR_CLI;
	/* "confirm" marks what the person confirmed (decide()) */
	j.ch.source = source != NULL && strcmp(source, CONFIRM_SOURCE) != 0 ?
	    source : "optinctl";
	j.ch.evidence = who(ev, sizeof(ev));
	j.ch.time = (int64_t)time(NULL);
	if (store_write(c->st, do_request, &j, err, sizeof(err)) < 0) {
		token_keys_free(k);
		ctl_err("database: %s", err);
		return (EX_TEMPFAIL);
	}
	if (j.res != CREQ_SEND && j.res != CREQ_SEND_KEPT) {
		token_keys_free(k);
		(void)printf("%s %s %s: no confirmation sent\n", addr, l->name,
		    j.res == CREQ_SUPPRESSED ? "suppressed" :
		    j.res == CREQ_ALREADY ? "receives the list already" :
		    "confirmation sent within confirm-interval");
		return (j.res == CREQ_SUPPRESSED ? EX_DATAERR : 0);
	}
	rc = token_seal_confirm(k, l->name, addr, j.ch.time, tok, sizeof(tok));
	token_keys_free(k);
	if (rc < 0 || listhdr_url(c->conf->confirm_url, tok, url,
	    sizeof(url)) < 0 || (msg = malloc(CONFIRM_MSG_MAX)) == NULL) {
		ctl_err("subscribe --confirm: cannot make the link");
		return (EX_SOFTWARE);
	}
	one[0] = l;
	urls[0] = url;
	randombytes_buf(rnd, sizeof(rnd));
	(void)sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	if ((len = confirm_message(c->conf, addr, one, urls, 1, j.ch.time, id,
	    msg, CONFIRM_MSG_MAX)) == 0) {
		free(msg);
		ctl_err("subscribe --confirm: message too large");
		return (EX_SOFTWARE);
	}
	rc = mail_send(c->conf->sendmail_path, c->conf->confirm_from, addr,
	    msg, len, err, sizeof(err));
	free(msg);
	state = j.res == CREQ_SEND_KEPT ? "kept until confirmed" : "pending";
	if (rc < 0) {
		ctl_err("subscribe --confirm: %s %s, but the confirmation "
		    "was not sent: %s", addr, state, err);
		return (EX_TEMPFAIL);
	}
	(void)printf("%s %s %s (confirmation sent)\n", addr, l->name, state);
	return (0);
}

/* ---------------------------------------------------------- expire */

struct expire_job {
	const struct conf *conf;
	struct change ch;
	size_t	n;
};

static int
do_expire(struct store_txn *tx, void *arg)
{
	struct expire_job *j = arg;

	return (confirm_expire(tx, j->conf, j->ch.time, &j->ch, &j->n));
}

int
verb_expire(struct ctl *c, int argc, char **argv)
{
	struct expire_job j;
	char err[512], ev[128];
	const char *pos[1];
	int rc;

	if (ctl_args("expire", argc, argv, NULL, pos, 0) != 0) {
		ctl_err("usage: expire");
		return (EX_USAGE);
	}
	if ((rc = ctl_open_store(c, 0)) != 0)
		return (rc);
	memset(&j, 0, sizeof(j));
	j.conf = c->conf;
	j.ch.actor = ACTOR_CLI;
	j.ch.source = "expire";
	j.ch.evidence = who(ev, sizeof(ev));
	j.ch.time = (int64_t)time(NULL);
	if (store_write(c->st, do_expire, &j, err, sizeof(err)) < 0) {
		ctl_err("database: %s", err);
		return (EX_TEMPFAIL);
	}
	(void)printf("expired %zu pending record%s\n", j.n, j.n == 1 ? "" :
	    "s");
	return (0);
}

/* ---------------------------------------------------------- json */

/*
 * the document is built in memory and printed only when it is whole, so
 * that an error halfway leaves nothing a JSON reader could take for it
 */
static FILE *jout;

/* json_str - S as a JSON string (text_json()) */
static void
json_str(const char *s)
{
	text_json(jout, s);
}

/* json_time - a time as "YYYY-MM-DDTHH:MM:SSZ", or null for 0 */
static void
json_time(int64_t t)
{
	char buf[TIME_BUFSIZE];

	if (t == 0)
		(void)fputs("null", jout);
	else
		json_str(time_format(t, buf, sizeof(buf)));
}

/* json_supp - one suppression; UNDER names the reason over it, or NULL */
static void
json_supp(const char *key, int reason, int64_t changed, const char *source,
    const char *evidence, const char *under)
{
	(void)fputs("\n    {\"address\": ", jout);
	json_str(key);
	(void)fputs(", \"reason\": ", jout);
	json_str(supp_name(reason));
	(void)fputs(", \"changed\": ", jout);
	json_time(changed);
	(void)fputs(", \"source\": ", jout);
	json_str(source);
	(void)fputs(", \"evidence\": ", jout);
	json_str(evidence);
	if (under != NULL) {
		(void)fputs(", \"under\": ", jout);
		json_str(under);
	}
	(void)putc('}', jout);
}

struct hist {
	struct history_rec *h;
	size_t	n, cap;
	int	oom;
};

static int
collect_history(void *arg, const struct history_rec *h)
{
	struct hist *x = arg;
	void *nh;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;

		if ((nh = reallocarray(x->h, cap, sizeof(*x->h))) == NULL) {
			x->oom = 1;
			return (-1);
		}
		x->h = nh;
		x->cap = cap;
	}
	x->h[x->n++] = *h;
	return (0);
}

static void
json_event(const struct history_rec *h)
{
	(void)fprintf(jout, "{\"seq\": %llu, \"time\": ",
	    (unsigned long long)h->seq);
	json_time(h->time);
	(void)fputs(", \"actor\": ", jout);
	json_str(actor_name(h->actor));
	(void)fputs(", \"address\": ", jout);
	json_str(h->address);
	(void)fputs(", \"list\": ", jout);
	json_str(h->list);
	(void)fputs(", \"from\": ", jout);
	json_str(h->old_state);
	(void)fputs(", \"to\": ", jout);
	json_str(h->new_state);
	(void)fputs(", \"source\": ", jout);
	json_str(h->source);
	(void)fputs(", \"evidence\": ", jout);
	json_str(h->evidence);
	(void)putc('}', jout);
}

struct jconsent {
	const struct hist *hist;
	int	first;
};

static int
json_consent(void *arg, const char *addr, const char *list,
    const struct consent_rec *r)
{
	struct jconsent *j = arg;
	size_t i;
	int first = 1;

	(void)fprintf(jout, "%s\n    {\"address\": ", j->first ? "" : ",");
	j->first = 0;
	json_str(addr);
	(void)fputs(", \"list\": ", jout);
	json_str(list);
	(void)fputs(", \"status\": ", jout);
	json_str(status_name(r->status));
	(void)fputs(", \"changed\": ", jout);
	json_time(r->changed);
	(void)fputs(", \"expires\": ", jout);
	json_time(r->expires);
	(void)fputs(", \"source\": ", jout);
	json_str(r->source);
	(void)fputs(", \"evidence\": ", jout);
	json_str(r->evidence);
	/* the events that led here: request, confirmation, withdrawal */
	(void)fputs(",\n     \"chain\": [", jout);
	for (i = 0; i < j->hist->n; i++) {
		const struct history_rec *h = &j->hist->h[i];

		if (strcmp(h->address, addr) != 0 || strcmp(h->list, list) != 0)
			continue;
		(void)fputs(first ? "\n      " : ",\n      ", jout);
		first = 0;
		json_event(h);
	}
	(void)fputs(first ? "]}" : "\n     ]}", jout);
	return (0);
}

int
ctl_show_json(struct ctl *c, const char *addr)
{
	char kbuf[ADDR_KEYS_BUFSIZE], err[512], why[64];
	const char *keys[3];
	struct store_txn *tx;
	struct supp_rec s;
	struct decision d;
	struct hist hist;
	struct jconsent jc;
	char *doc = NULL;
	size_t i, doclen = 0;
	int n, k, rc, first;

	if ((rc = ctl_open_store(c, STORE_RDONLY)) != 0)
		return (rc);
	if (store_read_begin(c->st, &tx, err, sizeof(err)) < 0) {
		ctl_err("database: %s", err);
		return (EX_TEMPFAIL);
	}
	memset(&hist, 0, sizeof(hist));
	if ((jout = open_memstream(&doc, &doclen)) == NULL) {
		hist.oom = 1;
		goto dberr;
	}
	n = addr_keys(addr, c->conf->recipient_delimiter, kbuf, keys);
	for (k = 0; k < n; k++)
		if (store_each_history(tx, keys[k], collect_history, &hist) < 0)
			goto dberr;
	(void)fputs("{\"address\": ", jout);
	json_str(addr);
	(void)fputs(",\n \"consent\": [", jout);
	jc.hist = &hist;
	jc.first = 1;
	for (k = 0; k < n; k++)
		if (store_each_consent(tx, keys[k], json_consent, &jc) < 0)
			goto dberr;
	(void)fputs(jc.first ? "],\n" : "\n ],\n", jout);
	(void)fputs(" \"suppressions\": [", jout);
	for (k = 0, first = 1; k < n; k++) {
		if ((rc = store_get_suppression(tx, keys[k], &s)) < 0)
			goto dberr;
		if (rc == 0)
			continue;
		(void)fputs(first ? "" : ",", jout);
		first = 0;
		json_supp(keys[k], s.reason, s.changed, s.source, s.evidence,
		    NULL);
		/* the person's own, kept under it until it is lifted */
		if (s.all_changed != 0) {
			(void)putc(',', jout);
			json_supp(keys[k], SUPP_UNSUBSCRIBE_ALL, s.all_changed,
			    s.all_source, s.all_evidence, supp_name(s.reason));
		}
	}
	(void)fputs(first ? "],\n" : "\n ],\n", jout);
	(void)fputs(" \"decisions\": {", jout);
	for (i = 0, first = 1; !addr_is_domain(addr) && i < c->conf->nlists;
	    i++) {
		if (decide(tx, &c->conf->lists[i], addr,
		    c->conf->recipient_delimiter, time(NULL), &d) < 0)
			goto dberr;
		(void)fputs(first ? "\n    " : ",\n    ", jout);
		first = 0;
		json_str(c->conf->lists[i].name);
		(void)fputs(": ", jout);
		json_str(d.verdict == VERDICT_DELIVER ? "deliver" :
		    decision_reason(&d, why, sizeof(why)));
	}
	(void)fputs(first ? "},\n" : "\n },\n", jout);
	(void)fputs(" \"history\": [", jout);
	for (i = 0; i < hist.n; i++) {
		(void)fputs(i == 0 ? "\n    " : ",\n    ", jout);
		json_event(&hist.h[i]);
	}
	(void)fputs(hist.n == 0 ? "]}\n" : "\n ]}\n", jout);
	store_read_end(tx);
	free(hist.h);
	if (fclose(jout) != 0) {
		jout = NULL;
		free(doc);
		ctl_err("out of memory");
		return (EX_OSERR);
	}
	jout = NULL;
	rc = fwrite(doc, 1, doclen, stdout) == doclen ? 0 : EX_IOERR;
	free(doc);
	return (rc);
dberr:
	ctl_err("database: %s", hist.oom ? "out of memory" :
	    store_txn_error(tx));
	store_read_end(tx);
	free(hist.h);
	if (jout != NULL)
		(void)fclose(jout);
	jout = NULL;
	free(doc);
	return (EX_TEMPFAIL);
}
