/* SPDX-License-Identifier: Apache-2.0 */
/* file.c - input mapping and atomic output files. */
#include "core/file.h"
#include "core/alloc.h"
#include "core/err.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
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
	size_t cap = 0, len = 0;
	uint8_t *buf = NULL, *nbuf;

	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap > max) {
				free(buf);
				return pv_errf(e, PV_ETOOBIG,
					       "%s: larger than %llu bytes", path,
					       (unsigned long long)max);
			}
			nbuf = pv_grow(buf, &cap, len < (1u << 16) ? 1u << 16 : len + 1, 1);
			if (!nbuf) {
				free(buf);
				return pv_errf(e, PV_ENOMEM, "%s: out of memory", path);
			}
			buf = nbuf;
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

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO or pipe";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "not a regular file";
}

/* The null device reads as an empty file (the public sev-snp-measure
 * vectors pass /dev/null as an empty kernel). */
static int is_null_device(const struct stat *st)
{
	struct stat nst;

	return S_ISCHR(st->st_mode) && stat("/dev/null", &nst) == 0 &&
	       S_ISCHR(nst.st_mode) && nst.st_rdev == st->st_rdev;
}

/* What pv_map_fd and pv_rfile_open make of an open input. */
enum input_kind { INPUT_REGULAR = 1, INPUT_EMPTY, INPUT_STREAM };

/* Classify @fd by fstat, with every check and message both share: the
 * result (>= 0) or an error code. */
static int classify(int fd, const char *path, uint64_t max, unsigned flags,
		    struct stat *st, struct pv_err *e)
{
	int stream = (flags & PV_MAP_STREAM) != 0;

	if (fstat(fd, st) < 0)
		return pv_err_errno(e, errno, "%s: cannot stat", path);
	if (S_ISDIR(st->st_mode))
		return pv_errf(e, PV_EIO, "%s: is a directory, expected a file", path);
	if (!S_ISREG(st->st_mode)) {
		if (!stream && !(flags & PV_MAP_REGULAR) && is_null_device(st))
			return INPUT_EMPTY;
		if (!stream || !(S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode)))
			return pv_errf(e, PV_EINVAL, "%s: is %s, expected a regular file",
				       path, file_kind(st->st_mode));
		return INPUT_STREAM;
	}
	if ((uint64_t)st->st_size > max || (uint64_t)st->st_size > SIZE_MAX)
		return pv_errf(e, PV_ETOOBIG, "%s: %llu bytes, at most %llu accepted",
			       path, (unsigned long long)st->st_size,
			       (unsigned long long)max);
	return st->st_size == 0 ? INPUT_EMPTY : INPUT_REGULAR;
}

int pv_map_fd(int fd, const char *path, uint64_t max, unsigned flags,
	      struct pv_map *m, struct pv_err *e)
{
	struct stat st;
	void *p;
	int r;

	memset(m, 0, sizeof(*m));
	r = classify(fd, path, max, flags, &st, e);
	if (r == INPUT_EMPTY) {
		m->data = empty_file;
		return 0;
	}
	if (r == INPUT_STREAM)
		r = slurp(fd, path, max, m, e);
	if (r != INPUT_REGULAR)
		goto out;
	r = 0;
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
	if (r)
		memset(m, 0, sizeof(*m));
	return r;
}

/* open(2) flags of an input: O_NONBLOCK unless streams are wanted, so
 * that opening a FIFO does not wait for a writer before it can be refused
 * (a regular file ignores it); a stream's open waits for its writer, as
 * cat's does */
static int open_input(const char *path, int stream)
{
	return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
			  (stream ? 0 : O_NONBLOCK));
}

int pv_rfile_open(const char *path, uint64_t max, struct pv_rfile *f,
		  struct pv_err *e)
{
	struct stat st;
	int fd = open_input(path, 0), r;

	f->fd = -1;
	f->len = 0;
	f->path = path;
	if (fd < 0)
		return pv_err_errno(e, errno, "%s: cannot open", path);
	r = classify(fd, path, max, 0, &st, e);
	if (r != INPUT_REGULAR) {
		close(fd);
		return r == INPUT_EMPTY ? 0 : r;
	}
	f->fd = fd;
	f->len = (size_t)st.st_size;
	return 0;
}

int pv_rfile_read(const struct pv_rfile *f, void *buf, size_t len,
		  uint64_t off)
{
	if (len == 0)
		return 0;
	if (f->fd < 0)
		return PV_ERANGE;
	return pv_pread_all(f->fd, buf, len, off);
}

void pv_rfile_close(struct pv_rfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->len = 0;
}

int pv_map_file_flags(const char *path, uint64_t max, unsigned flags,
		      struct pv_map *m, struct pv_err *e)
{
	int stream = (flags & PV_MAP_STREAM) != 0;
	int is_stdin = stream && strcmp(path, "-") == 0;
	int fd, r;

	memset(m, 0, sizeof(*m));
	fd = is_stdin ? STDIN_FILENO : open_input(path, stream);
	if (fd < 0)
		return pv_err_errno(e, errno, "%s: cannot open", path);
	r = pv_map_fd(fd, path, max, flags, m, e);
	if (!is_stdin)
		close(fd);
	return r;
}

int pv_map_file(const char *path, uint64_t max, struct pv_map *m,
		struct pv_err *e)
{
	return pv_map_file_flags(path, max, 0, m, e);
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

/*
 * The temporary files of the open outputs, for the signal handlers: a
 * slot is 0 (free), 2 (being filled) or 1 (holds a path to unlink).
 * Only lock-free atomics and unlink(2) are touched by the handler.
 */
#define CLEANUP_SLOTS 16
static char cleanup_path[CLEANUP_SLOTS][PATH_MAX];
static atomic_int cleanup_state[CLEANUP_SLOTS];

static int cleanup_register(const char *tmp)
{
	size_t n = strlen(tmp);
	int i;

	if (n >= PATH_MAX)
		return -1;
	for (i = 0; i < CLEANUP_SLOTS; i++) {
		int expect = 0;

		if (atomic_compare_exchange_strong(&cleanup_state[i], &expect, 2)) {
			memcpy(cleanup_path[i], tmp, n + 1);
			atomic_store(&cleanup_state[i], 1);
			return i;
		}
	}
	return -1;
}

static void cleanup_release(int slot)
{
	if (slot >= 0 && slot < CLEANUP_SLOTS)
		atomic_store(&cleanup_state[slot], 0);
}

static void cleanup_handler(int sig)
{
	int i, saved = errno;

	for (i = 0; i < CLEANUP_SLOTS; i++)
		if (atomic_load(&cleanup_state[i]) == 1)
			(void)unlink(cleanup_path[i]);
	/* SA_RESETHAND restored the default action: the signal, blocked
	 * while this runs, ends the process when the handler returns */
	(void)raise(sig);
	errno = saved;
}

void pv_out_install_signal_cleanup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static atomic_int done;
	size_t i;

	if (atomic_exchange(&done, 1))
		return;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction sa, old;

		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = cleanup_handler;
		sa.sa_flags = SA_RESETHAND;
		/* one cleanup at a time: the others wait, then end it */
		sigemptyset(&sa.sa_mask);
		sigaddset(&sa.sa_mask, SIGINT);
		sigaddset(&sa.sa_mask, SIGTERM);
		sigaddset(&sa.sa_mask, SIGHUP);
		(void)sigaction(sigs[i], &sa, NULL);
	}
}

static void out_reset(struct pv_out *o)
{
	o->fd = -1;
	o->tmp = NULL;
	o->path = NULL;
	o->direct = 0;
	o->slot = -1;
	o->has_id = 0;
	o->dev = o->ino = 0;
}

/* Open a device in place: no temporary, not truncated. */
static int open_direct(struct pv_out *o, const char *path,
		       const struct stat *st, struct pv_err *e)
{
	o->path = strdup(path);
	if (!o->path)
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", path);
	o->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (o->fd < 0) {
		int err = errno;

		free(o->path);
		out_reset(o);
		return pv_err_errno(e, err, "%s: cannot open for writing", path);
	}
	o->direct = 1;
	o->has_id = 1;
	o->dev = (uint64_t)st->st_dev;
	o->ino = (uint64_t)st->st_ino;
	return 0;
}

/* pv_out_note_input: the inputs every output is checked against */
#define NOTED_MAX 64
static const char *noted[NOTED_MAX];
static size_t nnoted;

void pv_out_note_input(const char *path)
{
	size_t i;

	if (!path || strcmp(path, "-") == 0)
		return;
	for (i = 0; i < nnoted; i++)
		if (noted[i] == path || strcmp(noted[i], path) == 0)
			return;
	if (nnoted < NOTED_MAX)
		noted[nnoted++] = path;
}

int pv_out_open_flags(struct pv_out *o, const char *path, unsigned flags,
		      struct pv_err *e)
{
	size_t n = strlen(path);
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	struct stat st;

	out_reset(o);
	if (n == 0)
		return pv_errf(e, PV_EINVAL, "empty output file name");
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		return 0;
	}
	if (lstat(path, &st) == 0) {
		if (S_ISCHR(st.st_mode) ||
		    (S_ISBLK(st.st_mode) && (flags & PV_OUT_BLOCK_DEVICE)))
			return open_direct(o, path, &st, e);
		if (S_ISLNK(st.st_mode))
			return pv_errf(e, PV_EINVAL,
				       "%s: is a symbolic link, which an output neither follows nor replaces: name the file it points to",
				       path);
		if (!S_ISREG(st.st_mode))
			return pv_errf(e, PV_EINVAL,
				       "%s: is %s, expected a regular file or a new name for the output",
				       path, file_kind(st.st_mode));
		o->has_id = 1;
		o->dev = (uint64_t)st.st_dev;
		o->ino = (uint64_t)st.st_ino;
	} else if (errno != ENOENT) {
		return pv_err_errno(e, errno, "%s: cannot stat", path);
	}
	o->path = strdup(path);
	/* ".NAME.XXXXXX" beside the destination: same file system, so the
	 * rename is atomic; hidden, so globs do not pick it up. */
	o->tmp = malloc(n + 10);
	if (!o->path || !o->tmp) {
		free(o->path);
		free(o->tmp);
		out_reset(o);
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", path);
	}
	memcpy(o->tmp, path, dirlen);
	snprintf(o->tmp + dirlen, n + 10 - dirlen, ".%s.XXXXXX", path + dirlen);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		int err = errno;

		free(o->path);
		free(o->tmp);
		out_reset(o);
		return pv_err_errno(e, err, "%s: cannot create", path);
	}
	o->slot = cleanup_register(o->tmp);
	for (size_t i = 0; i < nnoted; i++) {
		int r = pv_out_check_not_input(o, noted[i], e);

		if (r) {
			pv_out_abort(o);
			return r;
		}
	}
	return 0;
}

int pv_out_open(struct pv_out *o, const char *path, struct pv_err *e)
{
	return pv_out_open_flags(o, path, 0, e);
}

void pv_dirname(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, size, ".");
	else if (slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

int pv_out_check_not_input(const struct pv_out *o, const char *input_path,
			   struct pv_err *e)
{
	struct stat st;

	if (!o->path || strcmp(input_path, "-") == 0)
		return 0;
	if (strcmp(input_path, o->path) == 0 ||
	    (o->has_id && stat(input_path, &st) == 0 &&
	     (uint64_t)st.st_dev == o->dev && (uint64_t)st.st_ino == o->ino))
		return pv_errf(e, PV_EINVAL,
			       "%s: the output is the input %s: write it to another file",
			       o->path, input_path);
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

static int commit_direct(struct pv_out *o, struct pv_err *e)
{
	int r = 0;

	/* a terminal or /dev/null cannot be flushed: EINVAL is no error */
	if (fsync(o->fd) < 0 && errno != EINVAL && errno != ENOTTY)
		r = pv_err_errno(e, errno, "%s: cannot flush", o->path);
	if (close(o->fd) < 0 && !r)
		r = pv_err_errno(e, errno, "%s: cannot close", o->path);
	free(o->path);
	out_reset(o);
	return r;
}

int pv_out_commit(struct pv_out *o, struct pv_err *e)
{
	struct stat st;
	int r = 0;

	if (o->direct)
		return commit_direct(o, e);
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
	/* never rename over what has become a device, a link or a folder
	 * since pv_out_open looked */
	if (lstat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		r = pv_errf(e, PV_EINVAL,
			    "%s: is now %s, expected a regular file: not replaced",
			    o->path, file_kind(st.st_mode));
		goto fail;
	}
	if (rename(o->tmp, o->path) < 0) {
		r = pv_err_errno(e, errno, "%s: cannot rename into place", o->path);
		goto fail;
	}
	cleanup_release(o->slot);
	sync_dir(o->path);
	free(o->tmp);
	free(o->path);
	out_reset(o);
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
		cleanup_release(o->slot);
		free(o->tmp);
		free(o->path);
	} else if (o->direct) {
		if (o->fd >= 0)
			close(o->fd);
		free(o->path);
	}
	out_reset(o);
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
