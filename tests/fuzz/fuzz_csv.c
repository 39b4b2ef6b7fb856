/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_csv - the CSV reader, and the writer on what it read */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "csv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_reader r;
	char *f[16], err[128];
	size_t nf, i;
	FILE *null = fopen("/dev/null", "w");

	if (null == NULL || csv_init(&r, (const char *)data, size) < 0) {
		if (null != NULL)
			fclose(null);
		return (0);
	}
	while (csv_next(&r, f, 16, &nf, err, sizeof(err)) == 1)
		for (i = 0; i < nf; i++)
			(void)csv_field(null, f[i], i + 1 == nf);
	csv_free(&r);
	fclose(null);
	return (0);
}
