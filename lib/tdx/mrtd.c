/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mrtd.c - MRTD of a TD built from TDVF metadata (docs/tdx.md 3).
 *
 * The TDX module keeps MRTD as one running SHA-384: TDH.MEM.PAGE.ADD adds
 * a 128-byte block ("MEM.PAGE.ADD", zero padding, the page's GPA as a u64
 * at byte 16, zeros); TDH.MR.EXTEND adds a 128-byte block ("MR.EXTEND",
 * the chunk's GPA at byte 16) and then the 256 bytes of the chunk.
 * TDH.MR.FINALIZE ends the hash.  QEMU (target/i386/kvm/tdx.c,
 * tdx_init_fw_mem_region) hands every section to KVM_TDX_INIT_MEM_REGION
 * in metadata order, with KVM_TDX_MEASURE_MEMORY_REGION when the section
 * has the MR.EXTEND attribute; the pages of BFV and CFV come from the
 * image at DataOffset, TD_HOB and TempMem pages are not extended in OVMF.
 */
#include <string.h>

#include <openssl/evp.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "tdx/tdx.h"

#define BLOCK 128
#define CHUNKS (PV_TDX_PAGE_SIZE / PV_TDX_EXTEND_CHUNK)
/* one page in single-pass order: PAGE.ADD, then 16 x (header, chunk) */
#define PAGE_STEPS (BLOCK + CHUNKS * (BLOCK + PV_TDX_EXTEND_CHUNK))

static const uint8_t zero_page[PV_TDX_PAGE_SIZE];

static void page_add_block(uint8_t *b, uint64_t gpa)
{
	memset(b, 0, BLOCK);
	memcpy(b, "MEM.PAGE.ADD", 12);
	pv_put_le64(b + 16, gpa);
}

/* The 16 MR.EXTEND steps of one page into @b (16 * 384 bytes). */
static size_t extend_page(uint8_t *b, uint64_t gpa, const uint8_t *page)
{
	size_t i, w = 0;

	for (i = 0; i < CHUNKS; i++) {
		memset(b + w, 0, BLOCK);
		memcpy(b + w, "MR.EXTEND", 9);
		pv_put_le64(b + w + 16, gpa + i * PV_TDX_EXTEND_CHUNK);
		w += BLOCK;
		memcpy(b + w, page + i * PV_TDX_EXTEND_CHUNK,
		       PV_TDX_EXTEND_CHUNK);
		w += PV_TDX_EXTEND_CHUNK;
	}
	return w;
}

static const uint8_t *page_data(const struct pv_tdvf *t,
				const struct pv_tdvf_section *s, uint64_t pg)
{
	if (s->type == PV_TDVF_BFV || s->type == PV_TDVF_CFV)
		/* inside: pv_tdvf_parse checked DataOffset + MemoryDataSize */
		return t->data + s->data_offset + pg * PV_TDX_PAGE_SIZE;
	return zero_page; /* TempMem: fresh zero pages */
}

static int section(struct pv_digest *d, const struct pv_tdvf *t,
		   const struct pv_tdvf_section *s,
		   enum pv_tdx_mrtd_order order)
{
	uint8_t buf[PAGE_STEPS];
	uint64_t pg, n = s->mem_size / PV_TDX_PAGE_SIZE;
	bool ext = s->attributes & PV_TDVF_ATTR_MR_EXTEND;
	size_t w;

	for (pg = 0; pg < n; pg++) {
		uint64_t gpa = s->gpa + pg * PV_TDX_PAGE_SIZE;

		page_add_block(buf, gpa);
		w = BLOCK;
		if (ext && order == PV_TDX_MRTD_SINGLE_PASS)
			w += extend_page(buf + w, gpa, page_data(t, s, pg));
		if (pv_digest_update(d, buf, w))
			return PV_ECRYPTO;
	}
	if (!ext || order == PV_TDX_MRTD_SINGLE_PASS)
		return 0;
	for (pg = 0; pg < n; pg++) {
		w = extend_page(buf, s->gpa + pg * PV_TDX_PAGE_SIZE,
				page_data(t, s, pg));
		if (pv_digest_update(d, buf, w))
			return PV_ECRYPTO;
	}
	return 0;
}

/* MRTD as if TDH.MR.FINALIZE came now: finish a copy of the running hash */
static int snapshot(const struct pv_digest *d, uint8_t out[PV_TDX_MR_SIZE])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_MD_CTX_copy_ex(c, (const EVP_MD_CTX *)d->ctx) &&
		 EVP_DigestFinal_ex(c, out, NULL);

	EVP_MD_CTX_free(c);
	return ok ? 0 : PV_ECRYPTO;
}

static int observe(const struct pv_digest *d, const struct pv_tdvf *t,
		   const struct pv_tdvf_section *s, pv_tdx_observer obs,
		   void *ctx)
{
	struct pv_tdx_event ev = {
		.reg = "mrtd",
		.type = "TDVF_SECTION",
		.what = pv_tdvf_type_name(s->type),
		.has_gpa = true,
		.gpa = s->gpa,
	};
	bool copied = s->type == PV_TDVF_BFV || s->type == PV_TDVF_CFV;

	if (pv_hash_buf(PV_SHA384, copied ? t->data + s->data_offset : NULL,
			copied ? (size_t)s->mem_size : 0, ev.digest) ||
	    snapshot(d, ev.value))
		return PV_ECRYPTO;
	return obs(ctx, &ev);
}

int pv_tdx_mrtd(const struct pv_tdvf *t, enum pv_tdx_mrtd_order order,
		uint8_t mrtd[PV_TDX_MR_SIZE], pv_tdx_observer obs, void *ctx,
		struct pv_err *e)
{
	struct pv_digest d = { 0 };
	uint32_t i;
	int r;

	if (order != PV_TDX_MRTD_SINGLE_PASS && order != PV_TDX_MRTD_TWO_PASS)
		return pv_errf(e, PV_EINVAL, "MRTD: unknown page order %d",
			       (int)order);
	r = pv_digest_init(&d, PV_SHA384, e);
	if (r)
		return r;
	for (i = 0; i < t->nsections; i++) {
		r = section(&d, t, &t->sections[i], order);
		if (r) {
			r = pv_errf(e, PV_ECRYPTO, "MRTD: SHA-384 failed");
			goto out;
		}
		if (obs) {
			r = observe(&d, t, &t->sections[i], obs, ctx);
			if (r) {
				r = pv_errf(e, r, "MRTD: section %u: SHA-384 "
					    "or the event log failed", i);
				goto out;
			}
		}
	}
	if (pv_digest_final(&d, mrtd))
		r = pv_errf(e, PV_ECRYPTO, "MRTD: SHA-384 failed");
out:
	pv_digest_free(&d);
	return r;
}
