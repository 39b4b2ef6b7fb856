/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_client - the client named by X-Forwarded-For: right-most
 * untrusted hop, the whole header whatever its length, several header
 * lines, garbage stops belief, canonical forms
 */
#include "config.h"

#include "testutil.h"

#include "client.h"

/* trusted proxies of these cases: 127.0.0.1, 10.0.0.1, ::1 */
static int
trusted(void *arg, const char *ip)
{
	(void)arg;
	return (strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "10.0.0.1") == 0 ||
	    strcmp(ip, "::1") == 0);
}

struct ccase {
	const char *name;
	const char *vals[3];
	size_t	n;
	int	rc;
	const char *want;
};

static const struct ccase cases[] = {
	{ "one client", { "198.51.100.7" }, 1, 1, "198.51.100.7" },
	{ "client, proxy", { "198.51.100.7, 127.0.0.1" }, 1, 1,
	    "198.51.100.7" },
	{ "spoofed left part is not believed",
	    { "6.6.6.6, 198.51.100.7, 10.0.0.1" }, 1, 1, "198.51.100.7" },
	{ "all proxies: the left-most", { "10.0.0.1,127.0.0.1" }, 1, 1,
	    "10.0.0.1" },
	{ "garbage at the right: nothing", { "198.51.100.7, junk" }, 1, 0, "" },
	{ "garbage left of a client: the client",
	    { "junk, 198.51.100.7" }, 1, 1, "198.51.100.7" },
	{ "garbage left of proxies: the last proxy",
	    { "junk, 10.0.0.1, 127.0.0.1" }, 1, 1, "10.0.0.1" },
	{ "IPv6, canonical", { "2001:DB8:0:0:0:0:0:1" }, 1, 1, "2001:db8::1" },
	{ "IPv6 proxy in canonical form", { "203.0.113.9, 0:0:0:0:0:0:0:1" },
	    1, 1, "203.0.113.9" },
	{ "tabs and spaces", { " \t198.51.100.7 \t,\t127.0.0.1 " }, 1, 1,
	    "198.51.100.7" },
	{ "empty value adds no hop", { "198.51.100.7", "" }, 2, 1,
	    "198.51.100.7" },
	{ "two header lines are one list",
	    { "198.51.100.7", "203.0.113.9, 127.0.0.1" }, 2, 1, "203.0.113.9" },
	{ "two lines, the right one all proxies",
	    { "198.51.100.7", "10.0.0.1" }, 2, 1, "198.51.100.7" },
	{ "empty element is garbage", { "198.51.100.7,,127.0.0.1" }, 1, 1,
	    "127.0.0.1" },
	{ "a port is not an address", { "198.51.100.7:443" }, 1, 0, "" },
	{ "no header", { NULL }, 0, 0, "" },
};

static void
test_table(void **state)
{
	char out[CLIENT_IP_MAX];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = client_forwarded(cases[i].vals, cases[i].n, trusted, NULL,
		    out, sizeof(out));
		if (rc != cases[i].rc || strcmp(out, cases[i].want) != 0)
			fail_msg("%s: got %d \"%s\", want %d \"%s\"",
			    cases[i].name, rc, out, cases[i].rc, cases[i].want);
	}
}

/* longer than any fixed buffer: 2000 spoofed hops, then the client */
static void
test_long_header(void **state)
{
	char out[CLIENT_IP_MAX], *h;
	const char *v[1];
	size_t i, len = 0, cap = 2000 * 16 + 64;

	(void)state;
	h = malloc(cap);
	assert_non_null(h);
	for (i = 0; i < 2000; i++)
		len += (size_t)snprintf(h + len, cap - len, "10.9.%zu.%zu, ",
		    (i / 250) % 250, i % 250);
	(void)snprintf(h + len, cap - len, "192.0.2.44, 127.0.0.1");
	v[0] = h;
	assert_int_equal(client_forwarded(v, 1, trusted, NULL, out,
	    sizeof(out)), 1);
	assert_string_equal(out, "192.0.2.44");
	free(h);
}

/* what the limits per client count: an IPv6 address by its /64 */
static void
test_key(void **state)
{
	static const struct {
		const char *ip, *key;
	} keys[] = {
		{ "192.0.2.7", "192.0.2.7" },
		{ "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64" },
		{ "2001:db8:1:2::ffff", "2001:db8:1:2::/64" },
		{ "2001:db8:1:3::1", "2001:db8:1:3::/64" },
		{ "::1", "::/64" },
		{ "::ffff:192.0.2.7", "::ffff:192.0.2.7" },
		{ "fe80::1%eth0", "fe80::1%eth0" },
		{ "", "" },
		{ "not an address", "not an address" },
	};
	char out[CLIENT_IP_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		client_key(keys[i].ip, out);
		assert_string_equal(out, keys[i].key);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_long_header),
		cmocka_unit_test(test_key),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
