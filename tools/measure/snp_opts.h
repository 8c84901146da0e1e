/* SPDX-License-Identifier: Apache-2.0 */
/*
 * snp_opts.h - the options of `measure snp`, `snp id-block` and `snp
 * ap-eip`: one table (cmd_snp.c), one row an option, each row naming the
 * commands that take it (core/cli.h, opts.h).
 */
#ifndef PODVM_MEASURE_SNP_OPTS_H
#define PODVM_MEASURE_SNP_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cli.h"
#include "snp/launch.h"
#include "snp/snp.h"

/* Option ids: rows of the table, bits of its rules. */
enum {
	SO_MODE, SO_OVMF, SO_KERNEL, SO_INITRD, SO_APPEND, SO_VCPUS,
	SO_VCPU_TYPE, SO_VCPU_SIG, SO_VCPU_FAMILY, SO_VCPU_MODEL,
	SO_VCPU_STEPPING, SO_VMM_TYPE, SO_GF, SO_SEED, SO_SVSM, SO_VARS_SIZE,
	SO_VARS_FILE, SO_FORMAT, SO_DUMP, SO_LOG, SO_EXTEND, SO_AP_EIP,
	SO_IGVM, SO_IGVM_VMM, SO_NATIVE_ZERO, SO_IGNORE_ID,
	SO_LD, SO_IDKEY, SO_AUTHORKEY, SO_FAMILY_ID, SO_IMAGE_ID, SO_SVN,
	SO_POLICY, SO_THREADS, SO_JSON, SO_VERBOSE, SO_COUNT
};

/* --vcpus: "N", "A-B" and comma-separated lists of them */
struct snp_vcpus {
	uint8_t set[PV_SNP_MAX_VCPUS + 1];
	unsigned max, count;
};

struct snp_opts {
	struct pv_opts st;
	enum pv_snp_mode mode;
	const char *mode_name;	/* as given, "snp" by default */
	const char *ovmf, *kernel, *initrd, *append, *svsm, *vars_file;
	const char *log, *igvm, *idkey, *authorkey;
	struct snp_vcpus vcpus;
	uint32_t type_sig, vcpu_sig, family, model, stepping, ap_eip;
	enum pv_snp_vmm vmm_type;
	unsigned format;	/* index of snp_format_names */
	uint64_t guest_features, vars_size, threads, policy;
	uint8_t seed[PV_SNP_LD_SIZE], extend[PV_SNP_LD_SIZE];
	size_t seed_len, extend_len, family_id_len, image_id_len;
	unsigned igvm_vmm;	/* enum pv_snp_igvm_vmm */
	uint8_t ld[PV_SNP_LD_SIZE], family_id[16], image_id[16];
	uint32_t guest_svn;
	bool dump, json, verbose, native_zero, ignore_id;
};

extern const char *const snp_format_names[];

/**
 * snp_parse - parse, check and store the options of command @cmd
 * (M_SNP, M_SNP_ID_BLOCK or M_SNP_AP_EIP) into @o, with the defaults
 * first; a bad value or a broken rule exits 2 (pv_opts_parse)
 */
void snp_parse(struct snp_opts *o, unsigned cmd, int argc, char **argv);

#endif
