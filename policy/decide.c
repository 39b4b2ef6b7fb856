/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decide.c - who gets a message on a list, and why not
 *
 * DESCRIPTION
 *	Keys are tried most specific first: "user+tag@d", "user@d", "@d".
 *	A suppression at any of them holds the address back (for a list
 *	with consent none, only a suppression whose reason the list
 *	honours), but for one: the person's own unsubscribe-all (of the
 *	address or its untagged form, not of the domain) yields on a list
 *	whose deciding record, at the same key or a more specific one, is
 *	an opt-in the person confirmed after it (source CONFIRM_SOURCE,
 *	confirm.h); making it again (unsub_all()) dates it anew.
 *
 *	For consent, the most specific record decides; a domain record
 *	("@d") speaks for every address of the domain that has no record
 *	of its own. An opt-out at a less specific key decides
 *	instead unless a record that would let mail through on the list
 *	(opt-in, or relationship on a relationship list, not expired) at a
 *	more specific key is later (store_outlives()): user@d who
 *	unsubscribed is not mailed as user+tag@d on the strength of an
 *	older opt-in of the tagged address, nor is anyone of d after an
 *	opt-out of the whole domain; a later opt-in of the more specific
 *	address, its own express request, still stands. A pending request
 *	(anybody can make one on the subscribe form) or an expired record
 *	lifts no opt-out.
 *
 *	An explicit opt-out of the recipient from the list always wins,
 *	also on a list with consent none: a person who unsubscribed from a
 *	list is never mailed on it again, whatever its kind.
 *
 *	A local part that is itself an address ("u%h@d", "h!u@d",
 *	"\"u@h\"@d") is sent on to u@h by the server of d (addr_route()):
 *	the opt-out and suppressions of u@h hold such a recipient back as
 *	well, and a domain record of d does not speak for it, only a record
 *	of its own.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "confirm.h"
#include "decide.h"
#include "model.h"

/* deny - fill D with a refusal */
static int
deny(struct decision *d, enum reason r, int supp)
{
	d->verdict = VERDICT_DENY;
	d->reason = r;
	d->supp = supp;
	d->basis = 0;
	return (0);
}

static int
deliver(struct decision *d, int basis)
{
	d->verdict = VERDICT_DELIVER;
	d->reason = REASON_NONE;
	d->supp = 0;
	d->basis = basis;
	return (0);
}

/* grants - would R, on its own, let mail on L through at NOW? */
static int
grants(const struct consent_rec *r, const struct conf_list *l, int64_t now)
{
	if (r->expires != 0 && now >= r->expires)
		return (0);
	return (r->status == STATUS_OPT_IN || (r->status ==
	    STATUS_RELATIONSHIP && l->consent == CONSENT_RELATIONSHIP));
}

/*
 * deciding - the consent record of list L that decides among the N KEYS
 * (most specific first) at NOW: the first found, unless an opt-out at a
 * later key outlives every record passed on the way that grants(). 1
 * with *C and *AT (its key's index) set, 0 when there is none, -1 on a
 * store error.
 */
static int
deciding(struct store_txn *tx, const char *const *keys, int n,
    const struct conf_list *l, int64_t now, struct consent_rec *c, int *at)
{
	struct consent_rec o, mid;
	const struct consent_rec *latest = NULL;	/* passed, grants */
	int i, rc, found = 0;

	for (i = 0; i < n; i++) {
		if ((rc = store_get_consent(tx, keys[i], l->name,
		    found ? &o : c)) < 0)
			return (-1);
		if (rc == 0)
			continue;
		if (!found) {
			found = 1;
			*at = i;
			if (c->status == STATUS_OPT_OUT)
				break;
			if (grants(c, l, now))
				latest = c;
		} else if (o.status != STATUS_OPT_OUT) {
			if (grants(&o, l, now) && (latest == NULL ||
			    o.changed > latest->changed)) {
				mid = o;
				latest = &mid;
			}
		} else if (latest == NULL || store_outlives(&o, latest)) {
			*c = o;
			*at = i;
			break;
		}
	}
	return (found);
}

#define ROUTE_HOPS	4	/* u%h%i@d is two */

/*
 * holds - the reason S holds back mail on L, 0 none: on a list of consent
 * none only what it honours, which may be the person's unsubscribe-all
 * kept under a reason it does not honour
 */
static int
holds(const struct conf_list *l, const struct supp_rec *s)
{
	/*
	 * an erasure holds on every list a person can unsubscribe from,
	 * whatever it honours: it took the person's opt-outs and
	 * unsubscribe-all with it; a list without unsubscribe (the site's
	 * receipts) keeps what the site made it honour
	 */
	if (l->consent != CONSENT_NONE || (l->honor & SUPP_BIT(s->reason)) ||
	    (l->unsubscribe && strcmp(s->source, STORE_ERASURE_SOURCE) == 0))
		return (s->reason);
	if (s->all_changed != 0 && (l->honor & SUPP_BIT(SUPP_UNSUBSCRIBE_ALL)))
		return (SUPP_UNSUBSCRIBE_ALL);
	return (0);
}

/*
 * route_holds - ADDR routes on (addr_route()): does an opt-out of L or a
 * suppression of an address it routes to hold it back? 1 with D filled,
 * 0 when not, -1 on a store error. *ROUTED says whether ADDR routes.
 */
static int
route_holds(struct store_txn *tx, const struct conf_list *l,
    const char *addr, const char *delims, int64_t now, struct decision *d,
    int *routed)
{
	char cur[ADDR_BUFSIZE], next[ADDR_BUFSIZE], kbuf[ADDR_KEYS_BUFSIZE];
	const char *keys[3];
	struct consent_rec c;
	struct supp_rec s;
	int hop, n, i, rc;

	*routed = 0;
	if (strlcpy(cur, addr, sizeof(cur)) >= sizeof(cur))
		return (deny(d, REASON_NO_CONSENT, 0) + 1);
	for (hop = 0; hop < ROUTE_HOPS; hop++) {
		if ((rc = addr_route(cur, next, sizeof(next))) == 0)
			return (0);
		*routed = 1;
		if (rc < 0)
			return (0);	/* nowhere we can name */
		n = addr_keys(next, delims, kbuf, keys);
		if ((rc = deciding(tx, keys, n, l, now, &c, &i)) < 0)
			return (-1);
		if (rc == 1 && c.status == STATUS_OPT_OUT)
			return (deny(d, REASON_OPTED_OUT, 0) + 1);
		for (i = 0; i < n; i++) {
			if ((rc = store_get_suppression(tx, keys[i], &s)) < 0)
				return (-1);
			if (rc == 1 && (rc = holds(l, &s)) != 0)
				return (deny(d, REASON_SUPPRESSED, rc) + 1);
		}
		(void)memcpy(cur, next, sizeof(cur));
	}
	/* more hops than anybody routes through: nobody can tell */
	return (deny(d, REASON_NO_CONSENT, 0) + 1);
}

int
decide(struct store_txn *tx, const struct conf_list *l, const char *addr,
    const char *delims, int64_t now, struct decision *d)
{
	char kbuf[ADDR_KEYS_BUFSIZE];
	const char *keys[3];
	struct consent_rec c;
	struct supp_rec s;
	int n, i, rc, found, at, routed;
	int is_domain_key;

	n = addr_keys(addr, delims, kbuf, keys);

	if ((found = deciding(tx, keys, n, l, now, &c, &at)) < 0)
		return (-1);
	is_domain_key = found && addr_is_domain(keys[at]);

	if (found && c.status == STATUS_OPT_OUT)
		return (deny(d, REASON_OPTED_OUT, 0));

	for (i = 0; i < n; i++) {
		if ((rc = store_get_suppression(tx, keys[i], &s)) < 0)
			return (-1);
		if (rc == 0 || (rc = holds(l, &s)) == 0)
			continue;
		if (rc != s.reason) {
			/* the unsubscribe-all under it is what L honours */
			s.reason = rc;
			s.changed = s.all_changed;
		}
		/*
		 * the person's own unsubscribe-all, and an opt-in they
		 * confirmed since, at the same key or a more specific one
		 */
		if (s.reason == SUPP_UNSUBSCRIBE_ALL &&
		    !addr_is_domain(keys[i]) && found && at <= i &&
		    c.status == STATUS_OPT_IN && grants(&c, l, now) &&
		    c.changed > s.changed &&
		    strcmp(c.source, CONFIRM_SOURCE) == 0)
			continue;
		return (deny(d, REASON_SUPPRESSED, s.reason));
	}

	if ((rc = route_holds(tx, l, addr, delims, now, d, &routed)) != 0)
		return (rc < 0 ? -1 : 0);
	/* a domain record does not speak for an address routed on */
	if (routed && is_domain_key)
		found = 0;
	if (l->consent == CONSENT_NONE)
		return (deliver(d, 0));
	if (!found)
		return (deny(d, REASON_NO_CONSENT, 0));

	switch (c.status) {
	case STATUS_PENDING:
		return (deny(d, REASON_PENDING, 0));
	case STATUS_OPT_IN:
		/* express consent is personal: a domain cannot give it */
		if (is_domain_key && l->consent == CONSENT_EXPRESS)
			return (deny(d, REASON_NO_CONSENT, 0));
		break;
	case STATUS_RELATIONSHIP:
		if (l->consent != CONSENT_RELATIONSHIP)
			return (deny(d, REASON_NO_CONSENT, 0));
		break;
	default:
		return (deny(d, REASON_NO_CONSENT, 0));
	}
	if (c.expires != 0 && now >= c.expires)
		return (deny(d, REASON_EXPIRED, 0));
	return (deliver(d, c.status));
}

const char *
decision_reason(const struct decision *d, char *buf, size_t len)
{
	const char *s;

	switch (d->reason) {
	case REASON_NONE:	s = ""; break;
	case REASON_NO_CONSENT:	s = "no-consent"; break;
	case REASON_OPTED_OUT:	s = "opted-out"; break;
	case REASON_PENDING:	s = "pending"; break;
	case REASON_EXPIRED:	s = "expired"; break;
	case REASON_SUPPRESSED:
		(void)snprintf(buf, len, "suppressed:%s", supp_name(d->supp));
		return (buf);
	default:		s = "unknown"; break;
	}
	(void)snprintf(buf, len, "%s", s);
	return (buf);
}
