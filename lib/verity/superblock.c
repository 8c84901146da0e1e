/* SPDX-License-Identifier: Apache-2.0 */
/*
 * superblock.c - the 512-byte dm-verity superblock (dm-verity.md §1,
 * cryptsetup lib/verity/verity.c struct verity_sb), little-endian, read
 * and written field by field.
 */
#include "verity/verity.h"
#include "core/bytes.h"
#include "core/err.h"
#include "core/hex.h"
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Offsets of struct verity_sb (dm-verity.md §1). */
enum {
	SB_SIGNATURE = 0,   /* 8: "verity\0\0" */
	SB_VERSION = 8,     /* le32: 1 */
	SB_HASH_TYPE = 12,  /* le32: 0 or 1 */
	SB_UUID = 16,       /* 16 */
	SB_ALGORITHM = 32,  /* 32: NUL-padded name */
	SB_DATA_BS = 64,    /* le32 */
	SB_HASH_BS = 68,    /* le32 */
	SB_DATA_BLOCKS = 72, /* le64 */
	SB_SALT_SIZE = 80,  /* le16 */
	SB_PAD1 = 82,       /* 6 */
	SB_SALT = 88,       /* 256 */
	SB_PAD2 = 344,      /* 168 */
	SB_END = 512,
};
_Static_assert(SB_SALT + PV_VERITY_MAX_SALT == SB_PAD2, "salt field");
_Static_assert(SB_PAD2 + 168 == SB_END && SB_END == PV_VERITY_SB_SIZE,
	       "superblock is 512 bytes");

static const uint8_t signature[8] = { 'v', 'e', 'r', 'i', 't', 'y', 0, 0 };

int pv_verity_sb_parse(const uint8_t *buf, size_t len, uint64_t base,
		       struct pv_verity_params *p, struct pv_err *e)
{
	unsigned long long at = (unsigned long long)base;
	char alg[33];
	uint32_t v;
	uint16_t salt_size;
	int r;

	if (len < PV_VERITY_SB_SIZE)
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: superblock truncated to %zu bytes, expected %d",
			       at, len, PV_VERITY_SB_SIZE);
	memset(p, 0, sizeof(*p));
	if (memcmp(buf + SB_SIGNATURE, signature, sizeof(signature)))
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: bad signature, expected \"verity\" (no dm-verity superblock here)",
			       at + SB_SIGNATURE);
	v = pv_le32(buf + SB_VERSION);
	if (v != 1)
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: superblock version %u, expected 1",
			       at + SB_VERSION, v);
	p->hash_type = pv_le32(buf + SB_HASH_TYPE);
	if (p->hash_type > 1)
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: hash type %u, expected 0 or 1",
			       at + SB_HASH_TYPE, p->hash_type);
	p->data_block_size = pv_le32(buf + SB_DATA_BS);
	if (!pv_verity_block_size_ok(p->data_block_size))
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: data block size %u, expected a power of two from 512 to 524288",
			       at + SB_DATA_BS, p->data_block_size);
	p->hash_block_size = pv_le32(buf + SB_HASH_BS);
	if (!pv_verity_block_size_ok(p->hash_block_size))
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: hash block size %u, expected a power of two from 512 to 524288",
			       at + SB_HASH_BS, p->hash_block_size);
	/* The field may lack a NUL: copy it bounded. */
	memcpy(alg, buf + SB_ALGORITHM, 32);
	alg[32] = 0;
	if (memchr(buf + SB_ALGORITHM, 0, 32) == NULL)
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: hash algorithm name is not NUL-terminated",
			       at + SB_ALGORITHM);
	r = pv_hash_from_name(alg, &p->alg, NULL);
	if (r)
		return pv_errf(e, PV_ENOTSUP,
			       "offset 0x%llx: hash algorithm \"%.32s\" not supported, expected sha1, sha256, sha384 or sha512",
			       at + SB_ALGORITHM, alg);
	salt_size = pv_le16(buf + SB_SALT_SIZE);
	if (salt_size > PV_VERITY_MAX_SALT)
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: salt size %u, expected at most %d",
			       at + SB_SALT_SIZE, salt_size, PV_VERITY_MAX_SALT);
	p->data_blocks = pv_le64(buf + SB_DATA_BLOCKS);
	if (p->data_blocks == 0)
		return pv_errf(e, PV_EFORMAT,
			       "offset 0x%llx: 0 data blocks, expected at least 1",
			       at + SB_DATA_BLOCKS);
	p->salt_size = salt_size;
	memcpy(p->salt, buf + SB_SALT, salt_size);
	memcpy(p->uuid, buf + SB_UUID, 16);
	p->superblock = true;
	p->hash_offset = base;
	return 0;
}

int pv_verity_sb_build(const struct pv_verity_params *p, uint8_t *out,
		       struct pv_err *e)
{
	const char *name;
	int r;

	r = pv_verity_check_params(p, e);
	if (r)
		return r;
	name = pv_hash_name(p->alg);
	memset(out, 0, PV_VERITY_SB_SIZE);
	memcpy(out + SB_SIGNATURE, signature, sizeof(signature));
	pv_put_le32(out + SB_VERSION, 1);
	pv_put_le32(out + SB_HASH_TYPE, p->hash_type);
	memcpy(out + SB_UUID, p->uuid, 16);
	memcpy(out + SB_ALGORITHM, name, strlen(name));
	pv_put_le32(out + SB_DATA_BS, p->data_block_size);
	pv_put_le32(out + SB_HASH_BS, p->hash_block_size);
	pv_put_le64(out + SB_DATA_BLOCKS, p->data_blocks);
	pv_put_le16(out + SB_SALT_SIZE, (uint16_t)p->salt_size);
	memcpy(out + SB_SALT, p->salt, p->salt_size);
	return 0;
}

int pv_verity_sb_read(const char *path, uint64_t offset,
		      struct pv_verity_params *p, struct pv_err *e)
{
	uint8_t buf[PV_VERITY_SB_SIZE];
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pv_err_errno(e, errno, "%s: cannot open", path);
	r = pv_pread_all(fd, buf, sizeof(buf), offset);
	if (r == PV_ERANGE)
		r = pv_errf(e, PV_EFORMAT,
			    "%s: too short for a superblock at offset 0x%llx",
			    path, (unsigned long long)offset);
	else if (r)
		r = pv_err_errno(e, errno, "%s: cannot read the superblock", path);
	else if ((r = pv_verity_sb_parse(buf, sizeof(buf), offset, p, e)))
		pv_err_prefix(e, "%s", path);
	close(fd);
	return r;
}

void pv_verity_uuid_format(const uint8_t uuid[16], char out[PV_VERITY_UUID_STR])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[uuid[i] >> 4];
		out[o++] = hex[uuid[i] & 15];
	}
	out[o] = 0;
}

int pv_verity_uuid_parse(const char *s, uint8_t uuid[16], struct pv_err *e)
{
	size_t i, n = 0;

	if (strlen(s) != 36)
		goto bad;
	for (i = 0; i < 36; i += 2) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				goto bad;
			i--;
			continue;
		}
		hi = pv_hex_digit(s[i]);
		lo = pv_hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			goto bad;
		uuid[n++] = (uint8_t)(hi << 4 | lo);
	}
	if (n == 16)
		return 0;
bad:
	return pv_errf(e, PV_EINVAL,
		       "UUID \"%s\": expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex)",
		       s);
}
