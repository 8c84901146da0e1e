/* SPDX-License-Identifier: Apache-2.0 */
/*
 * clh_vectors.h - igvmgen --vmm clh against microsoft/igvm-tooling.
 * Provenance and the exact commands: tests/kat/igvm/README.md.
 *
 * canon: SHA-256 over every header but SNP_ID_BLOCK, in file order, of
 * le32 type, le32 length, the content with file_offset (+12 of
 * PAGE_DATA, VP_CONTEXT, PARAMETER_AREA) replaced by le32(0 or 1), then
 * the file data it refers to.  It does not depend on where data sits in
 * the file (igvm-tooling stores every non-zero page, podvm de-duplicates)
 * or on the padding bytes ('0' there, zero here).
 * ld: the launch digest igvm-tooling printed (-measurement_file), kept for
 * the SNP engine's tests.
 */
#ifndef PODVM_KAT_IGVM_CLH_VECTORS_H
#define PODVM_KAT_IGVM_CLH_VECTORS_H
struct clh_vector {
	const char *name;
	int initrd;     /* with the 20000-byte initrd */
	int boot_x64, pvalidate_opt, encrypted_page, svme, vtl;
	int arch_amd;   /* -arch AMD / --arch amd; 0: Intel, the default */
	unsigned headers;
	const char *canon;
	const char *ld;
};

static const struct clh_vector clh_vectors[] = {
	{ "k1-x64-pv0", 1, 1, 0, 1, 1, 0, 0, 1044,
	  "820049b2577ea62394818c670367640524ce77c00f22ccef859cdc1c4ba6d3d6",
	  "bf0b7a7ba891aebaf5edfb8a4932a055f6ac87c7f82a7f8be3fa4bd79e5df03be0ec7a37d9b11a338ea144677fe223d1" },
	{ "k2-x64-pv1", 1, 1, 1, 1, 1, 0, 0, 457,
	  "87372306b86afbd359d92f664e36fb76fc4e3dea7e0d5d49dfd9e76f2f08c797",
	  "4130ba1871c5cbe242e958bfc1acd9e0a40803ec6be6495362287b855fd6083a5ddc49fda3dc5d844e9de825d9bb369f" },
	{ "k3-x86-pv1-noinitrd", 0, 0, 1, 1, 1, 0, 0, 450,
	  "a92aca1fca29caf394872d0e756a293aa1cef7f2aba657539af4674d2279d826",
	  "cbde344bbd96911b492277403b8bfcc07fd0dc935038da8c77f6bac423656d1391984263427a34b0566d8f73699399cb" },
	{ "k4-x64-pv0-noenc-nosvme-vtl2", 1, 1, 0, 0, 0, 2, 0, 1044,
	  "12af08fcf6f9f36500b770ba79d59f9bc01eecb4792f56968081da82d2504491",
	  "36938a891339b7e9ae87c12b12ee7d0dbad1ce516cbdb938fc15fc6913114c0eed5e2d09a7ed893ea71f169ddd038322" },
	/* k1 with -arch AMD: the VMSA's RFLAGS 0 instead of 2 */
	{ "k5-x64-pv0-amd", 1, 1, 0, 1, 1, 0, 1, 1044,
	  "7615f96a7c7e1807bfcf824812749421de9a8d1971b15ecb7772228d6be70284",
	  "d5c3ebbb8fd02bd3a87db3936e78af42c2fbf765e656eb8dfe321e900368064297a17b29f9b5e680dabdd8c9d9e2b19a" },
	/* k1 with -arch Intel given: igvm-tooling's output is k1's, byte for
	 * byte (Intel is its default) */
	{ "k6-x64-pv0-intel", 1, 1, 0, 1, 1, 0, 0, 1044,
	  "820049b2577ea62394818c670367640524ce77c00f22ccef859cdc1c4ba6d3d6",
	  "bf0b7a7ba891aebaf5edfb8a4932a055f6ac87c7f82a7f8be3fa4bd79e5df03be0ec7a37d9b11a338ea144677fe223d1" },
};
#endif
