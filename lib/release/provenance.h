/* SPDX-License-Identifier: Apache-2.0 */
/*
 * provenance.h - the signed provenance of a release (supply-chain.md): an
 * in-toto Statement v1 with a SLSA provenance v1 predicate in a DSSE
 * envelope, its subjects the files of the release folder.
 */
#ifndef PODVM_RELEASE_PROVENANCE_H
#define PODVM_RELEASE_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>

struct pv_err;

#define PV_DSSE_INTOTO_TYPE "application/vnd.in-toto+json"
#define PV_INTOTO_STATEMENT_V1 "https://in-toto.io/Statement/v1"
#define PV_SLSA_PROVENANCE_V1 "https://slsa.dev/provenance/v1"

struct pv_prov_result {
	char image[128];   /* externalParameters.image.name */
	char version[64];  /* externalParameters.image.version */
	char key_type[16]; /* "ed25519" or "ecdsa-p256" */
	char keyid[65];    /* hex sha256 of the key's DER SubjectPublicKeyInfo */
	size_t subjects;   /* subjects checked against the folder */
};

/**
 * pv_dsse_pae - the DSSE v1 pre-authentication encoding of (@type, @body):
 * "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, each LEN the ASCII
 * decimal byte count
 * @out: set to a new buffer (free it) of *@outlen bytes
 * returns: 0, PV_ENOMEM, PV_ERANGE (a length that overflows)
 */
int pv_dsse_pae(const char *type, const uint8_t *body, size_t len,
		uint8_t **out, size_t *outlen);

/**
 * pv_prov_verify - check the DSSE provenance envelope @path of the release
 * in folder @dir with the release public key @pubkey (PEM, Ed25519 or
 * ECDSA P-256)
 *
 * In order: the envelope's form and payloadType; a signature over
 * PAE(payloadType, payload) that verifies with the key (the keyid is a
 * hint only, as DSSE says); the statement's type, predicate type and
 * subjects; every subject a file of @dir with that sha256; every regular
 * file of @dir a subject (but SHA256SUMS and provenance.*); the image and
 * version the statement names are those of @dir's build-info.json.
 * @res: filled on success (may be NULL)
 * returns: 0; PV_EVERIFY for an unsigned envelope, a signature that does
 *          not verify, a payload or signature that is not base64, a
 *          subject whose digest differs, a file that is no subject, or a
 *          statement of another release (the message names which);
 *          PV_EFORMAT for a malformed envelope or statement; PV_EIO for a
 *          file missing or unreadable; PV_EINVAL for a key that is neither
 *          Ed25519 nor P-256; PV_ECRYPTO, PV_ENOMEM
 */
int pv_prov_verify(const char *path, const char *pubkey, const char *dir,
		   struct pv_prov_result *res, struct pv_err *e);

#endif
