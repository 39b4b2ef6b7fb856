/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scope.c - outbound or inbound, from what Postfix says about the client
 *
 * DESCRIPTION
 *	Pure: compares the {daemon_name} macro, the SASL login and the
 *	client address of the connect event with the configuration. See
 *	scope.h for where Postfix gets each of them.
 */
#include "config.h"

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "scope.h"

int
scope_parse_net(const char *text, struct scope_net *net)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash, *errstr = NULL;
	size_t hlen;
	int max, i;
	long long bits;

	memset(net, 0, sizeof(*net));
	slash = strchr(text, '/');
	hlen = slash != NULL ? (size_t)(slash - text) : strlen(text);
	if (hlen == 0 || hlen >= sizeof(host))
		return (-1);
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, net->addr) == 1) {
		net->af = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, net->addr) == 1) {
		net->af = AF_INET6;
		max = 128;
	} else
		return (-1);
	if (slash == NULL)
		bits = max;
	else {
		if (slash[1] == '\0' || strspn(slash + 1, "0123456789") !=
		    strlen(slash + 1))
			return (-1);
		bits = strtonum(slash + 1, 0, max, &errstr);
		if (errstr != NULL)
			return (-1);
	}
	net->bits = (int)bits;
	/* no host bits below the mask */
	for (i = 0; i < max / 8; i++) {
		int keep = net->bits - i * 8;
		unsigned mask = keep >= 8 ? 0xff : keep <= 0 ? 0 :
		    (0xff << (8 - keep)) & 0xff;

		if (net->addr[i] & ~mask)
			return (-1);
	}
	return (0);
}

/* prefix_equal - the first BITS bits of A and B agree */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int full = bits / 8, rest = bits % 8;

	if (full > 0 && memcmp(a, b, (size_t)full) != 0)
		return (0);
	if (rest == 0)
		return (1);
	return (((a[full] ^ b[full]) & ((0xff << (8 - rest)) & 0xff)) == 0);
}

/* client_addr - SA as 4 or 16 bytes of family *AF; NULL if not IP */
static const unsigned char *
client_addr(const struct sockaddr *sa, int *af)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const unsigned char *a;

	if (sa == NULL)
		return (NULL);
	if (sa->sa_family == AF_INET) {
		*af = AF_INET;
		return ((const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr);
	}
	if (sa->sa_family == AF_INET6) {
		a = (const unsigned char *)
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (memcmp(a, mapped, sizeof(mapped)) == 0) {
			*af = AF_INET;
			return (a + 12);
		}
		*af = AF_INET6;
		return (a);
	}
	return (NULL);
}

int
scope_in_net(const struct scope_net *net, const struct sockaddr *sa)
{
	const unsigned char *a;
	int af = 0;

	if ((a = client_addr(sa, &af)) == NULL || af != net->af)
		return (0);
	return (prefix_equal(a, net->addr, net->bits));
}

int
scope_is_local(const struct scope_client *cl)
{
	const struct sockaddr *sa = cl->sa;
	static const unsigned char v4[4] = { 127, 0, 0, 1 };
	static const unsigned char v6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 1 };
	const unsigned char *a;
	int af = 0;

	if (sa == NULL)
		return (cl->host != NULL && strcmp(cl->host, "localhost") == 0);
	if ((a = client_addr(sa, &af)) == NULL)
		return (0);
	if (sa->sa_family == AF_INET &&
	    ((const struct sockaddr_in *)(const void *)sa)->sin_port != 0)
		return (0);
	if (sa->sa_family == AF_INET6 &&
	    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port != 0)
		return (0);
	return (af == AF_INET ? memcmp(a, v4, 4) == 0 : memcmp(a, v6, 16) == 0);
}

int
scope_outbound(const struct conf *c, const struct scope_client *cl,
    const char *auth, const char **why)
{
	const char *dummy;
	size_t i;

	if (why == NULL)
		why = &dummy;
	if (cl->daemon_name != NULL)
		for (i = 0; i < c->noutbound_daemon; i++)
			if (strcmp(cl->daemon_name, c->outbound_daemon[i]) == 0) {
				*why = "daemon";
				return (1);
			}
	if (c->outbound_auth && auth != NULL && *auth != '\0') {
		*why = "auth";
		return (1);
	}
	if (c->outbound_local && scope_is_local(cl)) {
		*why = "local";
		return (1);
	}
	for (i = 0; i < c->noutbound_net; i++)
		if (scope_in_net(&c->outbound_net[i], cl->sa)) {
			*why = "network";
			return (1);
		}
	*why = "inbound";
	return (0);
}
