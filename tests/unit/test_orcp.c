/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_orcp - the original recipient Postfix stores for a RCPT TO
 * argument, and the string that deletes it; table-driven
 */
#include "config.h"

#include "testutil.h"

#include "orcp.h"

struct ocase {
	const char *raw;
	const char *orcp;	/* NULL: refused */
	const char *del;	/* or part of the reason when refused */
};

static const struct ocase cases[] = {
	{ "<nobody@example.org>", "nobody@example.org", "<nobody@example.org>" },
	{ "<NoBody@Example.ORG>", "NoBody@Example.ORG", "<NoBody@Example.ORG>" },
	{ "nobody@example.org", "nobody@example.org", "<nobody@example.org>" },
	/* smtpd cuts a route at the first colon */
	{ "<@relay.example:nobody@example.org>", "nobody@example.org",
	    "<nobody@example.org>" },
	{ "<@a,@b:nobody@example.org>", "nobody@example.org",
	    "<nobody@example.org>" },
	{ "@relay.example:nobody@example.org", "nobody@example.org",
	    "<nobody@example.org>" },
	{ "<@relay:NoBody@Example.ORG.>", "NoBody@Example.ORG.",
	    "<NoBody@Example.ORG.>" },
	/* a trailing dot stays */
	{ "<nobody@example.org.>", "nobody@example.org.",
	    "<nobody@example.org.>" },
	/* quotes go; they come back where the local part needs them */
	{ "<\"nobody\"@example.org>", "nobody@example.org",
	    "<nobody@example.org>" },
	{ "<\"a b\"@example.org>", "a b@example.org", "<\"a b\"@example.org>" },
	{ "<\"no\\\"body\"@example.org>", "no\"body@example.org",
	    "<\"no\\\"body\"@example.org>" },
	{ "<\"a\\\\b\"@example.org>", "a\\b@example.org",
	    "<\"a\\\\b\"@example.org>" },
	{ "<\"x verdict=deliver reason=opt-in\"@d>",
	    "x verdict=deliver reason=opt-in@d",
	    "<\"x verdict=deliver reason=opt-in\"@d>" },
	{ "<\"@r:x\"@d>", "@r:x@d", "<\"@r:x\"@d>" },
	{ "<\"a@b\"@d>", "a@b@d", "<\"a@b\"@d>" },
	/* bare local parts and literals as typed */
	{ "<nobody>", "nobody", "<nobody>" },
	{ "<x@[192.0.2.1]>", "x@[192.0.2.1]", "<x@[192.0.2.1]>" },
	{ "<.a..b.@d>", ".a..b.@d", "<.a..b.@d>" },
	{ "<a%b!c|d@e>", "a%b!c|d@e", "<a%b!c|d@e>" },
	/* refused: no certain string */
	{ "<nobody@example.org (comment)>", NULL, "domain" },
	{ "<Nobody <nobody@example.org>>", NULL, "quoting" },
	{ "<a\\b@d>", NULL, "quoting" },
	{ "<a@b>junk", NULL, "" },
	{ "<\"a\"b@d>", NULL, "after a quoted" },
	{ "<\"a\">", "a", "<a>" },
	{ "<\"\"@d>", NULL, "empty local" },
	{ "<@d>", NULL, "empty local" },
	{ "<>", NULL, "empty" },
	{ "", NULL, "empty" },
	{ "<a@>", NULL, "empty domain" },
	{ "<a@b@c>", NULL, "domain" },
	{ "<a@[1.2.3.4>", NULL, "literal" },
	{ "<a@[1 2]>", NULL, "literal" },
	{ "<a\r\n@b>", NULL, "control" },
	{ "<\"unterminated@d>", NULL, "unterminated" },
	{ "<@[IPv6:::1]:a@b>", NULL, "" },
};

static void
test_cases(void **state)
{
	char orcp[ORCP_BUFSIZE], del[ORCP_DEL_BUFSIZE], err[128];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ocase *c = &cases[i];

		err[0] = '\0';
		rc = orcp_smtpd(c->raw, strlen(c->raw), orcp, sizeof(orcp),
		    del, sizeof(del), err, sizeof(err));
		if (c->orcp == NULL) {
			if (rc != -1)
				fail_msg("%s: accepted as %s / %s", c->raw,
				    orcp, del);
			if (strstr(err, c->del) == NULL)
				fail_msg("%s: reason \"%s\" lacks \"%s\"",
				    c->raw, err, c->del);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: refused: %s", c->raw, err);
		if (strcmp(orcp, c->orcp) != 0)
			fail_msg("%s: orcp %s, want %s", c->raw, orcp, c->orcp);
		if (strcmp(del, c->del) != 0)
			fail_msg("%s: del %s, want %s", c->raw, del, c->del);
	}
}

static void
test_limits(void **state)
{
	char big[ORCP_MAX + 10], orcp[ORCP_BUFSIZE], del[ORCP_DEL_BUFSIZE];
	char small[8], err[64];

	(void)state;
	memset(big, 'a', sizeof(big));
	assert_int_equal(orcp_smtpd(big, sizeof(big), orcp, sizeof(orcp), del,
	    sizeof(del), err, sizeof(err)), -1);
	/* not NUL-terminated input is fine */
	assert_int_equal(orcp_smtpd("<a@b>xyz", 5, orcp, sizeof(orcp), del,
	    sizeof(del), err, sizeof(err)), 0);
	assert_string_equal(orcp, "a@b");
	/* a small output buffer is an error, not a truncation */
	assert_int_equal(orcp_smtpd("<abcdefgh@example.org>", 22, small,
	    sizeof(small), del, sizeof(del), err, sizeof(err)), -1);
	assert_int_equal(orcp_external("a b@d", small, sizeof(small)), -1);
	assert_int_equal(orcp_external("a\nb@d", del, sizeof(del)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_limits),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
