/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fake_kernel.h - minimal, valid x86 kernels for tests: a bzImage with a
 * boot-protocol setup header (boot.rst) and a payload, and an ELF64
 * vmlinux with PT_LOAD segments.  Header-only, shared by the unit tests
 * and tests/cli/mkkernel.c.
 */
#ifndef PODVM_TESTS_FAKE_KERNEL_H
#define PODVM_TESTS_FAKE_KERNEL_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"

struct fake_bz {
	uint16_t version;      /* 0x020f */
	uint8_t setup_sects;   /* 4 */
	size_t payload;        /* bytes of protected-mode kernel */
	uint32_t init_size;    /* 0: payload rounded up to 1 MiB, plus 1 MiB */
	uint32_t cmdline_size; /* 2047 */
	uint64_t pref_address; /* 0x1000000 */
	uint32_t seed;         /* payload pattern */
};

/* returns a malloc'd image of *len bytes */
static inline uint8_t *fake_bzimage(const struct fake_bz *p, size_t *len)
{
	size_t setup = ((size_t)(p->setup_sects ? p->setup_sects : 4) + 1) * 512;
	size_t n = setup + p->payload, i;
	uint8_t *b = calloc(1, n);
	uint32_t x = p->seed * 2654435761u + 1;

	if (!b)
		return NULL;
	b[0x1f1] = p->setup_sects;
	pv_put_le16(b + 0x1fe, 0xAA55);
	b[0x200] = 0xEB;
	b[0x201] = 0x6a; /* header through 0x26c */
	memcpy(b + 0x202, "HdrS", 4);
	pv_put_le16(b + 0x206, p->version);
	b[0x211] = 0x01; /* LOADED_HIGH */
	pv_put_le32(b + 0x214, 0x100000);
	pv_put_le32(b + 0x22c, 0x7fffffff);
	pv_put_le32(b + 0x230, 0x200000);
	b[0x234] = 1;
	pv_put_le16(b + 0x236, 0x7f);
	pv_put_le32(b + 0x238, p->cmdline_size ? p->cmdline_size : 2047);
	pv_put_le64(b + 0x258, p->pref_address ? p->pref_address : 0x1000000);
	pv_put_le32(b + 0x260, p->init_size ? p->init_size
			       : (uint32_t)(((p->payload + 0xfffff) & ~0xfffffu) + 0x100000));
	for (i = setup; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		/* runs of zero pages, too, like a real kernel's bss */
		b[i] = ((i - setup) / 4096) % 5 == 3 ? 0 : (uint8_t)x;
	}
	*len = n;
	return b;
}

/* LEN deterministic bytes from SEED (xorshift32) */
static inline uint8_t *fake_pattern(size_t len, uint32_t seed)
{
	uint8_t *b = malloc(len ? len : 1);
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	if (!b)
		return NULL;
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (uint8_t)(x >> 8);
	}
	return b;
}

/* ELF64 x86-64 ET_EXEC with two PT_LOAD segments; entry in the first */
static inline uint8_t *fake_vmlinux(size_t *len)
{
	size_t n = 0x3000;
	uint8_t *b = calloc(1, n);
	uint8_t *ph;
	int i;

	if (!b)
		return NULL;
	memcpy(b, "\177ELF", 4);
	b[4] = 2; /* ELFCLASS64 */
	b[5] = 1; /* little-endian */
	b[6] = 1; /* EV_CURRENT */
	pv_put_le16(b + 16, 2);    /* ET_EXEC */
	pv_put_le16(b + 18, 62);   /* EM_X86_64 */
	pv_put_le32(b + 20, 1);
	pv_put_le64(b + 24, 0xffffffff81000000ull); /* e_entry */
	pv_put_le64(b + 32, 64);   /* e_phoff */
	pv_put_le16(b + 52, 64);   /* e_ehsize */
	pv_put_le16(b + 54, 56);   /* e_phentsize */
	pv_put_le16(b + 56, 2);    /* e_phnum */
	pv_put_le16(b + 58, 64);   /* e_shentsize */
	for (i = 0; i < 2; i++) {
		ph = b + 64 + 56 * i;
		pv_put_le32(ph, 1);      /* PT_LOAD */
		pv_put_le32(ph + 4, 5);
		pv_put_le64(ph + 8, 0x1000 + 0x1000 * (uint64_t)i);  /* p_offset */
		pv_put_le64(ph + 16, 0xffffffff81000000ull + 0x200000 * (uint64_t)i);
		pv_put_le64(ph + 24, 0x1000000 + 0x200000 * (uint64_t)i);
		pv_put_le64(ph + 32, 0x1000);  /* p_filesz */
		pv_put_le64(ph + 40, i ? 0x3000 : 0x1000); /* p_memsz: bss */
		pv_put_le64(ph + 48, 0x1000);
	}
	memset(b + 0x1000, 0x90, 0x1000);
	memset(b + 0x2000, 0x42, 0x1000);
	*len = n;
	return b;
}
#endif
