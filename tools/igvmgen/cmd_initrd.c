/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_initrd.c - igvmgen initrd: a reproducible newc cpio of a tree. */
#include <stdlib.h>
#include <sys/stat.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "igvmgen.h"
#include "initrd/initrd.h"
#include "opts.h"

int cmd_initrd(int argc, char **argv)
{
	struct ig_opts a;
	const char *sde;
	struct pv_err e = { 0 };
	struct pv_initrd_skip skip[2];
	struct pv_out out;
	struct stat st;
	size_t nskip = 0;
	uint64_t mtime = 0;

	ig_parse(&a, IG_CMD_INITRD, argc, argv);
	sde = getenv("SOURCE_DATE_EPOCH");
	if (sde && *sde &&
	    pv_parse_u64(sde, 0xFFFFFFFFull, &mtime, "SOURCE_DATE_EPOCH", &e))
		return pv_cli_fail("initrd", &e);
	if (pv_out_open(&out, a.output, &e))
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
	if (pv_out_check_not_input(&out, a.root, &e) ||
	    pv_initrd_build_skip(a.root, (enum pv_compress)a.compress,
				 (int64_t)mtime, skip, nskip, ig_out_sink, &out,
				 &e) ||
	    pv_out_commit(&out, &e)) {
		pv_out_abort(&out);
		return pv_cli_fail("initrd", &e);
	}
	return PV_EXIT_OK;
}
