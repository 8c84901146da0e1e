/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_release.c - what a release publishes, and the auditor's checks of it
 * (lib/release/release.h):
 *
 *   measure artifacts   the node-installer index of a release folder
 *   measure refvalues   every measurement of the release, with its recipe
 *   measure verify      recompute every value from the artifacts
 *   measure drift       compare two published value sets
 *
 * Every value is computed in this process by lib/release (pv_rv_compute:
 * lib/snp and lib/cca) from its recipe; the printed `command` of a value
 * computes the same value when an auditor runs it in the release folder.
 * This file parses options and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/json.h"
#include "release/provenance.h"
#include "release/release.h"
#include "cmds.h"
#include "opts.h"

#define DOC_MAX (64u << 20)

/* ---- measure artifacts ---- */

/*
 * The options of the release commands: one table, one row an option, each
 * row naming the commands that take it (core/cli.h, opts.h).
 */
enum {
	O_CONFIG, O_IMAGE, O_IMAGE_VERSION, O_OUTPUT, O_ARTIFACTS, O_JSON,
	O_PROVENANCE, O_KEY,
	O_COUNT
};

struct rel_opts {
	const char *config, *image, *version, *output, *artifacts;
	const char *provenance, *key;
	bool json;
};

#define ART PV_CMD_BIT(M_ARTIFACTS)
#define REF PV_CMD_BIT(M_REFVALUES)

static const struct pv_opt rel_table[O_COUNT] = {
	[O_CONFIG] = { "config", 0, PV_ARG_PATH_IN, NULL,
		"the image's release configuration (images/<name>/release.json): "
		"install paths, URL template, integrity algorithm; its \"snp\" "
		"and \"cca\" targets (platform, VMM, products, vCPU counts, ...) "
		"and the handler prefix",
		PV_OPT_DST(struct rel_opts, config), .cmds = ART | REF,
		.required_in = ART | REF },
	[O_IMAGE] = { "image", 0, PV_ARG_STR, "NAME",
		"the image name ({image} in the URL template)",
		PV_OPT_DST(struct rel_opts, image), .cmds = ART,
		.required_in = ART },
	[O_IMAGE_VERSION] = { "image-version", 0, PV_ARG_STR, "V",
		"its version ({version})",
		PV_OPT_DST(struct rel_opts, version), .cmds = ART,
		.required_in = ART },
	[O_OUTPUT] = { "output", 'o', PV_ARG_PATH_OUT, NULL,
		"where to write (default DIR/artifacts.json; refvalues: "
		"DIR/refvalues.json)",
		PV_OPT_DST(struct rel_opts, output), .cmds = ART | REF },
	[O_ARTIFACTS] = { "artifacts", 0, PV_ARG_PATH_IN, "DIR",
		"the release folder (default: REFVALUES's folder)",
		PV_OPT_DST(struct rel_opts, artifacts),
		.cmds = PV_CMD_BIT(M_VERIFY) },
	[O_JSON] = M_OPT_JSON(struct rel_opts, json,
			      PV_CMD_BIT(M_VERIFY) | PV_CMD_BIT(M_DRIFT)),
	[O_PROVENANCE] = { "provenance", 0, PV_ARG_PATH_IN, "FILE",
		"check the signed provenance FILE of the release (a DSSE envelope "
		"of an in-toto SLSA statement, provenance.dsse.json): a signature "
		"that verifies with --key, every subject a file of the release "
		"folder with its sha256, every file a subject, and the image and "
		"version of the folder's build-info.json",
		PV_OPT_DST(struct rel_opts, provenance),
		.cmds = PV_CMD_BIT(M_VERIFY), .requires = PV_OPT_BIT(O_KEY),
		.conflicts = PV_OPT_BIT(O_JSON),
		.why = "--json is the values' audit only" },
	[O_KEY] = { "key", 0, PV_ARG_PATH_IN, "PUB",
		"the release public key (PEM, Ed25519 or ECDSA P-256)",
		PV_OPT_DST(struct rel_opts, key),
		.cmds = PV_CMD_BIT(M_VERIFY), .requires = PV_OPT_BIT(O_PROVENANCE) },
};

static const struct pv_cli_spec rel_specs[] = {
	[M_ARTIFACTS] = {
		.cmd = M_ARTIFACTS,
		.synopsis = "--config FILE --image NAME --image-version V [-o FILE] DIR",
		.about = "Write the node-installer index of release folder DIR: every file in\n"
			 "it (but artifacts.json, refvalues.json and SHA256SUMS) with its\n"
			 "release URL, install path, size and a Subresource-Integrity string\n"
			 "(sha256-<base64>, as Contrast's node installer checks downloads).\n",
		.footer = "A file in DIR without an install path in the configuration, or a\n"
			  "configured file missing from DIR, is an error: nothing is indexed\n"
			  "half.  Example:\n"
			  "  measure artifacts --config images/pod/release.json --image pod \\\n"
			  "      --image-version 0.1.0 out/\n",
		.opts = rel_table, .nopts = O_COUNT,
		.min_operands = 1, .max_operands = 1,
	},
	[M_REFVALUES] = {
		.cmd = M_REFVALUES,
		.synopsis = "--config FILE [-o FILE] DIR",
		.about = "Compute every launch measurement the release in folder DIR is\n"
			 "published with, and write refvalues.json: each value with the exact\n"
			 "`measure` command that recomputes it, its inputs' integrity and its\n"
			 "regions (the step log folded, for `measure drift`), and the same\n"
			 "values as the verifiers take them:\n"
			 "  contrast   runtime handler -> {\"snp\": [...]} or {\"tdx\": [...]},\n"
			 "             Contrast's reference values (MinimumTCB, MrSeam left to\n"
			 "             the operator)\n"
			 "  trustee    Trustee RVPS sample messages (snp_launch_measurement,\n"
			 "             cca.realm.cca-realm-initial-measurement, TDX mr_td,\n"
			 "             rtmr_0..rtmr_3 and xfam)\n"
			 "  ccatoken   ccatoken reference-value store realm entries (CCA only)\n",
		.footer = "DIR must hold artifacts.json (measure artifacts): the handler names\n"
			  "end in the first 8 hex digits of its SHA-256, and every input of a\n"
			  "value must be listed in it.  Example:\n"
			  "  measure refvalues --config images/pod/release.json out/\n",
		.opts = rel_table, .nopts = O_COUNT,
		.min_operands = 1, .max_operands = 1,
	},
	[M_VERIFY] = {
		.cmd = M_VERIFY,
		.synopsis = "[--artifacts DIR] [--json] REFVALUES\n"
			    "       measure verify [--artifacts DIR] --provenance FILE --key PUB [REFVALUES]",
		.about = "Audit a release: check that artifacts.json is the one REFVALUES was\n"
			 "computed for, that every artifact it lists is present and intact, and\n"
			 "recompute every value from the artifacts with its recipe; then check\n"
			 "that the contrast, trustee and ccatoken sections follow from the\n"
			 "values.  One line per check.\n",
		.footer = "Exit status: 0 everything matches; 3 an artifact is altered or a\n"
			  "value does not match (the line names it, and for a value the first\n"
			  "region where it parts); 1 a file is missing or malformed.\n"
			  "Example:\n"
			  "  measure verify out/refvalues.json\n"
			  "With --provenance, the signed provenance is checked first (exit 3:\n"
			  "unsigned, a signature that does not verify, an altered artifact, a\n"
			  "file that is no subject, another release), then REFVALUES if given:\n"
			  "  measure verify --provenance out/provenance.dsse.json --key release.pub\n",
		.opts = rel_table, .nopts = O_COUNT,
		.min_operands = 0, .max_operands = 1,
	},
	[M_DRIFT] = {
		.cmd = M_DRIFT,
		.synopsis = "[--json] OLD NEW",
		.about = "Compare two published value sets (refvalues.json files, e.g. the\n"
			 "committed reference values and a fresh build's) by value id: name\n"
			 "each value that changed, appeared or disappeared, and for a changed\n"
			 "one the first region where the two launches part (kernel, initrd,\n"
			 "cmdline, vmsa, ...), from the regions each file carries.  The\n"
			 "artifacts that changed between the artifacts.json files beside them\n"
			 "are listed too, and count as drift (neither has one: values only;\n"
			 "only one has it, or one is malformed: an error).\n",
		.footer = "Exit status: 0 nothing changed, 3 a value or an artifact did, 1 an\n"
			  "error.\n"
			  "Example:\n"
			  "  measure drift refvalues/pod/refvalues.json out/refvalues.json\n",
		.opts = rel_table, .nopts = O_COUNT,
		.min_operands = 2, .max_operands = 2,
	},
};

/* ---- measure artifacts ---- */

int cmd_artifacts(int argc, char **argv)
{
	struct rel_opts o = { 0 };
	struct pv_opts st;
	const char *dir, *outp;
	struct pv_rel_config cfg;
	struct pv_err e = { 0 };
	char def[4096];
	json_t *doc;
	int rc;

	dir = argv[pv_opts_parse(&rel_specs[M_ARTIFACTS], argc, argv, &o, &st)];
	outp = o.output;
	if (!outp) {
		snprintf(def, sizeof(def), "%s/artifacts.json", dir);
		outp = def;
	}
	if (pv_rel_config_load(o.config, &cfg, &e))
		return pv_cli_fail("artifacts", &e);
	doc = pv_art_build(&cfg, dir, o.image, o.version, &e);
	rc = doc && !pv_json_write_file(outp, doc, &e) ? PV_EXIT_OK :
	     pv_cli_fail("artifacts", &e);
	if (rc == PV_EXIT_OK)
		fprintf(stderr, "measure: artifacts: %zu files indexed in %s\n",
			json_array_size(json_object_get(doc, "files")), outp);
	json_decref(doc);
	pv_rel_config_free(&cfg);
	return rc;
}


/* ---- measure refvalues ---- */

static void progress(void *arg, const char *id, const char *hex)
{
	(void)arg;
	fprintf(stderr, "measure: refvalues: %-32s %.16s...\n", id, hex);
}

int cmd_refvalues(int argc, char **argv)
{
	struct rel_opts o = { 0 };
	struct pv_opts st;
	const char *conf, *outp, *dir;
	struct pv_rel_config cfg = { 0 };
	struct pv_err e = { 0 };
	char def[4096];
	json_t *doc = NULL;
	int rc = PV_EXIT_FAIL;

	dir = argv[pv_opts_parse(&rel_specs[M_REFVALUES], argc, argv, &o, &st)];
	conf = o.config;
	outp = o.output;
	if (!outp) {
		snprintf(def, sizeof(def), "%s/refvalues.json", dir);
		outp = def;
	}
	if (pv_rel_config_load(conf, &cfg, &e))
		goto fail;
	if (!cfg.ntargets) {
		pv_errf(&e, PV_EFORMAT, "%s: no \"snp\" or \"cca\" targets", conf);
		goto fail;
	}
	doc = pv_rv_build(&cfg, dir, progress, NULL, &e);
	if (!doc || pv_json_write_file(outp, doc, &e))
		goto fail;
	fprintf(stderr, "measure: refvalues: %zu values written to %s\n",
		json_array_size(json_object_get(doc, "values")), outp);
	rc = PV_EXIT_OK;
	goto out;
fail:
	rc = pv_cli_fail("refvalues", &e);
out:
	json_decref(doc);
	pv_rel_config_free(&cfg);
	return rc;
}

/* ---- measure verify ---- */

struct verdict {
	json_t *lines;
	bool json;
};

static void say(void *arg, const char *status, const char *what,
		const char *detail)
{
	struct verdict *v = arg;

	if (v->json)
		json_array_append_new(v->lines, json_pack("{s:s, s:s, s:s}",
			"status", status, "what", what, "detail", detail));
	else
		printf("%-8s %s%s%s\n", status, what, *detail ? ": " : "", detail);
}

/* measure verify --provenance FILE --key PUB: the signed provenance of the
 * release folder (--artifacts, else FILE's folder): lib/release/provenance */
static int verify_provenance(const struct rel_opts *o)
{
	struct pv_prov_result r;
	struct pv_err e = { 0 };
	char dbuf[4096];
	const char *dir = o->artifacts;

	if (!dir) {
		pv_dirname(o->provenance, dbuf, sizeof(dbuf));
		dir = dbuf;
	}
	if (pv_prov_verify(o->provenance, o->key, dir, &r, &e))
		return pv_cli_fail("verify", &e);
	printf("%-8s %s: signed by the %s key %s; the %zu subjects match "
	       "the files of %s; it names %s %s\n", "ok", o->provenance,
	       r.key_type, r.keyid, r.subjects, dir, r.image, r.version);
	return PV_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
	struct rel_opts o = { 0 };
	struct pv_opts st;
	struct verdict v = { 0 };
	struct pv_rv_verdict vd = { 0 };
	struct pv_rv_doc *d = NULL;
	struct pv_err e = { 0 };
	const char *dir, *path;
	char dbuf[4096], summary[200];
	json_t *doc;
	int rc;

	path = argv[pv_opts_parse(&rel_specs[M_VERIFY], argc, argv, &o, &st)];
	if (!o.provenance && st.noperands == 0)
		pv_opts_usage_error(&st, "REFVALUES is required (or --provenance FILE)");
	if (o.provenance) {
		rc = verify_provenance(&o);
		if (rc != PV_EXIT_OK || st.noperands == 0)
			return rc;
	}
	dir = o.artifacts;
	v.json = o.json;
	if (!dir) {
		pv_dirname(path, dbuf, sizeof(dbuf));
		dir = dbuf;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return pv_cli_failf("verify", "out of memory");
	doc = pv_json_load_file(path, DOC_MAX, &e);
	if (!doc || pv_rv_parse(doc, path, d, &e)) {
		rc = pv_cli_fail("verify", &e);
		goto out;
	}
	v.lines = json_array();
	if (pv_rv_verify(d, dir, say, &v, &vd, &e)) {
		rc = pv_cli_fail("verify", &e);
		goto out;
	}
	snprintf(summary, sizeof(summary), "%zu of %zu values match; %d "
		 "altered or mismatching, %d missing or failing", vd.matching,
		 d->nvalues, vd.mismatch, vd.missing);
	if (v.json) {
		json_t *out = json_pack("{s:b, s:I, s:I, s:o}", "ok",
					!vd.mismatch && !vd.missing, "values",
					(json_int_t)d->nvalues, "matching",
					(json_int_t)vd.matching, "checks",
					v.lines);

		v.lines = NULL;
		pv_json_print(out);
		json_decref(out);
	} else {
		printf("verify: %s\n", summary);
	}
	rc = vd.missing ? PV_EXIT_FAIL : vd.mismatch ? PV_EXIT_MISMATCH :
	     PV_EXIT_OK;
	if (rc != PV_EXIT_OK)
		fprintf(stderr, "measure: verify: %s: %s\n", path, summary);
out:
	json_decref(v.lines);
	if (d)
		pv_rv_free(d);
	free(d);
	return rc;
}

/* ---- measure drift ---- */

struct drift_out {
	bool json;
	json_t *list;
};

static void drift_line(void *arg, const char *line, json_t *detail)
{
	struct drift_out *o = arg;

	if (o->json)
		json_array_append_new(o->list, detail);
	else {
		printf("drift: %s\n", line);
		json_decref(detail);
	}
}

int cmd_drift(int argc, char **argv)
{
	struct rel_opts ro = { 0 };
	struct pv_opts st;
	struct drift_out o = { 0 };
	struct pv_rv_doc *a = NULL, *b = NULL;
	struct pv_err e = { 0 };
	const char *pa, *pb;
	json_t *doc;
	size_t n, na;
	int i, rc;

	i = pv_opts_parse(&rel_specs[M_DRIFT], argc, argv, &ro, &st);
	pa = argv[i];
	pb = argv[i + 1];
	o.json = ro.json;
	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	if (!a || !b) {
		rc = pv_cli_failf("drift", "out of memory");
		goto out;
	}
	doc = pv_json_load_file(pa, DOC_MAX, &e);
	if (!doc || pv_rv_parse(doc, pa, a, &e)) {
		rc = pv_cli_fail("drift", &e);
		goto out;
	}
	doc = pv_json_load_file(pb, DOC_MAX, &e);
	if (!doc || pv_rv_parse(doc, pb, b, &e)) {
		rc = pv_cli_fail("drift", &e);
		goto out;
	}
	o.list = json_array();
	n = pv_rv_drift(a, b, drift_line, &o);
	if (pv_art_drift(pa, pb, drift_line, &o, &na,
			 &e)) {
		rc = pv_cli_fail("drift", &e);
		goto out;
	}
	if (o.json) {
		json_t *out = json_pack("{s:b, s:I, s:I, s:O}", "drift",
					n + na > 0, "values_changed",
					(json_int_t)n, "artifacts_changed",
					(json_int_t)na, "changes", o.list);

		pv_json_print(out);
		json_decref(out);
	} else if (!n && !na) {
		printf("drift: none: %zu values and the artifacts all equal\n",
		       a->nvalues);
	} else {
		printf("drift: %zu of %zu values changed, %zu artifacts\n", n,
		       a->nvalues, na);
	}
	rc = n || na ? PV_EXIT_MISMATCH : PV_EXIT_OK;
out:
	json_decref(o.list);
	if (a)
		pv_rv_free(a);
	if (b)
		pv_rv_free(b);
	free(a);
	free(b);
	return rc;
}
