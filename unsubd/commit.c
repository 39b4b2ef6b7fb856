/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * commit.c - group commit for optin-unsubd
 *
 * SYNOPSIS
 *	#include "commit.h"
 *
 *	commit_unsub_list(store, addr, list, delims, &change, err, len);
 *
 * DESCRIPTION
 *	Every one-click unsubscribe must be durable before it is answered,
 *	and a durable commit costs a sync: one commit per request caps the
 *	daemon at the disk's syncs per second, however many clients wait.
 *	Here a request queues its change and waits. The first waiting
 *	thread that finds no commit under way becomes the leader: it takes
 *	every change queued so far (for the same store), applies them all
 *	in one write transaction, commits it with one sync, and wakes the
 *	others, whose changes are now durable. Requests that arrive during a
 *	commit queue up for the next one, so the group grows with the load
 *	and one request alone pays a single commit, as before.
 *
 *	The clients of a group send their next requests at about the same
 *	moment, after their answers; the first of them to arrive would
 *	otherwise commit alone while the rest queue behind it. Left alone,
 *	N clients also settle into two groups that take turns, each
 *	committing while the other's clients are being answered: twice the
 *	syncs for the same requests. So when a commit ends, the changes it
 *	held plus those that queued during it tell how many clients are
 *	busy, and the next leader waits until that many are queued, at
 *	most GATHER_US microseconds, before it commits. One client alone
 *	never waits.
 *
 *	When the group's transaction fails, each change of the group is
 *	tried again alone, so that one bad change cannot fail the others;
 *	a change is reported recorded only after a commit that holds it.
 *
 * DIAGNOSTICS
 *	commit_write() returns what store_write() would for the change alone.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commit.h"
#include "mono.h"
#include "unsub.h"

struct job {
	struct store *st;
	store_write_fn fn;
	void	*arg;
	int	done;
	int	rc;
	char	err[256];
	struct job *next;
};

#define GATHER_US	300	/* the longest a leader waits for its group */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;	/* a group done */
static pthread_cond_t arrive = PTHREAD_COND_INITIALIZER; /* a job queued */
static struct job *head, **tail = &head;
static int committing;
static size_t busy;			/* clients seen by the last commit */

/* queued - the jobs queued for store ST; under lock */
static size_t
queued(struct store *st)
{
	struct job *j;
	size_t n = 0;

	for (j = head; j != NULL; j = j->next)
		n += j->st == st;
	return (n);
}

/* gather - wait, at most GATHER_US, until BUSY changes are queued */
static void
gather(struct store *st)
{
	struct timespec until;

	if (queued(st) >= busy)
		return;
	mono_after(&until, GATHER_US * 1000LL);
	while (queued(st) < busy)
		if (mono_wait(&arrive, &lock, &until) == ETIMEDOUT)
			break;
}

/* run_group - apply every job of the list in one transaction */
static int
run_group(struct store_txn *tx, void *arg)
{
	struct job *j;

	for (j = arg; j != NULL; j = j->next)
		if (j->fn(tx, j->arg) != 0)
			return (-1);
	return (0);
}

/* take - unlink the queued jobs for store ST; under lock */
static struct job *
take(struct store *st)
{
	struct job *group = NULL, **gt = &group, **pp, *j;

	tail = &head;
	for (pp = &head; (j = *pp) != NULL; ) {
		if (j->st == st) {
			*pp = j->next;
			j->next = NULL;
			*gt = j;
			gt = &j->next;
		} else {
			pp = &j->next;
			tail = &j->next;
		}
	}
	return (group);
}

/* lead - commit GROUP, then each job alone if that failed; no lock held */
static void
lead(struct job *group)
{
	struct job *j;
	char err[256];

	if (group->next == NULL) {
		group->rc = store_write(group->st, group->fn, group->arg,
		    group->err, sizeof(group->err)) < 0 ? -1 : 0;
		return;
	}
	if (store_write(group->st, run_group, group, err, sizeof(err)) == 0) {
		for (j = group; j != NULL; j = j->next)
			j->rc = 0;
		return;
	}
	for (j = group; j != NULL; j = j->next)
		j->rc = store_write(j->st, j->fn, j->arg, j->err,
		    sizeof(j->err)) < 0 ? -1 : 0;
}

int
commit_write(struct store *st, store_write_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct job me, *group, *j, *next;

#ifdef COMMIT_EACH
	/* bench/unsubd_each: one commit per request, group commit's floor */
	return (store_write(st, fn, arg, err, errlen) < 0 ? -1 : 0);
#endif
	memset(&me, 0, sizeof(me));
	me.st = st;
	me.fn = fn;
	me.arg = arg;
	(void)pthread_mutex_lock(&lock);
	*tail = &me;
	tail = &me.next;
	(void)pthread_cond_signal(&arrive);
	while (!me.done) {
		if (committing) {
			(void)pthread_cond_wait(&cond, &lock);
			continue;
		}
		committing = 1;
		gather(st);
		group = take(st);
		(void)pthread_mutex_unlock(&lock);
		lead(group);
		(void)pthread_mutex_lock(&lock);
		busy = queued(st);	/* arrived during the commit */
		for (j = group; j != NULL; j = next) {
			next = j->next;		/* J may be gone once done */
			j->done = 1;
			busy++;
		}
		committing = 0;
		(void)pthread_cond_broadcast(&cond);
	}
	(void)pthread_mutex_unlock(&lock);
	if (me.rc < 0)
		(void)snprintf(err, errlen, "%s", me.err);
	return (me.rc);
}

struct unsub_job {
	const char *addr, *list, *delims;
	const struct change *ch;
};

static int
do_unsub(struct store_txn *tx, void *arg)
{
	struct unsub_job *u = arg;

	return (unsub_list(tx, u->addr, u->list, u->delims, u->ch));
}

int
commit_unsub_list(struct store *st, const char *addr, const char *list,
    const char *delims, const struct change *ch, char *err, size_t errlen)
{
	struct unsub_job u = { addr, list, delims, ch };

	return (commit_write(st, do_unsub, &u, err, errlen));
}
