/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_tdx.c - lib/tdx: the TDVF metadata parser (one planted defect per
 * check), MRTD in both page orders, the PE/COFF digest, LoadOptions, the
 * RTMR event chains and the observer.
 *
 * Expected values come from two sources: an independent model written
 * here (one SHA-384 over a stream built from the generator's own section
 * list and PE layout, not from lib/tdx's parser), and the oracles' answers
 * for the same generated files (tests/kat/tdx/README.md).  The Debian
 * OVMF.fd values are checked only when the file is present.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "tdx/tdx.h"
#include "../tdx/tdvfgen.h"

#define SYN_SIZE 262144

/* tests/kat/tdx/README.md: tdx-gen fw syn.fd 262144 1, and so on */
static const char syn_sha256[] =
	"f670c36815dd8fb86afda2b3856eca7dad2ff425fe562b18531459a20258bf73";
static const char syn_single[] =
	"07541d5ed6de32a7f6611675599e8c4e2aee200e46e1de7056bc023f14a63dd4"
	"213e3fc0e7413cbb5c8dc786dd6433db";
static const char syn_two[] =
	"e114fbe8d93e506fbd915a59ebdcefd3116a10c2cd2fa0cf29dea00c38d9f849"
	"10d216f42d36f5ee8869fbc40c6a469b";
static const char pek_digest[] =
	"de5f0c110fbda5ca48fd7187aa5fd13c34563279ad6cda6cda5f942f3da71e92"
	"841a02a8b161b845c0c7e6fe33724024";
static const char pek4_digest[] =
	"ad6d9ac6d2ea00b25a46ff5d04da221e5a8e8bf93f7660f888586f677f880813"
	"1ddeac085a1e8480d8e0a8549544e4ac";
/* rtmr1: calculate-tdx-mrs (202411 layout) and quex (pre-202411, its
 * setup-header rewrite switched off); rtmr2: quex */
static const char syn_rtmr1[] =
	"897ad40f7574a02dcc7d07c5ca4cfff5c735badd2718762717de245005fe5fcf"
	"fc13091b745aea1e6481836dcdc9af66";
static const char syn_rtmr1_pre[] =
	"26888d877a39ffa18a3f513520a078dea5089b403bf8cc593008358796525677"
	"c2a1071d84c24665ce4a4a933520e3d9";
static const char syn_rtmr2[] =
	"50eb2e0f764984a460899269dc9f9806fc78983a71d930badff2ff38cb7d42ce"
	"c469972df63d258bc98632878b9c7a58";
static const char syn_cmdline[] = "console=ttyS0 quiet";
/* syn-bz.efi (tdx-gen pe syn-bz.efi 4096 1000 512 16 2 hdrs): quex's
 * qemuPatchKernel, 2 GiB, with syn-i.bin (rtmr1, pre-202411 layout) and
 * without an initrd (the kernel event's digest) */
static const char bz_rtmr1_pre[] =
	"572dc6c7278485091e5af65a6d157480b0528f87ea47720d50ba257de5b83235"
	"61573e5eb59a041bc03200163538c3e6";
static const char bz_digest_noinitrd[] =
	"a41f2a16f5c1638ad524625fd1aa8cedf87ef14651f702ebbbbd3b39b6db448a"
	"85e85e35b31783f9d2b92503affe6f51";

static void assert_hex(const uint8_t *b, size_t n, const char *want)
{
	char got[2 * 64 + 1];

	assert_int_equal(pv_hex_encode(b, n, got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

static uint8_t *gen_fw(struct tdvfgen *g, size_t size, uint32_t seed,
		       const char *corrupt)
{
	uint8_t *b = malloc(size);

	assert_non_null(b);
	memset(g, 0, sizeof(*g));
	g->size = size;
	g->seed = seed;
	g->corrupt = corrupt;
	assert_int_equal(tdvfgen_image(g, b), 0);
	return b;
}

/* The model: the TDX module's byte stream for the generator's sections. */
static void model_mrtd(const struct tdvfgen *g, const uint8_t *img,
		       bool two_pass, uint8_t out[48])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	static const uint8_t zero[4096];
	uint8_t blk[128];
	uint32_t i;
	uint64_t pg, ch;
	unsigned int olen;

	assert_non_null(c);
	assert_int_equal(EVP_DigestInit_ex(c, EVP_sha384(), NULL), 1);
	for (i = 0; i < g->nsec; i++) {
		const struct tdvfgen_section *s = &g->sec[i];
		uint64_t n = s->mem_size / 4096;
		int pass, passes = two_pass ? 2 : 1;

		for (pass = 0; pass < passes; pass++) {
			for (pg = 0; pg < n; pg++) {
				uint64_t gpa = s->gpa + pg * 4096;
				const uint8_t *src = s->type <= 1 ?
					img + s->data_offset + pg * 4096 : zero;

				if (pass == 0) {
					memset(blk, 0, sizeof(blk));
					memcpy(blk, "MEM.PAGE.ADD", 12);
					pv_put_le64(blk + 16, gpa);
					EVP_DigestUpdate(c, blk, 128);
				}
				if (!(s->attributes & 1) ||
				    (two_pass && pass == 0))
					continue;
				for (ch = 0; ch < 16; ch++) {
					memset(blk, 0, sizeof(blk));
					memcpy(blk, "MR.EXTEND", 9);
					pv_put_le64(blk + 16, gpa + ch * 256);
					EVP_DigestUpdate(c, blk, 128);
					EVP_DigestUpdate(c, src + ch * 256, 256);
				}
			}
		}
	}
	assert_int_equal(EVP_DigestFinal_ex(c, out, &olen), 1);
	EVP_MD_CTX_free(c);
}

static void test_mrtd_synthetic(void **state)
{
	struct tdvfgen g;
	struct pv_tdvf *t = malloc(sizeof(*t));
	uint8_t *img, sha[32], got[48], want[48];
	struct pv_err e = { 0 };

	(void)state;
	img = gen_fw(&g, SYN_SIZE, 1, NULL);
	assert_int_equal(pv_hash_buf(PV_SHA256, img, SYN_SIZE, sha), 0);
	assert_hex(sha, 32, syn_sha256);
	assert_int_equal(pv_tdvf_parse(img, SYN_SIZE, "syn", t, &e), 0);
	assert_int_equal(t->nsections, TDVFGEN_NSEC);
	assert_true(t->has_guid);
	assert_int_equal(t->desc_offset, SYN_SIZE - 0x1000 + 16);
	assert_int_equal(t->sections[0].type, PV_TDVF_BFV);
	assert_int_equal(t->sections[0].gpa, 0x100000000ull - SYN_SIZE / 4 * 3);

	assert_int_equal(pv_tdx_mrtd(t, PV_TDX_MRTD_SINGLE_PASS, got, NULL,
				     NULL, &e), 0);
	model_mrtd(&g, img, false, want);
	assert_memory_equal(got, want, 48);
	assert_hex(got, 48, syn_single);

	assert_int_equal(pv_tdx_mrtd(t, PV_TDX_MRTD_TWO_PASS, got, NULL, NULL,
				     &e), 0);
	model_mrtd(&g, img, true, want);
	assert_memory_equal(got, want, 48);
	assert_hex(got, 48, syn_two);

	assert_int_equal(pv_tdx_mrtd(t, (enum pv_tdx_mrtd_order)7, got, NULL,
				     NULL, &e), PV_EINVAL);
	free(img);
	free(t);
}

/* Other sizes and seeds: the model and the library agree. */
static void test_mrtd_model_sizes(void **state)
{
	static const size_t sizes[] = { 0x10000, 0x20000, 0x100000 };
	struct pv_tdvf *t = malloc(sizeof(*t));
	struct tdvfgen g;
	uint8_t *img, got[48], want[48];
	size_t i;
	int two;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		img = gen_fw(&g, sizes[i], (uint32_t)(10 + i), NULL);
		assert_int_equal(pv_tdvf_parse(img, sizes[i], "syn", t, NULL),
				 0);
		for (two = 0; two < 2; two++) {
			assert_int_equal(pv_tdx_mrtd(t, two ?
				PV_TDX_MRTD_TWO_PASS : PV_TDX_MRTD_SINGLE_PASS,
				got, NULL, NULL, NULL), 0);
			model_mrtd(&g, img, two, want);
			assert_memory_equal(got, want, 48);
		}
		free(img);
	}
	free(t);
}

static void test_tdvf_corruptions(void **state)
{
	static const struct {
		const char *name;
		int code;
		const char *needle;
	} cases[] = {
		{ "no-footer", PV_EFORMAT, "no OVMF footer table" },
		{ "no-tdx-entry", PV_EFORMAT, "no TDX metadata entry" },
		{ "entry-size", PV_EFORMAT, "entry size 5" },
		{ "table-size", PV_EFORMAT, "footer table size 10 " },
		{ "offset-past", PV_ERANGE, "metadata offset" },
		{ "signature", PV_EFORMAT, "signature" },
		{ "version", PV_EFORMAT, "Version 2" },
		{ "count-1", PV_EFORMAT, "NumberOfSectionEntries 1" },
		{ "length", PV_EFORMAT, "TDVF Length" },
		{ "gpa-unaligned", PV_EFORMAT, "MemoryAddress" },
		{ "size-unaligned", PV_EFORMAT, "MemoryDataSize 0x1800" },
		{ "type", PV_EFORMAT, "Type 4" },
		{ "raw-gt-mem", PV_EFORMAT, "smaller than RawDataSize" },
		{ "split", PV_ERANGE, "split OVMF_CODE" },
		{ "bfv-zero-raw", PV_EFORMAT, "RawDataSize is 0" },
		{ "temp-raw", PV_EFORMAT, "expected 0" },
		{ "above-4g", PV_ERANGE, "above 4 GiB" },
	};
	struct pv_tdvf *t = malloc(sizeof(*t));
	struct tdvfgen g;
	uint8_t *img;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pv_err e = { 0 };

		img = gen_fw(&g, 0x20000, 3, cases[i].name);
		if (pv_tdvf_parse(img, 0x20000, "bad.fd", t, &e) !=
		    cases[i].code || !strstr(e.msg, cases[i].needle) ||
		    !strstr(e.msg, "bad.fd"))
			fail_msg("%s: code %d, message \"%s\"", cases[i].name,
				 e.code, e.msg);
		free(img);
	}
	/* every name the generator knows is covered above */
	for (i = 0; tdvfgen_corruptions[i]; i++)
		;
	assert_int_equal(i, sizeof(cases) / sizeof(cases[0]));
	/* too short, and every truncation of a good image */
	img = gen_fw(&g, 0x10000, 4, NULL);
	assert_int_equal(pv_tdvf_parse(img, 49, "x", t, NULL), PV_ERANGE);
	for (i = 0; i < 0x10000; i += 0x1000)
		assert_int_not_equal(pv_tdvf_parse(img + i, 0x10000 - i - 64,
						   "x", t, NULL), 0);
	free(img);
	free(t);
}

static void model_pe(const struct pegen *p, const uint8_t *b, uint8_t out[48])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	size_t opt = 0x98, len = pegen_size(p);
	unsigned int olen;

	EVP_DigestInit_ex(c, EVP_sha384(), NULL);
	EVP_DigestUpdate(c, b, opt + 64);
	if (p->nrva > 4) {
		EVP_DigestUpdate(c, b + opt + 68, 112 + 32 - 68);
		EVP_DigestUpdate(c, b + opt + 112 + 40,
				 0x400 - (opt + 112 + 40));
	} else {
		EVP_DigestUpdate(c, b + opt + 68, 0x400 - (opt + 68));
	}
	/* .text is first in the file, .data second, .bss empty */
	EVP_DigestUpdate(c, b + 0x400, 2 * p->payload);
	EVP_DigestUpdate(c, b + 0x400 + 2 * p->payload,
			 len - 0x400 - 2 * p->payload -
				 (p->nrva > 4 ? p->cert : 0));
	EVP_DigestFinal_ex(c, out, &olen);
	EVP_MD_CTX_free(c);
}

static void test_pe_digest(void **state)
{
	static const struct pegen pes[] = {
		{ 4096, 1000, 512, 16, 2, 0 },	/* kats: syn-k.efi */
		{ 2048, 100, 0, 4, 3, 0 },	/* syn-k4.efi */
		{ 512, 0, 0, 16, 5, 0 },
		{ 1024, 64, 64, 6, 6, 0 },
	};
	const char *const kat[] = { pek_digest, pek4_digest, NULL, NULL };
	uint8_t got[48], want[48], *b;
	struct pv_err e = { 0 };
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(pes) / sizeof(pes[0]); i++) {
		len = pegen_size(&pes[i]);
		b = malloc(len);
		pegen_image(&pes[i], b);
		assert_int_equal(pv_pe_authenticode(b, len, "k", got, &e), 0);
		model_pe(&pes[i], b, want);
		assert_memory_equal(got, want, 48);
		if (kat[i])
			assert_hex(got, 48, kat[i]);
		/* the checksum is not hashed */
		b[0x98 + 64] ^= 0xff;
		assert_int_equal(pv_pe_authenticode(b, len, "k", want, &e), 0);
		assert_memory_equal(got, want, 48);
		/* a byte of a section is */
		b[0x400] ^= 0xff;
		assert_int_equal(pv_pe_authenticode(b, len, "k", want, &e), 0);
		assert_memory_not_equal(got, want, 48);
		free(b);
	}
}

static void test_pe_refused(void **state)
{
	struct pegen p = { 4096, 1000, 512, 16, 2, 0 };
	size_t len = pegen_size(&p), cut;
	uint8_t *b = malloc(len), d[48];
	struct pv_err e = { 0 };

	(void)state;
	pegen_image(&p, b);
	assert_int_equal(pv_pe_authenticode(b, 10, "k", d, &e), PV_EFORMAT);
	b[0] = 'X';
	assert_int_equal(pv_pe_authenticode(b, len, "k", d, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "not a PE/COFF"));
	b[0] = 'M';
	b[0x81] = 'X';
	assert_int_equal(pv_pe_authenticode(b, len, "k", d, &e), PV_EFORMAT);
	b[0x81] = 'E';
	pv_put_le16(b + 0x98, 0x107);
	assert_int_equal(pv_pe_authenticode(b, len, "k", d, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "Magic 0x107"));
	pv_put_le16(b + 0x98, 0x20b);
	/* certificate larger than what follows the sections */
	pv_put_le32(b + 0x98 + 112 + 36, 5000);
	assert_int_equal(pv_pe_authenticode(b, len, "k", d, &e), PV_EFORMAT);
	pv_put_le32(b + 0x98 + 112 + 36, 512);
	/* every truncation into the sections fails, never reads past */
	for (cut = 0; cut < 0x400 + 2 * 4096; cut += 97)
		assert_int_not_equal(pv_pe_authenticode(b, cut, "k", d, NULL),
				     0);
	free(b);
}

static void test_load_options(void **state)
{
	uint8_t b[64];
	size_t n;

	(void)state;
	assert_int_equal(pv_tdx_load_options(NULL, false, 0, NULL), 0);
	assert_int_equal(pv_tdx_load_options("", false, 0, NULL), 0);
	n = pv_tdx_load_options("ab", false, PV_TDX_INITRD_APPEND, b);
	assert_int_equal(n, 6);
	assert_memory_equal(b, "a\0b\0\0\0", 6);
	n = pv_tdx_load_options("a", true, PV_TDX_INITRD_APPEND, b);
	assert_int_equal(n, 2 * (1 + 14 + 1));
	assert_memory_equal(b, "a\0 \0i\0", 6);
	assert_memory_equal(b + 28, "d\0\0\0", 4);
	n = pv_tdx_load_options("a", true, PV_TDX_INITRD_PREFIX, b);
	assert_int_equal(n, 32);
	assert_memory_equal(b, "i\0n\0", 4);
	assert_memory_equal(b + 26, " \0a\0\0\0", 6);
	/* no command line, an initrd: the tag alone */
	assert_int_equal(pv_tdx_load_options(NULL, true, 0, NULL), 30);
	/* UTF-8 bytes are widened one by one, not decoded */
	n = pv_tdx_load_options("\xc3\xa9", false, 0, b);
	assert_int_equal(n, 6);
	assert_memory_equal(b, "\xc3\0\xa9\0\0\0", 6);
}

static uint8_t *pe_kernel(size_t *len)
{
	struct pegen p = { 4096, 1000, 512, 16, 2, 0 };
	uint8_t *b;

	*len = pegen_size(&p);
	b = malloc(*len);
	pegen_image(&p, b);
	return b;
}

/* The model: RTMR = SHA-384(RTMR || SHA-384(data)) for each event. */
static void model_extend(uint8_t r[48], const void *data, size_t len)
{
	uint8_t buf[96];

	memcpy(buf, r, 48);
	assert_int_equal(pv_hash_buf(PV_SHA384, data, len, buf + 48), 0);
	assert_int_equal(pv_hash_buf(PV_SHA384, buf, 96, r), 0);
}

static void model_extend_digest(uint8_t r[48], const uint8_t d[48])
{
	uint8_t buf[96];

	memcpy(buf, r, 48);
	memcpy(buf + 48, d, 48);
	assert_int_equal(pv_hash_buf(PV_SHA384, buf, 96, r), 0);
}

struct counter {
	int n, rtmr;
	uint8_t last1[48];
};

static int count_events(void *ctx, const struct pv_tdx_event *ev)
{
	struct counter *c = ctx;

	c->n++;
	if (strncmp(ev->reg, "rtmr", 4) == 0)
		c->rtmr++;
	if (strcmp(ev->reg, "rtmr1") == 0)
		memcpy(c->last1, ev->value, 48);
	return 0;
}

static void test_rtmr(void **state)
{
	struct tdvfgen g;
	uint8_t *fw = gen_fw(&g, SYN_SIZE, 1, NULL), *k, initrd[5000];
	uint8_t r1[48] = { 0 }, r2[48] = { 0 }, kd[48], zero[48] = { 0 };
	uint8_t opts[128];
	size_t klen, olen;
	struct pv_tdx_params p = { 0 };
	struct pv_tdx_result r;
	struct counter cnt = { 0 };
	struct pv_err e = { 0 };
	uint8_t sep[4] = { 0 };

	(void)state;
	k = pe_kernel(&klen);
	tdvfgen_blob(initrd, sizeof(initrd), 4);
	p.firmware = fw;
	p.firmware_len = SYN_SIZE;
	p.kernel = k;
	p.kernel_len = klen;
	p.initrd = initrd;
	p.initrd_len = sizeof(initrd);
	p.cmdline = syn_cmdline;
	p.stub_measures = true;
	assert_int_equal(pv_tdx_measure(&p, &r, count_events, &cnt, &e), 0);
	assert_hex(r.mrtd, 48, syn_single);
	assert_true(r.has_rtmr);
	assert_false(r.has_rtmr0);
	assert_string_equal(r.rtmr0_missing, "RTMR0 needs --memory, "
			    "--acpi-loader, --acpi-rsdp, --acpi-tables");
	assert_hex(r.rtmr[1], 48, syn_rtmr1);
	assert_hex(r.rtmr[2], 48, syn_rtmr2);
	assert_memory_equal(r.rtmr[3], zero, 48);
	assert_int_equal(cnt.n, TDVFGEN_NSEC + 7);
	assert_int_equal(cnt.rtmr, 7);
	assert_memory_equal(cnt.last1, r.rtmr[1], 48);

	/* the model, from the event list of docs/tdx.md 4 */
	assert_int_equal(pv_pe_authenticode(k, klen, "k", kd, NULL), 0);
	model_extend_digest(r1, kd);
	model_extend(r1, "Calling EFI Application from Boot Option", 40);
	model_extend(r1, sep, 4);
	model_extend(r1, "Exit Boot Services Invocation", 29);
	model_extend(r1, "Exit Boot Services Returned with Success", 40);
	assert_memory_equal(r.rtmr[1], r1, 48);
	olen = pv_tdx_load_options(syn_cmdline, true, PV_TDX_INITRD_APPEND,
				   opts);
	model_extend(r2, opts, olen);
	model_extend(r2, initrd, sizeof(initrd));
	assert_memory_equal(r.rtmr[2], r2, 48);

	/* pre-202411: no separator in RTMR1 */
	p.layout = PV_TDX_LAYOUT_PRE_202411;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	assert_hex(r.rtmr[1], 48, syn_rtmr1_pre);
	assert_hex(r.rtmr[2], 48, syn_rtmr2);

	/* a stub that does not measure: RTMR2 zero */
	p.stub_measures = false;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	assert_memory_equal(r.rtmr[2], zero, 48);
	assert_hex(r.rtmr[1], 48, syn_rtmr1_pre);

	/* firmware that measures nothing: all four zero, RTMR0 known */
	p.layout = PV_TDX_LAYOUT_NONE;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	assert_true(r.has_rtmr0);
	assert_memory_equal(r.rtmr[0], zero, 48);
	assert_memory_equal(r.rtmr[1], zero, 48);

	/* the QEMU < 10.0 header rewrite needs a setup header */
	p.layout = PV_TDX_LAYOUT_202411;
	p.header = PV_TDX_HDR_QEMU_PATCHED;
	p.memory = 2ull << 30;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "HdrS"));
	p.header = PV_TDX_HDR_UNMODIFIED;
	p.memory = 0;

	/* a kernel that is not PE/COFF is an error, not a zero RTMR1 */
	p.kernel = initrd;
	p.kernel_len = sizeof(initrd);
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "not a PE/COFF"));

	/* without a kernel: MRTD alone */
	p.kernel = NULL;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	assert_false(r.has_rtmr);
	assert_hex(r.mrtd, 48, syn_single);
	free(k);
	free(fw);
}

static int first_digest(void *ctx, const struct pv_tdx_event *ev)
{
	if (strcmp(ev->reg, "rtmr1") == 0 && !((uint8_t *)ctx)[48]) {
		memcpy(ctx, ev->digest, 48);
		((uint8_t *)ctx)[48] = 1;
	}
	return 0;
}

/* A direct boot of the synthetic firmware with kernel @k and @initrd,
 * the stub measuring, the pre-202411 event layout */
static void syn_boot(struct pv_tdx_params *p, const uint8_t *fw,
		     const uint8_t *k, size_t len, const uint8_t *initrd,
		     size_t initrd_len)
{
	p->firmware = fw;
	p->firmware_len = SYN_SIZE;
	p->kernel = k;
	p->kernel_len = len;
	p->initrd = initrd;
	p->initrd_len = initrd_len;
	p->cmdline = syn_cmdline;
	p->stub_measures = true;
	p->layout = PV_TDX_LAYOUT_PRE_202411;
}

/* QEMU < 10.0 (x86-common.c x86_load_linux): the fields it rewrites */
static void test_qemu_patch(void **state)
{
	struct pegen pg = { 4096, 1000, 512, 16, 2, 1 };
	struct tdvfgen g;
	uint8_t *fw = gen_fw(&g, SYN_SIZE, 1, NULL), initrd[5000], d[49];
	size_t len = pegen_size(&pg);
	uint8_t *k = malloc(len), *c = malloc(len);
	struct pv_tdx_params p = { 0 };
	struct pv_tdx_result r;
	struct pv_err e = { 0 };

	(void)state;
	pegen_image(&pg, k);
	tdvfgen_blob(initrd, sizeof(initrd), 4);
	memcpy(c, k, len);
	assert_int_equal(pv_tdx_qemu_patch_setup(c, len, "a vga=ext", true,
						 5000, 2ull << 30, &e), 0);
	assert_int_equal(pv_le32(c + 0x228), 0x20000);	/* cmd_line_ptr */
	assert_int_equal(c[0x210], 0xb0);		/* type_of_loader */
	assert_int_equal(c[0x211], 0x81);		/* CAN_USE_HEAP */
	assert_int_equal(pv_le16(c + 0x224), 0xfe00);	/* heap_end_ptr */
	/* 2 GiB: all below 4 GiB; initrd_max = 2 GiB - 0x28000 - 1 */
	assert_int_equal(pv_le32(c + 0x218), 0x7ffd6000);
	assert_int_equal(pv_le32(c + 0x21c), 5000);
	assert_int_equal(pv_le16(c + 0x1fa), 0xfffe);	/* vga=ext */
	/* nothing else changed */
	c[0x228] = k[0x228]; c[0x229] = k[0x229]; c[0x22a] = k[0x22a];
	c[0x22b] = k[0x22b]; c[0x210] = k[0x210]; c[0x211] = k[0x211];
	memcpy(c + 0x224, k + 0x224, 2);
	memcpy(c + 0x218, k + 0x218, 8);
	memcpy(c + 0x1fa, k + 0x1fa, 2);
	assert_memory_equal(c, k, len);
	assert_int_equal(pv_tdx_q35_below_4g(4ull << 30), 0x80000000ull);
	assert_int_equal(pv_tdx_q35_below_4g(0xa0000000ull), 0xa0000000ull);
	assert_int_equal(pv_tdx_qemu_patch_setup(c, len, "vga=x", false, 0, 0,
						 &e), PV_EINVAL);

	/* the oracle (quex) on the same file */
	syn_boot(&p, fw, k, len, initrd, sizeof(initrd));
	p.header = PV_TDX_HDR_QEMU_PATCHED;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), PV_EINVAL);
	assert_non_null(strstr(e.msg, "--memory"));
	p.memory = 2ull << 30;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	assert_hex(r.rtmr[1], 48, bz_rtmr1_pre);
	assert_hex(r.rtmr[2], 48, syn_rtmr2);
	p.initrd = NULL;
	p.initrd_len = 0;
	memset(d, 0, sizeof(d));
	assert_int_equal(pv_tdx_measure(&p, &r, first_digest, d, &e), 0);
	assert_hex(d, 48, bz_digest_noinitrd);
	/* the caller's kernel is left as it was */
	pegen_image(&pg, c);
	assert_memory_equal(c, k, len);
	free(c);
	free(k);
	free(fw);
}

/*
 * The rewritten setup header in a copy of the first bytes only
 * (pv_pe_authenticode_over): the digest of the whole image so rewritten,
 * wherever the copy ends, fields and ranges across its end included; and
 * a kernel larger than that copy (PATCH_HEAD, 128 KiB) measures with
 * --kernel-header qemu-patched as its patched copy does unmodified.
 */
static void test_pe_over(void **state)
{
	struct pegen pg = { 100000, 1000, 512, 16, 7, 1 };
	struct tdvfgen g;
	uint8_t *fw = gen_fw(&g, SYN_SIZE, 1, NULL), initrd[5000];
	size_t len = pegen_size(&pg), i, cut;
	uint8_t *k = malloc(len), *m = malloc(len), *mix = malloc(len);
	uint8_t want[48], got[48];
	struct pv_tdx_params p = { 0 };
	struct pv_tdx_result r1, r2;
	struct pv_err e = { 0 };
	const size_t cuts[] = { 0, 1, 0x3c, 0x3e, 0x40, 0x41, 0x84, 0x9a,
				0xd6, 0xd8, 0x188, 0x19c, 0x1f3, 0x200, 0x203, 0x210,
				0x229, 0x3ff, 0x480, 0x1000, 0x20000,
				len - 1, len, len + 1 };

	(void)state;
	assert_true(len > (255 + 1) * 512);
	pegen_image(&pg, k);
	memcpy(m, k, len);
	assert_int_equal(pv_tdx_qemu_patch_setup(m, len, "console=ttyS0 vga=ext",
						 true, 5000, 2ull << 30, &e), 0);
	m[0x480] ^= 0x5a; /* a section byte too */
	/* and a parsed field, SizeOfHeaders (0x98 + 60), which a copy
	 * ending at 0xd6 splits */
	pv_put_le32(m + 0xd4, pv_le32(k + 0xd4) + 0x10000);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		cut = cuts[i] < len ? cuts[i] : len;
		memcpy(mix, m, cut);
		memcpy(mix + cut, k + cut, len - cut);
		assert_int_equal(pv_pe_authenticode(mix, len, "k", want, &e), 0);
		assert_int_equal(pv_pe_authenticode_over(k, len, m, cuts[i], "k",
							 got, &e), 0);
		if (memcmp(got, want, 48))
			fail_msg("head of %zu bytes", cuts[i]);
	}
	/* a header that fails in the copy fails the same way */
	m[0] = 'X';
	assert_int_equal(pv_pe_authenticode_over(k, len, m, 1, "k", got, &e),
			 PV_EFORMAT);
	assert_non_null(strstr(e.msg, "not a PE/COFF"));
	assert_int_equal(pv_pe_authenticode_over(k, 10, m, 0, "k", got, &e),
			 PV_EFORMAT);

	/* the measurement: qemu-patched k = unmodified patched copy */
	memcpy(m, k, len);
	tdvfgen_blob(initrd, sizeof(initrd), 4);
	assert_int_equal(pv_tdx_qemu_patch_setup(m, len, syn_cmdline, true,
						 sizeof(initrd), 2ull << 30, &e), 0);
	syn_boot(&p, fw, m, len, initrd, sizeof(initrd));
	p.memory = 2ull << 30;
	assert_int_equal(pv_tdx_measure(&p, &r1, NULL, NULL, &e), 0);
	p.kernel = k;
	p.header = PV_TDX_HDR_QEMU_PATCHED;
	assert_int_equal(pv_tdx_measure(&p, &r2, NULL, NULL, &e), 0);
	assert_memory_equal(r1.rtmr[1], r2.rtmr[1], 48);
	assert_memory_equal(r1.rtmr[2], r2.rtmr[2], 48);
	assert_memory_equal(r1.mrtd, r2.mrtd, 48);
	/* ... and differs from the file unmodified */
	p.header = PV_TDX_HDR_UNMODIFIED;
	assert_int_equal(pv_tdx_measure(&p, &r2, NULL, NULL, &e), 0);
	assert_memory_not_equal(r1.rtmr[1], r2.rtmr[1], 48);
	/* the caller's kernel is left as it was */
	pegen_image(&pg, mix);
	assert_memory_equal(mix, k, len);
	free(k);
	free(m);
	free(mix);
	free(fw);
}

/* syn-ovmf.fd = tdx-gen fw-ovmf syn-ovmf.fd 262144 5, the blobs tdx-gen
 * blob (4096, 21), (20, 22), (8192, 23), 4 GiB, kernel syn-k.efi:
 * calculate-tdx-mrs --ovmfversion edk2-stable202502 / 202408.01 with
 * --bootorder 0 and Boot0000 = UiApp (tests/kat/tdx/README.md) */
static const char r0_202411[] =
	"9d99e685d65f44eefc96f9306f0fa3d40a356ac0e1f801cadba16efbcb436507"
	"eef201ab5ec6e1c5251723bb75ebf747";
static const char r0_pre[] =
	"85df917d66707bdca225750a878a441aeef56013f3aa4c2af0d81d96cbf31ebb"
	"3e6e29b8eeb5477d7f1a53eb6697672f";

/* The model of RTMR0 for the ovmf layout (docs/tdx.md 7), from the
 * layout's own numbers, not from lib/tdx's section list. */
static void model_rtmr0(const uint8_t *img, uint64_t mem, const uint8_t *pk,
			size_t pklen, const uint8_t *ld, const uint8_t *rs,
			const uint8_t *tb, bool pre, uint8_t r0[48])
{
	static const uint64_t ent[][3] = { /* start, length, added */
		{ 0, 0x800000, 0 }, { 0x800000, 0x6000, 1 },
		{ 0x806000, 0x3000, 0 }, { 0x809000, 0x2000, 1 },
		{ 0x80b000, 0x2000, 1 }, { 0x80d000, 0x4000, 0 },
		{ 0x811000, 0xf000, 1 },
	};
	static const uint8_t g_glob[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca,
		0x93, 0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b,
		0x8c };
	static const uint8_t g_db[16] = { 0xcb, 0xb2, 0x19, 0xd7, 0x3a,
		0x3d, 0x96, 0x45, 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65,
		0x6f };
	static const char *const names[] = { "SecureBoot", "PK", "KEK", "db",
					     "dbx" };
	uint8_t hob[56 + 9 * 48] = { 0 }, v[256], sep[4] = { 0 }, one = 1;
	uint64_t below = mem >= 0xb0000000ull ? 0x80000000ull : mem;
	size_t n = 0, i, j, vl;

	for (i = 0; i < 7; i++, n++) {
		uint8_t *p = hob + 56 + n * 48;

		pv_put_le16(p, 3);
		pv_put_le16(p + 2, 48);
		pv_put_le32(p + 24, ent[i][2] ? 0 : 7);
		pv_put_le32(p + 28, 7);
		pv_put_le64(p + 32, ent[i][0]);
		pv_put_le64(p + 40, ent[i][1]);
	}
	for (i = 0; i < 2 && (i == 0 || mem > below); i++, n++) {
		uint8_t *p = hob + 56 + n * 48;

		pv_put_le16(p, 3);
		pv_put_le16(p + 2, 48);
		pv_put_le32(p + 24, 7);
		pv_put_le32(p + 28, 7);
		pv_put_le64(p + 32, i ? 0x100000000ull : 0x820000);
		pv_put_le64(p + 40, i ? mem - below : below - 0x820000);
	}
	pv_put_le16(hob, 1);
	pv_put_le16(hob + 2, 56);
	pv_put_le32(hob + 8, 9);
	pv_put_le64(hob + 48, 0x809000 + 56 + n * 48 + 8);
	memset(r0, 0, 48);
	model_extend(r0, hob, 56 + n * 48);
	model_extend(r0, img, SYN_SIZE / 4);
	for (i = 0; i < 5; i++) {
		const uint8_t *data = i == 0 ? &one : i == 1 ? pk : NULL;
		size_t dl = i == 0 ? (pk ? 1 : 0) : i == 1 ? pklen : 0;

		memcpy(v, i < 3 ? g_glob : g_db, 16);
		pv_put_le64(v + 16, strlen(names[i]));
		pv_put_le64(v + 24, dl);
		for (j = 0; names[i][j]; j++)
			pv_put_le16(v + 32 + 2 * j, (uint8_t)names[i][j]);
		vl = 32 + 2 * j;
		if (dl)
			memcpy(v + vl, data, dl);
		model_extend(r0, v, vl + dl);
	}
	model_extend(r0, sep, 4);
	model_extend(r0, ld, 4096);
	model_extend(r0, rs, 20);
	model_extend(r0, tb, 8192);
	model_extend(r0, sep, 2); /* BootOrder: one UINT16 0 */
	{
		static const uint8_t b0[] = {
			0x09, 0x01, 0x00, 0x00, 0x2c, 0x00, 'U', 0, 'i', 0,
			'A', 0, 'p', 0, 'p', 0, 0, 0, 0x04, 0x07, 0x14, 0x00,
			0xc9, 0xbd, 0xb8, 0x7c, 0xeb, 0xf8, 0x34, 0x4f, 0xaa,
			0xea, 0x3e, 0xe4, 0xaf, 0x65, 0x16, 0xa1, 0x04, 0x06,
			0x14, 0x00, 0x21, 0xaa, 0x2c, 0x46, 0x14, 0x76, 0x03,
			0x45, 0x83, 0x6e, 0x8a, 0xb6, 0xf4, 0x66, 0x23, 0x31,
			0x7f, 0xff, 0x04, 0x00 };

		model_extend(r0, b0, sizeof(b0));
	}
	if (pre)
		model_extend(r0, sep, 4);
}

static void test_rtmr0(void **state)
{
	struct tdvfgen g = { .size = SYN_SIZE, .seed = 5, .ovmf_layout = 1 };
	uint8_t *fw = malloc(SYN_SIZE), *k, ld[4096], rs[20], tb[8192];
	uint8_t want[48], pk[4] = { 'A', 'B', 'C', 'D' };
	struct pv_tdx_params p = { 0 };
	struct pv_tdx_result r;
	struct pv_err e = { 0 };
	size_t klen;
	uint8_t *h;

	(void)state;
	assert_int_equal(tdvfgen_image(&g, fw), 0);
	k = pe_kernel(&klen);
	tdvfgen_blob(ld, sizeof(ld), 21);
	tdvfgen_blob(rs, sizeof(rs), 22);
	tdvfgen_blob(tb, sizeof(tb), 23);
	p.firmware = fw;
	p.firmware_len = SYN_SIZE;
	p.kernel = k;
	p.kernel_len = klen;
	p.stub_measures = true;
	/* missing inputs: named, and no value */
	p.memory = 4ull << 30;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	assert_false(r.has_rtmr0);
	assert_string_equal(r.rtmr0_missing, "RTMR0 needs --acpi-loader, "
			    "--acpi-rsdp, --acpi-tables");
	p.acpi_loader = ld;
	p.acpi_loader_len = sizeof(ld);
	p.acpi_rsdp = rs;
	p.acpi_rsdp_len = sizeof(rs);
	p.acpi_tables = tb;
	p.acpi_tables_len = sizeof(tb);
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	assert_true(r.has_rtmr0);
	assert_hex(r.rtmr[0], 48, r0_202411);
	model_rtmr0(fw, p.memory, NULL, 0, ld, rs, tb, false, want);
	assert_memory_equal(r.rtmr[0], want, 48);
	p.layout = PV_TDX_LAYOUT_PRE_202411;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	assert_hex(r.rtmr[0], 48, r0_pre);
	model_rtmr0(fw, p.memory, NULL, 0, ld, rs, tb, true, want);
	assert_memory_equal(r.rtmr[0], want, 48);
	/* 2 GiB: no RAM above 4 GiB; the model agrees */
	p.memory = 2ull << 30;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	model_rtmr0(fw, p.memory, NULL, 0, ld, rs, tb, true, want);
	assert_memory_equal(r.rtmr[0], want, 48);
	/* an enrolled PK: SecureBoot 1, PK's data measured */
	h = fw + 0x48 + 28;
	memset(h, 0, 60 + 6 + 4);
	pv_put_le16(h, 0x55aa);
	h[2] = 0x3f;
	pv_put_le32(h + 36, 6);
	pv_put_le32(h + 40, 4);
	memcpy(h + 60, "P\0K\0\0\0", 6);
	memcpy(h + 66, pk, 4);
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), 0);
	model_rtmr0(fw, p.memory, pk, 4, ld, rs, tb, true, want);
	assert_memory_equal(r.rtmr[0], want, 48);
	/* too little memory for the TDVF sections: refused */
	p.memory = 0x808000;
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), PV_EINVAL);
	/* a CFV without a firmware volume header: refused */
	p.memory = 2ull << 30;
	memset(fw + 40, 0, 4);
	assert_int_equal(pv_tdx_measure(&p, &r, NULL, NULL, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "_FVH"));
	free(k);
	free(fw);
}

/* Debian's OVMF.fd (tests/kat/tdx/README.md), when it is on this machine:
 * PODVM_TDX_OVMF names a file, else /usr/share/ovmf/OVMF.fd. */
static void test_debian_ovmf(void **state)
{
	static const struct {
		const char *sha256, *single, *two;
	} known[] = {
		{ "7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773",
		  "4c7206f0f483c524f12c366c711e9049030a8d47c471ee5aa9c4999a08de4057fb887fed0744d5631a212967fb231c47",
		  "acccbcc870a381adab0d3919d90a7f268ac3b0364771f202ed4bb4e892d045b33db3b32e6924cba830a724eed443f7e1" },
		{ "14954040cc754ade0c625ac3470ea46d4c14318b5b1396de4ef77090203d76db",
		  "bdc6fb145880f06f30c8b346b8dce2a99d9351b56892df22f80fcf6574caa9f9c31df8e8576d53b4d0cd1c3f28910e11",
		  "456f07902150d008bb913c3e1e84e9297f735a6c83cd2a957a1f0a8bbedb06df188e3837ae48d32c73d473d097dc0db2" },
	};
	const char *path = getenv("PODVM_TDX_OVMF");
	struct pv_map m = { 0 };
	struct pv_tdvf *t;
	uint8_t sha[32], d[48];
	char hex[65];
	size_t i;

	(void)state;
	if (!path)
		path = "/usr/share/ovmf/OVMF.fd";
	if (pv_map_file(path, 64u << 20, &m, NULL)) {
		/* a cmocka skip() fails meson's TAP parser: say it, pass */
		printf("# skip: %s not present (set PODVM_TDX_OVMF)\n", path);
		return;
	}
	assert_int_equal(pv_hash_buf(PV_SHA256, m.data, m.len, sha), 0);
	pv_hex_encode(sha, 32, hex, sizeof(hex));
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(hex, known[i].sha256) == 0)
			break;
	if (i == sizeof(known) / sizeof(known[0])) {
		printf("# skip: %s (sha256 %s) is not a recorded Debian "
		       "OVMF.fd\n", path, hex);
		pv_unmap(&m);
		return;
	}
	t = malloc(sizeof(*t));
	assert_int_equal(pv_tdvf_parse(m.data, m.len, path, t, NULL), 0);
	assert_int_equal(pv_tdx_mrtd(t, PV_TDX_MRTD_SINGLE_PASS, d, NULL, NULL,
				     NULL), 0);
	assert_hex(d, 48, known[i].single);
	assert_int_equal(pv_tdx_mrtd(t, PV_TDX_MRTD_TWO_PASS, d, NULL, NULL,
				     NULL), 0);
	assert_hex(d, 48, known[i].two);
	free(t);
	pv_unmap(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mrtd_synthetic),
		cmocka_unit_test(test_mrtd_model_sizes),
		cmocka_unit_test(test_tdvf_corruptions),
		cmocka_unit_test(test_pe_digest),
		cmocka_unit_test(test_pe_refused),
		cmocka_unit_test(test_pe_over),
		cmocka_unit_test(test_load_options),
		cmocka_unit_test(test_rtmr),
		cmocka_unit_test(test_qemu_patch),
		cmocka_unit_test(test_rtmr0),
		cmocka_unit_test(test_debian_ovmf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
