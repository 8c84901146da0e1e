/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_dump.c - igvmgen dump / check: decode and validate an IGVM file. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "core/json.h"
#include "igvm/igvm.h"
#include "igvmgen.h"
#include "opts.h"

/* IGVM offsets are u32: no valid file is larger */
#define IGVM_MAX_FILE 0xFFFFFFFFull

static void print_field(const uint8_t *body, const struct pv_igvm_field *f)
{
	char hex[2 * 512 + 1];

	switch (f->kind) {
	case PV_IGVM_RESERVED:
		break;
	case PV_IGVM_BYTES:
		if (pv_hex_encode(body + f->off, f->size, hex, sizeof(hex)) == 0)
			printf(" %s=%s", f->name, hex);
		break;
	default:
		printf(" %s=0x%" PRIx64, f->name, pv_igvm_field_get(body, f));
	}
}

static void print_text(const char *path, const struct pv_igvm *g)
{
	size_t i;

	printf("file: %s\n", path);
	printf("format_version: %u\n", g->version);
	if (g->version == 2)
		printf("architecture: %u (%s)\npage_size: %u\n", g->arch,
		       g->arch ? "AARCH64" : "X64", g->page_size);
	printf("variable_header_offset: 0x%x\n", g->var_off);
	printf("variable_header_size: 0x%x\n", g->var_size);
	printf("total_file_size: 0x%x\n", g->total_size);
	printf("checksum: 0x%08x (%s", g->checksum,
	       g->crc == g->checksum ? "ok" : "MISMATCH");
	if (g->crc != g->checksum)
		printf(", computed 0x%08x", g->crc);
	printf(")\n");
	printf("headers: %zu\n", g->nhdr);
	for (i = 0; i < g->nhdr; i++) {
		const struct pv_igvm_hdr *h = &g->hdr[i];
		const struct pv_igvm_field *f;

		printf("#%zu @0x%" PRIx64 " 0x%03x %s", i, h->offset,
		       h->type & ~PV_IGVM_OPTIONAL_BIT,
		       h->desc ? h->desc->name : "UNKNOWN(skipped)");
		if (h->type & PV_IGVM_OPTIONAL_BIT)
			printf(" optional");
		if (h->desc)
			for (f = h->desc->fields; f->name; f++)
				print_field(h->body, f);
		else
			printf(" length=%u", h->length);
		if (h->data)
			printf(" data=0x%" PRIx64 "+0x%" PRIx64, h->data_off,
			       h->data_len);
		printf("\n");
	}
	printf("file_data_bytes: %" PRIu64 "\n", g->st.data_bytes);
	printf("pages: %" PRIu64 " (zero: %" PRIu64 ")\n", g->st.pages,
	       g->st.zero_pages);
	printf("shared_data_references: %" PRIu64 "\n", g->st.shared_refs);
	printf("skipped_optional_headers: %" PRIu64 "\n", g->st.skipped);
	printf("headers_with_nonzero_padding: %" PRIu64 "\n", g->st.dirty_pad);
}

static json_t *header_json(size_t i, const struct pv_igvm_hdr *h)
{
	json_t *o = json_object();
	const struct pv_igvm_field *f;

	json_object_set_new(o, "index", json_integer((json_int_t)i));
	json_object_set_new(o, "offset", json_integer((json_int_t)h->offset));
	json_object_set_new(o, "type",
			    json_integer(h->type & ~PV_IGVM_OPTIONAL_BIT));
	json_object_set_new(o, "name", json_string(h->desc ? h->desc->name
							   : "UNKNOWN"));
	json_object_set_new(o, "optional",
			    json_boolean(h->type & PV_IGVM_OPTIONAL_BIT));
	json_object_set_new(o, "length", json_integer(h->length));
	if (h->desc) {
		for (f = h->desc->fields; f->name; f++) {
			if (f->kind == PV_IGVM_RESERVED)
				continue;
			if (f->kind == PV_IGVM_BYTES)
				json_object_set_new(o, f->name,
						    pv_json_hex(h->body + f->off,
								f->size));
			else
				json_object_set_new(
					o, f->name,
					json_integer((json_int_t)pv_igvm_field_get(
						h->body, f)));
		}
	}
	if (h->data) {
		json_object_set_new(o, "data_offset",
				    json_integer((json_int_t)h->data_off));
		json_object_set_new(o, "data_length",
				    json_integer((json_int_t)h->data_len));
	}
	return o;
}

static void print_json(const char *path, const struct pv_igvm *g)
{
	json_t *doc = json_object(), *hdrs = json_array(), *st;
	size_t i;

	json_object_set_new(doc, "file", json_string(path));
	json_object_set_new(doc, "format_version", json_integer(g->version));
	if (g->version == 2) {
		json_object_set_new(doc, "architecture", json_integer(g->arch));
		json_object_set_new(doc, "page_size", json_integer(g->page_size));
	}
	json_object_set_new(doc, "variable_header_offset",
			    json_integer(g->var_off));
	json_object_set_new(doc, "variable_header_size",
			    json_integer(g->var_size));
	json_object_set_new(doc, "total_file_size", json_integer(g->total_size));
	json_object_set_new(doc, "checksum",
			    json_pack("{s:I, s:I, s:b}", "stored",
				      (json_int_t)g->checksum, "computed",
				      (json_int_t)g->crc, "ok",
				      g->crc == g->checksum));
	for (i = 0; i < g->nhdr; i++)
		json_array_append_new(hdrs, header_json(i, &g->hdr[i]));
	json_object_set_new(doc, "headers", hdrs);
	st = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "file_data_bytes",
		       (json_int_t)g->st.data_bytes, "pages",
		       (json_int_t)g->st.pages, "zero_pages",
		       (json_int_t)g->st.zero_pages, "shared_data_references",
		       (json_int_t)g->st.shared_refs, "skipped_optional_headers",
		       (json_int_t)g->st.skipped, "headers_with_nonzero_padding",
		       (json_int_t)g->st.dirty_pad);
	json_object_set_new(doc, "stats", st);
	pv_json_print(doc);
	json_decref(doc);
}

/* dump and check: parse @path (dump: whatever its CRC says), print */
static int dump_or_check(unsigned cmd, int argc, char **argv)
{
	const char *ctx = cmd == IG_CMD_DUMP ? "dump" : "check";
	struct ig_opts o;
	struct pv_err e = { 0 };
	struct pv_map m = { 0 };
	struct pv_igvm g;
	const char *path;
	int rc = PV_EXIT_OK;

	path = argv[ig_parse(&o, cmd, argc, argv)];
	if (pv_map_file(path, IGVM_MAX_FILE, &m, &e))
		return pv_cli_fail(ctx, &e);
	/* check: 3 for the checksum, 1 for the structure */
	if (pv_igvm_parse(m.data, m.len, path,
			  cmd == IG_CMD_DUMP ? PV_IGVM_NO_CRC : 0, &g, &e)) {
		pv_unmap(&m);
		return pv_cli_fail(ctx, &e);
	}
	if (cmd == IG_CMD_CHECK)
		printf("%s: ok (%zu headers, %" PRIu64 " pages)\n", path, g.nhdr,
		       g.st.pages);
	else if (o.json)
		print_json(path, &g);
	else
		print_text(path, &g);
	if (g.crc != g.checksum) {
		pv_errf(&e, PV_EVERIFY,
			"%s: offset 0x14: checksum 0x%08x, computed CRC-32 0x%08x",
			path, g.checksum, g.crc);
		rc = pv_cli_fail(ctx, &e);
	}
	pv_igvm_release(&g);
	pv_unmap(&m);
	return rc;
}

int cmd_dump(int argc, char **argv)
{
	return dump_or_check(IG_CMD_DUMP, argc, argv);
}

int cmd_check(int argc, char **argv)
{
	return dump_or_check(IG_CMD_CHECK, argc, argv);
}
