/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logreport.h - the postmaster's report: what optin-milter, optin-unsubd,
 * optin-feedback and Postfix logged, per list and per day
 *
 * DESCRIPTION
 *	logrep_line() takes one syslog line (buffer and length, no NUL
 *	needed) at a time and adds it to the counts; lines of other
 *	programs are skipped. The output functions print the counts as
 *	text, JSON or one self-contained HTML page.
 */
#ifndef OPTIN_LOGREPORT_H
#define OPTIN_LOGREPORT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "conf.h"

#define LOGREP_DAY	11		/* "YYYY-MM-DD" or "-" */

enum logrep_count {
	LR_MESSAGES,		/* list messages (summary lines) */
	LR_DELIVERED,		/* recipients delivered */
	LR_STRIPPED,		/* removed at the end of the message */
	LR_REJECTED,		/* refused (RCPT or whole message) */
	LR_TEMPFAIL,		/* tempfailed (database) */
	LR_UNSUB_ONECLICK,	/* POST /u/ */
	LR_UNSUB_PREFS,		/* the preference page ("*": from all) */
	LR_UNSUB_MAILTO,	/* the mailto request */
	LR_BOUNCES,		/* Postfix status=bounced, bounce reports */
	LR_COMPLAINTS,		/* abuse reports (ARF) */
	LR_NCOUNTS
};

/* one list on one day */
struct logrep_cell {
	char	list[CONF_NAME_MAX + 1];
	char	day[LOGREP_DAY];
	unsigned long n[LR_NCOUNTS];
};

/* why recipients of a list were not delivered */
struct logrep_reason {
	char	list[CONF_NAME_MAX + 1];
	char	reason[40];
	unsigned long n;
};

struct logrep;

/* logrep_new - empty counts; NOW decides the year of "Mmm dd" stamps */
struct logrep *logrep_new(time_t now);
void	logrep_free(struct logrep *);

/* logrep_line - count one line of LEN octets (no newline); never fails */
void	logrep_line(struct logrep *, const char *line, size_t len);

/* logrep_feed - split BUF into lines, keeping a partial last line; 0/-1 */
int	logrep_feed(struct logrep *, const char *buf, size_t len);
/* logrep_finish - count a last line without a newline */
void	logrep_finish(struct logrep *);

/* logrep_sort - cells by list (configured lists first), then day */
void	logrep_sort(struct logrep *, const struct conf *);

/* the counts; valid until logrep_free */
const struct logrep_cell *logrep_cells(const struct logrep *, size_t *n);
const struct logrep_reason *logrep_reasons(const struct logrep *, size_t *n);
unsigned long logrep_lines(const struct logrep *, unsigned long *used);

const char *logrep_count_name(int);

/* output: 0, or -1 when the stream failed */
int	logrep_print_text(FILE *, const struct logrep *, const struct conf *);
int	logrep_print_json(FILE *, const struct logrep *, const struct conf *);
int	logrep_print_html(FILE *, const struct logrep *, const struct conf *);

#endif
