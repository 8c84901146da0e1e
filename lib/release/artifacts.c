/* SPDX-License-Identifier: Apache-2.0 */
/*
 * artifacts.c - artifacts.json, the node-installer index of a release
 * (contrast.md 5): for every artifact its name, release URL, install path,
 * size, integrity (SRI) and whether it is executable.  The "files" entries
 * carry the members of Contrast's node-installer configuration (url, path,
 * integrity, executable), so that list can be handed to it as it is.
 * The URLs are resolved from the release base (release.json "releaseBase"
 * or $PODVM_RELEASE_BASE); without one they keep @@releaseBase@@ and the
 * file says so.  "contrastKata" says which artifact fills each path that
 * Contrast's generated kata configuration reads (contrast.md 5.1).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/err.h"
#include "release/release.h"

bool pv_art_is_index_file(const char *name)
{
	return !strcmp(name, "artifacts.json") ||
	       !strcmp(name, "refvalues.json") || !strcmp(name, "SHA256SUMS");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define PLACEHOLDER "@@releaseBase@@"

/* What Contrast's kata configuration reads for metal-qemu-snp, relative
 * to /opt/edgeless/<handler> (nodeinstaller/internal/kataconfig: the
 * expected configuration testdata/runtime-go/expected-configuration-
 * qemu-snp.toml at 410ddf30; config.go at 6b37eed8 still kept QEMU under
 * snp/bin/) */
static const struct {
	const char *key, *path;
} kata_paths[] = {
	{ "kernel", "share/kata-kernel" },
	{ "initrd", "share/kata-initrd.zst" },
	{ "image", "share/kata-containers.img" },
	{ "firmware", "snp/share/OVMF.fd" },
	{ "qemu", "bin/qemu-system-x86_64" },
};

/* "{image}", "{version}", "{name}" and @@releaseBase@@ (when @base is
 * set, without its trailing '/') of @tpl replaced */
static int expand(const char *tpl, const char *base, const char *image,
		  const char *version, const char *name, char *out,
		  size_t size)
{
	size_t blen = base ? strlen(base) : 0;
	size_t o = 0;

	while (*tpl) {
		const char *rep = NULL;
		size_t skip = 1, n;

		if (!strncmp(tpl, "{image}", 7))
			rep = image, skip = 7;
		else if (!strncmp(tpl, "{version}", 9))
			rep = version, skip = 9;
		else if (!strncmp(tpl, "{name}", 6))
			rep = name, skip = 6;
		else if (base && !strncmp(tpl, PLACEHOLDER, strlen(PLACEHOLDER)))
			rep = base, skip = strlen(PLACEHOLDER);
		n = rep ? strlen(rep) : 1;
		if (rep && rep == base)
			n = blen && base[blen - 1] == '/' ? blen - 1 : blen;
		if (o + n + 1 > size)
			return PV_ERANGE;
		memcpy(out + o, rep ? rep : tpl, n);
		o += n;
		tpl += skip;
	}
	out[o] = 0;
	return 0;
}

/* releaseBase or the note that there is none; the skipped optional
 * files; qemuExtraKernelParams; contrastKata */
static int art_extras(const struct pv_rel_config *c, json_t *doc,
		      char *const *names, size_t n,
		      struct pv_err *e)
{
	json_t *notes = json_array(), *kata = json_object();
	char buf[600];
	size_t i, j, k;

	if (!notes || !kata)
		goto oom;
	if (c->release_base)
		json_object_set_new(doc, "releaseBase", json_string(c->release_base));
	else if (strstr(c->url_template, PLACEHOLDER))
		json_array_append_new(notes, json_string(
			"The URLs hold the placeholder " PLACEHOLDER ": no release "
			"base was given (release.json \"releaseBase\" or "
			"PODVM_RELEASE_BASE; ./build.sh publish --release-base "
			"URL). Replace it before handing this file to an "
			"installer."));
	for (j = 0; j < c->nfiles; j++) {
		for (i = 0; i < n; i++)
			if (!strcmp(names[i], c->files[j].name))
				break;
		if (i < n)
			continue;
		/* no folder name: the index must not depend on where it
		 * was assembled (build.sh publish uses a temporary one) */
		snprintf(buf, sizeof(buf), "%s: not in this release (an "
			 "optional file, indexed once the release ships it).",
			 c->files[j].name);
		json_array_append_new(notes, json_string(buf));
	}
	json_object_set_new(doc, "qemuExtraKernelParams",
			    json_string(c->qemu_extra_kernel_params));
	for (k = 0; k < sizeof(kata_paths) / sizeof(kata_paths[0]); k++) {
		const char *file = NULL;

		for (j = 0; j < c->nfiles; j++) {
			for (i = 0; i < n; i++)
				if (!strcmp(names[i], c->files[j].name))
					break;
			if (i < n && !strcmp(c->files[j].path, kata_paths[k].path))
				file = c->files[j].name;
		}
		snprintf(buf, sizeof(buf), "%s/%s", c->install_root,
			 kata_paths[k].path);
		json_object_set_new(kata, kata_paths[k].key, json_pack("{s:s, s:o}",
			"path", buf, "file", file ? json_string(file) : json_null()));
	}
	json_object_set_new(doc, "contrastKata", kata);
	if (json_array_size(notes))
		json_object_set_new(doc, "notes", notes);
	else
		json_decref(notes);
	return 0;
oom:
	json_decref(notes);
	json_decref(kata);
	return pv_errf(e, PV_ENOMEM, "out of memory");
}

json_t *pv_art_build(const struct pv_rel_config *c, const char *dir,
		     const char *image, const char *version, struct pv_err *e)
{
	char *names[PV_REL_MAX_FILES];
	char path[4096], url[2048], sri[PV_SRI_MAX];
	size_t n = 0, i, j;
	json_t *doc = NULL, *files;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		pv_err_errno(e, errno, "%s", dir);
		return NULL;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.' || pv_art_is_index_file(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		for (j = 0; j < c->nfiles; j++)
			if (!strcmp(c->files[j].name, de->d_name))
				break;
		if (j == c->nfiles) {
			pv_errf(e, PV_EFORMAT, "%s: no install path for it in the "
				"release configuration (files.\"%s\")", path,
				de->d_name);
			goto fail;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			pv_errf(e, PV_ENOMEM, "out of memory");
			goto fail;
		}
		n++;
	}
	for (j = 0; j < c->nfiles; j++) {
		for (i = 0; i < n; i++)
			if (!strcmp(names[i], c->files[j].name))
				break;
		if (i == n && !c->files[j].optional) {
			pv_errf(e, PV_EIO, "%s/%s: missing (the release "
				"configuration installs it)", dir, c->files[j].name);
			goto fail;
		}
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	doc = json_pack("{s:i, s:{s:s, s:s}, s:s, s:s, s:[]}", "version", 1,
			"image", "name", image, "version", version,
			"installRoot", c->install_root,
			"urlTemplate", c->url_template, "files");
	if (!doc) {
		pv_errf(e, PV_ENOMEM, "out of memory");
		goto fail;
	}
	files = json_object_get(doc, "files");
	for (i = 0; i < n; i++) {
		const struct pv_rel_file *f = NULL;
		uint64_t size;
		char inst[4096];

		for (j = 0; j < c->nfiles; j++)
			if (!strcmp(c->files[j].name, names[i]))
				f = &c->files[j];
		if (pv_sri_file(dir, names[i], c->integrity, sri, sizeof(sri), &size, e))
			goto fail;
		if (expand(c->url_template, c->release_base, image, version,
			   names[i], url, sizeof(url)) ||
		    (size_t)snprintf(inst, sizeof(inst), "%s/%s", c->install_root,
				     f->path) >= sizeof(inst)) {
			pv_errf(e, PV_ERANGE, "%s: URL or install path too long",
				names[i]);
			goto fail;
		}
		json_array_append_new(files, json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}",
			"name", names[i], "url", url, "path", inst,
			"size", (json_int_t)size, "integrity", sri,
			"executable", f->executable));
	}
	if (art_extras(c, doc, names, n, e))
		goto fail;
	for (i = 0; i < n; i++)
		free(names[i]);
	closedir(d);
	return doc;
fail:
	for (i = 0; i < n; i++)
		free(names[i]);
	closedir(d);
	json_decref(doc);
	return NULL;
}

int pv_art_parse(json_t *doc, const char *name, struct pv_art_index *x,
		 struct pv_err *e)
{
	static const char *const keys[] = { "version", "image", "installRoot",
		"urlTemplate", "files", "releaseBase", "notes",
		"qemuExtraKernelParams", "contrastKata", NULL };
	static const char *const fkeys[] = { "name", "url", "path", "size",
		"integrity", "executable", NULL };
	char at[200];
	json_t *files, *v;
	const char *s;
	size_t i, j;
	int rc;

	memset(x, 0, sizeof(*x));
	x->doc = doc;
	if ((rc = pv_jf_header(doc, name, keys, &x->image, &x->version, e)) ||
	    (rc = pv_jf_str(doc, "installRoot", 0, name, &s, e)) ||
	    (rc = pv_jf_str(doc, "urlTemplate", 0, name, &s, e)) ||
	    (rc = pv_jf_get(doc, "files", JSON_ARRAY, 0, name, &files, e)))
		return rc;
	if (json_array_size(files) > PV_REL_MAX_FILES)
		return pv_errf(e, PV_EFORMAT, "%s: files: more than %d", name,
			       PV_REL_MAX_FILES);
	json_array_foreach(files, i, v) {
		struct pv_art_file *f = &x->files[i];
		enum pv_hash alg;
		uint8_t d[PV_HASH_MAX];
		char what[240];

		snprintf(at, sizeof(at), "%s: files[%zu]", name, i);
		if (!json_is_object(v))
			return pv_errf(e, PV_EFORMAT, "%s: not an object", at);
		if ((rc = pv_jf_only(v, fkeys, at, e)) ||
		    (rc = pv_jf_str(v, "name", 0, at, &f->name, e)) ||
		    (rc = pv_jf_str(v, "url", 0, at, &f->url, e)) ||
		    (rc = pv_jf_str(v, "path", 0, at, &f->path, e)) ||
		    (rc = pv_jf_uint(v, "size", 0, 0, UINT64_C(1) << 50, at,
				     &f->size, e)) ||
		    (rc = pv_jf_str(v, "integrity", 0, at, &f->integrity, e)) ||
		    (rc = pv_jf_bool(v, "executable", 0, at, &f->executable, e)))
			return rc;
		if (!pv_name_ok(f->name) || pv_art_is_index_file(f->name))
			return pv_errf(e, PV_EFORMAT, "%s.name: '%.64s' is not an "
				       "artifact's file name", at, f->name);
		if (f->path[0] != '/')
			return pv_errf(e, PV_EFORMAT, "%s.path: not an absolute "
				       "install path", at);
		snprintf(what, sizeof(what), "%s.integrity", at);
		if ((rc = pv_sri_parse(f->integrity, &alg, d, what, e)))
			return rc;
		for (j = 0; j < i; j++)
			if (!strcmp(x->files[j].name, f->name))
				return pv_errf(e, PV_EFORMAT, "%s.name: '%s' is "
					       "listed twice", at, f->name);
		x->nfiles++;
	}
	return 0;
}

void pv_art_free(struct pv_art_index *x)
{
	json_decref(x->doc);
	memset(x, 0, sizeof(*x));
}

const struct pv_art_file *pv_art_find(const struct pv_art_index *x,
				      const char *name)
{
	size_t i;

	for (i = 0; i < x->nfiles; i++)
		if (!strcmp(x->files[i].name, name))
			return &x->files[i];
	return NULL;
}
