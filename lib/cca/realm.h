/* SPDX-License-Identifier: Apache-2.0 */
/*
 * realm.h - a realm's RIM from its payload, for an explicit host profile
 * and VMM layout (cca-rim.md §5, §6).  Nothing is guessed: the profile,
 * the VMM, the algorithm and the realm parameters are inputs, and each
 * profile's defaults are what that host stack sets.
 */
#ifndef PODVM_CCA_REALM_H
#define PODVM_CCA_REALM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cca/image.h"
#include "cca/rim.h"

struct pv_err;

/* Host profiles, cca-rim.md §5 */
enum pv_cca_profile {
	PV_CCA_PROFILE_EAC5, /* A: "1.0-eac5", the Islet oracle */
	PV_CCA_PROFILE_REL0, /* B: "1.0", rel0 + Linux v5..v10 */
	PV_CCA_PROFILE_V12,  /* C: "1.0-v12", not supported yet */
	PV_CCA_PROFILE_RMM2, /* D: "2.0" */
};

enum pv_cca_vmm {
	PV_CCA_VMM_KVMTOOL,
	PV_CCA_VMM_QEMU,
};

enum pv_cca_irqchip {
	PV_CCA_GICV3,
	PV_CCA_GICV3_ITS, /* kvmtool's default; QEMU gic-version=3 */
	PV_CCA_GICV2,     /* QEMU gic-version=2 only */
};

/**
 * pv_cca_profile_from_name - "1.0-eac5", "1.0", "1.0-v12", "2.0"
 * returns: 0, PV_ENOTSUP for the v12 profile ("not supported yet") or
 *          PV_EINVAL for an unknown name (the message lists the choices)
 */
int pv_cca_profile_from_name(const char *name, enum pv_cca_profile *p,
			     struct pv_err *e);
/** pv_cca_profile_name - the --rmm name of @p; returns: a static string */
const char *pv_cca_profile_name(enum pv_cca_profile p);

/* Where the VMM puts things (cca-rim.md §6). */
struct pv_cca_layout {
	uint64_t ram_base, ram_size;
	uint64_t kernel_ipa;     /* RAM base + text_offset */
	uint64_t kernel_file;    /* bytes loaded */
	uint64_t kernel_mem;     /* image_size, or the file size */
	uint64_t initrd_ipa, initrd_size; /* size 0: none */
	uint64_t dtb_ipa;
	uint64_t dtb_window;     /* bytes populated for the DTB */
	unsigned ipa_bits;       /* the VMM's default s2sz */
	bool firmware;           /* kernel_* describe the firmware the VMM
				  * loads instead of a kernel (cca-rim.md §11) */
};

/**
 * pv_cca_layout_kvmtool - kvmtool's arm/kvm.c placement
 * returns: 0, or PV_ERANGE when a blob does not fit (the message says
 *          which and by how much)
 */
int pv_cca_layout_kvmtool(uint64_t mem, const struct pv_arm64_image *img,
			  uint64_t kernel_len, uint64_t initrd_len,
			  struct pv_cca_layout *l, struct pv_err *e);

/**
 * pv_cca_layout_qemu - QEMU virt placement (veraison's model, §6.2);
 * @dtb_len: the FDT size (measured unpadded, rounded to the alignment)
 * returns: 0 or PV_ERANGE
 */
int pv_cca_layout_qemu(uint64_t mem, const struct pv_arm64_image *img,
		       uint64_t kernel_len, uint64_t initrd_len,
		       uint64_t dtb_len, struct pv_cca_layout *l,
		       struct pv_err *e);

/**
 * pv_cca_layout_kvmtool_fw - kvmtool's --firmware placement (arm/kvm.c
 * kvm__load_firmware of the CCA kvmtool, cca-rim.md §11.1): the firmware
 * at the RAM base, no kernel or initrd, the DTB 2 MiB-aligned below the
 * end of all RAM
 * @fw_len: the file's size; @fw_mem: the header's image_size when the file
 *          has an arm64 Image header with a non-zero one, else @fw_len
 * returns: 0, or PV_ERANGE when the firmware and the DTB do not fit
 */
int pv_cca_layout_kvmtool_fw(uint64_t mem, uint64_t fw_len, uint64_t fw_mem,
			     struct pv_cca_layout *l, struct pv_err *e);

/* Inputs of kvmtool's DTB generator (arm/fdt.c and friends). */
struct pv_cca_kvmtool_dt {
	uint64_t ram_base, ram_size;
	unsigned ncpus;
	enum pv_cca_irqchip irqchip;
	const char *cmdline; /* -p, may be NULL */
	bool nodefaults;     /* --nodefaults: bootargs = -p only */
	bool net;            /* the default user-mode virtio-net device */
	bool firmware;       /* --firmware: bootargs = -p only, no initrd */
	unsigned disks;      /* -d images: virtio-blk PCI devices, at most
			      * PV_CCA_KVMTOOL_MAX_DISKS */
	uint64_t initrd_ipa, initrd_size;
};

#define PV_CCA_KVMTOOL_FDT_MAX 0x10000u /* FDT_MAX_SIZE */
#define PV_CCA_KVMTOOL_MAX_DISKS 8u

/**
 * pv_cca_kvmtool_dtb - generate kvmtool's DTB with libfdt into the 64 KiB
 * window @out (the packed FDT, and after it what fdt_pack leaves, as in
 * kvmtool), for the default devices: 8250
 * serial console, the user-mode virtio-net PCI device, RTC, PCI host,
 * PSCI over SMC (realm)
 * returns: 0, PV_ENOTSUP for an option outside that model (no initrd
 *          without --nodefaults: kvmtool would add a 9p root),
 *          PV_ETOOBIG when it does not fit
 */
int pv_cca_kvmtool_dtb(const struct pv_cca_kvmtool_dt *dt,
		       uint8_t out[PV_CCA_KVMTOOL_FDT_MAX], struct pv_err *e);

/* QEMU versions whose virt board DTB the generator reproduces */
enum pv_cca_qemu_version {
	PV_CCA_QEMU_7_2,  /* Debian 12 qemu-system-arm 1:7.2+dfsg-7+deb12u18 */
	PV_CCA_QEMU_10_0, /* Debian 13 qemu-system-arm 1:10.0.13+ds-0+deb13u1 */
};

/*
 * Inputs of QEMU's virt DTB for `-M virt,gic-version=3|2[,its=off],
 * dtb-randomness=off -cpu max -accel tcg -m RAM -smp N [-kernel -initrd
 * -append]`: no -bios, no -device, highmem on, no EL2/EL3.
 */
struct pv_cca_qemu_dt {
	enum pv_cca_qemu_version version;
	uint64_t ram_size;           /* at 0x40000000 */
	unsigned ncpus;
	enum pv_cca_irqchip irqchip; /* GICV3_ITS: gic-version=3 (its=on) */
	const char *cmdline;         /* -append; NULL or "": no bootargs */
	uint64_t initrd_ipa, initrd_size; /* size 0: no -initrd */
	/*
	 * A realm (cca-rim.md §6.4): the same board under KVM with
	 * `-cpu host -object rme-guest,id=rme0 -M ...,confidential-guest-
	 * support=rme0`, as the Linaro CCA branches build it (10.0's tree
	 * shape only): KVM's CPU, no flash, PSCI over SMC.
	 */
	bool realm;
	bool pmu;          /* realm: -cpu host,pmu=on (the TCG tree always
			    * has one) */
	unsigned ipa_bits; /* realm: its s2sz, 41, or 40 when the host's IPA
			    * limit leaves out the 64-bit PCI window */
	bool realm_tcg;    /* realm: the board with rme-guest but -accel tcg
			    * -cpu max (no realm runs so; how the tests'
			    * oracle dumps it): TCG's CPU */
};

#define PV_CCA_QEMU_FDT_SIZE 0x100000u /* QEMU's FDT_MAX_SIZE, never packed */

/**
 * pv_cca_qemu_dtb - QEMU's virt DTB (1 MiB, as -machine dumpdtb= writes
 * it and QEMU loads it) generated with libfdt in QEMU's order; with
 * @dt->realm, the tree of the rme-guest board
 * returns: 0, PV_ENOTSUP for a configuration outside the model (the
 *          message says to give --dtb), PV_EINVAL, PV_ETOOBIG
 */
int pv_cca_qemu_dtb(const struct pv_cca_qemu_dt *dt,
		    uint8_t out[PV_CCA_QEMU_FDT_SIZE], struct pv_err *e);

/**
 * pv_cca_qemu_version_from_name - "7.2" or "10.0"
 * returns: 0 or PV_EINVAL (the message lists the versions)
 */
int pv_cca_qemu_version_from_name(const char *name,
				  enum pv_cca_qemu_version *v,
				  struct pv_err *e);

/**
 * pv_cca_dtb_check - a DTB given by the user: a valid FDT header whose
 * totalsize fits in @len (libfdt fdt_check_header plus bounds)
 * returns: 0 or PV_EFORMAT with the offset and field
 */
int pv_cca_dtb_check(const uint8_t *buf, size_t len, const char *what,
		     struct pv_err *e);

/* One measured step, for the log and the explanation. */
struct pv_cca_step {
	const char *type;   /* "REALM_CREATE", "DATA", "RIPAS", "REC" */
	const char *what;   /* "params", "kernel", "firmware", "initrd", "dtb",
			     * "bss", "ram", "vcpu0" */
	uint64_t addr, top; /* DATA: ipa, ipa + 4K; RIPAS: base, top */
	const uint8_t *content; /* content digest, or NULL */
	const uint8_t *rim;     /* the RIM after the step */
	size_t hlen;
	const struct pv_cca_params *params; /* REALM_CREATE: the measured fields */
};

typedef void (*pv_cca_step_fn)(void *ctx, const struct pv_cca_step *s);

struct pv_cca_config {
	enum pv_cca_profile profile;
	enum pv_cca_vmm vmm;
	enum pv_hash alg;
	struct pv_cca_user_params user;
	uint64_t align; /* populate alignment: 4096 or 65536 */
	unsigned ncpus;
	bool all_recs; /* also measure the non-runnable RECs of vCPUs 1..n-1
			* (pc 0, flags 0), as lkvm-rim-measurer does; TF-RMM
			* measures runnable RECs only */
	const struct pv_cca_layout *layout;
	const uint8_t *kernel; /* the bytes the VMM loads */
	const uint8_t *initrd;
	const uint8_t *dtb; size_t dtb_len; /* the measured DTB bytes */
	unsigned nthreads; /* 0: all CPUs */
	pv_cca_step_fn step; void *step_ctx; /* may be NULL */
};

struct pv_cca_result {
	uint8_t rim[PV_CCA_MEAS_MAX];
	size_t hlen;
	struct pv_cca_params params;
	uint64_t ndata, nripas, nrec;
};

/**
 * pv_cca_measure - the RIM for the configuration: plans the RMI calls the
 * host makes under the profile, hashes the DATA granules in parallel and
 * chains the descriptors in order
 * returns: 0, PV_EINVAL for a bad parameter, PV_ERANGE for overlapping or
 *          unaligned regions, PV_ENOMEM, PV_ECRYPTO
 */
int pv_cca_measure(const struct pv_cca_config *c, struct pv_cca_result *res,
		   struct pv_err *e);

/**
 * pv_cca_ripas_blocks - the RTT block sizes KVM uses for INIT_RIPAS with
 * @ipa_bits (cca-rim.md §5 B): 2 MiB and 4 KiB; 1 GiB from 35 bits; 512 GiB
 * from 44 bits.  Fills @sizes, largest first.
 * returns: the number of sizes
 */
unsigned pv_cca_ripas_blocks(unsigned ipa_bits, uint64_t sizes[4]);

#endif
