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
#include "core/hex.h"
#include "core/json.h"
#include "core/parse.h"
#include "igvm/igvm.h"
#include "igvm/linux.h"
#include "igvmgen.h"

static const char build_usage[] =
	"Usage: igvmgen build --kernel FILE --vmm qemu|clh -o OUT [OPTION]...\n"
	"Lay out a Linux bzImage, an initrd and a command line as an IGVM file.\n"
	"\n"
	"  --kernel FILE        the kernel (bzImage, boot protocol 2.12 or later)\n"
	"  --initrd FILE        the initrd (optional)\n"
	"  --cmdline TEXT       the kernel command line\n"
	"  --cmdline-file FILE  the command line from FILE (one trailing newline\n"
	"                       is dropped)\n"
	"  --vmm qemu|clh       the loader: qemu (QEMU/KVM; VMSA at\n"
	"                       0xFFFFFFFFF000, last) or clh (Cloud Hypervisor /\n"
	"                       Hyper-V, igvm-tooling's layout; SNP only)\n"
	"  --platform snp|native  isolation (default snp)\n"
	"  --vcpus N            vCPUs (default 1; qemu: KVM starts the APs; clh:\n"
	"                       local APICs in the built-in MADT)\n"
	"  --memory SIZE        guest RAM, e.g. 512M (default 512M)\n"
	"  --sev-features HEX   VMSA sev_features (default qemu 0x1, clh 0x9)\n"
	"  --policy HEX         SNP guest policy (default qemu 0x30000, clh 0x3001f)\n"
	"clh only (igvm-tooling's option in brackets):\n"
	"  --acpi-pages DIR     ready ACPI pages, one 4 KiB file per page named by\n"
	"                       its GPA in hex (0x000e0000.bin) [acpi.zip]; without\n"
	"                       it, a built-in RSDP, XSDT, FADT, MADT (--vcpus\n"
	"                       local APICs) and empty DSDT\n"
	"  --acpi-dir DIR       compiled tables (*.aml: RSDP, XSDT, FACP, DSDT,\n"
	"                       FACS, APIC, MCFG, TPM2, ...) laid out as\n"
	"                       igvm-tooling lays out -acpi_dir [-acpi_dir]\n"
	"  --boot-mode x64|x86  64-bit (default) or 32-bit entry [-boot_mode]\n"
	"  --pvalidate-opt yes|no  launch only the image and early ranges\n"
	"                       (default yes) [-pvalidate_opt]\n"
	"  --encrypted-page yes|no  C-bit in the page tables (default yes)\n"
	"                       [-encrypted_page]\n"
	"  --svme yes|no        EFER.SVME (default yes) [-svme]\n"
	"  --vtl N              highest_vtl (default 0) [-vtl]\n"
	"  --arch intel|amd     intel (default): VMSA RFLAGS 0x2; amd: 0 [-arch]\n"
	"SNP ID block (signed with RFC 6979 deterministic ECDSA P-384):\n"
	"  --id-key PEM         the ID key (P-384) [-sign_key]\n"
	"  --id-ld HEX          the launch digest to sign; default: the digest\n"
	"                       of the file being built, as `measure snp --igvm\n"
	"                       FILE --vmm` the same VMM computes it (qemu: 1 vCPU)\n"
	"  --family-id HEX, --image-id HEX  16 bytes each (default 01 00.. and\n"
	"                       02 00.., igvm-tooling's defaults)\n"
	"  --guest-svn N, --id-version N  (defaults 2 and 1, as igvm-tooling)\n"
	"  -o, --output OUT     the IGVM file to write (atomically)\n"
	"  --json               print the regions laid out as JSON\n";

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

static int yesno(const char *s, const char *what)
{
	if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "0"))
		return 0;
	pv_cli_usage_error(build_usage, "%s %s: expected yes or no", what, s);
}

/* --acpi-pages DIR: files named by the GPA of their page, in hex */
struct acpi_set {
	struct pv_acpi_page *pages;
	struct pv_map *maps;
	size_t n;
};

static void acpi_release(struct acpi_set *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		pv_unmap(&a->maps[i]);
	free(a->maps);
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
	char path[4096], name[256];
	DIR *d = opendir(dir);
	size_t capp = 0, capm = 0;
	void *p, *m;
	int rc = 0;

	if (!d)
		return pv_err_errno(e, errno, "%s: cannot open the folder", dir);
	while (!rc && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
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
		p = pv_grow(a->pages, &capp, a->n + 1, sizeof(*a->pages));
		if (p)
			a->pages = p;
		m = p ? pv_grow(a->maps, &capm, a->n + 1, sizeof(*a->maps)) : NULL;
		if (!m) {
			rc = pv_errf(e, PV_ENOMEM, "out of memory");
			break;
		}
		a->maps = m;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((rc = pv_map_file(path, 4096, &a->maps[a->n], e)))
			break;
		if (a->maps[a->n].len != 4096) {
			/* the size before pv_unmap zeroes the mapping */
			rc = pv_errf(e, PV_EFORMAT, "%s: %zu bytes, an ACPI page is 4096",
				     path, a->maps[a->n].len);
			pv_unmap(&a->maps[a->n]);
			break;
		}
		a->pages[a->n].gpa = gpa;
		a->pages[a->n].data = a->maps[a->n].data;
		a->n++;
	}
	closedir(d);
	if (!rc && !a->n)
		rc = pv_errf(e, PV_EINVAL, "%s: no ACPI pages", dir);
	if (!rc)
		qsort(a->pages, a->n, sizeof(*a->pages), cmp_page);
	return rc;
}

/* Every page of the inputs is read once: fault them in up front, in bulk,
 * rather than one page fault at a time (a hint; failure is harmless). */
static void prefault(const struct pv_map *m)
{
#ifdef MADV_POPULATE_READ
	if (m->mapped && madvise(m->base, m->maplen, MADV_POPULATE_READ) == 0)
		return;
#endif
	if (m->mapped)
		madvise(m->base, m->maplen, MADV_WILLNEED);
}

/* --acpi-dir DIR: the *.aml files, in name order */
struct aml_set {
	struct pv_acpi_table *t;
	struct pv_map *maps;
	char **names;
	size_t n;
};

static void aml_release(struct aml_set *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		pv_unmap(&a->maps[i]);
		free(a->names[i]);
	}
	free(a->maps);
	free(a->names);
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
	a->maps = calloc((size_t)n + 1, sizeof(*a->maps));
	a->names = calloc((size_t)n + 1, sizeof(*a->names));
	if (!a->t || !a->maps || !a->names)
		rc = pv_errf(e, PV_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		size_t len = strlen(list[i]->d_name);
		char *path;

		if (!rc && len > 4 && !strcmp(list[i]->d_name + len - 4, ".aml")) {
			if (asprintf(&path, "%s/%s", dir, list[i]->d_name) < 0) {
				rc = pv_errf(e, PV_ENOMEM, "out of memory");
			} else {
				rc = pv_map_file(path, 1u << 20, &a->maps[a->n], e);
				if (!rc) {
					a->names[a->n] = path;
					a->t[a->n].name = path;
					a->t[a->n].data = a->maps[a->n].data;
					a->t[a->n].len = a->maps[a->n].len;
					a->n++;
				} else {
					free(path);
				}
			}
		}
		free(list[i]);
	}
	free(list);
	if (!rc && !a->n)
		rc = pv_errf(e, PV_EINVAL, "%s: no *.aml tables", dir);
	return rc;
}

static int out_sink(void *ctx, const void *buf, size_t len, struct pv_err *e)
{
	return pv_out_write(ctx, buf, len, e);
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

int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "cmdline-file", required_argument, NULL, 'C' },
		{ "vmm", required_argument, NULL, 'M' },
		{ "platform", required_argument, NULL, 'P' },
		{ "vcpus", required_argument, NULL, 'n' },
		{ "memory", required_argument, NULL, 'm' },
		{ "sev-features", required_argument, NULL, 'F' },
		{ "policy", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "acpi-pages", required_argument, NULL, 'A' },
		{ "acpi-dir", required_argument, NULL, 'D' },
		{ "boot-mode", required_argument, NULL, 'B' },
		{ "pvalidate-opt", required_argument, NULL, 'O' },
		{ "encrypted-page", required_argument, NULL, 'E' },
		{ "svme", required_argument, NULL, 'S' },
		{ "vtl", required_argument, NULL, 'T' },
		{ "arch", required_argument, NULL, 'R' },
		{ "id-key", required_argument, NULL, 'K' },
		{ "id-ld", required_argument, NULL, 'L' },
		{ "family-id", required_argument, NULL, 'f' },
		{ "image-id", required_argument, NULL, 'g' },
		{ "guest-svn", required_argument, NULL, 's' },
		{ "id-version", required_argument, NULL, 'v' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_igvm_build p;
	struct pv_linux_igvm_opts *o = &p.o;
	struct acpi_set acpi = { 0 };
	const char *idkey = NULL;
	size_t hn;
	const char *acpidir = NULL, *amldir = NULL;
	struct aml_set aml = { 0 };
	int have_arch = 0;
	const char *kernel = NULL, *initrd = NULL, *cmdline = NULL,
		   *cmdfile = NULL, *outpath = NULL;
	char *cmdbuf = NULL;
	struct pv_map km = { 0 }, im = { 0 };
	struct pv_linux_igvm b = { 0 };
	struct pv_err e = { 0 };
	struct pv_out out;
	uint64_t v;
	int c, vmm = -1, json = 0, rc = PV_EXIT_FAIL;

	pv_igvm_build_init(&p);
	while ((c = pv_cli_getopt(argc, argv, "o:", opts, build_usage)) != -1) {
		switch (c) {
		case 'k':
			kernel = optarg;
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'c':
			cmdline = optarg;
			break;
		case 'C':
			cmdfile = optarg;
			break;
		case 'M':
			if (!strcmp(optarg, "qemu"))
				vmm = PV_VMM_QEMU;
			else if (!strcmp(optarg, "clh"))
				vmm = PV_VMM_CLH;
			else
				pv_cli_usage_error(build_usage,
						   "--vmm %s: expected qemu or clh",
						   optarg);
			break;
		case 'P':
			if (!strcmp(optarg, "snp"))
				o->platform = PV_PLATFORM_SNP;
			else if (!strcmp(optarg, "native"))
				o->platform = PV_PLATFORM_NATIVE;
			else
				pv_cli_usage_error(build_usage,
						   "--platform %s: expected snp or native",
						   optarg);
			break;
		case 'n':
			if (pv_parse_u64(optarg, 4096, &v, "--vcpus", &e) || !v)
				pv_cli_usage_error(build_usage, "%s",
						   e.msg[0] ? e.msg : "--vcpus: at least 1");
			o->vcpus = (uint32_t)v;
			break;
		case 'm':
			if (pv_parse_size(optarg, 1, &o->memory, "--memory", &e))
				pv_cli_usage_error(build_usage, "%s", e.msg);
			break;
		case 'F':
			if (pv_parse_u64(optarg, UINT64_MAX, &o->sev_features,
					 "--sev-features", &e))
				pv_cli_usage_error(build_usage, "%s", e.msg);
			p.sev_features_set = true;
			break;
		case 'p':
			if (pv_parse_u64(optarg, UINT64_MAX, &o->policy, "--policy",
					 &e))
				pv_cli_usage_error(build_usage, "%s", e.msg);
			p.policy_set = true;
			break;
		case 'A':
			acpidir = optarg;
			break;
		case 'D':
			amldir = optarg;
			break;
		case 'B':
			if (!strcmp(optarg, "x64") || !strcmp(optarg, "x86"))
				o->boot_x64 = optarg[1] == '6';
			else
				pv_cli_usage_error(build_usage,
						   "--boot-mode %s: expected x64 or x86",
						   optarg);
			break;
		case 'O':
			o->pvalidate_opt = yesno(optarg, "--pvalidate-opt");
			break;
		case 'E':
			o->encrypted_page = yesno(optarg, "--encrypted-page");
			break;
		case 'S':
			o->svme = yesno(optarg, "--svme");
			break;
		case 'K':
			idkey = optarg;
			break;
		case 'L':
			if (pv_hex_decode(optarg, p.id.ld, sizeof(p.id.ld), &hn,
					  "--id-ld", &e) || hn != 48)
				pv_cli_usage_error(build_usage, "%s",
						   e.msg[0] ? e.msg : "--id-ld: 48 bytes of hex");
			p.id_ld_set = true;
			break;
		case 'f':
		case 'g':
			if (pv_hex_decode(optarg, c == 'f' ? p.id.family_id : p.id.image_id,
					  16, &hn, c == 'f' ? "--family-id" : "--image-id",
					  &e) || hn != 16)
				pv_cli_usage_error(build_usage, "%s",
						   e.msg[0] ? e.msg : "16 bytes of hex expected");
			break;
		case 's':
		case 'v':
			if (pv_parse_u64(optarg, UINT32_MAX, &v,
					 c == 's' ? "--guest-svn" : "--id-version", &e))
				pv_cli_usage_error(build_usage, "%s", e.msg);
			if (c == 's')
				p.id.guest_svn = (uint32_t)v;
			else
				p.id.version = (uint32_t)v;
			break;
		case 'T':
			if (pv_parse_u64(optarg, 15, &v, "--vtl", &e))
				pv_cli_usage_error(build_usage, "%s", e.msg);
			o->vtl = (uint8_t)v;
			break;
		case 'R':
			if (strcmp(optarg, "intel") && strcmp(optarg, "amd"))
				pv_cli_usage_error(build_usage,
						   "--arch %s: expected intel or amd",
						   optarg);
			o->arch_amd = !strcmp(optarg, "amd");
			have_arch = 1;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'j':
			json = 1;
			break;
		}
	}
	pv_cli_operands(argc, argv, 0, 0, build_usage);
	if (!kernel)
		pv_cli_usage_error(build_usage, "--kernel is required");
	if (vmm < 0)
		pv_cli_usage_error(build_usage, "--vmm is required (qemu or clh)");
	if (!outpath)
		pv_cli_usage_error(build_usage, "-o OUT is required");
	if (cmdline && cmdfile)
		pv_cli_usage_error(build_usage,
				   "--cmdline and --cmdline-file exclude each other");
	o->vmm = (enum pv_vmm)vmm;
	if (have_arch && vmm != PV_VMM_CLH)
		pv_cli_usage_error(build_usage, "--arch needs --vmm clh");
	if (vmm == PV_VMM_CLH && o->platform != PV_PLATFORM_SNP)
		pv_cli_usage_error(build_usage, "--vmm clh supports --platform snp only");
	if (p.id_ld_set && !idkey)
		pv_cli_usage_error(build_usage, "--id-ld needs --id-key");
	if (idkey && !p.id_ld_set && vmm == PV_VMM_QEMU && o->vcpus > 1)
		pv_cli_usage_error(build_usage,
				   "--id-key with --vmm qemu and --vcpus %u: KVM "
				   "measures a VMSA per vCPU, which depends on the "
				   "vCPU type; pass --id-ld from `measure snp --igvm "
				   "FILE --vcpus %u --vcpu-type TYPE`",
				   (unsigned)o->vcpus, (unsigned)o->vcpus);
	if (idkey) {
		if (o->platform != PV_PLATFORM_SNP)
			pv_cli_usage_error(build_usage, "an ID block needs --platform snp");
		if (pv_ec_p384_load(idkey, &o->id_key, &e))
			goto fail;
	}
	if (amldir) {
		if (vmm != PV_VMM_CLH || acpidir)
			pv_cli_usage_error(build_usage,
					   "--acpi-dir needs --vmm clh and excludes --acpi-pages");
		if (read_aml(amldir, &aml, &e))
			goto fail;
		o->acpi_tables = aml.t;
		o->nacpi_tables = aml.n;
	}
	if (acpidir) {
		if (vmm != PV_VMM_CLH)
			pv_cli_usage_error(build_usage, "--acpi-pages needs --vmm clh");
		if (read_acpi(acpidir, &acpi, &e))
			goto fail;
		o->acpi = acpi.pages;
		o->nacpi = acpi.n;
	}
	if (cmdfile) {
		if (read_cmdline(cmdfile, &cmdbuf, &e))
			goto fail;
		cmdline = cmdbuf;
	}
	o->cmdline = cmdline;
	if (pv_map_file(kernel, 1ull << 30, &km, &e))
		goto fail;
	prefault(&km);
	o->kernel_name = kernel;
	o->kernel = km.data;
	o->kernel_len = km.len;
	if (initrd) {
		if (pv_map_file(initrd, 3ull << 30, &im, &e))
			goto fail;
		prefault(&im);
		o->initrd_name = initrd;
		o->initrd = im.data;
		o->initrd_len = im.len;
	}
	if (pv_igvm_build(&p, &b, &e))
		goto fail;
	if (pv_out_open(&out, outpath, &e))
		goto fail;
	if (pv_igvm_write(&b.w, out_sink, &out, &e) || pv_out_commit(&out, &e)) {
		pv_out_abort(&out);
		goto fail;
	}
	if (json)
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
