/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * milterload - drive a milter with the milter protocol, as an MTA would
 *
 * SYNOPSIS
 *	milterload -s SOCKET [-c CONNS] [-m MESSAGES] [-r RCPTS]
 *	    [-a ADDRESSES] [-f SENDER] [-n] [-q]
 *
 * DESCRIPTION
 *	Opens CONNS connections (one thread each) to SOCKET (unix:PATH,
 *	inet:PORT@HOST or inet6:PORT@HOST, as milters spell it) and sends
 *	MESSAGES messages in all, spread evenly, each from SENDER (default
 *	news@example.com) to RCPTS recipients. Recipient k of message m is
 *	user%07d@bench.example with the number (m * RCPTS + k) modulo
 *	ADDRESSES (default 1000000), so a database filled with the same
 *	names decides known addresses. The clock starts when every
 *	connection is open and negotiated, so that the messages of each run
 *	beside those of all the others.
 *	With -n each message has a connection of its own, as Postfix
 *	opens one for each SMTP session and a client such as smtp-source
 *	sends one message a session: the connection is ended (quit) and
 *	a new one opened and negotiated before every message but the
 *	first, in the message's time.
 *
 *	Each connection negotiates protocol version 6 offering every step
 *	and every "no reply" flag; it then sends only the steps the filter
 *	asked for and waits for a reply only where the filter expects to
 *	give one. Commands that need no reply are sent together with the
 *	next one that does, so the driver itself never waits on Nagle.
 *
 *	Prints one line of name=value pairs: messages, seconds,
 *	messages per second, p50, p99 and maximum latency (from MAIL, with
 *	-n from the new connection, to the final reply to end of message,
 *	in microseconds), how many messages took
 *	100 ms or more (slow), and what the filter did:
 *	recipients sent, recipients deleted, headers added or changed,
 *	messages accepted (continue/accept), discarded, rejected,
 *	tempfailed, protocol errors, and the connections opened. -q
 *	prints nothing but errors.
 *
 *	Exit 0 when every message got a final reply, 1 otherwise.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#define OFFER_PROTO	(SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | \
	SMFIP_NORCPT | SMFIP_NOBODY | SMFIP_NOHDRS | SMFIP_NOEOH | \
	SMFIP_NR_HDR | SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_SKIP | \
	SMFIP_RCPT_REJ | SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | \
	SMFIP_NR_RCPT | SMFIP_NR_DATA | SMFIP_NR_UNKN | SMFIP_NR_EOH | \
	SMFIP_NR_BODY | SMFIP_HDR_LEADSPC)
#define OFFER_ACTS	(SMFIF_ADDHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | \
	SMFIF_DELRCPT | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_CHGFROM | \
	SMFIF_ADDRCPT_PAR | SMFIF_SETSYMLIST)

#define SLOW_US		100000.0	/* a message this slow counts as slow */

struct opts {
	const char *sock;
	const char *sender;
	int	conns;
	int	msgs;
	int	rcpts;
	int	addrs;
	int	fresh;			/* -n: a connection a message */
};

struct counts {
	long	rcpts, delrcpt, addhdr, chghdr;
	long	accepted, discarded, rejected, tempfailed, errors, done;
	long	conns;			/* connections opened and negotiated */
};

struct worker {
	const struct opts *o;
	int	id;
	int	first, n;		/* message numbers first .. first+n-1 */
	double	*lat;			/* microseconds, one per message */
	struct counts c;
	pthread_t th;
	int	started;		/* past the start barrier */
};

/*
 * start - every connection open and negotiated before the clock starts:
 * the threads and main meet here, so that each connection's messages run
 * beside all the others' and the latencies compare one load
 */
static pthread_barrier_t start;

/* buf - a growing output buffer of milter packets */
struct buf {
	unsigned char *p;
	size_t	len, cap;
};

static int
buf_need(struct buf *b, size_t n)
{
	unsigned char *p;
	size_t cap;

	if (b->len + n <= b->cap)
		return (0);
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		return (-1);
	b->p = p;
	b->cap = cap;
	return (0);
}

/* pkt - append one packet CMD with the NUL-separated strings in DATA */
static int
pkt(struct buf *b, char cmd, const void *data, size_t len)
{
	uint32_t l = htonl((uint32_t)len + 1);

	if (buf_need(b, len + 5) < 0)
		return (-1);
	memcpy(b->p + b->len, &l, 4);
	b->p[b->len + 4] = (unsigned char)cmd;
	if (len > 0)
		memcpy(b->p + b->len + 5, data, len);
	b->len += len + 5;
	return (0);
}

/* strs - NUL-terminated strings, one after the other, into S; length */
static size_t
strs(char *s, size_t cap, const char *const *v, size_t n)
{
	size_t i, len = 0, l;

	for (i = 0; i < n; i++) {
		l = strlen(v[i]) + 1;
		if (len + l > cap)
			break;
		memcpy(s + len, v[i], l);
		len += l;
	}
	return (len);
}

/* macro - a macro packet for step STEP with name/value pairs */
static int
macro(struct buf *b, char step, const char *const *nv, size_t n)
{
	char s[1024];
	size_t len;

	s[0] = step;
	len = strs(s + 1, sizeof(s) - 1, nv, n);
	return (pkt(b, SMFIC_MACRO, s, len + 1));
}

static int
xwrite(int fd, struct buf *b)
{
	size_t off = 0;
	ssize_t w;

	while (off < b->len) {
		if ((w = write(fd, b->p + off, b->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		off += (size_t)w;
	}
	b->len = 0;
	return (0);
}

/*
 * xread - N bytes from FD through a buffer of the thread's own (one
 * connection per thread), as an MTA reads: one read() takes every reply
 * that has arrived, not one read per field
 */
static __thread struct {
	int	fd;
	size_t	off, len;
	unsigned char b[65536];
} rb = { -1, 0, 0, { 0 } };

static int
xread(int fd, void *p, size_t n)
{
	size_t off = 0, k;
	ssize_t r;

	if (rb.fd != fd) {
		rb.fd = fd;
		rb.off = rb.len = 0;
	}
	while (off < n) {
		if (rb.off == rb.len) {
			if ((r = read(fd, rb.b, sizeof(rb.b))) <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				return (-1);
			}
			rb.off = 0;
			rb.len = (size_t)r;
		}
		k = rb.len - rb.off < n - off ? rb.len - rb.off : n - off;
		memcpy((char *)p + off, rb.b + rb.off, k);
		rb.off += k;
		off += k;
	}
	return (0);
}

/* reply - read one reply packet: its command; DATA holds up to CAP bytes */
static int
reply(int fd, unsigned char *data, size_t cap, size_t *len)
{
	uint32_t l;
	unsigned char cmd;
	size_t n;

	if (xread(fd, &l, 4) < 0)
		return (-1);
	n = ntohl(l);
	if (n < 1 || n > 1024 * 1024)
		return (-1);
	if (xread(fd, &cmd, 1) < 0)
		return (-1);
	n--;
	if (n > cap) {
		unsigned char junk[4096];
		size_t k;

		while (n > cap) {
			k = n - cap < sizeof(junk) ? n - cap : sizeof(junk);
			if (xread(fd, junk, k) < 0)
				return (-1);
			n -= k;
		}
	}
	if (xread(fd, data, n) < 0)
		return (-1);
	*len = n;
	return (cmd);
}

/* dial - connect to SOCK; fd or -1 */
static int
dial(const char *sock)
{
	struct sockaddr_un sun;
	struct addrinfo hints, *res, *ai;
	char port[16], host[256];
	const char *at;
	int fd = -1, one = 1;

	if (strncmp(sock, "unix:", 5) == 0 || strncmp(sock, "local:", 6) == 0) {
		const char *path = strchr(sock, ':') + 1;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(path) >= sizeof(sun.sun_path))
			return (-1);
		memcpy(sun.sun_path, path, strlen(path) + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
			return (-1);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
			(void)close(fd);
			return (-1);
		}
		return (fd);
	}
	if (strncmp(sock, "inet:", 5) != 0 && strncmp(sock, "inet6:", 6) != 0)
		return (-1);
	sock = strchr(sock, ':') + 1;
	if ((at = strchr(sock, '@')) == NULL || (size_t)(at - sock) >= sizeof(port))
		return (-1);
	memcpy(port, sock, (size_t)(at - sock));
	port[at - sock] = '\0';
	if (strlcpy(host, at + 1, sizeof(host)) >= sizeof(host))
		return (-1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return (-1);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		(void)close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return (fd);
}

static double
now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3);
}

/*
 * step - send B (ending in a command that expects a reply unless NOREPLY)
 * and read the reply: 0 continue, 1 the message ended (counted), -1 error
 */
static int
step(int fd, struct buf *b, int noreply, struct counts *c)
{
	unsigned char data[1024];
	size_t len;
	int cmd;

	if (noreply)
		return (0);		/* goes out with the next command */
	if (xwrite(fd, b) < 0)
		return (-1);
	for (;;) {
		if ((cmd = reply(fd, data, sizeof(data), &len)) < 0)
			return (-1);
		switch (cmd) {
		case SMFIR_CONTINUE:
			return (0);
		case SMFIR_PROGRESS:
			continue;
		case SMFIR_ACCEPT:
			c->accepted++;
			return (1);
		case SMFIR_DISCARD:
			c->discarded++;
			return (1);
		case SMFIR_REJECT:
			c->rejected++;
			return (1);
		case SMFIR_TEMPFAIL:
			c->tempfailed++;
			return (1);
		case SMFIR_REPLYCODE:
			if (len > 0 && data[0] == '4')
				c->tempfailed++;
			else
				c->rejected++;
			return (1);
		default:
			return (-1);
		}
	}
}

/* eom - send B ending in end of message; read actions and the verdict */
static int
eom(int fd, struct buf *b, struct counts *c)
{
	unsigned char data[1024];
	size_t len;
	int cmd;

	if (xwrite(fd, b) < 0)
		return (-1);
	for (;;) {
		if ((cmd = reply(fd, data, sizeof(data), &len)) < 0)
			return (-1);
		switch (cmd) {
		case SMFIR_DELRCPT:
			c->delrcpt++;
			continue;
		case SMFIR_ADDHEADER:
		case SMFIR_INSHEADER:
			c->addhdr++;
			continue;
		case SMFIR_CHGHEADER:
			c->chghdr++;
			continue;
		case SMFIR_PROGRESS:
		case SMFIR_ADDRCPT:
		case SMFIR_ADDRCPT_PAR:
		case SMFIR_CHGFROM:
		case SMFIR_REPLBODY:
		case SMFIR_QUARANTINE:
			continue;
		case SMFIR_CONTINUE:
		case SMFIR_ACCEPT:
			c->accepted++;
			return (0);
		case SMFIR_DISCARD:
			c->discarded++;
			return (0);
		case SMFIR_REJECT:
			c->rejected++;
			return (0);
		case SMFIR_TEMPFAIL:
			c->tempfailed++;
			return (0);
		case SMFIR_REPLYCODE:
			if (len > 0 && data[0] == '4')
				c->tempfailed++;
			else
				c->rejected++;
			return (0);
		default:
			return (-1);
		}
	}
}

/*
 * hello - a new connection to the filter: negotiate, then the connect
 * and HELO steps it asked for; 0, or -1 with FD closed (-1)
 */
static int
hello(struct worker *w, struct buf *b, int *fd, uint32_t *proto)
{
	unsigned char data[1024];
	uint32_t v[3];
	size_t len;

	if ((*fd = dial(w->o->sock)) < 0) {
		fprintf(stderr, "milterload: cannot connect to %s: %s\n",
		    w->o->sock, strerror(errno));
		return (-1);
	}
	v[0] = htonl(SMFI_PROT_VERSION);
	v[1] = htonl(OFFER_ACTS);
	v[2] = htonl(OFFER_PROTO);
	if (pkt(b, SMFIC_OPTNEG, v, sizeof(v)) < 0 || xwrite(*fd, b) < 0 ||
	    reply(*fd, data, sizeof(data), &len) != SMFIC_OPTNEG || len < 12)
		goto bad;
	memcpy(proto, data + 8, 4);
	*proto = ntohl(*proto);

	if (!(*proto & SMFIP_NOCONNECT)) {
		static const char *const nv[] = { "j", "mx.bench.example",
		    "{daemon_name}", "bench" };
		static const char conn[] = "localhost\0" "4" "\x30\x39" "127.0.0.1";

		if (macro(b, SMFIC_CONNECT, nv, 4) < 0 ||
		    pkt(b, SMFIC_CONNECT, conn, sizeof(conn)) < 0 ||
		    step(*fd, b, *proto & SMFIP_NR_CONN, &w->c) != 0)
			goto bad;
	}
	if (!(*proto & SMFIP_NOHELO)) {
		if (pkt(b, SMFIC_HELO, "client.bench.example", 21) < 0 ||
		    step(*fd, b, *proto & SMFIP_NR_HELO, &w->c) != 0)
			goto bad;
	}
	w->c.conns++;
	return (0);
bad:
	(void)close(*fd);
	*fd = -1;
	rb.fd = -1;
	return (-1);
}

/* bye - end the connection as an MTA does: quit, then close; 0 or -1 */
static int
bye(struct buf *b, int *fd)
{
	int rc = -1;

	if (pkt(b, SMFIC_QUIT, NULL, 0) == 0 && xwrite(*fd, b) == 0)
		rc = 0;
	(void)close(*fd);
	*fd = -1;
	rb.fd = -1;
	return (rc);
}

/*
 * session - one connection: negotiate, connect, all messages, quit; with
 * -n a new connection for every message, its setup counted in the
 * message's time
 */
static int
session(struct worker *w)
{
	const struct opts *o = w->o;
	struct buf b = { NULL, 0, 0 };
	uint32_t proto;
	char s[1024], qid[32], rcpt[64];
	size_t len;
	int fd = -1, i, k, r, rc = -1;
	double t0;

	if (hello(w, &b, &fd, &proto) < 0)
		goto out;
	w->started = 1;
	(void)pthread_barrier_wait(&start);
	for (i = 0; i < w->n; i++) {
		const char *nvm[4] = { "i", qid, "{mail_addr}", o->sender };
		const char *nvr[4] = { "i", qid, "{rcpt_addr}", rcpt };
		const char *nve[2] = { "i", qid };
		int m = w->first + i;

		(void)snprintf(qid, sizeof(qid), "B%dQ%d", w->id, i);
		t0 = now_us();
		if (o->fresh && i > 0 &&
		    (bye(&b, &fd) < 0 || hello(w, &b, &fd, &proto) < 0))
			goto out;
		(void)snprintf(s, sizeof(s), "<%s>", o->sender);
		if (!(proto & SMFIP_NOMAIL)) {
			if (macro(&b, SMFIC_MAIL, nvm, 4) < 0 ||
			    pkt(&b, SMFIC_MAIL, s, strlen(s) + 1) < 0)
				goto out;
			if ((r = step(fd, &b, proto & SMFIP_NR_MAIL, &w->c)) < 0)
				goto out;
			if (r == 1)
				goto ended;
		}
		for (k = 0; k < o->rcpts; k++) {
			(void)snprintf(rcpt, sizeof(rcpt),
			    "user%07d@bench.example",
			    (int)(((long)m * o->rcpts + k) % o->addrs));
			(void)snprintf(s, sizeof(s), "<%s>", rcpt);
			w->c.rcpts++;
			if (proto & SMFIP_NORCPT)
				continue;
			if (macro(&b, SMFIC_RCPT, nvr, 4) < 0 ||
			    pkt(&b, SMFIC_RCPT, s, strlen(s) + 1) < 0)
				goto out;
			/* a rejected recipient does not end the message */
			if (step(fd, &b, proto & SMFIP_NR_RCPT, &w->c) < 0)
				goto out;
		}
		if (!(proto & SMFIP_NODATA)) {
			if (macro(&b, SMFIC_DATA, nve, 2) < 0 ||
			    pkt(&b, SMFIC_DATA, NULL, 0) < 0)
				goto out;
			if ((r = step(fd, &b, proto & SMFIP_NR_DATA, &w->c)) < 0)
				goto out;
			if (r == 1)
				goto ended;
		}
		if (!(proto & SMFIP_NOHDRS)) {
			const char *sp = proto & SMFIP_HDR_LEADSPC ? " " : "";
			const char *h[4][2] = { { "From", o->sender },
			    { "To", "undisclosed-recipients:;" },
			    { "Subject", "bench" },
			    { "Message-ID", qid } };

			for (k = 0; k < 4; k++) {
				len = (size_t)snprintf(s, sizeof(s), "%s%c%s%s",
				    h[k][0], '\0', sp, h[k][1]);
				if (pkt(&b, SMFIC_HEADER, s, len + 1) < 0)
					goto out;
				if ((r = step(fd, &b, proto & SMFIP_NR_HDR,
				    &w->c)) < 0)
					goto out;
				if (r == 1)
					goto ended;
			}
		}
		if (!(proto & SMFIP_NOEOH)) {
			if (macro(&b, SMFIC_EOH, nve, 2) < 0 ||
			    pkt(&b, SMFIC_EOH, NULL, 0) < 0)
				goto out;
			if ((r = step(fd, &b, proto & SMFIP_NR_EOH, &w->c)) < 0)
				goto out;
			if (r == 1)
				goto ended;
		}
		if (!(proto & SMFIP_NOBODY)) {
			static const char body[] = "a short body\r\n";

			if (pkt(&b, SMFIC_BODY, body, sizeof(body) - 1) < 0)
				goto out;
			if ((r = step(fd, &b, proto & SMFIP_NR_BODY, &w->c)) < 0)
				goto out;
			if (r == 1)
				goto ended;
		}
		if (macro(&b, SMFIC_BODYEOB, nve, 2) < 0 ||
		    pkt(&b, SMFIC_BODYEOB, NULL, 0) < 0 || eom(fd, &b, &w->c) < 0)
			goto out;
		w->lat[i] = now_us() - t0;
		w->c.done++;
		continue;
ended:
		/* the message ended early: the MTA aborts it */
		w->lat[i] = now_us() - t0;
		w->c.done++;
		if (pkt(&b, SMFIC_ABORT, NULL, 0) < 0)
			goto out;
	}
	rc = bye(&b, &fd);
out:
	if (rc < 0)
		w->c.errors++;
	if (!w->started)
		(void)pthread_barrier_wait(&start);
	free(b.p);
	if (fd >= 0)
		(void)close(fd);
	rb.fd = -1;
	return (rc);
}

static void *
run(void *arg)
{
	(void)session(arg);
	return (NULL);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static int
number(const char *s, int min, int max, const char *what)
{
	const char *errstr;
	long long n = strtonum(s, min, max, &errstr);

	if (errstr != NULL) {
		fprintf(stderr, "milterload: %s %s: %s\n", what, s, errstr);
		exit(64);
	}
	return ((int)n);
}

static void
usage(void)
{
	fprintf(stderr, "usage: milterload -s SOCKET [-c CONNS] [-m MESSAGES] "
	    "[-r RCPTS] [-a ADDRESSES] [-f SENDER] [-n] [-q]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	struct opts o = { NULL, "news@example.com", 1, 1000, 1, 1000000, 0 };
	struct worker *w;
	struct counts t;
	double *lat, t0, secs;
	long n = 0, slow;
	int ch, i, quiet = 0;

	while ((ch = getopt(argc, argv, "a:c:f:m:nqr:s:")) != -1) {
		switch (ch) {
		case 'a':
			o.addrs = number(optarg, 1, 100000000, "addresses");
			break;
		case 'c':
			o.conns = number(optarg, 1, 1024, "connections");
			break;
		case 'f':
			o.sender = optarg;
			break;
		case 'm':
			o.msgs = number(optarg, 1, 100000000, "messages");
			break;
		case 'n':
			o.fresh = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			o.rcpts = number(optarg, 1, 1000, "recipients");
			break;
		case 's':
			o.sock = optarg;
			break;
		default:
			usage();
		}
	}
	if (o.sock == NULL || optind != argc)
		usage();
	if (o.conns > o.msgs)
		o.conns = o.msgs;
	if ((w = calloc((size_t)o.conns, sizeof(*w))) == NULL ||
	    (lat = calloc((size_t)o.msgs, sizeof(double))) == NULL) {
		fprintf(stderr, "milterload: out of memory\n");
		return (1);
	}
	for (i = 0; i < o.conns; i++) {
		w[i].o = &o;
		w[i].id = i;
		w[i].first = (int)((long)o.msgs * i / o.conns);
		w[i].n = (int)((long)o.msgs * (i + 1) / o.conns) - w[i].first;
		w[i].lat = lat + w[i].first;
	}
	if (pthread_barrier_init(&start, NULL, (unsigned)o.conns + 1) != 0) {
		fprintf(stderr, "milterload: cannot make a barrier\n");
		return (1);
	}
	for (i = 0; i < o.conns; i++)
		if (pthread_create(&w[i].th, NULL, run, &w[i]) != 0) {
			fprintf(stderr, "milterload: cannot start a thread\n");
			return (1);
		}
	/* the clock starts when every connection is ready (start) */
	(void)pthread_barrier_wait(&start);
	t0 = now_us();
	memset(&t, 0, sizeof(t));
	for (i = 0; i < o.conns; i++) {
		(void)pthread_join(w[i].th, NULL);
		t.rcpts += w[i].c.rcpts;
		t.delrcpt += w[i].c.delrcpt;
		t.addhdr += w[i].c.addhdr;
		t.chghdr += w[i].c.chghdr;
		t.accepted += w[i].c.accepted;
		t.discarded += w[i].c.discarded;
		t.rejected += w[i].c.rejected;
		t.tempfailed += w[i].c.tempfailed;
		t.errors += w[i].c.errors;
		t.done += w[i].c.done;
		t.conns += w[i].c.conns;
	}
	secs = (now_us() - t0) / 1e6;
	/* latencies of finished messages only, gathered to the front */
	for (i = 0; i < o.conns; i++) {
		memmove(lat + n, w[i].lat, (size_t)w[i].c.done * sizeof(double));
		n += w[i].c.done;
	}
	qsort(lat, (size_t)n, sizeof(double), cmp_double);
	for (slow = 0; slow < n && lat[n - 1 - slow] >= SLOW_US; slow++)
		continue;
	if (!quiet)
		printf("messages=%ld seconds=%.3f msgs_per_s=%.0f p50_us=%.0f "
		    "p99_us=%.0f max_us=%.0f slow=%ld rcpts=%ld delrcpt=%ld "
		    "addhdr=%ld "
		    "chghdr=%ld accepted=%ld discarded=%ld rejected=%ld "
		    "tempfailed=%ld errors=%ld connections=%ld\n", n, secs,
		    n / secs,
		    n ? lat[(size_t)(n * 50 / 100)] : 0.0,
		    n ? lat[(size_t)(n * 99 / 100)] : 0.0,
		    n ? lat[n - 1] : 0.0, slow, t.rcpts, t.delrcpt,
		    t.addhdr, t.chghdr, t.accepted, t.discarded, t.rejected,
		    t.tempfailed, t.errors, t.conns);
	free(lat);
	free(w);
	return (n == o.msgs && t.errors == 0 ? 0 : 1);
}
