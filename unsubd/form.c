/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * form.c - parse HTML form bodies (urlencoded and multipart)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "form.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* url_decode - IN (LEN) into OUT (OUTLEN, NUL-terminated); -1 if bad */
static int
url_decode(const char *in, size_t len, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c == '+')
			c = ' ';
		else if (c == '%') {
			int h, l;

			if (i + 2 >= len)
				return (-1);
			if ((h = hexval(in[i + 1])) < 0 ||
			    (l = hexval(in[i + 2])) < 0)
				return (-1);
			c = (char)(h * 16 + l);
			i += 2;
		}
		if (c == '\0' || o + 1 >= outlen)
			return (-1);
		out[o++] = c;
	}
	out[o] = '\0';
	return (0);
}

static int
parse_urlencoded(const char *body, size_t len, form_field_fn fn, void *arg,
    char *err, size_t errlen)
{
	const char *p = body, *end = body + len;

	/* tolerate the line break some clients put at the end */
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fe = amp != NULL ? amp : end, *eq;
		char name[FORM_NAME_MAX + 1], value[FORM_VALUE_MAX + 1];

		if (fe > p) {
			eq = memchr(p, '=', (size_t)(fe - p));
			if (url_decode(p, (size_t)((eq ? eq : fe) - p), name,
			    sizeof(name)) < 0 || (eq != NULL &&
			    url_decode(eq + 1, (size_t)(fe - eq - 1), value,
			    sizeof(value)) < 0)) {
				(void)snprintf(err, errlen,
				    "malformed or oversized form field");
				return (-1);
			}
			if (eq == NULL)
				value[0] = '\0';
			if (fn(arg, name, value) != 0) {
				(void)snprintf(err, errlen, "stopped");
				return (-1);
			}
		}
		p = fe + (amp != NULL);
	}
	return (0);
}

/* mem_find - NEEDLE in HAY, or NULL */
static const char *
mem_find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	size_t i;

	if (nlen == 0 || nlen > hlen)
		return (NULL);
	for (i = 0; i + nlen <= hlen; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return (hay + i);
	return (NULL);
}

/* param - the value of PARAM= in a header value (quoted or not) */
static int
param(const char *hv, size_t hlen, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name), i = 0, o = 0;

	while (i < hlen) {
		/* a parameter starts after ';' and spaces */
		while (i < hlen && hv[i] != ';')
			i++;
		if (i >= hlen)
			return (-1);
		i++;
		while (i < hlen && (hv[i] == ' ' || hv[i] == '\t'))
			i++;
		if (i + nl + 1 <= hlen && strncasecmp(hv + i, name, nl) == 0 &&
		    hv[i + nl] == '=') {
			i += nl + 1;
			if (i < hlen && hv[i] == '"') {
				for (i++; i < hlen && hv[i] != '"'; i++) {
					if (o + 1 >= outlen)
						return (-1);
					out[o++] = hv[i];
				}
				if (i >= hlen)
					return (-1);
			} else
				for (; i < hlen && hv[i] != ';' && hv[i] != ' ' &&
				    hv[i] != '\t' && hv[i] != '\r'; i++) {
					if (o + 1 >= outlen)
						return (-1);
					out[o++] = hv[i];
				}
			out[o] = '\0';
			return (o > 0 ? 0 : -1);
		}
	}
	return (-1);
}

static int
parse_multipart(const char *ctype, const char *body, size_t len,
    form_field_fn fn, void *arg, char *err, size_t errlen)
{
	char boundary[80], delim[90], name[FORM_NAME_MAX + 1];
	char value[FORM_VALUE_MAX + 1];
	const char *p, *end = body + len, *next;
	size_t dl;

	if (param(ctype, strlen(ctype), "boundary", boundary,
	    sizeof(boundary)) < 0) {
		(void)snprintf(err, errlen, "multipart without a boundary");
		return (-1);
	}
	if ((size_t)snprintf(delim, sizeof(delim), "--%s", boundary) >=
	    sizeof(delim)) {
		(void)snprintf(err, errlen, "multipart boundary too long");
		return (-1);
	}
	dl = strlen(delim);
	if ((p = mem_find(body, len, delim, dl)) == NULL) {
		(void)snprintf(err, errlen, "multipart boundary not found");
		return (-1);
	}
	for (;;) {
		const char *hend, *h, *data;
		size_t vlen;
		int have_name = 0, sep;

		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return (0);		/* the closing delimiter */
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (end - p >= 1 && p[0] == '\n')
			p += 1;
		else
			break;
		/* part headers end at an empty line */
		sep = 4;
		if ((hend = mem_find(p, (size_t)(end - p), "\r\n\r\n", 4)) == NULL) {
			sep = 2;
			if ((hend = mem_find(p, (size_t)(end - p), "\n\n", 2)) ==
			    NULL)
				break;
		}
		for (h = p; h < hend;) {
			const char *eol = memchr(h, '\n', (size_t)(hend - h));
			size_t hl = (size_t)((eol ? eol : hend) - h);

			if (hl >= 20 && strncasecmp(h, "Content-Disposition:", 20)
			    == 0) {
				char fname[8];

				if (param(h, hl, "filename", fname,
				    sizeof(fname)) == 0 || mem_find(h, hl,
				    "filename=", 9) != NULL) {
					(void)snprintf(err, errlen,
					    "file uploads are not accepted");
					return (-1);
				}
				if (param(h, hl, "name", name, sizeof(name)) < 0)
					break;
				have_name = 1;
			}
			h = eol ? eol + 1 : hend;
		}
		data = hend + sep;
		if (data > end || (next = mem_find(data, (size_t)(end - data),
		    delim, dl)) == NULL)
			break;
		/* the line break before the delimiter belongs to it */
		vlen = (size_t)(next - data);
		if (vlen >= 2 && next[-2] == '\r' && next[-1] == '\n')
			vlen -= 2;
		else if (vlen >= 1 && next[-1] == '\n')
			vlen -= 1;
		if (!have_name) {
			(void)snprintf(err, errlen, "multipart part without a name");
			return (-1);
		}
		if (vlen > FORM_VALUE_MAX || memchr(data, '\0', vlen) != NULL) {
			(void)snprintf(err, errlen, "oversized or binary field");
			return (-1);
		}
		memcpy(value, data, vlen);
		value[vlen] = '\0';
		if (fn(arg, name, value) != 0) {
			(void)snprintf(err, errlen, "stopped");
			return (-1);
		}
		p = next;
	}
	(void)snprintf(err, errlen, "malformed multipart body");
	return (-1);
}

int
form_parse(const char *ctype, const char *body, size_t len, form_field_fn fn,
    void *arg, char *err, size_t errlen)
{
	size_t tl;

	if (ctype == NULL) {
		(void)snprintf(err, errlen, "no Content-Type");
		return (-1);
	}
	while (*ctype == ' ')
		ctype++;
	tl = strcspn(ctype, "; \t");
	if (tl == 33 && strncasecmp(ctype, "application/x-www-form-urlencoded",
	    33) == 0)
		return (parse_urlencoded(body, len, fn, arg, err, errlen));
	if (tl == 19 && strncasecmp(ctype, "multipart/form-data", 19) == 0)
		return (parse_multipart(ctype, body, len, fn, arg, err, errlen));
	(void)snprintf(err, errlen, "unsupported Content-Type");
	return (-1);
}
