/* SPDX-License-Identifier: Apache-2.0 */
/* digest.c - SHA digests over OpenSSL 3 EVP with context reuse. */
#include "core/digest.h"
#include "core/err.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>

static const struct {
	const char *name;
	size_t size;
} algs[] = {
	[PV_SHA1] = { "sha1", 20 },
	[PV_SHA256] = { "sha256", 32 },
	[PV_SHA384] = { "sha384", 48 },
	[PV_SHA512] = { "sha512", 64 },
};

#define NALGS (sizeof(algs) / sizeof(algs[0]))

static EVP_MD *fetched[NALGS];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

/* Explicit fetches avoid OpenSSL's per-init implicit lookup and are kept
 * for the life of the process. */
static void fetch_all(void)
{
	static const char *const ossl_names[] = {
		[PV_SHA1] = "SHA1", [PV_SHA256] = "SHA256",
		[PV_SHA384] = "SHA384", [PV_SHA512] = "SHA512",
	};
	size_t i;

	for (i = 0; i < NALGS; i++)
		fetched[i] = EVP_MD_fetch(NULL, ossl_names[i], NULL);
}

size_t pv_hash_size(enum pv_hash alg)
{
	return (size_t)alg < NALGS ? algs[alg].size : 0;
}

const char *pv_hash_name(enum pv_hash alg)
{
	return (size_t)alg < NALGS ? algs[alg].name : "unknown";
}

int pv_hash_from_name(const char *name, enum pv_hash *alg, struct pv_err *e)
{
	size_t i;

	for (i = 0; i < NALGS; i++) {
		if (strcmp(name, algs[i].name) == 0) {
			*alg = (enum pv_hash)i;
			return 0;
		}
	}
	return pv_errf(e, PV_ENOTSUP,
		       "unknown hash algorithm '%s' (use sha1, sha256, sha384 or sha512)",
		       name);
}

int pv_digest_init(struct pv_digest *d, enum pv_hash alg, struct pv_err *e)
{
	EVP_MD_CTX *ctx;

	memset(d, 0, sizeof(*d));
	if ((size_t)alg >= NALGS)
		return pv_errf(e, PV_EINVAL, "unknown hash algorithm %d", (int)alg);
	pthread_once(&fetch_once, fetch_all);
	if (!fetched[alg])
		return pv_errf(e, PV_ECRYPTO, "OpenSSL has no %s", algs[alg].name);
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return pv_errf(e, PV_ENOMEM, "cannot allocate a digest context");
	if (EVP_DigestInit_ex(ctx, fetched[alg], NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return pv_errf(e, PV_ECRYPTO, "cannot start a %s digest",
			       algs[alg].name);
	}
	d->ctx = ctx;
	d->md = fetched[alg];
	d->alg = alg;
	d->size = algs[alg].size;
	return 0;
}

int pv_digest_update(struct pv_digest *d, const void *buf, size_t len)
{
	if (len == 0)
		return 0;
	return EVP_DigestUpdate(d->ctx, buf, len) == 1 ? 0 : PV_ECRYPTO;
}

int pv_digest_final(struct pv_digest *d, uint8_t *out)
{
	if (EVP_DigestFinal_ex(d->ctx, out, NULL) != 1)
		return PV_ECRYPTO;
	if (EVP_DigestInit_ex(d->ctx, d->md, NULL) != 1)
		return PV_ECRYPTO;
	return 0;
}

void pv_digest_free(struct pv_digest *d)
{
	if (!d)
		return;
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

int pv_hash_buf(enum pv_hash alg, const void *buf, size_t len, uint8_t *out)
{
	struct pv_digest d;
	int r;

	r = pv_digest_init(&d, alg, NULL);
	if (r)
		return r;
	r = pv_digest_update(&d, buf, len);
	if (!r)
		r = pv_digest_final(&d, out);
	pv_digest_free(&d);
	return r;
}
