/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * clockstep.so - a stand-in for a step of the wall clock, loaded with
 * LD_PRELOAD into a daemon under test: clock_gettime(CLOCK_REALTIME)
 * reads CLOCKSTEP_S seconds (default 3600) ahead of the kernel's clock.
 * A deadline computed from such a reading and handed to the kernel (a
 * pthread_cond_timedwait()) ends that much later, as it would if the
 * clock were stepped back by that much right after the reading. The
 * real clock of the machine is not stepped: that would disturb
 * everything else that runs on it. Nothing else changes.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	const char *s;
	long r;

	if ((r = syscall(SYS_clock_gettime, id, ts)) != 0)
		return ((int)r);
	if (id == CLOCK_REALTIME)
		ts->tv_sec += (s = getenv("CLOCKSTEP_S")) != NULL ?
		    strtol(s, NULL, 10) : 3600;
	return (0);
}
