/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_tdx.c - `measure tdx`: MRTD and RTMRs of an Intel TDX guest booted
 * by QEMU with TDVF (OVMF) and -kernel/-initrd/-append (docs/tdx.md).
 */
#include <stdio.h>
#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"
#include "tdx/tdx.h"
#include "cmds.h"

static const char usage[] =
	"Usage: measure tdx --firmware FILE [--kernel FILE] [--initrd FILE]\n"
	"                   [--append TEXT] [OPTION...]\n"
	"Compute the Intel TDX MRTD of a TDVF (OVMF.fd) image and, with\n"
	"--kernel, the RTMRs of a QEMU direct boot.  Without --kernel only MRTD\n"
	"is printed.  Every assumption is an option; --json reports them.\n"
	"\n"
	"  --firmware FILE      the unified OVMF.fd with TDVF metadata (split\n"
	"                       OVMF_CODE files are refused)\n"
	"  --kernel FILE        a PE/COFF EFI-stub kernel (bzImage)\n"
	"  --initrd FILE        the initrd QEMU serves\n"
	"  --append TEXT        the kernel command line\n"
	"  --mrtd-order ORDER   single-pass (default; upstream KVM: each page\n"
	"                       added then extended) or two-pass (older TDX\n"
	"                       trees: a section's pages added, then extended)\n"
	"  --event-layout L     edk2-202411 (default), edk2-pre-202411 or none\n"
	"                       (firmware without RTMR measurements, e.g.\n"
	"                       Debian bookworm's 2022.11: all RTMRs zero)\n"
	"  --kernel-header H    unmodified (default; QEMU >= 10.0) or\n"
	"                       qemu-patched (QEMU < 10.0 rewrote the setup\n"
	"                       header; with --initrd it needs --memory)\n"
	"  --stub-measures Y    yes (default: the kernel's EFI stub measures\n"
	"                       LoadOptions and the initrd into RTMR2) or no\n"
	"  --initrd-option P    append (default; edk2 < 202508: CMDLINE\n"
	"                       \" initrd=initrd\") or prefix (edk2 >= 202508)\n"
	"  --memory SIZE        guest memory (q35; for qemu-patched and RTMR0)\n"
	"  --acpi-loader FILE --acpi-rsdp FILE --acpi-tables FILE\n"
	"                       QEMU's ACPI fw_cfg blobs (RTMR0 inputs)\n"
	"  --json               one JSON object: mrtd, rtmr0..rtmr3, assumptions\n"
	"  --log FILE           one JSON line per measured step\n";

#define MAX_FIRMWARE (64ull << 20)
#define MAX_KERNEL (1ull << 30)
#define MAX_INITRD (4ull << 30)
#define MAX_ACPI (16ull << 20)

enum {
	OPT_FIRMWARE = 256, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_MEMORY,
	OPT_ORDER, OPT_LOADER, OPT_RSDP, OPT_TABLES, OPT_LAYOUT, OPT_HEADER,
	OPT_STUB, OPT_INITRD_OPT, OPT_JSON, OPT_LOG,
};

struct opts {
	const char *firmware, *kernel, *initrd, *append, *memory, *log;
	const char *loader, *rsdp, *tables;
	int json;
};

/* One of @names (NULL-terminated), as its index. */
static int pick(const char *opt, const char *arg, const char *const *names)
{
	int i;

	for (i = 0; names[i]; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	pv_cli_usage_error(usage, "%s: unknown value '%s'", opt, arg);
}

static void parse(int argc, char **argv, struct opts *o,
		  struct pv_tdx_params *p)
{
	static const struct option lopts[] = {
		{ "firmware", required_argument, NULL, OPT_FIRMWARE },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "mrtd-order", required_argument, NULL, OPT_ORDER },
		{ "acpi-loader", required_argument, NULL, OPT_LOADER },
		{ "acpi-rsdp", required_argument, NULL, OPT_RSDP },
		{ "acpi-tables", required_argument, NULL, OPT_TABLES },
		{ "event-layout", required_argument, NULL, OPT_LAYOUT },
		{ "kernel-header", required_argument, NULL, OPT_HEADER },
		{ "stub-measures", required_argument, NULL, OPT_STUB },
		{ "initrd-option", required_argument, NULL, OPT_INITRD_OPT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "log", required_argument, NULL, OPT_LOG },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	static const char *const orders[] = { "single-pass", "two-pass",
					      NULL };
	static const char *const layouts[] = { "edk2-202411",
					       "edk2-pre-202411", "none",
					       NULL };
	static const char *const headers[] = { "unmodified", "qemu-patched",
					       NULL };
	static const char *const yesno[] = { "no", "yes", NULL };
	static const char *const iopts[] = { "append", "prefix", NULL };
	int c;

	while ((c = pv_cli_getopt(argc, argv, "", lopts, usage)) != -1) {
		switch (c) {
		case OPT_FIRMWARE: o->firmware = optarg; break;
		case OPT_KERNEL: o->kernel = optarg; break;
		case OPT_INITRD: o->initrd = optarg; break;
		case OPT_APPEND: o->append = optarg; break;
		case OPT_MEMORY: o->memory = optarg; break;
		case OPT_LOADER: o->loader = optarg; break;
		case OPT_RSDP: o->rsdp = optarg; break;
		case OPT_TABLES: o->tables = optarg; break;
		case OPT_LOG: o->log = optarg; break;
		case OPT_JSON: o->json = 1; break;
		case OPT_ORDER:
			p->order = (enum pv_tdx_mrtd_order)pick(
				"--mrtd-order", optarg, orders);
			break;
		case OPT_LAYOUT:
			p->layout = (enum pv_tdx_layout)pick(
				"--event-layout", optarg, layouts);
			break;
		case OPT_HEADER:
			p->header = (enum pv_tdx_kernel_header)pick(
				"--kernel-header", optarg, headers);
			break;
		case OPT_STUB:
			p->stub_measures = pick("--stub-measures", optarg,
						yesno) == 1;
			break;
		case OPT_INITRD_OPT:
			p->initrd_opt = (enum pv_tdx_initrd_opt)pick(
				"--initrd-option", optarg, iopts);
			break;
		default:
			pv_cli_usage_error(usage, "unexpected option");
		}
	}
	pv_cli_operands(argc, argv, 0, 0, usage);
	if (!o->firmware)
		pv_cli_usage_error(usage, "--firmware is required");
	if (!o->kernel && (o->initrd || o->append))
		pv_cli_usage_error(usage, "--initrd and --append need --kernel");
}

struct logctx {
	struct pv_jsonl log;
	unsigned long index;
};

static int log_event(void *ctx, const struct pv_tdx_event *ev)
{
	struct logctx *l = ctx;
	json_t *o = json_object();
	char gpa[24];

	if (!o)
		return PV_ENOMEM;
	json_object_set_new(o, "index", json_integer((json_int_t)l->index++));
	json_object_set_new(o, "register", json_string(ev->reg));
	json_object_set_new(o, "event", json_string(ev->type));
	json_object_set_new(o, "region", json_string(ev->what));
	if (ev->has_gpa) {
		snprintf(gpa, sizeof(gpa), "0x%llx",
			 (unsigned long long)ev->gpa);
		json_object_set_new(o, "gpa", json_string(gpa));
	}
	json_object_set_new(o, "contents", pv_json_hex(ev->digest, 48));
	json_object_set_new(o, "digest", pv_json_hex(ev->value, 48));
	pv_jsonl_add(&l->log, o);
	return 0;
}

static int map_opt(const char *path, uint64_t max, struct pv_map *m,
		   const uint8_t **data, size_t *len, struct pv_err *e)
{
	if (!path)
		return 0;
	if (pv_map_file(path, max, m, e))
		return -1;
	*data = m->data;
	*len = m->len;
	return 0;
}

static void print_text(const struct pv_tdx_result *r)
{
	char hex[2 * PV_TDX_MR_SIZE + 1];
	int i;

	pv_hex_encode(r->mrtd, PV_TDX_MR_SIZE, hex, sizeof(hex));
	printf("mrtd:  %s\n", hex);
	if (!r->has_rtmr)
		return;
	for (i = 0; i < 4; i++) {
		if (i == 0 && !r->has_rtmr0) {
			printf("rtmr0: not computed: %s\n", r->rtmr0_missing);
			continue;
		}
		pv_hex_encode(r->rtmr[i], PV_TDX_MR_SIZE, hex, sizeof(hex));
		printf("rtmr%d: %s\n", i, hex);
	}
}

static void print_json(const struct pv_tdx_params *p,
		       const struct pv_tdx_result *r)
{
	json_t *doc = json_object(), *a = json_object();
	static const char *const keys[] = { "rtmr0", "rtmr1", "rtmr2",
					    "rtmr3" };
	int i;

	json_object_set_new(doc, "mrtd", pv_json_hex(r->mrtd, PV_TDX_MR_SIZE));
	for (i = 0; i < 4; i++) {
		if (r->has_rtmr && (i || r->has_rtmr0))
			json_object_set_new(doc, keys[i],
					    pv_json_hex(r->rtmr[i],
							PV_TDX_MR_SIZE));
		else
			json_object_set_new(doc, keys[i], json_null());
	}
	if (r->has_rtmr && !r->has_rtmr0)
		json_object_set_new(doc, "rtmr0_missing",
				    json_string(r->rtmr0_missing));
	json_object_set_new(a, "mrtd_order",
			    json_string(pv_tdx_order_name(p->order)));
	if (p->kernel) {
		json_object_set_new(a, "event_layout",
				    json_string(pv_tdx_layout_name(p->layout)));
		json_object_set_new(a, "kernel_header",
				    json_string(pv_tdx_header_name(p->header)));
		json_object_set_new(a, "stub_measures",
				    json_string(p->stub_measures ? "yes" : "no"));
		json_object_set_new(a, "initrd_option",
				    json_string(pv_tdx_initrd_opt_name(
					    p->initrd_opt)));
		if (p->memory)
			json_object_set_new(a, "memory",
					    json_integer((json_int_t)p->memory));
		json_object_set_new(a, "cmdline_encoding",
				    json_string("each byte widened to one "
						"UTF-16 unit, NUL-terminated"));
	}
	json_object_set_new(doc, "assumptions", a);
	pv_json_print(doc);
	json_decref(doc);
}

int cmd_tdx(int argc, char **argv)
{
	struct opts o = { 0 };
	struct pv_tdx_params p = {
		.order = PV_TDX_MRTD_SINGLE_PASS,
		.layout = PV_TDX_LAYOUT_202411,
		.header = PV_TDX_HDR_UNMODIFIED,
		.stub_measures = true,
		.initrd_opt = PV_TDX_INITRD_APPEND,
	};
	struct pv_map fm = { 0 }, km = { 0 }, im = { 0 };
	struct pv_map lm = { 0 }, rm = { 0 }, tm = { 0 };
	struct pv_tdx_result r;
	struct logctx lctx = { 0 };
	struct pv_err e = { 0 };
	bool logging = false;
	int rc = PV_EXIT_FAIL;

	parse(argc, argv, &o, &p);
	if (o.memory && pv_parse_size(o.memory, 1, &p.memory, "--memory", &e))
		return pv_cli_fail("tdx", &e);
	p.firmware_name = o.firmware;
	p.kernel_name = o.kernel;
	p.cmdline = o.append;
	if (map_opt(o.firmware, MAX_FIRMWARE, &fm, &p.firmware,
		    &p.firmware_len, &e) ||
	    map_opt(o.kernel, MAX_KERNEL, &km, &p.kernel, &p.kernel_len, &e) ||
	    map_opt(o.initrd, MAX_INITRD, &im, &p.initrd, &p.initrd_len, &e) ||
	    map_opt(o.loader, MAX_ACPI, &lm, &p.acpi_loader,
		    &p.acpi_loader_len, &e) ||
	    map_opt(o.rsdp, MAX_ACPI, &rm, &p.acpi_rsdp, &p.acpi_rsdp_len,
		    &e) ||
	    map_opt(o.tables, MAX_ACPI, &tm, &p.acpi_tables,
		    &p.acpi_tables_len, &e)) {
		rc = pv_cli_fail("tdx", &e);
		goto out;
	}
	if (o.log) {
		if (pv_jsonl_open(&lctx.log, o.log, &e)) {
			rc = pv_cli_fail("tdx", &e);
			goto out;
		}
		logging = true;
	}
	if (pv_tdx_measure(&p, &r, logging ? log_event : NULL, &lctx, &e)) {
		rc = pv_cli_fail("tdx", &e);
		goto out;
	}
	if (logging) {
		logging = false;
		if (pv_jsonl_close(&lctx.log, &e)) {
			rc = pv_cli_fail("tdx", &e);
			goto out;
		}
	}
	if (o.json)
		print_json(&p, &r);
	else
		print_text(&r);
	rc = PV_EXIT_OK;
out:
	if (logging)
		pv_jsonl_abort(&lctx.log);
	pv_unmap(&tm);
	pv_unmap(&rm);
	pv_unmap(&lm);
	pv_unmap(&im);
	pv_unmap(&km);
	pv_unmap(&fm);
	return rc;
}
