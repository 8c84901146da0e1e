/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_snp.c - `measure snp`: the SEV-SNP launch digest of a QEMU + OVMF
 * launch, with sev-snp-measure's option names and results
 * (snp-measurement.md section 4), for one or many vCPU counts, with an
 * optional per-update log.  `measure snp id-block` is in cmd_snp_idblock.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#include "core/base64.h"
#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"
#include "snp/igvm.h"
#include "snp/launch.h"
#include "snp/ovmf.h"
#include "snp/snp.h"
#include "snp/steplog.h"
#include "cmds.h"

static const char usage[] =
	"Usage: measure snp --ovmf FILE --vcpus N|LIST [OPTION...]\n"
	"       measure snp --mode snp:ovmf-hash --ovmf FILE\n"
	"       measure snp --extend-digest LD1 --ap-eip EIP --vcpus N|LIST [...]\n"
	"       measure snp --igvm FILE [--vmm qemu|clh] [--vcpus N] [...]\n"
	"       measure snp ap-eip --ovmf FILE\n"
	"       measure snp id-block --measurement B64 --idkey PEM [...]\n"
	"Compute the SEV-SNP launch digest (MEASUREMENT) of a QEMU + OVMF guest,\n"
	"as virtee/sev-snp-measure does, with the same option names.\n"
	"\n"
	"  --mode MODE          snp (default), snp:ovmf-hash or snp:svsm\n"
	"  --ovmf FILE          the OVMF image (mapped to end at 4 GiB)\n"
	"  --kernel FILE        direct boot: kernel whose SHA-256 goes in the\n"
	"                       SEV hash table (needs a kernel-hashes section)\n"
	"  --initrd FILE        direct boot: initrd (needs --kernel)\n"
	"  --append CMDLINE     direct boot: kernel command line (needs --kernel)\n"
	"  --vcpus N|LIST       vCPU count, or a list such as 1-64 or 1,2,4,8:\n"
	"                       every count is computed in one pass\n"
	"  --vcpu-type NAME     QEMU CPU model (EPYC-v4, EPYC-Milan, ...)\n"
	"  --vcpu-sig N         CPUID 1 EAX signature instead\n"
	"  --vcpu-family N --vcpu-model N --vcpu-stepping N\n"
	"                       the signature from its parts\n"
	"  --vmm-type TYPE      QEMU (default), ec2 or gce\n"
	"  --guest-features N   VMSA SEV_FEATURES (default 0x1)\n"
	"  --snp-ovmf-hash HEX  start from this precomputed OVMF digest\n"
	"  --svsm FILE          snp:svsm: the COCONUT-SVSM image\n"
	"  --vars-size N        snp:svsm: size of the OVMF_VARS file\n"
	"  --vars-file FILE     snp:svsm: the OVMF_VARS file (for its size)\n"
	"  --output-format F    hex (default) or base64\n"
	"  --dump-vmsa          write the measured VMSAs to vmsa<N>.bin\n"
	"  --log FILE           one JSON line per launch update\n"
	"  --extend-digest LD1  instead of --ovmf: the 1-vCPU digest to extend\n"
	"                       by AP VMSAs (the vCPU extension of\n"
	"                       snp-measurement.md 6)\n"
	"  --ap-eip EIP         with --extend-digest: the firmware's AP entry\n"
	"                       point (hex, as `measure snp ap-eip` prints it)\n"
	"IGVM files (snp-measurement.md 3):\n"
	"  --igvm FILE          the launch digest of an IGVM file's SEV-SNP\n"
	"                       platform instead of QEMU + OVMF; an SNP ID block\n"
	"                       in it must carry the same digest (exit 3 if not)\n"
	"  --vmm qemu|clh       the loader: qemu (KVM: VMSAs last, at\n"
	"                       0xFFFFFFFFF000, one per vCPU) or clh (Cloud\n"
	"                       Hypervisor / Hyper-V: VMSA at its header's GPA,\n"
	"                       in file order); default: qemu when the file's\n"
	"                       VMSA is at 0xFFFFFFFFF000, else clh\n"
	"  --vcpus N            qemu: vCPUs (default 1); a vCPU without a\n"
	"                       VP_CONTEXT needs --vcpu-type or --vcpu-sig (KVM's\n"
	"                       reset-state VMSA, not verified on hardware)\n"
	"  --native-zero        pages without data as ZERO pages (loaders with\n"
	"                       native zero pages), not NORMAL pages of zeros\n"
	"  --ignore-id-block    report an ID block digest that differs, do not\n"
	"                       fail\n"
	"  --threads N          hashing threads (default: all CPUs)\n"
	"  --json               print a JSON document\n"
	"  -v, --verbose        say what the digest is\n";

enum {
	O_MODE = 256, O_OVMF, O_KERNEL, O_INITRD, O_APPEND, O_VCPUS,
	O_VCPU_TYPE, O_VCPU_SIG, O_VCPU_FAMILY, O_VCPU_MODEL,
	O_VCPU_STEPPING, O_VMM, O_GF, O_SEED, O_SVSM, O_VARS_SIZE,
	O_VARS_FILE, O_FORMAT, O_DUMP, O_LOG, O_THREADS, O_JSON, O_EXTEND,
	O_AP_EIP, O_IGVM, O_IGVM_VMM, O_NATIVE_ZERO, O_IGNORE_ID,
};

struct opts {
	const char *mode, *ovmf, *kernel, *initrd, *append, *vcpus;
	const char *vcpu_type, *vcpu_sig, *family, *model, *stepping;
	const char *vmm, *gf, *seed, *svsm, *vars_size, *vars_file;
	const char *format, *log, *extend, *ap_eip;
	const char *igvm, *igvm_vmm;
	int dump, json, verbose, native_zero, ignore_id, vmm_type_set;
	uint64_t threads;
};

/* "N", "A-B" and comma-separated lists of them, into a set of counts. */
static int parse_vcpus(const char *s, uint8_t *set, unsigned *max,
		       unsigned *count, struct pv_err *e)
{
	char buf[256], *p, *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		return pv_errf(e, PV_ETOOBIG, "--vcpus: list too long");
	memcpy(buf, s, strlen(s) + 1);
	*max = *count = 0;
	for (p = buf; (tok = strtok_r(p, ",", &save)); p = NULL) {
		char *dash = strchr(tok, '-');
		uint64_t lo, hi, i;

		if (dash)
			*dash = '\0';
		if (pv_parse_u64(tok, PV_SNP_MAX_VCPUS, &lo, "--vcpus", e))
			return e->code;
		hi = lo;
		if (dash && pv_parse_u64(dash + 1, PV_SNP_MAX_VCPUS, &hi,
					 "--vcpus", e))
			return e->code;
		if (lo == 0)
			return pv_errf(e, PV_ERANGE,
				       "--vcpus: a guest needs at least 1 vCPU");
		if (hi < lo)
			return pv_errf(e, PV_EINVAL,
				       "--vcpus: range %llu-%llu is empty",
				       (unsigned long long)lo,
				       (unsigned long long)hi);
		for (i = lo; i <= hi; i++) {
			if (!set[i])
				(*count)++;
			set[i] = 1;
		}
		if (hi > *max)
			*max = (unsigned)hi;
	}
	if (*count == 0)
		return pv_errf(e, PV_EINVAL, "--vcpus: no count given");
	return 0;
}

static void format_ld(const uint8_t *ld, const char *fmt, char *out,
		      size_t outsz)
{
	if (strcmp(fmt, "base64") == 0)
		pv_base64_encode(ld, PV_SNP_LD_SIZE, out, outsz);
	else
		pv_hex_encode(ld, PV_SNP_LD_SIZE, out, outsz);
}

struct logctx {
	struct pv_jsonl *log;
	const struct pv_snp_hashes *hashes;
};

static void observe(void *arg, const struct pv_snp_step *s)
{
	struct logctx *l = arg;
	json_t *o = pv_snp_step_json(s);

	if (o && l->hashes && strcmp(s->region, "kernel-hashes") == 0 &&
	    s->type == PV_SNP_PAGE_NORMAL) {
		json_object_set_new(o, "kernel_sha256",
				    pv_json_hex(l->hashes->kernel, 32));
		json_object_set_new(o, "initrd_sha256",
				    pv_json_hex(l->hashes->initrd, 32));
		json_object_set_new(o, "cmdline_sha256",
				    pv_json_hex(l->hashes->cmdline, 32));
	}
	pv_jsonl_add(l->log, o);
}

static int get_sig(const struct opts *o, enum pv_snp_vmm vmm, uint32_t *sig,
		   struct pv_err *e)
{
	uint64_t f, m, s, v;

	*sig = 0;
	if (o->family) {
		if (!o->model || !o->stepping)
			pv_cli_usage_error(usage, "--vcpu-family needs "
					   "--vcpu-model and --vcpu-stepping");
		if (pv_parse_u64(o->family, 0xffffffff, &f, "--vcpu-family",
				 e) ||
		    pv_parse_u64(o->model, 0xffffffff, &m, "--vcpu-model", e) ||
		    pv_parse_u64(o->stepping, 0xffffffff, &s, "--vcpu-stepping",
				 e))
			pv_cli_usage_error(usage, "%s", e->msg);
		return pv_snp_cpu_sig((uint32_t)f, (uint32_t)m, (uint32_t)s,
				      sig, e);
	}
	if (o->vcpu_sig) {
		if (pv_parse_u64(o->vcpu_sig, 0xffffffff, &v, "--vcpu-sig", e))
			pv_cli_usage_error(usage, "%s", e->msg);
		*sig = (uint32_t)v;
		return 0;
	}
	if (o->vcpu_type) {
		if (pv_snp_vcpu_type_sig(o->vcpu_type, sig, e))
			pv_cli_usage_error(usage, "--vcpu-type: %s", e->msg);
		return 0;
	}
	if (vmm == PV_SNP_VMM_QEMU)
		pv_cli_usage_error(usage, "missing --vcpu-type or --vcpu-sig or "
				   "--vcpu-family in guest mode '%s'", o->mode);
	return 0;
}

static json_t *hex_u64(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%llx", (unsigned long long)v);
	return json_string(b);
}

static int dump_vmsas(const uint8_t *bsp, const uint8_t *ap, unsigned n,
		      struct pv_err *e)
{
	char name[32];
	unsigned i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "vmsa%u.bin", i);
		if (pv_write_file(name, i ? ap : bsp, PV_SNP_PAGE_SIZE, e))
			return e->code;
	}
	return 0;
}

/* Open the --log file, if any; *obs is then the observer to give the
 * launch.  On failure nothing is left open. */
static int open_log(const char *path, struct pv_jsonl *log,
		    struct pv_jsonl **logp, struct logctx *lctx,
		    pv_snp_observer *obs, struct pv_err *e)
{
	*obs = NULL;
	if (!path)
		return 0;
	if (pv_jsonl_open(log, path, e))
		return e->code;
	*logp = log;
	lctx->log = log;
	*obs = observe;
	return 0;
}

static int run(const struct opts *o)
{
	struct pv_map fw = { 0 }, sv = { 0 }, kern = { 0 }, ird = { 0 };
	struct pv_snp_ovmf_launch in = { 0 };
	struct pv_snp_ovmf_result res = { 0 };
	struct pv_jsonl log, *logp = NULL;
	struct logctx lctx = { 0 };
	struct pv_err e = { 0 };
	uint8_t seed[PV_SNP_LD_SIZE], *set = NULL;
	unsigned maxv = 0, nv = 0, i;
	json_t *doc = NULL, *arr;
	int rc = PV_EXIT_FAIL;
	char out[2 * PV_SNP_LD_SIZE + 1];

	if (pv_snp_mode_from_name(o->mode, &in.mode, &e))
		pv_cli_usage_error(usage, "%s", e.msg);
	if (!o->ovmf)
		pv_cli_usage_error(usage, "--ovmf FILE is required");
	if (strcmp(o->format, "hex") && strcmp(o->format, "base64"))
		pv_cli_usage_error(usage, "--output-format: '%s' is not hex or "
				   "base64", o->format);
	in.nthreads = (unsigned)o->threads;
	in.cmdline = o->append;

	if (in.mode != PV_SNP_MODE_OVMF_HASH) {
		if (o->initrd && !o->kernel)
			pv_cli_usage_error(usage, "--kernel required when using "
					   "--initrd");
		if (o->append && *o->append && !o->kernel)
			pv_cli_usage_error(usage, "--kernel required when using "
					   "--append");
		if (!o->vcpus)
			pv_cli_usage_error(usage, "missing --vcpus N in guest "
					   "mode '%s'", o->mode);
		set = calloc(PV_SNP_MAX_VCPUS + 1, 1);
		if (!set)
			return pv_cli_failf("snp", "out of memory");
		if (parse_vcpus(o->vcpus, set, &maxv, &nv, &e))
			pv_cli_usage_error(usage, "%s", e.msg);
		in.vcpu_set = set;
		in.max_vcpus = maxv;
		if (pv_snp_vmm_from_name(o->vmm, &in.vmm, &e))
			pv_cli_usage_error(usage, "--vmm-type: %s", e.msg);
		if (get_sig(o, in.vmm, &in.vcpu_sig, &e))
			pv_cli_usage_error(usage, "%s", e.msg);
		if (pv_parse_u64(o->gf, UINT64_MAX, &in.guest_features,
				 "--guest-features", &e))
			pv_cli_usage_error(usage, "%s", e.msg);
		if (o->seed) {
			size_t n;

			if (in.mode != PV_SNP_MODE_SNP)
				pv_cli_usage_error(usage, "--snp-ovmf-hash works "
						   "only in mode snp");
			if (pv_hex_decode(o->seed, seed, sizeof(seed), &n,
					  "--snp-ovmf-hash", &e) ||
			    n != sizeof(seed))
				pv_cli_usage_error(usage, "%s", e.msg[0] ? e.msg :
						   "--snp-ovmf-hash: expected "
						   "96 hex digits (48 bytes)");
			in.seed = seed;
		}
	}
	if (in.mode == PV_SNP_MODE_SVSM) {
		struct stat st;

		if (in.vmm != PV_SNP_VMM_QEMU)
			pv_cli_usage_error(usage, "snp:svsm mode is only "
					   "implemented for QEMU");
		if (!o->svsm)
			pv_cli_usage_error(usage, "snp:svsm mode requires --svsm");
		if (o->kernel)
			pv_cli_usage_error(usage, "snp:svsm mode measures no "
					   "kernel: drop --kernel");
		if (o->vars_file) {
			if (stat(o->vars_file, &st))
				return pv_cli_failf("snp", "%s: %s",
						    o->vars_file,
						    "cannot stat the vars file");
			in.vars_size = (uint64_t)st.st_size;
		} else if (o->vars_size) {
			if (pv_parse_size(o->vars_size, 1, &in.vars_size,
					  "--vars-size", &e))
				pv_cli_usage_error(usage, "%s", e.msg);
		}
		if (!in.vars_size)
			pv_cli_usage_error(usage, "snp:svsm mode requires "
					   "--vars-size or --vars-file");
	} else if (o->svsm || o->vars_size || o->vars_file) {
		pv_cli_usage_error(usage, "--svsm, --vars-size and --vars-file "
				   "need --mode snp:svsm");
	}

	if (pv_map_file(o->ovmf, PV_OVMF_FOUR_GB, &fw, &e))
		goto fail;
	in.ovmf = fw.data;
	in.ovmf_len = fw.len;
	in.ovmf_name = o->ovmf;
	if (in.mode == PV_SNP_MODE_SVSM) {
		if (pv_map_file(o->svsm, PV_OVMF_FOUR_GB, &sv, &e))
			goto fail;
		in.svsm = sv.data;
		in.svsm_len = sv.len;
		in.svsm_name = o->svsm;
	}
	if (o->kernel) {
		if (pv_map_file(o->kernel, 1ull << 32, &kern, &e))
			goto fail;
		in.kernel = kern.data;
		in.kernel_len = kern.len;
		if (o->initrd) {
			if (pv_map_file(o->initrd, 1ull << 34, &ird, &e))
				goto fail;
			in.initrd = ird.data;
			in.initrd_len = ird.len;
		}
		lctx.hashes = &res.hashes;
	}
	if (open_log(o->log, &log, &logp, &lctx, &in.observe, &e))
		goto fail;
	in.observe_arg = &lctx;
	if (pv_snp_launch_ovmf(&in, &res, &e))
		goto fail;
	if (in.mode == PV_SNP_MODE_OVMF_HASH) {
		if (logp && pv_jsonl_close(logp, &e))
			goto fail_nolog;
		logp = NULL;
		pv_hex_encode(res.ld, PV_SNP_LD_SIZE, out, sizeof(out));
		if (o->json) {
			doc = json_pack("{s:s, s:s, s:o, s:s}", "mode",
					"snp:ovmf-hash", "ovmf", o->ovmf, "gpa",
					hex_u64(res.ovmf_gpa), "measurement", out);
			pv_json_print(doc);
		} else {
			printf("%s\n", out);
		}
		rc = PV_EXIT_OK;
		goto out;
	}
	if (o->dump && dump_vmsas(res.bsp, res.ap, maxv, &e))
		goto fail;
	if (logp && pv_jsonl_close(logp, &e))
		goto fail_nolog;
	logp = NULL;

	if (o->json) {
		doc = json_object();
		json_object_set_new(doc, "mode", json_string(o->mode));
		json_object_set_new(doc, "vmm_type",
				    json_string(pv_snp_vmm_name(in.vmm)));
		json_object_set_new(doc, "vcpu_sig", hex_u64(in.vcpu_sig));
		json_object_set_new(doc, "guest_features",
				    hex_u64(in.mode == PV_SNP_MODE_SVSM ?
						    1 : in.guest_features));
		json_object_set_new(doc, "ovmf", json_pack("{s:s, s:I, s:o, s:o}",
			"path", o->ovmf, "size", (json_int_t)fw.len,
			"gpa", hex_u64(res.ovmf_gpa), "ap_eip",
			hex_u64(res.ap_eip)));
		if (in.seed)
			json_object_set_new(doc, "snp_ovmf_hash",
					    pv_json_hex(in.seed, PV_SNP_LD_SIZE));
		if (lctx.hashes)
			json_object_set_new(doc, "kernel_hashes", json_pack(
				"{s:o, s:o, s:o}",
				"kernel_sha256", pv_json_hex(res.hashes.kernel, 32),
				"initrd_sha256", pv_json_hex(res.hashes.initrd, 32),
				"cmdline_sha256",
				pv_json_hex(res.hashes.cmdline, 32)));
		json_object_set_new(doc, "updates_before_vmsas",
				    json_integer((json_int_t)res.updates_before_vmsas));
		json_object_set_new(doc, "digest_before_vmsas",
				    pv_json_hex(res.digest_before_vmsas,
						PV_SNP_LD_SIZE));
		arr = json_array();
		for (i = 1; i <= maxv; i++) {
			if (!set[i])
				continue;
			format_ld(res.lds + (size_t)i * PV_SNP_LD_SIZE,
				  o->format, out, sizeof(out));
			json_array_append_new(arr, json_pack("{s:i, s:s}",
				"vcpus", (int)i, "measurement", out));
		}
		if (nv == 1)
			json_object_set_new(doc, "measurement", json_string(out));
		json_object_set_new(doc, "output_format", json_string(o->format));
		json_object_set_new(doc, "measurements", arr);
		if (pv_json_print(doc)) {
			pv_errf(&e, PV_EIO, "writing standard output failed");
			goto fail;
		}
	} else {
		for (i = 1; i <= maxv; i++) {
			if (!set[i])
				continue;
			format_ld(res.lds + (size_t)i * PV_SNP_LD_SIZE,
				  o->format, out, sizeof(out));
			if (nv > 1)
				printf("%u %s\n", i, out);
			else if (o->verbose)
				printf("Calculated %s guest measurement: %s\n",
				       in.mode == PV_SNP_MODE_SVSM ?
					       "SEV_SNP_SVSM" : "SEV_SNP", out);
			else
				printf("%s\n", out);
		}
	}
	rc = PV_EXIT_OK;
	goto out;
fail:
	if (logp)
		pv_jsonl_abort(logp);
	logp = NULL;
fail_nolog:
	rc = pv_cli_fail("snp", &e);
out:
	if (logp)
		pv_jsonl_abort(logp);
	json_decref(doc);
	pv_snp_ovmf_result_free(&res);
	pv_unmap(&fw);
	pv_unmap(&sv);
	pv_unmap(&kern);
	pv_unmap(&ird);
	free(set);
	return rc;
}

static const char *const page_keys[] = {
	[PV_SNP_PAGE_NORMAL] = "normal", [PV_SNP_PAGE_VMSA] = "vmsa",
	[PV_SNP_PAGE_ZERO] = "zero", [PV_SNP_PAGE_UNMEASURED] = "unmeasured",
	[PV_SNP_PAGE_SECRETS] = "secrets", [PV_SNP_PAGE_CPUID] = "cpuid",
};

static json_t *igvm_json(const struct opts *o, const struct pv_snp_igvm_in *in,
			 const struct pv_snp_igvm_result *res, const char *ld)
{
	const struct pv_snp_igvm_info *info = &res->info;
	json_t *doc = json_object(), *pages = json_object(), *regs;
	size_t i;

	json_object_set_new(doc, "igvm", json_string(o->igvm));
	json_object_set_new(doc, "vmm", json_string(in->vmm == PV_SNP_IGVM_QEMU ?
							    "qemu" : "clh"));
	json_object_set_new(doc, "vcpus", json_integer(in->vcpus));
	json_object_set_new(doc, "native_zero", json_boolean(in->native_zero));
	json_object_set_new(doc, "snp_compatibility_mask",
			    hex_u64(info->snp_mask));
	if (info->has_policy)
		json_object_set_new(doc, "policy", hex_u64(info->policy));
	json_object_set_new(doc, "updates", json_integer((json_int_t)res->updates));
	for (i = PV_SNP_PAGE_NORMAL; i <= PV_SNP_PAGE_CPUID; i++)
		json_object_set_new(pages, page_keys[i],
				    json_integer((json_int_t)info->pages[i]));
	json_object_set_new(doc, "pages", pages);
	json_object_set_new(doc, "vp_contexts", json_integer(info->vp_contexts));
	if (info->modelled_aps)
		json_object_set_new(doc, "modelled_ap_vmsas",
				    json_integer(info->modelled_aps));
	if (info->vp_contexts)
		json_object_set_new(doc, "vmsa_gpa_in_file",
				    hex_u64(info->vmsa_file_gpa));
	regs = json_array();
	for (i = 0; i < info->nregions; i++)
		json_array_append_new(regs, json_pack("{s:s, s:o, s:o}",
			"name", info->regions[i].name,
			"gpa", hex_u64(info->regions[i].gpa),
			"size", hex_u64(info->regions[i].size)));
	json_object_set_new(doc, "regions", regs);
	if (info->has_id_block) {
		bool match = memcmp(info->id_ld, res->ld, PV_SNP_LD_SIZE) == 0;

		json_object_set_new(doc, "id_block", json_pack("{s:o, s:b, s:b, s:s}",
			"ld", pv_json_hex(info->id_ld, PV_SNP_LD_SIZE),
			"matches", match, "signature_valid", info->id_sig_valid,
			"signature", info->id_sig_valid ? "valid" :
				     info->id_sig_error));
	}
	json_object_set_new(doc, "output_format", json_string(o->format));
	json_object_set_new(doc, "measurement", json_string(ld));
	return doc;
}

/* `measure snp --igvm`: snp-measurement.md 3 (lib/snp/igvm.c) */
static int run_igvm(const struct opts *o)
{
	struct pv_snp_igvm_in in = { .name = o->igvm };
	struct pv_snp_igvm_result *res = NULL;
	struct pv_snp_igvm_info *info;
	struct pv_map m = { 0 };
	pv_snp_observer obs;
	struct pv_jsonl log, *logp = NULL;
	struct logctx lctx = { 0 };
	struct pv_err e = { 0 };
	json_t *doc = NULL;
	char out[2 * PV_SNP_LD_SIZE + 1];
	uint64_t n = 1;
	int rc = PV_EXIT_FAIL;

	if (o->ovmf || o->kernel || o->initrd || o->append || o->svsm ||
	    o->seed || o->extend || o->ap_eip || o->vars_size ||
	    o->vars_file || o->dump || o->vmm_type_set ||
	    strcmp(o->mode, "snp") != 0)
		pv_cli_usage_error(usage, "--igvm takes none of --ovmf, "
				   "--kernel, --initrd, --append, --svsm, "
				   "--snp-ovmf-hash, --extend-digest, --ap-eip, "
				   "--vars-*, --dump-vmsa, --vmm-type, --mode");
	if (strcmp(o->format, "hex") && strcmp(o->format, "base64"))
		pv_cli_usage_error(usage, "--output-format: '%s' is not hex or "
				   "base64", o->format);
	if (o->vcpus && pv_parse_u64(o->vcpus, PV_SNP_MAX_VCPUS, &n,
				     "--vcpus", &e))
		pv_cli_usage_error(usage, "%s (--igvm takes one count)", e.msg);
	if (n == 0)
		pv_cli_usage_error(usage, "--vcpus: a guest needs at least 1 vCPU");
	in.vcpus = (unsigned)n;
	in.native_zero = o->native_zero;
	in.nthreads = (unsigned)o->threads;
	if (o->vcpu_type || o->vcpu_sig || o->family) {
		if (get_sig(o, PV_SNP_VMM_QEMU, &in.vcpu_sig, &e))
			pv_cli_usage_error(usage, "%s", e.msg);
		in.ap_reset_model = true;
	}
	if (o->igvm_vmm && pv_snp_igvm_vmm_from_name(o->igvm_vmm, &in.vmm, &e))
		pv_cli_usage_error(usage, "%s", e.msg);

	res = calloc(1, sizeof(*res));
	if (!res)
		return pv_cli_failf("snp", "out of memory");
	info = &res->info;
	if (pv_map_file(o->igvm, 1ull << 32, &m, &e))
		goto fail;
	if (open_log(o->log, &log, &logp, &lctx, &obs, &e))
		goto fail;
	if (pv_snp_launch_igvm(m.data, m.len, &in, !o->igvm_vmm, obs, &lctx,
			       res, &e)) {
		if (res->vmm == PV_SNP_IGVM_CLH &&
		    (in.vcpus > 1 || in.ap_reset_model)) {
			if (logp)
				pv_jsonl_abort(logp);
			pv_cli_usage_error(usage, "%s", e.msg);
		}
		goto fail;
	}
	in.vmm = res->vmm;
	if (logp && pv_jsonl_close(logp, &e))
		goto fail_nolog;
	logp = NULL;
	format_ld(res->ld, o->format, out, sizeof(out));
	if (o->json) {
		doc = igvm_json(o, &in, res, out);
		if (pv_json_print(doc)) {
			pv_errf(&e, PV_EIO, "writing standard output failed");
			goto fail;
		}
	} else if (o->verbose) {
		printf("Calculated SEV_SNP IGVM guest measurement (%s, %u "
		       "vCPU%s): %s\n", in.vmm == PV_SNP_IGVM_QEMU ? "qemu" :
		       "clh", in.vcpus, in.vcpus == 1 ? "" : "s", out);
	} else {
		printf("%s\n", out);
	}
	if (info->has_id_block) {
		char want[2 * PV_SNP_LD_SIZE + 1], got[2 * PV_SNP_LD_SIZE + 1];

		pv_hex_encode(info->id_ld, PV_SNP_LD_SIZE, want, sizeof(want));
		pv_hex_encode(res->ld, PV_SNP_LD_SIZE, got, sizeof(got));
		if (!info->id_sig_valid)
			fprintf(stderr, "measure: snp: warning: %s: the "
				"SNP_ID_BLOCK signature does not verify (%s): "
				"the firmware would refuse the launch\n",
				o->igvm, info->id_sig_error);
		else if (o->verbose)
			printf("SNP_ID_BLOCK: signature by its ID key valid\n");
		if (strcmp(want, got) == 0) {
			if (o->verbose)
				printf("SNP_ID_BLOCK: its launch digest matches\n");
		} else if (o->ignore_id) {
			fprintf(stderr, "measure: snp: %s: the SNP_ID_BLOCK "
				"(header at offset 0x%llx) expects %s, not the "
				"computed digest (ignored: --ignore-id-block)\n",
				o->igvm,
				(unsigned long long)info->id_block_offset, want);
		} else {
			pv_errf(&e, PV_EVERIFY, "%s: the SNP_ID_BLOCK (header at "
				"offset 0x%llx) expects launch digest %s, but "
				"the file measures %s under --vmm %s with %u "
				"vCPU%s: the guest would not launch (use "
				"--ignore-id-block to report only)", o->igvm,
				(unsigned long long)info->id_block_offset,
				want, got, in.vmm == PV_SNP_IGVM_QEMU ? "qemu" :
				"clh", in.vcpus, in.vcpus == 1 ? "" : "s");
			goto fail;
		}
	}
	rc = PV_EXIT_OK;
	goto out;
fail:
	if (logp)
		pv_jsonl_abort(logp);
	logp = NULL;
fail_nolog:
	rc = pv_cli_fail("snp", &e);
out:
	json_decref(doc);
	if (logp)
		pv_jsonl_abort(logp);
	pv_unmap(&m);
	free(res);
	return rc;
}

/* The vCPU extension (snp-measurement.md 6, Contrast's
 * ExtendSNPLaunchDigest): KVM measures the VMSAs last, so the digest for N
 * vCPUs is the 1-vCPU digest followed by N - 1 AP VMSA updates. */
static int run_extend(const struct opts *o)
{
	struct pv_err e = { 0 };
	enum pv_snp_vmm vmm;
	uint8_t ld[PV_SNP_LD_SIZE], *set, *lds = NULL;
	char out[2 * PV_SNP_LD_SIZE + 1];
	unsigned maxv, nv, i;
	uint64_t gf, eip;
	uint32_t sig;
	size_t n;
	int rc = PV_EXIT_FAIL;

	if (o->ovmf || o->kernel || o->svsm || o->seed || o->log || o->dump ||
	    o->json || strcmp(o->mode, "snp") != 0)
		pv_cli_usage_error(usage, "--extend-digest takes no firmware, "
				   "kernel, seed, log, --json or mode other "
				   "than snp");
	if (!o->ap_eip || !o->vcpus)
		pv_cli_usage_error(usage, "--extend-digest needs --ap-eip and "
				   "--vcpus");
	if (pv_hex_decode(o->extend, ld, sizeof(ld), &n, "--extend-digest",
			  &e) || n != sizeof(ld))
		pv_cli_usage_error(usage, "%s", e.msg[0] ? e.msg :
				   "--extend-digest: expected 96 hex digits");
	/* "0080b004" as Contrast stores it, or "0x80b004" */
	snprintf(out, sizeof(out), "%s%s",
		 strncmp(o->ap_eip, "0x", 2) == 0 ? "" : "0x", o->ap_eip);
	if (pv_parse_u64(out, 0xffffffff, &eip, "--ap-eip", &e))
		pv_cli_usage_error(usage, "%s", e.msg);
	set = calloc(PV_SNP_MAX_VCPUS + 1, 1);
	if (!set)
		return pv_cli_failf("snp", "out of memory");
	if (parse_vcpus(o->vcpus, set, &maxv, &nv, &e))
		pv_cli_usage_error(usage, "%s", e.msg);
	if (pv_snp_vmm_from_name(o->vmm, &vmm, &e))
		pv_cli_usage_error(usage, "--vmm-type: %s", e.msg);
	if (get_sig(o, vmm, &sig, &e))
		pv_cli_usage_error(usage, "%s", e.msg);
	if (pv_parse_u64(o->gf, UINT64_MAX, &gf, "--guest-features", &e))
		pv_cli_usage_error(usage, "%s", e.msg);
	if (pv_snp_launch_extend(ld, (uint32_t)eip, vmm, gf, sig, maxv, &lds,
				 &e))
		goto fail;
	for (i = 1; i <= maxv; i++) {
		if (!set[i])
			continue;
		format_ld(lds + (size_t)i * PV_SNP_LD_SIZE, o->format, out,
			  sizeof(out));
		if (nv > 1)
			printf("%u %s\n", i, out);
		else
			printf("%s\n", out);
	}
	rc = PV_EXIT_OK;
	goto out;
fail:
	rc = pv_cli_fail("snp", &e);
out:
	free(lds);
	free(set);
	return rc;
}

static const char ap_usage[] =
	"Usage: measure snp ap-eip --ovmf FILE [--json]\n"
	"Print the AP entry point of an OVMF image (its SEV-ES reset block) as\n"
	"8 hex digits, the form Contrast keeps next to a 1-vCPU digest for\n"
	"`measure snp --extend-digest`.\n";

int cmd_snp_ap_eip(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ovmf", required_argument, NULL, O_OVMF },
		{ "json", no_argument, NULL, O_JSON },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_map fw = { 0 };
	struct pv_ovmf *ovmf = NULL;
	struct pv_err e = { 0 };
	const char *path = NULL;
	int c, json = 0, rc = PV_EXIT_FAIL;

	while ((c = pv_cli_getopt(argc, argv, "", opts, ap_usage)) != -1) {
		if (c == O_OVMF)
			path = optarg;
		else if (c == O_JSON)
			json = 1;
	}
	pv_cli_operands(argc, argv, 0, 0, ap_usage);
	if (!path)
		pv_cli_usage_error(ap_usage, "--ovmf FILE is required");
	ovmf = calloc(1, sizeof(*ovmf));
	if (!ovmf)
		return pv_cli_failf("snp ap-eip", "out of memory");
	if (pv_map_file(path, PV_OVMF_FOUR_GB, &fw, &e) ||
	    pv_ovmf_parse(fw.data, fw.len, PV_OVMF_FOUR_GB, path, ovmf, &e))
		goto fail;
	if (!ovmf->has_reset_eip) {
		pv_errf(&e, PV_EFORMAT, "%s: no SEV-ES reset block (GUID "
			"00f771de-1a7e-4fcb-890e-68c77e2fb44e)%s", path,
			ovmf->has_table ? "" : ": no footer table");
		goto fail;
	}
	if (json) {
		json_t *doc = json_pack("{s:s, s:o}", "ovmf", path, "ap_eip",
					hex_u64(ovmf->reset_eip));
		pv_json_print(doc);
		json_decref(doc);
	} else {
		printf("%08x\n", ovmf->reset_eip);
	}
	rc = PV_EXIT_OK;
	goto out;
fail:
	rc = pv_cli_fail("snp ap-eip", &e);
out:
	pv_unmap(&fw);
	free(ovmf);
	return rc;
}

int cmd_snp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, O_MODE },
		{ "ovmf", required_argument, NULL, O_OVMF },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "initrd", required_argument, NULL, O_INITRD },
		{ "append", required_argument, NULL, O_APPEND },
		{ "vcpus", required_argument, NULL, O_VCPUS },
		{ "vcpu-type", required_argument, NULL, O_VCPU_TYPE },
		{ "vcpu-sig", required_argument, NULL, O_VCPU_SIG },
		{ "vcpu-family", required_argument, NULL, O_VCPU_FAMILY },
		{ "vcpu-model", required_argument, NULL, O_VCPU_MODEL },
		{ "vcpu-stepping", required_argument, NULL, O_VCPU_STEPPING },
		{ "vmm-type", required_argument, NULL, O_VMM },
		{ "guest-features", required_argument, NULL, O_GF },
		{ "snp-ovmf-hash", required_argument, NULL, O_SEED },
		{ "svsm", required_argument, NULL, O_SVSM },
		{ "vars-size", required_argument, NULL, O_VARS_SIZE },
		{ "vars-file", required_argument, NULL, O_VARS_FILE },
		{ "output-format", required_argument, NULL, O_FORMAT },
		{ "dump-vmsa", no_argument, NULL, O_DUMP },
		{ "log", required_argument, NULL, O_LOG },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "json", no_argument, NULL, O_JSON },
		{ "extend-digest", required_argument, NULL, O_EXTEND },
		{ "ap-eip", required_argument, NULL, O_AP_EIP },
		{ "igvm", required_argument, NULL, O_IGVM },
		{ "vmm", required_argument, NULL, O_IGVM_VMM },
		{ "native-zero", no_argument, NULL, O_NATIVE_ZERO },
		{ "ignore-id-block", no_argument, NULL, O_IGNORE_ID },
		{ "verbose", no_argument, NULL, 'v' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct opts o = { .mode = "snp", .vmm = "QEMU", .gf = "0x1",
			  .format = "hex" };
	struct pv_err e = { 0 };
	int c;

	if (argc > 1 && strcmp(argv[1], "id-block") == 0)
		return cmd_snp_id_block(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "ap-eip") == 0)
		return cmd_snp_ap_eip(argc - 1, argv + 1);
	while ((c = pv_cli_getopt(argc, argv, "v", opts, usage)) != -1) {
		switch (c) {
		case O_MODE: o.mode = optarg; break;
		case O_OVMF: o.ovmf = optarg; break;
		case O_KERNEL: o.kernel = optarg; break;
		case O_INITRD: o.initrd = optarg; break;
		case O_APPEND: o.append = optarg; break;
		case O_VCPUS: o.vcpus = optarg; break;
		case O_VCPU_TYPE: o.vcpu_type = optarg; break;
		case O_VCPU_SIG: o.vcpu_sig = optarg; break;
		case O_VCPU_FAMILY: o.family = optarg; break;
		case O_VCPU_MODEL: o.model = optarg; break;
		case O_VCPU_STEPPING: o.stepping = optarg; break;
		case O_VMM: o.vmm = optarg; o.vmm_type_set = 1; break;
		case O_GF: o.gf = optarg; break;
		case O_SEED: o.seed = optarg; break;
		case O_SVSM: o.svsm = optarg; break;
		case O_VARS_SIZE: o.vars_size = optarg; break;
		case O_VARS_FILE: o.vars_file = optarg; break;
		case O_FORMAT: o.format = optarg; break;
		case O_DUMP: o.dump = 1; break;
		case O_LOG: o.log = optarg; break;
		case O_THREADS:
			if (pv_parse_u64(optarg, 256, &o.threads, "--threads",
					 &e))
				pv_cli_usage_error(usage, "%s", e.msg);
			break;
		case O_JSON: o.json = 1; break;
		case O_EXTEND: o.extend = optarg; break;
		case O_AP_EIP: o.ap_eip = optarg; break;
		case O_IGVM: o.igvm = optarg; break;
		case O_IGVM_VMM: o.igvm_vmm = optarg; break;
		case O_NATIVE_ZERO: o.native_zero = 1; break;
		case O_IGNORE_ID: o.ignore_id = 1; break;
		case 'v': o.verbose = 1; break;
		}
	}
	pv_cli_operands(argc, argv, 0, 0, usage);
	if (o.igvm)
		return run_igvm(&o);
	if (o.igvm_vmm || o.native_zero || o.ignore_id)
		pv_cli_usage_error(usage, "--vmm, --native-zero and "
				   "--ignore-id-block go with --igvm");
	if (o.extend)
		return run_extend(&o);
	if (o.ap_eip)
		pv_cli_usage_error(usage, "--ap-eip goes with --extend-digest");
	return run(&o);
}
