/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authres.h - what an Authentication-Results header (RFC 8601) says
 *
 * SYNOPSIS
 *	struct authres ar;
 *	if (authres_parse(value, len, &ar) == 0 &&
 *	    authres_aligned(&ar, ids, nids, "news@example.org", how,
 *	    sizeof(how)))
 *		... the sender is authenticated; HOW says "dkim" or "spf"
 *
 * DESCRIPTION
 *	authres_parse() reads one header field value (buffer and length,
 *	not NUL-terminated, folded or not): the authserv-id, an optional
 *	version, then "none" or results of the form
 *	"; method[/version]=result [reason=...] ptype.property=value ...",
 *	with comments and quoted strings anywhere white space may be. It
 *	keeps the method, the result and the two properties needed here
 *	(header.d, smtp.mailfrom), at most AUTHRES_MAX results. Anything
 *	it cannot read makes it fail: an unreadable header authenticates
 *	nobody.
 *
 *	authres_aligned() says whether the header comes from one of the
 *	configured authserv-ids (compared without regard to case) and
 *	holds dkim=pass with header.d equal to the sender's domain or a
 *	parent of it (at least two labels), or spf=pass with an
 *	smtp.mailfrom whose domain equals the sender's. Such a header can
 *	be trusted only where the MTA removes headers with that
 *	authserv-id from incoming mail (RFC 8601 section 5).
 */
#ifndef OPTIN_AUTHRES_H
#define OPTIN_AUTHRES_H

#include <stddef.h>

#define AUTHRES_MAX		16
#define AUTHRES_ID_MAX		256
#define AUTHRES_PVALUE_MAX	256

struct authres_result {
	char	method[32];		/* lower case: "dkim", "spf" */
	char	result[32];		/* lower case: "pass", "fail" */
	char	header_d[AUTHRES_PVALUE_MAX];
	char	smtp_mailfrom[AUTHRES_PVALUE_MAX];
};

struct authres {
	char	authserv_id[AUTHRES_ID_MAX];
	struct authres_result r[AUTHRES_MAX];
	size_t	n;
};

/* authres_parse - VALUE (LEN octets) into OUT; 0, or -1 when unreadable */
int	authres_parse(const char *value, size_t len, struct authres *out)
	    __attribute__((warn_unused_result));

/*
 * authres_aligned - 1 when AR is from one of IDS (NIDS of them) and
 * authenticates normalised address SENDER as above; HOW (may be NULL)
 * then names the method. 0 otherwise.
 */
int	authres_aligned(const struct authres *ar, const char *const *ids,
	    size_t nids, const char *sender, char *how, size_t howlen);

#endif
