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
 *	--json; --html FILE also writes the page (FILE.tmp, renamed).
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
	int n, fd;

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

/* write_html - FILE.tmp, then rename; 0 or EX_CANTCREAT */
static int
write_html(const char *file, const struct logrep *r, const struct conf *c)
{
	char tmp[4096];
	FILE *fp;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= sizeof(tmp)) {
		ctl_err("report: %s: name too long", file);
		return (EX_USAGE);
	}
	if ((fp = fopen(tmp, "w")) == NULL) {
		ctl_err("report: %s: %s", tmp, strerror(errno));
		return (EX_CANTCREAT);
	}
	if (logrep_print_html(fp, r, c) < 0 || fclose(fp) != 0 ||
	    rename(tmp, file) < 0) {
		ctl_err("report: %s: %s", file, strerror(errno));
		(void)unlink(tmp);
		return (EX_CANTCREAT);
	}
	return (0);
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
