/* SPDX-License-Identifier: Apache-2.0 */
/*
 * snp-fwgen.c - write test inputs for `measure snp` (test-only tool):
 *   snp-fwgen fw OUT [amdsev|ovmfx64|svsm] [SIZE [SEED [CORRUPTION]]]
 *   snp-fwgen blob OUT SIZE SEED
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "fwgen.h"

static uint64_t num(const char *s, const char *what)
{
	struct pv_err e = { 0 };
	uint64_t v;

	if (pv_parse_u64(s, 1ull << 32, &v, what, &e)) {
		fprintf(stderr, "snp-fwgen: %s\n", e.msg);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct pv_err e = { 0 };
	struct fwgen_opts o;
	uint8_t *buf;
	size_t len;

	if (argc >= 3 && strcmp(argv[1], "fw") == 0) {
		enum fwgen_kind k = FWGEN_AMDSEV;

		if (argc > 3 && strcmp(argv[3], "ovmfx64") == 0)
			k = FWGEN_OVMFX64;
		else if (argc > 3 && strcmp(argv[3], "svsm") == 0)
			k = FWGEN_SVSM;
		fwgen_defaults(&o, k);
		if (argc > 4)
			o.size = num(argv[4], "SIZE");
		if (argc > 5)
			o.seed = (uint32_t)num(argv[5], "SEED");
		if (argc > 6)
			o.corrupt = argv[6];
		len = o.size;
		buf = malloc(len);
		if (!buf || fwgen_image(&o, buf)) {
			fprintf(stderr, "snp-fwgen: bad options\n");
			return 2;
		}
	} else if (argc == 5 && strcmp(argv[1], "blob") == 0) {
		len = num(argv[3], "SIZE");
		buf = malloc(len ? len : 1);
		if (!buf)
			return 1;
		fwgen_blob(buf, len, (uint32_t)num(argv[4], "SEED"));
	} else {
		fprintf(stderr, "Usage: snp-fwgen fw OUT [amdsev|ovmfx64|svsm] "
				"[SIZE [SEED [CORRUPTION]]]\n"
				"       snp-fwgen blob OUT SIZE SEED\n");
		return 2;
	}
	if (pv_write_file(argv[2], buf, len, &e)) {
		fprintf(stderr, "snp-fwgen: %s\n", e.msg);
		return 1;
	}
	free(buf);
	return 0;
}
