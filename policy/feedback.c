/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * feedback.c - bounces and complaints become scores and suppressions
 *
 * DESCRIPTION
 *	See feedback.h. The score follows Mailman 3's rule (one bounce a
 *	day at most, stale after a week without bounces, threshold 5)
 *	with Mailman 2.1's weights: a permanent failure 1, a transient
 *	one 0.5. A mailbox that is known not to exist is suppressed at
 *	once instead of waiting for five bounces.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "feedback.h"
#include "model.h"
#include "report.h"
#include "unsub.h"

#define DAY	86400
#define COMPLAINT_MAX_AGE	(30 * DAY)

/* evidence - the report, in one line that fits the history */
static void
evidence(const struct fb_event *ev, char *buf, size_t len)
{
	char sent[TIME_BUFSIZE];
	int n;

	n = snprintf(buf, len, "type=%s%s%s%s status=%s mta=%s date=%s "
	    "sent=%s diag=", report_kind_name(ev->kind),
	    ev->complaint ? " feedback-type=" : "",
	    ev->complaint ? ev->feedback_type : "",
	    !ev->complaint ? "" : ev->unverified ? (ev->foreign ?
	    " feedback-loop=no other-recipient" : " feedback-loop=no") :
	    ev->foreign ? " other-recipient" : "",
	    ev->status[0] != '\0' ? ev->status : "-",
	    ev->mta[0] != '\0' ? ev->mta : "-",
	    ev->date[0] != '\0' ? ev->date : "-",
	    time_format(ev->sent, sent, sizeof(sent)));
	if (n < 0 || (size_t)n >= len)
		return;
	/* the diagnostic takes what is left, shortened with "..." */
	if (strlen(ev->diag) < len - (size_t)n)
		(void)snprintf(buf + n, len - (size_t)n, "%s", ev->diag);
	else if (len - (size_t)n > 4)
		(void)snprintf(buf + n, len - (size_t)n, "%.*s...",
		    (int)(len - (size_t)n - 4), ev->diag);
}

/* suppress - suppression REASON for the address, with EVIDENCE */
static int
suppress(struct store_txn *tx, const struct fb_event *ev, int reason,
    const char *why)
{
	struct supp_rec s;
	struct change ch;

	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_FEEDBACK;
	ch.source = "optin-feedback";
	ch.evidence = why;
	ch.time = ev->now;
	/*
	 * over the person's own unsubscribe-all too: it holds back every
	 * list that honours it, the lists they confirmed since among them,
	 * and the unsubscribe-all stays under it with its date and proof
	 * (store_put_suppression()), back in place when it is lifted
	 */
	memset(&s, 0, sizeof(s));
	s.reason = reason;
	s.changed = ev->now;
	(void)snprintf(s.source, sizeof(s.source), "optin-feedback");
	(void)snprintf(s.evidence, sizeof(s.evidence), "%s", why);
	return (store_put_suppression(tx, ev->addr, &s, &ch));
}

/* score - count a bounce worth WEIGHT hundredths */
static int
score(struct store_txn *tx, const struct conf *c, const struct fb_event *ev,
    int64_t weight, struct fb_result *res)
{
	struct bounce_rec b;
	struct change ch;
	char why[STORE_EVIDENCE_MAX];
	int had;

	if ((had = store_get_bounce(tx, ev->addr, &b)) < 0)
		return (-1);
	if (had && b.last != 0 &&
	    ev->now - b.last > (int64_t)c->bounce_stale_after * DAY) {
		b.score = 0;
		b.count = 0;
	}
	if (had && b.count > 0 && b.last / DAY == ev->now / DAY) {
		res->action = FB_SCORED_TODAY;
		res->score = b.score;
		return (0);
	}
	b.score += weight;
	b.count++;
	b.last = ev->now;
	res->action = FB_SCORED;
	res->score = b.score;
	(void)snprintf(why, sizeof(why), "%s bounce %s", report_class_name(
	    ev->cls), ev->status[0] != '\0' ? ev->status : "-");
	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_FEEDBACK;
	ch.source = "optin-feedback";
	ch.evidence = why;
	ch.time = ev->now;
	if (store_put_bounce(tx, ev->addr, &b, &ch) < 0)
		return (-1);
	if (b.score < c->bounce_threshold)
		return (0);
	(void)snprintf(why, sizeof(why), "bounce score %lld.%02lld reached "
	    "the threshold %lld.%02lld after %lld bounces",
	    (long long)(b.score / 100), (long long)(b.score % 100),
	    (long long)(c->bounce_threshold / 100),
	    (long long)(c->bounce_threshold % 100), (long long)b.count);
	res->action = FB_SUPPRESSED;
	return (suppress(tx, ev, SUPP_BOUNCE, why));
}

int
feedback_apply(struct store_txn *tx, const struct conf *c,
    const struct fb_event *ev, struct fb_result *res)
{
	char ev_text[STORE_EVIDENCE_MAX], note[40];
	struct supp_rec s;
	struct bounce_rec b;
	struct change ch;
	int supp, had;

	memset(res, 0, sizeof(*res));
	res->action = FB_RECORDED;
	evidence(ev, ev_text, sizeof(ev_text));
	(void)snprintf(note, sizeof(note), "report:%s", ev->complaint ?
	    "complaint" : report_class_name(ev->cls));
	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_FEEDBACK;
	ch.source = "optin-feedback";
	ch.evidence = ev_text;
	ch.time = ev->now;
	if (store_note(tx, ev->addr, ev->list, note, &ch) < 0)
		return (-1);
	if (!ev->complaint && ev->cls != BOUNCE_HARD &&
	    ev->cls != BOUNCE_PERMANENT && ev->cls != BOUNCE_SOFT)
		return (0);
	/* a report about old mail is a replay, or too late to believe */
	if (ev->sent > ev->now + DAY || ev->now - ev->sent > (ev->complaint ?
	    COMPLAINT_MAX_AGE : (int64_t)c->bounce_stale_after * DAY)) {
		res->action = FB_TOO_OLD;
		return (0);
	}

	/* the operator lifted a suppression after that mail was sent */
	if ((had = store_get_bounce(tx, ev->addr, &b)) < 0)
		return (-1);
	if (had && b.lifted != 0 && ev->sent <= b.lifted) {
		res->action = FB_TOO_OLD;
		return (0);
	}
	if ((supp = store_get_suppression(tx, ev->addr, &s)) < 0)
		return (-1);
	/*
	 * an unsubscribe-all may yield to a list confirmed since
	 * (decide()): a bounce or a complaint still counts (suppress())
	 */
	if (supp > 0 && s.reason != SUPP_UNSUBSCRIBE_ALL) {
		res->action = FB_ALREADY;
		return (0);
	}
	if (ev->complaint && (ev->unverified || ev->foreign)) {
		const struct conf_list *l = conf_find_list(c, ev->list);

		/*
		 * worth what the one-click of that copy is worth: nothing on
		 * a list without unsubscribe (the site's own notices) or on
		 * one no longer configured. A feedback loop's complaint by
		 * another recipient (someone the copy was forwarded to) is
		 * worth that too, no more: the token's recipient did not
		 * complain. From no loop, and by another recipient: nothing.
		 */
		if ((ev->unverified && ev->foreign) || l == NULL ||
		    !l->unsubscribe)
			return (0);
		res->action = FB_OPTED_OUT;
		return (unsub_list(tx, ev->addr, ev->list,
		    c->recipient_delimiter, &ch));
	}
	if (ev->complaint) {
		res->action = FB_SUPPRESSED;
		return (suppress(tx, ev, SUPP_COMPLAINT, ev_text));
	}
	switch (ev->cls) {
	case BOUNCE_HARD:
		res->action = FB_SUPPRESSED;
		return (suppress(tx, ev, SUPP_BOUNCE, ev_text));
	case BOUNCE_PERMANENT:
		return (score(tx, c, ev, c->bounce_permanent_score, res));
	default:
		return (score(tx, c, ev, c->bounce_soft_score, res));
	}
}

int
feedback_return_path(const struct conf *c, const char *tok, char *buf,
    size_t len)
{
	const char *at = strrchr(c->bounce_address, '@');
	char delim = c->recipient_delimiter[0] != '\0' ?
	    c->recipient_delimiter[0] : '+';
	int n;

	if (c->bounce_address[0] == '\0' || at == NULL)
		return (-1);
	n = snprintf(buf, len, "%.*s%c%s%s", (int)(at - c->bounce_address),
	    c->bounce_address, delim, tok, at);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

const char *
feedback_action_name(int a)
{
	switch (a) {
	case FB_RECORDED:	return ("recorded");
	case FB_SCORED:		return ("scored");
	case FB_SCORED_TODAY:	return ("scored-today");
	case FB_SUPPRESSED:	return ("suppressed");
	case FB_ALREADY:	return ("already-suppressed");
	case FB_TOO_OLD:	return ("too-old");
	case FB_OPTED_OUT:	return ("opted-out");
	default:		return ("none");
	}
}
