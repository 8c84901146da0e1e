/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_diff.c - `measure diff LOG_A LOG_B`: the first launch update where two
 * `--log` files part, with its region and GPA.
 */
#include <stdbool.h>
#include <stdio.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/json.h"
#include "snp/steplog.h"
#include "cmds.h"
#include "opts.h"

/* The options of measure diff: one row each (core/cli.h). */
enum { O_JSON, O_COUNT };

struct diff_opts {
	bool json;
};

static const struct pv_opt diff_opts_table[O_COUNT] = {
	[O_JSON] = M_OPT_JSON(struct diff_opts, json, PV_CMD_BIT(M_DIFF)),
};

static const struct pv_cli_spec diff_spec = {
	.cmd = M_DIFF,
	.synopsis = "[--json] LOG_A LOG_B",
	.about = "Compare two launch-update logs written by `measure snp --log` and name\n"
		 "the first update whose digest differs: its line, region, GPA and what\n"
		 "changed.  Exit status 0 when the logs agree, 3 when they differ.\n",
	.opts = diff_opts_table, .nopts = O_COUNT,
	.min_operands = 2, .max_operands = 2,
};

#define LOG_MAX (1ull << 32)

int cmd_diff(int argc, char **argv)
{
	struct pv_map a = { 0 }, b = { 0 };
	struct pv_snp_divergence d;
	struct pv_err e = { 0 };
	struct diff_opts o = { 0 };
	struct pv_opts st;
	const char *pa, *pb;
	int i, rc;

	i = pv_opts_parse(&diff_spec, argc, argv, &o, &st);
	pa = argv[i];
	pb = argv[i + 1];
	if (pv_map_file(pa, LOG_MAX, &a, &e) ||
	    pv_map_file(pb, LOG_MAX, &b, &e) ||
	    pv_snp_log_diff(a.data, a.len, b.data, b.len, pa, pb, &d, &e)) {
		rc = pv_cli_fail("diff", &e);
		goto out;
	}
	if (o.json) {
		json_t *doc = d.found ?
			json_pack("{s:b, s:I, s:s, s:s, s:s}", "differ", 1,
				  "line", (json_int_t)d.line, "region", d.region,
				  "gpa", d.gpa, "what", d.what) :
			json_pack("{s:b}", "differ", 0);
		pv_json_print(doc);
		json_decref(doc);
	} else if (d.found) {
		printf("first divergence at line %llu: region %s, GPA %s: %s\n",
		       (unsigned long long)d.line, d.region, d.gpa, d.what);
	} else {
		printf("logs agree\n");
	}
	rc = d.found ? PV_EXIT_MISMATCH : PV_EXIT_OK;
out:
	pv_unmap(&a);
	pv_unmap(&b);
	return rc;
}
