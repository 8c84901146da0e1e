/* SPDX-License-Identifier: Apache-2.0 */
/*
 * image.c - arm64 Image header (Documentation/arm64/booting.rst §4):
 *   0x00 code0 u32, 0x04 code1 u32, 0x08 text_offset u64,
 *   0x10 image_size u64, 0x18 flags u64, 0x20..0x37 reserved,
 *   0x38 magic u32 = 0x644d5241, 0x3c reserved (PE offset).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cca/image.h"
#include "core/bytes.h"
#include "core/err.h"

enum {
	IH_TEXT_OFFSET = 0x08,
	IH_IMAGE_SIZE = 0x10,
	IH_FLAGS = 0x18,
	IH_MAGIC = 0x38,
};
_Static_assert(IH_MAGIC + 8 == PV_ARM64_HDR_SIZE, "Image header size");

int pv_arm64_image_parse(const uint8_t *buf, size_t len, const char *what,
			 struct pv_arm64_image *img, struct pv_err *e)
{
	uint32_t magic;

	memset(img, 0, sizeof(*img));
	if (!buf || len < PV_ARM64_HDR_SIZE)
		return pv_errf(e, PV_EFORMAT,
			       "%s: %zu bytes, too short for an arm64 Image header (64 bytes)",
			       what, len);
	magic = pv_le32(buf + IH_MAGIC);
	if (magic != PV_ARM64_IMAGE_MAGIC)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x38: bad magic 0x%08x, expected 0x%08x (\"ARM\\x64\"): not an arm64 Image",
			       what, magic, PV_ARM64_IMAGE_MAGIC);
	img->text_offset = pv_le64(buf + IH_TEXT_OFFSET);
	img->image_size = pv_le64(buf + IH_IMAGE_SIZE);
	img->flags = pv_le64(buf + IH_FLAGS);
	if (img->image_size == 0) {
		/* booting.rst: before v3.17 image_size is 0 and the offset
		 * is 0x80000 (what kvmtool and QEMU assume) */
		img->text_offset = PV_ARM64_DEFAULT_TEXT_OFFSET;
	}
	if (img->image_size && (img->flags & 1))
		return pv_errf(e, PV_ENOTSUP,
			       "%s: offset 0x18: flags 0x%llx: big-endian kernel",
			       what, (unsigned long long)img->flags);
	if (img->text_offset >= (1ull << 21))
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x08: text_offset 0x%llx is not below 2 MiB",
			       what, (unsigned long long)img->text_offset);
	if (img->image_size > (1ull << 40))
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x10: image_size 0x%llx is implausible",
			       what, (unsigned long long)img->image_size);
	return 0;
}

bool pv_is_gzip(const uint8_t *buf, size_t len)
{
	return buf && len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b;
}

int pv_gunzip(const uint8_t *buf, size_t len, size_t max, const char *what,
	      uint8_t **out, size_t *outlen, struct pv_err *e)
{
	z_stream zs;
	uint8_t *o = NULL, *n;
	size_t cap = 0, used = 0;
	int zr;

	*out = NULL;
	*outlen = 0;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return pv_errf(e, PV_ENOMEM, "%s: zlib init failed", what);
	zs.next_in = (Bytef *)(uintptr_t)buf;
	do {
		size_t chunk;

		if (used == cap) {
			if (cap >= max) {
				inflateEnd(&zs);
				free(o);
				return pv_errf(e, PV_ETOOBIG,
					       "%s: decompresses to more than %zu bytes",
					       what, max);
			}
			cap = cap ? cap * 2 : (1u << 20);
			if (cap > max)
				cap = max;
			n = realloc(o, cap);
			if (!n) {
				inflateEnd(&zs);
				free(o);
				return pv_errf(e, PV_ENOMEM, "%s: out of memory",
					       what);
			}
			o = n;
		}
		chunk = len - (size_t)((const uint8_t *)zs.next_in - buf);
		zs.avail_in = chunk > UINT32_MAX ? UINT32_MAX : (uInt)chunk;
		zs.next_out = o + used;
		zs.avail_out = (cap - used) > UINT32_MAX ? UINT32_MAX
							 : (uInt)(cap - used);
		zr = inflate(&zs, Z_NO_FLUSH);
		used = (size_t)(zs.next_out - o);
		if (zr == Z_BUF_ERROR && zs.avail_in == 0 && zs.avail_out != 0)
			break; /* truncated */
	} while (zr == Z_OK || (zr == Z_BUF_ERROR && zs.avail_out == 0));
	inflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(o);
		return pv_errf(e, PV_EFORMAT,
			       "%s: corrupt or truncated gzip data at input offset %zu",
			       what, (size_t)((const uint8_t *)zs.next_in - buf));
	}
	*out = o;
	*outlen = used;
	return 0;
}
