/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tdvfgen.h - test-only generator of TDVF-like firmware images (an OVMF
 * footer GUID table with a TDX metadata entry, and a TDVF descriptor laid
 * out as edk2 IntelTdxMetadata.asm lays it out), optionally with one
 * planted defect, and of minimal PE/COFF "kernels".  Written from the
 * layout description (docs/tdx.md 2, 5), independently of lib/tdx.
 */
#ifndef PODVM_TESTS_TDVFGEN_H
#define PODVM_TESTS_TDVFGEN_H

#include <stddef.h>
#include <stdint.h>

#define TDVFGEN_NSEC 7

struct tdvfgen_section {
	uint32_t data_offset, raw_size;
	uint64_t gpa, mem_size;
	uint32_t type, attributes;
};

struct tdvfgen {
	size_t size;		/* multiple of 16 KiB, >= 16 KiB */
	uint32_t seed;		/* content of the volumes */
	const char *corrupt;	/* NULL or a name from tdvfgen_corruptions */
	int ovmf_layout;	/* 1: the sections of Debian trixie's OVMF.fd
				   (TempMem 0x811000, 0x80b000, 0x800000,
				   TD_HOB 0x809000) and a CFV that starts
				   with a firmware volume header */
	/* filled by tdvfgen_image: the sections as written */
	uint32_t nsec;
	struct tdvfgen_section sec[TDVFGEN_NSEC];
};

extern const char *const tdvfgen_corruptions[];

/** tdvfgen_image - fill @buf (g->size bytes); returns 0 or -1 (bad opts) */
int tdvfgen_image(struct tdvfgen *g, uint8_t *buf);

/** tdvfgen_blob - deterministic pseudo-random bytes */
void tdvfgen_blob(uint8_t *buf, size_t len, uint32_t seed);

/* A PE32+ image: 0x400 bytes of headers, three sections (one empty), then
 * @tail bytes after the sections, @cert of them a certificate table. */
struct pegen {
	size_t payload;		/* bytes per non-empty section (x 0x200) */
	size_t tail;		/* bytes after the last section */
	uint32_t cert;		/* certificate table size (<= tail) */
	uint32_t nrva;		/* NumberOfRvaAndSizes (16, or <= 4) */
	uint32_t seed;
	int hdrs;		/* also a bzImage setup header ("HdrS",
				   protocol 2.15, loaded high, initrd
				   above 4 GiB allowed) */
};

/** pegen_size - the file size of such an image */
size_t pegen_size(const struct pegen *p);

/** pegen_image - fill @buf (pegen_size bytes) */
void pegen_image(const struct pegen *p, uint8_t *buf);

#endif
