/*
 * store.c - the consent and suppression database on LMDB
 *
 * DESCRIPTION
 *	One environment with four named databases:
 *
 *	consent		"address\0list" -> consent record
 *	suppression	"address" -> suppression record
 *	history		8-byte big-endian sequence -> history record
 *	meta		"schema", "created"
 *
 *	Records start with a version byte; integers are big-endian; strings
 *	are a 16-bit length and the bytes (record.c). This file holds the
 *	environment and the transactions; store_rec.c the single records
 *	and the history, store_erase.c erasure, store_iter.c iteration.
 *
 *	The environment is opened with MDB_NOTLS, so that a read
 *	transaction is not tied to the thread that began it. A read-write
 *	lock keeps transactions out while the map is grown: LMDB requires
 *	that no transaction of this process is open during
 *	mdb_env_set_mapsize().
 *
 * DIAGNOSTICS
 *	Every failure leaves a message naming the operation and LMDB's
 *	reason.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

#include "model.h"
#include "record.h"
#include "store.h"
#include "store_priv.h"

#define MAX_GROWTH	10
#define MAP_LIMIT	(1ULL << 40)

/* store_txerr - record why an operation failed */
int
store_txerr(struct store_txn *tx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(tx->err, sizeof(tx->err), fmt, ap);
	va_end(ap);
	return (-1);
}

/* store_mdberr - record an LMDB failure, noting a full map */
int
store_mdberr(struct store_txn *tx, const char *what, int rc)
{
	if (rc == MDB_MAP_FULL || rc == MDB_TXN_FULL)
		tx->mapfull = 1;
	return (store_txerr(tx, "%s: %s", what, mdb_strerror(rc)));
}

const char *
store_txn_error(const struct store_txn *tx)
{
	return (tx->err);
}

/* store_consent_key - "addr\0list" */
int
store_consent_key(const char *addr, const char *list, char *buf, size_t len,
    MDB_val *k)
{
	size_t a = strlen(addr), l = strlen(list);

	if (a == 0 || a + 1 + l > len || a > ADDR_MAX || l > CONF_NAME_MAX)
		return (-1);
	memcpy(buf, addr, a);
	buf[a] = '\0';
	memcpy(buf + a + 1, list, l);
	k->mv_data = buf;
	k->mv_size = a + 1 + l;
	return (0);
}

/* ---------------------------------------------------------- environment */

/* open_dbis - open (or create) the named databases */
static int
open_dbis(struct store *st, int create, char *err, size_t errlen)
{
	MDB_txn *txn;
	unsigned flags = create ? MDB_CREATE : 0;
	int rc;
	const char *which = "";

	rc = mdb_txn_begin(st->env, NULL, st->rdonly ? MDB_RDONLY : 0, &txn);
	if (rc != 0) {
		(void)snprintf(err, errlen, "begin transaction: %s",
		    mdb_strerror(rc));
		return (rc == MDB_MAP_FULL ? -2 : -1);
	}
	if ((rc = mdb_dbi_open(txn, which = "consent", flags, &st->consent))
	    != 0 ||
	    (rc = mdb_dbi_open(txn, which = "suppression", flags, &st->supp))
	    != 0 ||
	    (rc = mdb_dbi_open(txn, which = "history", flags, &st->history)) != 0 ||
	    (rc = mdb_dbi_open(txn, which = "meta", flags, &st->meta)) != 0) {
		mdb_txn_abort(txn);
		if (rc == MDB_NOTFOUND)
			(void)snprintf(err, errlen, "database \"%s\" missing: "
			    "not an optin-milter database (run optinctl init)",
			    which);
		else
			(void)snprintf(err, errlen, "open database %s: %s",
			    which, mdb_strerror(rc));
		return (rc == MDB_MAP_FULL ? -2 : -1);
	}
	if (create && !st->rdonly) {
		MDB_val k, v;
		char buf[32];

		k.mv_data = "schema";
		k.mv_size = 6;
		if (mdb_get(txn, st->meta, &k, &v) == MDB_NOTFOUND) {
			(void)snprintf(buf, sizeof(buf), "%d", STORE_SCHEMA);
			v.mv_data = buf;
			v.mv_size = strlen(buf);
			rc = mdb_put(txn, st->meta, &k, &v, 0);
			if (rc == 0) {
				k.mv_data = "created";
				k.mv_size = 7;
				(void)snprintf(buf, sizeof(buf), "%lld",
				    (long long)time(NULL));
				v.mv_data = buf;
				v.mv_size = strlen(buf);
				rc = mdb_put(txn, st->meta, &k, &v, 0);
			}
			if (rc != 0) {
				mdb_txn_abort(txn);
				(void)snprintf(err, errlen, "write meta: %s",
				    mdb_strerror(rc));
				return (rc == MDB_MAP_FULL ? -2 : -1);
			}
		}
	}
	if ((rc = mdb_txn_commit(txn)) != 0) {
		(void)snprintf(err, errlen, "commit: %s", mdb_strerror(rc));
		return (rc == MDB_MAP_FULL ? -2 : -1);
	}
	return (0);
}

/* grow - double the map, up to MAP_LIMIT; -1 when it cannot grow */
static int
grow(struct store *st)
{
	MDB_envinfo info;
	int rc = -1;

	(void)pthread_rwlock_wrlock(&st->resize);
	if (mdb_env_info(st->env, &info) == 0 &&
	    (uint64_t)info.me_mapsize * 2 <= MAP_LIMIT &&
	    mdb_env_set_mapsize(st->env, info.me_mapsize * 2) == 0)
		rc = 0;
	(void)pthread_rwlock_unlock(&st->resize);
	return (rc);
}

int
store_open(const char *dir, uint64_t mapsize, int flags, struct store **out,
    char *err, size_t errlen)
{
	struct store *st;
	struct stat sb;
	int rc, dead, tries;

	*out = NULL;
	if (stat(dir, &sb) < 0) {
		if (errno != ENOENT || !(flags & STORE_CREATE)) {
			(void)snprintf(err, errlen, "database %s: %s%s", dir,
			    strerror(errno), errno == ENOENT ?
			    " (run optinctl init)" : "");
			return (-1);
		}
		if (mkdir(dir, 0750) < 0) {
			(void)snprintf(err, errlen, "mkdir %s: %s", dir,
			    strerror(errno));
			return (-1);
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		(void)snprintf(err, errlen, "database %s: not a directory", dir);
		return (-1);
	}
	if (!(flags & STORE_CREATE)) {
		char path[4200];

		(void)snprintf(path, sizeof(path), "%s/data.mdb", dir);
		if (stat(path, &sb) < 0) {
			(void)snprintf(err, errlen, "database %s: no data.mdb "
			    "(run optinctl init)", dir);
			return (-1);
		}
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (-1);
	}
	st->rdonly = (flags & STORE_RDONLY) != 0;
	if (pthread_rwlock_init(&st->resize, NULL) != 0) {
		free(st);
		(void)snprintf(err, errlen, "rwlock: out of resources");
		return (-1);
	}
	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, 4)) != 0 ||
	    (rc = mdb_env_set_maxreaders(st->env, 256)) != 0 ||
	    (rc = mdb_env_set_mapsize(st->env, (size_t)mapsize)) != 0 ||
	    (rc = mdb_env_open(st->env, dir, MDB_NOTLS |
	    (st->rdonly ? MDB_RDONLY : 0), 0640)) != 0) {
		(void)snprintf(err, errlen, "database %s: %s", dir,
		    mdb_strerror(rc));
		store_close(st);
		return (-1);
	}
	(void)mdb_reader_check(st->env, &dead);
	for (tries = 0;; tries++) {
		rc = open_dbis(st, (flags & STORE_CREATE) != 0, err, errlen);
		if (rc != -2 || tries >= MAX_GROWTH || grow(st) < 0)
			break;
	}
	if (rc != 0) {
		char tmp[256];

		(void)snprintf(tmp, sizeof(tmp), "%s", err);
		(void)snprintf(err, errlen, "database %s: %s", dir, tmp);
		store_close(st);
		return (-1);
	}
	*out = st;
	return (0);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->env != NULL)
		mdb_env_close(st->env);
	(void)pthread_rwlock_destroy(&st->resize);
	free(st);
}

uint64_t
store_mapsize(struct store *st)
{
	MDB_envinfo info;

	if (mdb_env_info(st->env, &info) != 0)
		return (0);
	return ((uint64_t)info.me_mapsize);
}

/* adopt_resize - another process grew the map: take its size */
static void
adopt_resize(struct store *st)
{
	(void)pthread_rwlock_wrlock(&st->resize);
	(void)mdb_env_set_mapsize(st->env, 0);
	(void)pthread_rwlock_unlock(&st->resize);
}

/* begin - a transaction under the resize lock (held until end) */
static int
begin(struct store *st, unsigned flags, struct store_txn **out, char *err,
    size_t errlen)
{
	struct store_txn *tx;
	int rc, tries;

	*out = NULL;
	if ((tx = calloc(1, sizeof(*tx))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (-1);
	}
	tx->st = st;
	for (tries = 0;; tries++) {
		(void)pthread_rwlock_rdlock(&st->resize);
		rc = mdb_txn_begin(st->env, NULL, flags, &tx->txn);
		if (rc == 0)
			break;
		(void)pthread_rwlock_unlock(&st->resize);
		if (rc == MDB_MAP_RESIZED && tries < 3) {
			adopt_resize(st);
			continue;
		}
		(void)snprintf(err, errlen, "begin transaction: %s",
		    mdb_strerror(rc));
		free(tx);
		return (-1);
	}
	*out = tx;
	return (0);
}

/* end - release a transaction that is already committed or aborted */
static void
end(struct store_txn *tx)
{
	(void)pthread_rwlock_unlock(&tx->st->resize);
	free(tx);
}

int
store_read_begin(struct store *st, struct store_txn **out, char *err,
    size_t errlen)
{
	return (begin(st, MDB_RDONLY, out, err, errlen));
}

void
store_read_end(struct store_txn *tx)
{
	if (tx == NULL)
		return;
	mdb_txn_abort(tx->txn);
	end(tx);
}

int
store_write(struct store *st, store_write_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct store_txn *tx;
	int rc, tries;

	if (st->rdonly) {
		(void)snprintf(err, errlen, "database opened read-only");
		return (-1);
	}
	for (tries = 0;; tries++) {
		if (begin(st, 0, &tx, err, errlen) < 0)
			return (-1);
		rc = fn(tx, arg);
		if (rc == 0) {
			int crc = mdb_txn_commit(tx->txn);

			if (crc == 0) {
				end(tx);
				return (0);
			}
			(void)store_mdberr(tx, "commit", crc);
			rc = -1;
		} else
			mdb_txn_abort(tx->txn);
		if (rc == -1 && tx->mapfull && tries < MAX_GROWTH) {
			end(tx);
			if (grow(st) == 0)
				continue;
			(void)snprintf(err, errlen, "database full and the map "
			    "cannot grow further");
			return (-1);
		}
		if (rc == -1)
			(void)snprintf(err, errlen, "%s", tx->err);
		end(tx);
		return (rc == -2 ? -2 : -1);
	}
}

