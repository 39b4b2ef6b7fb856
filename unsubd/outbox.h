/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outbox.h - confirmation messages, handed to sendmail(1) by a thread of
 * their own
 *
 * DESCRIPTION
 *	A request that asks for a confirmation queues the message and is
 *	answered at once: the answer does not wait for the MTA, and takes
 *	as long whether a message was sent or not. The queue is bounded
 *	(OUTBOX_MAX); what does not fit is logged and dropped (the pending
 *	record stays, and the person may ask again after confirm-interval).
 *	outbox_stop() sends what is queued, for a few seconds at most.
 */
#ifndef OPTIN_OUTBOX_H
#define OPTIN_OUTBOX_H

#include <stddef.h>

#define OUTBOX_MAX	1024

int	outbox_start(void) __attribute__((warn_unused_result));
/* outbox_put - queue MSG for RCPT from FROM through SENDMAIL; 0 / -1 full */
int	outbox_put(const char *sendmail, const char *from, const char *rcpt,
	    const char *msg, size_t len) __attribute__((warn_unused_result));
void	outbox_stop(void);

#endif
