/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store.h - the consent and suppression database (LMDB)
 *
 * SYNOPSIS
 *	struct store *st;
 *	store_open(dir, mapsize, STORE_CREATE, &st, err, sizeof(err));
 *
 *	struct store_txn *tx;
 *	store_read_begin(st, &tx, err, sizeof(err));
 *	store_get_consent(tx, "bob@example.org", "marketing", &rec);
 *	store_read_end(tx);
 *
 *	store_write(st, fn, arg, err, sizeof(err));	(fn runs in a write txn)
 *
 * DESCRIPTION
 *	This is the only module that sees LMDB. It hides the recoverable
 *	conditions (map full: the map grows and the write is run again;
 *	map resized by another process: adopted; reader table full: stale
 *	readers cleared, then retried for a few seconds) so that callers
 *	see found / not found / error. Lookups return 1 found, 0 not
 *	found, -1 error (the reason in store_txn_error()).
 *
 *	The handle outlives the environment behind it. Before a
 *	transaction begins, data.mdb is checked without mapping it (its
 *	size never shrinks, its meta pages are LMDB's and name pages inside
 *	the file: store_check.c), and at least once a second, and before
 *	and after every write, that the file at DIR/data.mdb is still the
 *	one mapped (and lock.mdb the one it was opened with). Writers take
 *	turns through flock(2) on data.mdb as well as LMDB's writer lock,
 *	so that processes that do not share a lock.mdb (one was removed)
 *	never write at once. A damaged file closes the environment (the
 *	transaction fails with the reason); a replaced or removed one, or
 *	LMDB's MDB_PANIC, closes it and opens the file now at the path. Stale
 *	reader slots are cleared at open and every ten seconds. A file cut
 *	short while a read transaction is under way, after its check, is
 *	caught too (store_guard.c: the SIGBUS is turned into an error of
 *	that transaction, and a write is aborted); during a commit itself it
 *	still ends the process, since a commit must not copy a made-up page.
 *	With
 *	STORE_LAZY the environment need not open at first: it is tried
 *	again at most once a second, and each failure is the error of the
 *	transaction that could not begin.
 *
 *	Every change also appends a record to the history. Writes are
 *	committed durably (fsync) before store_write() returns.
 *
 *	Records copied out are the caller's; nothing returned points into
 *	the map.
 */
#ifndef OPTIN_STORE_H
#define OPTIN_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"

#define STORE_SOURCE_MAX	128
#define STORE_EVIDENCE_MAX	512
#define STORE_SCHEMA		1

#define STORE_RDONLY	0x01
#define STORE_CREATE	0x02	/* create the directory and databases */
#define STORE_LAZY	0x04	/* a handle even if it cannot open now */

struct store;
struct store_txn;

struct consent_rec {
	int	status;			/* enum consent_status */
	int64_t	changed;
	int64_t	expires;		/* 0: never */
	char	source[STORE_SOURCE_MAX];
	char	evidence[STORE_EVIDENCE_MAX];
};

struct supp_rec {
	int	reason;			/* enum supp_reason */
	int64_t	changed;
	char	source[STORE_SOURCE_MAX];
	char	evidence[STORE_EVIDENCE_MAX];
	/*
	 * the person's own unsubscribe-all, made before or after the
	 * stronger reason above and kept under it (0: none): an unsuppress
	 * puts it back in its place, with its date and proof
	 */
	int64_t	all_changed;
	char	all_source[STORE_SOURCE_MAX];
	char	all_evidence[STORE_EVIDENCE_MAX];
};

struct history_rec {
	uint64_t seq;
	int64_t	time;
	int	actor;			/* enum actor */
	char	address[ADDR_BUFSIZE];
	char	list[CONF_NAME_MAX + 1];	/* "" for suppressions */
	char	old_state[40];		/* "opt-in", "suppressed:bounce", "none" */
	char	new_state[40];
	char	source[STORE_SOURCE_MAX];
	char	evidence[STORE_EVIDENCE_MAX];
};

/* who, why and with what proof a change is made */
struct change {
	int	actor;			/* enum actor */
	const char *source;		/* NULL: "" */
	const char *evidence;		/* NULL: "" */
	int64_t	time;			/* 0: now */
};

int	store_open(const char *dir, uint64_t mapsize, int flags,
	    struct store **out, char *err, size_t errlen)
	    __attribute__((warn_unused_result));
void	store_close(struct store *);
uint64_t store_mapsize(struct store *);

/*
 * store_reserve - grow the map now, doubling it as a full map does, until
 * it holds the data in the file and BYTES more (up to the map's limit),
 * so that a large write need not fill the map and run again. 0, or -1
 * when the map could not grow (it still grows when it fills).
 */
int	store_reserve(struct store *, uint64_t bytes);

/*
 * store_set_notify - FN(ARG, bad, text) is called when the database
 * goes bad (damaged, replaced, removed, cannot open: BAD 1) or is good
 * again or had something worth saying (BAD 0), once per change, from
 * whichever thread noticed. Set it before the handle is shared.
 */
typedef void (*store_notify_fn)(void *arg, int bad, const char *text);
void	store_set_notify(struct store *, store_notify_fn, void *arg);

/*
 * store_check - check data.mdb now (identity, size, meta pages) and
 * open it if it is not open; 0 when it can be used, else -1 with ERR.
 */
int	store_check(struct store *, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

int	store_read_begin(struct store *, struct store_txn **, char *err,
	    size_t errlen) __attribute__((warn_unused_result));
void	store_read_end(struct store_txn *);

/*
 * store_write - run FN(txn, ARG) in a write transaction and commit it.
 * FN returns 0 to commit, -1 on a database error, -2 to abort without
 * error from the store (FN reports its own). When the map is full the
 * map grows and FN runs again from the start: FN must not keep state
 * across runs that it does not reset. FN also runs again when data.mdb
 * was replaced while it ran, so that the change lands in the file that
 * is at the path when store_write() returns 0. Returns 0, -1 (ERR set),
 * or -2.
 */
typedef int (*store_write_fn)(struct store_txn *, void *);
int	store_write(struct store *, store_write_fn, void *arg, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

/* the reason of the last failure in this transaction */
const char *store_txn_error(const struct store_txn *);

int	store_get_consent(struct store_txn *, const char *addr,
	    const char *list, struct consent_rec *)
	    __attribute__((warn_unused_result));
int	store_get_suppression(struct store_txn *, const char *addr,
	    struct supp_rec *) __attribute__((warn_unused_result));

/*
 * store_consent_valid - 0 when ADDR may hold a consent record of STATUS,
 * else -1 with *WHY set (a static string). Express consent (opt-in) is
 * given by a person: a "@domain" key cannot hold it. store_put_consent()
 * applies the same rule; callers use this to refuse early.
 */
int	store_consent_valid(const char *addr, int status, const char **why)
	    __attribute__((warn_unused_result));

/* writes: 0 ok, -1 error; the deletes return 1 deleted, 0 absent, -1 */
int	store_put_consent(struct store_txn *, const char *addr,
	    const char *list, const struct consent_rec *,
	    const struct change *) __attribute__((warn_unused_result));
/*
 * store_merge_consent - store_put_consent() for a bulk import: a person's
 * opt-out on file is not undone by a record that is no opt-out and has
 * no date of its own (changed 0) or one not later than the opt-out's;
 * neither, by a record with no date of its own (which would be dated
 * now), is the opt-out of user@d (with delimiter set DELIMS) or of @d,
 * which reach the address too: a dated one is written, and decide()
 * lets the later stand. Nor is the person's unsubscribe-all (of the
 * address or user@d) undone by an opt-in line, dated or not, which
 * decide() would let stand over it. 0 written, 1 kept as it was by an
 * opt-out, 2 by an unsubscribe-all (nothing written; BY holds user@d or
 * @d when theirs kept it, else ""), -1 error.
 */
int	store_merge_consent(struct store_txn *, const char *addr,
	    const char *delims, const char *list, const struct consent_rec *,
	    const struct change *, char *by, size_t bylen)
	    __attribute__((warn_unused_result));
/*
 * store_own_all - 1 when ADDR or its untagged form (DELIMS) carries the
 * suppression unsubscribe-all, made at SINCE or later (0: any), with BY
 * (BYLEN may be 0) set to the untagged form when it is that one's; 0
 * when not, -1 on a store error
 */
int	store_own_all(struct store_txn *, const char *addr, const char *delims,
	    int64_t since, char *by, size_t bylen)
	    __attribute__((warn_unused_result));

/*
 * store_outlives - does OLD, an opt-out, outlive R: is R no opt-out, with
 * no date of its own (changed 0) or one not later than OLD's? The rule
 * of store_merge_consent() and of decide() between the records of
 * user+tag@d, user@d and @d.
 */
int	store_outlives(const struct consent_rec *old,
	    const struct consent_rec *r);
int	store_del_consent(struct store_txn *, const char *addr,
	    const char *list, const struct change *)
	    __attribute__((warn_unused_result));
int	store_put_suppression(struct store_txn *, const char *addr,
	    const struct supp_rec *, const struct change *)
	    __attribute__((warn_unused_result));
/*
 * store_put_suppression - REASON for ADDR. Over the person's own
 * unsubscribe-all another reason keeps it under it (all_*); an
 * unsubscribe-all under another reason on file is kept under that one.
 * store_del_suppression - 0 none on file, 1 removed, 2 the reason
 * removed and the unsubscribe-all under it put back in its place.
 */
int	store_del_suppression(struct store_txn *, const char *addr,
	    const struct change *) __attribute__((warn_unused_result));

/*
 * store_history_note - a history record of CH with no address or list and
 * WHAT as its new state, e.g. the start of an import naming its file in
 * the evidence; its sequence number in *SEQ. 0 / -1.
 */
int	store_history_note(struct store_txn *, const struct change *,
	    const char *what, uint64_t *seq) __attribute__((warn_unused_result));

/*
 * store_erase - right to erasure for ADDR: remove every consent and
 * suppression record, history record and bounce score of an address
 * whose untagged form (recipient delimiters DELIMS, may be NULL) is
 * ADDR's, and scrub the address in any tagged form from the source and
 * evidence of every other record; then suppress it (reason legal,
 * source erasure) so that it is never mailed again. The history keeps
 * only that an erasure happened, not the address, and its sequence
 * numbers are never given out again. TALLY (may be NULL) says what was
 * done, for the administrator.
 */
/* the source of the suppression an erasure leaves (store_erase()) */
#define STORE_ERASURE_SOURCE	"erasure"
struct store_erase_tally {
	size_t	removed;	/* the person's records removed */
	size_t	scrubbed;	/* other records scrubbed of the address */
	int	again;		/* one removed was an earlier erasure's */
};
int	store_erase(struct store_txn *, const char *addr, const char *delims,
	    const struct change *, struct store_erase_tally *)
	    __attribute__((warn_unused_result));
/*
 * store_erase_again - an erasure made since a backup, once more on the
 * backup's records being restored; the history record that says so is
 * among those carried over, so none is added
 */
int	store_erase_again(struct store_txn *, const char *addr,
	    const char *delims, const struct change *)
	    __attribute__((warn_unused_result));

/*
 * store_scrub - IN with every address whose untagged form is TARGET
 * replaced by "(erased)", into OUT; 1 when something was replaced, 0
 * when not, -1 when OUT is too small.
 */
int	store_scrub(const char *in, const char *target, const char *delims,
	    char *out, size_t outlen);
/*
 * store_names - 1 when IN names an address whose untagged form is TARGET
 * as a whole (all of the local part before its '@', or quoted), without
 * the guesses store_scrub() makes after a separator: what it finds is
 * removed whole (optinctl erase, kept reports)
 */
int	store_names(const char *in, const char *target, const char *delims);

/*
 * store_backup - a consistent, compacted copy of the database in FILE
 * (mode 0600) while others read and write; FILE is whole or absent.
 */
int	store_backup(struct store *, const char *file, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

struct store_restore_result {
	int	same;			/* the backup is of this database */
	uint64_t backup_seq;		/* its last history record */
	size_t	replayed;		/* newer history records carried over */
	size_t	erased;			/* erasures done again */
};

/*
 * store_restore - the records of the backup FILE in place of the
 * database's, in one write transaction, while daemons run. With REPLAY
 * and a backup of this same database, what changed after the backup
 * was taken (its history, the records it names, erasures with the
 * recipient delimiters DELIMS) is kept.
 */
int	store_restore(struct store *, const char *file, int replay,
	    const char *delims, struct store_restore_result *, char *err,
	    size_t errlen)
	    __attribute__((warn_unused_result));

/*
 * store_restore_file - for a database that cannot be opened: a checked
 * copy of FILE in place of DIR/data.mdb (owner kept, synced, renamed);
 * running daemons open it within a second.
 */
int	store_restore_file(const char *dir, const char *file, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

/*
 * Iteration, in address order (history: in time order). ADDR NULL means
 * every record. The callback returns 0 to go on, non-zero to stop; that
 * value is returned. -1 on a database error.
 */
typedef int (*store_consent_cb)(void *, const char *addr, const char *list,
    const struct consent_rec *);
typedef int (*store_supp_cb)(void *, const char *addr, const struct supp_rec *);
typedef int (*store_history_cb)(void *, const struct history_rec *);
int	store_each_consent(struct store_txn *, const char *addr,
	    store_consent_cb, void *);
int	store_each_suppression(struct store_txn *, store_supp_cb, void *);
int	store_each_history(struct store_txn *, const char *addr,
	    store_history_cb, void *);

/*
 * Bounce scores (store_bounce.c). SCORE is in hundredths (150 is 1.5);
 * LAST is when the last bounce was counted. A put or delete appends a
 * history record ("bounce-score:1.50"). store_note() appends a history
 * record of an event that changes no state, such as a report received
 * (NEW_STATE "report:hard", the evidence in CH).
 */
struct bounce_rec {
	int64_t	score;
	int64_t	last;
	int64_t	count;			/* bounces counted into the score */
	int64_t	lifted;			/* unsuppressed then; 0: never */
};
int	store_get_bounce(struct store_txn *, const char *addr,
	    struct bounce_rec *) __attribute__((warn_unused_result));
int	store_put_bounce(struct store_txn *, const char *addr,
	    const struct bounce_rec *, const struct change *)
	    __attribute__((warn_unused_result));
int	store_del_bounce(struct store_txn *, const char *addr,
	    const struct change *) __attribute__((warn_unused_result));
/*
 * store_lift_bounce - the operator lifted ADDR's suppression at
 * CH->time: the score starts again from zero and the time is kept, so
 * that a report about mail sent before it is known to be stale
 */
int	store_lift_bounce(struct store_txn *, const char *addr,
	    const struct change *) __attribute__((warn_unused_result));
int	store_note(struct store_txn *, const char *addr, const char *list,
	    const char *new_state, const struct change *)
	    __attribute__((warn_unused_result));
typedef int (*store_bounce_cb)(void *, const char *addr,
    const struct bounce_rec *);
int	store_each_bounce(struct store_txn *, store_bounce_cb, void *);

/* schema version and creation time of the database */
int	store_meta(struct store_txn *, int *schema, int64_t *created)
	    __attribute__((warn_unused_result));

#endif
