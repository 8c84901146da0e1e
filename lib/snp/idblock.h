/* SPDX-License-Identifier: Apache-2.0 */
/*
 * idblock.h - the SEV-SNP ID block and ID authentication information
 * structure that SNP_LAUNCH_FINISH takes (AMD SEV-SNP Firmware ABI, 8.18
 * SNP_LAUNCH_FINISH, Table 75 "ID_BLOCK", Table 76 "ID_AUTH_INFO";
 * Appendix A.1 "ECDSA public key", A.2 "ECDSA signature"), built the way
 * sev-snp-measure's snp-create-id-block builds them (snp-measurement.md 7).
 */
#ifndef PODVM_SNP_IDBLOCK_H
#define PODVM_SNP_IDBLOCK_H

#include <stddef.h>
#include <stdint.h>

struct pv_err;

#define PV_SNP_ID_BLOCK_SIZE 96
#define PV_SNP_ID_AUTH_SIZE 4096
#define PV_SNP_PUBKEY_SIZE 1028	/* curve, qx[72], qy[72], reserved */
#define PV_SNP_SIG_SIZE 512	/* r[72], s[72], reserved */
#define PV_SNP_ALGO_ECDSA_P384_SHA384 1
#define PV_SNP_CURVE_P384 2

struct pv_snp_id_block_in {
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;	/* 1 */
	uint32_t guest_svn;
	uint64_t policy;	/* sev-snp-measure default 0x30000 */
};

/** pv_snp_id_block - the 96-byte ID block (ABI Table 75) */
void pv_snp_id_block(const struct pv_snp_id_block_in *in,
		     uint8_t out[PV_SNP_ID_BLOCK_SIZE]);

struct pv_snp_key; /* an ECDSA P-384 private key */

/**
 * pv_snp_key_from_pem - load a PEM private key (SEC1 or PKCS#8, no
 * password) that must be an EC key on P-384
 * @name: names the key in messages
 * returns: 0, PV_EFORMAT (not a PEM private key), PV_ENOTSUP (another
 *          key type or curve, or an encrypted key: refused without a
 *          prompt), PV_ENOMEM
 */
int pv_snp_key_from_pem(const uint8_t *pem, size_t len, const char *name,
			struct pv_snp_key **key, struct pv_err *e);

/**
 * pv_snp_pem_no_passphrase - an OpenSSL pem_password_cb that refuses:
 * podvm never prompts for a pass phrase (a tool must not wait on the
 * terminal); it sets *(int *)@u, when @u is not NULL, to say the key was
 * encrypted
 * returns: -1 (no pass phrase)
 */
int pv_snp_pem_no_passphrase(char *buf, int size, int rwflag, void *u);

/** pv_snp_key_free - accepts NULL */
void pv_snp_key_free(struct pv_snp_key *key);

/**
 * pv_snp_pubkey - the 1028-byte public key structure (ABI A.1): curve 2,
 * little-endian Qx and Qy zero-extended to 72 bytes
 * returns: 0 or PV_ECRYPTO
 */
int pv_snp_pubkey(const struct pv_snp_key *key,
		  uint8_t out[PV_SNP_PUBKEY_SIZE], struct pv_err *e);

/**
 * pv_snp_sign - ECDSA P-384 / SHA-384 over (msg, len) in the 512-byte
 * signature structure (ABI A.2): little-endian R and S in 72 bytes each
 * returns: 0 or PV_ECRYPTO
 */
int pv_snp_sign(const struct pv_snp_key *key, const uint8_t *msg, size_t len,
		uint8_t out[PV_SNP_SIG_SIZE], struct pv_err *e);

/**
 * pv_snp_verify - check a signature structure against a public key
 * structure
 * returns: 0, PV_EVERIFY (bad signature), PV_EFORMAT (bad key structure),
 *          PV_ECRYPTO
 */
int pv_snp_verify(const uint8_t pub[PV_SNP_PUBKEY_SIZE], const uint8_t *msg,
		  size_t len, const uint8_t sig[PV_SNP_SIG_SIZE],
		  struct pv_err *e);

/**
 * pv_snp_id_auth - the 4096-byte ID authentication information (ABI
 * Table 76): the ID key signs @id_block; the optional author key signs the
 * ID key's public structure
 * @author: NULL for none (AUTH_KEY_ALGO 0, its fields zero)
 * returns: 0 or PV_ECRYPTO
 */
int pv_snp_id_auth(const uint8_t id_block[PV_SNP_ID_BLOCK_SIZE],
		   const struct pv_snp_key *id, const struct pv_snp_key *author,
		   uint8_t out[PV_SNP_ID_AUTH_SIZE], struct pv_err *e);

/** Offsets in ID_AUTH_INFO (ABI Table 76). */
enum {
	PV_SNP_AUTH_ID_KEY_ALGO = 0x000,
	PV_SNP_AUTH_AUTH_KEY_ALGO = 0x004,
	PV_SNP_AUTH_ID_BLOCK_SIG = 0x040,
	PV_SNP_AUTH_ID_KEY = 0x240,
	PV_SNP_AUTH_ID_KEY_SIG = 0x680,
	PV_SNP_AUTH_AUTHOR_KEY = 0x880,
};

/**
 * pv_snp_key_digest - SHA-384 of the public key structure, as the
 * attestation report's ID_KEY_DIGEST / AUTHOR_KEY_DIGEST
 * returns: 0 or PV_ECRYPTO
 */
int pv_snp_key_digest(const struct pv_snp_key *key, uint8_t out[48],
		      struct pv_err *e);

/*
 * Contrast's ID block (edgelesssys/contrast internal/idblock/idblock.go,
 * IDBlocksFromLaunchDigest, at 9edad599; contrast.md 9): no private key.
 * The ID block holds the launch digest, FAMILY_ID 01 00.., IMAGE_ID
 * 02 00.., VERSION 1, GUEST_SVN 2 and the policy; its "signature" is the
 * constant (r, s) = (2, 1), and the ID key is recovered from it (SEC 1
 * 4.1.6): of the two keys for which (2, 1) is a valid ECDSA P-384/SHA-384
 * signature of the block, the one with the smaller X (then Y).
 */
#define PV_SNP_CONTRAST_FAMILY_ID0 0x01
#define PV_SNP_CONTRAST_IMAGE_ID0 0x02
#define PV_SNP_CONTRAST_GUEST_SVN 2

/**
 * pv_snp_contrast_id_block - the ID block and ID authentication
 * information Contrast derives from a launch digest and guest policy
 * @ld: the launch digest
 * @policy: the GUEST_POLICY QEMU is given (Contrast writes
 *          abi.SnpPolicyToBytes of the manifest's GuestPolicy: the caller
 *          passes a word that round-trips through it)
 * @block: receives the 96-byte ID block (ABI Table 75)
 * @auth: receives the 4096-byte ID_AUTH_INFO: ID_KEY_ALGO 1,
 *        AUTH_KEY_ALGO 0, the signature (2, 1), the recovered ID key
 * returns: 0, PV_ECRYPTO (OpenSSL failed, or no key recovers: the
 *          message says which)
 */
int pv_snp_contrast_id_block(const uint8_t ld[48], uint64_t policy,
			     uint8_t block[PV_SNP_ID_BLOCK_SIZE],
			     uint8_t auth[PV_SNP_ID_AUTH_SIZE],
			     struct pv_err *e);

#endif
