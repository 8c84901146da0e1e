/* SPDX-License-Identifier: Apache-2.0 */
/*
 * regions.c - a launch's step log (`measure snp --log`, `measure cca
 * --log`: one JSON object per line with "region", "gpa", "page_type" or
 * "type", "contents" and "digest") folded into its regions.  A region is a
 * run of consecutive updates with the same name; it keeps the number of
 * updates, the first GPA, a SHA-256 over every update's GPA, type and
 * contents, and the launch digest after its last update.  Two releases'
 * region lists part where their measured inputs part: the first differing
 * region names the input (kernel, initrd, cmdline, vmsa, ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/err.h"
#include "core/hex.h"
#include "release/release.h"

struct pv_region_fold {
	json_t *list;
	char region[64];
	char gpa[24];
	char digest[2 * PV_HASH_MAX + 1];
	uint64_t updates;
	struct pv_digest sha;
	bool open;
};

static const char *member(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : "";
}

static int flush(struct pv_region_fold *f)
{
	uint8_t d[32];
	char hex[65];
	json_t *r;

	if (!f->open)
		return 0;
	f->open = false;
	if (pv_digest_final(&f->sha, d))
		return PV_ECRYPTO;
	pv_hex_encode(d, sizeof(d), hex, sizeof(hex));
	r = json_pack("{s:s, s:I, s:s, s:s, s:s}", "region", f->region,
		      "updates", (json_int_t)f->updates, "gpa", f->gpa,
		      "contents", hex, "digest", f->digest);
	if (!r || json_array_append_new(f->list, r))
		return PV_ENOMEM;
	return 0;
}

struct pv_region_fold *pv_region_fold_new(struct pv_err *e)
{
	struct pv_region_fold *f = calloc(1, sizeof(*f));

	if (!f || !(f->list = json_array())) {
		free(f);
		pv_errf(e, PV_ENOMEM, "out of memory");
		return NULL;
	}
	if (pv_digest_init(&f->sha, PV_SHA256, e)) {
		json_decref(f->list);
		free(f);
		return NULL;
	}
	return f;
}

void pv_region_fold_free(struct pv_region_fold *f)
{
	if (!f)
		return;
	pv_digest_free(&f->sha);
	json_decref(f->list);
	free(f);
}

int pv_region_fold_add(struct pv_region_fold *f, json_t *o, const char *name,
		       uint64_t lineno, struct pv_err *e)
{
	const char *region, *type;
	int r;

	if (!json_is_object(o))
		return pv_errf(e, PV_EFORMAT, "%s: line %llu: not a log object",
			       name, (unsigned long long)lineno);
	region = member(o, "region");
	if (!*region || !json_is_string(json_object_get(o, "digest")))
		return pv_errf(e, PV_EFORMAT, "%s: line %llu: no \"region\" or "
			       "\"digest\"", name, (unsigned long long)lineno);
	if (f->open && strcmp(region, f->region) != 0 && (r = flush(f)))
		return pv_errf(e, r, "%s: folding the log failed", name);
	if (!f->open) {
		/* f->sha: reset by the last pv_digest_final() */
		snprintf(f->region, sizeof(f->region), "%s", region);
		snprintf(f->gpa, sizeof(f->gpa), "%s", member(o, "gpa"));
		f->updates = 0;
		f->open = true;
	}
	type = member(o, "page_type");
	if (!*type)
		type = member(o, "type");
	if (!*type)
		type = member(o, "event");	/* measure tdx --log */
	/* what the update measured, field by field, NUL-separated */
	pv_digest_update(&f->sha, member(o, "gpa"), strlen(member(o, "gpa")) + 1);
	pv_digest_update(&f->sha, type, strlen(type) + 1);
	pv_digest_update(&f->sha, member(o, "contents"),
			 strlen(member(o, "contents")) + 1);
	snprintf(f->digest, sizeof(f->digest), "%s", member(o, "digest"));
	f->updates++;
	return 0;
}

json_t *pv_region_fold_finish(struct pv_region_fold *f, const char *name,
			      struct pv_err *e)
{
	json_t *list;
	int r = flush(f);

	if (r) {
		pv_errf(e, r, "%s: folding the log failed", name);
		pv_region_fold_free(f);
		return NULL;
	}
	list = f->list;
	f->list = NULL;
	pv_region_fold_free(f);
	return list;
}

json_t *pv_log_regions(const uint8_t *log, size_t len, const char *name,
		       struct pv_err *e)
{
	struct pv_region_fold *f = pv_region_fold_new(e);
	size_t pos = 0, lineno = 0;

	if (!f)
		return NULL;
	while (pos < len) {
		const uint8_t *nl = memchr(log + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (log + pos)) : len - pos;
		json_error_t je;
		json_t *o;
		int r;

		lineno++;
		o = json_loadb((const char *)log + pos, n, 0, &je);
		pos += n + 1;
		r = pv_region_fold_add(f, o, name, lineno, e);
		json_decref(o);
		if (r) {
			pv_region_fold_free(f);
			return NULL;
		}
	}
	return pv_region_fold_finish(f, name, e);
}

static const char *rstr(const json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	return json_is_string(v) ? json_string_value(v) : "";
}

int pv_regions_diverge(const json_t *a, const json_t *b, char *region,
		       size_t rsize, char *why, size_t wsize)
{
	size_t i, na = json_array_size(a), nb = json_array_size(b);

	for (i = 0; i < na || i < nb; i++) {
		json_t *ra = json_array_get(a, i), *rb = json_array_get(b, i);
		json_int_t ua, ub;

		if (!ra || !rb) {
			snprintf(region, rsize, "%s", rstr(ra ? ra : rb, "region"));
			snprintf(why, wsize, "only in the %s list (%zu vs %zu "
				 "regions)", ra ? "first" : "second", na, nb);
			return 1;
		}
		snprintf(region, rsize, "%s", rstr(rb, "region"));
		ua = json_integer_value(json_object_get(ra, "updates"));
		ub = json_integer_value(json_object_get(rb, "updates"));
		if (strcmp(rstr(ra, "region"), rstr(rb, "region"))) {
			snprintf(why, wsize, "region %s in place of %s",
				 rstr(rb, "region"), rstr(ra, "region"));
			return 1;
		}
		if (strcmp(rstr(ra, "gpa"), rstr(rb, "gpa"))) {
			snprintf(why, wsize, "starts at GPA %s, was %s",
				 rstr(rb, "gpa"), rstr(ra, "gpa"));
			return 1;
		}
		if (ua != ub) {
			snprintf(why, wsize, "%lld updates, was %lld",
				 (long long)ub, (long long)ua);
			return 1;
		}
		if (strcmp(rstr(ra, "contents"), rstr(rb, "contents"))) {
			/* a TDX event has no GPA */
			snprintf(why, wsize, "its contents differ (%s%s%s%lld "
				 "updates)", *rstr(rb, "gpa") ? "GPA " : "",
				 rstr(rb, "gpa"), *rstr(rb, "gpa") ? ", " : "",
				 (long long)ub);
			return 1;
		}
	}
	return 0;
}
