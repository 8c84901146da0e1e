/* SPDX-License-Identifier: Apache-2.0 */
/*
 * igvm.h - the SEV-SNP launch digest of an IGVM file (snp-measurement.md
 * section 3; igvm.md sections 5 and 9): the directive headers of the SNP
 * platform walked in file order, each page fed through the PAGE_INFO chain
 * of snp.h, so observers (`measure snp --log`) see every update with a
 * region name.
 *
 * Two loaders are modelled:
 * - QEMU/KVM (`qemu`): memory in file order; the VMSAs are measured by KVM
 *   at SNP_LAUNCH_FINISH, after all memory, at GPA 0xFFFFFFFFF000, one per
 *   vCPU in index order (snp-measurement.md 2, igvm.md 9.2).
 * - Cloud Hypervisor / Hyper-V (`clh`, igvm-tooling's convention): every
 *   header in file order, a VP_CONTEXT's VMSA at the GPA of its header.
 */
#ifndef PODVM_SNP_IGVM_H
#define PODVM_SNP_IGVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snp/snp.h"

struct pv_err;
struct pv_igvm;

enum pv_snp_igvm_vmm {
	PV_SNP_IGVM_QEMU,
	PV_SNP_IGVM_CLH,
};

/**
 * pv_snp_igvm_vmm_from_name - "qemu" or "clh"
 * returns: 0 or PV_EINVAL
 */
int pv_snp_igvm_vmm_from_name(const char *name, enum pv_snp_igvm_vmm *vmm,
			      struct pv_err *e);

/**
 * pv_snp_igvm_guess_vmm - qemu when vCPU 0's VP_CONTEXT puts the VMSA at
 * KVM's GPA 0xFFFFFFFFF000 (igvm.md 9.3), else clh
 */
enum pv_snp_igvm_vmm pv_snp_igvm_guess_vmm(const struct pv_igvm *g);

struct pv_snp_igvm_in {
	const struct pv_igvm *g;	/* a parsed file (pv_igvm_parse) */
	const char *name;		/* the file, for messages */
	enum pv_snp_igvm_vmm vmm;
	unsigned vcpus;			/* 0 means 1 */
	/* ZERO (type 3) pages for PAGE_DATA without data, as loaders with
	 * native zero pages issue them; default NORMAL of 4 KiB of zeros */
	bool native_zero;
	/* qemu: model vCPUs that have no VP_CONTEXT in the file with KVM's
	 * reset-state VMSA (sev-snp-measure's QEMU VMSA at EIP 0xfffffff0,
	 * SEV_FEATURES of vCPU 0's VMSA, this CPUID 1 EAX signature) */
	bool ap_reset_model;
	uint32_t vcpu_sig;
	unsigned nthreads;		/* 0: all online CPUs */
};

#define PV_SNP_IGVM_MAX_REGIONS 16

/* A named guest-physical range, for explanations. */
struct pv_snp_region {
	const char *name;	/* static storage */
	uint64_t gpa;
	uint64_t size;
};

struct pv_snp_igvm_info {
	uint32_t snp_mask;	/* the SEV_SNP platform's compatibility mask */
	bool has_policy;
	uint64_t policy;	/* GUEST_POLICY */
	bool has_id_block;
	uint8_t id_ld[PV_SNP_LD_SIZE]; /* the SNP_ID_BLOCK's expected digest */
	uint64_t id_block_offset;	/* file offset of that header */
	/* the ID key's signature over the firmware ID_BLOCK (that digest,
	 * family and image ids, version, SVN, the GUEST_POLICY policy) */
	bool id_sig_valid;
	char id_sig_error[128];	/* why it does not verify */
	uint64_t pages[PV_SNP_PAGE_CPUID + 1]; /* updates per page type */
	unsigned vp_contexts;	/* VP_CONTEXT headers of the platform */
	unsigned vmsas;		/* VMSA updates */
	unsigned modelled_aps;	/* qemu: reset-state VMSAs added */
	uint64_t vmsa_file_gpa;	/* GPA in vCPU 0's VP_CONTEXT header */
	size_t nregions;	/* derived from boot_params and the VMSA */
	struct pv_snp_region regions[PV_SNP_IGVM_MAX_REGIONS];
};

/**
 * pv_snp_igvm_measure - every launch update of an IGVM file's SNP
 * platform, in the loader's order, on @c (which may start from any digest)
 *
 * PAGE_DATA: SHARED not measured; SECRETS type 5, CPUID_DATA/CPUID_XF type
 * 6; UNMEASURED type 4; data type 1 with SHA-384 of the data zero-padded
 * to 4 KiB; no data type 1 of zeros (type 3 with native_zero).
 * PARAMETER_INSERT: number_of_bytes / 4096 pages of type 4 (the whole
 * area, as QEMU and the igvm crate). VP_CONTEXT: type 2, SHA-384 of the
 * VMSA page. Other headers (ID block, policy, parameters) no update. An
 * SNP ID block's expected digest is returned and its signature checked
 * (the firmware checks it at SNP_LAUNCH_FINISH), not enforced.
 * Region names come from the Linux boot_params the first VMSA's RSI points
 * at (kernel, initrd, cmdline, acpi, cc_blob ...), the VMSA's GDT, TSS,
 * stack and page tables, and the page type (cpuid, secrets, parameters,
 * vmsa); otherwise "data" or "zero".
 *
 * returns: 0; PV_ENOTSUP (no SEV_SNP platform in the file), PV_EFORMAT
 *          (a qemu launch with vCPUs that have no VP_CONTEXT and no reset
 *          model, a VP_CONTEXT index beyond the vCPUs, two VP_CONTEXTs for
 *          one vCPU), PV_ERANGE (vcpus above PV_SNP_MAX_VCPUS),
 *          PV_ECRYPTO, PV_ENOMEM
 */
int pv_snp_igvm_measure(struct pv_snp_chain *c, const struct pv_snp_igvm_in *in,
			struct pv_snp_igvm_info *info, struct pv_err *e);

#endif
