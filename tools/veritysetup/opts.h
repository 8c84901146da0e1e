/* SPDX-License-Identifier: Apache-2.0 */
/* opts.h - the option parsing the veritysetup commands share (CLI only). */
#ifndef PODVM_TOOLS_VERITYSETUP_OPTS_H
#define PODVM_TOOLS_VERITYSETUP_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "verity/verity.h"

/* Option values; ids of the long options without a short form. */
enum {
	OPT_HASH = 256,
	OPT_DATA_BS,
	OPT_HASH_BS,
	OPT_SALT,
	OPT_UUID,
	OPT_NO_SB,
	OPT_FORMAT,
	OPT_HASH_OFFSET,
	OPT_DATA_BLOCKS,
	OPT_ROOT_HASH_FILE,
	OPT_THREADS,
	OPT_JSON,
	OPT_CHECK,
	OPT_HASH_ENGINE,
};

/* The tree options format and verify share (cryptsetup's names); each
 * command adds its own (format: --uuid; verify: --check) and --json. */
#define VS_TREE_OPTS                                                         \
	{ "hash", required_argument, NULL, OPT_HASH },                       \
	{ "data-block-size", required_argument, NULL, OPT_DATA_BS },         \
	{ "hash-block-size", required_argument, NULL, OPT_HASH_BS },         \
	{ "salt", required_argument, NULL, OPT_SALT },                       \
	{ "no-superblock", no_argument, NULL, OPT_NO_SB },                   \
	{ "format", required_argument, NULL, OPT_FORMAT },                   \
	{ "hash-offset", required_argument, NULL, OPT_HASH_OFFSET },         \
	{ "data-blocks", required_argument, NULL, OPT_DATA_BLOCKS },         \
	{ "root-hash-file", required_argument, NULL, OPT_ROOT_HASH_FILE },   \
	{ "threads", required_argument, NULL, OPT_THREADS },                 \
	{ "hash-engine", required_argument, NULL, OPT_HASH_ENGINE }

struct vs_opts {
	struct pv_verity_params p;
	bool salt_set, uuid_set, tree_opts_set;
	bool json;
	unsigned threads;
	enum pv_mb_engine engine;
	const char *root_hash_file;
	const char *check;
};

/** vs_opts_init - cryptsetup's defaults: sha256, 4096/4096, type 1 */
void vs_opts_init(struct vs_opts *v);

/**
 * vs_opt - handle one option common to the commands
 * returns: true when @c was one of them; a bad value is a usage error
 */
bool vs_opt(struct vs_opts *v, int c, const char *arg, const char *usage);

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
