/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * testutil.h - helpers shared by the unit tests: temporary directories
 * and files. Each test program includes it once.
 */
#ifndef OPTIN_TESTUTIL_H
#define OPTIN_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* tu_tmpdir - a new empty directory; the caller frees the name */
static __attribute__((unused)) char *
tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	char *d;

	(void)snprintf(tmpl, sizeof(tmpl), "%s/optin-test.XXXXXX",
	    base != NULL ? base : "/tmp");
	d = mkdtemp(tmpl);
	assert_non_null(d);
	return (strdup(d));
}

/* tu_rmrf - remove DIR and what is in it (one level deep) */
static __attribute__((unused)) void
tu_rmrf(const char *dir)
{
	char cmd[4200];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* tu_write - write TEXT into DIR/NAME; returns the path (caller frees) */
static __attribute__((unused)) char *
tu_write(const char *dir, const char *name, const char *text)
{
	char path[4200];
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	return (strdup(path));
}

#endif
