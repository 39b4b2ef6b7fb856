/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_store_damage - a damaged, replaced or removed data.mdb under an
 * open store: transactions fail with the reason instead of a SIGBUS,
 * writes land in the file at the path, and the store recovers by itself
 * once the file is good again; a full reader table of a dead process is
 * cleared
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "testutil.h"

#include "model.h"
#include "store.h"

static int
put_one(struct store_txn *tx, void *arg)
{
	struct consent_rec r;
	struct change ch = { ACTOR_CLI, "unit", "", 0 };

	memset(&r, 0, sizeof(r));
	r.status = STATUS_OPT_OUT;
	return (store_put_consent(tx, arg, "news", &r, &ch));
}

/* put - ADDR opted out of news */
static int
put(struct store *st, const char *addr, char *err, size_t errlen)
{
	return (store_write(st, put_one, (void *)(uintptr_t)addr, err, errlen));
}

/* has - 1 when ADDR has a consent record, 0 not, -1 the store failed */
static int
has(struct store *st, const char *addr, char *err, size_t errlen)
{
	struct store_txn *tx;
	struct consent_rec r;
	int rc;

	if (store_read_begin(st, &tx, err, errlen) < 0) {
		print_message("has %s: %s\n", addr, err);
		return (-1);
	}
	rc = store_get_consent(tx, addr, "news", &r);
	if (rc < 0)
		(void)snprintf(err, errlen, "%s", store_txn_error(tx));
	store_read_end(tx);
	return (rc);
}

/* slurp - the bytes of PATH (malloc'd) */
static char *
slurp(const char *path, size_t *len)
{
	struct stat sb;
	char *buf;
	int fd;

	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_non_null(buf = malloc((size_t)sb.st_size));
	assert_int_equal(read(fd, buf, (size_t)sb.st_size), sb.st_size);
	(void)close(fd);
	*len = (size_t)sb.st_size;
	return (buf);
}

/* spit - write LEN bytes to PATH in place (same inode) */
static void
spit(const char *path, const char *buf, size_t len)
{
	int fd;

	assert_true((fd = open(path, O_WRONLY | O_TRUNC)) >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	(void)close(fd);
}

struct events {
	int	bad, good;
	char	last[512];
};

static void
on_event(void *arg, int bad, const char *text)
{
	struct events *e = arg;

	if (bad)
		e->bad++;
	else
		e->good++;
	(void)snprintf(e->last, sizeof(e->last), "%s", text);
}

static void
test_truncated(void **state)
{
	struct store *st;
	struct events ev = { 0, 0, "" };
	char err[512], *dir, path[4200], *saved;
	size_t len;
	off_t sizes[] = { 8192, 0, 4096 * 5 };
	size_t i;
	int n;

	(void)state;
	dir = tu_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	store_close(st);
	assert_int_equal(store_open(dir, 1 << 20, STORE_LAZY, &st, err,
	    sizeof(err)), 0);
	store_set_notify(st, on_event, &ev);
	/* enough records for a file of a few dozen pages */
	for (n = 0; n < 300; n++) {
		char a[64];

		(void)snprintf(a, sizeof(a), "user%04d@example.org", n);
		assert_int_equal(put(st, a, err, sizeof(err)), 0);
	}
	assert_int_equal(has(st, "user0001@example.org", err, sizeof(err)), 1);
	saved = slurp(path, &len);
	assert_true(len > 4096 * 8);

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		/* truncated under the open store: an error, not a SIGBUS */
		assert_int_equal(truncate(path, sizes[i]), 0);
		assert_int_equal(has(st, "user0001@example.org", err,
		    sizeof(err)), -1);
		assert_true(strstr(err, "truncated") != NULL ||
		    strstr(err, "too short") != NULL ||
		    strstr(err, "shrank") != NULL);
		assert_int_equal(put(st, "new@example.org", err, sizeof(err)),
		    -1);
		assert_int_equal(store_check(st, err, sizeof(err)), -1);
		assert_true(ev.bad > 0);
		/* put back: the store opens it again by itself */
		spit(path, saved, len);
		(void)sleep(1);
		if (has(st, "user0001@example.org", err, sizeof(err)) != 1)
			fail_msg("not recovered after truncation to %lld: %s",
			    (long long)sizes[i], err);
		assert_int_equal(store_check(st, err, sizeof(err)), 0);
		assert_non_null(strstr(ev.last, "open"));
	}
	store_close(st);
	free(saved);
	tu_rmrf(dir);
	free(dir);
}

struct swap {
	const char *from, *to;
	int	runs;
};

/* put_swapping - the first run replaces data.mdb while it writes */
static int
put_swapping(struct store_txn *tx, void *arg)
{
	struct swap *w = arg;

	if (w->runs++ == 0)
		assert_int_equal(rename(w->from, w->to), 0);
	return (put_one(tx, "during@example.org"));
}

static void
test_replaced(void **state)
{
	struct store *st, *other;
	char err[512], *dir, *dir2, path[4200], path2[4200];

	(void)state;
	dir = tu_tmpdir();
	dir2 = tu_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/data.mdb", dir);
	(void)snprintf(path2, sizeof(path2), "%s/data.mdb", dir2);
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(put(st, "old@example.org", err, sizeof(err)), 0);
	/* another database, made elsewhere, with other records */
	assert_int_equal(store_open(dir2, 1 << 20, STORE_CREATE, &other, err,
	    sizeof(err)), 0);
	assert_int_equal(put(other, "restored@example.org", err, sizeof(err)),
	    0);
	store_close(other);

	/* replaced by rename under the open store (as a restore does) */
	assert_int_equal(rename(path2, path), 0);
	/* a write lands in the new file at once, never in the old one */
	if (put(st, "after@example.org", err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(has(st, "restored@example.org", err, sizeof(err)), 1);
	assert_int_equal(has(st, "old@example.org", err, sizeof(err)), 0);
	assert_int_equal(has(st, "after@example.org", err, sizeof(err)), 1);

	/* replaced while a write runs: written again to the new file */
	{
		struct swap w = { path2, path, 0 };

		assert_int_equal(store_open(dir2, 1 << 20, STORE_CREATE,
		    &other, err, sizeof(err)), 0);
		store_close(other);
		assert_int_equal(store_write(st, put_swapping, &w, err,
		    sizeof(err)), 0);
		assert_int_equal(w.runs, 2);
		assert_int_equal(has(st, "during@example.org", err,
		    sizeof(err)), 1);
		assert_int_equal(has(st, "after@example.org", err,
		    sizeof(err)), 0);
	}

	/* removed: writes fail (nothing acknowledged), reads too */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(put(st, "lost@example.org", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no data.mdb"));
	assert_int_equal(has(st, "after@example.org", err, sizeof(err)), -1);
	assert_int_equal(store_check(st, err, sizeof(err)), -1);
	store_close(st);
	tu_rmrf(dir);
	tu_rmrf(dir2);
	free(dir);
	free(dir2);
}

/* hold - a child that takes every reader slot and dies holding them */
static void
readers_of_the_dead(const char *dir)
{
	struct store *st;
	struct store_txn *tx;
	char err[256];
	pid_t pid;
	int status, i;

	if ((pid = fork()) == 0) {
		if (store_open(dir, 1 << 20, 0, &st, err, sizeof(err)) < 0)
			_exit(1);
		for (i = 0; ; i++)
			if (store_read_begin(st, &tx, err, sizeof(err)) < 0)
				break;
		/* every slot is taken now (the last begin waited and gave up) */
		(void)kill(getpid(), SIGKILL);
		_exit(2);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
}

static void
test_readers_full(void **state)
{
	struct store *st;
	char err[512], *dir;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(put(st, "a@example.org", err, sizeof(err)), 0);
	/* the table fills with readers of a dead process while we run */
	readers_of_the_dead(dir);
	assert_int_equal(has(st, "a@example.org", err, sizeof(err)), 1);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

struct midway {
	const char *path;
	int	n;
};

/* cut_midway - cut the file short in the middle of an iteration */
static int
cut_midway(void *arg, const char *addr, const char *list,
    const struct consent_rec *r)
{
	struct midway *m = arg;

	(void)addr;
	(void)list;
	(void)r;
	if (m->n++ == 5)
		assert_int_equal(truncate(m->path, 8192), 0);
	return (0);
}

/* cut short while a read transaction runs: an error, not a SIGBUS */
static void
test_cut_during_read(void **state)
{
	struct store *st;
	struct store_txn *tx;
	struct events ev = { 0, 0, "" };
	struct midway m;
	char err[512], *dir, path[4200], *saved;
	size_t len;
	int n, rc;

	(void)state;
	dir = tu_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	store_set_notify(st, on_event, &ev);
	for (n = 0; n < 2000; n++) {
		char a[64];

		(void)snprintf(a, sizeof(a), "user%04d@example.org", n);
		assert_int_equal(put(st, a, err, sizeof(err)), 0);
	}
	saved = slurp(path, &len);
	m.path = path;
	m.n = 0;
	assert_int_equal(store_read_begin(st, &tx, err, sizeof(err)), 0);
	rc = store_each_consent(tx, NULL, cut_midway, &m);
	store_read_end(tx);
	assert_int_equal(rc, -1);
	assert_true(m.n < 2000);
	assert_non_null(strstr(ev.last, "cut short while a transaction"));
	assert_int_equal(has(st, "user0001@example.org", err, sizeof(err)),
	    -1);
	spit(path, saved, len);
	(void)sleep(1);
	assert_int_equal(has(st, "user1999@example.org", err, sizeof(err)), 1);
	store_close(st);
	free(saved);
	tu_rmrf(dir);
	free(dir);
}

/* write_cut - a write that reads, has the file cut under it, and puts */
static int
write_cut(struct store_txn *tx, void *arg)
{
	struct midway *m = arg;

	if (store_each_consent(tx, NULL, cut_midway, m) < 0)
		return (-1);
	return (put_one(tx, "late@example.org"));
}

/* cut short while a write transaction reads: aborted, not a SIGBUS */
static void
test_cut_during_write(void **state)
{
	struct store *st;
	struct midway m;
	char err[512], *dir, path[4200], *saved;
	size_t len;
	int n;

	(void)state;
	dir = tu_tmpdir();
	(void)snprintf(path, sizeof(path), "%s/data.mdb", dir);
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	for (n = 0; n < 2000; n++) {
		char a[64];

		(void)snprintf(a, sizeof(a), "user%04d@example.org", n);
		assert_int_equal(put(st, a, err, sizeof(err)), 0);
	}
	saved = slurp(path, &len);
	m.path = path;
	m.n = 0;
	assert_int_equal(store_write(st, write_cut, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cut short"));
	spit(path, saved, len);
	(void)sleep(1);
	assert_int_equal(has(st, "user1999@example.org", err, sizeof(err)), 1);
	/* nothing of the aborted write reached the file */
	assert_int_equal(has(st, "late@example.org", err, sizeof(err)), 0);
	store_close(st);
	free(saved);
	tu_rmrf(dir);
	free(dir);
}

/* one reader slot left behind by a process that died: cleared within
 * ten seconds by the periodic check, without the table being full */
static void
test_stale_reader(void **state)
{
	struct store *st, *child;
	struct store_txn *tx;
	struct events ev = { 0, 0, "" };
	char err[512], *dir;
	pid_t pid;
	int status;

	(void)state;
	dir = tu_tmpdir();
	assert_int_equal(store_open(dir, 1 << 20, STORE_CREATE, &st, err,
	    sizeof(err)), 0);
	assert_int_equal(put(st, "a@example.org", err, sizeof(err)), 0);
	store_set_notify(st, on_event, &ev);
	if ((pid = fork()) == 0) {
		if (store_open(dir, 1 << 20, 0, &child, err, sizeof(err)) < 0 ||
		    store_read_begin(child, &tx, err, sizeof(err)) < 0)
			_exit(1);
		(void)kill(getpid(), SIGKILL);
		_exit(2);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	(void)sleep(11);
	assert_int_equal(has(st, "a@example.org", err, sizeof(err)), 1);
	assert_non_null(strstr(ev.last, "cleared 1 stale reader slot"));
	store_close(st);
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_readers_full),
		cmocka_unit_test(test_stale_reader),
		cmocka_unit_test(test_cut_during_read),
		cmocka_unit_test(test_cut_during_write),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
