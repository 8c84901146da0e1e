/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_cca.c - measure cca: the Arm CCA Realm Initial Measurement of a
 * kernel, initrd and DTB, for an explicit host profile and VMM.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cca/image.h"
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

#define MAX_KERNEL (1ull << 31)
#define MAX_INITRD (1ull << 32)
#define MAX_DTB (2ull << 20)

static const char *ccatoken_alg(enum pv_hash alg)
{
	return alg == PV_SHA512 ? "sha-512" : alg == PV_SHA384 ? "sha-384"
							       : "sha-256";
}

static char *b64(const uint8_t *buf, size_t len)
{
	return pv_base64_alloc(buf, len);
}

struct logctx {
	struct pv_jsonl *log;
	unsigned long long n;
};

/*
 * One log line per descriptor.  The keys follow `measure snp --log` where
 * they mean the same (index, gpa, region, contents, digest = the running
 * measurement after the step), so `measure diff` reads both.
 */
static json_t *hex64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

static void log_step(void *vctx, const struct pv_cca_step *s)
{
	struct logctx *l = vctx;
	const struct pv_cca_params *p = s->params;
	json_t *o = json_object();

	if (!o)
		return;
	json_object_set_new(o, "index", json_integer((json_int_t)l->n++));
	json_object_set_new(o, "type", json_string(s->type));
	json_object_set_new(o, "region", json_string(s->what));
	if (p) {
		/* the measured RmiRealmParams fields, encoded */
		json_object_set_new(o, "flags", json_integer((json_int_t)p->flags));
		json_object_set_new(o, "s2sz", json_integer(p->s2sz));
		json_object_set_new(o, "sve_vl", json_integer(p->sve_vl));
		json_object_set_new(o, "num_bps", json_integer(p->num_bps));
		json_object_set_new(o, "num_wps", json_integer(p->num_wps));
		json_object_set_new(o, "pmu_num_ctrs", json_integer(p->pmu_num_ctrs));
		json_object_set_new(o, "hash_algo", json_integer(p->hash_algo));
	} else if (!strcmp(s->type, "DATA")) {
		json_object_set_new(o, "gpa", hex64(s->addr));
		json_object_set_new(o, "flags", json_integer(1));
	} else if (!strcmp(s->type, "RIPAS")) {
		json_object_set_new(o, "gpa", hex64(s->addr));
		json_object_set_new(o, "top", hex64(s->top));
	} else if (!strcmp(s->type, "REC")) {
		json_object_set_new(o, "pc", hex64(s->addr));
		json_object_set_new(o, "x0", hex64(s->top));
		json_object_set_new(o, "flags",
				    json_integer(!strcmp(s->what, "vcpu0")));
	}
	if (s->content)
		json_object_set_new(o, "contents", pv_json_hex(s->content, s->hlen));
	json_object_set_new(o, "digest", pv_json_hex(s->rim, s->hlen));
	pv_jsonl_add(l->log, o);
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
	char hex[2 * PV_CCA_MEAS_MAX + 1], rpvhex[129];
	char zero[2 * PV_CCA_MEAS_MAX + 1];
	char *s = NULL, *inner = NULL, *payload = NULL;
	json_t *doc = NULL, *realm, *rems;
	int i, rc = 0;

	pv_hex_encode(res->rim, res->hlen, hex, sizeof(hex));
	pv_hex_encode(rpv, 64, rpvhex, sizeof(rpvhex));
	memset(zero, '0', 2 * res->hlen);
	zero[2 * res->hlen] = 0;
	if (!strcmp(fmt, "hex")) {
		printf("%s\n", hex);
	} else if (!strcmp(fmt, "base64")) {
		s = b64(res->rim, res->hlen);
		if (!s)
			return -1;
		printf("%s\n", s);
	} else if (!strcmp(fmt, "rvps")) {
		/* Trustee RVPS "sample" message (cca-rim.md §7.1) */
		s = b64(res->rim, res->hlen);
		doc = json_pack("{s:[s]}", "cca.realm.cca-realm-initial-measurement",
				s);
		inner = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
		json_decref(doc);
		payload = inner ? b64((const uint8_t *)inner, strlen(inner)) : NULL;
		doc = payload ? json_pack("{s:s,s:s,s:s}", "version", "0.1.0",
					  "type", "sample", "payload", payload)
			      : NULL;
		rc = doc ? pv_json_print(doc) : -1;
	} else {
		/* ccatoken reference-value store, realm entry (§7.1) */
		rems = json_array();
		for (i = 0; i < 4; i++)
			json_array_append_new(rems, json_string(zero));
		realm = json_pack("{s:s,s:s,s:o,s:s}", "initial-measurement", hex,
				  "rak-hash-algorithm", ccatoken_alg(alg),
				  "extensible-measurements", rems,
				  "personalization-value", rpvhex);
		doc = json_pack("{s:[o]}", "realm", realm);
		rc = doc ? pv_json_print(doc) : -1;
	}
	json_decref(doc);
	free(s);
	free(inner);
	free(payload);
	return rc;
}

/*
 * Map the page tables of an input in one call instead of a fault per
 * 64 KiB: the granule hashing then runs without page faults.  Only a
 * hint: an old kernel without MADV_POPULATE_READ just faults as usual.
 */
static void prefault(const struct pv_map *m)
{
#ifdef MADV_POPULATE_READ
	if (m->mapped && m->base && m->maplen)
		(void)madvise(m->base, m->maplen, MADV_POPULATE_READ);
#else
	(void)m;
#endif
}

/* --json: the RIM and everything it was computed from */
static int print_json(const struct pv_cca_result *res,
		      const struct pv_cca_config *c, const char *vmm,
		      const uint8_t rpv[64])
{
	const struct pv_cca_layout *l = c->layout;
	const struct pv_cca_params *p = &res->params;
	char *b = b64(res->rim, res->hlen);
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
	struct pv_cca_layout lay;
	struct pv_cca_result res;
	struct pv_cca_kvmtool_dt dt = { 0 };
	struct pv_cca_qemu_dt qdt = { 0 };
	enum pv_cca_qemu_version qver = PV_CCA_QEMU_7_2;
	bool have_qver = false;
	struct pv_arm64_image img;
	struct pv_map km = { 0 }, im = { 0 }, dm = { 0 };
	struct pv_jsonl log = { 0 };
	struct logctx lctx = { &log, 0 };
	struct pv_err e = { 0 };
	enum pv_cca_profile prof;
	enum pv_hash alg;
	uint8_t rpv[64] = { 0 }, *gen = NULL, *kbuf = NULL;
	const uint8_t *kernel, *dtb;
	size_t klen, dtb_len, rpvlen;
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

	/* profile defaults: what the host stack sets (cca-rim.md §4.3, §5) */
	if (prof == PV_CCA_PROFILE_EAC5) {
		up.num_bps = bps ? bps : 3; /* measured as 2 */
		up.num_wps = wps ? wps : 3;
	} else {
		up.num_bps = bps ? bps : 1; /* a zeroed field */
		up.num_wps = wps ? wps : 1;
	}
	if ((bps && bps < 1) || (wps && wps < 1))
		pv_cli_usage_error(usage, "--num-bps/--num-wps take counts >= 1");

	if (pv_map_file(kpath, MAX_KERNEL, &km, &e) < 0)
		return pv_cli_fail("cca", &e);
	kernel = km.data;
	klen = km.len;
	if (pv_is_gzip(km.data, km.len)) {
		if (cfg.vmm == PV_CCA_VMM_KVMTOOL) {
			pv_errf(&e, PV_EFORMAT,
				"%s: gzip-compressed: kvmtool loads the file as it is; give it the uncompressed Image",
				kpath);
			goto fail;
		}
		if (pv_gunzip(km.data, km.len, MAX_KERNEL, kpath, &kbuf, &klen,
			      &e) < 0)
			goto fail;
		kernel = kbuf;
	}
	if (pv_arm64_image_parse(kernel, klen, kpath, &img, &e) < 0)
		goto fail;
	if (ipath && pv_map_file(ipath, MAX_INITRD, &im, &e) < 0)
		goto fail;
	if (ipath && im.len == 0) {
		pv_errf(&e, PV_EFORMAT, "%s: the initrd is empty", ipath);
		goto fail;
	}
	prefault(&km);
	prefault(&im);
	if (dtb_path) {
		if (pv_map_file(dtb_path, MAX_DTB, &dm, &e) < 0 ||
		    pv_cca_dtb_check(dm.data, dm.len, dtb_path, &e) < 0)
			goto fail;
	}

	if (cfg.vmm == PV_CCA_VMM_KVMTOOL) {
		if (pv_cca_layout_kvmtool(mem, &img, klen, im.len, &lay, &e) < 0)
			goto fail;
		if (dtb_path) {
			if (dm.len != PV_CCA_KVMTOOL_FDT_MAX) {
				/* the window holds bytes fdt_pack leaves behind
				 * the tree: a bare FDT would measure wrong */
				pv_errf(&e, PV_EFORMAT,
					"%s: %zu bytes: kvmtool measures its whole 64 KiB DTB window; give the file lkvm --dump-dtb writes (65536 bytes)",
					dtb_path, dm.len);
				goto fail;
			}
			dtb = dm.data;
			dtb_len = dm.len;
		} else {
			gen = malloc(PV_CCA_KVMTOOL_FDT_MAX);
			if (!gen) {
				pv_errf(&e, PV_ENOMEM, "out of memory");
				goto fail;
			}
			dt.ram_base = lay.ram_base;
			dt.ram_size = lay.ram_size;
			dt.ncpus = cpus;
			dt.irqchip = irq;
			dt.cmdline = cmdline;
			dt.nodefaults = nodef;
			dt.net = net;
			dt.initrd_ipa = lay.initrd_ipa;
			dt.initrd_size = lay.initrd_size;
			if (pv_cca_kvmtool_dtb(&dt, gen, &e) < 0)
				goto fail;
			dtb = gen;
			dtb_len = PV_CCA_KVMTOOL_FDT_MAX;
		}
		if (prof == PV_CCA_PROFILE_EAC5)
			up.ipa_bits = ipa ? ipa : 33; /* fixed by the EAC5 host */
		else
			up.ipa_bits = ipa ? ipa : lay.ipa_bits;
	} else {
		if (!dtb_path && !have_qver) {
			pv_errf(&e, PV_EINVAL,
				"--vmm qemu: give --qemu-version 7.2|10.0 to generate QEMU's DTB, or its dump with --dtb (qemu -machine dumpdtb=FILE)");
			goto fail;
		}
		if (!ipa) {
			pv_errf(&e, PV_EINVAL,
				"--vmm qemu: give --ipa-bits: QEMU's IPA width depends on the machine's memory map");
			goto fail;
		}
		if (dtb_path) {
			/* QEMU measures the FDT's totalsize (dumpdtb writes that) */
			dtb = dm.data;
			dtb_len = (size_t)pv_be32(dm.data + 4);
		} else {
			/* placed by its size: QEMU never packs its 1 MiB tree */
			dtb = NULL;
			dtb_len = PV_CCA_QEMU_FDT_SIZE;
		}
		if (pv_cca_layout_qemu(mem, &img, klen, im.len, dtb_len, &lay,
				       &e) < 0)
			goto fail;
		if (!dtb_path) {
			gen = malloc(PV_CCA_QEMU_FDT_SIZE);
			if (!gen) {
				pv_errf(&e, PV_ENOMEM, "out of memory");
				goto fail;
			}
			qdt.version = qver;
			qdt.ram_size = lay.ram_size;
			qdt.ncpus = cpus;
			qdt.irqchip = irq;
			qdt.cmdline = cmdline;
			qdt.initrd_ipa = lay.initrd_ipa;
			qdt.initrd_size = lay.initrd_size;
			if (pv_cca_qemu_dtb(&qdt, gen, &e) < 0)
				goto fail;
			dtb = gen;
		}
		up.ipa_bits = ipa;
	}
	if (dump_path) {
		if (pv_write_file(dump_path, dtb, dtb_len, &e) < 0)
			goto fail;
	}

	use_log = log_path != NULL;
	if (use_log && pv_jsonl_open(&log, log_path, &e) < 0)
		goto fail;
	cfg.profile = prof;
	cfg.alg = alg;
	cfg.user = up;
	cfg.align = align;
	cfg.ncpus = cpus;
	cfg.layout = &lay;
	cfg.kernel = kernel;
	cfg.initrd = im.data;
	cfg.dtb = dtb;
	cfg.dtb_len = dtb_len;
	cfg.nthreads = threads;
	if (use_log) {
		cfg.step = log_step;
		cfg.step_ctx = &lctx;
	}
	if (pv_cca_measure(&cfg, &res, &e) < 0) {
		if (use_log)
			pv_jsonl_abort(&log);
		goto fail;
	}
	if (use_log && pv_jsonl_close(&log, &e) < 0)
		goto fail;
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
	free(gen);
	free(kbuf);
	pv_unmap(&km);
	pv_unmap(&im);
	pv_unmap(&dm);
	return rc;
}
