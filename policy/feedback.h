/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * feedback.h - what a bounce or complaint does to the database
 *
 * SYNOPSIS
 *	struct fb_event ev = { ... };
 *	struct fb_result res;
 *	store_write(st, fn, ...)  where fn calls
 *	    feedback_apply(tx, conf, &ev, &res);
 *
 * DESCRIPTION
 *	optin-feedback has found a report, classified it (report.h) and
 *	opened the token that names the recipient and the list. This
 *	module records the report in the history (type, status, reporting
 *	MTA, dates, the diagnostic shortened) and acts:
 *
 *	complaint	suppression "complaint" at once
 *	hard bounce	suppression "bounce" at once
 *	permanent	the score grows by bounce-permanent-score
 *	soft		the score grows by bounce-soft-score
 *	policy, none	recorded, nothing else
 *
 *	A score counts at most one bounce per day (UTC); after
 *	bounce-stale-after days without a counted bounce it starts again
 *	from zero; when it reaches bounce-threshold the address is
 *	suppressed ("bounce"). An address that is already suppressed
 *	keeps its suppression and reason; the report is still recorded.
 *
 *	A complaint suppresses ("complaint") only when it comes from a
 *	feedback loop (EV->unverified 0: the caller checked the sender's
 *	domain and its DKIM signature) and does not name another
 *	recipient than the token's (EV->foreign: its Original-Rcpt-To,
 *	someone the copy was forwarded to). Any other complaint opts the
 *	token's recipient out of the token's list only, no more than the
 *	message's one-click link would; one from no loop that names
 *	another recipient is recorded only.
 *
 *	A report about a message sent more than bounce-stale-after days
 *	ago (a complaint: 30 days), or in the future, is recorded and does
 *	nothing else: a replayed old report cannot suppress anyone again
 *	after an operator lifted the suppression. Nor can a report about
 *	a message sent before the operator lifted a bounce or complaint
 *	suppression (optinctl unsuppress keeps the time of the lift in
 *	the address's bounce record): it is recorded as too old.
 */
#ifndef OPTIN_FEEDBACK_H
#define OPTIN_FEEDBACK_H

#include <stdint.h>

#include "conf.h"
#include "store.h"

struct fb_event {
	int	kind;			/* enum report_kind */
	int	cls;			/* enum bounce_class (not for complaints) */
	int	complaint;		/* 1: an abuse report */
	const char *addr;		/* the token's recipient, normalised */
	const char *list;		/* the token's list */
	int64_t	sent;			/* the token's time */
	int64_t	now;
	const char *status;		/* "" when none */
	const char *diag;
	const char *mta;		/* reporting MTA */
	const char *date;		/* arrival date in the report */
	const char *feedback_type;	/* ARF */
	int	unverified;		/* complaint: from no feedback loop */
	int	foreign;		/* it names another recipient */
};

enum fb_action {
	FB_RECORDED = 1,		/* noted only */
	FB_SCORED,			/* the score grew */
	FB_SCORED_TODAY,		/* a bounce was counted today already */
	FB_SUPPRESSED,			/* suppressed now */
	FB_ALREADY,			/* suppressed before */
	FB_TOO_OLD,			/* about mail sent too long ago: noted */
	FB_OPTED_OUT,			/* unverified complaint: one list */
};

struct fb_result {
	int	action;			/* enum fb_action */
	int64_t	score;			/* hundredths, after the report */
};

/*
 * feedback_apply - record and act on EV inside the write transaction
 * TX (a store_write() callback). Returns 0, or -1 on a database error
 * (store_txn_error()).
 */
int	feedback_apply(struct store_txn *, const struct conf *,
	    const struct fb_event *, struct fb_result *)
	    __attribute__((warn_unused_result));

/*
 * feedback_return_path - the VERP envelope sender for TOK under the
 * configured bounce-address: local-part, the first character of
 * recipient-delimiter (or "+"), TOK, "@domain". Returns 0, or -1 when
 * no bounce-address is set or the result does not fit BUF.
 */
int	feedback_return_path(const struct conf *, const char *tok, char *buf,
	    size_t len) __attribute__((warn_unused_result));

/* feedback_action_name - "recorded", "scored", ..., for log lines */
const char *feedback_action_name(int);

#endif
