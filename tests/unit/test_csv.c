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
		cmocka_unit_test(test_write_read_back),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
