/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guard.c - optin-unsubd's connections: a total deadline per request and
 * a limit per client address
 *
 * SYNOPSIS
 *	guard_init(max, deadline_ms, trusted);
 *	MHD_OPTION_NOTIFY_CONNECTION, guard_notify, NULL,
 *	MHD_OPTION_APPLY_ACCEPT_POLICY ..., guard_accept(addr, len)
 *	guard_busy(ctx, 1) when a request is complete, 0 when answered
 *	guard_stop();
 *
 * DESCRIPTION
 *	libmicrohttpd's own timeout is one of inactivity: a client that
 *	sends one header byte now and then keeps its connection, and its
 *	place, for ever. The guard keeps the time each connection started
 *	waiting for a request (its accept, or the end of the previous
 *	answer) and a thread of its own shuts down, with shutdown(2), every
 *	connection whose request, headers and body, is not complete within
 *	the deadline. libmicrohttpd then sees the end of the stream in its
 *	own thread and frees the connection as usual. A connection whose
 *	request is being answered is left alone.
 *
 *	Behind a reverse proxy every client has the proxy's address, so a
 *	limit per address would let a few slow clients lock out everyone.
 *	Addresses the TRUSTED function names (trusted-proxy) have none
 *	beyond the total; every other address may hold at most
 *	GUARD_PER_ADDRESS connections, an IPv6 /64 counting as one
 *	address (client_key()).
 *
 *	A connection is only ever shut down while the guard's lock is held
 *	and its slot is in use: libmicrohttpd reports the end of a
 *	connection (which frees the slot) before it closes the descriptor,
 *	so the guard never touches a descriptor that was reused.
 */
#include "config.h"

#include <sys/socket.h>

#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "guard.h"
#include "mono.h"

struct guard_slot {
	int	used;
	int	fd;
	int	busy;		/* a request is being answered */
	int	cut;		/* shut down already */
	int64_t	since;		/* ms: waiting for a request since */
	char	key[CLIENT_IP_MAX];	/* client_key(): what the limit counts;
					   "" for a trusted proxy */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_t watcher;
static struct guard_slot *slots;
static size_t nslots;
static int64_t deadline;
static int running;
static unsigned long ncut;
static int (*is_trusted)(const char *);

/* now_ms - a monotonic clock in milliseconds */
static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* numeric - the numeric host of SA into HOST; 0 / -1 */
static int
numeric(const struct sockaddr *sa, socklen_t len, char *host, size_t hostlen)
{
	if (sa == NULL)
		return (-1);
	return (getnameinfo(sa, len, host, hostlen, NULL, 0, NI_NUMERICHOST)
	    == 0 ? 0 : -1);
}

static void *
watch(void *arg)
{
	struct timespec ts;
	size_t i;
	int64_t now;

	(void)arg;
	(void)pthread_mutex_lock(&lock);
	while (running) {
		now = now_ms();
		for (i = 0; i < nslots; i++) {
			struct guard_slot *s = &slots[i];

			if (s->used && !s->busy && !s->cut &&
			    now - s->since > deadline) {
				(void)shutdown(s->fd, SHUT_RDWR);
				s->cut = 1;
				ncut++;
			}
		}
		mono_after(&ts, 200 * 1000000LL);
		(void)mono_wait(&wake, &lock, &ts);
	}
	(void)pthread_mutex_unlock(&lock);
	return (NULL);
}

int
guard_init(size_t max, unsigned deadline_ms, int (*trusted)(const char *))
{
	is_trusted = trusted;
	if ((slots = calloc(max, sizeof(*slots))) == NULL)
		return (-1);
	nslots = max;
	deadline = deadline_ms;
	running = 1;
	if (pthread_create(&watcher, NULL, watch, NULL) != 0) {
		free(slots);
		slots = NULL;
		running = 0;
		return (-1);
	}
	return (0);
}

void
guard_stop(void)
{
	if (!running)
		return;
	(void)pthread_mutex_lock(&lock);
	running = 0;
	(void)pthread_cond_signal(&wake);
	(void)pthread_mutex_unlock(&lock);
	(void)pthread_join(watcher, NULL);
	free(slots);
	slots = NULL;
	nslots = 0;
}

/* held - the slots in use by client KEY (client_key()); under lock */
static size_t
held(const char *key)
{
	size_t i, n = 0;

	for (i = 0; i < nslots; i++)
		if (slots[i].used && strcmp(slots[i].key, key) == 0)
			n++;
	return (n);
}

/* limited - is IP (numeric) one the limit per address applies to? */
static int
limited(const char *ip)
{
	return (ip[0] != '\0' && !(is_trusted != NULL && is_trusted(ip)));
}

int
guard_accept(const struct sockaddr *sa, socklen_t len)
{
	char ip[NI_MAXHOST], key[CLIENT_IP_MAX];
	size_t n;

	if (numeric(sa, len, ip, sizeof(ip)) < 0)
		return (0);
	if (!limited(ip))
		return (1);
	client_key(ip, key);
	(void)pthread_mutex_lock(&lock);
	n = held(key);
	(void)pthread_mutex_unlock(&lock);
	return (n < GUARD_PER_ADDRESS);
}

struct guard_slot *
guard_open(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct guard_slot *s = NULL;
	char ip[NI_MAXHOST], key[CLIENT_IP_MAX];
	size_t i;
	int lim;

	if (numeric(sa, len, ip, sizeof(ip)) < 0)
		ip[0] = '\0';
	lim = limited(ip);
	/* a trusted proxy's connections count against nobody's limit,
	 * not even against the other hosts of its /64 */
	if (lim)
		client_key(ip, key);
	else
		key[0] = '\0';
	(void)pthread_mutex_lock(&lock);
	/*
	 * guard_accept() counted without holding a place, and the threads
	 * accept at once: the limit per address holds here, where counting
	 * and taking the slot are one step
	 */
	if (!lim || held(key) < GUARD_PER_ADDRESS)
		for (i = 0; i < nslots; i++)
			if (!slots[i].used) {
				s = &slots[i];
				memset(s, 0, sizeof(*s));
				s->used = 1;
				s->fd = fd;
				s->since = now_ms();
				(void)strlcpy(s->key, key, sizeof(s->key));
				break;
			}
	if (s == NULL)		/* over the limit, or more than we can watch */
		(void)shutdown(fd, SHUT_RDWR);
	(void)pthread_mutex_unlock(&lock);
	return (s);
}

void
guard_close(struct guard_slot *s)
{
	if (s == NULL)
		return;
	(void)pthread_mutex_lock(&lock);
	s->used = 0;
	(void)pthread_mutex_unlock(&lock);
}

void
guard_busy(struct guard_slot *s, int busy)
{
	if (s == NULL)
		return;
	(void)pthread_mutex_lock(&lock);
	s->busy = busy;
	if (!busy)
		s->since = now_ms();	/* the next request's clock */
	(void)pthread_mutex_unlock(&lock);
}

unsigned long
guard_cut_count(void)
{
	unsigned long n;

	(void)pthread_mutex_lock(&lock);
	n = ncut;
	(void)pthread_mutex_unlock(&lock);
	return (n);
}
