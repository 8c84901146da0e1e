/* SPDX-License-Identifier: Apache-2.0 */
/* steplog.c - see steplog.h. */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "snp/steplog.h"

json_t *pv_snp_step_json(const struct pv_snp_step *s)
{
	char gpa[24], region[64];
	json_t *o;

	snprintf(gpa, sizeof(gpa), "0x%llx", (unsigned long long)s->gpa);
	if (s->vcpu >= 0)
		snprintf(region, sizeof(region), "%s vcpu %d", s->region,
			 s->vcpu);
	else
		snprintf(region, sizeof(region), "%s", s->region);
	o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "index", json_integer((json_int_t)s->index));
	json_object_set_new(o, "gpa", json_string(gpa));
	json_object_set_new(o, "page_type",
			    json_string(pv_snp_page_type_name(s->type)));
	json_object_set_new(o, "region", json_string(region));
	if (s->vcpu >= 0)
		json_object_set_new(o, "vcpu", json_integer(s->vcpu));
	json_object_set_new(o, "contents", pv_json_hex(s->contents,
						       PV_SNP_LD_SIZE));
	json_object_set_new(o, "digest", pv_json_hex(s->ld, PV_SNP_LD_SIZE));
	return o;
}

struct cursor {
	const uint8_t *p;
	size_t len, off;
	uint64_t line;
	const char *name;
};

/* The next line as a JSON object; *obj NULL at the end of the file. */
static int next_line(struct cursor *c, json_t **obj, struct pv_err *e)
{
	const uint8_t *nl;
	size_t n;
	json_error_t je;

	*obj = NULL;
	while (c->off < c->len) {
		nl = memchr(c->p + c->off, '\n', c->len - c->off);
		n = nl ? (size_t)(nl - (c->p + c->off)) : c->len - c->off;
		c->line++;
		if (c->line > PV_SNP_LOG_LINES_MAX)
			return pv_errf(e, PV_ETOOBIG, "%s: more than %u lines: "
				       "a launch log has one line per update, "
				       "at most %u", c->name,
				       PV_SNP_LOG_LINES_MAX,
				       PV_SNP_LOG_LINES_MAX);
		if (n > PV_SNP_LOG_LINE_MAX)
			return pv_errf(e, PV_ETOOBIG, "%s: line %llu: %zu bytes, "
				       "longer than a launch log line may be "
				       "(%u)", c->name,
				       (unsigned long long)c->line, n,
				       PV_SNP_LOG_LINE_MAX);
		if (n == 0) {
			c->off += 1;
			continue;
		}
		*obj = json_loadb((const char *)c->p + c->off, n, 0, &je);
		c->off += n + (nl != NULL);
		if (!*obj || !json_is_object(*obj) ||
		    !json_is_string(json_object_get(*obj, "digest"))) {
			json_decref(*obj);
			*obj = NULL;
			return pv_errf(e, PV_EFORMAT,
				       "%s: line %llu: not a launch-update log "
				       "line (a JSON object with \"digest\")",
				       c->name, (unsigned long long)c->line);
		}
		return 0;
	}
	return 0;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "?";
}

static bool same(json_t *a, json_t *b, const char *key)
{
	return strcmp(str(a, key), str(b, key)) == 0;
}

static void explain(json_t *a, json_t *b, struct pv_snp_divergence *d)
{
	static const char *const hashes[] = { "kernel_sha256", "initrd_sha256",
					      "cmdline_sha256" };
	size_t i, w = 0;

	if (!same(a, b, "gpa")) {
		snprintf(d->what, sizeof(d->what), "gpa %s vs %s",
			 str(a, "gpa"), str(b, "gpa"));
		return;
	}
	if (!same(a, b, "page_type")) {
		snprintf(d->what, sizeof(d->what), "page type %s vs %s",
			 str(a, "page_type"), str(b, "page_type"));
		return;
	}
	if (!same(a, b, "contents")) {
		w = (size_t)snprintf(d->what, sizeof(d->what), "contents");
		for (i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
			if (json_object_get(a, hashes[i]) &&
			    !same(a, b, hashes[i]) && w < sizeof(d->what))
				w += (size_t)snprintf(d->what + w,
						      sizeof(d->what) - w,
						      " (%.*s differs)",
						      (int)(strlen(hashes[i]) - 7),
						      hashes[i]);
		return;
	}
	/* Same update on a different chain: the logs started apart. */
	snprintf(d->what, sizeof(d->what), "digest before this update");
}

int pv_snp_log_diff(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen, const char *name_a, const char *name_b,
		    struct pv_snp_divergence *d, struct pv_err *e)
{
	struct cursor ca = { .p = a, .len = alen, .name = name_a };
	struct cursor cb = { .p = b, .len = blen, .name = name_b };
	json_t *la = NULL, *lb = NULL;
	int r;

	memset(d, 0, sizeof(*d));
	for (;;) {
		r = next_line(&ca, &la, e);
		if (!r)
			r = next_line(&cb, &lb, e);
		if (r)
			break;
		if (!la && !lb)
			break;
		if (!la || !lb || !same(la, lb, "digest")) {
			json_t *l = la ? la : lb;

			d->found = true;
			d->a_ended = !la;
			d->b_ended = !lb;
			d->line = la ? ca.line : cb.line;
			snprintf(d->region, sizeof(d->region), "%s",
				 str(l, "region"));
			snprintf(d->gpa, sizeof(d->gpa), "%s", str(l, "gpa"));
			if (la && lb)
				explain(la, lb, d);
			else
				snprintf(d->what, sizeof(d->what),
					 "%s ends here",
					 la ? name_b : name_a);
			break;
		}
		json_decref(la);
		json_decref(lb);
		la = lb = NULL;
	}
	json_decref(la);
	json_decref(lb);
	return r;
}
