/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jfield.c - strict access to the members of hand-written or published
 * JSON files: a missing, mistyped or unknown member is an error that names
 * the file and the member's path.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/hex.h"
#include "release/release.h"

static const char *type_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "true or false";
	default: return "null";
	}
}

int pv_jf_get(const json_t *o, const char *key, json_type type, int flags,
	      const char *path, json_t **out, struct pv_err *e)
{
	json_t *v = json_object_get(o, key);

	if (!v) {
		if (flags & PV_JF_OPTIONAL)
			return 1;
		return pv_errf(e, PV_EFORMAT, "%s.%s: missing (%s expected)",
			       path, key, type_name(type));
	}
	if (json_typeof(v) != type &&
	    !(type == JSON_TRUE && json_is_boolean(v)))
		return pv_errf(e, PV_EFORMAT, "%s.%s: %s, expected %s", path,
			       key, type_name(json_typeof(v)), type_name(type));
	*out = v;
	return 0;
}

int pv_jf_str(const json_t *o, const char *key, int flags, const char *path,
	      const char **out, struct pv_err *e)
{
	json_t *v;
	int r = pv_jf_get(o, key, JSON_STRING, flags, path, &v, e);

	if (r)
		return r;
	if (strlen(json_string_value(v)) != json_string_length(v))
		return pv_errf(e, PV_EFORMAT, "%s.%s: contains a NUL character",
			       path, key);
	*out = json_string_value(v);
	return 0;
}

int pv_jf_uint(const json_t *o, const char *key, int flags, uint64_t min,
	       uint64_t max, const char *path, uint64_t *out,
	       struct pv_err *e)
{
	json_t *v;
	json_int_t x;
	int r = pv_jf_get(o, key, JSON_INTEGER, flags, path, &v, e);

	if (r)
		return r;
	x = json_integer_value(v);
	if (x < 0 || (uint64_t)x < min || (uint64_t)x > max)
		return pv_errf(e, PV_EFORMAT, "%s.%s: %lld is outside %llu..%llu",
			       path, key, (long long)x, (unsigned long long)min,
			       (unsigned long long)max);
	*out = (uint64_t)x;
	return 0;
}

int pv_jf_bool(const json_t *o, const char *key, int flags, const char *path,
	       bool *out, struct pv_err *e)
{
	json_t *v;
	int r = pv_jf_get(o, key, JSON_TRUE, flags, path, &v, e);

	if (r)
		return r;
	*out = json_is_true(v);
	return 0;
}

int pv_jf_only(json_t *o, const char *const *keys, const char *path,
	       struct pv_err *e)
{
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(o, k, v) {
		for (i = 0; keys[i]; i++)
			if (!strcmp(k, keys[i]))
				break;
		if (!keys[i])
			return pv_errf(e, PV_EFORMAT, "%s: unknown member '%.64s'",
				       path, k);
	}
	return 0;
}

int pv_jf_hex(const json_t *o, const char *key, size_t len, const char *path,
	      uint8_t *out, struct pv_err *e)
{
	const char *s;
	size_t i, got;
	int r = pv_jf_str(o, key, 0, path, &s, e);

	if (r)
		return r;
	if (strlen(s) != 2 * len)
		return pv_errf(e, PV_EFORMAT, "%s.%s: %zu characters, expected "
			       "%zu hex digits", path, key, strlen(s), 2 * len);
	for (i = 0; i < 2 * len; i++)
		if (s[i] >= 'A' && s[i] <= 'F')
			return pv_errf(e, PV_EFORMAT, "%s.%s: upper-case hex "
				       "(write it in lower case)", path, key);
	if (pv_hex_decode(s, out, len, &got, key, e))
		return pv_err_prefix(e, "%s", path);
	return 0;
}

int pv_jf_header(json_t *doc, const char *name, const char *const *keys,
		 const char **image, const char **version, struct pv_err *e)
{
	static const char *const ikeys[] = { "name", "version", NULL };
	char at[200];
	json_t *img;
	uint64_t ver;
	int rc;

	if (!json_is_object(doc))
		return pv_errf(e, PV_EFORMAT, "%s: not a JSON object", name);
	snprintf(at, sizeof(at), "%s: image", name);
	if ((rc = pv_jf_only(doc, keys, name, e)) ||
	    (rc = pv_jf_uint(doc, "version", 0, 1, 1, name, &ver, e)) ||
	    (rc = pv_jf_get(doc, "image", JSON_OBJECT, 0, name, &img, e)) ||
	    (rc = pv_jf_only(img, ikeys, at, e)) ||
	    (rc = pv_jf_str(img, "name", 0, at, image, e)) ||
	    (rc = pv_jf_str(img, "version", 0, at, version, e)))
		return rc;
	return 0;
}

bool pv_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '+'))
			return false;
	}
	return true;
}
