/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_snp_idblock.c - `measure snp id-block` (placeholder). */
#include "core/cli.h"
#include "cmds.h"

int cmd_snp_id_block(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return pv_cli_failf("snp id-block", "not implemented yet");
}
