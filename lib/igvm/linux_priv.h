/* SPDX-License-Identifier: Apache-2.0 */
/* linux_priv.h - shared between the qemu (linux.c) and clh (clh.c) layouts */
#ifndef PODVM_IGVM_LINUX_PRIV_H
#define PODVM_IGVM_LINUX_PRIV_H
#include "igvm/linux.h"
#include "linux/boot.h"

/* one PAGE_DATA header (mask 1) for (data, len), or a zero page for NULL */
int pv_linux_igvm_page(struct pv_linux_igvm *out, uint64_t gpa, uint16_t type,
		       const uint8_t *data, size_t len, struct pv_err *e);

int pv_linux_igvm_clh(const struct pv_linux_igvm_opts *o,
		      const struct pv_bzimage *k, struct pv_linux_igvm *out,
		      struct pv_err *e);
#endif
