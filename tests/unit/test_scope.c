/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_scope - the outbound scope: its configuration keywords, networks,
 * and the decision for every kind of client Postfix describes
 */
#include "config.h"

#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "testutil.h"

#include "conf.h"
#include "scope.h"

static struct conf *
parse(const char *text)
{
	struct conf *c;
	char err[512];

	if (conf_parse(text, strlen(text), "t.conf", "/base", &c, err,
	    sizeof(err)) < 0)
		fail_msg("%s", err);
	return (c);
}

static void
parse_bad(const char *text, const char *want)
{
	struct conf *c;
	char err[512];

	if (conf_parse(text, strlen(text), "t.conf", "/base", &c, err,
	    sizeof(err)) == 0) {
		conf_free(c);
		fail_msg("accepted: %s", text);
	}
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

static struct sockaddr_storage ss;

static const struct sockaddr *
v4(const char *ip, unsigned port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)(void *)&ss;

	memset(&ss, 0, sizeof(ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &s->sin_addr), 1);
	return ((const struct sockaddr *)&ss);
}

static const struct sockaddr *
v6(const char *ip, unsigned port)
{
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)(void *)&ss;

	memset(&ss, 0, sizeof(ss));
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, ip, &s->sin6_addr), 1);
	return ((const struct sockaddr *)&ss);
}

static void
test_defaults(void **state)
{
	struct conf *c = parse("");

	(void)state;
	assert_int_equal(c->noutbound_daemon, 1);
	assert_string_equal(c->outbound_daemon[0], "ORIGINATING");
	assert_int_equal(c->outbound_auth, 1);
	assert_int_equal(c->outbound_local, 1);
	assert_int_equal(c->noutbound_net, 2);
	assert_int_equal(c->split, 0);
	assert_int_equal(c->hide_stripped, 1);
	conf_free(c);
}

static void
test_keywords(void **state)
{
	struct conf *c;

	(void)state;
	c = parse("outbound-daemon ORIGINATING submission\n"
	    "outbound-daemon mailapp\n"
	    "outbound-auth no\n"
	    "outbound-local no\n"
	    "outbound-network 192.0.2.0/24 2001:db8::/32\n"
	    "outbound-network 10.1.2.3\n"
	    "split yes\n");
	assert_int_equal(c->noutbound_daemon, 3);
	assert_string_equal(c->outbound_daemon[2], "mailapp");
	assert_int_equal(c->outbound_auth, 0);
	assert_int_equal(c->outbound_local, 0);
	assert_int_equal(c->noutbound_net, 3);
	assert_int_equal(c->outbound_net[2].bits, 32);
	assert_int_equal(c->split, 1);
	conf_free(c);

	c = parse("outbound-daemon none\noutbound-network none\n");
	assert_int_equal(c->noutbound_daemon, 0);
	assert_int_equal(c->noutbound_net, 0);
	conf_free(c);

	parse_bad("outbound-auth maybe\n", "t.conf:1: outbound-auth: expected yes or no");
	parse_bad("split\n", "t.conf:1: split needs a value");
	parse_bad("split yes no\n", "t.conf:1: split takes one value");
	parse_bad("outbound-network 192.0.2.1/24\n", "t.conf:1: outbound-network: \"192.0.2.1/24\"");
	parse_bad("outbound-network 192.0.2.0/33\n", "outbound-network");
	parse_bad("outbound-network 192.0.2.0/\n", "outbound-network");
	parse_bad("outbound-network 192.0.2.0/+8\n", "outbound-network");
	parse_bad("outbound-network example.com\n", "outbound-network");
	parse_bad("outbound-network 10.0.0.0/8 none\n", "outbound-network: \"none\"");
	parse_bad("\noutbound-daemon \"a b\"\n", "t.conf:2: outbound-daemon");
	parse_bad("outbound-daemon a none\n", "outbound-daemon: \"none\"");
}

static void
test_nets(void **state)
{
	struct scope_net n;

	(void)state;
	assert_int_equal(scope_parse_net("192.0.2.0/24", &n), 0);
	assert_true(scope_in_net(&n, v4("192.0.2.200", 25)));
	assert_false(scope_in_net(&n, v4("192.0.3.1", 25)));
	/* an IPv4-mapped IPv6 client is the IPv4 client */
	assert_true(scope_in_net(&n, v6("::ffff:192.0.2.9", 25)));
	assert_false(scope_in_net(&n, v6("2001:db8::1", 25)));
	assert_false(scope_in_net(&n, NULL));
	assert_int_equal(scope_parse_net("10.0.0.0/9", &n), 0);
	assert_true(scope_in_net(&n, v4("10.127.255.255", 1)));
	assert_false(scope_in_net(&n, v4("10.128.0.0", 1)));
	assert_int_equal(scope_parse_net("0.0.0.0/0", &n), 0);
	assert_true(scope_in_net(&n, v4("203.0.113.1", 1)));
	assert_int_equal(scope_parse_net("2001:db8::/33", &n), 0);
	assert_true(scope_in_net(&n, v6("2001:db8:7fff::1", 1)));
	assert_false(scope_in_net(&n, v6("2001:db8:8000::1", 1)));
	assert_false(scope_in_net(&n, v4("192.0.2.1", 1)));
	assert_int_equal(scope_parse_net("::1", &n), 0);
	assert_int_equal(n.bits, 128);
	assert_int_equal(scope_parse_net("2001:db8::1/32", &n), -1);
	assert_int_equal(scope_parse_net("/8", &n), -1);
	assert_int_equal(scope_parse_net("", &n), -1);
	assert_int_equal(scope_parse_net("1.2.3.4/8x", &n), -1);
	assert_int_equal(scope_parse_net("1.2.3.4/-1", &n), -1);
	assert_int_equal(scope_parse_net("300.1.1.1", &n), -1);
}

static void
test_decide(void **state)
{
	struct conf *c = parse("outbound-network 192.0.2.0/24\n");
	struct conf *off = parse("outbound-daemon none\noutbound-auth no\n"
	    "outbound-local no\noutbound-network none\n");
	struct scope_client cl;
	const char *why;

	(void)state;
	memset(&cl, 0, sizeof(cl));
	/* an internet client on port 25: inbound */
	cl.daemon_name = "mx.example.com";
	cl.host = "mail.example.net";
	cl.sa = v4("203.0.113.5", 41234);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 0);
	assert_string_equal(why, "inbound");
	assert_int_equal(scope_outbound(c, &cl, "", &why), 0);
	/* the same client after AUTH */
	assert_int_equal(scope_outbound(c, &cl, "marketing-app", &why), 1);
	assert_string_equal(why, "auth");
	assert_int_equal(scope_outbound(off, &cl, "marketing-app", &why), 0);
	/* the submission service */
	cl.daemon_name = "ORIGINATING";
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 1);
	assert_string_equal(why, "daemon");
	assert_int_equal(scope_outbound(off, &cl, NULL, &why), 0);
	cl.daemon_name = "originating";		/* names are exact */
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 0);
	/* an internal network */
	cl.daemon_name = NULL;
	cl.sa = v4("192.0.2.77", 50000);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 1);
	assert_string_equal(why, "network");
	/* the replaced default: loopback is no longer internal ... */
	cl.sa = v4("127.0.0.1", 50000);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 0);
	/* ... but cleanup's pretend client of sendmail(1) is local */
	cl.host = "localhost";
	cl.sa = v4("127.0.0.1", 0);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 1);
	assert_string_equal(why, "local");
	cl.sa = v6("::1", 0);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 1);
	assert_int_equal(scope_outbound(off, &cl, NULL, &why), 0);
	cl.sa = v4("127.0.0.2", 0);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 0);
	/* smtpd on a non-IP endpoint (sendmail -bs) */
	cl.sa = NULL;
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 1);
	assert_string_equal(why, "local");
	cl.host = "unknown";			/* a client that went away */
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 0);
	conf_free(c);

	/* the defaults: loopback SMTP clients are internal */
	c = parse("");
	cl.host = "localhost";
	cl.daemon_name = "mx.example.com";
	cl.sa = v4("127.0.0.1", 34567);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 1);
	assert_string_equal(why, "network");
	cl.sa = v6("::1", 34567);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 1);
	cl.sa = v4("198.51.100.1", 34567);
	assert_int_equal(scope_outbound(c, &cl, NULL, &why), 0);
	conf_free(c);
	conf_free(off);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_nets),
		cmocka_unit_test(test_decide),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
