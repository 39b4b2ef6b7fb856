/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg.h - one message through the policy: classification, a decision
 * for every recipient, and what to change before it leaves
 *
 * SYNOPSIS
 *	struct msg *m = msg_new(&env);
 *	msg_sender(m, "<news@example.com>", "marketing-app", &reply);
 *	msg_rcpt(m, "<Bob@Example.org>", time(NULL), &reply);	(per recipient)
 *	msg_header(m, "X-Optin-List", " marketing", &reply);
 *	msg_eoh(m, &reply);
 *	msg_eom(m, time(NULL), &res);
 *	... apply res: reply, deleted recipients, header changes, log lines
 *	msg_free(m);
 *
 * DESCRIPTION
 *	This is the milter without libmilter: each step takes what the MTA
 *	said and answers what to do, so that tests and benchmarks drive it
 *	without a socket. A reply with action MSG_CONTINUE means "go on".
 *	Everything in a result belongs to the msg and lives until
 *	msg_free().
 */
#ifndef OPTIN_MSG_H
#define OPTIN_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "store.h"
#include "token.h"

/* what a message is checked against; shared read-only between messages */
struct msg_env {
	const struct conf *conf;
	struct store *store;		/* NULL: the database is unavailable */
	const struct token_keys *keys;
	const char *myhostname;		/* the MTA's name (j macro); may be NULL */
};

enum msg_action {
	MSG_CONTINUE = 0,
	MSG_REJECT,
	MSG_TEMPFAIL,
	MSG_DISCARD,
	MSG_ACCEPT,			/* pass the rest of the message untouched */
};

struct msg_reply {
	enum msg_action action;
	char	code[4];		/* "550" */
	char	xcode[8];		/* "5.7.1" */
	char	text[512];
};

#define MSG_DKIM_MAX	8	/* DKIM-Signature headers read, at most */

struct msg_header_change {
	const char *name;
	int	count;			/* delete occurrences count..1 */
};

struct msg_header_set {
	const char *name;
	int	index;			/* the index-th NAME header, from 1 */
	char	*value;			/* folded with "\n\t"; no leading space */
};

struct msg_header_add {
	const char *name;
	char	*value;			/* folded with "\n\t"; no leading space */
};

struct msg_result {
	struct msg_reply reply;
	char	**delrcpt;		/* recipients to remove, as given */
	size_t	ndelrcpt;
	struct msg_header_change delhdr[8];	/* one a name: 5 are used */
	size_t	ndelhdr;
	struct msg_header_add addhdr[4];
	size_t	naddhdr;
	struct msg_header_set sethdr[16];	/* hide-stripped: To:, Cc: */
	size_t	nsethdr;
	char	*chgfrom;		/* new envelope sender "<...>", or NULL */
	int	classified;		/* the message is on a list */
	int	deldkim[MSG_DKIM_MAX];	/* DKIM-Signature occurrences (from 1,
					   highest first) that sign a header
					   changed here: broken, removed */
	size_t	ndeldkim;
};

struct msg;

/* msg_new - a message checked against ENV (which must outlive it) */
struct msg *msg_new(const struct msg_env *);
void	msg_free(struct msg *);

/* how the message reaches the milter */
enum msg_path {
	MSG_PATH_UNKNOWN = 0,	/* decided by the first recipient's brackets */
	MSG_PATH_SMTPD,		/* smtpd_milters: RCPT TO as the client gave it */
	MSG_PATH_LOCAL,		/* non_smtpd_milters: sendmail(1), rewritten */
};

/* msg_set_path - say how the message came; before the first msg_rcpt() */
void	msg_set_path(struct msg *, enum msg_path);

/*
 * msg_set_inbound - the message is not outbound (scope.h): no list,
 * no decision, no header change; only mail to the product's own
 * addresses (unsubscribe-mailto) is acted on. Call before msg_rcpt().
 */
void	msg_set_inbound(struct msg *);

/*
 * msg_inbound_wanted - 1 when CONF names own addresses, so that inbound
 * mail must be looked at up to its recipients and Subject; 0 when it
 * can be passed at once.
 */
int	msg_inbound_wanted(const struct conf *);

/* the queue id, for evidence in the history (optional) */
void	msg_set_qid(struct msg *, const char *qid);

int	msg_sender(struct msg *, const char *raw, const char *auth,
	    struct msg_reply *);
/* NOW: the time of the RCPT command, for decisions made then */
int	msg_rcpt(struct msg *, const char *raw, int64_t now,
	    struct msg_reply *);
int	msg_header(struct msg *, const char *name, const char *value,
	    struct msg_reply *);
/* msg_data - at DATA: inbound mail for no own address is passed (MSG_ACCEPT) */
int	msg_data(struct msg *, struct msg_reply *);
int	msg_eoh(struct msg *, struct msg_reply *);
/* 0, or -1 when out of memory (then tempfail) */
int	msg_eom(struct msg *, int64_t now, struct msg_result *);

/*
 * msg_log_drain - hand every log line made since the last call to FN
 * (without the queue id; the caller prefixes it) and forget them.
 */
void	msg_log_drain(struct msg *, void (*fn)(void *, const char *), void *);

/* the list the message is on, or NULL (after msg_eoh) */
const struct conf_list *msg_list(const struct msg *);

#endif
