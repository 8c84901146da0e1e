/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ovmf.c - OVMF footer GUID table and SEV metadata, and the QEMU + OVMF
 * direct-boot launch digest (snp-measurement.md 4.1-4.3).
 */
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "core/file.h"
#include "core/mbhash.h"
#include "core/parallel.h"
#include "ovmf/table.h"
#include "snp/ovmf.h"

/* GUIDs in EFI (mixed-endian) byte order. */
/* 00f771de-1a7e-4fcb-890e-68c77e2fb44e: SEV-ES reset block (AP EIP) */
static const uint8_t guid_reset[16] = {
	0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f,
	0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e,
};
/* dc886566-984a-4798-a75e-5585a7bf67cc: SEV metadata offset */
static const uint8_t guid_meta[16] = {
	0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47,
	0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc,
};
/* 7255371f-3a3b-4b04-927b-1da6efa8d454: SEV hash table {gpa, size} */
static const uint8_t guid_hashes[16] = {
	0x1f, 0x37, 0x55, 0x72, 0x3b, 0x3a, 0x04, 0x4b,
	0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54,
};
/* a789a612-0597-4c4b-a49f-cbb1fe9d1ddd: SVSM info (entry offset) */
static const uint8_t guid_svsm[16] = {
	0x12, 0xa6, 0x89, 0xa7, 0x97, 0x05, 0x4b, 0x4c,
	0xa4, 0x9f, 0xcb, 0xb1, 0xfe, 0x9d, 0x1d, 0xdd,
};

const char *pv_ovmf_section_name(uint32_t type)
{
	switch (type) {
	case PV_OVMF_SEC_MEM:
		return "sec-mem";
	case PV_OVMF_SECRETS:
		return "secrets";
	case PV_OVMF_CPUID:
		return "cpuid";
	case PV_OVMF_SVSM_CAA:
		return "svsm-caa";
	case PV_OVMF_KERNEL_HASHES:
		return "kernel-hashes";
	}
	return "unknown";
}

/* One footer-table entry (ovmf/table.h): the four SNP ones hold a u32.
 * A GUID seen twice keeps the entry nearest the start of the image, as
 * sev-snp-measure's dictionary does: the walk goes from the end, so the
 * last one seen wins. */
static int snp_entry(void *arg, const uint8_t guid[16], const uint8_t *data,
		     size_t dlen, size_t hdr, struct pv_err *e)
{
	struct pv_ovmf *o = arg;
	uint32_t v;
	int r;

	if (memcmp(guid, guid_reset, 16) != 0 &&
	    memcmp(guid, guid_meta, 16) != 0 &&
	    memcmp(guid, guid_hashes, 16) != 0 &&
	    memcmp(guid, guid_svsm, 16) != 0)
		return 0;
	r = pv_ovmf_entry_u32(data, dlen, o->name, hdr, "footer table entry",
			      &v, e);
	if (r < 0)
		return r;
	if (memcmp(guid, guid_reset, 16) == 0) {
		o->has_reset_eip = true;
		o->reset_eip = v;
	} else if (memcmp(guid, guid_meta, 16) == 0) {
		o->has_metadata = true;
		o->metadata_offset = v;
	} else if (memcmp(guid, guid_hashes, 16) == 0) {
		o->has_hashes = true;
		o->hashes_gpa = v;
	} else {
		o->has_svsm_info = true;
		o->svsm_info = v;
	}
	return 0;
}

static int parse_table(const uint8_t *buf, size_t len, const char *name,
		       struct pv_ovmf *o, struct pv_err *e)
{
	int r;

	o->name = name;
	r = pv_ovmf_table_walk(buf, len, name, snp_entry, o, e);
	if (r < 0)
		return r;
	o->has_table = r == 1;
	return 0;
}

/* "ASEV" header {sig, u32 size, u32 version, u32 num_items}, then
 * num_items {u32 gpa, u32 size, u32 type} (OvmfSevMetadata.asm). */
static int parse_metadata(const uint8_t *buf, size_t len, const char *name,
			  struct pv_ovmf *o, struct pv_err *e)
{
	uint32_t off = o->metadata_offset, msize, ver, n, i;
	const uint8_t *m;
	uint64_t need;
	size_t start;

	if (off > len || off < PV_OVMF_META_HDR_SIZE)
		return pv_errf(e, PV_ERANGE,
			       "%s: SEV metadata offset 0x%x (from the end) is "
			       "outside the %zu-byte image", name, off, len);
	start = len - off;
	m = pv_slice(buf, len, start, PV_OVMF_META_HDR_SIZE);
	if (!m)
		return pv_errf(e, PV_ERANGE,
			       "%s: offset 0x%zx: SEV metadata header runs past "
			       "the end of the image", name, start);
	if (memcmp(m, "ASEV", 4) != 0)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: bad SEV metadata signature "
			       "0x%08x, expected \"ASEV\"", name, start,
			       pv_le32(m));
	msize = pv_le32(m + 4);
	ver = pv_le32(m + 8);
	n = pv_le32(m + 12);
	if (ver != 1)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: SEV metadata version %u, "
			       "expected 1", name, start + 8, ver);
	if (n > PV_OVMF_MAX_SECTIONS)
		return pv_errf(e, PV_ETOOBIG,
			       "%s: offset 0x%zx: %u SEV metadata sections, "
			       "at most %u accepted", name, start + 12, n,
			       PV_OVMF_MAX_SECTIONS);
	need = PV_OVMF_META_HDR_SIZE + (uint64_t)n * PV_OVMF_META_ITEM_SIZE;
	if (msize < need)
		return pv_errf(e, PV_EFORMAT,
			       "%s: offset 0x%zx: SEV metadata size %u is too "
			       "small for %u sections (%llu bytes)", name,
			       start + 4, msize, n, (unsigned long long)need);
	if (!pv_range_ok(start, msize, len))
		return pv_errf(e, PV_ERANGE,
			       "%s: offset 0x%zx: SEV metadata of %u bytes runs "
			       "past the end of the image", name, start + 4,
			       msize);
	for (i = 0; i < n; i++) {
		size_t at = start + PV_OVMF_META_HDR_SIZE +
			    (size_t)i * PV_OVMF_META_ITEM_SIZE;
		struct pv_ovmf_section *s = &o->sections[i];
		const uint8_t *it = pv_slice(buf, len, at,
					     PV_OVMF_META_ITEM_SIZE);

		if (!it)
			return pv_errf(e, PV_ERANGE,
				       "%s: offset 0x%zx: SEV metadata section "
				       "%u runs past the end of the image", name,
				       at, i);
		s->gpa = pv_le32(it);
		s->size = pv_le32(it + 4);
		s->type = pv_le32(it + 8);
		switch (s->type) {
		case PV_OVMF_SEC_MEM:
		case PV_OVMF_SVSM_CAA:
		case PV_OVMF_KERNEL_HASHES:
			/* ranges of whole pages */
			if (s->size % PV_SNP_PAGE_SIZE)
				return pv_errf(e, PV_EFORMAT,
					       "%s: offset 0x%zx: SEV metadata "
					       "section %u (%s) size 0x%x is "
					       "not a multiple of 4 KiB", name,
					       at + 4, i,
					       pv_ovmf_section_name(s->type),
					       s->size);
			break;
		case PV_OVMF_SECRETS:
		case PV_OVMF_CPUID:
			break; /* one page, whatever the size says */
		default:
			return pv_errf(e, PV_EFORMAT,
				       "%s: offset 0x%zx: SEV metadata section "
				       "%u has unknown type 0x%x", name, at + 8,
				       i, s->type);
		}
		if (s->gpa % PV_SNP_PAGE_SIZE)
			return pv_errf(e, PV_EFORMAT,
				       "%s: offset 0x%zx: SEV metadata section "
				       "%u (%s) GPA 0x%x is not 4 KiB aligned",
				       name, at, i,
				       pv_ovmf_section_name(s->type), s->gpa);
		if ((uint64_t)s->gpa + s->size > PV_OVMF_FOUR_GB)
			return pv_errf(e, PV_ERANGE,
				       "%s: offset 0x%zx: SEV metadata section "
				       "%u (%s) [0x%x, +0x%x) ends above 4 GiB",
				       name, at, i,
				       pv_ovmf_section_name(s->type), s->gpa,
				       s->size);
	}
	o->nsections = n;
	return 0;
}

int pv_ovmf_parse(const uint8_t *buf, size_t len, uint64_t end_at,
		  const char *name, struct pv_ovmf *o, struct pv_err *e)
{
	int r;

	memset(o, 0, sizeof(*o));
	o->data = buf;
	o->len = len;
	if (len > end_at)
		return pv_errf(e, PV_ETOOBIG,
			       "%s: image of %zu bytes does not fit below "
			       "0x%llx", name, len, (unsigned long long)end_at);
	o->gpa = end_at - len;
	r = parse_table(buf, len, name, o, e);
	if (r == 0 && o->has_metadata)
		r = parse_metadata(buf, len, name, o, e);
	return r;
}

bool pv_ovmf_has_section(const struct pv_ovmf *o, uint32_t type)
{
	uint32_t i;

	for (i = 0; i < o->nsections; i++)
		if (o->sections[i].type == type)
			return true;
	return false;
}

/* ---- the direct-boot digest ------------------------------------------ */

/*
 * Parallel work (core/parallel.h pv_parallel_pipeline): first the kernel
 * and initrd SHA-256s, one stream each and the longer one first, then the
 * firmware pages in runs of PAGES_PER_ITEM (SHA-384, core/mbhash.h).  The
 * PAGE_INFO chain over the firmware pages follows the runs as their
 * digests are done, on whichever thread finished them, while the streams
 * are still hashed: only the kernel-hashes page, after the pipeline,
 * needs the streams.
 *
 * A stream in a file (pv_rfile) is read with pread, CHUNK bytes at a
 * time, into buffers that stay in the cache: cheaper than mapping it,
 * where every page costs a page-table update when first read and another
 * when unmapped.  The longest stream, the critical path, goes through a
 * ring of RING chunk buffers (struct ring): its hashing thread takes the
 * chunks in order, and the other threads, between their own items and
 * at the end in a last item of their own, read the next chunks ahead of
 * it, so that the copy out of the page cache is off that path too.
 *
 * A stream in memory (a caller's mapping) is hashed from there; with
 * threads to spare, the last items then map the back half of the longest
 * one (one read per page, from its end down) while that stream is hashed
 * from its start: the thread on the critical path then finds those pages
 * mapped instead of taking their page faults.
 */
#define PAGES_PER_ITEM 64
#define PREFAULT_BYTES (2u << 20) /* per item */
#define CHUNK ((size_t)64 << 10)  /* bytes of a file read at a time */
#define RING 8			  /* chunks of the longest stream in flight */

struct image_run {
	const struct pv_ovmf *img;
	const char *region;
	const uint8_t *data;
	size_t npages;
	uint8_t *dig;
	size_t first_item;
};

struct stream {
	const uint8_t *data;		/* in memory, or NULL: in @file */
	const struct pv_rfile *file;
	size_t len;
	uint8_t *out;			/* 32 bytes of struct pv_snp_hashes */
};

/*
 * The longest stream when it is a file: chunk i goes to slot i % RING.
 * The hashing thread takes the chunks in order.  The other threads claim
 * the next chunks in order (@claim) and read them into their slots; a
 * slot takes its next chunk only once its last one is written and hashed
 * (@next, @hashed).  The hashing thread reads a chunk nobody claimed into
 * its own buffer, and does the same with a claimed chunk that is not
 * ready after WAIT_NS (its reader was preempted): it never waits long
 * for another thread.
 */
#define WAIT_NS 100000

struct ring {
	const struct pv_rfile *file;
	size_t nchunks;
	uint8_t *buf;			/* RING * CHUNK bytes, in bufs */
	atomic_size_t claim;		/* the next chunk to read */
	atomic_size_t hashed;		/* chunks hashed so far */
	atomic_size_t have[RING];	/* chunk number + 1 once in its slot */
	atomic_size_t next[RING];	/* the chunk the slot may take next */
	atomic_int error;		/* the first read error */
};

struct prehash {
	const struct pv_snp_ovmf_in *in;
	struct pv_snp_hashes *h;	/* NULL: no kernel */
	struct stream stream[2];	/* the longer first */
	size_t nstreams;
	struct ring *ring;		/* stream[0] in a file, else NULL */
	struct image_run run[2];	/* OVMF, SVSM */
	size_t nruns;
	size_t first_tail;		/* items from here on: prefault or feed */
	struct pv_mbhash *ctx;		/* SHA-384, one per worker, made
					 * by it at its first page run */
	uint8_t *bufs;			/* the ring's slots, then CHUNK bytes
					 * per worker (struct buffers) */
	atomic_int read_error;		/* a stream's read failed: its code */
	atomic_uintptr_t read_failed;	/* ... and its pv_rfile */
	struct pv_snp_chain *chain;
	struct pv_err *e;
	bool chain_failed;		/* @e says why */
};

/*
 * The chunk buffers: RING + one per worker, in one mapping of whole huge
 * pages where the kernel has transparent huge pages (MADV_HUGEPAGE: one
 * page fault for 2 MiB instead of one per 4 KiB page written, which is
 * most of what a fresh buffer costs where page-table updates are slow,
 * as in a VM); without them, ordinary pages.
 */
#define HUGE_PAGE ((size_t)2 << 20)

static uint8_t *buffers_map(size_t len, size_t *maplen)
{
	size_t want = pv_div_round_up(len, HUGE_PAGE) * HUGE_PAGE;
	uint8_t *p = mmap(NULL, want + HUGE_PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;
	size_t head;

	if (p == MAP_FAILED)
		return NULL;
	/* keep the huge-page-aligned part only */
	a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	head = (size_t)(a - (uintptr_t)p);
	if (head)
		munmap(p, head);
	if (HUGE_PAGE - head)
		munmap((uint8_t *)a + want, HUGE_PAGE - head);
	(void)madvise((void *)a, want, MADV_HUGEPAGE); /* a hint */
	*maplen = want;
	return (uint8_t *)a;
}

static uint8_t *worker_buf(const struct prehash *p, unsigned worker)
{
	return p->bufs + ((size_t)RING + worker) * CHUNK;
}

static size_t chunk_len(size_t len, size_t off)
{
	return len - off < CHUNK ? len - off : CHUNK;
}

static void note_read_error(struct prehash *p, const struct pv_rfile *f,
			    int rc)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&p->read_error, &zero, rc))
		atomic_store(&p->read_failed, (uintptr_t)f);
}

/* Read chunk @i of the ring's file into @buf. */
static int ring_read(struct prehash *p, size_t i, uint8_t *buf)
{
	struct ring *r = p->ring;
	size_t off = i * CHUNK;
	int rc = pv_rfile_read(r->file, buf, chunk_len(r->file->len, off), off);

	if (rc) {
		int zero = 0;

		atomic_compare_exchange_strong(&r->error, &zero, rc);
		note_read_error(p, r->file, rc);
	}
	return rc;
}

/*
 * Read ahead into every free slot of the ring, without waiting.
 * returns: false once every chunk is claimed (or a read failed): nothing
 *          left to read ahead
 */
static bool feed(struct prehash *p)
{
	struct ring *r = p->ring;

	if (!r)
		return false;
	for (;;) {
		size_t i = atomic_load(&r->claim), slot = i % RING;

		if (i >= r->nchunks || atomic_load(&r->error))
			return false;
		if (i >= atomic_load(&r->hashed) + RING ||
		    atomic_load(&r->next[slot]) != i)
			return true; /* full: the hashing thread is behind */
		if (atomic_compare_exchange_weak(&r->claim, &i, i + 1)) {
			ring_read(p, i, r->buf + slot * CHUNK);
			atomic_store(&r->have[slot], i + 1);
			atomic_store(&r->next[slot], i + RING);
		}
	}
}

/* The last item of a worker when the longest stream is a ring: read
 * ahead until every chunk is claimed, napping while the ring is full. */
static void feed_all(struct prehash *p)
{
	const struct timespec nap = { 0, 50000 };

	while (feed(p))
		nanosleep(&nap, NULL);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Chunk @i, claimed by another thread: its slot once the chunk is in
 * it, or NULL when it is not after WAIT_NS (or a read failed). */
static const uint8_t *ring_wait(struct ring *r, size_t i)
{
	size_t slot = i % RING;
	uint64_t t0 = 0;

	while (atomic_load(&r->have[slot]) != i + 1) {
		if (atomic_load(&r->error))
			return NULL;
		if (!t0)
			t0 = now_ns();
		else if (now_ns() - t0 > WAIT_NS)
			return NULL;
		sched_yield();
	}
	return r->buf + slot * CHUNK;
}

/* SHA-256 of the ring's stream, chunk by chunk in order; @own: this
 * thread's chunk buffer. */
static int hash_ring(struct prehash *p, uint8_t *own, uint8_t *out)
{
	struct ring *r = p->ring;
	struct pv_digest d;
	size_t i;
	int rc;

	if (pv_digest_init(&d, PV_SHA256, NULL))
		return PV_ECRYPTO;
	for (i = 0, rc = 0; i < r->nchunks && !rc; i++) {
		size_t want = i, slot = i % RING;
		const uint8_t *c = NULL;

		if (atomic_compare_exchange_strong(&r->claim, &want, i + 1)) {
			/* unclaimed: the slot passes this chunk by, unless
			 * an earlier reader of it is still writing */
			want = i;
			atomic_compare_exchange_strong(&r->next[slot], &want,
						       i + RING);
		} else {
			c = ring_wait(r, i);
		}
		rc = atomic_load(&r->error);
		if (!rc && !c && !(rc = ring_read(p, i, own)))
			c = own;
		if (!rc && pv_digest_update(&d, c, chunk_len(r->file->len,
							     i * CHUNK)))
			rc = PV_ECRYPTO;
		atomic_store(&r->hashed, i + 1);
	}
	if (!rc && pv_digest_final(&d, out))
		rc = PV_ECRYPTO;
	pv_digest_free(&d);
	if (rc) { /* the threads reading ahead stop too */
		int zero = 0;

		atomic_compare_exchange_strong(&r->error, &zero, rc);
	}
	return rc;
}

/* SHA-256 of a stream in a file through this worker's buffer, reading
 * ahead for the ring between chunks. */
static int hash_file(struct prehash *p, const struct stream *s,
		     unsigned worker)
{
	struct pv_digest d;
	size_t off;
	int rc = 0;

	if (pv_digest_init(&d, PV_SHA256, NULL))
		return PV_ECRYPTO;
	for (off = 0; off < s->len && !rc; off += CHUNK) {
		size_t n = chunk_len(s->len, off);

		feed(p);
		rc = pv_rfile_read(s->file, worker_buf(p, worker), n, off);
		if (rc)
			note_read_error(p, s->file, rc);
		else if (pv_digest_update(&d, worker_buf(p, worker), n))
			rc = PV_ECRYPTO;
	}
	if (!rc && pv_digest_final(&d, s->out))
		rc = PV_ECRYPTO;
	pv_digest_free(&d);
	return rc;
}

static struct image_run *item_run(struct prehash *p, size_t it, size_t *pg,
				  size_t *last)
{
	size_t k;

	for (k = p->nruns; k-- > 0;) {
		struct image_run *r = &p->run[k];

		if (it < r->first_item)
			continue;
		*pg = (it - r->first_item) * PAGES_PER_ITEM;
		*last = *pg + PAGES_PER_ITEM < r->npages ?
				*pg + PAGES_PER_ITEM : r->npages;
		return *pg < r->npages ? r : NULL;
	}
	return NULL;
}

/* Read one byte of every page of [@from, @to) of @s, from the end down. */
static void prefault(const struct stream *s, size_t from, size_t to)
{
	const volatile uint8_t *d = s->data;
	size_t o;

	for (o = to; o > from;) {
		o = o - from > PV_SNP_PAGE_SIZE ? o - PV_SNP_PAGE_SIZE : from;
		(void)d[o];
	}
}

static int prehash_item(void *arg, size_t begin, size_t end, unsigned worker)
{
	struct prehash *p = arg;
	struct image_run *r;
	size_t it, pg, last;
	int rc;

	for (it = begin; it < end; it++) {
		if (it >= p->first_tail && p->ring) {
			feed_all(p);
			continue;
		}
		if (it >= p->first_tail) {
			const struct stream *s = &p->stream[0];
			size_t k = it - p->first_tail;
			size_t to = s->len - k * PREFAULT_BYTES;

			prefault(s, to - s->len / 2 > PREFAULT_BYTES ?
					    to - PREFAULT_BYTES : s->len / 2, to);
			continue;
		}
		if (it < p->nstreams) {
			const struct stream *s = &p->stream[it];

			if (it == 0 && p->ring)
				rc = hash_ring(p, worker_buf(p, worker), s->out);
			else if (!s->data)
				rc = hash_file(p, s, worker);
			else
				rc = pv_hash_buf(PV_SHA256, s->data, s->len,
						 s->out);
			if (rc)
				return rc;
			continue;
		}
		feed(p);
		r = item_run(p, it, &pg, &last);
		if (r && !p->ctx[worker].d.ctx &&
		    pv_mbhash_init(&p->ctx[worker], PV_SHA384, PV_MB_AUTO, NULL))
			return PV_ECRYPTO;
		if (r && last > pg &&
		    pv_mbhash_run(&p->ctx[worker],
				  r->data + pg * PV_SNP_PAGE_SIZE,
				  PV_SNP_PAGE_SIZE, PV_SNP_PAGE_SIZE, last - pg,
				  r->dig + pg * PV_SNP_LD_SIZE))
			return PV_ECRYPTO;
	}
	return 0;
}

/* Step 2: the firmware (then the SVSM) pages in ascending GPA order. */
static int chain_item(void *arg, size_t it)
{
	struct prehash *p = arg;
	size_t pg = 0, last = 0;
	struct image_run *r = item_run(p, it, &pg, &last);
	int rc = 0;

	if (!r)
		return 0;
	for (; pg < last && !rc; pg++)
		rc = pv_snp_chain_update(p->chain, PV_SNP_PAGE_NORMAL,
					 r->img->gpa + pg * PV_SNP_PAGE_SIZE,
					 r->dig + pg * PV_SNP_LD_SIZE,
					 r->region, -1, p->e);
	if (rc)
		p->chain_failed = true;
	return rc;
}

static void cmdline_hash(const char *cmdline, uint8_t out[32], int *r)
{
	/* QEMU hashes the command line with its NUL; no command line is
	 * the empty string "\0". */
	const char *s = cmdline ? cmdline : "";

	if (pv_hash_buf(PV_SHA256, s, strlen(s) + 1, out))
		*r = PV_ECRYPTO;
}

static int run_prehash(struct prehash *p, unsigned nthreads)
{
	const struct stream *s0 = &p->stream[0];
	struct ring ring = { 0 };
	size_t items, k, maplen = 0;
	unsigned n, i;
	int r = 0;

	items = p->nstreams;
	for (k = 0; k < p->nruns; k++) {
		p->run[k].first_item = items;
		items += pv_div_round_up(p->run[k].npages, PAGES_PER_ITEM);
	}
	n = nthreads ? nthreads : pv_online_cpus();
	if (n > 64)
		n = 64;
	p->first_tail = items;
	if ((p->nstreams && !s0->data) ||
	    (p->nstreams > 1 && !p->stream[1].data)) {
		p->bufs = buffers_map(((size_t)RING + n) * CHUNK, &maplen);
		if (!p->bufs)
			return PV_ENOMEM;
	}
	if (p->nstreams && !s0->data) {
		ring.file = s0->file;
		ring.buf = p->bufs;
		ring.nchunks = pv_div_round_up(s0->len, CHUNK);
		atomic_init(&ring.claim, 0);
		atomic_init(&ring.hashed, 0);
		atomic_init(&ring.error, 0);
		for (k = 0; k < RING; k++) {
			atomic_init(&ring.have[k], 0);
			atomic_init(&ring.next[k], k);
		}
		p->ring = &ring;
		if (n > 1)
			items++; /* a worker that only reads ahead */
	} else if (n > 1 && p->nstreams) {
		items += pv_div_round_up(s0->len - s0->len / 2, PREFAULT_BYTES);
	}
	/* the streams start at once; the page contexts are made as needed */
	p->ctx = calloc(n, sizeof(*p->ctx));
	r = p->ctx ? pv_parallel_pipeline(n, items, p->nstreams, prehash_item,
					  chain_item, p)
		   : PV_ENOMEM;
	for (i = 0; p->ctx && i < n; i++)
		pv_mbhash_free(&p->ctx[i]);
	free(p->ctx);
	p->ctx = NULL;
	p->ring = NULL;
	if (p->bufs)
		munmap(p->bufs, maplen);
	p->bufs = NULL;
	return r;
}

static int measure_sections(struct pv_snp_chain *c,
			    const struct pv_snp_ovmf_in *in,
			    const struct pv_ovmf *fw,
			    const struct pv_snp_hashes *h, struct pv_err *e)
{
	uint32_t i;
	int r = 0;

	/* snp-measurement.md 4.1 step 3, sections in table order. */
	for (i = 0; i < fw->nsections && !r; i++) {
		const struct pv_ovmf_section *s = &fw->sections[i];
		const char *region = pv_ovmf_section_name(s->type);
		uint64_t np = s->size / PV_SNP_PAGE_SIZE;

		switch (s->type) {
		case PV_OVMF_SEC_MEM:
			/* GCE does not measure SEC memory; KVM and EC2
			 * issue ZERO updates. */
			r = pv_snp_chain_blank(c, in->vmm == PV_SNP_VMM_GCE ?
						       PV_SNP_PAGE_UNMEASURED :
						       PV_SNP_PAGE_ZERO,
					       s->gpa, np, region, e);
			break;
		case PV_OVMF_SECRETS:
			r = pv_snp_chain_blank(c, PV_SNP_PAGE_SECRETS, s->gpa,
					       1, region, e);
			break;
		case PV_OVMF_CPUID:
			/* EC2 loads the CPUID page after all others. */
			if (in->vmm != PV_SNP_VMM_EC2)
				r = pv_snp_chain_blank(c, PV_SNP_PAGE_CPUID,
						       s->gpa, 1, region, e);
			break;
		case PV_OVMF_KERNEL_HASHES:
			if (h) {
				uint8_t page[PV_SNP_PAGE_SIZE], d[PV_SNP_LD_SIZE];

				if (s->size != PV_SNP_PAGE_SIZE)
					return pv_errf(e, PV_EFORMAT,
						       "SEV metadata section %u "
						       "(kernel-hashes) is 0x%x "
						       "bytes, expected one page",
						       i, s->size);
				r = pv_snp_hashes_page(h, fw->hashes_gpa &
							       (PV_SNP_PAGE_SIZE - 1),
						       page, e);
				if (r)
					return r;
				if (pv_hash_buf(PV_SHA384, page, sizeof(page), d))
					return pv_errf(e, PV_ECRYPTO,
						       "kernel-hashes: SHA-384 "
						       "failed");
				r = pv_snp_chain_update(c, PV_SNP_PAGE_NORMAL,
							s->gpa, d, region, -1,
							e);
			} else {
				r = pv_snp_chain_blank(c, PV_SNP_PAGE_ZERO,
						       s->gpa, np, region, e);
			}
			break;
		case PV_OVMF_SVSM_CAA:
			r = pv_snp_chain_blank(c, PV_SNP_PAGE_ZERO, s->gpa, np,
					       region, e);
			break;
		default:
			return pv_errf(e, PV_EFORMAT,
				       "SEV metadata section %u: unknown type "
				       "0x%x", i, s->type);
		}
	}
	if (!r && in->vmm == PV_SNP_VMM_EC2)
		for (i = 0; i < fw->nsections && !r; i++)
			if (fw->sections[i].type == PV_OVMF_CPUID)
				r = pv_snp_chain_blank(c, PV_SNP_PAGE_CPUID,
						       fw->sections[i].gpa, 1,
						       "cpuid", e);
	return r;
}

int pv_snp_ovmf_memory(struct pv_snp_chain *c, const struct pv_snp_ovmf_in *in,
		       struct pv_err *e)
{
	struct pv_snp_hashes hashes;
	struct prehash p = { .in = in };
	const struct pv_ovmf *fw = in->ovmf;
	uint8_t *dig = NULL;
	size_t k, total = 0;
	bool kernel = in->kernel || in->kernel_file;
	int r;

	if (in->mode == PV_SNP_MODE_SVSM && !in->svsm)
		return pv_errf(e, PV_EINVAL, "snp:svsm mode needs an SVSM image");
	if (in->mode != PV_SNP_MODE_SNP && (in->seed || kernel))
		return pv_errf(e, PV_EINVAL,
			       "a seed or a kernel works only in snp mode");
	if (in->mode == PV_SNP_MODE_SNP && !fw->has_table)
		return pv_errf(e, PV_EFORMAT,
			       "OVMF image has no footer table (GUID "
			       "96b582de-1fb2-45f7-baea-a366c55a082d not "
			       "found 50 bytes before its end)");
	if (kernel) {
		if (!pv_ovmf_has_section(fw, PV_OVMF_KERNEL_HASHES))
			return pv_errf(e, PV_EFORMAT,
				       "Kernel specified but OVMF metadata "
				       "doesn't include SNP_KERNEL_HASHES "
				       "section");
		if (!fw->has_hashes)
			return pv_errf(e, PV_EFORMAT,
				       "Kernel specified but the OVMF footer "
				       "table has no SEV hash table entry "
				       "(GUID 7255371f-3a3b-4b04-927b-"
				       "1da6efa8d454)");
		p.h = in->hashes_out ? in->hashes_out : &hashes;
		/* no initrd: the hash of "" */
		p.stream[0] = in->initrd_file ?
			(struct stream){ NULL, in->initrd_file,
					 in->initrd_file->len, p.h->initrd } :
			(struct stream){ in->initrd ? in->initrd :
					 (const uint8_t *)"", NULL,
					 in->initrd_len, p.h->initrd };
		p.stream[1] = in->kernel_file ?
			(struct stream){ NULL, in->kernel_file,
					 in->kernel_file->len, p.h->kernel } :
			(struct stream){ in->kernel, NULL, in->kernel_len,
					 p.h->kernel };
		if (p.stream[1].len > p.stream[0].len) {
			struct stream t = p.stream[0];

			p.stream[0] = p.stream[1];
			p.stream[1] = t;
		}
		p.nstreams = 2;
	}
	if (!in->seed) {
		p.run[p.nruns].img = fw;
		p.run[p.nruns].region = "ovmf";
		p.run[p.nruns].data = fw->data;
		p.run[p.nruns++].npages = fw->len / PV_SNP_PAGE_SIZE;
		if (fw->len % PV_SNP_PAGE_SIZE)
			return pv_errf(e, PV_EFORMAT,
				       "firmware image size %zu is not a "
				       "multiple of 4 KiB", fw->len);
	}
	if (in->mode == PV_SNP_MODE_SVSM) {
		if (in->svsm->len % PV_SNP_PAGE_SIZE)
			return pv_errf(e, PV_EFORMAT,
				       "SVSM image size %zu is not a multiple "
				       "of 4 KiB", in->svsm->len);
		p.run[p.nruns].img = in->svsm;
		p.run[p.nruns].region = "svsm";
		p.run[p.nruns].data = in->svsm->data;
		p.run[p.nruns++].npages = in->svsm->len / PV_SNP_PAGE_SIZE;
	}
	for (k = 0; k < p.nruns; k++)
		total += p.run[k].npages;
	if (total) {
		dig = malloc(total * PV_SNP_LD_SIZE);
		if (!dig)
			return pv_errf(e, PV_ENOMEM, "no memory for %zu page "
				       "digests", total);
	}
	for (k = 0, total = 0; k < p.nruns; k++) {
		p.run[k].dig = dig + total * PV_SNP_LD_SIZE;
		total += p.run[k].npages;
	}
	p.chain = c;
	p.e = e;
	atomic_init(&p.read_error, 0);
	atomic_init(&p.read_failed, 0);
	r = run_prehash(&p, in->nthreads);
	if (!r && p.h)
		cmdline_hash(in->cmdline, p.h->cmdline, &r);
	if (r && !p.chain_failed) {
		const struct pv_rfile *f =
			(const struct pv_rfile *)atomic_load(&p.read_failed);

		if (f && atomic_load(&p.read_error) == PV_ERANGE)
			r = pv_errf(e, PV_EIO, "%s: ended before its %zu bytes "
				    "(did it change while it was read?)",
				    f->path, f->len);
		else if (f)
			r = pv_errf(e, PV_EIO, "%s: cannot read", f->path);
		else
			pv_errf(e, r, "hashing the inputs failed");
	}
	if (r)
		goto out;
	/* Step 3: the SEV metadata sections; in snp:svsm mode those of the
	 * SVSM image, measured as for QEMU. */
	r = measure_sections(c, in, in->mode == PV_SNP_MODE_SVSM ? in->svsm : fw,
			     p.h, e);
out:
	free(dig);
	return r;
}

int pv_snp_ovmf_vmsas(const struct pv_snp_ovmf_in *in,
		      uint8_t bsp[PV_SNP_PAGE_SIZE],
		      uint8_t ap[PV_SNP_PAGE_SIZE], uint32_t *ap_eip,
		      struct pv_err *e)
{
	const struct pv_ovmf *fw = in->ovmf;

	if (in->mode == PV_SNP_MODE_SVSM) {
		uint64_t eip;

		if (!in->svsm->has_svsm_info)
			return pv_errf(e, PV_EFORMAT,
				       "SVSM image: no SVSM info entry (GUID "
				       "a789a612-0597-4c4b-a49f-cbb1fe9d1ddd) "
				       "in its footer table%s",
				       in->svsm->has_table ? "" :
							     " (no footer table)");
		/* The entry point is an offset into the SVSM image. */
		eip = in->svsm->gpa + in->svsm->svsm_info;
		pv_snp_vmsa_build_svsm(bsp, eip, in->vcpu_sig);
		memcpy(ap, bsp, PV_SNP_PAGE_SIZE);
		*ap_eip = (uint32_t)eip ? (uint32_t)eip : 1;
		return 0;
	}
	if (!fw->has_table)
		return pv_errf(e, PV_EFORMAT,
			       "OVMF image has no footer table (GUID "
			       "96b582de-1fb2-45f7-baea-a366c55a082d not "
			       "found 50 bytes before its end)");
	if (!fw->has_reset_eip)
		return pv_errf(e, PV_EFORMAT,
			       "OVMF footer table has no SEV-ES reset block "
			       "(GUID 00f771de-1a7e-4fcb-890e-68c77e2fb44e)");
	pv_snp_vmsa_build(bsp, in->vmm, PV_SNP_BSP_EIP, in->guest_features,
			  in->vcpu_sig);
	pv_snp_vmsa_build(ap, in->vmm, fw->reset_eip, in->guest_features,
			  in->vcpu_sig);
	*ap_eip = fw->reset_eip;
	return 0;
}

int pv_snp_extend_vmsas(struct pv_snp_chain *c, const uint8_t *bsp,
			const uint8_t *ap, uint32_t ap_eip, unsigned from,
			unsigned to, struct pv_err *e)
{
	uint8_t dbsp[PV_SNP_LD_SIZE], dap[PV_SNP_LD_SIZE];
	unsigned i;
	int r;

	if (to > PV_SNP_MAX_VCPUS)
		return pv_errf(e, PV_ERANGE, "%u vCPUs, at most %u supported",
			       to, PV_SNP_MAX_VCPUS);
	if (to > 1 && ap_eip == 0)
		return pv_errf(e, PV_EFORMAT,
			       "the firmware's SEV-ES reset block gives AP "
			       "entry point 0: only one vCPU can start");
	/* Each VMSA page is hashed once; only the PAGE_INFO chain runs per
	 * vCPU. */
	if (pv_hash_buf(PV_SHA384, bsp, PV_SNP_PAGE_SIZE, dbsp) ||
	    pv_hash_buf(PV_SHA384, ap, PV_SNP_PAGE_SIZE, dap))
		return pv_errf(e, PV_ECRYPTO, "vmsa: SHA-384 failed");
	for (i = from; i < to; i++) {
		r = pv_snp_chain_update(c, PV_SNP_PAGE_VMSA,
					PV_SNP_VMSA_GPA_KVM,
					i == 0 ? dbsp : dap, "vmsa", (int)i, e);
		if (r)
			return r;
	}
	return 0;
}
