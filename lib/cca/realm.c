/* SPDX-License-Identifier: Apache-2.0 */
/*
 * realm.c - host profiles (cca-rim.md §5), VMM layouts (§6) and the RIM of
 * a whole realm: the plan of RMI calls, granule contents hashed in
 * parallel, descriptors chained in order.
 */
#include <stdlib.h>
#include <string.h>

#include "cca/realm.h"
#include "core/bytes.h"
#include "core/err.h"
#include "core/mbhash.h"
#include "core/parallel.h"

#define SZ_4K 0x1000ull
#define SZ_64K 0x10000ull
#define SZ_2M 0x200000ull
#define SZ_128M 0x8000000ull
#define SZ_256M 0x10000000ull

static const struct {
	const char *name;
	enum pv_cca_profile p;
} profiles[] = {
	{ "1.0-eac5", PV_CCA_PROFILE_EAC5 },
	{ "1.0", PV_CCA_PROFILE_REL0 },
	{ "1.0-v12", PV_CCA_PROFILE_V12 },
	{ "2.0", PV_CCA_PROFILE_RMM2 },
};

int pv_cca_profile_from_name(const char *name, enum pv_cca_profile *p,
			     struct pv_err *e)
{
	size_t i;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		if (strcmp(name, profiles[i].name))
			continue;
		*p = profiles[i].p;
		if (*p == PV_CCA_PROFILE_V12)
			return pv_errf(e, PV_ENOTSUP,
				       "--rmm %s: the Linux v12 host (KVM_CAP_ARM_RMI: INIT_RIPAS after DATA and REC, cca-rim.md §5 profile C) is not supported yet: no oracle exists to verify it",
				       name);
		return 0;
	}
	return pv_errf(e, PV_EINVAL,
		       "--rmm %s: unknown host profile, expected 1.0-eac5, 1.0 or 2.0",
		       name);
}

const char *pv_cca_profile_name(enum pv_cca_profile p)
{
	size_t i;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (profiles[i].p == p)
			return profiles[i].name;
	return "?";
}

static unsigned fls64(uint64_t v)
{
	return v ? 64u - (unsigned)__builtin_clzll(v) : 0;
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

/* callers keep v far below 2^64 (all addresses are < 2^52 + 2^40) */
static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static int mem_check(uint64_t mem, struct pv_err *e)
{
	if (mem == 0 || mem % SZ_4K)
		return pv_errf(e, PV_EINVAL,
			       "-m %llu bytes: the realm's memory must be a non-zero multiple of the 4 KiB granule",
			       (unsigned long long)mem);
	if (mem > (1ull << 40))
		return pv_errf(e, PV_ERANGE, "-m: %llu bytes is above 1 TiB",
			       (unsigned long long)mem);
	return 0;
}

/* kvm__get_vm_type: max(32, fls(last IPA)) + 1 for a realm */
static unsigned kvmtool_ipa_bits(uint64_t base, uint64_t mem)
{
	unsigned bits = fls64(base + mem - 1);

	return (bits < 32 ? 32 : bits) + 1;
}

#define KVMTOOL_RAM_BASE 0x80000000ull /* ARM_MEMORY_AREA */

/* a checked, empty kvmtool layout of @mem bytes of RAM */
static int kvmtool_layout_init(uint64_t mem, struct pv_cca_layout *l,
			       struct pv_err *e)
{
	int rc = mem_check(mem, e);

	if (rc < 0)
		return rc;
	memset(l, 0, sizeof(*l));
	l->ram_base = KVMTOOL_RAM_BASE;
	l->ram_size = mem;
	l->ipa_bits = kvmtool_ipa_bits(KVMTOOL_RAM_BASE, mem);
	return 0;
}

int pv_cca_layout_kvmtool(uint64_t mem, const struct pv_arm64_image *img,
			  uint64_t kernel_len, uint64_t initrd_len,
			  struct pv_cca_layout *l, struct pv_err *e)
{
	uint64_t base = KVMTOOL_RAM_BASE, limit, mend, dtb, lo;
	int rc = kvmtool_layout_init(mem, l, e);

	if (rc < 0)
		return rc;
	/* arm/kvm.c: initrd and DTB stay in the first 256 MiB ("lowmem");
	 * limit is the last usable byte. */
	limit = base + (mem < SZ_256M ? mem : SZ_256M) - 1;
	l->kernel_ipa = base + img->text_offset;
	l->kernel_file = kernel_len;
	l->kernel_mem = img->image_size ? img->image_size : kernel_len;
	if (l->kernel_ipa > limit || kernel_len > limit - l->kernel_ipa)
		return pv_errf(e, PV_ERANGE,
			       "kernel: %llu bytes at 0x%llx do not fit below 0x%llx (the first min(RAM, 256 MiB))",
			       (unsigned long long)kernel_len,
			       (unsigned long long)l->kernel_ipa,
			       (unsigned long long)limit + 1);
	/* stricter than kvmtool, which checks only the file's end: nothing
	 * may share the kernel's image_size (its BSS is RIPAS RAM) */
	mend = align_up(l->kernel_ipa + l->kernel_mem, SZ_4K);
	/* DTB: ALIGN_UP(limit - (FDT_MAX_SIZE + 2 MiB), 2 MiB) */
	if (limit - base < PV_CCA_KVMTOOL_FDT_MAX + SZ_2M)
		return pv_errf(e, PV_ERANGE,
			       "-m %llu bytes: too small for kvmtool's DTB placement",
			       (unsigned long long)mem);
	dtb = align_up(limit - (PV_CCA_KVMTOOL_FDT_MAX + SZ_2M), SZ_2M);
	if (dtb < mend)
		return pv_errf(e, PV_ERANGE,
			       "kernel: its image (0x%llx..0x%llx, image_size included) overlaps the DTB at 0x%llx: give more memory",
			       (unsigned long long)l->kernel_ipa,
			       (unsigned long long)mend, (unsigned long long)dtb);
	l->dtb_ipa = dtb;
	l->dtb_window = PV_CCA_KVMTOOL_FDT_MAX;
	if (initrd_len) {
		/* the initrd ends just below the DTB, 4-byte aligned */
		lo = initrd_len + 4;
		if (lo > dtb - mend)
			return pv_errf(e, PV_ERANGE,
				       "initrd: %llu bytes do not fit between the kernel's end 0x%llx and the DTB at 0x%llx",
				       (unsigned long long)initrd_len,
				       (unsigned long long)mend,
				       (unsigned long long)dtb);
		l->initrd_ipa = align_up(dtb - lo, 4);
		l->initrd_size = initrd_len;
		if (align_down(l->initrd_ipa, SZ_4K) < mend)
			return pv_errf(e, PV_ERANGE,
				       "initrd: at 0x%llx it shares a granule with the kernel image ending at 0x%llx",
				       (unsigned long long)l->initrd_ipa,
				       (unsigned long long)mend);
	}
	return 0;
}

int pv_cca_layout_kvmtool_fw(uint64_t mem, uint64_t fw_len, uint64_t fw_mem,
			     struct pv_cca_layout *l, struct pv_err *e)
{
	uint64_t base = KVMTOOL_RAM_BASE, end, fdt_pos, used;
	int rc = kvmtool_layout_init(mem, l, e);

	if (rc < 0)
		return rc;
	l->firmware = true;
	/* kvm__load_firmware: loaded at the RAM base (no --firmware-address),
	 * pc there; kvm__arch_get_image_size gives the size it keeps free */
	l->kernel_ipa = base;
	l->kernel_file = fw_len;
	l->kernel_mem = fw_mem ? fw_mem : fw_len;
	end = base + mem;
	used = fw_len > l->kernel_mem ? fw_len : l->kernel_mem;
	if (fw_len == 0 || used > mem)
		return pv_errf(e, PV_ERANGE,
			       "firmware: %llu bytes (image_size %llu) do not fit in %llu bytes of RAM",
			       (unsigned long long)fw_len,
			       (unsigned long long)l->kernel_mem,
			       (unsigned long long)mem);
	/* the DTB at ALIGN(end of all RAM - (FDT_MAX_SIZE + FDT_ALIGN),
	 * FDT_ALIGN), refused below the firmware's end (kvmtool dies) */
	if (mem < PV_CCA_KVMTOOL_FDT_MAX + SZ_2M ||
	    (fdt_pos = end - (PV_CCA_KVMTOOL_FDT_MAX + SZ_2M)) <
		    align_up(base + used, SZ_4K))
		return pv_errf(e, PV_ERANGE,
			       "firmware: %llu bytes at 0x%llx leave no room for kvmtool's DTB below the end of RAM 0x%llx: give more memory",
			       (unsigned long long)used,
			       (unsigned long long)base,
			       (unsigned long long)end);
	l->dtb_ipa = align_up(fdt_pos, SZ_2M);
	l->dtb_window = PV_CCA_KVMTOOL_FDT_MAX;
	return 0;
}

int pv_cca_layout_qemu(uint64_t mem, const struct pv_arm64_image *img,
		       uint64_t kernel_len, uint64_t initrd_len,
		       uint64_t dtb_len, struct pv_cca_layout *l,
		       struct pv_err *e)
{
	uint64_t base = 0x40000000ull, kend, half, end;
	int rc = mem_check(mem, e);

	if (rc < 0)
		return rc;
	memset(l, 0, sizeof(*l));
	l->ram_base = base;
	l->ram_size = mem;
	end = base + mem;
	l->kernel_ipa = base + img->text_offset;
	l->kernel_file = kernel_len;
	l->kernel_mem = img->image_size ? img->image_size : kernel_len;
	if (l->kernel_mem < kernel_len)
		l->kernel_mem = kernel_len;
	if (l->kernel_mem > end - l->kernel_ipa)
		return pv_errf(e, PV_ERANGE,
			       "kernel: %llu bytes at 0x%llx do not fit in RAM ending at 0x%llx",
			       (unsigned long long)l->kernel_mem,
			       (unsigned long long)l->kernel_ipa,
			       (unsigned long long)end);
	kend = l->kernel_ipa + l->kernel_mem;
	/* initrd at max(base + min(RAM/2, 128 MiB), kernel end), 4 KiB */
	half = mem / 2 < SZ_128M ? mem / 2 : SZ_128M;
	l->initrd_ipa = align_up(base + half > kend ? base + half : kend, SZ_4K);
	l->initrd_size = initrd_len;
	if (l->initrd_ipa > end || initrd_len > end - l->initrd_ipa)
		return pv_errf(e, PV_ERANGE,
			       "initrd: %llu bytes at 0x%llx do not fit in RAM ending at 0x%llx",
			       (unsigned long long)initrd_len,
			       (unsigned long long)l->initrd_ipa,
			       (unsigned long long)end);
	l->dtb_ipa = align_up(l->initrd_ipa + initrd_len, SZ_2M);
	l->dtb_window = dtb_len;
	if (l->dtb_ipa > end || dtb_len > end - l->dtb_ipa)
		return pv_errf(e, PV_ERANGE,
			       "DTB: %llu bytes at 0x%llx do not fit in RAM ending at 0x%llx",
			       (unsigned long long)dtb_len,
			       (unsigned long long)l->dtb_ipa,
			       (unsigned long long)end);
	if (!initrd_len)
		l->initrd_ipa = 0;
	l->ipa_bits = 0; /* QEMU's depends on the machine: must be given */
	return 0;
}

unsigned pv_cca_ripas_blocks(unsigned ipa_bits, uint64_t sizes[4])
{
	unsigned n = 0;

	if (ipa_bits >= 44)
		sizes[n++] = 1ull << 39;
	if (ipa_bits >= 35)
		sizes[n++] = 1ull << 30;
	sizes[n++] = SZ_2M;
	sizes[n++] = SZ_4K;
	return n;
}

/* ---- the plan ----------------------------------------------------------- */

enum step_kind { S_DATA, S_RIPAS, S_REC };

struct step {
	enum step_kind kind;
	const char *what;
	uint64_t a, b;    /* DATA: [a, b) granules; RIPAS: [a, b) */
	size_t g0;        /* DATA: index of the first granule */
	uint64_t block;   /* RIPAS: 0 largest blocks, else fixed size */
};

struct blob {
	uint64_t ipa;
	const uint8_t *data;
	uint64_t len;
};

struct plan {
	struct step s[16];
	unsigned n;
	size_t ngranules;
	struct blob blobs[3];
	unsigned nblobs;
};

static int add_data(struct plan *p, const char *what, uint64_t a, uint64_t b,
		    const struct pv_cca_layout *l, struct pv_err *e)
{
	struct step *s = &p->s[p->n++];
	unsigned i;

	if (a < l->ram_base || b > l->ram_base + l->ram_size || a >= b)
		return pv_errf(e, PV_ERANGE,
			       "%s: populated range 0x%llx..0x%llx is outside RAM 0x%llx..0x%llx",
			       what, (unsigned long long)a,
			       (unsigned long long)b,
			       (unsigned long long)l->ram_base,
			       (unsigned long long)(l->ram_base + l->ram_size));
	for (i = 0; i + 1 < p->n; i++) {
		const struct step *o = &p->s[i];

		if (o->kind == S_DATA && a < o->b && o->a < b)
			return pv_errf(e, PV_ERANGE,
				       "%s: populated range 0x%llx..0x%llx overlaps %s 0x%llx..0x%llx",
				       what, (unsigned long long)a,
				       (unsigned long long)b, o->what,
				       (unsigned long long)o->a,
				       (unsigned long long)o->b);
	}
	s->kind = S_DATA;
	s->what = what;
	s->a = a;
	s->b = b;
	s->g0 = p->ngranules;
	p->ngranules += (size_t)((b - a) / SZ_4K);
	return 0;
}

static void add_ripas(struct plan *p, const char *what, uint64_t a,
		      uint64_t b, uint64_t block)
{
	struct step *s = &p->s[p->n++];

	s->kind = S_RIPAS;
	s->what = what;
	s->a = a;
	s->b = b;
	s->block = block;
}

/* DATA regions in ascending IPA order, aligned to the populate size */
static int add_data_sorted(struct plan *p, const struct pv_cca_layout *l,
			   uint64_t align, struct pv_err *e)
{
	struct { const char *what; uint64_t a, b; } r[3], t;
	unsigned n = 0, i, j;
	int rc;

	r[n].what = l->firmware ? "firmware" : "kernel";
	r[n].a = l->kernel_ipa;
	r[n++].b = l->kernel_ipa + l->kernel_file;
	if (l->initrd_size) {
		r[n].what = "initrd";
		r[n].a = l->initrd_ipa;
		r[n++].b = l->initrd_ipa + l->initrd_size;
	}
	r[n].what = "dtb";
	r[n].a = l->dtb_ipa;
	r[n++].b = l->dtb_ipa + l->dtb_window;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && r[j - 1].a > r[j].a; j--) {
			t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		rc = add_data(p, r[i].what, align_down(r[i].a, align),
			      align_up(r[i].b, align), l, e);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int make_plan(const struct pv_cca_config *c, struct plan *p,
		     struct pv_err *e)
{
	const struct pv_cca_layout *l = c->layout;
	uint64_t fend, mend;
	int rc;

	memset(p, 0, sizeof(*p));
	p->blobs[p->nblobs++] = (struct blob){ l->kernel_ipa, c->kernel,
					       l->kernel_file };
	if (l->initrd_size)
		p->blobs[p->nblobs++] = (struct blob){ l->initrd_ipa, c->initrd,
						       l->initrd_size };
	p->blobs[p->nblobs++] = (struct blob){ l->dtb_ipa, c->dtb,
					       c->dtb_len < l->dtb_window
						       ? c->dtb_len
						       : l->dtb_window };
	switch (c->profile) {
	case PV_CCA_PROFILE_EAC5:
		/* Profile A (EAC5 kvmtool, arm/aarch64/realm.c): kernel file
		 * DATA, per-4K RIPAS over the rest of image_size (BSS),
		 * initrd DATA, the 64 KiB DTB window, then the RECs. */
		fend = align_up(l->kernel_ipa + l->kernel_file, SZ_4K);
		mend = align_up(l->kernel_ipa + l->kernel_mem, SZ_4K);
		rc = add_data(p, l->firmware ? "firmware" : "kernel",
			      align_down(l->kernel_ipa, SZ_4K), fend, l, e);
		if (rc < 0)
			return rc;
		if (fend < mend)
			add_ripas(p, "bss", fend, mend, SZ_4K);
		if (l->initrd_size) {
			rc = add_data(p, "initrd",
				      align_down(l->initrd_ipa, SZ_4K),
				      align_up(l->initrd_ipa + l->initrd_size,
					       SZ_4K),
				      l, e);
			if (rc < 0)
				return rc;
		}
		return add_data(p, "dtb", align_down(l->dtb_ipa, SZ_4K),
				align_up(l->dtb_ipa + l->dtb_window, SZ_4K), l,
				e);
	case PV_CCA_PROFILE_REL0:
		/* Profile B: INIT_RIPAS over all RAM in the largest blocks,
		 * then DATA in ascending IPA order, then REC0. */
		add_ripas(p, "ram", l->ram_base, l->ram_base + l->ram_size, 0);
		return add_data_sorted(p, l, c->align, e);
	case PV_CCA_PROFILE_RMM2:
		/* Profile D: RIPAS is not measured in RMM 2.0 */
		return add_data_sorted(p, l, c->align, e);
	default:
		return pv_errf(e, PV_ENOTSUP, "host profile %s not supported yet",
			       pv_cca_profile_name(c->profile));
	}
}

/* ---- granule contents, in parallel ---------------------------------------- */

/* Granules per pipeline item: the digests of one item are one run of
 * mbhash batches; the chain follows item by item. */
#define GRANULES_PER_ITEM 256

struct hash_ctx {
	const struct plan *p;
	const uint64_t *gipa; /* IPA of every DATA granule */
	uint8_t *out;         /* ngranules * hlen */
	size_t hlen;
	size_t ngranules;
	struct pv_mbhash *d;  /* one per worker, made by it */
	/* the chain, in plan order, as the digests come (walk_to) */
	const struct pv_cca_config *c;
	struct pv_cca_rim *r;
	struct pv_cca_result *res;
	unsigned s2sz;
	unsigned step;        /* the plan step being walked */
	uint64_t a;           /* DATA: its next granule */
	size_t k;             /* the next granule to extend */
};

/* The 4 KiB of guest memory at @ipa: the blobs loaded there, zeros
 * elsewhere (the VMM zeroes the tails, kvmtool explicit_bzero). */
static const uint8_t *granule_at(const struct plan *p, uint64_t ipa,
				 uint8_t *tmp)
{
	unsigned i;
	bool any = false;

	for (i = 0; i < p->nblobs; i++) {
		const struct blob *b = &p->blobs[i];

		if (ipa >= b->ipa && b->len >= SZ_4K &&
		    ipa - b->ipa <= b->len - SZ_4K)
			return b->data + (ipa - b->ipa);
	}
	for (i = 0; i < p->nblobs; i++) {
		const struct blob *b = &p->blobs[i];
		uint64_t s, t;

		if (!b->len || b->ipa >= ipa + SZ_4K || b->ipa + b->len <= ipa)
			continue;
		if (!any)
			memset(tmp, 0, SZ_4K);
		any = true;
		s = b->ipa > ipa ? b->ipa : ipa;
		t = b->ipa + b->len < ipa + SZ_4K ? b->ipa + b->len
						  : ipa + SZ_4K;
		memcpy(tmp + (s - ipa), b->data + (s - b->ipa), (size_t)(t - s));
	}
	if (!any)
		memset(tmp, 0, SZ_4K);
	return tmp;
}

/* Granules within one blob are hashed PV_MBBATCH at a time; one assembled
 * in @tmp (a blob's edge, or zeros) alone. */
static int hash_range(void *vctx, size_t begin, size_t end, unsigned worker)
{
	struct hash_ctx *h = vctx;
	struct pv_mbhash *m = &h->d[worker];
	struct pv_mbbatch b;
	uint8_t tmp[SZ_4K];
	size_t i;

	/* pipeline items are runs of granules */
	begin *= GRANULES_PER_ITEM;
	end = end * GRANULES_PER_ITEM < h->ngranules ? end * GRANULES_PER_ITEM
						     : h->ngranules;
	/* each thread makes its context at its first item */
	if (!m->d.ctx && pv_mbhash_init(m, h->c->alg, PV_MB_AUTO, NULL) < 0)
		return PV_ECRYPTO;
	pv_mbbatch_init(&b, m, SZ_4K);
	for (i = begin; i < end; i++) {
		const uint8_t *g = granule_at(h->p, h->gipa[i], tmp);
		uint8_t *out = h->out + i * h->hlen;

		if (g == tmp ? pv_mbhash_run(m, tmp, 0, SZ_4K, 1, out)
			     : pv_mbbatch_add(&b, g, out))
			return PV_ECRYPTO;
	}
	return pv_mbbatch_flush(&b);
}

static void emit(const struct pv_cca_config *c, const char *type,
		 const char *what, uint64_t a, uint64_t b,
		 const uint8_t *content, const struct pv_cca_rim *r)
{
	struct pv_cca_step s = { type, what, a, b, content, r->rim, r->len,
				 NULL };

	if (c->step)
		c->step(c->step_ctx, &s);
}

static int ripas_walk(const struct pv_cca_config *c, struct pv_cca_rim *r,
		      const struct step *s, unsigned ipa_bits, uint64_t *count)
{
	uint64_t sizes[4], addr = s->a, sz = 0;
	unsigned n, i;

	n = pv_cca_ripas_blocks(ipa_bits, sizes);
	while (addr < s->b) {
		if (s->block) {
			sz = s->block;
		} else {
			/* the largest aligned block that fits (KVM's
			 * find_map_level, cca-rim.md §5.2) */
			for (i = 0; i < n; i++) {
				sz = sizes[i];
				if (!(addr & (sz - 1)) && sz <= s->b - addr)
					break;
			}
		}
		if (pv_cca_ripas_extend(r, addr, addr + sz) < 0)
			return PV_ECRYPTO;
		emit(c, "RIPAS", s->what, addr, addr + sz, NULL, r);
		(*count)++;
		addr += sz;
	}
	return 0;
}

/*
 * Extend the RIM along the plan up to granule @upto (exclusive), RIPAS
 * steps included: called with each pipeline item as its digests are done,
 * then with SIZE_MAX for the steps after the last granule.
 */
static int walk_to(struct hash_ctx *h, size_t upto)
{
	const struct plan *p = h->p;
	int rc;

	while (h->step < p->n) {
		const struct step *s = &p->s[h->step];

		if (s->kind == S_RIPAS) {
			rc = ripas_walk(h->c, h->r, s, h->s2sz, &h->res->nripas);
			if (rc < 0)
				return rc;
			h->step++;
			continue;
		}
		/* RMI_DATA_CREATE per granule, measured (§2.4) */
		if (h->k == s->g0)
			h->a = s->a;
		for (; h->a < s->b && h->k < upto; h->a += SZ_4K, h->k++) {
			const uint8_t *cd = h->out + h->k * h->hlen;

			if (pv_cca_data_extend(h->r, h->a, cd) < 0)
				return PV_ECRYPTO;
			emit(h->c, "DATA", s->what, h->a, h->a + SZ_4K, cd,
			     h->r);
			h->res->ndata++;
		}
		if (h->a < s->b)
			return 0; /* the next granule is not hashed yet */
		h->step++;
	}
	return 0;
}

static int chain_item(void *vctx, size_t item)
{
	struct hash_ctx *h = vctx;

	return walk_to(h, (item + 1) * GRANULES_PER_ITEM);
}

int pv_cca_measure(const struct pv_cca_config *c, struct pv_cca_result *res,
		   struct pv_err *e)
{
	const struct pv_cca_layout *l = c->layout;
	struct pv_cca_params params;
	struct pv_cca_rim r;
	struct plan p;
	struct hash_ctx h = { 0 };
	uint64_t *gipa = NULL, gprs[8] = { 0 };
	uint8_t *contents = NULL, recc[PV_CCA_MEAS_MAX];
	unsigned nthreads = 0, t, i;
	size_t k;
	int rc;

	memset(res, 0, sizeof(*res));
	if (c->align != SZ_4K && c->align != SZ_64K)
		return pv_errf(e, PV_EINVAL,
			       "populate alignment %llu: expected 4K or 64K",
			       (unsigned long long)c->align);
	if (c->profile == PV_CCA_PROFILE_EAC5 && c->align != SZ_4K)
		return pv_errf(e, PV_EINVAL,
			       "--rmm 1.0-eac5: EAC5 kvmtool populates with 4 KiB alignment");
	if (c->alg == PV_SHA384 && c->profile != PV_CCA_PROFILE_RMM2)
		return pv_errf(e, PV_ENOTSUP,
			       "sha384: RMI_HASH_SHA_384 exists only in RMM 2.0 (--rmm 2.0)");
	rc = pv_cca_encode_params(&c->user, c->alg, &params, e);
	if (rc < 0)
		return rc;
	rc = make_plan(c, &p, e);
	if (rc < 0)
		return rc;
	rc = pv_cca_rim_init(&r, c->alg, e);
	if (rc < 0)
		return rc;

	/* RMI_REALM_CREATE (§2.2) */
	rc = pv_cca_realm_create(&r, &params);
	if (rc < 0)
		goto crypto;
	if (c->step) {
		struct pv_cca_step s = { "REALM_CREATE", "params", 0, 0, NULL,
					 r.rim, r.len, &params };

		c->step(c->step_ctx, &s);
	}
	h.p = &p;
	h.c = c;
	h.r = &r;
	h.res = res;
	h.s2sz = params.s2sz;
	h.hlen = r.len;
	h.ngranules = p.ngranules;
	/* granule IPAs in plan order, then their digests in parallel, the
	 * chain following them */
	if (p.ngranules) {
		size_t items = pv_div_round_up(p.ngranules, GRANULES_PER_ITEM);

		gipa = calloc(p.ngranules, sizeof(*gipa));
		contents = malloc(p.ngranules * r.len);
		if (!gipa || !contents) {
			rc = pv_errf(e, PV_ENOMEM, "out of memory for %zu granules",
				     p.ngranules);
			goto out;
		}
		for (i = 0; i < p.n; i++) {
			uint64_t a;

			if (p.s[i].kind != S_DATA)
				continue;
			for (a = p.s[i].a, k = p.s[i].g0; a < p.s[i].b;
			     a += SZ_4K, k++)
				gipa[k] = a;
		}
		nthreads = c->nthreads ? c->nthreads : pv_online_cpus();
		if (nthreads > 64)
			nthreads = 64;
		h.d = calloc(nthreads, sizeof(*h.d));
		if (!h.d) {
			rc = pv_errf(e, PV_ENOMEM, "out of memory");
			goto out;
		}
		h.gipa = gipa;
		h.out = contents;
		rc = pv_parallel_pipeline(nthreads, items, 0, hash_range,
					  chain_item, &h);
		if (rc < 0) {
			rc = pv_errf(e, rc, "hashing the granules failed");
			goto out;
		}
	}
	/* the steps after the last granule (all of them without any) */
	rc = walk_to(&h, SIZE_MAX);
	if (rc < 0)
		goto crypto;
	/* RMI_REC_CREATE: vCPU 0, runnable, pc = kernel entry, x0 = DTB
	 * (§2.5); the other vCPUs are not runnable and TF-RMM does not
	 * measure them. */
	gprs[0] = l->dtb_ipa;
	rc = pv_cca_rec_extend(&r, PV_CCA_REC_FLAG_RUNNABLE, l->kernel_ipa,
			       gprs, recc);
	if (rc < 0)
		goto crypto;
	emit(c, "REC", "vcpu0", l->kernel_ipa, l->dtb_ipa, recc, &r);
	res->nrec = 1;
	if (c->all_recs) {
		static const char *const names[] = { "vcpu1", "vcpu2", "vcpu3",
						     "vcpuN" };

		gprs[0] = 0;
		for (i = 1; i < c->ncpus; i++) {
			rc = pv_cca_rec_extend(&r, 0, 0, gprs, recc);
			if (rc < 0)
				goto crypto;
			emit(c, "REC", names[i - 1 < 3 ? i - 1 : 3], 0, 0, recc,
			     &r);
			res->nrec++;
		}
	}
	memcpy(res->rim, r.rim, sizeof(res->rim));
	res->hlen = r.len;
	res->params = params;
	rc = 0;
	goto out;
crypto:
	rc = pv_errf(e, PV_ECRYPTO, "hashing a descriptor failed");
out:
	if (h.d) {
		for (t = 0; t < nthreads; t++)
			pv_mbhash_free(&h.d[t]);
		free(h.d);
	}
	free(gipa);
	free(contents);
	pv_cca_rim_free(&r);
	return rc;
}
