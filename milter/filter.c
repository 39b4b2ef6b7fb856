/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filter.c - libmilter callbacks of optin-milter
 *
 * DESCRIPTION
 *	The callbacks only translate: what Postfix says goes to policy/msg.c,
 *	what it answers goes back to Postfix. Per-connection state lives in
 *	the private pointer and is freed in close; per-message state is
 *	freed at the end of the message or on abort. A close with a NULL
 *	private pointer (a port probe) is harmless.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "listhdr.h"
#include "logbuf.h"
#include "milter.h"
#include "scope.h"

struct conn {
	struct runtime *rt;
	struct msg_env env;
	struct msg *msg;
	char	qid[64];
	char	myhost[256];
	char	daemon[CONF_DAEMON_MAX];	/* {daemon_name} */
	int	has_daemon;
	char	host[256];			/* the connect event's host name */
	struct sockaddr_storage sa;		/* the client, when it has an IP */
	int	has_sa;
	int	leadspc;
	int	nr_hdr;			/* headers need no reply */
	int	nr_conn;		/* nor the connect event */
	int	nr_eoh;			/* nor EOH: its verdict waits for EOM */
	int	held;			/* EOH decided: REPLY is the verdict */
	struct msg_reply reply;
	int	chgfrom;		/* the MTA lets us change the sender */
	enum msg_path path;		/* from the connect event */
	struct logbuf log;		/* this message's lines, written once */
};

/* getconn - the connection state, made on first use */
static struct conn *
getconn(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return (NULL);
		if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
			free(c);
			return (NULL);
		}
	}
	return (c);
}

struct logctx {
	struct conn *c;
	const char *qid;
};

static void
log_line(void *arg, const char *line)
{
	struct logctx *l = arg;

	logbuf_add_tagged(&l->c->log, l->qid, line);
}

/* qid - the queue id, "NOQUEUE" while there is none */
static const char *
qid(SMFICTX *ctx, struct conn *c)
{
	const char *q = smfi_getsymval(ctx, "i");

	if (q != NULL && *q != '\0' && strlen(q) < sizeof(c->qid))
		(void)strlcpy(c->qid, q, sizeof(c->qid));
	return (c->qid[0] != '\0' ? c->qid : "NOQUEUE");
}

static void
drain(SMFICTX *ctx, struct conn *c)
{
	struct logctx l;

	if (c->msg == NULL)
		return;
	l.c = c;
	l.qid = qid(ctx, c);
	msg_log_drain(c->msg, log_line, &l);
}

/* end_message - log it, forget it and its configuration reference */
static void
end_message(struct conn *c)
{
	logbuf_flush(&c->log);
	msg_free(c->msg);
	c->msg = NULL;
	if (c->rt != NULL)
		runtime_put(c->rt);
	c->rt = NULL;
	c->qid[0] = '\0';
	c->held = 0;
}

/* log_reply - the line of a message's final reply: "discarded" has no code */
static void
log_reply(struct conn *c, const char *q, const struct msg_reply *r)
{
	if (r->action == MSG_DISCARD)
		logbuf_add(&c->log, "%s: discarded: %s", q, r->text);
	else
		logbuf_add(&c->log, "%s: %s %s %s", q, r->code, r->xcode,
		    r->text);
}

int
filter_noreply(SMFICTX *ctx, enum gate_step step)
{
	const struct conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		return (0);
	switch (step) {
	case GATE_CONNECT:
		return (c->nr_conn);
	case GATE_HEADER:
		return (c->nr_hdr);
	case GATE_EOH:
		return (c->nr_eoh);
	}
	return (0);
}

/* answer - a policy reply as a milter status */
static sfsistat
answer(SMFICTX *ctx, const struct msg_reply *r)
{
	char text[sizeof(r->text)];
	size_t i;

	switch (r->action) {
	case MSG_CONTINUE:
		return (SMFIS_CONTINUE);
	case MSG_DISCARD:
		return (SMFIS_DISCARD);
	case MSG_ACCEPT:
		return (SMFIS_ACCEPT);
	case MSG_REJECT:
	case MSG_TEMPFAIL:
		/* libmilter treats '%' specially: keep it out */
		(void)strlcpy(text, r->text, sizeof(text));
		for (i = 0; text[i] != '\0'; i++)
			if (text[i] == '%')
				text[i] = '?';
		(void)smfi_setreply(ctx, (char *)r->code, (char *)r->xcode, text);
		return (r->action == MSG_REJECT ? SMFIS_REJECT : SMFIS_TEMPFAIL);
	}
	return (SMFIS_TEMPFAIL);
}

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct conn *c;
	unsigned long want = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_DELRCPT;

	(void)f2;
	(void)f3;
	if ((f0 & want) != want) {
		mlog(LOG_ERR, "the MTA does not offer the actions needed "
		    "(add and change headers, delete recipients)");
		return (SMFIS_REJECT);
	}
	if ((c = getconn(ctx)) == NULL)
		return (SMFIS_TEMPFAIL);
	*pf0 = want;
	/* the VERP return path (bounce-address) needs it; Postfix offers it */
	if (f0 & SMFIF_CHGFROM) {
		*pf0 |= SMFIF_CHGFROM;
		c->chgfrom = 1;
	}
	*pf1 = 0;
	/*
	 * Skip what is not used: HELO, unknown commands, the body. Not
	 * DATA: when it is skipped, Postfix still sends its macros in a
	 * write of their own, and over TCP its next write then waits for
	 * our delayed ACK (about 40 ms a message). Answering DATA costs one
	 * round trip instead (measured: bench/postfix.sh).
	 */
	if (f1 & SMFIP_NOHELO)
		*pf1 |= SMFIP_NOHELO;
	if (f1 & SMFIP_NOUNKNOWN)
		*pf1 |= SMFIP_NOUNKNOWN;
	if (f1 & SMFIP_NOBODY)
		*pf1 |= SMFIP_NOBODY;
	/*
	 * No reply, no round trip: to a header, to the connect event (it
	 * never refuses) and to the end of the header, whose verdict waits
	 * for the end of the message (cb_eoh()). Postfix writes such events
	 * together with the next one that wants a reply; libmilter answers
	 * for us an MTA that cannot skip them.
	 */
	if (f1 & SMFIP_NR_HDR) {
		*pf1 |= SMFIP_NR_HDR;
		c->nr_hdr = 1;
	}
	if (f1 & SMFIP_NR_CONN) {
		*pf1 |= SMFIP_NR_CONN;
		c->nr_conn = 1;
	}
	if (f1 & SMFIP_NR_EOH) {
		*pf1 |= SMFIP_NR_EOH;
		c->nr_eoh = 1;
	}
	if (f1 & SMFIP_HDR_LEADSPC) {
		*pf1 |= SMFIP_HDR_LEADSPC;
		c->leadspc = 1;
	}
	if (f0 & SMFIF_SETSYMLIST) {
		*pf0 |= SMFIF_SETSYMLIST;
		(void)smfi_setsymlist(ctx, SMFIM_CONNECT, "j {daemon_name}");
		(void)smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen}");
		(void)smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i");
		(void)smfi_setsymlist(ctx, SMFIM_EOH, "i");
		(void)smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	*pf2 = 0;
	*pf3 = 0;
	return (SMFIS_CONTINUE);
}

/*
 * conn_path - Postfix's cleanup(8) runs non_smtpd_milters (sendmail(1),
 * and smtpd's stand-alone mode) with a connect event it makes up:
 * "localhost", a loopback address and port 0. A real SMTP client
 * always has a port. Without an address the path stays unknown.
 */
static enum msg_path
conn_path(const char *host, const _SOCK_ADDR *sa)
{
	if (sa == NULL)
		return (MSG_PATH_UNKNOWN);
	if (host == NULL || strcmp(host, "localhost") != 0)
		return (MSG_PATH_SMTPD);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		if (in->sin_port == 0 &&
		    (ntohl(in->sin_addr.s_addr) >> 24) == 127)
			return (MSG_PATH_LOCAL);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		if (in6->sin6_port == 0 &&
		    IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return (MSG_PATH_LOCAL);
	}
	return (MSG_PATH_SMTPD);
}

static sfsistat
cb_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	struct conn *c = getconn(ctx);
	const char *j, *d;
	size_t salen = 0;

	if (c == NULL)
		return (SMFIS_TEMPFAIL);
	c->path = conn_path(host, sa);
	if ((j = smfi_getsymval(ctx, "j")) != NULL)
		(void)strlcpy(c->myhost, j, sizeof(c->myhost));
	/* remembered for the scope, decided per message under its conf */
	if ((d = smfi_getsymval(ctx, "{daemon_name}")) != NULL)
		c->has_daemon = strlcpy(c->daemon, d, sizeof(c->daemon)) <
		    sizeof(c->daemon);
	(void)strlcpy(c->host, host != NULL ? host : "", sizeof(c->host));
	if (sa != NULL && sa->sa_family == AF_INET)
		salen = sizeof(struct sockaddr_in);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		salen = sizeof(struct sockaddr_in6);
	c->has_sa = salen > 0;
	if (salen > 0)
		memcpy(&c->sa, sa, salen);
	return (c->nr_conn ? SMFIS_NOREPLY : SMFIS_CONTINUE);
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = getconn(ctx);
	struct msg_reply r;
	struct scope_client cl;
	const char *auth, *j;

	if (c == NULL)
		return (SMFIS_TEMPFAIL);
	end_message(c);			/* a new message on this connection */
	if (c->myhost[0] == '\0' && (j = smfi_getsymval(ctx, "j")) != NULL)
		(void)strlcpy(c->myhost, j, sizeof(c->myhost));
	c->rt = runtime_get(&c->env.store);
	c->env.conf = c->rt->conf;
	c->env.keys = c->rt->keys;
	c->env.myhostname = c->myhost;
	if ((c->msg = msg_new(&c->env)) == NULL) {
		end_message(c);
		return (SMFIS_TEMPFAIL);
	}
	msg_set_path(c->msg, c->path);
	auth = smfi_getsymval(ctx, "{auth_authen}");
	cl.daemon_name = c->has_daemon ? c->daemon : NULL;
	cl.host = c->host;
	cl.sa = c->has_sa ? (const struct sockaddr *)&c->sa : NULL;
	if (!scope_outbound(c->env.conf, &cl, auth, NULL)) {
		/* inbound: pass it now, unless it may go to an own address */
		if (!msg_inbound_wanted(c->env.conf)) {
			end_message(c);
			return (SMFIS_ACCEPT);
		}
		msg_set_inbound(c->msg);
	}
	(void)msg_sender(c->msg, argv[0] != NULL ? argv[0] : "<>", auth, &r);
	drain(ctx, c);
	return (answer(ctx, &r));
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg_reply r;

	if (c == NULL || c->msg == NULL || argv[0] == NULL)
		return (SMFIS_TEMPFAIL);
	(void)msg_rcpt(c->msg, argv[0], (int64_t)time(NULL), &r);
	drain(ctx, c);
	return (answer(ctx, &r));
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg_reply r;

	if (c == NULL || c->msg == NULL)
		return (c != NULL && c->nr_hdr ? SMFIS_NOREPLY : SMFIS_TEMPFAIL);
	(void)msg_header(c->msg, name, value != NULL ? value : "", &r);
	if (c->nr_hdr)
		return (SMFIS_NOREPLY);
	return (answer(ctx, &r));
}

/*
 * cb_eoh - the verdict of the end of the header (an unknown list,
 * unclassified mail refused, inbound mail passed) is kept and given at
 * the end of the message: to the client it comes after the final dot
 * either way, and the body is not sent to us. The MTA was told that no
 * reply comes here; one that cannot skip it gets continue.
 */
static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg_reply r;

	if (c == NULL || c->msg == NULL)
		return (c != NULL && c->nr_eoh ? SMFIS_NOREPLY : SMFIS_TEMPFAIL);
	(void)msg_eoh(c->msg, &r);
	drain(ctx, c);
	if (r.action != MSG_CONTINUE) {
		c->reply = r;
		c->held = 1;
	}
	return (c->nr_eoh ? SMFIS_NOREPLY : SMFIS_CONTINUE);
}

/* eom_held - the end of a message decided at the end of its header */
static sfsistat
eom_held(SMFICTX *ctx, struct conn *c)
{
	sfsistat st = answer(ctx, &c->reply);

	if (st != SMFIS_ACCEPT)
		log_reply(c, qid(ctx, c), &c->reply);
	end_message(c);
	return (st);
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg_result res;
	char value[LISTHDR_BUFSIZE * 2 + 2];
	const char *q;
	size_t i;
	int k, ok = 1;
	sfsistat st;

	if (c == NULL || c->msg == NULL)
		return (SMFIS_TEMPFAIL);
	if (c->held)
		return (eom_held(ctx, c));
	q = qid(ctx, c);
	msg_set_qid(c->msg, q);
	(void)msg_eom(c->msg, (int64_t)time(NULL), &res);
	drain(ctx, c);

	if (res.reply.action == MSG_CONTINUE) {
		for (i = 0; i < res.ndelrcpt && ok; i++)
			if (smfi_delrcpt(ctx, res.delrcpt[i]) != MI_SUCCESS)
				ok = 0;
		for (i = 0; i < res.ndelhdr && ok; i++)
			for (k = res.delhdr[i].count; k >= 1 && ok; k--)
				if (smfi_chgheader(ctx, (char *)res.delhdr[i].name,
				    k, NULL) != MI_SUCCESS)
					ok = 0;
		/* signatures of what changed here: highest first */
		for (i = 0; i < res.ndeldkim && ok; i++)
			if (smfi_chgheader(ctx, "DKIM-Signature",
			    res.deldkim[i], NULL) != MI_SUCCESS)
				ok = 0;
		for (i = 0; i < res.nsethdr && ok; i++) {
			/* hide-stripped: To:/Cc: without who was held back */
			char *sv = NULL;

			if (asprintf(&sv, "%s%s", c->leadspc ? " " : "",
			    res.sethdr[i].value) < 0) {
				ok = 0;
				break;
			}
			if (smfi_chgheader(ctx, (char *)res.sethdr[i].name,
			    res.sethdr[i].index, sv) != MI_SUCCESS)
				ok = 0;
			free(sv);
		}
		if (res.chgfrom != NULL && ok) {
			if (!c->chgfrom)
				mlog(LOG_WARNING, "%s: the MTA does not let the "
				    "envelope sender change: no return path", q);
			else if (smfi_chgfrom(ctx, res.chgfrom, NULL) !=
			    MI_SUCCESS)
				ok = 0;
		}
		for (i = 0; i < res.naddhdr && ok; i++) {
			size_t vl = strlen(res.addhdr[i].value);
			size_t sp = c->leadspc ? 1 : 0;

			/* a cut header would be a wrong one: wait instead */
			if (sp + vl >= sizeof(value)) {
				ok = 0;
				break;
			}
			value[0] = ' ';
			memcpy(value + sp, res.addhdr[i].value, vl + 1);
			if (smfi_addheader(ctx, (char *)res.addhdr[i].name,
			    value) != MI_SUCCESS)
				ok = 0;
		}
		if (!ok) {
			/* a change that did not happen: the mail must wait */
			mlog(LOG_ERR, "%s: the MTA refused a change; tempfail", q);
			(void)smfi_setreply(ctx, "451", "4.3.0",
			    "temporary failure applying consent policy");
			end_message(c);
			return (SMFIS_TEMPFAIL);
		}
	} else if (res.reply.action != MSG_DISCARD || res.classified)
		log_reply(c, q, &res.reply);
	st = answer(ctx, &res.reply);
	end_message(c);
	return (st);
}

/*
 * cb_data - DATA is answered anyway (see cb_negotiate()): inbound mail
 * for none of our own addresses is passed here, before its header
 */
static sfsistat
cb_data(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	struct msg_reply r;

	if (c == NULL || c->msg == NULL)
		return (SMFIS_CONTINUE);
	(void)msg_data(c->msg, &r);
	if (r.action == MSG_ACCEPT) {
		end_message(c);
		return (SMFIS_ACCEPT);
	}
	return (SMFIS_CONTINUE);
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		drain(ctx, c);
		end_message(c);
	}
	return (SMFIS_CONTINUE);
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		return (SMFIS_CONTINUE);
	end_message(c);
	logbuf_free(&c->log);
	free(c);
	(void)smfi_setpriv(ctx, NULL);
	return (SMFIS_CONTINUE);
}

struct smfiDesc filter_desc = {
	.xxfi_name = "optin-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_DELRCPT |
	    SMFIF_CHGFROM,
	.xxfi_connect = cb_connect,
	.xxfi_helo = NULL,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = NULL,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_unknown = NULL,
	.xxfi_data = cb_data,
	.xxfi_negotiate = cb_negotiate,
};
