/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * floor_lmdb - bare LMDB loops: the floors of import and of decisions
 *
 * SYNOPSIS
 *	floor_lmdb put DIR ROWS [FILE]
 *	floor_lmdb fill DIR ADDRESSES
 *	floor_lmdb decide DIR ADDRESSES LOOKUPS
 *	floor_lmdb get DIR ADDRESSES LOOKUPS
 *
 * DESCRIPTION
 *	This file alone in bench/ talks to LMDB directly: a floor is what
 *	the work costs without the product around it.
 *
 *	put writes, into a new environment in DIR, the records optinctl
 *	import writes for ROWS lines "user%07d@bench.example,marketing,
 *	opt-in" of a file named FILE (default rows.csv): the history record
 *	that names the file, then for each line one consent record and one
 *	history record, then the history counter in meta, byte for byte as
 *	the store encodes them, with mdb_put() in one write transaction,
 *	committed durably. No CSV, no checks, no lookups. Prints
 *	"rows=N seconds=S rows_per_s=R maxrss_kb=K"; SECONDS runs from
 *	before the transaction to after the commit (bench/run times the
 *	whole process instead, as it times the import).
 *
 *	fill makes, with the store, ADDRESSES consent records (opt-in to
 *	marketing) for user%07d@bench.example and a bounce suppression for
 *	every tenth.
 *
 *	decide runs decide() for LOOKUPS tagged addresses
 *	(user%07d+x@bench.example, numbers spread over ADDRESSES) in one read
 *	transaction of the store in DIR. get replays the same lookups with
 *	bare mdb_get(): the keys decide() looks up (addr_keys()), consent
 *	at every key (decide() reads past the record it finds for a less
 *	specific opt-out; the records here are opt-ins), then suppression
 *	keys until one is found, and nothing else.
 *	Both print "lookups=N seconds=S per_s=R".
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

#include "addr.h"
#include "conf.h"
#include "decide.h"
#include "model.h"
#include "record.h"
#include "store.h"

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static long long
number(const char *s)
{
	const char *errstr;
	long long n = strtonum(s, 1, 1000000000, &errstr);

	if (errstr != NULL) {
		fprintf(stderr, "floor_lmdb: %s: %s\n", s, errstr);
		exit(64);
	}
	return (n);
}

static int
fail(const char *what, int rc)
{
	fprintf(stderr, "floor_lmdb: %s: %s\n", what, mdb_strerror(rc));
	return (1);
}

/* env - an environment on DIR with the store's named databases */
static int
env(const char *dir, size_t mapsize, unsigned flags, MDB_env **e)
{
	int rc;

	if ((rc = mdb_env_create(e)) != 0 ||
	    (rc = mdb_env_set_maxdbs(*e, 4)) != 0 ||
	    (rc = mdb_env_set_maxreaders(*e, 256)) != 0 ||
	    (rc = mdb_env_set_mapsize(*e, mapsize)) != 0 ||
	    (rc = mdb_env_open(*e, dir, MDB_NOTLS | flags, 0640)) != 0)
		return (fail(dir, rc));
	return (0);
}

/* hist_key - the big-endian history key of SEQ */
static void
hist_key(uint64_t seq, unsigned char hk[8])
{
	int j;

	for (j = 7; j >= 0; j--) {
		hk[j] = (unsigned char)(seq & 0xff);
		seq >>= 8;
	}
}

static int
put(const char *dir, long long rows, const char *file)
{
	MDB_env *e;
	MDB_txn *txn;
	MDB_dbi consent, history, meta;
	MDB_val k, v;
	struct enc en;
	struct rusage ru;
	char kb[128], a[64], ev[600], num[32];
	unsigned char hk[8];
	int64_t t = (int64_t)time(NULL);
	long long i;
	double t0, secs;
	size_t al;
	int rc;

	/*
	 * mdb_env_close() frees the pages of the write transaction one at a
	 * time; in some heap layouts of a new environment (a file name of 24
	 * octets or more here) each free then shrinks the heap, 47,000 brk
	 * calls and 0.17 s for 1 M rows, which the import does not pay.
	 * Without trimming the floor pays neither that nor the import's
	 * ordinary trims.
	 */
	(void)mallopt(M_TRIM_THRESHOLD, INT_MAX);
	(void)mkdir(dir, 0755);
	if (env(dir, (size_t)rows * 2048 + (64 << 20), 0, &e) != 0)
		return (1);
	t0 = now();
	if ((rc = mdb_txn_begin(e, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "consent", MDB_CREATE, &consent)) != 0 ||
	    (rc = mdb_dbi_open(txn, "history", MDB_CREATE, &history)) != 0 ||
	    (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &meta)) != 0)
		return (fail("begin", rc));
	/* the import's first history record names the file */
	(void)snprintf(ev, sizeof(ev), "file=%s", file);
	enc_init(&en);
	enc_u8(&en, REC_VERSION);
	enc_i64(&en, t);
	enc_u8(&en, (unsigned)ACTOR_IMPORT);
	enc_str(&en, "");
	enc_str(&en, "");
	enc_str(&en, "");
	enc_str(&en, "import");
	enc_str(&en, "import");
	enc_str(&en, ev);
	hist_key(1, hk);
	k.mv_data = hk;
	k.mv_size = 8;
	v.mv_data = en.buf;
	v.mv_size = en.len;
	if ((rc = mdb_put(txn, history, &k, &v, MDB_APPEND)) != 0)
		return (fail("put history", rc));
	for (i = 0; i < rows; i++) {
		al = (size_t)snprintf(a, sizeof(a), "user%07lld@bench.example",
		    i);
		memcpy(kb, a, al + 1);
		memcpy(kb + al + 1, "marketing", 9);
		k.mv_data = kb;
		k.mv_size = al + 10;
		enc_init(&en);
		enc_u8(&en, REC_VERSION);
		enc_u8(&en, (unsigned)STATUS_OPT_IN);
		enc_i64(&en, t);
		enc_i64(&en, 0);
		enc_str(&en, "import");
		enc_str(&en, "import #1");
		v.mv_data = en.buf;
		v.mv_size = en.len;
		if ((rc = mdb_put(txn, consent, &k, &v, 0)) != 0)
			return (fail("put consent", rc));
		hist_key((uint64_t)i + 2, hk);
		enc_init(&en);
		enc_u8(&en, REC_VERSION);
		enc_i64(&en, t);
		enc_u8(&en, (unsigned)ACTOR_IMPORT);
		enc_str(&en, a);
		enc_str(&en, "marketing");
		enc_str(&en, "none");
		enc_str(&en, "opt-in");
		enc_str(&en, "import");
		enc_str(&en, "import #1");
		k.mv_data = hk;
		k.mv_size = 8;
		v.mv_data = en.buf;
		v.mv_size = en.len;
		if ((rc = mdb_put(txn, history, &k, &v, MDB_APPEND)) != 0)
			return (fail("put history", rc));
	}
	/* the history counter, once before the commit */
	(void)snprintf(num, sizeof(num), "%lld", rows + 1);
	k.mv_data = "history-seq";
	k.mv_size = sizeof("history-seq") - 1;
	v.mv_data = num;
	v.mv_size = strlen(num);
	if ((rc = mdb_put(txn, meta, &k, &v, 0)) != 0)
		return (fail("put meta", rc));
	if ((rc = mdb_txn_commit(txn)) != 0)
		return (fail("commit", rc));
	secs = now() - t0;
	mdb_env_close(e);
	(void)getrusage(RUSAGE_SELF, &ru);
	(void)printf("rows=%lld seconds=%.3f rows_per_s=%.0f maxrss_kb=%ld\n",
	    rows, secs, (double)rows / secs, ru.ru_maxrss);
	return (0);
}

struct fillarg {
	long long n;
};

static int
do_fill(struct store_txn *tx, void *arg)
{
	struct fillarg *f = arg;
	struct consent_rec r;
	struct supp_rec s;
	struct change ch = { ACTOR_IMPORT, "bench", "", 1 };
	char a[64];
	long long i;

	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	r.status = STATUS_OPT_IN;
	s.reason = SUPP_BOUNCE;
	for (i = 0; i < f->n; i++) {
		(void)snprintf(a, sizeof(a), "user%07lld@bench.example", i);
		if (store_put_consent(tx, a, "marketing", &r, &ch) < 0)
			return (-1);
		if (i % 10 == 0 && store_put_suppression(tx, a, &s, &ch) < 0)
			return (-1);
	}
	return (0);
}

static int
fill(const char *dir, long long n)
{
	struct store *st;
	struct fillarg f = { n };
	char err[512];

	(void)mkdir(dir, 0755);
	if (store_open(dir, (uint64_t)n * 1024 + (64 << 20), STORE_CREATE, &st,
	    err, sizeof(err)) < 0 ||
	    store_write(st, do_fill, &f, err, sizeof(err)) < 0) {
		fprintf(stderr, "floor_lmdb: fill: %s\n", err);
		return (1);
	}
	store_close(st);
	return (0);
}

/* lookup address I of a run over N addresses */
static void
addr_of(long long i, long long n, char *a, size_t len)
{
	(void)snprintf(a, len, "user%07lld+x@bench.example", (i * 7919) % n);
}

static int
decide_run(const char *dir, long long n, long long lookups)
{
	static const char conftext[] = "unsubscribe-url https://l.example/u/\n"
	    "list marketing {\n consent express\n"
	    " list-id m.example.com\n match sender news@example.com\n}\n";
	struct store *st;
	struct store_txn *tx;
	struct conf *c;
	struct decision d;
	char err[512], a[96];
	long long i, deliver = 0;
	double t0, secs;

	if (conf_parse(conftext, strlen(conftext), "bench.conf", NULL, &c, err,
	    sizeof(err)) < 0 ||
	    store_open(dir, (uint64_t)n * 1024 + (64 << 20), 0, &st, err,
	    sizeof(err)) < 0 ||
	    store_read_begin(st, &tx, err, sizeof(err)) < 0) {
		fprintf(stderr, "floor_lmdb: decide: %s\n", err);
		return (1);
	}
	t0 = now();
	for (i = 0; i < lookups; i++) {
		addr_of(i, n, a, sizeof(a));
		if (decide(tx, conf_find_list(c, "marketing"), a, "+", 1,
		    &d) < 0)
			return (1);
		deliver += d.verdict == VERDICT_DELIVER;
	}
	secs = now() - t0;
	store_read_end(tx);
	store_close(st);
	conf_free(c);
	(void)printf("lookups=%lld seconds=%.3f per_s=%.0f delivered=%lld\n",
	    lookups, secs, (double)lookups / secs, deliver);
	return (0);
}

static int
get_run(const char *dir, long long n, long long lookups)
{
	MDB_env *e;
	MDB_txn *txn;
	MDB_dbi consent, supp;
	MDB_val k, v;
	char kbuf[ADDR_KEYS_BUFSIZE], ck[ADDR_BUFSIZE + 16], a[96];
	const char *keys[3];
	long long i, deliver = 0;
	size_t l;
	double t0, secs;
	int nk, j, rc, found, supp_hit;

	if (env(dir, (size_t)n * 1024 + (64 << 20), MDB_RDONLY, &e) != 0)
		return (1);
	if ((rc = mdb_txn_begin(e, NULL, MDB_RDONLY, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "consent", 0, &consent)) != 0 ||
	    (rc = mdb_dbi_open(txn, "suppression", 0, &supp)) != 0)
		return (fail("begin", rc));
	t0 = now();
	for (i = 0; i < lookups; i++) {
		addr_of(i, n, a, sizeof(a));
		nk = addr_keys(a, "+", kbuf, keys);
		found = 0;
		for (j = 0; j < nk; j++) {
			l = strlen(keys[j]);
			memcpy(ck, keys[j], l + 1);
			memcpy(ck + l + 1, "marketing", 9);
			k.mv_data = ck;
			k.mv_size = l + 10;
			found |= mdb_get(txn, consent, &k, &v) == 0;
		}
		supp_hit = 0;
		for (j = 0; j < nk && !supp_hit; j++) {
			k.mv_data = (void *)(uintptr_t)keys[j];
			k.mv_size = strlen(keys[j]);
			supp_hit = mdb_get(txn, supp, &k, &v) == 0;
		}
		deliver += found && !supp_hit;
	}
	secs = now() - t0;
	mdb_txn_abort(txn);
	mdb_env_close(e);
	(void)printf("lookups=%lld seconds=%.3f per_s=%.0f delivered=%lld\n",
	    lookups, secs, (double)lookups / secs, deliver);
	return (0);
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "put") == 0)
		return (put(argv[2], number(argv[3]), "rows.csv"));
	if (argc == 5 && strcmp(argv[1], "put") == 0)
		return (put(argv[2], number(argv[3]), argv[4]));
	if (argc == 4 && strcmp(argv[1], "fill") == 0)
		return (fill(argv[2], number(argv[3])));
	if (argc == 5 && strcmp(argv[1], "decide") == 0)
		return (decide_run(argv[2], number(argv[3]), number(argv[4])));
	if (argc == 5 && strcmp(argv[1], "get") == 0)
		return (get_run(argv[2], number(argv[3]), number(argv[4])));
	fprintf(stderr, "usage: floor_lmdb put DIR ROWS [FILE] | fill DIR ADDRESSES |\n"
	    "       decide DIR ADDRESSES LOOKUPS | get DIR ADDRESSES LOOKUPS\n");
	return (64);
}
