/* SPDX-License-Identifier: Apache-2.0 */
/*
 * steplog.h - explaining a launch digest: one JSON line per launch update
 * (`measure snp --log`), and finding where two such logs part
 * (`measure diff`).
 *
 * A line: {"index": N, "gpa": "0x...", "page_type": "normal", "region":
 * "ovmf", "contents": HEX48, "digest": HEX48} plus, for a VMSA, "vcpu", and
 * any extra fields the producer adds (the kernel-hashes page carries the
 * three SHA-256 values of its table).
 */
#ifndef PODVM_SNP_STEPLOG_H
#define PODVM_SNP_STEPLOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snp/snp.h"

struct pv_err;

/** pv_snp_step_json - a new JSON object for @s (NULL when out of memory) */
json_t *pv_snp_step_json(const struct pv_snp_step *s);

/* Limits of a log `measure diff` reads: a line is under 1 KiB; a launch
 * of a 4 GiB payload has about a million updates. */
#define PV_SNP_LOG_LINE_MAX 65536u
#define PV_SNP_LOG_LINES_MAX (1u << 22)

#define PV_SNP_DIFF_TEXT 160

struct pv_snp_divergence {
	bool found;
	uint64_t line;		/* 1-based line of the first divergence */
	bool a_ended, b_ended;	/* one log stopped before the other */
	char region[64];	/* from the log that has the line (A first) */
	char gpa[24];
	char what[PV_SNP_DIFF_TEXT]; /* "contents", "gpa 0x.. vs 0x..", ... */
};

/**
 * pv_snp_log_diff - compare two logs (whole files in memory) line by line
 * and find the first update whose digest differs, or where one log ends
 * @name_a, @name_b: for error messages
 * returns: 0 (d->found tells whether they differ), PV_EFORMAT (a line is
 *          not a log object; the message names the file and line),
 *          PV_ETOOBIG (a line longer than PV_SNP_LOG_LINE_MAX, more than
 *          PV_SNP_LOG_LINES_MAX lines)
 */
int pv_snp_log_diff(const uint8_t *a, size_t alen, const uint8_t *b,
		    size_t blen, const char *name_a, const char *name_b,
		    struct pv_snp_divergence *d, struct pv_err *e);

#endif
