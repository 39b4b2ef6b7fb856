/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg_class.c - which list a message is on
 *
 * DESCRIPTION
 *	A message belongs to the list named by its list header, else to
 *	the first list (in file order) with a match that fits, else it is
 *	unclassified. With sender-lists own, a sender or login that a
 *	list's match names may send only mail of a list whose match names
 *	it. msg_list_at_rcpt() says whether the envelope alone
 *	settles the list at RCPT time (for "denied reject").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "hdraddr.h"
#include "msg_int.h"

/*
 * sender_fits - a "match sender" value against the envelope sender, or
 * the sender without its +tag (VERP and bounce tracking tag the return
 * path of list mail; it stays the sender the match names).
 */
static int
sender_fits(const struct msg *m, const char *value)
{
	char untagged[ADDR_BUFSIZE];

	if (m->from[0] == '\0')
		return (0);
	if (value[0] == '@')
		return (strcmp(addr_domain(m->from), value + 1) == 0);
	if (strcmp(m->from, value) == 0)
		return (1);
	return (addr_untag(m->from, m->env->conf->recipient_delimiter,
	    untagged, sizeof(untagged)) == 1 && strcmp(untagged, value) == 0);
}

/*
 * type_fits - how closely a match of TYPE (sender or auth) of L names
 * the envelope: 2 by its address or login, 1 by its @domain, 0 not
 */
static int
type_fits(const struct msg *m, const struct conf_list *l,
    enum match_type type)
{
	size_t i;
	int best = 0;

	for (i = 0; i < l->nmatches; i++) {
		const struct conf_match *mt = &l->matches[i];

		if (mt->type != type)
			continue;
		if (type == MATCH_SENDER && sender_fits(m, mt->value) &&
		    best < (mt->value[0] == '@' ? 1 : 2))
			best = mt->value[0] == '@' ? 1 : 2;
		if (type == MATCH_AUTH && m->auth[0] != '\0' &&
		    strcasecmp(m->auth, mt->value) == 0)
			best = 2;
	}
	return (best);
}

/* msg_envelope_fits - a sender or auth match of L fits */
int
msg_envelope_fits(const struct msg *m, const struct conf_list *l)
{
	return (type_fits(m, l, MATCH_SENDER) || type_fits(m, l, MATCH_AUTH));
}


/*
 * not_own - sender-lists own: "sender" or "login" when the envelope
 * sender or the login is one that a list's match names, but L's, the
 * message's list, does not name it as closely (a list naming the
 * address binds it, not one naming its @domain); NULL when it may send
 * L's mail. The sender is asked first: the split's second stage sees it
 * alone. A sender Postfix may still complete (no domain) is refused.
 */
static const char *
not_own(const struct msg *m, const struct conf_list *l)
{
	const struct conf *c = m->env->conf;
	static const enum match_type types[] = { MATCH_SENDER, MATCH_AUTH };
	size_t i, t;
	int here;

	if (m->from_bad)
		return ("sender");
	for (t = 0; t < 2; t++) {
		here = type_fits(m, l, types[t]);
		for (i = 0; i < c->nlists; i++)
			if (type_fits(m, &c->lists[i], types[t]) > here)
				return (types[t] == MATCH_SENDER ? "sender" :
				    "login");
	}
	return (NULL);
}

/*
 * own_list - sender-lists own: refuse mail of a list that is not its
 * sender's or login's own (a marketing login naming a list of consent
 * none in its list header); R is set when it is refused
 */
static void
own_list(struct msg *m, struct msg_reply *r)
{
	const struct conf *c = m->env->conf;
	const char *who;

	/* mail to our own addresses is never refused (msg_eom() has it) */
	if (c->sender_lists != SENDERS_OWN || m->list == NULL ||
	    msg_only_unsub(m) || msg_only_feedback(m) ||
	    (who = not_own(m, m->list)) == NULL)
		return;
	msg_log(m, "from=<%s> list=%s refused: the %s belongs to other lists "
	    "(sender-lists own)%s", msg_w(m, m->from), m->list->name, who,
	    c->mode == MODE_MONITOR ? " (monitor: passed)" : "");
	if (c->mode != MODE_MONITOR)
		(void)msg_set_reply(r, MSG_REJECT, "550", "5.7.1",
		    "list \"%s\" is not one of this %s's lists",
		    m->list->name, who);
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

/* msg_list_at_rcpt - the list, when the envelope alone settles it */
const struct conf_list *
msg_list_at_rcpt(const struct msg *m)
{
	const struct conf *c = m->env->conf;
	size_t i;

	for (i = 0; i < c->nlists; i++) {
		if (msg_envelope_fits(m, &c->lists[i]))
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

	m->from_bad = 0;
	if (addr_normalize(raw, strlen(raw), 0, m->from, sizeof(m->from), err,
	    sizeof(err)) < 0) {
		m->from[0] = '\0';	/* <> or unusable: matches no sender */
		/* Postfix may still make one of it (news -> news@myorigin) */
		m->from_bad = strcmp(raw, "<>") != 0 && raw[0] != '\0';
	}
	if (auth != NULL)
		(void)text_esc(auth, strlen(auth), TEXT_WORD, m->auth,
		    sizeof(m->auth));
	return (msg_go_on(r));
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
				if (msg_trim(value, v, sizeof(v)) < 0)
					return;
				trimmed = 1;
			}
			if (strcasecmp(v, mt->value) == 0)
				m->hdr_hit[i] = 1;
		}
}

/*
 * authres_header - for a mailto unsubscribe request: does this
 * Authentication-Results header, from a configured authserv-id, prove
 * the envelope sender (authres.h)? The first one that does counts.
 */
static void
authres_header(struct msg *m, const char *value)
{
	const struct conf *c = m->env->conf;
	const char *ids[CONF_MAX_AUTHSERV];
	struct authres ar;
	size_t i;

	if (!m->any_unsub || c->nauthserv_id == 0 || m->authn[0] != '\0' ||
	    m->n_authres++ >= 32)
		return;
	for (i = 0; i < c->nauthserv_id; i++)
		ids[i] = c->authserv_id[i];
	if (authres_parse(value, strlen(value), &ar) == 0)
		(void)authres_aligned(&ar, ids, c->nauthserv_id, m->from,
		    m->authn, sizeof(m->authn));
}

int
msg_header(struct msg *m, const char *name, const char *value,
    struct msg_reply *r)
{
	const struct conf *c = m->env->conf;

	if (strcasecmp(name, c->list_header) == 0) {
		if (m->list_hdr_count++ == 0 && msg_trim(value, m->list_hdr,
		    sizeof(m->list_hdr)) < 0)
			(void)strlcpy(m->list_hdr, "(too long)",
			    sizeof(m->list_hdr));
	} else if (strcasecmp(name, "List-Unsubscribe") == 0)
		m->n_unsub_hdr++;
	else if (strcasecmp(name, "List-Unsubscribe-Post") == 0)
		m->n_post_hdr++;
	else if (strcasecmp(name, "List-Id") == 0)
		m->n_id_hdr++;
	else if (strcasecmp(name, MSG_FEEDBACK_HEADER) == 0)
		m->n_fb_hdr++;
	else if (strcasecmp(name, "Subject") == 0 && m->subject == NULL) {
		size_t n = strnlen(value, SUBJECT_MAX);

		if ((m->subject = malloc(n + 1)) != NULL) {
			memcpy(m->subject, value, n);
			m->subject[n] = '\0';
		}
	}
	else if (strcasecmp(name, "Authentication-Results") == 0)
		authres_header(m, value);
	else if (strcasecmp(name, "DKIM-Signature") == 0)
		msg_dkim_header(m, value);
	else if (strcasecmp(name, "To") == 0 || strcasecmp(name, "Cc") == 0) {
		int w = strcasecmp(name, "Cc") == 0;
		size_t n = strnlen(value, HDRADDR_MAX + 1);

		/* kept for hide-stripped, which replaces a value too long */
		if (m->naddrhdr[w] < MSG_ADDRHDR_MAX && n <= HDRADDR_MAX &&
		    (m->addrhdr[w][m->naddrhdr[w]] = strndup(value, n)) == NULL)
			m->nomem = 1;
		m->naddrhdr[w]++;
	}
	header_matches(m, name, value);
	return (msg_go_on(r));
}

int
msg_data(struct msg *m, struct msg_reply *r)
{
	size_t i;

	msg_go_on(r);
	if (!m->inbound)
		return (0);
	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].unsub)
			return (0);
	/* every recipient is known: nothing of ours, so not even the header */
	return (msg_set_reply(r, MSG_ACCEPT, "", "", "inbound"));
}

int
msg_eoh(struct msg *m, struct msg_reply *r)
{
	const struct conf *c = m->env->conf;
	size_t i;

	msg_go_on(r);
	if (m->inbound) {
		for (i = 0; i < m->nrcpts; i++)
			if (m->rcpts[i].unsub)
				return (0);
		return (msg_set_reply(r, MSG_ACCEPT, "", "", "inbound"));
	}
	if (m->list_hdr_count > 0) {
		const char *name;

		/* one rule with "match header": without regard to case */
		for (i = 0; i < c->nlists && m->list == NULL; i++)
			if (strcasecmp(c->lists[i].name, m->list_hdr) == 0)
				m->list = &c->lists[i];
		if (m->list != NULL) {
			own_list(m, r);
			return (0);
		}
		m->unknown_list = 1;
		name = msg_qt(m, m->list_hdr);
		msg_log(m, "from=<%s> unknown list \"%s\"%s", msg_w(m, m->from),
		    name,
		    c->mode == MODE_MONITOR ? " (monitor: passed)" : "");
		if (c->mode == MODE_MONITOR)
			return (0);
		return (msg_set_reply(r, MSG_REJECT, "550", "5.7.1",
		    "unknown list \"%s\"", name));
	}
	for (i = 0; i < c->nlists; i++)
		if (m->hdr_hit[i] || msg_envelope_fits(m, &c->lists[i])) {
			m->list = &c->lists[i];
			own_list(m, r);
			return (0);
		}
	if (c->mode == MODE_MONITOR || msg_only_unsub(m) ||
	    msg_only_feedback(m))
		return (0);
	if (c->unclassified == UNCL_REJECT)
		return (msg_set_reply(r, MSG_REJECT, "550", "5.7.1",
		    "message matches no mailing list"));
	if (c->unclassified == UNCL_TEMPFAIL)
		return (msg_set_reply(r, MSG_TEMPFAIL, "451", "4.7.1",
		    "message matches no mailing list, try again later"));
	return (0);
}
