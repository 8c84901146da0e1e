/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rim.c - RIM primitives: realm creation, DATA, RIPAS and REC descriptors,
 * REM extension.  Offsets from Arm DEN0137 as implemented by TF-RMM
 * (measurement_descs.h, smc-rmi.h); cca-rim.md §2.
 */
#include <string.h>

#include "cca/rim.h"
#include "core/bytes.h"
#include "core/err.h"

/* RmiRealmParams measured field offsets (cca-rim.md §2.2) */
enum {
	RP_FLAGS = 0x00,
	RP_S2SZ = 0x08,
	RP_SVE_VL = 0x10,
	RP_NUM_BPS = 0x18,
	RP_NUM_WPS = 0x20,
	RP_PMU_NUM_CTRS = 0x28,
	RP_HASH_ALGO = 0x30,
};

/* Descriptor offsets (cca-rim.md §2.3-2.5); all descriptors are 0x100. */
enum {
	D_TYPE = 0x00,
	D_LEN = 0x08,
	D_RIM = 0x10,
	/* DATA */
	DD_IPA = 0x50,
	DD_FLAGS = 0x58,
	DD_CONTENT = 0x60,
	DD_END = 0xA0,
	/* RIPAS */
	DR_BASE = 0x50,
	DR_TOP = 0x58,
	/* REC */
	DC_CONTENT = 0x50,
	DC_END = 0x90,
};
_Static_assert(DD_END == DD_CONTENT + PV_CCA_MEAS_MAX, "DATA layout");
_Static_assert(DC_END == DC_CONTENT + PV_CCA_MEAS_MAX, "REC layout");
_Static_assert(D_RIM + PV_CCA_MEAS_MAX == DD_IPA, "descriptor RIM slot");
_Static_assert(DD_END <= PV_CCA_DESC_SIZE, "descriptor size");

/* RmiRecParams measured field offsets (cca-rim.md §2.5) */
enum {
	RC_FLAGS = 0x000,
	RC_PC = 0x200,
	RC_GPRS = 0x300,
};
_Static_assert(RC_GPRS + 8 * 8 <= PV_CCA_GRANULE, "RecParams layout");

int pv_cca_hash_algo_id(enum pv_hash alg)
{
	switch (alg) {
	case PV_SHA256:
		return PV_CCA_RMI_HASH_SHA_256;
	case PV_SHA512:
		return PV_CCA_RMI_HASH_SHA_512;
	case PV_SHA384:
		return PV_CCA_RMI_HASH_SHA_384;
	default:
		return -1;
	}
}

int pv_cca_encode_params(const struct pv_cca_user_params *u, enum pv_hash alg,
			 struct pv_cca_params *p, struct pv_err *e)
{
	int id = pv_cca_hash_algo_id(alg);

	memset(p, 0, sizeof(*p));
	if (id < 0)
		return pv_errf(e, PV_ENOTSUP,
			       "measurement algorithm %s: expected sha256, sha384 or sha512",
			       pv_hash_name(alg));
	if (u->sve_vl_bits % 128 || u->sve_vl_bits > 2048)
		return pv_errf(e, PV_EINVAL,
			       "--sve-vl %u: the SVE vector length must be a multiple of 128 bits, at most 2048",
			       u->sve_vl_bits);
	if (u->num_bps < 1 || u->num_bps > 16)
		return pv_errf(e, PV_EINVAL,
			       "--num-bps %u: expected a count of breakpoints 1..16",
			       u->num_bps);
	if (u->num_wps < 1 || u->num_wps > 16)
		return pv_errf(e, PV_EINVAL,
			       "--num-wps %u: expected a count of watchpoints 1..16",
			       u->num_wps);
	if (u->pmu_counters > 31)
		return pv_errf(e, PV_EINVAL,
			       "--pmu-counters %u: at most 31", u->pmu_counters);
	if (u->ipa_bits < 32 || u->ipa_bits > 52)
		return pv_errf(e, PV_EINVAL, "--ipa-bits %u: expected 32..52",
			       u->ipa_bits);
	if (u->lpa2)
		p->flags |= PV_CCA_FLAG_LPA2;
	if (u->sve_vl_bits) {
		p->flags |= PV_CCA_FLAG_SVE;
		p->sve_vl = u->sve_vl_bits / 128 - 1; /* §2.2: VL/128 - 1 */
	}
	if (u->pmu_counters) {
		p->flags |= PV_CCA_FLAG_PMU;
		p->pmu_num_ctrs = u->pmu_counters;
	}
	p->s2sz = u->ipa_bits;
	p->num_bps = u->num_bps - 1; /* §2.2: count - 1 (BRPs) */
	p->num_wps = u->num_wps - 1; /* WRPs */
	p->hash_algo = (uint8_t)id;
	return 0;
}

int pv_cca_rim_init(struct pv_cca_rim *r, enum pv_hash alg, struct pv_err *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if (pv_cca_hash_algo_id(alg) < 0)
		return pv_errf(e, PV_ENOTSUP,
			       "measurement algorithm %s: expected sha256, sha384 or sha512",
			       pv_hash_name(alg));
	rc = pv_digest_init(&r->d, alg, e);
	if (rc < 0)
		return rc;
	r->alg = alg;
	r->len = pv_hash_size(alg);
	return 0;
}

void pv_cca_rim_free(struct pv_cca_rim *r)
{
	pv_digest_free(&r->d);
}

/* RIM <- H(buf): the digest followed by zeros up to 64 bytes */
static int rim_set_hash(struct pv_cca_rim *r, const void *buf, size_t len)
{
	uint8_t out[PV_CCA_MEAS_MAX] = { 0 };

	if (pv_digest_update(&r->d, buf, len) < 0 ||
	    pv_digest_final(&r->d, out) < 0)
		return PV_ECRYPTO;
	memcpy(r->rim, out, sizeof(out));
	return 0;
}

void pv_cca_params_page(const struct pv_cca_params *p,
			uint8_t page[PV_CCA_GRANULE])
{
	/* TF-RMM measurement_realm_params_measure: a zeroed RmiRealmParams
	 * with the seven measured fields copied in (§2.2). */
	memset(page, 0, PV_CCA_GRANULE);
	pv_put_le64(page + RP_FLAGS, p->flags);
	pv_put_le32(page + RP_S2SZ, p->s2sz);
	pv_put_le32(page + RP_SVE_VL, p->sve_vl);
	pv_put_le32(page + RP_NUM_BPS, p->num_bps);
	pv_put_le32(page + RP_NUM_WPS, p->num_wps);
	pv_put_le32(page + RP_PMU_NUM_CTRS, p->pmu_num_ctrs);
	page[RP_HASH_ALGO] = p->hash_algo;
}

int pv_cca_realm_create(struct pv_cca_rim *r, const struct pv_cca_params *p)
{
	uint8_t page[PV_CCA_GRANULE];

	pv_cca_params_page(p, page);
	return rim_set_hash(r, page, sizeof(page));
}

static void desc_head(uint8_t out[PV_CCA_DESC_SIZE], unsigned type,
		      const uint8_t rim[PV_CCA_MEAS_MAX])
{
	memset(out, 0, PV_CCA_DESC_SIZE);
	out[D_TYPE] = (uint8_t)type;
	pv_put_le64(out + D_LEN, PV_CCA_DESC_SIZE);
	memcpy(out + D_RIM, rim, PV_CCA_MEAS_MAX);
}

void pv_cca_desc_data(uint8_t out[PV_CCA_DESC_SIZE],
		      const uint8_t rim[PV_CCA_MEAS_MAX], uint64_t ipa,
		      uint64_t flags, const uint8_t *content, size_t clen)
{
	desc_head(out, PV_CCA_DESC_DATA, rim);
	pv_put_le64(out + DD_IPA, ipa);
	pv_put_le64(out + DD_FLAGS, flags);
	if (content && clen <= PV_CCA_MEAS_MAX)
		memcpy(out + DD_CONTENT, content, clen);
}

int pv_cca_data_extend(struct pv_cca_rim *r, uint64_t ipa,
		       const uint8_t *content)
{
	uint8_t desc[PV_CCA_DESC_SIZE];

	/* §2.4: unmeasured DATA still extends, with flags 0, content 0 */
	pv_cca_desc_data(desc, r->rim, ipa,
			 content ? PV_CCA_RMI_MEASURE_CONTENT : 0, content,
			 r->len);
	return rim_set_hash(r, desc, sizeof(desc));
}

void pv_cca_desc_ripas(uint8_t out[PV_CCA_DESC_SIZE],
		       const uint8_t rim[PV_CCA_MEAS_MAX], uint64_t base,
		       uint64_t top)
{
	desc_head(out, PV_CCA_DESC_RIPAS, rim);
	pv_put_le64(out + DR_BASE, base);
	pv_put_le64(out + DR_TOP, top);
}

int pv_cca_ripas_extend(struct pv_cca_rim *r, uint64_t base, uint64_t top)
{
	uint8_t desc[PV_CCA_DESC_SIZE];

	pv_cca_desc_ripas(desc, r->rim, base, top);
	return rim_set_hash(r, desc, sizeof(desc));
}

void pv_cca_rec_params_page(uint64_t flags, uint64_t pc,
			    const uint64_t gprs[8],
			    uint8_t page[PV_CCA_GRANULE])
{
	unsigned i;

	/* §2.5: flags, pc and gprs[0..7] only; mpidr and aux not measured */
	memset(page, 0, PV_CCA_GRANULE);
	pv_put_le64(page + RC_FLAGS, flags);
	pv_put_le64(page + RC_PC, pc);
	for (i = 0; i < 8; i++)
		pv_put_le64(page + RC_GPRS + 8 * i, gprs[i]);
}

void pv_cca_desc_rec(uint8_t out[PV_CCA_DESC_SIZE],
		     const uint8_t rim[PV_CCA_MEAS_MAX],
		     const uint8_t *content, size_t clen)
{
	desc_head(out, PV_CCA_DESC_REC, rim);
	if (clen <= PV_CCA_MEAS_MAX)
		memcpy(out + DC_CONTENT, content, clen);
}

int pv_cca_rec_extend(struct pv_cca_rim *r, uint64_t flags, uint64_t pc,
		      const uint64_t gprs[8], uint8_t *content)
{
	uint8_t page[PV_CCA_GRANULE];
	uint8_t digest[PV_CCA_MEAS_MAX] = { 0 };
	uint8_t desc[PV_CCA_DESC_SIZE];

	pv_cca_rec_params_page(flags, pc, gprs, page);
	if (pv_digest_update(&r->d, page, sizeof(page)) < 0 ||
	    pv_digest_final(&r->d, digest) < 0)
		return PV_ECRYPTO;
	if (content)
		memcpy(content, digest, r->len);
	pv_cca_desc_rec(desc, r->rim, digest, r->len);
	return rim_set_hash(r, desc, sizeof(desc));
}

int pv_cca_rem_extend(enum pv_hash alg, uint8_t rem[PV_CCA_MEAS_MAX],
		      const void *data, size_t size, struct pv_err *e)
{
	uint8_t buf[2 * PV_CCA_MEAS_MAX];
	uint8_t out[PV_CCA_MEAS_MAX] = { 0 };
	size_t hl;

	if (pv_cca_hash_algo_id(alg) < 0)
		return pv_errf(e, PV_ENOTSUP, "REM extend: algorithm %s",
			       pv_hash_name(alg));
	if (size > PV_CCA_MEAS_MAX)
		return pv_errf(e, PV_EINVAL,
			       "REM extend: %zu bytes, at most 64 (MAX_EXTENDED_SIZE)",
			       size);
	hl = pv_hash_size(alg);
	/* §2.6: REM <- H(REM[0..hashlen] || data[0..size]) */
	memcpy(buf, rem, hl);
	if (size)
		memcpy(buf + hl, data, size);
	if (pv_hash_buf(alg, buf, hl + size, out) < 0)
		return pv_errf(e, PV_ECRYPTO, "REM extend: hashing failed");
	memcpy(rem, out, sizeof(out));
	return 0;
}
