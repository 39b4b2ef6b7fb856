/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg_rcpt.c - recipients: intake, refusal at RCPT time, deletion
 *
 * DESCRIPTION
 *	Under "denied reject" a recipient is refused at RCPT time only when
 *	nothing read later can change that: the envelope settles the list
 *	(a sender or auth match of a list that no earlier list with a
 *	header match could pre-empt) and the recipient would be denied on
 *	every list, since a list header may still name any of them and
 *	wins. Otherwise it is decided at the end of the message. On the
 *	sendmail(1) path nothing is refused per recipient and nothing can
 *	be deleted with certainty: msg_eom() refuses a list message with
 *	a denied recipient whole (or discards it when nobody is left
 *	under "denied strip"). A recipient equal to
 *	unsubscribe-mailto makes the message an unsubscribe request; mail
 *	to bounce-address (with any extension) is left to optin-feedback.
 *
 *	Over SMTP every recipient gets, at RCPT time, the string that
 *	deletes it from Postfix's queue file (orcp.h); in enforce mode a
 *	recipient for which there is none is refused then (550 5.7.1),
 *	whatever the message turns out to be, because it could not be
 *	stripped later.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg_int.h"
#include "orcp.h"

/*
 * decide_now - one recipient in its own short read transaction; when it
 * is denied for L, *OPEN_LATER says whether another list (which a list
 * header could still name) would let it through.
 */
static int
decide_now(struct msg *m, const struct conf_list *l, struct rcpt *rc,
    int64_t now, int *open_later, char *err, size_t errlen)
{
	const struct conf *c = m->env->conf;
	struct store_txn *tx;
	size_t i;
	int rv;

	*open_later = 0;
	if (m->env->store == NULL) {
		(void)snprintf(err, errlen, "database unavailable");
		return (-1);
	}
	if (store_read_begin(m->env->store, &tx, err, errlen) < 0)
		return (-1);
	rv = decide(tx, l, rc->norm, m->env->conf->recipient_delimiter,
	    now, &rc->d);
	/*
	 * A list header read later may name any list and wins: a refusal
	 * now is final only when no list would let the recipient through.
	 */
	for (i = 0; rv == 0 && rc->d.verdict == VERDICT_DENY &&
	    i < c->nlists; i++) {
		struct decision other;

		if (&c->lists[i] == l)
			continue;
		rv = decide(tx, &c->lists[i], rc->norm, c->recipient_delimiter,
		    now, &other);
		if (rv == 0 && other.verdict == VERDICT_DELIVER)
			*open_later = 1;
	}
	if (rv < 0)
		(void)snprintf(err, errlen, "%s", store_txn_error(tx));
	store_read_end(tx);
	return (rv);
}

/*
 * path_of - settle the path at the first recipient when the caller did
 * not say: angle brackets mean smtpd(8). A mistake that way only makes
 * the milter stricter (see msg_eom()).
 */
static void
path_of(struct msg *m, const char *raw)
{
	if (m->path_known)
		return;
	m->path_known = 1;
	m->smtpd = raw[0] == '<';
}

/*
 * shown_raw - RAW without its outer angle brackets, for the log and
 * replies (escaped there); cut to OUT's size, which only shortens what
 * is shown of an address that could not be normalised anyway.
 */
static void
shown_raw(const char *raw, char *out, size_t len)
{
	size_t n = strlen(raw);

	if (n >= 2 && raw[0] == '<' && raw[n - 1] == '>') {
		raw++;
		n -= 2;
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, raw, n);
	out[n] = '\0';
}

/*
 * form_ok - over SMTP, find the string that deletes RC from the queue
 * file; in enforce mode refuse a recipient that has none, since it
 * could not be stripped. Returns 0 to go on, 1 when refused (R set).
 */
static int
form_ok(struct msg *m, struct rcpt *rc, struct msg_reply *r)
{
	char orcp[ORCP_BUFSIZE], del[ORCP_DEL_BUFSIZE], err[128];

	if (!m->smtpd)
		return (0);
	if (orcp_smtpd(rc->raw, strlen(rc->raw), orcp, sizeof(orcp), del,
	    sizeof(del), err, sizeof(err)) == 0) {
		if ((rc->del = strdup(del)) == NULL) {
			m->nomem = 1;
			return (0);
		}
		return (0);
	}
	if (m->env->conf->mode != MODE_ENFORCE || m->inbound)
		return (0);	/* inbound: never refused, at most not deleted */
	rc->rejected = 1;
	msg_log(m, "rcpt=<%s> verdict=reject reason=address-form "
	    "error=\"%s\"", msg_w(m, rc->norm), msg_qt(m, err));
	(void)msg_set_reply(r, MSG_REJECT, "550", "5.7.1",
	    "<%s>: this form of address cannot be handled here (%s); "
	    "give it as <local-part@domain>", msg_w(m, rc->norm), err);
	return (1);
}

/*
 * is_own - ADDR is OWN (one of the site's own addresses), or its local
 * part with a recipient-delimiter and anything after it: the VERP
 * return path of bounce-address, and unsubscribe+x@d, which Postfix
 * delivers to unsubscribe@d as well
 */
static int
is_own(const struct conf *c, const char *own, const char *addr)
{
	const char *at = strrchr(own, '@'), *aat;
	size_t ll;

	if (own[0] == '\0' || at == NULL ||
	    (aat = strrchr(addr, '@')) == NULL ||
	    strcasecmp(at, aat) != 0)
		return (0);
	ll = (size_t)(at - own);
	if (strncasecmp(addr, own, ll) != 0)
		return (0);
	if (addr + ll == aat)
		return (1);
	return (strchr(c->recipient_delimiter[0] != '\0' ?
	    c->recipient_delimiter : "+", addr[ll]) != NULL);
}

int
msg_only_feedback(const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->nrcpts; i++)
		if (!m->rcpts[i].fb)
			return (0);
	return (m->nrcpts > 0);
}

int
msg_rcpt(struct msg *m, const char *raw, int64_t now, struct msg_reply *r)
{
	const struct conf *c = m->env->conf;
	struct rcpt *rc;
	char err[256], why[64];
	int open_later = 0;

	msg_go_on(r);
	if (m->nrcpts >= MSG_MAX_RCPTS)
		return (msg_set_reply(r, MSG_TEMPFAIL, "452", "4.5.3",
		    "too many recipients"));
	if (m->nrcpts == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct rcpt *n = reallocarray(m->rcpts, cap, sizeof(*n));

		if (n == NULL)
			return (msg_set_reply(r, MSG_TEMPFAIL, "451", "4.3.0",
			    "out of memory"));
		m->rcpts = n;
		m->cap = cap;
	}
	rc = &m->rcpts[m->nrcpts];
	memset(rc, 0, sizeof(*rc));
	if ((rc->raw = strdup(raw)) == NULL)
		return (msg_set_reply(r, MSG_TEMPFAIL, "451", "4.3.0",
		    "out of memory"));
	m->nrcpts++;
	path_of(m, raw);
	rc->norm_ok = addr_normalize(raw, strlen(raw), 0, rc->norm,
	    sizeof(rc->norm), rc->why, sizeof(rc->why)) == 0;
	if (!rc->norm_ok)
		shown_raw(raw, rc->norm, sizeof(rc->norm));
	if (form_ok(m, rc, r))
		return (0);
	/* own addresses: the only inbound mail acted on (msg_inbound_wanted) */
	if (rc->norm_ok && is_own(c, c->unsubscribe_mailto, rc->norm)) {
		rc->unsub = 1;
		m->any_unsub = 1;
		return (0);
	}
	if (rc->norm_ok && is_own(c, c->bounce_address, rc->norm)) {
		rc->fb = 1;	/* reports for optin-feedback: not ours here */
		return (0);
	}
	if (m->inbound)
		return (0);

	/* refuse now only: denied reject, over SMTP, list known already */
	if (c->denied != DENIED_REJECT || !m->smtpd || c->mode != MODE_ENFORCE)
		return (0);
	if (!m->rcpt_list_known) {
		m->rcpt_list_known = 1;
		m->rcpt_list = msg_list_at_rcpt(m);
	}
	if (m->rcpt_list == NULL)
		return (0);
	if (!rc->norm_ok) {
		rc->rejected = 1;
		msg_log(m, "list=%s rcpt=<%s> verdict=reject reason=bad-address",
		    m->rcpt_list->name, msg_w(m, rc->norm));
		return (msg_set_reply(r, MSG_REJECT, "550", "5.1.3",
		    "<%s>: bad address: %s", msg_w(m, rc->norm),
		    msg_qt(m, rc->why)));
	}
	if (decide_now(m, m->rcpt_list, rc, now, &open_later, err,
	    sizeof(err)) < 0) {
		if (c->on_error == ONERR_ACCEPT)
			return (0);
		msg_log(m, "list=%s rcpt=<%s> verdict=tempfail reason=db-error "
		    "error=\"%s\"", m->rcpt_list->name, msg_w(m, rc->norm),
		    msg_qt(m, err));
		m->nrcpts--;
		free(rc->raw);
		free(rc->del);
		return (msg_set_reply(r, MSG_TEMPFAIL, "451", "4.3.0",
		    "consent database unavailable, try again later"));
	}
	if (rc->d.verdict == VERDICT_DENY && !open_later) {
		rc->rejected = 1;
		msg_log(m, "list=%s rcpt=<%s> verdict=reject reason=%s",
		    m->rcpt_list->name, msg_w(m, rc->norm),
		    decision_reason(&rc->d, why, sizeof(why)));
		return (msg_set_reply(r, MSG_REJECT, "550", "5.7.1",
		    "<%s>: no consent for list %s", msg_w(m, rc->norm),
		    m->rcpt_list->name));
	}
	return (0);
}

/* msg_delrcpt - remove S (copied) from the envelope */
int
msg_delrcpt(struct msg *m, const char *s)
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
	if ((d = msg_keep(m, strdup(s))) == NULL)
		return (-1);
	m->res.delrcpt[m->res.ndelrcpt++] = d;
	return (0);
}

/*
 * msg_strip - remove recipient RC at the end of the message, by the
 * string that matches Postfix's original recipient (see orcp.h). Only
 * over SMTP: through sendmail(1) no string is certain to match, and
 * msg_eom() refuses the whole message instead. Returns 0, or -1 when
 * the recipient has no deletion string (it was not refused at RCPT:
 * monitor mode then) or memory ran out.
 */
int
msg_strip(struct msg *m, const struct rcpt *rc)
{
	if (!m->smtpd || rc->del == NULL)
		return (-1);
	return (msg_delrcpt(m, rc->del));
}
