/*
 * msg_rcpt.c - recipients: intake, refusal at RCPT time, deletion
 *
 * DESCRIPTION
 *	Under "denied reject" a recipient is refused at RCPT time when the
 *	list is already known then: a sender or auth match of a list that
 *	no earlier list with a header match could pre-empt. On the
 *	sendmail(1) path (recipients without angle brackets) nothing is
 *	refused per recipient: denied recipients are stripped, or under
 *	"denied reject" the message is. A recipient equal to
 *	unsubscribe-mailto makes the message an unsubscribe request.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msg_int.h"

/* decide_now - one recipient in its own short read transaction */
static int
decide_now(struct msg *m, const struct conf_list *l, struct rcpt *rc,
    int64_t now, char *err, size_t errlen)
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
	    now, &rc->d);
	if (rv < 0)
		(void)snprintf(err, errlen, "%s", store_txn_error(tx));
	store_read_end(tx);
	return (rv);
}

int
msg_rcpt(struct msg *m, const char *raw, int64_t now, struct msg_reply *r)
{
	const struct conf *c = m->env->conf;
	struct rcpt *rc;
	char err[256], why[64];

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
		return (msg_set_reply(r, MSG_TEMPFAIL, "451", "4.3.0", "out of memory"));
	m->nrcpts++;
	if (!m->path_known) {
		m->path_known = 1;
		m->smtpd = raw[0] == '<';
	}
	rc->norm_ok = addr_normalize(raw, strlen(raw), 0, rc->norm,
	    sizeof(rc->norm), rc->why, sizeof(rc->why)) == 0;
	if (!rc->norm_ok)
		msg_safe_text(raw, rc->norm, sizeof(rc->norm));
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
		m->rcpt_list = msg_list_at_rcpt(m);
	}
	if (m->rcpt_list == NULL)
		return (0);
	if (!rc->norm_ok) {
		rc->rejected = 1;
		msg_log(m, "list=%s rcpt=<%s> verdict=reject reason=bad-address",
		    m->rcpt_list->name, rc->norm);
		return (msg_set_reply(r, MSG_REJECT, "550", "5.1.3",
		    "<%s>: bad address: %s", rc->norm, rc->why));
	}
	if (decide_now(m, m->rcpt_list, rc, now, err, sizeof(err)) < 0) {
		if (c->on_error == ONERR_ACCEPT)
			return (0);
		msg_safe_text(err, why, sizeof(why));
		msg_log(m, "list=%s rcpt=<%s> verdict=tempfail reason=db-error "
		    "error=%s", m->rcpt_list->name, rc->norm, why);
		m->nrcpts--;
		free(rc->raw);
		return (msg_set_reply(r, MSG_TEMPFAIL, "451", "4.3.0",
		    "consent database unavailable, try again later"));
	}
	if (rc->d.verdict == VERDICT_DENY) {
		rc->rejected = 1;
		msg_log(m, "list=%s rcpt=<%s> verdict=reject reason=%s",
		    m->rcpt_list->name, rc->norm,
		    decision_reason(&rc->d, why, sizeof(why)));
		return (msg_set_reply(r, MSG_REJECT, "550", "5.7.1",
		    "<%s>: no consent for list %s", rc->norm,
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
 * msg_strip - remove recipient RC. On the sendmail(1) path Postfix matches
 * the recipient as given to sendmail, while the milter sees it after
 * Postfix appended its own domain to a bare local part: remove that
 * form too when the domain is this host's or its parent's.
 */
void
msg_strip(struct msg *m, const struct rcpt *rc)
{
	const char *at, *host = m->env->myhostname, *dot;
	char local[ADDR_BUFSIZE];

	(void)msg_delrcpt(m, rc->raw);
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
	(void)msg_delrcpt(m, local);
}
