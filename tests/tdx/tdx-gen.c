/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tdx-gen.c - write test inputs for `measure tdx` (tests/tdx/tdvfgen.h):
 *   tdx-gen fw OUT SIZE SEED [CORRUPTION]   a TDVF-like firmware image
 *   tdx-gen fw-ovmf OUT SIZE SEED           the same with OVMF's sections
 *   tdx-gen pe OUT PAYLOAD TAIL CERT NRVA SEED [hdrs]   a PE32+ "kernel"
 *                                           (hdrs: with a setup header)
 *   tdx-gen blob OUT LEN SEED               pseudo-random bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "tdvfgen.h"

static uint64_t num(const char *s)
{
	uint64_t v;

	if (pv_parse_u64(s, 1ull << 32, &v, s, NULL)) {
		fprintf(stderr, "tdx-gen: bad number %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct pv_err e = { 0 };
	uint8_t *b;
	size_t len;

	if (argc >= 5 && (!strcmp(argv[1], "fw") ||
			  !strcmp(argv[1], "fw-ovmf"))) {
		struct tdvfgen g = { .size = num(argv[3]),
				     .seed = (uint32_t)num(argv[4]),
				     .corrupt = argc > 5 ? argv[5] : NULL,
				     .ovmf_layout = !strcmp(argv[1], "fw-ovmf") };

		len = g.size;
		b = malloc(len ? len : 1);
		if (!b || tdvfgen_image(&g, b)) {
			fprintf(stderr, "tdx-gen: bad firmware options\n");
			return 2;
		}
	} else if ((argc == 8 || argc == 9) && !strcmp(argv[1], "pe")) {
		struct pegen p = { .payload = num(argv[3]),
				   .tail = num(argv[4]),
				   .cert = (uint32_t)num(argv[5]),
				   .nrva = (uint32_t)num(argv[6]),
				   .seed = (uint32_t)num(argv[7]),
				   .hdrs = argc == 9 && !strcmp(argv[8], "hdrs") };

		if (p.cert > p.tail || p.nrva > 16) {
			fprintf(stderr, "tdx-gen: bad PE options\n");
			return 2;
		}
		len = pegen_size(&p);
		b = malloc(len);
		if (!b)
			return 1;
		pegen_image(&p, b);
	} else if (argc == 5 && !strcmp(argv[1], "blob")) {
		len = num(argv[3]);
		b = malloc(len ? len : 1);
		if (!b)
			return 1;
		tdvfgen_blob(b, len, (uint32_t)num(argv[4]));
	} else {
		fprintf(stderr, "usage: tdx-gen fw|pe|blob OUT ...\n");
		return 2;
	}
	if (pv_write_file(argv[2], b, len, &e)) {
		fprintf(stderr, "tdx-gen: %s\n", e.msg);
		return 1;
	}
	free(b);
	return 0;
}
