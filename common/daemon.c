/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * daemon.c - logging, configuration loading and privilege dropping for
 * the two daemons
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <bsd/libutil.h>

#include "daemon.h"
#include "logbuf.h"

static int use_stderr;
static const char *log_ident = "optin";

void
dlog_init(const char *ident, int to_stderr)
{
	log_ident = ident;
	use_stderr = to_stderr;
	logbuf_init(ident, to_stderr);
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
dlog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (use_stderr) {
		char buf[4096];
		int n, k;

		/* one write, no stdio lock, the pid kept by logbuf */
		n = snprintf(buf, sizeof(buf), "%s[%ld]: ", log_ident,
		    (long)logbuf_pid());
		if (n < 0 || (size_t)n >= sizeof(buf) - 1)
			n = 0;
		k = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
		if (k < 0)
			k = 0;
		else if ((size_t)k >= sizeof(buf) - (size_t)n - 1)
			k = (int)(sizeof(buf) - (size_t)n - 2);
		buf[n + k] = '\n';
		if (write(STDERR_FILENO, buf, (size_t)(n + k + 1)) < 0)
			k = 0;		/* nowhere else to say it */
	} else
		vsyslog(prio, fmt, ap);
	va_end(ap);
}

void
runtime_free(struct runtime *rt)
{
	if (rt == NULL)
		return;
	token_keys_free(rt->keys);
	conf_free(rt->conf);
	free(rt);
}

struct runtime *
runtime_load(const char *file, char *err, size_t errlen)
{
	struct runtime *rt;

	if ((rt = calloc(1, sizeof(*rt))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (NULL);
	}
	if (conf_load(file, &rt->conf, err, errlen) < 0 ||
	    token_keys_load(rt->conf->secret_file, &rt->keys, err, errlen) < 0) {
		runtime_free(rt);
		return (NULL);
	}
	return (rt);
}

int
daemon_rundir(const char *path, const char *user)
{
	char dir[4096], *slash;
	struct passwd *pw;

	if (strlcpy(dir, path, sizeof(dir)) >= sizeof(dir) ||
	    (slash = strrchr(dir, '/')) == NULL || slash == dir)
		return (0);
	*slash = '\0';
	if (mkdir(dir, 0755) < 0) {
		if (errno == EEXIST)
			return (0);
		dlog(LOG_ERR, "mkdir %s: %s", dir, strerror(errno));
		return (-1);
	}
	if (user[0] != '\0' && geteuid() == 0 && (pw = getpwnam(user)) != NULL &&
	    chown(dir, pw->pw_uid, pw->pw_gid) < 0)
		dlog(LOG_WARNING, "chown %s: %s", dir, strerror(errno));
	return (0);
}

int
daemon_start(const char *pidpath, const char *user, int foreground,
    struct pidfh **pfh, sigset_t *set)
{
	*pfh = NULL;
	if (pidpath != NULL) {
		pid_t other;

		(void)daemon_rundir(pidpath, user);
		if ((*pfh = pidfile_open(pidpath, 0644, &other)) == NULL) {
			if (errno == EEXIST) {
				dlog(LOG_ERR, "already running as pid %ld",
				    (long)other);
				return (75);
			}
			dlog(LOG_WARNING, "pid file %s: %s", pidpath,
			    strerror(errno));
		}
	}
	if (!foreground && daemon(0, 0) < 0) {
		dlog(LOG_ERR, "daemon: %s", strerror(errno));
		return (71);
	}
	if (*pfh != NULL)
		(void)pidfile_write(*pfh);
	(void)sigemptyset(set);
	(void)sigaddset(set, SIGHUP);
	(void)sigaddset(set, SIGUSR1);
	(void)sigaddset(set, SIGTERM);
	(void)sigaddset(set, SIGINT);
	(void)pthread_sigmask(SIG_BLOCK, set, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	return (0);
}

int
daemon_drop_privileges(const char *user)
{
	struct passwd *pw;

	if (user[0] == '\0' || geteuid() != 0)
		return (0);
	if ((pw = getpwnam(user)) == NULL) {
		dlog(LOG_ERR, "user %s: no such user", user);
		return (-1);
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		dlog(LOG_ERR, "cannot become %s: %s", user, strerror(errno));
		return (-1);
	}
	if (setuid(0) == 0) {
		dlog(LOG_ERR, "privileges were not dropped");
		return (-1);
	}
	return (0);
}
