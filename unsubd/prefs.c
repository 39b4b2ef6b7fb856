/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * prefs.c - the preference page: GET /p/TOKEN shows every list with
 * "unsubscribe yes" and the person's state on it, POST /p/TOKEN applies
 * the form with unsub_prefs() (policy/unsub.c, where the rules live)
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <microhttpd.h>

#include "addr.h"
#include "decide.h"
#include "form.h"
#include "model.h"
#include "unsub.h"
#include "unsubd.h"
#include "http.h"

/* the form as it arrives: one entry of want per configured list */
struct prefs {
	const struct conf *conf;
	unsigned char *want;
	int	all;
	int	saw_form;
};

static int
prefs_field(void *arg, const char *name, const char *value)
{
	struct prefs *p = arg;
	size_t i;

	if (strcmp(name, "form") == 0 && strcmp(value, "preferences") == 0)
		p->saw_form = 1;
	else if (strcmp(name, "all") == 0 && strcmp(value, "1") == 0)
		p->all = 1;
	else if (strcmp(name, "list") == 0)
		for (i = 0; i < p->conf->nlists; i++)
			if (strcmp(p->conf->lists[i].name, value) == 0)
				p->want[i] = 1;
	return (0);
}

struct prefs_job {
	const struct conf *conf;
	const char *addr;
	struct unsub_prefs up;
	struct change ch;
};

static int
do_prefs(struct store_txn *tx, void *arg)
{
	struct prefs_job *j = arg;

	return (unsub_prefs(tx, j->conf, j->addr, &j->up, &j->ch,
	    (int64_t)time(NULL)));
}

/* prefs_page - the form with the current state of ADDR */
static enum MHD_Result
prefs_page(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *addr, const char *note)
{
	const struct conf *c = env->conf;
	struct store_txn *tx;
	struct decision d;
	struct buf b = { 0 };
	char err[256], masked[ADDR_BUFSIZE];
	size_t i;
	int all;

	if (env->store == NULL ||
	    store_read_begin(env->store, &tx, err, sizeof(err)) < 0)
		return (unavailable(conn));
	if ((all = unsub_all_state(tx, addr, c->recipient_delimiter)) < 0)
		goto dberr;
	addr_mask(addr, masked, sizeof(masked));
	page_begin(&b, "Email preferences");
	buf_add(&b, "<h1>Email preferences</h1>\n<p>For ");
	buf_html(&b, masked);
	buf_add(&b, "</p>\n");
	if (note != NULL) {
		buf_add(&b, "<p class=\"note\">");
		buf_html(&b, note);
		buf_add(&b, "</p>\n");
	}
	buf_add(&b, "<form method=\"post\" action=\"\">\n"
	    "<input type=\"hidden\" name=\"form\" value=\"preferences\">\n"
	    "<fieldset>\n");
	for (i = 0; i < c->nlists; i++) {
		const struct conf_list *l = &c->lists[i];
		const char *state;

		if (!l->unsubscribe && !all)
			continue;
		if (decide(tx, l, addr, c->recipient_delimiter,
		    (int64_t)time(NULL), &d) < 0)
			goto dberr;
		/*
		 * a list confirmed since stands over the unsubscribe-all,
		 * also one not shown here (unsubscribe no): the box shows
		 * it, and a save does not make it again
		 */
		if (d.verdict == VERDICT_DELIVER && (l->consent !=
		    CONSENT_NONE || (l->honor & SUPP_BIT(SUPP_UNSUBSCRIBE_ALL))))
			all = 0;
		if (!l->unsubscribe)
			continue;
		state = d.verdict == VERDICT_DELIVER ? "You receive these." :
		    d.reason == REASON_SUPPRESSED && d.supp !=
		    SUPP_UNSUBSCRIBE_ALL ? "Paused: we cannot deliver to this "
		    "address." : d.reason == REASON_PENDING ? "Waiting for "
		    "your confirmation: see the message we sent you." :
		    "You do not receive these.";
		buf_add(&b, "<label><input type=\"checkbox\" name=\"list\" "
		    "value=\"");
		buf_html(&b, l->name);
		buf_addf(&b, "\"%s> <span>", d.verdict == VERDICT_DELIVER ?
		    " checked" : "");
		buf_html(&b, l->description);
		buf_add(&b, "<span class=\"state\">");
		buf_html(&b, state);
		buf_add(&b, "</span></span></label>\n");
	}
	buf_addf(&b, "<label><input type=\"checkbox\" name=\"all\" value=\"1\""
	    "%s> <span>Unsubscribe from all of the above<span class=\"state\">"
	    "Messages you asked for, such as receipts and support replies, "
	    "still reach you.</span></span></label>\n", all ? " checked" : "");
	buf_add(&b, "</fieldset>\n<button type=\"submit\" name=\"save\" "
	    "value=\"1\">Save preferences</button>\n</form>\n");
	page_footer(&b, c);
	page_end(&b);
	store_read_end(tx);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
dberr:
	ulog(LOG_ERR, "preferences: %s", store_txn_error(tx));
	store_read_end(tx);
	buf_free(&b);
	return (unavailable(conn));
}

enum MHD_Result
p_get(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok)
{
	struct token t;

	if (!open_token(env, tok, &t))
		return (bad_link(conn));
	return (prefs_page(conn, env, t.rcpt, NULL));
}

enum MHD_Result
p_post(struct MHD_Connection *conn, const struct unsubd_env *env,
    const char *tok, const struct req *rq)
{
	struct prefs p;
	struct prefs_job j;
	struct token t;
	const struct conf_list *sel[16];
	struct mailbox_gate g;
	struct confirm_limit lim;
	unsigned char *send;
	char err[256], ev[STORE_EVIDENCE_MAX], note[600];
	size_t i, n, k;
	const char *ctype;
	enum MHD_Result ret;

	if (!open_token(env, tok, &t))
		return (bad_link(conn));
	memset(&p, 0, sizeof(p));
	p.conf = env->conf;
	if ((p.want = calloc(env->conf->nlists + 1, 1)) == NULL)
		return (MHD_NO);
	/* send[0..n] confirmations to send, send[n+1..] lists left, then
	 * the gate's answers */
	if ((send = calloc(3 * (env->conf->nlists + 1), 1)) == NULL) {
		free(p.want);
		return (MHD_NO);
	}
	ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "Content-Type");
	if (form_parse(ctype, rq->body, rq->len, prefs_field, &p, err,
	    sizeof(err)) < 0 || !p.saw_form) {
		free(p.want);
		free(send);
		return (error_page(conn, 400, "Not understood",
		    "This request is not the preference form.", NULL));
	}
	if (env->store == NULL) {
		free(p.want);
		free(send);
		return (unavailable(conn));
	}
	evidence(conn, env->conf, "POST /p/", ev, sizeof(ev));
	memset(&j, 0, sizeof(j));
	j.conf = env->conf;
	j.addr = t.rcpt;
	j.up.want = p.want;
	j.up.all = p.all;
	j.up.confirm = env->conf->preference_optin == PREF_OPTIN_CONFIRM;
	/* an address beginning with '-' is never given to sendmail(1) */
	j.up.can_send = env->conf->confirm_from[0] != '\0' &&
	    env->conf->confirm_url[0] != '\0' && t.rcpt[0] != '-';
	j.up.send = send;
	j.up.left = send + env->conf->nlists + 1;
	/* a forwarded token may be used again and again: one per interval */
	g.conf = env->conf;
	g.addr = t.rcpt;
	g.asked = send + 2 * (env->conf->nlists + 1);
	memset(&lim, 0, sizeof(lim));
	lim.gate = mailbox_gate;
	lim.arg = &g;
	lim.fresh_since = unsubd_started;
	j.up.limit = &lim;
	j.ch.actor = ACTOR_UNSUBD;
	j.ch.source = "preferences";
	j.ch.evidence = ev;
	if (store_write(env->store, do_prefs, &j, err, sizeof(err)) < 0) {
		ulog(LOG_ERR, "preferences rcpt=<%s>: %s", t.rcpt, err);
		free(p.want);
		free(send);
		return (unavailable(conn));
	}
	free(p.want);
	ulog(LOG_INFO, "preferences rcpt=<%s> changes=%d all=%d waiting=%d "
	    "held=%d %s", t.rcpt, j.up.changed, j.up.all, j.up.waiting,
	    j.up.held, ev);
	/* one line per list left, as a one-click logs it (optinctl report) */
	for (i = 0; i < env->conf->nlists; i++)
		if (j.up.left[i])
			ulog(LOG_INFO, "unsubscribe list=%s rcpt=<%s> "
			    "result=opt-out channel=preferences %s",
			    env->conf->lists[i].name, t.rcpt, ev);
	/* every list recorded pending gets its link: 16 to a message */
	for (i = 0, n = 0, k = 0; i <= env->conf->nlists; i++) {
		if (i < env->conf->nlists && send[i])
			sel[k++] = &env->conf->lists[i];
		if (k == 16 || (i == env->conf->nlists && k > 0)) {
			if (confirm_send(env, t.rcpt, sel, k) < 0)
				ulog(LOG_ERR, "preferences rcpt=<%s>: no "
				    "confirmation queued", t.rcpt);
			n += k;
			k = 0;
		}
	}
	free(send);
	note[0] = '\0';
	(void)strlcat(note, j.up.blocked || j.up.waiting || j.up.held ||
	    j.up.kept_all ? "Saved." :
	    "Your preferences are saved. They take effect at once.",
	    sizeof(note));
	/* none sent now: one went out within confirm-interval */
	if (j.up.waiting)
		(void)strlcat(note, n > 0 ? " We have sent you a message to "
		    "confirm the lists you added: they start once you "
		    "confirm." : " A message to confirm the lists you added "
		    "went to you recently: they start once you confirm with "
		    "it.", sizeof(note));
	if (j.up.kept_all)
		(void)strlcat(note, j.up.can_send ? " Your unsubscribe from "
		    "all stays: a list you ticked starts once you confirm "
		    "it, by the message we send you." : " Your unsubscribe "
		    "from all stays: it cannot be lifted from this page.",
		    sizeof(note));
	if (j.up.held)
		(void)strlcat(note, " Some lists you ticked cannot be added "
		    "from this page.", sizeof(note));
	if (j.up.blocked)
		(void)strlcat(note, " Some lists stay paused because mail to "
		    "this address could not be delivered before.",
		    sizeof(note));
	/* "all" wins over the lists ticked with it: say so */
	if (j.up.not_added > 0)
		(void)strlcat(note, " You are unsubscribed from all lists, so "
		    "the lists you ticked were not added. To receive them, "
		    "untick \"Unsubscribe from all\" and save again.",
		    sizeof(note));
	ret = prefs_page(conn, env, t.rcpt, note);
	return (ret);
}
