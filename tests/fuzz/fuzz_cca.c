/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_cca.c - the inputs measure cca reads from files: the arm64 Image
 * header (and Image.gz), with the kvmtool and QEMU layouts computed from
 * what it says, and a DTB given with --dtb.  The first byte selects.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cca/image.h"
#include "cca/realm.h"
#include "core/bytes.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void image(const uint8_t *d, size_t n)
{
	struct pv_arm64_image img;
	struct pv_cca_layout l;
	struct pv_err e = { 0 };
	uint8_t *out = NULL;
	size_t outlen = 0;
	uint64_t mem;

	if (pv_is_gzip(d, n)) {
		if (pv_gunzip(d, n, 1u << 20, "fuzz", &out, &outlen, &e) < 0)
			return;
		d = out;
		n = outlen;
	}
	if (pv_arm64_image_parse(d, n, "fuzz", &img, &e) == 0) {
		/* memory size and initrd size from the header's own bytes */
		mem = (pv_le32(d + 32) & 0xfffff000u) + 0x1000;
		(void)pv_cca_layout_kvmtool(mem, &img, n, pv_le32(d + 36), &l, &e);
		(void)pv_cca_layout_qemu(mem, &img, n, pv_le32(d + 40),
					 pv_le32(d + 44) & 0xffff, &l, &e);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_err e = { 0 };

	if (size < 1)
		return 0;
	switch (data[0] & 1) {
	case 0:
		image(data + 1, size - 1);
		break;
	default:
		(void)pv_cca_dtb_check(data + 1, size - 1, "fuzz", &e);
		break;
	}
	return 0;
}
