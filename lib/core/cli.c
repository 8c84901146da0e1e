/* SPDX-License-Identifier: Apache-2.0 */
/* cli.c - argument dispatch, usage, version and error reporting. */
#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/parse.h"
#include "podvm-config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
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

/*
 * The last word on stdout (gnulib's close_stdout): flush and close it, so
 * that a result lost to a full disk, a closed pipe or /dev/full is a
 * failure and not a silent exit 0.  A stdout the caller closed (">&-")
 * with nothing written to it is not an error (fclose gives EBADF then).
 * returns: @rc, or PV_EXIT_FAIL when @rc was 0 and stdout failed
 */
static int close_stdout(int rc)
{
	bool pending = __fpending(stdout) != 0;
	bool prev = ferror(stdout) != 0;
	int err = 0;

	errno = 0;
	if (fclose(stdout) != 0) {
		err = errno;
		if (err == EBADF && !pending && !prev)
			return rc;
	} else if (!prev) {
		return rc;
	}
	if (err)
		fprintf(stderr, "%s: stdout: write error: %s\n", tool_name,
			strerror(err));
	else
		fprintf(stderr, "%s: stdout: write error\n", tool_name);
	return rc == PV_EXIT_OK ? PV_EXIT_FAIL : rc;
}

/* Every exit of this layer goes through here, so --help is checked too. */
static noreturn void cli_exit(int rc)
{
	exit(close_stdout(rc));
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
		return close_stdout(PV_EXIT_OK);
	}
	if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
		print_version();
		return close_stdout(PV_EXIT_OK);
	}
	for (c = t->cmds; c->name; c++) {
		if (strcmp(arg, c->name) == 0) {
			cmd_name = c->name;
			/* an interrupted command leaves no temporary output */
			pv_out_install_signal_cleanup();
			optind = 0; /* GNU getopt: full reset */
			return close_stdout(c->run(argc - 1, argv + 1));
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
	cli_exit(PV_EXIT_USAGE);
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
		cli_exit(PV_EXIT_OK);
	case 'V':
		print_version();
		cli_exit(PV_EXIT_OK);
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

/* --- option tables ---------------------------------------------------- */

#define OPT_VAL 256 /* getopt value of row i: OPT_VAL + i */
#define HELP_COL 27 /* where the help text starts */
#define WIDTH 79

static bool row_in(const struct pv_opt *o, unsigned cmd)
{
	return o->name && (o->cmds == 0 || (o->cmds & PV_CMD_BIT(cmd)));
}

static bool takes_arg(const struct pv_opt *o)
{
	return o->kind != PV_ARG_FLAG;
}

/* A broken table is a programming error: say which row, and abort. */
static noreturn void table_bug(const struct pv_opt *o, const char *what)
{
	fprintf(stderr, "%s: %s: option table: --%s: %s\n", tool_name,
		cmd_name ? cmd_name : "?", o->name, what);
	abort();
}

static void check_row(const struct pv_opt *o)
{
	size_t want = 0;

	if (o->short_name == 'h' || o->short_name == 'V' || o->short_name == ':' ||
	    o->short_name < 0 || o->short_name > 127)
		table_bug(o, "reserved short option");
	if (!o->store) {
		if (o->kind == PV_ARG_HEX)
			table_bug(o, "a HEX option needs a destination");
		return;
	}
	switch (o->kind) {
	case PV_ARG_FLAG:
		want = sizeof(bool);
		break;
	case PV_ARG_STR:
	case PV_ARG_PATH_IN:
	case PV_ARG_PATH_OUT:
		want = sizeof(const char *);
		break;
	case PV_ARG_U64:
	case PV_ARG_SIZE:
	case PV_ARG_ENUM:
		if (o->size != 1 && o->size != 2 && o->size != 4 && o->size != 8)
			table_bug(o, "destination is not an unsigned integer");
		want = o->size;
		break;
	case PV_ARG_HEX:
		want = o->max ? o->max : 64;
		if (o->size < want)
			table_bug(o, "destination smaller than .max");
		want = o->size;
		break;
	case PV_ARG_CUSTOM:
		want = o->size;
		break;
	}
	if (o->size != want)
		table_bug(o, "destination of the wrong size");
	if (o->kind == PV_ARG_ENUM && !o->names)
		table_bug(o, "an ENUM option needs .names");
	if (o->kind == PV_ARG_CUSTOM && !o->parse)
		table_bug(o, "a CUSTOM option needs .parse");
}

static void store_uint(void *dst, size_t size, uint64_t v)
{
	switch (size) {
	case 1: { uint8_t x = (uint8_t)v; memcpy(dst, &x, 1); break; }
	case 2: { uint16_t x = (uint16_t)v; memcpy(dst, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(dst, &x, 4); break; }
	default: memcpy(dst, &v, 8); break;
	}
}

static uint64_t width_max(const struct pv_opt *o)
{
	uint64_t m = UINT64_MAX;

	if (o->store && o->size < 8)
		m = ((uint64_t)1 << (8 * o->size)) - 1;
	if (o->max && o->max < m)
		m = o->max;
	return m;
}

static const char *placeholder(const struct pv_opt *o, char *buf, size_t n)
{
	const char *const *p;
	size_t len = 0;

	if (o->arg)
		return o->arg;
	switch (o->kind) {
	case PV_ARG_PATH_IN:
	case PV_ARG_PATH_OUT:
		return "FILE";
	case PV_ARG_U64:
		return "N";
	case PV_ARG_SIZE:
		return "SIZE";
	case PV_ARG_HEX:
		return "HEX";
	case PV_ARG_ENUM:
		buf[0] = 0;
		for (p = o->names; *p && len + strlen(*p) + 2 < n; p++)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
						p == o->names ? "" : "|", *p);
		return buf;
	default:
		return "VALUE";
	}
}

/* "a, b or c" */
static void list_names(const char *const *names, char *buf, size_t n)
{
	size_t len = 0, i, count = 0;

	while (names[count])
		count++;
	buf[0] = 0;
	for (i = 0; i < count && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					i == 0 ? "" : i + 1 == count ? " or " : ", ",
					names[i]);
}

/* The help text of a row from column @col, wrapped at WIDTH. */
static void wrap(FILE *f, const char *text, int col)
{
	const char *p = text;
	int x = col;

	while (*p) {
		size_t w = strcspn(p, " \n");

		if (x > col && x + 1 + (int)w > WIDTH) {
			fprintf(f, "\n%*s", col, "");
			x = col;
		} else if (x > col) {
			fputc(' ', f);
			x++;
		}
		fwrite(p, 1, w, f);
		x += (int)w;
		p += w;
		if (*p == '\n') {
			if (p[1])
				fprintf(f, "\n%*s", col, "");
			x = col;
			p++;
		} else {
			while (*p == ' ')
				p++;
		}
	}
	fputc('\n', f);
}

void pv_opts_usage(const struct pv_cli_spec *spec, FILE *f)
{
	bool shorts = false, any = false;
	size_t i;

	for (i = 0; i < spec->nopts; i++)
		if (row_in(&spec->opts[i], spec->cmd)) {
			any = true;
			shorts |= spec->opts[i].short_name != 0;
		}
	fprintf(f, "Usage: %s %s %s\n", tool_name, cmd_name ? cmd_name : "",
		spec->synopsis ? spec->synopsis : "");
	if (spec->about)
		fputs(spec->about, f);
	if (any)
		fputc('\n', f);
	for (i = 0; i < spec->nopts; i++) {
		const struct pv_opt *o = &spec->opts[i];
		char left[160], ph[160];
		int n;

		if (!row_in(o, spec->cmd))
			continue;
		if (o->short_name)
			n = snprintf(left, sizeof(left), "  -%c, --%s", o->short_name,
				     o->name);
		else
			n = snprintf(left, sizeof(left), "  %s--%s",
				     shorts ? "    " : "", o->name);
		if (takes_arg(o) && n > 0 && (size_t)n < sizeof(left))
			n += snprintf(left + n, sizeof(left) - (size_t)n, "=%s",
				      placeholder(o, ph, sizeof(ph)));
		if (n < 0 || (size_t)n >= sizeof(left))
			n = (int)strlen(left);
		if (!o->help) {
			fprintf(f, "%s\n", left);
		} else if (n <= HELP_COL - 2) {
			fprintf(f, "%-*s", HELP_COL, left);
			wrap(f, o->help, HELP_COL);
		} else {
			fprintf(f, "%s\n%*s", left, HELP_COL, "");
			wrap(f, o->help, HELP_COL);
		}
	}
	if (spec->footer) {
		fputc('\n', f);
		fputs(spec->footer, f);
	}
}

static noreturn __attribute__((format(printf, 2, 0))) void
vopts_usage_error(const struct pv_cli_spec *spec, const char *fmt, va_list ap)
{
	fflush(stdout);
	vprefix(stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\n\n", stderr);
	pv_opts_usage(spec, stderr);
	cli_exit(PV_EXIT_USAGE);
}

static noreturn __attribute__((format(printf, 2, 3))) void
spec_error(const struct pv_cli_spec *spec, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vopts_usage_error(spec, fmt, ap);
}

noreturn void pv_opts_usage_error(const struct pv_opts *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vopts_usage_error(st->spec, fmt, ap);
}

/* Check @arg by the kind of @o and store it; a bad value exits 2. */
static void set_value(const struct pv_cli_spec *spec, const struct pv_opt *o,
		      const char *arg, void *base)
{
	void *dst = o->store ? (char *)base + o->off : NULL;
	struct pv_err e = { 0 };
	char what[80], names[256];
	bool t = true;
	uint64_t v = 0;
	size_t i, len;

	snprintf(what, sizeof(what), "--%s", o->name);
	switch (o->kind) {
	case PV_ARG_FLAG:
		if (dst)
			memcpy(dst, &t, sizeof(t));
		return;
	case PV_ARG_PATH_IN:
	case PV_ARG_PATH_OUT:
	case PV_ARG_STR:
		if (o->kind != PV_ARG_STR && !arg[0])
			spec_error(spec, "%s: an empty file name", what);
		/* every output of the command is then checked against it */
		if (o->kind == PV_ARG_PATH_IN)
			pv_out_note_input(arg);
		if (dst)
			memcpy(dst, &arg, sizeof(arg));
		return;
	case PV_ARG_U64:
	case PV_ARG_SIZE:
		if (o->kind == PV_ARG_U64 ?
		    pv_parse_u64(arg, width_max(o), &v, what, &e) :
		    pv_parse_size(arg, o->unit ? o->unit : 1, &v, what, &e))
			spec_error(spec, "%s", e.msg);
		if (v > width_max(o))
			spec_error(spec, "%s: %s is more than %llu bytes", what, arg,
				   (unsigned long long)width_max(o));
		if (v < o->min)
			spec_error(spec, "%s: %s is less than %llu", what, arg,
				   (unsigned long long)o->min);
		if (o->align && v % o->align)
			spec_error(spec, "%s: %s is not a multiple of %llu", what,
				   arg, (unsigned long long)o->align);
		if (dst)
			store_uint(dst, o->size, v);
		return;
	case PV_ARG_HEX:
		if (pv_hex_decode(arg, dst, o->max ? o->max : 64, &len, what, &e))
			spec_error(spec, "%s", e.msg);
		if (len < o->min)
			spec_error(spec, "%s: %zu bytes of hex, expected %s%llu", what,
				   len, o->min == o->max ? "" : "at least ",
				   (unsigned long long)o->min);
		memcpy((char *)base + o->len_off, &len, sizeof(len));
		return;
	case PV_ARG_ENUM:
		for (i = 0; o->names[i]; i++)
			if (strcmp(arg, o->names[i]) == 0)
				break;
		if (!o->names[i]) {
			list_names(o->names, names, sizeof(names));
			spec_error(spec, "%s: '%s', expected %s", what, arg, names);
		}
		if (dst)
			store_uint(dst, o->size, i);
		return;
	case PV_ARG_CUSTOM:
		if (o->parse(arg, dst, &e))
			spec_error(spec, "%s: %s", what,
				   e.msg[0] ? e.msg : pv_strerror(e.code));
		return;
	}
}

static void check_rules(const struct pv_cli_spec *spec, const struct pv_opts *st)
{
	const struct pv_opt *t = spec->opts;
	unsigned bit = PV_CMD_BIT(spec->cmd);
	size_t i, j;

	for (i = 0; i < spec->nopts; i++) {
		const struct pv_opt *o = &t[i];
		const char *why = o->why ? o->why : "";
		const char *sp = o->why ? " (" : "", *ep = o->why ? ")" : "";

		if (!row_in(o, spec->cmd) || !pv_opt_given(st, (unsigned)i))
			continue;
		if (o->rule_cmds && !(o->rule_cmds & bit))
			continue;
		for (j = 0; j < spec->nopts; j++) {
			if ((o->requires & PV_OPT_BIT(j)) &&
			    !pv_opt_given(st, (unsigned)j))
				spec_error(spec, "--%s needs --%s%s%s%s", o->name,
					   t[j].name, sp, why, ep);
			if ((o->conflicts & PV_OPT_BIT(j)) &&
			    pv_opt_given(st, (unsigned)j))
				spec_error(spec, "--%s and --%s exclude each other%s%s%s",
					   o->name, t[j].name, sp, why, ep);
		}
		if (o->only_with) {
			unsigned w = (unsigned)o->only_with - 1;
			const char *a = pv_opt_arg(st, w);

			if (!pv_opt_given(st, w) ||
			    (o->only_with_value && (!a || strcmp(a, o->only_with_value))))
				spec_error(spec, "--%s is only for --%s%s%s%s%s%s",
					   o->name, t[w].name,
					   o->only_with_value ? " " : "",
					   o->only_with_value ? o->only_with_value : "",
					   sp, why, ep);
		}
	}
	for (i = 0; i < spec->nopts; i++) {
		const struct pv_opt *o = &t[i];

		if (row_in(o, spec->cmd) && (o->required_in & bit) &&
		    !pv_opt_given(st, (unsigned)i))
			spec_error(spec, "--%s is required%s%s%s", o->name,
				   o->why ? " (" : "", o->why ? o->why : "",
				   o->why ? ")" : "");
	}
}

int pv_opts_parse(const struct pv_cli_spec *spec, int argc, char **argv,
		  void *dst, struct pv_opts *st)
{
	struct option lo[PV_OPT_MAX + 3];
	char so[3 * PV_OPT_MAX + 4] = ":hV";
	size_t i, j, nlo = 0, nso = 3;
	int c, n;

	memset(st, 0, sizeof(*st));
	st->spec = spec;
	if (spec->nopts > PV_OPT_MAX)
		abort(); /* a programming error: the table is static */
	for (i = 0; i < spec->nopts; i++) {
		const struct pv_opt *o = &spec->opts[i];

		if (!row_in(o, spec->cmd))
			continue;
		check_row(o);
		if ((spec->nopts < 64 && (o->requires | o->conflicts) >> spec->nopts) ||
		    o->only_with < 0 || (size_t)o->only_with > spec->nopts)
			table_bug(o, "a rule names an option beyond the table");
		for (j = 0; j < i; j++)
			if (row_in(&spec->opts[j], spec->cmd) &&
			    (!strcmp(spec->opts[j].name, o->name) ||
			     (o->short_name && spec->opts[j].short_name == o->short_name)))
				table_bug(o, "two rows of one command share a name");
		lo[nlo++] = (struct option){ o->name,
			takes_arg(o) ? required_argument : no_argument, NULL,
			OPT_VAL + (int)i };
		if (o->short_name) {
			so[nso++] = (char)o->short_name;
			if (takes_arg(o))
				so[nso++] = ':';
		}
	}
	lo[nlo++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[nlo++] = (struct option){ "version", no_argument, NULL, 'V' };
	lo[nlo] = (struct option){ 0 };
	so[nso] = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		const struct pv_opt *o = NULL;

		switch (c) {
		case 'h':
			pv_opts_usage(spec, stdout);
			cli_exit(PV_EXIT_OK);
		case 'V':
			print_version();
			cli_exit(PV_EXIT_OK);
		case ':':
			spec_error(spec, "option '%s' needs an argument",
				   argv[optind - 1]);
		case '?':
			if (optopt)
				spec_error(spec, "unknown option '-%c'", optopt);
			spec_error(spec, "unknown option '%s'", argv[optind - 1]);
		}
		if (c >= OPT_VAL && (size_t)(c - OPT_VAL) < spec->nopts) {
			i = (size_t)(c - OPT_VAL);
		} else {
			for (i = 0; i < spec->nopts; i++)
				if (row_in(&spec->opts[i], spec->cmd) &&
				    spec->opts[i].short_name == c)
					break;
			if (i == spec->nopts)
				abort(); /* getopt returned what we did not give */
		}
		o = &spec->opts[i];
		set_value(spec, o, optarg ? optarg : "", dst);
		st->given |= PV_OPT_BIT(i);
		st->arg[i] = takes_arg(o) ? optarg : NULL;
	}
	check_rules(spec, st);
	n = argc - optind;
	if (n < spec->min_operands)
		spec_error(spec, "missing argument (expected %d, got %d)",
			   spec->min_operands, n);
	if (spec->max_operands >= 0 && n > spec->max_operands)
		spec_error(spec, "unexpected argument '%s'",
			   argv[optind + spec->max_operands]);
	st->noperands = n;
	return optind;
}
