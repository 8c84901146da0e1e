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
#include "core/json.h"
#include "snp/idblock.h"
#include "cmds.h"
#include "opts.h"
#include "snp_opts.h"

#define KEY_MAX (1u << 20)

static int b64(const uint8_t *buf, size_t len, char **out)
{
	*out = pv_base64_alloc(buf, len);
	return *out ? 0 : PV_ENOMEM;
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

int cmd_snp_id_block(int argc, char **argv)
{
	struct pv_snp_id_block_in in = { .version = 1 };
	struct pv_snp_key *idk = NULL, *ak = NULL;
	uint8_t block[PV_SNP_ID_BLOCK_SIZE], auth[PV_SNP_ID_AUTH_SIZE];
	uint8_t idd[48], ad[48];
	char *bb = NULL, *ab = NULL, *idb = NULL, *adb = NULL;
	struct pv_err e = { 0 };
	struct snp_opts o;
	bool json;
	int rc = PV_EXIT_FAIL;

	snp_parse(&o, M_SNP_ID_BLOCK, argc, argv);
	json = o.json;
	memcpy(in.ld, o.ld, sizeof(in.ld));
	memcpy(in.family_id, o.family_id, sizeof(in.family_id));
	memcpy(in.image_id, o.image_id, sizeof(in.image_id));
	in.guest_svn = o.guest_svn;
	in.policy = o.policy;
	if (load_key(o.idkey, &idk, &e) ||
	    (o.authorkey && load_key(o.authorkey, &ak, &e)))
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
