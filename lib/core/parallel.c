/* SPDX-License-Identifier: Apache-2.0 */
/* parallel.c - a fork/join loop over item ranges with pthreads. */
#include "core/parallel.h"
#include "core/err.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define PV_MAX_THREADS 256

struct job {
	pv_task_fn fn;
	void *ctx;
	size_t count;
	size_t grain;
	atomic_size_t next;
	atomic_int error;
};

struct pipe {
	pv_task_fn fn;
	pv_consume_fn consume;
	void *ctx;
	size_t count;
	size_t first;
	atomic_size_t next;	/* the next item to compute */
	atomic_int error;
	atomic_uchar *done;	/* per item from @first on */
	atomic_size_t consumed;	/* the next item to consume */
	atomic_int busy;	/* a thread is consuming */
};

struct worker {
	struct job *job;
	struct pipe *pipe;
	unsigned index;
	pthread_t thread;
};

unsigned pv_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > PV_MAX_THREADS ? PV_MAX_THREADS : (unsigned)n;
}

static void set_error(atomic_int *error, int r)
{
	int zero = 0;

	atomic_compare_exchange_strong(error, &zero, r);
}

static void run_ranges(struct job *job, unsigned index)
{
	for (;;) {
		size_t begin, end;
		int r;

		if (atomic_load(&job->error))
			return;
		begin = atomic_fetch_add(&job->next, job->grain);
		if (begin >= job->count)
			return;
		end = job->count - begin < job->grain ? job->count : begin + job->grain;
		r = job->fn(job->ctx, begin, end, index);
		if (r) {
			set_error(&job->error, r);
			return;
		}
	}
}

/*
 * Consume the done items in order.  One thread at a time holds @busy; a
 * thread that finds it held leaves, and the holder looks again after
 * letting go, so an item done meanwhile is not left behind (sequentially
 * consistent atomics: either the holder's second look sees the item done,
 * or the item's thread sees @busy free).
 */
static void drain(struct pipe *p)
{
	for (;;) {
		size_t i;
		int zero = 0;

		if (!atomic_compare_exchange_strong(&p->busy, &zero, 1))
			return;
		i = atomic_load(&p->consumed);
		while (i < p->count && atomic_load(&p->done[i - p->first]) &&
		       !atomic_load(&p->error)) {
			int r = p->consume(p->ctx, i);

			if (r)
				set_error(&p->error, r);
			atomic_store(&p->consumed, ++i);
		}
		atomic_store(&p->busy, 0);
		if (atomic_load(&p->error))
			return;
		i = atomic_load(&p->consumed);
		if (i >= p->count || !atomic_load(&p->done[i - p->first]))
			return;
	}
}

static void run_pipe(struct pipe *p, unsigned index)
{
	for (;;) {
		size_t i;
		int r;

		if (atomic_load(&p->error))
			return;
		i = atomic_fetch_add(&p->next, 1);
		if (i >= p->count)
			return;
		r = p->fn(p->ctx, i, i + 1, index);
		if (r) {
			set_error(&p->error, r);
			return;
		}
		if (i >= p->first) {
			atomic_store(&p->done[i - p->first], 1);
			drain(p);
		}
	}
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;

	if (w->pipe)
		run_pipe(w->pipe, w->index);
	else
		run_ranges(w->job, w->index);
	return NULL;
}

int pv_parallel_run(unsigned nthreads, size_t count, size_t grain,
		    pv_task_fn fn, void *ctx)
{
	struct worker *workers;
	struct job job = { .fn = fn, .ctx = ctx, .count = count,
			   .grain = grain ? grain : 1 };
	unsigned i, started = 0;

	atomic_init(&job.next, 0);
	atomic_init(&job.error, 0);
	if (nthreads == 0)
		nthreads = pv_online_cpus();
	if (nthreads > PV_MAX_THREADS)
		nthreads = PV_MAX_THREADS;
	if ((size_t)nthreads > (count + job.grain - 1) / job.grain)
		nthreads = (unsigned)((count + job.grain - 1) / job.grain);
	if (nthreads <= 1) {
		run_ranges(&job, 0);
		return atomic_load(&job.error);
	}
	workers = calloc(nthreads, sizeof(*workers));
	if (!workers)
		return PV_ENOMEM;
	/* Worker 0 is the calling thread. */
	for (i = 1; i < nthreads; i++) {
		workers[i].job = &job;
		workers[i].index = i;
		if (pthread_create(&workers[i].thread, NULL, thread_main,
				   &workers[i]))
			break;
		started++;
	}
	run_ranges(&job, 0);
	for (i = 1; i <= started; i++)
		pthread_join(workers[i].thread, NULL);
	free(workers);
	return atomic_load(&job.error);
}

int pv_parallel_pipeline(unsigned nthreads, size_t count, size_t first,
			 pv_task_fn fn, pv_consume_fn consume, void *ctx)
{
	struct pipe p = { .fn = fn, .consume = consume, .ctx = ctx,
			  .count = count, .first = first < count ? first : count };
	struct worker *workers = NULL;
	unsigned i, started = 0;
	size_t n;

	atomic_init(&p.next, 0);
	atomic_init(&p.error, 0);
	atomic_init(&p.consumed, p.first);
	atomic_init(&p.busy, 0);
	if (count == 0)
		return 0;
	p.done = calloc(count - p.first + 1, sizeof(*p.done));
	if (!p.done)
		return PV_ENOMEM;
	for (n = 0; n < count - p.first; n++)
		atomic_init(&p.done[n], 0);
	if (nthreads == 0)
		nthreads = pv_online_cpus();
	if (nthreads > PV_MAX_THREADS)
		nthreads = PV_MAX_THREADS;
	if (nthreads > count)
		nthreads = (unsigned)count;
	if (nthreads > 1)
		workers = calloc(nthreads, sizeof(*workers));
	/* Worker 0 is the calling thread; without memory it works alone. */
	for (i = 1; workers && i < nthreads; i++) {
		workers[i].pipe = &p;
		workers[i].index = i;
		if (pthread_create(&workers[i].thread, NULL, thread_main,
				   &workers[i]))
			break;
		started++;
	}
	run_pipe(&p, 0);
	for (i = 1; i <= started; i++)
		pthread_join(workers[i].thread, NULL);
	free(workers);
	/* Everything is computed: what a race left behind is consumed now. */
	drain(&p);
	free(p.done);
	return atomic_load(&p.error);
}
