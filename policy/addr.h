/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr.h - mail address parsing and normalisation
 *
 * An address is normalised into the form used for database keys:
 * local part lower-cased, domain lower-cased (IDNA A-labels for a domain
 * that is not ASCII), angle brackets and source routes removed, quotes
 * dropped where the local part does not need them. "@domain" stands for
 * a whole domain.
 *
 * Every function takes a buffer and a length and touches nothing else.
 */
#ifndef OPTIN_ADDR_H
#define OPTIN_ADDR_H

#include <stddef.h>

#define ADDR_MAX	254	/* RFC 5321 path limit, without brackets */
#define ADDR_LOCAL_MAX	64
#define ADDR_DOMAIN_MAX	253
#define ADDR_BUFSIZE	(ADDR_MAX + 1)

/* addr_normalize() flags */
#define ADDR_ALLOW_DOMAIN 0x01	/* accept "@domain" */

/*
 * addr_normalize - normalise IN (LEN bytes, need not be NUL-terminated)
 * into OUT (ADDR_BUFSIZE bytes). Returns 0, or -1 with a reason in ERR.
 */
int	addr_normalize(const char *in, size_t len, int flags, char *out,
	    size_t outlen, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/* addr_is_domain - 1 when NORM is a "@domain" key */
int	addr_is_domain(const char *norm);

/* addr_domain - pointer to the domain of NORM (after '@'); never NULL */
const char *addr_domain(const char *norm);

/*
 * addr_untag - with delimiter set DELIMS (may be NULL or empty), write
 * "user@d" for "user+tag@d" into OUT, also for a quoted local part
 * ("user+tag x"@d: the server of d splits it alike). Returns 1 when NORM
 * had a tag, 0 when not (OUT untouched), -1 when OUT is too small.
 */
int	addr_untag(const char *norm, const char *delims, char *out,
	    size_t outlen);

/*
 * addr_keys - the lookup keys of NORM, most specific first: the address,
 * the address without its tag (when it has one), "@domain". KEYS points
 * into BUF (3 * ADDR_BUFSIZE bytes). Returns the number of keys.
 */
#define ADDR_KEYS_BUFSIZE (3 * ADDR_BUFSIZE)
int	addr_keys(const char *norm, const char *delims, char *buf,
	    const char *keys[3]);

/*
 * addr_route - where the mail server of NORM's domain sends NORM on when
 * its local part is itself an address: "\"u@h\"@d" (a quoted '@', as
 * Postfix's resolve strips a local domain and resolves again), "u%h@d"
 * (the percent hack, rightmost '%') and "h!u@d" (a bang path, first '!')
 * all go to u@h. Writes the normalised u@h into OUT (ADDR_BUFSIZE) and
 * returns 1; 0 when the local part routes nowhere; -1 when it routes but
 * u@h is no usable address.
 */
int	addr_route(const char *norm, char *out, size_t outlen);

/*
 * addr_mask - "a***@example.org" for display; OUT holds the result.
 */
void	addr_mask(const char *norm, char *out, size_t outlen);

#endif
