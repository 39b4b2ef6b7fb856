/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * commit.h - group commit: the writes waiting at the same moment share
 * one durable transaction
 */
#ifndef OPTIN_COMMIT_H
#define OPTIN_COMMIT_H

#include <stddef.h>

#include "store.h"

/*
 * commit_write - run FN(txn, ARG) in a durable write transaction shared
 * with the other calls waiting at the same moment, and return once that
 * transaction is committed (synced): 0, or -1 with ERR set when FN's
 * change was not recorded. FN returns 0 or -1 (a database error); it may
 * run twice (once in the group, once alone after the group failed), so it
 * must not keep state between runs. Safe from any number of threads.
 */
int	commit_write(struct store *, store_write_fn fn, void *arg, char *err,
	    size_t errlen) __attribute__((warn_unused_result));

/* commit_unsub_list - unsub_list_write() through commit_write() */
int	commit_unsub_list(struct store *, const char *addr, const char *list,
	    const char *delims, const struct change *, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

#endif
