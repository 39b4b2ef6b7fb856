/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_conf - the configuration parser: good files, and bad files with
 * the exact FILE:LINE message
 */
#include "config.h"

#include "testutil.h"

#include "conf.h"
#include "model.h"

static const char good[] =
    "# a full file\n"
    "socket        inet:8891@127.0.0.1\n"
    "socket-mode   0640\n"
    "database      \"/var/lib/optin milter\"   # quoted, with a space\n"
    "map-size      2G\n"
    "secret-file   /etc/optin-milter/secret.key\n"
    "user          optin\n"
    "mode          monitor\n"
    "on-error      accept\n"
    "unclassified  reject\n"
    "denied        reject\n"
    "list-header   X-List\n"
    "recipient-delimiter +-\n"
    "unsubscribe-url     https://lists.example.com/u/\n"
    "preferences-url     https://lists.example.com/p/\n"
    "unsubscribe-mailto  Unsubscribe@Example.COM\n"
    "listen        [::1]:8025\n"
    "trusted-proxy 127.0.0.1 ::1\n"
    "trusted-proxy 10.0.0.1\n"
    "authserv-id mx.example.net border.example.net\n"
    "sendmail-path bin/sendmail\n"
    "confirm-from  Lists@Example.COM\n"
    "confirm-url   https://lists.example.com/c/\n"
    "confirm-ttl   48h\n"
    "confirm-interval 0\n"
    "subscribe-rate 5\n"
    "pending-max   1000\n"
    "preference-optin direct\n"
    "\n"
    "list marketing {\n"
    "    description \"Best \\\"practices\\\", events\"\n"
    "    consent     express\n"
    "    list-id     marketing.lists.example.com\n"
    "    match header X-Optin-List marketing\n"
    "    match sender News@Example.com\n"
    "    match sender @news.example.com\n"
    "    match auth   marketing-app\n"
    "    subscribe    yes\n"
    "    consent-text \"Yes, send me news.\"\n"
    "    consent-version 2026-11\n"
    "}\n"
    "list transactional {\r\n"
    "    consent none\r\n"
    "    honor   bounce legal\r\n"
    "}\r\n"
    "list service { consent relationship\n"
    "  unsubscribe no }\n";

static void
test_good(void **state)
{
	struct conf *c;
	const struct conf_list *l;
	char err[512];

	(void)state;
	if (conf_parse(good, sizeof(good) - 1, "t.conf", "/base", &c, err,
	    sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(c->socket, "inet:8891@127.0.0.1");
	assert_int_equal(c->socket_mode, 0640);
	assert_string_equal(c->database, "/var/lib/optin milter");
	assert_true(c->map_size == 2ULL << 30);
	assert_string_equal(c->user, "optin");
	assert_int_equal(c->mode, MODE_MONITOR);
	assert_int_equal(c->on_error, ONERR_ACCEPT);
	assert_int_equal(c->unclassified, UNCL_REJECT);
	assert_int_equal(c->denied, DENIED_REJECT);
	assert_string_equal(c->list_header, "X-List");
	assert_string_equal(c->recipient_delimiter, "+-");
	assert_string_equal(c->unsubscribe_mailto, "unsubscribe@example.com");
	assert_string_equal(c->listen, "[::1]:8025");
	assert_int_equal(c->ntrusted_proxy, 3);
	assert_string_equal(c->trusted_proxy[2], "10.0.0.1");
	assert_int_equal(c->nauthserv_id, 2);
	assert_string_equal(c->authserv_id[1], "border.example.net");
	assert_int_equal(c->nlists, 3);

	l = conf_find_list(c, "marketing");
	assert_non_null(l);
	assert_string_equal(l->description, "Best \"practices\", events");
	assert_int_equal(l->consent, CONSENT_EXPRESS);
	assert_int_equal(l->unsubscribe, 1);
	assert_int_equal(l->nmatches, 4);
	assert_int_equal(l->matches[0].type, MATCH_HEADER);
	assert_string_equal(l->matches[0].name, "X-Optin-List");
	assert_string_equal(l->matches[1].value, "news@example.com");
	assert_string_equal(l->matches[2].value, "@news.example.com");
	assert_int_equal(l->matches[3].type, MATCH_AUTH);
	assert_int_equal(l->subscribe, 1);
	assert_string_equal(l->consent_text, "Yes, send me news.");
	assert_string_equal(l->consent_version, "2026-11");
	assert_string_equal(c->sendmail_path, "/base/bin/sendmail");
	assert_string_equal(c->confirm_from, "lists@example.com");
	assert_string_equal(c->confirm_url, "https://lists.example.com/c/");
	assert_true(c->confirm_ttl == 48 * 3600);
	assert_true(c->confirm_interval == 0);
	assert_true(c->subscribe_rate == 5);
	assert_true(c->pending_max == 1000);
	assert_int_equal(c->preference_optin, PREF_OPTIN_DIRECT);

	l = conf_find_list(c, "transactional");
	assert_int_equal(l->consent, CONSENT_NONE);
	assert_int_equal(l->unsubscribe, 0);	/* default for none */
	assert_int_equal(l->honor, SUPP_BIT(SUPP_BOUNCE) | SUPP_BIT(SUPP_LEGAL));
	assert_string_equal(l->description, "transactional");

	l = conf_find_list(c, "service");
	assert_int_equal(l->consent, CONSENT_RELATIONSHIP);
	assert_int_equal(l->unsubscribe, 0);
	assert_null(conf_find_list(c, "nope"));
	conf_free(c);
}

static void
test_defaults_and_relative(void **state)
{
	struct conf *c;
	const struct conf_list *l;
	char err[512];
	const char *text = "database db\nsecret-file keys/secret.key\n"
	    "socket unix:run/m.sock\nunsubscribe-mailto u@example.com\n"
	    "list news {\n}\nlist tx { consent none }\n";

	(void)state;
	if (conf_parse(text, strlen(text), "r.conf", "/srv/om", &c, err,
	    sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(c->database, "/srv/om/db");
	assert_string_equal(c->secret_file, "/srv/om/keys/secret.key");
	assert_string_equal(c->socket, "unix:/srv/om/run/m.sock");
	assert_int_equal(c->socket_mode, 0660);
	assert_true(c->map_size == 1ULL << 30);
	assert_int_equal(c->mode, MODE_ENFORCE);
	assert_int_equal(c->on_error, ONERR_TEMPFAIL);
	assert_int_equal(c->unclassified, UNCL_PASS);
	assert_int_equal(c->denied, DENIED_STRIP);
	assert_string_equal(c->list_header, "X-Optin-List");
	assert_string_equal(c->listen, "127.0.0.1:8025");
	assert_string_equal(c->sendmail_path, "/usr/sbin/sendmail");
	assert_true(c->confirm_ttl == 7 * 86400);
	assert_true(c->confirm_interval == 3600);
	assert_true(c->subscribe_rate == 20);
	assert_true(c->pending_max == 100000);
	assert_int_equal(c->preference_optin, PREF_OPTIN_CONFIRM);
	l = conf_find_list(c, "news");
	assert_int_equal(l->subscribe, 0);
	assert_int_equal(l->consent, CONSENT_EXPRESS);
	assert_int_equal(l->unsubscribe, 1);
	l = conf_find_list(c, "tx");
	assert_int_equal(l->honor, SUPP_BIT(SUPP_BOUNCE) |
	    SUPP_BIT(SUPP_COMPLAINT) | SUPP_BIT(SUPP_LEGAL));
	conf_free(c);

	/* an empty file is a valid configuration */
	assert_int_equal(conf_parse("", 0, "e.conf", NULL, &c, err,
	    sizeof(err)), 0);
	assert_int_equal(c->nlists, 0);
	conf_free(c);
}

struct bad {
	const char *text;
	const char *msg;	/* the exact message */
};

static const struct bad bads[] = {
	{ "frobnicate 1\n", "b.conf:1: unknown keyword \"frobnicate\"" },
	{ "\n\n# c\nmode fast\n",
	    "b.conf:4: mode: \"fast\" is not one of enforce | monitor" },
	{ "socket\n", "b.conf:1: socket needs a value" },
	{ "mode enforce monitor\n", "b.conf:1: mode takes one value" },
	{ "mode enforce\nmode monitor\n", "b.conf:2: duplicate keyword mode" },
	{ "socket-mode 0999\n",
	    "b.conf:1: socket-mode: expected an octal mode such as 0660" },
	{ "socket-mode 07777\n",
	    "b.conf:1: socket-mode: expected an octal mode such as 0660" },
	{ "bounce-threshold 0\n", "b.conf:1: bounce-threshold: expected a "
	    "score from 0.01 to 1000, such as 5 or 2.5" },
	{ "bounce-soft-score 0.555\n", "b.conf:1: bounce-soft-score: "
	    "expected a score from 0.01 to 1000, such as 0.5" },
	{ "bounce-permanent-score 1001\n", "b.conf:1: bounce-permanent-score: "
	    "expected a score from 0.01 to 1000, such as 1" },
	{ "bounce-stale-after 0d\n", "b.conf:1: bounce-stale-after: expected "
	    "a number of days from 1 to 365, such as 7d" },
	{ "bounce-hard 5.1.1 6.1\n", "b.conf:1: bounce-hard: expected status "
	    "codes or prefixes such as 5.1.1 or 5.1" },
	{ "bounce-hard 5.1.\n", "b.conf:1: bounce-hard: expected status "
	    "codes or prefixes such as 5.1.1 or 5.1" },
	{ "map-size 1X\n",
	    "b.conf:1: map-size: expected a size from 64K to 1T, such as 1G" },
	{ "map-size 2T\n",
	    "b.conf:1: map-size: expected a size from 64K to 1T, such as 1G" },
	{ "map-size 1K\n",
	    "b.conf:1: map-size: expected a size from 64K to 1T, such as 1G" },
	{ "map-size -1G\n",
	    "b.conf:1: map-size: expected a size from 64K to 1T, such as 1G" },
	{ "socket inet:99999@127.0.0.1\n",
	    "b.conf:1: socket: bad port (1 to 65535)" },
	{ "socket tcp:25\n", "b.conf:1: socket: socket must be unix:PATH, "
	    "inet:PORT@HOST or inet6:PORT@HOST" },
	{ "socket unix:\n", "b.conf:1: socket: unix socket needs a path" },
	{ "on-error maybe\n",
	    "b.conf:1: on-error: \"maybe\" is not one of tempfail | accept" },
	{ "unclassified drop\n", "b.conf:1: unclassified: \"drop\" is not one "
	    "of pass | reject | tempfail" },
	{ "denied bounce\n",
	    "b.conf:1: denied: \"bounce\" is not one of strip | reject" },
	{ "list-header X:Bad\n",
	    "b.conf:1: list-header: expected a header field name" },
	{ "recipient-delimiter @\n", "b.conf:1: recipient-delimiter: expected "
	    "one to eight characters such as + or -" },
	{ "unsubscribe-url ftp://x/\n", "b.conf:1: unsubscribe-url: expected an "
	    "http:// or https:// URL without spaces, quotes, <, > or commas" },
	{ "unsubscribe-url \"https://x/a b\"\n", "b.conf:1: unsubscribe-url: "
	    "expected an http:// or https:// URL without spaces, quotes, <, > "
	    "or commas" },
	{ "unsubscribe-url https://x/<u>\n", "b.conf:1: unsubscribe-url: "
	    "expected an http:// or https:// URL without spaces, quotes, <, > "
	    "or commas" },
	{ "unsubscribe-mailto nobody\n",
	    "b.conf:1: unsubscribe-mailto: missing '@' and domain" },
	{ "listen localhost:8025\n", "b.conf:1: listen: expected an IP address "
	    "and port, such as 127.0.0.1:8025 or [::1]:8025" },
	{ "listen 127.0.0.1:0\n", "b.conf:1: listen: expected an IP address "
	    "and port, such as 127.0.0.1:8025 or [::1]:8025" },
	{ "trusted-proxy 127.0.0.1 proxy.example\n",
	    "b.conf:1: trusted-proxy: \"proxy.example\" is not an IP address" },
	{ "user root;rm\n", "b.conf:1: user: expected a user name" },
	{ "authserv-id mx.example.net a;b\n", "b.conf:1: authserv-id: "
	    "expected host names such as mx.example.com, not \"a;b\"" },
	{ "confirm-ttl 10m\n", "b.conf:1: confirm-ttl: expected a duration "
	    "from 1h to 90d, such as 7d, 48h or 3600" },
	{ "confirm-ttl 91d\n", "b.conf:1: confirm-ttl: expected a duration "
	    "from 1h to 90d, such as 7d, 48h or 3600" },
	{ "confirm-interval 1w\n", "b.conf:1: confirm-interval: expected a "
	    "duration up to 90d, such as 1h, 30m or 0" },
	{ "confirm-interval -1\n", "b.conf:1: confirm-interval: expected a "
	    "duration up to 90d, such as 1h, 30m or 0" },
	{ "subscribe-rate 0\n", "b.conf:1: subscribe-rate: expected a number "
	    "of requests per hour from 1 to 1000000" },
	{ "pending-max lots\n", "b.conf:1: pending-max: expected a number of "
	    "records from 1 to 1000000000" },
	{ "preference-optin maybe\n", "b.conf:1: preference-optin: \"maybe\" "
	    "is not one of confirm | direct" },
	{ "confirm-url ftp://x/c/\n", "b.conf:1: confirm-url: expected an "
	    "http:// or https:// URL without spaces, quotes, <, > or commas" },
	{ "unsubscribe-mailto u@x.org\nlist a {\n subscribe yes\n}\n",
	    "b.conf:2: list a has subscribe yes, but confirm-from or "
	    "confirm-url is not set" },
	{ "list a {\n consent none\n subscribe maybe\n}\n",
	    "b.conf:3: subscribe: expected yes or no" },
	{ "list a {\n consent none\n consent-version \"v 1\"\n}\n",
	    "b.conf:3: consent-version: \"v 1\" is not a label such as "
	    "2026-11 or v3" },
	{ "database \"unterminated\n", "b.conf:1: unterminated string" },
	{ "database \"a\tb\"\n", "b.conf:1: control character in string" },
	{ "mode enf\x01orce\n", "b.conf:1: control character" },
	{ "mode enforce\n\0\n", "b.conf:2: NUL byte" },
	{ "}\n", "b.conf:1: unexpected '}'" },
	{ "{\n", "b.conf:1: unexpected '{'" },
	{ "mode enforce {\n", "b.conf:1: unexpected '{' after mode" },
	{ "list\n", "b.conf:1: list : expected '{'" },
	{ "list a b {\n}\n", "b.conf:1: list takes one name" },
	{ "list news\n{\n}\n", "b.conf:1: list news: expected '{'" },
	{ "list bad/name {\n}\n", "b.conf:1: bad list name \"bad/name\" "
	    "(letters, digits, '.', '_', '-'; 64 octets at most)" },
	{ "unsubscribe-mailto u@x.org\nlist a {\n}\n\nlist a {\n}\n",
	    "b.conf:5: duplicate list a (first defined at line 2 as a)" },
	{ "list News {\n consent express\n}\nlist news {\n consent express\n}\n",
	    "b.conf:4: duplicate list news (first defined at line 1 as News)" },
	{ "list a {\n consent none\n", "b.conf:1: list a: missing '}'" },
	{ "list a {\n consent maybe\n}\n", "b.conf:2: consent: \"maybe\" is not "
	    "one of express | relationship | none" },
	{ "list a {\n consent none\n consent none\n}\n",
	    "b.conf:3: duplicate keyword consent in list a" },
	{ "list a {\n colour blue\n}\n",
	    "b.conf:2: unknown keyword \"colour\" in list a" },
	{ "list a {\n consent none\n honor bounce typo\n}\n",
	    "b.conf:3: honor: \"typo\" is not a suppression reason "
	    "(unsubscribe-all, bounce, complaint, manual, legal)" },
	{ "unsubscribe-mailto u@x.org\nlist a {\n consent express\n"
	    " honor bounce\n}\n",
	    "b.conf:2: list a: honor applies only to consent none" },
	{ "list a {\n consent none\n unsubscribe maybe\n}\n",
	    "b.conf:3: unsubscribe: expected yes or no" },
	{ "list a {\n consent none\n list-id nodots\n}\n",
	    "b.conf:3: list-id: \"nodots\" is not a list identifier such as "
	    "news.lists.example.com" },
	{ "list a {\n consent none\n match\n}\n",
	    "b.conf:3: match needs header, sender or auth" },
	{ "list a {\n consent none\n match body spam\n}\n",
	    "b.conf:3: match: \"body\" is not header, sender or auth" },
	{ "list a {\n consent none\n match header X-A\n}\n",
	    "b.conf:3: match header takes a name and a value" },
	{ "list a {\n consent none\n match sender bob@@x\n}\n",
	    "b.conf:3: match sender: more than one '@'" },
	{ "list a {\n consent none\n list b {\n}\n",
	    "b.conf:3: nested block in list a" },
	{ "list a {\n consent none\n} mode monitor\n",
	    "b.conf:3: unexpected text after '}'" },
	/* of two repeated names, the one repeated first is named */
	{ "list b {\n consent none\n}\nlist a {\n consent none\n}\n"
	    "list B {\n consent none\n}\nlist A {\n consent none\n}\n",
	    "b.conf:7: duplicate list B (first defined at line 1 as b)" },
	{ "list a {\n consent none\n}\nlist b {\n consent none\n}\n"
	    "list B {\n consent none\n}\nlist A {\n consent none\n}\n"
	    "list b {\n consent none\n}\n",
	    "b.conf:7: duplicate list B (first defined at line 4 as b)" },
	/* the first error in the file, though a duplicate is found last */
	{ "list a {\n consent none\n}\nlist A {\n consent maybe\n}\n",
	    "b.conf:4: duplicate list A (first defined at line 1 as a)" },
	{ "list a {\n consent none\n}\nlist A {\n consent none\n}\n"
	    "colour blue\n",
	    "b.conf:4: duplicate list A (first defined at line 1 as a)" },
	{ "list a {\n consent none\n}\nlist A { consent maybe\n}\n",
	    "b.conf:4: duplicate list A (first defined at line 1 as a)" },
	{ "list a {\n consent none\n}\ncolour blue\nlist A {\n}\n",
	    "b.conf:4: unknown keyword \"colour\"" },
	{ "list news {\n}\n", "b.conf:1: list news has unsubscribe yes, but "
	    "neither unsubscribe-url nor unsubscribe-mailto is set" },
};

static void
test_bad(void **state)
{
	struct conf *c;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		size_t len = strlen(bads[i].text);

		/* the NUL case: the buffer goes on past the NUL */
		if (strstr(bads[i].msg, "NUL") != NULL)
			len += 2;
		err[0] = '\0';
		if (conf_parse(bads[i].text, len, "b.conf", NULL, &c, err,
		    sizeof(err)) != -1)
			fail_msg("case %zu accepted: %s", i, bads[i].text);
		assert_null(c);
		if (strcmp(err, bads[i].msg) != 0)
			fail_msg("case %zu: want \"%s\"\n got \"%s\"", i,
			    bads[i].msg, err);
	}
}

/* the feedback keywords and their defaults */
/*
 * many lists: each is kept in definition order, and a repetition far
 * down is found (they were compared pairwise, and 12000 lists took
 * seconds; a 1 MiB file holds some 86000 of the shortest)
 */
static void
test_many_lists(void **state)
{
	const size_t n = 12000;
	struct conf *c;
	char err[512], *text, *p;
	size_t i, len;

	(void)state;
	len = n * 48 + 64;
	text = malloc(len);
	assert_non_null(text);
	for (p = text, i = 0; i < n; i++)
		p += snprintf(p, len - (size_t)(p - text),
		    "list l%zu {\n consent none\n}\n", i);
	assert_int_equal(conf_parse(text, (size_t)(p - text), "m.conf", NULL,
	    &c, err, sizeof(err)), 0);
	assert_int_equal(c->nlists, n);
	for (i = 0; i < n; i += 997) {
		char name[32];

		(void)snprintf(name, sizeof(name), "l%zu", i);
		assert_string_equal(c->lists[i].name, name);
		assert_int_equal(c->lists[i].line, (int)(3 * i + 1));
		assert_ptr_equal(conf_find_list(c, name), &c->lists[i]);
	}
	conf_free(c);
	/* the last list repeats one from the middle, in capitals */
	(void)snprintf(p, len - (size_t)(p - text),
	    "list L6000 {\n consent none\n}\n");
	p += strlen(p);
	assert_int_equal(conf_parse(text, (size_t)(p - text), "m.conf", NULL,
	    &c, err, sizeof(err)), -1);
	assert_null(c);
	assert_string_equal(err, "m.conf:36001: duplicate list L6000 (first "
	    "defined at line 18001 as l6000)");
	free(text);
}

static void
test_feedback_keywords(void **state)
{
	static const char text[] =
	    "bounce-address bounces@Example.COM\n"
	    "bounce-hard 5.1 5.2.1 5.4.4\n"
	    "bounce-threshold 2.5\n"
	    "bounce-soft-score 0.25\n"
	    "bounce-permanent-score 1\n"
	    "bounce-stale-after 14d\n";
	struct conf *c;
	char err[256];

	(void)state;
	assert_int_equal(conf_parse(text, sizeof(text) - 1, "f.conf", NULL, &c,
	    err, sizeof(err)), 0);
	assert_string_equal(c->bounce_address, "bounces@example.com");
	assert_string_equal(c->bounce_hard, "5.1 5.2.1 5.4.4");
	assert_int_equal(c->bounce_threshold, 250);
	assert_int_equal(c->bounce_soft_score, 25);
	assert_int_equal(c->bounce_permanent_score, 100);
	assert_int_equal(c->bounce_stale_after, 14);
	conf_free(c);
	assert_int_equal(conf_parse("", 0, "f.conf", NULL, &c, err,
	    sizeof(err)), 0);
	assert_string_equal(c->bounce_address, "");
	assert_int_equal(c->bounce_threshold, 500);
	assert_int_equal(c->bounce_soft_score, 50);
	assert_int_equal(c->bounce_permanent_score, 100);
	assert_int_equal(c->bounce_stale_after, 7);
	conf_free(c);
}

static void
test_load(void **state)
{
	struct conf *c;
	char *dir, *path, err[512], want[4200];

	(void)state;
	dir = tu_tmpdir();
	path = tu_write(dir, "om.conf", "database db\nmode\n");
	assert_int_equal(conf_load(path, &c, err, sizeof(err)), -1);
	(void)snprintf(want, sizeof(want), "%s:2: mode needs a value", path);
	assert_string_equal(err, want);
	free(path);
	path = tu_write(dir, "om.conf", "database db\n");
	assert_int_equal(conf_load(path, &c, err, sizeof(err)), 0);
	(void)snprintf(want, sizeof(want), "%s/db", dir);
	assert_string_equal(c->database, want);
	conf_free(c);
	free(path);
	(void)snprintf(want, sizeof(want), "%s/missing.conf", dir);
	assert_int_equal(conf_load(want, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_defaults_and_relative),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_many_lists),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_feedback_keywords),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
