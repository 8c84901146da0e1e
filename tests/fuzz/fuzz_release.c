/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_release.c - the readers of lib/release over arbitrary bytes: the
 * input as a refvalues.json (parsed, its consumer sections derived, drift
 * against itself), as an artifacts.json, as a step log folded into regions,
 * and as an integrity string.  Every error must come with a message.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "release/release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void no_report(void *arg, const char *line, json_t *detail)
{
	(void)arg;
	if (!line[0])
		abort();
	json_decref(detail);
}

static struct pv_rv_doc rv;
static struct pv_art_index art;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pv_err e = { 0 };
	uint8_t d[PV_HASH_MAX];
	enum pv_hash alg;
	json_error_t je;
	json_t *doc, *regions;
	char s[256];
	int r;

	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (doc) {
		r = pv_rv_parse(json_incref(doc), "f", &rv, &e);
		if (r && !e.msg[0])
			abort();
		if (!r) {
			json_decref(pv_rv_derive(json_object_get(rv.doc, "values")));
			if (pv_rv_drift(&rv, &rv, no_report, NULL) != 0)
				abort(); /* a document does not drift from itself */
		}
		pv_rv_free(&rv);
		memset(&e, 0, sizeof(e));
		r = pv_art_parse(doc, "f", &art, &e);
		if (r && !e.msg[0])
			abort();
		pv_art_free(&art);
	}
	memset(&e, 0, sizeof(e));
	regions = pv_log_regions(data, size, "log", &e);
	if (!regions && !e.msg[0])
		abort();
	if (regions) {
		char reg[64], why[PV_REGION_TEXT];

		if (pv_regions_diverge(regions, regions, reg, sizeof(reg), why,
				       sizeof(why)))
			abort();
		json_decref(regions);
	}
	memcpy(s, data, size < sizeof(s) - 1 ? size : sizeof(s) - 1);
	s[size < sizeof(s) - 1 ? size : sizeof(s) - 1] = 0;
	memset(&e, 0, sizeof(e));
	if (pv_sri_parse(s, &alg, d, "sri", &e) && !e.msg[0])
		abort();
	return 0;
}
