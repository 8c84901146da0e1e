/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c - the release configuration of an image (images/<name>/
 * release.json): the handler prefix, the install layout and release URL of
 * every artifact, and the launch configurations to publish values for.
 * The format is documented in README.md ("Reference values").
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/file.h"
#include "core/json.h"
#include "core/parse.h"
#include "release/release.h"

#define CONFIG_MAX (1u << 20)

static int name_member(const json_t *o, const char *key, int flags,
		       const char *path, const char **out, struct pv_err *e)
{
	int r = pv_jf_str(o, key, flags, path, out, e);

	if (r == 0 && !pv_name_ok(*out))
		return pv_errf(e, PV_EFORMAT, "%s.%s: '%.64s' is not a file "
			       "name of the release folder", path, key, *out);
	return r;
}

static int load_snp(json_t *t, const char *path, struct pv_rel_target *g,
		    struct pv_err *e)
{
	static const char *const keys[] = { "platform", "vmm", "igvm", "ovmf",
		"kernel", "initrd", "cmdline", "policy", "products", "vcpus",
		NULL };
	const char *pol = NULL;
	json_t *arr, *v;
	size_t i;
	int r;

	if ((r = pv_jf_only(t, keys, path, e)) ||
	    (r = name_member(t, "igvm", PV_JF_OPTIONAL, path, &g->igvm, e)) < 0 ||
	    (r = name_member(t, "ovmf", PV_JF_OPTIONAL, path, &g->ovmf, e)) < 0 ||
	    (r = name_member(t, "kernel", PV_JF_OPTIONAL, path, &g->kernel, e)) < 0 ||
	    (r = name_member(t, "initrd", PV_JF_OPTIONAL, path, &g->initrd, e)) < 0 ||
	    (r = name_member(t, "cmdline", PV_JF_OPTIONAL, path, &g->cmdline, e)) < 0 ||
	    (r = pv_jf_str(t, "policy", PV_JF_OPTIONAL, path, &pol, e)) < 0 ||
	    (r = pv_jf_get(t, "products", JSON_ARRAY, 0, path, &arr, e)) < 0)
		return r < 0 ? r : PV_EFORMAT;
	if (!g->igvm == !g->ovmf)
		return pv_errf(e, PV_EFORMAT, "%s: give either \"igvm\" (an IGVM "
			       "file) or \"ovmf\" (QEMU + OVMF direct boot)", path);
	if (g->igvm && (g->kernel || g->initrd || g->cmdline || pol))
		return pv_errf(e, PV_EFORMAT, "%s: an IGVM target carries its "
			       "kernel, command line and policy in the file: drop "
			       "kernel, initrd, cmdline and policy", path);
	if (g->ovmf) {
		if (strcmp(g->vmm, "qemu"))
			return pv_errf(e, PV_EFORMAT, "%s.vmm: OVMF direct boot is "
				       "a qemu launch", path);
		if (!g->kernel || !pol)
			return pv_errf(e, PV_EFORMAT, "%s: an \"ovmf\" target needs "
				       "\"kernel\" and the guest \"policy\" QEMU is "
				       "given (e.g. \"0x30000\")", path);
		if (pv_parse_u64(pol, UINT64_MAX, &g->policy, "policy", NULL))
			return pv_errf(e, PV_EFORMAT, "%s.policy: '%.24s' is not a "
				       "number", path, pol);
		g->has_policy = true;
	}
	if (strcmp(g->vmm, "qemu") && strcmp(g->vmm, "clh"))
		return pv_errf(e, PV_EFORMAT, "%s.vmm: '%.32s': SEV-SNP targets "
			       "take qemu or clh", path, g->vmm);
	if (json_array_size(arr) < 1 || json_array_size(arr) > PV_REL_MAX_PRODUCTS)
		return pv_errf(e, PV_EFORMAT, "%s.products: 1 to %d products",
			       path, PV_REL_MAX_PRODUCTS);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) ||
		    !pv_snp_product_vcpu_type(json_string_value(v)))
			return pv_errf(e, PV_EFORMAT, "%s.products[%zu]: expected "
				       "Milan, Genoa or Turin", path, i);
		g->products[g->nproducts++] = json_string_value(v);
	}
	r = pv_jf_get(t, "vcpus", JSON_ARRAY, PV_JF_OPTIONAL, path, &arr, e);
	if (r < 0)
		return r;
	if (!strcmp(g->vmm, "clh")) {
		if (r == 0)
			return pv_errf(e, PV_EFORMAT, "%s.vcpus: a clh launch "
				       "measures the boot vCPU only: its digest "
				       "holds for any count (drop vcpus)", path);
		return 0;
	}
	if (r == 1)
		return pv_errf(e, PV_EFORMAT, "%s.vcpus: missing (the vCPU counts "
			       "to publish, e.g. [1, 2, 4, 8])", path);
	if (json_array_size(arr) < 1 || json_array_size(arr) > PV_REL_MAX_VCPUS)
		return pv_errf(e, PV_EFORMAT, "%s.vcpus: 1 to %d counts", path,
			       PV_REL_MAX_VCPUS);
	json_array_foreach(arr, i, v) {
		json_int_t n = json_integer_value(v);

		if (!json_is_integer(v) || n < 1 || n > 512)
			return pv_errf(e, PV_EFORMAT, "%s.vcpus[%zu]: expected a "
				       "count 1..512", path, i);
		g->vcpus[g->nvcpus++] = (unsigned)n;
	}
	return 0;
}

static int load_cca(json_t *t, const char *path, struct pv_rel_target *g,
		    struct pv_err *e)
{
	static const char *const keys[] = { "platform", "vmm", "rmm", "kernel",
		"initrd", "cmdline", "memory", "cpus", "algorithm", NULL };
	uint64_t cpus;
	int r;

	if ((r = pv_jf_only(t, keys, path, e)) ||
	    (r = pv_jf_str(t, "rmm", 0, path, &g->rmm, e)) ||
	    (r = name_member(t, "kernel", 0, path, &g->kernel, e)) ||
	    (r = name_member(t, "initrd", PV_JF_OPTIONAL, path, &g->initrd, e)) < 0 ||
	    (r = name_member(t, "cmdline", PV_JF_OPTIONAL, path, &g->cmdline, e)) < 0 ||
	    (r = pv_jf_str(t, "memory", 0, path, &g->memory, e)) ||
	    (r = pv_jf_uint(t, "cpus", 0, 1, 512, path, &cpus, e)) ||
	    (r = pv_jf_str(t, "algorithm", 0, path, &g->algorithm, e)))
		return r < 0 ? r : PV_EFORMAT;
	if (strcmp(g->vmm, "kvmtool") && strcmp(g->vmm, "qemu"))
		return pv_errf(e, PV_EFORMAT, "%s.vmm: '%.32s': CCA targets take "
			       "kvmtool or qemu", path, g->vmm);
	g->cpus = (unsigned)cpus;
	return 0;
}

int pv_rel_config_load(const char *path, struct pv_rel_config *c,
		       struct pv_err *e)
{
	static const char *const keys[] = { "handlerPrefix", "installRoot",
		"urlTemplate", "integrity", "files", "snp", "cca", NULL };
	static const char *const fkeys[] = { "path", "executable", NULL };
	json_t *files, *arr, *v;
	const char *alg, *k;
	char at[160];
	size_t i;
	int r, pass;

	memset(c, 0, sizeof(*c));
	c->doc = pv_json_load_file(path, CONFIG_MAX, e);
	if (!c->doc)
		return e && e->code ? e->code : PV_EFORMAT;
	if (!json_is_object(c->doc)) {
		r = pv_errf(e, PV_EFORMAT, "%s: not a JSON object", path);
		goto fail;
	}
	if ((r = pv_jf_only(c->doc, keys, path, e)) ||
	    (r = pv_jf_str(c->doc, "handlerPrefix", 0, path, &c->handler_prefix, e)) ||
	    (r = pv_jf_str(c->doc, "installRoot", 0, path, &c->install_root, e)) ||
	    (r = pv_jf_str(c->doc, "urlTemplate", 0, path, &c->url_template, e)) ||
	    (r = pv_jf_str(c->doc, "integrity", 0, path, &alg, e)) ||
	    (r = pv_jf_get(c->doc, "files", JSON_OBJECT, 0, path, &files, e)))
		goto fail;
	if (!strcmp(alg, "sha256")) {
		c->integrity = PV_SHA256;
	} else if (!strcmp(alg, "sha384")) {
		c->integrity = PV_SHA384;
	} else if (!strcmp(alg, "sha512")) {
		c->integrity = PV_SHA512;
	} else {
		r = pv_errf(e, PV_EFORMAT, "%s.integrity: '%.16s': expected "
			    "sha256, sha384 or sha512", path, alg);
		goto fail;
	}
	if (!pv_name_ok(c->handler_prefix) || c->install_root[0] != '/') {
		r = pv_errf(e, PV_EFORMAT, "%s: handlerPrefix must be a plain "
			    "name and installRoot an absolute path", path);
		goto fail;
	}
	json_object_foreach(files, k, v) {
		struct pv_rel_file *f = &c->files[c->nfiles];

		snprintf(at, sizeof(at), "%s: files.%s", path, k);
		if (c->nfiles == PV_REL_MAX_FILES) {
			r = pv_errf(e, PV_EFORMAT, "%s: more than %d files", path,
				    PV_REL_MAX_FILES);
			goto fail;
		}
		if (!pv_name_ok(k)) {
			r = pv_errf(e, PV_EFORMAT, "%s: not a file name", at);
			goto fail;
		}
		if (!json_is_object(v) || (r = pv_jf_only(v, fkeys, at, e)) ||
		    (r = pv_jf_str(v, "path", 0, at, &f->path, e)) ||
		    (r = pv_jf_bool(v, "executable", PV_JF_OPTIONAL, at,
				    &f->executable, e)) < 0) {
			if (!r)
				r = pv_errf(e, PV_EFORMAT, "%s: expected an object "
					    "{\"path\": ...}", at);
			goto fail;
		}
		if (f->path[0] == '/' || strstr(f->path, "..")) {
			r = pv_errf(e, PV_EFORMAT, "%s.path: '%.64s' must be "
				    "relative to installRoot, without '..'", at,
				    f->path);
			goto fail;
		}
		f->name = k;
		c->nfiles++;
	}
	for (pass = 0; pass < 2; pass++) {
		const char *kind = pass ? "cca" : "snp";

		r = pv_jf_get(c->doc, kind, JSON_ARRAY, PV_JF_OPTIONAL, path, &arr, e);
		if (r < 0)
			goto fail;
		if (r == 1)
			continue;
		json_array_foreach(arr, i, v) {
			struct pv_rel_target *g = &c->targets[c->ntargets];

			snprintf(at, sizeof(at), "%s: %s[%zu]", path, kind, i);
			if (c->ntargets == PV_REL_MAX_TARGETS) {
				r = pv_errf(e, PV_EFORMAT, "%s: more than %d "
					    "targets", path, PV_REL_MAX_TARGETS);
				goto fail;
			}
			if (!json_is_object(v)) {
				r = pv_errf(e, PV_EFORMAT, "%s: not an object", at);
				goto fail;
			}
			g->cca = pass;
			if ((r = pv_jf_str(v, "platform", 0, at, &g->platform, e)) ||
			    (r = pv_jf_str(v, "vmm", 0, at, &g->vmm, e)) ||
			    (r = pass ? load_cca(v, at, g, e) : load_snp(v, at, g, e)))
				goto fail;
			if (!pv_name_ok(g->platform)) {
				r = pv_errf(e, PV_EFORMAT, "%s.platform: '%.64s' is "
					    "not a plain name", at, g->platform);
				goto fail;
			}
			c->ntargets++;
		}
	}
	return 0;
fail:
	pv_rel_config_free(c);
	return r < 0 ? r : PV_EFORMAT;
}

void pv_rel_config_free(struct pv_rel_config *c)
{
	json_decref(c->doc);
	memset(c, 0, sizeof(*c));
}
