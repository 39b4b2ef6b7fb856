/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rate.h - a request rate limit per client address, in memory
 *
 * DESCRIPTION
 *	rate_take() counts a request of KEY (a client address) in fixed
 *	windows of WINDOW seconds and says whether it is within LIMIT. The
 *	table has a fixed number of slots: when it is full, the slot whose
 *	window began longest ago is taken over. Thread-safe.
 */
#ifndef OPTIN_RATE_H
#define OPTIN_RATE_H

#include <stddef.h>
#include <stdint.h>

struct rate;

/* rate_new - a table of SLOTS entries; NULL when out of memory */
struct rate *rate_new(size_t slots);
void	rate_free(struct rate *);
/* rate_take - 1: counted and within LIMIT; 0: over it (not counted) */
int	rate_take(struct rate *, const char *key, int64_t now, long long limit,
	    int64_t window);

#endif
