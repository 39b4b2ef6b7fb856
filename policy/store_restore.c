/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_restore.c - a backup put back in one write transaction
 *
 * SYNOPSIS
 *	#include "store.h"
 *
 *	store_restore(st, file, 1, &res, err, sizeof(err));
 *
 * DESCRIPTION
 *	See store_backup.c for the design. The write function collects
 *	what to carry over from the running database, empties every named
 *	database, copies the backup's in key order and applies what it
 *	collected. store_write() may run it again (a full map grows): it
 *	starts from nothing each time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_priv.h"

struct item {
	int	supp;			/* 0 consent, 1 suppression, 2 bounce */
	char	*key, *val;		/* VAL NULL: the record is absent */
	size_t	klen, vlen;
};

struct rctx {
	struct store_bak *b;
	int	replay;
	const char *delims;
	struct store_restore_result *res;
	struct item *items;
	size_t	nitems;
	struct item *hist;		/* history records, as they are */
	size_t	nhist;
	char	(*erase)[ADDR_BUFSIZE];
	size_t	nerase;
};

static void
rctx_reset(struct rctx *r)
{
	size_t i;

	for (i = 0; i < r->nitems; i++) {
		free(r->items[i].key);
		free(r->items[i].val);
	}
	for (i = 0; i < r->nhist; i++) {
		free(r->hist[i].key);
		free(r->hist[i].val);
	}
	free(r->items);
	free(r->hist);
	free(r->erase);
	r->items = r->hist = NULL;
	r->erase = NULL;
	r->nitems = r->nhist = r->nerase = 0;
}

/* copyof - a copy of LEN bytes; NULL when out of memory */
static char *
copyof(const void *p, size_t len)
{
	char *c = malloc(len + 1);

	if (c != NULL) {
		memcpy(c, p, len);
		c[len] = '\0';
	}
	return (c);
}

/* add - one item at the end of *V (N of them) */
static int
add(struct item **v, size_t *n, int supp, const void *k, size_t klen,
    const void *val, size_t vlen)
{
	struct item *nv, *it;

	if ((nv = reallocarray(*v, *n + 1, sizeof(**v))) == NULL)
		return (-1);
	*v = nv;
	it = &nv[*n];
	memset(it, 0, sizeof(*it));
	it->supp = supp;
	it->klen = klen;
	it->vlen = vlen;
	if ((it->key = copyof(k, klen)) == NULL ||
	    (val != NULL && (it->val = copyof(val, vlen)) == NULL)) {
		free(it->key);
		return (-1);
	}
	(*n)++;
	return (0);
}

/* created - meta "created" of a transaction's database into BUF */
static void
created(MDB_txn *txn, MDB_dbi meta, char *buf, size_t len)
{
	MDB_val k, v;

	k.mv_data = "created";
	k.mv_size = 7;
	buf[0] = '\0';
	if (mdb_get(txn, meta, &k, &v) == 0 && v.mv_size < len) {
		memcpy(buf, v.mv_data, v.mv_size);
		buf[v.mv_size] = '\0';
	}
}

/* seq_of - the big-endian sequence number of a history key */
static uint64_t
seq_of(const MDB_val *k)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < k->mv_size && i < 8; i++)
		s = (s << 8) | ((const unsigned char *)k->mv_data)[i];
	return (s);
}

/* collect - what changed in the running database after the backup */
static int
collect(struct store_txn *tx, struct rctx *r)
{
	struct store *st = tx->st;
	struct history_rec h;
	struct supp_rec s, bs;
	MDB_cursor *cur;
	MDB_val k, v, lv;
	unsigned char kb[8];
	char key[ADDR_BUFSIZE + CONF_NAME_MAX + 2];
	uint64_t next = r->res->backup_seq + 1;
	int rc, i;

	for (i = 7; i >= 0; i--) {
		kb[i] = (unsigned char)(next & 0xff);
		next >>= 8;
	}
	if ((rc = mdb_cursor_open(tx->txn, st->history, &cur)) != 0)
		return (store_mdberr(tx, "history cursor", rc));
	k.mv_data = kb;
	k.mv_size = 8;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		size_t a, l;
		int supp;

		if (add(&r->hist, &r->nhist, 0, k.mv_data, k.mv_size,
		    v.mv_data, v.mv_size) < 0)
			break;
		/* a note without an address (an import's) changes no record */
		if (decode_history(&k, &v, &h) < 0 || h.address[0] == '\0' ||
		    strcmp(h.address, "(erased)") == 0)
			continue;
		a = strlen(h.address);
		l = strlen(h.list);
		supp = h.list[0] == '\0';
		memcpy(key, h.address, a);
		if (!supp) {
			key[a] = '\0';
			memcpy(key + a + 1, h.list, l);
		}
		lv.mv_data = key;
		lv.mv_size = supp ? a : a + 1 + l;
		{
			MDB_val kk = lv, vv;
			int g = mdb_get(tx->txn, supp ? st->supp : st->consent,
			    &kk, &vv);

			if (g != 0 && g != MDB_NOTFOUND)
				break;
			if (add(&r->items, &r->nitems, supp, key, lv.mv_size,
			    g == 0 ? vv.mv_data : NULL, g == 0 ? vv.mv_size :
			    0) < 0)
				break;
			/*
			 * an address's record without a list is its bounce
			 * score as well: a score, or the time of a lift, that
			 * a later report is weighed against
			 */
			if (!supp || !st->have_bounce)
				continue;
			kk = lv;
			g = mdb_get(tx->txn, st->bounce, &kk, &vv);
			if (g != 0 && g != MDB_NOTFOUND)
				break;
			if (add(&r->items, &r->nitems, 2, key, lv.mv_size,
			    g == 0 ? vv.mv_data : NULL, g == 0 ? vv.mv_size :
			    0) < 0)
				break;
		}
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return (store_txerr(tx, "restore: reading the newer history "
		    "failed"));

	/*
	 * erasures since: suppressed by "erasure" here, and not in the
	 * backup, or there by an earlier one (erased, asked again, erased
	 * again: the second is dated later)
	 */
	if ((rc = mdb_cursor_open(tx->txn, st->supp, &cur)) != 0)
		return (store_mdberr(tx, "suppression cursor", rc));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		MDB_val bk = k, bv;
		char (*ne)[ADDR_BUFSIZE];

		if (rec_decode_supp(v.mv_data, v.mv_size, &s) < 0 ||
		    strcmp(s.source, STORE_ERASURE_SOURCE) != 0 ||
		    k.mv_size >= ADDR_BUFSIZE)
			continue;
		if (mdb_get(r->b->txn, r->b->supp, &bk, &bv) == 0 &&
		    rec_decode_supp(bv.mv_data, bv.mv_size, &bs) == 0 &&
		    strcmp(bs.source, STORE_ERASURE_SOURCE) == 0 &&
		    bs.changed >= s.changed)
			continue;
		if ((ne = reallocarray(r->erase, r->nerase + 1,
		    sizeof(*ne))) == NULL)
			break;
		r->erase = ne;
		memcpy(ne[r->nerase], k.mv_data, k.mv_size);
		ne[r->nerase][k.mv_size] = '\0';
		r->nerase++;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return (store_txerr(tx, "restore: reading suppressions failed"));
	return (0);
}

/* names - the named databases of TXN's main database (malloc'd) */
static int
names(MDB_txn *txn, MDB_dbi main, char ***out, size_t *n)
{
	MDB_cursor *cur;
	MDB_val k, v;
	char **nv;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = mdb_cursor_open(txn, main, &cur)) != 0)
		return (-1);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size == 0 || k.mv_size > 64 ||
		    memchr(k.mv_data, '\0', k.mv_size) != NULL)
			continue;
		if ((nv = reallocarray(*out, *n + 1, sizeof(*nv))) == NULL)
			break;
		*out = nv;
		if ((nv[*n] = copyof(k.mv_data, k.mv_size)) == NULL)
			break;
		(*n)++;
	}
	mdb_cursor_close(cur);
	return (rc == MDB_NOTFOUND ? 0 : -1);
}

static void
names_free(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* copy_all - empty every named database, then fill it from the backup */
static int
copy_all(struct store_txn *tx, struct rctx *r)
{
	MDB_dbi main, ldbi, bdbi;
	MDB_cursor *cur;
	MDB_val k, v;
	char **ln, **bn;
	size_t nl, nb, i;
	unsigned flags;
	int rc = 0;

	if ((rc = mdb_dbi_open(tx->txn, NULL, 0, &main)) != 0)
		return (store_mdberr(tx, "main database", rc));
	if (names(tx->txn, main, &ln, &nl) < 0)
		return (store_txerr(tx, "restore: cannot list the databases"));
	for (i = 0; i < nl && rc == 0; i++)
		if (mdb_dbi_open(tx->txn, ln[i], 0, &ldbi) == 0)
			rc = mdb_drop(tx->txn, ldbi, 0);
	names_free(ln, nl);
	if (rc != 0)
		return (store_mdberr(tx, "restore: empty", rc));
	if (names(r->b->txn, r->b->main, &bn, &nb) < 0)
		return (store_txerr(tx, "restore: cannot list the backup's "
		    "databases"));
	for (i = 0; i < nb && rc == 0; i++) {
		if (mdb_dbi_open(r->b->txn, bn[i], 0, &bdbi) != 0)
			continue;	/* a plain key, not a database */
		if ((rc = mdb_dbi_flags(r->b->txn, bdbi, &flags)) != 0 ||
		    (rc = mdb_dbi_open(tx->txn, bn[i], (flags &
		    (MDB_DUPSORT | MDB_INTEGERKEY | MDB_DUPFIXED |
		    MDB_REVERSEKEY | MDB_REVERSEDUP | MDB_INTEGERDUP)) |
		    MDB_CREATE, &ldbi)) != 0 ||
		    (rc = mdb_cursor_open(r->b->txn, bdbi, &cur)) != 0)
			break;
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			/* the backup's own sum (store_verify.c) stays there */
			if (strcmp(bn[i], "meta") == 0 && k.mv_size ==
			    sizeof(STORE_BACKUP_SUM) - 1 && memcmp(k.mv_data,
			    STORE_BACKUP_SUM, k.mv_size) == 0)
				continue;
			if ((rc = mdb_put(tx->txn, ldbi, &k, &v,
			    (flags & MDB_DUPSORT) ? 0 : MDB_APPEND)) != 0)
				break;
		}
		mdb_cursor_close(cur);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	}
	names_free(bn, nb);
	if (rc != 0)
		return (store_mdberr(tx, "restore: copy", rc));
	return (0);
}

/* apply - what was collected, on top of the backup's records */
static int
apply(struct store_txn *tx, struct rctx *r)
{
	struct store *st = tx->st;
	struct change ch = { ACTOR_CLI, "restore", "", 0 };
	MDB_val k, v;
	size_t i;
	int rc;

	tx->dlen = 0;		/* consent written behind store_merge_consent() */
	/*
	 * the erasures first, on the backup's records: what the person
	 * gave after an erasure is among the changes carried over below,
	 * and erasing after them took it too
	 */
	for (i = 0; i < r->nerase; i++)
		if (store_erase_again(tx, r->erase[i], r->delims, &ch) < 0)
			return (-1);
	for (i = 0; i < r->nitems; i++) {
		MDB_dbi d = r->items[i].supp == 2 ? st->bounce :
		    r->items[i].supp ? st->supp : st->consent;

		k.mv_data = r->items[i].key;
		k.mv_size = r->items[i].klen;
		if (r->items[i].val != NULL) {
			v.mv_data = r->items[i].val;
			v.mv_size = r->items[i].vlen;
			rc = mdb_put(tx->txn, d, &k, &v, 0);
		} else if ((rc = mdb_del(tx->txn, d, &k, NULL)) == MDB_NOTFOUND)
			rc = 0;
		if (rc != 0)
			return (store_mdberr(tx, "restore: carry over", rc));
	}
	for (i = 0; i < r->nhist; i++) {
		k.mv_data = r->hist[i].key;
		k.mv_size = r->hist[i].klen;
		v.mv_data = r->hist[i].val;
		v.mv_size = r->hist[i].vlen;
		if ((rc = mdb_put(tx->txn, st->history, &k, &v, MDB_APPEND))
		    != 0)
			return (store_mdberr(tx, "restore: history", rc));
	}
	r->res->replayed = r->nhist;
	r->res->erased = r->nerase;
	return (0);
}

static int
restore_fn(struct store_txn *tx, void *arg)
{
	struct rctx *r = arg;
	char mine[32], theirs[32];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	rctx_reset(r);
	/*
	 * The history counter stays where this database had it, also under
	 * --no-replay: the numbers after a backup's last are what a later
	 * restore of it carries over, so none may be given out again.
	 */
	if (store_history_hold(tx) < 0)
		return (-1);
	created(tx->txn, tx->st->meta, mine, sizeof(mine));
	created(r->b->txn, r->b->meta, theirs, sizeof(theirs));
	r->res->same = mine[0] != '\0' && strcmp(mine, theirs) == 0;
	r->res->backup_seq = 0;
	if ((rc = mdb_cursor_open(r->b->txn, r->b->history, &cur)) != 0)
		return (store_mdberr(tx, "backup history", rc));
	if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0)
		r->res->backup_seq = seq_of(&k);
	mdb_cursor_close(cur);
	if (r->replay && r->res->same && collect(tx, r) < 0)
		return (-1);
	if (copy_all(tx, r) < 0 || apply(tx, r) < 0)
		return (-1);
	/* written to while it was read: what was read was not checked */
	if (!store_bak_unchanged(r->b))
		return (store_txerr(tx, "the backup changed while it was read"));
	return (0);
}

int
store_restore(struct store *st, const char *file, int replay,
    const char *delims, struct store_restore_result *res, char *err,
    size_t errlen)
{
	struct store_bak b;
	struct rctx r;
	int rc;

	memset(res, 0, sizeof(*res));
	if (store_bak_open(file, &b, err, errlen) < 0)
		return (-1);
	memset(&r, 0, sizeof(r));
	r.b = &b;
	r.replay = replay;
	r.delims = delims;
	r.res = res;
	rc = store_write(st, restore_fn, &r, err, errlen);
	rctx_reset(&r);
	store_bak_close(&b);
	return (rc == 0 ? 0 : -1);
}
