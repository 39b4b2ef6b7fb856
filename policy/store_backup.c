/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_backup.c - hot backup and restore under running daemons
 *
 * SYNOPSIS
 *	#include "store.h"
 *
 *	store_backup(st, "/var/backups/optin.mdb", err, sizeof(err));
 *	store_restore(st, "/var/backups/optin.mdb", 1, &res, err, sizeof(err));
 *	store_restore_file(dir, "/var/backups/optin.mdb", err, sizeof(err));
 *
 * DESCRIPTION
 *	A backup is LMDB's compacting copy (mdb_env_copyfd2 with
 *	MDB_CP_COMPACT): one read transaction, so it is consistent while
 *	others read and write. It is written to a temporary file beside
 *	FILE, synced, checked and renamed, so FILE is whole or absent.
 *
 *	A restore is one write transaction on the running database: every
 *	named database is emptied and filled from the backup. Daemons wait
 *	for LMDB's writer lock as for any write and see the restored data
 *	at their next transaction; nothing they write afterwards is lost,
 *	and nothing is written into a file that is about to be replaced.
 *	With REPLAY, when the backup comes from the same database (the
 *	same "created" time in meta), what changed after it was taken is
 *	carried over: for every history record newer than the backup's
 *	last one the current record of that address and list (or its
 *	absence) and the history record itself, and every erasure done
 *	since is done again.
 *
 *	When the database cannot be opened at all (damaged, removed),
 *	store_restore_file() puts a checked copy of the backup in place of
 *	data.mdb (temporary file, fsync, rename); running daemons notice the
 *	new file within a second.
 *
 * DIAGNOSTICS
 *	Messages name the file and what is wrong with it.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "store_priv.h"

/* sync_dir - fsync the directory that holds PATH */
static int
sync_dir(const char *path)
{
	char buf[PATH_MAX];
	int fd, rc;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return (-1);
	if ((fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (-1);
	rc = fsync(fd);
	(void)close(fd);
	return (rc);
}

/* tmp_beside - a new temporary file next to PATH; its fd, name in TMP */
static int
tmp_beside(const char *path, char *tmp, size_t len)
{
	int fd;

	if ((size_t)snprintf(tmp, len, "%s.tmp.XXXXXX", path) >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((fd = mkstemp(tmp)) < 0)
		return (-1);
	(void)fchmod(fd, 0600);
	return (fd);
}

int
store_backup(struct store *st, const char *file, char *err, size_t errlen)
{
	struct store_file f;
	struct stat sb;
	char tmp[PATH_MAX], why[256];
	int fd, rc, tries;

	if (store_check(st, err, errlen) < 0)
		return (-1);
	if ((fd = tmp_beside(file, tmp, sizeof(tmp))) < 0) {
		(void)snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return (-1);
	}
	for (tries = 0;; tries++) {
		(void)pthread_rwlock_rdlock(&st->resize);
		rc = st->env != NULL ? mdb_env_copyfd2(st->env, fd,
		    MDB_CP_COMPACT) : EINVAL;
		(void)pthread_rwlock_unlock(&st->resize);
		/*
		 * another process grew the map since this one mapped it
		 * (an import): map its size and copy again, from the start
		 */
		if (rc != MDB_MAP_RESIZED || tries >= 3 ||
		    ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
			break;
		store_adopt_resize(st);
	}
	if (rc != 0) {
		(void)snprintf(err, errlen, "copy to %s: %s", file,
		    mdb_strerror(rc));
		goto fail;
	}
	if (fsync(fd) < 0) {
		(void)snprintf(err, errlen, "fsync %s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (store_file_check(fd, &f, why, sizeof(why)) < 0) {
		(void)snprintf(err, errlen, "the copy is not sound: %s", why);
		goto fail;
	}
	/* its sum, and the copy read through as a restore will read it */
	if (fstat(fd, &sb) < 0 || store_bak_seal(tmp, (size_t)sb.st_size, why,
	    sizeof(why)) < 0 || store_bak_verify(tmp, why, sizeof(why)) < 0) {
		(void)snprintf(err, errlen, "the copy is not sound: %s", why);
		goto fail;
	}
	(void)close(fd);
	if (rename(tmp, file) < 0) {
		(void)snprintf(err, errlen, "rename %s: %s", tmp,
		    strerror(errno));
		(void)unlink(tmp);
		return (-1);
	}
	(void)sync_dir(file);
	return (0);
fail:
	(void)close(fd);
	(void)unlink(tmp);
	return (-1);
}

/* ---------------------------------------------------------- the backup */

void
store_bak_close(struct store_bak *b)
{
	if (b->txn != NULL)
		mdb_txn_abort(b->txn);
	if (b->env != NULL)
		mdb_env_close(b->env);
	memset(b, 0, sizeof(*b));
}

int
store_bak_open(const char *file, struct store_bak *b, char *err,
    size_t errlen)
{
	struct store_file f;
	struct stat sb;
	MDB_val k, v;
	char why[256], buf[16];
	int fd, rc;

	memset(b, 0, sizeof(*b));
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		(void)snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		(void)snprintf(err, errlen, "%s: not a regular file", file);
		(void)close(fd);
		return (-1);
	}
	b->sb = sb;
	rc = store_file_check(fd, &f, why, sizeof(why));
	(void)close(fd);
	if (rc < 0 || store_bak_verify(file, why, sizeof(why)) < 0) {
		(void)snprintf(err, errlen, "%s: %s", file, why);
		return (-1);
	}
	if ((rc = store_bak_env(file, 0, MDB_RDONLY, &b->env, &b->txn)) != 0) {
		(void)snprintf(err, errlen, "%s: %s", file, mdb_strerror(rc));
		store_bak_close(b);
		return (-1);
	}
	/* the check and the verification read it by name too */
	if (!store_bak_unchanged(b)) {
		(void)snprintf(err, errlen, "%s: replaced or changed while it "
		    "was checked", file);
		store_bak_close(b);
		return (-1);
	}
	if ((rc = mdb_dbi_open(b->txn, NULL, 0, &b->main)) != 0 ||
	    (rc = mdb_dbi_open(b->txn, "meta", 0, &b->meta)) != 0 ||
	    (rc = mdb_dbi_open(b->txn, "history", 0, &b->history)) != 0 ||
	    (rc = mdb_dbi_open(b->txn, "suppression", 0, &b->supp)) != 0) {
		(void)snprintf(err, errlen, "%s: not an optin-milter database "
		    "(%s)", file, mdb_strerror(rc));
		store_bak_close(b);
		return (-1);
	}
	k.mv_data = "schema";
	k.mv_size = 6;
	if (mdb_get(b->txn, b->meta, &k, &v) != 0 || v.mv_size >= sizeof(buf)) {
		(void)snprintf(err, errlen, "%s: no schema in meta", file);
		store_bak_close(b);
		return (-1);
	}
	(void)snprintf(buf, sizeof(buf), "%.*s", (int)v.mv_size,
	    (const char *)v.mv_data);
	if (strtonum(buf, 0, INT_MAX, NULL) != STORE_SCHEMA) {
		(void)snprintf(err, errlen, "%s: schema %s, this version reads "
		    "%d", file, buf, STORE_SCHEMA);
		store_bak_close(b);
		return (-1);
	}
	return (0);
}

int
store_bak_unchanged(struct store_bak *b)
{
	struct stat now;
	mdb_filehandle_t fd;

	return (mdb_env_get_fd(b->env, &fd) == 0 && fstat(fd, &now) == 0 &&
	    now.st_dev == b->sb.st_dev && now.st_ino == b->sb.st_ino &&
	    now.st_size == b->sb.st_size &&
	    now.st_mtim.tv_sec == b->sb.st_mtim.tv_sec &&
	    now.st_mtim.tv_nsec == b->sb.st_mtim.tv_nsec &&
	    now.st_ctim.tv_sec == b->sb.st_ctim.tv_sec &&
	    now.st_ctim.tv_nsec == b->sb.st_ctim.tv_nsec);
}

/*
 * jump - move the history counter of the copy at TMP on by HISTORY_JUMP.
 * The database it replaces could not be read, so its counter is unknown:
 * numbers it gave out after the backup must not be given out again, or a
 * later restore of a newer backup would take changes made from now on
 * for its own and drop them (store_restore.c).
 */
#define HISTORY_JUMP	(UINT64_C(1) << 32)

static int
jump(const char *tmp, off_t size, char *err, size_t errlen)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta, hist;
	MDB_val k;
	uint64_t seq;
	int rc;

	if ((rc = store_bak_env(tmp, (size_t)size + 16 * 1024 * 1024, 0, &env,
	    &txn)) != 0) {
		(void)snprintf(err, errlen, "%s: %s", tmp, mdb_strerror(rc));
		return (-1);
	}
	/* the backup's sum (store_verify.c) is not the database's */
	k.mv_data = STORE_BACKUP_SUM;
	k.mv_size = sizeof(STORE_BACKUP_SUM) - 1;
	if ((rc = mdb_dbi_open(txn, "meta", 0, &meta)) != 0 ||
	    (rc = mdb_dbi_open(txn, "history", 0, &hist)) != 0 ||
	    (rc = store_history_top(txn, hist, meta, &seq)) != 0 ||
	    (rc = store_history_set_top(txn, meta, seq + HISTORY_JUMP)) != 0 ||
	    ((rc = mdb_del(txn, meta, &k, NULL)) != 0 && rc != MDB_NOTFOUND))
		mdb_txn_abort(txn);
	else
		rc = mdb_txn_commit(txn);
	mdb_env_close(env);
	if (rc != 0)
		(void)snprintf(err, errlen, "%s: history counter: %s", tmp,
		    mdb_strerror(rc));
	return (rc != 0 ? -1 : 0);
}

int
store_restore_file(const char *dir, const char *file, char *err,
    size_t errlen)
{
	struct store_bak b;
	struct stat sb, ob;
	char path[PATH_MAX], tmp[PATH_MAX];
	ssize_t n;
	int out, rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/data.mdb", dir) >=
	    sizeof(path)) {
		(void)snprintf(err, errlen, "%s: path too long", dir);
		return (-1);
	}
	/* the daemons' user owns the database: keep the owner */
	if (stat(path, &sb) < 0 && stat(dir, &sb) < 0) {
		(void)snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (store_bak_open(file, &b, err, errlen) < 0)
		return (-1);
	if ((out = tmp_beside(path, tmp, sizeof(tmp))) < 0) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		store_bak_close(&b);
		return (-1);
	}
	/*
	 * LMDB's compacting copy of the backup, not its bytes: the copy is
	 * made from the trees the check read through, and has no free-page
	 * list, which the check does not read and later writes would take
	 * pages from (a damaged one handed out pages still in use)
	 */
	mdb_txn_abort(b.txn);
	b.txn = NULL;
	rc = mdb_env_copyfd2(b.env, out, MDB_CP_COMPACT);
	/* written to while it was copied: the copy is of nothing checked */
	if (rc == 0 && !store_bak_unchanged(&b))
		rc = EBUSY;
	store_bak_close(&b);
	n = 0;
	if (rc != 0) {
		(void)snprintf(err, errlen, "copy %s: %s", file,
		    rc == EBUSY ? "changed while it was copied" :
		    mdb_strerror(rc));
		(void)close(out);
		(void)unlink(tmp);
		return (-1);
	}
	if (fstat(out, &ob) < 0)
		n = -1;
	if (n == 0 && jump(tmp, ob.st_size, err, errlen) < 0) {
		(void)close(out);
		(void)unlink(tmp);
		return (-1);
	}
	if (n < 0 || fchmod(out, 0640) < 0 ||
	    (geteuid() == 0 && fchown(out, sb.st_uid, sb.st_gid) < 0) ||
	    fsync(out) < 0) {
		(void)snprintf(err, errlen, "write %s: %s", tmp,
		    strerror(errno));
		(void)close(out);
		(void)unlink(tmp);
		return (-1);
	}
	(void)close(out);
	if (rename(tmp, path) < 0) {
		(void)snprintf(err, errlen, "rename %s: %s", tmp,
		    strerror(errno));
		(void)unlink(tmp);
		return (-1);
	}
	(void)sync_dir(path);
	return (0);
}
