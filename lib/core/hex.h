/* SPDX-License-Identifier: Apache-2.0 */
/* hex.h - hexadecimal encoding and strict decoding. */
#ifndef PODVM_CORE_HEX_H
#define PODVM_CORE_HEX_H

#include <stddef.h>
#include <stdint.h>

struct pv_err;

/**
 * pv_hex_encode - lower-case hex of (buf, len) into out, NUL-terminated
 * @outsize: must be at least 2 * len + 1
 * returns: 0, or PV_ERANGE when @out is too small (nothing written)
 */
int pv_hex_encode(const uint8_t *buf, size_t len, char *out, size_t outsize);

/** pv_hex_digit - the value of a hex digit (either case), or -1 */
int pv_hex_digit(char c);

/**
 * pv_hex_decode - decode a hex string (either case, even length, no
 * prefix, no separators) into out
 * @what: names the value in error messages ("salt", "--family-id")
 * @outlen: set to the number of bytes decoded, on success only
 * returns: 0; PV_EFORMAT for an odd length or a non-hex character (the
 *          message gives its position); PV_ETOOBIG when it does not fit
 */
int pv_hex_decode(const char *hex, uint8_t *out, size_t outmax, size_t *outlen,
		  const char *what, struct pv_err *e);

#endif
