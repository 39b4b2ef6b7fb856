/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gate.c - every libmilter callback through one gate
 *
 * SYNOPSIS
 *	#include "milter.h"
 *
 *	smfi_register(*gate_desc(&filter_desc));
 *	...smfi_main() returned...
 *	gate_close();
 *	if (gate_wait(10) == 0) ...free the store and the configuration...
 *
 * DESCRIPTION
 *	libmilter runs callbacks on detached threads and, once it stops
 *	(smfi_main() returns), neither waits for them nor lets the
 *	sessions under way finish. The gate counts the callbacks that run
 *	and the sessions that are open. After gate_close() a callback that
 *	begins does nothing of ours (it answers tempfail, a close just
 *	returns), so that once gate_wait() has seen the running ones end,
 *	nothing can touch what main() frees. A step the MTA was told gets
 *	no reply (connect, a header, the end of the header) gets none from
 *	a closed gate either: libmilter would hold such an answer back, yet
 *	take it as the end of the message, and then drop the end of the
 *	message unanswered. The tempfail comes at the end of the message.
 */
#include "config.h"

#include <pthread.h>
#include <time.h>

#include "milter.h"
#include "mono.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static int running, sessions, closed;
static const struct smfiDesc *inner;
static struct smfiDesc outer;

/* enter - 1 when the callback may run (and is counted), 0 when closed */
static int
enter(void)
{
	int ok;

	(void)pthread_mutex_lock(&lock);
	ok = !closed;
	if (ok)
		running++;
	(void)pthread_mutex_unlock(&lock);
	return (ok);
}

/* leave - the callback ended; SESSION: +1 a session began, -1 ended */
static void
leave(int session)
{
	(void)pthread_mutex_lock(&lock);
	sessions += session;
	if (--running == 0)
		(void)pthread_cond_broadcast(&idle);
	(void)pthread_mutex_unlock(&lock);
}

static sfsistat
g_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	sfsistat r;

	if (!enter())
		return (SMFIS_REJECT);
	r = inner->xxfi_negotiate(ctx, f0, f1, f2, f3, pf0, pf1, pf2, pf3);
	leave(1);
	return (r);
}

/* closed_answer - a closed gate's answer to STEP */
static sfsistat
closed_answer(SMFICTX *ctx, enum gate_step step)
{
	return (filter_noreply(ctx, step) ? SMFIS_NOREPLY : SMFIS_TEMPFAIL);
}

static sfsistat
g_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	sfsistat r;

	if (!enter())
		return (closed_answer(ctx, GATE_CONNECT));
	r = inner->xxfi_connect(ctx, host, sa);
	leave(inner->xxfi_negotiate == NULL ? 1 : 0);
	return (r);
}

/* one argument pattern for the rest */
#define GATE1(name, field, T)						\
static sfsistat								\
name(SMFICTX *ctx, T a)							\
{									\
	sfsistat r;							\
									\
	if (!enter())							\
		return (SMFIS_TEMPFAIL);				\
	r = inner->field(ctx, a);					\
	leave(0);							\
	return (r);							\
}
#define GATE0(name, field, closed_rc, session)				\
static sfsistat								\
name(SMFICTX *ctx)							\
{									\
	sfsistat r;							\
									\
	if (!enter())							\
		return (closed_rc);					\
	r = inner->field(ctx);						\
	leave(session);							\
	return (r);							\
}

GATE1(g_helo, xxfi_helo, char *)
GATE1(g_envfrom, xxfi_envfrom, char **)
GATE1(g_envrcpt, xxfi_envrcpt, char **)
GATE1(g_unknown, xxfi_unknown, const char *)
GATE0(g_eom, xxfi_eom, SMFIS_TEMPFAIL, 0)
GATE0(g_data, xxfi_data, SMFIS_TEMPFAIL, 0)
GATE0(g_abort, xxfi_abort, SMFIS_CONTINUE, 0)
GATE0(g_close, xxfi_close, SMFIS_CONTINUE, -1)

static sfsistat
g_header(SMFICTX *ctx, char *name, char *value)
{
	sfsistat r;

	if (!enter())
		return (closed_answer(ctx, GATE_HEADER));
	r = inner->xxfi_header(ctx, name, value);
	leave(0);
	return (r);
}

static sfsistat
g_eoh(SMFICTX *ctx)
{
	sfsistat r;

	if (!enter())
		return (closed_answer(ctx, GATE_EOH));
	r = inner->xxfi_eoh(ctx);
	leave(0);
	return (r);
}

static sfsistat
g_body(SMFICTX *ctx, unsigned char *p, size_t len)
{
	sfsistat r;

	if (!enter())
		return (SMFIS_TEMPFAIL);
	r = inner->xxfi_body(ctx, p, len);
	leave(0);
	return (r);
}

struct smfiDesc *
gate_desc(const struct smfiDesc *d)
{
	inner = d;
	outer = *d;
#define SET(field, fn) outer.field = d->field != NULL ? fn : NULL
	SET(xxfi_negotiate, g_negotiate);
	SET(xxfi_connect, g_connect);
	SET(xxfi_helo, g_helo);
	SET(xxfi_envfrom, g_envfrom);
	SET(xxfi_envrcpt, g_envrcpt);
	SET(xxfi_header, g_header);
	SET(xxfi_eoh, g_eoh);
	SET(xxfi_body, g_body);
	SET(xxfi_eom, g_eom);
	SET(xxfi_abort, g_abort);
	SET(xxfi_close, g_close);
	SET(xxfi_unknown, g_unknown);
	SET(xxfi_data, g_data);
#undef SET
	return (&outer);
}

void
gate_close(void)
{
	(void)pthread_mutex_lock(&lock);
	closed = 1;
	(void)pthread_mutex_unlock(&lock);
}

int
gate_wait(int seconds, int *open)
{
	struct timespec until;
	int left;

	mono_after(&until, seconds * 1000000000LL);
	(void)pthread_mutex_lock(&lock);
	while (running > 0 && mono_wait(&idle, &lock, &until) == 0)
		;
	left = running;
	if (open != NULL)
		*open = sessions;
	(void)pthread_mutex_unlock(&lock);
	return (left);
}
