/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_policy - the decision engine without a socket, next to its
 * baselines measured in the same run
 *
 * usage: bench_policy [RECORDS]
 *
 * Prints one line per figure: "name ns_per_op baseline_name
 * baseline_ns_per_op". Each figure is the median of five rounds.
 *
 *   decide            decide() for one recipient (up to three consent and
 *                     three suppression lookups in one read transaction)
 *   baseline: get     one store_get_consent() of the exact key: the least
 *                     a decision can cost
 *   message           a whole list message through policy/msg.c: sender,
 *                     10 recipients, headers, end of message (decisions,
 *                     token, List-* headers, log lines)
 *   baseline: 10x     ten decide() calls in one read transaction: the
 *     decide          decisions alone
 *   token_seal        sealing one token
 *   baseline: token   opening it again
 *     open
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decide.h"
#include "model.h"
#include "msg.h"
#include "store.h"
#include "token.h"

#define ROUNDS 5

static double
now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static double
median(double *v)
{
	qsort(v, ROUNDS, sizeof(double), cmp_double);
	return (v[ROUNDS / 2]);
}

struct fill {
	int	n;
};

static int
fill(struct store_txn *tx, void *arg)
{
	struct fill *f = arg;
	struct consent_rec r;
	struct supp_rec s;
	struct change ch = { ACTOR_IMPORT, "bench", "", 1 };
	char a[64];
	int i;

	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	r.status = STATUS_OPT_IN;
	s.reason = SUPP_BOUNCE;
	for (i = 0; i < f->n; i++) {
		(void)snprintf(a, sizeof(a), "user%07d@bench.example", i);
		if (store_put_consent(tx, a, "news", &r, &ch) < 0)
			return (-1);
		if (i % 10 == 0 && store_put_suppression(tx, a, &s, &ch) < 0)
			return (-1);
	}
	return (0);
}

int
main(int argc, char **argv)
{
	const char *conftext = "unsubscribe-url https://l.example/u/\n"
	    "unsubscribe-mailto u@example.com\nrecipient-delimiter +\n"
	    "list news {\n consent express\n list-id news.example.com\n"
	    " match sender news@example.com\n}\n";
	char tmpl[] = "/tmp/optin-bench.XXXXXX", err[512], a[64], cmd[128];
	char tok[TOKEN_BUFSIZE];
	double t_decide[ROUNDS], t_get[ROUNDS], t_msg[ROUNDS], t_ten[ROUNDS];
	double t_seal[ROUNDS], t_open[ROUNDS], t0;
	const struct conf_list *l;
	struct conf *c;
	struct store *st;
	struct store_txn *tx;
	struct token_keys *k;
	struct decision d;
	struct consent_rec cr;
	struct fill f;
	struct token t;
	const char *errstr = NULL;
	int n = argc > 1 ? (int)strtonum(argv[1], 1000, 100000000, &errstr) :
	    100000;
	int i, r, iters = 200000, msgs = 5000, j;
	volatile int sink = 0;

	if (errstr != NULL) {
		fprintf(stderr, "records: %s (1000 to 100000000)\n", errstr);
		return (64);
	}
	if (mkdtemp(tmpl) == NULL ||
	    conf_parse(conftext, strlen(conftext), "b.conf", NULL, &c, err,
	    sizeof(err)) < 0 ||
	    store_open(tmpl, 1ULL << 30, STORE_CREATE, &st, err, sizeof(err)) < 0 ||
	    token_keys_parse("00112233445566778899aabbccddeeff00112233445566778899"
	    "aabbccddeeff\n", 65, &k, err, sizeof(err)) < 0) {
		fprintf(stderr, "setup: %s\n", err);
		return (1);
	}
	f.n = n;
	if (store_write(st, fill, &f, err, sizeof(err)) < 0) {
		fprintf(stderr, "fill: %s\n", err);
		return (1);
	}
	l = conf_find_list(c, "news");

	for (r = 0; r < ROUNDS; r++) {
		/* baseline: one exact lookup */
		if (store_read_begin(st, &tx, err, sizeof(err)) < 0)
			return (1);
		t0 = now_ns();
		for (i = 0; i < iters; i++) {
			(void)snprintf(a, sizeof(a), "user%07d@bench.example",
			    (i * 7919) % n);
			sink += store_get_consent(tx, a, "news", &cr);
		}
		t_get[r] = (now_ns() - t0) / iters;
		/* decide, tagged addresses: all three levels */
		t0 = now_ns();
		for (i = 0; i < iters; i++) {
			(void)snprintf(a, sizeof(a), "user%07d+x@bench.example",
			    (i * 7919) % n);
			if (decide(tx, l, a, "+", 1, &d) < 0)
				return (1);
			sink += d.verdict;
		}
		t_decide[r] = (now_ns() - t0) / iters;
		/* baseline for a message: ten decisions in one transaction */
		t0 = now_ns();
		for (i = 0; i < msgs; i++)
			for (j = 0; j < 10; j++) {
				(void)snprintf(a, sizeof(a),
				    "user%07d@bench.example", (i * 10 + j) % n);
				if (decide(tx, l, a, "+", 1, &d) < 0)
					return (1);
				sink += d.verdict;
			}
		t_ten[r] = (now_ns() - t0) / msgs;
		store_read_end(tx);

		/* a whole message */
		t0 = now_ns();
		for (i = 0; i < msgs; i++) {
			struct msg_env env = { c, st, k, "mx.example" };
			struct msg_reply rp;
			struct msg_result res;
			struct msg *m = msg_new(&env);

			(void)msg_sender(m, "<news@example.com>", NULL, &rp);
			for (j = 0; j < 10; j++) {
				(void)snprintf(a, sizeof(a),
				    "<user%07d@bench.example>", (i * 10 + j) % n);
				(void)msg_rcpt(m, a, 1, &rp);
			}
			(void)msg_header(m, "Subject", " bench", &rp);
			(void)msg_eoh(m, &rp);
			(void)msg_eom(m, 1, &res);
			sink += (int)res.naddhdr;
			msg_free(m);
		}
		t_msg[r] = (now_ns() - t0) / msgs;

		/* tokens */
		t0 = now_ns();
		for (i = 0; i < iters / 10; i++)
			sink += token_seal(k, "news", "user0000001@bench.example", 1,
			    tok, sizeof(tok));
		t_seal[r] = (now_ns() - t0) / (iters / 10);
		t0 = now_ns();
		for (i = 0; i < iters / 10; i++)
			sink += token_open(k, tok, strlen(tok), &t, err, sizeof(err));
		t_open[r] = (now_ns() - t0) / (iters / 10);
	}
	printf("decide %.0f get %.0f\n", median(t_decide), median(t_get));
	printf("message %.0f ten_decide %.0f\n", median(t_msg), median(t_ten));
	printf("token_seal %.0f token_open %.0f\n", median(t_seal), median(t_open));
	store_close(st);
	conf_free(c);
	token_keys_free(k);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpl);
	if (system(cmd) != 0)
		return (1);
	return (sink == -1);
}
