/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf.c - configuration parser
 *
 * SYNOPSIS
 *	#include "conf.h"
 *
 * DESCRIPTION
 *	A small lexer (words, "strings", braces, newlines) feeds a parser
 *	that reads one statement per line. Top-level keywords are driven
 *	by one table of {name, type, field, bounds}; list blocks are read
 *	by conf_list.c and single values checked by conf_value.c. Every
 *	refusal names FILE:LINE and the problem.
 *
 * DIAGNOSTICS
 *	Unknown keywords, missing or extra values, values out of range,
 *	duplicate keywords and duplicate lists are errors.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "conf_check.h"
#include "conf_lex.h"
#include "model.h"
#include "report.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define CONF_FILE_MAX	(1024 * 1024)

/* ---------------------------------------------------------- the table */

enum ktype { K_PATH, K_SOCKET, K_MODE, K_SIZE, K_ENUM, K_MAILTO, K_URL,
	K_DELIM, K_HEADER, K_LISTEN, K_PROXY, K_USER, K_CODES, K_SCORE,
	K_DAYS, K_TEXT, K_AUTHSERV, K_DURATION, K_COUNT, K_BOOL, K_DAEMONS,
	K_NETS, K_FBL };

static const char *const mode_names[] = { "enforce", "monitor", NULL };
static const char *const onerr_names[] = { "tempfail", "accept", NULL };
static const char *const uncl_names[] = { "pass", "reject", "tempfail", NULL };
static const char *const denied_names[] = { "strip", "reject", NULL };
static const char *const senders_names[] = { "any", "own", NULL };
static const char *const pref_names[] = { "confirm", "direct", NULL };

struct keyword {
	const char *name;
	enum ktype type;
	size_t	off;
	size_t	size;
	const char *const *enums;
	const char *help;
};

#define F(f) offsetof(struct conf, f), sizeof(((struct conf *)0)->f)
static const struct keyword keywords[] = {
	{ "socket", K_SOCKET, F(socket), NULL, NULL },
	{ "socket-mode", K_MODE, F(socket_mode), NULL,
	    "an octal mode such as 0660" },
	{ "database", K_PATH, F(database), NULL, NULL },
	{ "map-size", K_SIZE, F(map_size), NULL,
	    "a size from 64K to 1T, such as 1G" },
	{ "secret-file", K_PATH, F(secret_file), NULL, NULL },
	{ "user", K_USER, F(user), NULL, "a user name" },
	{ "mode", K_ENUM, F(mode), mode_names, NULL },
	{ "on-error", K_ENUM, F(on_error), onerr_names, NULL },
	{ "unclassified", K_ENUM, F(unclassified), uncl_names, NULL },
	{ "denied", K_ENUM, F(denied), denied_names, NULL },
	{ "sender-lists", K_ENUM, F(sender_lists), senders_names, NULL },
	{ "list-header", K_HEADER, F(list_header), NULL,
	    "a header field name" },
	{ "recipient-delimiter", K_DELIM, F(recipient_delimiter), NULL,
	    "one to eight characters such as + or -" },
	{ "unsubscribe-url", K_URL, F(unsubscribe_url), NULL,
	    "an http:// or https:// URL without spaces, quotes, <, > or commas" },
	{ "preferences-url", K_URL, F(preferences_url), NULL,
	    "an http:// or https:// URL without spaces, quotes, <, > or commas" },
	{ "unsubscribe-mailto", K_MAILTO, F(unsubscribe_mailto), NULL, NULL },
	{ "organisation", K_TEXT, F(organisation), NULL,
	    "a name in printable characters, \"quoted\" when it has spaces" },
	{ "privacy-url", K_URL, F(privacy_url), NULL,
	    "an http:// or https:// URL without spaces, quotes, <, > or commas" },
	{ "listen", K_LISTEN, F(listen), NULL,
	    "an IP address and port, such as 127.0.0.1:8025 or [::1]:8025" },
	{ "trusted-proxy", K_PROXY, 0, 0, NULL, "IP addresses" },
	{ "authserv-id", K_AUTHSERV, 0, 0, NULL,
	    "host names such as mx.example.com" },
	{ "bounce-address", K_MAILTO, F(bounce_address), NULL, NULL },
	{ "bounce-hard", K_CODES, F(bounce_hard), NULL,
	    "status codes or prefixes such as 5.1.1 or 5.1" },
	{ "bounce-threshold", K_SCORE, F(bounce_threshold), NULL,
	    "a score from 0.01 to 1000, such as 5 or 2.5" },
	{ "bounce-soft-score", K_SCORE, F(bounce_soft_score), NULL,
	    "a score from 0.01 to 1000, such as 0.5" },
	{ "bounce-permanent-score", K_SCORE, F(bounce_permanent_score), NULL,
	    "a score from 0.01 to 1000, such as 1" },
	{ "bounce-stale-after", K_DAYS, F(bounce_stale_after), NULL,
	    "a number of days from 1 to 365, such as 7d" },
	{ "feedback-loop", K_FBL, 0, 0, NULL,
	    "domain names such as fbl.yahoo.com" },
	{ "sendmail-path", K_PATH, F(sendmail_path), NULL, NULL },
	{ "confirm-from", K_MAILTO, F(confirm_from), NULL, NULL },
	{ "confirm-url", K_URL, F(confirm_url), NULL,
	    "an http:// or https:// URL without spaces, quotes, <, > or commas" },
	{ "confirm-ttl", K_DURATION, F(confirm_ttl), NULL,
	    "a duration from 1h to 90d, such as 7d, 48h or 3600" },
	{ "confirm-interval", K_DURATION, F(confirm_interval), NULL,
	    "a duration up to 90d, such as 1h, 30m or 0" },
	{ "subscribe-rate", K_COUNT, F(subscribe_rate), NULL,
	    "a number of requests per hour from 1 to 1000000" },
	{ "pending-max", K_COUNT, F(pending_max), NULL,
	    "a number of records from 1 to 1000000000" },
	{ "preference-optin", K_ENUM, F(preference_optin), pref_names, NULL },
	{ "outbound-daemon", K_DAEMONS, 0, 0, NULL,
	    "Postfix daemon names ({daemon_name}) or none" },
	{ "outbound-auth", K_BOOL, F(outbound_auth), NULL, "yes or no" },
	{ "outbound-network", K_NETS, 0, 0, NULL,
	    "IP addresses or networks (192.0.2.0/24, 2001:db8::/32) or none" },
	{ "outbound-local", K_BOOL, F(outbound_local), NULL, "yes or no" },
	{ "split", K_BOOL, F(split), NULL, "yes or no" },
	{ "hide-stripped", K_BOOL, F(hide_stripped), NULL, "yes or no" },
};
#undef F
#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))
_Static_assert(NKEYWORDS <= CONF_MAX_KEYWORDS, "CONF_MAX_KEYWORDS too small");

/* enum_list - "a | b | c" for messages */
static void
enum_list(const char *const *names, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; names[i] != NULL; i++) {
		if (i > 0)
			(void)strlcat(buf, " | ", len);
		(void)strlcat(buf, names[i], len);
	}
}

/*
 * apply_scope_list - outbound-daemon and outbound-network: several
 * values, on one line or several; the first line replaces the default,
 * "none" alone empties it
 */
static int
apply_scope_list(struct lexer *lx, struct conf *c, const struct keyword *k,
    const struct stmt *st, unsigned char *seen)
{
	const char *v;
	size_t i;

	if (!seen[k - keywords]) {
		seen[k - keywords] = 1;
		c->kwline[k - keywords] = st->line;
		if (k->type == K_DAEMONS)
			c->noutbound_daemon = 0;
		else
			c->noutbound_net = 0;
	}
	if (st->nargs == 2 && strcmp(st->arg[1], "none") == 0)
		return (0);
	for (i = 1; i < (size_t)st->nargs; i++) {
		v = st->arg[i];
		if (k->type == K_DAEMONS) {
			if (*v == '\0' || strlen(v) >= CONF_DAEMON_MAX ||
			    strcmp(v, "none") == 0 || conf_check_token(v) < 0)
				return (conf_perr(lx, st->line, "%s: \"%s\": "
				    "expected %s", k->name, v, k->help));
			if (c->noutbound_daemon >= CONF_MAX_DAEMONS)
				return (conf_perr(lx, st->line, "%s: more than %d "
				    "names", k->name, CONF_MAX_DAEMONS));
			(void)strlcpy(c->outbound_daemon[c->noutbound_daemon++],
			    v, CONF_DAEMON_MAX);
			continue;
		}
		if (c->noutbound_net >= CONF_MAX_NETS)
			return (conf_perr(lx, st->line, "%s: more than %d "
			    "networks", k->name, CONF_MAX_NETS));
		if (scope_parse_net(v, &c->outbound_net[c->noutbound_net]) < 0)
			return (conf_perr(lx, st->line, "%s: \"%s\": expected %s",
			    k->name, v, k->help));
		c->noutbound_net++;
	}
	return (0);
}

/* apply_keyword - one top-level statement */
static int
apply_keyword(struct lexer *lx, struct conf *c, const struct stmt *st,
    const char *basedir, unsigned char *seen)
{
	const struct keyword *k = NULL;
	const char *v, *why = NULL;
	char *field;
	size_t i;

	for (i = 0; i < NKEYWORDS; i++)
		if (strcmp(keywords[i].name, st->arg[0]) == 0) {
			k = &keywords[i];
			break;
		}
	if (k == NULL)
		return (conf_perr(lx, st->line, "unknown keyword \"%s\"", st->arg[0]));
	if (st->nargs < 2)
		return (conf_perr(lx, st->line, "%s needs a value", k->name));
	if (k->type == K_PROXY) {
		for (i = 1; i < (size_t)st->nargs; i++) {
			if (!conf_is_ip(st->arg[i]))
				return (conf_perr(lx, st->line,
				    "trusted-proxy: \"%s\" is not an IP address",
				    st->arg[i]));
			if (c->ntrusted_proxy >= CONF_MAX_PROXIES)
				return (conf_perr(lx, st->line,
				    "trusted-proxy: more than %d addresses",
				    CONF_MAX_PROXIES));
			(void)strlcpy(c->trusted_proxy[c->ntrusted_proxy++],
			    st->arg[i], sizeof(c->trusted_proxy[0]));
		}
		return (0);
	}
	if (k->type == K_AUTHSERV) {
		for (i = 1; i < (size_t)st->nargs; i++) {
			if (!conf_is_authserv_id(st->arg[i]))
				return (conf_perr(lx, st->line, "authserv-id: "
				    "expected %s, not \"%s\"", k->help,
				    st->arg[i]));
			if (c->nauthserv_id >= CONF_MAX_AUTHSERV)
				return (conf_perr(lx, st->line,
				    "authserv-id: more than %d", CONF_MAX_AUTHSERV));
			if (strlcpy(c->authserv_id[c->nauthserv_id++],
			    st->arg[i], sizeof(c->authserv_id[0])) >=
			    sizeof(c->authserv_id[0]))
				return (conf_perr(lx, st->line,
				    "authserv-id: too long"));
		}
		c->kwline[k - keywords] = st->line;
		return (0);
	}
	if (k->type == K_FBL) {
		for (i = 1; i < (size_t)st->nargs; i++) {
			if (!conf_is_authserv_id(st->arg[i]) ||
			    strchr(st->arg[i], '.') == NULL)
				return (conf_perr(lx, st->line, "feedback-loop: "
				    "expected %s, not \"%s\"", k->help,
				    st->arg[i]));
			if (c->nfeedback_loop >= CONF_MAX_FBL)
				return (conf_perr(lx, st->line,
				    "feedback-loop: more than %d", CONF_MAX_FBL));
			if (strlcpy(c->feedback_loop[c->nfeedback_loop++],
			    st->arg[i], sizeof(c->feedback_loop[0])) >=
			    sizeof(c->feedback_loop[0]))
				return (conf_perr(lx, st->line,
				    "feedback-loop: too long"));
		}
		c->kwline[k - keywords] = st->line;
		return (0);
	}
	if (k->type == K_CODES) {
		char *codes = (char *)c + k->off;

		if (seen[k - keywords])
			return (conf_perr(lx, st->line, "duplicate keyword %s",
			    k->name));
		seen[k - keywords] = 1;
		codes[0] = '\0';
		for (i = 1; i < (size_t)st->nargs; i++) {
			if (conf_check_codes(st->arg[i]) < 0)
				return (conf_perr(lx, st->line, "%s: expected %s",
				    k->name, k->help));
			if ((i > 1 && strlcat(codes, " ", k->size) >= k->size) ||
			    strlcat(codes, st->arg[i], k->size) >= k->size)
				return (conf_perr(lx, st->line,
				    "%s: value too long", k->name));
		}
		return (0);
	}
	if (k->type == K_DAEMONS || k->type == K_NETS)
		return (apply_scope_list(lx, c, k, st, seen));
	if (st->nargs > 2)
		return (conf_perr(lx, st->line, "%s takes one value", k->name));
	if (seen[k - keywords])
		return (conf_perr(lx, st->line, "duplicate keyword %s", k->name));
	seen[k - keywords] = 1;
	c->kwline[k - keywords] = st->line;
	v = st->arg[1];
	field = (char *)c + k->off;

	switch (k->type) {
	case K_PATH:
		if (*v == '\0' || conf_join_path(basedir, v, field, k->size) < 0)
			return (conf_perr(lx, st->line, "%s: bad or too long path",
			    k->name));
		return (0);
	case K_SOCKET:
		if (conf_check_socket(v, basedir, field, k->size, &why) < 0) {
			char hint[160];

			if (conf_socket_hint(v, hint, sizeof(hint)))
				return (conf_perr(lx, st->line, "socket: %s", hint));
			return (conf_perr(lx, st->line, "socket: %s", why));
		}
		return (0);
	case K_MODE: {
		unsigned m = 0;
		const char *p;

		if (*v == '\0' || strlen(v) > 4)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		for (p = v; *p != '\0'; p++) {
			if (*p < '0' || *p > '7')
				return (conf_perr(lx, st->line, "%s: expected %s",
				    k->name, k->help));
			m = m * 8 + (unsigned)(*p - '0');
		}
		if (m > 0777)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		*(unsigned *)(void *)field = m;
		return (0);
	}
	case K_SIZE:
		if (conf_parse_size(v, (uint64_t *)(void *)field) < 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		return (0);
	case K_ENUM:
		for (i = 0; k->enums[i] != NULL; i++)
			if (strcmp(k->enums[i], v) == 0) {
				*(int *)(void *)field = (int)i + 1;
				return (0);
			}
		{
			char names[128];

			enum_list(k->enums, names, sizeof(names));
			return (conf_perr(lx, st->line, "%s: \"%s\" is not one of %s",
			    k->name, v, names));
		}
	case K_MAILTO: {
		char aerr[128];

		if (addr_normalize(v, strlen(v), 0, field, k->size, aerr,
		    sizeof(aerr)) < 0)
			return (conf_perr(lx, st->line, "%s: %s", k->name, aerr));
		if (field[0] == '"')
			return (conf_perr(lx, st->line,
			    "%s: a quoted local part cannot go in a mailto URI",
			    k->name));
		return (0);
	}
	case K_URL:
		if (conf_check_url(v) < 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		break;
	case K_DELIM: {
		const char *p;

		if (strlen(v) > 8)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		for (p = v; *p != '\0'; p++)
			if (strchr("!#$%&'*+-/=?^_`{|}~", *p) == NULL)
				return (conf_perr(lx, st->line, "%s: expected %s",
				    k->name, k->help));
		break;
	}
	case K_HEADER:
		if (conf_check_header_name(v) < 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		break;
	case K_TEXT: {
		const unsigned char *p;

		if (*v == '\0')
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		for (p = (const unsigned char *)v; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				return (conf_perr(lx, st->line, "%s: expected %s",
				    k->name, k->help));
		break;
	}
	case K_LISTEN:
		if (conf_check_listen(v) < 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		break;
	case K_USER:
		if (*v == '\0' ||
		    strlen(v) >= k->size || strspn(v,
		    "abcdefghijklmnopqrstuvwxyz0123456789_-.") != strlen(v) ||
		    *v == '-')
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		break;
	case K_DURATION: {
		int64_t secs;
		int64_t min = strcmp(k->name, "confirm-ttl") == 0 ? 3600 : 0;

		if (conf_parse_duration(v, &secs) < 0 || secs < min ||
		    secs > 90 * 86400)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		*(int64_t *)(void *)field = secs;
		return (0);
	}
	case K_COUNT: {
		long long n;
		long long max = strcmp(k->name, "subscribe-rate") == 0 ?
		    1000000 : 1000000000;

		if (conf_parse_uint(v, 1, max, &n) < 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		*(long long *)(void *)field = n;
		return (0);
	}
	case K_BOOL:
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		*(int *)(void *)field = strcmp(v, "yes") == 0;
		return (0);
	case K_SCORE:
		if (conf_parse_score(v, (int64_t *)(void *)field) < 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		return (0);
	case K_DAYS: {
		long long d;
		char num[16];
		size_t n = strlen(v);

		if (n > 0 && v[n - 1] == 'd')
			n--;
		if (n == 0 || n >= sizeof(num))
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		memcpy(num, v, n);
		num[n] = '\0';
		if (conf_parse_uint(num, 1, 365, &d) < 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		*(int *)(void *)field = (int)d;
		return (0);
	}
	case K_CODES:
	case K_PROXY:
	case K_AUTHSERV:
	case K_FBL:
	case K_DAEMONS:
	case K_NETS:
		break;
	}
	if (strlcpy(field, v, k->size) >= k->size)
		return (conf_perr(lx, st->line, "%s: value too long", k->name));
	return (0);
}


int
conf_line(const struct conf *c, const char *keyword)
{
	size_t i;

	for (i = 0; i < NKEYWORDS; i++)
		if (strcmp(keywords[i].name, keyword) == 0)
			return (c->kwline[i]);
	return (0);
}

/* conf_defaults - the values of a file that sets nothing */
static void
conf_defaults(struct conf *c)
{
	(void)strlcpy(c->socket, "unix:/run/optin-milter/optin-milter.sock",
	    sizeof(c->socket));
	c->socket_mode = 0660;
	(void)strlcpy(c->database, "/var/lib/optin-milter", sizeof(c->database));
	c->map_size = 1ULL << 30;
	(void)strlcpy(c->secret_file, SYSCONFDIR "/optin-milter/secret.key",
	    sizeof(c->secret_file));
	c->mode = MODE_ENFORCE;
	c->on_error = ONERR_TEMPFAIL;
	c->unclassified = UNCL_PASS;
	c->denied = DENIED_STRIP;
	c->sender_lists = SENDERS_ANY;
	(void)strlcpy(c->list_header, "X-Optin-List", sizeof(c->list_header));
	(void)strlcpy(c->listen, "127.0.0.1:8025", sizeof(c->listen));
	(void)strlcpy(c->bounce_hard, REPORT_HARD_DEFAULT,
	    sizeof(c->bounce_hard));
	c->bounce_threshold = 500;
	c->bounce_soft_score = 50;
	c->bounce_permanent_score = 100;
	c->bounce_stale_after = 7;
	(void)strlcpy(c->sendmail_path, "/usr/sbin/sendmail",
	    sizeof(c->sendmail_path));
	c->confirm_ttl = 7 * 86400;
	c->confirm_interval = 3600;
	c->subscribe_rate = 20;
	c->pending_max = 100000;
	c->preference_optin = PREF_OPTIN_CONFIRM;
	(void)strlcpy(c->outbound_daemon[0], "ORIGINATING",
	    sizeof(c->outbound_daemon[0]));
	c->noutbound_daemon = 1;
	c->outbound_auth = 1;
	c->outbound_local = 1;
	(void)scope_parse_net("127.0.0.0/8", &c->outbound_net[0]);
	(void)scope_parse_net("::1", &c->outbound_net[1]);
	c->noutbound_net = 2;
	c->split = 0;
	c->hide_stripped = 1;
}

/*
 * confirm_held_by - L, a list that needs consent, takes mail from
 * confirm-from by its sender match (as msg_class.c's sender_fits does:
 * the address, untagged, or its @domain): optin-milter would hold every
 * confirmation optin-unsubd sends back as list mail to a person who has
 * not consented yet
 */
static int
confirm_held_by(const struct conf *c, const struct conf_list *l)
{
	char untagged[ADDR_BUFSIZE];
	const char *from = c->confirm_from;
	size_t i;

	if (from[0] == '\0' || l->consent == CONSENT_NONE)
		return (0);
	if (addr_untag(from, c->recipient_delimiter, untagged,
	    sizeof(untagged)) != 1)
		(void)strlcpy(untagged, from, sizeof(untagged));
	for (i = 0; i < l->nmatches; i++) {
		const struct conf_match *m = &l->matches[i];

		if (m->type != MATCH_SENDER)
			continue;
		if (m->value[0] == '@' ?
		    strcasecmp(addr_domain(from), m->value + 1) == 0 :
		    strcasecmp(from, m->value) == 0 ||
		    strcasecmp(untagged, m->value) == 0)
			return (1);
	}
	return (0);
}

int
conf_parse(const char *buf, size_t len, const char *name, const char *basedir,
    struct conf **out, char *err, size_t errlen)
{
	struct lexer lx;
	struct conf *c;
	struct conf_list *nl;
	struct stmt *st;
	unsigned char seen[NKEYWORDS] = { 0 };
	size_t i;

	*out = NULL;
	lx.p = buf;
	lx.end = buf + len;
	lx.line = 1;
	lx.errline = 0;
	lx.name = name;
	lx.err = err;
	lx.errlen = errlen;
	if (memchr(buf, '\0', len) != NULL) {
		const char *z = memchr(buf, '\0', len);
		int line = 1;

		for (; buf < z; buf++)
			line += *buf == '\n';
		return (conf_perr(&lx, line, "NUL byte"));
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (st = malloc(sizeof(*st))) == NULL) {
		free(c);
		(void)snprintf(err, errlen, "%s: out of memory", name);
		return (-1);
	}
	conf_defaults(c);
	(void)strlcpy(c->path, name, sizeof(c->path));

	for (;;) {
		if (conf_read_stmt(&lx, st) < 0)
			goto fail;
		if (st->nargs == 0) {
			if (st->term == TOK_EOF)
				break;
			conf_perr(&lx, st->line, "unexpected '%c'",
			    st->term == TOK_LBRACE ? '{' : '}');
			goto fail;
		}
		if (strcmp(st->arg[0], "list") == 0) {
			if (st->term != TOK_LBRACE) {
				conf_perr(&lx, st->line, "list %s: expected '{'",
				    st->nargs > 1 ? st->arg[1] : "");
				goto fail;
			}
			if (conf_parse_list(&lx, c, st) < 0)
				goto fail;
			continue;
		}
		if (st->term == TOK_LBRACE || st->term == TOK_RBRACE) {
			conf_perr(&lx, st->line, "unexpected '%c' after %s",
			    st->term == TOK_LBRACE ? '{' : '}', st->arg[0]);
			goto fail;
		}
		if (apply_keyword(&lx, c, st, basedir, seen) < 0)
			goto fail;
		if (st->term == TOK_EOF)
			break;
	}
	if (conf_check_list_names(&lx, c, INT_MAX) < 0)
		goto fail;
	/* no room kept for lists that did not come (up to half the array) */
	if (c->nlists > 0 && (nl = reallocarray(c->lists, c->nlists,
	    sizeof(*nl))) != NULL)
		c->lists = nl;

	for (i = 0; i < c->nlists; i++) {
		const struct conf_list *l = &c->lists[i];

		if (l->unsubscribe && c->unsubscribe_url[0] == '\0' &&
		    c->unsubscribe_mailto[0] == '\0') {
			conf_perr(&lx, l->line, "list %s has unsubscribe yes, but "
			    "neither unsubscribe-url nor unsubscribe-mailto is "
			    "set", l->name);
			goto fail;
		}
		if (l->subscribe && (c->confirm_from[0] == '\0' ||
		    c->confirm_url[0] == '\0')) {
			conf_perr(&lx, l->line, "list %s has subscribe yes, but "
			    "confirm-from or confirm-url is not set", l->name);
			goto fail;
		}
		if (confirm_held_by(c, l)) {
			conf_perr(&lx, l->line, "list %s matches the sender %s "
			    "of confirm-from: optin-milter would hold every "
			    "confirmation as list mail to a person without "
			    "consent; send them from another address",
			    l->name, c->confirm_from);
			goto fail;
		}
	}
	free(st);
	*out = c;
	return (0);
fail:
	/*
	 * the duplicate is looked for once every list is read: one defined
	 * twice on or before the line of this error is the first error
	 */
	if (lx.errline > 0)
		(void)conf_check_list_names(&lx, c, lx.errline);
	free(st);
	conf_free(c);
	return (-1);
}

int
conf_load(const char *file, struct conf **out, char *err, size_t errlen)
{
	char dir[PATH_MAX], cwd[PATH_MAX], *buf, *slash;
	struct stat sb;
	FILE *fp;
	size_t n;
	int fd, rc;

	*out = NULL;
	/* O_NONBLOCK: a FIFO at the path must not hang a reload */
	if ((fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    (fp = fdopen(fd, "r")) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", file, strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return (-1);
	}
	if (fstat(fileno(fp), &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > CONF_FILE_MAX) {
		(void)snprintf(err, errlen, "%s: not a regular file of at most "
		    "%d octets", file, CONF_FILE_MAX);
		(void)fclose(fp);
		return (-1);
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		(void)snprintf(err, errlen, "%s: out of memory", file);
		(void)fclose(fp);
		return (-1);
	}
	n = fread(buf, 1, (size_t)sb.st_size, fp);
	if (ferror(fp)) {
		(void)snprintf(err, errlen, "%s: read error", file);
		(void)fclose(fp);
		free(buf);
		return (-1);
	}
	(void)fclose(fp);

	/* relative paths in the file are relative to its directory */
	if (strlcpy(dir, file, sizeof(dir)) >= sizeof(dir)) {
		(void)snprintf(err, errlen, "%s: path too long", file);
		free(buf);
		return (-1);
	}
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		(void)strlcpy(dir, cwd, sizeof(dir));
	if (dir[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL) {
		char abs[PATH_MAX];

		if ((size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, dir) <
		    sizeof(abs))
			(void)strlcpy(dir, abs, sizeof(dir));
	}
	rc = conf_parse(buf, n, file, dir, out, err, errlen);
	free(buf);
	return (rc);
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nlists; i++)
		free(c->lists[i].matches);
	free(c->lists);
	free(c);
}

const struct conf_list *
conf_find_list(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nlists; i++)
		if (strcmp(c->lists[i].name, name) == 0)
			return (&c->lists[i]);
	return (NULL);
}

const char *
conf_default_path(void)
{
	return (SYSCONFDIR "/optin-milter/optin-milter.conf");
}
