/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logbuf.c - log lines gathered per message, written with one system call
 *
 * SYNOPSIS
 *	#include "logbuf.h"
 *
 *	struct logbuf lb = { 0 };
 *	logbuf_add(&lb, "%s: list=%s ...", qid, ...);	(as often as needed)
 *	logbuf_flush(&lb);				(one write)
 *	logbuf_free(&lb);
 *
 * DESCRIPTION
 *	A milter serving many connections from one process logs several
 *	lines per message. Written one by one, each line costs a getpid(),
 *	a write or send, and (on standard error) the stdio lock every
 *	thread contends for. Here a message's lines are formatted into a
 *	buffer of its own, without locks, and written at the end of the
 *	message: one writev() on standard error ("ident[pid]: line", the
 *	same text as dlog()), or one sendmmsg() of one datagram per line
 *	to syslog's /dev/log, formatted as syslog(3) formats them
 *	("<pri>Mmm dd hh:mm:ss ident[pid]: line"), so the log reads as it
 *	did. The pid is read once and again after fork().
 *
 * DIAGNOSTICS
 *	Logging never fails its caller: a line that cannot be formatted for
 *	lack of memory is dropped, and when /dev/log cannot be reached the
 *	lines go through syslog(3) one by one.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "logbuf.h"

#define BATCH	256		/* lines per system call */

static const char *lb_ident = "optin";
static int lb_stderr;
static pid_t lb_pid;
static int lb_fd = -1;
static pthread_mutex_t lb_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t lb_once = PTHREAD_ONCE_INIT;

static void
child(void)
{
	lb_pid = getpid();
}

static void
once(void)
{
	(void)pthread_atfork(NULL, NULL, child);
}

void
logbuf_init(const char *ident, int to_stderr)
{
	(void)pthread_once(&lb_once, once);
	lb_ident = ident;
	lb_stderr = to_stderr;
	lb_pid = getpid();
}

pid_t
logbuf_pid(void)
{
	return (lb_pid != 0 ? lb_pid : getpid());
}

/* lb_room - room for N more octets and the newline in LB; 0 / -1 */
static int
lb_room(struct logbuf *lb, size_t n)
{
	size_t cap;
	char *p;

	if (n + 2 <= lb->cap - lb->len)
		return (0);
	cap = lb->cap ? lb->cap : 1024;
	while (cap < lb->len + n + 2)
		cap *= 2;
	if ((p = realloc(lb->p, cap)) == NULL)
		return (-1);
	lb->p = p;
	lb->cap = cap;
	return (0);
}

/* lb_end - end the N octets written at the end of LB as one line */
static void
lb_end(struct logbuf *lb, size_t n)
{
	char *p, *e = lb->p + lb->len + n;

	/* a line is one line: no newline inside it */
	for (p = lb->p + lb->len; (p = memchr(p, '\n', (size_t)(e - p))); )
		*p = ' ';
	for (p = lb->p + lb->len; (p = memchr(p, '\r', (size_t)(e - p))); )
		*p = ' ';
	lb->len += n;
	lb->p[lb->len++] = '\n';
	lb->lines++;
}

void
logbuf_add(struct logbuf *lb, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	for (;;) {
		room = lb->cap - lb->len;
		va_start(ap, fmt);
		n = room > 0 ? vsnprintf(lb->p + lb->len, room, fmt, ap) :
		    vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n + 2 <= room)
			break;
		if (lb_room(lb, (size_t)n) < 0)
			return;
	}
	lb_end(lb, (size_t)n);
}

void
logbuf_add_tagged(struct logbuf *lb, const char *tag, const char *line)
{
	size_t t = strlen(tag), n = strlen(line);

	if (lb_room(lb, t + 2 + n) < 0)
		return;
	memcpy(lb->p + lb->len, tag, t);
	memcpy(lb->p + lb->len + t, ": ", 2);
	memcpy(lb->p + lb->len + t + 2, line, n);
	lb_end(lb, t + 2 + n);
}

/* lb_connect - the datagram socket to /dev/log; fd or -1; under lb_lock */
static int
lb_connect(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)strlcpy(sun.sun_path, "/dev/log", sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		(void)close(fd);
		return (-1);
	}
	return (fd);
}

/* to_syslog - one datagram per line through our socket; 0 / -1 */
static int
to_syslog(char **line, size_t *len, size_t n)
{
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH][2];
	char head[128];
	struct tm tm;
	time_t now = time(NULL);
	size_t i, hl, sent = 0;
	int fd, r, tries;

	if (localtime_r(&now, &tm) == NULL)
		return (-1);
	hl = (size_t)snprintf(head, sizeof(head), "<%d>", LOG_MAIL | LOG_INFO);
	hl += strftime(head + hl, sizeof(head) - hl, "%b %e %H:%M:%S ", &tm);
	r = snprintf(head + hl, sizeof(head) - hl, "%s[%ld]: ", lb_ident,
	    (long)logbuf_pid());
	if (r < 0 || (size_t)r >= sizeof(head) - hl)
		return (-1);
	hl += (size_t)r;
	memset(mm, 0, sizeof(mm[0]) * n);
	for (i = 0; i < n; i++) {
		iov[i][0].iov_base = head;
		iov[i][0].iov_len = hl;
		iov[i][1].iov_base = line[i];
		iov[i][1].iov_len = len[i] - 1;		/* no newline */
		mm[i].msg_hdr.msg_iov = iov[i];
		mm[i].msg_hdr.msg_iovlen = 2;
	}
	for (tries = 0; tries < 2 && sent < n; ) {
		(void)pthread_mutex_lock(&lb_lock);
		if (lb_fd < 0)
			lb_fd = lb_connect();
		fd = lb_fd;
		(void)pthread_mutex_unlock(&lb_lock);
		if (fd < 0)
			return (-1);
		r = sendmmsg(fd, mm + sent, (unsigned)(n - sent), 0);
		if (r > 0) {
			sent += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		/* syslogd restarted or went away: reconnect once */
		(void)pthread_mutex_lock(&lb_lock);
		if (lb_fd == fd) {
			(void)close(lb_fd);
			lb_fd = -1;
		}
		(void)pthread_mutex_unlock(&lb_lock);
		tries++;
	}
	return (sent == n ? 0 : -1);
}

/* to_stderr - "ident[pid]: line" for every line, one writev() */
static void
to_stderr(char **line, size_t *len, size_t n)
{
	struct iovec iov[BATCH * 2];
	char head[128];
	size_t i, skip, total = 0;
	ssize_t w;
	int hl;

	hl = snprintf(head, sizeof(head), "%s[%ld]: ", lb_ident,
	    (long)logbuf_pid());
	if (hl < 0 || (size_t)hl >= sizeof(head))
		return;
	for (i = 0; i < n; i++) {
		iov[2 * i].iov_base = head;
		iov[2 * i].iov_len = (size_t)hl;
		iov[2 * i + 1].iov_base = line[i];
		iov[2 * i + 1].iov_len = len[i];
		total += (size_t)hl + len[i];
	}
	/* a short write (rare) is finished piece by piece */
	if ((w = writev(STDERR_FILENO, iov, (int)(2 * n))) < 0 ||
	    (size_t)w == total)
		return;
	skip = (size_t)w;
	for (i = 0; i < 2 * n; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		if (write(STDERR_FILENO, (char *)iov[i].iov_base + skip,
		    iov[i].iov_len - skip) < 0)
			return;
		skip = 0;
	}
}

void
logbuf_flush(struct logbuf *lb)
{
	char *line[BATCH], *p, *end, *nl;
	size_t len[BATCH], n, i;

	if (lb == NULL || lb->len == 0)
		return;
	p = lb->p;
	end = lb->p + lb->len;
	while (p < end) {
		for (n = 0; n < BATCH && p < end; n++) {
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				nl = end - 1;
			line[n] = p;
			len[n] = (size_t)(nl - p) + 1;
			p = nl + 1;
		}
		if (lb_stderr)
			to_stderr(line, len, n);
		else if (to_syslog(line, len, n) < 0)
			for (i = 0; i < n; i++)
				syslog(LOG_INFO, "%.*s", (int)(len[i] - 1),
				    line[i]);
	}
	lb->len = 0;
	lb->lines = 0;
}

void
logbuf_free(struct logbuf *lb)
{
	if (lb == NULL)
		return;
	free(lb->p);
	lb->p = NULL;
	lb->len = lb->cap = lb->lines = 0;
}
