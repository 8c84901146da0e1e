/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_cca.c - the inputs measure cca reads from files: the arm64 Image
 * header (and Image.gz), with the kvmtool and QEMU layouts computed from
 * what it says, the same bytes as a kvmtool --firmware (its header's
 * image_size read as kvmtool reads it), a DTB given with --dtb, and whole
 * small realms measured under each profile.  The first byte (mod 3)
 * selects.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cca/image.h"
#include "cca/launch.h"
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

/* The bytes as kvmtool's --firmware in 4 MiB, one disk: the layout (a
 * header's image_size may not fit), the DTB and, when small, the RIM */
static void firmware(const uint8_t *d, size_t n)
{
	struct pv_cca_launch in = { 0 };
	struct pv_cca_launch_result r;
	struct pv_err e = { 0 };

	in.profile = n && (d[0] & 1) ? PV_CCA_PROFILE_REL0 : PV_CCA_PROFILE_EAC5;
	in.vmm = PV_CCA_VMM_KVMTOOL;
	in.alg = PV_SHA256;
	in.firmware = d;
	in.firmware_len = n;
	in.firmware_name = "fuzz";
	in.mem = 4u << 20;
	in.cpus = 1;
	in.disks = 1;
	in.net = true;
	in.irqchip = PV_CCA_GICV3_ITS;
	in.nthreads = 1;
	(void)pv_cca_launch_measure(&in, &r, &e);
	pv_cca_launch_result_free(&r);
}

/* A whole realm in 8 MiB: the input is the kernel, its second half also
 * the initrd; byte 1 picks the profile and the alignment. */
static void realm(const uint8_t *d, size_t n)
{
	static uint8_t dtb[PV_CCA_KVMTOOL_FDT_MAX];
	struct pv_arm64_image img;
	struct pv_cca_layout l;
	struct pv_cca_config c = { 0 };
	struct pv_cca_result res;
	struct pv_err e = { 0 };
	uint8_t sel;

	if (n < 2)
		return;
	sel = d[0];
	d++;
	n--;
	if (pv_arm64_image_parse(d, n, "fuzz", &img, &e) < 0 ||
	    pv_cca_layout_kvmtool(8u << 20, &img, n, n / 2, &l, &e) < 0)
		return;
	memset(dtb, 0, sizeof(dtb));
	c.profile = (sel & 3) == 0 ? PV_CCA_PROFILE_EAC5 :
		    (sel & 3) == 1 ? PV_CCA_PROFILE_REL0 : PV_CCA_PROFILE_RMM2;
	c.alg = (sel & 4) ? PV_SHA512 : PV_SHA256;
	c.user = (struct pv_cca_user_params){ .ipa_bits = 33, .num_bps = 1,
					      .num_wps = 1 };
	c.align = (sel & 8) && c.profile != PV_CCA_PROFILE_EAC5 ? 65536 : 4096;
	c.ncpus = 1;
	c.layout = &l;
	c.kernel = d;
	c.initrd = d + n / 2;
	c.dtb = dtb;
	c.dtb_len = sizeof(dtb);
	c.nthreads = 1;
	(void)pv_cca_measure(&c, &res, &e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_err e = { 0 };

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		image(data + 1, size - 1);
		firmware(data + 1, size - 1);
		break;
	case 2:
		realm(data + 1, size - 1);
		break;
	default:
		(void)pv_cca_dtb_check(data + 1, size - 1, "fuzz", &e);
		break;
	}
	return 0;
}
