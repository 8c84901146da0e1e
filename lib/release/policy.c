/* SPDX-License-Identifier: Apache-2.0 */
/*
 * policy.c - the SEV-SNP GUEST_POLICY as Contrast's manifest writes it
 * (go-sev-guest abi.SnpPolicy field names, contrast.md 4.1), and the QEMU
 * CPU model of each product.
 *
 * GUEST_POLICY bits (SEV-SNP Firmware ABI specification, "GUEST_POLICY
 * Structure"; bits 0..20 also in igvm.md 5): 7:0 ABI_MINOR, 15:8
 * ABI_MAJOR, 16 SMT, 17 reserved (1), 18 MIGRATE_MA, 19 DEBUG,
 * 20 SINGLE_SOCKET, 21 CXL_ALLOW, 22 MEM_AES_256_XTS, 23 RAPL_DIS,
 * 24 CIPHERTEXT_HIDING_DRAM, 25 PAGE_SWAP_DISABLE (not carried).
 */
#include <string.h>

#include "release/release.h"

json_t *pv_snp_policy_json(uint64_t p)
{
	/* the fields SNPReferenceValues.Validate names (edgelesssys/contrast
	 * internal/manifest/referencevalues.go); PageSwapDisable (bit 25) is
	 * left out: Contrast decodes its embedded file with
	 * DisallowUnknownFields, and a go-sev-guest without the field would
	 * refuse the whole file (contrast.md 4.1) */
	return json_pack("{s:I, s:I, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
			 "ABIMinor", (json_int_t)(p & 0xff),
			 "ABIMajor", (json_int_t)((p >> 8) & 0xff),
			 "SMT", (int)((p >> 16) & 1),
			 "MigrateMA", (int)((p >> 18) & 1),
			 "Debug", (int)((p >> 19) & 1),
			 "SingleSocket", (int)((p >> 20) & 1),
			 "CXLAllowed", (int)((p >> 21) & 1),
			 "MemAES256XTS", (int)((p >> 22) & 1),
			 "RAPLDis", (int)((p >> 23) & 1),
			 "CipherTextHidingDRAM", (int)((p >> 24) & 1));
}

/* sev-snp-measure's CPU models (snp-measurement.md 5.3) */
const char *pv_snp_product_vcpu_type(const char *product)
{
	if (!strcmp(product, "Milan"))
		return "EPYC-Milan";
	if (!strcmp(product, "Genoa"))
		return "EPYC-Genoa";
	if (!strcmp(product, "Turin"))
		return "EPYC-Turin";
	return NULL;
}
