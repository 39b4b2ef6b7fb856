/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * state.h - what a daemon serves with: the configuration and keys in
 * force, and the database
 *
 * SYNOPSIS
 *	#include "state.h"
 *
 *	rt = state_init(path, STATE_FIXED_SOCKET, err, sizeof(err));
 *	...daemonize, bind, drop privileges...
 *	state_open_store();
 *
 *	struct store *st;
 *	struct runtime *rt = state_get(&st);	(any thread)
 *	...
 *	state_put(rt);
 *
 *	state_reload();				(the signal thread)
 *	state_drain(10);  state_free();		(at exit)
 *
 * DESCRIPTION
 *	One mechanism for optin-milter and optin-unsubd. The configuration
 *	path is made absolute at start, so that a relative -c still names
 *	the file after daemon(3) changed to /. The secret file is opened
 *	at start, before privileges are dropped, and kept open: a reload
 *	as the unprivileged user that may not open it by name reads the
 *	kept descriptor instead (the same file, edited in place).
 *
 *	A runtime is reference counted: state_reload() swaps in a new one
 *	and the old one is freed by whoever puts the last reference, so a
 *	reload never frees what another thread still uses.
 *
 *	The database handle (store.h, STORE_LAZY) lives from
 *	state_open_store() to state_free(): it opens the database when it
 *	can, notices damage, replacement and removal, reopens by itself,
 *	and its changes of state are logged here. state_get() never gives
 *	NULL for the store once it is open.
 */
#ifndef OPTIN_STATE_H
#define OPTIN_STATE_H

#include <stddef.h>

#include "daemon.h"
#include "store.h"

/* what changes only with a restart, besides database and user */
#define STATE_FIXED_SOCKET	0x01
#define STATE_FIXED_LISTEN	0x02
/* the database's failures are logged with what list mail gets meanwhile */
#define STATE_ON_ERROR		0x04

/*
 * state_init - load PATH (made absolute) and its secret file; the first
 * runtime, or NULL with ERR. The returned runtime is the one in force;
 * the caller does not free it (state_free() does).
 */
struct runtime *state_init(const char *path, int fixed, char *err,
	    size_t errlen);

/* state_path - the absolute path of the configuration file */
const char *state_path(void);

/* state_open_store - make the database handle; logs what it finds */
int	state_open_store(void);

/* state_get - the runtime in force, referenced; *ST the database */
struct runtime *state_get(struct store **st);
/* state_put - drop a reference taken with state_get() */
void	state_put(struct runtime *);

/* state_reload - load the file again and swap it in; 0, or -1 (logged) */
int	state_reload(void);

/*
 * state_drain - wait up to SECONDS until no runtime is referenced but
 * the one in force, and that one only by the state itself; 0 when
 * drained, -1 when time ran out (then nothing may be freed)
 */
int	state_drain(int seconds);

/* state_free - close the database and free the runtime (after drain) */
void	state_free(void);

#endif
