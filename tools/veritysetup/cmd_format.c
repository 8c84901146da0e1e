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

static const char usage[] =
	"Usage: veritysetup format [OPTIONS] DATA HASH\n"
	"Hash DATA and write the dm-verity tree (and superblock) to HASH, byte\n"
	"for byte as cryptsetup's veritysetup format; print the root hash.\n"
	"\n"
	"  --hash=ALG               sha1, sha256 (default), sha384, sha512\n"
	"  --data-block-size=N      data block size, 512..524288 (4096)\n"
	"  --hash-block-size=N      hash block size, 512..524288 (4096)\n"
	"  --salt=HEX|-             salt, at most 256 bytes; - for none\n"
	"                           (default: 32 random bytes)\n"
	"  --uuid=UUID              superblock UUID (default: random)\n"
	"  --no-superblock          write no superblock\n"
	"  --format=0|1             hash type: 1 normal (default), 0 Chrome OS\n"
	"  --hash-offset=BYTES      where the hash area starts in HASH (a\n"
	"                           multiple of 512); HASH may then be DATA\n"
	"  --data-blocks=N          hash only the first N data blocks\n"
	"  --root-hash-file=FILE    also write the root hash (hex) to FILE\n"
	"  --threads=N              hashing threads (default: online CPUs)\n"
	"  --hash-engine=E          auto (default): ipsec-mb's multi-buffer SHA\n"
	"                           when built in, else openssl; openssl;\n"
	"                           ipsec-mb (same digests, see the man page)\n"
	"  --json                   print the result as JSON\n"
	"\n"
	"A HASH file is written atomically (a temporary file renamed over it);\n"
	"a block device, or a file with --hash-offset (DATA itself, say), is\n"
	"written in place outside its data.  The root hash file is written\n"
	"before HASH is renamed into place: if it fails, HASH is left as it was.\n";

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
	static const struct option opts[] = {
		VS_TREE_OPTS,
		{ "uuid", required_argument, NULL, OPT_UUID },
		{ "json", no_argument, NULL, OPT_JSON },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	struct pv_verity_opts vo = { 0 };
	struct pv_verity_result res;
	struct root_file rf = { 0 };
	struct pv_err e = { 0 };
	struct vs_opts v;
	const char *data, *hash;
	int c;

	vs_opts_init(&v);
	while ((c = pv_cli_getopt(argc, argv, "", opts, usage)) != -1)
		if (!vs_opt(&v, c, optarg, usage))
			pv_cli_usage_error(usage, "unexpected option");
	pv_cli_operands(argc, argv, 2, 2, usage);
	data = argv[optind];
	hash = argv[optind + 1];

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
	pv_out_install_signal_cleanup();
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
