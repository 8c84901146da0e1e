/* SPDX-License-Identifier: Apache-2.0 */
/* cli.c - argument dispatch, usage, version and error reporting. */
#include "core/cli.h"
#include "core/err.h"
#include "podvm-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *tool_name = "podvm";
static const char *cmd_name;

const char *pv_cli_tool_name(void)
{
	return tool_name;
}

const char *pv_cli_cmd_name(void)
{
	return cmd_name;
}

bool pv_cli_progress_wanted(void)
{
	return isatty(STDERR_FILENO) == 1;
}

static void print_version(void)
{
	printf("%s (podvm) %s\n", tool_name, PODVM_VERSION);
}

static void tool_help(const struct pv_tool *t, FILE *f)
{
	const struct pv_cli_cmd *c;

	fprintf(f, "Usage: %s COMMAND [OPTION]... [ARG]...\n", t->name);
	fprintf(f, "%s\n\nCommands:\n", t->summary);
	for (c = t->cmds; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\nCommon options:\n"
		   "  -h, --help      show help (TOOL COMMAND --help for a command)\n"
		   "  -V, --version   show the version\n");
	if (t->epilogue)
		fprintf(f, "\n%s\n", t->epilogue);
	fprintf(f, "\nExit status: 0 success, 1 failure, 2 usage error, "
		   "3 verification failed.\nSee %s(1).\n", t->name);
}

int pv_cli_main(const struct pv_tool *t, int argc, char **argv)
{
	const struct pv_cli_cmd *c;
	const char *arg;

	tool_name = t->name;
	if (argc < 2) {
		fprintf(stderr, "%s: missing command\n\n", t->name);
		tool_help(t, stderr);
		return PV_EXIT_USAGE;
	}
	arg = argv[1];
	if (!strcmp(arg, "-h") || !strcmp(arg, "--help") || !strcmp(arg, "help")) {
		tool_help(t, stdout);
		return PV_EXIT_OK;
	}
	if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
		print_version();
		return PV_EXIT_OK;
	}
	for (c = t->cmds; c->name; c++) {
		if (strcmp(arg, c->name) == 0) {
			cmd_name = c->name;
			optind = 0; /* GNU getopt: full reset */
			return c->run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "%s: unknown %s '%s'\n\n", t->name,
		arg[0] == '-' ? "option" : "command", arg);
	tool_help(t, stderr);
	return PV_EXIT_USAGE;
}

static void vprefix(FILE *f)
{
	if (cmd_name)
		fprintf(f, "%s: %s: ", tool_name, cmd_name);
	else
		fprintf(f, "%s: ", tool_name);
}

noreturn void pv_cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	vprefix(stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n%s", usage);
	exit(PV_EXIT_USAGE);
}

int pv_cli_getopt(int argc, char **argv, const char *shortopts,
		  const struct option *longopts, const char *usage)
{
	char spec[128];
	int c;

	/* ':' first: report a missing argument as ':' rather than '?';
	 * '+' is not used: GNU permutation lets options follow operands. */
	if (snprintf(spec, sizeof(spec), ":hV%s", shortopts) >= (int)sizeof(spec))
		abort(); /* a programming error: the option string is static */
	opterr = 0;
	c = getopt_long(argc, argv, spec, longopts, NULL);
	switch (c) {
	case 'h':
		fputs(usage, stdout);
		exit(PV_EXIT_OK);
	case 'V':
		print_version();
		exit(PV_EXIT_OK);
	case ':':
		pv_cli_usage_error(usage, "option '%s' needs an argument",
				   argv[optind - 1]);
	case '?':
		if (optopt)
			pv_cli_usage_error(usage, "unknown option '-%c'", optopt);
		pv_cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
	default:
		return c;
	}
}

int pv_cli_operands(int argc, char **argv, int min, int max, const char *usage)
{
	int n = argc - optind;

	if (n < min)
		pv_cli_usage_error(usage, "missing argument (expected %d, got %d)",
				   min, n);
	if (n > max)
		pv_cli_usage_error(usage, "unexpected argument '%s'",
				   argv[optind + max]);
	return n;
}

int pv_cli_fail(const char *ctx, const struct pv_err *e)
{
	fflush(stdout);
	if (ctx)
		fprintf(stderr, "%s: %s: %s\n", tool_name, ctx,
			e->msg[0] ? e->msg : pv_strerror(e->code));
	else
		fprintf(stderr, "%s: %s\n", tool_name,
			e->msg[0] ? e->msg : pv_strerror(e->code));
	return e->code == PV_EVERIFY ? PV_EXIT_MISMATCH : PV_EXIT_FAIL;
}

int pv_cli_failf(const char *ctx, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (ctx)
		fprintf(stderr, "%s: %s: ", tool_name, ctx);
	else
		fprintf(stderr, "%s: ", tool_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return PV_EXIT_FAIL;
}
