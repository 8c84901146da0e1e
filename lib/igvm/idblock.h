/* SPDX-License-Identifier: Apache-2.0 */
/*
 * idblock.h - the SEV-SNP ID block of an IGVM file (IGVM_VHS_SNP_ID_BLOCK,
 * docs/igvm.md §5.14) signed with ECDSA P-384 / SHA-384, made
 * deterministic with RFC 6979 so a signed IGVM file is reproducible.
 *
 * The launch digest it carries comes from the SNP measurement engine
 * (lib/snp, `measure snp`); this module only lays out and signs.
 */
#ifndef PODVM_IGVM_IDBLOCK_H
#define PODVM_IGVM_IDBLOCK_H
#include <stddef.h>
#include <stdint.h>

struct pv_err;
struct evp_pkey_st;

/* The firmware's ID_BLOCK (SEV-SNP ABI 56860, SNP_LAUNCH_FINISH): the
 * message the ID key signs, 96 bytes */
struct pv_snp_id {
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
};

#define PV_SNP_ID_BLOCK_SIZE 96

/** pv_snp_id_encode - the 96-byte little-endian ID_BLOCK */
void pv_snp_id_encode(const struct pv_snp_id *id, uint8_t out[PV_SNP_ID_BLOCK_SIZE]);

/**
 * pv_ec_p384_load - read a P-384 private key (PEM: PKCS#8 or SEC1)
 * returns: 0 with *key (EVP_PKEY_free it); PV_EIO, PV_ECRYPTO, or
 *          PV_EINVAL for a key on another curve
 */
int pv_ec_p384_load(const char *path, struct evp_pkey_st **key,
		    struct pv_err *e);

/**
 * pv_ecdsa_p384_sign - deterministic ECDSA (RFC 6979 §3.2, HMAC-SHA-384)
 * over SHA-384(msg)
 * @r, @s: big-endian, 48 bytes each
 * returns: 0 or PV_ECRYPTO / PV_ENOMEM
 */
int pv_ecdsa_p384_sign(struct evp_pkey_st *key, const uint8_t *msg,
		       size_t len, uint8_t r[48], uint8_t s[48],
		       struct pv_err *e);

/**
 * pv_igvm_id_block - the 696-byte IGVM_VHS_SNP_ID_BLOCK content for @id,
 * signed with @key (compatibility mask 1, no author key)
 * returns: 0 or an error from signing
 */
int pv_igvm_id_block(const struct pv_snp_id *id, struct evp_pkey_st *key,
		     uint8_t out[696], struct pv_err *e);
#endif
