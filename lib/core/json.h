/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.h - JSON output through jansson: documents on stdout, atomically
 * written files, and JSON-lines logs.  Keys keep their insertion order, so
 * the same data always gives the same bytes.
 */
#ifndef PODVM_CORE_JSON_H
#define PODVM_CORE_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/file.h"


/** pv_json_hex - a JSON string holding the lower-case hex of (buf, len) */
json_t *pv_json_hex(const uint8_t *buf, size_t len);

/**
 * pv_json_print - @doc, indented by two spaces and followed by a newline,
 * to standard output
 * returns: 0, or PV_EIO / PV_ENOMEM
 */
int pv_json_print(const json_t *doc);

/**
 * pv_json_load_file - parse the JSON file at @path (at most @max bytes);
 * a member given twice in one object is an error
 * returns: the document, or NULL with @e naming the file and line
 */
json_t *pv_json_load_file(const char *path, uint64_t max, struct pv_err *e);

/** pv_json_write_file - @doc to @path, atomically (see file.h) */
int pv_json_write_file(const char *path, const json_t *doc, struct pv_err *e);

/*
 * A JSON-lines log: one compact object per line, written atomically when
 * closed.  A NULL log (no --log given) accepts and ignores every line, so
 * measuring code calls pv_jsonl_add() unconditionally.
 */
struct pv_jsonl {
	struct pv_out out;
	int failed;
	struct pv_err err;
};

int pv_jsonl_open(struct pv_jsonl *log, const char *path, struct pv_err *e);

/** pv_jsonl_add - append @line and release it (steals the reference) */
void pv_jsonl_add(struct pv_jsonl *log, json_t *line);

/** pv_jsonl_close - commit the log; returns the first error of any add */
int pv_jsonl_close(struct pv_jsonl *log, struct pv_err *e);

/** pv_jsonl_abort - discard the log */
void pv_jsonl_abort(struct pv_jsonl *log);

#endif
