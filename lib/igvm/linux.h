/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.h - a Linux kernel, an initrd and a command line laid out as an
 * IGVM file.  The layouts, region by region, are in docs/igvm-layout.md.
 */
#ifndef PODVM_IGVM_LINUX_H
#define PODVM_IGVM_LINUX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "igvm/idblock.h"
#include "igvm/igvm.h"

struct pv_err;

enum pv_vmm { PV_VMM_QEMU, PV_VMM_CLH };
enum pv_platform { PV_PLATFORM_SNP, PV_PLATFORM_NATIVE };

/* GPAs of the qemu flavour (docs/igvm-layout.md) */
#define PV_QEMU_BOOT_PARAMS 0x10000ull
#define PV_QEMU_GDT 0x11000ull
#define PV_QEMU_STACK 0x12000ull
#define PV_QEMU_CPUID 0x13000ull
#define PV_QEMU_SECRETS 0x14000ull
#define PV_QEMU_CC_BLOB 0x15000ull
#define PV_QEMU_CMDLINE 0x20000ull
#define PV_QEMU_CMDLINE_MAX 0x10000ull
#define PV_QEMU_VMSA 0xFFFFFFFFF000ull /* igvm.md §9.2 */
#define PV_LOW_RAM_END 0xA0000ull
#define PV_HIGH_RAM 0x100000ull
#define PV_MMIO_HOLE 0xC0000000ull /* RAM above it moves to 4 GiB */

/* one ready 4 KiB ACPI page (--acpi-pages) */
struct pv_acpi_page {
	uint64_t gpa;
	const uint8_t *data; /* 4096 bytes */
};

/* igvm-tooling flavour (--vmm clh), docs/igvm-layout.md */
#define PV_CLH_ACPI_START 0xE0000ull
#define PV_CLH_ACPI_END 0x200000ull
#define PV_CLH_CPUID 0x800000ull
#define PV_CLH_SECRETS 0x801000ull
#define PV_CLH_PARAM 0x802000ull
#define PV_CLH_VMSA 0x803000ull

/**
 * pv_acpi_minimal - the built-in ACPI set for --vmm clh: RSDP (0xE0000),
 * XSDT (0x100000), MADT with @vcpus local APICs, an empty DSDT and a
 * hardware-reduced FADT (0x101000)
 * @buf: receives the pages' memory (free() it); @pages: room for 3
 * returns: 0, PV_EINVAL (vcpus not in 1..240) or PV_ENOMEM
 */
int pv_acpi_minimal(uint32_t vcpus, uint8_t **buf, struct pv_acpi_page *pages,
		    size_t *npages, struct pv_err *e);

/* a compiled ACPI table (--acpi-dir) */
struct pv_acpi_table {
	const char *name; /* file name, for messages */
	const uint8_t *data;
	size_t len;
};

#define PV_ACPI_MAX_PAGES 64

/**
 * pv_acpi_layout - lay out compiled tables as igvm-tooling lays out an
 * -acpi_dir (see acpi.c)
 * @pages: room for PV_ACPI_MAX_PAGES; @end: the end of the ACPI range,
 * which igvm-tooling then uses instead of 0x200000
 * returns: 0; PV_EFORMAT / PV_EINVAL / PV_ENOTSUP / PV_ERANGE for tables
 *          it cannot lay out; PV_ENOMEM
 */
int pv_acpi_layout(const struct pv_acpi_table *t, size_t n, uint8_t **buf,
		   struct pv_acpi_page *pages, size_t *npages, uint64_t *end,
		   struct pv_err *e);

struct pv_linux_igvm_opts {
	enum pv_vmm vmm;
	enum pv_platform platform;
	const char *kernel_name;
	const uint8_t *kernel;
	size_t kernel_len;
	const char *initrd_name;
	const uint8_t *initrd; /* NULL: none */
	size_t initrd_len;
	const char *cmdline;   /* NUL-terminated; NULL: empty */
	uint32_t vcpus;
	uint64_t memory;       /* guest RAM in bytes */
	uint64_t sev_features;
	uint64_t policy;
	/* clh only (igvm-tooling options in parentheses) */
	const struct pv_acpi_page *acpi; /* sorted by GPA */
	size_t nacpi;
	uint64_t acpi_end; /* end of the ACPI range; 0: 0x200000 */
	const struct pv_acpi_table *acpi_tables; /* --acpi-dir, or NULL */
	size_t nacpi_tables;
	int boot_x64;      /* -boot_mode x64 (1) or x86 (0) */
	int pvalidate_opt; /* -pvalidate_opt */
	int encrypted_page; /* -encrypted_page: C-bit 51 in the page tables */
	int svme;          /* -svme: EFER.SVME */
	uint8_t vtl;       /* -vtl: highest_vtl */
	int arch_amd;      /* -arch AMD: RFLAGS 0; Intel (default): 2 */
	/* SNP ID block (last header) when id_key is set; its LD is given */
	struct evp_pkey_st *id_key;
	const struct pv_snp_id_block_in *id;
};

#define PV_LINUX_IGVM_MAX_REGIONS 16

struct pv_igvm_region {
	const char *name;
	uint64_t gpa;
	uint64_t size;
};

struct pv_linux_igvm {
	struct pv_igvm_writer w;
	uint8_t *pages; /* the pages generated here (boot_params, VMSA...) */
	uint8_t **extra; /* clh: pages composed from several sources */
	size_t nextra, capextra;
	uint8_t *tail;   /* clh: [T, ramdisk) and [ramdisk end, end) */
	uint8_t *acpibuf; /* clh: the built-in ACPI pages */
	size_t nregions;
	struct pv_igvm_region regions[PV_LINUX_IGVM_MAX_REGIONS];
	uint64_t entry;
};

/**
 * pv_linux_igvm_build - lay out kernel, initrd and command line
 * The result's writer refers to the kernel and initrd buffers: keep them
 * until the file is written.
 * returns: 0; PV_EFORMAT / PV_ENOTSUP for a kernel that cannot be loaded;
 *          PV_ETOOBIG for a command line longer than cmdline_size or an
 *          initrd that does not fit the memory; PV_EINVAL for bad options
 */
int pv_linux_igvm_build(const struct pv_linux_igvm_opts *o,
			struct pv_linux_igvm *out, struct pv_err *e);

/**
 * pv_linux_igvm_sign - append the SNP ID block for @id (its digest
 * included) signed with @key as the last header; the ID block is not
 * measured, so the launch digest of the file without it is the one to sign
 * returns: 0, an error from signing, PV_ENOMEM
 */
int pv_linux_igvm_sign(struct pv_linux_igvm *out, const struct pv_snp_id_block_in *id,
		       struct evp_pkey_st *key, struct pv_err *e);

/** pv_linux_igvm_release - free what pv_linux_igvm_build allocated */
void pv_linux_igvm_release(struct pv_linux_igvm *out);

/*
 * igvmgen build as one call: the parameters a tool parses, the per-VMM
 * defaults, the layout, and an ID block over a given digest or over the
 * file's own (build -> measure as `measure snp --igvm` does -> sign).
 */
struct pv_igvm_build {
	/* the layout; o.id_key (the caller keeps and frees it) adds an ID
	 * block, o.id is set from @id */
	struct pv_linux_igvm_opts o;
	bool sev_features_set; /* else pv_igvm_default_sev_features(vmm) */
	bool policy_set;       /* else pv_igvm_default_policy(vmm) */
	/* the ID block's fields (its policy is o.policy); id.ld is the
	 * digest to sign when id_ld_set, else it receives the file's own */
	struct pv_snp_id_block_in id;
	bool id_ld_set;
};

/**
 * pv_igvm_build_init - the defaults: platform snp, 1 vCPU, 512 MiB; clh:
 * x64 entry, pvalidate_opt, encrypted page tables, SVME, VTL 0, arch
 * Intel; ID block: igvm-tooling's family id 01.., image id 02.., version
 * 1, guest SVN 2.  The VMM (o.vmm) is the caller's to set.
 */
void pv_igvm_build_init(struct pv_igvm_build *p);

/** pv_igvm_default_sev_features - qemu 0x1, clh 0x9 */
uint64_t pv_igvm_default_sev_features(enum pv_vmm vmm);
/** pv_igvm_default_policy - qemu 0x30000, clh 0x3001f */
uint64_t pv_igvm_default_policy(enum pv_vmm vmm);

/**
 * pv_igvm_build - lay out the file @p describes in @out (write it with
 * pv_igvm_write or pv_igvm_write_mem), its ID block included
 * returns: 0; what pv_linux_igvm_build returns; PV_EINVAL for options
 *          that exclude each other (clh and native; an ID block on
 *          native; the file's own digest for qemu with more than 1 vCPU);
 *          on failure @out is released
 */
int pv_igvm_build(struct pv_igvm_build *p, struct pv_linux_igvm *out,
		  struct pv_err *e);

#endif
