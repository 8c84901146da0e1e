/* SPDX-License-Identifier: Apache-2.0 */
/* table.c - the OVMF footer GUID table (table.h). */
#include "ovmf/table.h"

#include <string.h>

#include "core/bytes.h"
#include "core/err.h"

/* 96b582de-1fb2-45f7-baea-a366c55a082d, in EFI (mixed-endian) byte order */
static const uint8_t guid_footer[16] = {
	0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
	0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d,
};

int pv_ovmf_table_walk(const uint8_t *buf, size_t len, const char *name,
		       pv_ovmf_entry_fn fn, void *arg, struct pv_err *e)
{
	size_t footer, start, end;
	const uint8_t *f;
	uint16_t tsize;

	if (len < 32 + PV_OVMF_FOOTER_ENTRY_SIZE)
		return pv_errf(e, PV_ERANGE,
			       "%s: image is %zu bytes, too small for an OVMF "
			       "footer table (at least 50)", name, len);
	footer = len - 32 - PV_OVMF_FOOTER_ENTRY_SIZE;
	f = pv_slice(buf, len, footer, PV_OVMF_FOOTER_ENTRY_SIZE);
	if (!f || memcmp(f + 2, guid_footer, 16) != 0)
		return 0;
	tsize = pv_le16(f);
	if (tsize < PV_OVMF_FOOTER_ENTRY_SIZE)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: footer table size %u is "
			       "smaller than its 18-byte footer entry", name,
			       footer, tsize);
	if ((size_t)tsize - PV_OVMF_FOOTER_ENTRY_SIZE > footer)
		return pv_errf(e, PV_ERANGE,
			       "%s: offset 0x%zx: footer table size %u reaches "
			       "before the start of the image", name, footer,
			       tsize);
	start = footer - ((size_t)tsize - PV_OVMF_FOOTER_ENTRY_SIZE);
	end = footer;
	while (end - start >= PV_OVMF_FOOTER_ENTRY_SIZE) {
		size_t hdr = end - PV_OVMF_FOOTER_ENTRY_SIZE;
		const uint8_t *x = pv_slice(buf, len, hdr,
					    PV_OVMF_FOOTER_ENTRY_SIZE);
		const uint8_t *data;
		uint16_t esize;
		int r;

		if (!x)
			return pv_errf(e, PV_ERANGE,
				       "%s: offset 0x%zx: footer table entry "
				       "outside the image", name, hdr);
		esize = pv_le16(x);
		if (esize < PV_OVMF_FOOTER_ENTRY_SIZE)
			return pv_errf(e, PV_EFORMAT,
				       "%s: offset 0x%zx: footer table entry "
				       "size %u is smaller than its 18-byte "
				       "header", name, hdr, esize);
		if (esize > end - start)
			return pv_errf(e, PV_ERANGE,
				       "%s: offset 0x%zx: footer table entry "
				       "size %u exceeds the %zu bytes left in "
				       "the table", name, hdr, esize,
				       end - start);
		data = pv_slice(buf, len, end - esize,
				esize - PV_OVMF_FOOTER_ENTRY_SIZE);
		if (!data)
			return pv_errf(e, PV_ERANGE,
				       "%s: offset 0x%zx: footer table entry "
				       "data outside the image", name, hdr);
		r = fn(arg, x + 2, data, esize - PV_OVMF_FOOTER_ENTRY_SIZE,
		       hdr, e);
		if (r < 0)
			return r;
		if (r > 0)
			break;
		end -= esize;
	}
	return 1;
}

int pv_ovmf_entry_u32(const uint8_t *data, size_t dlen, const char *name,
		      size_t hdr, const char *what, uint32_t *v,
		      struct pv_err *e)
{
	if (dlen < 4)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: %s has %zu data bytes, "
			       "expected at least 4", name, hdr, what, dlen);
	*v = pv_le32(data);
	return 0;
}
