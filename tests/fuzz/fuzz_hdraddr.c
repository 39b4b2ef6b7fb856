/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_hdraddr - hdraddr_drop(): never crashes, and what it writes
 * parses again with none of the dropped mailboxes left in it
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hdraddr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* drop_x - drop every address whose local part starts with "x" */
static int
drop_x(void *arg, const char *norm)
{
	(void)arg;
	return (norm[0] == 'x');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = NULL, *again = NULL;
	int n;

	n = hdraddr_drop((const char *)data, size, drop_x, NULL, &out);
	if (n <= 0) {
		if (out != NULL)
			__builtin_trap();
		return (0);
	}
	if (out == NULL || hdraddr_drop(out, strlen(out), drop_x, NULL,
	    &again) != 0)
		__builtin_trap();
	free(again);
	free(out);
	return (0);
}
