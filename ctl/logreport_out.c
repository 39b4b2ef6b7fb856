/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * logreport_out.c - optinctl report's counts as text, JSON or one
 * self-contained HTML page
 *
 * SYNOPSIS
 *	#include "logreport.h"
 *
 *	logrep_print_text(stdout, r, conf);
 *
 * DESCRIPTION
 *	Per list and per day: list messages, recipients delivered,
 *	stripped, rejected and tempfailed, unsubscribes by channel,
 *	bounces and complaints, and per list the reasons recipients were
 *	held back, most frequent first. The HTML page has the same tables
 *	and inline SVG charts (unsubscribes and strip rate per day per
 *	list) and needs no network: no script, no external style, font or
 *	image. CONF (may be NULL) gives the lists' descriptions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logreport.h"
#include "text.h"

#define PREFS_LIST	"*"

/* describe - the list's description, "" when not configured */
static const char *
describe(const struct conf *c, const char *list)
{
	const struct conf_list *l;

	if (strcmp(list, PREFS_LIST) == 0)
		return ("unsubscribe from all, on the preference page");
	if (c == NULL || (l = conf_find_list(c, list)) == NULL)
		return ("");
	return (l->description);
}

/* next_list - the index after the cells of the list of CELL[I] */
static size_t
next_list(const struct logrep_cell *cell, size_t n, size_t i)
{
	size_t j = i;

	while (j < n && strcmp(cell[j].list, cell[i].list) == 0)
		j++;
	return (j);
}

/* total - the sums of CELL[I..J) */
static void
total(const struct logrep_cell *cell, size_t i, size_t j, unsigned long *t)
{
	int k;

	memset(t, 0, sizeof(unsigned long) * LR_NCOUNTS);
	for (; i < j; i++)
		for (k = 0; k < LR_NCOUNTS; k++)
			t[k] += cell[i].n[k];
}

/* strip_rate - stripped and rejected per recipient decided, in permille */
static unsigned long
strip_rate(const unsigned long *n)
{
	unsigned long all = n[LR_DELIVERED] + n[LR_STRIPPED] + n[LR_REJECTED] +
	    n[LR_TEMPFAIL];

	if (all == 0)
		return (0);
	return ((n[LR_STRIPPED] + n[LR_REJECTED]) * 1000 / all);
}

static const char *const short_names[LR_NCOUNTS] = {
	"msgs", "deliv", "strip", "reject", "tempf", "1click", "prefs",
	"mailto", "bounce", "compl",
};

/* ---------------------------------------------------------- text */

static void
text_row(FILE *fp, const char *day, const unsigned long *n)
{
	int k;

	(void)fprintf(fp, "  %-10s", day);
	for (k = 0; k < LR_NCOUNTS; k++)
		(void)fprintf(fp, " %7lu", n[k]);
	(void)fprintf(fp, "\n");
}

int
logrep_print_text(FILE *fp, const struct logrep *r, const struct conf *c)
{
	const struct logrep_cell *cell;
	const struct logrep_reason *rsn;
	unsigned long lines, used, t[LR_NCOUNTS];
	size_t n, nr, i, j, q;
	int k;

	cell = logrep_cells(r, &n);
	rsn = logrep_reasons(r, &nr);
	lines = logrep_lines(r, &used);
	(void)fprintf(fp, "optin-milter report: %lu lines read, %lu counted\n",
	    lines, used);
	for (i = 0; i < n; i = j) {
		const char *d = describe(c, cell[i].list);
		int shown = 0;

		j = next_list(cell, n, i);
		(void)fprintf(fp, "\nlist %s%s%s%s\n", cell[i].list,
		    d[0] ? " (" : "", d, d[0] ? ")" : "");
		(void)fprintf(fp, "  %-10s", "day");
		for (k = 0; k < LR_NCOUNTS; k++)
			(void)fprintf(fp, " %7s", short_names[k]);
		(void)fprintf(fp, "\n");
		for (q = i; q < j; q++)
			text_row(fp, cell[q].day, cell[q].n);
		total(cell, i, j, t);
		text_row(fp, "total", t);
		for (q = 0; q < nr; q++) {
			if (strcmp(rsn[q].list, cell[i].list) != 0)
				continue;
			(void)fprintf(fp, "%s%s %lu", shown ? ", " :
			    "  top reasons: ", rsn[q].reason, rsn[q].n);
			if (++shown == 5)
				break;
		}
		if (shown)
			(void)fprintf(fp, "\n");
	}
	return (ferror(fp) ? -1 : 0);
}

/* ---------------------------------------------------------- JSON */

/* json_str - S as a JSON string (text_json()) */
static void
json_str(FILE *fp, const char *s)
{
	text_json(fp, s);
}

static void
json_counts(FILE *fp, const unsigned long *n)
{
	int k;

	for (k = 0; k < LR_NCOUNTS; k++)
		(void)fprintf(fp, "%s\"%s\":%lu", k ? "," : "",
		    logrep_count_name(k), n[k]);
	(void)fprintf(fp, ",\"strip_rate\":%lu.%03lu", strip_rate(n) / 1000,
	    strip_rate(n) % 1000);
}

int
logrep_print_json(FILE *fp, const struct logrep *r, const struct conf *c)
{
	const struct logrep_cell *cell;
	const struct logrep_reason *rsn;
	unsigned long lines, used, t[LR_NCOUNTS];
	size_t n, nr, i, j, q;
	int first;

	cell = logrep_cells(r, &n);
	rsn = logrep_reasons(r, &nr);
	lines = logrep_lines(r, &used);
	(void)fprintf(fp, "{\"lines\":%lu,\"counted\":%lu,\"lists\":[", lines,
	    used);
	for (i = 0; i < n; i = j) {
		j = next_list(cell, n, i);
		(void)fprintf(fp, "%s\n{\"list\":", i ? "," : "");
		json_str(fp, cell[i].list);
		(void)fprintf(fp, ",\"description\":");
		json_str(fp, describe(c, cell[i].list));
		(void)fprintf(fp, ",\"days\":[");
		for (q = i; q < j; q++) {
			(void)fprintf(fp, "%s{\"day\":", q > i ? "," : "");
			json_str(fp, cell[q].day);
			(void)fputc(',', fp);
			json_counts(fp, cell[q].n);
			(void)fputc('}', fp);
		}
		total(cell, i, j, t);
		(void)fprintf(fp, "],\"total\":{");
		json_counts(fp, t);
		(void)fprintf(fp, "},\"reasons\":[");
		for (q = 0, first = 1; q < nr; q++) {
			if (strcmp(rsn[q].list, cell[i].list) != 0)
				continue;
			(void)fprintf(fp, "%s{\"reason\":", first ? "" : ",");
			json_str(fp, rsn[q].reason);
			(void)fprintf(fp, ",\"count\":%lu}", rsn[q].n);
			first = 0;
		}
		(void)fprintf(fp, "]}");
	}
	(void)fprintf(fp, "\n]}\n");
	return (ferror(fp) ? -1 : 0);
}

/* ---------------------------------------------------------- HTML */

/* html - S escaped for text and attribute values */
static void
html(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': (void)fputs("&amp;", fp); break;
		case '<': (void)fputs("&lt;", fp); break;
		case '>': (void)fputs("&gt;", fp); break;
		case '"': (void)fputs("&quot;", fp); break;
		case '\'': (void)fputs("&#39;", fp); break;
		default: (void)fputc(*s, fp); break;
		}
}

#define CH_W	640
#define CH_H	170
#define CH_L	44		/* left margin: the scale */
#define CH_B	28		/* bottom margin: the days */
#define CH_T	24		/* top margin: the title */

/* unsub - the unsubscribes of a cell */
static unsigned long
unsub(const struct logrep_cell *c)
{
	return (c->n[LR_UNSUB_ONECLICK] + c->n[LR_UNSUB_PREFS] +
	    c->n[LR_UNSUB_MAILTO]);
}

/*
 * chart - bars per day for CELL[I..J): KIND "unsubscribes" (a count) or
 * "strip-rate" (per cent, to one decimal)
 */
static void
chart(FILE *fp, const struct logrep_cell *cell, size_t i, size_t j,
    const char *kind)
{
	int rate = strcmp(kind, "strip-rate") == 0;
	unsigned long v, max = 0;
	size_t q, nd = j - i;
	double bw, x, h;

	for (q = i; q < j; q++) {
		v = rate ? strip_rate(cell[q].n) : unsub(&cell[q]);
		if (v > max)
			max = v;
	}
	if (rate)
		max = 1000;
	else if (max == 0)
		max = 1;
	bw = (double)(CH_W - CH_L - 8) / (double)(nd ? nd : 1);
	if (bw > 60)
		bw = 60;
	(void)fprintf(fp, "<svg class=\"chart\" data-list=\"");
	html(fp, cell[i].list);
	(void)fprintf(fp, "\" data-kind=\"%s\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">\n"
	    "<title>%s per day, list ", kind, CH_W, CH_H, CH_W, CH_H,
	    rate ? "Strip rate" : "Unsubscribes");
	html(fp, cell[i].list);
	(void)fprintf(fp, "</title>\n<text x=\"%d\" y=\"15\" class=\"ct\">%s"
	    "</text>\n", CH_L, rate ? "strip rate per day (stripped and "
	    "rejected recipients, %)" : "unsubscribes per day (one-click, "
	    "preference page, mailto)");
	(void)fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "class=\"ax\"/>\n", CH_L, CH_H - CH_B, CH_W - 4, CH_H - CH_B);
	(void)fprintf(fp, "<text x=\"%d\" y=\"%d\" class=\"sc\" "
	    "text-anchor=\"end\">%lu%s</text>\n<text x=\"%d\" y=\"%d\" "
	    "class=\"sc\" text-anchor=\"end\">0</text>\n", CH_L - 4, CH_T + 4,
	    rate ? max / 10 : max, rate ? "%" : "", CH_L - 4, CH_H - CH_B);
	for (q = i; q < j; q++) {
		v = rate ? strip_rate(cell[q].n) : unsub(&cell[q]);
		h = (double)(CH_H - CH_B - CH_T) * (double)v / (double)max;
		x = CH_L + 4 + bw * (double)(q - i);
		(void)fprintf(fp, "<rect class=\"bar\" data-day=\"%s\" "
		    "data-value=\"", cell[q].day);
		if (rate)
			(void)fprintf(fp, "%lu.%lu", v / 10, v % 10);
		else
			(void)fprintf(fp, "%lu", v);
		(void)fprintf(fp, "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"><title>%s: ", x + bw * 0.1,
		    (double)(CH_H - CH_B) - h, bw * 0.8, h, cell[q].day);
		if (rate)
			(void)fprintf(fp, "%lu.%lu%%", v / 10, v % 10);
		else
			(void)fprintf(fp, "%lu", v);
		(void)fprintf(fp, "</title></rect>\n");
		if (q == i || q + 1 == j || nd <= 8)
			(void)fprintf(fp, "<text x=\"%.1f\" y=\"%d\" class=\"sc\" "
			    "text-anchor=\"middle\">%s</text>\n", x + bw / 2,
			    CH_H - 10, cell[q].day);
	}
	(void)fprintf(fp, "</svg>\n");
}

static void
html_row(FILE *fp, const char *day, const unsigned long *n, int th)
{
	int k;

	(void)fprintf(fp, "<tr%s><t%c>", th ? " class=\"total\"" : "",
	    th ? 'h' : 'd');
	html(fp, day);
	(void)fprintf(fp, "</t%c>", th ? 'h' : 'd');
	for (k = 0; k < LR_NCOUNTS; k++)
		(void)fprintf(fp, "<td data-count=\"%s\">%lu</td>",
		    logrep_count_name(k), n[k]);
	(void)fprintf(fp, "<td data-count=\"strip_rate\">%lu.%lu%%</td></tr>\n",
	    strip_rate(n) / 10, strip_rate(n) % 10);
}

static const char *const html_heads[LR_NCOUNTS] = {
	"list messages", "delivered", "stripped", "rejected", "tempfailed",
	"one-click", "preference page", "mailto", "bounces", "complaints",
};

static void
html_head_row(FILE *fp, const char *first)
{
	int k;

	(void)fprintf(fp, "<tr><th>%s</th>", first);
	for (k = 0; k < LR_NCOUNTS; k++)
		(void)fprintf(fp, "<th>%s</th>", html_heads[k]);
	(void)fprintf(fp, "<th>strip rate</th></tr>\n");
}

int
logrep_print_html(FILE *fp, const struct logrep *r, const struct conf *c)
{
	const struct logrep_cell *cell;
	const struct logrep_reason *rsn;
	unsigned long lines, used, t[LR_NCOUNTS];
	size_t n, nr, i, j, q;
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	int shown;

	cell = logrep_cells(r, &n);
	rsn = logrep_reasons(r, &nr);
	lines = logrep_lines(r, &used);
	(void)gmtime_r(&now, &tm);
	(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	(void)fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<title>optin-milter report</title>\n<style>\n"
	    "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n"
	    "table{border-collapse:collapse;margin:.5em 0 1em}\n"
	    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}\n"
	    "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left;"
	    "white-space:nowrap}\n"
	    "tr.total th,tr.total td{font-weight:bold}\n"
	    "svg.chart{display:block;margin:.3em 0;max-width:100%%;height:auto}\n"
	    ".bar{fill:#3a6ea5}svg[data-kind=strip-rate] .bar{fill:#c0504d}\n"
	    ".ax{stroke:#888}.sc{font-size:10px;fill:#555}.ct{font-size:12px;fill:#222}\n"
	    ".wrap{overflow-x:auto}\n"
	    "</style></head><body>\n<h1>optin-milter report</h1>\n"
	    "<p id=\"summary\">%lu log lines read, %lu counted; made %s.</p>\n",
	    lines, used, when);

	(void)fprintf(fp, "<h2>All lists</h2>\n<div class=\"wrap\"><table "
	    "id=\"lists\">\n");
	html_head_row(fp, "list");
	for (i = 0; i < n; i = j) {
		j = next_list(cell, n, i);
		total(cell, i, j, t);
		(void)fprintf(fp, "<tr data-list=\"");
		html(fp, cell[i].list);
		(void)fprintf(fp, "\"><td><a href=\"#list-");
		html(fp, cell[i].list);
		(void)fprintf(fp, "\">");
		html(fp, cell[i].list);
		(void)fprintf(fp, "</a></td>");
		{
			int k;

			for (k = 0; k < LR_NCOUNTS; k++)
				(void)fprintf(fp, "<td data-count=\"%s\">%lu"
				    "</td>", logrep_count_name(k), t[k]);
		}
		(void)fprintf(fp, "<td data-count=\"strip_rate\">%lu.%lu%%</td>"
		    "</tr>\n", strip_rate(t) / 10, strip_rate(t) % 10);
	}
	(void)fprintf(fp, "</table></div>\n");
	if (n == 0)
		(void)fprintf(fp, "<p>No line of optin-milter, optin-unsubd, "
		    "optin-feedback or a bounce of a list message.</p>\n");

	for (i = 0; i < n; i = j) {
		const char *d = describe(c, cell[i].list);

		j = next_list(cell, n, i);
		(void)fprintf(fp, "<section class=\"list\" id=\"list-");
		html(fp, cell[i].list);
		(void)fprintf(fp, "\">\n<h2>");
		html(fp, cell[i].list);
		(void)fprintf(fp, "</h2>\n");
		if (d[0] != '\0') {
			(void)fprintf(fp, "<p class=\"desc\">");
			html(fp, d);
			(void)fprintf(fp, "</p>\n");
		}
		chart(fp, cell, i, j, "unsubscribes");
		chart(fp, cell, i, j, "strip-rate");
		(void)fprintf(fp, "<div class=\"wrap\"><table class=\"days\">\n");
		html_head_row(fp, "day");
		for (q = i; q < j; q++)
			html_row(fp, cell[q].day, cell[q].n, 0);
		total(cell, i, j, t);
		html_row(fp, "total", t, 1);
		(void)fprintf(fp, "</table></div>\n");
		for (q = 0, shown = 0; q < nr; q++) {
			if (strcmp(rsn[q].list, cell[i].list) != 0)
				continue;
			if (shown++ == 0)
				(void)fprintf(fp, "<h3>Top reasons</h3>\n<table "
				    "class=\"reasons\"><tr><th>reason</th>"
				    "<th>recipients</th></tr>\n");
			(void)fprintf(fp, "<tr><td>");
			html(fp, rsn[q].reason);
			(void)fprintf(fp, "</td><td>%lu</td></tr>\n", rsn[q].n);
			if (shown == 10)
				break;
		}
		if (shown)
			(void)fprintf(fp, "</table>\n");
		(void)fprintf(fp, "</section>\n");
	}
	(void)fprintf(fp, "</body></html>\n");
	return (ferror(fp) ? -1 : 0);
}
