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

struct worker {
	struct job *job;
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
			int zero = 0;

			atomic_compare_exchange_strong(&job->error, &zero, r);
			return;
		}
	}
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;

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
