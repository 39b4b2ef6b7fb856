/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store_check.c - is data.mdb safe to map?
 *
 * SYNOPSIS
 *	#include "store_priv.h"
 *
 *	struct store_file f;
 *	if (store_file_check(fd, &f, why, sizeof(why)) < 0) ... damaged
 *
 * DESCRIPTION
 *	LMDB maps data.mdb and reads it through the map: a page beyond the
 *	end of a truncated file is a SIGBUS, which no error code can turn
 *	into a tempfail. So before the file is mapped, and again before
 *	transactions, the two meta pages are read with pread(2) (never
 *	through the map) and checked: LMDB's magic and version, a sane
 *	page size, and the root pages of both metas inside the file. The
 *	caller adds the rule that the file of a healthy environment never
 *	shrinks, and that a file that shrank must still hold every page up
 *	to the newest meta's last page.
 *
 *	The layout read here is LMDB's on-disk format version 1 (lmdb.h
 *	0.9): a page header of one pgno_t and three 16-bit fields, then
 *	struct MDB_meta (magic, version, address, map size, two MDB_db,
 *	last page, transaction id) in the host's byte order and sizes.
 *
 * DIAGNOSTICS
 *	WHY names what is wrong in words an operator can act on.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_priv.h"

#define LMDB_MAGIC	0xBEEFC0DEU
#define LMDB_VERSION	1U
#define P_META		0x08
#define P_INVALID	(~(uint64_t)0)

/* offsets in a meta page, from the C layout of MDB_page and MDB_meta */
#define Z		sizeof(size_t)
#define HDR		(Z + 8)			/* PAGEHDRSZ */
#define OFF_FLAGS	(Z + 2)			/* mp_flags */
#define OFF_MAGIC	(HDR)
#define OFF_VERSION	(HDR + 4)
#define OFF_DBS		(HDR + 8 + sizeof(void *) + Z)
#define DB_SIZE		(8 + 5 * Z)		/* MDB_db */
#define OFF_PSIZE	(OFF_DBS)		/* mm_dbs[FREE_DBI].md_pad */
#define OFF_ROOT(i)	(OFF_DBS + (i) * DB_SIZE + 8 + 4 * Z)
#define OFF_LAST	(OFF_DBS + 2 * DB_SIZE)
#define OFF_TXNID	(OFF_LAST + Z)
#define META_END	(OFF_TXNID + Z)

/* word - a size_t-wide field of the page */
static uint64_t
word(const unsigned char *p, size_t off)
{
	size_t v;

	memcpy(&v, p + off, sizeof(v));
	return (v == (size_t)-1 ? P_INVALID : (uint64_t)v);
}

static uint32_t
u32(const unsigned char *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return (v);
}

/* read_meta - meta page I at OFF; -1 with WHY when it is not one */
static int
read_meta(int fd, off_t off, int i, struct store_meta *m, unsigned *psize,
    char *why, size_t whylen)
{
	unsigned char page[META_END];
	uint16_t flags;
	ssize_t n;

	n = pread(fd, page, sizeof(page), off);
	if (n < 0) {
		(void)snprintf(why, whylen, "read meta page %d: %s", i,
		    strerror(errno));
		return (-1);
	}
	if ((size_t)n < sizeof(page)) {
		(void)snprintf(why, whylen, "meta page %d is cut short "
		    "(file truncated?)", i);
		return (-1);
	}
	memcpy(&flags, page + OFF_FLAGS, sizeof(flags));
	if (u32(page, OFF_MAGIC) != LMDB_MAGIC || !(flags & P_META)) {
		(void)snprintf(why, whylen, "meta page %d is not an LMDB "
		    "meta page (file damaged or not LMDB)", i);
		return (-1);
	}
	if (u32(page, OFF_VERSION) != LMDB_VERSION) {
		(void)snprintf(why, whylen, "meta page %d: LMDB format %u, "
		    "not %u", i, u32(page, OFF_VERSION), LMDB_VERSION);
		return (-1);
	}
	if (psize != NULL)
		*psize = u32(page, OFF_PSIZE);
	m->root[0] = word(page, OFF_ROOT(0));
	m->root[1] = word(page, OFF_ROOT(1));
	m->last_pg = word(page, OFF_LAST);
	m->txnid = word(page, OFF_TXNID);
	return (0);
}

int
store_file_check(int fd, struct store_file *f, char *why, size_t whylen)
{
	struct stat sb;
	uint64_t pages;
	int i, j;

	memset(f, 0, sizeof(*f));
	if (fstat(fd, &sb) < 0) {
		(void)snprintf(why, whylen, "fstat: %s", strerror(errno));
		return (-1);
	}
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->size = (uint64_t)sb.st_size;
	if (f->size < 2 * 512) {
		(void)snprintf(why, whylen, "data.mdb is %llu octets, too short "
		    "for an LMDB file (truncated?)", (unsigned long long)f->size);
		return (-1);
	}
	if (read_meta(fd, 0, 0, &f->meta[0], &f->psize, why, whylen) < 0)
		return (-1);
	if (f->psize < 512 || f->psize > 65536 ||
	    (f->psize & (f->psize - 1)) != 0) {
		(void)snprintf(why, whylen, "meta page 0: bad page size %u "
		    "(file damaged)", f->psize);
		return (-1);
	}
	if (f->size < 2 * (uint64_t)f->psize) {
		(void)snprintf(why, whylen, "data.mdb is %llu octets, shorter "
		    "than its two meta pages (truncated?)",
		    (unsigned long long)f->size);
		return (-1);
	}
	if (read_meta(fd, (off_t)f->psize, 1, &f->meta[1], NULL, why,
	    whylen) < 0)
		return (-1);
	/*
	 * The size once more, now that the meta pages are read: a commit
	 * of another process between the first fstat() and the reads wrote
	 * its pages (growing the file) before the meta page that names
	 * them, so the file is now as long as any meta page read needs
	 */
	if (fstat(fd, &sb) == 0 && (uint64_t)sb.st_size > f->size)
		f->size = (uint64_t)sb.st_size;
	pages = f->size / f->psize;
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			if (f->meta[i].root[j] != P_INVALID &&
			    f->meta[i].root[j] >= pages) {
				(void)snprintf(why, whylen, "data.mdb is %llu "
				    "octets but meta page %d names page %llu "
				    "(truncated?)", (unsigned long long)f->size,
				    i, (unsigned long long)f->meta[i].root[j]);
				return (-1);
			}
	f->newest = f->meta[1].txnid > f->meta[0].txnid ? 1 : 0;
	f->need = (f->meta[f->newest].last_pg + 1) * f->psize;
	return (0);
}
