/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decide.h - the decision table of DESIGN.md section 4
 *
 * SYNOPSIS
 *	struct decision d;
 *	if (decide(tx, list, "bob+news@example.org", "+", time(NULL), &d) < 0)
 *		... database error: store_txn_error(tx)
 *	d.verdict == VERDICT_DELIVER, or VERDICT_DENY with decision_reason(&d)
 *
 * DESCRIPTION
 *	Pure: reads the store through the given read transaction and
 *	nothing else, so that it runs without a socket (tests, benchmarks,
 *	optinctl check).
 */
#ifndef OPTIN_DECIDE_H
#define OPTIN_DECIDE_H

#include <stdint.h>

#include "conf.h"
#include "store.h"

enum verdict { VERDICT_DELIVER = 1, VERDICT_DENY };

enum reason {
	REASON_NONE = 0,	/* delivered */
	REASON_NO_CONSENT,
	REASON_OPTED_OUT,
	REASON_PENDING,
	REASON_EXPIRED,
	REASON_SUPPRESSED,	/* supp says why */
};

struct decision {
	enum verdict verdict;
	enum reason reason;
	int	supp;		/* enum supp_reason with REASON_SUPPRESSED */
	int	basis;		/* what allowed delivery: a consent status, or 0 */
};

/*
 * decide - the verdict for normalised address ADDR on LIST at time NOW,
 * with recipient delimiters DELIMS (may be NULL). Returns 0, -1 on a
 * database error (reason in store_txn_error()).
 */
int	decide(struct store_txn *, const struct conf_list *, const char *addr,
	    const char *delims, int64_t now, struct decision *)
	    __attribute__((warn_unused_result));

/* decision_reason - "no-consent", "suppressed:bounce", "" for deliver */
const char *decision_reason(const struct decision *, char *buf, size_t len);

#endif
