/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_confirm - confirmed opt-in on a real LMDB store: a request's
 * outcomes, the interval, confirmation and what stops it, lazy and
 * explicit expiry, the pending count, the confirmation message; and the
 * per-client rate limit
 */
#include "config.h"

#include "testutil.h"

#include "conf.h"
#include "confirm.h"
#include "decide.h"
#include "model.h"
#include "rate.h"
#include "store.h"
#include "unsub.h"

#define NOW	2000000000LL
#define HOUR	3600

static const char conftext[] =
    "unsubscribe-mailto u@example.com\n"
    "recipient-delimiter +\n"
    "confirm-from lists@example.com\n"
    "confirm-url https://lists.example.com/c/\n"
    "confirm-ttl 2d\n"
    "confirm-interval 1h\n"
    "list news { description \"News \\u00e9\"\n subscribe yes }\n"
    "list svc { consent relationship\n subscribe yes }\n";

struct env {
	struct conf *c;
	struct store *st;
	char	*dir;
};

static void
setup(struct env *e)
{
	char err[512];

	e->dir = tu_tmpdir();
	assert_int_equal(conf_parse(conftext, strlen(conftext), "c.conf", NULL,
	    &e->c, err, sizeof(err)), 0);
	if (store_open(e->dir, 1 << 20, STORE_CREATE, &e->st, err,
	    sizeof(err)) < 0)
		fail_msg("%s", err);
}

static void
teardown(struct env *e)
{
	store_close(e->st);
	conf_free(e->c);
	tu_rmrf(e->dir);
	free(e->dir);
}

struct job {
	struct env *e;
	char	op;		/* r request, a accept, s suppress (bounce),
				   u unsubscribe-all, o opt-out, i opt-in,
				   O unsubscribe (unsub_list()), x expire */
	const char *addr, *list;
	int64_t	now;
	int	res;
	size_t	n;
	int	gate;		/* for 'r': -1 none, else what it answers */
	int	asked;		/* times the gate was asked */
	int64_t	fresh_since;	/* for 'r' */
	int	no_record;	/* for 'r': pending-max reached */
};

static int
gate(void *arg, const struct conf_list *l)
{
	struct job *j = arg;

	assert_string_equal(l->name, j->list);
	j->asked++;
	return (j->gate != 0);
}

static int
run(struct store_txn *tx, void *arg)
{
	struct job *j = arg;
	const struct conf_list *l = j->list ? conf_find_list(j->e->c, j->list) :
	    NULL;
	struct change ch = { ACTOR_UNSUBD, "test", "route=test", j->now };
	struct confirm_limit lim;
	enum confirm_req rq;
	enum confirm_res rs;
	struct consent_rec r;
	struct supp_rec s;

	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	switch (j->op) {
	case 'r':
		lim.gate = gate;
		lim.arg = j;
		lim.fresh_since = j->fresh_since;
		lim.no_record = j->no_record;
		if (confirm_request(tx, j->e->c, j->addr, l, j->now, &ch,
		    j->gate < 0 && j->fresh_since == 0 && !j->no_record ? NULL :
		    &lim, &rq) < 0)
			return (-1);
		j->res = (int)rq;
		return (0);
	case 'a':
		if (confirm_accept(tx, j->e->c, j->addr, l, j->now, j->now,
		    &ch, &rs) < 0)
			return (-1);
		j->res = (int)rs;
		return (0);
	case 's':
	case 'u':
		s.reason = j->op == 's' ? SUPP_BOUNCE : SUPP_UNSUBSCRIBE_ALL;
		return (store_put_suppression(tx, j->addr, &s, &ch));
	case 'O':
		return (unsub_list(tx, j->addr, j->list, "+", &ch));
	case 'o':
	case 'i':
		r.status = j->op == 'o' ? STATUS_OPT_OUT : STATUS_OPT_IN;
		return (store_put_consent(tx, j->addr, j->list, &r, &ch));
	case 'R':
	case 'E':
		/* a relationship; an opt-in that expires at NOW */
		r.status = j->op == 'R' ? STATUS_RELATIONSHIP : STATUS_OPT_IN;
		r.expires = j->op == 'E' ? j->now : 0;
		return (store_put_consent(tx, j->addr, j->list, &r, &ch));
	case 'L':
		/* a suppression lifted at NOW (optinctl unsuppress) */
		return (store_lift_bounce(tx, j->addr, &ch));
	case 'x':
		return (confirm_expire(tx, j->e->c, j->now, &ch, &j->n));
	}
	return (-1);
}

struct accept_job {
	struct env *e;
	const char *addr, *list;
	int64_t	issued, now;
	int	res;
};

static int
run_accept(struct store_txn *tx, void *arg)
{
	struct accept_job *j = arg;
	struct change ch = { ACTOR_UNSUBD, "confirm", "route=test", j->now };
	enum confirm_res rs;

	if (confirm_accept(tx, j->e->c, j->addr, conf_find_list(j->e->c,
	    j->list), j->issued, j->now, &ch, &rs) < 0)
		return (-1);
	j->res = (int)rs;
	return (0);
}

/* op - run one operation, return its result */
static int
op(struct env *e, char what, const char *addr, const char *list,
    int64_t now)
{
	struct job j = { e, what, addr, list, now, 0, 0, -1, 0, 0, 0 };
	char err[256];

	if (store_write(e->st, run, &j, err, sizeof(err)) < 0)
		fail_msg("%c %s: %s", what, addr, err);
	return (what == 'x' ? (int)j.n : j.res);
}

/* request_gated - a request with a gate answering ANSWER; *ASKED: times */
static int
request_gated(struct env *e, const char *addr, const char *list, int64_t now,
    int answer, int *asked)
{
	struct job j = { e, 'r', addr, list, now, 0, 0, answer, 0, 0, 0 };
	char err[256];

	if (store_write(e->st, run, &j, err, sizeof(err)) < 0)
		fail_msg("r %s: %s", addr, err);
	*asked = j.asked;
	return (j.res);
}

/* accept_at - confirm_accept() of a link issued at ISSUED, at NOW */
static int
accept_at(struct env *e, const char *addr, const char *list, int64_t issued,
    int64_t now)
{
	struct accept_job j = { e, addr, list, issued, now, 0 };
	char err[256];

	if (store_write(e->st, run_accept, &j, err, sizeof(err)) < 0)
		fail_msg("accept %s: %s", addr, err);
	return (j.res);
}

/* status_of - the status of ADDR's own record for LIST, 0 for none */
static int
status_of(struct env *e, const char *addr, const char *list)
{
	struct store_txn *tx;
	struct consent_rec r;
	char err[256];
	int rc;

	assert_int_equal(store_read_begin(e->st, &tx, err, sizeof(err)), 0);
	rc = store_get_consent(tx, addr, list, &r);
	store_read_end(tx);
	assert_true(rc >= 0);
	return (rc == 1 ? r.status : 0);
}

/* verdict - 'D' delivered or '-' */
static char
verdict(struct env *e, const char *addr, const char *list, int64_t now)
{
	struct store_txn *tx;
	struct decision d;
	char err[256];

	assert_int_equal(store_read_begin(e->st, &tx, err, sizeof(err)), 0);
	assert_int_equal(decide(tx, conf_find_list(e->c, list), addr,
	    e->c->recipient_delimiter, now, &d), 0);
	store_read_end(tx);
	return (d.verdict == VERDICT_DELIVER ? 'D' : '-');
}

static size_t
pending(struct env *e)
{
	struct store_txn *tx;
	char err[256];
	size_t n;

	assert_int_equal(store_read_begin(e->st, &tx, err, sizeof(err)), 0);
	assert_int_equal(confirm_count_pending(tx, &n), 0);
	store_read_end(tx);
	return (n);
}

static void
test_request(void **state)
{
	struct env e;

	(void)state;
	setup(&e);
	/* a new address: pending, a confirmation to send */
	assert_int_equal(op(&e, 'r', "a@x.test", "news", NOW), CREQ_SEND);
	assert_int_equal(verdict(&e, "a@x.test", "news", NOW), '-');
	/* again within the interval: nothing; after it: again */
	assert_int_equal(op(&e, 'r', "a@x.test", "news", NOW + 60), CREQ_RECENT);
	assert_int_equal(op(&e, 'r', "a@x.test", "news", NOW + HOUR - 1),
	    CREQ_RECENT);
	assert_int_equal(op(&e, 'r', "a@x.test", "news", NOW + HOUR),
	    CREQ_SEND);
	/* another list is another request */
	assert_int_equal(op(&e, 'r', "a@x.test", "svc", NOW + 60), CREQ_SEND);
	/* suppressed: nothing written or sent, also for the tagged form and
	 * the domain */
	op(&e, 's', "b@x.test", NULL, NOW);
	assert_int_equal(op(&e, 'r', "b@x.test", "news", NOW), CREQ_SUPPRESSED);
	assert_int_equal(op(&e, 'r', "b+tag@x.test", "news", NOW),
	    CREQ_SUPPRESSED);
	op(&e, 's', "@bounced.test", NULL, NOW);
	assert_int_equal(op(&e, 'r', "c@bounced.test", "news", NOW),
	    CREQ_SUPPRESSED);
	/* subscribed already: nothing */
	op(&e, 'i', "d@x.test", "news", NOW);
	assert_int_equal(op(&e, 'r', "d@x.test", "news", NOW), CREQ_ALREADY);
	/* opted out before: a confirmation is sent, and the opt-out stays
	 * (anybody can ask): nothing pending, nothing written */
	op(&e, 'o', "f@x.test", "news", NOW);
	assert_int_equal(op(&e, 'r', "f@x.test", "news", NOW + 1),
	    CREQ_SEND_KEPT);
	assert_int_equal(pending(&e), 2);
	assert_int_equal(status_of(&e, "f@x.test", "news"), STATUS_OPT_OUT);
	/* ... so that it still holds back an older opt-in of f+tag@ */
	op(&e, 'i', "g+tag@x.test", "news", NOW - 10);
	op(&e, 'o', "g@x.test", "news", NOW);
	assert_int_equal(op(&e, 'r', "g@x.test", "news", NOW + 1),
	    CREQ_SEND_KEPT);
	assert_int_equal(verdict(&e, "g+tag@x.test", "news", NOW + 1), '-');
	/* and expiry cannot remove it */
	assert_int_equal(op(&e, 'x', NULL, NULL, NOW + 3 * 86400), 2);
	assert_int_equal(status_of(&e, "g@x.test", "news"), STATUS_OPT_OUT);
	teardown(&e);
}

/*
 * the sending limit is asked only when a confirmation would go out, and
 * what it holds back is not recorded either
 */
static void
test_request_gate(void **state)
{
	struct env e;
	int asked;

	(void)state;
	setup(&e);
	/* refused: answered as a recent one, nothing pending */
	assert_int_equal(request_gated(&e, "a@x.test", "news", NOW, 0, &asked),
	    CREQ_RECENT);
	assert_int_equal(asked, 1);
	assert_int_equal(status_of(&e, "a@x.test", "news"), 0);
	assert_int_equal(pending(&e), 0);
	/* allowed: recorded and sent */
	assert_int_equal(request_gated(&e, "a@x.test", "news", NOW + 1, 1,
	    &asked), CREQ_SEND);
	assert_int_equal(asked, 1);
	assert_int_equal(status_of(&e, "a@x.test", "news"), STATUS_PENDING);
	/* not asked when nothing would be sent */
	assert_int_equal(request_gated(&e, "a@x.test", "news", NOW + 2, 0,
	    &asked), CREQ_RECENT);
	assert_int_equal(asked, 0);
	op(&e, 'i', "d@x.test", "news", NOW);
	assert_int_equal(request_gated(&e, "d@x.test", "news", NOW, 0, &asked),
	    CREQ_ALREADY);
	assert_int_equal(asked, 0);
	op(&e, 's', "b@x.test", NULL, NOW);
	assert_int_equal(request_gated(&e, "b@x.test", "news", NOW, 0, &asked),
	    CREQ_SUPPRESSED);
	assert_int_equal(asked, 0);
	/* an opt-out that stays: asked, and refused means no message */
	op(&e, 'o', "f@x.test", "news", NOW);
	assert_int_equal(request_gated(&e, "f@x.test", "news", NOW + 1, 0,
	    &asked), CREQ_RECENT);
	assert_int_equal(asked, 1);
	assert_int_equal(request_gated(&e, "f@x.test", "news", NOW + 2, 1,
	    &asked), CREQ_SEND_KEPT);
	assert_int_equal(status_of(&e, "f@x.test", "news"), STATUS_OPT_OUT);
	teardown(&e);
}

/*
 * pending-max reached: a new request is sent and nothing is recorded; its
 * link confirms it all the same. What is on record is answered as ever.
 */
static void
test_request_full(void **state)
{
	struct env e;
	struct job j;
	char err[256];

	(void)state;
	setup(&e);
	memset(&j, 0, sizeof(j));
	j.e = &e;
	j.op = 'r';
	j.list = "news";
	j.now = NOW;
	j.gate = -1;
	j.no_record = 1;
	j.addr = "a@x.test";
	if (store_write(e.st, run, &j, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(j.res, CREQ_SEND);
	assert_int_equal(status_of(&e, "a@x.test", "news"), 0);
	assert_int_equal(pending(&e), 0);
	assert_int_equal(accept_at(&e, "a@x.test", "news", NOW, NOW + 60),
	    CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "a@x.test", "news", NOW + 60), 'D');
	/* an opt-out stays, and is sent a confirmation as before */
	op(&e, 'o', "b@x.test", "news", NOW);
	j.addr = "b@x.test";
	j.now = NOW + 5;
	if (store_write(e.st, run, &j, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(j.res, CREQ_SEND_KEPT);
	assert_int_equal(status_of(&e, "b@x.test", "news"), STATUS_OPT_OUT);
	/* and an opt-out made after the link still wins over it */
	j.addr = "c@x.test";
	j.now = NOW;
	if (store_write(e.st, run, &j, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	op(&e, 'o', "c@x.test", "news", NOW + 10);
	assert_int_equal(accept_at(&e, "c@x.test", "news", NOW, NOW + 20),
	    CRES_OPTED_OUT);
	assert_int_equal(verdict(&e, "c@x.test", "news", NOW + 20), '-');
	/* a suppression lifted after the link was sent (an erasure, whose
	 * pending request went with it): the link confirms nothing; one sent
	 * after the lift does */
	op(&e, 'L', "g@x.test", NULL, NOW + 10);
	assert_int_equal(accept_at(&e, "g+t@x.test", "news", NOW, NOW + 60),
	    CRES_NOTHING);
	assert_int_equal(accept_at(&e, "g@x.test", "news", NOW, NOW + 60),
	    CRES_NOTHING);
	assert_int_equal(accept_at(&e, "g@x.test", "news", NOW + 20, NOW + 60),
	    CRES_CONFIRMED);
	/* a pending record that expired is left; a newer link still works */
	op(&e, 'r', "d@x.test", "news", NOW);
	j.addr = "d@x.test";
	j.now = NOW + 8 * 86400;
	if (store_write(e.st, run, &j, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(j.res, CREQ_SEND);
	assert_int_equal(accept_at(&e, "d@x.test", "news", NOW + 8 * 86400,
	    NOW + 8 * 86400 + 60), CRES_CONFIRMED);
	/* and the old link, expired, does nothing */
	op(&e, 'r', "f@x.test", "news", NOW);
	assert_int_equal(accept_at(&e, "f@x.test", "news", NOW,
	    NOW + 8 * 86400), CRES_NOTHING);
	teardown(&e);
}

/*
 * a request made before FRESH_SINCE, or in that second (optin-unsubd's
 * start), does not count as sent recently: the message may have gone
 * with the process before
 */
static void
test_request_fresh(void **state)
{
	struct env e;
	struct job j = { &e, 'r', "a@x.test", "news", NOW + 60, 0, 0, -1, 0,
	    0, 0 };
	char err[256];

	(void)state;
	setup(&e);
	assert_int_equal(op(&e, 'r', "a@x.test", "news", NOW), CREQ_SEND);
	/* without a limit, and with one since before it: recent */
	assert_int_equal(op(&e, 'r', "a@x.test", "news", NOW + 60),
	    CREQ_RECENT);
	j.fresh_since = NOW - 1;
	assert_int_equal(store_write(e.st, run, &j, err, sizeof(err)), 0);
	assert_int_equal(j.res, CREQ_RECENT);
	/* made before the process started, or in its first second: sent
	 * again (a stop and a start within a second) */
	j.fresh_since = NOW;
	assert_int_equal(store_write(e.st, run, &j, err, sizeof(err)), 0);
	assert_int_equal(j.res, CREQ_SEND);
	teardown(&e);
}

static void
test_accept(void **state)
{
	struct env e;

	(void)state;
	setup(&e);
	assert_int_equal(op(&e, 'r', "a@x.test", "news", NOW), CREQ_SEND);
	assert_int_equal(op(&e, 'a', "a@x.test", "news", NOW + 60),
	    CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "a@x.test", "news", NOW + 60), 'D');
	assert_int_equal(op(&e, 'a', "a@x.test", "news", NOW + 90),
	    CRES_ALREADY);
	/* opted out before the request: a link issued after the opt-out
	 * confirms; one issued before it (or in its second) does not, nor
	 * one older than confirm-ttl */
	op(&e, 'o', "h@x.test", "news", NOW);
	assert_int_equal(accept_at(&e, "h@x.test", "news", NOW - 5, NOW + 60),
	    CRES_OPTED_OUT);
	assert_int_equal(accept_at(&e, "h@x.test", "news", NOW, NOW + 60),
	    CRES_OPTED_OUT);
	assert_int_equal(accept_at(&e, "h@x.test", "news", NOW + 1,
	    NOW + 1 + 3 * 86400), CRES_OPTED_OUT);
	assert_int_equal(verdict(&e, "h@x.test", "news", NOW + 60), '-');
	assert_int_equal(op(&e, 'r', "h@x.test", "news", NOW + 30),
	    CREQ_SEND_KEPT);
	assert_int_equal(accept_at(&e, "h@x.test", "news", NOW + 30, NOW + 60),
	    CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "h@x.test", "news", NOW + 60), 'D');
	/* unsubscribed, a link asked for since, unsubscribed again (the
	 * link in an older message clicked): the link does not confirm */
	assert_int_equal(op(&e, 'O', "c2@x.test", "news", NOW), 0);
	assert_int_equal(op(&e, 'r', "c2@x.test", "news", NOW + 30),
	    CREQ_SEND_KEPT);
	assert_int_equal(op(&e, 'O', "c2@x.test", "news", NOW + 40), 0);
	assert_int_equal(accept_at(&e, "c2@x.test", "news", NOW + 30, NOW + 60),
	    CRES_OPTED_OUT);
	assert_int_equal(verdict(&e, "c2@x.test", "news", NOW + 60), '-');
	/* opted out since */
	assert_int_equal(op(&e, 'r', "b@x.test", "news", NOW), CREQ_SEND);
	op(&e, 'o', "b@x.test", "news", NOW + 10);
	assert_int_equal(accept_at(&e, "b@x.test", "news", NOW, NOW + 20),
	    CRES_OPTED_OUT);
	assert_int_equal(verdict(&e, "b@x.test", "news", NOW + 20), '-');
	/* user@d opted out since the link for user+tag@d was sent */
	assert_int_equal(op(&e, 'r', "z+t@x.test", "news", NOW), CREQ_SEND);
	op(&e, 'o', "z@x.test", "news", NOW + 10);
	assert_int_equal(accept_at(&e, "z+t@x.test", "news", NOW, NOW + 20),
	    CRES_OPTED_OUT);
	assert_int_equal(verdict(&e, "z+t@x.test", "news", NOW + 20), '-');
	/* the person's own unsubscribe-all: a request leaves it, a link
	 * made after it lifts it, an older one does not; a bounce too */
	op(&e, 'i', "u@x.test", "news", NOW - 100);
	op(&e, 'i', "u@x.test", "svc", NOW - 100);
	op(&e, 'u', "u@x.test", NULL, NOW);
	assert_int_equal(op(&e, 'r', "u@x.test", "news", NOW + 5),
	    CREQ_SEND_KEPT);
	assert_int_equal(verdict(&e, "u@x.test", "news", NOW + 5), '-');
	assert_int_equal(accept_at(&e, "u@x.test", "news", NOW - 5, NOW + 60),
	    CRES_SUPPRESSED);
	assert_int_equal(accept_at(&e, "u@x.test", "news", NOW, NOW + 60),
	    CRES_SUPPRESSED);
	assert_int_equal(verdict(&e, "u@x.test", "news", NOW + 60), '-');
	assert_int_equal(accept_at(&e, "u@x.test", "news", NOW + 5, NOW + 60),
	    CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "u@x.test", "news", NOW + 60), 'D');
	/* the unsubscribe-all stays: the other list it holds back does not
	 * come back with it, and its record is untouched ... */
	assert_int_equal(verdict(&e, "u@x.test", "svc", NOW + 60), '-');
	assert_int_equal(status_of(&e, "u@x.test", "svc"), STATUS_OPT_IN);
	/* ... until its own link, made after the unsubscribe-all */
	assert_int_equal(accept_at(&e, "u@x.test", "svc", NOW + 5, NOW + 70),
	    CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "u@x.test", "svc", NOW + 70), 'D');
	/* unsubscribing from all again holds both back again */
	op(&e, 'u', "u@x.test", NULL, NOW + 80);
	assert_int_equal(verdict(&e, "u@x.test", "news", NOW + 80), '-');
	assert_int_equal(verdict(&e, "u@x.test", "svc", NOW + 80), '-');
	/* a request under it for a list with no record is pending (and so
	 * limited by confirm-interval); an expired pending one is renewed */
	op(&e, 'u', "k@x.test", NULL, NOW);
	assert_int_equal(op(&e, 'r', "k@x.test", "news", NOW + 5), CREQ_SEND);
	assert_int_equal(op(&e, 'r', "k@x.test", "news", NOW + 6), CREQ_RECENT);
	assert_int_equal(op(&e, 'r', "k@x.test", "news", NOW + 3 * 86400),
	    CREQ_SEND);
	assert_int_equal(accept_at(&e, "k@x.test", "news", NOW + 3 * 86400,
	    NOW + 3 * 86400 + 60), CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "k@x.test", "news", NOW + 3 * 86400 + 60),
	    'D');
	op(&e, 'u', "w+t@x.test", NULL, NOW);
	op(&e, 's', "w+t@x.test", NULL, NOW);
	assert_int_equal(op(&e, 'r', "w+t@x.test", "news", NOW + 5),
	    CREQ_SUPPRESSED);
	op(&e, 'u', "@all.test", NULL, NOW);
	assert_int_equal(op(&e, 'r', "v@all.test", "news", NOW + 5),
	    CREQ_SUPPRESSED);
	/* suppressed since */
	assert_int_equal(op(&e, 'r', "c@x.test", "news", NOW), CREQ_SEND);
	op(&e, 's', "c@x.test", NULL, NOW + 10);
	assert_int_equal(op(&e, 'a', "c@x.test", "news", NOW + 20),
	    CRES_SUPPRESSED);
	/* no record: a link that lives proves the request (pending-max may
	 * have kept it from being recorded); one that expired does not */
	assert_int_equal(accept_at(&e, "d@x.test", "news", NOW - 3 * 86400,
	    NOW), CRES_NOTHING);
	assert_int_equal(verdict(&e, "d@x.test", "news", NOW), '-');
	assert_int_equal(accept_at(&e, "d@x.test", "news", NOW - 60, NOW),
	    CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "d@x.test", "news", NOW), 'D');
	/* pending but older than confirm-ttl: expired when read (its link
	 * too) */
	assert_int_equal(op(&e, 'r', "f@x.test", "news", NOW), CREQ_SEND);
	assert_int_equal(accept_at(&e, "f@x.test", "news", NOW,
	    NOW + 2 * 86400), CRES_NOTHING);
	assert_int_equal(verdict(&e, "f@x.test", "news", NOW + 2 * 86400), '-');
	/* and a new request after expiry is sent at once */
	assert_int_equal(op(&e, 'r', "f@x.test", "news", NOW + 2 * 86400),
	    CREQ_SEND);
	teardown(&e);
}

/*
 * a request never makes pending what the person has: an opt-in held back
 * by an opt-out of user@d, an expired opt-in, a relationship on a list of
 * express consent stay as they are (whoever asks may be somebody else,
 * and pending would expire); the person's confirmation joins them anew
 */
static void
test_request_keeps(void **state)
{
	struct env e;

	(void)state;
	setup(&e);
	op(&e, 'i', "bob+news@x.test", "news", NOW - 100);
	op(&e, 'o', "bob@x.test", "news", NOW);
	op(&e, 'E', "amy@x.test", "news", NOW);
	op(&e, 'R', "ben@x.test", "news", NOW - 100);
	assert_int_equal(verdict(&e, "bob+news@x.test", "news", NOW + 5), '-');
	assert_int_equal(verdict(&e, "amy@x.test", "news", NOW + 5), '-');
	assert_int_equal(verdict(&e, "ben@x.test", "news", NOW + 5), '-');
	assert_int_equal(op(&e, 'r', "bob+news@x.test", "news", NOW + 5),
	    CREQ_SEND_KEPT);
	assert_int_equal(op(&e, 'r', "amy@x.test", "news", NOW + 5),
	    CREQ_SEND_KEPT);
	assert_int_equal(op(&e, 'r', "ben@x.test", "news", NOW + 5),
	    CREQ_SEND_KEPT);
	assert_int_equal(status_of(&e, "bob+news@x.test", "news"),
	    STATUS_OPT_IN);
	assert_int_equal(status_of(&e, "amy@x.test", "news"), STATUS_OPT_IN);
	assert_int_equal(status_of(&e, "ben@x.test", "news"),
	    STATUS_RELATIONSHIP);
	/* nothing pending to expire */
	assert_int_equal(op(&e, 'x', NULL, NULL, NOW + 30 * 86400), 0);
	assert_int_equal(status_of(&e, "amy@x.test", "news"), STATUS_OPT_IN);
	/* the person confirms: joined anew, over the opt-out and the expiry */
	assert_int_equal(accept_at(&e, "bob+news@x.test", "news", NOW + 5,
	    NOW + 60), CRES_CONFIRMED);
	assert_int_equal(accept_at(&e, "amy@x.test", "news", NOW + 5,
	    NOW + 60), CRES_CONFIRMED);
	assert_int_equal(accept_at(&e, "ben@x.test", "news", NOW + 5,
	    NOW + 60), CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "bob+news@x.test", "news", NOW + 60), 'D');
	assert_int_equal(verdict(&e, "amy@x.test", "news", NOW + 60), 'D');
	assert_int_equal(verdict(&e, "ben@x.test", "news", NOW + 60), 'D');
	assert_int_equal(status_of(&e, "ben@x.test", "news"), STATUS_OPT_IN);
	/* and an opt-in that gets through is confirmed already */
	assert_int_equal(accept_at(&e, "amy@x.test", "news", NOW + 5,
	    NOW + 90), CRES_ALREADY);
	teardown(&e);
}

/*
 * a link confirmed under the person's unsubscribe-all, used again: the
 * opt-in stands, so nothing is written (a replay used to re-date it with
 * the replayer's evidence); after a newer unsubscribe-all it is refused
 */
static void
test_replay_under_all(void **state)
{
	struct env e;

	(void)state;
	setup(&e);
	op(&e, 'u', "fay@x.test", NULL, NOW);
	assert_int_equal(verdict(&e, "fay@x.test", "news", NOW + 5), '-');
	(void)op(&e, 'r', "fay@x.test", "news", NOW + 5);
	assert_int_equal(accept_at(&e, "fay@x.test", "news", NOW + 5,
	    NOW + 60), CRES_CONFIRMED);
	assert_int_equal(verdict(&e, "fay@x.test", "news", NOW + 60), 'D');
	assert_int_equal(accept_at(&e, "fay@x.test", "news", NOW + 5,
	    NOW + 90), CRES_ALREADY);
	assert_int_equal(accept_at(&e, "fay@x.test", "news", NOW + 5,
	    NOW + 91), CRES_ALREADY);
	/* the person unsubscribes from all again: the old link is spent */
	op(&e, 'u', "fay@x.test", NULL, NOW + 100);
	assert_int_equal(verdict(&e, "fay@x.test", "news", NOW + 101), '-');
	assert_int_equal(accept_at(&e, "fay@x.test", "news", NOW + 5,
	    NOW + 120), CRES_SUPPRESSED);
	assert_int_equal(verdict(&e, "fay@x.test", "news", NOW + 121), '-');
	teardown(&e);
}

static void
test_expire(void **state)
{
	struct env e;

	(void)state;
	setup(&e);
	assert_int_equal(op(&e, 'r', "a@x.test", "news", NOW), CREQ_SEND);
	assert_int_equal(op(&e, 'r', "b@x.test", "news", NOW + 86400),
	    CREQ_SEND);
	assert_int_equal(op(&e, 'r', "c@x.test", "svc", NOW), CREQ_SEND);
	op(&e, 'i', "d@x.test", "news", NOW);
	assert_int_equal(pending(&e), 3);
	/* nothing is old enough yet */
	assert_int_equal(op(&e, 'x', NULL, NULL, NOW + 2 * 86400 - 1), 0);
	/* two of them now; the younger and the opt-in stay */
	assert_int_equal(op(&e, 'x', NULL, NULL, NOW + 2 * 86400), 2);
	assert_int_equal(pending(&e), 1);
	assert_int_equal(verdict(&e, "d@x.test", "news", NOW), 'D');
	assert_int_equal(op(&e, 'x', NULL, NULL, NOW + 3 * 86400), 1);
	assert_int_equal(pending(&e), 0);
	teardown(&e);
}

static void
test_message(void **state)
{
	struct env e;
	const struct conf_list *l[2];
	const char *urls[2] = { "https://lists.example.com/c/AAA",
	    "https://lists.example.com/c/BBB" };
	char buf[4096], small[100];
	size_t n;

	(void)state;
	setup(&e);
	l[0] = conf_find_list(e.c, "news");
	l[1] = conf_find_list(e.c, "svc");
	n = confirm_message(e.c, "amy@x.test", l, urls, 2, NOW, "id1", buf,
	    sizeof(buf));
	assert_true(n > 0 && n < sizeof(buf));
	buf[n] = '\0';
	assert_non_null(strstr(buf, "From: <lists@example.com>\n"));
	assert_non_null(strstr(buf, "To: <amy@x.test>\n"));
	assert_non_null(strstr(buf, "Subject: Please confirm your "
	    "subscription\n"));
	assert_non_null(strstr(buf, "Date: Wed, 18 May 2033 03:33:20 +0000\n"));
	assert_non_null(strstr(buf, "Message-ID: <id1@example.com>\n"));
	assert_non_null(strstr(buf, "Auto-Submitted: auto-generated\n"));
	assert_non_null(strstr(buf, "\n\n"));
	assert_non_null(strstr(buf, urls[0]));
	assert_non_null(strstr(buf, urls[1]));
	assert_non_null(strstr(buf, "the links expire in 2 days"));
	assert_null(strchr(buf, '\r'));
	/* too small a buffer: nothing, not half a message */
	assert_int_equal(confirm_message(e.c, "amy@x.test", l, urls, 2, NOW,
	    "id1", small, sizeof(small)), 0);
	teardown(&e);
}

/* the mailbox an address routes on to */
static void
test_mailbox(void **state)
{
	static const char *const cases[][2] = {
		{ "a@x.test", "a@x.test" },
		{ "a+tag@x.test", "a+tag@x.test" },
		{ "a%y.test@x.test", "a@y.test" },
		{ "a%z.test%y.test@x.test", "a@z.test" },
		{ "y.test!a@x.test", "a@y.test" },
		{ "\"a@y.test\"@x.test", "a@y.test" },
		{ "a+t%y.test@x.test", "a+t@y.test" },
		{ "a%@x.test", "a%@x.test" },	/* routes nowhere valid */
	};
	char out[ADDR_BUFSIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		confirm_mailbox(cases[i][0], out, sizeof(out));
		if (strcmp(out, cases[i][1]) != 0)
			fail_msg("%s: got %s, want %s", cases[i][0], out,
			    cases[i][1]);
	}
}

/*
 * a provider's spellings of one mailbox: the forms, and a suppression
 * of one spelling holding back a confirmation to the others
 */
static void
test_provider(void **state)
{
	static const char *const cases[][3] = {
		{ "v.ictim@gmail.com", "v.ictim@gmail.com", "victim@gmail.com" },
		{ "J.Smith+x.y@googlemail.com", "J.Smith@gmail.com",
		    "JSmith@gmail.com" },
		{ "a+b+c@GMAIL.COM", "a@gmail.com", "a@gmail.com" },
		{ "a.b@x.test", NULL, NULL },
		{ "\"a.b\"@gmail.com", NULL, NULL },
	};
	char forms[2][ADDR_BUFSIZE];
	struct env e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (confirm_provider_forms(cases[i][0], forms) !=
		    (cases[i][1] != NULL ? 2 : 0))
			fail_msg("%s: forms or not", cases[i][0]);
		if (cases[i][1] != NULL && (strcmp(forms[0], cases[i][1]) != 0 ||
		    strcmp(forms[1], cases[i][2]) != 0))
			fail_msg("%s: got %s %s", cases[i][0], forms[0],
			    forms[1]);
	}
	setup(&e);
	op(&e, 's', "victim@gmail.com", NULL, NOW);
	op(&e, 's', "john.smith@gmail.com", NULL, NOW);
	assert_int_equal(op(&e, 'r', "v.ictim@gmail.com", "news", NOW + 5),
	    CREQ_SUPPRESSED);
	assert_int_equal(op(&e, 'r', "victim+x@googlemail.com", "news",
	    NOW + 5), CREQ_SUPPRESSED);
	assert_int_equal(op(&e, 'r', "john.smith+x@googlemail.com", "news",
	    NOW + 5), CREQ_SUPPRESSED);
	assert_int_equal(op(&e, 'r', "vic.tim2@gmail.com", "news", NOW + 5),
	    CREQ_SEND);
	/* the person's own unsubscribe-all of the mailbox: a confirmation
	 * may lift it, also asked for through another spelling */
	op(&e, 'u', "amy@gmail.com", NULL, NOW);
	assert_int_equal(op(&e, 'r', "amy+news@gmail.com", "news", NOW + 5),
	    CREQ_SEND);
	assert_int_equal(op(&e, 'r', "a.my@gmail.com", "news", NOW + 5),
	    CREQ_SEND);
	assert_int_equal(pending(&e), 3);
	teardown(&e);
}

static void
test_rate(void **state)
{
	struct rate *r = rate_new(16);
	char key[32];
	int i, ok = 0;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < 5; i++)
		ok += rate_take(r, "192.0.2.1", NOW, 3, HOUR);
	assert_int_equal(ok, 3);
	/* another client has its own count */
	assert_int_equal(rate_take(r, "192.0.2.2", NOW, 3, HOUR), 1);
	/* the next window */
	assert_int_equal(rate_take(r, "192.0.2.1", NOW + HOUR - 1, 3, HOUR), 0);
	assert_int_equal(rate_take(r, "192.0.2.1", NOW + HOUR, 3, HOUR), 1);
	/* more clients than slots: the table takes them all over */
	for (i = 0; i < 100; i++) {
		(void)snprintf(key, sizeof(key), "198.51.100.%d", i);
		assert_int_equal(rate_take(r, key, NOW + 2 * HOUR, 1, HOUR), 1);
	}
	/* a key longer than a slot's */
	assert_int_equal(rate_take(r, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff:"
	    "0000:1111:2222:3333", NOW, 1, HOUR), 1);
	rate_free(r);
	rate_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_request_gate),
		cmocka_unit_test(test_request_full),
		cmocka_unit_test(test_request_fresh),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_request_keeps),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_replay_under_all),
		cmocka_unit_test(test_mailbox),
		cmocka_unit_test(test_provider),
		cmocka_unit_test(test_rate),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
