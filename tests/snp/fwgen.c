/* SPDX-License-Identifier: Apache-2.0 */
/* fwgen.c - see fwgen.h. */
#include <string.h>

#include "fwgen.h"

const char *const fwgen_corruptions[] = {
	"no-footer", "footer-size-small", "footer-size-huge",
	"entry-size-small", "entry-size-huge", "entry-data-short",
	"meta-offset", "meta-sig", "meta-version", "meta-size-small",
	"meta-past-end", "meta-type", "meta-gpa-align", "meta-above-4g",
	"meta-size-align", "meta-too-many", "hashes-offset",
	"hashes-section-size", "no-reset-block", "zero-ap-eip", NULL,
};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* GUID text -> EFI byte order (first three groups little-endian). */
static void guid_le(uint8_t out[16], const char *s)
{
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6,
				       8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t raw[16];
	int i = 0;

	for (; *s && i < 16; s++) {
		int hi, lo;

		if (*s == '-')
			continue;
		hi = *s <= '9' ? *s - '0' : *s - 'a' + 10;
		s++;
		lo = *s <= '9' ? *s - '0' : *s - 'a' + 10;
		raw[i++] = (uint8_t)(hi << 4 | lo);
	}
	for (i = 0; i < 16; i++)
		out[i] = raw[order[i]];
}

void fwgen_blob(uint8_t *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 0x9e3779b9u;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (uint8_t)(x >> 24);
	}
}

void fwgen_defaults(struct fwgen_opts *o, enum fwgen_kind kind)
{
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->size = 64 * 1024;
	o->seed = 1;
	o->reset_eip = 0x80b004;
	o->hashes_gpa = 0x810c00;
	o->svsm_entry = 0x10;
}

static int is(const struct fwgen_opts *o, const char *name)
{
	return o->corrupt && strcmp(o->corrupt, name) == 0;
}

struct section {
	uint32_t gpa, size, type;
};

/* The AmdSev fixture's metadata (snp-measurement.md 8.1). */
static const struct section amdsev[] = {
	{ 0x800000, 0x9000, 1 }, { 0x80a000, 0x3000, 1 },
	{ 0x80d000, 0x1000, 2 }, { 0x80e000, 0x1000, 3 },
	{ 0x80f000, 0x1000, 4 }, { 0x810000, 0x1000, 0x10 },
	{ 0x811000, 0xf000, 1 },
};
static const struct section ovmfx64[] = {
	{ 0x800000, 0x9000, 1 }, { 0x80a000, 0x3000, 1 },
	{ 0x80d000, 0x1000, 2 }, { 0x80e000, 0x1000, 3 },
	{ 0x80f000, 0x1000, 4 }, { 0x810000, 0x10000, 1 },
};
static const struct section svsm[] = {
	{ 0x0, 0x9e000, 1 }, { 0x9e000, 0x1000, 2 }, { 0x9f000, 0x1000, 3 },
};

int fwgen_image(const struct fwgen_opts *o, uint8_t *buf)
{
	const size_t meta_off = 0x800; /* from the end */
	const struct section *sec;
	size_t nsec, i, p, meta, footer;
	uint8_t g[16];
	uint32_t n;

	if (o->size < 8192 || o->size % 4096)
		return -1;
	fwgen_blob(buf, o->size, o->seed);
	switch (o->kind) {
	case FWGEN_AMDSEV:
		sec = amdsev;
		nsec = sizeof(amdsev) / sizeof(amdsev[0]);
		break;
	case FWGEN_OVMFX64:
		sec = ovmfx64;
		nsec = sizeof(ovmfx64) / sizeof(ovmfx64[0]);
		break;
	default:
		sec = svsm;
		nsec = sizeof(svsm) / sizeof(svsm[0]);
		break;
	}

	/* SEV metadata: "ASEV", size, version 1, count, items. */
	meta = o->size - meta_off;
	memcpy(buf + meta, is(o, "meta-sig") ? "ASEW" : "ASEV", 4);
	n = is(o, "meta-too-many") ? 1000 : (uint32_t)nsec;
	put32(buf + meta + 4, is(o, "meta-size-small") ? 16 + 12 * n - 1 :
			      is(o, "meta-past-end") ? 0x900 : 16 + 12 * n);
	put32(buf + meta + 8, is(o, "meta-version") ? 2 : 1);
	put32(buf + meta + 12, n);
	for (i = 0; i < nsec; i++) {
		uint8_t *it = buf + meta + 16 + 12 * i;
		struct section s = sec[i];

		if (i == 0 && is(o, "meta-type"))
			s.type = 7;
		if (i == 0 && is(o, "meta-gpa-align"))
			s.gpa += 0x100;
		if (i == 0 && is(o, "meta-above-4g"))
			s.gpa = 0xfffff000, s.size = 0x2000;
		if (i == 0 && is(o, "meta-size-align"))
			s.size = 0x1800;
		if (s.type == 0x10 && is(o, "hashes-section-size"))
			s.size = 0x2000;
		put32(it, s.gpa);
		put32(it + 4, s.size);
		put32(it + 8, s.type);
	}

	/* Footer table, built downwards from 32 bytes before the end. */
	footer = o->size - 32 - 18;
	p = footer;
	/* SEV-ES reset block: u32 AP EIP */
	if (!is(o, "no-reset-block")) {
		p -= 22;
		put32(buf + p, is(o, "zero-ap-eip") ? 0 : o->reset_eip);
		put16(buf + p + 4, is(o, "entry-size-small") ? 5 :
				   is(o, "entry-size-huge") ? 0x7000 : 22);
		guid_le(g, "00f771de-1a7e-4fcb-890e-68c77e2fb44e");
		memcpy(buf + p + 6, g, 16);
	}
	if (o->kind == FWGEN_AMDSEV) {
		uint32_t hg = is(o, "hashes-offset") ? 0x810f80 : o->hashes_gpa;

		p -= 26;
		put32(buf + p, hg);
		put32(buf + p + 4, 0x400);
		put16(buf + p + 8, 26);
		guid_le(g, "7255371f-3a3b-4b04-927b-1da6efa8d454");
		memcpy(buf + p + 10, g, 16);
	}
	if (o->kind == FWGEN_SVSM) {
		p -= 22;
		put32(buf + p, o->svsm_entry);
		put16(buf + p + 4, 22);
		guid_le(g, "a789a612-0597-4c4b-a49f-cbb1fe9d1ddd");
		memcpy(buf + p + 6, g, 16);
	}
	if (is(o, "entry-data-short")) {
		p -= 20;
		put16(buf + p, 0x4444);
		put16(buf + p + 2, 20);
	} else {
		p -= 22;
		put32(buf + p, is(o, "meta-offset") ? (uint32_t)o->size + 16 :
						      (uint32_t)meta_off);
		put16(buf + p + 4, 22);
	}
	guid_le(g, "dc886566-984a-4798-a75e-5585a7bf67cc");
	memcpy(buf + (is(o, "entry-data-short") ? p + 4 : p + 6), g, 16);
	/* an unknown entry, to be skipped */
	p -= 24;
	memset(buf + p, 0xab, 6);
	put16(buf + p + 6, 24);
	guid_le(g, "4c2eb361-7d9b-4cc3-8081-127c90d3d294");
	memcpy(buf + p + 8, g, 16);

	put16(buf + footer, is(o, "footer-size-small") ? 10 :
			    is(o, "footer-size-huge") ? 0xffff :
			    (uint32_t)(footer - p + 18));
	guid_le(g, "96b582de-1fb2-45f7-baea-a366c55a082d");
	if (is(o, "no-footer"))
		g[0] ^= 1;
	memcpy(buf + footer + 2, g, 16);
	return 0;
}
