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
	struct pv_verity_opts vo = { 0 };
	struct pv_verity_params p;
	struct pv_err e = { 0 }, le = { 0 };
	uint8_t root[PV_HASH_MAX];
	char roothex[2 * PV_HASH_MAX + 2];
	const char *data, *hash, *roots;
	bool own, lcs;
	int i, n, r = 0, lr = 0;
	size_t root_size;
	struct vs_opts v;

	i = vs_parse(&v, VS_CMD_VERIFY, argc, argv);
	n = v.st.noperands;
	data = argv[i];
	hash = argv[i + 1];
	if ((n == 3) == (v.root_hash_file != NULL))
		pv_opts_usage_error(&v.st, "give the root hash either as ROOT_HASH or with --root-hash-file");
	if (v.root_hash_file) {
		if (read_root(v.root_hash_file, roothex, sizeof(roothex), &e))
			return pv_cli_fail("verify", &e);
		roots = roothex;
	} else {
		roots = argv[i + 2];
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
