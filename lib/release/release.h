/* SPDX-License-Identifier: Apache-2.0 */
/*
 * release.h - what a build publishes for verifiers and installers
 * (contrast.md sections 4 and 5, cca-rim.md section 7):
 *
 * - artifacts.json, the node-installer index: every artifact with its
 *   install path, size and a Subresource-Integrity string ("sha256-" +
 *   base64 of the digest, as Contrast's node installer checks it);
 * - refvalues.json: every launch measurement of the release with the
 *   recipe that recomputes it, plus the same values in the formats the
 *   verifiers consume (Contrast's reference values keyed by runtime
 *   handler, Trustee RVPS sample messages, a ccatoken store);
 * - the explanation of a measurement: its step log folded into regions,
 *   so two releases can be compared region by region.
 *
 * The JSON schemas of both files are in refvalues/{refvalues,artifacts}.schema.json; the
 * parsers here check the same rules and name the field that breaks one.
 */
#ifndef PODVM_RELEASE_H
#define PODVM_RELEASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/digest.h"

struct pv_err;

/* ---- Subresource Integrity (W3C SRI 3.5: "<alg>-<base64 digest>") ---- */

#define PV_SRI_MAX 100 /* "sha512-" + 88 base64 characters + NUL */

/**
 * pv_sri_format - "sha256-<base64>" for a digest of @alg
 * returns: 0, PV_EINVAL (SHA-1: not an SRI algorithm; or @outsize short)
 */
int pv_sri_format(enum pv_hash alg, const uint8_t *digest, char *out,
		  size_t outsize);

/**
 * pv_sri_parse - split an SRI string into its algorithm and digest
 * @what: the field, for messages
 * returns: 0, PV_EFORMAT (not sha256-/sha384-/sha512- + base64 of the
 *          digest length)
 */
int pv_sri_parse(const char *s, enum pv_hash *alg, uint8_t *digest,
		 const char *what, struct pv_err *e);

/**
 * pv_sri_file - the SRI string and size of file @name of release folder
 * @dir, read as pv_rel_map reads it (a regular file inside @dir only)
 * returns: 0, PV_EIO (the message names the file), PV_ETOOBIG
 */
int pv_sri_file(const char *dir, const char *name, enum pv_hash alg,
		char *out, size_t outsize, uint64_t *size, struct pv_err *e);

/* ---- strict JSON field access: errors name "FILE: a.b[3].c" ---- */

enum pv_jf_flags {
	PV_JF_OPTIONAL = 1, /* absent is fine: *out left alone, returns 1 */
};

/**
 * pv_jf_str - member @key of object @o as a string
 * @path: the object's position ("refvalues.json: values[2]")
 * returns: 0, 1 (absent and PV_JF_OPTIONAL), PV_EFORMAT
 */
int pv_jf_str(const json_t *o, const char *key, int flags, const char *path,
	      const char **out, struct pv_err *e);
/** pv_jf_uint - an integer member in [min, max]; returns as pv_jf_str */
int pv_jf_uint(const json_t *o, const char *key, int flags, uint64_t min,
	       uint64_t max, const char *path, uint64_t *out,
	       struct pv_err *e);
/** pv_jf_bool - a true/false member; returns as pv_jf_str */
int pv_jf_bool(const json_t *o, const char *key, int flags, const char *path,
	       bool *out, struct pv_err *e);
/**
 * pv_jf_get - a member of a JSON @type (JSON_OBJECT, JSON_ARRAY, ...)
 * returns as pv_jf_str
 */
int pv_jf_get(const json_t *o, const char *key, json_type type, int flags,
	      const char *path, json_t **out, struct pv_err *e);
/**
 * pv_jf_only - @o has no member outside the NULL-terminated @keys (a typo
 * in a hand-written file must not be ignored)
 * returns: 0 or PV_EFORMAT naming the member
 */
int pv_jf_only(json_t *o, const char *const *keys, const char *path,
	       struct pv_err *e);
/**
 * pv_jf_header - the common head of artifacts.json and refvalues.json: an
 * object with no member outside @keys, "version": 1, and "image": {"name",
 * "version"}
 * returns: 0 or PV_EFORMAT naming the member
 */
int pv_jf_header(json_t *doc, const char *name, const char *const *keys,
		 const char **image, const char **version, struct pv_err *e);
/** pv_jf_hex - a string of exactly @len bytes in lower-case hex */
int pv_jf_hex(const json_t *o, const char *key, size_t len, const char *path,
	      uint8_t *out, struct pv_err *e);

/**
 * pv_name_ok - @s is a plain file name of a release folder: 1..128
 * characters of [A-Za-z0-9._+-], not starting with a dot (so no "..",
 * no "/", nothing outside the folder)
 */
bool pv_name_ok(const char *s);

/* ---- explanations: a step log folded into regions ---- */

/**
 * pv_log_regions - fold a `measure snp|cca --log` file into regions: one
 * entry per run of consecutive lines with the same "region", with the
 * count of updates, the first GPA, the SHA-256 of the run's (gpa, page
 * type, contents) and the digest after its last update
 * @name: the log, for messages
 * returns: a new JSON array, or NULL with @e set (PV_EFORMAT names the
 *          line; PV_ENOMEM)
 */
json_t *pv_log_regions(const uint8_t *log, size_t len, const char *name,
		       struct pv_err *e);

/* The same fold, one log line at a time (a launch's observer feeds it). */
struct pv_region_fold;

/** pv_region_fold_new - an empty fold; NULL with @e set (PV_ENOMEM) */
struct pv_region_fold *pv_region_fold_new(struct pv_err *e);
/**
 * pv_region_fold_add - fold one log line (@line is not taken)
 * @name, @lineno: name the line in messages
 * returns: 0, PV_EFORMAT (not a log object, no "region" or "digest"),
 *          PV_ENOMEM, PV_ECRYPTO
 */
int pv_region_fold_add(struct pv_region_fold *f, json_t *line,
		       const char *name, uint64_t lineno, struct pv_err *e);
/**
 * pv_region_fold_finish - the region list; frees @f
 * returns: a new array, or NULL with @e set
 */
json_t *pv_region_fold_finish(struct pv_region_fold *f, const char *name,
			      struct pv_err *e);
/** pv_region_fold_free - drop a fold unfinished; accepts NULL */
void pv_region_fold_free(struct pv_region_fold *f);

#define PV_REGION_TEXT 200

/**
 * pv_regions_diverge - the first region where two region lists differ
 * @region: receives its name (from @b, else @a)
 * @why: receives what differs ("contents", "updates 3 vs 4", ...)
 * returns: 1 when they differ, 0 when they agree
 */
int pv_regions_diverge(const json_t *a, const json_t *b, char *region,
		       size_t rsize, char *why, size_t wsize);

/* ---- SEV-SNP guest policy as Contrast's GuestPolicy ---- */

/**
 * pv_snp_policy_json - the GUEST_POLICY bits (SEV-SNP ABI spec, table
 * "GUEST_POLICY Structure"; igvm.md 5) as the fields of go-sev-guest's
 * abi.SnpPolicy that Contrast's manifest carries
 * returns: a new object, or NULL when out of memory
 */
json_t *pv_snp_policy_json(uint64_t policy);

/**
 * pv_snp_product_vcpu_type - the QEMU CPU model of an SNP product name
 * ("Milan" -> "EPYC-Milan"); NULL for an unknown product
 */
const char *pv_snp_product_vcpu_type(const char *product);

/* ---- the release configuration (images/<name>/release.json) ---- */

#define PV_REL_MAX_FILES 64
#define PV_REL_MAX_TARGETS 16
#define PV_REL_MAX_PRODUCTS 4
#define PV_REL_MAX_VCPUS 64

/* One launch configuration to publish values for. */
struct pv_rel_target {
	bool cca;			/* else SEV-SNP, or TDX: */
	bool tdx;			/* QEMU + TDVF direct boot */
	const char *platform;		/* "metal-qemu-snp-igvm", ... */
	const char *vmm;		/* snp: qemu|clh; cca: kvmtool|qemu */
	/* SEV-SNP: an IGVM file, or QEMU + OVMF direct boot (ovmf, kernel,
	 * initrd, cmdline, and the guest policy QEMU is given), for each
	 * product and vCPU count */
	const char *igvm, *ovmf;
	bool has_policy;
	uint64_t policy;
	const char *products[PV_REL_MAX_PRODUCTS];
	size_t nproducts;
	unsigned vcpus[PV_REL_MAX_VCPUS]; /* none: any count (clh) */
	size_t nvcpus;
	/* direct boot (snp ovmf) and Arm CCA: the payload */
	const char *kernel, *initrd, *cmdline;
	/* Arm CCA: `measure cca` over these artifacts; a firmware boot
	 * names the firmware instead of the kernel (cca-rim.md §11) */
	const char *rmm, *memory, *algorithm, *firmware;
	unsigned cpus, disks, sve_vl, pmu;
	/* TDX (ovmf: the firmware, memory: the guest's RAM, vcpus: one
	 * value per count): QEMU's ACPI blobs per vCPU count, the names with
	 * "{vcpus}" replaced by the count (docs/tdx.md 11); whether the
	 * kernel's EFI stub measures into RTMR2; the TD's XFAM, a
	 * configuration fact the verifiers compare (8 bytes, hex) */
	const char *acpi_loader, *acpi_rsdp, *acpi_tables;
	bool stub_measures;
	const char *xfam;
	/* skipped, with a note, while the release folder lacks one of its
	 * files (a stage that is not built yet) */
	bool optional;
	/* cca: what the release says of the target, a note of its own in
	 * refvalues.json ("PLATFORM: NOTE") when its values are computed */
	const char *note;
};

struct pv_rel_file {
	const char *name;	/* in the release folder */
	const char *path;	/* install path, relative to install_root */
	bool executable;
	bool optional;		/* absent from the folder: left out, noted */
};

/* Trustee's SNP verifier: MEASUREMENT in hex since v0.18.0 (base64
 * before), typed policy claims since v0.14.0 (strings before);
 * contrast.md 10 */
struct pv_trustee {
	const char *version;	/* "0.18.0" */
	bool hex;		/* measurement encoding */
	bool typed;		/* numbers and booleans, not strings */
};

struct pv_rel_config {
	json_t *doc;		/* owns every string below */
	const char *handler_prefix;	/* "contrast-cc" */
	const char *install_root;	/* "/opt/podvm/@@runtimeName@@" */
	const char *url_template;	/* "...{image}/{version}/{name}" */
	enum pv_hash integrity;
	struct pv_rel_file files[PV_REL_MAX_FILES];
	size_t nfiles;
	struct pv_rel_target targets[PV_REL_MAX_TARGETS];
	size_t ntargets;
	/* product -> Contrast's SNPTCB, when the release engineer knows the
	 * hosts' TCB (release.json "minimumTCB"); NULL: left out */
	json_t *minimum_tcb;
	struct pv_trustee trustee;	/* release.json "trustee" */
	/* the release location for @@releaseBase@@: release.json
	 * "releaseBase", else $PODVM_RELEASE_BASE; NULL: the placeholder stays */
	const char *release_base;
	const char *qemu_extra_kernel_params; /* "" when none */
};

/**
 * pv_rel_tcb_check - @tcb is product (Milan, Genoa, Turin) -> Contrast's
 * SNPTCB {BootloaderVersion, TEEVersion, SNPVersion, MicrocodeVersion},
 * each 0..255
 * @path: names @tcb in messages
 * returns: 0 or PV_EFORMAT naming the member
 */
int pv_rel_tcb_check(json_t *tcb, const char *path, struct pv_err *e);

/**
 * pv_trustee_from_version - the verifier's encodings for Trustee version
 * @v ("MAJOR.MINOR.PATCH", an optional leading "v")
 * returns: 0, PV_EFORMAT (not a version)
 */
int pv_trustee_from_version(const char *v, struct pv_trustee *t,
			    struct pv_err *e);

/**
 * pv_contrast_platform - the platform Contrast reads out of runtime
 * handler "contrast-cc-@platform-<8 hex>" (edgelesssys/contrast
 * internal/platforms FromString and FromRuntimeClassString,
 * internal/manifest platformFromHandler; contrast.md 4.4)
 * returns: "metal-qemu-snp", "metal-qemu-snp-gpu", "metal-qemu-tdx",
 *          "metal-qemu-tdx-gpu", or NULL when Contrast rejects the name
 */
const char *pv_contrast_platform(const char *platform);

/**
 * pv_rel_expand - @tmpl with "{vcpus}" replaced by @n (a TDX target's ACPI
 * file names)
 * returns: 0, -1 (too long, or not a file name of the release folder)
 */
int pv_rel_expand(const char *tmpl, unsigned n, char *out, size_t size);

/**
 * pv_rel_config_load - read and check a release configuration
 * returns: 0, PV_EIO, PV_EFORMAT (the message names the member)
 */
int pv_rel_config_load(const char *path, struct pv_rel_config *c,
		       struct pv_err *e);
void pv_rel_config_free(struct pv_rel_config *c);

/* ---- artifacts.json ---- */

struct pv_art_file {
	const char *name, *url, *path, *integrity;
	uint64_t size;
	bool executable;
};

struct pv_art_index {
	json_t *doc;
	const char *image, *version;
	struct pv_art_file files[PV_REL_MAX_FILES];
	size_t nfiles;
};

/* The files a release folder holds that the index does not list: its own
 * outputs and the checksum list over everything. */
bool pv_art_is_index_file(const char *name);

/**
 * pv_art_build - the node-installer index of release folder @dir: every
 * regular file, sorted by name, with its install path and URL from @c,
 * size and integrity.  A file without an install path in @c, or a path in
 * @c without its file, is an error (nothing is published half-indexed).
 * returns: a new document, or NULL with @e set
 */
json_t *pv_art_build(const struct pv_rel_config *c, const char *dir,
		     const char *image, const char *version, struct pv_err *e);

/**
 * pv_art_parse - check an artifacts.json document (the rules of
 * refvalues/artifacts.schema.json) and index its files
 * @doc: taken over by @x (released by pv_art_free)
 * returns: 0 or PV_EFORMAT naming the member
 */
int pv_art_parse(json_t *doc, const char *name, struct pv_art_index *x,
		 struct pv_err *e);
void pv_art_free(struct pv_art_index *x);

/** pv_art_find - the file called @name, or NULL */
const struct pv_art_file *pv_art_find(const struct pv_art_index *x,
				      const char *name);

/* ---- one value's recipe: the `measure` command that computes it ---- */

struct pv_rv_recipe {
	bool cca, tdx;
	const char *platform, *vmm;
	const char *product;		/* snp */
	unsigned vcpus;			/* snp: 0 = any (clh) */
	const char *igvm, *ovmf;	/* snp: one of them */
	const char *kernel, *initrd, *cmdline; /* cca, snp with ovmf */
	const char *rmm, *memory, *algorithm;
	const char *firmware;		/* cca: instead of kernel */
	unsigned cpus, disks, sve_vl, pmu; /* cca (0: none) */
	/* tdx: ovmf (the firmware), kernel, initrd, cmdline, memory, vcpus
	 * (the count the ACPI blobs were made for), and: */
	const char *acpi_loader, *acpi_rsdp, *acpi_tables;
	bool stub_measures;
};

#define PV_RV_TDX_REGS 5	/* MRTD, RTMR0..3 */

#define PV_RV_ARGV_MAX 40

struct pv_rv_argv {
	int argc;
	char *argv[PV_RV_ARGV_MAX + 1];	/* argv[0] = "measure" */
	char buf[16384];
	size_t used;
};

/**
 * pv_rv_argv_build - the argument vector of `measure` for @r, files taken
 * from folder @dir ("" for bare names, as the printed command shows them)
 * @cmdline_text: cca with a cmdline file: its contents (the -p value)
 * returns: 0, PV_EINVAL (a product without a CPU model), PV_ERANGE (too
 *          long)
 */
int pv_rv_argv_build(const struct pv_rv_recipe *r, const char *dir,
		     const char *cmdline_text, struct pv_rv_argv *a,
		     struct pv_err *e);

/** pv_rv_recipe_json - the recipe as refvalues.json stores it */
json_t *pv_rv_recipe_json(const struct pv_rv_recipe *r);

/** pv_rv_id - "PLATFORM/PRODUCT/VCPUS", "PLATFORM/CPUScpu" (cca) or
 * "PLATFORM/VCPUSvcpu" (tdx) */
void pv_rv_id(const struct pv_rv_recipe *r, char *out, size_t size);

/**
 * pv_rv_command - the command line that computes @r as an auditor types
 * it in the release folder (a cmdline file as "$(cat FILE)")
 * returns: a new string (free()), or NULL when out of memory
 */
char *pv_rv_command(const struct pv_rv_recipe *r);

/* ---- reading a release folder ---- */

struct pv_map;

/**
 * pv_rel_map - map file @name of release folder @dir: only a regular file
 * (a FIFO, device or folder is refused at once, never read), of at most
 * @max bytes (checked with fstat before mapping), named by a plain file
 * name; a symbolic link is followed only when it resolves inside @dir
 * returns: 0, PV_EIO (cannot open; not a regular file; a link leaving the
 *          folder: the message names the path), PV_ETOOBIG, PV_EINVAL
 */
int pv_rel_map(const char *dir, const char *name, uint64_t max,
	       struct pv_map *m, struct pv_err *e);

/**
 * pv_rv_cmdline_text - the kernel command line in file @name of @dir (one
 * line; a final newline dropped), as -p or --append takes it
 * returns: 0, PV_EFORMAT (more than one line, a NUL), pv_rel_map's errors
 */
int pv_rv_cmdline_text(const char *dir, const char *name, char *out,
		       size_t size, struct pv_err *e);

/* ---- computing a value ---- */

/* What a recipe computes. */
struct pv_rv_computed {
	uint8_t m[PV_HASH_MAX];
	size_t mlen;
	bool has_policy;	/* an IGVM's GUEST_POLICY */
	uint64_t policy;
	bool has_ap_eip;	/* QEMU + OVMF: OVMF's AP reset EIP */
	uint32_t ap_eip;
	json_t *regions;	/* the step log folded (pv_log_regions) */
	bool tdx;		/* m is unused; regs hold MRTD, RTMR0..3 */
	uint8_t regs[PV_RV_TDX_REGS][48];
	/* tdx: the digests of the kernel's EV_EFI_BOOT_SERVICES_APPLICATION
	 * and of the stub's LoadOptions event (the event log entries Trustee's
	 * default policy compares: tdvfkernel, tdvfkernelparams) */
	uint8_t kernel_ev[48], params_ev[48];
	bool has_params_ev;
};

/* Sees each step log line, as `measure snp|cca --log` writes it (the line
 * is borrowed: json_incref to keep it). */
typedef void (*pv_rv_line_fn)(void *arg, json_t *line);

/** pv_rv_tdx_reg_name - "mrtd", "rtmr0" .. "rtmr3" for index 0..4 */
const char *pv_rv_tdx_reg_name(size_t i);

/**
 * pv_rv_compute - the value of recipe @r over the files of release folder
 * @dir, computed in this process by lib/snp (an IGVM, or QEMU + OVMF direct
 * boot), lib/cca or lib/tdx (pv_tdx_measure), with the defaults of the recipe's printed command
 * (pv_rv_command), which computes the same value
 * @line: NULL, or called with every step log line in order
 * @c: zeroed and filled; release with pv_rv_computed_free
 * returns: 0; PV_EINVAL (a recipe the launch does not take), the errors
 *          of pv_rel_map and of the launch (its message names the file)
 */
int pv_rv_compute(const struct pv_rv_recipe *r, const char *dir,
		  pv_rv_line_fn line, void *arg, struct pv_rv_computed *c,
		  struct pv_err *e);
void pv_rv_computed_free(struct pv_rv_computed *c);

/* ---- refvalues.json ---- */

#define PV_RV_MAX_VALUES 512

struct pv_rv_value {
	json_t *obj;		/* the value's object in the document */
	const char *id, *handler;
	struct pv_rv_recipe recipe;
	uint8_t measurement[PV_HASH_MAX];
	size_t mlen;		/* 48 (snp), 32/48/64 (cca) */
	bool has_policy;
	uint64_t policy;
	bool has_ap_eip;	/* snp with ovmf: the AP reset EIP (APEIP) */
	uint32_t ap_eip;
	json_t *regions;
	json_t *inputs;		/* name -> integrity */
	/* a Contrast platform's value: Contrast's ID block and ID auth
	 * (base64, as QEMU's id-block= and id-auth= take them) */
	const char *id_block, *id_auth;
	/* tdx: no measurement (mlen 0); MRTD and RTMR0..3, the XFAM, and
	 * the kernel's and LoadOptions' event digests */
	uint8_t regs[PV_RV_TDX_REGS][48];
	const char *xfam;
	uint8_t kernel_ev[48], params_ev[48];
	bool has_params_ev;
};

struct pv_rv_doc {
	json_t *doc;
	const char *image, *version;
	const char *artifacts_file, *artifacts_integrity;
	json_t *consumers;	/* NULL when absent */
	struct pv_rv_value values[PV_RV_MAX_VALUES];
	size_t nvalues;
};

/**
 * pv_rv_parse - check a refvalues.json document member by member (the
 * rules of refvalues/refvalues.schema.json) and index its values
 * @doc: taken over by @d (released by pv_rv_free)
 * returns: 0 or PV_EFORMAT naming the member
 */
int pv_rv_parse(json_t *doc, const char *name, struct pv_rv_doc *d,
		struct pv_err *e);
void pv_rv_free(struct pv_rv_doc *d);

/**
 * pv_rv_derive_for - the consumer sections computed from the values and the
 * consumers' settings (refvalues.json "consumers"; NULL: the defaults):
 * "contrast" (handler -> {"snp": [...]}, Contrast's SNPReferenceValues,
 * only handlers and products Contrast accepts; a 1-vCPU value with its
 * APEIP stands for every vCPU count, contrast.md 4.5), "trustee" (RVPS
 * sample messages: all SNP digests, hex or base64 as the Trustee version
 * takes them, with the policy-derived values when one policy covers all;
 * "snpByPlatform" per platform), "ccatoken" (realm entries; only with cca
 * values)
 * returns: a new object with those members, or NULL when out of memory
 *          or @consumers is malformed
 */
json_t *pv_rv_derive_for(json_t *values, json_t *consumers);

/** pv_rv_derive - pv_rv_derive_for with the default consumers */
json_t *pv_rv_derive(json_t *values);

/**
 * pv_rv_consumers_parse - check refvalues.json's "consumers" member
 * (@c NULL: Trustee 0.18.0, no MinimumTCB)
 * @tcb: receives "minimumTCB" (product -> SNPTCB) or NULL
 * returns: 0 or PV_EFORMAT naming the member
 */
int pv_rv_consumers_parse(json_t *c, struct pv_trustee *t,
			  const json_t **tcb, struct pv_err *e);

/** pv_rv_consumers_json - the "consumers" member for configuration @cfg */
json_t *pv_rv_consumers_json(const struct pv_rel_config *cfg);

/**
 * pv_rv_handler - "<prefix>-<platform>-<first 8 hex digits of the
 * artifacts.json SHA-256>", the runtime handler the values are keyed by
 */
void pv_rv_handler(const char *prefix, const char *platform,
		   const uint8_t artifacts_sha256[32], char *out, size_t size);

/* ---- writing refvalues.json, verifying a release ---- */

/**
 * pv_rel_load_index - read and check artifacts.json (@file) of release
 * folder @dir (pv_rel_map), with its SHA-256 and integrity string
 * returns: 0, pv_rel_map's errors, PV_EFORMAT (JSON or schema; the
 *          message names the file and line or member)
 */
int pv_rel_load_index(const char *dir, const char *file,
		      struct pv_art_index *x, uint8_t sha256[32], char *sri,
		      size_t srisize, struct pv_err *e);

/* Called once per value computed: its id and measurement in hex. */
typedef void (*pv_rv_progress_fn)(void *arg, const char *id, const char *hex);

/**
 * pv_rv_build - the refvalues.json document of release folder @dir (with
 * its artifacts.json) for configuration @cfg: every value computed from
 * its recipe (pv_rv_compute), with its command, inputs and regions, and
 * the consumer sections (pv_rv_derive)
 * returns: a new document, or NULL with @e set (the message names the
 *          value)
 */
json_t *pv_rv_build(const struct pv_rel_config *cfg, const char *dir,
		    pv_rv_progress_fn progress, void *arg, struct pv_err *e);

/* One line of the audit: status "ok", "match", "ALTERED", "MISMATCH",
 * "missing" or "error"; what is checked (a file, a value id, a member);
 * the detail ("" for none). */
typedef void (*pv_rv_say_fn)(void *arg, const char *status, const char *what,
			     const char *detail);

struct pv_rv_verdict {
	size_t matching;	/* values that match */
	int mismatch;		/* ALTERED and MISMATCH lines */
	int missing;		/* missing and error lines */
};

/**
 * pv_rv_verify - audit the release of @d in folder @dir: artifacts.json
 * is the one @d was computed for and names the same image and version;
 * every artifact is a regular file of the folder with its size and
 * integrity; every value's command is its recipe's, its inputs are the
 * recipe's files with their integrity, and its measurement, policy, AP
 * EIP and regions are recomputed equal; the consumer sections follow
 * from the values.  @say gets one line per check.
 * returns: 0 (the verdict counts what failed); pv_rel_load_index's
 *          errors when artifacts.json cannot be read
 */
int pv_rv_verify(const struct pv_rv_doc *d, const char *dir, pv_rv_say_fn say,
		 void *arg, struct pv_rv_verdict *v, struct pv_err *e);

/**
 * pv_art_drift - the artifacts that changed between the artifacts.json
 * beside refvalues file @rv_a and the one beside @rv_b (@report as for
 * pv_rv_drift); *@n counts them
 * returns: 0 (also when neither file has an artifacts.json beside it);
 *          an error naming the file when only one has it or one cannot
 *          be read or parsed
 */
int pv_art_drift(const char *rv_a, const char *rv_b,
		 void (*report)(void *arg, const char *line, json_t *detail),
		 void *arg, size_t *n, struct pv_err *e);

#define PV_RV_DRIFT_TEXT 400

/**
 * pv_rv_drift - compare two published value sets by id
 * @report: called once per difference with a line of text and its
 *          details as JSON (the callee takes neither)
 * returns: the number of differences
 */
size_t pv_rv_drift(const struct pv_rv_doc *old, const struct pv_rv_doc *cur,
		   void (*report)(void *arg, const char *line, json_t *detail),
		   void *arg);

#endif
