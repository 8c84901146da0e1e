/* SPDX-License-Identifier: Apache-2.0 */
/*
 * snp.h - the AMD SEV-SNP launch digest engine: the PAGE_INFO chain, page
 * types, VMSA construction, vCPU signatures and the SEV kernel-hashes
 * table.  Pure functions over memory; no file I/O, no printing.
 *
 * Governing specification: AMD SEV Secure Nested Paging Firmware ABI
 * Specification (publication 56860), SNP_LAUNCH_UPDATE, section 8.17,
 * Table 67 "Layout of the PAGE_INFO structure" (rev 1.5x numbering).
 *
 * Any producer of launch updates (QEMU + OVMF direct boot in ovmf.h, an
 * IGVM file walker) feeds the same chain: pv_snp_chain_update() with a
 * page type, a GPA and the 48-byte CONTENTS field, or the helpers that
 * compute CONTENTS from page data.  An observer callback sees each step,
 * which is how `measure --log` explains a digest.
 */
#ifndef PODVM_SNP_SNP_H
#define PODVM_SNP_SNP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"

struct pv_err;

#define PV_SNP_LD_SIZE 48	/* SHA-384 */
#define PV_SNP_PAGE_SIZE 4096u
#define PV_SNP_PAGE_INFO_SIZE 0x70 /* ABI 8.17.2 Table 67 */
/* The RMP GPA of a VMSA page under QEMU/KVM: (u64)-1, page aligned, bits
 * 51:12 kept (sev-snp-measure gctx.py; igvmmeasure --check-kvm). */
#define PV_SNP_VMSA_GPA_KVM 0xFFFFFFFFF000ull
/* Largest vCPU count accepted: KVM_MAX_VCPUS on x86 and QEMU q35's
 * maxcpus are 1024 (Linux 5.15+, QEMU 8.x). */
#define PV_SNP_MAX_VCPUS 1024u

/* PAGE_TYPE values, ABI 8.17 Table 68 "PAGE_TYPE field". */
enum pv_snp_page_type {
	PV_SNP_PAGE_NORMAL = 1,
	PV_SNP_PAGE_VMSA = 2,
	PV_SNP_PAGE_ZERO = 3,
	PV_SNP_PAGE_UNMEASURED = 4,
	PV_SNP_PAGE_SECRETS = 5,
	PV_SNP_PAGE_CPUID = 6,
};

/** pv_snp_page_type_name - "normal", "vmsa", ... or "unknown" */
const char *pv_snp_page_type_name(int type);

/** One launch update as the chain performed it (for logs). */
struct pv_snp_step {
	uint64_t index;		/* 0-based position in the chain */
	uint64_t gpa;
	int type;		/* enum pv_snp_page_type */
	const char *region;	/* "ovmf", "kernel-hashes", "vmsa", ... */
	int vcpu;		/* VMSA: the vCPU index; otherwise -1 */
	const uint8_t *contents; /* 48 bytes */
	const uint8_t *ld;	/* 48 bytes: the digest after this step */
};

typedef void (*pv_snp_observer)(void *arg, const struct pv_snp_step *s);

/* The chain state; the SHA-384 context is per chain. */
struct pv_snp_chain {
	uint8_t ld[PV_SNP_LD_SIZE];
	uint64_t count;		/* updates so far */
	struct pv_digest sha;
	pv_snp_observer observe; /* may be NULL */
	void *observe_arg;
};

/**
 * pv_snp_chain_init - LD_0: 48 zero bytes (SNP_LAUNCH_START), or @seed
 * @seed: NULL, or 48 bytes to start from (sev-snp-measure --snp-ovmf-hash)
 * returns: 0 or PV_ECRYPTO / PV_ENOMEM
 */
int pv_snp_chain_init(struct pv_snp_chain *c, const uint8_t *seed,
		      struct pv_err *e);

/** pv_snp_chain_free - release the chain; accepts a zeroed one */
void pv_snp_chain_free(struct pv_snp_chain *c);

/**
 * pv_snp_page_info - build the 112-byte PAGE_INFO (ABI 8.17.2 Table 67):
 * DIGEST_CUR, CONTENTS, LENGTH 0x70, PAGE_TYPE, IMI_PAGE 0, VMPL3..1 perms
 * 0, reserved 0, GPA
 */
void pv_snp_page_info(uint8_t out[PV_SNP_PAGE_INFO_SIZE],
		      const uint8_t ld[PV_SNP_LD_SIZE],
		      const uint8_t contents[PV_SNP_LD_SIZE], uint8_t type,
		      uint64_t gpa);

/**
 * pv_snp_chain_update - one launch update: LD = SHA-384(PAGE_INFO)
 * @contents: 48 bytes (SHA-384 of the page for NORMAL and VMSA, zeros for
 *            the other types)
 * @vcpu: the vCPU index for a VMSA (logs only), else -1
 * returns: 0, PV_EINVAL (unknown type, GPA not page aligned), PV_ECRYPTO
 */
int pv_snp_chain_update(struct pv_snp_chain *c, int type, uint64_t gpa,
			const uint8_t contents[PV_SNP_LD_SIZE],
			const char *region, int vcpu, struct pv_err *e);

/**
 * pv_snp_chain_blank - @npages updates of a contents-less type (ZERO,
 * UNMEASURED, SECRETS, CPUID) at consecutive pages from @gpa
 * returns: 0, PV_EINVAL, PV_ERANGE (the range wraps), PV_ECRYPTO
 */
int pv_snp_chain_blank(struct pv_snp_chain *c, int type, uint64_t gpa,
		       uint64_t npages, const char *region, struct pv_err *e);

/**
 * pv_snp_hash_pages - SHA-384 of each 4 KiB page of (data, len); a short
 * last page is zero-padded (IGVM PAGE_DATA semantics)
 * @out: ceil(len / 4096) digests of 48 bytes
 * @nthreads: 0 = all online CPUs, 1 = the calling thread only
 * returns: 0, PV_ECRYPTO or PV_ENOMEM
 */
int pv_snp_hash_pages(const uint8_t *data, size_t len, uint8_t *out,
		      unsigned nthreads);

/** A page to hash: up to 4096 bytes (zero-padded), or NULL for zeros. */
struct pv_snp_page_ref {
	const uint8_t *data;
	size_t len;
};

/**
 * pv_snp_hash_refs - SHA-384 of @n scattered pages (IGVM PAGE_DATA and
 * VP_CONTEXT payloads), in parallel; a NULL page is 4 KiB of zeros and
 * costs one digest per call
 * @out: @n digests of 48 bytes
 * returns: 0, PV_EINVAL (a page longer than 4096 bytes), PV_ECRYPTO or
 *          PV_ENOMEM
 */
int pv_snp_hash_refs(const struct pv_snp_page_ref *refs, size_t n,
		     uint8_t *out, unsigned nthreads);

/**
 * pv_snp_chain_normal - NORMAL updates of (data, len) at consecutive pages
 * from @gpa, contents hashed in parallel, chained in order
 * returns: 0, PV_EINVAL, PV_ERANGE, PV_ECRYPTO, PV_ENOMEM
 */
int pv_snp_chain_normal(struct pv_snp_chain *c, uint64_t gpa,
			const uint8_t *data, size_t len, const char *region,
			unsigned nthreads, struct pv_err *e);

/**
 * pv_snp_chain_vmsa - a VMSA update of a 4096-byte page at @gpa
 * returns: 0, PV_EINVAL, PV_ECRYPTO
 */
int pv_snp_chain_vmsa(struct pv_snp_chain *c, uint64_t gpa,
		      const uint8_t page[PV_SNP_PAGE_SIZE], int vcpu,
		      struct pv_err *e);

/* ---- VMSA (AMD APM vol. 2, Table B-4 "VMSA layout, state save area") ---- */

enum pv_snp_vmm {
	PV_SNP_VMM_QEMU,
	PV_SNP_VMM_EC2,
	PV_SNP_VMM_GCE,
};

/**
 * pv_snp_vmm_from_name - "QEMU", "ec2" or "gce", spelled exactly as
 * sev-snp-measure's --vmm-type takes them
 * returns: 0 or PV_EINVAL naming the accepted values
 */
int pv_snp_vmm_from_name(const char *name, enum pv_snp_vmm *vmm,
			 struct pv_err *e);
const char *pv_snp_vmm_name(enum pv_snp_vmm vmm);

/* The BSP starts at the reset vector (x86 architectural reset state). */
#define PV_SNP_BSP_EIP 0xfffffff0u

/*
 * The VMSA layout, the one definition every reader and writer uses (this
 * engine, the IGVM walker, igvmgen's qemu and clh layouts): the SEV-ES
 * save area of AMD APM vol. 2 Table B-4, field offsets as in Linux's
 * struct sev_es_save_area.  Segment registers are PV_VMSA_SEG_SIZE bytes,
 * {u16 selector, u16 attrib, u32 limit, u64 base}; the other fields here
 * are little-endian u64, except MXCSR (u32) and x87 FCW (u16).  vmsa.c
 * checks the offsets with _Static_assert.
 */
enum {
	PV_VMSA_ES = 0x000,
	PV_VMSA_CS = 0x010,
	PV_VMSA_SS = 0x020,
	PV_VMSA_DS = 0x030,
	PV_VMSA_FS = 0x040,
	PV_VMSA_GS = 0x050,
	PV_VMSA_GDTR = 0x060,
	PV_VMSA_LDTR = 0x070,
	PV_VMSA_IDTR = 0x080,
	PV_VMSA_TR = 0x090,
	PV_VMSA_SEG_SIZE = 16,
	PV_VMSA_EFER = 0x0d0,
	PV_VMSA_CR4 = 0x148,
	PV_VMSA_CR3 = 0x150,
	PV_VMSA_CR0 = 0x158,
	PV_VMSA_DR7 = 0x160,
	PV_VMSA_DR6 = 0x168,
	PV_VMSA_RFLAGS = 0x170,
	PV_VMSA_RIP = 0x178,
	PV_VMSA_RSP = 0x1d8,
	PV_VMSA_G_PAT = 0x268,
	PV_VMSA_RDX = 0x310,
	PV_VMSA_RSI = 0x330,
	PV_VMSA_SEV_FEATURES = 0x3b0,
	PV_VMSA_XCR0 = 0x3e8,
	PV_VMSA_MXCSR = 0x408,	/* u32 */
	PV_VMSA_X87_FCW = 0x410, /* u16 */
	PV_VMSA_END_OF_FPU = 0x420 + 80 + 256 + 256, /* x87, xmm, ymm */
};

/** A VMSA segment register (APM vol. 2 Table B-4, vmcb_seg). */
struct pv_vmsa_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

/**
 * pv_vmsa_put_seg - write segment register @off (PV_VMSA_ES..PV_VMSA_TR)
 * of a 4096-byte VMSA page
 */
void pv_vmsa_put_seg(uint8_t page[PV_SNP_PAGE_SIZE], unsigned off,
		     uint16_t selector, uint16_t attrib, uint32_t limit,
		     uint64_t base);

/** pv_vmsa_get_seg - read segment register @off of a VMSA page */
void pv_vmsa_get_seg(const uint8_t page[PV_SNP_PAGE_SIZE], unsigned off,
		     struct pv_vmsa_seg *s);

/** pv_vmsa_put - write the u64 register at @off (PV_VMSA_EFER, ...) */
void pv_vmsa_put(uint8_t page[PV_SNP_PAGE_SIZE], unsigned off, uint64_t v);

/** pv_vmsa_get - read the u64 register at @off of a VMSA page */
uint64_t pv_vmsa_get(const uint8_t page[PV_SNP_PAGE_SIZE], unsigned off);

/*
 * The SNP CPUID page (SEV-SNP firmware ABI 56860 §8.17.2.6,
 * SNP_CPUID_FUNCTION): u32 count, 12 reserved bytes, then up to 64 entries
 * {u32 eax_in, u32 ecx_in, u64 xcr0_in, u64 xss_in, u32 eax, ebx, ecx,
 * edx, u64 reserved}.
 */
enum {
	PV_SNP_CPUID_COUNT = 0,
	PV_SNP_CPUID_ENTRIES = 16,
	PV_SNP_CPUID_ENTRY_SIZE = 48,
	PV_SNP_CPUID_EAX_IN = 0,
	PV_SNP_CPUID_ECX_IN = 4,
	PV_SNP_CPUID_XCR0_IN = 8,
	PV_SNP_CPUID_MAX = 64,
};

/** A CPUID leaf to request: {eax_in, ecx_in}. */
struct pv_snp_cpuid_leaf {
	uint32_t eax_in;
	uint32_t ecx_in;
};

/**
 * pv_snp_cpuid_page - a CPUID page that requests @n leaves in that order,
 * xcr0_in 1 (x87) for leaf 0xD, every value 0 for the PSP to fill in
 * returns: 0, or PV_ERANGE when @n exceeds PV_SNP_CPUID_MAX
 */
int pv_snp_cpuid_page(uint8_t page[PV_SNP_PAGE_SIZE],
		      const struct pv_snp_cpuid_leaf *leaves, size_t n,
		      struct pv_err *e);

/**
 * pv_snp_vmsa_build - the initial VMSA of a vCPU that starts at @eip under
 * @vmm, as sev-snp-measure vmsa.py models QEMU/KVM, EC2 and GCE
 * (snp-measurement.md 5.1, 5.2)
 * @sev_features: the guest features (VMSA SEV_FEATURES)
 * @vcpu_sig: CPUID 1 EAX, placed in RDX (QEMU only; EC2 and GCE use 0x600)
 */
void pv_snp_vmsa_build(uint8_t page[PV_SNP_PAGE_SIZE], enum pv_snp_vmm vmm,
		       uint32_t eip, uint64_t sev_features, uint32_t vcpu_sig);

/**
 * pv_snp_vmsa_build_svsm - the VMSA of every vCPU of a QEMU + COCONUT-SVSM
 * launch (sev-snp-measure snp:svsm mode): 32-bit protected mode flat
 * segments, CR0 0x11, RIP @eip, SEV_FEATURES 0x1
 */
void pv_snp_vmsa_build_svsm(uint8_t page[PV_SNP_PAGE_SIZE], uint64_t eip,
			    uint32_t vcpu_sig);

/* ---- vCPU signature (AMD CPUID spec #25481, Fn0000_0001_EAX) ---- */

/**
 * pv_snp_cpu_sig - CPUID 1 EAX from family, model, stepping
 * returns: 0, or PV_ERANGE when family > 0x10e, model > 0xff or
 *          stepping > 0xf
 */
int pv_snp_cpu_sig(uint32_t family, uint32_t model, uint32_t stepping,
		   uint32_t *sig, struct pv_err *e);

struct pv_snp_vcpu_type {
	const char *name;	/* QEMU CPU model name */
	uint32_t family, model, stepping;
};

/** pv_snp_vcpu_types - QEMU's EPYC models, NULL-name terminated */
extern const struct pv_snp_vcpu_type pv_snp_vcpu_types[];

/**
 * pv_snp_vcpu_type_sig - the signature of a QEMU CPU model ("EPYC-v4")
 * returns: 0 or PV_EINVAL listing the known names
 */
int pv_snp_vcpu_type_sig(const char *name, uint32_t *sig, struct pv_err *e);

/* ---- SEV hash table (QEMU target/i386/sev.c, OVMF BlobVerifierLibSevHashes) */

#define PV_SNP_HASHES_TABLE_SIZE 168	/* unpadded */
#define PV_SNP_HASHES_PADDED_SIZE 176	/* padded to 16 */

struct pv_snp_hashes {
	uint8_t cmdline[32];	/* SHA-256(cmdline "\0"), or of "\0" */
	uint8_t initrd[32];	/* SHA-256(initrd), or of "" */
	uint8_t kernel[32];	/* SHA-256(whole kernel file) */
};

/**
 * pv_snp_hashes_table - the padded 176-byte SEV hash table: header GUID,
 * u16 length 168, then cmdline, initrd, kernel entries {GUID, u16 50,
 * SHA-256}, then 8 zero bytes
 */
void pv_snp_hashes_table(const struct pv_snp_hashes *h,
			 uint8_t out[PV_SNP_HASHES_PADDED_SIZE]);

/**
 * pv_snp_hashes_page - a zero page with the padded table at @offset
 * returns: 0, or PV_ERANGE when the table does not fit in the page there
 */
int pv_snp_hashes_page(const struct pv_snp_hashes *h, uint32_t offset,
		       uint8_t page[PV_SNP_PAGE_SIZE], struct pv_err *e);

#endif
