/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_authres - authres_parse() and authres_aligned() on any bytes */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "authres.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "mx.example.net" };
	struct authres ar;
	char how[8];
	size_t i;

	if (authres_parse((const char *)data, size, &ar) < 0)
		return (0);
	if (ar.n > AUTHRES_MAX || strlen(ar.authserv_id) == 0)
		__builtin_trap();
	for (i = 0; i < ar.n; i++)
		if (strlen(ar.r[i].method) == 0 || strlen(ar.r[i].result) == 0)
			__builtin_trap();
	(void)authres_aligned(&ar, ids, 1, "a@example.org", how, sizeof(how));
	return (0);
}
