/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mime.c - the MIME structure of a report, read with GMime
 *
 * SYNOPSIS
 *	struct parsed p;
 *	mime_parse(buf, len, &p);
 *
 * DESCRIPTION
 *	GMime does the MIME: boundaries, transfer encodings, RFC 2047
 *	words, nested messages. This file only walks the tree, hands the
 *	decoded bodies of the report parts to policy/report.c, and keeps
 *	the texts where our token may appear (the returned message or its
 *	headers, text parts) for the token search.
 *
 *	Structure comes first: a multipart/report is a report even when
 *	it also carries Auto-Submitted: auto-replied, as the DSNs of many
 *	MTAs do. Only a message that is no report is tested for an
 *	auto-reply, after a bounce from a mail system (which often is
 *	marked auto-replied too) has had its chance to yield a status.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime.h"

#define TEXT_MAX	(256 * 1024)	/* bounce text scanned for a status */

struct walk {
	struct parsed *p;
	GByteArray *search;
	GByteArray *text;		/* text/plain parts, for bounces */
	int	have_dsn, have_arf;
};

/* bytes_of - the decoded content of a leaf part, or of a whole message */
static GByteArray *
bytes_of(GMimeObject *obj)
{
	GMimeStream *out = g_mime_stream_mem_new();
	GByteArray *ba;

	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(obj));

		if (w != NULL)
			(void)g_mime_data_wrapper_write_to_stream(w, out);
	} else
		(void)g_mime_object_write_to_stream(obj, NULL, out);
	ba = g_byte_array_new();
	g_byte_array_append(ba, g_mime_stream_mem_get_byte_array(
	    GMIME_STREAM_MEM(out))->data, g_mime_stream_mem_get_byte_array(
	    GMIME_STREAM_MEM(out))->len);
	g_object_unref(out);
	return (ba);
}

static void
add_search(struct walk *w, const guint8 *data, size_t len)
{
	static const guint8 nul = 0;

	if (w->search->len + len > 4 * 1024 * 1024)
		return;
	g_byte_array_append(w->search, data, (guint)len);
	g_byte_array_append(w->search, &nul, 1);
}

static int
is_type(GMimeContentType *ct, const char *type, const char *sub)
{
	return (ct != NULL && g_mime_content_type_is_type(ct, type, sub));
}

/* visit - one node of the MIME tree */
static void
visit(GMimeObject *parent, GMimeObject *obj, gpointer data)
{
	struct walk *w = data;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GByteArray *ba;

	(void)parent;
	if (GMIME_IS_MULTIPART(obj))
		return;		/* g_mime_multipart_foreach visits the parts */
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		/* the returned message: its headers carry our tokens */
		if (m != NULL) {
			ba = bytes_of(GMIME_OBJECT(m));
			add_search(w, ba->data, ba->len);
			g_byte_array_unref(ba);
		}
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	ba = bytes_of(obj);
	if (is_type(ct, "message", "delivery-status") ||
	    is_type(ct, "message", "global-delivery-status")) {
		if (report_parse_dsn((const char *)ba->data, ba->len,
		    &w->p->rep) > 0 || w->p->rep.reporting_mta[0] != '\0')
			w->have_dsn = 1;
	} else if (is_type(ct, "message", "feedback-report")) {
		if (report_parse_arf((const char *)ba->data, ba->len,
		    &w->p->rep) == 0)
			w->have_arf = 1;
	} else if (is_type(ct, "text", "plain")) {
		if (w->text->len + 1 < TEXT_MAX) {
			guint n = MIN(ba->len, TEXT_MAX - 1 - w->text->len);

			g_byte_array_append(w->text, ba->data, n);
			g_byte_array_append(w->text, (const guint8 *)"\n", 1);
		}
	}
	add_search(w, ba->data, ba->len);
	g_byte_array_unref(ba);
}

/*
 * top_headers - the From mailbox (when there is exactly one) and the
 * Authentication-Results headers of the message itself, not of a part
 */
static void
top_headers(GMimeMessage *m, struct parsed *p)
{
	InternetAddressList *from;
	InternetAddress *a;
	GMimeHeaderList *hl;
	GMimeHeader *hd;
	const char *v;
	int i, n;
	size_t j;

	if ((from = g_mime_message_get_from(m)) != NULL &&
	    internet_address_list_length(from) == 1 &&
	    (a = internet_address_list_get_address(from, 0)) != NULL &&
	    INTERNET_ADDRESS_IS_MAILBOX(a) &&
	    (v = internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(a))) != NULL &&
	    strlen(v) < sizeof(p->from_addr)) {
		for (j = 0; v[j] != '\0'; j++)
			p->from_addr[j] = (char)g_ascii_tolower(v[j]);
		p->from_addr[j] = '\0';
	}
	if ((hl = g_mime_object_get_header_list(GMIME_OBJECT(m))) == NULL)
		return;
	n = g_mime_header_list_get_count(hl);
	for (i = 0; i < n && p->nauthres < MIME_AUTHRES_MAX; i++) {
		if ((hd = g_mime_header_list_get_header_at(hl, i)) == NULL ||
		    (v = g_mime_header_get_name(hd)) == NULL ||
		    g_ascii_strcasecmp(v, "Authentication-Results") != 0 ||
		    (v = g_mime_header_get_raw_value(hd)) == NULL ||
		    strlen(v) >= sizeof(p->authres[0]))
			continue;
		(void)snprintf(p->authres[p->nauthres++],
		    sizeof(p->authres[0]), "%s", v);
	}
}

/* header - a header of the message as text, or NULL */
static const char *
header(GMimeMessage *m, const char *name)
{
	return (g_mime_object_get_header(GMIME_OBJECT(m), name));
}

/* the header fields GMime reads as address lists while it parses */
static const char *const addr_fields[] = {
	"From", "Sender", "Reply-To", "To", "Cc", "Bcc", NULL
};

/*
 * field_at - the length of the field name of a line at P (before E) that
 * may be a header field: printable ASCII but ':', then optional blanks
 * and ':'; *COLON past the colon. 0 when it is none.
 */
static size_t
field_at(const char *p, const char *e, const char **colon)
{
	const char *q = p;
	size_t n;

	while (q < e && *q > ' ' && *q < 0x7f && *q != ':')
		q++;
	if ((n = (size_t)(q - p)) == 0)
		return (0);
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	if (q == e || *q != ':')
		return (0);
	*colon = q + 1;
	return (n);
}

/* is_addr_field - the name P (N octets) is one of addr_fields */
static int
is_addr_field(const char *p, size_t n)
{
	const char *const *f;

	for (f = addr_fields; *f != NULL; f++)
		if (strlen(*f) == n && g_ascii_strncasecmp(*f, p, n) == 0)
			return (1);
	return (0);
}

/*
 * colons_over - 1 when the field whose value starts at P, with the
 * lines that continue it, holds more than MAX colons
 */
static int
colons_over(const char *p, const char *e, size_t max)
{
	size_t n = 0;

	for (; p < e; p++) {
		if (*p == ':' && ++n > max)
			return (1);
		/* a line feed ends the field unless a blank follows it */
		if (*p == '\n' && (p + 1 == e || (p[1] != ' ' && p[1] != '\t')))
			break;
	}
	return (0);
}

/*
 * unparsable - why BUF (LEN) must not reach GMime, or NULL. Anybody may
 * write to the bounce address, and before any token is checked:
 *   - every part opens with a line "--boundary", and GMime takes about
 *     1.4 KB for each part (MIME_MAX_DELIMS);
 *   - GMime keeps every header field as objects of some 500 octets, in
 *     the message and in every part or returned message
 *     (MIME_MAX_FIELDS lines that may be fields, wherever they are);
 *   - GMime reads a group ("name:" before addresses) in an address field
 *     by calling itself, once for each colon: 50000 of them in a
 *     100 KB To field overflow the stack (MIME_MAX_ADDR_COLONS).
 * One pass over the lines; body lines that look like fields count too
 * (a line "https://..." or "style=3D\"color:red\"" is one): where a
 * header ends depends on the MIME structure, and GMime reads on over
 * lines that are no field until an empty one. 100000 of them take GMime
 * some 50 MB, and a returned message would need megabytes of such
 * lines to reach that. This errs towards keeping a message unread.
 */
static const char *
unparsable(const char *buf, size_t len)
{
	const char *p = buf, *e = buf + len, *nl, *colon;
	size_t delims = 0, fields = 0, n;

	while (p < e) {
		if (e - p >= 2 && p[0] == '-' && p[1] == '-') {
			if (++delims > MIME_MAX_DELIMS)
				return ("too-many-parts");
		} else if ((n = field_at(p, e, &colon)) > 0) {
			if (++fields > MIME_MAX_FIELDS)
				return ("too-many-fields");
			if (is_addr_field(p, n) &&
			    colons_over(colon, e, MIME_MAX_ADDR_COLONS))
				return ("address-groups");
		}
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			break;
		p = nl + 1;
	}
	return (NULL);
}

int
mime_parse(const char *buf, size_t len, struct parsed *p)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *m;
	GMimeObject *top;
	struct report_hdrs h;
	struct walk w;
	const char *x;

	static int inited;

	if (!inited) {
		g_mime_init();
		inited = 1;
	}
	memset(p, 0, sizeof(*p));
	report_init(&p->rep);
	memset(&w, 0, sizeof(w));
	w.p = p;
	w.search = g_byte_array_new();
	w.text = g_byte_array_new();
	add_search(&w, (const guint8 *)buf, len);

	/* what GMime would pay for (unparsable()) is bounded first */
	if ((p->unparsed = unparsable(buf, len)) != NULL)
		goto done;
	stream = g_mime_stream_mem_new_with_buffer(buf, len);
	parser = g_mime_parser_new_with_stream(stream);
	m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (m == NULL)
		goto done;		/* not a message: nothing to act on */

	memset(&h, 0, sizeof(h));
	h.from = header(m, "From");
	h.subject = g_mime_message_get_subject(m);
	h.auto_submitted = header(m, "Auto-Submitted");
	h.precedence = header(m, "Precedence");
	if ((h.x_autoreply = header(m, "X-Autoreply")) == NULL &&
	    (h.x_autoreply = header(m, "X-Autorespond")) == NULL)
		h.x_autoreply = header(m, "X-Autogenerated");
	h.x_failed = header(m, "X-Failed-Recipients");
	if ((h.challenge = header(m, "X-Challenge")) == NULL &&
	    (h.challenge = header(m, "X-Boxbe-Challenge")) == NULL)
		h.challenge = header(m, "X-Spam-Arrest");
	(void)snprintf(p->subject, sizeof(p->subject), "%s",
	    h.subject != NULL ? h.subject : "");
	(void)snprintf(p->from, sizeof(p->from), "%s",
	    h.from != NULL ? h.from : "");
	top_headers(m, p);

	top = g_mime_message_get_mime_part(m);
	if (top != NULL) {
		if (GMIME_IS_MULTIPART(top))
			g_mime_multipart_foreach(GMIME_MULTIPART(top), visit,
			    &w);
		else
			visit(NULL, top, &w);
	}
	if (top != NULL && GMIME_IS_MULTIPART(top) && is_type(
	    g_mime_object_get_content_type(top), "multipart", "report")) {
		x = g_mime_object_get_content_type_parameter(top,
		    "report-type");
		if (w.have_arf || (x != NULL && g_ascii_strcasecmp(x,
		    "feedback-report") == 0))
			p->rep.kind = REPORT_ARF;
		else if (w.have_dsn || x == NULL || g_ascii_strncasecmp(x,
		    "delivery-status", 15) == 0 || g_ascii_strcasecmp(x,
		    "global-delivery-status") == 0)
			p->rep.kind = REPORT_DSN;
		/* else disposition notifications (read receipts): not ours */
		p->structured = p->rep.kind != REPORT_NONE;
		/* a report without a usable status: its text may have one */
		if (p->rep.kind == REPORT_DSN && p->rep.nrcpt == 0)
			(void)report_scan_text((const char *)w.text->data,
			    w.text->len, h.x_failed, &p->rep);
	} else if (report_is_bounce(&h) && report_scan_text(
	    (const char *)w.text->data, w.text->len, h.x_failed,
	    &p->rep) > 0)
		p->rep.kind = REPORT_BOUNCE;
	else if (report_is_autoreply(&h))
		p->rep.kind = REPORT_AUTOREPLY;
	else if (w.have_arf)		/* an ARF part without the wrapper */
		p->rep.kind = REPORT_ARF;
	g_object_unref(m);
done:
	p->searchlen = w.search->len;
	p->search = (char *)g_byte_array_free(w.search, FALSE);
	g_byte_array_unref(w.text);
	return (0);
}

void
mime_parsed_free(struct parsed *p)
{
	if (p == NULL)
		return;
	g_free(p->search);
	p->search = NULL;
}
