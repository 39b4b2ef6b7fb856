/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ctl_db.c - optinctl backup and restore
 *
 * SYNOPSIS
 *	optinctl backup FILE
 *	optinctl restore FILE [--no-replay]
 *
 * DESCRIPTION
 *	backup writes a consistent, compacted copy while the daemons run.
 *	restore puts it back under running daemons in one write
 *	transaction, keeping what changed after the backup was taken
 *	(unless --no-replay); when the database cannot be opened at all it
 *	puts the backup in place of data.mdb instead (store_backup.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

int
verb_backup(struct ctl *c, int argc, char **argv)
{
	const char *pos[1];
	char err[512];
	int rc;

	if (ctl_args("backup", argc, argv, NULL, pos, 1) != 1) {
		ctl_err("usage: backup FILE");
		return (EX_USAGE);
	}
	if ((rc = ctl_open_store(c, STORE_RDONLY)) != 0)
		return (rc);
	if (store_backup(c->st, pos[0], err, sizeof(err)) < 0) {
		ctl_err("backup: %s", err);
		return (EX_IOERR);
	}
	(void)printf("backup of %s written to %s\n", c->conf->database, pos[0]);
	return (0);
}

int
verb_restore(struct ctl *c, int argc, char **argv)
{
	struct ctl_opt opts[] = { { "no-replay", 0, NULL }, { NULL, 0, NULL } };
	struct store_restore_result res;
	const char *pos[1];
	char err[512];
	int tries, fd;

	if (ctl_args("restore", argc, argv, opts, pos, 1) != 1) {
		ctl_err("usage: restore FILE [--no-replay]");
		return (EX_USAGE);
	}
	/* no such file is no input (66), before the database is looked at */
	if ((fd = open(pos[0], O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		ctl_err("restore: %s: %s", pos[0], strerror(errno));
		return (errno == ENOENT || errno == EACCES ? EX_NOINPUT :
		    EX_IOERR);
	}
	(void)close(fd);
	/*
	 * A database that cannot be opened is replaced by the backup, and
	 * nothing made since the backup is kept: only one that still cannot
	 * be opened after five tries, a second apart. A healthy one can fail
	 * an open for a moment (another process committing while it is
	 * looked at), and replacing it would lose acknowledged unsubscribes.
	 */
	for (tries = 0; store_open(c->conf->database, c->conf->map_size, 0,
	    &c->st, err, sizeof(err)) < 0; tries++) {
		if (tries < 4) {
			(void)sleep(1);
			continue;
		}
		/* nothing to keep from a database that cannot be opened */
		ctl_err("%s", err);
		if (store_restore_file(c->conf->database, pos[0], err,
		    sizeof(err)) < 0) {
			ctl_err("restore: %s", err);
			return (EX_IOERR);
		}
		(void)printf("%s put in place of %s/data.mdb; running daemons "
		    "open it within a second\n", pos[0], c->conf->database);
		return (0);
	}
	if (store_restore(c->st, pos[0], opts[0].value == NULL,
	    c->conf->recipient_delimiter, &res, err, sizeof(err)) < 0) {
		ctl_err("restore: %s", err);
		return (EX_IOERR);
	}
	(void)printf("restored %s into %s", pos[0], c->conf->database);
	if (opts[0].value != NULL)
		(void)printf("; later changes dropped (--no-replay)\n");
	else if (res.same)
		(void)printf("; kept %zu later change%s and %zu later "
		    "erasure%s\n", res.replayed, res.replayed == 1 ? "" : "s",
		    res.erased, res.erased == 1 ? "" : "s");
	else
		(void)printf("; the backup is of another database: later "
		    "changes were not carried over\n");
	return (0);
}
