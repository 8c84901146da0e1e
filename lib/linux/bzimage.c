/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bzimage.c - the x86 boot protocol setup header of a bzImage.
 * Reference: Linux Documentation/arch/x86/boot.rst, "The real-mode kernel
 * header" and "Details of header fields".  Every field is bounded against
 * the file before use.
 */
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "linux/boot.h"

/*
 * Setup header fields, read through pv_slice: a field outside the file
 * reads as 0 (the checks below name the offset that is missing first).
 */
static uint64_t hfield(const uint8_t *buf, size_t len, size_t off, size_t n)
{
	const uint8_t *p = pv_slice(buf, len, off, n);

	if (!p)
		return 0;
	switch (n) {
	case 1:
		return *p;
	case 2:
		return pv_le16(p);
	case 4:
		return pv_le32(p);
	default:
		return pv_le64(p);
	}
}

#define U8(off) ((uint8_t)hfield(buf, len, off, 1))
#define U16(off) ((uint16_t)hfield(buf, len, off, 2))
#define U32(off) ((uint32_t)hfield(buf, len, off, 4))
#define U64(off) hfield(buf, len, off, 8)

int pv_bzimage_parse(const uint8_t *buf, size_t len, const char *name,
		     struct pv_bzimage *k, struct pv_err *e)
{
	size_t setup_len;

	memset(k, 0, sizeof(*k));
	if (len < PV_BZ_MAGIC + 4)
		return pv_errf(e, PV_EFORMAT,
			       "%s: %zu bytes, too short for an x86 boot setup header (need 0x%x)",
			       name, len, PV_BZ_MAGIC + 4);
	if (U16(PV_BZ_BOOT_FLAG) != 0xAA55)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x1fe: boot_flag 0x%04x, expected 0xaa55: not a Linux x86 bzImage",
			       name, U16(PV_BZ_BOOT_FLAG));
	if (U32(PV_BZ_MAGIC) != PV_BZ_HDRS_MAGIC)
		return pv_errf(e, PV_ENOTSUP,
			       "%s: offset 0x202: no \"HdrS\" magic: boot protocol older than 2.00, or not a bzImage",
			       name);
	k->hdr_end = (size_t)PV_BZ_MAGIC + U8(PV_BZ_JUMP + 1);
	if (len < PV_BZ_VERSION + 2)
		return pv_errf(e, PV_EFORMAT, "%s: truncated setup header", name);
	k->version = U16(PV_BZ_VERSION);
	if (k->version < PV_BZ_MIN_VERSION)
		return pv_errf(e, PV_ENOTSUP,
			       "%s: offset 0x206: boot protocol %u.%02u is too old, need 2.12 or later (pref_address, init_size, xloadflags)",
			       name, k->version >> 8, k->version & 0xff);
	if (k->hdr_end < PV_BZ_HDR_MIN_END)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x201: setup header ends at 0x%zx, protocol %u.%02u needs at least 0x%x",
			       name, k->hdr_end, k->version >> 8,
			       k->version & 0xff, PV_BZ_HDR_MIN_END);
	if (k->hdr_end > PV_BZ_HDR_MAX_END)
		k->hdr_end = PV_BZ_HDR_MAX_END;
	k->setup_sects = U8(PV_BZ_SETUP_SECTS) ? U8(PV_BZ_SETUP_SECTS) : 4;
	setup_len = ((size_t)k->setup_sects + 1) * 512;
	if (len < k->hdr_end || setup_len >= len)
		return pv_errf(e, PV_ERANGE,
			       "%s: offset 0x1f1: setup_sects %u puts the kernel at 0x%zx, but the file has %zu bytes",
			       name, k->setup_sects, setup_len, len);
	k->loadflags = U8(PV_BZ_LOADFLAGS);
	if (!(k->loadflags & PV_BZ_LOADED_HIGH))
		return pv_errf(e, PV_ENOTSUP,
			       "%s: offset 0x211: loadflags 0x%02x lacks LOADED_HIGH: a zImage, not a bzImage",
			       name, k->loadflags);
	k->code32_start = U32(PV_BZ_CODE32_START);
	k->initrd_addr_max = U32(PV_BZ_INITRD_ADDR_MAX);
	k->kernel_alignment = U32(PV_BZ_KERNEL_ALIGNMENT);
	k->relocatable = U8(PV_BZ_RELOCATABLE);
	k->xloadflags = U16(PV_BZ_XLOADFLAGS);
	k->cmdline_size = U32(PV_BZ_CMDLINE_SIZE);
	k->pref_address = U64(PV_BZ_PREF_ADDRESS);
	k->init_size = U32(PV_BZ_INIT_SIZE);
	if (!pv_is_pow2(k->kernel_alignment))
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x230: kernel_alignment 0x%x is not a power of two",
			       name, k->kernel_alignment);
	if (!k->cmdline_size)
		return pv_errf(e, PV_EFORMAT, "%s: offset 0x238: cmdline_size is 0",
			       name);
	if (k->pref_address & 0xfff || k->pref_address >= (1ull << 32))
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x258: pref_address 0x%llx is not a 4 KiB aligned address below 4 GiB",
			       name, (unsigned long long)k->pref_address);
	k->setup = buf;
	k->setup_len = setup_len;
	k->kernel = buf + setup_len;
	k->kernel_len = len - setup_len;
	if (k->kernel_len > k->init_size)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x260: init_size 0x%x is smaller than the protected-mode kernel (0x%zx bytes)",
			       name, k->init_size, k->kernel_len);
	return 0;
}

int pv_is_elf(const uint8_t *buf, size_t len)
{
	const uint8_t *p = pv_slice(buf, len, 0, 4);

	return p && memcmp(p, "\177ELF", 4) == 0;
}
