/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_cca.c - measure cca: the Arm CCA Realm Initial Measurement of a
 * kernel, initrd and DTB, for an explicit host profile and VMM.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cca/image.h"
#include "cca/launch.h"
#include "cca/realm.h"
#include "cca/rim.h"
#include "core/base64.h"
#include "core/bytes.h"
#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"
#include "cmds.h"
#include "opts.h"

/*
 * The options of measure cca: one row each (core/cli.h, opts.h); the
 * ranges are those of lib/cca (cca-rim.md), which checks them again.
 */
enum {
	O_RMM, O_VMM, O_ALIGN, O_KERNEL, O_FIRMWARE, O_INITRD, O_PARAMS, O_MEM, O_CPUS,
	O_DTB, O_DUMP_DTB, O_IRQCHIP, O_NETWORK, O_DISKS, O_NODEF, O_QEMU_VER, O_REALM,
	O_ALGO,
	O_SVE_VL, O_NO_SVE, O_PMU, O_BPS, O_WPS, O_IPA, O_LPA2, O_RPV,
	O_REALM_PV, O_RAK_ALGO, O_FORMAT, O_COMID_TMPL,
	O_COMID_PROFILE, O_JSON, O_LOG, O_ALL_RECS, O_THREADS, O_COUNT
};

struct cca_opts {
	enum pv_cca_profile rmm;
	unsigned vmm, irqchip, network, algo, rak_algo, format, comid_profile;
	uint64_t align, mem, cpus, disks, sve_vl, pmu, bps, wps, ipa, threads;
	const char *kernel, *firmware, *initrd, *params, *dtb, *dump_dtb, *log;
	const char *comid_tmpl;
	enum pv_cca_qemu_version qver;
	bool nodef, no_sve, lpa2, json, all_recs, realm;
	uint8_t rpv[64];
	size_t rpv_len;
};

static const char *const vmm_names[] = { "kvmtool", "qemu", NULL };
static const enum pv_cca_vmm vmm_ids[] = { PV_CCA_VMM_KVMTOOL, PV_CCA_VMM_QEMU };
static const char *const irq_names[] = { "gicv3", "gicv3-its", "gicv2", NULL };
static const enum pv_cca_irqchip irq_ids[] = { PV_CCA_GICV3, PV_CCA_GICV3_ITS,
					       PV_CCA_GICV2 };
static const char *const net_names[] = { "mode=user", "mode=none", NULL };
static const char *const algo_names[] = { "sha256", "sha512", "sha384", NULL };
static const enum pv_hash algo_ids[] = { PV_SHA256, PV_SHA512, PV_SHA384 };
static const char *const rak_names[] = { "sha256", "sha384", "sha512", NULL };
static const enum pv_hash rak_ids[] = { PV_SHA256, PV_SHA384, PV_SHA512 };
static const char *const format_names[] = { "hex", "base64", "rvps",
					     "ccatoken", "comid", NULL };
enum { F_HEX, F_BASE64, F_RVPS, F_CCATOKEN, F_COMID };
/* the CoMID's CoRIM profile, by URI as cocli --profile takes it */
static const char *const comid_profile_names[] = {
	"tag:arm.com,2025:cca_realm#1.0.0", "http://arm.com/cca/realm/1", NULL };
static const enum pv_cca_comid_profile comid_profile_ids[] = {
	PV_CCA_COMID_REALM_2025, PV_CCA_COMID_ARM_REALM_1 };

static int parse_rmm(const char *arg, void *dst, struct pv_err *e)
{
	return m_lib_value(pv_cca_profile_from_name(arg, dst, e), "--rmm", e);
}

static int parse_align(const char *arg, void *dst, struct pv_err *e)
{
	uint64_t a;

	if (!strcmp(arg, "4K") || !strcmp(arg, "4096"))
		a = 4096;
	else if (!strcmp(arg, "64K") || !strcmp(arg, "65536"))
		a = 65536;
	else
		return pv_errf(e, PV_EINVAL, "'%s', expected 4K or 64K", arg);
	memcpy(dst, &a, sizeof(a));
	return 0;
}

static int parse_qemu_version(const char *arg, void *dst, struct pv_err *e)
{
	return pv_cca_qemu_version_from_name(arg, dst, e);
}

static int parse_realm_pv(const char *arg, void *dst, struct pv_err *e)
{
	if (strlen(arg) > 64)
		return pv_errf(e, PV_ERANGE, "at most 64 bytes");
	memset(dst, 0, 64);
	memcpy(dst, arg, strlen(arg));
	return 0;
}

#define CCA_ROW(T) PV_OPT_DST(struct cca_opts, T)

static const struct pv_opt cca_table[O_COUNT] = {
	[O_RMM] = { "rmm", 0, PV_ARG_CUSTOM, "1.0-eac5|1.0|2.0",
		"the host profile: 1.0-eac5 (EAC5 kvmtool, Islet's measurer), "
		"1.0 (RMM rel0, Linux v5..v10 host), 2.0 (no RIPAS); 1.0-v12 is "
		"not supported yet",
		CCA_ROW(rmm), .parse = parse_rmm,
		.required_in = PV_CMD_BIT(M_CCA), .why = "1.0-eac5, 1.0 or 2.0" },
	[O_VMM] = { "vmm", 0, PV_ARG_ENUM, NULL,
		"the memory layout and DTB generator",
		CCA_ROW(vmm), .names = vmm_names,
		.required_in = PV_CMD_BIT(M_CCA) },
	[O_ALIGN] = { "populate-align", 0, PV_ARG_CUSTOM, "4K|64K",
		"granule range alignment of populated blobs (4K)",
		CCA_ROW(align), .parse = parse_align },
	[O_KERNEL] = { "kernel", 'k', PV_ARG_PATH_IN, NULL,
		"arm64 Image (QEMU also takes Image.gz); or --firmware",
		CCA_ROW(kernel) },
	[O_FIRMWARE] = { "firmware", 'f', PV_ARG_PATH_IN, NULL,
		"kvmtool --firmware: EDK2's KVMTOOL_EFI.fd, loaded at the RAM "
		"base instead of a kernel, which it then loads from the disk "
		"itself and measures into the REMs, not the RIM",
		CCA_ROW(firmware),
		.conflicts = PV_OPT_BIT(O_KERNEL) | PV_OPT_BIT(O_INITRD),
		.only_with = O_VMM + 1, .only_with_value = "kvmtool" },
	[O_INITRD] = { "initrd", 'i', PV_ARG_PATH_IN, NULL,
		"initial RAM disk", CCA_ROW(initrd) },
	[O_PARAMS] = { "params", 'p', PV_ARG_STR, "CMDLINE",
		"kernel command line (kvmtool -p, QEMU -append)",
		CCA_ROW(params) },
	[O_MEM] = { "mem", 'm', PV_ARG_SIZE, NULL,
		"memory: K/M/G suffix, or a number of MiB; a multiple of 4K, at "
		"most 1T",
		CCA_ROW(mem), .unit = 1ull << 20, .min = 4096, .max = 1ull << 40,
		.align = 4096, .required_in = PV_CMD_BIT(M_CCA) },
	[O_CPUS] = { "cpus", 'c', PV_ARG_U64, NULL,
		"vCPUs, 1..512 (vCPU 0 is the only runnable REC)",
		CCA_ROW(cpus), .min = 1, .max = 512,
		.required_in = PV_CMD_BIT(M_CCA) },
	[O_DTB] = { "dtb", 0, PV_ARG_PATH_IN, NULL,
		"the VMM's DTB dump (lkvm --dump-dtb, QEMU -machine dumpdtb=) "
		"instead of the generated one",
		CCA_ROW(dtb) },
	[O_DUMP_DTB] = { "dump-dtb", 0, PV_ARG_PATH_OUT, NULL,
		"write the generated (or given) DTB window",
		CCA_ROW(dump_dtb) },
	[O_IRQCHIP] = { "irqchip", 0, PV_ARG_ENUM, NULL,
		"interrupt controller (gicv3-its): kvmtool --irqchip; QEMU "
		"gic-version=3 (its=off for gicv3), gicv2 for QEMU only",
		CCA_ROW(irqchip), .names = irq_names },
	[O_NETWORK] = { "network", 'n', PV_ARG_ENUM, NULL,
		"kvmtool's default network device (mode=user)",
		CCA_ROW(network), .names = net_names },
	[O_DISKS] = { "disks", 0, PV_ARG_U64, "N",
		"kvmtool -d images, 0..8 (0): each a virtio-blk PCI device in "
		"the DTB; a firmware boot loads the kernel from one",
		CCA_ROW(disks), .max = PV_CCA_KVMTOOL_MAX_DISKS,
		.only_with = O_VMM + 1, .only_with_value = "kvmtool" },
	[O_NODEF] = { "nodefaults", 0, PV_ARG_FLAG, NULL,
		"kvmtool --nodefaults (bootargs = -p only)", CCA_ROW(nodef) },
	[O_QEMU_VER] = { "qemu-version", 0, PV_ARG_CUSTOM, "7.2|10.0",
		"generate the DTB of this QEMU (required for --vmm qemu without "
		"--dtb): byte for byte what qemu-system-aarch64 -M virt,"
		"gic-version=3,dtb-randomness=off -cpu max -accel tcg -m MEM "
		"-smp CPUS [-kernel -initrd -append] dumps; add --realm for the "
		"tree of a realm",
		CCA_ROW(qver), .parse = parse_qemu_version,
		.only_with = O_VMM + 1, .only_with_value = "qemu",
		.conflicts = PV_OPT_BIT(O_DTB) },
	[O_REALM] = { "realm", 0, PV_ARG_FLAG, NULL,
		"generate the DTB of the realm: the same board under KVM with "
		"-cpu host -object rme-guest (KVM's CPU, no flash, PSCI over SMC, "
		"/pmu with --pmu-counters); 10.0 only, --ipa-bits 41 (or 40)",
		CCA_ROW(realm), .requires = PV_OPT_BIT(O_QEMU_VER) },
	[O_ALGO] = { "measurement-algo", 0, PV_ARG_ENUM, NULL,
		"the RIM's hash (kvmtool: sha256, qemu: sha512; sha384 with --rmm "
		"2.0 only)",
		CCA_ROW(algo), .names = algo_names },
	[O_SVE_VL] = { "sve-vl", 0, PV_ARG_U64, "BITS",
		"SVE vector length, a multiple of 128, 128..2048 (SVE off by "
		"default)",
		CCA_ROW(sve_vl), .min = 128, .max = 2048, .align = 128,
		.conflicts = PV_OPT_BIT(O_NO_SVE) },
	[O_NO_SVE] = { "disable-sve", 0, PV_ARG_FLAG, NULL,
		"SVE off (the default)", CCA_ROW(no_sve) },
	[O_PMU] = { "pmu-counters", 0, PV_ARG_U64, NULL,
		"PMU with N counters, 0..31 (off by default)",
		CCA_ROW(pmu), .max = 31 },
	[O_BPS] = { "num-bps", 0, PV_ARG_U64, NULL,
		"breakpoint count, 1..16 (1.0-eac5: 3, others: 1)",
		CCA_ROW(bps), .min = 1, .max = 16 },
	[O_WPS] = { "num-wps", 0, PV_ARG_U64, NULL,
		"watchpoint count, 1..16 (1.0-eac5: 3, others: 1)",
		CCA_ROW(wps), .min = 1, .max = 16 },
	[O_IPA] = { "ipa-bits", 0, PV_ARG_U64, NULL,
		"s2sz, 32..52 (1.0-eac5: 33; kvmtool: from -m; qemu: required)",
		CCA_ROW(ipa), .min = 32, .max = 52 },
	[O_LPA2] = { "lpa2", 0, PV_ARG_FLAG, NULL, "the LPA2 flag",
		CCA_ROW(lpa2) },
	[O_RPV] = { "rpv", 0, PV_ARG_HEX, NULL,
		"personalization value, up to 64 bytes (not in the RIM)",
		CCA_ROW(rpv), .len_off = offsetof(struct cca_opts, rpv_len),
		.max = 64, .conflicts = PV_OPT_BIT(O_REALM_PV) },
	[O_REALM_PV] = { "realm-pv", 0, PV_ARG_CUSTOM, "STRING",
		"the same as text, as kvmtool takes it",
		CCA_ROW(rpv), .parse = parse_realm_pv },
	[O_RAK_ALGO] = { "rak-hash-algorithm", 0, PV_ARG_ENUM, NULL,
		"the realm attestation key's hash in the ccatoken entry "
		"(sha256, as TF-RMM hashes the RAK; not the RIM's algorithm)",
		CCA_ROW(rak_algo), .names = rak_names },
	[O_FORMAT] = { "output-format", 0, PV_ARG_ENUM, NULL,
		"how to print the RIM (hex); comid: a CoMID template for "
		"Veraison's cocli",
		CCA_ROW(format), .names = format_names },
	[O_COMID_TMPL] = { "comid-template", 0, PV_ARG_PATH_IN, NULL,
		"the CoMID template to fill (tag identity, entities kept; "
		"the realm's triples set), as cca-realm-measurements' "
		"--endorsements-template",
		CCA_ROW(comid_tmpl), .only_with = O_FORMAT + 1,
		.only_with_value = "comid" },
	[O_COMID_PROFILE] = { "comid-profile", 0, PV_ARG_ENUM, NULL,
		"the CoMID's CoRIM profile: tag:arm.com,2025:cca_realm#1.0.0 "
		"(draft-ydb-rats-cca-endorsements, the default) or "
		"http://arm.com/cca/realm/1 (the earlier Veraison form)",
		CCA_ROW(comid_profile), .names = comid_profile_names,
		.only_with = O_FORMAT + 1, .only_with_value = "comid" },
	[O_JSON] = { "json", 0, PV_ARG_FLAG, NULL,
		"the RIM with its inputs: profile, parameters, layout and "
		"descriptor counts",
		CCA_ROW(json) },
	[O_LOG] = M_OPT_LOG(struct cca_opts, log, "measured descriptor", 0),
	[O_ALL_RECS] = { "all-recs", 0, PV_ARG_FLAG, NULL,
		"also measure the non-runnable RECs of vCPUs 1..N-1, as "
		"lkvm-rim-measurer does (TF-RMM does not)",
		CCA_ROW(all_recs) },
	[O_THREADS] = M_OPT_THREADS(struct cca_opts, threads, 0),
};

static const struct pv_cli_spec cca_spec = {
	.cmd = M_CCA,
	.synopsis = "--vmm kvmtool|qemu --rmm PROFILE -k KERNEL [-i INITRD]\n"
		    "                   [-p CMDLINE] -m MEM -c CPUS [OPTION]...\n"
		    "       measure cca --vmm kvmtool --rmm PROFILE --firmware FILE\n"
		    "                   [-p CMDLINE] -m MEM -c CPUS [OPTION]...",
	.about = "\n"
		 "Compute the Realm Initial Measurement (RIM) of an Arm CCA realm, as the\n"
		 "host stack named by --rmm and --vmm (explicit, never guessed) would\n"
		 "launch it.  --rpv, --realm-pv and the options after them are not\n"
		 "measured; the ones from --measurement-algo to --lpa2 are the realm\n"
		 "parameters, measured.\n",
	.opts = cca_table, .nopts = O_COUNT,
	.min_operands = 0, .max_operands = 0,
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

static int print_output(unsigned fmt, const struct pv_cca_result *res,
			enum pv_hash alg, const uint8_t rpv[64],
			bool rpv_given, enum pv_hash rak, bool firmware,
			enum pv_cca_comid_profile cprof, const json_t *tmpl,
			const char *tmpl_name, struct pv_err *e)
{
	/* a direct boot: nothing extends the REMs before the guest's own
	 * code; a firmware boot: EDK2 does, and they are not computed */
	static const uint8_t zero[4][PV_CCA_MEAS_MAX];
	const uint8_t (*rems)[PV_CCA_MEAS_MAX] = firmware ? NULL : zero;
	char hex[2 * PV_CCA_MEAS_MAX + 1];
	char *s = NULL;
	json_t *doc = NULL;
	int rc = 0;

	pv_hex_encode(res->rim, res->hlen, hex, sizeof(hex));
	if (fmt == F_HEX) {
		printf("%s\n", hex);
	} else if (fmt == F_BASE64) {
		s = pv_base64_alloc(res->rim, res->hlen);
		if (!s)
			return -1;
		printf("%s\n", s);
	} else if (fmt == F_RVPS) {
		/* Trustee RVPS "sample" message (cca-rim.md 7.1) */
		s = pv_base64_alloc(res->rim, res->hlen);
		doc = s ? pv_rvps_sample(PV_RVPS_CCA_KEY, json_pack("[s]", s))
			: NULL;
		rc = doc ? pv_json_print(doc) : -1;
	} else if (fmt == F_CCATOKEN) {
		/* ccatoken reference-value store, realm entry (7.1) */
		doc = json_pack("{s:[o]}", "realm", pv_cca_ccatoken_realm(
					res->rim, res->hlen, rpv, rak, rems));
		rc = doc ? pv_json_print(doc) : -1;
	} else {
		/* CoMID template for cocli (7.2): the RPV when one is given,
		 * else none (any RPV) */
		if (pv_cca_comid(cprof, res->rim, res->hlen, alg,
				 rpv_given ? rpv : NULL, rems, tmpl, tmpl_name,
				 &doc, e) < 0)
			return -2;
		rc = pv_json_print(doc);
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

/*
 * A firmware boot's REM events as EDK2's measured boot makes them
 * (cca-rim.md §12), in order; the digest of the FDT event is the one
 * podvm computes from its inputs (the DTB over its totalsize, in the
 * realm's algorithm), the others depend on the firmware build and the
 * disk
 */
static json_t *rem_events(const uint8_t *dtb, size_t dtb_len, enum pv_hash alg)
{
	uint8_t d[PV_HASH_MAX];
	const uint8_t *ts = pv_slice(dtb, dtb_len, 4, 4);
	json_t *fdt = NULL;

	if (ts && pv_be32(ts) <= dtb_len &&
	    pv_hash_buf(alg, dtb, pv_be32(ts), d) == 0)
		fdt = pv_json_hex(d, pv_hash_size(alg));
	return json_pack("[{s:i, s:s, s:s, s:n}, {s:i, s:s, s:s, s:o*}, "
			 "{s:s, s:s}]",
			 "rem", 0, "event", "EV_S_CRTM_VERSION", "data",
			 "the firmware build's PcdFirmwareVersionString "
			 "(UTF-16 with its NUL)", "digest",
			 "rem", 0, "event", "EV_NONHOST_CONFIG", "data",
			 "\"Kvmtool FDT.\": the DTB at x0 over its totalsize",
			 "digest", fdt,
			 "event", "DXE (ArmCcaTcg2Dxe)", "data",
			 "PCR 1,7 -> REM0, 2-6 -> REM1 (boot variables, EFI "
			 "images: the boot loader or kernel on the disk's ESP), "
			 "8-15 -> REM2 (Linux EFI stub: initrd, load options); "
			 "not computed");
}

/* --json: the RIM and everything it was computed from */
static int print_json(const struct pv_cca_result *res,
		      const struct pv_cca_config *c, const char *vmm,
		      const uint8_t rpv[64], const uint8_t *dtb, size_t dtb_len)
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
	json_object_set_new(doc, "boot", json_string(l->firmware ? "firmware"
								 : "kernel"));
	if (l->firmware) {
		json_object_set_new(doc, "rem_events",
				    rem_events(dtb, dtb_len, c->alg));
		json_object_set_new(doc, "rems", json_null());
		json_object_set_new(doc, "rems_missing", json_string(
			"EDK2 extends the REMs after launch from its build, the "
			"disk and the boot path: not computed (cca-rim.md 12)"));
	}
	rc = pv_json_print(doc);
	json_decref(doc);
	return rc;
}

int cmd_cca(int argc, char **argv)
{
	struct cca_opts o = { .align = 4096, .irqchip = 1 /* gicv3-its */ };
	struct pv_opts st;
	struct pv_cca_config cfg = { 0 };
	struct pv_cca_result res;
	struct pv_cca_launch in = { 0 };
	struct pv_cca_launch_result lr = { 0 };
	struct pv_map km = { 0 }, im = { 0 }, dm = { 0 };
	struct pv_jsonl log = { 0 };
	struct logctx lctx = { &log, 0 };
	struct pv_err e = { 0 };
	const char *vmm_s;
	enum pv_hash alg;
	json_t *tmpl = NULL;
	int rc = PV_EXIT_FAIL;

	pv_opts_parse(&cca_spec, argc, argv, &o, &st);
	if (!o.kernel && !o.firmware)
		pv_opts_usage_error(&st, "give the kernel (-k) or, for a firmware boot, --firmware");
	vmm_s = vmm_names[o.vmm];
	cfg.vmm = vmm_ids[o.vmm];
	if (cfg.vmm == PV_CCA_VMM_KVMTOOL && irq_ids[o.irqchip] == PV_CCA_GICV2)
		pv_opts_usage_error(&st, "--irqchip gicv2: kvmtool realms use gicv3 or gicv3-its");
	if (o.rmm == PV_CCA_PROFILE_EAC5 && cfg.vmm != PV_CCA_VMM_KVMTOOL)
		return pv_cli_failf("cca", "--rmm 1.0-eac5 models EAC5 kvmtool only: use --vmm kvmtool");
	if (pv_opt_given(&st, O_ALGO))
		alg = algo_ids[o.algo];
	else
		alg = cfg.vmm == PV_CCA_VMM_QEMU ? PV_SHA512 : PV_SHA256;

	if (o.comid_tmpl &&
	    !(tmpl = pv_json_load_file(o.comid_tmpl, 1u << 20, &e)))
		return pv_cli_fail("cca", &e);
	if (pv_map_file(o.kernel ? o.kernel : o.firmware, PV_CCA_MAX_KERNEL,
			&km, &e) < 0)
		goto fail;
	if (o.initrd && pv_map_file(o.initrd, PV_CCA_MAX_INITRD, &im, &e) < 0)
		goto fail;
	if (o.dtb && pv_map_file(o.dtb, PV_CCA_MAX_DTB, &dm, &e) < 0)
		goto fail;
	in.profile = o.rmm;
	in.vmm = cfg.vmm;
	in.alg = alg;
	in.all_recs = cfg.all_recs = o.all_recs;
	if (o.kernel) {
		in.kernel = km.data;
		in.kernel_len = km.len;
		in.kernel_name = o.kernel;
	} else {
		in.firmware = km.data;
		in.firmware_len = km.len;
		in.firmware_name = o.firmware;
	}
	in.initrd = o.initrd ? im.data : NULL;
	in.initrd_len = im.len;
	in.initrd_name = o.initrd;
	in.cmdline = o.params;
	in.mem = o.mem;
	in.cpus = (unsigned)o.cpus;
	in.dtb = o.dtb ? dm.data : NULL;
	in.dtb_len = dm.len;
	in.dtb_name = o.dtb;
	in.have_qemu_version = pv_opt_given(&st, O_QEMU_VER);
	in.qemu_version = o.qver;
	in.qemu_realm = o.realm;
	in.irqchip = irq_ids[o.irqchip];
	in.nodefaults = o.nodef;
	in.net = o.network == 0;
	in.disks = (unsigned)o.disks;
	in.align = o.align;
	in.lpa2 = o.lpa2;
	in.sve_vl_bits = (unsigned)o.sve_vl;
	in.pmu_counters = (unsigned)o.pmu;
	in.num_bps = (unsigned)o.bps;
	in.num_wps = (unsigned)o.wps;
	in.ipa_bits = (unsigned)o.ipa;
	in.nthreads = (unsigned)o.threads;
	if (o.log) {
		if (pv_jsonl_open(&log, o.log, &e) < 0)
			goto fail;
		in.step = log_step;
		in.step_ctx = &lctx;
	}
	if (pv_cca_launch_measure(&in, &lr, &e) < 0) {
		if (o.log)
			pv_jsonl_abort(&log);
		goto fail;
	}
	if (o.log && pv_jsonl_close(&log, &e) < 0)
		goto fail;
	if (o.dump_dtb && pv_write_file(o.dump_dtb, lr.dtb, lr.dtb_len, &e) < 0)
		goto fail;
	cfg.layout = &lr.layout;
	cfg.profile = o.rmm;
	cfg.alg = alg;
	cfg.align = o.align;
	res = lr.res;
	fprintf(stderr,
		"measure: cca: profile %s, vmm %s, %s, s2sz %u, %llu DATA + %llu RIPAS + %llu REC descriptors\n",
		pv_cca_profile_name(o.rmm), vmm_s, pv_hash_name(alg),
		res.params.s2sz, (unsigned long long)res.ndata,
		(unsigned long long)res.nripas, (unsigned long long)res.nrec);
	if (o.json) {
		if (print_json(&res, &cfg, vmm_s, o.rpv, lr.dtb,
			       lr.dtb_len) < 0) {
			rc = pv_cli_failf("cca", "writing the output failed");
			goto out;
		}
	} else {
		int prc = print_output(o.format, &res, alg, o.rpv,
				       pv_opt_given(&st, O_RPV) ||
				       pv_opt_given(&st, O_REALM_PV),
				       rak_ids[o.rak_algo], o.firmware != NULL,
				       comid_profile_ids[o.comid_profile],
				       tmpl, o.comid_tmpl, &e);

		if (prc == -2)
			goto fail;
		if (prc < 0) {
			rc = pv_cli_failf("cca", "writing the output failed");
			goto out;
		}
	}
	rc = PV_EXIT_OK;
	goto out;
fail:
	rc = pv_cli_fail("cca", &e);
out:
	json_decref(tmpl);
	pv_cca_launch_result_free(&lr);
	pv_unmap(&km);
	pv_unmap(&im);
	pv_unmap(&dm);
	return rc;
}
