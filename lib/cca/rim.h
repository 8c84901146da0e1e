/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rim.h - the Arm CCA Realm Initial Measurement (RIM) primitives.
 *
 * Arm DEN0137 (Realm Management Monitor specification) and TF-RMM
 * (rim.c, measurement_descs.h); summary in docs cca-rim.md §2.  The RIM is
 * a running register: RMI_REALM_CREATE sets RIM0 = H(measured 4 KiB
 * RmiRealmParams page), then every measured RMI call sets
 * RIM <- H(0x100-byte descriptor that contains the old RIM at 0x10).
 * Descriptors are built in byte buffers with explicit little-endian
 * stores, never by casting a struct.
 */
#ifndef PODVM_CCA_RIM_H
#define PODVM_CCA_RIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"

struct pv_err;

#define PV_CCA_GRANULE 4096u
#define PV_CCA_DESC_SIZE 0x100u
#define PV_CCA_MEAS_MAX 64u /* MAX_MEASUREMENT_SIZE */

/* RmiHashAlgorithm (cca-rim.md §2.1) */
enum {
	PV_CCA_RMI_HASH_SHA_256 = 0,
	PV_CCA_RMI_HASH_SHA_512 = 1,
	PV_CCA_RMI_HASH_SHA_384 = 2, /* RMM 2.0 only */
};

/* RmiRealmParams.flags (RMM 2.0: flags0), cca-rim.md §2.2 */
#define PV_CCA_FLAG_LPA2 (1ull << 0)
#define PV_CCA_FLAG_SVE (1ull << 1)
#define PV_CCA_FLAG_PMU (1ull << 2)

/* Descriptor types (measurement.h, cca-rim.md §2.3-2.5) */
enum {
	PV_CCA_DESC_DATA = 0,
	PV_CCA_DESC_REC = 1,
	PV_CCA_DESC_RIPAS = 2,
};

#define PV_CCA_RMI_MEASURE_CONTENT 1u
#define PV_CCA_REC_FLAG_RUNNABLE 1u

/*
 * The measured RmiRealmParams fields, already ENCODED as the RMM reads
 * them (cca-rim.md §2.2): sve_vl = VL_bits/128 - 1, num_bps/num_wps =
 * count - 1.  Use pv_cca_encode_params() to get them from user values.
 */
struct pv_cca_params {
	uint64_t flags;
	uint32_t s2sz;
	uint32_t sve_vl;
	uint32_t num_bps;
	uint32_t num_wps;
	uint32_t pmu_num_ctrs;
	uint8_t hash_algo; /* PV_CCA_RMI_HASH_* */
};

/* The values a user gives (bits and counts), before encoding. */
struct pv_cca_user_params {
	bool lpa2;
	unsigned sve_vl_bits; /* 0: SVE off; else a multiple of 128, <= 2048 */
	unsigned pmu_counters; /* 0: PMU off */
	unsigned ipa_bits;
	unsigned num_bps; /* counts, 1..16 */
	unsigned num_wps;
};

/**
 * pv_cca_encode_params - the measured fields for user values and @alg
 * returns: 0; PV_EINVAL for an SVE length that is not a multiple of 128
 *          (or above 2048), a count outside 1..16, more than 31 PMU
 *          counters, an IPA width outside 32..52, or an algorithm other
 *          than SHA-256/384/512 (PV_ENOTSUP)
 */
int pv_cca_encode_params(const struct pv_cca_user_params *u, enum pv_hash alg,
			 struct pv_cca_params *p, struct pv_err *e);

/** pv_cca_hash_algo_id - the RmiHashAlgorithm of @alg, or -1 */
int pv_cca_hash_algo_id(enum pv_hash alg);

/* The RIM register and the context that hashes for it. */
struct pv_cca_rim {
	enum pv_hash alg;
	size_t len; /* digest length: 32, 48 or 64 */
	uint8_t rim[PV_CCA_MEAS_MAX]; /* digest then zero padding */
	struct pv_digest d;
};

/**
 * pv_cca_rim_init - an empty RIM (all zero) for @alg
 * returns: 0, PV_ENOTSUP for SHA-1, PV_ENOMEM or PV_ECRYPTO
 */
int pv_cca_rim_init(struct pv_cca_rim *r, enum pv_hash alg, struct pv_err *e);

/** pv_cca_rim_free - release the hashing context */
void pv_cca_rim_free(struct pv_cca_rim *r);

/** pv_cca_params_page - the 4096-byte page RMI_REALM_CREATE hashes */
void pv_cca_params_page(const struct pv_cca_params *p,
			uint8_t page[PV_CCA_GRANULE]);

/**
 * pv_cca_realm_create - RIM0 = H(params page) (cca-rim.md §2.2)
 * returns: 0 or PV_ECRYPTO
 */
int pv_cca_realm_create(struct pv_cca_rim *r, const struct pv_cca_params *p);

/** pv_cca_desc_data - the DATA descriptor (§2.4) into @out */
void pv_cca_desc_data(uint8_t out[PV_CCA_DESC_SIZE],
		      const uint8_t rim[PV_CCA_MEAS_MAX], uint64_t ipa,
		      uint64_t flags, const uint8_t *content, size_t clen);

/**
 * pv_cca_data_extend - RIM <- H(DATA descriptor) for one granule whose
 * content digest is @content (NULL: unmeasured, flags 0, content zero)
 * returns: 0 or PV_ECRYPTO
 */
int pv_cca_data_extend(struct pv_cca_rim *r, uint64_t ipa,
		       const uint8_t *content);

/** pv_cca_desc_ripas - the RIPAS descriptor (§2.3) into @out */
void pv_cca_desc_ripas(uint8_t out[PV_CCA_DESC_SIZE],
		       const uint8_t rim[PV_CCA_MEAS_MAX], uint64_t base,
		       uint64_t top);

/**
 * pv_cca_ripas_extend - RIM <- H(RIPAS descriptor) for one RTT entry
 * [base, top) (RMM 1.0 only)
 * returns: 0 or PV_ECRYPTO
 */
int pv_cca_ripas_extend(struct pv_cca_rim *r, uint64_t base, uint64_t top);

/** pv_cca_rec_params_page - the measured RmiRecParams page (§2.5) */
void pv_cca_rec_params_page(uint64_t flags, uint64_t pc,
			    const uint64_t gprs[8],
			    uint8_t page[PV_CCA_GRANULE]);

/** pv_cca_desc_rec - the REC descriptor (§2.5) into @out */
void pv_cca_desc_rec(uint8_t out[PV_CCA_DESC_SIZE],
		     const uint8_t rim[PV_CCA_MEAS_MAX],
		     const uint8_t *content, size_t clen);

/**
 * pv_cca_rec_extend - RIM <- H(REC descriptor) with content = H(params
 * page); the caller decides whether the REC is measured (TF-RMM measures
 * runnable RECs only)
 * @content: if not NULL, receives the content digest (r->len bytes)
 * returns: 0 or PV_ECRYPTO
 */
int pv_cca_rec_extend(struct pv_cca_rim *r, uint64_t flags, uint64_t pc,
		      const uint64_t gprs[8], uint8_t *content);

/**
 * pv_cca_rem_extend - REM <- H(REM[0..hashlen] || data[0..size]) (§2.6,
 * RSI_MEASUREMENT_EXTEND)
 * @rem: PV_CCA_MEAS_MAX bytes, updated in place (zero padding kept)
 * returns: 0, PV_EINVAL when @size > 64, PV_ENOTSUP, PV_ECRYPTO
 */
int pv_cca_rem_extend(enum pv_hash alg, uint8_t rem[PV_CCA_MEAS_MAX],
		      const void *data, size_t size, struct pv_err *e);

#endif
