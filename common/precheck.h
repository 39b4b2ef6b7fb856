/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * precheck.h - what -n checks beyond the configuration file's syntax
 */
#ifndef OPTIN_PRECHECK_H
#define OPTIN_PRECHECK_H

#include "conf.h"

#define PRECHECK_SOCKET	0x01	/* the daemon makes a unix socket */
#define PRECHECK_SENDMAIL 0x02	/* the daemon sends confirmations */

/*
 * precheck - what a start would refuse, checked as the start would
 * check it: the user exists, the socket directory exists or can be made
 * (PRECHECK_SOCKET), the user can read and write the database, the
 * secret file can be read (a warning when only the user cannot: a
 * reload reads the descriptor kept from start); with PRECHECK_SENDMAIL,
 * when confirmations can be sent (confirm-from and confirm-url set),
 * that sendmail-path can be run (a warning: the daemon starts without
 * it). Prints each problem to standard error as FILE:LINE: why (FILE:
 * why where no line is to blame) and a missing database as a warning. Returns 0 when a start would succeed, -1 when
 * it would not.
 */
int	precheck(const struct conf *, int flags);

#endif
