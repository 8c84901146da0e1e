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
 * Each value is computed by running this same program's `snp` or `cca`
 * command with the recipe's arguments (plus --json and --log), so a
 * published value is exactly what the printed command gives an auditor.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cli.h"
#include "core/digest.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"
#include "release/release.h"
#include "cmds.h"

#define DOC_MAX (64u << 20)
#define OUT_MAX (16u << 20)
#define CMDLINE_MAX 65536

/* ---- running `measure` on one recipe ---- */

struct computed {
	uint8_t m[PV_HASH_MAX];
	size_t mlen;
	bool has_policy;	/* an IGVM's GUEST_POLICY */
	uint64_t policy;
	bool has_ap_eip;	/* OVMF's AP reset EIP */
	uint32_t ap_eip;
	json_t *regions;
};

static int read_fd(int fd, char *buf, size_t max)
{
	ssize_t n;
	size_t got = 0;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while (got + 1 < max && (n = read(fd, buf + got, max - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	return (int)got;
}

static int tmp_fd(char *path, size_t size, const char *what, struct pv_err *e)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, size, "%s/podvm-%s.XXXXXX", dir && *dir ? dir : "/tmp",
		 what);
	fd = mkstemp(path);
	if (fd < 0)
		return pv_err_errno(e, errno, "%s", path);
	return fd;
}

/* The recipe's cmdline file: the text of -p (cca) or --append (ovmf) */
static int cmdline_text(const char *dir, const char *name, char *out,
			size_t size, struct pv_err *e)
{
	char path[4096];
	struct pv_map m = { 0 };
	size_t n;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((r = pv_map_file(path, size - 1, &m, e)))
		return r;
	n = m.len;
	if (n && m.data[n - 1] == '\n')
		n--;
	memcpy(out, m.data, n);
	out[n] = 0;
	pv_unmap(&m);
	if (strlen(out) != n || strchr(out, '\n'))
		return pv_errf(e, PV_EFORMAT, "%s: a kernel command line is one "
			       "line of text", path);
	return 0;
}

static int compute(const struct pv_rv_recipe *r, const char *dir,
		   struct computed *c, struct pv_err *e)
{
	static char text[CMDLINE_MAX], json_opt[] = "--json", log_opt[] = "--log";
	posix_spawn_file_actions_t fa;
	struct pv_rv_argv *a = NULL;
	char logp[4096], outp[4096], errp[4096], *buf = NULL;
	int ofd = -1, efd = -1, status = 0, rc;
	struct pv_map lm = { 0 };
	json_error_t je;
	json_t *doc = NULL, *v;
	pid_t pid;
	size_t got;

	memset(c, 0, sizeof(*c));
	logp[0] = 0;
	a = malloc(sizeof(*a));
	buf = malloc(OUT_MAX);
	if (!a || !buf) {
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
		goto out;
	}
	if (r->cmdline &&
	    (rc = cmdline_text(dir, r->cmdline, text, sizeof(text), e)))
		goto out;
	if ((rc = pv_rv_argv_build(r, dir, text, a, e)))
		goto out;
	if ((ofd = rc = tmp_fd(outp, sizeof(outp), "rv-out", e)) < 0 ||
	    (efd = rc = tmp_fd(errp, sizeof(errp), "rv-err", e)) < 0)
		goto out;
	unlink(outp);
	unlink(errp);
	rc = tmp_fd(logp, sizeof(logp), "rv-log", e);
	if (rc < 0) {
		logp[0] = 0;
		goto out;
	}
	close(rc);
	if (a->argc + 3 > PV_RV_ARGV_MAX) {
		rc = pv_errf(e, PV_ERANGE, "too many arguments");
		goto out;
	}
	a->argv[a->argc++] = json_opt;
	a->argv[a->argc++] = log_opt;
	a->argv[a->argc++] = logp;
	a->argv[a->argc] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, ofd, 1);
	posix_spawn_file_actions_adddup2(&fa, efd, 2);
	rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, a->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		rc = pv_err_errno(e, rc, "starting measure");
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *nl;

		read_fd(efd, buf, 1024);
		if ((nl = strchr(buf, '\n')))
			*nl = 0;
		rc = pv_errf(e, WIFEXITED(status) && WEXITSTATUS(status) == 3 ?
			     PV_EVERIFY : PV_EFORMAT, "`measure %s %s ...` "
			     "exited %d: %s", a->argv[1], a->argv[2],
			     WIFEXITED(status) ? WEXITSTATUS(status) : -1, buf);
		goto out;
	}
	if (read_fd(ofd, buf, OUT_MAX) < 0) {
		rc = pv_err_errno(e, errno, "reading the output of measure");
		goto out;
	}
	doc = json_loads(buf, 0, &je);
	v = json_object_get(doc, r->cca ? "rim" : "measurement");
	if (!json_is_string(v) ||
	    pv_hex_decode(json_string_value(v), c->m, sizeof(c->m), &got,
			  "measurement", e)) {
		rc = pv_errf(e, PV_EFORMAT, "measure printed no measurement");
		goto out;
	}
	c->mlen = got;
	v = json_object_get(json_object_get(doc, "ovmf"), "ap_eip");
	if (json_is_string(v)) {
		uint64_t eip;

		if ((rc = pv_parse_u64(json_string_value(v), UINT32_MAX, &eip,
				       "measure's ap_eip", e)))
			goto out;
		c->has_ap_eip = true;
		c->ap_eip = (uint32_t)eip;
	}
	v = json_object_get(doc, "policy");
	if (json_is_string(v)) {
		if ((rc = pv_parse_u64(json_string_value(v), UINT64_MAX,
				       &c->policy, "measure's policy", e)))
			goto out;
		c->has_policy = true;
	}
	if ((rc = pv_map_file(logp, UINT64_C(1) << 32, &lm, e)))
		goto out;
	c->regions = pv_log_regions(lm.data, lm.len, logp, e);
	rc = c->regions ? 0 : PV_EFORMAT;
out:
	pv_unmap(&lm);
	if (logp[0])
		unlink(logp);
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	json_decref(doc);
	free(buf);
	free(a);
	return rc < 0 ? rc : 0;
}

/* The command line as an auditor types it in the release folder */
static json_t *command_text(const struct pv_rv_recipe *r)
{
	struct pv_rv_argv *a = malloc(sizeof(*a));
	char *s = NULL;
	size_t len = 0;
	FILE *f;
	json_t *out = NULL;
	int i;

	if (!a || pv_rv_argv_build(r, "", "", a, NULL))
		goto done;
	f = open_memstream(&s, &len);
	if (!f)
		goto done;
	for (i = 0; i < a->argc; i++) {
		fputs(i ? " " : "", f);
		if (r->cmdline && i > 0 && (!strcmp(a->argv[i - 1], "-p") ||
					    !strcmp(a->argv[i - 1], "--append")))
			fprintf(f, "\"$(cat %s)\"", r->cmdline);
		else
			fputs(a->argv[i], f);
	}
	fclose(f);
	out = json_string(s);
done:
	free(s);
	free(a);
	return out;
}

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

/* ---- shared loading ---- */

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

static int sha256_file(const char *path, uint8_t d[32], char *sri,
		       size_t srisize, struct pv_err *e)
{
	struct pv_map m = { 0 };
	int r;

	if ((r = pv_map_file(path, DOC_MAX, &m, e)))
		return r;
	r = pv_hash_buf(PV_SHA256, m.data, m.len, d);
	pv_unmap(&m);
	if (r)
		return pv_errf(e, PV_ECRYPTO, "%s: hashing failed", path);
	return pv_sri_format(PV_SHA256, d, sri, srisize);
}

static int load_index(const char *dir, const char *file, struct pv_art_index *x,
		      uint8_t d[32], char *sri, size_t srisize, struct pv_err *e)
{
	char path[4096];
	json_t *doc;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((r = sha256_file(path, d, sri, srisize, e)))
		return r;
	doc = pv_json_load_file(path, DOC_MAX, e);
	if (!doc)
		return PV_EFORMAT;
	return pv_art_parse(doc, path, x, e);
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

static int add_values(const struct pv_rel_config *cfg,
		      const struct pv_rel_target *t, const char *dir,
		      const struct pv_art_index *idx, const uint8_t ahash[32],
		      json_t *values, struct pv_err *e)
{
	size_t np = t->cca ? 1 : t->nproducts;
	size_t nv = t->cca || !t->nvcpus ? 1 : t->nvcpus;
	size_t p, k;

	for (p = 0; p < np; p++) {
		for (k = 0; k < nv; k++) {
			struct pv_rv_recipe r = {
				.cca = t->cca, .platform = t->platform,
				.vmm = t->vmm, .igvm = t->igvm, .ovmf = t->ovmf,
				.rmm = t->rmm,
				.kernel = t->kernel, .initrd = t->initrd,
				.cmdline = t->cmdline, .memory = t->memory,
				.algorithm = t->algorithm, .cpus = t->cpus,
			};
			const char *ins[4] = { t->igvm, t->ovmf, t->kernel,
					       t->initrd };
			const char *ins5 = t->cmdline;
			char id[160], handler[256], hex[2 * PV_HASH_MAX + 1];
			char pol[24];
			struct computed c;
			json_t *v, *inputs = json_object();
			int i, rc;

			if (!t->cca) {
				r.product = t->products[p];
				r.vcpus = t->nvcpus ? t->vcpus[k] : 0;
			}
			pv_rv_id(&r, id, sizeof(id));
			for (i = 0; i < 5; i++) {
				const char *in = i < 4 ? ins[i] : ins5;
				const struct pv_art_file *f;

				if (!in)
					continue;
				f = pv_art_find(idx, in);
				if (!f) {
					json_decref(inputs);
					return pv_errf(e, PV_EFORMAT, "%s: input %s is "
						       "not in artifacts.json",
						       id, in);
				}
				json_object_set_new(inputs, in,
						    json_string(f->integrity));
			}
			if ((rc = compute(&r, dir, &c, e))) {
				json_decref(inputs);
				return pv_err_prefix(e, "%s", id);
			}
			pv_rv_handler(cfg->handler_prefix, t->platform, ahash,
				      handler, sizeof(handler));
			pv_hex_encode(c.m, c.mlen, hex, sizeof(hex));
			v = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "tee",
				      t->cca ? "cca" : "snp", "platform",
				      t->platform, "vmm", t->vmm);
			if (!t->cca) {
				json_object_set_new(v, "product", json_string(r.product));
				json_object_set_new(v, "vcpus", r.vcpus ?
					json_integer(r.vcpus) : json_string("any"));
			} else {
				json_object_set_new(v, "cpus", json_integer(r.cpus));
			}
			json_object_set_new(v, "handler", json_string(handler));
			json_object_set_new(v, "recipe", pv_rv_recipe_json(&r));
			json_object_set_new(v, "inputs", inputs);
			json_object_set_new(v, "command", command_text(&r));
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
				snprintf(pol, sizeof(pol), "0x%llx",
					 (unsigned long long)c.policy);
				if (!c.has_policy) {
					json_decref(v);
					json_decref(c.regions);
					return pv_errf(e, PV_EFORMAT, "%s: %s has no "
						       "GUEST_POLICY header", id,
						       t->igvm);
				}
				json_object_set_new(v, "policy", json_string(pol));
			}
			json_object_set_new(v, "regions", c.regions);
			json_array_append_new(values, v);
			fprintf(stderr, "measure: refvalues: %-32s %.16s...\n", id, hex);
		}
	}
	return 0;
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
	struct pv_art_index idx = { 0 };
	struct pv_err e = { 0 };
	uint8_t ahash[32];
	char def[4096], sri[PV_SRI_MAX];
	json_t *doc = NULL, *values = NULL, *derived = NULL;
	size_t i;
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
	if (pv_rel_config_load(conf, &cfg, &e) ||
	    load_index(dir, "artifacts.json", &idx, ahash, sri, sizeof(sri), &e))
		goto fail;
	if (!cfg.ntargets) {
		pv_errf(&e, PV_EFORMAT, "%s: no \"snp\" or \"cca\" targets", conf);
		goto fail;
	}
	values = json_array();
	for (i = 0; i < cfg.ntargets; i++)
		if (add_values(&cfg, &cfg.targets[i], dir, &idx, ahash, values, &e))
			goto fail;
	derived = pv_rv_derive(values);
	doc = json_pack("{s:i, s:{s:s, s:s}, s:{s:s, s:s}, s:O}", "version", 1,
			"image", "name", idx.image, "version", idx.version,
			"artifacts", "file", "artifacts.json", "integrity", sri,
			"values", values);
	if (!derived || !doc) {
		pv_errf(&e, PV_ENOMEM, "out of memory");
		goto fail;
	}
	json_object_update(doc, derived);
	json_object_set_new(doc, "notes", json_pack("[s, s]",
		"MinimumTCB is not part of these values: it depends on the "
		"firmware of the hosts, which the operator knows; set it in "
		"the manifest (Contrast: snphost show tcb on a host).",
		"Each value's command recomputes it in the release folder; "
		"`measure verify refvalues.json` recomputes them all."));
	if (pv_json_write_file(outp, doc, &e))
		goto fail;
	fprintf(stderr, "measure: refvalues: %zu values written to %s\n",
		json_array_size(values), outp);
	rc = PV_EXIT_OK;
	goto out;
fail:
	rc = pv_cli_fail("refvalues", &e);
out:
	json_decref(doc);
	json_decref(values);
	json_decref(derived);
	pv_art_free(&idx);
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
	int missing, mismatch;
};

static void say(struct verdict *v, const char *status, const char *what,
		const char *detail)
{
	if (v->json)
		json_array_append_new(v->lines, json_pack("{s:s, s:s, s:s}",
			"status", status, "what", what, "detail", detail));
	else
		printf("%-8s %s%s%s\n", status, what, *detail ? ": " : "", detail);
	if (!strcmp(status, "missing") || !strcmp(status, "error"))
		v->missing++;
	else if (strcmp(status, "ok") && strcmp(status, "match"))
		v->mismatch++;
}

/* What check_artifacts found on disk, per file of the index */
struct disk {
	int state[PV_REL_MAX_FILES];	/* 0 intact, 1 altered, 2 missing */
	char sri[PV_REL_MAX_FILES][PV_SRI_MAX];
};

static void check_artifacts(const struct pv_art_index *idx, const char *dir,
			    struct disk *dk, struct verdict *v)
{
	char path[4096], msg[512];
	size_t i;

	for (i = 0; i < idx->nfiles; i++) {
		const struct pv_art_file *f = &idx->files[i];
		struct pv_err e = { 0 };
		enum pv_hash alg;
		uint8_t d[PV_HASH_MAX];
		uint64_t size;

		snprintf(path, sizeof(path), "%s/%s", dir, f->name);
		pv_sri_parse(f->integrity, &alg, d, "integrity", NULL);
		if (pv_sri_file(path, alg, dk->sri[i], sizeof(dk->sri[i]), &size,
				&e)) {
			dk->state[i] = 2;
			say(v, "missing", f->name, e.msg);
		} else if (size != f->size || strcmp(dk->sri[i], f->integrity)) {
			dk->state[i] = 1;
			snprintf(msg, sizeof(msg), "altered: %llu bytes %s, "
				 "artifacts.json lists %llu bytes %s",
				 (unsigned long long)size, dk->sri[i],
				 (unsigned long long)f->size, f->integrity);
			say(v, "ALTERED", f->name, msg);
		} else {
			snprintf(msg, sizeof(msg), "%llu bytes, %s",
				 (unsigned long long)size, dk->sri[i]);
			say(v, "ok", f->name, msg);
		}
	}
}

static void check_value(const struct pv_rv_value *x, const char *dir,
			const struct pv_art_index *idx, const struct disk *dk,
			const uint8_t ahash[32], struct verdict *v)
{
	char msg[900], hex[2 * PV_HASH_MAX + 1], got[2 * PV_HASH_MAX + 1];
	char region[64], why[PV_REGION_TEXT], suffix[160], altered[300];
	struct pv_err e = { 0 };
	struct computed c;
	const char *k;
	json_t *s;
	size_t hl, sl;
	bool same;

	/* the handler names this artifact set */
	snprintf(suffix, sizeof(suffix), "-%s-%02x%02x%02x%02x",
		 x->recipe.platform, ahash[0], ahash[1], ahash[2], ahash[3]);
	hl = strlen(x->handler);
	sl = strlen(suffix);
	if (hl <= sl || strcmp(x->handler + hl - sl, suffix)) {
		snprintf(msg, sizeof(msg), "handler %s does not end in %s (the "
			 "platform and this artifacts.json)", x->handler, suffix);
		say(v, "MISMATCH", x->id, msg);
		return;
	}
	/* each input: listed, present, and the file the value was made of */
	altered[0] = 0;
	json_object_foreach(x->inputs, k, s) {
		const struct pv_art_file *f = pv_art_find(idx, k);
		size_t i = f ? (size_t)(f - idx->files) : 0;

		if (!f) {
			snprintf(msg, sizeof(msg), "input %s is not listed in "
				 "artifacts.json", k);
			say(v, "MISMATCH", x->id, msg);
			return;
		}
		if (dk->state[i] == 2) {
			snprintf(msg, sizeof(msg), "input %s is missing", k);
			say(v, "missing", x->id, msg);
			return;
		}
		if (strcmp(dk->sri[i], json_string_value(s)))
			snprintf(altered + strlen(altered),
				 sizeof(altered) - strlen(altered),
				 "%sinput %s is not the file the value was "
				 "computed from", *altered ? "; " : "", k);
	}
	pv_hex_encode(x->measurement, x->mlen, hex, sizeof(hex));
	if (compute(&x->recipe, dir, &c, &e)) {
		snprintf(msg, sizeof(msg), "%s%s%s", altered, *altered ? ": " : "",
			 e.msg);
		say(v, *altered ? "MISMATCH" : "error", x->id, msg);
		return;
	}
	pv_hex_encode(c.m, c.mlen, got, sizeof(got));
	same = c.mlen == x->mlen && !memcmp(c.m, x->measurement, x->mlen);
	if (same && x->recipe.igvm && (!c.has_policy || c.policy != x->policy)) {
		snprintf(msg, sizeof(msg), "the IGVM's GUEST_POLICY is 0x%llx, "
			 "the value says 0x%llx", (unsigned long long)c.policy,
			 (unsigned long long)x->policy);
		say(v, "MISMATCH", x->id, msg);
	} else if (same && c.has_ap_eip != x->has_ap_eip) {
		say(v, "MISMATCH", x->id, "apEip: present in only one of the "
		    "value and the recomputation");
	} else if (same && c.has_ap_eip && c.ap_eip != x->ap_eip) {
		snprintf(msg, sizeof(msg), "the OVMF's AP reset EIP is %08x, the "
			 "value says %08x", c.ap_eip, x->ap_eip);
		say(v, "MISMATCH", x->id, msg);
	} else if (same) {
		say(v, "match", x->id, hex);
	} else {
		if (!pv_regions_diverge(x->regions, c.regions, region,
					sizeof(region), why, sizeof(why)))
			snprintf(why, sizeof(why), "the published regions agree "
				 "with the recomputed ones: the value was edited");
		else
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 ", in region %s", region);
		snprintf(msg, sizeof(msg), "recomputed %.24s..., published "
			 "%.24s...: %s%s%s", got, hex, why, *altered ? "; " : "",
			 altered);
		say(v, "MISMATCH", x->id, msg);
	}
	json_decref(c.regions);
}

static void check_sections(const struct pv_rv_doc *d, struct verdict *v)
{
	static const char *const secs[] = { "contrast", "trustee", "ccatoken" };
	json_t *want = pv_rv_derive(json_object_get(d->doc, "values"));
	size_t i;

	for (i = 0; i < 3; i++) {
		json_t *a = json_object_get(want, secs[i]);
		json_t *b = json_object_get(d->doc, secs[i]);

		if (!a && !b)
			continue;
		if (a && b && json_equal(a, b))
			say(v, "ok", secs[i], "follows from the values");
		else
			say(v, "MISMATCH", secs[i], b ? "does not follow from "
			    "the values (edited, or values changed without it)"
			    : "missing");
	}
	json_decref(want);
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
	struct disk *dk = NULL;
	struct pv_rv_doc *d = NULL;
	struct pv_art_index idx = { 0 };
	struct pv_err e = { 0 };
	const char *dir = NULL, *path;
	char dbuf[4096], sri[PV_SRI_MAX], summary[200];
	uint8_t ahash[32];
	json_t *doc;
	size_t i, nmatch = 0;
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
	if (load_index(dir, d->artifacts_file, &idx, ahash, sri, sizeof(sri), &e)) {
		rc = pv_cli_fail("verify", &e);
		goto out;
	}
	v.lines = json_array();
	if (strcmp(sri, d->artifacts_integrity))
		say(&v, "ALTERED", d->artifacts_file, "its integrity is not the "
		    "one the values were computed for (another build, or "
		    "edited)");
	else
		say(&v, "ok", d->artifacts_file, sri);
	dk = calloc(1, sizeof(*dk));
	if (!dk) {
		rc = pv_cli_failf("verify", "out of memory");
		goto out;
	}
	check_artifacts(&idx, dir, dk, &v);
	for (i = 0; i < d->nvalues; i++) {
		int before = v.mismatch + v.missing;

		check_value(&d->values[i], dir, &idx, dk, ahash, &v);
		nmatch += v.mismatch + v.missing == before;
	}
	check_sections(d, &v);
	snprintf(summary, sizeof(summary), "%zu of %zu values match; %d "
		 "altered or mismatching, %d missing or failing", nmatch,
		 d->nvalues, v.mismatch, v.missing);
	if (v.json) {
		json_t *out = json_pack("{s:b, s:I, s:I, s:o}", "ok",
					!v.mismatch && !v.missing, "values",
					(json_int_t)d->nvalues, "matching",
					(json_int_t)nmatch, "checks", v.lines);

		v.lines = NULL;
		pv_json_print(out);
		json_decref(out);
	} else {
		printf("verify: %s\n", summary);
	}
	rc = v.missing ? PV_EXIT_FAIL : v.mismatch ? PV_EXIT_MISMATCH : PV_EXIT_OK;
	if (rc != PV_EXIT_OK)
		fprintf(stderr, "measure: verify: %s: %s\n", path, summary);
out:
	free(dk);
	json_decref(v.lines);
	pv_art_free(&idx);
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
	"cmdline, vmsa, ...), from the regions each file carries.  When each\n"
	"file has its artifacts.json beside it, the artifacts that changed are\n"
	"listed too, and count as drift.\n"
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

/* The artifacts whose integrity changed, when both indexes are there;
 * returns how many */
static size_t drift_artifacts(const char *pa, const char *pb,
			    struct drift_out *o)
{
	char da[4096], db[4096], sri[PV_SRI_MAX], line[400];
	struct pv_art_index a = { 0 }, b = { 0 };
	uint8_t h[32];
	size_t i, n = 0;

	dir_of(pa, da, sizeof(da));
	dir_of(pb, db, sizeof(db));
	if (load_index(da, "artifacts.json", &a, h, sri, sizeof(sri), NULL) ||
	    load_index(db, "artifacts.json", &b, h, sri, sizeof(sri), NULL))
		goto out;
	for (i = 0; i < a.nfiles; i++) {
		const struct pv_art_file *f = pv_art_find(&b, a.files[i].name);

		if (f && !strcmp(f->integrity, a.files[i].integrity))
			continue;
		n++;
		snprintf(line, sizeof(line), "artifact %s: %s", a.files[i].name,
			 f ? "changed" : "removed");
		drift_line(o, line, json_pack("{s:s, s:s}", "artifact",
			   a.files[i].name, "change", f ? "changed" : "removed"));
	}
	for (i = 0; i < b.nfiles; i++) {
		if (pv_art_find(&a, b.files[i].name))
			continue;
		n++;
		snprintf(line, sizeof(line), "artifact %s: added", b.files[i].name);
		drift_line(o, line, json_pack("{s:s, s:s}", "artifact",
			   b.files[i].name, "change", "added"));
	}
out:
	pv_art_free(&a);
	pv_art_free(&b);
	return n;
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
	na = drift_artifacts(argv[optind], argv[optind + 1], &o);
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
