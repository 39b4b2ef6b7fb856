/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg_int.h - what the parts of the message engine share, and nothing
 * outside policy/msg*.c may use
 *
 * DESCRIPTION
 *	The engine is split by concern: msg.c (life cycle, log queue, end
 *	of message), msg_class.c (which list a message is on), msg_rcpt.c
 *	(recipient intake, refusal at RCPT, what to delete), msg_hdr.c
 *	(the List-* headers added) and msg_unsub.c (mailto unsubscribe
 *	requests). Every function here takes the time it needs from its
 *	caller; none reads the clock.
 */
#ifndef OPTIN_MSG_INT_H
#define OPTIN_MSG_INT_H

#include <stdint.h>

#include "addr.h"
#include "decide.h"
#include "msg.h"
#include "text.h"

#define MSG_MAX_RCPTS	100000
#define SUBJECT_MAX	2000
#define MSG_ADDRHDR_MAX	8	/* To:/Cc: occurrences hide-stripped edits */
#define MSG_FEEDBACK_HEADER "X-Optin-Feedback"

struct rcpt {
	char	*raw;
	char	*del;			/* deletes it over SMTP, or NULL */
	char	norm[ADDR_BUFSIZE];
	char	why[96];		/* why it could not be normalised */
	int	norm_ok;
	int	unsub;			/* the unsubscribe-mailto address */
	int	fb;			/* the bounce-address: passes untouched */
	int	rejected;		/* refused at RCPT time */
	struct decision d;
};

struct msg {
	const struct msg_env *env;
	char	qid[64];
	char	from[ADDR_BUFSIZE];	/* "" for <> or unparsable */
	int	from_bad;		/* not <>, yet unparsable (no domain) */
	char	auth[256];
	struct rcpt *rcpts;
	size_t	nrcpts, cap;
	int	path_known, smtpd;
	int	inbound;		/* not outbound: own addresses only */
	int	rcpt_list_known;
	const struct conf_list *rcpt_list;
	unsigned char *hdr_hit;		/* per list: a header match fits */
	char	list_hdr[CONF_TEXT_MAX];
	int	list_hdr_count;
	int	n_unsub_hdr, n_post_hdr, n_id_hdr, n_fb_hdr;
	int	n_dkim;			/* DKIM-Signature headers seen */
	char	*dkim_h[MSG_DKIM_MAX];	/* the h= of each: ":name:...:" */
	char	*addrhdr[2][MSG_ADDRHDR_MAX];	/* To:, Cc: values, in order */
	int	naddrhdr[2];		/* occurrences seen, kept or not */
	char	*subject;
	int	any_unsub;		/* a recipient is unsubscribe-mailto */
	int	n_authres;		/* Authentication-Results read */
	char	authn[8];		/* "dkim", "spf": the sender proven */
	const struct conf_list *list;
	int	unknown_list;
	struct msg_result res;
	char	**strs;			/* what res points to, for msg_free */
	size_t	nstrs, capstrs;
	char	**logq;
	size_t	nlog, caplog;
	int	nomem;
};

/* msg_dkim_header - a DKIM-Signature header: which headers it signs */
void	msg_dkim_header(struct msg *, const char *value);
/* msg_dkim_broken - the signatures a header change of the result breaks */
void	msg_dkim_broken(struct msg *);
/* msg_keep - remember S (malloc'd) for msg_free(); NULL on failure */
char	*msg_keep(struct msg *, char *s);
/* msg_log - queue a log line (see msg_log_drain) */
void	msg_log(struct msg *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* msg_set_reply - fill a reply; returns 0 */
int	msg_set_reply(struct msg_reply *, enum msg_action, const char *code,
	    const char *xcode, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* msg_go_on - a MSG_CONTINUE reply; returns 0 */
int	msg_go_on(struct msg_reply *);
/*
 * msg_w, msg_qt - S escaped by the rule of text.h for a log line or a
 * reply: as a word or <address>, or inside "...". The result is kept
 * until msg_free(); "?" when memory ran out.
 */
const char *msg_w(struct msg *, const char *s);
const char *msg_qt(struct msg *, const char *s);
/* msg_trim - VALUE without surrounding white space; -1 if it does not fit */
int	msg_trim(const char *value, char *out, size_t len);

/* msg_class.c */
int	msg_envelope_fits(const struct msg *, const struct conf_list *);
const struct conf_list *msg_list_at_rcpt(const struct msg *);

/* msg_rcpt.c */
int	msg_delrcpt(struct msg *, const char *s);
int	msg_strip(struct msg *, const struct rcpt *);

/* msg_unsub.c */
int	msg_only_unsub(const struct msg *);
int	msg_unsub_request(struct msg *);

/* msg_rcpt.c: every recipient is the bounce-address */
int	msg_only_feedback(const struct msg *);

/* msg_hdr.c */
void	msg_del_header(struct msg *, const char *name, int count);
void	msg_list_headers(struct msg *, const struct rcpt *only, int64_t now);
void	msg_feedback(struct msg *, const struct rcpt *only, int64_t now);
void	msg_split_mark(struct msg *);
int	msg_hide_stripped(struct msg *);

#endif
