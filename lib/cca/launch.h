/* SPDX-License-Identifier: Apache-2.0 */
/*
 * launch.h - one call from a realm's inputs to its Realm Initial
 * Measurement: the host profile's defaults (cca-rim.md 4.3, 5), the
 * kernel (Image, or Image.gz for QEMU, inflated at most to the realm's
 * memory), the VMM's layout and DTB (generated, or the VMM's dump), then
 * the measurement with an observer for every descriptor.  `measure cca`
 * and lib/release (the values of a release) both call it; it opens no
 * file: all memory is the caller's.
 */
#ifndef PODVM_CCA_LAUNCH_H
#define PODVM_CCA_LAUNCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cca/realm.h"

struct pv_err;

#define PV_CCA_MAX_KERNEL (1ull << 31)
#define PV_CCA_MAX_INITRD (1ull << 32)
#define PV_CCA_MAX_DTB (2ull << 20)

/** Inputs of a realm launch; 0 in a count means the profile's default. */
struct pv_cca_launch {
	enum pv_cca_profile profile;
	enum pv_cca_vmm vmm;
	enum pv_hash alg;
	const uint8_t *kernel;		/* Image, or Image.gz (qemu only);
					 * NULL with a firmware */
	size_t kernel_len;
	const char *kernel_name;	/* for messages */
	/* kvmtool --firmware (EDK2's KVMTOOL_EFI.fd): loaded instead of a
	 * kernel, which the firmware loads later itself (cca-rim.md §11) */
	const uint8_t *firmware;
	size_t firmware_len;
	const char *firmware_name;
	const uint8_t *initrd;		/* NULL: none */
	size_t initrd_len;
	const char *initrd_name;
	const char *cmdline;		/* NULL: none */
	uint64_t mem;			/* realm memory in bytes */
	unsigned cpus;
	/* the VMM's DTB dump (lkvm --dump-dtb, qemu dumpdtb=), or NULL to
	 * generate it (qemu: for qemu_version) */
	const uint8_t *dtb;
	size_t dtb_len;
	const char *dtb_name;
	bool have_qemu_version;
	enum pv_cca_qemu_version qemu_version;
	bool qemu_realm;		/* the generated DTB is a realm's */
	enum pv_cca_irqchip irqchip;
	bool nodefaults, net;		/* kvmtool --nodefaults, -n mode= */
	unsigned disks;			/* kvmtool -d images (virtio-blk) */
	uint64_t align;			/* populate alignment: 4096 or 65536 */
	bool all_recs;
	bool lpa2;
	unsigned sve_vl_bits, pmu_counters;
	unsigned num_bps, num_wps;	/* 0: the profile's default */
	unsigned ipa_bits;		/* 0: the profile's or VMM's default
					 * (qemu: required) */
	unsigned nthreads;		/* 0: all CPUs */
	pv_cca_step_fn step;		/* may be NULL */
	void *step_ctx;
};

struct pv_cca_launch_result {
	struct pv_cca_result res;	/* the RIM, parameters, counts */
	struct pv_cca_layout layout;
	struct pv_cca_user_params user;	/* with the defaults applied */
	const uint8_t *dtb;		/* the measured DTB bytes */
	size_t dtb_len;
	uint8_t *gen;			/* owned: the generated DTB, or NULL */
	uint8_t *kbuf;			/* owned: the inflated kernel, or NULL */
};

/**
 * pv_cca_launch_measure - the RIM of the realm @in describes
 * @r: zeroed and filled; release with pv_cca_launch_result_free (also
 *     after a failure)
 * returns: 0; PV_EINVAL (qemu without --ipa-bits, or without a DTB or a
 *          QEMU version; a parameter out of range; a firmware with a
 *          kernel or an initrd), PV_ENOTSUP (a firmware for qemu),
 *          PV_EFORMAT (gzip for
 *          kvmtool, a bad Image, DTB or gzip stream, an empty initrd, a
 *          kvmtool DTB that is not the 64 KiB window), PV_ERANGE (the
 *          payload does not fit the memory), PV_ETOOBIG (the kernel
 *          inflates past the realm's memory), PV_ENOMEM, PV_ECRYPTO
 */
int pv_cca_launch_measure(const struct pv_cca_launch *in,
			  struct pv_cca_launch_result *r, struct pv_err *e);
void pv_cca_launch_result_free(struct pv_cca_launch_result *r);

/**
 * pv_cca_step_json - the `measure cca --log` line of step @s, the @index-th
 * (keys as `measure snp --log` where they mean the same: index, gpa,
 * region, contents, digest)
 * returns: a new object, or NULL when out of memory
 */
json_t *pv_cca_step_json(uint64_t index, const struct pv_cca_step *s);

/** pv_cca_ccatoken_alg - "sha-256", "sha-384", "sha-512" (ccatoken's names) */
const char *pv_cca_ccatoken_alg(enum pv_hash alg);

/**
 * pv_cca_ccatoken_realm - a realm entry of the ccatoken reference-value
 * store (cca-rim.md §7.1): the RIM, the realm attestation key's hash
 * algorithm (cca-rim.md §7.4: "sha-256" as TF-RMM hashes the RAK), the REMs
 * and the personalization value
 * @rems: the four REMs (@hlen bytes each), or NULL to leave
 *        "extensible-measurements" out: then ccatoken does not match them
 *        (a firmware boot, whose REMs podvm does not compute, §12)
 * returns: a new object, or NULL when out of memory
 */
json_t *pv_cca_ccatoken_realm(const uint8_t *rim, size_t hlen,
			      const uint8_t rpv[64], enum pv_hash rak_alg,
			      const uint8_t (*rems)[PV_CCA_MEAS_MAX]);

/** the CoRIM profile of a realm CoMID (cca-rim.md 7.2) */
enum pv_cca_comid_profile {
	/* tag:arm.com,2025:cca_realm#1.0.0 (draft-ydb-rats-cca-endorsements,
	 * veraison/corim profiles/cca): RIM as class id, cca.* measurements */
	PV_CCA_COMID_REALM_2025,
	/* http://arm.com/cca/realm/1 (veraison/services before the draft's
	 * profile): RIM as instance, integrity registers */
	PV_CCA_COMID_ARM_REALM_1,
};

/** pv_cca_comid_profile_uri - the profile's URI, for the CoRIM wrapper */
const char *pv_cca_comid_profile_uri(enum pv_cca_comid_profile p);

/**
 * pv_cca_comid - a CoMID template for Veraison's `cocli comid create`
 * (cca-rim.md 7.2), in veraison/corim's JSON. For PV_CCA_COMID_REALM_2025
 * one reference value whose environment is a class with the RIM as class id
 * (type bytes) and measurements cca.rim, cca.rem0..cca.rem3 (digests
 * [alg, base64url], alg 1/7/8 for sha-256/384/512, at hash length) and
 * cca.rpv (raw-value, type bytes, 64 bytes); for PV_CCA_COMID_ARM_REALM_1
 * the RIM as environment instance and one measurement holding the RPV as
 * raw-value and the integrity registers rim, rem0..rem3 ("ALG;base64")
 * @rpv: the 64-byte personalization value, or NULL to leave it out (a
 *       verifier then takes any RPV: Trustee binds the init-data hash to
 *       it, so a pod's RPV is its own, cca-rim.md 2.7)
 * @rems: the four REMs, or NULL to leave them out (rim alone)
 * @tmpl: a template to fill, or NULL for podvm's (tag id a UUID derived
 *        from the RIM, creator podvm). REALM_2025 keeps everything but
 *        "triples", which it replaces; ARM_REALM_1 keeps the template's
 *        triples.reference-values[0] (class, ...) and sets its instance and
 *        measurements
 * returns: 0, PV_EFORMAT (@tmpl_name and the member that is not what
 *          cocli takes), PV_ENOMEM
 */
int pv_cca_comid(enum pv_cca_comid_profile prof, const uint8_t *rim,
		 size_t hlen, enum pv_hash alg, const uint8_t rpv[64],
		 const uint8_t (*rems)[PV_CCA_MEAS_MAX], const json_t *tmpl,
		 const char *tmpl_name, json_t **out, struct pv_err *e);

/**
 * pv_rvps_sample - a Trustee RVPS "sample" message: {"version": "0.1.0",
 * "type": "sample", "payload": base64 of the compact JSON {@key: @list}}
 * @list: taken over (also on failure)
 * returns: a new object, or NULL when out of memory
 */
json_t *pv_rvps_sample(const char *key, json_t *list);

#define PV_RVPS_CCA_KEY "cca.realm.cca-realm-initial-measurement"
#define PV_RVPS_SNP_KEY "snp_launch_measurement"

#endif
