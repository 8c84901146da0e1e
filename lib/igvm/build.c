/* SPDX-License-Identifier: Apache-2.0 */
/*
 * build.c - igvmgen build's flow as one library call (see linux.h):
 * the defaults of each VMM, the layout, and for an ID block that signs
 * the file's own launch digest, build -> measure -> sign.
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "igvm/igvm.h"
#include "igvm/linux.h"
#include "snp/igvm.h"
#include "snp/snp.h"

void pv_igvm_build_init(struct pv_igvm_build *p)
{
	memset(p, 0, sizeof(*p));
	p->o.platform = PV_PLATFORM_SNP;
	p->o.vcpus = 1;
	p->o.memory = 512ull << 20;
	/* igvm-tooling's defaults for the clh layout (-boot_mode is x86
	 * there; x64 is the layout everyone uses) */
	p->o.boot_x64 = 1;
	p->o.pvalidate_opt = 1;
	p->o.encrypted_page = 1;
	p->o.svme = 1;
	/* igvm-tooling's TEIConfig defaults for the ID block */
	p->id.family_id[0] = 1;
	p->id.image_id[0] = 2;
	p->id.version = 1;
	p->id.guest_svn = 2;
}

uint64_t pv_igvm_default_sev_features(enum pv_vmm vmm)
{
	/* qemu: SNPActive; clh: SNPActive | RestrictedInjection, as
	 * igvm-tooling writes */
	return vmm == PV_VMM_CLH ? 0x9 : 0x1;
}

uint64_t pv_igvm_default_policy(enum pv_vmm vmm)
{
	/* qemu: sev-snp-measure's 0x30000; clh: igvm-tooling's 0x3001f */
	return vmm == PV_VMM_CLH ? 0x3001f : 0x30000;
}

/* The launch digest of the file @b writes, through the same code path as
 * `measure snp --igvm`: serialise, parse, measure (1 vCPU). */
static int self_digest(struct pv_linux_igvm *b, enum pv_vmm vmm,
		       uint8_t ld[PV_SNP_LD_SIZE], struct pv_err *e)
{
	struct pv_snp_igvm_in in = { .name = "the file being built",
				     .vcpus = 1 };
	struct pv_snp_igvm_info *info = calloc(1, sizeof(*info));
	struct pv_snp_chain c = { 0 };
	struct pv_igvm g = { 0 };
	uint8_t *buf = NULL;
	size_t len;
	int rc;

	if (!info)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	in.vmm = vmm == PV_VMM_CLH ? PV_SNP_IGVM_CLH : PV_SNP_IGVM_QEMU;
	rc = pv_igvm_write_mem(&b->w, &buf, &len, e);
	if (!rc)
		rc = pv_igvm_parse(buf, len, in.name, 0, &g, e);
	in.g = &g;
	if (!rc)
		rc = pv_snp_chain_init(&c, NULL, e);
	if (!rc)
		rc = pv_snp_igvm_measure(&c, &in, info, e);
	if (!rc)
		memcpy(ld, c.ld, PV_SNP_LD_SIZE);
	pv_snp_chain_free(&c);
	pv_igvm_release(&g);
	free(buf);
	free(info);
	return rc;
}

int pv_igvm_build(struct pv_igvm_build *p, struct pv_linux_igvm *out,
		  struct pv_err *e)
{
	struct pv_linux_igvm_opts o = p->o;
	int rc;

	if (!p->sev_features_set)
		o.sev_features = pv_igvm_default_sev_features(o.vmm);
	if (!p->policy_set)
		o.policy = pv_igvm_default_policy(o.vmm);
	if (o.vmm == PV_VMM_CLH && o.platform != PV_PLATFORM_SNP)
		return pv_errf(e, PV_EINVAL,
			       "--vmm clh supports --platform snp only");
	if (!o.id_key)
		return pv_linux_igvm_build(&o, out, e);
	if (o.platform != PV_PLATFORM_SNP)
		return pv_errf(e, PV_EINVAL, "an ID block needs --platform snp");
	p->id.policy = o.policy; /* the policy signed is the file's */
	o.id = &p->id;
	if (p->id_ld_set)
		return pv_linux_igvm_build(&o, out, e);
	if (o.vmm == PV_VMM_QEMU && o.vcpus > 1)
		return pv_errf(e, PV_EINVAL,
			       "--vmm qemu with %u vCPUs: KVM measures a VMSA "
			       "per vCPU, which depends on the vCPU type; give "
			       "the digest to sign", (unsigned)o.vcpus);
	/* sign the digest of the file itself: build it without the ID
	 * block (which is not measured), measure it as `measure snp --igvm`
	 * does, then append the block */
	o.id_key = NULL;
	rc = pv_linux_igvm_build(&o, out, e);
	if (!rc)
		rc = self_digest(out, o.vmm, p->id.ld, e);
	if (!rc)
		rc = pv_linux_igvm_sign(out, &p->id, p->o.id_key, e);
	if (rc)
		pv_linux_igvm_release(out);
	return rc;
}
