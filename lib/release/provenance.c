/* SPDX-License-Identifier: Apache-2.0 */
/*
 * provenance.c - verifying the signed provenance of a release
 * (supply-chain.md, "The provenance"): a DSSE v1 envelope whose payload is
 * an in-toto Statement v1 with a SLSA provenance v1 predicate, signed over
 * DSSE's pre-authentication encoding with Ed25519 or ECDSA P-256
 * (OpenSSL), its subjects the files of the release folder.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/base64.h"
#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "release/provenance.h"
#include "release/release.h"

/* An envelope, a statement or a signature larger than this is refused. */
#define PROV_MAX (64u << 20)
#define SIG_MAX 512

int pv_dsse_pae(const char *type, const uint8_t *body, size_t len,
		uint8_t **out, size_t *outlen)
{
	char head[64];
	size_t tlen = strlen(type), n, total;
	int h;
	uint8_t *p;

	/* "DSSEv1 " LEN(type) " " type " " LEN(body) " " body */
	h = snprintf(head, sizeof(head), "DSSEv1 %zu ", tlen);
	if (h < 0 || (size_t)h >= sizeof(head))
		return PV_ERANGE;
	n = (size_t)h;
	if (!pv_add_size(n, tlen, &total) ||
	    !pv_add_size(total, 1 + 21 + 1, &total) ||
	    !pv_add_size(total, len, &total))
		return PV_ERANGE;
	p = malloc(total ? total : 1);
	if (!p)
		return PV_ENOMEM;
	memcpy(p, head, n);
	memcpy(p + n, type, tlen);
	n += tlen;
	h = snprintf((char *)p + n, total - n, " %zu ", len);
	if (h < 0 || (size_t)h >= total - n) {
		free(p);
		return PV_ERANGE;
	}
	n += (size_t)h;
	if (len)
		memcpy(p + n, body, len);
	*out = p;
	*outlen = n + len;
	return 0;
}

/* The release key: Ed25519 or ECDSA over P-256, and its keyid. */
static int load_key(const char *pubkey, EVP_PKEY **out,
		    struct pv_prov_result *res, struct pv_err *e)
{
	uint8_t d[PV_HASH_MAX];
	unsigned char *der = NULL;
	char group[32];
	EVP_PKEY *k;
	BIO *b;
	int n;

	b = BIO_new_file(pubkey, "r");
	if (!b)
		return pv_err_errno(e, errno ? errno : EIO, "%s: cannot open "
				    "the public key", pubkey);
	k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!k)
		return pv_errf(e, PV_EFORMAT, "%s: not a PEM public key "
			       "(-----BEGIN PUBLIC KEY-----)", pubkey);
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519) {
		snprintf(res->key_type, sizeof(res->key_type), "ed25519");
	} else if (EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
		   EVP_PKEY_get_group_name(k, group, sizeof(group), NULL) &&
		   strcmp(group, "prime256v1") == 0) {
		snprintf(res->key_type, sizeof(res->key_type), "ecdsa-p256");
	} else {
		EVP_PKEY_free(k);
		return pv_errf(e, PV_EINVAL, "%s: neither an Ed25519 nor an "
			       "ECDSA P-256 key", pubkey);
	}
	n = i2d_PUBKEY(k, &der);
	if (n <= 0 || pv_hash_buf(PV_SHA256, der, (size_t)n, d)) {
		OPENSSL_free(der);
		EVP_PKEY_free(k);
		return pv_errf(e, PV_ECRYPTO, "%s: cannot encode the key", pubkey);
	}
	OPENSSL_free(der);
	pv_hex_encode(d, 32, res->keyid, sizeof(res->keyid));
	*out = k;
	return 0;
}

/* 1: @sig verifies over @msg with @k, 0: it does not. */
static int sig_ok(EVP_PKEY *k, const struct pv_prov_result *res,
		  const uint8_t *sig, size_t siglen, const uint8_t *msg,
		  size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = 0;

	if (!ctx)
		return 0;
	/* Ed25519 hashes the message itself (no digest); ECDSA over SHA-256 */
	if (EVP_DigestVerifyInit(ctx, NULL, strcmp(res->key_type, "ed25519") ?
				 EVP_sha256() : NULL, NULL, k) == 1)
		ok = EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* The payload's signatures: 0 when one verifies with @k. */
static int check_signatures(const char *path, json_t *env, EVP_PKEY *k,
			    const struct pv_prov_result *res,
			    const uint8_t *pae, size_t paelen, struct pv_err *e)
{
	uint8_t sig[SIG_MAX];
	char where[64];
	const char *s;
	json_t *sigs, *one;
	size_t i, n;
	int r;

	if ((r = pv_jf_get(env, "signatures", JSON_ARRAY, 0, path, &sigs, e)))
		return r;
	if (json_array_size(sigs) == 0)
		return pv_errf(e, PV_EVERIFY, "%s: unsigned: the envelope "
			       "carries no signature", path);
	json_array_foreach(sigs, i, one) {
		snprintf(where, sizeof(where), "signatures[%zu]", i);
		if (!json_is_object(one))
			return pv_errf(e, PV_EFORMAT, "%s: %s: not an object",
				       path, where);
		if ((r = pv_jf_str(one, "sig", 0, where, &s, e)))
			return pv_err_prefix(e, "%s", path);
		if (pv_base64_decode(s, sig, sizeof(sig), &n, where, e))
			return pv_errf(e, PV_EVERIFY, "%s: %s.sig: not the "
				       "base64 of a signature: altered", path,
				       where);
		if (sig_ok(k, res, sig, n, pae, paelen))
			return 0;
	}
	return pv_errf(e, PV_EVERIFY, "%s: no signature verifies with the %s "
		       "key %.16s...: the statement or its signature was "
		       "altered, or another key signed it", path,
		       res->key_type, res->keyid);
}

/* Every subject a file of @dir with its sha256; returns the count. */
static int check_subjects(const char *stmt, json_t *subjects, const char *dir,
			  struct pv_err *e)
{
	uint8_t want[32], got[32];
	struct pv_map m = { 0 };
	char where[64], hex[65];
	const char *name, *digest;
	json_t *s, *d;
	size_t i, n;
	int r;

	json_array_foreach(subjects, i, s) {
		snprintf(where, sizeof(where), "%s: subject[%zu]", stmt, i);
		if (!json_is_object(s))
			return pv_errf(e, PV_EFORMAT, "%s: not an object", where);
		if ((r = pv_jf_str(s, "name", 0, where, &name, e)) ||
		    (r = pv_jf_get(s, "digest", JSON_OBJECT, 0, where, &d, e)))
			return r;
		if (!pv_name_ok(name))
			return pv_errf(e, PV_EVERIFY, "%s: '%.64s' is not a file "
				       "name of the release folder", where, name);
		if ((r = pv_jf_str(d, "sha256", 0, where, &digest, e)))
			return r;
		if (pv_hex_decode(digest, want, sizeof(want), &n, where, e) ||
		    n != sizeof(want))
			return pv_errf(e, PV_EFORMAT, "%s: digest.sha256: not 32 "
				       "bytes of hex", where);
		if ((r = pv_rel_map(dir, name, UINT64_MAX, &m, e)))
			return r;
		r = pv_hash_buf(PV_SHA256, m.data, m.len, got);
		pv_unmap(&m);
		if (r)
			return pv_errf(e, PV_ECRYPTO, "%s/%s: cannot hash", dir,
				       name);
		if (memcmp(want, got, sizeof(got)) != 0) {
			pv_hex_encode(got, sizeof(got), hex, sizeof(hex));
			return pv_errf(e, PV_EVERIFY, "%s/%s: sha256 %s, the "
				       "statement says %s: the artifact was "
				       "altered", dir, name, hex, digest);
		}
	}
	return (int)json_array_size(subjects);
}

/* Every regular file of @dir (but the indexes) is a subject. */
static int check_coverage(json_t *subjects, const char *dir, struct pv_err *e)
{
	struct dirent *de;
	struct stat st;
	char path[4096];
	const char *nm;
	json_t *s;
	size_t i;
	int found, r = 0;
	DIR *d = opendir(dir);

	if (!d)
		return pv_err_errno(e, errno, "%s: cannot open the folder", dir);
	while (!r && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "SHA256SUMS") == 0 ||
		    strncmp(de->d_name, "provenance.", 11) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		found = 0;
		json_array_foreach(subjects, i, s) {
			nm = json_string_value(json_object_get(s, "name"));
			if (nm && strcmp(nm, de->d_name) == 0)
				found = 1;
		}
		if (!found)
			r = pv_errf(e, PV_EVERIFY, "%s: in the release but not a "
				    "subject of the statement", path);
	}
	closedir(d);
	return r;
}

/* The statement names the release of @dir (its build-info.json). */
static int check_release(const char *stmt, json_t *st, const char *dir,
			 struct pv_prov_result *res, struct pv_err *e)
{
	const char *name, *version, *bname, *bversion;
	json_t *p, *bi, *img;
	char path[4096];
	int r;

	if ((r = pv_jf_get(st, "predicate", JSON_OBJECT, 0, stmt, &p, e)) ||
	    (r = pv_jf_get(p, "buildDefinition", JSON_OBJECT, 0,
			   "predicate", &p, e)) ||
	    (r = pv_jf_get(p, "externalParameters", JSON_OBJECT, 0,
			   "predicate.buildDefinition", &p, e)) ||
	    (r = pv_jf_get(p, "image", JSON_OBJECT, 0,
			   "externalParameters", &img, e)) ||
	    (r = pv_jf_str(img, "name", 0, "externalParameters.image", &name, e)) ||
	    (r = pv_jf_str(img, "version", 0, "externalParameters.image",
			   &version, e)))
		return pv_err_prefix(e, "%s", stmt);
	snprintf(path, sizeof(path), "%s/build-info.json", dir);
	bi = pv_json_load_file(path, PROV_MAX, e);
	if (!bi)
		return e ? e->code : PV_EIO;
	r = pv_jf_get(bi, "image", JSON_OBJECT, 0, path, &img, e);
	if (!r)
		r = pv_jf_str(img, "name", 0, "build-info.json: image", &bname, e);
	if (!r)
		r = pv_jf_str(img, "version", 0, "build-info.json: image",
			      &bversion, e);
	if (!r && (strcmp(name, bname) != 0 || strcmp(version, bversion) != 0))
		r = pv_errf(e, PV_EVERIFY, "%s: the statement is of %.64s "
			    "%.32s, the release in %s is %.64s %.32s", stmt,
			    name, version, dir, bname, bversion);
	if (!r) {
		snprintf(res->image, sizeof(res->image), "%s", name);
		snprintf(res->version, sizeof(res->version), "%s", version);
	}
	json_decref(bi);
	return r;
}

int pv_prov_verify(const char *path, const char *pubkey, const char *dir,
		   struct pv_prov_result *res, struct pv_err *e)
{
	struct pv_prov_result local;
	const char *type, *payload, *t;
	uint8_t *body = NULL, *pae = NULL;
	size_t len = 0, paelen = 0, cap;
	json_t *env, *st = NULL, *subjects;
	json_error_t je;
	EVP_PKEY *k = NULL;
	char stmt[4200];
	int r;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	env = pv_json_load_file(path, PROV_MAX, e);
	if (!env)
		return e ? e->code : PV_EFORMAT;
	if (!json_is_object(env)) {
		r = pv_errf(e, PV_EFORMAT, "%s: not a DSSE envelope (an object)",
			    path);
		goto out;
	}
	if ((r = pv_jf_str(env, "payloadType", 0, path, &type, e)) ||
	    (r = pv_jf_str(env, "payload", 0, path, &payload, e)))
		goto out;
	if (strcmp(type, PV_DSSE_INTOTO_TYPE) != 0) {
		r = pv_errf(e, PV_EFORMAT, "%s: payloadType '%.64s', expected "
			    "%s", path, type, PV_DSSE_INTOTO_TYPE);
		goto out;
	}
	if ((r = load_key(pubkey, &k, res, e)))
		goto out;
	cap = strlen(payload) / 4 * 3 + 3;
	body = malloc(cap);
	if (!body) {
		r = pv_errf(e, PV_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	if (pv_base64_decode(payload, body, cap, &len, "payload", e)) {
		r = pv_errf(e, PV_EVERIFY, "%s: payload: not base64: altered",
			    path);
		goto out;
	}
	if ((r = pv_dsse_pae(type, body, len, &pae, &paelen))) {
		r = pv_errf(e, r, "%s: cannot encode the payload", path);
		goto out;
	}
	/* the signature first: nothing of the payload is trusted before */
	if ((r = check_signatures(path, env, k, res, pae, paelen, e)))
		goto out;
	snprintf(stmt, sizeof(stmt), "%s: statement", path);
	st = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &je);
	if (!st || !json_is_object(st)) {
		r = pv_errf(e, PV_EFORMAT, "%s: not a JSON object: %s", stmt,
			    st ? "another type" : je.text);
		goto out;
	}
	if ((r = pv_jf_str(st, "_type", 0, stmt, &t, e)))
		goto out;
	if (strcmp(t, PV_INTOTO_STATEMENT_V1) != 0) {
		r = pv_errf(e, PV_EFORMAT, "%s: _type '%.64s', expected %s",
			    stmt, t, PV_INTOTO_STATEMENT_V1);
		goto out;
	}
	if ((r = pv_jf_str(st, "predicateType", 0, stmt, &t, e)))
		goto out;
	if (strcmp(t, PV_SLSA_PROVENANCE_V1) != 0) {
		r = pv_errf(e, PV_EFORMAT, "%s: predicateType '%.64s', "
			    "expected %s", stmt, t, PV_SLSA_PROVENANCE_V1);
		goto out;
	}
	if ((r = pv_jf_get(st, "subject", JSON_ARRAY, 0, stmt, &subjects, e)))
		goto out;
	if (json_array_size(subjects) == 0) {
		r = pv_errf(e, PV_EFORMAT, "%s: no subject", stmt);
		goto out;
	}
	if ((r = check_release(stmt, st, dir, res, e)))
		goto out;
	if ((r = check_subjects(stmt, subjects, dir, e)) < 0)
		goto out;
	res->subjects = (size_t)r;
	r = check_coverage(subjects, dir, e);
out:
	json_decref(st);
	json_decref(env);
	EVP_PKEY_free(k);
	free(body);
	free(pae);
	return r;
}
