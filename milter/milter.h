/*
 * milter.h - optin-milter's glue between libmilter and policy/
 */
#ifndef OPTIN_MILTER_H
#define OPTIN_MILTER_H

#include <libmilter/mfapi.h>

#include "conf.h"
#include "msg.h"
#include "store.h"
#include "token.h"

/* the configuration in force: shared read-only, swapped on reload */
struct runtime {
	struct conf *conf;
	struct token_keys *keys;
	int	refs;
};

/* runtime_get - the current runtime, referenced; STORE set (may be NULL) */
struct runtime *runtime_get(struct store **store);
void	runtime_put(struct runtime *);

void	mlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

extern struct smfiDesc filter_desc;

#endif
