/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unsubd.h - optin-unsubd's shared state
 */
#ifndef OPTIN_UNSUBD_H
#define OPTIN_UNSUBD_H

#include <stddef.h>

#include "conf.h"
#include "daemon.h"
#include "store.h"
#include "token.h"

#define BODY_MAX	8192		/* a larger request body gets 413 */

/*
 * what a request works with: taken with unsubd_enter(), a reference to
 * the configuration in force that a reload does not free, given back
 * with unsubd_leave()
 */
struct unsubd_env {
	struct runtime *rt;
	const struct conf *conf;
	const struct token_keys *keys;
	struct store *store;		/* opens lazily; errors say why */
};

void	unsubd_enter(struct unsubd_env *);
void	unsubd_leave(struct unsubd_env *);
#define ulog dlog

/* a growing text buffer for pages; buf_free() frees it */
struct buf {
	char	*s;
	size_t	len, cap;
	int	oom;
};
void	buf_add(struct buf *, const char *);
void	buf_addf(struct buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_html(struct buf *, const char *);	/* escaped for HTML */
void	buf_free(struct buf *);

/* pages.c */
void	page_begin(struct buf *, const char *title);
void	page_end(struct buf *);
/* page_footer - the organisation and its privacy policy, when configured */
void	page_footer(struct buf *, const struct conf *);
void	page_error(struct buf *, const char *title, const char *text);

/* unsubd_trusted - 1 when IP is a trusted-proxy of the configuration */
int	unsubd_trusted(const char *ip);

/* http.c */
struct MHD_Daemon;
int	http_listen(const struct conf *, char *err, size_t errlen);
struct MHD_Daemon *http_start(int fd, int (*trusted)(const char *), char *err,
	    size_t errlen);
void	http_stop(struct MHD_Daemon *);

#endif
