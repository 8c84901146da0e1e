/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bootparams.c - the fields of struct boot_params (the "zero page",
 * Linux Documentation/arch/x86/zero-page.rst) that a boot loader fills in
 * outside the setup header: the e820 table, and the SEV cc_blob it points
 * at.  Every reader and writer of these goes through here (boot.h).
 */
#include <string.h>

#include "core/bytes.h"
#include "linux/boot.h"

_Static_assert(PV_BP_E820_TABLE + PV_BP_E820_MAX * PV_BP_E820_ENTRY_SIZE ==
		       0xcd0,
	       "e820_table ends at 0xcd0 (zero-page.rst)");
_Static_assert((int)PV_BZ_HDR_MAX_END <= (int)PV_BP_E820_TABLE,
	       "the setup header precedes the e820 table");
_Static_assert(PV_CC_BLOB_CPUID_LEN + 8 == PV_CC_BLOB_SIZE,
	       "cc_blob_sev_info is 40 bytes");

int pv_bp_e820_add(uint8_t bp[PV_BP_SIZE], uint64_t addr, uint64_t size,
		   uint32_t type)
{
	uint8_t n = bp[PV_BP_E820_ENTRIES];
	uint8_t *x = bp + PV_BP_E820_TABLE + PV_BP_E820_ENTRY_SIZE * (size_t)n;

	if (n >= PV_BP_E820_MAX)
		return -1;
	pv_put_le64(x, addr);
	pv_put_le64(x + 8, size);
	pv_put_le32(x + 16, type);
	bp[PV_BP_E820_ENTRIES] = (uint8_t)(n + 1);
	return 0;
}

int pv_bp_e820_get(const uint8_t bp[PV_BP_SIZE], unsigned i,
		   struct pv_e820 *x)
{
	const uint8_t *p = pv_slice(bp, PV_BP_SIZE,
				    PV_BP_E820_TABLE +
					    (uint64_t)i * PV_BP_E820_ENTRY_SIZE,
				    PV_BP_E820_ENTRY_SIZE);

	if (i >= bp[PV_BP_E820_ENTRIES] || i >= PV_BP_E820_MAX || !p)
		return -1;
	x->addr = pv_le64(p);
	x->size = pv_le64(p + 8);
	x->type = pv_le32(p + 16);
	return 0;
}

void pv_cc_blob_put(uint8_t *p, uint64_t secrets, uint32_t secrets_len,
		    uint64_t cpuid, uint32_t cpuid_len)
{
	memset(p, 0, PV_CC_BLOB_SIZE);
	pv_put_le32(p + PV_CC_BLOB_MAGIC_OFF, PV_CC_BLOB_MAGIC);
	pv_put_le64(p + PV_CC_BLOB_SECRETS_PHYS, secrets);
	pv_put_le32(p + PV_CC_BLOB_SECRETS_LEN, secrets_len);
	pv_put_le64(p + PV_CC_BLOB_CPUID_PHYS, cpuid);
	pv_put_le32(p + PV_CC_BLOB_CPUID_LEN, cpuid_len);
}
