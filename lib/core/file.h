/* SPDX-License-Identifier: Apache-2.0 */
/*
 * file.h - read-only mapping of inputs with a size cap, and atomic output.
 *
 * Inputs are regular files, mapped, never copied; their size is checked
 * with fstat before a byte is read.  Anything else (a FIFO, a socket, a
 * directory, a device such as /dev/zero) is refused, except the null
 * device, which reads as an empty file; a caller that reads a stream on
 * purpose ("-" for standard input, a pipe) asks for it with
 * PV_MAP_STREAM, and the stream is then read into memory up to the cap.
 *
 * Outputs: a missing path or a regular file is written to a temporary
 * file in the destination's folder, flushed with fsync and renamed over
 * the destination, so a reader never sees a partial artifact and a
 * failure leaves the old file in place.  A character device (/dev/null,
 * /dev/full, a terminal) is written directly, and its write errors are
 * failures.  Anything else is refused: a symbolic link (it is not
 * followed, nor replaced: name the file it points to), a FIFO, a
 * socket, a directory, and a block device unless the caller passes
 * PV_OUT_BLOCK_DEVICE.  An output that is also an input is refused by
 * pv_out_check_not_input.  The temporary files are registered, so that
 * pv_out_install_signal_cleanup's handlers can remove them when the
 * process is killed by SIGINT, SIGTERM or SIGHUP.
 */
#ifndef PODVM_CORE_FILE_H
#define PODVM_CORE_FILE_H

#include <stddef.h>
#include <stdint.h>

struct pv_err;

struct pv_map {
	const uint8_t *data; /* never NULL after a successful map */
	size_t len;
	void *base; /* what to unmap or free */
	size_t maplen;
	int mapped; /* 1: munmap(base), 0: free(base) */
};

/**
 * pv_map_file - map the regular file @path read-only (the null device
 * reads as empty; anything else that is not a regular file is refused)
 * @max: the largest size accepted; a larger file is PV_ETOOBIG, known
 *       from fstat before anything is read
 * returns: 0, PV_EIO (the message names the path and the system error),
 *          PV_EINVAL (not a regular file), PV_ETOOBIG or PV_ENOMEM; *m is
 *          usable only on success, zeroed on failure
 */
int pv_map_file(const char *path, uint64_t max, struct pv_map *m,
		struct pv_err *e);

enum {
	/* also accept "-" (standard input), pipes, FIFOs and character
	 * devices, read into memory up to the cap */
	PV_MAP_STREAM = 1u << 0,
	/* refuse even the null device, which otherwise reads as empty */
	PV_MAP_REGULAR = 1u << 1,
};

/**
 * pv_map_fd - pv_map_file_flags over a file the caller opened (with its own
 * checks, e.g. openat and O_NOFOLLOW); @path names it in messages; @fd is
 * left open
 */
int pv_map_fd(int fd, const char *path, uint64_t max, unsigned flags,
	      struct pv_map *m, struct pv_err *e);

/** pv_dirname - the folder of @path ("." for a bare name), cut to @size */
void pv_dirname(const char *path, char *out, size_t size);

/**
 * pv_map_file_flags - pv_map_file with @flags (PV_MAP_STREAM)
 * returns: as pv_map_file; PV_EINVAL for an input that is not a regular
 *          file (nor, with PV_MAP_STREAM, a stream), naming its type
 */
int pv_map_file_flags(const char *path, uint64_t max, unsigned flags,
		      struct pv_map *m, struct pv_err *e);

/** pv_unmap - release a mapping; accepts a zeroed or released one */
void pv_unmap(struct pv_map *m);

/*
 * An input opened for pread instead of mapped.  A large input hashed once
 * (an initrd) costs less copied into a small buffer that stays in the
 * cache than mapped: each page of a mapping is a page-table update when
 * it is first read and another when it is unmapped.
 */
struct pv_rfile {
	int fd; /* -1: empty (the null device), nothing to read */
	size_t len; /* fstat's size, checked against the cap */
	const char *path; /* as given to pv_rfile_open, for messages */
};

/**
 * pv_rfile_open - open @path as pv_map_file would map it (the same
 * checks, cap and messages) and keep it open for pv_rfile_read
 * returns: as pv_map_file; *f is usable only on success (fd -1 and len 0
 *          on failure)
 */
int pv_rfile_open(const char *path, uint64_t max, struct pv_rfile *f,
		  struct pv_err *e);

/**
 * pv_rfile_read - read @len bytes at @off of @f into @buf
 * returns: 0, PV_EIO (a read error) or PV_ERANGE (the file ended early:
 *          it shrank after it was opened)
 */
int pv_rfile_read(const struct pv_rfile *f, void *buf, size_t len,
		  uint64_t off);

/** pv_rfile_close - close @f; accepts a closed one (fd -1) */
void pv_rfile_close(struct pv_rfile *f);

struct pv_out {
	int fd;
	char *path; /* final name (NULL for standard output) */
	char *tmp;  /* temporary name, NULL once committed or aborted, and
		     * for an output written directly */
	int direct; /* 1: a device written in place, no temporary */
	int slot;   /* the signal-cleanup slot of tmp, or -1 */
	int has_id; /* dev and ino are those of the existing destination */
	uint64_t dev, ino;
};

enum {
	/* accept a block device as output, written in place from offset 0
	 * (it is neither truncated nor replaced) */
	PV_OUT_BLOCK_DEVICE = 1u << 0,
};

/**
 * pv_out_open - start writing @path: "-" is standard output, written
 * directly; a character device is written directly; a missing path or a
 * regular file atomically (temporary + rename); anything else refused
 * (see the top of this file)
 * returns: 0; PV_EINVAL for a refused kind of file or an empty name;
 *          PV_EIO / PV_ENOMEM; the message names the path
 */
int pv_out_open(struct pv_out *o, const char *path, struct pv_err *e);

/** pv_out_open_flags - pv_out_open with @flags (PV_OUT_BLOCK_DEVICE) */
int pv_out_open_flags(struct pv_out *o, const char *path, unsigned flags,
		      struct pv_err *e);

/**
 * pv_out_check_not_input - refuse an output that is the file @input_path
 * (the same name, or the same inode: a hard link or a symbolic link to it),
 * so that a tool never reads what it is replacing.  Call it once for each
 * input after pv_out_open; the output stays open either way (abort it on
 * failure).  Standard input ("-") and standard output are never the
 * same file.
 * returns: 0, or PV_EINVAL naming both paths
 */
int pv_out_check_not_input(const struct pv_out *o, const char *input_path,
			   struct pv_err *e);

/**
 * pv_out_note_input - remember @path (kept as a pointer: it must live as
 * long as the process, as argv does) as an input of this process: every
 * later pv_out_open of a regular file or a new name then refuses it as
 * pv_out_check_not_input does.  The option tables (cli.h) note every
 * PATH_IN option, so a tool need not list its inputs again.  At most 64
 * are kept; "-" is ignored.
 */
void pv_out_note_input(const char *path);

/**
 * pv_out_install_signal_cleanup - install handlers for SIGINT, SIGTERM
 * and SIGHUP (each unless it is ignored, as under nohup) that remove the
 * temporary files of the outputs still open, then end the process by the
 * same signal with its default action.  Async-signal-safe: the paths are
 * kept in a fixed static table (16 outputs at once, PATH_MAX bytes each;
 * a longer path or a 17th output is not cleaned up).  Idempotent.
 */
void pv_out_install_signal_cleanup(void);

/** pv_out_write - append (buf, len); returns 0 or PV_EIO */
int pv_out_write(struct pv_out *o, const void *buf, size_t len,
		 struct pv_err *e);

/**
 * pv_out_commit - fsync, give the file the usual 0666 & ~umask mode, rename
 * it over the destination and fsync the folder; on failure the temporary
 * file is removed.  A device written directly is flushed (where it can
 * be) and closed, a close error being a failure.  The destination is
 * checked again before the rename: if it has become anything but a
 * regular file, the rename is refused.
 * returns: 0, PV_EINVAL or PV_EIO
 */
int pv_out_commit(struct pv_out *o, struct pv_err *e);

/** pv_out_abort - discard the temporary file; safe after commit or twice */
void pv_out_abort(struct pv_out *o);

/** pv_write_file - the whole of (buf, len) to @path, atomically */
int pv_write_file(const char *path, const void *buf, size_t len,
		  struct pv_err *e);

/**
 * pv_write_all - write(2) until everything is written, retrying on EINTR
 * returns: 0 or PV_EIO (errno is kept)
 */
int pv_write_all(int fd, const void *buf, size_t len);

/**
 * pv_pread_all - pread(2) exactly @len bytes at @off
 * returns: 0; PV_EIO on a system error (errno kept); PV_ERANGE when the
 *          file ends first
 */
int pv_pread_all(int fd, void *buf, size_t len, uint64_t off);

/**
 * pv_pread_strided - read @n consecutive pieces of @len bytes at @off
 * into @base + i * @stride (preadv(2), up to IOV_MAX pieces a call): one
 * sequential read that leaves gaps in memory, e.g. for a salt before
 * each block
 * returns: 0; PV_EIO on a system error (errno kept); PV_ERANGE when the
 *          file ends first
 */
int pv_pread_strided(int fd, uint8_t *base, size_t stride, size_t len,
		     size_t n, uint64_t off);

#endif
