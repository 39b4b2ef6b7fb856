/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_addr - addr_normalize(), and the keys and route of what it accepts */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "addr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[ADDR_BUFSIZE], err[128], kbuf[ADDR_KEYS_BUFSIZE], m[ADDR_BUFSIZE];
	const char *keys[3];
	int flags;

	if (size == 0)
		return (0);
	flags = data[0] & 1 ? ADDR_ALLOW_DOMAIN : 0;
	if (addr_normalize((const char *)data + 1, size - 1, flags, out,
	    sizeof(out), err, sizeof(err)) == 0) {
		char again[ADDR_BUFSIZE];

		/* normalising is idempotent */
		if (addr_normalize(out, strlen(out), flags, again, sizeof(again),
		    err, sizeof(err)) != 0 || strcmp(out, again) != 0)
			__builtin_trap();
		(void)addr_keys(out, "+-", kbuf, keys);
		addr_mask(out, m, sizeof(m));
		/* where it routes on is an address again */
		if (addr_route(out, again, sizeof(again)) == 1 &&
		    addr_normalize(again, strlen(again), 0, m, sizeof(m), err,
		    sizeof(err)) != 0)
			__builtin_trap();
	}
	return (0);
}
