/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nosync - the negative control of ondisk.sh: write KEY into the meta
 * database of the environment DIR with MDB_NOSYNC (no fsync) and exit.
 *
 *	nosync DIR KEY
 */
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <lmdb.h>

int
main(int argc, char **argv)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;
	int rc;

	if (argc != 3) {
		(void)fprintf(stderr, "usage: nosync DIR KEY\n");
		return (64);
	}
	k.mv_data = argv[2];
	k.mv_size = strlen(argv[2]);
	v.mv_data = "1";
	v.mv_size = 1;
	if ((rc = mdb_env_create(&env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(env, 8)) != 0 ||
	    (rc = mdb_env_open(env, argv[1], MDB_NOSYNC, 0640)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, "meta", 0, &dbi)) != 0 ||
	    (rc = mdb_put(txn, dbi, &k, &v, 0)) != 0 ||
	    (rc = mdb_txn_commit(txn)) != 0) {
		(void)fprintf(stderr, "nosync: %s\n", mdb_strerror(rc));
		return (1);
	}
	/*
	 * no mdb_env_sync(), no mdb_env_close(): as a crash would leave it;
	 * _exit() so that a sanitizer build's leak check does not count
	 * the environment left open on purpose
	 */
	_exit(0);
}
