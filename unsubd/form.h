/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * form.h - HTML form bodies: application/x-www-form-urlencoded and
 * multipart/form-data
 *
 * DESCRIPTION
 *	form_parse() reads BODY (LEN bytes) as the given Content-Type and
 *	calls FN for every field, with NUL-terminated name and value. It
 *	touches nothing else, so a fuzzer can drive it. Fields of files,
 *	names over FORM_NAME_MAX and values over FORM_VALUE_MAX are
 *	errors.
 */
#ifndef OPTIN_FORM_H
#define OPTIN_FORM_H

#include <stddef.h>

#define FORM_NAME_MAX	64
#define FORM_VALUE_MAX	1024

typedef int (*form_field_fn)(void *arg, const char *name, const char *value);

/* 0, or -1 with a reason in ERR; FN returning non-zero stops (-1) */
int	form_parse(const char *content_type, const char *body, size_t len,
	    form_field_fn fn, void *arg, char *err, size_t errlen)
	    __attribute__((warn_unused_result));

#endif
