/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_igvm.c - lib/igvm: reader and writer.
 *
 * Reference files are built here by hand, byte by byte (struct hb), not
 * only by our writer: with zero and with '0' padding, versions 1 and 2.
 * Every validation branch of the reader has one corruption case below that
 * expects its exact error code and message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/bytes.h"
#include "core/err.h"
#include "igvm/igvm.h"

/* ---- a hand-made file builder ------------------------------------------- */

struct hb {
	uint8_t buf[1 << 16];
	size_t len;
	uint32_t version, fixed;
	uint8_t pad;
	size_t var_end;
	int no_finish_crc;
};

static void hb_begin(struct hb *b, uint32_t version, uint8_t pad)
{
	memset(b, 0, sizeof(*b));
	b->version = version;
	b->fixed = version == 2 ? 32 : 24;
	b->pad = pad;
	b->len = b->fixed;
	pv_put_le32(b->buf, 0x4D564749);
	pv_put_le32(b->buf + 4, version);
	pv_put_le32(b->buf + 8, b->fixed);
	if (version == 2)
		pv_put_le32(b->buf + 28, 4096);
}

/* append a record; returns the offset of its content */
static size_t hb_rec(struct hb *b, uint32_t type, const void *body, size_t n)
{
	size_t at = b->len + 8;

	pv_put_le32(b->buf + b->len, type);
	pv_put_le32(b->buf + b->len + 4, (uint32_t)n);
	memcpy(b->buf + at, body, n);
	b->len = at + n;
	while (b->len % 8)
		b->buf[b->len++] = b->pad;
	return at;
}

static void hb_end_headers(struct hb *b)
{
	b->var_end = b->len;
	pv_put_le32(b->buf + 12, (uint32_t)(b->len - b->fixed));
}

/* append file data; returns its offset */
static uint32_t hb_data(struct hb *b, const void *p, size_t n)
{
	size_t at = b->len;

	memcpy(b->buf + at, p, n);
	b->len += n;
	return (uint32_t)at;
}

static void hb_finish(struct hb *b)
{
	uLong crc;

	if (!b->var_end)
		hb_end_headers(b);
	pv_put_le32(b->buf + 16, (uint32_t)b->len);
	pv_put_le32(b->buf + 20, 0);
	crc = crc32(0, b->buf, b->fixed);
	crc = crc32(crc, b->buf + b->fixed, (uInt)(b->var_end - b->fixed));
	pv_put_le32(b->buf + 20, (uint32_t)crc);
}

/* bodies */
static size_t plat(struct hb *b, uint32_t mask, uint8_t ptype)
{
	uint8_t x[16] = { 0 };

	pv_put_le32(x, mask);
	x[5] = ptype;
	pv_put_le16(x + 6, 1);
	return hb_rec(b, 0x001, x, 16);
}

static size_t page(struct hb *b, uint64_t gpa, uint32_t mask, uint32_t flags,
		   uint16_t dtype)
{
	uint8_t x[24] = { 0 };

	pv_put_le64(x, gpa);
	pv_put_le32(x + 8, mask);
	pv_put_le32(x + 16, flags);
	pv_put_le16(x + 20, dtype);
	return hb_rec(b, 0x302, x, 24);
}

static size_t parea(struct hb *b, uint64_t size, uint32_t index)
{
	uint8_t x[16] = { 0 };

	pv_put_le64(x, size);
	pv_put_le32(x + 8, index);
	return hb_rec(b, 0x301, x, 16);
}

static size_t pinsert(struct hb *b, uint64_t gpa, uint32_t mask, uint32_t index)
{
	uint8_t x[16] = { 0 };

	pv_put_le64(x, gpa);
	pv_put_le32(x + 8, mask);
	pv_put_le32(x + 12, index);
	return hb_rec(b, 0x303, x, 16);
}

static size_t param(struct hb *b, uint32_t type, uint32_t index, uint32_t off)
{
	uint8_t x[8];

	pv_put_le32(x, index);
	pv_put_le32(x + 4, off);
	return hb_rec(b, type, x, 8);
}

static size_t vpctx(struct hb *b, uint64_t gpa, uint32_t mask, uint16_t vp)
{
	uint8_t x[20] = { 0 };

	pv_put_le64(x, gpa);
	pv_put_le32(x + 8, mask);
	pv_put_le16(x + 16, vp);
	return hb_rec(b, 0x304, x, 20);
}

static size_t masked(struct hb *b, uint32_t type, size_t n, size_t mask_off,
		     uint32_t mask)
{
	uint8_t x[PV_IGVM_SZ_MAX] = { 0 };

	pv_put_le32(x + mask_off, mask);
	return hb_rec(b, type, x, n);
}

static uint8_t page_a[4096], page_b[4096], vmsa[4096];

static int parse(struct hb *b, struct pv_igvm *g, struct pv_err *e)
{
	return pv_igvm_parse(b->buf, b->len, "t.igvm", 0, g, e);
}

/* ---- valid hand-made files ---------------------------------------------- */

/* A file like igvm-tooling writes: '0' padding, zero pages at offset 0,
 * a VMSA at an unaligned file offset. */
static void test_hand_v1_dirty_padding(void **state)
{
	struct hb *b = malloc(sizeof(*b));
	struct pv_igvm g;
	struct pv_err e = { 0 };
	size_t p0, p2, vp;
	uint8_t pol[16] = { 0 };

	(void)state;
	hb_begin(b, 1, '0');
	plat(b, 1, 2);
	pv_put_le64(pol, 0x3001f);
	pv_put_le32(pol + 8, 1);
	hb_rec(b, 0x101, pol, 16);
	p0 = page(b, 0x0, 1, 0, 0);
	page(b, 0x1000, 1, 0, 0);
	p2 = page(b, 0x2000, 1, 0, 2);
	parea(b, 4096, 0);
	param(b, 0x307, 0, 0);
	param(b, 0x30C, 0, 24);
	pinsert(b, 0x3000, 1, 0);
	vp = vpctx(b, 0x803000, 1, 0);
	hb_end_headers(b);
	b->buf[b->len++] = 0xEE; /* make the data start unaligned */
	pv_put_le32(b->buf + p0 + 12, hb_data(b, page_a, 4096));
	pv_put_le32(b->buf + p2 + 12, pv_le32(b->buf + p0 + 12)); /* shared */
	pv_put_le32(b->buf + vp + 12, hb_data(b, vmsa, 4096));
	hb_finish(b);

	assert_int_equal(parse(b, &g, &e), 0);
	assert_int_equal(g.version, 1);
	assert_int_equal(g.nhdr, 10);
	assert_int_equal(g.st.pages, 3);
	assert_int_equal(g.st.zero_pages, 1);
	assert_int_equal(g.st.shared_refs, 1);
	assert_int_equal(g.st.dirty_pad, 1); /* only VP_CONTEXT (20) pads */
	assert_int_equal(g.platforms, 1);
	assert_int_equal(g.crc, g.checksum);
	assert_int_equal(g.hdr[9].type, 0x304);
	assert_int_equal(g.hdr[9].data_len, 4096);
	assert_memory_equal(g.hdr[9].data, vmsa, 4096);
	assert_true(g.hdr[9].data_off % 8 != 0);
	assert_ptr_equal(g.hdr[2].data, g.hdr[4].data);
	assert_null(g.hdr[3].data);
	pv_igvm_release(&g);
	free(b);
}

static void test_hand_v2_optional_skipped(void **state)
{
	struct hb *b = malloc(sizeof(*b));
	struct pv_igvm g;
	struct pv_err e = { 0 };
	uint8_t junk[12] = { 1, 2, 3 };

	(void)state;
	hb_begin(b, 2, 0);
	pv_put_le32(b->buf + 24, 1); /* AARCH64 */
	plat(b, 1, 6);
	hb_rec(b, 0x80000107, junk, sizeof(junk)); /* unknown, optional */
	hb_rec(b, 0x80000250, junk, 3); /* outside every range, optional */
	page(b, 0x10000, 1, 0, 0);
	hb_finish(b);
	assert_int_equal(parse(b, &g, &e), 0);
	assert_int_equal(g.version, 2);
	assert_int_equal(g.arch, 1);
	assert_int_equal(g.nhdr, 4);
	assert_int_equal(g.st.skipped, 2);
	assert_null(g.hdr[1].desc);
	pv_igvm_release(&g);

	/* NO_CRC reports instead of failing */
	b->buf[20] ^= 1;
	assert_int_equal(pv_igvm_parse(b->buf, b->len, "t", PV_IGVM_NO_CRC, &g,
				       &e), 0);
	assert_int_not_equal(g.crc, g.checksum);
	pv_igvm_release(&g);
	free(b);
}

/* ---- writer round trip: every header type ------------------------------ */

struct rt {
	uint32_t type;
	uint8_t body[PV_IGVM_SZ_MAX];
	size_t n;
	const uint8_t *data;
	size_t dlen;
};

static size_t rt_add(struct rt *r, size_t i, uint32_t type)
{
	const struct pv_igvm_type *t = pv_igvm_type_find(type);

	assert_non_null(t);
	memset(&r[i], 0, sizeof(r[i]));
	r[i].type = type;
	r[i].n = t->size;
	if (t->mask_off >= 0)
		pv_put_le32(r[i].body + t->mask_off, 1);
	return i + 1;
}

static size_t build_all_types(struct rt *r)
{
	size_t n = 0, k;
	static uint8_t corim[100], sig[50];
	static const uint32_t params[] = { 0x307, 0x308, 0x309, 0x30A, 0x30C,
					   0x30E, 0x30F, 0x310, 0x312, 0x313 };

	memset(corim, 0xC0, sizeof(corim));
	memset(sig, 0x5A, sizeof(sig));
	n = rt_add(r, n, 0x001);
	r[n - 1].body[5] = 2;
	pv_put_le16(r[n - 1].body + 6, 1);
	n = rt_add(r, n, 0x001);
	pv_put_le32(r[n - 1].body, 2);
	r[n - 1].body[5] = 0;
	pv_put_le16(r[n - 1].body + 6, 1);
	n = rt_add(r, n, 0x101);
	pv_put_le64(r[n - 1].body, 0x30000);
	pv_put_le32(r[n - 1].body + 8, 1);
	n = rt_add(r, n, 0x102);
	pv_put_le64(r[n - 1].body + 8, 0x200000);
	pv_put_le64(r[n - 1].body + 16, 0x400000);
	pv_put_le64(r[n - 1].body + 24, 0x1000);
	pv_put_le64(r[n - 1].body + 40, 0x800000);
	n = rt_add(r, n, 0x103);
	pv_put_le64(r[n - 1].body + 8, 0x5000);
	pv_put_le64(r[n - 1].body + 16, 0x2000);
	pv_put_le64(r[n - 1].body + 24, 0x1000);
	n = rt_add(r, n, 0x104);
	pv_put_le32(r[n - 1].body + 8, sizeof(corim));
	r[n - 1].data = corim;
	r[n - 1].dlen = sizeof(corim);
	n = rt_add(r, n, 0x105);
	pv_put_le32(r[n - 1].body + 8, sizeof(sig));
	r[n - 1].data = sig;
	r[n - 1].dlen = sizeof(sig);
	n = rt_add(r, n, 0x106);
	pv_put_le64(r[n - 1].body + 8, 1);
	pv_put_le64(r[n - 1].body + 16, 2);
	r[n - 1].body[24] = 2;
	r[n - 1].body[25] = 1;
	n = rt_add(r, n, 0x301);
	pv_put_le64(r[n - 1].body, 8192);
	pv_put_le32(r[n - 1].body + 8, 7);
	r[n - 1].data = page_b;
	r[n - 1].dlen = 100;
	for (k = 0; k < sizeof(params) / sizeof(params[0]); k++) {
		n = rt_add(r, n, params[k]);
		pv_put_le32(r[n - 1].body, 7);
		pv_put_le32(r[n - 1].body + 4, (uint32_t)(64 * k));
	}
	n = rt_add(r, n, 0x303);
	pv_put_le64(r[n - 1].body, 0x9000);
	pv_put_le32(r[n - 1].body + 12, 7);
	n = rt_add(r, n, 0x302);
	pv_put_le64(r[n - 1].body, 0x0);
	r[n - 1].data = page_a;
	r[n - 1].dlen = 4096;
	n = rt_add(r, n, 0x302);
	pv_put_le64(r[n - 1].body, 0x1000);
	r[n - 1].data = page_a; /* identical: shares the first */
	r[n - 1].dlen = 4096;
	n = rt_add(r, n, 0x302);
	pv_put_le64(r[n - 1].body, 0x2000);
	pv_put_le32(r[n - 1].body + 16, PV_IGVM_PAGE_UNMEASURED);
	pv_put_le16(r[n - 1].body + 20, 1);
	n = rt_add(r, n, 0x302);
	pv_put_le64(r[n - 1].body, 0x3000);
	r[n - 1].data = vmsa; /* all zero: file_offset 0 */
	r[n - 1].dlen = 4096;
	n = rt_add(r, n, 0x302);
	pv_put_le64(r[n - 1].body, 0x4000);
	r[n - 1].data = page_b; /* short: padded to 4 KiB */
	r[n - 1].dlen = 10;
	n = rt_add(r, n, 0x304);
	pv_put_le64(r[n - 1].body, 0xFFFFFFFFF000ull);
	r[n - 1].data = page_b;
	r[n - 1].dlen = 4096;
	n = rt_add(r, n, 0x305);
	pv_put_le64(r[n - 1].body, 0x100000);
	pv_put_le32(r[n - 1].body + 12, 0x2000);
	pv_put_le32(r[n - 1].body + 16, 1);
	n = rt_add(r, n, 0x30B);
	memset(r[n - 1].body + 8, 0xAB, 48);
	r[n - 1].body[4] = 1;
	pv_put_le32(r[n - 1].body + 96, 1);
	n = rt_add(r, n, 0x30D);
	pv_put_le64(r[n - 1].body, 0x7000);
	pv_put_le32(r[n - 1].body + 12, 0x1000);
	n = rt_add(r, n, 0x311);
	memset(r[n - 1].body + 32, 0x11, 64);
	return n;
}

static void roundtrip(uint32_t version)
{
	static struct rt r[64];
	struct pv_igvm_writer w;
	struct pv_igvm g;
	struct pv_err e = { 0 };
	uint8_t *out = NULL, *out2 = NULL;
	size_t n, len = 0, len2 = 0, i;
	const struct pv_igvm_type *t;

	n = build_all_types(r);
	pv_igvm_writer_init(&w, version);
	for (i = 0; i < n; i++)
		assert_int_equal(pv_igvm_add(&w, r[i].type, r[i].body, r[i].n,
					     r[i].data, r[i].dlen, &e), 0);
	assert_int_equal(pv_igvm_write_mem(&w, &out, &len, &e), 0);
	assert_int_equal(pv_igvm_write_mem(&w, &out2, &len2, &e), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(out, out2, len); /* deterministic */
	pv_igvm_writer_release(&w);

	assert_int_equal(pv_igvm_parse(out, len, "rt", 0, &g, &e), 0);
	assert_int_equal(g.version, version);
	assert_int_equal(g.nhdr, n);
	assert_int_equal(g.st.dirty_pad, 0);
	for (i = 0; i < n; i++) {
		t = g.hdr[i].desc;
		assert_non_null(t);
		assert_int_equal(g.hdr[i].type, r[i].type);
		if (t->foff_off >= 0) {
			/* all but file_offset as given */
			assert_memory_equal(g.hdr[i].body, r[i].body,
					    (size_t)t->foff_off);
			assert_memory_equal(g.hdr[i].body + t->foff_off + 4,
					    r[i].body + t->foff_off + 4,
					    r[i].n - (size_t)t->foff_off - 4);
		} else {
			assert_memory_equal(g.hdr[i].body, r[i].body, r[i].n);
		}
		if (r[i].data && !pv_is_zero(r[i].data, r[i].dlen)) {
			assert_non_null(g.hdr[i].data);
			assert_memory_equal(g.hdr[i].data, r[i].data, r[i].dlen);
			assert_true(pv_is_zero(g.hdr[i].data + r[i].dlen,
					       g.hdr[i].data_len - r[i].dlen));
		} else if (t->foff_off >= 0) {
			assert_int_equal(pv_le32(g.hdr[i].body + t->foff_off), 0);
		}
	}
	assert_int_equal(g.st.pages, 5);
	assert_int_equal(g.st.zero_pages, 2);
	assert_int_equal(g.st.shared_refs, 1);
	/* data: corim 100 + sig 50 + area 8192 + page_a + padded page_b +
	 * the VMSA page_b (4096 bytes, not the same payload as the 10-byte
	 * one) */
	assert_int_equal(g.st.data_bytes, 100 + 50 + 8192 + 3 * 4096);
	pv_igvm_release(&g);
	free(out);
	free(out2);
}

static void test_roundtrip_v1(void **state)
{
	(void)state;
	roundtrip(1);
}

static void test_roundtrip_v2(void **state)
{
	(void)state;
	roundtrip(2);
}

static void test_writer_rejects(void **state)
{
	struct pv_igvm_writer w;
	struct pv_err e = { 0 };
	uint8_t body[24] = { 0 };

	(void)state;
	pv_igvm_writer_init(&w, 1);
	assert_int_equal(pv_igvm_add(&w, 0x999, body, 8, NULL, 0, &e),
			 PV_EINVAL);
	assert_int_equal(pv_igvm_add(&w, 0x302, body, 20, NULL, 0, &e),
			 PV_EINVAL);
	assert_int_equal(pv_igvm_add(&w, 0x303, body, 16, page_a, 10, &e),
			 PV_EINVAL);
	assert_int_equal(pv_igvm_add(&w, 0x302, body, 24, page_a, 4097, &e),
			 PV_EINVAL);
	assert_non_null(strstr(e.msg, "exceeds"));
	pv_igvm_writer_release(&w);
}

/* ---- corruption cases: one per validation branch ------------------------ */

struct corrupt {
	const char *name;
	void (*build)(struct hb *b);
	int code;
	const char *msg;
};

static void base_start(struct hb *b)
{
	hb_begin(b, 1, 0);
	plat(b, 1, 2);
}

static void k_short(struct hb *b)
{
	base_start(b);
	hb_finish(b);
	b->len = 20;
}
static void k_magic(struct hb *b)
{
	base_start(b);
	hb_finish(b);
	b->buf[0] = 'X';
}
static void k_version(struct hb *b)
{
	hb_begin(b, 3, 0);
	plat(b, 1, 2);
	hb_finish(b);
}
static void k_v2_short(struct hb *b)
{
	hb_begin(b, 2, 0);
	b->len = 28;
	pv_put_le32(b->buf + 16, 28);
}
static void k_total(struct hb *b)
{
	base_start(b);
	hb_finish(b);
	b->buf[b->len++] = 0;
}
static void k_var_off(struct hb *b)
{
	base_start(b);
	hb_finish(b);
	pv_put_le32(b->buf + 8, 20);
}
static void k_var_size(struct hb *b)
{
	base_start(b);
	hb_finish(b);
	pv_put_le32(b->buf + 12, 0x1000);
}
static void k_crc(struct hb *b)
{
	base_start(b);
	hb_finish(b);
	b->buf[24 + 8 + 8] ^= 0x40; /* shared_gpa_boundary: CRC covered */
}
static void k_arch(struct hb *b)
{
	hb_begin(b, 2, 0);
	pv_put_le32(b->buf + 24, 5);
	plat(b, 1, 2);
	hb_finish(b);
}
static void k_page_size(struct hb *b)
{
	hb_begin(b, 2, 0);
	pv_put_le32(b->buf + 28, 2 << 20);
	plat(b, 1, 2);
	hb_finish(b);
}
static void k_rec_len(struct hb *b)
{
	size_t at;

	base_start(b);
	at = page(b, 0, 1, 0, 0);
	hb_finish(b);
	pv_put_le32(b->buf + at - 4, 1000);
	hb_finish(b);
}
static void k_rec_tail(struct hb *b)
{
	base_start(b);
	hb_end_headers(b);
	pv_put_le32(b->buf + 12, (uint32_t)(b->len - b->fixed + 4));
	b->len += 4;
	b->var_end = b->len;
	hb_finish(b);
}
static void k_pad_past(struct hb *b)
{
	base_start(b);
	vpctx(b, 0x1000, 1, 0);
	hb_end_headers(b);
	pv_put_le32(b->buf + 12, (uint32_t)(b->len - b->fixed - 4));
	b->var_end -= 4;
	hb_finish(b);
}
static void k_order(struct hb *b)
{
	uint8_t pol[16] = { 0 };

	base_start(b);
	page(b, 0, 1, 0, 0);
	pv_put_le32(pol + 8, 1);
	hb_rec(b, 0x101, pol, 16);
	hb_finish(b);
}
static void k_unknown(struct hb *b)
{
	uint8_t x[8] = { 0 };

	base_start(b);
	hb_rec(b, 0x107, x, 8);
	hb_finish(b);
}
static void k_length(struct hb *b)
{
	uint8_t x[24] = { 0 };

	base_start(b);
	hb_rec(b, 0x304, x, 24); /* 20 is exact, 24 is its padded size */
	hb_finish(b);
}
static void k_no_plat_first(struct hb *b)
{
	hb_begin(b, 1, 0);
	page(b, 0, 1, 0, 0);
	hb_finish(b);
}
static void k_no_plat(struct hb *b)
{
	uint8_t x[8] = { 0 };

	hb_begin(b, 1, 0);
	hb_rec(b, 0x80000107, x, 8);
	hb_finish(b);
}
static void k_plat_bits(struct hb *b)
{
	hb_begin(b, 1, 0);
	plat(b, 3, 2);
	hb_finish(b);
}
static void k_plat_mask_dup(struct hb *b)
{
	base_start(b);
	plat(b, 1, 3);
	hb_finish(b);
}
static void k_plat_type(struct hb *b)
{
	hb_begin(b, 1, 0);
	plat(b, 1, 9);
	hb_finish(b);
}
static void k_plat_type_dup(struct hb *b)
{
	base_start(b);
	plat(b, 2, 2);
	hb_finish(b);
}
static void k_plat_version(struct hb *b)
{
	size_t at;

	hb_begin(b, 1, 0);
	at = plat(b, 1, 2);
	pv_put_le16(b->buf + at + 6, 2);
	hb_finish(b);
}
static void k_reserved(struct hb *b)
{
	size_t at;

	base_start(b);
	at = page(b, 0, 1, 0, 0);
	b->buf[at + 23] = 1;
	hb_finish(b);
}
static void k_mask_undeclared(struct hb *b)
{
	base_start(b);
	page(b, 0, 2, 0, 0);
	hb_finish(b);
}
static void k_mask_zero(struct hb *b)
{
	base_start(b);
	page(b, 0, 0, 0, 0);
	hb_finish(b);
}
static void reloc(struct hb *b, uint8_t flags, uint64_t align, uint64_t gpa,
		  uint64_t size, uint64_t lo, uint64_t hi)
{
	uint8_t x[48] = { 0 };

	pv_put_le32(x, 1);
	x[7] = flags;
	pv_put_le64(x + 8, align);
	pv_put_le64(x + 16, gpa);
	pv_put_le64(x + 24, size);
	pv_put_le64(x + 32, lo);
	pv_put_le64(x + 40, hi);
	base_start(b);
	hb_rec(b, 0x102, x, 48);
	hb_finish(b);
}
static void k_reloc_flags(struct hb *b)
{
	reloc(b, 8, 0x1000, 0, 0x1000, 0, 0x1000);
}
static void k_reloc_align(struct hb *b)
{
	reloc(b, 0, 0x800, 0, 0x1000, 0, 0x1000);
}
static void k_reloc_gpa(struct hb *b)
{
	reloc(b, 0, 0x200000, 0x1000, 0x1000, 0, 0x200000);
}
static void k_reloc_size(struct hb *b)
{
	reloc(b, 0, 0x1000, 0, 0x800, 0, 0x1000);
}
static void k_reloc_minmax(struct hb *b)
{
	reloc(b, 0, 0x1000, 0, 0x1000, 0x2000, 0x1000);
}
static void ptr(struct hb *b, uint64_t gpa, uint64_t size, uint64_t used)
{
	uint8_t x[32] = { 0 };

	pv_put_le32(x, 1);
	pv_put_le64(x + 8, gpa);
	pv_put_le64(x + 16, size);
	pv_put_le64(x + 24, used);
	base_start(b);
	hb_rec(b, 0x103, x, 32);
	hb_finish(b);
}
static void k_ptr_align(struct hb *b)
{
	ptr(b, 0x1800, 0x1000, 0);
}
static void k_ptr_used(struct hb *b)
{
	ptr(b, 0x1000, 0x1000, 0x2000);
}
static void k_corim_zero(struct hb *b)
{
	base_start(b);
	masked(b, 0x104, 16, 0, 1);
	hb_finish(b);
}
static void k_corim_sig_first(struct hb *b)
{
	size_t at;

	base_start(b);
	at = masked(b, 0x105, 16, 0, 1);
	hb_end_headers(b);
	pv_put_le32(b->buf + at + 4, hb_data(b, page_a, 16));
	pv_put_le32(b->buf + at + 8, 16);
	hb_finish(b);
}
static void cca(struct hb *b, uint64_t z, uint64_t o, uint8_t h, uint8_t l)
{
	uint8_t x[32] = { 0 };

	pv_put_le32(x, 1);
	pv_put_le64(x + 8, z);
	pv_put_le64(x + 16, o);
	x[24] = h;
	x[25] = l;
	hb_begin(b, 1, 0);
	plat(b, 1, 6);
	hb_rec(b, 0x106, x, 32);
	hb_finish(b);
}
static void k_cca_hash(struct hb *b)
{
	cca(b, 0, 0, 3, 0);
}
static void k_cca_lfa(struct hb *b)
{
	cca(b, 0, 0, 0, 2);
}
static void k_cca_both(struct hb *b)
{
	cca(b, 3, 1, 0, 0);
}
static void k_area_size(struct hb *b)
{
	base_start(b);
	parea(b, 100, 0);
	pinsert(b, 0, 1, 0);
	hb_finish(b);
}
static void k_area_big(struct hb *b)
{
	base_start(b);
	parea(b, 1ull << 40, 0);
	hb_finish(b);
}
static void k_area_dup(struct hb *b)
{
	base_start(b);
	parea(b, 4096, 0);
	parea(b, 4096, 0);
	hb_finish(b);
}
static void k_area_never(struct hb *b)
{
	base_start(b);
	parea(b, 4096, 3);
	hb_finish(b);
}
static void k_page_gpa(struct hb *b)
{
	base_start(b);
	page(b, 0x10, 1, 0, 0);
	hb_finish(b);
}
static void k_page_flags(struct hb *b)
{
	base_start(b);
	page(b, 0, 1, 8, 0);
	hb_finish(b);
}
static void k_page_2mb(struct hb *b)
{
	base_start(b);
	page(b, 0, 1, 1, 0);
	hb_finish(b);
}
static void k_page_type(struct hb *b)
{
	base_start(b);
	page(b, 0, 1, 0, 4);
	hb_finish(b);
}
static void k_page_data_range(struct hb *b)
{
	size_t at;

	base_start(b);
	at = page(b, 0, 1, 0, 0);
	hb_end_headers(b);
	pv_put_le32(b->buf + at + 12, hb_data(b, page_a, 100));
	hb_finish(b);
}
static void k_page_data_in_headers(struct hb *b)
{
	size_t at;

	base_start(b);
	at = page(b, 0, 1, 0, 0);
	hb_end_headers(b);
	hb_data(b, page_a, 4096);
	pv_put_le32(b->buf + at + 12, 8);
	hb_finish(b);
}
static void k_insert_gpa(struct hb *b)
{
	base_start(b);
	parea(b, 4096, 0);
	pinsert(b, 0x123, 1, 0);
	hb_finish(b);
}
static void k_insert_undeclared(struct hb *b)
{
	base_start(b);
	pinsert(b, 0, 1, 5);
	hb_finish(b);
}
static void k_insert_twice(struct hb *b)
{
	base_start(b);
	parea(b, 4096, 0);
	pinsert(b, 0, 1, 0);
	pinsert(b, 0x1000, 1, 0);
	hb_finish(b);
}
static void k_param_undeclared(struct hb *b)
{
	base_start(b);
	param(b, 0x30E, 1, 0);
	hb_finish(b);
}
static void k_param_after_insert(struct hb *b)
{
	base_start(b);
	parea(b, 4096, 0);
	pinsert(b, 0, 1, 0);
	param(b, 0x307, 0, 0);
	hb_finish(b);
}
static void k_param_offset(struct hb *b)
{
	base_start(b);
	parea(b, 4096, 0);
	param(b, 0x30C, 0, 4096 - 23);
	pinsert(b, 0, 1, 0);
	hb_finish(b);
}
static void k_vp_gpa(struct hb *b)
{
	base_start(b);
	vpctx(b, 0x1001, 1, 0);
	hb_finish(b);
}
static void k_vp_dup(struct hb *b)
{
	base_start(b);
	vpctx(b, 0x1000, 1, 0);
	vpctx(b, 0x2000, 1, 0);
	hb_finish(b);
}
static void reqmem(struct hb *b, uint64_t gpa, uint32_t size, uint32_t flags)
{
	uint8_t x[24] = { 0 };

	pv_put_le64(x, gpa);
	pv_put_le32(x + 8, 1);
	pv_put_le32(x + 12, size);
	pv_put_le32(x + 16, flags);
	base_start(b);
	hb_rec(b, 0x305, x, 24);
	hb_finish(b);
}
static void k_reqmem_align(struct hb *b)
{
	reqmem(b, 0, 0x1800, 0);
}
static void k_reqmem_flags(struct hb *b)
{
	reqmem(b, 0, 0x1000, 2);
}
static void k_error_range(struct hb *b)
{
	uint8_t x[16] = { 0 };

	pv_put_le64(x, 0x1000);
	pv_put_le32(x + 8, 1);
	pv_put_le32(x + 12, 0x10);
	base_start(b);
	hb_rec(b, 0x30D, x, 16);
	hb_finish(b);
}
static void k_id_block(struct hb *b)
{
	size_t at;

	base_start(b);
	at = masked(b, 0x30B, 696, 0, 1);
	b->buf[at + 4] = 2;
	hb_finish(b);
}
static void k_id_block_reserved(struct hb *b)
{
	size_t at;

	base_start(b);
	at = masked(b, 0x30B, 696, 0, 1);
	b->buf[at + 252] = 1;
	hb_finish(b);
}

static struct corrupt cases[] = {
	{ "short", k_short, PV_EFORMAT, "too short for the 24-byte" },
	{ "magic", k_magic, PV_EFORMAT, "offset 0x0: bad magic" },
	{ "version", k_version, PV_ENOTSUP, "format_version 3, expected 1 or 2" },
	{ "v2-short", k_v2_short, PV_EFORMAT, "too short for the 32-byte" },
	{ "total", k_total, PV_EFORMAT, "total_file_size" },
	{ "var-off", k_var_off, PV_EFORMAT, "variable_header_offset 20" },
	{ "var-size", k_var_size, PV_ERANGE, "is outside the file" },
	{ "crc", k_crc, PV_EVERIFY, "offset 0x14: checksum" },
	{ "arch", k_arch, PV_EFORMAT, "architecture 5" },
	{ "page-size", k_page_size, PV_EFORMAT, "page_size 2097152" },
	{ "rec-len", k_rec_len, PV_ERANGE,
	  "header 1 (type 0x302 PAGE_DATA) at offset 0x30: length 1000 runs past" },
	{ "rec-tail", k_rec_tail, PV_EFORMAT, "need 8" },
	{ "pad-past", k_pad_past, PV_EFORMAT, "padding to 8 bytes" },
	{ "order", k_order, PV_EFORMAT,
	  "header 2 (type 0x101 GUEST_POLICY) at offset 0x50: an initialization header after the directive section" },
	{ "unknown", k_unknown, PV_EFORMAT, "unknown header type without the optional bit" },
	{ "length", k_length, PV_EFORMAT, "length 24, expected exactly 20" },
	{ "no-plat-first", k_no_plat_first, PV_EFORMAT, "no SUPPORTED_PLATFORM header precedes it" },
	{ "no-plat", k_no_plat, PV_EFORMAT, "no SUPPORTED_PLATFORM header" },
	{ "plat-bits", k_plat_bits, PV_EFORMAT, "exactly one bit set" },
	{ "plat-mask-dup", k_plat_mask_dup, PV_EFORMAT, "compatibility_mask 0x1 is declared twice" },
	{ "plat-type", k_plat_type, PV_EFORMAT, "platform_type 9 is not defined" },
	{ "plat-type-dup", k_plat_type_dup, PV_EFORMAT, "platform_type 2 is declared twice" },
	{ "plat-version", k_plat_version, PV_EFORMAT, "platform_version 2, expected 1" },
	{ "reserved", k_reserved, PV_EFORMAT, "reserved field reserved (content offset 22) is not zero" },
	{ "mask-undeclared", k_mask_undeclared, PV_EFORMAT, "compatibility_mask 0x2 references no declared platform" },
	{ "mask-zero", k_mask_zero, PV_EFORMAT, "compatibility_mask 0x0 references" },
	{ "reloc-flags", k_reloc_flags, PV_EFORMAT, "flags 0x8: unknown bits" },
	{ "reloc-align", k_reloc_align, PV_EFORMAT, "relocation_alignment 0x800" },
	{ "reloc-gpa", k_reloc_gpa, PV_EFORMAT, "must be aligned to 0x200000" },
	{ "reloc-size", k_reloc_size, PV_EFORMAT, "relocation_region_size 0x800" },
	{ "reloc-minmax", k_reloc_minmax, PV_EFORMAT, "minimum_relocation_gpa is above" },
	{ "ptr-align", k_ptr_align, PV_EFORMAT, "gpa 0x1800 and size 0x1000 must be 4 KiB aligned" },
	{ "ptr-used", k_ptr_used, PV_EFORMAT, "used_size 0x2000 exceeds size 0x1000" },
	{ "corim-zero", k_corim_zero, PV_EFORMAT, "file_offset and size_bytes must be non-zero" },
	{ "corim-sig-first", k_corim_sig_first, PV_EFORMAT, "comes before its document" },
	{ "cca-hash", k_cca_hash, PV_EFORMAT, "hash_algorithm 3" },
	{ "cca-lfa", k_cca_lfa, PV_EFORMAT, "lfa_policy 2" },
	{ "cca-both", k_cca_both, PV_EFORMAT, "attribute bits 0x1 are required both" },
	{ "area-size", k_area_size, PV_EFORMAT, "number_of_bytes 0x64 is not" },
	{ "area-big", k_area_big, PV_ETOOBIG, "exceeds the limit" },
	{ "area-dup", k_area_dup, PV_EFORMAT, "parameter_area_index 0 is declared twice" },
	{ "area-never", k_area_never, PV_EFORMAT, "parameter area 3 is declared but never inserted" },
	{ "page-gpa", k_page_gpa, PV_EFORMAT, "gpa 0x10 is not 4 KiB aligned" },
	{ "page-flags", k_page_flags, PV_EFORMAT, "flags 0x8: unknown bits" },
	{ "page-2mb", k_page_2mb, PV_ENOTSUP, "2 MiB pages are not supported" },
	{ "page-type", k_page_type, PV_EFORMAT, "data_type 4 (0..3)" },
	{ "page-data-range", k_page_data_range, PV_ERANGE, "is outside the file data region" },
	{ "page-data-in-headers", k_page_data_in_headers, PV_ERANGE, "file data [0x8, +0x1000) is outside" },
	{ "insert-gpa", k_insert_gpa, PV_EFORMAT, "gpa 0x123 is not 4 KiB aligned" },
	{ "insert-undeclared", k_insert_undeclared, PV_EFORMAT, "parameter_area_index 5 was not declared" },
	{ "insert-twice", k_insert_twice, PV_EFORMAT, "parameter_area_index 0 is inserted twice" },
	{ "param-undeclared", k_param_undeclared, PV_EFORMAT, "(type 0x30e COMMAND_LINE) at offset 0x30: parameter_area_index 1 was not declared" },
	{ "param-after-insert", k_param_after_insert, PV_EFORMAT, "is used after its insertion" },
	{ "param-offset", k_param_offset, PV_ERANGE, "byte_offset 0xfe9 + 24 is outside parameter area 0" },
	{ "vp-gpa", k_vp_gpa, PV_EFORMAT, "gpa 0x1001 is not 4 KiB aligned" },
	{ "vp-dup", k_vp_dup, PV_EFORMAT, "vp_index 0 has a second context" },
	{ "reqmem-align", k_reqmem_align, PV_EFORMAT, "number_of_bytes 0x1800 must be 4 KiB aligned" },
	{ "reqmem-flags", k_reqmem_flags, PV_EFORMAT, "flags 0x2: unknown bits" },
	{ "error-range", k_error_range, PV_EFORMAT, "size_bytes 0x10 must be 4 KiB aligned" },
	{ "id-block", k_id_block, PV_EFORMAT, "author_key_enabled 2" },
	{ "id-block-reserved", k_id_block_reserved, PV_EFORMAT, "reserved field id_public_key.reserved" },
};

static void test_corrupt(void **state)
{
	const struct corrupt *c = *state;
	struct hb *b = malloc(sizeof(*b));
	struct pv_igvm g;
	struct pv_err e = { 0 };
	int rc;

	c->build(b);
	rc = parse(b, &g, &e);
	if (rc != c->code || !strstr(e.msg, c->msg))
		fail_msg("%s: got %d \"%s\", expected %d \"...%s...\"", c->name,
			 rc, e.msg, c->code, c->msg);
	assert_null(g.hdr);
	free(b);
}

/* The typed accessors of igvm.h: put then get returns every field at the
 * offsets of igvm.md §5 (checked against literal offsets here), and a
 * header shorter than its type is refused, not read past its end. */
static void test_hdr_accessors(void **state)
{
	struct pv_igvm_page_data pd = { .gpa = 0x123000, .mask = 1,
					.file_offset = 0x4000, .flags = 2,
					.data_type = 3 }, pd2;
	struct pv_igvm_vp_context vp = { .gpa = 0xfffffffff000ull, .mask = 1,
					 .vp_index = 7 }, vp2;
	struct pv_igvm_platform sp = { .mask = 1, .highest_vtl = 2,
				       .platform_type = 2,
				       .platform_version = 1 }, sp2;
	uint8_t b[PV_IGVM_SZ_MAX];
	struct pv_igvm_hdr h = { .body = b, .length = PV_IGVM_SZ_PAGE_DATA };
	struct pv_err e = { 0 };

	(void)state;
	memset(b, 0xee, sizeof(b));
	pv_igvm_page_data_put(b, &pd);
	assert_int_equal(pv_le64(b), 0x123000);
	assert_int_equal(pv_le32(b + 8), 1);
	assert_int_equal(pv_le32(b + 12), 0x4000);
	assert_int_equal(pv_le32(b + 16), 2);
	assert_int_equal(pv_le16(b + 20), 3);
	assert_int_equal(pv_le16(b + 22), 0);
	assert_int_equal(pv_igvm_page_data_get(&h, &pd2, &e), 0);
	assert_true(pd2.gpa == pd.gpa && pd2.mask == pd.mask &&
		    pd2.file_offset == pd.file_offset && pd2.flags == pd.flags &&
		    pd2.data_type == pd.data_type);
	h.length = PV_IGVM_SZ_PAGE_DATA - 1;
	assert_int_equal(pv_igvm_page_data_get(&h, &pd2, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "PAGE_DATA needs 24"));

	pv_igvm_vp_context_put(b, &vp);
	assert_int_equal(pv_le16(b + 16), 7);
	h.length = PV_IGVM_SZ_VP_CONTEXT;
	assert_int_equal(pv_igvm_vp_context_get(&h, &vp2, &e), 0);
	assert_true(vp2.gpa == vp.gpa && vp2.vp_index == 7 && vp2.mask == 1);

	pv_igvm_platform_put(b, &sp);
	assert_int_equal(b[4], 2);
	assert_int_equal(b[5], 2);
	assert_int_equal(pv_le16(b + 6), 1);
	h.length = PV_IGVM_SZ_SUPPORTED_PLATFORM;
	assert_int_equal(pv_igvm_platform_get(&h, &sp2, &e), 0);
	assert_true(sp2.platform_type == 2 && sp2.highest_vtl == 2);
}

int main(void)
{
	struct CMUnitTest tests[4 + 3 + sizeof(cases) / sizeof(cases[0])];
	size_t n = 0, i;

	memset(page_a, 0xA5, sizeof(page_a));
	for (i = 0; i < sizeof(page_b); i++)
		page_b[i] = (uint8_t)(i * 7 + 1);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_hand_v1_dirty_padding);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_hand_v2_optional_skipped);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_roundtrip_v1);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_roundtrip_v2);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_writer_rejects);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_hdr_accessors);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(test_corrupt,
								(void *)&cases[i]);
		t.name = cases[i].name;
		tests[n++] = t;
	}
	return _cmocka_run_group_tests("igvm", tests, n, NULL, NULL);
}
