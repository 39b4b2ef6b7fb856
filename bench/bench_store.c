/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_store - helpers and floors for the unsubscribe benchmark
 *
 * SYNOPSIS
 *	bench_store tokens KEYFILE LIST FIRST COUNT
 *	bench_store commits DIR COUNT [FIRST]
 *
 * DESCRIPTION
 *	tokens prints COUNT unsubscribe tokens of LIST, one per line, for
 *	the addresses user%07d@bench.example numbered from FIRST, sealed
 *	with the keys in KEYFILE. A one-click POST changes the database only
 *	for an address not yet opted out, so a benchmark needs a fresh token
 *	for every request.
 *
 *	commits is the floor of optin-unsubd without group commit: in the
 *	store in DIR (made when missing), COUNT unsubscribes of fresh
 *	addresses, each in its own durable write transaction, one after the
 *	other, as unsub_list_write() does for one request; the addresses
 *	are floor%07d@bench.example numbered from FIRST (default 0). Prints
 *	"commits=N seconds=S commits_per_s=R".
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "store.h"
#include "token.h"
#include "unsub.h"

static long long
number(const char *s, long long max)
{
	const char *errstr;
	long long n = strtonum(s, 0, max, &errstr);

	if (errstr != NULL) {
		fprintf(stderr, "bench_store: %s: %s\n", s, errstr);
		exit(64);
	}
	return (n);
}

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static int
tokens(const char *keyfile, const char *list, long long first,
    long long count)
{
	struct token_keys *k;
	char err[512], a[64], tok[TOKEN_BUFSIZE];
	long long i;
	int64_t t = (int64_t)time(NULL);

	if (token_keys_load(keyfile, &k, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_store: %s\n", err);
		return (1);
	}
	for (i = first; i < first + count; i++) {
		(void)snprintf(a, sizeof(a), "user%07lld@bench.example", i);
		if (token_seal(k, list, a, t, tok, sizeof(tok)) < 0) {
			fprintf(stderr, "bench_store: token_seal failed\n");
			return (1);
		}
		(void)printf("%s\n", tok);
	}
	token_keys_free(k);
	return (fflush(stdout) == 0 ? 0 : 1);
}

static int
commits(const char *dir, long long count, long long first)
{
	struct store *st;
	struct change ch;
	char err[512], a[64];
	long long i;
	double t0, secs;

	if (store_open(dir, 1ULL << 30, STORE_CREATE, &st, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "bench_store: %s\n", err);
		return (1);
	}
	memset(&ch, 0, sizeof(ch));
	ch.actor = ACTOR_UNSUBD;
	ch.source = "one-click";
	ch.evidence = "route=POST /u/ ip=127.0.0.1 ua=\"bench\"";
	t0 = now();
	for (i = 0; i < count; i++) {
		(void)snprintf(a, sizeof(a), "floor%07lld@bench.example",
		    first + i);
		if (unsub_list_write(st, a, "marketing", "+", &ch, err,
		    sizeof(err)) < 0) {
			fprintf(stderr, "bench_store: %s\n", err);
			return (1);
		}
	}
	secs = now() - t0;
	(void)printf("commits=%lld seconds=%.3f commits_per_s=%.0f\n", count,
	    secs, (double)count / secs);
	store_close(st);
	return (0);
}

int
main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "tokens") == 0)
		return (tokens(argv[2], argv[3], number(argv[4], 100000000),
		    number(argv[5], 100000000)));
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "commits") == 0)
		return (commits(argv[2], number(argv[3], 100000000),
		    argc == 5 ? number(argv[4], 100000000) : 0));
	fprintf(stderr, "usage: bench_store tokens KEYFILE LIST FIRST COUNT\n"
	    "       bench_store commits DIR COUNT [FIRST]\n");
	return (64);
}
