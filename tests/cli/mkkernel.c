/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mkkernel.c - write fake kernels for the CLI tests (tests/unit/
 * fake_kernel.h): "mkkernel bzimage OUT [PAYLOAD_BYTES [VERSION [SEED
 * [CMDLINE_SIZE]]]]", "mkkernel vmlinux OUT", or "mkkernel pattern OUT LEN
 * SEED" (deterministic bytes, for initrds and ACPI pages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "fake_kernel.h"

static uint64_t num(int argc, char **argv, int i, uint64_t def)
{
	uint64_t v;

	if (argc <= i)
		return def;
	if (pv_parse_u64(argv[i], UINT32_MAX, &v, argv[i], NULL)) {
		fprintf(stderr, "mkkernel: bad number %s\n", argv[i]);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct pv_err e = { 0 };
	uint8_t *b;
	size_t len;

	if (argc < 3) {
		fprintf(stderr, "usage: mkkernel bzimage|vmlinux OUT [...]\n");
		return 2;
	}
	if (!strcmp(argv[1], "vmlinux")) {
		b = fake_vmlinux(&len);
	} else if (!strcmp(argv[1], "pattern")) {
		len = num(argc, argv, 3, 4096);
		b = fake_pattern(len, (uint32_t)num(argc, argv, 4, 1));
	} else {
		struct fake_bz p = {
			.payload = num(argc, argv, 3, 100000),
			.version = (uint16_t)num(argc, argv, 4, 0x020f),
			.seed = (uint32_t)num(argc, argv, 5, 1),
			.cmdline_size = (uint32_t)num(argc, argv, 6, 2047),
			.setup_sects = 4,
		};
		b = fake_bzimage(&p, &len);
	}
	if (!b || pv_write_file(argv[2], b, len, &e)) {
		fprintf(stderr, "mkkernel: %s\n", e.msg);
		return 1;
	}
	free(b);
	return 0;
}
