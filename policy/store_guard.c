/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_guard.c - a file cut short during a transaction is an error,
 * not a SIGBUS
 *
 * SYNOPSIS
 *	#include "store_priv.h"
 *
 *	store_guard_attach(st);		(after the map is made or moved)
 *	store_guard_detach(st);		(before it is unmapped)
 *	if (store_guard_hit(st)) ...	(a page of the map was past the end)
 *
 * DESCRIPTION
 *	Before every transaction the store checks data.mdb without touching
 *	the map (store_check.c). What is left is a file cut short while a
 *	transaction runs: reading a mapped page past the new end of the file
 *	raises SIGBUS. A handler for SIGBUS looks up the faulting address in
 *	the maps of the open stores (found in /proc/self/maps by the inode
 *	of data.mdb, since LMDB does not give the map's address); when it
 *	is one of them, it puts an anonymous page over the missing one
 *	(mmap MAP_FIXED) holding an empty leaf, and returns, so that the
 *	read completes and LMDB's cursor finds nothing there. Every read
 *	function of the store then sees the fault (store_guard_fault())
 *	and fails instead of answering from the made-up page; the store
 *	closes the environment (unmapping the page with it) and opens the
 *	file again once it is good. A write transaction is helped until
 *	its commit: store_write() aborts it when a page was made up. A
 *	fault during the commit itself (which must never copy a made-up
 *	page into the file) gets the handler that was there before, or the
 *	default, as does a SIGBUS at any other address.
 *
 *	The handler reads only a fixed table of addresses written with
 *	plain stores; it calls mmap(2) and sigaction(2) only.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_priv.h"

#define SLOTS	16

static struct {
	volatile uintptr_t base;
	volatile uintptr_t len;
	volatile sig_atomic_t used;
	volatile sig_atomic_t hit;
} slots[SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction before;
static uintptr_t pagesize;

__thread volatile sig_atomic_t store_guard_writing;

/*
 * empty_leaf - an LMDB leaf page without entries (pgno, pad, flags
 * P_LEAF, lower = header size, upper = page size): a cursor that steps
 * onto it finds nothing and asserts nothing; the store's read functions
 * turn the fault into an error before any result is used
 */
static void
empty_leaf(unsigned char *p)
{
	uint16_t flags = 0x02, lower = (uint16_t)(sizeof(size_t) + 8),
	    upper = (uint16_t)(pagesize > 0xffff ? 0xffff : pagesize);

	memcpy(p + sizeof(size_t) + 2, &flags, 2);
	memcpy(p + sizeof(size_t) + 4, &lower, 2);
	memcpy(p + sizeof(size_t) + 6, &upper, 2);
}

static void
on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, page;
	int i;

	for (i = 0; i < SLOTS; i++) {
		uintptr_t b = slots[i].base, l = slots[i].len;

		if (l == 0 || a < b || a - b >= l)
			continue;
		if (store_guard_writing)
			break;		/* a commit must not see made-up pages */
		page = a & ~(pagesize - 1);
		if (mmap((void *)page, (size_t)pagesize, PROT_READ | PROT_WRITE,
		    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
		    MAP_FAILED)
			break;
		empty_leaf((unsigned char *)page);
		(void)mprotect((void *)page, (size_t)pagesize, PROT_READ);
		slots[i].hit = 1;
		return;
	}
	/* not ours: what was there before (the default ends the process) */
	if (before.sa_flags & SA_SIGINFO && before.sa_sigaction != NULL) {
		before.sa_sigaction(sig, si, uc);
		return;
	}
	(void)sigaction(SIGBUS, &before, NULL);
}

/*
 * install - our handler for SIGBUS, keeping the one found as BEFORE;
 * again whenever someone else put theirs in place since
 */
static void
install(void)
{
	struct sigaction sa, cur;

	if (pagesize == 0)
		pagesize = (uintptr_t)sysconf(_SC_PAGESIZE);
	if (sigaction(SIGBUS, NULL, &cur) == 0 &&
	    (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_sigbus)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGBUS, &sa, &before);
}

/*
 * find_map - where data.mdb (DEV, INO) is mapped in this process, from
 * /proc/self/maps (LMDB does not say); 0, or -1 when it is not found
 */
static int
find_map(dev_t dev, ino_t ino, uintptr_t *base, uintptr_t *len)
{
	char line[4400];
	unsigned long long start, end, off, inode;
	unsigned maj, mnr;
	FILE *fp;
	int found = -1;

	if ((fp = fopen("/proc/self/maps", "re")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%llx-%llx %*s %llx %x:%x %llu", &start, &end,
		    &off, &maj, &mnr, &inode) != 6)
			continue;
		if (inode == (unsigned long long)ino && off == 0 &&
		    maj == major(dev) && mnr == minor(dev)) {
			*base = (uintptr_t)start;
			*len = (uintptr_t)(end - start);
			found = 0;
			break;
		}
	}
	(void)fclose(fp);
	return (found);
}

void
store_guard_attach(struct store *st)
{
	uintptr_t base, len;
	int i;

	if (st->env == NULL || find_map(st->dev, st->ino, &base, &len) < 0)
		return;
	(void)pthread_mutex_lock(&slots_lock);
	install();
	if (st->guard < 0) {
		for (i = 0; i < SLOTS; i++)
			if (!slots[i].used) {
				slots[i].used = 1;
				st->guard = i;
				break;
			}
	}
	if (st->guard >= 0) {
		slots[st->guard].len = 0;
		slots[st->guard].base = base;
		slots[st->guard].len = len;
	}
	(void)pthread_mutex_unlock(&slots_lock);
}

void
store_guard_detach(struct store *st)
{
	if (st->guard < 0)
		return;
	(void)pthread_mutex_lock(&slots_lock);
	slots[st->guard].len = 0;
	slots[st->guard].base = 0;
	/* the made-up pages go with the map: a new map starts clean */
	slots[st->guard].hit = 0;
	(void)pthread_mutex_unlock(&slots_lock);
}

void
store_guard_release(struct store *st)
{
	if (st->guard < 0)
		return;
	store_guard_detach(st);
	(void)pthread_mutex_lock(&slots_lock);
	slots[st->guard].hit = 0;
	slots[st->guard].used = 0;
	(void)pthread_mutex_unlock(&slots_lock);
	st->guard = -1;
}

int
store_guard_fault(struct store_txn *tx)
{
	struct store *st = tx->st;

	if (st->guard < 0 || !slots[st->guard].hit)
		return (0);
	(void)store_txerr(tx, "data.mdb was cut short while this transaction "
	    "read it");
	return (1);
}

int
store_guard_hit(struct store *st)
{
	return (st->guard >= 0 && slots[st->guard].hit);
}
