/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_dump.c - veritysetup dump HASH */
#include <stdio.h>

#include "core/cli.h"
#include "core/err.h"
#include "opts.h"
#include "verity/verity.h"

int cmd_dump(int argc, char **argv);

int cmd_dump(int argc, char **argv)
{
	struct pv_verity_params p;
	struct pv_verity_geom g;
	struct pv_err e = { 0 };
	struct vs_opts v;
	const char *hash;

	hash = argv[vs_parse(&v, VS_CMD_DUMP, argc, argv)];
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
