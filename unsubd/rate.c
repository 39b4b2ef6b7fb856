/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rate.c - a request rate limit per client address; see rate.h
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rate.h"

#define RATE_KEY_MAX	64
#define RATE_PROBE	8

struct rate_slot {
	char	key[RATE_KEY_MAX];
	int64_t	start;		/* the window's beginning */
	long long count;
};

struct rate {
	pthread_mutex_t lock;
	struct rate_slot *slot;
	size_t	n;
};

struct rate *
rate_new(size_t slots)
{
	struct rate *r;

	if (slots == 0 || (r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	if ((r->slot = calloc(slots, sizeof(*r->slot))) == NULL) {
		free(r);
		return (NULL);
	}
	r->n = slots;
	(void)pthread_mutex_init(&r->lock, NULL);
	return (r);
}

void
rate_free(struct rate *r)
{
	if (r == NULL)
		return;
	(void)pthread_mutex_destroy(&r->lock);
	free(r->slot);
	free(r);
}

/* hash - FNV-1a of KEY */
static uint64_t
hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return (h);
}

int
rate_take(struct rate *r, const char *key, int64_t now, long long limit,
    int64_t window)
{
	struct rate_slot *s = NULL, *oldest = NULL;
	size_t i, at;
	int ok;

	if (strlen(key) >= RATE_KEY_MAX)
		key += strlen(key) - (RATE_KEY_MAX - 1);	/* the tail */
	(void)pthread_mutex_lock(&r->lock);
	at = (size_t)(hash(key) % r->n);
	for (i = 0; i < RATE_PROBE && i < r->n; i++) {
		struct rate_slot *c = &r->slot[(at + i) % r->n];

		if (c->key[0] != '\0' && strcmp(c->key, key) == 0) {
			s = c;
			break;
		}
		if (oldest == NULL || c->key[0] == '\0' ||
		    (oldest->key[0] != '\0' && c->start < oldest->start))
			oldest = c;
	}
	if (s == NULL) {
		s = oldest;
		memset(s, 0, sizeof(*s));
		(void)strlcpy(s->key, key, sizeof(s->key));
		s->start = now;
	}
	if (now - s->start >= window || now < s->start) {
		s->start = now;
		s->count = 0;
	}
	ok = s->count < limit;
	if (ok)
		s->count++;
	(void)pthread_mutex_unlock(&r->lock);
	return (ok);
}
