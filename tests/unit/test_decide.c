/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_decide - every row and reason of the decision table
 * (DESIGN.md section 4), on a real LMDB store
 */
#include "config.h"

#include <time.h>

#include "testutil.h"

#include "conf.h"
#include "decide.h"
#include "model.h"
#include "store.h"

#define NOW	2000000000LL	/* 2033-05-18 */
#define PAST	(NOW - 86400)
#define FUTURE	(NOW + 86400)

struct op {
	char	kind;		/* 'c' consent, 'k' one confirmed, 's'
				   suppression, 'r' refused */
	const char *addr;
	const char *list;
	int	value;		/* status or reason */
	int64_t	expires;
	int64_t	changed;	/* 0: the change's time, NOW - 1000 */
};

struct dcase {
	const char *name;
	struct op ops[3];
	const char *addr;
	const char *list;
	const char *delims;
	const char *want;	/* "deliver" or the reason */
};

#define C(a, l, s, e) { 'c', a, l, s, e, 0 }
/* a consent record changed at time T */
#define CT(a, l, s, t) { 'c', a, l, s, 0, t }
/* a consent record the person confirmed at time T (source "confirm") */
#define CC(a, l, s, t) { 'k', a, l, s, 0, t }
/* ... that expires at E */
#define CTE(a, l, s, t, e) { 'c', a, l, s, e, t }
#define OLDEST	(NOW - 3000)
#define OLDER	(NOW - 2000)
#define LATER	(NOW - 1000)
#define NEWEST	(NOW - 500)
#define S(a, r) { 's', a, NULL, r, 0, 0 }
/* a consent write the store must refuse */
#define R(a, l, s) { 'r', a, l, s, 0, 0 }

static const struct dcase cases[] = {
	/* express */
	{ "express: no record", { { 0 } }, "e1@x.test", "news", "+", "no-consent" },
	{ "express: opt-in", { C("e2@x.test", "news", STATUS_OPT_IN, 0) },
	    "e2@x.test", "news", "+", "deliver" },
	{ "express: opt-in, expires later",
	    { C("e3@x.test", "news", STATUS_OPT_IN, FUTURE) },
	    "e3@x.test", "news", "+", "deliver" },
	{ "express: opt-in, expired",
	    { C("e4@x.test", "news", STATUS_OPT_IN, PAST) },
	    "e4@x.test", "news", "+", "expired" },
	{ "express: opt-in, expires now",
	    { C("e4b@x.test", "news", STATUS_OPT_IN, NOW) },
	    "e4b@x.test", "news", "+", "expired" },
	{ "express: opt-out", { C("e5@x.test", "news", STATUS_OPT_OUT, 0) },
	    "e5@x.test", "news", "+", "opted-out" },
	{ "express: pending", { C("e6@x.test", "news", STATUS_PENDING, 0) },
	    "e6@x.test", "news", "+", "pending" },
	{ "express: relationship is not express",
	    { C("e7@x.test", "news", STATUS_RELATIONSHIP, 0) },
	    "e7@x.test", "news", "+", "no-consent" },
	{ "express: consent on another list",
	    { C("e8@x.test", "svc", STATUS_OPT_IN, 0) },
	    "e8@x.test", "news", "+", "no-consent" },
	{ "express: opt-in, suppressed unsubscribe-all",
	    { C("e9@x.test", "news", STATUS_OPT_IN, 0),
	      S("e9@x.test", SUPP_UNSUBSCRIBE_ALL) },
	    "e9@x.test", "news", "+", "suppressed:unsubscribe-all" },
	{ "express: opt-in, suppressed bounce",
	    { C("e10@x.test", "news", STATUS_OPT_IN, 0),
	      S("e10@x.test", SUPP_BOUNCE) },
	    "e10@x.test", "news", "+", "suppressed:bounce" },
	{ "express: opt-in, suppressed complaint",
	    { C("e11@x.test", "news", STATUS_OPT_IN, 0),
	      S("e11@x.test", SUPP_COMPLAINT) },
	    "e11@x.test", "news", "+", "suppressed:complaint" },
	{ "express: opt-in, suppressed manual",
	    { C("e12@x.test", "news", STATUS_OPT_IN, 0),
	      S("e12@x.test", SUPP_MANUAL) },
	    "e12@x.test", "news", "+", "suppressed:manual" },
	{ "express: opt-in, suppressed legal",
	    { C("e13@x.test", "news", STATUS_OPT_IN, 0),
	      S("e13@x.test", SUPP_LEGAL) },
	    "e13@x.test", "news", "+", "suppressed:legal" },
	{ "express: opt-in, domain suppressed",
	    { C("e14@sup.test", "news", STATUS_OPT_IN, 0),
	      S("@sup.test", SUPP_COMPLAINT) },
	    "e14@sup.test", "news", "+", "suppressed:complaint" },
	{ "express: consent of user@ covers user+tag@",
	    { C("e15@x.test", "news", STATUS_OPT_IN, 0) },
	    "e15+promo@x.test", "news", "+", "deliver" },
	{ "express: without a delimiter the tag is part of the address",
	    { C("e16@x.test", "news", STATUS_OPT_IN, 0) },
	    "e16+promo@x.test", "news", "", "no-consent" },
	{ "express: the tagged record is more specific",
	    { C("e17@x.test", "news", STATUS_OPT_IN, 0),
	      C("e17+promo@x.test", "news", STATUS_OPT_OUT, 0) },
	    "e17+promo@x.test", "news", "+", "opted-out" },
	{ "express: suppression of user@ holds back user+tag@",
	    { C("e18+a@x.test", "news", STATUS_OPT_IN, 0),
	      S("e18@x.test", SUPP_BOUNCE) },
	    "e18+a@x.test", "news", "+", "suppressed:bounce" },
	{ "express: a domain cannot give express consent",
	    { R("@dom-optin.test", "news", STATUS_OPT_IN) },
	    "e19@dom-optin.test", "news", "+", "no-consent" },
	{ "express: domain opt-out holds back its addresses",
	    { C("@dom-out.test", "news", STATUS_OPT_OUT, 0) },
	    "e20@dom-out.test", "news", "+", "opted-out" },

	/* relationship */
	{ "relationship: no record", { { 0 } }, "r1@x.test", "svc", "+",
	    "no-consent" },
	{ "relationship: relationship",
	    { C("r2@x.test", "svc", STATUS_RELATIONSHIP, 0) },
	    "r2@x.test", "svc", "+", "deliver" },
	{ "relationship: opt-in",
	    { C("r3@x.test", "svc", STATUS_OPT_IN, 0) },
	    "r3@x.test", "svc", "+", "deliver" },
	{ "relationship: expired relationship",
	    { C("r4@x.test", "svc", STATUS_RELATIONSHIP, PAST) },
	    "r4@x.test", "svc", "+", "expired" },
	{ "relationship: pending",
	    { C("r5@x.test", "svc", STATUS_PENDING, 0) },
	    "r5@x.test", "svc", "+", "pending" },
	{ "relationship: opt-out",
	    { C("r6@x.test", "svc", STATUS_OPT_OUT, 0) },
	    "r6@x.test", "svc", "+", "opted-out" },
	{ "relationship: domain-wide relationship",
	    { C("@cust.test", "svc", STATUS_RELATIONSHIP, 0) },
	    "anyone@cust.test", "svc", "+", "deliver" },
	{ "relationship: domain-wide, personal opt-out wins",
	    { C("@cust2.test", "svc", STATUS_RELATIONSHIP, 0),
	      C("r7@cust2.test", "svc", STATUS_OPT_OUT, 0) },
	    "r7@cust2.test", "svc", "+", "opted-out" },
	{ "relationship: domain-wide, opt-out of user@ covers user+tag@",
	    { C("@cust3.test", "svc", STATUS_RELATIONSHIP, 0),
	      C("r8@cust3.test", "svc", STATUS_OPT_OUT, 0) },
	    "r8+ops@cust3.test", "svc", "+", "opted-out" },
	{ "relationship: domain-wide, expired",
	    { C("@cust4.test", "svc", STATUS_RELATIONSHIP, PAST) },
	    "r9@cust4.test", "svc", "+", "expired" },
	{ "relationship: domain-wide, suppressed person",
	    { C("@cust5.test", "svc", STATUS_RELATIONSHIP, 0),
	      S("r10@cust5.test", SUPP_UNSUBSCRIBE_ALL) },
	    "r10@cust5.test", "svc", "+", "suppressed:unsubscribe-all" },
	{ "relationship: domain-wide on another list",
	    { C("@cust6.test", "news", STATUS_RELATIONSHIP, 0) },
	    "r11@cust6.test", "svc", "+", "no-consent" },

	/* none */
	{ "none: no record", { { 0 } }, "n1@x.test", "tx", "+", "deliver" },
	{ "none: unsubscribe-all is not honoured",
	    { S("n2@x.test", SUPP_UNSUBSCRIBE_ALL) },
	    "n2@x.test", "tx", "+", "deliver" },
	{ "none: manual is not honoured by default",
	    { S("n3@x.test", SUPP_MANUAL) }, "n3@x.test", "tx", "+", "deliver" },
	{ "none: bounce", { S("n4@x.test", SUPP_BOUNCE) },
	    "n4@x.test", "tx", "+", "suppressed:bounce" },
	{ "none: complaint", { S("n5@x.test", SUPP_COMPLAINT) },
	    "n5@x.test", "tx", "+", "suppressed:complaint" },
	{ "none: legal", { S("n6@x.test", SUPP_LEGAL) },
	    "n6@x.test", "tx", "+", "suppressed:legal" },
	{ "none: domain bounce", { S("@bounce.test", SUPP_BOUNCE) },
	    "n7@bounce.test", "tx", "+", "suppressed:bounce" },
	{ "none, honor legal: bounce is not honoured",
	    { S("n8@x.test", SUPP_BOUNCE) }, "n8@x.test", "sup", "+", "deliver" },
	{ "none, honor legal: legal", { S("n9@x.test", SUPP_LEGAL) },
	    "n9@x.test", "sup", "+", "suppressed:legal" },
	{ "none, honor manual: manual", { S("n10@x.test", SUPP_MANUAL) },
	    "n10@x.test", "man", "+", "suppressed:manual" },
	/* the person's unsubscribe-all kept under a stronger reason */
	{ "none, honor unsubscribe-all: the one kept under a manual",
	    { S("n13@x.test", SUPP_UNSUBSCRIBE_ALL),
	    S("n13@x.test", SUPP_MANUAL) }, "n13@x.test", "dig", "+",
	    "suppressed:unsubscribe-all" },
	{ "none, honor manual: the manual over an unsubscribe-all",
	    { S("n14@x.test", SUPP_UNSUBSCRIBE_ALL),
	    S("n14@x.test", SUPP_MANUAL) }, "n14@x.test", "man", "+",
	    "suppressed:manual" },
	{ "none, honor legal: neither",
	    { S("n15@x.test", SUPP_UNSUBSCRIBE_ALL),
	    S("n15@x.test", SUPP_MANUAL) }, "n15@x.test", "sup", "+",
	    "deliver" },
	{ "express: the manual over an unsubscribe-all",
	    { S("n16@x.test", SUPP_MANUAL),
	    S("n16@x.test", SUPP_UNSUBSCRIBE_ALL) }, "n16@x.test", "news",
	    "+", "suppressed:manual" },
	{ "none, honor unsubscribe-all: kept under a manual made before",
	    { S("n17@x.test", SUPP_MANUAL),
	    S("n17@x.test", SUPP_UNSUBSCRIBE_ALL) }, "n17@x.test", "dig", "+",
	    "suppressed:unsubscribe-all" },
	{ "none: an explicit opt-out of the list wins",
	    { C("n11@x.test", "tx", STATUS_OPT_OUT, 0) },
	    "n11@x.test", "tx", "+", "opted-out" },
	{ "none: pending does not matter",
	    { C("n12@x.test", "tx", STATUS_PENDING, 0) },
	    "n12@x.test", "tx", "+", "deliver" },

	/*
	 * a local part that is itself an address: the domain's server
	 * routes "u%h@d", "h!u@d" and "\"u@h\"@d" on to u@h (Postfix's
	 * allow_percent_hack, swap_bangpath, resolve); u@h's opt-out and
	 * suppressions hold, and a domain record does not speak for it
	 */
	{ "route: percent hack to an opted-out person",
	    { C("@r1.test", "svc", STATUS_RELATIONSHIP, 0),
	      C("cto@r1.test", "svc", STATUS_OPT_OUT, 0) },
	    "cto%r1.test@r1.test", "svc", "+", "opted-out" },
	{ "route: bang path to an opted-out person",
	    { C("@r2.test", "svc", STATUS_RELATIONSHIP, 0),
	      C("cto@r2.test", "svc", STATUS_OPT_OUT, 0) },
	    "r2.test!cto@r2.test", "svc", "+", "opted-out" },
	{ "route: quoted '@' to an opted-out person",
	    { C("@r3.test", "svc", STATUS_RELATIONSHIP, 0),
	      C("cto@r3.test", "svc", STATUS_OPT_OUT, 0) },
	    "\"cto@r3.test\"@r3.test", "svc", "+", "opted-out" },
	{ "route: percent hack, tagged, to an opted-out person",
	    { C("@r4.test", "svc", STATUS_RELATIONSHIP, 0),
	      C("cto@r4.test", "svc", STATUS_OPT_OUT, 0) },
	    "cto+x%r4.test@r4.test", "svc", "+", "opted-out" },
	{ "route: two percent hops to an opted-out person",
	    { C("@r5.test", "svc", STATUS_RELATIONSHIP, 0),
	      C("cto@r5.test", "svc", STATUS_OPT_OUT, 0) },
	    "cto%r5.test%r5.test@r5.test", "svc", "+", "opted-out" },
	{ "route: percent hack to a suppressed person",
	    { C("@r6.test", "svc", STATUS_RELATIONSHIP, 0),
	      S("ceo@r6.test", SUPP_COMPLAINT) },
	    "ceo%r6.test@r6.test", "svc", "+", "suppressed:complaint" },
	{ "route: consent none, percent hack to a complaint",
	    { S("ceo@r7.test", SUPP_COMPLAINT) },
	    "ceo%r7.test@x.test", "tx", "+", "suppressed:complaint" },
	{ "route: a domain record does not speak for a routed address",
	    { C("@r8.test", "svc", STATUS_RELATIONSHIP, 0) },
	    "someone%other.test@r8.test", "svc", "+", "no-consent" },
	{ "route: its own record still counts",
	    { C("a%b.test@r9.test", "svc", STATUS_RELATIONSHIP, 0) },
	    "a%b.test@r9.test", "svc", "+", "deliver" },
	{ "tag: a quoted local part is split at the delimiter too",
	    { C("@q1.test", "svc", STATUS_RELATIONSHIP, 0),
	      C("bob@q1.test", "svc", STATUS_OPT_OUT, 0) },
	    "\"bob+x y\"@q1.test", "svc", "+", "opted-out" },

	/*
	 * the most specific record decides, unless an opt-out at a less
	 * specific key is not older than it (store_outlives())
	 */
	{ "later: an opt-out of user@ holds back user+tag@'s older opt-in",
	    { CT("t1+news@x.test", "news", STATUS_OPT_IN, OLDER),
	      CT("t1@x.test", "news", STATUS_OPT_OUT, LATER) },
	    "t1+news@x.test", "news", "+", "opted-out" },
	{ "later: user+tag@'s opt-in stands over user@'s older opt-out",
	    { CT("t2@x.test", "news", STATUS_OPT_OUT, OLDER),
	      CT("t2+news@x.test", "news", STATUS_OPT_IN, LATER) },
	    "t2+news@x.test", "news", "+", "deliver" },
	{ "later: ... and user@ itself stays opted out",
	    { CT("t3@x.test", "news", STATUS_OPT_OUT, OLDER),
	      CT("t3+news@x.test", "news", STATUS_OPT_IN, LATER) },
	    "t3@x.test", "news", "+", "opted-out" },
	{ "later: in the same second the opt-out wins",
	    { CT("t4+news@x.test", "news", STATUS_OPT_IN, LATER),
	      CT("t4@x.test", "news", STATUS_OPT_OUT, LATER) },
	    "t4+news@x.test", "news", "+", "opted-out" },
	{ "later: a domain opt-out holds back an older personal record",
	    { CT("p@t5.test", "svc", STATUS_RELATIONSHIP, OLDER),
	      CT("@t5.test", "svc", STATUS_OPT_OUT, LATER) },
	    "p@t5.test", "svc", "+", "opted-out" },
	{ "later: a personal opt-in stands over an older domain opt-out",
	    { CT("@t6.test", "news", STATUS_OPT_OUT, OLDER),
	      CT("p@t6.test", "news", STATUS_OPT_IN, LATER) },
	    "p@t6.test", "news", "+", "deliver" },
	{ "later: a domain opt-out reaches past user@ to user+tag@",
	    { CT("p+a@t7.test", "svc", STATUS_RELATIONSHIP, OLDER),
	      CT("p@t7.test", "svc", STATUS_RELATIONSHIP, OLDER),
	      CT("@t7.test", "svc", STATUS_OPT_OUT, LATER) },
	    "p+a@t7.test", "svc", "+", "opted-out" },
	{ "later: an older opt-out of user@ leaves user+tag@'s relationship",
	    { CT("p@t8.test", "svc", STATUS_OPT_OUT, OLDER),
	      CT("p+a@t8.test", "svc", STATUS_RELATIONSHIP, LATER) },
	    "p+a@t8.test", "svc", "+", "deliver" },
	{ "later: user@'s opt-in, later than @d's opt-out, speaks for user+tag@",
	    { CT("p+a@t13.test", "news", STATUS_OPT_IN, OLDEST),
	      CT("@t13.test", "news", STATUS_OPT_OUT, OLDER),
	      CT("p@t13.test", "news", STATUS_OPT_IN, LATER) },
	    "p+a@t13.test", "news", "+", "deliver" },
	{ "later: ... but not when @d's opt-out is the latest",
	    { CT("p+a@t14.test", "news", STATUS_OPT_IN, OLDEST),
	      CT("p@t14.test", "news", STATUS_OPT_IN, OLDER),
	      CT("@t14.test", "news", STATUS_OPT_OUT, LATER) },
	    "p+a@t14.test", "news", "+", "opted-out" },
	{ "later: a pending request of user@ lifts no opt-out of @d",
	    { CT("p+a@t16.test", "news", STATUS_OPT_IN, OLDEST),
	      CT("@t16.test", "news", STATUS_OPT_OUT, OLDER),
	      CT("p@t16.test", "news", STATUS_PENDING, LATER) },
	    "p+a@t16.test", "news", "+", "opted-out" },
	{ "later: an expired opt-in of user@ lifts no opt-out of @d",
	    { CT("p+a@t17.test", "news", STATUS_OPT_IN, OLDEST),
	      CT("@t17.test", "news", STATUS_OPT_OUT, OLDER),
	      CTE("p@t17.test", "news", STATUS_OPT_IN, LATER, PAST) },
	    "p+a@t17.test", "news", "+", "opted-out" },
	{ "later: a relationship, on an express list, lifts no opt-out",
	    { CT("p+a@t18.test", "news", STATUS_OPT_IN, OLDEST),
	      CT("@t18.test", "news", STATUS_OPT_OUT, OLDER),
	      CT("p@t18.test", "news", STATUS_RELATIONSHIP, LATER) },
	    "p+a@t18.test", "news", "+", "opted-out" },
	{ "later: an expired tagged opt-in: the opt-out of user@ says why",
	    { CTE("p+a@t19.test", "news", STATUS_OPT_IN, LATER, PAST),
	      CT("p@t19.test", "news", STATUS_OPT_OUT, OLDER) },
	    "p+a@t19.test", "news", "+", "opted-out" },
	{ "later: routed on to u@h, whose domain opted out since",
	    { CT("cto%t9.test@t10.test", "svc", STATUS_RELATIONSHIP, OLDER),
	      CT("cto@t9.test", "svc", STATUS_RELATIONSHIP, OLDER),
	      CT("@t9.test", "svc", STATUS_OPT_OUT, LATER) },
	    "cto%t9.test@t10.test", "svc", "+", "opted-out" },
	{ "later: routed on to u@h, whose opt-in is later than h's opt-out",
	    { CT("cto%t11.test@t12.test", "svc", STATUS_RELATIONSHIP, OLDER),
	      CT("@t11.test", "svc", STATUS_OPT_OUT, OLDER),
	      CT("cto@t11.test", "svc", STATUS_RELATIONSHIP, LATER) },
	    "cto%t11.test@t12.test", "svc", "+", "deliver" },

	/*
	 * the person's own unsubscribe-all (dated LATER here) yields on a
	 * list whose opt-in they confirmed after it
	 */
	{ "all: an opt-in confirmed after the person's unsubscribe-all stands",
	    { CC("a1@u.test", "news", STATUS_OPT_IN, NEWEST),
	      S("a1@u.test", SUPP_UNSUBSCRIBE_ALL) },
	    "a1@u.test", "news", "+", "deliver" },
	{ "all: ... an older one does not",
	    { CC("a2@u.test", "news", STATUS_OPT_IN, OLDER),
	      S("a2@u.test", SUPP_UNSUBSCRIBE_ALL) },
	    "a2@u.test", "news", "+", "suppressed:unsubscribe-all" },
	{ "all: ... nor on another list",
	    { CC("a3@u.test", "news", STATUS_OPT_IN, NEWEST),
	      CT("a3@u.test", "promo", STATUS_OPT_IN, OLDER),
	      S("a3@u.test", SUPP_UNSUBSCRIBE_ALL) },
	    "a3@u.test", "promo", "+", "suppressed:unsubscribe-all" },
	{ "all: ... nor a relationship made after it",
	    { CT("a4@u.test", "svc", STATUS_RELATIONSHIP, NEWEST),
	      S("a4@u.test", SUPP_UNSUBSCRIBE_ALL) },
	    "a4@u.test", "svc", "+", "suppressed:unsubscribe-all" },
	{ "all: the untagged form's, and the tagged opt-in after it",
	    { CC("a5+t@u.test", "news", STATUS_OPT_IN, NEWEST),
	      S("a5@u.test", SUPP_UNSUBSCRIBE_ALL) },
	    "a5+t@u.test", "news", "+", "deliver" },
	{ "all: a domain's unsubscribe-all does not yield",
	    { CC("a6@u2.test", "news", STATUS_OPT_IN, NEWEST),
	      S("@u2.test", SUPP_UNSUBSCRIBE_ALL) },
	    "a6@u2.test", "news", "+", "suppressed:unsubscribe-all" },
	{ "all: user@'s later opt-in does not lift user+tag@'s own",
	    { CC("a8@u.test", "news", STATUS_OPT_IN, NEWEST),
	      S("a8+t@u.test", SUPP_UNSUBSCRIBE_ALL) },
	    "a8+t@u.test", "news", "+", "suppressed:unsubscribe-all" },
	{ "all: an opt-in recorded after it, not confirmed, does not",
	    { CT("a9@u.test", "news", STATUS_OPT_IN, NEWEST),
	      S("a9@u.test", SUPP_UNSUBSCRIBE_ALL) },
	    "a9@u.test", "news", "+", "suppressed:unsubscribe-all" },
	{ "all: a bounce does not yield",
	    { CC("a7@u.test", "news", STATUS_OPT_IN, NEWEST),
	      S("a7@u.test", SUPP_BOUNCE) },
	    "a7@u.test", "news", "+", "suppressed:bounce" },
	{ "route: a plain address is unchanged",
	    { C("@r10.test", "svc", STATUS_RELATIONSHIP, 0) },
	    "plain@r10.test", "svc", "+", "deliver" },
};

static const char conftext[] =
    "unsubscribe-mailto u@example.com\n"
    "list news { consent express }\n"
    "list svc { consent relationship }\n"
    "list promo { consent express }\n"
    "list tx { consent none }\n"
    "list sup {\n consent none\n honor legal\n}\n"
    "list man {\n consent none\n honor manual\n}\n"
    "list dig {\n consent none\n unsubscribe yes\n"
    " honor unsubscribe-all legal\n}\n";

static int
apply(struct store_txn *tx, void *arg)
{
	const struct op *op = arg;
	struct change ch = { ACTOR_CLI, "test", "", NOW - 1000 };

	if (op->kind == 'k')
		ch.source = "confirm";
	if (op->kind == 'c' || op->kind == 'r' || op->kind == 'k') {
		struct consent_rec r;

		memset(&r, 0, sizeof(r));
		r.status = op->value;
		r.expires = op->expires;
		r.changed = op->changed;
		return (store_put_consent(tx, op->addr, op->list, &r, &ch));
	} else {
		struct supp_rec r;

		memset(&r, 0, sizeof(r));
		r.reason = op->value;
		return (store_put_suppression(tx, op->addr, &r, &ch));
	}
}

static void
test_table(void **state)
{
	struct conf *c;
	struct store *st;
	struct store_txn *tx;
	struct decision d;
	char err[512], why[64], *dir;
	size_t i, j;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(conf_parse(conftext, strlen(conftext), "d.conf", NULL,
	    &c, err, sizeof(err)), 0);
	if (store_open(dir, 1 << 20, STORE_CREATE, &st, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (j = 0; j < 3 && cases[i].ops[j].kind != 0; j++)
			if ((store_write(st, apply, (void *)&cases[i].ops[j], err,
			    sizeof(err)) < 0) != (cases[i].ops[j].kind == 'r'))
				fail_msg("%s: %s", cases[i].name,
				    cases[i].ops[j].kind == 'r' ? "not refused" :
				    err);

	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dcase *k = &cases[i];
		const struct conf_list *l = conf_find_list(c, k->list);
		const char *got;

		assert_non_null(l);
		assert_int_equal(decide(tx, l, k->addr, k->delims, NOW, &d), 0);
		got = d.verdict == VERDICT_DELIVER ? "deliver" :
		    decision_reason(&d, why, sizeof(why));
		if (strcmp(got, k->want) != 0)
			fail_msg("%s: want %s, got %s", k->name, k->want, got);
		assert_int_equal(d.verdict == VERDICT_DELIVER,
		    strcmp(k->want, "deliver") == 0);
	}
	store_read_end(tx);
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
