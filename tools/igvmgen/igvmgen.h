/* SPDX-License-Identifier: Apache-2.0 */
/* igvmgen.h - the commands of igvmgen (one cmd_*.c each). */
#ifndef PODVM_TOOLS_IGVMGEN_H
#define PODVM_TOOLS_IGVMGEN_H
int cmd_dump(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_initrd(int argc, char **argv);
#endif
