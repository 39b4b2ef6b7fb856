/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf.h - the configuration file shared by all three programs
 *
 * SYNOPSIS
 *	struct conf *c;
 *	if (conf_load(path, &c, err, sizeof(err)) < 0) ... err is "FILE:LINE: why"
 *	...
 *	conf_free(c);
 *
 * DESCRIPTION
 *	Line oriented, '#' comments, "quoted strings" with \" and \\,
 *	{ } blocks for lists (DESIGN.md section 2). A loaded conf is never
 *	modified: threads share it read-only and a reload swaps in a new one.
 *	Relative paths are taken relative to the directory of the file.
 */
#ifndef OPTIN_CONF_H
#define OPTIN_CONF_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "scope.h"

#define CONF_NAME_MAX	64	/* list names */
#define CONF_TEXT_MAX	256	/* descriptions, header values, ids */
#define CONF_URL_MAX	512
#define CONF_MAX_PROXIES 16
#define CONF_MAX_AUTHSERV 8
#define CONF_MAX_FBL 16
#define CONF_MAX_DAEMONS 16	/* outbound-daemon names */
#define CONF_DAEMON_MAX	64
#define CONF_MAX_NETS	64	/* outbound-network entries */

enum conf_mode { MODE_ENFORCE = 1, MODE_MONITOR };
enum conf_on_error { ONERR_TEMPFAIL = 1, ONERR_ACCEPT };
enum conf_unclassified { UNCL_PASS = 1, UNCL_REJECT, UNCL_TEMPFAIL };
enum conf_denied { DENIED_STRIP = 1, DENIED_REJECT };
enum conf_sender_lists { SENDERS_ANY = 1, SENDERS_OWN };
enum match_type { MATCH_HEADER = 1, MATCH_SENDER, MATCH_AUTH };
enum conf_pref_optin { PREF_OPTIN_CONFIRM = 1, PREF_OPTIN_DIRECT };

#define CONF_CONSENT_TEXT_MAX	1024	/* the consent text of a list */

struct conf_match {
	enum match_type type;
	char	name[CONF_TEXT_MAX];	/* header name (MATCH_HEADER) */
	char	value[CONF_TEXT_MAX];	/* value, normalised address, login */
};

#define CONF_MAX_KEYWORDS 48

struct conf_list {
	char	name[CONF_NAME_MAX + 1];
	char	description[CONF_TEXT_MAX];
	int	consent;		/* enum consent_kind */
	char	list_id[CONF_TEXT_MAX];	/* "" when not set */
	int	unsubscribe;		/* 1 yes, 0 no */
	int	subscribe;		/* 1: optin-unsubd's /s offers it */
	char	consent_text[CONF_CONSENT_TEXT_MAX];	/* shown at /s */
	char	consent_version[CONF_NAME_MAX + 1];	/* recorded as evidence */
	unsigned honor;			/* SUPP_BIT() set, consent none */
	struct conf_match *matches;
	size_t	nmatches;
	int	line;			/* where it was defined */
};

struct conf {
	char	path[PATH_MAX];
	char	socket[PATH_MAX + 16];
	unsigned socket_mode;
	char	database[PATH_MAX];
	uint64_t map_size;
	char	secret_file[PATH_MAX];
	char	user[64];
	int	mode;			/* enum conf_mode */
	int	on_error;		/* enum conf_on_error */
	int	unclassified;		/* enum conf_unclassified */
	int	denied;			/* enum conf_denied */
	int	sender_lists;		/* enum conf_sender_lists */
	char	list_header[CONF_TEXT_MAX];
	char	recipient_delimiter[16];
	char	unsubscribe_url[CONF_URL_MAX];
	char	preferences_url[CONF_URL_MAX];
	char	unsubscribe_mailto[ADDR_BUFSIZE];
	char	organisation[CONF_TEXT_MAX];	/* on optin-unsubd's pages; "" */
	char	privacy_url[CONF_URL_MAX];	/* linked from them; "" */
	char	listen[CONF_TEXT_MAX];
	char	trusted_proxy[CONF_MAX_PROXIES][64];
	size_t	ntrusted_proxy;
	/* Authentication-Results from these prove a mailto request */
	char	authserv_id[CONF_MAX_AUTHSERV][CONF_TEXT_MAX];
	size_t	nauthserv_id;
	/* optin-feedback and the return path (scores in hundredths) */
	char	bounce_address[ADDR_BUFSIZE];	/* "" : no VERP */
	char	bounce_hard[CONF_TEXT_MAX];	/* codes that suppress at once */
	int64_t	bounce_threshold;	/* 500: suppressed at a score of 5 */
	int64_t	bounce_soft_score;	/* 50 */
	int64_t	bounce_permanent_score;	/* 100 */
	int	bounce_stale_after;	/* days without a bounce: score reset */
	/* complaints suppress only from these, DKIM-authenticated */
	char	feedback_loop[CONF_MAX_FBL][CONF_TEXT_MAX];
	size_t	nfeedback_loop;
	/* confirmed opt-in */
	char	sendmail_path[PATH_MAX];
	char	confirm_from[ADDR_BUFSIZE];
	char	confirm_url[CONF_URL_MAX];	/* token appended */
	int64_t	confirm_ttl;			/* seconds a confirmation lives */
	int64_t	confirm_interval;		/* between two to one address+list */
	long long subscribe_rate;		/* requests per client and hour */
	long long pending_max;			/* pending records at most */
	int	preference_optin;		/* enum conf_pref_optin */
	/* the outbound scope (scope.h) */
	char	outbound_daemon[CONF_MAX_DAEMONS][CONF_DAEMON_MAX];
	size_t	noutbound_daemon;
	int	outbound_auth;		/* 1 yes, 0 no */
	int	outbound_local;		/* 1 yes, 0 no */
	struct scope_net outbound_net[CONF_MAX_NETS];
	size_t	noutbound_net;
	int	split;			/* 1: mark list mail for the re-injection */
	int	hide_stripped;		/* 1: stripped addresses leave To:/Cc: */
	struct conf_list *lists;
	size_t	nlists;
	int	kwline[CONF_MAX_KEYWORDS]; /* where each keyword was set; 0 */
};

/*
 * conf_load - read and check FILE. On success *OUT is a new conf that
 * the caller frees with conf_free(). Returns 0, or -1 with ERR set.
 */
int	conf_load(const char *file, struct conf **out, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

/*
 * conf_parse - the same from a buffer of LEN bytes; NAME is used in
 * messages and BASEDIR to resolve relative paths (NULL: leave them).
 */
int	conf_parse(const char *buf, size_t len, const char *name,
	    const char *basedir, struct conf **out, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

void	conf_free(struct conf *);

/* conf_valid_list_name - 1 when NAME is a list name ([A-Za-z0-9][A-Za-z0-9._-]*) */
int	conf_valid_list_name(const char *name);

/* conf_find_list - the list called NAME, or NULL */
const struct conf_list *conf_find_list(const struct conf *, const char *name);

/* conf_line - the line of the file that set KEYWORD; 0 for its default */
int	conf_line(const struct conf *, const char *keyword);

/* conf_default_path - $sysconfdir/optin-milter/optin-milter.conf */
const char *conf_default_path(void);

#endif
