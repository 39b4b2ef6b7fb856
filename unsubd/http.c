/* SPDX-License-Identifier: BSD-2-Clause */
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

#include <sys/socket.h>

#include <netinet/in.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <microhttpd.h>

#include "addr.h"
#include "commit.h"
#include "client.h"
#include "form.h"
#include "guard.h"
#include "model.h"
#include "text.h"
#include "unsub.h"
#include "unsubd.h"
#include "http.h"

/* ---------------------------------------------------------- responses */

/*
 * the request being answered in this thread came chunked: its answer
 * closes the connection (see http_handler)
 */
static __thread int answer_closes;

/* respond_close - queue B; CLOSE: and end the connection after it */
enum MHD_Result
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
	/* a sender retrying a one-click by itself (RFC 8058) waits this long */
	if (status == 503)
		(void)MHD_add_response_header(r, "Retry-After", "60");
	if (close || answer_closes)
		(void)MHD_add_response_header(r, "Connection", "close");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return (ret);
}

enum MHD_Result
respond(struct MHD_Connection *conn, unsigned status, const char *ctype,
    struct buf *b, const char *allow)
{
	return (respond_close(conn, status, ctype, b, allow, 0));
}

enum MHD_Result
error_page(struct MHD_Connection *conn, unsigned status, const char *title,
    const char *text, const char *allow)
{
	struct buf b = { 0 };

	page_error(&b, title, text);
	return (respond(conn, status, "text/html; charset=utf-8", &b, allow));
}

/* refuse - an error page, then the connection is closed */
enum MHD_Result
refuse(struct MHD_Connection *conn, unsigned status, const char *title,
    const char *text)
{
	struct buf b = { 0 };

	page_error(&b, title, text);
	return (respond_close(conn, status, "text/html; charset=utf-8", &b,
	    NULL, 1));
}

static const char link_title[] = "Link not valid";
static const char link_text[] = "This link is not valid. If you copied it "
    "from an email, make sure you copied all of it.";

enum MHD_Result
bad_link(struct MHD_Connection *conn)
{
	return (error_page(conn, 400, link_title, link_text, NULL));
}

enum MHD_Result
unavailable(struct MHD_Connection *conn)
{
	return (error_page(conn, 503, "Please try again",
	    "We could not record your request just now. Nothing was changed; "
	    "please try again in a few minutes.", NULL));
}

/* ---------------------------------------------------------- evidence */

/* trusted_proxy - 1 when IP (canonical) is a trusted-proxy of C */
static int
trusted_proxy(void *arg, const char *ip)
{
	const struct conf *c = arg;
	char canon[CLIENT_IP_MAX];
	size_t i;

	for (i = 0; i < c->ntrusted_proxy; i++)
		if (client_canonical(c->trusted_proxy[i],
		    strlen(c->trusted_proxy[i]), canon, sizeof(canon)) == 0 &&
		    strcmp(canon, ip) == 0)
			return (1);
	return (0);
}

#define XFF_FIELDS_MAX	32	/* X-Forwarded-For lines read, the last ones */

struct xff {
	const char *v[XFF_FIELDS_MAX];
	size_t	n;
};

static enum MHD_Result
xff_field(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct xff *x = arg;

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") != 0 || value == NULL)
		return (MHD_YES);
	if (x->n == XFF_FIELDS_MAX) {
		memmove(x->v, x->v + 1, sizeof(x->v[0]) * (XFF_FIELDS_MAX - 1));
		x->n--;
	}
	x->v[x->n++] = value;
	return (MHD_YES);
}

/*
 * evidence - "route=R ip=A [fwd=F] ua=\"U\"": the remote address, and
 * the client named by X-Forwarded-For when the remote is a trusted proxy
 * (the right-most address that is not one of ours, read from all of the
 * header, whatever its length: client.c).
 */
void
client_of(struct MHD_Connection *conn, const struct conf *c,
    char ip[CLIENT_IP_MAX], char fwd[CLIENT_IP_MAX])
{
	const union MHD_ConnectionInfo *ci;
	struct xff x;

	(void)strlcpy(ip, "unknown", CLIENT_IP_MAX);
	fwd[0] = '\0';
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL &&
	    getnameinfo(ci->client_addr,
	    ci->client_addr->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
	    ip, CLIENT_IP_MAX, NULL, 0, NI_NUMERICHOST) != 0)
		(void)strlcpy(ip, "unknown", CLIENT_IP_MAX);
	if (trusted_proxy((void *)c, ip)) {
		x.n = 0;
		(void)MHD_get_connection_values(conn, MHD_HEADER_KIND,
		    xff_field, &x);
		if (client_forwarded(x.v, x.n, trusted_proxy, (void *)c, fwd,
		    CLIENT_IP_MAX) != 1)
			fwd[0] = '\0';
	}
}

void
evidence(struct MHD_Connection *conn, const struct conf *c, const char *route,
    char *out, size_t len)
{
	char ip[CLIENT_IP_MAX], fwd[CLIENT_IP_MAX], ua[200];
	const char *v;

	client_of(conn, c, ip, fwd);
	v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "User-Agent");
	/* the rule of text.h; a long user agent is cut, which is harmless */
	(void)text_esc(v, v != NULL ? strlen(v) : 0, TEXT_QUOTED, ua,
	    sizeof(ua));
	if (snprintf(out, len, "route=%s ip=%s%s%s ua=\"%s\"", route, ip,
	    fwd[0] ? " fwd=" : "", fwd, ua) >= (int)len)
		ulog(LOG_WARNING, "evidence truncated to %zu octets", len - 1);
}

void
header_text(struct MHD_Connection *conn, const char *name, char *out,
    size_t len)
{
	const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    name);

	/* the rule of text.h; a long value is cut, which is harmless */
	(void)text_esc(v, v != NULL ? strlen(v) : 0, TEXT_QUOTED, out, len);
}

/* ---------------------------------------------------------- tokens */

/* open_token - a valid token naming a person, or 0 */
int
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
	if (conf_find_list(env->conf, t->list) == NULL) {
		/* an old list, or a token of another installation's key */
		ulog(LOG_NOTICE, "token for list %s, which is not configured",
		    t->list);
		return (0);
	}
	return (1);
}

const char *
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

enum MHD_Result
u_get(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok)
{
	struct token t;
	struct buf b = { 0 };
	char masked[ADDR_BUFSIZE];

	if (!open_token(env, tok, &t))
		return (bad_link(conn));
	addr_mask(t.rcpt, masked, sizeof(masked));
	if (u_unsubscribed(env, &t) == 1) {
		page_begin(&b, "Unsubscribed");
		buf_add(&b, "<h1>You are already unsubscribed</h1>\n<p>");
		buf_html(&b, masked);
		buf_add(&b, " no longer receives <strong>");
		buf_html(&b, describe(env->conf, t.list));
		buf_add(&b, "</strong>.</p>\n<p><a href=\"../p/");
		buf_html(&b, tok);
		buf_add(&b, "\">Choose which emails you get</a></p>\n");
		page_footer(&b, env->conf);
		page_end(&b);
		return (respond(conn, 200, "text/html; charset=utf-8", &b,
		    NULL));
	}
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
	page_footer(&b, env->conf);
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
}

enum MHD_Result
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
	/* shares one durable commit with the requests waiting now */
	if (commit_unsub_list(env->store, t.rcpt, t.list,
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
	page_footer(&b, env->conf);
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
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
	if (strcmp(url, "/") == 0)
		ret = get ? home_get(conn, &env) : error_page(conn, 405,
		    "Method not allowed", "Use GET.", "GET, HEAD");
	else if (strcmp(url, "/healthz") == 0)
		ret = get ? healthz(conn, &env) : error_page(conn, 405,
		    "Method not allowed", "Use GET.", "GET, HEAD");
	else if (strcmp(url, "/s") == 0)
		ret = get ? s_get(conn, &env) : post ? s_post(conn, &env, rq) :
		    error_page(conn, 405, "Method not allowed",
		    "Use GET or POST.", "GET, HEAD, POST");
	else if ((tok = token_of(url, "/c/")) != NULL) {
		if (!get && !post)
			ret = error_page(conn, 405, "Method not allowed",
			    "Use GET or POST.", "GET, HEAD, POST");
		else if (*tok == '\0' || strlen(tok) > TOKEN_BUFSIZE ||
		    strchr(tok, '/') != NULL)
			ret = bad_link(conn);
		else
			ret = get ? c_get(conn, &env, tok) :
			    c_post(conn, &env, tok, rq);
	} else if ((tok = token_of(url, "/u/")) != NULL ||
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
	unsubd_leave(&env);
	return (ret);
}

/* ---------------------------------------------------------- framing */

static int
hexval(char c)
{
	return (c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1);
}

size_t
http_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char *r = s, *w = s;
	int hi, lo;

	(void)cls;
	(void)conn;
	while (*r != '\0') {
		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 &&
		    (lo = hexval(r[2])) >= 0) {
			*w++ = (char)(hi * 16 + lo == 0 ? 0x01 : hi * 16 + lo);
			r += 3;
		} else if ((unsigned char)*r < 0x20 || *r == 0x7f) {
			*w++ = 0x01;	/* a raw control character */
			r++;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return ((size_t)(w - s));
}

struct framing {
	int	bad;		/* header names that are no token, values
				   with a control character */
	int	ncl;		/* Content-Length headers */
	int	nte;		/* Transfer-Encoding headers */
	int	chunked;	/* the one Transfer-Encoding is "chunked" */
};

/* token_name - 1 when NAME is an RFC 9110 token (a header field name) */
static int
token_name(const char *name)
{
	const char *p;

	if (*name == '\0')
		return (0);
	for (p = name; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') ||
		    strchr("!#$%&'*+-.^_`|~", *p) != NULL))
			return (0);
	return (1);
}

/*
 * text_ok - 1 when the LEN octets at S hold no control character but
 * HTAB: a bare CR ends a line for some readers (RFC 9112 2.2), so it
 * could hide a Content-Length, or a request, from one reader and not
 * another. (A NUL cannot be seen here: libmicrohttpd 0.9.75 reads each
 * header line as a C string and hands over what comes before it.)
 */
static int
text_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') ||
		    s[i] == 0x7f)
			return (0);
	return (1);
}

/*
 * bad_value - count in *ARG a name or value with a control character: a
 * trailer field's but HTAB; a query argument's as it came, raw (which
 * http_unescape() made 0x01, as it did %00), since a byte encoded as %XX
 * frames nothing
 */
static enum MHD_Result
bad_value(void *arg, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	int *bad = arg;

	if (kind == MHD_GET_ARGUMENT_KIND) {
		if (memchr(key, 0x01, key_size) != NULL || (value != NULL &&
		    memchr(value, 0x01, value_size) != NULL))
			(*bad)++;
	} else if (!text_ok(key, key_size) || (value != NULL &&
	    !text_ok(value, value_size)))
		(*bad)++;
	return (MHD_YES);
}

/*
 * line_ok - 1 when the request line is one we read as any reader would:
 * a method that is a token, HTTP/1.0 or 1.1, no control character in
 * the path (a bare CR; %00 is 0x01 here, see http_unescape()) and none
 * as it came in the query. (A raw NUL cannot be seen: libmicrohttpd
 * 0.9.75 hands over the line up to it.)
 */
static int
line_ok(struct MHD_Connection *conn, const char *method, const char *url,
    const char *version)
{
	size_t i;
	int bad = 0;

	if (method == NULL || !token_name(method))
		return (0);
	if (version == NULL || (strcmp(version, MHD_HTTP_VERSION_1_1) != 0 &&
	    strcmp(version, MHD_HTTP_VERSION_1_0) != 0))
		return (0);
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] < 0x20 || url[i] == 0x7f)
			return (0);
	(void)MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND,
	    bad_value, &bad);
	return (bad == 0);
}

static enum MHD_Result
framing_header(void *arg, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct framing *f = arg;

	(void)kind;
	/*
	 * White space before a colon stays in the name; libmicrohttpd
	 * 0.9.75 appends a folded (obs-fold) line to the field's name. So
	 * a name that is no token, or a framing field's name with more
	 * after it, is a header a proxy may have read otherwise; so is a
	 * value with a bare CR (or another control character) in it.
	 */
	if (strlen(key) != key_size || !token_name(key) ||
	    (value != NULL && !text_ok(value, value_size)) ||
	    (strncasecmp(key, "Content-Length", 14) == 0 && key[14] != '\0') ||
	    (strncasecmp(key, "Transfer-Encoding", 17) == 0 && key[17] != '\0'))
		f->bad++;
	else if (strcasecmp(key, "Content-Length") == 0)
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
 * Content-Length, every header name is a token and no value holds a
 * control character. Anything else could be read differently by a proxy
 * in front of us (request smuggling).
 * *CHUNKED says whether the body comes chunked.
 */
static int
framing_ok(struct MHD_Connection *conn, int *chunked)
{
	struct framing f = { 0, 0, 0, 0 };

	(void)MHD_get_connection_values_n(conn, MHD_HEADER_KIND,
	    framing_header, &f);
	*chunked = f.nte == 1 && f.chunked;
	if (f.bad || f.ncl > 1 || f.nte > 1 ||
	    (f.nte == 1 && (f.ncl > 0 || !f.chunked)))
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
 * request deadline bounds how long that may take). The answer to a
 * chunked request closes the connection: what follows its last chunk
 * is never read as another request, however a proxy in front read the
 * chunks (a chunk extension with a quoted CR LF, say). From the complete
 * request until its answer is sent the guard leaves the connection be.
 */
enum MHD_Result
http_handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct req *rq = *con_cls;
	enum MHD_Result ret;

	(void)cls;
	if (rq == NULL) {
		const char *cl;

		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return (MHD_NO);
		*con_cls = rq;
		if (!line_ok(conn, method, url, version)) {
			int link = url[0] == '/' && strchr("upc", url[1]) !=
			    NULL && url[1] != '\0' && url[2] == '/';

			guard_busy(http_slot(conn), 1);
			ulog(LOG_NOTICE, "refused a request line with a "
			    "control character, or not HTTP/1.0 or 1.1");
			return (refuse(conn, 400, link ? link_title :
			    "Bad request", link ? link_text :
			    "The request is not well formed."));
		}
		if (!framing_ok(conn, &rq->chunked)) {
			guard_busy(http_slot(conn), 1);
			ulog(LOG_NOTICE, "refused a request with ambiguous "
			    "framing (Content-Length, Transfer-Encoding, or a "
			    "header name that is no token)");
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
				guard_busy(http_slot(conn), 1);
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
	guard_busy(http_slot(conn), 1);
	if (rq->too_big)
		return (refuse(conn, 413, "Too large",
		    "The request is too large."));
	if (rq->chunked) {
		int bad = 0;

		/* a chunked body's trailer fields, as the header's */
		(void)MHD_get_connection_values_n(conn, MHD_FOOTER_KIND,
		    bad_value, &bad);
		if (bad)
			return (refuse(conn, 400, "Bad request",
			    "The request is not well formed."));
	}
	rq->body[rq->len] = '\0';
	answer_closes = rq->chunked;
	ret = route(conn, url, method, rq);
	answer_closes = 0;
	return (ret);
}

void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
	guard_busy(http_slot(conn), 0);
}

