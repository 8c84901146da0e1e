/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_dump.c - veritysetup dump HASH */
#include <stdio.h>

#include "core/cli.h"
#include "core/err.h"
#include "opts.h"
#include "verity/verity.h"

int cmd_dump(int argc, char **argv);

static const char usage[] =
	"Usage: veritysetup dump [--hash-offset=BYTES] [--json] HASH\n"
	"Print the dm-verity superblock of HASH as cryptsetup's veritysetup dump.\n"
	"\n"
	"  --hash-offset=BYTES      where the superblock is (default 0)\n"
	"  --json                   print it as JSON, with the kernel table\n"
	"                           parameters (hash_start_block, levels)\n";

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hash-offset", required_argument, NULL, OPT_HASH_OFFSET },
		{ "json", no_argument, NULL, OPT_JSON },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_verity_params p;
	struct pv_verity_geom g;
	struct pv_err e = { 0 };
	struct vs_opts v;
	const char *hash;
	int c;

	vs_opts_init(&v);
	while ((c = pv_cli_getopt(argc, argv, "", opts, usage)) != -1)
		if (!vs_opt(&v, c, optarg, usage))
			pv_cli_usage_error(usage, "unexpected option");
	pv_cli_operands(argc, argv, 1, 1, usage);
	hash = argv[optind];
	if (pv_verity_sb_read(hash, v.p.hash_offset, &p, &e))
		return pv_cli_fail("dump", &e);
	if (pv_verity_geometry(&p, &g, &e)) {
		pv_err_prefix(&e, "%s", hash);
		return pv_cli_fail("dump", &e);
	}
	if (v.json) {
		if (vs_json_header(NULL, hash, &p, &g, NULL, 0, NULL))
			return pv_cli_failf("dump", "cannot print JSON");
	} else {
		vs_print_header(stdout, hash, &p, &g, NULL, 0);
	}
	return PV_EXIT_OK;
}
