/* SPDX-License-Identifier: Apache-2.0 */
/*
 * launch.c - the SEV-SNP launch digests of a QEMU + OVMF guest (every
 * vCPU count of a set in one pass) and of an IGVM file, from the input
 * bytes (launch.h; snp-measurement.md 3 and 4).
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "igvm/igvm.h"
#include "snp/launch.h"

/* sev-snp-measure's --mode names (its guest.py SEV_MODE) */
static const struct {
	const char *name;
	enum pv_snp_mode mode;
} modes[] = {
	{ "snp", PV_SNP_MODE_SNP },
	{ "SNP", PV_SNP_MODE_SNP },
	{ "sev-snp", PV_SNP_MODE_SNP },
	{ "SEV-SNP", PV_SNP_MODE_SNP },
	{ "snp:ovmf-hash", PV_SNP_MODE_OVMF_HASH },
	{ "snp:svsm", PV_SNP_MODE_SVSM },
	{ "sev-snp:svsm", PV_SNP_MODE_SVSM },
};

int pv_snp_mode_from_name(const char *name, enum pv_snp_mode *mode,
			  struct pv_err *e)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(name, modes[i].name) == 0) {
			*mode = modes[i].mode;
			return 0;
		}
	}
	if (strcmp(name, "sev") == 0 || strcmp(name, "seves") == 0)
		return pv_errf(e, PV_ENOTSUP, "mode '%s' (SEV, SEV-ES) is not "
			       "supported: use snp, snp:ovmf-hash or snp:svsm",
			       name);
	return pv_errf(e, PV_EINVAL, "unknown --mode '%s' (use snp, "
		       "snp:ovmf-hash or snp:svsm)", name);
}

void pv_snp_ovmf_result_free(struct pv_snp_ovmf_result *r)
{
	if (!r)
		return;
	free(r->lds);
	r->lds = NULL;
}

static int ovmf_hash(struct pv_snp_chain *chain,
		     const struct pv_snp_ovmf_launch *in,
		     const struct pv_ovmf *ovmf, struct pv_snp_ovmf_result *r,
		     struct pv_err *e)
{
	int rc;

	if (in->ovmf_len % PV_SNP_PAGE_SIZE)
		return pv_errf(e, PV_EFORMAT, "%s: size %zu is not a multiple "
			       "of 4 KiB", in->ovmf_name, in->ovmf_len);
	rc = pv_snp_chain_normal(chain, ovmf->gpa, in->ovmf, in->ovmf_len,
				 "ovmf", in->nthreads, e);
	if (rc)
		return rc;
	memcpy(r->ld, chain->ld, PV_SNP_LD_SIZE);
	return 0;
}

static int launch(struct pv_snp_chain *chain,
		  const struct pv_snp_ovmf_launch *in, struct pv_ovmf *ovmf,
		  struct pv_ovmf *svsm, struct pv_snp_ovmf_result *r,
		  struct pv_err *e)
{
	struct pv_snp_ovmf_in oin = { 0 };
	unsigned i;
	int rc;

	if ((rc = pv_ovmf_parse(in->ovmf, in->ovmf_len, PV_OVMF_FOUR_GB,
				in->ovmf_name, ovmf, e)))
		return rc;
	r->ovmf_gpa = ovmf->gpa;
	oin.mode = in->mode;
	oin.ovmf = ovmf;
	oin.nthreads = in->nthreads;
	oin.cmdline = in->cmdline;
	if (in->mode == PV_SNP_MODE_OVMF_HASH) {
		if ((rc = pv_snp_chain_init(chain, NULL, e)))
			return rc;
		chain->observe = in->observe;
		chain->observe_arg = in->observe_arg;
		return ovmf_hash(chain, in, ovmf, r, e);
	}
	if (in->max_vcpus < 1 || in->max_vcpus > PV_SNP_MAX_VCPUS ||
	    !in->vcpu_set)
		return pv_errf(e, PV_ERANGE, "%u vCPUs: expected 1..%u",
			       in->max_vcpus, PV_SNP_MAX_VCPUS);
	if (in->mode == PV_SNP_MODE_SVSM) {
		uint64_t end;

		if (in->vars_size > ovmf->gpa)
			return pv_errf(e, PV_ERANGE, "--vars-size %llu does not "
				       "fit below the OVMF image",
				       (unsigned long long)in->vars_size);
		end = ovmf->gpa - in->vars_size;
		if (in->svsm_len > end)
			return pv_errf(e, PV_ETOOBIG, "%s: %zu bytes, at most "
				       "%llu accepted", in->svsm_name,
				       in->svsm_len, (unsigned long long)end);
		if ((rc = pv_ovmf_parse(in->svsm, in->svsm_len, end,
					in->svsm_name, svsm, e)))
			return rc;
		oin.svsm = svsm;
	}
	oin.seed = in->seed;
	oin.kernel = in->kernel;
	oin.kernel_len = in->kernel_len;
	oin.initrd = in->initrd;
	oin.initrd_len = in->initrd_len;
	oin.kernel_file = in->kernel_file;
	oin.initrd_file = in->initrd_file;
	oin.vmm = in->vmm;
	oin.vcpu_sig = in->vcpu_sig;
	oin.guest_features = in->guest_features;
	if (in->kernel || in->kernel_file) {
		oin.hashes_out = &r->hashes;
		r->has_hashes = true;
	}
	if ((rc = pv_snp_chain_init(chain, NULL, e)))
		return rc;
	chain->observe = in->observe;
	chain->observe_arg = in->observe_arg;
	if (in->seed)
		memcpy(chain->ld, in->seed, PV_SNP_LD_SIZE);
	if ((rc = pv_snp_ovmf_memory(chain, &oin, e)) ||
	    (rc = pv_snp_ovmf_vmsas(&oin, r->bsp, r->ap, &r->ap_eip, e)))
		return rc;
	memcpy(r->digest_before_vmsas, chain->ld, PV_SNP_LD_SIZE);
	r->updates_before_vmsas = chain->count;
	r->lds = malloc((size_t)(in->max_vcpus + 1) * PV_SNP_LD_SIZE);
	if (!r->lds)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	memset(r->lds, 0, PV_SNP_LD_SIZE);
	for (i = 0; i < in->max_vcpus; i++) {
		if ((rc = pv_snp_extend_vmsas(chain, r->bsp, r->ap, r->ap_eip,
					      i, i + 1, e)))
			return rc;
		memcpy(r->lds + (size_t)(i + 1) * PV_SNP_LD_SIZE, chain->ld,
		       PV_SNP_LD_SIZE);
	}
	memcpy(r->ld, chain->ld, PV_SNP_LD_SIZE);
	return 0;
}

int pv_snp_launch_ovmf(const struct pv_snp_ovmf_launch *in,
		       struct pv_snp_ovmf_result *r, struct pv_err *e)
{
	struct pv_snp_chain chain = { 0 };
	struct pv_ovmf *ovmf, *svsm;
	int rc;

	memset(r, 0, sizeof(*r));
	ovmf = calloc(1, sizeof(*ovmf));
	svsm = calloc(1, sizeof(*svsm));
	if (!ovmf || !svsm)
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
	else
		rc = launch(&chain, in, ovmf, svsm, r, e);
	pv_snp_chain_free(&chain);
	free(ovmf);
	free(svsm);
	if (rc)
		pv_snp_ovmf_result_free(r);
	return rc;
}

int pv_snp_launch_extend(const uint8_t ld1[PV_SNP_LD_SIZE], uint32_t ap_eip,
			 enum pv_snp_vmm vmm, uint64_t guest_features,
			 uint32_t vcpu_sig, unsigned max_vcpus, uint8_t **lds,
			 struct pv_err *e)
{
	uint8_t bsp[PV_SNP_PAGE_SIZE], ap[PV_SNP_PAGE_SIZE], *out;
	struct pv_snp_chain chain = { 0 };
	unsigned i;
	int rc;

	*lds = NULL;
	if (max_vcpus < 1 || max_vcpus > PV_SNP_MAX_VCPUS)
		return pv_errf(e, PV_ERANGE, "%u vCPUs: expected 1..%u",
			       max_vcpus, PV_SNP_MAX_VCPUS);
	out = calloc((size_t)max_vcpus + 1, PV_SNP_LD_SIZE);
	if (!out)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	pv_snp_vmsa_build(bsp, vmm, PV_SNP_BSP_EIP, guest_features, vcpu_sig);
	pv_snp_vmsa_build(ap, vmm, ap_eip, guest_features, vcpu_sig);
	if ((rc = pv_snp_chain_init(&chain, ld1, e)))
		goto out;
	for (i = 1; i <= max_vcpus; i++) {
		if (i > 1 && (rc = pv_snp_extend_vmsas(&chain, bsp, ap, ap_eip,
						       i - 1, i, e)))
			goto out;
		memcpy(out + (size_t)i * PV_SNP_LD_SIZE, chain.ld,
		       PV_SNP_LD_SIZE);
	}
out:
	pv_snp_chain_free(&chain);
	if (rc)
		free(out);
	else
		*lds = out;
	return rc;
}

int pv_snp_launch_igvm(const uint8_t *buf, size_t len,
		       const struct pv_snp_igvm_in *in, bool guess_vmm,
		       pv_snp_observer observe, void *observe_arg,
		       struct pv_snp_igvm_result *r, struct pv_err *e)
{
	struct pv_snp_igvm_in mine = *in;
	struct pv_snp_chain chain = { 0 };
	struct pv_igvm g = { 0 };
	int rc;

	memset(r, 0, sizeof(*r));
	r->vmm = in->vmm;
	if ((rc = pv_igvm_parse(buf, len, in->name, 0, &g, e)))
		goto out;
	mine.g = &g;
	if (guess_vmm)
		mine.vmm = pv_snp_igvm_guess_vmm(&g);
	r->vmm = mine.vmm;
	if (mine.vmm == PV_SNP_IGVM_CLH &&
	    (mine.vcpus > 1 || mine.ap_reset_model)) {
		rc = pv_errf(e, PV_EINVAL, "--vmm clh: the digest does not "
			     "depend on the vCPU count (the guest starts its "
			     "APs); drop --vcpus and --vcpu-*");
		goto out;
	}
	if ((rc = pv_snp_chain_init(&chain, NULL, e)))
		goto out;
	chain.observe = observe;
	chain.observe_arg = observe_arg;
	if ((rc = pv_snp_igvm_measure(&chain, &mine, &r->info, e)))
		goto out;
	memcpy(r->ld, chain.ld, PV_SNP_LD_SIZE);
	r->updates = chain.count;
out:
	pv_snp_chain_free(&chain);
	pv_igvm_release(&g);
	return rc;
}
