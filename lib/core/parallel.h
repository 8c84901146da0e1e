/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parallel.h - run independent work items on a few threads.
 *
 * Measurement chains are sequential, but the digests of the contents they
 * chain (pages, granules, verity blocks) are independent: compute those in
 * parallel with pv_parallel_run(), then walk the chain in order.
 */
#ifndef PODVM_CORE_PARALLEL_H
#define PODVM_CORE_PARALLEL_H

#include <stddef.h>

/*
 * Called with consecutive ranges [begin, end) of the item indices; @worker
 * (0 .. nthreads-1) identifies the calling thread, so per-thread state such
 * as a digest context can live in an array indexed by it.  Returns 0 or a
 * negative PV_E* code, which stops the other workers at their next range.
 */
typedef int (*pv_task_fn)(void *ctx, size_t begin, size_t end, unsigned worker);

/** pv_online_cpus - the number of online CPUs, at least 1 */
unsigned pv_online_cpus(void);

/**
 * pv_parallel_run - call @fn over [0, count) in ranges of @grain items
 * @nthreads: 0 means pv_online_cpus(); 1 runs in the calling thread
 * returns: 0, the first error a worker returned, or PV_ENOMEM
 */
int pv_parallel_run(unsigned nthreads, size_t count, size_t grain,
		    pv_task_fn fn, void *ctx);

#endif
