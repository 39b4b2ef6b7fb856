/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_erase.c - erasure of a person's records
 *
 * SYNOPSIS
 *	#include "store.h"
 *
 * DESCRIPTION
 *	store_erase() (store.h) in one write transaction.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "store_priv.h"

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
		return (store_txerr(tx, "bad address"));
	memcpy(kb, addr, alen);
	kb[alen] = '\0';

	/* consent records: keys "addr\0..." */
	if ((rc = mdb_cursor_open(tx->txn, tx->st->consent, &cur)) != 0)
		return (store_mdberr(tx, "consent cursor", rc));
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
		return (store_mdberr(tx, "erase consent", rc));

	/* history records naming the address */
	if ((rc = mdb_cursor_open(tx->txn, tx->st->history, &cur)) != 0)
		return (store_mdberr(tx, "history cursor", rc));
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
		return (store_mdberr(tx, "erase history", rc));

	if (store_bounce_erase(tx, addr) < 0)
		return (-1);

	/* keep the person out of all mail, without naming them */
	memset(&s, 0, sizeof(s));
	s.reason = SUPP_LEGAL;
	quiet = *ch;
	quiet.source = "erasure";
	quiet.evidence = "";
	if (store_supp_write(tx, addr, &s, &quiet) < 0)
		return (-1);
	return (store_history_append(tx, &quiet, "(erased)", "", "", "erased"));
}

