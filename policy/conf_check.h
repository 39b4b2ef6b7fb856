/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf_check.h - value checkers and the list-block parser (conf*.c only)
 *
 * DESCRIPTION
 *	The parser in conf.c drives the top-level keywords from its table;
 *	the checks of single values live in conf_value.c and the list
 *	blocks in conf_list.c. Checkers return 0 when the value is good,
 *	-1 when not.
 */
#ifndef OPTIN_CONF_CHECK_H
#define OPTIN_CONF_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "conf_lex.h"

/* conf_parse_uint - strtonum-style decimal parse with bounds */
int	conf_parse_uint(const char *, long long min, long long max,
	    long long *out);
/* conf_parse_duration - "7d", "48h", "30m", "45s", "3600" into seconds */
int	conf_parse_duration(const char *, int64_t *out);
/* conf_parse_size - "1G", "512M", "65536" (64K to 1T) */
int	conf_parse_size(const char *, uint64_t *out);
/* conf_is_ip - 1 when the text is an IPv4 or IPv6 address */
int	conf_is_ip(const char *);

/* conf_is_authserv_id - 1 for a host-name-like id: letters, digits, . - _ */
int	conf_is_authserv_id(const char *);
/* conf_check_port - "1".."65535" */
int	conf_check_port(const char *);
/* conf_join_path - BASEDIR/PATH for a relative PATH */
int	conf_join_path(const char *basedir, const char *path, char *out,
	    size_t outlen);
/* conf_check_socket - unix:PATH, inet:PORT[@HOST]; WHY set on -1 */
int	conf_check_socket(const char *, const char *basedir, char *out,
	    size_t outlen, const char **why);
/*
 * conf_socket_hint - for Postfix's spelling inet:HOST:PORT, the form
 * libmilter takes (inet:PORT@HOST) in HINT; 1 when written, else 0
 */
int	conf_socket_hint(const char *, char *hint, size_t len);
/* conf_check_listen - IP:PORT or [IPV6]:PORT */
int	conf_check_listen(const char *);
/* conf_check_url - http(s) URL with nothing that breaks a header */
int	conf_check_url(const char *);
/* conf_check_token - printable ASCII without space, quote or backslash */
int	conf_check_token(const char *);
/* conf_check_header_name - RFC 5322 field name */
int	conf_check_header_name(const char *);
/* conf_check_list_id - RFC 2919 list identifier */
int	conf_check_list_id(const char *);

/* conf_parse_score - "5", "2.5", "0.25" (0.01 to 1000) in hundredths */
int	conf_parse_score(const char *, int64_t *out);
/* conf_check_codes - a status code or prefix: "5", "5.1", "5.1.1" */
int	conf_check_codes(const char *);

/* conf_parse_list - "list NAME {" has been read; read up to "}" */
int	conf_parse_list(struct lexer *, struct conf *, const struct stmt *head);
/*
 * conf_check_list_names - no two lists whose names differ only in case;
 * a repetition after line BEFORE is not reported
 */
int	conf_check_list_names(struct lexer *, const struct conf *, int before);

#endif
