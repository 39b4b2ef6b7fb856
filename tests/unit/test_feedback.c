/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_feedback - bounces and complaints against a real LMDB store:
 * hard bounces and complaints suppress at once, soft bounces score
 * once a day up to the threshold, scores go stale, policy refusals
 * and existing suppressions are only recorded, and the evidence lands
 * in the history
 */
#include "config.h"

#include "testutil.h"

#include "feedback.h"
#include "model.h"
#include "report.h"
#include "store.h"

#define DAY 86400
#define T0 1790000000	/* a Monday, mid-day */

struct apply {
	const struct conf *c;
	struct fb_event ev;
	struct fb_result res;
};

static int
apply_fn(struct store_txn *tx, void *arg)
{
	struct apply *a = arg;

	return (feedback_apply(tx, a->c, &a->ev, &a->res));
}

static struct store *
open_store(char **dir)
{
	struct store *st;
	char err[256];

	*dir = tu_tmpdir();
	if (store_open(*dir, 1 << 20, STORE_CREATE, &st, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	return (st);
}

static struct conf *
default_conf(void)
{
	static const char text[] = "unsubscribe-url https://l.example/u/\n"
	    "list marketing {\n consent express\n}\n"
	    "list support {\n consent none\n}\n";
	struct conf *c;
	char err[256];

	if (conf_parse(text, sizeof(text) - 1, "test", NULL, &c, err,
	    sizeof(err)) < 0)
		fail_msg("%s", err);
	return (c);
}

/* report - one report for ADDR of class CLS at time NOW; the action */
static int
report(struct store *st, const struct conf *c, const char *addr, int cls,
    int complaint, int64_t now, int64_t *score)
{
	struct apply a;
	char err[256];

	memset(&a, 0, sizeof(a));
	a.c = c;
	a.ev.kind = complaint ? REPORT_ARF : REPORT_DSN;
	a.ev.cls = cls;
	a.ev.complaint = complaint;
	a.ev.addr = addr;
	a.ev.list = "marketing";
	a.ev.sent = now - 60;
	a.ev.now = now;
	a.ev.status = cls == BOUNCE_HARD ? "5.1.1" : "4.2.2";
	a.ev.diag = "550 5.1.1 user unknown";
	a.ev.mta = "mx.example.org";
	a.ev.date = "Mon, 30 Nov 2026 12:00:00 +0000";
	a.ev.feedback_type = complaint ? "abuse" : "";
	if (store_write(st, apply_fn, &a, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (score != NULL)
		*score = a.res.score;
	return (a.res.action);
}

static int
suppressed(struct store *st, const char *addr)
{
	struct store_txn *tx;
	struct supp_rec s;
	char err[256];
	int rc;

	if (store_read_begin(st, &tx, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	rc = store_get_suppression(tx, addr, &s);
	store_read_end(tx);
	assert_true(rc >= 0);
	return (rc == 1 ? s.reason : 0);
}

static int
put_all(struct store_txn *tx, void *arg)
{
	struct change ch = { ACTOR_UNSUBD, "preferences", "", T0 - DAY };
	struct supp_rec s;

	memset(&s, 0, sizeof(s));
	s.reason = SUPP_UNSUBSCRIBE_ALL;
	return (store_put_suppression(tx, arg, &s, &ch));
}

static struct supp_rec
supp_get(struct store *st, const char *addr)
{
	struct store_txn *tx;
	struct supp_rec s;
	char err[256];

	if (store_read_begin(st, &tx, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(store_get_suppression(tx, addr, &s), 1);
	store_read_end(tx);
	return (s);
}

static int
unsuppress(struct store_txn *tx, void *arg)
{
	struct change ch = { ACTOR_CLI, "optinctl", "", T0 + 10 };

	return (store_del_suppression(tx, arg, &ch) == 2 ? 0 : -1);
}

static void
test_hard_and_complaint(void **state)
{
	struct conf *c = default_conf();
	char *dir;
	struct store *st = open_store(&dir);

	(void)state;
	assert_int_equal(report(st, c, "gone@example.org", BOUNCE_HARD, 0, T0,
	    NULL), FB_SUPPRESSED);
	assert_int_equal(suppressed(st, "gone@example.org"), SUPP_BOUNCE);
	assert_int_equal(report(st, c, "angry@example.org", BOUNCE_NONE, 1, T0,
	    NULL), FB_SUPPRESSED);
	assert_int_equal(suppressed(st, "angry@example.org"), SUPP_COMPLAINT);
	/*
	 * over an unsubscribe-all (which may yield to a list confirmed
	 * since, and holds back no list of consent none): the bounce, with
	 * the person's request kept under it, date and proof, and back in
	 * its place when the bounce is lifted
	 */
	{
		char err[256];
		struct supp_rec s;

		if (store_write(st, put_all, (void *)"quiet@example.org", err,
		    sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_int_equal(report(st, c, "quiet@example.org",
		    BOUNCE_HARD, 0, T0, NULL), FB_SUPPRESSED);
		s = supp_get(st, "quiet@example.org");
		assert_int_equal(s.reason, SUPP_BOUNCE);
		assert_int_equal(s.changed, T0);
		assert_string_equal(s.source, "optin-feedback");
		assert_int_equal(s.all_changed, T0 - DAY);
		assert_string_equal(s.all_source, "preferences");
		/* a complaint after it: already suppressed, nothing lost */
		assert_int_equal(report(st, c, "quiet@example.org",
		    BOUNCE_NONE, 1, T0, NULL), FB_ALREADY);
		if (store_write(st, unsuppress, (void *)"quiet@example.org",
		    err, sizeof(err)) != 0)
			fail_msg("unsuppress: %s", err);
		s = supp_get(st, "quiet@example.org");
		assert_int_equal(s.reason, SUPP_UNSUBSCRIBE_ALL);
		assert_int_equal(s.changed, T0 - DAY);
		assert_string_equal(s.source, "preferences");
		assert_int_equal(s.all_changed, 0);
	}
	/* a second report keeps the first reason */
	assert_int_equal(report(st, c, "angry@example.org", BOUNCE_HARD, 0, T0,
	    NULL), FB_ALREADY);
	assert_int_equal(suppressed(st, "angry@example.org"), SUPP_COMPLAINT);
	/* reports about old mail (replays) and from the future do nothing */
	{
		struct apply a;
		char err[256];

		memset(&a, 0, sizeof(a));
		a.c = c;
		a.ev.kind = REPORT_DSN;
		a.ev.cls = BOUNCE_HARD;
		a.ev.addr = "old@example.org";
		a.ev.list = "marketing";
		a.ev.now = T0;
		a.ev.sent = T0 - 8 * DAY;
		a.ev.status = "5.1.1";
		a.ev.diag = a.ev.mta = a.ev.date = a.ev.feedback_type = "";
		assert_int_equal(store_write(st, apply_fn, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(a.res.action, FB_TOO_OLD);
		a.ev.sent = T0 + 2 * DAY;
		assert_int_equal(store_write(st, apply_fn, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(a.res.action, FB_TOO_OLD);
		a.ev.complaint = 1;
		a.ev.sent = T0 - 20 * DAY;
		assert_int_equal(store_write(st, apply_fn, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(a.res.action, FB_SUPPRESSED);
		assert_int_equal(suppressed(st, "old@example.org"),
		    SUPP_COMPLAINT);
	}
	/* a complaint from no feedback loop: one list, or nothing */
	{
		struct apply a;
		struct store_txn *tx;
		struct consent_rec r;
		char err[256];

		memset(&a, 0, sizeof(a));
		a.c = c;
		a.ev.kind = REPORT_ARF;
		a.ev.cls = BOUNCE_NONE;
		a.ev.complaint = 1;
		a.ev.unverified = 1;
		a.ev.addr = "fwd@example.org";
		a.ev.list = "marketing";
		a.ev.now = T0;
		a.ev.sent = T0 - 60;
		a.ev.status = a.ev.diag = a.ev.mta = a.ev.date = "";
		a.ev.feedback_type = "abuse";
		a.ev.foreign = 1;
		assert_int_equal(store_write(st, apply_fn, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(a.res.action, FB_RECORDED);
		a.ev.foreign = 0;
		assert_int_equal(store_write(st, apply_fn, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(a.res.action, FB_OPTED_OUT);
		assert_int_equal(suppressed(st, "fwd@example.org"), 0);
		/* no one-click on a list without unsubscribe, nor on one
		 * no longer configured: nothing */
		a.ev.list = "support";
		assert_int_equal(store_write(st, apply_fn, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(a.res.action, FB_RECORDED);
		a.ev.list = "gone";
		assert_int_equal(store_write(st, apply_fn, &a, err,
		    sizeof(err)), 0);
		assert_int_equal(a.res.action, FB_RECORDED);
		a.ev.list = "marketing";
		if (store_read_begin(st, &tx, err, sizeof(err)) < 0)
			fail_msg("%s", err);
		assert_int_equal(store_get_consent(tx, "fwd@example.org",
		    "marketing", &r), 1);
		assert_int_equal(r.status, STATUS_OPT_OUT);
		assert_int_equal(store_get_consent(tx, "fwd@example.org",
		    "releases", &r), 0);
		store_read_end(tx);
	}
	/* policy refusals are only recorded */
	assert_int_equal(report(st, c, "fine@example.org", BOUNCE_POLICY, 0, T0,
	    NULL), FB_RECORDED);
	assert_int_equal(suppressed(st, "fine@example.org"), 0);
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

static void
test_soft_score(void **state)
{
	struct conf *c = default_conf();
	char *dir;
	struct store *st = open_store(&dir);
	int64_t sc = 0;
	int day;

	(void)state;
	/* 0.5 a day: nine days stay below 5, the tenth reaches it */
	for (day = 0; day < 9; day++) {
		assert_int_equal(report(st, c, "full@example.org", BOUNCE_SOFT,
		    0, T0 + day * DAY, &sc), FB_SCORED);
		/* a second bounce the same day does not count */
		assert_int_equal(report(st, c, "full@example.org", BOUNCE_SOFT,
		    0, T0 + day * DAY + 60, NULL), FB_SCORED_TODAY);
	}
	assert_int_equal(sc, 450);
	assert_int_equal(suppressed(st, "full@example.org"), 0);
	assert_int_equal(report(st, c, "full@example.org", BOUNCE_SOFT, 0,
	    T0 + 9 * DAY, &sc), FB_SUPPRESSED);
	assert_int_equal(sc, 500);
	assert_int_equal(suppressed(st, "full@example.org"), SUPP_BOUNCE);

	/* permanent failures weigh 1; a week without bounces starts over */
	assert_int_equal(report(st, c, "odd@example.org", BOUNCE_PERMANENT, 0,
	    T0, &sc), FB_SCORED);
	assert_int_equal(sc, 100);
	assert_int_equal(report(st, c, "odd@example.org", BOUNCE_PERMANENT, 0,
	    T0 + DAY, &sc), FB_SCORED);
	assert_int_equal(sc, 200);
	assert_int_equal(report(st, c, "odd@example.org", BOUNCE_SOFT, 0,
	    T0 + 9 * DAY, &sc), FB_SCORED);
	assert_int_equal(sc, 50);
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

struct hist {
	int	notes, scores, supps;
	char	evidence[STORE_EVIDENCE_MAX];
};

static int
hist_cb(void *arg, const struct history_rec *h)
{
	struct hist *x = arg;

	if (strncmp(h->new_state, "report:", 7) == 0) {
		x->notes++;
		(void)snprintf(x->evidence, sizeof(x->evidence), "%s",
		    h->evidence);
		assert_int_equal(h->actor, ACTOR_FEEDBACK);
		assert_string_equal(h->list, "marketing");
	} else if (strncmp(h->new_state, "bounce-score:", 13) == 0)
		x->scores++;
	else if (strncmp(h->new_state, "suppressed:", 11) == 0)
		x->supps++;
	return (0);
}

static void
test_history(void **state)
{
	struct conf *c = default_conf();
	char *dir, err[256];
	struct store *st = open_store(&dir);
	struct store_txn *tx;
	struct hist h;

	(void)state;
	(void)report(st, c, "bob@example.org", BOUNCE_SOFT, 0, T0, NULL);
	(void)report(st, c, "bob@example.org", BOUNCE_HARD, 0, T0 + DAY, NULL);
	memset(&h, 0, sizeof(h));
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(store_each_history(tx, "bob@example.org", hist_cb,
	    &h), 0);
	store_read_end(tx);
	assert_int_equal(h.notes, 2);
	assert_int_equal(h.scores, 1);
	assert_int_equal(h.supps, 1);
	assert_non_null(strstr(h.evidence, "type=dsn status=5.1.1 "
	    "mta=mx.example.org"));
	assert_non_null(strstr(h.evidence, "diag=550 5.1.1 user unknown"));
	store_close(st);
	conf_free(c);
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hard_and_complaint),
		cmocka_unit_test(test_soft_score),
		cmocka_unit_test(test_history),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
