/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_priv.h - what the store*.c files share (nothing outside them)
 *
 * DESCRIPTION
 *	The handles behind the opaque struct store and struct store_txn,
 *	and the helpers the record, erasure and iteration files use. Only
 *	the store*.c files include this header and lmdb.h.
 */
#ifndef OPTIN_STORE_PRIV_H
#define OPTIN_STORE_PRIV_H

#include <pthread.h>

#include <lmdb.h>

#include "record.h"
#include "store.h"

struct store {
	MDB_env	*env;
	MDB_dbi	consent, supp, history, meta;
	int	rdonly;
	pthread_rwlock_t resize;
};

struct store_txn {
	struct store *st;
	MDB_txn	*txn;
	int	mapfull;
	char	err[256];
};

/* the record codec (record.c) sees bytes, not MDB_val */
#define decode_consent(v, r) rec_decode_consent((v)->mv_data, (v)->mv_size, (r))
#define decode_supp(v, r) rec_decode_supp((v)->mv_data, (v)->mv_size, (r))
#define decode_history(k, v, r) rec_decode_history((k)->mv_data, (k)->mv_size, \
	(v)->mv_data, (v)->mv_size, (r))

/* store_txerr - record why an operation failed; returns -1 */
int	store_txerr(struct store_txn *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* store_mdberr - record an LMDB failure, noting a full map; returns -1 */
int	store_mdberr(struct store_txn *, const char *what, int rc);
/* store_consent_key - "addr\0list" into BUF; -1 when it does not fit */
int	store_consent_key(const char *addr, const char *list, char *buf,
	    size_t len, MDB_val *);
/* store_history_append - one record at the end of the history */
int	store_history_append(struct store_txn *, const struct change *,
	    const char *addr, const char *list, const char *old_state,
	    const char *new_state);
/* store_supp_write - a suppression record itself, without history */
int	store_supp_write(struct store_txn *, const char *addr,
	    const struct supp_rec *, const struct change *);
/* store_check_text - source and evidence fit their fields */
int	store_check_text(struct store_txn *, const struct change *);

#endif
