/* SPDX-License-Identifier: Apache-2.0 */
/*
 * measure.c - MRTD and the RTMRs of a QEMU + TDVF direct boot
 * (docs/tdx.md 4-6).
 *
 * An RTMR starts at zero and each event extends it: RTMR = SHA-384(RTMR ||
 * digest).  edk2 maps PCRs to RTMRs as UEFI 2.10 section 38.4.1 says
 * (TdxMeasurementMapPcrToMrIndex: PCR 0, 1 and 7 to RTMR0, 2-6 to RTMR1,
 * 8-15 to RTMR2).  In a direct boot (OvmfPkg/Library/PlatformBootManagerLib
 * QemuKernel.c, TryRunningQemuKernel) the kernel image is loaded, and so
 * measured, before ReadyToBoot; at ReadyToBoot TdTcg2Dxe.c OnReadyToBoot()
 * measures the boot variables, "Calling EFI Application from Boot Option"
 * and a separator; the Linux EFI stub measures LoadOptions and the initrd
 * (PCR 9); ExitBootServices adds two actions (PCR 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "core/parallel.h"
#include "tdx/tdx.h"
#include "tdx/tdx_priv.h"

const char *pv_tdx_order_name(enum pv_tdx_mrtd_order o)
{
	return o == PV_TDX_MRTD_TWO_PASS ? "two-pass" : "single-pass";
}

const char *pv_tdx_layout_name(enum pv_tdx_layout l)
{
	switch (l) {
	case PV_TDX_LAYOUT_202411:
		return "edk2-202411";
	case PV_TDX_LAYOUT_PRE_202411:
		return "edk2-pre-202411";
	case PV_TDX_LAYOUT_NONE:
		return "none";
	}
	return "?";
}

const char *pv_tdx_header_name(enum pv_tdx_kernel_header h)
{
	return h == PV_TDX_HDR_QEMU_PATCHED ? "qemu-patched" : "unmodified";
}

const char *pv_tdx_initrd_opt_name(enum pv_tdx_initrd_opt o)
{
	return o == PV_TDX_INITRD_PREFIX ? "prefix" : "append";
}

size_t pv_tdx_load_options(const char *cmdline, bool initrd,
			   enum pv_tdx_initrd_opt opt, uint8_t *out)
{
	static const char tag_app[] = " initrd=initrd";
	static const char tag_pre[] = "initrd=initrd ";
	const char *parts[2] = { cmdline ? cmdline : "", "" };
	size_t n = 0, i, k;

	if (initrd) {
		if (opt == PV_TDX_INITRD_PREFIX) {
			parts[1] = parts[0];
			parts[0] = tag_pre;
		} else {
			parts[1] = tag_app;
		}
	}
	for (k = 0; k < 2; k++)
		for (i = 0; parts[k][i]; i++, n++)
			if (out)
				pv_put_le16(out + 2 * n,
					    (uint8_t)parts[k][i]);
	if (n == 0)
		return 0; /* LoadOptions NULL, LoadOptionsSize 0 */
	if (out)
		pv_put_le16(out + 2 * n, 0);
	return 2 * (n + 1);
}

/* Extend RTMR @idx with @digest and tell the observer. */
int pv_tdx_extend(struct pv_tdx_run *run, unsigned idx, const char *type,
		  const char *what, const uint8_t digest[PV_TDX_MR_SIZE])
{
	static const char *const names[] = { "rtmr0", "rtmr1", "rtmr2",
					     "rtmr3" };
	struct pv_tdx_event ev = { .reg = names[idx], .type = type,
				   .what = what };
	uint8_t buf[2 * PV_TDX_MR_SIZE];
	int r;

	memcpy(buf, run->rtmr[idx], PV_TDX_MR_SIZE);
	memcpy(buf + PV_TDX_MR_SIZE, digest, PV_TDX_MR_SIZE);
	if (pv_hash_buf(PV_SHA384, buf, sizeof(buf), run->rtmr[idx]))
		return pv_errf(run->e, PV_ECRYPTO, "%s: SHA-384 failed",
			       names[idx]);
	if (!run->obs)
		return 0;
	memcpy(ev.digest, digest, PV_TDX_MR_SIZE);
	memcpy(ev.value, run->rtmr[idx], PV_TDX_MR_SIZE);
	r = run->obs(run->ctx, &ev);
	if (r)
		return pv_errf(run->e, r, "%s: the event log stopped at %s",
			       names[idx], what);
	return 0;
}

int pv_tdx_extend_data(struct pv_tdx_run *run, unsigned idx,
		       const char *type, const char *what, const void *data,
		       size_t len)
{
	uint8_t d[PV_TDX_MR_SIZE];

	if (pv_hash_buf(PV_SHA384, data, len, d))
		return pv_errf(run->e, PV_ECRYPTO, "%s: SHA-384 failed", what);
	return pv_tdx_extend(run, idx, type, what, d);
}

static int action(struct pv_tdx_run *run, unsigned idx, const char *s)
{
	/* TdMeasureAction: the ASCII string without its NUL */
	return pv_tdx_extend_data(run, idx, "EV_EFI_ACTION", s, s, strlen(s));
}

int pv_tdx_separator(struct pv_tdx_run *run, unsigned idx)
{
	static const uint8_t zero[4]; /* MeasureSeparatorEvent: UINT32 0 */

	return pv_tdx_extend_data(run, idx, "EV_SEPARATOR", "separator", zero,
				  4);
}

/*
 * QEMU rewrites fields of the setup header, all below PV_BZ_INIT_SIZE, and
 * refuses a file shorter than its setup_sects: at most (255 + 1) sectors.
 * A copy of that much of the kernel, patched, is all the digest needs
 * (pv_pe_authenticode_over): not a copy of the whole image on the path
 * every other part of the measurement waits for.
 */
#define PATCH_HEAD ((255u + 1) * 512)

/* The kernel image's digest as the firmware measures it (section 5). */
static int kernel_digest(const struct pv_tdx_params *p,
			 uint8_t d[PV_TDX_MR_SIZE], struct pv_err *e)
{
	const char *name = p->kernel_name ? p->kernel_name : "kernel";
	size_t hl = p->kernel_len < PATCH_HEAD ? p->kernel_len : PATCH_HEAD;
	uint8_t *k;
	int r;

	if (p->header != PV_TDX_HDR_QEMU_PATCHED)
		return pv_pe_authenticode(p->kernel, p->kernel_len, name, d, e);
	k = malloc(hl ? hl : 1);
	if (!k)
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", name);
	if (hl)
		memcpy(k, p->kernel, hl);
	/* the first PATCH_HEAD bytes stand for the file: its checks see
	 * the same setup_sects fit (a larger file passes them either way) */
	r = pv_tdx_qemu_patch_setup(k, hl, p->cmdline, p->initrd != NULL,
				    p->initrd_len, p->memory, e);
	if (!r)
		r = pv_pe_authenticode_over(p->kernel, p->kernel_len, k, hl,
					    name, d, e);
	free(k);
	return r;
}

static int rtmr_events(const struct pv_tdx_params *p, const struct pv_tdvf *t,
		       bool rtmr0, const uint8_t d[PV_TDX_MR_SIZE],
		       struct pv_tdx_run *run)
{
	uint8_t *opts = NULL;
	size_t olen;
	bool initrd = p->initrd && p->initrd_len > 0;
	int r = 0;

	if (p->layout == PV_TDX_LAYOUT_NONE)
		return 0; /* the firmware measures nothing */
	/* in time order: RTMR0 up to the ACPI tables, the kernel image
	 * (loaded before ReadyToBoot), then OnReadyToBoot's events */
	if (rtmr0)
		r = pv_tdx_rtmr0_early(p, t, run);
	if (!r)
		r = pv_tdx_extend(run, 1, "EV_EFI_BOOT_SERVICES_APPLICATION",
				  "Linux kernel", d);
	if (!r && rtmr0)
		r = pv_tdx_rtmr0_boot_vars(run);
	if (!r)
		r = action(run, 1, "Calling EFI Application from Boot Option");
	/* edk2-stable202411 (commit efaf8931bb) moved this separator from
	 * RTMR0 to RTMR1 */
	if (!r && p->layout == PV_TDX_LAYOUT_202411)
		r = pv_tdx_separator(run, 1);
	else if (!r && rtmr0)
		r = pv_tdx_separator(run, 0);
	if (!r && p->stub_measures) {
		olen = pv_tdx_load_options(p->cmdline, initrd, p->initrd_opt,
					   NULL);
		if (olen) {
			opts = malloc(olen);
			if (!opts)
				return pv_errf(run->e, PV_ENOMEM,
					       "LoadOptions: out of memory");
			pv_tdx_load_options(p->cmdline, initrd, p->initrd_opt,
					    opts);
			r = pv_tdx_extend_data(run, 2, "EV_EVENT_TAG",
					       "LOADED_IMAGE::LoadOptions",
					       opts, olen);
			free(opts);
		}
		if (!r && initrd)
			r = pv_tdx_extend_data(run, 2, "EV_EVENT_TAG",
					       "Linux initrd", p->initrd,
					       p->initrd_len);
	}
	if (!r)
		r = action(run, 1, "Exit Boot Services Invocation");
	if (!r)
		r = action(run, 1, "Exit Boot Services Returned with Success");
	return r;
}

/* The RTMR0 inputs that are missing, as a message; "" when all are given */
static void rtmr0_missing(const struct pv_tdx_params *p, char *buf,
			  size_t size)
{
	static const char *const names[] = { "--memory", "--acpi-loader",
					     "--acpi-rsdp", "--acpi-tables" };
	bool miss[4] = { !p->memory, !p->acpi_loader, !p->acpi_rsdp,
			 !p->acpi_tables };
	size_t w = 0, i;

	buf[0] = '\0';
	for (i = 0; i < 4; i++)
		if (miss[i] && w < size)
			w += (size_t)snprintf(buf + w, size - w, "%s%s",
					      w ? ", " : "RTMR0 needs ",
					      names[i]);
}

/* MRTD and the kernel digest are independent: two jobs on two threads.
 * Only the MRTD job calls the observer, so its lines stay in order. */
struct job {
	const struct pv_tdx_params *p;
	struct pv_tdx_result *res;
	pv_tdx_observer obs;
	void *ctx;
	struct pv_tdvf *t;
	uint8_t kd[PV_TDX_MR_SIZE];
	int rc[2];
	struct pv_err err[2];
};

static int run_job(void *arg, size_t begin, size_t end, unsigned worker)
{
	struct job *j = arg;
	const struct pv_tdx_params *p = j->p;
	const char *fw = p->firmware_name ? p->firmware_name : "firmware";
	size_t i;

	(void)worker;
	for (i = begin; i < end; i++) {
		if (i == 1) {
			j->rc[1] = kernel_digest(p, j->kd, &j->err[1]);
			continue;
		}
		j->t = malloc(sizeof(*j->t));
		if (!j->t) {
			j->rc[0] = pv_errf(&j->err[0], PV_ENOMEM,
					   "%s: out of memory", fw);
			continue;
		}
		j->rc[0] = pv_tdvf_parse(p->firmware, p->firmware_len, fw,
					 j->t, &j->err[0]);
		if (!j->rc[0])
			j->rc[0] = pv_tdx_mrtd(j->t, p->order, j->res->mrtd,
					       j->obs, j->ctx, &j->err[0]);
	}
	return 0; /* each job's result is in rc[] */
}

int pv_tdx_measure(const struct pv_tdx_params *p, struct pv_tdx_result *res,
		   pv_tdx_observer obs, void *ctx, struct pv_err *e)
{
	struct pv_tdx_run run = { .obs = obs, .ctx = ctx, .e = e };
	struct job *j;
	bool rtmr0;
	int r;

	memset(res, 0, sizeof(*res));
	j = calloc(1, sizeof(*j));
	if (!j)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	j->p = p;
	j->res = res;
	j->obs = obs;
	j->ctx = ctx;
	r = pv_parallel_run(p->kernel ? 2 : 1, p->kernel ? 2 : 1, 1, run_job,
			    j);
	if (r) {
		r = pv_errf(e, r, "could not start the measurement threads");
		goto out;
	}
	/* the firmware's error first, as a sequential run would give it */
	if (j->rc[0] || (p->kernel && j->rc[1])) {
		int k = j->rc[0] ? 0 : 1;

		r = j->rc[k];
		if (e)
			*e = j->err[k];
		goto out;
	}
	if (!p->kernel)
		goto out;
	rtmr0_missing(p, res->rtmr0_missing, sizeof(res->rtmr0_missing));
	rtmr0 = p->layout != PV_TDX_LAYOUT_NONE && !res->rtmr0_missing[0];
	r = rtmr_events(p, j->t, rtmr0, j->kd, &run);
	if (r)
		goto out;
	res->has_rtmr = true;
	res->has_rtmr0 = rtmr0 || p->layout == PV_TDX_LAYOUT_NONE;
	if (res->has_rtmr0)
		res->rtmr0_missing[0] = '\0';
	memcpy(res->rtmr, run.rtmr, sizeof(run.rtmr));
out:
	free(j->t);
	free(j);
	return r;
}
