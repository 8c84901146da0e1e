/* SPDX-License-Identifier: Apache-2.0 */
/* veritysetup - dm-verity hash trees, compatible with cryptsetup's. */
#include "core/cli.h"

int cmd_dump(int argc, char **argv);
int cmd_format(int argc, char **argv);
int cmd_verify(int argc, char **argv);

static const struct pv_cli_cmd commands[] = {
	{ "format", cmd_format, "hash DATA and write the tree to HASH" },
	{ "verify", cmd_verify, "check DATA and HASH against a root hash" },
	{ "dump", cmd_dump, "print the superblock of HASH" },
	{ NULL, NULL, NULL },
};

static const struct pv_tool tool = {
	.name = "veritysetup",
	.summary = "Create, verify and inspect dm-verity hash trees on plain files,\n"
		   "byte for byte as cryptsetup's veritysetup does, in parallel.",
	.epilogue = "Exit status: 0 ok or valid, 1 error, 2 usage, 3 corrupted.",
	.cmds = commands,
};

int main(int argc, char **argv)
{
	return pv_cli_main(&tool, argc, argv);
}
