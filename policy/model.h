/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * model.h - the data model's vocabulary: consent statuses, suppression
 * reasons, list consent kinds, and the time format of exports.
 *
 * Every name here is part of the contract (DESIGN.md sections 3 and 4):
 * it appears in the CSV files, in optinctl's output and in log lines.
 */
#ifndef OPTIN_MODEL_H
#define OPTIN_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum consent_status {
	STATUS_OPT_IN = 1,	/* express consent */
	STATUS_RELATIONSHIP,	/* implied by a customer relationship */
	STATUS_OPT_OUT,		/* withdrawn; always wins */
	STATUS_PENDING,		/* double opt-in not yet confirmed */
};
#define STATUS_MIN STATUS_OPT_IN
#define STATUS_MAX STATUS_PENDING

enum supp_reason {
	SUPP_UNSUBSCRIBE_ALL = 1,
	SUPP_BOUNCE,
	SUPP_COMPLAINT,
	SUPP_MANUAL,
	SUPP_LEGAL,
};
#define SUPP_MIN SUPP_UNSUBSCRIBE_ALL
#define SUPP_MAX SUPP_LEGAL
#define SUPP_BIT(r) (1u << (r))

enum consent_kind {
	CONSENT_EXPRESS = 1,
	CONSENT_RELATIONSHIP,
	CONSENT_NONE,
};

/* who made a change, recorded in history */
enum actor {
	ACTOR_CLI = 1,
	ACTOR_UNSUBD,
	ACTOR_MILTER,
	ACTOR_IMPORT,
	ACTOR_FEEDBACK,		/* optin-feedback: bounces and complaints */
};

/* name <-> value; *_parse return 0 when the name is unknown */
const char *status_name(int);
int	status_parse(const char *);
const char *supp_name(int);
int	supp_parse(const char *);
const char *consent_kind_name(int);
int	consent_kind_parse(const char *);
const char *actor_name(int);

/*
 * time_format - "YYYY-MM-DDTHH:MM:SSZ" (UTC) into BUF, "" for 0.
 * time_parse - that form, or "YYYY-MM-DD", or "" (0). Returns 0 / -1.
 */
#define TIME_BUFSIZE 32
const char *time_format(int64_t, char *buf, size_t buflen);
int	time_parse(const char *, int64_t *) __attribute__((warn_unused_result));

#endif
