/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.c - a bzImage, an initrd and a command line as an IGVM file.
 *
 * The qemu flavour (docs/igvm-layout.md) starts the kernel through the
 * 32-bit boot protocol (Linux Documentation/arch/x86/boot.rst, "32-bit
 * Boot Protocol"): flat 4 GiB segments with __BOOT_CS = 0x10 and
 * __BOOT_DS = 0x18 from a GDT, paging off, %esi = boot_params, entry at
 * the load address of the protected-mode kernel.  That is what QEMU/KVM
 * accepts in an SEV-SNP IGVM file (igvm.md §9.2): CR0 0x31, one VMSA at
 * GPA 0xFFFFFFFFF000 after all page data, only register state that KVM
 * synchronises, sev_features 0x1 by default.
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "igvm/linux.h"
#include "linux/boot.h"
#include "linux_priv.h"
#include "snp/snp.h"

#define PAGE 4096u

/* the pages generated here, in the order of pages[] */
enum { PG_BOOT_PARAMS, PG_GDT, PG_CPUID, PG_CC_BLOB, PG_VMSA, PG_CMDLINE, PG_N };

/* GDT: null, null, __BOOT_CS (0x10), __BOOT_DS (0x18): flat 4 GiB */
static void make_gdt(uint8_t *p)
{
	pv_put_le64(p + 0x10, 0x00cf9b000000ffffull); /* code, 32-bit, G */
	pv_put_le64(p + 0x18, 0x00cf93000000ffffull); /* data, 32-bit, G */
}

/* Register state of the BSP: only fields KVM synchronises (igvm.md §9.2
 * item 5): segments, descriptor tables, control registers, EFER, DR6/7,
 * RFLAGS, RIP, RSP, RSI, PAT, XCR0, and sev_features. */
static void make_vmsa(uint8_t *v, const struct pv_linux_igvm_opts *o,
		      uint64_t entry)
{
	static const unsigned data_segs[] = { PV_VMSA_ES, PV_VMSA_SS,
					      PV_VMSA_DS, PV_VMSA_FS,
					      PV_VMSA_GS };
	size_t i;

	pv_vmsa_put_seg(v, PV_VMSA_CS, 0x10, 0xc9b, 0xffffffff, 0);
	for (i = 0; i < sizeof(data_segs) / sizeof(data_segs[0]); i++)
		pv_vmsa_put_seg(v, data_segs[i], 0x18, 0xc93, 0xffffffff, 0);
	pv_vmsa_put_seg(v, PV_VMSA_GDTR, 0, 0, 0x1f, PV_QEMU_GDT);
	pv_vmsa_put_seg(v, PV_VMSA_IDTR, 0, 0, 0, 0);
	pv_vmsa_put_seg(v, PV_VMSA_LDTR, 0, 0x82, 0xffff, 0);
	pv_vmsa_put_seg(v, PV_VMSA_TR, 0, 0x8b, 0xffff, 0);
	if (o->platform == PV_PLATFORM_SNP)
		pv_vmsa_put(v, PV_VMSA_EFER, 0x1000); /* SVME */
	pv_vmsa_put(v, PV_VMSA_CR0, 0x31);     /* PE | ET | NE: no paging */
	pv_vmsa_put(v, PV_VMSA_DR7, 0x400);
	pv_vmsa_put(v, PV_VMSA_DR6, 0xffff0ff0);
	pv_vmsa_put(v, PV_VMSA_RFLAGS, 0x2);
	pv_vmsa_put(v, PV_VMSA_RIP, entry);
	pv_vmsa_put(v, PV_VMSA_RSP, PV_QEMU_STACK + PAGE);
	pv_vmsa_put(v, PV_VMSA_RSI, PV_QEMU_BOOT_PARAMS);
	pv_vmsa_put(v, PV_VMSA_G_PAT, 0x0007040600070406ull);
	pv_vmsa_put(v, PV_VMSA_XCR0, 1);
	if (o->platform == PV_PLATFORM_SNP)
		pv_vmsa_put(v, PV_VMSA_SEV_FEATURES, o->sev_features);
}

/* Standard leaves the kernel asks for; the PSP checks the values and
 * QEMU supplies them from KVM (docs/igvm-layout.md) */
static int make_cpuid(uint8_t *p, struct pv_err *e)
{
	static const struct pv_snp_cpuid_leaf leaves[] = {
		{ 0x0, 0 }, { 0x1, 0 }, { 0x7, 0 }, { 0xb, 0 }, { 0xb, 1 },
		{ 0xd, 0 }, { 0xd, 1 }, { 0x80000000, 0 }, { 0x80000001, 0 },
		{ 0x80000007, 0 }, { 0x80000008, 0 }, { 0x8000001f, 0 },
	};

	return pv_snp_cpuid_page(p, leaves, sizeof(leaves) / sizeof(leaves[0]),
				 e);
}

static int add_region(struct pv_linux_igvm *out, const char *name,
		      uint64_t gpa, uint64_t size, struct pv_err *e)
{
	size_t i;

	for (i = 0; i < out->nregions; i++) {
		const struct pv_igvm_region *r = &out->regions[i];

		if (gpa < r->gpa + r->size && r->gpa < gpa + size)
			return pv_errf(e, PV_ERANGE,
				       "%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
				       name, (unsigned long long)gpa,
				       (unsigned long long)(gpa + size), r->name,
				       (unsigned long long)r->gpa,
				       (unsigned long long)(r->gpa + r->size));
	}
	if (out->nregions == PV_LINUX_IGVM_MAX_REGIONS)
		return pv_errf(e, PV_EINVAL, "too many regions");
	out->regions[out->nregions].name = name;
	out->regions[out->nregions].gpa = gpa;
	out->regions[out->nregions].size = size;
	out->nregions++;
	return 0;
}

int pv_linux_igvm_page(struct pv_linux_igvm *out, uint64_t gpa, uint16_t type,
		       const uint8_t *data, size_t len, struct pv_err *e)
{
	struct pv_igvm_page_data d = { .gpa = gpa, .mask = 1,
				       .data_type = type };
	uint8_t b[PV_IGVM_SZ_PAGE_DATA];

	pv_igvm_page_data_put(b, &d);
	return pv_igvm_add(&out->w, PV_IGVM_VHT_PAGE_DATA, b, sizeof(b), data,
			   data ? len : 0, e);
}

/* pages for (data, len) at gpa, then zero pages up to gpa + span */
static int add_range(struct pv_linux_igvm *out, uint64_t gpa,
		     const uint8_t *data, size_t len, uint64_t span,
		     struct pv_err *e)
{
	uint64_t off;
	int rc;

	for (off = 0; off < span; off += PAGE) {
		size_t n = off < len ? (len - off < PAGE ? len - off : PAGE) : 0;

		rc = pv_linux_igvm_page(out, gpa + off, PV_IGVM_DATA_NORMAL,
			      n ? data + off : NULL, n, e);
		if (rc)
			return rc;
	}
	return 0;
}

static uint64_t align_up(uint64_t v)
{
	return (v + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

static int build_qemu(const struct pv_linux_igvm_opts *o,
		      const struct pv_bzimage *k, struct pv_linux_igvm *out,
		      struct pv_err *e)
{
	const int snp = o->platform == PV_PLATFORM_SNP;
	uint8_t *bp = out->pages + PG_BOOT_PARAMS * PAGE;
	uint8_t *cmd = out->pages + PG_CMDLINE * PAGE;
	size_t cmdlen = o->cmdline ? strlen(o->cmdline) : 0;
	uint64_t load = k->pref_address, kend = 0, low4g, top, initrd_gpa = 0;
	uint64_t cmdspan;
	uint8_t body[PV_IGVM_SZ_MAX] = { 0 };
	int rc;

	/* command line: boot.rst "cmdline_size: the maximum size of the
	 * command line without the terminating zero" */
	if (cmdlen > k->cmdline_size || cmdlen + 1 > PV_QEMU_CMDLINE_MAX)
		return pv_errf(e, PV_ETOOBIG,
			       "command line is %zu bytes, longer than %s's cmdline_size %u",
			       cmdlen, o->kernel_name, k->cmdline_size);
	cmdspan = align_up(cmdlen + 1);
	memcpy(cmd, o->cmdline ? o->cmdline : "", cmdlen + 1);

	if (!pv_add_u64(load, align_up(k->init_size), &kend) ||
	    kend > o->memory || kend > PV_MMIO_HOLE)
		return pv_errf(e, PV_ETOOBIG,
			       "%s needs [0x%llx, 0x%llx) but the guest has 0x%llx bytes of memory",
			       o->kernel_name, (unsigned long long)load,
			       (unsigned long long)kend,
			       (unsigned long long)o->memory);
	low4g = o->memory < PV_MMIO_HOLE ? o->memory : PV_MMIO_HOLE;
	if (o->initrd) {
		top = low4g;
		if ((uint64_t)k->initrd_addr_max + 1 < top)
			top = (uint64_t)k->initrd_addr_max + 1;
		if (o->initrd_len > top || ((top - o->initrd_len) & ~(uint64_t)(PAGE - 1)) < kend)
			return pv_errf(e, PV_ETOOBIG,
				       "%s (%zu bytes) does not fit between the kernel end 0x%llx and 0x%llx (--memory, initrd_addr_max)",
				       o->initrd_name, o->initrd_len,
				       (unsigned long long)kend,
				       (unsigned long long)top);
		initrd_gpa = (top - o->initrd_len) & ~(uint64_t)(PAGE - 1);
	}

	/* regions, checked for overlap */
	if ((rc = add_region(out, "boot_params", PV_QEMU_BOOT_PARAMS, PAGE, e)) ||
	    (rc = add_region(out, "gdt", PV_QEMU_GDT, PAGE, e)) ||
	    (rc = add_region(out, "stack", PV_QEMU_STACK, PAGE, e)) ||
	    (snp && (rc = add_region(out, "cpuid", PV_QEMU_CPUID, PAGE, e))) ||
	    (snp && (rc = add_region(out, "secrets", PV_QEMU_SECRETS, PAGE, e))) ||
	    (snp && (rc = add_region(out, "cc_blob", PV_QEMU_CC_BLOB, PAGE, e))) ||
	    (rc = add_region(out, "cmdline", PV_QEMU_CMDLINE, cmdspan, e)) ||
	    (rc = add_region(out, "kernel", load,
			     snp ? kend - load : align_up(k->kernel_len), e)) ||
	    (o->initrd && (rc = add_region(out, "initrd", initrd_gpa,
					   align_up(o->initrd_len), e))) ||
	    (snp && (rc = add_region(out, "vmsa", PV_QEMU_VMSA, PAGE, e))))
		return rc;

	/* boot_params: the setup header from the image (boot.rst "Loading
	 * the rest of the kernel"), then what a boot loader fills in */
	memcpy(bp + PV_BZ_HDR, k->setup + PV_BZ_HDR, k->hdr_end - PV_BZ_HDR);
	pv_put_le16(bp + PV_BZ_VID_MODE, 0xffff); /* normal */
	bp[PV_BZ_TYPE_OF_LOADER] = 0xff;
	pv_put_le32(bp + PV_BZ_CODE32_START, (uint32_t)load);
	pv_put_le32(bp + PV_BZ_CMD_LINE_PTR, (uint32_t)PV_QEMU_CMDLINE);
	if (o->initrd) {
		pv_put_le32(bp + PV_BZ_RAMDISK_IMAGE, (uint32_t)initrd_gpa);
		pv_put_le32(bp + PV_BZ_RAMDISK_SIZE, (uint32_t)o->initrd_len);
		pv_put_le32(bp + PV_BP_EXT_RAMDISK_IMAGE,
			    (uint32_t)(initrd_gpa >> 32));
		pv_put_le32(bp + PV_BP_EXT_RAMDISK_SIZE,
			    (uint32_t)((uint64_t)o->initrd_len >> 32));
	}
	if (snp) {
		pv_put_le32(bp + PV_BP_CC_BLOB_ADDRESS, (uint32_t)PV_QEMU_CC_BLOB);
		pv_cc_blob_put(out->pages + PG_CC_BLOB * PAGE, PV_QEMU_SECRETS,
			       PAGE, PV_QEMU_CPUID, PAGE);
		rc = make_cpuid(out->pages + PG_CPUID * PAGE, e);
		if (rc)
			return rc;
	}
	/* e820 (boot.rst "zero page"; Linux setup_data.h) */
	if (snp) {
		pv_bp_e820_add(bp, 0, PV_QEMU_CPUID, PV_E820_RAM);
		pv_bp_e820_add(bp, PV_QEMU_CPUID, 3 * PAGE, PV_E820_RESERVED);
		pv_bp_e820_add(bp, PV_QEMU_CC_BLOB + PAGE,
			 PV_LOW_RAM_END - PV_QEMU_CC_BLOB - PAGE, PV_E820_RAM);
	} else {
		pv_bp_e820_add(bp, 0, PV_LOW_RAM_END, PV_E820_RAM);
	}
	pv_bp_e820_add(bp, PV_HIGH_RAM, low4g - PV_HIGH_RAM, PV_E820_RAM);
	if (o->memory > PV_MMIO_HOLE)
		pv_bp_e820_add(bp, 1ull << 32, o->memory - PV_MMIO_HOLE, PV_E820_RAM);
	make_gdt(out->pages + PG_GDT * PAGE);
	out->entry = load;
	make_vmsa(out->pages + PG_VMSA * PAGE, o, load);

	/* headers: platform, policy, then page data by GPA, VMSA last */
	pv_igvm_platform_put(body, &(struct pv_igvm_platform){
		.mask = 1, .platform_version = 1,
		.platform_type = snp ? PV_IGVM_PLATFORM_SEV_SNP :
				       PV_IGVM_PLATFORM_NATIVE });
	rc = pv_igvm_add(&out->w, PV_IGVM_VHT_SUPPORTED_PLATFORM, body,
			 PV_IGVM_SZ_SUPPORTED_PLATFORM, NULL, 0, e);
	if (rc)
		return rc;
	if (snp) {
		pv_igvm_policy_put(body, &(struct pv_igvm_policy){
			.policy = o->policy, .mask = 1 });
		rc = pv_igvm_add(&out->w, PV_IGVM_VHT_GUEST_POLICY, body,
				 PV_IGVM_SZ_GUEST_POLICY, NULL, 0, e);
		if (rc)
			return rc;
	}
	if ((rc = pv_linux_igvm_page(out, PV_QEMU_BOOT_PARAMS, PV_IGVM_DATA_NORMAL, bp,
			   PAGE, e)) ||
	    (rc = pv_linux_igvm_page(out, PV_QEMU_GDT, PV_IGVM_DATA_NORMAL,
			   out->pages + PG_GDT * PAGE, PAGE, e)) ||
	    (rc = pv_linux_igvm_page(out, PV_QEMU_STACK, PV_IGVM_DATA_NORMAL, NULL, 0, e)))
		return rc;
	if (snp &&
	    ((rc = pv_linux_igvm_page(out, PV_QEMU_CPUID, PV_IGVM_DATA_CPUID_DATA,
			    out->pages + PG_CPUID * PAGE, PAGE, e)) ||
	     (rc = pv_linux_igvm_page(out, PV_QEMU_SECRETS, PV_IGVM_DATA_SECRETS, NULL, 0,
			    e)) ||
	     (rc = pv_linux_igvm_page(out, PV_QEMU_CC_BLOB, PV_IGVM_DATA_NORMAL,
			    out->pages + PG_CC_BLOB * PAGE, PAGE, e))))
		return rc;
	if ((rc = add_range(out, PV_QEMU_CMDLINE, cmd, cmdlen + 1, cmdspan, e)))
		return rc;
	/* SNP: every page the decompressor touches must be validated, so the
	 * whole of init_size is in the file (zero pages cost no file data) */
	rc = add_range(out, load, k->kernel, k->kernel_len,
		       snp ? kend - load : align_up(k->kernel_len), e);
	if (rc)
		return rc;
	if (o->initrd &&
	    (rc = add_range(out, initrd_gpa, o->initrd, o->initrd_len,
			    align_up(o->initrd_len), e)))
		return rc;
	/* the VMSA last (igvm.md §9.2); native: the same register state,
	 * which QEMU loads into the vCPU the same way */
	pv_igvm_vp_context_put(body, &(struct pv_igvm_vp_context){
		.gpa = PV_QEMU_VMSA, .mask = 1 });
	rc = pv_igvm_add(&out->w, PV_IGVM_VHT_VP_CONTEXT, body,
			 PV_IGVM_SZ_VP_CONTEXT, out->pages + PG_VMSA * PAGE, PAGE,
			 e);
	return rc;
}

int pv_linux_igvm_build(const struct pv_linux_igvm_opts *o,
			struct pv_linux_igvm *out, struct pv_err *e)
{
	struct pv_bzimage k;
	int rc;

	memset(out, 0, sizeof(*out));
	pv_igvm_writer_init(&out->w, 1);
	if (o->vmm == PV_VMM_QEMU && (o->memory < 64ull << 20 || o->memory % PAGE))
		return pv_errf(e, PV_EINVAL,
			       "memory size 0x%llx: need at least 64 MiB, 4 KiB aligned",
			       (unsigned long long)o->memory);
	if (pv_is_elf(o->kernel, o->kernel_len))
		return pv_errf(e, PV_ENOTSUP,
			       "%s: a vmlinux ELF is not supported by build (both layouts enter through the bzImage's setup header and boot protocol; README.md, igvmgen): use the bzImage",
			       o->kernel_name);
	rc = pv_bzimage_parse(o->kernel, o->kernel_len, o->kernel_name, &k, e);
	if (rc)
		return rc;
	out->pages = calloc(PG_N + PV_QEMU_CMDLINE_MAX / PAGE, PAGE);
	if (!out->pages)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	if (o->vmm == PV_VMM_CLH && o->nacpi_tables) {
		/* compiled tables, laid out as igvm-tooling's -acpi_dir */
		struct pv_linux_igvm_opts oa = *o;
		struct pv_acpi_page pages[PV_ACPI_MAX_PAGES];

		rc = pv_acpi_layout(o->acpi_tables, o->nacpi_tables,
				    &out->acpibuf, pages, &oa.nacpi,
				    &oa.acpi_end, e);
		oa.acpi = pages;
		if (!rc)
			rc = pv_linux_igvm_clh(&oa, &k, out, e);
	} else if (o->vmm == PV_VMM_CLH && !o->nacpi) {
		/* no ACPI pages given: the built-in set */
		struct pv_linux_igvm_opts oa = *o;
		struct pv_acpi_page pages[3];

		rc = pv_acpi_minimal(o->vcpus, &out->acpibuf, pages, &oa.nacpi, e);
		oa.acpi = pages;
		if (!rc)
			rc = pv_linux_igvm_clh(&oa, &k, out, e);
	} else {
		rc = o->vmm == PV_VMM_CLH ? pv_linux_igvm_clh(o, &k, out, e)
					  : build_qemu(o, &k, out, e);
	}
	if (!rc && o->id_key) {
		if (o->platform != PV_PLATFORM_SNP || !o->id)
			rc = pv_errf(e, PV_EINVAL,
				     "an ID block needs --platform snp and its parameters");
		if (!rc)
			rc = pv_linux_igvm_sign(out, o->id, o->id_key, e);
	}
	if (rc)
		pv_linux_igvm_release(out);
	return rc;
}

int pv_linux_igvm_sign(struct pv_linux_igvm *out, const struct pv_snp_id_block_in *id,
		       struct evp_pkey_st *key, struct pv_err *e)
{
	uint8_t blk[PV_IGVM_SZ_SNP_ID_BLOCK];
	int rc = pv_igvm_id_block(id, key, blk, e);

	if (!rc)
		rc = pv_igvm_add(&out->w, PV_IGVM_VHT_SNP_ID_BLOCK, blk,
				 sizeof(blk), NULL, 0, e);
	return rc;
}

void pv_linux_igvm_release(struct pv_linux_igvm *out)
{
	size_t i;

	for (i = 0; i < out->nextra; i++)
		free(out->extra[i]);
	free(out->extra);
	out->extra = NULL;
	out->nextra = out->capextra = 0;
	free(out->tail);
	out->tail = NULL;
	free(out->acpibuf);
	out->acpibuf = NULL;
	pv_igvm_writer_release(&out->w);
	free(out->pages);
	out->pages = NULL;
}
