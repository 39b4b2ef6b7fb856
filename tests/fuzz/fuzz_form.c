/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_form - form bodies (the first byte picks the encoding) */
#include "config.h"

#include <stdint.h>

#include "form.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
field(void *arg, const char *name, const char *value)
{
	(void)arg;
	(void)name;
	(void)value;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128];

	if (size == 0)
		return (0);
	if (form_parse(data[0] & 1 ? "multipart/form-data; boundary=B" :
	    "application/x-www-form-urlencoded", (const char *)data + 1,
	    size - 1, field, NULL, err, sizeof(err)) < 0)
		return (0);
	return (0);
}
