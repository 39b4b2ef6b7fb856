/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_csv - RFC 4180 reading (quoting, line breaks in fields, errors
 * with their lines) and writing (a written record reads back the same)
 */
#include "config.h"

#include "testutil.h"

#include "csv.h"

/* read_all_records - "f1|f2;f1|f2;" for comparison, or "ERR@LINE: why" */
static void
records(const char *in, size_t len, char *out, size_t outlen)
{
	struct csv_reader r;
	char *f[8], err[128];
	size_t nf, i;
	int rc;

	out[0] = '\0';
	assert_int_equal(csv_init(&r, in, len), 0);
	while ((rc = csv_next(&r, f, 8, &nf, err, sizeof(err))) == 1) {
		char tmp[64];

		(void)snprintf(tmp, sizeof(tmp), "%d:", csv_line(&r));
		(void)strlcat(out, tmp, outlen);
		for (i = 0; i < nf; i++) {
			(void)strlcat(out, f[i], outlen);
			(void)strlcat(out, i + 1 < nf ? "|" : ";", outlen);
		}
	}
	if (rc < 0) {
		char tmp[200];

		(void)snprintf(tmp, sizeof(tmp), "ERR@%d: %s", csv_line(&r), err);
		(void)strlcat(out, tmp, outlen);
	}
	csv_free(&r);
}

struct ccase {
	const char *in;
	const char *want;
};

static const struct ccase cases[] = {
	{ "a,b,c\n", "1:a|b|c;" },
	{ "a,b,c", "1:a|b|c;" },
	{ "a,b\r\nc,d\r\n", "1:a|b;2:c|d;" },
	{ "a,,c\n", "1:a||c;" },
	{ ",\n", "1:|;" },
	{ "a,b,\n", "1:a|b|;" },
	{ "\"a,b\",c\n", "1:a,b|c;" },
	{ "\"say \"\"hi\"\"\",x\n", "1:say \"hi\"|x;" },
	{ "\"two\nlines\",x\ny,z\n", "1:two\nlines|x;3:y|z;" },
	{ "\"\"\n", "1:;" },
	{ "\n\na,b\n\n", "3:a|b;" },
	{ "\xef\xbb\xbf" "address,list\n", "1:address|list;" },
	{ " spaced , kept \n", "1: spaced | kept ;" },
	{ "a\"b,c\n", "ERR@1: quote inside an unquoted field" },
	{ "\"ab\"c,d\n", "ERR@1: text after a closing quote" },
	{ "x,y\n\"open,d\n", "1:x|y;ERR@2: unterminated quoted field" },
	{ "1,2,3,4,5,6,7,8,9\n", "ERR@1: more than 8 fields" },
};

static void
test_read(void **state)
{
	char out[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		records(cases[i].in, strlen(cases[i].in), out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: want \"%s\", got \"%s\"", i,
			    cases[i].want, out);
	}
	/* NUL bytes are refused; the length is respected */
	records("a,b\0c\n", 6, out, sizeof(out));
	assert_string_equal(out, "ERR@1: NUL byte");
	records("a,bXXX", 3, out, sizeof(out));
	assert_string_equal(out, "1:a|b;");
	records("", 0, out, sizeof(out));
	assert_string_equal(out, "");
}

/* buffer+length cases: every test reads exactly LEN bytes */
struct lcase {
	const char *in;
	size_t	len;
	const char *want;
};

/*
 * test_runs - fields are copied a run at a time up to the next comma,
 * line break, CR, quote or NUL: each of those at a run's start, middle
 * and end, and at the end of the buffer
 */
static void
test_runs(void **state)
{
	static const struct lcase lc[] = {
		/* a field ending at the buffer's edge, with and without LF */
		{ "abc,def", 7, "1:abc|def;" },
		{ "abc,defXYZ", 7, "1:abc|def;" },
		{ "abc,", 4, "1:abc|;" },
		{ "abc,def\n", 8, "1:abc|def;" },
		/* a CR at the edge is data; so is one before the edge's LF */
		{ "a,b\r", 4, "1:a|b\r;" },
		{ "a,b\r\nc", 4, "1:a|b\r;" },
		{ "a,b\r\nc", 5, "1:a|b;" },
		/* a lone CR inside or at either end of a field is data */
		{ "a\rb,c\n", 6, "1:a\rb|c;" },
		{ "\ra,\r\n", 5, "1:\ra|;" },
		{ "a\r,b\r\r\n", 7, "1:a\r|b\r;" },
		/* CRLF and LF mixed; a blank CRLF line */
		{ "a,b\r\n\r\nc,d\ne,f\r\n", 16, "1:a|b;3:c|d;4:e|f;" },
		/* a quoted field after an unquoted one, and the reverse */
		{ "abc,\"d,e\"\n", 10, "1:abc|d,e;" },
		{ "\"a\"\"b\",cd,\"\"\r\n", 14, "1:a\"b|cd|;" },
		{ "x,\"a\r\nb\nc\",y\nz\n", 15, "1:x|a\r\nb\nc|y;4:z;" },
		/* a quoted field cut by the buffer's edge */
		{ "x,\"abc\"", 6, "ERR@1: unterminated quoted field" },
		{ "x,\"abc\"", 7, "1:x|abc;" },
		/* a quote or a NUL at the start, middle or end of a run */
		{ "ab\"c\n", 5, "ERR@1: quote inside an unquoted field" },
		{ "abc\"\n", 5, "ERR@1: quote inside an unquoted field" },
		{ "a,b\0\n", 5, "ERR@1: NUL byte" },
		{ "a,\0b\n", 5, "ERR@1: NUL byte" },
		{ "\0", 1, "ERR@1: NUL byte" },
		{ "a\nb,\"c\0d\"\n", 10, "1:a;ERR@2: NUL byte" },
		{ "a,\"b\"\0\n", 7, "ERR@1: text after a closing quote" },
		/* the NUL after the buffer's edge is not read */
		{ "a,b\0", 3, "1:a|b;" },
	};
	char out[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lc) / sizeof(lc[0]); i++) {
		records(lc[i].in, lc[i].len, out, sizeof(out));
		if (strcmp(out, lc[i].want) != 0)
			fail_msg("case %zu: want \"%s\", got \"%s\"", i,
			    lc[i].want, out);
	}
}

/* test_long - fields and records much longer than any one run */
static void
test_long(void **state)
{
	size_t n = 200000, i;
	char *in, *f[4], err[128];
	struct csv_reader r;
	size_t nf;

	(void)state;
	in = malloc(2 * n + 16);
	assert_non_null(in);
	/* "xxx…x,"yyy…y" with a few CRs and LFs inside the quotes */
	memset(in, 'x', n);
	in[n] = ',';
	in[n + 1] = '"';
	for (i = 0; i < n; i++)
		in[n + 2 + i] = i % 50000 == 7 ? '\n' : i % 70001 == 3 ?
		    '\r' : 'y';
	memcpy(in + 2 * n + 2, "\"\nz\n", 4);
	assert_int_equal(csv_init(&r, in, 2 * n + 6), 0);
	assert_int_equal(csv_next(&r, f, 4, &nf, err, sizeof(err)), 1);
	assert_int_equal(nf, 2);
	assert_int_equal(strlen(f[0]), n);
	assert_int_equal(strspn(f[0], "x"), n);
	assert_int_equal(strlen(f[1]), n);
	assert_int_equal(memcmp(f[1], in + n + 2, n), 0);
	assert_int_equal(csv_next(&r, f, 4, &nf, err, sizeof(err)), 1);
	assert_int_equal(csv_line(&r), 6);	/* 4 LFs in the quotes */
	assert_string_equal(f[0], "z");
	assert_int_equal(csv_next(&r, f, 4, &nf, err, sizeof(err)), 0);
	csv_free(&r);
	free(in);
}

static void
test_write_read_back(void **state)
{
	const char *fields[] = { "plain", "with,comma", "with \"quote\"",
	    "two\r\nlines", "", " lead", "trail ", NULL };
	char *buf = NULL, out[512];
	size_t len = 0, i;
	FILE *fp;

	(void)state;
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	for (i = 0; fields[i] != NULL; i++)
		assert_int_equal(csv_field(fp, fields[i], fields[i + 1] == NULL),
		    0);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "plain,\"with,comma\",\"with \"\"quote\"\"\","
	    "\"two\r\nlines\",,\" lead\",\"trail \"\r\n");
	records(buf, len, out, sizeof(out));
	assert_string_equal(out, "1:plain|with,comma|with \"quote\"|two\r\nlines||"
	    " lead|trail ;");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_write_read_back),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
