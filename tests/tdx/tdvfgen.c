/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tdvfgen.c - see tdvfgen.h.  The image of size S is mapped to end at
 * 4 GiB: the CFV (with an empty authenticated-variable store header, as
 * OVMF's) fills the first quarter, the BFV the rest; the TDVF metadata
 * GUID and descriptor sit 4 KiB before the end, inside the BFV; the last
 * 32 bytes are the reset vector, preceded by the footer table: the footer
 * entry, the TDX metadata offset entry and one unrelated entry.
 */
#include <string.h>

#include "core/bytes.h"
#include "tdvfgen.h"
#include "../snp/fwgen.h"

const char *const tdvfgen_corruptions[] = {
	"no-footer", "no-tdx-entry", "entry-size", "table-size",
	"offset-past", "signature", "version", "count-1", "length",
	"gpa-unaligned", "size-unaligned", "type", "raw-gt-mem", "split",
	"bfv-zero-raw", "temp-raw", "above-4g", NULL,
};

static const uint8_t g_footer[16] = {
	0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45,
	0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d,
};
static const uint8_t g_tdx[16] = {
	0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47,
	0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2,
};
static const uint8_t g_meta[16] = {
	0xf3, 0xf9, 0xea, 0xe9, 0x8e, 0x16, 0xd5, 0x44,
	0xa8, 0xeb, 0x7f, 0x4d, 0x87, 0x38, 0xf6, 0xae,
};
/* aaf32c78-947b-439a-a180-2e144ec37792: authenticated variable store */
static const uint8_t g_authvars[16] = {
	0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a, 0x43,
	0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92,
};
/* some other entry (the SEV metadata GUID's bytes reversed) */
static const uint8_t g_other[16] = {
	0xcc, 0x67, 0xbf, 0xa7, 0x85, 0x55, 0x5e, 0xa7,
	0x47, 0x98, 0x98, 0x4a, 0xdc, 0x88, 0x65, 0x66,
};

/* the same xorshift bytes as the SNP generator's blobs */
void tdvfgen_blob(uint8_t *buf, size_t len, uint32_t seed)
{
	fwgen_blob(buf, len, seed);
}

static int is(const struct tdvfgen *g, const char *name)
{
	return g->corrupt && strcmp(g->corrupt, name) == 0;
}

int tdvfgen_image(struct tdvfgen *g, uint8_t *buf)
{
	const size_t s = g->size;
	const uint64_t base = 0x100000000ull - s;
	size_t desc, i, t;
	uint32_t count = TDVFGEN_NSEC, length;
	struct tdvfgen_section *x = g->sec;

	if (s < 0x4000 || s % 0x4000 || s > 0x4000000)
		return -1;
	tdvfgen_blob(buf, s, g->seed);
	/* an empty variable store at the start of the CFV */
	memcpy(buf + 0x48, g_authvars, 16);
	/* the store fits in the CFV (a quarter of the image) */
	pv_put_le32(buf + 0x58, s / 4 < 0x1048 ? (uint32_t)(s / 4 - 0x48) : 0x1000);
	buf[0x5c] = 0x5a;
	buf[0x5d] = 0xfe;
	memset(buf + 0x5e, 0, 0x1000 - 0x5e);

	memset(x, 0, sizeof(g->sec));
	x[0] = (struct tdvfgen_section){ (uint32_t)(s / 4),
		(uint32_t)(3 * s / 4), base + s / 4, 3 * s / 4, 0, 1 };
	x[1] = (struct tdvfgen_section){ 0, (uint32_t)(s / 4), base, s / 4,
		1, 0 };
	x[2] = (struct tdvfgen_section){ 0, 0, 0x800000, 0x6000, 3, 0 };
	x[3] = (struct tdvfgen_section){ 0, 0, 0x806000, 0x1000, 3, 0 };
	x[4] = (struct tdvfgen_section){ 0, 0, 0x807000, 0x1000, 3, 0 };
	x[5] = (struct tdvfgen_section){ 0, 0, 0x809000, 0x2000, 2, 0 };
	x[6] = (struct tdvfgen_section){ 0, 0, 0x80b000, 0x4000, 3, 0 };
	if (g->ovmf_layout) {
		/* Debian trixie 2025.02 OVMF.fd's metadata order */
		x[2] = (struct tdvfgen_section){ 0, 0, 0x811000, 0xf000, 3, 0 };
		x[3] = (struct tdvfgen_section){ 0, 0, 0x80b000, 0x2000, 3, 0 };
		x[4] = (struct tdvfgen_section){ 0, 0, 0x809000, 0x2000, 2, 0 };
		x[5] = (struct tdvfgen_section){ 0, 0, 0x800000, 0x6000, 3, 0 };
		memset(&x[6], 0, sizeof(x[6]));
		count = 6;
		/* EFI_FIRMWARE_VOLUME_HEADER: "_FVH" at 40, HeaderLength */
		memcpy(buf + 40, "_FVH", 4);
		pv_put_le16(buf + 48, 0x48);
	}
	if (is(g, "gpa-unaligned"))
		x[0].gpa += 0x800;
	if (is(g, "size-unaligned"))
		x[3].mem_size = 0x1800;
	if (is(g, "type"))
		x[6].type = 4;
	if (is(g, "raw-gt-mem"))
		x[1].raw_size = (uint32_t)x[1].mem_size + 0x1000;
	if (is(g, "split"))
		x[0].data_offset += (uint32_t)(s / 4);
	if (is(g, "bfv-zero-raw"))
		x[0].raw_size = 0;
	if (is(g, "temp-raw"))
		x[2].raw_size = 0x1000;
	if (is(g, "above-4g")) {
		x[4].gpa = 0xfffff000;
		x[4].mem_size = 0x2000;
	}
	if (is(g, "count-1"))
		count = 1;
	g->nsec = count;
	length = 16 + 32 * count;
	if (is(g, "length"))
		length += 1;

	desc = s - 0x1000 + 16;
	memcpy(buf + desc - 16, g_meta, 16);
	memcpy(buf + desc, is(g, "signature") ? "TDVX" : "TDVF", 4);
	pv_put_le32(buf + desc + 4, length);
	pv_put_le32(buf + desc + 8, is(g, "version") ? 2 : 1);
	pv_put_le32(buf + desc + 12, count);
	for (i = 0; i < count; i++) {
		uint8_t *p = buf + desc + 16 + 32 * i;

		pv_put_le32(p, x[i].data_offset);
		pv_put_le32(p + 4, x[i].raw_size);
		pv_put_le64(p + 8, x[i].gpa);
		pv_put_le64(p + 16, x[i].mem_size);
		pv_put_le32(p + 24, x[i].type);
		pv_put_le32(p + 28, x[i].attributes);
	}

	/* footer table: [other: data4 size GUID][tdx: u32 size GUID]
	 * [footer: size GUID][32-byte reset vector] */
	t = s - 32;
	memcpy(buf + t - 16, g_footer, 16);
	pv_put_le16(buf + t - 18, is(g, "table-size") ? 10 : 18 + 22 + 22);
	if (is(g, "no-footer"))
		buf[t - 16] ^= 0xff;
	t -= 18;
	memcpy(buf + t - 16, g_tdx, 16);
	if (is(g, "no-tdx-entry"))
		buf[t - 1] ^= 0xff;
	pv_put_le16(buf + t - 18, is(g, "entry-size") ? 5 : 22);
	pv_put_le32(buf + t - 22, is(g, "offset-past") ? (uint32_t)s + 16 :
						  (uint32_t)(s - desc));
	t -= 22;
	memcpy(buf + t - 16, g_other, 16);
	pv_put_le16(buf + t - 18, 22);
	pv_put_le32(buf + t - 22, 0x12345678);
	return 0;
}

#define PE_OPT 0x98
#define PE_HDRS 0x400

size_t pegen_size(const struct pegen *p)
{
	return PE_HDRS + 2 * p->payload + p->tail;
}

void pegen_image(const struct pegen *p, uint8_t *buf)
{
	size_t len = pegen_size(p);
	uint16_t optsz = (uint16_t)(112 + 8 * p->nrva);
	uint8_t *sh = buf + PE_OPT + optsz;
	uint32_t vsz = (uint32_t)((p->payload + 0xfff) & ~(size_t)0xfff);

	/* random bytes where nothing is parsed (DOS stub, the padding after
	 * the section headers, the sections, the tail); header fields zero
	 * unless set below, so that edk2's PE/COFF loader accepts it */
	tdvfgen_blob(buf, len, p->seed);
	memset(buf, 0, 0x40);
	memset(buf + 0x80, 0, (size_t)(sh + 3 * 40 - (buf + 0x80)));
	buf[0] = 'M';
	buf[1] = 'Z';
	pv_put_le32(buf + 0x3c, 0x80);
	memcpy(buf + 0x80, "PE\0\0", 4);
	pv_put_le16(buf + 0x84, 0x8664);		/* Machine: x86-64 */
	pv_put_le16(buf + 0x86, 3);			/* NumberOfSections */
	pv_put_le16(buf + 0x94, optsz);
	pv_put_le16(buf + 0x96, 0x0206);		/* executable, large address */
	pv_put_le16(buf + PE_OPT, 0x20b);
	pv_put_le32(buf + PE_OPT + 16, 0x1000);		/* AddressOfEntryPoint */
	pv_put_le32(buf + PE_OPT + 20, 0x1000);		/* BaseOfCode */
	pv_put_le32(buf + PE_OPT + 32, 0x1000);		/* SectionAlignment */
	pv_put_le32(buf + PE_OPT + 36, 0x200);		/* FileAlignment */
	pv_put_le32(buf + PE_OPT + 56, 0x1000 + 2 * vsz + 0x1000); /* SizeOfImage */
	pv_put_le32(buf + PE_OPT + 60, PE_HDRS);
	pv_put_le32(buf + PE_OPT + 64, 0xdeadbeef);	/* CheckSum: not hashed */
	pv_put_le16(buf + PE_OPT + 68, 10);		/* EFI application */
	pv_put_le32(buf + PE_OPT + 108, p->nrva);
	if (p->nrva > 4)
		pv_put_le64(buf + PE_OPT + 112 + 32,
		    (uint64_t)(len - p->cert) | (uint64_t)p->cert << 32);
	/* headers in a different order from the file */
	memcpy(sh, ".data\0\0\0", 8);
	pv_put_le32(sh + 8, (uint32_t)p->payload);
	pv_put_le32(sh + 12, 0x1000 + vsz);
	pv_put_le32(sh + 16, (uint32_t)p->payload);
	pv_put_le32(sh + 20, (uint32_t)(PE_HDRS + p->payload));
	pv_put_le32(sh + 36, 0xc0000040);		/* initialized, read, write */
	memcpy(sh + 40, ".text\0\0\0", 8);
	pv_put_le32(sh + 40 + 8, (uint32_t)p->payload);
	pv_put_le32(sh + 40 + 12, 0x1000);
	pv_put_le32(sh + 40 + 16, (uint32_t)p->payload);
	pv_put_le32(sh + 40 + 20, PE_HDRS);
	pv_put_le32(sh + 40 + 36, 0x60000020);		/* code, execute, read */
	memcpy(sh + 80, ".bss\0\0\0\0", 8);
	pv_put_le32(sh + 80 + 8, 0x1000);
	pv_put_le32(sh + 80 + 12, 0x1000 + 2 * vsz);
	pv_put_le32(sh + 80 + 36, 0xc0000080);		/* uninitialized */
	if (p->hdrs) {
		/* setup_sects (0x1f1) stays 0: QEMU reads it as 4 */
		memcpy(buf + 0x202, "HdrS", 4);
		pv_put_le16(buf + 0x206, 0x020f);	/* boot protocol 2.15 */
		buf[0x210] = 0;			/* type_of_loader */
		buf[0x211] = 0x01;		/* LOADED_HIGH */
		pv_put_le32(buf + 0x218, 0);
		pv_put_le32(buf + 0x21c, 0);
		pv_put_le16(buf + 0x224, 0);
		pv_put_le32(buf + 0x228, 0);
		pv_put_le32(buf + 0x22c, 0x7fffffff);	/* initrd_addr_max */
		pv_put_le16(buf + 0x236, 0x0003);	/* xloadflags */
	}
}
