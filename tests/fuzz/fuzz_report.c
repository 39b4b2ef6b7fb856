/* SPDX-License-Identifier: BSD-2-Clause */
/* fuzz_report - delivery status, abuse report and bounce text parsers */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
count(void *arg, const char *t, size_t len)
{
	(void)t;
	*(size_t *)arg += len;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const marks[] = { "bounces+", "X-Optin-Feedback:",
	    "/u/" };
	const char *buf = (const char *)data;
	struct report r;
	size_t i, n = 0;

	report_init(&r);
	(void)report_parse_dsn(buf, size, &r);
	(void)report_parse_arf(buf, size, &r);
	(void)report_scan_text(buf, size, "bob@example.org", &r);
	for (i = 0; i < r.nrcpt; i++) {
		if (memchr(r.rcpt[i].diag, '\0', sizeof(r.rcpt[i].diag)) ==
		    NULL)
			__builtin_trap();
		(void)report_classify(r.rcpt[i].status, r.rcpt[i].diag, NULL);
	}
	(void)report_find_tokens(buf, size, marks, 3, 16, count, &n);
	return (0);
}
