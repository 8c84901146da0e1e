/* SPDX-License-Identifier: Apache-2.0 */
/* idblock.c - see idblock.h.  ECDSA through OpenSSL 3 EVP. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "snp/idblock.h"

_Static_assert(0x880 + PV_SNP_PUBKEY_SIZE + 892 == PV_SNP_ID_AUTH_SIZE,
	       "ID_AUTH_INFO is 4 KiB");
_Static_assert(0x240 + PV_SNP_PUBKEY_SIZE + 60 == 0x680,
	       "ID_KEY_SIG follows ID_KEY and 60 reserved bytes");

#define COORD 72 /* 576 bits: room for the P-521 coordinates of the ABI */

void pv_snp_id_block(const struct pv_snp_id_block_in *in,
		     uint8_t out[PV_SNP_ID_BLOCK_SIZE])
{
	/* ABI Table 75: LD[48], FAMILY_ID[16], IMAGE_ID[16], VERSION u32,
	 * GUEST_SVN u32, POLICY u64. */
	memcpy(out, in->ld, 48);
	memcpy(out + 48, in->family_id, 16);
	memcpy(out + 64, in->image_id, 16);
	pv_put_le32(out + 80, in->version);
	pv_put_le32(out + 84, in->guest_svn);
	pv_put_le64(out + 88, in->policy);
}

struct pv_snp_key {
	EVP_PKEY *pkey;
};

int pv_snp_pem_no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	if (u)
		*(int *)u = 1;
	return -1;
}

int pv_snp_key_from_pem(const uint8_t *pem, size_t len, const char *name,
			struct pv_snp_key **key, struct pv_err *e)
{
	struct pv_snp_key *k;
	char group[64] = "";
	int encrypted = 0;
	EVP_PKEY *p;
	BIO *bio;

	if (len > 1 << 20)
		return pv_errf(e, PV_ETOOBIG, "%s: key file too large", name);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", name);
	p = PEM_read_bio_PrivateKey(bio, NULL, pv_snp_pem_no_passphrase,
				    &encrypted);
	BIO_free(bio);
	if (!p && encrypted)
		return pv_errf(e, PV_ENOTSUP,
			       "%s: the private key is encrypted; podvm does not "
			       "ask for pass phrases: give an unencrypted key "
			       "(openssl pkey -in KEY -out PLAIN)", name);
	if (!p)
		return pv_errf(e, PV_EFORMAT,
			       "%s: not a PEM private key (unencrypted SEC1 "
			       "or PKCS#8 expected)", name);
	if (EVP_PKEY_get_base_id(p) != EVP_PKEY_EC ||
	    !EVP_PKEY_get_utf8_string_param(p, OSSL_PKEY_PARAM_GROUP_NAME,
					    group, sizeof(group), NULL) ||
	    strcmp(group, "secp384r1") != 0) {
		EVP_PKEY_free(p);
		return pv_errf(e, PV_ENOTSUP,
			       "%s: SNP only supports the EC curve P-384 "
			       "(secp384r1)%s%s", name, group[0] ? ", not " : "",
			       group);
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(p);
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", name);
	}
	k->pkey = p;
	*key = k;
	return 0;
}

void pv_snp_key_free(struct pv_snp_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey);
	free(key);
}

int pv_snp_pubkey(const struct pv_snp_key *key,
		  uint8_t out[PV_SNP_PUBKEY_SIZE], struct pv_err *e)
{
	BIGNUM *x = NULL, *y = NULL;
	int ok;

	memset(out, 0, PV_SNP_PUBKEY_SIZE);
	ok = EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
	     EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
	/* ABI A.1: CURVE u32, QX[72] little-endian, QY[72], reserved. */
	pv_put_le32(out, PV_SNP_CURVE_P384);
	ok = ok && BN_bn2lebinpad(x, out + 4, COORD) == COORD &&
	     BN_bn2lebinpad(y, out + 4 + COORD, COORD) == COORD;
	BN_free(x);
	BN_free(y);
	return ok ? 0 : pv_errf(e, PV_ECRYPTO, "reading the public key failed");
}

int pv_snp_sign(const struct pv_snp_key *key, const uint8_t *msg, size_t len,
		uint8_t out[PV_SNP_SIG_SIZE], struct pv_err *e)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char der[160];
	const unsigned char *p = der;
	size_t dlen = sizeof(der);
	ECDSA_SIG *sig = NULL;
	const BIGNUM *r, *s;
	int ok;

	memset(out, 0, PV_SNP_SIG_SIZE);
	ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha384(), NULL,
				       key->pkey) == 1 &&
	     EVP_DigestSign(ctx, der, &dlen, msg, len) == 1 &&
	     (sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen)) != NULL;
	if (ok) {
		/* ABI A.2: R[72], S[72], little-endian. */
		ECDSA_SIG_get0(sig, &r, &s);
		ok = BN_bn2lebinpad(r, out, COORD) == COORD &&
		     BN_bn2lebinpad(s, out + COORD, COORD) == COORD;
	}
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : pv_errf(e, PV_ECRYPTO, "ECDSA P-384 signing failed");
}

int pv_snp_verify(const uint8_t pub[PV_SNP_PUBKEY_SIZE], const uint8_t *msg,
		  size_t len, const uint8_t sig[PV_SNP_SIG_SIZE],
		  struct pv_err *e)
{
	uint8_t point[1 + 2 * 48];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	int dlen, i, rc = PV_ECRYPTO, v;

	if (pv_le32(pub) != PV_SNP_CURVE_P384 ||
	    !pv_is_zero(pub + 4 + 48, COORD - 48) ||
	    !pv_is_zero(pub + 4 + COORD + 48, COORD - 48))
		return pv_errf(e, PV_EFORMAT,
			       "public key structure: curve %u, expected 2 "
			       "(P-384) with 48-byte coordinates", pv_le32(pub));
	/* SEC1 uncompressed point: 04 || X || Y, big-endian. */
	point[0] = 4;
	for (i = 0; i < 48; i++) {
		point[1 + i] = pub[4 + 47 - i];
		point[49 + i] = pub[4 + COORD + 47 - i];
	}
	bld = OSSL_PARAM_BLD_new();
	if (!bld ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     "secp384r1", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, sizeof(point)) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    !(pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) ||
	    EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		rc = pv_errf(e, PV_EFORMAT, "public key structure: not a "
			     "point on P-384");
		goto out;
	}
	r = BN_lebin2bn(sig, COORD, NULL);
	s = BN_lebin2bn(sig + COORD, COORD, NULL);
	es = ECDSA_SIG_new();
	if (!r || !s || !es || !ECDSA_SIG_set0(es, r, s))
		goto crypto;
	r = s = NULL;
	dlen = i2d_ECDSA_SIG(es, &der);
	ctx = EVP_MD_CTX_new();
	if (dlen <= 0 || !ctx ||
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL, pkey) != 1)
		goto crypto;
	v = EVP_DigestVerify(ctx, der, (size_t)dlen, msg, len);
	rc = v == 1 ? 0 : pv_errf(e, PV_EVERIFY, "ECDSA signature does not "
				  "verify");
	goto out;
crypto:
	rc = pv_errf(e, PV_ECRYPTO, "ECDSA verification setup failed");
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(ctx);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

int pv_snp_id_auth(const uint8_t id_block[PV_SNP_ID_BLOCK_SIZE],
		   const struct pv_snp_key *id, const struct pv_snp_key *author,
		   uint8_t out[PV_SNP_ID_AUTH_SIZE], struct pv_err *e)
{
	int r;

	memset(out, 0, PV_SNP_ID_AUTH_SIZE);
	pv_put_le32(out + PV_SNP_AUTH_ID_KEY_ALGO, PV_SNP_ALGO_ECDSA_P384_SHA384);
	r = pv_snp_sign(id, id_block, PV_SNP_ID_BLOCK_SIZE,
			out + PV_SNP_AUTH_ID_BLOCK_SIG, e);
	if (!r)
		r = pv_snp_pubkey(id, out + PV_SNP_AUTH_ID_KEY, e);
	if (r || !author)
		return r;
	pv_put_le32(out + PV_SNP_AUTH_AUTH_KEY_ALGO,
		    PV_SNP_ALGO_ECDSA_P384_SHA384);
	r = pv_snp_sign(author, out + PV_SNP_AUTH_ID_KEY, PV_SNP_PUBKEY_SIZE,
			out + PV_SNP_AUTH_ID_KEY_SIG, e);
	if (!r)
		r = pv_snp_pubkey(author, out + PV_SNP_AUTH_AUTHOR_KEY, e);
	return r;
}

int pv_snp_key_digest(const struct pv_snp_key *key, uint8_t out[48],
		      struct pv_err *e)
{
	uint8_t pub[PV_SNP_PUBKEY_SIZE];
	int r = pv_snp_pubkey(key, pub, e);

	if (r)
		return r;
	if (pv_hash_buf(PV_SHA384, pub, sizeof(pub), out))
		return pv_errf(e, PV_ECRYPTO, "SHA-384 failed");
	return 0;
}

/*
 * Contrast's key recovery (SEC 1 4.1.6, as internal/idblock's
 * recoverPublicKey does it): R = (r, +-sqrt(r^3 - 3r + b)), and
 * Q = r^-1 (s R - z G) for each R on the curve; the keys sorted by X,
 * then Y, the first taken.
 */
int pv_snp_contrast_id_block(const uint8_t ld[48], uint64_t policy,
			     uint8_t block[PV_SNP_ID_BLOCK_SIZE],
			     uint8_t auth[PV_SNP_ID_AUTH_SIZE],
			     struct pv_err *e)
{
	struct pv_snp_id_block_in in = { .version = 1,
		.guest_svn = PV_SNP_CONTRAST_GUEST_SVN, .policy = policy };
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_secp384r1);
	BN_CTX *ctx = BN_CTX_new();
	EC_POINT *R = g ? EC_POINT_new(g) : NULL;
	EC_POINT *Q = g ? EC_POINT_new(g) : NULL;
	BIGNUM *p, *a, *b, *n, *r, *s, *z, *x, *y2, *y, *rinv, *u1, *u2;
	BIGNUM *qx[2], *qy[2];
	uint8_t hash[48];
	const char *why = "OpenSSL failed";
	int i, k = 0, best, rc = PV_ECRYPTO;

	memcpy(in.ld, ld, 48);
	in.family_id[0] = PV_SNP_CONTRAST_FAMILY_ID0;
	in.image_id[0] = PV_SNP_CONTRAST_IMAGE_ID0;
	pv_snp_id_block(&in, block);
	if (!g || !ctx || !R || !Q)
		goto out;
	BN_CTX_start(ctx);
	p = BN_CTX_get(ctx);
	a = BN_CTX_get(ctx);
	b = BN_CTX_get(ctx);
	n = BN_CTX_get(ctx);
	r = BN_CTX_get(ctx);
	s = BN_CTX_get(ctx);
	z = BN_CTX_get(ctx);
	x = BN_CTX_get(ctx);
	y2 = BN_CTX_get(ctx);
	y = BN_CTX_get(ctx);
	rinv = BN_CTX_get(ctx);
	u1 = BN_CTX_get(ctx);
	u2 = BN_CTX_get(ctx);
	qx[0] = BN_CTX_get(ctx);
	qy[0] = BN_CTX_get(ctx);
	qx[1] = BN_CTX_get(ctx);
	qy[1] = BN_CTX_get(ctx);
	if (!qy[1] || pv_hash_buf(PV_SHA384, block, PV_SNP_ID_BLOCK_SIZE, hash) ||
	    !EC_GROUP_get_curve(g, p, a, b, ctx) ||
	    !EC_GROUP_get_order(g, n, ctx) ||
	    !BN_set_word(r, 2) || !BN_set_word(s, 1) ||
	    !BN_bin2bn(hash, 48, z))
		goto end;
	/* y^2 = x^3 + a x + b (a = -3) at x = r mod p */
	if (!BN_mod(x, r, p, ctx) || !BN_mod_sqr(y2, x, p, ctx) ||
	    !BN_mod_add(y2, y2, a, p, ctx) || !BN_mod_mul(y2, y2, x, p, ctx) ||
	    !BN_mod_add(y2, y2, b, p, ctx))
		goto end;
	if (!BN_mod_sqrt(y, y2, p, ctx)) {
		why = "r = 2 is no X coordinate of P-384";
		goto end;
	}
	/* u1 = -z r^-1, u2 = s r^-1 (mod n) */
	if (!BN_mod_inverse(rinv, r, n, ctx) ||
	    !BN_mod_mul(u1, z, rinv, n, ctx) || !BN_mod_sub(u1, n, u1, n, ctx) ||
	    !BN_mod_mul(u2, s, rinv, n, ctx))
		goto end;
	for (i = 0; i < 2; i++) {
		if (i && !BN_sub(y, p, y))
			goto end;
		if (!EC_POINT_set_affine_coordinates(g, R, x, y, ctx) ||
		    EC_POINT_is_on_curve(g, R, ctx) != 1)
			continue;
		if (!EC_POINT_mul(g, Q, u1, R, u2, ctx) ||
		    !EC_POINT_get_affine_coordinates(g, Q, qx[k], qy[k], ctx))
			goto end;
		k++;
	}
	if (!k) {
		why = "no public key recovers from the signature (2, 1)";
		goto end;
	}
	best = 0;
	if (k == 2) {
		int c = BN_cmp(qx[0], qx[1]);

		best = c > 0 || (c == 0 && BN_cmp(qy[0], qy[1]) > 0);
	}
	memset(auth, 0, PV_SNP_ID_AUTH_SIZE);
	pv_put_le32(auth + PV_SNP_AUTH_ID_KEY_ALGO, PV_SNP_ALGO_ECDSA_P384_SHA384);
	/* ABI A.2: R and S little-endian in 72 bytes each */
	auth[PV_SNP_AUTH_ID_BLOCK_SIG] = 2;
	auth[PV_SNP_AUTH_ID_BLOCK_SIG + COORD] = 1;
	pv_put_le32(auth + PV_SNP_AUTH_ID_KEY, PV_SNP_CURVE_P384);
	if (BN_bn2lebinpad(qx[best], auth + PV_SNP_AUTH_ID_KEY + 4, COORD) !=
	    COORD ||
	    BN_bn2lebinpad(qy[best], auth + PV_SNP_AUTH_ID_KEY + 4 + COORD,
			   COORD) != COORD)
		goto end;
	rc = 0;
end:
	BN_CTX_end(ctx);
out:
	BN_CTX_free(ctx);
	EC_POINT_free(R);
	EC_POINT_free(Q);
	EC_GROUP_free(g);
	return rc ? pv_errf(e, PV_ECRYPTO, "Contrast's ID block: %s", why) : 0;
}
