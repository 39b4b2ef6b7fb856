/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_verify.c - a backup read through before it is trusted
 *
 * SYNOPSIS
 *	#include "store_priv.h"
 *
 *	store_bak_seal(tmp, size, err, sizeof(err));
 *	store_bak_verify(file, err, sizeof(err));
 *
 * DESCRIPTION
 *	LMDB keeps no checksums: a backup damaged on its way (a flipped bit
 *	on a disk, a bad copy) reads as records that are wrong, or as pages
 *	that fault when followed. So a backup carries, in meta
 *	"backup-sum", the BLAKE2b-256 of every record of every named
 *	database in key order, the sum itself left out: the database's
 *	name, the key and the value, each after its length.
 *
 *	store_bak_seal() writes that sum into a new copy. store_bak_verify()
 *	reads the whole file in a child process, so that a page damaged so
 *	that LMDB faults on it is a refusal and not a crash; it decodes
 *	every record of the databases it knows and compares the sum. A
 *	backup made before the sum existed is read through and decoded
 *	only.
 *
 * DIAGNOSTICS
 *	Messages name what is wrong; the caller names the file.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "model.h"
#include "store_priv.h"

#define SUM_KEY		STORE_BACKUP_SUM
#define SUM_KEYLEN	(sizeof(SUM_KEY) - 1)
#define SUM_LEN		crypto_generichash_BYTES	/* 32 */

static void
hash_part(crypto_generichash_state *h, const void *p, size_t n)
{
	unsigned char len[8];
	uint64_t u = n;
	int i;

	for (i = 7; i >= 0; i--) {
		len[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
	(void)crypto_generichash_update(h, len, sizeof(len));
	(void)crypto_generichash_update(h, p, n);
}

/* sound - 0 when a record of database NAME decodes, else -1 with WHY */
/*
 * addr_key - P (N octets) may be an address key as the store writes
 * them: not empty, not too long, no control octet. A line break in one
 * would split a line of export-suppression or stats in two.
 */
static int
addr_key(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > ADDR_MAX)
		return (0);
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return (0);
	return (1);
}

/* list_key - P (N octets) is a list name a configuration may give */
static int
list_key(const char *p, size_t n)
{
	char l[CONF_NAME_MAX + 1];

	if (n == 0 || n > CONF_NAME_MAX)
		return (0);
	memcpy(l, p, n);
	l[n] = '\0';
	return (conf_valid_list_name(l));
}

static int
sound(const char *name, const MDB_val *k, const MDB_val *v, char *why,
    size_t len)
{
	struct consent_rec c;
	struct supp_rec s;
	struct history_rec h;
	struct bounce_rec b;
	const char *nul;
	size_t an;

	if (strcmp(name, "consent") == 0) {
		nul = memchr(k->mv_data, '\0', k->mv_size);
		if (nul == NULL || nul == k->mv_data ||
		    (an = (size_t)(nul - (const char *)k->mv_data)) + 1 >=
		    k->mv_size || !addr_key(k->mv_data, an) ||
		    !list_key(nul + 1, k->mv_size - an - 1) ||
		    decode_consent(v, &c) < 0)
			goto bad;
	} else if (strcmp(name, "suppression") == 0) {
		if (!addr_key(k->mv_data, k->mv_size) ||
		    decode_supp(v, &s) < 0)
			goto bad;
	} else if (strcmp(name, "history") == 0) {
		if (decode_history(k, v, &h) < 0)
			goto bad;
	} else if (strcmp(name, "bounce") == 0) {
		if (!addr_key(k->mv_data, k->mv_size) ||
		    store_bounce_decode(v, &b) < 0)
			goto bad;
	}
	return (0);
bad:
	(void)snprintf(why, len, "a damaged %s record", name);
	return (-1);
}

/*
 * sum - the records of every named database of TXN into OUT; *HAVE and
 * HAD get the sum the file carries, when it does. 0, or -1 with WHY.
 */
static int
sum(MDB_txn *txn, unsigned char out[SUM_LEN], int *have,
    unsigned char had[SUM_LEN], char *why, size_t len)
{
	crypto_generichash_state h;
	MDB_cursor *mc, *c;
	MDB_val mk, mv, k, v;
	MDB_dbi main, dbi;
	char name[65];
	int rc, rc2;

	*have = 0;
	(void)crypto_generichash_init(&h, NULL, 0, SUM_LEN);
	if ((rc = mdb_dbi_open(txn, NULL, 0, &main)) != 0 ||
	    (rc = mdb_cursor_open(txn, main, &mc)) != 0) {
		(void)snprintf(why, len, "%s", mdb_strerror(rc));
		return (-1);
	}
	for (rc = mdb_cursor_get(mc, &mk, &mv, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(mc, &mk, &mv, MDB_NEXT)) {
		if (mk.mv_size == 0 || mk.mv_size >= sizeof(name) ||
		    memchr(mk.mv_data, '\0', mk.mv_size) != NULL) {
			(void)snprintf(why, len, "a damaged database name");
			goto fail;
		}
		memcpy(name, mk.mv_data, mk.mv_size);
		name[mk.mv_size] = '\0';
		if ((rc2 = mdb_dbi_open(txn, name, 0, &dbi)) == MDB_INCOMPATIBLE)
			continue;	/* a plain key: restore leaves it */
		if (rc2 != 0 || (rc2 = mdb_cursor_open(txn, dbi, &c)) != 0) {
			(void)snprintf(why, len, "database %s: %s", name,
			    mdb_strerror(rc2));
			goto fail;
		}
		for (rc2 = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc2 == 0;
		    rc2 = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (strcmp(name, "meta") == 0 &&
			    k.mv_size == SUM_KEYLEN &&
			    memcmp(k.mv_data, SUM_KEY, SUM_KEYLEN) == 0) {
				if (v.mv_size != 2 * SUM_LEN ||
				    sodium_hex2bin(had, SUM_LEN, v.mv_data,
				    v.mv_size, NULL, NULL, NULL) != 0) {
					(void)snprintf(why, len, "a damaged "
					    "backup sum");
					break;
				}
				*have = 1;
				continue;
			}
			if (sound(name, &k, &v, why, len) < 0)
				break;
			hash_part(&h, name, strlen(name));
			hash_part(&h, k.mv_data, k.mv_size);
			hash_part(&h, v.mv_data, v.mv_size);
		}
		mdb_cursor_close(c);
		if (rc2 == 0)
			goto fail;		/* WHY says which record */
		if (rc2 != MDB_NOTFOUND) {
			(void)snprintf(why, len, "database %s: %s", name,
			    mdb_strerror(rc2));
			goto fail;
		}
	}
	mdb_cursor_close(mc);
	if (rc != MDB_NOTFOUND) {
		(void)snprintf(why, len, "%s", mdb_strerror(rc));
		return (-1);
	}
	(void)crypto_generichash_final(&h, out, SUM_LEN);
	return (0);
fail:
	mdb_cursor_close(mc);
	return (-1);
}

int
store_bak_env(const char *file, size_t size, unsigned flags, MDB_env **env,
    MDB_txn **txn)
{
	int rc;

	*txn = NULL;
	if ((rc = mdb_env_create(env)) != 0)
		return (rc);
	if ((rc = mdb_env_set_maxdbs(*env, 16)) != 0 ||
	    (size > 0 && (rc = mdb_env_set_mapsize(*env, size)) != 0) ||
	    (rc = mdb_env_open(*env, file, MDB_NOSUBDIR | MDB_NOLOCK | flags,
	    0600)) != 0 ||
	    (rc = mdb_txn_begin(*env, NULL, flags & MDB_RDONLY, txn)) != 0) {
		mdb_env_close(*env);
		*env = NULL;
	}
	return (rc);
}

int
store_bak_seal(const char *tmp, size_t size, char *err, size_t errlen)
{
	unsigned char s[SUM_LEN], had[SUM_LEN];
	char hex[2 * SUM_LEN + 1], why[256];
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi meta;
	MDB_val k, v;
	int rc, have;

	if ((rc = store_bak_env(tmp, size + 16 * 1024 * 1024, 0, &env, &txn)) !=
	    0) {
		(void)snprintf(err, errlen, "%s", mdb_strerror(rc));
		return (-1);
	}
	if (sum(txn, s, &have, had, why, sizeof(why)) < 0) {
		(void)snprintf(err, errlen, "%s", why);
		rc = -1;
		goto abort;
	}
	(void)sodium_bin2hex(hex, sizeof(hex), s, sizeof(s));
	k.mv_data = SUM_KEY;
	k.mv_size = SUM_KEYLEN;
	v.mv_data = hex;
	v.mv_size = 2 * SUM_LEN;
	if ((rc = mdb_dbi_open(txn, "meta", 0, &meta)) != 0 ||
	    (rc = mdb_put(txn, meta, &k, &v, 0)) != 0) {
		(void)snprintf(err, errlen, "%s", mdb_strerror(rc));
		goto abort;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		(void)snprintf(err, errlen, "%s", mdb_strerror(rc));
	mdb_env_close(env);
	return (rc != 0 ? -1 : 0);
abort:
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return (-1);
}

/* check - the child's work: 0 sound, 1 not (WHY written to FD) */
static int
check(const char *file, int fd)
{
	unsigned char s[SUM_LEN], had[SUM_LEN];
	char why[256];
	MDB_env *env;
	MDB_txn *txn;
	int rc, have;

	why[0] = '\0';
	if ((rc = store_bak_env(file, 0, MDB_RDONLY, &env, &txn)) != 0)
		(void)snprintf(why, sizeof(why), "%s", mdb_strerror(rc));
	else {
		if (sum(txn, s, &have, had, why, sizeof(why)) == 0 && have &&
		    sodium_memcmp(s, had, SUM_LEN) != 0)
			(void)snprintf(why, sizeof(why), "its records do not "
			    "match the sum it was made with");
		mdb_txn_abort(txn);
		mdb_env_close(env);
	}
	if (why[0] == '\0')
		return (0);
	if (write(fd, why, strlen(why)) < 0)
		return (2);
	return (1);
}

int
store_bak_verify(const char *file, char *err, size_t errlen)
{
	struct sigaction dfl, old;
	char why[256];
	ssize_t n;
	size_t got = 0;
	pid_t pid;
	int p[2], status;

	if (pipe(p) < 0) {
		(void)snprintf(err, errlen, "pipe: %s", strerror(errno));
		return (-1);
	}
	/* a SIGCHLD ignored (inherited so) would reap the child for us */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	(void)sigemptyset(&dfl.sa_mask);
	(void)sigaction(SIGCHLD, &dfl, &old);
	if ((pid = fork()) < 0) {
		(void)snprintf(err, errlen, "fork: %s", strerror(errno));
		(void)sigaction(SIGCHLD, &old, NULL);
		(void)close(p[0]);
		(void)close(p[1]);
		return (-1);
	}
	if (pid == 0) {
		(void)close(p[0]);
		_exit(check(file, p[1]));
	}
	(void)close(p[1]);
	while (got < sizeof(why) - 1 &&
	    ((n = read(p[0], why + got, sizeof(why) - 1 - got)) > 0 ||
	    (n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	why[got] = '\0';
	(void)close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			(void)snprintf(err, errlen, "waitpid: %s",
			    strerror(errno));
			(void)sigaction(SIGCHLD, &old, NULL);
			return (-1);
		}
	(void)sigaction(SIGCHLD, &old, NULL);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (0);
	if (WIFSIGNALED(status))
		(void)snprintf(err, errlen, "damaged: reading it failed "
		    "(signal %d)", WTERMSIG(status));
	else
		(void)snprintf(err, errlen, "damaged: %s", got > 0 ? why :
		    "the check failed");
	return (-1);
}
