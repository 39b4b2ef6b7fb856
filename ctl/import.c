/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * import.c - optinctl import: a CSV file into one transaction, streamed
 *
 * SYNOPSIS
 *	optinctl import FILE.csv	("-": standard input)
 *
 * DESCRIPTION
 *	The columns are those of export (address,list,status,source,
 *	changed,expires), in any order; address, list and status are
 *	required. Every line is checked and written in one write
 *	transaction as it is read; on any bad line the writing stops, the
 *	rest of the file is still checked, every bad line is reported as
 *	FILE:LINE: why, and the transaction is abandoned: all lines or
 *	none.
 *
 *	Memory does not grow with the file: the file is read through a
 *	window of WINDOW bytes (more only for a single record longer than
 *	that, up to WINDOW_MAX), no line is kept once written, and what
 *	grows is LMDB's own set of dirty pages. Standard input is first
 *	copied to an unlinked temporary file, because a transaction that
 *	outgrows the map is run again from the start after the map grows.
 *	For a large file the map is grown before the transaction to
 *	RESERVE_FACTOR times the file's size more than the data it holds,
 *	so that it seldom has to run again.
 *
 *	A person's opt-out on file outlives a line that is no opt-out and
 *	is undated or not later, and so do the opt-out of user@d an
 *	undated line for user+tag@d, whose mail reaches the same person,
 *	and the opt-out of @d an undated line for any address of d
 *	(store_merge_consent()). Such lines are counted and named.
 *
 *	The history names the file once: the import's first history
 *	record (actor import, no address) carries "file=PATH" as its
 *	evidence, and every imported line's evidence is "import #SEQ",
 *	the sequence number of that record.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "csv.h"
#include "ctl.h"
#include "model.h"

#define WINDOW		(1024 * 1024)
#define WINDOW_MAX	(16 * 1024 * 1024)
/*
 * A line writes about four times its length (a consent record and a
 * history record, each with the address and the list, and the tree's own
 * overhead); RESERVE_FACTOR times the file leaves room for short lines and
 * half-filled pages. Below RESERVE_MIN the map grows when it fills: running
 * such a transaction again costs little.
 */
#define RESERVE_FACTOR	8
#define RESERVE_MIN	(64ULL * 1024 * 1024)
#define MAX_REPORTED	100
#define MAX_KEPT_SHOWN	10
#define MAX_FIELDS	32

enum { COL_ADDRESS, COL_LIST, COL_STATUS, COL_SOURCE, COL_CHANGED,
	COL_EXPIRES, NCOLS };
static const char *const col_names[NCOLS] = {
	"address", "list", "status", "source", "changed", "expires",
};

/* feed - a CSV file read a window at a time, whole records only */
struct feed {
	FILE	*fp;
	char	*win;
	size_t	cap, len;	/* window size, bytes in it */
	size_t	off;		/* start of the records not yet parsed */
	size_t	stop;		/* end of the records the reader holds */
	int	eof;
	int	line;		/* line number at OFF */
	int	have;		/* R reads win[off, stop) */
	int	first;
	struct csv_reader r;
};

/* feed_rewind - back to the first byte; 0 / -1 */
static int
feed_rewind(struct feed *f)
{
	if (f->have)
		csv_free(&f->r);
	f->have = 0;
	f->len = f->off = f->stop = 0;
	f->eof = 0;
	f->line = 1;
	f->first = 1;
	if (fseek(f->fp, 0, SEEK_SET) < 0)
		return (-1);
	clearerr(f->fp);
	return (0);
}

/* boundary - the end of the last whole record in P (LEN bytes), or 0 */
static size_t
boundary(const char *p, size_t len)
{
	const char *nl;
	size_t i, end = 0;
	int quoted = 0;

	/* without a '"' before it, the last LF ends the last record */
	if ((nl = memrchr(p, '\n', len)) == NULL)
		return (0);
	if (memchr(p, '"', (size_t)(nl - p)) == NULL)
		return ((size_t)(nl - p) + 1);
	/* outside quotes (an even count of '"' so far), LF ends a record */
	for (i = 0; i < len; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (p[i] == '\n' && !quoted)
			end = i + 1;
	}
	return (end);
}

/*
 * fill - compact the window and read until it is full or the file ends;
 * 0, 1 when the window is full at WINDOW_MAX, -1 a read error (ERR)
 */
static int
fill(struct feed *f, char *err, size_t errlen)
{
	size_t n;
	char *w;

	if (f->off > 0) {
		memmove(f->win, f->win + f->off, f->len - f->off);
		f->len -= f->off;
		f->off = 0;
	}
	if (f->len == f->cap) {
		if (f->cap >= WINDOW_MAX ||
		    (w = realloc(f->win, f->cap * 2)) == NULL)
			return (1);
		f->win = w;
		f->cap *= 2;
	}
	while (f->len < f->cap && !f->eof) {
		n = fread(f->win + f->len, 1, f->cap - f->len, f->fp);
		f->len += n;
		if (n == 0) {
			if (ferror(f->fp)) {
				(void)snprintf(err, errlen, "read error: %s",
				    strerror(errno));
				return (-1);
			}
			f->eof = 1;
		}
	}
	return (0);
}

/*
 * skip_line - past the line feed that ends a line too long for the window;
 * 0 (at the end of the file if it has none), -1 a read error (ERR)
 */
static int
skip_line(struct feed *f, char *err, size_t errlen)
{
	const char *nl;

	for (;;) {
		f->off = f->len = 0;
		if (f->eof)
			return (0);
		if (fill(f, err, errlen) < 0)
			return (-1);
		if ((nl = memchr(f->win, '\n', f->len)) != NULL) {
			f->off = (size_t)(nl - f->win) + 1;
			return (0);
		}
	}
}

/*
 * feed_next - the next record into FIELDS, its first line in *LINE:
 * 1 a record, 0 the end, -1 a malformed record or a read error (ERR),
 * -2 a line too long, skipped (ERR): the lines after it can be read
 */
static int
feed_next(struct feed *f, char **fields, size_t *nf, int *line, char *err,
    size_t errlen)
{
	size_t end;
	int rc;

	for (;;) {
		if (f->have) {
			rc = csv_next(&f->r, fields, MAX_FIELDS, nf, err, errlen);
			*line = csv_line(&f->r);
			if (rc != 0)
				return (rc);
			f->line = f->r.next_line;
			csv_free(&f->r);
			f->have = 0;
			f->off = f->stop;
		}
		if (f->off == f->len && f->eof)
			return (0);
		end = boundary(f->win + f->off, f->len - f->off);
		if (end == 0 && !f->eof) {
			if ((rc = fill(f, err, errlen)) < 0) {
				*line = f->line;
				return (-1);
			}
			if (rc == 0)
				continue;
			/* not a stray quote: one line fills the window */
			if (memchr(f->win + f->off, '\n', f->len - f->off) ==
			    NULL) {
				*line = f->line++;
				if (skip_line(f, err, errlen) < 0)
					return (-1);
				(void)snprintf(err, errlen, "line longer "
				    "than %d MiB", WINDOW_MAX / (1024 * 1024));
				return (-2);
			}
		}
		/*
		 * The last record, without a line break; or no record ends
		 * in WINDOW_MAX bytes (a stray quote): the reader says where.
		 */
		if (end == 0)
			end = f->len - f->off;
		if (csv_init(&f->r, f->win + f->off, end) < 0) {
			(void)snprintf(err, errlen, "out of memory");
			*line = f->line;
			return (-1);
		}
		if (!f->first)
			f->r.p = f->win + f->off;  /* a BOM only opens the file */
		f->first = 0;
		f->r.next_line = f->line;
		f->stop = f->off + end;
		f->have = 1;
	}
}

struct import {
	struct ctl *c;
	const char *file;
	struct feed feed;
	int	col[NCOLS];
	size_t	ncol;
	size_t	n;		/* lines written */
	size_t	kept;		/* lines not applied over an opt-out */
	struct kept {
		int	line;
		char	addr[ADDR_BUFSIZE];
		char	by[ADDR_BUFSIZE];	/* who opted out, if not addr */
		char	list[CONF_NAME_MAX + 1];
		int	all;		/* by an unsubscribe-all */
	} shown[MAX_KEPT_SHOWN];	/* the first of them, told at the end */
	int	err_lines;
	int	oom;
	int64_t	now;		/* when the import began */
};

/*
 * the latest changed date a line may carry: a record dated in the future
 * would stand over every opt-out made until then (decide()); a day for
 * clocks and time zones
 */
#define CHANGED_SKEW	86400

/* bad_line - report FILE:LINE: why, up to MAX_REPORTED */
static void __attribute__((format(printf, 3, 4)))
bad_line(struct import *im, int line, const char *fmt, ...)
{
	va_list ap;

	if (im->err_lines++ >= MAX_REPORTED)
		return;
	(void)fprintf(stderr, "%s:%d: ", im->file, line);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

/* told_kept - the lines that an opt-out on file outlived */
static void
told_kept(const struct import *im)
{
	size_t i;

	if (im->kept == 0)
		return;
	for (i = 0; i < im->kept && i < MAX_KEPT_SHOWN; i++)
		(void)fprintf(stderr, "%s:%d: %s%s%s has %s%s; the line is not "
		    "applied (%s)\n",
		    im->file, im->shown[i].line, im->shown[i].addr,
		    im->shown[i].by[0] != '\0' ? ": " : "", im->shown[i].by,
		    im->shown[i].all ? "unsubscribed from all" :
		    "opted out of ", im->shown[i].all ? "" : im->shown[i].list,
		    im->shown[i].all ? "only their confirmation passes it" :
		    "it would need a later changed date");
	if (im->kept > MAX_KEPT_SHOWN)
		(void)fprintf(stderr, "%s: %zu more such lines not shown\n",
		    im->file, im->kept - MAX_KEPT_SHOWN);
	(void)printf("kept %zu opt-out%s on file over older or undated lines\n",
	    im->kept, im->kept == 1 ? "" : "s");
}

/* header - the header line names the columns; 0, or -1 (reported) */
static int
header(struct import *im)
{
	char *f[MAX_FIELDS], err[512];
	size_t nf, i, j;
	int rc, line = 1;

	rc = feed_next(&im->feed, f, &nf, &line, err, sizeof(err));
	if (rc <= 0) {
		bad_line(im, line, "%s", rc < 0 ? err :
		    "empty file: a header line is required "
		    "(address,list,status,source,changed,expires)");
		return (-1);
	}
	im->ncol = nf;
	for (i = 0; i < NCOLS; i++)
		im->col[i] = -1;
	for (j = 0; j < nf; j++) {
		for (i = 0; i < NCOLS; i++)
			if (strcasecmp(f[j], col_names[i]) == 0)
				break;
		if (i == NCOLS) {
			bad_line(im, line, "unknown column \"%s\" "
			    "(address,list,status,source,changed,expires)", f[j]);
			continue;
		}
		if (im->col[i] >= 0) {
			bad_line(im, line, "column %s given twice",
			    col_names[i]);
			continue;
		}
		im->col[i] = (int)j;
	}
	for (i = 0; i <= COL_STATUS; i++)
		if (im->col[i] < 0)
			bad_line(im, line, "missing column %s (the "
			    "header line is required)", col_names[i]);
	return (im->err_lines > 0 ? -1 : 0);
}

/*
 * row - check one line; 1 good (A, L, REC, SOURCE set), 0 bad (reported)
 */
static int
row(struct import *im, char **f, size_t nf, int line, char *a, size_t alen,
    const struct conf_list **lp, struct consent_rec *rec, const char **source)
{
	const int *col = im->col;
	const struct conf_list *l;
	const char *why;
	char aerr[128];
	int ok = 1;

	/* the record's text is the change's (store_put_consent) */
	rec->status = 0;
	rec->changed = rec->expires = 0;
	rec->source[0] = rec->evidence[0] = '\0';
	if (nf != im->ncol) {
		bad_line(im, line, "%zu fields, the header has %zu", nf,
		    im->ncol);
		return (0);
	}
	if (addr_normalize(f[col[COL_ADDRESS]], strlen(f[col[COL_ADDRESS]]),
	    ADDR_ALLOW_DOMAIN, a, alen, aerr, sizeof(aerr)) < 0) {
		bad_line(im, line, "bad address \"%.80s\": %s",
		    f[col[COL_ADDRESS]], aerr);
		ok = 0;
	}
	if ((l = conf_find_list(im->c->conf, f[col[COL_LIST]])) == NULL) {
		bad_line(im, line, "unknown list \"%.80s\"", f[col[COL_LIST]]);
		ok = 0;
	}
	if ((rec->status = status_parse(f[col[COL_STATUS]])) == 0) {
		bad_line(im, line, "bad status \"%.80s\" (opt-in, "
		    "relationship, opt-out, pending)", f[col[COL_STATUS]]);
		ok = 0;
	} else if (ok && store_consent_valid(a, rec->status, &why) < 0) {
		bad_line(im, line, "%s: %s", a, why);
		ok = 0;
	}
	if (col[COL_CHANGED] >= 0 && time_parse(f[col[COL_CHANGED]],
	    &rec->changed) < 0) {
		bad_line(im, line, "bad changed date \"%.80s\"",
		    f[col[COL_CHANGED]]);
		ok = 0;
	} else if (col[COL_CHANGED] >= 0 && f[col[COL_CHANGED]][0] != '\0' &&
	    rec->changed <= 0) {
		/* 0 is "no date": the line would be dated now instead */
		bad_line(im, line, "changed date \"%.80s\" is not after "
		    "1970-01-01T00:00:00Z", f[col[COL_CHANGED]]);
		ok = 0;
	} else if (rec->changed > im->now + CHANGED_SKEW) {
		bad_line(im, line, "changed date \"%.80s\" is in the future",
		    f[col[COL_CHANGED]]);
		ok = 0;
	} else if (rec->changed > im->now)
		rec->changed = im->now;	/* a clock ahead: not past now */
	if (col[COL_EXPIRES] >= 0 && time_parse(f[col[COL_EXPIRES]],
	    &rec->expires) < 0) {
		bad_line(im, line, "bad expires date \"%.80s\"",
		    f[col[COL_EXPIRES]]);
		ok = 0;
	}
	if (col[COL_SOURCE] >= 0 && strlen(f[col[COL_SOURCE]]) >=
	    STORE_SOURCE_MAX) {
		bad_line(im, line, "source longer than %d octets",
		    STORE_SOURCE_MAX - 1);
		ok = 0;
	}
	*lp = l;
	/* as the file has it, also empty: an export imports back unchanged */
	*source = col[COL_SOURCE] >= 0 ? f[col[COL_SOURCE]] : "import";
	return (ok);
}

/*
 * do_import - the transaction: check and write every line, from the
 * start of the file (it runs again when the map had to grow). 0 commit,
 * -1 database error, -2 bad lines (abandon)
 */
static int
do_import(struct store_txn *tx, void *arg)
{
	struct import *im = arg;
	const struct conf_list *l;
	struct consent_rec rec;
	struct change ch;
	char *f[MAX_FIELDS], err[512], a[ADDR_BUFSIZE], ev[STORE_EVIDENCE_MAX];
	char base[ADDR_BUFSIZE];
	const char *source;
	size_t nf;
	uint64_t seq;
	int rc, rc2, line;

	im->n = 0;
	im->kept = 0;
	im->err_lines = 0;
	if (feed_rewind(&im->feed) < 0) {
		bad_line(im, 1, "cannot read from the start: %s",
		    strerror(errno));
		return (-2);
	}
	if (header(im) < 0)
		return (-2);

	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_IMPORT;
	ch.time = (int64_t)time(NULL);
	ch.source = "import";
	(void)snprintf(ev, sizeof(ev), "file=%s", im->file);
	ch.evidence = ev;
	if (store_history_note(tx, &ch, "import", &seq) < 0)
		return (-1);
	(void)snprintf(ev, sizeof(ev), "import #%llu", (unsigned long long)seq);

	while ((rc = feed_next(&im->feed, f, &nf, &line, err,
	    sizeof(err))) == 1 || rc == -2) {
		if (rc == -2) {
			bad_line(im, line, "%s", err);
			continue;
		}
		if (!row(im, f, nf, line, a, sizeof(a), &l, &rec, &source) ||
		    im->err_lines > 0)
			continue;	/* after a bad line: check, write nothing */
		ch.source = source;
		/*
		 * a person's opt-out outlives an older or undated line, also
		 * one for a tagged spelling of the address that opted out;
		 * their unsubscribe-all, an undated opt-in
		 */
		switch ((rc2 = store_merge_consent(tx, a,
		    im->c->conf->recipient_delimiter, l->name, &rec, &ch, base,
		    sizeof(base)))) {
		case 0:
			im->n++;
			break;
		case 1:
		case 2:
			if (im->kept < MAX_KEPT_SHOWN) {
				im->shown[im->kept].all = rc2 == 2;
				im->shown[im->kept].line = line;
				(void)strlcpy(im->shown[im->kept].addr, a,
				    sizeof(im->shown[im->kept].addr));
				(void)strlcpy(im->shown[im->kept].by, base,
				    sizeof(im->shown[im->kept].by));
				(void)strlcpy(im->shown[im->kept].list, l->name,
				    sizeof(im->shown[im->kept].list));
			}
			im->kept++;
			break;
		default:
			return (-1);
		}
	}
	if (rc < 0)
		bad_line(im, line, "%s", err);
	return (im->err_lines > 0 ? -2 : 0);
}

/*
 * reserve - a large file: grow the map before the transaction, so that it
 * does not fill the map half-way and run again from the start
 */
static void
reserve(struct store *st, FILE *fp)
{
	struct stat sb;
	uint64_t need;

	if (fstat(fileno(fp), &sb) < 0 || !S_ISREG(sb.st_mode))
		return;
	/* smaller, or when it cannot grow now, the map grows when full */
	need = (uint64_t)sb.st_size * RESERVE_FACTOR;
	if (need >= RESERVE_MIN)
		(void)store_reserve(st, need);
}

/* spool - standard input into an unlinked temporary file */
static FILE *
spool(void)
{
	char buf[65536];
	FILE *fp;
	size_t n;

	if ((fp = tmpfile()) == NULL)
		return (NULL);
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (fwrite(buf, 1, n, fp) != n)
			goto fail;
	if (ferror(stdin) || fflush(fp) != 0)
		goto fail;
	return (fp);
fail:
	(void)fclose(fp);
	return (NULL);
}

int
verb_import(struct ctl *c, int argc, char **argv)
{
	struct import im;
	const char *pos[1];
	char err[512];
	int ret, rc;

	if (ctl_args("import", argc, argv, NULL, pos, 1) != 1) {
		ctl_err("usage: import FILE.csv");
		return (EX_USAGE);
	}
	memset(&im, 0, sizeof(im));
	im.c = c;
	im.file = pos[0];
	im.now = (int64_t)time(NULL);
	im.feed.fp = strcmp(im.file, "-") == 0 ? spool() : fopen(im.file, "r");
	if (im.feed.fp == NULL) {
		ctl_err("%s: %s", im.file, strerror(errno));
		/* standard input that could not be copied (a full disk) */
		return (strcmp(im.file, "-") == 0 ? EX_IOERR : EX_NOINPUT);
	}
	if ((im.feed.win = malloc(WINDOW)) == NULL) {
		(void)fclose(im.feed.fp);
		ctl_err("out of memory");
		return (EX_OSERR);
	}
	im.feed.cap = WINDOW;
	if ((ret = ctl_open_store(c, 0)) != 0)
		goto out;
	reserve(c->st, im.feed.fp);
	rc = store_write(c->st, do_import, &im, err, sizeof(err));
	if (rc == -1) {
		ctl_err("database: %s", err);
		ret = EX_TEMPFAIL;
	} else if (rc == -2 || im.err_lines > 0) {
		if (im.err_lines > MAX_REPORTED)
			(void)fprintf(stderr, "%s: %d more bad lines not shown\n",
			    im.file, im.err_lines - MAX_REPORTED);
		(void)fprintf(stderr, "optinctl: import: %s: %d bad line%s; "
		    "nothing imported\n", im.file, im.err_lines,
		    im.err_lines == 1 ? "" : "s");
		ret = EX_DATAERR;
	} else {
		(void)printf("imported %zu records from %s\n", im.n, im.file);
		told_kept(&im);
		ret = 0;
	}
out:
	if (im.feed.have)
		csv_free(&im.feed.r);
	free(im.feed.win);
	(void)fclose(im.feed.fp);
	return (ret);
}
