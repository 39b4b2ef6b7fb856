/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime.h - optin-feedback's parts: the MIME walk (mime.c, GMime), the
 * Maildir for what is not ours (keep.c) and the program (main.c)
 */
#ifndef OPTIN_FEEDBACK_PROG_H
#define OPTIN_FEEDBACK_PROG_H

#include <stddef.h>

#include "report.h"

#define MIME_AUTHRES_MAX	8
#define MIME_MAX_DELIMS		2000	/* lines beginning with "--" */
#define MIME_MAX_FIELDS		100000	/* lines that may be header fields */
#define MIME_MAX_ADDR_COLONS	100	/* colons in one address field */

/* what the MIME walk found in one message */
struct parsed {
	struct report rep;		/* kind, fields, recipients */
	int	structured;		/* 1: a multipart/report */
	const char *unparsed;		/* why it was not parsed, or NULL */
	char	subject[256];
	char	from[256];
	char	from_addr[ADDR_BUFSIZE];	/* the one From mailbox; "" */
	/* the message's own Authentication-Results values, raw */
	char	authres[MIME_AUTHRES_MAX][1024];
	size_t	nauthres;
	/* every decoded text where a token may hide, NUL-separated */
	char	*search;
	size_t	searchlen;
};

/*
 * mime_parse - parse the message BUF (LEN bytes) with GMime and fill P:
 * a multipart/report is a report (delivery-status or feedback-report)
 * whatever its other headers say; otherwise a bounce from a mail system
 * whose text yields a status; otherwise an auto-reply when its headers
 * say so; otherwise nothing. A message that would cost GMime too much
 * is not parsed, and P->unparsed says why: more than MIME_MAX_DELIMS
 * lines that may open a part ("too-many-parts": GMime takes about
 * 1.4 KB for each part, 290 MB for a MB of empty parts), more than
 * MIME_MAX_FIELDS lines that may be header fields ("too-many-fields":
 * some 500 octets each), or an address field with more than
 * MIME_MAX_ADDR_COLONS colons ("address-groups": GMime reads nested
 * groups by recursion, and 50000 overflow its stack).
 * P->search is the caller's to free().
 * Returns 0, or -1 when out of memory.
 */
int	mime_parse(const char *buf, size_t len, struct parsed *p);
void	mime_parsed_free(struct parsed *);

/*
 * keep_message - deliver BUF (LEN bytes), then what descriptor REST
 * holds to its end (unless REST is -1), into the Maildir DIR (keep.c);
 * the file's name goes to NAME. 0, or -1 with ERR set.
 */
int	keep_message(const char *dir, const char *buf, size_t len, int rest,
	    char *name, size_t namelen, char *err, size_t errlen);

#endif
