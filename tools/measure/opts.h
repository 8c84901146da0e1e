/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opts.h - the command ids of `measure` and the option rows its tables
 * share (core/cli.h).
 *
 * The tool's options are one row each, in three tables of core/cli.h's
 * kind, each row naming the commands that take it: the snp table (snp,
 * snp id-block, snp ap-eip; cmd_snp.c), the cca table (cmd_cca.c) and the
 * release table (artifacts, refvalues, verify, drift; cmd_release.c);
 * diff has its own row.  One table would hold 68 rows, and a table holds
 * at most PV_OPT_MAX (64).  The rows more than one table takes are
 * defined here, once.
 */
#ifndef PODVM_MEASURE_OPTS_H
#define PODVM_MEASURE_OPTS_H

#include "core/cli.h"

/* Command ids: their bits in the rows' .cmds masks. */
enum {
	M_SNP,
	M_SNP_ID_BLOCK,
	M_SNP_AP_EIP,
	M_CCA,
	M_ARTIFACTS,
	M_REFVALUES,
	M_VERIFY,
	M_DRIFT,
	M_DIFF,
};

/*
 * --threads: one rule for every tool (veritysetup's too): 1..1024, and an
 * absent option means the default, all online CPUs.
 */
#define M_THREADS_MAX 1024
#define M_OPT_THREADS(T, m, cmds_)                                          \
	{ "threads", 0, PV_ARG_U64, "N",                                    \
	  "hashing threads, 1..1024 (default: all CPUs)", PV_OPT_DST(T, m), \
	  .min = 1, .max = M_THREADS_MAX, .cmds = (cmds_) }

/* --json of a command that prints one JSON document instead of text */
#define M_OPT_JSON(T, m, cmds_)                                             \
	{ "json", 0, PV_ARG_FLAG, NULL, "print a JSON document instead of text", \
	  PV_OPT_DST(T, m), .cmds = (cmds_) }

/* --log FILE: one JSON line per measured step (@what) */
#define M_OPT_LOG(T, m, what, cmds_)                                        \
	{ "log", 0, PV_ARG_PATH_OUT, NULL, "one JSON line per " what,       \
	  PV_OPT_DST(T, m), .cmds = (cmds_) }

/**
 * m_lib_value - a value checked by a library parser, for a CUSTOM row:
 * the library's message with the option it may name first ("--rmm x: ",
 * "--vcpus: ") removed, as the table's engine names the option itself
 * returns: @rc
 */
int m_lib_value(int rc, const char *opt, struct pv_err *e);

#endif
