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

#include <sys/types.h>

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include <sys/stat.h>

#include <lmdb.h>

#include "record.h"
#include "store.h"

#define MAX_GROWTH	10		/* doublings of the map per write */
#define MAP_LIMIT	(1ULL << 40)
#define STORE_READERS	256		/* reader slots */

/* store_mono_sec - seconds on the monotonic clock (no wall clock steps) */
time_t	store_mono_sec(void);

/* what store_file_check() read from a meta page */
struct store_meta {
	uint64_t root[2];		/* free and main database roots */
	uint64_t last_pg;
	uint64_t txnid;
};

/* data.mdb as seen through its descriptor */
struct store_file {
	dev_t	dev;
	ino_t	ino;
	uint64_t size;
	unsigned psize;
	struct store_meta meta[2];
	int	newest;			/* index of the newer meta */
	uint64_t need;			/* octets up to the newest last page */
};

/*
 * store_file_check - read and check the meta pages of the open data.mdb
 * FD without mapping it; -1 with WHY when mapping it is not safe.
 */
int	store_file_check(int fd, struct store_file *, char *why,
	    size_t whylen);

/*
 * The handle stays valid while the environment behind it is closed and
 * opened again (damaged, replaced, LMDB's fatal error). Every
 * transaction holds RESIZE shared; growing the map, closing and
 * reopening the environment hold it exclusively. ENV and everything
 * about the mapped file change only under the exclusive lock; the
 * times of the last checks are under MU.
 */
struct store {
	char	dir[4096];
	char	path[4200];		/* DIR/data.mdb */
	uint64_t mapsize;
	int	flags;
	int	rdonly;
	pthread_rwlock_t resize;

	MDB_env	*env;			/* NULL: not open now */
	MDB_dbi	consent, supp, history, meta;
	MDB_dbi	bounce;			/* store_bounce.c */
	int	have_bounce;		/* 0: an old database opened read-only */
	int	fd;			/* LMDB's descriptor of data.mdb */
	dev_t	dev;			/* what is mapped */
	ino_t	ino;
	dev_t	lock_dev;		/* the lock.mdb it was opened with */
	ino_t	lock_ino;
	char	lockpath[4200];		/* DIR/lock.mdb */
	pthread_mutex_t wlock;		/* this process's writers, in turn */
	unsigned gen;			/* bumped at every open */
	int	guard;			/* slot in store_guard.c, or -1 */

	pthread_mutex_t mu;
	uint64_t size_seen;		/* largest size of this inode */
	dev_t	seen_dev;
	ino_t	seen_ino;
	time_t	tried;			/* last failed open */
	time_t	meta_checked, readers_checked; /* store_mono_sec() */
	int	bad;			/* the last open or check failed */
	char	why[320];		/* and why */
	store_notify_fn notify;
	void	*notify_arg;
};

struct store_txn {
	struct store *st;
	MDB_txn	*txn;
	unsigned gen;
	int	mapfull;
	int	panic;			/* LMDB said MDB_PANIC */
	uint64_t hist_next;		/* next history sequence; 0 unknown */
	int	write;			/* holds wlock and the flock */
	/*
	 * store_merge_consent(): the consent of one "@d" NUL list key, as
	 * long as this transaction writes no domain's consent (dlen 0:
	 * nothing remembered); an import asks it for every line
	 */
	char	dkey[ADDR_BUFSIZE + CONF_NAME_MAX + 2];
	size_t	dlen;
	int	dfound;
	int	dstatus;
	int64_t	dchanged;
	char	err[256];
};

/* the record codec (record.c) sees bytes, not MDB_val */
#define decode_consent(v, r) rec_decode_consent((v)->mv_data, (v)->mv_size, (r))
#define decode_supp(v, r) rec_decode_supp((v)->mv_data, (v)->mv_size, (r))
#define decode_history(k, v, r) rec_decode_history((k)->mv_data, (k)->mv_size, \
	(v)->mv_data, (v)->mv_size, (r))

/* store_env_open - open ST's directory as it is now; 0, -1 with ERR, -2 */
int	store_env_open(struct store *, char *err, size_t errlen);
/* store_env_close - close the environment (if open) */
void	store_env_close(struct store *);
/* store_adopt_resize - another process grew the map: map its size */
void	store_adopt_resize(struct store *);
/* store_user_hint - " (running as uid N, user U: ...)" into BUF */
const char *store_user_hint(char *buf, size_t len);

/* store_bounce_erase - remove the bounce score of ADDR, without history */
int	store_bounce_erase(struct store_txn *, const char *addr);
/* store_bounce_decode - a bounce record; 0, or -1 when malformed */
int	store_bounce_decode(const MDB_val *, struct bounce_rec *);

/* a backup file opened read-only, in a read transaction (store_backup.c) */
struct store_bak {
	MDB_env	*env;
	MDB_txn	*txn;
	MDB_dbi	main, meta, history, supp;
	struct stat sb;			/* the file as it was checked */
};
/*
 * store_bak_open - FILE checked and opened; 0, or -1 with ERR. The file
 * LMDB opens must be the one checked (FILE is opened by its name more
 * than once): another one, or one changed since, is refused.
 */
int	store_bak_open(const char *file, struct store_bak *, char *err,
	    size_t errlen);
/* store_bak_unchanged - 1 while the opened file is still as checked */
int	store_bak_unchanged(struct store_bak *);
void	store_bak_close(struct store_bak *);
/* store_verify.c: the sum of a new copy at TMP; a backup read through */
#define STORE_BACKUP_SUM	"backup-sum"	/* meta key of a backup's sum */
int	store_bak_seal(const char *tmp, size_t size, char *err, size_t errlen);
int	store_bak_verify(const char *file, char *err, size_t errlen);
/*
 * store_bak_env - FILE as an LMDB environment of one file and no lock
 * file, with a transaction (MDB_RDONLY in FLAGS: a read-only one); SIZE,
 * when not 0, the map size. 0, or an LMDB error.
 */
int	store_bak_env(const char *file, size_t size, unsigned flags,
	    MDB_env **, MDB_txn **);

/* store_guard.c: a page read past the end of the file is zeros, not SIGBUS */
void	store_guard_attach(struct store *);	/* the map is made or moved */
void	store_guard_detach(struct store *);	/* it is about to go */
void	store_guard_release(struct store *);	/* the store goes */
int	store_guard_hit(struct store *);	/* 1 until the map goes */
/* store_guard_fault - 1 (TX's error set) when a fault made up a page */
int	store_guard_fault(struct store_txn *);
/* set while this thread commits: no made-up pages */
extern __thread volatile sig_atomic_t store_guard_writing;

/* store_txerr - record why an operation failed; returns -1 */
int	store_txerr(struct store_txn *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* store_mdberr - record an LMDB failure, noting a full map; returns -1 */
int	store_mdberr(struct store_txn *, const char *what, int rc);
/* store_consent_key - "addr\0list" into BUF; -1 when it does not fit */
int	store_consent_key(const char *addr, const char *list, char *buf,
	    size_t len, MDB_val *);
/*
 * store_history_flush - write the history counter of TX's appends to
 * meta; store_write() calls it before each commit. 0 / -1.
 */
int	store_history_flush(struct store_txn *);
/*
 * store_history_top - the last history sequence number given out in TXN:
 * the larger of the last record's and the counter in meta; 0 or an LMDB
 * error. store_history_set_top() writes the counter.
 */
int	store_history_top(MDB_txn *, MDB_dbi history, MDB_dbi meta,
	    uint64_t *seq);
int	store_history_set_top(MDB_txn *, MDB_dbi meta, uint64_t seq);
/*
 * store_history_hold - read TX's history counter now, so that the counter
 * written at its commit is never below it, whatever TX puts in place of
 * the history and meta (a restore): a number is never given out twice
 */
int	store_history_hold(struct store_txn *);
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
