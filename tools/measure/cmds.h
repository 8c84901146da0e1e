/* SPDX-License-Identifier: Apache-2.0 */
/* cmds.h - the commands of `measure`. */
#ifndef PODVM_MEASURE_CMDS_H
#define PODVM_MEASURE_CMDS_H

int cmd_cca(int argc, char **argv);
int cmd_snp(int argc, char **argv);
int cmd_tdx(int argc, char **argv);
int cmd_snp_id_block(int argc, char **argv);
int cmd_snp_ap_eip(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_artifacts(int argc, char **argv);
int cmd_refvalues(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_drift(int argc, char **argv);

#endif
