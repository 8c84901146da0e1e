/* SPDX-License-Identifier: Apache-2.0 */
/*
 * clh.c - the Cloud Hypervisor / Hyper-V layout with the semantics of
 * microsoft/igvm-tooling's igvmgen (commit 53656ddd), docs/igvm.md
 * §8 and docs/igvm-layout.md.
 *
 * igvm-tooling builds one flat guest memory image upward from GPA 0 and
 * emits one PAGE_DATA per 4 KiB page of it that is not in a skipped gap.
 * Here the image is never materialised: a page is a pointer into the
 * kernel, the initrd, an ACPI page or a small generated buffer, and only
 * the few pages that straddle two sources are composed.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/bytes.h"
#include "core/err.h"
#include "igvm/linux.h"
#include "linux/boot.h"
#include "linux_priv.h"
#include "snp/snp.h"

#define PAGE 4096u

/* igvmbzimage.py: early memory the decompressor uses before it can
 * validate pages itself (-pvalidate_opt), relative to pref_address */
#define BOOT_HEAP_SIZE 0x10000u
#define BOOT_STACK_SIZE 0x4000u
#define INIT_PGTABLE_SIZE 0x7000u /* TOP_PGT 0x1000 + BOOT_PGT 0x6000 */

#define C_BIT (1ull << 51) /* page-table encryption bit, -encrypted_page */
#define PTE_P_RW_U 0x7ull
#define PTE_PS 0x80ull
#define TSS_SIZE 104u

/* HV_PSP_CPUID_PAGE: the leaves igvm-tooling lists, in its order */
static const struct pv_snp_cpuid_leaf cpuid_leaves[] = {
	{ 0x8000001F, 0 }, { 0x0, 0 }, { 0x1, 0 }, { 0x80000000, 0 },
	{ 0x2, 0 }, { 0x5, 0 }, { 0x6, 0 }, { 0x9, 0 }, { 0xA, 0 },
	{ 0x7, 0 }, { 0x4, 0 }, { 0x4, 1 }, { 0x4, 2 }, { 0xB, 0 },
	{ 0xB, 1 }, { 0x80000001, 0 }, { 0x80000005, 0 }, { 0x80000006, 0 },
	{ 0x80000007, 0 }, { 0x80000008, 0 }, { 0x8000000A, 0 },
	{ 0x8000001E, 0 }, { 0xD, 0 }, { 0xD, 1 }, { 0xD, 2 }, { 0xD, 3 },
	{ 0xD, 4 }, { 0xD, 5 }, { 0xD, 6 }, { 0xD, 7 }, { 0xD, 8 },
	{ 0x80000002, 0 }, { 0x80000003, 0 }, { 0x80000004, 0 },
	{ 0x8000001D, 0 }, { 0x8000001D, 1 }, { 0x8000001D, 2 },
	{ 0x8000001D, 3 },
};

struct src {
	uint64_t gpa;
	const uint8_t *p;
	uint64_t len;
};

struct range {
	uint64_t lo, hi;
};

#define MAX_SRC 64
#define MAX_RANGES 8

struct img {
	struct src s[MAX_SRC];
	size_t ns;
	struct range r[MAX_RANGES]; /* memory that gets PAGE_DATA */
	size_t nr;
};

static int add_src(struct img *m, uint64_t gpa, const uint8_t *p,
		   uint64_t len, struct pv_err *e)
{
	if (m->ns == MAX_SRC)
		return pv_errf(e, PV_ETOOBIG, "too many ACPI pages (at most %d)",
			       MAX_SRC - 8);
	m->s[m->ns].gpa = gpa;
	m->s[m->ns].p = p;
	m->s[m->ns].len = len;
	m->ns++;
	return 0;
}

static void add_range(struct img *m, uint64_t lo, uint64_t hi)
{
	m->r[m->nr].lo = lo;
	m->r[m->nr].hi = hi;
	m->nr++;
}

static int in_ranges(const struct img *m, uint64_t gpa)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (gpa >= m->r[i].lo && gpa < m->r[i].hi)
			return 1;
	return 0;
}

/* the content of one page: a pointer into a source, a composed page, or
 * NULL for zeros */
static int page_of(struct pv_linux_igvm *out, const struct img *m,
		   uint64_t gpa, const uint8_t **res, struct pv_err *e)
{
	const struct src *one = NULL;
	uint8_t *pg = NULL, **x;
	size_t i, n = 0;

	*res = NULL;
	for (i = 0; i < m->ns; i++) {
		const struct src *s = &m->s[i];

		if (s->gpa < gpa + PAGE && gpa < s->gpa + s->len) {
			n++;
			one = s;
		}
	}
	if (!n)
		return 0;
	if (n == 1 && one->gpa <= gpa && gpa + PAGE <= one->gpa + one->len) {
		*res = one->p + (gpa - one->gpa);
		return 0;
	}
	x = pv_grow(out->extra, &out->capextra, out->nextra + 1,
		    sizeof(*out->extra));
	if (!x)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	out->extra = x;
	pg = calloc(1, PAGE);
	if (!pg)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	out->extra[out->nextra++] = pg;
	for (i = 0; i < m->ns; i++) {
		const struct src *s = &m->s[i];
		uint64_t lo = s->gpa > gpa ? s->gpa : gpa;
		uint64_t hi = s->gpa + s->len < gpa + PAGE ? s->gpa + s->len
							   : gpa + PAGE;

		if (lo < hi)
			memcpy(pg + (lo - gpa), s->p + (lo - s->gpa), hi - lo);
	}
	*res = pg;
	return 0;
}

/* struct desc_struct (Linux arch/x86/include/asm/desc_defs.h) */
static void gdt_entry(uint8_t *d, uint32_t base, uint32_t limit, uint8_t access,
		      uint8_t flags)
{
	pv_put_le16(d, (uint16_t)limit);
	pv_put_le16(d + 2, (uint16_t)base);
	d[4] = (uint8_t)(base >> 16);
	d[5] = access;
	d[6] = (uint8_t)(((limit >> 16) & 0xf) | (uint8_t)(flags << 4));
	d[7] = (uint8_t)(base >> 24);
}

/* §5.7, §5.9, §5.10: one 4 KiB parameter area with the VP count at 0
 * and the memory map at 24, inserted at the parameter page */
static int param_page(struct pv_linux_igvm *out, uint64_t gpa,
		      struct pv_err *e)
{
	uint8_t b[PV_IGVM_SZ_PARAMETER_AREA];
	int rc;

	pv_igvm_param_area_put(b, &(struct pv_igvm_param_area){
		.number_of_bytes = PAGE });
	rc = pv_igvm_add(&out->w, PV_IGVM_VHT_PARAMETER_AREA, b,
			 PV_IGVM_SZ_PARAMETER_AREA, NULL, 0, e);
	pv_igvm_param_put(b, &(struct pv_igvm_param){ .byte_offset = 0 });
	if (!rc)
		rc = pv_igvm_add(&out->w, PV_IGVM_VHT_VP_COUNT_PARAMETER, b,
				 PV_IGVM_SZ_PARAMETER, NULL, 0, e);
	pv_igvm_param_put(b, &(struct pv_igvm_param){ .byte_offset = 24 });
	if (!rc)
		rc = pv_igvm_add(&out->w, PV_IGVM_VHT_MEMORY_MAP, b,
				 PV_IGVM_SZ_PARAMETER, NULL, 0, e);
	pv_igvm_param_insert_put(b, &(struct pv_igvm_param_insert){
		.gpa = gpa, .mask = 1 });
	if (!rc)
		rc = pv_igvm_add(&out->w, PV_IGVM_VHT_PARAMETER_INSERT, b,
				 PV_IGVM_SZ_PARAMETER_INSERT, NULL, 0, e);
	return rc;
}

static uint64_t up(uint64_t v)
{
	return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

int pv_linux_igvm_clh(const struct pv_linux_igvm_opts *o,
		      const struct pv_bzimage *k, struct pv_linux_igvm *out,
		      struct pv_err *e)
{
	struct img m = { 0 };
	uint8_t *cpuid = out->pages, *vmsa = out->pages + PAGE, *bp, *cc;
	uint64_t pref = k->pref_address, init = k->init_size;
	uint64_t ksize = up(k->kernel_len), acpi_lo, acpi_end, T, pt = 0, tss, gdt, bpa;
	uint64_t cmdl, rd, stack, ccb, end, gpa, x[2][2] = { { 0 } };
	size_t cmdlen = o->cmdline ? strlen(o->cmdline) : 0, i, tail_len;
	unsigned gdt_size = o->boot_x64 ? 56 : 48;
	uint8_t b[PV_IGVM_SZ_MAX] = { 0 };
	int rc;

	/* igvmbzimage.py's assertions on the setup header */
	if (pref <= 3u << 20 || init % PAGE)
		return pv_errf(e, PV_ENOTSUP,
			       "%s: pref_address 0x%llx must be above 3 MiB and init_size 0x%llx page aligned for --vmm clh",
			       o->kernel_name, (unsigned long long)pref,
			       (unsigned long long)init);
	if (o->boot_x64 && !(k->xloadflags & PV_BZ_XLF_KERNEL_64))
		return pv_errf(e, PV_ENOTSUP,
			       "%s: offset 0x236: xloadflags 0x%x has no 64-bit entry (XLF_KERNEL_64)",
			       o->kernel_name, k->xloadflags);
	if (cmdlen > k->cmdline_size)
		return pv_errf(e, PV_ETOOBIG,
			       "command line is %zu bytes, longer than %s's cmdline_size %u",
			       cmdlen, o->kernel_name, k->cmdline_size);
	if (k->setup_len < 0x1f1 + 0x7b)
		return pv_errf(e, PV_EFORMAT, "%s: setup code too short",
			       o->kernel_name);

	/* 1. BIOS area and ACPI: [0 or 0xA0000, 0x200000) */
	acpi_lo = o->pvalidate_opt ? 0xA0000 : 0;
	acpi_end = o->acpi_end ? o->acpi_end : PV_CLH_ACPI_END;
	add_range(&m, acpi_lo, acpi_end);
	for (i = 0; i < o->nacpi; i++) {
		if (o->acpi[i].gpa % PAGE || o->acpi[i].gpa < PV_CLH_ACPI_START ||
		    o->acpi[i].gpa >= acpi_end)
			return pv_errf(e, PV_ERANGE,
				       "ACPI page at 0x%llx: must be page aligned in [0xe0000, 0x200000)",
				       (unsigned long long)o->acpi[i].gpa);
		if (i && o->acpi[i].gpa <= o->acpi[i - 1].gpa)
			return pv_errf(e, PV_EINVAL,
				       "ACPI pages must be sorted and distinct (0x%llx)",
				       (unsigned long long)o->acpi[i].gpa);
		if ((rc = add_src(&m, o->acpi[i].gpa, o->acpi[i].data, PAGE, e)))
			return rc;
	}
	/* 2. CPUID, secrets, parameter and VMSA pages at 0x800000 */
	add_range(&m, PV_CLH_CPUID, PV_CLH_VMSA + PAGE);
	/* 3. the kernel at pref_address */
	if (pref < PV_CLH_VMSA + PAGE)
		return pv_errf(e, PV_ERANGE,
			       "%s: pref_address 0x%llx overlaps the pages at 0x800000",
			       o->kernel_name, (unsigned long long)pref);
	if (!o->pvalidate_opt) {
		add_range(&m, pref, pref + init);
	} else {
		/* the image, then the boot heap's stack and the early page
		 * tables (igvmbzimage.py _extra_mem_by_default) */
		x[0][0] = ksize + BOOT_HEAP_SIZE;
		x[0][1] = BOOT_STACK_SIZE;
		x[1][0] = init - INIT_PGTABLE_SIZE;
		x[1][1] = INIT_PGTABLE_SIZE;
		if (x[0][0] + x[0][1] > x[1][0])
			return pv_errf(e, PV_ERANGE,
				       "%s: kernel image, boot heap and stack overlap the early page tables inside init_size (-pvalidate_opt)",
				       o->kernel_name);
		add_range(&m, pref, pref + ksize);
		add_range(&m, pref + x[0][0], pref + x[0][0] + x[0][1]);
		add_range(&m, pref + x[1][0], pref + init);
	}
	if ((rc = add_src(&m, pref, k->kernel, k->kernel_len, e)))
		return rc;
	/* 4. after pref + init_size: page tables, TSS, GDT, boot_params,
	 * command line, initrd (page aligned), boot stack, cc_blob; the
	 * allocator only aligns where noted */
	T = pref + init;
	if (o->boot_x64)
		pt = T;
	tss = T + (o->boot_x64 ? 2 * PAGE : 0);
	gdt = tss + TSS_SIZE;
	bpa = gdt + gdt_size;
	cmdl = bpa + PV_BP_SIZE;
	rd = up(cmdl + cmdlen + 1);
	stack = rd + o->initrd_len;
	ccb = stack + PAGE;
	end = up(ccb + PAGE);
	add_range(&m, T, end);
	if (end > 1ull << 32)
		return pv_errf(e, PV_ETOOBIG,
			       "the layout ends at 0x%llx, above 4 GiB (initrd too large)",
			       (unsigned long long)end);
	/* generated tail: [T, rd) and [stack, end) in one buffer */
	tail_len = (size_t)(rd - T) + (size_t)(end - stack);
	out->tail = calloc(1, tail_len);
	if (!out->tail)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	if ((rc = add_src(&m, T, out->tail, rd - T, e)) ||
	    (o->initrd_len &&
	     (rc = add_src(&m, rd, o->initrd, o->initrd_len, e))) ||
	    (rc = add_src(&m, stack, out->tail + (rd - T), end - stack, e)))
		return rc;
	if (o->boot_x64) {
		/* allocate_l2pgtable: PML4[0] -> PDPT of 512 1 GiB pages */
		uint8_t *pgd = out->tail, *pud = out->tail + PAGE;

		pv_put_le64(pgd, (pt + PAGE) | PTE_P_RW_U |
				 (o->encrypted_page ? C_BIT : 0));
		for (i = 0; i < 512; i++)
			pv_put_le64(pud + 8 * i,
				    ((uint64_t)i << 30) | PTE_P_RW_U | PTE_PS |
					    (o->encrypted_page ? C_BIT : 0));
	}
	/* setup_gdt: null, kernel code, user code, kernel data, user data,
	 * TSS (16 bytes in long mode) */
	{
		uint8_t *g = out->tail + (gdt - T);
		uint8_t cflags = o->boot_x64 ? 0xa : 0xc; /* G, L or D/B */

		gdt_entry(g + 8, 0, 0xffffffff, 0x9b, cflags);
		gdt_entry(g + 16, 0, 0xffffffff, 0xfb, cflags);
		gdt_entry(g + 24, 0, 0xffffffff, 0x93, 0xc);
		gdt_entry(g + 32, 0, 0xffffffff, 0xf3, 0xc);
		gdt_entry(g + 40, (uint32_t)tss, TSS_SIZE - 1, 0x8b, 0);
		if (o->boot_x64)
			pv_put_le32(g + 48, (uint32_t)(tss >> 32));
	}
	/* boot_params: the 0x7b-byte setup header, then the loader fields */
	bp = out->tail + (bpa - T);
	memcpy(bp + PV_BZ_HDR, k->setup + PV_BZ_HDR, 0x7b);
	pv_put_le32(bp + PV_BZ_CODE32_START,
		    (uint32_t)(pref + (o->boot_x64 ? 0x200 : 0)));
	bp[PV_BZ_TYPE_OF_LOADER] = 0xff;
	pv_put_le32(bp + PV_BZ_CMD_LINE_PTR, (uint32_t)cmdl);
	pv_put_le32(bp + PV_BZ_CMDLINE_SIZE, (uint32_t)cmdlen);
	pv_put_le32(bp + PV_BZ_RAMDISK_IMAGE, (uint32_t)rd);
	pv_put_le32(bp + PV_BZ_RAMDISK_SIZE, (uint32_t)o->initrd_len);
	pv_put_le64(bp + PV_BP_ACPI_RSDP, PV_CLH_ACPI_START);
	pv_put_le32(bp + PV_BP_CC_BLOB_ADDRESS, (uint32_t)ccb);
	if (!o->pvalidate_opt) {
		pv_bp_e820_add(bp, 0, 0xA0000, 1);
		pv_bp_e820_add(bp, 0xA0000, 0x60000, 2);
		pv_bp_e820_add(bp, 0x100000, acpi_end - 0x100000, 3);
		pv_bp_e820_add(bp, pref, end - pref, 1);
	} else {
		pv_bp_e820_add(bp, 0, 0, 1);
		pv_bp_e820_add(bp, 0xA0000, 0x60000, 2);
		pv_bp_e820_add(bp, 0x100000, acpi_end - 0x100000, 3);
		pv_bp_e820_add(bp, pref, ksize, 1);
		pv_bp_e820_add(bp, pref + x[0][0], x[0][1], 1);
		pv_bp_e820_add(bp, pref + x[1][0], x[1][1], 1);
		pv_bp_e820_add(bp, T, end - T, 1);
	}
	memcpy(out->tail + (cmdl - T), o->cmdline ? o->cmdline : "", cmdlen);
	/* cc_blob_sev_info (see linux.c) */
	cc = out->tail + (rd - T) + (ccb - stack);
	pv_cc_blob_put(cc, PV_CLH_SECRETS, PAGE, PV_CLH_CPUID, PAGE);
	rc = pv_snp_cpuid_page(cpuid, cpuid_leaves,
			       sizeof(cpuid_leaves) / sizeof(cpuid_leaves[0]), e);
	if (rc)
		return rc;
	/* VMSA (igvm.md §8.4) */
	pv_vmsa_put_seg(vmsa, PV_VMSA_CS, 0x8, o->boot_x64 ? 0xa9b : 0xc9b, 0xffffffff, 0);
	pv_vmsa_put_seg(vmsa, PV_VMSA_DS, 0x18, 0xc93, 0xffffffff, 0);
	pv_vmsa_put_seg(vmsa, PV_VMSA_ES, 0x18, 0xc93, 0xffffffff, 0);
	pv_vmsa_put_seg(vmsa, PV_VMSA_SS, 0x18, 0xc93, 0xffffffff, 0);
	pv_vmsa_put_seg(vmsa, PV_VMSA_TR, 0x28, 0x8b, TSS_SIZE - 1, tss);
	pv_vmsa_put_seg(vmsa, PV_VMSA_GDTR, 0, 0, gdt_size - 1, gdt);
	pv_vmsa_put(vmsa, PV_VMSA_EFER, (o->svme ? 0x1000 : 0) |
				   (o->boot_x64 ? 0xd01 : 0));
	pv_vmsa_put(vmsa, PV_VMSA_CR0, o->boot_x64 ? 0x80000001 : 0x1);
	if (o->boot_x64) {
		pv_vmsa_put(vmsa, PV_VMSA_CR4, 0x30);
		pv_vmsa_put(vmsa, PV_VMSA_CR3, pt | (o->encrypted_page ? C_BIT : 0));
	}
	/* igvm-tooling sets RFLAGS (bit 1, reserved, reads as 1) only for
	 * -arch Intel, its default; for AMD the VMSA keeps 0 */
	if (!o->arch_amd)
		pv_vmsa_put(vmsa, PV_VMSA_RFLAGS, 2);
	pv_vmsa_put(vmsa, PV_VMSA_RIP, pref + (o->boot_x64 ? 0x200 : 0));
	pv_vmsa_put(vmsa, PV_VMSA_RSP, stack + PAGE);
	pv_vmsa_put(vmsa, PV_VMSA_RSI, bpa);
	pv_vmsa_put(vmsa, PV_VMSA_G_PAT, 0x0007040600070406ull);
	pv_vmsa_put(vmsa, PV_VMSA_SEV_FEATURES, o->sev_features);
	pv_vmsa_put(vmsa, PV_VMSA_XCR0, 1);
	out->entry = pref + (o->boot_x64 ? 0x200 : 0);
	out->nregions = 0;

	/* headers (igvm.md §8.5): platform, policy, then every page in GPA
	 * order with the special pages at their positions; no ID block */
	pv_igvm_platform_put(b, &(struct pv_igvm_platform){
		.mask = 1, .highest_vtl = o->vtl,
		.platform_type = PV_IGVM_PLATFORM_SEV_SNP,
		.platform_version = 1 });
	if ((rc = pv_igvm_add(&out->w, PV_IGVM_VHT_SUPPORTED_PLATFORM, b,
			      PV_IGVM_SZ_SUPPORTED_PLATFORM, NULL, 0, e)))
		return rc;
	pv_igvm_policy_put(b, &(struct pv_igvm_policy){ .policy = o->policy,
							 .mask = 1 });
	if ((rc = pv_igvm_add(&out->w, PV_IGVM_VHT_GUEST_POLICY, b,
			      PV_IGVM_SZ_GUEST_POLICY, NULL, 0, e)))
		return rc;
	for (gpa = 0; gpa < end; gpa += PAGE) {
		const uint8_t *p;

		if (gpa == PV_CLH_CPUID) {
			rc = pv_linux_igvm_page(out, gpa, PV_IGVM_DATA_CPUID_DATA,
						 cpuid, PAGE, e);
		} else if (gpa == PV_CLH_SECRETS) {
			rc = pv_linux_igvm_page(out, gpa, PV_IGVM_DATA_SECRETS,
						 NULL, 0, e);
		} else if (gpa == PV_CLH_PARAM) {
			rc = param_page(out, gpa, e);
		} else if (gpa == PV_CLH_VMSA) {
			pv_igvm_vp_context_put(b, &(struct pv_igvm_vp_context){
				.gpa = gpa, .mask = 1 });
			rc = pv_igvm_add(&out->w, PV_IGVM_VHT_VP_CONTEXT, b,
					 PV_IGVM_SZ_VP_CONTEXT, vmsa, PAGE, e);
		} else if (in_ranges(&m, gpa)) {
			rc = page_of(out, &m, gpa, &p, e);
			if (!rc)
				rc = pv_linux_igvm_page(out, gpa,
							 PV_IGVM_DATA_NORMAL, p,
							 PAGE, e);
		} else {
			/* a skipped gap: jump to the next range */
			uint64_t next = end;

			for (i = 0; i < m.nr; i++)
				if (m.r[i].lo > gpa && m.r[i].lo < next)
					next = m.r[i].lo;
			gpa = next - PAGE;
			rc = 0;
		}
		if (rc)
			return rc;
	}
	return 0;
}
