/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hdraddr.h - remove mailboxes from an address-list header (To:, Cc:)
 *
 * SYNOPSIS
 *	char *nv;
 *	int n = hdraddr_drop(value, len, drop, arg, &nv);
 *	n > 0: replace the header's value with nv (free it); 0: nothing to
 *	remove; -1: the value is not certain to parse, leave it alone
 *
 * DESCRIPTION
 *	The value is read as an RFC 5322 address-list, with a buffer and a
 *	length: quoted strings, comments, angle addresses, domain literals
 *	and groups, over folded lines. Each mailbox's address is normalised
 *	(addr.h) and offered to DROP. A kept mailbox is copied byte for byte;
 *	mailboxes are joined with ", " and lines folded before 78 columns.
 *	A group keeps its display name and ";" even when it is left empty;
 *	a value left with nothing becomes "undisclosed-recipients:;".
 *
 *	Nothing is changed unless every mailbox of the value parses: an
 *	unbalanced quote, comment or bracket, a NUL, an encoded word with a
 *	comma in it, or any other mailbox whose address cannot be found
 *	makes it return -1.
 */
#ifndef OPTIN_HDRADDR_H
#define OPTIN_HDRADDR_H

#include <stddef.h>

#define HDRADDR_MAX	(256 * 1024)	/* longer values are left alone */

/*
 * hdraddr_drop - see above. DROP(ARG, NORM) returns 1 to remove the
 * mailbox. On n > 0 *OUT is a new NUL-terminated value without leading
 * white space, which the caller frees; otherwise *OUT is NULL.
 */
int	hdraddr_drop(const char *value, size_t len,
	    int (*drop)(void *, const char *), void *arg, char **out);

#endif
