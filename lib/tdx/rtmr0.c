/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rtmr0.c - the events of RTMR0 in a QEMU + TDVF direct boot
 * (docs/tdx.md 7): the TD HOB QEMU builds, the CFV, the Secure Boot
 * variables of the image's variable store, a separator, QEMU's ACPI
 * fw_cfg blobs and the boot variables OVMF has when it boots the kernel.
 */
#include <string.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/err.h"
#include "tdx/tdx.h"
#include "tdx/tdx_priv.h"

#define PHIT_SIZE 56
#define RES_SIZE 48
#define END_SIZE 8
#define MAX_RES (PV_TDVF_MAX_SECTIONS * 2 + 2)
#define FOUR_GB 0x100000000ull

/* aaf32c78-947b-439a-a180-2e144ec37792: gEfiAuthenticatedVariableGuid */
static const uint8_t guid_authvars[16] = {
	0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a, 0x43,
	0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92,
};
/* 8be4df61-93ca-11d2-aa0d-00e098032b8c: gEfiGlobalVariableGuid */
static const uint8_t guid_global[16] = {
	0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
	0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c,
};
/* d719b2cb-3d3a-4596-a3bc-dad00e67656f: gEfiImageSecurityDatabaseGuid */
static const uint8_t guid_secdb[16] = {
	0xcb, 0xb2, 0x19, 0xd7, 0x3a, 0x3d, 0x96, 0x45,
	0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f,
};

/* Boot0000 as OVMF registers its boot manager menu before it boots the
 * kernel: LOAD_OPTION_ACTIVE | HIDDEN | CATEGORY_APP, "UiApp", and the
 * device path FV(DXEFV 7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1)/
 * FvFile(UiApp 462caa21-7614-4503-836e-8ab6f4662331)/End. */
static const uint8_t boot0000[] = {
	0x09, 0x01, 0x00, 0x00, 0x2c, 0x00,
	'U', 0, 'i', 0, 'A', 0, 'p', 0, 'p', 0, 0, 0,
	0x04, 0x07, 0x14, 0x00,
	0xc9, 0xbd, 0xb8, 0x7c, 0xeb, 0xf8, 0x34, 0x4f,
	0xaa, 0xea, 0x3e, 0xe4, 0xaf, 0x65, 0x16, 0xa1,
	0x04, 0x06, 0x14, 0x00,
	0x21, 0xaa, 0x2c, 0x46, 0x14, 0x76, 0x03, 0x45,
	0x83, 0x6e, 0x8a, 0xb6, 0xf4, 0x66, 0x23, 0x31,
	0x7f, 0xff, 0x04, 0x00,
};

struct res {
	uint64_t start, len;
	bool added;
};

/* The RAM entries of tdx_init_ram_entries(): RAM below and above 4 GiB,
 * split by every TD_HOB and TempMem section (tdx_accept_ram_range). */
static int ram_entries(const struct pv_tdvf *t, uint64_t memory,
		       struct res *r, size_t *n, struct pv_err *e)
{
	const struct pv_tdvf_section *s[PV_TDVF_MAX_SECTIONS];
	uint64_t below = pv_tdx_q35_below_4g(memory), off = 0;
	size_t ns = 0, i, j;

	for (i = 0; i < t->nsections; i++)
		if (t->sections[i].type == PV_TDVF_TD_HOB ||
		    t->sections[i].type == PV_TDVF_TEMP_MEM)
			s[ns++] = &t->sections[i];
	for (i = 1; i < ns; i++) /* by address, stable */
		for (j = i; j > 0 && s[j - 1]->gpa > s[j]->gpa; j--) {
			const struct pv_tdvf_section *x = s[j];

			s[j] = s[j - 1];
			s[j - 1] = x;
		}
	*n = 0;
	for (i = 0; i < ns; i++) {
		if (s[i]->gpa < off || s[i]->gpa + s[i]->mem_size > below)
			return pv_errf(e, PV_EINVAL,
				       "TDVF section at 0x%llx overlaps another "
				       "or lies outside the %llu bytes of RAM "
				       "below 4 GiB",
				       (unsigned long long)s[i]->gpa,
				       (unsigned long long)below);
		if (s[i]->mem_size == 0)
			continue;
		if (s[i]->gpa > off)
			r[(*n)++] = (struct res){ off, s[i]->gpa - off, false };
		r[(*n)++] = (struct res){ s[i]->gpa, s[i]->mem_size, true };
		off = s[i]->gpa + s[i]->mem_size;
	}
	if (off < below)
		r[(*n)++] = (struct res){ off, below - off, false };
	if (memory > below)
		r[(*n)++] = (struct res){ FOUR_GB, memory - below, false };
	return 0;
}

/* QEMU's tdvf_hob_create(), without the end HOB (which edk2 does not
 * hash: TdxHelperMeasureTdHob) */
static int hob_digest(const struct pv_tdvf *t, uint64_t memory,
		      uint8_t d[PV_TDX_MR_SIZE], struct pv_err *e)
{
	uint8_t buf[PHIT_SIZE + MAX_RES * RES_SIZE];
	struct res r[MAX_RES];
	const struct pv_tdvf_section *h = NULL;
	size_t n, i, len;
	uint32_t k;
	int rc;

	for (k = 0; k < t->nsections && !h; k++)
		if (t->sections[k].type == PV_TDVF_TD_HOB)
			h = &t->sections[k];
	if (!h)
		return pv_errf(e, PV_EFORMAT,
			       "RTMR0: the TDVF metadata has no TD_HOB section");
	rc = ram_entries(t, memory, r, &n, e);
	if (rc)
		return rc;
	len = PHIT_SIZE + n * RES_SIZE;
	if (len + END_SIZE > h->mem_size)
		return pv_errf(e, PV_ERANGE,
			       "RTMR0: the TD HOB (%zu bytes) overruns its "
			       "0x%llx-byte section", len + END_SIZE,
			       (unsigned long long)h->mem_size);
	memset(buf, 0, len);
	pv_put_le16(buf, 0x0001);		/* EFI_HOB_TYPE_HANDOFF */
	pv_put_le16(buf + 2, PHIT_SIZE);
	pv_put_le32(buf + 8, 9);		/* EFI_HOB_HANDOFF_TABLE_VERSION */
	pv_put_le64(buf + 48, h->gpa + len + END_SIZE); /* EfiEndOfHobList */
	for (i = 0; i < n; i++) {
		uint8_t *p = buf + PHIT_SIZE + i * RES_SIZE;

		pv_put_le16(p, 0x0003);		/* RESOURCE_DESCRIPTOR */
		pv_put_le16(p + 2, RES_SIZE);
		/* SYSTEM_MEMORY (0) or MEMORY_UNACCEPTED (7) */
		pv_put_le32(p + 24, r[i].added ? 0 : 7);
		pv_put_le32(p + 28, 7);	/* PRESENT|INITIALIZED|TESTED */
		pv_put_le64(p + 32, r[i].start);
		pv_put_le64(p + 40, r[i].len);
	}
	return pv_hash_buf(PV_SHA384, buf, len, d) ?
		       pv_errf(e, PV_ECRYPTO, "RTMR0: SHA-384 failed") : 0;
}

struct var {
	const char *name;
	const uint8_t *data;
	size_t len;
	bool found;
};

/* The valid (VAR_ADDED) variables of the authenticated variable store at
 * the start of the CFV: FV header, VARIABLE_STORE_HEADER, then
 * AUTHENTICATED_VARIABLE_HEADERs (60 bytes), names and data, 4-aligned */
static int read_vars(const struct pv_tdvf *t, struct var *v, size_t nv,
		     struct pv_err *e)
{
	const struct pv_tdvf_section *c = NULL;
	const uint8_t *fv, *p;
	uint64_t off, end;
	uint32_t k, size;
	uint16_t hlen;

	for (k = 0; k < t->nsections && !c; k++)
		if (t->sections[k].type == PV_TDVF_CFV)
			c = &t->sections[k];
	if (!c)
		return pv_errf(e, PV_EFORMAT, "RTMR0: no CFV section");
	fv = t->data + c->data_offset; /* inside: checked by the parser */
	if (c->raw_size < 0x48 || memcmp(fv + 40, "_FVH", 4) != 0)
		return pv_errf(e, PV_EFORMAT, "RTMR0: the CFV at 0x%x is not "
			       "a firmware volume (no \"_FVH\")",
			       c->data_offset);
	hlen = pv_le16(fv + 48);
	p = pv_slice(fv, c->raw_size, hlen, 28);
	if (!p || memcmp(p, guid_authvars, 16) != 0 || p[20] != 0x5a ||
	    p[21] != 0xfe)
		return pv_errf(e, PV_ENOTSUP, "RTMR0: the CFV holds no "
			       "formatted, healthy authenticated variable "
			       "store at offset 0x%x", hlen);
	size = pv_le32(p + 16);
	end = (uint64_t)hlen + size;
	if (end > c->raw_size)
		return pv_errf(e, PV_ERANGE, "RTMR0: the variable store size "
			       "0x%x runs past the CFV", size);
	for (off = (uint64_t)hlen + 28; off + 60 <= end;) {
		const uint8_t *h = fv + off;
		uint32_t nsz = pv_le32(h + 36), dsz = pv_le32(h + 40);
		uint64_t next;
		size_t i, j;

		if (pv_le16(h) != 0x55aa)
			break;
		if (!pv_range_ok(off + 60, (uint64_t)nsz + dsz, end) ||
		    nsz % 2)
			return pv_errf(e, PV_EFORMAT, "RTMR0: variable at CFV "
				       "offset 0x%llx runs past the store",
				       (unsigned long long)off);
		for (i = 0; h[2] == 0x3f && i < nv; i++) {
			size_t nl = strlen(v[i].name);

			if (nsz != 2 * (nl + 1))
				continue;
			for (j = 0; j <= nl; j++)
				if (pv_le16(h + 60 + 2 * j) !=
				    (uint8_t)v[i].name[j])
					break;
			if (j <= nl)
				continue;
			v[i].found = true;
			v[i].data = h + 60 + nsz;
			v[i].len = dsz;
		}
		next = (off + 60 + nsz + dsz + 3) & ~3ull;
		off = next;
	}
	return 0;
}

/* UEFI_VARIABLE_DATA: GUID, u64 name length (chars), u64 data length,
 * the name in UTF-16 without NUL, the data (TdTcg2Dxe MeasureVariable) */
static int var_event(struct pv_tdx_run *run, const uint8_t *guid,
		     const char *name, const uint8_t *data, size_t len)
{
	uint8_t buf[32 + 2 * 16 + 8192];
	size_t nl = strlen(name), i;

	if (len > 8192)
		return pv_errf(run->e, PV_ETOOBIG, "RTMR0: variable %s has %zu "
			       "bytes, more than this model handles", name,
			       len);
	memcpy(buf, guid, 16);
	pv_put_le64(buf + 16, nl);
	pv_put_le64(buf + 24, len);
	for (i = 0; i < nl; i++)
		pv_put_le16(buf + 32 + 2 * i, (uint8_t)name[i]);
	if (len)
		memcpy(buf + 32 + 2 * nl, data, len);
	return pv_tdx_extend_data(run, 0, "EV_EFI_VARIABLE_DRIVER_CONFIG",
				  name, buf, 32 + 2 * nl + len);
}

int pv_tdx_rtmr0_early(const struct pv_tdx_params *p, const struct pv_tdvf *t,
		       struct pv_tdx_run *run)
{
	struct var v[] = { { "PK" }, { "KEK" }, { "db" }, { "dbx" },
			   { "SecureBootEnable" } };
	static const uint8_t one = 1;
	const struct pv_tdvf_section *c = NULL;
	uint8_t d[PV_TDX_MR_SIZE];
	bool sb;
	uint32_t k;
	int r;

	r = hob_digest(t, p->memory, d, run->e);
	if (!r)
		r = pv_tdx_extend(run, 0, "EV_EFI_HANDOFF_TABLES2", "TD HOB", d);
	for (k = 0; !r && k < t->nsections && !c; k++)
		if (t->sections[k].type == PV_TDVF_CFV)
			c = &t->sections[k];
	if (!r && c)
		r = pv_tdx_extend_data(run, 0, "EV_EFI_PLATFORM_FIRMWARE_BLOB2",
				       "CFV", t->data + c->data_offset,
				       c->raw_size);
	if (!r)
		r = read_vars(t, v, sizeof(v) / sizeof(v[0]), run->e);
	if (r)
		return r;
	/* SecureBoot: 1 when a PK is enrolled and SecureBootEnable is not
	 * 0, else absent (AuthVariableLib; docs/tdx.md 7) */
	sb = v[0].found && !(v[4].found && v[4].len && v[4].data[0] == 0);
	r = var_event(run, guid_global, "SecureBoot", &one, sb ? 1 : 0);
	if (!r)
		r = var_event(run, guid_global, "PK", v[0].data, v[0].len);
	if (!r)
		r = var_event(run, guid_global, "KEK", v[1].data, v[1].len);
	if (!r)
		r = var_event(run, guid_secdb, "db", v[2].data, v[2].len);
	if (!r)
		r = var_event(run, guid_secdb, "dbx", v[3].data, v[3].len);
	if (!r)
		r = pv_tdx_separator(run, 0);
	if (!r)
		r = pv_tdx_extend_data(run, 0, "EV_PLATFORM_CONFIG_FLAGS",
				       "etc/table-loader", p->acpi_loader,
				       p->acpi_loader_len);
	if (!r)
		r = pv_tdx_extend_data(run, 0, "EV_PLATFORM_CONFIG_FLAGS",
				       "etc/acpi/rsdp", p->acpi_rsdp,
				       p->acpi_rsdp_len);
	if (!r)
		r = pv_tdx_extend_data(run, 0, "EV_PLATFORM_CONFIG_FLAGS",
				       "etc/acpi/tables", p->acpi_tables,
				       p->acpi_tables_len);
	return r;
}

int pv_tdx_rtmr0_boot_vars(struct pv_tdx_run *run)
{
	static const uint8_t order[2] = { 0, 0 };
	int r;

	/* EV_EFI_VARIABLE_BOOT: the digest is of the variable's data */
	r = pv_tdx_extend_data(run, 0, "EV_EFI_VARIABLE_BOOT", "BootOrder",
			       order, sizeof(order));
	if (!r)
		r = pv_tdx_extend_data(run, 0, "EV_EFI_VARIABLE_BOOT",
				       "Boot0000", boot0000, sizeof(boot0000));
	return r;
}
