/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unsub.c - record unsubscribes; find the token in a mailto Subject
 */
#include "config.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#include "addr.h"
#include "confirm.h"
#include "decide.h"
#include "model.h"
#include "unsub.h"

/*
 * put_opt_out - opt-out for KEY unless it is opted out already; with
 * RENEW, an older opt-out is written again with the change's time, so
 * that it outlives what was recorded or sent since (decide(), and a
 * confirmation link asked for since, confirm_accept()). 1 written, 0
 * not, -1 error.
 */
static int
put_opt_out(struct store_txn *tx, const char *key, const char *list,
    const struct change *ch, int renew)
{
	struct consent_rec r;
	int64_t now = ch->time != 0 ? ch->time : (int64_t)time(NULL);
	int rc;

	if ((rc = store_get_consent(tx, key, list, &r)) < 0)
		return (-1);
	if (rc == 1 && r.status == STATUS_OPT_OUT &&
	    (!renew || r.changed >= now))
		return (0);		/* same second: no new history */
	memset(&r, 0, sizeof(r));
	r.status = STATUS_OPT_OUT;
	return (store_put_consent(tx, key, list, &r, ch) < 0 ? -1 : 1);
}

int
unsub_list(struct store_txn *tx, const char *addr, const char *list,
    const char *delims, const struct change *ch)
{
	char untagged[ADDR_BUFSIZE];
	int rc;

	if ((rc = put_opt_out(tx, addr, list, ch, 1)) < 0)
		return (-1);
	/*
	 * user@d too, and again when it opted out before: user+tag2@d's
	 * later opt-in would otherwise still stand over it
	 */
	if (addr_untag(addr, delims, untagged, sizeof(untagged)) == 1 &&
	    put_opt_out(tx, untagged, list, ch, rc == 1) < 0)
		return (-1);
	return (0);
}

struct unsub_job {
	const char *addr, *list, *delims;
	const struct change *ch;
};

static int
do_unsub(struct store_txn *tx, void *arg)
{
	struct unsub_job *j = arg;

	return (unsub_list(tx, j->addr, j->list, j->delims, j->ch));
}

int
unsub_list_write(struct store *st, const char *addr, const char *list,
    const char *delims, const struct change *ch, char *err, size_t errlen)
{
	struct unsub_job j = { addr, list, delims, ch };

	return (store_write(st, do_unsub, &j, err, errlen) < 0 ? -1 : 0);
}

/*
 * put_supp_all - unsubscribe-all for KEY, dated now also when it has one
 * already (an opt-in confirmed since stands over the older date,
 * decide()); another suppression already on file stays, with the
 * request kept under it (store_put_suppression()). Not when one of this
 * second is on file: dated anew it would be the same, and each request
 * would add a history record, as fast as they come (put_opt_out()).
 */
static int
put_supp_all(struct store_txn *tx, const char *key, const struct change *ch)
{
	struct supp_rec s;
	int64_t now = ch->time != 0 ? ch->time : (int64_t)time(NULL), at;
	int rc;

	if ((rc = store_get_suppression(tx, key, &s)) < 0)
		return (-1);
	if (rc == 1) {
		at = s.reason == SUPP_UNSUBSCRIBE_ALL ? s.changed :
		    s.all_changed;
		if (at != 0 && at >= now)
			return (0);	/* same second: no new history */
	}
	memset(&s, 0, sizeof(s));
	s.reason = SUPP_UNSUBSCRIBE_ALL;
	return (store_put_suppression(tx, key, &s, ch));
}

int
unsub_all(struct store_txn *tx, const char *addr, const char *delims,
    const struct change *ch)
{
	char untagged[ADDR_BUFSIZE];

	if (put_supp_all(tx, addr, ch) < 0)
		return (-1);
	if (addr_untag(addr, delims, untagged, sizeof(untagged)) == 1 &&
	    put_supp_all(tx, untagged, ch) < 0)
		return (-1);
	return (0);
}

int
unsub_all_state(struct store_txn *tx, const char *addr, const char *delims)
{
	return (store_own_all(tx, addr, delims, 0, NULL, 0));
}

/*
 * opt_in - the person's express request for LIST. Only where no opt-out
 * holds ADDR back (unsub_prefs() sends the others a confirmation), so
 * a record dated now stands.
 */
static int
opt_in(struct store_txn *tx, const char *addr, const char *list,
    const struct change *ch)
{
	struct consent_rec r;

	memset(&r, 0, sizeof(r));
	r.status = STATUS_OPT_IN;
	return (store_put_consent(tx, addr, list, &r, ch));
}

/*
 * confirm_list - a checked list that needs a confirmation: pending, and
 * a message to send (policy/confirm.c decides both)
 */
static int
confirm_list(struct store_txn *tx, const struct conf *c, const char *addr,
    const struct conf_list *l, struct unsub_prefs *p, size_t i,
    const struct change *ch, int64_t now)
{
	enum confirm_req res;

	if (!p->can_send) {
		p->held++;
		return (0);
	}
	if (confirm_request(tx, c, addr, l, now, ch, p->limit, &res) < 0)
		return (-1);
	switch (res) {
	case CREQ_SEND:
		p->send[i] = 1;
		p->changed++;
		p->waiting++;
		break;
	case CREQ_SEND_KEPT:
		/* the person's own token: their opt-out stays until then */
		p->send[i] = 1;
		p->waiting++;
		break;
	case CREQ_RECENT:
		p->waiting++;		/* a confirmation is on its way */
		break;
	case CREQ_SUPPRESSED:
		p->blocked++;
		break;
	case CREQ_ALREADY:
		break;
	}
	return (0);
}

int
unsub_prefs(struct store_txn *tx, const struct conf *c, const char *addr,
    struct unsub_prefs *p, const struct change *ch, int64_t now)
{
	const char *delims = c->recipient_delimiter;
	struct decision d;
	size_t i;

	p->changed = p->blocked = p->waiting = p->held = p->kept_all = 0;
	p->not_added = 0;
	/* from the start each time store_write() runs the transaction */
	if (p->send != NULL)
		memset(p->send, 0, c->nlists);
	if (p->left != NULL)
		memset(p->left, 0, c->nlists);
	if (p->all) {
		/*
		 * it wins over the lists checked with it; those the person
		 * did not receive before are counted, to be told (the page
		 * shows the lists received as checked)
		 */
		for (i = 0; i < c->nlists; i++) {
			if (!p->want[i] || !c->lists[i].unsubscribe)
				continue;
			if (decide(tx, &c->lists[i], addr, delims, now, &d) < 0)
				return (-1);
			if (d.verdict != VERDICT_DELIVER)
				p->not_added++;
		}
		/* again: dated anew, over the lists confirmed since */
		if (unsub_all(tx, addr, delims, ch) < 0)
			return (-1);
		p->changed++;
		return (0);
	}
	/*
	 * not lifted here: a token travels with every copy of its message.
	 * A list ticked under it asks for a confirmation; the opt-in it
	 * records stands over the unsubscribe-all for that list (decide()).
	 */
	for (i = 0; i < c->nlists; i++) {
		const struct conf_list *l = &c->lists[i];

		if (!l->unsubscribe)
			continue;
		if (decide(tx, l, addr, delims, now, &d) < 0)
			return (-1);
		if (!p->want[i] && d.verdict == VERDICT_DELIVER) {
			if (unsub_list(tx, addr, l->name, delims, ch) < 0)
				return (-1);
			if (p->left != NULL)
				p->left[i] = 1;
			p->changed++;
		} else if (p->want[i] && d.verdict == VERDICT_DENY) {
			if (d.reason == REASON_SUPPRESSED &&
			    d.supp != SUPP_UNSUBSCRIBE_ALL) {
				p->blocked++;	/* bounce, complaint, ...: not ours */
				continue;
			}
			if (d.reason == REASON_SUPPRESSED)
				p->kept_all = 1;	/* stays: a confirmation */
			/*
			 * undoing an opt-out or unsubscribe-all takes the
			 * person's confirmation, and so does any list under
			 * preference-optin confirm, the token's own too (its
			 * consent expired, ended or was never given):
			 * whoever holds a copy may be somebody else
			 */
			if (d.reason == REASON_SUPPRESSED ||
			    d.reason == REASON_OPTED_OUT || p->confirm) {
				if (confirm_list(tx, c, addr, l, p, i, ch,
				    now) < 0)
					return (-1);
				continue;
			}
			if (opt_in(tx, addr, l->name, ch) < 0)
				return (-1);
			p->changed++;
		}
	}
	return (0);
}

static int
is_b64url(char c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_');
}

size_t
unsub_subject_token(const char *subj, size_t len, char *out, size_t outlen)
{
	size_t i, s, best = 0, best_at = 0, from = 0;

	/* look after the word "unsubscribe" when it is there */
	for (i = 0; i + 11 <= len; i++)
		if (strncasecmp(subj + i, "unsubscribe", 11) == 0) {
			from = i + 11;
			break;
		}
	i = from;
	while (i < len) {
		/* an undecoded "%20" separates like a space */
		if (subj[i] == '%' && i + 2 < len && subj[i + 1] == '2' &&
		    subj[i + 2] == '0') {
			i += 3;
			continue;
		}
		if (!is_b64url(subj[i])) {
			i++;
			continue;
		}
		for (s = i; i < len && is_b64url(subj[i]); i++)
			;
		if (i - s > best) {
			best = i - s;
			best_at = s;
		}
	}
	if (best < 40 || best >= outlen)
		return (0);
	memcpy(out, subj + best_at, best);
	out[best] = '\0';
	return (best);
}
