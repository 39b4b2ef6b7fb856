/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logreport.c - read syslog lines of optin-milter, optin-unsubd,
 * optin-feedback and Postfix, and count per list and per day
 *
 * SYNOPSIS
 *	#include "logreport.h"
 *
 *	struct logrep *r = logrep_new(time(NULL));
 *	logrep_feed(r, buf, len);	(any number of times)
 *	logrep_finish(r);
 *
 * DESCRIPTION
 *	A line is "[<PRI>][STAMP [HOST ]]TAG: MESSAGE", where STAMP is the
 *	traditional "Mmm dd hh:mm:ss" (the year taken from NOW: a date
 *	more than a day ahead of NOW is last year's), or RFC 3339
 *	"YYYY-MM-DDThh:mm:ss...", and TAG is "program[pid]". A line
 *	without a stamp (the daemons' -f output) counts on day "-".
 *
 *	MESSAGE is read as fields name=value: a value in <angle brackets>
 *	or "double quotes" (backslash escapes) may hold spaces. What each
 *	program's lines mean is in optinctl(8), REPORT.
 *
 *	Postfix's bounces are joined to a list through the queue id that
 *	optin-milter logged for the message; the map of queue ids grows
 *	with the log, up to LOGREP_MAX_QIDS entries.
 *
 * DIAGNOSTICS
 *	None: lines that do not parse are skipped and counted as read.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logreport.h"

#define LOGREP_MAX_LINE	8192
#define LOGREP_MAX_QIDS	(4UL * 1024 * 1024)
#define PREFS_LIST	"*"

/* ---------------------------------------------------------- a string map */

struct smap_ent {
	char	*key;
	size_t	val;
};

struct smap {
	struct smap_ent *e;
	size_t	cap;		/* a power of two */
	size_t	n;
};

/* hash - FNV-1a */
static uint64_t
hash(const char *k, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)k[i];
		h *= 1099511628211ULL;
	}
	return (h);
}

/* smap_slot - the slot of KEY (found or empty) */
static struct smap_ent *
smap_slot(const struct smap *m, const char *k, size_t len)
{
	size_t i = (size_t)hash(k, len) & (m->cap - 1);

	for (;; i = (i + 1) & (m->cap - 1)) {
		struct smap_ent *e = &m->e[i];

		if (e->key == NULL ||
		    (strncmp(e->key, k, len) == 0 && e->key[len] == '\0'))
			return (e);
	}
}

/* smap_get - 1 and *VAL when KEY is there, else 0 */
static int
smap_get(const struct smap *m, const char *k, size_t len, size_t *val)
{
	struct smap_ent *e;

	if (m->cap == 0)
		return (0);
	e = smap_slot(m, k, len);
	if (e->key == NULL)
		return (0);
	*val = e->val;
	return (1);
}

/* smap_put - set KEY to VAL; 0, or -1 out of memory */
static int
smap_put(struct smap *m, const char *k, size_t len, size_t val)
{
	struct smap_ent *e;

	if (m->n + 1 > m->cap / 2) {
		struct smap old = *m;
		size_t i;

		m->cap = old.cap ? old.cap * 2 : 64;
		if ((m->e = calloc(m->cap, sizeof(*m->e))) == NULL) {
			*m = old;
			return (-1);
		}
		for (i = 0; i < old.cap; i++)
			if (old.e[i].key != NULL)
				*smap_slot(m, old.e[i].key,
				    strlen(old.e[i].key)) = old.e[i];
		free(old.e);
	}
	e = smap_slot(m, k, len);
	if (e->key == NULL) {
		if ((e->key = malloc(len + 1)) == NULL)
			return (-1);
		memcpy(e->key, k, len);
		e->key[len] = '\0';
		m->n++;
	}
	e->val = val;
	return (0);
}

static void
smap_free(struct smap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	memset(m, 0, sizeof(*m));
}

/* ---------------------------------------------------------- the counts */

struct logrep {
	time_t	now;
	struct logrep_cell *cell;
	size_t	ncell, capcell;
	struct smap cells;		/* "list|day" -> cell */
	struct logrep_reason *rsn;
	size_t	nrsn, caprsn;
	struct smap reasons;		/* "list|reason" -> reason */
	struct smap qids;		/* queue id -> cell of the list */
	struct smap bounced;		/* "day|list|rcpt" counted already */
	unsigned long lines, used;
	char	partial[LOGREP_MAX_LINE];
	size_t	plen;
	int	overlong;		/* the partial line was cut */
};

static const char *const count_names[LR_NCOUNTS] = {
	"messages", "delivered", "stripped", "rejected", "tempfailed",
	"unsubscribe_one_click", "unsubscribe_preferences",
	"unsubscribe_mailto", "bounces", "complaints",
};

const char *
logrep_count_name(int i)
{
	return (i >= 0 && i < LR_NCOUNTS ? count_names[i] : "?");
}

struct logrep *
logrep_new(time_t now)
{
	struct logrep *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return (NULL);
	r->now = now;
	return (r);
}

void
logrep_free(struct logrep *r)
{
	if (r == NULL)
		return;
	free(r->cell);
	free(r->rsn);
	smap_free(&r->cells);
	smap_free(&r->reasons);
	smap_free(&r->qids);
	smap_free(&r->bounced);
	free(r);
}

/*
 * word - 1 when P (N octets) is a word our programs log as a list name or
 * a reason: letters, digits and ".-_:+*" ("*": every list). Anything else
 * is not a line of ours and is not counted: it would reach a terminal, a
 * JSON reader or a page as it came, and '|' would run into the map keys.
 */
static int
word(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = p[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') ||
		    (ch != '\0' && strchr(".-_:+*", ch) != NULL))
			continue;
		return (0);
	}
	return (n > 0);
}

/* cell - the counts of LIST (LLEN octets) on DAY; NULL out of memory */
static struct logrep_cell *
cell(struct logrep *r, const char *list, size_t llen, const char *day)
{
	char key[CONF_NAME_MAX + LOGREP_DAY + 2];
	size_t klen, i;
	struct logrep_cell *c;

	if (llen == 0 || llen > CONF_NAME_MAX || !word(list, llen))
		return (NULL);
	klen = (size_t)snprintf(key, sizeof(key), "%.*s|%s", (int)llen, list,
	    day);
	if (smap_get(&r->cells, key, klen, &i))
		return (&r->cell[i]);
	if (r->ncell == r->capcell) {
		size_t cap = r->capcell ? r->capcell * 2 : 64;
		struct logrep_cell *nc;

		if ((nc = reallocarray(r->cell, cap, sizeof(*nc))) == NULL)
			return (NULL);
		r->cell = nc;
		r->capcell = cap;
	}
	c = &r->cell[r->ncell];
	memset(c, 0, sizeof(*c));
	memcpy(c->list, list, llen);
	(void)strlcpy(c->day, day, sizeof(c->day));
	if (smap_put(&r->cells, key, klen, r->ncell) < 0)
		return (NULL);
	r->ncell++;
	return (c);
}

/* add_reason - one more recipient of LIST not delivered for REASON */
static void
add_reason(struct logrep *r, const char *list, size_t llen, const char *reason,
    size_t rlen)
{
	char key[CONF_NAME_MAX + 42];
	size_t klen, i;

	if (llen == 0 || llen > CONF_NAME_MAX || rlen == 0 || rlen >= 40 ||
	    !word(list, llen) || !word(reason, rlen))
		return;
	klen = (size_t)snprintf(key, sizeof(key), "%.*s|%.*s", (int)llen, list,
	    (int)rlen, reason);
	if (smap_get(&r->reasons, key, klen, &i)) {
		r->rsn[i].n++;
		return;
	}
	if (r->nrsn == r->caprsn) {
		size_t cap = r->caprsn ? r->caprsn * 2 : 32;
		struct logrep_reason *nr;

		if ((nr = reallocarray(r->rsn, cap, sizeof(*nr))) == NULL)
			return;
		r->rsn = nr;
		r->caprsn = cap;
	}
	memset(&r->rsn[r->nrsn], 0, sizeof(r->rsn[0]));
	memcpy(r->rsn[r->nrsn].list, list, llen);
	memcpy(r->rsn[r->nrsn].reason, reason, rlen);
	r->rsn[r->nrsn].n = 1;
	if (smap_put(&r->reasons, key, klen, r->nrsn) == 0)
		r->nrsn++;
}

/* ---------------------------------------------------------- fields */

struct field {
	const char *name, *val;
	size_t	nlen, vlen;
};

#define MAX_FIELDS 24

/*
 * fields - split P..END into words and name=value fields. A value in
 * <...> runs to the '>' before a space, comma or the end; one in "..."
 * to the closing quote. Returns the number of fields; words without '='
 * are fields with an empty name.
 */
static int
fields(const char *p, const char *end, struct field *f, int max)
{
	int n = 0;

	while (p < end && n < max) {
		const char *s, *eq;

		while (p < end && (*p == ' ' || *p == ','))
			p++;
		if (p == end)
			break;
		s = p;
		for (eq = NULL; p < end && *p != ' ' && *p != ','; p++)
			if (*p == '=') {
				eq = p;
				break;
			}
		if (eq == NULL) {
			while (p < end && *p != ' ')
				p++;
			f[n].name = "";
			f[n].nlen = 0;
			f[n].val = s;
			f[n].vlen = (size_t)(p - s);
			n++;
			continue;
		}
		f[n].name = s;
		f[n].nlen = (size_t)(eq - s);
		p = eq + 1;
		f[n].val = p;
		if (p < end && *p == '<') {
			const char *q;

			for (q = p + 1; q < end; q++)
				if (*q == '>' && (q + 1 == end || q[1] == ' ' ||
				    q[1] == ','))
					break;
			f[n].val = p + 1;
			f[n].vlen = (size_t)((q < end ? q : end) - (p + 1));
			p = q < end ? q + 1 : end;
		} else if (p < end && *p == '"') {
			const char *q;

			for (q = p + 1; q < end && *q != '"'; q++)
				if (*q == '\\' && q + 1 < end)
					q++;
			f[n].val = p + 1;
			f[n].vlen = (size_t)((q < end ? q : end) - (p + 1));
			p = q < end ? q + 1 : end;
		} else {
			while (p < end && *p != ' ' && *p != ',')
				p++;
			f[n].vlen = (size_t)(p - f[n].val);
		}
		n++;
	}
	return (n);
}

/* get - the value of NAME among F, or NULL */
static const struct field *
get(const struct field *f, int n, const char *name)
{
	size_t len = strlen(name);
	int i;

	for (i = 0; i < n; i++)
		if (f[i].nlen == len && memcmp(f[i].name, name, len) == 0)
			return (&f[i]);
	return (NULL);
}

/* is - the value of F is S */
static int
is(const struct field *f, const char *s)
{
	return (f != NULL && f->vlen == strlen(s) && memcmp(f->val, s, f->vlen) == 0);
}

/* ---------------------------------------------------------- the stamp */

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* digits - N decimal digits at P; -1 when not */
static int
digits(const char *p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return (-1);
		v = v * 10 + (*p++ - '0');
	}
	return (v);
}

/* stamp - read a stamp at *P into DAY ("-" when none); moves *P past it */
static void
stamp(const struct logrep *r, const char **pp, const char *end, char *day)
{
	const char *p = *pp;
	const char *m;
	int mon, mday, year;

	(void)strlcpy(day, "-", LOGREP_DAY);
	if (end - p >= 20 && digits(p, 4) >= 0 && p[4] == '-' &&
	    digits(p + 5, 2) > 0 && p[7] == '-' && digits(p + 8, 2) > 0 &&
	    (p[10] == 'T' || p[10] == ' ')) {
		memcpy(day, p, 10);
		day[10] = '\0';
		p += 11;
		while (p < end && *p != ' ')
			p++;
		*pp = p;
		return;
	}
	if (end - p < 16 || p[3] != ' ' || p[6] != ' ' || p[9] != ':' ||
	    p[12] != ':' || p[15] != ' ')
		return;
	for (m = months; *m != '\0'; m += 3)
		if (memcmp(m, p, 3) == 0)
			break;
	if (*m == '\0')
		return;
	mon = (int)((m - months) / 3) + 1;
	mday = p[4] == ' ' ? digits(p + 5, 1) : digits(p + 4, 2);
	if (mday < 1 || mday > 31 || digits(p + 7, 2) < 0)
		return;
	{
		struct tm tm;
		time_t now = r->now;

		(void)gmtime_r(&now, &tm);
		year = tm.tm_year + 1900;
		/* a date ahead of now by more than a day is last year's */
		if (mon > tm.tm_mon + 1 ||
		    (mon == tm.tm_mon + 1 && mday > tm.tm_mday + 1))
			year--;
	}
	if (year < 1970 || year > 9999)
		return;
	{
		char b[32];

		(void)snprintf(b, sizeof(b), "%04d-%02d-%02d", year, mon, mday);
		(void)strlcpy(day, b, LOGREP_DAY);
	}
	*pp = p + 15;
}

/* ---------------------------------------------------------- the lines */

/* count - N more of K for LIST on DAY */
static struct logrep_cell *
count(struct logrep *r, const struct field *list, const char *day, int k,
    unsigned long n)
{
	struct logrep_cell *c;

	if (list == NULL || (c = cell(r, list->val, list->vlen, day)) == NULL)
		return (NULL);
	c->n[k] += n;
	return (c);
}

/* remember - queue id QID (QLEN) carries a message of LIST */
static void
remember(struct logrep *r, const char *qid, size_t qlen,
    const struct field *list, const char *day)
{
	struct logrep_cell *c;

	if (qlen == 0 || qlen > 32 || (qlen == 7 && memcmp(qid, "NOQUEUE", 7) == 0) ||
	    r->qids.n >= LOGREP_MAX_QIDS)
		return;
	if ((c = cell(r, list->val, list->vlen, day)) == NULL)
		return;
	(void)smap_put(&r->qids, qid, qlen, (size_t)(c - r->cell));
}

/* milter_line - QID: list=... verdict= | rcpts= | unsubscribe ... */
static int
milter_line(struct logrep *r, const char *p, const char *end, const char *day)
{
	struct field f[MAX_FIELDS];
	const struct field *list, *v;
	const char *qid;
	size_t qlen;
	int n, k;

	n = fields(p, end, f, MAX_FIELDS);
	if (n < 2 || f[0].nlen != 0 || f[0].vlen < 2 ||
	    f[0].val[f[0].vlen - 1] != ':')
		return (0);
	qid = f[0].val;
	qlen = f[0].vlen - 1;
	if ((list = get(f, n, "list")) == NULL)
		return (0);
	if (f[1].nlen == 0 && f[1].vlen == 11 &&
	    memcmp(f[1].val, "unsubscribe", 11) == 0) {
		if (is(get(f, n, "result"), "opt-out") &&
		    is(get(f, n, "channel"), "mailto"))
			return (count(r, list, day, LR_UNSUB_MAILTO, 1) != NULL);
		return (0);
	}
	if ((v = get(f, n, "verdict")) != NULL) {
		if (is(v, "deliver"))
			k = LR_DELIVERED;
		else if (is(v, "strip"))
			k = LR_STRIPPED;
		else if (is(v, "reject"))
			k = LR_REJECTED;
		else if (is(v, "tempfail"))
			k = LR_TEMPFAIL;
		else
			return (0);
		if (k != LR_DELIVERED) {
			const struct field *why = get(f, n, "reason");

			if (why != NULL)
				add_reason(r, list->val, list->vlen, why->val,
				    why->vlen);
		}
		remember(r, qid, qlen, list, day);
		return (count(r, list, day, k, 1) != NULL);
	}
	if (get(f, n, "rcpts") != NULL) {
		remember(r, qid, qlen, list, day);
		return (count(r, list, day, LR_MESSAGES, 1) != NULL);
	}
	return (0);
}

/* unsubd_line - unsubscribe list=L ... result=opt-out | preferences ... */
static int
unsubd_line(struct logrep *r, const char *p, const char *end, const char *day)
{
	struct field f[MAX_FIELDS], star;
	const struct field *ch;
	int n;
	long long changes = 0;
	size_t i;

	n = fields(p, end, f, MAX_FIELDS);
	if (n < 2 || f[0].nlen != 0)
		return (0);
	if (f[0].vlen == 11 && memcmp(f[0].val, "unsubscribe", 11) == 0 &&
	    is(get(f, n, "result"), "opt-out"))
		return (count(r, get(f, n, "list"), day,
		    is(get(f, n, "channel"), "preferences") ? LR_UNSUB_PREFS :
		    LR_UNSUB_ONECLICK, 1) != NULL);
	if (f[0].vlen == 11 && memcmp(f[0].val, "preferences", 11) == 0 &&
	    (ch = get(f, n, "changes")) != NULL) {
		/*
		 * the lists left on the page have lines of their own; this
		 * line counts only "unsubscribe from all", under "*"
		 */
		for (i = 0; i < ch->vlen && i < 6; i++) {
			if (ch->val[i] < '0' || ch->val[i] > '9')
				return (0);
			changes = changes * 10 + (ch->val[i] - '0');
		}
		if (changes == 0 || !is(get(f, n, "all"), "1"))
			return (1);
		star.name = "list";
		star.nlen = 4;
		star.val = PREFS_LIST;
		star.vlen = 1;
		return (count(r, &star, day, LR_UNSUB_PREFS, 1) != NULL);
	}
	return (0);
}

/*
 * bounce - count a bounce of RCPT (<r>, as logged) on LIST once a day:
 * Postfix logs status=bounced for a refusal it met, and the DSN it sends
 * to the return path comes back through optin-feedback as well
 */
static int
bounce(struct logrep *r, const struct field *list, const struct field *rcpt,
    const char *day)
{
	char key[LOGREP_DAY + CONF_NAME_MAX + 260];
	const char *a = rcpt->val;
	size_t alen = rcpt->vlen, i;
	int klen;

	while (alen > 0 && (a[alen - 1] == ',' || a[alen - 1] == '>'))
		alen--;
	if (alen > 0 && a[0] == '<') {
		a++;
		alen--;
	}
	if (alen == 0 || alen > 254 || list->vlen > CONF_NAME_MAX)
		return (0);
	klen = snprintf(key, sizeof(key), "%s|%.*s|%.*s", day,
	    (int)list->vlen, list->val, (int)alen, a);
	if (klen < 0 || (size_t)klen >= sizeof(key))
		return (0);
	for (i = 0; i < (size_t)klen; i++)
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] - 'A' + 'a');
	if (smap_get(&r->bounced, key, (size_t)klen, &i))
		return (1);		/* read, and counted already */
	if (r->bounced.n < LOGREP_MAX_QIDS &&
	    smap_put(&r->bounced, key, (size_t)klen, 1) < 0)
		return (0);
	return (count(r, list, day, LR_BOUNCES, 1) != NULL);
}

/* feedback_line - kind=K rcpt=<r> list=L class=C ... */
static int
feedback_line(struct logrep *r, const char *p, const char *end, const char *day)
{
	struct field f[MAX_FIELDS];
	const struct field *list, *cls, *rcpt;
	int n;

	n = fields(p, end, f, MAX_FIELDS);
	if ((list = get(f, n, "list")) == NULL ||
	    (rcpt = get(f, n, "rcpt")) == NULL ||
	    (cls = get(f, n, "class")) == NULL)
		return (0);
	if (is(cls, "complaint") || is(cls, "abuse") || is(cls, "fraud") ||
	    is(get(f, n, "kind"), "arf"))
		return (count(r, list, day, LR_COMPLAINTS, 1) != NULL);
	/* a delay (none) or a refusal for policy is not a bounce (stats) */
	if (!is(cls, "hard") && !is(cls, "permanent") && !is(cls, "soft"))
		return (1);
	return (bounce(r, list, rcpt, day));
}

/* postfix_line - QID: to=<r>, ..., status=bounced (...) */
static int
postfix_line(struct logrep *r, const char *p, const char *end, const char *day)
{
	struct field f[MAX_FIELDS], lf;
	const struct logrep_cell *c;
	size_t i;
	int n;

	n = fields(p, end, f, MAX_FIELDS);
	if (n < 3 || f[0].nlen != 0 || f[0].vlen < 2 ||
	    f[0].val[f[0].vlen - 1] != ':' || get(f, n, "to") == NULL ||
	    !is(get(f, n, "status"), "bounced"))
		return (0);
	if (!smap_get(&r->qids, f[0].val, f[0].vlen - 1, &i))
		return (0);
	c = &r->cell[i];
	lf.name = "list";
	lf.nlen = 4;
	lf.val = c->list;
	lf.vlen = strlen(c->list);
	return (bounce(r, &lf, get(f, n, "to"), day));
}

void
logrep_line(struct logrep *r, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *tag, *t;
	char day[LOGREP_DAY];
	size_t plen;
	int used = 0;

	r->lines++;
	while (end > p && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	if (p < end && *p == '<') {		/* <PRI> of a datagram */
		for (t = p + 1; t < end && t - p < 6 && *t >= '0' && *t <= '9'; t++)
			;
		if (t < end && *t == '>')
			p = t + 1;
	}
	stamp(r, &p, end, day);
	while (p < end && *p == ' ')
		p++;
	/* HOST, unless this word is already the tag */
	for (t = p; t < end && *t != ' '; t++)
		;
	if (t > p && t[-1] != ':') {
		p = t;
		while (p < end && *p == ' ')
			p++;
		for (t = p; t < end && *t != ' '; t++)
			;
		if (t == p || t[-1] != ':')
			return;
	}
	tag = p;
	for (plen = 0; tag + plen < t && tag[plen] != '[' && tag[plen] != ':';
	    plen++)
		;
	p = t;
	if (plen == 12 && memcmp(tag, "optin-milter", 12) == 0)
		used = milter_line(r, p, end, day);
	else if (plen == 12 && memcmp(tag, "optin-unsubd", 12) == 0)
		used = unsubd_line(r, p, end, day);
	else if (plen == 14 && memcmp(tag, "optin-feedback", 14) == 0)
		used = feedback_line(r, p, end, day);
	else if (plen > 8 && memcmp(tag, "postfix", 7) == 0 &&
	    memchr(tag, '/', plen) != NULL)
		used = postfix_line(r, p, end, day);
	if (used)
		r->used++;
}

int
logrep_feed(struct logrep *r, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (r->plen + n >= sizeof(r->partial)) {
			/* an overlong line: its start is enough */
			n = sizeof(r->partial) - 1 - r->plen;
			r->overlong = 1;
		}
		memcpy(r->partial + r->plen, p, n);
		r->plen += n;
		if (nl == NULL)
			break;
		logrep_line(r, r->partial, r->plen);
		r->plen = 0;
		r->overlong = 0;
		p = nl + 1;
	}
	return (0);
}

void
logrep_finish(struct logrep *r)
{
	if (r->plen > 0)
		logrep_line(r, r->partial, r->plen);
	r->plen = 0;
}

/* ---------------------------------------------------------- results */

static const struct conf *sort_conf;

/* list_rank - configured lists in file order, then the rest by name */
static size_t
list_rank(const char *name)
{
	size_t i;

	if (sort_conf != NULL)
		for (i = 0; i < sort_conf->nlists; i++)
			if (strcmp(sort_conf->lists[i].name, name) == 0)
				return (i);
	return ((size_t)-1);
}

static int
cell_cmp(const void *a, const void *b)
{
	const struct logrep_cell *x = a, *y = b;
	size_t rx = list_rank(x->list), ry = list_rank(y->list);
	int c;

	if (rx != ry)
		return (rx < ry ? -1 : 1);
	if ((c = strcmp(x->list, y->list)) != 0)
		return (c);
	return (strcmp(x->day, y->day));
}

static int
reason_cmp(const void *a, const void *b)
{
	const struct logrep_reason *x = a, *y = b;
	size_t rx = list_rank(x->list), ry = list_rank(y->list);
	int c;

	if (rx != ry)
		return (rx < ry ? -1 : 1);
	if ((c = strcmp(x->list, y->list)) != 0)
		return (c);
	if (x->n != y->n)
		return (x->n > y->n ? -1 : 1);
	return (strcmp(x->reason, y->reason));
}

void
logrep_sort(struct logrep *r, const struct conf *c)
{
	sort_conf = c;
	if (r->ncell > 0)
		qsort(r->cell, r->ncell, sizeof(r->cell[0]), cell_cmp);
	if (r->nrsn > 0)
		qsort(r->rsn, r->nrsn, sizeof(r->rsn[0]), reason_cmp);
	sort_conf = NULL;
	/* the maps point into the arrays as they were: no more lines */
	smap_free(&r->cells);
	smap_free(&r->reasons);
	smap_free(&r->qids);
}

const struct logrep_cell *
logrep_cells(const struct logrep *r, size_t *n)
{
	*n = r->ncell;
	return (r->cell);
}

const struct logrep_reason *
logrep_reasons(const struct logrep *r, size_t *n)
{
	*n = r->nrsn;
	return (r->rsn);
}

unsigned long
logrep_lines(const struct logrep *r, unsigned long *used)
{
	*used = r->used;
	return (r->lines);
}
