/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_igvm_clh.c - igvmgen --vmm clh against igvm-tooling: the canonical
 * hash of the headers and file data (tests/kat/igvm/clh_vectors.h) for
 * six option sets (k5/k6: --arch amd/intel), from inputs generated here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../kat/igvm/clh_vectors.h"
#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "core/hex.h"
#include "fake_kernel.h"
#include "igvm/igvm.h"
#include "igvm/linux.h"
#include "snp/igvm.h"
#include "snp/snp.h"

/* the definition in clh_vectors.h */
static void canon(const struct pv_igvm *g, char *hex, unsigned *count)
{
	struct pv_digest d;
	uint8_t out[32], body[PV_IGVM_SZ_MAX + 8];
	size_t i;

	assert_int_equal(pv_digest_init(&d, PV_SHA256, NULL), 0);
	*count = 0;
	for (i = 0; i < g->nhdr; i++) {
		const struct pv_igvm_hdr *h = &g->hdr[i];

		if (h->type == PV_IGVM_VHT_SNP_ID_BLOCK)
			continue;
		pv_put_le32(body, h->type);
		pv_put_le32(body + 4, h->length);
		memcpy(body + 8, h->body, h->length);
		if (h->desc && h->desc->foff_off >= 0)
			pv_put_le32(body + 8 + h->desc->foff_off,
				    pv_le32(h->body + h->desc->foff_off) ? 1 : 0);
		pv_digest_update(&d, body, 8 + h->length);
		if (h->data)
			pv_digest_update(&d, h->data, h->data_len);
		(*count)++;
	}
	pv_digest_final(&d, out);
	pv_digest_free(&d);
	assert_int_equal(pv_hex_encode(out, 32, hex, 65), 0);
}

/* the launch digest igvm-tooling printed, from the SNP engine under
 * Cloud Hypervisor / Hyper-V rules (lib/snp/igvm.c) */
static void check_ld(const struct pv_igvm *g, const struct clh_vector *v)
{
	struct pv_snp_igvm_in in = { .g = g, .name = v->name,
				     .vmm = PV_SNP_IGVM_CLH, .nthreads = 2 };
	struct pv_snp_igvm_info info;
	struct pv_snp_chain c;
	struct pv_err e = { 0 };
	char hex[2 * PV_SNP_LD_SIZE + 1];

	assert_int_equal(pv_snp_chain_init(&c, NULL, &e), 0);
	assert_int_equal(pv_snp_igvm_measure(&c, &in, &info, &e), 0);
	assert_int_equal(pv_hex_encode(c.ld, PV_SNP_LD_SIZE, hex, sizeof(hex)),
			 0);
	assert_string_equal(hex, v->ld);
	assert_int_equal(info.vmsas, 1);
	assert_int_equal(info.pages[PV_SNP_PAGE_SECRETS], 1);
	assert_int_equal(info.pages[PV_SNP_PAGE_CPUID], 1);
	/* one parameter page, no ID block in podvm's file */
	assert_int_equal(info.pages[PV_SNP_PAGE_UNMEASURED], 1);
	assert_false(info.has_id_block);
	assert_true(info.has_policy);
	assert_int_equal(info.policy, 0x3001f);
	/* no update: platform, policy, parameter area and its two parameters */
	assert_int_equal(c.count, v->headers - 5);
	pv_snp_chain_free(&c);
}

static void test_vector(void **state)
{
	const struct clh_vector *v = *state;
	struct fake_bz p = { .version = 0x020f, .setup_sects = 4,
			     .payload = 300000, .seed = 5,
			     .cmdline_size = 2047 };
	struct pv_acpi_page acpi[3];
	uint8_t *pages[3], *kernel, *initrd, *file;
	size_t klen, flen, i;
	struct pv_linux_igvm_opts o = { 0 };
	struct pv_linux_igvm b;
	struct pv_igvm g;
	struct pv_err e = { 0 };
	char hex[65];
	unsigned count;

	kernel = fake_bzimage(&p, &klen);
	initrd = fake_pattern(20000, 21);
	for (i = 0; i < 3; i++) {
		pages[i] = fake_pattern(4096, (uint32_t)(11 + i));
		acpi[i].data = pages[i];
	}
	acpi[0].gpa = 0xE0000;
	acpi[1].gpa = 0x100000;
	acpi[2].gpa = 0x101000;
	o.vmm = PV_VMM_CLH;
	o.platform = PV_PLATFORM_SNP;
	o.kernel_name = "bz";
	o.kernel = kernel;
	o.kernel_len = klen;
	if (v->initrd) {
		o.initrd_name = "initrd";
		o.initrd = initrd;
		o.initrd_len = 20000;
	}
	o.cmdline = "console=ttyS0";
	o.vcpus = 1;
	o.sev_features = 0x9;
	o.policy = 0x3001f;
	o.acpi = acpi;
	o.nacpi = 3;
	o.boot_x64 = v->boot_x64;
	o.pvalidate_opt = v->pvalidate_opt;
	o.encrypted_page = v->encrypted_page;
	o.svme = v->svme;
	o.vtl = (uint8_t)v->vtl;
	o.arch_amd = v->arch_amd;
	assert_int_equal(pv_linux_igvm_build(&o, &b, &e), 0);
	assert_int_equal(pv_igvm_write_mem(&b.w, &file, &flen, &e), 0);
	pv_linux_igvm_release(&b);
	assert_int_equal(pv_igvm_parse(file, flen, v->name, 0, &g, &e), 0);
	canon(&g, hex, &count);
	assert_int_equal(count, v->headers);
	assert_string_equal(hex, v->canon);
	check_ld(&g, v);
	pv_igvm_release(&g);
	free(file);
	free(kernel);
	free(initrd);
	for (i = 0; i < 3; i++)
		free(pages[i]);
}

int main(void)
{
	struct CMUnitTest t[sizeof(clh_vectors) / sizeof(clh_vectors[0])];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct CMUnitTest x = cmocka_unit_test_prestate(
			test_vector, (void *)(uintptr_t)&clh_vectors[i]);
		x.name = clh_vectors[i].name;
		t[i] = x;
	}
	return _cmocka_run_group_tests("igvm_clh", t, sizeof(t) / sizeof(t[0]),
				       NULL, NULL);
}
