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
#include "release/release.h"
#include "cmds.h"

#define DOC_MAX (64u << 20)

/* ---- measure artifacts ---- */

static const char artifacts_usage[] =
	"Usage: measure artifacts --config FILE --image NAME --image-version V\n"
	"                         [-o FILE] DIR\n"
	"Write the node-installer index of release folder DIR: every file in\n"
	"it (but artifacts.json, refvalues.json and SHA256SUMS) with its\n"
	"release URL, install path, size and a Subresource-Integrity string\n"
	"(sha256-<base64>, as Contrast's node installer checks downloads).\n"
	"\n"
	"  --config FILE        the image's release configuration\n"
	"                       (images/<name>/release.json): install paths,\n"
	"                       URL template, integrity algorithm\n"
	"  --image NAME         the image name ({image} in the URL template)\n"
	"  --image-version V    its version ({version})\n"
	"  -o, --output FILE    where to write (default DIR/artifacts.json)\n"
	"\n"
	"A file in DIR without an install path in the configuration, or a\n"
	"configured file missing from DIR, is an error: nothing is indexed\n"
	"half.  Example:\n"
	"  measure artifacts --config images/pod/release.json --image pod \\\n"
	"      --image-version 0.1.0 out/\n";

int cmd_artifacts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "image", required_argument, NULL, 'I' },
		{ "image-version", required_argument, NULL, 'V' + 256 },
		{ "output", required_argument, NULL, 'o' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	const char *conf = NULL, *image = NULL, *version = NULL, *outp = NULL;
	struct pv_rel_config cfg;
	struct pv_err e = { 0 };
	char def[4096];
	json_t *doc;
	int c, rc;

	while ((c = pv_cli_getopt(argc, argv, "o:", opts, artifacts_usage)) != -1) {
		switch (c) {
		case 'C': conf = optarg; break;
		case 'I': image = optarg; break;
		case 'V' + 256: version = optarg; break;
		case 'o': outp = optarg; break;
		default: pv_cli_usage_error(artifacts_usage, "unexpected option");
		}
	}
	pv_cli_operands(argc, argv, 1, 1, artifacts_usage);
	if (!conf || !image || !version)
		pv_cli_usage_error(artifacts_usage, "--config, --image and "
				   "--image-version are required");
	if (!outp) {
		snprintf(def, sizeof(def), "%s/artifacts.json", argv[optind]);
		outp = def;
	}
	if (pv_rel_config_load(conf, &cfg, &e))
		return pv_cli_fail("artifacts", &e);
	doc = pv_art_build(&cfg, argv[optind], image, version, &e);
	rc = doc && !pv_json_write_file(outp, doc, &e) ? PV_EXIT_OK :
	     pv_cli_fail("artifacts", &e);
	if (rc == PV_EXIT_OK)
		fprintf(stderr, "measure: artifacts: %zu files indexed in %s\n",
			json_array_size(json_object_get(doc, "files")), outp);
	json_decref(doc);
	pv_rel_config_free(&cfg);
	return rc;
}

/* The folder of @path ("." for a bare name) */
static void dir_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, size, ".");
	else if (slash == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(slash - path), path);
}

/* ---- measure refvalues ---- */

static const char refvalues_usage[] =
	"Usage: measure refvalues --config FILE [-o FILE] DIR\n"
	"Compute every launch measurement the release in folder DIR is\n"
	"published with, and write refvalues.json: each value with the exact\n"
	"`measure` command that recomputes it, its inputs' integrity and its\n"
	"regions (the step log folded, for `measure drift`), and the same\n"
	"values as the verifiers take them:\n"
	"  contrast   runtime handler -> {\"snp\": [...]}, Contrast's reference\n"
	"             values (MinimumTCB left to the operator)\n"
	"  trustee    Trustee RVPS sample messages (snp_launch_measurement,\n"
	"             cca.realm.cca-realm-initial-measurement)\n"
	"  ccatoken   ccatoken reference-value store realm entries (CCA only)\n"
	"\n"
	"  --config FILE       the image's release configuration: its \"snp\"\n"
	"                      and \"cca\" targets (platform, VMM, products,\n"
	"                      vCPU counts, ...) and the handler prefix\n"
	"  -o, --output FILE   where to write (default DIR/refvalues.json)\n"
	"\n"
	"DIR must hold artifacts.json (measure artifacts): the handler names\n"
	"end in the first 8 hex digits of its SHA-256, and every input of a\n"
	"value must be listed in it.  Example:\n"
	"  measure refvalues --config images/pod/release.json out/\n";

static void progress(void *arg, const char *id, const char *hex)
{
	(void)arg;
	fprintf(stderr, "measure: refvalues: %-32s %.16s...\n", id, hex);
}

int cmd_refvalues(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	const char *conf = NULL, *outp = NULL, *dir;
	struct pv_rel_config cfg = { 0 };
	struct pv_err e = { 0 };
	char def[4096];
	json_t *doc = NULL;
	int c, rc = PV_EXIT_FAIL;

	while ((c = pv_cli_getopt(argc, argv, "o:", opts, refvalues_usage)) != -1) {
		switch (c) {
		case 'C': conf = optarg; break;
		case 'o': outp = optarg; break;
		default: pv_cli_usage_error(refvalues_usage, "unexpected option");
		}
	}
	pv_cli_operands(argc, argv, 1, 1, refvalues_usage);
	dir = argv[optind];
	if (!conf)
		pv_cli_usage_error(refvalues_usage, "--config is required");
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

static const char verify_usage[] =
	"Usage: measure verify [--artifacts DIR] [--json] REFVALUES\n"
	"Audit a release: check that artifacts.json is the one REFVALUES was\n"
	"computed for, that every artifact it lists is present and intact, and\n"
	"recompute every value from the artifacts with its recipe; then check\n"
	"that the contrast, trustee and ccatoken sections follow from the\n"
	"values.  One line per check.\n"
	"\n"
	"  --artifacts DIR   the release folder (default: REFVALUES's folder)\n"
	"  --json            one JSON document instead of text\n"
	"\n"
	"Exit status: 0 everything matches; 3 an artifact is altered or a\n"
	"value does not match (the line names it, and for a value the first\n"
	"region where it parts); 1 a file is missing or malformed.\n"
	"Example:\n"
	"  measure verify out/refvalues.json\n";

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

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "artifacts", required_argument, NULL, 'A' },
		{ "json", no_argument, NULL, 'j' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct verdict v = { 0 };
	struct pv_rv_verdict vd = { 0 };
	struct pv_rv_doc *d = NULL;
	struct pv_err e = { 0 };
	const char *dir = NULL, *path;
	char dbuf[4096], summary[200];
	json_t *doc;
	int c, rc;

	while ((c = pv_cli_getopt(argc, argv, "", opts, verify_usage)) != -1) {
		switch (c) {
		case 'A': dir = optarg; break;
		case 'j': v.json = true; break;
		default: pv_cli_usage_error(verify_usage, "unexpected option");
		}
	}
	pv_cli_operands(argc, argv, 1, 1, verify_usage);
	path = argv[optind];
	if (!dir) {
		dir_of(path, dbuf, sizeof(dbuf));
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

static const char drift_usage[] =
	"Usage: measure drift [--json] OLD NEW\n"
	"Compare two published value sets (refvalues.json files, e.g. the\n"
	"committed reference values and a fresh build's) by value id: name\n"
	"each value that changed, appeared or disappeared, and for a changed\n"
	"one the first region where the two launches part (kernel, initrd,\n"
	"cmdline, vmsa, ...), from the regions each file carries.  The\n"
	"artifacts that changed between the artifacts.json files beside them\n"
	"are listed too, and count as drift (neither has one: values only;\n"
	"only one has it, or one is malformed: an error).\n"
	"\n"
	"  --json   one JSON document instead of text\n"
	"\n"
	"Exit status: 0 nothing changed, 3 a value or an artifact did, 1 an\n"
	"error.\n"
	"Example:\n"
	"  measure drift refvalues/pod/refvalues.json out/refvalues.json\n";

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
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct drift_out o = { 0 };
	struct pv_rv_doc *a = NULL, *b = NULL;
	struct pv_err e = { 0 };
	json_t *doc;
	size_t n, na;
	int c, rc;

	while ((c = pv_cli_getopt(argc, argv, "", opts, drift_usage)) != -1) {
		if (c == 'j')
			o.json = true;
		else
			pv_cli_usage_error(drift_usage, "unexpected option");
	}
	pv_cli_operands(argc, argv, 2, 2, drift_usage);
	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	if (!a || !b) {
		rc = pv_cli_failf("drift", "out of memory");
		goto out;
	}
	doc = pv_json_load_file(argv[optind], DOC_MAX, &e);
	if (!doc || pv_rv_parse(doc, argv[optind], a, &e)) {
		rc = pv_cli_fail("drift", &e);
		goto out;
	}
	doc = pv_json_load_file(argv[optind + 1], DOC_MAX, &e);
	if (!doc || pv_rv_parse(doc, argv[optind + 1], b, &e)) {
		rc = pv_cli_fail("drift", &e);
		goto out;
	}
	o.list = json_array();
	n = pv_rv_drift(a, b, drift_line, &o);
	if (pv_art_drift(argv[optind], argv[optind + 1], drift_line, &o, &na,
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
