/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * orcp.h - the recipient as Postfix stores it, and how to delete it
 *
 * SYNOPSIS
 *	char orcp[ORCP_BUFSIZE], del[ORCP_DEL_BUFSIZE], err[128];
 *	if (orcp_smtpd(raw, strlen(raw), orcp, sizeof(orcp), del,
 *	    sizeof(del), err, sizeof(err)) < 0)
 *		... no deletion string can be guaranteed: refuse at RCPT
 *	smfi_delrcpt(ctx, del);
 *
 * DESCRIPTION
 *	Postfix's cleanup(8) removes a recipient for a milter only when
 *	the milter's string, parsed as an RFC 822 address and put in
 *	Postfix's internal (unquoted) form, equals byte for byte the
 *	original recipient (ORCP) of the queue file. Over SMTP that is
 *	what smtpd(8) made of the RCPT TO argument: outer angle brackets
 *	removed, a leading source route ("@a,@b:") cut at the first
 *	colon, the rest parsed and internalized (quotes and backslashes
 *	of a quoted local part dropped; case and a trailing dot kept).
 *
 *	orcp_smtpd() repeats that for the forms whose result is certain:
 *	an optional route, then a dot-string or quoted-string local part,
 *	optionally "@" and a domain (dot-atom, a trailing dot allowed) or
 *	an address literal. It writes that original recipient to ORCP and
 *	the string to give smfi_delrcpt() to DEL: "<" the external form
 *	">", which internalizes back to exactly ORCP. Anything else
 *	(white space or a backslash outside quotes, comments, phrases,
 *	brackets inside, control characters, several addresses) gets -1
 *	and a reason.
 *
 *	Through sendmail(1) the milter sees the recipient only after
 *	Postfix rewrote it (qualified, route and trailing dot removed,
 *	canonical maps) while the original stays what was typed; no
 *	string can be derived from what the milter sees, so there is no
 *	counterpart of orcp_smtpd() for that path.
 *
 *	Both functions take a buffer and a length; RAW need not be
 *	NUL-terminated.
 */
#ifndef OPTIN_ORCP_H
#define OPTIN_ORCP_H

#include <stddef.h>

#define ORCP_MAX		1000
#define ORCP_BUFSIZE		(ORCP_MAX + 1)
#define ORCP_DEL_BUFSIZE	(2 * ORCP_MAX + 5)

/*
 * orcp_smtpd - the original recipient Postfix stores for the RCPT TO
 * argument RAW (LEN bytes) and the delete-recipient string that matches
 * it. Returns 0, or -1 with a reason in ERR.
 */
int	orcp_smtpd(const char *raw, size_t len, char *orcp, size_t orcplen,
	    char *del, size_t dellen, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/*
 * orcp_external - "<" EXTERNAL ">" for internal address IN (NUL
 * terminated), quoting the local part when it is not a plain dot-string.
 * Returns 0, -1 when OUT is too small or IN holds a control character.
 */
int	orcp_external(const char *in, char *out, size_t outlen)
	    __attribute__((warn_unused_result));

#endif
