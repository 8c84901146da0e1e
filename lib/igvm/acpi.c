/* SPDX-License-Identifier: Apache-2.0 */
/*
 * acpi.c - a minimal built-in ACPI table set for --vmm clh when no ACPI
 * pages are given: RSDP, XSDT, FADT (hardware-reduced), MADT (one local
 * APIC per vCPU, one I/O APIC) and an empty DSDT, laid out where
 * igvm-tooling puts its tables (RSDP 0xE0000, XSDT 0x100000, the others
 * packed from 0x101000 in name order).  Layouts: ACPI 6.4 §5.2.5.3 (RSDP),
 * §5.2.6 (header), §5.2.8 (XSDT), §5.2.9 (FADT), §5.2.11.2 (DSDT),
 * §5.2.12 (MADT).
 */
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/err.h"
#include "igvm/linux.h"

#define HDR 36u
#define FADT_LEN 276u /* FADT revision 6, minor 3 */
#define MADT_LAPIC 8u
#define MADT_IOAPIC 12u
#define MAX_VCPUS 240u /* xAPIC IDs below the I/O APIC's */

enum { PG_RSDP, PG_XSDT, PG_TABLES, PG_N };

static void checksum(uint8_t *t, size_t len, size_t at)
{
	uint8_t sum = 0;
	size_t i;

	t[at] = 0;
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[at] = (uint8_t)(0 - sum);
}

/* §5.2.6 system description table header */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	pv_put_le32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "PODVM ", 6);
	memcpy(t + 16, "PODVMCLH", 8);
	pv_put_le32(t + 24, 1);
	memcpy(t + 28, "PDVM", 4);
	pv_put_le32(t + 32, 1);
}

int pv_acpi_minimal(uint32_t vcpus, uint8_t **buf, struct pv_acpi_page *pages,
		    size_t *npages, struct pv_err *e)
{
	const uint64_t rsdp = PV_CLH_ACPI_START, xsdt = 0x100000,
		       base = 0x101000;
	uint32_t madt_len = HDR + 8 + MADT_IOAPIC + MADT_LAPIC * vcpus;
	uint64_t apic = base, dsdt = apic + madt_len, facp = dsdt + HDR;
	uint8_t *b, *t;
	uint32_t i;

	if (!vcpus || vcpus > MAX_VCPUS)
		return pv_errf(e, PV_EINVAL,
			       "--vcpus %u: the built-in MADT takes 1 to %u",
			       vcpus, MAX_VCPUS);
	b = calloc(PG_N, 4096);
	if (!b)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	/* the tables after the XSDT must fit their one page */
	_Static_assert(HDR + 8 + MADT_IOAPIC + MADT_LAPIC * MAX_VCPUS + HDR +
			       FADT_LEN <= 4096,
		       "built-in ACPI tables exceed one page");

	/* RSDP, §5.2.5.3: revision 2, XSDT only */
	t = b + PG_RSDP * 4096;
	memcpy(t, "RSD PTR ", 8);
	memcpy(t + 9, "PODVM ", 6);
	t[15] = 2;
	pv_put_le32(t + 20, 36);
	pv_put_le64(t + 24, xsdt);
	checksum(t, 20, 8);
	checksum(t, 36, 32);

	/* XSDT, §5.2.8: MADT and FADT (igvm-tooling's name order) */
	t = b + PG_XSDT * 4096;
	header(t, "XSDT", HDR + 16, 1);
	pv_put_le64(t + HDR, apic);
	pv_put_le64(t + HDR + 8, facp);
	checksum(t, HDR + 16, 9);

	/* MADT, §5.2.12: local APIC at 0xFEE00000, no PC-AT PICs */
	t = b + PG_TABLES * 4096;
	header(t, "APIC", madt_len, 5);
	pv_put_le32(t + HDR, 0xFEE00000);
	pv_put_le32(t + HDR + 4, 0);
	for (i = 0; i < vcpus; i++) {
		uint8_t *l = t + HDR + 8 + MADT_LAPIC * i;

		l[0] = 0;                /* Processor Local APIC */
		l[1] = MADT_LAPIC;
		l[2] = (uint8_t)i;       /* ACPI processor UID */
		l[3] = (uint8_t)i;       /* APIC ID */
		pv_put_le32(l + 4, 1);   /* enabled */
	}
	{
		uint8_t *io = t + HDR + 8 + MADT_LAPIC * vcpus;

		io[0] = 1;               /* I/O APIC */
		io[1] = MADT_IOAPIC;
		io[2] = (uint8_t)vcpus;  /* its ID, after the CPUs' */
		pv_put_le32(io + 4, 0xFEC00000);
		pv_put_le32(io + 8, 0);  /* GSI base */
	}
	checksum(t, madt_len, 9);

	/* DSDT, §5.2.11.2: no AML, nothing to describe */
	t = b + PG_TABLES * 4096 + (dsdt - base);
	header(t, "DSDT", HDR, 2);
	checksum(t, HDR, 9);

	/* FADT, §5.2.9: hardware-reduced ACPI, DSDT by its 64-bit address */
	t = b + PG_TABLES * 4096 + (facp - base);
	header(t, "FACP", FADT_LEN, 6);
	pv_put_le32(t + 40, (uint32_t)dsdt);   /* DSDT */
	pv_put_le32(t + 112, 1u << 20);        /* Flags: HW_REDUCED_ACPI */
	t[131] = 3;                            /* FADT minor version */
	pv_put_le64(t + 140, dsdt);            /* X_DSDT */
	checksum(t, FADT_LEN, 9);

	pages[0].gpa = rsdp;
	pages[0].data = b + PG_RSDP * 4096;
	pages[1].gpa = xsdt;
	pages[1].data = b + PG_XSDT * 4096;
	pages[2].gpa = base;
	pages[2].data = b + PG_TABLES * 4096;
	*npages = PG_N;
	*buf = b;
	return 0;
}

/*
 * --acpi-dir: compiled tables laid out as igvm-tooling lays out an
 * -acpi_dir (acpi.py ACPI.from_dir): the RSDP as given at 0xE0000; the
 * XSDT at the RSDP's XSDT address (0x100000 when zero) with one entry
 * appended per FACP, OEM0, APIC, TPM2, TCPA, MCFG present, in name order;
 * the other tables packed without alignment from XSDT + 0x1000 in name
 * order; FACP address fields of the DSDT and FACS that are zero set to
 * them.  Patched tables get a new checksum (igvm-tooling recompiles them).
 */
static const char *const sub_names[] = { "APIC", "DSDT", "FACP", "FACS",
					 "MCFG", "OEM0", "TCPA", "TPM2" };
static const char *const xsdt_names[] = { "APIC", "FACP", "MCFG", "OEM0",
					  "TCPA", "TPM2" };

static int find_sig(const struct pv_acpi_table *t, size_t n, const char *sig)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].len >= 4 && !memcmp(t[i].data, sig, 4))
			return (int)i;
	return -1;
}

int pv_acpi_layout(const struct pv_acpi_table *t, size_t n, uint8_t **buf,
		   struct pv_acpi_page *pages, size_t *npages, uint64_t *end,
		   struct pv_err *e)
{
	const uint64_t lo = PV_CLH_ACPI_START, hi = PV_CLH_ACPI_END;
	uint64_t xsdt_addr = 0x100000, addr[8] = { 0 }, at, top;
	int rsdp = -1, xsdt, idx[8];
	size_t i, j, np = 0, nx = 0, xlen;
	uint8_t *mem, *x;

	for (i = 0; i < n; i++) {
		int known = 0;

		if (t[i].len >= 8 && !memcmp(t[i].data, "RSD PTR ", 8)) {
			if (rsdp >= 0 || t[i].len < 36)
				return pv_errf(e, PV_EFORMAT,
					       "ACPI: a second or short RSDP (%s)",
					       t[i].name);
			rsdp = (int)i;
			continue;
		}
		if (t[i].len < 36 || pv_le32(t[i].data + 4) != t[i].len)
			return pv_errf(e, PV_EFORMAT,
				       "%s: not an ACPI table, or its length field (offset 4) differs from the file size %zu",
				       t[i].name, t[i].len);
		if (!memcmp(t[i].data, "XSDT", 4))
			known = 1;
		for (j = 0; j < 8; j++)
			if (!memcmp(t[i].data, sub_names[j], 4))
				known = 1;
		if (!known)
			return pv_errf(e, PV_ENOTSUP,
				       "%s: table \"%.4s\" is not one igvm-tooling lays out (XSDT, APIC, DSDT, FACP, FACS, MCFG, OEM0, TCPA, TPM2)",
				       t[i].name, (const char *)t[i].data);
		for (j = i + 1; j < n; j++)
			if (t[j].len >= 4 && !memcmp(t[i].data, t[j].data, 4))
				return pv_errf(e, PV_EFORMAT,
					       "%s and %s: two \"%.4s\" tables",
					       t[i].name, t[j].name,
					       (const char *)t[i].data);
	}
	xsdt = find_sig(t, n, "XSDT");
	if (rsdp < 0 || xsdt < 0 || find_sig(t, n, "FACP") < 0 ||
	    find_sig(t, n, "DSDT") < 0 || find_sig(t, n, "FACS") < 0)
		return pv_errf(e, PV_EINVAL,
			       "ACPI: need at least RSDP, XSDT, FACP, DSDT and FACS");
	/* RSDP XsdtAddress (ACPI 5.2.5.3, offset 24; the RSDP is >= 36) */
	{
		const uint8_t *xa = pv_slice(t[rsdp].data, t[rsdp].len, 24, 8);

		if (xa && pv_le64(xa))
			xsdt_addr = pv_le64(xa);
	}
	/* addresses of the packed tables */
	at = xsdt_addr + 0x1000;
	for (j = 0; j < 8; j++) {
		idx[j] = find_sig(t, n, sub_names[j]);
		if (idx[j] < 0)
			continue;
		addr[j] = at;
		at += t[idx[j]].len;
	}
	for (j = 0; j < 6; j++)
		nx += find_sig(t, n, xsdt_names[j]) >= 0;
	xlen = t[xsdt].len + 8 * nx;
	top = at > xsdt_addr + xlen ? at : xsdt_addr + xlen;
	if (xsdt_addr < 0x100000 || xsdt_addr % 4096 || top > hi)
		return pv_errf(e, PV_ERANGE,
			       "ACPI: tables would span [0x%llx, 0x%llx), outside [0x100000, 0x200000)",
			       (unsigned long long)xsdt_addr,
			       (unsigned long long)top);
	mem = calloc(1, hi - lo);
	if (!mem)
		return pv_errf(e, PV_ENOMEM, "out of memory");
	memcpy(mem, t[rsdp].data, 36);
	/* XSDT with the appended entries */
	x = mem + (xsdt_addr - lo);
	memcpy(x, t[xsdt].data, t[xsdt].len);
	for (j = 0, i = 0; j < 8; j++) {
		size_t k;

		if (idx[j] < 0)
			continue;
		for (k = 0; k < 6; k++)
			if (!strcmp(sub_names[j], xsdt_names[k]))
				pv_put_le64(x + t[xsdt].len + 8 * i++, addr[j]);
	}
	pv_put_le32(x + 4, (uint32_t)xlen);
	checksum(x, xlen, 9);
	/* the others, FACP patched */
	for (j = 0; j < 8; j++) {
		uint8_t *p;
		size_t len;

		if (idx[j] < 0)
			continue;
		p = mem + (addr[j] - lo);
		len = t[idx[j]].len;
		memcpy(p, t[idx[j]].data, len);
		if (!strcmp(sub_names[j], "FACP")) {
			uint64_t facs = addr[3], dsdt = addr[1];

			if (len >= 44 && !pv_le32(p + 36))
				pv_put_le32(p + 36, (uint32_t)facs);
			if (len >= 44 && !pv_le32(p + 40))
				pv_put_le32(p + 40, (uint32_t)dsdt);
			if (len >= 140 && !pv_le64(p + 132))
				pv_put_le64(p + 132, facs);
			if (len >= 148 && !pv_le64(p + 140))
				pv_put_le64(p + 140, dsdt);
			checksum(p, len, 9);
		}
	}
	/* the pages that hold a table */
	for (at = lo; at < hi; at += 4096) {
		int used = at == lo ||
			   (at + 4096 > xsdt_addr && at < xsdt_addr + xlen) ||
			   (at + 4096 > xsdt_addr + 0x1000 &&
			    at < xsdt_addr + 0x1000 + (top - xsdt_addr));

		if (!used || at >= top)
			continue;
		if (np == PV_ACPI_MAX_PAGES) {
			free(mem);
			return pv_errf(e, PV_ETOOBIG, "ACPI: too many pages");
		}
		pages[np].gpa = at;
		pages[np].data = mem + (at - lo);
		np++;
	}
	*npages = np;
	*end = (pages[np - 1].gpa + 4096);
	*buf = mem;
	return 0;
}
