/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mono.c - timed waits on the monotonic clock (see mono.h)
 */
#include "config.h"

#include <pthread.h>
#include <time.h>

#include "mono.h"

time_t
mono_sec(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

void
mono_after(struct timespec *ts, long long ns)
{
	(void)clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ns / 1000000000LL);
	ts->tv_nsec += (long)(ns % 1000000000LL);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int
mono_wait(pthread_cond_t *cond, pthread_mutex_t *mu, const struct timespec *ts)
{
	return (pthread_cond_clockwait(cond, mu, CLOCK_MONOTONIC, ts));
}
