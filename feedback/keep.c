/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * keep.c - what optin-feedback does not act on is kept, not deleted
 *
 * SYNOPSIS
 *	keep_message(dir, buf, len, rest, name, sizeof(name), err,
 *	    sizeof(err));
 *
 * DESCRIPTION
 *	A message to the bounce or complaint address that carries no token
 *	of ours (a person writing to it, a forged or foreign report, an
 *	auto-reply) is not ours to delete. It goes into a Maildir, DIR
 *	(made with tmp/, new/ and cur/, mode 0700, when missing), written
 *	to tmp/, synced, and renamed into new/, so that a reader never
 *	sees half of it and any mail reader opens the folder. BUF holds
 *	the message, or its beginning when REST is a descriptor (not -1):
 *	the rest is copied from REST to its end.
 *
 *	Anybody can write to those addresses, and DIR is on the database's
 *	file system: a message that would leave less than KEEP_RESERVE_PCT
 *	percent of it free (at least KEEP_RESERVE_MIN bytes, at most
 *	KEEP_RESERVE_MAX) is not kept
 *	(an error: Postfix keeps it in its queue, which has its own
 *	reserve), so that kept mail never takes the room the database
 *	needs to record an unsubscribe. The rest read from REST is held to
 *	the same reserve every KEEP_CHECK_EVERY octets.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mime.h"

#define KEEP_RESERVE_PCT	5
#define KEEP_RESERVE_MIN	(64ULL << 20)
#define KEEP_RESERVE_MAX	(1ULL << 30)
#define KEEP_CHECK_EVERY	(4U << 20)

/* room_for - 1 when LEN more bytes in DIR leave the reserve free */
static int
room_for(const char *dir, size_t len, char *err, size_t errlen)
{
	struct statvfs vs;
	unsigned long long avail, size, reserve;

	if (statvfs(dir, &vs) < 0) {
		(void)snprintf(err, errlen, "statvfs %s: %s", dir,
		    strerror(errno));
		return (0);
	}
	avail = (unsigned long long)vs.f_bavail * vs.f_frsize;
	size = (unsigned long long)vs.f_blocks * vs.f_frsize;
	reserve = size / 100 * KEEP_RESERVE_PCT;
	if (reserve > KEEP_RESERVE_MAX)
		reserve = KEEP_RESERVE_MAX;
	if (reserve < KEEP_RESERVE_MIN)
		reserve = KEEP_RESERVE_MIN;
	if (avail >= reserve && avail - reserve >= len)
		return (1);
	(void)snprintf(err, errlen, "%s: %llu MB free, and %llu MB are kept "
	    "for the database", dir, avail >> 20, reserve >> 20);
	return (0);
}

/* mkdir_p - DIR itself (its parent must exist); 0 when it is there */
static int
mkdir_one(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return (0);
	return (-1);
}

/* write_all - LEN octets of BUF to FD; 0, or -1 with errno */
static int
write_all(int fd, const char *buf, size_t len)
{
	size_t off;
	ssize_t n;

	for (off = 0; off < len; off += (size_t)n)
		if ((n = write(fd, buf + off, len - off)) <= 0) {
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n == 0)
				errno = EIO;
			return (-1);
		}
	return (0);
}

/*
 * copy_rest - REST to its end onto FD, keeping the reserve of DIR;
 * 0, or -1 with ERR set
 */
static int
copy_rest(int rest, int fd, const char *dir, const char *tmp, char *err,
    size_t errlen)
{
	char chunk[65536];
	size_t since = 0;
	ssize_t n;

	for (;;) {
		if ((n = read(rest, chunk, sizeof(chunk))) < 0) {
			if (errno == EINTR)
				continue;
			(void)snprintf(err, errlen, "read: %s",
			    strerror(errno));
			return (-1);
		}
		if (n == 0)
			return (0);
		if ((since += (size_t)n) >= KEEP_CHECK_EVERY) {
			if (!room_for(dir, since, err, errlen))
				return (-1);
			since = 0;
		}
		if (write_all(fd, chunk, (size_t)n) < 0) {
			(void)snprintf(err, errlen, "%s: %s", tmp,
			    strerror(errno));
			return (-1);
		}
	}
}

int
keep_message(const char *dir, const char *buf, size_t len, int rest,
    char *name, size_t namelen, char *err, size_t errlen)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	char path[4096], tmp[4096], host[256], *p;
	size_t i;
	int fd;

	if (mkdir_one(dir) < 0) {
		(void)snprintf(err, errlen, "mkdir %s: %s", dir, strerror(errno));
		return (-1);
	}
	for (i = 0; i < 3; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, sub[i]) >=
		    sizeof(path) || mkdir_one(path) < 0) {
			(void)snprintf(err, errlen, "mkdir %s: %s", path,
			    strerror(errno));
			return (-1);
		}
	}
	if (!room_for(dir, len, err, errlen))
		return (-1);
	if (gethostname(host, sizeof(host)) < 0)
		(void)strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	for (p = host; *p != '\0'; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	if ((size_t)snprintf(name, namelen, "%lld.P%ldR%08x.%s",
	    (long long)time(NULL), (long)getpid(), arc4random(), host) >=
	    namelen ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/tmp/%s", dir, name) >=
	    sizeof(tmp) ||
	    (size_t)snprintf(path, sizeof(path), "%s/new/%s", dir, name) >=
	    sizeof(path)) {
		(void)snprintf(err, errlen, "%s: path too long", dir);
		return (-1);
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0) {
		(void)snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return (-1);
	}
	if (write_all(fd, buf, len) < 0)
		goto fail;
	if (rest >= 0 && copy_rest(rest, fd, dir, tmp, err, errlen) < 0) {
		(void)close(fd);
		(void)unlink(tmp);
		return (-1);
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	return (0);
fail:
	(void)snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	if (fd >= 0)
		(void)close(fd);
	(void)unlink(tmp);
	return (-1);
}
