/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_snp_igvm.c - the SNP launch digest of an IGVM file (lib/snp/igvm.c)
 * over whatever the reader accepts: both loaders, 1 to 4 vCPUs with the
 * AP reset model, native zero pages.  Region naming reads guest memory at
 * addresses taken from the file (boot_params, VMSA), so this is where an
 * out-of-bounds read would show.  The CRC is not enforced.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/err.h"
#include "igvm/igvm.h"
#include "snp/igvm.h"
#include "snp/snp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_snp_igvm_info info;
	struct pv_igvm g;
	struct pv_err e = { 0 };
	unsigned k;

	if (pv_igvm_parse(data, size, "fuzz", PV_IGVM_NO_CRC, &g, &e))
		return 0;
	for (k = 0; k < 4; k++) {
		struct pv_snp_igvm_in in = {
			.g = &g, .name = "fuzz",
			.vmm = k & 1 ? PV_SNP_IGVM_CLH : PV_SNP_IGVM_QEMU,
			.native_zero = k >= 2,
			.vcpus = 1 + (size % 4),
			.ap_reset_model = k >= 2,
			.vcpu_sig = 0x800f12,
			.nthreads = 1,
		};
		struct pv_snp_chain c;
		int r;

		e = (struct pv_err){ 0 };
		if (pv_snp_chain_init(&c, NULL, &e))
			abort();
		r = pv_snp_igvm_measure(&c, &in, &info, &e);
		if (r && !e.msg[0])
			abort(); /* every failure carries a message */
		pv_snp_chain_free(&c);
	}
	pv_igvm_release(&g);
	return 0;
}
