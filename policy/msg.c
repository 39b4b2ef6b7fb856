/*
 * msg.c - one message through the policy
 *
 * DESCRIPTION
 *	A message belongs to the list named by its list header, else to
 *	the first list (in file order) with a match that fits, else it is
 *	unclassified. Every recipient of list mail is decided at the end of
 *	the message in one read transaction. Under "denied reject" a
 *	recipient is refused at RCPT time when the list is already known
 *	then: a sender or auth match of a list that no earlier list with a
 *	header match could pre-empt. On the sendmail(1) path (recipients
 *	without angle brackets) nothing is refused per recipient: denied
 *	recipients are stripped, or under "denied reject" the message is.
 *
 *	A recipient equal to unsubscribe-mailto makes the message an
 *	unsubscribe request; see handle_unsub().
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "decide.h"
#include "listhdr.h"
#include "model.h"
#include "msg.h"
#include "unsub.h"

#define MSG_MAX_RCPTS	100000
#define SUBJECT_MAX	2000

struct rcpt {
	char	*raw;
	char	norm[ADDR_BUFSIZE];
	char	why[96];		/* why it could not be normalised */
	int	norm_ok;
	int	unsub;			/* the unsubscribe-mailto address */
	int	rejected;		/* refused at RCPT time */
	struct decision d;
};

struct msg {
	const struct msg_env *env;
	char	qid[64];
	char	from[ADDR_BUFSIZE];	/* "" for <> or unparsable */
	char	auth[256];
	struct rcpt *rcpts;
	size_t	nrcpts, cap;
	int	path_known, smtpd;
	int	rcpt_list_known;
	const struct conf_list *rcpt_list;
	unsigned char *hdr_hit;		/* per list: a header match fits */
	char	list_hdr[CONF_TEXT_MAX];
	int	list_hdr_count;
	int	n_unsub_hdr, n_post_hdr, n_id_hdr;
	char	*subject;
	const struct conf_list *list;
	int	unknown_list;
	struct msg_result res;
	char	**strs;			/* what res points to, for msg_free */
	size_t	nstrs, capstrs;
	char	**logq;
	size_t	nlog, caplog;
	int	nomem;
};

/* keep - remember S for msg_free(); NULL on failure */
static char *
keep(struct msg *m, char *s)
{
	char **n;

	if (s == NULL) {
		m->nomem = 1;
		return (NULL);
	}
	if (m->nstrs == m->capstrs) {
		size_t cap = m->capstrs ? m->capstrs * 2 : 16;

		if ((n = reallocarray(m->strs, cap, sizeof(*n))) == NULL) {
			free(s);
			m->nomem = 1;
			return (NULL);
		}
		m->strs = n;
		m->capstrs = cap;
	}
	m->strs[m->nstrs++] = s;
	return (s);
}

/* logf - queue a log line */
static void __attribute__((format(printf, 2, 3)))
logline(struct msg *m, const char *fmt, ...)
{
	char buf[2048], *s, **n;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (m->nlog == m->caplog) {
		size_t cap = m->caplog ? m->caplog * 2 : 16;

		if ((n = reallocarray(m->logq, cap, sizeof(*n))) == NULL) {
			m->nomem = 1;
			return;
		}
		m->logq = n;
		m->caplog = cap;
	}
	if ((s = strdup(buf)) == NULL) {
		m->nomem = 1;
		return;
	}
	m->logq[m->nlog++] = s;
}

void
msg_log_drain(struct msg *m, void (*fn)(void *, const char *), void *arg)
{
	size_t i;

	for (i = 0; i < m->nlog; i++) {
		fn(arg, m->logq[i]);
		free(m->logq[i]);
	}
	m->nlog = 0;
}

/* reply - fill R */
static int __attribute__((format(printf, 5, 6)))
reply(struct msg_reply *r, enum msg_action a, const char *code,
    const char *xcode, const char *fmt, ...)
{
	va_list ap;

	r->action = a;
	(void)strlcpy(r->code, code, sizeof(r->code));
	(void)strlcpy(r->xcode, xcode, sizeof(r->xcode));
	va_start(ap, fmt);
	(void)vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	return (0);
}

static int
go_on(struct msg_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->action = MSG_CONTINUE;
	return (0);
}

/* safe_text - S reduced to characters that are safe in a reply or log */
static void
safe_text(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s != '\0' && o + 1 < len; s++) {
		unsigned char c = (unsigned char)*s;

		out[o++] = (c > 0x20 && c < 0x7f && c != '%' && c != '"' &&
		    c != '\\') ? (char)c : '?';
	}
	out[o] = '\0';
}

/* trim - copy VALUE without surrounding white space into OUT */
static int
trim(const char *value, char *out, size_t len)
{
	const char *s = value, *e = value + strlen(value);

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	if ((size_t)(e - s) >= len)
		return (-1);
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return (0);
}

struct msg *
msg_new(const struct msg_env *env)
{
	struct msg *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	m->env = env;
	if (env->conf->nlists > 0 &&
	    (m->hdr_hit = calloc(env->conf->nlists, 1)) == NULL) {
		free(m);
		return (NULL);
	}
	return (m);
}

void
msg_free(struct msg *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i].raw);
	free(m->rcpts);
	for (i = 0; i < m->nstrs; i++)
		free(m->strs[i]);
	free(m->strs);
	for (i = 0; i < m->nlog; i++)
		free(m->logq[i]);
	free(m->logq);
	free(m->res.delrcpt);
	free(m->hdr_hit);
	free(m->subject);
	free(m);
}

void
msg_set_qid(struct msg *m, const char *qid)
{
	safe_text(qid != NULL ? qid : "", m->qid, sizeof(m->qid));
}

const struct conf_list *
msg_list(const struct msg *m)
{
	return (m->list);
}

/* ------------------------------------------------------ classification */

/* sender_fits - a "match sender" value against the envelope sender */
static int
sender_fits(const struct msg *m, const char *value)
{
	if (m->from[0] == '\0')
		return (0);
	if (value[0] == '@')
		return (strcmp(addr_domain(m->from), value + 1) == 0);
	return (strcmp(m->from, value) == 0);
}

/* envelope_fits - a sender or auth match of L fits */
static int
envelope_fits(const struct msg *m, const struct conf_list *l)
{
	size_t i;

	for (i = 0; i < l->nmatches; i++) {
		const struct conf_match *mt = &l->matches[i];

		if (mt->type == MATCH_SENDER && sender_fits(m, mt->value))
			return (1);
		if (mt->type == MATCH_AUTH && m->auth[0] != '\0' &&
		    strcasecmp(m->auth, mt->value) == 0)
			return (1);
	}
	return (0);
}

static int
has_header_match(const struct conf_list *l)
{
	size_t i;

	for (i = 0; i < l->nmatches; i++)
		if (l->matches[i].type == MATCH_HEADER)
			return (1);
	return (0);
}

/* list_at_rcpt - the list, when the envelope alone settles it */
static const struct conf_list *
list_at_rcpt(const struct msg *m)
{
	const struct conf *c = m->env->conf;
	size_t i;

	for (i = 0; i < c->nlists; i++) {
		if (envelope_fits(m, &c->lists[i]))
			return (&c->lists[i]);
		if (has_header_match(&c->lists[i]))
			return (NULL);
	}
	return (NULL);
}

int
msg_sender(struct msg *m, const char *raw, const char *auth,
    struct msg_reply *r)
{
	char err[96];

	if (addr_normalize(raw, strlen(raw), 0, m->from, sizeof(m->from), err,
	    sizeof(err)) < 0)
		m->from[0] = '\0';	/* <> or unusable: matches no sender */
	if (auth != NULL)
		safe_text(auth, m->auth, sizeof(m->auth));
	return (go_on(r));
}

/* decide_now - one recipient in its own short read transaction */
static int
decide_now(struct msg *m, const struct conf_list *l, struct rcpt *rc,
    char *err, size_t errlen)
{
	struct store_txn *tx;
	int rv;

	if (m->env->store == NULL) {
		(void)snprintf(err, errlen, "database unavailable");
		return (-1);
	}
	if (store_read_begin(m->env->store, &tx, err, errlen) < 0)
		return (-1);
	rv = decide(tx, l, rc->norm, m->env->conf->recipient_delimiter,
	    (int64_t)time(NULL), &rc->d);
	if (rv < 0)
		(void)snprintf(err, errlen, "%s", store_txn_error(tx));
	store_read_end(tx);
	return (rv);
}

int
msg_rcpt(struct msg *m, const char *raw, struct msg_reply *r)
{
	const struct conf *c = m->env->conf;
	struct rcpt *rc;
	char err[256], why[64];

	go_on(r);
	if (m->nrcpts >= MSG_MAX_RCPTS)
		return (reply(r, MSG_TEMPFAIL, "452", "4.5.3",
		    "too many recipients"));
	if (m->nrcpts == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct rcpt *n = reallocarray(m->rcpts, cap, sizeof(*n));

		if (n == NULL)
			return (reply(r, MSG_TEMPFAIL, "451", "4.3.0",
			    "out of memory"));
		m->rcpts = n;
		m->cap = cap;
	}
	rc = &m->rcpts[m->nrcpts];
	memset(rc, 0, sizeof(*rc));
	if ((rc->raw = strdup(raw)) == NULL)
		return (reply(r, MSG_TEMPFAIL, "451", "4.3.0", "out of memory"));
	m->nrcpts++;
	if (!m->path_known) {
		m->path_known = 1;
		m->smtpd = raw[0] == '<';
	}
	rc->norm_ok = addr_normalize(raw, strlen(raw), 0, rc->norm,
	    sizeof(rc->norm), rc->why, sizeof(rc->why)) == 0;
	if (!rc->norm_ok)
		safe_text(raw, rc->norm, sizeof(rc->norm));
	if (rc->norm_ok && c->unsubscribe_mailto[0] != '\0' &&
	    strcmp(rc->norm, c->unsubscribe_mailto) == 0) {
		rc->unsub = 1;
		return (0);
	}

	/* refuse now only: denied reject, over SMTP, list known already */
	if (c->denied != DENIED_REJECT || !m->smtpd || c->mode != MODE_ENFORCE)
		return (0);
	if (!m->rcpt_list_known) {
		m->rcpt_list_known = 1;
		m->rcpt_list = list_at_rcpt(m);
	}
	if (m->rcpt_list == NULL)
		return (0);
	if (!rc->norm_ok) {
		rc->rejected = 1;
		logline(m, "list=%s rcpt=<%s> verdict=reject reason=bad-address",
		    m->rcpt_list->name, rc->norm);
		return (reply(r, MSG_REJECT, "550", "5.1.3",
		    "<%s>: bad address: %s", rc->norm, rc->why));
	}
	if (decide_now(m, m->rcpt_list, rc, err, sizeof(err)) < 0) {
		if (c->on_error == ONERR_ACCEPT)
			return (0);
		safe_text(err, why, sizeof(why));
		logline(m, "list=%s rcpt=<%s> verdict=tempfail reason=db-error "
		    "error=%s", m->rcpt_list->name, rc->norm, why);
		m->nrcpts--;
		free(rc->raw);
		return (reply(r, MSG_TEMPFAIL, "451", "4.3.0",
		    "consent database unavailable, try again later"));
	}
	if (rc->d.verdict == VERDICT_DENY) {
		rc->rejected = 1;
		logline(m, "list=%s rcpt=<%s> verdict=reject reason=%s",
		    m->rcpt_list->name, rc->norm,
		    decision_reason(&rc->d, why, sizeof(why)));
		return (reply(r, MSG_REJECT, "550", "5.7.1",
		    "<%s>: no consent for list %s", rc->norm,
		    m->rcpt_list->name));
	}
	return (0);
}

/* header_matches - a "match header" of any list fits NAME: VALUE */
static void
header_matches(struct msg *m, const char *name, const char *value)
{
	const struct conf *c = m->env->conf;
	char v[CONF_TEXT_MAX];
	size_t i, j;
	int trimmed = 0;

	for (i = 0; i < c->nlists; i++)
		for (j = 0; j < c->lists[i].nmatches; j++) {
			const struct conf_match *mt = &c->lists[i].matches[j];

			if (mt->type != MATCH_HEADER ||
			    strcasecmp(mt->name, name) != 0)
				continue;
			if (!trimmed) {
				if (trim(value, v, sizeof(v)) < 0)
					return;
				trimmed = 1;
			}
			if (strcasecmp(v, mt->value) == 0)
				m->hdr_hit[i] = 1;
		}
}

int
msg_header(struct msg *m, const char *name, const char *value,
    struct msg_reply *r)
{
	const struct conf *c = m->env->conf;

	if (strcasecmp(name, c->list_header) == 0) {
		if (m->list_hdr_count++ == 0 && trim(value, m->list_hdr,
		    sizeof(m->list_hdr)) < 0)
			(void)strlcpy(m->list_hdr, "(too long)",
			    sizeof(m->list_hdr));
	} else if (strcasecmp(name, "List-Unsubscribe") == 0)
		m->n_unsub_hdr++;
	else if (strcasecmp(name, "List-Unsubscribe-Post") == 0)
		m->n_post_hdr++;
	else if (strcasecmp(name, "List-Id") == 0)
		m->n_id_hdr++;
	else if (strcasecmp(name, "Subject") == 0 && m->subject == NULL) {
		size_t n = strnlen(value, SUBJECT_MAX);

		if ((m->subject = malloc(n + 1)) != NULL) {
			memcpy(m->subject, value, n);
			m->subject[n] = '\0';
		}
	}
	header_matches(m, name, value);
	return (go_on(r));
}

/* only_unsub - every recipient is the unsubscribe address */
static int
only_unsub(const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->nrcpts; i++)
		if (!m->rcpts[i].unsub)
			return (0);
	return (m->nrcpts > 0);
}

int
msg_eoh(struct msg *m, struct msg_reply *r)
{
	const struct conf *c = m->env->conf;
	size_t i;

	go_on(r);
	if (m->list_hdr_count > 0) {
		char name[CONF_NAME_MAX + 1];

		m->list = conf_find_list(c, m->list_hdr);
		if (m->list != NULL)
			return (0);
		m->unknown_list = 1;
		safe_text(m->list_hdr, name, sizeof(name));
		logline(m, "from=<%s> unknown list \"%s\"%s", m->from, name,
		    c->mode == MODE_MONITOR ? " (monitor: passed)" : "");
		if (c->mode == MODE_MONITOR)
			return (0);
		return (reply(r, MSG_REJECT, "550", "5.7.1",
		    "unknown list \"%s\"", name));
	}
	for (i = 0; i < c->nlists; i++)
		if (m->hdr_hit[i] || envelope_fits(m, &c->lists[i])) {
			m->list = &c->lists[i];
			return (0);
		}
	if (c->mode == MODE_MONITOR || only_unsub(m))
		return (0);
	if (c->unclassified == UNCL_REJECT)
		return (reply(r, MSG_REJECT, "550", "5.7.1",
		    "message matches no mailing list"));
	if (c->unclassified == UNCL_TEMPFAIL)
		return (reply(r, MSG_TEMPFAIL, "451", "4.7.1",
		    "message matches no mailing list, try again later"));
	return (0);
}

/* ------------------------------------------------------ end of message */

/* delrcpt - remove S (copied) from the envelope */
static int
delrcpt(struct msg *m, const char *s)
{
	char **n, *d;
	size_t i;

	for (i = 0; i < m->res.ndelrcpt; i++)
		if (strcmp(m->res.delrcpt[i], s) == 0)
			return (0);
	n = reallocarray(m->res.delrcpt, m->res.ndelrcpt + 1, sizeof(*n));
	if (n == NULL) {
		m->nomem = 1;
		return (-1);
	}
	m->res.delrcpt = n;
	if ((d = keep(m, strdup(s))) == NULL)
		return (-1);
	m->res.delrcpt[m->res.ndelrcpt++] = d;
	return (0);
}

/*
 * strip - remove recipient RC. On the sendmail(1) path Postfix matches
 * the recipient as given to sendmail, while the milter sees it after
 * Postfix appended its own domain to a bare local part: remove that
 * form too when the domain is this host's or its parent's.
 */
static void
strip(struct msg *m, const struct rcpt *rc)
{
	const char *at, *host = m->env->myhostname, *dot;
	char local[ADDR_BUFSIZE];

	(void)delrcpt(m, rc->raw);
	if (m->smtpd || host == NULL || *host == '\0' ||
	    (at = strrchr(rc->raw, '@')) == NULL || at == rc->raw ||
	    (size_t)(at - rc->raw) >= sizeof(local))
		return;
	dot = strchr(host, '.');
	if (strcasecmp(at + 1, host) != 0 && (dot == NULL ||
	    strcasecmp(at + 1, dot + 1) != 0))
		return;
	memcpy(local, rc->raw, (size_t)(at - rc->raw));
	local[at - rc->raw] = '\0';
	(void)delrcpt(m, local);
}

/*
 * handle_unsub - the message went to unsubscribe-mailto. A valid token
 * in the Subject opts the token's recipient (or, for a list-only token,
 * the envelope sender) out of the token's list, durably. Returns 0, or
 * -1 when the database could not record it (the message must wait).
 */
static int
handle_unsub(struct msg *m)
{
	char tok[TOKEN_BUFSIZE], err[256], ev[STORE_EVIDENCE_MAX];
	struct token t;
	struct change ch;
	const char *target;

	if (m->subject == NULL || unsub_subject_token(m->subject,
	    strlen(m->subject), tok, sizeof(tok)) == 0) {
		logline(m, "unsubscribe from=<%s> result=invalid reason=no-token",
		    m->from);
		return (0);
	}
	if (m->env->keys == NULL || token_open(m->env->keys, tok, strlen(tok),
	    &t, err, sizeof(err)) < 0) {
		logline(m, "unsubscribe from=<%s> result=invalid reason=bad-token",
		    m->from);
		return (0);
	}
	target = t.rcpt[0] != '\0' ? t.rcpt : m->from;
	if (target[0] == '\0') {
		logline(m, "unsubscribe list=%s from=<> result=invalid "
		    "reason=no-sender", t.list);
		return (0);
	}
	if (m->env->store == NULL) {
		logline(m, "unsubscribe list=%s rcpt=<%s> result=tempfail "
		    "reason=db-unavailable", t.list, target);
		return (-1);
	}
	(void)snprintf(ev, sizeof(ev), "channel=mailto sender=<%s> qid=%s",
	    m->from, m->qid);
	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_MILTER;
	ch.source = "mailto";
	ch.evidence = ev;
	if (unsub_list_write(m->env->store, target, t.list,
	    m->env->conf->recipient_delimiter, &ch, err, sizeof(err)) < 0) {
		char why[128];

		safe_text(err, why, sizeof(why));
		logline(m, "unsubscribe list=%s rcpt=<%s> result=tempfail "
		    "error=%s", t.list, target, why);
		return (-1);
	}
	logline(m, "unsubscribe list=%s rcpt=<%s> result=opt-out channel=mailto",
	    t.list, target);
	return (0);
}

/* add_header - NAME: VALUE (folded) to the result */
static void
add_header(struct msg *m, const char *name, const char *value)
{
	char folded[LISTHDR_BUFSIZE * 2];
	char *v;

	if (m->res.naddhdr >= sizeof(m->res.addhdr) / sizeof(m->res.addhdr[0]))
		return;
	if (listhdr_fold(value, strlen(name), folded, sizeof(folded)) < 0) {
		logline(m, "list=%s header %s not added: too long",
		    m->list->name, name);
		return;
	}
	if ((v = keep(m, strdup(folded))) == NULL)
		return;
	m->res.addhdr[m->res.naddhdr].name = name;
	m->res.addhdr[m->res.naddhdr].value = v;
	m->res.naddhdr++;
}

static void
del_header(struct msg *m, const char *name, int count)
{
	if (count <= 0 ||
	    m->res.ndelhdr >= sizeof(m->res.delhdr) / sizeof(m->res.delhdr[0]))
		return;
	m->res.delhdr[m->res.ndelhdr].name = name;
	m->res.delhdr[m->res.ndelhdr].count = count;
	m->res.ndelhdr++;
}

/* list_headers - List-Unsubscribe, -Post and List-Id for list mail */
static void
list_headers(struct msg *m, const struct rcpt *only)
{
	const struct conf *c = m->env->conf;
	const struct conf_list *l = m->list;
	char tok[TOKEN_BUFSIZE], val[LISTHDR_BUFSIZE];

	if (l->list_id[0] != '\0') {
		del_header(m, "List-Id", m->n_id_hdr);
		if (listhdr_id(l, val, sizeof(val)) == 0)
			add_header(m, "List-Id", val);
	}
	if (!l->unsubscribe)
		return;
	del_header(m, "List-Unsubscribe", m->n_unsub_hdr);
	del_header(m, "List-Unsubscribe-Post", m->n_post_hdr);
	if (m->env->keys == NULL) {
		logline(m, "list=%s no List-Unsubscribe: no token key", l->name);
		return;
	}
	if (token_seal(m->env->keys, l->name, only != NULL ? only->norm : "",
	    (int64_t)time(NULL), tok, sizeof(tok)) < 0) {
		logline(m, "list=%s no List-Unsubscribe: token failed", l->name);
		return;
	}
	if (listhdr_unsubscribe(c, tok, only != NULL, val, sizeof(val)) < 0) {
		logline(m, "list=%s no List-Unsubscribe: several recipients and "
		    "no unsubscribe-mailto", l->name);
		return;
	}
	add_header(m, "List-Unsubscribe", val);
	if (only != NULL && c->unsubscribe_url[0] != '\0')
		add_header(m, "List-Unsubscribe-Post",
		    "List-Unsubscribe=One-Click");
}

int
msg_eom(struct msg *m, int64_t now, struct msg_result *res)
{
	const struct conf *c = m->env->conf;
	const struct conf_list *l;
	const struct rcpt *only = NULL;
	struct store_txn *tx = NULL;
	char err[256], why[64], shown[128];
	size_t i, ndeliver = 0, ndeny = 0, nlive = 0;
	int enforce = c->mode == MODE_ENFORCE, dberr = 0, any_unsub = 0;
	int reject_all = 0;

	memset(&m->res, 0, sizeof(m->res));
	go_on(&m->res.reply);

	/* unsubscribe requests first: they are the person's wish */
	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].unsub)
			any_unsub = 1;
	if (any_unsub) {
		if (handle_unsub(m) < 0) {
			reply(&m->res.reply, MSG_TEMPFAIL, "451", "4.3.0",
			    "unsubscribe could not be recorded, try again later");
			goto out;
		}
		if (only_unsub(m)) {
			reply(&m->res.reply, MSG_DISCARD, "", "", "unsubscribe");
			goto out;
		}
		for (i = 0; i < m->nrcpts; i++)
			if (m->rcpts[i].unsub)
				(void)delrcpt(m, m->rcpts[i].raw);
	}

	/* the list header never leaves */
	del_header(m, c->list_header, m->list_hdr_count);
	if ((l = m->list) == NULL)
		goto out;
	m->res.classified = 1;

	/* one read transaction for every recipient */
	if (m->env->store == NULL) {
		(void)snprintf(err, sizeof(err), "database unavailable");
		dberr = 1;
	} else if (store_read_begin(m->env->store, &tx, err, sizeof(err)) < 0)
		dberr = 1;
	for (i = 0; i < m->nrcpts && !dberr; i++) {
		struct rcpt *rc = &m->rcpts[i];

		if (rc->unsub || rc->rejected)
			continue;
		if (!rc->norm_ok) {
			rc->d.verdict = VERDICT_DENY;
			rc->d.reason = REASON_NO_CONSENT;
			continue;
		}
		if (decide(tx, l, rc->norm, c->recipient_delimiter, now,
		    &rc->d) < 0) {
			(void)snprintf(err, sizeof(err), "%s",
			    store_txn_error(tx));
			dberr = 1;
		}
	}
	store_read_end(tx);

	if (dberr) {
		safe_text(err, shown, sizeof(shown));
		if (c->on_error == ONERR_TEMPFAIL && enforce) {
			logline(m, "list=%s from=<%s> rcpts=%zu error=%s "
			    "action=tempfail", l->name, m->from, m->nrcpts, shown);
			reply(&m->res.reply, MSG_TEMPFAIL, "451", "4.3.0",
			    "consent database unavailable, try again later");
			goto out;
		}
		logline(m, "list=%s from=<%s> error=%s action=accept", l->name,
		    m->from, shown);
		for (i = 0; i < m->nrcpts; i++)
			if (!m->rcpts[i].rejected) {
				m->rcpts[i].d.verdict = VERDICT_DELIVER;
				m->rcpts[i].d.reason = REASON_NONE;
				m->rcpts[i].d.basis = -1;
			}
	}

	/* verdicts, log lines and what to strip */
	for (i = 0; i < m->nrcpts; i++) {
		struct rcpt *rc = &m->rcpts[i];
		const char *verdict;

		if (rc->unsub)
			continue;
		if (rc->rejected) {
			ndeny++;
			continue;	/* logged when it was refused */
		}
		if (rc->d.verdict == VERDICT_DELIVER) {
			ndeliver++;
			only = rc;
			logline(m, "list=%s rcpt=<%s> verdict=deliver reason=%s",
			    l->name, rc->norm, rc->d.basis == -1 ? "db-error" :
			    rc->d.basis == 0 ? "none" : status_name(rc->d.basis));
			continue;
		}
		ndeny++;
		if (!rc->norm_ok)
			(void)strlcpy(why, "bad-address", sizeof(why));
		else
			(void)decision_reason(&rc->d, why, sizeof(why));
		if (c->denied == DENIED_REJECT && !m->smtpd) {
			verdict = "reject";
			reject_all = 1;
		} else
			verdict = "strip";
		logline(m, "list=%s rcpt=<%s> verdict=%s reason=%s", l->name,
		    rc->norm, verdict, why);
		if (enforce && !reject_all)
			strip(m, rc);
	}
	nlive = ndeliver;
	logline(m, "list=%s from=<%s> rcpts=%zu delivered=%zu stripped=%zu "
	    "mode=%s", l->name, m->from, ndeliver + ndeny, ndeliver, ndeny,
	    enforce ? "enforce" : "monitor");
	if (!enforce) {
		m->res.ndelrcpt = 0;
		goto out;
	}
	if (reject_all) {
		m->res.ndelrcpt = 0;
		reply(&m->res.reply, MSG_REJECT, "550", "5.7.1",
		    "no consent for list %s for %zu recipient%s", l->name, ndeny,
		    ndeny == 1 ? "" : "s");
		goto out;
	}
	if (nlive == 0) {
		m->res.ndelrcpt = 0;
		if (c->denied == DENIED_REJECT)
			reply(&m->res.reply, MSG_REJECT, "550", "5.7.1",
			    "no recipient has consent for list %s", l->name);
		else
			reply(&m->res.reply, MSG_DISCARD, "", "",
			    "no recipient has consent for list %s", l->name);
		goto out;
	}
	list_headers(m, nlive == 1 ? only : NULL);
out:
	if (m->nomem) {
		reply(&m->res.reply, MSG_TEMPFAIL, "451", "4.3.0",
		    "out of memory, try again later");
		*res = m->res;
		return (-1);
	}
	*res = m->res;
	return (0);
}
