/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_authres - reading Authentication-Results (RFC 8601) and deciding
 * whether it proves a sender; table-driven
 */
#include "config.h"

#include "testutil.h"

#include "authres.h"

static const char *const ids[] = { "mx.example.net", "border.example.net" };

struct acase {
	const char *hdr;
	const char *sender;
	int	parsed;		/* authres_parse() == 0 */
	const char *how;	/* "dkim", "spf" or "" (not proven) */
};

static const struct acase cases[] = {
	/* proven */
	{ "mx.example.net; dkim=pass header.d=example.org", "a@example.org",
	    1, "dkim" },
	{ " mx.example.net 1; dkim=pass (good) header.d=example.org "
	    "header.s=s1 header.b=abc/+=", "a@example.org", 1, "dkim" },
	{ "MX.EXAMPLE.NET; DKIM=Pass header.d=Example.ORG", "a@example.org",
	    1, "dkim" },
	{ "mx.example.net; dkim=pass header.d=example.org", "a@news.example.org",
	    1, "dkim" },
	{ "border.example.net;\r\n\tspf=pass smtp.mailfrom=a@example.org",
	    "a@example.org", 1, "spf" },
	{ "mx.example.net; spf=pass smtp.mailfrom=example.org", "b@example.org",
	    1, "spf" },
	{ "mx.example.net; spf=pass smtp.mailfrom=\"a b\"@example.org",
	    "x@example.org", 1, "spf" },
	{ "mx.example.net; dkim=fail header.d=example.org; dkim=pass "
	    "header.d=example.org", "a@example.org", 1, "dkim" },
	{ "\"mx.example.net\"; dkim=pass reason=\"ok; fine\" "
	    "header.d=example.org", "a@example.org", 1, "dkim" },
	{ "mx.example.net (the (nested) verifier); dkim/1=pass header.d=example.org;",
	    "a@example.org", 1, "dkim" },
	/* read, but proves nothing */
	{ "evil.example; dkim=pass header.d=example.org", "a@example.org",
	    1, "" },
	{ "mx.example.net; dkim=fail header.d=example.org", "a@example.org",
	    1, "" },
	{ "mx.example.net; dkim=pass header.d=other.example", "a@example.org",
	    1, "" },
	{ "mx.example.net; dkim=pass header.d=news.example.org", "a@example.org",
	    1, "" },
	{ "mx.example.net; dkim=pass header.d=xexample.org", "a@example.org",
	    1, "" },
	{ "mx.example.net; dkim=pass header.d=org", "a@example.org", 1, "" },
	{ "mx.example.net; spf=pass smtp.mailfrom=a@sub.example.org",
	    "a@example.org", 1, "" },
	{ "mx.example.net; spf=pass smtp.helo=example.org", "a@example.org",
	    1, "" },
	{ "mx.example.net; spf=softfail smtp.mailfrom=example.org",
	    "a@example.org", 1, "" },
	{ "mx.example.net; none", "a@example.org", 1, "" },
	{ "mx.example.net none", "a@example.org", 1, "" },
	{ "mx.example.net; dkim=pass header.d=example.org", "", 1, "" },
	{ "mx.example.net; dkim=pass header.d=example.org", "nodomain", 1, "" },
	/* unreadable: nobody proven */
	{ "", "a@example.org", 0, "" },
	{ "mx.example.net; dkim=pass header.d=example.org (unterminated",
	    "a@example.org", 0, "" },
	{ "mx.example.net; dkim pass header.d=example.org", "a@example.org",
	    0, "" },
	{ "mx.example.net; dkim=pass header=example.org", "a@example.org",
	    0, "" },
	{ "mx.example.net dkim=pass header.d=example.org", "a@example.org",
	    0, "" },
	{ "mx.example.net; =pass", "a@example.org", 0, "" },
	{ "mx.example.net; dkim=pass header.d=\"example.org", "a@example.org",
	    0, "" },
	{ "mx.example.net; dkim=pass header.d=exa\001mple.org", "a@example.org",
	    0, "" },
};

static void
test_cases(void **state)
{
	struct authres ar;
	char how[8];
	size_t i;
	int p, a;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct acase *c = &cases[i];

		p = authres_parse(c->hdr, strlen(c->hdr), &ar) == 0;
		if (p != c->parsed)
			fail_msg("case %zu (%s): parsed %d, want %d", i, c->hdr,
			    p, c->parsed);
		a = p && authres_aligned(&ar, ids, 2, c->sender, how,
		    sizeof(how));
		if (!a)
			how[0] = '\0';
		if (strcmp(how, c->how) != 0)
			fail_msg("case %zu (%s): proven by \"%s\", want \"%s\"",
			    i, c->hdr, how, c->how);
	}
}

/* long, many and unterminated: bounded, never read past LEN */
static void
test_limits(void **state)
{
	char buf[4096];
	struct authres ar;
	size_t i, n;

	(void)state;
	n = (size_t)snprintf(buf, sizeof(buf), "mx.example.net");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		    "; spf=fail smtp.mailfrom=x%zu@example.org", i);
	assert_int_equal(authres_parse(buf, n, &ar), 0);
	assert_int_equal(ar.n, AUTHRES_MAX);
	memset(buf, 'a', sizeof(buf));
	assert_int_equal(authres_parse(buf, sizeof(buf), &ar), -1);
	/* the length is the end, not a NUL */
	assert_int_equal(authres_parse("mx.example.net; dkim=pass "
	    "header.d=example.orgXX", strlen("mx.example.net; dkim=pass "
	    "header.d=example.org"), &ar), 0);
	assert_string_equal(ar.r[0].header_d, "example.org");
	assert_int_equal(authres_parse(NULL, 0, &ar), -1);
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
