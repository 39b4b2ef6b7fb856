/*
 * http.c - optin-unsubd's routes on libmicrohttpd
 *
 * DESCRIPTION
 *	POST /u/TOKEN	RFC 8058 one-click: opt-out, durable, then 200
 *	GET  /u/TOKEN	a page with a button; changes nothing
 *	GET  /p/TOKEN	the preference page
 *	POST /p/TOKEN	apply the preference page
 *	GET  /healthz	200 ok when the database answers
 *
 *	A change is committed (fsync) before its response is queued: an
 *	acknowledged unsubscribe is never lost. A database that cannot be
 *	written gets 503 and nothing is acknowledged. A bad or tampered
 *	token gets 400 and a page that reveals nothing. No redirects, no
 *	cookies; Referrer-Policy keeps the token out of other sites' logs.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "addr.h"
#include "decide.h"
#include "form.h"
#include "guard.h"
#include "model.h"
#include "unsub.h"
#include "unsubd.h"

#define HTTP_CONN_MAX	1024	/* connections, sized for a proxy in front */
#define HTTP_DEADLINE_MS 10000	/* to receive a whole request */
#define HTTP_IDLE_S	10	/* libmicrohttpd's inactivity timeout */

struct req {
	char	body[BODY_MAX + 1];
	size_t	len;
	int	too_big;
};

/* ---------------------------------------------------------- responses */

/* respond_close - queue B; CLOSE: and end the connection after it */
static enum MHD_Result
respond_close(struct MHD_Connection *conn, unsigned status, const char *ctype,
    struct buf *b, const char *allow, int close)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (b->oom) {
		buf_free(b);
		return (MHD_NO);
	}
	r = MHD_create_response_from_buffer(b->len, b->s != NULL ? b->s : "",
	    MHD_RESPMEM_MUST_COPY);
	buf_free(b);
	if (r == NULL)
		return (MHD_NO);
	(void)MHD_add_response_header(r, "Content-Type", ctype);
	(void)MHD_add_response_header(r, "Cache-Control", "no-store");
	(void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	(void)MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	(void)MHD_add_response_header(r, "X-Frame-Options", "DENY");
	(void)MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'; style-src 'unsafe-inline'; "
	    "form-action 'self'; frame-ancestors 'none'");
	if (allow != NULL)
		(void)MHD_add_response_header(r, "Allow", allow);
	if (close)
		(void)MHD_add_response_header(r, "Connection", "close");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return (ret);
}

static enum MHD_Result
respond(struct MHD_Connection *conn, unsigned status, const char *ctype,
    struct buf *b, const char *allow)
{
	return (respond_close(conn, status, ctype, b, allow, 0));
}

static enum MHD_Result
error_page(struct MHD_Connection *conn, unsigned status, const char *title,
    const char *text, const char *allow)
{
	struct buf b = { 0 };

	page_error(&b, title, text);
	return (respond(conn, status, "text/html; charset=utf-8", &b, allow));
}

/* refuse - an error page, then the connection is closed */
static enum MHD_Result
refuse(struct MHD_Connection *conn, unsigned status, const char *title,
    const char *text)
{
	struct buf b = { 0 };

	page_error(&b, title, text);
	return (respond_close(conn, status, "text/html; charset=utf-8", &b,
	    NULL, 1));
}

static enum MHD_Result
bad_link(struct MHD_Connection *conn)
{
	return (error_page(conn, 400, "Link not valid",
	    "This link is not valid. If you copied it from an email, make "
	    "sure you copied all of it.", NULL));
}

static enum MHD_Result
unavailable(struct MHD_Connection *conn)
{
	return (error_page(conn, 503, "Please try again",
	    "We could not record your request just now. Nothing was changed; "
	    "please try again in a few minutes.", NULL));
}

/* ---------------------------------------------------------- evidence */

static int
ip_in(const struct conf *c, const char *ip)
{
	size_t i;

	for (i = 0; i < c->ntrusted_proxy; i++)
		if (strcmp(c->trusted_proxy[i], ip) == 0)
			return (1);
	return (0);
}

/* clean - printable ASCII, no quotes, at most LEN - 1 */
static void
clean(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; s != NULL && *s != '\0' && o + 1 < len; s++)
		out[o++] = (*s >= 0x20 && *s < 0x7f && *s != '"') ? *s : '?';
	out[o] = '\0';
}

/*
 * evidence - "route=R ip=A [fwd=F] ua=\"U\"": the remote address, and
 * the client named by X-Forwarded-For when the remote is a trusted proxy
 * (the right-most address that is not one of ours).
 */
static void
evidence(struct MHD_Connection *conn, const struct conf *c, const char *route,
    char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	char ip[64] = "unknown", fwd[64] = "", ua[200];
	const char *xff, *v;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL)
		(void)getnameinfo(ci->client_addr,
		    ci->client_addr->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
		    ip, sizeof(ip), NULL, 0, NI_NUMERICHOST);
	xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Forwarded-For");
	if (xff != NULL && ip_in(c, ip)) {
		char list[512], *save = NULL, *tok, *cand[32];
		int n = 0;

		(void)strlcpy(list, xff, sizeof(list));
		for (tok = strtok_r(list, ", ", &save); tok != NULL && n < 32;
		    tok = strtok_r(NULL, ", ", &save))
			cand[n++] = tok;
		while (n-- > 0) {
			unsigned char bin[16];

			if (inet_pton(AF_INET, cand[n], bin) != 1 &&
			    inet_pton(AF_INET6, cand[n], bin) != 1)
				break;		/* garbage: believe nothing more */
			(void)strlcpy(fwd, cand[n], sizeof(fwd));
			if (!ip_in(c, cand[n]))
				break;
		}
	}
	v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent");
	clean(v, ua, sizeof(ua));
	(void)snprintf(out, len, "route=%s ip=%s%s%s ua=\"%s\"", route, ip,
	    fwd[0] ? " fwd=" : "", fwd, ua);
}

/* ---------------------------------------------------------- tokens */

/* open_token - a valid token naming a person, or 0 */
static int
open_token(const struct unsubd_env *env, const char *tok, struct token *t)
{
	char err[128];

	if (token_open(env->keys, tok, strlen(tok), t, err, sizeof(err)) < 0) {
		ulog(LOG_NOTICE, "bad token: %s", err);
		return (0);
	}
	if (t->rcpt[0] == '\0') {
		ulog(LOG_NOTICE, "list-only token for %s on the web", t->list);
		return (0);
	}
	return (1);
}

static const char *
describe(const struct conf *c, const char *list)
{
	const struct conf_list *l = conf_find_list(c, list);

	return (l != NULL ? l->description : list);
}

/* ---------------------------------------------------------- /u/ */

struct one_click {
	int	seen;
};

static int
one_click_field(void *arg, const char *name, const char *value)
{
	struct one_click *o = arg;

	if (strcmp(name, "List-Unsubscribe") == 0 &&
	    strcmp(value, "One-Click") == 0)
		o->seen = 1;
	return (0);
}

static enum MHD_Result
u_get(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok)
{
	struct token t;
	struct buf b = { 0 };
	char masked[ADDR_BUFSIZE];

	if (!open_token(env, tok, &t))
		return (bad_link(conn));
	addr_mask(t.rcpt, masked, sizeof(masked));
	page_begin(&b, "Unsubscribe");
	buf_add(&b, "<h1>Unsubscribe</h1>\n<p>Stop sending <strong>");
	buf_html(&b, describe(env->conf, t.list));
	buf_add(&b, "</strong> to ");
	buf_html(&b, masked);
	buf_add(&b, "?</p>\n<form method=\"post\" action=\"\">\n"
	    "<input type=\"hidden\" name=\"List-Unsubscribe\" "
	    "value=\"One-Click\">\n<button type=\"submit\">Unsubscribe"
	    "</button>\n</form>\n<p><a href=\"../p/");
	buf_html(&b, tok);
	buf_add(&b, "\">Choose which emails you get</a></p>\n");
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
}

static enum MHD_Result
u_post(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok, const struct req *rq)
{
	struct one_click oc = { 0 };
	struct change ch;
	struct token t;
	struct buf b = { 0 };
	char err[256], ev[STORE_EVIDENCE_MAX];
	const char *ctype;

	ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Content-Type");
	if (form_parse(ctype, rq->body, rq->len, one_click_field, &oc, err,
	    sizeof(err)) < 0 || !oc.seen)
		return (error_page(conn, 400, "Not understood",
		    "This request does not ask to unsubscribe "
		    "(List-Unsubscribe=One-Click).", NULL));
	if (!open_token(env, tok, &t))
		return (bad_link(conn));
	if (env->store == NULL)
		return (unavailable(conn));
	evidence(conn, env->conf, "POST /u/", ev, sizeof(ev));
	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_UNSUBD;
	ch.source = "one-click";
	ch.evidence = ev;
	if (unsub_list_write(env->store, t.rcpt, t.list,
	    env->conf->recipient_delimiter, &ch, err, sizeof(err)) < 0) {
		ulog(LOG_ERR, "unsubscribe list=%s rcpt=<%s>: %s", t.list, t.rcpt,
		    err);
		return (unavailable(conn));
	}
	ulog(LOG_INFO, "unsubscribe list=%s rcpt=<%s> result=opt-out %s",
	    t.list, t.rcpt, ev);
	page_begin(&b, "Unsubscribed");
	buf_add(&b, "<h1>You are unsubscribed</h1>\n<p>You will no longer "
	    "receive <strong>");
	buf_html(&b, describe(env->conf, t.list));
	buf_add(&b, "</strong>. This takes effect at once.</p>\n"
	    "<p><a href=\"../p/");
	buf_html(&b, tok);
	buf_add(&b, "\">Choose which emails you get</a></p>\n");
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
}

/* ---------------------------------------------------------- /p/ */

#define MAX_LISTS 256

struct prefs {
	const struct conf *conf;
	unsigned char want[MAX_LISTS];
	int	all;
	int	saw_form;
	/* results, for the page */
	int	changed;
	int	blocked;
};

static int
prefs_field(void *arg, const char *name, const char *value)
{
	struct prefs *p = arg;
	size_t i;

	if (strcmp(name, "form") == 0 && strcmp(value, "preferences") == 0)
		p->saw_form = 1;
	else if (strcmp(name, "all") == 0 && strcmp(value, "1") == 0)
		p->all = 1;
	else if (strcmp(name, "list") == 0)
		for (i = 0; i < p->conf->nlists && i < MAX_LISTS; i++)
			if (strcmp(p->conf->lists[i].name, value) == 0)
				p->want[i] = 1;
	return (0);
}

/* all_state - 1 when ADDR (or its untagged form) has unsubscribe-all */
static int
all_state(struct store_txn *tx, const char *addr, const char *delims,
    char keys[2][ADDR_BUFSIZE], int *nkeys)
{
	struct supp_rec s;
	int rc, i, on = 0;

	(void)strlcpy(keys[0], addr, ADDR_BUFSIZE);
	*nkeys = 1;
	if (addr_untag(addr, delims, keys[1], ADDR_BUFSIZE) == 1)
		*nkeys = 2;
	for (i = 0; i < *nkeys; i++) {
		if ((rc = store_get_suppression(tx, keys[i], &s)) < 0)
			return (-1);
		if (rc == 1 && s.reason == SUPP_UNSUBSCRIBE_ALL)
			on = 1;
	}
	return (on);
}

struct prefs_job {
	struct prefs *p;
	const char *addr;
	struct change ch;
};

static int
do_prefs(struct store_txn *tx, void *arg)
{
	struct prefs_job *j = arg;
	struct prefs *p = j->p;
	const struct conf *c = p->conf;
	char keys[2][ADDR_BUFSIZE];
	struct decision d;
	size_t i;
	int nkeys, k, on;

	p->changed = p->blocked = 0;
	if ((on = all_state(tx, j->addr, c->recipient_delimiter, keys,
	    &nkeys)) < 0)
		return (-1);
	if (p->all) {
		if (!on) {
			if (unsub_all(tx, j->addr, c->recipient_delimiter,
			    &j->ch) < 0)
				return (-1);
			p->changed++;
		}
		return (0);
	}
	if (on) {
		/* the person lifts their own "unsubscribe from all" */
		for (k = 0; k < nkeys; k++) {
			struct supp_rec s;

			if (store_get_suppression(tx, keys[k], &s) == 1 &&
			    s.reason == SUPP_UNSUBSCRIBE_ALL &&
			    store_del_suppression(tx, keys[k], &j->ch) < 0)
				return (-1);
		}
		p->changed++;
	}
	for (i = 0; i < c->nlists && i < MAX_LISTS; i++) {
		const struct conf_list *l = &c->lists[i];

		if (!l->unsubscribe)
			continue;
		if (decide(tx, l, j->addr, c->recipient_delimiter,
		    (int64_t)time(NULL), &d) < 0)
			return (-1);
		if (!p->want[i] && d.verdict == VERDICT_DELIVER) {
			if (unsub_list(tx, j->addr, l->name,
			    c->recipient_delimiter, &j->ch) < 0)
				return (-1);
			p->changed++;
		} else if (p->want[i] && d.verdict == VERDICT_DENY) {
			struct consent_rec r;
			char untagged[ADDR_BUFSIZE];

			if (d.reason == REASON_SUPPRESSED) {
				p->blocked++;	/* bounce, complaint, ...: not ours */
				continue;
			}
			/* the person's own, express request */
			memset(&r, 0, sizeof(r));
			r.status = STATUS_OPT_IN;
			if (store_put_consent(tx, j->addr, l->name, &r,
			    &j->ch) < 0)
				return (-1);
			if (addr_untag(j->addr, c->recipient_delimiter,
			    untagged, sizeof(untagged)) == 1 &&
			    store_get_consent(tx, untagged, l->name, &r) == 1 &&
			    r.status == STATUS_OPT_OUT &&
			    store_del_consent(tx, untagged, l->name, &j->ch) < 0)
				return (-1);
			p->changed++;
		}
	}
	return (0);
}

/* prefs_page - the form with the current state of ADDR */
static enum MHD_Result
prefs_page(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *addr, const char *note)
{
	const struct conf *c = env->conf;
	struct store_txn *tx;
	struct decision d;
	struct buf b = { 0 };
	char err[256], masked[ADDR_BUFSIZE], keys[2][ADDR_BUFSIZE];
	size_t i;
	int nkeys, all;

	if (env->store == NULL ||
	    store_read_begin(env->store, &tx, err, sizeof(err)) < 0)
		return (unavailable(conn));
	if ((all = all_state(tx, addr, c->recipient_delimiter, keys, &nkeys)) < 0)
		goto dberr;
	addr_mask(addr, masked, sizeof(masked));
	page_begin(&b, "Email preferences");
	buf_add(&b, "<h1>Email preferences</h1>\n<p>For ");
	buf_html(&b, masked);
	buf_add(&b, "</p>\n");
	if (note != NULL) {
		buf_add(&b, "<p class=\"note\">");
		buf_html(&b, note);
		buf_add(&b, "</p>\n");
	}
	buf_add(&b, "<form method=\"post\" action=\"\">\n"
	    "<input type=\"hidden\" name=\"form\" value=\"preferences\">\n"
	    "<fieldset>\n");
	for (i = 0; i < c->nlists; i++) {
		const struct conf_list *l = &c->lists[i];
		const char *state;

		if (!l->unsubscribe)
			continue;
		if (decide(tx, l, addr, c->recipient_delimiter,
		    (int64_t)time(NULL), &d) < 0)
			goto dberr;
		state = d.verdict == VERDICT_DELIVER ? "You receive these." :
		    d.reason == REASON_SUPPRESSED && d.supp !=
		    SUPP_UNSUBSCRIBE_ALL ? "Paused: we cannot deliver to this "
		    "address." : "You do not receive these.";
		buf_add(&b, "<label><input type=\"checkbox\" name=\"list\" "
		    "value=\"");
		buf_html(&b, l->name);
		buf_addf(&b, "\"%s> <span>", d.verdict == VERDICT_DELIVER ?
		    " checked" : "");
		buf_html(&b, l->description);
		buf_add(&b, "<span class=\"state\">");
		buf_html(&b, state);
		buf_add(&b, "</span></span></label>\n");
	}
	buf_addf(&b, "<label><input type=\"checkbox\" name=\"all\" value=\"1\""
	    "%s> <span>Unsubscribe from all of the above<span class=\"state\">"
	    "Messages you asked for, such as receipts and support replies, "
	    "still reach you.</span></span></label>\n", all ? " checked" : "");
	buf_add(&b, "</fieldset>\n<button type=\"submit\" name=\"save\" "
	    "value=\"1\">Save preferences</button>\n</form>\n");
	page_end(&b);
	store_read_end(tx);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
dberr:
	ulog(LOG_ERR, "preferences: %s", store_txn_error(tx));
	store_read_end(tx);
	buf_free(&b);
	return (unavailable(conn));
}

static enum MHD_Result
p_get(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok)
{
	struct token t;

	if (!open_token(env, tok, &t))
		return (bad_link(conn));
	return (prefs_page(conn, env, t.rcpt, NULL));
}

static enum MHD_Result
p_post(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok, const struct req *rq)
{
	struct prefs *p;
	struct prefs_job j;
	struct token t;
	char err[256], ev[STORE_EVIDENCE_MAX];
	const char *ctype;
	enum MHD_Result ret;

	if (!open_token(env, tok, &t))
		return (bad_link(conn));
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return (MHD_NO);
	p->conf = env->conf;
	ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Content-Type");
	if (form_parse(ctype, rq->body, rq->len, prefs_field, p, err,
	    sizeof(err)) < 0 || !p->saw_form) {
		free(p);
		return (error_page(conn, 400, "Not understood",
		    "This request is not the preference form.", NULL));
	}
	if (env->store == NULL) {
		free(p);
		return (unavailable(conn));
	}
	evidence(conn, env->conf, "POST /p/", ev, sizeof(ev));
	memset(&j, 0, sizeof(j));
	j.p = p;
	j.addr = t.rcpt;
	j.ch.actor = ACTOR_UNSUBD;
	j.ch.source = "preferences";
	j.ch.evidence = ev;
	if (store_write(env->store, do_prefs, &j, err, sizeof(err)) < 0) {
		ulog(LOG_ERR, "preferences rcpt=<%s>: %s", t.rcpt, err);
		free(p);
		return (unavailable(conn));
	}
	ulog(LOG_INFO, "preferences rcpt=<%s> changes=%d all=%d %s", t.rcpt,
	    p->changed, p->all, ev);
	ret = prefs_page(conn, env, t.rcpt, p->blocked ?
	    "Saved. Some lists stay paused because mail to this address could "
	    "not be delivered before." : "Your preferences are saved. They "
	    "take effect at once.");
	free(p);
	return (ret);
}

/* ---------------------------------------------------------- routing */

static enum MHD_Result
healthz(struct MHD_Connection *conn, const struct unsubd_env *env)
{
	struct store_txn *tx;
	struct buf b = { 0 };
	char err[256];
	int schema;
	int64_t created;

	if (env->store != NULL &&
	    store_read_begin(env->store, &tx, err, sizeof(err)) == 0) {
		int rc = store_meta(tx, &schema, &created);

		store_read_end(tx);
		if (rc == 0) {
			buf_add(&b, "ok\n");
			return (respond(conn, 200, "text/plain; charset=utf-8",
			    &b, NULL));
		}
	}
	buf_add(&b, "database unavailable\n");
	return (respond(conn, 503, "text/plain; charset=utf-8", &b, NULL));
}

/* token_of - the token after PREFIX in URL; NULL when malformed */
static const char *
token_of(const char *url, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(url, prefix, n) != 0)
		return (NULL);
	return (url + n);
}

static enum MHD_Result
route(struct MHD_Connection *conn, const char *url, const char *method,
    struct req *rq)
{
	struct unsubd_env env;
	const char *tok;
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	int post = strcmp(method, "POST") == 0;
	enum MHD_Result ret;

	unsubd_enter(&env);
	if (strcmp(url, "/healthz") == 0)
		ret = get ? healthz(conn, &env) : error_page(conn, 405,
		    "Method not allowed", "Use GET.", "GET, HEAD");
	else if ((tok = token_of(url, "/u/")) != NULL ||
	    (tok = token_of(url, "/p/")) != NULL) {
		int is_u = url[1] == 'u';

		if (!get && !post)
			ret = error_page(conn, 405, "Method not allowed",
			    "Use GET or POST.", "GET, HEAD, POST");
		else if (*tok == '\0' || strlen(tok) > TOKEN_BUFSIZE ||
		    strchr(tok, '/') != NULL)
			ret = bad_link(conn);
		else if (is_u)
			ret = get ? u_get(conn, &env, tok) :
			    u_post(conn, &env, tok, rq);
		else
			ret = get ? p_get(conn, &env, tok) :
			    p_post(conn, &env, tok, rq);
	} else
		ret = error_page(conn, 404, "Not found",
		    "There is nothing here.", NULL);
	unsubd_leave();
	return (ret);
}

/* ---------------------------------------------------------- framing */

/* slot_of - the guard's record of CONN's connection */
static struct guard_slot *
slot_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return (ci != NULL ? ci->socket_context : NULL);
}


struct framing {
	int	ncl;		/* Content-Length headers */
	int	nte;		/* Transfer-Encoding headers */
	int	chunked;	/* the one Transfer-Encoding is "chunked" */
};

static enum MHD_Result
framing_header(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct framing *f = arg;

	(void)kind;
	if (strcasecmp(key, "Content-Length") == 0)
		f->ncl++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		f->nte++;
		f->chunked = value != NULL && strcasecmp(value, "chunked") == 0;
	}
	return (MHD_YES);
}

/*
 * framing_ok - 1 when the request's body has exactly one reading: at
 * most one Content-Length, or one "Transfer-Encoding: chunked" and no
 * Content-Length. Anything else could be read differently by a proxy
 * in front of us (request smuggling).
 */
static int
framing_ok(struct MHD_Connection *conn)
{
	struct framing f = { 0, 0, 0 };

	(void)MHD_get_connection_values(conn, MHD_HEADER_KIND, framing_header,
	    &f);
	if (f.ncl > 1 || f.nte > 1 || (f.nte == 1 && (f.ncl > 0 || !f.chunked)))
		return (0);
	return (1);
}

/*
 * handler - called first when the headers are in, then for each piece
 * of the body, then once more with none. A response queued on the
 * first call makes libmicrohttpd skip the body and close the
 * connection: that is how bad framing and a declared oversized body
 * are refused. A chunked body's size shows only as it arrives; once
 * over BODY_MAX the rest is read and dropped, and 413 ends it (the
 * request deadline bounds how long that may take). From the complete
 * request until its answer is sent the guard leaves the connection be.
 */
static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct req *rq = *con_cls;

	(void)cls;
	(void)version;
	if (rq == NULL) {
		const char *cl;

		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return (MHD_NO);
		*con_cls = rq;
		if (!framing_ok(conn)) {
			guard_busy(slot_of(conn), 1);
			ulog(LOG_NOTICE, "refused a request with ambiguous "
			    "framing (Content-Length, Transfer-Encoding)");
			return (refuse(conn, 400, "Bad request",
			    "The request is not well formed."));
		}
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    "Content-Length");
		if (cl != NULL) {
			const char *errstr = NULL;
			long long n = strtonum(cl, 0, 1LL << 40, &errstr);

			if (errstr != NULL || n > BODY_MAX) {
				rq->too_big = 1;
				guard_busy(slot_of(conn), 1);
				return (refuse(conn, 413, "Too large",
				    "The request is too large."));
			}
		}
		return (MHD_YES);
	}
	if (*upload_data_size > 0) {
		if (!rq->too_big && rq->len + *upload_data_size <= BODY_MAX) {
			memcpy(rq->body + rq->len, upload_data,
			    *upload_data_size);
			rq->len += *upload_data_size;
		} else
			rq->too_big = 1;
		*upload_data_size = 0;
		return (MHD_YES);
	}
	guard_busy(slot_of(conn), 1);
	if (rq->too_big)
		return (refuse(conn, 413, "Too large",
		    "The request is too large."));
	rq->body[rq->len] = '\0';
	return (route(conn, url, method, rq));
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
	guard_busy(slot_of(conn), 0);
}

/* notify - a connection begins or ends: the guard watches it */
static void
notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *fd, *ca;

	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		guard_close(*socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	ca = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (fd == NULL || ca == NULL || ca->client_addr == NULL) {
		*socket_context = NULL;
		return;
	}
	*socket_context = guard_open(fd->connect_fd, ca->client_addr,
	    ca->client_addr->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
}

static enum MHD_Result
accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
	(void)cls;
	return (guard_accept(sa, len) ? MHD_YES : MHD_NO);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	ulog(LOG_WARNING, "http: %s", buf);
}

/*
 * http_listen - the listening socket for "listen", bound now (before
 * privileges are dropped) and without SO_REUSEPORT: a second instance on
 * the same address fails here instead of taking a share of the requests.
 * Returns the descriptor, or -1 with ERR set.
 */
int
http_listen(const struct conf *c, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	char host[64];
	const char *colon, *errstr = NULL;
	long long port;
	int fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (c->listen[0] == '[') {
		const char *rb = strchr(c->listen, ']');

		if (rb == NULL || (size_t)(rb - c->listen - 1) >= sizeof(host)) {
			(void)snprintf(err, errlen, "listen %s: bad address",
			    c->listen);
			return (-1);
		}
		(void)snprintf(host, sizeof(host), "%.*s",
		    (int)(rb - c->listen - 1), c->listen + 1);
		colon = rb + 1;
	} else {
		colon = strrchr(c->listen, ':');
		if (colon == NULL ||
		    (size_t)(colon - c->listen) >= sizeof(host)) {
			(void)snprintf(err, errlen, "listen %s: bad address",
			    c->listen);
			return (-1);
		}
		(void)snprintf(host, sizeof(host), "%.*s",
		    (int)(colon - c->listen), c->listen);
	}
	if (*colon != ':') {
		(void)snprintf(err, errlen, "listen %s: no port", c->listen);
		return (-1);
	}
	port = strtonum(colon + 1, 1, 65535, &errstr);
	if (errstr != NULL) {
		(void)snprintf(err, errlen, "listen %s: bad port", c->listen);
		return (-1);
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr)
	    == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sslen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host,
	    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sslen = sizeof(struct sockaddr_in6);
	} else {
		(void)snprintf(err, errlen, "listen %s: bad address", c->listen);
		return (-1);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		(void)snprintf(err, errlen, "listen %s: socket: %s", c->listen,
		    strerror(errno));
		return (-1);
	}
	/* SO_REUSEADDR: a restart may bind despite TIME_WAIT, while Linux
	 * still refuses a second listener on the address */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, sslen) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		(void)snprintf(err, errlen, "cannot listen on %s: %s%s",
		    c->listen, strerror(errno), errno == EADDRINUSE ?
		    " (is another optin-unsubd running?)" : "");
		(void)close(fd);
		return (-1);
	}
	return (fd);
}

/* conn_limit - connections we take, within the descriptors we may open */
static unsigned
conn_limit(void)
{
	struct rlimit rl;
	rlim_t want = HTTP_CONN_MAX + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return (256);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    rl.rlim_max >= want ? want : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return (HTTP_CONN_MAX);
	return (rl.rlim_cur > 128 ? (unsigned)(rl.rlim_cur - 64) : 64);
}

/*
 * http_start - serve on FD (from http_listen()); TRUSTED(ip) names the
 * addresses of proxies. NULL with ERR set; FD is closed then.
 */
struct MHD_Daemon *
http_start(int fd, int (*trusted)(const char *), char *err, size_t errlen)
{
	struct MHD_Daemon *d;
	unsigned limit = conn_limit();

	if (guard_init(limit, HTTP_DEADLINE_MS, trusted) < 0) {
		(void)snprintf(err, errlen, "cannot start the connection "
		    "guard");
		(void)close(fd);
		return (NULL);
	}
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    0, accept_policy, NULL, handler, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)4,
	    MHD_OPTION_CONNECTION_LIMIT, limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_IDLE_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, notify, NULL,
	    MHD_OPTION_END);
	if (d == NULL) {
		(void)snprintf(err, errlen, "cannot start the HTTP service");
		(void)close(fd);
		guard_stop();
	}
	return (d);
}

/* http_stop - stop serving and close the socket */
void
http_stop(struct MHD_Daemon *d)
{
	int fd = -1;
	const union MHD_DaemonInfo *di;

	if (d == NULL)
		return;
	if ((di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD)) != NULL)
		fd = di->listen_fd;
	MHD_stop_daemon(d);
	if (fd >= 0)
		(void)close(fd);
	guard_stop();
}
