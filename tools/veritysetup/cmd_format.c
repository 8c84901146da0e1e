/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_format.c - veritysetup format DATA HASH */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/hex.h"
#include "opts.h"
#include "verity/verity.h"

int cmd_format(int argc, char **argv);

struct root_file {
	const char *path;
	const char *data, *hash; /* the inputs it must not be */
};

/* Before HASH is renamed into place: the root hash file, atomically. */
static int write_root_file(void *arg, const struct pv_verity_result *res,
			   struct pv_err *e)
{
	const struct root_file *rf = arg;
	char hex[2 * PV_HASH_MAX + 1];
	struct pv_out out;
	int r;

	pv_hex_encode(res->root, res->root_size, hex, sizeof(hex));
	r = pv_out_open(&out, rf->path, e);
	if (r)
		return r;
	if ((r = pv_out_check_not_input(&out, rf->data, e)) ||
	    (r = pv_out_check_not_input(&out, rf->hash, e)) ||
	    (r = pv_out_write(&out, hex, strlen(hex), e))) {
		pv_out_abort(&out);
		return r;
	}
	return pv_out_commit(&out, e);
}

/* Only for large data (64 MiB and more): small inputs finish at once. */
static void progress(void *arg, uint64_t done, uint64_t total)
{
	(void)arg;
	if (total < (64u << 20))
		return;
	fprintf(stderr, "\rveritysetup: hashing %llu of %llu MiB (%u%%)",
		(unsigned long long)(done >> 20), (unsigned long long)(total >> 20),
		total ? (unsigned)(done * 100 / total) : 100u);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

int cmd_format(int argc, char **argv)
{
	struct pv_verity_opts vo = { 0 };
	struct pv_verity_result res;
	struct root_file rf = { 0 };
	struct pv_err e = { 0 };
	struct vs_opts v;
	const char *data, *hash;
	int i;

	i = vs_parse(&v, VS_CMD_FORMAT, argc, argv);
	data = argv[i];
	hash = argv[i + 1];

	/* cryptsetup's defaults: a random 32-byte salt and a random UUID. */
	if (!v.salt_set) {
		v.p.salt_size = 32;
		if (getrandom(v.p.salt, 32, 0) != 32)
			return pv_cli_failf("format", "cannot get random bytes for the salt");
	}
	if (!v.uuid_set && v.p.superblock) {
		if (getrandom(v.p.uuid, 16, 0) != 16)
			return pv_cli_failf("format", "cannot get random bytes for the UUID");
		v.p.uuid[6] = (uint8_t)((v.p.uuid[6] & 0x0f) | 0x40); /* RFC 4122 v4 */
		v.p.uuid[8] = (uint8_t)((v.p.uuid[8] & 0x3f) | 0x80);
	}
	vo.threads = v.threads;
	vo.engine = v.engine;
	if (pv_cli_progress_wanted())
		vo.progress = progress;
	if (v.root_hash_file) {
		rf.path = v.root_hash_file;
		rf.data = data;
		rf.hash = hash;
		vo.before_commit = write_root_file;
		vo.before_commit_arg = &rf;
	}
	if (pv_verity_format(data, hash, &v.p, &vo, &res, &e))
		return pv_cli_fail("format", &e);
	if (v.json) {
		char engine[128];

		if (vs_engine(&v, &v.p, engine, sizeof(engine), &e))
			return pv_cli_fail("format", &e);
		if (vs_json_header(data, hash, &v.p, &res.geom, res.root,
				   res.root_size, engine))
			return pv_cli_failf("format", "cannot print JSON");
	} else {
		vs_print_header(stdout, hash, &v.p, &res.geom, res.root,
				res.root_size);
	}
	return PV_EXIT_OK;
}
