/* SPDX-License-Identifier: Apache-2.0 */
/*
 * initrd.c - reproducible newc cpio (Linux Documentation/driver-api/
 * early-userspace/buffer-format.rst) through libarchive, gzip (RFC 1952)
 * through zlib.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/file.h"
#include "initrd/initrd.h"

struct ent {
	char *path; /* relative to the root, no leading "./" */
};

struct walk {
	struct ent *v;
	size_t n, cap;
	const struct pv_initrd_skip *skip;
	size_t nskip;
};

static int skipped(const struct walk *w, const struct stat *st)
{
	size_t i;

	for (i = 0; i < w->nskip; i++)
		if ((uint64_t)st->st_dev == w->skip[i].dev &&
		    (uint64_t)st->st_ino == w->skip[i].ino)
			return 1;
	return 0;
}

struct ctx {
	pv_initrd_sink sink;
	void *sctx;
	struct pv_err *e;
	int rc;
	int gzip;
	z_stream z;
	gz_header gzh;
};

static int add_ent(struct walk *w, const char *rel, struct pv_err *e)
{
	struct ent *v = pv_grow(w->v, &w->cap, w->n + 1, sizeof(*w->v));

	if (!v)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	w->v = v;
	w->v[w->n].path = strdup(rel);
	if (!w->v[w->n].path)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	w->n++;
	return 0;
}

/* every entry below root/rel (rel "" is the root itself) */
static int walk(struct walk *w, const char *root, const char *rel,
		struct pv_err *e)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((size_t)snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "",
			     rel) >= sizeof(dir))
		return pv_errf(e, PV_ETOOBIG, "%s/%s: path too long", root, rel);
	d = opendir(dir);
	if (!d)
		return pv_err_errno(e, errno, "%s: cannot open the folder", dir);
	while (!rc && (errno = 0, de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel,
				     *rel ? "/" : "", de->d_name) >= sizeof(sub)) {
			rc = pv_errf(e, PV_ETOOBIG, "%s/%s: path too long", dir,
				     de->d_name);
			break;
		}
		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", root, sub) >=
		    sizeof(dir)) {
			rc = pv_errf(e, PV_ETOOBIG, "%s/%s: path too long", root, sub);
			break;
		}
		if (lstat(dir, &st)) {
			rc = pv_err_errno(e, errno, "%s: lstat", dir);
			break;
		}
		if (skipped(w, &st))
			continue;
		/* refused before a byte is written, naming the path */
		if (S_ISSOCK(st.st_mode)) {
			rc = pv_errf(e, PV_ENOTSUP,
				     "%s: is a socket, which a cpio archive cannot hold: remove it from the tree",
				     dir);
			break;
		}
		rc = add_ent(w, sub, e);
		if (rc)
			break;
		if (S_ISDIR(st.st_mode))
			rc = walk(w, root, sub, e);
	}
	if (!rc && errno)
		rc = pv_err_errno(e, errno, "%s: readdir", dir);
	closedir(d);
	return rc;
}

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->path,
		      ((const struct ent *)b)->path);
}

/* libarchive's output callback: compress or pass through */
static la_ssize_t out_cb(struct archive *a, void *p, const void *buf,
			 size_t len)
{
	struct ctx *c = p;
	uint8_t z[65536];

	(void)a;
	if (c->rc)
		return -1;
	if (!c->gzip) {
		c->rc = c->sink(c->sctx, buf, len, c->e);
		return c->rc ? -1 : (la_ssize_t)len;
	}
	c->z.next_in = (Bytef *)(uintptr_t)buf;
	c->z.avail_in = (uInt)len;
	do {
		c->z.next_out = z;
		c->z.avail_out = sizeof(z);
		if (deflate(&c->z, Z_NO_FLUSH) == Z_STREAM_ERROR) {
			c->rc = pv_errf(c->e, PV_EIO, "zlib deflate failed");
			return -1;
		}
		if (sizeof(z) - c->z.avail_out)
			c->rc = c->sink(c->sctx, z, sizeof(z) - c->z.avail_out,
					c->e);
	} while (!c->rc && c->z.avail_out == 0);
	return c->rc ? -1 : (la_ssize_t)len;
}

static int gz_finish(struct ctx *c)
{
	uint8_t z[65536];
	int zr;

	c->z.next_in = NULL;
	c->z.avail_in = 0;
	do {
		c->z.next_out = z;
		c->z.avail_out = sizeof(z);
		zr = deflate(&c->z, Z_FINISH);
		if (zr == Z_STREAM_ERROR)
			return pv_errf(c->e, PV_EIO, "zlib deflate failed");
		if (sizeof(z) - c->z.avail_out) {
			int rc = c->sink(c->sctx, z, sizeof(z) - c->z.avail_out,
					 c->e);
			if (rc)
				return rc;
		}
	} while (zr != Z_STREAM_END);
	return 0;
}

static int add_one(struct archive *a, struct archive_entry *ae,
		   const char *root, const char *rel, unsigned ino,
		   int64_t mtime, struct ctx *c)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct pv_map m = { 0 };
	struct stat st;
	ssize_t n;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (lstat(path, &st))
		return pv_err_errno(c->e, errno, "%s: lstat", path);
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, rel);
	archive_entry_set_mode(ae, st.st_mode & (S_IFMT | 07777));
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_mtime(ae, mtime, 0);
	archive_entry_set_ino(ae, ino);
	archive_entry_set_dev(ae, 0);
	archive_entry_set_nlink(ae, S_ISDIR(st.st_mode) ? 2 : 1);
	archive_entry_set_size(ae, 0);
	if (S_ISREG(st.st_mode)) {
		rc = pv_map_file(path, 1ull << 34, &m, c->e);
		if (rc)
			return rc;
		archive_entry_set_size(ae, (la_int64_t)m.len);
	} else if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			return pv_err_errno(c->e, errno, "%s: readlink", path);
		target[n] = 0;
		archive_entry_set_symlink(ae, target);
		archive_entry_set_size(ae, n);
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		archive_entry_set_rdev(ae, st.st_rdev);
	} else if (S_ISSOCK(st.st_mode)) {
		return pv_errf(c->e, PV_ENOTSUP, "%s: a socket cannot be archived",
			       path);
	}
	if (archive_write_header(a, ae) != ARCHIVE_OK) {
		rc = c->rc ? c->rc
			   : pv_errf(c->e, PV_EIO, "%s: libarchive: %s", path,
				     archive_error_string(a));
	} else if (m.len &&
		   archive_write_data(a, m.data, m.len) != (la_ssize_t)m.len) {
		rc = c->rc ? c->rc
			   : pv_errf(c->e, PV_EIO, "%s: libarchive: %s", path,
				     archive_error_string(a));
	}
	pv_unmap(&m);
	return rc;
}

int pv_initrd_build(const char *root, enum pv_compress comp, int64_t mtime,
		    pv_initrd_sink sink, void *sctx, struct pv_err *e)
{
	return pv_initrd_build_skip(root, comp, mtime, NULL, 0, sink, sctx, e);
}

int pv_initrd_build_skip(const char *root, enum pv_compress comp,
			 int64_t mtime, const struct pv_initrd_skip *skip,
			 size_t nskip, pv_initrd_sink sink, void *sctx,
			 struct pv_err *e)
{
	struct walk w = { .skip = skip, .nskip = nskip };
	struct ctx c = { .sink = sink, .sctx = sctx, .e = e };
	struct archive *a = NULL;
	struct archive_entry *ae = NULL;
	struct stat st;
	size_t i;
	int rc;

	if (stat(root, &st))
		return pv_err_errno(e, errno, "%s", root);
	if (!S_ISDIR(st.st_mode))
		return pv_errf(e, PV_EINVAL, "%s: not a folder", root);
	rc = walk(&w, root, "", e);
	if (rc)
		goto out;
	if (w.n) /* an empty tree: qsort takes no NULL */
		qsort(w.v, w.n, sizeof(*w.v), cmp_ent);
	if (comp == PV_COMPRESS_GZIP) {
		c.gzip = 1;
		if (deflateInit2(&c.z, 9, Z_DEFLATED, 15 + 16, 9,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			rc = pv_errf(e, PV_ENOMEM, "zlib: deflateInit2 failed");
			c.gzip = 0;
			goto out;
		}
		memset(&c.gzh, 0, sizeof(c.gzh));
		c.gzh.time = 0;
		c.gzh.os = 3; /* RFC 1952 §2.3.1: Unix, whatever the host */
		deflateSetHeader(&c.z, &c.gzh);
	}
	a = archive_write_new();
	ae = archive_entry_new();
	if (!a || !ae) {
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
		goto out;
	}
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, 512) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open2(a, &c, NULL, out_cb, NULL, NULL) != ARCHIVE_OK) {
		rc = c.rc ? c.rc
			  : pv_errf(e, PV_EIO, "libarchive: %s",
				    archive_error_string(a));
		goto out;
	}
	for (i = 0; i < w.n && !rc; i++)
		rc = add_one(a, ae, root, w.v[i].path, (unsigned)(i + 1), mtime,
			     &c);
	if (!rc && archive_write_close(a) != ARCHIVE_OK)
		rc = c.rc ? c.rc
			  : pv_errf(e, PV_EIO, "libarchive: %s",
				    archive_error_string(a));
	if (!rc && c.gzip)
		rc = gz_finish(&c);
out:
	/* archive_write_free flushes through out_cb: after a failure, it
	 * must neither write nor replace the message */
	if (rc)
		c.rc = rc;
	if (a)
		archive_write_free(a);
	if (c.gzip)
		deflateEnd(&c.z);
	if (ae)
		archive_entry_free(ae);
	for (i = 0; i < w.n; i++)
		free(w.v[i].path);
	free(w.v);
	return rc;
}
