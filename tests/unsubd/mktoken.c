/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mktoken - seal a token that optinctl would not make, for the tests
 *
 * SYNOPSIS
 *	mktoken KEYFILE LIST [RCPT]
 *	mktoken -c ISSUED KEYFILE LIST RCPT
 *	mktoken -f ISSUED KEYFILE LIST RCPT
 *
 * DESCRIPTION
 *	Prints a token for LIST and RCPT (none: a list-only token, as the
 *	mailto form of a message with several recipients carries) sealed
 *	with the first key of KEYFILE; LIST need not be configured. With
 *	-c, a confirmation token issued at ISSUED (seconds since 1970).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "token.h"

int
main(int argc, char **argv)
{
	struct token_keys *k;
	char tok[TOKEN_BUFSIZE], err[256];
	const char *errstr = NULL;
	long long issued = -1;
	int feedback = 0;
	int rc;

	if (argc == 6 && (strcmp(argv[1], "-c") == 0 ||
	    strcmp(argv[1], "-f") == 0)) {
		feedback = argv[1][1] == 'f';
		issued = strtonum(argv[2], 0, 1LL << 40, &errstr);
		if (errstr != NULL) {
			(void)fprintf(stderr, "mktoken: ISSUED %s\n", errstr);
			return (64);
		}
		argc -= 2;
		argv += 2;
	}
	if (argc != 3 && argc != 4) {
		(void)fprintf(stderr, "usage: mktoken KEYFILE LIST [RCPT]\n");
		return (64);
	}
	if (token_keys_load(argv[1], &k, err, sizeof(err)) < 0) {
		(void)fprintf(stderr, "mktoken: %s\n", err);
		return (78);
	}
	if (issued >= 0 && feedback)
		rc = token_seal_feedback(k, argv[2], argv[3], issued, tok,
		    sizeof(tok));
	else if (issued >= 0)
		rc = token_seal_confirm(k, argv[2], argc == 4 ? argv[3] : "",
		    issued, tok, sizeof(tok));
	else
		rc = token_seal(k, argv[2], argc == 4 ? argv[3] : "",
		    time(NULL), tok, sizeof(tok));
	token_keys_free(k);
	if (rc < 0) {
		(void)fprintf(stderr, "mktoken: cannot seal\n");
		return (70);
	}
	(void)printf("%s\n", tok);
	return (0);
}
