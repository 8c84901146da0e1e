/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_core.c - the string parsers of lib/core (hex, numbers, sizes), the
 * bounds-checked reader, and the escaping of error messages.  The first
 * byte selects the parser; the rest is its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "core/hex.h"
#include "core/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_reader(const uint8_t *data, size_t size)
{
	struct pv_reader r = pv_reader_make(data, size);
	const uint8_t *p;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	unsigned steps = 0;
	uint8_t op;

	/* Interpret the input as a program of reads whose lengths come from
	 * the input itself: every path must stay inside the buffer.  Seeks
	 * can jump backwards, so the number of steps is bounded. */
	while (steps++ < 4096 && pv_read_u8(&r, &op) == 0) {
		switch (op & 7) {
		case 0: (void)pv_read_le16(&r, &v16); break;
		case 1: (void)pv_read_le32(&r, &v32); break;
		case 2: (void)pv_read_le64(&r, &v64); break;
		case 3: (void)pv_read_be32(&r, &v32); break;
		case 4:
			if (pv_read_le32(&r, &v32) == 0 &&
			    pv_read_bytes(&r, v32, &p) == 0 && v32)
				(void)pv_is_zero(p, v32);
			break;
		case 5:
			if (pv_read_le32(&r, &v32) == 0)
				(void)pv_reader_seek(&r, v32);
			break;
		case 6:
			if (pv_read_le64(&r, &v64) == 0 &&
			    pv_slice(data, size, v64 >> 32, (uint32_t)v64))
				(void)pv_is_zero(data + (v64 >> 32), (uint32_t)v64);
			break;
		default:
			return;
		}
	}
}

/* A message is one terminated line, whatever the text put in it. */
static void check_msg(const struct pv_err *e)
{
	size_t i, n = strnlen(e->msg, sizeof(e->msg));

	if (n == sizeof(e->msg))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)e->msg[i] < 0x20 || e->msg[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_err e;
	uint8_t out[64];
	size_t outlen;
	uint64_t v;
	char *s;

	if (size == 0)
		return 0;
	if (data[0] == 'r') {
		walk_reader(data + 1, size - 1);
		return 0;
	}
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0]) {
	case 'h':
		(void)pv_hex_decode(s, out, sizeof(out), &outlen, "fuzz", &e);
		break;
	case 'u':
		(void)pv_parse_u64(s, UINT64_MAX, &v, "fuzz", &e);
		break;
	case 'e':
		pv_errf(&e, PV_EFORMAT, "%s: bad", s);
		check_msg(&e);
		pv_err_prefix(&e, "key %s", s);
		check_msg(&e);
		pv_err_errno(&e, 2, "%s", s);
		check_msg(&e);
		break;
	default:
		(void)pv_parse_size(s, (uint64_t)1 << 20, &v, "fuzz", &e);
		break;
	}
	free(s);
	return 0;
}
