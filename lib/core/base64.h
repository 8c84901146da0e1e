/* SPDX-License-Identifier: Apache-2.0 */
/* base64.h - standard base64 (RFC 4648 §4, with padding) over OpenSSL. */
#ifndef PODVM_CORE_BASE64_H
#define PODVM_CORE_BASE64_H

#include <stddef.h>
#include <stdint.h>

struct pv_err;

/* The size of the encoding of n bytes, with its terminating NUL. */
#define PV_BASE64_SIZE(n) (4 * (((size_t)(n) + 2) / 3) + 1)

/**
 * pv_base64_encode - base64 of (buf, len) into out, NUL-terminated
 * @outsize: at least PV_BASE64_SIZE(len)
 * returns: 0, or PV_ERANGE when @out is too small or @len too large
 */
int pv_base64_encode(const uint8_t *buf, size_t len, char *out, size_t outsize);

/** pv_base64_alloc - the same into a new string; NULL when out of memory */
char *pv_base64_alloc(const uint8_t *buf, size_t len);

/**
 * pv_base64_decode - strict decoding: a multiple of 4 characters from the
 * standard alphabet, '=' padding only at the end
 * @what: names the value in error messages
 * @outlen: set to the number of bytes decoded, on success only
 * returns: 0, PV_EFORMAT, or PV_ETOOBIG when it exceeds @outmax
 */
int pv_base64_decode(const char *s, uint8_t *out, size_t outmax, size_t *outlen,
		     const char *what, struct pv_err *e);

#endif
