/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * client.h - who made a request: the X-Forwarded-For chain
 *
 * DESCRIPTION
 *	client_forwarded() reads the X-Forwarded-For header fields VALS
 *	(NVALS of them, in the order received, as one list) from the right:
 *	each hop must be an IP address; the first one that TRUSTED(ARG, ip)
 *	does not name is the client. When every hop is a proxy of ours, the
 *	left-most is taken; at anything that is not an address, nothing
 *	further left is believed. The header may be of any length: nothing
 *	is copied but one hop at a time. Pure: no libmicrohttpd, so a
 *	fuzzer and the unit tests drive it.
 */
#ifndef OPTIN_CLIENT_H
#define OPTIN_CLIENT_H

#include <stddef.h>

#define CLIENT_IP_MAX	64	/* an address in text, with NUL */

/* 1 with the client's address (canonical text) in OUT; 0: none */
int	client_forwarded(const char *const *vals, size_t nvals,
	    int (*trusted)(void *, const char *), void *arg, char *out,
	    size_t outlen);

/* client_canonical - IP in its canonical text form into OUT; 0 / -1 */
int	client_canonical(const char *ip, size_t len, char *out, size_t outlen);

/*
 * client_key - what the limits per client count IP (numeric text) as:
 * an IPv6 address by its /64 ("2001:db8::/64"), which one host or one
 * customer usually holds whole, so that rotating through it gains
 * nothing; an IPv4 address (also IPv4-mapped IPv6) as itself. Anything
 * else is copied. OUT has CLIENT_IP_MAX octets.
 */
void	client_key(const char *ip, char out[CLIENT_IP_MAX]);

#endif
