/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_hdraddr - removing mailboxes from To:/Cc: values: display names
 * with commas, groups, comments, folding, encoded words, and hostile
 * values that must be left alone
 */
#include "config.h"

#include "testutil.h"

#include "hdraddr.h"

static const char *const gone[] = { "nobody@example.org", "bob@example.org",
    NULL };

static int
drop(void *arg, const char *norm)
{
	const char *const *l;

	(void)arg;
	for (l = gone; *l != NULL; l++)
		if (strcmp(*l, norm) == 0)
			return (1);
	return (0);
}

struct row {
	const char *in;
	int	n;		/* removed; 0 untouched; -1 left alone */
	const char *out;
};

static const struct row rows[] = {
	{ "a@example.org, \"Nobody, Really\" <nobody@example.org>, c@example.org",
	    1, "a@example.org, c@example.org" },
	{ " Nobody@EXAMPLE.org", 1, "undisclosed-recipients:;" },
	{ "a@example.org", 0, NULL },
	{ "undisclosed-recipients:;", 0, NULL },
	/* groups keep their name and ';', even when emptied */
	{ "Team: a@example.org, bob@example.org;, c@example.org",
	    1, "Team: a@example.org;, c@example.org" },
	{ "Team: bob@example.org;", 1, "Team:;" },
	{ "Team: bob@example.org; Other: a@example.org;", 1,
	    "Team:;, Other: a@example.org;" },
	/* comments, quoted strings, escapes, routes */
	{ "a@example.org (one, two), bob@example.org (B)", 1,
	    "a@example.org (one, two)" },
	{ "((nested) c) bob@example.org, a@example.org", 1, "a@example.org" },
	{ "Bob <bob@example.org> (old), A <a@example.org> (new)", 1,
	    "A <a@example.org> (new)" },
	{ "Bob <bob@example.org> (unclosed, a@example.org", -1, NULL },
	{ "bob@example.org (Bob) x, a@example.org", -1, NULL },
	{ "bob@example.org x, a@example.org", -1, NULL },
	{ "\"q\\\"uote\" <bob@example.org>, \"x\\\\\" <a@example.org>", 1,
	    "\"x\\\\\" <a@example.org>" },
	{ "<@relay.example:bob@example.org>, a@example.org", 1, "a@example.org" },
	{ ",,, bob@example.org ,, a@example.org,", 1, "a@example.org" },
	/* an encoded word is an atom; one with a comma is not certain */
	{ "=?utf-8?q?Bob_B?= <bob@example.org>, a@example.org", 1,
	    "a@example.org" },
	{ "=?utf-8?q?Bob,B?= <bob@example.org>, a@example.org", -1, NULL },
	/* folded lines: a kept mailbox keeps its own folding */
	{ "a@example.org,\n\tNobody\n <nobody@example.org>,\n\t\"C\n D\" <c@example.org>",
	    1, "a@example.org, \"C\n D\" <c@example.org>" },
	/* hostile: nothing changes */
	{ "\"unterminated <bob@example.org>", -1, NULL },
	{ "(unterminated bob@example.org", -1, NULL },
	{ "<bob@example.org, a@example.org", -1, NULL },
	{ "bob@example.org>, a@example.org", -1, NULL },
	{ "a@example.org bob@example.org", -1, NULL },
	{ "Bob <bob@example.org> trailing, a@example.org", -1, NULL },
	{ "Team: bob@example.org", -1, NULL },
	{ "a@example.org; bob@example.org", -1, NULL },
	{ "A: B: bob@example.org;;", -1, NULL },
	{ "not an address, bob@example.org", -1, NULL },
	{ "bob@example.org\\", -1, NULL },
	{ "\"\\", -1, NULL },
	{ "", 0, NULL },
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *out = (char *)1;
		int n = hdraddr_drop(rows[i].in, strlen(rows[i].in), drop, NULL,
		    &out);

		if (n != rows[i].n)
			fail_msg("row %zu [%s]: %d, want %d", i, rows[i].in, n,
			    rows[i].n);
		if (rows[i].out == NULL) {
			assert_null(out);
			continue;
		}
		assert_non_null(out);
		if (strcmp(out, rows[i].out) != 0)
			fail_msg("row %zu: [%s], want [%s]", i, out, rows[i].out);
		free(out);
	}
}

/* a NUL inside the value, and a value longer than HDRADDR_MAX */
static void
test_bytes(void **state)
{
	static const char nul[] = "a@example.org\0, bob@example.org";
	char *big, *out;
	size_t n = HDRADDR_MAX + 16, i;

	(void)state;
	assert_int_equal(hdraddr_drop(nul, sizeof(nul) - 1, drop, NULL, &out), -1);
	assert_null(out);
	big = malloc(n);
	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = ' ';
	memcpy(big, "bob@example.org", 15);
	assert_int_equal(hdraddr_drop(big, n, drop, NULL, &out), -1);
	free(big);
}

/* many mailboxes: long lines fold, no line grows past 78 + a mailbox */
static void
test_fold(void **state)
{
	char in[8192], *out, *line;
	size_t o = 0;
	int i, k;

	(void)state;
	for (i = 0; i < 100; i++)
		o += (size_t)snprintf(in + o, sizeof(in) - o, "%s%s",
		    i ? ", " : "", i == 50 ? "bob@example.org" :
		    "someone.with.a.long.name@example.org");
	k = hdraddr_drop(in, o, drop, NULL, &out);
	assert_int_equal(k, 1);
	assert_null(strstr(out, "bob@"));
	for (line = out; line != NULL; ) {
		char *nl = strchr(line, '\n');
		size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);

		assert_true(len <= 78);
		line = nl != NULL ? nl + 1 : NULL;
	}
	/* the result parses again, with nothing more to remove */
	{
		char *again;

		assert_int_equal(hdraddr_drop(out, strlen(out), drop, NULL,
		    &again), 0);
	}
	free(out);
}

/* more mailboxes than it keeps track of: left alone */
static void
test_many(void **state)
{
	size_t n = 5000 * 13 + 16, o = 0, i;
	char *in = malloc(n), *out;

	(void)state;
	assert_non_null(in);
	for (i = 0; i < 5000; i++) {
		memcpy(in + o, "a@b.example, ", 13);
		o += 13;
	}
	memcpy(in + o, "bob@example.org", 15);
	o += 15;
	assert_int_equal(hdraddr_drop(in, o, drop, NULL, &out), -1);
	assert_null(out);
	free(in);
}

/* list LIST of N mailboxes, the last bob@example.org; its length */
static size_t
list(char **in, size_t n)
{
	size_t o = 0, i;

	*in = malloc(n * 13 + 16);
	assert_non_null(*in);
	for (i = 0; i + 1 < n; i++) {
		memcpy(*in + o, "a@b.example, ", 13);
		o += 13;
	}
	memcpy(*in + o, "bob@example.org", 15);
	return (o + 15);
}

/*
 * the list of items grows as the value needs: 4096 mailboxes, as many
 * as it keeps track of, are all seen (the last one removed, every other
 * kept); one more and the value is left alone
 */
static void
test_edge(void **state)
{
	char *in, *out, *p;
	size_t len, kept = 0;

	(void)state;
	len = list(&in, 4096);
	assert_int_equal(hdraddr_drop(in, len, drop, NULL, &out), 1);
	assert_null(strstr(out, "bob@"));
	for (p = out; (p = strstr(p, "a@b.example")) != NULL; p++)
		kept++;
	assert_int_equal(kept, 4095);
	free(out);
	free(in);
	len = list(&in, 4097);
	assert_int_equal(hdraddr_drop(in, len, drop, NULL, &out), -1);
	assert_null(out);
	free(in);
	/* and a few, as most headers have */
	len = list(&in, 3);
	assert_int_equal(hdraddr_drop(in, len, drop, NULL, &out), 1);
	assert_string_equal(out, "a@b.example, a@b.example");
	free(out);
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_edge),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
