/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mailsend.h - hand a message to the local MTA with sendmail(1)
 *
 * SYNOPSIS
 *	if (mail_send("/usr/sbin/sendmail", from, rcpt, msg, len, err,
 *	    sizeof(err)) < 0) ... err says why
 *
 * DESCRIPTION
 *	Runs PATH -i -f FROM -- RCPT with the message on its standard input,
 *	as Postfix's own tools do, and waits (30 seconds at most) for its
 *	exit status: 0 means the MTA took responsibility for the message.
 *	The child starts with default signal dispositions and an empty
 *	signal mask, whatever the caller's threads block or ignore.
 */
#ifndef OPTIN_MAILSEND_H
#define OPTIN_MAILSEND_H

#include <stddef.h>

int	mail_send(const char *path, const char *from, const char *rcpt,
	    const char *msg, size_t len, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

#endif
