/* SPDX-License-Identifier: Apache-2.0 */
/* parse.h - strict parsing of numbers and sizes given on command lines. */
#ifndef PODVM_CORE_PARSE_H
#define PODVM_CORE_PARSE_H

#include <stdint.h>

struct pv_err;

/**
 * pv_parse_u64 - a whole number: decimal, or hex with a 0x prefix
 * No sign, no spaces, nothing after the digits, no overflow.
 * @what: names the value in error messages ("--vcpus")
 * returns: 0, PV_EFORMAT, or PV_ERANGE when it exceeds @max
 */
int pv_parse_u64(const char *s, uint64_t max, uint64_t *v, const char *what,
		 struct pv_err *e);

/**
 * pv_parse_size - a size in bytes: a whole number with an optional suffix
 * K, M, G or T (powers of 1024, optionally followed by "iB" or "B")
 * @unit: what a number without a suffix counts (1 for bytes, 1 << 20 for
 *        MiB as kvmtool's -m does)
 * returns: 0, PV_EFORMAT, or PV_ERANGE on overflow
 */
int pv_parse_size(const char *s, uint64_t unit, uint64_t *v, const char *what,
		  struct pv_err *e);

#endif
