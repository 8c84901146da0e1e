/* SPDX-License-Identifier: Apache-2.0 */
/* opts.h - the one option table of igvmgen's commands (CLI only). */
#ifndef PODVM_TOOLS_IGVMGEN_OPTS_H
#define PODVM_TOOLS_IGVMGEN_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cli.h"
#include "igvm/linux.h"

struct pv_err;

/* The commands, in the option table's .cmds masks. */
enum { IG_CMD_BUILD, IG_CMD_CHECK, IG_CMD_DUMP, IG_CMD_INITRD };

/* The options of igvmgen: one row each in ig_opt_table (opts.c), which
 * says which commands take them and the rules between them. */
enum {
	IG_O_KERNEL,
	IG_O_INITRD,
	IG_O_CMDLINE,
	IG_O_CMDLINE_FILE,
	IG_O_VMM,
	IG_O_PLATFORM,
	IG_O_VCPUS,
	IG_O_MEMORY,
	IG_O_SEV_FEATURES,
	IG_O_POLICY,
	IG_O_ACPI_PAGES,	/* clh only, from here to IG_O_ARCH */
	IG_O_ACPI_DIR,
	IG_O_BOOT_MODE,
	IG_O_PVALIDATE,
	IG_O_ENCRYPTED_PAGE,
	IG_O_SVME,
	IG_O_VTL,
	IG_O_ARCH,
	IG_O_ID_KEY,		/* the SNP ID block */
	IG_O_ID_LD,
	IG_O_FAMILY_ID,
	IG_O_IMAGE_ID,
	IG_O_GUEST_SVN,
	IG_O_ID_VERSION,
	IG_O_ROOT,		/* initrd */
	IG_O_OUTPUT,		/* build, initrd */
	IG_O_COMPRESS,
	IG_O_JSON_BUILD,
	IG_O_JSON_DUMP,
	IG_O_COUNT
};

struct ig_opts {
	struct pv_igvm_build b;	/* build: the layout and ID block */
	const char *kernel, *initrd, *cmdline, *cmdline_file;
	const char *acpi_pages, *acpi_dir, *id_key;
	const char *root, *output;
	unsigned compress;	/* enum pv_compress */
	bool json;
	size_t id_ld_len, family_id_len, image_id_len;
	struct pv_opts st;	/* what was given; for pv_opts_usage_error */
};

/**
 * ig_parse - the defaults (pv_igvm_build_init's, gzip), then the options
 * of command @cmd (IG_CMD_*) from the table: every bad value and every
 * broken rule is a usage error (exit 2)
 * returns: the index in @argv of the first operand (o->st.noperands follow)
 */
int ig_parse(struct ig_opts *o, unsigned cmd, int argc, char **argv);

/** ig_out_sink - a writer callback appending to the struct pv_out @ctx */
int ig_out_sink(void *ctx, const void *buf, size_t len, struct pv_err *e);

#endif
