/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_client - X-Forwarded-For chains: the input, split at newlines,
 * is up to four header lines; 127.0.0.1 and ::1 are trusted
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
trusted(void *arg, const char *ip)
{
	(void)arg;
	return (strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[CLIENT_IP_MAX], *copy, *p, *nl;
	const char *vals[4];
	size_t n = 0;

	if ((copy = malloc(size + 1)) == NULL)
		return (0);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (p = copy; n < 4; p = nl + 1) {
		vals[n++] = p;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
	}
	(void)client_forwarded(vals, n, trusted, NULL, out, sizeof(out));
	free(copy);
	return (0);
}
