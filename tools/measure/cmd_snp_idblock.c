/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_snp_idblock.c - `measure snp id-block`: the SEV-SNP ID block and ID
 * authentication structure for a launch digest, in the form QEMU's
 * sev-snp-guest object takes (id-block=B64,id-auth=B64) and as
 * sev-snp-measure's snp-create-id-block prints them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "core/base64.h"
#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"
#include "snp/idblock.h"
#include "cmds.h"

static const char usage[] =
	"Usage: measure snp id-block --measurement LD --idkey PEM [OPTION...]\n"
	"Build the SEV-SNP ID block and ID authentication information for a\n"
	"launch digest, as sev-snp-measure's snp-create-id-block does.\n"
	"\n"
	"  --measurement LD   the launch digest: base64 (as sev-snp-measure\n"
	"                     --output-format base64 prints it) or 96 hex digits\n"
	"  --idkey PEM        ID key: EC P-384 private key (PEM)\n"
	"  --authorkey PEM    author key (optional): signs the ID key\n"
	"  --family-id HEX    16 bytes (default zeros)\n"
	"  --image-id HEX     16 bytes (default zeros)\n"
	"  --guest-svn N      (default 0)\n"
	"  --policy N         guest policy (default 0x30000)\n"
	"  --json             print a JSON document\n"
	"\n"
	"The ID block is version 1.  Signatures are ECDSA P-384 with SHA-384\n"
	"and random nonces, so id-auth differs from run to run; the ID block\n"
	"and the key digests do not.\n";

#define KEY_MAX (1u << 20)

static int b64(const uint8_t *buf, size_t len, char **out)
{
	*out = pv_base64_alloc(buf, len);
	return *out ? 0 : PV_ENOMEM;
}

static int parse_ld(const char *s, uint8_t ld[48], struct pv_err *e)
{
	size_t n;

	if (strlen(s) == 96)
		return pv_hex_decode(s, ld, 48, &n, "--measurement", e);
	/* 48 bytes are exactly 64 base64 characters, no padding */
	if (strlen(s) != 64 || pv_base64_decode(s, ld, 48, &n, "--measurement", NULL) ||
	    n != 48)
		return pv_errf(e, PV_EFORMAT, "--measurement: expected 48 bytes "
			       "as 64 base64 characters or 96 hex digits");
	return 0;
}

static int load_key(const char *path, struct pv_snp_key **k, struct pv_err *e)
{
	struct pv_map m = { 0 };
	int r = pv_map_file(path, KEY_MAX, &m, e);

	if (!r)
		r = pv_snp_key_from_pem(m.data, m.len, path, k, e);
	pv_unmap(&m);
	return r;
}

static void id16(const char *s, uint8_t out[16], const char *what)
{
	struct pv_err e = { 0 };
	size_t n;

	if (pv_hex_decode(s, out, 16, &n, what, &e) || n != 16)
		pv_cli_usage_error(usage, "%s", e.msg[0] ? e.msg :
				   "family/image id: expected 32 hex digits");
}

int cmd_snp_id_block(int argc, char **argv)
{
	enum { O_LD = 256, O_ID, O_AUTHOR, O_FAM, O_IMG, O_SVN, O_POL, O_JSON };
	static const struct option opts[] = {
		{ "measurement", required_argument, NULL, O_LD },
		{ "idkey", required_argument, NULL, O_ID },
		{ "authorkey", required_argument, NULL, O_AUTHOR },
		{ "family-id", required_argument, NULL, O_FAM },
		{ "image-id", required_argument, NULL, O_IMG },
		{ "guest-svn", required_argument, NULL, O_SVN },
		{ "policy", required_argument, NULL, O_POL },
		{ "json", no_argument, NULL, O_JSON },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_snp_id_block_in in = { .version = 1, .policy = 0x30000 };
	struct pv_snp_key *idk = NULL, *ak = NULL;
	const char *ld = NULL, *idpath = NULL, *apath = NULL;
	uint8_t block[PV_SNP_ID_BLOCK_SIZE], auth[PV_SNP_ID_AUTH_SIZE];
	uint8_t idd[48], ad[48];
	char *bb = NULL, *ab = NULL, *idb = NULL, *adb = NULL;
	struct pv_err e = { 0 };
	uint64_t v;
	int c, json = 0, rc = PV_EXIT_FAIL;

	while ((c = pv_cli_getopt(argc, argv, "", opts, usage)) != -1) {
		switch (c) {
		case O_LD: ld = optarg; break;
		case O_ID: idpath = optarg; break;
		case O_AUTHOR: apath = optarg; break;
		case O_FAM: id16(optarg, in.family_id, "--family-id"); break;
		case O_IMG: id16(optarg, in.image_id, "--image-id"); break;
		case O_SVN:
			if (pv_parse_u64(optarg, 0xffffffff, &v, "--guest-svn", &e))
				pv_cli_usage_error(usage, "%s", e.msg);
			in.guest_svn = (uint32_t)v;
			break;
		case O_POL:
			if (pv_parse_u64(optarg, UINT64_MAX, &in.policy,
					 "--policy", &e))
				pv_cli_usage_error(usage, "%s", e.msg);
			break;
		case O_JSON: json = 1; break;
		}
	}
	pv_cli_operands(argc, argv, 0, 0, usage);
	if (!ld || !idpath)
		pv_cli_usage_error(usage, "--measurement and --idkey are required");
	if (parse_ld(ld, in.ld, &e))
		pv_cli_usage_error(usage, "%s", e.msg);
	if (load_key(idpath, &idk, &e) || (apath && load_key(apath, &ak, &e)))
		goto fail;
	pv_snp_id_block(&in, block);
	if (pv_snp_id_auth(block, idk, ak, auth, &e) ||
	    pv_snp_key_digest(idk, idd, &e) ||
	    (ak && pv_snp_key_digest(ak, ad, &e)))
		goto fail;
	if (b64(block, sizeof(block), &bb) || b64(auth, sizeof(auth), &ab) ||
	    b64(idd, 48, &idb) || (ak && b64(ad, 48, &adb))) {
		pv_errf(&e, PV_ENOMEM, "out of memory");
		goto fail;
	}
	if (json) {
		json_t *doc = json_object();

		json_object_set_new(doc, "id_block", json_string(bb));
		json_object_set_new(doc, "id_auth", json_string(ab));
		json_object_set_new(doc, "id_key_digest", pv_json_hex(idd, 48));
		if (ak)
			json_object_set_new(doc, "author_key_digest",
					    pv_json_hex(ad, 48));
		json_object_set_new(doc, "ld", pv_json_hex(in.ld, 48));
		json_object_set_new(doc, "family_id", pv_json_hex(in.family_id, 16));
		json_object_set_new(doc, "image_id", pv_json_hex(in.image_id, 16));
		json_object_set_new(doc, "guest_svn", json_integer(in.guest_svn));
		json_object_set_new(doc, "policy", json_integer((json_int_t)in.policy));
		pv_json_print(doc);
		json_decref(doc);
	} else {
		/* snp-create-id-block's output, keys as base64 SHA-384 */
		printf("id-block=%s,id-auth=%s\n", bb, ab);
		printf("id_key_hash: %s\n", idb);
		if (ak)
			printf("author_key: %s\n", adb);
	}
	rc = PV_EXIT_OK;
	goto out;
fail:
	rc = pv_cli_fail("snp id-block", &e);
out:
	pv_snp_key_free(idk);
	pv_snp_key_free(ak);
	free(bb);
	free(ab);
	free(idb);
	free(adb);
	return rc;
}
