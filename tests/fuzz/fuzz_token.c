/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_token - token_open() on anything, with a fixed key */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "token.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct token_keys *k;
	struct token t;
	char err[128];

	if (k == NULL && token_keys_parse("00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n", 65, &k, err, sizeof(err)) < 0)
		return (0);
	if (token_open(k, (const char *)data, size, &t, err, sizeof(err)) == 0 &&
	    (strlen(t.list) == 0 || strlen(t.list) > CONF_NAME_MAX))
		__builtin_trap();
	return (0);
}
