/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_io.c - optinctl's bulk verbs: export, export-suppression, show
 * (import is in import.c, stats in stats.c)
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
#include <unistd.h>

#include <sodium.h>

#include "addr.h"
#include "csv.h"
#include "ctl.h"
#include "decide.h"
#include "model.h"
#include "text.h"

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
	if (e.hash && (e.salt == NULL || e.salt[0] == '\0'))
		ctl_err("export-suppression: warning: without --salt, anybody "
		    "can tell which addresses are in it by hashing guesses");
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

	struct ctl_opt opts[] = { { "json", 0, NULL }, { NULL, 0, NULL } };

	if (ctl_args("show", argc, argv, opts, pos, 1) != 1) {
		ctl_err("usage: show ADDR [--json]");
		return (EX_USAGE);
	}
	if ((rc = ctl_addr(pos[0], 1, addr, sizeof(addr))) != 0)
		return (rc);
	if (opts[0].value)
		return (ctl_show_json(c, addr));
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
		/* the person's own, under it until it is lifted */
		if (rc == 1 && s.all_changed != 0)
			(void)printf("suppression-under %s unsubscribe-all "
			    "changed=%s source=\"%s\" evidence=\"%s\"\n",
			    ctl_w(0, keys[k]),
			    time_format(s.all_changed, t, sizeof(t)),
			    ctl_q(2, s.all_source), ctl_q(3, s.all_evidence));
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

int
ctl_replace_file(const char *verb, const char *file,
    int (*write)(FILE *, void *), void *arg)
{
	char tmp[4096];
	FILE *fp;
	int fd, bad;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file) >=
	    sizeof(tmp)) {
		ctl_err("%s: %s: name too long", verb, file);
		return (EX_USAGE);
	}
	if ((fd = mkstemp(tmp)) < 0) {
		ctl_err("%s: %s: %s", verb, tmp, strerror(errno));
		return (EX_CANTCREAT);
	}
	if (fchmod(fd, 0644) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		ctl_err("%s: %s: %s", verb, tmp, strerror(errno));
		(void)close(fd);
		(void)unlink(tmp);
		return (EX_CANTCREAT);
	}
	bad = write(fp, arg) < 0 || fflush(fp) != 0 || fsync(fileno(fp)) < 0;
	if (fclose(fp) != 0 || bad) {
		ctl_err("%s: write %s: %s", verb, tmp, strerror(errno));
		(void)unlink(tmp);
		return (EX_CANTCREAT);
	}
	if (rename(tmp, file) < 0) {
		ctl_err("%s: %s: %s", verb, file, strerror(errno));
		(void)unlink(tmp);
		return (EX_CANTCREAT);
	}
	return (0);
}
