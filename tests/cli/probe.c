/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe.c - a tool that exists only to test the CLI contract of lib/core
 * (cli.c, file.c) from the shell, independently of any real tool.
 */
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

static const struct pv_cli_cmd commands[] = {
	{ "echo", cmd_echo, "print words" },
	{ "fail", cmd_fail, "fail the way a tool fails" },
	{ "write", cmd_write, "write a file atomically" },
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
