/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hashes.c - the SEV hash table QEMU places in the OVMF kernel-hashes page
 * for direct kernel boot (QEMU target/i386/sev.c struct SevHashTable and
 * PaddedSevHashTable; OVMF OvmfPkg/Library/BlobVerifierLib; snp-measurement
 * .md 4.4).  GUIDs are stored in the mixed-endian EFI byte order.
 */
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "snp/snp.h"

/* 9438d606-4f22-4cc9-b479-a793d411fd21 */
static const uint8_t guid_table[16] = {
	0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c,
	0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21,
};
/* 97d02dd8-bd20-4c94-aa78-e7714d36ab2a */
static const uint8_t guid_cmdline[16] = {
	0xd8, 0x2d, 0xd0, 0x97, 0x20, 0xbd, 0x94, 0x4c,
	0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a,
};
/* 44baf731-3a2f-4bd7-9af1-41e29169781d */
static const uint8_t guid_initrd[16] = {
	0x31, 0xf7, 0xba, 0x44, 0x2f, 0x3a, 0xd7, 0x4b,
	0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d,
};
/* 4de79437-abd2-427f-b835-d5b172d2045b */
static const uint8_t guid_kernel[16] = {
	0x37, 0x94, 0xe7, 0x4d, 0xd2, 0xab, 0x7f, 0x42,
	0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b,
};

enum {
	ENTRY_SIZE = 16 + 2 + 32, /* SevHashTableEntry: GUID, u16 len, hash */
	TABLE_HDR = 16 + 2,
};
_Static_assert(TABLE_HDR + 3 * ENTRY_SIZE == PV_SNP_HASHES_TABLE_SIZE,
	       "SevHashTable is 168 bytes");
_Static_assert(PV_SNP_HASHES_PADDED_SIZE ==
		       ((PV_SNP_HASHES_TABLE_SIZE + 15) & ~15),
	       "PaddedSevHashTable rounds up to 16");

static uint8_t *entry(uint8_t *p, const uint8_t guid[16],
		      const uint8_t hash[32])
{
	memcpy(p, guid, 16);
	pv_put_le16(p + 16, ENTRY_SIZE);
	memcpy(p + 18, hash, 32);
	return p + ENTRY_SIZE;
}

void pv_snp_hashes_table(const struct pv_snp_hashes *h,
			 uint8_t out[PV_SNP_HASHES_PADDED_SIZE])
{
	uint8_t *p = out;

	memset(out, 0, PV_SNP_HASHES_PADDED_SIZE);
	memcpy(p, guid_table, 16);
	pv_put_le16(p + 16, PV_SNP_HASHES_TABLE_SIZE);
	p += TABLE_HDR;
	p = entry(p, guid_cmdline, h->cmdline);
	p = entry(p, guid_initrd, h->initrd);
	entry(p, guid_kernel, h->kernel);
}

int pv_snp_hashes_page(const struct pv_snp_hashes *h, uint32_t offset,
		       uint8_t page[PV_SNP_PAGE_SIZE], struct pv_err *e)
{
	if (!pv_range_ok(offset, PV_SNP_HASHES_PADDED_SIZE, PV_SNP_PAGE_SIZE))
		return pv_errf(e, PV_ERANGE,
			       "SEV hash table at page offset 0x%x does not fit "
			       "in the page (%u bytes)", offset,
			       PV_SNP_HASHES_PADDED_SIZE);
	memset(page, 0, PV_SNP_PAGE_SIZE);
	pv_snp_hashes_table(h, page + offset);
	return 0;
}
