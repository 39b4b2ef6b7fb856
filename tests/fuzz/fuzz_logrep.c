/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_logrep - optinctl report's log reader and its three outputs */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "logreport.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logrep *r;
	FILE *null;
	size_t half = size / 2;

	if ((r = logrep_new(1764504000)) == NULL)
		return (0);
	/* in two pieces: a line may be cut between two reads */
	(void)logrep_feed(r, (const char *)data, half);
	(void)logrep_feed(r, (const char *)data + half, size - half);
	logrep_finish(r);
	logrep_sort(r, NULL);
	if ((null = fopen("/dev/null", "w")) != NULL) {
		(void)logrep_print_text(null, r, NULL);
		(void)logrep_print_json(null, r, NULL);
		(void)logrep_print_html(null, r, NULL);
		(void)fclose(null);
	}
	logrep_free(r);
	return (0);
}
