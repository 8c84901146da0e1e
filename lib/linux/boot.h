/* SPDX-License-Identifier: Apache-2.0 */
/*
 * boot.h - loading an x86 Linux kernel: a bzImage through the boot
 * protocol's setup header (Documentation/arch/x86/boot.rst), and the
 * boot_params fields a loader fills in.  Pure functions over (pointer,
 * length).  A vmlinux ELF is recognised only to be refused by name
 * (README.md, "igvmgen").
 */
#ifndef PODVM_LINUX_BOOT_H
#define PODVM_LINUX_BOOT_H
#include <stddef.h>
#include <stdint.h>

struct pv_err;

/* boot.rst "The real-mode kernel header": offsets in the bzImage file,
 * which are also offsets in struct boot_params (the "zero page"). */
enum {
	PV_BZ_SETUP_SECTS = 0x1f1,
	PV_BZ_HDR = 0x1f1,      /* struct setup_header starts here */
	PV_BZ_VID_MODE = 0x1fa,
	PV_BZ_BOOT_FLAG = 0x1fe, /* 0xAA55 */
	PV_BZ_JUMP = 0x200,      /* 0xEB, then the header length - 0x202 + 0x202 */
	PV_BZ_MAGIC = 0x202,     /* "HdrS" */
	PV_BZ_VERSION = 0x206,
	PV_BZ_TYPE_OF_LOADER = 0x210,
	PV_BZ_LOADFLAGS = 0x211,
	PV_BZ_CODE32_START = 0x214,
	PV_BZ_RAMDISK_IMAGE = 0x218,
	PV_BZ_RAMDISK_SIZE = 0x21c,
	PV_BZ_HEAP_END_PTR = 0x224,
	PV_BZ_CMD_LINE_PTR = 0x228,
	PV_BZ_INITRD_ADDR_MAX = 0x22c,
	PV_BZ_KERNEL_ALIGNMENT = 0x230,
	PV_BZ_RELOCATABLE = 0x234,
	PV_BZ_XLOADFLAGS = 0x236,
	PV_BZ_CMDLINE_SIZE = 0x238,
	PV_BZ_PAYLOAD_OFFSET = 0x248,
	PV_BZ_PAYLOAD_LENGTH = 0x24c,
	PV_BZ_PREF_ADDRESS = 0x258,
	PV_BZ_INIT_SIZE = 0x260,
	PV_BZ_HDR_MIN_END = 0x264, /* through init_size: protocol 2.10 */
	PV_BZ_HDR_MAX_END = 0x290, /* boot_params: hdr and _pad7 end here */
};

/* zero-page fields outside the setup header (boot_params, bootparam.h) */
enum {
	/* the command line of boot protocols before 2.02: a magic word,
	 * then the line's offset from the real-mode code */
	PV_BP_CL_MAGIC = 0x020,
	PV_BP_CL_MAGIC_VALUE = 0xa33f,
	PV_BP_CL_OFFSET = 0x022,
	PV_BP_ACPI_RSDP = 0x070,
	PV_BP_EXT_RAMDISK_IMAGE = 0x0c0,
	PV_BP_EXT_RAMDISK_SIZE = 0x0c4,
	PV_BP_EXT_CMD_LINE_PTR = 0x0c8,
	PV_BP_CC_BLOB_ADDRESS = 0x13c,
	PV_BP_E820_ENTRIES = 0x1e8,
	PV_BP_E820_TABLE = 0x2d0, /* 128 entries of {u64 addr, u64 size, u32 type} */
	PV_BP_E820_MAX = 128,
	PV_BP_E820_ENTRY_SIZE = 20,
	PV_BP_SIZE = 4096,
};

/* E820 types (Linux arch/x86/include/uapi/asm/e820.h) */
enum { PV_E820_RAM = 1, PV_E820_RESERVED = 2, PV_E820_ACPI = 3 };

#define PV_BZ_HDRS_MAGIC 0x53726448u /* "HdrS" read as little-endian */

/** One e820 entry of boot_params (struct boot_e820_entry, packed). */
struct pv_e820 {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/**
 * pv_bp_e820_add - append an entry to the e820 table of a 4096-byte
 * boot_params and count it in e820_entries
 * returns: 0, or -1 when the table already holds PV_BP_E820_MAX entries
 */
int pv_bp_e820_add(uint8_t bp[PV_BP_SIZE], uint64_t addr, uint64_t size,
		   uint32_t type);

/**
 * pv_bp_e820_get - entry @i of the e820 table of boot_params
 * returns: 0, or -1 when @i is not below e820_entries (at most 128)
 */
int pv_bp_e820_get(const uint8_t bp[PV_BP_SIZE], unsigned i,
		   struct pv_e820 *x);

/*
 * struct cc_blob_sev_info (Linux arch/x86/include/asm/sev.h, packed):
 * magic u32 "AMDE", version u16, reserved u16, secrets_phys u64,
 * secrets_len u32, rsvd1 u32, cpuid_phys u64, cpuid_len u32, rsvd2 u32.
 * boot_params' cc_blob_address points at it.
 */
enum {
	PV_CC_BLOB_MAGIC_OFF = 0,
	PV_CC_BLOB_SECRETS_PHYS = 8,
	PV_CC_BLOB_SECRETS_LEN = 16,
	PV_CC_BLOB_CPUID_PHYS = 24,
	PV_CC_BLOB_CPUID_LEN = 32,
	PV_CC_BLOB_SIZE = 40,
};
#define PV_CC_BLOB_MAGIC 0x45444D41u /* "AMDE" */

/**
 * pv_cc_blob_put - write a cc_blob_sev_info (version 0) at @p, which has
 * PV_CC_BLOB_SIZE bytes
 */
void pv_cc_blob_put(uint8_t *p, uint64_t secrets, uint32_t secrets_len,
		    uint64_t cpuid, uint32_t cpuid_len);

#define PV_BZ_LOADED_HIGH 0x01
#define PV_BZ_CAN_USE_HEAP 0x80
#define PV_BZ_XLF_KERNEL_64 0x01
#define PV_BZ_MIN_VERSION 0x020c /* 2.12: pref_address, init_size, xloadflags */

struct pv_bzimage {
	uint16_t version;
	uint8_t setup_sects;   /* as used: 0 in the file means 4 */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t code32_start;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t init_size;
	size_t hdr_end;         /* 0x202 + byte 0x201, clamped to 0x290 */
	const uint8_t *setup;   /* the real-mode part, (setup_sects+1)*512 */
	size_t setup_len;
	const uint8_t *kernel;  /* the protected-mode kernel */
	size_t kernel_len;
};

/**
 * pv_bzimage_parse - read and check the setup header of a bzImage
 * Rejects what is not a Linux x86 boot image (boot_flag, "HdrS"), a
 * zImage (LOADED_HIGH clear), a protocol older than 2.12, and sizes that
 * contradict the file (setup beyond the end, kernel larger than
 * init_size, kernel_alignment not a power of two).
 * returns: 0, PV_EFORMAT, PV_ENOTSUP (protocol too old) or PV_ERANGE
 */
int pv_bzimage_parse(const uint8_t *buf, size_t len, const char *name,
		     struct pv_bzimage *k, struct pv_err *e);

/** pv_is_elf - true when (buf, len) starts with the ELF magic */
int pv_is_elf(const uint8_t *buf, size_t len);

#endif
