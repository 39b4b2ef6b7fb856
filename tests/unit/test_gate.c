/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_gate - milter/gate.c without libmilter: callbacks pass through
 * while open; once closed, none of ours runs, and a step the MTA was
 * told gets no reply gets none (the end of the message says tempfail)
 */
#include "config.h"

#include "testutil.h"

#include "milter.h"

static int calls;
static int nr[3];		/* filter_noreply() by step, set per test */

/* the filter's side, as filter.c answers it */
int
filter_noreply(SMFICTX *ctx, enum gate_step step)
{
	(void)ctx;
	return (nr[step]);
}

static sfsistat
in_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx; (void)f0; (void)f1; (void)f2; (void)f3;
	*pf0 = *pf1 = *pf2 = *pf3 = 0;
	calls++;
	return (SMFIS_CONTINUE);
}

static sfsistat
in_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)ctx; (void)host; (void)sa;
	calls++;
	return (SMFIS_NOREPLY);
}

static sfsistat
in_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx; (void)name; (void)value;
	calls++;
	return (SMFIS_NOREPLY);
}

static sfsistat
in_step(SMFICTX *ctx)
{
	(void)ctx;
	calls++;
	return (SMFIS_CONTINUE);
}

static sfsistat
in_eoh(SMFICTX *ctx)
{
	(void)ctx;
	calls++;
	return (SMFIS_NOREPLY);
}

static struct smfiDesc inner = {
	.xxfi_name = "inner",
	.xxfi_version = SMFI_VERSION,
	.xxfi_negotiate = in_negotiate,
	.xxfi_connect = in_connect,
	.xxfi_header = in_header,
	.xxfi_eoh = in_eoh,
	.xxfi_eom = in_step,
	.xxfi_abort = in_step,
	.xxfi_close = in_step,
};

static struct smfiDesc *outer;
static SMFICTX *ctx = (SMFICTX *)&calls;	/* never looked into */

static sfsistat
negotiate(void)
{
	unsigned long a, b, c, d;

	return (outer->xxfi_negotiate(ctx, 0, 0, 0, 0, &a, &b, &c, &d));
}

/* open: every callback reaches the filter and returns what it returned */
static void
test_open(void **state)
{
	int open = -1;

	(void)state;
	outer = gate_desc(&inner);
	calls = 0;
	assert_int_equal(negotiate(), SMFIS_CONTINUE);
	assert_int_equal(outer->xxfi_connect(ctx, "h", NULL), SMFIS_NOREPLY);
	assert_int_equal(outer->xxfi_header(ctx, "a", "b"), SMFIS_NOREPLY);
	assert_int_equal(outer->xxfi_eoh(ctx), SMFIS_NOREPLY);
	assert_int_equal(outer->xxfi_eom(ctx), SMFIS_CONTINUE);
	assert_int_equal(calls, 5);
	/* one session open, no callback running */
	assert_int_equal(gate_wait(0, &open), 0);
	assert_int_equal(open, 1);
	assert_int_equal(outer->xxfi_close(ctx), SMFIS_CONTINUE);
	assert_int_equal(gate_wait(0, &open), 0);
	assert_int_equal(open, 0);
	/* what the filter does not have, the gate does not offer */
	assert_null(outer->xxfi_body);
	assert_null(outer->xxfi_helo);
}

/* closed: nothing of the filter runs; no reply where none is expected */
static void
test_closed(void **state)
{
	(void)state;
	gate_close();
	calls = 0;
	nr[GATE_CONNECT] = nr[GATE_HEADER] = nr[GATE_EOH] = 1;
	assert_int_equal(outer->xxfi_connect(ctx, "h", NULL), SMFIS_NOREPLY);
	assert_int_equal(outer->xxfi_header(ctx, "a", "b"), SMFIS_NOREPLY);
	assert_int_equal(outer->xxfi_eoh(ctx), SMFIS_NOREPLY);
	assert_int_equal(outer->xxfi_eom(ctx), SMFIS_TEMPFAIL);
	/* a connection whose MTA wants those replies gets tempfail there */
	nr[GATE_CONNECT] = nr[GATE_HEADER] = nr[GATE_EOH] = 0;
	assert_int_equal(outer->xxfi_connect(ctx, "h", NULL), SMFIS_TEMPFAIL);
	assert_int_equal(outer->xxfi_header(ctx, "a", "b"), SMFIS_TEMPFAIL);
	assert_int_equal(outer->xxfi_eoh(ctx), SMFIS_TEMPFAIL);
	/* each step on its own */
	nr[GATE_HEADER] = 1;
	assert_int_equal(outer->xxfi_connect(ctx, "h", NULL), SMFIS_TEMPFAIL);
	assert_int_equal(outer->xxfi_header(ctx, "a", "b"), SMFIS_NOREPLY);
	assert_int_equal(outer->xxfi_eoh(ctx), SMFIS_TEMPFAIL);
	/* a new session is refused, an abort and a close just return */
	assert_int_equal(negotiate(), SMFIS_REJECT);
	assert_int_equal(outer->xxfi_abort(ctx), SMFIS_CONTINUE);
	assert_int_equal(outer->xxfi_close(ctx), SMFIS_CONTINUE);
	assert_int_equal(calls, 0);
	assert_int_equal(gate_wait(0, NULL), 0);
}

int
main(void)
{
	/* in this order: the gate does not open again */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_closed),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
