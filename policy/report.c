/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report.c - delivery status, abuse reports and bounce text
 *
 * DESCRIPTION
 *	See report.h. The parsers read header-style fields ("Name:
 *	value", continuation lines start with a blank, groups separated
 *	by an empty line) from buffers that GMime has already decoded;
 *	they never see MIME structure.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "report.h"

void
report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
}

/* ---------------------------------------------------------- helpers */

/*
 * copy_clean - copy N bytes of SRC into DST (LEN bytes, always
 * terminated): blanks and control characters become one space, the
 * ends are trimmed. Truncates.
 */
static void
copy_clean(char *dst, size_t len, const char *src, size_t n)
{
	size_t i, o = 0;
	int space = 0;

	if (len == 0)
		return;
	for (i = 0; i < n && o + 1 < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c < 0x20 || c == 0x7f || c == ' ') {
			space = 1;
			continue;
		}
		if (space && o > 0 && o + 2 < len)
			dst[o++] = ' ';
		space = 0;
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
}

/* ci_find - the first case-insensitive occurrence of NEEDLE in BUF */
static const char *
ci_find(const char *buf, size_t len, const char *needle)
{
	size_t nl = strlen(needle), i;

	if (nl == 0 || nl > len)
		return (NULL);
	for (i = 0; i + nl <= len; i++)
		if (strncasecmp(buf + i, needle, nl) == 0)
			return (buf + i);
	return (NULL);
}

/* ci_any - 1 when S contains one of the NULL-terminated WORDS */
static int
ci_any(const char *s, size_t len, const char *const *words)
{
	for (; *words != NULL; words++)
		if (ci_find(s, len, *words) != NULL)
			return (1);
	return (0);
}

/*
 * status_at - the length of an enhanced status code ("5.1.1") at P
 * (N bytes available), 0 when there is none. Each number has at most
 * three digits; the code may not continue with a digit or ".digit".
 */
static size_t
status_at(const char *p, size_t n)
{
	size_t i = 0, d;
	int part;

	if (n < 5 || (p[0] != '2' && p[0] != '4' && p[0] != '5') ||
	    p[1] != '.')
		return (0);
	i = 2;
	for (part = 0; part < 2; part++) {
		for (d = 0; i < n && isdigit((unsigned char)p[i]) && d < 4;
		    i++, d++)
			;
		if (d == 0 || d > 3)
			return (0);
		if (part == 0) {
			if (i >= n || p[i] != '.')
				return (0);
			i++;
		}
	}
	if (i < n && (isdigit((unsigned char)p[i]) || (p[i] == '.' &&
	    i + 1 < n && isdigit((unsigned char)p[i + 1]))))
		return (0);
	return (i);
}

/* ---------------------------------------------------------- fields */

struct field {
	const char *name;
	size_t	nlen;
	const char *val;
	size_t	vlen;
};

/*
 * next_field - the field starting at *POS (continuation lines
 * included); sets BLANK when an empty line ends a group first.
 * Returns 1 with F set, 0 at the end of BUF.
 */
static int
next_field(const char *buf, size_t len, size_t *pos, struct field *f,
    int *blank)
{
	size_t p = *pos, eol, colon;

	*blank = 0;
	for (;;) {
		if (p >= len) {
			*pos = p;
			return (0);
		}
		eol = p;
		while (eol < len && buf[eol] != '\n')
			eol++;
		if (eol == p || (eol == p + 1 && buf[p] == '\r')) {
			*blank = 1;
			p = eol + 1;
			continue;
		}
		if (buf[p] == ' ' || buf[p] == '\t') {	/* stray continuation */
			p = eol + 1;
			continue;
		}
		for (colon = p; colon < eol && buf[colon] != ':'; colon++)
			;
		if (colon == eol) {			/* not a field */
			p = eol + 1;
			continue;
		}
		break;
	}
	f->name = buf + p;
	f->nlen = colon - p;
	while (f->nlen > 0 && (f->name[f->nlen - 1] == ' ' ||
	    f->name[f->nlen - 1] == '\t'))
		f->nlen--;
	f->val = buf + colon + 1;
	/* the value runs to the end of the last continuation line */
	while (eol + 1 < len && (buf[eol + 1] == ' ' || buf[eol + 1] == '\t')) {
		eol++;
		while (eol < len && buf[eol] != '\n')
			eol++;
	}
	f->vlen = (size_t)(buf + eol - f->val);
	*pos = eol < len ? eol + 1 : len;
	return (1);
}

static int
is_field(const struct field *f, const char *name)
{
	return (f->nlen == strlen(name) &&
	    strncasecmp(f->name, name, f->nlen) == 0);
}

/*
 * typed_value - the value after "type;" ("rfc822; bob@x", "dns; mx",
 * "smtp; 550 ..."), or all of it when there is no type
 */
static void
typed_value(const struct field *f, const char **v, size_t *n)
{
	const char *semi = memchr(f->val, ';', f->vlen);
	size_t i;

	*v = f->val;
	*n = f->vlen;
	if (semi != NULL) {
		for (i = 0; f->val + i < semi; i++)
			if (!isalnum((unsigned char)f->val[i]) &&
			    f->val[i] != '-' && f->val[i] != ' ' &&
			    f->val[i] != '\t')
				return;		/* not a type word */
		*v = semi + 1;
		*n = f->vlen - (size_t)(semi + 1 - f->val);
	}
}

/* copy_addr - an address value without angle brackets */
static void
copy_addr(char *dst, size_t len, const char *v, size_t n)
{
	char tmp[ADDR_BUFSIZE];
	size_t l;

	copy_clean(tmp, sizeof(tmp), v, n);
	l = strlen(tmp);
	if (l >= 2 && tmp[0] == '<' && tmp[l - 1] == '>') {
		tmp[l - 1] = '\0';
		(void)snprintf(dst, len, "%s", tmp + 1);
	} else
		(void)snprintf(dst, len, "%s", tmp);
}

/* copy_status - the leading enhanced code of a Status value */
static void
copy_status(char *dst, size_t len, const char *v, size_t n)
{
	size_t s, i;

	dst[0] = '\0';
	/*
	 * the first code that stands as a word of its own: "5.1.1", also
	 * after a reply code ("550 5.1.1") or in a diagnostic
	 */
	for (i = 0; i < n; i++) {
		if (i > 0 && (isalnum((unsigned char)v[i - 1]) ||
		    v[i - 1] == '.'))
			continue;
		if ((s = status_at(v + i, n - i)) > 0 && s < len) {
			memcpy(dst, v + i, s);
			dst[s] = '\0';
			return;
		}
	}
}

size_t
report_parse_dsn(const char *buf, size_t len, struct report *r)
{
	struct field f;
	struct report_rcpt *cur = NULL;
	size_t pos = 0, n, first = r->nrcpt, i, j;
	const char *v;
	int blank, ingroup = 0;
	char final[REPORT_RCPT_MAX];

	memset(final, 0, sizeof(final));
	while (next_field(buf, len, &pos, &f, &blank)) {
		if (blank)
			ingroup = 0;
		if (is_field(&f, "Reporting-MTA")) {
			typed_value(&f, &v, &n);
			copy_clean(r->reporting_mta, sizeof(r->reporting_mta),
			    v, n);
			continue;
		}
		if (is_field(&f, "Arrival-Date")) {
			copy_clean(r->arrival_date, sizeof(r->arrival_date),
			    f.val, f.vlen);
			continue;
		}
		if (!is_field(&f, "Final-Recipient") &&
		    !is_field(&f, "Original-Recipient") &&
		    !is_field(&f, "Action") && !is_field(&f, "Status") &&
		    !is_field(&f, "Diagnostic-Code") &&
		    !is_field(&f, "Remote-MTA"))
			continue;
		if (!ingroup) {
			if (r->nrcpt >= REPORT_RCPT_MAX)
				break;
			cur = &r->rcpt[r->nrcpt++];
			memset(cur, 0, sizeof(*cur));
			ingroup = 1;
		}
		typed_value(&f, &v, &n);
		if (is_field(&f, "Final-Recipient")) {
			copy_addr(cur->addr, sizeof(cur->addr), v, n);
			final[r->nrcpt - 1] = cur->addr[0] != '\0';
		} else if (is_field(&f, "Original-Recipient")) {
			copy_addr(cur->orig, sizeof(cur->orig), v, n);
			if (cur->addr[0] == '\0')
				copy_addr(cur->addr, sizeof(cur->addr), v, n);
		} else if (is_field(&f, "Action")) {
			copy_clean(cur->action, sizeof(cur->action), f.val,
			    f.vlen);
			for (n = 0; cur->action[n] != '\0'; n++)
				cur->action[n] = (char)tolower(
				    (unsigned char)cur->action[n]);
		} else if (is_field(&f, "Status"))
			copy_status(cur->status, sizeof(cur->status), f.val,
			    f.vlen);
		else if (is_field(&f, "Diagnostic-Code"))
			copy_clean(cur->diag, sizeof(cur->diag), v, n);
		else if (is_field(&f, "Remote-MTA"))
			copy_clean(cur->remote_mta, sizeof(cur->remote_mta),
			    v, n);
	}
	/* RFC 3464: a recipient group has Final-Recipient and Action */
	for (i = j = first; i < r->nrcpt; i++) {
		if (!final[i] || r->rcpt[i].action[0] == '\0')
			continue;
		/* no usable Status: the diagnostic's, when it has one */
		if (r->rcpt[i].status[0] == '\0')
			copy_status(r->rcpt[i].status, sizeof(r->rcpt[i].status),
			    r->rcpt[i].diag, strlen(r->rcpt[i].diag));
		if (i != j)
			r->rcpt[j] = r->rcpt[i];
		j++;
	}
	r->nrcpt = j;
	return (r->nrcpt);
}

int
report_parse_arf(const char *buf, size_t len, struct report *r)
{
	struct field f;
	size_t pos = 0, n;
	const char *v;
	int blank;

	while (next_field(buf, len, &pos, &f, &blank)) {
		if (is_field(&f, "Feedback-Type")) {
			copy_clean(r->feedback_type, sizeof(r->feedback_type),
			    f.val, f.vlen);
			for (n = 0; r->feedback_type[n] != '\0'; n++)
				r->feedback_type[n] = (char)tolower(
				    (unsigned char)r->feedback_type[n]);
		} else if (is_field(&f, "User-Agent"))
			copy_clean(r->user_agent, sizeof(r->user_agent), f.val,
			    f.vlen);
		else if (is_field(&f, "Original-Rcpt-To")) {
			typed_value(&f, &v, &n);
			copy_addr(r->original_rcpt, sizeof(r->original_rcpt),
			    v, n);
		} else if (is_field(&f, "Reporting-MTA")) {
			typed_value(&f, &v, &n);
			copy_clean(r->reporting_mta, sizeof(r->reporting_mta),
			    v, n);
		} else if (is_field(&f, "Arrival-Date") ||
		    is_field(&f, "Received-Date"))
			copy_clean(r->arrival_date, sizeof(r->arrival_date),
			    f.val, f.vlen);
	}
	return (r->feedback_type[0] != '\0' ? 0 : -1);
}

/* ---------------------------------------------------------- free text */

static const char *const mailbox_words[] = {
	"user unknown", "unknown user", "no such user", "no such mailbox",
	"no such recipient", "no such person", "unknown recipient",
	"recipient unknown", "mailbox unavailable", "mailbox not found",
	"mailbox does not exist", "does not exist", "doesn't exist",
	"no mailbox", "invalid recipient", "invalid mailbox",
	"recipient not found", "recipientnotfound", "recipnotfound",
	"account disabled", "account has been disabled", "is disabled",
	"deactivated", "unrouteable address", "no longer available",
	"doesn't have a", "not a valid mailbox", "unknown local part",
	"address not found", "unknown address", "mailbox is inactive",
	"suspended", "mailbox disabled", "no longer accepts mail",
	NULL
};

static const char *const full_words[] = {
	"quota", "mailbox full", "mailbox is full", "insufficient storage",
	"over quota", "out of storage", NULL
};

/*
 * Refusals that are about us, our message or our address, not about
 * the mailbox. Whatever the status, such a report condemns nobody. Each
 * is a word of its own in the diagnostic, the addresses in it blanked
 * (policy_word()); one ending in '*' may go on ("throttl*": throttled).
 */
static const char *const policy_words[] = {
	"spam*", "blacklist*", "blocklist*", "block list", "black list",
	"blocked", "listed at", "listed by", "listed on", "listed in",
	"rbl*", "dnsbl*", "surbl*", "uribl*",
	"spamhaus*", "spamcop*", "barracuda*", "sorbs*", "reputation",
	"policy", "policies", "rate limit*", "ratelimit*", "rate-limit*",
	"rate that prevents", "unusual rate", "too many", "throttl*",
	"unsolicited", "bulk mail*", "junk*", "dmarc", "spf", "dkim",
	"not authenticated", "authentication", "reverse dns", "ptr record",
	"helo", "relay access denied", "relaying denied", "relay not permitted",
	"virus*", "malware", "phishing", "content*", "banned", "denied by",
	"greylist*", "graylist*", "suspicious", "abuse", "your ip",
	"sending ip", "ip address*", "tls required", "encryption required",
	"message size", "too large", "temporarily deferred",
	"try again later",
	NULL
};

/*
 * without_addresses - DIAG into OUT (OUTLEN > 0) with its addresses
 * blanked: around every '@', the local part's characters before it and
 * the domain's after it ("(bob@example.com:blocked)" keeps "(" and
 * ":blocked)"). The recipient's address, which a diagnostic quotes, may
 * hold any word ("bob@marbles.example" holds "rbl") and says nothing of
 * why the mail was refused. Returns the length of OUT (DIAG cut to
 * OUTLEN - 1).
 */
static size_t
without_addresses(const char *diag, char *out, size_t outlen)
{
	size_t n, at, s, e;

	for (n = 0; diag[n] != '\0' && n + 1 < outlen; n++)
		out[n] = diag[n];
	out[n] = '\0';
	for (at = 0; at < n; at++) {
		if (out[at] != '@')
			continue;
		for (s = at; s > 0 && (isalnum((unsigned char)out[s - 1]) ||
		    strchr("!#$%&'*+-/=?^_`{|}~.\"", out[s - 1]) != NULL); s--)
			;
		for (e = at + 1; e < n && (isalnum((unsigned char)out[e]) ||
		    out[e] == '-' || out[e] == '.'); e++)
			;
		memset(out + s, ' ', e - s);
		at = e - 1;
	}
	return (n);
}

/* enhanced_at - the length of an enhanced status code "C.S.D" at P, or 0 */
static size_t
enhanced_at(const char *p, const char *e)
{
	const char *q = p;
	int part, d;

	if (q == e || (*q != '2' && *q != '4' && *q != '5'))
		return (0);
	q++;
	for (part = 0; part < 2; part++) {
		if (q == e || *q++ != '.')
			return (0);
		for (d = 0; q < e && d < 3 && isdigit((unsigned char)*q); d++)
			q++;
		if (d == 0)
			return (0);
	}
	return (q < e && isalnum((unsigned char)*q) ? 0 : (size_t)(q - p));
}

/*
 * without_reply_codes - S (N octets, NUL-terminated) without the reply
 * codes that a multi-line reply repeats on each of its lines, run
 * together by the MTA that wrote the diagnostic ("...at a rate that
 * 550-5.2.1 prevents additional messages..."), and with every run of
 * blanks made one: a phrase of policy_words may span such a line
 * break. Removed: "NNN-", "NNN-C.S.D" and "NNN C.S.D" (N a digit, the
 * first 2, 4 or 5) where a word begins, with the blanks after them;
 * tabs and line breaks count as blanks.
 * Returns the new length.
 */
static size_t
without_reply_codes(char *s, size_t n)
{
	const char *r = s, *e = s + n;
	char *w = s, c;
	size_t k;

	while (r < e) {
		if ((r == s || !isalnum((unsigned char)r[-1])) && e - r >= 4 &&
		    (r[0] == '2' || r[0] == '4' || r[0] == '5') &&
		    isdigit((unsigned char)r[1]) &&
		    isdigit((unsigned char)r[2]) &&
		    (r[3] == '-' || r[3] == ' ')) {
			k = enhanced_at(r + 4, e);
			if (k > 0 || r[3] == '-') {
				r += 4 + k;
				while (r < e && *r == ' ')
					r++;
				continue;
			}
		}
		c = *r++;
		if (c == '\t' || c == '\r' || c == '\n')
			c = ' ';
		if (c != ' ' || (w > s && w[-1] != ' '))
			*w++ = c;
	}
	*w = '\0';
	return ((size_t)(w - s));
}

/*
 * policy_word - 1 when S (LEN) holds one of policy_words as a word of
 * its own: no letter or digit just before it, nor just after it but for
 * a word ending in '*'
 */
static int
policy_word(const char *s, size_t len)
{
	const char *const *w;
	const char *p;
	size_t wl, i;
	int prefix;

	for (w = policy_words; *w != NULL; w++) {
		wl = strlen(*w);
		if ((prefix = (*w)[wl - 1] == '*'))
			wl--;
		for (i = 0; i + wl <= len; i++) {
			p = s + i;
			if (strncasecmp(p, *w, wl) != 0)
				continue;
			if (i > 0 && isalnum((unsigned char)p[-1]))
				continue;
			if (!prefix && i + wl < len &&
			    isalnum((unsigned char)p[wl]))
				continue;
			return (1);
		}
	}
	return (0);
}

/* smtp_code_before - a 3-digit reply code ending at P[-2] ("550 ", "550-") */
static int
smtp_code_before(const char *buf, const char *p)
{
	const char *c = p - 4;

	if (p - buf < 4 || (p[-1] != ' ' && p[-1] != '-'))
		return (0);
	if (!isdigit((unsigned char)c[0]) || !isdigit((unsigned char)c[1]) ||
	    !isdigit((unsigned char)c[2]))
		return (0);
	if (c > buf && isalnum((unsigned char)c[-1]))
		return (0);
	return (c[0] == '4' || c[0] == '5' || c[0] == '2');
}

/* line_of - the line around P in BUF: [*S, *E) */
static void
line_of(const char *buf, size_t len, const char *p, const char **s,
    const char **e)
{
	*s = p;
	while (*s > buf && (*s)[-1] != '\n')
		(*s)--;
	*e = p;
	while (*e < buf + len && **e != '\n')
		(*e)++;
}

/* set_text_rcpt - the recipient found by report_scan_text() */
static int
set_text_rcpt(struct report *r, const char *status, const char *ls,
    const char *le, const char *failed)
{
	struct report_rcpt *cur;

	if (r->nrcpt >= REPORT_RCPT_MAX)
		return (0);
	cur = &r->rcpt[r->nrcpt++];
	memset(cur, 0, sizeof(*cur));
	(void)snprintf(cur->status, sizeof(cur->status), "%s", status);
	/* a bounce is final, also for a deferral that expired */
	(void)snprintf(cur->action, sizeof(cur->action), "failed");
	copy_clean(cur->diag, sizeof(cur->diag), ls, (size_t)(le - ls));
	if (failed != NULL) {
		size_t n = strcspn(failed, ",");

		copy_addr(cur->addr, sizeof(cur->addr), failed, n);
	}
	return (1);
}

int
report_scan_text(const char *buf, size_t len, const char *failed,
    struct report *r)
{
	const char *p, *ls, *le;
	char status[REPORT_STATUS_MAX];
	size_t i, s;

	/* an enhanced code next to a reply code, "#", or "Status:" */
	for (i = 0; i < len; i++) {
		p = buf + i;
		if ((s = status_at(p, len - i)) == 0)
			continue;
		if (i > 0 && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		if (!smtp_code_before(buf, p) && !(i > 0 && p[-1] == '#') &&
		    !(i >= 7 && strncasecmp(p - 7, "Status:", 7) == 0) &&
		    !(i >= 8 && strncasecmp(p - 8, "Status: ", 8) == 0))
			continue;
		(void)snprintf(status, sizeof(status), "%.*s", (int)s, p);
		line_of(buf, len, p, &ls, &le);
		return (set_text_rcpt(r, status, ls, le, failed));
	}
	/* a bare reply code at the start of a word, with mailbox words */
	for (i = 0; i + 4 <= len; i++) {
		p = buf + i;
		if ((p[0] != '4' && p[0] != '5') ||
		    !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]) ||
		    (p[3] != ' ' && p[3] != '-' && p[3] != ':') ||
		    (i > 0 && (isalnum((unsigned char)p[-1]) || p[-1] == '.')))
			continue;
		line_of(buf, len, p, &ls, &le);
		if (ci_any(p, (size_t)(le - p), mailbox_words))
			(void)snprintf(status, sizeof(status), "%c.1.1", p[0]);
		else if (ci_any(p, (size_t)(le - p), full_words))
			(void)snprintf(status, sizeof(status), "%c.2.2", p[0]);
		else {
			/*
			 * a later code of this line sees less of it: none
			 * can have the words (one pass a line, not one per
			 * code: "550 550 550 ..." is no quadratic cost)
			 */
			i = (size_t)(le - buf);
			continue;
		}
		return (set_text_rcpt(r, status, ls, le, failed));
	}
	return (0);
}

/* ---------------------------------------------------------- classes */

/* in_list - STATUS is one of LIST's codes or starts with one of its prefixes */
static int
in_list(const char *status, const char *list)
{
	const char *p = list;
	size_t n, sl = strlen(status);

	while (*p != '\0') {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		n = strcspn(p, " ,\t");
		if (n == 0)
			break;
		if (n == sl && strncmp(p, status, n) == 0)
			return (1);
		/* a prefix: "5.1" matches "5.1.x" */
		if (n < sl && strncmp(p, status, n) == 0 && status[n] == '.')
			return (1);
		p += n;
	}
	return (0);
}

int
report_classify(const char *status, const char *diag, const char *hard)
{
	char text[REPORT_DIAG_MAX * 2];
	size_t dl;

	if (hard == NULL)
		hard = REPORT_HARD_DEFAULT;
	if (status[0] != '4' && status[0] != '5')
		return (BOUNCE_NONE);
	dl = without_addresses(diag, text, sizeof(text));
	dl = without_reply_codes(text, dl);
	diag = text;
	if (policy_word(diag, dl))
		return (BOUNCE_POLICY);
	if (status[0] == '4')
		return (BOUNCE_SOFT);
	if (strcmp(status, "5.2.2") == 0)
		return (BOUNCE_SOFT);
	if (strncmp(status, "5.7.", 4) == 0 || strcmp(status, "5.1.7") == 0 ||
	    strcmp(status, "5.1.8") == 0 || strcmp(status, "5.3.4") == 0 ||
	    strcmp(status, "5.2.3") == 0)
		return (BOUNCE_POLICY);	/* about us or our message */
	if (in_list(status, hard))
		return (BOUNCE_HARD);
	if (ci_any(diag, dl, mailbox_words))
		return (BOUNCE_HARD);
	if (ci_any(diag, dl, full_words))
		return (BOUNCE_SOFT);
	return (BOUNCE_PERMANENT);
}

const char *
report_class_name(int c)
{
	switch (c) {
	case BOUNCE_HARD:	return ("hard");
	case BOUNCE_PERMANENT:	return ("permanent");
	case BOUNCE_SOFT:	return ("soft");
	case BOUNCE_POLICY:	return ("policy");
	default:		return ("none");
	}
}

const char *
report_kind_name(int k)
{
	switch (k) {
	case REPORT_DSN:	return ("dsn");
	case REPORT_ARF:	return ("arf");
	case REPORT_BOUNCE:	return ("bounce");
	case REPORT_AUTOREPLY:	return ("autoreply");
	default:		return ("none");
	}
}

/* ---------------------------------------------------------- headers */

static const char *const auto_subjects[] = {
	"out of office", "out-of-office", "automatic reply", "auto reply",
	"auto-reply", "autoreply", "auto:", "auto response", "autoresponse",
	"vacation", "away from", "i am away", "i'm away", "on leave",
	"abwesenheit", "automatische antwort", "nicht im b\xc3\xbc" "ro",
	"au\xc3\x9f" "er haus", "ausser haus",
	"r\xc3\xa9" "ponse automatique", "reponse automatique",
	"absent", "risposta automatica", "fuori sede",
	"respuesta autom\xc3\xa1" "tica", "respuesta automatica",
	"fuera de la oficina", "resposta autom\xc3\xa1" "tica", "ausente",
	"automatisch antwoord", "afwezig", "autosvar", "fr\xc3\xa5" "nvarande",
	"automatyczna odpowied", "poza biurem",
	"\xd0\xb0\xd0\xb2\xd1\x82\xd0\xbe\xd0\xbe\xd1\x82\xd0\xb2\xd0\xb5\xd1\x82",
	"\xe8\x87\xaa\xe5\x8b\x95\xe5\xbf\x9c\xe7\xad\x94",
	"\xe8\x87\xaa\xe5\x8a\xa8\xe5\x9b\x9e\xe5\xa4\x8d",
	/* challenge-response systems */
	"please confirm", "confirm your", "verify your", "verification",
	"challenge", "awaiting your confirmation", "held for approval",
	NULL
};

static int
hdr_is(const char *v, const char *word)
{
	size_t n = strlen(word);

	while (*v == ' ' || *v == '\t')
		v++;
	return (strncasecmp(v, word, n) == 0);
}

int
report_is_autoreply(const struct report_hdrs *h)
{
	if (h->auto_submitted != NULL && !hdr_is(h->auto_submitted, "no"))
		return (1);
	if (h->x_autoreply != NULL && !hdr_is(h->x_autoreply, "no"))
		return (1);
	if (h->precedence != NULL && hdr_is(h->precedence, "auto_reply"))
		return (1);
	if (h->challenge != NULL)
		return (1);
	if (h->subject != NULL && ci_any(h->subject, strlen(h->subject),
	    auto_subjects))
		return (1);
	return (0);
}

static const char *const bounce_senders[] = {
	"mailer-daemon", "postmaster", "mail delivery", "mailerdaemon",
	NULL
};

static const char *const bounce_subjects[] = {
	"undeliver", "undelivered", "delivery status notification",
	"mail delivery failed", "returned mail", "failure notice",
	"delivery failure", "delivery has failed", "non remis",
	"unzustellbar", "nicht zustellbar", "no se puede entregar",
	"non recapitabile", "onbestelbaar", NULL
};

int
report_is_bounce(const struct report_hdrs *h)
{
	if (h->x_failed != NULL)
		return (1);
	if (h->from != NULL && ci_any(h->from, strlen(h->from),
	    bounce_senders))
		return (1);
	/*
	 * the subject alone, unless a person's vacation program marked the
	 * message (its subject may quote ours: "Automatic reply: ...
	 * undelivered"); a mail system's bounce says who it is above
	 */
	if (h->subject != NULL && ci_any(h->subject, strlen(h->subject),
	    bounce_subjects) && !(h->x_autoreply != NULL &&
	    !hdr_is(h->x_autoreply, "no")) && !(h->auto_submitted != NULL &&
	    hdr_is(h->auto_submitted, "auto-replied")))
		return (1);
	return (0);
}

/* ---------------------------------------------------------- tokens */

static int
tokchar(int c)
{
	return (isalnum(c) || c == '-' || c == '_');
}

size_t
report_find_tokens(const char *buf, size_t len, const char *const *marks,
    size_t nmarks, size_t limit, report_token_cb cb, void *arg)
{
	size_t m, count = 0, off, ml, e;
	const char *p;

	for (m = 0; m < nmarks && count < limit; m++) {
		ml = strlen(marks[m]);
		if (ml == 0)
			continue;
		for (off = 0; off < len && count < limit; ) {
			if ((p = ci_find(buf + off, len - off, marks[m])) == NULL)
				break;
			off = (size_t)(p - buf) + ml;
			while (off < len && (buf[off] == ' ' || buf[off] == '\t'))
				off++;
			for (e = off; e < len && tokchar((unsigned char)buf[e]);
			    e++)
				;
			if (e - off >= 40) {
				count++;
				if (cb(arg, buf + off, e - off) != 0)
					return (count);
			}
			off = e > off ? e : off + 1;
		}
	}
	return (count);
}
