/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * authres.c - what an Authentication-Results header (RFC 8601) says
 *
 * DESCRIPTION
 *	See authres.h. A small recursive-descent reader over a cursor
 *	(pointer and end); every read is bounded by the end and by the
 *	size of the field it fills, and a field that does not fit makes
 *	the whole header unreadable rather than cut.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "authres.h"

struct cur {
	const char *p, *e;
};

/* cfws - skip white space, folding and (nested (comments)) */
static int
cfws(struct cur *c)
{
	int depth;

	for (;;) {
		while (c->p < c->e && (*c->p == ' ' || *c->p == '\t' ||
		    *c->p == '\r' || *c->p == '\n'))
			c->p++;
		if (c->p == c->e || *c->p != '(')
			return (0);
		for (depth = 0; c->p < c->e; c->p++) {
			if (*c->p == '\\') {
				if (++c->p == c->e)
					return (-1);
			} else if (*c->p == '(')
				depth++;
			else if (*c->p == ')' && --depth == 0)
				break;
		}
		if (c->p == c->e)
			return (-1);	/* unterminated comment */
		c->p++;
	}
}

/* ends_token - RFC 2045 tspecials, space and controls end a token */
static int
ends_token(unsigned char ch)
{
	return (ch <= 0x20 || ch >= 0x7f ||
	    strchr("()<>@,;:\\\"/[]?=", ch) != NULL);
}

/* quoted - a quoted-string at the cursor, unescaped into OUT (appended) */
static int
quoted(struct cur *c, char *out, size_t outlen, size_t *o)
{
	if (c->p == c->e || *c->p != '"')
		return (-1);
	for (c->p++; c->p < c->e && *c->p != '"'; c->p++) {
		if (*c->p == '\\' && ++c->p == c->e)
			return (-1);
		if ((unsigned char)*c->p < 0x20 && *c->p != '\t')
			return (-1);
		if (*o + 1 >= outlen)
			return (-1);
		out[(*o)++] = *c->p;
	}
	if (c->p == c->e)
		return (-1);
	c->p++;
	out[*o] = '\0';
	return (0);
}

/* value - a token or a quoted-string into OUT */
static int
value(struct cur *c, char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	if (c->p < c->e && *c->p == '"')
		return (quoted(c, out, outlen, &o) < 0 || o == 0 ? -1 : 0);
	while (c->p < c->e && !ends_token((unsigned char)*c->p)) {
		if (o + 1 >= outlen)
			return (-1);
		out[o++] = *c->p++;
	}
	out[o] = '\0';
	return (o > 0 ? 0 : -1);
}

/* keyword - letters, digits, '-' and '_', lower-cased into OUT */
static int
keyword(struct cur *c, char *out, size_t outlen)
{
	size_t o = 0;

	while (c->p < c->e) {
		char ch = *c->p;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_'))
			break;
		if (o + 1 >= outlen)
			return (-1);
		out[o++] = ch;
		c->p++;
	}
	out[o] = '\0';
	return (o > 0 ? 0 : -1);
}

/*
 * pvalue - a property's value: a run up to white space, ';' or '(',
 * quoted strings kept with their quotes (a local part may be one).
 */
static int
pvalue(struct cur *c, char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	while (c->p < c->e && *c->p != ' ' && *c->p != '\t' && *c->p != '\r' &&
	    *c->p != '\n' && *c->p != ';' && *c->p != '(') {
		if ((unsigned char)*c->p < 0x20 || *c->p == 0x7f)
			return (-1);
		if (*c->p == '"') {
			if (o + 1 >= outlen)
				return (-1);
			out[o++] = '"';
			if (quoted(c, out, outlen, &o) < 0 || o + 1 >= outlen)
				return (-1);
			out[o++] = '"';
			out[o] = '\0';
			continue;
		}
		if (o + 1 >= outlen)
			return (-1);
		out[o++] = *c->p++;
	}
	out[o] = '\0';
	return (0);
}

/* expect - the character CH after optional CFWS */
static int
expect(struct cur *c, char ch)
{
	if (cfws(c) < 0 || c->p == c->e || *c->p != ch)
		return (-1);
	c->p++;
	return (cfws(c));
}

/* resinfo - one "method=result props" after its ';' into R (may be NULL) */
static int
resinfo(struct cur *c, struct authres_result *r)
{
	struct authres_result tmp;
	char ptype[32], prop[32], pv[AUTHRES_PVALUE_MAX];

	if (r == NULL)
		r = &tmp;
	memset(r, 0, sizeof(*r));
	if (keyword(c, r->method, sizeof(r->method)) < 0 || cfws(c) < 0)
		return (-1);
	if (strcmp(r->method, "none") == 0 && (c->p == c->e || *c->p == ';'))
		return (0);		/* "; none": no results */
	if (c->p < c->e && *c->p == '/') {
		c->p++;
		if (cfws(c) < 0 || keyword(c, prop, sizeof(prop)) < 0)
			return (-1);
	}
	if (expect(c, '=') < 0 || keyword(c, r->result, sizeof(r->result)) < 0)
		return (-1);
	for (;;) {
		if (cfws(c) < 0)
			return (-1);
		if (c->p == c->e || *c->p == ';')
			return (0);
		if (keyword(c, ptype, sizeof(ptype)) < 0)
			return (-1);
		if (strcmp(ptype, "reason") == 0) {
			if (expect(c, '=') < 0 || value(c, pv, sizeof(pv)) < 0)
				return (-1);
			continue;
		}
		if (cfws(c) < 0 || c->p == c->e || *c->p != '.')
			return (-1);
		c->p++;
		if (cfws(c) < 0 || keyword(c, prop, sizeof(prop)) < 0 ||
		    expect(c, '=') < 0 || pvalue(c, pv, sizeof(pv)) < 0)
			return (-1);
		if (strcmp(ptype, "header") == 0 && strcmp(prop, "d") == 0)
			(void)memcpy(r->header_d, pv, sizeof(pv));
		else if (strcmp(ptype, "smtp") == 0 &&
		    strcmp(prop, "mailfrom") == 0)
			(void)memcpy(r->smtp_mailfrom, pv, sizeof(pv));
	}
}

int
authres_parse(const char *value_, size_t len, struct authres *out)
{
	struct cur c = { value_, value_ + len };
	char method[32];

	memset(out, 0, sizeof(*out));
	if (value_ == NULL || cfws(&c) < 0 ||
	    value(&c, out->authserv_id, sizeof(out->authserv_id)) < 0 ||
	    cfws(&c) < 0)
		return (-1);
	/* an optional version */
	if (c.p < c.e && *c.p >= '0' && *c.p <= '9') {
		while (c.p < c.e && *c.p >= '0' && *c.p <= '9')
			c.p++;
		if (cfws(&c) < 0)
			return (-1);
	}
	/* the old form: "id none" without a ';' */
	if (c.p < c.e && *c.p != ';') {
		if (keyword(&c, method, sizeof(method)) < 0 ||
		    strcmp(method, "none") != 0 || cfws(&c) < 0 || c.p != c.e)
			return (-1);
		return (0);
	}
	while (c.p < c.e) {
		if (*c.p != ';')
			return (-1);
		c.p++;
		if (cfws(&c) < 0)
			return (-1);
		if (c.p == c.e)
			break;		/* a trailing ';' */
		if (resinfo(&c, out->n < AUTHRES_MAX ? &out->r[out->n] : NULL)
		    < 0)
			return (-1);
		if (out->n < AUTHRES_MAX &&
		    strcmp(out->r[out->n].method, "none") != 0)
			out->n++;
	}
	return (0);
}

/* parent_or_same - DOM is D or below it; D has two labels at least */
static int
parent_or_same(const char *dom, const char *d)
{
	size_t ld = strlen(dom), lp = strlen(d);

	if (lp == 0 || strchr(d, '.') == NULL || d[0] == '.' ||
	    d[lp - 1] == '.')
		return (0);
	if (ld == lp)
		return (strcasecmp(dom, d) == 0);
	return (ld > lp && dom[ld - lp - 1] == '.' &&
	    strcasecmp(dom + ld - lp, d) == 0);
}

int
authres_aligned(const struct authres *ar, const char *const *ids,
    size_t nids, const char *sender, char *how, size_t howlen)
{
	const char *dom, *at;
	size_t i;
	int known = 0;

	if (how != NULL && howlen > 0)
		how[0] = '\0';
	for (i = 0; i < nids; i++)
		if (strcasecmp(ar->authserv_id, ids[i]) == 0)
			known = 1;
	if (!known || sender == NULL || (at = strrchr(sender, '@')) == NULL ||
	    at == sender || at[1] == '\0')
		return (0);
	dom = at + 1;
	for (i = 0; i < ar->n; i++) {
		const struct authres_result *r = &ar->r[i];
		const char *mf;

		if (strcmp(r->result, "pass") != 0)
			continue;
		if (strcmp(r->method, "dkim") == 0 &&
		    parent_or_same(dom, r->header_d)) {
			if (how != NULL && howlen > 0)
				(void)strlcpy(how, "dkim", howlen);
			return (1);
		}
		if (strcmp(r->method, "spf") == 0 && r->smtp_mailfrom[0]) {
			mf = strrchr(r->smtp_mailfrom, '@');
			mf = mf != NULL ? mf + 1 : r->smtp_mailfrom;
			if (strcasecmp(mf, dom) == 0) {
				if (how != NULL && howlen > 0)
					(void)strlcpy(how, "spf", howlen);
				return (1);
			}
		}
	}
	return (0);
}
