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
