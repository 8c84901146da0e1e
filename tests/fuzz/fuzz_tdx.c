/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_tdx.c - the TDVF metadata parser, then MRTD in both page orders
 * over what it parsed (when the sections are few pages); and the same
 * bytes as a PE/COFF kernel for the image digest; then, with a minimal
 * kernel and ACPI blobs, every RTMR including RTMR0 (the TD HOB from the
 * sections, the variable store in the CFV).  Every failure must carry a
 * message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "tdx/tdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PAGES 1024 /* keep each input fast */

/* A PE32+ image with headers only (no section): 0x200 bytes. */
static void tiny_pe(uint8_t *k)
{
	memset(k, 0, 0x200);
	k[0] = 'M';
	k[1] = 'Z';
	k[0x3c] = 0x40;
	memcpy(k + 0x40, "PE\0\0", 4);
	k[0x54] = 112;		/* SizeOfOptionalHeader */
	k[0x58] = 0x0b;		/* Magic 0x20b */
	k[0x59] = 0x02;
	k[0x58 + 61] = 0x02;	/* SizeOfHeaders 0x200 */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_err e = { 0 };
	struct pv_tdvf *t;
	uint8_t d[PV_TDX_MR_SIZE];
	uint64_t pages = 0;
	uint32_t i;

	int rc = pv_pe_authenticode(data, size, "fuzz", d, &e);
	uint8_t d2[PV_TDX_MR_SIZE];

	if (rc != 0 && !e.msg[0])
		abort();
	/* the same bytes as a head of any length: the same answer */
	if (size && pv_pe_authenticode_over(data, size, data, data[0] * 3u,
					    "fuzz", d2, NULL) != rc)
		abort();
	if (size && rc == 0 && memcmp(d, d2, sizeof(d)))
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
	if (pages <= MAX_PAGES) {
		static const uint8_t blob[16];
		uint8_t k[0x200];
		struct pv_tdx_params p = {
			.firmware = data, .firmware_len = size,
			.kernel = k, .kernel_len = sizeof(k),
			.cmdline = "console=ttyS0", .stub_measures = true,
			.memory = 2ull << 30,
			.acpi_loader = blob, .acpi_loader_len = sizeof(blob),
			.acpi_rsdp = blob, .acpi_rsdp_len = sizeof(blob),
			.acpi_tables = blob, .acpi_tables_len = sizeof(blob),
		};
		struct pv_tdx_result r;

		tiny_pe(k);
		e.msg[0] = '\0';
		if (pv_tdx_measure(&p, &r, NULL, NULL, &e) != 0 && !e.msg[0])
			abort();
	}
	return 0;
}
