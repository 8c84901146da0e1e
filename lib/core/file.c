/* SPDX-License-Identifier: Apache-2.0 */
/* file.c - input mapping and atomic output files. */
#include "core/file.h"
#include "core/err.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static const uint8_t empty_file[1];

int pv_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return PV_EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int pv_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return PV_EIO;
		}
		if (n == 0)
			return PV_ERANGE;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int pv_pread_strided(int fd, uint8_t *base, size_t stride, size_t len,
		     size_t n, uint64_t off)
{
	struct iovec iov[IOV_MAX];
	size_t i = 0, at = 0; /* the next byte: piece i, its byte at */

	if (stride == len)
		return pv_pread_all(fd, base, n * len, off);
	while (i < n) {
		size_t k, cnt = n - i < IOV_MAX ? n - i : IOV_MAX;
		ssize_t got;

		for (k = 0; k < cnt; k++) {
			iov[k].iov_base = base + (i + k) * stride + (k ? 0 : at);
			iov[k].iov_len = len - (k ? 0 : at);
		}
		got = preadv(fd, iov, (int)cnt, (off_t)off);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return PV_EIO;
		}
		if (got == 0)
			return PV_ERANGE;
		off += (uint64_t)got;
		at += (size_t)got;
		i += at / len;
		at %= len;
	}
	return 0;
}

/* Read a stream (pipe, character device) into memory, up to max bytes. */
static int slurp(int fd, const char *path, uint64_t max, struct pv_map *m,
		 struct pv_err *e)
{
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap), *nbuf;

	if (!buf)
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", path);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap > SIZE_MAX / 2 || cap > max) {
				free(buf);
				return pv_errf(e, PV_ETOOBIG,
					       "%s: larger than %llu bytes", path,
					       (unsigned long long)max);
			}
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				free(buf);
				return pv_errf(e, PV_ENOMEM, "%s: out of memory", path);
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			free(buf);
			return pv_err_errno(e, err, "%s: cannot read", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return pv_errf(e, PV_ETOOBIG, "%s: larger than %llu bytes",
				       path, (unsigned long long)max);
		}
	}
	m->base = buf;
	m->data = len ? buf : empty_file;
	m->len = len;
	m->maplen = cap;
	m->mapped = 0;
	return 0;
}

int pv_map_file(const char *path, uint64_t max, struct pv_map *m,
		struct pv_err *e)
{
	struct stat st;
	void *p;
	int fd, r = 0;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pv_err_errno(e, errno, "%s: cannot open", path);
	if (fstat(fd, &st) < 0) {
		r = pv_err_errno(e, errno, "%s: cannot stat", path);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = pv_errf(e, PV_EIO, "%s: is a directory, expected a file", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = slurp(fd, path, max, m, e);
		goto out;
	}
	if ((uint64_t)st.st_size > max || (uint64_t)st.st_size > SIZE_MAX) {
		r = pv_errf(e, PV_ETOOBIG, "%s: %llu bytes, at most %llu accepted",
			    path, (unsigned long long)st.st_size,
			    (unsigned long long)max);
		goto out;
	}
	if (st.st_size == 0) {
		m->data = empty_file;
		goto out;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		r = pv_err_errno(e, errno, "%s: cannot map", path);
		goto out;
	}
	m->base = p;
	m->data = p;
	m->len = (size_t)st.st_size;
	m->maplen = (size_t)st.st_size;
	m->mapped = 1;
out:
	close(fd);
	return r;
}

void pv_unmap(struct pv_map *m)
{
	if (!m)
		return;
	if (m->mapped && m->base)
		munmap(m->base, m->maplen);
	else
		free(m->base);
	memset(m, 0, sizeof(*m));
}

int pv_out_open(struct pv_out *o, const char *path, struct pv_err *e)
{
	size_t n = strlen(path);
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;

	o->fd = -1;
	o->tmp = NULL;
	o->path = NULL;
	if (n == 0)
		return pv_errf(e, PV_EINVAL, "empty output file name");
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		return 0;
	}
	o->path = strdup(path);
	/* ".NAME.XXXXXX" beside the destination: same file system, so the
	 * rename is atomic; hidden, so globs do not pick it up. */
	o->tmp = malloc(n + 10);
	if (!o->path || !o->tmp) {
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", path);
	}
	memcpy(o->tmp, path, dirlen);
	snprintf(o->tmp + dirlen, n + 10 - dirlen, ".%s.XXXXXX", path + dirlen);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		int err = errno;

		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return pv_err_errno(e, err, "%s: cannot create", path);
	}
	return 0;
}

int pv_out_write(struct pv_out *o, const void *buf, size_t len,
		 struct pv_err *e)
{
	if (pv_write_all(o->fd, buf, len))
		return pv_err_errno(e, errno, "%s: cannot write",
				    o->path ? o->path : "standard output");
	return 0;
}

static mode_t file_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

static void sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int pv_out_commit(struct pv_out *o, struct pv_err *e)
{
	int r = 0;

	if (!o->tmp) /* standard output */
		return 0;
	if (fsync(o->fd) < 0) {
		r = pv_err_errno(e, errno, "%s: cannot flush", o->path);
		goto fail;
	}
	if (fchmod(o->fd, file_mode()) < 0) {
		r = pv_err_errno(e, errno, "%s: cannot set the mode", o->path);
		goto fail;
	}
	if (close(o->fd) < 0) {
		o->fd = -1;
		r = pv_err_errno(e, errno, "%s: cannot close", o->path);
		goto fail;
	}
	o->fd = -1;
	if (rename(o->tmp, o->path) < 0) {
		r = pv_err_errno(e, errno, "%s: cannot rename into place", o->path);
		goto fail;
	}
	sync_dir(o->path);
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
fail:
	pv_out_abort(o);
	return r;
}

void pv_out_abort(struct pv_out *o)
{
	if (o->tmp) {
		if (o->fd >= 0)
			close(o->fd);
		(void)unlink(o->tmp);
		free(o->tmp);
		free(o->path);
	}
	o->fd = -1;
	o->tmp = o->path = NULL;
}

int pv_write_file(const char *path, const void *buf, size_t len,
		  struct pv_err *e)
{
	struct pv_out o;
	int r;

	r = pv_out_open(&o, path, e);
	if (r)
		return r;
	r = pv_out_write(&o, buf, len, e);
	if (r) {
		pv_out_abort(&o);
		return r;
	}
	return pv_out_commit(&o, e);
}
