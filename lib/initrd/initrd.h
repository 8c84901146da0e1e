/* SPDX-License-Identifier: Apache-2.0 */
/*
 * initrd.h - a reproducible initramfs: a newc cpio archive (libarchive)
 * of a directory tree, optionally gzip-compressed (zlib).
 *
 * The bytes depend only on the paths, file types, permission bits, file
 * contents and symlink targets of the tree, and on the mtime given:
 * entries are sorted by path (bytewise), uid and gid are 0, inode numbers
 * are 1, 2, 3... in that order, nlink is 1 (2 for directories), device
 * numbers are 0, and the gzip header has mtime 0, no name, OS byte 3.
 * Hard links are stored as separate files.
 */
#ifndef PODVM_INITRD_INITRD_H
#define PODVM_INITRD_INITRD_H
#include <stddef.h>
#include <stdint.h>

struct pv_err;

enum pv_compress { PV_COMPRESS_NONE, PV_COMPRESS_GZIP };

typedef int (*pv_initrd_sink)(void *ctx, const void *buf, size_t len,
			      struct pv_err *e);

/**
 * pv_initrd_build - archive the tree at @root and pass the bytes to @sink
 * @mtime: the modification time of every entry (SOURCE_DATE_EPOCH or 0)
 * returns: 0; PV_EIO for an unreadable file or folder; PV_ENOTSUP for a
 *          socket; PV_ETOOBIG for a path longer than PATH_MAX; PV_ENOMEM;
 *          or what @sink returned
 */
int pv_initrd_build(const char *root, enum pv_compress comp, int64_t mtime,
		    pv_initrd_sink sink, void *ctx, struct pv_err *e);

/* A file left out of the archive, by identity (st_dev, st_ino). */
struct pv_initrd_skip {
	uint64_t dev, ino;
};

/**
 * pv_initrd_build_skip - pv_initrd_build, leaving out every entry that is
 * one of the @nskip files of @skip (for a folder: with what it holds),
 * e.g. the archive being written and its temporary file when the output
 * lies inside @root, so that the bytes stay the same from run to run
 */
int pv_initrd_build_skip(const char *root, enum pv_compress comp,
			 int64_t mtime, const struct pv_initrd_skip *skip,
			 size_t nskip, pv_initrd_sink sink, void *ctx,
			 struct pv_err *e);
#endif
