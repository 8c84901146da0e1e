/* SPDX-License-Identifier: Apache-2.0 */
/*
 * launch.c - a realm's inputs to its RIM in one call (launch.h): host
 * profile defaults, kernel, layout, DTB, measurement; the log line of a
 * step; the ccatoken and RVPS encodings of a RIM (cca-rim.md 7.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cca/launch.h"
#include "core/base64.h"
#include "core/bytes.h"
#include "core/err.h"
#include "core/hex.h"
#include "core/json.h"

void pv_cca_launch_result_free(struct pv_cca_launch_result *r)
{
	if (!r)
		return;
	free(r->gen);
	free(r->kbuf);
	r->gen = NULL;
	r->kbuf = NULL;
}

/* The host profile's defaults (cca-rim.md 4.3, 5) */
static void profile_defaults(const struct pv_cca_launch *in,
			     struct pv_cca_user_params *u)
{
	memset(u, 0, sizeof(*u));
	u->lpa2 = in->lpa2;
	u->sve_vl_bits = in->sve_vl_bits;
	u->pmu_counters = in->pmu_counters;
	if (in->profile == PV_CCA_PROFILE_EAC5) {
		u->num_bps = in->num_bps ? in->num_bps : 3; /* measured as 2 */
		u->num_wps = in->num_wps ? in->num_wps : 3;
	} else {
		u->num_bps = in->num_bps ? in->num_bps : 1; /* a zeroed field */
		u->num_wps = in->num_wps ? in->num_wps : 1;
	}
}

static int kvmtool_dtb(const struct pv_cca_launch *in,
		       struct pv_cca_launch_result *r, struct pv_err *e)
{
	struct pv_cca_kvmtool_dt dt = { 0 };
	int rc;

	if (in->dtb) {
		if (in->dtb_len != PV_CCA_KVMTOOL_FDT_MAX)
			/* the window holds bytes fdt_pack leaves behind the
			 * tree: a bare FDT would measure wrong */
			return pv_errf(e, PV_EFORMAT, "%s: %zu bytes: kvmtool "
				       "measures its whole 64 KiB DTB window; "
				       "give the file lkvm --dump-dtb writes "
				       "(65536 bytes)", in->dtb_name,
				       in->dtb_len);
		r->dtb = in->dtb;
		r->dtb_len = in->dtb_len;
		return 0;
	}
	r->gen = malloc(PV_CCA_KVMTOOL_FDT_MAX);
	if (!r->gen)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	dt.ram_base = r->layout.ram_base;
	dt.ram_size = r->layout.ram_size;
	dt.ncpus = in->cpus;
	dt.irqchip = in->irqchip;
	dt.cmdline = in->cmdline;
	dt.nodefaults = in->nodefaults;
	dt.net = in->net;
	dt.firmware = r->layout.firmware;
	dt.disks = in->disks;
	dt.initrd_ipa = r->layout.initrd_ipa;
	dt.initrd_size = r->layout.initrd_size;
	if ((rc = pv_cca_kvmtool_dtb(&dt, r->gen, e)))
		return rc;
	r->dtb = r->gen;
	r->dtb_len = PV_CCA_KVMTOOL_FDT_MAX;
	return 0;
}

static int qemu_dtb(const struct pv_cca_launch *in,
		    struct pv_cca_launch_result *r, struct pv_err *e)
{
	struct pv_cca_qemu_dt qdt = { 0 };
	int rc;

	r->gen = malloc(PV_CCA_QEMU_FDT_SIZE);
	if (!r->gen)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	qdt.version = in->qemu_version;
	qdt.ram_size = r->layout.ram_size;
	qdt.ncpus = in->cpus;
	qdt.irqchip = in->irqchip;
	qdt.cmdline = in->cmdline;
	qdt.initrd_ipa = r->layout.initrd_ipa;
	qdt.initrd_size = r->layout.initrd_size;
	qdt.realm = in->qemu_realm;
	qdt.pmu = in->pmu_counters > 0;
	qdt.ipa_bits = in->ipa_bits;
	if ((rc = pv_cca_qemu_dtb(&qdt, r->gen, e)))
		return rc;
	r->dtb = r->gen;
	return 0;
}

/* kvmtool's ipa width: the EAC5 host fixes it */
static unsigned kvmtool_ipa(const struct pv_cca_launch *in,
			    const struct pv_cca_layout *l)
{
	if (in->ipa_bits)
		return in->ipa_bits;
	return in->profile == PV_CCA_PROFILE_EAC5 ? 33 : l->ipa_bits;
}

/*
 * kvmtool --firmware (cca-rim.md §11.1): the firmware takes the kernel's
 * place at the RAM base, with the size kvm__arch_get_image_size finds in
 * an arm64 Image header (magic only, as is_arm64_image) or the file's
 */
static int kvmtool_firmware(const struct pv_cca_launch *in,
			    struct pv_cca_launch_result *r, struct pv_err *e)
{
	const uint8_t *hdr = pv_slice(in->firmware, in->firmware_len, 0,
				      PV_ARM64_HDR_SIZE);
	uint64_t fw_mem = 0;
	int rc;

	if (in->vmm != PV_CCA_VMM_KVMTOOL)
		return pv_errf(e, PV_ENOTSUP, "%s: a firmware for --vmm qemu "
			       "(-bios) is not modelled yet (cca-rim.md §11.2)",
			       in->firmware_name);
	if (in->kernel)
		return pv_errf(e, PV_EINVAL, "%s: kvmtool takes either a "
			       "kernel or a firmware, not both (the firmware "
			       "loads the kernel from the disk)",
			       in->firmware_name);
	if (in->initrd)
		return pv_errf(e, PV_EINVAL, "%s: kvmtool ignores the initrd "
			       "when it loads a firmware: leave out -i",
			       in->firmware_name);
	if (in->firmware_len == 0)
		return pv_errf(e, PV_EFORMAT, "%s: the firmware is empty",
			       in->firmware_name);
	if (hdr && pv_le32(hdr + 56) == PV_ARM64_IMAGE_MAGIC)
		fw_mem = pv_le64(hdr + 16);
	if ((rc = pv_cca_layout_kvmtool_fw(in->mem, in->firmware_len, fw_mem,
					   &r->layout, e)) ||
	    (rc = kvmtool_dtb(in, r, e)))
		return rc;
	r->user.ipa_bits = kvmtool_ipa(in, &r->layout);
	return 0;
}

int pv_cca_launch_measure(const struct pv_cca_launch *in,
			  struct pv_cca_launch_result *r, struct pv_err *e)
{
	struct pv_cca_config cfg = { 0 };
	struct pv_arm64_image img;
	const uint8_t *kernel = in->kernel;
	size_t klen = in->kernel_len;
	int rc;

	memset(r, 0, sizeof(*r));
	if (in->profile == PV_CCA_PROFILE_EAC5 && in->vmm != PV_CCA_VMM_KVMTOOL)
		return pv_errf(e, PV_EINVAL, "--rmm 1.0-eac5 models EAC5 kvmtool "
			       "only: use --vmm kvmtool");
	if (in->cpus < 1)
		return pv_errf(e, PV_EINVAL, "-c 0: at least one vCPU");
	profile_defaults(in, &r->user);
	if (in->firmware || in->firmware_name) {
		if ((rc = kvmtool_firmware(in, r, e)))
			return rc;
		kernel = in->firmware;
		klen = in->firmware_len;
		goto measure;
	}
	if (pv_is_gzip(in->kernel, in->kernel_len)) {
		size_t max = PV_CCA_MAX_KERNEL;

		if (in->vmm == PV_CCA_VMM_KVMTOOL)
			return pv_errf(e, PV_EFORMAT, "%s: gzip-compressed: "
				       "kvmtool loads the file as it is; give it "
				       "the uncompressed Image", in->kernel_name);
		/* the inflated kernel lives in the realm's memory: no need
		 * to inflate past it */
		if (in->mem < max)
			max = (size_t)in->mem;
		if ((rc = pv_gunzip(in->kernel, in->kernel_len, max,
				    in->kernel_name, &r->kbuf, &klen, e)))
			return rc;
		kernel = r->kbuf;
	}
	if ((rc = pv_arm64_image_parse(kernel, klen, in->kernel_name, &img, e)))
		return rc;
	if (in->initrd && in->initrd_len == 0)
		return pv_errf(e, PV_EFORMAT, "%s: the initrd is empty",
			       in->initrd_name);
	if (in->dtb && (rc = pv_cca_dtb_check(in->dtb, in->dtb_len,
					      in->dtb_name, e)))
		return rc;
	if (in->vmm == PV_CCA_VMM_KVMTOOL) {
		if ((rc = pv_cca_layout_kvmtool(in->mem, &img, klen,
						in->initrd_len, &r->layout, e)) ||
		    (rc = kvmtool_dtb(in, r, e)))
			return rc;
		r->user.ipa_bits = kvmtool_ipa(in, &r->layout);
	} else {
		if (!in->dtb && !in->have_qemu_version)
			return pv_errf(e, PV_EINVAL, "--vmm qemu: give "
				       "--qemu-version 7.2|10.0 to generate "
				       "QEMU's DTB, or its dump with --dtb (qemu "
				       "-machine dumpdtb=FILE)");
		if (!in->ipa_bits)
			return pv_errf(e, PV_EINVAL, "--vmm qemu: give "
				       "--ipa-bits: QEMU's IPA width depends on "
				       "the machine's memory map");
		if (in->dtb) {
			/* QEMU measures the FDT's totalsize (dumpdtb writes
			 * that); pv_cca_dtb_check checked it is in the file */
			const uint8_t *ts = pv_slice(in->dtb, in->dtb_len, 4, 4);

			if (!ts)
				return pv_errf(e, PV_EFORMAT, "%s: no FDT header",
					       in->dtb_name);
			r->dtb = in->dtb;
			r->dtb_len = (size_t)pv_be32(ts);
		} else {
			/* placed by its size: QEMU never packs its 1 MiB tree */
			r->dtb_len = PV_CCA_QEMU_FDT_SIZE;
		}
		if ((rc = pv_cca_layout_qemu(in->mem, &img, klen,
					     in->initrd_len, r->dtb_len,
					     &r->layout, e)))
			return rc;
		if (!in->dtb && (rc = qemu_dtb(in, r, e)))
			return rc;
		r->user.ipa_bits = in->ipa_bits;
	}
measure:
	cfg.profile = in->profile;
	cfg.vmm = in->vmm;
	cfg.alg = in->alg;
	cfg.user = r->user;
	cfg.align = in->align ? in->align : 4096;
	cfg.all_recs = in->all_recs;
	cfg.ncpus = in->cpus;
	cfg.layout = &r->layout;
	cfg.kernel = kernel;
	cfg.initrd = in->initrd;
	cfg.dtb = r->dtb;
	cfg.dtb_len = r->dtb_len;
	cfg.nthreads = in->nthreads;
	cfg.step = in->step;
	cfg.step_ctx = in->step_ctx;
	return pv_cca_measure(&cfg, &r->res, e);
}

static json_t *hex64(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

json_t *pv_cca_step_json(uint64_t index, const struct pv_cca_step *s)
{
	const struct pv_cca_params *p = s->params;
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "index", json_integer((json_int_t)index));
	json_object_set_new(o, "type", json_string(s->type));
	json_object_set_new(o, "region", json_string(s->what));
	if (p) {
		/* the measured RmiRealmParams fields, encoded */
		json_object_set_new(o, "flags", json_integer((json_int_t)p->flags));
		json_object_set_new(o, "s2sz", json_integer(p->s2sz));
		json_object_set_new(o, "sve_vl", json_integer(p->sve_vl));
		json_object_set_new(o, "num_bps", json_integer(p->num_bps));
		json_object_set_new(o, "num_wps", json_integer(p->num_wps));
		json_object_set_new(o, "pmu_num_ctrs", json_integer(p->pmu_num_ctrs));
		json_object_set_new(o, "hash_algo", json_integer(p->hash_algo));
	} else if (!strcmp(s->type, "DATA")) {
		json_object_set_new(o, "gpa", hex64(s->addr));
		json_object_set_new(o, "flags", json_integer(1));
	} else if (!strcmp(s->type, "RIPAS")) {
		json_object_set_new(o, "gpa", hex64(s->addr));
		json_object_set_new(o, "top", hex64(s->top));
	} else if (!strcmp(s->type, "REC")) {
		json_object_set_new(o, "pc", hex64(s->addr));
		json_object_set_new(o, "x0", hex64(s->top));
		json_object_set_new(o, "flags",
				    json_integer(!strcmp(s->what, "vcpu0")));
	}
	if (s->content)
		json_object_set_new(o, "contents", pv_json_hex(s->content, s->hlen));
	json_object_set_new(o, "digest", pv_json_hex(s->rim, s->hlen));
	return o;
}

const char *pv_cca_ccatoken_alg(enum pv_hash alg)
{
	return alg == PV_SHA512 ? "sha-512" : alg == PV_SHA384 ? "sha-384"
							       : "sha-256";
}

json_t *pv_cca_ccatoken_realm(const uint8_t *rim, size_t hlen,
			      const uint8_t rpv[64], enum pv_hash rak_alg,
			      const uint8_t (*rems)[PV_CCA_MEAS_MAX])
{
	char hex[2 * PV_CCA_MEAS_MAX + 1], rpvhex[129];
	json_t *o, *arr;
	int i;

	if (hlen > PV_CCA_MEAS_MAX)
		return NULL;
	pv_hex_encode(rim, hlen, hex, sizeof(hex));
	pv_hex_encode(rpv, 64, rpvhex, sizeof(rpvhex));
	o = json_pack("{s:s, s:s}", "initial-measurement", hex,
		      "rak-hash-algorithm", pv_cca_ccatoken_alg(rak_alg));
	if (o && rems) {
		arr = json_array();
		for (i = 0; arr && i < 4; i++)
			json_array_append_new(arr, pv_json_hex(rems[i], hlen));
		if (!arr || json_object_set_new(o, "extensible-measurements",
						arr)) {
			json_decref(o);
			return NULL;
		}
	}
	if (o && json_object_set_new(o, "personalization-value",
				     json_string(rpvhex))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

const char *pv_cca_comid_profile_uri(enum pv_cca_comid_profile p)
{
	return p == PV_CCA_COMID_ARM_REALM_1 ? "http://arm.com/cca/realm/1"
					     : "tag:arm.com,2025:cca_realm#1.0.0";
}

/* legacy profile: "sha-256;BASE64", swid.HashEntry's text form, at hash
 * length */
static json_t *comid_text_digest(enum pv_hash alg, const uint8_t *m,
				 size_t hlen)
{
	char *b = pv_base64_alloc(m, hlen);
	json_t *v = NULL;
	char *s;

	if (!b)
		return NULL;
	s = malloc(strlen(b) + 16);
	if (s) {
		snprintf(s, strlen(b) + 16, "%s;%s", pv_cca_ccatoken_alg(alg), b);
		v = json_pack("{s:s, s:[s]}", "key-type", "text", "value", s);
	}
	free(s);
	free(b);
	return v;
}

/* the named-information hash algorithm id (RFC 6920 registry: sha-256 1,
 * sha-384 7, sha-512 8), which a CoRIM digest carries as its alg */
static int comid_ni_alg(enum pv_hash alg)
{
	return alg == PV_SHA512 ? 8 : alg == PV_SHA384 ? 7 : 1;
}

/* a CoRIM digest as veraison/corim's JSON takes it: [alg, base64url of the
 * value without padding] (comid/digest.go, Digest.UnmarshalJSON) */
static json_t *comid_digest(enum pv_hash alg, const uint8_t *m, size_t hlen)
{
	char *b = pv_base64_alloc(m, hlen), *r, *w;
	json_t *v;

	if (!b)
		return NULL;
	for (r = w = b; *r && *r != '='; r++)
		*w++ = *r == '+' ? '-' : *r == '/' ? '_' : *r;
	*w = '\0';
	v = json_pack("[[i, s]]", comid_ni_alg(alg), b);
	free(b);
	return v;
}

/* a tag id derived from the RIM: a version-8 UUID of its SHA-256 */
static int comid_uuid(const uint8_t *rim, size_t hlen, char uuid[37])
{
	uint8_t d[32];

	if (pv_hash_buf(PV_SHA256, rim, hlen, d) < 0)
		return -1;
	d[6] = (uint8_t)((d[6] & 0x0f) | 0x80);
	d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
	snprintf(uuid, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9],
		 d[10], d[11], d[12], d[13], d[14], d[15]);
	return 0;
}

/* podvm's template: the tag id from the RIM, podvm as the creator; the
 * legacy profile's environment also has a class (vendor podvm), which
 * veraison/services' realm extractor of that profile requires when a class
 * is there */
static json_t *comid_default(enum pv_cca_comid_profile prof,
			     const uint8_t *rim, size_t hlen)
{
	json_t *doc;
	char uuid[37];

	if (comid_uuid(rim, hlen, uuid) < 0)
		return NULL;
	doc = json_pack("{s:{s:s, s:i}, s:[{s:s, s:[s, s]}]}",
			"tag-identity", "id", uuid, "version", 0,
			"entities", "name", "podvm", "roles", "tagCreator",
			"creator");
	if (doc && prof == PV_CCA_COMID_ARM_REALM_1 &&
	    json_object_set_new(doc, "triples", json_pack(
		    "{s:[{s:{s:{s:s}}}]}", "reference-values", "environment",
		    "class", "vendor", "podvm"))) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* legacy profile http://arm.com/cca/realm/1: the environment's instance is
 * the RIM, one measurement holds the RPV (raw-value) and the integrity
 * registers rim, rem0..rem3 */
static int comid_fill_arm_realm_1(json_t *env, json_t *rv, const uint8_t *rim,
				  size_t hlen, enum pv_hash alg,
				  const uint8_t rpv[64],
				  const uint8_t (*rems)[PV_CCA_MEAS_MAX])
{
	json_t *regs, *meas, *val;
	char *b;
	int i, bad = 0;

	b = pv_base64_alloc(rim, hlen);
	bad |= !b || json_object_set_new(env, "instance", json_pack(
		"{s:s, s:s}", "type", "bytes", "value", b ? b : ""));
	free(b);
	regs = json_object();
	bad |= !regs || json_object_set_new(regs, "rim",
					    comid_text_digest(alg, rim, hlen));
	for (i = 0; rems && i < 4; i++) {
		char k[8];

		snprintf(k, sizeof(k), "rem%d", i);
		bad |= json_object_set_new(regs, k,
					   comid_text_digest(alg, rems[i], hlen));
	}
	val = json_object();
	if (val && rpv) {
		b = pv_base64_alloc(rpv, 64);
		bad |= !b || json_object_set_new(val, "raw-value", json_pack(
			"{s:s, s:s}", "type", "bytes", "value", b ? b : ""));
		free(b);
	}
	bad |= !val || json_object_set_new(val, "integrity-registers", regs);
	meas = val ? json_pack("[{s:o}]", "value", val) : NULL;
	bad |= !meas || json_object_set_new(rv, "measurements", meas);
	return bad ? -1 : 0;
}

/* draft-ydb-rats-cca-endorsements' realm profile: the environment is a
 * class whose id is the RIM (tagged bytes), and one measurement per value,
 * keyed (text mkey) cca.rim, cca.rem0..cca.rem3 (digests) and cca.rpv
 * (raw-value, tagged bytes) */
static json_t *comid_realm_2025(const uint8_t *rim, size_t hlen,
				enum pv_hash alg, const uint8_t rpv[64],
				const uint8_t (*rems)[PV_CCA_MEAS_MAX])
{
	json_t *meas = json_array(), *rv;
	char *b;
	int i, bad = !meas;

	bad |= json_array_append_new(meas, json_pack(
		"{s:{s:s, s:s}, s:{s:o}}", "key", "type", "string", "value",
		"cca.rim", "value", "digests", comid_digest(alg, rim, hlen)));
	for (i = 0; rems && i < 4; i++) {
		char k[16];

		snprintf(k, sizeof(k), "cca.rem%d", i);
		bad |= json_array_append_new(meas, json_pack(
			"{s:{s:s, s:s}, s:{s:o}}", "key", "type", "string",
			"value", k, "value", "digests",
			comid_digest(alg, rems[i], hlen)));
	}
	if (rpv) {
		b = pv_base64_alloc(rpv, 64);
		bad |= !b || json_array_append_new(meas, json_pack(
			"{s:{s:s, s:s}, s:{s:{s:s, s:s}}}", "key", "type",
			"string", "value", "cca.rpv", "value", "raw-value",
			"type", "bytes", "value", b ? b : ""));
		free(b);
	}
	b = pv_base64_alloc(rim, hlen);
	if (bad || !b) {
		json_decref(meas);
		free(b);
		return NULL;
	}
	/* "o" steals meas, also when json_pack fails */
	rv = json_pack("{s:[{s:{s:{s:{s:s, s:s}}}, s:o}]}", "reference-values",
		       "environment", "class", "id", "type", "bytes", "value",
		       b, "measurements", meas);
	free(b);
	return rv;
}

int pv_cca_comid(enum pv_cca_comid_profile prof, const uint8_t *rim,
		 size_t hlen, enum pv_hash alg, const uint8_t rpv[64],
		 const uint8_t (*rems)[PV_CCA_MEAS_MAX], const json_t *tmpl,
		 const char *tmpl_name, json_t **out, struct pv_err *e)
{
	json_t *doc, *rv, *env;

	*out = NULL;
	if (hlen > PV_CCA_MEAS_MAX)
		return pv_errf(e, PV_EINVAL, "a %zu-byte RIM", hlen);
	doc = tmpl ? json_deep_copy(tmpl) : comid_default(prof, rim, hlen);
	if (!doc)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	if (!json_is_object(doc)) {
		json_decref(doc);
		return pv_errf(e, PV_EFORMAT, "%s: expected an object (a CoMID "
			       "template as cocli takes it)", tmpl_name);
	}
	if (prof == PV_CCA_COMID_REALM_2025) {
		/* the template's triples are replaced: its identity,
		 * entities and the rest are kept */
		rv = comid_realm_2025(rim, hlen, alg, rpv, rems);
		if (!rv || json_object_set_new(doc, "triples", rv)) {
			json_decref(doc);
			return pv_errf(e, PV_ENOMEM, "out of memory");
		}
		*out = doc;
		return 0;
	}
	/* triples.reference-values[0].environment, as cocli reads them */
	rv = json_object_get(json_object_get(doc, "triples"), "reference-values");
	rv = json_array_get(rv, 0);
	env = json_object_get(rv, "environment");
	if (!json_is_object(rv) || !json_is_object(env)) {
		json_decref(doc);
		return pv_errf(e, PV_EFORMAT, "%s: triples.reference-values[0]."
			       "environment: expected an object (a CoMID "
			       "template as cocli takes it)", tmpl_name);
	}
	if (comid_fill_arm_realm_1(env, rv, rim, hlen, alg, rpv, rems) < 0) {
		json_decref(doc);
		return pv_errf(e, PV_ENOMEM, "out of memory");
	}
	*out = doc;
	return 0;
}

json_t *pv_rvps_sample(const char *key, json_t *list)
{
	json_t *inner = json_pack("{s:o}", key, list), *msg = NULL;
	char *text = inner ? json_dumps(inner, JSON_COMPACT) : NULL;
	char *b64 = text ? pv_base64_alloc((const uint8_t *)text, strlen(text))
			 : NULL;

	if (b64)
		msg = json_pack("{s:s, s:s, s:s}", "version", "0.1.0", "type",
				"sample", "payload", b64);
	json_decref(inner);
	free(text);
	free(b64);
	return msg;
}
