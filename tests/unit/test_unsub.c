/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_unsub - the preference page's rules (unsub_prefs) and the
 * unsubscribe-all state, table-driven on a real LMDB store
 */
#include "config.h"

#include <time.h>

#include "testutil.h"

#include "conf.h"
#include "decide.h"
#include "model.h"
#include "store.h"
#include "unsub.h"

#define NOW	2000000000LL

struct op {
	char	kind;		/* 'c' consent, 's' suppression */
	const char *addr;
	const char *list;
	int	value;		/* status or reason */
};

/* lists of the configuration, in order: news svc tx promo */
struct pcase {
	const char *name;
	struct op ops[3];
	const char *addr;	/* the token's address */
	const char *want;	/* one character per list: 1 checked */
	int	all;
	int	changed, blocked;
	const char *after;	/* per list: D deliver, - deny */
	int	all_after;	/* unsub_all_state afterwards */
};

#define C(a, l, s) { 'c', a, l, s }
#define S(a, r) { 's', a, NULL, r }

static const struct pcase cases[] = {
	{ "nothing checked, nothing held: nothing changes", { { 0 } },
	    "a1@x.test", "0000", 0, 0, 0, "--D-", 0 },
	{ "uncheck a delivered list: opt-out",
	    { C("a2@x.test", "news", STATUS_OPT_IN) },
	    "a2@x.test", "0000", 0, 1, 0, "--D-", 0 },
	{ "keep a delivered list: nothing",
	    { C("a3@x.test", "news", STATUS_OPT_IN) },
	    "a3@x.test", "1000", 0, 0, 0, "D-D-", 0 },
	{ "check a list: the person's express request",
	    { { 0 } }, "a4@x.test", "1001", 0, 2, 0, "D-DD", 0 },
	{ "check a list opted out before: only through a confirmation",
	    { C("a5@x.test", "news", STATUS_OPT_OUT) },
	    "a5@x.test", "1000", 0, 0, 0, "--D-", 0 },
	{ "check a pending list: opt-in",
	    { C("a6@x.test", "news", STATUS_PENDING) },
	    "a6@x.test", "1000", 0, 1, 0, "D-D-", 0 },
	{ "relationship kept when checked",
	    { C("a7@x.test", "svc", STATUS_RELATIONSHIP) },
	    "a7@x.test", "0100", 0, 0, 0, "-DD-", 0 },
	{ "relationship left when unchecked",
	    { C("a8@x.test", "svc", STATUS_RELATIONSHIP) },
	    "a8@x.test", "0000", 0, 1, 0, "--D-", 0 },
	{ "a list with unsubscribe no is not the form's",
	    { { 0 } }, "a9@x.test", "0000", 0, 0, 0, "--D-", 0 },
	{ "all: suppress, change nothing else",
	    { C("b1@x.test", "news", STATUS_OPT_IN) },
	    "b1@x.test", "1000", 1, 1, 0, "--D-", 1 },
	{ "all twice: dated anew (over lists confirmed since)",
	    { S("b2@x.test", SUPP_UNSUBSCRIBE_ALL) },
	    "b2@x.test", "0000", 1, 1, 0, "--D-", 1 },
	{ "one's own unsubscribe-all: lifted only by a confirmation",
	    { C("b3@x.test", "news", STATUS_OPT_IN),
	      S("b3@x.test", SUPP_UNSUBSCRIBE_ALL) },
	    "b3@x.test", "1000", 0, 0, 0, "--D-", 1 },
	{ "a bounce is not the person's to lift: blocked",
	    { C("b4@x.test", "news", STATUS_OPT_IN),
	      S("b4@x.test", SUPP_BOUNCE) },
	    "b4@x.test", "1000", 0, 0, 1, "----", 0 },
	{ "a complaint holds every checked list",
	    { S("b5@x.test", SUPP_COMPLAINT) },
	    "b5@x.test", "1001", 0, 0, 2, "----", 0 },
	{ "a domain's legal suppression holds",
	    { S("@legal.test", SUPP_LEGAL) },
	    "b6@legal.test", "1000", 0, 0, 1, "----", 0 },
	{ "tagged: the untagged opt-out takes a confirmation",
	    { C("c1@x.test", "news", STATUS_OPT_OUT) },
	    "c1+tag@x.test", "1000", 0, 0, 0, "--D-", 0 },
	{ "tagged: unchecking opts out both forms",
	    { C("c2@x.test", "news", STATUS_OPT_IN) },
	    "c2+tag@x.test", "0000", 0, 1, 0, "--D-", 0 },
	{ "tagged: the untagged form's unsubscribe-all counts and stays",
	    { S("c3@x.test", SUPP_UNSUBSCRIBE_ALL) },
	    "c3+tag@x.test", "0001", 0, 0, 0, "--D-", 1 },
};

static const char conftext[] =
    "unsubscribe-mailto u@example.com\n"
    "recipient-delimiter +\n"
    "list news { consent express }\n"
    "list svc { consent relationship }\n"
    "list tx { consent none\n unsubscribe no }\n"
    "list promo { consent express }\n";

static int
apply(struct store_txn *tx, void *arg)
{
	const struct op *op = arg;
	struct change ch = { ACTOR_CLI, "test", "", NOW - 1000 };

	if (op->kind == 'c') {
		struct consent_rec r;

		memset(&r, 0, sizeof(r));
		r.status = op->value;
		return (store_put_consent(tx, op->addr, op->list, &r, &ch));
	} else {
		struct supp_rec r;

		memset(&r, 0, sizeof(r));
		r.reason = op->value;
		return (store_put_suppression(tx, op->addr, &r, &ch));
	}
}

struct job {
	const struct conf *c;
	const char *addr;
	struct unsub_prefs p;
};

static int
run_prefs(struct store_txn *tx, void *arg)
{
	struct job *j = arg;
	struct change ch = { ACTOR_UNSUBD, "preferences", "route=POST /p/", NOW };

	return (unsub_prefs(tx, j->c, j->addr, &j->p, &ch, NOW));
}

static void
test_prefs(void **state)
{
	struct conf *c;
	struct store *st;
	struct store_txn *tx;
	struct decision d;
	unsigned char want[4];
	char err[512], *dir;
	size_t i, j;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(conf_parse(conftext, strlen(conftext), "u.conf", NULL,
	    &c, err, sizeof(err)), 0);
	assert_int_equal(c->nlists, 4);
	if (store_open(dir, 1 << 20, STORE_CREATE, &st, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *k = &cases[i];
		struct job jb;

		for (j = 0; j < 3 && k->ops[j].kind != 0; j++)
			if (store_write(st, apply, (void *)&k->ops[j], err,
			    sizeof(err)) < 0)
				fail_msg("%s: %s", k->name, err);
		for (j = 0; j < 4; j++)
			want[j] = k->want[j] == '1';
		memset(&jb, 0, sizeof(jb));
		jb.c = c;
		jb.addr = k->addr;
		jb.p.want = want;
		jb.p.all = k->all;
			if (store_write(st, run_prefs, &jb, err, sizeof(err)) < 0)
			fail_msg("%s: %s", k->name, err);
		if (jb.p.changed != k->changed || jb.p.blocked != k->blocked)
			fail_msg("%s: changed %d blocked %d, want %d %d",
			    k->name, jb.p.changed, jb.p.blocked, k->changed,
			    k->blocked);
		assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
		for (j = 0; j < 4; j++) {
			assert_int_equal(decide(tx, &c->lists[j], k->addr,
			    c->recipient_delimiter, NOW, &d), 0);
			if ((d.verdict == VERDICT_DELIVER) != (k->after[j] == 'D'))
				fail_msg("%s: list %s %s", k->name,
				    c->lists[j].name, d.verdict ==
				    VERDICT_DELIVER ? "delivered" : "denied");
		}
		if (unsub_all_state(tx, k->addr, c->recipient_delimiter) !=
		    k->all_after)
			fail_msg("%s: unsubscribe-all state", k->name);
		store_read_end(tx);
	}
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

/* a form for more lists than any fixed table: the last one counts too */
static void
test_many_lists(void **state)
{
	struct conf *c;
	struct store *st;
	struct store_txn *tx;
	struct decision d;
	struct job jb;
	unsigned char *want;
	char *text, err[512], *dir;
	size_t i, n = 300, len = 0, cap = 64 * 310;

	(void)state;
	text = malloc(cap);
	assert_non_null(text);
	len = (size_t)snprintf(text, cap, "unsubscribe-mailto u@example.com\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    "list l%03zu { consent express }\n", i);
	assert_int_equal(conf_parse(text, len, "m.conf", NULL, &c, err,
	    sizeof(err)), 0);
	free(text);
	dir = tu_tmpdir();
	if (store_open(dir, 1 << 20, STORE_CREATE, &st, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	want = calloc(n, 1);
	assert_non_null(want);
	want[n - 1] = 1;
	memset(&jb, 0, sizeof(jb));
	jb.c = c;
	jb.addr = "m@x.test";
	jb.p.want = want;
	assert_int_equal(store_write(st, run_prefs, &jb, err, sizeof(err)), 0);
	assert_int_equal(jb.p.changed, 1);
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(decide(tx, &c->lists[n - 1], "m@x.test", "", NOW, &d),
	    0);
	assert_int_equal(d.verdict, VERDICT_DELIVER);
	store_read_end(tx);
	free(want);
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

/*
 * preference-optin confirm: every list ticked is pending until confirmed,
 * the token's own too: its holder may not be the person, and a token for
 * a list that does not get through is one whose consent lapsed
 */
static void
test_prefs_confirm(void **state)
{
	struct conf *c;
	struct store *st;
	struct store_txn *tx;
	struct decision d;
	struct job jb;
	unsigned char want[4] = { 1, 0, 0, 1 }, send[4] = { 0 };
	char err[512], *dir;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(conf_parse(conftext, strlen(conftext), "u.conf", NULL,
	    &c, err, sizeof(err)), 0);
	if (store_open(dir, 1 << 20, STORE_CREATE, &st, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	memset(&jb, 0, sizeof(jb));
	jb.c = c;
	jb.addr = "k@x.test";
	jb.p.want = want;
	jb.p.confirm = 1;
	jb.p.can_send = 1;
	jb.p.send = send;
	assert_int_equal(store_write(st, run_prefs, &jb, err, sizeof(err)), 0);
	assert_int_equal(jb.p.changed, 2);
	assert_int_equal(jb.p.waiting, 2);
	assert_int_equal(send[0], 1);
	assert_int_equal(send[3], 1);
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(decide(tx, &c->lists[0], "k@x.test", "+", NOW, &d), 0);
	assert_int_equal(d.reason, REASON_PENDING);
	assert_int_equal(decide(tx, &c->lists[3], "k@x.test", "+", NOW, &d), 0);
	assert_int_equal(d.reason, REASON_PENDING);
	store_read_end(tx);
	/* the same form again: the confirmations are on their way, no more */
	send[0] = send[3] = 0;
	assert_int_equal(store_write(st, run_prefs, &jb, err, sizeof(err)), 0);
	assert_int_equal(jb.p.waiting, 2);
	assert_int_equal(jb.p.changed, 0);
	assert_int_equal(send[0], 0);
	assert_int_equal(send[3], 0);
	/* no way to send a confirmation: held, nothing written */
	jb.addr = "m@x.test";
	jb.p.can_send = 0;
	assert_int_equal(store_write(st, run_prefs, &jb, err, sizeof(err)), 0);
	assert_int_equal(jb.p.held, 2);
	assert_int_equal(jb.p.changed, 0);
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(decide(tx, &c->lists[0], "m@x.test", "+", NOW, &d), 0);
	assert_int_equal(d.reason, REASON_NO_CONSENT);
	assert_int_equal(decide(tx, &c->lists[3], "m@x.test", "+", NOW, &d), 0);
	assert_int_equal(d.reason, REASON_NO_CONSENT);
	store_read_end(tx);
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

struct dated {
	const char *addr;
	int	status;
	int64_t	changed;
};

static int
put_dated(struct store_txn *tx, void *arg)
{
	const struct dated *dt = arg;
	struct change ch = { ACTOR_CLI, "test", "", dt->changed };
	struct consent_rec r;

	memset(&r, 0, sizeof(r));
	r.status = dt->status;
	r.changed = dt->changed;
	return (store_put_consent(tx, dt->addr, "news", &r, &ch));
}

/* open_dated - the configuration and a new store holding the N records */
static struct store *
open_dated(struct conf **c, char **dir, const struct dated *d, size_t n)
{
	struct store *st;
	char err[512];
	size_t i;

	*dir = tu_tmpdir();
	assert_int_equal(conf_parse(conftext, strlen(conftext), "u.conf", NULL,
	    c, err, sizeof(err)), 0);
	if (store_open(*dir, 1 << 20, STORE_CREATE, &st, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	for (i = 0; i < n; i++)
		assert_int_equal(store_write(st, put_dated, (void *)&d[i], err,
		    sizeof(err)), 0);
	return (st);
}

struct unsub_at {
	const char *addr;
	int64_t	when;
};

static int
run_unsub(struct store_txn *tx, void *arg)
{
	const struct unsub_at *u = arg;
	struct change ch = { ACTOR_UNSUBD, "one-click", "", u->when };

	return (unsub_list(tx, u->addr, "news", "+", &ch));
}

static int
run_prefs_at(struct store_txn *tx, void *arg)
{
	struct job *j = arg;
	struct change ch = { ACTOR_UNSUBD, "preferences", "", NOW - 1000 };

	return (unsub_prefs(tx, j->c, j->addr, &j->p, &ch, NOW));
}

/* VERDICT for ADDR on news; "deliver" or the reason */
static void
want_news(struct store *st, const struct conf *c, const char *addr,
    const char *want)
{
	struct store_txn *tx;
	struct decision d;
	char err[256], why[64];
	const char *got;

	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(decide(tx, &c->lists[0], addr, "+", NOW, &d), 0);
	got = d.verdict == VERDICT_DELIVER ? "deliver" :
	    decision_reason(&d, why, sizeof(why));
	if (strcmp(got, want) != 0)
		fail_msg("%s: want %s, got %s", addr, want, got);
	store_read_end(tx);
}

/* news_changed - when ADDR's own record for news was written */
static int64_t
news_changed(struct store *st, const char *addr)
{
	struct store_txn *tx;
	struct consent_rec r;
	char err[256];

	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(store_get_consent(tx, addr, "news", &r), 1);
	store_read_end(tx);
	return (r.changed);
}

/*
 * tagged addresses over time: an unsubscribe through user+a@d reaches
 * user+b@d's later opt-in, also when user@d had opted out before; a
 * join through user+b@d lifts neither user@d's opt-out nor user+a@d's
 */
static void
test_tags_in_time(void **state)
{
	static const struct dated before[] = {
		{ "u@x.test", STATUS_OPT_OUT, NOW - 3000 },
		{ "u+a@x.test", STATUS_OPT_IN, NOW - 2000 },
		{ "u+b@x.test", STATUS_OPT_IN, NOW - 2000 },
		{ "q+a@x.test", STATUS_OPT_IN, NOW - 3000 },
		{ "q@x.test", STATUS_OPT_OUT, NOW - 2000 },
	};
	struct unsub_at u = { "u+a@x.test", NOW - 1000 };
	unsigned char want[4] = { 1, 0, 0, 0 }, send[4] = { 0 };
	struct store *st;
	struct conf *c;
	struct job jb;
	char err[512], *dir;

	(void)state;
	st = open_dated(&c, &dir, before, sizeof(before) / sizeof(before[0]));
	want_news(st, c, "u+b@x.test", "deliver");
	assert_int_equal(store_write(st, run_unsub, &u, err, sizeof(err)), 0);
	want_news(st, c, "u+a@x.test", "opted-out");
	want_news(st, c, "u+b@x.test", "opted-out");
	want_news(st, c, "u@x.test", "opted-out");
	/* the same click again in its second: nothing written */
	assert_int_equal(store_write(st, run_unsub, &u, err, sizeof(err)), 0);
	assert_int_equal(news_changed(st, "u@x.test"), NOW - 1000);
	assert_int_equal(news_changed(st, "u+a@x.test"), NOW - 1000);
	/* later: both dated anew, over whatever was sent since */
	u.when = NOW - 500;
	assert_int_equal(store_write(st, run_unsub, &u, err, sizeof(err)), 0);
	assert_int_equal(news_changed(st, "u@x.test"), NOW - 500);
	assert_int_equal(news_changed(st, "u+a@x.test"), NOW - 500);

	/* q+a@x held by q@x's later opt-out; q joins as q+b@x: by a
	 * confirmation, which lifts neither q@x's opt-out nor q+a@x's */
	want_news(st, c, "q+a@x.test", "opted-out");
	memset(&jb, 0, sizeof(jb));
	jb.c = c;
	jb.addr = "q+b@x.test";
	jb.p.want = want;
	jb.p.can_send = 1;
	jb.p.send = send;
	assert_int_equal(store_write(st, run_prefs_at, &jb, err, sizeof(err)),
	    0);
	assert_int_equal(send[0], 1);
	want_news(st, c, "q+b@x.test", "opted-out");	/* pending under it */
	want_news(st, c, "q+a@x.test", "opted-out");
	want_news(st, c, "q@x.test", "opted-out");
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

/*
 * a token travels with its message: whoever holds a copy must not undo
 * what the person did after the message was sent
 */
static void
test_forwarded_token(void **state)
{
	static const struct dated before[] = {
		{ "v@x.test", STATUS_OPT_IN, NOW - 3000 },
		{ "v@x.test", STATUS_OPT_OUT, NOW - 1000 },
		{ "o@x.test", STATUS_OPT_OUT, NOW - 3000 },
	};
	unsigned char want[4] = { 1, 0, 0, 0 }, send[4] = { 0 };
	struct store *st;
	struct conf *c;
	struct job jb;
	char err[512], *dir;

	(void)state;
	st = open_dated(&c, &dir, before, sizeof(before) / sizeof(before[0]));
	/* v unsubscribed after the message of the token: its own list is
	 * not joined in one step, only through a confirmation (held when
	 * none can be sent) */
	memset(&jb, 0, sizeof(jb));
	jb.c = c;
	jb.addr = "v@x.test";
	jb.p.want = want;
	jb.p.send = send;
	assert_int_equal(store_write(st, run_prefs_at, &jb, err, sizeof(err)),
	    0);
	assert_int_equal(jb.p.held, 1);
	want_news(st, c, "v@x.test", "opted-out");
	jb.p.can_send = 1;
	assert_int_equal(store_write(st, run_prefs_at, &jb, err, sizeof(err)),
	    0);
	assert_int_equal(send[0], 1);
	want_news(st, c, "v@x.test", "opted-out");
	/* o opted out before the message: a confirmation all the same
	 * (its holder may not be o, and the opt-out may be dated before
	 * the time it was recorded) */
	send[0] = 0;
	jb.addr = "o@x.test";
	assert_int_equal(store_write(st, run_prefs_at, &jb, err, sizeof(err)),
	    0);
	assert_int_equal(send[0], 1);
	want_news(st, c, "o@x.test", "opted-out");
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

/* an unsubscribe-all stays: the page asks for a confirmation */
static int
put_all_at(struct store_txn *tx, void *arg)
{
	const struct dated *dt = arg;
	struct change ch = { ACTOR_UNSUBD, "preferences", "", dt->changed };
	struct supp_rec s;

	memset(&s, 0, sizeof(s));
	s.reason = SUPP_UNSUBSCRIBE_ALL;
	s.changed = dt->changed;
	return (store_put_suppression(tx, dt->addr, &s, &ch));
}

static void
test_forwarded_all(void **state)
{
	static const struct dated in[] = {
		{ "y@x.test", STATUS_OPT_IN, NOW - 3000 },
		{ "z@x.test", STATUS_OPT_IN, NOW - 3000 },
	};
	static const struct dated all[] = {
		{ "y@x.test", 0, NOW - 1000 },
		{ "z@x.test", 0, NOW - 2500 },
	};
	unsigned char want[4] = { 1, 0, 0, 0 }, send[4] = { 0 };
	struct store_txn *tx;
	struct store *st;
	struct conf *c;
	struct job jb;
	char err[512], *dir;
	size_t i;

	(void)state;
	st = open_dated(&c, &dir, in, 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(store_write(st, put_all_at, (void *)&all[i],
		    err, sizeof(err)), 0);
	memset(&jb, 0, sizeof(jb));
	jb.c = c;
	jb.p.want = want;
	jb.addr = "y@x.test";
	assert_int_equal(store_write(st, run_prefs_at, &jb, err, sizeof(err)),
	    0);
	assert_int_equal(jb.p.kept_all, 1);
	want_news(st, c, "y@x.test", "suppressed:unsubscribe-all");
	jb.addr = "z@x.test";
	jb.p.can_send = 1;
	jb.p.send = send;
	assert_int_equal(store_write(st, run_prefs_at, &jb, err, sizeof(err)),
	    0);
	assert_int_equal(jb.p.kept_all, 1);
	assert_int_equal(send[0], 1);
	want_news(st, c, "z@x.test", "suppressed:unsubscribe-all");
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(unsub_all_state(tx, "y@x.test", "+"), 1);
	assert_int_equal(unsub_all_state(tx, "z@x.test", "+"), 1);
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
		cmocka_unit_test(test_prefs),
		cmocka_unit_test(test_many_lists),
		cmocka_unit_test(test_prefs_confirm),
		cmocka_unit_test(test_tags_in_time),
		cmocka_unit_test(test_forwarded_token),
		cmocka_unit_test(test_forwarded_all),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
