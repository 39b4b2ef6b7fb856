/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg.c - one message through the policy: life cycle and end of message
 *
 * DESCRIPTION
 *	Every recipient of list mail is decided at the end of the message
 *	in one read transaction; msg_eom() turns the verdicts into log
 *	lines, recipients to delete, a reply and the List-* headers. The
 *	other steps live by concern in msg_class.c, msg_rcpt.c, msg_hdr.c
 *	and msg_unsub.c (see msg_int.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "msg_int.h"

/* msg_keep - remember S for msg_free(); NULL on failure */
char *
msg_keep(struct msg *m, char *s)
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

/* msg_log - queue a log line, whole: escaped fields can be long */
void
msg_log(struct msg *m, const char *fmt, ...)
{
	char buf[512], *s, **n;
	va_list ap;
	int len;

	/* formatted once: most lines fit the buffer */
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0 || (s = malloc((size_t)len + 1)) == NULL) {
		m->nomem = 1;
		return;
	}
	if ((size_t)len < sizeof(buf))
		memcpy(s, buf, (size_t)len + 1);
	else {
		va_start(ap, fmt);
		(void)vsnprintf(s, (size_t)len + 1, fmt, ap);	/* fits */
		va_end(ap);
	}
	if (m->nlog == m->caplog) {
		size_t cap = m->caplog ? m->caplog * 2 : 16;

		if ((n = reallocarray(m->logq, cap, sizeof(*n))) == NULL) {
			free(s);
			m->nomem = 1;
			return;
		}
		m->logq = n;
		m->caplog = cap;
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

/* msg_set_reply - fill R */
int
msg_set_reply(struct msg_reply *r, enum msg_action a, const char *code,
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

int
msg_go_on(struct msg_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->action = MSG_CONTINUE;
	return (0);
}

/* esc - S escaped in CTX, kept for msg_free() */
static const char *
esc(struct msg *m, const char *s, enum text_ctx ctx)
{
	size_t n = strlen(s);
	char *out;

	if ((out = malloc(TEXT_ESC_SIZE(n))) == NULL) {
		m->nomem = 1;
		return ("?");
	}
	(void)text_esc(s, n, ctx, out, TEXT_ESC_SIZE(n));	/* fits */
	if (msg_keep(m, out) == NULL)
		return ("?");
	return (out);
}

const char *
msg_w(struct msg *m, const char *s)
{
	return (esc(m, s, TEXT_WORD));
}

const char *
msg_qt(struct msg *m, const char *s)
{
	return (esc(m, s, TEXT_QUOTED));
}

/* msg_trim - copy VALUE without surrounding white space into OUT */
int
msg_trim(const char *value, char *out, size_t len)
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
	for (i = 0; i < m->nrcpts; i++) {
		free(m->rcpts[i].raw);
		free(m->rcpts[i].del);
	}
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
	for (i = 0; i < MSG_ADDRHDR_MAX; i++) {
		free(m->addrhdr[0][i]);
		free(m->addrhdr[1][i]);
	}
	free(m);
}

void
msg_set_path(struct msg *m, enum msg_path path)
{
	if (path == MSG_PATH_UNKNOWN || m->nrcpts > 0)
		return;
	m->path_known = 1;
	m->smtpd = path == MSG_PATH_SMTPD;
}

void
msg_set_qid(struct msg *m, const char *qid)
{
	/* a cut queue id is still the best name the log has */
	(void)text_esc(qid, qid != NULL ? strlen(qid) : 0, TEXT_WORD, m->qid,
	    sizeof(m->qid));
}

void
msg_set_inbound(struct msg *m)
{
	m->inbound = 1;
}

int
msg_inbound_wanted(const struct conf *c)
{
	/* own addresses: unsubscribe-mailto (feedback addresses join here) */
	return (c->unsubscribe_mailto[0] != '\0');
}

const struct conf_list *
msg_list(const struct msg *m)
{
	return (m->list);
}

/* ------------------------------------------------------ end of message */

int
msg_eom(struct msg *m, int64_t now, struct msg_result *res)
{
	const struct conf *c = m->env->conf;
	const struct conf_list *l;
	const struct rcpt *only = NULL;
	struct store_txn *tx = NULL;
	char err[256], why[64];
	const char *shown;
	size_t i, ndeliver = 0, ndeny = 0, nrefused = 0, nconsent = 0;
	size_t ndenied = 0, nunsub_left = 0;
	int enforce = c->mode == MODE_ENFORCE, dberr = 0, any_unsub = 0;
	int whole = 0, nodel = 0, split = 0;

	memset(&m->res, 0, sizeof(m->res));
	msg_go_on(&m->res.reply);

	/* unsubscribe requests first: they are the person's wish */
	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].unsub)
			any_unsub = 1;
	if (any_unsub) {
		if (msg_unsub_request(m) < 0) {
			msg_set_reply(&m->res.reply, MSG_TEMPFAIL, "451", "4.3.0",
			    "unsubscribe could not be recorded, try again later");
			goto out;
		}
		if (msg_only_unsub(m)) {
			msg_set_reply(&m->res.reply, MSG_DISCARD, "", "", "unsubscribe");
			goto out;
		}
		/*
		 * Through sendmail(1) the unsubscribe address cannot be removed
		 * with certainty either (orcp.h): list mail is refused below.
		 */
		for (i = 0; i < m->nrcpts; i++)
			if (m->rcpts[i].unsub && m->rcpts[i].del != NULL)
				(void)msg_delrcpt(m, m->rcpts[i].del);
			else if (m->rcpts[i].unsub) {
				(void)msg_delrcpt(m, m->rcpts[i].raw);
				nunsub_left++;
			}
	}

	/* reports to bounce-address are optin-feedback's: untouched */
	if (msg_only_feedback(m))
		goto out;

	/* inbound mail: nothing else is ours to change */
	if (m->inbound)
		goto out;

	/* the list header never leaves */
	msg_del_header(m, c->list_header, m->list_hdr_count);
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

		if (rc->unsub || rc->rejected || rc->fb)
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
		shown = msg_qt(m, err);
		if (c->on_error == ONERR_TEMPFAIL && enforce) {
			msg_log(m, "list=%s from=<%s> rcpts=%zu error=\"%s\" "
			    "action=tempfail", l->name, msg_w(m, m->from),
			    m->nrcpts, shown);
			msg_set_reply(&m->res.reply, MSG_TEMPFAIL, "451", "4.3.0",
			    "consent database unavailable, try again later");
			goto out;
		}
		msg_log(m, "list=%s from=<%s> error=\"%s\" action=accept",
		    l->name, msg_w(m, m->from), shown);
		for (i = 0; i < m->nrcpts; i++)
			if (!m->rcpts[i].rejected) {
				m->rcpts[i].d.verdict = VERDICT_DELIVER;
				m->rcpts[i].d.reason = REASON_NONE;
				m->rcpts[i].d.basis = -1;
			}
	}

	/* count first: the counts and the path decide what happens */
	for (i = 0; i < m->nrcpts; i++) {
		const struct rcpt *rc = &m->rcpts[i];

		if (rc->unsub || rc->fb)
			continue;
		if (rc->rejected)
			nrefused++;	/* logged when it was refused */
		else if (rc->d.verdict == VERDICT_DELIVER) {
			ndeliver++;
			only = rc;
		} else {
			ndeny++;
			/* over SMTP every one has its deletion string */
			if (m->smtpd && rc->del == NULL)
				nodel = 1;
		}
	}
	/*
	 * Refused whole: under "denied reject" when nobody is left; through
	 * sendmail(1) whenever a recipient would have to be deleted, because
	 * Postfix matches the recipient as typed and the milter only sees it
	 * rewritten (orcp.h); and whenever a deletion would not be certain.
	 */
	if (ndeny > 0) {
		if (ndeliver == 0)
			whole = c->denied == DENIED_REJECT;
		else
			whole = !m->smtpd || nodel;
	}
	if (nunsub_left > 0 && ndeliver > 0)
		whole = 1;	/* list mail would reach the unsubscribe box */

	/*
	 * Under split, list mail that keeps several recipients is marked for
	 * Postfix's one-per-recipient re-injection (msg_split_mark): every
	 * copy comes back alone and gets its personal headers then.
	 */
	split = enforce && c->split && !whole && ndeliver > 1;

	for (i = 0; i < m->nrcpts; i++) {
		struct rcpt *rc = &m->rcpts[i];

		if (rc->unsub || rc->rejected || rc->fb)
			continue;
		if (rc->d.verdict == VERDICT_DELIVER && whole) {
			/* consent, but the message it was in is refused */
			msg_log(m, "list=%s rcpt=<%s> verdict=reject "
			    "reason=message-refused", l->name,
			    msg_w(m, rc->norm));
			continue;
		}
		if (rc->d.verdict == VERDICT_DELIVER) {
			msg_log(m, "list=%s rcpt=<%s> verdict=%s reason=%s",
			    l->name, msg_w(m, rc->norm), split ? "split" : "deliver",
			    rc->d.basis == -1 ? "db-error" :
			    rc->d.basis == 0 ? "none" : status_name(rc->d.basis));
			continue;
		}
		if (!rc->norm_ok)
			(void)strlcpy(why, "bad-address", sizeof(why));
		else
			(void)decision_reason(&rc->d, why, sizeof(why));
		msg_log(m, "list=%s rcpt=<%s> verdict=%s reason=%s", l->name,
		    msg_w(m, rc->norm), whole ? "reject" : "strip", why);
		if (enforce && !whole && ndeliver > 0 && msg_strip(m, rc) < 0)
			m->nomem = 1;	/* cannot happen: counted above */
	}
	for (i = 0; i < m->nrcpts && whole && nunsub_left > 0; i++)
		if (m->rcpts[i].unsub && m->rcpts[i].del == NULL)
			msg_log(m, "list=%s rcpt=<%s> verdict=reject "
			    "reason=unsubscribe-address", l->name,
			    msg_w(m, m->rcpts[i].norm));
	if (whole) {
		nconsent = ndeliver;
		ndenied = ndeny + nunsub_left;
		nrefused += ndeny + ndeliver;
		ndeliver = ndeny = 0;
	}
	msg_log(m, "list=%s from=<%s> rcpts=%zu delivered=%zu stripped=%zu "
	    "rejected=%zu mode=%s%s", l->name, msg_w(m, m->from),
	    ndeliver + ndeny + nrefused, ndeliver, ndeny, nrefused,
	    enforce ? "enforce" : "monitor", split ? " split=yes" : "");
	if (!enforce) {
		m->res.ndelrcpt = 0;
		goto out;
	}
	if (whole) {
		m->res.ndelrcpt = 0;
		if (nconsent == 0)
			msg_set_reply(&m->res.reply, MSG_REJECT, "550", "5.7.1",
			    "no recipient has consent for list %s", l->name);
		else
			msg_set_reply(&m->res.reply, MSG_REJECT, "550", "5.7.1",
			    "no consent for list %s for %zu recipient%s%s",
			    l->name, ndenied, ndenied == 1 ? "" : "s",
			    m->smtpd ? "" : "; mail submitted with sendmail(1) "
			    "is refused whole");
		goto out;
	}
	if (ndeliver == 0) {
		m->res.ndelrcpt = 0;
		msg_set_reply(&m->res.reply, MSG_DISCARD, "", "",
		    "no recipient has consent for list %s", l->name);
		goto out;
	}
	/*
	 * A split message gets the headers of a message with several
	 * recipients too: the copies that come back replace them, and
	 * without Postfix's split wiring the mail still leaves with them.
	 */
	if (c->hide_stripped && ndeny + nrefused > 0 &&
	    msg_hide_stripped(m) < 0) {
		m->res.ndelrcpt = 0;
		m->res.nsethdr = 0;
		msg_set_reply(&m->res.reply, MSG_REJECT, "550", "5.6.0",
		    "more To or Cc header fields than one can hide held-back "
		    "recipients in");
		goto out;
	}
	msg_list_headers(m, ndeliver == 1 ? only : NULL, now);
	if (split)
		msg_split_mark(m);
out:
	msg_dkim_broken(m);
	if (m->nomem) {
		msg_set_reply(&m->res.reply, MSG_TEMPFAIL, "451", "4.3.0",
		    "out of memory, try again later");
		*res = m->res;
		return (-1);
	}
	*res = m->res;
	return (0);
}
