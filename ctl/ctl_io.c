/*
 * ctl_io.c - optinctl's bulk verbs: import, export, export-suppression,
 * show (stats is in stats.c)
 *
 * DESCRIPTION
 *	import reads the whole file, checks every line, and writes all of
 *	them in one transaction, or none when any line is bad; every bad
 *	line is reported as FILE:LINE: why. The columns are those of
 *	export (address,list,status,source,changed,expires), in any
 *	order; address, list and status are required.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "addr.h"
#include "csv.h"
#include "ctl.h"
#include "decide.h"
#include "model.h"
#include "text.h"

#define IMPORT_MAX	(512UL * 1024 * 1024)
#define MAX_REPORTED	100

/* read_all - FILE ("-": standard input) into a new buffer */
static char *
read_all(const char *file, size_t *len)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;

	if (fp == NULL) {
		ctl_err("%s: %s", file, strerror(errno));
		return (NULL);
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > IMPORT_MAX + 1 ||
			    (nb = realloc(buf, cap)) == NULL) {
				ctl_err("%s: too large or out of memory", file);
				goto fail;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(fp)) {
		ctl_err("%s: read error", file);
		goto fail;
	}
	if (fp != stdin)
		(void)fclose(fp);
	*len = n;
	return (buf != NULL ? buf : calloc(1, 1));
fail:
	if (fp != stdin)
		(void)fclose(fp);
	free(buf);
	return (NULL);
}

enum { COL_ADDRESS, COL_LIST, COL_STATUS, COL_SOURCE, COL_CHANGED,
	COL_EXPIRES, NCOLS };
static const char *const col_names[NCOLS] = {
	"address", "list", "status", "source", "changed", "expires",
};

struct item {
	char	*addr;
	const char *list;		/* the conf's name */
	struct consent_rec rec;
	char	*source;
};

struct import {
	struct item *items;
	size_t	n;
	const char *file;
	int	err_lines;
};

static int
do_import(struct store_txn *tx, void *arg)
{
	struct import *im = arg;
	struct change ch;
	size_t i;

	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_IMPORT;
	ch.time = (int64_t)time(NULL);
	for (i = 0; i < im->n; i++) {
		ch.source = im->items[i].source;
		ch.evidence = im->file;
		if (store_put_consent(tx, im->items[i].addr, im->items[i].list,
		    &im->items[i].rec, &ch) < 0)
			return (-1);
	}
	return (0);
}

/* bad_line - report FILE:LINE: why, up to MAX_REPORTED */
static void __attribute__((format(printf, 3, 4)))
bad_line(struct import *im, int line, const char *fmt, ...)
{
	va_list ap;

	if (im->err_lines++ >= MAX_REPORTED)
		return;
	(void)fprintf(stderr, "%s:%d: ", im->file, line);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

int
verb_import(struct ctl *c, int argc, char **argv)
{
	struct csv_reader r;
	struct import im;
	char *buf, *f[32], err[512], aerr[128];
	const char *why;
	const char *pos[1];
	int col[NCOLS], rc, ret = EX_DATAERR;
	size_t len, nf, i, j, cap = 0, ncol;

	if (ctl_args("import", argc, argv, NULL, pos, 1) != 1) {
		ctl_err("usage: import FILE.csv");
		return (EX_USAGE);
	}
	memset(&im, 0, sizeof(im));
	im.file = pos[0];
	if ((buf = read_all(pos[0], &len)) == NULL)
		return (EX_NOINPUT);
	if (csv_init(&r, buf, len) < 0) {
		free(buf);
		ctl_err("out of memory");
		return (EX_OSERR);
	}

	/* the header line names the columns */
	rc = csv_next(&r, f, 32, &nf, err, sizeof(err));
	if (rc <= 0) {
		bad_line(&im, rc < 0 ? csv_line(&r) : 1, "%s", rc < 0 ? err :
		    "empty file: a header line is required "
		    "(address,list,status,source,changed,expires)");
		goto out;
	}
	ncol = nf;
	for (i = 0; i < NCOLS; i++)
		col[i] = -1;
	for (j = 0; j < nf; j++) {
		for (i = 0; i < NCOLS; i++)
			if (strcasecmp(f[j], col_names[i]) == 0)
				break;
		if (i == NCOLS) {
			bad_line(&im, csv_line(&r), "unknown column \"%s\" "
			    "(address,list,status,source,changed,expires)", f[j]);
			continue;
		}
		if (col[i] >= 0) {
			bad_line(&im, csv_line(&r), "column %s given twice",
			    col_names[i]);
			continue;
		}
		col[i] = (int)j;
	}
	for (i = 0; i <= COL_STATUS; i++)
		if (col[i] < 0)
			bad_line(&im, csv_line(&r), "missing column %s (the "
			    "header line is required)", col_names[i]);
	if (im.err_lines > 0)
		goto out;

	while ((rc = csv_next(&r, f, 32, &nf, err, sizeof(err))) == 1) {
		struct item it;
		const struct conf_list *l;
		char a[ADDR_BUFSIZE];
		int line = csv_line(&r), ok = 1;

		memset(&it, 0, sizeof(it));
		if (nf != ncol) {
			bad_line(&im, line, "%zu fields, the header has %zu", nf,
			    ncol);
			continue;
		}
		if (addr_normalize(f[col[COL_ADDRESS]],
		    strlen(f[col[COL_ADDRESS]]), ADDR_ALLOW_DOMAIN, a, sizeof(a),
		    aerr, sizeof(aerr)) < 0) {
			bad_line(&im, line, "bad address \"%.80s\": %s",
			    f[col[COL_ADDRESS]], aerr);
			ok = 0;
		}
		if ((l = conf_find_list(c->conf, f[col[COL_LIST]])) == NULL) {
			bad_line(&im, line, "unknown list \"%.80s\"",
			    f[col[COL_LIST]]);
			ok = 0;
		}
		if ((it.rec.status = status_parse(f[col[COL_STATUS]])) == 0) {
			bad_line(&im, line, "bad status \"%.80s\" (opt-in, "
			    "relationship, opt-out, pending)",
			    f[col[COL_STATUS]]);
			ok = 0;
		} else if (ok && store_consent_valid(a, it.rec.status, &why)
		    < 0) {
			bad_line(&im, line, "%s: %s", a, why);
			ok = 0;
		}
		if (col[COL_CHANGED] >= 0 && time_parse(f[col[COL_CHANGED]],
		    &it.rec.changed) < 0) {
			bad_line(&im, line, "bad changed date \"%.80s\"",
			    f[col[COL_CHANGED]]);
			ok = 0;
		}
		if (col[COL_EXPIRES] >= 0 && time_parse(f[col[COL_EXPIRES]],
		    &it.rec.expires) < 0) {
			bad_line(&im, line, "bad expires date \"%.80s\"",
			    f[col[COL_EXPIRES]]);
			ok = 0;
		}
		if (col[COL_SOURCE] >= 0 && strlen(f[col[COL_SOURCE]]) >=
		    STORE_SOURCE_MAX) {
			bad_line(&im, line, "source longer than %d octets",
			    STORE_SOURCE_MAX - 1);
			ok = 0;
		}
		if (!ok || im.err_lines > 0)
			continue;
		if (im.n == cap) {
			struct item *ni;

			cap = cap ? cap * 2 : 256;
			if ((ni = reallocarray(im.items, cap, sizeof(*ni))) ==
			    NULL) {
				ctl_err("out of memory");
				ret = EX_OSERR;
				goto out;
			}
			im.items = ni;
		}
		it.addr = strdup(a);
		it.list = l->name;
		it.source = strdup(col[COL_SOURCE] >= 0 &&
		    f[col[COL_SOURCE]][0] != '\0' ? f[col[COL_SOURCE]] :
		    "import");
		if (it.addr == NULL || it.source == NULL) {
			free(it.addr);
			free(it.source);
			ctl_err("out of memory");
			ret = EX_OSERR;
			goto out;
		}
		im.items[im.n++] = it;
	}
	if (rc < 0)
		bad_line(&im, csv_line(&r), "%s", err);
	if (im.err_lines > 0) {
		if (im.err_lines > MAX_REPORTED)
			(void)fprintf(stderr, "%s: %d more bad lines not shown\n",
			    im.file, im.err_lines - MAX_REPORTED);
		goto out;
	}
	if ((ret = ctl_open_store(c, 0)) != 0)
		goto out;
	if (store_write(c->st, do_import, &im, err, sizeof(err)) < 0) {
		ctl_err("database: %s", err);
		ret = EX_TEMPFAIL;
		goto out;
	}
	(void)printf("imported %zu records from %s\n", im.n, im.file);
	ret = 0;
out:
	if (im.err_lines > 0)
		(void)fprintf(stderr, "optinctl: import: %s: %d bad line%s; "
		    "nothing imported\n", im.file, im.err_lines,
		    im.err_lines == 1 ? "" : "s");
	for (i = 0; i < im.n; i++) {
		free(im.items[i].addr);
		free(im.items[i].source);
	}
	free(im.items);
	csv_free(&r);
	free(buf);
	return (ret);
}

/* ---------------------------------------------------------- export */

struct export {
	const char *list;
	int	fail;
};

static int
export_one(void *arg, const char *addr, const char *list,
    const struct consent_rec *r)
{
	struct export *e = arg;
	char t1[TIME_BUFSIZE], t2[TIME_BUFSIZE];

	if (e->list != NULL && strcmp(e->list, list) != 0)
		return (0);
	if (csv_field(stdout, addr, 0) < 0 || csv_field(stdout, list, 0) < 0 ||
	    csv_field(stdout, status_name(r->status), 0) < 0 ||
	    csv_field(stdout, r->source, 0) < 0 ||
	    csv_field(stdout, time_format(r->changed, t1, sizeof(t1)), 0) < 0 ||
	    csv_field(stdout, time_format(r->expires, t2, sizeof(t2)), 1) < 0) {
		e->fail = 1;
		return (1);
	}
	return (0);
}

int
verb_export(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = { { "list", 1, NULL }, { NULL, 0, NULL } };
	const char *pos[1];
	struct store_txn *tx;
	struct export e;
	char err[512];
	int rc;

	if (ctl_args("export", argc, argv, opts, pos, 0) != 0) {
		ctl_err("usage: export [--list LIST]");
		return (EX_USAGE);
	}
	memset(&e, 0, sizeof(e));
	e.list = opts[0].value;
	if (e.list != NULL && conf_find_list(c->conf, e.list) == NULL)
		(void)fprintf(stderr, "optinctl: note: list \"%s\" is not in "
		    "the configuration\n", e.list);
	if ((rc = ctl_open_store(c, STORE_RDONLY)) != 0)
		return (rc);
	if (store_read_begin(c->st, &tx, err, sizeof(err)) < 0) {
		ctl_err("database: %s", err);
		return (EX_TEMPFAIL);
	}
	(void)fputs("address,list,status,source,changed,expires\r\n", stdout);
	rc = store_each_consent(tx, NULL, export_one, &e);
	if (rc < 0)
		ctl_err("database: %s", store_txn_error(tx));
	store_read_end(tx);
	if (rc < 0)
		return (EX_TEMPFAIL);
	return (e.fail ? EX_IOERR : 0);
}

struct supp_export {
	const char *salt;
	int	hash;
	int	fail;
};

static int
supp_export_one(void *arg, const char *addr, const struct supp_rec *r)
{
	struct supp_export *e = arg;
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256_state st;

	(void)r;
	if (!e->hash)
		return (printf("%s\n", addr) < 0 ? (e->fail = 1) : 0);
	crypto_hash_sha256_init(&st);
	if (e->salt != NULL)
		crypto_hash_sha256_update(&st, (const unsigned char *)e->salt,
		    strlen(e->salt));
	crypto_hash_sha256_update(&st, (const unsigned char *)addr,
	    strlen(addr));
	crypto_hash_sha256_final(&st, h);
	(void)sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return (printf("%s\n", hex) < 0 ? (e->fail = 1) : 0);
}

int
verb_export_suppression(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = { { "hash", 1, NULL }, { "salt", 1, NULL },
	    { NULL, 0, NULL } };
	const char *pos[1];
	struct store_txn *tx;
	struct supp_export e;
	char err[512];
	int rc;

	if (ctl_args("export-suppression", argc, argv, opts, pos, 0) != 0) {
		ctl_err("usage: export-suppression [--hash sha256] [--salt S]");
		return (EX_USAGE);
	}
	memset(&e, 0, sizeof(e));
	if (opts[0].value != NULL) {
		if (strcmp(opts[0].value, "sha256") != 0) {
			ctl_err("export-suppression: --hash takes sha256");
			return (EX_USAGE);
		}
		e.hash = 1;
	}
	e.salt = opts[1].value;
	if (e.salt != NULL && !e.hash) {
		ctl_err("export-suppression: --salt goes with --hash sha256");
		return (EX_USAGE);
	}
	if (sodium_init() < 0) {
		ctl_err("libsodium failed to start");
		return (EX_SOFTWARE);
	}
	if ((rc = ctl_open_store(c, STORE_RDONLY)) != 0)
		return (rc);
	if (store_read_begin(c->st, &tx, err, sizeof(err)) < 0) {
		ctl_err("database: %s", err);
		return (EX_TEMPFAIL);
	}
	rc = store_each_suppression(tx, supp_export_one, &e);
	if (rc < 0)
		ctl_err("database: %s", store_txn_error(tx));
	store_read_end(tx);
	if (rc < 0)
		return (EX_TEMPFAIL);
	return (e.fail ? EX_IOERR : 0);
}

/* ---------------------------------------------------------- show */

/* escaped - S in CTX into one of four static buffers */
static const char *
escaped(int slot, const char *s, enum text_ctx ctx)
{
	static char buf[4][TEXT_ESC_SIZE(STORE_EVIDENCE_MAX)];

	if (slot < 0 || slot > 3)
		slot = 0;
	/* every stored field is shorter than the evidence field: fits */
	(void)text_esc(s, strlen(s), ctx, buf[slot], sizeof(buf[slot]));
	return (buf[slot]);
}

const char *
ctl_w(int slot, const char *s)
{
	return (escaped(slot, s, TEXT_WORD));
}

const char *
ctl_q(int slot, const char *s)
{
	return (escaped(slot, s, TEXT_QUOTED));
}

static int
show_consent(void *arg, const char *addr, const char *list,
    const struct consent_rec *r)
{
	char t1[TIME_BUFSIZE], t2[TIME_BUFSIZE];

	(void)arg;
	(void)printf("consent %s %s %s changed=%s expires=%s source=\"%s\" "
	    "evidence=\"%s\"\n", ctl_w(0, addr), ctl_w(1, list),
	    status_name(r->status), time_format(r->changed, t1, sizeof(t1)),
	    r->expires ? time_format(r->expires, t2, sizeof(t2)) : "never",
	    ctl_q(2, r->source), ctl_q(3, r->evidence));
	return (0);
}

static int
show_history(void *arg, const struct history_rec *h)
{
	char t[TIME_BUFSIZE];

	(void)arg;
	(void)printf("history %s %s %s%s%s %s -> %s source=\"%s\" "
	    "evidence=\"%s\"\n", time_format(h->time, t, sizeof(t)),
	    actor_name(h->actor), ctl_w(0, h->address),
	    h->list[0] ? " list=" : "", ctl_w(1, h->list), h->old_state,
	    h->new_state, ctl_q(2, h->source), ctl_q(3, h->evidence));
	return (0);
}

int
verb_show(struct ctl *c, int argc, char **argv)
{
	char addr[ADDR_BUFSIZE], kbuf[ADDR_KEYS_BUFSIZE], err[512], why[64];
	char t[TIME_BUFSIZE];
	const char *pos[1], *keys[3];
	struct store_txn *tx;
	struct supp_rec s;
	struct decision d;
	size_t i;
	int n, k, rc;

	if (ctl_args("show", argc, argv, NULL, pos, 1) != 1) {
		ctl_err("usage: show ADDR");
		return (EX_USAGE);
	}
	if ((rc = ctl_addr(pos[0], 1, addr, sizeof(addr))) != 0)
		return (rc);
	if ((rc = ctl_open_store(c, STORE_RDONLY)) != 0)
		return (rc);
	if (store_read_begin(c->st, &tx, err, sizeof(err)) < 0) {
		ctl_err("database: %s", err);
		return (EX_TEMPFAIL);
	}
	(void)printf("address %s\n", ctl_w(0, addr));
	n = addr_keys(addr, c->conf->recipient_delimiter, kbuf, keys);
	for (k = 0; k < n; k++) {
		if (store_each_consent(tx, keys[k], show_consent, NULL) < 0)
			goto dberr;
		rc = store_get_suppression(tx, keys[k], &s);
		if (rc < 0)
			goto dberr;
		if (rc == 1)
			(void)printf("suppression %s %s changed=%s source=\"%s\" "
			    "evidence=\"%s\"\n", ctl_w(0, keys[k]),
			    supp_name(s.reason),
			    time_format(s.changed, t, sizeof(t)),
			    ctl_q(2, s.source), ctl_q(3, s.evidence));
		if (ctl_show_feedback(tx, keys[k]) < 0)
			goto dberr;
	}
	if (!addr_is_domain(addr))
		for (i = 0; i < c->conf->nlists; i++) {
			if (decide(tx, &c->conf->lists[i], addr,
			    c->conf->recipient_delimiter, time(NULL), &d) < 0)
				goto dberr;
			(void)printf("decision %s %s%s%s\n", c->conf->lists[i].name,
			    d.verdict == VERDICT_DELIVER ? "deliver" : "deny",
			    d.verdict == VERDICT_DELIVER ? "" : " ",
			    decision_reason(&d, why, sizeof(why)));
		}
	for (k = 0; k < n; k++)
		if (store_each_history(tx, keys[k], show_history, NULL) < 0)
			goto dberr;
	store_read_end(tx);
	return (0);
dberr:
	ctl_err("database: %s", store_txn_error(tx));
	store_read_end(tx);
	return (EX_TEMPFAIL);
}
