/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_msg_feedback - the return path of list mail: the VERP envelope
 * sender for one recipient, X-Optin-Feedback for several, nothing for
 * the null sender or without bounce-address, and mail to the bounce
 * address passing untouched
 */
#include "config.h"

#include "testutil.h"

#include "model.h"
#include "msg.h"
#include "token.h"

static char *dir;
static struct conf *conf, *plain;
static struct store *st;
static struct token_keys *keys;

static const char conftext[] =
    "unsubscribe-url https://l.example/u/\n"
    "unsubscribe-mailto unsub@example.com\n"
    "bounce-address bounces@example.com\n"
    "unclassified reject\n"
    "list news {\n consent none\n match sender news@example.com\n}\n";

static int
setup(void **state)
{
	char err[512];
	size_t n = sizeof(conftext) - 1;

	(void)state;
	dir = tu_tmpdir();
	if (conf_parse(conftext, n, "m.conf", NULL, &conf, err,
	    sizeof(err)) < 0)
		fail_msg("%s", err);
	/* the same without bounce-address (its line dropped) */
	{
		char buf[sizeof(conftext)];
		const char *b = strstr(conftext, "bounce-address");
		size_t pre = (size_t)(b - conftext);
		const char *nl = strchr(b, '\n') + 1;

		memcpy(buf, conftext, pre);
		memcpy(buf + pre, nl, n - (size_t)(nl - conftext));
		if (conf_parse(buf, n - (size_t)(nl - b), "p.conf", NULL,
		    &plain, err, sizeof(err)) < 0)
			fail_msg("%s", err);
	}
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(token_keys_parse("00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n", 65, &keys, err, sizeof(err)), 0);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	token_keys_free(keys);
	store_close(st);
	conf_free(conf);
	conf_free(plain);
	tu_rmrf(dir);
	free(dir);
	return (0);
}

/* run - FROM to the recipients RCPTS (NULL-terminated) through C */
static struct msg *
run(const struct conf *c, const char *from, const char *const *rcpts,
    const char *listhdr, struct msg_result *res)
{
	static struct msg_env env;
	struct msg_reply r;
	struct msg *m;

	env.conf = c;
	env.store = st;
	env.keys = keys;
	env.myhostname = "mx.example.net";
	m = msg_new(&env);
	assert_non_null(m);
	assert_int_equal(msg_sender(m, from, "", &r), 0);
	for (; *rcpts != NULL; rcpts++) {
		assert_int_equal(msg_rcpt(m, *rcpts, 0, &r), 0);
		assert_int_equal(r.action, MSG_CONTINUE);
	}
	if (listhdr != NULL)
		assert_int_equal(msg_header(m, "X-Optin-List", listhdr, &r), 0);
	assert_int_equal(msg_header(m, "X-Optin-Feedback", " forged", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(r.action, MSG_CONTINUE);
	assert_int_equal(msg_eom(m, 1790000000, res), 0);
	return (m);
}

static const char *
added(const struct msg_result *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->naddhdr; i++)
		if (strcmp(res->addhdr[i].name, name) == 0)
			return (res->addhdr[i].value);
	return (NULL);
}

static int
deleted(const struct msg_result *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->ndelhdr; i++)
		if (strcasecmp(res->delhdr[i].name, name) == 0)
			return (res->delhdr[i].count);
	return (0);
}

static void
test_one_recipient(void **state)
{
	static const char *const one[] = { "<Bob@Example.org>", NULL };
	struct msg_result res;
	struct token t;
	struct msg *m;
	char err[128];
	const char *p, *at;

	(void)state;
	m = run(conf, "<news@example.com>", one, NULL, &res);
	assert_int_equal(res.reply.action, MSG_CONTINUE);
	assert_non_null(res.chgfrom);
	assert_true(strncmp(res.chgfrom, "<bounces+", 9) == 0);
	at = strrchr(res.chgfrom, '@');
	assert_string_equal(at, "@example.com>");
	p = res.chgfrom + 9;
	assert_int_equal(token_open_feedback(keys, p, (size_t)(at - p), &t,
	    err, sizeof(err)), 0);
	assert_string_equal(t.rcpt, "bob@example.org");
	assert_string_equal(t.list, "news");
	assert_int_equal(t.issued, 1790000000);
	/* no header with one recipient; a sender's own one removed */
	assert_null(added(&res, "X-Optin-Feedback"));
	assert_int_equal(deleted(&res, "X-Optin-Feedback"), 1);
	msg_free(m);
}

static void
test_several_recipients(void **state)
{
	static const char *const two[] = { "<bob@example.org>",
	    "<carol@example.org>", NULL };
	struct msg_result res;
	struct token t;
	struct msg *m;
	const char *v;
	char err[128];

	(void)state;
	m = run(conf, "<news@example.com>", two, NULL, &res);
	assert_null(res.chgfrom);
	assert_non_null(v = added(&res, "X-Optin-Feedback"));
	assert_int_equal(token_open_feedback(keys, v, strlen(v), &t, err,
	    sizeof(err)), 0);
	assert_string_equal(t.rcpt, "");
	assert_string_equal(t.list, "news");
	msg_free(m);
}

static void
test_no_return_path(void **state)
{
	static const char *const one[] = { "<bob@example.org>", NULL };
	struct msg_result res;
	struct msg *m;

	(void)state;
	/* the null sender asks for no bounces */
	m = run(conf, "<>", one, " news", &res);
	assert_null(res.chgfrom);
	msg_free(m);
	/* without bounce-address nothing changes */
	m = run(plain, "<news@example.com>", one, NULL, &res);
	assert_null(res.chgfrom);
	assert_null(added(&res, "X-Optin-Feedback"));
	assert_int_equal(deleted(&res, "X-Optin-Feedback"), 0);
	msg_free(m);
}

static void
test_bounce_address_untouched(void **state)
{
	static const char *const verp[] = {
	    "<bounces+abcdefghijklmnopqrstuvwxyz234567@example.com>", NULL };
	static const char *const bare[] = { "<Bounces@Example.COM>", NULL };
	static const char *const other[] = { "<bouncesx@example.com>", NULL };
	struct msg_result res;
	struct msg *m;

	(void)state;
	/* a report: unclassified reject does not refuse it, nothing changes */
	m = run(conf, "<>", verp, " news", &res);
	assert_int_equal(res.reply.action, MSG_CONTINUE);
	assert_int_equal(res.ndelhdr, 0);
	assert_int_equal(res.naddhdr, 0);
	assert_int_equal(res.ndelrcpt, 0);
	assert_null(res.chgfrom);
	msg_free(m);
	m = run(conf, "<>", bare, NULL, &res);
	assert_int_equal(res.reply.action, MSG_CONTINUE);
	assert_int_equal(res.ndelhdr, 0);
	msg_free(m);
	/* a look-alike is ordinary mail */
	{
		static struct msg_env env;
		struct msg_reply r;

		env.conf = conf;
		env.store = st;
		env.keys = keys;
		m = msg_new(&env);
		assert_int_equal(msg_sender(m, "<x@example.net>", "", &r), 0);
		assert_int_equal(msg_rcpt(m, other[0], 0, &r), 0);
		assert_int_equal(msg_eoh(m, &r), 0);
		assert_int_equal(r.action, MSG_REJECT);	/* unclassified */
		msg_free(m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_recipient),
		cmocka_unit_test(test_several_recipients),
		cmocka_unit_test(test_no_return_path),
		cmocka_unit_test(test_bounce_address_untouched),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
