/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_report - delivery status and abuse report fields, bounce text,
 * the classification of statuses with their diagnostic text,
 * auto-replies, and token candidates
 */
#include "config.h"

#include "testutil.h"

#include "report.h"

static void
test_dsn_fields(void **state)
{
	static const char body[] =
	    "Reporting-MTA: dns; mx.example.com\r\n"
	    "X-Postfix-Queue-ID: 4A1B2C3D\r\n"
	    "Arrival-Date: Mon, 30 Nov 2026 12:00:00 +0000 (UTC)\r\n"
	    "\r\n"
	    "Final-Recipient: rfc822; <bob@example.org>\r\n"
	    "Original-Recipient: rfc822;bob@example.org\r\n"
	    "Action: Failed\r\n"
	    "Status: 5.1.1 (user unknown)\r\n"
	    "Remote-MTA: dns; mail.example.org\r\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient\r\n"
	    "    address rejected: User unknown in virtual mailbox table\r\n"
	    "\r\n"
	    "Final-Recipient: rfc822; carol@example.org\r\n"
	    "Action: delayed\r\n"
	    "Status: 4.4.1\r\n";
	struct report r;

	(void)state;
	report_init(&r);
	assert_int_equal(report_parse_dsn(body, sizeof(body) - 1, &r), 2);
	assert_string_equal(r.reporting_mta, "mx.example.com");
	assert_string_equal(r.rcpt[0].addr, "bob@example.org");
	assert_string_equal(r.rcpt[0].action, "failed");
	assert_string_equal(r.rcpt[0].status, "5.1.1");
	assert_string_equal(r.rcpt[0].remote_mta, "mail.example.org");
	assert_string_equal(r.rcpt[0].diag, "550 5.1.1 <bob@example.org>: "
	    "Recipient address rejected: User unknown in virtual mailbox table");
	assert_string_equal(r.rcpt[1].addr, "carol@example.org");
	assert_string_equal(r.rcpt[1].status, "4.4.1");
	assert_string_equal(r.rcpt[1].action, "delayed");
}

/* a Status field that is not one, or none: the code of the diagnostic */
static void
test_dsn_status_elsewhere(void **state)
{
	static const char body[] =
	    "Reporting-MTA: dns; mx.example.com\n"
	    "\n"
	    "Final-Recipient: rfc822; a@example.org\n"
	    "Action: failed\n"
	    "Status: 550 5.1.1\n"
	    "\n"
	    "Final-Recipient: rfc822; b@example.org\n"
	    "Action: failed\n"
	    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
	    "\n"
	    "Final-Recipient: rfc822; c@example.org\n"
	    "Action: failed\n"
	    "Status: x\n"
	    "Diagnostic-Code: smtp; 550 User unknown, see 10.5.1.1 or v5.1.1\n";
	struct report r;

	(void)state;
	report_init(&r);
	assert_int_equal(report_parse_dsn(body, sizeof(body) - 1, &r), 3);
	assert_string_equal(r.rcpt[0].status, "5.1.1");
	assert_string_equal(r.rcpt[1].status, "5.1.1");
	assert_string_equal(r.rcpt[2].status, "");
}

static void
test_dsn_malformed(void **state)
{
	static const char *const bodies[] = {
		"", "\n\n\n", "Status:", "Status: 5.1.1111", "Status: x",
		"Final-Recipient", ": x", "Status: 5.1.1.2", "Status: 9.1.1",
		"Action:\n Status: 5.1.1",
	};
	struct report r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		report_init(&r);
		(void)report_parse_dsn(bodies[i], strlen(bodies[i]), &r);
		if (r.nrcpt > 0)
			assert_string_equal(r.rcpt[0].status, "");
	}
	/* more groups than kept */
	{
		char buf[4096];
		size_t n = 0, j;

		for (j = 0; j < 20; j++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "Final-Recipient: rfc822; u%zu@x\nAction: failed\n"
			    "Status: 5.1.1\n\n", j);
		report_init(&r);
		assert_int_equal(report_parse_dsn(buf, n, &r), REPORT_RCPT_MAX);
	}
	/* RFC 3464: no Final-Recipient or no Action, no recipient */
	{
		static const char *const partial[] = {
			"Status: 5.1.1\n",
			"Action: failed\nStatus: 5.1.1\n",
			"Final-Recipient: rfc822; a@x\nStatus: 5.1.1\n",
			"Original-Recipient: rfc822; a@x\nAction: failed\n"
			    "Status: 5.1.1\n",
		};

		for (i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
			report_init(&r);
			assert_int_equal(report_parse_dsn(partial[i],
			    strlen(partial[i]), &r), 0);
		}
		static const char whole[] = "Final-Recipient: rfc822; a@x\n"
		    "Action: failed\nStatus: 5.1.1\n";

		report_init(&r);
		assert_int_equal(report_parse_dsn(whole, sizeof(whole) - 1,
		    &r), 1);
	}
}

static void
test_arf_fields(void **state)
{
	static const char body[] =
	    "Feedback-Type: Abuse\n"
	    "User-Agent: Yahoo!-Mail-Feedback/2.0\n"
	    "Version: 1\n"
	    "Original-Mail-From: <bounces+abc@example.com>\n"
	    "Original-Rcpt-To: <bob@yahoo.example>\n"
	    "Arrival-Date: Mon, 30 Nov 2026 12:00:00 -0800\n"
	    "Reporting-MTA: dns; feedback.yahoo.example\n";
	struct report r;

	(void)state;
	report_init(&r);
	assert_int_equal(report_parse_arf(body, sizeof(body) - 1, &r), 0);
	assert_string_equal(r.feedback_type, "abuse");
	assert_string_equal(r.original_rcpt, "bob@yahoo.example");
	assert_string_equal(r.reporting_mta, "feedback.yahoo.example");
	report_init(&r);
	assert_int_equal(report_parse_arf("Version: 1\n", 11, &r), -1);
}

struct classify_case {
	const char *status;
	const char *diag;
	int	want;
};

static void
test_classify(void **state)
{
	static const struct classify_case cases[] = {
		{ "5.1.1", "550 5.1.1 <bob@example.org>: Recipient address "
		    "rejected: User unknown in local recipient table",
		    BOUNCE_HARD },
		{ "5.1.1", "550-5.1.1 The email account that you tried to "
		    "reach does not exist.", BOUNCE_HARD },
		{ "5.2.1", "550 5.2.1 The email account that you tried to "
		    "reach is disabled.", BOUNCE_HARD },
		{ "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; "
		    "Recipient not found by SMTP address lookup", BOUNCE_HARD },
		{ "5.0.0", "550 Requested action not taken: mailbox "
		    "unavailable", BOUNCE_HARD },
		{ "5.5.0", "550 5.5.0 Requested action not taken: mailbox "
		    "unavailable (S2017062302)", BOUNCE_HARD },
		{ "5.2.2", "552 5.2.2 The email account that you tried to "
		    "reach is over quota.", BOUNCE_SOFT },
		{ "4.2.2", "452 4.2.2 Mailbox full", BOUNCE_SOFT },
		{ "4.4.1", "connect to mx.example.org[192.0.2.1]:25: "
		    "Connection timed out", BOUNCE_SOFT },
		{ "5.0.0", "550 Mailbox currently suspended", BOUNCE_HARD },
		{ "5.4.4", "Host or domain name not found", BOUNCE_PERMANENT },
		{ "5.0.0", "", BOUNCE_PERMANENT },
		/* policy and reputation refusals, whatever the code says */
		{ "5.7.1", "554 5.7.1 Service unavailable; Client host "
		    "[192.0.2.1] blocked using zen.spamhaus.org", BOUNCE_POLICY },
		{ "5.7.1", "550 5.7.1 Recipient address rejected: Access "
		    "denied", BOUNCE_POLICY },
		{ "5.1.1", "550 5.1.1 Message rejected due to local policy",
		    BOUNCE_POLICY },
		{ "5.2.1", "550 5.2.1 The user you are trying to contact is "
		    "receiving mail at a rate that prevents additional messages "
		    "from being delivered.", BOUNCE_POLICY },
		{ "4.7.0", "421-4.7.0 [192.0.2.1] Our system has detected an "
		    "unusual rate of unsolicited mail", BOUNCE_POLICY },
		{ "5.7.606", "550 5.7.606 Access denied, banned sending IP "
		    "[192.0.2.1]", BOUNCE_POLICY },
		{ "5.1.1", "553 5.1.1 [BL21] Connections will not be accepted "
		    "from 192.0.2.1, because the ip is in Spamhaus's list",
		    BOUNCE_POLICY },
		{ "5.1.8", "553 5.1.8 Sender address rejected: Domain not "
		    "found", BOUNCE_POLICY },
		{ "5.3.4", "552 5.3.4 Message size exceeds fixed limit",
		    BOUNCE_POLICY },
		{ "5.7.9", "554 5.7.9 Message not accepted for policy reasons",
		    BOUNCE_POLICY },
		{ "2.0.0", "250 ok", BOUNCE_NONE },
		{ "", "550 User unknown", BOUNCE_NONE },
		/* the recipient's address holds a policy word: it tells
		 * nothing of the refusal */
		{ "5.1.1", "550 5.1.1 <bob@marbles.example>: Recipient address "
		    "rejected: User unknown in virtual mailbox table",
		    BOUNCE_HARD },
		{ "5.1.1", "550 5.1.1 carol@contentful.example... User unknown",
		    BOUNCE_HARD },
		{ "5.1.1", "550 5.1.1 <spam-policy@example.org>: no such user",
		    BOUNCE_HARD },
		{ "5.1.1", "550 5.1.1 Mailbox marbles does not exist",
		    BOUNCE_HARD },
		/* words of their own, and the ones that may go on */
		{ "5.1.1", "550 5.1.1 Helo command rejected", BOUNCE_POLICY },
		{ "4.2.1", "421 4.2.1 Throttled: you send too fast",
		    BOUNCE_POLICY },
		{ "5.2.1", "550 5.2.1 Message looks spammy", BOUNCE_POLICY },
		{ "5.1.1", "550 5.1.1 <a@b> rejected: listed by zen.example",
		    BOUNCE_POLICY },
		/* the text around an address stays */
		{ "5.0.0", "550 permanent failure for one or more recipients "
		    "(bob@example.com:blocked)", BOUNCE_POLICY },
		{ "5.0.0", "550 5.0.0 Message contents rejected",
		    BOUNCE_POLICY },
		{ "5.0.0", "554 5.0.0 host 192.0.2.1 listed in multi.surbl.org",
		    BOUNCE_POLICY },
		{ "5.0.0", "554 Rejected by b.barracudacentral.org",
		    BOUNCE_POLICY },
		/*
		 * a multi-line reply as Postfix writes it: each line's codes
		 * run into the text, also inside a phrase
		 */
		{ "5.2.1", "550-5.2.1 The user you are trying to contact is "
		    "receiving mail at a rate that 550-5.2.1 prevents "
		    "additional messages from being delivered. Please resend "
		    "your 550-5.2.1 message at a later time.", BOUNCE_POLICY },
		{ "5.2.1", "550-5.2.1 The user you are trying to contact is "
		    "receiving mail at a rate that 550 5.2.1 prevents "
		    "additional messages", BOUNCE_POLICY },
		{ "5.1.1", "550 5.1.1 Try again 550-5.1.1 later",
		    BOUNCE_POLICY },
		{ "5.1.1", "550 5.1.1 try again 550-later", BOUNCE_POLICY },
		{ "5.1.1", "550 5.1.1 rate    that\t prevents", BOUNCE_POLICY },
		/* the codes themselves still say nothing of policy */
		{ "5.1.1", "550-5.1.1 The email account that you tried to "
		    "reach does not exist. 550-5.1.1 Please try double-checking "
		    "the recipient's email 550 5.1.1 address for typos",
		    BOUNCE_HARD },
		{ "5.2.1", "550-5.2.1 The email account that you tried to "
		    "reach is 550 5.2.1 disabled.", BOUNCE_HARD },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = report_classify(cases[i].status, cases[i].diag, NULL);

		if (got != cases[i].want)
			fail_msg("case %zu (%s %s): got %s, want %s", i,
			    cases[i].status, cases[i].diag,
			    report_class_name(got),
			    report_class_name(cases[i].want));
	}
	/* a configured list of hard codes */
	assert_int_equal(report_classify("5.4.4", "", "5.1 5.4.4"),
	    BOUNCE_HARD);
	assert_int_equal(report_classify("5.1.9", "", "5.1"), BOUNCE_HARD);
	assert_int_equal(report_classify("5.1.1", "", "5.2.1"),
	    BOUNCE_PERMANENT);
	assert_int_equal(report_classify("5.10.1", "", "5.1"),
	    BOUNCE_PERMANENT);
}

struct text_case {
	const char *text;
	const char *status;	/* NULL: none recoverable */
};

static void
test_scan_text(void **state)
{
	static const struct text_case cases[] = {
		{ "SMTP error from remote mail server after RCPT TO:<bob@x>:\n"
		    "    550 5.1.1 <bob@x>: Recipient address rejected\n",
		    "5.1.1" },
		{ "bob@x:\nSorry, no mailbox here by that name. (#5.1.1)\n",
		    "5.1.1" },
		{ "Remote Server returned '550 5.5.0 Requested action not "
		    "taken: mailbox unavailable'", "5.5.0" },
		{ "  host mx.x said: 550 No such user here\n", "5.1.1" },
		{ "  host mx.x said: 552 Mailbox over quota\n", "5.2.2" },
		{ "554: delivery error: dd This user doesn't have a yahoo.example "
		    "account\n", "5.1.1" },
		{ "Status: 4.4.7\n", "4.4.7" },
		{ "Running Postfix 3.5.1 on Debian 11.2.1\n", NULL },
		{ "version 5.1.1 released\n", NULL },
		{ "Call 555-1234 for help\n", NULL },
		{ "I am on vacation until Monday.\n", NULL },
		{ "", NULL },
	};
	struct report r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		report_init(&r);
		if (cases[i].status == NULL) {
			if (report_scan_text(cases[i].text,
			    strlen(cases[i].text), NULL, &r) != 0)
				fail_msg("case %zu: found %s", i,
				    r.rcpt[0].status);
			continue;
		}
		if (report_scan_text(cases[i].text, strlen(cases[i].text),
		    "bob@x", &r) != 1)
			fail_msg("case %zu: nothing found", i);
		assert_string_equal(r.rcpt[0].status, cases[i].status);
		assert_string_equal(r.rcpt[0].addr, "bob@x");
		assert_string_equal(r.rcpt[0].action, "failed");
	}
}

static void
test_autoreply(void **state)
{
	struct report_hdrs h;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(report_is_autoreply(&h), 0);
	h.auto_submitted = "auto-replied";
	assert_int_equal(report_is_autoreply(&h), 1);
	h.auto_submitted = " No";
	assert_int_equal(report_is_autoreply(&h), 0);
	h.precedence = "auto_reply";
	assert_int_equal(report_is_autoreply(&h), 1);
	memset(&h, 0, sizeof(h));
	h.subject = "Abwesenheitsnotiz: Newsletter";
	assert_int_equal(report_is_autoreply(&h), 1);
	h.subject = "R\xc3\xa9ponse automatique : Newsletter";
	assert_int_equal(report_is_autoreply(&h), 1);
	h.subject = "Automatic reply: Newsletter";
	assert_int_equal(report_is_autoreply(&h), 1);
	h.subject = "Newsletter for November";
	assert_int_equal(report_is_autoreply(&h), 0);
	h.x_autoreply = "yes";
	assert_int_equal(report_is_autoreply(&h), 1);

	memset(&h, 0, sizeof(h));
	h.from = "Mail Delivery System <MAILER-DAEMON@mx.example.org>";
	assert_int_equal(report_is_bounce(&h), 1);
	h.from = "Bob <bob@example.org>";
	assert_int_equal(report_is_bounce(&h), 0);
	h.x_failed = "bob@example.org";
	assert_int_equal(report_is_bounce(&h), 1);
}

struct found {
	char	tok[8][128];
	size_t	n;
};

static int
collect(void *arg, const char *t, size_t len)
{
	struct found *f = arg;

	if (f->n < 8)
		(void)snprintf(f->tok[f->n++], sizeof(f->tok[0]), "%.*s",
		    (int)len, t);
	return (0);
}

static void
test_find_tokens(void **state)
{
	static const char *const marks[] = { "bounces+", "X-Optin-Feedback:",
	    "https://lists.example.com/u/" };
	static const char text[] =
	    "Return-Path: <bounces+abcdefghijklmnopqrstuvwxyz234567abcdefgh"
	    "@example.com>\n"
	    "List-Unsubscribe: <https://lists.example.com/u/AAAAbbbb-_"
	    "CCCCddddEEEEffffGGGGhhhhIIIIjjjj>\n"
	    "x-optin-feedback:   QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n"
	    "bounces+short@example.com\n";
	struct found f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(report_find_tokens(text, sizeof(text) - 1, marks, 3,
	    16, collect, &f), 3);
	assert_string_equal(f.tok[0],
	    "abcdefghijklmnopqrstuvwxyz234567abcdefgh");
	assert_string_equal(f.tok[1],
	    "QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ");
	assert_string_equal(f.tok[2],
	    "AAAAbbbb-_CCCCddddEEEEffffGGGGhhhhIIIIjjjj");
	memset(&f, 0, sizeof(f));
	assert_int_equal(report_find_tokens(text, sizeof(text) - 1, marks, 3,
	    1, collect, &f), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dsn_fields),
		cmocka_unit_test(test_dsn_status_elsewhere),
		cmocka_unit_test(test_dsn_malformed),
		cmocka_unit_test(test_arf_fields),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_scan_text),
		cmocka_unit_test(test_autoreply),
		cmocka_unit_test(test_find_tokens),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
