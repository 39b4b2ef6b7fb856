/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_bounce.c - bounce scores and report notes
 *
 * SYNOPSIS
 *	#include "store.h"
 *
 * DESCRIPTION
 *	The bounce database maps a normalised address to its score:
 *	version(1) score(8) last(8) count(8) [lifted(8)], big-endian
 *	(records written before the lift time existed have none). A
 *	database made
 *	before bounce scores existed and opened read-only has no such
 *	database: lookups find nothing there, writes fail.
 *
 *	Every change appends a history record, like the rest of the
 *	store; store_note() records a report without a change of state.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_priv.h"

#define BOUNCE_REC_OLD	25
#define BOUNCE_REC_LEN	33

/* key_of - the key of ADDR; -1 when it is no address */
static int
key_of(struct store_txn *tx, const char *addr, MDB_val *k)
{
	size_t n = strlen(addr);

	if (n == 0 || n > ADDR_MAX)
		return (store_txerr(tx, "bad address"));
	k->mv_data = (void *)(uintptr_t)addr;
	k->mv_size = n;
	return (0);
}

static void
put64(unsigned char *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
}

static int64_t
get64(const unsigned char *p)
{
	uint64_t u = 0;
	int i;

	for (i = 0; i < 8; i++)
		u = (u << 8) | p[i];
	return ((int64_t)u);
}

int
store_bounce_decode(const MDB_val *v, struct bounce_rec *r)
{
	const unsigned char *p = v->mv_data;

	if ((v->mv_size != BOUNCE_REC_LEN && v->mv_size != BOUNCE_REC_OLD) ||
	    p[0] != REC_VERSION)
		return (-1);
	r->score = get64(p + 1);
	r->last = get64(p + 9);
	r->count = get64(p + 17);
	r->lifted = v->mv_size == BOUNCE_REC_LEN ? get64(p + 25) : 0;
	return (r->score < 0 || r->count < 0 || r->lifted < 0 ? -1 : 0);
}

/* state - "bounce-score:1.50" or "none" */
static void
state(const struct bounce_rec *r, char *buf, size_t len)
{
	if (r == NULL || (r->score == 0 && r->count == 0))
		(void)snprintf(buf, len, "none");
	else
		(void)snprintf(buf, len, "bounce-score:%lld.%02lld",
		    (long long)(r->score / 100), (long long)(r->score % 100));
}

int
store_get_bounce(struct store_txn *tx, const char *addr, struct bounce_rec *r)
{
	MDB_val k, v;
	int rc;

	memset(r, 0, sizeof(*r));
	if (key_of(tx, addr, &k) < 0)
		return (-1);
	if (!tx->st->have_bounce)
		return (0);
	rc = mdb_get(tx->txn, tx->st->bounce, &k, &v);
	if (store_guard_fault(tx))
		return (-1);
	if (rc == MDB_NOTFOUND)
		return (0);
	if (rc != 0)
		return (store_mdberr(tx, "get bounce", rc));
	if (store_bounce_decode(&v, r) < 0)
		return (store_txerr(tx, "corrupt bounce record"));
	return (1);
}

int
store_put_bounce(struct store_txn *tx, const char *addr,
    const struct bounce_rec *r, const struct change *ch)
{
	unsigned char buf[BOUNCE_REC_LEN];
	struct bounce_rec old;
	char olds[40], news[40];
	MDB_val k, v;
	int rc, had;

	if (store_check_text(tx, ch) < 0)
		return (-1);
	if (!tx->st->have_bounce)
		return (store_txerr(tx, "no bounce database (open it writable "
		    "once)"));
	if (r->score < 0 || r->count < 0)
		return (store_txerr(tx, "negative bounce score"));
	if ((had = store_get_bounce(tx, addr, &old)) < 0)
		return (-1);
	buf[0] = REC_VERSION;
	put64(buf + 1, r->score);
	put64(buf + 9, r->last);
	put64(buf + 17, r->count);
	put64(buf + 25, r->lifted);
	(void)key_of(tx, addr, &k);
	v.mv_data = buf;
	v.mv_size = sizeof(buf);
	if ((rc = mdb_put(tx->txn, tx->st->bounce, &k, &v, 0)) != 0)
		return (store_mdberr(tx, "put bounce", rc));
	state(had ? &old : NULL, olds, sizeof(olds));
	state(r, news, sizeof(news));
	return (store_history_append(tx, ch, addr, "", olds, news));
}

int
store_del_bounce(struct store_txn *tx, const char *addr,
    const struct change *ch)
{
	struct bounce_rec old;
	char olds[40];
	int had;

	if (store_check_text(tx, ch) < 0)
		return (-1);
	if ((had = store_get_bounce(tx, addr, &old)) <= 0)
		return (had);
	if (store_bounce_erase(tx, addr) < 0)
		return (-1);
	state(&old, olds, sizeof(olds));
	if (store_history_append(tx, ch, addr, "", olds, "none") < 0)
		return (-1);
	return (1);
}

int
store_lift_bounce(struct store_txn *tx, const char *addr,
    const struct change *ch)
{
	struct bounce_rec r;

	memset(&r, 0, sizeof(r));
	r.lifted = ch->time != 0 ? ch->time : (int64_t)time(NULL);
	return (store_put_bounce(tx, addr, &r, ch));
}

int
store_bounce_erase(struct store_txn *tx, const char *addr)
{
	MDB_val k;
	int rc;

	if (key_of(tx, addr, &k) < 0)
		return (-1);
	if (!tx->st->have_bounce)
		return (0);
	rc = mdb_del(tx->txn, tx->st->bounce, &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return (store_mdberr(tx, "delete bounce", rc));
	return (0);
}

int
store_note(struct store_txn *tx, const char *addr, const char *list,
    const char *new_state, const struct change *ch)
{
	MDB_val k;

	if (key_of(tx, addr, &k) < 0 || store_check_text(tx, ch) < 0)
		return (-1);
	if (strlen(new_state) >= sizeof(((struct history_rec *)0)->new_state) ||
	    strlen(list) > CONF_NAME_MAX)
		return (store_txerr(tx, "note too long"));
	return (store_history_append(tx, ch, addr, list, "", new_state));
}

int
store_each_bounce(struct store_txn *tx, store_bounce_cb cb, void *arg)
{
	char a[ADDR_BUFSIZE];
	struct bounce_rec r;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	if (!tx->st->have_bounce)
		return (0);
	if ((rc = mdb_cursor_open(tx->txn, tx->st->bounce, &cur)) != 0)
		return (store_mdberr(tx, "bounce cursor", rc));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size == 0 || k.mv_size >= sizeof(a) ||
		    store_bounce_decode(&v, &r) < 0) {
			ret = store_txerr(tx, "corrupt bounce record");
			break;
		}
		memcpy(a, k.mv_data, k.mv_size);
		a[k.mv_size] = '\0';
		if ((ret = cb(arg, a, &r)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != MDB_NOTFOUND)
		return (store_mdberr(tx, "bounce iteration", rc));
	return (ret);
}
