/* SPDX-License-Identifier: Apache-2.0 */
/*
 * igvm.c - the SEV-SNP launch digest of an IGVM file (see igvm.h;
 * snp-measurement.md 3, igvm.md 5.7-5.11 and 9.2).
 *
 * Three passes: collect the launch updates of the SNP platform in the
 * loader's order, hash the page contents in parallel
 * (pv_snp_hash_refs), then chain them in order with pv_snp_chain_update,
 * which is where observers see each step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/bytes.h"
#include "core/err.h"
#include "igvm/igvm.h"
#include "linux/boot.h"
#include "snp/idblock.h"
#include "snp/igvm.h"

int pv_snp_igvm_vmm_from_name(const char *name, enum pv_snp_igvm_vmm *vmm,
			      struct pv_err *e)
{
	if (strcmp(name, "qemu") == 0)
		*vmm = PV_SNP_IGVM_QEMU;
	else if (strcmp(name, "clh") == 0)
		*vmm = PV_SNP_IGVM_CLH;
	else
		return pv_errf(e, PV_EINVAL, "--vmm %s: expected qemu or clh",
			       name);
	return 0;
}

enum pv_snp_igvm_vmm pv_snp_igvm_guess_vmm(const struct pv_igvm *g)
{
	size_t i;

	for (i = 0; i < g->nhdr; i++) {
		const struct pv_igvm_hdr *h = &g->hdr[i];
		struct pv_igvm_vp_context vp;

		if (h->desc && h->desc->type == PV_IGVM_VHT_VP_CONTEXT &&
		    !pv_igvm_vp_context_get(h, &vp, NULL) && vp.vp_index == 0)
			return vp.gpa == PV_SNP_VMSA_GPA_KVM ? PV_SNP_IGVM_QEMU :
							       PV_SNP_IGVM_CLH;
	}
	return PV_SNP_IGVM_QEMU;
}

#define PTE_ADDR 0x0007fffffffff000ull /* bits 50:12: below the C-bit 51 */

struct upd {
	uint64_t gpa;
	const uint8_t *data;	/* NORMAL, VMSA: the page (NULL: zeros) */
	size_t len;
	const char *region;	/* fixed name, or NULL: look up by GPA */
	int type;
	int vcpu;
	bool zero;		/* a page without data */
};

struct vec {
	struct upd *u;
	size_t n, cap;
};

/* a page of guest memory the file provides, for reading boot_params */
struct gpage {
	uint64_t gpa;
	const uint8_t *data;
	size_t len;
};

/* a parameter area: index -> number_of_bytes */
struct area {
	uint32_t index;
	uint64_t len;
};

struct walk {
	const struct pv_snp_igvm_in *in;
	struct pv_snp_igvm_info *info;
	struct vec v;
	struct gpage *mem;
	size_t nmem, capmem;
	struct area *area; /* parameter areas declared */
	size_t narea, caparea;
	/* qemu: the VMSA of each vCPU, deferred to LAUNCH_FINISH */
	const uint8_t **vp;
	size_t *vp_len;
	unsigned nvp;
	struct pv_igvm_snp_id_block id_block; /* the first SNP_ID_BLOCK */
	const uint8_t *vmsa0;	/* vCPU 0's VMSA (regions, AP model) */
	size_t vmsa0_len;
};

static int push(struct walk *w, const struct upd *u, struct pv_err *e)
{
	struct vec *v = &w->v;

	struct upd *p = pv_grow(v->u, &v->cap, v->n + 1, sizeof(*v->u));

	if (!p)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	v->u = p;
	v->u[v->n++] = *u;
	w->info->pages[u->type]++;
	return 0;
}

static int add_mem(struct walk *w, uint64_t gpa, const uint8_t *data,
		   size_t len, struct pv_err *e)
{
	struct gpage *p = pv_grow(w->mem, &w->capmem, w->nmem + 1,
				  sizeof(*w->mem));

	if (!p)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	w->mem = p;
	w->mem[w->nmem].gpa = gpa;
	w->mem[w->nmem].data = data;
	w->mem[w->nmem].len = len;
	w->nmem++;
	return 0;
}

static int cmp_gpage(const void *a, const void *b)
{
	uint64_t x = ((const struct gpage *)a)->gpa;
	uint64_t y = ((const struct gpage *)b)->gpa;

	return x < y ? -1 : x > y;
}

/* Copy guest memory at [gpa, gpa + len) as the file provides it; pages
 * it does not provide (or provides as zeros) read as zeros. */
static void gread(const struct walk *w, uint64_t gpa, uint8_t *out,
		  size_t len)
{
	memset(out, 0, len);
	while (len) {
		uint64_t page = gpa & ~(uint64_t)(PV_SNP_PAGE_SIZE - 1);
		size_t off = (size_t)(gpa - page), lo = 0, hi = w->nmem;
		size_t n = PV_SNP_PAGE_SIZE - off;

		if (n > len)
			n = len;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (w->mem[mid].gpa < page)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < w->nmem && w->mem[lo].gpa == page &&
		    off < w->mem[lo].len) {
			size_t c = w->mem[lo].len - off;

			memcpy(out, w->mem[lo].data + off, c < n ? c : n);
		}
		if (gpa + n < gpa)
			return;
		gpa += n;
		out += n;
		len -= n;
	}
}

static void region(struct pv_snp_igvm_info *info, const char *name,
		   uint64_t gpa, uint64_t size)
{
	struct pv_snp_region *r;

	if (!size || info->nregions == PV_SNP_IGVM_MAX_REGIONS ||
	    gpa + size < gpa)
		return;
	r = &info->regions[info->nregions++];
	r->name = name;
	r->gpa = gpa;
	r->size = size;
}

/*
 * Names for the pages of a Linux guest: vCPU 0 starts with RSI at
 * boot_params in both layouts igvmgen writes and in igvm-tooling's
 * (docs/igvm-layout.md); the setup header there locates the kernel,
 * initrd, command line and cc_blob, its e820 table the ACPI range.  Order
 * is priority: a page takes the first region it overlaps.
 */
static void derive_regions(const struct walk *w, struct pv_snp_igvm_info *info)
{
	uint8_t vmsa[PV_SNP_PAGE_SIZE] = { 0 }, bp[PV_BP_SIZE], buf[256];
	uint64_t bpa, kstart, pref, cmd, ird, irds, rsp, cr3, pml4e;
	struct pv_vmsa_seg gdtr, tr;
	struct pv_e820 x;
	unsigned i;
	size_t cl;

	if (!w->vmsa0)
		return;
	memcpy(vmsa, w->vmsa0, w->vmsa0_len < sizeof(vmsa) ? w->vmsa0_len :
							     sizeof(vmsa));
	bpa = pv_vmsa_get(vmsa, PV_VMSA_RSI);
	gread(w, bpa, bp, sizeof(bp));
	if (pv_le32(bp + PV_BZ_MAGIC) == PV_BZ_HDRS_MAGIC) {
		kstart = pv_le32(bp + PV_BZ_CODE32_START);
		pref = pv_le64(bp + PV_BZ_PREF_ADDRESS);
		if (pref && pref <= kstart)
			kstart = pref;
		region(info, "kernel", kstart, pv_le32(bp + PV_BZ_INIT_SIZE));
		ird = pv_le32(bp + PV_BZ_RAMDISK_IMAGE) |
		      (uint64_t)pv_le32(bp + PV_BP_EXT_RAMDISK_IMAGE) << 32;
		irds = pv_le32(bp + PV_BZ_RAMDISK_SIZE) |
		       (uint64_t)pv_le32(bp + PV_BP_EXT_RAMDISK_SIZE) << 32;
		region(info, "initrd", ird, irds);
		region(info, "boot_params", bpa, PV_BP_SIZE);
		cmd = pv_le32(bp + PV_BZ_CMD_LINE_PTR) |
		      (uint64_t)pv_le32(bp + PV_BP_EXT_CMD_LINE_PTR) << 32;
		/* the command line up to its NUL, at most 64 KiB */
		for (cl = 0; cmd && cl < (64u << 10); cl += sizeof(buf)) {
			void *nul;

			gread(w, cmd + cl, buf, sizeof(buf));
			nul = memchr(buf, 0, sizeof(buf));
			if (nul) {
				cl += (size_t)((uint8_t *)nul - buf) + 1;
				break;
			}
		}
		if (cmd)
			region(info, "cmdline", cmd, cl);
		region(info, "cc_blob", pv_le32(bp + PV_BP_CC_BLOB_ADDRESS), 1);
	}
	pv_vmsa_get_seg(vmsa, PV_VMSA_GDTR, &gdtr);
	pv_vmsa_get_seg(vmsa, PV_VMSA_TR, &tr);
	region(info, "gdt", gdtr.base, (uint64_t)gdtr.limit + 1);
	if (tr.base)
		region(info, "tss", tr.base, (uint64_t)tr.limit + 1);
	rsp = pv_vmsa_get(vmsa, PV_VMSA_RSP);
	if (rsp)
		region(info, "stack", (rsp - 1) & ~(uint64_t)0xfff,
		       PV_SNP_PAGE_SIZE);
	cr3 = pv_vmsa_get(vmsa, PV_VMSA_CR3) & PTE_ADDR;
	if (cr3) {
		region(info, "page-tables", cr3, PV_SNP_PAGE_SIZE);
		gread(w, cr3, buf, 8);
		pml4e = pv_le64(buf);
		if (pml4e & 1)
			region(info, "page-tables", pml4e & PTE_ADDR,
			       PV_SNP_PAGE_SIZE);
	}
	if (pv_le32(bp + PV_BZ_MAGIC) == PV_BZ_HDRS_MAGIC) {
		if (pv_le64(bp + PV_BP_ACPI_RSDP))
			region(info, "acpi", pv_le64(bp + PV_BP_ACPI_RSDP), 36);
		for (i = 0; pv_bp_e820_get(bp, i, &x) == 0; i++)
			if (x.type == PV_E820_ACPI)
				region(info, "acpi", x.addr, x.size);
	}
}

static const char *region_of(const struct pv_snp_igvm_info *info,
			     const struct upd *u)
{
	size_t i;

	if (u->region)
		return u->region;
	for (i = 0; i < info->nregions; i++) {
		const struct pv_snp_region *r = &info->regions[i];

		if (u->gpa < r->gpa + r->size &&
		    r->gpa < u->gpa + PV_SNP_PAGE_SIZE)
			return r->name;
	}
	if (u->type == PV_SNP_PAGE_UNMEASURED)
		return "unmeasured";
	return u->zero ? "zero" : "data";
}

static int area_add(struct walk *w, uint32_t idx, uint64_t len,
		    struct pv_err *e)
{
	struct area *a = pv_grow(w->area, &w->caparea, w->narea + 1,
				 sizeof(*w->area));

	if (!a)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	w->area = a;
	w->area[w->narea].index = idx;
	w->area[w->narea].len = len;
	w->narea++;
	return 0;
}

/* PAGE_DATA, igvm.md 5.8, snp-measurement.md 3 */
static int page_data(struct walk *w, const struct pv_igvm_hdr *h,
		     struct pv_err *e)
{
	struct pv_igvm_page_data d;
	struct upd u = { .vcpu = -1 };
	uint64_t gpa;
	uint32_t flags;
	uint16_t dtype;
	int r = pv_igvm_page_data_get(h, &d, e);

	if (r)
		return r;
	u.gpa = gpa = d.gpa;
	flags = d.flags;
	dtype = d.data_type;
	if (flags & PV_IGVM_PAGE_SHARED)
		return 0; /* host-visible: the loader does not measure it */
	if (h->data && (r = add_mem(w, gpa, h->data, (size_t)h->data_len, e)))
		return r;
	if (dtype == PV_IGVM_DATA_SECRETS) {
		u.type = PV_SNP_PAGE_SECRETS;
		u.region = "secrets";
	} else if (dtype == PV_IGVM_DATA_CPUID_DATA ||
		   dtype == PV_IGVM_DATA_CPUID_XF) {
		u.type = PV_SNP_PAGE_CPUID;
		u.region = "cpuid";
	} else if (flags & PV_IGVM_PAGE_UNMEASURED) {
		u.type = PV_SNP_PAGE_UNMEASURED;
		u.zero = !h->data;
	} else if (!h->data) {
		u.zero = true;
		u.type = w->in->native_zero ? PV_SNP_PAGE_ZERO :
					      PV_SNP_PAGE_NORMAL;
	} else {
		u.type = PV_SNP_PAGE_NORMAL;
		u.data = h->data;
		u.len = (size_t)h->data_len;
	}
	return push(w, &u, e);
}

/* PARAMETER_INSERT, igvm.md 5.9: the whole area, UNMEASURED */
static int param_insert(struct walk *w, const struct pv_igvm_hdr *h,
			struct pv_err *e)
{
	struct pv_igvm_param_insert d;
	struct upd u = { .type = PV_SNP_PAGE_UNMEASURED, .vcpu = -1,
			 .region = "parameters", .zero = true };
	uint64_t gpa, i, n;
	uint32_t idx;
	size_t a;
	int r = pv_igvm_param_insert_get(h, &d, e);

	if (r)
		return r;
	gpa = d.gpa;
	idx = d.index;
	for (a = 0; a < w->narea && w->area[a].index != idx; a++)
		;
	if (a == w->narea)
		return pv_errf(e, PV_EFORMAT,
			       "%s: header at offset 0x%llx: parameter area %u "
			       "is not declared for the SNP platform",
			       w->in->name, (unsigned long long)h->offset, idx);
	n = w->area[a].len / PV_SNP_PAGE_SIZE;
	for (i = 0; i < n; i++) {
		u.gpa = gpa + i * PV_SNP_PAGE_SIZE;
		if (u.gpa < gpa)
			return pv_errf(e, PV_ERANGE,
				       "%s: header at offset 0x%llx: parameter "
				       "area wraps around", w->in->name,
				       (unsigned long long)h->offset);
		if ((r = push(w, &u, e)))
			return r;
	}
	return 0;
}

/* VP_CONTEXT, igvm.md 5.11 */
static int vp_context(struct walk *w, const struct pv_igvm_hdr *h,
		      unsigned vcpus, struct pv_err *e)
{
	struct pv_igvm_vp_context d;
	struct upd u = { .type = PV_SNP_PAGE_VMSA, .region = "vmsa",
			 .data = h->data, .len = (size_t)h->data_len,
			 .zero = !h->data };
	uint64_t gpa;
	unsigned vp;
	int r = pv_igvm_vp_context_get(h, &d, e);

	if (r)
		return r;
	u.gpa = gpa = d.gpa;
	vp = d.vp_index;
	u.vcpu = (int)vp;
	w->info->vp_contexts++;
	if (vp == 0 && !w->vmsa0) {
		w->vmsa0 = h->data;
		w->vmsa0_len = (size_t)h->data_len;
		w->info->vmsa_file_gpa = gpa;
	}
	if (w->in->vmm == PV_SNP_IGVM_CLH)
		return push(w, &u, e);
	/* qemu: KVM measures the VMSA of each vCPU at LAUNCH_FINISH */
	if (vp >= vcpus)
		return pv_errf(e, PV_EFORMAT,
			       "%s: header at offset 0x%llx: VP_CONTEXT for "
			       "vCPU %u, but the launch has %u vCPU%s (--vcpus)",
			       w->in->name, (unsigned long long)h->offset, vp,
			       vcpus, vcpus == 1 ? "" : "s");
	if (w->vp[vp] || w->vp_len[vp])
		return pv_errf(e, PV_EFORMAT,
			       "%s: header at offset 0x%llx: a second "
			       "VP_CONTEXT for vCPU %u", w->in->name,
			       (unsigned long long)h->offset, vp);
	w->vp[vp] = h->data;
	w->vp_len[vp] = h->data ? (size_t)h->data_len : 1; /* 1: present */
	return 0;
}

static int walk_headers(struct walk *w, unsigned vcpus, struct pv_err *e)
{
	const struct pv_igvm *g = w->in->g;
	struct pv_snp_igvm_info *info = w->info;
	size_t i;
	int r = 0;

	for (i = 0; i < g->nhdr; i++) {
		const struct pv_igvm_hdr *h = &g->hdr[i];
		struct pv_igvm_platform p;

		if (h->desc && h->desc->type == PV_IGVM_VHT_SUPPORTED_PLATFORM &&
		    !pv_igvm_platform_get(h, &p, e) &&
		    p.platform_type == PV_IGVM_PLATFORM_SEV_SNP) {
			info->snp_mask = p.mask;
			break;
		}
	}
	if (!info->snp_mask)
		return pv_errf(e, PV_ENOTSUP,
			       "%s: no SEV_SNP platform (SUPPORTED_PLATFORM "
			       "platform_type 2) in the file", w->in->name);
	for (i = 0; i < g->nhdr && !r; i++) {
		const struct pv_igvm_hdr *h = &g->hdr[i];
		struct pv_igvm_param_area pa;
		struct pv_igvm_policy pol;

		if (!h->desc)
			continue; /* unknown optional header */
		if (h->desc->mask_off >= 0 &&
		    !(pv_igvm_hdr_mask(h) & info->snp_mask))
			continue; /* another platform's */
		switch (h->desc->type) {
		case PV_IGVM_VHT_GUEST_POLICY:
			r = pv_igvm_policy_get(h, &pol, e);
			info->has_policy = !r;
			info->policy = pol.policy;
			break;
		case PV_IGVM_VHT_PARAMETER_AREA:
			r = pv_igvm_param_area_get(h, &pa, e);
			if (!r)
				r = area_add(w, pa.index, pa.number_of_bytes, e);
			break;
		case PV_IGVM_VHT_PAGE_DATA:
			r = page_data(w, h, e);
			break;
		case PV_IGVM_VHT_PARAMETER_INSERT:
			r = param_insert(w, h, e);
			break;
		case PV_IGVM_VHT_VP_CONTEXT:
			r = vp_context(w, h, vcpus, e);
			break;
		case PV_IGVM_VHT_SNP_ID_BLOCK:
			if (!info->has_id_block) {
				r = pv_igvm_snp_id_block_get(h, &w->id_block, e);
				if (r)
					break;
				info->has_id_block = true;
				memcpy(info->id_ld, w->id_block.ld, PV_SNP_LD_SIZE);
				info->id_block_offset = h->offset;
			}
			break;
		default:
			break; /* no launch update (snp-measurement.md 3) */
		}
	}
	return r;
}

/*
 * The ID key's signature in an IGVM SNP_ID_BLOCK (igvm.md 5.14) over the
 * firmware's 96-byte ID_BLOCK (ABI Table 75; snp-measurement.md 7.1).  The
 * IGVM record keeps r, s, qx, qy as the firmware does (little-endian,
 * 72 bytes) but has a reserved u32 after the curve.
 */
static void check_id_sig(const struct pv_igvm_snp_id_block *b,
			 struct pv_snp_igvm_info *info)
{
	struct pv_snp_id_block_in id = { 0 };
	uint8_t msg[PV_SNP_ID_BLOCK_SIZE], pub[PV_SNP_PUBKEY_SIZE] = { 0 };
	uint8_t sig[PV_SNP_SIG_SIZE] = { 0 };
	struct pv_err e = { 0 };

	if (b->id_key_algorithm != PV_SNP_ALGO_ECDSA_P384_SHA384) {
		snprintf(info->id_sig_error, sizeof(info->id_sig_error),
			 "id_key_algorithm %u, expected 1 (ECDSA P-384 SHA-384)",
			 b->id_key_algorithm);
		return;
	}
	memcpy(id.ld, b->ld, sizeof(id.ld));
	memcpy(id.family_id, b->family_id, sizeof(id.family_id));
	memcpy(id.image_id, b->image_id, sizeof(id.image_id));
	id.version = b->version;
	id.guest_svn = b->guest_svn;
	id.policy = info->policy;
	pv_snp_id_block(&id, msg);
	/* the ABI's structures (A.1, A.2) from the IGVM record's fields */
	memcpy(sig, b->id_sig_r, PV_IGVM_IDB_COORD);
	memcpy(sig + PV_IGVM_IDB_COORD, b->id_sig_s, PV_IGVM_IDB_COORD);
	pv_put_le32(pub, b->id_key_curve);
	memcpy(pub + 4, b->id_qx, PV_IGVM_IDB_COORD);
	memcpy(pub + 4 + PV_IGVM_IDB_COORD, b->id_qy, PV_IGVM_IDB_COORD);
	if (pv_snp_verify(pub, msg, sizeof(msg), sig, &e) == 0)
		info->id_sig_valid = true;
	else
		snprintf(info->id_sig_error, sizeof(info->id_sig_error), "%s",
			 e.msg);
}

/* qemu: one VMSA per vCPU, in index order, after all memory */
static int kvm_vmsas(struct walk *w, unsigned vcpus, uint8_t *ap,
		     struct pv_err *e)
{
	uint8_t v0[PV_SNP_PAGE_SIZE] = { 0 };
	unsigned i;
	int r;

	for (i = 0; i < vcpus; i++) {
		struct upd u = { .gpa = PV_SNP_VMSA_GPA_KVM,
				 .type = PV_SNP_PAGE_VMSA, .region = "vmsa",
				 .vcpu = (int)i, .len = PV_SNP_PAGE_SIZE };

		if (w->vp_len[i]) {
			u.data = w->vp[i];
			u.len = w->vp[i] ? w->vp_len[i] : 0;
			u.zero = !w->vp[i];
		} else if (!w->in->ap_reset_model) {
			return pv_errf(e, PV_EFORMAT,
				       "%s: vCPU %u has no VP_CONTEXT: KVM "
				       "measures its reset-state VMSA; give the "
				       "vCPU signature (--vcpu-type or "
				       "--vcpu-sig) to model it, or fewer "
				       "--vcpus", w->in->name, i);
		} else {
			if (!w->info->modelled_aps) {
				if (w->vmsa0)
					memcpy(v0, w->vmsa0,
					       w->vmsa0_len < sizeof(v0) ?
						       w->vmsa0_len : sizeof(v0));
				pv_snp_vmsa_build(ap, PV_SNP_VMM_QEMU,
						  PV_SNP_BSP_EIP,
						  pv_vmsa_get(v0, PV_VMSA_SEV_FEATURES),
						  w->in->vcpu_sig);
			}
			u.data = ap;
			w->info->modelled_aps++;
		}
		if ((r = push(w, &u, e)))
			return r;
	}
	return 0;
}

int pv_snp_igvm_measure(struct pv_snp_chain *c, const struct pv_snp_igvm_in *in,
			struct pv_snp_igvm_info *info, struct pv_err *e)
{
	static const uint8_t zero48[PV_SNP_LD_SIZE];
	struct walk w = { .in = in, .info = info };
	struct pv_snp_page_ref *refs = NULL;
	uint8_t *dig = NULL, *ap = NULL;
	unsigned vcpus = in->vcpus ? in->vcpus : 1;
	size_t i;
	int r;

	memset(info, 0, sizeof(*info));
	if (vcpus > PV_SNP_MAX_VCPUS)
		return pv_errf(e, PV_ERANGE, "%u vCPUs: at most %u", vcpus,
			       PV_SNP_MAX_VCPUS);
	if (in->vmm == PV_SNP_IGVM_QEMU) {
		w.vp = calloc(vcpus, sizeof(*w.vp));
		w.vp_len = calloc(vcpus, sizeof(*w.vp_len));
		ap = malloc(PV_SNP_PAGE_SIZE);
		if (!w.vp || !w.vp_len || !ap) {
			r = pv_errf(e, PV_ENOMEM, "out of memory");
			goto out;
		}
	}
	if ((r = walk_headers(&w, vcpus, e)))
		goto out;
	if (in->vmm == PV_SNP_IGVM_QEMU && (r = kvm_vmsas(&w, vcpus, ap, e)))
		goto out;
	info->vmsas = (unsigned)info->pages[PV_SNP_PAGE_VMSA];
	if (info->has_id_block)
		check_id_sig(&w.id_block, info);
	qsort(w.mem, w.nmem, sizeof(*w.mem), cmp_gpage);
	derive_regions(&w, info);

	/* contents of NORMAL and VMSA pages, in parallel */
	refs = calloc(w.v.n ? w.v.n : 1, sizeof(*refs));
	dig = malloc((w.v.n ? w.v.n : 1) * PV_SNP_LD_SIZE);
	if (!refs || !dig) {
		r = pv_errf(e, PV_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < w.v.n; i++) {
		refs[i].data = w.v.u[i].data;
		refs[i].len = w.v.u[i].data ? w.v.u[i].len : 0;
	}
	r = pv_snp_hash_refs(refs, w.v.n, dig, in->nthreads);
	if (r) {
		r = pv_errf(e, r, "%s: hashing pages failed", in->name);
		goto out;
	}
	/* the chain, in the loader's order */
	for (i = 0; i < w.v.n && !r; i++) {
		const struct upd *u = &w.v.u[i];
		bool measured = u->type == PV_SNP_PAGE_NORMAL ||
				u->type == PV_SNP_PAGE_VMSA;

		r = pv_snp_chain_update(c, u->type, u->gpa,
					measured ? dig + i * PV_SNP_LD_SIZE :
						   zero48,
					region_of(info, u), u->vcpu, e);
	}
out:
	free(refs);
	free(dig);
	free(ap);
	free(w.v.u);
	free(w.mem);
	free(w.area);
	free(w.vp);
	free(w.vp_len);
	return r;
}
