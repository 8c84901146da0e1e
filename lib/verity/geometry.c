/* SPDX-License-Identifier: Apache-2.0 */
/*
 * geometry.c - parameter checks and the layout of the hash tree levels
 * (dm-verity.md §2, cryptsetup lib/verity/verity_hash.c hash_levels()).
 */
#include "verity/verity.h"
#include "core/bytes.h"
#include "core/err.h"

bool pv_verity_block_size_ok(uint64_t bs)
{
	return pv_is_pow2(bs) && bs >= PV_VERITY_MIN_BLOCK &&
	       bs <= PV_VERITY_MAX_BLOCK;
}

int pv_verity_check_params(const struct pv_verity_params *p, struct pv_err *e)
{
	if (p->hash_type > 1)
		return pv_errf(e, PV_EINVAL, "hash type %u, expected 0 or 1",
			       p->hash_type);
	if (!pv_verity_block_size_ok(p->data_block_size))
		return pv_errf(e, PV_EINVAL,
			       "data block size %u, expected a power of two from 512 to 524288",
			       p->data_block_size);
	if (!pv_verity_block_size_ok(p->hash_block_size))
		return pv_errf(e, PV_EINVAL,
			       "hash block size %u, expected a power of two from 512 to 524288",
			       p->hash_block_size);
	if (p->salt_size > PV_VERITY_MAX_SALT)
		return pv_errf(e, PV_EINVAL, "salt of %zu bytes, at most %d",
			       p->salt_size, PV_VERITY_MAX_SALT);
	if (p->hash_offset % 512)
		return pv_errf(e, PV_EINVAL,
			       "hash offset %llu is not a multiple of 512",
			       (unsigned long long)p->hash_offset);
	if (p->data_blocks == 0)
		return pv_errf(e, PV_EINVAL, "zero data blocks: nothing to hash");
	switch (p->alg) {
	case PV_SHA1:
	case PV_SHA256:
	case PV_SHA384:
	case PV_SHA512:
		break;
	default:
		return pv_errf(e, PV_EINVAL, "unknown hash algorithm %d", (int)p->alg);
	}
	return 0;
}

static unsigned log2_floor(uint64_t v)
{
	unsigned r = 0;

	while (v >>= 1)
		r++;
	return r;
}

int pv_verity_geometry(const struct pv_verity_params *p,
		       struct pv_verity_geom *g, struct pv_err *e)
{
	uint64_t hbs = p->hash_block_size, n, pos, t;
	unsigned i;
	int r;

	r = pv_verity_check_params(p, e);
	if (r)
		return r;
	*g = (struct pv_verity_geom){ 0 };
	g->digest_size = pv_hash_size(p->alg);
	g->slot_size = g->digest_size;
	if (p->hash_type == 1)
		while (!pv_is_pow2(g->slot_size))
			g->slot_size++;
	if (g->slot_size > hbs)
		return pv_errf(e, PV_EINVAL,
			       "hash block size %llu cannot hold one %zu-byte digest",
			       (unsigned long long)hbs, g->slot_size);
	/* hash_per_block_bits = floor(log2(hbs / digest slot)) */
	g->bits = log2_floor(hbs / g->slot_size);
	if (g->bits == 0)
		return pv_errf(e, PV_EINVAL,
			       "hash block size %llu holds fewer than two %zu-byte digests",
			       (unsigned long long)hbs, g->slot_size);

	/* levels: the smallest L with (data_blocks - 1) >> (bits * L) == 0 */
	while (g->levels * g->bits < 64 &&
	       ((p->data_blocks - 1) >> (g->levels * g->bits)) != 0) {
		if (g->levels == PV_VERITY_MAX_LEVELS)
			return pv_errf(e, PV_ERANGE, "more than %d tree levels",
				       PV_VERITY_MAX_LEVELS);
		g->levels++;
	}

	/* The first tree block follows the superblock, or sits at the
	 * offset itself without one. */
	if (p->superblock) {
		if (!pv_add_u64(p->hash_offset, PV_VERITY_SB_SIZE, &t))
			goto overflow;
		g->hash_start = pv_div_round_up(t, hbs);
	} else {
		g->hash_start = p->hash_offset / hbs;
	}

	/* Level sizes, bottom up: each is ceil(previous / 2^bits). */
	n = p->data_blocks;
	for (i = 0; i < g->levels; i++) {
		n = (n >> g->bits) + ((n & ((1ull << g->bits) - 1)) != 0);
		g->level_blocks[i] = n;
		if (!pv_add_u64(g->hash_blocks, n, &g->hash_blocks))
			goto overflow;
	}
	/* On disk the top level comes first. */
	pos = g->hash_start;
	for (i = g->levels; i-- > 0;) {
		g->level_start[i] = pos;
		if (!pv_add_u64(pos, g->level_blocks[i], &pos))
			goto overflow;
	}
	if (!pv_mul_u64(pos, hbs, &g->hash_end))
		goto overflow;
	/* Data offsets must fit too: data_blocks * data_block_size. */
	if (!pv_mul_u64(p->data_blocks, p->data_block_size, &t) ||
	    g->hash_end > INT64_MAX || t > INT64_MAX)
		goto overflow;
	return 0;
overflow:
	return pv_errf(e, PV_ERANGE,
		       "%llu data blocks of %u bytes: the hash area does not fit in 63-bit file offsets",
		       (unsigned long long)p->data_blocks, p->data_block_size);
}
