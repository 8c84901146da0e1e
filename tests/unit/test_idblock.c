/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_idblock.c - lib/igvm/idblock.c: RFC 6979 deterministic ECDSA P-384
 * against the RFC's own vectors (A.2.6), the signature checked by OpenSSL,
 * and the whole IGVM ID block against igvm-tooling (tests/kat/igvm/
 * README.md, "ID block"); lib/snp/idblock.c: Contrast's keyless ID block
 * (pv_snp_contrast_id_block) against an independent transcription.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "../kat/igvm/clh_vectors.h"
#include "core/digest.h"
#include "core/err.h"
#include "core/hex.h"
#include "igvm/idblock.h"
#include "snp/idblock.h"

/* RFC 6979 A.2.6: x = 6B9D3DAD...D2EDF5 */
static const char rfc_pem[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MIGkAgEBBDBrnT2tLhuMHAWxmHW2ZZ9N4jw7Znvyl7qapHdAeHE32JbVck5McKgl\n"
	"+HLJ6mDS7fWgBwYFK4EEACKhZANiAATsOk5BW04ZpFaGGAKfQn+l2pqLxK6S4C4G\n"
	"quUoazAMZN748OqQVYZgZKJUUVSAvBOAFdm3LX1XJE6o75rAxiGJZwilk2f537n1\n"
	"TKhLPxydsSiLIxw64NT+c0T9JTMmRyA=\n"
	"-----END EC PRIVATE KEY-----\n";

/* another curve, to be refused */
static const char p256_pem[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MHcCAQEEIOmg2lhZdv5fS1zCwHsHCGqTTjgASMcoBudWoOnkvpJXoAoGCCqGSM49\n"
	"AwEHoUQDQgAEFy8ZU5cpedlDpThQrVpnMUJpoDEuN9RcXjSEuFks6LZKWrjXGL4g\n"
	"9f4aaCPlOHuQvyXzK2DUTuS9GLxKrab0Mg==\n"
	"-----END EC PRIVATE KEY-----\n";

/* tests/kat/igvm/idkey-test.pem */
static const char kat_pem[] =
	"-----BEGIN EC PRIVATE KEY-----\n"
	"MIGkAgEBBDDAV0awdcOSTeDqgIZhLTE9MElI30PL2hbn8yprI59t8ckeQ4Us8L5J\n"
	"W2JQncvFqgCgBwYFK4EEACKhZANiAASTxRftvordIL8Wa+4qHcKozf3ubFZnsrqW\n"
	"HGQCcYIyTs6/AOyYpltAV+lDHMnvIuRzbkQzHMHhbmxD4F0s4nLv4VHzZC7u8rGZ\n"
	"txdKsuNmIg6ptvAC1N2tWOhsTV3wp3s=\n"
	"-----END EC PRIVATE KEY-----\n";

static EVP_PKEY *load(const char *pem, int expect)
{
	char path[] = "/tmp/podvm-test-key.XXXXXX";
	struct pv_err e = { 0 };
	EVP_PKEY *k = NULL;
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(pem, f);
	fclose(f);
	assert_int_equal(pv_ec_p384_load(path, &k, &e), expect);
	unlink(path);
	return k;
}

static void hex48(const uint8_t *b, char *out)
{
	assert_int_equal(pv_hex_encode(b, 48, out, 97), 0);
}

static void test_rfc6979(void **state)
{
	EVP_PKEY *k = load(rfc_pem, 0);
	uint8_t r[48], s[48];
	char h[97];

	(void)state;
	assert_int_equal(pv_ecdsa_p384_sign(k, (const uint8_t *)"sample", 6, r,
					    s, NULL), 0);
	hex48(r, h);
	assert_string_equal(h, "94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46");
	hex48(s, h);
	assert_string_equal(h, "99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8");
	assert_int_equal(pv_ecdsa_p384_sign(k, (const uint8_t *)"test", 4, r, s,
					    NULL), 0);
	hex48(r, h);
	assert_string_equal(h, "8203b63d3c853e8d77227fb377bcf7b7b772e97892a80f36ab775d509d7a5feb0542a7f0812998da8f1dd3ca3cf023db");
	hex48(s, h);
	assert_string_equal(h, "ddd0760448d42d8a43af45af836fce4de8be06b485e9b61b827c2f13173923e06a739f040649a667bf3b828246baa5a5");
	EVP_PKEY_free(k);
}

/* OpenSSL verifies what we sign */
static void test_openssl_verifies(void **state)
{
	EVP_PKEY *k = load(kat_pem, 0);
	uint8_t msg[96], r[48], s[48], *der = NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int derlen;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	assert_int_equal(pv_ecdsa_p384_sign(k, msg, sizeof(msg), r, s, NULL), 0);
	assert_int_equal(ECDSA_SIG_set0(sig, BN_bin2bn(r, 48, NULL),
					BN_bin2bn(s, 48, NULL)), 1);
	derlen = i2d_ECDSA_SIG(sig, &der);
	assert_true(derlen > 0);
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, k), 1);
	assert_int_equal(EVP_DigestVerify(md, der, (size_t)derlen, msg,
					  sizeof(msg)), 1);
	msg[0] ^= 1;
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, k), 1);
	assert_int_not_equal(EVP_DigestVerify(md, der, (size_t)derlen, msg,
					      sizeof(msg)), 1);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
}

/* the ID block igvm-tooling signs for vector k1 with idkey-test.pem and
 * its defaults (family_id 01 00.., image_id 02 00.., version 1,
 * guest_svn 2, policy 0x3001f) */
static void test_igvm_tooling_block(void **state)
{
	EVP_PKEY *k = load(kat_pem, 0);
	struct pv_snp_id_block_in id = { .version = 1, .guest_svn = 2, .policy = 0x3001f };
	uint8_t blk[696], d[32];
	char h[65];
	size_t n;

	(void)state;
	assert_int_equal(pv_hex_decode(clh_vectors[0].ld, id.ld, sizeof(id.ld),
				       &n, "ld", NULL), 0);
	assert_int_equal(n, 48);
	id.family_id[0] = 1;
	id.image_id[0] = 2;
	assert_int_equal(pv_igvm_id_block(&id, k, blk, NULL), 0);
	assert_int_equal(pv_hash_buf(PV_SHA256, blk, sizeof(blk), d), 0);
	assert_int_equal(pv_hex_encode(d, 32, h, sizeof(h)), 0);
	assert_string_equal(h, "222223939adcd03f9ce9a4260c559da1a395b2312e23aec9fb25c9852d62e825");
	EVP_PKEY_free(k);
}

/*
 * Contrast's ID block for LD 01 02 .. 30 and policy 0x30000.  Expected
 * values: an independent big-integer transcription (Python, affine P-384
 * arithmetic, run outside the repo) of IDBlocksFromLaunchDigest in
 * edgelesssys/contrast internal/idblock/idblock.go at 9edad599: the block
 * bytes, and the little-endian X and Y of the recovered ID key.
 */
static void test_contrast_id_block(void **state)
{
	static const char want_blk[] =
		"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
		"2122232425262728292a2b2c2d2e2f3001000000000000000000000000000000"
		"0200000000000000000000000000000001000000020000000000030000000000";
	static const char want_qx[] =
		"9bd9700593b0fd2e4a717e92aaff5269c63a697cb31f3dc72e73b1253dce2c3d"
		"ead6f6c8ae74455bcdfe0c9a900d8107";
	static const char want_qy[] =
		"37ee23ad68ce989c74007bc9580556bd3fa934c0d71ab4d75fb4a463d90f91e2"
		"9052b3c1b8f3f0c44b751a3053d29b4a";
	uint8_t ld[48], blk[PV_SNP_ID_BLOCK_SIZE], auth[PV_SNP_ID_AUTH_SIZE];
	uint8_t zero[PV_SNP_ID_AUTH_SIZE] = { 0 };
	char h[2 * PV_SNP_ID_BLOCK_SIZE + 1];
	struct pv_err e = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 48; i++)
		ld[i] = (uint8_t)(i + 1);
	assert_int_equal(pv_snp_contrast_id_block(ld, 0x30000, blk, auth, &e), 0);
	assert_int_equal(pv_hex_encode(blk, sizeof(blk), h, sizeof(h)), 0);
	assert_string_equal(h, want_blk);
	assert_int_equal(pv_hex_encode(auth + PV_SNP_AUTH_ID_KEY + 4, 48, h,
				       sizeof(h)), 0);
	assert_string_equal(h, want_qx);
	assert_int_equal(pv_hex_encode(auth + PV_SNP_AUTH_ID_KEY + 4 + 72, 48, h,
				       sizeof(h)), 0);
	assert_string_equal(h, want_qy);
	/* algorithms, curve, the constant signature (2, 1), zeros elsewhere */
	assert_int_equal(auth[0], 1);
	assert_int_equal(auth[4], 0);
	assert_int_equal(auth[PV_SNP_AUTH_ID_BLOCK_SIG], 2);
	assert_int_equal(auth[PV_SNP_AUTH_ID_BLOCK_SIG + 72], 1);
	assert_int_equal(auth[PV_SNP_AUTH_ID_KEY], 2);
	assert_memory_equal(auth + PV_SNP_AUTH_ID_KEY_SIG, zero,
			    PV_SNP_ID_AUTH_SIZE - PV_SNP_AUTH_ID_KEY_SIG);
	/* the signature verifies under the published key, for this block only */
	assert_int_equal(pv_snp_verify(auth + PV_SNP_AUTH_ID_KEY, blk, sizeof(blk),
				       auth + PV_SNP_AUTH_ID_BLOCK_SIG, &e), 0);
	blk[88] ^= 1;
	assert_int_equal(pv_snp_verify(auth + PV_SNP_AUTH_ID_KEY, blk, sizeof(blk),
				       auth + PV_SNP_AUTH_ID_BLOCK_SIG, NULL),
			 PV_EVERIFY);
	/* another digest, another key; each verifies its own block */
	ld[0] ^= 0xff;
	assert_int_equal(pv_snp_contrast_id_block(ld, 0x3001f, blk, zero, &e), 0);
	assert_memory_not_equal(zero + PV_SNP_AUTH_ID_KEY, auth + PV_SNP_AUTH_ID_KEY,
				PV_SNP_PUBKEY_SIZE);
	assert_int_equal(pv_snp_verify(zero + PV_SNP_AUTH_ID_KEY, blk, sizeof(blk),
				       zero + PV_SNP_AUTH_ID_BLOCK_SIG, &e), 0);
}

static void test_wrong_curve(void **state)
{
	(void)state;
	assert_null(load(p256_pem, PV_EINVAL));
	assert_null(load("not a key\n", PV_ECRYPTO));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6979),
		cmocka_unit_test(test_openssl_verifies),
		cmocka_unit_test(test_igvm_tooling_block),
		cmocka_unit_test(test_wrong_curve),
		cmocka_unit_test(test_contrast_id_block),
	};
	return cmocka_run_group_tests_name("idblock", tests, NULL, NULL);
}
