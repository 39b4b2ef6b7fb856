/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * daemon.h - what optin-milter and optin-unsubd share as daemons:
 * logging, the configuration in force, dropping privileges
 */
#ifndef OPTIN_DAEMON_H
#define OPTIN_DAEMON_H

#include <signal.h>
#include <stddef.h>

#include "conf.h"
#include "token.h"

/* dlog_init - log as IDENT to standard error (TO_STDERR) or syslog mail */
void	dlog_init(const char *ident, int to_stderr);
void	dlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* the configuration and keys in force; shared read-only */
struct runtime {
	struct conf *conf;
	struct token_keys *keys;
	int	refs;			/* used by optin-milter */
};

/* runtime_load - FILE and its secret-file; NULL with ERR set */
struct runtime *runtime_load(const char *file, char *err, size_t errlen);
void	runtime_free(struct runtime *);

/*
 * daemon_rundir - make the directory of PATH (a pid file or socket) if
 * it is missing, owned by USER when running as root, so that the file
 * can still be removed after privileges are dropped. 0 / -1 (logged).
 */
int	daemon_rundir(const char *path, const char *user);

/*
 * daemon_start - take the pid file PIDPATH (may be NULL), detach unless
 * FOREGROUND, write the pid, and block SIGHUP, SIGUSR1, SIGTERM and SIGINT
 * in SET for every thread made after it (SIGPIPE is ignored). Returns 0,
 * or an exit code after logging why (75: another instance runs).
 */
struct pidfh;
int	daemon_start(const char *pidpath, const char *user, int foreground,
	    struct pidfh **pfh, sigset_t *set) __attribute__((warn_unused_result));

/* daemon_drop_privileges - become USER ("" or not root: nothing); 0 / -1 */
int	daemon_drop_privileges(const char *user);

#endif
