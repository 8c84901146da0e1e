/* SPDX-License-Identifier: Apache-2.0 */
/*
 * refvalues.c - refvalues.json: every launch measurement of a release with
 * the recipe that recomputes it (`measure snp --igvm ...`, `measure cca
 * ...`), its inputs' integrity and its regions; and the sections the
 * verifiers consume, derived from those values alone:
 *
 * - "contrast": Contrast's embedded reference-values file, runtime
 *   handler -> {"snp": [SNPReferenceValues]} with Go's field names, only
 *   the handlers Contrast's parser reads (contrast.md 4.1, 4.2, 4.4, 4.5).
 *   MinimumTCB only when the release configuration gives it: it depends
 *   on the hosts' firmware, which the build does not know (contrast.md
 *   7.5).
 * - "trustee": RVPS "sample" messages, {"version": "0.1.0", "type":
 *   "sample", "payload": base64(JSON)}; SEV-SNP under
 *   "snp_launch_measurement" (Trustee's default policy compares
 *   input.snp.measurement: hex since v0.18.0, base64 before) with the
 *   policy-derived values, CCA under
 *   "cca.realm.cca-realm-initial-measurement" (cca-rim.md 7.1;
 *   contrast.md 10).
 * - "ccatoken": realm entries of the ccatoken reference-value store
 *   (cca-rim.md 7.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cca/launch.h"
#include "core/base64.h"
#include "core/err.h"
#include "core/hex.h"
#include "core/parse.h"
#include "release/release.h"

/* ---- recipes ---- */

static char *arg(struct pv_rv_argv *a, const char *s1, const char *s2)
{
	size_t n1 = strlen(s1), n2 = s2 ? strlen(s2) : 0;
	char *p;

	if (a->argc == PV_RV_ARGV_MAX || a->used + n1 + n2 + 1 > sizeof(a->buf))
		return NULL;
	p = a->buf + a->used;
	memcpy(p, s1, n1);
	if (n2)
		memcpy(p + n1, s2, n2);
	p[n1 + n2] = 0;
	a->used += n1 + n2 + 1;
	a->argv[a->argc++] = p;
	a->argv[a->argc] = NULL;
	return p;
}

/* --kernel K [--initrd I] [--append TEXT]: a QEMU direct boot, as both
 * measure snp --ovmf and measure tdx take it */
static bool direct_boot(struct pv_rv_argv *a, const char *pre,
			const struct pv_rv_recipe *r, const char *cmdline_text)
{
	bool ok = arg(a, "--kernel", NULL) && arg(a, pre, r->kernel);

	if (r->initrd)
		ok = ok && arg(a, "--initrd", NULL) && arg(a, pre, r->initrd);
	if (r->cmdline)
		ok = ok && arg(a, "--append", NULL) &&
		     arg(a, cmdline_text ? cmdline_text : "", NULL);
	return ok;
}

int pv_rv_argv_build(const struct pv_rv_recipe *r, const char *dir,
		     const char *cmdline_text, struct pv_rv_argv *a,
		     struct pv_err *e)
{
	char pre[4096], num[24];
	bool ok = true;

	memset(a, 0, sizeof(*a));
	if (snprintf(pre, sizeof(pre), "%s%s", dir, *dir ? "/" : "") >=
	    (int)sizeof(pre))
		return pv_errf(e, PV_ERANGE, "%s: folder name too long", dir);
	ok = arg(a, "measure", NULL) != NULL;
	if (r->tdx) {
		/* measure tdx with its defaults (docs/tdx.md 10): single-pass
		 * MRTD, edk2-stable202411 event layout, the unmodified setup
		 * header, LoadOptions as CMDLINE " initrd=initrd" */
		ok = ok && arg(a, "tdx", NULL) && arg(a, "--firmware", NULL) &&
		     arg(a, pre, r->ovmf) &&
		     direct_boot(a, pre, r, cmdline_text) && arg(a, "--memory", NULL) && arg(a, r->memory, NULL) &&
		     arg(a, "--acpi-loader", NULL) &&
		     arg(a, pre, r->acpi_loader) &&
		     arg(a, "--acpi-rsdp", NULL) && arg(a, pre, r->acpi_rsdp) &&
		     arg(a, "--acpi-tables", NULL) &&
		     arg(a, pre, r->acpi_tables);
		if (!r->stub_measures)
			ok = ok && arg(a, "--stub-measures", NULL) &&
			     arg(a, "no", NULL);
		ok = ok && arg(a, "--json", NULL);
	} else if (!r->cca) {
		const char *type = r->product ?
			pv_snp_product_vcpu_type(r->product) : NULL;

		if (r->product && !type)
			return pv_errf(e, PV_EINVAL, "product '%.16s': no CPU model "
				       "known", r->product);
		if (r->igvm) {
			ok = ok && arg(a, "snp", NULL) && arg(a, "--igvm", NULL) &&
			     arg(a, pre, r->igvm) && arg(a, "--vmm", NULL) &&
			     arg(a, r->vmm, NULL);
		} else {
			/* QEMU + OVMF direct boot, sev-snp-measure's options */
			ok = ok && arg(a, "snp", NULL) && arg(a, "--ovmf", NULL) &&
			     arg(a, pre, r->ovmf) &&
			     direct_boot(a, pre, r, cmdline_text);
		}
		if (r->vcpus) {
			snprintf(num, sizeof(num), "%u", r->vcpus);
			ok = ok && arg(a, "--vcpus", NULL) && arg(a, num, NULL);
		}
		/* the APs' reset VMSA carries the CPU signature (qemu) */
		if (r->vcpus && type)
			ok = ok && arg(a, "--vcpu-type", NULL) && arg(a, type, NULL);
	} else {
		ok = ok && arg(a, "cca", NULL) && arg(a, "--vmm", NULL) &&
		     arg(a, r->vmm, NULL) && arg(a, "--rmm", NULL) &&
		     arg(a, r->rmm, NULL) &&
		     arg(a, r->firmware ? "--firmware" : "-k", NULL) &&
		     arg(a, pre, r->firmware ? r->firmware : r->kernel);
		if (r->initrd)
			ok = ok && arg(a, "-i", NULL) && arg(a, pre, r->initrd);
		if (r->cmdline)
			ok = ok && arg(a, "-p", NULL) &&
			     arg(a, cmdline_text ? cmdline_text : "", NULL);
		snprintf(num, sizeof(num), "%u", r->cpus);
		ok = ok && arg(a, "-m", NULL) && arg(a, r->memory, NULL) &&
		     arg(a, "-c", NULL) && arg(a, num, NULL) &&
		     arg(a, "--measurement-algo", NULL) &&
		     arg(a, r->algorithm, NULL);
		if (r->disks) {
			snprintf(num, sizeof(num), "%u", r->disks);
			ok = ok && arg(a, "--disks", NULL) && arg(a, num, NULL);
		}
		if (r->sve_vl) {
			snprintf(num, sizeof(num), "%u", r->sve_vl);
			ok = ok && arg(a, "--sve-vl", NULL) && arg(a, num, NULL);
		}
		if (r->pmu) {
			snprintf(num, sizeof(num), "%u", r->pmu);
			ok = ok && arg(a, "--pmu-counters", NULL) &&
			     arg(a, num, NULL);
		}
	}
	if (!ok)
		return pv_errf(e, PV_ERANGE, "the measure command for %s is too "
			       "long", r->platform);
	return 0;
}

/* the firmware (under @key), kernel, initrd and cmdline of a QEMU direct
 * boot recipe (snp with ovmf, tdx) */
static void direct_boot_json(json_t *o, const char *key,
			     const struct pv_rv_recipe *r)
{
	json_object_set_new(o, key, json_string(r->ovmf));
	json_object_set_new(o, "kernel", json_string(r->kernel));
	if (r->initrd)
		json_object_set_new(o, "initrd", json_string(r->initrd));
	if (r->cmdline)
		json_object_set_new(o, "cmdline", json_string(r->cmdline));
}

json_t *pv_rv_recipe_json(const struct pv_rv_recipe *r)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (r->tdx) {
		direct_boot_json(o, "firmware", r);
		json_object_set_new(o, "vmm", json_string(r->vmm));
		json_object_set_new(o, "memory", json_string(r->memory));
		json_object_set_new(o, "vcpus", json_integer(r->vcpus));
		json_object_set_new(o, "acpiLoader", json_string(r->acpi_loader));
		json_object_set_new(o, "acpiRsdp", json_string(r->acpi_rsdp));
		json_object_set_new(o, "acpiTables", json_string(r->acpi_tables));
		json_object_set_new(o, "stubMeasures",
				    json_boolean(r->stub_measures));
		return o;
	}
	if (!r->cca) {
		if (r->igvm) {
			json_object_set_new(o, "igvm", json_string(r->igvm));
		} else {
			direct_boot_json(o, "ovmf", r);
		}
		json_object_set_new(o, "vmm", json_string(r->vmm));
		if (r->vcpus)
			json_object_set_new(o, "vcpus", json_integer(r->vcpus));
		if (r->vcpus && r->product)
			json_object_set_new(o, "vcpuType", json_string(
				pv_snp_product_vcpu_type(r->product)));
		return o;
	}
	json_object_set_new(o, "vmm", json_string(r->vmm));
	json_object_set_new(o, "rmm", json_string(r->rmm));
	if (r->firmware)
		json_object_set_new(o, "firmware", json_string(r->firmware));
	else
		json_object_set_new(o, "kernel", json_string(r->kernel));
	if (r->initrd)
		json_object_set_new(o, "initrd", json_string(r->initrd));
	if (r->cmdline)
		json_object_set_new(o, "cmdline", json_string(r->cmdline));
	json_object_set_new(o, "memory", json_string(r->memory));
	json_object_set_new(o, "cpus", json_integer(r->cpus));
	json_object_set_new(o, "algorithm", json_string(r->algorithm));
	if (r->disks)
		json_object_set_new(o, "disks", json_integer(r->disks));
	if (r->sve_vl)
		json_object_set_new(o, "sveVl", json_integer(r->sve_vl));
	if (r->pmu)
		json_object_set_new(o, "pmuCounters", json_integer(r->pmu));
	return o;
}

void pv_rv_id(const struct pv_rv_recipe *r, char *out, size_t size)
{
	if (r->tdx)
		snprintf(out, size, "%s/%uvcpu", r->platform, r->vcpus);
	else if (r->cca)
		snprintf(out, size, "%s/%ucpu", r->platform, r->cpus);
	else if (r->vcpus)
		snprintf(out, size, "%s/%s/%u", r->platform, r->product, r->vcpus);
	else
		snprintf(out, size, "%s/%s/any", r->platform, r->product);
}

void pv_rv_handler(const char *prefix, const char *platform,
		   const uint8_t artifacts_sha256[32], char *out, size_t size)
{
	char h[9];

	pv_hex_encode(artifacts_sha256, 4, h, sizeof(h));
	snprintf(out, size, "%s-%s-%s", prefix, platform, h);
}

/* ---- parsing ---- */

static int parse_tdx_recipe(json_t *o, const char *path,
			    struct pv_rv_recipe *r, struct pv_err *e)
{
	static const char *const keys[] = { "firmware", "kernel", "initrd",
		"cmdline", "vmm", "memory", "vcpus", "acpiLoader", "acpiRsdp",
		"acpiTables", "stubMeasures", NULL };
	static const char *const files[] = { "firmware", "kernel", "initrd",
		"cmdline", "acpiLoader", "acpiRsdp", "acpiTables", NULL };
	const char **dst[] = { &r->ovmf, &r->kernel, &r->initrd, &r->cmdline,
			       &r->acpi_loader, &r->acpi_rsdp, &r->acpi_tables };
	uint64_t n, mem;
	size_t i;
	int rc;

	r->tdx = true;
	if ((rc = pv_jf_only(o, keys, path, e)) ||
	    (rc = pv_jf_str(o, "vmm", 0, path, &r->vmm, e)) ||
	    (rc = pv_jf_str(o, "memory", 0, path, &r->memory, e)) ||
	    (rc = pv_jf_uint(o, "vcpus", 0, 1, 512, path, &n, e)) ||
	    (rc = pv_jf_bool(o, "stubMeasures", 0, path, &r->stub_measures,
			     e)))
		return rc;
	r->vcpus = (unsigned)n;
	for (i = 0; files[i]; i++) {
		bool opt = !strcmp(files[i], "initrd") ||
			   !strcmp(files[i], "cmdline");

		if ((rc = pv_jf_str(o, files[i], opt ? PV_JF_OPTIONAL : 0, path,
				    dst[i], e)) < 0 || (rc > 0 && !opt))
			return rc < 0 ? rc : PV_EFORMAT;
		if (rc == 0 && !pv_name_ok(*dst[i]))
			return pv_errf(e, PV_EFORMAT, "%s.%s: not a file name of "
				       "the release folder", path, files[i]);
	}
	if (strcmp(r->vmm, "qemu"))
		return pv_errf(e, PV_EFORMAT, "%s.vmm: expected qemu", path);
	if (pv_parse_size(r->memory, 1ull << 20, &mem, "memory", NULL))
		return pv_errf(e, PV_EFORMAT, "%s.memory: '%.32s' is not a size",
			       path, r->memory);
	return 0;
}

static int parse_recipe(json_t *v, const char *tee, const char *at,
			struct pv_rv_recipe *r, struct pv_err *e)
{
	static const char *const snp_keys[] = { "igvm", "ovmf", "kernel",
		"initrd", "cmdline", "vmm", "vcpus", "vcpuType", NULL };
	static const char *const cca_keys[] = { "vmm", "rmm", "kernel",
		"firmware", "initrd", "cmdline", "memory", "cpus", "algorithm",
		"disks", "sveVl", "pmuCounters", NULL };
	char path[200];
	json_t *o;
	uint64_t n = 0;
	int rc;

	snprintf(path, sizeof(path), "%s.recipe", at);
	if ((rc = pv_jf_get(v, "recipe", JSON_OBJECT, 0, at, &o, e)))
		return rc;
	if (!strcmp(tee, "tdx"))
		return parse_tdx_recipe(o, path, r, e);
	r->cca = !strcmp(tee, "cca");
	if ((rc = pv_jf_only(o, r->cca ? cca_keys : snp_keys, path, e)) ||
	    (rc = pv_jf_str(o, "vmm", 0, path, &r->vmm, e)))
		return rc;
	if (!r->cca) {
		const char *type = NULL;

		const char *const *f, *const files[] = { "igvm", "ovmf",
			"kernel", "initrd", "cmdline", NULL };
		const char **dst[] = { &r->igvm, &r->ovmf, &r->kernel,
				       &r->initrd, &r->cmdline };

		for (f = files; *f; f++) {
			const char **d = dst[f - files];

			if ((rc = pv_jf_str(o, *f, PV_JF_OPTIONAL, path, d, e)) < 0)
				return rc;
			if (rc == 0 && !pv_name_ok(*d))
				return pv_errf(e, PV_EFORMAT, "%s.%s: not a file "
					       "name of the release folder", path, *f);
		}
		if ((rc = pv_jf_uint(o, "vcpus", PV_JF_OPTIONAL, 1, 512, path,
				     &n, e)) < 0 ||
		    (rc = pv_jf_str(o, "vcpuType", PV_JF_OPTIONAL, path, &type,
				    e)) < 0)
			return rc;
		r->vcpus = (unsigned)n;
		if (!r->igvm == !r->ovmf || (r->igvm && (r->kernel || r->initrd ||
		    r->cmdline)) || (r->ovmf && (!r->kernel || !r->vcpus)))
			return pv_errf(e, PV_EFORMAT, "%s: expected an igvm, or an "
				       "ovmf with its kernel and vcpus", path);
		if (strcmp(r->vmm, "qemu") && (strcmp(r->vmm, "clh") || r->ovmf))
			return pv_errf(e, PV_EFORMAT, "%s.vmm: expected qemu%s",
				       path, r->ovmf ? " (OVMF direct boot)" :
				       " or clh");
		if (r->vcpus && (!type || !r->product ||
		    strcmp(type, pv_snp_product_vcpu_type(r->product))))
			return pv_errf(e, PV_EFORMAT, "%s.vcpuType: must be the "
				       "CPU model of product %s", path,
				       r->product ? r->product : "(none)");
		return 0;
	}
	if ((rc = pv_jf_str(o, "rmm", 0, path, &r->rmm, e)) ||
	    (rc = pv_jf_str(o, "kernel", PV_JF_OPTIONAL, path, &r->kernel, e)) < 0 ||
	    (rc = pv_jf_str(o, "firmware", PV_JF_OPTIONAL, path, &r->firmware, e)) < 0 ||
	    (rc = pv_jf_str(o, "initrd", PV_JF_OPTIONAL, path, &r->initrd, e)) < 0 ||
	    (rc = pv_jf_str(o, "cmdline", PV_JF_OPTIONAL, path, &r->cmdline, e)) < 0 ||
	    (rc = pv_jf_str(o, "memory", 0, path, &r->memory, e)) ||
	    (rc = pv_jf_uint(o, "cpus", 0, 1, 512, path, &n, e)) ||
	    (rc = pv_jf_str(o, "algorithm", 0, path, &r->algorithm, e)))
		return rc;
	r->cpus = (unsigned)n;
	if ((rc = pv_jf_uint(o, "disks", PV_JF_OPTIONAL, 1, 8, path, &n, e)) < 0)
		return rc;
	r->disks = rc ? 0 : (unsigned)n;
	if ((rc = pv_jf_uint(o, "sveVl", PV_JF_OPTIONAL, 128, 2048, path, &n,
			     e)) < 0)
		return rc;
	r->sve_vl = rc ? 0 : (unsigned)n;
	if ((rc = pv_jf_uint(o, "pmuCounters", PV_JF_OPTIONAL, 1, 31, path, &n,
			     e)) < 0)
		return rc;
	r->pmu = rc ? 0 : (unsigned)n;
	if (!r->kernel == !r->firmware || (r->firmware && r->initrd))
		return pv_errf(e, PV_EFORMAT, "%s: expected a kernel (and an "
			       "optional initrd) or a firmware", path);
	if ((r->kernel && !pv_name_ok(r->kernel)) ||
	    (r->firmware && !pv_name_ok(r->firmware)) ||
	    (r->initrd && !pv_name_ok(r->initrd)) ||
	    (r->cmdline && !pv_name_ok(r->cmdline)))
		return pv_errf(e, PV_EFORMAT, "%s: kernel, firmware, initrd and "
			       "cmdline must be file names of the release folder",
			       path);
	return 0;
}

static int check_common(struct pv_rv_value *x, const char *at,
			struct pv_err *e);

const char *pv_rv_tdx_reg_name(size_t i)
{
	static const char *const n[PV_RV_TDX_REGS] = { "mrtd", "rtmr0",
		"rtmr1", "rtmr2", "rtmr3" };

	return i < PV_RV_TDX_REGS ? n[i] : "?";
}

/* A TDX value: MRTD and the four RTMRs (hex), the XFAM it is published
 * with, no "measurement" */
static int parse_tdx_value(json_t *v, const char *at, const char *vmm,
			   struct pv_rv_value *x, const char *const *not_tdx,
			   struct pv_err *e)
{
	char path[240];
	json_t *arr, *jv;
	size_t i;
	int rc;

	for (i = 0; not_tdx[i]; i++)
		if (json_object_get(v, not_tdx[i]))
			return pv_errf(e, PV_EFORMAT, "%s: '%s' is not a member "
				       "of a tdx value", at, not_tdx[i]);
	if ((rc = parse_recipe(v, "tdx", at, &x->recipe, e)))
		return rc;
	if (strcmp(vmm, x->recipe.vmm))
		return pv_errf(e, PV_EFORMAT, "%s.vmm: %s, but the recipe's vmm "
			       "is %s", at, vmm, x->recipe.vmm);
	jv = json_object_get(v, "vcpus");
	if (!json_is_integer(jv) ||
	    json_integer_value(jv) != (json_int_t)x->recipe.vcpus)
		return pv_errf(e, PV_EFORMAT, "%s.vcpus: must be the recipe's "
			       "count", at);
	if ((rc = pv_jf_hex(v, "mrtd", 48, at, x->regs[0], e)) ||
	    (rc = pv_jf_get(v, "rtmrs", JSON_ARRAY, 0, at, &arr, e)))
		return rc;
	if (json_array_size(arr) != 4)
		return pv_errf(e, PV_EFORMAT, "%s.rtmrs: expected RTMR0..3, four "
			       "48-byte values in hex", at);
	for (i = 0; i < 4; i++) {
		const char *h = json_string_value(json_array_get(arr, i));
		size_t got = 0;

		snprintf(path, sizeof(path), "%s.rtmrs[%zu]", at, i);
		if (!h || strlen(h) != 96 ||
		    strspn(h, "0123456789abcdef") != 96 ||
		    pv_hex_decode(h, x->regs[i + 1], 48, &got, path, NULL) ||
		    got != 48)
			return pv_errf(e, PV_EFORMAT, "%s: expected 48 bytes in "
				       "lower-case hex", path);
	}
	if ((rc = pv_jf_str(v, "xfam", PV_JF_OPTIONAL, at, &x->xfam, e)) < 0)
		return rc;
	if (x->xfam && (strlen(x->xfam) != 16 ||
			strspn(x->xfam, "0123456789abcdef") != 16))
		return pv_errf(e, PV_EFORMAT, "%s.xfam: expected 8 bytes in "
			       "lower-case hex", at);
	if ((rc = pv_jf_hex(v, "kernelDigest", 48, at, x->kernel_ev, e)))
		return rc;
	if (json_object_get(v, "loadOptionsDigest")) {
		if ((rc = pv_jf_hex(v, "loadOptionsDigest", 48, at,
				    x->params_ev, e)))
			return rc;
		x->has_params_ev = true;
	}
	if (pv_contrast_platform(x->recipe.platform) && !x->xfam)
		return pv_errf(e, PV_EFORMAT, "%s.xfam: missing (a Contrast "
			       "platform's TDX value carries it)", at);
	x->mlen = 0;
	return check_common(x, at, e);
}

static int parse_value(json_t *v, const char *at, struct pv_rv_value *x,
		       struct pv_err *e)
{
	static const char *const keys[] = { "id", "tee", "platform", "vmm",
		"product", "vcpus", "cpus", "handler", "recipe", "inputs",
		"command", "measurement", "policy", "apEip", "regions", "idBlock",
		"idAuth", "mrtd", "rtmrs", "xfam", "kernelDigest",
		"loadOptionsDigest", NULL };
	static const char *const snp_only[] = { "product", "vcpus", "policy",
		"apEip", "idBlock", "idAuth", NULL };
	static const char *const cca_only[] = { "cpus", NULL };
	static const char *const tdx_only[] = { "mrtd", "rtmrs", "xfam",
		"kernelDigest", "loadOptionsDigest", NULL };
	static const char *const not_tdx[] = { "product", "cpus",
		"measurement", "policy", "apEip", "idBlock", "idAuth", NULL };
	const char *const *other;
	const char *tee, *vmm, *policy = NULL, *m;
	uint64_t n;
	size_t i;
	int rc;

	if (!json_is_object(v))
		return pv_errf(e, PV_EFORMAT, "%s: not an object", at);
	x->obj = v;
	if ((rc = pv_jf_only(v, keys, at, e)) ||
	    (rc = pv_jf_str(v, "id", 0, at, &x->id, e)) ||
	    (rc = pv_jf_str(v, "tee", 0, at, &tee, e)) ||
	    (rc = pv_jf_str(v, "platform", 0, at, &x->recipe.platform, e)) ||
	    (rc = pv_jf_str(v, "vmm", 0, at, &vmm, e)) ||
	    (rc = pv_jf_str(v, "handler", 0, at, &x->handler, e)) ||
	    (rc = pv_jf_get(v, "inputs", JSON_OBJECT, 0, at, &x->inputs, e)) ||
	    (rc = pv_jf_get(v, "regions", JSON_ARRAY, 0, at, &x->regions, e)))
		return rc;
	if (strcmp(tee, "snp") && strcmp(tee, "cca") && strcmp(tee, "tdx"))
		return pv_errf(e, PV_EFORMAT, "%s.tee: '%.16s': expected snp, cca "
			       "or tdx", at, tee);
	if (!strcmp(tee, "tdx"))
		return parse_tdx_value(v, at, vmm, x, not_tdx, e);
	if ((rc = pv_jf_str(v, "measurement", 0, at, &m, e)))
		return rc;
	/* no member of the other kinds of value */
	for (i = 0; tdx_only[i]; i++)
		if (json_object_get(v, tdx_only[i]))
			return pv_errf(e, PV_EFORMAT, "%s: '%s' is not a member "
				       "of a%s %s value", at, tdx_only[i],
				       strcmp(tee, "snp") ? "" : "n", tee);
	other = !strcmp(tee, "snp") ? cca_only : snp_only;
	for (i = 0; other[i]; i++)
		if (json_object_get(v, other[i]))
			return pv_errf(e, PV_EFORMAT, "%s: '%s' is not a member "
				       "of a%s %s value", at, other[i],
				       other == cca_only ? "n" : "", tee);
	if (!strcmp(tee, "snp")) {
		if ((rc = pv_jf_str(v, "product", 0, at, &x->recipe.product, e)) ||
		    (rc = pv_jf_str(v, "policy", 0, at, &policy, e)))
			return rc;
		if (!pv_snp_product_vcpu_type(x->recipe.product))
			return pv_errf(e, PV_EFORMAT, "%s.product: '%.16s': "
				       "expected Milan, Genoa or Turin", at,
				       x->recipe.product);
		x->mlen = 48;
	} else {
		x->mlen = 0; /* from the algorithm, below */
	}
	if ((rc = parse_recipe(v, tee, at, &x->recipe, e)))
		return rc;
	if (strcmp(vmm, x->recipe.vmm))
		return pv_errf(e, PV_EFORMAT, "%s.vmm: %s, but the recipe's vmm "
			       "is %s", at, vmm, x->recipe.vmm);
	if (!x->recipe.cca) {
		/* "vcpus": N, or "any" for a count-independent (clh) digest */
		json_t *jv = json_object_get(v, "vcpus");

		if (x->recipe.vcpus ? !json_is_integer(jv) ||
				json_integer_value(jv) != x->recipe.vcpus
				    : !json_is_string(jv) ||
				strcmp(json_string_value(jv), "any"))
			return pv_errf(e, PV_EFORMAT, "%s.vcpus: must be the "
				       "recipe's count, or \"any\" without one",
				       at);
		if (strncmp(policy, "0x", 2) || strlen(policy) > 18 ||
		    strlen(policy) < 3 ||
		    strspn(policy + 2, "0123456789abcdef") != strlen(policy) - 2 ||
		    pv_parse_u64(policy, UINT64_MAX, &x->policy, "policy", NULL))
			return pv_errf(e, PV_EFORMAT, "%s.policy: '%.24s' is not a "
				       "0x-prefixed lower-case hex number", at,
				       policy);
		x->has_policy = true;
		if (json_object_get(v, "apEip")) {
			uint8_t eip[4];

			if (!x->recipe.ovmf)
				return pv_errf(e, PV_EFORMAT, "%s.apEip: only an OVMF "
					       "launch has one", at);
			if ((rc = pv_jf_hex(v, "apEip", 4, at, eip, e)))
				return rc;
			x->has_ap_eip = true;
			x->ap_eip = (uint32_t)eip[0] << 24 | (uint32_t)eip[1] << 16 |
				    (uint32_t)eip[2] << 8 | eip[3];
		}
		if ((rc = pv_jf_str(v, "idBlock", PV_JF_OPTIONAL, at,
				    &x->id_block, e)) < 0 ||
		    (rc = pv_jf_str(v, "idAuth", PV_JF_OPTIONAL, at,
				    &x->id_auth, e)) < 0)
			return rc;
		if (!x->id_block != !x->id_auth ||
		    (x->id_block && (strlen(x->id_block) != 128 ||
				     strlen(x->id_auth) != 5464)))
			return pv_errf(e, PV_EFORMAT, "%s: idBlock and idAuth go "
				       "together: the base64 of 96 and 4096 bytes",
				       at);
	} else {
		enum pv_hash alg;

		if ((rc = pv_jf_uint(v, "cpus", 0, 1, 512, at, &n, e)))
			return rc;
		if (n != x->recipe.cpus)
			return pv_errf(e, PV_EFORMAT, "%s.cpus: %llu, but the "
				       "recipe has %u", at,
				       (unsigned long long)n, x->recipe.cpus);
		if (pv_hash_from_name(x->recipe.algorithm, &alg, e) ||
		    alg == PV_SHA1)
			return pv_errf(e, PV_EFORMAT, "%s.recipe.algorithm: "
				       "'%.16s': expected sha256, sha384 or "
				       "sha512", at, x->recipe.algorithm);
		x->mlen = pv_hash_size(alg);
	}
	if ((rc = pv_jf_hex(v, "measurement", x->mlen, at, x->measurement, e)))
		return rc;
	return check_common(x, at, e);
}

/* what every kind of value has: the id its recipe makes, the inputs with
 * their integrity, the regions */
static int check_common(struct pv_rv_value *x, const char *at,
			struct pv_err *e)
{
	char want[128];
	const char *k;
	json_t *vc, *in;
	size_t i;
	int rc;

	pv_rv_id(&x->recipe, want, sizeof(want));
	if (strcmp(want, x->id))
		return pv_errf(e, PV_EFORMAT, "%s.id: '%.64s', but its recipe "
			       "makes it '%s'", at, x->id, want);
	json_object_foreach(x->inputs, k, vc) {
		enum pv_hash alg;
		uint8_t d[PV_HASH_MAX];
		char what[200];

		snprintf(what, sizeof(what), "%s.inputs.%.64s", at, k);
		if (!pv_name_ok(k) || !json_is_string(vc))
			return pv_errf(e, PV_EFORMAT, "%s: expected a file name "
				       "and its integrity string", what);
		if ((rc = pv_sri_parse(json_string_value(vc), &alg, d, what, e)))
			return rc;
	}
	json_array_foreach(x->regions, i, in) {
		if (!json_is_object(in) ||
		    !json_is_string(json_object_get(in, "region")) ||
		    !json_is_integer(json_object_get(in, "updates")) ||
		    !json_is_string(json_object_get(in, "contents")))
			return pv_errf(e, PV_EFORMAT, "%s.regions[%zu]: expected "
				       "{region, updates, gpa, contents, digest}",
				       at, i);
	}
	return 0;
}

int pv_rv_parse(json_t *doc, const char *name, struct pv_rv_doc *d,
		struct pv_err *e)
{
	static const char *const keys[] = { "version", "image", "artifacts",
		"values", "contrast", "trustee", "ccatoken", "comid", "notes",
		"consumers",
		NULL };
	static const char *const akeys[] = { "file", "integrity", NULL };
	char at[200];
	json_t *art, *vals, *v;
	size_t i, j;
	int rc;

	memset(d, 0, sizeof(*d));
	d->doc = doc;
	if ((rc = pv_jf_header(doc, name, keys, &d->image, &d->version, e)) ||
	    (rc = pv_jf_get(doc, "artifacts", JSON_OBJECT, 0, name, &art, e)))
		return rc;
	snprintf(at, sizeof(at), "%s: artifacts", name);
	if ((rc = pv_jf_only(art, akeys, at, e)) ||
	    (rc = pv_jf_str(art, "file", 0, at, &d->artifacts_file, e)) ||
	    (rc = pv_jf_str(art, "integrity", 0, at, &d->artifacts_integrity, e)) ||
	    (rc = pv_jf_get(doc, "values", JSON_ARRAY, 0, name, &vals, e)))
		return rc;
	if (!pv_name_ok(d->artifacts_file))
		return pv_errf(e, PV_EFORMAT, "%s.file: not a file name", at);
	d->consumers = json_object_get(doc, "consumers");
	{
		struct pv_trustee t;
		const json_t *tcb;

		if (d->consumers &&
		    (rc = pv_rv_consumers_parse(d->consumers, &t, &tcb, e)))
			return pv_err_prefix(e, "%s", name);
	}
	{
		enum pv_hash alg;
		uint8_t dg[PV_HASH_MAX];

		snprintf(at, sizeof(at), "%s: artifacts.integrity", name);
		if ((rc = pv_sri_parse(d->artifacts_integrity, &alg, dg, at, e)))
			return rc;
		if (alg != PV_SHA256)
			return pv_errf(e, PV_EFORMAT, "%s: must be sha256 (the "
				       "handler names take its first bytes)", at);
	}
	if (json_array_size(vals) > PV_RV_MAX_VALUES)
		return pv_errf(e, PV_EFORMAT, "%s: values: more than %d", name,
			       PV_RV_MAX_VALUES);
	json_array_foreach(vals, i, v) {
		snprintf(at, sizeof(at), "%s: values[%zu]", name, i);
		if ((rc = parse_value(v, at, &d->values[i], e)))
			return rc;
		for (j = 0; j < i; j++)
			if (!strcmp(d->values[j].id, d->values[i].id))
				return pv_errf(e, PV_EFORMAT, "%s.id: '%s' also "
					       "names values[%zu]", at,
					       d->values[i].id, j);
		d->nvalues++;
	}
	return 0;
}

void pv_rv_free(struct pv_rv_doc *d)
{
	json_decref(d->doc);
	memset(d, 0, sizeof(*d));
}

/* ---- the consumer sections ---- */

static void add_unique(json_t *list, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(json_string_value(v), s))
			return;
	json_array_append_new(list, json_string(s));
}

/* {"version": "0.1.0", "type": "sample", "payload": base64(JSON)} */
static json_t *sample(json_t *payload)
{
	char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
	char *b64 = text ? pv_base64_alloc((const uint8_t *)text, strlen(text))
			 : NULL;
	json_t *msg = b64 ? json_pack("{s:s, s:s, s:s}", "version", "0.1.0",
				      "type", "sample", "payload", b64) : NULL;

	json_decref(payload);
	free(text);
	free(b64);
	return msg;
}

/* Trustee's policy-derived reference values (ear_default_policy_cpu.rego
 * compares them with ==): typed, or strings for verifiers before v0.14.0 */
static void add_policy_rvs(json_t *payload, uint64_t p,
			   const struct pv_trustee *t)
{
	unsigned major = (p >> 8) & 0xff, minor = p & 0xff;
	bool single = (p >> 20) & 1, smt = (p >> 16) & 1;
	char n[8];

	if (t->typed) {
		json_object_set_new(payload, "snp_guest_abi_major", json_integer(major));
		json_object_set_new(payload, "snp_guest_abi_minor", json_integer(minor));
		json_object_set_new(payload, "snp_single_socket", json_boolean(single));
		json_object_set_new(payload, "snp_smt_allowed", json_boolean(smt));
		return;
	}
	snprintf(n, sizeof(n), "%u", major);
	json_object_set_new(payload, "snp_guest_abi_major", json_string(n));
	snprintf(n, sizeof(n), "%u", minor);
	json_object_set_new(payload, "snp_guest_abi_minor", json_string(n));
	json_object_set_new(payload, "snp_single_socket",
			    json_string(single ? "true" : "false"));
	json_object_set_new(payload, "snp_smt_allowed",
			    json_string(smt ? "true" : "false"));
}

int pv_rv_consumers_parse(json_t *c, struct pv_trustee *t,
			  const json_t **tcb, struct pv_err *e)
{
	static const char *const keys[] = { "trustee", "minimumTCB", NULL };
	static const char *const tkeys[] = { "version", "measurementEncoding",
		"claims", NULL };
	const char *ver, *enc, *cl;
	json_t *tr, *m = NULL;
	int r;

	memset(t, 0, sizeof(*t));
	*tcb = NULL;
	if (!c)
		return pv_trustee_from_version("0.18.0", t, e);
	if ((r = pv_jf_only(c, keys, "consumers", e)) ||
	    (r = pv_jf_get(c, "trustee", JSON_OBJECT, 0, "consumers", &tr, e)) ||
	    (r = pv_jf_only(tr, tkeys, "consumers.trustee", e)) ||
	    (r = pv_jf_str(tr, "version", 0, "consumers.trustee", &ver, e)) ||
	    (r = pv_jf_str(tr, "measurementEncoding", 0, "consumers.trustee",
			   &enc, e)) ||
	    (r = pv_jf_str(tr, "claims", 0, "consumers.trustee", &cl, e)) ||
	    (r = pv_trustee_from_version(ver, t, e)) ||
	    (r = pv_jf_get(c, "minimumTCB", JSON_OBJECT, PV_JF_OPTIONAL,
			   "consumers", &m, e)) < 0 ||
	    (m && (r = pv_rel_tcb_check(m, "consumers.minimumTCB", e))))
		return r < 0 ? r : PV_EFORMAT;
	if (strcmp(enc, t->hex ? "hex" : "base64") ||
	    strcmp(cl, t->typed ? "typed" : "strings"))
		return pv_errf(e, PV_EFORMAT, "consumers.trustee: Trustee %s takes "
			       "measurementEncoding \"%s\" and claims \"%s\"", ver,
			       t->hex ? "hex" : "base64",
			       t->typed ? "typed" : "strings");
	*tcb = m;
	return 0;
}

json_t *pv_rv_consumers_json(const struct pv_rel_config *cfg)
{
	json_t *o = json_pack("{s:{s:s, s:s, s:s}}", "trustee", "version",
			      cfg->trustee.version, "measurementEncoding",
			      cfg->trustee.hex ? "hex" : "base64", "claims",
			      cfg->trustee.typed ? "typed" : "strings");

	if (o && cfg->minimum_tcb)
		json_object_set(o, "minimumTCB", cfg->minimum_tcb);
	return o;
}

/* A Contrast entry: SNPReferenceValues with only the members Contrast's
 * type has (its decoder disallows unknown fields) */
static json_t *contrast_entry(json_t *v, uint64_t p, const char *hex,
			      const json_t *tcb, bool with_eip)
{
	const char *product = json_string_value(json_object_get(v, "product"));
	json_t *e = json_pack("{s:O, s:s, s:s, s:o, s:{s:b}}",
			      "Platform", json_object_get(v, "platform"),
			      "ProductName", product,
			      "TrustedMeasurement", hex,
			      "GuestPolicy", pv_snp_policy_json(p),
			      "PlatformInfo", "SMTEnabled", (int)((p >> 16) & 1));
	json_t *t = tcb ? json_object_get(tcb, product) : NULL;

	if (e && t)
		json_object_set(e, "MinimumTCB", t);
	if (e && with_eip)
		json_object_set(e, "APEIP", json_object_get(v, "apEip"));
	return e;
}

/* value @v is covered by a 1-vCPU value with the AP EIP of the same
 * handler and product (Contrast extends that seed to the vCPU count) */
static bool has_seed(json_t *values, json_t *v)
{
	const char *h = json_string_value(json_object_get(v, "handler"));
	const char *pr = json_string_value(json_object_get(v, "product"));
	json_t *w;
	size_t i;

	json_array_foreach(values, i, w) {
		json_t *n = json_object_get(w, "vcpus");

		if (json_is_integer(n) && json_integer_value(n) == 1 &&
		    json_object_get(w, "apEip") &&
		    !strcmp(json_string_value(json_object_get(w, "handler")), h) &&
		    !strcmp(json_string_value(json_object_get(w, "product")), pr))
			return true;
	}
	return false;
}

/* A TDX value into Contrast's section (handler -> {"tdx": [...]}, the
 * fields of TDXReferenceValues: MrSeam is the host's TDX module, left to
 * the operator as Contrast's own release does; contrast.md 11) and into
 * Trustee's reference values, named as the TDX verifier's claims
 * (quote.body.mr_td, rtmr_0..3, xfam: lower-case hex) and the event-log
 * digests its default policy compares (tdvfkernel, tdvfkernelparams:
 * kept only when every TDX value has the same one); returns 0 or -1 when
 * out of memory */
static int add_tdx(json_t *v, json_t *contrast, json_t *tdx_rv)
{
	static const char *const rv_names[PV_RV_TDX_REGS] = { "mr_td",
		"rtmr_0", "rtmr_1", "rtmr_2", "rtmr_3" };
	const char *plat = json_string_value(json_object_get(v, "platform"));
	const char *handler = json_string_value(json_object_get(v, "handler"));
	json_t *rtmrs = json_object_get(v, "rtmrs"), *xfam, *list;
	size_t i;

	xfam = json_object_get(v, "xfam");
	for (i = 0; i < PV_RV_TDX_REGS; i++) {
		json_t *h = i ? json_array_get(rtmrs, i - 1) :
				json_object_get(v, "mrtd");

		list = json_object_get(tdx_rv, rv_names[i]);
		if (!list) {
			list = json_array();
			if (!list || json_object_set_new(tdx_rv, rv_names[i], list))
				return -1;
		}
		add_unique(list, json_string_value(h));
	}
	for (i = 0; i < 2; i++) {
		json_t *h = json_object_get(v, i ? "loadOptionsDigest" :
					       "kernelDigest");
		const char *k = i ? "tdvfkernelparams" : "tdvfkernel";

		list = json_object_get(tdx_rv, k);
		if (!list) {
			list = json_array();
			if (!list || json_object_set_new(tdx_rv, k, list))
				return -1;
		}
		/* a value without the event: no single reference value */
		add_unique(list, h ? json_string_value(h) : "");
	}
	if (xfam) {
		list = json_object_get(tdx_rv, "xfam");
		if (!list) {
			list = json_array();
			if (!list || json_object_set_new(tdx_rv, "xfam", list))
				return -1;
		}
		add_unique(list, json_string_value(xfam));
	}
	if (pv_contrast_platform(plat) && xfam) {
		json_t *h = json_object_get(contrast, handler), *ent;

		if (!h) {
			h = json_pack("{s:[]}", "tdx");
			if (!h || json_object_set_new(contrast, handler, h))
				return -1;
		}
		ent = json_pack("{s:O, s:O, s:O, s:O, s:b, s:O}", "Platform",
				json_object_get(v, "platform"), "MrTd",
				json_object_get(v, "mrtd"), "Rtmrs", rtmrs,
				"Xfam", xfam, "MemoryIntegrity", 0, "CPUs",
				json_object_get(v, "vcpus"));
		if (!ent || json_array_append_new(json_object_get(h, "tdx"), ent))
			return -1;
	}
	return 0;
}

json_t *pv_rv_derive_for(json_t *values, json_t *consumers)
{
	json_t *out = json_object(), *contrast = json_object();
	json_t *snp_rv = json_array(), *cca_rv = json_array();
	json_t *realms = json_array(), *byplat = json_object(), *v;
	json_t *comid = json_object();
	json_t *tdx_rv = json_object();
	const json_t *tcb = NULL;
	struct pv_trustee tr;
	uint64_t pol0 = 0;
	bool one_policy = true, any_snp = false;
	size_t i;

	if (!out || !contrast || !snp_rv || !cca_rv || !realms || !byplat ||
	    !comid || !tdx_rv ||
	    pv_rv_consumers_parse(consumers, &tr, &tcb, NULL))
		goto oom;
	json_array_foreach(values, i, v) {
		const char *tee = json_string_value(json_object_get(v, "tee"));
		const char *hex = json_string_value(json_object_get(v, "measurement"));
		const char *handler = json_string_value(json_object_get(v, "handler"));
		const char *plat = json_string_value(json_object_get(v, "platform"));
		uint8_t bin[PV_HASH_MAX];
		size_t len, got;
		char *b64;

		if (!strcmp(tee, "tdx")) {
			if (add_tdx(v, contrast, tdx_rv))
				goto oom;
			continue;
		}
		len = strlen(hex) / 2;
		if (pv_hex_decode(hex, bin, sizeof(bin), &got, "measurement", NULL))
			goto oom; /* parsed before: cannot happen */
		b64 = pv_base64_alloc(bin, len);
		if (!b64)
			goto oom;
		if (!strcmp(tee, "snp")) {
			const char *pol = json_string_value(json_object_get(v, "policy"));
			const char *prod = json_string_value(json_object_get(v, "product"));
			json_t *vc = json_object_get(v, "vcpus"), *pl;
			const char *enc = tr.hex ? hex : b64;
			uint64_t p = 0;

			if (!pol || pv_parse_u64(pol, UINT64_MAX, &p, "policy", NULL)) {
				free(b64);
				goto oom; /* parsed before: cannot happen */
			}
			if (any_snp && p != pol0)
				one_policy = false;
			pol0 = p;
			any_snp = true;
			/* Contrast: only handlers its parser reads, only the
			 * products its manifest accepts (Milan, Genoa) */
			if (pv_contrast_platform(plat) &&
			    (!strcmp(prod, "Milan") || !strcmp(prod, "Genoa"))) {
				bool seed = json_is_integer(vc) &&
					    json_integer_value(vc) == 1 &&
					    json_object_get(v, "apEip");

				if (seed || !has_seed(values, v)) {
					json_t *h = json_object_get(contrast, handler);

					if (!h) {
						h = json_pack("{s:[]}", "snp");
						json_object_set_new(contrast, handler, h);
					}
					json_array_append_new(json_object_get(h, "snp"),
						contrast_entry(v, p, hex, tcb, seed));
				}
			}
			add_unique(snp_rv, enc);
			pl = json_object_get(byplat, plat);
			if (!pl) {
				pl = json_object();
				add_policy_rvs(pl, p, &tr);
				json_object_set_new(pl, PV_RVPS_SNP_KEY, json_array());
				json_object_set_new(byplat, plat, pl);
			}
			add_unique(json_object_get(pl, PV_RVPS_SNP_KEY), enc);
		} else {
			json_t *rec = json_object_get(v, "recipe");
			const char *alg = json_string_value(json_object_get(
				rec, "algorithm"));
			static const uint8_t zero_rpv[64];
			static const uint8_t zero_rems[4][PV_CCA_MEAS_MAX];
			/* a firmware boot's REMs are EDK2's, not computed
			 * (cca-rim.md §12): not matched */
			const uint8_t (*rems)[PV_CCA_MEAS_MAX] =
				json_object_get(rec, "firmware") ? NULL : zero_rems;
			enum pv_hash h = PV_SHA256;
			json_t *cm = NULL;

			if (alg)
				pv_hash_from_name(alg, &h, NULL);
			json_array_append_new(realms, pv_cca_ccatoken_realm(
				bin, len, zero_rpv, PV_SHA256, rems));
			/* the CoMID leaves the RPV out: a pod's is its own
			 * (Trustee binds the init-data hash to it) */
			if (pv_cca_comid(PV_CCA_COMID_REALM_2025, bin, len,
					 h, NULL, rems, NULL, NULL, &cm,
					 NULL) < 0 ||
			    json_object_set_new(comid, json_string_value(
					json_object_get(v, "id")), cm)) {
				free(b64);
				goto oom;
			}
			add_unique(cca_rv, b64);
		}
		free(b64);
	}
	json_object_set_new(out, "contrast", contrast);
	contrast = NULL;
	v = json_object();
	json_object_set_new(out, "trustee", v);
	if (json_array_size(snp_rv)) {
		json_t *payload = json_pack("{s:O}", PV_RVPS_SNP_KEY, snp_rv);
		const char *k;
		json_t *pl, *by = json_object();

		if (payload && one_policy)
			add_policy_rvs(payload, pol0, &tr);
		json_object_set_new(v, "snp", sample(payload));
		json_object_foreach(byplat, k, pl)
			json_object_set_new(by, k, sample(json_incref(pl)));
		json_object_set_new(v, "snpByPlatform", by);
	}
	if (json_object_size(tdx_rv)) {
		/* the default policy compares these with ==: one value */
		static const char *const one[] = { "tdvfkernel",
						   "tdvfkernelparams" };
		json_t *l;
		size_t k;

		for (k = 0; k < 2; k++) {
			l = json_object_get(tdx_rv, one[k]);
			if (l && json_array_size(l) == 1 &&
			    *json_string_value(json_array_get(l, 0)))
				json_object_set(tdx_rv, one[k],
						json_array_get(l, 0));
			else
				json_object_del(tdx_rv, one[k]);
		}
		json_object_set_new(v, "tdx", sample(json_incref(tdx_rv)));
	}
	if (json_array_size(cca_rv))
		json_object_set_new(v, "cca", pv_rvps_sample(
			PV_RVPS_CCA_KEY,
			json_incref(cca_rv)));
	if (json_array_size(realms))
		json_object_set_new(out, "ccatoken", json_pack("{s:O}", "realm",
							       realms));
	if (json_object_size(comid))
		json_object_set_new(out, "comid", json_incref(comid));
	json_decref(comid);
	json_decref(snp_rv);
	json_decref(cca_rv);
	json_decref(realms);
	json_decref(byplat);
	json_decref(tdx_rv);
	return out;
oom:
	json_decref(out);
	json_decref(comid);
	json_decref(contrast);
	json_decref(snp_rv);
	json_decref(cca_rv);
	json_decref(realms);
	json_decref(byplat);
	json_decref(tdx_rv);
	return NULL;
}

json_t *pv_rv_derive(json_t *values)
{
	return pv_rv_derive_for(values, NULL);
}

/* ---- drift ---- */

static const struct pv_rv_value *find(const struct pv_rv_doc *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->nvalues; i++)
		if (!strcmp(d->values[i].id, id))
			return &d->values[i];
	return NULL;
}

size_t pv_rv_drift(const struct pv_rv_doc *old, const struct pv_rv_doc *cur,
		   void (*report)(void *arg, const char *line, json_t *detail),
		   void *arg)
{
	char line[PV_RV_DRIFT_TEXT], region[64], why[PV_REGION_TEXT];
	char a[2 * PV_HASH_MAX + 1], b[2 * PV_HASH_MAX + 1];
	const char *reg;
	size_t i, r, n = 0;

	for (i = 0; i < old->nvalues; i++) {
		const struct pv_rv_value *o = &old->values[i];
		const struct pv_rv_value *c = find(cur, o->id);

		if (!c) {
			snprintf(line, sizeof(line), "%s: removed", o->id);
			report(arg, line, json_pack("{s:s, s:s}", "id", o->id,
						    "change", "removed"));
			n++;
			continue;
		}
		if (o->mlen == c->mlen &&
		    !memcmp(o->measurement, c->measurement, o->mlen) &&
		    !memcmp(o->regs, c->regs, sizeof(o->regs)))
			continue;
		reg = "measurement";
		pv_hex_encode(o->measurement, o->mlen, a, sizeof(a));
		pv_hex_encode(c->measurement, c->mlen, b, sizeof(b));
		for (r = 0; !o->mlen && r < PV_RV_TDX_REGS; r++) {
			if (!memcmp(o->regs[r], c->regs[r], 48))
				continue;
			reg = pv_rv_tdx_reg_name(r);
			pv_hex_encode(o->regs[r], 48, a, sizeof(a));
			pv_hex_encode(c->regs[r], 48, b, sizeof(b));
			break;
		}
		if (!pv_regions_diverge(o->regions, c->regions, region,
					sizeof(region), why, sizeof(why))) {
			snprintf(region, sizeof(region), "(none)");
			snprintf(why, sizeof(why), "the regions agree: the "
				 "digest chain itself differs");
		}
		snprintf(line, sizeof(line), "%s: %s %.16s... -> "
			 "%.16s...; first diverging region: %s (%s)", o->id,
			 reg, a, b, region, why);
		report(arg, line, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
					    "id", o->id, "change", reg,
					    "old", a, "new", b, "region", region,
					    "why", why));
		n++;
	}
	for (i = 0; i < cur->nvalues; i++) {
		if (find(old, cur->values[i].id))
			continue;
		snprintf(line, sizeof(line), "%s: added", cur->values[i].id);
		report(arg, line, json_pack("{s:s, s:s}", "id", cur->values[i].id,
					    "change", "added"));
		n++;
	}
	return n;
}
