/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_msg - the message engine without a socket: classification order,
 * replies, recipients to delete, headers, log lines
 */
#include "config.h"

#include "testutil.h"

#include "model.h"
#include "msg.h"

static char *dir;
static struct conf *conf;
static struct store *st;
static struct token_keys *keys;

static const char conftext[] =
    "unsubscribe-url https://l.example/u/\n"
    "unsubscribe-mailto unsub@example.com\n"
    "recipient-delimiter +\n"
    "unclassified reject\n"
    "list news {\n consent express\n list-id news.example.com\n"
    " match header X-Campaign spring\n}\n"
    "list ops {\n consent relationship\n match sender @ops.example.com\n"
    " match auth ops-app\n}\n"
    "list tx {\n consent none\n match sender noreply@example.com\n}\n"
    "list alerts {\n consent none\n match sender alert@ops.example.com\n}\n";

static int
setup(void **state)
{
	char err[512];

	(void)state;
	dir = tu_tmpdir();
	if (conf_parse(conftext, strlen(conftext), "m.conf", NULL, &conf, err,
	    sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(token_keys_parse("00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n", 65, &keys, err, sizeof(err)), 0);
	return (0);
}

struct put {
	const char *a, *l;
	int	status;
};

static int
put(struct store_txn *tx, void *arg)
{
	struct put *p = arg;
	struct consent_rec r;
	struct change ch = { ACTOR_CLI, "t", "", 0 };

	memset(&r, 0, sizeof(r));
	r.status = p->status;
	return (store_put_consent(tx, p->a, p->l, &r, &ch));
}

static int
teardown(void **state)
{
	(void)state;
	token_keys_free(keys);
	store_close(st);
	conf_free(conf);
	tu_rmrf(dir);
	free(dir);
	return (0);
}

static void
add(const char *a, const char *l, int status)
{
	struct put p = { a, l, status };
	char err[256];

	assert_int_equal(store_write(st, put, &p, err, sizeof(err)), 0);
}

static struct msg *
start(const char *from, const char *auth)
{
	static struct msg_env env;
	struct msg_reply r;
	struct msg *m;

	env.conf = conf;
	env.store = st;
	env.keys = keys;
	env.myhostname = "mx.example.net";
	m = msg_new(&env);
	assert_non_null(m);
	assert_int_equal(msg_sender(m, from, auth, &r), 0);
	assert_int_equal(r.action, MSG_CONTINUE);
	return (m);
}

static void
rcpt(struct msg *m, const char *a)
{
	struct msg_reply r;

	assert_int_equal(msg_rcpt(m, a, 0, &r), 0);
	assert_int_equal(r.action, MSG_CONTINUE);
}

static int
has_del(const struct msg_result *res, const char *a)
{
	size_t i;

	for (i = 0; i < res->ndelrcpt; i++)
		if (strcmp(res->delrcpt[i], a) == 0)
			return (1);
	return (0);
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

static char logbuf[8192];

static void
logcat(void *arg, const char *line)
{
	(void)arg;
	(void)strlcat(logbuf, line, sizeof(logbuf));
	(void)strlcat(logbuf, "\n", sizeof(logbuf));
}

static void
test_classification(void **state)
{
	struct msg_reply r;
	struct msg_result res;
	struct msg *m;

	(void)state;
	add("amy@example.org", "news", STATUS_OPT_IN);
	add("@cust.example", "ops", STATUS_RELATIONSHIP);

	/* a header match: the first list in file order */
	m = start("<x@ops.example.com>", NULL);
	rcpt(m, "<amy@example.org>");
	assert_int_equal(msg_header(m, "x-campaign", "  Spring ", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(r.action, MSG_CONTINUE);
	assert_string_equal(msg_list(m)->name, "news");
	msg_free(m);

	/* the list header wins over every match */
	m = start("<x@ops.example.com>", NULL);
	rcpt(m, "<amy@example.org>");
	assert_int_equal(msg_header(m, "X-Optin-List", " tx", &r), 0);
	assert_int_equal(msg_header(m, "X-Campaign", " spring", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_string_equal(msg_list(m)->name, "tx");
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.ndelhdr, 1);
	assert_string_equal(res.delhdr[0].name, "X-Optin-List");
	assert_int_equal(res.delhdr[0].count, 1);
	msg_free(m);

	/* the list header without regard to case, as "match header" */
	m = start("<x@ops.example.com>", NULL);
	rcpt(m, "<amy@example.org>");
	assert_int_equal(msg_header(m, "X-Optin-List", " TX ", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(r.action, MSG_CONTINUE);
	assert_string_equal(msg_list(m)->name, "tx");
	msg_free(m);

	/* a tagged sender (VERP, bounce tracking) is the sender matched */
	m = start("<noreply+b-42@example.com>", NULL);
	rcpt(m, "<amy@example.org>");
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_non_null(msg_list(m));
	assert_string_equal(msg_list(m)->name, "tx");
	msg_free(m);

	/* auth */
	m = start("<>", "ops-app");
	rcpt(m, "<cto@cust.example>");
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_string_equal(msg_list(m)->name, "ops");
	msg_free(m);

	/* unknown list; unclassified reject */
	m = start("<a@b.example>", NULL);
	rcpt(m, "<amy@example.org>");
	assert_int_equal(msg_header(m, "X-Optin-List", " nope", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(r.action, MSG_REJECT);
	assert_string_equal(r.text, "unknown list \"nope\"");
	msg_free(m);
	m = start("<a@b.example>", NULL);
	rcpt(m, "<amy@example.org>");
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(r.action, MSG_REJECT);
	assert_string_equal(r.code, "550");
	assert_string_equal(r.text, "message matches no mailing list");
	msg_free(m);
	/* but an unsubscribe request is never refused as unclassified */
	m = start("<a@b.example>", NULL);
	rcpt(m, "<Unsub@Example.com>");
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(r.action, MSG_CONTINUE);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_DISCARD);
	logbuf[0] = '\0';
	msg_log_drain(m, logcat, NULL);
	assert_non_null(strstr(logbuf, "result=invalid reason=no-token"));
	msg_free(m);
}

/* eoh - a message FROM/AUTH to amy, list header LIST (or none) */
static struct msg *
eoh(const char *from, const char *auth, const char *list,
    struct msg_reply *r)
{
	struct msg *m = start(from, auth);

	rcpt(m, "<amy@example.org>");
	if (list != NULL)
		assert_int_equal(msg_header(m, "X-Optin-List", list, r), 0);
	assert_int_equal(msg_eoh(m, r), 0);
	return (m);
}

static void
test_sender_lists(void **state)
{
	struct msg_reply r;
	struct msg *m;

	(void)state;
	/* any (the default): the list header names the list, whoever sends */
	m = eoh("<noreply@example.com>", NULL, " news", &r);
	assert_int_equal(r.action, MSG_CONTINUE);
	assert_string_equal(msg_list(m)->name, "news");
	msg_free(m);

	conf->sender_lists = SENDERS_OWN;
	/* a sender that tx's match names may not send news */
	m = eoh("<noreply@example.com>", NULL, " news", &r);
	assert_int_equal(r.action, MSG_REJECT);
	assert_string_equal(r.code, "550");
	assert_string_equal(r.text,
	    "list \"news\" is not one of this sender's lists");
	msg_free(m);
	/* nor a login that ops's match names send tx's (consent none) */
	m = eoh("<>", "ops-app", " tx", &r);
	assert_int_equal(r.action, MSG_REJECT);
	assert_string_equal(r.text,
	    "list \"tx\" is not one of this login's lists");
	msg_free(m);
	/* its own list, by sender (a tagged one too) or by login */
	m = eoh("<a+x@ops.example.com>", NULL, " ops", &r);
	assert_int_equal(r.action, MSG_CONTINUE);
	assert_string_equal(msg_list(m)->name, "ops");
	msg_free(m);
	m = eoh("<>", "OPS-APP", " ops", &r);
	assert_int_equal(r.action, MSG_CONTINUE);
	msg_free(m);
	/* a sender no list names may name any list */
	m = eoh("<app@else.example>", NULL, " tx", &r);
	assert_int_equal(r.action, MSG_CONTINUE);
	assert_string_equal(msg_list(m)->name, "tx");
	msg_free(m);
	/*
	 * classified by the login (ops), sent from tx's sender: refused
	 * here, not at the split's second stage, which sees the sender alone
	 */
	m = eoh("<noreply@example.com>", "ops-app", NULL, &r);
	assert_int_equal(r.action, MSG_REJECT);
	assert_string_equal(r.text,
	    "list \"ops\" is not one of this sender's lists");
	msg_free(m);
	/* no domain: Postfix makes noreply@myorigin of it after us */
	m = eoh("<noreply>", NULL, " news", &r);
	assert_int_equal(r.action, MSG_REJECT);
	msg_free(m);
	m = eoh("<noreply%example.com>", NULL, " news", &r);
	assert_int_equal(r.action, MSG_REJECT);
	msg_free(m);
	/* the null sender is named by no list */
	m = eoh("<>", NULL, " news", &r);
	assert_int_equal(r.action, MSG_CONTINUE);
	msg_free(m);
	/* a list naming the address binds it, not one naming its domain */
	m = eoh("<alert@ops.example.com>", NULL, " alerts", &r);
	assert_int_equal(r.action, MSG_CONTINUE);
	msg_free(m);
	m = eoh("<alert@ops.example.com>", NULL, " ops", &r);
	assert_int_equal(r.action, MSG_REJECT);
	msg_free(m);
	m = eoh("<pat@ops.example.com>", NULL, " ops", &r);
	assert_int_equal(r.action, MSG_CONTINUE);
	msg_free(m);
	/* mail to our own unsubscribe address is never refused */
	m = start("<noreply@example.com>", NULL);
	rcpt(m, "<unsub@example.com>");
	assert_int_equal(msg_header(m, "X-Optin-List", " news", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(r.action, MSG_CONTINUE);
	msg_free(m);
	/* monitor: logged, passed */
	conf->mode = MODE_MONITOR;
	m = eoh("<noreply@example.com>", NULL, " news", &r);
	assert_int_equal(r.action, MSG_CONTINUE);
	msg_free(m);
	conf->mode = MODE_ENFORCE;
	conf->sender_lists = SENDERS_ANY;
}

static void
test_actions(void **state)
{
	struct msg_reply r;
	struct msg_result res;
	struct msg *m;
	const char *v;

	(void)state;
	/* one left: personal token with URL and Post; tagged kept */
	m = start("<a@b.example>", NULL);
	rcpt(m, "<Amy+Spring@EXAMPLE.org>");
	rcpt(m, "<bob@example.org>");
	assert_int_equal(msg_header(m, "X-Campaign", "spring", &r), 0);
	assert_int_equal(msg_header(m, "List-Id", " x <x.example>", &r), 0);
	assert_int_equal(msg_header(m, "list-unsubscribe", " <mailto:x@y>", &r), 0);
	assert_int_equal(msg_header(m, "List-Unsubscribe", " <mailto:z@y>", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_CONTINUE);
	assert_int_equal(res.ndelrcpt, 1);
	assert_true(has_del(&res, "<bob@example.org>"));
	v = added(&res, "List-Unsubscribe");
	assert_non_null(v);
	assert_true(strncmp(v, "<https://l.example/u/", 21) == 0);
	assert_non_null(strstr(v, ",\n\t<mailto:unsub@example.com?subject="
	    "unsubscribe%20"));
	assert_string_equal(added(&res, "List-Unsubscribe-Post"),
	    "List-Unsubscribe=One-Click");
	assert_string_equal(added(&res, "List-Id"), "\"news\" <news.example.com>");
	assert_int_equal(res.ndelhdr, 2);	/* List-Id, List-Unsubscribe */
	assert_string_equal(res.delhdr[0].name, "List-Id");
	assert_int_equal(res.delhdr[0].count, 1);
	assert_string_equal(res.delhdr[1].name, "List-Unsubscribe");
	assert_int_equal(res.delhdr[1].count, 2);
	logbuf[0] = '\0';
	msg_log_drain(m, logcat, NULL);
	assert_non_null(strstr(logbuf, "list=news rcpt=<amy+spring@example.org> "
	    "verdict=deliver reason=opt-in\n"));
	assert_non_null(strstr(logbuf, "list=news rcpt=<bob@example.org> "
	    "verdict=strip reason=no-consent\n"));
	assert_non_null(strstr(logbuf, "list=news from=<a@b.example> rcpts=2 "
	    "delivered=1 stripped=1 rejected=0 mode=enforce\n"));
	msg_free(m);

	/*
	 * sendmail(1) path: Postfix matches a deletion against the recipient
	 * as typed, which the milter never sees: refused whole, nothing
	 * deleted; nobody with consent under strip: discarded.
	 */
	m = start("noreply@example.com", NULL);
	rcpt(m, "amy@example.org");
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.ndelrcpt, 0);	/* tx: consent none */
	msg_free(m);
	add("carl@mx.example.net", "news", STATUS_OPT_OUT);
	m = start("a@b.example", NULL);
	rcpt(m, "amy@example.org");
	rcpt(m, "carl@mx.example.net");
	rcpt(m, "dora@example.net");
	assert_int_equal(msg_header(m, "X-Optin-List", "news", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_REJECT);
	assert_string_equal(res.reply.code, "550");
	assert_string_equal(res.reply.text, "no consent for list news for 2 "
	    "recipients; mail submitted with sendmail(1) is refused whole");
	assert_int_equal(res.ndelrcpt, 0);
	logbuf[0] = '\0';
	msg_log_drain(m, logcat, NULL);
	assert_non_null(strstr(logbuf, "rcpt=<carl@mx.example.net> "
	    "verdict=reject reason=opted-out\n"));
	assert_non_null(strstr(logbuf, "rcpts=3 delivered=0 stripped=0 "
	    "rejected=3 mode=enforce\n"));
	msg_free(m);
	m = start("a@b.example", NULL);
	rcpt(m, "carl@mx.example.net");
	assert_int_equal(msg_header(m, "X-Optin-List", "news", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_DISCARD);
	assert_int_equal(res.ndelrcpt, 0);
	msg_free(m);
	/* the unsubscribe address among list recipients: not removable */
	m = start("a@b.example", NULL);
	rcpt(m, "amy@example.org");
	rcpt(m, "unsub@example.com");
	assert_int_equal(msg_header(m, "X-Optin-List", "news", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_REJECT);
	logbuf[0] = '\0';
	msg_log_drain(m, logcat, NULL);
	assert_non_null(strstr(logbuf, "rcpt=<unsub@example.com> "
	    "verdict=reject reason=unsubscribe-address\n"));
	msg_free(m);
	/* over SMTP it is simply deleted */
	m = start("<a@b.example>", NULL);
	rcpt(m, "<amy@example.org>");
	rcpt(m, "<UNSUB@example.com.>");
	assert_int_equal(msg_header(m, "X-Optin-List", "news", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_CONTINUE);
	assert_true(has_del(&res, "<UNSUB@example.com.>"));
	msg_free(m);

	/* the path from the connection wins over the brackets */
	m = start("<a@b.example>", NULL);
	msg_set_path(m, MSG_PATH_LOCAL);
	rcpt(m, "<amy@example.org>");
	rcpt(m, "<dora@example.net>");
	assert_int_equal(msg_header(m, "X-Optin-List", "news", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_REJECT);
	msg_free(m);
}

/* every spelling over SMTP is deleted by what Postfix stored for it */
/*
 * a DKIM signature of a header this message's headers change (replaced
 * List-Unsubscribe and List-Id; one signing their absence) no longer
 * verifies: it goes, highest occurrence first; the others stay
 */
static void
test_dkim(void **state)
{
	struct msg_reply r;
	struct msg_result res;
	struct msg *m;

	(void)state;
	m = start("<a@b.example>", NULL);
	rcpt(m, "<Amy+Spring@EXAMPLE.org>");
	assert_int_equal(msg_header(m, "X-Campaign", "spring", &r), 0);
	assert_int_equal(msg_header(m, "DKIM-Signature", " v=1; a=rsa-sha256; "
	    "d=b.example; s=s1;\r\n\th=From:To:Subject:\r\n\t List-Unsubscribe;"
	    " bh=x; b=y", &r), 0);
	assert_int_equal(msg_header(m, "DKIM-Signature", " v=1; d=b.example; "
	    "h=from : subject : list-unsubscribe-x; b=z", &r), 0);
	assert_int_equal(msg_header(m, "dkim-signature", " v=1; bh=h=list-id; "
	    "h = from:LIST-ID:list-id; b=q", &r), 0);
	assert_int_equal(msg_header(m, "DKIM-Signature", "v=1; b=no-h", &r), 0);
	/* H= is not h= (tags are case-sensitive): this one signs From */
	assert_int_equal(msg_header(m, "DKIM-Signature", "v=1; "
	    "H=list-unsubscribe; h=from; b=w", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_CONTINUE);
	assert_non_null(added(&res, "List-Unsubscribe"));
	assert_int_equal(res.ndeldkim, 2);
	assert_int_equal(res.deldkim[0], 3);
	assert_int_equal(res.deldkim[1], 1);
	msg_free(m);

	/* a signature that signs the signatures goes with the one it signs */
	m = start("<a@b.example>", NULL);
	rcpt(m, "<Amy+Spring@EXAMPLE.org>");
	assert_int_equal(msg_header(m, "X-Campaign", "spring", &r), 0);
	assert_int_equal(msg_header(m, "DKIM-Signature", "v=1; "
	    "h=from:dkim-signature; b=outer", &r), 0);
	assert_int_equal(msg_header(m, "DKIM-Signature", "v=1; "
	    "h=from:list-unsubscribe; b=inner", &r), 0);
	assert_int_equal(msg_header(m, "DKIM-Signature", "v=1; h=from; b=kept",
	    &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.ndeldkim, 2);
	assert_int_equal(res.deldkim[0], 2);
	assert_int_equal(res.deldkim[1], 1);
	msg_free(m);
}

static void
test_forms(void **state)
{
	static const struct {
		const char *raw, *del;
	} strip[] = {
		{ "<@relay.example:dora@example.org>", "<dora@example.org>" },
		{ "<@a,@b:dora@example.org>", "<dora@example.org>" },
		{ "<dora@example.org.>", "<dora@example.org.>" },
		{ "<\"dora\"@example.org>", "<dora@example.org>" },
		{ "<\"Dora\"@Example.ORG>", "<Dora@Example.ORG>" },
		{ "dora@example.org", "<dora@example.org>" },
		{ "@r.example:dora@example.org", "<dora@example.org>" },
		{ "<\"x verdict=deliver\"@example.org>",
		    "<\"x verdict=deliver\"@example.org>" },
		{ "<nobody>", "<nobody>" },
		{ "<dora@[192.0.2.1]>", "<dora@[192.0.2.1]>" },
	};
	static const char *refuse[] = {
		"<dora@example.org (comment)>", "<Dora <dora@example.org>>",
		"<a\\b@example.org>", "<dora@example.org>junk",
		"<dora@exa mple.org>", "<\"a\"b@example.org>",
		"<@example.org>", "<dora@@example.org>",
	};
	struct msg_reply r;
	struct msg_result res;
	struct msg *m;
	size_t i;

	(void)state;
	m = start("<a@b.example>", NULL);
	msg_set_path(m, MSG_PATH_SMTPD);
	rcpt(m, "<amy@example.org>");
	for (i = 0; i < sizeof(strip) / sizeof(strip[0]); i++)
		rcpt(m, strip[i].raw);
	assert_int_equal(msg_header(m, "X-Optin-List", "news", &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_CONTINUE);
	for (i = 0; i < sizeof(strip) / sizeof(strip[0]); i++)
		if (!has_del(&res, strip[i].del))
			fail_msg("%s: %s not deleted", strip[i].raw,
			    strip[i].del);
	assert_false(has_del(&res, "<amy@example.org>"));
	msg_free(m);

	for (i = 0; i < sizeof(refuse) / sizeof(refuse[0]); i++) {
		m = start("<a@b.example>", NULL);
		msg_set_path(m, MSG_PATH_SMTPD);
		assert_int_equal(msg_rcpt(m, refuse[i], 0, &r), 0);
		if (r.action != MSG_REJECT)
			fail_msg("%s: not refused", refuse[i]);
		assert_string_equal(r.code, "550");
		assert_string_equal(r.xcode, "5.7.1");
		msg_free(m);
	}
}

static void
test_no_database(void **state)
{
	static struct msg_env env;
	struct msg_reply r;
	struct msg_result res;
	struct msg *m;

	(void)state;
	env.conf = conf;
	env.store = NULL;
	env.keys = keys;
	m = msg_new(&env);
	assert_int_equal(msg_sender(m, "<noreply@example.com>", NULL, &r), 0);
	assert_int_equal(msg_rcpt(m, "<amy@example.org>", 0, &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_TEMPFAIL);
	assert_string_equal(res.reply.code, "451");
	assert_string_equal(res.reply.xcode, "4.3.0");
	msg_free(m);
	msg_free(NULL);
}

/*
 * hide-stripped: a To: too long to read that may show a stripped
 * recipient is replaced, not left; more To: headers than can be read
 * and edited refuse the message
 */
static void
test_hide_limits(void **state)
{
	static const char text[] =
	    "unsubscribe-url https://l.example/u/\n"
	    "hide-stripped yes\n"
	    "list news {\n consent express\n}\n";
	struct msg_env env;
	struct msg_reply r;
	struct msg_result res;
	struct conf *hc;
	struct msg *m;
	char err[512], *big;
	size_t i, n = 300 * 1024;

	(void)state;
	assert_int_equal(conf_parse(text, strlen(text), "h.conf", NULL, &hc,
	    err, sizeof(err)), 0);
	add("hana@example.org", "news", STATUS_OPT_IN);
	memset(&env, 0, sizeof(env));
	env.conf = hc;
	env.store = st;
	env.keys = keys;
	env.myhostname = "mx.example.net";

	/* 300 KB of addresses, then the one held back */
	assert_non_null(big = malloc(n + 64));
	for (i = 0; i + 19 < n; i += 19)
		memcpy(big + i, "k0000@example.org, ", 19);
	(void)strlcpy(big + i, "nobody@example.org", n + 64 - i);
	assert_non_null(m = msg_new(&env));
	assert_int_equal(msg_sender(m, "<a@b.example>", NULL, &r), 0);
	rcpt(m, "<hana@example.org>");
	rcpt(m, "<nobody@example.org>");
	assert_int_equal(msg_header(m, "X-Optin-List", "news", &r), 0);
	assert_int_equal(msg_header(m, "To", big, &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	logbuf[0] = '\0';
	msg_log_drain(m, logcat, NULL);
	assert_non_null(strstr(logbuf, "hide-stripped: To header 1 too long "
	    "to read: replaced by undisclosed-recipients:;"));
	assert_int_equal(res.reply.action, MSG_CONTINUE);
	assert_true(has_del(&res, "<nobody@example.org>"));
	assert_int_equal(res.nsethdr, 1);
	assert_string_equal(res.sethdr[0].name, "To");
	assert_int_equal(res.sethdr[0].index, 1);
	assert_string_equal(res.sethdr[0].value, "undisclosed-recipients:;");
	msg_free(m);
	free(big);

	/* nine To: headers, the ninth showing him */
	assert_non_null(m = msg_new(&env));
	assert_int_equal(msg_sender(m, "<a@b.example>", NULL, &r), 0);
	rcpt(m, "<hana@example.org>");
	rcpt(m, "<nobody@example.org>");
	assert_int_equal(msg_header(m, "X-Optin-List", "news", &r), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(msg_header(m, "To", "hana@example.org", &r),
		    0);
	assert_int_equal(msg_header(m, "To", "Nobody <nobody@example.org>",
	    &r), 0);
	assert_int_equal(msg_eoh(m, &r), 0);
	assert_int_equal(msg_eom(m, 0, &res), 0);
	assert_int_equal(res.reply.action, MSG_REJECT);
	assert_string_equal(res.reply.xcode, "5.6.0");
	assert_int_equal(res.ndelrcpt, 0);
	assert_int_equal(res.nsethdr, 0);
	msg_free(m);
	conf_free(hc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classification),
		cmocka_unit_test(test_sender_lists),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_dkim),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_no_database),
		cmocka_unit_test(test_hide_limits),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
