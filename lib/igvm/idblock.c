/* SPDX-License-Identifier: Apache-2.0 */
/*
 * idblock.c - SEV-SNP ID block: layout (SEV-SNP ABI 56860 ID_BLOCK,
 * IGVM_VHS_SNP_ID_BLOCK) and deterministic ECDSA P-384 (RFC 6979) on
 * OpenSSL 3.0 primitives that are not deprecated (EVP, HMAC, BN, EC_POINT).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include "core/bytes.h"
#include "core/err.h"
#include "igvm/idblock.h"

#define QLEN 48 /* bytes of the P-384 group order */

int pv_ec_p384_load(const char *path, EVP_PKEY **key, struct pv_err *e)
{
	char group[64] = "";
	int encrypted = 0;
	size_t glen = 0;
	FILE *f = fopen(path, "r");
	EVP_PKEY *k;

	if (!f)
		return pv_err_errno(e, errno, "%s: cannot open the key", path);
	k = PEM_read_PrivateKey(f, NULL, pv_snp_pem_no_passphrase, &encrypted);
	fclose(f);
	if (!k && encrypted)
		return pv_errf(e, PV_ENOTSUP,
			       "%s: the ID key is encrypted; podvm does not ask for pass phrases: give an unencrypted key (openssl pkey -in KEY -out PLAIN)",
			       path);
	if (!k)
		return pv_errf(e, PV_ECRYPTO, "%s: not a PEM private key", path);
	if (!EVP_PKEY_is_a(k, "EC") ||
	    !EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
					    group, sizeof(group), &glen) ||
	    strcmp(group, "secp384r1") != 0) {
		EVP_PKEY_free(k);
		return pv_errf(e, PV_EINVAL,
			       "%s: an ID key must be ECDSA P-384 (secp384r1), this is %s",
			       path, group[0] ? group : "not an EC key");
	}
	*key = k;
	return 0;
}

static int hmac(const uint8_t *key, const uint8_t *a, size_t alen,
		const uint8_t *b, size_t blen, uint8_t *out)
{
	uint8_t buf[QLEN + 1 + 2 * QLEN];
	unsigned int n = 0;

	if (alen + blen > sizeof(buf))
		return -1;
	memcpy(buf, a, alen);
	if (blen)
		memcpy(buf + alen, b, blen);
	return HMAC(EVP_sha384(), key, QLEN, buf, alen + blen, out, &n) && n == QLEN
		       ? 0
		       : -1;
}

int pv_ecdsa_p384_sign(EVP_PKEY *key, const uint8_t *msg, size_t len,
		       uint8_t rout[48], uint8_t sout[48], struct pv_err *e)
{
	uint8_t h1[QLEN], xo[QLEN], ho[QLEN], V[QLEN], K[QLEN];
	uint8_t t[QLEN + 1 + 2 * QLEN];
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(NID_secp384r1);
	BN_CTX *ctx = BN_CTX_new();
	EC_POINT *P = grp ? EC_POINT_new(grp) : NULL;
	BIGNUM *x = NULL, *h = BN_new(), *k = BN_new(), *r = BN_new();
	BIGNUM *s = BN_new(), *kinv = BN_new(), *tmp = BN_new();
	const BIGNUM *q;
	unsigned int hl = 0;
	int rc = PV_ECRYPTO, round;

	if (!grp || !ctx || !P || !h || !k || !r || !s || !kinv || !tmp) {
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
		goto out;
	}
	q = EC_GROUP_get0_order(grp);
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &x) ||
	    !EVP_Digest(msg, len, h1, &hl, EVP_sha384(), NULL) || hl != QLEN)
		goto fail;
	BN_set_flags(x, BN_FLG_CONSTTIME);
	BN_set_flags(k, BN_FLG_CONSTTIME);
	/* RFC 6979 §2.3: qlen = hlen = 384, so bits2int is the identity and
	 * bits2octets(h1) = int2octets(h1 mod q) */
	if (!BN_bin2bn(h1, QLEN, h) || !BN_nnmod(tmp, h, q, ctx) ||
	    BN_bn2binpad(tmp, ho, QLEN) != QLEN ||
	    BN_bn2binpad(x, xo, QLEN) != QLEN)
		goto fail;
	/* §3.2 b-g */
	memset(V, 0x01, QLEN);
	memset(K, 0x00, QLEN);
	for (round = 0; round < 2; round++) {
		memcpy(t, V, QLEN);
		t[QLEN] = (uint8_t)round;
		memcpy(t + QLEN + 1, xo, QLEN);
		if (hmac(K, t, QLEN + 1 + QLEN, ho, QLEN, K) ||
		    hmac(K, V, QLEN, NULL, 0, V))
			goto fail;
	}
	/* §3.2 h: until 1 <= k < q gives r != 0 and s != 0 */
	for (;;) {
		if (hmac(K, V, QLEN, NULL, 0, V) || !BN_bin2bn(V, QLEN, k))
			goto fail;
		if (!BN_is_zero(k) && BN_cmp(k, q) < 0) {
			if (!EC_POINT_mul(grp, P, k, NULL, NULL, ctx) ||
			    !EC_POINT_get_affine_coordinates(grp, P, tmp, NULL,
							     ctx) ||
			    !BN_nnmod(r, tmp, q, ctx))
				goto fail;
			/* s = k^-1 (h + x r) mod q; k^-1 = k^(q-2) (q prime) */
			if (!BN_copy(tmp, q) || !BN_sub_word(tmp, 2) ||
			    !BN_mod_exp_mont_consttime(kinv, k, tmp, q, ctx, NULL) ||
			    !BN_mod_mul(tmp, x, r, q, ctx) ||
			    !BN_mod_add(tmp, tmp, h, q, ctx) ||
			    !BN_mod_mul(s, kinv, tmp, q, ctx))
				goto fail;
			if (!BN_is_zero(r) && !BN_is_zero(s))
				break;
		}
		memcpy(t, V, QLEN);
		t[QLEN] = 0;
		if (hmac(K, t, QLEN + 1, NULL, 0, K) ||
		    hmac(K, V, QLEN, NULL, 0, V))
			goto fail;
	}
	if (BN_bn2binpad(r, rout, 48) != 48 || BN_bn2binpad(s, sout, 48) != 48)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = pv_errf(e, PV_ECRYPTO, "ECDSA P-384 signing failed");
out:
	OPENSSL_cleanse(K, sizeof(K));
	OPENSSL_cleanse(V, sizeof(V));
	OPENSSL_cleanse(xo, sizeof(xo));
	BN_clear_free(x);
	BN_clear_free(k);
	BN_clear_free(kinv);
	BN_free(h);
	BN_free(r);
	BN_free(s);
	BN_clear_free(tmp);
	EC_POINT_free(P);
	EC_GROUP_free(grp);
	BN_CTX_free(ctx);
	return rc;
}

/* big-endian n bytes -> little-endian, zero-extended to 72 (§5.14) */
static void le72(uint8_t dst[PV_IGVM_IDB_COORD], const uint8_t *be, size_t n)
{
	size_t i;

	memset(dst, 0, PV_IGVM_IDB_COORD);
	for (i = 0; i < n; i++)
		dst[i] = be[n - 1 - i];
}

int pv_igvm_id_block(const struct pv_snp_id_block_in *id, EVP_PKEY *key,
		     uint8_t out[PV_IGVM_SZ_SNP_ID_BLOCK], struct pv_err *e)
{
	struct pv_igvm_snp_id_block b = { 0 };
	uint8_t msg[PV_SNP_ID_BLOCK_SIZE], r[48], s[48], qx[48], qy[48];
	BIGNUM *bx = NULL, *by = NULL;
	int rc;

	pv_snp_id_block(id, msg);
	rc = pv_ecdsa_p384_sign(key, msg, sizeof(msg), r, s, e);
	if (rc)
		return rc;
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &bx) ||
	    !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &by) ||
	    BN_bn2binpad(bx, qx, 48) != 48 || BN_bn2binpad(by, qy, 48) != 48) {
		BN_free(bx);
		BN_free(by);
		return pv_errf(e, PV_ECRYPTO, "ID key: no public point");
	}
	BN_free(bx);
	BN_free(by);
	/* IGVM_VHS_SNP_ID_BLOCK, igvm.md §5.14: no author key */
	b.mask = 1;
	memcpy(b.ld, id->ld, sizeof(b.ld));
	memcpy(b.family_id, id->family_id, sizeof(b.family_id));
	memcpy(b.image_id, id->image_id, sizeof(b.image_id));
	b.version = id->version;
	b.guest_svn = id->guest_svn;
	b.id_key_algorithm = PV_SNP_ALGO_ECDSA_P384_SHA384;
	le72(b.id_sig_r, r, 48);
	le72(b.id_sig_s, s, 48);
	b.id_key_curve = PV_SNP_CURVE_P384;
	le72(b.id_qx, qx, 48);
	le72(b.id_qy, qy, 48);
	pv_igvm_snp_id_block_put(out, &b);
	return 0;
}
