/* SPDX-License-Identifier: Apache-2.0 */
/*
 * igvm.c - IGVM reader (versions 1 and 2) and deterministic writer.
 *
 * Section numbers (§) refer to docs igvm.md, which summarises
 * microsoft/igvm igvm_defs/src/lib.rs.  Every header type is one row of
 * types[] below: its exact size, its fields (reserved ones are checked to
 * be zero), where its compatibility mask and file_offset are, and a check
 * function for the rules that are particular to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/bytes.h"
#include "core/err.h"
#include "igvm/igvm.h"

/* The fixed header, §2.1 (v1: 24 bytes, v2: 32) */
enum {
	FH_MAGIC = 0,
	FH_VERSION = 4,
	FH_VAR_OFF = 8,
	FH_VAR_SIZE = 12,
	FH_TOTAL_SIZE = 16,
	FH_CHECKSUM = 20,
	FH_ARCH = 24,      /* v2 */
	FH_PAGE_SIZE = 28, /* v2 */
};
_Static_assert(FH_CHECKSUM + 4 == PV_IGVM_FIXED_V1 &&
		       FH_PAGE_SIZE + 4 == PV_IGVM_FIXED_V2,
	       "fixed header sizes");

/* A variable header record, §4.1: u32 type, u32 length, content */
enum { VH_TYPE = 0, VH_LENGTH = 4, VH_CONTENT = 8 };

/* Declared parameter areas, §5.7 */
struct parea {
	uint32_t index;
	uint64_t size;
	unsigned inserted;
};

/* Everything the reader remembers while walking the headers. */
struct pv_igvm_vctx {
	struct pv_igvm *g;
	const char *name;
	size_t idx;            /* index of the header being checked */
	uint64_t data_start;   /* first byte after the variable section */
	uint32_t ptypes;       /* platform types declared (bit per type) */
	uint32_t corim_docs;   /* masks with a CoRIM document */
	struct parea *areas;
	size_t nareas, capareas;
	struct {
		uint16_t vp;
		uint32_t mask;
	} *vps;
	size_t nvps, capvps;
};

/* Every message names the file, the header index and its file offset. */
#define HERR(v, h, e, code, fmt, ...)                                        \
	pv_errf(e, code, "%s: header %zu (type 0x%03x %s) at offset 0x%llx: " fmt, \
		(v)->name, (v)->idx, (unsigned)((h)->type),                  \
		(h)->desc ? (h)->desc->name : "unknown",                     \
		(unsigned long long)(h)->offset, ##__VA_ARGS__)

static bool page_aligned(uint64_t v)
{
	return (v & (PV_IGVM_PAGE - 1)) == 0;
}

static struct parea *area_find(struct pv_igvm_vctx *v, uint32_t index)
{
	size_t i;

	for (i = 0; i < v->nareas; i++)
		if (v->areas[i].index == index)
			return &v->areas[i];
	return NULL;
}

/* ---- per-type rules ---------------------------------------------------- */

/*
 * A numeric field of a header that has no typed accessor in igvm.h (the
 * types only this reader looks at), by its name in the type's field table,
 * so the offsets stay written once, there.  The header's length equals
 * the type's size (checked before any rule runs); pv_slice checks again.
 */
static uint64_t fld(const struct pv_igvm_hdr *h, const char *name)
{
	const struct pv_igvm_field *f;

	for (f = h->desc->fields; f->name; f++)
		if (strcmp(f->name, name) == 0 &&
		    pv_slice(h->body, h->length, f->off, f->size))
			return pv_igvm_field_get(h->body, f);
	return 0;
}

/* §5.1: one platform per mask bit and per isolation type */
static int check_platform(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			  struct pv_err *e)
{
	struct pv_igvm_platform d;
	uint32_t mask;
	uint8_t ptype;
	uint16_t pver;
	int rc = pv_igvm_platform_get(h, &d, e);

	if (rc)
		return rc;
	mask = d.mask;
	ptype = d.platform_type;
	pver = d.platform_version;
	if (!pv_is_pow2(mask))
		return HERR(v, h, e, PV_EFORMAT,
			    "compatibility_mask 0x%x must have exactly one bit set",
			    mask);
	if (v->g->platforms & mask)
		return HERR(v, h, e, PV_EFORMAT,
			    "compatibility_mask 0x%x is declared twice", mask);
	if (ptype > PV_IGVM_PLATFORM_CCA)
		return HERR(v, h, e, PV_EFORMAT,
			    "platform_type %u is not defined (0..6)", ptype);
	if (v->ptypes & (1u << ptype))
		return HERR(v, h, e, PV_EFORMAT,
			    "platform_type %u is declared twice", ptype);
	if (pver != 1)
		return HERR(v, h, e, PV_EFORMAT,
			    "platform_version %u, expected 1", pver);
	v->g->platforms |= mask;
	v->ptypes |= 1u << ptype;
	return 0;
}

static int check_none(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
		      struct pv_err *e)
{
	(void)v;
	(void)h;
	(void)e;
	return 0;
}

/* §5.3 */
static int check_reloc(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
		       struct pv_err *e)
{
	uint64_t align = fld(h, "relocation_alignment");
	uint64_t gpa = fld(h, "relocation_region_gpa");
	uint64_t size = fld(h, "relocation_region_size");
	uint64_t lo = fld(h, "minimum_relocation_gpa");
	uint64_t hi = fld(h, "maximum_relocation_gpa");
	unsigned flags = (unsigned)fld(h, "flags");

	if (flags & ~7u)
		return HERR(v, h, e, PV_EFORMAT, "flags 0x%x: unknown bits", flags);
	if (!align || !page_aligned(align))
		return HERR(v, h, e, PV_EFORMAT,
			    "relocation_alignment 0x%llx is not a non-zero multiple of 4 KiB",
			    (unsigned long long)align);
	if (gpa % align || lo % align || hi % align)
		return HERR(v, h, e, PV_EFORMAT,
			    "region, minimum and maximum GPA must be aligned to 0x%llx",
			    (unsigned long long)align);
	if (!page_aligned(size))
		return HERR(v, h, e, PV_EFORMAT,
			    "relocation_region_size 0x%llx is not 4 KiB aligned",
			    (unsigned long long)size);
	if (lo > hi)
		return HERR(v, h, e, PV_EFORMAT,
			    "minimum_relocation_gpa is above maximum_relocation_gpa");
	return 0;
}

/* §5.4 */
static int check_pt_reloc(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			  struct pv_err *e)
{
	uint64_t gpa = fld(h, "gpa"), size = fld(h, "size");
	uint64_t used = fld(h, "used_size");

	if (!page_aligned(gpa) || !page_aligned(size))
		return HERR(v, h, e, PV_EFORMAT,
			    "gpa 0x%llx and size 0x%llx must be 4 KiB aligned",
			    (unsigned long long)gpa, (unsigned long long)size);
	if (used > size)
		return HERR(v, h, e, PV_EFORMAT,
			    "used_size 0x%llx exceeds size 0x%llx",
			    (unsigned long long)used, (unsigned long long)size);
	return 0;
}

/* §5.5: a signature follows its document */
static int check_corim(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
		       struct pv_err *e)
{
	uint32_t mask = pv_igvm_hdr_mask(h);
	uint32_t size = (uint32_t)fld(h, "size_bytes");

	if (!size || !fld(h, "file_offset"))
		return HERR(v, h, e, PV_EFORMAT,
			    "file_offset and size_bytes must be non-zero");
	if ((h->type & ~PV_IGVM_OPTIONAL_BIT) == PV_IGVM_VHT_CORIM_DOCUMENT) {
		v->corim_docs |= mask;
	} else if ((v->corim_docs & mask) != mask) {
		return HERR(v, h, e, PV_EFORMAT,
			    "CoRIM signature for mask 0x%x comes before its document",
			    mask);
	}
	h->data_len = size;
	return 0;
}

/* §5.6 */
static int check_cca_policy(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			    struct pv_err *e)
{
	uint64_t zeroes = fld(h, "attributes_required_zeroes");
	uint64_t ones = fld(h, "attributes_required_ones");
	unsigned alg = (unsigned)fld(h, "hash_algorithm");
	unsigned lfa = (unsigned)fld(h, "lfa_policy");

	if (alg > 2)
		return HERR(v, h, e, PV_EFORMAT, "hash_algorithm %u (0..2)", alg);
	if (lfa > 1)
		return HERR(v, h, e, PV_EFORMAT, "lfa_policy %u (0..1)", lfa);
	if (zeroes & ones)
		return HERR(v, h, e, PV_EFORMAT,
			    "attribute bits 0x%llx are required both zero and one",
			    (unsigned long long)(zeroes & ones));
	return 0;
}

/* §5.7: each index declared once, bounded size */
static int check_param_area(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			    struct pv_err *e)
{
	struct pv_igvm_param_area d;
	uint64_t size;
	uint32_t index;
	struct parea *a;
	int rc = pv_igvm_param_area_get(h, &d, e);

	if (rc)
		return rc;
	size = d.number_of_bytes;
	index = d.index;
	if (!size || !page_aligned(size))
		return HERR(v, h, e, PV_EFORMAT,
			    "number_of_bytes 0x%llx is not a non-zero multiple of 4 KiB",
			    (unsigned long long)size);
	if (size > PV_IGVM_MAX_PARAM_AREA)
		return HERR(v, h, e, PV_ETOOBIG,
			    "number_of_bytes 0x%llx exceeds the limit 0x%x",
			    (unsigned long long)size, PV_IGVM_MAX_PARAM_AREA);
	if (area_find(v, index))
		return HERR(v, h, e, PV_EFORMAT,
			    "parameter_area_index %u is declared twice", index);
	a = pv_grow(v->areas, &v->capareas, v->nareas + 1, sizeof(*v->areas));
	if (!a)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	v->areas = a;
	a = &v->areas[v->nareas++];
	a->index = index;
	a->size = size;
	a->inserted = 0;
	h->data_len = size;
	return 0;
}

/* §5.8 */
static int check_page_data(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			   struct pv_err *e)
{
	struct pv_igvm_page_data d;
	uint64_t gpa;
	uint32_t flags;
	uint16_t dtype;
	int rc = pv_igvm_page_data_get(h, &d, e);

	if (rc)
		return rc;
	gpa = d.gpa;
	flags = d.flags;
	dtype = d.data_type;
	if (!page_aligned(gpa))
		return HERR(v, h, e, PV_EFORMAT, "gpa 0x%llx is not 4 KiB aligned",
			    (unsigned long long)gpa);
	if (flags & ~7u)
		return HERR(v, h, e, PV_EFORMAT, "flags 0x%x: unknown bits", flags);
	if (flags & PV_IGVM_PAGE_IS_2MB)
		return HERR(v, h, e, PV_ENOTSUP,
			    "2 MiB pages are not supported (flags 0x%x)", flags);
	if (dtype > PV_IGVM_DATA_CPUID_XF)
		return HERR(v, h, e, PV_EFORMAT, "data_type %u (0..3)", dtype);
	v->g->st.pages++;
	if (!d.file_offset)
		v->g->st.zero_pages++;
	h->data_len = PV_IGVM_PAGE;
	return 0;
}

/* §5.9: inserting consumes the index */
static int check_param_insert(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			      struct pv_err *e)
{
	struct pv_igvm_param_insert d;
	struct parea *a;
	uint64_t gpa;
	uint32_t index;
	int rc = pv_igvm_param_insert_get(h, &d, e);

	if (rc)
		return rc;
	gpa = d.gpa;
	index = d.index;
	a = area_find(v, index);
	if (!page_aligned(gpa))
		return HERR(v, h, e, PV_EFORMAT, "gpa 0x%llx is not 4 KiB aligned",
			    (unsigned long long)gpa);
	if (!a)
		return HERR(v, h, e, PV_EFORMAT,
			    "parameter_area_index %u was not declared", index);
	if (a->inserted)
		return HERR(v, h, e, PV_EFORMAT,
			    "parameter_area_index %u is inserted twice", index);
	a->inserted = 1;
	return 0;
}

/* §5.10: the parameter must fit in an area not yet inserted */
static int check_param(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
		       struct pv_err *e)
{
	struct pv_igvm_param d;
	struct parea *a;
	uint32_t index, off, need = 1;
	int rc = pv_igvm_param_get(h, &d, e);

	if (rc)
		return rc;
	index = d.index;
	off = d.byte_offset;
	a = area_find(v, index);

	switch (h->type & ~PV_IGVM_OPTIONAL_BIT) {
	case PV_IGVM_VHT_VP_COUNT_PARAMETER:
	case PV_IGVM_VHT_ENVIRONMENT_INFO:
		need = 4;
		break;
	case PV_IGVM_VHT_MMIO_RANGES:
		need = 32;
		break;
	case PV_IGVM_VHT_MEMORY_MAP:
		need = 24;
		break;
	}
	if (!a)
		return HERR(v, h, e, PV_EFORMAT,
			    "parameter_area_index %u was not declared", index);
	if (a->inserted)
		return HERR(v, h, e, PV_EFORMAT,
			    "parameter_area_index %u is used after its insertion",
			    index);
	if (!pv_range_ok(off, need, a->size))
		return HERR(v, h, e, PV_ERANGE,
			    "byte_offset 0x%x + %u is outside parameter area %u (0x%llx bytes)",
			    off, need, index, (unsigned long long)a->size);
	return 0;
}

/* §5.11: one context per VP and mask */
static int check_vp_context(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			    struct pv_err *e)
{
	struct pv_igvm_vp_context d;
	uint64_t gpa;
	uint32_t mask;
	uint16_t vp;
	size_t i;
	void *n;
	int rc = pv_igvm_vp_context_get(h, &d, e);

	if (rc)
		return rc;
	gpa = d.gpa;
	mask = d.mask;
	vp = d.vp_index;
	if (!page_aligned(gpa))
		return HERR(v, h, e, PV_EFORMAT, "gpa 0x%llx is not 4 KiB aligned",
			    (unsigned long long)gpa);
	for (i = 0; i < v->nvps; i++)
		if (v->vps[i].vp == vp && (v->vps[i].mask & mask))
			return HERR(v, h, e, PV_EFORMAT,
				    "vp_index %u has a second context for mask 0x%x",
				    vp, mask);
	n = pv_grow(v->vps, &v->capvps, v->nvps + 1, sizeof(*v->vps));
	if (!n)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	v->vps = n;
	v->vps[v->nvps].vp = vp;
	v->vps[v->nvps].mask = mask;
	v->nvps++;
	h->data_len = PV_IGVM_PAGE;
	return 0;
}

/* §5.12 */
static int check_required_memory(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
				 struct pv_err *e)
{
	uint64_t gpa = fld(h, "gpa");
	uint32_t size = (uint32_t)fld(h, "number_of_bytes");
	uint32_t flags = (uint32_t)fld(h, "flags");

	if (!page_aligned(gpa) || !page_aligned(size))
		return HERR(v, h, e, PV_EFORMAT,
			    "gpa 0x%llx and number_of_bytes 0x%x must be 4 KiB aligned",
			    (unsigned long long)gpa, size);
	if (flags & ~1u)
		return HERR(v, h, e, PV_EFORMAT, "flags 0x%x: unknown bits", flags);
	return 0;
}

/* §5.13 */
static int check_error_range(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			     struct pv_err *e)
{
	uint64_t gpa = fld(h, "gpa");
	uint32_t size = (uint32_t)fld(h, "size_bytes");

	if (!page_aligned(gpa) || !page_aligned(size))
		return HERR(v, h, e, PV_EFORMAT,
			    "gpa 0x%llx and size_bytes 0x%x must be 4 KiB aligned",
			    (unsigned long long)gpa, size);
	return 0;
}

/* §5.14 */
static int check_id_block(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			  struct pv_err *e)
{
	const uint8_t *b = pv_slice(h->body, h->length,
				    PV_IGVM_IDB_AUTHOR_KEY_ENABLED, 1);

	if (!b)
		return HERR(v, h, e, PV_EFORMAT, "truncated");
	if (*b > 1)
		return HERR(v, h, e, PV_EFORMAT, "author_key_enabled %u (0 or 1)",
			    *b);
	return 0;
}

/* ---- the type table ---------------------------------------------------- */

#define F(n, o, s, k) { n, o, s, PV_IGVM_##k }
#define MASK(o) F("compatibility_mask", o, 4, U32)
#define END { NULL, 0, 0, 0 }

static const struct pv_igvm_field f_platform[] = {
	MASK(PV_IGVM_SP_MASK),
	F("highest_vtl", PV_IGVM_SP_HIGHEST_VTL, 1, U8),
	F("platform_type", PV_IGVM_SP_PLATFORM_TYPE, 1, U8),
	F("platform_version", PV_IGVM_SP_PLATFORM_VERSION, 2, U16),
	F("shared_gpa_boundary", PV_IGVM_SP_SHARED_GPA_BOUNDARY, 8, U64),
	END,
};
static const struct pv_igvm_field f_policy[] = {
	F("policy", PV_IGVM_GP_POLICY, 8, U64), MASK(PV_IGVM_GP_MASK),
	F("reserved", PV_IGVM_GP_RESERVED, 4, RESERVED), END,
};
static const struct pv_igvm_field f_reloc[] = {
	MASK(0), F("vp_index", 4, 2, U16), F("vtl", 6, 1, U8),
	F("flags", 7, 1, U8), F("relocation_alignment", 8, 8, U64),
	F("relocation_region_gpa", 16, 8, U64),
	F("relocation_region_size", 24, 8, U64),
	F("minimum_relocation_gpa", 32, 8, U64),
	F("maximum_relocation_gpa", 40, 8, U64), END,
};
static const struct pv_igvm_field f_pt_reloc[] = {
	MASK(0), F("vp_index", 4, 2, U16), F("vtl", 6, 1, U8),
	F("reserved", 7, 1, RESERVED), F("gpa", 8, 8, U64),
	F("size", 16, 8, U64), F("used_size", 24, 8, U64), END,
};
static const struct pv_igvm_field f_corim[] = {
	MASK(0), F("file_offset", 4, 4, U32), F("size_bytes", 8, 4, U32),
	F("reserved", 12, 4, RESERVED), END,
};
static const struct pv_igvm_field f_cca[] = {
	MASK(0), F("reserved", 4, 4, RESERVED),
	F("attributes_required_zeroes", 8, 8, U64),
	F("attributes_required_ones", 16, 8, U64),
	F("hash_algorithm", 24, 1, U8), F("lfa_policy", 25, 1, U8),
	F("reserved2", 26, 6, RESERVED), END,
};
static const struct pv_igvm_field f_param_area[] = {
	F("number_of_bytes", PV_IGVM_PA_NUMBER_OF_BYTES, 8, U64),
	F("parameter_area_index", PV_IGVM_PA_INDEX, 4, U32),
	F("file_offset", PV_IGVM_PA_FILE_OFFSET, 4, U32), END,
};
static const struct pv_igvm_field f_page_data[] = {
	F("gpa", PV_IGVM_PD_GPA, 8, U64), MASK(PV_IGVM_PD_MASK),
	F("file_offset", PV_IGVM_PD_FILE_OFFSET, 4, U32),
	F("flags", PV_IGVM_PD_FLAGS, 4, U32),
	F("data_type", PV_IGVM_PD_DATA_TYPE, 2, U16),
	F("reserved", PV_IGVM_PD_RESERVED, 2, RESERVED), END,
};
static const struct pv_igvm_field f_param_insert[] = {
	F("gpa", PV_IGVM_PI_GPA, 8, U64), MASK(PV_IGVM_PI_MASK),
	F("parameter_area_index", PV_IGVM_PI_INDEX, 4, U32), END,
};
static const struct pv_igvm_field f_vp_context[] = {
	F("gpa", PV_IGVM_VP_GPA, 8, U64), MASK(PV_IGVM_VP_MASK),
	F("file_offset", PV_IGVM_VP_FILE_OFFSET, 4, U32),
	F("vp_index", PV_IGVM_VP_INDEX, 2, U16),
	F("reserved", PV_IGVM_VP_RESERVED, 2, RESERVED), END,
};
static const struct pv_igvm_field f_required_memory[] = {
	F("gpa", 0, 8, U64), MASK(8), F("number_of_bytes", 12, 4, U32),
	F("flags", 16, 4, U32), F("reserved", 20, 4, RESERVED), END,
};
static const struct pv_igvm_field f_param[] = {
	F("parameter_area_index", PV_IGVM_PR_INDEX, 4, U32),
	F("byte_offset", PV_IGVM_PR_BYTE_OFFSET, 4, U32), END,
};
#define COORD(n, o) F(n, PV_IGVM_IDB_##o, PV_IGVM_IDB_COORD, BYTES)
static const struct pv_igvm_field f_id_block[] = {
	MASK(PV_IGVM_IDB_MASK),
	F("author_key_enabled", PV_IGVM_IDB_AUTHOR_KEY_ENABLED, 1, U8),
	F("reserved", PV_IGVM_IDB_RESERVED, 3, RESERVED),
	F("ld", PV_IGVM_IDB_LD, 48, BYTES),
	F("family_id", PV_IGVM_IDB_FAMILY_ID, 16, BYTES),
	F("image_id", PV_IGVM_IDB_IMAGE_ID, 16, BYTES),
	F("version", PV_IGVM_IDB_VERSION, 4, U32),
	F("guest_svn", PV_IGVM_IDB_GUEST_SVN, 4, U32),
	F("id_key_algorithm", PV_IGVM_IDB_ID_KEY_ALGORITHM, 4, U32),
	F("author_key_algorithm", PV_IGVM_IDB_AUTHOR_KEY_ALGORITHM, 4, U32),
	COORD("id_key_signature.r", ID_SIG_R),
	COORD("id_key_signature.s", ID_SIG_S),
	F("id_public_key.curve", PV_IGVM_IDB_ID_KEY_CURVE, 4, U32),
	F("id_public_key.reserved", PV_IGVM_IDB_ID_KEY_RESERVED, 4, RESERVED),
	COORD("id_public_key.qx", ID_KEY_QX),
	COORD("id_public_key.qy", ID_KEY_QY),
	COORD("author_key_signature.r", AUTHOR_SIG_R),
	COORD("author_key_signature.s", AUTHOR_SIG_S),
	F("author_public_key.curve", PV_IGVM_IDB_AUTHOR_KEY_CURVE, 4, U32),
	F("author_public_key.reserved", PV_IGVM_IDB_AUTHOR_KEY_RESERVED, 4,
	  RESERVED),
	COORD("author_public_key.qx", AUTHOR_KEY_QX),
	COORD("author_public_key.qy", AUTHOR_KEY_QY), END,
};
static const struct pv_igvm_field f_error_range[] = {
	F("gpa", 0, 8, U64), MASK(8), F("size_bytes", 12, 4, U32), END,
};
static const struct pv_igvm_field f_vbs[] = {
	MASK(0), F("version", 4, 4, U32), F("product_id", 8, 4, U32),
	F("module_id", 12, 4, U32), F("security_version", 16, 4, U32),
	F("policy_flags", 20, 4, U32), F("boot_digest_algo", 24, 4, U32),
	F("signing_algo", 28, 4, U32),
	F("boot_measurement_digest", 32, 64, BYTES),
	F("signature", 96, 256, BYTES), F("public_key", 352, 512, BYTES), END,
};

#define PARAM(code, nm) \
	{ code, nm, PV_IGVM_SZ_PARAMETER, -1, -1, f_param, check_param }

/* igvm.md §4.3, in type order */
static const struct pv_igvm_type types[] = {
	{ PV_IGVM_VHT_SUPPORTED_PLATFORM, "SUPPORTED_PLATFORM",
	  PV_IGVM_SZ_SUPPORTED_PLATFORM, PV_IGVM_SP_MASK, -1, f_platform,
	  check_platform },
	{ PV_IGVM_VHT_GUEST_POLICY, "GUEST_POLICY", PV_IGVM_SZ_GUEST_POLICY,
	  PV_IGVM_GP_MASK, -1, f_policy, check_none },
	{ PV_IGVM_VHT_RELOCATABLE_REGION, "RELOCATABLE_REGION", 48, 0, -1,
	  f_reloc, check_reloc },
	{ PV_IGVM_VHT_PAGE_TABLE_RELOCATION_REGION,
	  "PAGE_TABLE_RELOCATION_REGION", 32, 0, -1, f_pt_reloc,
	  check_pt_reloc },
	{ PV_IGVM_VHT_CORIM_DOCUMENT, "CORIM_DOCUMENT", 16, 0, 4, f_corim,
	  check_corim },
	{ PV_IGVM_VHT_CORIM_SIGNATURE, "CORIM_SIGNATURE", 16, 0, 4, f_corim,
	  check_corim },
	{ PV_IGVM_VHT_CCA_POLICY, "CCA_POLICY", 32, 0, -1, f_cca,
	  check_cca_policy },
	{ PV_IGVM_VHT_PARAMETER_AREA, "PARAMETER_AREA",
	  PV_IGVM_SZ_PARAMETER_AREA, -1, PV_IGVM_PA_FILE_OFFSET, f_param_area,
	  check_param_area },
	{ PV_IGVM_VHT_PAGE_DATA, "PAGE_DATA", PV_IGVM_SZ_PAGE_DATA,
	  PV_IGVM_PD_MASK, PV_IGVM_PD_FILE_OFFSET, f_page_data,
	  check_page_data },
	{ PV_IGVM_VHT_PARAMETER_INSERT, "PARAMETER_INSERT",
	  PV_IGVM_SZ_PARAMETER_INSERT, PV_IGVM_PI_MASK, -1, f_param_insert,
	  check_param_insert },
	{ PV_IGVM_VHT_VP_CONTEXT, "VP_CONTEXT", PV_IGVM_SZ_VP_CONTEXT,
	  PV_IGVM_VP_MASK, PV_IGVM_VP_FILE_OFFSET, f_vp_context,
	  check_vp_context },
	{ PV_IGVM_VHT_REQUIRED_MEMORY, "REQUIRED_MEMORY", 24, 8, -1,
	  f_required_memory, check_required_memory },
	PARAM(PV_IGVM_VHT_VP_COUNT_PARAMETER, "VP_COUNT_PARAMETER"),
	PARAM(PV_IGVM_VHT_SRAT, "SRAT"),
	PARAM(PV_IGVM_VHT_MADT, "MADT"),
	PARAM(PV_IGVM_VHT_MMIO_RANGES, "MMIO_RANGES"),
	{ PV_IGVM_VHT_SNP_ID_BLOCK, "SNP_ID_BLOCK", PV_IGVM_SZ_SNP_ID_BLOCK,
	  PV_IGVM_IDB_MASK, -1, f_id_block, check_id_block },
	PARAM(PV_IGVM_VHT_MEMORY_MAP, "MEMORY_MAP"),
	{ PV_IGVM_VHT_ERROR_RANGE, "ERROR_RANGE", 16, 8, -1, f_error_range,
	  check_error_range },
	PARAM(PV_IGVM_VHT_COMMAND_LINE, "COMMAND_LINE"),
	PARAM(PV_IGVM_VHT_SLIT, "SLIT"),
	PARAM(PV_IGVM_VHT_PPTT, "PPTT"),
	{ PV_IGVM_VHT_VBS_MEASUREMENT, "VBS_MEASUREMENT", 864, 0, -1, f_vbs,
	  check_none },
	PARAM(PV_IGVM_VHT_DEVICE_TREE, "DEVICE_TREE"),
	PARAM(PV_IGVM_VHT_ENVIRONMENT_INFO, "ENVIRONMENT_INFO_PARAMETER"),
};

const struct pv_igvm_type *pv_igvm_type_find(uint32_t type)
{
	size_t i;

	type &= ~PV_IGVM_OPTIONAL_BIT;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

uint64_t pv_igvm_field_get(const uint8_t *body, const struct pv_igvm_field *f)
{
	switch (f->kind) {
	case PV_IGVM_U8:
		return body[f->off];
	case PV_IGVM_U16:
		return pv_le16(body + f->off);
	case PV_IGVM_U32:
		return pv_le32(body + f->off);
	case PV_IGVM_U64:
		return pv_le64(body + f->off);
	default:
		return 0;
	}
}

/* §4.2: 1 platform, 2 initialization, 3 directive, 0 none */
static int section_of(uint32_t type)
{
	type &= ~PV_IGVM_OPTIONAL_BIT;
	if (type >= 0x001 && type <= 0x100)
		return 1;
	if (type >= 0x101 && type <= 0x200)
		return 2;
	if (type >= 0x301 && type <= 0x400)
		return 3;
	return 0;
}

uint32_t pv_igvm_crc(const uint8_t *fixed, size_t fixed_len,
		     const uint8_t *var, size_t var_len)
{
	static const uint8_t zero4[4];
	uLong crc = crc32(0L, Z_NULL, 0);

	/* the checksum field (offset 20) counts as zero */
	crc = crc32(crc, fixed, 20);
	crc = crc32(crc, zero4, 4);
	if (fixed_len > 24)
		crc = crc32(crc, fixed + 24, (uInt)(fixed_len - 24));
	while (var_len) {
		uInt n = var_len > (1u << 30) ? (1u << 30) : (uInt)var_len;

		crc = crc32(crc, var, n);
		var += n;
		var_len -= n;
	}
	return (uint32_t)crc;
}

/* ---- the reader -------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Rules every header shares: reserved fields, mask, file data range. */
static int check_common(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
			struct pv_err *e)
{
	const struct pv_igvm_type *t = h->desc;
	const struct pv_igvm_field *f;
	int rc;

	for (f = t->fields; f->name; f++) {
		const uint8_t *p = pv_slice(h->body, h->length, f->off, f->size);

		if (!p)
			return HERR(v, h, e, PV_EFORMAT,
				    "field %s (content offset %u) is outside the %u-byte content",
				    f->name, f->off, h->length);
		if (f->kind == PV_IGVM_RESERVED && !pv_is_zero(p, f->size))
			return HERR(v, h, e, PV_EFORMAT,
				    "reserved field %s (content offset %u) is not zero",
				    f->name, f->off);
	}
	if (t->mask_off >= 0 && t->type != PV_IGVM_VHT_SUPPORTED_PLATFORM) {
		uint32_t mask = pv_igvm_hdr_mask(h);

		if (!mask || (mask & ~v->g->platforms))
			return HERR(v, h, e, PV_EFORMAT,
				    "compatibility_mask 0x%x references no declared platform (declared 0x%x)",
				    mask, v->g->platforms);
	}
	rc = t->check(v, h, e);
	if (rc)
		return rc;
	if (t->foff_off >= 0) {
		const uint8_t *fo = pv_slice(h->body, h->length,
					     (uint64_t)t->foff_off, 4);
		uint32_t off = fo ? pv_le32(fo) : 0;

		if (!off) {
			h->data_len = 0;
			return 0;
		}
		if (off < v->data_start ||
		    !pv_range_ok(off, h->data_len, v->g->len))
			return HERR(v, h, e, PV_ERANGE,
				    "file data [0x%x, +0x%llx) is outside the file data region [0x%llx, 0x%zx)",
				    off, (unsigned long long)h->data_len,
				    (unsigned long long)v->data_start, v->g->len);
		h->data_off = off;
		h->data = v->g->buf + off;
	} else {
		h->data_len = 0;
	}
	return 0;
}

static int parse_fixed(struct pv_igvm *g, const char *name, unsigned flags,
		       struct pv_err *e)
{
	const uint8_t *b = pv_slice(g->buf, g->len, 0, PV_IGVM_FIXED_V1);
	uint32_t fixed;
	uint64_t end;

	if (!b)
		return pv_errf(e, PV_EFORMAT,
			       "%s: %zu bytes, too short for the 24-byte fixed header",
			       name, g->len);
	if (pv_le32(b + FH_MAGIC) != PV_IGVM_MAGIC)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x0: bad magic 0x%08x, expected 0x%08x (\"IGVM\")",
			       name, pv_le32(b + FH_MAGIC), PV_IGVM_MAGIC);
	g->version = pv_le32(b + FH_VERSION);
	if (g->version != 1 && g->version != 2)
		return pv_errf(e, PV_ENOTSUP,
			       "%s: offset 0x4: format_version %u, expected 1 or 2",
			       name, g->version);
	fixed = g->version == 1 ? PV_IGVM_FIXED_V1 : PV_IGVM_FIXED_V2;
	b = pv_slice(g->buf, g->len, 0, fixed);
	if (!b)
		return pv_errf(e, PV_EFORMAT,
			       "%s: %zu bytes, too short for the %u-byte fixed header",
			       name, g->len, fixed);
	g->var_off = pv_le32(b + FH_VAR_OFF);
	g->var_size = pv_le32(b + FH_VAR_SIZE);
	g->total_size = pv_le32(b + FH_TOTAL_SIZE);
	g->checksum = pv_le32(b + FH_CHECKSUM);
	g->page_size = PV_IGVM_PAGE;
	if (g->version == 2) {
		g->arch = pv_le32(b + FH_ARCH);
		g->page_size = pv_le32(b + FH_PAGE_SIZE);
		if (g->arch > 1)
			return pv_errf(e, PV_EFORMAT,
				       "%s: offset 0x18: architecture %u, expected 0 (X64) or 1 (AARCH64)",
				       name, g->arch);
		if (g->page_size != PV_IGVM_PAGE)
			return pv_errf(e, PV_EFORMAT,
				       "%s: offset 0x1c: page_size %u, expected 4096",
				       name, g->page_size);
	}
	if (g->total_size != g->len)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x10: total_file_size %u, but the file has %zu bytes",
			       name, g->total_size, g->len);
	if (g->var_off < fixed || g->var_off % 8)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x8: variable_header_offset %u must be >= %u and 8-aligned",
			       name, g->var_off, fixed);
	end = (uint64_t)g->var_off + g->var_size;
	if (g->var_off >= g->len || end > g->len)
		return pv_errf(e, PV_ERANGE,
			       "%s: offset 0xc: variable header section [0x%x, 0x%llx) is outside the file (%zu bytes)",
			       name, g->var_off, (unsigned long long)end, g->len);
	g->crc = pv_igvm_crc(b, fixed, b + g->var_off, g->var_size);
	if (g->crc != g->checksum && !(flags & PV_IGVM_NO_CRC))
		return pv_errf(e, PV_EVERIFY,
			       "%s: offset 0x14: checksum 0x%08x, computed CRC-32 0x%08x",
			       name, g->checksum, g->crc);
	g->st.data_bytes = g->len - end;
	return 0;
}

static int parse_headers(struct pv_igvm_vctx *v, struct pv_err *e)
{
	struct pv_igvm *g = v->g;
	uint64_t end = (uint64_t)g->var_off + g->var_size;
	/* a cursor over the file up to the section end (parse_fixed checked
	 * that it is inside the file) */
	struct pv_reader r = pv_reader_make(g->buf, (size_t)end);
	size_t cap = 0, i;
	int section = 1, rc;

	if (pv_reader_seek(&r, g->var_off))
		return pv_errf(e, PV_ERANGE, "%s: variable header section outside the file",
			       v->name);
	while (r.off < end) {
		const uint8_t *pad;
		struct pv_igvm_hdr *h;
		uint64_t pos = r.off;
		int sec;

		h = pv_grow(g->hdr, &cap, g->nhdr + 1, sizeof(*g->hdr));
		if (!h)
			return pv_errf(e, PV_ENOMEM, "out of memory");
		g->hdr = h;
		v->idx = g->nhdr;
		h = &g->hdr[g->nhdr];
		memset(h, 0, sizeof(*h));
		h->offset = pos;
		if (pv_reader_left(&r) < VH_CONTENT)
			return pv_errf(e, PV_EFORMAT,
				       "%s: header %zu at offset 0x%llx: %llu bytes left in the section, need 8",
				       v->name, v->idx, (unsigned long long)pos,
				       (unsigned long long)(end - pos));
		if (pv_read_le32(&r, &h->type) || pv_read_le32(&r, &h->length))
			return pv_errf(e, PV_EFORMAT, "%s: header %zu truncated",
				       v->name, v->idx);
		h->desc = pv_igvm_type_find(h->type);
		if (pv_read_bytes(&r, h->length, &h->body))
			return HERR(v, h, e, PV_ERANGE,
				    "length %u runs past the variable header section end 0x%llx",
				    h->length, (unsigned long long)end);
		if (pv_read_bytes(&r, (8 - h->length % 8) % 8, &pad))
			return HERR(v, h, e, PV_EFORMAT,
				    "padding to 8 bytes runs past the section end 0x%llx",
				    (unsigned long long)end);
		if (!pv_is_zero(pad, (8 - h->length % 8) % 8))
			g->st.dirty_pad++;
		sec = section_of(h->type);
		if (sec && sec < section)
			return HERR(v, h, e, PV_EFORMAT,
				    "%s header after the %s section (§4.2 order)",
				    sec == 1 ? "a platform" : "an initialization",
				    section == 2 ? "initialization" : "directive");
		if (sec)
			section = sec;
		if (!h->desc || !sec) {
			if (!(h->type & PV_IGVM_OPTIONAL_BIT))
				return HERR(v, h, e, PV_EFORMAT,
					    "unknown header type without the optional bit");
			h->desc = NULL;
			g->st.skipped++;
		} else {
			if (h->length != h->desc->size)
				return HERR(v, h, e, PV_EFORMAT,
					    "length %u, expected exactly %u",
					    h->length, h->desc->size);
			if (section > 1 && !g->platforms)
				return HERR(v, h, e, PV_EFORMAT,
					    "no SUPPORTED_PLATFORM header precedes it");
			rc = check_common(v, h, e);
			if (rc)
				return rc;
		}
		g->nhdr++;
	}
	if (!g->platforms)
		return pv_errf(e, PV_EFORMAT,
			       "%s: no SUPPORTED_PLATFORM header", v->name);
	for (i = 0; i < v->nareas; i++)
		if (!v->areas[i].inserted)
			return pv_errf(e, PV_EFORMAT,
				       "%s: parameter area %u is declared but never inserted",
				       v->name, v->areas[i].index);
	return 0;
}

static int count_shared(struct pv_igvm *g, struct pv_err *e)
{
	uint64_t *offs;
	size_t n = 0, i;

	offs = malloc((g->nhdr ? g->nhdr : 1) * sizeof(*offs));
	if (!offs)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	for (i = 0; i < g->nhdr; i++)
		if (g->hdr[i].data_off)
			offs[n++] = g->hdr[i].data_off;
	qsort(offs, n, sizeof(*offs), cmp_u64);
	for (i = 1; i < n; i++)
		if (offs[i] == offs[i - 1])
			g->st.shared_refs++;
	free(offs);
	return 0;
}

int pv_igvm_parse(const uint8_t *buf, size_t len, const char *name,
		  unsigned flags, struct pv_igvm *g, struct pv_err *e)
{
	struct pv_igvm_vctx v;
	int rc;

	memset(g, 0, sizeof(*g));
	memset(&v, 0, sizeof(v));
	g->buf = buf;
	g->len = len;
	v.g = g;
	v.name = name ? name : "IGVM";
	rc = parse_fixed(g, v.name, flags, e);
	if (rc)
		goto out;
	v.data_start = (uint64_t)g->var_off + g->var_size;
	rc = parse_headers(&v, e);
	if (rc && rc != PV_ENOMEM && g->crc != g->checksum) {
		/* PV_IGVM_NO_CRC, and the structure is broken too: the
		 * checksum says the bytes are not the ones written, so the
		 * file is corrupted (PV_EVERIFY), whatever the first broken
		 * rule is (podvm(7), "IGVM files") */
		char why[PV_ERR_MSG_MAX];

		snprintf(why, sizeof(why), "%s", e ? e->msg : "");
		rc = pv_errf(e, PV_EVERIFY,
			     "%s: offset 0x14: checksum 0x%08x, computed CRC-32 0x%08x; then %s",
			     v.name, g->checksum, g->crc, why);
	}
	if (!rc)
		rc = count_shared(g, e);
out:
	free(v.areas);
	free(v.vps);
	if (rc)
		pv_igvm_release(g);
	return rc;
}

void pv_igvm_release(struct pv_igvm *g)
{
	free(g->hdr);
	g->hdr = NULL;
	g->nhdr = 0;
}

/* ---- the writer -------------------------------------------------------- */

void pv_igvm_writer_init(struct pv_igvm_writer *w, uint32_t version)
{
	memset(w, 0, sizeof(*w));
	w->version = version;
}

static uint8_t *wbody(struct pv_igvm_whdr *h)
{
	return h->ext ? h->ext : h->body;
}

void pv_igvm_writer_release(struct pv_igvm_writer *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->h[i].ext);
	free(w->h);
	w->h = NULL;
	w->n = w->cap = 0;
}

int pv_igvm_add(struct pv_igvm_writer *w, uint32_t type, const void *body,
		size_t body_len, const void *payload, size_t len,
		struct pv_err *e)
{
	const struct pv_igvm_type *t = pv_igvm_type_find(type);
	struct pv_igvm_whdr *h;
	size_t padded = len;

	if (!t)
		return pv_errf(e, PV_EINVAL, "IGVM writer: unknown type 0x%x",
			       type);
	if (body_len != t->size)
		return pv_errf(e, PV_EINVAL,
			       "IGVM writer: %s content is %zu bytes, expected %u",
			       t->name, body_len, t->size);
	if (payload && t->foff_off < 0)
		return pv_errf(e, PV_EINVAL,
			       "IGVM writer: %s has no file data", t->name);
	if (t->type == PV_IGVM_VHT_PAGE_DATA || t->type == PV_IGVM_VHT_VP_CONTEXT)
		padded = PV_IGVM_PAGE;
	else if (t->type == PV_IGVM_VHT_PARAMETER_AREA)
		padded = (size_t)pv_le64(body);
	if (payload && len > padded)
		return pv_errf(e, PV_EINVAL,
			       "IGVM writer: %s payload of %zu bytes exceeds %zu",
			       t->name, len, padded);
	h = pv_grow(w->h, &w->cap, w->n + 1, sizeof(*w->h));
	if (!h)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	w->h = h;
	h = &w->h[w->n];
	memset(h, 0, sizeof(*h));
	if (body_len > PV_IGVM_WBODY_INLINE) {
		h->ext = malloc(body_len);
		if (!h->ext)
			return pv_errf(e, PV_ENOMEM, "out of memory");
	}
	w->n++;
	h->type = type;
	h->length = t->size;
	memcpy(wbody(h), body, body_len);
	if (t->foff_off >= 0)
		pv_put_le32(wbody(h) + t->foff_off, 0);
	h->payload = payload;
	h->payload_len = payload ? len : 0;
	h->padded_len = payload ? padded : 0;
	return 0;
}

/* de-duplication table: open addressing over (crc, lengths, bytes) */
struct dslot {
	size_t hdr; /* index + 1; 0 = empty */
	uint32_t crc;
};

static bool same_payload(const struct pv_igvm_whdr *a,
			 const struct pv_igvm_whdr *b)
{
	return a->payload_len == b->payload_len &&
	       a->padded_len == b->padded_len &&
	       memcmp(a->payload, b->payload, a->payload_len) == 0;
}

/* Assign file offsets; *total is the end of the file. */
static int layout(struct pv_igvm_writer *w, uint64_t data_start,
		  uint64_t *total, uint8_t *placed, struct pv_err *e)
{
	size_t nslots = 16, i;
	struct dslot *tab;
	uint64_t off = data_start;

	while (nslots < 2 * w->n)
		nslots *= 2;
	tab = calloc(nslots, sizeof(*tab));
	if (!tab)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	for (i = 0; i < w->n; i++) {
		struct pv_igvm_whdr *h = &w->h[i];
		const struct pv_igvm_type *t = pv_igvm_type_find(h->type);
		uint32_t crc, foff = 0;
		size_t s;

		placed[i] = 0;
		if (!h->payload)
			continue;
		if (t->type != PV_IGVM_VHT_CORIM_DOCUMENT &&
		    t->type != PV_IGVM_VHT_CORIM_SIGNATURE &&
		    pv_is_zero(h->payload, h->payload_len))
			continue; /* §6: a page of zeros is file_offset 0 */
		crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), h->payload,
				      (uInt)h->payload_len);
		for (s = crc & (nslots - 1); tab[s].hdr; s = (s + 1) & (nslots - 1))
			if (tab[s].crc == crc && same_payload(&w->h[tab[s].hdr - 1], h))
				break;
		if (tab[s].hdr) {
			const struct pv_igvm_type *ot =
				pv_igvm_type_find(w->h[tab[s].hdr - 1].type);

			foff = pv_le32(wbody(&w->h[tab[s].hdr - 1]) + ot->foff_off);
		} else {
			if (off + h->padded_len > UINT32_MAX) {
				free(tab);
				return pv_errf(e, PV_ETOOBIG,
					       "IGVM writer: file data exceeds 4 GiB (u32 file offsets)");
			}
			foff = (uint32_t)off;
			off += h->padded_len;
			tab[s].hdr = i + 1;
			tab[s].crc = crc;
			placed[i] = 1;
		}
		pv_put_le32(wbody(h) + t->foff_off, foff);
	}
	free(tab);
	*total = off;
	return 0;
}

int pv_igvm_write(struct pv_igvm_writer *w, pv_igvm_sink sink, void *ctx,
		  struct pv_err *e)
{
	static const uint8_t zeros[PV_IGVM_PAGE];
	uint32_t fixed = w->version == 2 ? PV_IGVM_FIXED_V2 : PV_IGVM_FIXED_V1;
	uint64_t var_size = 0, total = 0;
	uint8_t *head = NULL, *placed = NULL;
	const uint8_t *run;
	size_t i, pos, runlen;
	int rc;

	if (w->version != 1 && w->version != 2)
		return pv_errf(e, PV_EINVAL, "IGVM writer: version %u",
			       w->version);
	for (i = 0; i < w->n; i++)
		var_size += (8u + w->h[i].length + 7u) & ~7u;
	if (fixed + var_size > UINT32_MAX)
		return pv_errf(e, PV_ETOOBIG, "IGVM writer: too many headers");
	placed = malloc(w->n ? w->n : 1);
	head = calloc(1, fixed + var_size);
	if (!placed || !head) {
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
		goto out;
	}
	rc = layout(w, fixed + var_size, &total, placed, e);
	if (rc)
		goto out;
	pv_put_le32(head + FH_MAGIC, PV_IGVM_MAGIC);
	pv_put_le32(head + FH_VERSION, w->version);
	pv_put_le32(head + FH_VAR_OFF, fixed);
	pv_put_le32(head + FH_VAR_SIZE, (uint32_t)var_size);
	pv_put_le32(head + FH_TOTAL_SIZE, (uint32_t)total);
	if (w->version == 2) {
		pv_put_le32(head + FH_ARCH, w->arch);
		pv_put_le32(head + FH_PAGE_SIZE, PV_IGVM_PAGE);
	}
	pos = fixed;
	for (i = 0; i < w->n; i++) {
		pv_put_le32(head + pos + VH_TYPE, w->h[i].type);
		pv_put_le32(head + pos + VH_LENGTH, w->h[i].length);
		memcpy(head + pos + VH_CONTENT, wbody(&w->h[i]), w->h[i].length);
		pos += (8u + w->h[i].length + 7u) & ~7u;
	}
	pv_put_le32(head + FH_CHECKSUM, pv_igvm_crc(head, fixed, head + fixed, var_size));
	rc = sink(ctx, head, fixed + var_size, e);
	/* payloads in order; runs that are contiguous in memory (pages of
	 * one input mapping) go to the sink in one call */
	run = NULL;
	runlen = 0;
	for (i = 0; !rc && i < w->n; i++) {
		size_t pad;

		if (!placed[i])
			continue;
		if (run && w->h[i].payload == run + runlen) {
			runlen += w->h[i].payload_len;
		} else {
			if (runlen)
				rc = sink(ctx, run, runlen, e);
			run = w->h[i].payload;
			runlen = w->h[i].payload_len;
		}
		pad = w->h[i].padded_len - w->h[i].payload_len;
		if (pad && runlen && !rc) {
			rc = sink(ctx, run, runlen, e);
			run = NULL;
			runlen = 0;
		}
		while (!rc && pad) {
			size_t n = pad > sizeof(zeros) ? sizeof(zeros) : pad;

			rc = sink(ctx, zeros, n, e);
			pad -= n;
		}
	}
	if (!rc && runlen)
		rc = sink(ctx, run, runlen, e);
out:
	free(head);
	free(placed);
	return rc;
}

struct membuf {
	uint8_t *p;
	size_t len, cap;
};

static int mem_sink(void *ctx, const void *buf, size_t len, struct pv_err *e)
{
	struct membuf *m = ctx;

	size_t need;
	uint8_t *n;

	if (!pv_add_size(m->len, len, &need))
		return pv_errf(e, PV_ENOMEM, "out of memory");
	/* at least double: a 40 MB file is copied O(log n) times */
	if (need > m->cap && need / 2 < m->cap)
		need = m->cap <= SIZE_MAX / 2 ? 2 * m->cap : need;
	n = pv_grow(m->p, &m->cap, need, 1);
	if (!n)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	m->p = n;
	memcpy(m->p + m->len, buf, len);
	m->len += len;
	return 0;
}

int pv_igvm_write_mem(struct pv_igvm_writer *w, uint8_t **out, size_t *len,
		      struct pv_err *e)
{
	struct membuf m = { 0 };
	int rc = pv_igvm_write(w, mem_sink, &m, e);

	if (rc) {
		free(m.p);
		return rc;
	}
	*out = m.p;
	*len = m.len;
	return 0;
}
