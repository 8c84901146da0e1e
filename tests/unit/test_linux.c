/* SPDX-License-Identifier: Apache-2.0 */
/* test_linux.c - lib/linux: bzImage setup header; the ELF magic check. */
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
#include "linux/boot.h"

static uint8_t *good(size_t *len)
{
	struct fake_bz p = { .version = 0x020f, .setup_sects = 4,
			     .payload = 3 * 4096 + 100 };

	return fake_bzimage(&p, len);
}

static void test_bz_ok(void **state)
{
	struct pv_bzimage k;
	struct pv_err e = { 0 };
	size_t len;
	uint8_t *b = good(&len);

	(void)state;
	assert_int_equal(pv_bzimage_parse(b, len, "bz", &k, &e), 0);
	assert_int_equal(k.version, 0x020f);
	assert_int_equal(k.setup_len, 5 * 512);
	assert_int_equal(k.kernel_len, 3 * 4096 + 100);
	assert_ptr_equal(k.kernel, b + 2560);
	assert_int_equal(k.pref_address, 0x1000000);
	assert_int_equal(k.init_size, 0x200000);
	assert_int_equal(k.cmdline_size, 2047);
	assert_int_equal(k.hdr_end, 0x26c);
	/* setup_sects 0 means 4 */
	b[0x1f1] = 0;
	assert_int_equal(pv_bzimage_parse(b, len, "bz", &k, &e), 0);
	assert_int_equal(k.setup_sects, 4);
	free(b);
}

struct bzcase {
	const char *name;
	size_t off;     /* byte to change, or SIZE_MAX for truncation */
	int width;      /* 1, 2, 4 or 8 */
	uint64_t val;
	size_t trunc;   /* new length when off == SIZE_MAX */
	int code;
	const char *msg;
};

static struct bzcase bzcases[] = {
	{ "short", SIZE_MAX, 0, 0, 0x100, PV_EFORMAT, "too short for an x86 boot setup header" },
	{ "boot-flag", 0x1fe, 2, 0x1234, 0, PV_EFORMAT, "boot_flag 0x1234, expected 0xaa55: not a Linux x86 bzImage" },
	{ "hdrs", 0x202, 4, 0x53726448 ^ 0x20, 0, PV_ENOTSUP, "no \"HdrS\" magic" },
	{ "old-protocol", 0x206, 2, 0x020a, 0, PV_ENOTSUP, "boot protocol 2.10 is too old, need 2.12" },
	{ "hdr-short", 0x201, 1, 0x20, 0, PV_EFORMAT, "setup header ends at 0x222" },
	{ "setup-past-end", 0x1f1, 1, 200, 0, PV_ERANGE, "setup_sects 200 puts the kernel at 0x19200" },
	{ "zimage", 0x211, 1, 0, 0, PV_ENOTSUP, "lacks LOADED_HIGH: a zImage" },
	{ "alignment", 0x230, 4, 0x3000, 0, PV_EFORMAT, "kernel_alignment 0x3000 is not a power of two" },
	{ "cmdline-size", 0x238, 4, 0, 0, PV_EFORMAT, "cmdline_size is 0" },
	{ "pref-address", 0x258, 8, 0x1000800, 0, PV_EFORMAT, "pref_address 0x1000800" },
	{ "init-size", 0x260, 4, 0x1000, 0, PV_EFORMAT, "init_size 0x1000 is smaller than the protected-mode kernel (0x3064 bytes)" },
};

static void test_bz_bad(void **state)
{
	const struct bzcase *c = *state;
	struct pv_bzimage k;
	struct pv_err e = { 0 };
	size_t len;
	uint8_t *b = good(&len);
	int rc;

	if (c->off == SIZE_MAX) {
		len = c->trunc;
	} else {
		switch (c->width) {
		case 1:
			b[c->off] = (uint8_t)c->val;
			break;
		case 2:
			pv_put_le16(b + c->off, (uint16_t)c->val);
			break;
		case 4:
			pv_put_le32(b + c->off, (uint32_t)c->val);
			break;
		default:
			pv_put_le64(b + c->off, c->val);
		}
	}
	rc = pv_bzimage_parse(b, len, "bz", &k, &e);
	if (rc != c->code || !strstr(e.msg, c->msg) || !strstr(e.msg, "bz: "))
		fail_msg("%s: got %d \"%s\", expected %d \"...%s...\"", c->name,
			 rc, e.msg, c->code, c->msg);
	free(b);
}

/* pv_is_elf: the check that lets igvmgen build refuse a vmlinux by name */
static void test_is_elf(void **state)
{
	size_t len;
	uint8_t *b = fake_vmlinux(&len);

	(void)state;
	assert_non_null(b);
	assert_true(pv_is_elf(b, len));
	assert_false(pv_is_elf(b, 3));
	if (b)
		b[1] = 'e';
	assert_false(pv_is_elf(b, len));
	free(b);
}

int main(void)
{
	struct CMUnitTest tests[2 + sizeof(bzcases) / sizeof(bzcases[0])];
	size_t n = 0, i;

	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bz_ok);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_is_elf);
	for (i = 0; i < sizeof(bzcases) / sizeof(bzcases[0]); i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(test_bz_bad,
								&bzcases[i]);
		t.name = bzcases[i].name;
		tests[n++] = t;
	}
	return _cmocka_run_group_tests("linux", tests, n, NULL, NULL);
}
