/* SPDX-License-Identifier: Apache-2.0 */
/* measure - offline launch measurements of confidential VMs. */
#include "core/cli.h"
#include "cmds.h"

static const struct pv_cli_cmd commands[] = {
	{ "artifacts", cmd_artifacts, "the node-installer index of a release folder (artifacts.json)" },
	{ "cca", cmd_cca, "Arm CCA realm initial measurement (RIM) of a kernel, initrd and DTB" },
	{ "diff", cmd_diff, "name the first divergence of two --log files" },
	{ "drift", cmd_drift, "compare two published value sets, naming the region that changed" },
	{ "refvalues", cmd_refvalues, "every measurement of a release, for Contrast, Trustee and ccatoken" },
	{ "snp", cmd_snp, "SEV-SNP launch digest of QEMU + OVMF (and ID blocks)" },
	{ "tdx", cmd_tdx, "Intel TDX MRTD and RTMRs of QEMU + TDVF (OVMF) direct boot" },
	{ "verify", cmd_verify, "recompute a release's published values from its artifacts" },
	{ NULL, NULL, NULL },
};

static const struct pv_tool tool = {
	.name = "measure",
	.summary = "Compute, offline and exactly, the launch measurements of\n"
		   "confidential VMs (AMD SEV-SNP, Arm CCA), explain them step by\n"
		   "step, and compare two explanations.",
	.cmds = commands,
};

int main(int argc, char **argv)
{
	return pv_cli_main(&tool, argc, argv);
}
