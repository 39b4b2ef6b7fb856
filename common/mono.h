/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mono.h - timed waits on the monotonic clock. pthread_cond_timedwait()
 * measures its deadline on the wall clock, which NTP or an administrator
 * may step: a step back of an hour during a wait of 200 ms makes it a
 * wait of an hour and 200 ms.
 */
#ifndef OPTIN_MONO_H
#define OPTIN_MONO_H

#include <pthread.h>
#include <time.h>

/* mono_sec - seconds on the monotonic clock */
time_t	mono_sec(void);

/* mono_after - in TS, the monotonic time NS nanoseconds from now */
void	mono_after(struct timespec *ts, long long ns);

/*
 * mono_wait - wait on COND (MU held) until the monotonic time TS:
 * pthread_cond_timedwait()'s results (0, ETIMEDOUT)
 */
int	mono_wait(pthread_cond_t *cond, pthread_mutex_t *mu,
	    const struct timespec *ts);

#endif
