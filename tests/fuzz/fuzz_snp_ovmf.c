/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_snp_ovmf.c - the OVMF footer GUID table and SEV metadata parser,
 * then (when the sections are few pages) the direct-boot digest over what
 * it parsed: every field comes from the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "snp/ovmf.h"
#include "snp/snp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAGES 4096 /* keep each input fast */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t kernel[] = "not a kernel";
	static const uint8_t seed[PV_SNP_LD_SIZE];
	struct pv_snp_ovmf_in in = { 0 };
	struct pv_snp_chain c;
	struct pv_ovmf *o;
	struct pv_err e = { 0 };
	uint8_t bsp[PV_SNP_PAGE_SIZE], ap[PV_SNP_PAGE_SIZE];
	uint64_t pages = 0;
	uint32_t i, eip;
	int k;

	o = malloc(sizeof(*o));
	if (!o)
		return 0;
	if (pv_ovmf_parse(data, size, PV_OVMF_FOUR_GB, "fuzz", o, &e) != 0) {
		/* every failure carries a message */
		if (!e.msg[0])
			abort();
		free(o);
		return 0;
	}
	for (i = 0; i < o->nsections; i++)
		pages += o->sections[i].size / PV_SNP_PAGE_SIZE + 1;
	if (pages > MAX_PAGES) {
		free(o);
		return 0;
	}
	in.mode = PV_SNP_MODE_SNP;
	in.ovmf = o;
	in.seed = seed; /* skip hashing the image itself */
	in.nthreads = 1;
	for (k = 0; k < 2; k++) {
		in.kernel = k ? kernel : NULL;
		in.kernel_len = k ? sizeof(kernel) : 0;
		in.vmm = (enum pv_snp_vmm)(size % 3);
		if (pv_snp_chain_init(&c, seed, NULL))
			break;
		if (pv_snp_ovmf_memory(&c, &in, &e) == 0 &&
		    pv_snp_ovmf_vmsas(&in, bsp, ap, &eip, &e) == 0)
			(void)pv_snp_extend_vmsas(&c, bsp, ap, eip, 0, 2, &e);
		pv_snp_chain_free(&c);
	}
	free(o);
	return 0;
}
