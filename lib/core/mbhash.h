/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mbhash.h - many messages of one length hashed in one call.
 *
 * dm-verity hashes millions of independent blocks.  One SHA stream is
 * bound by the latency of its rounds; hashing 8 or 16 messages side by
 * side in SIMD lanes is not.  Two engines compute the same digests:
 *
 *   openssl    OpenSSL 3 EVP, one message after the other: the reference,
 *              on every architecture.
 *   ipsec-mb   Intel's Multi-Buffer Crypto library (Debian's libipsec-mb,
 *              amd64 only), which spreads the messages over the lanes of
 *              AVX-512, AVX2 or SSE, or pairs them on SHA-NI.  It takes
 *              the widest SIMD the CPU has, except SHA-256 on a CPU with
 *              SHA-NI and no AVX-512: SHA-NI there (mbhash.c shani_first).
 *              On an EPYC with AVX-512 (Zen 4): sha256 4.7 GB/s a core
 *              against EVP's 1.6, sha1 8.3 against 1.7, sha512 3.9
 *              against 0.9; on an EPYC 7002 (Zen 2, AVX2 and SHA-NI):
 *              sha256 2.1 GB/s on SHA-NI against 0.94 on AVX2 and EVP's
 *              1.25, sha512 0.74 against EVP's 0.55.
 *
 * PV_MB_AUTO takes ipsec-mb when this build has it, otherwise openssl.
 * ipsec-mb takes messages of at most 65534 bytes: longer ones (blocks of
 * 64 KiB and more) go through OpenSSL in either engine.
 * A context is not thread-safe; give each thread its own.
 */
#ifndef PODVM_CORE_MBHASH_H
#define PODVM_CORE_MBHASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"

struct pv_err;

enum pv_mb_engine {
	PV_MB_AUTO,
	PV_MB_OPENSSL,
	PV_MB_IPSEC,
};

struct pv_mbhash {
	enum pv_mb_engine engine; /* never PV_MB_AUTO once initialised */
	enum pv_hash alg;
	size_t size;              /* digest bytes */
	struct pv_digest d;       /* openssl */
	void *mgr;                /* ipsec-mb: IMB_MGR */
	int arch;                 /* ipsec-mb: the IMB_ARCH it chose */
};

/**
 * pv_mb_engine_from_name - "auto", "openssl" or "ipsec-mb"
 * returns: 0 or PV_EINVAL naming the accepted values
 */
int pv_mb_engine_from_name(const char *name, enum pv_mb_engine *engine,
			   struct pv_err *e);

/** pv_mb_engine_name - the name above of @engine */
const char *pv_mb_engine_name(enum pv_mb_engine engine);

/**
 * pv_mbhash_init - a context for @alg on engine @want
 * returns: 0; PV_ENOTSUP when @want is PV_MB_IPSEC and this build or this
 *          CPU has no ipsec-mb, or ipsec-mb lacks @alg; PV_ENOMEM,
 *          PV_ECRYPTO.  On failure *m needs no free.
 */
int pv_mbhash_init(struct pv_mbhash *m, enum pv_hash alg,
		   enum pv_mb_engine want, struct pv_err *e);

/**
 * pv_mbhash_run - digest @n messages of @len bytes, message i at
 * @msgs + i * @stride, into @out + i * size
 * returns: 0 or PV_ECRYPTO
 */
int pv_mbhash_run(struct pv_mbhash *m, const uint8_t *msgs, size_t stride,
		  size_t len, size_t n, uint8_t *out);

/**
 * pv_mbhash_run_ptrs - the same for @n messages of @len bytes anywhere,
 * message i at @msgs[i]
 * returns: 0 or PV_ECRYPTO
 */
int pv_mbhash_run_ptrs(struct pv_mbhash *m, const uint8_t *const *msgs,
		       size_t len, size_t n, uint8_t *out);

/* Messages queued one by one, hashed PV_MBBATCH at a time: for callers
 * whose messages are scattered and whose digests go to scattered places. */
#define PV_MBBATCH 64

struct pv_mbbatch {
	struct pv_mbhash *m;
	size_t len;                        /* bytes of every message */
	size_t n;                          /* queued */
	const uint8_t *msgs[PV_MBBATCH];
	uint8_t *outs[PV_MBBATCH];         /* where each digest goes */
	uint8_t md[PV_MBBATCH * PV_HASH_MAX];
};

/** pv_mbbatch_init - an empty queue of @len-byte messages for @m */
void pv_mbbatch_init(struct pv_mbbatch *b, struct pv_mbhash *m, size_t len);

/**
 * pv_mbbatch_add - queue @msg, whose digest goes to @out; hashes the queue
 * when it is full.  @msg must stay readable until then.
 * returns: 0 or PV_ECRYPTO
 */
int pv_mbbatch_add(struct pv_mbbatch *b, const uint8_t *msg, uint8_t *out);

/**
 * pv_mbbatch_flush - hash what is queued
 * returns: 0 or PV_ECRYPTO
 */
int pv_mbbatch_flush(struct pv_mbbatch *b);

/**
 * pv_mbhash_describe - the engine as a user reads it, e.g. "openssl 3.0.17"
 * or "ipsec-mb 1.3.0 avx512", into @buf (truncated to @len); when messages
 * up to @max_len bytes include some ipsec-mb does not take, it says that
 * OpenSSL hashes those
 */
void pv_mbhash_describe(const struct pv_mbhash *m, size_t max_len, char *buf,
			size_t len);

/** pv_mbhash_free - release @m; accepts a zeroed or freed one */
void pv_mbhash_free(struct pv_mbhash *m);

#endif
