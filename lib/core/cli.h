/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h - the one command-line contract of every podvm tool.
 *
 *   TOOL --help, TOOL CMD --help   usage on stdout, exit 0
 *   TOOL --version                 "TOOL (podvm) VERSION" on stdout, exit 0
 *   unknown option, missing or
 *   extra argument                 "TOOL: CMD: MESSAGE" and usage on
 *                                  stderr, exit 2 (PV_EXIT_USAGE)
 *   failure                        "TOOL: CONTEXT: MESSAGE" on stderr,
 *                                  exit 1 (PV_EXIT_FAIL)
 *   integrity check failed         exit 3 (PV_EXIT_MISMATCH): corrupted
 *                                  data, a digest that does not match
 *
 * Results go to stdout (text, or JSON with --json); diagnostics and
 * progress go to stderr.  Output files are written atomically (file.h).
 * This layer is the only place that prints errors or exits.
 */
#ifndef PODVM_CORE_CLI_H
#define PODVM_CORE_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdnoreturn.h>

struct pv_err;

enum {
	PV_EXIT_OK = 0,
	PV_EXIT_FAIL = 1,
	PV_EXIT_USAGE = 2,
	PV_EXIT_MISMATCH = 3,
};

struct pv_cli_cmd {
	const char *name;
	/* argv[0] is the command name; returns a PV_EXIT_* status */
	int (*run)(int argc, char **argv);
	const char *summary;
};

struct pv_tool {
	const char *name;
	const char *summary;  /* one line: what the tool is for */
	const char *epilogue; /* printed after the command list, may be NULL */
	const struct pv_cli_cmd *cmds; /* ends with a { NULL } entry */
};

/* Every command's option table ends with these two, then { 0 }. */
#define PV_CLI_COMMON_OPTS                                \
	{ "help", no_argument, NULL, 'h' },               \
	{ "version", no_argument, NULL, 'V' }

/**
 * pv_cli_main - dispatch argv[1] to a command of @tool, handling --help and
 * --version at the top level
 * returns: the exit status for main()
 */
int pv_cli_main(const struct pv_tool *tool, int argc, char **argv);

/**
 * pv_cli_getopt - getopt_long with the contract above: -h/--help prints
 * @usage and exits 0, -V/--version prints the version and exits 0, an
 * unknown option or a missing argument is a usage error (exit 2)
 * @shortopts: the command's own short options (without h and V)
 * returns: the next option, or -1 at the end (then optind is the first
 *          operand, as with getopt)
 */
int pv_cli_getopt(int argc, char **argv, const char *shortopts,
		  const struct option *longopts, const char *usage);

/** pv_cli_usage_error - "TOOL: CMD: MESSAGE", usage, exit 2 */
noreturn void pv_cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * pv_cli_operands - exactly @min to @max operands must follow the options,
 * else a usage error
 * returns: the number of operands
 */
int pv_cli_operands(int argc, char **argv, int min, int max, const char *usage);

/**
 * pv_cli_fail - print "TOOL: CONTEXT: MESSAGE" for a library error
 * @ctx: the command or stage, or NULL for "TOOL: MESSAGE"
 * returns: PV_EXIT_MISMATCH for PV_EVERIFY, PV_EXIT_FAIL otherwise
 */
int pv_cli_fail(const char *ctx, const struct pv_err *e);

/** pv_cli_failf - the same with a message of the tool's own; returns 1 */
int pv_cli_failf(const char *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** pv_cli_tool_name, pv_cli_cmd_name - for messages */
const char *pv_cli_tool_name(void);
const char *pv_cli_cmd_name(void);

/** pv_cli_progress_wanted - true when stderr is a terminal */
bool pv_cli_progress_wanted(void);

#endif
