/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_rec.c - single consent and suppression records, and the history
 *
 * SYNOPSIS
 *	#include "store.h"
 *
 * DESCRIPTION
 *	Get, put and delete one record; every change appends a history
 *	record in the same transaction (store.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "model.h"
#include "store_priv.h"

/* state names for history: "opt-in", "suppressed:bounce", "none" */
static const char *
consent_state(const struct consent_rec *r)
{
	return (r != NULL ? status_name(r->status) : "none");
}

static void
supp_state(const struct supp_rec *r, char *buf, size_t len)
{
	if (r == NULL)
		(void)snprintf(buf, len, "none");
	else
		(void)snprintf(buf, len, "suppressed:%s%s", supp_name(r->reason),
		    r->all_changed != 0 ? "+unsubscribe-all" : "");
}

#define HISTORY_SEQ	"history-seq"

int
store_history_top(MDB_txn *txn, MDB_dbi history, MDB_dbi meta,
    uint64_t *seqp)
{
	MDB_cursor *cur;
	MDB_val k, v, mk, mv;
	uint64_t seq = 0;
	long long counter;
	const char *errstr;
	char num[32];
	int rc, i;

	if ((rc = mdb_cursor_open(txn, history, &cur)) != 0)
		return (rc);
	rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	mdb_cursor_close(cur);
	if (rc == 0 && k.mv_size == 8)
		for (i = 0; i < 8; i++)
			seq = (seq << 8) | ((unsigned char *)k.mv_data)[i];
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return (rc);
	mk.mv_data = HISTORY_SEQ;
	mk.mv_size = sizeof(HISTORY_SEQ) - 1;
	if ((rc = mdb_get(txn, meta, &mk, &mv)) == 0 &&
	    mv.mv_size < sizeof(num)) {
		memcpy(num, mv.mv_data, mv.mv_size);
		num[mv.mv_size] = '\0';
		counter = strtonum(num, 0, INT64_MAX, &errstr);
		if (errstr == NULL && (uint64_t)counter > seq)
			seq = counter;
	} else if (rc != 0 && rc != MDB_NOTFOUND)
		return (rc);
	*seqp = seq;
	return (0);
}

int
store_history_set_top(MDB_txn *txn, MDB_dbi meta, uint64_t seq)
{
	MDB_val mk, mv;
	char num[32];

	(void)snprintf(num, sizeof(num), "%llu", (unsigned long long)seq);
	mk.mv_data = HISTORY_SEQ;
	mk.mv_size = sizeof(HISTORY_SEQ) - 1;
	mv.mv_data = num;
	mv.mv_size = strlen(num);
	return (mdb_put(txn, meta, &mk, &mv, 0));
}

/*
 * history_seq - the next history sequence number of TX. The first call
 * in a transaction finds it: after the last record and after the counter
 * in meta (numbers of erased records are not given out again); later
 * calls count on in memory (one writer at a time), and
 * store_history_flush() writes the counter once before the commit.
 */
static int
history_seq(struct store_txn *tx, uint64_t *seqp)
{
	uint64_t seq = 0;
	int rc;

	if (tx->hist_next == 0) {
		if ((rc = store_history_top(tx->txn, tx->st->history,
		    tx->st->meta, &seq)) != 0)
			return (store_mdberr(tx, "history counter", rc));
		tx->hist_next = seq + 1;
	}
	*seqp = tx->hist_next++;
	return (0);
}

int
store_history_hold(struct store_txn *tx)
{
	uint64_t seq = 0;

	if (history_seq(tx, &seq) < 0)
		return (-1);
	tx->hist_next = seq;	/* read, not taken */
	return (0);
}

int
store_history_flush(struct store_txn *tx)
{
	int rc;

	if (tx->hist_next == 0)
		return (0);		/* no history written */
	if ((rc = store_history_set_top(tx->txn, tx->st->meta,
	    tx->hist_next - 1)) != 0)
		return (store_mdberr(tx, "history counter", rc));
	return (0);
}

/* history_put - append one history record; its sequence in *SEQP */
static int
history_put(struct store_txn *tx, const struct change *ch, const char *addr,
    const char *list, const char *old_state, const char *new_state,
    uint64_t *seqp)
{
	MDB_val k, v;
	unsigned char kb[8];
	uint64_t seq = 0;
	struct enc e;
	int rc, i;

	if (history_seq(tx, &seq) < 0)
		return (-1);
	if (seqp != NULL)
		*seqp = seq;
	for (i = 7; i >= 0; i--) {
		kb[i] = (unsigned char)(seq & 0xff);
		seq >>= 8;
	}
	enc_init(&e);
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
		return (store_txerr(tx, "history record too large"));
	k.mv_data = kb;
	k.mv_size = 8;
	v.mv_data = e.buf;
	v.mv_size = e.len;
	if ((rc = mdb_put(tx->txn, tx->st->history, &k, &v, MDB_APPEND)) != 0)
		return (store_mdberr(tx, "history append", rc));
	return (0);
}

/* store_history_append - one record at the end of the history */
int
store_history_append(struct store_txn *tx, const struct change *ch,
    const char *addr, const char *list, const char *old_state,
    const char *new_state)
{
	return (history_put(tx, ch, addr, list, old_state, new_state, NULL));
}

int
store_history_note(struct store_txn *tx, const struct change *ch,
    const char *what, uint64_t *seqp)
{
	if (store_check_text(tx, ch) < 0)
		return (-1);
	return (history_put(tx, ch, "", "", "", what, seqp));
}

/* store_check_text - source and evidence fit their fields */
int
store_check_text(struct store_txn *tx, const struct change *ch)
{
	if (ch->source != NULL && strlen(ch->source) >= STORE_SOURCE_MAX)
		return (store_txerr(tx, "source longer than %d octets",
		    STORE_SOURCE_MAX - 1));
	if (ch->evidence != NULL && strlen(ch->evidence) >= STORE_EVIDENCE_MAX)
		return (store_txerr(tx, "evidence longer than %d octets",
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

	if (store_consent_key(addr, list, kb, sizeof(kb), &k) < 0)
		return (store_txerr(tx, "bad consent key"));
	rc = mdb_get(tx->txn, tx->st->consent, &k, &v);
	if (store_guard_fault(tx))
		return (-1);
	if (rc == MDB_NOTFOUND)
		return (0);
	if (rc != 0)
		return (store_mdberr(tx, "get consent", rc));
	if (decode_consent(&v, r) < 0)
		return (store_txerr(tx, "corrupt consent record for %s", addr));
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
		return (store_txerr(tx, "bad suppression key"));
	rc = mdb_get(tx->txn, tx->st->supp, &k, &v);
	if (store_guard_fault(tx))
		return (-1);
	if (rc == MDB_NOTFOUND)
		return (0);
	if (rc != 0)
		return (store_mdberr(tx, "get suppression", rc));
	if (decode_supp(&v, r) < 0)
		return (store_txerr(tx, "corrupt suppression record for %s", addr));
	return (1);
}

int
store_consent_valid(const char *addr, int status, const char **why)
{
	if (status < STATUS_MIN || status > STATUS_MAX) {
		*why = "bad consent status";
		return (-1);
	}
	if (status == STATUS_OPT_IN && addr_is_domain(addr)) {
		*why = "express consent is given by a person, not a domain";
		return (-1);
	}
	return (0);
}

/* outlives - store_outlives() of a record with STATUS and CHANGED */
static int
outlives(int status, int64_t changed, const struct consent_rec *r)
{
	return (status == STATUS_OPT_OUT && r->status != STATUS_OPT_OUT &&
	    (r->changed == 0 || r->changed <= changed));
}

int
store_outlives(const struct consent_rec *old, const struct consent_rec *r)
{
	return (outlives(old->status, old->changed, r));
}

/*
 * put_consent - store_put_consent(); with MERGE, an opt-out on file is
 * kept (1, nothing written) unless R was changed, by its own date, after
 * it, or is an opt-out without a date or not older than it
 */
static int
put_consent(struct store_txn *tx, const char *addr, const char *list,
    const struct consent_rec *r, const struct change *ch, int merge)
{
	char kb[ADDR_BUFSIZE + CONF_NAME_MAX + 2];
	struct consent_rec old;
	const char *why;
	struct enc e;
	MDB_val k, v;
	int rc, had;

	if (store_check_text(tx, ch) < 0)
		return (-1);
	if (store_consent_valid(addr, r->status, &why) < 0)
		return (store_txerr(tx, "%s: %s", addr, why));
	if (store_consent_key(addr, list, kb, sizeof(kb), &k) < 0)
		return (store_txerr(tx, "bad consent key"));
	enc_init(&e);
	enc_u8(&e, REC_VERSION);
	enc_u8(&e, (unsigned)r->status);
	enc_i64(&e, r->changed != 0 ? r->changed : (ch->time != 0 ? ch->time :
	    (int64_t)time(NULL)));
	enc_i64(&e, r->expires);
	enc_str(&e, ch->source);
	enc_str(&e, ch->evidence);
	if (e.overflow)
		return (store_txerr(tx, "consent record too large"));
	if (addr_is_domain(addr))
		tx->dlen = 0;		/* dom_outlives() asks again */
	/* one search: insert, or learn the record there and replace it */
	v.mv_data = e.buf;
	v.mv_size = e.len;
	had = 0;
	rc = mdb_put(tx->txn, tx->st->consent, &k, &v, MDB_NOOVERWRITE);
	if (rc == MDB_KEYEXIST) {
		if (decode_consent(&v, &old) < 0)
			return (store_txerr(tx, "corrupt consent record for %s",
			    addr));
		had = 1;
		if (merge && store_outlives(&old, r))
			return (1);
		/*
		 * an older opt-out (a file from before) does not move a later
		 * one back in time: decide() weighs that date against the
		 * records of user+tag@d, user@d and @d
		 */
		if (merge && old.status == STATUS_OPT_OUT &&
		    r->status == STATUS_OPT_OUT && r->changed != 0 &&
		    r->changed < old.changed)
			return (1);
		v.mv_data = e.buf;
		v.mv_size = e.len;
		rc = mdb_put(tx->txn, tx->st->consent, &k, &v, 0);
	}
	if (rc != 0)
		return (store_mdberr(tx, "put consent", rc));
	if (store_history_append(tx, ch, addr, list,
	    consent_state(had ? &old : NULL), consent_state(r)) < 0)
		return (-1);
	return (0);
}

int
store_put_consent(struct store_txn *tx, const char *addr, const char *list,
    const struct consent_rec *r, const struct change *ch)
{
	return (put_consent(tx, addr, list, r, ch, 0));
}

/*
 * dom_outlives - does the opt-out of "@" DOMAIN from LIST outlive R?
 * Remembered in TX until a domain's consent is written: an import asks
 * it for every line, and the lines of a file share few domains.
 */
static int
dom_outlives(struct store_txn *tx, const char *domain, const char *list,
    const struct consent_rec *r)
{
	char kb[ADDR_BUFSIZE + CONF_NAME_MAX + 2];
	struct consent_rec old;
	size_t d = strlen(domain), l = strlen(list), n = d + l + 2;
	int rc;

	if (d + 1 > ADDR_MAX || l > CONF_NAME_MAX)
		return (store_txerr(tx, "bad consent key"));
	kb[0] = '@';
	memcpy(kb + 1, domain, d + 1);
	memcpy(kb + d + 2, list, l);
	if (tx->dlen != n || memcmp(tx->dkey, kb, n) != 0) {
		if ((rc = store_get_consent(tx, kb, list, &old)) < 0)
			return (-1);
		memcpy(tx->dkey, kb, n);
		tx->dlen = n;
		tx->dfound = rc;
		tx->dstatus = rc == 1 ? old.status : 0;
		tx->dchanged = rc == 1 ? old.changed : 0;
	}
	return (tx->dfound && outlives(tx->dstatus, tx->dchanged, r));
}

int
store_own_all(struct store_txn *tx, const char *addr, const char *delims,
    int64_t since, char *by, size_t bylen)
{
	char untagged[ADDR_BUFSIZE];
	const char *keys[2] = { addr, untagged };
	struct supp_rec s;
	int i, n, rc;

	n = delims != NULL && delims[0] != '\0' &&
	    addr_untag(addr, delims, untagged, sizeof(untagged)) == 1 ? 2 : 1;
	for (i = 0; i < n; i++) {
		if ((rc = store_get_suppression(tx, keys[i], &s)) < 0)
			return (-1);
		if (rc == 1 && ((s.reason == SUPP_UNSUBSCRIBE_ALL &&
		    s.changed >= since) || (s.all_changed != 0 &&
		    s.all_changed >= since))) {
			if (i > 0 && bylen > 0)
				(void)strlcpy(by, keys[i], bylen);
			return (1);
		}
	}
	return (0);
}

int
store_merge_consent(struct store_txn *tx, const char *addr,
    const char *delims, const char *list, const struct consent_rec *r,
    const struct change *ch, char *by, size_t bylen)
{
	struct consent_rec old;
	int rc;

	if (bylen > 0)
		by[0] = '\0';
	/*
	 * an opt-in line, dated or not, would stand over the person's own
	 * unsubscribe-all (decide()): only their confirmation or an
	 * administrator's subscribe may do that, not a file
	 */
	if (r->status == STATUS_OPT_IN && !addr_is_domain(addr) &&
	    (rc = store_own_all(tx, addr, delims, 0, by, bylen)) != 0)
		return (rc < 0 ? -1 : 2);
	/*
	 * a line with a date of its own is written with it, and decide()
	 * lets the later of it and an opt-out of user@d or @d stand; an
	 * undated one would be dated now and stand over such an opt-out
	 */
	if (r->status == STATUS_OPT_OUT || r->changed != 0 ||
	    addr_is_domain(addr))
		return (put_consent(tx, addr, list, r, ch, 1));
	/* user+tag@d: the opt-out of user@d, whose mail it is */
	if (delims != NULL && delims[0] != '\0' &&
	    addr_untag(addr, delims, by, bylen) == 1) {
		if ((rc = store_get_consent(tx, by, list, &old)) < 0)
			return (-1);
		if (rc == 1 && store_outlives(&old, r))
			return (1);
		by[0] = '\0';
	}
	/* the opt-out of @d, which reaches every address of d */
	if ((rc = dom_outlives(tx, addr_domain(addr), list, r)) != 0) {
		if (rc == 1)
			(void)snprintf(by, bylen, "@%s", addr_domain(addr));
		return (rc);
	}
	return (put_consent(tx, addr, list, r, ch, 1));
}

int
store_del_consent(struct store_txn *tx, const char *addr, const char *list,
    const struct change *ch)
{
	char kb[ADDR_BUFSIZE + CONF_NAME_MAX + 2];
	struct consent_rec old;
	MDB_val k;
	int rc, had;

	if (store_check_text(tx, ch) < 0)
		return (-1);
	if ((had = store_get_consent(tx, addr, list, &old)) <= 0)
		return (had);
	if (store_consent_key(addr, list, kb, sizeof(kb), &k) < 0)
		return (store_txerr(tx, "bad consent key"));
	if (addr_is_domain(addr))
		tx->dlen = 0;
	if ((rc = mdb_del(tx->txn, tx->st->consent, &k, NULL)) != 0)
		return (store_mdberr(tx, "delete consent", rc));
	if (store_history_append(tx, ch, addr, list, consent_state(&old),
	    "none") < 0)
		return (-1);
	return (1);
}

/*
 * supp_write - the record itself, without history: R with SOURCE and
 * EVIDENCE, and the unsubscribe-all under it when it has one
 */
static int
supp_write(struct store_txn *tx, const char *addr, const struct supp_rec *r,
    const struct change *ch, const char *source, const char *evidence)
{
	struct enc e;
	MDB_val k, v;
	int rc;

	if (r->reason < SUPP_MIN || r->reason > SUPP_MAX)
		return (store_txerr(tx, "bad suppression reason"));
	k.mv_data = (void *)(uintptr_t)addr;
	k.mv_size = strlen(addr);
	if (k.mv_size == 0 || k.mv_size > ADDR_MAX)
		return (store_txerr(tx, "bad suppression key"));
	enc_init(&e);
	rec_encode_supp(&e, r, r->changed != 0 ? r->changed : (ch->time != 0 ?
	    ch->time : (int64_t)time(NULL)), source, evidence);
	if (e.overflow)
		return (store_txerr(tx, "suppression record too large"));
	v.mv_data = e.buf;
	v.mv_size = e.len;
	if ((rc = mdb_put(tx->txn, tx->st->supp, &k, &v, 0)) != 0)
		return (store_mdberr(tx, "put suppression", rc));
	return (0);
}

int
store_supp_write(struct store_txn *tx, const char *addr,
    const struct supp_rec *r, const struct change *ch)
{
	return (supp_write(tx, addr, r, ch, ch->source, ch->evidence));
}

/* set_all - the unsubscribe-all kept under N: its date and proof */
static void
set_all(struct supp_rec *n, int64_t changed, const char *source,
    const char *evidence)
{
	n->all_changed = changed;
	(void)strlcpy(n->all_source, source, sizeof(n->all_source));
	(void)strlcpy(n->all_evidence, evidence, sizeof(n->all_evidence));
}

int
store_put_suppression(struct store_txn *tx, const char *addr,
    const struct supp_rec *r, const struct change *ch)
{
	struct supp_rec old, n;
	char olds[40], news[40];
	int had, rc;

	if (store_check_text(tx, ch) < 0)
		return (-1);
	if ((had = store_get_suppression(tx, addr, &old)) < 0)
		return (-1);
	/*
	 * an erasure stays as it is: it took the person's opt-outs with it
	 * and holds on every list (decide()), which another reason would
	 * not; only lifting it (store_del_suppression()) ends it
	 */
	if (had && strcmp(old.source, STORE_ERASURE_SOURCE) == 0)
		return (0);
	n = *r;
	set_all(&n, 0, "", "");
	if (had && r->reason == SUPP_UNSUBSCRIBE_ALL &&
	    old.reason != SUPP_UNSUBSCRIBE_ALL) {
		/*
		 * the person's request under a bounce, a complaint, a manual
		 * or legal suppression: that one stays, and the request is
		 * kept under it, for the day it is lifted
		 */
		n = old;
		set_all(&n, r->changed != 0 ? r->changed : ch->time != 0 ?
		    ch->time : (int64_t)time(NULL), ch->source, ch->evidence);
		rc = supp_write(tx, addr, &n, ch, old.source, old.evidence);
	} else {
		/* another reason over the person's unsubscribe-all keeps it */
		if (had && r->reason != SUPP_UNSUBSCRIBE_ALL &&
		    old.reason == SUPP_UNSUBSCRIBE_ALL)
			set_all(&n, old.changed, old.source, old.evidence);
		else if (had && r->reason != SUPP_UNSUBSCRIBE_ALL)
			set_all(&n, old.all_changed, old.all_source,
			    old.all_evidence);
		rc = supp_write(tx, addr, &n, ch, ch->source, ch->evidence);
	}
	if (rc < 0)
		return (-1);
	supp_state(had ? &old : NULL, olds, sizeof(olds));
	supp_state(&n, news, sizeof(news));
	return (store_history_append(tx, ch, addr, "", olds, news));
}

int
store_del_suppression(struct store_txn *tx, const char *addr,
    const struct change *ch)
{
	struct supp_rec old;
	char olds[40];
	MDB_val k;
	int rc, had;

	if (store_check_text(tx, ch) < 0)
		return (-1);
	if ((had = store_get_suppression(tx, addr, &old)) <= 0)
		return (had);
	if (old.all_changed != 0 && old.reason != SUPP_UNSUBSCRIBE_ALL) {
		/* the person's unsubscribe-all was under it: back in place */
		struct supp_rec n;
		char news[40];

		memset(&n, 0, sizeof(n));
		n.reason = SUPP_UNSUBSCRIBE_ALL;
		n.changed = old.all_changed;
		if (supp_write(tx, addr, &n, ch, old.all_source,
		    old.all_evidence) < 0)
			return (-1);
		supp_state(&old, olds, sizeof(olds));
		supp_state(&n, news, sizeof(news));
		if (store_history_append(tx, ch, addr, "", olds, news) < 0)
			return (-1);
		return (2);
	}
	k.mv_data = (void *)(uintptr_t)addr;
	k.mv_size = strlen(addr);
	if ((rc = mdb_del(tx->txn, tx->st->supp, &k, NULL)) != 0)
		return (store_mdberr(tx, "delete suppression", rc));
	supp_state(&old, olds, sizeof(olds));
	if (store_history_append(tx, ch, addr, "", olds, "none") < 0)
		return (-1);
	return (1);
}
