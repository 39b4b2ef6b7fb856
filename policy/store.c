/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store.c - the consent and suppression database on LMDB
 *
 * DESCRIPTION
 *	One environment with five named databases:
 *
 *	consent		"address\0list" -> consent record
 *	suppression	"address" -> suppression record
 *	history		8-byte big-endian sequence -> history record
 *	meta		"schema", "created"
 *	bounce		"address" -> bounce score (store_bounce.c)
 *
 *	Records start with a version byte; integers are big-endian; strings
 *	are a 16-bit length and the bytes (record.c). This file holds the
 *	handle and the transactions: when the environment is opened,
 *	checked, closed and opened again. store_env.c opens and closes it,
 *	store_check.c reads the meta pages without mapping the file,
 *	store_rec.c holds the single records and the history,
 *	store_erase.c erasure, store_iter.c iteration.
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

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "model.h"
#include "record.h"
#include "store.h"
#include "store_priv.h"

#define STORE_READERS_RETRY 5		/* waits of a second when full */
#define STORE_READER_CHECK 10		/* seconds between stale checks */

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

/*
 * store_mdberr - record an LMDB failure, noting a full map (the map
 * grows) and a damaged or failed environment (it is opened again).
 * A full transaction is the caller's to split: growing cannot help.
 */
int
store_mdberr(struct store_txn *tx, const char *what, int rc)
{
	if (rc == MDB_MAP_FULL)
		tx->mapfull = 1;
	if (rc == MDB_PANIC || rc == MDB_CORRUPTED ||
	    rc == MDB_PAGE_NOTFOUND || rc == MDB_INVALID)
		tx->panic = 1;
	if (rc == MDB_TXN_FULL)
		return (store_txerr(tx, "%s: transaction too large (more "
		    "dirty pages than LMDB allows in one transaction)", what));
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

/*
 * note - tell the owner what happened: NOTE_BAD the database cannot be
 * used (told once per reason), NOTE_GOOD it can again (told only after
 * it could not), NOTE_INFO something worth a line that changes nothing
 */
enum { NOTE_INFO, NOTE_BAD, NOTE_GOOD };

static void __attribute__((format(printf, 3, 4)))
note(struct store *st, int kind, const char *fmt, ...)
{
	char text[sizeof(st->why)];
	va_list ap;
	int tell;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	(void)pthread_mutex_lock(&st->mu);
	switch (kind) {
	case NOTE_BAD:
		tell = !st->bad || strcmp(text, st->why) != 0;
		st->bad = 1;
		(void)strlcpy(st->why, text, sizeof(st->why));
		break;
	case NOTE_GOOD:
		tell = st->bad;
		st->bad = 0;
		st->why[0] = '\0';
		break;
	default:
		tell = 1;
		break;
	}
	if (tell && st->notify != NULL)
		st->notify(st->notify_arg, kind == NOTE_BAD, text);
	(void)pthread_mutex_unlock(&st->mu);
}

time_t
store_mono_sec(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/*
 * reopen - open the environment if it is closed, at most once a second
 * after a failure; 0 when it is open
 */
static int
reopen(struct store *st, char *err, size_t errlen)
{
	time_t now = time(NULL);
	int rc = 0, wait;

	(void)pthread_rwlock_wrlock(&st->resize);
	if (st->env != NULL) {
		(void)pthread_rwlock_unlock(&st->resize);
		return (0);
	}
	(void)pthread_mutex_lock(&st->mu);
	wait = st->bad && st->tried == now;
	if (wait)
		(void)snprintf(err, errlen, "%s", st->why);
	(void)pthread_mutex_unlock(&st->mu);
	if (wait)
		rc = -1;
	else if ((rc = store_env_open(st, err, errlen)) < 0) {
		(void)pthread_mutex_lock(&st->mu);
		st->tried = now;
		(void)pthread_mutex_unlock(&st->mu);
		note(st, NOTE_BAD, "%s", err);
	} else
		note(st, NOTE_GOOD, "database %s open", st->dir);
	(void)pthread_rwlock_unlock(&st->resize);
	return (rc);
}

/*
 * invalidate - close the environment of generation GEN (unless it was
 * already closed or replaced) because of WHY; the next transaction
 * opens the file at the path again
 */
static void
invalidate(struct store *st, unsigned gen, int kind, const char *why)
{
	int closed = 0;

	(void)pthread_rwlock_wrlock(&st->resize);
	if (st->env != NULL && st->gen == gen) {
		store_env_close(st);
		closed = 1;
	}
	(void)pthread_mutex_lock(&st->mu);
	st->tried = 0;
	(void)pthread_mutex_unlock(&st->mu);
	(void)pthread_rwlock_unlock(&st->resize);
	if (closed)
		note(st, kind, "database %s: %s", st->dir, why);
}

/*
 * moved - is the file at the path another than the one mapped? 0 no,
 * 1 it is gone (or cannot be seen), 2 another file is there (or the
 * lock file is another)
 */
static int
moved(struct store *st, char *why, size_t whylen)
{
	struct stat sb;

	if (stat(st->path, &sb) < 0) {
		(void)snprintf(why, whylen, "data.mdb %s; closing the old one",
		    errno == ENOENT ? "was removed" : strerror(errno));
		return (1);
	}
	if (sb.st_dev != st->dev || sb.st_ino != st->ino) {
		(void)snprintf(why, whylen, "data.mdb was replaced; opening "
		    "the new file");
		return (2);
	}
	/*
	 * A lock.mdb removed or replaced under us: the next process makes
	 * a new one, with a writer lock of its own. Use the one at the
	 * path, as every process that opens the database from now on does.
	 */
	if (st->lock_ino != 0 && (stat(st->lockpath, &sb) < 0 ||
	    sb.st_dev != st->lock_dev || sb.st_ino != st->lock_ino)) {
		(void)snprintf(why, whylen, "lock.mdb was removed or replaced; "
		    "opening the database again");
		return (2);
	}
	return (0);
}

/*
 * health - may a transaction begin on the open environment? Under the
 * shared lock. Every time: the size of the mapped file (it never
 * shrinks in a healthy environment), and that it is still the file at
 * the path (two stat(2)s, about 2 us: a decision must not come from a
 * file that was replaced or removed, not even for a second). At most
 * once a second, or when FORCE: its meta pages. Every ten seconds:
 * stale reader slots. 0 good, -1 with WHY (damaged or gone), -2 with
 * WHY (another file at the path).
 */
static int
health(struct store *st, int force, char *why, size_t whylen)
{
	struct store_file f;
	struct stat sb;
	time_t now = store_mono_sec();
	int meta, readers, dead, m;

	if (fstat(st->fd, &sb) < 0) {
		(void)snprintf(why, whylen, "fstat data.mdb: %s",
		    strerror(errno));
		return (-1);
	}
	(void)pthread_mutex_lock(&st->mu);
	meta = force || now != st->meta_checked ||
	    (uint64_t)sb.st_size < st->size_seen;
	readers = now - st->readers_checked >= STORE_READER_CHECK;
	if (meta)
		st->meta_checked = now;
	if (readers)
		st->readers_checked = now;
	(void)pthread_mutex_unlock(&st->mu);
	if (meta) {
		if (store_file_check(st->fd, &f, why, whylen) < 0)
			return (-1);
		(void)pthread_mutex_lock(&st->mu);
		if (f.size < st->size_seen && f.size < f.need) {
			(void)pthread_mutex_unlock(&st->mu);
			(void)snprintf(why, whylen, "data.mdb shrank from %llu "
			    "to %llu octets (truncated?)",
			    (unsigned long long)st->size_seen,
			    (unsigned long long)f.size);
			return (-1);
		}
		if (f.size > st->size_seen)
			st->size_seen = f.size;
		(void)pthread_mutex_unlock(&st->mu);
	}
	if ((m = moved(st, why, whylen)) != 0)
		return (m == 2 ? -2 : -1);
	if (readers && mdb_reader_check(st->env, &dead) == 0 && dead > 0)
		note(st, NOTE_INFO, "cleared %d stale reader slot%s of dead processes",
		    dead, dead == 1 ? "" : "s");
	return (0);
}

/* store_adopt_resize - another process grew the map: take its size */
void
store_adopt_resize(struct store *st)
{
	(void)pthread_rwlock_wrlock(&st->resize);
	if (st->env != NULL) {
		store_guard_detach(st);
		(void)mdb_env_set_mapsize(st->env, 0);
		store_guard_attach(st);
	}
	(void)pthread_rwlock_unlock(&st->resize);
}

/* grow - double the map, up to MAP_LIMIT; -1 when it cannot grow */
static int
grow(struct store *st)
{
	MDB_envinfo info;
	int rc = -1;

	(void)pthread_rwlock_wrlock(&st->resize);
	if (st->env != NULL && mdb_env_info(st->env, &info) == 0 &&
	    (uint64_t)info.me_mapsize * 2 <= MAP_LIMIT) {
		store_guard_detach(st);
		if (mdb_env_set_mapsize(st->env, info.me_mapsize * 2) == 0)
			rc = 0;
		store_guard_attach(st);
	}
	(void)pthread_rwlock_unlock(&st->resize);
	return (rc);
}

int
store_open(const char *dir, uint64_t mapsize, int flags, struct store **out,
    char *err, size_t errlen)
{
	struct store *st;
	struct stat sb;
	char hint[160];
	int rc, tries;

	*out = NULL;
	if (stat(dir, &sb) < 0) {
		int e = errno;

		if (e != ENOENT || !(flags & STORE_CREATE)) {
			(void)snprintf(err, errlen, "database %s: %s%s", dir,
			    strerror(e), e == ENOENT ? " (run optinctl init)" :
			    e == EACCES ? store_user_hint(hint, sizeof(hint)) :
			    "");
			if (!(flags & STORE_LAZY))
				return (-1);
		} else if (mkdir(dir, 0750) < 0) {
			(void)snprintf(err, errlen, "mkdir %s: %s", dir,
			    strerror(errno));
			return (-1);
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		(void)snprintf(err, errlen, "database %s: not a directory", dir);
		return (-1);
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (-1);
	}
	if (strlcpy(st->dir, dir, sizeof(st->dir)) >= sizeof(st->dir) ||
	    (size_t)snprintf(st->path, sizeof(st->path), "%s/data.mdb", dir) >=
	    sizeof(st->path)) {
		free(st);
		(void)snprintf(err, errlen, "database %s: path too long", dir);
		return (-1);
	}
	st->mapsize = mapsize;
	st->flags = flags;
	st->rdonly = (flags & STORE_RDONLY) != 0;
	st->fd = -1;
	st->guard = -1;
	if (pthread_rwlock_init(&st->resize, NULL) != 0) {
		free(st);
		(void)snprintf(err, errlen, "rwlock: out of resources");
		return (-1);
	}
	if (pthread_mutex_init(&st->mu, NULL) != 0 ||
	    pthread_mutex_init(&st->wlock, NULL) != 0) {
		(void)pthread_rwlock_destroy(&st->resize);
		free(st);
		(void)snprintf(err, errlen, "mutex: out of resources");
		return (-1);
	}
	(void)snprintf(st->lockpath, sizeof(st->lockpath), "%s/lock.mdb", dir);
	/* the daemons let go of a replaced file within a second or so */
	for (tries = 0; (rc = store_env_open(st, err, errlen)) == -2 &&
	    !(flags & STORE_LAZY) && tries < 30; tries++)
		(void)usleep(100000);
	if (rc < 0) {
		if (!(flags & STORE_LAZY)) {
			store_close(st);
			return (-1);
		}
		st->bad = 1;
		st->tried = time(NULL);
		(void)strlcpy(st->why, err, sizeof(st->why));
	}
	/* a file that goes away later is not made again empty */
	st->flags &= ~STORE_CREATE;
	*out = st;
	return (0);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	store_env_close(st);
	store_guard_release(st);
	(void)pthread_mutex_destroy(&st->mu);
	(void)pthread_mutex_destroy(&st->wlock);
	(void)pthread_rwlock_destroy(&st->resize);
	free(st);
}

void
store_set_notify(struct store *st, store_notify_fn fn, void *arg)
{
	(void)pthread_mutex_lock(&st->mu);
	st->notify = fn;
	st->notify_arg = arg;
	(void)pthread_mutex_unlock(&st->mu);
}

uint64_t
store_mapsize(struct store *st)
{
	MDB_envinfo info;
	uint64_t size = 0;

	(void)pthread_rwlock_rdlock(&st->resize);
	if (st->env != NULL && mdb_env_info(st->env, &info) == 0)
		size = (uint64_t)info.me_mapsize;
	(void)pthread_rwlock_unlock(&st->resize);
	return (size);
}

int
store_reserve(struct store *st, uint64_t bytes)
{
	MDB_envinfo info;
	MDB_stat ms;
	uint64_t want, size;
	int rc = -1;

	(void)pthread_rwlock_wrlock(&st->resize);
	if (st->env != NULL && mdb_env_info(st->env, &info) == 0 &&
	    mdb_env_stat(st->env, &ms) == 0) {
		want = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
		want = bytes > MAP_LIMIT - want ? MAP_LIMIT : want + bytes;
		/* doubled as grow() does, so that sizes stay the same series */
		size = (uint64_t)info.me_mapsize;
		while (size < want && size * 2 <= MAP_LIMIT &&
		    size * 2 <= (uint64_t)SIZE_MAX)
			size *= 2;
		rc = 0;
		if (size > (uint64_t)info.me_mapsize) {
			store_guard_detach(st);
			if (mdb_env_set_mapsize(st->env, (size_t)size) != 0)
				rc = -1;
			store_guard_attach(st);
		}
	}
	(void)pthread_rwlock_unlock(&st->resize);
	return (rc);
}

int
store_check(struct store *st, char *err, size_t errlen)
{
	char why[256];
	unsigned gen;
	int tries, h;

	for (tries = 0; tries < 3; tries++) {
		(void)pthread_rwlock_rdlock(&st->resize);
		if (st->env == NULL) {
			(void)pthread_rwlock_unlock(&st->resize);
			if (reopen(st, err, errlen) < 0)
				return (-1);
			continue;
		}
		gen = st->gen;
		if ((h = health(st, 1, why, sizeof(why))) == 0) {
			(void)pthread_rwlock_unlock(&st->resize);
			return (0);
		}
		(void)pthread_rwlock_unlock(&st->resize);
		invalidate(st, gen, h == -2 ? NOTE_INFO : NOTE_BAD, why);
	}
	(void)snprintf(err, errlen, "database %s: %s", st->dir, why);
	return (-1);
}

/*
 * write_lock - one writer at a time, also among processes that do not
 * share a lock.mdb (one was removed under the other): this process's
 * writers in turn, then flock(2) on data.mdb, which LMDB does not use.
 * Under the shared resize lock, so the descriptor stays open.
 */
static void
write_lock(struct store *st)
{
	(void)pthread_mutex_lock(&st->wlock);
	while (flock(st->fd, LOCK_EX) < 0 && errno == EINTR)
		;
}

static void
write_unlock(struct store *st)
{
	(void)flock(st->fd, LOCK_UN);
	(void)pthread_mutex_unlock(&st->wlock);
}

/*
 * begin - a transaction under the resize lock (held until end). Opens
 * the environment when it is closed, checks the file first, and hides
 * a resized map, a full reader table and LMDB's fatal error. A write
 * transaction checks, once it holds LMDB's writer lock, that the file
 * is still the one at the path: a restore that replaces data.mdb while
 * holding that lock (optinctl restore) is then never missed.
 */
static int
begin(struct store *st, unsigned flags, struct store_txn **out, char *err,
    size_t errlen)
{
	struct store_txn *tx;
	char why[256];
	int rc, tries, full = 0, resized = 0, h;
	unsigned gen;

	*out = NULL;
	if ((tx = calloc(1, sizeof(*tx))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (-1);
	}
	tx->st = st;
	for (tries = 0;; tries++) {
		if (tries >= 20) {
			(void)snprintf(err, errlen, "database %s: the file "
			    "keeps changing; try again", st->dir);
			free(tx);
			return (-1);
		}
		(void)pthread_rwlock_rdlock(&st->resize);
		if (st->env == NULL) {
			(void)pthread_rwlock_unlock(&st->resize);
			if (reopen(st, err, errlen) < 0) {
				free(tx);
				return (-1);
			}
			continue;
		}
		gen = st->gen;
		if ((h = health(st, 0, why, sizeof(why))) < 0) {
			(void)pthread_rwlock_unlock(&st->resize);
			invalidate(st, gen, h == -2 ? NOTE_INFO : NOTE_BAD, why);
			continue;
		}
		if (!(flags & MDB_RDONLY))
			write_lock(st);
		rc = mdb_txn_begin(st->env, NULL, flags, &tx->txn);
		if (rc == 0 && !(flags & MDB_RDONLY) &&
		    (h = moved(st, why, sizeof(why))) != 0) {
			mdb_txn_abort(tx->txn);
			write_unlock(st);
			(void)pthread_rwlock_unlock(&st->resize);
			invalidate(st, gen, h == 2 ? NOTE_INFO : NOTE_BAD, why);
			continue;
		}
		if (rc != 0 && !(flags & MDB_RDONLY))
			write_unlock(st);
		if (rc == 0)
			break;
		(void)pthread_rwlock_unlock(&st->resize);
		if (rc == MDB_MAP_RESIZED && resized++ < 3) {
			store_adopt_resize(st);
			continue;
		}
		if (rc == MDB_READERS_FULL && full++ < STORE_READERS_RETRY) {
			/* as Postfix's slmdb: clear, wait, try again */
			int dead = 0;

			(void)pthread_rwlock_rdlock(&st->resize);
			if (st->env != NULL)
				(void)mdb_reader_check(st->env, &dead);
			(void)pthread_rwlock_unlock(&st->resize);
			note(st, NOTE_INFO, "reader table full (%d readers); cleared "
			    "%d stale slots, trying again", STORE_READERS, dead);
			if (dead == 0)
				(void)sleep(1);
			continue;
		}
		if (rc == MDB_PANIC) {
			invalidate(st, gen, NOTE_BAD, "LMDB fatal error "
			    "(MDB_PANIC); opening the environment again");
			continue;
		}
		(void)snprintf(err, errlen, "database %s: begin transaction: "
		    "%s", st->dir, mdb_strerror(rc));
		free(tx);
		return (-1);
	}
	tx->gen = gen;
	tx->write = !(flags & MDB_RDONLY);
	*out = tx;
	return (0);
}

/* end - release a transaction that is already committed or aborted */
static void
end(struct store_txn *tx)
{
	struct store *st = tx->st;
	unsigned gen = tx->gen;
	int panic = tx->panic;

	if (tx->write)
		write_unlock(st);
	(void)pthread_rwlock_unlock(&st->resize);
	free(tx);
	if (store_guard_hit(st))
		invalidate(st, gen, NOTE_BAD, "data.mdb was cut short while a "
		    "transaction read it");
	else if (panic)
		invalidate(st, gen, NOTE_BAD, "LMDB reported a damaged "
		    "database; opening it again");
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

/*
 * full - LMDB reports a short write, as when the file system fills, as
 * EIO: say so when the file system has less than a megabyte left
 */
static void
full(const struct store *st, struct store_txn *tx)
{
	struct statvfs sv;

	if (statvfs(st->dir, &sv) < 0 ||
	    (uint64_t)sv.f_bavail * sv.f_frsize >= 1024 * 1024)
		return;
	(void)strlcat(tx->err, " (the file system of ", sizeof(tx->err));
	(void)strlcat(tx->err, st->dir, sizeof(tx->err));
	(void)strlcat(tx->err, " is full)", sizeof(tx->err));
}

int
store_write(struct store *st, store_write_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct store_txn *tx;
	char why[256];
	int rc, tries, again = 0;
	unsigned gen;

	if (st->rdonly) {
		(void)snprintf(err, errlen, "database opened read-only");
		return (-1);
	}
	for (tries = 0;; tries++) {
		if (begin(st, 0, &tx, err, errlen) < 0)
			return (-1);
		rc = fn(tx, arg);
		if (rc == 0 && store_history_flush(tx) < 0)
			rc = -1;	/* the history counter, once */
		/* a page made up after a fault must never be committed */
		if (rc == 0 && store_guard_hit(st))
			rc = store_txerr(tx, "data.mdb was cut short while "
			    "this transaction read it");
		if (rc == 0) {
			int crc;

			store_guard_writing = 1;
			crc = mdb_txn_commit(tx->txn);
			store_guard_writing = 0;

			if (crc == 0) {
				/*
				 * Durable in the file we mapped; if that is
				 * no longer the one at the path, write again
				 * to the one that is.
				 */
				int gone = moved(st, why, sizeof(why));

				gen = tx->gen;
				end(tx);
				if (!gone)
					return (0);
				invalidate(st, gen, gone == 2 ? NOTE_INFO :
				    NOTE_BAD, why);
				if (again++ < 3)
					continue;
				(void)snprintf(err, errlen, "database %s: %s",
				    st->dir, why);
				return (-1);
			}
			(void)store_mdberr(tx, "commit", crc);
			if (crc == EIO || crc == ENOSPC || crc == EDQUOT)
				full(st, tx);
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

