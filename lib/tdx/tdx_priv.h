/* SPDX-License-Identifier: Apache-2.0 */
/* tdx_priv.h - lib/tdx internals shared by measure.c and rtmr0.c. */
#ifndef PODVM_TDX_TDX_PRIV_H
#define PODVM_TDX_TDX_PRIV_H

#include "tdx/tdx.h"

/* The four RTMRs as the events extend them, and where events go. */
struct pv_tdx_run {
	uint8_t rtmr[4][PV_TDX_MR_SIZE];
	pv_tdx_observer obs;
	void *ctx;
	struct pv_err *e;
};

/* RTMR @idx = SHA-384(RTMR || @digest); the observer sees the event. */
int pv_tdx_extend(struct pv_tdx_run *run, unsigned idx, const char *type,
		  const char *what, const uint8_t digest[PV_TDX_MR_SIZE]);

/* The same with the SHA-384 of (data, len) as the digest. */
int pv_tdx_extend_data(struct pv_tdx_run *run, unsigned idx,
		       const char *type, const char *what, const void *data,
		       size_t len);

/* EV_SEPARATOR: the digest of a UINT32 0 (MeasureSeparatorEvent). */
int pv_tdx_separator(struct pv_tdx_run *run, unsigned idx);

/* RTMR0 before the kernel is loaded: TD HOB, CFV, the Secure Boot
 * variables, the separator, the ACPI blobs (docs/tdx.md 7). */
int pv_tdx_rtmr0_early(const struct pv_tdx_params *p, const struct pv_tdvf *t,
		       struct pv_tdx_run *run);

/* RTMR0 at ReadyToBoot: BootOrder and Boot0000. */
int pv_tdx_rtmr0_boot_vars(struct pv_tdx_run *run);

#endif
