/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * addr.c - mail address parsing and normalisation
 *
 * SYNOPSIS
 *	#include "addr.h"
 *
 * DESCRIPTION
 *	addr_normalize() turns an address as a client or an administrator
 *	typed it into the key form of the database (DESIGN.md section 3).
 *	Everything it refuses is refused with a reason that names the
 *	problem; nothing it accepts can carry CR, LF or another control
 *	character into a header or a log line.
 *
 *	Non-ASCII local parts (SMTPUTF8) are refused: the keys are ASCII.
 *	Non-ASCII domains are converted to IDNA A-labels with libidn2.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <idn2.h>

#include "addr.h"

/* seterr - format a reason into ERR */
static int __attribute__((format(printf, 3, 4)))
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* is_atext - RFC 5322 atext (letters and digits tried first) */
static int
is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (1);
	return (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* is_dot_atom - 1 when S (LEN bytes) is an RFC 5322 dot-atom */
static int
is_dot_atom(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return (0);
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return (0);
		} else if (!is_atext((unsigned char)s[i]))
			return (0);
	}
	return (1);
}

/* lower_ascii - lower-case the ASCII letters of S in place */
static void
lower_ascii(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

/*
 * norm_domain - normalise domain IN (LEN bytes) into OUT (ADDR_BUFSIZE).
 */
static int
norm_domain(const char *in, size_t len, char *out, size_t outlen,
    char *err, size_t errlen)
{
	char buf[1024], *ace = NULL;
	const char *p;
	size_t i, label;
	int rc, nonascii = 0;

	if (len == 0)
		return (seterr(err, errlen, "empty domain"));
	if (len >= sizeof(buf))
		return (seterr(err, errlen, "domain too long"));
	memcpy(buf, in, len);
	buf[len] = '\0';

	if (buf[0] == '[') {
		/* address literal: [1.2.3.4] or [IPv6:...] */
		unsigned char bin[16];

		if (buf[len - 1] != ']' || len < 3)
			return (seterr(err, errlen, "bad address literal"));
		buf[len - 1] = '\0';
		lower_ascii(buf, len);
		if (strncmp(buf + 1, "ipv6:", 5) == 0) {
			if (inet_pton(AF_INET6, buf + 6, bin) != 1)
				return (seterr(err, errlen,
				    "bad IPv6 address literal"));
			memcpy(buf + 1, "IPv6:", 5);
		} else if (inet_pton(AF_INET, buf + 1, bin) != 1)
			return (seterr(err, errlen, "bad address literal"));
		if ((size_t)snprintf(out, outlen, "%s]", buf) >= outlen)
			return (seterr(err, errlen, "domain too long"));
		return (0);
	}

	/* one trailing dot names the root: drop it */
	if (len > 1 && buf[len - 1] == '.')
		buf[--len] = '\0';
	for (i = 0; i < len; i++)
		if ((unsigned char)buf[i] >= 0x80)
			nonascii = 1;
	p = buf;
	if (nonascii) {
		rc = idn2_to_ascii_8z(buf, &ace,
		    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK)
			return (seterr(err, errlen,
			    "bad international domain: %s", idn2_strerror(rc)));
		p = ace;
	}
	len = strlen(p);
	if (len > ADDR_DOMAIN_MAX || len >= outlen) {
		idn2_free(ace);
		return (seterr(err, errlen, "domain longer than %d octets",
		    ADDR_DOMAIN_MAX));
	}
	memcpy(out, p, len + 1);
	idn2_free(ace);
	lower_ascii(out, len);

	/* LDH labels, 1 to 63 octets, no hyphen at either end */
	label = 0;
	for (i = 0; i <= len; i++) {
		char c = out[i];

		if (c == '.' || c == '\0') {
			if (label == 0)
				return (seterr(err, errlen,
				    "empty label in domain"));
			if (label > 63)
				return (seterr(err, errlen,
				    "domain label longer than 63 octets"));
			if (out[i - 1] == '-' || out[i - label] == '-')
				return (seterr(err, errlen,
				    "domain label starts or ends with '-'"));
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-'))
			return (seterr(err, errlen,
			    "bad character '%c' in domain", c));
		label++;
	}
	return (0);
}

/*
 * plain - 1 when IN (LEN bytes) is the common case that needs nothing but
 * lower-casing: at most ADDR_MAX octets, a dot-atom local part of at most
 * ADDR_LOCAL_MAX octets, one '@', and a domain of ASCII letter-digit-
 * hyphen labels of 1 to 63 octets, neither starting nor ending with '-',
 * without a trailing dot. 0 for anything else, which the general path
 * judges (it may still be good). Every rule here is one of the general
 * path's, so that what passes comes out of both the same.
 */
static int
plain(const char *in, size_t len)
{
	size_t i, label;
	unsigned char c;

	if (len > ADDR_MAX)
		return (0);
	for (i = 0; i < len && in[i] != '@'; i++) {
		c = (unsigned char)in[i];
		if (c == '.') {
			if (i == 0 || in[i - 1] == '.')
				return (0);
		} else if (!is_atext(c))
			return (0);
	}
	if (i == 0 || i == len || i > ADDR_LOCAL_MAX || in[i - 1] == '.')
		return (0);
	label = 0;
	for (i++; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '.') {
			if (label == 0 || in[i - 1] == '-')
				return (0);
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
			if (++label > 63)
				return (0);
		} else
			return (0);
	}
	/* no empty domain, no trailing dot or hyphen */
	return (label > 0 && in[len - 1] != '-');
}

int
addr_normalize(const char *in, size_t len, int flags, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char local[ADDR_LOCAL_MAX * 2 + 3], domain[ADDR_BUFSIZE];
	const char *p, *end, *at;
	size_t i, llen, dlen;
	int quoted = 0;

	if (outlen < ADDR_BUFSIZE)
		return (seterr(err, errlen, "internal: output buffer too small"));
	if (in == NULL || len == 0)
		return (seterr(err, errlen, "empty address"));
	if (plain(in, len)) {
		memcpy(out, in, len);
		out[len] = '\0';
		lower_ascii(out, len);
		return (0);
	}
	if (len > 1024)
		return (seterr(err, errlen, "address longer than %d octets",
		    ADDR_MAX));
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\0')
			return (seterr(err, errlen, "NUL byte in address"));
		if (c == '\r' || c == '\n')
			return (seterr(err, errlen, "CR or LF in address"));
		if (c < 0x20 || c == 0x7f)
			return (seterr(err, errlen,
			    "control character in address"));
	}

	p = in;
	end = in + len;
	while (p < end && *p == ' ')
		p++;
	while (end > p && end[-1] == ' ')
		end--;
	if (p < end && *p == '<') {
		if (end[-1] != '>' || end - p < 2)
			return (seterr(err, errlen, "unbalanced angle brackets"));
		p++;
		end--;
		while (p < end && *p == ' ')
			p++;
		while (end > p && end[-1] == ' ')
			end--;
	} else if (p < end && end[-1] == '>')
		return (seterr(err, errlen, "unbalanced angle brackets"));
	if (p == end)
		return (seterr(err, errlen, "empty address"));
	if (memchr(p, '<', (size_t)(end - p)) != NULL ||
	    memchr(p, '>', (size_t)(end - p)) != NULL)
		return (seterr(err, errlen, "stray angle bracket in address"));

	/* source route: @a,@b:user@d */
	if (*p == '@') {
		const char *colon = NULL, *q;
		int inlit = 0;

		/* a colon outside [address literals] ends a source route */
		for (q = p; q < end && colon == NULL; q++) {
			if (*q == '[')
				inlit = 1;
			else if (*q == ']')
				inlit = 0;
			else if (*q == ':' && !inlit)
				colon = q;
		}
		if (colon != NULL) {
			p = colon + 1;
			if (p == end)
				return (seterr(err, errlen,
				    "source route without address"));
		} else {
			if (!(flags & ADDR_ALLOW_DOMAIN))
				return (seterr(err, errlen, "missing local part"));
			if (norm_domain(p + 1, (size_t)(end - p - 1), domain,
			    sizeof(domain), err, errlen) < 0)
				return (-1);
			if ((size_t)snprintf(out, outlen, "@%s", domain) >=
			    outlen)
				return (seterr(err, errlen,
				    "address longer than %d octets", ADDR_MAX));
			return (0);
		}
	}

	/* local part */
	if (*p == '"') {
		const char *q;

		llen = 0;
		for (q = p + 1; q < end && *q != '"'; q++) {
			if (*q == '\\') {
				if (++q == end)
					break;
			}
			if ((unsigned char)*q >= 0x80)
				return (seterr(err, errlen,
				    "non-ASCII local part"));
			if (llen >= ADDR_LOCAL_MAX)
				return (seterr(err, errlen,
				    "local part longer than %d octets",
				    ADDR_LOCAL_MAX));
			local[llen++] = *q;
		}
		if (q >= end)
			return (seterr(err, errlen, "unterminated quoted string"));
		at = q + 1;
		if (at == end || *at != '@')
			return (seterr(err, errlen,
			    "quoted local part not followed by '@'"));
		if (llen == 0)
			return (seterr(err, errlen, "empty local part"));
		local[llen] = '\0';
		if (!is_dot_atom(local, llen)) {
			/* keep the quotes, escape what needs it */
			char tmp[sizeof(local)];
			size_t j = 0;

			tmp[j++] = '"';
			for (i = 0; i < llen; i++) {
				if (local[i] == '"' || local[i] == '\\')
					tmp[j++] = '\\';
				tmp[j++] = local[i];
			}
			tmp[j++] = '"';
			memcpy(local, tmp, j);
			llen = j;
			local[llen] = '\0';
			quoted = 1;
		}
	} else {
		at = memchr(p, '@', (size_t)(end - p));
		if (at == NULL)
			return (seterr(err, errlen, "missing '@' and domain"));
		llen = (size_t)(at - p);
		if (llen == 0)
			return (seterr(err, errlen, "empty local part"));
		if (llen > ADDR_LOCAL_MAX)
			return (seterr(err, errlen,
			    "local part longer than %d octets", ADDR_LOCAL_MAX));
		for (i = 0; i < llen; i++)
			if ((unsigned char)p[i] >= 0x80)
				return (seterr(err, errlen,
				    "non-ASCII local part"));
		if (!is_dot_atom(p, llen))
			return (seterr(err, errlen, "bad local part"));
		memcpy(local, p, llen);
		local[llen] = '\0';
	}
	if (quoted && llen > ADDR_LOCAL_MAX)
		return (seterr(err, errlen, "local part longer than %d octets",
		    ADDR_LOCAL_MAX));
	lower_ascii(local, llen);

	/* domain */
	at++;
	if (at == end)
		return (seterr(err, errlen, "empty domain"));
	if (memchr(at, '@', (size_t)(end - at)) != NULL)
		return (seterr(err, errlen, "more than one '@'"));
	if (norm_domain(at, (size_t)(end - at), domain, sizeof(domain),
	    err, errlen) < 0)
		return (-1);
	dlen = strlen(domain);
	if (llen + 1 + dlen > ADDR_MAX || llen + 1 + dlen >= outlen)
		return (seterr(err, errlen, "address longer than %d octets",
		    ADDR_MAX));
	/* "local@domain": neither part holds a NUL byte */
	memcpy(out, local, llen);
	out[llen] = '@';
	memcpy(out + llen + 1, domain, dlen + 1);
	return (0);
}

int
addr_is_domain(const char *norm)
{
	return (norm[0] == '@');
}

const char *
addr_domain(const char *norm)
{
	const char *at = strrchr(norm, '@');

	return (at != NULL ? at + 1 : norm + strlen(norm));
}

int
addr_untag(const char *norm, const char *delims, char *out, size_t outlen)
{
	char local[ADDR_BUFSIZE], tmp[2 * ADDR_BUFSIZE + 4], err[128];
	const char *at, *d, *p;
	size_t pos, n = 0, t = 0;

	if (delims == NULL || *delims == '\0' || norm[0] == '@')
		return (0);
	if ((at = strrchr(norm, '@')) == NULL)
		return (0);
	if (norm[0] != '"') {
		pos = strcspn(norm, delims);
		if (pos == 0 || norm + pos >= at)
			return (0);
		d = at;
		if ((size_t)snprintf(out, outlen, "%.*s%s", (int)pos, norm,
		    d) >= outlen)
			return (-1);
		return (1);
	}
	/*
	 * "user+tag x"@d: the server of d splits the local part at the
	 * delimiter as it would an unquoted one, so user@d is the person
	 */
	for (p = norm + 1; p < at && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < at)
			p++;
		if (n >= sizeof(local) - 1)
			return (0);
		local[n++] = *p;
	}
	local[n] = '\0';
	pos = strcspn(local, delims);
	if (pos == 0 || pos >= n)
		return (0);
	tmp[t++] = '"';
	for (p = local; p < local + pos; p++) {
		if (*p == '"' || *p == '\\')
			tmp[t++] = '\\';
		tmp[t++] = *p;
	}
	tmp[t++] = '"';
	if (t + strlen(at) >= sizeof(tmp))
		return (0);
	memcpy(tmp + t, at, strlen(at));
	t += strlen(at);
	if (outlen < ADDR_BUFSIZE)
		return (-1);
	if (addr_normalize(tmp, t, 0, out, outlen, err, sizeof(err)) < 0)
		return (0);
	return (1);
}

int
addr_keys(const char *norm, const char *delims, char *buf,
    const char *keys[3])
{
	int n = 0;

	if (norm[0] == '@') {
		keys[n++] = norm;
		return (n);
	}
	keys[n++] = norm;
	if (addr_untag(norm, delims, buf, ADDR_BUFSIZE) == 1)
		keys[n++] = buf;
	buf += ADDR_BUFSIZE;
	buf[0] = '@';
	(void)strlcpy(buf + 1, addr_domain(norm), ADDR_BUFSIZE - 1);
	keys[n++] = buf;
	return (n);
}

int
addr_route(const char *norm, char *out, size_t outlen)
{
	char local[ADDR_BUFSIZE], tgt[3 * ADDR_BUFSIZE + 4], err[128];
	const char *at, *p, *cut, *lp, *dp;
	size_t n = 0, t = 0, ln, dn;

	if (norm[0] == '@' || (at = strrchr(norm, '@')) == NULL)
		return (0);
	/* the local part as text: quotes and their escapes removed */
	if (norm[0] == '"') {
		for (p = norm + 1; p < at && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < at)
				p++;
			if (n >= sizeof(local) - 1)
				return (-1);
			local[n++] = *p;
		}
	} else {
		if ((size_t)(at - norm) >= sizeof(local))
			return (-1);
		n = (size_t)(at - norm);
		memcpy(local, norm, n);
	}
	local[n] = '\0';

	if ((cut = strrchr(local, '@')) != NULL ||
	    (cut = strrchr(local, '%')) != NULL) {
		/* u@h, u%h: u at h */
		lp = local;
		ln = (size_t)(cut - local);
		dp = cut + 1;
		dn = strlen(dp);
	} else if ((cut = strchr(local, '!')) != NULL) {
		/* h!u: u at h */
		lp = cut + 1;
		ln = strlen(lp);
		dp = local;
		dn = (size_t)(cut - local);
	} else
		return (0);

	/* quote the target's local part; normalising unquotes it */
	tgt[t++] = '"';
	for (; ln > 0; ln--, lp++) {
		if (*lp == '"' || *lp == '\\')
			tgt[t++] = '\\';
		tgt[t++] = *lp;
	}
	tgt[t++] = '"';
	tgt[t++] = '@';
	memcpy(tgt + t, dp, dn);
	t += dn;
	if (addr_normalize(tgt, t, 0, out, outlen, err, sizeof(err)) < 0)
		return (-1);
	return (1);
}

void
addr_mask(const char *norm, char *out, size_t outlen)
{
	const char *at = strrchr(norm, '@');

	if (outlen == 0)
		return;
	if (at == NULL || at == norm) {
		(void)snprintf(out, outlen, "%s", norm);
		return;
	}
	(void)snprintf(out, outlen, "%c***%s", norm[0] == '"' ? norm[1] :
	    norm[0], at);
}
