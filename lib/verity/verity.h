/* SPDX-License-Identifier: Apache-2.0 */
/*
 * verity.h - dm-verity hash trees, byte for byte as cryptsetup 2.6 writes
 * them (docs/dm-verity.md; cryptsetup lib/verity/verity.c and
 * verity_hash.c; kernel Documentation/admin-guide/device-mapper/verity.rst).
 *
 * The tree over D data blocks has levels 0 (the digests of the data
 * blocks) up to levels-1 (one block); on disk the top level comes first.
 * The root hash is the digest of the top block, or of the only data block
 * when D == 1.  Every block digest is H(salt || block) for hash type 1 and
 * H(block || salt) for type 0 (Chrome OS).
 */
#ifndef PODVM_VERITY_VERITY_H
#define PODVM_VERITY_VERITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"
#include "core/mbhash.h"

struct pv_err;

#define PV_VERITY_SB_SIZE 512         /* dm-verity.md §1 */
#define PV_VERITY_MAX_SALT 256        /* salt field of the superblock */
#define PV_VERITY_MAX_LEVELS 63       /* cryptsetup VERITY_MAX_LEVELS */
#define PV_VERITY_MIN_BLOCK 512
#define PV_VERITY_MAX_BLOCK (512u * 1024) /* cryptsetup's block size limit */
#define PV_VERITY_UUID_STR 37          /* 36 characters and a NUL */

/* Everything that determines the hash device. */
struct pv_verity_params {
	enum pv_hash alg;
	uint32_t hash_type;       /* 1 normal, 0 Chrome OS */
	uint32_t data_block_size;
	uint32_t hash_block_size;
	uint64_t data_blocks;     /* 0 in format: from the data file size */
	uint64_t hash_offset;     /* bytes: superblock, or tree without one */
	bool superblock;
	uint8_t uuid[16];
	size_t salt_size;
	uint8_t salt[PV_VERITY_MAX_SALT];
};

/* Where every level lives (dm-verity.md §2). */
struct pv_verity_geom {
	unsigned levels;          /* 0 when data_blocks == 1 */
	unsigned bits;            /* log2(hashes per hash block) */
	size_t digest_size;
	size_t slot_size;         /* digest_size, or next_pow2 for type 1 */
	uint64_t hash_start;      /* first tree block, in hash blocks */
	uint64_t hash_blocks;     /* blocks of all levels */
	uint64_t hash_end;        /* bytes: end of the tree in the hash file */
	uint64_t level_blocks[PV_VERITY_MAX_LEVELS]; /* [0] = leaves */
	uint64_t level_start[PV_VERITY_MAX_LEVELS];  /* in hash blocks */
};

/**
 * pv_verity_block_size_ok - is @bs a power of two from 512 to 512 KiB?
 * returns: true or false
 */
bool pv_verity_block_size_ok(uint64_t bs);

/**
 * pv_verity_check_params - validate every field of @p (block sizes, hash
 * type, salt size, the hash offset's 512-byte alignment, data_blocks > 0)
 * returns: 0 or PV_EINVAL naming the field
 */
int pv_verity_check_params(const struct pv_verity_params *p, struct pv_err *e);

/**
 * pv_verity_geometry - lay out the tree of @p, with every size and offset
 * computed under overflow checks
 * returns: 0, PV_EINVAL (bad parameters), PV_ERANGE (the tree would not
 *          fit in 64-bit offsets, or more than 63 levels)
 */
int pv_verity_geometry(const struct pv_verity_params *p,
		       struct pv_verity_geom *g, struct pv_err *e);

/**
 * pv_verity_sb_parse - decode a superblock (dm-verity.md §1) from
 * (@buf, @len), checking the fields in cryptsetup's order: signature,
 * version, hash type, block sizes, algorithm, salt size, data blocks
 * @base: the superblock's offset in its file, for messages
 * returns: 0; PV_EFORMAT naming the first bad field with its offset and
 *          the expected value; PV_ENOTSUP for an unknown algorithm
 */
int pv_verity_sb_parse(const uint8_t *buf, size_t len, uint64_t base,
		       struct pv_verity_params *p, struct pv_err *e);

/**
 * pv_verity_sb_build - encode @p as a superblock into @out (512 bytes)
 * returns: 0 or PV_EINVAL when @p is not valid
 */
int pv_verity_sb_build(const struct pv_verity_params *p, uint8_t *out,
		       struct pv_err *e);

/**
 * pv_verity_sb_read - read and parse the superblock at @offset of @path
 * returns: 0, PV_EIO (cannot open or read; the file is too short is
 *          PV_EFORMAT), or the errors of pv_verity_sb_parse, prefixed with
 *          the path
 */
int pv_verity_sb_read(const char *path, uint64_t offset,
		      struct pv_verity_params *p, struct pv_err *e);

/** pv_verity_uuid_format - "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
void pv_verity_uuid_format(const uint8_t uuid[16], char out[PV_VERITY_UUID_STR]);

/**
 * pv_verity_uuid_parse - parse a UUID in the form above (either case)
 * returns: 0 or PV_EINVAL
 */
int pv_verity_uuid_parse(const char *s, uint8_t uuid[16], struct pv_err *e);

/* How to run; all fields may be zero. */
struct pv_verity_result;

struct pv_verity_opts {
	unsigned threads; /* 0: online CPUs */
	enum pv_mb_engine engine; /* 0 (PV_MB_AUTO): ipsec-mb if built in */
	/* parent bytes per window, rounded down to a power of two of hash
	 * blocks; 0: 4 MiB (tests use small ones to cross many windows) */
	size_t window;
	/* called after each window of level 0, from one hashing thread at a
	 * time, with the data bytes hashed so far */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
	/* pv_verity_format only: called once the tree is written and
	 * flushed, before a new hash file is renamed into place (in place:
	 * after the flush), e.g. to write the root hash file; when it
	 * fails, format fails with its code and leaves no new hash file */
	int (*before_commit)(void *arg, const struct pv_verity_result *res,
			     struct pv_err *e);
	void *before_commit_arg;
};

/* What pv_verity_format and pv_verity_verify report. */
struct pv_verity_result {
	uint8_t root[PV_HASH_MAX];
	size_t root_size;
	struct pv_verity_geom geom;
	uint64_t hash_file_size; /* after format: the hash file's size */
};

/**
 * pv_verity_format - hash @data_path and write the tree (and superblock)
 * to @hash_path.  A new or existing regular hash file is written
 * atomically: a temporary file, flushed, renamed over it (no partial or
 * mixed file on failure, a kill or a concurrent run; an old, larger file
 * is replaced by one of exactly the tree's size).  A block device, a file
 * with a hash offset, and the data file itself are written in place, as
 * cryptsetup does, keeping the bytes outside the hash area.  A symbolic
 * link to a regular file is refused (pv_out_open); one to a block device
 * is followed.
 * @p: in/out: data_blocks 0 is replaced by the data file's block count
 * returns: 0, or PV_EINVAL, PV_EIO, PV_ERANGE, PV_ENOMEM, PV_ECRYPTO with
 *          a message naming the file
 */
int pv_verity_format(const char *data_path, const char *hash_path,
		     struct pv_verity_params *p, const struct pv_verity_opts *o,
		     struct pv_verity_result *res, struct pv_err *e);

/**
 * pv_verity_data_blocks - the number of whole data blocks in @data_path
 * (a file or a block device; its size, never its contents, is read)
 * returns: 0; PV_EIO (cannot open); PV_EINVAL when it holds no whole block
 */
int pv_verity_data_blocks(const char *data_path, uint32_t data_block_size,
			  uint64_t *blocks, struct pv_err *e);

/**
 * pv_verity_verify - check the whole tree top-down against @root: the top
 * block against the root hash, each level against the one above, the data
 * blocks against the leaves, and that every spare byte is zero
 * returns: 0 when valid; PV_EVERIFY naming the first corrupted block (data
 *          block index, or hash block level, index and file offset);
 *          PV_EIO, PV_EINVAL, PV_ERANGE for errors
 */
int pv_verity_verify(const char *data_path, const char *hash_path,
		     const struct pv_verity_params *p, const uint8_t *root,
		     size_t root_size, const struct pv_verity_opts *o,
		     struct pv_err *e);

/**
 * pv_verity_libcryptsetup_verify - the same check done by libcryptsetup:
 * crypt_load(CRYPT_VERITY) with CRYPT_VERITY_CHECK_HASH, then
 * crypt_activate_by_volume_key() with no device name, which runs
 * cryptsetup's own userspace hash check (VERITY_verify) and creates no
 * device-mapper device
 * returns: 0, PV_EVERIFY (libcryptsetup returned -EPERM: corrupted or a
 *          wrong root hash), PV_EIO or PV_EFORMAT with libcryptsetup's
 *          own messages
 */
int pv_verity_libcryptsetup_verify(const char *data_path,
				   const char *hash_path,
				   const struct pv_verity_params *p,
				   const uint8_t *root, size_t root_size,
				   struct pv_err *e);

#endif
