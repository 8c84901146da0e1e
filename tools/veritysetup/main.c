/* SPDX-License-Identifier: Apache-2.0 */
/* veritysetup - dm-verity hash trees, compatible with cryptsetup's. */
#include "core/cli.h"

static const struct pv_cli_cmd commands[] = {
	{ NULL, NULL, NULL },
};

static const struct pv_tool tool = {
	.name = "veritysetup",
	.summary = "Create, verify and inspect dm-verity hash trees on plain files,\n"
		   "byte for byte as cryptsetup's veritysetup does, in parallel.",
	.cmds = commands,
};

int main(int argc, char **argv)
{
	return pv_cli_main(&tool, argc, argv);
}
