/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_verify.c - veritysetup verify DATA HASH [ROOT_HASH] */
#include <stdio.h>
#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "opts.h"
#include "verity/verity.h"

int cmd_verify(int argc, char **argv);

static const char usage[] =
	"Usage: veritysetup verify [OPTIONS] DATA HASH [ROOT_HASH]\n"
	"Check the whole dm-verity tree in HASH against DATA and ROOT_HASH (hex).\n"
	"Exit 0: valid; 3: corrupted (the first corrupted block is named);\n"
	"1: error (missing file, bad superblock); 2: usage.\n"
	"\n"
	"  --check=WHO              both (default): podvm's parallel check, then\n"
	"                           libcryptsetup's userspace check; podvm;\n"
	"                           libcryptsetup\n"
	"  --root-hash-file=FILE    read ROOT_HASH from FILE\n"
	"  --hash-offset=BYTES      where the superblock (or tree) starts in HASH\n"
	"  --threads=N              hashing threads (default: online CPUs)\n"
	"  --hash-engine=E          auto (default): ipsec-mb's multi-buffer SHA\n"
	"                           when built in, else openssl; openssl;\n"
	"                           ipsec-mb (same digests, see the man page)\n"
	"  --json                   print the result as JSON\n"
	"Without a superblock (--no-superblock), give the tree's parameters:\n"
	"  --hash, --data-block-size, --hash-block-size, --salt, --format,\n"
	"  --data-blocks (default: the whole data file)\n";

static int read_root(const char *path, char *hex, size_t n, struct pv_err *e)
{
	struct pv_map m;
	size_t len;
	int r;

	/* a pipe too: --root-hash-file=<(...) or - (standard input) */
	r = pv_map_file_flags(path, 4096, PV_MAP_STREAM, &m, e);
	if (r)
		return r;
	len = m.len;
	while (len && (m.data[len - 1] == '\n' || m.data[len - 1] == ' ' ||
		       m.data[len - 1] == '\r' || m.data[len - 1] == '\t'))
		len--;
	if (len >= n) {
		pv_unmap(&m);
		return pv_errf(e, PV_EFORMAT, "%s: %zu bytes, too long for a root hash",
			       path, len);
	}
	memcpy(hex, m.data, len);
	hex[len] = 0;
	pv_unmap(&m);
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		VS_TREE_OPTS,
		{ "check", required_argument, NULL, OPT_CHECK },
		{ "json", no_argument, NULL, OPT_JSON },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_verity_opts vo = { 0 };
	struct pv_verity_params p;
	struct pv_err e = { 0 }, le = { 0 };
	uint8_t root[PV_HASH_MAX];
	char roothex[2 * PV_HASH_MAX + 2];
	const char *data, *hash, *roots;
	bool own, lcs;
	int c, n, r = 0, lr = 0;
	size_t root_size;
	struct vs_opts v;

	vs_opts_init(&v);
	while ((c = pv_cli_getopt(argc, argv, "", opts, usage)) != -1)
		if (!vs_opt(&v, c, optarg, usage))
			pv_cli_usage_error(usage, "unexpected option");
	n = pv_cli_operands(argc, argv, 2, 3, usage);
	data = argv[optind];
	hash = argv[optind + 1];
	if ((n == 3) == (v.root_hash_file != NULL))
		pv_cli_usage_error(usage, "give the root hash either as ROOT_HASH or with --root-hash-file");
	if (v.p.superblock && v.tree_opts_set)
		pv_cli_usage_error(usage,
				   "--hash, --salt, --format, block sizes and --data-blocks need --no-superblock (the superblock holds them)");
	if (v.root_hash_file) {
		if (read_root(v.root_hash_file, roothex, sizeof(roothex), &e))
			return pv_cli_fail("verify", &e);
		roots = roothex;
	} else {
		roots = argv[optind + 2];
	}
	if (pv_hex_decode(roots, root, sizeof(root), &root_size, "root hash", &e))
		return pv_cli_fail("verify", &e);

	if (v.p.superblock) {
		if (pv_verity_sb_read(hash, v.p.hash_offset, &p, &e))
			return pv_cli_fail("verify", &e);
	} else {
		p = v.p;
		/* the whole data file by default, as cryptsetup does */
		if (p.data_blocks == 0 &&
		    pv_verity_data_blocks(data, p.data_block_size, &p.data_blocks, &e))
			return pv_cli_fail("verify", &e);
	}
	own = strcmp(v.check, "libcryptsetup") != 0;
	lcs = strcmp(v.check, "podvm") != 0;
	vo.threads = v.threads;
	vo.engine = v.engine;
	if (own)
		r = pv_verity_verify(data, hash, &p, root, root_size, &vo, &e);
	if (own && r && r != PV_EVERIFY)
		return pv_cli_fail("verify", &e);
	if (lcs)
		lr = pv_verity_libcryptsetup_verify(data, hash, &p, root, root_size, &le);
	if (lcs && lr && lr != PV_EVERIFY)
		return pv_cli_fail("verify", &le);
	if (own && lcs && (r == 0) != (lr == 0))
		return pv_cli_failf("verify", "podvm and libcryptsetup disagree: podvm: %s; libcryptsetup: %s",
				    r ? e.msg : "valid", lr ? le.msg : "valid");
	if (v.json) {
		char engine[128];
		json_t *doc;

		if (own && vs_engine(&v, &p, engine, sizeof(engine), &le))
			return pv_cli_fail("verify", &le);
		doc = json_pack("{s:s, s:s, s:b, s:b, s:b, s:s?, s:s?}",
				"data_device", data, "hash_device", hash,
				"valid", !r && !lr, "podvm", own,
				"libcryptsetup", lcs,
				"hash_engine", own ? engine : NULL,
				"error", r ? e.msg : lr ? le.msg : NULL);

		if (!doc || pv_json_print(doc))
			return pv_cli_failf("verify", "cannot print JSON");
		json_decref(doc);
	}
	if (r) {
		if (lcs) {
			char msg[PV_ERR_MSG_MAX];

			snprintf(msg, sizeof(msg), "%s (libcryptsetup agrees: %s)", e.msg,
				 strncmp(le.msg, "libcryptsetup: ", 15) ? le.msg : le.msg + 15);
			pv_errf(&e, r, "%s", msg);
		}
		return pv_cli_fail("verify", &e);
	}
	if (lr)
		return pv_cli_fail("verify", &le);
	return PV_EXIT_OK;
}
