/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_mime - optin-feedback's walk over a message parsed by GMime */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parsed p;
	size_t i;

	if (mime_parse((const char *)data, size, &p) < 0)
		return (0);
	if (p.searchlen > 0 && p.search == NULL)
		__builtin_trap();
	for (i = 0; i < p.rep.nrcpt; i++)
		if (memchr(p.rep.rcpt[i].status, '\0',
		    sizeof(p.rep.rcpt[i].status)) == NULL)
			__builtin_trap();
	mime_parsed_free(&p);
	return (0);
}
