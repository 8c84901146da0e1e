/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qemuhdr.c - the setup header QEMU before 10.0 served to the firmware
 * for a confidential guest (docs/tdx.md 4.1).
 *
 * qemu:hw/i386/x86-common.c x86_load_linux() rewrites fields of its copy
 * of the first 8 KiB of the kernel (command line pointer, loader type,
 * heap end, initrd address and size, vga=) and serves setup + kernel
 * through fw_cfg; OVMF's QemuKernelLoaderFsDxe joins the two, so the image
 * it measures is the file with those fields changed.  Since QEMU 10.0 a
 * guest with a confidential-guest-support object gets the file unchanged
 * (`if (!MACHINE(x86ms)->cgs && protocol > 0) memcpy(setup, header, ...)`).
 */
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "core/parse.h"
#include "linux/boot.h"
#include "tdx/tdx.h"

#define ACPI_DATA_SIZE (0x20000 + 0x8000) /* pc.c, current machines */
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x2

uint64_t pv_tdx_q35_below_4g(uint64_t memory)
{
	/* qemu:hw/i386/pc_q35.c pc_q35_init(): the split below 4 GiB */
	uint64_t lowmem = memory >= 0xb0000000ull ? 0x80000000ull :
						    0xb0000000ull;

	return memory < lowmem ? memory : lowmem;
}

/* vga=: "normal", "ext", "ask" or a number (qemu_strtoui, base 0; an
 * octal number is refused rather than read as QEMU reads it) */
static int vga_mode(const char *v, uint16_t *mode, struct pv_err *e)
{
	char num[24];
	uint64_t n;
	size_t len = strcspn(v, " ");

	if (!strncmp(v, "normal", 6)) {
		*mode = 0xffff;
		return 0;
	}
	if (!strncmp(v, "ext", 3)) {
		*mode = 0xfffe;
		return 0;
	}
	if (!strncmp(v, "ask", 3)) {
		*mode = 0xfffd;
		return 0;
	}
	if (len == 0 || len >= sizeof(num) ||
	    (v[0] == '0' && len > 1 && v[1] != 'x' && v[1] != 'X'))
		return pv_errf(e, PV_EINVAL, "--append: 'vga=%.*s' is not a "
			       "number this model reads as QEMU does",
			       (int)(len < 24 ? len : 24), v);
	memcpy(num, v, len);
	num[len] = '\0';
	if (pv_parse_u64(num, UINT32_MAX, &n, "--append vga=", e))
		return PV_EINVAL;
	*mode = (uint16_t)n; /* stw_le_p keeps the low 16 bits */
	return 0;
}

int pv_tdx_qemu_patch_setup(uint8_t *k, size_t len, const char *cmdline,
			    bool initrd, size_t initrd_len, uint64_t memory,
			    struct pv_err *e)
{
	const char *cl = cmdline ? cmdline : "";
	uint32_t real_addr, cmdline_addr, initrd_max, addr;
	size_t cmdline_size = (strlen(cl) + 16) & ~(size_t)15;
	uint64_t below_4g;
	uint16_t protocol, mode = 0;
	size_t setup_size;
	const char *vga;
	int r;

	if (len < PV_BZ_INIT_SIZE || pv_le32(k + PV_BZ_MAGIC) != PV_BZ_HDRS_MAGIC)
		return pv_errf(e, PV_EFORMAT,
			       "kernel: no \"HdrS\" setup header at 0x202: "
			       "--kernel-header qemu-patched needs a bzImage");
	protocol = pv_le16(k + PV_BZ_VERSION);
	if (protocol < 0x200 || !(k[PV_BZ_LOADFLAGS] & 0x01)) {
		real_addr = 0x90000;
		cmdline_addr = 0x9a000 - (uint32_t)cmdline_size;
	} else if (protocol < 0x202) {
		real_addr = 0x90000;
		cmdline_addr = 0x9a000 - (uint32_t)cmdline_size;
	} else {
		real_addr = 0x10000;
		cmdline_addr = 0x20000;
	}
	if (protocol >= 0x20c &&
	    (pv_le16(k + PV_BZ_XLOADFLAGS) & XLF_CAN_BE_LOADED_ABOVE_4G))
		initrd_max = UINT32_MAX;
	else if (protocol >= 0x203)
		initrd_max = pv_le32(k + PV_BZ_INITRD_ADDR_MAX);
	else
		initrd_max = 0x37ffffff;
	if (initrd) {
		if (!memory)
			return pv_errf(e, PV_EINVAL,
				       "--kernel-header qemu-patched with an "
				       "initrd needs --memory (QEMU puts the "
				       "initrd below the top of low memory)");
		below_4g = pv_tdx_q35_below_4g(memory);
		if (below_4g <= ACPI_DATA_SIZE)
			return pv_errf(e, PV_EINVAL, "--memory: too small");
		if (initrd_max >= below_4g - ACPI_DATA_SIZE)
			initrd_max = (uint32_t)(below_4g - ACPI_DATA_SIZE - 1);
	}
	if (protocol >= 0x202) {
		pv_put_le32(k + PV_BZ_CMD_LINE_PTR, cmdline_addr);
	} else {
		pv_put_le16(k + PV_BP_CL_MAGIC, PV_BP_CL_MAGIC_VALUE);
		pv_put_le16(k + PV_BP_CL_OFFSET, (uint16_t)(cmdline_addr - real_addr));
	}
	vga = strstr(cl, "vga=");
	if (vga) {
		r = vga_mode(vga + 4, &mode, e);
		if (r)
			return r;
		pv_put_le16(k + PV_BZ_VID_MODE, mode);
	}
	if (protocol >= 0x200)
		k[PV_BZ_TYPE_OF_LOADER] = 0xb0;
	if (protocol >= 0x201) {
		k[PV_BZ_LOADFLAGS] |= 0x80;
		pv_put_le16(k + PV_BZ_HEAP_END_PTR,
			    (uint16_t)(cmdline_addr - real_addr - 0x200));
	}
	if (initrd) {
		if (protocol < 0x200)
			return pv_errf(e, PV_EINVAL, "kernel: boot protocol "
				       "0x%x is too old for an initrd",
				       protocol);
		if ((uint64_t)initrd_len >= initrd_max)
			return pv_errf(e, PV_ETOOBIG,
				       "initrd: %zu bytes, QEMU's limit is %u",
				       initrd_len, initrd_max);
		addr = (uint32_t)((initrd_max - initrd_len) & ~(uint64_t)4095);
		pv_put_le32(k + PV_BZ_RAMDISK_IMAGE, addr);
		pv_put_le32(k + PV_BZ_RAMDISK_SIZE, (uint32_t)initrd_len);
	}
	setup_size = k[PV_BZ_SETUP_SECTS] ? k[PV_BZ_SETUP_SECTS] : 4;
	setup_size = (setup_size + 1) * 512;
	if (setup_size > len)
		return pv_errf(e, PV_EFORMAT, "kernel: setup_sects 0x%x is "
			       "larger than the file (QEMU refuses it)",
			       k[PV_BZ_SETUP_SECTS]);
	return 0;
}
