/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * confirm.c - confirmed opt-in: request, confirmation, expiry, and the
 * confirmation message; see confirm.h
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "confirm.h"
#include "decide.h"
#include "model.h"

#define ROUTE_HOPS	4	/* as decide.c */

/*
 * suppressed - 1 when ADDR, its untagged form or its domain is
 * suppressed, or any of these of an address ADDR routes on to
 * (addr_route(): u%h@d, h!u@d, "u@h"@d reach u@h); 1 as well when it
 * routes through more hops than that, or somewhere that is no address.
 * 2 when the only suppression is the person's own unsubscribe-all (of
 * ADDR or its untagged form), which a confirmation may lift.
 */
static int
suppressed(struct store_txn *tx, const char *addr, const char *delims)
{
	char buf[ADDR_KEYS_BUFSIZE], cur[ADDR_BUFSIZE], next[ADDR_BUFSIZE];
	const char *keys[3];
	struct supp_rec s;
	int i, n, rc, hop, own = 0;

	if (strlcpy(cur, addr, sizeof(cur)) >= sizeof(cur))
		return (1);
	for (hop = 0;; hop++) {
		n = addr_keys(cur, delims, buf, keys);
		for (i = 0; i < n; i++) {
			if ((rc = store_get_suppression(tx, keys[i], &s)) < 0)
				return (-1);
			if (rc == 0)
				continue;
			if (hop > 0 || s.reason != SUPP_UNSUBSCRIBE_ALL ||
			    addr_is_domain(keys[i]))
				return (1);
			own = 1;
		}
		if ((rc = addr_route(cur, next, sizeof(next))) == 0)
			return (own ? 2 : 0);
		if (rc < 0 || hop >= ROUTE_HOPS)
			return (1);
		(void)memcpy(cur, next, sizeof(cur));
	}
}

void
confirm_mailbox(const char *addr, char *out, size_t outlen)
{
	char cur[ADDR_BUFSIZE], local[ADDR_BUFSIZE], next[2 * ADDR_BUFSIZE];
	char norm[ADDR_BUFSIZE], err[64];
	const char *at, *p;
	size_t i, n, ll;
	int hop;

	if (strlcpy(cur, addr, sizeof(cur)) >= sizeof(cur)) {
		(void)strlcpy(out, addr, outlen);
		return;
	}
	for (hop = 0; hop < 8; hop++) {
		if ((at = strrchr(cur, '@')) == NULL)
			break;
		/* the local part, unquoted */
		ll = (size_t)(at - cur);
		if (ll >= 2 && cur[0] == '"' && cur[ll - 1] == '"') {
			for (i = 1, n = 0; i + 1 < ll; i++) {
				if (cur[i] == '\\' && i + 2 < ll)
					i++;
				local[n++] = cur[i];
			}
			local[n] = '\0';
		} else {
			memcpy(local, cur, ll);
			local[ll] = '\0';
		}
		if (strchr(local, '@') != NULL)
			(void)snprintf(next, sizeof(next), "%s", local);
		else if ((p = strrchr(local, '%')) != NULL)
			(void)snprintf(next, sizeof(next), "%.*s@%s",
			    (int)(p - local), local, p + 1);
		else if ((p = strchr(local, '!')) != NULL)
			(void)snprintf(next, sizeof(next), "%s@%.*s", p + 1,
			    (int)(p - local), local);
		else
			break;
		if (addr_normalize(next, strlen(next), 0, norm, sizeof(norm),
		    err, sizeof(err)) < 0 || strchr(norm, '@') == NULL)
			break;
		(void)strlcpy(cur, norm, sizeof(cur));
	}
	if (strlcpy(out, cur, outlen) >= outlen)
		(void)strlcpy(out, addr, outlen);
}

int
confirm_provider_forms(const char *box, char forms[2][ADDR_BUFSIZE])
{
	const char *at = strrchr(box, '@'), *r;
	size_t n, i;
	char *w;

	if (at == NULL || box[0] == '"' || (strcasecmp(at + 1, "gmail.com") !=
	    0 && strcasecmp(at + 1, "googlemail.com") != 0))
		return (0);
	n = strcspn(box, "+@");
	if (n + sizeof("@gmail.com") > ADDR_BUFSIZE)
		return (0);
	memcpy(forms[0], box, n);
	memcpy(forms[0] + n, "@gmail.com", sizeof("@gmail.com"));
	for (w = forms[1], r = box, i = 0; i < n; r++, i++)
		if (*r != '.')
			*w++ = *r;
	memcpy(w, "@gmail.com", sizeof("@gmail.com"));
	return (2);
}

/*
 * box_suppressed - 1 when the mailbox BOX that ADDR routes on to is
 * suppressed (suppressed(), its own unsubscribe-all too), or one of the
 * other spellings its provider reads as BOX is, but for the person's
 * own unsubscribe-all (which a confirmation may lift, as for ADDR); 0,
 * or -1
 */
static int
box_suppressed(struct store_txn *tx, const char *addr, const char *box,
    const char *delims)
{
	char forms[2][ADDR_BUFSIZE];
	int i, n, rc;

	if (strcmp(box, addr) != 0 && (rc = suppressed(tx, box, delims)) != 0)
		return (rc < 0 ? -1 : 1);
	n = confirm_provider_forms(box, forms);
	for (i = 0; i < n; i++)
		if (strcmp(forms[i], addr) != 0 && strcmp(forms[i], box) != 0 &&
		    (rc = suppressed(tx, forms[i], delims)) != 0 && rc != 2)
			return (rc < 0 ? -1 : 1);
	return (0);
}

int
confirm_request(struct store_txn *tx, const struct conf *c, const char *addr,
    const struct conf_list *l, int64_t now, const struct change *ch,
    const struct confirm_limit *lim, enum confirm_req *res)
{
	struct consent_rec r;
	struct decision d;
	char box[ADDR_BUFSIZE];
	int rc = 0, all, kept;

	confirm_mailbox(addr, box, sizeof(box));
	if ((all = suppressed(tx, addr, c->recipient_delimiter)) == 1 ||
	    all < 0 || (rc = box_suppressed(tx, addr, box,
	    c->recipient_delimiter)) != 0) {
		*res = CREQ_SUPPRESSED;
		return (all < 0 || rc < 0 ? -1 : 0);
	}
	if (decide(tx, l, addr, c->recipient_delimiter, now, &d) < 0)
		return (-1);
	if (d.verdict == VERDICT_DELIVER) {
		*res = CREQ_ALREADY;
		return (0);
	}
	if ((rc = store_get_consent(tx, addr, l->name, &r)) < 0)
		return (-1);
	/*
	 * Any record but a pending one is kept until the person confirms
	 * (confirm_accept()): their opt-out, a record under their own
	 * unsubscribe-all (which stays as well), and an opt-in or a
	 * relationship that something else holds back (an opt-out of
	 * user@d or @d, an expiry). Whoever asks may be somebody else:
	 * what the person has must not become pending, and then expire.
	 */
	kept = rc == 1 && r.status != STATUS_PENDING;
	if (rc == 1 && r.status == STATUS_PENDING &&
	    now - r.changed < c->confirm_interval &&
	    now - r.changed < c->confirm_ttl && r.changed <= now &&
	    (lim == NULL || r.changed > lim->fresh_since)) {
		*res = CREQ_RECENT;
		return (0);
	}
	/* the limit, asked only now: nothing recorded that is not sent */
	if (lim != NULL && lim->gate != NULL && !lim->gate(lim->arg, l)) {
		*res = CREQ_RECENT;
		return (0);
	}
	if (kept) {
		*res = CREQ_SEND_KEPT;
		return (0);
	}
	if (lim != NULL && lim->no_record) {
		*res = CREQ_SEND;
		return (0);
	}
	memset(&r, 0, sizeof(r));
	r.status = STATUS_PENDING;
	r.changed = now;
	if (store_put_consent(tx, addr, l->name, &r, ch) < 0)
		return (-1);
	*res = CREQ_SEND;
	return (0);
}

int
confirm_out_since(struct store_txn *tx, const char *addr, const char *delims,
    const char *list, int64_t since)
{
	char kbuf[ADDR_KEYS_BUFSIZE];
	const char *keys[3];
	struct consent_rec r;
	int n, i, rc;

	n = addr_keys(addr, delims, kbuf, keys);
	for (i = 0; i < n; i++) {
		if ((rc = store_get_consent(tx, keys[i], list, &r)) < 0)
			return (-1);
		if (rc == 1 && r.status == STATUS_OPT_OUT && r.changed >= since)
			return (1);
	}
	return (0);
}

/*
 * lifted_since - 1 when a suppression of ADDR or its untagged form was
 * lifted at or after ISSUED (an erasure lifted takes with it what was
 * asked before it), 0 when not, -1 on a store error
 */
static int
lifted_since(struct store_txn *tx, const char *addr, const char *delims,
    int64_t issued)
{
	char un[ADDR_BUFSIZE];
	struct bounce_rec b;
	int rc;

	if ((rc = store_get_bounce(tx, addr, &b)) < 0)
		return (-1);
	if (rc == 1 && b.lifted != 0 && b.lifted >= issued)
		return (1);
	if (addr_untag(addr, delims, un, sizeof(un)) != 1)
		return (0);
	if ((rc = store_get_bounce(tx, un, &b)) < 0)
		return (-1);
	return (rc == 1 && b.lifted != 0 && b.lifted >= issued);
}

int
confirm_accept(struct store_txn *tx, const struct conf *c, const char *addr,
    const struct conf_list *l, int64_t issued, int64_t now,
    const struct change *ch, enum confirm_res *res)
{
	struct consent_rec r;
	struct decision d;
	int rc = 0, all;

	if ((all = suppressed(tx, addr, c->recipient_delimiter)) == 1 ||
	    all < 0) {
		*res = CRES_SUPPRESSED;
		return (all < 0 ? -1 : 0);
	}
	/*
	 * the person's own unsubscribe-all stays; an opt-in confirmed by a
	 * link made after it stands over it for this list (decide())
	 */
	if (all == 2 && (issued > now || now - issued >= c->confirm_ttl ||
	    (rc = store_own_all(tx, addr, c->recipient_delimiter, issued,
	    NULL, 0)) != 0)) {
		*res = CRES_SUPPRESSED;
		return (rc < 0 ? -1 : 0);
	}
	/* an opt-out since the link was sent, also of user@d or @d */
	if ((rc = confirm_out_since(tx, addr, c->recipient_delimiter,
	    l->name, issued)) != 0) {
		*res = CRES_OPTED_OUT;
		return (rc < 0 ? -1 : 0);
	}
	if ((rc = store_get_consent(tx, addr, l->name, &r)) < 0)
		return (-1);
	/*
	 * No record: the link, which only a request makes, proves the
	 * request while it lives (pending-max may have kept the request
	 * from being recorded, confirm_request())
	 */
	if (rc == 0 && (issued > now || now - issued >= c->confirm_ttl ||
	    (rc = lifted_since(tx, addr, c->recipient_delimiter, issued)) !=
	    0)) {
		*res = CRES_NOTHING;
		return (rc < 0 ? -1 : 0);
	}
	if (rc == 1) switch (r.status) {
	case STATUS_OPT_IN:
		/*
		 * held back (expired, an opt-out of user@d or @d, or dated
		 * before the person's unsubscribe-all): anew. One that stands
		 * (also over the unsubscribe-all, confirmed since) is not
		 * written again: a replayed link would re-date it and put a
		 * stranger's evidence, or a newer consent-version, on it.
		 */
		if (decide(tx, l, addr, c->recipient_delimiter, now, &d) < 0)
			return (-1);
		if (d.verdict != VERDICT_DELIVER)
			break;
		*res = CRES_ALREADY;
		return (0);
	case STATUS_OPT_OUT:
		/* asked again after the opt-out, which stayed until now */
		if (issued > r.changed && now - issued < c->confirm_ttl &&
		    issued <= now)
			break;
		*res = CRES_OPTED_OUT;
		return (0);
	case STATUS_PENDING:
		/*
		 * expired, read lazily; unless the link is newer and lives
		 * (sent beyond pending-max, which leaves the old record)
		 */
		if (now - r.changed >= c->confirm_ttl && (issued <= r.changed ||
		    issued > now || now - issued >= c->confirm_ttl)) {
			*res = CRES_NOTHING;
			return (0);
		}
		break;
	default:
		/*
		 * a relationship: the person asked for the list itself (the
		 * record was kept when they asked, confirm_request())
		 */
		break;
	}
	memset(&r, 0, sizeof(r));
	r.status = STATUS_OPT_IN;
	r.changed = now;
	if (store_put_consent(tx, addr, l->name, &r, ch) < 0)
		return (-1);
	*res = CRES_CONFIRMED;
	return (0);
}

/* ---------------------------------------------------------- expiry */

struct stale {
	int64_t	before;
	char	(*key)[ADDR_BUFSIZE + CONF_NAME_MAX + 2];
	size_t	n, cap;
	int	oom;
};

static int
collect_stale(void *arg, const char *addr, const char *list,
    const struct consent_rec *r)
{
	struct stale *s = arg;
	size_t al, ll;
	void *nk;

	if (r->status != STATUS_PENDING || r->changed > s->before)
		return (0);
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;

		if ((nk = reallocarray(s->key, cap, sizeof(*s->key))) == NULL) {
			s->oom = 1;
			return (-1);
		}
		s->key = nk;
		s->cap = cap;
	}
	/* address NUL list NUL: both come back out of one slot */
	al = strlen(addr);
	ll = strlen(list);
	if (al + ll + 2 > sizeof(s->key[0]))
		return (0);		/* not a key the store makes */
	memcpy(s->key[s->n], addr, al + 1);
	memcpy(s->key[s->n] + al + 1, list, ll + 1);
	s->n++;
	return (0);
}

int
confirm_expire(struct store_txn *tx, const struct conf *c, int64_t now,
    const struct change *ch, size_t *n)
{
	struct stale s;
	size_t i;
	int rc = 0;

	*n = 0;
	memset(&s, 0, sizeof(s));
	s.before = now - c->confirm_ttl;
	if (store_each_consent(tx, NULL, collect_stale, &s) < 0) {
		free(s.key);
		return (-1);
	}
	for (i = 0; i < s.n && rc == 0; i++) {
		const char *addr = s.key[i];
		const char *list = addr + strlen(addr) + 1;

		if (store_del_consent(tx, addr, list, ch) < 0)
			rc = -1;
		else
			(*n)++;
	}
	free(s.key);
	return (rc);
}

static int
count_pending(void *arg, const char *addr, const char *list,
    const struct consent_rec *r)
{
	(void)addr;
	(void)list;
	if (r->status == STATUS_PENDING)
		(*(size_t *)arg)++;
	return (0);
}

int
confirm_count_pending(struct store_txn *tx, size_t *n)
{
	*n = 0;
	return (store_each_consent(tx, NULL, count_pending, n) < 0 ? -1 : 0);
}

/* ---------------------------------------------------------- message */

struct out {
	char	*buf;
	size_t	len, cap;
	int	overflow;
};

static void
add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->overflow = 1;
		return;
	}
	o->len += (size_t)n;
}

/* ttl_text - "7 days", "1 day", or hours when under a day */
static void
ttl_text(int64_t ttl, char *buf, size_t len)
{
	if (ttl >= 86400)
		(void)snprintf(buf, len, "%lld day%s", (long long)(ttl / 86400),
		    ttl / 86400 == 1 ? "" : "s");
	else
		(void)snprintf(buf, len, "%lld hour%s", (long long)(ttl / 3600),
		    ttl / 3600 == 1 ? "" : "s");
}

size_t
confirm_message(const struct conf *c, const char *addr,
    const struct conf_list *const *lists, const char *const *urls, size_t n,
    int64_t now, const char *msgid, char *buf, size_t len)
{
	struct out o = { buf, 0, len, 0 };
	const char *dom = strrchr(c->confirm_from, '@');
	char date[64], ttl[32];
	time_t t = (time_t)now;
	struct tm tm;
	size_t i;

	if (len == 0 || n == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000",
	    &tm) == 0)
		return (0);
	ttl_text(c->confirm_ttl, ttl, sizeof(ttl));
	add(&o, "From: <%s>\n", c->confirm_from);
	add(&o, "To: <%s>\n", addr);
	add(&o, "Subject: Please confirm your subscription\n");
	add(&o, "Date: %s\n", date);
	add(&o, "Message-ID: <%s@%s>\n", msgid, dom != NULL ? dom + 1 :
	    "localhost");
	add(&o, "MIME-Version: 1.0\n");
	add(&o, "Content-Type: text/plain; charset=utf-8\n");
	add(&o, "Content-Transfer-Encoding: 8bit\n");
	add(&o, "Auto-Submitted: auto-generated\n");
	add(&o, "\n");
	add(&o, "Someone, probably you, asked us to send the following to "
	    "%s.\n", addr);
	add(&o, "To confirm, open the link and press the button on the page:"
	    "\n\n");
	for (i = 0; i < n; i++)
		add(&o, "  %s\n  %s\n\n", lists[i]->description, urls[i]);
	add(&o, "If you did not ask for this, ignore this message: nothing is "
	    "sent\nwithout your confirmation, and the link%s expire%s in %s."
	    "\n", n > 1 ? "s" : "", n > 1 ? "" : "s", ttl);
	if (o.overflow)
		return (0);
	return (o.len);
}
