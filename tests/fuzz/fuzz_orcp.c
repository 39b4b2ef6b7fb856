/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_orcp - orcp_smtpd(): the deletion string always parses back */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "orcp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char orcp[ORCP_BUFSIZE], del[ORCP_DEL_BUFSIZE], err[128];
	char orcp2[ORCP_BUFSIZE], del2[ORCP_DEL_BUFSIZE];

	if (orcp_smtpd((const char *)data, size, orcp, sizeof(orcp), del,
	    sizeof(del), err, sizeof(err)) < 0)
		return (0);
	/* the deletion string is itself a RCPT TO with the same original */
	if (orcp_smtpd(del, strlen(del), orcp2, sizeof(orcp2), del2,
	    sizeof(del2), err, sizeof(err)) < 0 || strcmp(orcp, orcp2) != 0 ||
	    strcmp(del, del2) != 0)
		__builtin_trap();
	return (0);
}
