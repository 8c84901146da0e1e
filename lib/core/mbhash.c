/* SPDX-License-Identifier: Apache-2.0 */
/* mbhash.c - many equal-length messages over OpenSSL EVP or ipsec-mb. */
#include "core/mbhash.h"
#include "core/err.h"

#include "podvm-config.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#if PODVM_HAVE_IPSEC_MB
#include <intel-ipsec-mb.h>
#endif

/* Where the messages of a call are: strided from a base, or listed. */
struct msgs {
	const uint8_t *base;
	size_t stride;
	const uint8_t *const *ptrs;
};

static const uint8_t *msg_at(const struct msgs *mv, size_t i)
{
	return mv->ptrs ? mv->ptrs[i] : mv->base + i * mv->stride;
}

static const char *const engine_names[] = {
	[PV_MB_AUTO] = "auto",
	[PV_MB_OPENSSL] = "openssl",
	[PV_MB_IPSEC] = "ipsec-mb",
};

int pv_mb_engine_from_name(const char *name, enum pv_mb_engine *engine,
			   struct pv_err *e)
{
	size_t i;

	for (i = 0; i < sizeof(engine_names) / sizeof(engine_names[0]); i++) {
		if (strcmp(name, engine_names[i]) == 0) {
			*engine = (enum pv_mb_engine)i;
			return 0;
		}
	}
	return pv_errf(e, PV_EINVAL,
		       "hash engine '%s', expected auto, openssl or ipsec-mb", name);
}

const char *pv_mb_engine_name(enum pv_mb_engine engine)
{
	return engine_names[engine];
}

#if PODVM_HAVE_IPSEC_MB
/* ipsec-mb keeps lengths in 16 bits and rejects longer messages with
 * IMB_STATUS_INVALID_ARGS (its MB_MAX_LEN16; 65535 fails with 1.3.0). */
#define IPSEC_MAX_LEN 65534

static const IMB_HASH_ALG ipsec_algs[] = {
	[PV_SHA1] = IMB_AUTH_SHA_1,
	[PV_SHA256] = IMB_AUTH_SHA_256,
	[PV_SHA384] = IMB_AUTH_SHA_384,
	[PV_SHA512] = IMB_AUTH_SHA_512,
};

static const char *const ipsec_arch_names[] = {
	[IMB_ARCH_NONE] = "none",
	[IMB_ARCH_NOAESNI] = "generic",
	[IMB_ARCH_SSE] = "sse",
	[IMB_ARCH_AVX] = "avx",
	[IMB_ARCH_AVX2] = "avx2",
	[IMB_ARCH_AVX512] = "avx512",
};

/*
 * ipsec-mb's own choice is the widest SIMD the CPU has.  For SHA-256 on a
 * CPU with SHA-NI but without AVX-512 that is the wrong one: its SSE
 * manager pairs messages on SHA-NI, about twice its eight AVX2 lanes (on
 * the 2-core AMD EPYC 7002 of bench/: 4 KiB messages at 2.0 GB/s against
 * 0.94, OpenSSL's EVP 1.2).  SHA-1 stays on AVX2 there (2.0 against 1.9),
 * and SHA-384/512 have no SHA-NI.
 */
static bool shani_first(enum pv_hash alg, IMB_ARCH arch)
{
	return alg == PV_SHA256 && arch != IMB_ARCH_AVX512 &&
	       arch > IMB_ARCH_SSE &&
	       (imb_get_feature_flags() & IMB_FEATURE_SHANI);
}

static int ipsec_init(struct pv_mbhash *m, struct pv_err *e)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);
	IMB_ARCH arch = IMB_ARCH_NONE;

	if (!mgr)
		return pv_errf(e, PV_ENOMEM, "ipsec-mb: cannot allocate its manager");
	init_mb_mgr_auto(mgr, &arch);
	if (!imb_get_errno(mgr) && shani_first(m->alg, arch)) {
		/* a fresh manager for the other architecture */
		free_mb_mgr(mgr);
		mgr = alloc_mb_mgr(0);
		if (!mgr)
			return pv_errf(e, PV_ENOMEM, "ipsec-mb: cannot allocate its manager");
		init_mb_mgr_sse(mgr);
		arch = IMB_ARCH_SSE;
	}
	if (imb_get_errno(mgr) || arch <= IMB_ARCH_NONE || arch >= IMB_ARCH_NUM) {
		free_mb_mgr(mgr);
		return pv_errf(e, PV_ENOTSUP, "ipsec-mb: no implementation for this CPU");
	}
	m->mgr = mgr;
	m->arch = (int)arch;
	return 0;
}

/* Check a job ipsec-mb hands back. */
static int ipsec_done(const IMB_JOB *job)
{
	return job->status == IMB_STATUS_COMPLETED ? 0 : PV_ECRYPTO;
}

static int ipsec_run(struct pv_mbhash *m, const struct msgs *mv, size_t len,
		     size_t n, uint8_t *out)
{
	IMB_MGR *mgr = m->mgr;
	IMB_JOB *job;
	size_t i, done = 0;
	int r = 0;

	for (i = 0; i < n; i++) {
		job = IMB_GET_NEXT_JOB(mgr);
		memset(job, 0, sizeof(*job));
		job->cipher_mode = IMB_CIPHER_NULL;
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_HASH_CIPHER;
		job->hash_alg = ipsec_algs[m->alg];
		job->src = msg_at(mv, i);
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bytes = len;
		job->auth_tag_output = out + i * m->size;
		job->auth_tag_output_len_in_bytes = m->size;
		/* Jobs come back when their lanes are full, in order. */
		for (job = IMB_SUBMIT_JOB(mgr); job; job = IMB_GET_COMPLETED_JOB(mgr)) {
			r |= ipsec_done(job);
			done++;
		}
	}
	while ((job = IMB_FLUSH_JOB(mgr))) {
		r |= ipsec_done(job);
		done++;
	}
	return r || done != n ? PV_ECRYPTO : 0;
}
#endif

int pv_mbhash_init(struct pv_mbhash *m, enum pv_hash alg,
		   enum pv_mb_engine want, struct pv_err *e)
{
	int r;

	memset(m, 0, sizeof(*m));
	m->alg = alg;
	m->size = pv_hash_size(alg);
	m->engine = PV_MB_OPENSSL;
	/* EVP in both engines: ipsec-mb's long messages go through it */
	r = pv_digest_init(&m->d, alg, e);
	if (r)
		return r;
	if (want == PV_MB_OPENSSL)
		return 0;
#if PODVM_HAVE_IPSEC_MB
	{
		struct pv_err ignored = { 0 };

		r = ipsec_init(m, want == PV_MB_IPSEC ? e : &ignored);
		if (r == 0)
			m->engine = PV_MB_IPSEC;
	}
#else
	r = want == PV_MB_IPSEC
		? pv_errf(e, PV_ENOTSUP,
			  "hash engine ipsec-mb: this build has no ipsec-mb (built without libipsec-mb-dev, or not amd64)")
		: 0;
#endif
	if (r && want == PV_MB_IPSEC) {
		pv_digest_free(&m->d);
		return r;
	}
	return 0;
}

static int run(struct pv_mbhash *m, const struct msgs *mv, size_t len,
	       size_t n, uint8_t *out)
{
	size_t i;

#if PODVM_HAVE_IPSEC_MB
	if (m->engine == PV_MB_IPSEC && len <= IPSEC_MAX_LEN)
		return ipsec_run(m, mv, len, n, out);
#endif
	for (i = 0; i < n; i++) {
		if (pv_digest_update(&m->d, msg_at(mv, i), len) ||
		    pv_digest_final(&m->d, out + i * m->size))
			return PV_ECRYPTO;
	}
	return 0;
}

int pv_mbhash_run(struct pv_mbhash *m, const uint8_t *msgs, size_t stride,
		  size_t len, size_t n, uint8_t *out)
{
	const struct msgs mv = { .base = msgs, .stride = stride };

	return run(m, &mv, len, n, out);
}

int pv_mbhash_run_ptrs(struct pv_mbhash *m, const uint8_t *const *msgs,
		       size_t len, size_t n, uint8_t *out)
{
	const struct msgs mv = { .ptrs = msgs };

	return run(m, &mv, len, n, out);
}

void pv_mbbatch_init(struct pv_mbbatch *b, struct pv_mbhash *m, size_t len)
{
	b->m = m;
	b->len = len;
	b->n = 0;
}

int pv_mbbatch_flush(struct pv_mbbatch *b)
{
	size_t size = b->m->size, i;

	if (b->n && pv_mbhash_run_ptrs(b->m, b->msgs, b->len, b->n, b->md))
		return PV_ECRYPTO;
	for (i = 0; i < b->n; i++)
		memcpy(b->outs[i], b->md + i * size, size);
	b->n = 0;
	return 0;
}

int pv_mbbatch_add(struct pv_mbbatch *b, const uint8_t *msg, uint8_t *out)
{
	b->msgs[b->n] = msg;
	b->outs[b->n++] = out;
	return b->n == PV_MBBATCH ? pv_mbbatch_flush(b) : 0;
}

void pv_mbhash_describe(const struct pv_mbhash *m, size_t max_len, char *buf,
			size_t len)
{
	const char *ssl = OpenSSL_version(OPENSSL_VERSION_STRING);

#if PODVM_HAVE_IPSEC_MB
	if (m->engine == PV_MB_IPSEC) {
		/* the SSE manager hashes SHA-1 and SHA-256 on SHA-NI */
		const char *ni = m->arch == IMB_ARCH_SSE &&
				 (m->alg == PV_SHA1 || m->alg == PV_SHA256) &&
				 (imb_get_feature_flags() & IMB_FEATURE_SHANI)
				 ? " sha-ni" : "";

		if (max_len > IPSEC_MAX_LEN)
			snprintf(buf, len, "ipsec-mb %s %s%s, openssl %s for messages over %d bytes",
				 imb_get_version_str(), ipsec_arch_names[m->arch],
				 ni, ssl, IPSEC_MAX_LEN);
		else
			snprintf(buf, len, "ipsec-mb %s %s%s", imb_get_version_str(),
				 ipsec_arch_names[m->arch], ni);
		return;
	}
#else
	(void)m;
	(void)max_len;
#endif
	snprintf(buf, len, "openssl %s", ssl);
}

void pv_mbhash_free(struct pv_mbhash *m)
{
#if PODVM_HAVE_IPSEC_MB
	if (m->mgr)
		free_mb_mgr(m->mgr);
#endif
	m->mgr = NULL;
	pv_digest_free(&m->d);
}
