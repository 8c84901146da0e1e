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
#include "opts.h"
#include "snp_opts.h"

/* ---- the options of snp, snp id-block and snp ap-eip: one table ---- */

/* --vcpus: "N", "A-B" and comma-separated lists of them, into a set */
static int parse_vcpus(const char *arg, void *dst, struct pv_err *e)
{
	struct snp_vcpus *v = dst;
	char buf[256], *p, *save = NULL, *tok;

	if (strlen(arg) >= sizeof(buf))
		return pv_errf(e, PV_ETOOBIG, "list too long");
	memcpy(buf, arg, strlen(arg) + 1);
	memset(v, 0, sizeof(*v));
	for (p = buf; (tok = strtok_r(p, ",", &save)); p = NULL) {
		char *dash = strchr(tok, '-');
		uint64_t lo, hi, i;

		if (dash)
			*dash = '\0';
		if (m_lib_value(pv_parse_u64(tok, PV_SNP_MAX_VCPUS, &lo,
					     "--vcpus", e), "--vcpus", e))
			return e->code;
		hi = lo;
		if (dash && m_lib_value(pv_parse_u64(dash + 1, PV_SNP_MAX_VCPUS,
						     &hi, "--vcpus", e),
					"--vcpus", e))
			return e->code;
		if (lo == 0)
			return pv_errf(e, PV_ERANGE, "a guest needs at least 1 vCPU");
		if (hi < lo)
			return pv_errf(e, PV_EINVAL, "range %llu-%llu is empty",
				       (unsigned long long)lo,
				       (unsigned long long)hi);
		for (i = lo; i <= hi; i++) {
			if (!v->set[i])
				v->count++;
			v->set[i] = 1;
		}
		if (hi > v->max)
			v->max = (unsigned)hi;
	}
	if (v->count == 0)
		return pv_errf(e, PV_EINVAL, "no count given");
	return 0;
}

static int parse_mode(const char *arg, void *dst, struct pv_err *e)
{
	return pv_snp_mode_from_name(arg, dst, e);
}

static int parse_vcpu_type(const char *arg, void *dst, struct pv_err *e)
{
	return pv_snp_vcpu_type_sig(arg, dst, e);
}

static int parse_vmm_type(const char *arg, void *dst, struct pv_err *e)
{
	return pv_snp_vmm_from_name(arg, dst, e);
}

static int parse_igvm_vmm(const char *arg, void *dst, struct pv_err *e)
{
	enum pv_snp_igvm_vmm v;
	unsigned u;

	if (m_lib_value(pv_snp_igvm_vmm_from_name(arg, &v, e), "--vmm", e))
		return e->code;
	u = (unsigned)v;
	memcpy(dst, &u, sizeof(u));
	return 0;
}

/* "0080b004" as Contrast stores it, or "0x80b004" */
static int parse_ap_eip(const char *arg, void *dst, struct pv_err *e)
{
	char buf[32];
	uint64_t v;
	uint32_t eip;

	if (snprintf(buf, sizeof(buf), "%s%s", strncmp(arg, "0x", 2) ? "0x" : "",
		     arg) >= (int)sizeof(buf))
		return pv_errf(e, PV_EINVAL, "'%s': expected 8 hex digits", arg);
	if (m_lib_value(pv_parse_u64(buf, 0xffffffff, &v, "--ap-eip", e),
			"--ap-eip", e))
		return e->code;
	eip = (uint32_t)v;
	memcpy(dst, &eip, sizeof(eip));
	return 0;
}

/* the launch digest: base64 (as sev-snp-measure --output-format base64
 * prints it) or 96 hex digits */
static int parse_ld(const char *arg, void *dst, struct pv_err *e)
{
	size_t n;

	if (strlen(arg) == 2 * PV_SNP_LD_SIZE)
		return m_lib_value(pv_hex_decode(arg, dst, PV_SNP_LD_SIZE, &n,
						 "--measurement", e),
				   "--measurement", e);
	/* 48 bytes are exactly 64 base64 characters, no padding */
	if (strlen(arg) != 64 ||
	    pv_base64_decode(arg, dst, PV_SNP_LD_SIZE, &n, "--measurement", NULL) ||
	    n != PV_SNP_LD_SIZE)
		return pv_errf(e, PV_EFORMAT, "expected 48 bytes as 64 base64 "
			       "characters or 96 hex digits");
	return 0;
}

const char *const snp_format_names[] = { "hex", "base64", NULL };

#define SNP PV_CMD_BIT(M_SNP)
#define IDB PV_CMD_BIT(M_SNP_ID_BLOCK)
#define APE PV_CMD_BIT(M_SNP_AP_EIP)
#define B PV_OPT_BIT
#define DST(m) PV_OPT_DST(struct snp_opts, m)

static const struct pv_opt snp_table[SO_COUNT] = {
	[SO_MODE] = { "mode", 0, PV_ARG_CUSTOM, "snp|snp:ovmf-hash|snp:svsm",
		"the guest mode (default snp)", DST(mode), .parse = parse_mode,
		.cmds = SNP },
	[SO_OVMF] = { "ovmf", 0, PV_ARG_PATH_IN, NULL,
		"the OVMF image (mapped to end at 4 GiB)", DST(ovmf),
		.cmds = SNP | APE, .required_in = APE },
	[SO_KERNEL] = { "kernel", 0, PV_ARG_PATH_IN, NULL,
		"direct boot: kernel whose SHA-256 goes in the SEV hash table "
		"(needs a kernel-hashes section)", DST(kernel), .cmds = SNP },
	[SO_INITRD] = { "initrd", 0, PV_ARG_PATH_IN, NULL,
		"direct boot: initrd (needs --kernel)", DST(initrd), .cmds = SNP,
		.requires = B(SO_KERNEL) },
	[SO_APPEND] = { "append", 0, PV_ARG_STR, "CMDLINE",
		"direct boot: kernel command line (needs --kernel)", DST(append),
		.cmds = SNP },
	[SO_VCPUS] = { "vcpus", 0, PV_ARG_CUSTOM, "N|LIST",
		"vCPU count, or a list such as 1-64 or 1,2,4,8: every count is "
		"computed in one pass; --igvm: one count (default 1)",
		DST(vcpus), .parse = parse_vcpus, .cmds = SNP },
	[SO_VCPU_TYPE] = { "vcpu-type", 0, PV_ARG_CUSTOM, "NAME",
		"QEMU CPU model (EPYC-v4, EPYC-Milan, ...)", DST(type_sig),
		.parse = parse_vcpu_type, .cmds = SNP },
	[SO_VCPU_SIG] = { "vcpu-sig", 0, PV_ARG_U64, NULL,
		"CPUID 1 EAX signature instead", DST(vcpu_sig), .cmds = SNP },
	[SO_VCPU_FAMILY] = { "vcpu-family", 0, PV_ARG_U64, NULL,
		"the signature from its parts: family 0..270, with --vcpu-model "
		"and --vcpu-stepping", DST(family), .max = 0xf + 0xff,
		.cmds = SNP, .requires = B(SO_VCPU_MODEL) | B(SO_VCPU_STEPPING) },
	[SO_VCPU_MODEL] = { "vcpu-model", 0, PV_ARG_U64, NULL,
		"model 0..255", DST(model), .max = 0xff, .cmds = SNP,
		.requires = B(SO_VCPU_FAMILY) },
	[SO_VCPU_STEPPING] = { "vcpu-stepping", 0, PV_ARG_U64, NULL,
		"stepping 0..15", DST(stepping), .max = 0xf, .cmds = SNP,
		.requires = B(SO_VCPU_FAMILY) },
	[SO_VMM_TYPE] = { "vmm-type", 0, PV_ARG_CUSTOM, "QEMU|ec2|gce",
		"the VMM (default QEMU)", DST(vmm_type),
		.parse = parse_vmm_type, .cmds = SNP },
	[SO_GF] = { "guest-features", 0, PV_ARG_U64, NULL,
		"VMSA SEV_FEATURES (default 0x1)", DST(guest_features),
		.cmds = SNP },
	[SO_SEED] = { "snp-ovmf-hash", 0, PV_ARG_HEX, NULL,
		"start from this precomputed OVMF digest (mode snp)", DST(seed),
		.len_off = offsetof(struct snp_opts, seed_len),
		.min = PV_SNP_LD_SIZE, .max = PV_SNP_LD_SIZE, .cmds = SNP },
	[SO_SVSM] = { "svsm", 0, PV_ARG_PATH_IN, NULL,
		"snp:svsm: the COCONUT-SVSM image", DST(svsm), .cmds = SNP },
	[SO_VARS_SIZE] = { "vars-size", 0, PV_ARG_SIZE, NULL,
		"snp:svsm: size of the OVMF_VARS file", DST(vars_size),
		.min = 1, .cmds = SNP },
	[SO_VARS_FILE] = { "vars-file", 0, PV_ARG_PATH_IN, NULL,
		"snp:svsm: the OVMF_VARS file (for its size)", DST(vars_file),
		.cmds = SNP },
	[SO_FORMAT] = { "output-format", 0, PV_ARG_ENUM, NULL,
		"how to print the digest (default hex)", DST(format),
		.names = snp_format_names, .cmds = SNP },
	[SO_DUMP] = { "dump-vmsa", 0, PV_ARG_FLAG, NULL,
		"write the measured VMSAs to vmsa<N>.bin", DST(dump), .cmds = SNP },
	[SO_LOG] = M_OPT_LOG(struct snp_opts, log, "launch update", SNP),
	[SO_EXTEND] = { "extend-digest", 0, PV_ARG_HEX, NULL,
		"instead of --ovmf: the 1-vCPU digest to extend by AP VMSAs (the "
		"vCPU extension of snp-measurement.md 6); needs --ap-eip and "
		"--vcpus", DST(extend),
		.len_off = offsetof(struct snp_opts, extend_len),
		.min = PV_SNP_LD_SIZE, .max = PV_SNP_LD_SIZE, .cmds = SNP,
		.requires = B(SO_AP_EIP) | B(SO_VCPUS),
		.conflicts = B(SO_MODE) | B(SO_OVMF) | B(SO_KERNEL) | B(SO_SVSM) |
			     B(SO_SEED) | B(SO_LOG) | B(SO_DUMP) | B(SO_JSON) },
	[SO_AP_EIP] = { "ap-eip", 0, PV_ARG_CUSTOM, "EIP",
		"with --extend-digest: the firmware's AP entry point (hex, as "
		"`measure snp ap-eip` prints it)", DST(ap_eip),
		.parse = parse_ap_eip, .cmds = SNP, .requires = B(SO_EXTEND) },
	[SO_IGVM] = { "igvm", 0, PV_ARG_PATH_IN, NULL,
		"the launch digest of an IGVM file's SEV-SNP platform instead of "
		"QEMU + OVMF (snp-measurement.md 3); an SNP ID block in it must "
		"carry the same digest (exit 3 if not)", DST(igvm), .cmds = SNP,
		.conflicts = B(SO_MODE) | B(SO_OVMF) | B(SO_KERNEL) |
			     B(SO_INITRD) | B(SO_APPEND) | B(SO_SVSM) |
			     B(SO_SEED) | B(SO_EXTEND) | B(SO_AP_EIP) |
			     B(SO_VARS_SIZE) | B(SO_VARS_FILE) | B(SO_DUMP) |
			     B(SO_VMM_TYPE) },
	[SO_IGVM_VMM] = { "vmm", 0, PV_ARG_CUSTOM, "qemu|clh",
		"--igvm's loader: qemu (KVM: VMSAs last, at 0xFFFFFFFFF000, one "
		"per vCPU) or clh (Cloud Hypervisor / Hyper-V: VMSA at its "
		"header's GPA, in file order); default: qemu when the file's VMSA "
		"is at 0xFFFFFFFFF000, else clh; qemu: a vCPU without a "
		"VP_CONTEXT needs --vcpu-type or --vcpu-sig (KVM's reset-state "
		"VMSA, not verified on hardware)", DST(igvm_vmm),
		.parse = parse_igvm_vmm, .cmds = SNP, .requires = B(SO_IGVM) },
	[SO_NATIVE_ZERO] = { "native-zero", 0, PV_ARG_FLAG, NULL,
		"--igvm: pages without data as ZERO pages (loaders with native "
		"zero pages), not NORMAL pages of zeros", DST(native_zero),
		.cmds = SNP, .requires = B(SO_IGVM) },
	[SO_IGNORE_ID] = { "ignore-id-block", 0, PV_ARG_FLAG, NULL,
		"--igvm: report an ID block digest that differs, do not fail",
		DST(ignore_id), .cmds = SNP, .requires = B(SO_IGVM) },
	[SO_LD] = { "measurement", 0, PV_ARG_CUSTOM, "LD",
		"the launch digest: base64 (as sev-snp-measure --output-format "
		"base64 prints it) or 96 hex digits", DST(ld), .parse = parse_ld,
		.cmds = IDB, .required_in = IDB },
	[SO_IDKEY] = { "idkey", 0, PV_ARG_PATH_IN, "PEM",
		"ID key: EC P-384 private key (PEM)", DST(idkey), .cmds = IDB,
		.required_in = IDB },
	[SO_AUTHORKEY] = { "authorkey", 0, PV_ARG_PATH_IN, "PEM",
		"author key (optional): signs the ID key", DST(authorkey),
		.cmds = IDB },
	[SO_FAMILY_ID] = { "family-id", 0, PV_ARG_HEX, NULL,
		"16 bytes (default zeros)", DST(family_id),
		.len_off = offsetof(struct snp_opts, family_id_len), .min = 16,
		.max = 16, .cmds = IDB },
	[SO_IMAGE_ID] = { "image-id", 0, PV_ARG_HEX, NULL,
		"16 bytes (default zeros)", DST(image_id),
		.len_off = offsetof(struct snp_opts, image_id_len), .min = 16,
		.max = 16, .cmds = IDB },
	[SO_SVN] = { "guest-svn", 0, PV_ARG_U64, NULL, "the guest SVN (default 0)",
		DST(guest_svn), .cmds = IDB },
	[SO_POLICY] = { "policy", 0, PV_ARG_U64, NULL,
		"guest policy (default 0x30000)", DST(policy), .cmds = IDB },
	[SO_THREADS] = M_OPT_THREADS(struct snp_opts, threads, SNP),
	[SO_JSON] = M_OPT_JSON(struct snp_opts, json, SNP | IDB | APE),
	[SO_VERBOSE] = { "verbose", 'v', PV_ARG_FLAG, NULL,
		"say what the digest is", DST(verbose), .cmds = SNP },
};

static const struct pv_cli_spec snp_specs[] = {
	[M_SNP] = {
		.cmd = M_SNP,
		.synopsis = "--ovmf FILE --vcpus N|LIST [OPTION]...\n"
			    "       measure snp --mode snp:ovmf-hash --ovmf FILE\n"
			    "       measure snp --extend-digest LD1 --ap-eip EIP --vcpus N|LIST [...]\n"
			    "       measure snp --igvm FILE [--vmm qemu|clh] [--vcpus N] [...]\n"
			    "       measure snp ap-eip --ovmf FILE\n"
			    "       measure snp id-block --measurement B64 --idkey PEM [...]",
		.about = "Compute the SEV-SNP launch digest (MEASUREMENT) of a QEMU + OVMF guest,\n"
			 "as virtee/sev-snp-measure does, with the same option names, or of an\n"
			 "IGVM file (--igvm, --vmm, --native-zero, --ignore-id-block).\n",
		.opts = snp_table, .nopts = SO_COUNT,
		.min_operands = 0, .max_operands = 0,
	},
	[M_SNP_ID_BLOCK] = {
		.cmd = M_SNP_ID_BLOCK,
		.synopsis = "id-block --measurement LD --idkey PEM [OPTION]...",
		.about = "Build the SEV-SNP ID block and ID authentication information for a\n"
			 "launch digest, as sev-snp-measure's snp-create-id-block does.\n",
		.footer = "The ID block is version 1.  Signatures are ECDSA P-384 with SHA-384\n"
			  "and random nonces, so id-auth differs from run to run; the ID block\n"
			  "and the key digests do not.\n",
		.opts = snp_table, .nopts = SO_COUNT,
		.min_operands = 0, .max_operands = 0,
	},
	[M_SNP_AP_EIP] = {
		.cmd = M_SNP_AP_EIP,
		.synopsis = "ap-eip --ovmf FILE [--json]",
		.about = "Print the AP entry point of an OVMF image (its SEV-ES reset block) as\n"
			 "8 hex digits, the form Contrast keeps next to a 1-vCPU digest for\n"
			 "`measure snp --extend-digest`.\n",
		.opts = snp_table, .nopts = SO_COUNT,
		.min_operands = 0, .max_operands = 0,
	},
};

void snp_parse(struct snp_opts *o, unsigned cmd, int argc, char **argv)
{
	memset(o, 0, sizeof(*o));
	o->mode = PV_SNP_MODE_SNP;
	o->vmm_type = PV_SNP_VMM_QEMU;
	o->guest_features = 0x1;
	o->policy = 0x30000;
	pv_opts_parse(&snp_specs[cmd], argc, argv, o, &o->st);
	o->mode_name = pv_opt_given(&o->st, SO_MODE) ?
		       pv_opt_arg(&o->st, SO_MODE) : "snp";
}

static void format_ld(const uint8_t *ld, unsigned fmt, char *out,
		      size_t outsz)
{
	if (fmt == 1) /* base64 */
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

/* The vCPU signature: from its parts, given, or of a QEMU CPU model */
static void get_sig(const struct snp_opts *o, enum pv_snp_vmm vmm,
		    uint32_t *sig)
{
	struct pv_err e = { 0 };

	*sig = 0;
	if (pv_opt_given(&o->st, SO_VCPU_FAMILY)) {
		/* the rows' ranges are the library's: this cannot fail */
		if (pv_snp_cpu_sig(o->family, o->model, o->stepping, sig, &e))
			pv_opts_usage_error(&o->st, "%s", e.msg);
	} else if (pv_opt_given(&o->st, SO_VCPU_SIG)) {
		*sig = o->vcpu_sig;
	} else if (pv_opt_given(&o->st, SO_VCPU_TYPE)) {
		*sig = o->type_sig;
	} else if (vmm == PV_SNP_VMM_QEMU) {
		pv_opts_usage_error(&o->st, "missing --vcpu-type or --vcpu-sig or "
				    "--vcpu-family in guest mode '%s'",
				    o->mode_name);
	}
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

static int run(const struct snp_opts *o)
{
	const struct pv_opts *st = &o->st;
	struct pv_map fw = { 0 }, sv = { 0 };
	/* read, not mapped: each is hashed once (core/file.h pv_rfile) */
	struct pv_rfile kern = { .fd = -1 }, ird = { .fd = -1 };
	struct pv_snp_ovmf_launch in = { 0 };
	struct pv_snp_ovmf_result res = { 0 };
	struct pv_jsonl log, *logp = NULL;
	struct logctx lctx = { 0 };
	struct pv_err e = { 0 };
	const uint8_t *set = o->vcpus.set;
	unsigned maxv = o->vcpus.max, nv = o->vcpus.count, i;
	json_t *doc = NULL, *arr;
	int rc = PV_EXIT_FAIL;
	char out[2 * PV_SNP_LD_SIZE + 1];

	in.mode = o->mode;
	if (in.mode != PV_SNP_MODE_SVSM &&
	    (o->svsm || pv_opt_given(st, SO_VARS_SIZE) || o->vars_file))
		pv_opts_usage_error(st, "--svsm, --vars-size and --vars-file "
				    "need --mode snp:svsm");
	if (!o->ovmf)
		pv_opts_usage_error(st, "--ovmf FILE is required");
	in.nthreads = (unsigned)o->threads;
	in.cmdline = o->append;

	if (in.mode != PV_SNP_MODE_OVMF_HASH) {
		if (o->append && *o->append && !o->kernel)
			pv_opts_usage_error(st, "--kernel required when using "
					    "--append");
		if (!pv_opt_given(st, SO_VCPUS))
			pv_opts_usage_error(st, "missing --vcpus N in guest "
					    "mode '%s'", o->mode_name);
		in.vcpu_set = set;
		in.max_vcpus = maxv;
		in.vmm = o->vmm_type;
		get_sig(o, in.vmm, &in.vcpu_sig);
		in.guest_features = o->guest_features;
		if (pv_opt_given(st, SO_SEED)) {
			if (in.mode != PV_SNP_MODE_SNP)
				pv_opts_usage_error(st, "--snp-ovmf-hash works "
						    "only in mode snp");
			in.seed = o->seed;
		}
	}
	if (in.mode == PV_SNP_MODE_SVSM) {
		struct stat sb;

		if (in.vmm != PV_SNP_VMM_QEMU)
			pv_opts_usage_error(st, "snp:svsm mode is only "
					    "implemented for QEMU");
		if (!o->svsm)
			pv_opts_usage_error(st, "snp:svsm mode requires --svsm");
		if (o->kernel)
			pv_opts_usage_error(st, "snp:svsm mode measures no "
					    "kernel: drop --kernel");
		if (o->vars_file) {
			if (stat(o->vars_file, &sb))
				return pv_cli_failf("snp", "%s: %s",
						    o->vars_file,
						    "cannot stat the vars file");
			in.vars_size = (uint64_t)sb.st_size;
		} else {
			in.vars_size = o->vars_size;
		}
		if (!in.vars_size)
			pv_opts_usage_error(st, "snp:svsm mode requires "
					    "--vars-size or --vars-file");
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
		if (pv_rfile_open(o->kernel, 1ull << 32, &kern, &e))
			goto fail;
		in.kernel_file = &kern;
		if (o->initrd) {
			if (pv_rfile_open(o->initrd, 1ull << 34, &ird, &e))
				goto fail;
			in.initrd_file = &ird;
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
		json_object_set_new(doc, "mode", json_string(o->mode_name));
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
		json_object_set_new(doc, "output_format", json_string(snp_format_names[o->format]));
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
	pv_rfile_close(&kern);
	pv_rfile_close(&ird);
	return rc;
}

static const char *const page_keys[] = {
	[PV_SNP_PAGE_NORMAL] = "normal", [PV_SNP_PAGE_VMSA] = "vmsa",
	[PV_SNP_PAGE_ZERO] = "zero", [PV_SNP_PAGE_UNMEASURED] = "unmeasured",
	[PV_SNP_PAGE_SECRETS] = "secrets", [PV_SNP_PAGE_CPUID] = "cpuid",
};

static json_t *igvm_json(const struct snp_opts *o, const struct pv_snp_igvm_in *in,
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
	json_object_set_new(doc, "output_format", json_string(snp_format_names[o->format]));
	json_object_set_new(doc, "measurement", json_string(ld));
	return doc;
}

/* `measure snp --igvm`: snp-measurement.md 3 (lib/snp/igvm.c) */
static int run_igvm(const struct snp_opts *o)
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
	bool given_vmm = pv_opt_given(&o->st, SO_IGVM_VMM);
	int rc = PV_EXIT_FAIL;

	/* the table refuses the options of QEMU + OVMF (SO_IGVM's rule) */
	if (!pv_opt_given(&o->st, SO_VCPUS))
		in.vcpus = 1;
	else if (o->vcpus.count == 1)
		in.vcpus = o->vcpus.max;
	else
		pv_opts_usage_error(&o->st, "--vcpus: --igvm takes one count");
	in.native_zero = o->native_zero;
	in.nthreads = (unsigned)o->threads;
	if (o->st.given & (PV_OPT_BIT(SO_VCPU_TYPE) | PV_OPT_BIT(SO_VCPU_SIG) |
			   PV_OPT_BIT(SO_VCPU_FAMILY))) {
		get_sig(o, PV_SNP_VMM_QEMU, &in.vcpu_sig);
		in.ap_reset_model = true;
	}
	in.vmm = (enum pv_snp_igvm_vmm)o->igvm_vmm;

	res = calloc(1, sizeof(*res));
	if (!res)
		return pv_cli_failf("snp", "out of memory");
	info = &res->info;
	if (pv_map_file(o->igvm, 1ull << 32, &m, &e))
		goto fail;
	if (open_log(o->log, &log, &logp, &lctx, &obs, &e))
		goto fail;
	if (pv_snp_launch_igvm(m.data, m.len, &in, !given_vmm, obs, &lctx,
			       res, &e)) {
		if (res->vmm == PV_SNP_IGVM_CLH &&
		    (in.vcpus > 1 || in.ap_reset_model)) {
			if (logp)
				pv_jsonl_abort(logp);
			pv_opts_usage_error(&o->st, "%s", e.msg);
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
static int run_extend(const struct snp_opts *o)
{
	struct pv_err e = { 0 };
	uint8_t *lds = NULL;
	char out[2 * PV_SNP_LD_SIZE + 1];
	unsigned i;
	uint32_t sig;
	int rc = PV_EXIT_FAIL;

	/* the table's rules: --ap-eip and --vcpus given; no firmware,
	 * kernel, seed, log, --json or --mode */
	get_sig(o, o->vmm_type, &sig);
	if (pv_snp_launch_extend(o->extend, o->ap_eip, o->vmm_type,
				 o->guest_features, sig, o->vcpus.max, &lds, &e))
		goto fail;
	for (i = 1; i <= o->vcpus.max; i++) {
		if (!o->vcpus.set[i])
			continue;
		format_ld(lds + (size_t)i * PV_SNP_LD_SIZE, o->format, out,
			  sizeof(out));
		if (o->vcpus.count > 1)
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
	return rc;
}

int cmd_snp_ap_eip(int argc, char **argv)
{
	struct snp_opts o;
	struct pv_map fw = { 0 };
	struct pv_ovmf *ovmf = NULL;
	struct pv_err e = { 0 };
	const char *path;
	bool json;
	int rc = PV_EXIT_FAIL;

	snp_parse(&o, M_SNP_AP_EIP, argc, argv);
	path = o.ovmf;
	json = o.json;
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
	struct snp_opts o;

	if (argc > 1 && strcmp(argv[1], "id-block") == 0)
		return cmd_snp_id_block(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "ap-eip") == 0)
		return cmd_snp_ap_eip(argc - 1, argv + 1);
	snp_parse(&o, M_SNP, argc, argv);
	if (o.igvm)
		return run_igvm(&o);
	if (pv_opt_given(&o.st, SO_EXTEND))
		return run_extend(&o);
	return run(&o);
}
