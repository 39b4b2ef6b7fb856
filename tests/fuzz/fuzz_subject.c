/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_subject - the token in a mailto Subject, and header folding */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "listhdr.h"
#include "unsub.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[TOKEN_BUFSIZE], *s, folded[LISTHDR_BUFSIZE * 2];

	(void)unsub_subject_token((const char *)data, size, out, sizeof(out));
	if ((s = malloc(size + 1)) == NULL)
		return (0);
	memcpy(s, data, size);
	s[size] = '\0';
	if (listhdr_fold(s, 16, folded, sizeof(folded)) == 0 &&
	    strlen(folded) >= sizeof(folded))
		__builtin_trap();
	free(s);
	return (0);
}
