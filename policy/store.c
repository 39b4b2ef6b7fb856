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
 *	are a 16-bit length and the bytes. Decoding checks every length.
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

#define MAX_GROWTH	10
#define MAP_LIMIT	(1ULL << 40)

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

/* txerr - record why an operation failed */
static int __attribute__((format(printf, 2, 3)))
txerr(struct store_txn *tx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(tx->err, sizeof(tx->err), fmt, ap);
	va_end(ap);
	return (-1);
}

/* mdberr - record an LMDB failure, noting a full map */
static int
mdberr(struct store_txn *tx, const char *what, int rc)
{
	if (rc == MDB_MAP_FULL || rc == MDB_TXN_FULL)
		tx->mapfull = 1;
	return (txerr(tx, "%s: %s", what, mdb_strerror(rc)));
}

const char *
store_txn_error(const struct store_txn *tx)
{
	return (tx->err);
}

/* the record codec (record.c) sees bytes, not MDB_val */
#define decode_consent(v, r) rec_decode_consent((v)->mv_data, (v)->mv_size, (r))
#define decode_supp(v, r) rec_decode_supp((v)->mv_data, (v)->mv_size, (r))
#define decode_history(k, v, r) rec_decode_history((k)->mv_data, (k)->mv_size, \
	(v)->mv_data, (v)->mv_size, (r))

/* consent_key - "addr\0list" */
static int
consent_key(const char *addr, const char *list, char *buf, size_t len,
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
			(void)mdberr(tx, "commit", crc);
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

/* ---------------------------------------------------------- history */

/* state names for history: "opt-in", "suppressed:bounce", "none" */
static void
consent_state(const struct consent_rec *r, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s", r != NULL ? status_name(r->status) :
	    "none");
}

static void
supp_state(const struct supp_rec *r, char *buf, size_t len)
{
	if (r == NULL)
		(void)snprintf(buf, len, "none");
	else
		(void)snprintf(buf, len, "suppressed:%s", supp_name(r->reason));
}

/* history_append - one record at the end of the history */
static int
history_append(struct store_txn *tx, const struct change *ch,
    const char *addr, const char *list, const char *old_state,
    const char *new_state)
{
	MDB_cursor *cur;
	MDB_val k, v;
	unsigned char kb[8];
	uint64_t seq = 0;
	struct enc e;
	int rc, i;

	if ((rc = mdb_cursor_open(tx->txn, tx->st->history, &cur)) != 0)
		return (mdberr(tx, "history cursor", rc));
	rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8)
		for (i = 0; i < 8; i++)
			seq = (seq << 8) | ((unsigned char *)k.mv_data)[i];
	else if (rc != 0 && rc != MDB_NOTFOUND) {
		mdb_cursor_close(cur);
		return (mdberr(tx, "history last", rc));
	}
	mdb_cursor_close(cur);
	seq++;
	for (i = 7; i >= 0; i--) {
		kb[i] = (unsigned char)(seq & 0xff);
		seq >>= 8;
	}
	memset(&e, 0, sizeof(e));
	enc_u8(&e, REC_VERSION);
	enc_i64(&e, ch->time != 0 ? ch->time : (int64_t)time(NULL));
	enc_u8(&e, (unsigned)ch->actor);
	enc_str(&e, addr);
	enc_str(&e, list);
	enc_str(&e, old_state);
	enc_str(&e, new_state);
	enc_str(&e, ch->source);
	enc_str(&e, ch->evidence);
	if (e.overflow)
		return (txerr(tx, "history record too large"));
	k.mv_data = kb;
	k.mv_size = 8;
	v.mv_data = e.buf;
	v.mv_size = e.len;
	if ((rc = mdb_put(tx->txn, tx->st->history, &k, &v, MDB_APPEND)) != 0)
		return (mdberr(tx, "history append", rc));
	return (0);
}

/* check_text - source and evidence fit their fields */
static int
check_text(struct store_txn *tx, const struct change *ch)
{
	if (ch->source != NULL && strlen(ch->source) >= STORE_SOURCE_MAX)
		return (txerr(tx, "source longer than %d octets",
		    STORE_SOURCE_MAX - 1));
	if (ch->evidence != NULL && strlen(ch->evidence) >= STORE_EVIDENCE_MAX)
		return (txerr(tx, "evidence longer than %d octets",
		    STORE_EVIDENCE_MAX - 1));
	return (0);
}

/* ---------------------------------------------------------- records */

int
store_get_consent(struct store_txn *tx, const char *addr, const char *list,
    struct consent_rec *r)
{
	char kb[ADDR_BUFSIZE + CONF_NAME_MAX + 2];
	MDB_val k, v;
	int rc;

	if (consent_key(addr, list, kb, sizeof(kb), &k) < 0)
		return (txerr(tx, "bad consent key"));
	rc = mdb_get(tx->txn, tx->st->consent, &k, &v);
	if (rc == MDB_NOTFOUND)
		return (0);
	if (rc != 0)
		return (mdberr(tx, "get consent", rc));
	if (decode_consent(&v, r) < 0)
		return (txerr(tx, "corrupt consent record for %s", addr));
	return (1);
}

int
store_get_suppression(struct store_txn *tx, const char *addr,
    struct supp_rec *r)
{
	MDB_val k, v;
	int rc;

	k.mv_data = (void *)(uintptr_t)addr;
	k.mv_size = strlen(addr);
	if (k.mv_size == 0 || k.mv_size > ADDR_MAX)
		return (txerr(tx, "bad suppression key"));
	rc = mdb_get(tx->txn, tx->st->supp, &k, &v);
	if (rc == MDB_NOTFOUND)
		return (0);
	if (rc != 0)
		return (mdberr(tx, "get suppression", rc));
	if (decode_supp(&v, r) < 0)
		return (txerr(tx, "corrupt suppression record for %s", addr));
	return (1);
}

int
store_put_consent(struct store_txn *tx, const char *addr, const char *list,
    const struct consent_rec *r, const struct change *ch)
{
	char kb[ADDR_BUFSIZE + CONF_NAME_MAX + 2], olds[40], news[40];
	struct consent_rec old;
	struct enc e;
	MDB_val k, v;
	int rc, had;

	if (check_text(tx, ch) < 0)
		return (-1);
	if (r->status < STATUS_MIN || r->status > STATUS_MAX)
		return (txerr(tx, "bad consent status"));
	if ((had = store_get_consent(tx, addr, list, &old)) < 0)
		return (-1);
	if (consent_key(addr, list, kb, sizeof(kb), &k) < 0)
		return (txerr(tx, "bad consent key"));
	memset(&e, 0, sizeof(e));
	enc_u8(&e, REC_VERSION);
	enc_u8(&e, (unsigned)r->status);
	enc_i64(&e, r->changed != 0 ? r->changed : (ch->time != 0 ? ch->time :
	    (int64_t)time(NULL)));
	enc_i64(&e, r->expires);
	enc_str(&e, ch->source);
	enc_str(&e, ch->evidence);
	if (e.overflow)
		return (txerr(tx, "consent record too large"));
	v.mv_data = e.buf;
	v.mv_size = e.len;
	if ((rc = mdb_put(tx->txn, tx->st->consent, &k, &v, 0)) != 0)
		return (mdberr(tx, "put consent", rc));
	consent_state(had ? &old : NULL, olds, sizeof(olds));
	consent_state(r, news, sizeof(news));
	return (history_append(tx, ch, addr, list, olds, news));
}

int
store_del_consent(struct store_txn *tx, const char *addr, const char *list,
    const struct change *ch)
{
	char kb[ADDR_BUFSIZE + CONF_NAME_MAX + 2], olds[40];
	struct consent_rec old;
	MDB_val k;
	int rc, had;

	if (check_text(tx, ch) < 0)
		return (-1);
	if ((had = store_get_consent(tx, addr, list, &old)) <= 0)
		return (had);
	if (consent_key(addr, list, kb, sizeof(kb), &k) < 0)
		return (txerr(tx, "bad consent key"));
	if ((rc = mdb_del(tx->txn, tx->st->consent, &k, NULL)) != 0)
		return (mdberr(tx, "delete consent", rc));
	consent_state(&old, olds, sizeof(olds));
	if (history_append(tx, ch, addr, list, olds, "none") < 0)
		return (-1);
	return (1);
}

/* supp_write - the record itself, without history */
static int
supp_write(struct store_txn *tx, const char *addr, const struct supp_rec *r,
    const struct change *ch)
{
	struct enc e;
	MDB_val k, v;
	int rc;

	if (r->reason < SUPP_MIN || r->reason > SUPP_MAX)
		return (txerr(tx, "bad suppression reason"));
	k.mv_data = (void *)(uintptr_t)addr;
	k.mv_size = strlen(addr);
	if (k.mv_size == 0 || k.mv_size > ADDR_MAX)
		return (txerr(tx, "bad suppression key"));
	memset(&e, 0, sizeof(e));
	enc_u8(&e, REC_VERSION);
	enc_u8(&e, (unsigned)r->reason);
	enc_i64(&e, r->changed != 0 ? r->changed : (ch->time != 0 ? ch->time :
	    (int64_t)time(NULL)));
	enc_str(&e, ch->source);
	enc_str(&e, ch->evidence);
	if (e.overflow)
		return (txerr(tx, "suppression record too large"));
	v.mv_data = e.buf;
	v.mv_size = e.len;
	if ((rc = mdb_put(tx->txn, tx->st->supp, &k, &v, 0)) != 0)
		return (mdberr(tx, "put suppression", rc));
	return (0);
}

int
store_put_suppression(struct store_txn *tx, const char *addr,
    const struct supp_rec *r, const struct change *ch)
{
	struct supp_rec old;
	char olds[40], news[40];
	int had;

	if (check_text(tx, ch) < 0)
		return (-1);
	if ((had = store_get_suppression(tx, addr, &old)) < 0)
		return (-1);
	if (supp_write(tx, addr, r, ch) < 0)
		return (-1);
	supp_state(had ? &old : NULL, olds, sizeof(olds));
	supp_state(r, news, sizeof(news));
	return (history_append(tx, ch, addr, "", olds, news));
}

int
store_del_suppression(struct store_txn *tx, const char *addr,
    const struct change *ch)
{
	struct supp_rec old;
	char olds[40];
	MDB_val k;
	int rc, had;

	if (check_text(tx, ch) < 0)
		return (-1);
	if ((had = store_get_suppression(tx, addr, &old)) <= 0)
		return (had);
	k.mv_data = (void *)(uintptr_t)addr;
	k.mv_size = strlen(addr);
	if ((rc = mdb_del(tx->txn, tx->st->supp, &k, NULL)) != 0)
		return (mdberr(tx, "delete suppression", rc));
	supp_state(&old, olds, sizeof(olds));
	if (history_append(tx, ch, addr, "", olds, "none") < 0)
		return (-1);
	return (1);
}

int
store_erase(struct store_txn *tx, const char *addr, const struct change *ch)
{
	char kb[ADDR_BUFSIZE + 1];
	struct history_rec h;
	struct supp_rec s;
	struct change quiet;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t alen = strlen(addr);
	int rc;

	if (alen == 0 || alen > ADDR_MAX)
		return (txerr(tx, "bad address"));
	memcpy(kb, addr, alen);
	kb[alen] = '\0';

	/* consent records: keys "addr\0..." */
	if ((rc = mdb_cursor_open(tx->txn, tx->st->consent, &cur)) != 0)
		return (mdberr(tx, "consent cursor", rc));
	k.mv_data = kb;
	k.mv_size = alen + 1;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size > alen && memcmp(k.mv_data, kb, alen + 1)
	    == 0) {
		/* after a delete, MDB_NEXT yields the record that followed */
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return (mdberr(tx, "erase consent", rc));

	/* history records naming the address */
	if ((rc = mdb_cursor_open(tx->txn, tx->st->history, &cur)) != 0)
		return (mdberr(tx, "history cursor", rc));
	rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	while (rc == 0) {
		if (decode_history(&k, &v, &h) == 0 &&
		    strcmp(h.address, addr) == 0) {
			if ((rc = mdb_cursor_del(cur, 0)) != 0)
				break;
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return (mdberr(tx, "erase history", rc));

	/* keep the person out of all mail, without naming them */
	memset(&s, 0, sizeof(s));
	s.reason = SUPP_LEGAL;
	quiet = *ch;
	quiet.source = "erasure";
	quiet.evidence = "";
	if (supp_write(tx, addr, &s, &quiet) < 0)
		return (-1);
	return (history_append(tx, &quiet, "(erased)", "", "", "erased"));
}

/* ---------------------------------------------------------- iteration */

int
store_each_consent(struct store_txn *tx, const char *addr,
    store_consent_cb cb, void *arg)
{
	char kb[ADDR_BUFSIZE + 1], a[ADDR_BUFSIZE], l[CONF_NAME_MAX + 1];
	struct consent_rec r;
	MDB_cursor *cur;
	MDB_val k, v;
	size_t alen = addr != NULL ? strlen(addr) : 0;
	int rc, ret = 0;

	if (alen > ADDR_MAX)
		return (txerr(tx, "bad address"));
	if ((rc = mdb_cursor_open(tx->txn, tx->st->consent, &cur)) != 0)
		return (mdberr(tx, "consent cursor", rc));
	if (addr != NULL) {
		memcpy(kb, addr, alen);
		kb[alen] = '\0';
		k.mv_data = kb;
		k.mv_size = alen + 1;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	} else
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const char *p = k.mv_data, *z;
		size_t n;

		if (addr != NULL && !(k.mv_size > alen &&
		    memcmp(p, kb, alen + 1) == 0))
			break;
		z = memchr(p, '\0', k.mv_size);
		if (z == NULL || (size_t)(z - p) >= sizeof(a) ||
		    (n = k.mv_size - (size_t)(z - p) - 1) >= sizeof(l) ||
		    decode_consent(&v, &r) < 0) {
			ret = txerr(tx, "corrupt consent record");
			break;
		}
		memcpy(a, p, (size_t)(z - p));
		a[z - p] = '\0';
		memcpy(l, z + 1, n);
		l[n] = '\0';
		if ((ret = cb(arg, a, l, &r)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		return (mdberr(tx, "consent iteration", rc));
	return (ret);
}

int
store_each_suppression(struct store_txn *tx, store_supp_cb cb, void *arg)
{
	char a[ADDR_BUFSIZE];
	struct supp_rec r;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(tx->txn, tx->st->supp, &cur)) != 0)
		return (mdberr(tx, "suppression cursor", rc));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size >= sizeof(a) || decode_supp(&v, &r) < 0) {
			ret = txerr(tx, "corrupt suppression record");
			break;
		}
		memcpy(a, k.mv_data, k.mv_size);
		a[k.mv_size] = '\0';
		if ((ret = cb(arg, a, &r)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		return (mdberr(tx, "suppression iteration", rc));
	return (ret);
}

int
store_each_history(struct store_txn *tx, const char *addr,
    store_history_cb cb, void *arg)
{
	struct history_rec h;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(tx->txn, tx->st->history, &cur)) != 0)
		return (mdberr(tx, "history cursor", rc));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (decode_history(&k, &v, &h) < 0) {
			ret = txerr(tx, "corrupt history record");
			break;
		}
		if (addr != NULL && strcmp(h.address, addr) != 0)
			continue;
		if ((ret = cb(arg, &h)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		return (mdberr(tx, "history iteration", rc));
	return (ret);
}

int
store_meta(struct store_txn *tx, int *schema, int64_t *created)
{
	char buf[32];
	MDB_val k, v;
	const char *errstr;
	int rc;

	k.mv_data = "schema";
	k.mv_size = 6;
	if ((rc = mdb_get(tx->txn, tx->st->meta, &k, &v)) != 0)
		return (mdberr(tx, "meta schema", rc));
	(void)snprintf(buf, sizeof(buf), "%.*s", (int)(v.mv_size < 31 ?
	    v.mv_size : 31), (const char *)v.mv_data);
	*schema = (int)strtonum(buf, 0, 1000, &errstr);
	k.mv_data = "created";
	k.mv_size = 7;
	*created = 0;
	if ((rc = mdb_get(tx->txn, tx->st->meta, &k, &v)) == 0) {
		(void)snprintf(buf, sizeof(buf), "%.*s", (int)(v.mv_size < 31 ?
		    v.mv_size : 31), (const char *)v.mv_data);
		*created = strtonum(buf, 0, INT64_MAX, &errstr);
	}
	return (0);
}
