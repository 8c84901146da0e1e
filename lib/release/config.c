/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.c - the release configuration of an image (images/<name>/
 * release.json): the handler prefix, the install layout and release URL of
 * every artifact, and the launch configurations to publish values for.
 * The format is documented in README.md ("Reference values").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

const char *pv_contrast_platform(const char *platform)
{
	/* FromRuntimeClassString's prefixes, longest first; FromString's
	 * names are the same four, matched whole and case-insensitively */
	static const char *const names[] = { "metal-qemu-snp-gpu",
		"metal-qemu-snp", "metal-qemu-tdx-gpu", "metal-qemu-tdx" };
	char h[160];
	size_t i;

	/* the handler's platform part and the "-<hash>" after it */
	snprintf(h, sizeof(h), "%s-", platform);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncasecmp(h, names[i], strlen(names[i])))
			return names[i];
	return NULL;
}

int pv_trustee_from_version(const char *v, struct pv_trustee *t,
			    struct pv_err *e)
{
	unsigned long part[3] = { 0 };
	const char *p = v;
	int i, digits;

	if (*p == 'v')
		p++;
	for (i = 0; i < 3; i++) {
		for (digits = 0; *p >= '0' && *p <= '9' && digits < 4; digits++)
			part[i] = part[i] * 10 + (unsigned long)(*p++ - '0');
		if (!digits || (i < 2 && *p != '.'))
			break;
		if (i < 2)
			p++;
	}
	if (i < 3 || *p || part[0] > 999 || part[1] > 999 || part[2] > 999)
		return pv_errf(e, PV_EFORMAT, "trustee.version: '%.32s' is not a "
			       "version MAJOR.MINOR.PATCH (e.g. \"0.18.0\")", v);
	t->version = v;
	/* d7831293 "Change SNP verifier to use hex encoding" is in v0.18.0;
	 * fa25802c "snp: change tcb_claims to non-string values" in v0.14.0 */
	t->hex = part[0] > 0 || part[1] >= 18;
	t->typed = part[0] > 0 || part[1] >= 14;
	return 0;
}

/* A target whose handler Contrast parses must be what Contrast runs there:
 * QEMU + OVMF direct boot with a guest policy its manifest accepts. */
static int check_contrast(const struct pv_rel_target *g, const char *path,
			  struct pv_err *e)
{
	const char *cp = pv_contrast_platform(g->platform);
	uint64_t p = g->policy;

	if (!cp)
		return 0;
	if (strcmp(cp, g->platform))
		return pv_errf(e, PV_EFORMAT, "%s.platform: '%.64s': Contrast "
			       "reads handler contrast-cc-%.64s-<hash> as %s "
			       "(internal/platforms FromRuntimeClassString matches "
			       "by prefix): name it %s exactly, or give it a name "
			       "Contrast rejects (e.g. igvm-qemu-snp)", path,
			       g->platform, g->platform, cp, cp);
	if (g->tdx != !!strstr(cp, "tdx") || g->cca || !g->ovmf)
		return pv_errf(e, PV_EFORMAT, "%s.platform: %s is Contrast's QEMU "
			       "+ OVMF direct-boot %s platform: only %s may take "
			       "the name (an IGVM or CLH target needs a name "
			       "Contrast rejects, e.g. igvm-qemu-snp)", path, cp,
			       strstr(cp, "tdx") ? "TDX" : "SEV-SNP",
			       strstr(cp, "tdx") ? "a \"tdx\" target" :
			       "an \"ovmf\" snp target");
	/* TDXReferenceValues.Validate: Xfam is 8 bytes of hex */
	if (g->tdx) {
		if (!g->xfam)
			return pv_errf(e, PV_EFORMAT, "%s.xfam: missing (Contrast's "
				       "TDX reference values require the TD's XFAM, "
				       "8 bytes in hex, e.g. \"e702060000000000\")",
				       path);
		return 0;
	}
	/* SNPReferenceValues.Validate: ABIMajor 0, ABIMinor 0 or 31, SMT on,
	 * every other flag off; the ID block's POLICY is SnpPolicyToBytes of
	 * it, so the word QEMU is given must round-trip (bit 17 set, nothing
	 * above bit 20) */
	if ((p & 0xff00) || ((p & 0xff) != 0 && (p & 0xff) != 31) ||
	    !(p & (1u << 16)) || !(p & (1u << 17)) || (p >> 18))
		return pv_errf(e, PV_EFORMAT, "%s.policy: 0x%llx: Contrast's "
			       "manifest takes ABI 0.0 (or 0.31), SMT allowed, bit "
			       "17 set and every other flag clear (0x30000 or "
			       "0x3001f)", path, (unsigned long long)p);
	return 0;
}

/* "vcpus": 1 to PV_REL_MAX_VCPUS counts of 1..512 */
static int load_vcpus(json_t *arr, const char *path, struct pv_rel_target *g,
		      struct pv_err *e)
{
	json_t *v;
	size_t i;

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

static int load_snp(json_t *t, const char *path, struct pv_rel_target *g,
		    struct pv_err *e)
{
	static const char *const keys[] = { "platform", "vmm", "igvm", "ovmf",
		"kernel", "initrd", "cmdline", "policy", "products", "vcpus",
		"optional", NULL };
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
	    (r = pv_jf_bool(t, "optional", PV_JF_OPTIONAL, path, &g->optional,
			    e)) < 0 ||
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
	return load_vcpus(arr, path, g, e);
}

/* "{vcpus}" in @tmpl replaced by @n: a file name of the release folder */
int pv_rel_expand(const char *tmpl, unsigned n, char *out, size_t size)
{
	const char *p = strstr(tmpl, "{vcpus}");
	int w;

	if (!p)
		w = snprintf(out, size, "%s", tmpl);
	else
		w = snprintf(out, size, "%.*s%u%s", (int)(p - tmpl), tmpl, n,
			     p + 7);
	return w < 0 || (size_t)w >= size || !pv_name_ok(out) ? -1 : 0;
}

/* A TDX target: QEMU + TDVF direct boot (docs/tdx.md 10, 11) */
static int load_tdx(json_t *t, const char *path, struct pv_rel_target *g,
		    struct pv_err *e)
{
	static const char *const keys[] = { "platform", "vmm", "firmware",
		"kernel", "initrd", "cmdline", "memory", "vcpus", "acpiLoader",
		"acpiRsdp", "acpiTables", "stubMeasures", "xfam", "optional",
		NULL };
	const char **const acpi[] = { &g->acpi_loader, &g->acpi_rsdp,
				      &g->acpi_tables };
	static const char *const akeys[] = { "acpiLoader", "acpiRsdp",
					     "acpiTables" };
	char name[160];
	uint64_t mem;
	json_t *arr;
	size_t i, k;
	int r;

	g->stub_measures = true;
	if ((r = pv_jf_only(t, keys, path, e)) ||
	    (r = name_member(t, "firmware", 0, path, &g->ovmf, e)) ||
	    (r = name_member(t, "kernel", 0, path, &g->kernel, e)) ||
	    (r = name_member(t, "initrd", PV_JF_OPTIONAL, path, &g->initrd, e)) < 0 ||
	    (r = name_member(t, "cmdline", PV_JF_OPTIONAL, path, &g->cmdline, e)) < 0 ||
	    (r = pv_jf_str(t, "memory", 0, path, &g->memory, e)) ||
	    (r = pv_jf_bool(t, "stubMeasures", PV_JF_OPTIONAL, path,
			    &g->stub_measures, e)) < 0 ||
	    (r = pv_jf_str(t, "xfam", PV_JF_OPTIONAL, path, &g->xfam, e)) < 0 ||
	    (r = pv_jf_bool(t, "optional", PV_JF_OPTIONAL, path, &g->optional,
			    e)) < 0 ||
	    (r = pv_jf_get(t, "vcpus", JSON_ARRAY, 0, path, &arr, e)))
		return r < 0 ? r : PV_EFORMAT;
	for (k = 0; k < 3; k++)
		if ((r = pv_jf_str(t, akeys[k], 0, path, acpi[k], e)))
			return r;
	if (strcmp(g->vmm, "qemu"))
		return pv_errf(e, PV_EFORMAT, "%s.vmm: '%.32s': TDX targets are "
			       "qemu launches", path, g->vmm);
	if (pv_parse_size(g->memory, 1ull << 20, &mem, "memory", NULL) ||
	    mem < (1ull << 20))
		return pv_errf(e, PV_EFORMAT, "%s.memory: '%.32s' is not a size "
			       "(e.g. \"512M\"; a plain number counts MiB)",
			       path, g->memory);
	if (g->xfam && (strlen(g->xfam) != 16 ||
			strspn(g->xfam, "0123456789abcdef") != 16))
		return pv_errf(e, PV_EFORMAT, "%s.xfam: '%.32s': expected 8 bytes "
			       "in lower-case hex", path, g->xfam);
	if ((r = load_vcpus(arr, path, g, e)))
		return r;
	for (k = 0; k < 3; k++) {
		if (g->nvcpus > 1 && !strstr(*acpi[k], "{vcpus}"))
			return pv_errf(e, PV_EFORMAT, "%s.%s: '%.64s' names one "
				       "file for %zu vCPU counts: the ACPI tables "
				       "differ per count (put \"{vcpus}\" in the "
				       "name)", path, akeys[k], *acpi[k],
				       g->nvcpus);
		for (i = 0; i < g->nvcpus; i++)
			if (pv_rel_expand(*acpi[k], g->vcpus[i], name,
					  sizeof(name)))
				return pv_errf(e, PV_EFORMAT, "%s.%s: '%.64s' is "
					       "not a file name of the release "
					       "folder", path, akeys[k], *acpi[k]);
	}
	return 0;
}

static int load_snp_checked(json_t *t, const char *path,
			    struct pv_rel_target *g, struct pv_err *e)
{
	int r = g->tdx ? load_tdx(t, path, g, e) : load_snp(t, path, g, e);

	return r ? r : check_contrast(g, path, e);
}

static int load_cca(json_t *t, const char *path, struct pv_rel_target *g,
		    struct pv_err *e)
{
	static const char *const keys[] = { "platform", "vmm", "rmm", "kernel",
		"firmware", "initrd", "cmdline", "memory", "cpus", "algorithm",
		"disks", "sveVl", "pmuCounters", "optional", "note", NULL };
	uint64_t cpus, disks = 0, sve = 0, pmu = 0;
	int r;

	if ((r = pv_jf_only(t, keys, path, e)) ||
	    (r = pv_jf_str(t, "rmm", 0, path, &g->rmm, e)) ||
	    (r = name_member(t, "kernel", PV_JF_OPTIONAL, path, &g->kernel, e)) < 0 ||
	    (r = name_member(t, "firmware", PV_JF_OPTIONAL, path, &g->firmware, e)) < 0 ||
	    (r = name_member(t, "initrd", PV_JF_OPTIONAL, path, &g->initrd, e)) < 0 ||
	    (r = name_member(t, "cmdline", PV_JF_OPTIONAL, path, &g->cmdline, e)) < 0 ||
	    (r = pv_jf_str(t, "memory", 0, path, &g->memory, e)) ||
	    (r = pv_jf_uint(t, "cpus", 0, 1, 512, path, &cpus, e)) ||
	    (r = pv_jf_str(t, "algorithm", 0, path, &g->algorithm, e)) ||
	    (r = pv_jf_uint(t, "disks", PV_JF_OPTIONAL, 0, 8, path, &disks, e)) < 0 ||
	    (r = pv_jf_uint(t, "sveVl", PV_JF_OPTIONAL, 128, 2048, path, &sve, e)) < 0 ||
	    (r = pv_jf_uint(t, "pmuCounters", PV_JF_OPTIONAL, 0, 31, path, &pmu, e)) < 0 ||
	    (r = pv_jf_bool(t, "optional", PV_JF_OPTIONAL, path, &g->optional,
			    e)) < 0 ||
	    (r = pv_jf_str(t, "note", PV_JF_OPTIONAL, path, &g->note, e)) < 0)
		return r < 0 ? r : PV_EFORMAT;
	if (strcmp(g->vmm, "kvmtool") && strcmp(g->vmm, "qemu"))
		return pv_errf(e, PV_EFORMAT, "%s.vmm: '%.32s': CCA targets take "
			       "kvmtool or qemu", path, g->vmm);
	if (!g->kernel == !g->firmware || (g->firmware && g->initrd))
		return pv_errf(e, PV_EFORMAT, "%s: expected a kernel (with an "
			       "optional initrd) or a firmware (kvmtool "
			       "--firmware, no initrd)", path);
	if ((g->firmware || disks) && strcmp(g->vmm, "kvmtool"))
		return pv_errf(e, PV_EFORMAT, "%s: firmware and disks are "
			       "modelled for kvmtool only", path);
	if (sve % 128)
		return pv_errf(e, PV_EFORMAT, "%s.sveVl: %llu is not a multiple "
			       "of 128 bits", path, (unsigned long long)sve);
	g->cpus = (unsigned)cpus;
	g->disks = (unsigned)disks;
	g->sve_vl = (unsigned)sve;
	g->pmu = (unsigned)pmu;
	return 0;
}

int pv_rel_tcb_check(json_t *tcb, const char *path, struct pv_err *e)
{
	static const char *const parts[] = { "BootloaderVersion", "TEEVersion",
		"SNPVersion", "MicrocodeVersion", NULL };
	static const char *const products[] = { "Milan", "Genoa", "Turin",
		NULL };
	char at[200];
	const char *k;
	uint64_t n;
	json_t *v;
	size_t i;
	int r;

	if ((r = pv_jf_only(tcb, products, path, e)))
		return r;
	json_object_foreach(tcb, k, v) {
		snprintf(at, sizeof(at), "%s.%s", path, k);
		if (!json_is_object(v))
			return pv_errf(e, PV_EFORMAT, "%s: expected {\"Bootloader"
				       "Version\": N, \"TEEVersion\": N, \"SNP"
				       "Version\": N, \"MicrocodeVersion\": N}", at);
		if ((r = pv_jf_only(v, parts, at, e)))
			return r;
		for (i = 0; parts[i]; i++)
			if ((r = pv_jf_uint(v, parts[i], 0, 0, 255, at, &n, e)))
				return r;
	}
	return 0;
}

/* The consumers' settings: MinimumTCB, the Trustee version, the release
 * base and the kernel parameters outside the measured command line */
static int load_consumers(struct pv_rel_config *c, const char *path,
			  struct pv_err *e)
{
	static const char *const tkeys[] = { "version", NULL };
	const char *ver = "0.18.0", *base = NULL;
	char at[200];
	json_t *t;
	int r;

	r = pv_jf_get(c->doc, "minimumTCB", JSON_OBJECT, PV_JF_OPTIONAL, path,
		      &c->minimum_tcb, e);
	snprintf(at, sizeof(at), "%s: minimumTCB", path);
	if (r < 0 || (r == 0 && (r = pv_rel_tcb_check(c->minimum_tcb, at, e))))
		return r;
	r = pv_jf_get(c->doc, "trustee", JSON_OBJECT, PV_JF_OPTIONAL, path, &t,
		      e);
	snprintf(at, sizeof(at), "%s: trustee", path);
	if (r < 0 || (r == 0 && ((r = pv_jf_only(t, tkeys, at, e)) ||
				 (r = pv_jf_str(t, "version", 0, at, &ver, e)))))
		return r;
	if ((r = pv_trustee_from_version(ver, &c->trustee, e)))
		return pv_err_prefix(e, "%s", path);
	c->qemu_extra_kernel_params = "";
	if ((r = pv_jf_str(c->doc, "qemuExtraKernelParams", PV_JF_OPTIONAL,
			   path, &c->qemu_extra_kernel_params, e)) < 0 ||
	    (r = pv_jf_str(c->doc, "releaseBase", PV_JF_OPTIONAL, path, &base,
			   e)) < 0)
		return r;
	if (!base)
		base = getenv("PODVM_RELEASE_BASE");
	if (base && !*base)
		base = NULL;
	if (base && ((strncmp(base, "https://", 8) && strncmp(base, "http://", 7) &&
		      strncmp(base, "file://", 7)) || strpbrk(base, " \t\n\"@") ||
		     strlen(base) > 1024))
		return pv_errf(e, PV_EFORMAT, "%s: releaseBase (or "
			       "PODVM_RELEASE_BASE): '%.64s' is not an http(s):// "
			       "or file:// URL", path, base);
	c->release_base = base;
	return 0;
}

int pv_rel_config_load(const char *path, struct pv_rel_config *c,
		       struct pv_err *e)
{
	static const char *const keys[] = { "handlerPrefix", "installRoot",
		"urlTemplate", "integrity", "files", "snp", "cca", "tdx", "minimumTCB",
		"trustee", "releaseBase", "qemuExtraKernelParams", NULL };
	static const char *const fkeys[] = { "path", "executable", "optional",
		NULL };
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
				    &f->executable, e)) < 0 ||
		    (r = pv_jf_bool(v, "optional", PV_JF_OPTIONAL, at,
				    &f->optional, e)) < 0) {
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
	for (pass = 0; pass < 3; pass++) {
		const char *kind = pass == 2 ? "tdx" : pass ? "cca" : "snp";

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
			g->cca = pass == 1;
			g->tdx = pass == 2;
			if ((r = pv_jf_str(v, "platform", 0, at, &g->platform, e)) ||
			    (r = pv_jf_str(v, "vmm", 0, at, &g->vmm, e)) ||
			    (r = g->cca ? load_cca(v, at, g, e) :
				    load_snp_checked(v, at, g, e)))
				goto fail;
			if (!pv_name_ok(g->platform)) {
				r = pv_errf(e, PV_EFORMAT, "%s.platform: '%.64s' is "
					    "not a plain name", at, g->platform);
				goto fail;
			}
			c->ntargets++;
		}
	}
	if ((r = load_consumers(c, path, e)))
		goto fail;
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
