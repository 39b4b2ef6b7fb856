/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * optin-feedback - bounces and complaints become suppressions
 *
 * SYNOPSIS
 *	optin-feedback [-c FILE] [-f] [-n] [-r RECIPIENT] [-V]
 *
 * DESCRIPTION
 *	Run by Postfix's pipe(8) transport for the bounce and complaint
 *	addresses: reads one message on standard input (a report is
 *	looked for in its first FEEDBACK_MAX octets at most), finds the
 *	report in it (mime.c), opens the token that names the
 *	recipient (the envelope recipient RECIPIENT, the VERP address, or
 *	a token of ours in the returned headers) and records the outcome
 *	(policy/feedback.c). A message whose token does not open is logged
 *	and not acted on: nothing is ever guessed from free text. Such a
 *	message is not ours to delete either: it is kept, whole, in the
 *	Maildir DATABASE/kept (keep.c), a longer one too: what is past
 *	FEEDBACK_MAX goes from standard input straight to the file.
 *
 * DIAGNOSTICS
 *	One log line per message (syslog facility mail, or standard error
 *	with -f). Exit status per sysexits: 0 when the message was handled
 *	or deliberately ignored; 75 (EX_TEMPFAIL) when the configuration,
 *	the key or the database cannot be used, so that Postfix keeps the
 *	message and tries again; 64 usage; 78 with -n for a bad file.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "authres.h"
#include "daemon.h"
#include "mime.h"
#include "feedback.h"
#include "store.h"
#include "text.h"
#include "token.h"

#define FEEDBACK_MAX	(16 * 1024 * 1024)	/* over Postfix's default limit */
#define CANDIDATES_MAX	32

static void
usage(void)
{
	(void)fprintf(stderr, "usage: optin-feedback [-c FILE] [-f] [-n] "
	    "[-r RECIPIENT] [-V]\n");
}

/*
 * the message: its first MAX octets (LEN of them) in BUF, read for a
 * report; MORE when standard input holds more, which only keep() reads
 */
struct input {
	char	*buf;
	size_t	len;
	int	more;
};

/*
 * read_input - standard input up to MAX octets, and one more to know
 * whether there are more; -1 on a read error
 */
static int
read_input(struct input *in, size_t max)
{
	size_t len = 0;
	ssize_t n;

	memset(in, 0, sizeof(*in));
	if ((in->buf = malloc(max + 1)) == NULL)
		return (-1);
	while (len < max + 1) {
		n = read(STDIN_FILENO, in->buf + len, max + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(in->buf);
			return (-1);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	in->more = len > max;
	in->len = in->more ? max : len;
	return (0);
}

/* drain - read what is left of standard input, so that pipe(8) sees all
 * of it taken */
static void
drain(void)
{
	char chunk[65536];
	ssize_t n;

	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0)
		if (n < 0 && errno != EINTR)
			return;
}

/* what the token search found */
struct found {
	const struct token_keys *keys;
	struct token tok;		/* the one that decides */
	int	have;			/* 1: a personal token, 2: list-only only */
	int	verp;			/* 1: it is the envelope recipient's */
	int	conflict;		/* personal tokens naming different people */
	int	bad;			/* candidates that did not open */
};

/* try_token - open a candidate as a feedback or an unsubscribe token */
static int
try_token(void *arg, const char *t, size_t len)
{
	struct found *f = arg;
	struct token tok;
	char err[128];

	if (token_open_feedback(f->keys, t, len, &tok, err, sizeof(err)) < 0 &&
	    token_open(f->keys, t, len, &tok, err, sizeof(err)) < 0) {
		f->bad++;
		return (0);
	}
	if (tok.rcpt[0] == '\0') {
		if (f->have == 0) {
			f->tok = tok;
			f->have = 2;
		}
		return (0);
	}
	if (f->have == 1 && (strcmp(f->tok.rcpt, tok.rcpt) != 0 ||
	    strcmp(f->tok.list, tok.list) != 0))
		f->conflict = 1;
	if (f->have != 1) {
		f->tok = tok;
		f->have = 1;
	}
	return (0);
}

/*
 * find_token - the envelope recipient first (its extension is the
 * token), then every place of the message where our marks appear
 */
static void
find_token(const struct conf *c, const char *rcpt, const struct parsed *p,
    struct found *f)
{
	char bmark[ADDR_BUFSIZE + 8], delim = c->recipient_delimiter[0] != '\0' ?
	    c->recipient_delimiter[0] : '+';
	const char *marks[6];
	size_t nmarks = 0, n;
	const char *at, *ext;

	if (c->bounce_address[0] != '\0' && (at = strrchr(c->bounce_address,
	    '@')) != NULL) {
		n = (size_t)(at - c->bounce_address);
		(void)snprintf(bmark, sizeof(bmark), "%.*s%c", (int)n,
		    c->bounce_address, delim);
		marks[nmarks++] = bmark;
		/*
		 * the envelope recipient: bounces+TOKEN@domain, where only
		 * a feedback token is ever set (optin-milter's return path)
		 */
		if (rcpt != NULL && strncasecmp(rcpt, bmark, n + 1) == 0 &&
		    (ext = rcpt + n + 1, at = strrchr(ext, '@')) != NULL &&
		    at > ext) {
			struct token tok;
			char err[128];

			if (token_open_feedback(f->keys, ext, (size_t)(at - ext),
			    &tok, err, sizeof(err)) < 0)
				f->bad++;
			else if (tok.rcpt[0] != '\0') {
				f->tok = tok;
				f->have = 1;
				f->verp = 1;
				return;	/* the VERP address decides */
			}
		}
	}
	marks[nmarks++] = "X-Optin-Feedback:";
	if (c->unsubscribe_url[0] != '\0')
		marks[nmarks++] = c->unsubscribe_url;
	if (c->preferences_url[0] != '\0')
		marks[nmarks++] = c->preferences_url;
	marks[nmarks++] = "unsubscribe%20";
	(void)report_find_tokens(p->search, p->searchlen, marks, nmarks,
	    CANDIDATES_MAX, try_token, f);
}

/*
 * from_loop - 1 when the report comes from a configured feedback loop:
 * its one From address is in a feedback-loop domain (or below one),
 * and an Authentication-Results header of one of our authserv-ids says
 * that a DKIM signature of that domain (or a parent) passed
 */
static int
from_loop(const struct conf *c, const struct parsed *p)
{
	const char *ids[CONF_MAX_AUTHSERV], *dom;
	struct authres ar;
	char how[16];
	size_t i, n, dn;
	int inloop = 0;

	if (c->nfeedback_loop == 0 || c->nauthserv_id == 0 ||
	    (dom = strrchr(p->from_addr, '@')) == NULL)
		return (0);
	dom++;
	dn = strlen(dom);
	for (i = 0; i < c->nfeedback_loop && !inloop; i++) {
		n = strlen(c->feedback_loop[i]);
		if (dn == n)
			inloop = strcasecmp(dom, c->feedback_loop[i]) == 0;
		else if (dn > n)
			inloop = dom[dn - n - 1] == '.' &&
			    strcasecmp(dom + dn - n, c->feedback_loop[i]) == 0;
	}
	if (!inloop)
		return (0);
	for (i = 0; i < c->nauthserv_id; i++)
		ids[i] = c->authserv_id[i];
	for (i = 0; i < p->nauthres; i++) {
		if (authres_parse(p->authres[i], strlen(p->authres[i]),
		    &ar) < 0)
			continue;
		/* DKIM only: SPF proves the envelope, not the From domain */
		for (n = dn = 0; n < ar.n; n++)
			if (strcmp(ar.r[n].method, "dkim") == 0)
				ar.r[dn++] = ar.r[n];
		ar.n = dn;
		if (authres_aligned(&ar, ids, c->nauthserv_id, p->from_addr,
		    how, sizeof(how)))
			return (1);
	}
	return (0);
}

/*
 * whose - what the address a report gives (REPORTED) says of the
 * token's recipient RCPT (normalised): 1 the same mailbox (also with
 * a +tag on either side, DELIMS), 0 another address, -1 nothing (empty,
 * or no address that normalises: "X400; ...", "carol@x (Carol)")
 */
static int
whose(const char *reported, const char *rcpt, const char *delims)
{
	char a[ADDR_BUFSIZE], ua[ADDR_BUFSIZE], ur[ADDR_BUFSIZE], err[128];

	if (reported[0] == '\0' || addr_normalize(reported, strlen(reported),
	    0, a, sizeof(a), err, sizeof(err)) < 0)
		return (-1);
	if (strcmp(a, rcpt) == 0)
		return (1);
	if (addr_untag(a, delims, ua, sizeof(ua)) != 1)
		(void)strlcpy(ua, a, sizeof(ua));
	if (addr_untag(rcpt, delims, ur, sizeof(ur)) != 1)
		(void)strlcpy(ur, rcpt, sizeof(ur));
	return (strcmp(ua, ur) == 0);
}

/*
 * about - a recipient group of the report is about RCPT: one of its
 * addresses (Final-Recipient, Original-Recipient) is RCPT's mailbox, or
 * neither says whom (the return path it came to is then the only word
 * on whom it is about)
 */
static int
about(const struct report_rcpt *x, const char *rcpt, const char *delims)
{
	int f = whose(x->addr, rcpt, delims), o = whose(x->orig, rcpt, delims);

	return (f == 1 || o == 1 || (f == -1 && o == -1));
}

/*
 * worst - the failure that counts most among the report's recipients
 * for RCPT, the token's recipient. Only the groups about RCPT count
 * (about()); when there are none, the others do, but none condemns RCPT
 * at once: a failure of another address (an alias's target, a forward)
 * is at most permanent, scored.
 */
static const struct report_rcpt *
worst(const struct report *r, const char *hard, const char *rcpt,
    const char *delims, int *cls)
{
	static const int rank[] = { 0, 4, 3, 2, 1 };	/* by enum bounce_class */
	const struct report_rcpt *best = NULL;
	int ab[REPORT_RCPT_MAX];	/* about(), once a group */
	size_t i;
	int c, mine = 0;

	for (i = 0; i < r->nrcpt; i++)
		mine |= ab[i] = about(&r->rcpt[i], rcpt, delims);
	*cls = BOUNCE_NONE;
	for (i = 0; i < r->nrcpt; i++) {
		const struct report_rcpt *x = &r->rcpt[i];

		if (x->action[0] != '\0' && strcmp(x->action, "failed") != 0)
			continue;	/* delayed, delivered, relayed, expanded */
		if (mine && !ab[i])
			continue;
		c = report_classify(x->status, x->diag, hard);
		if (!mine && c == BOUNCE_HARD)
			c = BOUNCE_PERMANENT;
		if (best == NULL || rank[c] > rank[*cls]) {
			best = x;
			*cls = c;
		}
	}
	return (best);
}

struct apply {
	const struct conf *c;
	struct fb_event ev;
	struct fb_result res;
};

static int
apply_fn(struct store_txn *tx, void *arg)
{
	struct apply *a = arg;

	return (feedback_apply(tx, a->c, &a->ev, &a->res) < 0 ? -1 : 0);
}

/*
 * keep - a message not acted on goes to DATABASE/kept; the exit status
 * (75 when it cannot be kept: Postfix keeps it instead)
 */
static int
keep(const struct conf *c, const struct input *in, const char *what)
{
	char dir[4200], name[512], err[512];

	if ((size_t)snprintf(dir, sizeof(dir), "%s/kept", c->database) >=
	    sizeof(dir) || keep_message(dir, in->buf, in->len + (size_t)in->more,
	    in->more ? STDIN_FILENO : -1, name, sizeof(name), err,
	    sizeof(err)) < 0) {
		dlog(LOG_ERR, "%s: cannot keep it (%s): kept for later",
		    what, err);
		return (EX_TEMPFAIL);
	}
	dlog(LOG_INFO, "%s kept=%s/new/%s", what, dir, name);
	return (EX_OK);
}

/*
 * ignored - a message not acted on: logged as "kind=K result=ignored
 * WHY... from=F", kept (keep()), P freed; the exit status
 */
static int	ignored(const struct conf *, struct parsed *,
		    const struct input *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static int
ignored(const struct conf *c, struct parsed *p, const struct input *in,
    const char *fmt, ...)
{
	char why[1024], from[TEXT_ESC_SIZE(256)];
	char what[sizeof(why) + sizeof(from) + 64];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	(void)text_esc(p->from, strlen(p->from), TEXT_QUOTED, from,
	    sizeof(from));
	(void)snprintf(what, sizeof(what), "kind=%s result=ignored %s "
	    "from=\"%s\"", report_kind_name(p->rep.kind), why, from);
	mime_parsed_free(p);
	return (keep(c, in, what));
}

/* handle - one message; returns the exit status */
static int
handle(const struct runtime *rt, const char *rcpt, const struct input *in)
{
	const struct conf *c = rt->conf;
	const struct report_rcpt *x = NULL;
	struct parsed p;
	struct found f;
	struct apply a;
	struct store *st;
	char err[512];
	char mta[TEXT_ESC_SIZE(REPORT_MTA_MAX)], klass[TEXT_ESC_SIZE(32)];
	int cls = BOUNCE_NONE, rc;

	if (mime_parse(in->buf, in->len, &p) < 0) {
		dlog(LOG_ERR, "out of memory");
		return (EX_TEMPFAIL);
	}
	if (p.rep.kind == REPORT_NONE || p.rep.kind == REPORT_AUTOREPLY)
		return (ignored(c, &p, in, "reason=%s",
		    p.unparsed != NULL ? p.unparsed :
		    p.rep.kind == REPORT_NONE ? "not-a-report" : "auto-reply"));
	memset(&f, 0, sizeof(f));
	f.keys = rt->keys;
	find_token(c, rcpt, &p, &f);
	if (f.have != 1 || f.conflict)
		return (ignored(c, &p, in, "reason=%s bad-tokens=%d",
		    f.conflict ? "tokens-disagree" : f.have == 2 ?
		    "list-only-token" : "no-token", f.bad));

	/*
	 * A delivery report counts only at the return path it was sent to:
	 * real ones go there (RFC 5321 4.5.5), and the token of a return
	 * path never appears in a message's text. The tokens in a report's
	 * text are the returned message's own, and anybody who was given a
	 * copy of that message has them: they are no proof that it bounced.
	 */
	if (p.rep.kind != REPORT_ARF && !f.verp)
		return (ignored(c, &p, in,
		    "reason=not-to-return-path rcpt=<%s> list=%s", f.tok.rcpt,
		    f.tok.list));

	memset(&a, 0, sizeof(a));
	a.c = c;
	a.ev.kind = p.rep.kind;
	a.ev.addr = f.tok.rcpt;
	a.ev.list = f.tok.list;
	a.ev.sent = f.tok.issued;
	a.ev.now = (int64_t)time(NULL);
	a.ev.mta = p.rep.reporting_mta;
	a.ev.date = p.rep.arrival_date;
	a.ev.feedback_type = p.rep.feedback_type;
	a.ev.status = "";
	a.ev.diag = "";
	if (p.rep.kind == REPORT_ARF) {
		/* RFC 5965: abuse is a complaint; fraud, virus... are not ours */
		a.ev.complaint = strcmp(p.rep.feedback_type, "abuse") == 0;
		a.ev.cls = BOUNCE_NONE;
		/* a stranger's complaint is worth a one-click at most */
		a.ev.unverified = !from_loop(c, &p);
		/* one that names nobody (redacted) leaves the token to say */
		a.ev.foreign = whose(p.rep.original_rcpt, f.tok.rcpt,
		    c->recipient_delimiter) == 0;
	} else {
		x = worst(&p.rep, c->bounce_hard, f.tok.rcpt,
		    c->recipient_delimiter, &cls);
		a.ev.cls = cls;
		if (x != NULL) {
			a.ev.status = x->status;
			a.ev.diag = x->diag;
		}
	}

	if (store_open(c->database, c->map_size, 0, &st, err,
	    sizeof(err)) < 0) {
		dlog(LOG_ERR, "%s: report kept for later", err);
		mime_parsed_free(&p);
		return (EX_TEMPFAIL);
	}
	rc = store_write(st, apply_fn, &a, err, sizeof(err));
	store_close(st);
	if (rc != 0) {
		dlog(LOG_ERR, "rcpt=<%s> list=%s: %s: report kept for later",
		    f.tok.rcpt, f.tok.list, err);
		mime_parsed_free(&p);
		return (EX_TEMPFAIL);
	}
	(void)text_esc(p.rep.reporting_mta[0] != '\0' ? p.rep.reporting_mta :
	    "-", strlen(p.rep.reporting_mta[0] != '\0' ? p.rep.reporting_mta :
	    "-"), TEXT_WORD, mta, sizeof(mta));
	(void)text_esc(a.ev.complaint ? "complaint" : p.rep.kind == REPORT_ARF ?
	    p.rep.feedback_type : report_class_name(cls), strlen(
	    a.ev.complaint ? "complaint" : p.rep.kind == REPORT_ARF ?
	    p.rep.feedback_type : report_class_name(cls)), TEXT_WORD, klass,
	    sizeof(klass));
	dlog(LOG_INFO, "kind=%s rcpt=<%s> list=%s class=%s status=%s "
	    "result=%s score=%lld.%02lld mta=%s", report_kind_name(p.rep.kind),
	    f.tok.rcpt, f.tok.list, klass,
	    a.ev.status[0] != '\0' ? a.ev.status : "-",
	    feedback_action_name(a.res.action),
	    (long long)(a.res.score / 100), (long long)(a.res.score % 100),
	    mta);
	mime_parsed_free(&p);
	return (EX_OK);
}

int
main(int argc, char *argv[])
{
	const char *conf_path = NULL, *rcpt = NULL;
	struct runtime *rt;
	struct input in;
	char err[512];
	int ch, foreground = 0, check = 0, rc;

	while ((ch = getopt(argc, argv, "c:fnr:Vh")) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': check = 1; break;
		case 'r': rcpt = optarg; break;
		case 'V':
			(void)printf("optin-feedback %s\n", PACKAGE_VERSION);
			return (EX_OK);
		case 'h': usage(); return (EX_OK);
		default: usage(); return (EX_USAGE);
		}
	}
	if (optind != argc) {
		usage();
		return (EX_USAGE);
	}
	if (conf_path == NULL)
		conf_path = conf_default_path();
	dlog_init("optin-feedback", foreground || check);
	if ((rt = runtime_load(conf_path, err, sizeof(err))) == NULL) {
		dlog(LOG_ERR, "%s", err);
		/* Postfix keeps the message until the file is mended */
		return (check ? EX_CONFIG : EX_TEMPFAIL);
	}
	if (check) {
		runtime_free(rt);
		return (EX_OK);
	}
	if (read_input(&in, FEEDBACK_MAX) < 0) {
		dlog(LOG_ERR, "read: %s", strerror(errno));
		runtime_free(rt);
		return (EX_TEMPFAIL);
	}
	if (in.more)
		dlog(LOG_INFO, "message over %d octets: a report is looked "
		    "for in those only", FEEDBACK_MAX);
	rc = handle(rt, rcpt, &in);
	if (rc == EX_OK)
		drain();
	free(in.buf);
	runtime_free(rt);
	return (rc);
}
