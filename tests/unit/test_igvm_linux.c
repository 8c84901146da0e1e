/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_igvm_linux.c - lib/igvm/linux.c: the qemu flavour laid out from
 * generated bzImages (fake_kernel.h), read back with our reader and
 * checked field by field against docs/igvm-layout.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "fake_kernel.h"
#include "igvm/igvm.h"
#include "igvm/linux.h"

struct built {
	uint8_t *file;
	size_t len;
	struct pv_igvm g;
};

static uint8_t *bz(size_t payload, uint32_t cmdline_size, size_t *len)
{
	struct fake_bz p = { .version = 0x020f, .setup_sects = 4,
			     .payload = payload, .seed = 7,
			     .cmdline_size = cmdline_size };

	return fake_bzimage(&p, len);
}

static int build(struct pv_linux_igvm_opts *o, struct built *r,
		 struct pv_err *e)
{
	struct pv_linux_igvm b;
	int rc = pv_linux_igvm_build(o, &b, e);

	if (rc)
		return rc;
	assert_int_equal(pv_igvm_write_mem(&b.w, &r->file, &r->len, e), 0);
	pv_linux_igvm_release(&b);
	assert_int_equal(pv_igvm_parse(r->file, r->len, "built", 0, &r->g, e), 0);
	return 0;
}

static void done(struct built *r)
{
	pv_igvm_release(&r->g);
	free(r->file);
}

static const struct pv_igvm_hdr *page_at(const struct pv_igvm *g, uint64_t gpa)
{
	size_t i;

	for (i = 0; i < g->nhdr; i++)
		if (g->hdr[i].type == PV_IGVM_VHT_PAGE_DATA &&
		    pv_le64(g->hdr[i].body) == gpa)
			return &g->hdr[i];
	return NULL;
}

static void test_qemu_snp(void **state)
{
	size_t klen, i;
	uint8_t *k = bz(50000, 255, &klen);
	uint8_t initrd[10000];
	struct pv_linux_igvm_opts o = {
		.vmm = PV_VMM_QEMU, .platform = PV_PLATFORM_SNP,
		.kernel_name = "bz", .kernel = k, .kernel_len = klen,
		.initrd_name = "initrd", .initrd = initrd,
		.initrd_len = sizeof(initrd), .cmdline = "console=ttyS0",
		.vcpus = 1, .memory = 256ull << 20, .sev_features = 1,
		.policy = 0x30000,
	};
	struct pv_err e = { 0 };
	struct built r, r2;
	const struct pv_igvm_hdr *h, *last;
	const uint8_t *v, *bp;
	uint64_t initrd_gpa, prev = 0;

	(void)state;
	memset(initrd, 0x17, sizeof(initrd));
	assert_int_equal(build(&o, &r, &e), 0);
	/* platform SNP, policy */
	assert_int_equal(r.g.hdr[0].type, PV_IGVM_VHT_SUPPORTED_PLATFORM);
	assert_int_equal(r.g.hdr[0].body[5], PV_IGVM_PLATFORM_SEV_SNP);
	assert_int_equal(r.g.hdr[1].type, PV_IGVM_VHT_GUEST_POLICY);
	assert_int_equal(pv_le64(r.g.hdr[1].body), 0x30000);
	/* one VP context, last, at 0xFFFFFFFFF000; pages in GPA order */
	last = &r.g.hdr[r.g.nhdr - 1];
	assert_int_equal(last->type, PV_IGVM_VHT_VP_CONTEXT);
	assert_int_equal(pv_le64(last->body), 0xFFFFFFFFF000ull);
	for (i = 2; i < r.g.nhdr - 1; i++) {
		assert_int_equal(r.g.hdr[i].type, PV_IGVM_VHT_PAGE_DATA);
		assert_true(pv_le64(r.g.hdr[i].body) >= prev);
		prev = pv_le64(r.g.hdr[i].body) + 4096;
	}
	v = last->data;
	assert_int_equal(pv_le64(v + 0x158), 0x31);        /* cr0 */
	assert_int_equal(pv_le64(v + 0xD0), 0x1000);       /* efer */
	assert_int_equal(pv_le64(v + 0x178), 0x1000000);   /* rip */
	assert_int_equal(pv_le64(v + 0x330), PV_QEMU_BOOT_PARAMS); /* rsi */
	assert_int_equal(pv_le64(v + 0x3B0), 1);           /* sev_features */
	assert_int_equal(pv_le16(v + 0x10), 0x10);         /* cs */
	assert_int_equal(pv_le16(v + 0x12), 0xc9b);
	assert_int_equal(pv_le64(v + 0x68), PV_QEMU_GDT);  /* gdtr.base */
	/* CPUID and secrets pages */
	h = page_at(&r.g, PV_QEMU_CPUID);
	assert_non_null(h);
	assert_int_equal(pv_le16(h->body + 20), PV_IGVM_DATA_CPUID_DATA);
	h = page_at(&r.g, PV_QEMU_SECRETS);
	assert_int_equal(pv_le16(h->body + 20), PV_IGVM_DATA_SECRETS);
	assert_null(h->data);
	h = page_at(&r.g, PV_QEMU_CC_BLOB);
	assert_int_equal(pv_le32(h->data), 0x45444D41);
	assert_int_equal(pv_le64(h->data + 24), PV_QEMU_CPUID);
	/* boot_params */
	h = page_at(&r.g, PV_QEMU_BOOT_PARAMS);
	bp = h->data;
	assert_memory_equal(bp + 0x202, "HdrS", 4);
	assert_int_equal(bp[0x210], 0xff);
	assert_int_equal(pv_le32(bp + 0x228), PV_QEMU_CMDLINE);
	assert_int_equal(pv_le32(bp + 0x21c), sizeof(initrd));
	assert_int_equal(pv_le32(bp + 0x13c), PV_QEMU_CC_BLOB);
	assert_int_equal(bp[0x1e8], 4); /* e820 entries */
	initrd_gpa = pv_le32(bp + 0x218);
	assert_int_equal(initrd_gpa % 4096, 0);
	assert_true(initrd_gpa + sizeof(initrd) <= 256ull << 20);
	h = page_at(&r.g, initrd_gpa);
	assert_memory_equal(h->data, initrd, 4096);
	h = page_at(&r.g, PV_QEMU_CMDLINE);
	assert_string_equal((const char *)h->data, "console=ttyS0");
	/* the whole of init_size is present */
	assert_non_null(page_at(&r.g, 0x1000000 + 0x100000 - 4096));
	h = page_at(&r.g, 0x1000000);
	assert_memory_equal(h->data, k + 2560, 4096);

	/* deterministic; --sev-features lands in the VMSA */
	assert_int_equal(build(&o, &r2, &e), 0);
	assert_int_equal(r.len, r2.len);
	assert_memory_equal(r.file, r2.file, r.len);
	done(&r2);
	o.sev_features = 0x21;
	assert_int_equal(build(&o, &r2, &e), 0);
	assert_int_equal(pv_le64(r2.g.hdr[r2.g.nhdr - 1].data + 0x3B0), 0x21);
	done(&r2);
	done(&r);
	free(k);
}

static void test_qemu_native(void **state)
{
	size_t klen;
	uint8_t *k = bz(20000, 255, &klen);
	struct pv_linux_igvm_opts o = {
		.vmm = PV_VMM_QEMU, .platform = PV_PLATFORM_NATIVE,
		.kernel_name = "bz", .kernel = k, .kernel_len = klen,
		.vcpus = 1, .memory = 128ull << 20,
	};
	struct pv_err e = { 0 };
	struct built r;

	(void)state;
	assert_int_equal(build(&o, &r, &e), 0);
	assert_int_equal(r.g.hdr[0].body[5], PV_IGVM_PLATFORM_NATIVE);
	assert_int_equal(r.g.hdr[1].type, PV_IGVM_VHT_PAGE_DATA);
	assert_null(page_at(&r.g, PV_QEMU_CPUID));
	assert_null(page_at(&r.g, PV_QEMU_SECRETS));
	/* native: only the kernel image, not init_size */
	assert_null(page_at(&r.g, 0x1000000 + 0x80000));
	assert_int_equal(pv_le64(r.g.hdr[r.g.nhdr - 1].data + 0xD0), 0);
	assert_int_equal(pv_le64(r.g.hdr[r.g.nhdr - 1].data + 0x3B0), 0);
	done(&r);
	free(k);
}

static void test_errors(void **state)
{
	size_t klen, vlen;
	uint8_t *k = bz(20000, 16, &klen), *vm = fake_vmlinux(&vlen);
	static uint8_t big[1 << 20];
	struct pv_linux_igvm_opts o = {
		.vmm = PV_VMM_QEMU, .platform = PV_PLATFORM_SNP,
		.kernel_name = "bz", .kernel = k, .kernel_len = klen,
		.vcpus = 1, .memory = 64ull << 20, .sev_features = 1,
	};
	struct pv_err e = { 0 };
	struct pv_linux_igvm b;

	(void)state;
	o.cmdline = "0123456789abcdefX"; /* 17 > cmdline_size 16 */
	assert_int_equal(pv_linux_igvm_build(&o, &b, &e), PV_ETOOBIG);
	assert_non_null(strstr(e.msg, "command line is 17 bytes, longer than bz's cmdline_size 16"));
	o.cmdline = "0123456789abcdef";
	o.initrd = big;
	o.initrd_name = "big";
	o.initrd_len = 63u << 20;
	assert_int_equal(pv_linux_igvm_build(&o, &b, &e), PV_ETOOBIG);
	assert_non_null(strstr(e.msg, "big (66060288 bytes) does not fit"));
	o.initrd = NULL;
	o.memory = 16ull << 20;
	assert_int_equal(pv_linux_igvm_build(&o, &b, &e), PV_EINVAL);
	o.memory = 64ull << 20;
	/* a kernel whose load address overlaps the boot pages */
	{
		struct fake_bz p = { .version = 0x020f, .payload = 5000,
				     .pref_address = 0x11000 };
		size_t llen;
		uint8_t *low = fake_bzimage(&p, &llen);

		o.kernel = low;
		o.kernel_len = llen;
		assert_int_equal(pv_linux_igvm_build(&o, &b, &e), PV_ERANGE);
		assert_non_null(strstr(e.msg, "kernel [0x11000, 0x211000) overlaps gdt [0x11000, 0x12000)"));
		free(low);
	}
	/* clh keeps igvm-tooling's rule: pref_address above 3 MiB */
	{
		struct fake_bz p = { .version = 0x020f, .payload = 5000,
				     .pref_address = 0x200000 };
		size_t llen;
		uint8_t *low = fake_bzimage(&p, &llen);

		o.vmm = PV_VMM_CLH;
		o.kernel = low;
		o.kernel_len = llen;
		assert_int_equal(pv_linux_igvm_build(&o, &b, &e), PV_ENOTSUP);
		assert_non_null(strstr(e.msg, "must be above 3 MiB"));
		o.vmm = PV_VMM_QEMU;
		o.kernel = k;
		o.kernel_len = klen;
		free(low);
	}
	o.kernel = vm;
	o.kernel_len = vlen;
	assert_int_equal(pv_linux_igvm_build(&o, &b, &e), PV_ENOTSUP);
	assert_non_null(strstr(e.msg, "vmlinux ELF"));
	o.kernel = k;
	o.kernel_len = 1000; /* truncated */
	assert_int_equal(pv_linux_igvm_build(&o, &b, &e), PV_ERANGE);
	free(k);
	free(vm);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t x = 0;

	while (n--)
		x = (uint8_t)(x + *p++);
	return x;
}

static const uint8_t nowhere[4096];

/* the table at gpa inside the built-in pages (zeros when absent) */
static const uint8_t *table(const struct pv_acpi_page *pg, size_t n,
			    uint64_t gpa)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (gpa >= pg[i].gpa && gpa < pg[i].gpa + 4096)
			return pg[i].data + (gpa - pg[i].gpa);
	return nowhere;
}

static void test_acpi_minimal(void **state)
{
	struct pv_acpi_page pg[3];
	struct pv_err e = { 0 };
	uint8_t *buf;
	size_t n, i;
	const uint8_t *rsdp, *xsdt, *t, *madt = nowhere, *fadt = nowhere;

	(void)state;
	assert_int_equal(pv_acpi_minimal(4, &buf, pg, &n, &e), 0);
	assert_int_equal(n, 3);
	rsdp = table(pg, n, 0xE0000);
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(sum(rsdp, 20), 0);
	assert_int_equal(sum(rsdp, 36), 0);
	xsdt = table(pg, n, pv_le64(rsdp + 24));
	assert_memory_equal(xsdt, "XSDT", 4);
	assert_int_equal(sum(xsdt, pv_le32(xsdt + 4)), 0);
	for (i = 0; i < (pv_le32(xsdt + 4) - 36) / 8; i++) {
		t = table(pg, n, pv_le64(xsdt + 36 + 8 * i));
		assert_ptr_not_equal(t, nowhere);
		assert_int_equal(sum(t, pv_le32(t + 4)), 0);
		if (!memcmp(t, "APIC", 4))
			madt = t;
		if (!memcmp(t, "FACP", 4))
			fadt = t;
	}
	assert_memory_equal(madt, "APIC", 4);
	assert_memory_equal(fadt, "FACP", 4);
	/* 4 local APICs, then the I/O APIC */
	assert_int_equal(pv_le32(madt + 4), 36 + 8 + 4 * 8 + 12);
	assert_int_equal(madt[44 + 3 * 8 + 3], 3);
	assert_int_equal(madt[44 + 4 * 8], 1);
	assert_int_equal(pv_le32(fadt + 112), 1u << 20);
	t = table(pg, n, pv_le64(fadt + 140));
	assert_memory_equal(t, "DSDT", 4);
	assert_int_equal(sum(t, pv_le32(t + 4)), 0);
	free(buf);
	assert_int_equal(pv_acpi_minimal(0, &buf, pg, &n, &e), PV_EINVAL);
	assert_int_equal(pv_acpi_minimal(241, &buf, pg, &n, &e), PV_EINVAL);
}

/* a table with a valid header and zero content */
static uint8_t *mk_table(const char *sig, uint32_t len)
{
	uint8_t *t = calloc(1, len);

	memcpy(t, sig, 4);
	pv_put_le32(t + 4, len);
	return t;
}

static void test_acpi_dir_layout(void **state)
{
	static const char *sigs[] = { "XSDT", "TPM2", "FACS", "DSDT", "FACP", "APIC" };
	static const uint32_t lens[] = { 36, 76, 64, 100, 276, 80 };
	struct pv_acpi_table t[7];
	struct pv_acpi_page pg[PV_ACPI_MAX_PAGES];
	struct pv_err e = { 0 };
	uint8_t *buf, rsdp[36] = "RSD PTR ";
	const uint8_t *x, *f;
	uint64_t end;
	size_t n, i;

	(void)state;
	for (i = 0; i < 6; i++) {
		t[i].name = sigs[i];
		t[i].data = mk_table(sigs[i], lens[i]);
		t[i].len = lens[i];
	}
	t[6].name = "rsdp";
	t[6].data = rsdp;
	t[6].len = 36;
	assert_int_equal(pv_acpi_layout(t, 7, &buf, pg, &n, &end, &e), 0);
	/* RSDP as given; XSDT at 0x100000 (RSDP's address is 0); the rest
	 * packed from 0x101000 in name order: APIC, DSDT, FACP, FACS, TPM2 */
	assert_int_equal(pg[0].gpa, 0xE0000);
	assert_memory_equal(pg[0].data, rsdp, 36);
	x = table(pg, n, 0x100000);
	assert_int_equal(pv_le32(x + 4), 36 + 3 * 8);
	assert_int_equal(sum(x, 60), 0);
	assert_int_equal(pv_le64(x + 36), 0x101000);               /* APIC */
	assert_int_equal(pv_le64(x + 44), 0x101000 + 80 + 100);    /* FACP */
	assert_int_equal(pv_le64(x + 52), 0x101000 + 80 + 100 + 276 + 64); /* TPM2 */
	f = table(pg, n, 0x101000 + 180);
	assert_memory_equal(f, "FACP", 4);
	assert_int_equal(pv_le32(f + 36), 0x101000 + 180 + 276);   /* FACS */
	assert_int_equal(pv_le32(f + 40), 0x101000 + 80);          /* DSDT */
	assert_int_equal(pv_le64(f + 132), 0x101000 + 180 + 276);
	assert_int_equal(pv_le64(f + 140), 0x101000 + 80);
	assert_int_equal(sum(f, 276), 0);
	assert_memory_equal(table(pg, n, 0x101000 + 80 + 100 + 276 + 64), "TPM2", 4);
	assert_int_equal(end, 0x102000);
	free(buf);

	/* errors: no FACS, an unknown table, a wrong length field */
	assert_int_equal(pv_acpi_layout(t, 7, &buf, pg, &n, &end, &e), 0);
	free(buf);
	free((void *)(uintptr_t)t[2].data);
	t[2].data = t[0].data; /* FACS replaced by a second XSDT */
	assert_int_equal(pv_acpi_layout(t, 7, &buf, pg, &n, &end, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "two \"XSDT\" tables"));
	t[2].data = mk_table("SSDT", 64);
	assert_int_equal(pv_acpi_layout(t, 7, &buf, pg, &n, &end, &e), PV_ENOTSUP);
	assert_non_null(strstr(e.msg, "\"SSDT\" is not one igvm-tooling lays out"));
	free((void *)(uintptr_t)t[2].data);
	t[2].len = 63;
	t[2].data = mk_table("FACS", 64);
	assert_int_equal(pv_acpi_layout(t, 7, &buf, pg, &n, &end, &e), PV_EFORMAT);
	assert_non_null(strstr(e.msg, "length field (offset 4) differs"));
	t[2].len = 64;
	assert_int_equal(pv_acpi_layout(t, 6, &buf, pg, &n, &end, &e), PV_EINVAL);
	assert_non_null(strstr(e.msg, "need at least RSDP, XSDT"));
	for (i = 0; i < 6; i++)
		free((void *)(uintptr_t)t[i].data);
}

/* pv_igvm_build: the per-VMM defaults igvmgen build had, and the option
 * conflicts it refuses for API callers too */
static void test_build_params(void **state)
{
	size_t klen;
	uint8_t *k = bz(50000, 255, &klen);
	struct pv_igvm_build p;
	struct pv_linux_igvm b;
	struct pv_igvm g;
	struct pv_err e = { 0 };
	uint8_t *file;
	size_t len;
	const enum pv_vmm vmms[] = { PV_VMM_QEMU, PV_VMM_CLH };
	const uint64_t policy[] = { 0x30000, 0x3001f };
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		pv_igvm_build_init(&p);
		p.o.vmm = vmms[i];
		p.o.kernel_name = "bz";
		p.o.kernel = k;
		p.o.kernel_len = klen;
		assert_int_equal(pv_igvm_build(&p, &b, &e), 0);
		assert_int_equal(pv_igvm_write_mem(&b.w, &file, &len, &e), 0);
		pv_linux_igvm_release(&b);
		assert_int_equal(pv_igvm_parse(file, len, "p", 0, &g, &e), 0);
		assert_int_equal(g.hdr[1].type, PV_IGVM_VHT_GUEST_POLICY);
		assert_int_equal(pv_le64(g.hdr[1].body), policy[i]);
		pv_igvm_release(&g);
		free(file);
	}
	assert_int_equal(pv_igvm_default_sev_features(PV_VMM_QEMU), 0x1);
	assert_int_equal(pv_igvm_default_sev_features(PV_VMM_CLH), 0x9);
	pv_igvm_build_init(&p);
	assert_int_equal(p.id.family_id[0], 1);
	assert_int_equal(p.id.image_id[0], 2);
	assert_int_equal(p.id.guest_svn, 2);
	p.o.vmm = PV_VMM_CLH;
	p.o.platform = PV_PLATFORM_NATIVE;
	p.o.kernel_name = "bz";
	p.o.kernel = k;
	p.o.kernel_len = klen;
	assert_int_equal(pv_igvm_build(&p, &b, &e), PV_EINVAL);
	assert_non_null(strstr(e.msg, "clh supports --platform snp only"));
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpi_dir_layout),
		cmocka_unit_test(test_acpi_minimal),
		cmocka_unit_test(test_qemu_snp),
		cmocka_unit_test(test_qemu_native),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_build_params),
	};
	return cmocka_run_group_tests_name("igvm_linux", tests, NULL, NULL);
}
