/*
 * optin-milter - enforce consent for list mail in Postfix's milter chain
 *
 * SYNOPSIS
 *	optin-milter [-c FILE] [-f] [-n] [-p PIDFILE] [-V]
 *
 * DESCRIPTION
 *	Reads the configuration and the token keys, opens the socket (with
 *	socket-mode, owned by user), drops privileges to user, and serves
 *	Postfix through libmilter. See optin-milter(8).
 *
 *	-f stays in the foreground and logs to standard error; otherwise
 *	the daemon detaches and logs to syslog, facility mail. -n checks
 *	the configuration and the key file and exits: 0 good, 78 bad.
 *
 *	SIGHUP and SIGUSR1 reload the configuration and keys; a bad file
 *	keeps the old ones and says why. SIGTERM and SIGINT stop cleanly.
 *
 *	A database that cannot be opened does not stop the daemon: list
 *	mail gets on-error (tempfail by default) and the database is tried
 *	again, at most once a second, until it opens.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <bsd/libutil.h>

#include "milter.h"
#include "precheck.h"
#include "sockopt.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

static const char *conf_path;
static pthread_mutex_t rt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime *rt_current;
static struct store *store;
static time_t store_tried;

/* store_try - open the database if it is not open; under rt_lock */
static void
store_try(void)
{
	char err[512];
	time_t now = time(NULL);

	if (store != NULL || now == store_tried)
		return;
	store_tried = now;
	if (store_open(rt_current->conf->database, rt_current->conf->map_size, 0,
	    &store, err, sizeof(err)) < 0) {
		store = NULL;
		mlog(LOG_ERR, "%s; list mail gets on-error (%s)", err,
		    rt_current->conf->on_error == ONERR_TEMPFAIL ? "tempfail" :
		    "accept");
		return;
	}
	mlog(LOG_INFO, "database %s open", rt_current->conf->database);
}

struct runtime *
runtime_get(struct store **st)
{
	struct runtime *rt;

	(void)pthread_mutex_lock(&rt_lock);
	store_try();
	rt = rt_current;
	rt->refs++;
	*st = store;
	(void)pthread_mutex_unlock(&rt_lock);
	return (rt);
}

void
runtime_put(struct runtime *rt)
{
	int gone;

	(void)pthread_mutex_lock(&rt_lock);
	gone = --rt->refs == 0 && rt != rt_current;
	(void)pthread_mutex_unlock(&rt_lock);
	if (gone)
		runtime_free(rt);
}

/* reload - swap in a new configuration, or keep the old one */
static void
reload(void)
{
	struct runtime *rt, *old;
	char err[1024];

	if ((rt = runtime_load(conf_path, err, sizeof(err))) == NULL) {
		mlog(LOG_ERR, "reload failed, keeping the old configuration: %s",
		    err);
		return;
	}
	(void)pthread_mutex_lock(&rt_lock);
	old = rt_current;
	if (strcmp(old->conf->database, rt->conf->database) != 0 ||
	    strcmp(old->conf->socket, rt->conf->socket) != 0 ||
	    strcmp(old->conf->user, rt->conf->user) != 0) {
		(void)pthread_mutex_unlock(&rt_lock);
		mlog(LOG_ERR, "reload failed, keeping the old configuration: "
		    "database, socket and user change only with a restart");
		runtime_free(rt);
		return;
	}
	rt_current = rt;
	old = old->refs == 0 ? old : NULL;	/* else the last user frees it */
	(void)pthread_mutex_unlock(&rt_lock);
	runtime_free(old);
	mlog(LOG_INFO, "configuration %s reloaded (%zu lists, mode %s)",
	    conf_path, rt->conf->nlists, rt->conf->mode == MODE_ENFORCE ?
	    "enforce" : "monitor");
}

/*
 * sigwait - libmilter's signal thread waits for SIGHUP, SIGTERM and
 * SIGINT and stops the milter on any of them. We want SIGHUP to reload,
 * so this definition, which the dynamic linker gives libmilter in place
 * of libc's, takes SIGHUP and SIGUSR1 out of its set: they belong to
 * the reload thread below. Nothing else in the process calls sigwait().
 */
int
sigwait(const sigset_t *set, int *sig)
{
	sigset_t s = *set;
	int r;

	(void)sigdelset(&s, SIGHUP);
	(void)sigdelset(&s, SIGUSR1);
	for (;;) {
		if ((r = sigwaitinfo(&s, NULL)) >= 0) {
			*sig = r;
			return (0);
		}
		if (errno != EINTR)
			return (errno);
	}
}

static void *
reload_thread(void *arg)
{
	sigset_t set;
	int sig;

	(void)arg;
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGHUP);
	(void)sigaddset(&set, SIGUSR1);
	for (;;) {
		if ((sig = sigwaitinfo(&set, NULL)) < 0)
			continue;
		mlog(LOG_INFO, "%s: reloading %s", sig == SIGHUP ? "SIGHUP" :
		    "SIGUSR1", conf_path);
		reload();
	}
	return (NULL);
}

/* socket_path - the path of a unix: socket; 1, 0 (not unix), -1 */
static int
socket_path(const char *sock, char *path, size_t len)
{
	if (strncmp(sock, "unix:", 5) != 0)
		return (0);
	return (strlcpy(path, sock + 5, len) < len ? 1 : -1);
}

static void
usage(void)
{
	(void)fprintf(stderr, "usage: optin-milter [-c FILE] [-f] [-n] "
	    "[-p PIDFILE] [-V]\n");
}

int
main(int argc, char **argv)
{
	struct runtime *rt;
	struct pidfh *pfh = NULL;
	const char *pidpath = NULL;
	char err[1024], path[PATH_MAX];
	sigset_t set;
	pthread_t th;
	int ch, foreground = 0, check = 0, rc, is_unix;

	conf_path = conf_default_path();
	while ((ch = getopt(argc, argv, "c:fnp:Vh")) != -1) {
		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'p':
			pidpath = optarg;
			break;
		case 'V':
			(void)printf("optin-milter %s\n", PACKAGE_VERSION);
			return (0);
		case 'h':
			usage();
			return (0);
		default:
			usage();
			return (64);
		}
	}
	if (optind != argc) {
		usage();
		return (64);
	}
	if ((rt = runtime_load(conf_path, err, sizeof(err))) == NULL) {
		(void)fprintf(stderr, "optin-milter: %s\n", err);
		return (78);
	}
	if (check) {
		if (precheck(rt->conf, PRECHECK_SOCKET) < 0) {
			runtime_free(rt);
			return (78);
		}
		(void)printf("%s: configuration ok (%zu lists, %zu keys)\n",
		    conf_path, rt->conf->nlists, token_keys_count(rt->keys));
		runtime_free(rt);
		return (0);
	}
	rt_current = rt;
	dlog_init("optin-milter", foreground);
	if (pidpath == NULL && !foreground)
		pidpath = RUNSTATEDIR "/optin-milter/optin-milter.pid";

	is_unix = socket_path(rt->conf->socket, path, sizeof(path));
	if (is_unix < 0) {
		mlog(LOG_ERR, "socket path too long");
		return (78);
	}
	if (is_unix && daemon_rundir(path, rt->conf->user) < 0)
		return (73);
	/* every thread inherits the signals blocked; see sigwait() above */
	if ((rc = daemon_start(pidpath, rt->conf->user, foreground, &pfh,
	    &set)) != 0)
		return (rc);

	if (smfi_setconn(rt->conf->socket) != MI_SUCCESS ||
	    smfi_register(filter_desc) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		mlog(LOG_ERR, "cannot listen on %s", rt->conf->socket);
		rc = 69;
		goto out;
	}
	/* no Nagle on inet: the actions at end of message go out at once */
	if (listen_nodelay() < 0)
		mlog(LOG_WARNING, "TCP_NODELAY on %s: %s", rt->conf->socket,
		    strerror(errno));
	if (is_unix) {
		struct passwd *pw;

		if (chmod(path, rt->conf->socket_mode) < 0)
			mlog(LOG_WARNING, "chmod %s: %s", path, strerror(errno));
		if (rt->conf->user[0] != '\0' && geteuid() == 0 &&
		    (pw = getpwnam(rt->conf->user)) != NULL &&
		    chown(path, pw->pw_uid, pw->pw_gid) < 0)
			mlog(LOG_WARNING, "chown %s: %s", path, strerror(errno));
	}
	if (daemon_drop_privileges(rt->conf->user) < 0) {
		rc = 77;
		goto out;
	}
	(void)pthread_mutex_lock(&rt_lock);
	store_try();
	(void)pthread_mutex_unlock(&rt_lock);
	if (pthread_create(&th, NULL, reload_thread, NULL) != 0) {
		mlog(LOG_ERR, "cannot start the reload thread");
		rc = 71;
		goto out;
	}
	mlog(LOG_INFO, "optin-milter %s listening on %s (%zu lists, mode %s)",
	    PACKAGE_VERSION, rt->conf->socket, rt->conf->nlists,
	    rt->conf->mode == MODE_ENFORCE ? "enforce" : "monitor");
	rc = smfi_main() == MI_SUCCESS ? 0 : 70;
	mlog(LOG_INFO, "stopped");
out:
	if (is_unix)
		(void)unlink(path);
	if (pfh != NULL)
		(void)pidfile_remove(pfh);
	store_close(store);
	runtime_free(rt_current);
	return (rc);
}
