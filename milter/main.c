/* SPDX-License-Identifier: BSD-2-Clause */
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
 *	SIGUSR1 reloads the configuration and keys; a bad file keeps the
 *	old ones and says why. SIGTERM, SIGHUP and SIGINT stop (libmilter's
 *	signal thread owns them): the listener closes, callbacks that run
 *	get up to STOP_WAIT seconds, later ones do nothing (gate.c), and
 *	only then are the database and the configuration freed.
 *
 *	A database that cannot be opened, is damaged, replaced or removed
 *	does not stop the daemon (state.c, store.c): list mail gets
 *	on-error (tempfail by default), the reason is logged once, and the
 *	database is opened again, at most once a second, once it is good.
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
#include "state.h"
#include "sockopt.h"

#define STOP_WAIT	10	/* seconds for running callbacks at stop */

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

struct runtime *
runtime_get(struct store **st)
{
	return (state_get(st));
}

void
runtime_put(struct runtime *rt)
{
	state_put(rt);
}

/*
 * reload_thread - SIGUSR1 reloads. libmilter's own signal thread waits
 * for SIGHUP, SIGTERM and SIGINT and stops the milter on each; SIGUSR1
 * is in no set of libmilter's, so this thread alone receives it, with
 * no dependence on which sigwait() the dynamic linker picks.
 */
static void *
reload_thread(void *arg)
{
	sigset_t set;
	int sig;

	(void)arg;
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGUSR1);
	for (;;) {
		/* cancelled (at stop) only while it waits, never mid-reload */
		(void)pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		sig = sigwaitinfo(&set, NULL);
		(void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		if (sig < 0)
			continue;
		mlog(LOG_INFO, "SIGUSR1: reloading %s", state_path());
		(void)state_reload();
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
	struct store *st;
	struct pidfh *pfh = NULL;
	const char *pidpath = NULL, *conf_path;
	char err[1024], path[PATH_MAX];
	sigset_t set;
	pthread_t th;
	int ch, foreground = 0, check = 0, rc, is_unix, left, open = 0;

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
	if (check) {
		if ((rt = runtime_load(conf_path, err, sizeof(err))) == NULL) {
			(void)fprintf(stderr, "optin-milter: %s\n", err);
			return (78);
		}
		if (precheck(rt->conf, PRECHECK_SOCKET) < 0) {
			runtime_free(rt);
			return (78);
		}
		(void)printf("%s: configuration ok (%zu lists, %zu keys)\n",
		    conf_path, rt->conf->nlists, token_keys_count(rt->keys));
		runtime_free(rt);
		return (0);
	}
	if ((rt = state_init(conf_path, STATE_FIXED_SOCKET, err,
	    sizeof(err))) == NULL) {
		(void)fprintf(stderr, "optin-milter: %s\n", err);
		return (78);
	}
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
	/* every thread inherits the signals blocked; see reload_thread() */
	if ((rc = daemon_start(pidpath, rt->conf->user, foreground, &pfh,
	    &set)) != 0)
		return (rc);

	if (smfi_setconn(rt->conf->socket) != MI_SUCCESS ||
	    smfi_register(*gate_desc(&filter_desc)) != MI_SUCCESS ||
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
	if (state_open_store() < 0) {
		rc = 71;
		goto out;
	}
	/* from here on a reload may replace RT: hold a reference to log */
	rt = state_get(&st);
	if (pthread_create(&th, NULL, reload_thread, NULL) != 0) {
		mlog(LOG_ERR, "cannot start the reload thread");
		state_put(rt);
		rc = 71;
		goto out;
	}
	mlog(LOG_INFO, "optin-milter %s listening on %s (%zu lists, mode %s)",
	    PACKAGE_VERSION, rt->conf->socket, rt->conf->nlists,
	    rt->conf->mode == MODE_ENFORCE ? "enforce" : "monitor");
	state_put(rt);
	rc = smfi_main() == MI_SUCCESS ? 0 : 70;
	/*
	 * libmilter's threads are detached and it does not let sessions
	 * finish once stopped: refuse new callbacks, wait for the ones
	 * that run, then nothing of ours is used any more.
	 */
	gate_close();
	/* no reload may begin now, and one under way ends first */
	if (pthread_cancel(th) == 0)
		(void)pthread_join(th, NULL);
	if ((left = gate_wait(STOP_WAIT, &open)) > 0) {
		mlog(LOG_WARNING, "stopped with %d callback%s still running; "
		    "exiting without freeing", left, left == 1 ? "" : "s");
		if (is_unix)
			(void)unlink(path);
		if (pfh != NULL)
			(void)pidfile_remove(pfh);
		return (rc);
	}
	if (open > 0)
		mlog(LOG_INFO, "stopped; %d session%s cut short (the MTA "
		    "applies its milter_default_action)", open, open == 1 ?
		    "" : "s");
	else
		mlog(LOG_INFO, "stopped");
out:
	if (is_unix)
		(void)unlink(path);
	if (pfh != NULL)
		(void)pidfile_remove(pfh);
	state_free();
	return (rc);
}
