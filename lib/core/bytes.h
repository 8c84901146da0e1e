/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bytes.h - little- and big-endian loads and stores, and overflow-checked
 * size arithmetic.
 *
 * Everything podvm parses is little-endian except FDT.  Fields are never
 * read by casting a pointer to a wire struct: they are loaded with these
 * helpers, byte by byte, so alignment and host byte order never matter.
 *
 * The arithmetic helpers run *before* the operation they guard and return
 * false on overflow, leaving *res untouched.
 */
#ifndef PODVM_CORE_BYTES_H
#define PODVM_CORE_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint16_t pv_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t pv_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t pv_le64(const uint8_t *p)
{
	return (uint64_t)pv_le32(p) | (uint64_t)pv_le32(p + 4) << 32;
}

static inline uint32_t pv_be32(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[0] << 24;
}

static inline uint64_t pv_be64(const uint8_t *p)
{
	return (uint64_t)pv_be32(p) << 32 | (uint64_t)pv_be32(p + 4);
}

static inline void pv_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void pv_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void pv_put_le64(uint8_t *p, uint64_t v)
{
	pv_put_le32(p, (uint32_t)v);
	pv_put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline void pv_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void pv_put_be64(uint8_t *p, uint64_t v)
{
	pv_put_be32(p, (uint32_t)(v >> 32));
	pv_put_be32(p + 4, (uint32_t)v);
}

/* res = a + b, false on overflow */
static inline bool pv_add_u64(uint64_t a, uint64_t b, uint64_t *res)
{
	uint64_t t;

	if (__builtin_add_overflow(a, b, &t))
		return false;
	*res = t;
	return true;
}

/* res = a * b, false on overflow */
static inline bool pv_mul_u64(uint64_t a, uint64_t b, uint64_t *res)
{
	uint64_t t;

	if (__builtin_mul_overflow(a, b, &t))
		return false;
	*res = t;
	return true;
}

static inline bool pv_add_size(size_t a, size_t b, size_t *res)
{
	size_t t;

	if (__builtin_add_overflow(a, b, &t))
		return false;
	*res = t;
	return true;
}

static inline bool pv_mul_size(size_t a, size_t b, size_t *res)
{
	size_t t;

	if (__builtin_mul_overflow(a, b, &t))
		return false;
	*res = t;
	return true;
}

static inline bool pv_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* res = v rounded up to a multiple of align (a power of two) */
static inline bool pv_align_up_u64(uint64_t v, uint64_t align, uint64_t *res)
{
	uint64_t t;

	if (!pv_is_pow2(align) || !pv_add_u64(v, align - 1, &t))
		return false;
	*res = t & ~(align - 1);
	return true;
}

/* ceil(a / b); b must be non-zero */
static inline uint64_t pv_div_round_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

/* Is [off, off + len) inside [0, total)?  Never overflows. */
static inline bool pv_range_ok(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

/*
 * A bounds-checked cursor over (pointer, length).  Every read checks the
 * remaining length first; a failed read leaves the cursor where it was and
 * the output untouched.
 */
struct pv_reader {
	const uint8_t *buf;
	size_t len;
	size_t off;
};

static inline struct pv_reader pv_reader_make(const void *buf, size_t len)
{
	struct pv_reader r = { .buf = buf, .len = len, .off = 0 };
	return r;
}

static inline size_t pv_reader_left(const struct pv_reader *r)
{
	return r->len - r->off;
}

/**
 * pv_slice - a pointer to [off, off + n) of (buf, len)
 * returns: the pointer, or NULL when the range is not inside the buffer
 */
static inline const uint8_t *pv_slice(const void *buf, size_t len, uint64_t off,
				      uint64_t n)
{
	if (!pv_range_ok(off, n, len))
		return NULL;
	return (const uint8_t *)buf + off;
}

/* Each returns 0, or PV_ERANGE when fewer bytes are left than needed; a
 * failed read leaves the cursor and *v as they were. */
int pv_read_u8(struct pv_reader *r, uint8_t *v);
int pv_read_le16(struct pv_reader *r, uint16_t *v);
int pv_read_le32(struct pv_reader *r, uint32_t *v);
int pv_read_le64(struct pv_reader *r, uint64_t *v);
int pv_read_be32(struct pv_reader *r, uint32_t *v);
/* *p points into the buffer at the n bytes just consumed */
int pv_read_bytes(struct pv_reader *r, size_t n, const uint8_t **p);
int pv_read_skip(struct pv_reader *r, size_t n);
/* move to an absolute offset (<= len) */
int pv_reader_seek(struct pv_reader *r, size_t off);

/** pv_is_zero - true when all @n bytes at @p are zero */
bool pv_is_zero(const void *p, size_t n);

#endif
