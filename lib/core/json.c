/* SPDX-License-Identifier: Apache-2.0 */
/* json.c - deterministic JSON output and JSON-lines logs. */
#include "core/json.h"
#include "core/err.h"
#include "core/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

json_t *pv_json_hex(const uint8_t *buf, size_t len)
{
	json_t *s;
	char *hex;

	if (len > (SIZE_MAX - 1) / 2)
		return NULL;
	hex = malloc(2 * len + 1);
	if (!hex)
		return NULL;
	pv_hex_encode(buf, len, hex, 2 * len + 1);
	s = json_string(hex);
	free(hex);
	return s;
}

static char *render(const json_t *doc, size_t flags)
{
	return json_dumps(doc, flags | JSON_ENCODE_ANY);
}

int pv_json_print(const json_t *doc)
{
	char *text = render(doc, JSON_INDENT(2));
	int r;

	if (!text)
		return PV_ENOMEM;
	/* through stdio, so that a write error stays in ferror(stdout)
	 * for the final check of pv_cli_main even when the caller does not
	 * look at this return value */
	r = fputs(text, stdout) == EOF || putchar('\n') == EOF ? PV_EIO : 0;
	free(text);
	return r;
}

json_t *pv_json_load_file(const char *path, uint64_t max, struct pv_err *e)
{
	struct pv_map m = { 0 };
	json_error_t je;
	json_t *doc;

	if (pv_map_file(path, max, &m, e))
		return NULL;
	doc = json_loadb((const char *)m.data, m.len, JSON_REJECT_DUPLICATES, &je);
	pv_unmap(&m);
	if (!doc)
		pv_errf(e, PV_EFORMAT, "%s: line %d: %s", path, je.line, je.text);
	return doc;
}

int pv_json_write_file(const char *path, const json_t *doc, struct pv_err *e)
{
	char *text = render(doc, JSON_INDENT(2));
	size_t n;
	int r;

	if (!text)
		return pv_errf(e, PV_ENOMEM, "%s: out of memory", path);
	n = strlen(text);
	text[n] = '\n'; /* replaces the NUL; the length stays known */
	r = pv_write_file(path, text, n + 1, e);
	free(text);
	return r;
}

int pv_jsonl_open(struct pv_jsonl *log, const char *path, struct pv_err *e)
{
	memset(log, 0, sizeof(*log));
	return pv_out_open(&log->out, path, e);
}

void pv_jsonl_add(struct pv_jsonl *log, json_t *line)
{
	char *text;

	if (!log || log->failed) {
		json_decref(line);
		return;
	}
	text = line ? render(line, JSON_COMPACT) : NULL;
	json_decref(line);
	if (!text) {
		log->failed = pv_errf(&log->err, PV_ENOMEM, "log: out of memory");
		return;
	}
	if (pv_out_write(&log->out, text, strlen(text), &log->err) ||
	    pv_out_write(&log->out, "\n", 1, &log->err))
		log->failed = log->err.code;
	free(text);
}

int pv_jsonl_close(struct pv_jsonl *log, struct pv_err *e)
{
	if (log->failed) {
		if (e)
			*e = log->err;
		pv_out_abort(&log->out);
		return log->failed;
	}
	return pv_out_commit(&log->out, e);
}

void pv_jsonl_abort(struct pv_jsonl *log)
{
	pv_out_abort(&log->out);
}
