/* SPDX-License-Identifier: Apache-2.0 */
/*
 * alloc.h - the one way podvm grows an array.
 *
 * Every dynamic array in the library is a (pointer, count, capacity)
 * triple grown with pv_grow(), as git grows its arrays with ALLOC_GROW:
 * the capacity at least doubles (amortised O(1) appends), the byte size is
 * computed with overflow checks before realloc(3) is called, and a failure
 * leaves the pointer and the capacity exactly as they were, so the caller
 * can still free what it had.
 *
 *	struct ent *v = pv_grow(w->v, &w->cap, w->n + 1, sizeof(*w->v));
 *	if (!v)
 *		return pv_errf(e, PV_ENOMEM, "...");
 *	w->v = v;
 */
#ifndef PODVM_CORE_ALLOC_H
#define PODVM_CORE_ALLOC_H

#include <stddef.h>

/**
 * pv_grow - make room for at least @need elements of @size bytes
 * @p: the array (may be NULL when *@cap is 0)
 * @cap: its capacity in elements; updated only on success
 * @need: the number of elements that must fit
 * returns: the array to use from now on (@p itself when it already had
 *          room), or NULL when the size overflows or memory is short; then
 *          @p is still valid and *@cap unchanged
 */
void *pv_grow(void *p, size_t *cap, size_t need, size_t size);

#endif
