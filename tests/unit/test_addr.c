/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_addr - address normalisation and refusal, table-driven
 */
#include "config.h"

#include "testutil.h"

#include "addr.h"

struct acase {
	const char *in;
	int	flags;
	const char *out;	/* NULL: refused */
	const char *why;	/* part of the reason when refused */
};

static const struct acase cases[] = {
	/* accepted */
	{ "bob@example.org", 0, "bob@example.org", NULL },
	{ "Bob@EXAMPLE.org", 0, "bob@example.org", NULL },
	{ "<Carol@EXAMPLE.org>", 0, "carol@example.org", NULL },
	{ "  <dave@example.org>  ", 0, "dave@example.org", NULL },
	{ "< dave@example.org >", 0, "dave@example.org", NULL },
	{ "bob+news@example.org", 0, "bob+news@example.org", NULL },
	{ "first.last@example.org", 0, "first.last@example.org", NULL },
	{ "o'brien@example.ie", 0, "o'brien@example.ie", NULL },
	{ "a!#$%&'*+-/=?^_`{|}~b@example.org", 0,
	    "a!#$%&'*+-/=?^_`{|}~b@example.org", NULL },
	{ "<@relay.example,@other.example:joe@example.org>", 0,
	    "joe@example.org", NULL },
	{ "@relay.example:joe@example.org", 0, "joe@example.org", NULL },
	{ "\"joe\"@example.org", 0, "joe@example.org", NULL },
	{ "\"Joe.Smith\"@example.org", 0, "joe.smith@example.org", NULL },
	{ "\"joe smith\"@example.org", 0, "\"joe smith\"@example.org", NULL },
	{ "\"joe\\\"q\"@example.org", 0, "\"joe\\\"q\"@example.org", NULL },
	{ "\"a@b\"@example.org", 0, "\"a@b\"@example.org", NULL },
	{ "\"a..b\"@example.org", 0, "\"a..b\"@example.org", NULL },
	{ "bob@example.org.", 0, "bob@example.org", NULL },
	{ "bob@localhost", 0, "bob@localhost", NULL },
	{ "bob@[192.0.2.1]", 0, "bob@[192.0.2.1]", NULL },
	{ "bob@[IPv6:2001:db8::1]", 0, "bob@[IPv6:2001:db8::1]", NULL },
	{ "bob@[ipv6:2001:DB8::1]", 0, "bob@[IPv6:2001:db8::1]", NULL },
	{ "bob@b\xc3\xbc" "cher.example", 0, "bob@xn--bcher-kva.example", NULL },
	{ "bob@B\xc3\x9c" "CHER.example", 0, "bob@xn--bcher-kva.example", NULL },
	{ "bob@xn--bcher-kva.example", 0, "bob@xn--bcher-kva.example", NULL },
	{ "@example.org", ADDR_ALLOW_DOMAIN, "@example.org", NULL },
	{ "@[IPv6:2001:db8::1]", ADDR_ALLOW_DOMAIN, "@[IPv6:2001:db8::1]", NULL },
	{ "<@[192.0.2.1]:joe@example.org>", 0, "joe@example.org", NULL },
	{ "@EXAMPLE.Org", ADDR_ALLOW_DOMAIN, "@example.org", NULL },
	{ "<@Example.org>", ADDR_ALLOW_DOMAIN, "@example.org", NULL },
	{ "@b\xc3\xbc" "cher.example", ADDR_ALLOW_DOMAIN,
	    "@xn--bcher-kva.example", NULL },
	{ "x@a-b.example", 0, "x@a-b.example", NULL },
	{ "x@123.example", 0, "x@123.example", NULL },
	{ "1@2.3", 0, "1@2.3", NULL },
	/* the plain case, lower-cased in one pass, at its edges */
	{ "BOB@X.ORG", 0, "bob@x.org", NULL },
	{ "Bob.Smith+X@Sub.EXAMPLE-1.org", 0, "bob.smith+x@sub.example-1.org",
	    NULL },
	{ "a@b", 0, "a@b", NULL },
	{ "-@x.org", 0, "-@x.org", NULL },
	{ "a@B.", 0, "a@b", NULL },
	{ "b@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
	    0, "b@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
	    NULL },
	{ "b@x.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    0, "b@x.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    NULL },
	/* 64-octet local part is the limit */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.org",
	    0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.org",
	    NULL },

	/* refused */
	{ "", 0, NULL, "empty address" },
	{ "   ", 0, NULL, "empty address" },
	{ "<>", 0, NULL, "empty address" },
	{ "< >", 0, NULL, "empty address" },
	{ "bob", 0, NULL, "missing '@'" },
	{ "bob@", 0, NULL, "empty domain" },
	{ "@example.org", 0, NULL, "missing local part" },
	{ "bob@@example.org", 0, NULL, "more than one" },
	{ "bob@a@example.org", 0, NULL, "more than one" },
	{ "<bob@example.org", 0, NULL, "unbalanced" },
	{ "bob@example.org>", 0, NULL, "unbalanced" },
	{ "<<bob@example.org>>", 0, NULL, "stray angle" },
	{ "bob\r\n@example.org", 0, NULL, "CR or LF" },
	{ "bob@example.org\r\nBcc: x@y.z", 0, NULL, "CR or LF" },
	{ "bob@exa\nmple.org", 0, NULL, "CR or LF" },
	{ "bob\t@example.org", 0, NULL, "control character" },
	{ "bob\x01@example.org", 0, NULL, "control character" },
	{ "bob\x7f@example.org", 0, NULL, "control character" },
	{ ".bob@example.org", 0, NULL, "bad local part" },
	{ "bob.@example.org", 0, NULL, "bad local part" },
	{ "bo..b@example.org", 0, NULL, "bad local part" },
	{ "bo b@example.org", 0, NULL, "bad local part" },
	{ "bo(b)@example.org", 0, NULL, "bad local part" },
	{ "bo,b@example.org", 0, NULL, "bad local part" },
	{ "b\xc3\xb6" "b@example.org", 0, NULL, "non-ASCII local part" },
	{ "\"unterminated@example.org", 0, NULL, "unterminated" },
	{ "\"\"@example.org", 0, NULL, "empty local part" },
	{ "\"bob\"x@example.org", 0, NULL, "not followed by '@'" },
	{ "bob@exa_mple.org", 0, NULL, "bad character" },
	{ "bob@-example.org", 0, NULL, "starts or ends with '-'" },
	{ "bob@example-.org", 0, NULL, "starts or ends with '-'" },
	{ "bob@example..org", 0, NULL, "empty label" },
	{ "bob@.example.org", 0, NULL, "empty label" },
	{ "bob@example.org..", 0, NULL, "empty label" },
	{ "bob@exa mple.org", 0, NULL, "bad character" },
	{ "bob@[300.1.1.1]", 0, NULL, "bad address literal" },
	{ "bob@[IPv6:zz::1]", 0, NULL, "bad IPv6" },
	{ "bob@[1.2.3.4", 0, NULL, "bad address literal" },
	{ "bob@\xff\xfe.example", 0, NULL, "bad international domain" },
	{ "@relay.example:", 0, NULL, "source route without address" },
	/* 65-octet local part */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.org",
	    0, NULL, "longer than 64" },
	/* a 64-octet label */
	{ "b@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org",
	    0, NULL, "longer than 63" },
	{ "@", ADDR_ALLOW_DOMAIN, NULL, "empty domain" },
	{ ".@x.org", 0, NULL, "bad local part" },
	{ "a.b.@x.org", 0, NULL, "bad local part" },
	{ "bob@.", 0, NULL, "empty label" },
	{ "bob@example.org-", 0, NULL, "starts or ends with '-'" },
	{ "bob@a.-b.org", 0, NULL, "starts or ends with '-'" },
	{ "bob@a-.b.org", 0, NULL, "starts or ends with '-'" },
	{ "bob@x.org@y.org", 0, NULL, "more than one" },
	{ "bob@x.o\"rg", 0, NULL, "bad character" },
	{ "b@x.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    0, NULL, "longer than 63" },
	{ "@exa mple.org", ADDR_ALLOW_DOMAIN, NULL, "bad character" },
};

static void
test_table(void **state)
{
	char out[ADDR_BUFSIZE], err[128];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct acase *c = &cases[i];

		err[0] = '\0';
		rc = addr_normalize(c->in, strlen(c->in), c->flags, out,
		    sizeof(out), err, sizeof(err));
		if (c->out != NULL) {
			if (rc != 0 || strcmp(out, c->out) != 0)
				fail_msg("case %zu \"%s\": want \"%s\", got "
				    "rc=%d \"%s\" (%s)", i, c->in, c->out, rc,
				    rc == 0 ? out : "", err);
		} else {
			if (rc != -1 || strstr(err, c->why) == NULL)
				fail_msg("case %zu \"%s\": want refusal with "
				    "\"%s\", got rc=%d \"%s\"", i, c->in,
				    c->why, rc, rc == 0 ? out : err);
		}
	}
	assert_true(i >= 50);
}

/* addresses over 254 octets and huge inputs are refused, not truncated */
static void
test_lengths(void **state)
{
	char in[2048], out[ADDR_BUFSIZE], err[128];
	size_t i;

	(void)state;
	/* 64 + 1 + 189 = 254: accepted */
	memset(in, 'a', 64);
	in[64] = '@';
	for (i = 65; i < 254; i++)
		in[i] = (i - 65) % 50 == 49 ? '.' : 'b';
	in[253] = 'c';
	in[254] = '\0';
	assert_int_equal(addr_normalize(in, 254, 0, out, sizeof(out), err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(out), 254);
	/* 255: refused */
	in[254] = 'd';
	in[255] = '\0';
	assert_int_equal(addr_normalize(in, 255, 0, out, sizeof(out), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "254"));
	/* a long garbage line */
	memset(in, 'x', sizeof(in));
	assert_int_equal(addr_normalize(in, sizeof(in), 0, out, sizeof(out),
	    err, sizeof(err)), -1);
	/* a NUL inside the length */
	assert_int_equal(addr_normalize("a\0b@c.d", 7, 0, out, sizeof(out),
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
	/* the length is respected: no read past it */
	assert_int_equal(addr_normalize("bob@example.orgXYZ", 15, 0, out,
	    sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "bob@example.org");
}

static void
test_untag_keys(void **state)
{
	char buf[ADDR_KEYS_BUFSIZE], out[ADDR_BUFSIZE];
	const char *keys[3];

	(void)state;
	assert_int_equal(addr_untag("bob+news@example.org", "+", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "bob@example.org");
	assert_int_equal(addr_untag("bob-news@example.org", "+-", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "bob@example.org");
	assert_int_equal(addr_untag("bob@example.org", "+", out, sizeof(out)), 0);
	assert_int_equal(addr_untag("+bob@example.org", "+", out, sizeof(out)), 0);
	assert_int_equal(addr_untag("bob+x@example.org", "", out, sizeof(out)), 0);
	assert_int_equal(addr_untag("bob+x@example.org", NULL, out, sizeof(out)), 0);
	/* quoted: the server of d splits "a+b c" at the delimiter too */
	assert_int_equal(addr_untag("\"a+b c\"@example.org", "+", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "a@example.org");
	assert_int_equal(addr_untag("\"a b+c\"@example.org", "+", out,
	    sizeof(out)), 1);
	assert_string_equal(out, "\"a b\"@example.org");
	assert_int_equal(addr_untag("\"+a b\"@example.org", "+", out,
	    sizeof(out)), 0);
	assert_int_equal(addr_untag("\"a b\"@example.org", "+", out,
	    sizeof(out)), 0);

	assert_int_equal(addr_keys("bob+x@example.org", "+", buf, keys), 3);
	assert_string_equal(keys[0], "bob+x@example.org");
	assert_string_equal(keys[1], "bob@example.org");
	assert_string_equal(keys[2], "@example.org");
	assert_int_equal(addr_keys("bob@example.org", "+", buf, keys), 2);
	assert_string_equal(keys[1], "@example.org");
	assert_int_equal(addr_keys("@example.org", "+", buf, keys), 1);
	assert_string_equal(keys[0], "@example.org");
	assert_int_equal(addr_is_domain("@example.org"), 1);
	assert_int_equal(addr_is_domain("a@example.org"), 0);
	assert_string_equal(addr_domain("a@example.org"), "example.org");
}

static void
test_mask(void **state)
{
	char out[ADDR_BUFSIZE];

	(void)state;
	addr_mask("alice@example.org", out, sizeof(out));
	assert_string_equal(out, "a***@example.org");
	addr_mask("\"a b\"@example.org", out, sizeof(out));
	assert_string_equal(out, "a***@example.org");
	addr_mask("@example.org", out, sizeof(out));
	assert_string_equal(out, "@example.org");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_untag_keys),
		cmocka_unit_test(test_mask),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
