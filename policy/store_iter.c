/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_iter.c - iteration over the records, and the meta data
 *
 * SYNOPSIS
 *	#include "store.h"
 *
 * DESCRIPTION
 *	Cursors over the consent, suppression and history databases;
 *	every record is decoded and checked before the callback sees it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "store_priv.h"

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
		return (store_txerr(tx, "bad address"));
	if ((rc = mdb_cursor_open(tx->txn, tx->st->consent, &cur)) != 0)
		return (store_mdberr(tx, "consent cursor", rc));
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
			ret = store_txerr(tx, "corrupt consent record");
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
	if (store_guard_fault(tx))
		return (-1);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		return (store_mdberr(tx, "consent iteration", rc));
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
		return (store_mdberr(tx, "suppression cursor", rc));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size >= sizeof(a) || decode_supp(&v, &r) < 0) {
			ret = store_txerr(tx, "corrupt suppression record");
			break;
		}
		memcpy(a, k.mv_data, k.mv_size);
		a[k.mv_size] = '\0';
		if ((ret = cb(arg, a, &r)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (store_guard_fault(tx))
		return (-1);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		return (store_mdberr(tx, "suppression iteration", rc));
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
		return (store_mdberr(tx, "history cursor", rc));
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (decode_history(&k, &v, &h) < 0) {
			ret = store_txerr(tx, "corrupt history record");
			break;
		}
		if (addr != NULL && strcmp(h.address, addr) != 0)
			continue;
		if ((ret = cb(arg, &h)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (store_guard_fault(tx))
		return (-1);
	if (ret == 0 && rc != 0 && rc != MDB_NOTFOUND)
		return (store_mdberr(tx, "history iteration", rc));
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
		return (store_mdberr(tx, "meta schema", rc));
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

