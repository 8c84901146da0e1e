/* SPDX-License-Identifier: Apache-2.0 */
/*
 * publish.c - the release's own checks and outputs (release.h):
 * refvalues.json written from a configuration and a release folder, the
 * auditor's check of a release (every artifact, every value recomputed
 * from its recipe, every member that follows from the recipe), and the
 * artifacts that changed between two releases.  Everything is computed in
 * this process (pv_rv_compute); the tool only prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base64.h"
#include "core/digest.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "release/release.h"
#include "snp/idblock.h"

#define DOC_MAX (64u << 20)

/* Contrast's ID block and ID auth of a launch digest and policy, base64
 * (contrast.md 9); *@blk and *@auth are free()d by the caller */
static int contrast_id_block(const uint8_t ld[48], uint64_t policy,
			     char **blk, char **auth, struct pv_err *e)
{
	uint8_t b[PV_SNP_ID_BLOCK_SIZE], a[PV_SNP_ID_AUTH_SIZE];
	int r = pv_snp_contrast_id_block(ld, policy, b, a, e);

	*blk = *auth = NULL;
	if (r)
		return r;
	*blk = pv_base64_alloc(b, sizeof(b));
	*auth = pv_base64_alloc(a, sizeof(a));
	if (!*blk || !*auth) {
		free(*blk);
		free(*auth);
		*blk = *auth = NULL;
		return pv_errf(e, PV_ENOMEM, "out of memory");
	}
	return 0;
}

int pv_rel_load_index(const char *dir, const char *file,
		      struct pv_art_index *x, uint8_t sha256[32], char *sri,
		      size_t srisize, struct pv_err *e)
{
	char path[4096];
	struct pv_map m = { 0 };
	json_error_t je;
	json_t *doc;
	int r;

	memset(x, 0, sizeof(*x));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((r = pv_rel_map(dir, file, DOC_MAX, &m, e)))
		return r;
	if (pv_hash_buf(PV_SHA256, m.data, m.len, sha256)) {
		pv_unmap(&m);
		return pv_errf(e, PV_ECRYPTO, "%s: hashing failed", path);
	}
	doc = json_loadb((const char *)m.data, m.len, JSON_REJECT_DUPLICATES,
			 &je);
	pv_unmap(&m);
	if (!doc)
		return pv_errf(e, PV_EFORMAT, "%s: line %d: %s", path, je.line,
			       je.text);
	if ((r = pv_sri_format(PV_SHA256, sha256, sri, srisize)))
		return pv_errf(e, r, "%s: no integrity string", path);
	return pv_art_parse(doc, path, x, e);
}

/* The recipe's input files with their integrity in the index */
static json_t *inputs_of(const struct pv_rv_recipe *r,
			 const struct pv_art_index *idx, const char *id,
			 struct pv_err *e)
{
	const char *ins[] = { r->igvm, r->ovmf, r->kernel, r->initrd,
			      r->cmdline, r->firmware, r->acpi_loader,
			      r->acpi_rsdp, r->acpi_tables };
	json_t *o = json_object();
	size_t i;

	if (!o) {
		pv_errf(e, PV_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < sizeof(ins) / sizeof(ins[0]); i++) {
		const struct pv_art_file *f;

		if (!ins[i])
			continue;
		f = pv_art_find(idx, ins[i]);
		if (!f) {
			json_decref(o);
			pv_errf(e, PV_EFORMAT, "%s: input %s is not in "
				"artifacts.json", id, ins[i]);
			return NULL;
		}
		json_object_set_new(o, ins[i], json_string(f->integrity));
	}
	return o;
}

/* ---- refvalues.json ---- */

static json_t *value(const struct pv_rel_config *cfg,
		     const struct pv_rel_target *t,
		     const struct pv_rv_recipe *r, const char *dir,
		     const struct pv_art_index *idx, const uint8_t ahash[32],
		     pv_rv_progress_fn progress, void *arg, struct pv_err *e)
{
	char id[160], handler[256], hex[2 * PV_HASH_MAX + 1], pol[24];
	struct pv_rv_computed c;
	json_t *v, *inputs;
	char *cmd;

	pv_rv_id(r, id, sizeof(id));
	inputs = inputs_of(r, idx, id, e);
	if (!inputs)
		return NULL;
	if (pv_rv_compute(r, dir, NULL, NULL, &c, e)) {
		json_decref(inputs);
		pv_err_prefix(e, "%s", id);
		return NULL;
	}
	pv_rv_handler(cfg->handler_prefix, t->platform, ahash, handler,
		      sizeof(handler));
	pv_hex_encode(c.m, c.mlen, hex, sizeof(hex));
	v = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "tee",
		      t->tdx ? "tdx" : t->cca ? "cca" : "snp", "platform",
		      t->platform, "vmm", t->vmm);
	cmd = pv_rv_command(r);
	if (!v || !cmd) {
		json_decref(v);
		json_decref(inputs);
		free(cmd);
		pv_rv_computed_free(&c);
		pv_errf(e, PV_ENOMEM, "out of memory");
		return NULL;
	}
	if (t->tdx) {
		json_object_set_new(v, "vcpus", json_integer(r->vcpus));
	} else if (!t->cca) {
		json_object_set_new(v, "product", json_string(r->product));
		json_object_set_new(v, "vcpus", r->vcpus ?
				    json_integer(r->vcpus) : json_string("any"));
	} else {
		json_object_set_new(v, "cpus", json_integer(r->cpus));
	}
	json_object_set_new(v, "handler", json_string(handler));
	json_object_set_new(v, "recipe", pv_rv_recipe_json(r));
	json_object_set_new(v, "inputs", inputs);
	json_object_set_new(v, "command", json_string(cmd));
	free(cmd);
	if (t->tdx) {
		json_t *rtmrs = json_array();
		int i;

		json_object_set_new(v, "mrtd", pv_json_hex(c.regs[0], 48));
		for (i = 1; i < PV_RV_TDX_REGS; i++)
			json_array_append_new(rtmrs, pv_json_hex(c.regs[i], 48));
		json_object_set_new(v, "rtmrs", rtmrs);
		if (t->xfam)
			json_object_set_new(v, "xfam", json_string(t->xfam));
		json_object_set_new(v, "kernelDigest",
				    pv_json_hex(c.kernel_ev, 48));
		if (c.has_params_ev)
			json_object_set_new(v, "loadOptionsDigest",
					    pv_json_hex(c.params_ev, 48));
		json_object_set_new(v, "regions", c.regions);
		c.regions = NULL;
		pv_hex_encode(c.regs[0], 48, hex, sizeof(hex));
		if (progress)
			progress(arg, id, hex);
		return v;
	}
	json_object_set_new(v, "measurement", json_string(hex));
	if (t->ovmf) {
		/* QEMU's sev-snp-guest policy, as configured */
		c.has_policy = true;
		c.policy = t->policy;
	}
	if (c.has_ap_eip) {
		char eip[9];

		snprintf(eip, sizeof(eip), "%08x", c.ap_eip);
		json_object_set_new(v, "apEip", json_string(eip));
	}
	if (!t->cca) {
		if (!c.has_policy) {
			json_decref(v);
			pv_rv_computed_free(&c);
			pv_errf(e, PV_EFORMAT, "%s: %s has no GUEST_POLICY "
				"header", id, t->igvm);
			return NULL;
		}
		snprintf(pol, sizeof(pol), "0x%llx",
			 (unsigned long long)c.policy);
		json_object_set_new(v, "policy", json_string(pol));
	}
	if (!t->cca && pv_contrast_platform(t->platform)) {
		char *blk, *auth;

		if (contrast_id_block(c.m, c.policy, &blk, &auth, e)) {
			json_decref(v);
			pv_rv_computed_free(&c);
			pv_err_prefix(e, "%s", id);
			return NULL;
		}
		json_object_set_new(v, "idBlock", json_string(blk));
		json_object_set_new(v, "idAuth", json_string(auth));
		free(blk);
		free(auth);
	}
	json_object_set_new(v, "regions", c.regions);
	c.regions = NULL;
	if (progress)
		progress(arg, id, hex);
	return v;
}

static int add_values(const struct pv_rel_config *cfg,
		      const struct pv_rel_target *t, const char *dir,
		      const struct pv_art_index *idx, const uint8_t ahash[32],
		      json_t *values, pv_rv_progress_fn progress, void *arg,
		      struct pv_err *e)
{
	size_t np = t->cca || t->tdx ? 1 : t->nproducts;
	size_t nv = t->cca || !t->nvcpus ? 1 : t->nvcpus;
	char acpi[3][160];
	size_t p, k;

	for (p = 0; p < np; p++) {
		for (k = 0; k < nv; k++) {
			struct pv_rv_recipe r = {
				.cca = t->cca, .tdx = t->tdx,
				.platform = t->platform,
				.vmm = t->vmm, .igvm = t->igvm, .ovmf = t->ovmf,
				.rmm = t->rmm,
				.kernel = t->kernel, .initrd = t->initrd,
				.cmdline = t->cmdline, .memory = t->memory,
				.algorithm = t->algorithm, .cpus = t->cpus,
				.firmware = t->firmware, .disks = t->disks,
				.sve_vl = t->sve_vl, .pmu = t->pmu,
				.stub_measures = t->stub_measures,
			};
			json_t *v;

			if (t->tdx) {
				/* checked by pv_rel_config_load */
				r.vcpus = t->vcpus[k];
				pv_rel_expand(t->acpi_loader, r.vcpus, acpi[0],
					      sizeof(acpi[0]));
				pv_rel_expand(t->acpi_rsdp, r.vcpus, acpi[1],
					      sizeof(acpi[1]));
				pv_rel_expand(t->acpi_tables, r.vcpus, acpi[2],
					      sizeof(acpi[2]));
				r.acpi_loader = acpi[0];
				r.acpi_rsdp = acpi[1];
				r.acpi_tables = acpi[2];
			} else if (!t->cca) {
				r.product = t->products[p];
				r.vcpus = t->nvcpus ? t->vcpus[k] : 0;
			}
			v = value(cfg, t, &r, dir, idx, ahash, progress, arg, e);
			if (!v || json_array_append_new(values, v))
				return e && e->code ? e->code : PV_ENOMEM;
		}
	}
	return 0;
}

/* An optional target one of whose files the release lacks: the first
 * missing file, or NULL */
static const char *missing_input(const struct pv_rel_target *t,
				 const struct pv_art_index *idx)
{
	const char *ins[] = { t->igvm, t->ovmf, t->kernel, t->initrd,
			      t->cmdline, t->firmware };
	const char *acpi[] = { t->acpi_loader, t->acpi_rsdp, t->acpi_tables };
	static char name[160];
	size_t i, k;

	for (i = 0; i < sizeof(ins) / sizeof(ins[0]); i++)
		if (ins[i] && !pv_art_find(idx, ins[i]))
			return ins[i];
	for (i = 0; t->tdx && i < 3; i++)
		for (k = 0; k < t->nvcpus; k++)
			if (!pv_rel_expand(acpi[i], t->vcpus[k], name,
					   sizeof(name)) &&
			    !pv_art_find(idx, name))
				return name;
	return NULL;
}

json_t *pv_rv_build(const struct pv_rel_config *cfg, const char *dir,
		    pv_rv_progress_fn progress, void *arg, struct pv_err *e)
{
	json_t *notes = json_array(), *consumers = pv_rv_consumers_json(cfg);
	char note[400];
	const char *miss;
	bool turin = false, tdx = false, stubless = false;
	struct pv_art_index *idx = calloc(1, sizeof(*idx));
	json_t *doc = NULL, *values = NULL, *derived = NULL;
	char sri[PV_SRI_MAX];
	uint8_t ahash[32];
	size_t i;

	if (!idx) {
		pv_errf(e, PV_ENOMEM, "out of memory");
		return NULL;
	}
	if (pv_rel_load_index(dir, "artifacts.json", idx, ahash, sri,
			      sizeof(sri), e))
		goto out;
	if (!cfg->ntargets) {
		pv_errf(e, PV_EFORMAT, "the configuration has no \"snp\", "
			"\"cca\" or \"tdx\" targets");
		goto out;
	}
	values = json_array();
	for (i = 0; values && notes && i < cfg->ntargets; i++) {
		const struct pv_rel_target *t = &cfg->targets[i];
		size_t p;

		if (t->optional && (miss = missing_input(t, idx))) {
			snprintf(note, sizeof(note), "%s: no values: the release "
				 "has no %s (an optional target, computed once "
				 "the release ships it).", t->platform, miss);
			json_array_append_new(notes, json_string(note));
			if (progress)
				progress(arg, t->platform, "(skipped)");
			continue;
		}
		tdx |= t->tdx;
		stubless |= t->tdx && !t->stub_measures;
		for (p = 0; !t->cca && p < t->nproducts; p++)
			turin |= pv_contrast_platform(t->platform) &&
				 !strcmp(t->products[p], "Turin");
		if (add_values(cfg, t, dir, idx, ahash, values, progress, arg,
			       e))
			goto out;
		if (t->note && json_array_append_new(notes, json_sprintf(
				"%s: %s", t->platform, t->note))) {
			pv_errf(e, PV_ENOMEM, "out of memory");
			goto out;
		}
	}
	derived = values && consumers ? pv_rv_derive_for(values, consumers) : NULL;
	doc = json_pack("{s:i, s:{s:s, s:s}, s:{s:s, s:s}, s:O}", "version", 1,
			"image", "name", idx->image, "version", idx->version,
			"artifacts", "file", "artifacts.json", "integrity", sri,
			"values", values);
	if (!derived || !doc) {
		json_decref(doc);
		doc = NULL;
		pv_errf(e, PV_ENOMEM, "out of memory");
		goto out;
	}
	json_object_update(doc, derived);
	json_object_set(doc, "consumers", consumers);
	if (!cfg->minimum_tcb)
		json_array_append_new(notes, json_string(
			"MinimumTCB is not part of these values: it depends on "
			"the firmware of the hosts, which the operator knows; set "
			"it in the manifest (Contrast: snphost show tcb on a "
			"host), or in release.json \"minimumTCB\"."));
	if (turin)
		json_array_append_new(notes, json_string(
			"Turin values are published for QEMU, but Contrast's "
			"manifest does not accept the product Turin yet: they are "
			"left out of the \"contrast\" section."));
	json_array_append_new(notes, json_string(
		"Trustee: the SNP verifier reports MEASUREMENT in hex since "
		"v0.18.0 and in base64 before; consumers.trustee names the "
		"version these sections are written for. Host facts (SMT "
		"enabled, TSME enabled, the TCB) are the operator's to add."));
	if (tdx)
		json_array_append_new(notes, json_string(
			"TDX: MRTD and RTMR0..3 are the image's; MRSEAM and the "
			"TCB SVN are the hosts' TDX module, the operator's to "
			"add (Contrast: MrSeam; Trustee: mr_seam, tcb_svn). "
			"RTMR0 holds for the memory size and the QEMU ACPI "
			"tables of its recipe (docs/tdx.md 11)."));
	if (stubless)
		json_array_append_new(notes, json_string(
			"TDX: the kernel's EFI stub does not measure into the "
			"TD (stubMeasures false): RTMR2 is zero and the command "
			"line and initrd are NOT bound by these values "
			"(docs/tdx.md 10)."));
	json_array_append_new(notes, json_string(
		"Each value's command recomputes it in the release folder; "
		"`measure verify refvalues.json` recomputes them all."));
	json_object_set(doc, "notes", notes);
out:
	json_decref(notes);
	json_decref(consumers);
	json_decref(values);
	json_decref(derived);
	pv_art_free(idx);
	free(idx);
	return doc;
}

/* ---- verify ---- */

struct ver {
	pv_rv_say_fn say;
	void *arg;
	struct pv_rv_verdict *v;
};

static void say(struct ver *w, const char *status, const char *what,
		const char *detail)
{
	w->say(w->arg, status, what, detail);
	if (!strcmp(status, "missing") || !strcmp(status, "error"))
		w->v->missing++;
	else if (strcmp(status, "ok") && strcmp(status, "match"))
		w->v->mismatch++;
}

/* What the artifact check found on disk, per file of the index */
struct disk {
	int state[PV_REL_MAX_FILES];	/* 0 intact, 1 altered, 2 missing */
	char sri[PV_REL_MAX_FILES][PV_SRI_MAX];
};

static void check_artifacts(const struct pv_art_index *idx, const char *dir,
			    struct disk *dk, struct ver *w)
{
	char msg[512];
	size_t i;

	for (i = 0; i < idx->nfiles; i++) {
		const struct pv_art_file *f = &idx->files[i];
		struct pv_err e = { 0 };
		enum pv_hash alg;
		uint8_t d[PV_HASH_MAX];
		uint64_t size;

		pv_sri_parse(f->integrity, &alg, d, "integrity", NULL);
		if (pv_sri_file(dir, f->name, alg, dk->sri[i],
				sizeof(dk->sri[i]), &size, &e)) {
			dk->state[i] = 2;
			say(w, "missing", f->name, e.msg);
		} else if (size != f->size || strcmp(dk->sri[i], f->integrity)) {
			dk->state[i] = 1;
			snprintf(msg, sizeof(msg), "altered: %llu bytes %s, "
				 "artifacts.json lists %llu bytes %s",
				 (unsigned long long)size, dk->sri[i],
				 (unsigned long long)f->size, f->integrity);
			say(w, "ALTERED", f->name, msg);
		} else {
			snprintf(msg, sizeof(msg), "%llu bytes, %s",
				 (unsigned long long)size, dk->sri[i]);
			say(w, "ok", f->name, msg);
		}
	}
}

/* The members of a value that follow from its recipe: the command, the
 * inputs; returns 1 (and says which) when one does not */
static int check_recipe(const struct pv_rv_value *x,
			const struct pv_art_index *idx, struct ver *w)
{
	const char *cmd = json_string_value(json_object_get(x->obj, "command"));
	char msg[900];
	struct pv_err e = { 0 };
	char *want = pv_rv_command(&x->recipe);
	json_t *ins;
	int bad = 0;

	if (!want || !cmd || strcmp(want, cmd)) {
		snprintf(msg, sizeof(msg), "command: '%.200s' is not the "
			 "command of its recipe, '%.200s'", cmd ? cmd : "",
			 want ? want : "");
		say(w, "MISMATCH", x->id, msg);
		bad = 1;
	}
	free(want);
	if (bad)
		return 1;
	ins = inputs_of(&x->recipe, idx, x->id, &e);
	if (!ins) {
		say(w, "MISMATCH", x->id, e.msg);
		return 1;
	}
	if (!json_equal(ins, x->inputs)) {
		const char *k;
		json_t *s;

		snprintf(msg, sizeof(msg), "inputs: not the recipe's files with "
			 "their integrity in artifacts.json");
		json_object_foreach(ins, k, s) {
			if (!json_object_get(x->inputs, k)) {
				snprintf(msg, sizeof(msg), "inputs: %s is "
					 "missing (the recipe reads it)", k);
				break;
			}
		}
		json_object_foreach(x->inputs, k, s) {
			if (!json_object_get(ins, k)) {
				snprintf(msg, sizeof(msg), "inputs: %s is not "
					 "a file of the recipe", k);
				break;
			}
		}
		say(w, "MISMATCH", x->id, msg);
		bad = 1;
	}
	json_decref(ins);
	return bad;
}

/* a Contrast platform's value carries Contrast's ID block of its digest
 * and policy, no other value one; 1 when so, else 0 with @msg */
static int check_id_block(const struct pv_rv_value *x, char *msg,
			  size_t size)
{
	bool want = !x->recipe.cca && !x->recipe.tdx &&
		    pv_contrast_platform(x->recipe.platform);
	char *blk, *auth;
	int ok;

	if (!want || !x->id_block) {
		if (want == !!x->id_block)
			return 1;
		snprintf(msg, size, "idBlock, idAuth: %s", want ? "missing (a "
			 "Contrast platform's value carries them)" : "only a "
			 "Contrast platform's value carries them");
		return 0;
	}
	if (contrast_id_block(x->measurement, x->policy, &blk, &auth, NULL)) {
		snprintf(msg, size, "idBlock: cannot be derived");
		return 0;
	}
	ok = !strcmp(blk, x->id_block) && !strcmp(auth, x->id_auth);
	if (!ok)
		snprintf(msg, size, "%s: not Contrast's derivation from the "
			 "measurement and policy", strcmp(blk, x->id_block) ?
			 "idBlock" : "idAuth");
	free(blk);
	free(auth);
	return ok;
}

static void check_value(const struct pv_rv_value *x, const char *dir,
			const struct pv_art_index *idx, const struct disk *dk,
			const uint8_t ahash[32], struct ver *w)
{
	char msg[900], hex[2 * PV_HASH_MAX + 1], got[2 * PV_HASH_MAX + 1];
	char region[64], why[PV_REGION_TEXT], suffix[160], altered[300];
	char reg[16] = "";
	struct pv_err e = { 0 };
	struct pv_rv_computed c;
	const char *k;
	json_t *s;
	size_t hl, sl, r;
	bool same;

	/* the handler names this artifact set */
	snprintf(suffix, sizeof(suffix), "-%s-%02x%02x%02x%02x",
		 x->recipe.platform, ahash[0], ahash[1], ahash[2], ahash[3]);
	hl = strlen(x->handler);
	sl = strlen(suffix);
	if (hl <= sl || strcmp(x->handler + hl - sl, suffix)) {
		snprintf(msg, sizeof(msg), "handler %s does not end in %s (the "
			 "platform and this artifacts.json)", x->handler, suffix);
		say(w, "MISMATCH", x->id, msg);
		return;
	}
	if (check_recipe(x, idx, w))
		return;
	/* each input: listed, present, and the file the value was made of */
	altered[0] = 0;
	json_object_foreach(x->inputs, k, s) {
		const struct pv_art_file *f = pv_art_find(idx, k);
		size_t i = f ? (size_t)(f - idx->files) : 0;

		if (!f) {
			snprintf(msg, sizeof(msg), "input %s is not listed in "
				 "artifacts.json", k);
			say(w, "MISMATCH", x->id, msg);
			return;
		}
		if (dk->state[i] == 2) {
			snprintf(msg, sizeof(msg), "input %s is missing", k);
			say(w, "missing", x->id, msg);
			return;
		}
		if (strcmp(dk->sri[i], json_string_value(s)))
			snprintf(altered + strlen(altered),
				 sizeof(altered) - strlen(altered),
				 "%sinput %s is not the file the value was "
				 "computed from", *altered ? "; " : "", k);
	}
	pv_hex_encode(x->measurement, x->mlen, hex, sizeof(hex));
	if (pv_rv_compute(&x->recipe, dir, NULL, NULL, &c, &e)) {
		snprintf(msg, sizeof(msg), "%s%s%s", altered, *altered ? ": " : "",
			 e.msg);
		say(w, *altered ? "MISMATCH" : "error", x->id, msg);
		return;
	}
	pv_hex_encode(c.m, c.mlen, got, sizeof(got));
	same = c.mlen == x->mlen && !memcmp(c.m, x->measurement, x->mlen) &&
	       c.tdx == x->recipe.tdx &&
	       (!c.tdx || !memcmp(c.regs, x->regs, sizeof(c.regs)));
	for (r = 0; !same && c.tdx && r < PV_RV_TDX_REGS; r++) {
		if (!memcmp(c.regs[r], x->regs[r], 48))
			continue;
		/* the first register that moved */
		pv_hex_encode(c.regs[r], 48, got, sizeof(got));
		pv_hex_encode(x->regs[r], 48, hex, sizeof(hex));
		snprintf(reg, sizeof(reg), "%s: ", pv_rv_tdx_reg_name(r));
		break;
	}
	if (same && c.tdx)
		pv_hex_encode(x->regs[0], 48, hex, sizeof(hex));
	if (same && c.tdx && (memcmp(c.kernel_ev, x->kernel_ev, 48) ||
			      c.has_params_ev != x->has_params_ev ||
			      memcmp(c.params_ev, x->params_ev, 48))) {
		say(w, "MISMATCH", x->id, memcmp(c.kernel_ev, x->kernel_ev, 48) ?
		    "kernelDigest: not the kernel event's digest recomputed" :
		    "loadOptionsDigest: not the LoadOptions event's digest "
		    "recomputed (or present in only one of them)");
		pv_rv_computed_free(&c);
		return;
	}
	if (same && x->recipe.igvm && (!c.has_policy || c.policy != x->policy)) {
		snprintf(msg, sizeof(msg), "the IGVM's GUEST_POLICY is 0x%llx, "
			 "the value says 0x%llx", (unsigned long long)c.policy,
			 (unsigned long long)x->policy);
		say(w, "MISMATCH", x->id, msg);
	} else if (same && c.has_ap_eip != x->has_ap_eip) {
		say(w, "MISMATCH", x->id, "apEip: present in only one of the "
		    "value and the recomputation");
	} else if (same && c.has_ap_eip && c.ap_eip != x->ap_eip) {
		snprintf(msg, sizeof(msg), "the OVMF's AP reset EIP is %08x, the "
			 "value says %08x", c.ap_eip, x->ap_eip);
		say(w, "MISMATCH", x->id, msg);
	} else if (same && !check_id_block(x, msg, sizeof(msg))) {
		say(w, "MISMATCH", x->id, msg);
	} else if (same && !json_equal(c.regions, x->regions)) {
		if (pv_regions_diverge(x->regions, c.regions, region,
				       sizeof(region), why, sizeof(why)))
			snprintf(msg, sizeof(msg), "regions: not the recomputed "
				 "ones (region %s: %s)", region, why);
		else
			snprintf(msg, sizeof(msg), "regions: not the recomputed "
				 "ones (edited)");
		say(w, "MISMATCH", x->id, msg);
	} else if (same) {
		say(w, "match", x->id, hex);
	} else {
		if (!pv_regions_diverge(x->regions, c.regions, region,
					sizeof(region), why, sizeof(why)))
			snprintf(why, sizeof(why), "the published regions agree "
				 "with the recomputed ones: the value was edited");
		else
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 ", in region %s", region);
		snprintf(msg, sizeof(msg), "%srecomputed %.24s..., published "
			 "%.24s...: %s%s%s", reg, got, hex, why,
			 *altered ? "; " : "", altered);
		say(w, "MISMATCH", x->id, msg);
	}
	pv_rv_computed_free(&c);
}

static void check_sections(const struct pv_rv_doc *d, struct ver *w)
{
	static const char *const secs[] = { "contrast", "trustee", "ccatoken",
					    "comid" };
	json_t *want = pv_rv_derive_for(json_object_get(d->doc, "values"),
					d->consumers);
	size_t i;

	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		json_t *a = json_object_get(want, secs[i]);
		json_t *b = json_object_get(d->doc, secs[i]);

		if (!a && !b)
			continue;
		if (a && b && json_equal(a, b))
			say(w, "ok", secs[i], "follows from the values");
		else
			say(w, "MISMATCH", secs[i], b ? "does not follow from "
			    "the values (edited, or values changed without it)"
			    : "missing");
	}
	json_decref(want);
}

int pv_rv_verify(const struct pv_rv_doc *d, const char *dir,
		 pv_rv_say_fn sayfn, void *arg, struct pv_rv_verdict *v,
		 struct pv_err *e)
{
	struct ver w = { sayfn, arg, v };
	struct pv_art_index *idx;
	struct disk *dk;
	char sri[PV_SRI_MAX], msg[400];
	uint8_t ahash[32];
	size_t i;
	int rc = 0;

	memset(v, 0, sizeof(*v));
	idx = calloc(1, sizeof(*idx));
	dk = calloc(1, sizeof(*dk));
	if (!idx || !dk) {
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = pv_rel_load_index(dir, d->artifacts_file, idx, ahash, sri,
				    sizeof(sri), e)))
		goto out;
	if (strcmp(sri, d->artifacts_integrity))
		say(&w, "ALTERED", d->artifacts_file, "its integrity is not the "
		    "one the values were computed for (another build, or "
		    "edited)");
	else
		say(&w, "ok", d->artifacts_file, sri);
	if (strcmp(d->image, idx->image) || strcmp(d->version, idx->version)) {
		snprintf(msg, sizeof(msg), "%.100s %.100s, but %s lists "
			 "%.100s %.100s", d->image, d->version,
			 d->artifacts_file, idx->image, idx->version);
		say(&w, "MISMATCH", strcmp(d->image, idx->image) ?
		    "image.name" : "image.version", msg);
	}
	check_artifacts(idx, dir, dk, &w);
	for (i = 0; i < d->nvalues; i++) {
		int before = v->mismatch + v->missing;

		check_value(&d->values[i], dir, idx, dk, ahash, &w);
		v->matching += v->mismatch + v->missing == before;
	}
	check_sections(d, &w);
out:
	free(dk);
	if (idx)
		pv_art_free(idx);
	free(idx);
	return rc;
}

/* ---- drift of the artifacts ---- */


int pv_art_drift(const char *rv_a, const char *rv_b,
		 void (*report)(void *arg, const char *line, json_t *detail),
		 void *arg, size_t *n, struct pv_err *e)
{
	char da[4096], db[4096], pa[4200], pb[4200], sri[PV_SRI_MAX];
	char line[400];
	struct pv_art_index *a = calloc(1, sizeof(*a));
	struct pv_art_index *b = calloc(1, sizeof(*b));
	struct pv_err ea = { 0 }, eb = { 0 };
	uint8_t h[32];
	struct stat st;
	int ra, rb, rc = 0;
	size_t i;

	*n = 0;
	if (!a || !b) {
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
		goto out;
	}
	pv_dirname(rv_a, da, sizeof(da));
	pv_dirname(rv_b, db, sizeof(db));
	snprintf(pa, sizeof(pa), "%s/artifacts.json", da);
	snprintf(pb, sizeof(pb), "%s/artifacts.json", db);
	/* neither release has its index beside it: nothing to compare; one
	 * without it, or a malformed one, is an error, never "all equal" */
	if (lstat(pa, &st) && errno == ENOENT && lstat(pb, &st) &&
	    errno == ENOENT)
		goto out;
	ra = pv_rel_load_index(da, "artifacts.json", a, h, sri, sizeof(sri),
			       &ea);
	rb = pv_rel_load_index(db, "artifacts.json", b, h, sri, sizeof(sri),
			       &eb);
	if (ra || rb) {
		rc = pv_errf(e, ra ? ea.code : eb.code, "%s (the artifacts of "
			     "%s cannot be compared)", ra ? ea.msg : eb.msg,
			     ra ? rv_a : rv_b);
		goto out;
	}
	for (i = 0; i < a->nfiles; i++) {
		const struct pv_art_file *f = pv_art_find(b, a->files[i].name);

		if (f && !strcmp(f->integrity, a->files[i].integrity))
			continue;
		(*n)++;
		snprintf(line, sizeof(line), "artifact %s: %s", a->files[i].name,
			 f ? "changed" : "removed");
		report(arg, line, json_pack("{s:s, s:s}", "artifact",
		       a->files[i].name, "change", f ? "changed" : "removed"));
	}
	for (i = 0; i < b->nfiles; i++) {
		if (pv_art_find(a, b->files[i].name))
			continue;
		(*n)++;
		snprintf(line, sizeof(line), "artifact %s: added",
			 b->files[i].name);
		report(arg, line, json_pack("{s:s, s:s}", "artifact",
		       b->files[i].name, "change", "added"));
	}
out:
	if (a)
		pv_art_free(a);
	if (b)
		pv_art_free(b);
	free(a);
	free(b);
	return rc;
}
