/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_diff.c - `measure diff LOG_A LOG_B`: the first launch update where two
 * `--log` files part, with its region and GPA.
 */
#include <stdio.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/json.h"
#include "snp/steplog.h"
#include "cmds.h"

static const char usage[] =
	"Usage: measure diff [--json] LOG_A LOG_B\n"
	"Compare two launch-update logs written by `measure snp --log` and name\n"
	"the first update whose digest differs: its line, region, GPA and what\n"
	"changed.  Exit status 0 when the logs agree, 3 when they differ.\n"
	"\n"
	"  --json   print a JSON document\n";

#define LOG_MAX (1ull << 32)

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_map a = { 0 }, b = { 0 };
	struct pv_snp_divergence d;
	struct pv_err e = { 0 };
	const char *pa, *pb;
	int c, json = 0, rc;

	while ((c = pv_cli_getopt(argc, argv, "", opts, usage)) != -1)
		if (c == 'j')
			json = 1;
	pv_cli_operands(argc, argv, 2, 2, usage);
	pa = argv[optind];
	pb = argv[optind + 1];
	if (pv_map_file(pa, LOG_MAX, &a, &e) ||
	    pv_map_file(pb, LOG_MAX, &b, &e) ||
	    pv_snp_log_diff(a.data, a.len, b.data, b.len, pa, pb, &d, &e)) {
		rc = pv_cli_fail("diff", &e);
		goto out;
	}
	if (json) {
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
