/*
 * mktoken - seal a token that optinctl would not make, for the tests
 *
 * SYNOPSIS
 *	mktoken KEYFILE LIST [RCPT]
 *
 * DESCRIPTION
 *	Prints a token for LIST and RCPT (none: a list-only token, as the
 *	mailto form of a message with several recipients carries) sealed
 *	with the first key of KEYFILE; LIST need not be configured.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "token.h"

int
main(int argc, char **argv)
{
	struct token_keys *k;
	char tok[TOKEN_BUFSIZE], err[256];
	int rc;

	if (argc != 3 && argc != 4) {
		(void)fprintf(stderr, "usage: mktoken KEYFILE LIST [RCPT]\n");
		return (64);
	}
	if (token_keys_load(argv[1], &k, err, sizeof(err)) < 0) {
		(void)fprintf(stderr, "mktoken: %s\n", err);
		return (78);
	}
	rc = token_seal(k, argv[2], argc == 4 ? argv[3] : "", time(NULL), tok,
	    sizeof(tok));
	token_keys_free(k);
	if (rc < 0) {
		(void)fprintf(stderr, "mktoken: cannot seal\n");
		return (70);
	}
	(void)printf("%s\n", tok);
	return (0);
}
