/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compute.c - one value of a release from its recipe: the files read from
 * the release folder (regular files in it, nothing else), then the launch
 * computed by lib/snp (pv_snp_launch_igvm, pv_snp_launch_ovmf), lib/cca
 * (pv_cca_launch_measure) or lib/tdx (pv_tdx_measure) in this process, its step log folded into
 * regions as it goes.  The recipe's `measure` command line, which an
 * auditor runs by hand, computes the same value with the same defaults.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cca/launch.h"
#include "core/err.h"
#include "core/file.h"
#include "core/json.h"
#include "core/parse.h"
#include "release/release.h"
#include "snp/launch.h"
#include "snp/steplog.h"
#include "tdx/steplog.h"
#include "tdx/tdx.h"

#define CMDLINE_MAX 65536

/* @name is a symbolic link: where it leads, when that is inside @dir */
static int inside(const char *dir, const char *name, char *target,
		  struct pv_err *e)
{
	char path[PATH_MAX], rdir[PATH_MAX];
	size_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return pv_errf(e, PV_ERANGE, "%s/%s: path too long", dir, name);
	if (!realpath(dir, rdir))
		return pv_err_errno(e, errno, "%s: cannot resolve", dir);
	if (!realpath(path, target))
		return pv_err_errno(e, errno, "%s: cannot open", path);
	n = strlen(rdir);
	if (strncmp(target, rdir, n) != 0 || (target[n] != '/' &&
					      !(n == 1 && rdir[0] == '/')))
		return pv_errf(e, PV_EIO, "%s: a symbolic link to %s, outside "
			       "the release folder %s: refused", path, target,
			       rdir);
	return 0;
}

int pv_rel_map(const char *dir, const char *name, uint64_t max,
	       struct pv_map *m, struct pv_err *e)
{
	char path[PATH_MAX], target[PATH_MAX];
	int dfd, fd, r = 0;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!*name || strchr(name, '/'))
		return pv_errf(e, PV_EINVAL, "%s: not a file name of the "
			       "release folder", path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return pv_err_errno(e, errno, "%s: cannot open the folder", dir);
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP) {
		if ((r = inside(dir, name, target, e)))
			goto out;
		fd = open(target, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			  O_CLOEXEC);
	}
	if (fd < 0) {
		r = pv_err_errno(e, errno, "%s: cannot open", path);
		goto out;
	}
	r = pv_map_fd(fd, path, max, PV_MAP_REGULAR, m, e);
out:
	if (fd >= 0)
		close(fd);
	close(dfd);
	return r;
}

int pv_rv_cmdline_text(const char *dir, const char *name, char *out,
		       size_t size, struct pv_err *e)
{
	struct pv_map m = { 0 };
	size_t n;
	int r;

	if (size < 2)
		return pv_errf(e, PV_EINVAL, "no room for a command line");
	if ((r = pv_rel_map(dir, name, size - 1, &m, e)))
		return r;
	n = m.len;
	if (n && m.data[n - 1] == '\n')
		n--;
	memcpy(out, m.data, n);
	out[n] = 0;
	pv_unmap(&m);
	if (strlen(out) != n || strchr(out, '\n'))
		return pv_errf(e, PV_EFORMAT, "%s/%s: a kernel command line is "
			       "one line of text", dir, name);
	return 0;
}

char *pv_rv_command(const struct pv_rv_recipe *r)
{
	struct pv_rv_argv *a = malloc(sizeof(*a));
	char *s = NULL;
	size_t len = 0;
	FILE *f;
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
	if (fclose(f)) {
		free(s);
		s = NULL;
	}
done:
	free(a);
	return s;
}

/* ---- the observer: every step as its log line, folded ---- */

struct obs {
	struct pv_region_fold *fold;
	const char *name;
	uint64_t n;
	int err;
	struct pv_err e;
	pv_rv_line_fn line;
	void *arg;
	const struct pv_snp_hashes *hashes;
	struct pv_rv_computed *c;	/* tdx: the event digests kept */
};

static void take(struct obs *o, json_t *j)
{
	o->n++;
	if (o->err)
		goto out;
	if (!j) {
		o->err = pv_errf(&o->e, PV_ENOMEM, "out of memory");
		goto out;
	}
	if (o->line)
		o->line(o->arg, j);
	o->err = pv_region_fold_add(o->fold, j, o->name, o->n, &o->e);
out:
	json_decref(j);
}

static void snp_step(void *arg, const struct pv_snp_step *s)
{
	struct obs *o = arg;
	json_t *j = pv_snp_step_json(s);

	/* as `measure snp --log` writes it */
	if (j && o->hashes && strcmp(s->region, "kernel-hashes") == 0 &&
	    s->type == PV_SNP_PAGE_NORMAL) {
		json_object_set_new(j, "kernel_sha256",
				    pv_json_hex(o->hashes->kernel, 32));
		json_object_set_new(j, "initrd_sha256",
				    pv_json_hex(o->hashes->initrd, 32));
		json_object_set_new(j, "cmdline_sha256",
				    pv_json_hex(o->hashes->cmdline, 32));
	}
	take(o, j);
}

static void cca_step(void *arg, const struct pv_cca_step *s)
{
	struct obs *o = arg;

	take(o, pv_cca_step_json(o->n, s));
}

/* ---- the three launch kinds, with `measure`'s defaults ---- */

/* --vcpu-type of the recipe: the product's CPU model, when a count is
 * given (pv_rv_argv_build) */
static int vcpu_sig(const struct pv_rv_recipe *r, bool *have, uint32_t *sig,
		    struct pv_err *e)
{
	const char *type = r->product ? pv_snp_product_vcpu_type(r->product) :
			   NULL;

	*have = false;
	*sig = 0;
	if (r->product && !type)
		return pv_errf(e, PV_EINVAL, "product '%.16s': no CPU model "
			       "known", r->product);
	if (!r->vcpus || !type)
		return 0;
	*have = true;
	return pv_snp_vcpu_type_sig(type, sig, e);
}

static int igvm(const struct pv_rv_recipe *r, const char *dir, struct obs *o,
		struct pv_rv_computed *c, struct pv_err *e)
{
	struct pv_snp_igvm_in in = { .name = r->igvm };
	struct pv_snp_igvm_result *res = calloc(1, sizeof(*res));
	struct pv_map m = { 0 };
	char name[PATH_MAX];
	bool have;
	int rc;

	if (!res)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	snprintf(name, sizeof(name), "%s/%s", dir, r->igvm);
	in.name = name;
	in.vcpus = r->vcpus ? r->vcpus : 1;
	if ((rc = vcpu_sig(r, &have, &in.vcpu_sig, e)) ||
	    (rc = pv_snp_igvm_vmm_from_name(r->vmm, &in.vmm, e)) ||
	    (rc = pv_rel_map(dir, r->igvm, 1ull << 32, &m, e)))
		goto out;
	in.ap_reset_model = have;
	if ((rc = pv_snp_launch_igvm(m.data, m.len, &in, false, snp_step, o,
				     res, e)))
		goto out;
	memcpy(c->m, res->ld, PV_SNP_LD_SIZE);
	c->mlen = PV_SNP_LD_SIZE;
	c->has_policy = res->info.has_policy;
	c->policy = res->info.policy;
out:
	pv_unmap(&m);
	free(res);
	return rc;
}

static int ovmf(const struct pv_rv_recipe *r, const char *dir, struct obs *o,
		struct pv_rv_computed *c, struct pv_err *e)
{
	static char text[CMDLINE_MAX];
	struct pv_snp_ovmf_launch in = { .mode = PV_SNP_MODE_SNP };
	struct pv_snp_ovmf_result res = { 0 };
	struct pv_map fw = { 0 }, k = { 0 }, ird = { 0 };
	char name[PATH_MAX];
	uint8_t *set = NULL;
	bool have;
	int rc;

	snprintf(name, sizeof(name), "%s/%s", dir, r->ovmf);
	if (!r->vcpus)
		return pv_errf(e, PV_EINVAL, "missing --vcpus N in guest mode "
			       "'snp'");
	if (!r->kernel)
		return pv_errf(e, PV_EINVAL, "the recipe has no kernel");
	if ((rc = vcpu_sig(r, &have, &in.vcpu_sig, e)))
		return rc;
	if (!have)
		return pv_errf(e, PV_EINVAL, "missing --vcpu-type or --vcpu-sig "
			       "or --vcpu-family in guest mode 'snp'");
	if (r->cmdline &&
	    (rc = pv_rv_cmdline_text(dir, r->cmdline, text, sizeof(text), e)))
		return rc;
	set = calloc(r->vcpus + 1, 1);
	if (!set)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	set[r->vcpus] = 1;
	in.vcpu_set = set;
	in.max_vcpus = r->vcpus;
	in.vmm = PV_SNP_VMM_QEMU;
	in.guest_features = 0x1;
	in.cmdline = r->cmdline ? text : NULL;
	if ((rc = pv_rel_map(dir, r->ovmf, 1ull << 32, &fw, e)) ||
	    (rc = pv_rel_map(dir, r->kernel, 1ull << 32, &k, e)) ||
	    (r->initrd &&
	     (rc = pv_rel_map(dir, r->initrd, 1ull << 34, &ird, e))))
		goto out;
	in.ovmf = fw.data;
	in.ovmf_len = fw.len;
	in.ovmf_name = name;
	in.kernel = k.data;
	in.kernel_len = k.len;
	in.initrd = r->initrd ? ird.data : NULL;
	in.initrd_len = ird.len;
	in.observe = snp_step;
	in.observe_arg = o;
	o->hashes = &res.hashes;
	if ((rc = pv_snp_launch_ovmf(&in, &res, e)))
		goto out;
	memcpy(c->m, res.lds + (size_t)r->vcpus * PV_SNP_LD_SIZE,
	       PV_SNP_LD_SIZE);
	c->mlen = PV_SNP_LD_SIZE;
	c->has_ap_eip = true;
	c->ap_eip = res.ap_eip;
out:
	o->hashes = NULL;
	pv_snp_ovmf_result_free(&res);
	pv_unmap(&fw);
	pv_unmap(&k);
	pv_unmap(&ird);
	free(set);
	return rc;
}

static int cca(const struct pv_rv_recipe *r, const char *dir, struct obs *o,
	       struct pv_rv_computed *c, struct pv_err *e)
{
	static char text[CMDLINE_MAX];
	struct pv_cca_launch in = { 0 };
	struct pv_cca_launch_result res = { 0 };
	struct pv_map k = { 0 }, ird = { 0 };
	char kname[PATH_MAX], iname[PATH_MAX];
	int rc;

	if ((rc = pv_cca_profile_from_name(r->rmm, &in.profile, e)))
		return rc;
	if (strcmp(r->vmm, "kvmtool") && strcmp(r->vmm, "qemu"))
		return pv_errf(e, PV_EINVAL, "--vmm %s: expected kvmtool or "
			       "qemu", r->vmm);
	in.vmm = strcmp(r->vmm, "qemu") ? PV_CCA_VMM_KVMTOOL : PV_CCA_VMM_QEMU;
	if (pv_hash_from_name(r->algorithm, &in.alg, e) || in.alg == PV_SHA1)
		return pv_errf(e, PV_EINVAL, "--measurement-algo %s: expected "
			       "sha256, sha512 or sha384", r->algorithm);
	/* kvmtool's -m: a plain number counts MiB */
	if ((rc = pv_parse_size(r->memory, 1ull << 20, &in.mem, "-m", e)))
		return rc;
	if (r->cmdline &&
	    (rc = pv_rv_cmdline_text(dir, r->cmdline, text, sizeof(text), e)))
		return rc;
	snprintf(kname, sizeof(kname), "%s/%s", dir,
		 r->firmware ? r->firmware : r->kernel);
	snprintf(iname, sizeof(iname), "%s/%s", dir, r->initrd ? r->initrd : "");
	if ((rc = pv_rel_map(dir, r->firmware ? r->firmware : r->kernel,
			     PV_CCA_MAX_KERNEL, &k, e)) ||
	    (r->initrd && (rc = pv_rel_map(dir, r->initrd, PV_CCA_MAX_INITRD,
					   &ird, e))))
		goto out;
	if (r->firmware) {
		in.firmware = k.data;
		in.firmware_len = k.len;
		in.firmware_name = kname;
	} else {
		in.kernel = k.data;
		in.kernel_len = k.len;
		in.kernel_name = kname;
	}
	in.disks = r->disks;
	in.sve_vl_bits = r->sve_vl;
	in.pmu_counters = r->pmu;
	in.initrd = r->initrd ? ird.data : NULL;
	in.initrd_len = ird.len;
	in.initrd_name = iname;
	in.cmdline = r->cmdline ? text : NULL;
	in.cpus = r->cpus;
	in.irqchip = PV_CCA_GICV3_ITS;
	in.net = true;
	in.align = 4096;
	in.step = cca_step;
	in.step_ctx = o;
	if ((rc = pv_cca_launch_measure(&in, &res, e)))
		goto out;
	memcpy(c->m, res.res.rim, res.res.hlen);
	c->mlen = res.res.hlen;
out:
	pv_cca_launch_result_free(&res);
	pv_unmap(&k);
	pv_unmap(&ird);
	return rc;
}

static int tdx_step(void *arg, const struct pv_tdx_event *ev)
{
	struct obs *o = arg;

	if (!strcmp(ev->type, "EV_EFI_BOOT_SERVICES_APPLICATION"))
		memcpy(o->c->kernel_ev, ev->digest, 48);
	if (!strcmp(ev->what, "LOADED_IMAGE::LoadOptions")) {
		memcpy(o->c->params_ev, ev->digest, 48);
		o->c->has_params_ev = true;
	}
	take(o, pv_tdx_event_json(o->n, ev));
	return 0;
}

/* QEMU + TDVF direct boot with `measure tdx`'s defaults (docs/tdx.md 10):
 * every RTMR0 input is given, so all five registers are computed */
static int tdx(const struct pv_rv_recipe *r, const char *dir, struct obs *o,
	       struct pv_rv_computed *c, struct pv_err *e)
{
	static char text[CMDLINE_MAX];
	struct pv_tdx_params p = { 0 };
	struct pv_tdx_result *res = calloc(1, sizeof(*res));
	struct pv_map fw = { 0 }, k = { 0 }, ird = { 0 };
	struct pv_map ml = { 0 }, mr = { 0 }, mt = { 0 };
	char fname[PATH_MAX], kname[PATH_MAX];
	int rc, i;

	if (!res)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	if ((rc = pv_parse_size(r->memory, 1ull << 20, &p.memory, "--memory",
				e)))
		goto out;
	if (r->cmdline &&
	    (rc = pv_rv_cmdline_text(dir, r->cmdline, text, sizeof(text), e)))
		goto out;
	snprintf(fname, sizeof(fname), "%s/%s", dir, r->ovmf);
	snprintf(kname, sizeof(kname), "%s/%s", dir, r->kernel);
	if ((rc = pv_rel_map(dir, r->ovmf, 64ull << 20, &fw, e)) ||
	    (rc = pv_rel_map(dir, r->kernel, 1ull << 30, &k, e)) ||
	    (r->initrd &&
	     (rc = pv_rel_map(dir, r->initrd, 4ull << 30, &ird, e))) ||
	    (rc = pv_rel_map(dir, r->acpi_loader, 16ull << 20, &ml, e)) ||
	    (rc = pv_rel_map(dir, r->acpi_rsdp, 16ull << 20, &mr, e)) ||
	    (rc = pv_rel_map(dir, r->acpi_tables, 16ull << 20, &mt, e)))
		goto out;
	p.firmware = fw.data;
	p.firmware_len = fw.len;
	p.firmware_name = fname;
	p.order = PV_TDX_MRTD_SINGLE_PASS;
	p.kernel = k.data;
	p.kernel_len = k.len;
	p.kernel_name = kname;
	p.initrd = r->initrd ? ird.data : NULL;
	p.initrd_len = ird.len;
	p.cmdline = r->cmdline ? text : NULL;
	p.layout = PV_TDX_LAYOUT_202411;
	p.header = PV_TDX_HDR_UNMODIFIED;
	p.stub_measures = r->stub_measures;
	p.initrd_opt = PV_TDX_INITRD_APPEND;
	p.acpi_loader = ml.data;
	p.acpi_loader_len = ml.len;
	p.acpi_rsdp = mr.data;
	p.acpi_rsdp_len = mr.len;
	p.acpi_tables = mt.data;
	p.acpi_tables_len = mt.len;
	if ((rc = pv_tdx_measure(&p, res, tdx_step, o, e)))
		goto out;
	if (!res->has_rtmr || !res->has_rtmr0) {
		rc = pv_errf(e, PV_EINVAL, "%s: RTMR0 not computed: %s", fname,
			     res->rtmr0_missing);
		goto out;
	}
	c->tdx = true;
	memcpy(c->regs[0], res->mrtd, 48);
	for (i = 0; i < 4; i++)
		memcpy(c->regs[i + 1], res->rtmr[i], 48);
out:
	pv_unmap(&fw);
	pv_unmap(&k);
	pv_unmap(&ird);
	pv_unmap(&ml);
	pv_unmap(&mr);
	pv_unmap(&mt);
	free(res);
	return rc;
}

int pv_rv_compute(const struct pv_rv_recipe *r, const char *dir,
		  pv_rv_line_fn line, void *arg, struct pv_rv_computed *c,
		  struct pv_err *e)
{
	struct obs o = { .name = "the step log", .line = line, .arg = arg,
			 .c = c };
	int rc;

	memset(c, 0, sizeof(*c));
	o.fold = pv_region_fold_new(e);
	if (!o.fold)
		return PV_ENOMEM;
	if (r->tdx)
		rc = tdx(r, dir, &o, c, e);
	else if (r->cca)
		rc = cca(r, dir, &o, c, e);
	else if (r->igvm)
		rc = igvm(r, dir, &o, c, e);
	else if (r->ovmf)
		rc = ovmf(r, dir, &o, c, e);
	else
		rc = pv_errf(e, PV_EINVAL, "the recipe names no IGVM and no "
			     "OVMF");
	if (!rc && o.err) {
		rc = o.err;
		if (e)
			*e = o.e;
	}
	if (rc) {
		pv_region_fold_free(o.fold);
		return rc;
	}
	c->regions = pv_region_fold_finish(o.fold, o.name, e);
	return c->regions ? 0 : PV_ENOMEM;
}

void pv_rv_computed_free(struct pv_rv_computed *c)
{
	if (!c)
		return;
	json_decref(c->regions);
	c->regions = NULL;
}
