/* SPDX-License-Identifier: Apache-2.0 */
/* opts.h - the option parsing the veritysetup commands share (CLI only). */
#ifndef PODVM_TOOLS_VERITYSETUP_OPTS_H
#define PODVM_TOOLS_VERITYSETUP_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/cli.h"
#include "verity/verity.h"

/* The commands, in the option table's .cmds masks. */
enum { VS_CMD_FORMAT, VS_CMD_VERIFY, VS_CMD_DUMP };

/* The options of veritysetup (cryptsetup's names): one row each in
 * vs_opt_table (opts.c), which says which commands take them. */
enum {
	VS_O_HASH,
	VS_O_DATA_BS,
	VS_O_HASH_BS,
	VS_O_SALT,
	VS_O_UUID,
	VS_O_NO_SB,
	VS_O_FORMAT,
	VS_O_HASH_OFFSET,
	VS_O_DATA_BLOCKS,
	VS_O_ROOT_HASH_OUT,	/* format: --root-hash-file to write */
	VS_O_ROOT_HASH_IN,	/* verify: --root-hash-file to read */
	VS_O_THREADS,
	VS_O_HASH_ENGINE,
	VS_O_CHECK,
	VS_O_JSON,
	VS_O_COUNT
};

/* The table: one row an option, see core/cli.h. */
extern const struct pv_opt vs_opt_table[VS_O_COUNT];

struct vs_opts {
	struct pv_verity_params p;
	bool salt_set, uuid_set, tree_opts_set;
	bool json;
	unsigned threads;
	enum pv_mb_engine engine;
	const char *root_hash_file;
	const char *check;
	unsigned check_idx;
	struct pv_opts st;	/* what was given; for pv_opts_usage_error */
};

/**
 * vs_parse - cryptsetup's defaults (sha256, 4096/4096, type 1), then the
 * options of command @cmd (VS_CMD_*) from the table: every bad value and
 * every broken rule is a usage error (exit 2)
 * returns: the index in @argv of the first operand (v->st.noperands follow)
 */
int vs_parse(struct vs_opts *v, unsigned cmd, int argc, char **argv);

/** vs_print_header - cryptsetup's "VERITY header information" layout */
void vs_print_header(FILE *f, const char *hash_path,
		     const struct pv_verity_params *p,
		     const struct pv_verity_geom *g, const uint8_t *root,
		     size_t root_size);

/**
 * vs_json_header - the same as JSON, with the kernel table parameters and,
 * when @engine is not NULL, the hash engine that computed the tree
 */
int vs_json_header(const char *data_path, const char *hash_path,
		   const struct pv_verity_params *p,
		   const struct pv_verity_geom *g, const uint8_t *root,
		   size_t root_size, const char *engine);

/**
 * vs_engine - describe the hash engine @v selects for the tree of @p into
 * @buf, e.g. "ipsec-mb 1.3.0 avx512" (what --json reports as hash_engine)
 * returns: 0, or the error of pv_mbhash_init (ipsec-mb asked for and absent)
 */
int vs_engine(const struct vs_opts *v, const struct pv_verity_params *p,
	      char *buf, size_t len, struct pv_err *e);

#endif
