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

/*
 * Called once for each item from the pipeline's @first on, in index order
 * and never twice at a time, as soon as that item and every one before it
 * are done; on whichever thread completed the last of them.  Returns 0 or
 * a negative PV_E* code, which stops the pipeline.
 */
typedef int (*pv_consume_fn)(void *ctx, size_t item);

/**
 * pv_parallel_pipeline - call @fn(ctx, i, i + 1, worker) for every item i
 * of [0, @count), items taken in increasing order by @nthreads threads,
 * and @consume(ctx, i) for each i of [@first, @count) in order while the
 * later items are still being computed: a sequential chain (a launch
 * digest) follows the parallel work (the page digests it chains) instead
 * of waiting for all of it.  Items below @first (long independent
 * streams, taken first) are computed but not consumed.
 * @nthreads: 0 means pv_online_cpus(); 1 runs in the calling thread
 * returns: 0, the first error @fn or @consume returned, or PV_ENOMEM;
 *          on success every item from @first on was consumed
 */
int pv_parallel_pipeline(unsigned nthreads, size_t count, size_t first,
			 pv_task_fn fn, pv_consume_fn consume, void *ctx);

#endif
