/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_conf - the configuration parser */
#include "config.h"

#include <stdint.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c;
	char err[512];

	if (conf_parse((const char *)data, size, "fuzz.conf", "/base", &c, err,
	    sizeof(err)) == 0)
		conf_free(c);
	return (0);
}
