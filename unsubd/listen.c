/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * listen.c - optin-unsubd's socket and libmicrohttpd's daemon
 *
 * DESCRIPTION
 *	http_listen() binds the socket while optin-unsubd still has the
 *	privileges to; http_start() serves on it once they are dropped.
 *	Every connection is watched by the guard (guard.c): a total
 *	deadline per request, a limit per address that is no proxy of ours.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <microhttpd.h>

#include "guard.h"
#include "unsubd.h"
#include "http.h"

#define HTTP_CONN_MAX	1024	/* connections, sized for a proxy in front */
#define HTTP_DEADLINE_MS 10000	/* to receive a whole request */
#define HTTP_IDLE_S	10	/* libmicrohttpd's inactivity timeout */
#define HTTP_THREADS	32	/* a one-click waits for its group commit in
				   its thread: the group is at most this */

/* http_slot - the guard's record of CONN's connection */
struct guard_slot *
http_slot(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return (ci != NULL ? ci->socket_context : NULL);
}


/* notify - a connection begins or ends: the guard watches it */
static void
notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *fd, *ca;

	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		guard_close(*socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	ca = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (fd == NULL || ca == NULL || ca->client_addr == NULL) {
		*socket_context = NULL;
		return;
	}
	*socket_context = guard_open(fd->connect_fd, ca->client_addr,
	    ca->client_addr->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
}

static enum MHD_Result
accept_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
	(void)cls;
	return (guard_accept(sa, len) ? MHD_YES : MHD_NO);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	ulog(LOG_WARNING, "http: %s", buf);
}

/*
 * http_listen - the listening socket for "listen", bound now (before
 * privileges are dropped) and without SO_REUSEPORT: a second instance on
 * the same address fails here instead of taking a share of the requests.
 * Returns the descriptor, or -1 with ERR set.
 */
int
http_listen(const struct conf *c, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	char host[64];
	const char *colon, *errstr = NULL;
	long long port;
	int fd, on = 1;

	memset(&ss, 0, sizeof(ss));
	if (c->listen[0] == '[') {
		const char *rb = strchr(c->listen, ']');

		if (rb == NULL || (size_t)(rb - c->listen - 1) >= sizeof(host)) {
			(void)snprintf(err, errlen, "listen %s: bad address",
			    c->listen);
			return (-1);
		}
		(void)snprintf(host, sizeof(host), "%.*s",
		    (int)(rb - c->listen - 1), c->listen + 1);
		colon = rb + 1;
	} else {
		colon = strrchr(c->listen, ':');
		if (colon == NULL ||
		    (size_t)(colon - c->listen) >= sizeof(host)) {
			(void)snprintf(err, errlen, "listen %s: bad address",
			    c->listen);
			return (-1);
		}
		(void)snprintf(host, sizeof(host), "%.*s",
		    (int)(colon - c->listen), c->listen);
	}
	if (*colon != ':') {
		(void)snprintf(err, errlen, "listen %s: no port", c->listen);
		return (-1);
	}
	port = strtonum(colon + 1, 1, 65535, &errstr);
	if (errstr != NULL) {
		(void)snprintf(err, errlen, "listen %s: bad port", c->listen);
		return (-1);
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr)
	    == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sslen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host,
	    &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sslen = sizeof(struct sockaddr_in6);
	} else {
		(void)snprintf(err, errlen, "listen %s: bad address", c->listen);
		return (-1);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		(void)snprintf(err, errlen, "listen %s: socket: %s", c->listen,
		    strerror(errno));
		return (-1);
	}
	/* SO_REUSEADDR: a restart may bind despite TIME_WAIT, while Linux
	 * still refuses a second listener on the address */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, sslen) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		(void)snprintf(err, errlen, "cannot listen on %s: %s%s",
		    c->listen, strerror(errno), errno == EADDRINUSE ?
		    " (is another optin-unsubd running?)" : "");
		(void)close(fd);
		return (-1);
	}
	return (fd);
}

/* conn_limit - connections we take, within the descriptors we may open */
static unsigned
conn_limit(void)
{
	struct rlimit rl;
	rlim_t want = HTTP_CONN_MAX + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return (256);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    rl.rlim_max >= want ? want : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return (HTTP_CONN_MAX);
	return (rl.rlim_cur > 128 ? (unsigned)(rl.rlim_cur - 64) : 64);
}

/*
 * http_start - serve on FD (from http_listen()), which libmicrohttpd then
 * owns and closes; TRUSTED(ip) names the addresses of proxies. NULL with
 * ERR set.
 */
struct MHD_Daemon *
http_start(int fd, int (*trusted)(const char *), char *err, size_t errlen)
{
	struct MHD_Daemon *d;
	unsigned limit = conn_limit();

	if (guard_init(limit, HTTP_DEADLINE_MS, trusted) < 0) {
		(void)snprintf(err, errlen, "cannot start the connection "
		    "guard");
		(void)close(fd);
		return (NULL);
	}
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    0, accept_policy, NULL, http_handler, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, limit,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_IDLE_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, notify, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
	    MHD_OPTION_END);
	if (d == NULL) {
		/* the caller exits: FD is left to the exit, as libmicrohttpd
		 * may have closed it already */
		(void)snprintf(err, errlen, "cannot start the HTTP service");
		guard_stop();
	}
	return (d);
}

/* http_stop - stop serving; libmicrohttpd closes the listening socket */
void
http_stop(struct MHD_Daemon *d)
{
	if (d == NULL)
		return;
	MHD_stop_daemon(d);
	guard_stop();
}
