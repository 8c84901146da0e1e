/* SPDX-License-Identifier: Apache-2.0 */
/* reader.c - the bounds-checked cursor of bytes.h. */
#include "core/bytes.h"
#include "core/err.h"

#include <string.h>

int pv_read_bytes(struct pv_reader *r, size_t n, const uint8_t **p)
{
	if (n > pv_reader_left(r))
		return PV_ERANGE;
	*p = r->buf + r->off;
	r->off += n;
	return 0;
}

int pv_read_skip(struct pv_reader *r, size_t n)
{
	const uint8_t *p;

	return pv_read_bytes(r, n, &p);
}

int pv_reader_seek(struct pv_reader *r, size_t off)
{
	if (off > r->len)
		return PV_ERANGE;
	r->off = off;
	return 0;
}

int pv_read_u8(struct pv_reader *r, uint8_t *v)
{
	const uint8_t *p;

	if (pv_read_bytes(r, 1, &p))
		return PV_ERANGE;
	*v = p[0];
	return 0;
}

int pv_read_le16(struct pv_reader *r, uint16_t *v)
{
	const uint8_t *p;

	if (pv_read_bytes(r, 2, &p))
		return PV_ERANGE;
	*v = pv_le16(p);
	return 0;
}

int pv_read_le32(struct pv_reader *r, uint32_t *v)
{
	const uint8_t *p;

	if (pv_read_bytes(r, 4, &p))
		return PV_ERANGE;
	*v = pv_le32(p);
	return 0;
}

int pv_read_le64(struct pv_reader *r, uint64_t *v)
{
	const uint8_t *p;

	if (pv_read_bytes(r, 8, &p))
		return PV_ERANGE;
	*v = pv_le64(p);
	return 0;
}

int pv_read_be32(struct pv_reader *r, uint32_t *v)
{
	const uint8_t *p;

	if (pv_read_bytes(r, 4, &p))
		return PV_ERANGE;
	*v = pv_be32(p);
	return 0;
}

bool pv_is_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	/* Compare the buffer with itself shifted by one: zero iff the first
	 * byte is zero and every byte equals its neighbour. */
	if (n == 0)
		return true;
	return b[0] == 0 && memcmp(b, b + 1, n - 1) == 0;
}
