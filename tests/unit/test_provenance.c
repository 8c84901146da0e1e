/* SPDX-License-Identifier: Apache-2.0 */
/* test_provenance.c - lib/release/provenance: DSSE's pre-authentication
 * encoding (the known answer of the DSSE v1 protocol document) and the
 * refusals of pv_prov_verify that need no key pair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "release/provenance.h"

static void test_pae_kat(void **state)
{
	/* the test vector of the DSSE v1 protocol document (secure-systems-lab/dsse) */
	static const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
	uint8_t *p = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(pv_dsse_pae("http://example.com/HelloWorld",
				     (const uint8_t *)"hello world", 11, &p, &n), 0);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(p, want, n);
	free(p);
}

static void test_pae_empty_and_binary(void **state)
{
	static const uint8_t body[3] = { 0, ' ', 0xff };
	uint8_t *p = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(pv_dsse_pae("", body, 0, &p, &n), 0);
	assert_int_equal(n, strlen("DSSEv1 0  0 "));
	assert_memory_equal(p, "DSSEv1 0  0 ", n);
	free(p);
	/* the body is counted in bytes and copied as it is, NULs included */
	assert_int_equal(pv_dsse_pae(PV_DSSE_INTOTO_TYPE, body, 3, &p, &n), 0);
	assert_int_equal(n, strlen("DSSEv1 28 application/vnd.in-toto+json 3 ") + 3);
	assert_memory_equal(p + n - 3, body, 3);
	free(p);
}

static char dir[] = "/tmp/podvm-prov.XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_verify_refusals(void **state)
{
	struct pv_err e = { 0 };
	char env[256], key[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(env, sizeof(env), "%s/provenance.dsse.json", dir);
	snprintf(key, sizeof(key), "%s/key.pub", dir);
	/* an Ed25519 public key (RFC 8410 section 10.1) */
	put("key.pub", "-----BEGIN PUBLIC KEY-----\n"
	    "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
	    "-----END PUBLIC KEY-----\n");
	put("provenance.dsse.json", "{\"payloadType\": \"text/plain\", "
	    "\"payload\": \"\", \"signatures\": []}");
	assert_int_equal(pv_prov_verify(env, key, dir, NULL, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "payloadType 'text/plain'"));
	put("provenance.dsse.json", "{\"payloadType\": \"" PV_DSSE_INTOTO_TYPE
	    "\", \"payload\": \"e30=\", \"signatures\": []}");
	assert_int_equal(pv_prov_verify(env, key, dir, NULL, &e), PV_EVERIFY);
	assert_non_null(strstr(e.msg, "unsigned"));
	put("provenance.dsse.json", "{\"payloadType\": \"" PV_DSSE_INTOTO_TYPE
	    "\", \"payload\": \"e30=\", \"signatures\": [{\"keyid\": \"\", "
	    "\"sig\": \"AAAA\"}]}");
	assert_int_equal(pv_prov_verify(env, key, dir, NULL, &e), PV_EVERIFY);
	assert_non_null(strstr(e.msg, "no signature verifies with the ed25519 key"));
	put("provenance.dsse.json", "{\"payloadType\": \"" PV_DSSE_INTOTO_TYPE
	    "\", \"payload\": \"e30\", \"signatures\": [{\"sig\": \"AAAA\"}]}");
	assert_int_equal(pv_prov_verify(env, key, dir, NULL, &e), PV_EVERIFY);
	assert_non_null(strstr(e.msg, "payload: not base64"));
	put("key.pub", "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n");
	assert_int_equal(pv_prov_verify(env, key, dir, NULL, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "not a PEM public key"));
	unlink(env);
	unlink(key);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pae_kat),
		cmocka_unit_test(test_pae_empty_and_binary),
		cmocka_unit_test(test_verify_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
