/*
 * unsub.h - recording an unsubscribe, shared by the mailto channel of
 * the milter and by optin-unsubd
 *
 * DESCRIPTION
 *	An unsubscribe from a list writes opt-out for the address in the
 *	token and, when it carries a tag (user+tag@d), for user@d too: the
 *	person asked, whichever of their addresses the mail went to.
 *	"Unsubscribe from all" writes the suppression unsubscribe-all.
 */
#ifndef OPTIN_UNSUB_H
#define OPTIN_UNSUB_H

#include <stddef.h>

#include "store.h"
#include "token.h"

/* unsub_list - opt ADDR out of LIST; 0, or -1 (store_txn_error()) */
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
 * unsub_subject_token - find the token in the Subject of a mailto
 * request (SUBJ, LEN bytes): the longest run of base64url characters of
 * at least 40, after "unsubscribe" where the word is present. Copies it
 * into OUT and returns its length, or 0 when there is none.
 */
size_t	unsub_subject_token(const char *subj, size_t len, char *out,
	    size_t outlen);

#endif
