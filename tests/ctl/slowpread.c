/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * slowpread.so - a fault-injection shim for tests, loaded with
 * LD_PRELOAD: the first pread(2) at offset 0 of a file named data.mdb
 * first sleeps 20 ms, as a process preempted once on a busy machine
 * between looking at data.mdb's size and reading its meta pages would.
 * Nothing else changes.
 */
#define _GNU_SOURCE
#include <sys/types.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);

static int
is_data(int fd)
{
	char p[64], t[4096];
	ssize_t n;

	(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if ((n = readlink(p, t, sizeof(t) - 1)) < 0)
		return (0);
	t[n] = '\0';
	return (n >= 9 && strcmp(t + n - 9, "/data.mdb") == 0);
}

static ssize_t
slow(const char *name, int fd, void *buf, size_t len, off_t off)
{
	pread_fn real = (pread_fn)dlsym(RTLD_NEXT, name);
	static int done;

	if (off == 0 && !done && is_data(fd)) {
		done = 1;
		(void)usleep(20000);
	}
	return (real(fd, buf, len, off));
}

ssize_t
pread64(int fd, void *buf, size_t len, off_t off)
{
	return (slow("pread64", fd, buf, len, off));
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	return (slow("pread", fd, buf, len, off));
}
