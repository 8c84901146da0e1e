/* SPDX-License-Identifier: Apache-2.0 */
/* hex.c - hexadecimal encoding and strict decoding. */
#include "core/hex.h"
#include "core/err.h"

#include <string.h>

int pv_hex_encode(const uint8_t *buf, size_t len, char *out, size_t outsize)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (len > (outsize - 1) / 2 || outsize == 0)
		return PV_ERANGE;
	for (i = 0; i < len; i++) {
		out[2 * i] = digits[buf[i] >> 4];
		out[2 * i + 1] = digits[buf[i] & 0xf];
	}
	out[2 * len] = '\0';
	return 0;
}

int pv_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int pv_hex_decode(const char *hex, uint8_t *out, size_t outmax, size_t *outlen,
		  const char *what, struct pv_err *e)
{
	size_t n = strlen(hex), i;

	if (n % 2)
		return pv_errf(e, PV_EFORMAT,
			       "%s: odd number of hex digits (%zu)", what, n);
	if (n / 2 > outmax)
		return pv_errf(e, PV_ETOOBIG,
			       "%s: %zu bytes of hex, at most %zu allowed",
			       what, n / 2, outmax);
	for (i = 0; i < n; i++)
		if (pv_hex_digit(hex[i]) < 0)
			return pv_errf(e, PV_EFORMAT,
				       "%s: not a hex digit at position %zu",
				       what, i + 1);
	for (i = 0; i < n / 2; i++)
		out[i] = (uint8_t)(pv_hex_digit(hex[2 * i]) << 4 | pv_hex_digit(hex[2 * i + 1]));
	*outlen = n / 2;
	return 0;
}
