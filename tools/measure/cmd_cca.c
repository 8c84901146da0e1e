/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_cca.c - measure cca: the Arm CCA Realm Initial Measurement of a
 * kernel, initrd and DTB, for an explicit host profile and VMM.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cca/image.h"
#include "cca/launch.h"
#include "cca/realm.h"
#include "cca/rim.h"
#include "core/base64.h"
#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"
#include "cmds.h"

static const char usage[] =
	"Usage: measure cca --vmm kvmtool|qemu --rmm PROFILE -k KERNEL [-i INITRD]\n"
	"                   [-p CMDLINE] -m MEM -c CPUS [options]\n"
	"\n"
	"Compute the Realm Initial Measurement (RIM) of an Arm CCA realm, as the\n"
	"host stack named by --rmm and --vmm would launch it.\n"
	"\n"
	"Host and VMM (explicit, never guessed):\n"
	"  --rmm PROFILE            1.0-eac5 (EAC5 kvmtool, Islet's measurer),\n"
	"                           1.0 (RMM rel0, Linux v5..v10 host), 2.0 (no RIPAS);\n"
	"                           1.0-v12 is not supported yet\n"
	"  --vmm kvmtool|qemu       the memory layout and DTB generator\n"
	"  --populate-align 4K|64K  granule range alignment of populated blobs (4K)\n"
	"\n"
	"Payload:\n"
	"  -k, --kernel FILE        arm64 Image (QEMU also takes Image.gz)\n"
	"  -i, --initrd FILE        initial RAM disk\n"
	"  -p, --params CMDLINE     kernel command line (kvmtool -p, QEMU -append)\n"
	"  -m, --mem SIZE           memory: K/M/G suffix, or a number of MiB\n"
	"  -c, --cpus N             vCPUs (vCPU 0 is the only runnable REC)\n"
	"      --dtb FILE           the VMM's DTB dump (lkvm --dump-dtb, QEMU\n"
	"                           -machine dumpdtb=) instead of the generated one\n"
	"      --dump-dtb FILE      write the generated (or given) DTB window\n"
	"      --irqchip gicv3|gicv3-its|gicv2  interrupt controller (gicv3-its):\n"
	"                           kvmtool --irqchip; QEMU gic-version=3 (its=off\n"
	"                           for gicv3), gicv2 for QEMU only\n"
	"  -n, --network mode=user|none   kvmtool's default network device (user)\n"
	"      --nodefaults         kvmtool --nodefaults (bootargs = -p only)\n"
	"      --qemu-version 7.2|10.0  generate the DTB of this QEMU (required for\n"
	"                           --vmm qemu without --dtb): byte for byte what\n"
	"                           qemu-system-aarch64 -M virt,gic-version=3,\n"
	"                           dtb-randomness=off -cpu max -accel tcg -m MEM\n"
	"                           -smp CPUS [-kernel -initrd -append] dumps; a\n"
	"                           realm VMM changes the DTB (PSCI over SMC, no\n"
	"                           flash, KVM's CPU): give its dump with --dtb\n"
	"\n"
	"Realm parameters (measured):\n"
	"      --measurement-algo sha256|sha512|sha384  (kvmtool: sha256, qemu: sha512;\n"
	"                           sha384 with --rmm 2.0 only)\n"
	"      --sve-vl BITS        SVE vector length, a multiple of 128 (SVE off by default)\n"
	"      --disable-sve        SVE off (the default)\n"
	"      --pmu-counters N     PMU with N counters (off by default)\n"
	"      --num-bps N          breakpoint count (1.0-eac5: 3, others: 1)\n"
	"      --num-wps N          watchpoint count (1.0-eac5: 3, others: 1)\n"
	"      --ipa-bits N         s2sz (1.0-eac5: 33; kvmtool: from -m; qemu: required)\n"
	"      --lpa2               the LPA2 flag\n"
	"      --rpv HEX            personalization value, up to 64 bytes (not in the RIM)\n"
	"      --realm-pv STRING    the same as text, as kvmtool takes it\n"
	"\n"
	"Output:\n"
	"      --output-format hex|base64|rvps|ccatoken   (hex)\n"
	"      --json               the RIM with its inputs: profile, parameters,\n"
	"                           layout and descriptor counts\n"
	"      --log FILE           one JSON line per measured descriptor\n"
	"      --all-recs           also measure the non-runnable RECs of vCPUs 1..N-1,\n"
	"                           as lkvm-rim-measurer does (TF-RMM does not)\n"
	"      --threads N          hashing threads (all CPUs)\n"
	"  -h, --help               this text\n";

enum {
	O_VMM = 256, O_RMM, O_ALIGN, O_DTB, O_DUMP_DTB, O_IRQCHIP, O_NODEF,
	O_ALGO, O_SVE_VL, O_NO_SVE, O_PMU, O_BPS, O_WPS, O_IPA, O_LPA2,
	O_RPV, O_REALM_PV, O_FORMAT, O_LOG, O_THREADS, O_ALL_RECS, O_JSON,
	O_QEMU_VER,
};

static const struct option longopts[] = {
	{ "vmm", required_argument, NULL, O_VMM },
	{ "rmm", required_argument, NULL, O_RMM },
	{ "populate-align", required_argument, NULL, O_ALIGN },
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "params", required_argument, NULL, 'p' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "dtb", required_argument, NULL, O_DTB },
	{ "dump-dtb", required_argument, NULL, O_DUMP_DTB },
	{ "irqchip", required_argument, NULL, O_IRQCHIP },
	{ "network", required_argument, NULL, 'n' },
	{ "nodefaults", no_argument, NULL, O_NODEF },
	{ "measurement-algo", required_argument, NULL, O_ALGO },
	{ "sve-vl", required_argument, NULL, O_SVE_VL },
	{ "disable-sve", no_argument, NULL, O_NO_SVE },
	{ "pmu-counters", required_argument, NULL, O_PMU },
	{ "num-bps", required_argument, NULL, O_BPS },
	{ "num-wps", required_argument, NULL, O_WPS },
	{ "ipa-bits", required_argument, NULL, O_IPA },
	{ "lpa2", no_argument, NULL, O_LPA2 },
	{ "rpv", required_argument, NULL, O_RPV },
	{ "realm-pv", required_argument, NULL, O_REALM_PV },
	{ "output-format", required_argument, NULL, O_FORMAT },
	{ "log", required_argument, NULL, O_LOG },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "all-recs", no_argument, NULL, O_ALL_RECS },
	{ "json", no_argument, NULL, O_JSON },
	{ "qemu-version", required_argument, NULL, O_QEMU_VER },
	PV_CLI_COMMON_OPTS,
	{ 0 },
};

struct logctx {
	struct pv_jsonl *log;
	unsigned long long n;
};

/* One log line per descriptor (pv_cca_step_json) */
static void log_step(void *vctx, const struct pv_cca_step *s)
{
	struct logctx *l = vctx;

	pv_jsonl_add(l->log, pv_cca_step_json(l->n++, s));
}

static int parse_uint(const char *s, uint64_t max, unsigned *v,
		      const char *what)
{
	struct pv_err e = { 0 };
	uint64_t x;

	if (pv_parse_u64(s, max, &x, what, &e) < 0)
		pv_cli_usage_error(usage, "%s", e.msg);
	*v = (unsigned)x;
	return 0;
}

static int print_output(const char *fmt, const struct pv_cca_result *res,
			enum pv_hash alg, const uint8_t rpv[64])
{
	char hex[2 * PV_CCA_MEAS_MAX + 1];
	char *s = NULL;
	json_t *doc = NULL;
	int rc = 0;

	pv_hex_encode(res->rim, res->hlen, hex, sizeof(hex));
	if (!strcmp(fmt, "hex")) {
		printf("%s\n", hex);
	} else if (!strcmp(fmt, "base64")) {
		s = pv_base64_alloc(res->rim, res->hlen);
		if (!s)
			return -1;
		printf("%s\n", s);
	} else if (!strcmp(fmt, "rvps")) {
		/* Trustee RVPS "sample" message (cca-rim.md 7.1) */
		s = pv_base64_alloc(res->rim, res->hlen);
		doc = s ? pv_rvps_sample(PV_RVPS_CCA_KEY, json_pack("[s]", s))
			: NULL;
		rc = doc ? pv_json_print(doc) : -1;
	} else {
		/* ccatoken reference-value store, realm entry (7.1) */
		doc = json_pack("{s:[o]}", "realm", pv_cca_ccatoken_realm(
					res->rim, res->hlen, alg, rpv));
		rc = doc ? pv_json_print(doc) : -1;
	}
	json_decref(doc);
	free(s);
	return rc;
}

static json_t *hex64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

/* --json: the RIM and everything it was computed from */
static int print_json(const struct pv_cca_result *res,
		      const struct pv_cca_config *c, const char *vmm,
		      const uint8_t rpv[64])
{
	const struct pv_cca_layout *l = c->layout;
	const struct pv_cca_params *p = &res->params;
	char *b = pv_base64_alloc(res->rim, res->hlen);
	json_t *doc;
	int rc;

	if (!b)
		return -1;
	doc = json_pack("{s:o, s:s, s:s, s:s, s:s, s:{s:I, s:i, s:i, s:i, s:i, s:i, s:i}, "
			"s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I}, "
			"s:{s:I, s:I, s:I}, s:o}",
			"rim", pv_json_hex(res->rim, res->hlen),
			"rim_base64", b,
			"hash_algorithm", pv_hash_name(c->alg),
			"profile", pv_cca_profile_name(c->profile),
			"vmm", vmm,
			"realm_params",
			"flags", (json_int_t)p->flags, "s2sz", (int)p->s2sz,
			"sve_vl", (int)p->sve_vl, "num_bps", (int)p->num_bps,
			"num_wps", (int)p->num_wps,
			"pmu_num_ctrs", (int)p->pmu_num_ctrs,
			"hash_algo", (int)p->hash_algo,
			"layout",
			"ram_base", hex64(l->ram_base),
			"ram_size", hex64(l->ram_size),
			"kernel", hex64(l->kernel_ipa),
			"kernel_image_size", hex64(l->kernel_mem),
			"initrd", hex64(l->initrd_ipa),
			"initrd_size", hex64(l->initrd_size),
			"dtb", hex64(l->dtb_ipa),
			"populate_align", (json_int_t)c->align,
			"descriptors",
			"data", (json_int_t)res->ndata,
			"ripas", (json_int_t)res->nripas,
			"rec", (json_int_t)res->nrec,
			"personalization_value", pv_json_hex(rpv, 64));
	free(b);
	if (!doc)
		return -1;
	rc = pv_json_print(doc);
	json_decref(doc);
	return rc;
}

int cmd_cca(int argc, char **argv)
{
	const char *vmm_s = NULL, *rmm_s = NULL, *kpath = NULL, *ipath = NULL;
	const char *cmdline = NULL, *mem_s = NULL, *dtb_path = NULL;
	const char *dump_path = NULL, *algo_s = NULL, *fmt = "hex";
	const char *log_path = NULL;
	struct pv_cca_user_params up = { 0 };
	struct pv_cca_config cfg = { 0 };
	struct pv_cca_result res;
	struct pv_cca_launch in = { 0 };
	struct pv_cca_launch_result lr = { 0 };
	enum pv_cca_qemu_version qver = PV_CCA_QEMU_7_2;
	bool have_qver = false;
	struct pv_map km = { 0 }, im = { 0 }, dm = { 0 };
	struct pv_jsonl log = { 0 };
	struct logctx lctx = { &log, 0 };
	struct pv_err e = { 0 };
	enum pv_cca_profile prof;
	enum pv_hash alg;
	uint8_t rpv[64] = { 0 };
	size_t rpvlen;
	uint64_t mem = 0, align = 4096;
	unsigned cpus = 0, ipa = 0, bps = 0, wps = 0, threads = 0;
	bool have_cpus = false, sve_off = false, nodef = false, net = true;
	bool use_log, json = false;
	enum pv_cca_irqchip irq = PV_CCA_GICV3_ITS;
	int opt, rc = PV_EXIT_FAIL;

	while ((opt = pv_cli_getopt(argc, argv, "k:i:p:m:c:n:", longopts,
				    usage)) != -1) {
		switch (opt) {
		case O_VMM: vmm_s = optarg; break;
		case O_RMM: rmm_s = optarg; break;
		case 'k': kpath = optarg; break;
		case 'i': ipath = optarg; break;
		case 'p': cmdline = optarg; break;
		case 'm': mem_s = optarg; break;
		case 'c':
			parse_uint(optarg, 512, &cpus, "-c");
			have_cpus = true;
			break;
		case O_DTB: dtb_path = optarg; break;
		case O_DUMP_DTB: dump_path = optarg; break;
		case O_NODEF: nodef = true; break;
		case O_ALGO: algo_s = optarg; break;
		case O_NO_SVE: sve_off = true; break;
		case O_SVE_VL:
			parse_uint(optarg, 1u << 20, &up.sve_vl_bits, "--sve-vl");
			break;
		case O_PMU:
			parse_uint(optarg, 1000, &up.pmu_counters, "--pmu-counters");
			break;
		case O_BPS: parse_uint(optarg, 1000, &bps, "--num-bps"); break;
		case O_WPS: parse_uint(optarg, 1000, &wps, "--num-wps"); break;
		case O_IPA: parse_uint(optarg, 1000, &ipa, "--ipa-bits"); break;
		case O_LPA2: up.lpa2 = true; break;
		case O_THREADS:
			parse_uint(optarg, 1024, &threads, "--threads");
			break;
		case O_RPV:
			if (pv_hex_decode(optarg, rpv, sizeof(rpv), &rpvlen,
					  "--rpv", &e) < 0)
				pv_cli_usage_error(usage, "%s", e.msg);
			break;
		case O_REALM_PV:
			if (strlen(optarg) > sizeof(rpv))
				pv_cli_usage_error(usage,
						   "--realm-pv: at most 64 bytes");
			memset(rpv, 0, sizeof(rpv));
			memcpy(rpv, optarg, strlen(optarg));
			break;
		case O_FORMAT:
			if (strcmp(optarg, "hex") && strcmp(optarg, "base64") &&
			    strcmp(optarg, "rvps") && strcmp(optarg, "ccatoken"))
				pv_cli_usage_error(usage,
						   "--output-format %s: expected hex, base64, rvps or ccatoken",
						   optarg);
			fmt = optarg;
			break;
		case O_LOG: log_path = optarg; break;
		case O_ALL_RECS: cfg.all_recs = true; break;
		case O_JSON: json = true; break;
		case O_QEMU_VER:
			if (pv_cca_qemu_version_from_name(optarg, &qver, &e) < 0)
				pv_cli_usage_error(usage, "--qemu-version %s", e.msg);
			have_qver = true;
			break;
		case O_ALIGN:
			if (!strcmp(optarg, "4K") || !strcmp(optarg, "4096"))
				align = 4096;
			else if (!strcmp(optarg, "64K") || !strcmp(optarg, "65536"))
				align = 65536;
			else
				pv_cli_usage_error(usage,
						   "--populate-align %s: expected 4K or 64K",
						   optarg);
			break;
		case O_IRQCHIP:
			if (!strcmp(optarg, "gicv3"))
				irq = PV_CCA_GICV3;
			else if (!strcmp(optarg, "gicv3-its"))
				irq = PV_CCA_GICV3_ITS;
			else if (!strcmp(optarg, "gicv2"))
				irq = PV_CCA_GICV2;
			else
				pv_cli_usage_error(usage,
						   "--irqchip %s: the models know gicv3, gicv3-its and (QEMU) gicv2",
						   optarg);
			break;
		case 'n':
			if (!strcmp(optarg, "mode=none"))
				net = false;
			else if (!strcmp(optarg, "mode=user"))
				net = true;
			else
				pv_cli_usage_error(usage,
						   "--network %s: the model knows mode=user and mode=none",
						   optarg);
			break;
		default:
			pv_cli_usage_error(usage, "unexpected option");
		}
	}
	pv_cli_operands(argc, argv, 0, 0, usage);
	if (!rmm_s)
		pv_cli_usage_error(usage, "--rmm PROFILE is required (1.0-eac5, 1.0 or 2.0)");
	if (!vmm_s)
		pv_cli_usage_error(usage, "--vmm kvmtool|qemu is required");
	if (strcmp(vmm_s, "kvmtool") && strcmp(vmm_s, "qemu"))
		pv_cli_usage_error(usage, "--vmm %s: expected kvmtool or qemu", vmm_s);
	if (!kpath || !mem_s || !have_cpus)
		pv_cli_usage_error(usage, "-k KERNEL, -m MEM and -c CPUS are required");
	if (cpus < 1)
		pv_cli_usage_error(usage, "-c 0: at least one vCPU");
	if (sve_off && up.sve_vl_bits)
		pv_cli_usage_error(usage, "--sve-vl and --disable-sve conflict");
	if (pv_cca_profile_from_name(rmm_s, &prof, &e) < 0)
		return pv_cli_fail("cca", &e);
	cfg.vmm = strcmp(vmm_s, "qemu") ? PV_CCA_VMM_KVMTOOL : PV_CCA_VMM_QEMU;
	if (prof == PV_CCA_PROFILE_EAC5 && cfg.vmm != PV_CCA_VMM_KVMTOOL)
		return pv_cli_failf("cca", "--rmm 1.0-eac5 models EAC5 kvmtool only: use --vmm kvmtool");
	if (cfg.vmm == PV_CCA_VMM_KVMTOOL && irq == PV_CCA_GICV2)
		pv_cli_usage_error(usage, "--irqchip gicv2: kvmtool realms use gicv3 or gicv3-its");
	if (have_qver && cfg.vmm != PV_CCA_VMM_QEMU)
		pv_cli_usage_error(usage, "--qemu-version goes with --vmm qemu");
	if (have_qver && dtb_path)
		pv_cli_usage_error(usage,
				   "--qemu-version generates the DTB; --dtb gives it: use one");
	if (!algo_s)
		algo_s = cfg.vmm == PV_CCA_VMM_QEMU ? "sha512" : "sha256";
	if (pv_hash_from_name(algo_s, &alg, &e) < 0 || alg == PV_SHA1)
		pv_cli_usage_error(usage,
				   "--measurement-algo %s: expected sha256, sha512 or sha384",
				   algo_s);
	/* kvmtool's -m: a plain number counts MiB */
	if (pv_parse_size(mem_s, 1ull << 20, &mem, "-m", &e) < 0)
		pv_cli_usage_error(usage, "%s", e.msg);

	if ((bps && bps < 1) || (wps && wps < 1))
		pv_cli_usage_error(usage, "--num-bps/--num-wps take counts >= 1");

	if (pv_map_file(kpath, PV_CCA_MAX_KERNEL, &km, &e) < 0)
		return pv_cli_fail("cca", &e);
	if (ipath && pv_map_file(ipath, PV_CCA_MAX_INITRD, &im, &e) < 0)
		goto fail;
	if (dtb_path && pv_map_file(dtb_path, PV_CCA_MAX_DTB, &dm, &e) < 0)
		goto fail;
	in.profile = prof;
	in.vmm = cfg.vmm;
	in.alg = alg;
	in.all_recs = cfg.all_recs;
	in.kernel = km.data;
	in.kernel_len = km.len;
	in.kernel_name = kpath;
	in.initrd = ipath ? im.data : NULL;
	in.initrd_len = im.len;
	in.initrd_name = ipath;
	in.cmdline = cmdline;
	in.mem = mem;
	in.cpus = cpus;
	in.dtb = dtb_path ? dm.data : NULL;
	in.dtb_len = dm.len;
	in.dtb_name = dtb_path;
	in.have_qemu_version = have_qver;
	in.qemu_version = qver;
	in.irqchip = irq;
	in.nodefaults = nodef;
	in.net = net;
	in.align = align;
	in.lpa2 = up.lpa2;
	in.sve_vl_bits = up.sve_vl_bits;
	in.pmu_counters = up.pmu_counters;
	in.num_bps = bps;
	in.num_wps = wps;
	in.ipa_bits = ipa;
	in.nthreads = threads;
	use_log = log_path != NULL;
	if (use_log) {
		if (pv_jsonl_open(&log, log_path, &e) < 0)
			goto fail;
		in.step = log_step;
		in.step_ctx = &lctx;
	}
	if (pv_cca_launch_measure(&in, &lr, &e) < 0) {
		if (use_log)
			pv_jsonl_abort(&log);
		goto fail;
	}
	if (use_log && pv_jsonl_close(&log, &e) < 0)
		goto fail;
	if (dump_path && pv_write_file(dump_path, lr.dtb, lr.dtb_len, &e) < 0)
		goto fail;
	cfg.layout = &lr.layout;
	cfg.profile = prof;
	cfg.alg = alg;
	cfg.align = align;
	res = lr.res;
	fprintf(stderr,
		"measure: cca: profile %s, vmm %s, %s, s2sz %u, %llu DATA + %llu RIPAS + %llu REC descriptors\n",
		pv_cca_profile_name(prof), vmm_s, pv_hash_name(alg),
		res.params.s2sz, (unsigned long long)res.ndata,
		(unsigned long long)res.nripas, (unsigned long long)res.nrec);
	if (json ? print_json(&res, &cfg, vmm_s, rpv) < 0
		 : print_output(fmt, &res, alg, rpv) < 0) {
		rc = pv_cli_failf("cca", "writing the output failed");
		goto out;
	}
	rc = PV_EXIT_OK;
	goto out;
fail:
	rc = pv_cli_fail("cca", &e);
out:
	pv_cca_launch_result_free(&lr);
	pv_unmap(&km);
	pv_unmap(&im);
	pv_unmap(&dm);
	return rc;
}
