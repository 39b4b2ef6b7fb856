/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_text - the one escaping rule for text from outside
 */
#include "config.h"

#include "testutil.h"

#include "text.h"

struct tcase {
	const char *in;
	size_t	len;		/* 0: strlen */
	enum text_ctx ctx;
	const char *out;
};

static const struct tcase cases[] = {
	{ "bob@example.org", 0, TEXT_WORD, "bob@example.org" },
	{ "a=b%c!d", 0, TEXT_WORD, "a=b%c!d" },
	{ "\"x verdict=deliver reason=opt-in\"@d", 0, TEXT_WORD,
	    "\\x22x\\x20verdict=deliver\\x20reason=opt-in\\x22@d" },
	{ "\"x verdict=deliver\"@d", 0, TEXT_QUOTED,
	    "\\x22x verdict=deliver\\x22@d" },
	{ "a>b<c", 0, TEXT_WORD, "a\\x3eb\\x3cc" },
	{ "sender=<a@b> x", 0, TEXT_QUOTED, "sender=<a@b> x" },
	{ "line\nhistory x", 0, TEXT_QUOTED, "line\\x0ahistory x" },
	{ "cr\r\ttab", 0, TEXT_QUOTED, "cr\\x0d\\x09tab" },
	{ "back\\slash", 0, TEXT_QUOTED, "back\\x5cslash" },
	{ "nul\0x", 5, TEXT_WORD, "nul\\x00x" },
	{ "\x7f\x80\xff", 0, TEXT_QUOTED, "\\x7f\\x80\\xff" },
	{ "", 0, TEXT_WORD, "" },
};

static void
test_cases(void **state)
{
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->in);

		assert_int_equal(text_esc(c->in, len, c->ctx, out,
		    sizeof(out)), 0);
		if (strcmp(out, c->out) != 0)
			fail_msg("case %zu: got %s, want %s", i, out, c->out);
	}
	assert_int_equal(text_esc(NULL, 5, TEXT_WORD, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

/* a cut result ends before an escape that does not fit, never inside */
static void
test_cut(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(text_esc("abcdef\n", 7, TEXT_WORD, out, sizeof(out)),
	    1);
	assert_string_equal(out, "abcdef");
	assert_int_equal(text_esc("abc\ndef", 7, TEXT_WORD, out, sizeof(out)),
	    1);
	assert_string_equal(out, "abc\\x0a");
	assert_int_equal(text_esc("abcdefgh", 8, TEXT_WORD, out, sizeof(out)),
	    1);
	assert_string_equal(out, "abcdefg");
	assert_int_equal(text_esc("abcdefg", 7, TEXT_WORD, out, sizeof(out)),
	    0);
	assert_int_equal(text_esc("x", 1, TEXT_WORD, out, 0), 1);
}

/* every octet: nothing that can end a value or start a field survives */
static void
test_every_octet(void **state)
{
	char in[1], out[8];
	int c;

	(void)state;
	for (c = 0; c < 256; c++) {
		in[0] = (char)c;
		assert_int_equal(text_esc(in, 1, TEXT_WORD, out, sizeof(out)),
		    0);
		assert_null(strpbrk(out, " \"<>\r\n\t"));
		assert_int_equal(text_esc(in, 1, TEXT_QUOTED, out,
		    sizeof(out)), 0);
		assert_null(strpbrk(out, "\"\r\n\t"));
	}
}

/* json - text_json(S) as a string */
static char *
json(const char *s, char *buf, size_t len)
{
	FILE *fp = fmemopen(buf, len, "w");

	assert_non_null(fp);
	text_json(fp, s);
	assert_int_equal(fclose(fp), 0);
	return (buf);
}

/* JSON strings: UTF-8 kept, anything else never reaches the reader raw */
static void
test_json(void **state)
{
	static const struct {
		const char *in, *want;
	} jcases[] = {
		{ "plain", "\"plain\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "l1\nl2\tx\x7f", "\"l1\\nl2\\u0009x\\u007f\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7",
		    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa7\"" },
		/* Latin-1, a lone continuation, a cut sequence */
		{ "caf\xe9", "\"caf\\ufffd\"" },
		{ "\x80x", "\"\\ufffdx\"" },
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },
		/* overlong, surrogate, past U+10FFFF, bad lead octets */
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
		{ "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf4\x90\x80\x80",
		    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
		{ "\xf5\xff", "\"\\ufffd\\ufffd\"" },
		/* the largest of each length */
		{ "\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf",
		    "\"\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf\"" },
	};
	char buf[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(jcases) / sizeof(jcases[0]); i++)
		assert_string_equal(json(jcases[i].in, buf, sizeof(buf)),
		    jcases[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_every_octet),
		cmocka_unit_test(test_json),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
