/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * subscribe.c - confirmed opt-in: GET and POST /s, GET and POST /c/TOKEN
 *
 * DESCRIPTION
 *	GET /s		a page with every list that has "subscribe yes"
 *	POST /s		fields address and list (one or more): records
 *			"pending" and queues one confirmation message
 *			(policy/confirm.c decides); the answer is the same
 *			whatever the address's state
 *	GET /c/TOKEN	what will be confirmed, and a button; changes
 *			nothing (link scanners fetch every link)
 *	POST /c/TOKEN	field confirm=1: records "opt-in"
 *
 *	Abuse limits: subscribe-rate requests per client address and
 *	hour (429), at most pending-max pending records (beyond, requests
 *	are sent and not recorded: the link proves the request), and per
 *	address and list at most one confirmation per confirm-interval
 *	(policy/confirm.c). No confirmation goes to a suppressed address,
 *	but for the person's own unsubscribe-all (kept until confirmed).
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "addr.h"
#include "confirm.h"
#include "form.h"
#include "listhdr.h"
#include "model.h"
#include "mono.h"
#include "outbox.h"
#include "rate.h"
#include "unsubd.h"
#include "http.h"

#define RATE_SLOTS	4096
#define MAILBOX_SLOTS	16384
#define RATE_WINDOW	3600
#define PENDING_RECOUNT	60	/* seconds a count of pending records holds */
#define CONFIRM_MSG_MAX	16384

static pthread_mutex_t sub_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rate *rates;
static struct rate *mailboxes;
static size_t pending_n;
static time_t pending_at;		/* mono_sec() of the last count */
static int counted;			/* 0: not counted yet */
static uint64_t pending_adds;		/* pending_added() ever */

/* ---------------------------------------------------------- sending */

int
confirm_send(const struct unsubd_env *env, const char *addr,
    const struct conf_list *const *lists, size_t n)
{
	const struct conf *c = env->conf;
	char tok[TOKEN_BUFSIZE], id[33], *msg;
	char (*url)[CONF_URL_MAX + TOKEN_BUFSIZE];
	const char *urls[16];
	unsigned char rnd[16];
	time_t now = time(NULL);
	size_t i, len;
	int rc = -1;

	if (n == 0 || n > 16)
		return (n == 0 ? 0 : -1);
	if ((url = calloc(n, sizeof(*url))) == NULL)
		return (-1);
	if ((msg = malloc(CONFIRM_MSG_MAX)) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (token_seal_confirm(env->keys, lists[i]->name, addr,
		    (int64_t)now, tok, sizeof(tok)) < 0 ||
		    listhdr_url(c->confirm_url, tok, url[i], sizeof(url[i])) < 0)
			goto out;
		urls[i] = url[i];
	}
	randombytes_buf(rnd, sizeof(rnd));
	(void)sodium_bin2hex(id, sizeof(id), rnd, sizeof(rnd));
	if ((len = confirm_message(c, addr, lists, urls, n, (int64_t)now, id,
	    msg, CONFIRM_MSG_MAX)) == 0)
		goto out;
	if (outbox_put(c->sendmail_path, c->confirm_from, addr, msg, len) < 0) {
		ulog(LOG_ERR, "confirmation to <%s> not queued: the outbox is "
		    "full", addr);
		goto out;
	}
	rc = 0;
out:
	free(msg);
	free(url);
	return (rc);
}

/* ---------------------------------------------------------- limits */

/* rate_ok - 1 when the client may make another request now */
static int
rate_ok(struct MHD_Connection *conn, const struct conf *c)
{
	char ip[CLIENT_IP_MAX], fwd[CLIENT_IP_MAX], key[CLIENT_IP_MAX];

	client_of(conn, c, ip, fwd);
	client_key(fwd[0] ? fwd : ip, key);
	(void)pthread_mutex_lock(&sub_lock);
	if (rates == NULL)
		rates = rate_new(RATE_SLOTS);
	(void)pthread_mutex_unlock(&sub_lock);
	if (rates == NULL)
		return (0);
	return (rate_take(rates, key, (int64_t)mono_sec(), c->subscribe_rate,
	    RATE_WINDOW));
}

/*
 * mailbox_ok - 1 when a confirmation for LIST may go to ADDR's mailbox
 * now. confirm-interval holds per address and list in the database; here
 * it holds per mailbox too, whatever the spelling: user+tag@d, user@d
 * and the addresses that route on to it (confirm_mailbox()) are one
 * mailbox (with recipient-delimiter, or '+' without one),
 * so that a bomb of +tags gets one message per interval. In memory: a
 * restart forgets it, the database's limit stays (for an address that
 * opted out, which keeps its opt-out, this is the only limit). The
 * slots are found by a hash keyed with a secret of this process, so
 * that nobody can pick addresses that push a mailbox out of the table.
 */

int
mailbox_ok(const struct conf *c, const char *addr, const char *list)
{
	static unsigned char secret[crypto_generichash_KEYBYTES];
	static int have_secret;
	unsigned char h[16];
	char dest[ADDR_BUFSIZE], box[ADDR_BUFSIZE], key[2 * sizeof(h) + 1];
	char forms[2][ADDR_BUFSIZE];
	crypto_generichash_state st;

	if (c->confirm_interval <= 0)
		return (1);
	confirm_mailbox(addr, dest, sizeof(dest));
	if (addr_untag(dest, c->recipient_delimiter[0] != '\0' ?
	    c->recipient_delimiter : "+", box, sizeof(box)) != 1 &&
	    strlcpy(box, dest, sizeof(box)) >= sizeof(box))
		return (0);
	/*
	 * one mailbox at a provider that reads several spellings as one
	 * (Gmail: any +tag, dots, googlemail.com); without this, each
	 * spelling got a confirmation of its own
	 */
	if (confirm_provider_forms(box, forms) == 2)
		(void)memcpy(box, forms[1], sizeof(box));
	(void)pthread_mutex_lock(&sub_lock);
	if (!have_secret) {
		randombytes_buf(secret, sizeof(secret));
		have_secret = 1;
	}
	(void)pthread_mutex_unlock(&sub_lock);
	(void)crypto_generichash_init(&st, secret, sizeof(secret), sizeof(h));
	(void)crypto_generichash_update(&st, (const unsigned char *)box,
	    strlen(box) + 1);
	(void)crypto_generichash_update(&st, (const unsigned char *)list,
	    strlen(list));
	(void)crypto_generichash_final(&st, h, sizeof(h));
	(void)sodium_bin2hex(key, sizeof(key), h, sizeof(h));
	(void)pthread_mutex_lock(&sub_lock);
	if (mailboxes == NULL)
		mailboxes = rate_new(MAILBOX_SLOTS);
	(void)pthread_mutex_unlock(&sub_lock);
	if (mailboxes == NULL)
		return (0);
	return (rate_take(mailboxes, key, (int64_t)mono_sec(), 1,
	    c->confirm_interval));
}

int64_t unsubd_started;

int
mailbox_gate(void *arg, const struct conf_list *l)
{
	struct mailbox_gate *g = arg;
	size_t i = (size_t)(l - g->conf->lists);

	if (g->asked[i] == 0)
		g->asked[i] = mailbox_ok(g->conf, g->addr, l->name) ? 2 : 1;
	return (g->asked[i] == 2);
}

/*
 * pending_room - 1 when fewer than pending-max records are pending, -1
 * on a database error. sub_lock is a leaf: it is never held while the
 * store is used, since a writer asks mailbox_gate() (which takes it)
 * inside its transaction, and a read may have to wait for that writer
 * (a replaced data.mdb is reopened under the store's resize lock). One
 * thread recounts at a time; the others use the last count meanwhile,
 * or, before the first count, answer as for a database error. What was
 * added while the count ran is added to it (if the count saw it too,
 * the bound errs on the safe side until the next count).
 */
static int
pending_room(const struct unsubd_env *env)
{
	static int recounting;
	struct store_txn *tx;
	char err[256];
	uint64_t adds = 0;
	size_t n;
	int rc, again;

	(void)pthread_mutex_lock(&sub_lock);
	again = (!counted || mono_sec() - pending_at >= PENDING_RECOUNT) &&
	    !recounting;
	if (again) {
		recounting = 1;
		adds = pending_adds;
	} else if (!counted) {
		(void)pthread_mutex_unlock(&sub_lock);
		return (-1);		/* the first count is under way */
	}
	(void)pthread_mutex_unlock(&sub_lock);
	if (again) {
		rc = store_read_begin(env->store, &tx, err, sizeof(err));
		if (rc == 0) {
			rc = confirm_count_pending(tx, &n);
			store_read_end(tx);
		}
		(void)pthread_mutex_lock(&sub_lock);
		recounting = 0;
		if (rc == 0) {
			pending_n = n + (size_t)(pending_adds - adds);
			pending_at = mono_sec();
			counted = 1;
		}
		(void)pthread_mutex_unlock(&sub_lock);
		if (rc < 0)
			return (-1);
	}
	(void)pthread_mutex_lock(&sub_lock);
	rc = pending_n < (size_t)env->conf->pending_max;
	(void)pthread_mutex_unlock(&sub_lock);
	return (rc);
}

static void
pending_added(size_t n)
{
	(void)pthread_mutex_lock(&sub_lock);
	pending_n += n;
	pending_adds += n;
	(void)pthread_mutex_unlock(&sub_lock);
}

/* ---------------------------------------------------------- /s */

enum MHD_Result
s_get(struct MHD_Connection *conn, const struct unsubd_env *env)
{
	const struct conf *c = env->conf;
	struct buf b = { 0 };
	size_t i, n = 0;

	for (i = 0; i < c->nlists; i++)
		n += c->lists[i].subscribe;
	if (n == 0)
		return (error_page(conn, 404, "Not found",
		    "There is nothing here.", NULL));
	page_begin(&b, "Subscribe");
	buf_add(&b, "<h1>Subscribe</h1>\n<form method=\"post\" action=\"\">\n"
	    "<label class=\"address\">Your email address "
	    "<input type=\"email\" name=\"address\" required "
	    "autocomplete=\"email\" maxlength=\"254\"></label>\n<fieldset>\n");
	for (i = 0; i < c->nlists; i++) {
		const struct conf_list *l = &c->lists[i];

		if (!l->subscribe)
			continue;
		buf_add(&b, "<label><input type=\"checkbox\" name=\"list\" "
		    "value=\"");
		buf_html(&b, l->name);
		buf_add(&b, "\"> <span>");
		buf_html(&b, l->description);
		if (l->consent_text[0] != '\0') {
			buf_add(&b, "<span class=\"state\">");
			buf_html(&b, l->consent_text);
			buf_add(&b, "</span>");
		}
		buf_add(&b, "</span></label>\n");
	}
	buf_add(&b, "</fieldset>\n<button type=\"submit\">Subscribe</button>\n"
	    "</form>\n<p class=\"state\">We send a message to the address to "
	    "confirm. Nothing is sent to you before you confirm.</p>\n");
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
}

struct sub_form {
	const struct conf *conf;
	char	address[FORM_VALUE_MAX + 1];
	int	naddress;
	unsigned char *want;		/* per configured list */
	int	bad_list;
};

static int
sub_field(void *arg, const char *name, const char *value)
{
	struct sub_form *f = arg;
	size_t i;

	if (strcmp(name, "address") == 0) {
		(void)strlcpy(f->address, value, sizeof(f->address));
		f->naddress++;
	} else if (strcmp(name, "list") == 0) {
		for (i = 0; i < f->conf->nlists; i++)
			if (f->conf->lists[i].subscribe &&
			    strcmp(f->conf->lists[i].name, value) == 0)
				break;
		if (i == f->conf->nlists)
			f->bad_list = 1;
		else
			f->want[i] = 1;
	}
	return (0);
}

struct sub_job {
	const struct conf *conf;
	const char *addr;
	const unsigned char *want;
	const char *ev;			/* the request's evidence */
	struct mailbox_gate gate;	/* one per mailbox and interval */
	struct confirm_limit limit;
	unsigned char *send;		/* out: per list, a confirmation */
	size_t	nsend;
	size_t	npending;		/* out: of those, pending written */
	char	results[256];		/* out: for the log */
};

/*
 * do_subscribe - the write of a subscription request: pending for every
 * list that policy/confirm.c allows, in one transaction
 */
static int
do_subscribe(struct store_txn *tx, void *arg)
{
	static const char *const names[] = { "", "send", "suppressed",
	    "already", "recent", "send-kept" };
	struct sub_job *j = arg;
	const struct conf *c = j->conf;
	enum confirm_req res;
	struct change ch;
	char ev[STORE_EVIDENCE_MAX];
	int64_t now = (int64_t)time(NULL);
	size_t i;

	j->nsend = j->npending = 0;
	j->results[0] = '\0';
	for (i = 0; i < c->nlists; i++) {
		const struct conf_list *l = &c->lists[i];

		j->send[i] = 0;
		if (!j->want[i])
			continue;
		if (snprintf(ev, sizeof(ev), "%s consent=%s", j->ev,
		    l->consent_version[0] ? l->consent_version : "none") >=
		    (int)sizeof(ev))
			return (-1);
		memset(&ch, 0, sizeof(ch));
		ch.actor = ACTOR_UNSUBD;
		ch.source = "subscribe";
		ch.evidence = ev;
		ch.time = now;
		if (confirm_request(tx, c, j->addr, l, now, &ch, &j->limit,
		    &res) < 0)
			return (-1);
		/* opted out: sent as well, nothing pending (the opt-out
		 * stays until confirmed); mailbox_gate() limits both */
		if (res == CREQ_SEND || res == CREQ_SEND_KEPT) {
			j->send[i] = 1;
			j->nsend++;
			j->npending += res == CREQ_SEND;
		}
		(void)strlcat(j->results, " ", sizeof(j->results));
		(void)strlcat(j->results, l->name, sizeof(j->results));
		(void)strlcat(j->results, "=", sizeof(j->results));
		(void)strlcat(j->results, names[res], sizeof(j->results));
	}
	return (0);
}

/* origin - the web site of the form: Origin, else Referer's scheme://host */
static void
origin(struct MHD_Connection *conn, char *out, size_t len)
{
	char *p;

	header_text(conn, "Origin", out, len);
	if (out[0] != '\0' && strcmp(out, "null") != 0)
		return;
	header_text(conn, "Referer", out, len);
	if ((p = strstr(out, "://")) != NULL && (p = strchr(p + 3, '/')) !=
	    NULL)
		*p = '\0';
}

static enum MHD_Result
check_inbox(struct MHD_Connection *conn)
{
	struct buf b = { 0 };

	page_begin(&b, "Check your email");
	buf_add(&b, "<h1>Check your email</h1>\n<p>If this address can "
	    "receive our messages, we have sent it a link to confirm the "
	    "subscription. Nothing is sent to it before it is confirmed.</p>\n"
	    "<p class=\"state\">No message? Look in the spam folder, or ask "
	    "again in an hour.</p>\n");
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
}

/*
 * public_domain - 1 when ADDR's domain is one on the internet: not an
 * address literal ([10.0.0.5]) nor a bare number (root@10.0.0.5, which
 * Postfix's resolve_numeric_domain may send to that host), not a name
 * of one label (root@localhost,
 * ops@intranet) nor one of the names kept for local use. Anybody can
 * fill in the form: it must not make this server mail its own accounts
 * or hosts inside the network. public_route() asks it of every hop an
 * address routes on through as well (root%localhost@d, localhost!root@d,
 * u%public.example%inside@d).
 */
static int
public_domain(const char *addr)
{
	static const char *const local[] = { "localhost", "localdomain",
	    "local", "internal", "invalid", "home.arpa", "lan" };
	const char *d = strrchr(addr, '@'), *tail;
	size_t i, n, tn;

	if (d == NULL || *++d == '\0' || *d == '[' || strchr(d, '.') == NULL)
		return (0);
	if (d[(n = strlen(d)) - 1] == '.')
		return (0);	/* "localhost." */
	/* no top-level domain is all digits: 127.0.0.1 is a host's number */
	for (tail = d + n; tail > d && tail[-1] != '.'; tail--)
		;
	if (strspn(tail, "0123456789") == strlen(tail))
		return (0);
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		if ((tn = strlen(local[i])) > n)
			continue;
		tail = d + n - tn;
		if (strcasecmp(tail, local[i]) == 0 && (tail == d ||
		    tail[-1] == '.'))
			return (0);
	}
	return (1);
}

/*
 * public_route - 1 when ADDR's domain and that of every hop it routes on
 * through (addr_route(), as the servers on the way rewrite it) are
 * public_domain()s; an address that routes on to no usable address, or
 * through more hops than confirm_mailbox() follows, is not
 */
static int
public_route(const char *addr)
{
	char cur[ADDR_BUFSIZE], next[ADDR_BUFSIZE];
	int hop, rc;

	if (strlcpy(cur, addr, sizeof(cur)) >= sizeof(cur))
		return (0);
	for (hop = 0; hop < 8; hop++) {
		if (!public_domain(cur))
			return (0);
		if ((rc = addr_route(cur, next, sizeof(next))) <= 0)
			return (rc == 0);
		(void)memcpy(cur, next, sizeof(cur));
	}
	return (0);
}

enum MHD_Result
s_post(struct MHD_Connection *conn, const struct unsubd_env *env,
    const struct req *rq)
{
	const struct conf *c = env->conf;
	const struct conf_list *sel[16];
	struct sub_form f;
	struct sub_job j;
	char err[256], addr[ADDR_BUFSIZE], ev[STORE_EVIDENCE_MAX], org[80];
	char base[STORE_EVIDENCE_MAX];
	const char *ctype;
	enum MHD_Result ret;
	size_t i, n = 0, nwant = 0;
	int room;

	memset(&f, 0, sizeof(f));
	memset(&j, 0, sizeof(j));
	f.conf = c;
	if ((f.want = calloc(c->nlists + 1, 1)) == NULL ||
	    (j.send = calloc(c->nlists + 1, 1)) == NULL ||
	    (j.gate.asked = calloc(c->nlists + 1, 1)) == NULL) {
		free(f.want);
		free(j.send);
		return (MHD_NO);
	}
	ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Content-Type");
	if (form_parse(ctype, rq->body, rq->len, sub_field, &f, err,
	    sizeof(err)) < 0 || f.naddress != 1 || f.bad_list) {
		ret = error_page(conn, 400, "Not understood", "This request is "
		    "not the subscription form.", NULL);
		goto out;
	}
	for (i = 0; i < c->nlists; i++)
		nwant += f.want[i];
	if (nwant == 0 || nwant > 16) {
		ret = error_page(conn, 400, "Choose a list", nwant == 0 ?
		    "Choose at least one list to subscribe to." :
		    "Choose at most 16 lists at a time.", NULL);
		goto out;
	}
	/* one beginning with '-' would reach sendmail(1) as an option:
	 * mail_send() refuses it, so it is refused here, not recorded */
	if (addr_normalize(f.address, strlen(f.address), 0, addr, sizeof(addr),
	    err, sizeof(err)) < 0 || addr[0] == '-' || !public_route(addr)) {
		ret = error_page(conn, 400, "Not an email address", "Please "
		    "check the address: it is not one we can send to.", NULL);
		goto out;
	}
	if (!rate_ok(conn, c)) {
		ulog(LOG_NOTICE, "subscribe: client over subscribe-rate");
		ret = error_page(conn, 429, "Too many requests", "Too many "
		    "requests from your network. Please try again later.",
		    NULL);
		goto out;
	}
	if (env->store == NULL || (room = pending_room(env)) < 0) {
		ret = unavailable(conn);
		goto out;
	}
	/*
	 * A flood of requests must not shut the form: beyond pending-max a
	 * request is still sent, and not recorded; its link alone proves it
	 */
	if (!room) {
		ulog(LOG_WARNING, "subscribe: pending-max (%lld) reached: "
		    "confirmations go out unrecorded", c->pending_max);
		j.limit.no_record = 1;
	}
	evidence(conn, c, "POST /s", base, sizeof(base));
	origin(conn, org, sizeof(org));
	if (snprintf(ev, sizeof(ev), "%s origin=\"%s\"", base, org) >=
	    (int)sizeof(ev) - 32)
		(void)strlcpy(ev, base, sizeof(ev));
	j.conf = c;
	j.addr = addr;
	j.want = f.want;
	j.ev = ev;
	/* one confirmation per mailbox and list per interval: the lists
	 * held back are answered alike and not written ("recent") */
	j.gate.conf = c;
	j.gate.addr = addr;
	j.limit.gate = mailbox_gate;
	j.limit.arg = &j.gate;
	j.limit.fresh_since = unsubd_started;
	if (store_write(env->store, do_subscribe, &j, err, sizeof(err)) < 0) {
		ulog(LOG_ERR, "subscribe rcpt=<%s>: %s", addr, err);
		ret = unavailable(conn);
		goto out;
	}
	ulog(LOG_INFO, "subscribe rcpt=<%s>%s %s", addr, j.results, ev);
	for (i = 0; i < c->nlists && n < 16; i++)
		if (j.send[i])
			sel[n++] = &c->lists[i];
	pending_added(j.npending);
	if (n > 0 && confirm_send(env, addr, sel, n) < 0)
		ulog(LOG_ERR, "subscribe rcpt=<%s>: no confirmation queued",
		    addr);
	ret = check_inbox(conn);
out:
	free(f.want);
	free(j.send);
	free(j.gate.asked);
	return (ret);
}

/* ---------------------------------------------------------- /c/ */

/* open_confirm - 1 valid, 0 answered (bad or expired link): *RET set */
static int
open_confirm(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok, struct token *t, const struct conf_list **l,
    enum MHD_Result *ret)
{
	char err[128];
	int rc;

	rc = token_open_confirm(env->keys, tok, strlen(tok),
	    (int64_t)time(NULL), env->conf->confirm_ttl, t, err, sizeof(err));
	if (rc < 0 || (*l = conf_find_list(env->conf, t->list)) == NULL) {
		ulog(LOG_NOTICE, "bad confirmation token: %s", rc < 0 ? err :
		    "list not configured");
		*ret = bad_link(conn);
		return (0);
	}
	if (rc == 1) {
		*ret = error_page(conn, 410, "Link expired", "This "
		    "confirmation link has expired, and nothing was changed. "
		    "You can subscribe again.", NULL);
		return (0);
	}
	return (1);
}

enum MHD_Result
c_get(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok)
{
	const struct conf_list *l;
	struct token t;
	struct buf b = { 0 };
	char masked[ADDR_BUFSIZE];
	enum MHD_Result ret;

	if (!open_confirm(conn, env, tok, &t, &l, &ret))
		return (ret);
	addr_mask(t.rcpt, masked, sizeof(masked));
	page_begin(&b, "Confirm your subscription");
	buf_add(&b, "<h1>Confirm your subscription</h1>\n<p>Send <strong>");
	buf_html(&b, l->description);
	buf_add(&b, "</strong> to ");
	buf_html(&b, masked);
	buf_add(&b, "?</p>\n");
	if (l->consent_text[0] != '\0') {
		buf_add(&b, "<p class=\"state\">");
		buf_html(&b, l->consent_text);
		buf_add(&b, "</p>\n");
	}
	buf_add(&b, "<form method=\"post\" action=\"\">\n"
	    "<input type=\"hidden\" name=\"confirm\" value=\"1\">\n"
	    "<button type=\"submit\">Confirm subscription</button>\n"
	    "</form>\n");
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
}

struct confirm_form {
	int	yes;
};

static int
confirm_field(void *arg, const char *name, const char *value)
{
	if (strcmp(name, "confirm") == 0 && strcmp(value, "1") == 0)
		((struct confirm_form *)arg)->yes = 1;
	return (0);
}

struct confirm_job {
	const struct conf *conf;
	const struct conf_list *list;
	const struct token *t;
	struct change ch;
	enum confirm_res res;
};

/* do_confirm - the write of a confirmation */
static int
do_confirm(struct store_txn *tx, void *arg)
{
	struct confirm_job *j = arg;

	return (confirm_accept(tx, j->conf, j->t->rcpt, j->list, j->t->issued,
	    j->ch.time, &j->ch, &j->res));
}

enum MHD_Result
c_post(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok, const struct req *rq)
{
	static const char *const names[] = { "", "confirmed", "already",
	    "suppressed", "opted-out", "nothing-pending" };
	const struct conf_list *l;
	struct confirm_form f = { 0 };
	struct confirm_job j;
	struct token t;
	struct buf b = { 0 };
	char err[256], base[STORE_EVIDENCE_MAX], ev[STORE_EVIDENCE_MAX];
	const char *ctype, *title, *text;
	enum MHD_Result ret;

	ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Content-Type");
	if (form_parse(ctype, rq->body, rq->len, confirm_field, &f, err,
	    sizeof(err)) < 0 || !f.yes)
		return (error_page(conn, 400, "Not understood", "This request "
		    "does not confirm anything (confirm=1).", NULL));
	if (!open_confirm(conn, env, tok, &t, &l, &ret))
		return (ret);
	if (env->store == NULL)
		return (unavailable(conn));
	/* room for " requested=N consent=LABEL" within the record's limit */
	evidence(conn, env->conf, "POST /c/", base, sizeof(base) - 112);
	/* the consent text the page showed (c_get()) is what was agreed to */
	if (snprintf(ev, sizeof(ev), "%s requested=%lld consent=%s", base,
	    (long long)t.issued, l->consent_version[0] != '\0' ?
	    l->consent_version : "none") >= (int)sizeof(ev))
		return (unavailable(conn));
	memset(&j, 0, sizeof(j));
	j.conf = env->conf;
	j.list = l;
	j.t = &t;
	j.ch.actor = ACTOR_UNSUBD;
	j.ch.source = CONFIRM_SOURCE;
	j.ch.evidence = ev;
	j.ch.time = (int64_t)time(NULL);
	if (store_write(env->store, do_confirm, &j, err, sizeof(err)) < 0) {
		ulog(LOG_ERR, "confirm list=%s rcpt=<%s>: %s", l->name, t.rcpt,
		    err);
		return (unavailable(conn));
	}
	ulog(LOG_INFO, "confirm list=%s rcpt=<%s> result=%s %s", l->name,
	    t.rcpt, names[j.res], ev);
	switch (j.res) {
	case CRES_CONFIRMED:
		title = "Subscribed";
		text = "Thank you: your subscription is confirmed.";
		break;
	case CRES_ALREADY:
		title = "Subscribed";
		text = "Your subscription was confirmed already.";
		break;
	case CRES_SUPPRESSED:
	case CRES_OPTED_OUT:
		title = "Nothing changed";
		text = "This address asked us to stop sending to it, so we "
		    "have not subscribed it. If you want these messages after "
		    "all, please subscribe again.";
		break;
	default:
		title = "Nothing to confirm";
		text = "This request is no longer waiting for a confirmation, "
		    "and nothing was changed. You can subscribe again.";
		break;
	}
	page_begin(&b, title);
	buf_add(&b, "<h1>");
	buf_html(&b, title);
	buf_add(&b, "</h1>\n<p>");
	buf_html(&b, text);
	buf_add(&b, "</p>\n<p><strong>");
	buf_html(&b, l->description);
	buf_add(&b, "</strong></p>\n");
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
}
