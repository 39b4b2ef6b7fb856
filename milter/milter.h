/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * milter.h - optin-milter's glue between libmilter and policy/
 */
#ifndef OPTIN_MILTER_H
#define OPTIN_MILTER_H

#include <libmilter/mfapi.h>

#include "conf.h"
#include "daemon.h"
#include "msg.h"
#include "store.h"
#include "token.h"

/* runtime_get - the current runtime, referenced; STORE set (may be NULL) */
struct runtime *runtime_get(struct store **store);
void	runtime_put(struct runtime *);

/* gate.c: every callback counted; none of ours runs after gate_close() */
struct smfiDesc *gate_desc(const struct smfiDesc *);
/*
 * filter_noreply - 1 when the MTA was told that STEP of this connection
 * gets no reply (filter.c); the gate, closed, must not answer it either
 */
enum gate_step { GATE_CONNECT, GATE_HEADER, GATE_EOH };
int	filter_noreply(SMFICTX *, enum gate_step);
void	gate_close(void);
/* gate_wait - up to SECONDS for running callbacks; how many still run */
int	gate_wait(int seconds, int *open_sessions);

#define mlog dlog

extern struct smfiDesc filter_desc;

#endif
