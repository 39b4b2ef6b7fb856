/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * state.c - the configuration, keys and database of a running daemon
 *
 * SYNOPSIS
 *	#include "state.h"
 *
 * DESCRIPTION
 *	See state.h. One mutex guards the runtime in force and the
 *	reference counts; the database handle does its own locking.
 *
 * DIAGNOSTICS
 *	Reload failures and the database's changes of state are logged
 *	with dlog(); a failed reload keeps the runtime in force.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "mono.h"
#include "state.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t drained = PTHREAD_COND_INITIALIZER;
static struct runtime *current;
static int others;			/* runtimes replaced, not yet freed */
static struct store *store;
static int fixed_keys;
static char conf_path[PATH_MAX];
static char secret_path[PATH_MAX];
static int secret_fd = -1;
static pthread_t watcher;
static int watching, stopping;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

/*
 * watch - check the database once a second even when no request comes:
 * a replaced or damaged file is let go at once (the old lock.mdb with
 * it, so that the next opener starts it afresh), and the log and
 * /healthz say so without waiting for traffic
 */
static void *
watch(void *arg)
{
	struct timespec until;
	char err[512];

	(void)arg;
	(void)pthread_mutex_lock(&lock);
	while (!stopping) {
		mono_after(&until, 1000000000LL);
		(void)mono_wait(&wake, &lock, &until);
		if (stopping)
			break;
		(void)pthread_mutex_unlock(&lock);
		if (store_check(store, err, sizeof(err)) < 0) {
			/* store_event() has told the log already */
		}
		(void)pthread_mutex_lock(&lock);
	}
	(void)pthread_mutex_unlock(&lock);
	return (NULL);
}

/* store_event - the database's changes of state, in the log */
static void
store_event(void *arg, int bad, const char *text)
{
	int onerr = 0;

	(void)arg;
	(void)pthread_mutex_lock(&lock);
	if (current != NULL)
		onerr = current->conf->on_error;
	(void)pthread_mutex_unlock(&lock);
	if (bad && onerr != 0 && (fixed_keys & STATE_ON_ERROR))
		dlog(LOG_ERR, "%s; list mail gets on-error (%s)", text,
		    onerr == ONERR_TEMPFAIL ? "tempfail" : "accept");
	else
		dlog(bad ? LOG_ERR : LOG_INFO, "%s", text);
}

/*
 * kept_keys - the keys from the descriptor opened at start, for a user
 * that may not open the file by name; -1 with ERR when that is not the
 * same file or it is not fit
 */
static int
kept_keys(const char *file, struct token_keys **keys, char *err,
    size_t errlen)
{
	struct stat now, kept;
	char buf[4096], perr[128];
	ssize_t n;
	int rc;

	if (secret_fd < 0 || strcmp(file, secret_path) != 0 ||
	    stat(file, &now) < 0 || fstat(secret_fd, &kept) < 0 ||
	    now.st_dev != kept.st_dev || now.st_ino != kept.st_ino) {
		(void)snprintf(err, errlen, "secret-file %s: this user (uid "
		    "%lu) cannot read it; make it readable by the daemon's "
		    "group (chgrp, chmod 0640) or restart", file,
		    (unsigned long)geteuid());
		return (-1);
	}
	if (kept.st_mode & (S_IRWXO | S_IWGRP)) {
		(void)snprintf(err, errlen, "secret-file %s: mode %04o lets "
		    "others read or change it (chmod 0600)", file,
		    (unsigned)(kept.st_mode & 07777));
		return (-1);
	}
	n = pread(secret_fd, buf, sizeof(buf), 0);
	if (n < 0 || (size_t)n == sizeof(buf)) {
		(void)snprintf(err, errlen, "secret-file %s: %s", file,
		    n < 0 ? strerror(errno) : "too large");
		explicit_bzero(buf, sizeof(buf));
		return (-1);
	}
	rc = token_keys_parse(buf, (size_t)n, keys, perr, sizeof(perr));
	explicit_bzero(buf, sizeof(buf));
	if (rc < 0)
		(void)snprintf(err, errlen, "secret-file %s: %s", file, perr);
	return (rc);
}

/* load - the configuration and its keys */
static struct runtime *
load(char *err, size_t errlen)
{
	struct runtime *rt;

	if ((rt = calloc(1, sizeof(*rt))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (NULL);
	}
	if (conf_load(conf_path, &rt->conf, err, errlen) < 0) {
		runtime_free(rt);
		return (NULL);
	}
	if (access(rt->conf->secret_file, R_OK) < 0 && errno == EACCES &&
	    secret_fd >= 0) {
		if (kept_keys(rt->conf->secret_file, &rt->keys, err,
		    errlen) < 0) {
			runtime_free(rt);
			return (NULL);
		}
	} else if (token_keys_load(rt->conf->secret_file, &rt->keys, err,
	    errlen) < 0) {
		runtime_free(rt);
		return (NULL);
	}
	return (rt);
}

struct runtime *
state_init(const char *path, int fixed, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	int n;

	fixed_keys = fixed;
	/* absolute, so that a reload after daemon(3) finds the same file */
	if (path[0] == '/')
		n = snprintf(conf_path, sizeof(conf_path), "%s", path);
	else if (getcwd(dir, sizeof(dir)) == NULL)
		n = -1;
	else
		n = snprintf(conf_path, sizeof(conf_path), "%s/%s", dir, path);
	if (n < 0 || (size_t)n >= sizeof(conf_path)) {
		(void)snprintf(err, errlen, "%s: path too long", path);
		return (NULL);
	}
	if ((current = load(err, errlen)) == NULL)
		return (NULL);
	current->refs = 1;		/* the state's own */
	(void)strlcpy(secret_path, current->conf->secret_file,
	    sizeof(secret_path));
	secret_fd = open(secret_path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	return (current);
}

const char *
state_path(void)
{
	return (conf_path);
}

int
state_open_store(void)
{
	struct store *st;
	char err[512];
	const struct conf *c = current->conf;

	if (store_open(c->database, c->map_size, STORE_LAZY, &st, err,
	    sizeof(err)) < 0) {
		dlog(LOG_ERR, "%s", err);
		return (-1);
	}
	store_set_notify(st, store_event, NULL);
	if (store_check(st, err, sizeof(err)) < 0)
		store_event(NULL, 1, err);
	else
		dlog(LOG_INFO, "database %s open", c->database);
	(void)pthread_mutex_lock(&lock);
	store = st;
	(void)pthread_mutex_unlock(&lock);
	if (pthread_create(&watcher, NULL, watch, NULL) == 0)
		watching = 1;
	else
		dlog(LOG_WARNING, "cannot start the database watcher; the "
		    "database is checked only when it is used");
	return (0);
}

struct runtime *
state_get(struct store **st)
{
	struct runtime *rt;

	(void)pthread_mutex_lock(&lock);
	rt = current;
	rt->refs++;
	*st = store;
	(void)pthread_mutex_unlock(&lock);
	return (rt);
}

void
state_put(struct runtime *rt)
{
	int gone;

	if (rt == NULL)
		return;
	(void)pthread_mutex_lock(&lock);
	gone = --rt->refs == 0;
	if (gone)
		others--;
	if (gone || rt->refs == 1)
		(void)pthread_cond_broadcast(&drained);
	(void)pthread_mutex_unlock(&lock);
	if (gone)
		runtime_free(rt);
}

int
state_reload(void)
{
	struct runtime *rt, *old;
	char err[1024];

	if ((rt = load(err, sizeof(err))) == NULL) {
		dlog(LOG_ERR, "reload failed, keeping the old configuration: "
		    "%s", err);
		return (-1);
	}
	(void)pthread_mutex_lock(&lock);
	old = current;
	if (strcmp(old->conf->database, rt->conf->database) != 0 ||
	    strcmp(old->conf->user, rt->conf->user) != 0 ||
	    ((fixed_keys & STATE_FIXED_SOCKET) &&
	    strcmp(old->conf->socket, rt->conf->socket) != 0) ||
	    ((fixed_keys & STATE_FIXED_LISTEN) &&
	    strcmp(old->conf->listen, rt->conf->listen) != 0)) {
		(void)pthread_mutex_unlock(&lock);
		dlog(LOG_ERR, "reload failed, keeping the old configuration: "
		    "database, %s and user change only with a restart",
		    (fixed_keys & STATE_FIXED_SOCKET) ? "socket" : "listen");
		runtime_free(rt);
		return (-1);
	}
	rt->refs = 1;
	current = rt;
	/* the state's reference moves to the new one */
	if (--old->refs == 0)
		(void)pthread_cond_broadcast(&drained);
	else {
		others++;
		old = NULL;		/* the last state_put() frees it */
	}
	(void)pthread_mutex_unlock(&lock);
	runtime_free(old);
	dlog(LOG_INFO, "configuration %s reloaded (%zu lists, mode %s)",
	    conf_path, rt->conf->nlists, rt->conf->mode == MODE_ENFORCE ?
	    "enforce" : "monitor");
	return (0);
}

int
state_drain(int seconds)
{
	struct timespec until;
	int rc = 0;

	mono_after(&until, seconds * 1000000000LL);
	(void)pthread_mutex_lock(&lock);
	while (current != NULL && (current->refs > 1 || others > 0)) {
		if (mono_wait(&drained, &lock, &until) != 0) {
			rc = -1;
			break;
		}
	}
	(void)pthread_mutex_unlock(&lock);
	return (rc);
}

void
state_free(void)
{
	if (watching) {
		(void)pthread_mutex_lock(&lock);
		stopping = 1;
		(void)pthread_cond_broadcast(&wake);
		(void)pthread_mutex_unlock(&lock);
		(void)pthread_join(watcher, NULL);
		watching = 0;
	}
	(void)pthread_mutex_lock(&lock);
	store_close(store);
	store = NULL;
	runtime_free(current);
	current = NULL;
	(void)pthread_mutex_unlock(&lock);
	if (secret_fd >= 0)
		(void)close(secret_fd);
	secret_fd = -1;
}
