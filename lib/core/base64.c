/* SPDX-License-Identifier: Apache-2.0 */
/* base64.c - base64 through OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock. */
#include "core/base64.h"
#include "core/err.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

int pv_base64_encode(const uint8_t *buf, size_t len, char *out, size_t outsize)
{
	if (len > (size_t)INT_MAX / 4 * 3 - 3 || outsize < PV_BASE64_SIZE(len))
		return PV_ERANGE;
	EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return 0;
}

char *pv_base64_alloc(const uint8_t *buf, size_t len)
{
	char *out;

	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return NULL;
	out = malloc(PV_BASE64_SIZE(len));
	if (out)
		EVP_EncodeBlock((unsigned char *)out, buf, (int)len);
	return out;
}

int pv_base64_decode(const char *s, uint8_t *out, size_t outmax, size_t *outlen,
		     const char *what, struct pv_err *e)
{
	size_t n = strlen(s), pad = 0, i, len;
	unsigned char *tmp;
	int got;

	if (n % 4 || n > (size_t)INT_MAX)
		return pv_errf(e, PV_EFORMAT,
			       "%s: base64 length %zu is not a multiple of 4", what, n);
	while (pad < 2 && pad < n && s[n - 1 - pad] == '=')
		pad++;
	for (i = 0; i < n - pad; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789+/", s[i]))
			return pv_errf(e, PV_EFORMAT,
				       "%s: not a base64 character at position %zu",
				       what, i + 1);
	len = n / 4 * 3 - pad;
	if (len > outmax)
		return pv_errf(e, PV_ETOOBIG, "%s: %zu bytes of base64, at most %zu allowed",
			       what, len, outmax);
	tmp = malloc(n / 4 * 3 + 1);
	if (!tmp)
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", what);
	got = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)n);
	if (got < 0 || (size_t)got != n / 4 * 3) {
		free(tmp);
		return pv_errf(e, PV_EFORMAT, "%s: not valid base64", what);
	}
	memcpy(out, tmp, len);
	free(tmp);
	*outlen = len;
	return 0;
}
