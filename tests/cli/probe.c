/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe.c - a tool that exists only to test the CLI contract of lib/core
 * (cli.c, file.c) from the shell, independently of any real tool.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/json.h"
#include "core/parse.h"

static const char echo_usage[] =
	"Usage: cli-probe echo [--json] [-n COUNT] WORD [WORD]\n"
	"Print the words COUNT times.\n";

static int cmd_echo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_err e = { 0 };
	uint64_t count = 1, i;
	int c, n, json = 0;

	while ((c = pv_cli_getopt(argc, argv, "n:", opts, echo_usage)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'n':
			if (pv_parse_u64(optarg, 10, &count, "--count", &e))
				pv_cli_usage_error(echo_usage, "%s", e.msg);
			break;
		}
	}
	n = pv_cli_operands(argc, argv, 1, 2, echo_usage);
	for (i = 0; i < count; i++) {
		if (json) {
			json_t *doc = json_pack("{s:s, s:i}", "word", argv[optind],
						"operands", n);
			pv_json_print(doc);
			json_decref(doc);
		} else {
			printf("%s\n", argv[optind]);
		}
	}
	return PV_EXIT_OK;
}

static const char fail_usage[] = "Usage: cli-probe fail [--verify]\n";

static int cmd_fail(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verify", no_argument, NULL, 'v' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_err e = { 0 };
	int c, verify = 0;

	while ((c = pv_cli_getopt(argc, argv, "", opts, fail_usage)) != -1)
		if (c == 'v')
			verify = 1;
	pv_cli_operands(argc, argv, 0, 0, fail_usage);
	if (verify)
		pv_errf(&e, PV_EVERIFY, "data.img: block 7 is corrupted");
	else
		pv_errf(&e, PV_EFORMAT, "in.bin: offset 0x10: bad magic");
	return pv_cli_fail("fail", &e);
}

static const char write_usage[] =
	"Usage: cli-probe write [--fail] FILE TEXT\n"
	"Write TEXT to FILE atomically; with --fail, stop half-way.\n";

static int cmd_write(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fail", no_argument, NULL, 'f' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_err e = { 0 };
	struct pv_out o;
	int c, fail = 0;
	const char *text;

	while ((c = pv_cli_getopt(argc, argv, "", opts, write_usage)) != -1)
		if (c == 'f')
			fail = 1;
	pv_cli_operands(argc, argv, 2, 2, write_usage);
	text = argv[optind + 1];
	if (pv_out_open(&o, argv[optind], &e))
		return pv_cli_fail("write", &e);
	if (pv_out_write(&o, text, strlen(text) / 2, &e))
		goto fail;
	if (fail) {
		pv_errf(&e, PV_EIO, "%s: simulated failure", argv[optind]);
		goto fail;
	}
	if (pv_out_write(&o, text + strlen(text) / 2,
			 strlen(text) - strlen(text) / 2, &e) ||
	    pv_out_commit(&o, &e))
		goto fail;
	return PV_EXIT_OK;
fail:
	pv_out_abort(&o);
	return pv_cli_fail("write", &e);
}

/* --- the option table: one row of every kind and every rule ---------- */

enum { CMD_TABLE, CMD_OTHER };
enum {
	O_COUNT, O_SIZE, O_KEY, O_MODE, O_IN, O_OUT, O_WORD, O_NAME,
	O_A, O_B, O_C, O_VMM, O_ARCH, O_ONLY_OTHER, O_NOPTS
};

struct table_opts {
	uint16_t count;
	uint64_t size;
	uint8_t key[4];
	size_t key_len;
	uint8_t mode;
	const char *in, *out, *name;
	char word[16];
	bool a, b, c;
	unsigned vmm, arch;
};

static int parse_word(const char *arg, void *dst, struct pv_err *e)
{
	size_t i, n = strlen(arg);

	if (n == 0 || n >= 16)
		return pv_errf(e, PV_EINVAL, "'%s': 1 to 15 letters", arg);
	for (i = 0; i < n; i++)
		if (arg[i] < 'a' || arg[i] > 'z')
			return pv_errf(e, PV_EINVAL, "'%s': lower-case letters only",
				       arg);
	memcpy(dst, arg, n + 1);
	return 0;
}

static const char *const modes[] = { "fast", "slow", "exact", NULL };
static const char *const vmms[] = { "qemu", "clh", NULL };
static const char *const arches[] = { "intel", "amd", NULL };

static const struct pv_opt table[O_NOPTS] = {
	[O_COUNT] = { "count", 'n', PV_ARG_U64, NULL, "print N times, 1..10",
		      PV_OPT_DST(struct table_opts, count), .min = 1, .max = 10 },
	[O_SIZE] = { "size", 's', PV_ARG_SIZE, NULL,
		     "a size: K/M/G/T suffix or a number of bytes, a multiple of 512, at most 1G; this help text is long so that it wraps",
		     PV_OPT_DST(struct table_opts, size), .unit = 1,
		     .max = 1 << 30, .align = 512 },
	[O_KEY] = { "key", 0, PV_ARG_HEX, NULL, "exactly 4 bytes",
		    PV_OPT_DST(struct table_opts, key),
		    .len_off = offsetof(struct table_opts, key_len),
		    .min = 4, .max = 4 },
	[O_MODE] = { "mode", 0, PV_ARG_ENUM, NULL, "how",
		     PV_OPT_DST(struct table_opts, mode), .names = modes },
	[O_IN] = { "in", 'i', PV_ARG_PATH_IN, NULL, "input",
		   PV_OPT_DST(struct table_opts, in) },
	[O_OUT] = { "out", 'o', PV_ARG_PATH_OUT, NULL, "output",
		    PV_OPT_DST(struct table_opts, out),
		    .conflicts = PV_OPT_BIT(O_A) },
	[O_WORD] = { "word", 0, PV_ARG_CUSTOM, "WORD", "lower-case letters",
		     PV_OPT_DST(struct table_opts, word), .parse = parse_word },
	[O_NAME] = { "name", 0, PV_ARG_STR, "TEXT", "required",
		     PV_OPT_DST(struct table_opts, name),
		     .required_in = PV_CMD_BIT(CMD_TABLE), .why = "a test" },
	[O_A] = { "a", 'a', PV_ARG_FLAG, NULL, "needs -b",
		  PV_OPT_DST(struct table_opts, a), .requires = PV_OPT_BIT(O_B) },
	[O_B] = { "b", 'b', PV_ARG_FLAG, NULL, NULL,
		  PV_OPT_DST(struct table_opts, b), .conflicts = PV_OPT_BIT(O_C),
		  .why = "they disagree" },
	[O_C] = { "c", 0, PV_ARG_FLAG, NULL, "not with -b",
		  PV_OPT_DST(struct table_opts, c) },
	[O_VMM] = { "vmm", 0, PV_ARG_ENUM, NULL, "the loader",
		    PV_OPT_DST(struct table_opts, vmm), .names = vmms },
	[O_ARCH] = { "arch", 0, PV_ARG_ENUM, NULL, "CPU vendor",
		     PV_OPT_DST(struct table_opts, arch), .names = arches,
		     .only_with = O_VMM + 1, .only_with_value = "clh" },
	[O_ONLY_OTHER] = { "other-only", 0, PV_ARG_FLAG, NULL, NULL,
			   .cmds = PV_CMD_BIT(CMD_OTHER) },
};

static const struct pv_cli_spec table_spec = {
	.cmd = CMD_TABLE,
	.synopsis = "[OPTION]... --name TEXT [ARG]...",
	.about = "Print every option's value.\n",
	.footer = "Exit 2 on any bad value.\n",
	.opts = table, .nopts = O_NOPTS,
	.min_operands = 0, .max_operands = -1,
};

static int cmd_table(int argc, char **argv)
{
	struct table_opts o = { .count = 1, .mode = 2 };
	struct pv_opts st;
	int i;

	i = pv_opts_parse(&table_spec, argc, argv, &o, &st);
	printf("count=%u size=%llu key=%zu:%02x%02x%02x%02x mode=%s\n",
	       o.count, (unsigned long long)o.size, o.key_len, o.key[0],
	       o.key[1], o.key[2], o.key[3], modes[o.mode]);
	printf("in=%s out=%s word=%s name=%s a=%d b=%d c=%d vmm=%s arch=%s\n",
	       o.in ? o.in : "-", o.out ? o.out : "-", o.word, o.name, o.a,
	       o.b, o.c, pv_opt_given(&st, O_VMM) ? vmms[o.vmm] : "-",
	       pv_opt_given(&st, O_ARCH) ? arches[o.arch] : "-");
	printf("given=%llx operands=%d", (unsigned long long)st.given,
	       st.noperands);
	for (; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return PV_EXIT_OK;
}

static const struct pv_cli_cmd commands[] = {
	{ "echo", cmd_echo, "print words" },
	{ "fail", cmd_fail, "fail the way a tool fails" },
	{ "write", cmd_write, "write a file atomically" },
	{ "table", cmd_table, "options from a table, of every kind" },
	{ NULL, NULL, NULL },
};

static const struct pv_tool tool = {
	.name = "cli-probe",
	.summary = "Exercise the podvm CLI contract.",
	.cmds = commands,
};

int main(int argc, char **argv)
{
	return pv_cli_main(&tool, argc, argv);
}
