/* SPDX-License-Identifier: Apache-2.0 */
/*
 * file.h - read-only mapping of inputs with a size cap, and atomic output.
 *
 * Inputs are mapped, never copied, where the file allows it (a regular
 * file); pipes and character devices are read into memory up to the cap.
 * Outputs are written to a temporary file in the destination's folder,
 * flushed with fsync and renamed over the destination, so a reader never
 * sees a partial artifact and a failure leaves the old file in place.
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
 * pv_map_file - map @path read-only
 * @max: the largest size accepted; a larger file is PV_ETOOBIG
 * returns: 0, PV_EIO (the message names the path and the system error),
 *          PV_ETOOBIG or PV_ENOMEM; *m is usable only on success
 */
int pv_map_file(const char *path, uint64_t max, struct pv_map *m,
		struct pv_err *e);

/** pv_unmap - release a mapping; accepts a zeroed or released one */
void pv_unmap(struct pv_map *m);

struct pv_out {
	int fd;
	char *path; /* final name */
	char *tmp;  /* temporary name, NULL once committed or aborted */
};

/**
 * pv_out_open - start writing @path atomically ("-" is standard output,
 * written directly)
 * returns: 0 or PV_EIO / PV_ENOMEM with the path in the message
 */
int pv_out_open(struct pv_out *o, const char *path, struct pv_err *e);

/** pv_out_write - append (buf, len); returns 0 or PV_EIO */
int pv_out_write(struct pv_out *o, const void *buf, size_t len,
		 struct pv_err *e);

/**
 * pv_out_commit - fsync, give the file the usual 0666 & ~umask mode, rename
 * it over the destination and fsync the folder; on failure the temporary
 * file is removed
 * returns: 0 or PV_EIO
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
