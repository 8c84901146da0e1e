/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cca_gen.h - deterministic test inputs for the CCA known answers: a fake
 * arm64 Image (valid 64-byte header, xorshift64 body) and an initrd of
 * pseudo-random bytes.  The expected values in test_cca.c were produced by
 * running lkvm-rim-measurer on files written by exactly these functions
 * (test_cca with PODVM_CCA_WRITE_INPUTS=DIR writes them), so any change
 * here invalidates them.
 */
#ifndef PODVM_TEST_CCA_GEN_H
#define PODVM_TEST_CCA_GEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t gen_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static inline void gen_fill(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(gen_next(&s) >> 56);
}

static inline void gen_put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * A fake Image of @size bytes: code0 = a branch, text_offset 0,
 * image_size @image_size (0 gives an old-style header), flags 0xa
 * (little-endian, 4K pages, anywhere in RAM), magic "ARM\x64".
 */
static inline uint8_t *gen_kernel(uint64_t seed, size_t size,
				  uint64_t image_size)
{
	uint8_t *k = malloc(size);

	if (!k)
		return NULL;
	gen_fill(k, size, seed);
	memset(k, 0, 64);
	k[0] = 0x10; k[3] = 0x14; /* b #0x40 */
	gen_put64(k + 16, image_size);
	gen_put64(k + 24, image_size ? 0xa : 0);
	memcpy(k + 56, "ARM\x64", 4);
	return k;
}

static inline uint8_t *gen_initrd(uint64_t seed, size_t size)
{
	uint8_t *i = malloc(size ? size : 1);

	if (i)
		gen_fill(i, size, seed ^ 0x1717);
	return i;
}

#endif
