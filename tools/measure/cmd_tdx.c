/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_tdx.c - `measure tdx`: MRTD and RTMRs of an Intel TDX guest booted
 * by QEMU with TDVF (OVMF) and -kernel/-initrd/-append (docs/tdx.md).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "tdx/steplog.h"
#include "tdx/tdx.h"
#include "cmds.h"

/* The options of measure tdx: one row each (core/cli.h). */
enum {
	O_FIRMWARE, O_KERNEL, O_INITRD, O_APPEND, O_MEMORY, O_ORDER,
	O_LOADER, O_RSDP, O_TABLES, O_LAYOUT, O_HEADER, O_STUB, O_INITRD_OPT,
	O_JSON, O_LOG, O_COUNT
};

struct tdx_opts {
	const char *firmware, *kernel, *initrd, *append, *log;
	const char *loader, *rsdp, *tables;
	uint64_t memory;
	unsigned order, layout, header, stub, initrd_opt;
	bool json;
};

#define T struct tdx_opts
static const char *const orders[] = { "single-pass", "two-pass", NULL };
static const char *const layouts[] = { "edk2-202411", "edk2-pre-202411",
				       "none", NULL };
static const char *const headers[] = { "unmodified", "qemu-patched", NULL };
static const char *const yesno[] = { "no", "yes", NULL };
static const char *const iopts[] = { "append", "prefix", NULL };

static const struct pv_opt tdx_opts_table[O_COUNT] = {
	[O_FIRMWARE] = { "firmware", 0, PV_ARG_PATH_IN, "FILE",
		"the unified OVMF.fd with TDVF metadata (split OVMF_CODE files "
		"are refused)", PV_OPT_DST(T, firmware),
		.required_in = PV_CMD_BIT(0) },
	[O_KERNEL] = { "kernel", 0, PV_ARG_PATH_IN, "FILE",
		"a PE/COFF EFI-stub kernel (bzImage): the RTMRs of a direct boot",
		PV_OPT_DST(T, kernel) },
	[O_INITRD] = { "initrd", 0, PV_ARG_PATH_IN, "FILE",
		"the initrd QEMU serves", PV_OPT_DST(T, initrd),
		.requires = PV_OPT_BIT(O_KERNEL) },
	[O_APPEND] = { "append", 0, PV_ARG_STR, "TEXT",
		"the kernel command line", PV_OPT_DST(T, append),
		.requires = PV_OPT_BIT(O_KERNEL) },
	[O_MEMORY] = { "memory", 0, PV_ARG_SIZE, "SIZE",
		"guest memory of a q35 machine (RTMR0 input; also for "
		"qemu-patched with an initrd)", PV_OPT_DST(T, memory), .min = 1 },
	[O_ORDER] = { "mrtd-order", 0, PV_ARG_ENUM, "ORDER",
		"single-pass (default; upstream KVM: each page added, then "
		"extended) or two-pass (older TDX trees: a section's pages "
		"added, then extended)", PV_OPT_DST(T, order), .names = orders },
	[O_LOADER] = { "acpi-loader", 0, PV_ARG_PATH_IN, "FILE",
		"QEMU's fw_cfg etc/table-loader, as the guest reads it (RTMR0 "
		"input, with --memory, --acpi-rsdp and --acpi-tables)",
		PV_OPT_DST(T, loader), .requires = PV_OPT_BIT(O_KERNEL) },
	[O_RSDP] = { "acpi-rsdp", 0, PV_ARG_PATH_IN, "FILE",
		"QEMU's fw_cfg etc/acpi/rsdp (RTMR0 input)",
		PV_OPT_DST(T, rsdp), .requires = PV_OPT_BIT(O_KERNEL) },
	[O_TABLES] = { "acpi-tables", 0, PV_ARG_PATH_IN, "FILE",
		"QEMU's fw_cfg etc/acpi/tables (RTMR0 input)",
		PV_OPT_DST(T, tables), .requires = PV_OPT_BIT(O_KERNEL) },
	[O_LAYOUT] = { "event-layout", 0, PV_ARG_ENUM, "L",
		"edk2-202411 (default), edk2-pre-202411 or none (firmware that "
		"measures nothing, e.g. Debian bookworm's 2022.11: every RTMR "
		"zero)", PV_OPT_DST(T, layout), .names = layouts,
		.requires = PV_OPT_BIT(O_KERNEL) },
	[O_HEADER] = { "kernel-header", 0, PV_ARG_ENUM, "H",
		"unmodified (default; QEMU >= 10.0) or qemu-patched (QEMU < 10.0 "
		"rewrote the setup header)", PV_OPT_DST(T, header),
		.names = headers, .requires = PV_OPT_BIT(O_KERNEL) },
	[O_STUB] = { "stub-measures", 0, PV_ARG_ENUM, "yes|no",
		"yes (default): the kernel's EFI stub measures LoadOptions and "
		"the initrd into RTMR2", PV_OPT_DST(T, stub), .names = yesno,
		.requires = PV_OPT_BIT(O_KERNEL) },
	[O_INITRD_OPT] = { "initrd-option", 0, PV_ARG_ENUM, "P",
		"append (default; edk2 < 202508: CMDLINE \" initrd=initrd\") or "
		"prefix (edk2 >= 202508)", PV_OPT_DST(T, initrd_opt),
		.names = iopts, .requires = PV_OPT_BIT(O_KERNEL) },
	[O_JSON] = { "json", 0, PV_ARG_FLAG, NULL,
		"one JSON object: mrtd, rtmr0..rtmr3, assumptions",
		PV_OPT_DST(T, json) },
	[O_LOG] = { "log", 0, PV_ARG_PATH_OUT, "FILE",
		"one JSON line per measured step (for measure diff)",
		PV_OPT_DST(T, log) },
};
#undef T

static const struct pv_cli_spec tdx_spec = {
	.synopsis = "--firmware FILE [--kernel FILE] [--initrd FILE] "
		    "[--append TEXT] [OPTIONS]",
	.about = "Compute the Intel TDX MRTD of a TDVF (OVMF.fd) image and, with\n"
		 "--kernel, the RTMRs of a QEMU direct boot.  Without --kernel only\n"
		 "MRTD is printed.  Every assumption is an option; --json reports them.\n",
	.opts = tdx_opts_table, .nopts = O_COUNT,
	.min_operands = 0, .max_operands = 0,
};

#define MAX_FIRMWARE (64ull << 20)
#define MAX_KERNEL (1ull << 30)
#define MAX_INITRD (4ull << 30)
#define MAX_ACPI (16ull << 20)

struct logctx {
	struct pv_jsonl log;
	unsigned long index;
};

static int log_event(void *ctx, const struct pv_tdx_event *ev)
{
	struct logctx *l = ctx;
	json_t *o = pv_tdx_event_json(l->index++, ev);

	if (!o)
		return PV_ENOMEM;
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
		if (r->has_rtmr0 && p->layout != PV_TDX_LAYOUT_NONE) {
			json_object_set_new(a, "machine", json_string("q35"));
			json_object_set_new(a, "secure_boot_variables",
					    json_string("from the image's "
							"variable store"));
			json_object_set_new(a, "boot_variables",
					    json_string("BootOrder 0000, "
							"Boot0000 UiApp"));
		}
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
	struct tdx_opts o = { .stub = 1 };
	struct pv_tdx_params p = { 0 };
	struct pv_map fm = { 0 }, km = { 0 }, im = { 0 };
	struct pv_map lm = { 0 }, rm = { 0 }, tm = { 0 };
	struct pv_tdx_result r;
	struct logctx lctx = { 0 };
	struct pv_err e = { 0 };
	struct pv_opts st;
	bool logging = false;
	int rc = PV_EXIT_FAIL;

	pv_opts_parse(&tdx_spec, argc, argv, &o, &st);
	p.order = o.order ? PV_TDX_MRTD_TWO_PASS : PV_TDX_MRTD_SINGLE_PASS;
	p.layout = o.layout == 1 ? PV_TDX_LAYOUT_PRE_202411 :
		   o.layout == 2 ? PV_TDX_LAYOUT_NONE : PV_TDX_LAYOUT_202411;
	p.header = o.header ? PV_TDX_HDR_QEMU_PATCHED : PV_TDX_HDR_UNMODIFIED;
	p.stub_measures = o.stub == 1;
	p.initrd_opt = o.initrd_opt ? PV_TDX_INITRD_PREFIX :
				      PV_TDX_INITRD_APPEND;
	p.memory = o.memory;
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
