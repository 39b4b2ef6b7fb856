/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_listhdr - List-Unsubscribe and List-Id values, and folding
 */
#include "config.h"

#include "testutil.h"

#include "conf.h"
#include "listhdr.h"

#include <sodium.h>

static struct conf *
load(const char *text)
{
	struct conf *c;
	char err[512];

	if (conf_parse(text, strlen(text), "l.conf", NULL, &c, err,
	    sizeof(err)) < 0)
		fail_msg("%s", err);
	return (c);
}

static void
test_unsubscribe(void **state)
{
	struct conf *c = load("unsubscribe-url https://l.example/u/\n"
	    "unsubscribe-mailto unsub@example.com\n");
	char out[LISTHDR_BUFSIZE];

	(void)state;
	assert_int_equal(listhdr_unsubscribe(c, "TOK", 1, out, sizeof(out)), 0);
	assert_string_equal(out, "<https://l.example/u/TOK>, "
	    "<mailto:unsub@example.com?subject=unsubscribe%20TOK>");
	assert_int_equal(listhdr_unsubscribe(c, "TOK", 0, out, sizeof(out)), 0);
	assert_string_equal(out,
	    "<mailto:unsub@example.com?subject=unsubscribe%20TOK>");
	assert_int_equal(listhdr_unsubscribe(c, "TOK", 1, out, 20), -1);
	conf_free(c);

	c = load("unsubscribe-url https://l.example/u/\n");
	assert_int_equal(listhdr_unsubscribe(c, "T", 1, out, sizeof(out)), 0);
	assert_string_equal(out, "<https://l.example/u/T>");
	/* a list-only token without a mailto address: nothing to offer */
	assert_int_equal(listhdr_unsubscribe(c, "T", 0, out, sizeof(out)), -1);
	conf_free(c);
}

static void
test_list_id(void **state)
{
	struct conf_list l;
	char out[LISTHDR_BUFSIZE];

	(void)state;
	memset(&l, 0, sizeof(l));
	(void)strlcpy(l.list_id, "news.lists.example.com", sizeof(l.list_id));
	(void)strlcpy(l.description, "Best practices", sizeof(l.description));
	assert_int_equal(listhdr_id(&l, out, sizeof(out)), 0);
	assert_string_equal(out, "\"Best practices\" <news.lists.example.com>");
	(void)strlcpy(l.description, "a \"quoted\" \\ word",
	    sizeof(l.description));
	assert_int_equal(listhdr_id(&l, out, sizeof(out)), 0);
	assert_string_equal(out,
	    "\"a \\\"quoted\\\" \\\\ word\" <news.lists.example.com>");
	(void)strlcpy(l.description, "Caf\xc3\xa9", sizeof(l.description));
	assert_int_equal(listhdr_id(&l, out, sizeof(out)), 0);
	assert_string_equal(out, "=?UTF-8?B?Q2Fmw6k=?= <news.lists.example.com>");
	l.list_id[0] = '\0';
	assert_int_equal(listhdr_id(&l, out, sizeof(out)), -1);
}

static void
test_fold(void **state)
{
	char value[1200], out[LISTHDR_BUFSIZE], *line, *save;
	size_t maxlen = 0, first = 1;

	(void)state;
	/* short values stay on one line */
	assert_int_equal(listhdr_fold("<a>, <b>", 16, out, sizeof(out)), 0);
	assert_string_equal(out, "<a>, <b>");

	/* two long URLs: folded after the comma, never inside <...> */
	(void)snprintf(value, sizeof(value), "<https://lists.example.com/u/%0100d>, "
	    "<mailto:unsubscribe@example.com?subject=unsubscribe%%20%0100d>", 7, 7);
	assert_int_equal(listhdr_fold(value, 16, out, sizeof(out)), 0);
	assert_non_null(strstr(out, ",\n\t<mailto:"));
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line) + (first ? 18 : 0);

		/* every line starts a new element */
		assert_true(first || line[0] == '\t');
		assert_true(line[first ? 0 : 1] == '<');
		if (len > maxlen)
			maxlen = len;
		first = 0;
	}
	assert_true(maxlen <= 998);

	/* an element that alone exceeds 998 octets cannot be folded */
	memset(value, 'x', 1100);
	value[0] = '<';
	value[1099] = '>';
	value[1100] = '\0';
	assert_int_equal(listhdr_fold(value, 16, out, sizeof(out)), -1);
}

/*
 * folding exactly: the 78th column, quoted strings and brackets that
 * hold the characters a fold looks for, and the output's size
 */
static void
test_fold_exact(void **state)
{
	char value[256], want[256], out[256];
	size_t n;

	(void)state;
	/* "List-Unsubscribe: " is 18 columns: 60 more end at the 78th */
	(void)snprintf(value, sizeof(value), "<%027d>, <%027d>", 1, 2);
	assert_int_equal(strlen(value), 60);
	assert_int_equal(listhdr_fold(value, 16, out, sizeof(out)), 0);
	assert_string_equal(out, value);
	/* one more folds at the space after the comma */
	(void)snprintf(value, sizeof(value), "<%028d>, <%027d>", 1, 2);
	(void)snprintf(want, sizeof(want), "<%028d>,\n\t<%027d>", 1, 2);
	assert_int_equal(listhdr_fold(value, 16, out, sizeof(out)), 0);
	assert_string_equal(out, want);

	/* inside quotes and brackets nothing folds: only before <id> */
	(void)strlcpy(value, "\"A \\\"quoted\\\" name, with <b> and "
	    "=?x?= inside it, long enough\" <list-id.lists.example.com>",
	    sizeof(value));
	(void)strlcpy(want, "\"A \\\"quoted\\\" name, with <b> and "
	    "=?x?= inside it, long enough\"\n\t<list-id.lists.example.com>",
	    sizeof(want));
	assert_int_equal(listhdr_fold(value, 7, out, sizeof(out)), 0);
	assert_string_equal(out, want);
	(void)strlcpy(value, "<https://x.example/a b, c> <https://y.example/"
	    "d,e> <mailto:u@example.com?subject=a%20b>", sizeof(value));
	(void)strlcpy(want, "<https://x.example/a b, c> <https://y.example/"
	    "d,e>\n\t<mailto:u@example.com?subject=a%20b>", sizeof(want));
	assert_int_equal(listhdr_fold(value, 16, out, sizeof(out)), 0);
	assert_string_equal(out, want);

	/* the output's size: the value and its NUL, no less */
	n = strlen("<a>, <b>");
	assert_int_equal(listhdr_fold("<a>, <b>", 16, out, n + 1), 0);
	assert_int_equal(listhdr_fold("<a>, <b>", 16, out, n), -1);
	n = strlen(want);
	assert_int_equal(listhdr_fold(value, 16, out, n + 1), 0);
	assert_string_equal(out, want);
	assert_int_equal(listhdr_fold(value, 16, out, n), -1);
}

/* a long UTF-8 description: several encoded-words of at most 75 */
static void
test_long_utf8(void **state)
{
	struct conf_list l;
	char out[LISTHDR_BUFSIZE], folded[LISTHDR_BUFSIZE * 2];
	unsigned char dec[CONF_TEXT_MAX], all[CONF_TEXT_MAX];
	const char *p, *q, *b;
	size_t dlen, alen = 0, words = 0;

	(void)state;
	memset(&l, 0, sizeof(l));
	(void)strlcpy(l.list_id, "news.lists.example.com", sizeof(l.list_id));
	/* 4 + 2 * 20 + 3 * 10 = 74 octets of UTF-8, "é" and "€" mixed */
	(void)strlcpy(l.description, "Caf\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac "
	    "news", sizeof(l.description));
	assert_int_equal(listhdr_id(&l, out, sizeof(out)), 0);
	/* every word at most 75 characters, decodes to whole characters */
	for (p = out; (b = strstr(p, "=?UTF-8?B?")) != NULL; p = q + 2) {
		q = strstr(b + 10, "?=");
		assert_non_null(q);
		assert_true((size_t)(q + 2 - b) <= 75);
		assert_int_equal(sodium_base642bin(dec, sizeof(dec), b + 10,
		    (size_t)(q - b - 10), NULL, &dlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL), 0);
		/* no word ends inside a character */
		assert_true(dlen == 0 || (dec[dlen - 1] & 0xc0) != 0xc0);
		assert_true(dlen < 1 || (dec[0] & 0xc0) != 0x80);
		memcpy(all + alen, dec, dlen);
		alen += dlen;
		words++;
	}
	assert_true(words >= 2);
	assert_int_equal(alen, strlen(l.description));
	assert_memory_equal(all, l.description, alen);
	assert_non_null(strstr(out, "?= <news.lists.example.com>"));
	/* folded between the words, every line within RFC 2047's 76 */
	assert_int_equal(listhdr_fold(out, 7, folded, sizeof(folded)), 0);
	for (p = folded; p != NULL; p = q) {
		q = strchr(p, '\n');
		assert_true((size_t)((q != NULL ? q : p + strlen(p)) - p) +
		    (p == folded ? 9 : 0) <= 76);
		if (q != NULL)
			q++;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsubscribe),
		cmocka_unit_test(test_list_id),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_exact),
		cmocka_unit_test(test_long_utf8),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
