/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf_value.c - checks of single configuration values
 *
 * SYNOPSIS
 *	#include "conf_check.h"
 *
 * DESCRIPTION
 *	Numbers, sizes, sockets, listen addresses, URLs, header names,
 *	list names and list identifiers, each checked on its own; the
 *	parser (conf.c, conf_list.c) turns a refusal into FILE:LINE: why.
 */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_check.h"

/* conf_parse_uint - strtonum-style decimal parse with bounds */
int
conf_parse_uint(const char *s, long long min, long long max, long long *out)
{
	const char *errstr = NULL;

	*out = strtonum(s, min, max, &errstr);
	return (errstr != NULL ? -1 : 0);
}

/* conf_parse_duration - a number with an optional unit s, m, h or d */
int
conf_parse_duration(const char *s, int64_t *out)
{
	char num[16];
	size_t n = strlen(s);
	int64_t mult = 1;
	long long v;

	if (n == 0 || n >= sizeof(num))
		return (-1);
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 's': mult = 1; num[--n] = '\0'; break;
	case 'm': mult = 60; num[--n] = '\0'; break;
	case 'h': mult = 3600; num[--n] = '\0'; break;
	case 'd': mult = 86400; num[--n] = '\0'; break;
	default: break;
	}
	if (n == 0 || conf_parse_uint(num, 0, 100LL * 365 * 86400 / mult,
	    &v) < 0)
		return (-1);
	*out = (int64_t)v * mult;
	return (0);
}

/* conf_parse_size - "1G", "512M", "65536" */
int
conf_parse_size(const char *s, uint64_t *out)
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
	if (conf_parse_uint(num, 1, (long long)((1ULL << 40) / mult), &v) < 0)
		return (-1);
	*out = (uint64_t)v * mult;
	if (*out < 64 * 1024 || *out > (1ULL << 40))
		return (-1);
	return (0);
}

int
conf_is_ip(const char *s)
{
	unsigned char buf[16];

	return (inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1);
}

int
conf_is_authserv_id(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= CONF_TEXT_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' ||
		    s[i] == '_'))
			return (0);
	return (1);
}

/* conf_check_port - "1".."65535" */
int
conf_check_port(const char *s)
{
	long long v;

	return (conf_parse_uint(s, 1, 65535, &v));
}

/* conf_join_path - BASEDIR/PATH for a relative PATH */
int
conf_join_path(const char *basedir, const char *path, char *out, size_t outlen)
{
	int n;

	if (path[0] == '/' || basedir == NULL)
		n = snprintf(out, outlen, "%s", path);
	else
		n = snprintf(out, outlen, "%s/%s", basedir, path);
	return (n < 0 || (size_t)n >= outlen ? -1 : 0);
}

int
conf_socket_hint(const char *v, char *hint, size_t len)
{
	const char *rest, *colon;
	int n;

	if (strncmp(v, "inet:", 5) == 0)
		rest = v + 5;
	else if (strncmp(v, "inet6:", 6) == 0)
		rest = v + 6;
	else
		return (0);
	if (strchr(rest, '@') != NULL || (colon = strrchr(rest, ':')) == NULL ||
	    colon == rest || conf_check_port(colon + 1) < 0)
		return (0);
	n = snprintf(hint, len, "\"%s\" is Postfix's host:port form; write "
	    "%.*s%s@%.*s (port@host)", v, (int)(rest - v), v, colon + 1,
	    (int)(colon - rest), rest);
	return (n > 0 && (size_t)n < len);
}

/* conf_check_socket - unix:PATH, local:PATH, inet[6]:PORT[@HOST] */
int
conf_check_socket(const char *v, const char *basedir, char *out, size_t outlen,
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
		if (conf_join_path(basedir, rest, path, sizeof(path)) < 0 ||
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
	if (conf_check_port(port) < 0) {
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

/* conf_check_listen - IP:PORT or [IPV6]:PORT */
int
conf_check_listen(const char *v)
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
	if (!conf_is_ip(host))
		return (-1);
	return (conf_check_port(colon + 1));
}

/* conf_check_token - printable ASCII without space, quote or backslash */
int
conf_check_token(const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			return (-1);
	return (0);
}

/* conf_check_url - http(s) URL with nothing that breaks a header or <...> */
int
conf_check_url(const char *v)
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

/* conf_check_header_name - RFC 5322 field name */
int
conf_check_header_name(const char *v)
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

/* conf_check_list_id - RFC 2919: dot-atom-text with at least one dot */
int
conf_check_list_id(const char *v)
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


/* conf_parse_score - a decimal with at most two decimals, in hundredths */
int
conf_parse_score(const char *v, int64_t *out)
{
	char whole[8], frac[3] = "00";
	const char *dot = strchr(v, '.');
	size_t wl = dot != NULL ? (size_t)(dot - v) : strlen(v), fl;
	long long w, f;

	if (wl == 0 || wl >= sizeof(whole))
		return (-1);
	memcpy(whole, v, wl);
	whole[wl] = '\0';
	if (conf_parse_uint(whole, 0, 1000, &w) < 0)
		return (-1);
	if (dot != NULL) {
		fl = strlen(dot + 1);
		if (fl == 0 || fl > 2 || strspn(dot + 1, "0123456789") != fl)
			return (-1);
		memcpy(frac, dot + 1, fl);
	}
	if (conf_parse_uint(frac, 0, 99, &f) < 0)
		return (-1);
	if (w * 100 + f < 1 || w * 100 + f > 100000)
		return (-1);
	*out = w * 100 + f;
	return (0);
}

/* conf_check_codes - "5", "4.2", "5.1.1": a class and up to two numbers */
int
conf_check_codes(const char *v)
{
	const char *p = v;
	int parts = 0;
	size_t d;

	if (*p != '2' && *p != '4' && *p != '5')
		return (-1);
	if (*++p == '\0')
		return (0);
	while (*p == '.' && parts < 2) {
		p++;
		d = strspn(p, "0123456789");
		if (d == 0 || d > 3)
			return (-1);
		p += d;
		parts++;
	}
	return (*p == '\0' ? 0 : -1);
}
