/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmsa.c - initial VMSA pages and vCPU signatures.
 *
 * The VMSA is the SEV-ES save area (AMD64 APM vol. 2, Appendix B, Table
 * B-4 "VMSA Layout, State Save Area for SEV-ES"); the field offsets below
 * are those of Linux's struct sev_es_save_area.  The register values are
 * the reset state KVM/QEMU, EC2 and GCE give an SNP vCPU, as modelled by
 * sev-snp-measure vmsa.py (snp-measurement.md 5.1-5.2).
 */
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "snp/snp.h"

_Static_assert(PV_VMSA_TR + PV_VMSA_SEG_SIZE <= PV_VMSA_EFER,
	       "segment registers precede EFER");
_Static_assert(PV_VMSA_CS == PV_VMSA_ES + PV_VMSA_SEG_SIZE &&
		       PV_VMSA_TR == PV_VMSA_ES + 9 * PV_VMSA_SEG_SIZE,
	       "ES, CS, SS, DS, FS, GS, GDTR, LDTR, IDTR, TR: 16 bytes each");
_Static_assert(PV_VMSA_CR0 == PV_VMSA_CR3 + 8 && PV_VMSA_RIP == PV_VMSA_RFLAGS + 8,
	       "Table B-4 register order");
_Static_assert(PV_VMSA_X87_FCW + 2 <= PV_VMSA_END_OF_FPU &&
		       PV_VMSA_END_OF_FPU <= PV_SNP_PAGE_SIZE,
	       "VMSA fits a page");

void pv_vmsa_put_seg(uint8_t page[PV_SNP_PAGE_SIZE], unsigned off,
		     uint16_t selector, uint16_t attrib, uint32_t limit,
		     uint64_t base)
{
	uint8_t *p = page + off;

	pv_put_le16(p, selector);
	pv_put_le16(p + 2, attrib);
	pv_put_le32(p + 4, limit);
	pv_put_le64(p + 8, base);
}

void pv_vmsa_get_seg(const uint8_t page[PV_SNP_PAGE_SIZE], unsigned off,
		     struct pv_vmsa_seg *s)
{
	const uint8_t *p = page + off;

	s->selector = pv_le16(p);
	s->attrib = pv_le16(p + 2);
	s->limit = pv_le32(p + 4);
	s->base = pv_le64(p + 8);
}

void pv_vmsa_put(uint8_t page[PV_SNP_PAGE_SIZE], unsigned off, uint64_t v)
{
	pv_put_le64(page + off, v);
}

uint64_t pv_vmsa_get(const uint8_t page[PV_SNP_PAGE_SIZE], unsigned off)
{
	return pv_le64(page + off);
}

int pv_snp_cpuid_page(uint8_t page[PV_SNP_PAGE_SIZE],
		      const struct pv_snp_cpuid_leaf *leaves, size_t n,
		      struct pv_err *e)
{
	size_t i;

	if (n > PV_SNP_CPUID_MAX)
		return pv_errf(e, PV_ERANGE, "%zu CPUID leaves, at most %d", n,
			       PV_SNP_CPUID_MAX);
	memset(page, 0, PV_SNP_PAGE_SIZE);
	pv_put_le32(page + PV_SNP_CPUID_COUNT, (uint32_t)n);
	for (i = 0; i < n; i++) {
		uint8_t *x = page + PV_SNP_CPUID_ENTRIES +
			     i * PV_SNP_CPUID_ENTRY_SIZE;

		pv_put_le32(x + PV_SNP_CPUID_EAX_IN, leaves[i].eax_in);
		pv_put_le32(x + PV_SNP_CPUID_ECX_IN, leaves[i].ecx_in);
		if (leaves[i].eax_in == 0xd)
			pv_put_le64(x + PV_SNP_CPUID_XCR0_IN, 1);
	}
	return 0;
}
_Static_assert(PV_SNP_CPUID_ENTRIES +
		       PV_SNP_CPUID_MAX * PV_SNP_CPUID_ENTRY_SIZE <=
		       PV_SNP_PAGE_SIZE,
	       "the CPUID page holds 64 entries");

int pv_snp_vmm_from_name(const char *name, enum pv_snp_vmm *vmm,
			 struct pv_err *e)
{
	if (strcmp(name, "QEMU") == 0)
		*vmm = PV_SNP_VMM_QEMU;
	else if (strcmp(name, "ec2") == 0)
		*vmm = PV_SNP_VMM_EC2;
	else if (strcmp(name, "gce") == 0)
		*vmm = PV_SNP_VMM_GCE;
	else
		return pv_errf(e, PV_EINVAL,
			       "unknown VMM type '%s' (use QEMU, ec2 or gce)",
			       name);
	return 0;
}

const char *pv_snp_vmm_name(enum pv_snp_vmm vmm)
{
	switch (vmm) {
	case PV_SNP_VMM_QEMU:
		return "QEMU";
	case PV_SNP_VMM_EC2:
		return "ec2";
	case PV_SNP_VMM_GCE:
		return "gce";
	}
	return "unknown";
}

void pv_snp_vmsa_build(uint8_t page[PV_SNP_PAGE_SIZE], enum pv_snp_vmm vmm,
		       uint32_t eip, uint64_t sev_features, uint32_t vcpu_sig)
{
	/* QEMU/KVM reset state (snp-measurement.md 5.1). */
	uint16_t cs_attr = 0x9b, ss_attr = 0x93, tr_attr = 0x8b;
	uint64_t g_pat = 0x0007040600070406ull; /* APM vol. 2, A.3 PAT reset */
	uint64_t rdx = vcpu_sig;
	uint32_t mxcsr = 0x1f80;
	uint16_t fcw = 0x37f;

	switch (vmm) {
	case PV_SNP_VMM_QEMU:
		break;
	case PV_SNP_VMM_EC2:
		/* EC2 (5.2): accessed bit clear on the BSP's CS, SS and TR;
		 * RDX 0x600; MXCSR and FCW 0. */
		if (eip == PV_SNP_BSP_EIP)
			cs_attr = 0x9a;
		ss_attr = 0x92;
		tr_attr = 0x83;
		rdx = 0x600;
		mxcsr = 0;
		fcw = 0;
		break;
	case PV_SNP_VMM_GCE:
		/* GCE (5.2): its hypervisor writes its own PAT. */
		g_pat = 0x00070106;
		rdx = 0x600;
		mxcsr = 0;
		fcw = 0;
		break;
	}
	memset(page, 0, PV_SNP_PAGE_SIZE);
	pv_vmsa_put_seg(page, PV_VMSA_ES, 0, 0x93, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_CS, 0xf000, cs_attr, 0xffff, eip & 0xffff0000u);
	pv_vmsa_put_seg(page, PV_VMSA_SS, 0, ss_attr, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_DS, 0, 0x93, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_FS, 0, 0x93, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_GS, 0, 0x93, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_GDTR, 0, 0, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_IDTR, 0, 0, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_LDTR, 0, 0x82, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_TR, 0, tr_attr, 0xffff, 0);
	pv_vmsa_put(page, PV_VMSA_EFER, 0x1000);	/* EFER.SVME, set by KVM */
	pv_vmsa_put(page, PV_VMSA_CR4, 0x40);	/* CR4.MCE, set by KVM */
	pv_vmsa_put(page, PV_VMSA_CR0, 0x10);	/* CR0.ET */
	pv_vmsa_put(page, PV_VMSA_DR7, 0x400);
	pv_vmsa_put(page, PV_VMSA_DR6, 0xffff0ff0);
	pv_vmsa_put(page, PV_VMSA_RFLAGS, 0x2);
	pv_vmsa_put(page, PV_VMSA_RIP, eip & 0xffff);
	pv_vmsa_put(page, PV_VMSA_G_PAT, g_pat);
	pv_vmsa_put(page, PV_VMSA_RDX, rdx);
	pv_vmsa_put(page, PV_VMSA_SEV_FEATURES, sev_features);
	pv_vmsa_put(page, PV_VMSA_XCR0, 0x1);
	pv_put_le32(page + PV_VMSA_MXCSR, mxcsr);
	pv_put_le16(page + PV_VMSA_X87_FCW, fcw);
}

void pv_snp_vmsa_build_svsm(uint8_t page[PV_SNP_PAGE_SIZE], uint64_t eip,
			    uint32_t vcpu_sig)
{
	/* COCONUT-SVSM entry in 32-bit protected mode with flat segments
	 * (coconut-svsm qemu target/i386/sev.c; sev-snp-measure
	 * VMSA_SVSM).  sev-snp-measure leaves x87 FCW 0 here: its keyword
	 * is not a VMSA field, so the byte stays zero. */
	memset(page, 0, PV_SNP_PAGE_SIZE);
	pv_vmsa_put_seg(page, PV_VMSA_ES, 16, 0xc93, 0xffffffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_CS, 8, 0xc9b, 0xffffffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_SS, 16, 0xc93, 0xffffffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_DS, 16, 0xc93, 0xffffffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_FS, 16, 0xc93, 0xffffffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_GS, 0, 0x93, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_GDTR, 0, 0, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_IDTR, 0, 0, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_LDTR, 0, 0x82, 0xffff, 0);
	pv_vmsa_put_seg(page, PV_VMSA_TR, 0, 0x8b, 0xffff, 0);
	pv_vmsa_put(page, PV_VMSA_EFER, 0x1000);
	pv_vmsa_put(page, PV_VMSA_CR4, 0x40);
	pv_vmsa_put(page, PV_VMSA_CR0, 0x11);	/* CR0.PE | CR0.ET */
	pv_vmsa_put(page, PV_VMSA_DR7, 0x400);
	pv_vmsa_put(page, PV_VMSA_DR6, 0xffff0ff0);
	pv_vmsa_put(page, PV_VMSA_RFLAGS, 0x2);
	pv_vmsa_put(page, PV_VMSA_RIP, eip);
	pv_vmsa_put(page, PV_VMSA_G_PAT, 0x0007040600070406ull);
	pv_vmsa_put(page, PV_VMSA_RDX, vcpu_sig);
	pv_vmsa_put(page, PV_VMSA_SEV_FEATURES, 0x1);
	pv_vmsa_put(page, PV_VMSA_XCR0, 0x1);
	pv_put_le32(page + PV_VMSA_MXCSR, 0x1f80);
}

int pv_snp_cpu_sig(uint32_t family, uint32_t model, uint32_t stepping,
		   uint32_t *sig, struct pv_err *e)
{
	uint32_t fam_lo, fam_hi;

	if (family > 0xf + 0xff)
		return pv_errf(e, PV_ERANGE,
			       "vCPU family %u out of range (0-270)", family);
	if (model > 0xff)
		return pv_errf(e, PV_ERANGE,
			       "vCPU model %u out of range (0-255)", model);
	if (stepping > 0xf)
		return pv_errf(e, PV_ERANGE,
			       "vCPU stepping %u out of range (0-15)", stepping);
	/* CPUID Fn0000_0001_EAX: ExtFamily[27:20] ExtModel[19:16]
	 * BaseFamily[11:8] BaseModel[7:4] Stepping[3:0]; the base family
	 * is 0xf whenever the extended family is used. */
	if (family > 0xf) {
		fam_lo = 0xf;
		fam_hi = family - 0xf;
	} else {
		fam_lo = family;
		fam_hi = 0;
	}
	*sig = fam_hi << 20 | (model >> 4) << 16 | fam_lo << 8 |
	       (model & 0xf) << 4 | stepping;
	return 0;
}

/* QEMU's builtin_x86_defs EPYC models (target/i386/cpu.c), as in
 * sev-snp-measure vcpu_types.py. */
const struct pv_snp_vcpu_type pv_snp_vcpu_types[] = {
	{ "EPYC", 23, 1, 2 },
	{ "EPYC-v1", 23, 1, 2 },
	{ "EPYC-v2", 23, 1, 2 },
	{ "EPYC-IBPB", 23, 1, 2 },
	{ "EPYC-v3", 23, 1, 2 },
	{ "EPYC-v4", 23, 1, 2 },
	{ "EPYC-Rome", 23, 49, 0 },
	{ "EPYC-Rome-v1", 23, 49, 0 },
	{ "EPYC-Rome-v2", 23, 49, 0 },
	{ "EPYC-Rome-v3", 23, 49, 0 },
	{ "EPYC-Milan", 25, 1, 1 },
	{ "EPYC-Milan-v1", 25, 1, 1 },
	{ "EPYC-Milan-v2", 25, 1, 1 },
	{ "EPYC-Genoa", 25, 17, 0 },
	{ "EPYC-Genoa-v1", 25, 17, 0 },
	{ "EPYC-Turin", 26, 0, 0 },
	{ NULL, 0, 0, 0 },
};

int pv_snp_vcpu_type_sig(const char *name, uint32_t *sig, struct pv_err *e)
{
	const struct pv_snp_vcpu_type *t;

	for (t = pv_snp_vcpu_types; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return pv_snp_cpu_sig(t->family, t->model, t->stepping,
					      sig, e);
	return pv_errf(e, PV_EINVAL,
		       "unknown vCPU type '%s' (known: EPYC, EPYC-v1..v4, "
		       "EPYC-IBPB, EPYC-Rome[-v1..v3], EPYC-Milan[-v1,-v2], "
		       "EPYC-Genoa[-v1], EPYC-Turin)", name);
}
