/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csv.h - RFC 4180 CSV reading and writing
 *
 * SYNOPSIS
 *	struct csv_reader r;
 *	char *f[8]; size_t nf;
 *	csv_init(&r, buf, len);
 *	while ((rc = csv_next(&r, f, 8, &nf, err, sizeof(err))) == 1)
 *		... f[0..nf-1], record starting at line csv_line(&r)
 *	csv_free(&r);
 *
 * DESCRIPTION
 *	Reads a buffer of LEN bytes: fields separated by commas, records by
 *	CRLF or LF, "quoted" fields with "" for a quote and line breaks
 *	inside. Blank lines and a leading UTF-8 byte order mark are
 *	skipped. The field pointers stay valid until the next csv_next().
 */
#ifndef OPTIN_CSV_H
#define OPTIN_CSV_H

#include <stddef.h>
#include <stdio.h>

struct csv_reader {
	const char *p, *end;
	int	line;		/* line where the last record started */
	int	next_line;
	char	*buf;		/* field storage, LEN + 1 bytes */
};

int	csv_init(struct csv_reader *, const char *buf, size_t len)
	    __attribute__((warn_unused_result));
/* 1 a record, 0 the end, -1 a malformed record (ERR set; stop reading) */
int	csv_next(struct csv_reader *, char **fields, size_t maxfields,
	    size_t *nfields, char *err, size_t errlen)
	    __attribute__((warn_unused_result));
int	csv_line(const struct csv_reader *);
void	csv_free(struct csv_reader *);

/* csv_field - write S quoted where needed, then ',' or CRLF when LAST */
int	csv_field(FILE *, const char *s, int last);

#endif
