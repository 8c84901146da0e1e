/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_snp_logdiff.c - `measure diff`'s log comparison over arbitrary
 * bytes: the input is split at its first NUL (or in the middle) into the
 * two logs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "snp/steplog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t split = nul ? (size_t)(nul - data) : size / 2;
	size_t rest = size - split - (nul != NULL);
	struct pv_snp_divergence d;
	struct pv_err e = { 0 };
	int r;

	r = pv_snp_log_diff(data, split, data + size - rest, rest, "a", "b",
			    &d, &e);
	if (r != 0 && !e.msg[0])
		abort();
	if (r == 0 && d.found && !d.what[0])
		abort();
	return 0;
}
