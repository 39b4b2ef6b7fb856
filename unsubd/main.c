/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * optin-unsubd - one-click unsubscribe (RFC 8058) and the preference page
 *
 * SYNOPSIS
 *	optin-unsubd [-c FILE] [-f] [-n] [-p PIDFILE] [-V]
 *
 * DESCRIPTION
 *	Listens on "listen" (loopback by default; TLS belongs to a reverse
 *	proxy in front), drops privileges to "user", and records every
 *	unsubscribe durably before it answers. See optin-unsubd(8).
 *
 *	SIGHUP and SIGUSR1 reload the configuration and keys (a bad file
 *	keeps the old ones); SIGTERM and SIGINT stop it.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <bsd/libutil.h>
#include <microhttpd.h>

#include "outbox.h"
#include "precheck.h"
#include "state.h"
#include "unsubd.h"
#include "http.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

void
unsubd_enter(struct unsubd_env *env)
{
	env->rt = state_get(&env->store);
	env->conf = env->rt->conf;
	env->keys = env->rt->keys;
}

void
unsubd_leave(struct unsubd_env *env)
{
	state_put(env->rt);
	env->rt = NULL;
}

int
unsubd_trusted(const char *ip)
{
	struct runtime *rt;
	struct store *st;
	size_t i;
	int yes = 0;

	rt = state_get(&st);
	for (i = 0; i < rt->conf->ntrusted_proxy; i++)
		if (strcmp(rt->conf->trusted_proxy[i], ip) == 0)
			yes = 1;
	state_put(rt);
	return (yes);
}

static void
usage(void)
{
	(void)fprintf(stderr, "usage: optin-unsubd [-c FILE] [-f] [-n] "
	    "[-p PIDFILE] [-V]\n");
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	struct runtime *rt;
	struct pidfh *pfh = NULL;
	const char *pidpath = NULL, *conf_path;
	char err[1024];
	sigset_t set;
	int ch, foreground = 0, check = 0, sig, lfd;

	conf_path = conf_default_path();
	while ((ch = getopt(argc, argv, "c:fnp:Vh")) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': check = 1; break;
		case 'p': pidpath = optarg; break;
		case 'V':
			(void)printf("optin-unsubd %s\n", PACKAGE_VERSION);
			return (0);
		case 'h': usage(); return (0);
		default: usage(); return (64);
		}
	}
	if (optind != argc) {
		usage();
		return (64);
	}
	if (check) {
		if ((rt = runtime_load(conf_path, err, sizeof(err))) == NULL) {
			(void)fprintf(stderr, "optin-unsubd: %s\n", err);
			return (78);
		}
		if (precheck(rt->conf, PRECHECK_SENDMAIL) < 0) {
			runtime_free(rt);
			return (78);
		}
		(void)printf("%s: configuration ok (listen %s)\n", conf_path,
		    rt->conf->listen);
		runtime_free(rt);
		return (0);
	}
	if ((rt = state_init(conf_path, STATE_FIXED_LISTEN, err,
	    sizeof(err))) == NULL) {
		(void)fprintf(stderr, "optin-unsubd: %s\n", err);
		return (78);
	}
	dlog_init("optin-unsubd", foreground);
	if (pidpath == NULL && !foreground)
		pidpath = RUNSTATEDIR "/optin-unsubd/optin-unsubd.pid";
	if ((ch = daemon_start(pidpath, rt->conf->user, foreground, &pfh,
	    &set)) != 0)
		return (ch);

	/* bind, drop privileges, then serve: no request is served as root */
	if ((lfd = http_listen(rt->conf, err, sizeof(err))) < 0) {
		ulog(LOG_ERR, "%s", err);
		if (pfh != NULL)
			(void)pidfile_remove(pfh);
		return (69);
	}
	if (daemon_drop_privileges(rt->conf->user) < 0) {
		(void)close(lfd);
		return (77);
	}
	/* the database as this user, before the first request */
	if (state_open_store() < 0) {
		(void)close(lfd);
		return (71);
	}
	unsubd_started = (int64_t)time(NULL);
	if (outbox_start() < 0) {
		ulog(LOG_ERR, "cannot start the confirmation sender");
		(void)close(lfd);
		return (69);
	}
	if ((d = http_start(lfd, unsubd_trusted, err, sizeof(err))) == NULL) {
		ulog(LOG_ERR, "%s", err);
		if (pfh != NULL)
			(void)pidfile_remove(pfh);
		return (69);
	}
	ulog(LOG_INFO, "optin-unsubd %s listening on %s", PACKAGE_VERSION,
	    rt->conf->listen);
	/* reloads happen only here: RT is not used after the first one */
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP || sig == SIGUSR1) {
			ulog(LOG_INFO, "%s: reloading %s", sig == SIGHUP ?
			    "SIGHUP" : "SIGUSR1", state_path());
			(void)state_reload();
			continue;
		}
		break;
	}
	ulog(LOG_INFO, "stopping");
	http_stop(d);		/* every request is answered */
	outbox_stop();		/* then the confirmations they queued */
	if (pfh != NULL)
		(void)pidfile_remove(pfh);
	if (state_drain(10) == 0)
		state_free();
	return (0);
}
