/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * guard.h - a total deadline per request and a limit per client address
 * for optin-unsubd's connections; see guard.c
 */
#ifndef OPTIN_GUARD_H
#define OPTIN_GUARD_H

#include <sys/socket.h>

#include <stddef.h>

#define GUARD_PER_ADDRESS	64	/* connections of an untrusted address */

struct guard_slot;

/*
 * guard_init - watch at most MAX connections; a request not complete
 * DEADLINE_MS after its connection began waiting for it is cut off.
 * TRUSTED(ip) says whether an address is a proxy's (no per-address
 * limit). 0 / -1.
 */
int	guard_init(size_t max, unsigned deadline_ms, int (*trusted)(const char *))
	    __attribute__((warn_unused_result));
void	guard_stop(void);

/* guard_accept - 1 when a connection from SA may be taken, else 0 */
int	guard_accept(const struct sockaddr *sa, socklen_t len);
/* guard_open - watch connection FD from SA; NULL: refused (shut down) */
struct guard_slot *guard_open(int fd, const struct sockaddr *sa, socklen_t len);
/* guard_close - the connection ended; the slot is free (NULL: no-op) */
void	guard_close(struct guard_slot *);
/* guard_busy - 1: the request is complete and being answered; 0: answered */
void	guard_busy(struct guard_slot *, int busy);
/* guard_cut_count - connections cut off at their deadline so far */
unsigned long guard_cut_count(void);

#endif
