/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * listhdr.h - the values of List-Unsubscribe and List-Id (RFC 2369,
 * RFC 8058, RFC 2919), and header folding
 *
 * DESCRIPTION
 *	Every function writes into a caller's buffer and returns 0, or -1
 *	when the result would not fit. Nothing configured can put CR or LF
 *	into a value: the configuration refuses control characters, and
 *	the description is quoted (or RFC 2047 encoded when not ASCII).
 */
#ifndef OPTIN_LISTHDR_H
#define OPTIN_LISTHDR_H

#include <stddef.h>

#include "conf.h"

#define LISTHDR_BUFSIZE	2048

/* the one-click and preference URLs of TOKEN; "" when not configured */
int	listhdr_url(const char *base, const char *token, char *out, size_t len)
	    __attribute__((warn_unused_result));
/* "mailto:ADDR?subject=unsubscribe%20TOKEN"; "" when not configured */
int	listhdr_mailto(const struct conf *, const char *token, char *out,
	    size_t len) __attribute__((warn_unused_result));

/*
 * listhdr_unsubscribe - the List-Unsubscribe value: "<URL>, <MAILTO>".
 * With WITH_URL 0 only the mailto form is given (list-only tokens).
 */
int	listhdr_unsubscribe(const struct conf *, const char *token,
	    int with_url, char *out, size_t len)
	    __attribute__((warn_unused_result));

/* listhdr_id - the List-Id value: "description" <list-id> */
int	listhdr_id(const struct conf_list *, char *out, size_t len)
	    __attribute__((warn_unused_result));

/*
 * listhdr_fold - fold VALUE of a header whose name is NAMELEN octets so
 * that no line exceeds 78 octets where it can, and never 998: breaks go
 * only after ", " between elements and at spaces, never inside <...>.
 * Lines are joined by "\n\t" (libmilter's convention; the MTA writes
 * CRLF). Returns -1 when a line would still exceed 998 octets.
 */
int	listhdr_fold(const char *value, size_t namelen, char *out, size_t len)
	    __attribute__((warn_unused_result));

#endif
