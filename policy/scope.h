/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scope.h - which mail is outbound: the only mail the policy acts on
 *
 * SYNOPSIS
 *	struct scope_client cl = { daemon_name, sockaddr, ... };
 *	const char *why;
 *	if (scope_outbound(conf, &cl, auth, &why)) ... enforce
 *
 * DESCRIPTION
 *	Postfix tells a milter where mail comes from: the {daemon_name}
 *	macro (milter_macro_daemon_name, ORIGINATING on the submission
 *	service by convention), the SASL login ({auth_authen}) and the
 *	client address of the connect event. For mail submitted with
 *	sendmail(1) cleanup(8) pretends a connection from localhost,
 *	127.0.0.1 (or ::1) port 0: no SMTP client ever has port 0. The
 *	configuration keywords outbound-daemon, outbound-auth,
 *	outbound-network and outbound-local say which of these mark mail
 *	as outbound (optin-milter.conf(5)); everything else is inbound.
 */
#ifndef OPTIN_SCOPE_H
#define OPTIN_SCOPE_H

#include <sys/socket.h>

#include <stddef.h>

struct conf;

/* one client network: ADDR/BITS of family AF */
struct scope_net {
	int	af;			/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int	bits;
};

/* what the MTA said about the client at connect time */
struct scope_client {
	const char *daemon_name;	/* {daemon_name}; NULL when not sent */
	const char *host;		/* the connect event's host name */
	const struct sockaddr *sa;	/* NULL: no IP address (not a TCP client) */
};

/*
 * scope_parse_net - "192.0.2.0/24", "2001:db8::/32", "127.0.0.1" (a
 * host) into NET. Returns 0, or -1 when TEXT is not an address or a
 * network (bits set below the mask are refused: they hint at a typo).
 */
int	scope_parse_net(const char *text, struct scope_net *net);

/* scope_in_net - 1 when SA lies in NET (IPv4-mapped IPv6 counts as IPv4) */
int	scope_in_net(const struct scope_net *net, const struct sockaddr *sa);

/*
 * scope_is_local - 1 for the client Postfix pretends for local
 * submissions: cleanup(8) for sendmail(1) mail (127.0.0.1 or ::1, port
 * 0), and smtpd(8) on a non-IP endpoint ("sendmail -bs": no address,
 * host "localhost").
 */
int	scope_is_local(const struct scope_client *);

/*
 * scope_outbound - 1 when the message is outbound under CONF, else 0.
 * AUTH is the SASL login name ("" or NULL: none). WHY, when not NULL,
 * gets a static word: "daemon", "auth", "network", "local" or "inbound".
 */
int	scope_outbound(const struct conf *, const struct scope_client *,
	    const char *auth, const char **why);

#endif
