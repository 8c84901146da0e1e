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

#include "igvm/igvm.h"
#include "snp/idblock.h"

struct pv_err;
struct evp_pkey_st;

/* The firmware's 96-byte ID_BLOCK, the message the ID key signs, is
 * lib/snp's (struct pv_snp_id_block_in, pv_snp_id_block()). */

/**
 * pv_ec_p384_load - read a P-384 private key (PEM: PKCS#8 or SEC1)
 * returns: 0 with *key (EVP_PKEY_free it); PV_EIO, PV_ECRYPTO,
 *          PV_EINVAL for a key on another curve, PV_ENOTSUP for an
 *          encrypted key (refused at once, never a pass-phrase prompt)
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
int pv_igvm_id_block(const struct pv_snp_id_block_in *id,
		     struct evp_pkey_st *key,
		     uint8_t out[PV_IGVM_SZ_SNP_ID_BLOCK], struct pv_err *e);
#endif
