/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tdvf.c - the TDVF metadata of an OVMF image (docs/tdx.md 2).
 *
 * The OVMF footer GUID table ends 32 bytes before the end of the image
 * (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm); its TDX entry holds
 * the offset, from the end of the image, of the TDVF descriptor that
 * OvmfPkg/ResetVector/X64/IntelTdxMetadata.asm lays out.  The checks are
 * QEMU's (hw/i386/tdvf.c, tdvf_get_metadata() and
 * tdvf_parse_and_check_section_entry()), plus that the bytes QEMU copies
 * into the guest lie inside the image.
 */
#include <stdbool.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "ovmf/table.h"
#include "tdx/tdx.h"

/* e47a6535-984a-4798-865e-4685a7bf8ec2: TDX metadata offset */
static const uint8_t guid_tdx[16] = {
	0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
	0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2,
};
/* e9eaf9f3-168e-44d5-a8eb-7f4d8738f6ae: precedes the descriptor */
static const uint8_t guid_meta[16] = {
	0xf3, 0xf9, 0xea, 0xe9, 0x8e, 0x16, 0xd5, 0x44,
	0xa8, 0xeb, 0x7f, 0x4d, 0x87, 0x38, 0xf6, 0xae,
};

const char *pv_tdvf_type_name(uint32_t type)
{
	switch (type) {
	case PV_TDVF_BFV:
		return "BFV";
	case PV_TDVF_CFV:
		return "CFV";
	case PV_TDVF_TD_HOB:
		return "TD_HOB";
	case PV_TDVF_TEMP_MEM:
		return "TempMem";
	}
	return "unknown";
}

struct tdx_find {
	const char *name;
	bool found;
	uint32_t off;
};

/* The TDX entry of the footer table (ovmf/table.h): the first one from
 * the end, as QEMU's pc_system_ovmf_table_find() takes it. */
static int tdx_entry(void *arg, const uint8_t guid[16], const uint8_t *data,
		     size_t dlen, size_t hdr, struct pv_err *e)
{
	struct tdx_find *f = arg;

	int r;

	if (memcmp(guid, guid_tdx, 16) != 0)
		return 0;
	r = pv_ovmf_entry_u32(data, dlen, f->name, hdr, "TDX metadata entry",
			      &f->off, e);
	if (r < 0)
		return r;
	f->found = true;
	return 1;
}

/* The offset of the TDVF descriptor from the end of the image. */
static int find_offset(const uint8_t *buf, size_t len, const char *name,
		       uint32_t *off, struct pv_err *e)
{
	struct tdx_find f = { .name = name };
	int r = pv_ovmf_table_walk(buf, len, name, tdx_entry, &f, e);

	if (r < 0)
		return r;
	if (r == 0)
		return pv_errf(e, PV_EFORMAT,
			       "%s: no OVMF footer table (GUID "
			       "96b582de-1fb2-45f7-baea-a366c55a082d) 32 bytes "
			       "before the end: not a TDVF image", name);
	if (!f.found)
		return pv_errf(e, PV_EFORMAT,
			       "%s: the OVMF footer table has no TDX metadata "
			       "entry (GUID e47a6535-984a-4798-865e-4685a7bf8ec2): "
			       "firmware built without TDX support", name);
	*off = f.off;
	return 0;
}

static int check_section(const struct pv_tdvf_section *s, uint32_t i,
			 size_t soff, size_t len, const char *name,
			 struct pv_err *e)
{
	const char *tn = pv_tdvf_type_name(s->type);
	uint64_t end;

	if (s->type > PV_TDVF_TEMP_MEM)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: section %u: Type %u is not "
			       "one QEMU loads (0 BFV, 1 CFV, 2 TD_HOB, 3 "
			       "TempMem)", name, soff + 24, i, s->type);
	if (s->mem_size < s->raw_size)
		return pv_errf(e, PV_EFORMAT,
			       "%s: section %u (%s): MemoryDataSize 0x%llx is "
			       "smaller than RawDataSize 0x%x", name, i, tn,
			       (unsigned long long)s->mem_size, s->raw_size);
	if (s->gpa % PV_TDX_PAGE_SIZE)
		return pv_errf(e, PV_EFORMAT,
			       "%s: section %u (%s): MemoryAddress 0x%llx is "
			       "not 4 KiB aligned", name, i, tn,
			       (unsigned long long)s->gpa);
	if (s->mem_size % PV_TDX_PAGE_SIZE)
		return pv_errf(e, PV_EFORMAT,
			       "%s: section %u (%s): MemoryDataSize 0x%llx is "
			       "not a multiple of 4 KiB", name, i, tn,
			       (unsigned long long)s->mem_size);
	if (!pv_add_u64(s->gpa, s->mem_size, &end) ||
	    end > PV_TDVF_MAX_IMAGE)
		return pv_errf(e, PV_ERANGE,
			       "%s: section %u (%s): MemoryAddress 0x%llx + "
			       "MemoryDataSize 0x%llx ends above 4 GiB", name,
			       i, tn, (unsigned long long)s->gpa,
			       (unsigned long long)s->mem_size);
	if (s->type == PV_TDVF_BFV || s->type == PV_TDVF_CFV) {
		if (s->raw_size == 0)
			return pv_errf(e, PV_EFORMAT,
				       "%s: section %u (%s): RawDataSize is 0; "
				       "a firmware volume is copied from the "
				       "image", name, i, tn);
		if (!pv_range_ok(s->data_offset, s->raw_size, len))
			return pv_errf(e, PV_ERANGE,
				       "%s: section %u (%s): DataOffset 0x%x + "
				       "RawDataSize 0x%x is past the end of the "
				       "%zu-byte image (a split OVMF_CODE file? "
				       "measure the unified OVMF.fd)", name, i,
				       tn, s->data_offset, s->raw_size, len);
		/* QEMU copies MemoryDataSize bytes from DataOffset */
		if (!pv_range_ok(s->data_offset, s->mem_size, len))
			return pv_errf(e, PV_ERANGE,
				       "%s: section %u (%s): DataOffset 0x%x + "
				       "MemoryDataSize 0x%llx is past the end "
				       "of the %zu-byte image", name, i, tn,
				       s->data_offset,
				       (unsigned long long)s->mem_size, len);
	} else {
		if (s->raw_size != 0)
			return pv_errf(e, PV_EFORMAT,
				       "%s: section %u (%s): RawDataSize 0x%x, "
				       "expected 0 (not copied from the image)",
				       name, i, tn, s->raw_size);
		if (s->type == PV_TDVF_TD_HOB &&
		    (s->attributes & PV_TDVF_ATTR_MR_EXTEND))
			return pv_errf(e, PV_ENOTSUP,
				       "%s: section %u (TD_HOB) has the "
				       "MR.EXTEND attribute: its contents are "
				       "QEMU's HOB, which is not modelled",
				       name, i);
	}
	return 0;
}

int pv_tdvf_parse(const uint8_t *buf, size_t len, const char *name,
		  struct pv_tdvf *t, struct pv_err *e)
{
	const uint8_t *d, *p;
	uint32_t off = 0, dlen, ver, n, i;
	uint64_t pages = 0;
	int r;

	memset(t, 0, sizeof(*t));
	if ((uint64_t)len >= PV_TDVF_MAX_IMAGE)
		return pv_errf(e, PV_ETOOBIG,
			       "%s: image is %zu bytes; firmware must be "
			       "smaller than 4 GiB", name, len);
	r = find_offset(buf, len, name, &off, e);
	if (r)
		return r;
	if (off < PV_TDVF_DESC_SIZE || off > len)
		return pv_errf(e, PV_ERANGE,
			       "%s: TDX metadata offset 0x%x (from the end) "
			       "is outside the %zu-byte image", name, off,
			       len);
	t->desc_offset = len - off;
	d = pv_slice(buf, len, t->desc_offset, PV_TDVF_DESC_SIZE);
	if (!d)
		return pv_errf(e, PV_ERANGE, "%s: TDVF descriptor outside "
			       "the image", name);
	if (memcmp(d, "TDVF", 4) != 0)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: TDVF descriptor signature "
			       "%02x%02x%02x%02x, expected \"TDVF\"", name,
			       t->desc_offset, d[0], d[1], d[2], d[3]);
	dlen = pv_le32(d + 4);
	ver = pv_le32(d + 8);
	n = pv_le32(d + 12);
	if (ver != 1)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: TDVF Version %u, expected 1",
			       name, t->desc_offset + 8, ver);
	if (n < 2)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: TDVF NumberOfSectionEntries "
			       "%u, QEMU needs at least 2", name,
			       t->desc_offset + 12, n);
	if (n > PV_TDVF_MAX_SECTIONS)
		return pv_errf(e, PV_ETOOBIG,
			       "%s: offset 0x%zx: TDVF NumberOfSectionEntries "
			       "%u exceeds the limit of %u", name,
			       t->desc_offset + 12, n, PV_TDVF_MAX_SECTIONS);
	if (dlen != PV_TDVF_DESC_SIZE + n * PV_TDVF_SECTION_SIZE)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: TDVF Length 0x%x, expected "
			       "0x%x for %u sections", name,
			       t->desc_offset + 4, dlen,
			       PV_TDVF_DESC_SIZE + n * PV_TDVF_SECTION_SIZE, n);
	if (!pv_slice(buf, len, t->desc_offset, dlen))
		return pv_errf(e, PV_ERANGE,
			       "%s: offset 0x%zx: TDVF descriptor of 0x%x "
			       "bytes runs past the end of the image", name,
			       t->desc_offset, dlen);
	t->has_guid = t->desc_offset >= 16 &&
		      memcmp(buf + t->desc_offset - 16, guid_meta, 16) == 0;
	for (i = 0; i < n; i++) {
		struct pv_tdvf_section *s = &t->sections[i];
		size_t soff = t->desc_offset + PV_TDVF_DESC_SIZE +
			      (size_t)i * PV_TDVF_SECTION_SIZE;

		p = buf + soff; /* inside: checked with dlen above */
		s->data_offset = pv_le32(p);
		s->raw_size = pv_le32(p + 4);
		s->gpa = pv_le64(p + 8);
		s->mem_size = pv_le64(p + 16);
		s->type = pv_le32(p + 24);
		s->attributes = pv_le32(p + 28);
		r = check_section(s, i, soff, len, name, e);
		if (r)
			return r;
		pages += s->mem_size / PV_TDX_PAGE_SIZE;
	}
	/* every section ends below 4 GiB, so pages < 64 * 2^20 */
	if (pages > (1u << 20))
		return pv_errf(e, PV_ETOOBIG,
			       "%s: the TDVF sections add %llu pages, more "
			       "than the 4 GiB limit", name,
			       (unsigned long long)pages);
	t->data = buf;
	t->len = len;
	t->nsections = n;
	return 0;
}
