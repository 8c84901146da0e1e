/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tdx.h - Intel TDX launch measurements of a QEMU + TDVF (OVMF) direct
 * boot: MRTD from the firmware's TDVF metadata, and the RTMRs the firmware
 * and the Linux EFI stub extend (docs/tdx.md).
 *
 * Sources: the TDVF metadata layout of edk2
 * OvmfPkg/ResetVector/X64/IntelTdxMetadata.asm and QEMU hw/i386/tdvf.c;
 * the TDH.MEM.PAGE.ADD / TDH.MR.EXTEND measurement buffers of the Intel
 * TDX Module ABI; the RTMR events of edk2 OvmfPkg/Tcg/TdTcg2Dxe/TdTcg2Dxe.c
 * and Linux drivers/firmware/efi/libstub.
 */
#ifndef PODVM_TDX_TDX_H
#define PODVM_TDX_TDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pv_err;

#define PV_TDX_PAGE_SIZE 4096u
#define PV_TDX_EXTEND_CHUNK 256u	/* bytes per TDH.MR.EXTEND */
#define PV_TDX_MR_SIZE 48		/* SHA-384 */
#define PV_TDVF_MAX_SECTIONS 64		/* OVMF has 8 */
#define PV_TDVF_DESC_SIZE 16		/* "TDVF", Length, Version, count */
#define PV_TDVF_SECTION_SIZE 32
#define PV_TDVF_MAX_IMAGE (1ull << 32)	/* the image lies below 4 GiB */

/* Section types (TDVF design guide table 1.1-1; QEMU hw/i386/tdvf.h). */
enum pv_tdvf_type {
	PV_TDVF_BFV = 0,
	PV_TDVF_CFV = 1,
	PV_TDVF_TD_HOB = 2,
	PV_TDVF_TEMP_MEM = 3,
};

#define PV_TDVF_ATTR_MR_EXTEND 0x1u
#define PV_TDVF_ATTR_PAGE_AUG 0x2u

/** pv_tdvf_type_name - "BFV", "CFV", "TD_HOB", "TempMem" or "unknown" */
const char *pv_tdvf_type_name(uint32_t type);

struct pv_tdvf_section {
	uint32_t data_offset;	/* DataOffset: in the image */
	uint32_t raw_size;	/* RawDataSize */
	uint64_t gpa;		/* MemoryAddress */
	uint64_t mem_size;	/* MemoryDataSize */
	uint32_t type;
	uint32_t attributes;
};

struct pv_tdvf {
	const uint8_t *data;	/* the image (not owned) */
	size_t len;
	size_t desc_offset;	/* where "TDVF" starts in the image */
	bool has_guid;		/* the metadata GUID precedes the descriptor */
	uint32_t nsections;
	struct pv_tdvf_section sections[PV_TDVF_MAX_SECTIONS];
};

/**
 * pv_tdvf_parse - find the TDVF metadata through the OVMF footer GUID
 * table (entry e47a6535-984a-4798-865e-4685a7bf8ec2: a u32 offset of the
 * descriptor from the end of the image) and check every field as QEMU's
 * tdvf_parse_metadata() does, plus that every section QEMU copies lies
 * inside the image
 * @name: names the image in error messages
 * returns: 0; PV_EFORMAT (no footer table, no TDVF entry, bad signature,
 *          version, length, section type, size or alignment), PV_ERANGE
 *          (the descriptor or a section's data past the end of the image:
 *          a split OVMF_CODE file), PV_ETOOBIG (too many sections or an
 *          image of 4 GiB or more)
 */
int pv_tdvf_parse(const uint8_t *buf, size_t len, const char *name,
		  struct pv_tdvf *t, struct pv_err *e);

/* The order in which the VMM issues TDH.MEM.PAGE.ADD and TDH.MR.EXTEND. */
enum pv_tdx_mrtd_order {
	/* upstream KVM (tdx_gmem_post_populate): for each page, PAGE.ADD
	 * then its 16 MR.EXTENDs */
	PV_TDX_MRTD_SINGLE_PASS,
	/* older TDX QEMU/KVM trees: PAGE.ADD of every page of a section,
	 * then the MR.EXTENDs of the section */
	PV_TDX_MRTD_TWO_PASS,
};

/** One measured step, handed to an observer (for --log). */
struct pv_tdx_event {
	const char *reg;	/* "mrtd", "rtmr0" .. "rtmr3" */
	const char *type;	/* "TDVF_SECTION", "EV_SEPARATOR", ... */
	const char *what;	/* "BFV", "Linux kernel", ... */
	bool has_gpa;
	uint64_t gpa;		/* MRTD sections */
	uint8_t digest[PV_TDX_MR_SIZE]; /* the event's digest (MRTD: the
					   SHA-384 of the section's pages) */
	uint8_t value[PV_TDX_MR_SIZE];	/* the register after the step */
};

/* Returns 0 to go on, or a negative PV_E* code to stop the measurement. */
typedef int (*pv_tdx_observer)(void *ctx, const struct pv_tdx_event *ev);

/**
 * pv_tdx_mrtd - MRTD: SHA-384 over the 128-byte TDH.MEM.PAGE.ADD buffer
 * of every page of every section and, for sections with the MR.EXTEND
 * attribute, the 128-byte TDH.MR.EXTEND buffer and 256 bytes of content
 * of every 256-byte chunk, in metadata order
 * @obs: NULL, or called once per section with the MRTD so far
 * returns: 0, PV_EINVAL (bad order), PV_ECRYPTO, PV_ENOMEM, or the
 *          observer's error
 */
int pv_tdx_mrtd(const struct pv_tdvf *t, enum pv_tdx_mrtd_order order,
		uint8_t mrtd[PV_TDX_MR_SIZE], pv_tdx_observer obs, void *ctx,
		struct pv_err *e);

/**
 * pv_pe_authenticode - the PE/COFF image digest as edk2 measures a
 * loaded image (SecurityPkg DxeTpm2MeasureBootLib / Tcg2Dxe
 * MeasurePeImage): the headers without the checksum and the certificate
 * directory entry, the sections in file order, then the bytes after the
 * last section except the certificate table
 * returns: 0; PV_EFORMAT (not a PE/COFF image: the message names the
 *          field), PV_ERANGE (a header or section outside the file),
 *          PV_ECRYPTO
 */
int pv_pe_authenticode(const uint8_t *buf, size_t len, const char *name,
		       uint8_t out[PV_TDX_MR_SIZE], struct pv_err *e);

/**
 * pv_pe_authenticode_over - the same digest of the image @buf (@len bytes)
 * whose first @hlen bytes are replaced by @head's: a rewritten header
 * without a copy of the whole image
 */
int pv_pe_authenticode_over(const uint8_t *buf, size_t len,
			    const uint8_t *head, size_t hlen, const char *name,
			    uint8_t out[PV_TDX_MR_SIZE], struct pv_err *e);

/* Where the firmware's events go (edk2 TdTcg2Dxe.c, docs/tdx.md 4). */
enum pv_tdx_layout {
	PV_TDX_LAYOUT_202411,	  /* separator at ReadyToBoot into RTMR1 */
	PV_TDX_LAYOUT_PRE_202411, /* both separators into RTMR0 */
	PV_TDX_LAYOUT_NONE,	  /* firmware measures nothing (2022.11) */
};

enum pv_tdx_kernel_header {
	PV_TDX_HDR_UNMODIFIED,	/* QEMU >= 10.0 serves the file as is */
	PV_TDX_HDR_QEMU_PATCHED, /* QEMU < 10.0 rewrote the setup header
				    (needs memory when an initrd is given) */
};

/* Where OVMF puts "initrd=initrd" in LoadOptions (X86QemuLoadImageLib). */
enum pv_tdx_initrd_opt {
	PV_TDX_INITRD_APPEND,	/* CMDLINE " initrd=initrd" (< 202508) */
	PV_TDX_INITRD_PREFIX,	/* "initrd=initrd " CMDLINE (>= 202508) */
};

/** The option spellings of the enums above ("single-pass", ...). */
const char *pv_tdx_order_name(enum pv_tdx_mrtd_order o);
const char *pv_tdx_layout_name(enum pv_tdx_layout l);
const char *pv_tdx_header_name(enum pv_tdx_kernel_header h);
const char *pv_tdx_initrd_opt_name(enum pv_tdx_initrd_opt o);

/**
 * pv_tdx_load_options - the UTF-16LE LoadOptions OVMF hands the kernel
 * for a direct boot, with the terminating NUL: each byte of the command
 * line widened to one CHAR16 (UnicodeSPrintAsciiFormat "%a"), plus
 * "initrd=initrd" when an initrd is given
 * @out: NULL to learn the size; else room for the size returned
 * returns: the size in bytes (0: OVMF sets no LoadOptions)
 */
size_t pv_tdx_load_options(const char *cmdline, bool initrd,
			   enum pv_tdx_initrd_opt opt, uint8_t *out);

/** pv_tdx_q35_below_4g - RAM below 4 GiB of a q35 guest of @memory bytes */
uint64_t pv_tdx_q35_below_4g(uint64_t memory);

/**
 * pv_tdx_qemu_patch_setup - rewrite the setup header of the bzImage (k,
 * len) in place as QEMU before 10.0 did before serving it (x86_load_linux)
 * @initrd: an initrd file is given (@initrd_len bytes); then @memory (the
 *          guest's RAM) sets where QEMU puts it
 * returns: 0; PV_EFORMAT (no "HdrS" header, setup_sects past the end),
 *          PV_EINVAL (an initrd without @memory, a bad vga=), PV_ETOOBIG
 */
int pv_tdx_qemu_patch_setup(uint8_t *k, size_t len, const char *cmdline,
			    bool initrd, size_t initrd_len, uint64_t memory,
			    struct pv_err *e);

/** Everything a measurement takes; all memory is the caller's. */
struct pv_tdx_params {
	const uint8_t *firmware;
	size_t firmware_len;
	const char *firmware_name;
	enum pv_tdx_mrtd_order order;
	/* direct boot: NULL kernel means MRTD alone */
	const uint8_t *kernel;
	size_t kernel_len;
	const char *kernel_name;
	const uint8_t *initrd;	/* NULL: none */
	size_t initrd_len;
	const char *cmdline;	/* NULL: none; UTF-8 */
	enum pv_tdx_layout layout;
	enum pv_tdx_kernel_header header;
	bool stub_measures;	/* the Linux EFI stub measures into RTMR2 */
	enum pv_tdx_initrd_opt initrd_opt;
	/* RTMR0 inputs: RTMR0 is computed only when all four are given
	 * (the Secure Boot variables come from the image's variable store;
	 * the boot variables are OVMF's first boot: Boot0000 = UiApp) */
	uint64_t memory;
	const uint8_t *acpi_loader, *acpi_rsdp, *acpi_tables;
	size_t acpi_loader_len, acpi_rsdp_len, acpi_tables_len;
};

struct pv_tdx_result {
	uint8_t mrtd[PV_TDX_MR_SIZE];
	bool has_rtmr;		/* a kernel was given: rtmr[1..3] hold */
	bool has_rtmr0;		/* every RTMR0 input was given (or layout
				   none: nothing is measured) */
	uint8_t rtmr[4][PV_TDX_MR_SIZE];
	/* when !has_rtmr0 but has_rtmr: the missing inputs, as a message */
	char rtmr0_missing[160];
};

/**
 * pv_tdx_measure - MRTD and, with a kernel, RTMR0..3 of a QEMU + TDVF
 * direct boot
 * @obs: NULL, or called for every measured step in order: the MRTD
 *        sections, then the RTMR events in the firmware's time order.
 *        The MRTD steps may come from a worker thread (the kernel digest
 *        is computed beside them); calls never overlap.
 * returns: 0 or the error of the failing stage (the message names it):
 *          the firmware's (pv_tdvf_parse, MRTD) first, then the kernel's
 *          (not PE/COFF: PV_EFORMAT), then RTMR0's
 */
int pv_tdx_measure(const struct pv_tdx_params *p, struct pv_tdx_result *r,
		   pv_tdx_observer obs, void *ctx, struct pv_err *e);

#endif
