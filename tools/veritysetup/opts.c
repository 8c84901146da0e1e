/* SPDX-License-Identifier: Apache-2.0 */
/* opts.c - option values and the header layout shared by the commands. */
#include "opts.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"

/* --- the option table ------------------------------------------------ */

static int parse_hash(const char *arg, void *dst, struct pv_err *e)
{
	return pv_hash_from_name(arg, dst, e);
}

static int parse_block_size(const char *arg, void *dst, struct pv_err *e)
{
	struct pv_err pe = { 0 };
	uint64_t v;

	if (pv_parse_u64(arg, UINT32_MAX, &v, "", &pe) ||
	    !pv_verity_block_size_ok(v))
		return pv_errf(e, PV_EINVAL,
			       "%s is not a power of two from 512 to 524288", arg);
	*(uint32_t *)dst = (uint32_t)v;
	return 0;
}

static int parse_salt(const char *arg, void *dst, struct pv_err *e)
{
	struct pv_verity_params *p = dst;
	struct pv_err he = { 0 };
	int r;

	if (strcmp(arg, "-") == 0) {
		p->salt_size = 0;
		return 0;
	}
	/* an empty name: the message is ": WHAT WENT WRONG" */
	r = pv_hex_decode(arg, p->salt, PV_VERITY_MAX_SALT, &p->salt_size, "",
			  &he);
	if (r)
		return pv_errf(e, r, "%s (hex of at most %d bytes, or - for none)",
			       he.msg + 2, PV_VERITY_MAX_SALT);
	return 0;
}

static int parse_uuid(const char *arg, void *dst, struct pv_err *e)
{
	return pv_verity_uuid_parse(arg, dst, e);
}

static int parse_engine(const char *arg, void *dst, struct pv_err *e)
{
	return pv_mb_engine_from_name(arg, dst, e);
}

static const char *const check_names[] = { "both", "podvm", "libcryptsetup", NULL };

#define FMT PV_CMD_BIT(VS_CMD_FORMAT)
#define VFY PV_CMD_BIT(VS_CMD_VERIFY)
#define DMP PV_CMD_BIT(VS_CMD_DUMP)
/* verify reads these from the superblock unless --no-superblock */
#define TREE .requires = PV_OPT_BIT(VS_O_NO_SB), .rule_cmds = VFY, \
	.why = "verify reads the tree's parameters from the superblock"

const struct pv_opt vs_opt_table[VS_O_COUNT] = {
	[VS_O_HASH] = { "hash", 0, PV_ARG_CUSTOM, "ALG",
		"sha1, sha256 (default), sha384, sha512",
		PV_OPT_DST(struct vs_opts, p.alg), .parse = parse_hash,
		.cmds = FMT | VFY, TREE },
	[VS_O_DATA_BS] = { "data-block-size", 0, PV_ARG_CUSTOM, "N",
		"data block size, 512..524288 (4096)",
		PV_OPT_DST(struct vs_opts, p.data_block_size),
		.parse = parse_block_size, .cmds = FMT | VFY, TREE },
	[VS_O_HASH_BS] = { "hash-block-size", 0, PV_ARG_CUSTOM, "N",
		"hash block size, 512..524288 (4096)",
		PV_OPT_DST(struct vs_opts, p.hash_block_size),
		.parse = parse_block_size, .cmds = FMT | VFY, TREE },
	[VS_O_SALT] = { "salt", 0, PV_ARG_CUSTOM, "HEX|-",
		"salt, at most 256 bytes; - for none\n(format's default: 32 random bytes)",
		PV_OPT_DST(struct vs_opts, p), .parse = parse_salt,
		.cmds = FMT | VFY, TREE },
	[VS_O_UUID] = { "uuid", 0, PV_ARG_CUSTOM, "UUID",
		"superblock UUID (default: random)",
		PV_OPT_DST(struct vs_opts, p.uuid), .parse = parse_uuid,
		.cmds = FMT },
	[VS_O_NO_SB] = { "no-superblock", 0, PV_ARG_FLAG, NULL,
		"no superblock: format writes none, verify takes the tree's parameters from the options",
		.cmds = FMT | VFY },
	[VS_O_FORMAT] = { "format", 0, PV_ARG_U64, "0|1",
		"hash type: 1 normal (default), 0 Chrome OS",
		PV_OPT_DST(struct vs_opts, p.hash_type), .max = 1,
		.cmds = FMT | VFY, TREE },
	[VS_O_HASH_OFFSET] = { "hash-offset", 0, PV_ARG_U64, "BYTES",
		"where the hash area (superblock, then tree) starts in HASH, a multiple of 512 (default 0); format: HASH may then be DATA",
		PV_OPT_DST(struct vs_opts, p.hash_offset), .max = INT64_MAX,
		.align = 512 },
	[VS_O_DATA_BLOCKS] = { "data-blocks", 0, PV_ARG_U64, "N",
		"hash only the first N data blocks (default: the whole data file)",
		PV_OPT_DST(struct vs_opts, p.data_blocks), .min = 1,
		.max = INT64_MAX, .cmds = FMT | VFY, TREE },
	[VS_O_ROOT_HASH_OUT] = { "root-hash-file", 0, PV_ARG_PATH_OUT, NULL,
		"also write the root hash (hex) to FILE",
		PV_OPT_DST(struct vs_opts, root_hash_file), .cmds = FMT },
	[VS_O_ROOT_HASH_IN] = { "root-hash-file", 0, PV_ARG_PATH_IN, NULL,
		"read ROOT_HASH from FILE",
		PV_OPT_DST(struct vs_opts, root_hash_file), .cmds = VFY },
	[VS_O_THREADS] = { "threads", 0, PV_ARG_U64, "N",
		"hashing threads, 1..1024 (default: online CPUs)",
		PV_OPT_DST(struct vs_opts, threads), .min = 1, .max = 1024,
		.cmds = FMT | VFY },
	[VS_O_HASH_ENGINE] = { "hash-engine", 0, PV_ARG_CUSTOM, "E",
		"auto (default): ipsec-mb's multi-buffer SHA when built in, else openssl; openssl; ipsec-mb (same digests, see the man page)",
		PV_OPT_DST(struct vs_opts, engine), .parse = parse_engine,
		.cmds = FMT | VFY },
	[VS_O_CHECK] = { "check", 0, PV_ARG_ENUM, "WHO",
		"both (default): podvm's parallel check, then libcryptsetup's userspace check; podvm; libcryptsetup",
		PV_OPT_DST(struct vs_opts, check_idx), .names = check_names,
		.cmds = VFY },
	[VS_O_JSON] = { "json", 0, PV_ARG_FLAG, NULL,
		"print the result as JSON, with the kernel table parameters (hash_start_block, levels)",
		PV_OPT_DST(struct vs_opts, json) },
};

static const struct pv_cli_spec specs[] = {
	[VS_CMD_FORMAT] = {
		.cmd = VS_CMD_FORMAT,
		.synopsis = "[OPTIONS] DATA HASH",
		.about = "Hash DATA and write the dm-verity tree (and superblock) to HASH, byte\n"
			 "for byte as cryptsetup's veritysetup format; print the root hash.\n",
		.footer = "A HASH file is written atomically (a temporary file renamed over it);\n"
			  "a block device, or a file with --hash-offset (DATA itself, say), is\n"
			  "written in place outside its data.  The root hash file is written\n"
			  "before HASH is renamed into place: if it fails, HASH is left as it was.\n",
		.opts = vs_opt_table, .nopts = VS_O_COUNT,
		.min_operands = 2, .max_operands = 2,
	},
	[VS_CMD_VERIFY] = {
		.cmd = VS_CMD_VERIFY,
		.synopsis = "[OPTIONS] DATA HASH [ROOT_HASH]",
		.about = "Check the whole dm-verity tree in HASH against DATA and ROOT_HASH (hex).\n"
			 "Exit 0: valid; 3: corrupted (the first corrupted block is named);\n"
			 "1: error (missing file, bad superblock); 2: usage.\n",
		.footer = "Without a superblock (--no-superblock), give the tree's parameters:\n"
			  "--hash, --data-block-size, --hash-block-size, --salt, --format,\n"
			  "--data-blocks; with one, these are a usage error.\n",
		.opts = vs_opt_table, .nopts = VS_O_COUNT,
		.min_operands = 2, .max_operands = 3,
	},
	[VS_CMD_DUMP] = {
		.cmd = VS_CMD_DUMP,
		.synopsis = "[--hash-offset=BYTES] [--json] HASH",
		.about = "Print the dm-verity superblock of HASH as cryptsetup's veritysetup dump.\n",
		.opts = vs_opt_table, .nopts = VS_O_COUNT,
		.min_operands = 1, .max_operands = 1,
	},
};

int vs_parse(struct vs_opts *v, unsigned cmd, int argc, char **argv)
{
	const struct pv_opts *st = &v->st;
	int first;

	/* cryptsetup's defaults */
	memset(v, 0, sizeof(*v));
	v->p.alg = PV_SHA256;
	v->p.hash_type = 1;
	v->p.data_block_size = 4096;
	v->p.hash_block_size = 4096;
	first = pv_opts_parse(&specs[cmd], argc, argv, v, &v->st);
	v->p.superblock = !pv_opt_given(st, VS_O_NO_SB);
	v->salt_set = pv_opt_given(st, VS_O_SALT);
	v->uuid_set = pv_opt_given(st, VS_O_UUID);
	v->tree_opts_set = st->given & (PV_OPT_BIT(VS_O_HASH) |
					PV_OPT_BIT(VS_O_DATA_BS) |
					PV_OPT_BIT(VS_O_HASH_BS) |
					PV_OPT_BIT(VS_O_SALT) |
					PV_OPT_BIT(VS_O_FORMAT) |
					PV_OPT_BIT(VS_O_DATA_BLOCKS));
	v->check = check_names[v->check_idx];
	return first;
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
