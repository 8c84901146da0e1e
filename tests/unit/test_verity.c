/* SPDX-License-Identifier: Apache-2.0 */
/* test_verity.c - lib/verity: geometry, superblock, tree build and verify. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bytes.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "verity/verity.h"

static struct pv_verity_params base(void)
{
	struct pv_verity_params p = {
		.alg = PV_SHA256, .hash_type = 1, .data_block_size = 4096,
		.hash_block_size = 4096, .data_blocks = 1, .superblock = true,
		.salt_size = 2, .salt = { 0xab, 0xcd },
	};
	return p;
}

/* dm-verity.md §2, "Worked sizes": 1 GiB and 4 GiB, sha256, 4 KiB. */
static void test_geometry_worked(void **state)
{
	struct pv_verity_params p = base();
	struct pv_verity_geom g;

	(void)state;
	p.data_blocks = 262144;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.levels, 3);
	assert_int_equal(g.bits, 7);
	assert_int_equal(g.hash_blocks, 2065);
	assert_int_equal(g.level_blocks[0], 2048);
	assert_int_equal(g.level_blocks[1], 16);
	assert_int_equal(g.level_blocks[2], 1);
	assert_int_equal(g.hash_start, 1);
	assert_int_equal(g.level_start[2], 1);  /* top first */
	assert_int_equal(g.level_start[1], 2);
	assert_int_equal(g.level_start[0], 18); /* leaves last */
	assert_int_equal(g.hash_end, 8462336);
	p.data_blocks = 1048576;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.hash_blocks, 8257);
	assert_int_equal(g.hash_end, 33824768);
}

static void test_geometry_edges(void **state)
{
	struct pv_verity_params p = base();
	struct pv_verity_geom g;
	struct pv_err e = { 0 };

	(void)state;
	/* one block: no levels, the superblock's block only */
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.levels, 0);
	assert_int_equal(g.hash_end, 4096);
	p.superblock = false;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.hash_end, 0);
	/* 128 blocks fit one hash block, 129 need two levels */
	p.data_blocks = 128;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.levels, 1);
	p.data_blocks = 129;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.levels, 2);
	assert_int_equal(g.hash_blocks, 3);
	/* sha1 type 1: 32-byte slots; type 0: 20-byte packed slots */
	p.alg = PV_SHA1;
	p.hash_block_size = 512;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.slot_size, 32);
	assert_int_equal(g.bits, 4);
	p.hash_type = 0;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.slot_size, 20);
	assert_int_equal(g.bits, 4); /* floor(log2(512 / 20)) = 4 */
	/* the superblock at a hash offset: the tree starts after it */
	p = base();
	p.hash_offset = 4096;
	p.data_blocks = 3;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.hash_start, 2);
	assert_int_equal(g.hash_end, 12288);
	/* > 2^32 blocks: no truncation anywhere (2^33 + 1 blocks) */
	p = base();
	p.data_block_size = 512;
	p.data_blocks = (1ull << 33) + 1;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.levels, 5); /* 2^33 = 2^(7*4+5) */
	assert_int_equal(g.level_blocks[0], (1ull << 26) + 1);
	assert_int_equal(g.level_blocks[1], (1ull << 19) + 1);
	assert_int_equal(g.level_blocks[4], 1);
	assert_int_equal(g.level_blocks[3], 33);
	assert_int_equal(g.hash_end, (1 + (1ull << 26) + 1 + (1ull << 19) + 1 +
				      (1ull << 12) + 1 + 33 + 1) * 4096);
	/* overflow: 2^62 blocks of 512 KiB do not fit 63-bit offsets */
	p.data_block_size = 524288;
	p.data_blocks = 1ull << 62;
	assert_int_equal(pv_verity_geometry(&p, &g, &e), PV_ERANGE);
	assert_non_null(strstr(e.msg, "does not fit in 63-bit file offsets"));
	/* bad parameters, each named */
	p = base();
	p.data_block_size = 1000;
	assert_int_equal(pv_verity_geometry(&p, &g, &e), PV_EINVAL);
	assert_string_equal(e.msg, "data block size 1000, expected a power of two from 512 to 524288");
	p = base();
	p.hash_block_size = 256;
	assert_int_equal(pv_verity_geometry(&p, &g, &e), PV_EINVAL);
	assert_string_equal(e.msg, "hash block size 256, expected a power of two from 512 to 524288");
	p = base();
	p.hash_type = 2;
	assert_int_equal(pv_verity_geometry(&p, &g, &e), PV_EINVAL);
	assert_string_equal(e.msg, "hash type 2, expected 0 or 1");
	p = base();
	p.data_blocks = 0;
	assert_int_equal(pv_verity_geometry(&p, &g, &e), PV_EINVAL);
	assert_string_equal(e.msg, "zero data blocks: nothing to hash");
	p = base();
	p.hash_offset = 1000;
	assert_int_equal(pv_verity_geometry(&p, &g, &e), PV_EINVAL);
	assert_string_equal(e.msg, "hash offset 1000 is not a multiple of 512");
	p = base();
	p.salt_size = 257;
	assert_int_equal(pv_verity_geometry(&p, &g, &e), PV_EINVAL);
	assert_string_equal(e.msg, "salt of 257 bytes, at most 256");
	/* sha512 type 1 in 512-byte blocks: 8 slots of 64 */
	p = base();
	p.alg = PV_SHA512;
	p.hash_block_size = 512;
	assert_int_equal(pv_verity_geometry(&p, &g, NULL), 0);
	assert_int_equal(g.bits, 3);
}

/* A superblock written by cryptsetup 2.6.1: veritysetup format
 * --salt=ab12 --uuid=12345678-1234-1234-1234-123456789abc over 300 data
 * blocks; its non-zero bytes are below. */
static void make_sb(uint8_t *sb)
{
	static const uint8_t uuid[16] = { 0x12, 0x34, 0x56, 0x78, 0x12, 0x34,
					  0x12, 0x34, 0x12, 0x34, 0x12, 0x34,
					  0x56, 0x78, 0x9a, 0xbc };

	memset(sb, 0, 512);
	memcpy(sb, "verity", 6);
	sb[8] = 1;            /* version */
	sb[12] = 1;           /* hash type */
	memcpy(sb + 16, uuid, 16);
	memcpy(sb + 32, "sha256", 6);
	sb[64 + 1] = 0x10;    /* 4096 */
	sb[68 + 1] = 0x10;    /* 4096 */
	sb[72] = 0x2c;        /* 300 = 0x12c */
	sb[73] = 0x01;
	sb[80] = 2;           /* salt size */
	sb[88] = 0xab;
	sb[89] = 0x12;
}

static void test_sb_parse_build(void **state)
{
	struct pv_verity_params p;
	uint8_t sb[512], out[512];
	char uuid[PV_VERITY_UUID_STR];

	(void)state;
	make_sb(sb);
	assert_int_equal(pv_verity_sb_parse(sb, sizeof(sb), 0, &p, NULL), 0);
	assert_int_equal(p.alg, PV_SHA256);
	assert_int_equal(p.hash_type, 1);
	assert_int_equal(p.data_blocks, 300);
	assert_int_equal(p.data_block_size, 4096);
	assert_int_equal(p.salt_size, 2);
	assert_true(p.superblock);
	pv_verity_uuid_format(p.uuid, uuid);
	assert_string_equal(uuid, "12345678-1234-1234-1234-123456789abc");
	assert_int_equal(pv_verity_sb_build(&p, out, NULL), 0);
	assert_memory_equal(sb, out, 512);
}

/* One corruption per field, each with its exact message (the offsets
 * include the superblock's position, 0x1000 here). */
static void test_sb_bad_fields(void **state)
{
	static const struct {
		size_t off;
		uint8_t val;
		int code;
		const char *msg;
	} cases[] = {
		{ 0, 'V', PV_EFORMAT, "offset 0x1000: bad signature, expected \"verity\" (no dm-verity superblock here)" },
		{ 7, 1, PV_EFORMAT, "offset 0x1000: bad signature, expected \"verity\" (no dm-verity superblock here)" },
		{ 8, 2, PV_EFORMAT, "offset 0x1008: superblock version 2, expected 1" },
		{ 12, 2, PV_EFORMAT, "offset 0x100c: hash type 2, expected 0 or 1" },
		{ 64, 1, PV_EFORMAT, "offset 0x1040: data block size 4097, expected a power of two from 512 to 524288" },
		{ 69, 0, PV_EFORMAT, "offset 0x1044: hash block size 0, expected a power of two from 512 to 524288" },
		{ 32, 'm', PV_ENOTSUP, "offset 0x1020: hash algorithm \"mha256\" not supported, expected sha1, sha256, sha384 or sha512" },
		{ 81, 1, PV_EFORMAT, "offset 0x1050: salt size 258, expected at most 256" },
	};
	struct pv_verity_params p;
	struct pv_err e;
	uint8_t sb[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_sb(sb);
		sb[cases[i].off] = cases[i].val;
		memset(&e, 0, sizeof(e));
		assert_int_equal(pv_verity_sb_parse(sb, sizeof(sb), 0x1000, &p, &e),
				 cases[i].code);
		assert_string_equal(e.msg, cases[i].msg);
	}
	/* no NUL in the algorithm field */
	make_sb(sb);
	memset(sb + 32, 'a', 32);
	assert_int_equal(pv_verity_sb_parse(sb, sizeof(sb), 0, &p, &e), PV_EFORMAT);
	assert_string_equal(e.msg, "offset 0x20: hash algorithm name is not NUL-terminated");
	/* zero data blocks */
	make_sb(sb);
	sb[72] = sb[73] = 0;
	assert_int_equal(pv_verity_sb_parse(sb, sizeof(sb), 0, &p, &e), PV_EFORMAT);
	assert_string_equal(e.msg, "offset 0x48: 0 data blocks, expected at least 1");
	/* truncated */
	make_sb(sb);
	assert_int_equal(pv_verity_sb_parse(sb, 511, 0, &p, &e), PV_EFORMAT);
	assert_string_equal(e.msg, "offset 0x0: superblock truncated to 511 bytes, expected 512");
}

static void test_uuid(void **state)
{
	uint8_t u[16];
	char s[PV_VERITY_UUID_STR];
	struct pv_err e;

	(void)state;
	assert_int_equal(pv_verity_uuid_parse("0123ABCD-4567-89ab-cdef-0123456789AB", u, NULL), 0);
	pv_verity_uuid_format(u, s);
	assert_string_equal(s, "0123abcd-4567-89ab-cdef-0123456789ab");
	assert_int_equal(pv_verity_uuid_parse("0123abcd-4567-89ab-cdef-0123456789a", u, &e), PV_EINVAL);
	assert_int_equal(pv_verity_uuid_parse("0123abcd+4567-89ab-cdef-0123456789ab", u, &e), PV_EINVAL);
	assert_int_equal(pv_verity_uuid_parse("0123abcd-4567-89ab-cdef-0123456789ag", u, &e), PV_EINVAL);
	assert_string_equal(e.msg, "UUID \"0123abcd-4567-89ab-cdef-0123456789ag\": expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex)");
}

/* ---- build and verify on files ---------------------------------------- */

static char dir[] = "/tmp/podvm-test-verity.XXXXXX";
static char data_path[64], hash_path[64];

static void write_data(size_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len);
	uint32_t x = seed;
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	assert_int_equal(pv_write_file(data_path, buf, len, NULL), 0);
	free(buf);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(data_path, sizeof(data_path), "%s/data", dir);
	snprintf(hash_path, sizeof(hash_path), "%s/hash", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(data_path);
	unlink(hash_path);
	return rmdir(dir);
}

static void flip(const char *path, uint64_t off)
{
	FILE *f = fopen(path, "r+b");
	int c;

	assert_non_null(f);
	assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
	c = fgetc(f);
	assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
	fputc(c ^ 1, f);
	fclose(f);
}

/* The tree does not depend on the thread count; verify names the block. */
static void test_build_verify(void **state)
{
	struct pv_verity_params p = base();
	struct pv_verity_result r1, r4;
	struct pv_verity_opts o1 = { .threads = 1 }, o4 = { .threads = 4 };
	struct pv_map m1, m4;
	struct pv_err e;

	(void)state;
	write_data(4096 * 1000 + 123, 7);
	p.data_blocks = 0;
	assert_int_equal(pv_verity_format(data_path, hash_path, &p, &o1, &r1, NULL), 0);
	assert_int_equal(p.data_blocks, 1000);
	assert_int_equal(pv_map_file(hash_path, 1 << 24, &m1, NULL), 0);
	unlink(hash_path);
	assert_int_equal(pv_verity_format(data_path, hash_path, &p, &o4, &r4, NULL), 0);
	assert_int_equal(pv_map_file(hash_path, 1 << 24, &m4, NULL), 0);
	assert_int_equal(m1.len, m4.len);
	assert_int_equal(m1.len, r1.geom.hash_end);
	assert_memory_equal(m1.data, m4.data, m1.len);
	assert_memory_equal(r1.root, r4.root, 32);
	pv_unmap(&m1);
	pv_unmap(&m4);

	assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r1.root, 32, &o4, NULL), 0);
	/* a data block */
	flip(data_path, 4096 * 777 + 5);
	assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r1.root, 32, &o4, &e), PV_EVERIFY);
	assert_non_null(strstr(e.msg, "data block 777 (offset 3182592) is corrupted"));
	flip(data_path, 4096 * 777 + 5);
	/* a leaf hash block: its parent names it (level 0, index 3) */
	flip(hash_path, (uint64_t)(r1.geom.level_start[0] + 3) * 4096 + 100);
	assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r1.root, 32, &o4, &e), PV_EVERIFY);
	assert_non_null(strstr(e.msg, "hash block 3 of level 0"));
	flip(hash_path, (uint64_t)(r1.geom.level_start[0] + 3) * 4096 + 100);
	/* a spare byte of the last leaf block: its parent catches it */
	flip(hash_path, r1.geom.hash_end - 1);
	assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r1.root, 32, &o4, &e), PV_EVERIFY);
	assert_non_null(strstr(e.msg, "hash block 7 of level 0"));
	flip(hash_path, r1.geom.hash_end - 1);
	/* a wrong root */
	r1.root[0] ^= 1;
	assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r1.root, 32, &o4, &e), PV_EVERIFY);
	assert_non_null(strstr(e.msg, "does not match the root hash"));
	r1.root[0] ^= 1;
	/* the same verdicts from libcryptsetup */
	assert_int_equal(pv_verity_libcryptsetup_verify(data_path, hash_path, &p, r1.root, 32, NULL), 0);
	flip(data_path, 4096 * 5);
	assert_int_equal(pv_verity_libcryptsetup_verify(data_path, hash_path, &p, r1.root, 32, &e), PV_EVERIFY);
	flip(data_path, 4096 * 5);
	/* a hash device too small for the tree */
	assert_int_equal(truncate(hash_path, (off_t)r1.geom.hash_end - 4096), 0);
	assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r1.root, 32, &o4, &e), PV_ERANGE);
	assert_non_null(strstr(e.msg, "too small for the tree"));
	unlink(hash_path);
}

/*
 * Windows of one or two hash blocks: many windows per level, the workers
 * take turns on the two window buffers and wait for each other.  The tree
 * is the same for every window size and thread count; verify names the
 * first corrupted block in order, and an error wakes the waiting workers.
 */
static void test_windows(void **state)
{
	static const uint32_t hbs[] = { 4096, 512 };
	static const unsigned threads[] = { 1, 2, 3, 4, 7 };
	struct pv_verity_result r, rw;
	struct pv_map ref, m;
	struct pv_err e;
	char want[64];
	size_t h, t, w;

	(void)state;
	write_data(4096 * 1000 + 123, 9);
	for (h = 0; h < sizeof(hbs) / sizeof(hbs[0]); h++) {
		struct pv_verity_params p = base();
		struct pv_verity_opts o = { .threads = 1 };

		p.hash_block_size = hbs[h];
		p.data_blocks = 1000;
		unlink(hash_path);
		assert_int_equal(pv_verity_format(data_path, hash_path, &p, &o, &r, NULL), 0);
		assert_true(r.geom.levels >= 2);
		assert_int_equal(pv_map_file(hash_path, 1 << 24, &ref, NULL), 0);
		for (w = 1; w <= 2; w++) {
			for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
				o.threads = threads[t];
				o.window = w * hbs[h] + (w == 2 ? 100 : 0);
				unlink(hash_path);
				assert_int_equal(pv_verity_format(data_path, hash_path, &p, &o, &rw, NULL), 0);
				assert_int_equal(pv_map_file(hash_path, 1 << 24, &m, NULL), 0);
				assert_int_equal(m.len, ref.len);
				assert_memory_equal(m.data, ref.data, m.len);
				assert_memory_equal(rw.root, r.root, 32);
				pv_unmap(&m);
				assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r.root, 32, &o, NULL), 0);
			}
		}
		pv_unmap(&ref);
		o.threads = 4;
		o.window = hbs[h];
		flip(data_path, 4096 * 777 + 1);
		flip(data_path, 4096 * 300 + 2);
		assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r.root, 32, &o, &e), PV_EVERIFY);
		assert_non_null(strstr(e.msg, "data block 300 (offset 1228800) is corrupted"));
		flip(data_path, 4096 * 300 + 2);
		assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r.root, 32, &o, &e), PV_EVERIFY);
		assert_non_null(strstr(e.msg, "data block 777 (offset 3182592) is corrupted"));
		flip(data_path, 4096 * 777 + 1);
		/* the last leaf block, named by level 1 (several windows with
		 * 512-byte blocks) */
		flip(hash_path, (uint64_t)(r.geom.level_start[0] + r.geom.level_blocks[0] - 1) *
					hbs[h] + 7);
		assert_int_equal(pv_verity_verify(data_path, hash_path, &p, r.root, 32, &o, &e), PV_EVERIFY);
		snprintf(want, sizeof(want), "hash block %llu of level 0 ",
			 (unsigned long long)(r.geom.level_blocks[0] - 1));
		assert_non_null(strstr(e.msg, want));
	}
	unlink(hash_path);
}

/* A data file of no whole block, a missing one, and a data file too
 * small for --data-blocks: clear errors and no hash file left. */
static void test_format_errors(void **state)
{
	struct pv_verity_params p = base();
	struct pv_verity_result r;
	struct pv_err e;

	(void)state;
	write_data(4095, 1);
	p.data_blocks = 0;
	assert_int_equal(pv_verity_format(data_path, hash_path, &p, NULL, &r, &e), PV_EINVAL);
	assert_non_null(strstr(e.msg, "4095 bytes, less than one 4096-byte data block"));
	assert_int_equal(access(hash_path, F_OK), -1);
	p.data_blocks = 2;
	assert_int_equal(pv_verity_format(data_path, hash_path, &p, NULL, &r, &e), PV_ERANGE);
	assert_non_null(strstr(e.msg, "too small for 2 data blocks of 4096 bytes"));
	assert_int_equal(access(hash_path, F_OK), -1);
	assert_int_equal(pv_verity_format("/nonexistent/data", hash_path, &p, NULL, &r, &e), PV_EIO);
	assert_non_null(strstr(e.msg, "/nonexistent/data: cannot open the data file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry_worked),
		cmocka_unit_test(test_geometry_edges),
		cmocka_unit_test(test_sb_parse_build),
		cmocka_unit_test(test_sb_bad_fields),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_build_verify),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_format_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
