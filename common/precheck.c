/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * precheck.c - the -n checks of optin-milter and optin-unsubd
 *
 * SYNOPSIS
 *	#include "precheck.h"
 *
 *	int precheck(const struct conf *c, int flags);
 *
 * DESCRIPTION
 *	The configuration parser already refuses what is wrong inside the
 *	file. These are the checks of the surroundings that a start would
 *	otherwise find later: the socket directory (made before privileges
 *	are dropped, by the identity that runs -n), the user, and what that
 *	user must be able to open after the drop (the database; the secret
 *	file only warns, since a reload reads it through the descriptor
 *	kept from start). As root with a user, the per-user
 *	checks run in a child that has become the user, so that they see
 *	exactly what the daemon will see.
 *
 * DIAGNOSTICS
 *	Each problem on standard error as "FILE:LINE: keyword value: why",
 *	the line being the one that set the keyword (just "FILE:" for a
 *	default). A database without data.mdb is a warning: the daemons
 *	start without it and list mail gets on-error until optinctl init.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "precheck.h"

/* say - "FILE:LINE: " (or "FILE: ") for KEYWORD, then the message */
static void __attribute__((format(printf, 3, 4)))
say(const struct conf *c, const char *keyword, const char *fmt, ...)
{
	va_list ap;
	int line = keyword != NULL ? conf_line(c, keyword) : 0;

	if (line > 0)
		(void)fprintf(stderr, "%s:%d: ", c->path, line);
	else
		(void)fprintf(stderr, "%s: ", c->path);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

/* whoami - the user name of the effective uid, for messages */
static const char *
whoami(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw == NULL || strlcpy(buf, pw->pw_name, len) >= len)
		(void)snprintf(buf, len, "uid %ld", (long)geteuid());
	return (buf);
}

/* check_socket_dir - the directory of a unix socket exists or can be made */
static int
check_socket_dir(const struct conf *c)
{
	char dir[PATH_MAX], parent[PATH_MAX], *sl;
	struct stat sb;

	if (strncmp(c->socket, "unix:", 5) != 0)
		return (0);
	if (strlcpy(dir, c->socket + 5, sizeof(dir)) >= sizeof(dir) ||
	    (sl = strrchr(dir, '/')) == NULL)
		return (0);
	if (sl == dir)
		sl[1] = '\0';
	else
		*sl = '\0';
	if (stat(dir, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode)) {
			say(c, "socket", "socket %s: %s is not a directory",
			    c->socket, dir);
			return (-1);
		}
		if (access(dir, W_OK | X_OK) < 0) {
			char me[64];
			int e = errno;

			say(c, "socket", "socket %s: directory %s: %s (the socket "
			    "is made as %s)", c->socket, dir, strerror(e),
			    whoami(me, sizeof(me)));
			return (-1);
		}
		return (0);
	}
	if (errno != ENOENT) {
		say(c, "socket", "socket %s: directory %s: %s", c->socket, dir,
		    strerror(errno));
		return (-1);
	}
	/* the daemon makes one missing level (daemon_rundir) */
	(void)strlcpy(parent, dir, sizeof(parent));
	if ((sl = strrchr(parent, '/')) != NULL && sl != parent)
		*sl = '\0';
	else
		(void)strlcpy(parent, "/", sizeof(parent));
	if (stat(parent, &sb) < 0) {
		say(c, "socket", "socket %s: directory %s does not exist, and "
		    "cannot be made: %s: %s", c->socket, dir, parent,
		    strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		say(c, "socket", "socket %s: directory %s does not exist, and "
		    "cannot be made: %s is not a directory", c->socket, dir,
		    parent);
		return (-1);
	}
	if (access(parent, W_OK | X_OK) < 0) {
		say(c, "socket", "socket %s: directory %s does not exist, and "
		    "cannot be made in %s: %s", c->socket, dir, parent,
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/* check_files - as the daemon's user: the secret file and the database */
static int
check_files(const struct conf *c, const char *user)
{
	char path[PATH_MAX + 16];
	const char *hint = user[0] != '\0' ? user : NULL;
	struct stat sb;
	int fd, rc = 0;

	if ((fd = open(c->secret_file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) >= 0)
		(void)close(fd);
	else if (errno == EACCES && hint != NULL)
		/* started as root: the key is read before the drop, and a
		 * reload reads the same file through the descriptor kept */
		say(c, "secret-file", "warning: secret-file %s: %s for user "
		    "%s: a reload reads it through the descriptor kept from "
		    "start, but a new key file (rotation) needs a restart, or "
		    "the file readable by the user's group (chgrp, chmod 0640)",
		    c->secret_file, strerror(errno), hint);
	else {
		say(c, "secret-file", "secret-file %s: %s", c->secret_file,
		    strerror(errno));
		rc = -1;
	}

	if (stat(c->database, &sb) < 0) {
		if (errno == ENOENT) {
			say(c, "database", "warning: database %s: %s (run "
			    "optinctl init); list mail gets on-error until it "
			    "exists", c->database, strerror(errno));
			return (rc);
		}
		say(c, "database", "database %s: %s%s%s", c->database,
		    strerror(errno), hint ? " for user " : "", hint ? hint : "");
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode)) {
		say(c, "database", "database %s: not a directory", c->database);
		return (-1);
	}
	(void)snprintf(path, sizeof(path), "%s/data.mdb", c->database);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			say(c, "database", "warning: database %s: no data.mdb "
			    "(run optinctl init); list mail gets on-error until "
			    "it exists", c->database);
		else {
			say(c, "database", "database %s: data.mdb: %s%s%s%s",
			    c->database, strerror(errno),
			    hint ? " for user " : "", hint ? hint : "",
			    errno == EACCES && hint ? " (chown -R the database "
			    "directory to the user)" : "");
			rc = -1;
		}
		return (rc);
	}
	(void)close(fd);
	(void)snprintf(path, sizeof(path), "%s/lock.mdb", c->database);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) >= 0)
		(void)close(fd);
	else if (errno != ENOENT || access(c->database, W_OK | X_OK) < 0) {
		say(c, "database", "database %s: %s: %s%s%s", c->database,
		    errno == ENOENT ? "cannot make lock.mdb" : "lock.mdb",
		    strerror(errno), hint ? " for user " : "", hint ? hint : "");
		rc = -1;
	}
	return (rc);
}

/* check_as - check_files in a child that has become PW */
static int
check_as(const struct conf *c, const struct passwd *pw)
{
	pid_t pid;
	int status;

	(void)fflush(stderr);
	if ((pid = fork()) < 0) {
		say(c, NULL, "fork: %s", strerror(errno));
		return (-1);
	}
	if (pid == 0) {
		if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
		    setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
			say(c, "user", "user %s: cannot become it: %s",
			    pw->pw_name, strerror(errno));
			_exit(1);
		}
		_exit(check_files(c, pw->pw_name) < 0 ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return (-1);
	return (WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1);
}

int
precheck(const struct conf *c, int flags)
{
	struct passwd *pw = NULL;
	int rc = 0;

	if ((flags & PRECHECK_SOCKET) && check_socket_dir(c) < 0)
		rc = -1;
	if ((flags & PRECHECK_SENDMAIL) && c->confirm_from[0] != '\0' &&
	    c->confirm_url[0] != '\0' && access(c->sendmail_path, X_OK) < 0)
		say(c, "sendmail-path", "warning: sendmail-path %s: %s "
		    "(confirmation messages cannot be sent)", c->sendmail_path,
		    strerror(errno));
	if (c->user[0] != '\0' && (pw = getpwnam(c->user)) == NULL) {
		say(c, "user", "user %s: no such user (create it: adduser "
		    "--system --group %s; or remove the user line)", c->user,
		    c->user);
		return (-1);
	}
	if (pw != NULL && geteuid() == 0) {
		if (check_as(c, pw) < 0)
			rc = -1;
	} else if (check_files(c, "") < 0)
		rc = -1;
	return (rc);
}
