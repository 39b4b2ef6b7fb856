/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csv.c - RFC 4180 CSV
 *
 * DIAGNOSTICS
 *	A quote inside an unquoted field, text after a closing quote, an
 *	unterminated quoted field, a NUL byte, or more fields than the
 *	caller takes are errors naming the problem.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"

int
csv_init(struct csv_reader *r, const char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	if ((r->buf = malloc(len + 1)) == NULL)
		return (-1);
	r->p = buf;
	r->end = buf + len;
	r->next_line = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
	return (0);
}

void
csv_free(struct csv_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

int
csv_line(const struct csv_reader *r)
{
	return (r->line);
}

/* the bytes that end a run inside an unquoted field */
static const unsigned char special[256] = {
	['\0'] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1,
};
/* and inside a quoted one */
static const unsigned char special_q[256] = {
	['\0'] = 1, ['\n'] = 1, ['"'] = 1,
};

/*
 * csv_next - the next record. A field is copied a run at a time up to
 * the next byte in SPECIAL (SPECIAL_Q when quoted), which is then judged
 * on its own.
 */
int
csv_next(struct csv_reader *r, char **fields, size_t maxfields,
    size_t *nfields, char *err, size_t errlen)
{
	const char *q;
	char *o = r->buf;
	size_t nf = 0;

	*nfields = 0;
	/* skip blank lines */
	while (r->p < r->end && (*r->p == '\n' || (*r->p == '\r' &&
	    r->p + 1 < r->end && r->p[1] == '\n'))) {
		r->p += *r->p == '\r' ? 2 : 1;
		r->next_line++;
	}
	if (r->p >= r->end)
		return (0);
	r->line = r->next_line;

	for (;;) {
		if (nf >= maxfields) {
			(void)snprintf(err, errlen, "more than %zu fields",
			    maxfields);
			return (-1);
		}
		fields[nf++] = o;
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			for (;;) {
				q = r->p;
				while (q < r->end &&
				    !special_q[(unsigned char)*q])
					q++;
				memcpy(o, r->p, (size_t)(q - r->p));
				o += q - r->p;
				r->p = q;
				if (r->p >= r->end) {
					(void)snprintf(err, errlen,
					    "unterminated quoted field");
					return (-1);
				}
				if (*r->p == '"') {
					if (r->p + 1 < r->end && r->p[1] == '"') {
						*o++ = '"';
						r->p += 2;
						continue;
					}
					r->p++;
					break;
				}
				if (*r->p == '\0') {
					(void)snprintf(err, errlen, "NUL byte");
					return (-1);
				}
				if (*r->p == '\n')
					r->next_line++;
				*o++ = *r->p++;
			}
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' &&
			    !(*r->p == '\r' && r->p + 1 < r->end &&
			    r->p[1] == '\n')) {
				(void)snprintf(err, errlen,
				    "text after a closing quote");
				return (-1);
			}
		} else {
			for (;;) {
				/* the run of ordinary bytes, copied at once */
				q = r->p;
				while (q < r->end &&
				    !special[(unsigned char)*q])
					q++;
				memcpy(o, r->p, (size_t)(q - r->p));
				o += q - r->p;
				r->p = q;
				if (r->p >= r->end || *r->p == ',' ||
				    *r->p == '\n')
					break;
				/* CRLF ends the record, a lone CR is data */
				if (*r->p == '\r') {
					if (r->p + 1 < r->end &&
					    r->p[1] == '\n')
						break;
					*o++ = *r->p++;
					continue;
				}
				if (*r->p == '"') {
					(void)snprintf(err, errlen,
					    "quote inside an unquoted field");
					return (-1);
				}
				(void)snprintf(err, errlen, "NUL byte");
				return (-1);
			}
		}
		*o++ = '\0';
		if (r->p >= r->end)
			break;
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		r->p += *r->p == '\r' ? 2 : 1;
		r->next_line++;
		break;
	}
	*nfields = nf;
	return (1);
}

int
csv_field(FILE *fp, const char *s, int last)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' &&
	    (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
		if (fputs(s, fp) == EOF)
			return (-1);
	} else {
		if (fputc('"', fp) == EOF)
			return (-1);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"' && fputc('"', fp) == EOF)
				return (-1);
			if (fputc(*p, fp) == EOF)
				return (-1);
		}
		if (fputc('"', fp) == EOF)
			return (-1);
	}
	if (last)
		return (fputs("\r\n", fp) == EOF ? -1 : 0);
	return (fputc(',', fp) == EOF ? -1 : 0);
}
