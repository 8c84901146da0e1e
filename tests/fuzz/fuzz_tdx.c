/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_tdx.c - the TDVF metadata parser, then MRTD in both page orders
 * over what it parsed (when the sections are few pages); and the same
 * bytes as a PE/COFF kernel for the image digest.  Every failure must
 * carry a message.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/err.h"
#include "tdx/tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAGES 1024 /* keep each input fast */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_err e = { 0 };
	struct pv_tdvf *t;
	uint8_t d[PV_TDX_MR_SIZE];
	uint64_t pages = 0;
	uint32_t i;

	if (pv_pe_authenticode(data, size, "fuzz", d, &e) != 0 && !e.msg[0])
		abort();
	t = malloc(sizeof(*t));
	if (!t)
		return 0;
	e.msg[0] = '\0';
	if (pv_tdvf_parse(data, size, "fuzz", t, &e) != 0) {
		if (!e.msg[0])
			abort();
		free(t);
		return 0;
	}
	if (t->nsections < 2 || t->nsections > PV_TDVF_MAX_SECTIONS)
		abort();
	for (i = 0; i < t->nsections; i++)
		pages += t->sections[i].mem_size / PV_TDX_PAGE_SIZE;
	if (pages <= MAX_PAGES &&
	    (pv_tdx_mrtd(t, PV_TDX_MRTD_SINGLE_PASS, d, NULL, NULL, &e) ||
	     pv_tdx_mrtd(t, PV_TDX_MRTD_TWO_PASS, d, NULL, NULL, &e)))
		abort();
	free(t);
	return 0;
}
