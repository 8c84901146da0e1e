/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_verity.c - the dm-verity superblock parser.  Whatever it accepts
 * must lay out a tree without overflow and encode back to the same bytes
 * (up to the padding fields, which the parser ignores).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "verity/verity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_verity_params p;
	struct pv_verity_geom g;
	struct pv_err e;
	uint8_t out[PV_VERITY_SB_SIZE];

	if (pv_verity_sb_parse(data, size, 0, &p, &e))
		return 0;
	if (p.salt_size > PV_VERITY_MAX_SALT || p.data_blocks == 0)
		abort();
	if (pv_verity_sb_build(&p, out, &e))
		abort(); /* everything parsed is valid */
	/* identical on every field the parser reads: the algorithm only up
	 * to its NUL (cryptsetup, too, ignores what follows it) */
	if (memcmp(out, data, 32) || strcmp((const char *)out + 32, (const char *)data + 32) ||
	    memcmp(out + 64, data + 64, 82 - 64) ||
	    memcmp(out + 88, data + 88, p.salt_size))
		abort();
	if (pv_verity_geometry(&p, &g, &e) == 0) {
		if (g.levels > PV_VERITY_MAX_LEVELS || g.hash_end < g.hash_start)
			abort();
	}
	return 0;
}
