/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * holdreaders - N read transactions of the environment DIR at once, as
 * the threads of optin-milter and optinctl hold them: begin them, print
 * "holding N", keep them MS milliseconds, end them. lockroom.sh runs it
 * so that the next reader of another process takes a slot on the second
 * page of lock.mdb.
 *
 *	holdreaders DIR N MS
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <lmdb.h>

#define MAXTX	200

int
main(int argc, char **argv)
{
	struct timespec ts;
	MDB_env *env;
	MDB_txn *txn[MAXTX];
	long n, ms, i;
	char *end;
	int rc;

	if (argc != 4) {
		(void)fprintf(stderr, "usage: holdreaders DIR N MS\n");
		return (64);
	}
	n = strtol(argv[2], &end, 10);
	if (*end != '\0' || n < 1 || n > MAXTX) {
		(void)fprintf(stderr, "holdreaders: bad N\n");
		return (64);
	}
	ms = strtol(argv[3], &end, 10);
	if (*end != '\0' || ms < 0 || ms > 60000) {
		(void)fprintf(stderr, "holdreaders: bad MS\n");
		return (64);
	}
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 8)) != 0 ||
	    (rc = mdb_env_set_maxreaders(env, 256)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], MDB_NOTLS | MDB_RDONLY,
	    0640)) != 0) {
		(void)fprintf(stderr, "holdreaders: %s: %s\n", argv[1],
		    mdb_strerror(rc));
		return (1);
	}
	for (i = 0; i < n; i++)
		if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn[i])) != 0) {
			(void)fprintf(stderr, "holdreaders: reader %ld: %s\n",
			    i, mdb_strerror(rc));
			return (1);
		}
	(void)printf("holding %ld\n", n);
	(void)fflush(stdout);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	(void)nanosleep(&ts, NULL);
	for (i = 0; i < n; i++)
		mdb_txn_abort(txn[i]);
	mdb_env_close(env);
	return (0);
}
