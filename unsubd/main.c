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

#include "precheck.h"
#include "unsubd.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

static const char *conf_path;
static pthread_rwlock_t rt_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime *rt;
static struct store *store;
static time_t store_tried;

/* store_get - the database, opened on first need (at most once a second) */
static struct store *
store_get(const struct conf *c)
{
	struct store *s;
	char err[512];

	(void)pthread_mutex_lock(&store_lock);
	if (store == NULL && time(NULL) != store_tried) {
		store_tried = time(NULL);
		if (store_open(c->database, c->map_size, 0, &store, err,
		    sizeof(err)) < 0) {
			store = NULL;
			ulog(LOG_ERR, "%s", err);
		} else
			ulog(LOG_INFO, "database %s open", c->database);
	}
	s = store;
	(void)pthread_mutex_unlock(&store_lock);
	return (s);
}

void
unsubd_enter(struct unsubd_env *env)
{
	(void)pthread_rwlock_rdlock(&rt_lock);
	env->conf = rt->conf;
	env->keys = rt->keys;
	env->store = store_get(rt->conf);
}

void
unsubd_leave(void)
{
	(void)pthread_rwlock_unlock(&rt_lock);
}

int
unsubd_trusted(const char *ip)
{
	size_t i;
	int yes = 0;

	(void)pthread_rwlock_rdlock(&rt_lock);
	for (i = 0; i < rt->conf->ntrusted_proxy; i++)
		if (strcmp(rt->conf->trusted_proxy[i], ip) == 0)
			yes = 1;
	(void)pthread_rwlock_unlock(&rt_lock);
	return (yes);
}

static void
reload(void)
{
	struct runtime *n, *old;
	char err[1024];

	if ((n = runtime_load(conf_path, err, sizeof(err))) == NULL) {
		ulog(LOG_ERR, "reload failed, keeping the old configuration: %s",
		    err);
		return;
	}
	if (strcmp(n->conf->database, rt->conf->database) != 0 ||
	    strcmp(n->conf->listen, rt->conf->listen) != 0 ||
	    strcmp(n->conf->user, rt->conf->user) != 0) {
		ulog(LOG_ERR, "reload failed, keeping the old configuration: "
		    "database, listen and user change only with a restart");
		runtime_free(n);
		return;
	}
	(void)pthread_rwlock_wrlock(&rt_lock);
	old = rt;
	rt = n;
	(void)pthread_rwlock_unlock(&rt_lock);
	runtime_free(old);
	ulog(LOG_INFO, "configuration %s reloaded", conf_path);
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
	struct pidfh *pfh = NULL;
	const char *pidpath = NULL;
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
	if ((rt = runtime_load(conf_path, err, sizeof(err))) == NULL) {
		(void)fprintf(stderr, "optin-unsubd: %s\n", err);
		return (78);
	}
	if (check) {
		if (precheck(rt->conf, 0) < 0) {
			runtime_free(rt);
			return (78);
		}
		(void)printf("%s: configuration ok (listen %s)\n", conf_path,
		    rt->conf->listen);
		runtime_free(rt);
		return (0);
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
	if ((d = http_start(lfd, unsubd_trusted, err, sizeof(err))) == NULL) {
		ulog(LOG_ERR, "%s", err);
		if (pfh != NULL)
			(void)pidfile_remove(pfh);
		return (69);
	}
	(void)store_get(rt->conf);
	ulog(LOG_INFO, "optin-unsubd %s listening on %s", PACKAGE_VERSION,
	    rt->conf->listen);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP || sig == SIGUSR1) {
			reload();
			continue;
		}
		break;
	}
	ulog(LOG_INFO, "stopping");
	http_stop(d);
	if (pfh != NULL)
		(void)pidfile_remove(pfh);
	store_close(store);
	runtime_free(rt);
	return (0);
}
