/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * listhdr.c - List-Unsubscribe, List-Unsubscribe-Post and List-Id values
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "listhdr.h"

#define LINE_SOFT	78
#define LINE_HARD	998
/*
 * octets of text in one encoded-word: 48 base64, a word of 60 characters,
 * so that a line holding one stays within RFC 2047's 76 after "List-Id: "
 */
#define WORD_TEXT_MAX	36

/* put - S onto OUT at *O (LEN octets in all, NUL kept): 0 / -1 */
static int
put(char *out, size_t len, size_t *o, const char *s)
{
	size_t n = strlen(s);

	if (n >= len - *o)
		return (-1);
	memcpy(out + *o, s, n + 1);
	*o += n;
	return (0);
}

int
listhdr_url(const char *base, const char *token, char *out, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return (-1);
	out[0] = '\0';
	if (base == NULL || base[0] == '\0')
		return (0);
	return (put(out, len, &o, base) < 0 || put(out, len, &o, token) < 0 ?
	    -1 : 0);
}

int
listhdr_mailto(const struct conf *c, const char *token, char *out, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return (-1);
	out[0] = '\0';
	if (c->unsubscribe_mailto[0] == '\0')
		return (0);
	return (put(out, len, &o, "mailto:") < 0 ||
	    put(out, len, &o, c->unsubscribe_mailto) < 0 ||
	    put(out, len, &o, "?subject=unsubscribe%20") < 0 ||
	    put(out, len, &o, token) < 0 ? -1 : 0);
}

int
listhdr_unsubscribe(const struct conf *c, const char *token, int with_url,
    char *out, size_t len)
{
	char url[LISTHDR_BUFSIZE], mailto[LISTHDR_BUFSIZE];
	size_t o = 0;

	if (len == 0 || listhdr_url(with_url ? c->unsubscribe_url : "", token,
	    url, sizeof(url)) < 0 || listhdr_mailto(c, token, mailto,
	    sizeof(mailto)) < 0 || (url[0] == '\0' && mailto[0] == '\0'))
		return (-1);
	out[0] = '\0';
	if (url[0] != '\0' && (put(out, len, &o, "<") < 0 ||
	    put(out, len, &o, url) < 0 || put(out, len, &o, ">") < 0))
		return (-1);
	if (mailto[0] != '\0' && ((o > 0 && put(out, len, &o, ", ") < 0) ||
	    put(out, len, &o, "<") < 0 || put(out, len, &o, mailto) < 0 ||
	    put(out, len, &o, ">") < 0))
		return (-1);
	return (0);
}

/*
 * encoded_words - TEXT as RFC 2047 "B" encoded-words of at most 60
 * characters (WORD_TEXT_MAX octets of text each), separated by spaces
 * (where listhdr_fold() may fold), never
 * splitting a UTF-8 character; into OUT, *O octets used.
 */
static int
encoded_words(const char *text, char *out, size_t len, size_t *o)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text), at = 0, chunk;
	char b64[WORD_TEXT_MAX * 4 / 3 + 4];
	int w;

	*o = 0;
	while (at < n) {
		chunk = n - at > WORD_TEXT_MAX ? WORD_TEXT_MAX : n - at;
		/* end before a continuation octet: keep characters whole */
		while (at + chunk < n && chunk > 1 &&
		    (p[at + chunk] & 0xc0) == 0x80)
			chunk--;
		(void)sodium_bin2base64(b64, sizeof(b64), p + at, chunk,
		    sodium_base64_VARIANT_ORIGINAL);
		w = snprintf(out + *o, len - *o, "%s=?UTF-8?B?%s?=",
		    at > 0 ? " " : "", b64);
		if (w < 0 || (size_t)w >= len - *o)
			return (-1);
		*o += (size_t)w;
		at += chunk;
	}
	return (0);
}

int
listhdr_id(const struct conf_list *l, char *out, size_t len)
{
	const unsigned char *p;
	size_t o = 0;
	int ascii = 1, n;

	if (l->list_id[0] == '\0')
		return (-1);
	for (p = (const unsigned char *)l->description; *p != '\0'; p++)
		if (*p >= 0x80 || *p < 0x20)
			ascii = 0;
	if (!ascii) {
		if (encoded_words(l->description, out, len, &o) < 0)
			return (-1);
		n = snprintf(out + o, len - o, " <%s>", l->list_id);
		return (n < 0 || (size_t)n >= len - o ? -1 : 0);
	}
	if (len < 4)
		return (-1);
	out[o++] = '"';
	for (p = (const unsigned char *)l->description; *p != '\0'; p++) {
		if (o + 3 >= len)
			return (-1);
		if (*p == '"' || *p == '\\')
			out[o++] = '\\';
		out[o++] = (char)*p;
	}
	out[o] = '\0';
	n = snprintf(out + o, len - o, "\" <%s>", l->list_id);
	return (n < 0 || (size_t)n >= len - o ? -1 : 0);
}

int
listhdr_fold(const char *value, size_t namelen, char *out, size_t len)
{
	size_t col = namelen + 2, o = 0, vlen = strlen(value);
	size_t seg_start = 0;

	/* a value that fits the first line is left as it is */
	if (col + vlen <= LINE_SOFT && vlen < len) {
		memcpy(out, value, vlen + 1);
		return (0);
	}

	/*
	 * Walk the value in segments that end at a space between elements:
	 * after a comma, or before '<', outside quotes and <...>. Start a new
	 * line before a segment that would pass the soft limit.
	 */
	while (seg_start < vlen) {
		size_t seg_end = seg_start;
		int inangle = 0, inquote = 0;

		while (seg_end < vlen) {
			char ch;

			/* past the octets that change nothing */
			seg_end += strcspn(value + seg_end,
			    inquote ? "\"\\" : "\"<> ");
			if (seg_end >= vlen)
				break;
			ch = value[seg_end];
			if (inquote) {
				if (ch == '\\' && seg_end + 1 < vlen)
					seg_end++;
				else if (ch == '"')
					inquote = 0;
			} else if (ch == '"')
				inquote = 1;
			else if (ch == '<')
				inangle = 1;
			else if (ch == '>')
				inangle = 0;
			else if (ch == ' ' && !inangle && seg_end > seg_start &&
			    (value[seg_end - 1] == ',' || (seg_end + 1 < vlen &&
			    value[seg_end + 1] == '<') || (seg_end + 2 < vlen &&
			    value[seg_end + 1] == '=' && value[seg_end + 2] == '?')))
				break;
			seg_end++;
		}
		if (seg_start > 0 && col + (seg_end - seg_start) > LINE_SOFT &&
		    value[seg_start] == ' ') {
			/* the space becomes the fold */
			if (o + 2 >= len)
				return (-1);
			out[o++] = '\n';
			out[o++] = '\t';
			seg_start++;
			col = 1;
		}
		if (o + (seg_end - seg_start) >= len)
			return (-1);
		memcpy(out + o, value + seg_start, seg_end - seg_start);
		o += seg_end - seg_start;
		col += seg_end - seg_start;
		if (col > LINE_HARD)
			return (-1);
		seg_start = seg_end;
	}
	out[o] = '\0';
	return (0);
}
