/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_record - the store's record decoders on any bytes */
#include "config.h"

#include <stdint.h>

#include "record.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct consent_rec c;
	struct supp_rec s;
	struct history_rec h;

	if (rec_decode_consent(data, size, &c) == 0 &&
	    (c.status < 1 || c.status > 4))
		__builtin_trap();
	if (rec_decode_supp(data, size, &s) == 0 &&
	    (s.reason < 1 || s.reason > 5))
		__builtin_trap();
	if (size >= 8)
		(void)rec_decode_history(data, 8, data + 8, size - 8, &h);
	return (0);
}
