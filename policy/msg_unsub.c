/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg_unsub.c - unsubscribe requests sent to unsubscribe-mailto
 *
 * DESCRIPTION
 *	A message to the unsubscribe-mailto address carries a token in
 *	its Subject; see msg_unsub_request().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "msg_int.h"
#include "unsub.h"

/* msg_only_unsub - every recipient is the unsubscribe address */
int
msg_only_unsub(const struct msg *m)
{
	size_t i;

	for (i = 0; i < m->nrcpts; i++)
		if (!m->rcpts[i].unsub)
			return (0);
	return (m->nrcpts > 0);
}

/*
 * msg_unsub_request - the message went to unsubscribe-mailto. A valid token
 * in the Subject opts the token's recipient (or, for a list-only token,
 * the envelope sender) out of the token's list, durably. Returns 0, or
 * -1 when the database could not record it (the message must wait).
 */
int
msg_unsub_request(struct msg *m)
{
	char tok[TOKEN_BUFSIZE], err[256], ev[STORE_EVIDENCE_MAX];
	struct token t;
	struct change ch;
	const char *target;

	if (m->subject == NULL || unsub_subject_token(m->subject,
	    strlen(m->subject), tok, sizeof(tok)) == 0) {
		msg_log(m, "unsubscribe from=<%s> result=invalid reason=no-token",
		    msg_w(m, m->from));
		return (0);
	}
	if (m->env->keys == NULL || token_open(m->env->keys, tok, strlen(tok),
	    &t, err, sizeof(err)) < 0) {
		msg_log(m, "unsubscribe from=<%s> result=invalid reason=bad-token",
		    msg_w(m, m->from));
		return (0);
	}
	if (conf_find_list(m->env->conf, t.list) == NULL) {
		msg_log(m, "unsubscribe list=%s from=<%s> result=invalid "
		    "reason=unknown-list", msg_w(m, t.list), msg_w(m, m->from));
		return (0);
	}
	target = t.rcpt[0] != '\0' ? t.rcpt : m->from;
	if (t.rcpt[0] == '\0' && m->from[0] != '\0' && m->authn[0] == '\0') {
		/* anyone who got the message has the token: prove the sender */
		msg_log(m, "unsubscribe list=%s from=<%s> result=ignored "
		    "reason=unauthenticated", msg_w(m, t.list),
		    msg_w(m, m->from));
		return (0);
	}
	if (target[0] == '\0') {
		msg_log(m, "unsubscribe list=%s from=<> result=invalid "
		    "reason=no-sender", msg_w(m, t.list));
		return (0);
	}
	if (m->env->store == NULL) {
		msg_log(m, "unsubscribe list=%s rcpt=<%s> result=tempfail "
		    "reason=db-unavailable", msg_w(m, t.list), msg_w(m, target));
		return (-1);
	}
	if ((size_t)snprintf(ev, sizeof(ev), "channel=mailto sender=<%s> qid=%s%s%s",
	    msg_w(m, m->from), m->qid, m->authn[0] ? " authn=" : "",
	    m->authn) >= sizeof(ev))
		/* an escaped sender can be longer than the evidence field */
		(void)snprintf(ev, sizeof(ev), "channel=mailto "
		    "sender=(too-long) qid=%s", m->qid);
	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_MILTER;
	ch.source = "mailto";
	ch.evidence = ev;
	if (unsub_list_write(m->env->store, target, t.list,
	    m->env->conf->recipient_delimiter, &ch, err, sizeof(err)) < 0) {
		msg_log(m, "unsubscribe list=%s rcpt=<%s> result=tempfail "
		    "error=\"%s\"", msg_w(m, t.list), msg_w(m, target),
		    msg_qt(m, err));
		return (-1);
	}
	msg_log(m, "unsubscribe list=%s rcpt=<%s> result=opt-out channel=mailto%s%s",
	    msg_w(m, t.list), msg_w(m, target), m->authn[0] ? " authn=" : "",
	    m->authn);
	return (0);
}
