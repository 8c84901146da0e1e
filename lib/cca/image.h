/* SPDX-License-Identifier: Apache-2.0 */
/*
 * image.h - the arm64 Linux Image header (Documentation/arm64/booting.rst,
 * "Call the kernel image", header of 64 bytes), and gzip-compressed Image.
 */
#ifndef PODVM_CCA_IMAGE_H
#define PODVM_CCA_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pv_err;

#define PV_ARM64_IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 56 */
#define PV_ARM64_HDR_SIZE 64u
#define PV_ARM64_DEFAULT_TEXT_OFFSET 0x80000u /* image_size == 0 */

struct pv_arm64_image {
	uint64_t text_offset; /* the load offset from a 2 MiB boundary */
	uint64_t image_size;  /* effective size incl. BSS; 0 in old kernels */
	uint64_t flags;
};

/**
 * pv_arm64_image_parse - read the header of an uncompressed Image
 * @what: the file name, for messages
 * returns: 0; PV_EFORMAT when the buffer is shorter than 64 bytes or the
 *          magic at 56 is not "ARM\x64" (the message gives both values);
 *          a big-endian kernel (flags bit 0) is PV_ENOTSUP
 */
int pv_arm64_image_parse(const uint8_t *buf, size_t len, const char *what,
			 struct pv_arm64_image *img, struct pv_err *e);

/** pv_is_gzip - (buf, len) starts with the gzip magic 1f 8b */
bool pv_is_gzip(const uint8_t *buf, size_t len);

/**
 * pv_gunzip - inflate a gzip stream (as QEMU does for Image.gz)
 * @max: the largest decompressed size accepted (PV_ETOOBIG beyond)
 * @out, @outlen: a malloc()ed buffer the caller frees
 * returns: 0, PV_EFORMAT for corrupt data, PV_ETOOBIG, PV_ENOMEM
 */
int pv_gunzip(const uint8_t *buf, size_t len, size_t max, const char *what,
	      uint8_t **out, size_t *outlen, struct pv_err *e);

#endif
