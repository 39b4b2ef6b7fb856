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
 *	old ones and says why. SIGTERM, SIGHUP and SIGINT stop: the
 *	listener closes at once (see wait_signals()), callbacks that run
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
#include "mono.h"
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
 * Signals. libmilter's listener holds a lock while it polls its socket,
 * up to 5 seconds at a time, and smfi_stop() (libmilter's own signal
 * thread calls the same on SIGTERM, SIGHUP and SIGINT) waits for that
 * lock before the listener looks at the stop: an idle milter took up
 * to 5 seconds to stop. So libmilter runs in a thread of its own
 * (serve()), and the main thread waits for every signal: SIGUSR1
 * reloads; on a stop it calls smfi_stop() from a helper thread and
 * interrupts the listener's poll with SIGUSR2 until the listener has
 * seen the stop. The kernel gives a signal sent to the process to its
 * main thread when that thread waits for it, so libmilter's signal
 * thread, which waits for the same three, does not see them: the main
 * thread only waits, and a reload runs in a thread of its own
 * (reloader()). Not quite never: the kernel passes a signal on to
 * another thread while the main thread has one pending that it has not
 * yet taken (a stop sent within microseconds of a SIGUSR1: 12 times in
 * 30 tries). libmilter's signal thread then marks the stop and waits
 * for the listener's lock; so after each reload the reloader interrupts
 * the poll for a while (after_reload()), and the listener sees that
 * stop as soon. SIGUSR2 is blocked everywhere but in libmilter's
 * threads, where it interrupts a system call and does nothing else.
 * libmilter starts only once the main thread waits, so that a stop that
 * came during the start is the main thread's too; and a stop that
 * closes the socket between the listener's look at the stop and its
 * lock makes smfi_main() fail: after a stop, that is a clean exit.
 */
static pthread_t main_th, serve_th;
static int served;			/* smfi_main() returned */
static int serve_rc;
static int stop_asked;			/* the main thread took a stop */

/* the listener starts once the main thread waits for the signals */
static pthread_mutex_t start_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cv = PTHREAD_COND_INITIALIZER;
static int waiting;

static pthread_mutex_t reload_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reload_cv = PTHREAD_COND_INITIALIZER;
static int reload_want, reload_quit;

static void
reload_now(void)
{
	mlog(LOG_INFO, "SIGUSR1: reloading %s", state_path());
	(void)state_reload();
}

#define WAKE_NS		10000000L	/* between two interruptions */
#define WAKE_TRIES	700		/* 7 s: longer than libmilter's poll */
#define RELOAD_WAKES	20		/* 200 ms after a reload */

/*
 * after_reload - with reload_mu held: a stop that came with the SIGUSR1
 * may have gone to libmilter's signal thread, which waits for the
 * listener's poll to end; end it, a few times, until the next reload or
 * the quit
 */
static void
after_reload(void)
{
	struct timespec until;
	int i;

	for (i = 0; i < RELOAD_WAKES && !reload_want && !reload_quit &&
	    !__atomic_load_n(&served, __ATOMIC_ACQUIRE); i++) {
		(void)pthread_kill(serve_th, SIGUSR2);
		mono_after(&until, WAKE_NS);
		(void)mono_wait(&reload_cv, &reload_mu, &until);
	}
}

/* reloader - one reload per SIGUSR1 (those that come during one: one) */
static void *
reloader(void *arg)
{
	(void)arg;
	(void)pthread_mutex_lock(&reload_mu);
	for (;;) {
		while (!reload_want && !reload_quit)
			(void)pthread_cond_wait(&reload_cv, &reload_mu);
		if (reload_quit)
			break;
		reload_want = 0;
		(void)pthread_mutex_unlock(&reload_mu);
		reload_now();
		(void)pthread_mutex_lock(&reload_mu);
		after_reload();
	}
	(void)pthread_mutex_unlock(&reload_mu);
	return (NULL);
}

static void
reload_post(int quit)
{
	(void)pthread_mutex_lock(&reload_mu);
	if (quit)
		reload_quit = 1;
	else
		reload_want = 1;
	(void)pthread_cond_signal(&reload_cv);
	(void)pthread_mutex_unlock(&reload_mu);
}

static void
interrupt(int sig)
{
	(void)sig;
}

/* serve - run libmilter; tell the main thread when it returns */
static void *
serve(void *arg)
{
	sigset_t wake;

	(void)arg;
	/*
	 * a stop that came during the start is pending: the main thread
	 * takes it, not libmilter's signal thread, once it waits
	 */
	(void)pthread_mutex_lock(&start_mu);
	while (!waiting)
		(void)pthread_cond_wait(&start_cv, &start_mu);
	(void)pthread_mutex_unlock(&start_mu);
	(void)sigemptyset(&wake);
	(void)sigaddset(&wake, SIGUSR2);
	(void)pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	serve_rc = smfi_main() == MI_SUCCESS ? 0 : 70;
	(void)pthread_sigmask(SIG_BLOCK, &wake, NULL);
	__atomic_store_n(&served, 1, __ATOMIC_RELEASE);
	(void)pthread_kill(main_th, SIGUSR2);
	return (NULL);
}

static void *
stopper(void *arg)
{
	(void)arg;
	(void)smfi_stop();
	return (NULL);
}

/*
 * wait_signals - reload on SIGUSR1 until a stop; return once libmilter
 * has returned and no reload runs
 */
static void
wait_signals(void)
{
	const struct timespec pause = { 0, WAKE_NS };
	sigset_t set;
	pthread_t st, rt;
	int sig, i, reloads;

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGUSR1);
	(void)sigaddset(&set, SIGUSR2);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGHUP);
	(void)sigaddset(&set, SIGINT);
	reloads = pthread_create(&rt, NULL, reloader, NULL) == 0;
	(void)pthread_mutex_lock(&start_mu);
	waiting = 1;
	(void)pthread_cond_signal(&start_cv);
	(void)pthread_mutex_unlock(&start_mu);
	for (;;) {
		if (__atomic_load_n(&served, __ATOMIC_ACQUIRE))
			goto out;
		if ((sig = sigwaitinfo(&set, NULL)) < 0 || sig == SIGUSR2)
			continue;
		if (sig != SIGUSR1) {
			__atomic_store_n(&stop_asked, 1, __ATOMIC_RELEASE);
			break;
		}
		if (reloads)
			reload_post(0);
		else
			reload_now();	/* no thread for it: here */
	}
	if (pthread_create(&st, NULL, stopper, NULL) != 0) {
		(void)smfi_stop();	/* waits for the poll to time out */
		goto out;
	}
	for (i = 0; i < WAKE_TRIES && !__atomic_load_n(&served,
	    __ATOMIC_ACQUIRE); i++) {
		(void)pthread_kill(serve_th, SIGUSR2);
		(void)nanosleep(&pause, NULL);
	}
	(void)pthread_join(st, NULL);
out:
	/* a reload under way ends first: state_free() follows */
	if (reloads) {
		reload_post(1);
		(void)pthread_join(rt, NULL);
	}
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
	struct sigaction sa;
	sigset_t set;
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
	if ((rt = state_init(conf_path, STATE_FIXED_SOCKET | STATE_ON_ERROR, err,
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
	/* every thread inherits the signals blocked; see wait_signals() */
	if ((rc = daemon_start(pidpath, rt->conf->user, foreground, &pfh,
	    &set)) != 0)
		return (rc);
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGUSR2);
	(void)pthread_sigmask(SIG_BLOCK, &set, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = interrupt;
	sa.sa_flags = SA_RESTART;	/* poll() returns EINTR all the same */
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGUSR2, &sa, NULL);

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
	mlog(LOG_INFO, "optin-milter %s listening on %s (%zu lists, mode %s)",
	    PACKAGE_VERSION, rt->conf->socket, rt->conf->nlists,
	    rt->conf->mode == MODE_ENFORCE ? "enforce" : "monitor");
	state_put(rt);
	main_th = pthread_self();
	if (pthread_create(&serve_th, NULL, serve, NULL) != 0) {
		mlog(LOG_ERR, "cannot start the listener thread");
		rc = 71;
		goto out;
	}
	wait_signals();
	(void)pthread_join(serve_th, NULL);
	/*
	 * libmilter's listener reads the stop, then takes its lock and finds
	 * the socket that the stop closed in between: "listenfd corrupted",
	 * MI_FAILURE. After a stop that is the stop, not a failure.
	 */
	rc = __atomic_load_n(&stop_asked, __ATOMIC_ACQUIRE) ? 0 : serve_rc;
	/*
	 * libmilter's threads are detached and it does not let sessions
	 * finish once stopped: refuse new callbacks, wait for the ones
	 * that run, then nothing of ours is used any more.
	 */
	gate_close();
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
