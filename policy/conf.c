/*
 * conf.c - configuration parser
 *
 * SYNOPSIS
 *	#include "conf.h"
 *
 * DESCRIPTION
 *	A small lexer (words, "strings", braces, newlines) feeds a parser
 *	that reads one statement per line. Top-level keywords are driven
 *	by one table of {name, type, field, bounds}; list blocks by the
 *	code below it. Every refusal names FILE:LINE and the problem.
 *
 * DIAGNOSTICS
 *	Unknown keywords, missing or extra values, values out of range,
 *	duplicate keywords and duplicate lists are errors.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "conf.h"
#include "conf_lex.h"
#include "model.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define CONF_FILE_MAX	(1024 * 1024)

/* ---------------------------------------------------------------- values */

/* parse_uint - strtonum-style decimal parse with bounds */
static int
parse_uint(const char *s, long long min, long long max, long long *out)
{
	const char *errstr = NULL;

	*out = strtonum(s, min, max, &errstr);
	return (errstr != NULL ? -1 : 0);
}

/* parse_size - "1G", "512M", "65536" */
static int
parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t len = strlen(s);
	uint64_t mult = 1;
	long long v;

	if (len == 0 || len >= sizeof(num))
		return (-1);
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k': case 'K': mult = 1ULL << 10; break;
	case 'm': case 'M': mult = 1ULL << 20; break;
	case 'g': case 'G': mult = 1ULL << 30; break;
	case 't': case 'T': mult = 1ULL << 40; break;
	default: break;
	}
	if (mult != 1)
		num[--len] = '\0';
	if (parse_uint(num, 1, (long long)((1ULL << 40) / mult), &v) < 0)
		return (-1);
	*out = (uint64_t)v * mult;
	if (*out < 64 * 1024 || *out > (1ULL << 40))
		return (-1);
	return (0);
}

static int
is_ip(const char *s)
{
	unsigned char buf[16];

	return (inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1);
}

/* check_port - "1".."65535" */
static int
check_port(const char *s)
{
	long long v;

	return (parse_uint(s, 1, 65535, &v));
}

/* join_path - BASEDIR/PATH for a relative PATH */
static int
join_path(const char *basedir, const char *path, char *out, size_t outlen)
{
	int n;

	if (path[0] == '/' || basedir == NULL)
		n = snprintf(out, outlen, "%s", path);
	else
		n = snprintf(out, outlen, "%s/%s", basedir, path);
	return (n < 0 || (size_t)n >= outlen ? -1 : 0);
}

/* check_socket - unix:PATH, local:PATH, inet:PORT[@HOST], inet6:PORT[@HOST] */
static int
check_socket(const char *v, const char *basedir, char *out, size_t outlen,
    const char **why)
{
	const char *rest;
	char port[16];
	const char *at;

	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0) {
		char path[PATH_MAX];

		rest = strchr(v, ':') + 1;
		if (*rest == '\0') {
			*why = "unix socket needs a path";
			return (-1);
		}
		if (join_path(basedir, rest, path, sizeof(path)) < 0 ||
		    strlen(path) >= 108) {
			*why = "unix socket path too long (107 octets at most)";
			return (-1);
		}
		if ((size_t)snprintf(out, outlen, "unix:%s", path) >= outlen) {
			*why = "socket too long";
			return (-1);
		}
		return (0);
	}
	if (strncmp(v, "inet:", 5) == 0)
		rest = v + 5;
	else if (strncmp(v, "inet6:", 6) == 0)
		rest = v + 6;
	else {
		*why = "socket must be unix:PATH, inet:PORT@HOST or inet6:PORT@HOST";
		return (-1);
	}
	at = strchr(rest, '@');
	if ((at ? (size_t)(at - rest) : strlen(rest)) >= sizeof(port)) {
		*why = "bad port";
		return (-1);
	}
	(void)snprintf(port, sizeof(port), "%.*s",
	    (int)(at ? (size_t)(at - rest) : strlen(rest)), rest);
	if (check_port(port) < 0) {
		*why = "bad port (1 to 65535)";
		return (-1);
	}
	if (at != NULL && at[1] == '\0') {
		*why = "empty host after '@'";
		return (-1);
	}
	if ((size_t)snprintf(out, outlen, "%s", v) >= outlen) {
		*why = "socket too long";
		return (-1);
	}
	return (0);
}

/* check_listen - IP:PORT or [IPV6]:PORT */
static int
check_listen(const char *v)
{
	char host[64];
	const char *colon;

	if (v[0] == '[') {
		const char *rb = strchr(v, ']');

		if (rb == NULL || rb[1] != ':' || (size_t)(rb - v - 1) >=
		    sizeof(host))
			return (-1);
		(void)snprintf(host, sizeof(host), "%.*s", (int)(rb - v - 1),
		    v + 1);
		colon = rb + 1;
	} else {
		colon = strrchr(v, ':');
		if (colon == NULL || (size_t)(colon - v) >= sizeof(host))
			return (-1);
		(void)snprintf(host, sizeof(host), "%.*s", (int)(colon - v), v);
	}
	if (!is_ip(host))
		return (-1);
	return (check_port(colon + 1));
}

/* check_url - http(s) URL with nothing that breaks a header or <...> */
static int
check_url(const char *v)
{
	const unsigned char *p;

	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0)
		return (-1);
	if (strlen(v) > 400)
		return (-1);
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>\"'\\,", *p) != NULL)
			return (-1);
	return (0);
}

/* check_header_name - RFC 5322 field name */
static int
check_header_name(const char *v)
{
	const unsigned char *p;

	if (*v == '\0' || strlen(v) > 76)
		return (-1);
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 33 || *p > 126 || *p == ':')
			return (-1);
	return (0);
}

int
conf_valid_list_name(const char *v)
{
	const char *p;

	if (*v == '\0' || strlen(v) > CONF_NAME_MAX)
		return (0);
	for (p = v; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9'))
			continue;
		if (p != v && (*p == '.' || *p == '_' || *p == '-'))
			continue;
		return (0);
	}
	return (1);
}

/* check_list_id - RFC 2919: dot-atom-text with at least one dot */
static int
check_list_id(const char *v)
{
	const char *p;

	if (*v == '\0' || strlen(v) > 200 || strchr(v, '.') == NULL ||
	    *v == '.' || v[strlen(v) - 1] == '.' || strstr(v, "..") != NULL)
		return (-1);
	for (p = v; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-_+", *p) != NULL))
			return (-1);
	return (0);
}

/* ---------------------------------------------------------- the table */

enum ktype { K_PATH, K_SOCKET, K_MODE, K_SIZE, K_ENUM, K_MAILTO, K_URL,
	K_DELIM, K_HEADER, K_LISTEN, K_PROXY, K_USER };

static const char *const mode_names[] = { "enforce", "monitor", NULL };
static const char *const onerr_names[] = { "tempfail", "accept", NULL };
static const char *const uncl_names[] = { "pass", "reject", "tempfail", NULL };
static const char *const denied_names[] = { "strip", "reject", NULL };

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
	{ "list-header", K_HEADER, F(list_header), NULL,
	    "a header field name" },
	{ "recipient-delimiter", K_DELIM, F(recipient_delimiter), NULL,
	    "one to eight characters such as + or -" },
	{ "unsubscribe-url", K_URL, F(unsubscribe_url), NULL,
	    "an http:// or https:// URL without spaces, quotes, <, > or commas" },
	{ "preferences-url", K_URL, F(preferences_url), NULL,
	    "an http:// or https:// URL without spaces, quotes, <, > or commas" },
	{ "unsubscribe-mailto", K_MAILTO, F(unsubscribe_mailto), NULL, NULL },
	{ "listen", K_LISTEN, F(listen), NULL,
	    "an IP address and port, such as 127.0.0.1:8025 or [::1]:8025" },
	{ "trusted-proxy", K_PROXY, 0, 0, NULL, "IP addresses" },
};
#undef F
#define NKEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

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
			if (!is_ip(st->arg[i]))
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
	if (st->nargs > 2)
		return (conf_perr(lx, st->line, "%s takes one value", k->name));
	if (seen[k - keywords])
		return (conf_perr(lx, st->line, "duplicate keyword %s", k->name));
	seen[k - keywords] = 1;
	v = st->arg[1];
	field = (char *)c + k->off;

	switch (k->type) {
	case K_PATH:
		if (*v == '\0' || join_path(basedir, v, field, k->size) < 0)
			return (conf_perr(lx, st->line, "%s: bad or too long path",
			    k->name));
		return (0);
	case K_SOCKET:
		if (check_socket(v, basedir, field, k->size, &why) < 0)
			return (conf_perr(lx, st->line, "socket: %s", why));
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
		if (parse_size(v, (uint64_t *)(void *)field) < 0)
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
		if (check_url(v) < 0)
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
		if (check_header_name(v) < 0)
			return (conf_perr(lx, st->line, "%s: expected %s", k->name,
			    k->help));
		break;
	case K_LISTEN:
		if (check_listen(v) < 0)
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
	case K_PROXY:
		break;
	}
	if (strlcpy(field, v, k->size) >= k->size)
		return (conf_perr(lx, st->line, "%s: value too long", k->name));
	return (0);
}

/* ---------------------------------------------------------- lists */

enum { L_DESC, L_CONSENT, L_LISTID, L_UNSUB, L_HONOR, L_NSEEN };

/* apply_list_stmt - one statement inside list NAME { } */
static int
apply_list_stmt(struct lexer *lx, struct conf_list *l, const struct stmt *st,
    unsigned char *seen)
{
	const char *kw = st->arg[0];
	int i, idx;

	if (strcmp(kw, "match") == 0) {
		struct conf_match m, *nm;
		char aerr[128];

		memset(&m, 0, sizeof(m));
		if (st->nargs < 2)
			return (conf_perr(lx, st->line,
			    "match needs header, sender or auth"));
		if (strcmp(st->arg[1], "header") == 0) {
			if (st->nargs != 4)
				return (conf_perr(lx, st->line,
				    "match header takes a name and a value"));
			if (check_header_name(st->arg[2]) < 0)
				return (conf_perr(lx, st->line,
				    "match header: bad header name \"%s\"",
				    st->arg[2]));
			m.type = MATCH_HEADER;
			(void)strlcpy(m.name, st->arg[2], sizeof(m.name));
			if (strlcpy(m.value, st->arg[3], sizeof(m.value)) >=
			    sizeof(m.value))
				return (conf_perr(lx, st->line,
				    "match header: value too long"));
		} else if (strcmp(st->arg[1], "sender") == 0) {
			if (st->nargs != 3)
				return (conf_perr(lx, st->line,
				    "match sender takes one address or @domain"));
			m.type = MATCH_SENDER;
			if (addr_normalize(st->arg[2], strlen(st->arg[2]),
			    ADDR_ALLOW_DOMAIN, m.value, sizeof(m.value), aerr,
			    sizeof(aerr)) < 0)
				return (conf_perr(lx, st->line, "match sender: %s",
				    aerr));
		} else if (strcmp(st->arg[1], "auth") == 0) {
			if (st->nargs != 3)
				return (conf_perr(lx, st->line,
				    "match auth takes one login name"));
			m.type = MATCH_AUTH;
			if (strlcpy(m.value, st->arg[2], sizeof(m.value)) >=
			    sizeof(m.value) || st->arg[2][0] == '\0')
				return (conf_perr(lx, st->line,
				    "match auth: bad login name"));
		} else
			return (conf_perr(lx, st->line,
			    "match: \"%s\" is not header, sender or auth",
			    st->arg[1]));
		nm = reallocarray(l->matches, l->nmatches + 1, sizeof(*nm));
		if (nm == NULL)
			return (conf_perr(lx, st->line, "out of memory"));
		l->matches = nm;
		l->matches[l->nmatches++] = m;
		return (0);
	}

	if (strcmp(kw, "description") == 0)
		idx = L_DESC;
	else if (strcmp(kw, "consent") == 0)
		idx = L_CONSENT;
	else if (strcmp(kw, "list-id") == 0)
		idx = L_LISTID;
	else if (strcmp(kw, "unsubscribe") == 0)
		idx = L_UNSUB;
	else if (strcmp(kw, "honor") == 0 || strcmp(kw, "honour") == 0)
		idx = L_HONOR;
	else
		return (conf_perr(lx, st->line, "unknown keyword \"%s\" in list %s",
		    kw, l->name));
	if (seen[idx])
		return (conf_perr(lx, st->line, "duplicate keyword %s in list %s",
		    kw, l->name));
	seen[idx] = 1;
	if (st->nargs < 2)
		return (conf_perr(lx, st->line, "%s needs a value", kw));
	if (idx != L_HONOR && st->nargs > 2)
		return (conf_perr(lx, st->line, "%s takes one value", kw));

	switch (idx) {
	case L_DESC:
		if (strlcpy(l->description, st->arg[1], sizeof(l->description))
		    >= sizeof(l->description))
			return (conf_perr(lx, st->line, "description too long "
			    "(%zu octets at most)", sizeof(l->description) - 1));
		break;
	case L_CONSENT:
		if ((l->consent = consent_kind_parse(st->arg[1])) == 0)
			return (conf_perr(lx, st->line, "consent: \"%s\" is not one "
			    "of express | relationship | none", st->arg[1]));
		break;
	case L_LISTID:
		if (check_list_id(st->arg[1]) < 0)
			return (conf_perr(lx, st->line, "list-id: \"%s\" is not a "
			    "list identifier such as news.lists.example.com",
			    st->arg[1]));
		(void)strlcpy(l->list_id, st->arg[1], sizeof(l->list_id));
		break;
	case L_UNSUB:
		if (strcmp(st->arg[1], "yes") == 0)
			l->unsubscribe = 1;
		else if (strcmp(st->arg[1], "no") == 0)
			l->unsubscribe = 0;
		else
			return (conf_perr(lx, st->line,
			    "unsubscribe: expected yes or no"));
		break;
	case L_HONOR:
		l->honor = 0;
		if (st->nargs == 2 && strcmp(st->arg[1], "none") == 0)
			break;
		for (i = 1; i < st->nargs; i++) {
			int r = supp_parse(st->arg[i]);

			if (r == 0)
				return (conf_perr(lx, st->line, "honor: \"%s\" is not "
				    "a suppression reason (unsubscribe-all, "
				    "bounce, complaint, manual, legal)",
				    st->arg[i]));
			l->honor |= SUPP_BIT(r);
		}
		break;
	}
	return (0);
}

/* parse_list - "list NAME {" has been read; read up to "}" */
static int
parse_list(struct lexer *lx, struct conf *c, const struct stmt *head)
{
	struct conf_list *l, *nl;
	struct stmt *st;
	unsigned char seen[L_NSEEN] = { 0 };
	size_t i;
	int rc = -1;

	if (head->nargs != 2)
		return (conf_perr(lx, head->line, "list takes one name"));
	if (!conf_valid_list_name(head->arg[1]))
		return (conf_perr(lx, head->line, "bad list name \"%s\" (letters, "
		    "digits, '.', '_', '-'; %d octets at most)", head->arg[1],
		    CONF_NAME_MAX));
	for (i = 0; i < c->nlists; i++)
		if (strcmp(c->lists[i].name, head->arg[1]) == 0)
			return (conf_perr(lx, head->line, "duplicate list %s (first "
			    "defined at line %d)", head->arg[1],
			    c->lists[i].line));
	nl = reallocarray(c->lists, c->nlists + 1, sizeof(*nl));
	if (nl == NULL)
		return (conf_perr(lx, head->line, "out of memory"));
	c->lists = nl;
	l = &c->lists[c->nlists++];
	memset(l, 0, sizeof(*l));
	(void)strlcpy(l->name, head->arg[1], sizeof(l->name));
	l->line = head->line;
	l->consent = CONSENT_EXPRESS;
	l->unsubscribe = -1;
	l->honor = SUPP_BIT(SUPP_BOUNCE) | SUPP_BIT(SUPP_COMPLAINT) |
	    SUPP_BIT(SUPP_LEGAL);

	if ((st = malloc(sizeof(*st))) == NULL)
		return (conf_perr(lx, head->line, "out of memory"));
	for (;;) {
		if (conf_read_stmt(lx, st) < 0)
			goto out;
		if (st->term == TOK_LBRACE) {
			conf_perr(lx, st->line, "nested block in list %s", l->name);
			goto out;
		}
		if (st->nargs > 0 && apply_list_stmt(lx, l, st, seen) < 0)
			goto out;
		if (st->term == TOK_RBRACE)
			break;
		if (st->term == TOK_EOF) {
			conf_perr(lx, l->line, "list %s: missing '}'", l->name);
			goto out;
		}
	}
	/* nothing may follow "}" on its line */
	{
		enum tok_type t;
		char text[TOK_MAX];

		if (conf_lex(lx, &t, text) < 0)
			goto out;
		if (t == TOK_NL)
			lx->line++;
		else if (t != TOK_EOF) {
			conf_perr(lx, lx->line, "unexpected text after '}'");
			goto out;
		}
	}
	if (seen[L_HONOR] && l->consent != CONSENT_NONE) {
		conf_perr(lx, l->line, "list %s: honor applies only to consent none",
		    l->name);
		goto out;
	}
	if (l->unsubscribe < 0)
		l->unsubscribe = l->consent == CONSENT_NONE ? 0 : 1;
	if (l->description[0] == '\0')
		(void)strlcpy(l->description, l->name, sizeof(l->description));
	rc = 0;
out:
	free(st);
	return (rc);
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
	(void)strlcpy(c->list_header, "X-Optin-List", sizeof(c->list_header));
	(void)strlcpy(c->listen, "127.0.0.1:8025", sizeof(c->listen));
}

int
conf_parse(const char *buf, size_t len, const char *name, const char *basedir,
    struct conf **out, char *err, size_t errlen)
{
	struct lexer lx;
	struct conf *c;
	struct stmt *st;
	unsigned char seen[NKEYWORDS] = { 0 };
	size_t i;

	*out = NULL;
	lx.p = buf;
	lx.end = buf + len;
	lx.line = 1;
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
			if (parse_list(&lx, c, st) < 0)
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

	for (i = 0; i < c->nlists; i++) {
		const struct conf_list *l = &c->lists[i];

		if (l->unsubscribe && c->unsubscribe_url[0] == '\0' &&
		    c->unsubscribe_mailto[0] == '\0') {
			conf_perr(&lx, l->line, "list %s has unsubscribe yes, but "
			    "neither unsubscribe-url nor unsubscribe-mailto is "
			    "set", l->name);
			goto fail;
		}
	}
	free(st);
	*out = c;
	return (0);
fail:
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
	int rc;

	*out = NULL;
	if ((fp = fopen(file, "r")) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", file, strerror(errno));
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
