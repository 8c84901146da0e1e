/* SPDX-License-Identifier: Apache-2.0 */
/*
 * launch.h - one call per SEV-SNP launch kind, from the input bytes to the
 * launch digest(s), with an observer for every launch update:
 *
 * - pv_snp_launch_ovmf(): QEMU + OVMF (direct boot or not), the modes of
 *   sev-snp-measure (snp, snp:ovmf-hash, snp:svsm; snp-measurement.md 4),
 *   for every vCPU count of a set in one pass;
 * - pv_snp_launch_igvm(): an IGVM file's SEV-SNP platform under QEMU/KVM
 *   or Cloud Hypervisor (snp-measurement.md 3; lib/snp/igvm.c).
 *
 * `measure snp` and lib/release (the values of a release) both call these;
 * neither opens files: all memory is the caller's.
 */
#ifndef PODVM_SNP_LAUNCH_H
#define PODVM_SNP_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snp/igvm.h"
#include "snp/ovmf.h"
#include "snp/snp.h"

struct pv_err;

/**
 * pv_snp_mode_from_name - sev-snp-measure's --mode names: snp (also SNP,
 * sev-snp, SEV-SNP), snp:ovmf-hash, snp:svsm (also sev-snp:svsm)
 * returns: 0; PV_ENOTSUP (sev, seves: SEV and SEV-ES are not measured
 *          here), PV_EINVAL (unknown name); the message names the mode
 */
int pv_snp_mode_from_name(const char *name, enum pv_snp_mode *mode,
			  struct pv_err *e);

/** Inputs of a QEMU + OVMF launch; all memory is the caller's. */
struct pv_snp_ovmf_launch {
	enum pv_snp_mode mode;
	const uint8_t *ovmf;		/* the image, mapped to end at 4 GiB */
	size_t ovmf_len;
	const char *ovmf_name;		/* for messages */
	const uint8_t *svsm;		/* snp:svsm: the SVSM image */
	size_t svsm_len;
	const char *svsm_name;
	uint64_t vars_size;		/* snp:svsm: OVMF_VARS below OVMF */
	const uint8_t *seed;		/* snp: 48 bytes, or NULL */
	const uint8_t *kernel;		/* NULL: no direct kernel boot */
	size_t kernel_len;
	const uint8_t *initrd;		/* NULL: none */
	size_t initrd_len;
	/* instead of kernel / initrd in memory: files read with pread
	 * (core/file.h pv_rfile), their lengths from the pv_rfile; NULL:
	 * not used.  A kernel_file is a direct kernel boot as a kernel is. */
	const struct pv_rfile *kernel_file;
	const struct pv_rfile *initrd_file;
	const char *cmdline;		/* NULL or "": none */
	enum pv_snp_vmm vmm;
	uint32_t vcpu_sig;
	uint64_t guest_features;
	/* the vCPU counts wanted: vcpu_set[n] != 0 for n in 1..max_vcpus
	 * (not read in snp:ovmf-hash mode) */
	const uint8_t *vcpu_set;
	unsigned max_vcpus;
	unsigned nthreads;		/* 0: all online CPUs */
	pv_snp_observer observe;	/* every update, in order; may be NULL */
	void *observe_arg;
};

/** What a QEMU + OVMF launch measured. */
struct pv_snp_ovmf_result {
	uint64_t ovmf_gpa;		/* where the image is mapped */
	uint32_t ap_eip;		/* OVMF's AP reset EIP (0: none) */
	/* direct boot: the SEV hash table's digests, filled before the
	 * first update (so an observer may read them) */
	bool has_hashes;
	struct pv_snp_hashes hashes;
	uint64_t updates_before_vmsas;
	uint8_t digest_before_vmsas[PV_SNP_LD_SIZE];
	/* snp:ovmf-hash: the digest; else the one for max_vcpus */
	uint8_t ld[PV_SNP_LD_SIZE];
	/* not ovmf-hash: (max_vcpus + 1) digests, lds + n * 48 the one for
	 * n vCPUs (n >= 1); released by pv_snp_ovmf_result_free */
	uint8_t *lds;
	uint8_t bsp[PV_SNP_PAGE_SIZE], ap[PV_SNP_PAGE_SIZE]; /* the VMSAs */
};

/**
 * pv_snp_launch_ovmf - the launch digest of a QEMU + OVMF guest for every
 * vCPU count in @in->vcpu_set, in one pass (KVM measures the VMSAs last,
 * so the digest for N vCPUs extends the one for N - 1)
 * @r: zeroed and filled; on failure it holds nothing to release
 * returns: 0; PV_EFORMAT (a malformed image, a kernel without a
 *          kernel-hashes section, no reset block, a size not a multiple
 *          of 4 KiB; the message names the image), PV_ERANGE (the SVSM
 *          and vars do not fit below OVMF, too many vCPUs), PV_ECRYPTO,
 *          PV_ENOMEM
 */
int pv_snp_launch_ovmf(const struct pv_snp_ovmf_launch *in,
		       struct pv_snp_ovmf_result *r, struct pv_err *e);
void pv_snp_ovmf_result_free(struct pv_snp_ovmf_result *r);

/**
 * pv_snp_launch_extend - the vCPU extension (snp-measurement.md 6,
 * Contrast's ExtendSNPLaunchDigest): KVM measures the VMSAs last, so the
 * digest for N vCPUs is the 1-vCPU digest @ld1 followed by N - 1 AP VMSA
 * updates (BSP and AP VMSAs of @vmm, @guest_features, @vcpu_sig, the APs
 * entering at @ap_eip)
 * @lds: receives (max_vcpus + 1) * 48 bytes (free()), *lds + n * 48 the
 *       digest for n vCPUs, n in 1..@max_vcpus
 * returns: 0, PV_ERANGE (@max_vcpus not in 1..PV_SNP_MAX_VCPUS),
 *          PV_EFORMAT (APs without an AP entry point), PV_ECRYPTO,
 *          PV_ENOMEM
 */
int pv_snp_launch_extend(const uint8_t ld1[PV_SNP_LD_SIZE], uint32_t ap_eip,
			 enum pv_snp_vmm vmm, uint64_t guest_features,
			 uint32_t vcpu_sig, unsigned max_vcpus, uint8_t **lds,
			 struct pv_err *e);

/** What an IGVM launch measured. */
struct pv_snp_igvm_result {
	enum pv_snp_igvm_vmm vmm;	/* the loader, given or guessed */
	uint8_t ld[PV_SNP_LD_SIZE];	/* the launch digest */
	uint64_t updates;		/* launch updates */
	struct pv_snp_igvm_info info;	/* policy, ID block, regions */
};

/**
 * pv_snp_launch_igvm - the launch digest of the IGVM file (@buf, @len)
 * @in: the loader's parameters; in->g is ignored (the file is parsed
 *      here), in->name names it in messages
 * @guess_vmm: true: in->vmm is ignored and chosen from the file
 *      (pv_snp_igvm_guess_vmm)
 * @r: receives the result; r->vmm is set as soon as it is known (also
 *     when the launch then fails)
 * returns: 0; PV_EINVAL (clh with more than one vCPU or an AP model: its
 *          digest does not depend on the count), the errors of
 *          pv_igvm_parse and pv_snp_igvm_measure
 */
int pv_snp_launch_igvm(const uint8_t *buf, size_t len,
		       const struct pv_snp_igvm_in *in, bool guess_vmm,
		       pv_snp_observer observe, void *observe_arg,
		       struct pv_snp_igvm_result *r, struct pv_err *e);

#endif
