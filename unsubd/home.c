/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * home.c - optin-unsubd's front page, and whether a person has left a
 * list already
 *
 * SYNOPSIS
 *	GET / , HEAD /
 *
 * DESCRIPTION
 *	GET / answers a short page that says what the service is: someone
 *	who follows a link cut short, or a postmaster trying the address,
 *	learns where they are without learning anything about anybody.
 *	It names the organisation and links its privacy policy when the
 *	configuration has them (organisation, privacy-url).
 *
 *	u_unsubscribed() tells the /u/ page that the person has already
 *	left the list (an opt-out, or their own unsubscribe-all), so that
 *	it says so instead of offering the button again.
 */
#include "config.h"

#include <time.h>

#include "decide.h"
#include "http.h"
#include "model.h"

enum MHD_Result
home_get(struct MHD_Connection *conn, const struct unsubd_env *env)
{
	struct buf b = { 0 };
	const struct conf *c = env->conf;

	page_begin(&b, "Unsubscribe service");
	buf_add(&b, "<h1>Unsubscribe service</h1>\n<p>This service handles "
	    "the unsubscribe and preference links in the emails ");
	if (c->organisation[0] != '\0') {
		buf_html(&b, c->organisation);
		buf_add(&b, " sends");
	} else
		buf_add(&b, "this organisation sends");
	buf_add(&b, ". Each link is personal; to unsubscribe, use the link "
	    "at the bottom of an email you received, or your mail "
	    "program's unsubscribe button.</p>\n<p>There is nothing else "
	    "here.</p>\n");
	page_footer(&b, c);
	page_end(&b);
	return (respond(conn, 200, "text/html; charset=utf-8", &b, NULL));
}

int
u_unsubscribed(const struct unsubd_env *env, const struct token *t)
{
	const struct conf_list *l;
	struct store_txn *tx;
	struct decision d;
	char err[256];
	int rc;

	if (env->store == NULL ||
	    (l = conf_find_list(env->conf, t->list)) == NULL ||
	    store_read_begin(env->store, &tx, err, sizeof(err)) < 0)
		return (-1);
	rc = decide(tx, l, t->rcpt, env->conf->recipient_delimiter,
	    (int64_t)time(NULL), &d);
	store_read_end(tx);
	if (rc < 0)
		return (-1);
	return (d.verdict == VERDICT_DENY && (d.reason == REASON_OPTED_OUT ||
	    (d.reason == REASON_SUPPRESSED && d.supp == SUPP_UNSUBSCRIBE_ALL)));
}
