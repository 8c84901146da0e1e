/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_build.c - igvmgen build: kernel + initrd + command line -> IGVM. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/evp.h>

#include "core/alloc.h"
#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/json.h"
#include "core/parse.h"
#include "igvm/igvm.h"
#include "igvm/linux.h"
#include "igvmgen.h"
#include "opts.h"

/* the command line from a file: no NUL inside, one trailing \n dropped */
static int read_cmdline(const char *path, char **out, struct pv_err *e)
{
	struct pv_map m;
	size_t n;
	char *s;

	if (pv_map_file(path, 1u << 20, &m, e))
		return -1;
	n = m.len;
	if (n && m.data[n - 1] == '\n')
		n--;
	if (memchr(m.data, 0, n)) {
		pv_unmap(&m);
		return pv_errf(e, PV_EFORMAT, "%s: the command line contains a NUL byte",
			       path);
	}
	s = malloc(n + 1);
	if (!s) {
		pv_unmap(&m);
		return pv_errf(e, PV_ENOMEM, "out of memory");
	}
	memcpy(s, m.data, n);
	s[n] = 0;
	pv_unmap(&m);
	*out = s;
	return 0;
}

/* The files read from a folder: mapped, and named for the output checks */
struct in_files {
	struct pv_map *maps;
	char **names;
	size_t n, capm, capn;
};

static void in_files_release(struct in_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		pv_unmap(&f->maps[i]);
		free(f->names[i]);
	}
	free(f->maps);
	free(f->names);
	memset(f, 0, sizeof(*f));
}

/* map DIR/NAME (at most @max bytes) as f->maps[f->n++] */
static int in_files_add(struct in_files *f, const char *dir, const char *name,
			uint64_t max, struct pv_err *e)
{
	void *m = pv_grow(f->maps, &f->capm, f->n + 1, sizeof(*f->maps));
	void *n = m ? pv_grow(f->names, &f->capn, f->n + 1, sizeof(*f->names)) : NULL;
	char *path;
	int rc;

	if (m)
		f->maps = m;
	if (n)
		f->names = n;
	if (!n || asprintf(&path, "%s/%s", dir, name) < 0)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	rc = pv_map_file(path, max, &f->maps[f->n], e);
	if (rc) {
		free(path);
		return rc;
	}
	f->names[f->n++] = path;
	return 0;
}

/* --acpi-pages DIR: files named by the GPA of their page, in hex */
struct acpi_set {
	struct pv_acpi_page *pages;
	size_t cap;
	struct in_files f;
};

static void acpi_release(struct acpi_set *a)
{
	in_files_release(&a->f);
	free(a->pages);
	memset(a, 0, sizeof(*a));
}

static int cmp_page(const void *x, const void *y)
{
	uint64_t a = ((const struct pv_acpi_page *)x)->gpa;
	uint64_t b = ((const struct pv_acpi_page *)y)->gpa;

	return a < b ? -1 : a > b;
}

static int read_acpi(const char *dir, struct acpi_set *a, struct pv_err *e)
{
	struct dirent *de;
	char name[256];
	DIR *d = opendir(dir);
	void *p;
	int rc = 0;

	if (!d)
		return pv_err_errno(e, errno, "%s: cannot open the folder", dir);
	while (!rc && (de = readdir(d))) {
		size_t len = strlen(de->d_name), i = a->f.n;
		uint64_t gpa;

		if (de->d_name[0] == '.')
			continue;
		if (len >= sizeof(name)) {
			rc = pv_errf(e, PV_EINVAL, "%s/%s: name too long", dir,
				     de->d_name);
			break;
		}
		memcpy(name, de->d_name, len + 1);
		if (len > 4 && !strcmp(name + len - 4, ".bin"))
			name[len - 4] = 0;
		if (pv_parse_u64(name, UINT64_MAX, &gpa, de->d_name, e) ||
		    strncmp(name, "0x", 2)) {
			rc = pv_errf(e, PV_EINVAL,
				     "%s/%s: an ACPI page file must be named by its GPA in hex (0x000e0000.bin)",
				     dir, de->d_name);
			break;
		}
		p = pv_grow(a->pages, &a->cap, i + 1, sizeof(*a->pages));
		if (!p) {
			rc = pv_errf(e, PV_ENOMEM, "out of memory");
			break;
		}
		a->pages = p;
		if ((rc = in_files_add(&a->f, dir, de->d_name, 4096, e)))
			break;
		if (a->f.maps[i].len != 4096) {
			rc = pv_errf(e, PV_EFORMAT, "%s: %zu bytes, an ACPI page is 4096",
				     a->f.names[i], a->f.maps[i].len);
			break;
		}
		a->pages[i].gpa = gpa;
		a->pages[i].data = a->f.maps[i].data;
	}
	closedir(d);
	if (!rc && !a->f.n)
		rc = pv_errf(e, PV_EINVAL, "%s: no ACPI pages", dir);
	if (!rc)
		qsort(a->pages, a->f.n, sizeof(*a->pages), cmp_page);
	return rc;
}

/* Map @path (at most @max bytes).  Every page of it is read once: fault
 * them in up front, in bulk, rather than one page fault at a time (a
 * hint; failure is harmless). */
static int map_input(const char *path, uint64_t max, struct pv_map *m,
		     struct pv_err *e)
{
	if (pv_map_file(path, max, m, e))
		return -1;
#ifdef MADV_POPULATE_READ
	if (m->mapped && madvise(m->base, m->maplen, MADV_POPULATE_READ) == 0)
		return 0;
#endif
	if (m->mapped)
		madvise(m->base, m->maplen, MADV_WILLNEED);
	return 0;
}

/* --acpi-dir DIR: the *.aml files, in name order */
struct aml_set {
	struct pv_acpi_table *t;
	struct in_files f;
};

static void aml_release(struct aml_set *a)
{
	in_files_release(&a->f);
	free(a->t);
	memset(a, 0, sizeof(*a));
}

static int read_aml(const char *dir, struct aml_set *a, struct pv_err *e)
{
	struct dirent **list = NULL;
	int i, n = scandir(dir, &list, NULL, alphasort), rc = 0;

	if (n < 0)
		return pv_err_errno(e, errno, "%s: cannot open the folder", dir);
	a->t = calloc((size_t)n + 1, sizeof(*a->t));
	if (!a->t)
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		size_t len = strlen(name), j = a->f.n;

		if (!rc && len > 4 && !strcmp(name + len - 4, ".aml")) {
			rc = in_files_add(&a->f, dir, name, 1u << 20, e);
			if (!rc) {
				a->t[j].name = a->f.names[j];
				a->t[j].data = a->f.maps[j].data;
				a->t[j].len = a->f.maps[j].len;
			}
		}
		free(list[i]);
	}
	free(list);
	if (!rc && !a->f.n)
		rc = pv_errf(e, PV_EINVAL, "%s: no *.aml tables", dir);
	return rc;
}

static void print_regions(const struct pv_linux_igvm *b)
{
	json_t *doc = json_object(), *a = json_array();
	size_t i;

	for (i = 0; i < b->nregions; i++)
		json_array_append_new(a, json_pack("{s:s, s:I, s:I}", "name",
						   b->regions[i].name, "gpa",
						   (json_int_t)b->regions[i].gpa,
						   "size",
						   (json_int_t)b->regions[i].size));
	json_object_set_new(doc, "entry", json_integer((json_int_t)b->entry));
	json_object_set_new(doc, "regions", a);
	pv_json_print(doc);
	json_decref(doc);
}


/* The rules between option values that the table cannot say. */
static void check_values(const struct ig_opts *a)
{
	const struct pv_linux_igvm_opts *o = &a->b.o;

	if (o->vmm == PV_VMM_CLH && o->platform != PV_PLATFORM_SNP)
		pv_opts_usage_error(&a->st, "--vmm clh supports --platform snp only");
	if (!a->id_key)
		return;
	if (!a->b.id_ld_set && o->vmm == PV_VMM_QEMU && o->vcpus > 1)
		pv_opts_usage_error(&a->st,
				    "--id-key with --vmm qemu and --vcpus %u: KVM "
				    "measures a VMSA per vCPU, which depends on the "
				    "vCPU type; pass --id-ld from `measure snp --igvm "
				    "FILE --vcpus %u --vcpu-type TYPE`",
				    (unsigned)o->vcpus, (unsigned)o->vcpus);
	if (o->platform != PV_PLATFORM_SNP)
		pv_opts_usage_error(&a->st, "an ID block needs --platform snp");
}

/* Refuse an output that is one of the inputs (the same name, a hard or a
 * symbolic link to it): it would be replaced by what is read from it. */
static int check_not_inputs(const struct pv_out *out, const struct ig_opts *a,
			    const struct in_files *acpi, const struct in_files *aml,
			    struct pv_err *e)
{
	const char *in[] = { a->kernel, a->initrd, a->cmdline_file, a->id_key };
	const struct in_files *dirs[] = { acpi, aml };
	size_t i, j;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		if (in[i] && pv_out_check_not_input(out, in[i], e))
			return -1;
	for (j = 0; j < sizeof(dirs) / sizeof(dirs[0]); j++)
		for (i = 0; i < dirs[j]->n; i++)
			if (pv_out_check_not_input(out, dirs[j]->names[i], e))
				return -1;
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct ig_opts a;
	struct pv_linux_igvm_opts *o = &a.b.o;
	struct acpi_set acpi = { 0 };
	struct aml_set aml = { 0 };
	char *cmdbuf = NULL;
	struct pv_map km = { 0 }, im = { 0 };
	struct pv_linux_igvm b = { 0 };
	struct pv_err e = { 0 };
	struct pv_out out;
	int rc = PV_EXIT_FAIL;

	ig_parse(&a, IG_CMD_BUILD, argc, argv);
	check_values(&a);
	if (a.id_key && pv_ec_p384_load(a.id_key, &o->id_key, &e))
		goto fail;
	if (a.acpi_dir) {
		if (read_aml(a.acpi_dir, &aml, &e))
			goto fail;
		o->acpi_tables = aml.t;
		o->nacpi_tables = aml.f.n;
	}
	if (a.acpi_pages) {
		if (read_acpi(a.acpi_pages, &acpi, &e))
			goto fail;
		o->acpi = acpi.pages;
		o->nacpi = acpi.f.n;
	}
	o->cmdline = a.cmdline;
	if (a.cmdline_file) {
		if (read_cmdline(a.cmdline_file, &cmdbuf, &e))
			goto fail;
		o->cmdline = cmdbuf;
	}
	if (map_input(a.kernel, 1ull << 30, &km, &e))
		goto fail;
	o->kernel_name = a.kernel;
	o->kernel = km.data;
	o->kernel_len = km.len;
	if (a.initrd) {
		if (map_input(a.initrd, 3ull << 30, &im, &e))
			goto fail;
		o->initrd_name = a.initrd;
		o->initrd = im.data;
		o->initrd_len = im.len;
	}
	if (pv_igvm_build(&a.b, &b, &e))
		goto fail;
	if (pv_out_open(&out, a.output, &e))
		goto fail;
	if (check_not_inputs(&out, &a, &acpi.f, &aml.f, &e) ||
	    pv_igvm_write(&b.w, ig_out_sink, &out, &e) || pv_out_commit(&out, &e)) {
		pv_out_abort(&out);
		goto fail;
	}
	if (a.json)
		print_regions(&b);
	rc = PV_EXIT_OK;
	goto out;
fail:
	rc = pv_cli_fail("build", &e);
out:
	pv_linux_igvm_release(&b);
	pv_unmap(&km);
	pv_unmap(&im);
	free(cmdbuf);
	acpi_release(&acpi);
	aml_release(&aml);
	EVP_PKEY_free(o->id_key);
	return rc;
}
