/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sri.c - Subresource Integrity strings (W3C SRI 3.5): the algorithm,
 * "-", the standard base64 of the digest.  Contrast's node installer
 * accepts sha256, sha384 and sha512 (contrast.md 5).
 */
#include <stdio.h>
#include <string.h>

#include "core/base64.h"
#include "core/err.h"
#include "core/file.h"
#include "release/release.h"

static const struct {
	const char *prefix;
	enum pv_hash alg;
} sri_algs[] = {
	{ "sha256-", PV_SHA256 },
	{ "sha384-", PV_SHA384 },
	{ "sha512-", PV_SHA512 },
};

int pv_sri_format(enum pv_hash alg, const uint8_t *digest, char *out,
		  size_t outsize)
{
	size_t i, n;

	for (i = 0; i < sizeof(sri_algs) / sizeof(sri_algs[0]); i++) {
		if (sri_algs[i].alg != alg)
			continue;
		n = strlen(sri_algs[i].prefix);
		if (outsize < n + PV_BASE64_SIZE(pv_hash_size(alg)))
			return PV_EINVAL;
		memcpy(out, sri_algs[i].prefix, n);
		return pv_base64_encode(digest, pv_hash_size(alg), out + n,
					outsize - n) < 0 ? PV_EINVAL : 0;
	}
	return PV_EINVAL;
}

int pv_sri_parse(const char *s, enum pv_hash *alg, uint8_t *digest,
		 const char *what, struct pv_err *e)
{
	size_t i, n, got;

	for (i = 0; i < sizeof(sri_algs) / sizeof(sri_algs[0]); i++) {
		n = strlen(sri_algs[i].prefix);
		if (strncmp(s, sri_algs[i].prefix, n) != 0)
			continue;
		if (pv_base64_decode(s + n, digest, PV_HASH_MAX, &got, what, e))
			return PV_EFORMAT;
		if (got != pv_hash_size(sri_algs[i].alg))
			return pv_errf(e, PV_EFORMAT, "%s: %zu bytes of digest, "
				       "%s needs %zu", what, got,
				       pv_hash_name(sri_algs[i].alg),
				       pv_hash_size(sri_algs[i].alg));
		*alg = sri_algs[i].alg;
		return 0;
	}
	return pv_errf(e, PV_EFORMAT, "%s: '%.40s' is not an integrity string "
		       "(sha256-, sha384- or sha512- followed by base64)",
		       what, s);
}

int pv_sri_file(const char *dir, const char *name, enum pv_hash alg,
		char *out, size_t outsize, uint64_t *size, struct pv_err *e)
{
	uint8_t d[PV_HASH_MAX];
	struct pv_map m = { 0 };
	char path[4096];
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = pv_rel_map(dir, name, UINT64_MAX, &m, e);
	if (r)
		return r;
	r = pv_hash_buf(alg, m.data, m.len, d);
	*size = m.len;
	pv_unmap(&m);
	if (r)
		return pv_errf(e, PV_ECRYPTO, "%s: hashing failed", path);
	if (pv_sri_format(alg, d, out, outsize))
		return pv_errf(e, PV_EINVAL, "%s: no SRI form for %s", path,
			       pv_hash_name(alg));
	return 0;
}
