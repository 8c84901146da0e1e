/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_snp_igvm.c - the IGVM walker of lib/snp/igvm.c against the rules of
 * snp-measurement.md 3, on a hand-made file with every case: another
 * platform's pages, SHARED, UNMEASURED, CPUID_XF, SECRETS, a zero page, a
 * short page, a VMSA in the middle, a two-page parameter area, an ID
 * block.  The expected digests replay the expected updates on a chain of
 * their own; the chain itself is checked by test_snp and the igvm-tooling
 * vectors (test_igvm_clh).
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
#include "igvm/idblock.h"
#include "igvm/igvm.h"
#include "snp/igvm.h"
#include "snp/snp.h"

static uint8_t page_a[4096], page_b[4096], vmsa[4096], shortp[100];

static void add(struct pv_igvm_writer *w, uint32_t type, const uint8_t *body,
		size_t blen, const uint8_t *payload, size_t plen)
{
	struct pv_err e = { 0 };

	assert_int_equal(pv_igvm_add(w, type, body, blen, payload, plen, &e), 0);
}

static void platform(struct pv_igvm_writer *w, uint32_t mask, uint8_t type)
{
	uint8_t b[16] = { 0 };

	pv_put_le32(b, mask);
	b[5] = type;
	pv_put_le16(b + 6, 1);
	add(w, PV_IGVM_VHT_SUPPORTED_PLATFORM, b, sizeof(b), NULL, 0);
}

static void page(struct pv_igvm_writer *w, uint64_t gpa, uint32_t mask,
		 uint32_t flags, uint16_t dtype, const uint8_t *data, size_t len)
{
	uint8_t b[PV_IGVM_SZ_PAGE_DATA] = { 0 };

	pv_put_le64(b, gpa);
	pv_put_le32(b + 8, mask);
	pv_put_le32(b + 16, flags);
	pv_put_le16(b + 20, dtype);
	add(w, PV_IGVM_VHT_PAGE_DATA, b, sizeof(b), data, len);
}

static const uint8_t *signed_block; /* an SNP_ID_BLOCK to use, or NULL */

/* the file; @id_ld NULL: no ID block */
static uint8_t *make(size_t *len, const uint8_t *id_ld, int vp_index)
{
	struct pv_igvm_writer w;
	struct pv_err e = { 0 };
	uint8_t b[PV_IGVM_SZ_SNP_ID_BLOCK] = { 0 }, *out;

	pv_igvm_writer_init(&w, 1);
	platform(&w, 1, PV_IGVM_PLATFORM_SEV_SNP);
	platform(&w, 2, PV_IGVM_PLATFORM_NATIVE);
	page(&w, 0x1000, 1, 0, PV_IGVM_DATA_NORMAL, page_a, 4096);
	page(&w, 0x2000, 2, 0, PV_IGVM_DATA_NORMAL, page_b, 4096);
	page(&w, 0x3000, 3, 0, PV_IGVM_DATA_NORMAL, NULL, 0);
	page(&w, 0x4000, 1, PV_IGVM_PAGE_SHARED, PV_IGVM_DATA_NORMAL, page_b,
	     4096);
	page(&w, 0x5000, 1, PV_IGVM_PAGE_UNMEASURED, PV_IGVM_DATA_NORMAL,
	     page_b, 4096);
	page(&w, 0x6000, 1, 0, PV_IGVM_DATA_CPUID_XF, page_b, 4096);
	page(&w, 0x7000, 1, 0, PV_IGVM_DATA_SECRETS, NULL, 0);
	/* a VMSA in the middle of the memory */
	pv_put_le64(b, 0x8000);
	pv_put_le32(b + 8, 1);
	pv_put_le16(b + 16, (uint16_t)vp_index);
	add(&w, PV_IGVM_VHT_VP_CONTEXT, b, PV_IGVM_SZ_VP_CONTEXT, vmsa, 4096);
	/* a two-page parameter area with the vCPU count, inserted */
	memset(b, 0, sizeof(b));
	pv_put_le64(b, 8192);
	add(&w, PV_IGVM_VHT_PARAMETER_AREA, b, PV_IGVM_SZ_PARAMETER_AREA, NULL,
	    0);
	memset(b, 0, sizeof(b));
	add(&w, PV_IGVM_VHT_VP_COUNT_PARAMETER, b, PV_IGVM_SZ_PARAMETER, NULL,
	    0);
	pv_put_le64(b, 0x10000);
	pv_put_le32(b + 8, 1);
	add(&w, PV_IGVM_VHT_PARAMETER_INSERT, b, PV_IGVM_SZ_PARAMETER_INSERT,
	    NULL, 0);
	page(&w, 0x20000, 1, 0, PV_IGVM_DATA_NORMAL, shortp, sizeof(shortp));
	if (id_ld) {
		memset(b, 0, sizeof(b));
		pv_put_le32(b, 1);
		memcpy(b + 8, id_ld, PV_SNP_LD_SIZE);
		pv_put_le32(b + 96, 1);
		add(&w, PV_IGVM_VHT_SNP_ID_BLOCK, signed_block ? signed_block : b,
		    sizeof(b), NULL, 0);
	}
	assert_int_equal(pv_igvm_write_mem(&w, &out, len, &e), 0);
	pv_igvm_writer_release(&w);
	return out;
}

static void hash_page(const uint8_t *p, size_t len, uint8_t out[48])
{
	uint8_t pad[4096] = { 0 };

	if (p)
		memcpy(pad, p, len);
	assert_int_equal(pv_hash_buf(PV_SHA384, pad, sizeof(pad), out), 0);
}

/* the updates snp-measurement.md 3 prescribes for make()'s file */
static void expected(uint8_t ld[48], enum pv_snp_igvm_vmm vmm, bool nz)
{
	static const uint8_t z[48];
	struct pv_snp_chain c;
	struct pv_err e = { 0 };
	uint8_t h[48];

	assert_int_equal(pv_snp_chain_init(&c, NULL, &e), 0);
	hash_page(page_a, 4096, h);
	assert_int_equal(pv_snp_chain_update(&c, 1, 0x1000, h, "t", -1, &e), 0);
	hash_page(NULL, 0, h);
	assert_int_equal(pv_snp_chain_update(&c, nz ? 3 : 1, 0x3000,
					     nz ? z : h, "t", -1, &e), 0);
	assert_int_equal(pv_snp_chain_update(&c, 4, 0x5000, z, "t", -1, &e), 0);
	assert_int_equal(pv_snp_chain_update(&c, 6, 0x6000, z, "t", -1, &e), 0);
	assert_int_equal(pv_snp_chain_update(&c, 5, 0x7000, z, "t", -1, &e), 0);
	hash_page(vmsa, 4096, h);
	if (vmm == PV_SNP_IGVM_CLH)
		assert_int_equal(pv_snp_chain_update(&c, 2, 0x8000, h, "t", 0,
						     &e), 0);
	assert_int_equal(pv_snp_chain_update(&c, 4, 0x10000, z, "t", -1, &e), 0);
	assert_int_equal(pv_snp_chain_update(&c, 4, 0x11000, z, "t", -1, &e), 0);
	hash_page(shortp, sizeof(shortp), h);
	assert_int_equal(pv_snp_chain_update(&c, 1, 0x20000, h, "t", -1, &e), 0);
	hash_page(vmsa, 4096, h);
	if (vmm == PV_SNP_IGVM_QEMU)
		assert_int_equal(pv_snp_chain_update(&c, 2, PV_SNP_VMSA_GPA_KVM,
						     h, "t", 0, &e), 0);
	memcpy(ld, c.ld, 48);
	pv_snp_chain_free(&c);
}

static int measure(const uint8_t *file, size_t len, struct pv_snp_igvm_in *in,
		   struct pv_snp_igvm_info *info, uint8_t ld[48],
		   struct pv_err *e)
{
	struct pv_snp_chain c;
	struct pv_igvm g;
	int r;

	assert_int_equal(pv_igvm_parse(file, len, "t.igvm", 0, &g, e), 0);
	in->g = &g;
	in->name = "t.igvm";
	assert_int_equal(pv_snp_chain_init(&c, NULL, e), 0);
	r = pv_snp_igvm_measure(&c, in, info, e);
	memcpy(ld, c.ld, 48);
	pv_snp_chain_free(&c);
	pv_igvm_release(&g);
	return r;
}

static void fill(void)
{
	size_t i;

	for (i = 0; i < 4096; i++) {
		page_a[i] = (uint8_t)(i * 7 + 1);
		page_b[i] = (uint8_t)(i * 13 + 5);
		vmsa[i] = (uint8_t)(i * 3);
	}
	pv_put_le64(vmsa + PV_VMSA_SEV_FEATURES, 1);
	memset(shortp, 0x5a, sizeof(shortp));
}

static void test_rules(void **state)
{
	static const struct { enum pv_snp_igvm_vmm vmm; bool nz; } cases[] = {
		{ PV_SNP_IGVM_CLH, false }, { PV_SNP_IGVM_QEMU, false },
		{ PV_SNP_IGVM_CLH, true }, { PV_SNP_IGVM_QEMU, true },
	};
	struct pv_snp_igvm_info info;
	struct pv_err e = { 0 };
	uint8_t want[48], got[48], *file;
	size_t len, i;

	(void)state;
	fill();
	file = make(&len, NULL, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pv_snp_igvm_in in = { .vmm = cases[i].vmm,
					     .native_zero = cases[i].nz,
					     .nthreads = (unsigned)(1 + i % 2) };

		expected(want, cases[i].vmm, cases[i].nz);
		assert_int_equal(measure(file, len, &in, &info, got, &e), 0);
		assert_memory_equal(got, want, 48);
		assert_int_equal(info.snp_mask, 1);
		assert_int_equal(info.pages[PV_SNP_PAGE_UNMEASURED], 3);
		assert_int_equal(info.pages[PV_SNP_PAGE_ZERO], cases[i].nz);
		assert_int_equal(info.vmsas, 1);
		assert_false(info.has_id_block);
	}
	free(file);
}

static void test_id_block(void **state)
{
	struct pv_snp_igvm_info info;
	struct pv_snp_igvm_in in = { .vmm = PV_SNP_IGVM_CLH };
	struct pv_err e = { 0 };
	uint8_t want[48], got[48], *file;
	size_t len;

	(void)state;
	fill();
	expected(want, PV_SNP_IGVM_CLH, false);
	file = make(&len, want, 0);
	assert_int_equal(measure(file, len, &in, &info, got, &e), 0);
	assert_memory_equal(got, want, 48); /* the ID block is not measured */
	assert_true(info.has_id_block);
	assert_memory_equal(info.id_ld, want, 48);
	assert_false(info.id_sig_valid); /* no key, no signature */
	assert_non_null(strstr(info.id_sig_error, "public key structure"));
	free(file);
}

/* an ID block signed by lib/igvm (igvmgen's signer) verifies; the same
 * block under another GUEST_POLICY does not (the policy is signed) */
static void test_id_signature(void **state)
{
	const char *src = getenv("PODVM_SRCDIR");
	struct pv_snp_id_block_in id = { .family_id = { 1 }, .image_id = { 2 },
				.version = 1, .guest_svn = 2, .policy = 0 };
	struct pv_snp_igvm_info info;
	struct pv_snp_igvm_in in = { .vmm = PV_SNP_IGVM_CLH };
	struct evp_pkey_st *key = NULL;
	struct pv_err e = { 0 };
	uint8_t blk[PV_IGVM_SZ_SNP_ID_BLOCK], got[48], *file;
	char path[4096];
	size_t len;

	(void)state;
	if (!src)
		skip();
	snprintf(path, sizeof(path), "%s/tests/kat/igvm/idkey-test.pem", src);
	assert_int_equal(pv_ec_p384_load(path, &key, &e), 0);
	fill();
	expected(id.ld, PV_SNP_IGVM_CLH, false);
	assert_int_equal(pv_igvm_id_block(&id, key, blk, &e), 0);
	signed_block = blk;
	file = make(&len, id.ld, 0); /* no GUEST_POLICY header: policy 0 */
	assert_int_equal(measure(file, len, &in, &info, got, &e), 0);
	assert_true(info.id_sig_valid);
	free(file);
	id.policy = 0x30000;
	assert_int_equal(pv_igvm_id_block(&id, key, blk, &e), 0);
	file = make(&len, id.ld, 0);
	assert_int_equal(measure(file, len, &in, &info, got, &e), 0);
	assert_false(info.id_sig_valid);
	free(file);
	signed_block = NULL;
	EVP_PKEY_free((EVP_PKEY *)key);
}

static void test_vcpus(void **state)
{
	struct pv_snp_igvm_info info;
	struct pv_snp_igvm_in in = { .vmm = PV_SNP_IGVM_QEMU, .vcpus = 2 };
	struct pv_snp_chain c;
	struct pv_err e = { 0 };
	uint8_t want[48], got[48], ap[4096], *file;
	size_t len;

	(void)state;
	fill();
	file = make(&len, NULL, 0);
	/* vCPU 1 has no VP_CONTEXT: an error without the reset model */
	assert_int_equal(measure(file, len, &in, &info, got, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "vCPU 1 has no VP_CONTEXT"));
	/* with it: vCPU 0's VMSA then the reset-state VMSA of vCPU 1 */
	in.ap_reset_model = true;
	in.vcpu_sig = 0x800f12;
	assert_int_equal(measure(file, len, &in, &info, got, &e), 0);
	assert_int_equal(info.modelled_aps, 1);
	expected(want, PV_SNP_IGVM_QEMU, false);
	assert_int_equal(pv_snp_chain_init(&c, want, &e), 0);
	pv_snp_vmsa_build(ap, PV_SNP_VMM_QEMU, PV_SNP_BSP_EIP, 1, 0x800f12);
	assert_int_equal(pv_snp_chain_vmsa(&c, PV_SNP_VMSA_GPA_KVM, ap, 1, &e),
			 0);
	assert_memory_equal(got, c.ld, 48);
	pv_snp_chain_free(&c);
	free(file);
	/* a VP_CONTEXT for vCPU 1 with one vCPU */
	file = make(&len, NULL, 1);
	in.vcpus = 1;
	in.ap_reset_model = false;
	assert_int_equal(measure(file, len, &in, &info, got, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "VP_CONTEXT for vCPU 1"));
	/* clh measures it where it is, whatever its index */
	in.vmm = PV_SNP_IGVM_CLH;
	assert_int_equal(measure(file, len, &in, &info, got, &e), 0);
	free(file);
}

static void test_no_snp(void **state)
{
	struct pv_igvm_writer w;
	struct pv_snp_igvm_info info;
	struct pv_snp_igvm_in in = { .vmm = PV_SNP_IGVM_QEMU };
	struct pv_err e = { 0 };
	uint8_t got[48], *file;
	size_t len;

	(void)state;
	fill();
	pv_igvm_writer_init(&w, 1);
	platform(&w, 1, PV_IGVM_PLATFORM_NATIVE);
	page(&w, 0x1000, 1, 0, PV_IGVM_DATA_NORMAL, page_a, 4096);
	assert_int_equal(pv_igvm_write_mem(&w, &file, &len, &e), 0);
	pv_igvm_writer_release(&w);
	assert_int_equal(measure(file, len, &in, &info, got, &e), PV_ENOTSUP);
	assert_non_null(strstr(e.msg, "no SEV_SNP platform"));
	free(file);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_id_block),
		cmocka_unit_test(test_id_signature),
		cmocka_unit_test(test_vcpus),
		cmocka_unit_test(test_no_snp),
	};

	return cmocka_run_group_tests(t, NULL, NULL);
}
