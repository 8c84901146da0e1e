/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_initrd.c - lib/initrd: two trees with the same content but other
 * mtimes, owners, permissions of nothing, and creation order give the same
 * bytes; the newc fields and the gzip header are the normalised ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/err.h"
#include "initrd/initrd.h"

static char base[] = "/tmp/podvm-test-initrd.XXXXXX";

struct mem {
	uint8_t *p;
	size_t len;
};

static int mem_sink(void *ctx, const void *buf, size_t len, struct pv_err *e)
{
	struct mem *m = ctx;
	uint8_t *n = realloc(m->p, m->len + len + 1);

	(void)e;
	if (!n)
		return PV_ENOMEM;
	memcpy(n + m->len, buf, len);
	m->p = n;
	m->len += len;
	return 0;
}

static void put(const char *dir, const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s/%s", base, dir, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(p, 0644);
}

static void mk(const char *dir, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s/%s", base, dir, rel);
	assert_int_equal(mkdir(p, 0755), 0);
	chmod(p, 0755);
}

static void touch_owner(const char *dir, const char *rel, time_t t, int own)
{
	char p[512];
	struct timeval tv[2] = { { t, 0 }, { t, 0 } };

	snprintf(p, sizeof(p), "%s/%s/%s", base, dir, rel);
	assert_int_equal(lutimes(p, tv), 0);
	if (own && geteuid() == 0)
		assert_int_equal(lchown(p, 1234, 4321), 0);
}

static int setup(void **state)
{
	char p[512];

	(void)state;
	if (!mkdtemp(base))
		return -1;
	snprintf(p, sizeof(p), "%s/one", base);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/two", base);
	mkdir(p, 0755);
	/* tree one, in one order */
	mk("one", "bin");
	put("one", "bin/init", "#!/bin/sh\necho hi\n");
	mk("one", "etc");
	put("one", "etc/z", "zzz");
	put("one", "etc/a", "aaa");
	snprintf(p, sizeof(p), "%s/one/bin/sh", base);
	assert_int_equal(symlink("busybox", p), 0);
	/* tree two: reverse order, other times and owners */
	mk("two", "etc");
	put("two", "etc/a", "aaa");
	put("two", "etc/z", "zzz");
	mk("two", "bin");
	snprintf(p, sizeof(p), "%s/two/bin/sh", base);
	assert_int_equal(symlink("busybox", p), 0);
	put("two", "bin/init", "#!/bin/sh\necho hi\n");
	touch_owner("two", "etc/a", 1000000, 1);
	touch_owner("two", "bin/sh", 2000000, 1);
	touch_owner("two", "bin", 3000000, 1);
	touch_owner("one", "etc/z", 4000000, 0);
	snprintf(p, sizeof(p), "%s/one/bin/init", base);
	chmod(p, 0755);
	snprintf(p, sizeof(p), "%s/two/bin/init", base);
	chmod(p, 0755);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void arch(const char *dir, enum pv_compress c, int64_t mtime,
		 struct mem *m)
{
	char p[512];
	struct pv_err e = { 0 };

	memset(m, 0, sizeof(*m));
	snprintf(p, sizeof(p), "%s/%s", base, dir);
	assert_int_equal(pv_initrd_build(p, c, mtime, mem_sink, m, &e), 0);
}

static unsigned long hexf(const uint8_t *h, int field)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t c = h[6 + 8 * field + i];

		v = v * 16 + (unsigned long)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return v;
}

static void test_identical(void **state)
{
	struct mem a, b, ga, gb;

	(void)state;
	arch("one", PV_COMPRESS_NONE, 0, &a);
	arch("two", PV_COMPRESS_NONE, 0, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
	arch("one", PV_COMPRESS_GZIP, 0, &ga);
	arch("two", PV_COMPRESS_GZIP, 0, &gb);
	assert_int_equal(ga.len, gb.len);
	assert_memory_equal(ga.p, gb.p, ga.len);
	/* gzip: magic, mtime 0, OS 3 */
	assert_int_equal(ga.p[0], 0x1f);
	assert_int_equal(ga.p[1], 0x8b);
	assert_int_equal(ga.p[4] | ga.p[5] | ga.p[6] | ga.p[7], 0);
	assert_int_equal(ga.p[9], 3);
	free(a.p);
	free(b.p);
	free(ga.p);
	free(gb.p);
}

static void test_fields(void **state)
{
	struct mem a;
	size_t off = 0;
	unsigned long ino = 0;
	const char *names[] = { "bin", "bin/init", "bin/sh", "etc", "etc/a",
				"etc/z", "TRAILER!!!" };
	size_t i = 0;

	(void)state;
	arch("two", PV_COMPRESS_NONE, 1700000000, &a);
	while (off + 110 <= a.len && i < 7) {
		const uint8_t *h = a.p + off;
		unsigned long namesize = hexf(h, 11), fsize = hexf(h, 6);

		assert_memory_equal(h, "070701", 6);
		assert_memory_equal(h + 110, names[i], strlen(names[i]));
		if (i < 6) {
			assert_int_equal(hexf(h, 0), ++ino);        /* ino */
			assert_int_equal(hexf(h, 2), 0);            /* uid */
			assert_int_equal(hexf(h, 3), 0);            /* gid */
			assert_int_equal(hexf(h, 4),
					 (hexf(h, 1) & 0170000) == 0040000 ? 2 : 1);
			assert_int_equal(hexf(h, 5), 1700000000);   /* mtime */
		}
		off += (110 + namesize + 3) & ~3ul;
		off += (fsize + 3) & ~3ul;
		i++;
	}
	assert_int_equal(i, 7);
	free(a.p);
}

static void test_errors(void **state)
{
	struct pv_err e = { 0 };
	struct mem m = { 0 };
	char p[512];

	(void)state;
	assert_int_equal(pv_initrd_build("/nonexistent/podvm", PV_COMPRESS_NONE,
					 0, mem_sink, &m, &e), PV_EIO);
	assert_non_null(strstr(e.msg, "/nonexistent/podvm"));
	snprintf(p, sizeof(p), "%s/one/etc/a", base);
	assert_int_equal(pv_initrd_build(p, PV_COMPRESS_NONE, 0, mem_sink, &m,
					 &e), PV_EINVAL);
	assert_non_null(strstr(e.msg, "not a folder"));
	free(m.p);
}

/* A socket in the tree: the error names it, with or without gzip (it
 * used to read "zlib deflate failed"), and nothing is written. */
static void test_socket(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pv_err e = { 0 };
	struct mem m = { 0 };
	char p[512];
	int fd, c;

	(void)state;
	snprintf(p, sizeof(p), "%s/sock", base);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/sock/a", base);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock/a/s", base);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	snprintf(p, sizeof(p), "%s/sock", base);
	for (c = 0; c < 2; c++) {
		assert_int_equal(pv_initrd_build(p, c ? PV_COMPRESS_GZIP
						      : PV_COMPRESS_NONE,
						 0, mem_sink, &m, &e), PV_ENOTSUP);
		assert_non_null(strstr(e.msg, "/sock/a/s: is a socket"));
		assert_null(strstr(e.msg, "zlib"));
		assert_int_equal(m.len, 0);
	}
	close(fd);
	unlink(sa.sun_path);
}

/* Skipped files are left out: tree one without etc/z is tree one with
 * etc/z skipped, with or without what a skipped folder holds. */
static void test_skip(void **state)
{
	struct pv_initrd_skip sk;
	struct pv_err e = { 0 };
	struct mem a, b = { 0 };
	struct stat st;
	char p[512], q[512];

	(void)state;
	snprintf(p, sizeof(p), "%s/one/etc/z", base);
	assert_int_equal(lstat(p, &st), 0);
	sk.dev = (uint64_t)st.st_dev;
	sk.ino = (uint64_t)st.st_ino;
	snprintf(p, sizeof(p), "%s/one", base);
	assert_int_equal(pv_initrd_build_skip(p, PV_COMPRESS_NONE, 0, &sk, 1,
					      mem_sink, &b, &e), 0);
	snprintf(p, sizeof(p), "%s/one/etc/z", base);
	snprintf(q, sizeof(q), "%s/z.away", base);
	assert_int_equal(rename(p, q), 0);
	arch("one", PV_COMPRESS_NONE, 0, &a);
	assert_int_equal(rename(q, p), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
	free(a.p);
	free(b.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_socket),
		cmocka_unit_test(test_skip),
	};
	return cmocka_run_group_tests_name("initrd", tests, setup, teardown);
}
