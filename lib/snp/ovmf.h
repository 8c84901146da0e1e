/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovmf.h - OVMF firmware images for SEV-SNP: the footer GUID table, the SEV
 * metadata, and the QEMU + OVMF direct-boot launch digest (sev-snp-measure
 * modes snp, snp:ovmf-hash and snp:svsm; snp-measurement.md section 4).
 *
 * Sources: edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm (the footer
 * GUID table that ends 32 bytes before the end of the image),
 * OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm (the "ASEV" metadata), QEMU
 * hw/i386/pc_sysfw_ovmf.c (how QEMU walks the table).
 */
#ifndef PODVM_SNP_OVMF_H
#define PODVM_SNP_OVMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snp/snp.h"

struct pv_rfile;

struct pv_err;

#define PV_OVMF_FOUR_GB 0x100000000ull
#define PV_OVMF_MAX_SECTIONS 256 /* edk2 builds have fewer than 10 */
#define PV_OVMF_META_HDR_SIZE 16     /* "ASEV", u32 size, version, count */
#define PV_OVMF_META_ITEM_SIZE 12    /* {u32 gpa, u32 size, u32 type} */

/* SEV metadata section types (OvmfSevMetadata.asm). */
enum pv_ovmf_section_type {
	PV_OVMF_SEC_MEM = 1,
	PV_OVMF_SECRETS = 2,
	PV_OVMF_CPUID = 3,
	PV_OVMF_SVSM_CAA = 4,
	PV_OVMF_KERNEL_HASHES = 0x10,
};

/** pv_ovmf_section_name - "sec-mem", "secrets", ... (region names in logs) */
const char *pv_ovmf_section_name(uint32_t type);

struct pv_ovmf_section {
	uint32_t gpa;
	uint32_t size;
	uint32_t type;
};

struct pv_ovmf {
	const uint8_t *data;
	size_t len;
	uint64_t gpa;		/* end_at - len: where the image is mapped */
	const char *name;	/* the image, in messages */
	bool has_table;		/* the footer GUID was found */
	bool has_reset_eip;	/* SEV-ES reset block */
	uint32_t reset_eip;
	bool has_hashes;	/* SEV hash table entry */
	uint32_t hashes_gpa;
	bool has_svsm_info;
	uint32_t svsm_info;	/* SVSM entry point offset */
	bool has_metadata;
	uint32_t metadata_offset; /* from the end of the image */
	uint32_t nsections;
	struct pv_ovmf_section sections[PV_OVMF_MAX_SECTIONS];
};

/**
 * pv_ovmf_parse - parse the footer GUID table and the SEV metadata of an
 * image that ends at @end_at (4 GiB for OVMF)
 * @name: names the image in error messages
 * An image without the footer GUID parses with has_table false (as
 * sev-snp-measure treats it); a table or metadata that is present but
 * malformed is an error naming the field and offset.
 * returns: 0; PV_EFORMAT (bad GUID-table entry, signature, version,
 *          section type or alignment), PV_ERANGE (a table, the metadata
 *          or a section outside the image or the 4 GiB space),
 *          PV_ETOOBIG (too many sections)
 */
int pv_ovmf_parse(const uint8_t *buf, size_t len, uint64_t end_at,
		  const char *name, struct pv_ovmf *o, struct pv_err *e);

/**
 * pv_ovmf_has_section - true when the metadata has a section of @type
 */
bool pv_ovmf_has_section(const struct pv_ovmf *o, uint32_t type);

enum pv_snp_mode {
	PV_SNP_MODE_SNP,	/* "snp" */
	PV_SNP_MODE_OVMF_HASH,	/* "snp:ovmf-hash": firmware pages only */
	PV_SNP_MODE_SVSM,	/* "snp:svsm": OVMF + COCONUT-SVSM */
};

/** Inputs of a QEMU + OVMF launch; all memory is the caller's. */
struct pv_snp_ovmf_in {
	enum pv_snp_mode mode;
	const struct pv_ovmf *ovmf;
	const struct pv_ovmf *svsm;	/* snp:svsm only */
	const uint8_t *seed;		/* 48 bytes (--snp-ovmf-hash) or NULL */
	const uint8_t *kernel;		/* NULL: no direct kernel boot */
	size_t kernel_len;
	const uint8_t *initrd;		/* NULL: none (hash of "") */
	size_t initrd_len;
	/* instead of kernel / initrd in memory: files read with pread
	 * (core/file.h pv_rfile), their lengths from the pv_rfile; NULL:
	 * not used.  A kernel_file is a direct kernel boot as a kernel is. */
	const struct pv_rfile *kernel_file;
	const struct pv_rfile *initrd_file;
	const char *cmdline;		/* NULL or "": hash of "\0" */
	enum pv_snp_vmm vmm;
	uint32_t vcpu_sig;
	uint64_t guest_features;
	unsigned nthreads;		/* 0: all online CPUs */
	/* NULL, or where pv_snp_ovmf_memory() stores the SEV hash table
	 * digests before the chain reaches the kernel-hashes page (for
	 * explanations) */
	struct pv_snp_hashes *hashes_out;
};

/**
 * pv_snp_ovmf_memory - every launch update before the VMSAs: the firmware
 * pages (or the seed), in snp:svsm mode the SVSM pages, then the metadata
 * sections in table order (snp-measurement.md 4.1 steps 1-3)
 * returns: 0; PV_EFORMAT (kernel given to firmware without a
 *          kernel-hashes section, missing SEV hash table entry, image
 *          size not a multiple of 4 KiB), PV_ERANGE, PV_ECRYPTO,
 *          PV_ENOMEM
 */
int pv_snp_ovmf_memory(struct pv_snp_chain *c, const struct pv_snp_ovmf_in *in,
		       struct pv_err *e);

/**
 * pv_snp_ovmf_vmsas - the BSP and AP VMSA pages of this launch
 * returns: 0, or PV_EFORMAT when the image lacks the reset block (or, for
 *          snp:svsm, the SVSM info entry)
 */
int pv_snp_ovmf_vmsas(const struct pv_snp_ovmf_in *in,
		      uint8_t bsp[PV_SNP_PAGE_SIZE],
		      uint8_t ap[PV_SNP_PAGE_SIZE], uint32_t *ap_eip,
		      struct pv_err *e);

/**
 * pv_snp_extend_vmsas - VMSA updates for vCPUs @from .. @to - 1 at the KVM
 * VMSA GPA: vCPU 0 gets @bsp, the others @ap.  KVM measures every VMSA at
 * SNP_LAUNCH_FINISH, after all memory (snp-measurement.md 2, 6), so the
 * digest for N vCPUs extends the one for N - 1.
 * @ap_eip: 0 means the firmware has no AP entry; then only one vCPU works
 * returns: 0, PV_ERANGE (@to > PV_SNP_MAX_VCPUS), PV_EFORMAT (APs
 *          without an AP entry point), PV_ECRYPTO
 */
int pv_snp_extend_vmsas(struct pv_snp_chain *c, const uint8_t *bsp,
			const uint8_t *ap, uint32_t ap_eip, unsigned from,
			unsigned to, struct pv_err *e);

#endif
