/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hdraddr.c - remove mailboxes from an address-list header value
 *
 * DESCRIPTION
 *	Two passes over the value. The first splits it at the top level into
 *	items (mailboxes, and groups with their members) and checks that
 *	every quoted string, comment, angle address and domain literal is
 *	closed. The second writes the kept items. See hdraddr.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hdraddr.h"

#define MAX_ITEMS	4096
#define FOLD_AT		78

struct item {
	size_t	s, e;		/* the mailbox text, trimmed */
	int	group;		/* 0 mailbox; 1 group start (display name s..e) */
	int	end;		/* group end: ';' */
	int	drop;
};

struct parse {
	const char *v;
	size_t	len;
	struct item *it;	/* grown as needed, up to MAX_ITEMS */
	size_t	n, cap;
};

static int
is_ws(char c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* skip_quoted - from the opening '"' at *I past the closing one */
static int
skip_quoted(const char *v, size_t len, size_t *i)
{
	for ((*i)++; *i < len; (*i)++) {
		if (v[*i] == '\\') {
			if (++*i >= len)
				return (-1);
		} else if (v[*i] == '"') {
			(*i)++;
			return (0);
		}
	}
	return (-1);
}

/* skip_comment - from '(' at *I past its ')', nested comments included */
static int
skip_comment(const char *v, size_t len, size_t *i)
{
	int depth = 0;

	for (; *i < len; (*i)++) {
		if (v[*i] == '\\') {
			if (++*i >= len)
				return (-1);
		} else if (v[*i] == '(')
			depth++;
		else if (v[*i] == ')' && --depth == 0) {
			(*i)++;
			return (0);
		}
	}
	return (-1);
}

/* skip_until - from the opener at *I past CLOSE (no nesting) */
static int
skip_until(const char *v, size_t len, size_t *i, char close)
{
	for ((*i)++; *i < len; (*i)++) {
		if (v[*i] == '\\') {
			if (++*i >= len)
				return (-1);
		} else if (v[*i] == '"') {
			if (skip_quoted(v, len, i) < 0)
				return (-1);
			(*i)--;
		} else if (v[*i] == close) {
			(*i)++;
			return (0);
		}
	}
	return (-1);
}

static int
add_item(struct parse *p, size_t s, size_t e, int group, int end)
{
	while (s < e && is_ws(p->v[s]))
		s++;
	while (e > s && is_ws(p->v[e - 1]))
		e--;
	if (!group && !end && s == e)
		return (0);		/* "a, , b": an empty list element */
	if (p->n >= MAX_ITEMS)
		return (-1);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct item *it;

		if ((it = reallocarray(p->it, cap, sizeof(*it))) == NULL)
			return (-1);
		p->it = it;
		p->cap = cap;
	}
	p->it[p->n].s = s;
	p->it[p->n].e = e;
	p->it[p->n].group = group;
	p->it[p->n].end = end;
	p->it[p->n].drop = 0;
	p->n++;
	return (0);
}

/* split - the items of the value; -1 when anything is unbalanced */
static int
split(struct parse *p)
{
	const char *v = p->v;
	size_t i = 0, start = 0;
	int in_group = 0;

	while (i < p->len) {
		switch (v[i]) {
		case '"':
			if (skip_quoted(v, p->len, &i) < 0)
				return (-1);
			continue;
		case '(':
			if (skip_comment(v, p->len, &i) < 0)
				return (-1);
			continue;
		case '<':
			if (skip_until(v, p->len, &i, '>') < 0)
				return (-1);
			continue;
		case '[':
			if (skip_until(v, p->len, &i, ']') < 0)
				return (-1);
			continue;
		case ')': case '>': case ']': case '\\': case '\0':
			return (-1);
		case ':':
			if (in_group)
				return (-1);
			if (add_item(p, start, i, 1, 0) < 0)
				return (-1);
			in_group = 1;
			start = i + 1;
			break;
		case ';':
			if (!in_group)
				return (-1);
			if (add_item(p, start, i, 0, 0) < 0 ||
			    add_item(p, i, i, 0, 1) < 0)
				return (-1);
			in_group = 0;
			start = i + 1;
			break;
		case ',':
			if (add_item(p, start, i, 0, 0) < 0)
				return (-1);
			start = i + 1;
			break;
		default:
			break;
		}
		i++;
	}
	if (in_group)
		return (-1);
	return (add_item(p, start, p->len, 0, 0));
}

/*
 * mailbox_addr - the normalised address of the mailbox S..E: the
 * angle address when there is one, else the text without comments and
 * white space. -1 when there is none or it does not normalise.
 */
static int
mailbox_addr(const char *v, size_t s, size_t e, char *norm)
{
	char buf[ADDR_BUFSIZE * 2], err[96];
	size_t i = s, o = 0, as = 0, ae = 0;
	int angle = 0, gap = 0, words = 0;

	while (i < e) {
		if (v[i] == '"') {
			size_t q = i;

			if (skip_quoted(v, e, &i) < 0)
				return (-1);
			if (i - q >= sizeof(buf) - o)
				return (-1);
			memcpy(buf + o, v + q, i - q);
			o += i - q;
			continue;
		}
		if (v[i] == '(') {
			if (skip_comment(v, e, &i) < 0)
				return (-1);
			gap = o > 0;
			continue;
		}
		if (v[i] == '<') {
			if (angle)
				return (-1);	/* two angle addresses */
			as = i;
			if (skip_until(v, e, &i, '>') < 0)
				return (-1);
			ae = i;
			angle = 1;
			continue;
		}
		if (!is_ws(v[i])) {
			if (o + 1 >= sizeof(buf))
				return (-1);
			if (gap)
				words = 1;	/* two words: no bare addr-spec */
			buf[o++] = v[i];
		} else if (o > 0)
			gap = 1;
		i++;
	}
	if (angle) {
		/* what follows the angle address may only be comments/space */
		for (i = ae; i < e; ) {
			if (v[i] == '(') {
				if (skip_comment(v, e, &i) < 0)
					return (-1);
			} else if (is_ws(v[i]))
				i++;
			else
				return (-1);
		}
		return (addr_normalize(v + as, ae - as, 0, norm, ADDR_BUFSIZE,
		    err, sizeof(err)));
	}
	if (o == 0 || words || memchr(buf, '@', o) == NULL)
		return (-1);
	return (addr_normalize(buf, o, 0, norm, ADDR_BUFSIZE, err, sizeof(err)));
}

struct out {
	char	*b;
	size_t	n, cap;
	size_t	col;		/* characters since the last line break */
	int	err;
};

static void
put(struct out *o, const char *s, size_t len)
{
	size_t i;

	if (o->err)
		return;
	if (o->n + len + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		char *nb;

		while (cap < o->n + len + 1)
			cap *= 2;
		if ((nb = realloc(o->b, cap)) == NULL) {
			o->err = 1;
			return;
		}
		o->b = nb;
		o->cap = cap;
	}
	memcpy(o->b + o->n, s, len);
	o->n += len;
	o->b[o->n] = '\0';
	for (i = 0; i < len; i++)
		o->col = s[i] == '\n' ? 0 : o->col + 1;
}

/* put_sep - ", " before an item of LEN bytes, folding when it is long */
static void
put_sep(struct out *o, const char *sep, size_t len)
{
	put(o, sep, strlen(sep));
	if (o->col + 1 + len > FOLD_AT && o->col > 1)
		put(o, "\n\t", 2);
	else
		put(o, " ", 1);
}

/* first_line - bytes of S..E up to its first line break */
static size_t
first_line(const char *v, size_t s, size_t e)
{
	const char *nl = memchr(v + s, '\n', e - s);

	return (nl != NULL ? (size_t)(nl - (v + s)) : e - s);
}

int
hdraddr_drop(const char *value, size_t len, int (*drop)(void *, const char *),
    void *arg, char **out)
{
	struct parse p;
	struct out o;
	char norm[ADDR_BUFSIZE];
	size_t i, ndrop = 0;
	int first = 1, gfirst = 0, in_group = 0;

	*out = NULL;
	if (len > HDRADDR_MAX || memchr(value, '\0', len) != NULL)
		return (-1);
	memset(&p, 0, sizeof(p));
	p.v = value;
	p.len = len;
	if (split(&p) < 0)
		goto bad;
	for (i = 0; i < p.n; i++) {
		if (p.it[i].group || p.it[i].end)
			continue;
		if (mailbox_addr(value, p.it[i].s, p.it[i].e, norm) < 0)
			goto bad;
		if (drop(arg, norm)) {
			p.it[i].drop = 1;
			ndrop++;
		}
	}
	if (ndrop == 0) {
		free(p.it);
		return (0);
	}

	memset(&o, 0, sizeof(o));
	o.col = 4;			/* "To: " */
	for (i = 0; i < p.n; i++) {
		const struct item *it = &p.it[i];
		size_t n = it->e - it->s;

		if (it->drop)
			continue;
		if (it->end) {
			put(&o, ";", 1);
			in_group = 0;
			first = 0;
			continue;
		}
		if (it->group) {
			if (!first)
				put_sep(&o, ",", first_line(value, it->s, it->e));
			put(&o, value + it->s, n);
			put(&o, ":", 1);
			in_group = 1;
			gfirst = 1;
			continue;
		}
		if (in_group) {
			if (!gfirst)
				put_sep(&o, ",", first_line(value, it->s, it->e));
			else
				put(&o, " ", 1);
			gfirst = 0;
		} else if (!first)
			put_sep(&o, ",", first_line(value, it->s, it->e));
		put(&o, value + it->s, n);
		first = 0;
	}
	if (o.n == 0)
		put(&o, "undisclosed-recipients:;", 24);
	free(p.it);
	if (o.err) {
		free(o.b);
		return (-1);
	}
	*out = o.b;
	return ((int)ndrop);
bad:
	free(p.it);
	return (-1);
}
