/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * confirm.h - confirmed opt-in: the rules of a subscription request, of
 * its confirmation and of expiry, and the confirmation message
 *
 * SYNOPSIS
 *	store_write(st, ...confirm_request(tx, c, addr, list, now, &ch,
 *	    &limit, &res)...);
 *	confirm_message(c, addr, lists, tokens, n, now, msgid, buf, len);
 *	... sendmail(1) ...
 *	store_write(st, ...confirm_accept(tx, c, addr, list, issued, now, &ch)...);
 *
 * DESCRIPTION
 *	A request records "pending" with the request's evidence and asks
 *	the caller to send a confirmation, unless the address, or the
 *	mailbox it routes on to (confirm_mailbox()), is suppressed (no
 *	confirmation is sent to it, but for the address's own
 *	unsubscribe-all), already receives
 *	the list, or was sent one for the list less than confirm-interval
 *	ago (then nothing is written or sent). The caller answers the same
 *	in every case, so that the answer reveals nothing. A person's
 *	opt-out of the list, or their own unsubscribe-all, is never
 *	replaced by a request, which anybody can make: it stays until the
 *	person confirms; the address's own opt-out, or its record other than
 *	a pending request under its unsubscribe-all, is not written over
 *	(CREQ_SEND_KEPT; optin-unsubd limits how often it sends).
 *
 *	A confirmation turns a pending record into "opt-in" with the
 *	confirmation's evidence; the history keeps both events. So it does
 *	an opt-out older than the link, which was sent after it, and under
 *	the person's own unsubscribe-all older than the link any record of
 *	the list: the unsubscribe-all stays, and the opt-in, made after it,
 *	stands over it for this list alone (decide()). It does nothing when
 *	the address was suppressed, or it, user@d or @d opted out, since the
 *	link was sent, or when there is nothing to confirm (no record, or an
 *	expired request).
 *	Pending records older than confirm-ttl count as expired wherever
 *	they are read, and confirm_expire() removes them.
 */
#ifndef OPTIN_CONFIRM_H
#define OPTIN_CONFIRM_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "store.h"

/*
 * the source of the opt-in a confirmation records: decide() lets such an
 * opt-in, made after the person's own unsubscribe-all, stand over it
 */
#define CONFIRM_SOURCE	"confirm"

enum confirm_req {
	CREQ_SEND = 1,		/* pending recorded: send a confirmation */
	CREQ_SUPPRESSED,	/* suppressed: nothing recorded or sent */
	CREQ_ALREADY,		/* receives the list already */
	CREQ_RECENT,		/* a confirmation went out within the interval */
	CREQ_SEND_KEPT,		/* a record that is not pending (an opt-out,
				   one held back or under the own
				   unsubscribe-all): send one, it stays */
};

enum confirm_res {
	CRES_CONFIRMED = 1,	/* opt-in recorded */
	CRES_ALREADY,		/* opt-in already */
	CRES_SUPPRESSED,	/* suppressed: nothing done */
	CRES_OPTED_OUT,		/* opted out since the link was sent */
	CRES_NOTHING,		/* nothing pending, or the link expired */
};

/*
 * a limit on how often a confirmation may be sent, asked only when one
 * would be (1: send it); it may be asked again for the same list when
 * the transaction runs again (store_write()), and must answer the same
 */
typedef int (*confirm_gate)(void *, const struct conf_list *);

/* what else limits how often a confirmation goes out */
struct confirm_limit {
	confirm_gate gate;	/* may be NULL */
	void	*arg;		/* the gate's */
	int64_t	fresh_since;	/* a pending request counts as sent
				   recently only when made after this second
				   (optin-unsubd: its start, since what it
				   had not sent yet is gone with a stop) */
	int	no_record;	/* pending-max reached: a new request is
				   sent and not recorded; its link alone
				   proves it (confirm_accept()) */
};

/*
 * confirm_request - a person asks for LIST at ADDR (normalised) at NOW;
 * CH carries the request's evidence. LIM may be NULL. When a
 * confirmation would be sent and LIM's gate refuses, nothing is written
 * and *RES is CREQ_RECENT. Sets *RES; 0, or -1 (store error).
 */
int	confirm_request(struct store_txn *, const struct conf *, const char *addr,
	    const struct conf_list *, int64_t now, const struct change *,
	    const struct confirm_limit *lim, enum confirm_req *res)
	    __attribute__((warn_unused_result));

/*
 * confirm_accept - the person confirms (ADDR, LIST) with a link issued at
 * ISSUED; CH carries the confirmation's evidence. Sets *RES; 0 / -1.
 */
int	confirm_accept(struct store_txn *, const struct conf *, const char *addr,
	    const struct conf_list *, int64_t issued, int64_t now,
	    const struct change *, enum confirm_res *res)
	    __attribute__((warn_unused_result));

/*
 * confirm_out_since - 1 when ADDR (normalised), user@d or @d opted out of
 * LIST at SINCE or later (DELIMS: the recipient delimiters), 0 when not,
 * -1 on a store error: what a link or token made at SINCE cannot undo
 */
int	confirm_out_since(struct store_txn *, const char *addr,
	    const char *delims, const char *list, int64_t since)
	    __attribute__((warn_unused_result));

/*
 * confirm_expire - remove every pending record older than confirm-ttl;
 * *N says how many. 0 / -1. CH names who expired them.
 */
int	confirm_expire(struct store_txn *, const struct conf *, int64_t now,
	    const struct change *, size_t *n) __attribute__((warn_unused_result));

/*
 * confirm_mailbox - the mailbox ADDR (normalised) finally reaches: an
 * address whose local part routes on ("u@h"@d, u%h@d, h!u@d, nested) is
 * followed to u@h, as the servers on the way would. The result is
 * normalised into OUT (ADDR_BUFSIZE); ADDR itself when it routes nowhere.
 */
void	confirm_mailbox(const char *addr, char *out, size_t outlen);

/*
 * confirm_provider_forms - the spellings a provider reads as the same
 * mailbox as BOX (normalised): Gmail cuts a +tag whatever our
 * recipient-delimiter, ignores dots in the local part and takes
 * googlemail.com for gmail.com. FORMS[0]: BOX without its +tag, at
 * gmail.com; FORMS[1]: that without dots, the mailbox itself. Returns 2,
 * or 0 for an address of no such provider (FORMS untouched).
 */
int	confirm_provider_forms(const char *box, char forms[2][ADDR_BUFSIZE]);

/* confirm_count_pending - the number of pending records (expired too) */
int	confirm_count_pending(struct store_txn *, size_t *n)
	    __attribute__((warn_unused_result));

/*
 * confirm_message - the confirmation message to ADDR for N lists, each
 * with its link (URLS[i]), as RFC 5322 text with CRLF-free LF line ends
 * (sendmail -i reads them). MSGID is a unique string for Message-ID.
 * Returns the length, or 0 when BUF is too small.
 */
size_t	confirm_message(const struct conf *, const char *addr,
	    const struct conf_list *const *lists, const char *const *urls,
	    size_t n, int64_t now, const char *msgid, char *buf, size_t len);

#endif
