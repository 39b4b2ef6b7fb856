/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * text.h - the one rule for text from outside in log lines and output
 *
 * SYNOPSIS
 *	char out[TEXT_ESC_SIZE(sizeof(addr))];
 *	text_esc(addr, strlen(addr), TEXT_WORD, out, sizeof(out));
 *	log("rcpt=<%s>", out);
 *
 * DESCRIPTION
 *	Log lines and the output of optinctl are "name=value" fields
 *	separated by spaces, one record per line. A value that holds text
 *	from outside (an address, a list name read from a header, an
 *	error, a user agent, a source or evidence text) is written in angle
 *	brackets (addresses) or double quotes (other text), and inside it
 *	every octet below 0x21 or above 0x7e, and '"' and '\\', is written
 *	as \xHH (two lower-case hex digits); a space, '<' and '>' are kept
 *	only inside double quotes (TEXT_QUOTED). So a value never holds
 *	a line break or its own closing delimiter, a word or an address
 *	never a space: nothing from outside can end a value early, start a
 *	field or a line. The original octets come back by replacing each
 *	\xHH.
 */
#ifndef OPTIN_TEXT_H
#define OPTIN_TEXT_H

#include <stddef.h>
#include <stdio.h>

enum text_ctx {
	TEXT_WORD,		/* a bare word or an <address>: no space */
	TEXT_QUOTED,		/* inside "...": a space stays a space */
};

/* room for N octets escaped, and the NUL */
#define TEXT_ESC_SIZE(n)	(4 * (n) + 1)

/*
 * text_esc - IN (LEN octets, NUL allowed; NULL means "") escaped by the
 * rule above into OUT. Returns 0, or 1 when OUT was too small: the
 * result then stops before the first escape that did not fit.
 */
int	text_esc(const char *in, size_t len, enum text_ctx ctx, char *out,
	    size_t outlen);

/*
 * text_json - S as a JSON string, quotes included, onto FP: '"' and
 * '\' escaped, controls as \uXXXX (a line feed as \n), well-formed
 * UTF-8 as it is, and every other octet (raw 8-bit text, such as a
 * report's diagnostic in a legacy charset) as U+FFFD, so that the
 * output is always valid UTF-8 JSON
 */
void	text_json(FILE *fp, const char *s);

#endif
