/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_initrd.c - igvmgen initrd: a reproducible newc cpio of a tree. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "igvmgen.h"
#include "initrd/initrd.h"

static const char initrd_usage[] =
	"Usage: igvmgen initrd --root DIR -o FILE [--compress gzip|none]\n"
	"Archive the tree DIR as a reproducible newc cpio initramfs: entries\n"
	"sorted by path, uid/gid 0, every mtime SOURCE_DATE_EPOCH (or 0),\n"
	"sequential inode numbers, nlink 1 (2 for folders).  With gzip (the\n"
	"default) the gzip header has mtime 0 and OS byte 3.\n"
	"\n"
	"  --root DIR              the tree to archive\n"
	"  -o, --output FILE       the archive to write (atomically); inside\n"
	"                          DIR, it is left out of the archive\n"
	"  --compress gzip|none    compression (default gzip)\n";

static int out_sink(void *ctx, const void *buf, size_t len, struct pv_err *e)
{
	return pv_out_write(ctx, buf, len, e);
}

int cmd_initrd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "compress", required_argument, NULL, 'z' },
		PV_CLI_COMMON_OPTS,
		{ 0 },
	};
	const char *root = NULL, *outpath = NULL, *sde;
	enum pv_compress comp = PV_COMPRESS_GZIP;
	struct pv_err e = { 0 };
	struct pv_initrd_skip skip[2];
	struct pv_out out;
	struct stat st;
	size_t nskip = 0;
	uint64_t mtime = 0;
	int c;

	while ((c = pv_cli_getopt(argc, argv, "o:", opts, initrd_usage)) != -1) {
		switch (c) {
		case 'r':
			root = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'z':
			if (!strcmp(optarg, "gzip"))
				comp = PV_COMPRESS_GZIP;
			else if (!strcmp(optarg, "none"))
				comp = PV_COMPRESS_NONE;
			else
				pv_cli_usage_error(initrd_usage,
						   "--compress %s: expected gzip or none",
						   optarg);
			break;
		}
	}
	pv_cli_operands(argc, argv, 0, 0, initrd_usage);
	if (!root || !outpath)
		pv_cli_usage_error(initrd_usage, "--root and -o are required");
	sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde &&
	    pv_parse_u64(sde, 0xFFFFFFFFull, &mtime, "SOURCE_DATE_EPOCH", &e))
		return pv_cli_fail("initrd", &e);
	if (pv_out_open(&out, outpath, &e))
		return pv_cli_fail("initrd", &e);
	/* an output inside the tree is not archived: neither the archive
	 * being written (its temporary file) nor the old one */
	if (fstat(out.fd, &st) == 0) {
		skip[nskip].dev = (uint64_t)st.st_dev;
		skip[nskip++].ino = (uint64_t)st.st_ino;
	}
	if (out.has_id) {
		skip[nskip].dev = out.dev;
		skip[nskip++].ino = out.ino;
	}
	if (pv_initrd_build_skip(root, comp, (int64_t)mtime, skip, nskip,
				 out_sink, &out, &e) ||
	    pv_out_commit(&out, &e)) {
		pv_out_abort(&out);
		return pv_cli_fail("initrd", &e);
	}
	return PV_EXIT_OK;
}
