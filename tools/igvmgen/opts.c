/* SPDX-License-Identifier: Apache-2.0 */
/* opts.c - the one option table of igvmgen: parsing, usage and rules. */
#include "opts.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "initrd/initrd.h"

/* yes|no (igvm-tooling's booleans also as true|false, 1|0) into an int */
static int parse_yesno(const char *arg, void *dst, struct pv_err *e)
{
	int v;

	if (!strcmp(arg, "yes") || !strcmp(arg, "true") || !strcmp(arg, "1"))
		v = 1;
	else if (!strcmp(arg, "no") || !strcmp(arg, "false") || !strcmp(arg, "0"))
		v = 0;
	else
		return pv_errf(e, PV_EINVAL, "'%s', expected yes or no", arg);
	memcpy(dst, &v, sizeof(v));
	return 0;
}

/* in the order of enum pv_vmm, pv_platform, pv_compress */
static const char *const vmm_names[] = { "qemu", "clh", NULL };
static const char *const platform_names[] = { "snp", "native", NULL };
static const char *const compress_names[] = { "none", "gzip", NULL };
/* the index is the int the layout takes: boot_x64, arch_amd */
static const char *const boot_names[] = { "x86", "x64", NULL };
static const char *const arch_names[] = { "intel", "amd", NULL };

_Static_assert(PV_VMM_CLH == 1 && PV_PLATFORM_NATIVE == 1 &&
	       PV_COMPRESS_GZIP == 1, "the names follow the enums");

#define BLD PV_CMD_BIT(IG_CMD_BUILD)
#define DMP PV_CMD_BIT(IG_CMD_DUMP)
#define INI PV_CMD_BIT(IG_CMD_INITRD)
#define B(m) PV_OPT_DST(struct ig_opts, b.m)
#define DST(m) PV_OPT_DST(struct ig_opts, m)
/* a clh option: only with --vmm clh */
#define CLH .cmds = BLD, .only_with = IG_O_VMM + 1, .only_with_value = "clh"
/* an ID block field: only with the key that signs the block */
#define IDB .cmds = BLD, .requires = PV_OPT_BIT(IG_O_ID_KEY)

static const struct pv_opt ig_opt_table[IG_O_COUNT] = {
	[IG_O_KERNEL] = { "kernel", 0, PV_ARG_PATH_IN, NULL,
		"the kernel (bzImage, boot protocol 2.12 or later)",
		DST(kernel), .cmds = BLD, .required_in = BLD },
	[IG_O_INITRD] = { "initrd", 0, PV_ARG_PATH_IN, NULL,
		"the initrd (optional)", DST(initrd), .cmds = BLD },
	[IG_O_CMDLINE] = { "cmdline", 0, PV_ARG_STR, "TEXT",
		"the kernel command line", DST(cmdline), .cmds = BLD,
		.conflicts = PV_OPT_BIT(IG_O_CMDLINE_FILE) },
	[IG_O_CMDLINE_FILE] = { "cmdline-file", 0, PV_ARG_PATH_IN, NULL,
		"the command line from FILE (one trailing newline is dropped)",
		DST(cmdline_file), .cmds = BLD },
	[IG_O_VMM] = { "vmm", 0, PV_ARG_ENUM, NULL,
		"the loader: qemu (QEMU/KVM; VMSA at 0xFFFFFFFFF000, last) or clh (Cloud Hypervisor / Hyper-V, igvm-tooling's layout; SNP only)",
		B(o.vmm), .names = vmm_names, .cmds = BLD, .required_in = BLD },
	[IG_O_PLATFORM] = { "platform", 0, PV_ARG_ENUM, NULL,
		"isolation (default snp)",
		B(o.platform), .names = platform_names, .cmds = BLD },
	[IG_O_VCPUS] = { "vcpus", 0, PV_ARG_U64, NULL,
		"vCPUs, 1..4096 (default 1; qemu: KVM starts the APs; clh: local APICs in the built-in MADT)",
		B(o.vcpus), .min = 1, .max = 4096, .cmds = BLD },
	[IG_O_MEMORY] = { "memory", 0, PV_ARG_SIZE, NULL,
		"qemu: guest RAM, e.g. 512M (default 512M)",
		B(o.memory), .cmds = BLD, .only_with = IG_O_VMM + 1,
		.only_with_value = "qemu" },
	[IG_O_SEV_FEATURES] = { "sev-features", 0, PV_ARG_U64, "HEX",
		"VMSA sev_features (default qemu 0x1, clh 0x9)",
		B(o.sev_features), .cmds = BLD },
	[IG_O_POLICY] = { "policy", 0, PV_ARG_U64, "HEX",
		"SNP guest policy (default qemu 0x30000, clh 0x3001f)",
		B(o.policy), .cmds = BLD },
	[IG_O_ACPI_PAGES] = { "acpi-pages", 0, PV_ARG_PATH_IN, "DIR",
		"clh: ready ACPI pages, one 4 KiB file per page named by its GPA in hex (0x000e0000.bin) [acpi.zip]; without it, a built-in RSDP, XSDT, FADT, MADT (--vcpus local APICs) and empty DSDT",
		DST(acpi_pages), CLH },
	[IG_O_ACPI_DIR] = { "acpi-dir", 0, PV_ARG_PATH_IN, "DIR",
		"clh: compiled tables (*.aml: RSDP, XSDT, FACP, DSDT, FACS, APIC, MCFG, TPM2, ...) laid out as igvm-tooling lays them out [-acpi_dir]",
		DST(acpi_dir), CLH, .conflicts = PV_OPT_BIT(IG_O_ACPI_PAGES) },
	[IG_O_BOOT_MODE] = { "boot-mode", 0, PV_ARG_ENUM, "x64|x86",
		"clh: 64-bit (default) or 32-bit entry [-boot_mode]",
		B(o.boot_x64), .names = boot_names, CLH },
	[IG_O_PVALIDATE] = { "pvalidate-opt", 0, PV_ARG_CUSTOM, "yes|no",
		"clh: launch only the image and early ranges (default yes) [-pvalidate_opt]",
		B(o.pvalidate_opt), .parse = parse_yesno, CLH },
	[IG_O_ENCRYPTED_PAGE] = { "encrypted-page", 0, PV_ARG_CUSTOM, "yes|no",
		"clh: C-bit in the page tables (default yes) [-encrypted_page]",
		B(o.encrypted_page), .parse = parse_yesno, CLH },
	[IG_O_SVME] = { "svme", 0, PV_ARG_CUSTOM, "yes|no",
		"clh: EFER.SVME (default yes) [-svme]",
		B(o.svme), .parse = parse_yesno, CLH },
	[IG_O_VTL] = { "vtl", 0, PV_ARG_U64, NULL,
		"clh: highest_vtl, 0..15 (default 0) [-vtl]",
		B(o.vtl), .max = 15, CLH },
	[IG_O_ARCH] = { "arch", 0, PV_ARG_ENUM, NULL,
		"clh: intel (default): VMSA RFLAGS 0x2; amd: 0 [-arch]",
		B(o.arch_amd), .names = arch_names, CLH },
	[IG_O_ID_KEY] = { "id-key", 0, PV_ARG_PATH_IN, "PEM",
		"sign an SNP ID block with this P-384 key (RFC 6979 deterministic ECDSA) [-sign_key]",
		DST(id_key), .cmds = BLD },
	[IG_O_ID_LD] = { "id-ld", 0, PV_ARG_HEX, NULL,
		"the launch digest to sign, 48 bytes; default: the digest of the file being built, as `measure snp --igvm FILE --vmm` the same VMM computes it (qemu: 1 vCPU)",
		B(id.ld), .min = 48, .max = 48,
		.len_off = offsetof(struct ig_opts, id_ld_len), IDB },
	[IG_O_FAMILY_ID] = { "family-id", 0, PV_ARG_HEX, NULL,
		"16 bytes (default 01 00.., igvm-tooling's)",
		B(id.family_id), .min = 16, .max = 16,
		.len_off = offsetof(struct ig_opts, family_id_len), IDB },
	[IG_O_IMAGE_ID] = { "image-id", 0, PV_ARG_HEX, NULL,
		"16 bytes (default 02 00.., igvm-tooling's)",
		B(id.image_id), .min = 16, .max = 16,
		.len_off = offsetof(struct ig_opts, image_id_len), IDB },
	[IG_O_GUEST_SVN] = { "guest-svn", 0, PV_ARG_U64, NULL,
		"the ID block's guest SVN (default 2, igvm-tooling's)",
		B(id.guest_svn), IDB },
	[IG_O_ID_VERSION] = { "id-version", 0, PV_ARG_U64, NULL,
		"the ID block's version (default 1, igvm-tooling's)",
		B(id.version), IDB },
	[IG_O_ROOT] = { "root", 0, PV_ARG_PATH_IN, "DIR", "the tree to archive",
		DST(root), .cmds = INI, .required_in = INI },
	[IG_O_OUTPUT] = { "output", 'o', PV_ARG_PATH_OUT, NULL,
		"the file to write (atomically)",
		DST(output), .cmds = BLD | INI, .required_in = BLD | INI },
	[IG_O_COMPRESS] = { "compress", 0, PV_ARG_ENUM, "gzip|none",
		"compression (default gzip)",
		DST(compress), .names = compress_names, .cmds = INI },
	[IG_O_JSON_BUILD] = { "json", 0, PV_ARG_FLAG, NULL,
		"print the regions laid out as JSON",
		DST(json), .cmds = BLD },
	[IG_O_JSON_DUMP] = { "json", 0, PV_ARG_FLAG, NULL,
		"one JSON document instead of text",
		DST(json), .cmds = DMP },
};

/* every command's spec: the one table, and its operands */
#define TABLE(lo, hi) .opts = ig_opt_table, .nopts = IG_O_COUNT, \
	.min_operands = (lo), .max_operands = (hi)

static const struct pv_cli_spec specs[] = {
	[IG_CMD_BUILD] = {
		.cmd = IG_CMD_BUILD,
		.synopsis = "--kernel FILE --vmm qemu|clh -o FILE [OPTION]...",
		.about = "Lay out a Linux bzImage, an initrd and a command line as an IGVM file.\n",
		.footer = "Options marked clh are for --vmm clh only, igvm-tooling's name in\n"
			  "brackets.  --id-key appends an SNP ID block; --id-ld, --family-id,\n"
			  "--image-id, --guest-svn and --id-version are its fields.\n",
		TABLE(0, 0),
	},
	[IG_CMD_CHECK] = {
		.cmd = IG_CMD_CHECK,
		.synopsis = "FILE",
		.about = "Validate the IGVM file FILE (igvm.md §2-§7 rules, CRC-32) and print\n"
			 "\"FILE: ok\"; exit 0 when valid, 3 when its CRC-32 does not match\n"
			 "(corrupted), 1 when it is malformed or unreadable.\n",
		TABLE(1, 1),
	},
	[IG_CMD_DUMP] = {
		.cmd = IG_CMD_DUMP,
		.synopsis = "[--json] FILE",
		.about = "Decode every header of the IGVM file FILE, with file-data statistics\n"
			 "and the CRC result.  Exit 3 when its CRC-32 does not match (the file\n"
			 "is corrupted, whatever else is wrong), 1 when it is malformed.\n",
		TABLE(1, 1),
	},
	[IG_CMD_INITRD] = {
		.cmd = IG_CMD_INITRD,
		.synopsis = "--root DIR -o FILE [--compress gzip|none]",
		.about = "Archive the tree DIR as a reproducible newc cpio initramfs: entries\n"
			 "sorted by path, uid/gid 0, every mtime SOURCE_DATE_EPOCH (or 0),\n"
			 "sequential inode numbers, nlink 1 (2 for folders).  With gzip (the\n"
			 "default) the gzip header has mtime 0 and OS byte 3.  An output inside\n"
			 "DIR is left out of the archive.\n",
		TABLE(0, 0),
	},
};

int ig_parse(struct ig_opts *o, unsigned cmd, int argc, char **argv)
{
	const struct pv_opts *st = &o->st;
	int first;

	memset(o, 0, sizeof(*o));
	pv_igvm_build_init(&o->b);
	o->compress = PV_COMPRESS_GZIP;
	first = pv_opts_parse(&specs[cmd], argc, argv, o, &o->st);
	o->b.sev_features_set = pv_opt_given(st, IG_O_SEV_FEATURES);
	o->b.policy_set = pv_opt_given(st, IG_O_POLICY);
	o->b.id_ld_set = pv_opt_given(st, IG_O_ID_LD);
	return first;
}

int ig_out_sink(void *ctx, const void *buf, size_t len, struct pv_err *e)
{
	return pv_out_write(ctx, buf, len, e);
}
