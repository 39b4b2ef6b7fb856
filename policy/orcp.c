/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * orcp.c - the recipient as Postfix stores it, and how to delete it
 *
 * DESCRIPTION
 *	See orcp.h. The rules follow Postfix 3.x: smtpd.c extract_addr()
 *	(brackets, route), tok822_parse.c (atoms, quoted strings, domain
 *	literals, operators kept without white space) and cleanup_milter.c
 *	cleanup_del_rcpt() (first address of the milter's string,
 *	internalized, compared with the original recipient). Only forms
 *	whose tokens concatenate without inserted white space are
 *	accepted, so that the internal form is the concatenation below;
 *	orcp_smtpd() checks its own result by parsing the deletion string
 *	again.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "orcp.h"

/* err_set - a reason into ERR; returns -1 */
static int
err_set(char *err, size_t errlen, const char *why)
{
	if (err != NULL && errlen > 0)
		(void)snprintf(err, errlen, "%s", why);
	return (-1);
}

/* is_atext - RFC 5322 atext, or an octet of UTF-8 (an atom to Postfix) */
static int
is_atext(unsigned char c)
{
	if (c >= 0x80)
		return (1);
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (1);
	return (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* is_domain_char - what a domain of atoms and dots may hold here */
static int
is_domain_char(unsigned char c)
{
	return (c >= 0x80 || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	    c == '.' || c == '_');
}

/* put - append LEN bytes to OUT (*O used of OUTLEN); -1 when full */
static int
put(char *out, size_t outlen, size_t *o, const char *s, size_t len)
{
	if (len >= outlen - *o)
		return (-1);
	memcpy(out + *o, s, len);
	*o += len;
	out[*o] = '\0';
	return (0);
}

/*
 * internalize - the internal form of the address text [P, E) (brackets
 * and route already removed) into OUT. Returns 0, -1 with ERR.
 */
static int
internalize(const char *p, const char *e, char *out, size_t outlen,
    char *err, size_t errlen)
{
	const char *q;
	size_t o = 0;
	char c;

	out[0] = '\0';
	if (p == e)
		return (err_set(err, errlen, "empty address"));
	if (*p == '"') {
		for (q = p + 1;; q++) {
			if (q == e)
				return (err_set(err, errlen,
				    "unterminated quoted string"));
			c = *q;
			if (c == '"')
				break;
			if (c == '\\' && ++q == e)
				return (err_set(err, errlen,
				    "unterminated quoted string"));
			if (put(out, outlen, &o, q, 1) < 0)
				return (err_set(err, errlen, "address too long"));
		}
		q++;
		if (q != e && *q != '@')
			return (err_set(err, errlen,
			    "text after a quoted local part"));
	} else {
		for (q = p; q < e && *q != '@'; q++)
			if (!is_atext((unsigned char)*q) && *q != '.')
				return (err_set(err, errlen,
				    "a character in the local part that "
				    "needs quoting"));
		if (put(out, outlen, &o, p, (size_t)(q - p)) < 0)
			return (err_set(err, errlen, "address too long"));
	}
	if (o == 0)
		return (err_set(err, errlen, "empty local part"));
	if (q == e)
		return (0);		/* a bare local part */

	/* q is at '@' */
	p = ++q;
	if (p == e)
		return (err_set(err, errlen, "empty domain"));
	if (*p == '[') {
		if (e[-1] != ']' || e - p < 3)
			return (err_set(err, errlen, "bad address literal"));
		for (q = p + 1; q < e - 1; q++)
			if (*q == '[' || *q == ']' || *q == '\\' ||
			    (unsigned char)*q <= 0x20 ||
			    (unsigned char)*q >= 0x7f)
				return (err_set(err, errlen,
				    "bad address literal"));
	} else {
		for (q = p; q < e; q++)
			if (!is_domain_char((unsigned char)*q))
				return (err_set(err, errlen,
				    "a character not allowed in a domain"));
	}
	if (put(out, outlen, &o, "@", 1) < 0 ||
	    put(out, outlen, &o, p, (size_t)(e - p)) < 0)
		return (err_set(err, errlen, "address too long"));
	return (0);
}

/* plain_local - 1 when [P, E) needs no quotes: atext and dots */
static int
plain_local(const char *p, const char *e)
{
	if (p == e)
		return (0);
	for (; p < e; p++)
		if (!is_atext((unsigned char)*p) && *p != '.')
			return (0);
	return (1);
}

int
orcp_external(const char *in, char *out, size_t outlen)
{
	const char *at, *end = in + strlen(in), *s;
	size_t o = 0;

	if (outlen == 0)
		return (-1);
	out[0] = '\0';
	for (s = in; s < end; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (-1);
	if ((at = strrchr(in, '@')) == NULL)
		at = end;
	if (put(out, outlen, &o, "<", 1) < 0)
		return (-1);
	if (plain_local(in, at)) {
		if (put(out, outlen, &o, in, (size_t)(at - in)) < 0)
			return (-1);
	} else {
		if (put(out, outlen, &o, "\"", 1) < 0)
			return (-1);
		for (s = in; s < at; s++) {
			if ((*s == '"' || *s == '\\') &&
			    put(out, outlen, &o, "\\", 1) < 0)
				return (-1);
			if (put(out, outlen, &o, s, 1) < 0)
				return (-1);
		}
		if (put(out, outlen, &o, "\"", 1) < 0)
			return (-1);
	}
	if (put(out, outlen, &o, at, (size_t)(end - at)) < 0 ||
	    put(out, outlen, &o, ">", 1) < 0)
		return (-1);
	return (0);
}

int
orcp_smtpd(const char *raw, size_t len, char *orcp, size_t orcplen,
    char *del, size_t dellen, char *err, size_t errlen)
{
	char again[ORCP_BUFSIZE];
	const char *p = raw, *e = raw + len, *colon;
	size_t i;

	if (orcplen > 0)
		orcp[0] = '\0';
	if (dellen > 0)
		del[0] = '\0';
	if (orcplen < 2 || dellen < 4)
		return (err_set(err, errlen, "internal: buffer too small"));
	if (len == 0)
		return (err_set(err, errlen, "empty address"));
	if (len > ORCP_MAX)
		return (err_set(err, errlen, "address too long"));
	for (i = 0; i < len; i++)
		if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7f)
			return (err_set(err, errlen, "a control character"));

	/* smtpd: <stuff> loses its brackets when both ends have them */
	if (len >= 2 && p[0] == '<' && e[-1] == '>') {
		p++;
		e--;
	}
	/* smtpd: a leading route is cut at the first colon, whatever it is */
	if (p < e && *p == '@' &&
	    (colon = memchr(p, ':', (size_t)(e - p))) != NULL)
		p = colon + 1;

	if (internalize(p, e, orcp, orcplen, err, errlen) < 0)
		return (-1);
	if (orcp_external(orcp, del, dellen) < 0)
		return (err_set(err, errlen, "address too long"));

	/* what cleanup will make of DEL must be ORCP again */
	if (internalize(del + 1, del + strlen(del) - 1, again, sizeof(again),
	    NULL, 0) < 0 || strcmp(again, orcp) != 0)
		return (err_set(err, errlen, "no exact deletion form"));
	return (0);
}
