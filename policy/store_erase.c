/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_erase.c - erasure of a person's records
 *
 * SYNOPSIS
 *	#include "store.h"
 *
 *	store_erase(tx, "alice@example.org", "+", &ch);
 *	store_scrub(text, "alice@example.org", "+", out, sizeof(out));
 *
 * DESCRIPTION
 *	store_erase() (store.h) in one write transaction. Every record is
 *	looked at once: a record of an address whose untagged form is the
 *	person's (alice@d, alice+news@d) is removed, with its history and
 *	bounce score; in every other record, source and evidence are
 *	scrubbed of the person's address in any tagged form (a mailto
 *	request quoted in someone else's row). Then the person stays
 *	suppressed (legal, source erasure) and the history records that an
 *	erasure happened, without the address. History sequence numbers
 *	come from a counter in meta (store_rec.c), so records removed here
 *	never have their numbers given out again.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "confirm.h"
#include "model.h"
#include "store_priv.h"

#define ERASED	"(erased)"

/* local_char - may C be part of an unquoted local part? */
static int
local_char(int c)
{
	return (isalnum(c) || (c != 0 && strchr(".!#$%&'*+/=?^_`{|}~-", c)
	    != NULL));
}

static int
domain_char(int c)
{
	return (isalnum(c) || c == '.' || c == '-' || c == '[' || c == ']' ||
	    c == ':');
}

/* same_person - does the address text A..A+LEN untag to TARGET? */
static int
same_person(const char *a, size_t len, const char *target, const char *delims)
{
	char buf[ADDR_BUFSIZE], un[ADDR_BUFSIZE], box[ADDR_BUFSIZE], *at;
	size_t i;

	if (len == 0 || len >= sizeof(buf))
		return (0);
	memcpy(buf, a, len);
	buf[len] = '\0';
	/* domains compare without case, as addr_normalize() stores them */
	if ((at = strrchr(buf, '@')) != NULL)
		for (i = (size_t)(at - buf); buf[i] != '\0'; i++)
			buf[i] = (char)tolower((unsigned char)buf[i]);
	while (len > 0 && buf[len - 1] == '.')	/* end of a sentence */
		buf[--len] = '\0';
	/* a quoted local part ("alice"@d) as the address it spells */
	if (buf[0] == '"' && addr_normalize(buf, len, 0, un, sizeof(un),
	    NULL, 0) == 0)
		(void)strlcpy(buf, un, sizeof(buf));
	/* local parts too: erasing a differently cased twin errs safe */
	if (addr_untag(buf, delims, un, sizeof(un)) == 1 ?
	    strcasecmp(un, target) == 0 : strcasecmp(buf, target) == 0)
		return (1);
	/*
	 * a spelling whose local part routes on to the person (u%d@relay,
	 * "u@d"@relay): decide() holds it back as theirs, so it is theirs
	 */
	confirm_mailbox(buf, box, sizeof(box));
	if (strcmp(box, buf) == 0)
		return (0);
	if (addr_untag(box, delims, un, sizeof(un)) == 1)
		return (strcasecmp(un, target) == 0);
	return (strcasecmp(box, target) == 0);
}

/*
 * starts_here - may an address start at S, inside a run of local part
 * characters that begins at RUN? After a character that separates words
 * in text (from=, ?email=, {, /, |) yes; after a quote (', `) only when
 * that quote opens the run ('alice@d', not o'alice@d); never after one
 * that joins a local part (first.alice, x-alice, bob+alice) or routes it
 * on (bob!alice@d is alice@bob, u%h@d).
 */
static int
starts_here(const char *run, const char *s)
{
	if (s == run)
		return (1);
	if (strchr("=/{}?&|^#$*~", s[-1]) != NULL)
		return (1);
	return ((s[-1] == '\'' || s[-1] == '`') && s - 1 == run);
}

/*
 * person_at - where the address before AT (its domain ends at E, the text
 * begins at P) starts, when it is TARGET's; else NULL. The run of local
 * part characters before AT is the address, or, unless STRICT, ends with
 * it after a character that separates words there (starts_here()); a
 * quoted local part counts as it reads ("alice"@d).
 */
static const char *
person_at(const char *p, const char *at, const char *e, const char *target,
    const char *delims, int strict)
{
	const char *s, *q, *run;

	if (e == at + 1 || at == p)
		return (NULL);
	if (at[-1] == '"') {
		for (q = at - 1; q > p && at - q < ADDR_BUFSIZE; ) {
			q--;
			if (*q == '"' && (q == p || q[-1] != '\\'))
				return (same_person(q, (size_t)(e - q), target,
				    delims) ? q : NULL);
		}
		return (NULL);
	}
	for (run = at; run > p && at - run < ADDR_BUFSIZE &&
	    local_char((unsigned char)run[-1]); run--)
		;
	for (s = run; s < at; s++) {
		if (!starts_here(run, s) || (strict && s != run))
			continue;
		if (same_person(s, (size_t)(e - s), target, delims))
			return (s);
	}
	return (NULL);
}

int
store_names(const char *in, const char *target, const char *delims)
{
	const char *p = in, *at, *e;

	while ((at = strchr(p, '@')) != NULL) {
		for (e = at + 1; *e != '\0' && domain_char((unsigned char)*e);
		    e++)
			;
		if (person_at(p, at, e, target, delims, 1) != NULL)
			return (1);
		p = at + 1;
	}
	return (0);
}

int
store_scrub(const char *in, const char *target, const char *delims,
    char *out, size_t outlen)
{
	const char *p = in, *at, *s, *e;
	size_t n = 0, len;
	int changed = 0;

	out[0] = '\0';
	while ((at = strchr(p, '@')) != NULL) {
		for (e = at + 1; *e != '\0' && domain_char((unsigned char)*e);
		    e++)
			;
		s = person_at(p, at, e, target, delims, 0);
		if (s != NULL) {
			len = (size_t)(s - p);
			if (n + len + sizeof(ERASED) > outlen)
				return (-1);
			memcpy(out + n, p, len);
			memcpy(out + n + len, ERASED, sizeof(ERASED) - 1);
			n += len + sizeof(ERASED) - 1;
			out[n] = '\0';
			changed = 1;
		} else {
			len = (size_t)(e - p);
			if (n + len + 1 > outlen)
				return (-1);
			memcpy(out + n, p, len);
			n += len;
			out[n] = '\0';
		}
		p = e;
	}
	len = strlen(p);
	if (n + len + 1 > outlen)
		return (-1);
	memcpy(out + n, p, len + 1);
	return (changed);
}

struct erasure {
	struct store_txn *tx;
	char	target[ADDR_BUFSIZE];
	const char *delims;
	char	(*gone)[ADDR_BUFSIZE];	/* addresses whose records went */
	size_t	ngone;
	struct store_erase_tally tally;
};

/* scrub2 - SOURCE and EVIDENCE scrubbed into S and E; 1 when changed */
static int
scrub2(struct erasure *er, const char *source, const char *evidence,
    char *s, size_t slen, char *e, size_t elen)
{
	char big[3 * STORE_EVIDENCE_MAX + 16];
	int a, b;

	/*
	 * "(erased)" may be longer than what it replaces: scrubbed in room
	 * enough, then cut to the field's size, so that the rest of another
	 * person's proof of consent stays
	 */
	if ((a = store_scrub(source, er->target, er->delims, big,
	    sizeof(big))) < 0)
		(void)snprintf(s, slen, "%s", ERASED);
	else
		(void)strlcpy(s, big, slen);
	if ((b = store_scrub(evidence, er->target, er->delims, big,
	    sizeof(big))) < 0)
		(void)snprintf(e, elen, "%s", ERASED);
	else
		(void)strlcpy(e, big, elen);
	return (a != 0 || b != 0);
}

/* gone - remember ADDR as erased (for its bounce score) */
static int
gone(struct erasure *er, const char *addr)
{
	char (*v)[ADDR_BUFSIZE];
	size_t i;

	for (i = 0; i < er->ngone; i++)
		if (strcmp(er->gone[i], addr) == 0)
			return (0);
	if ((v = reallocarray(er->gone, er->ngone + 1, sizeof(*v))) == NULL)
		return (store_txerr(er->tx, "out of memory"));
	er->gone = v;
	(void)snprintf(v[er->ngone++], ADDR_BUFSIZE, "%s", addr);
	return (0);
}

/* put_current - VAL in place of the record under the cursor */
static int
put_current(struct erasure *er, MDB_cursor *cur, MDB_val *k,
    const struct enc *e)
{
	char kb[ADDR_BUFSIZE + CONF_NAME_MAX + 2];
	MDB_val kk, v;
	int rc;

	if (e->overflow)
		return (store_txerr(er->tx, "scrubbed record too large"));
	/* K points into a page that the put may move: copy it first */
	if (k->mv_size > sizeof(kb))
		return (store_txerr(er->tx, "key too large"));
	memcpy(kb, k->mv_data, k->mv_size);
	kk.mv_data = kb;
	kk.mv_size = k->mv_size;
	v.mv_data = (void *)(uintptr_t)e->buf;
	v.mv_size = e->len;
	if ((rc = mdb_cursor_put(cur, &kk, &v, MDB_CURRENT)) != 0)
		return (store_mdberr(er->tx, "scrub", rc));
	return (0);
}

/*
 * One table's part in an erasure: who() puts the address a record is
 * about into A and returns 0, or -1 when the record names nobody it can
 * read (it is kept, and still scrubbed); rewrite() re-encodes the record
 * with its source and evidence scrubbed into E and returns 1, or 0 when
 * nothing in it names the person.
 */
struct table {
	const char *name;
	MDB_dbi	(*dbi)(const struct store *);
	int	(*who)(const MDB_val *, const MDB_val *, char *, size_t);
	int	(*rewrite)(struct erasure *, const MDB_val *, const MDB_val *,
		    struct enc *);
	int	note;		/* remember the addresses (bounce scores) */
};

static MDB_dbi
consent_dbi(const struct store *st)
{
	return (st->consent);
}

static MDB_dbi
supp_dbi(const struct store *st)
{
	return (st->supp);
}

static MDB_dbi
history_dbi(const struct store *st)
{
	return (st->history);
}

/* consent keys are "address\0list" */
static int
consent_who(const MDB_val *k, const MDB_val *v, char *a, size_t alen)
{
	const char *z = memchr(k->mv_data, '\0', k->mv_size);

	(void)v;
	if (z == NULL || (size_t)(z - (char *)k->mv_data) >= alen)
		return (-1);
	memcpy(a, k->mv_data, (size_t)(z - (char *)k->mv_data));
	a[z - (char *)k->mv_data] = '\0';
	return (0);
}

static int
consent_rewrite(struct erasure *er, const MDB_val *k, const MDB_val *v,
    struct enc *e)
{
	struct consent_rec r;
	char s[STORE_SOURCE_MAX], ev[STORE_EVIDENCE_MAX];

	(void)k;
	if (decode_consent(v, &r) < 0 ||
	    !scrub2(er, r.source, r.evidence, s, sizeof(s), ev, sizeof(ev)))
		return (0);
	enc_u8(e, REC_VERSION);
	enc_u8(e, (unsigned)r.status);
	enc_i64(e, r.changed);
	enc_i64(e, r.expires);
	enc_str(e, s);
	enc_str(e, ev);
	return (1);
}

/* suppression keys are the address */
static int
supp_who(const MDB_val *k, const MDB_val *v, char *a, size_t alen)
{
	(void)v;
	if (k->mv_size >= alen)
		return (-1);
	memcpy(a, k->mv_data, k->mv_size);
	a[k->mv_size] = '\0';
	return (0);
}

static int
supp_rewrite(struct erasure *er, const MDB_val *k, const MDB_val *v,
    struct enc *e)
{
	struct supp_rec r;
	char s[STORE_SOURCE_MAX], ev[STORE_EVIDENCE_MAX];
	char as[STORE_SOURCE_MAX], aev[STORE_EVIDENCE_MAX];
	int a, b;

	(void)k;
	if (decode_supp(v, &r) < 0)
		return (0);
	a = scrub2(er, r.source, r.evidence, s, sizeof(s), ev, sizeof(ev));
	/* and the unsubscribe-all kept under it */
	if ((b = r.all_changed != 0 && scrub2(er, r.all_source,
	    r.all_evidence, as, sizeof(as), aev, sizeof(aev))) != 0) {
		(void)strlcpy(r.all_source, as, sizeof(r.all_source));
		(void)strlcpy(r.all_evidence, aev, sizeof(r.all_evidence));
	}
	if (!a && !b)
		return (0);
	rec_encode_supp(e, &r, r.changed, s, ev);
	return (1);
}

/* history records carry the address; one that does not decode is kept */
static int
history_who(const MDB_val *k, const MDB_val *v, char *a, size_t alen)
{
	struct history_rec h;

	if (decode_history(k, v, &h) < 0)
		return (-1);
	(void)snprintf(a, alen, "%s", h.address);
	return (0);
}

static int
history_rewrite(struct erasure *er, const MDB_val *k, const MDB_val *v,
    struct enc *e)
{
	struct history_rec h;
	char s[STORE_SOURCE_MAX], ev[STORE_EVIDENCE_MAX];

	if (decode_history(k, v, &h) < 0 ||
	    !scrub2(er, h.source, h.evidence, s, sizeof(s), ev, sizeof(ev)))
		return (0);
	enc_u8(e, REC_VERSION);
	enc_i64(e, h.time);
	enc_u8(e, (unsigned)h.actor);
	enc_str(e, h.address);
	enc_str(e, h.list);
	enc_str(e, h.old_state);
	enc_str(e, h.new_state);
	enc_str(e, s);
	enc_str(e, ev);
	return (1);
}

/* bounce scores: keyed by the address, nothing in them names another */
static MDB_dbi
bounce_dbi(const struct store *st)
{
	return (st->bounce);
}

static int
bounce_rewrite(struct erasure *er, const MDB_val *k, const MDB_val *v,
    struct enc *e)
{
	(void)er;
	(void)k;
	(void)v;
	(void)e;
	return (0);
}

static const struct table tables[] = {
	{ "consent", consent_dbi, consent_who, consent_rewrite, 1 },
	{ "suppression", supp_dbi, supp_who, supp_rewrite, 1 },
	{ "history", history_dbi, history_who, history_rewrite, 0 },
	/* also the scores of spellings with no other record */
	{ "bounce", bounce_dbi, supp_who, bounce_rewrite, 0 },
};

/* erase_table - every record of T: the person's go, the others scrubbed */
static int
erase_table(struct erasure *er, const struct table *t)
{
	struct store_txn *tx = er->tx;
	MDB_cursor *cur;
	MDB_val k, v;
	char a[ADDR_BUFSIZE], what[32];
	struct enc e;
	int rc;

	if ((rc = mdb_cursor_open(tx->txn, t->dbi(tx->st), &cur)) != 0) {
		(void)snprintf(what, sizeof(what), "%s cursor", t->name);
		return (store_mdberr(tx, what, rc));
	}
	rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	while (rc == 0) {
		if (t->who(&k, &v, a, sizeof(a)) == 0 &&
		    same_person(a, strlen(a), er->target, er->delims)) {
			if (t->note && gone(er, a) < 0) {
				/* not a break: rc is still 0 there */
				mdb_cursor_close(cur);
				return (-1);
			}
			if ((rc = mdb_cursor_del(cur, 0)) != 0)
				break;
			er->tally.removed++;
			/* after a delete, NEXT gives what followed */
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
			continue;
		}
		memset(&e, 0, sizeof(e));
		if (t->rewrite(er, &k, &v, &e)) {
			if (put_current(er, cur, &k, &e) < 0) {
				mdb_cursor_close(cur);
				return (-1);
			}
			er->tally.scrubbed++;
		}
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		(void)snprintf(what, sizeof(what), "erase %s", t->name);
		return (store_mdberr(tx, what, rc));
	}
	return (0);
}

/* erase - store_erase(); with NOTE, the history record that says so */
static int
erase(struct store_txn *tx, const char *addr, const char *delims,
    const struct change *ch, struct store_erase_tally *tally, int note)
{
	struct erasure er;
	struct supp_rec s;
	struct change quiet;
	size_t i, alen = strlen(addr);
	int rc = -1;

	if (alen == 0 || alen > ADDR_MAX || strchr(addr, '@') == NULL ||
	    addr[0] == '@')
		return (store_txerr(tx, "bad address"));
	memset(&er, 0, sizeof(er));
	er.tx = tx;
	er.delims = delims;
	if (addr_untag(addr, delims, er.target, sizeof(er.target)) != 1)
		(void)snprintf(er.target, sizeof(er.target), "%s", addr);
	if (gone(&er, er.target) < 0)
		goto out;
	/* the suppression an earlier erasure left, about to go with the rest */
	er.tally.again = store_get_suppression(tx, er.target, &s) == 1 &&
	    s.reason == SUPP_LEGAL &&
	    strcmp(s.source, STORE_ERASURE_SOURCE) == 0;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (erase_table(&er, &tables[i]) < 0)
			goto out;
	for (i = 0; i < er.ngone; i++)
		if (store_bounce_erase(tx, er.gone[i]) < 0)
			goto out;

	/* keep the person out of all mail, without naming them */
	memset(&s, 0, sizeof(s));
	s.reason = SUPP_LEGAL;
	quiet = *ch;
	quiet.source = STORE_ERASURE_SOURCE;
	quiet.evidence = "";
	if (store_supp_write(tx, er.target, &s, &quiet) < 0)
		goto out;
	rc = note ? store_history_append(tx, &quiet, ERASED, "", "", "erased") :
	    0;
	if (rc == 0 && tally != NULL)
		*tally = er.tally;
out:
	free(er.gone);
	return (rc);
}

int
store_erase(struct store_txn *tx, const char *addr, const char *delims,
    const struct change *ch, struct store_erase_tally *tally)
{
	return (erase(tx, addr, delims, ch, tally, 1));
}

int
store_erase_again(struct store_txn *tx, const char *addr, const char *delims,
    const struct change *ch)
{
	return (erase(tx, addr, delims, ch, NULL, 0));
}
