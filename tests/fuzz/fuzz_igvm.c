/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_igvm.c - the IGVM reader (lib/igvm).  The input is an IGVM file.
 * The CRC is not enforced (PV_IGVM_NO_CRC) so the fuzzer reaches the
 * header checks; every header the reader accepts must have its content
 * and file data inside the buffer, which this target re-checks by reading
 * them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "igvm/igvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_igvm g;
	struct pv_err e = { 0 };
	volatile uint8_t sink = 0;
	size_t i;
	uint64_t j;

	if (pv_igvm_parse(data, size, "fuzz", PV_IGVM_NO_CRC, &g, &e) == 0) {
		for (i = 0; i < g.nhdr; i++) {
			const struct pv_igvm_hdr *h = &g.hdr[i];

			if (h->length)
				sink ^= h->body[h->length - 1];
			for (j = 0; h->data && j < h->data_len; j += 512)
				sink ^= h->data[j];
			if (h->data && h->data_len)
				sink ^= h->data[h->data_len - 1];
		}
		pv_igvm_release(&g);
	} else if (!e.msg[0]) {
		abort(); /* every failure carries a message */
	}
	(void)sink;
	return 0;
}
