/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_store - the LMDB store: reopen keeps data, history grows with
 * every write, the map grows when full, a reader sees its snapshot while
 * a writer commits, erasure
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <pthread.h>
#include <unistd.h>

#include "testutil.h"

#include "model.h"
#include "store.h"

struct put {
	const char *addr, *list;
	int	status;
	int	n;		/* for bulk writes */
	int	runs;		/* how often fn ran (retries after growth) */
};

static int
put_one(struct store_txn *tx, void *arg)
{
	struct put *p = arg;
	struct consent_rec r;
	struct change ch = { ACTOR_CLI, "unit", "evidence", 0 };

	memset(&r, 0, sizeof(r));
	r.status = p->status;
	p->runs++;
	return (store_put_consent(tx, p->addr, p->list, &r, &ch));
}

static int
put_many(struct store_txn *tx, void *arg)
{
	struct put *p = arg;
	struct consent_rec r;
	struct change ch = { ACTOR_IMPORT, "bulk", "a fairly long piece of "
	    "evidence to fill the map faster than short records would", 0 };
	char a[64];
	int i;

	p->runs++;
	memset(&r, 0, sizeof(r));
	r.status = STATUS_OPT_IN;
	for (i = 0; i < p->n; i++) {
		(void)snprintf(a, sizeof(a), "user%06d@bulk.test", i);
		if (store_put_consent(tx, a, "news", &r, &ch) < 0)
			return (-1);
	}
	return (0);
}

static int
count_hist(void *arg, const struct history_rec *h)
{
	(void)h;
	(*(int *)arg)++;
	return (0);
}

static int
count_consent(void *arg, const char *a, const char *l,
    const struct consent_rec *r)
{
	(void)a; (void)l; (void)r;
	(*(int *)arg)++;
	return (0);
}

static int
history_count(struct store *st, const char *addr)
{
	struct store_txn *tx;
	char err[256];
	int n = 0;

	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(store_each_history(tx, addr, count_hist, &n), 0);
	store_read_end(tx);
	return (n);
}

static void
test_reopen_history(void **state)
{
	struct store *st;
	struct store_txn *tx;
	struct consent_rec r;
	struct put p = { "bob@example.org", "news", STATUS_OPT_IN, 0, 0 };
	char err[256], *dir;
	int schema;
	int64_t created;

	(void)state;
	dir = tu_tmpdir();
	/* opening without create refuses a directory without a database */
	assert_int_equal(store_open(dir, 1 << 20, 0, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "optinctl init"));
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)), 0);
	assert_int_equal(history_count(st, "bob@example.org"), 1);
	p.status = STATUS_OPT_OUT;
	assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)), 0);
	assert_int_equal(history_count(st, "bob@example.org"), 2);
	store_close(st);

	/* reopen: the data and the history are there */
	assert_int_equal(store_open(dir, 1 << 20, STORE_RDONLY, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(store_get_consent(tx, "bob@example.org", "news", &r), 1);
	assert_int_equal(r.status, STATUS_OPT_OUT);
	assert_string_equal(r.source, "unit");
	assert_string_equal(r.evidence, "evidence");
	assert_true(r.changed > 0);
	assert_int_equal(store_get_consent(tx, "bob@example.org", "other", &r), 0);
	assert_int_equal(store_get_consent(tx, "eve@example.org", "news", &r), 0);
	assert_int_equal(store_meta(tx, &schema, &created), 0);
	assert_int_equal(schema, STORE_SCHEMA);
	assert_true(created > 0);
	store_read_end(tx);
	assert_int_equal(history_count(st, "bob@example.org"), 2);
	/* a read-only store refuses writes */
	assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)), -1);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

struct hist_check {
	int	n;
	char	states[8][512];
};

static int
collect_hist(void *arg, const struct history_rec *h)
{
	struct hist_check *hc = arg;

	if (hc->n < 8)
		(void)snprintf(hc->states[hc->n], sizeof(hc->states[0]),
		    "%s %s %s %s>%s", actor_name(h->actor), h->address,
		    h->list, h->old_state, h->new_state);
	hc->n++;
	return (0);
}

struct supp_op {
	const char *addr;
	int	reason;		/* 0: delete */
	int	result;
};

static int
supp_one(struct store_txn *tx, void *arg)
{
	struct supp_op *o = arg;
	struct change ch = { ACTOR_UNSUBD, "web", "ip=192.0.2.1", 0 };
	struct supp_rec r;

	memset(&r, 0, sizeof(r));
	if (o->reason == 0)
		return ((o->result = store_del_suppression(tx, o->addr, &ch))
		    < 0 ? -1 : 0);
	r.reason = o->reason;
	return (store_put_suppression(tx, o->addr, &r, &ch));
}

static void
test_history_states(void **state)
{
	struct store *st;
	struct store_txn *tx;
	struct hist_check hc;
	struct put p = { "amy@example.org", "news", STATUS_PENDING, 0, 0 };
	struct supp_op so = { "amy@example.org", SUPP_BOUNCE, 0 };
	char err[256], *dir;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)), 0);
	p.status = STATUS_OPT_IN;
	assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)), 0);
	assert_int_equal(store_write(st, supp_one, &so, err, sizeof(err)), 0);
	so.reason = 0;
	assert_int_equal(store_write(st, supp_one, &so, err, sizeof(err)), 0);
	assert_int_equal(so.result, 1);
	assert_int_equal(store_write(st, supp_one, &so, err, sizeof(err)), 0);
	assert_int_equal(so.result, 0);

	memset(&hc, 0, sizeof(hc));
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(store_each_history(tx, NULL, collect_hist, &hc), 0);
	store_read_end(tx);
	assert_int_equal(hc.n, 4);
	assert_string_equal(hc.states[0], "cli amy@example.org news none>pending");
	assert_string_equal(hc.states[1],
	    "cli amy@example.org news pending>opt-in");
	assert_string_equal(hc.states[2],
	    "unsubd amy@example.org  none>suppressed:bounce");
	assert_string_equal(hc.states[3],
	    "unsubd amy@example.org  suppressed:bounce>none");
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

static void
test_map_growth(void **state)
{
	struct store *st;
	struct store_txn *tx;
	struct put p = { NULL, NULL, 0, 3000, 0 };
	char err[256], *dir;
	uint64_t before;
	int n = 0;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 64 * 1024, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	before = store_mapsize(st);
	if (store_write(st, put_many, &p, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_true(p.runs > 1);		/* it ran again after growing */
	assert_true(store_mapsize(st) > before);
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(store_each_consent(tx, NULL, count_consent, &n), 0);
	store_read_end(tx);
	assert_int_equal(n, 3000);
	/* exactly one history record per write, none from aborted runs */
	assert_int_equal(history_count(st, NULL), 3000);
	store_close(st);

	/* reopening with the small configured size keeps the larger map */
	assert_int_equal(store_open(dir, 64 * 1024, 0, &st, err, sizeof(err)), 0);
	assert_true(store_mapsize(st) > 64 * 1024);
	assert_int_equal(history_count(st, "user002999@bulk.test"), 1);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

/*
 * store_backup after another process grew the map: LMDB's copy begins
 * with MDB_MAP_RESIZED, and a backup taken during an import failed
 * ("copy to FILE: MDB_MAP_RESIZED", exit 74); it maps the new size and
 * copies
 */
static void
test_backup_after_growth(void **state)
{
	struct store *st, *other;
	struct put one = { "rita@example.org", "news", STATUS_OPT_OUT, 0, 0 };
	struct put p = { NULL, NULL, 0, 3000, 0 };
	struct stat sb;
	char err[256], bk[512], *dir;
	pid_t pid;
	int status;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 64 * 1024, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	if (store_write(st, put_one, &one, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	/* another process: an import that grows the map several times */
	if ((pid = fork()) == 0) {
		if (store_open(dir, 64 * 1024, 0, &other, err,
		    sizeof(err)) < 0 ||
		    store_write(other, put_many, &p, err, sizeof(err)) < 0)
			_exit(1);
		store_close(other);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	(void)snprintf(bk, sizeof(bk), "%s/backup.mdb", dir);
	if (store_backup(st, bk, err, sizeof(err)) < 0)
		fail_msg("backup: %s", err);
	assert_int_equal(stat(bk, &sb), 0);
	assert_true(sb.st_size > 64 * 1024);	/* the grown database in it */
	assert_int_equal(history_count(st, NULL), 3001);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

/* store_reserve: the map grows ahead, as a full map doubles, and then
 * the same writes run once */
static void
test_reserve(void **state)
{
	struct store *st;
	struct put p = { NULL, NULL, 0, 3000, 0 };
	char err[256], *dir;
	uint64_t size;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 64 * 1024, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(store_reserve(st, 0), 0);
	assert_true(store_mapsize(st) == 64 * 1024);	/* room enough */
	assert_int_equal(store_reserve(st, 3 * 1024 * 1024), 0);
	size = store_mapsize(st);
	assert_true(size >= 3 * 1024 * 1024);
	assert_true(size <= 8 * 1024 * 1024);
	assert_int_equal(size % (64 * 1024), 0);
	assert_int_equal(size & (size - 1), 0);	/* 64K doubled */
	assert_int_equal(store_reserve(st, 1024), 0);
	assert_true(store_mapsize(st) == size);	/* never shrinks */
	if (store_write(st, put_many, &p, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_int_equal(p.runs, 1);
	assert_int_equal(history_count(st, NULL), 3000);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

struct writer {
	struct store *st;
	int	rc;
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct put p = { "rita@example.org", "news", STATUS_OPT_OUT, 0, 0 };
	char err[256];

	w->rc = store_write(w->st, put_one, &p, err, sizeof(err));
	return (NULL);
}

static void
test_reader_during_writer(void **state)
{
	struct store *st;
	struct store_txn *tx, *tx2;
	struct consent_rec r;
	struct put p = { "rita@example.org", "news", STATUS_OPT_IN, 0, 0 };
	struct writer w;
	pthread_t th;
	char err[256], *dir;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)), 0);

	/* a reader holds a snapshot while another thread commits */
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	w.st = st;
	w.rc = -99;
	assert_int_equal(pthread_create(&th, NULL, writer_main, &w), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.rc, 0);	/* the writer was not blocked */
	assert_int_equal(store_get_consent(tx, "rita@example.org", "news", &r), 1);
	assert_int_equal(r.status, STATUS_OPT_IN);	/* old snapshot */

	/* a new reader sees the commit */
	assert_int_equal(store_read_begin(st, &tx2, err, sizeof(err)), 0);
	assert_int_equal(store_get_consent(tx2, "rita@example.org", "news", &r),
	    1);
	assert_int_equal(r.status, STATUS_OPT_OUT);
	store_read_end(tx2);
	store_read_end(tx);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

struct erase_op {
	const char *addr;
	struct store_erase_tally tally;
};

static int
erase_one(struct store_txn *tx, void *arg)
{
	struct erase_op *e = arg;
	struct change ch = { ACTOR_CLI, "", "", 0 };

	return (store_erase(tx, e->addr, NULL, &ch, &e->tally));
}

static void
test_erase(void **state)
{
	struct store *st;
	struct store_txn *tx;
	struct supp_rec s;
	struct put p = { "eve@example.org", "news", STATUS_OPT_IN, 0, 0 };
	struct put q = { "eve@example.orgx", "news", STATUS_OPT_IN, 0, 0 };
	struct erase_op e = { "eve@example.org", { 9, 9, 9 } };
	struct erase_op none = { "nobody@example.org", { 9, 9, 9 } };
	char err[256], *dir;
	int n = 0;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)), 0);
	p.list = "svc";
	assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)), 0);
	assert_int_equal(store_write(st, put_one, &q, err, sizeof(err)), 0);
	assert_int_equal(history_count(st, "eve@example.org"), 2);
	assert_int_equal(store_write(st, erase_one, &e, err, sizeof(err)), 0);
	/* two consent records and their two history records */
	assert_int_equal(e.tally.removed, 4);
	assert_int_equal(e.tally.scrubbed, 0);
	assert_int_equal(e.tally.again, 0);

	assert_int_equal(history_count(st, "eve@example.org"), 0);
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(store_each_consent(tx, "eve@example.org", count_consent,
	    &n), 0);
	assert_int_equal(n, 0);
	/* the neighbour whose key shares the prefix is untouched */
	assert_int_equal(store_each_consent(tx, "eve@example.orgx",
	    count_consent, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_get_suppression(tx, "eve@example.org", &s), 1);
	assert_int_equal(s.reason, SUPP_LEGAL);
	assert_string_equal(s.source, "erasure");
	store_read_end(tx);
	assert_int_equal(history_count(st, "eve@example.orgx"), 1);
	assert_int_equal(history_count(st, "(erased)"), 1);
	/* again: only the suppression the first one left */
	assert_int_equal(store_write(st, erase_one, &e, err, sizeof(err)), 0);
	assert_int_equal(e.tally.removed, 1);
	assert_int_equal(e.tally.scrubbed, 0);
	assert_int_equal(e.tally.again, 1);
	/* an address never held */
	assert_int_equal(store_write(st, erase_one, &none, err, sizeof(err)),
	    0);
	assert_int_equal(none.tally.removed, 0);
	assert_int_equal(none.tally.scrubbed, 0);
	assert_int_equal(none.tally.again, 0);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

struct witness {
	const char *addr, *source, *evidence;
	int	supp;
};

static int
put_witness(struct store_txn *tx, void *arg)
{
	struct witness *w = arg;
	struct change ch = { ACTOR_MILTER, w->source, w->evidence, 0 };
	struct consent_rec r;
	struct supp_rec s;

	if (w->supp) {
		memset(&s, 0, sizeof(s));
		s.reason = SUPP_BOUNCE;
		return (store_put_suppression(tx, w->addr, &s, &ch));
	}
	memset(&r, 0, sizeof(r));
	r.status = STATUS_OPT_OUT;
	return (store_put_consent(tx, w->addr, "news", &r, &ch));
}

struct erase_tagged {
	const char *addr;
	struct store_erase_tally tally;
};

static int
erase_plus(struct store_txn *tx, void *arg)
{
	struct erase_tagged *e = arg;
	struct change ch = { ACTOR_CLI, "", "", 0 };

	return (store_erase(tx, e->addr, "+", &ch, &e->tally));
}

static int
last_seq(void *arg, const struct history_rec *h)
{
	*(uint64_t *)arg = h->seq;
	return (0);
}

static int
no_amy(void *arg, const struct history_rec *h)
{
	(void)arg;
	assert_null(strstr(h->address, "amy"));
	assert_null(strstr(h->source, "amy"));
	assert_null(strstr(h->evidence, "amy"));
	return (0);
}

/* tagged forms, their history, and the address inside other rows */
static void
test_erase_tagged(void **state)
{
	struct store *st;
	struct store_txn *tx;
	struct consent_rec r;
	struct supp_rec s;
	struct witness w[] = {
		{ "amy@example.org", "unit", "", 0 },
		{ "amy+news@example.org", "unsubd", "one-click", 0 },
		{ "amy+x@example.org", "feedback", "bounce", 1 },
		{ "bob@example.org", "mailto", "mailto from=<amy+fwd@Example.ORG> "
		    "for bob", 0 },
		{ "cy@example.org", "forwarded by amy@example.org.", "", 1 },
	};
	struct erase_tagged e = { "amy+whatever@example.org", { 9, 9, 9 } };
	char err[256], out[128], *dir;
	uint64_t seq = 0;
	size_t i;

	(void)state;
	/* the scrubber on its own */
	assert_int_equal(store_scrub("x <amy+a@example.org> y amy@EXAMPLE.org",
	    "amy@example.org", "+", out, sizeof(out)), 1);
	assert_string_equal(out, "x <(erased)> y (erased)");
	assert_int_equal(store_scrub("amy@example.orgx bamy@example.org",
	    "amy@example.org", "+", out, sizeof(out)), 0);
	assert_string_equal(out, "amy@example.orgx bamy@example.org");
	/* after a character that separates words there, and quoted */
	assert_int_equal(store_scrub("from=amy@example.org ?email=amy@example."
	    "org&x {amy@example.org} 'amy@example.org' /amy+t@example.org",
	    "amy@example.org", "+", out, sizeof(out)), 1);
	assert_string_equal(out, "from=(erased) ?email=(erased)&x {(erased)} "
	    "'(erased)' /(erased)");
	assert_int_equal(store_scrub("by \"amy\"@example.org or \"a b\"@x.org",
	    "amy@example.org", "+", out, sizeof(out)), 1);
	assert_string_equal(out, "by (erased) or \"a b\"@x.org");
	/* not inside another address's local part */
	assert_int_equal(store_scrub("first.amy@example.org x-amy@example.org "
	    "bob+amy@example.org", "amy@example.org", "+", out, sizeof(out)),
	    0);

	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		assert_int_equal(store_write(st, put_witness, &w[i], err,
		    sizeof(err)), 0);
	assert_int_equal(store_write(st, erase_plus, &e, err, sizeof(err)), 0);
	/* amy's three records and their history; bob's and cy's records
	 * and their history scrubbed */
	assert_int_equal(e.tally.removed, 6);
	assert_int_equal(e.tally.scrubbed, 4);
	assert_int_equal(e.tally.again, 0);

	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	assert_int_equal(store_get_consent(tx, "amy@example.org", "news", &r),
	    0);
	assert_int_equal(store_get_consent(tx, "amy+news@example.org", "news",
	    &r), 0);
	assert_int_equal(store_get_suppression(tx, "amy+x@example.org", &s), 0);
	assert_int_equal(store_get_suppression(tx, "amy@example.org", &s), 1);
	assert_int_equal(s.reason, SUPP_LEGAL);
	/* the other rows stay, without the address */
	assert_int_equal(store_get_consent(tx, "bob@example.org", "news", &r),
	    1);
	assert_string_equal(r.evidence, "mailto from=<(erased)> for bob");
	assert_int_equal(store_get_suppression(tx, "cy@example.org", &s), 1);
	assert_string_equal(s.source, "forwarded by (erased)");
	assert_int_equal(store_each_history(tx, NULL, no_amy, NULL), 0);
	/* five changes and the erasure: the erasure is number 6, not a
	 * number an erased record had */
	assert_int_equal(store_each_history(tx, NULL, last_seq, &seq), 0);
	assert_int_equal(seq, 6);
	store_read_end(tx);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

static int
too_long(struct store_txn *tx, void *arg)
{
	char big[STORE_SOURCE_MAX + 10];
	struct consent_rec r;
	struct change ch = { ACTOR_CLI, big, "", 0 };

	(void)arg;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(&r, 0, sizeof(r));
	r.status = STATUS_OPT_IN;
	return (store_put_consent(tx, "a@b.c", "news", &r, &ch));
}

static void
test_refusals(void **state)
{
	struct store *st;
	char err[256], *dir, path[4200];

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(store_write(st, too_long, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "source longer"));
	assert_int_equal(history_count(st, NULL), 0);
	/* express consent is a person's: the store refuses it for a domain */
	{
		struct put p = { "@dom.example", "news", STATUS_OPT_IN, 0, 0 };
		const char *why;

		assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "not a domain"));
		assert_int_equal(store_consent_valid("@dom.example",
		    STATUS_OPT_IN, &why), -1);
		assert_int_equal(store_consent_valid("@dom.example",
		    STATUS_RELATIONSHIP, &why), 0);
		assert_int_equal(store_consent_valid("a@dom.example",
		    STATUS_OPT_IN, &why), 0);
		p.status = STATUS_RELATIONSHIP;
		assert_int_equal(store_write(st, put_one, &p, err, sizeof(err)),
		    0);
	}
	assert_int_equal(history_count(st, NULL), 1);
	store_close(st);
	/* a file where the directory should be */
	(void)snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_int_equal(store_open(path, 1 << 20, 0, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a directory"));
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reopen_history),
		cmocka_unit_test(test_history_states),
		cmocka_unit_test(test_map_growth),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_backup_after_growth),
		cmocka_unit_test(test_reader_during_writer),
		cmocka_unit_test(test_erase),
		cmocka_unit_test(test_erase_tagged),
		cmocka_unit_test(test_refusals),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
