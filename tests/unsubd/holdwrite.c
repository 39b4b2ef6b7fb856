/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * holdwrite - a second writer of the environment DIR, as optinctl is:
 * begin a write transaction, write KEY into the meta database, print
 * "holding" and keep the transaction open for MS milliseconds, then
 * commit. lockfile.sh runs it after lock.mdb was removed under a
 * running optin-unsubd, so that both hold "the" writer lock at once.
 *
 *	holdwrite DIR KEY MS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lmdb.h>

int
main(int argc, char **argv)
{
	struct timespec ts;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	long ms;
	char *end;
	int rc;

	if (argc != 4) {
		(void)fprintf(stderr, "usage: holdwrite DIR KEY MS\n");
		return (64);
	}
	ms = strtol(argv[3], &end, 10);
	if (*end != '\0' || ms < 0 || ms > 60000) {
		(void)fprintf(stderr, "holdwrite: bad MS\n");
		return (64);
	}
	k.mv_data = argv[2];
	k.mv_size = strlen(argv[2]);
	v.mv_data = "1";
	v.mv_size = 1;
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 8)) != 0 ||
	    (rc = mdb_env_set_mapsize(env, 1UL << 30)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], 0, 0640)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "meta", 0, &dbi)) != 0 ||
	    (rc = mdb_put(txn, dbi, &k, &v, 0)) != 0) {
		(void)fprintf(stderr, "holdwrite: %s\n", mdb_strerror(rc));
		return (1);
	}
	(void)printf("holding\n");
	(void)fflush(stdout);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	(void)nanosleep(&ts, NULL);
	if ((rc = mdb_txn_commit(txn)) != 0) {
		(void)fprintf(stderr, "holdwrite: commit: %s\n",
		    mdb_strerror(rc));
		return (1);
	}
	mdb_env_close(env);
	return (0);
}
