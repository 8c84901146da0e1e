/* SPDX-License-Identifier: Apache-2.0 */
/*
 * err.h - the one error convention of libpodvm.
 *
 * Every library function that can fail returns an int: 0 (or a
 * non-negative count) on success, a negative PV_E* code on failure.  When
 * the caller passes a struct pv_err, the function also leaves a message
 * there that names the input, the field or offset, and what was expected.
 * The library never prints and never exits; the tools print the message
 * once, as "TOOL: CONTEXT: MESSAGE" (see cli.h).
 *
 * A message is one line: pv_errf, pv_err_errno and pv_err_prefix write
 * every control byte of the formatted text (below 0x20, and 0x7f, e.g.
 * from a file name or a JSON key) as \n, \t, \r or \xNN.
 *
 * What a function leaves in its outputs when it fails (the one rule; a
 * header states only the exceptions):
 *  - Nothing to release.  An output that owns memory, a mapping or a
 *    descriptor (a struct the caller passed to be filled) is either as it
 *    was on entry or reset to its empty state (zeroed, NULL pointers, fd
 *    -1), so that the caller frees nothing after a failed call and may
 *    call the matching release function on it anyway (pv_unmap,
 *    pv_out_abort, ... accept an empty or released object).
 *  - No partial result is meant to be read.  Plain outputs (a buffer, a
 *    digest, a count) may hold partial bytes after a failure; the caller
 *    uses them only on success.
 *  - A growable array keeps its pointer, length and capacity (pv_grow);
 *    a cursor (pv_reader) stays where it was.
 *  - Files: an atomic output (pv_out, pv_write_file) leaves no new file
 *    and no temporary at the destination, and the old file as it was.
 *  - The struct pv_err holds the code returned and the message; on
 *    success it is not touched (it may hold an older message).
 */
#ifndef PODVM_CORE_ERR_H
#define PODVM_CORE_ERR_H

#include <stddef.h>

enum {
	PV_OK = 0,
	PV_EINVAL = -1,   /* an argument the caller gave is not acceptable */
	PV_EFORMAT = -2,  /* the input is malformed (bad magic, bad field) */
	PV_ERANGE = -3,   /* a size, offset or count is out of bounds */
	PV_ENOMEM = -4,   /* allocation failed */
	PV_EIO = -5,      /* a system call on a file failed */
	PV_ENOTSUP = -6,  /* valid input that this version does not handle */
	PV_EVERIFY = -7,  /* a check of integrity failed: data is corrupted */
	PV_ECRYPTO = -8,  /* the crypto library reported a failure */
	PV_ETOOBIG = -9,  /* an input exceeds a documented limit */
};

#define PV_ERR_MSG_MAX 512

struct pv_err {
	int code;
	char msg[PV_ERR_MSG_MAX];
};

/**
 * pv_strerror - a short description of an error code
 * returns: a static string, never NULL (unknown codes give "unknown error")
 */
const char *pv_strerror(int code);

/**
 * pv_errf - record an error
 * @e: where to record it, or NULL to only return the code
 * @code: a negative PV_E* code
 * returns: @code, so that "return pv_errf(e, PV_EFORMAT, ...);" reads well
 */
int pv_errf(struct pv_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * pv_err_errno - record an error from a failed system call
 * Appends strerror(errnum) to the formatted message; the code is PV_EIO,
 * or PV_ENOMEM for ENOMEM.
 * returns: the code recorded
 */
int pv_err_errno(struct pv_err *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * pv_err_prefix - put context in front of an error already recorded
 * returns: the code already in @e (or PV_EINVAL when @e is NULL)
 */
int pv_err_prefix(struct pv_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** pv_err_clear - reset @e to "no error" */
void pv_err_clear(struct pv_err *e);

#endif
