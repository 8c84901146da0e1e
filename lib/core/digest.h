/* SPDX-License-Identifier: Apache-2.0 */
/*
 * digest.h - SHA-1/256/384/512 over OpenSSL 3 EVP.
 *
 * A struct pv_digest holds one EVP_MD_CTX that is reused from message to
 * message: pv_digest_final() leaves it ready for the next message, so a
 * hot loop (dm-verity blocks, SNP pages) allocates nothing.  The EVP_MD is
 * fetched once per process and algorithm.  A context is not thread-safe;
 * give each thread its own.
 */
#ifndef PODVM_CORE_DIGEST_H
#define PODVM_CORE_DIGEST_H

#include <stddef.h>
#include <stdint.h>

struct pv_err;

enum pv_hash {
	PV_SHA1,
	PV_SHA256,
	PV_SHA384,
	PV_SHA512,
};

#define PV_HASH_MAX 64 /* the largest digest, SHA-512 */

struct pv_digest {
	void *ctx; /* EVP_MD_CTX */
	const void *md; /* EVP_MD */
	enum pv_hash alg;
	size_t size;
};

/** pv_hash_size - digest size in bytes */
size_t pv_hash_size(enum pv_hash alg);

/** pv_hash_name - "sha1", "sha256", "sha384" or "sha512" */
const char *pv_hash_name(enum pv_hash alg);

/**
 * pv_hash_from_name - the algorithm of a lower-case name as above
 * returns: 0, or PV_ENOTSUP for any other name
 */
int pv_hash_from_name(const char *name, enum pv_hash *alg, struct pv_err *e);

/**
 * pv_digest_init - set up a reusable context and start a message
 * returns: 0, PV_ENOMEM or PV_ECRYPTO; on failure *d needs no free
 */
int pv_digest_init(struct pv_digest *d, enum pv_hash alg, struct pv_err *e);

/** pv_digest_update - add bytes; returns 0 or PV_ECRYPTO */
int pv_digest_update(struct pv_digest *d, const void *buf, size_t len);

/**
 * pv_digest_final - write the digest (pv_hash_size bytes) to @out and
 * start the next message on the same context
 * returns: 0 or PV_ECRYPTO
 */
int pv_digest_final(struct pv_digest *d, uint8_t *out);


/** pv_digest_free - release the context; accepts a zeroed or freed one */
void pv_digest_free(struct pv_digest *d);

/**
 * pv_hash_buf - one-shot digest of (buf, len) into @out
 * returns: 0, PV_ENOMEM or PV_ECRYPTO
 */
int pv_hash_buf(enum pv_hash alg, const void *buf, size_t len, uint8_t *out);

#endif
