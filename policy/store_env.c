/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_env.c - opening and closing the LMDB environment
 *
 * SYNOPSIS
 *	#include "store_priv.h"
 *
 *	store_env_open(st, err, sizeof(err));	(under the exclusive lock)
 *	store_env_close(st);
 *
 * DESCRIPTION
 *	data.mdb is checked before it is mapped (store_check.c), the
 *	named databases are opened (created with STORE_CREATE), stale
 *	readers are cleared, and the lock file is checked to belong to the
 *	data file. store.c decides when to open and close.
 *
 * DIAGNOSTICS
 *	Messages name the directory and what to do; a permission problem
 *	names the uid the process runs as.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store_priv.h"

/*
 * open_dbis - open (or create) the named databases: 0, -1, -2 the map is
 * full, -3 another process resized it
 */
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
		return (rc == MDB_MAP_FULL ? -2 : rc == MDB_MAP_RESIZED ? -3 :
		    -1);
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
	/* bounce scores came later: made on the first writable open */
	rc = mdb_dbi_open(txn, "bounce", st->rdonly ? 0 : MDB_CREATE,
	    &st->bounce);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		mdb_txn_abort(txn);
		(void)snprintf(err, errlen, "open database bounce: %s",
		    mdb_strerror(rc));
		return (rc == MDB_MAP_FULL ? -2 : -1);
	}
	st->have_bounce = rc == 0;
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

/* store_user_hint - " (as uid N, user NAME)" for permission messages */
const char *
store_user_hint(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());

	(void)snprintf(buf, len, " (running as uid %lu%s%s%s: it needs to "
	    "read and write the directory and data.mdb)",
	    (unsigned long)geteuid(), pw != NULL ? ", user " : "",
	    pw != NULL ? pw->pw_name : "", "");
	return (buf);
}

/*
 * lock_owner - give the lock file at PATH to the owner of data.mdb (DB),
 * making it when it is not there: only the regular file of one link that
 * is there, never a link's target. Called before mdb_env_open() only:
 * closing a descriptor of lock.mdb drops every fcntl(2) lock this
 * process holds on it, LMDB's among them, and without them another
 * process takes this one for gone: it clears its reader slots (a writer
 * then reuses the pages it reads) and sets up the lock file anew, writer
 * mutex and all, under it.
 */
static void
lock_owner(const char *path, const struct stat *db)
{
	struct stat lb;
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0640)) < 0)
		return;
	if (fstat(fd, &lb) == 0 && S_ISREG(lb.st_mode) && lb.st_nlink == 1 &&
	    (lb.st_uid != db->st_uid || lb.st_gid != db->st_gid))
		(void)fchown(fd, db->st_uid, db->st_gid);
	(void)close(fd);
}

/*
 * the size LMDB gives lock.mdb for STORE_READERS slots: a header of two
 * cache lines and a cache line a slot (the first in the header's
 * place); when a build of LMDB computes more, it extends the file, and
 * store_env_open() sees the new part without blocks
 */
#define LOCK_SIZE	((off_t)(STORE_READERS - 1) * 64 + 192)

/* lacks_blocks - a regular file with fewer blocks than octets (sparse) */
static int
lacks_blocks(const struct stat *sb)
{
	return (S_ISREG(sb->st_mode) && (off_t)sb->st_blocks * 512 <
	    sb->st_size);
}

/*
 * lock_room - LMDB makes lock.mdb at its full size as a sparse file and
 * writes its header and reader slots through its map; a slot on a page
 * never written before needs a block then, and on a full file system
 * the kernel answers with SIGBUS, in mdb_env_open() or in the 63rd
 * reader at once. So lock.mdb gets all its blocks before LMDB maps it:
 * made here at LMDB's size when it is not there or empty, given the
 * blocks it lacks when it is. Called with no environment of this process open
 * (closing this descriptor drops this process's fcntl(2) locks on the
 * file, as lock_owner() says). 0 when it has them (or cannot be
 * written by this user, or its file system does not allocate ahead:
 * nothing is to be done here then), -1 with ERR when the file system
 * has no room for them.
 */
static int
lock_room(const char *dir, const char *path, char *err, size_t errlen)
{
	struct stat lb;
	off_t want;
	int fd, e, made = 0;

	/*
	 * looked at first, opened only when it lacks blocks: another
	 * environment of this process on the same file keeps its locks
	 */
	if (lstat(path, &lb) == 0 && lb.st_size > 0 && !lacks_blocks(&lb))
		return (0);
	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) < 0) {
		if (errno != ENOENT || (fd = open(path, O_RDWR | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640)) < 0)
			return (0);
		made = 1;
	}
	if (fstat(fd, &lb) < 0 || !S_ISREG(lb.st_mode)) {
		(void)close(fd);
		return (0);
	}
	/* empty (made here, or by lock_owner()): LMDB's size; else its own */
	want = lb.st_size > 0 ? lb.st_size : LOCK_SIZE;
	if ((off_t)lb.st_blocks * 512 >= want ||
	    fallocate(fd, 0, 0, want) == 0) {
		(void)close(fd);
		return (0);
	}
	e = errno;
	if (made)
		(void)unlink(path);	/* as it was: not there */
	(void)close(fd);
	if (e != ENOSPC && e != EDQUOT)
		return (0);	/* EOPNOTSUPP and the like */
	(void)snprintf(err, errlen, "database %s: lock.mdb cannot have the "
	    "%lld octets of disk its reader slots need (%s); not opened, "
	    "as LMDB would crash writing into it", dir, (long long)want,
	    strerror(e));
	return (-1);
}

/*
 * precheck - data.mdb at the path, checked without mapping it; 0 when
 * it may be mapped (or does not exist and will be made: CREATE).
 */
static int
precheck(struct store *st, char *err, size_t errlen)
{
	struct store_file f;
	struct stat sb, lb;
	char why[256], hint[160];
	int fd, shrank, e;

	if (stat(st->path, &sb) < 0) {
		e = errno;
		if (e == ENOENT && (st->flags & STORE_CREATE))
			return (0);
		if (e == ENOENT)
			(void)snprintf(err, errlen, "database %s: no data.mdb "
			    "(run optinctl init)", st->dir);
		else
			(void)snprintf(err, errlen, "database %s: data.mdb: "
			    "%s%s", st->dir, strerror(e), e == EACCES ?
			    store_user_hint(hint, sizeof(hint)) : "");
		return (-1);
	}
	/*
	 * Only a regular file: opening a FIFO for reading would block until
	 * a writer came, and LMDB opens what is at the path without looking.
	 */
	if (!S_ISREG(sb.st_mode)) {
		(void)snprintf(err, errlen, "database %s: data.mdb is not a "
		    "regular file", st->dir);
		return (-1);
	}
	if ((fd = open(st->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
	    O_NOFOLLOW)) < 0) {
		e = errno;
		(void)snprintf(err, errlen, "database %s: data.mdb: %s%s",
		    st->dir, strerror(e), e == EACCES ?
		    store_user_hint(hint, sizeof(hint)) : "");
		return (-1);
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		(void)close(fd);
		(void)snprintf(err, errlen, "database %s: data.mdb is not a "
		    "regular file", st->dir);
		return (-1);
	}
	if (store_file_check(fd, &f, why, sizeof(why)) < 0) {
		(void)close(fd);
		(void)snprintf(err, errlen, "database %s: %s", st->dir, why);
		return (-1);
	}
	(void)close(fd);
	/*
	 * LMDB opens lock.mdb through whatever is at the path, and writes
	 * into it: a link there, left by whoever can write the directory,
	 * would have root's optinctl write into the link's target
	 */
	if (lstat(st->lockpath, &lb) == 0 && (!S_ISREG(lb.st_mode) ||
	    lb.st_nlink != 1)) {
		(void)snprintf(err, errlen, "database %s: lock.mdb is not a "
		    "regular file of its own (a link?)", st->dir);
		return (-1);
	}
	/*
	 * root (optinctl from a timer, say) would make it anew: it belongs
	 * to whoever owns data.mdb, or the daemons running as that user
	 * could not open the database again
	 */
	if (geteuid() == 0)
		lock_owner(st->lockpath, &sb);
	(void)pthread_mutex_lock(&st->mu);
	shrank = f.dev == st->seen_dev && f.ino == st->seen_ino &&
	    f.size < st->size_seen && f.size < f.need;
	(void)pthread_mutex_unlock(&st->mu);
	if (shrank) {
		(void)snprintf(err, errlen, "database %s: data.mdb shrank to "
		    "%llu octets, its newest meta page needs %llu (truncated?)",
		    st->dir, (unsigned long long)f.size,
		    (unsigned long long)f.need);
		return (-1);
	}
	return (0);
}

/* store_env_close - close the environment; under the exclusive lock */
void
store_env_close(struct store *st)
{
	store_guard_detach(st);
	if (st->env != NULL)
		mdb_env_close(st->env);
	st->env = NULL;
	st->fd = -1;
}

/* lock_txnid - the transaction id in the lock file, 0 when none */
static uint64_t
lock_txnid(struct store *st)
{
	MDB_txn *txn;
	uint64_t id;

	if (mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn) != 0)
		return (0);
	id = (uint64_t)mdb_txn_id(txn);
	mdb_txn_abort(txn);
	return (id);
}

/*
 * lock_matches - does the lock file's transaction id belong to data.mdb
 * (FD)? LMDB reads through the meta page of the lock's id, and writes
 * the next id into the other: only the file whose meta page of that id
 * is that id is this lock's. A file put in place under a process that
 * kept lock.mdb open has other ids, lower (an older copy) or higher (a
 * database that saw more changes elsewhere): its newest pages would be
 * read through a wrong meta page, and a write given a lower id than its
 * newest would be dropped once the lock file is made anew. The ids are
 * read again until no commit came between the lock and the file (a
 * commit under way has written the next id's meta page, not yet the
 * lock: the meta page of the lock's id is still there). 1 when it
 * belongs, 0 when it does not, -1 when a commit came between the reads
 * every time (busy; the caller tries again shortly).
 */
static int
lock_matches(struct store *st, mdb_filehandle_t fd)
{
	struct store_file f;
	char why[256];
	uint64_t id, again;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		if ((id = lock_txnid(st)) == 0 ||
		    store_file_check(fd, &f, why, sizeof(why)) < 0)
			return (1);	/* the next transaction says why */
		if ((again = lock_txnid(st)) == id)
			return (f.meta[id & 1].txnid == id);
	}
	return (-1);
}

/*
 * store_env_open - open DIR as it is now; under the exclusive lock.
 * 0, -1 with ERR, or -2 with ERR when lock.mdb is still another
 * process's view of a file that was replaced (try again shortly).
 */
int
store_env_open(struct store *st, char *err, size_t errlen)
{
	struct store_file f;
	mdb_filehandle_t fd;
	struct stat lb;
	char why[256], hint[160];
	int rc, dead, tries, room, lk;

	if (precheck(st, err, errlen) < 0 ||
	    lock_room(st->dir, st->lockpath, err, errlen) < 0)
		return (-1);
	for (room = 0;; room++) {
		if ((rc = mdb_env_create(&st->env)) != 0 ||
		    (rc = mdb_env_set_maxdbs(st->env, 8)) != 0 ||
		    (rc = mdb_env_set_maxreaders(st->env, STORE_READERS)) !=
		    0 ||
		    (rc = mdb_env_set_mapsize(st->env, (size_t)st->mapsize)) !=
		    0 ||
		    (rc = mdb_env_open(st->env, st->dir, MDB_NOTLS |
		    (st->rdonly ? MDB_RDONLY : 0), 0640)) != 0) {
			(void)snprintf(err, errlen, "database %s: %s%s",
			    st->dir, mdb_strerror(rc), rc == EACCES ?
			    store_user_hint(hint, sizeof(hint)) : "");
			store_env_close(st);
			return (-1);
		}
		/*
		 * LMDB has made or sized lock.mdb now; with no reader in
		 * it yet, close, give it its blocks (lock_room()), open again
		 */
		lk = stat(st->lockpath, &lb);
		if (room > 0 || lk < 0 || !lacks_blocks(&lb))
			break;
		store_env_close(st);
		if (lock_room(st->dir, st->lockpath, err, errlen) < 0)
			return (-1);
	}
	/* the file LMDB opened, which is the one that counts */
	if ((rc = mdb_env_get_fd(st->env, &fd)) != 0 ||
	    store_file_check(fd, &f, why, sizeof(why)) < 0) {
		(void)snprintf(err, errlen, "database %s: %s", st->dir,
		    rc != 0 ? mdb_strerror(rc) : why);
		store_env_close(st);
		return (-1);
	}
	st->fd = fd;
	st->dev = f.dev;
	/* not for a child (sendmail(1)): LMDB opens it without O_CLOEXEC */
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* the lock file this environment shares with the other processes */
	if (lk == 0) {
		st->lock_dev = lb.st_dev;
		st->lock_ino = lb.st_ino;
	} else
		st->lock_dev = st->lock_ino = 0;
	st->ino = f.ino;
	(void)mdb_reader_check(st->env, &dead);
	for (tries = 0;; tries++) {
		MDB_envinfo info;

		rc = open_dbis(st, (st->flags & STORE_CREATE) != 0, why,
		    sizeof(why));
		/* another process grew the map since it was opened: its size */
		if (rc == -3 && tries < MAX_GROWTH &&
		    mdb_env_set_mapsize(st->env, 0) == 0)
			continue;
		if (rc != -2 || tries >= MAX_GROWTH ||
		    mdb_env_info(st->env, &info) != 0 ||
		    (uint64_t)info.me_mapsize * 2 > MAP_LIMIT ||
		    mdb_env_set_mapsize(st->env, info.me_mapsize * 2) != 0)
			break;
	}
	if (rc != 0) {
		(void)snprintf(err, errlen, "database %s: %s", st->dir, why);
		store_env_close(st);
		return (-1);
	}
	if (store_file_check(fd, &f, why, sizeof(why)) == 0 &&
	    (rc = lock_matches(st, fd)) != 1) {
		if (rc < 0)
			(void)snprintf(err, errlen, "database %s: a commit came "
			    "between each two reads of lock.mdb and data.mdb "
			    "that tell whether they belong together; trying "
			    "again", st->dir);
		else
			(void)snprintf(err, errlen, "database %s: lock.mdb does "
			    "not belong to this data.mdb (it was replaced while "
			    "another process had it open); waiting for every "
			    "process to close the old one", st->dir);
		store_env_close(st);
		return (-2);
	}
	(void)pthread_mutex_lock(&st->mu);
	if (f.dev != st->seen_dev || f.ino != st->seen_ino ||
	    f.size > st->size_seen) {
		st->seen_dev = f.dev;
		st->seen_ino = f.ino;
		st->size_seen = f.size;
	}
	st->meta_checked = st->readers_checked = store_mono_sec();
	(void)pthread_mutex_unlock(&st->mu);
	st->gen++;
	store_guard_attach(st);
	return (0);
}
