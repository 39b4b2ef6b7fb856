/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pages.c - the HTML around optin-unsubd's pages, and a text buffer
 *
 * DESCRIPTION
 *	Plain HTML and CSS: no script, no external resource, readable on
 *	a phone. Everything that comes from configuration or a database is
 *	escaped with buf_html().
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unsubd.h"

static void
grow(struct buf *b, size_t need)
{
	char *n;
	size_t cap;

	if (b->oom || b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + need + 1)
		cap *= 2;
	if ((n = realloc(b->s, cap)) == NULL) {
		b->oom = 1;
		return;
	}
	b->s = n;
	b->cap = cap;
}

void
buf_add(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	grow(b, n);
	if (b->oom)
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;		/* never send half a page */
		return;
	}
	grow(b, (size_t)n);
	if (b->oom)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_html(struct buf *b, const char *s)
{
	char one[2] = { 0, 0 };

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_add(b, "&amp;"); break;
		case '<': buf_add(b, "&lt;"); break;
		case '>': buf_add(b, "&gt;"); break;
		case '"': buf_add(b, "&quot;"); break;
		case '\'': buf_add(b, "&#39;"); break;
		default:
			one[0] = *s;
			buf_add(b, one);
		}
	}
}

void
buf_free(struct buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void
page_begin(struct buf *b, const char *title)
{
	buf_add(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n"
	    "<title>");
	buf_html(b, title);
	buf_add(b, "</title>\n<style>\n"
	    "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;"
	    "margin:0;background:#f4f5f7;color:#1d2129;line-height:1.5}\n"
	    "main{max-width:34rem;margin:2rem auto;background:#fff;"
	    "padding:1.5rem;border-radius:.5rem;"
	    "box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
	    "h1{font-size:1.4rem;margin-top:0}\n"
	    "button{font-size:1rem;padding:.7rem 1.2rem;border:0;"
	    "border-radius:.4rem;background:#1a56db;color:#fff;cursor:pointer}\n"
	    "fieldset{border:0;padding:0;margin:1rem 0}\n"
	    "label{display:flex;gap:.6rem;align-items:flex-start;"
	    "padding:.6rem 0;border-bottom:1px solid #e5e7eb}\n"
	    "input[type=checkbox]{flex:none;width:1.3rem;height:1.3rem;"
	    "margin-top:.15rem}\n"
	    ".state{color:#5f6b7a;font-size:.9rem;display:block}\n"
	    "label.address{display:block;border:0}\n"
	    "input[type=email]{display:block;width:100%;box-sizing:border-box;"
	    "font-size:1rem;padding:.5rem;margin-top:.3rem}\n"
	    ".note{background:#e8f5e9;padding:.6rem;border-radius:.4rem}\n"
	    "footer{margin-top:1.5rem;padding-top:.8rem;border-top:1px solid "
	    "#e5e7eb;color:#5f6b7a;font-size:.9rem}\n"
	    "@media (max-width:36rem){main{margin:0;border-radius:0}}\n"
	    "</style>\n</head>\n<body>\n<main>\n");
}

void
page_footer(struct buf *b, const struct conf *c)
{
	if (c->organisation[0] == '\0' && c->privacy_url[0] == '\0')
		return;
	buf_add(b, "<footer>");
	if (c->organisation[0] != '\0') {
		buf_add(b, "<span class=\"org\">");
		buf_html(b, c->organisation);
		buf_add(b, "</span>");
	}
	if (c->privacy_url[0] != '\0') {
		buf_add(b, c->organisation[0] != '\0' ? " &middot; " : "");
		buf_add(b, "<a class=\"privacy\" href=\"");
		buf_html(b, c->privacy_url);
		buf_add(b, "\">Privacy policy</a>");
	}
	buf_add(b, "</footer>\n");
}

void
page_end(struct buf *b)
{
	buf_add(b, "</main>\n</body>\n</html>\n");
}

void
page_error(struct buf *b, const char *title, const char *text)
{
	page_begin(b, title);
	buf_add(b, "<h1>");
	buf_html(b, title);
	buf_add(b, "</h1>\n<p>");
	buf_html(b, text);
	buf_add(b, "</p>\n");
	page_end(b);
}
