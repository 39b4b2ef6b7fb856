/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * text.c - the one rule for text from outside in log lines and output
 *
 * DESCRIPTION
 *	See text.h; optin-milter(8) LOGGING documents the rule for readers
 *	of the logs. Used by the milter's message engine, optin-unsubd's
 *	evidence and optinctl's output.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

/* needs_esc - C is written as \xHH in CTX */
static int
needs_esc(unsigned char c, enum text_ctx ctx)
{
	if (c == ' ' || c == '<' || c == '>')
		return (ctx != TEXT_QUOTED);
	return (c < 0x21 || c > 0x7e || c == '"' || c == '\\');
}

int
text_esc(const char *in, size_t len, enum text_ctx ctx, char *out,
    size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (outlen == 0)
		return (1);
	if (in == NULL)
		len = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (!needs_esc(c, ctx)) {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)c;
			continue;
		}
		if (o + 4 >= outlen)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 0xf];
	}
	out[o] = '\0';
	return (i < len);
}

/*
 * utf8_len - the length of the well-formed UTF-8 sequence at P (before
 * E), or 0: no overlong forms, no surrogates, nothing past U+10FFFF
 */
static size_t
utf8_len(const unsigned char *p, const unsigned char *e)
{
	size_t n, i;
	unsigned lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return (0);
	if ((size_t)(e - p) < n || p[1] < lo || p[1] > hi)
		return (0);
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return (0);
	return (n);
}

void
text_json(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *e;
	size_t n;

	e = p + strlen(s);
	(void)putc('"', fp);
	while (p < e) {
		if (*p == '"' || *p == '\\')
			(void)fprintf(fp, "\\%c", *p++);
		else if (*p == '\n') {
			(void)fputs("\\n", fp);
			p++;
		} else if (*p < 0x20 || *p == 0x7f)
			(void)fprintf(fp, "\\u%04x", *p++);
		else if (*p < 0x80)
			(void)putc(*p++, fp);
		else if ((n = utf8_len(p, e)) > 0) {
			(void)fwrite(p, 1, n, fp);
			p += n;
		} else {
			(void)fputs("\\ufffd", fp);
			p++;
		}
	}
	(void)putc('"', fp);
}
