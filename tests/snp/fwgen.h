/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fwgen.h - test-only generator of OVMF-like firmware images with a footer
 * GUID table and SEV metadata (edk2 ResetVectorVtf0.asm and
 * OvmfSevMetadata.asm layouts), optionally with one planted defect, and of
 * deterministic pseudo-random blobs (fake kernels and initrds).  Written
 * from the layout description, independently of lib/snp's parser.
 */
#ifndef PODVM_TESTS_FWGEN_H
#define PODVM_TESTS_FWGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fwgen_kind {
	FWGEN_AMDSEV,	/* AmdSevX64-like: kernel-hashes section */
	FWGEN_OVMFX64,	/* OvmfX64-like: no kernel-hashes section */
	FWGEN_SVSM,	/* a COCONUT-SVSM image: SVSM info entry */
};

struct fwgen_opts {
	enum fwgen_kind kind;
	size_t size;		/* multiple of 4096, >= 8192 */
	uint32_t seed;		/* content of the non-table bytes */
	uint32_t reset_eip;	/* SEV-ES reset block AP EIP */
	uint32_t hashes_gpa;	/* SEV hash table GPA (AMDSEV) */
	uint32_t svsm_entry;	/* SVSM info offset (SVSM) */
	const char *corrupt;	/* NULL or a name from fwgen_corruptions */
};

extern const char *const fwgen_corruptions[];

/** fwgen_defaults - the AmdSev fixture's layout (snp-measurement.md 8.1) */
void fwgen_defaults(struct fwgen_opts *o, enum fwgen_kind kind);

/** fwgen_image - fill @buf (o->size bytes); returns 0 or -1 (bad opts) */
int fwgen_image(const struct fwgen_opts *o, uint8_t *buf);

/** fwgen_blob - deterministic pseudo-random bytes */
void fwgen_blob(uint8_t *buf, size_t len, uint32_t seed);

#endif
