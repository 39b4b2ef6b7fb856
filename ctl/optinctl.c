/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * optinctl - administer the optin-milter consent database
 *
 * SYNOPSIS
 *	optinctl [-c FILE] VERB ...
 *	optinctl -V
 *
 * DESCRIPTION
 *	The administrator's tool: creates the database and key, records
 *	consent and suppressions, answers "would this address get this
 *	list, and why", imports and exports CSV, prints tokens and
 *	statistics. See optinctl(8).
 *
 * DIAGNOSTICS
 *	Exit codes from sysexits.h: 0 ok, 64 usage, 65 bad data,
 *	69 database unavailable, 75 database error, 78 bad configuration;
 *	"check" exits 1 for deny.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"
#include "ctl.h"
#include "confirm.h"
#include "decide.h"
#include "feedback.h"
#include "listhdr.h"
#include "model.h"
#include "store.h"
#include "token.h"
#include "unsub.h"

static void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: optinctl [-c FILE] VERB ...\n"
	    "  init\n"
	    "  subscribe ADDR LIST [--relationship] [--pending] [--confirm] [--expires DATE] [--source TEXT]\n"
	    "  unsubscribe ADDR LIST|--all [--source TEXT]\n"
	    "  suppress ADDR|@DOMAIN --reason REASON [--source TEXT]\n"
	    "  unsuppress ADDR|@DOMAIN\n"
	    "  check ADDR LIST\n"
	    "  show ADDR [--json]\n"
	    "  import FILE.csv\n"
	    "  export [--list LIST]\n"
	    "  export-suppression [--hash sha256] [--salt S]\n"
	    "  token ADDR LIST\n"
	    "  lists\n"
	    "  stats [--prometheus] [--output FILE]\n"
	    "  report [--json] [--html FILE] [LOGFILE...]\n"
	    "  erase ADDR\n"
	    "  backup FILE\n"
	    "  restore FILE [--no-replay]\n"
	    "  expire\n");
}

void
ctl_err(const char *fmt, ...)
{
	va_list ap;

	(void)fputs("optinctl: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

int
ctl_args(const char *verb, int argc, char **argv, struct ctl_opt *opts,
    const char **pos, int npos)
{
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		struct ctl_opt *o;
		size_t nl;

		if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				if (n >= npos)
					goto extra;
				pos[n++] = argv[i];
			}
			break;
		}
		if (strncmp(a, "--", 2) != 0 || opts == NULL) {
			if (strncmp(a, "--", 2) == 0)
				goto unknown;
			if (n >= npos)
				goto extra;
			pos[n++] = a;
			continue;
		}
		for (o = opts; o->name != NULL; o++) {
			nl = strlen(o->name);
			if (strncmp(a + 2, o->name, nl) == 0 &&
			    (a[2 + nl] == '\0' || a[2 + nl] == '='))
				break;
		}
		if (o->name == NULL)
			goto unknown;
		if (o->value != NULL) {
			ctl_err("%s: --%s given twice", verb, o->name);
			return (-1);
		}
		if (!o->has_arg) {
			if (a[2 + nl] == '=') {
				ctl_err("%s: --%s takes no value", verb, o->name);
				return (-1);
			}
			o->value = "";
		} else if (a[2 + nl] == '=')
			o->value = a + 3 + nl;
		else if (i + 1 < argc)
			o->value = argv[++i];
		else {
			ctl_err("%s: --%s needs a value", verb, o->name);
			return (-1);
		}
	}
	return (n);
unknown:
	ctl_err("%s: unknown option %s", verb, argv[i]);
	return (-1);
extra:
	ctl_err("%s: unexpected argument \"%s\"", verb, argv[i]);
	return (-1);
}

int
ctl_open_store(struct ctl *c, int flags)
{
	char err[512];

	if (store_open(c->conf->database, c->conf->map_size, flags, &c->st,
	    err, sizeof(err)) < 0) {
		ctl_err("%s", err);
		return (EX_UNAVAILABLE);
	}
	return (0);
}

int
ctl_addr(const char *in, int allow_domain, char *out, size_t outlen)
{
	char err[128];

	if (addr_normalize(in, strlen(in), allow_domain ? ADDR_ALLOW_DOMAIN : 0,
	    out, outlen, err, sizeof(err)) < 0) {
		ctl_err("bad address \"%s\": %s", in, err);
		return (EX_DATAERR);
	}
	return (0);
}

const struct conf_list *
ctl_list(struct ctl *c, const char *name)
{
	const struct conf_list *l = conf_find_list(c->conf, name);

	if (l == NULL)
		ctl_err("unknown list \"%s\" (see optinctl lists)", name);
	return (l);
}

/* evidence_cli - who ran the command */
static const char *
evidence_cli(char *buf, size_t len)
{
	const char *sudo = getenv("SUDO_USER");

	if (sudo != NULL && strspn(sudo, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(sudo) &&
	    strlen(sudo) < 64)
		(void)snprintf(buf, len, "uid=%u sudo=%s", (unsigned)getuid(),
		    sudo);
	else
		(void)snprintf(buf, len, "uid=%u", (unsigned)getuid());
	return (buf);
}

/* write_err - the exit code for a failed store_write() */
static int
write_err(const char *err)
{
	ctl_err("database: %s", err);
	return (EX_TEMPFAIL);
}

/* ---------------------------------------------------------- init */

/* chown_to - give PATH to the configured user, when there is one */
static int
chown_to(const struct conf *c, const char *path)
{
	struct passwd *pw;

	if (c->user[0] == '\0' || geteuid() != 0)
		return (0);
	if ((pw = getpwnam(c->user)) == NULL) {
		ctl_err("user %s: no such user (create it, or remove the user "
		    "line)", c->user);
		return (-1);
	}
	if (chown(path, pw->pw_uid, pw->pw_gid) < 0) {
		ctl_err("chown %s: %s", path, strerror(errno));
		return (-1);
	}
	return (0);
}

static int
verb_init(struct ctl *c, int argc, char **argv)
{
	char path[PATH_MAX + 16], line[TOKEN_KEYLINE + 1], dir[PATH_MAX], *sl;
	const char *pos[1];
	struct stat sb;
	int fd, rc;

	if (ctl_args("init", argc, argv, NULL, pos, 0) != 0)
		return (EX_USAGE);
	(void)snprintf(path, sizeof(path), "%s/data.mdb", c->conf->database);
	if (stat(path, &sb) == 0) {
		ctl_err("init: database %s exists already; not touched",
		    c->conf->database);
		return (EX_CANTCREAT);
	}
	if (stat(c->conf->secret_file, &sb) == 0) {
		ctl_err("init: secret-file %s exists already; not touched",
		    c->conf->secret_file);
		return (EX_CANTCREAT);
	}
	(void)strlcpy(dir, c->conf->secret_file, sizeof(dir));
	if ((sl = strrchr(dir, '/')) != NULL && sl != dir) {
		*sl = '\0';
		if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
			ctl_err("init: mkdir %s: %s", dir, strerror(errno));
			return (EX_CANTCREAT);
		}
	}
	if (token_keygen(line) < 0) {
		ctl_err("init: cannot make a key");
		return (EX_SOFTWARE);
	}
	(void)strlcat(line, "\n", sizeof(line));
	fd = open(c->conf->secret_file, O_WRONLY | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ctl_err("init: %s: %s", c->conf->secret_file, strerror(errno));
		explicit_bzero(line, sizeof(line));
		return (EX_CANTCREAT);
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
	    fsync(fd) < 0 || close(fd) < 0) {
		ctl_err("init: write %s: %s", c->conf->secret_file,
		    strerror(errno));
		explicit_bzero(line, sizeof(line));
		(void)unlink(c->conf->secret_file);
		return (EX_IOERR);
	}
	explicit_bzero(line, sizeof(line));
	if ((rc = ctl_open_store(c, STORE_CREATE)) != 0) {
		(void)unlink(c->conf->secret_file);
		return (rc);
	}
	if (chown_to(c->conf, c->conf->secret_file) < 0 ||
	    chown_to(c->conf, c->conf->database) < 0)
		return (EX_NOPERM);
	(void)snprintf(path, sizeof(path), "%s/data.mdb", c->conf->database);
	if (chown_to(c->conf, path) < 0)
		return (EX_NOPERM);
	(void)snprintf(path, sizeof(path), "%s/lock.mdb", c->conf->database);
	if (chown_to(c->conf, path) < 0)
		return (EX_NOPERM);
	(void)printf("created database %s and secret-file %s\n",
	    c->conf->database, c->conf->secret_file);
	return (0);
}

/* ---------------------------------------------------------- consent */

/* ctl_source_ok - 0, or EX_DATAERR for a --source no record can hold */
static int
ctl_source_ok(const char *source)
{
	if (source != NULL && strlen(source) >= STORE_SOURCE_MAX) {
		ctl_err("--source: longer than %d octets", STORE_SOURCE_MAX - 1);
		return (EX_DATAERR);
	}
	return (0);
}

struct set_consent {
	const char *addr, *list, *delims;
	struct consent_rec rec;
	struct change ch;
	int	del;			/* remove instead (unused: opt-out) */
	int	kept;			/* an opt-out on file stays */
	char	by[ADDR_BUFSIZE];	/* user@d or @d when theirs, else "" */
};

/*
 * do_put_consent - subscribe. A pending or relationship record is no
 * request of the person's: it does not take an opt-out's place.
 */
static int
do_put_consent(struct store_txn *tx, void *arg)
{
	struct set_consent *s = arg;
	int rc;

	s->kept = 0;
	s->by[0] = '\0';
	/* as an undated import line: also user@d's and @d's opt-out */
	if (s->rec.status == STATUS_PENDING ||
	    s->rec.status == STATUS_RELATIONSHIP) {
		if ((rc = store_merge_consent(tx, s->addr, s->delims, s->list,
		    &s->rec, &s->ch, s->by, sizeof(s->by))) < 0)
			return (-1);
		s->kept = rc != 0;
		return (0);
	}
	return (store_put_consent(tx, s->addr, s->list, &s->rec, &s->ch));
}

/*
 * do_unsub_list - the person's opt-out, dated now, also of user@d
 * (unsub_list())
 */
static int
do_unsub_list(struct store_txn *tx, void *arg)
{
	struct set_consent *s = arg;

	return (unsub_list(tx, s->addr, s->list, s->delims, &s->ch));
}

struct set_supp {
	const char *addr;
	const char *delims;	/* the person's unsubscribe-all: unsub_all() */
	struct supp_rec rec;
	struct change ch;
	int	del;
	int	person;		/* unsubscribe --all, not suppress */
	int	found;		/* store_del_suppression() */
	int	was;		/* the reason removed */
	int64_t	all;		/* the unsubscribe-all put back: its date */
	int	kept;		/* another reason on file, kept (unsubscribe-all) */
	int	erased;		/* an erasure on file, kept */
};

static int
do_supp(struct store_txn *tx, void *arg)
{
	struct set_supp *s = arg;
	struct supp_rec old;
	int rc;

	s->kept = s->found = s->was = s->erased = 0; /* it may run again */
	s->all = 0;
	if (!s->del) {
		/*
		 * unsubscribe-all (which a confirmed list passes, decide())
		 * replaces no other reason: it is kept under it, and back in
		 * place when that one is lifted (store_put_suppression())
		 */
		if ((rc = store_get_suppression(tx, s->addr, &old)) < 0)
			return (-1);
		if (s->rec.reason == SUPP_UNSUBSCRIBE_ALL && rc > 0 &&
		    old.reason != SUPP_UNSUBSCRIBE_ALL)
			s->kept = old.reason;
		/* an erasure is never replaced (store_put_suppression()) */
		s->erased = rc > 0 && strcmp(old.source, STORE_ERASURE_SOURCE) == 0;
		if (s->person)
			return (unsub_all(tx, s->addr, s->delims, &s->ch));
		return (store_put_suppression(tx, s->addr, &s->rec, &s->ch));
	}
	if ((rc = store_get_suppression(tx, s->addr, &old)) < 0)
		return (-1);
	if (rc > 0) {
		s->was = old.reason;
		s->all = old.all_changed;
		s->erased = strcmp(old.source, STORE_ERASURE_SOURCE) == 0;
	}
	if ((rc = store_del_suppression(tx, s->addr, &s->ch)) < 0)
		return (-1);
	s->found = rc;
	/*
	 * a fresh start: the bounce score goes with the suppression; after
	 * a bounce or a complaint the lift is remembered, so that a report
	 * about mail sent before it cannot suppress the address again; after
	 * an erasure too, so that a confirmation link sent before it, whose
	 * pending request the erasure took, does not confirm (confirm.c)
	 */
	if (rc > 0 && (s->was == SUPP_BOUNCE || s->was == SUPP_COMPLAINT ||
	    s->erased))
		return (store_lift_bounce(tx, s->addr, &s->ch) < 0 ? -1 : 0);
	if (store_del_bounce(tx, s->addr, &s->ch) < 0)
		return (-1);
	return (0);
}

/* warn_suppressed - tell the administrator why consent may not help */
static void
warn_suppressed(struct ctl *c, const char *addr)
{
	char kbuf[ADDR_KEYS_BUFSIZE], err[256];
	const char *keys[3];
	struct store_txn *tx;
	struct supp_rec s;
	int i, n;

	if (store_read_begin(c->st, &tx, err, sizeof(err)) < 0)
		return;
	n = addr_keys(addr, c->conf->recipient_delimiter, kbuf, keys);
	for (i = 0; i < n; i++)
		if (store_get_suppression(tx, keys[i], &s) == 1)
			(void)fprintf(stderr, "optinctl: note: %s is suppressed "
			    "(%s): lists with consent express or relationship "
			    "stay held back until \"optinctl unsuppress %s\"\n",
			    keys[i], supp_name(s.reason), keys[i]);
	store_read_end(tx);
}

static int
verb_subscribe(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
		{ "relationship", 0, NULL }, { "pending", 0, NULL },
		{ "expires", 1, NULL }, { "source", 1, NULL },
		{ "confirm", 0, NULL }, { NULL, 0, NULL },
	};
	char addr[ADDR_BUFSIZE], err[512], ev[128];
	const char *pos[2], *why;
	const struct conf_list *l;
	struct set_consent s;
	int rc;

	if (ctl_args("subscribe", argc, argv, opts, pos, 2) != 2) {
		ctl_err("usage: subscribe ADDR LIST [--relationship] "
		    "[--pending] [--confirm] [--expires DATE] [--source TEXT]");
		return (EX_USAGE);
	}
	if (opts[4].value && (opts[0].value || opts[1].value ||
	    opts[2].value)) {
		ctl_err("subscribe: --confirm excludes --relationship, "
		    "--pending and --expires");
		return (EX_USAGE);
	}
	if (opts[0].value && opts[1].value) {
		ctl_err("subscribe: --relationship and --pending exclude "
		    "each other");
		return (EX_USAGE);
	}
	if ((rc = ctl_addr(pos[0], 1, addr, sizeof(addr))) != 0)
		return (rc);
	if ((l = ctl_list(c, pos[1])) == NULL)
		return (EX_DATAERR);
	if ((rc = ctl_source_ok(opts[3].value)) != 0)
		return (rc);
	if (opts[4].value)
		return (ctl_subscribe_confirm(c, addr, l, opts[3].value));
	memset(&s, 0, sizeof(s));
	s.addr = addr;
	s.list = l->name;
	s.delims = c->conf->recipient_delimiter;
	s.rec.status = opts[0].value ? STATUS_RELATIONSHIP : opts[1].value ?
	    STATUS_PENDING : STATUS_OPT_IN;
	if (store_consent_valid(addr, s.rec.status, &why) < 0) {
		ctl_err("subscribe: %s; use --relationship for %s", why, addr);
		return (EX_DATAERR);
	}
	if (opts[2].value && time_parse(opts[2].value, &s.rec.expires) < 0) {
		ctl_err("subscribe: bad date \"%s\" (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ)", opts[2].value);
		return (EX_DATAERR);
	}
	/* the mark of the person's own confirmation (decide()) */
	if (opts[3].value && strcmp(opts[3].value, CONFIRM_SOURCE) == 0) {
		ctl_err("subscribe: --source %s is for the person's own "
		    "confirmation; use --confirm", CONFIRM_SOURCE);
		return (EX_USAGE);
	}
	s.ch.actor = ACTOR_CLI;
	s.ch.source = opts[3].value ? opts[3].value : "optinctl";
	s.ch.evidence = evidence_cli(ev, sizeof(ev));
	if ((rc = ctl_open_store(c, 0)) != 0)
		return (rc);
	if (store_write(c->st, do_put_consent, &s, err, sizeof(err)) < 0)
		return (write_err(err));
	if (s.kept) {
		(void)printf("%s %s opt-out kept: a %s record does not take "
		    "the place of the person's opt-out%s%s (subscribe without "
		    "--pending or --relationship when they asked, or "
		    "--confirm)\n", addr, l->name, status_name(s.rec.status),
		    s.by[0] != '\0' ? " of " : "", s.by);
		return (0);
	}
	(void)printf("%s %s %s\n", addr, l->name, status_name(s.rec.status));
	warn_suppressed(c, addr);
	return (0);
}

static int
verb_unsubscribe(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = {
		{ "all", 0, NULL }, { "source", 1, NULL }, { NULL, 0, NULL },
	};
	char addr[ADDR_BUFSIZE], err[512], ev[128];
	const char *pos[2];
	const struct conf_list *l;
	int n, rc;

	n = ctl_args("unsubscribe", argc, argv, opts, pos, 2);
	if (n < 0 || (opts[0].value ? n != 1 : n != 2)) {
		ctl_err("usage: unsubscribe ADDR LIST|--all [--source TEXT]");
		return (EX_USAGE);
	}
	if ((rc = ctl_addr(pos[0], 1, addr, sizeof(addr))) != 0)
		return (rc);
	if (opts[0].value) {
		struct set_supp s;

		memset(&s, 0, sizeof(s));
		s.addr = addr;
		s.delims = c->conf->recipient_delimiter;
		s.person = 1;
		s.rec.reason = SUPP_UNSUBSCRIBE_ALL;
		s.ch.actor = ACTOR_CLI;
		s.ch.source = opts[1].value ? opts[1].value : "optinctl";
		s.ch.evidence = evidence_cli(ev, sizeof(ev));
		if ((rc = ctl_source_ok(s.ch.source)) != 0)
			return (rc);
		if ((rc = ctl_open_store(c, 0)) != 0)
			return (rc);
		if (store_write(c->st, do_supp, &s, err, sizeof(err)) < 0)
			return (write_err(err));
		if (s.kept)
			(void)printf("%s suppressed %s already: kept, with the "
			    "unsubscribe-all under it\n", addr, supp_name(s.kept));
		else
			(void)printf("%s suppressed unsubscribe-all\n", addr);
	} else {
		struct set_consent s;

		if ((l = ctl_list(c, pos[1])) == NULL)
			return (EX_DATAERR);
		memset(&s, 0, sizeof(s));
		s.addr = addr;
		s.list = l->name;
		s.delims = c->conf->recipient_delimiter;
		s.rec.status = STATUS_OPT_OUT;
		s.ch.actor = ACTOR_CLI;
		s.ch.source = opts[1].value ? opts[1].value : "optinctl";
		s.ch.evidence = evidence_cli(ev, sizeof(ev));
		if ((rc = ctl_source_ok(s.ch.source)) != 0)
			return (rc);
		if ((rc = ctl_open_store(c, 0)) != 0)
			return (rc);
		if (store_write(c->st, do_unsub_list, &s, err, sizeof(err)) < 0)
			return (write_err(err));
		(void)printf("%s %s opt-out\n", addr, l->name);
	}
	return (0);
}

static int
verb_suppress(struct ctl *c, int argc, char **argv, int del)
{
	struct ctl_opt opts[] = {
		{ "reason", 1, NULL }, { "source", 1, NULL }, { NULL, 0, NULL },
	};
	char addr[ADDR_BUFSIZE], err[512], ev[128];
	const char *pos[1];
	struct set_supp s;
	int rc;

	memset(&s, 0, sizeof(s));
	if (del) {
		if (ctl_args("unsuppress", argc, argv, opts + 1, pos, 1) != 1) {
			ctl_err("usage: unsuppress ADDR|@DOMAIN [--source TEXT]");
			return (EX_USAGE);
		}
	} else {
		if (ctl_args("suppress", argc, argv, opts, pos, 1) != 1 ||
		    opts[0].value == NULL) {
			ctl_err("usage: suppress ADDR|@DOMAIN --reason REASON "
			    "[--source TEXT]");
			return (EX_USAGE);
		}
		if ((s.rec.reason = supp_parse(opts[0].value)) == 0) {
			ctl_err("suppress: \"%s\" is not a reason "
			    "(unsubscribe-all, bounce, complaint, manual, legal)",
			    opts[0].value);
			return (EX_DATAERR);
		}
	}
	if ((rc = ctl_addr(pos[0], 1, addr, sizeof(addr))) != 0)
		return (rc);
	s.addr = addr;
	s.del = del;
	s.ch.actor = ACTOR_CLI;
	s.ch.source = opts[1].value ? opts[1].value : "optinctl";
	s.ch.evidence = evidence_cli(ev, sizeof(ev));
	if ((rc = ctl_source_ok(s.ch.source)) != 0)
		return (rc);
	if ((rc = ctl_open_store(c, 0)) != 0)
		return (rc);
	if (store_write(c->st, do_supp, &s, err, sizeof(err)) < 0)
		return (write_err(err));
	if (!del && s.erased)
		(void)printf("%s is suppressed by an erasure: kept as it is\n",
		    addr);
	else if (!del && s.kept)
		(void)printf("%s suppressed %s already: kept, with the "
		    "unsubscribe-all under it\n", addr, supp_name(s.kept));
	else if (!del)
		(void)printf("%s suppressed %s\n", addr, supp_name(s.rec.reason));
	else if (s.found == 2) {
		char t[TIME_BUFSIZE];

		(void)printf("%s unsuppressed %s; the person's unsubscribe-all "
		    "of %s is in place again\n", addr, supp_name(s.was),
		    time_format(s.all, t, sizeof(t)));
	} else if (s.found)
		(void)printf("%s unsuppressed\n", addr);
	else
		(void)printf("%s was not suppressed\n", addr);
	return (0);
}

static int
verb_check(struct ctl *c, int argc, char **argv)
{
	char addr[ADDR_BUFSIZE], err[512], why[64];
	const char *pos[2];
	const struct conf_list *l;
	struct store_txn *tx;
	struct decision d;
	int rc;

	if (ctl_args("check", argc, argv, NULL, pos, 2) != 2) {
		ctl_err("usage: check ADDR LIST");
		return (EX_USAGE);
	}
	if ((rc = ctl_addr(pos[0], 0, addr, sizeof(addr))) != 0)
		return (rc);
	if ((l = ctl_list(c, pos[1])) == NULL)
		return (EX_DATAERR);
	if ((rc = ctl_open_store(c, STORE_RDONLY)) != 0)
		return (rc);
	if (store_read_begin(c->st, &tx, err, sizeof(err)) < 0)
		return (write_err(err));
	if (decide(tx, l, addr, c->conf->recipient_delimiter, time(NULL),
	    &d) < 0) {
		ctl_err("database: %s", store_txn_error(tx));
		store_read_end(tx);
		return (EX_TEMPFAIL);
	}
	store_read_end(tx);
	if (d.verdict == VERDICT_DELIVER) {
		(void)printf("deliver\n");
		return (0);
	}
	(void)printf("deny %s\n", decision_reason(&d, why, sizeof(why)));
	return (1);
}

/* load_keys - the token keys of the configuration */
static int
load_keys(struct ctl *c, struct token_keys **k)
{
	char err[512];

	if (token_keys_load(c->conf->secret_file, k, err, sizeof(err)) < 0) {
		ctl_err("%s", err);
		return (EX_CONFIG);
	}
	return (0);
}

static int
verb_token(struct ctl *c, int argc, char **argv)
{
	char addr[ADDR_BUFSIZE], tok[TOKEN_BUFSIZE], buf[LISTHDR_BUFSIZE];
	char ftok[TOKEN_FEEDBACK_BUFSIZE], rpath[TOKEN_FEEDBACK_BUFSIZE +
	    ADDR_BUFSIZE];
	const char *pos[2];
	const struct conf_list *l;
	struct token_keys *k;
	int rc;

	if (ctl_args("token", argc, argv, NULL, pos, 2) != 2) {
		ctl_err("usage: token ADDR LIST");
		return (EX_USAGE);
	}
	if ((rc = ctl_addr(pos[0], 0, addr, sizeof(addr))) != 0)
		return (rc);
	if ((l = ctl_list(c, pos[1])) == NULL)
		return (EX_DATAERR);
	if ((rc = load_keys(c, &k)) != 0)
		return (rc);
	rc = token_seal(k, l->name, addr, time(NULL), tok, sizeof(tok));
	if (rc == 0 && c->conf->bounce_address[0] != '\0')
		rc = token_seal_feedback(k, l->name, addr, time(NULL), ftok,
		    sizeof(ftok));
	token_keys_free(k);
	if (rc < 0) {
		ctl_err("token: cannot seal a token");
		return (EX_SOFTWARE);
	}
	(void)printf("token: %s\n", tok);
	if (c->conf->bounce_address[0] != '\0' &&
	    feedback_return_path(c->conf, ftok, rpath, sizeof(rpath)) == 0)
		(void)printf("return-path: %s\n", rpath);
	if (listhdr_url(c->conf->unsubscribe_url, tok, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		(void)printf("unsubscribe-url: %s\n", buf);
	if (listhdr_url(c->conf->preferences_url, tok, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		(void)printf("preferences-url: %s\n", buf);
	if (listhdr_mailto(c->conf, tok, buf, sizeof(buf)) == 0 &&
	    buf[0] != '\0')
		(void)printf("mailto: %s\n", buf);
	if (listhdr_unsubscribe(c->conf, tok, 1, buf, sizeof(buf)) == 0)
		(void)printf("List-Unsubscribe: %s\n", buf);
	if (c->conf->unsubscribe_url[0] != '\0')
		(void)printf("List-Unsubscribe-Post: List-Unsubscribe=One-Click\n");
	if (listhdr_id(l, buf, sizeof(buf)) == 0)
		(void)printf("List-Id: %s\n", buf);
	return (0);
}

static int
verb_lists(struct ctl *c, int argc, char **argv)
{
	const char *pos[1];
	size_t i, j;

	if (ctl_args("lists", argc, argv, NULL, pos, 0) != 0)
		return (EX_USAGE);
	for (i = 0; i < c->conf->nlists; i++) {
		const struct conf_list *l = &c->conf->lists[i];

		(void)printf("%s consent=%s unsubscribe=%s list-id=%s "
		    "description=\"%s\"", l->name, consent_kind_name(l->consent),
		    l->unsubscribe ? "yes" : "no", l->list_id[0] ? l->list_id :
		    "-", l->description);
		if (l->consent == CONSENT_NONE) {
			(void)printf(" honor=");
			if (l->honor == 0)
				(void)printf("none");
			for (j = SUPP_MIN; j <= SUPP_MAX; j++)
				if (l->honor & SUPP_BIT(j))
					(void)printf("%s%s", supp_name((int)j),
					    (l->honor >> (j + 1)) ? "," : "");
		}
		(void)printf("\n");
	}
	return (0);
}

struct erase_arg {
	const char *addr;
	const char *delims;
	struct change ch;
	struct store_erase_tally tally;
};

static int
do_erase(struct store_txn *tx, void *arg)
{
	struct erase_arg *e = arg;

	return (store_erase(tx, e->addr, e->delims, &e->ch, &e->tally));
}

#define KEPT_MAX	(17 * 1024 * 1024)	/* optin-feedback keeps 16 MiB */

/*
 * erase_kept - remove the messages optin-feedback kept (DATABASE/kept,
 * a Maildir) that name TARGET or a tagged form of it; how many, or -1
 * when the directory could not be read. Every name is taken relative to
 * a descriptor opened without following a link: whoever can write the
 * database directory cannot point this at files elsewhere.
 */
static long
erase_kept(const struct ctl *c, const char *target, const char *delims)
{
	static const char *const sub[] = { "new", "cur", "tmp" };
	char path[4096];
	struct dirent *de;
	struct stat sb;
	ssize_t r;
	size_t i, k, got;
	long n = 0;
	char *buf;
	DIR *d;
	int kfd, sfd, fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/kept",
	    c->conf->database) >= sizeof(path)) {
		ctl_err("erase: %s/kept: path too long", c->conf->database);
		return (-1);
	}
	if ((kfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return (0);
		ctl_err("erase: %s: %s", path, strerror(errno));
		return (-1);
	}
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		if ((sfd = openat(kfd, sub[i], O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) < 0) {
			if (errno == ENOENT)
				continue;
			ctl_err("erase: %s/%s: %s", path, sub[i],
			    strerror(errno));
			(void)close(kfd);
			return (-1);
		}
		if ((fd = dup(sfd)) < 0 || (d = fdopendir(fd)) == NULL) {
			if (fd >= 0)
				(void)close(fd);
			(void)close(sfd);
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || (fd = openat(sfd,
			    de->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			    O_CLOEXEC)) < 0)
				continue;
			if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
			    sb.st_size > KEPT_MAX ||
			    (buf = malloc((size_t)sb.st_size + 1)) == NULL) {
				(void)close(fd);
				continue;
			}
			for (got = 0; got < (size_t)sb.st_size; got += (size_t)r)
				if ((r = read(fd, buf + got,
				    (size_t)sb.st_size - got)) <= 0)
					break;
			(void)close(fd);
			/* the text as a string: a NUL in it ends nothing */
			for (k = 0; k < got; k++)
				if (buf[k] == '\0')
					buf[k] = ' ';
			buf[got] = '\0';
			if (store_names(buf, target, delims) &&
			    unlinkat(sfd, de->d_name, 0) == 0)
				n++;
			free(buf);
		}
		(void)closedir(d);
		(void)close(sfd);
	}
	(void)close(kfd);
	return (n);
}

static int
verb_erase(struct ctl *c, int argc, char **argv)
{
	char addr[ADDR_BUFSIZE], target[ADDR_BUFSIZE], err[512], ev[128];
	const char *pos[1];
	struct erase_arg e;
	long kept;
	int rc;

	if (ctl_args("erase", argc, argv, NULL, pos, 1) != 1) {
		ctl_err("usage: erase ADDR");
		return (EX_USAGE);
	}
	if ((rc = ctl_addr(pos[0], 0, addr, sizeof(addr))) != 0)
		return (rc);
	memset(&e, 0, sizeof(e));
	e.addr = addr;
	e.delims = c->conf->recipient_delimiter;
	e.ch.actor = ACTOR_CLI;
	e.ch.evidence = evidence_cli(ev, sizeof(ev));
	if ((rc = ctl_open_store(c, 0)) != 0)
		return (rc);
	if (store_write(c->st, do_erase, &e, err, sizeof(err)) < 0)
		return (write_err(err));
	/* and the reports optin-feedback kept that name the person */
	if (addr_untag(addr, e.delims, target, sizeof(target)) != 1)
		(void)strlcpy(target, addr, sizeof(target));
	kept = erase_kept(c, target, e.delims);
	/* a mistyped address must not read as done */
	if (kept == 0 && e.tally.removed == 0 && e.tally.scrubbed == 0)
		(void)printf("%s: nothing was held; kept suppressed (legal)\n",
		    addr);
	else if (kept == 0 && e.tally.again && e.tally.removed == 1 &&
	    e.tally.scrubbed == 0)
		(void)printf("%s was already erased; kept suppressed (legal)\n",
		    addr);
	else
		(void)printf("%s erased: %zu record%s removed, %zu other "
		    "record%s scrubbed of it; kept suppressed (legal)\n", addr,
		    e.tally.removed, e.tally.removed == 1 ? "" : "s",
		    e.tally.scrubbed, e.tally.scrubbed == 1 ? "" : "s");
	if (kept < 0)
		return (EX_IOERR);	/* the database part is done */
	if (kept > 0)
		(void)printf("removed %ld kept report%s naming it\n", kept,
		    kept == 1 ? "" : "s");
	return (0);
}

static const struct {
	const char *name;
	int	(*fn)(struct ctl *, int, char **);
} verbs[] = {
	{ "init", verb_init },
	{ "subscribe", verb_subscribe },
	{ "unsubscribe", verb_unsubscribe },
	{ "check", verb_check },
	{ "show", verb_show },
	{ "import", verb_import },
	{ "export", verb_export },
	{ "export-suppression", verb_export_suppression },
	{ "token", verb_token },
	{ "lists", verb_lists },
	{ "stats", verb_stats },
	{ "report", verb_report },
	{ "erase", verb_erase },
	{ "backup", verb_backup },
	{ "restore", verb_restore },
	{ "expire", verb_expire },
};

int
main(int argc, char **argv)
{
	struct ctl c;
	char err[1024];
	const char *verb;
	size_t i;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	c.conf_path = conf_default_path();
	while ((ch = getopt(argc, argv, "+c:Vh")) != -1) {
		switch (ch) {
		case 'c':
			c.conf_path = optarg;
			break;
		case 'V':
			(void)printf("optinctl %s\n", PACKAGE_VERSION);
			return (0);
		default:
			usage();
			return (ch == 'h' ? 0 : EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage();
		return (EX_USAGE);
	}
	verb = argv[0];
	if (conf_load(c.conf_path, &c.conf, err, sizeof(err)) < 0) {
		ctl_err("%s", err);
		return (EX_CONFIG);
	}
	rc = -1;
	if (strcmp(verb, "suppress") == 0)
		rc = verb_suppress(&c, argc - 1, argv + 1, 0);
	else if (strcmp(verb, "unsuppress") == 0)
		rc = verb_suppress(&c, argc - 1, argv + 1, 1);
	else
		for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
			if (strcmp(verbs[i].name, verb) == 0) {
				rc = verbs[i].fn(&c, argc - 1, argv + 1);
				break;
			}
	if (rc == -1) {
		ctl_err("unknown verb \"%s\"", verb);
		usage();
		rc = EX_USAGE;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		ctl_err("write error on standard output");
		if (rc == 0)
			rc = EX_IOERR;
	}
	store_close(c.st);
	conf_free(c.conf);
	return (rc);
}
