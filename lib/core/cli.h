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
 *   bad option value, broken       "TOOL: CMD: --name: MESSAGE" and usage
 *   option rule, missing option    on stderr, exit 2 (pv_opts_parse)
 *   stdout write error             "TOOL: stdout: write error: REASON",
 *                                  exit 1 where the command returned 0
 *
 * Results go to stdout (text, or JSON with --json); diagnostics and
 * progress go to stderr.  Output files are written atomically (file.h).
 * After the command, and after --help or --version, stdout is flushed and
 * closed and any error of it reported (gnulib's close_stdout): a digest
 * lost to a full disk or a closed pipe is a failure, never an exit 0.  A
 * stdout closed by the caller (">&-") to which nothing was written is not.
 * This layer is the only place that prints errors or exits.
 *
 * New commands take their options from a table (pv_opts_parse, below);
 * pv_cli_getopt stays for the commands not converted yet.
 */
#ifndef PODVM_CORE_CLI_H
#define PODVM_CORE_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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

/*
 * Option tables
 * =============
 *
 * A tool declares its options once, one row an option (cryptsetup's
 * veritysetup_arg_list.h is the model), in an array indexed by an enum of
 * its own.  From that one table follow:
 *
 *   - the getopt_long parsing of a command (only the rows whose .cmds has
 *     the command's bit are accepted: any other option is "unknown"),
 *   - the command's usage text (TOOL CMD --help), generated, wrapped and
 *     deterministic: the rows in table order, "  -s, --name=ARG  help",
 *   - the checking of every value by its kind: a bad value is a usage
 *     error, "TOOL: CMD: --name: MESSAGE" and the usage on stderr, exit 2,
 *   - the rules between options (.requires, .conflicts, .required_in,
 *     .only_with), checked after the last option, also exit 2,
 *   - the "was it given" query of a command: pv_opt_given().
 *
 * Example (one table per tool, shared by its commands):
 *
 *	enum { CMD_FORMAT, CMD_VERIFY };           // command ids: bits 0, 1
 *	enum { O_HASH, O_SALT, O_JSON, O_NOSB, O_COUNT };  // option ids
 *	struct my_opts { unsigned hash; const char *salt; bool json; };
 *	static const char *const hashes[] = { "sha1", "sha256", NULL };
 *	static const struct pv_opt opts[O_COUNT] = {
 *		[O_HASH] = { "hash", 0, PV_ARG_ENUM, "ALG", "hash algorithm",
 *			     PV_OPT_DST(struct my_opts, hash),
 *			     .names = hashes,
 *			     .requires = PV_OPT_BIT(O_NOSB),
 *			     .rule_cmds = PV_CMD_BIT(CMD_VERIFY) },
 *		[O_JSON] = { "json", 'j', PV_ARG_FLAG, NULL, "print JSON",
 *			     PV_OPT_DST(struct my_opts, json) },
 *		...
 *	};
 *	static const struct pv_cli_spec verify_spec = {
 *		.cmd = CMD_VERIFY, .synopsis = "[OPTIONS] DATA HASH",
 *		.about = "Check DATA against HASH.", .opts = opts,
 *		.nopts = O_COUNT, .min_operands = 2, .max_operands = 2,
 *	};
 *	int cmd_verify(int argc, char **argv)
 *	{
 *		struct my_opts o = { .hash = 1 };   // defaults first
 *		struct pv_opts st;
 *		int i = pv_opts_parse(&verify_spec, argc, argv, &o, &st);
 *		// argv[i] .. argv[argc - 1] are the operands; every value
 *		// is checked and stored, every rule holds
 *		if (pv_opt_given(&st, O_SALT)) ...
 *	}
 *
 * Rules the table must keep (pv_opts_parse aborts on a broken table, so
 * any test that runs the command catches it):
 *   - at most PV_OPT_MAX rows; the row index is the option id; the rows
 *     of one command have distinct long and short names (two rows may
 *     share a name in different commands, e.g. an input in one and an
 *     output in another); rules name only rows of the table;
 *   - a row with .store has a destination of the size its kind writes:
 *     FLAG: bool; STR, PATH_IN, PATH_OUT: const char *; U64, SIZE, ENUM:
 *     an unsigned integer of 1, 2, 4 or 8 bytes (the range is clamped to
 *     it); HEX: a uint8_t array of .max bytes, its length in the size_t at
 *     .len_off; CUSTOM: whatever .parse writes;
 *   - messages name the value, not the option: the engine prefixes
 *     "--name: " (U64/SIZE/HEX messages come from core/parse.h, hex.h);
 *   - -h/--help and -V/--version are implied: no row may use 'h' or 'V';
 *   - an option given twice keeps its last value (getopt's convention);
 *     a CUSTOM .parse is called for each, so it may collect a list.
 * Operand rules that depend on options (an operand OR an option) stay in
 * the command, reported with pv_opts_usage_error().
 */

/* The kind of an option's argument, and so how it is checked and stored. */
enum pv_arg_kind {
	PV_ARG_FLAG,	/* no argument; stores true in a bool */
	PV_ARG_STR,	/* any string, even empty; stores the pointer */
	PV_ARG_PATH_IN,	/* a file to read: not empty */
	PV_ARG_PATH_OUT, /* a file to write: not empty; "-" (standard output)
			  * is passed on, pv_out_open() writes it directly */
	PV_ARG_U64,	/* decimal or 0x hex, in [.min, .max], a multiple of
			 * .align when it is set (pv_parse_u64) */
	PV_ARG_SIZE,	/* bytes with an optional K/M/G/T suffix; a plain
			 * number counts .unit bytes (1 if 0); range and
			 * .align as U64 (pv_parse_size) */
	PV_ARG_HEX,	/* hex of .min to .max bytes (pv_hex_decode) */
	PV_ARG_ENUM,	/* one of .names; stores its index */
	PV_ARG_CUSTOM,	/* .parse checks it and stores it */
};

#define PV_OPT_MAX 64

/* Bit of option id @id in .requires / .conflicts masks. */
#define PV_OPT_BIT(id) (1ull << (id))
/* Bit of command id @id in .cmds / .rule_cmds / .required_in masks. */
#define PV_CMD_BIT(id) (1u << (id))
/* The destination of a row: member @m of the command's options struct @T. */
#define PV_OPT_DST(T, m) \
	.store = true, .off = offsetof(T, m), .size = sizeof(((T *)0)->m)

struct pv_opt {
	const char *name;	/* long name, without "--" */
	int short_name;		/* 'o', or 0 for none */
	enum pv_arg_kind kind;
	const char *arg;	/* placeholder in the usage ("BYTES"); NULL:
				 * derived from the kind */
	const char *help;	/* the usage text; wrapped at 79 columns,
				 * "\n" forces a break */
	/* where the value goes: set with PV_OPT_DST, or nothing stored */
	bool store;
	size_t off, size;
	size_t len_off;		/* HEX: the size_t that receives the length */
	uint64_t min, max;	/* U64, SIZE: range (max 0: the type's);
				 * HEX: bytes (max 0: 64) */
	uint64_t align;		/* U64, SIZE: the value is a multiple of it */
	uint64_t unit;		/* SIZE: what a number without suffix counts */
	const char *const *names; /* ENUM: NULL-terminated */
	/* CUSTOM: check @arg and store it in @dst (NULL without .store);
	 * returns 0 or a PV_E* with a message naming the value */
	int (*parse)(const char *arg, void *dst, struct pv_err *e);
	unsigned cmds;		/* commands taking it (PV_CMD_BIT); 0: all */
	/* rules, checked once all options are read, in the commands of
	 * .rule_cmds (0: every command of .cmds) */
	unsigned rule_cmds;
	uint64_t requires;	/* when given, these must be given too */
	uint64_t conflicts;	/* when given, none of these may be */
	unsigned required_in;	/* commands where it must be given */
	int only_with;		/* id+1 of an option (0: none) ... */
	const char *only_with_value; /* ... that must be given this value */
	const char *why;	/* appended to a rule's message: " (why)" */
};

/* One command of a tool whose options come from a table. */
struct pv_cli_spec {
	unsigned cmd;		/* the command's id (its bit in .cmds) */
	const char *synopsis;	/* after "Usage: TOOL CMD ": operands */
	const char *about;	/* what it does; lines end with "\n" */
	const char *footer;	/* after the options, or NULL */
	const struct pv_opt *opts;
	size_t nopts;
	int min_operands, max_operands; /* max -1: any number */
};

/* What pv_opts_parse found: the per-command "was it given" state. */
struct pv_opts {
	const struct pv_cli_spec *spec;
	uint64_t given;		/* PV_OPT_BIT of every option given */
	const char *arg[PV_OPT_MAX]; /* the last argument of each */
	int noperands;
};

/**
 * pv_opts_parse - parse, check and store every option of one command
 * @spec: the command and the tool's table
 * @dst: the command's options struct, holding its defaults; rows with
 *       .store write their value into it
 * @st: receives what was given
 * Prints the usage and exits 0 for --help, the version for --version;
 * exits 2 with "TOOL: CMD: MESSAGE" for an unknown option, a missing or a
 * bad value, a broken rule, or too few or too many operands.
 * returns: the index of the first operand in @argv (st->noperands follow)
 */
int pv_opts_parse(const struct pv_cli_spec *spec, int argc, char **argv,
		  void *dst, struct pv_opts *st);

/** pv_opt_given - was option @id given on the command line */
static inline bool pv_opt_given(const struct pv_opts *st, unsigned id)
{
	return id < PV_OPT_MAX && (st->given & PV_OPT_BIT(id));
}

/** pv_opt_arg - the (last) argument given to option @id, or NULL */
static inline const char *pv_opt_arg(const struct pv_opts *st, unsigned id)
{
	return id < PV_OPT_MAX ? st->arg[id] : NULL;
}

/** pv_opts_usage - write the usage of @spec's command to @f */
void pv_opts_usage(const struct pv_cli_spec *spec, FILE *f);

/** pv_opts_usage_error - "TOOL: CMD: MESSAGE", the usage of @st's command,
 * exit 2: for the rules a table cannot say (an operand or an option) */
noreturn void pv_opts_usage_error(const struct pv_opts *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** pv_cli_tool_name, pv_cli_cmd_name - for messages */
const char *pv_cli_tool_name(void);
const char *pv_cli_cmd_name(void);

/** pv_cli_progress_wanted - true when stderr is a terminal */
bool pv_cli_progress_wanted(void);

#endif
