/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logbuf.h - a daemon's log lines gathered per message and written with
 * one system call
 */
#ifndef OPTIN_LOGBUF_H
#define OPTIN_LOGBUF_H

#include <stddef.h>
#include <sys/types.h>

/* the lines of one message, each ending in '\n'; zero it to start */
struct logbuf {
	char	*p;
	size_t	len, cap;
	size_t	lines;
};

/*
 * logbuf_init - where the lines go: standard error (TO_STDERR), else
 * syslog facility mail as IDENT[pid]. dlog_init() calls it.
 */
void	logbuf_init(const char *ident, int to_stderr);

/* logbuf_pid - the process id, kept across fork(); no system call */
pid_t	logbuf_pid(void);

/* logbuf_add - format one line into LB (dropped when memory runs out) */
void	logbuf_add(struct logbuf *lb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* logbuf_add_tagged - the line "TAG: LINE" into LB, without formatting */
void	logbuf_add_tagged(struct logbuf *lb, const char *tag,
	    const char *line);

/*
 * logbuf_flush - write LB's lines at priority info with one writev()
 * (standard error) or one sendmmsg() (syslog), at most 256 lines per
 * call, and empty LB. When the log socket fails, syslog(3) takes over.
 */
void	logbuf_flush(struct logbuf *lb);

/* logbuf_free - release LB's memory (NULL and empty are fine) */
void	logbuf_free(struct logbuf *lb);

#endif
