/* SPDX-License-Identifier: Apache-2.0 */
/* igvmgen - build, inspect and check IGVM files, and make initrds. */
#include "core/cli.h"
#include "igvmgen.h"

static const struct pv_cli_cmd commands[] = {
	{ "build", cmd_build, "lay out a kernel, an initrd and a command line as IGVM" },
	{ "check", cmd_check, "validate an IGVM file (exit 0; 3 corrupted, 1 malformed)" },
	{ "initrd", cmd_initrd, "make a reproducible newc cpio initramfs from a tree" },
	{ "dump", cmd_dump, "decode every header of an IGVM file" },
	{ NULL, NULL, NULL },
};

static const struct pv_tool tool = {
	.name = "igvmgen",
	.summary = "Build IGVM files for confidential VMs from a Linux kernel, an\n"
		   "initrd and a command line; inspect and check IGVM files.",
	.cmds = commands,
};

int main(int argc, char **argv)
{
	return pv_cli_main(&tool, argc, argv);
}
