/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hdr.c - typed access to the IGVM header bodies of igvm.md §5 (see
 * igvm.h): one reader and one writer per layout, used by the validating
 * reader, the SEV-SNP measurement walk and the file writers alike.
 */
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "igvm/igvm.h"

_Static_assert(PV_IGVM_SP_SHARED_GPA_BOUNDARY + 8 ==
		       PV_IGVM_SZ_SUPPORTED_PLATFORM, "§5.1 is 16 bytes");
_Static_assert(PV_IGVM_GP_RESERVED + 4 == PV_IGVM_SZ_GUEST_POLICY,
	       "§5.2 is 16 bytes");
_Static_assert(PV_IGVM_PA_FILE_OFFSET + 4 == PV_IGVM_SZ_PARAMETER_AREA,
	       "§5.7 is 16 bytes");
_Static_assert(PV_IGVM_PD_RESERVED + 2 == PV_IGVM_SZ_PAGE_DATA,
	       "§5.8 is 24 bytes");
_Static_assert(PV_IGVM_PI_INDEX + 4 == PV_IGVM_SZ_PARAMETER_INSERT,
	       "§5.9 is 16 bytes");
_Static_assert(PV_IGVM_PR_BYTE_OFFSET + 4 == PV_IGVM_SZ_PARAMETER,
	       "§5.10 is 8 bytes");
_Static_assert(PV_IGVM_VP_RESERVED + 2 == PV_IGVM_SZ_VP_CONTEXT,
	       "§5.11 is 20 bytes");
_Static_assert(PV_IGVM_IDB_ID_SIG_S == PV_IGVM_IDB_ID_SIG_R + PV_IGVM_IDB_COORD &&
		       PV_IGVM_IDB_ID_KEY_CURVE ==
			       PV_IGVM_IDB_ID_SIG_S + PV_IGVM_IDB_COORD &&
		       PV_IGVM_IDB_ID_KEY_QY ==
			       PV_IGVM_IDB_ID_KEY_QX + PV_IGVM_IDB_COORD &&
		       PV_IGVM_IDB_AUTHOR_SIG_R ==
			       PV_IGVM_IDB_ID_KEY_QY + PV_IGVM_IDB_COORD,
	       "§5.14 signature and key records");
_Static_assert(PV_IGVM_IDB_AUTHOR_KEY_QY + PV_IGVM_IDB_COORD ==
		       PV_IGVM_SZ_SNP_ID_BLOCK, "§5.14 is 696 bytes");

/* the body of @h when it holds at least @size bytes */
static const uint8_t *body(const struct pv_igvm_hdr *h, size_t size,
			   const char *what, struct pv_err *e)
{
	const uint8_t *p = pv_slice(h->body, h->length, 0, size);

	if (!p)
		pv_errf(e, PV_EFORMAT,
			"header at offset 0x%llx: %u bytes, %s needs %zu",
			(unsigned long long)h->offset, h->length, what, size);
	return p;
}

int pv_igvm_platform_get(const struct pv_igvm_hdr *h,
			 struct pv_igvm_platform *d, struct pv_err *e)
{
	const uint8_t *b = body(h, PV_IGVM_SZ_SUPPORTED_PLATFORM,
				"SUPPORTED_PLATFORM", e);

	if (!b)
		return PV_EFORMAT;
	d->mask = pv_le32(b + PV_IGVM_SP_MASK);
	d->highest_vtl = b[PV_IGVM_SP_HIGHEST_VTL];
	d->platform_type = b[PV_IGVM_SP_PLATFORM_TYPE];
	d->platform_version = pv_le16(b + PV_IGVM_SP_PLATFORM_VERSION);
	d->shared_gpa_boundary = pv_le64(b + PV_IGVM_SP_SHARED_GPA_BOUNDARY);
	return 0;
}

void pv_igvm_platform_put(uint8_t out[PV_IGVM_SZ_SUPPORTED_PLATFORM],
			  const struct pv_igvm_platform *d)
{
	memset(out, 0, PV_IGVM_SZ_SUPPORTED_PLATFORM);
	pv_put_le32(out + PV_IGVM_SP_MASK, d->mask);
	out[PV_IGVM_SP_HIGHEST_VTL] = d->highest_vtl;
	out[PV_IGVM_SP_PLATFORM_TYPE] = d->platform_type;
	pv_put_le16(out + PV_IGVM_SP_PLATFORM_VERSION, d->platform_version);
	pv_put_le64(out + PV_IGVM_SP_SHARED_GPA_BOUNDARY,
		    d->shared_gpa_boundary);
}

int pv_igvm_policy_get(const struct pv_igvm_hdr *h, struct pv_igvm_policy *d,
		       struct pv_err *e)
{
	const uint8_t *b = body(h, PV_IGVM_SZ_GUEST_POLICY, "GUEST_POLICY", e);

	if (!b)
		return PV_EFORMAT;
	d->policy = pv_le64(b + PV_IGVM_GP_POLICY);
	d->mask = pv_le32(b + PV_IGVM_GP_MASK);
	return 0;
}

void pv_igvm_policy_put(uint8_t out[PV_IGVM_SZ_GUEST_POLICY],
			const struct pv_igvm_policy *d)
{
	memset(out, 0, PV_IGVM_SZ_GUEST_POLICY);
	pv_put_le64(out + PV_IGVM_GP_POLICY, d->policy);
	pv_put_le32(out + PV_IGVM_GP_MASK, d->mask);
}

int pv_igvm_param_area_get(const struct pv_igvm_hdr *h,
			   struct pv_igvm_param_area *d, struct pv_err *e)
{
	const uint8_t *b = body(h, PV_IGVM_SZ_PARAMETER_AREA,
				"PARAMETER_AREA", e);

	if (!b)
		return PV_EFORMAT;
	d->number_of_bytes = pv_le64(b + PV_IGVM_PA_NUMBER_OF_BYTES);
	d->index = pv_le32(b + PV_IGVM_PA_INDEX);
	d->file_offset = pv_le32(b + PV_IGVM_PA_FILE_OFFSET);
	return 0;
}

void pv_igvm_param_area_put(uint8_t out[PV_IGVM_SZ_PARAMETER_AREA],
			    const struct pv_igvm_param_area *d)
{
	memset(out, 0, PV_IGVM_SZ_PARAMETER_AREA);
	pv_put_le64(out + PV_IGVM_PA_NUMBER_OF_BYTES, d->number_of_bytes);
	pv_put_le32(out + PV_IGVM_PA_INDEX, d->index);
	pv_put_le32(out + PV_IGVM_PA_FILE_OFFSET, d->file_offset);
}

int pv_igvm_page_data_get(const struct pv_igvm_hdr *h,
			  struct pv_igvm_page_data *d, struct pv_err *e)
{
	const uint8_t *b = body(h, PV_IGVM_SZ_PAGE_DATA, "PAGE_DATA", e);

	if (!b)
		return PV_EFORMAT;
	d->gpa = pv_le64(b + PV_IGVM_PD_GPA);
	d->mask = pv_le32(b + PV_IGVM_PD_MASK);
	d->file_offset = pv_le32(b + PV_IGVM_PD_FILE_OFFSET);
	d->flags = pv_le32(b + PV_IGVM_PD_FLAGS);
	d->data_type = pv_le16(b + PV_IGVM_PD_DATA_TYPE);
	return 0;
}

void pv_igvm_page_data_put(uint8_t out[PV_IGVM_SZ_PAGE_DATA],
			   const struct pv_igvm_page_data *d)
{
	memset(out, 0, PV_IGVM_SZ_PAGE_DATA);
	pv_put_le64(out + PV_IGVM_PD_GPA, d->gpa);
	pv_put_le32(out + PV_IGVM_PD_MASK, d->mask);
	pv_put_le32(out + PV_IGVM_PD_FILE_OFFSET, d->file_offset);
	pv_put_le32(out + PV_IGVM_PD_FLAGS, d->flags);
	pv_put_le16(out + PV_IGVM_PD_DATA_TYPE, d->data_type);
}

int pv_igvm_param_insert_get(const struct pv_igvm_hdr *h,
			     struct pv_igvm_param_insert *d, struct pv_err *e)
{
	const uint8_t *b = body(h, PV_IGVM_SZ_PARAMETER_INSERT,
				"PARAMETER_INSERT", e);

	if (!b)
		return PV_EFORMAT;
	d->gpa = pv_le64(b + PV_IGVM_PI_GPA);
	d->mask = pv_le32(b + PV_IGVM_PI_MASK);
	d->index = pv_le32(b + PV_IGVM_PI_INDEX);
	return 0;
}

void pv_igvm_param_insert_put(uint8_t out[PV_IGVM_SZ_PARAMETER_INSERT],
			      const struct pv_igvm_param_insert *d)
{
	memset(out, 0, PV_IGVM_SZ_PARAMETER_INSERT);
	pv_put_le64(out + PV_IGVM_PI_GPA, d->gpa);
	pv_put_le32(out + PV_IGVM_PI_MASK, d->mask);
	pv_put_le32(out + PV_IGVM_PI_INDEX, d->index);
}

int pv_igvm_param_get(const struct pv_igvm_hdr *h, struct pv_igvm_param *d,
		      struct pv_err *e)
{
	const uint8_t *b = body(h, PV_IGVM_SZ_PARAMETER, "a parameter", e);

	if (!b)
		return PV_EFORMAT;
	d->index = pv_le32(b + PV_IGVM_PR_INDEX);
	d->byte_offset = pv_le32(b + PV_IGVM_PR_BYTE_OFFSET);
	return 0;
}

void pv_igvm_param_put(uint8_t out[PV_IGVM_SZ_PARAMETER],
		       const struct pv_igvm_param *d)
{
	pv_put_le32(out + PV_IGVM_PR_INDEX, d->index);
	pv_put_le32(out + PV_IGVM_PR_BYTE_OFFSET, d->byte_offset);
}

int pv_igvm_vp_context_get(const struct pv_igvm_hdr *h,
			   struct pv_igvm_vp_context *d, struct pv_err *e)
{
	const uint8_t *b = body(h, PV_IGVM_SZ_VP_CONTEXT, "VP_CONTEXT", e);

	if (!b)
		return PV_EFORMAT;
	d->gpa = pv_le64(b + PV_IGVM_VP_GPA);
	d->mask = pv_le32(b + PV_IGVM_VP_MASK);
	d->file_offset = pv_le32(b + PV_IGVM_VP_FILE_OFFSET);
	d->vp_index = pv_le16(b + PV_IGVM_VP_INDEX);
	return 0;
}

void pv_igvm_vp_context_put(uint8_t out[PV_IGVM_SZ_VP_CONTEXT],
			    const struct pv_igvm_vp_context *d)
{
	memset(out, 0, PV_IGVM_SZ_VP_CONTEXT);
	pv_put_le64(out + PV_IGVM_VP_GPA, d->gpa);
	pv_put_le32(out + PV_IGVM_VP_MASK, d->mask);
	pv_put_le32(out + PV_IGVM_VP_FILE_OFFSET, d->file_offset);
	pv_put_le16(out + PV_IGVM_VP_INDEX, d->vp_index);
}

int pv_igvm_snp_id_block_get(const struct pv_igvm_hdr *h,
			     struct pv_igvm_snp_id_block *d, struct pv_err *e)
{
	const uint8_t *b = body(h, PV_IGVM_SZ_SNP_ID_BLOCK, "SNP_ID_BLOCK", e);

	if (!b)
		return PV_EFORMAT;
	d->mask = pv_le32(b + PV_IGVM_IDB_MASK);
	d->author_key_enabled = b[PV_IGVM_IDB_AUTHOR_KEY_ENABLED];
	memcpy(d->ld, b + PV_IGVM_IDB_LD, sizeof(d->ld));
	memcpy(d->family_id, b + PV_IGVM_IDB_FAMILY_ID, sizeof(d->family_id));
	memcpy(d->image_id, b + PV_IGVM_IDB_IMAGE_ID, sizeof(d->image_id));
	d->version = pv_le32(b + PV_IGVM_IDB_VERSION);
	d->guest_svn = pv_le32(b + PV_IGVM_IDB_GUEST_SVN);
	d->id_key_algorithm = pv_le32(b + PV_IGVM_IDB_ID_KEY_ALGORITHM);
	d->author_key_algorithm = pv_le32(b + PV_IGVM_IDB_AUTHOR_KEY_ALGORITHM);
	memcpy(d->id_sig_r, b + PV_IGVM_IDB_ID_SIG_R, PV_IGVM_IDB_COORD);
	memcpy(d->id_sig_s, b + PV_IGVM_IDB_ID_SIG_S, PV_IGVM_IDB_COORD);
	d->id_key_curve = pv_le32(b + PV_IGVM_IDB_ID_KEY_CURVE);
	memcpy(d->id_qx, b + PV_IGVM_IDB_ID_KEY_QX, PV_IGVM_IDB_COORD);
	memcpy(d->id_qy, b + PV_IGVM_IDB_ID_KEY_QY, PV_IGVM_IDB_COORD);
	memcpy(d->author_sig_r, b + PV_IGVM_IDB_AUTHOR_SIG_R, PV_IGVM_IDB_COORD);
	memcpy(d->author_sig_s, b + PV_IGVM_IDB_AUTHOR_SIG_S, PV_IGVM_IDB_COORD);
	d->author_key_curve = pv_le32(b + PV_IGVM_IDB_AUTHOR_KEY_CURVE);
	memcpy(d->author_qx, b + PV_IGVM_IDB_AUTHOR_KEY_QX, PV_IGVM_IDB_COORD);
	memcpy(d->author_qy, b + PV_IGVM_IDB_AUTHOR_KEY_QY, PV_IGVM_IDB_COORD);
	return 0;
}

void pv_igvm_snp_id_block_put(uint8_t out[PV_IGVM_SZ_SNP_ID_BLOCK],
			      const struct pv_igvm_snp_id_block *d)
{
	uint8_t *b = out;

	memset(b, 0, PV_IGVM_SZ_SNP_ID_BLOCK);
	pv_put_le32(b + PV_IGVM_IDB_MASK, d->mask);
	b[PV_IGVM_IDB_AUTHOR_KEY_ENABLED] = d->author_key_enabled;
	memcpy(b + PV_IGVM_IDB_LD, d->ld, sizeof(d->ld));
	memcpy(b + PV_IGVM_IDB_FAMILY_ID, d->family_id, sizeof(d->family_id));
	memcpy(b + PV_IGVM_IDB_IMAGE_ID, d->image_id, sizeof(d->image_id));
	pv_put_le32(b + PV_IGVM_IDB_VERSION, d->version);
	pv_put_le32(b + PV_IGVM_IDB_GUEST_SVN, d->guest_svn);
	pv_put_le32(b + PV_IGVM_IDB_ID_KEY_ALGORITHM, d->id_key_algorithm);
	pv_put_le32(b + PV_IGVM_IDB_AUTHOR_KEY_ALGORITHM, d->author_key_algorithm);
	memcpy(b + PV_IGVM_IDB_ID_SIG_R, d->id_sig_r, PV_IGVM_IDB_COORD);
	memcpy(b + PV_IGVM_IDB_ID_SIG_S, d->id_sig_s, PV_IGVM_IDB_COORD);
	pv_put_le32(b + PV_IGVM_IDB_ID_KEY_CURVE, d->id_key_curve);
	memcpy(b + PV_IGVM_IDB_ID_KEY_QX, d->id_qx, PV_IGVM_IDB_COORD);
	memcpy(b + PV_IGVM_IDB_ID_KEY_QY, d->id_qy, PV_IGVM_IDB_COORD);
	memcpy(b + PV_IGVM_IDB_AUTHOR_SIG_R, d->author_sig_r, PV_IGVM_IDB_COORD);
	memcpy(b + PV_IGVM_IDB_AUTHOR_SIG_S, d->author_sig_s, PV_IGVM_IDB_COORD);
	pv_put_le32(b + PV_IGVM_IDB_AUTHOR_KEY_CURVE, d->author_key_curve);
	memcpy(b + PV_IGVM_IDB_AUTHOR_KEY_QX, d->author_qx, PV_IGVM_IDB_COORD);
	memcpy(b + PV_IGVM_IDB_AUTHOR_KEY_QY, d->author_qy, PV_IGVM_IDB_COORD);
}

uint32_t pv_igvm_hdr_mask(const struct pv_igvm_hdr *h)
{
	const uint8_t *b;

	if (!h->desc || h->desc->mask_off < 0)
		return 0;
	b = pv_slice(h->body, h->length, (uint64_t)h->desc->mask_off, 4);
	return b ? pv_le32(b) : 0;
}
