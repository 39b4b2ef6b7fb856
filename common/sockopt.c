/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockopt.c - TCP_NODELAY on the listening socket libmilter opened
 *
 * SYNOPSIS
 *	#include "sockopt.h"
 *
 *	int listen_nodelay(void);
 *
 * DESCRIPTION
 *	A milter answers end of message with several small writes (one per
 *	action, then the verdict). With Nagle's algorithm on, the later ones
 *	wait for the MTA's delayed ACK, about 40 ms per message on Linux.
 *	libmilter opens its listening socket itself and keeps the descriptor
 *	to itself, so listen_nodelay() looks for it: after smfi_opensocket()
 *	the process holds exactly one listening socket. On an inet or inet6
 *	one it sets TCP_NODELAY, which Linux copies to every socket accept()
 *	returns from it. Unix sockets have no Nagle and are left alone.
 *
 * DIAGNOSTICS
 *	Returns 1 when it set TCP_NODELAY, 0 when the listening socket is
 *	not TCP (or there is none), -1 with errno set when setsockopt()
 *	fails. It stops at the first listening socket, which is low in the
 *	descriptor table right after start-up.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <unistd.h>

#include "sockopt.h"

int
listen_nodelay(void)
{
	long max = sysconf(_SC_OPEN_MAX);
	socklen_t len;
	int fd, on, dom, one = 1;

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 0; fd < max; fd++) {
		len = sizeof(on);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len) < 0 ||
		    !on)
			continue;
		/* the only one: libmilter's, just opened */
		len = sizeof(dom);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) < 0 ||
		    (dom != AF_INET && dom != AF_INET6))
			return (0);
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) < 0)
			return (-1);
		return (1);
	}
	return (0);
}
