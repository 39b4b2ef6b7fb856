/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf_list.c - the list NAME { ... } blocks of the configuration
 *
 * SYNOPSIS
 *	#include "conf_check.h"
 *
 * DESCRIPTION
 *	Reads the statements of one list block (description, consent,
 *	list-id, unsubscribe, honor, match) and applies the defaults that
 *	depend on the consent kind. Every refusal names FILE:LINE.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_check.h"
#include "model.h"

enum { L_DESC, L_CONSENT, L_LISTID, L_UNSUB, L_HONOR, L_SUB, L_CTEXT,
	L_CVERSION, L_NSEEN };

/* apply_list_stmt - one statement inside list NAME { } */
static int
apply_list_stmt(struct lexer *lx, struct conf_list *l, const struct stmt *st,
    unsigned char *seen)
{
	const char *kw = st->arg[0];
	int i, idx;

	if (strcmp(kw, "match") == 0) {
		struct conf_match m, *nm;
		char aerr[128];

		memset(&m, 0, sizeof(m));
		if (st->nargs < 2)
			return (conf_perr(lx, st->line,
			    "match needs header, sender or auth"));
		if (strcmp(st->arg[1], "header") == 0) {
			if (st->nargs != 4)
				return (conf_perr(lx, st->line,
				    "match header takes a name and a value"));
			if (conf_check_header_name(st->arg[2]) < 0)
				return (conf_perr(lx, st->line,
				    "match header: bad header name \"%s\"",
				    st->arg[2]));
			m.type = MATCH_HEADER;
			(void)strlcpy(m.name, st->arg[2], sizeof(m.name));
			if (strlcpy(m.value, st->arg[3], sizeof(m.value)) >=
			    sizeof(m.value))
				return (conf_perr(lx, st->line,
				    "match header: value too long"));
		} else if (strcmp(st->arg[1], "sender") == 0) {
			if (st->nargs != 3)
				return (conf_perr(lx, st->line,
				    "match sender takes one address or @domain"));
			m.type = MATCH_SENDER;
			if (addr_normalize(st->arg[2], strlen(st->arg[2]),
			    ADDR_ALLOW_DOMAIN, m.value, sizeof(m.value), aerr,
			    sizeof(aerr)) < 0)
				return (conf_perr(lx, st->line, "match sender: %s",
				    aerr));
		} else if (strcmp(st->arg[1], "auth") == 0) {
			if (st->nargs != 3)
				return (conf_perr(lx, st->line,
				    "match auth takes one login name"));
			m.type = MATCH_AUTH;
			if (strlcpy(m.value, st->arg[2], sizeof(m.value)) >=
			    sizeof(m.value) || st->arg[2][0] == '\0')
				return (conf_perr(lx, st->line,
				    "match auth: bad login name"));
		} else
			return (conf_perr(lx, st->line,
			    "match: \"%s\" is not header, sender or auth",
			    st->arg[1]));
		nm = reallocarray(l->matches, l->nmatches + 1, sizeof(*nm));
		if (nm == NULL)
			return (conf_perr(lx, st->line, "out of memory"));
		l->matches = nm;
		l->matches[l->nmatches++] = m;
		return (0);
	}

	if (strcmp(kw, "description") == 0)
		idx = L_DESC;
	else if (strcmp(kw, "consent") == 0)
		idx = L_CONSENT;
	else if (strcmp(kw, "list-id") == 0)
		idx = L_LISTID;
	else if (strcmp(kw, "unsubscribe") == 0)
		idx = L_UNSUB;
	else if (strcmp(kw, "honor") == 0 || strcmp(kw, "honour") == 0)
		idx = L_HONOR;
	else if (strcmp(kw, "subscribe") == 0)
		idx = L_SUB;
	else if (strcmp(kw, "consent-text") == 0)
		idx = L_CTEXT;
	else if (strcmp(kw, "consent-version") == 0)
		idx = L_CVERSION;
	else
		return (conf_perr(lx, st->line, "unknown keyword \"%s\" in list %s",
		    kw, l->name));
	if (seen[idx])
		return (conf_perr(lx, st->line, "duplicate keyword %s in list %s",
		    kw, l->name));
	seen[idx] = 1;
	if (st->nargs < 2)
		return (conf_perr(lx, st->line, "%s needs a value", kw));
	if (idx != L_HONOR && st->nargs > 2)
		return (conf_perr(lx, st->line, "%s takes one value", kw));

	switch (idx) {
	case L_DESC:
		if (strlcpy(l->description, st->arg[1], sizeof(l->description))
		    >= sizeof(l->description))
			return (conf_perr(lx, st->line, "description too long "
			    "(%zu octets at most)", sizeof(l->description) - 1));
		break;
	case L_CONSENT:
		if ((l->consent = consent_kind_parse(st->arg[1])) == 0)
			return (conf_perr(lx, st->line, "consent: \"%s\" is not one "
			    "of express | relationship | none", st->arg[1]));
		break;
	case L_LISTID:
		if (conf_check_list_id(st->arg[1]) < 0)
			return (conf_perr(lx, st->line, "list-id: \"%s\" is not a "
			    "list identifier such as news.lists.example.com",
			    st->arg[1]));
		(void)strlcpy(l->list_id, st->arg[1], sizeof(l->list_id));
		break;
	case L_SUB:
		if (strcmp(st->arg[1], "yes") == 0)
			l->subscribe = 1;
		else if (strcmp(st->arg[1], "no") == 0)
			l->subscribe = 0;
		else
			return (conf_perr(lx, st->line,
			    "subscribe: expected yes or no"));
		break;
	case L_CTEXT:
		if (strlcpy(l->consent_text, st->arg[1],
		    sizeof(l->consent_text)) >= sizeof(l->consent_text))
			return (conf_perr(lx, st->line, "consent-text too long "
			    "(%zu octets at most)", sizeof(l->consent_text) - 1));
		break;
	case L_CVERSION:
		if (!conf_valid_list_name(st->arg[1]))
			return (conf_perr(lx, st->line, "consent-version: \"%s\" "
			    "is not a label such as 2026-11 or v3", st->arg[1]));
		(void)strlcpy(l->consent_version, st->arg[1],
		    sizeof(l->consent_version));
		break;
	case L_UNSUB:
		if (strcmp(st->arg[1], "yes") == 0)
			l->unsubscribe = 1;
		else if (strcmp(st->arg[1], "no") == 0)
			l->unsubscribe = 0;
		else
			return (conf_perr(lx, st->line,
			    "unsubscribe: expected yes or no"));
		break;
	case L_HONOR:
		l->honor = 0;
		if (st->nargs == 2 && strcmp(st->arg[1], "none") == 0)
			break;
		for (i = 1; i < st->nargs; i++) {
			int r = supp_parse(st->arg[i]);

			if (r == 0)
				return (conf_perr(lx, st->line, "honor: \"%s\" is not "
				    "a suppression reason (unsubscribe-all, "
				    "bounce, complaint, manual, legal)",
				    st->arg[i]));
			l->honor |= SUPP_BIT(r);
		}
		break;
	}
	return (0);
}

/* conf_parse_list - "list NAME {" has been read; read up to "}" */
int
conf_parse_list(struct lexer *lx, struct conf *c, const struct stmt *head)
{
	struct conf_list *l, *nl;
	struct stmt *st;
	unsigned char seen[L_NSEEN] = { 0 };
	int rc = -1;

	if (head->nargs != 2)
		return (conf_perr(lx, head->line, "list takes one name"));
	if (!conf_valid_list_name(head->arg[1]))
		return (conf_perr(lx, head->line, "bad list name \"%s\" (letters, "
		    "digits, '.', '_', '-'; %d octets at most)", head->arg[1],
		    CONF_NAME_MAX));
	/* room for twice as many at 0, 1, 2, 4, 8, ... lists */
	if ((c->nlists & (c->nlists - 1)) == 0) {
		nl = reallocarray(c->lists, c->nlists ? c->nlists * 2 : 1,
		    sizeof(*nl));
		if (nl == NULL)
			return (conf_perr(lx, head->line, "out of memory"));
		c->lists = nl;
	}
	l = &c->lists[c->nlists++];
	memset(l, 0, sizeof(*l));
	(void)strlcpy(l->name, head->arg[1], sizeof(l->name));
	l->line = head->line;
	l->consent = CONSENT_EXPRESS;
	l->unsubscribe = -1;
	l->honor = SUPP_BIT(SUPP_BOUNCE) | SUPP_BIT(SUPP_COMPLAINT) |
	    SUPP_BIT(SUPP_LEGAL);

	if ((st = malloc(sizeof(*st))) == NULL)
		return (conf_perr(lx, head->line, "out of memory"));
	for (;;) {
		if (conf_read_stmt(lx, st) < 0)
			goto out;
		if (st->term == TOK_LBRACE) {
			conf_perr(lx, st->line, "nested block in list %s", l->name);
			goto out;
		}
		if (st->nargs > 0 && apply_list_stmt(lx, l, st, seen) < 0)
			goto out;
		if (st->term == TOK_RBRACE)
			break;
		if (st->term == TOK_EOF) {
			conf_perr(lx, l->line, "list %s: missing '}'", l->name);
			goto out;
		}
	}
	/* nothing may follow "}" on its line */
	{
		enum tok_type t;
		char text[TOK_MAX];

		if (conf_lex(lx, &t, text) < 0)
			goto out;
		if (t == TOK_NL)
			lx->line++;
		else if (t != TOK_EOF) {
			conf_perr(lx, lx->line, "unexpected text after '}'");
			goto out;
		}
	}
	if (seen[L_HONOR] && l->consent != CONSENT_NONE) {
		conf_perr(lx, l->line, "list %s: honor applies only to consent none",
		    l->name);
		goto out;
	}
	if (l->unsubscribe < 0)
		l->unsubscribe = l->consent == CONSENT_NONE ? 0 : 1;
	if (l->description[0] == '\0')
		(void)strlcpy(l->description, l->name, sizeof(l->description));
	rc = 0;
out:
	free(st);
	return (rc);
}

struct named {
	const char *name;
	size_t	i;			/* in conf->lists */
};

/* by_name - list names without regard to case, then in order of definition */
static int
by_name(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int d;

	if ((d = strcasecmp(x->name, y->name)) != 0)
		return (d);
	return (x->i < y->i ? -1 : x->i > y->i);
}

/*
 * conf_check_list_names - the list header names a list without regard to
 * case, so two names that differ only in case are one list defined twice:
 * name the earliest second definition, when it is not after line BEFORE.
 * Sorted, not compared pairwise: a configuration of many thousand lists
 * loads in linear-logarithmic time.
 */
int
conf_check_list_names(struct lexer *lx, const struct conf *c, int before)
{
	struct named *v;
	size_t i, run, dup = SIZE_MAX, first = 0;

	if (c->nlists < 2)
		return (0);
	if ((v = reallocarray(NULL, c->nlists, sizeof(*v))) == NULL)
		return (conf_perr(lx, c->lists[0].line, "out of memory"));
	for (i = 0; i < c->nlists; i++) {
		v[i].name = c->lists[i].name;
		v[i].i = i;
	}
	qsort(v, c->nlists, sizeof(*v), by_name);
	/* in a run of one name the first is the first defined, the second
	 * its earliest repetition */
	for (run = 0, i = 1; i < c->nlists; i++) {
		if (strcasecmp(v[i].name, v[run].name) != 0) {
			run = i;
			continue;
		}
		if (i == run + 1 && v[i].i < dup) {
			dup = v[i].i;
			first = v[run].i;
		}
	}
	free(v);
	if (dup == SIZE_MAX || c->lists[dup].line > before)
		return (0);
	return (conf_perr(lx, c->lists[dup].line, "duplicate list %s (first "
	    "defined at line %d as %s)", c->lists[dup].name,
	    c->lists[first].line, c->lists[first].name));
}
