/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msg_hdr.c - the headers list mail leaves with
 *
 * DESCRIPTION
 *	List-Id, List-Unsubscribe and List-Unsubscribe-Post replace any
 *	the sender wrote; the list header itself is removed by msg_eom().
 *	With a bounce-address, msg_feedback() sets the VERP return path
 *	or adds X-Optin-Feedback.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feedback.h"
#include "listhdr.h"
#include "hdraddr.h"
#include "msg_int.h"

/* add_header - NAME: VALUE (folded) to the result */
static void
add_header(struct msg *m, const char *name, const char *value)
{
	char folded[LISTHDR_BUFSIZE * 2];
	char *v;

	if (m->res.naddhdr >= sizeof(m->res.addhdr) / sizeof(m->res.addhdr[0]))
		return;
	if (listhdr_fold(value, strlen(name), folded, sizeof(folded)) < 0) {
		msg_log(m, "list=%s header %s not added: too long",
		    m->list->name, name);
		return;
	}
	if ((v = msg_keep(m, strdup(folded))) == NULL)
		return;
	m->res.addhdr[m->res.naddhdr].name = name;
	m->res.addhdr[m->res.naddhdr].value = v;
	m->res.naddhdr++;
}

void
msg_del_header(struct msg *m, const char *name, int count)
{
	if (count <= 0)
		return;
	/* a forged header left in place is no answer: fail (tempfail) */
	if (m->res.ndelhdr >= sizeof(m->res.delhdr) /
	    sizeof(m->res.delhdr[0])) {
		m->nomem = 1;
		return;
	}
	m->res.delhdr[m->res.ndelhdr].name = name;
	m->res.delhdr[m->res.ndelhdr].count = count;
	m->res.ndelhdr++;
}

/* msg_list_headers - List-Unsubscribe, -Post and List-Id for list mail */
void
msg_list_headers(struct msg *m, const struct rcpt *only, int64_t now)
{
	const struct conf *c = m->env->conf;
	const struct conf_list *l = m->list;
	char tok[TOKEN_BUFSIZE], val[LISTHDR_BUFSIZE];

	msg_feedback(m, only, now);
	if (l->list_id[0] != '\0') {
		msg_del_header(m, "List-Id", m->n_id_hdr);
		if (listhdr_id(l, val, sizeof(val)) == 0)
			add_header(m, "List-Id", val);
	}
	if (!l->unsubscribe)
		return;
	msg_del_header(m, "List-Unsubscribe", m->n_unsub_hdr);
	msg_del_header(m, "List-Unsubscribe-Post", m->n_post_hdr);
	if (m->env->keys == NULL) {
		msg_log(m, "list=%s no List-Unsubscribe: no token key", l->name);
		return;
	}
	if (token_seal(m->env->keys, l->name, only != NULL ? only->norm : "",
	    now, tok, sizeof(tok)) < 0) {
		msg_log(m, "list=%s no List-Unsubscribe: token failed", l->name);
		return;
	}
	if (listhdr_unsubscribe(c, tok, only != NULL, val, sizeof(val)) < 0) {
		msg_log(m, "list=%s no List-Unsubscribe: several recipients and "
		    "no unsubscribe-mailto", l->name);
		return;
	}
	add_header(m, "List-Unsubscribe", val);
	if (only != NULL && c->unsubscribe_url[0] != '\0')
		add_header(m, "List-Unsubscribe-Post",
		    "List-Unsubscribe=One-Click");
}

/*
 * msg_feedback - with a bounce-address: for one recipient the VERP
 * return path (a feedback token naming recipient, list and time), for
 * several a list-only feedback token in X-Optin-Feedback. A sender's
 * own X-Optin-Feedback never leaves; mail with the null sender keeps it.
 */
void
msg_feedback(struct msg *m, const struct rcpt *only, int64_t now)
{
	const struct conf *c = m->env->conf;
	const struct conf_list *l = m->list;
	char tok[TOKEN_FEEDBACK_BUFSIZE];
	char path[TOKEN_FEEDBACK_BUFSIZE + ADDR_BUFSIZE + 4];

	if (c->bounce_address[0] == '\0')
		return;
	msg_del_header(m, MSG_FEEDBACK_HEADER, m->n_fb_hdr);
	if (m->env->keys == NULL || token_seal_feedback(m->env->keys, l->name,
	    only != NULL ? only->norm : "", now, tok, sizeof(tok)) < 0) {
		msg_log(m, "list=%s no return path: token failed", l->name);
		return;
	}
	if (only == NULL) {
		add_header(m, MSG_FEEDBACK_HEADER, tok);
		return;
	}
	if (m->from[0] == '\0')
		return;		/* <> asks for no bounces: keep it */
	path[0] = '<';
	if (feedback_return_path(c, tok, path + 1, sizeof(path) - 2) < 0 ||
	    strlcat(path, ">", sizeof(path)) >= sizeof(path)) {
		msg_log(m, "list=%s no return path: too long", l->name);
		return;
	}
	m->res.chgfrom = msg_keep(m, strdup(path));
}

/*
 * msg_split_mark - hand the message to the one-per-recipient re-injection:
 * the list header, naming the list, is added back (msg_eom() removed the
 * sender's). Postfix's milter_header_checks sees only headers a milter
 * added and FILTERs the message to the split transport; the copy that
 * comes back is classified by this header, also when the first pass
 * matched the SASL login, which the re-injection does not carry.
 */
void
msg_split_mark(struct msg *m)
{
	char *v;

	if (m->res.naddhdr >= sizeof(m->res.addhdr) / sizeof(m->res.addhdr[0]))
		return;
	if ((v = msg_keep(m, strdup(m->list->name))) == NULL)
		return;
	m->res.addhdr[m->res.naddhdr].name = m->env->conf->list_header;
	m->res.addhdr[m->res.naddhdr].value = v;
	m->res.naddhdr++;
}

/* hidden - 1 when NORM is a recipient that was denied and none delivered */
static int
hidden(void *arg, const char *norm)
{
	const struct msg *m = arg;
	size_t i;
	int denied = 0;

	for (i = 0; i < m->nrcpts; i++) {
		const struct rcpt *rc = &m->rcpts[i];

		if (!rc->norm_ok || rc->unsub || strcmp(rc->norm, norm) != 0)
			continue;
		if (!rc->rejected && rc->d.verdict == VERDICT_DELIVER)
			return (0);	/* also delivered: it stays */
		denied = 1;
	}
	return (denied);
}

/* mentions_denied - V holds, in any case, a denied recipient's address */
static int
mentions_denied(const struct msg *m, const char *v)
{
	size_t i, j, vl = strlen(v), al;

	for (i = 0; i < m->nrcpts; i++) {
		const struct rcpt *rc = &m->rcpts[i];

		if (!rc->norm_ok || rc->unsub || !hidden((void *)m, rc->norm))
			continue;
		al = strlen(rc->norm);
		for (j = 0; al > 0 && j + al <= vl; j++)
			if (strncasecmp(v + j, rc->norm, al) == 0)
				return (1);
	}
	return (0);
}

/*
 * msg_hide_stripped - To: and Cc: without the recipients that were
 * stripped or refused, so that the copies that go out do not show who
 * was held back (hide-stripped). A value that does not parse with
 * certainty is left alone when it names none of them, and replaced by
 * "undisclosed-recipients:;" when it does or when it is too long to be
 * read (privacy first). -1 when there are more To: or Cc: headers than
 * can be read (RFC 5322 allows one of each): the message is refused.
 */
_Static_assert(sizeof(((struct msg_result *)0)->sethdr) /
    sizeof(struct msg_header_set) >= 2 * MSG_ADDRHDR_MAX,
    "sethdr holds every To: and Cc: header hide-stripped edits");

int
msg_hide_stripped(struct msg *m)
{
	static const char *const names[2] = { "To", "Cc" };
	const char *v;
	char *nv;
	int w, i, n;

	for (w = 0; w < 2; w++) {
		if (m->naddrhdr[w] > MSG_ADDRHDR_MAX) {
			msg_log(m, "list=%s hide-stripped: %d %s headers, more "
			    "than %d: message refused", m->list->name,
			    m->naddrhdr[w], names[w], MSG_ADDRHDR_MAX);
			return (-1);
		}
		for (i = 0; i < m->naddrhdr[w]; i++) {
			if ((v = m->addrhdr[w][i]) == NULL) {
				msg_log(m, "list=%s hide-stripped: %s header %d "
				    "too long to read: replaced by "
				    "undisclosed-recipients:;", m->list->name,
				    names[w], i + 1);
				n = -1;
			} else if ((n = hdraddr_drop(v, strlen(v), hidden, m,
			    &nv)) < 0 && !mentions_denied(m, v)) {
				msg_log(m, "list=%s hide-stripped: %s header %d "
				    "left as it is (does not parse)",
				    m->list->name, names[w], i + 1);
				continue;
			} else if (n < 0)
				/* privacy first: nobody rather than a held-back one */
				msg_log(m, "list=%s hide-stripped: %s header %d "
				    "does not parse and shows a stripped address: "
				    "replaced by undisclosed-recipients:;",
				    m->list->name, names[w], i + 1);
			if (n < 0) {
				if ((nv = strdup("undisclosed-recipients:;")) ==
				    NULL) {
					m->nomem = 1;
					return (0);
				}
				n = 1;
			}
			if (n == 0)
				continue;
			if (msg_keep(m, nv) == NULL)
				return (0);
			/* 2 * MSG_ADDRHDR_MAX: never full */
			m->res.sethdr[m->res.nsethdr].name = names[w];
			m->res.sethdr[m->res.nsethdr].index = i + 1;
			m->res.sethdr[m->res.nsethdr].value = nv;
			m->res.nsethdr++;
		}
	}
	return (0);
}

/*
 * msg_dkim_header - keep the h= tag of a DKIM-Signature (RFC 6376 3.5:
 * tag=value pairs separated by ';', white space allowed around them) as
 * ":name:name:", lower case, without white space; a signature without
 * one, or past MSG_DKIM_MAX, is not kept (and never removed)
 */
void
msg_dkim_header(struct msg *m, const char *value)
{
	const char *p = value, *t, *e;
	char *h;
	size_t n;
	int idx = m->n_dkim++, found = 0;

	if (idx >= MSG_DKIM_MAX)
		return;
	while (*p != '\0' && !found) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		t = p;
		while (*p != '\0' && *p != '=' && *p != ';')
			p++;
		/* the tag name, without the white space before '=' */
		for (e = p; e > t && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r' || e[-1] == '\n'); e--)
			;
		if (*p == '=') {
			p++;
			/* tag names are case-sensitive (RFC 6376 3.2) */
			if (e - t == 1 && *t == 'h') {
				found = 1;
				break;
			}
			while (*p != '\0' && *p != ';')
				p++;
		}
		if (*p == ';')
			p++;
	}
	if (!found)
		return;
	n = strcspn(p, ";");
	if ((h = malloc(n + 3)) == NULL) {
		m->nomem = 1;
		return;
	}
	h[0] = ':';
	n = 1;
	for (; *p != '\0' && *p != ';'; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			h[n++] = (char)((*p >= 'A' && *p <= 'Z') ?
			    *p - 'A' + 'a' : *p);
	h[n++] = ':';
	h[n] = '\0';
	m->dkim_h[idx] = msg_keep(m, h);
}

/* signs - does the h= list H name header NAME? */
static int
signs(const char *h, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = h; (p = strchr(p, ':')) != NULL && p[1] != '\0'; p++)
		if (strncasecmp(p + 1, name, n) == 0 && p[1 + n] == ':')
			return (1);
	return (0);
}

/*
 * msg_dkim_broken - a signature that signs a header this result deletes,
 * adds or changes no longer verifies (also one that signs a header's
 * absence, oversigned, when one is added). Verifiers ignore such a
 * signature (RFC 6376 6.1), but it is counted against the mail in
 * places: it goes, and the signer after optin-milter signs anew. The
 * split's first pass signs List-Unsubscribe, which every copy's pass
 * replaces.
 */
void
msg_dkim_broken(struct msg *m)
{
	struct msg_result *r = &m->res;
	int i, hit;
	size_t k;

	unsigned char del[MSG_DKIM_MAX] = { 0 };
	int n = m->n_dkim < MSG_DKIM_MAX ? m->n_dkim : MSG_DKIM_MAX, any = 0;

	r->ndeldkim = 0;
	for (i = 0; i < n; i++) {
		if (m->dkim_h[i] == NULL)
			continue;
		hit = 0;
		for (k = 0; k < r->ndelhdr && !hit; k++)
			hit = r->delhdr[k].count > 0 &&
			    signs(m->dkim_h[i], r->delhdr[k].name);
		for (k = 0; k < r->naddhdr && !hit; k++)
			hit = signs(m->dkim_h[i], r->addhdr[k].name);
		for (k = 0; k < r->nsethdr && !hit; k++)
			hit = signs(m->dkim_h[i], r->sethdr[k].name);
		any |= del[i] = (unsigned char)hit;
	}
	/* a signature of the signatures breaks when one of them goes */
	for (i = 0; any && i < n; i++)
		if (m->dkim_h[i] != NULL && signs(m->dkim_h[i],
		    "DKIM-Signature"))
			del[i] = 1;
	while (n-- > 0)
		if (del[n])
			r->deldkim[r->ndeldkim++] = n + 1;
}
