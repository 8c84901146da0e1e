/* SPDX-License-Identifier: Apache-2.0 */
/*
 * igvm.h - the IGVM container format: a validating reader for format
 * versions 1 and 2 and a deterministic writer.
 *
 * Format: microsoft/igvm igvm_defs/src/lib.rs (the authoritative text),
 * summarised in docs igvm.md §1-§7.  A file is a fixed header (§2), a
 * section of variable headers framed as {u32 type, u32 length, content,
 * padding to 8} (§4) and unstructured file data that headers point at by
 * absolute offset (§6).  All integers are little-endian.
 *
 * Every header type of igvm.md §4.3 is described once, in a table in
 * igvm.c (name, exact size, section, field list with reserved fields,
 * offset of its compatibility mask and of its file data); the reader, the
 * writer and `igvmgen dump` all dispatch over that table.
 */
#ifndef PODVM_IGVM_IGVM_H
#define PODVM_IGVM_IGVM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pv_err;

#define PV_IGVM_MAGIC 0x4D564749u /* "IGVM" read as little-endian, §2.1 */
#define PV_IGVM_FIXED_V1 24u
#define PV_IGVM_FIXED_V2 32u
#define PV_IGVM_PAGE 4096u
#define PV_IGVM_OPTIONAL_BIT 0x80000000u /* IGVM_VHT_OPTIONAL_BIT, §4.1 */
/* The largest parameter area the reader accepts (igvm.md §7.2: QEMU
 * allocates number_of_bytes straight from the file). */
#define PV_IGVM_MAX_PARAM_AREA (16u << 20)

/* Header type codes, igvm.md §4.3 */
enum {
	PV_IGVM_VHT_SUPPORTED_PLATFORM = 0x001,
	PV_IGVM_VHT_GUEST_POLICY = 0x101,
	PV_IGVM_VHT_RELOCATABLE_REGION = 0x102,
	PV_IGVM_VHT_PAGE_TABLE_RELOCATION_REGION = 0x103,
	PV_IGVM_VHT_CORIM_DOCUMENT = 0x104,
	PV_IGVM_VHT_CORIM_SIGNATURE = 0x105,
	PV_IGVM_VHT_CCA_POLICY = 0x106,
	PV_IGVM_VHT_PARAMETER_AREA = 0x301,
	PV_IGVM_VHT_PAGE_DATA = 0x302,
	PV_IGVM_VHT_PARAMETER_INSERT = 0x303,
	PV_IGVM_VHT_VP_CONTEXT = 0x304,
	PV_IGVM_VHT_REQUIRED_MEMORY = 0x305,
	PV_IGVM_VHT_VP_COUNT_PARAMETER = 0x307,
	PV_IGVM_VHT_SRAT = 0x308,
	PV_IGVM_VHT_MADT = 0x309,
	PV_IGVM_VHT_MMIO_RANGES = 0x30A,
	PV_IGVM_VHT_SNP_ID_BLOCK = 0x30B,
	PV_IGVM_VHT_MEMORY_MAP = 0x30C,
	PV_IGVM_VHT_ERROR_RANGE = 0x30D,
	PV_IGVM_VHT_COMMAND_LINE = 0x30E,
	PV_IGVM_VHT_SLIT = 0x30F,
	PV_IGVM_VHT_PPTT = 0x310,
	PV_IGVM_VHT_VBS_MEASUREMENT = 0x311,
	PV_IGVM_VHT_DEVICE_TREE = 0x312,
	PV_IGVM_VHT_ENVIRONMENT_INFO = 0x313,
};

/* Platform types, §5.1 */
enum {
	PV_IGVM_PLATFORM_NATIVE = 0,
	PV_IGVM_PLATFORM_VSM_ISOLATION = 1,
	PV_IGVM_PLATFORM_SEV_SNP = 2,
	PV_IGVM_PLATFORM_TDX = 3,
	PV_IGVM_PLATFORM_SEV = 4,
	PV_IGVM_PLATFORM_SEV_ES = 5,
	PV_IGVM_PLATFORM_CCA = 6,
};

/* PAGE_DATA flags and data types, §5.8 */
#define PV_IGVM_PAGE_IS_2MB 0x1u
#define PV_IGVM_PAGE_UNMEASURED 0x2u
#define PV_IGVM_PAGE_SHARED 0x4u
enum {
	PV_IGVM_DATA_NORMAL = 0,
	PV_IGVM_DATA_SECRETS = 1,
	PV_IGVM_DATA_CPUID_DATA = 2,
	PV_IGVM_DATA_CPUID_XF = 3,
};

/* Wire sizes of the header structures, §4.3 */
enum {
	PV_IGVM_SZ_SUPPORTED_PLATFORM = 16,
	PV_IGVM_SZ_GUEST_POLICY = 16,
	PV_IGVM_SZ_PARAMETER_AREA = 16,
	PV_IGVM_SZ_PAGE_DATA = 24,
	PV_IGVM_SZ_PARAMETER_INSERT = 16,
	PV_IGVM_SZ_VP_CONTEXT = 20,
	PV_IGVM_SZ_PARAMETER = 8,
	PV_IGVM_SZ_SNP_ID_BLOCK = 696,
	PV_IGVM_SZ_MAX = 864, /* VBS_MEASUREMENT */
};

/*
 * Header bodies, igvm.md §5: the one definition of each layout that the
 * reader's table (igvm.c), the measurement walk (lib/snp/igvm.c) and the
 * writers (linux.c, clh.c, idblock.c) use.  A *_get reads the body of a
 * header through pv_slice and fails with PV_EFORMAT when the header is
 * shorter than the type; a *_put writes a zeroed body of exactly the
 * type's size (reserved fields and file_offset 0: the writer sets it).
 */

/* §5.1 IGVM_VHS_SUPPORTED_PLATFORM */
enum {
	PV_IGVM_SP_MASK = 0,
	PV_IGVM_SP_HIGHEST_VTL = 4,
	PV_IGVM_SP_PLATFORM_TYPE = 5,
	PV_IGVM_SP_PLATFORM_VERSION = 6,
	PV_IGVM_SP_SHARED_GPA_BOUNDARY = 8,
};
struct pv_igvm_platform {
	uint32_t mask;
	uint8_t highest_vtl;
	uint8_t platform_type;
	uint16_t platform_version;
	uint64_t shared_gpa_boundary;
};

/* §5.2 IGVM_VHS_GUEST_POLICY */
enum { PV_IGVM_GP_POLICY = 0, PV_IGVM_GP_MASK = 8, PV_IGVM_GP_RESERVED = 12 };
struct pv_igvm_policy {
	uint64_t policy;
	uint32_t mask;
};

/* §5.7 IGVM_VHS_PARAMETER_AREA */
enum {
	PV_IGVM_PA_NUMBER_OF_BYTES = 0,
	PV_IGVM_PA_INDEX = 8,
	PV_IGVM_PA_FILE_OFFSET = 12,
};
struct pv_igvm_param_area {
	uint64_t number_of_bytes;
	uint32_t index;
	uint32_t file_offset;
};

/* §5.8 IGVM_VHS_PAGE_DATA */
enum {
	PV_IGVM_PD_GPA = 0,
	PV_IGVM_PD_MASK = 8,
	PV_IGVM_PD_FILE_OFFSET = 12,
	PV_IGVM_PD_FLAGS = 16,
	PV_IGVM_PD_DATA_TYPE = 20,
	PV_IGVM_PD_RESERVED = 22,
};
struct pv_igvm_page_data {
	uint64_t gpa;
	uint32_t mask;
	uint32_t file_offset;
	uint32_t flags;
	uint16_t data_type;
};

/* §5.9 IGVM_VHS_PARAMETER_INSERT */
enum { PV_IGVM_PI_GPA = 0, PV_IGVM_PI_MASK = 8, PV_IGVM_PI_INDEX = 12 };
struct pv_igvm_param_insert {
	uint64_t gpa;
	uint32_t mask;
	uint32_t index;
};

/* §5.10 IGVM_VHS_PARAMETER (VP_COUNT, MEMORY_MAP, ... parameters) */
enum { PV_IGVM_PR_INDEX = 0, PV_IGVM_PR_BYTE_OFFSET = 4 };
struct pv_igvm_param {
	uint32_t index;
	uint32_t byte_offset;
};

/* §5.11 IGVM_VHS_VP_CONTEXT */
enum {
	PV_IGVM_VP_GPA = 0,
	PV_IGVM_VP_MASK = 8,
	PV_IGVM_VP_FILE_OFFSET = 12,
	PV_IGVM_VP_INDEX = 16,
	PV_IGVM_VP_RESERVED = 18,
};
struct pv_igvm_vp_context {
	uint64_t gpa;
	uint32_t mask;
	uint32_t file_offset;
	uint16_t vp_index;
};

/* §5.14 IGVM_VHS_SNP_ID_BLOCK: the firmware ID_BLOCK fields (less the
 * policy, which is GUEST_POLICY's) and the ID_AUTH_INFO signature and keys
 * with little-endian 72-byte coordinates, each key's curve followed by a
 * reserved u32 */
#define PV_IGVM_IDB_COORD 72
enum {
	PV_IGVM_IDB_MASK = 0,
	PV_IGVM_IDB_AUTHOR_KEY_ENABLED = 4,
	PV_IGVM_IDB_RESERVED = 5,
	PV_IGVM_IDB_LD = 8,
	PV_IGVM_IDB_FAMILY_ID = 56,
	PV_IGVM_IDB_IMAGE_ID = 72,
	PV_IGVM_IDB_VERSION = 88,
	PV_IGVM_IDB_GUEST_SVN = 92,
	PV_IGVM_IDB_ID_KEY_ALGORITHM = 96,
	PV_IGVM_IDB_AUTHOR_KEY_ALGORITHM = 100,
	PV_IGVM_IDB_ID_SIG_R = 104,
	PV_IGVM_IDB_ID_SIG_S = 176,
	PV_IGVM_IDB_ID_KEY_CURVE = 248,
	PV_IGVM_IDB_ID_KEY_RESERVED = 252,
	PV_IGVM_IDB_ID_KEY_QX = 256,
	PV_IGVM_IDB_ID_KEY_QY = 328,
	PV_IGVM_IDB_AUTHOR_SIG_R = 400,
	PV_IGVM_IDB_AUTHOR_SIG_S = 472,
	PV_IGVM_IDB_AUTHOR_KEY_CURVE = 544,
	PV_IGVM_IDB_AUTHOR_KEY_RESERVED = 548,
	PV_IGVM_IDB_AUTHOR_KEY_QX = 552,
	PV_IGVM_IDB_AUTHOR_KEY_QY = 624,
};
struct pv_igvm_snp_id_block {
	uint32_t mask;
	uint8_t author_key_enabled;
	uint8_t ld[48];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version;
	uint32_t guest_svn;
	uint32_t id_key_algorithm;
	uint32_t author_key_algorithm;
	uint8_t id_sig_r[PV_IGVM_IDB_COORD], id_sig_s[PV_IGVM_IDB_COORD];
	uint32_t id_key_curve;
	uint8_t id_qx[PV_IGVM_IDB_COORD], id_qy[PV_IGVM_IDB_COORD];
	uint8_t author_sig_r[PV_IGVM_IDB_COORD], author_sig_s[PV_IGVM_IDB_COORD];
	uint32_t author_key_curve;
	uint8_t author_qx[PV_IGVM_IDB_COORD], author_qy[PV_IGVM_IDB_COORD];
};

struct pv_igvm_hdr;

int pv_igvm_platform_get(const struct pv_igvm_hdr *h,
			 struct pv_igvm_platform *d, struct pv_err *e);
void pv_igvm_platform_put(uint8_t out[PV_IGVM_SZ_SUPPORTED_PLATFORM],
			  const struct pv_igvm_platform *d);
int pv_igvm_policy_get(const struct pv_igvm_hdr *h, struct pv_igvm_policy *d,
		       struct pv_err *e);
void pv_igvm_policy_put(uint8_t out[PV_IGVM_SZ_GUEST_POLICY],
			const struct pv_igvm_policy *d);
int pv_igvm_param_area_get(const struct pv_igvm_hdr *h,
			   struct pv_igvm_param_area *d, struct pv_err *e);
void pv_igvm_param_area_put(uint8_t out[PV_IGVM_SZ_PARAMETER_AREA],
			    const struct pv_igvm_param_area *d);
int pv_igvm_page_data_get(const struct pv_igvm_hdr *h,
			  struct pv_igvm_page_data *d, struct pv_err *e);
void pv_igvm_page_data_put(uint8_t out[PV_IGVM_SZ_PAGE_DATA],
			   const struct pv_igvm_page_data *d);
int pv_igvm_param_insert_get(const struct pv_igvm_hdr *h,
			     struct pv_igvm_param_insert *d, struct pv_err *e);
void pv_igvm_param_insert_put(uint8_t out[PV_IGVM_SZ_PARAMETER_INSERT],
			      const struct pv_igvm_param_insert *d);
int pv_igvm_param_get(const struct pv_igvm_hdr *h, struct pv_igvm_param *d,
		      struct pv_err *e);
void pv_igvm_param_put(uint8_t out[PV_IGVM_SZ_PARAMETER],
		       const struct pv_igvm_param *d);
int pv_igvm_vp_context_get(const struct pv_igvm_hdr *h,
			   struct pv_igvm_vp_context *d, struct pv_err *e);
void pv_igvm_vp_context_put(uint8_t out[PV_IGVM_SZ_VP_CONTEXT],
			    const struct pv_igvm_vp_context *d);
int pv_igvm_snp_id_block_get(const struct pv_igvm_hdr *h,
			     struct pv_igvm_snp_id_block *d, struct pv_err *e);
void pv_igvm_snp_id_block_put(uint8_t out[PV_IGVM_SZ_SNP_ID_BLOCK],
			      const struct pv_igvm_snp_id_block *d);

/**
 * pv_igvm_hdr_mask - the compatibility_mask of a header whose type has one
 * returns: the mask, or 0 for a type without one (or an unknown header)
 */
uint32_t pv_igvm_hdr_mask(const struct pv_igvm_hdr *h);

/* Field kinds of the per-type field tables (for dump and validation) */
enum pv_igvm_kind {
	PV_IGVM_U8,
	PV_IGVM_U16,
	PV_IGVM_U32,
	PV_IGVM_U64,
	PV_IGVM_BYTES,    /* shown as hex */
	PV_IGVM_RESERVED, /* must be zero */
};

struct pv_igvm_field {
	const char *name;
	uint16_t off;
	uint16_t size;
	enum pv_igvm_kind kind;
};

struct pv_igvm_vctx; /* the reader's validation state, igvm.c */
struct pv_igvm_hdr;

struct pv_igvm_type {
	uint32_t type;
	const char *name;  /* "PAGE_DATA" (IGVM_VHT_ prefix dropped) */
	uint16_t size;     /* exact content length */
	int16_t mask_off;  /* offset of compatibility_mask, or -1 */
	int16_t foff_off;  /* offset of a u32 file_offset, or -1 */
	const struct pv_igvm_field *fields; /* ends with { NULL } */
	/* the type's own rules; sets h->data_len for the data it refers to */
	int (*check)(struct pv_igvm_vctx *v, struct pv_igvm_hdr *h,
		     struct pv_err *e);
};

/**
 * pv_igvm_type_find - the description of a header type (optional bit
 * ignored)
 * returns: the table entry, or NULL for a type igvm.md does not define
 */
const struct pv_igvm_type *pv_igvm_type_find(uint32_t type);

/**
 * pv_igvm_field_get - a numeric field of a header's content
 * @body: the content (at least f->off + f->size bytes)
 * returns: the little-endian value; 0 for BYTES and RESERVED fields
 */
uint64_t pv_igvm_field_get(const uint8_t *body, const struct pv_igvm_field *f);

/* One variable header as read from a file */
struct pv_igvm_hdr {
	uint32_t type;   /* as in the file, with the optional bit */
	uint32_t length; /* content length */
	uint64_t offset; /* file offset of the record's type field */
	const uint8_t *body; /* content, inside the file buffer */
	const struct pv_igvm_type *desc; /* NULL: unknown optional, skipped */
	const uint8_t *data; /* file data it refers to, or NULL */
	uint64_t data_len;   /* bytes at data (0 when none) */
	uint64_t data_off;   /* file offset of data, 0 when none */
};

struct pv_igvm_stats {
	uint64_t pages;        /* PAGE_DATA headers */
	uint64_t zero_pages;   /* PAGE_DATA with file_offset 0 */
	uint64_t shared_refs;  /* data references that share an earlier one */
	uint64_t data_bytes;   /* bytes after the variable header section */
	uint64_t skipped;      /* unknown headers skipped (optional bit) */
	uint64_t dirty_pad;    /* headers whose padding is not zero */
};

struct pv_igvm {
	const uint8_t *buf;
	size_t len;
	uint32_t version;
	uint32_t var_off;
	uint32_t var_size;
	uint32_t total_size;
	uint32_t checksum;     /* stored */
	uint32_t crc;          /* computed (§3) */
	uint32_t arch;         /* v2 only */
	uint32_t page_size;    /* v2 only, else 4096 */
	uint32_t platforms;    /* union of the declared compatibility masks */
	size_t nhdr;
	struct pv_igvm_hdr *hdr;
	struct pv_igvm_stats st;
};

/* pv_igvm_parse flags */
#define PV_IGVM_NO_CRC 0x1u /* report a CRC mismatch in g->crc, do not fail */

/**
 * pv_igvm_parse - read and validate an IGVM file held in memory
 * @buf, @len: the whole file (the result points into it)
 * @name: the file name for messages
 * @flags: PV_IGVM_NO_CRC or 0
 *
 * Enforces igvm.md §2.3 and §7: magic, version 1 or 2, sizes and offsets
 * inside the file, section order, exact lengths, alignment, platforms and
 * compatibility masks, parameter areas declared and inserted exactly once,
 * parameter offsets inside their area, reserved fields zero, file data in
 * range, CRC-32.  Non-zero padding is accepted (counted in st.dirty_pad);
 * unknown types with the optional bit are skipped.  Every message names
 * the header by index and file offset.
 *
 * The exit-code rule of podvm(7): a checksum that does not match is an
 * integrity failure, reported before (and instead of) any structural
 * error: without PV_IGVM_NO_CRC at once; with it, only when the structure
 * is broken too (the message gives both).  A fixed header too broken to
 * locate the checksummed bytes is malformed.
 *
 * returns: 0; PV_EFORMAT, PV_ERANGE or PV_ENOTSUP for a malformed file
 *          whose checksum matches, PV_EVERIFY for a checksum mismatch,
 *          PV_ENOMEM
 */
int pv_igvm_parse(const uint8_t *buf, size_t len, const char *name,
		  unsigned flags, struct pv_igvm *g, struct pv_err *e);

/** pv_igvm_release - free what pv_igvm_parse allocated; accepts a zeroed g */
void pv_igvm_release(struct pv_igvm *g);

/** pv_igvm_crc - the checksum of §3 over (fixed header, variable section) */
uint32_t pv_igvm_crc(const uint8_t *fixed, size_t fixed_len,
		     const uint8_t *var, size_t var_len);

/*
 * The writer.  Headers are added in file order; a header's payload (its
 * file data) is given as (pointer, length) and must stay valid until
 * pv_igvm_write returns.  The writer fills in file_offset fields itself:
 * 0 for an all-zero payload, else the offset of the first identical
 * payload already placed (de-duplication), else the next free offset.
 * Payloads are padded with zeros to the type's size (4 KiB for PAGE_DATA
 * and VP_CONTEXT, number_of_bytes for PARAMETER_AREA).  Header padding is
 * zero.  The output depends only on the headers and payloads.
 */
#define PV_IGVM_WBODY_INLINE 32

struct pv_igvm_whdr {
	uint32_t type;
	uint16_t length;
	/* content: inline up to 32 bytes (all page and parameter headers),
	 * else in ext, so a file of 100k pages keeps its header list small */
	uint8_t body[PV_IGVM_WBODY_INLINE];
	uint8_t *ext;
	const uint8_t *payload;
	size_t payload_len;
	size_t padded_len;
};

struct pv_igvm_writer {
	uint32_t version; /* 1 or 2 */
	uint32_t arch;    /* v2 */
	size_t n, cap;
	struct pv_igvm_whdr *h;
};

/** pv_igvm_writer_init - an empty writer for format @version (1 or 2) */
void pv_igvm_writer_init(struct pv_igvm_writer *w, uint32_t version);
/** pv_igvm_writer_release - free the header list */
void pv_igvm_writer_release(struct pv_igvm_writer *w);

/**
 * pv_igvm_add - append a header
 * @body: the content, exactly the type's size (file_offset is ignored)
 * @payload, @len: its file data, or NULL/0 (then file_offset stays 0)
 * returns: 0, PV_EINVAL (unknown type, wrong size, payload larger than
 *          the type allows, payload on a type without file data), PV_ENOMEM
 */
int pv_igvm_add(struct pv_igvm_writer *w, uint32_t type, const void *body,
		size_t body_len, const void *payload, size_t len,
		struct pv_err *e);

/* The output goes through a sink so a large file is never held twice. */
typedef int (*pv_igvm_sink)(void *ctx, const void *buf, size_t len,
			    struct pv_err *e);

/**
 * pv_igvm_write - lay out and emit the file
 * returns: 0, PV_ETOOBIG (the file would exceed 4 GiB: u32 offsets),
 *          PV_ENOMEM, or what the sink returned
 */
int pv_igvm_write(struct pv_igvm_writer *w, pv_igvm_sink sink, void *ctx,
		  struct pv_err *e);

/**
 * pv_igvm_write_mem - pv_igvm_write into a malloc'd buffer
 * returns: 0 with *out (free() it) and *len, or an error as above
 */
int pv_igvm_write_mem(struct pv_igvm_writer *w, uint8_t **out, size_t *len,
		      struct pv_err *e);

#endif
