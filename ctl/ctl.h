/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl.h - shared state of optinctl's verbs
 */
#ifndef OPTIN_CTL_H
#define OPTIN_CTL_H

#include <sysexits.h>

#include "conf.h"
#include "store.h"

struct ctl {
	const char *conf_path;
	struct conf *conf;
	struct store *st;
};

/* options of a verb: "--name" or "--name VALUE" / "--name=VALUE" */
struct ctl_opt {
	const char *name;
	int	has_arg;
	const char *value;	/* set when given; "" for flags */
};

/*
 * ctl_args - split ARGV into positionals (into POS, at most NPOS) and the
 * options of OPTS. Returns the number of positionals, or -1 after
 * printing a usage error.
 */
int	ctl_args(const char *verb, int argc, char **argv, struct ctl_opt *opts,
	    const char **pos, int npos);

/* ctl_open_store - open the database; an exit code, 0 when open */
int	ctl_open_store(struct ctl *, int flags);

/* ctl_addr - normalise a typed address into OUT; 0, or EX_DATAERR */
int	ctl_addr(const char *in, int allow_domain, char *out, size_t outlen);

/* ctl_list - the configured list NAME, or NULL after an error message */
const struct conf_list *ctl_list(struct ctl *, const char *name);

void	ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * ctl_replace_file - FILE made anew: WRITE(FP, ARG) into a new file of
 * its own next to it (mkstemp, so never through a link somebody who can
 * write the directory left at a known name), mode 0644, synced, renamed
 * over FILE. 0, or an exit status after a message naming VERB.
 */
int	ctl_replace_file(const char *verb, const char *file,
	    int (*write)(FILE *, void *), void *arg);
/*
 * ctl_w, ctl_q - S escaped for output by the rule of text.h (as a word
 * or <address>; inside "..."); the result lives until the next call
 * with the same SLOT (0 to 3).
 */
const char *ctl_w(int slot, const char *s);
const char *ctl_q(int slot, const char *s);

/* ctl_feedback.c: bounce scores and reports, for show and stats; 0 / -1 */
int	ctl_show_feedback(struct store_txn *, const char *key);
int	ctl_stats_feedback(struct store_txn *);

int	verb_import(struct ctl *, int, char **);
int	verb_export(struct ctl *, int, char **);
int	verb_export_suppression(struct ctl *, int, char **);
int	verb_show(struct ctl *, int, char **);
int	verb_stats(struct ctl *, int, char **);
int	verb_backup(struct ctl *, int, char **);	/* ctl_db.c */
int	verb_restore(struct ctl *, int, char **);
int	verb_report(struct ctl *, int, char **);
int	verb_expire(struct ctl *, int, char **);

/* ctl_confirm.c: subscribe --confirm, show --json */
int	ctl_subscribe_confirm(struct ctl *, const char *addr,
	    const struct conf_list *, const char *source);
int	ctl_show_json(struct ctl *, const char *addr);

#endif
