/* SPDX-License-Identifier: Apache-2.0 */
/* alloc.c - pv_grow (alloc.h). */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>

void *pv_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap, bytes;
	void *n;

	if (need <= *cap && p)
		return p;
	if (size == 0)
		return NULL;
	/* git's alloc_nr: (cap + 16) * 3 / 2, but never below @need */
	ncap = *cap;
	if (ncap > (SIZE_MAX - 16) / 3 * 2)
		ncap = need;
	else
		ncap = (ncap + 16) / 2 * 3;
	if (ncap < need)
		ncap = need;
	if (__builtin_mul_overflow(ncap, size, &bytes))
		return NULL;
	n = realloc(p, bytes);
	if (!n)
		return NULL;
	*cap = ncap;
	return n;
}
