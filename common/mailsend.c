/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mailsend.c - hand a message to sendmail(1); see mailsend.h
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailsend.h"

#define MAIL_WAIT_MS	30000

extern char **environ;

/*
 * write_all - LEN bytes to FD; 0 / -1. SIGPIPE is blocked in this thread
 * meanwhile, and one it raised is taken back, so that a child that exits
 * early costs an EPIPE, not the process.
 */
static int
write_all(int fd, const char *p, size_t len)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe_set, old;
	ssize_t n;
	int rc = 0, saved;

	(void)sigemptyset(&pipe_set);
	(void)sigaddset(&pipe_set, SIGPIPE);
	(void)pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	saved = errno;
	if (rc < 0 && saved == EPIPE)
		(void)sigtimedwait(&pipe_set, NULL, &zero);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = saved;
	return (rc);
}

/* reap - wait for PID at most MAIL_WAIT_MS, then kill it; its status */
static int
reap(pid_t pid, int *status)
{
	struct timespec ts = { 0, 10 * 1000000L };
	int waited = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return (0);
		if (r < 0 && errno != EINTR)
			return (-1);
		if (waited >= MAIL_WAIT_MS) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, status, 0);
			return (-1);
		}
		(void)nanosleep(&ts, NULL);
		waited += 10;
	}
}

int
mail_send(const char *path, const char *from, const char *rcpt,
    const char *msg, size_t len, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t none, dfl;
	char *argv[7];
	int in[2], rc, status = 0, werr = 0;
	pid_t pid;

	if (*rcpt == '-' || *from == '-') {
		(void)snprintf(err, errlen, "address starts with '-'");
		return (-1);
	}
	if (pipe2(in, O_CLOEXEC) < 0) {
		(void)snprintf(err, errlen, "pipe: %s", strerror(errno));
		return (-1);
	}
	argv[0] = (char *)"sendmail";
	argv[1] = (char *)"-i";
	argv[2] = (char *)"-f";
	argv[3] = (char *)from;
	argv[4] = (char *)"--";
	argv[5] = (char *)rcpt;
	argv[6] = NULL;
	(void)sigemptyset(&none);
	(void)sigemptyset(&dfl);
	(void)sigaddset(&dfl, SIGPIPE);
	(void)sigaddset(&dfl, SIGHUP);
	(void)sigaddset(&dfl, SIGTERM);
	(void)sigaddset(&dfl, SIGINT);
	(void)sigaddset(&dfl, SIGUSR1);
	(void)posix_spawn_file_actions_init(&fa);
	(void)posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	(void)posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
	    0);
	(void)posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
	    0);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
	/*
	 * nothing else: LMDB's descriptors (data.mdb, opened read-write,
	 * without close-on-exec) and the daemon's sockets are not the
	 * child's
	 */
	(void)posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	(void)posix_spawnattr_init(&sa);
	(void)posix_spawnattr_setsigmask(&sa, &none);
	(void)posix_spawnattr_setsigdefault(&sa, &dfl);
	(void)posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, path, &fa, &sa, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	(void)close(in[0]);
	if (rc != 0) {
		(void)close(in[1]);
		(void)snprintf(err, errlen, "%s: %s", path, strerror(rc));
		return (-1);
	}
	if (write_all(in[1], msg, len) < 0)
		werr = errno;
	(void)close(in[1]);
	if (reap(pid, &status) < 0) {
		(void)snprintf(err, errlen, "%s: did not finish in %d s", path,
		    MAIL_WAIT_MS / 1000);
		return (-1);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		(void)snprintf(err, errlen, "%s: %s %d", path,
		    WIFEXITED(status) ? "exit status" : "killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return (-1);
	}
	if (werr != 0) {
		(void)snprintf(err, errlen, "%s: writing the message: %s", path,
		    strerror(werr));
		return (-1);
	}
	return (0);
}
