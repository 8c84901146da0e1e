/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_bzimage.c - the kernel loader of lib/linux: the bzImage setup
 * header parser.  What it accepts must lie inside the input, which this
 * target re-reads.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/err.h"
#include "linux/boot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_err e = { 0 };
	volatile uint8_t sink = 0;

	struct pv_bzimage k;

	if (pv_bzimage_parse(data, size, "fuzz", &k, &e) == 0) {
		if (k.setup_len + k.kernel_len != size || k.hdr_end > size ||
		    k.kernel_len > k.init_size)
			abort();
		sink ^= k.kernel[k.kernel_len - 1];
	} else if (!e.msg[0]) {
		abort();
	}
	(void)sink;
	return 0;
}
