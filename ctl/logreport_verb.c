/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logreport_verb.c - optinctl report: read the logs, print the report
 *
 * SYNOPSIS
 *	optinctl report [--json] [--html FILE] [LOGFILE...]
 *
 * DESCRIPTION
 *	Reads each LOGFILE (plain or gzip'd, as zlib's gzread tells them
 *	apart), or standard input without one or for "-", counts with
 *	logreport.c and prints with logreport_out.c: text, or JSON with
 *	--json; --html FILE also writes the page (a new file of its own
 *	next to FILE, renamed over it).
 *
 * DIAGNOSTICS
 *	Exit 0; 64 usage; 65 a damaged gzip file; 66 a log file cannot be
 *	read; 73 FILE cannot be written.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "ctl.h"
#include "logreport.h"

/* ---------------------------------------------------------- the verb */

/* read_log - FILE ("-": standard input), plain or gzip'd; 0 or EX_NOINPUT */
static int
read_log(struct logrep *r, const char *file)
{
	char buf[65536];
	gzFile gz;
	int n, fd, err = Z_OK;

	if (strcmp(file, "-") == 0) {
		if ((fd = dup(STDIN_FILENO)) < 0 ||
		    (gz = gzdopen(fd, "rb")) == NULL) {
			ctl_err("report: standard input: %s", strerror(errno));
			return (EX_NOINPUT);
		}
	} else if ((gz = gzopen(file, "rb")) == NULL) {
		ctl_err("report: %s: %s", file, strerror(errno));
		return (EX_NOINPUT);
	}
	while ((n = gzread(gz, buf, sizeof(buf))) > 0)
		(void)logrep_feed(r, buf, (size_t)n);
	logrep_finish(r);
	/* a gzip stream cut short ends like a file: gzerror() says so */
	if (n == 0)
		(void)gzerror(gz, &err);
	if (n == 0 && err == Z_BUF_ERROR) {
		ctl_err("report: %s: the gzip stream is cut short", file);
		(void)gzclose(gz);
		return (EX_DATAERR);
	}
	if (n < 0) {
		int e;
		const char *m = gzerror(gz, &e);

		ctl_err("report: %s: %s", file, e == Z_ERRNO ?
		    strerror(errno) : m);
		(void)gzclose(gz);
		return (EX_DATAERR);
	}
	(void)gzclose(gz);
	return (0);
}

struct page {
	const struct logrep *r;
	const struct conf *c;
};

static int
write_page(FILE *fp, void *arg)
{
	const struct page *p = arg;

	return (logrep_print_html(fp, p->r, p->c));
}

/*
 * write_html - FILE made anew (ctl_replace_file(): never through a link
 * left at FILE.tmp, as it once was); 0, or an exit status
 */
static int
write_html(const char *file, const struct logrep *r, const struct conf *c)
{
	struct page p = { r, c };

	return (ctl_replace_file("report", file, write_page, &p));
}

#define REPORT_MAX_FILES 256

int
verb_report(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
		{ "json", 0, NULL },
		{ "html", 1, NULL },
		{ NULL, 0, NULL }
	};
	const char *pos[REPORT_MAX_FILES];
	struct logrep *r;
	int np, i, rc = 0;

	if ((np = ctl_args("report", argc, argv, opts, pos,
	    REPORT_MAX_FILES)) < 0) {
		ctl_err("usage: report [--json] [--html FILE] [LOGFILE...]");
		return (EX_USAGE);
	}
	if ((r = logrep_new(time(NULL))) == NULL) {
		ctl_err("out of memory");
		return (EX_OSERR);
	}
	if (np == 0)
		rc = read_log(r, "-");
	for (i = 0; i < np && rc == 0; i++)
		rc = read_log(r, pos[i]);
	if (rc != 0) {
		logrep_free(r);
		return (rc);
	}
	logrep_sort(r, c->conf);
	if (opts[1].value != NULL && (rc = write_html(opts[1].value, r,
	    c->conf)) != 0) {
		logrep_free(r);
		return (rc);
	}
	if (opts[0].value != NULL)
		(void)logrep_print_json(stdout, r, c->conf);
	else
		(void)logrep_print_text(stdout, r, c->conf);
	logrep_free(r);
	return (0);
}
