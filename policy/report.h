/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report.h - what a delivery report or complaint says (no MIME here)
 *
 * SYNOPSIS
 *	struct report r;
 *	report_init(&r);
 *	report_parse_dsn(body, len, &r);	message/delivery-status
 *	report_parse_arf(body, len, &r);	message/feedback-report
 *	report_scan_text(text, len, &r);	a bounce without structure
 *	cls = report_classify(status, diag, hard);
 *
 * DESCRIPTION
 *	The pure half of optin-feedback: optin-feedback walks the MIME
 *	structure with GMime and hands the bodies of the parts to these
 *	functions, which read the fields of RFC 3464 (delivery status),
 *	RFC 5965 (abuse reports) and the free text of bounces that follow
 *	no standard, and decide what a status means for the mailbox.
 *
 *	Every parser takes a buffer and its length, needs no NUL, and
 *	keeps at most REPORT_RCPT_MAX recipients; fields are copied,
 *	truncated to their buffers, with control characters replaced.
 *
 *	A status alone does not condemn a mailbox: providers refuse mail
 *	with 5.1.1, 5.2.1 or 5.7.x for rate limits, blocklisted addresses
 *	and content, and say so in the diagnostic text. report_classify()
 *	reads the text first: a refusal that names policy, reputation,
 *	spam, a blocklist or a rate is BOUNCE_POLICY, whatever the code.
 */
#ifndef OPTIN_REPORT_H
#define OPTIN_REPORT_H

#include <stddef.h>

#include "addr.h"

#define REPORT_RCPT_MAX	8
#define REPORT_STATUS_MAX 16	/* "5.1.10" and room */
#define REPORT_DIAG_MAX	256
#define REPORT_MTA_MAX	128

enum report_kind {
	REPORT_NONE = 0,	/* nothing we understand: ignored */
	REPORT_DSN,		/* multipart/report; report-type=delivery-status */
	REPORT_ARF,		/* multipart/report; report-type=feedback-report */
	REPORT_BOUNCE,		/* a bounce without structure, status recovered */
	REPORT_AUTOREPLY,	/* vacation, out of office, challenge: ignored */
};

enum bounce_class {
	BOUNCE_NONE = 0,	/* delivered, delayed, or no status */
	BOUNCE_HARD,		/* the mailbox does not exist or is disabled */
	BOUNCE_PERMANENT,	/* another permanent failure: scored */
	BOUNCE_SOFT,		/* transient (4.x.x, mailbox full): scored */
	BOUNCE_POLICY,		/* refused for policy or reputation: ignored */
};

struct report_rcpt {
	char	addr[ADDR_BUFSIZE];	/* Final-Recipient (or found in text) */
	char	orig[ADDR_BUFSIZE];	/* Original-Recipient, "" when none */
	char	action[16];		/* failed delayed delivered relayed expanded */
	char	status[REPORT_STATUS_MAX];	/* "5.1.1", "" when unknown */
	char	diag[REPORT_DIAG_MAX];		/* Diagnostic-Code, shortened */
	char	remote_mta[REPORT_MTA_MAX];
};

struct report {
	int	kind;			/* enum report_kind */
	char	reporting_mta[REPORT_MTA_MAX];
	char	arrival_date[64];
	char	feedback_type[32];	/* ARF: "abuse", "fraud", ... */
	char	user_agent[64];		/* ARF */
	char	original_rcpt[ADDR_BUFSIZE];	/* ARF Original-Rcpt-To */
	struct report_rcpt rcpt[REPORT_RCPT_MAX];
	size_t	nrcpt;
};

/* report_init - an empty report */
void	report_init(struct report *);

/*
 * report_parse_dsn - the fields of a message/delivery-status body: the
 * per-message group (Reporting-MTA, Arrival-Date) and one group per
 * recipient; a group without Final-Recipient or Action (both required
 * by RFC 3464) is dropped. Returns the number of recipient groups kept.
 */
size_t	report_parse_dsn(const char *buf, size_t len, struct report *);

/*
 * report_parse_arf - the fields of a message/feedback-report body.
 * Returns 0 when a Feedback-Type was found, -1 otherwise.
 */
int	report_parse_arf(const char *buf, size_t len, struct report *);

/*
 * report_scan_text - recover a status from the free text of a bounce:
 * an enhanced code next to an SMTP reply code ("550 5.1.1",
 * "550-5.1.1", "#5.1.1", "Status: 5.1.1"), else an SMTP reply code
 * with mailbox words ("550 User unknown" becomes 5.1.1, "552 ... quota"
 * 5.2.2). The line around it becomes the diagnostic. Adds one recipient
 * (address from FAILED, e.g. X-Failed-Recipients, or "") and returns 1,
 * or 0 when no status is recoverable.
 */
int	report_scan_text(const char *buf, size_t len, const char *failed,
	    struct report *);

/*
 * report_classify - what STATUS ("5.1.1", may be "") with the
 * diagnostic text DIAG means for the mailbox. HARD is the list of
 * statuses that condemn a mailbox at once (space-separated, a code or a
 * prefix such as "5.1"; NULL for the default REPORT_HARD_DEFAULT).
 */
#define REPORT_HARD_DEFAULT "5.1.0 5.1.1 5.1.2 5.1.3 5.1.6 5.1.10 5.2.1"
int	report_classify(const char *status, const char *diag, const char *hard);

/* report_class_name - "hard", "permanent", "soft", "policy", "none" */
const char *report_class_name(int);
/* report_kind_name - "dsn", "arf", "bounce", "autoreply", "none" */
const char *report_kind_name(int);

/*
 * The headers of the message itself, as optin-feedback found them
 * (NULL when absent), for report_is_autoreply() and report_is_bounce().
 */
struct report_hdrs {
	const char *from;
	const char *subject;
	const char *auto_submitted;
	const char *precedence;
	const char *x_autoreply;	/* X-Autoreply, X-Autorespond, X-Autogenerated */
	const char *x_failed;		/* X-Failed-Recipients (Exim) */
	const char *challenge;		/* a challenge-response header, when any */
};

/*
 * report_is_autoreply - 1 when the headers mark a vacation reply, an
 * out-of-office notice or a challenge (RFC 3834 Auto-Submitted other
 * than "no", X-Autoreply, Precedence: auto_reply, the usual subjects
 * in several languages). Call it only for a message that is not a
 * multipart/report: structure comes first.
 */
int	report_is_autoreply(const struct report_hdrs *);

/*
 * report_is_bounce - 1 when the headers mark a bounce from a mail
 * system (a mailer-daemon or postmaster sender, X-Failed-Recipients, a
 * delivery-failure subject but on a message that X-Autoreply or
 * Auto-Submitted: auto-replied marks as a person's auto-reply): its text
 * may be scanned for a status.
 */
int	report_is_bounce(const struct report_hdrs *);

/*
 * report_find_tokens - find token candidates in BUF: the runs of token
 * characters that follow one of the MARKS (case-insensitive strings;
 * leading blanks after the mark are skipped). CB(arg, token, len) is
 * called for each, at most LIMIT times; it returns non-zero to stop.
 * Returns the number of candidates passed to CB.
 */
typedef int (*report_token_cb)(void *, const char *, size_t);
size_t	report_find_tokens(const char *buf, size_t len,
	    const char *const *marks, size_t nmarks, size_t limit,
	    report_token_cb, void *);

#endif
