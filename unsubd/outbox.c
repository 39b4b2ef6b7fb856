/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outbox.c - confirmation messages sent by a thread of their own; see
 * outbox.h
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "addr.h"
#include "mailsend.h"
#include "mono.h"
#include "outbox.h"
#include "unsubd.h"

#define OUTBOX_DRAIN_S	5	/* outbox_stop() sends for this long at most */

struct mail {
	struct mail *next;
	char	sendmail[PATH_MAX];
	char	from[ADDR_BUFSIZE];
	char	rcpt[ADDR_BUFSIZE];
	size_t	len;
	char	msg[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t more = PTHREAD_COND_INITIALIZER;
static pthread_t sender;
static struct mail *head, *tail;
static size_t queued;
static int running, stopping;
static time_t stop_by;

static void *
send_loop(void *arg)
{
	struct mail *m;
	char err[256];

	(void)arg;
	(void)pthread_mutex_lock(&lock);
	for (;;) {
		while (head == NULL && !stopping)
			(void)pthread_cond_wait(&more, &lock);
		if (head == NULL || (stopping && mono_sec() > stop_by))
			break;
		m = head;
		if ((head = m->next) == NULL)
			tail = NULL;
		queued--;
		(void)pthread_mutex_unlock(&lock);
		if (mail_send(m->sendmail, m->from, m->rcpt, m->msg, m->len,
		    err, sizeof(err)) < 0)
			ulog(LOG_ERR, "confirmation to <%s> not sent: %s",
			    m->rcpt, err);
		else
			ulog(LOG_INFO, "confirmation to <%s> handed to %s",
			    m->rcpt, m->sendmail);
		free(m);
		(void)pthread_mutex_lock(&lock);
	}
	while ((m = head) != NULL) {
		head = m->next;
		ulog(LOG_WARNING, "confirmation to <%s> dropped at stop",
		    m->rcpt);
		free(m);
	}
	tail = NULL;
	queued = 0;
	(void)pthread_mutex_unlock(&lock);
	return (NULL);
}

int
outbox_start(void)
{
	if (pthread_create(&sender, NULL, send_loop, NULL) != 0)
		return (-1);
	running = 1;
	return (0);
}

int
outbox_put(const char *sendmail, const char *from, const char *rcpt,
    const char *msg, size_t len)
{
	struct mail *m;

	if ((m = malloc(sizeof(*m) + len)) == NULL)
		return (-1);
	m->next = NULL;
	if (strlcpy(m->sendmail, sendmail, sizeof(m->sendmail)) >=
	    sizeof(m->sendmail) || strlcpy(m->from, from, sizeof(m->from)) >=
	    sizeof(m->from) || strlcpy(m->rcpt, rcpt, sizeof(m->rcpt)) >=
	    sizeof(m->rcpt)) {
		free(m);
		return (-1);
	}
	memcpy(m->msg, msg, len);
	m->len = len;
	(void)pthread_mutex_lock(&lock);
	if (!running || stopping || queued >= OUTBOX_MAX) {
		(void)pthread_mutex_unlock(&lock);
		free(m);
		return (-1);
	}
	if (tail != NULL)
		tail->next = m;
	else
		head = m;
	tail = m;
	queued++;
	(void)pthread_cond_signal(&more);
	(void)pthread_mutex_unlock(&lock);
	return (0);
}

void
outbox_stop(void)
{
	if (!running)
		return;
	(void)pthread_mutex_lock(&lock);
	stopping = 1;
	stop_by = mono_sec() + OUTBOX_DRAIN_S;
	(void)pthread_cond_signal(&more);
	(void)pthread_mutex_unlock(&lock);
	(void)pthread_join(sender, NULL);
	running = 0;
}
