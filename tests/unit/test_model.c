/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_model - names of statuses and reasons; the UTC time format
 */
#include "config.h"

#include "testutil.h"

#include "model.h"

static void
test_names(void **state)
{
	int i;

	(void)state;
	for (i = STATUS_MIN; i <= STATUS_MAX; i++)
		assert_int_equal(status_parse(status_name(i)), i);
	for (i = SUPP_MIN; i <= SUPP_MAX; i++)
		assert_int_equal(supp_parse(supp_name(i)), i);
	assert_string_equal(status_name(STATUS_OPT_IN), "opt-in");
	assert_string_equal(status_name(STATUS_RELATIONSHIP), "relationship");
	assert_string_equal(status_name(STATUS_OPT_OUT), "opt-out");
	assert_string_equal(status_name(STATUS_PENDING), "pending");
	assert_string_equal(supp_name(SUPP_UNSUBSCRIBE_ALL), "unsubscribe-all");
	assert_string_equal(status_name(99), "unknown");
	assert_int_equal(status_parse("Opt-In"), 0);
	assert_int_equal(supp_parse(""), 0);
	assert_int_equal(consent_kind_parse("none"), CONSENT_NONE);
	assert_string_equal(actor_name(ACTOR_UNSUBD), "unsubd");
}

static void
test_time(void **state)
{
	struct { const char *in; int64_t want; } good[] = {
		{ "", 0 },
		{ "1970-01-01", 0 },
		{ "1970-01-02", 86400 },
		{ "2000-02-29", 951782400 },
		{ "2026-11-29T12:34:56Z", 1795955696 },
		{ "2038-01-19T03:14:08Z", 2147483648LL },
	};
	const char *bad[] = { "2026-13-01", "2026-02-30", "2025-02-29",
	    "1900-02-29", "2026-1-01", "26-11-29", "2026-11-29T24:00:00Z",
	    "2026-11-29T12:00:00", "2026-11-29 12:00:00Z", "+026-11-29",
	    "2026-11-29x", "yesterday", "1969-12-31", "2026-11- 9", NULL };
	char buf[TIME_BUFSIZE];
	int64_t t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(time_parse(good[i].in, &t), 0);
		assert_true(t == good[i].want);
	}
	for (i = 0; bad[i] != NULL; i++)
		if (time_parse(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_string_equal(time_format(1795955696, buf, sizeof(buf)),
	    "2026-11-29T12:34:56Z");
	assert_string_equal(time_format(0, buf, sizeof(buf)), "");
	/* beyond any calendar: the seconds, never the empty "no date" */
	assert_string_equal(time_format(INT64_MAX, buf, sizeof(buf)),
	    "@9223372036854775807");
	assert_int_equal(time_parse(buf, &t), -1);
	assert_int_equal(time_parse(time_format(1234567890, buf, sizeof(buf)),
	    &t), 0);
	assert_true(t == 1234567890);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_time),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
