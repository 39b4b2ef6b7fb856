/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unsub.h - recording an unsubscribe, shared by the mailto channel of
 * the milter and by optin-unsubd
 *
 * DESCRIPTION
 *	An unsubscribe from a list writes opt-out for the address in the
 *	token and, when it carries a tag (user+tag@d), for user@d too: the
 *	person asked, whichever of their addresses the mail went to. When
 *	user+tag@d is newly opted out, an older opt-out of user@d is written
 *	again with the new time,
 *	so that it holds back user+tag2@d's opt-in made since (decide()).
 *	"Unsubscribe from all" writes the suppression unsubscribe-all.
 *
 *	The preference page's rules (unsub_prefs()): the person may leave
 *	any list, join a list (an express request: opt-in), and suppress
 *	themselves from all lists; undoing an opt-out or that suppression
 *	takes a confirmation (whoever holds a copy of a message holds its
 *	token); a suppression they did not make (bounce, complaint, legal,
 *	manual) stays, and the lists it holds back are counted as blocked.
 */
#ifndef OPTIN_UNSUB_H
#define OPTIN_UNSUB_H

#include <stddef.h>

#include "conf.h"
#include "confirm.h"
#include "store.h"
#include "token.h"

/*
 * unsub_list - opt ADDR out of LIST; 0, or -1 (store_txn_error()). An
 * opt-out of ADDR on file is dated anew when it is older than the
 * change's second: a confirmation link sent after the first unsubscribe
 * cannot then undo the second one. In the same second (a link clicked
 * twice) nothing is written.
 */
int	unsub_list(struct store_txn *, const char *addr, const char *list,
	    const char *delims, const struct change *)
	    __attribute__((warn_unused_result));
/*
 * unsub_list_write - unsub_list() in a durable write transaction of its
 * own; 0, or -1 with ERR set (nothing was recorded)
 */
int	unsub_list_write(struct store *, const char *addr, const char *list,
	    const char *delims, const struct change *, char *err, size_t errlen)
	    __attribute__((warn_unused_result));
/* unsub_all - suppress ADDR (unsubscribe-all) */
int	unsub_all(struct store_txn *, const char *addr, const char *delims,
	    const struct change *) __attribute__((warn_unused_result));

/*
 * unsub_all_state - 1 when ADDR, or its untagged form, carries the
 * suppression unsubscribe-all; 0 when not; -1 on a database error
 */
int	unsub_all_state(struct store_txn *, const char *addr, const char *delims)
	    __attribute__((warn_unused_result));

/* the preference form as submitted, and what applying it did */
struct unsub_prefs {
	const unsigned char *want;	/* per list of the conf: 1 checked */
	int	all;			/* "unsubscribe from all" checked */
	int	confirm;		/* other lists need a confirmation */
	int	can_send;		/* ... and one can be sent */
	const struct confirm_limit *limit; /* may be NULL: confirm.h */
	unsigned char *send;		/* out, per list: send a confirmation */
	unsigned char *left;		/* out, per list (may be NULL): opted out */
	int	changed;		/* out: records written */
	int	blocked;		/* out: checked lists a suppression holds */
	int	waiting;		/* out: checked lists now pending */
	int	held;			/* out: checked, but no confirmation possible */
	int	kept_all;		/* out: a checked list under the person's
					   unsubscribe-all, which stays */
	int	not_added;		/* out: with "all", checked lists not
					   received before, which it keeps out */
};

/*
 * unsub_prefs - apply the preference form P to ADDR in one transaction:
 * with "all", suppress ADDR (unsubscribe-all) and change nothing else;
 * without it, opt out of every delivered list (unsubscribe yes) that is
 * not checked, and opt in to every checked one that is not delivered
 * unless a suppression or an opt-out holds it (below).
 * A token travels with every copy of its message and proves nothing
 * about who uses it: what undoes the person's own withdrawal takes
 * their confirmation (confirm.h), even without P->confirm (held when
 * none can be sent). So a checked list that an
 * opt-out (of ADDR, user@d or @d) or ADDR's own unsubscribe-all holds
 * back is sent a confirmation; the unsubscribe-all is not lifted (here
 * P->kept_all says it stays), the opt-in confirmed after it stands over
 * it for that list (decide()).
 * With P->confirm, a checked list is not joined at once, the token's own
 * neither: it is recorded pending by confirm_request() (confirm.h;
 * an address that opted out keeps its opt-out until it confirms) and
 * P->send marks it for a confirmation message, unless P->can_send is 0
 * (then it is only counted as held). P->limit, when not NULL, limits the
 * confirmations (confirm_request()): a list its gate holds back counts
 * as waiting, with nothing recorded or sent. P->want and P->send have one
 * entry per list of C. 0, or -1 (store_txn_error()).
 */
int	unsub_prefs(struct store_txn *, const struct conf *c, const char *addr,
	    struct unsub_prefs *p, const struct change *, int64_t now)
	    __attribute__((warn_unused_result));

/*
 * unsub_subject_token - find the token in the Subject of a mailto
 * request (SUBJ, LEN bytes): the longest run of base64url characters of
 * at least 40, after "unsubscribe" where the word is present. Copies it
 * into OUT and returns its length, or 0 when there is none.
 */
size_t	unsub_subject_token(const char *subj, size_t len, char *out,
	    size_t outlen);

#endif
