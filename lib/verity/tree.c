/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tree.c - build and verify dm-verity hash trees (dm-verity.md §2, §3).
 *
 * One engine serves both: hash_level() computes the blocks of one level
 * (the "parents") from the blocks below it (the "children": data blocks
 * for level 0, hash blocks of level i-1 otherwise), window by window of
 * parents.  The children are read with large sequential reads and hashed
 * in parallel, each worker with one reused multi-buffer context
 * (core/mbhash.h: ipsec-mb's SIMD lanes when the build has it, else
 * OpenSSL EVP).  A salted block is hashed as one message: each worker's
 * buffer holds records of salt and block side by side, the salts laid once
 * per level and the blocks read between them with preadv().  (Hashing
 * from mmap()ed windows instead, populated or not, cost the same CPU time
 * when the page cache held large folios and up to 70% more when it held
 * small ones, on the 2-core VM of bench/verity.sh: the copy stays.)
 * There is no barrier between windows: two window buffers take turns, the
 * workers go on into the next window while the last one to finish a window
 * writes its parents (format) or compares them with what is stored
 * (verify), always in order.  Memory stays bounded whatever the input
 * size: two windows of at most 4 MiB (plus one for verify) and one read
 * buffer per worker, at most 16 workers, of 2 MiB of blocks and their
 * salts (at most 2.5 MiB: fewer blocks when the salt is long).
 */
#include "verity/verity.h"
#include "core/bytes.h"
#include "core/err.h"
#include "core/file.h"
#include "core/mbhash.h"
#include "core/parallel.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW_MAX (4u << 20)   /* parent bytes per window */
#define CHUNK_MAX (2u << 20)    /* child bytes per read */
#define THREADS_MAX 16
#define NSLOTS 2                /* window buffers */
#define BATCH 256               /* blocks a multi-buffer call: 16 lanes x 16 */

struct worker {
	struct pv_mbhash h;
	uint8_t *buf;            /* records of the chunk being hashed */
	uint8_t *md;             /* their digests */
};

/* Window @win's parents, filled by the workers; under engine.lock. */
struct slot {
	uint8_t *buf;
	uint64_t win;
	size_t pending;          /* its chunks not hashed yet */
};

struct engine {
	const struct pv_verity_params *p;
	const struct pv_verity_geom *g;
	unsigned nthreads;
	struct worker *w;
	struct slot slot[NSLOTS];
	uint8_t *stored;         /* verify: stored parent window */
	size_t chunk;            /* block bytes of a worker's chunk at most */
	size_t window;           /* bytes of window buffers */
	const struct pv_verity_opts *o;
	const char *data_path, *hash_path;
	int hash_fd;
	bool verify;
	/* the level being computed */
	unsigned level;
	int src_fd;
	uint64_t src_off;       /* byte offset of child 0 */
	uint32_t src_bs;
	size_t pre, stride;     /* the children's records: block at pre */
	const char *src_path;   /* the children's file */
	uint64_t nchildren, nparents, nwindows;
	uint64_t win_parents, win_children;
	size_t grain;           /* children per chunk, divides win_children */
	uint64_t next_flush;    /* the first window not written/compared */
	bool flushing;          /* a worker is writing/comparing a window */
	pthread_mutex_t lock;
	pthread_cond_t cond;    /* a slot changed window, or an error */
	struct pv_err err;      /* the first worker error */
	uint64_t progress_total;
	atomic_uint_fast64_t done;
};

/*
 * The record of a block of @bs bytes: salt || block (type 1) or
 * block || salt (type 0), hashed whole (dm-verity.md §3).  The block
 * starts at *pre of a record of *stride bytes.
 */
static void record_layout(const struct pv_verity_params *p, size_t bs,
			  size_t *pre, size_t *stride)
{
	*pre = p->hash_type == 1 ? p->salt_size : 0;
	*stride = bs + p->salt_size;
}

/* Lay the salt into @n records of @bs-byte blocks at @buf. */
static void lay_salt(const struct pv_verity_params *p, size_t bs,
		     uint8_t *buf, size_t n)
{
	size_t pre, stride, i;

	record_layout(p, bs, &pre, &stride);
	for (i = 0; p->salt_size && i < n; i++)
		memcpy(buf + i * stride + (pre ? 0 : bs), p->salt, p->salt_size);
}

/* Record the first error (workers stop at their next chunk) and wake the
 * workers waiting for a window buffer. */
static int engine_fail(struct engine *en, const struct pv_err *err)
{
	pthread_mutex_lock(&en->lock);
	if (!en->err.code)
		en->err = *err;
	pthread_cond_broadcast(&en->cond);
	pthread_mutex_unlock(&en->lock);
	return err->code;
}

static int worker_error(struct engine *en, int code, const char *what,
			unsigned long long off)
{
	struct pv_err err = { 0 };
	int errnum = errno;

	if (code == PV_EIO)
		pv_err_errno(&err, errnum, "%s: %s at offset %llu", en->src_path,
			     what, off);
	else
		pv_errf(&err, code, "%s: %s at offset %llu", en->src_path, what, off);
	return engine_fail(en, &err);
}

static uint64_t hash_pos(const struct engine *en, unsigned level, uint64_t block)
{
	return (en->g->level_start[level] + block) * en->p->hash_block_size;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Parent bytes of window @w, and its chunks of children. */
static size_t window_bytes(const struct engine *en, uint64_t w)
{
	return (size_t)(min_u64(en->win_parents, en->nparents - w * en->win_parents) *
			en->p->hash_block_size);
}

static size_t window_chunks(const struct engine *en, uint64_t w)
{
	uint64_t n = min_u64(en->win_children, en->nchildren - w * en->win_children);

	return (size_t)((n + en->grain - 1) / en->grain);
}

/* Name the child whose slot differs at byte @diff of the window. */
static int report_mismatch(struct engine *en, uint64_t first_parent,
			   size_t diff, struct pv_err *e)
{
	const struct pv_verity_geom *g = en->g;
	uint64_t hbs = en->p->hash_block_size;
	uint64_t parent = first_parent + diff / hbs;
	size_t in = diff % hbs;
	size_t per = (size_t)1 << g->bits;
	uint64_t child = parent * per + in / g->slot_size;
	unsigned level = en->level;

	if (in >= per * g->slot_size || child >= en->nchildren ||
	    in % g->slot_size >= g->digest_size)
		return pv_errf(e, PV_EVERIFY,
			       "%s: hash block %llu of level %u (offset %llu) is corrupted: spare byte %zu is not zero",
			       en->hash_path, (unsigned long long)parent, level,
			       (unsigned long long)hash_pos(en, level, parent), in);
	if (level == 0)
		return pv_errf(e, PV_EVERIFY,
			       "%s: data block %llu (offset %llu) is corrupted",
			       en->data_path, (unsigned long long)child,
			       (unsigned long long)(child * en->p->data_block_size));
	return pv_errf(e, PV_EVERIFY,
		       "%s: hash block %llu of level %u (offset %llu) is corrupted",
		       en->hash_path, (unsigned long long)child, level - 1,
		       (unsigned long long)hash_pos(en, level - 1, child));
}

/*
 * Write the parents of the slot's window (format) or compare them with the
 * stored ones (verify), then clear the buffer for window win + NSLOTS.
 * One worker at a time (engine.flushing).
 */
static int flush_window(struct engine *en, struct slot *s, struct pv_err *e)
{
	uint64_t first = s->win * en->win_parents;
	uint64_t at = hash_pos(en, en->level, first);
	size_t bytes = window_bytes(en, s->win), i;
	int r;

	if (en->verify) {
		r = pv_pread_all(en->hash_fd, en->stored, bytes, at);
		if (r == PV_ERANGE)
			return pv_errf(e, PV_ERANGE,
				       "%s: ends inside level %u: too small for the tree (needs %llu bytes)",
				       en->hash_path, en->level,
				       (unsigned long long)en->g->hash_end);
		if (r)
			return pv_err_errno(e, errno, "%s: cannot read hash level %u",
					    en->hash_path, en->level);
		if (memcmp(s->buf, en->stored, bytes)) {
			for (i = 0; s->buf[i] == en->stored[i]; i++)
				;
			return report_mismatch(en, first, i, e);
		}
	} else {
		if (lseek(en->hash_fd, (off_t)at, SEEK_SET) < 0 ||
		    pv_write_all(en->hash_fd, s->buf, bytes))
			return pv_err_errno(e, errno, "%s: cannot write hash level %u at offset %llu",
					    en->hash_path, en->level, (unsigned long long)at);
		/* Start the writeback now rather than all of it at the final
		 * fsync (advisory: that fsync reports any error). */
		(void)sync_file_range(en->hash_fd, (off_t)at, (off_t)bytes,
				      SYNC_FILE_RANGE_WRITE);
	}
	if (en->level == 0 && en->o && en->o->progress)
		en->o->progress(en->o->progress_arg, atomic_load(&en->done),
				en->progress_total);
	if (s->win + NSLOTS < en->nwindows)
		memset(s->buf, 0, window_bytes(en, s->win + NSLOTS));
	return 0;
}

/*
 * A chunk of @s's window is hashed: the worker that completes the oldest
 * pending window flushes it, and the ones after it that are complete too,
 * then hands its buffer to the window NSLOTS ahead.
 */
static int chunk_done(struct engine *en, struct slot *s)
{
	struct pv_err err = { 0 };
	int r = 0;

	pthread_mutex_lock(&en->lock);
	s->pending--;
	while (!en->flushing && !en->err.code && en->next_flush < en->nwindows) {
		s = &en->slot[en->next_flush % NSLOTS];
		if (s->pending)
			break;
		en->flushing = true;
		pthread_mutex_unlock(&en->lock);
		r = flush_window(en, s, &err);
		pthread_mutex_lock(&en->lock);
		en->flushing = false;
		if (r) {
			if (!en->err.code)
				en->err = err;
			pthread_cond_broadcast(&en->cond);
			break;
		}
		en->next_flush++;
		s->win += NSLOTS;
		s->pending = s->win < en->nwindows ? window_chunks(en, s->win) : 0;
		pthread_cond_broadcast(&en->cond);
	}
	pthread_mutex_unlock(&en->lock);
	return r;
}

/* Wait until @s holds window @w (its older window is flushed). */
static int claim_slot(struct engine *en, struct slot *s, uint64_t w)
{
	int r;

	pthread_mutex_lock(&en->lock);
	while (s->win != w && !en->err.code)
		pthread_cond_wait(&en->cond, &en->lock);
	r = en->err.code;
	pthread_mutex_unlock(&en->lock);
	return r;
}

/* Hash children [begin, end) of the level (one chunk) into their slots. */
static int hash_task(void *ctx, size_t begin, size_t end, unsigned worker)
{
	struct engine *en = ctx;
	struct worker *w = &en->w[worker];
	const struct pv_verity_geom *g = en->g;
	uint64_t win = begin / en->win_children;
	struct slot *s = &en->slot[win % NSLOTS];
	uint64_t off = en->src_off + (uint64_t)begin * en->src_bs;
	size_t len = (end - begin) * en->src_bs, i;
	size_t per = (size_t)1 << g->bits;
	int r;

	r = claim_slot(en, s, win);
	if (r)
		return r;
	r = pv_pread_strided(en->src_fd, w->buf + en->pre, en->stride,
			     en->src_bs, end - begin, off);
	if (r == PV_ERANGE)
		return worker_error(en, PV_ERANGE,
				    "file ends before the data", (unsigned long long)(off + len));
	if (r)
		return worker_error(en, PV_EIO, "cannot read",
				    (unsigned long long)off);
	for (i = begin; i < end; i++) {
		size_t k = i - (size_t)(win * en->win_children), slot;
		size_t b = (i - begin) % BATCH;

		if (b == 0) {
			size_t n = end - i < BATCH ? end - i : BATCH;

			r = pv_mbhash_run(&w->h, w->buf + (i - begin) * en->stride,
					  en->stride, en->stride, n, w->md);
			if (r)
				return worker_error(en, r, "digest failed",
						    (unsigned long long)off);
		}
		slot = (k / per) * en->p->hash_block_size + (k % per) * g->slot_size;
		memcpy(s->buf + slot, w->md + b * g->digest_size, g->digest_size);
	}
	if (en->progress_total)
		atomic_fetch_add(&en->done, (uint64_t)len);
	return chunk_done(en, s);
}

/*
 * Compute level @level from its children; write it to the hash device
 * (format) or compare it with what the device holds (verify).
 */
static int hash_level(struct engine *en, unsigned level, int data_fd,
		      struct pv_err *e)
{
	const struct pv_verity_params *p = en->p;
	const struct pv_verity_geom *g = en->g;
	uint64_t per = 1ull << g->bits;
	unsigned i;
	int r;

	en->level = level;
	en->src_path = level ? en->hash_path : en->data_path;
	if (level) {
		en->src_fd = en->hash_fd;
		en->src_off = hash_pos(en, level - 1, 0);
		en->src_bs = p->hash_block_size;
	} else {
		en->src_fd = data_fd;
		en->src_off = 0;
		en->src_bs = p->data_block_size;
	}
	record_layout(p, en->src_bs, &en->pre, &en->stride);
	en->nchildren = level ? g->level_blocks[level - 1] : p->data_blocks;
	en->nparents = g->level_blocks[level];
	en->win_parents = 1;
	while (en->win_parents * 2 * p->hash_block_size <= en->window)
		en->win_parents *= 2;
	/* Keep windows of children small enough for progress reports. */
	while (en->win_parents > 1 &&
	       en->win_parents * per * en->src_bs > (256ull << 20))
		en->win_parents /= 2;
	en->win_children = en->win_parents * per;
	en->nwindows = (en->nparents + en->win_parents - 1) / en->win_parents;
	/* Powers of two: a chunk never straddles two windows. */
	en->grain = (size_t)min_u64(en->chunk / en->src_bs, en->win_children);
	for (i = 0; i < en->nthreads; i++)
		lay_salt(p, en->src_bs, en->w[i].buf, en->grain);
	en->next_flush = 0;
	en->flushing = false;
	for (i = 0; i < NSLOTS; i++) {
		struct slot *s = &en->slot[i];

		s->win = i;
		s->pending = i < en->nwindows ? window_chunks(en, i) : 0;
		if (i < en->nwindows)
			memset(s->buf, 0, window_bytes(en, i));
	}
	r = pv_parallel_run(en->nthreads, (size_t)en->nchildren, en->grain,
			    hash_task, en);
	if (en->err.code) {
		*e = en->err;
		return en->err.code;
	}
	if (r)
		return pv_errf(e, r, "%s: level %u: %s", en->src_path, level,
			       pv_strerror(r));
	if (en->next_flush != en->nwindows)
		return pv_errf(e, PV_EINVAL, "level %u: %llu of %llu windows done",
			       level, (unsigned long long)en->next_flush,
			       (unsigned long long)en->nwindows);
	return 0;
}

static void engine_free(struct engine *en)
{
	unsigned i;

	if (en->w) {
		for (i = 0; i < en->nthreads; i++) {
			pv_mbhash_free(&en->w[i].h);
			free(en->w[i].buf);
			free(en->w[i].md);
		}
		free(en->w);
	}
	for (i = 0; i < NSLOTS; i++)
		free(en->slot[i].buf);
	free(en->stored);
	pthread_cond_destroy(&en->cond);
	pthread_mutex_destroy(&en->lock);
}

/* Zero the engine and set up its lock: engine_free() is then safe. */
static void engine_zero(struct engine *en)
{
	memset(en, 0, sizeof(*en));
	pthread_mutex_init(&en->lock, NULL);
	pthread_cond_init(&en->cond, NULL);
	en->hash_fd = -1;
}

static int engine_init(struct engine *en, const struct pv_verity_params *p,
		       const struct pv_verity_geom *g,
		       const struct pv_verity_opts *o, bool verify,
		       struct pv_err *e)
{
	size_t win = o && o->window ? o->window : WINDOW_MAX, maxbs, minbs;
	size_t records, bufsize;
	unsigned i;
	int r;

	en->p = p;
	en->g = g;
	en->o = o;
	en->verify = verify;
	en->nthreads = o && o->threads ? o->threads : pv_online_cpus();
	if (en->nthreads > THREADS_MAX)
		en->nthreads = THREADS_MAX;
	maxbs = p->data_block_size > p->hash_block_size ? p->data_block_size
							: p->hash_block_size;
	minbs = p->data_block_size < p->hash_block_size ? p->data_block_size
							: p->hash_block_size;
	en->chunk = CHUNK_MAX > maxbs ? CHUNK_MAX : maxbs; /* a multiple of it */
	/* Small blocks with a long salt: fewer blocks a chunk, so that the
	 * records fit in 2.5 MiB (16 workers, their ipsec-mb managers of
	 * 200 KiB and three windows stay under 64 MiB). */
	for (;;) {
		records = en->chunk / minbs;
		bufsize = en->chunk + records * p->salt_size;
		if (bufsize <= CHUNK_MAX + CHUNK_MAX / 4 || en->chunk / 2 < maxbs)
			break;
		en->chunk /= 2;
	}
	if (win > WINDOW_MAX)
		win = WINDOW_MAX;
	if (win < p->hash_block_size)
		win = p->hash_block_size;
	en->window = win;
	for (i = 0; i < NSLOTS; i++) {
		en->slot[i].buf = malloc(win);
		if (!en->slot[i].buf)
			goto nomem;
	}
	en->stored = verify ? malloc(win) : NULL;
	en->w = calloc(en->nthreads, sizeof(*en->w));
	if ((verify && !en->stored) || !en->w)
		goto nomem;
	for (i = 0; i < en->nthreads; i++) {
		struct worker *w = &en->w[i];
		void *buf;

		r = pv_mbhash_init(&w->h, p->alg, o ? o->engine : PV_MB_AUTO, e);
		if (r)
			return r;
		/* 2 MiB-aligned so the kernel may back it with one huge page:
		 * fewer TLB misses in the copy and the hashing (a few %). */
		if (posix_memalign(&buf, CHUNK_MAX, bufsize))
			goto nomem;
		w->buf = buf;
		(void)madvise(w->buf, bufsize, MADV_HUGEPAGE);
		w->md = malloc(BATCH * g->digest_size);
		if (!w->md)
			goto nomem;
	}
	return 0;
nomem:
	return pv_errf(e, PV_ENOMEM, "out of memory for the hash windows");
}

/* The root: the digest of the top block, or of the only data block. */
static int root_digest(struct engine *en, int data_fd, int hash_fd,
		       uint8_t *root, struct pv_err *e)
{
	const struct pv_verity_params *p = en->p;
	const struct pv_verity_geom *g = en->g;
	size_t bs = g->levels ? p->hash_block_size : p->data_block_size;
	size_t pre, stride;
	uint8_t *buf;
	int r;

	record_layout(p, bs, &pre, &stride);
	buf = malloc(stride);
	if (!buf)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	lay_salt(p, bs, buf, 1);
	if (g->levels)
		r = pv_pread_all(hash_fd, buf + pre, bs, hash_pos(en, g->levels - 1, 0));
	else
		r = pv_pread_all(data_fd, buf + pre, bs, 0);
	if (r == PV_ERANGE)
		r = pv_errf(e, PV_ERANGE, "%s: too small for the tree (needs %llu bytes)",
			    g->levels ? en->hash_path : en->data_path,
			    (unsigned long long)(g->levels ? g->hash_end : bs));
	else if (r)
		r = pv_err_errno(e, errno, "%s: cannot read the %s",
				 g->levels ? en->hash_path : en->data_path,
				 g->levels ? "top hash block" : "data block");
	else if (pv_mbhash_run(&en->w[0].h, buf, stride, stride, 1, root))
		r = pv_errf(e, PV_ECRYPTO, "digest failed");
	free(buf);
	return r;
}

static int file_size(int fd, uint64_t *size)
{
	struct stat st;
	off_t end;

	if (fstat(fd, &st) < 0)
		return -1;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	end = lseek(fd, 0, SEEK_END);
	if (end < 0)
		return -1;
	*size = (uint64_t)end;
	return 0;
}

static bool is_dir(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

static int open_data(const char *path, const struct pv_verity_params *p,
		     bool count, uint64_t *blocks, struct pv_err *e)
{
	uint64_t size;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pv_err_errno(e, errno, "%s: cannot open the data file", path);
	if (file_size(fd, &size) < 0) {
		pv_err_errno(e, errno, "%s: cannot get its size", path);
		close(fd);
		return PV_EIO;
	}
	if (is_dir(fd)) {
		close(fd);
		return pv_errf(e, PV_EIO, "%s: is a directory, expected a data file", path);
	}
	if (count) {
		*blocks = size / p->data_block_size;
		if (*blocks == 0) {
			close(fd);
			return pv_errf(e, PV_EINVAL,
				       "%s: %llu bytes, less than one %u-byte data block",
				       path, (unsigned long long)size, p->data_block_size);
		}
	} else if (size / p->data_block_size < p->data_blocks) {
		close(fd);
		return pv_errf(e, PV_ERANGE,
			       "%s: %llu bytes, too small for %llu data blocks of %u bytes",
			       path, (unsigned long long)size,
			       (unsigned long long)p->data_blocks, p->data_block_size);
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return fd;
}

int pv_verity_format(const char *data_path, const char *hash_path,
		     struct pv_verity_params *p, const struct pv_verity_opts *o,
		     struct pv_verity_result *res, struct pv_err *e)
{
	struct engine en;
	struct pv_out out = { .fd = -1 };
	struct stat dst, hst;
	uint8_t sb[PV_VERITY_SB_SIZE];
	uint64_t blocks = 0, data_end, size;
	int data_fd, hash_fd = -1, r;
	bool in_place = false;
	unsigned i;

	memset(res, 0, sizeof(*res));
	if (!pv_verity_block_size_ok(p->data_block_size))
		return pv_errf(e, PV_EINVAL,
			       "data block size %u, expected a power of two from 512 to 524288",
			       p->data_block_size);
	data_fd = open_data(data_path, p, p->data_blocks == 0, &blocks, e);
	if (data_fd < 0)
		return data_fd;
	if (p->data_blocks == 0)
		p->data_blocks = blocks;
	engine_zero(&en);
	r = pv_verity_geometry(p, &res->geom, e);
	if (r)
		goto out;
	if (p->superblock && (r = pv_verity_sb_build(p, sb, e)))
		goto out;
	if (strcmp(hash_path, "-") == 0) {
		r = pv_errf(e, PV_EINVAL, "the hash device must be a file, not standard output");
		goto out;
	}

	/* A block device, a file with a hash offset and the data file
	 * itself are written in place (outside the data); a new or
	 * existing regular hash file atomically: a temporary file renamed
	 * into place, so that a kill, a full disk or a concurrent run never
	 * leaves a tree that matches no root, and a rerun over an old,
	 * larger file gives the bytes of a fresh one. */
	if (stat(hash_path, &hst) == 0) {
		bool same = fstat(data_fd, &dst) == 0 && dst.st_dev == hst.st_dev &&
			    dst.st_ino == hst.st_ino;

		if (!S_ISREG(hst.st_mode) && !S_ISBLK(hst.st_mode)) {
			r = pv_errf(e, PV_EINVAL,
				    "%s: is not a regular file nor a block device",
				    hash_path);
			goto out;
		}
		in_place = S_ISBLK(hst.st_mode) || p->hash_offset || same;
	}
	if (in_place) {
		hash_fd = open(hash_path, O_RDWR | O_CLOEXEC);
		if (hash_fd < 0) {
			r = pv_err_errno(e, errno, "%s: cannot open the hash device for writing",
					 hash_path);
			goto out;
		}
		/* A device cannot grow: it must hold the tree already. */
		if (!S_ISREG(hst.st_mode) &&
		    (file_size(hash_fd, &size) < 0 || size < res->geom.hash_end)) {
			r = pv_errf(e, PV_ERANGE,
				    "%s: device too small for the tree (needs %llu bytes)",
				    hash_path, (unsigned long long)res->geom.hash_end);
			goto out;
		}
		if (fstat(data_fd, &dst) == 0 && dst.st_dev == hst.st_dev &&
		    dst.st_ino == hst.st_ino) {
			uint64_t area = res->geom.hash_start * p->hash_block_size;

			if (p->superblock)
				area = p->hash_offset;
			data_end = p->data_blocks * p->data_block_size;
			if (area < data_end) {
				r = pv_errf(e, PV_EINVAL,
					    "%s: the hash area at offset %llu overlaps the %llu bytes of data: use --data-blocks and --hash-offset",
					    hash_path, (unsigned long long)area,
					    (unsigned long long)data_end);
				goto out;
			}
		}
	} else {
		r = pv_out_open(&out, hash_path, e);
		if (r)
			goto out;
		hash_fd = out.fd;
	}

	r = engine_init(&en, p, &res->geom, o, false, e);
	if (r)
		goto out;
	en.data_path = data_path;
	en.hash_path = hash_path;
	en.hash_fd = hash_fd;
	en.progress_total = p->data_blocks * p->data_block_size;
	for (i = 0; i < res->geom.levels; i++) {
		r = hash_level(&en, i, data_fd, e);
		if (r)
			goto out;
	}
	r = root_digest(&en, data_fd, hash_fd, res->root, e);
	if (r)
		goto out;
	res->root_size = res->geom.digest_size;
	if (p->superblock && (lseek(hash_fd, (off_t)p->hash_offset, SEEK_SET) < 0 ||
			      pv_write_all(hash_fd, sb, sizeof(sb)))) {
		r = pv_err_errno(e, errno, "%s: cannot write the superblock", hash_path);
		goto out;
	}
	/* The hash device ends with the tree (with the superblock's block
	 * when there is no tree): extend a file that is shorter. */
	if (file_size(hash_fd, &size) < 0) {
		r = pv_err_errno(e, errno, "%s: cannot get its size", hash_path);
		goto out;
	}
	if (size < res->geom.hash_end) {
		if (ftruncate(hash_fd, (off_t)res->geom.hash_end) < 0) {
			r = pv_err_errno(e, errno, "%s: cannot extend to %llu bytes",
					 hash_path, (unsigned long long)res->geom.hash_end);
			goto out;
		}
		size = res->geom.hash_end;
	}
	res->hash_file_size = size;
	/* flushed before anything else is written, so that a full disk
	 * fails here and not after o->before_commit */
	if (fsync(hash_fd) < 0 && (in_place ? errno != EINVAL : true)) {
		r = pv_err_errno(e, errno, "%s: cannot flush", hash_path);
		goto out;
	}
	if (o && o->before_commit) {
		r = o->before_commit(o->before_commit_arg, res, e);
		if (r)
			goto out;
	}
	if (!in_place)
		r = pv_out_commit(&out, e);
out:
	if (in_place && hash_fd >= 0)
		close(hash_fd);
	else if (!in_place && r)
		pv_out_abort(&out);
	engine_free(&en);
	close(data_fd);
	return r;
}

int pv_verity_verify(const char *data_path, const char *hash_path,
		     const struct pv_verity_params *p, const uint8_t *root,
		     size_t root_size, const struct pv_verity_opts *o,
		     struct pv_err *e)
{
	struct pv_verity_geom g;
	struct engine en;
	uint8_t md[PV_HASH_MAX];
	int data_fd, hash_fd = -1, r;
	uint64_t size;
	unsigned i;

	engine_zero(&en);
	r = pv_verity_geometry(p, &g, e);
	if (r)
		goto out_nodata;
	if (root_size != g.digest_size) {
		r = pv_errf(e, PV_EINVAL, "root hash of %zu bytes, expected %zu for %s",
			    root_size, g.digest_size, pv_hash_name(p->alg));
		goto out_nodata;
	}
	data_fd = open_data(data_path, p, false, NULL, e);
	if (data_fd < 0) {
		r = data_fd;
		goto out_nodata;
	}
	hash_fd = open(hash_path, O_RDONLY | O_CLOEXEC);
	if (hash_fd < 0) {
		r = pv_err_errno(e, errno, "%s: cannot open the hash device", hash_path);
		goto out;
	}
	if (file_size(hash_fd, &size) < 0) {
		r = pv_err_errno(e, errno, "%s: cannot get its size", hash_path);
		goto out;
	}
	if (size < g.hash_end) {
		r = pv_errf(e, PV_ERANGE,
			    "%s: %llu bytes, too small for the tree (needs %llu bytes)",
			    hash_path, (unsigned long long)size,
			    (unsigned long long)g.hash_end);
		goto out;
	}
	r = engine_init(&en, p, &g, o, true, e);
	if (r)
		goto out;
	en.data_path = data_path;
	en.hash_path = hash_path;
	en.hash_fd = hash_fd;
	en.progress_total = p->data_blocks * p->data_block_size;
	/* Top-down, as the kernel trusts: the root authenticates the top
	 * block, each level the one below it, level 0 the data. */
	r = root_digest(&en, data_fd, hash_fd, md, e);
	if (r)
		goto out;
	if (memcmp(md, root, root_size)) {
		if (g.levels)
			r = pv_errf(e, PV_EVERIFY,
				    "%s: the top hash block (offset %llu) does not match the root hash: wrong root hash or corrupted hash device",
				    hash_path,
				    (unsigned long long)(g.level_start[g.levels - 1] *
							 p->hash_block_size));
		else
			r = pv_errf(e, PV_EVERIFY,
				    "%s: data block 0 (offset 0) does not match the root hash: wrong root hash or corrupted data",
				    data_path);
		goto out;
	}
	for (i = g.levels; i-- > 0;) {
		r = hash_level(&en, i, data_fd, e);
		if (r)
			goto out;
	}
out:
	if (hash_fd >= 0)
		close(hash_fd);
	close(data_fd);
out_nodata:
	engine_free(&en);
	return r;
}

int pv_verity_data_blocks(const char *data_path, uint32_t data_block_size,
			  uint64_t *blocks, struct pv_err *e)
{
	struct pv_verity_params p = { .data_block_size = data_block_size };
	int fd;

	if (!pv_verity_block_size_ok(data_block_size))
		return pv_errf(e, PV_EINVAL,
			       "data block size %u, expected a power of two from 512 to 524288",
			       data_block_size);
	fd = open_data(data_path, &p, true, blocks, e);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}
