/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_form - HTML form bodies (optin-unsubd) and the token in a mailto
 * Subject (policy/unsub.c)
 */
#include "config.h"

#include "testutil.h"

#include "form.h"
#include "unsub.h"

static int
collect(void *arg, const char *name, const char *value)
{
	char *out = arg;

	(void)strlcat(out, name, 512);
	(void)strlcat(out, "=", 512);
	(void)strlcat(out, value, 512);
	(void)strlcat(out, ";", 512);
	return (0);
}

struct fcase {
	const char *ctype;
	const char *body;
	const char *want;	/* NULL: refused */
};

static const struct fcase cases[] = {
	{ "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click",
	    "List-Unsubscribe=One-Click;" },
	{ "application/x-www-form-urlencoded; charset=UTF-8",
	    "a=1&b=two+words&c=%41%62&d=&e", "a=1;b=two words;c=Ab;d=;e=;" },
	{ "Application/X-WWW-Form-Urlencoded", "x=1\r\n", "x=1;" },
	{ "application/x-www-form-urlencoded", "a=%4", NULL },
	{ "application/x-www-form-urlencoded", "a=%zz", NULL },
	{ "application/x-www-form-urlencoded", "a=%00", NULL },
	{ "application/x-www-form-urlencoded", "&&a=1&&", "a=1;" },
	{ "multipart/form-data; boundary=XyZ",
	    "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n"
	    "\r\nOne-Click\r\n--XyZ--\r\n", "List-Unsubscribe=One-Click;" },
	{ "multipart/form-data; boundary=\"quoted b\"",
	    "preamble\r\n--quoted b\r\nContent-Disposition: form-data; name=a\r\n"
	    "\r\n1\r\n--quoted b\r\nContent-Disposition: form-data; name=\"b\"\r\n"
	    "Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n--quoted b--",
	    "a=1;b=line1\r\nline2;" },
	{ "multipart/form-data; boundary=B",
	    "--B\nContent-Disposition: form-data; name=\"x\"\n\nlf only\n--B--\n",
	    "x=lf only;" },
	{ "multipart/form-data", "--B\r\n", NULL },
	{ "multipart/form-data; boundary=B", "no boundary here", NULL },
	{ "multipart/form-data; boundary=B",
	    "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n"
	    "\r\ndata\r\n--B--", NULL },
	{ "multipart/form-data; boundary=B",
	    "--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--", NULL },
	{ "multipart/form-data; boundary=B",
	    "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
	    NULL },
	{ "text/plain", "List-Unsubscribe=One-Click", NULL },
	{ NULL, "a=1", NULL },
};

static void
test_forms(void **state)
{
	char out[512], err[128];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out[0] = '\0';
		rc = form_parse(cases[i].ctype, cases[i].body,
		    strlen(cases[i].body), collect, out, err, sizeof(err));
		if (cases[i].want == NULL) {
			if (rc != -1)
				fail_msg("case %zu accepted: %s", i, out);
		} else if (rc != 0 || strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: want \"%s\", got rc=%d \"%s\" (%s)", i,
			    cases[i].want, rc, out, rc ? err : "");
	}
}

static void
test_oversized(void **state)
{
	char body[4096], out[512], err[128];

	(void)state;
	memcpy(body, "v=", 2);
	memset(body + 2, 'x', FORM_VALUE_MAX + 10);
	out[0] = '\0';
	assert_int_equal(form_parse("application/x-www-form-urlencoded", body,
	    FORM_VALUE_MAX + 12, collect, out, err, sizeof(err)), -1);
	memset(body, 'n', 100);
	body[100] = '=';
	assert_int_equal(form_parse("application/x-www-form-urlencoded", body,
	    101, collect, out, err, sizeof(err)), -1);
}

static void
test_subject_token(void **state)
{
	const char *tok = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGh";
	char subj[512], out[TOKEN_BUFSIZE];

	(void)state;
	(void)snprintf(subj, sizeof(subj), "unsubscribe %s", tok);
	assert_int_equal(unsub_subject_token(subj, strlen(subj), out,
	    sizeof(out)), strlen(tok));
	assert_string_equal(out, tok);
	(void)snprintf(subj, sizeof(subj), "Re: Unsubscribe%%20%s", tok);
	assert_int_equal(unsub_subject_token(subj, strlen(subj), out,
	    sizeof(out)), strlen(tok));
	assert_string_equal(out, tok);
	(void)snprintf(subj, sizeof(subj), " unsubscribe %s  ", tok);
	assert_true(unsub_subject_token(subj, strlen(subj), out, sizeof(out)) > 0);
	assert_string_equal(out, tok);
	assert_int_equal(unsub_subject_token("unsubscribe me please", 21, out,
	    sizeof(out)), 0);
	assert_int_equal(unsub_subject_token("", 0, out, sizeof(out)), 0);
	/* too long for the buffer: refused, not truncated */
	(void)snprintf(subj, sizeof(subj), "unsubscribe %s", tok);
	assert_int_equal(unsub_subject_token(subj, strlen(subj), out, 20), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_subject_token),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
