/* SPDX-License-Identifier: Apache-2.0 */
/*
 * table.h - the footer GUID table of an OVMF image, which both the SEV-SNP
 * engine (lib/snp/ovmf.c: the reset block, SEV metadata, hash table and
 * SVSM entries) and the TDX engine (lib/tdx/tdvf.c: the TDVF metadata
 * entry) read.  One walker, one set of checks.
 *
 * The table ends 32 bytes before the end of the image: the last 32 bytes
 * hold the reset vector (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm).
 * Each entry is laid out as (data, u16 size, GUID) and its size covers all
 * three; the last entry is the footer (GUID 96b582de-1fb2-45f7-baea-
 * a366c55a082d), whose size covers the whole table.  Entries are walked
 * from the end (snp-measurement.md §4.2).
 */
#ifndef PODVM_OVMF_TABLE_H
#define PODVM_OVMF_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct pv_err;

#define PV_OVMF_FOOTER_ENTRY_SIZE 18 /* {u16 size, GUID} */

/**
 * pv_ovmf_entry_fn - called for each entry but the footer, nearest the end
 * of the image first
 * @data, @dlen: the entry's data (before its size and GUID), inside the image
 * @hdr: the offset of the entry's size field, for messages
 * returns: 0 to go on, 1 to stop the walk, or a negative PV_E* code
 */
typedef int (*pv_ovmf_entry_fn)(void *arg, const uint8_t guid[16],
				const uint8_t *data, size_t dlen, size_t hdr,
				struct pv_err *e);

/**
 * pv_ovmf_table_walk - walk the footer GUID table of the image (buf, len)
 * @name: names the image in messages
 * returns: 1 when the image has the table (walked to its start, or until
 *          @fn stopped it), 0 when it has none (no footer GUID 32 bytes
 *          before the end); PV_ERANGE for an image too small to hold a
 *          footer, a table size reaching before the image or an entry
 *          larger than what is left, PV_EFORMAT for a size smaller than an
 *          entry's 18-byte header; or @fn's error
 */
int pv_ovmf_table_walk(const uint8_t *buf, size_t len, const char *name,
		       pv_ovmf_entry_fn fn, void *arg, struct pv_err *e);

/**
 * pv_ovmf_entry_u32 - the little-endian u32 that starts an entry's data
 * (the form of every entry SNP and TDX read)
 * @what: names the entry in the message, e.g. "TDX metadata entry"
 * @name, @hdr: the image and the entry's offset, as the walk gives them
 * returns: 0 with *v set, or PV_EFORMAT when @dlen < 4
 */
int pv_ovmf_entry_u32(const uint8_t *data, size_t dlen, const char *name,
		      size_t hdr, const char *what, uint32_t *v,
		      struct pv_err *e);

#endif
