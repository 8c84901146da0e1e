/* SPDX-License-Identifier: Apache-2.0 */
/*
 * chain.c - the SNP launch digest: LD = SHA-384(PAGE_INFO) per launch
 * update (AMD SEV-SNP Firmware ABI, 8.17 SNP_LAUNCH_UPDATE, 8.17.2 Table 67).
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "core/mbhash.h"
#include "core/parallel.h"
#include "snp/snp.h"

_Static_assert(PV_SNP_PAGE_INFO_SIZE == 112, "PAGE_INFO is 0x70 bytes");

static const uint8_t zero48[PV_SNP_LD_SIZE];

const char *pv_snp_page_type_name(int type)
{
	static const char *const names[] = {
		[PV_SNP_PAGE_NORMAL] = "normal",
		[PV_SNP_PAGE_VMSA] = "vmsa",
		[PV_SNP_PAGE_ZERO] = "zero",
		[PV_SNP_PAGE_UNMEASURED] = "unmeasured",
		[PV_SNP_PAGE_SECRETS] = "secrets",
		[PV_SNP_PAGE_CPUID] = "cpuid",
	};

	if (type < PV_SNP_PAGE_NORMAL || type > PV_SNP_PAGE_CPUID)
		return "unknown";
	return names[type];
}

int pv_snp_chain_init(struct pv_snp_chain *c, const uint8_t *seed,
		      struct pv_err *e)
{
	memset(c, 0, sizeof(*c));
	if (seed)
		memcpy(c->ld, seed, PV_SNP_LD_SIZE);
	return pv_digest_init(&c->sha, PV_SHA384, e);
}

void pv_snp_chain_free(struct pv_snp_chain *c)
{
	pv_digest_free(&c->sha);
}

void pv_snp_page_info(uint8_t out[PV_SNP_PAGE_INFO_SIZE],
		      const uint8_t ld[PV_SNP_LD_SIZE],
		      const uint8_t contents[PV_SNP_LD_SIZE], uint8_t type,
		      uint64_t gpa)
{
	/* ABI 8.17.2 Table 67: 0x00 DIGEST_CUR, 0x30 CONTENTS, 0x60 LENGTH,
	 * 0x62 PAGE_TYPE, 0x63 IMI_PAGE, 0x64 VMPL3_PERMS, 0x65 VMPL2_PERMS,
	 * 0x66 VMPL1_PERMS, 0x67 reserved, 0x68 GPA.  All permissions are 0
	 * for a normal (non-IMI) launch. */
	memcpy(out, ld, PV_SNP_LD_SIZE);
	memcpy(out + 0x30, contents, PV_SNP_LD_SIZE);
	pv_put_le16(out + 0x60, PV_SNP_PAGE_INFO_SIZE);
	out[0x62] = type;
	memset(out + 0x63, 0, 5);
	pv_put_le64(out + 0x68, gpa);
}

int pv_snp_chain_update(struct pv_snp_chain *c, int type, uint64_t gpa,
			const uint8_t contents[PV_SNP_LD_SIZE],
			const char *region, int vcpu, struct pv_err *e)
{
	uint8_t pi[PV_SNP_PAGE_INFO_SIZE];

	if (type < PV_SNP_PAGE_NORMAL || type > PV_SNP_PAGE_CPUID)
		return pv_errf(e, PV_EINVAL, "%s: unknown SNP page type %d",
			       region, type);
	if (gpa & (PV_SNP_PAGE_SIZE - 1))
		return pv_errf(e, PV_EINVAL,
			       "%s: GPA 0x%llx is not 4 KiB aligned", region,
			       (unsigned long long)gpa);
	pv_snp_page_info(pi, c->ld, contents, (uint8_t)type, gpa);
	if (pv_digest_update(&c->sha, pi, sizeof(pi)) ||
	    pv_digest_final(&c->sha, c->ld))
		return pv_errf(e, PV_ECRYPTO, "%s: SHA-384 failed", region);
	if (c->observe) {
		struct pv_snp_step s = {
			.index = c->count, .gpa = gpa, .type = type,
			.region = region, .vcpu = vcpu, .contents = contents,
			.ld = c->ld,
		};
		c->observe(c->observe_arg, &s);
	}
	c->count++;
	return 0;
}

int pv_snp_chain_blank(struct pv_snp_chain *c, int type, uint64_t gpa,
		       uint64_t npages, const char *region, struct pv_err *e)
{
	uint64_t i, len, end;

	if (type == PV_SNP_PAGE_NORMAL || type == PV_SNP_PAGE_VMSA)
		return pv_errf(e, PV_EINVAL,
			       "%s: page type %s needs contents", region,
			       pv_snp_page_type_name(type));
	if (!pv_mul_u64(npages, PV_SNP_PAGE_SIZE, &len) ||
	    !pv_add_u64(gpa, len, &end))
		return pv_errf(e, PV_ERANGE,
			       "%s: %llu pages from GPA 0x%llx wrap around",
			       region, (unsigned long long)npages,
			       (unsigned long long)gpa);
	for (i = 0; i < npages; i++) {
		int r = pv_snp_chain_update(c, type, gpa + i * PV_SNP_PAGE_SIZE,
					    zero48, region, -1, e);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Page contents are hashed in parallel, each worker with one multi-buffer
 * context (core/mbhash.h: ipsec-mb's SIMD lanes when the build has it,
 * else OpenSSL EVP), full pages PV_MBBATCH at a time; a short page is
 * zero-padded and hashed alone.
 */
/* One digest context per worker, made and freed around one parallel run. */
static int run_workers(unsigned nthreads, size_t n, pv_task_fn fn, void *job,
		       struct pv_mbhash **ctx)
{
	unsigned i, nt = nthreads ? nthreads : pv_online_cpus();
	int r = 0;

	if (nt > 64)
		nt = 64;
	/* Below ~64 pages the thread start costs more than it saves. */
	if (n < 64)
		nt = 1;
	*ctx = calloc(nt, sizeof(**ctx));
	if (!*ctx)
		return PV_ENOMEM;
	for (i = 0; i < nt && !r; i++)
		r = pv_mbhash_init(&(*ctx)[i], PV_SHA384, PV_MB_AUTO, NULL);
	if (!r)
		r = pv_parallel_run(nt, n, PV_MBBATCH, fn, job);
	for (i = 0; i < nt; i++)
		pv_mbhash_free(&(*ctx)[i]);
	free(*ctx);
	*ctx = NULL;
	return r;
}

/* SHA-384 of @len (< 4096) bytes zero-padded to a page. */
static int hash_short(struct pv_mbhash *m, const uint8_t *p, size_t len,
		      uint8_t *out)
{
	uint8_t pad[PV_SNP_PAGE_SIZE];

	memset(pad, 0, sizeof(pad));
	memcpy(pad, p, len);
	return pv_mbhash_run(m, pad, 0, PV_SNP_PAGE_SIZE, 1, out);
}

struct hash_job {
	const uint8_t *data;
	size_t len;
	uint8_t *out;
	struct pv_mbhash *ctx; /* one per worker */
};

static int hash_range(void *arg, size_t begin, size_t end, unsigned worker)
{
	struct hash_job *j = arg;
	struct pv_mbhash *m = &j->ctx[worker];
	size_t full = j->len / PV_SNP_PAGE_SIZE;
	size_t stop = end < full ? end : full;

	/* the whole pages, contiguous: their digests too */
	if (begin < stop &&
	    pv_mbhash_run(m, j->data + begin * PV_SNP_PAGE_SIZE, PV_SNP_PAGE_SIZE,
			  PV_SNP_PAGE_SIZE, stop - begin,
			  j->out + begin * PV_SNP_LD_SIZE))
		return PV_ECRYPTO;
	if (stop < end &&
	    hash_short(m, j->data + stop * PV_SNP_PAGE_SIZE,
		       j->len - stop * PV_SNP_PAGE_SIZE,
		       j->out + stop * PV_SNP_LD_SIZE))
		return PV_ECRYPTO;
	return 0;
}

int pv_snp_hash_pages(const uint8_t *data, size_t len, uint8_t *out,
		      unsigned nthreads)
{
	struct hash_job j = { .data = data, .len = len, .out = out };
	size_t npages = pv_div_round_up(len, PV_SNP_PAGE_SIZE);

	if (npages == 0)
		return 0;
	return run_workers(nthreads, npages, hash_range, &j, &j.ctx);
}

struct refs_job {
	const struct pv_snp_page_ref *refs;
	uint8_t *out;
	const uint8_t *zero;	/* SHA-384 of a page of zeros */
	struct pv_mbhash *ctx;	/* one per worker */
};

static int hash_refs_range(void *arg, size_t begin, size_t end,
			   unsigned worker)
{
	struct refs_job *j = arg;
	struct pv_mbhash *m = &j->ctx[worker];
	struct pv_mbbatch b;
	size_t i;

	pv_mbbatch_init(&b, m, PV_SNP_PAGE_SIZE);
	for (i = begin; i < end; i++) {
		const struct pv_snp_page_ref *r = &j->refs[i];
		uint8_t *out = j->out + i * PV_SNP_LD_SIZE;

		if (!r->data)
			memcpy(out, j->zero, PV_SNP_LD_SIZE);
		else if (r->len > PV_SNP_PAGE_SIZE)
			return PV_EINVAL;
		else if (r->len < PV_SNP_PAGE_SIZE ? hash_short(m, r->data, r->len, out)
						   : pv_mbbatch_add(&b, r->data, out))
			return PV_ECRYPTO;
	}
	return pv_mbbatch_flush(&b);
}

int pv_snp_hash_refs(const struct pv_snp_page_ref *refs, size_t n,
		     uint8_t *out, unsigned nthreads)
{
	static const uint8_t zpage[PV_SNP_PAGE_SIZE];
	uint8_t zero[PV_SNP_LD_SIZE];
	struct refs_job j = { .refs = refs, .out = out, .zero = zero };

	if (n == 0)
		return 0;
	if (pv_hash_buf(PV_SHA384, zpage, sizeof(zpage), zero))
		return PV_ECRYPTO;
	return run_workers(nthreads, n, hash_refs_range, &j, &j.ctx);
}

int pv_snp_chain_normal(struct pv_snp_chain *c, uint64_t gpa,
			const uint8_t *data, size_t len, const char *region,
			unsigned nthreads, struct pv_err *e)
{
	size_t npages = pv_div_round_up(len, PV_SNP_PAGE_SIZE), i;
	uint64_t span, end;
	uint8_t *dig;
	int r;

	if (!pv_mul_u64(npages, PV_SNP_PAGE_SIZE, &span) ||
	    !pv_add_u64(gpa, span, &end))
		return pv_errf(e, PV_ERANGE,
			       "%s: %zu bytes from GPA 0x%llx wrap around",
			       region, len, (unsigned long long)gpa);
	if (npages == 0)
		return 0;
	dig = malloc(npages * PV_SNP_LD_SIZE);
	if (!dig)
		return pv_errf(e, PV_ENOMEM, "%s: no memory for %zu digests",
			       region, npages);
	r = pv_snp_hash_pages(data, len, dig, nthreads);
	if (r)
		pv_errf(e, r, "%s: hashing pages failed", region);
	for (i = 0; i < npages && !r; i++)
		r = pv_snp_chain_update(c, PV_SNP_PAGE_NORMAL,
					gpa + i * PV_SNP_PAGE_SIZE,
					dig + i * PV_SNP_LD_SIZE, region, -1,
					e);
	free(dig);
	return r;
}

int pv_snp_chain_vmsa(struct pv_snp_chain *c, uint64_t gpa,
		      const uint8_t page[PV_SNP_PAGE_SIZE], int vcpu,
		      struct pv_err *e)
{
	uint8_t d[PV_SNP_LD_SIZE];

	if (pv_digest_update(&c->sha, page, PV_SNP_PAGE_SIZE) ||
	    pv_digest_final(&c->sha, d))
		return pv_errf(e, PV_ECRYPTO, "vmsa: SHA-384 failed");
	return pv_snp_chain_update(c, PV_SNP_PAGE_VMSA, gpa, d, "vmsa", vcpu,
				   e);
}
