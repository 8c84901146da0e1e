/* SPDX-License-Identifier: Apache-2.0 */
/* opts.c - option values and the header layout shared by the commands. */
#include "opts.h"

#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"

void vs_opts_init(struct vs_opts *v)
{
	memset(v, 0, sizeof(*v));
	v->p.alg = PV_SHA256;
	v->p.hash_type = 1;
	v->p.data_block_size = 4096;
	v->p.hash_block_size = 4096;
	v->p.superblock = true;
	v->check = "both";
}

static uint32_t block_size(const char *arg, const char *what, const char *usage)
{
	struct pv_err e = { 0 };
	uint64_t v;

	if (pv_parse_u64(arg, UINT32_MAX, &v, what, &e))
		pv_cli_usage_error(usage, "%s", e.msg);
	if (!pv_verity_block_size_ok(v))
		pv_cli_usage_error(usage,
				   "%s %s: expected a power of two from 512 to 524288",
				   what, arg);
	return (uint32_t)v;
}

bool vs_opt(struct vs_opts *v, int c, const char *arg, const char *usage)
{
	struct pv_err e = { 0 };
	uint64_t n;

	switch (c) {
	case OPT_HASH:
		if (pv_hash_from_name(arg, &v->p.alg, &e))
			pv_cli_usage_error(usage,
					   "--hash %s: not supported, expected sha1, sha256, sha384 or sha512",
					   arg);
		v->tree_opts_set = true;
		return true;
	case OPT_DATA_BS:
		v->p.data_block_size = block_size(arg, "--data-block-size", usage);
		v->tree_opts_set = true;
		return true;
	case OPT_HASH_BS:
		v->p.hash_block_size = block_size(arg, "--hash-block-size", usage);
		v->tree_opts_set = true;
		return true;
	case OPT_SALT:
		v->salt_set = true;
		v->tree_opts_set = true;
		if (strcmp(arg, "-") == 0) {
			v->p.salt_size = 0;
			return true;
		}
		if (pv_hex_decode(arg, v->p.salt, PV_VERITY_MAX_SALT, &v->p.salt_size,
				  "--salt", &e))
			pv_cli_usage_error(usage, "%s (hex of at most %d bytes, or - for none)",
					   e.msg, PV_VERITY_MAX_SALT);
		return true;
	case OPT_UUID:
		if (pv_verity_uuid_parse(arg, v->p.uuid, &e))
			pv_cli_usage_error(usage, "--uuid: %s", e.msg);
		v->uuid_set = true;
		return true;
	case OPT_NO_SB:
		v->p.superblock = false;
		return true;
	case OPT_FORMAT:
		if (pv_parse_u64(arg, 1, &n, "--format", &e))
			pv_cli_usage_error(usage, "%s (hash type 0 or 1)", e.msg);
		v->p.hash_type = (uint32_t)n;
		v->tree_opts_set = true;
		return true;
	case OPT_HASH_OFFSET:
		if (pv_parse_u64(arg, INT64_MAX, &v->p.hash_offset, "--hash-offset", &e))
			pv_cli_usage_error(usage, "%s", e.msg);
		if (v->p.hash_offset % 512)
			pv_cli_usage_error(usage,
					   "--hash-offset %s: expected a multiple of 512",
					   arg);
		return true;
	case OPT_DATA_BLOCKS:
		if (pv_parse_u64(arg, INT64_MAX, &v->p.data_blocks, "--data-blocks", &e))
			pv_cli_usage_error(usage, "%s", e.msg);
		if (v->p.data_blocks == 0)
			pv_cli_usage_error(usage, "--data-blocks 0: nothing to hash");
		v->tree_opts_set = true;
		return true;
	case OPT_ROOT_HASH_FILE:
		v->root_hash_file = arg;
		return true;
	case OPT_THREADS:
		if (pv_parse_u64(arg, 1024, &n, "--threads", &e) || n == 0)
			pv_cli_usage_error(usage, "--threads %s: expected 1 to 1024", arg);
		v->threads = (unsigned)n;
		return true;
	case OPT_HASH_ENGINE:
		if (pv_mb_engine_from_name(arg, &v->engine, &e))
			pv_cli_usage_error(usage, "--hash-engine: %s", e.msg);
		return true;
	case OPT_JSON:
		v->json = true;
		return true;
	case OPT_CHECK:
		if (strcmp(arg, "both") && strcmp(arg, "podvm") &&
		    strcmp(arg, "libcryptsetup"))
			pv_cli_usage_error(usage,
					   "--check %s: expected both, podvm or libcryptsetup",
					   arg);
		v->check = arg;
		return true;
	}
	return false;
}

static void salt_hex(const struct pv_verity_params *p, char *out, size_t n)
{
	if (p->salt_size == 0)
		snprintf(out, n, "-");
	else
		pv_hex_encode(p->salt, p->salt_size, out, n);
}

/*
 * The layout of cryptsetup 2.6.1's format and dump output (a tab after
 * each label; "Root hash" only after format; "Hash device size" only when
 * the hash area starts at offset 0: the size the tree needs, as computed,
 * not the size of the file).
 */
void vs_print_header(FILE *f, const char *hash_path,
		     const struct pv_verity_params *p,
		     const struct pv_verity_geom *g, const uint8_t *root,
		     size_t root_size)
{
	char salt[2 * PV_VERITY_MAX_SALT + 1], uuid[PV_VERITY_UUID_STR] = "";
	char hex[2 * PV_HASH_MAX + 1];

	if (p->superblock)
		pv_verity_uuid_format(p->uuid, uuid);
	salt_hex(p, salt, sizeof(salt));
	fprintf(f, "VERITY header information for %s\n", hash_path);
	fprintf(f, "UUID:            \t%s\n", uuid);
	fprintf(f, "Hash type:       \t%u\n", p->hash_type);
	fprintf(f, "Data blocks:     \t%llu\n", (unsigned long long)p->data_blocks);
	fprintf(f, "Data block size: \t%u\n", p->data_block_size);
	fprintf(f, "Hash blocks:     \t%llu\n", (unsigned long long)g->hash_blocks);
	fprintf(f, "Hash block size: \t%u\n", p->hash_block_size);
	fprintf(f, "Hash algorithm:  \t%s\n", pv_hash_name(p->alg));
	fprintf(f, "Salt:            \t%s\n", salt);
	if (root) {
		pv_hex_encode(root, root_size, hex, sizeof(hex));
		fprintf(f, "Root hash:      \t%s\n", hex);
	}
	if (p->hash_offset == 0)
		fprintf(f, "Hash device size: \t%llu [bytes]\n",
			(unsigned long long)g->hash_end);
}

int vs_json_header(const char *data_path, const char *hash_path,
		   const struct pv_verity_params *p,
		   const struct pv_verity_geom *g, const uint8_t *root,
		   size_t root_size, const char *engine)
{
	char salt[2 * PV_VERITY_MAX_SALT + 1], uuid[PV_VERITY_UUID_STR] = "";
	json_t *doc;
	int r;

	if (p->superblock)
		pv_verity_uuid_format(p->uuid, uuid);
	salt_hex(p, salt, sizeof(salt));
	doc = json_pack("{s:s?, s:s, s:b, s:s?, s:i, s:I, s:i, s:I, s:i, s:s, s:s, s:I, s:I, s:I, s:i}",
			"data_device", data_path,
			"hash_device", hash_path,
			"superblock", p->superblock,
			"uuid", p->superblock ? uuid : NULL,
			"hash_type", (int)p->hash_type,
			"data_blocks", (json_int_t)p->data_blocks,
			"data_block_size", (int)p->data_block_size,
			"hash_blocks", (json_int_t)g->hash_blocks,
			"hash_block_size", (int)p->hash_block_size,
			"hash_algorithm", pv_hash_name(p->alg),
			"salt", salt,
			"hash_offset", (json_int_t)p->hash_offset,
			/* the kernel table's <hash_start_block> */
			"hash_start_block", (json_int_t)g->hash_start,
			"hash_device_size", (json_int_t)g->hash_end,
			"levels", (int)g->levels);
	if (!doc)
		return -1;
	if (root)
		json_object_set_new(doc, "root_hash", pv_json_hex(root, root_size));
	if (engine)
		json_object_set_new(doc, "hash_engine", json_string(engine));
	r = pv_json_print(doc);
	json_decref(doc);
	return r;
}

int vs_engine(const struct vs_opts *v, const struct pv_verity_params *p,
	      char *buf, size_t len, struct pv_err *e)
{
	uint32_t bs = p->data_block_size > p->hash_block_size ? p->data_block_size
							     : p->hash_block_size;
	struct pv_mbhash m;
	int r;

	r = pv_mbhash_init(&m, p->alg, v->engine, e);
	if (r)
		return r;
	/* the longest message: salt and block */
	pv_mbhash_describe(&m, bs + p->salt_size, buf, len);
	pv_mbhash_free(&m);
	return 0;
}
